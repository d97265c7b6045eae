//! Strings: the string builder, rendering (`string(...)`, interpolation,
//! messages), numbers as text and text as numbers, and regex automata.
//!
//! The string builder appends bytes at the heap pointer; a string is built
//! by remembering the heap pointer, appending, and calling `sb_finish`.
//! Nothing else may allocate while a string is being built, so callers
//! evaluate every value first and render afterwards.

use ward_abi::layout::{
    ENTRY_KEY_LEN, ENTRY_KEY_OFF, ENTRY_SIZE, ENTRY_VALUE, ORDER_INDEX_SIZE, RESOURCE_ID_LEN,
    RESOURCE_ID_OFF, SLOT_PAYLOAD, SLOT_PAYLOAD_LEN, SLOT_SIZE, TAG_BOOL, TAG_LIST, TAG_NULL,
    TAG_NUMBER, TAG_OBJECT, TAG_STRING, TAG_UNKNOWN,
};
use wasm_encoder::Instruction;

use super::core::bool_value;
use super::{Rt, Texts, return_if_tag, tag, text};
use crate::asm::Func;
use crate::layout::{DIGITS, FALSE, SLOT_FLAG, TAG_RESOURCE, TRUE, global};

/// `sb_byte(b)`.
pub(crate) fn sb_byte(f: &mut Func) {
    let b = 0;
    f.i32c(1).call(Rt::Ensure.index());
    f.gget(global::HEAP).get(b).store8(0);
    f.gget(global::HEAP).i32c(1).add().gset(global::HEAP);
}

/// `sb_bytes(a, len)`.
pub(crate) fn sb_bytes(f: &mut Func) {
    let (a, len) = (0, 1);
    f.get(len).call(Rt::Ensure.index());
    f.gget(global::HEAP)
        .get(a)
        .get(len)
        .ins(Instruction::MemoryCopy {
            src_mem: 0,
            dst_mem: 0,
        });
    f.gget(global::HEAP).get(len).add().gset(global::HEAP);
}

/// `sb_finish(start) -> value`: the string from `start` to the heap pointer.
pub(crate) fn sb_finish(f: &mut Func) {
    let start = 0;
    f.get(start)
        .gget(global::HEAP)
        .get(start)
        .sub()
        .call(Rt::NewString.index());
}

fn byte(f: &mut Func, value: u8) {
    f.i32c(i32::from(value)).call(Rt::SbByte.index());
}

fn bytes(f: &mut Func, value: (u32, u32)) {
    text(f, value);
    f.call(Rt::SbBytes.index());
}

/// `render(v, top)`: appends the rendering of a value; at the top a string
/// or a resource id is written as it is, inside lists and objects quoted.
pub(crate) fn render(f: &mut Func, texts: &Texts) {
    let (v, top) = (0, 1);
    let (t, a, len, n, base, i, order, entry, relative) = (
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
    );
    tag(f, v);
    f.set(t);
    // Strings and resource ids.
    f.get(t)
        .i32c(i32::from(TAG_STRING))
        .eq()
        .get(t)
        .i32c(i32::from(TAG_RESOURCE))
        .eq()
        .or()
        .if_();
    f.get(t).i32c(i32::from(TAG_STRING)).eq().if_();
    f.get(v).addr().set(a);
    f.get(v).load32(SLOT_PAYLOAD_LEN).set(len);
    f.else_();
    f.get(v)
        .load32(SLOT_PAYLOAD)
        .call(Rt::Record.index())
        .set(entry);
    f.gget(global::INPUT)
        .get(entry)
        .load32(RESOURCE_ID_OFF)
        .add()
        .set(a);
    f.get(entry).load32(RESOURCE_ID_LEN).set(len);
    f.end();
    f.get(top).if_();
    f.get(a).get(len).call(Rt::SbBytes.index());
    f.else_();
    f.get(a).get(len).call(Rt::RenderQuoted.index());
    f.end();
    f.ret();
    f.end();
    f.get(t).i32c(i32::from(TAG_NULL)).eq().if_();
    bytes(f, texts.null);
    f.ret().end();
    f.get(t).i32c(i32::from(TAG_BOOL)).eq().if_();
    f.get(v).load32(SLOT_PAYLOAD).if_();
    bytes(f, texts.true_);
    f.else_();
    bytes(f, texts.false_);
    f.end().ret().end();
    f.get(t).i32c(i32::from(TAG_NUMBER)).eq().if_();
    f.get(v)
        .loadf(SLOT_PAYLOAD)
        .call(Rt::RenderNumber.index())
        .ret();
    f.end();
    f.get(t).i32c(i32::from(TAG_UNKNOWN)).eq().if_();
    bytes(f, texts.unknown);
    f.ret().end();
    f.get(v).load32(SLOT_PAYLOAD_LEN).set(n);
    f.get(v).addr().set(base);
    f.get(t).i32c(i32::from(TAG_LIST)).eq().if_();
    byte(f, b'[');
    f.block().loop_();
    f.get(i).get(n).ge_u().br_if(1);
    f.get(i).if_();
    byte(f, b',');
    f.end();
    f.element(base, i, SLOT_SIZE)
        .i32c(0)
        .call(Rt::Render.index());
    f.inc(i, 1).br(0).end().end();
    byte(f, b']');
    f.ret().end();
    f.get(t).i32c(i32::from(TAG_OBJECT)).eq().if_();
    f.get(base).get(n).u32c(ENTRY_SIZE).mul().add().set(order);
    f.i32c(0)
        .gget(global::INPUT)
        .get(v)
        .load8(SLOT_FLAG)
        .select()
        .set(relative);
    byte(f, b'{');
    f.block().loop_();
    f.get(i).get(n).ge_u().br_if(1);
    f.get(i).if_();
    byte(f, b',');
    f.end();
    f.get(base)
        .get(order)
        .get(i)
        .u32c(ORDER_INDEX_SIZE)
        .mul()
        .add()
        .load32(0)
        .u32c(ENTRY_SIZE)
        .mul()
        .add()
        .set(entry);
    f.get(entry)
        .load32(ENTRY_KEY_OFF)
        .get(relative)
        .add()
        .get(entry)
        .load32(ENTRY_KEY_LEN)
        .call(Rt::RenderQuoted.index());
    byte(f, b':');
    f.get(entry)
        .u32c(ENTRY_VALUE)
        .add()
        .i32c(0)
        .call(Rt::Render.index());
    f.inc(i, 1).br(0).end().end();
    byte(f, b'}');
    f.end();
}

/// `render_quoted(a, len)`: a JSON string literal.
pub(crate) fn render_quoted(f: &mut Func) {
    let (a, len) = (0, 1);
    let (i, b) = (f.i32_local(), f.i32_local());
    byte(f, b'"');
    f.block().loop_();
    f.get(i).get(len).ge_u().br_if(1);
    f.get(a).get(i).add().load8(0).set(b);
    f.block();
    for (raw, escaped) in [
        (b'"', b'"'),
        (b'\\', b'\\'),
        (b'\n', b'n'),
        (b'\r', b'r'),
        (b'\t', b't'),
        (8u8, b'b'),
        (12u8, b'f'),
    ] {
        f.get(b).i32c(i32::from(raw)).eq().if_();
        byte(f, b'\\');
        byte(f, escaped);
        f.br(1).end();
    }
    f.get(b).i32c(0x20).lt_u().if_();
    byte(f, b'\\');
    byte(f, b'u');
    byte(f, b'0');
    byte(f, b'0');
    for shift in [4, 0] {
        // A lowercase hex digit.
        let digit = f.i32_local();
        f.get(b).i32c(shift).shr_u().i32c(15).and().set(digit);
        f.get(digit)
            .i32c(48)
            .add()
            .get(digit)
            .i32c(87)
            .add()
            .get(digit)
            .i32c(10)
            .lt_u()
            .select();
        f.call(Rt::SbByte.index());
    }
    f.br(1).end();
    f.get(b).call(Rt::SbByte.index());
    f.end();
    f.inc(i, 1).br(0).end().end();
    byte(f, b'"');
}

/// `render_number(x)`: see `docs/semantics.md`, "Numbers as text".
pub(crate) fn render_number(f: &mut Func, texts: &Texts) {
    let x = 0;
    let (m, e) = (f.f64_local(), f.i32_local());
    f.get(x).get(x).ins(Instruction::F64Ne).if_();
    bytes(f, texts.nan);
    f.ret().end();
    f.get(x).f64c(f64::INFINITY).ins(Instruction::F64Eq).if_();
    bytes(f, texts.inf);
    f.ret().end();
    f.get(x)
        .f64c(f64::NEG_INFINITY)
        .ins(Instruction::F64Eq)
        .if_();
    bytes(f, texts.minus_inf);
    f.ret().end();
    f.get(x).ins(Instruction::F64Abs).set(m);
    f.get(m)
        .f64c(ward_compiler::numbers::EXACT_INTEGER_LIMIT)
        .ins(Instruction::F64Lt)
        .if_();
    f.get(x)
        .f64c(0.0)
        .ins(Instruction::F64Lt)
        .get(m)
        .call(Rt::RenderFixed.index())
        .ret();
    f.end();
    f.block().loop_();
    f.get(m).f64c(10.0).ins(Instruction::F64Lt).br_if(1);
    f.get(m).f64c(10.0).ins(Instruction::F64Div).set(m);
    f.inc(e, 1).br(0).end().end();
    f.get(x)
        .f64c(0.0)
        .ins(Instruction::F64Lt)
        .get(m)
        .call(Rt::RenderFixed.index());
    byte(f, b'e');
    f.get(e)
        .ins(Instruction::I64ExtendI32U)
        .i32c(1)
        .call(Rt::PushPadded.index());
}

/// `render_fixed(negative, magnitude)`: integer part and up to six
/// fractional digits.
pub(crate) fn render_fixed(f: &mut Func) {
    let (negative, m) = (0, 1);
    let (integer, fraction, digits, width) =
        (f.f64_local(), f.f64_local(), f.i64_local(), f.i32_local());
    f.get(m).ins(Instruction::F64Trunc).set(integer);
    f.get(m)
        .get(integer)
        .ins(Instruction::F64Sub)
        .f64c(1_000_000.0)
        .ins(Instruction::F64Mul);
    f.ins(Instruction::F64Nearest).set(fraction);
    f.get(fraction)
        .f64c(1_000_000.0)
        .ins(Instruction::F64Ge)
        .if_();
    f.get(integer)
        .f64c(1.0)
        .ins(Instruction::F64Add)
        .set(integer);
    f.f64c(0.0).set(fraction);
    f.end();
    f.get(negative);
    f.get(integer)
        .f64c(0.0)
        .ins(Instruction::F64Ne)
        .get(fraction)
        .f64c(0.0)
        .ins(Instruction::F64Ne)
        .or();
    f.and().if_();
    byte(f, b'-');
    f.end();
    f.get(integer)
        .ins(Instruction::I64TruncF64U)
        .i32c(1)
        .call(Rt::PushPadded.index());
    f.get(fraction).f64c(0.0).ins(Instruction::F64Ne).if_();
    byte(f, b'.');
    f.get(fraction).ins(Instruction::I64TruncF64U).set(digits);
    f.i32c(6).set(width);
    f.block().loop_();
    f.get(digits)
        .i64c(10)
        .ins(Instruction::I64RemU)
        .i64c(0)
        .ins(Instruction::I64Ne)
        .br_if(1);
    f.get(digits).i64c(10).ins(Instruction::I64DivU).set(digits);
    f.inc(width, -1).br(0).end().end();
    f.get(digits).get(width).call(Rt::PushPadded.index());
    f.end();
}

/// `push_padded(x, width)`: the decimal digits of `x`, left-padded with
/// zeros to `width`.
pub(crate) fn push_padded(f: &mut Func) {
    let (x, width) = (0, 1);
    let (p, count) = (f.i32_local(), f.i32_local());
    f.u32c(DIGITS + 32).set(p);
    f.loop_();
    f.inc(p, -1);
    f.get(p)
        .get(x)
        .i64c(10)
        .ins(Instruction::I64RemU)
        .ins(Instruction::I32WrapI64)
        .i32c(48)
        .add()
        .store8(0);
    f.get(x).i64c(10).ins(Instruction::I64DivU).set(x);
    f.inc(count, 1);
    f.get(x)
        .i64c(0)
        .ins(Instruction::I64Ne)
        .get(count)
        .get(width)
        .lt_s()
        .or()
        .br_if(0);
    f.end();
    f.get(p)
        .u32c(DIGITS + 32)
        .get(p)
        .sub()
        .call(Rt::SbBytes.index());
}

/// `parse_number(a, len) -> ok`, the value in the number global: see
/// `docs/semantics.md`, "Text as numbers".
pub(crate) fn parse_number(f: &mut Func) {
    let (a, len) = (0, 1);
    let (i, negative, b, integer_digits, fraction_digits, point, k) = (
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
    );
    let (m, scale) = (f.f64_local(), f.f64_local());
    f.get(len).if_();
    f.get(a).load8(0).i32c(i32::from(b'-')).eq().if_();
    f.i32c(1).set(negative).i32c(1).set(i);
    f.end();
    f.end();
    f.block().loop_();
    f.get(i).get(len).ge_u().br_if(1);
    f.get(a).get(i).add().load8(0).set(b);
    f.get(b).i32c(48).sub().i32c(10).lt_u().if_();
    f.get(m).f64c(10.0).ins(Instruction::F64Mul);
    f.get(b)
        .i32c(48)
        .sub()
        .ins(Instruction::F64ConvertI32U)
        .ins(Instruction::F64Add)
        .set(m);
    f.get(point)
        .if_()
        .inc(fraction_digits, 1)
        .else_()
        .inc(integer_digits, 1)
        .end();
    f.else_();
    f.get(b)
        .i32c(i32::from(b'.'))
        .eq()
        .get(point)
        .eqz()
        .and()
        .get(integer_digits)
        .i32c(0)
        .gt_s()
        .and()
        .if_();
    f.i32c(1).set(point);
    f.else_();
    f.i32c(0).ret();
    f.end();
    f.end();
    f.inc(i, 1).br(0).end().end();
    f.get(integer_digits)
        .eqz()
        .get(point)
        .get(fraction_digits)
        .eqz()
        .and()
        .or()
        .if_()
        .i32c(0)
        .ret()
        .end();
    f.f64c(1.0).set(scale);
    f.block().loop_();
    f.get(k).get(fraction_digits).ge_u().br_if(1);
    f.get(scale).f64c(10.0).ins(Instruction::F64Mul).set(scale);
    f.inc(k, 1).br(0).end().end();
    f.get(m).get(scale).ins(Instruction::F64Div).set(m);
    f.get(negative)
        .if_()
        .get(m)
        .ins(Instruction::F64Neg)
        .set(m)
        .end();
    f.get(m).gset(global::NUMBER);
    f.i32c(1);
}

/// `to_number(v) -> ok`: a number, or a numeric string; the value in the
/// number global.
pub(crate) fn to_number(f: &mut Func) {
    let v = 0;
    tag(f, v);
    f.i32c(i32::from(TAG_NUMBER)).eq().if_();
    f.get(v)
        .loadf(SLOT_PAYLOAD)
        .gset(global::NUMBER)
        .i32c(1)
        .ret();
    f.end();
    tag(f, v);
    f.i32c(i32::from(TAG_STRING)).eq().if_();
    f.get(v)
        .addr()
        .get(v)
        .load32(SLOT_PAYLOAD_LEN)
        .call(Rt::ParseNumber.index())
        .ret();
    f.end();
    f.i32c(0);
}

/// `dfa_run(table, a, len) -> bool`: walks a regex table (see
/// [`crate::regex`]) over the bytes: true at the first match state, false at
/// a dead or quit state, else the end-of-input transition decides.
pub(crate) fn dfa_run(f: &mut Func) {
    use crate::regex::{EOI_OFFSET, FLAGS, START};
    let (table, a, len) = (0, 1, 2);
    let s = f.i32_local();
    f.get(table).load32(START).set(s);
    walk_table(f, [table, s, a, len], 1, 0);
    f.get(table)
        .get(table)
        .load32(EOI_OFFSET)
        .add()
        .get(s)
        .i32c(4)
        .mul()
        .add()
        .load32(0)
        .set(s);
    f.get(table)
        .u32c(FLAGS)
        .add()
        .get(s)
        .add()
        .load8(0)
        .i32c(1)
        .and();
}

/// Emits the walk of a regex table from the state in local `s` over the
/// bytes `a..a + len`, leaving the state reached in `s`; returns
/// `on_match` at the first match state and `on_dead` at a dead or quit
/// state.
fn walk_table(f: &mut Func, [table, s, a, len]: [u32; 4], on_match: i32, on_dead: i32) {
    use crate::regex::{CLASSES, FLAGS, TRANSITIONS_OFFSET};
    let [i, classes, flags, transitions, flag] = f.i32_locals();
    f.get(table).load32(4).set(classes);
    f.get(table).u32c(FLAGS).add().set(flags);
    f.get(table)
        .get(table)
        .load32(TRANSITIONS_OFFSET)
        .add()
        .set(transitions);
    f.block().loop_();
    f.get(i).get(len).ge_u().br_if(1);
    f.get(transitions);
    f.get(s).get(classes).mul();
    f.get(table)
        .get(a)
        .get(i)
        .add()
        .load8(0)
        .add()
        .load8(CLASSES);
    f.add().i32c(4).mul().add().load32(0).set(s);
    f.get(flags)
        .get(s)
        .add()
        .load8(0)
        .tee(flag)
        .i32c(1)
        .and()
        .if_()
        .i32c(on_match)
        .ret()
        .end();
    f.get(flag).i32c(6).and().if_().i32c(on_dead).ret().end();
    f.inc(i, 1).br(0).end().end();
}

/// What `dfa_walk` returns at a match state.
const WALK_MATCH: i32 = -1;
/// What `dfa_walk` returns at a dead or quit state.
const WALK_DEAD: i32 = -2;

/// `dfa_walk(table, s, a, len) -> i32`: walks a regex table from state
/// `s` over the bytes: [`WALK_MATCH`] at the first match state,
/// [`WALK_DEAD`] at a dead or quit state, else the state reached.
pub(crate) fn dfa_walk(f: &mut Func) {
    let (table, s, a, len) = (0, 1, 2, 3);
    walk_table(f, [table, s, a, len], WALK_MATCH, WALK_DEAD);
    f.get(s);
}

/// `matches_partial(table, v) -> value`: `v matches p` for text with
/// unknown parts, decided as `ward_compiler::regex::CompiledRegex::
/// decide_partial` decides it: true when every unknown middle gives a
/// match, false when none does, else `v`.
pub(crate) fn matches_partial(f: &mut Func) {
    use crate::regex::{EOI_OFFSET, FLAGS, START, TRANSITIONS_OFFSET};
    let (table, v) = (0, 1);
    let [
        start,
        prefix,
        total,
        state,
        code,
        states,
        visited,
        stack,
        top,
    ] = f.i32_locals();
    let [
        classes,
        flags,
        transitions,
        c,
        next,
        flag,
        matched,
        always,
        possible,
    ] = f.i32_locals();
    super::core::text_parts(f, v, [start, prefix, total]);
    f.get(table)
        .get(table)
        .load32(START)
        .get(start)
        .get(prefix)
        .call(Rt::DfaWalk.index())
        .set(state);
    f.get(state)
        .i32c(WALK_MATCH)
        .eq()
        .if_()
        .u32c(TRUE)
        .ret()
        .end();
    f.get(state)
        .i32c(WALK_DEAD)
        .eq()
        .if_()
        .u32c(FALSE)
        .ret()
        .end();
    f.get(table).load32(0).set(states);
    f.get(table).load32(4).set(classes);
    f.get(table).u32c(FLAGS).add().set(flags);
    f.get(table)
        .get(table)
        .load32(TRANSITIONS_OFFSET)
        .add()
        .set(transitions);
    // Which states were seen, and a stack of those left to visit.
    f.get(states).call(Rt::Alloc.index()).set(visited);
    f.get(visited)
        .i32c(0)
        .get(states)
        .ins(Instruction::MemoryFill(0));
    f.get(states)
        .i32c(4)
        .mul()
        .call(Rt::Alloc.index())
        .set(stack);
    f.get(visited).get(state).add().i32c(1).store8(0);
    f.get(stack).get(state).store32(0);
    f.i32c(1).set(top).i32c(1).set(always);
    f.block().loop_();
    f.get(top).eqz().br_if(1);
    f.inc(top, -1);
    f.element(stack, top, 4).load32(0).set(state);
    // The suffix and the end of the text from this state.
    f.get(table)
        .get(state)
        .get(start)
        .get(prefix)
        .add()
        .get(total)
        .get(prefix)
        .sub()
        .call(Rt::DfaWalk.index())
        .set(code);
    f.get(code).i32c(WALK_MATCH).eq().if_();
    f.i32c(1).set(matched);
    f.else_();
    f.get(code).i32c(WALK_DEAD).eq().if_();
    f.i32c(0).set(matched);
    f.else_();
    f.get(flags)
        .get(table)
        .get(table)
        .load32(EOI_OFFSET)
        .add()
        .get(code)
        .i32c(4)
        .mul()
        .add()
        .load32(0)
        .add()
        .load8(0)
        .i32c(1)
        .and()
        .set(matched);
    f.end().end();
    f.get(possible).get(matched).or().set(possible);
    f.get(always).get(matched).and().set(always);
    // Every state one more byte of the middle leads to.
    f.count_up(c, 0, classes, |f| {
        f.get(transitions)
            .get(state)
            .get(classes)
            .mul()
            .get(c)
            .add()
            .i32c(4)
            .mul()
            .add()
            .load32(0)
            .set(next);
        f.get(flags).get(next).add().load8(0).set(flag);
        f.get(flag).i32c(1).and().if_();
        f.i32c(1).set(possible);
        f.else_();
        f.get(flag).i32c(6).and().if_();
        f.i32c(0).set(always);
        f.else_();
        f.get(visited).get(next).add().load8(0).eqz().if_();
        f.get(visited).get(next).add().i32c(1).store8(0);
        f.element(stack, top, 4).get(next).store32(0);
        f.inc(top, 1);
        f.end().end().end();
    });
    f.get(possible)
        .get(always)
        .eqz()
        .and()
        .if_()
        .get(v)
        .ret()
        .end();
    f.br(0).end().end();
    f.get(always).if_().u32c(TRUE).ret().end();
    f.get(possible).if_().get(v).ret().end();
    f.u32c(FALSE);
}

/// `matches(table, v) -> value`.
pub(crate) fn matches(f: &mut Func) {
    let (table, v) = (0, 1);
    super::core::is_text(f, v);
    f.if_()
        .get(table)
        .get(v)
        .call(Rt::MatchesPartial.index())
        .ret()
        .end();
    return_if_tag(f, v, TAG_UNKNOWN, v);
    tag(f, v);
    f.i32c(i32::from(TAG_STRING))
        .ne()
        .if_()
        .u32c(FALSE)
        .ret()
        .end();
    f.get(table)
        .get(v)
        .addr()
        .get(v)
        .load32(SLOT_PAYLOAD_LEN)
        .call(Rt::DfaRun.index());
    bool_value(f);
}
