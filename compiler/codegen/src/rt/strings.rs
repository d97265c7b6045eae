//! The string, pattern and IAM builtins: `split`, `join`, `replace`,
//! `substring`, `glob_match`, `action_matches`, `actions_overlap`, the
//! parts of `arn` and the Pike VM of `capture`. Each follows its reference
//! definition in `ward-eval` (`strings.rs`, `text.rs`) and
//! `ward_compiler::regex::CaptureProgram` step by step.

use ward_abi::NONE;
use ward_abi::layout::{
    SLOT_NODE, SLOT_PAYLOAD, SLOT_PAYLOAD_LEN, SLOT_SIZE, SLOT_TAG, TAG_BOOL, TAG_LIST, TAG_NULL,
    TAG_NUMBER, TAG_STRING, TAG_UNKNOWN,
};
use ward_compiler::regex::{capture_layout, capture_look, capture_state};
use wasm_encoder::Instruction;

use super::builtins::{alloc_list, list_header, list_item};
use super::core::{bool_value, head};
use super::{Rt, return_if_tag, tag};
use crate::asm::Func;
use crate::layout::{FALSE, NULL, TRUE, global};

/// Pushes whether the slot in `v` has tag `value`.
fn is_tag(f: &mut Func, v: u32, value: u8) {
    tag(f, v);
    f.i32c(i32::from(value)).eq();
}

/// Returns `NULL` unless the slot in `v` is a string.
fn null_unless_string(f: &mut Func, v: u32) {
    is_tag(f, v, TAG_STRING);
    f.eqz().if_().u32c(NULL).ret().end();
}

/// Writes a string slot at the address in `item` for `len` bytes at the
/// absolute address in `at`, located nowhere.
fn string_item(f: &mut Func, item: u32, at: u32, len: u32) {
    f.get(item).i32c(head(TAG_STRING)).store32(SLOT_TAG);
    f.get(item).u32c(NONE).store32(SLOT_NODE);
    f.get(item).get(at).store32(SLOT_PAYLOAD);
    f.get(item).get(len).store32(SLOT_PAYLOAD_LEN);
}

/// Sets `kind` and `len` to the glob token at `s + p`: `*` or `?` (when
/// the i32 in local `wildcards` is not 0) of length 1, or kind 0 and the
/// width of the UTF-8 sequence starting there.
fn glob_token(f: &mut Func, s: u32, p: u32, wildcards: u32, [kind, len, byte]: [u32; 3]) {
    f.get(s).get(p).add().load8(0).set(byte);
    f.i32c(0).set(kind);
    f.get(wildcards);
    f.if_();
    f.get(byte).i32c(i32::from(b'*')).eq();
    f.get(byte).i32c(i32::from(b'?')).eq().or();
    f.if_().get(byte).set(kind).end();
    f.end();
    f.i32c(1).set(len);
    f.get(kind).eqz().if_();
    utf8_width(f, byte, len);
    f.end();
}

/// Sets `len` to the width of the UTF-8 sequence the byte in `byte` starts.
fn utf8_width(f: &mut Func, byte: u32, len: u32) {
    f.i32c(1).set(len);
    f.get(byte).i32c(0xC0).ge_u().if_().i32c(2).set(len).end();
    f.get(byte).i32c(0xE0).ge_u().if_().i32c(3).set(len).end();
    f.get(byte).i32c(0xF0).ge_u().if_().i32c(4).set(len).end();
}

/// `row[at] = 1` when `at <= last`.
fn set_row(f: &mut Func, row: u32, at_plus: (u32, u32), last: u32) {
    let (at, plus) = at_plus;
    f.get(at).get(plus).add().get(last).le_u().if_();
    f.get(row).get(at).add().get(plus).add().i32c(1).store8(0);
    f.end();
}

/// `glob_overlap(a, la, b, lb, flags) -> i32`: `text::glob_overlap` with
/// `fold_case` in bit 0 of `flags` and `b_wildcards` in bit 1. Its two
/// rows are scratch memory, given back to the heap before returning.
pub(crate) fn glob_overlap(f: &mut Func) {
    let (a, la, b, lb, flags) = (0, 1, 2, 3, 4);
    let [
        saved,
        reach,
        next,
        swap,
        i,
        j,
        a_kind,
        a_len,
        b_kind,
        b_len,
        byte,
        k,
        x,
        y,
        ok,
        fold,
        b_wild,
        one,
        zero,
    ] = f.i32_locals();
    f.get(flags).i32c(1).and().set(fold);
    f.get(flags).i32c(2).and().set(b_wild);
    f.i32c(1).set(one);
    f.gget(global::HEAP).set(saved);
    f.get(lb)
        .i32c(1)
        .add()
        .i32c(2)
        .mul()
        .call(Rt::Alloc.index())
        .set(reach);
    f.get(reach).i32c(0).get(lb).i32c(1).add().i32c(2).mul();
    f.ins(Instruction::MemoryFill(0));
    f.get(reach).get(lb).add().i32c(1).add().set(next);
    f.get(reach).i32c(1).store8(0);
    f.block().loop_();
    // The token of `a` at `i`.
    f.i32c(0).set(a_kind).i32c(0).set(a_len);
    f.get(i).get(la).lt_u().if_();
    glob_token(f, a, i, one, [a_kind, a_len, byte]);
    f.end();
    f.i32c(0).set(j);
    f.block().loop_();
    f.get(j).get(lb).gt_u().br_if(1);
    f.get(reach).get(j).add().load8(0).if_();
    f.i32c(0).set(b_kind).i32c(0).set(b_len);
    f.get(j).get(lb).lt_u().if_();
    glob_token(f, b, j, b_wild, [b_kind, b_len, byte]);
    f.end();
    f.get(b_kind).i32c(i32::from(b'*')).eq().if_();
    set_row(f, reach, (j, one), lb);
    f.end();
    f.get(i).get(la).lt_u().if_();
    f.get(a_kind).i32c(i32::from(b'*')).eq().if_();
    set_row(f, next, (j, zero), lb);
    f.end();
    f.get(j).get(lb).lt_u().if_();
    // Whether both can consume one character.
    f.get(a_kind).get(b_kind).or().set(ok);
    f.get(ok).eqz().get(a_len).get(b_len).eq().and().if_();
    f.i32c(1).set(ok).i32c(0).set(k);
    f.block().loop_();
    f.get(k).get(a_len).ge_u().br_if(1);
    f.get(a).get(i).add().get(k).add().load8(0).set(x);
    f.get(b).get(j).add().get(k).add().load8(0).set(y);
    f.get(fold).if_();
    for letter in [x, y] {
        f.get(letter)
            .i32c(i32::from(b'A'))
            .sub()
            .i32c(26)
            .lt_u()
            .if_()
            .get(letter)
            .i32c(32)
            .or()
            .set(letter)
            .end();
    }
    f.end();
    f.get(x).get(y).ne().if_().i32c(0).set(ok).br(2).end();
    f.inc(k, 1).br(0).end().end();
    f.end();
    f.get(ok).if_();
    f.get(a_kind).i32c(i32::from(b'*')).eq().if_();
    f.get(b_kind).i32c(i32::from(b'*')).ne().if_();
    set_row(f, reach, (j, b_len), lb);
    f.end();
    f.else_();
    f.get(b_kind).i32c(i32::from(b'*')).eq().if_();
    set_row(f, next, (j, zero), lb);
    f.else_();
    set_row(f, next, (j, b_len), lb);
    f.end();
    f.end();
    f.end();
    f.end(); // j < lb
    f.end(); // i < la
    f.end(); // reach[j]
    f.inc(j, 1).br(0).end().end();
    f.get(i).get(la).ge_u().if_();
    f.get(saved).gset(global::HEAP);
    f.get(reach).get(lb).add().load8(0).ret();
    f.end();
    f.get(reach).set(swap);
    f.get(next).set(reach);
    f.get(swap).set(next);
    f.get(next).i32c(0).get(lb).i32c(1).add();
    f.ins(Instruction::MemoryFill(0));
    f.get(i).get(a_len).add().set(i);
    f.br(0).end().end();
    f.i32c(0);
}

/// `glob_match(p, t) -> value`.
pub(crate) fn glob_match(f: &mut Func) {
    let (p, t) = (0, 1);
    return_if_tag(f, p, TAG_UNKNOWN, p);
    return_if_tag(f, t, TAG_UNKNOWN, t);
    is_tag(f, p, TAG_STRING);
    is_tag(f, t, TAG_STRING);
    f.and().eqz().if_().u32c(FALSE).ret().end();
    f.get(p).addr().get(p).load32(SLOT_PAYLOAD_LEN);
    f.get(t).addr().get(t).load32(SLOT_PAYLOAD_LEN);
    f.i32c(0).call(Rt::GlobOverlap.index());
    bool_value(f);
}

/// Sets `base` and `n` to the items of one side of `actions`: a string
/// stands for itself (a list of one: its own slot), a list for its items,
/// anything else for none.
fn action_side(f: &mut Func, v: u32, base: u32, n: u32) {
    f.i32c(0).set(n);
    is_tag(f, v, TAG_STRING);
    f.if_().get(v).set(base).i32c(1).set(n).end();
    is_tag(f, v, TAG_LIST);
    f.if_();
    f.get(v).addr().set(base);
    f.get(v).load32(SLOT_PAYLOAD_LEN).set(n);
    f.end();
}

/// `actions(a, b, both) -> value`: `action_matches` (`both` 0) and
/// `actions_overlap` (`both` 1).
pub(crate) fn actions(f: &mut Func) {
    let (a, b, both) = (0, 1, 2);
    let [a_base, a_n, b_base, b_n, i, j, x, y] = f.i32_locals();
    return_if_tag(f, a, TAG_UNKNOWN, a);
    return_if_tag(f, b, TAG_UNKNOWN, b);
    action_side(f, a, a_base, a_n);
    action_side(f, b, b_base, b_n);
    f.count_up(i, 0, a_n, |f| {
        f.element(a_base, i, SLOT_SIZE).set(x);
        is_tag(f, x, TAG_STRING);
        f.if_();
        f.count_up(j, 0, b_n, |f| {
            f.element(b_base, j, SLOT_SIZE).set(y);
            is_tag(f, y, TAG_STRING);
            f.if_();
            f.get(x).addr().get(x).load32(SLOT_PAYLOAD_LEN);
            f.get(y).addr().get(y).load32(SLOT_PAYLOAD_LEN);
            f.i32c(1).get(both).i32c(1).shl().or();
            f.call(Rt::GlobOverlap.index());
            f.if_().u32c(TRUE).ret().end();
            f.end();
        });
        f.end();
    });
    for (base, n) in [(a_base, a_n), (b_base, b_n)] {
        f.count_up(i, 0, n, |f| {
            f.element(base, i, SLOT_SIZE).set(x);
            return_if_tag(f, x, TAG_UNKNOWN, x);
        });
    }
    f.u32c(FALSE);
}

/// `split(s, sep) -> value`.
pub(crate) fn split(f: &mut Func) {
    let (s, sep) = (0, 1);
    let [sa, sl, pa, pl, n, i, start, k, p, item, len] = f.i32_locals();
    return_if_tag(f, s, TAG_UNKNOWN, s);
    return_if_tag(f, sep, TAG_UNKNOWN, sep);
    null_unless_string(f, s);
    null_unless_string(f, sep);
    f.get(s).addr().set(sa);
    f.get(s).load32(SLOT_PAYLOAD_LEN).set(sl);
    f.get(sep).addr().set(pa);
    f.get(sep).load32(SLOT_PAYLOAD_LEN).set(pl);
    // Count the pieces, then fill them in the same walk.
    f.i32c(1).set(n);
    f.get(pl).if_();
    f.block().loop_();
    f.get(i).get(pl).add().get(sl).gt_u().br_if(1);
    f.get(sa).get(i).add().get(pl).get(pa).get(pl);
    f.call(Rt::StrEq.index()).if_();
    f.inc(n, 1).get(i).get(pl).add().set(i);
    f.else_();
    f.inc(i, 1);
    f.end();
    f.br(0).end().end();
    f.end();
    alloc_list(f, n, p);
    f.i32c(0).set(i);
    f.get(pl).if_();
    f.block().loop_();
    f.get(i).get(pl).add().get(sl).gt_u().br_if(1);
    f.get(sa).get(i).add().get(pl).get(pa).get(pl);
    f.call(Rt::StrEq.index()).if_();
    list_item(f, p, k, item);
    f.get(sa).get(start).add().set(len);
    string_piece(f, item, len, i, start);
    f.inc(k, 1).get(i).get(pl).add().tee(i).set(start);
    f.else_();
    f.inc(i, 1);
    f.end();
    f.br(0).end().end();
    f.end();
    list_item(f, p, k, item);
    f.get(sa).get(start).add().set(len);
    string_piece(f, item, len, sl, start);
    list_header(f, p, n);
    f.get(p);
}

/// Writes the string from absolute address `at` of `end - start` bytes
/// into the slot at `item`.
fn string_piece(f: &mut Func, item: u32, at: u32, end: u32, start: u32) {
    let len = f.i32_local();
    f.get(end).get(start).sub().set(len);
    string_item(f, item, at, len);
}

/// `join(xs, sep) -> value`.
pub(crate) fn join(f: &mut Func) {
    let (xs, sep) = (0, 1);
    let [base, n, i, x, t, start] = f.i32_locals();
    return_if_tag(f, xs, TAG_UNKNOWN, xs);
    return_if_tag(f, sep, TAG_UNKNOWN, sep);
    is_tag(f, xs, TAG_LIST);
    f.eqz().if_().u32c(NULL).ret().end();
    null_unless_string(f, sep);
    f.get(xs).addr().set(base);
    f.get(xs).load32(SLOT_PAYLOAD_LEN).set(n);
    f.count_up(i, 0, n, |f| {
        f.element(base, i, SLOT_SIZE).set(x);
        return_if_tag(f, x, TAG_UNKNOWN, x);
    });
    f.count_up(i, 0, n, |f| {
        f.element(base, i, SLOT_SIZE).set(x);
        tag(f, x);
        f.set(t);
        f.get(t).i32c(i32::from(TAG_STRING)).ne();
        f.get(t).i32c(i32::from(TAG_NUMBER)).ne().and();
        f.get(t).i32c(i32::from(TAG_BOOL)).ne().and();
        f.if_().u32c(NULL).ret().end();
    });
    f.gget(global::HEAP).set(start);
    f.count_up(i, 0, n, |f| {
        f.get(i).if_();
        f.get(sep).addr().get(sep).load32(SLOT_PAYLOAD_LEN);
        f.call(Rt::SbBytes.index());
        f.end();
        f.element(base, i, SLOT_SIZE)
            .i32c(1)
            .call(Rt::Render.index());
    });
    f.get(start).call(Rt::SbFinish.index());
}

/// `replace(s, old, new) -> value`.
pub(crate) fn replace(f: &mut Func) {
    let (s, old, new) = (0, 1, 2);
    let [sa, sl, oa, ol, start, i] = f.i32_locals();
    for v in [s, old, new] {
        return_if_tag(f, v, TAG_UNKNOWN, v);
    }
    for v in [s, old, new] {
        null_unless_string(f, v);
    }
    f.get(s).addr().set(sa);
    f.get(s).load32(SLOT_PAYLOAD_LEN).set(sl);
    f.get(old).addr().set(oa);
    f.get(old).load32(SLOT_PAYLOAD_LEN).set(ol);
    f.get(ol)
        .eqz()
        .if_()
        .get(sa)
        .get(sl)
        .call(Rt::NewString.index())
        .ret()
        .end();
    f.gget(global::HEAP).set(start);
    f.block().loop_();
    f.get(i).get(sl).ge_u().br_if(1);
    f.get(i).get(ol).add().get(sl).le_u().if_i32();
    f.get(sa).get(i).add().get(ol).get(oa).get(ol);
    f.call(Rt::StrEq.index());
    f.else_().i32c(0).end();
    f.if_();
    f.get(new).addr().get(new).load32(SLOT_PAYLOAD_LEN);
    f.call(Rt::SbBytes.index());
    f.get(i).get(ol).add().set(i);
    f.else_();
    f.get(sa).get(i).add().load8(0).call(Rt::SbByte.index());
    f.inc(i, 1);
    f.end();
    f.br(0).end().end();
    f.get(start).call(Rt::SbFinish.index());
}

/// Pushes the number in slot `v` truncated to an i32 (saturating, NaN as
/// 0) and raised to at least 0.
fn bound(f: &mut Func, v: u32) {
    let x = f.i32_local();
    f.get(v)
        .loadf(SLOT_PAYLOAD)
        .ins(Instruction::I32TruncSatF64S)
        .set(x);
    f.get(x).i32c(0).get(x).i32c(0).gt_s().select();
}

/// `substring(s, start, end) -> value`.
pub(crate) fn substring(f: &mut Func) {
    let (s, start, end) = (0, 1, 2);
    let [sa, sl, from, to, from_byte, to_byte, i, chars, byte] = f.i32_locals();
    for v in [s, start, end] {
        return_if_tag(f, v, TAG_UNKNOWN, v);
    }
    null_unless_string(f, s);
    is_tag(f, start, TAG_NUMBER);
    f.eqz().if_().u32c(NULL).ret().end();
    bound(f, start);
    f.set(from);
    i32_max(f, to);
    is_tag(f, end, TAG_NUMBER);
    f.if_();
    bound(f, end);
    f.set(to);
    f.else_();
    is_tag(f, end, TAG_NULL);
    f.eqz().if_().u32c(NULL).ret().end();
    f.end();
    f.get(s).addr().set(sa);
    f.get(s).load32(SLOT_PAYLOAD_LEN).set(sl);
    f.get(to).get(from).gt_s().eqz().if_();
    f.get(sa).i32c(0).call(Rt::NewString.index()).ret();
    f.end();
    f.get(sl).set(from_byte);
    f.get(sl).set(to_byte);
    f.count_up(i, 0, sl, |f| {
        f.get(sa).get(i).add().load8(0).set(byte);
        f.get(byte).i32c(0xC0).and().i32c(0x80).ne().if_();
        f.get(chars)
            .get(from)
            .eq()
            .if_()
            .get(i)
            .set(from_byte)
            .end();
        f.get(chars).get(to).eq().if_().get(i).set(to_byte).end();
        f.inc(chars, 1);
        f.end();
    });
    f.get(sa).get(from_byte).add();
    f.get(to_byte).get(from_byte).sub();
    f.call(Rt::NewString.index());
}

fn i32_max(f: &mut Func, local: u32) {
    f.i32c(i32::MAX).set(local);
}

/// `arn_parts(s) -> value`: the five parts of an ARN as a list of strings
/// (`text::parse_arn`), `null` when `s` is not an ARN, unknown as it is.
/// The caller makes the object.
pub(crate) fn arn_parts(f: &mut Func) {
    let s = 0;
    let [sa, sl, i, k, p, item, piece, colons] = f.i32_locals();
    return_if_tag(f, s, TAG_UNKNOWN, s);
    null_unless_string(f, s);
    f.get(s).addr().set(sa);
    f.get(s).load32(SLOT_PAYLOAD_LEN).set(sl);
    f.get(sl).i32c(4).lt_u().if_().u32c(NULL).ret().end();
    f.get(sa).load32(0).u32c(u32::from_le_bytes(*b"arn:")).ne();
    f.if_().u32c(NULL).ret().end();
    // The colons that end the first four parts, as byte offsets.
    f.i32c(16).call(Rt::Alloc.index()).set(colons);
    f.i32c(4).set(i);
    f.block().loop_();
    f.get(k).i32c(4).ge_u().br_if(1);
    f.get(i).get(sl).ge_u().if_().u32c(NULL).ret().end();
    f.get(sa)
        .get(i)
        .add()
        .load8(0)
        .i32c(i32::from(b':'))
        .eq()
        .if_();
    f.element(colons, k, 4).get(i).store32(0);
    f.inc(k, 1);
    f.end();
    f.inc(i, 1).br(0).end().end();
    // Partition, service and resource must not be empty.
    f.get(colons).load32(0).i32c(4).eq();
    f.get(colons)
        .load32(4)
        .get(colons)
        .load32(0)
        .i32c(1)
        .add()
        .eq()
        .or();
    f.get(colons).load32(12).i32c(1).add().get(sl).eq().or();
    f.if_().u32c(NULL).ret().end();
    f.i32c(5).set(k);
    alloc_list(f, k, p);
    let [from, to, len] = f.i32_locals();
    f.count_up(i, 0, k, |f| {
        f.get(i).if_i32();
        f.element(colons, i, 4)
            .i32c(-4)
            .add()
            .load32(0)
            .i32c(1)
            .add();
        f.else_().i32c(4).end();
        f.set(from);
        f.get(i).i32c(4).eq().if_i32();
        f.get(sl);
        f.else_();
        f.element(colons, i, 4).load32(0);
        f.end();
        f.set(to);
        list_item(f, p, i, item);
        f.get(sa).get(from).add().set(piece);
        f.get(to).get(from).sub().set(len);
        string_item(f, item, piece, len);
    });
    list_header(f, p, k);
    f.get(p);
}

/// `capture(table, s) -> value`: the Pike VM of
/// `CaptureProgram::captures` over the program's words at `table`.
///
/// Scratch memory, given back before returning: two thread lists (each
/// an order array and a membership array of one word per state, and a
/// slot table of `slots` words per state), the closure's stack (three
/// words per frame: restore flag, state or slot, position) and one row
/// of slots.
pub(crate) fn capture(f: &mut Func) {
    let (table, s) = (0, 1);
    let [
        saved,
        states,
        slots,
        start,
        sa,
        sl,
        at,
        current,
        next,
        swap,
        stack,
        scratch,
        matched,
        index,
        id,
        kind,
        a,
        b,
        target,
        byte,
        k,
        list_bytes,
        p,
        item,
    ] = f.i32_locals();
    return_if_tag(f, s, TAG_UNKNOWN, s);
    null_unless_string(f, s);
    f.get(s).addr().set(sa);
    f.get(s).load32(SLOT_PAYLOAD_LEN).set(sl);
    f.get(table).load32(4 * capture_layout::STATES).set(states);
    f.get(table).load32(4 * capture_layout::SLOTS).set(slots);
    f.get(table).load32(4 * capture_layout::START).set(start);
    f.get(slots)
        .i32c(4)
        .mul()
        .call(Rt::Alloc.index())
        .set(matched);
    f.gget(global::HEAP).set(saved);
    // A list: count, order[states], member[states], slots[states * slots].
    f.get(states)
        .i32c(2)
        .mul()
        .get(states)
        .get(slots)
        .mul()
        .add()
        .i32c(1)
        .add()
        .i32c(4)
        .mul()
        .set(list_bytes);
    for list in [current, next] {
        f.get(list_bytes).call(Rt::Alloc.index()).set(list);
        f.get(list).i32c(0).get(list_bytes);
        f.ins(Instruction::MemoryFill(0));
    }
    f.get(table)
        .load32(4 * capture_layout::STACK)
        .i32c(12)
        .mul()
        .call(Rt::Alloc.index())
        .set(stack);
    f.get(slots)
        .i32c(4)
        .mul()
        .call(Rt::Alloc.index())
        .set(scratch);
    f.i32c(-1).set(id);
    f.block().loop_();
    f.get(at).get(sl).gt_u().br_if(1);
    // Stop once a match is known and no thread is left.
    f.get(current)
        .load32(0)
        .eqz()
        .get(id)
        .i32c(-1)
        .ne()
        .and()
        .br_if(1);
    f.get(id).i32c(-1).eq().if_();
    f.get(scratch).i32c(0xff).get(slots).i32c(4).mul();
    f.ins(Instruction::MemoryFill(0));
    f.get(table)
        .get(start)
        .get(at)
        .get(sa)
        .get(sl)
        .get(scratch)
        .get(current)
        .get(stack)
        .call(Rt::CaptureClosure.index());
    f.end();
    f.i32c(0).set(index);
    f.block().loop_();
    f.get(index).get(current).load32(0).ge_u().br_if(1);
    f.get(current)
        .get(index)
        .i32c(1)
        .add()
        .i32c(4)
        .mul()
        .add()
        .load32(0)
        .set(target);
    state_fields(f, table, target, [kind, a, b]);
    f.get(kind).u32c(capture_state::MATCH).eq().if_();
    slots_of(f, current, states, slots, target);
    f.set(p);
    f.get(matched).get(p).get(slots).i32c(4).mul();
    f.ins(Instruction::MemoryCopy {
        src_mem: 0,
        dst_mem: 0,
    });
    f.i32c(0).set(id);
    f.br(2);
    f.end();
    // The state this thread reaches on the byte at `at`, or -1.
    f.i32c(-1).set(item);
    f.get(at).get(sl).lt_u().if_();
    f.get(sa).get(at).add().load8(0).set(byte);
    f.get(kind).u32c(capture_state::RANGE).eq().if_();
    in_range(f, a, byte);
    f.if_().get(b).set(item).end();
    f.end();
    f.get(kind).u32c(capture_state::SPARSE).eq().if_();
    f.i32c(0).set(k);
    f.block().loop_();
    f.get(k).get(b).ge_u().br_if(1);
    f.get(table)
        .get(a)
        .get(k)
        .i32c(2)
        .mul()
        .add()
        .i32c(4)
        .mul()
        .add()
        .set(p);
    f.get(p).load32(0).set(swap);
    in_range(f, swap, byte);
    f.if_().get(p).load32(4).set(item).br(2).end();
    f.inc(k, 1).br(0).end().end();
    f.end();
    f.end();
    f.get(item).i32c(-1).ne().if_();
    slots_of(f, current, states, slots, target);
    f.set(p);
    f.get(scratch).get(p).get(slots).i32c(4).mul();
    f.ins(Instruction::MemoryCopy {
        src_mem: 0,
        dst_mem: 0,
    });
    f.get(table)
        .get(item)
        .get(at)
        .i32c(1)
        .add()
        .get(sa)
        .get(sl)
        .get(scratch)
        .get(next)
        .get(stack)
        .call(Rt::CaptureClosure.index());
    f.end();
    f.inc(index, 1).br(0).end().end();
    // The next list becomes the current one; the old one is emptied.
    f.get(current).set(swap);
    f.get(next).set(current);
    f.get(swap).set(next);
    clear_threads(f, next, states, [k, p]);
    f.inc(at, 1).br(0).end().end();
    f.get(saved).gset(global::HEAP);
    f.get(id).i32c(-1).eq().if_().u32c(NULL).ret().end();
    // The groups after the whole match's, two slots each.
    f.get(slots).i32c(1).shr_u().i32c(1).sub().set(k);
    alloc_list(f, k, p);
    let [group, from, to, piece, len, null] = f.i32_locals();
    f.count_up(group, 0, k, |f| {
        list_item(f, p, group, item);
        f.get(matched)
            .get(group)
            .i32c(1)
            .add()
            .i32c(8)
            .mul()
            .add()
            .set(piece);
        f.get(piece).load32(0).set(from);
        f.get(piece).load32(4).set(to);
        f.get(from).i32c(-1).eq().get(to).i32c(-1).eq().or().if_();
        f.u32c(NULL).set(null);
        f.copy_slot(item, 0, null);
        f.else_();
        f.get(sa).get(from).add().set(piece);
        f.get(to).get(from).sub().set(len);
        string_item(f, item, piece, len);
        f.end();
    });
    list_header(f, p, k);
    f.get(p);
}

/// Pushes the address of the slots of state `id` in the list at `list`.
fn slots_of(f: &mut Func, list: u32, states: u32, slots: u32, id: u32) {
    f.get(list)
        .get(states)
        .i32c(2)
        .mul()
        .i32c(1)
        .add()
        .get(id)
        .get(slots)
        .mul()
        .add()
        .i32c(4)
        .mul()
        .add();
}

/// Sets `kind`, `a` and `b` to the fields of state `id`.
fn state_fields(f: &mut Func, table: u32, id: u32, [kind, a, b]: [u32; 3]) {
    let at = f.i32_local();
    f.get(table)
        .get(id)
        .u32c(capture_layout::STATE_WORDS)
        .mul()
        .u32c(capture_layout::FIRST_STATE)
        .add()
        .i32c(4)
        .mul()
        .add()
        .set(at);
    f.get(at).load32(0).set(kind);
    f.get(at).load32(4).set(a);
    f.get(at).load32(8).set(b);
}

/// Pushes whether the byte in `byte` lies in the range `range` (low byte
/// the first, next byte the last).
fn in_range(f: &mut Func, range: u32, byte: u32) {
    f.get(range).i32c(0xff).and().get(byte).le_u();
    f.get(byte).get(range).i32c(8).shr_u().le_u().and();
}

/// Empties the list at `list`: clears the membership of its states.
fn clear_threads(f: &mut Func, list: u32, states: u32, [k, at]: [u32; 2]) {
    let n = f.i32_local();
    f.get(list).load32(0).set(n);
    f.count_up(k, 0, n, |f| {
        f.get(list)
            .get(k)
            .i32c(1)
            .add()
            .i32c(4)
            .mul()
            .add()
            .load32(0)
            .set(at);
        f.get(list)
            .get(states)
            .get(at)
            .add()
            .i32c(1)
            .add()
            .i32c(4)
            .mul()
            .add()
            .i32c(0)
            .store32(0);
    });
    f.get(list).i32c(0).store32(0);
}

/// `capture_closure(table, id, at, sa, sl, slots, list, stack)`:
/// `CaptureProgram::closure`, adding the states reachable from `id`
/// without reading a byte to the list at `list`.
pub(crate) fn capture_closure(f: &mut Func) {
    let (table, first, at, sa, sl, slots, list, stack) = (0, 1, 2, 3, 4, 5, 6, 7);
    let [top, id, kind, a, b, states, width, member, frame, k, holds] = f.i32_locals();
    f.get(table).load32(4 * capture_layout::STATES).set(states);
    f.get(table).load32(4 * capture_layout::SLOTS).set(width);
    push_frame(f, stack, top, (0, first, None));
    f.block().loop_();
    f.get(top).eqz().br_if(1);
    f.inc(top, -1);
    f.get(stack).get(top).i32c(12).mul().add().set(frame);
    f.get(frame).load32(0).if_();
    // Restore a slot.
    f.get(slots)
        .get(frame)
        .load32(4)
        .i32c(4)
        .mul()
        .add()
        .get(frame)
        .load32(8)
        .store32(0);
    f.br(1);
    f.end();
    f.get(frame).load32(4).set(id);
    f.block().loop_();
    // Insert `id`; stop when it is there already.
    f.get(list)
        .get(states)
        .get(id)
        .add()
        .i32c(1)
        .add()
        .i32c(4)
        .mul()
        .add()
        .set(member);
    f.get(member).load32(0).br_if(1);
    f.get(member).i32c(1).store32(0);
    f.get(list)
        .get(list)
        .load32(0)
        .i32c(1)
        .add()
        .i32c(4)
        .mul()
        .add();
    f.get(id).store32(0);
    f.get(list).get(list).load32(0).i32c(1).add().store32(0);
    state_fields(f, table, id, [kind, a, b]);
    f.get(kind).u32c(capture_state::LOOK).eq().if_();
    f.get(a).u32c(capture_look::START).eq().if_i32();
    f.get(at).eqz();
    f.else_();
    f.get(a).u32c(capture_look::END).eq().if_i32();
    f.get(at).get(sl).eq();
    f.else_();
    f.get(a).u32c(capture_look::START_LINE).eq().if_i32();
    f.get(at).eqz().if_i32().i32c(1).else_();
    f.get(sa)
        .get(at)
        .add()
        .i32c(-1)
        .add()
        .load8(0)
        .i32c(i32::from(b'\n'))
        .eq();
    f.end();
    f.else_();
    f.get(at).get(sl).eq().if_i32().i32c(1).else_();
    f.get(sa).get(at).add().load8(0).i32c(i32::from(b'\n')).eq();
    f.end();
    f.end();
    f.end();
    f.end();
    f.set(holds);
    f.get(holds).eqz().br_if(2);
    f.get(b).set(id).br(1);
    f.end();
    f.get(kind).u32c(capture_state::UNION).eq().if_();
    f.get(b).eqz().br_if(2);
    f.get(b).set(k);
    f.block().loop_();
    f.get(k).i32c(1).le_u().br_if(1);
    f.inc(k, -1);
    let alternative = f.i32_local();
    f.get(table)
        .get(a)
        .get(k)
        .add()
        .i32c(4)
        .mul()
        .add()
        .load32(0)
        .set(alternative);
    push_frame(f, stack, top, (0, alternative, None));
    f.br(0).end().end();
    f.get(table).get(a).i32c(4).mul().add().load32(0).set(id);
    f.br(1);
    f.end();
    f.get(kind).u32c(capture_state::CAPTURE).eq().if_();
    f.get(a).get(width).lt_u().if_();
    let old = f.i32_local();
    f.get(slots).get(a).i32c(4).mul().add().load32(0).set(old);
    push_frame(f, stack, top, (1, a, Some(old)));
    f.get(slots).get(a).i32c(4).mul().add().get(at).store32(0);
    f.end();
    f.get(b).set(id).br(1);
    f.end();
    // A state that reads a byte or matches keeps the slots.
    f.get(list)
        .get(states)
        .i32c(2)
        .mul()
        .i32c(1)
        .add()
        .get(id)
        .get(width)
        .mul()
        .add()
        .i32c(4)
        .mul()
        .add()
        .get(slots)
        .get(width)
        .i32c(4)
        .mul();
    f.ins(Instruction::MemoryCopy {
        src_mem: 0,
        dst_mem: 0,
    });
    f.br(1);
    f.end().end();
    f.br(0).end().end();
}

/// Pushes a frame `(restore, state or slot, position)` onto the stack.
fn push_frame(
    f: &mut Func,
    stack: u32,
    top: u32,
    (restore, value, position): (i32, u32, Option<u32>),
) {
    let frame = f.i32_local();
    f.get(stack).get(top).i32c(12).mul().add().set(frame);
    f.get(frame).i32c(restore).store32(0);
    f.get(frame).get(value).store32(4);
    match position {
        Some(position) => f.get(frame).get(position).store32(8),
        None => f.get(frame).i32c(0).store32(8),
    };
    f.inc(top, 1);
}
