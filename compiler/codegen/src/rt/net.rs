//! IP addresses and CIDR blocks, parsed as `docs/semantics.md` states and
//! as the reference evaluator (`ward_eval::text`) parses them.

use ward_abi::layout::{SLOT_PAYLOAD_LEN, TAG_STRING, TAG_UNKNOWN};
use wasm_encoder::Instruction;

use super::core::bool_value;
use super::{Rt, return_if_tag, tag};
use crate::asm::Func;
use crate::layout::{CIDR_A, CIDR_B, FALSE, GROUPS};

/// `parse_decimal(a, len, max_digits) -> value or -1`.
pub(crate) fn parse_decimal(f: &mut Func) {
    let (a, len, max) = (0, 1, 2);
    let (i, b, value) = (f.i32_local(), f.i32_local(), f.i32_local());
    f.get(len)
        .eqz()
        .get(len)
        .get(max)
        .gt_u()
        .or()
        .if_()
        .i32c(-1)
        .ret()
        .end();
    f.block().loop_();
    f.get(i).get(len).ge_u().br_if(1);
    f.get(a)
        .get(i)
        .add()
        .load8(0)
        .i32c(48)
        .sub()
        .tee(b)
        .i32c(10)
        .ge_u()
        .if_()
        .i32c(-1)
        .ret()
        .end();
    f.get(value).i32c(10).mul().get(b).add().set(value);
    f.inc(i, 1).br(0).end().end();
    f.get(value);
}

/// `parse_ipv4(a, len) -> 32-bit address, or -1` (as `i64`).
pub(crate) fn parse_ipv4(f: &mut Func) {
    let (a, len) = (0, 1);
    let (i, start, part, count) = (f.i32_local(), f.i32_local(), f.i32_local(), f.i32_local());
    let value = f.i64_local();
    f.block().loop_();
    // At the end or at a dot: one part.
    f.get(i).get(len).eq();
    f.get(i)
        .get(len)
        .lt_u()
        .if_i32()
        .get(a)
        .get(i)
        .add()
        .load8(0)
        .i32c(i32::from(b'.'))
        .eq()
        .else_()
        .i32c(0)
        .end();
    f.or().if_();
    f.get(a)
        .get(start)
        .add()
        .get(i)
        .get(start)
        .sub()
        .i32c(3)
        .call(Rt::ParseDecimal.index())
        .tee(part);
    f.i32c(255).gt_u().if_().i64c(-1).ret().end();
    f.get(value)
        .i64c(8)
        .ins(Instruction::I64Shl)
        .get(part)
        .ins(Instruction::I64ExtendI32U)
        .ins(Instruction::I64Or)
        .set(value);
    f.inc(count, 1);
    f.get(i).i32c(1).add().set(start);
    f.end();
    f.get(i).get(len).ge_u().br_if(1);
    f.inc(i, 1).br(0).end().end();
    f.get(count).i32c(4).ne().if_().i64c(-1).ret().end();
    f.get(value);
}

/// `parse_groups(a, len, allow_ipv4, out) -> count or -1`: colon-separated
/// groups of one to four hex digits into `u32`s at `out`, the last one
/// possibly an IPv4 address (two groups); at most eight.
pub(crate) fn parse_groups(f: &mut Func) {
    let (a, len, allow_ipv4, out) = (0, 1, 2, 3);
    let (i, start, count, j, dot, b, group, piece) = (
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
    );
    let v4 = f.i64_local();
    f.get(len).eqz().if_().i32c(0).ret().end();
    f.block().loop_();
    f.get(i).get(len).eq();
    f.get(i)
        .get(len)
        .lt_u()
        .if_i32()
        .get(a)
        .get(i)
        .add()
        .load8(0)
        .i32c(i32::from(b':'))
        .eq()
        .else_()
        .i32c(0)
        .end();
    f.or().if_();
    f.get(i).get(start).sub().set(piece);
    // Whether the piece holds a dot.
    f.i32c(0).set(dot);
    f.get(start).set(j);
    f.block().loop_();
    f.get(j).get(i).ge_u().br_if(1);
    f.get(a)
        .get(j)
        .add()
        .load8(0)
        .i32c(i32::from(b'.'))
        .eq()
        .if_()
        .i32c(1)
        .set(dot)
        .end();
    f.inc(j, 1).br(0).end().end();
    f.get(i)
        .get(len)
        .eq()
        .get(allow_ipv4)
        .and()
        .get(dot)
        .and()
        .if_();
    f.get(a)
        .get(start)
        .add()
        .get(piece)
        .call(Rt::ParseIpv4.index())
        .tee(v4)
        .i64c(0)
        .ins(Instruction::I64LtS);
    f.get(count).i32c(6).gt_s().or().if_().i32c(-1).ret().end();
    f.get(out)
        .get(count)
        .i32c(4)
        .mul()
        .add()
        .get(v4)
        .i64c(16)
        .ins(Instruction::I64ShrU)
        .ins(Instruction::I32WrapI64)
        .store32(0);
    f.get(out)
        .get(count)
        .i32c(4)
        .mul()
        .add()
        .get(v4)
        .ins(Instruction::I32WrapI64)
        .i32c(0xffff)
        .and()
        .store32(4);
    f.inc(count, 2);
    f.else_();
    f.get(piece)
        .eqz()
        .get(piece)
        .i32c(4)
        .gt_u()
        .or()
        .get(count)
        .i32c(8)
        .ge_s()
        .or()
        .if_()
        .i32c(-1)
        .ret()
        .end();
    f.i32c(0).set(group);
    f.get(start).set(j);
    f.block().loop_();
    f.get(j).get(i).ge_u().br_if(1);
    f.get(a).get(j).add().load8(0).set(b);
    f.get(b).i32c(48).sub().i32c(10).lt_u().if_();
    f.get(b).i32c(48).sub().set(b);
    f.else_();
    f.get(b)
        .i32c(0x20)
        .or()
        .i32c(i32::from(b'a'))
        .sub()
        .i32c(6)
        .lt_u()
        .if_();
    f.get(b)
        .i32c(0x20)
        .or()
        .i32c(i32::from(b'a') - 10)
        .sub()
        .set(b);
    f.else_();
    f.i32c(-1).ret();
    f.end();
    f.end();
    f.get(group).i32c(4).shl().get(b).or().set(group);
    f.inc(j, 1).br(0).end().end();
    f.get(out)
        .get(count)
        .i32c(4)
        .mul()
        .add()
        .get(group)
        .store32(0);
    f.inc(count, 1);
    f.end();
    f.get(i).i32c(1).add().set(start);
    f.end();
    f.get(i).get(len).ge_u().br_if(1);
    f.inc(i, 1).br(0).end().end();
    f.get(count);
}

/// `parse_ipv6(a, len, out) -> ok`: the 128 bits at `out` (high 64, low 64).
pub(crate) fn parse_ipv6(f: &mut Func) {
    let (a, len, out) = (0, 1, 2);
    let (i, at, head, tail, k, group) = (
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
    );
    let (high, low) = (f.i64_local(), f.i64_local());
    let tail_out = GROUPS + 32;
    f.i32c(-1).set(at);
    // The first `::`, and no second one after it.
    f.block().loop_();
    f.get(i).i32c(1).add().get(len).ge_u().br_if(1);
    f.get(a).get(i).add().load8(0).i32c(i32::from(b':')).eq();
    f.get(a)
        .get(i)
        .add()
        .load8(1)
        .i32c(i32::from(b':'))
        .eq()
        .and()
        .if_();
    f.get(at).i32c(0).lt_s().if_();
    f.get(i).set(at);
    f.get(i).i32c(1).add().set(i);
    f.else_();
    f.i32c(0).ret();
    f.end();
    f.end();
    f.inc(i, 1).br(0).end().end();
    f.get(at).i32c(0).lt_s().if_();
    f.get(a)
        .get(len)
        .i32c(1)
        .u32c(GROUPS)
        .call(Rt::ParseGroups.index())
        .tee(head)
        .i32c(8)
        .ne()
        .if_()
        .i32c(0)
        .ret()
        .end();
    f.else_();
    f.get(a)
        .get(at)
        .i32c(0)
        .u32c(GROUPS)
        .call(Rt::ParseGroups.index())
        .tee(head)
        .i32c(0)
        .lt_s()
        .if_()
        .i32c(0)
        .ret()
        .end();
    f.get(a)
        .get(at)
        .add()
        .i32c(2)
        .add()
        .get(len)
        .get(at)
        .sub()
        .i32c(2)
        .sub()
        .i32c(1)
        .u32c(tail_out);
    f.call(Rt::ParseGroups.index())
        .tee(tail)
        .i32c(0)
        .lt_s()
        .if_()
        .i32c(0)
        .ret()
        .end();
    f.get(head)
        .get(tail)
        .add()
        .i32c(7)
        .gt_s()
        .if_()
        .i32c(0)
        .ret()
        .end();
    f.end();
    // Group k: from the head, then zeros, then from the tail.
    f.block().loop_();
    f.get(k).i32c(8).ge_u().br_if(1);
    f.get(k).get(head).lt_u().if_i32();
    f.u32c(GROUPS).get(k).i32c(4).mul().add().load32(0);
    f.else_();
    f.get(k).i32c(8).get(tail).sub().ge_u().if_i32();
    f.u32c(tail_out)
        .get(k)
        .i32c(8)
        .get(tail)
        .sub()
        .sub()
        .i32c(4)
        .mul()
        .add()
        .load32(0);
    f.else_();
    f.i32c(0);
    f.end();
    f.end();
    f.set(group);
    f.get(k).i32c(4).lt_u().if_();
    f.get(high)
        .i64c(16)
        .ins(Instruction::I64Shl)
        .get(group)
        .ins(Instruction::I64ExtendI32U)
        .ins(Instruction::I64Or)
        .set(high);
    f.else_();
    f.get(low)
        .i64c(16)
        .ins(Instruction::I64Shl)
        .get(group)
        .ins(Instruction::I64ExtendI32U)
        .ins(Instruction::I64Or)
        .set(low);
    f.end();
    f.inc(k, 1).br(0).end().end();
    f.get(out).get(high).store64(0);
    f.get(out).get(low).store64(8);
    f.i32c(1);
}

/// `parse_block(a, len, out) -> ok`: `address` or `address/prefix` into
/// `out` (`+0` high bits, `+8` low bits, `+16` IPv6, `+20` prefix, `+24`
/// whether a prefix was written).
pub(crate) fn parse_block(f: &mut Func) {
    let (a, len, out) = (0, 1, 2);
    let (i, slash, address_len, prefix, colon, full) = (
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
    );
    let bits = f.i64_local();
    f.i32c(-1).set(slash);
    f.block().loop_();
    f.get(i).get(len).ge_u().br_if(1);
    f.get(a)
        .get(i)
        .add()
        .load8(0)
        .i32c(i32::from(b'/'))
        .eq()
        .if_()
        .get(i)
        .set(slash)
        .br(2)
        .end();
    f.inc(i, 1).br(0).end().end();
    f.get(len).set(address_len);
    f.get(slash)
        .i32c(0)
        .ge_s()
        .if_()
        .get(slash)
        .set(address_len)
        .end();
    f.i32c(0).set(i);
    f.block().loop_();
    f.get(i).get(address_len).ge_u().br_if(1);
    f.get(a)
        .get(i)
        .add()
        .load8(0)
        .i32c(i32::from(b':'))
        .eq()
        .if_()
        .i32c(1)
        .set(colon)
        .end();
    f.inc(i, 1).br(0).end().end();
    f.get(colon).if_();
    f.get(a)
        .get(address_len)
        .get(out)
        .call(Rt::ParseIpv6.index())
        .eqz()
        .if_()
        .i32c(0)
        .ret()
        .end();
    f.i32c(128).set(full);
    f.else_();
    f.get(a)
        .get(address_len)
        .call(Rt::ParseIpv4.index())
        .tee(bits)
        .i64c(0)
        .ins(Instruction::I64LtS)
        .if_()
        .i32c(0)
        .ret()
        .end();
    f.get(out).i64c(0).store64(0);
    f.get(out).get(bits).store64(8);
    f.i32c(32).set(full);
    f.end();
    f.get(full).set(prefix);
    f.get(slash).i32c(0).ge_s().if_();
    f.get(a)
        .get(slash)
        .add()
        .i32c(1)
        .add()
        .get(len)
        .get(slash)
        .sub()
        .i32c(1)
        .sub()
        .i32c(3);
    f.call(Rt::ParseDecimal.index())
        .tee(prefix)
        .i32c(0)
        .lt_s()
        .get(prefix)
        .get(full)
        .gt_s()
        .or()
        .if_()
        .i32c(0)
        .ret()
        .end();
    f.end();
    f.get(out).get(colon).store32(16);
    f.get(out).get(prefix).store32(20);
    f.get(out).get(slash).i32c(0).ge_s().store32(24);
    f.i32c(1);
}

/// `is_cidr(v) -> value`.
pub(crate) fn is_cidr(f: &mut Func) {
    let v = 0;
    return_if_tag(f, v, TAG_UNKNOWN, v);
    tag(f, v);
    f.i32c(i32::from(TAG_STRING))
        .ne()
        .if_()
        .u32c(FALSE)
        .ret()
        .end();
    f.get(v)
        .addr()
        .get(v)
        .load32(SLOT_PAYLOAD_LEN)
        .u32c(CIDR_A)
        .call(Rt::ParseBlock.index());
    f.u32c(CIDR_A).load32(24).and();
    bool_value(f);
}

/// `cidr_contains(outer, inner) -> value`.
pub(crate) fn cidr_contains(f: &mut Func) {
    let (outer, inner) = (0, 1);
    let host = f.i32_local();
    let (mask_high, mask_low) = (f.i64_local(), f.i64_local());
    return_if_tag(f, outer, TAG_UNKNOWN, outer);
    return_if_tag(f, inner, TAG_UNKNOWN, inner);
    tag(f, outer);
    f.i32c(i32::from(TAG_STRING)).ne();
    tag(f, inner);
    f.i32c(i32::from(TAG_STRING))
        .ne()
        .or()
        .if_()
        .u32c(FALSE)
        .ret()
        .end();
    f.get(outer)
        .addr()
        .get(outer)
        .load32(SLOT_PAYLOAD_LEN)
        .u32c(CIDR_A)
        .call(Rt::ParseBlock.index())
        .eqz();
    f.get(inner)
        .addr()
        .get(inner)
        .load32(SLOT_PAYLOAD_LEN)
        .u32c(CIDR_B)
        .call(Rt::ParseBlock.index())
        .eqz();
    f.or().if_().u32c(FALSE).ret().end();
    f.u32c(CIDR_A).load32(24).eqz();
    f.u32c(CIDR_A).load32(16).u32c(CIDR_B).load32(16).ne().or();
    f.u32c(CIDR_B)
        .load32(20)
        .u32c(CIDR_A)
        .load32(20)
        .lt_u()
        .or()
        .if_()
        .u32c(FALSE)
        .ret()
        .end();
    // Host bits of the outer block: the mask keeps the rest.
    f.i32c(128)
        .i32c(32)
        .u32c(CIDR_A)
        .load32(16)
        .select()
        .u32c(CIDR_A)
        .load32(20)
        .sub()
        .set(host);
    f.i64c(-1).set(mask_high);
    f.i64c(-1).set(mask_low);
    f.get(host).i32c(128).ge_u().if_();
    f.i64c(0).set(mask_high).i64c(0).set(mask_low);
    f.else_();
    f.get(host).i32c(64).ge_u().if_();
    f.i64c(-1)
        .get(host)
        .i32c(64)
        .sub()
        .ins(Instruction::I64ExtendI32U)
        .ins(Instruction::I64Shl)
        .set(mask_high);
    f.i64c(0).set(mask_low);
    f.else_();
    f.i64c(-1)
        .get(host)
        .ins(Instruction::I64ExtendI32U)
        .ins(Instruction::I64Shl)
        .set(mask_low);
    f.end();
    f.end();
    f.u32c(CIDR_A)
        .load64(0)
        .get(mask_high)
        .ins(Instruction::I64And);
    f.u32c(CIDR_B)
        .load64(0)
        .get(mask_high)
        .ins(Instruction::I64And)
        .ins(Instruction::I64Eq);
    f.u32c(CIDR_A)
        .load64(8)
        .get(mask_low)
        .ins(Instruction::I64And);
    f.u32c(CIDR_B)
        .load64(8)
        .get(mask_low)
        .ins(Instruction::I64And)
        .ins(Instruction::I64Eq)
        .and();
    bool_value(f);
}
