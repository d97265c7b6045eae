//! Operations on whole lists and strings: slicing, `sum`, `min`, `max` and
//! `distinct`, as `docs/semantics.md` defines them and the reference
//! evaluator implements them.

use ward_abi::NONE;
use ward_abi::layout::{
    SLOT_NODE, SLOT_PAYLOAD, SLOT_PAYLOAD_LEN, SLOT_SIZE, SLOT_TAG, TAG_LIST, TAG_NULL, TAG_NUMBER,
    TAG_STRING, TAG_UNKNOWN,
};
use wasm_encoder::Instruction;

use super::builtins::{alloc_list, list_header, list_item};
use super::core::head;
use super::{Rt, return_if_tag, tag};
use crate::asm::Func;
use crate::layout::NULL;

/// Pushes whether the f64 in `x` is a finite integer.
fn is_integer(f: &mut Func, x: u32) {
    f.get(x)
        .ins(Instruction::F64Trunc)
        .get(x)
        .ins(Instruction::F64Eq);
    f.get(x)
        .get(x)
        .ins(Instruction::F64Sub)
        .f64c(0.0)
        .ins(Instruction::F64Eq)
        .and();
}

/// Sets `out` to the position the slice bound in `bound` stands for
/// among `n` (absent: `absent`), or returns `null` from the function when
/// the bound is not an integer.
fn bound(f: &mut Func, bound: u32, n: u32, absent: u32, out: u32) {
    let x = f.f64_local();
    tag(f, bound);
    f.i32c(i32::from(TAG_NULL)).eq().if_();
    f.get(absent).set(out);
    f.else_();
    tag(f, bound);
    f.i32c(i32::from(TAG_NUMBER))
        .ne()
        .if_()
        .u32c(NULL)
        .ret()
        .end();
    f.get(bound).loadf(SLOT_PAYLOAD).set(x);
    is_integer(f, x);
    f.eqz().if_().u32c(NULL).ret().end();
    // Negative counts from the end; then clamped to `0..=n`.
    f.get(x).f64c(0.0).ins(Instruction::F64Lt).if_();
    f.get(x)
        .get(n)
        .ins(Instruction::F64ConvertI32U)
        .ins(Instruction::F64Add)
        .set(x);
    f.end();
    f.get(x)
        .f64c(0.0)
        .ins(Instruction::F64Max)
        .get(n)
        .ins(Instruction::F64ConvertI32U)
        .ins(Instruction::F64Min)
        .ins(Instruction::I32TruncF64U)
        .set(out);
    f.end();
}

/// `slice(base, start, end) -> value`: `base[start:end]`, an absent bound
/// passed as `null`. A list slice shares its items with the list; a string
/// slice its bytes with the string.
pub(crate) fn slice(f: &mut Func) {
    let (b, s, e) = (0, 1, 2);
    let [t, n, zero, from, to, a, i, chars, byte_from, byte_to, p] = f.i32_locals();
    for value in [b, s, e] {
        return_if_tag(f, value, TAG_UNKNOWN, value);
    }
    tag(f, b);
    f.set(t);
    f.get(t)
        .i32c(i32::from(TAG_LIST))
        .ne()
        .get(t)
        .i32c(i32::from(TAG_STRING))
        .ne()
        .and()
        .if_()
        .u32c(NULL)
        .ret()
        .end();
    f.get(b).load32(SLOT_PAYLOAD_LEN).set(n);
    f.get(b).addr().set(a);
    f.get(t).i32c(i32::from(TAG_STRING)).eq().if_();
    // A string's length in characters: bytes that are not UTF-8
    // continuation bytes.
    f.block().loop_();
    f.get(i).get(n).ge_u().br_if(1);
    start_of_char(f, a, i);
    f.if_().inc(chars, 1).end();
    f.inc(i, 1).br(0).end().end();
    f.get(n).set(byte_to);
    f.get(chars).set(n);
    f.end();
    f.i32c(0).set(zero);
    bound(f, s, n, zero, from);
    bound(f, e, n, n, to);
    f.get(to).get(from).lt_u().if_().get(from).set(to).end();
    f.get(t).i32c(i32::from(TAG_LIST)).eq().if_();
    f.u32c(SLOT_SIZE).call(Rt::Alloc.index()).set(p);
    f.get(p).i32c(head(TAG_LIST)).store32(SLOT_TAG);
    f.get(p).u32c(NONE).store32(SLOT_NODE);
    f.get(p)
        .get(a)
        .get(from)
        .u32c(SLOT_SIZE)
        .mul()
        .add()
        .store32(SLOT_PAYLOAD);
    f.get(p).get(to).get(from).sub().store32(SLOT_PAYLOAD_LEN);
    f.get(p).ret();
    f.end();
    // The byte offsets of characters `from` and `to` (the byte length when
    // they are at the end).
    f.get(byte_to).set(byte_from);
    f.i32c(0).set(i).i32c(0).set(chars);
    f.block().loop_();
    f.get(i).get(byte_to).ge_u().br_if(1);
    start_of_char(f, a, i);
    f.if_();
    f.get(chars)
        .get(from)
        .eq()
        .if_()
        .get(i)
        .set(byte_from)
        .end();
    f.get(chars)
        .get(to)
        .eq()
        .if_()
        .get(i)
        .set(byte_to)
        .br(3)
        .end();
    f.inc(chars, 1);
    f.end();
    f.inc(i, 1).br(0).end().end();
    f.get(a)
        .get(byte_from)
        .add()
        .get(byte_to)
        .get(byte_from)
        .sub()
        .call(Rt::NewString.index());
}

/// Pushes whether byte `i` of the text at `a` starts a character.
fn start_of_char(f: &mut Func, a: u32, i: u32) {
    f.get(a)
        .get(i)
        .add()
        .load8(0)
        .i32c(0xC0)
        .and()
        .i32c(0x80)
        .ne();
}

/// `aggregate(v, op) -> value`: op 0 `sum`, 1 `min`, 2 `max`. The first
/// unknown element is the result; `sum` adds numbers, `min` and `max`
/// order all numbers or all strings; anything else is `null`.
pub(crate) fn aggregate(f: &mut Func) {
    let (v, op) = (0, 1);
    let [n, base, i, item, t, best, c] = f.i32_locals();
    let (total, x) = (f.f64_local(), f.f64_local());
    f.get(v)
        .call(Rt::IterCount.index())
        .tee(n)
        .i32c(0)
        .lt_s()
        .if_()
        .get(v)
        .ret()
        .end();
    f.get(v).call(Rt::IterBase.index()).set(base);
    f.block().loop_();
    f.get(i).get(n).ge_u().br_if(1);
    f.element(base, i, SLOT_SIZE).tee(item);
    f.load8(SLOT_TAG)
        .i32c(i32::from(TAG_UNKNOWN))
        .eq()
        .if_()
        .get(item)
        .ret()
        .end();
    f.inc(i, 1).br(0).end().end();
    f.get(op).eqz().if_();
    f.i32c(0).set(i);
    f.block().loop_();
    f.get(i).get(n).ge_u().br_if(1);
    f.element(base, i, SLOT_SIZE).tee(item);
    f.load8(SLOT_TAG)
        .i32c(i32::from(TAG_NUMBER))
        .ne()
        .if_()
        .u32c(NULL)
        .ret()
        .end();
    f.get(total)
        .get(item)
        .loadf(SLOT_PAYLOAD)
        .ins(Instruction::F64Add)
        .set(total);
    f.inc(i, 1).br(0).end().end();
    f.get(total)
        .get(total)
        .ins(Instruction::F64Sub)
        .f64c(0.0)
        .ins(Instruction::F64Eq)
        .if_()
        .get(total)
        .call(Rt::NewNumber.index())
        .ret()
        .end();
    f.u32c(NULL).ret();
    f.end();
    f.i32c(0).set(i);
    f.block().loop_();
    f.get(i).get(n).ge_u().br_if(1);
    f.element(base, i, SLOT_SIZE).tee(item);
    f.load8(SLOT_TAG).set(t);
    f.get(t)
        .i32c(i32::from(TAG_NUMBER))
        .ne()
        .get(t)
        .i32c(i32::from(TAG_STRING))
        .ne()
        .and()
        .if_()
        .u32c(NULL)
        .ret()
        .end();
    f.get(best).eqz().if_();
    f.get(item).set(best);
    f.else_();
    tag(f, best);
    f.get(t).ne().if_().u32c(NULL).ret().end();
    // `c`: the new item against the best so far, -1, 0 or 1.
    f.get(t).i32c(i32::from(TAG_NUMBER)).eq().if_();
    f.get(item).loadf(SLOT_PAYLOAD).set(x);
    f.get(x)
        .get(best)
        .loadf(SLOT_PAYLOAD)
        .ins(Instruction::F64Gt)
        .get(x)
        .get(best)
        .loadf(SLOT_PAYLOAD)
        .ins(Instruction::F64Lt)
        .sub()
        .set(c);
    f.else_();
    f.get(item)
        .addr()
        .get(item)
        .load32(SLOT_PAYLOAD_LEN)
        .get(best)
        .addr()
        .get(best)
        .load32(SLOT_PAYLOAD_LEN)
        .call(Rt::StrCmp.index())
        .set(c);
    f.end();
    f.get(op)
        .i32c(1)
        .eq()
        .get(c)
        .i32c(0)
        .lt_s()
        .and()
        .get(op)
        .i32c(2)
        .eq()
        .get(c)
        .i32c(0)
        .gt_s()
        .and()
        .or()
        .if_()
        .get(item)
        .set(best)
        .end();
    f.end();
    f.inc(i, 1).br(0).end().end();
    f.get(best).u32c(NULL).get(best).select();
}

/// `distinct(v) -> value`: each element at its first occurrence, compared
/// with `eq`; an unknown comparison is the result.
pub(crate) fn distinct(f: &mut Func) {
    let v = 0;
    let [n, base, i, j, p, count, item, kept, r, seen] = f.i32_locals();
    f.get(v)
        .call(Rt::IterCount.index())
        .tee(n)
        .i32c(0)
        .lt_s()
        .if_()
        .get(v)
        .ret()
        .end();
    f.get(v).call(Rt::IterBase.index()).set(base);
    alloc_list(f, n, p);
    f.block().loop_();
    f.get(i).get(n).ge_u().br_if(1);
    f.element(base, i, SLOT_SIZE).set(item);
    f.i32c(0).set(seen).i32c(0).set(j);
    f.block().loop_();
    f.get(j).get(count).ge_u().br_if(1);
    list_item(f, p, j, kept);
    f.get(kept)
        .get(item)
        .call(Rt::Eq.index())
        .tee(r)
        .load8(SLOT_TAG)
        .i32c(i32::from(TAG_UNKNOWN))
        .eq()
        .if_()
        .get(r)
        .ret()
        .end();
    f.get(r).call(Rt::Truth.index()).if_();
    f.i32c(1).set(seen).br(2);
    f.end();
    f.inc(j, 1).br(0).end().end();
    f.get(seen).eqz().if_();
    list_item(f, p, count, kept);
    f.copy_slot(kept, 0, item);
    f.inc(count, 1);
    f.end();
    f.inc(i, 1).br(0).end().end();
    list_header(f, p, count);
    f.get(p);
}
