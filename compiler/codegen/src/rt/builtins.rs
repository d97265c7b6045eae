//! Builtins as runtime functions.

use ward_abi::NONE;
use ward_abi::layout::{
    ADJACENCY_KINDS, ADJACENCY_RESOURCE, ADJACENCY_SIZE, ADJACENCY_VIA_COUNT, ADJACENCY_VIA_OFF,
    EDGE_DEPENDS_ON, ENTRY_KEY_LEN, ENTRY_KEY_OFF, ENTRY_SIZE, ENTRY_VALUE, HEADER_IN_OFF,
    HEADER_OUT_OFF, ORDER_INDEX_SIZE, RESOURCE_IN_COUNT, RESOURCE_IN_FIRST, RESOURCE_NODE,
    RESOURCE_OUT_COUNT, RESOURCE_OUT_FIRST, RESOURCE_SIZE, RESOURCE_TYPE_KEY, RESOURCE_TYPE_LEN,
    RESOURCE_TYPE_OFF, SLOT_NODE, SLOT_PAYLOAD, SLOT_PAYLOAD_LEN, SLOT_SIZE, SLOT_TAG, TAG_BOOL,
    TAG_LIST, TAG_NULL, TAG_NUMBER, TAG_OBJECT, TAG_STRING, TAG_UNKNOWN, VIA_SIZE, VIA_STR_LEN,
    VIA_STR_OFF,
};
use wasm_encoder::Instruction;

use super::core::{bool_value, head};
use super::{Rt, Texts, return_if_tag, tag};
use crate::asm::Func;
use crate::layout::{EMPTY_LIST, FALSE, NULL, SLOT_FLAG, TAG_RESOURCE, TRUE, UNKNOWN_KEY, global};

/// Allocates a list of `n` items (its header slot, then the items) and
/// sets `p` to it; [`list_header`] fills the header once the items are in.
pub(crate) fn alloc_list(f: &mut Func, n: u32, p: u32) {
    f.get(n)
        .u32c(SLOT_SIZE)
        .mul()
        .u32c(SLOT_SIZE)
        .add()
        .call(Rt::Alloc.index())
        .set(p);
}

/// Sets `item` to the address of item `i` of the list at `p`.
pub(crate) fn list_item(f: &mut Func, p: u32, i: u32, item: u32) {
    f.get(p)
        .u32c(SLOT_SIZE)
        .add()
        .get(i)
        .u32c(SLOT_SIZE)
        .mul()
        .add()
        .set(item);
}

/// Appends resource `index` (its record at `records + RESOURCE_SIZE *
/// index`, set into `record`) as item `count` of the list at `p`, and
/// counts it.
pub(crate) fn resource_item(
    f: &mut Func,
    [p, index, count, item]: [u32; 4],
    records: u32,
    record: u32,
) {
    f.element(records, index, RESOURCE_SIZE).set(record);
    list_item(f, p, count, item);
    f.get(item).i32c(head(TAG_RESOURCE)).store32(SLOT_TAG);
    f.get(item)
        .get(record)
        .load32(RESOURCE_NODE)
        .store32(SLOT_NODE);
    f.get(item).get(index).store32(SLOT_PAYLOAD);
    f.get(item).i32c(0).store32(SLOT_PAYLOAD_LEN);
    f.inc(count, 1);
}

/// `of_type(key) -> list`: `resources("T")` for the exact type with key id
/// `key`, the type's group of the type index (made by `ward_eval`): only
/// its resources are visited, in input order.
pub(crate) fn of_type(f: &mut Func) {
    let key = 0;
    let [at, end, n, p, index, count, item, records, record] = f.i32_locals();
    f.gget(global::TYPE_GROUPS)
        .get(key)
        .i32c(4)
        .mul()
        .add()
        .tee(at)
        .load32(4)
        .set(end);
    f.get(at).load32(0).set(at);
    f.get(end).get(at).sub().set(n);
    alloc_list(f, n, p);
    f.i32c(0).call(Rt::Record.index()).set(records);
    f.block().loop_();
    f.get(at).get(end).ge_u().br_if(1);
    f.gget(global::TYPE_ORDER)
        .get(at)
        .i32c(4)
        .mul()
        .add()
        .load32(0)
        .set(index);
    resource_item(f, [p, index, count, item], records, record);
    f.inc(at, 1).br(0).end().end();
    list_header(f, p, count);
    f.get(p);
}

/// `of_types(keys, k) -> list`: `resources(...)` of `k` distinct exact
/// types whose key ids are the `u32`s at `keys` (a constant): their
/// groups of the type index merged into input order, each step taking the
/// smallest resource index under a cursor.
pub(crate) fn of_types(f: &mut Func) {
    let (keys, k) = (0, 1);
    let [
        cursors,
        j,
        at,
        n,
        p,
        index,
        which,
        candidate,
        count,
        item,
        records,
        record,
    ] = f.i32_locals();
    // A cursor and its group's end per type, 8 bytes each.
    f.get(k).i32c(8).mul().call(Rt::Alloc.index()).set(cursors);
    f.block().loop_();
    f.get(j).get(k).ge_u().br_if(1);
    f.gget(global::TYPE_GROUPS)
        .get(keys)
        .get(j)
        .i32c(4)
        .mul()
        .add()
        .load32(0)
        .i32c(4)
        .mul()
        .add()
        .set(at);
    f.element(cursors, j, 8).get(at).load64(0).store64(0);
    f.get(n)
        .get(at)
        .load32(4)
        .get(at)
        .load32(0)
        .sub()
        .add()
        .set(n);
    f.inc(j, 1).br(0).end().end();
    alloc_list(f, n, p);
    f.i32c(0).call(Rt::Record.index()).set(records);
    f.block().loop_();
    f.i32c(-1).set(index);
    f.i32c(0).set(j);
    f.block().loop_();
    f.get(j).get(k).ge_u().br_if(1);
    f.element(cursors, j, 8).tee(at).load32(0);
    f.get(at).load32(4).lt_u().if_();
    f.gget(global::TYPE_ORDER)
        .get(at)
        .load32(0)
        .i32c(4)
        .mul()
        .add()
        .load32(0)
        .tee(candidate)
        .get(index)
        .lt_u()
        .if_();
    f.get(candidate).set(index);
    f.get(at).set(which);
    f.end().end();
    f.inc(j, 1).br(0).end().end();
    f.get(index).i32c(-1).eq().br_if(1);
    resource_item(f, [p, index, count, item], records, record);
    f.get(which).get(which).load32(0).i32c(1).add().store32(0);
    f.br(0).end().end();
    list_header(f, p, count);
    f.get(p);
}

/// Writes a list slot at the address in `p` whose items start right after
/// it, at `p + SLOT_SIZE`.
pub(crate) fn list_header(f: &mut Func, p: u32, count: u32) {
    f.get(p).i32c(head(TAG_LIST)).store32(SLOT_TAG);
    f.get(p).u32c(NONE).store32(SLOT_NODE);
    f.get(p).get(p).u32c(SLOT_SIZE).add().store32(SLOT_PAYLOAD);
    f.get(p).get(count).store32(SLOT_PAYLOAD_LEN);
}

/// `count(v) -> value`.
pub(crate) fn count(f: &mut Func) {
    let v = 0;
    let c = f.i32_local();
    f.get(v)
        .call(Rt::IterCount.index())
        .tee(c)
        .i32c(0)
        .lt_s()
        .if_()
        .get(v)
        .ret()
        .end();
    f.get(c)
        .ins(Instruction::F64ConvertI32U)
        .call(Rt::NewNumber.index());
}

/// `len(v) -> value`.
pub(crate) fn len(f: &mut Func) {
    let v = 0;
    let (t, a, n, i, chars) = (
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
    );
    return_if_tag(f, v, TAG_UNKNOWN, v);
    tag(f, v);
    f.tee(t)
        .i32c(i32::from(TAG_NULL))
        .eq()
        .if_()
        .f64c(0.0)
        .call(Rt::NewNumber.index())
        .ret()
        .end();
    f.get(t)
        .i32c(i32::from(TAG_LIST))
        .eq()
        .get(t)
        .i32c(i32::from(TAG_OBJECT))
        .eq()
        .or()
        .if_();
    f.get(v)
        .load32(SLOT_PAYLOAD_LEN)
        .ins(Instruction::F64ConvertI32U)
        .call(Rt::NewNumber.index())
        .ret();
    f.end();
    f.get(t)
        .i32c(i32::from(TAG_STRING))
        .ne()
        .if_()
        .u32c(NULL)
        .ret()
        .end();
    // Characters: bytes that are not UTF-8 continuation bytes.
    f.get(v).addr().set(a);
    f.get(v).load32(SLOT_PAYLOAD_LEN).set(n);
    f.block().loop_();
    f.get(i).get(n).ge_u().br_if(1);
    f.get(a)
        .get(i)
        .add()
        .load8(0)
        .i32c(0xC0)
        .and()
        .i32c(0x80)
        .ne()
        .if_()
        .inc(chars, 1)
        .end();
    f.inc(i, 1).br(0).end().end();
    f.get(chars)
        .ins(Instruction::F64ConvertI32U)
        .call(Rt::NewNumber.index());
}

/// `keys(v, values) -> value`: the keys (`values` 0) or the values
/// (`values` 1) of an object in document order.
pub(crate) fn keys(f: &mut Func) {
    let (v, values) = (0, 1);
    let (n, p, base, order, i, entry, item) = (
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
    );
    return_if_tag(f, v, TAG_UNKNOWN, v);
    tag(f, v);
    f.i32c(i32::from(TAG_OBJECT))
        .ne()
        .if_()
        .u32c(EMPTY_LIST)
        .ret()
        .end();
    f.get(v).load32(SLOT_PAYLOAD_LEN).set(n);
    f.get(v).addr().set(base);
    f.get(base).get(n).u32c(ENTRY_SIZE).mul().add().set(order);
    alloc_list(f, n, p);
    f.block().loop_();
    f.get(i).get(n).ge_u().br_if(1);
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
    list_item(f, p, i, item);
    f.get(values).if_();
    f.get(entry).u32c(ENTRY_VALUE).add().set(entry);
    f.copy_slot(item, 0, entry);
    f.else_();
    // A key string keeps the object's relative or absolute addressing.
    f.get(item)
        .i32c(i32::from(TAG_STRING))
        .get(v)
        .load8(SLOT_FLAG)
        .u32c(SLOT_FLAG * 8)
        .shl()
        .or()
        .store32(SLOT_TAG);
    f.get(item).u32c(NONE).store32(SLOT_NODE);
    f.get(item)
        .get(entry)
        .load32(ENTRY_KEY_OFF)
        .store32(SLOT_PAYLOAD);
    f.get(item)
        .get(entry)
        .load32(ENTRY_KEY_LEN)
        .store32(SLOT_PAYLOAD_LEN);
    f.end();
    f.inc(i, 1).br(0).end().end();
    list_header(f, p, n);
    f.get(p);
}

/// `as_list(v) -> value`.
pub(crate) fn as_list(f: &mut Func) {
    let v = 0;
    let (t, p, one) = (f.i32_local(), f.i32_local(), f.i32_local());
    tag(f, v);
    f.tee(t)
        .i32c(i32::from(TAG_NULL))
        .eq()
        .if_()
        .u32c(EMPTY_LIST)
        .ret()
        .end();
    f.get(t)
        .i32c(i32::from(TAG_LIST))
        .eq()
        .get(t)
        .i32c(i32::from(TAG_UNKNOWN))
        .eq()
        .or()
        .if_();
    // A reference and text with unknown parts are one value each.
    super::core::is_reference(f, v);
    super::core::is_text(f, v);
    f.or().eqz().if_().get(v).ret().end();
    f.end();
    f.u32c(2 * SLOT_SIZE).call(Rt::Alloc.index()).set(p);
    f.copy_slot(p, SLOT_SIZE, v);
    f.i32c(1).set(one);
    list_header(f, p, one);
    f.get(p);
}

/// `exists(v) -> value`.
pub(crate) fn exists(f: &mut Func) {
    let v = 0;
    // A reference to a resource is a value: it exists.
    super::core::is_reference(f, v);
    f.if_().u32c(TRUE).ret().end();
    return_if_tag(f, v, TAG_UNKNOWN, v);
    tag(f, v);
    f.i32c(i32::from(TAG_NULL)).ne();
    bool_value(f);
}

/// `case(v, upper) -> value`: ASCII lower (`upper` 0) or upper case.
pub(crate) fn case(f: &mut Func) {
    let (v, upper) = (0, 1);
    let (n, source, p, i, b, from) = (
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
    );
    return_if_tag(f, v, TAG_UNKNOWN, v);
    tag(f, v);
    f.i32c(i32::from(TAG_STRING))
        .ne()
        .if_()
        .u32c(NULL)
        .ret()
        .end();
    f.get(v).load32(SLOT_PAYLOAD_LEN).set(n);
    f.get(v).addr().set(source);
    // The first letter of the range that changes: `a` for upper, `A` for lower.
    f.i32c(i32::from(b'a'))
        .i32c(i32::from(b'A'))
        .get(upper)
        .select()
        .set(from);
    // A string with nothing to change shares its bytes.
    f.block().loop_();
    f.get(i).get(n).ge_u().if_();
    unlocated_string(f, v);
    f.ret().end();
    f.get(source)
        .get(i)
        .add()
        .load8(0)
        .get(from)
        .sub()
        .i32c(26)
        .lt_u()
        .br_if(1);
    f.inc(i, 1).br(0).end().end();
    f.get(n).call(Rt::Alloc.index()).set(p);
    f.i32c(0).set(i);
    f.block().loop_();
    f.get(i).get(n).ge_u().br_if(1);
    f.get(source).get(i).add().load8(0).set(b);
    f.get(b).get(from).sub().i32c(26).lt_u().if_();
    f.get(b).i32c(32).ins(Instruction::I32Xor).set(b);
    f.end();
    f.get(p).get(i).add().get(b).store8(0);
    f.inc(i, 1).br(0).end().end();
    f.get(p).get(n).call(Rt::NewString.index());
}

/// `affix(a, b, ends) -> value`: `starts_with` (`ends` 0) or `ends_with`.
pub(crate) fn affix(f: &mut Func) {
    let (a, b, ends) = (0, 1, 2);
    let (la, lb) = (f.i32_local(), f.i32_local());
    let [start, prefix, total, known, known_len, pb] = f.i32_locals();
    // Text with unknown parts: its known start (or end) may decide.
    super::core::is_text(f, a);
    tag(f, b);
    f.i32c(i32::from(TAG_STRING)).eq().and().if_();
    super::core::text_parts(f, a, [start, prefix, total]);
    // The known part: the prefix, or the suffix right after it.
    f.get(start)
        .get(prefix)
        .add()
        .get(start)
        .get(ends)
        .select()
        .set(known);
    f.get(total)
        .get(prefix)
        .sub()
        .get(prefix)
        .get(ends)
        .select()
        .set(known_len);
    f.get(b).load32(SLOT_PAYLOAD_LEN).set(lb);
    f.get(b).addr().set(pb);
    f.get(lb).get(known_len).le_u().if_();
    // The affix lies within the known part.
    f.get(known)
        .get(known_len)
        .get(lb)
        .sub()
        .i32c(0)
        .get(ends)
        .select()
        .add()
        .get(lb)
        .get(pb)
        .get(lb)
        .call(Rt::StrEq.index());
    bool_value(f);
    f.ret();
    f.end();
    // The known part lies within the affix: maybe.
    f.get(pb)
        .get(lb)
        .get(known_len)
        .sub()
        .i32c(0)
        .get(ends)
        .select()
        .add()
        .get(known_len)
        .get(known)
        .get(known_len)
        .call(Rt::StrEq.index());
    f.if_().get(a).ret().end();
    f.u32c(FALSE).ret();
    f.end();
    return_if_tag(f, a, TAG_UNKNOWN, a);
    return_if_tag(f, b, TAG_UNKNOWN, b);
    tag(f, a);
    f.i32c(i32::from(TAG_STRING)).ne();
    tag(f, b);
    f.i32c(i32::from(TAG_STRING))
        .ne()
        .or()
        .if_()
        .u32c(FALSE)
        .ret()
        .end();
    f.get(a).load32(SLOT_PAYLOAD_LEN).set(la);
    f.get(b).load32(SLOT_PAYLOAD_LEN).set(lb);
    f.get(lb).get(la).gt_u().if_().u32c(FALSE).ret().end();
    f.get(a).addr();
    f.get(la).get(lb).sub().i32c(0).get(ends).select().add();
    f.get(lb).get(b).addr().get(lb).call(Rt::StrEq.index());
    bool_value(f);
}

/// `number_of(v) -> value`: `number(v)`.
pub(crate) fn number_of(f: &mut Func) {
    let v = 0;
    let t = f.i32_local();
    tag(f, v);
    f.tee(t)
        .i32c(i32::from(TAG_NUMBER))
        .eq()
        .get(t)
        .i32c(i32::from(TAG_UNKNOWN))
        .eq()
        .or()
        .if_()
        .get(v)
        .ret()
        .end();
    f.get(t).i32c(i32::from(TAG_STRING)).eq().if_();
    f.get(v)
        .addr()
        .get(v)
        .load32(SLOT_PAYLOAD_LEN)
        .call(Rt::ParseNumber.index())
        .if_();
    f.gget(global::NUMBER).call(Rt::NewNumber.index()).ret();
    f.end();
    f.end();
    f.u32c(NULL);
}

/// Pushes a new slot for the string in slot `v` that shares its bytes and
/// is located nowhere, like every string an operation makes.
fn unlocated_string(f: &mut Func, v: u32) {
    let p = f.i32_local();
    f.u32c(SLOT_SIZE).call(Rt::Alloc.index()).set(p);
    f.copy_slot(p, 0, v);
    f.get(p).u32c(NONE).store32(SLOT_NODE);
    f.get(p);
}

/// `string_of(v) -> value`: `string(v)`. Strings share their bytes and
/// booleans are constants; everything else is rendered.
pub(crate) fn string_of(f: &mut Func, texts: &Texts) {
    let v = 0;
    let start = f.i32_local();
    return_if_tag(f, v, TAG_UNKNOWN, v);
    tag(f, v);
    f.i32c(i32::from(TAG_STRING)).eq().if_();
    unlocated_string(f, v);
    f.ret().end();
    tag(f, v);
    f.i32c(i32::from(TAG_BOOL)).eq().if_();
    f.u32c(texts.true_slot)
        .u32c(texts.false_slot)
        .get(v)
        .load32(SLOT_PAYLOAD)
        .select()
        .ret();
    f.end();
    f.gget(global::HEAP).set(start);
    f.get(v).i32c(1).call(Rt::Render.index());
    f.get(start).call(Rt::SbFinish.index());
}

/// `port_in_range(port, from, to) -> value`.
pub(crate) fn port_in_range(f: &mut Func) {
    let (port, from, to) = (0, 1, 2);
    let (p, low) = (f.f64_local(), f.f64_local());
    return_if_tag(f, port, TAG_UNKNOWN, port);
    return_if_tag(f, from, TAG_UNKNOWN, from);
    return_if_tag(f, to, TAG_UNKNOWN, to);
    f.get(port)
        .call(Rt::ToNumber.index())
        .eqz()
        .if_()
        .u32c(FALSE)
        .ret()
        .end();
    f.gget(global::NUMBER).set(p);
    f.get(from)
        .call(Rt::ToNumber.index())
        .eqz()
        .if_()
        .u32c(FALSE)
        .ret()
        .end();
    f.gget(global::NUMBER)
        .tee(low)
        .f64c(-1.0)
        .ins(Instruction::F64Eq)
        .if_()
        .u32c(TRUE)
        .ret()
        .end();
    f.get(to)
        .call(Rt::ToNumber.index())
        .eqz()
        .if_()
        .u32c(FALSE)
        .ret()
        .end();
    f.get(low).get(p).ins(Instruction::F64Le);
    f.get(p).gget(global::NUMBER).ins(Instruction::F64Le).and();
    bool_value(f);
}

/// `type_match(resource, pattern, key) -> bool`: whether the resource's
/// type matches a pattern value; `key` is the pattern's key id when it is a
/// constant exact type, else `KEY_UNKNOWN`.
pub(crate) fn type_match(f: &mut Func) {
    let (resource, pattern, key) = (0, 1, 2);
    let (rec, pa, pl, ta, tl) = (
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
    );
    tag(f, pattern);
    f.i32c(i32::from(TAG_STRING)).ne().if_().i32c(0).ret().end();
    f.get(resource).call(Rt::Record.index()).set(rec);
    f.get(key).u32c(UNKNOWN_KEY).ne().if_();
    f.get(rec).load32(RESOURCE_TYPE_KEY).get(key).eq().ret();
    f.end();
    f.get(pattern).addr().set(pa);
    f.get(pattern).load32(SLOT_PAYLOAD_LEN).set(pl);
    f.gget(global::INPUT)
        .get(rec)
        .load32(RESOURCE_TYPE_OFF)
        .add()
        .set(ta);
    f.get(rec).load32(RESOURCE_TYPE_LEN).set(tl);
    f.get(pl).if_();
    f.get(pa)
        .get(pl)
        .add()
        .i32c(1)
        .sub()
        .load8(0)
        .i32c(i32::from(b'*'))
        .eq()
        .if_();
    f.inc(pl, -1);
    f.get(pl).get(tl).gt_u().if_().i32c(0).ret().end();
    f.get(ta)
        .get(pl)
        .get(pa)
        .get(pl)
        .call(Rt::StrEq.index())
        .ret();
    f.end();
    f.end();
    f.get(ta).get(tl).get(pa).get(pl).call(Rt::StrEq.index());
}

/// Pushes whether one of the via records of the adjacency entry at address
/// `v` is the path `va`/`vl` or a path below it (`Bucket` covers
/// `Bucket.Name`, not `BucketName`).
fn via_matches(f: &mut Func, [v, va, vl, at, left, pa, pl]: [u32; 7]) {
    f.gget(global::INPUT)
        .get(v)
        .load32(ADJACENCY_VIA_OFF)
        .add()
        .set(at);
    f.get(v).load32(ADJACENCY_VIA_COUNT).set(left);
    f.block_i32().loop_();
    f.get(left).eqz().if_().i32c(0).br(2).end();
    f.gget(global::INPUT)
        .get(at)
        .load32(VIA_STR_OFF)
        .add()
        .set(pa);
    f.get(at).load32(VIA_STR_LEN).set(pl);
    f.get(pl).get(vl).ge_u().if_();
    f.get(pa)
        .get(vl)
        .get(va)
        .get(vl)
        .call(Rt::StrEq.index())
        .if_();
    f.get(pl)
        .get(vl)
        .eq()
        .if_i32()
        .i32c(1)
        .else_()
        .get(pa)
        .get(vl)
        .add()
        .load8(0)
        .i32c(i32::from(b'.'))
        .eq()
        .end();
    f.if_().i32c(1).br(4).end();
    f.end();
    f.end();
    f.inc(at, VIA_SIZE as i32).inc(left, -1).br(0);
    f.end();
    f.unreachable();
    f.end();
}

/// `traverse(direction, r, filter, key, via) -> value`: `refs` (direction
/// 0) or `referrers` (1); `filter` is a pattern value or 0, `key` as for
/// `type_match`; `via` a path value or 0. Without `via`, an entry whose
/// only edges are `DependsOn` is left out; with it, an entry is kept when
/// one of its via records is the path or below it.
pub(crate) fn traverse(f: &mut Func) {
    let (direction, r, filter, key, via) = (0, 1, 2, 3, 4);
    let [va, vl, records_at, record_count, v, pa, pl] = f.i32_locals();
    let [
        rec,
        first,
        n,
        adjacency,
        p,
        k,
        count,
        other,
        item,
        records,
        record,
    ] = f.i32_locals();
    return_if_tag(f, r, TAG_UNKNOWN, r);
    f.get(filter).if_();
    return_if_tag(f, filter, TAG_UNKNOWN, filter);
    f.end();
    f.get(via).if_();
    return_if_tag(f, via, TAG_UNKNOWN, via);
    tag(f, via);
    f.i32c(i32::from(TAG_STRING))
        .ne()
        .if_()
        .u32c(EMPTY_LIST)
        .ret()
        .end();
    f.get(via).addr().set(va);
    f.get(via).load32(SLOT_PAYLOAD_LEN).set(vl);
    f.end();
    tag(f, r);
    f.i32c(i32::from(TAG_RESOURCE))
        .ne()
        .if_()
        .u32c(EMPTY_LIST)
        .ret()
        .end();
    f.get(r)
        .load32(SLOT_PAYLOAD)
        .call(Rt::Record.index())
        .set(rec);
    f.get(direction).if_();
    f.get(rec).load32(RESOURCE_IN_FIRST).set(first);
    f.get(rec).load32(RESOURCE_IN_COUNT).set(n);
    f.gget(global::INPUT)
        .gget(global::INPUT)
        .load32(HEADER_IN_OFF)
        .add()
        .set(adjacency);
    f.else_();
    f.get(rec).load32(RESOURCE_OUT_FIRST).set(first);
    f.get(rec).load32(RESOURCE_OUT_COUNT).set(n);
    f.gget(global::INPUT)
        .gget(global::INPUT)
        .load32(HEADER_OUT_OFF)
        .add()
        .set(adjacency);
    f.end();
    alloc_list(f, n, p);
    f.i32c(0).call(Rt::Record.index()).set(records);
    f.block().loop_();
    f.get(k).get(n).ge_u().br_if(1);
    // The entry's address `v`, for its resource, kinds and via records.
    f.get(adjacency)
        .get(first)
        .get(k)
        .add()
        .u32c(ADJACENCY_SIZE)
        .mul()
        .add()
        .tee(v)
        .load32(ADJACENCY_RESOURCE)
        .set(other);
    f.get(filter)
        .eqz()
        .if_i32()
        .i32c(1)
        .else_()
        .get(other)
        .get(filter)
        .get(key)
        .call(Rt::TypeMatch.index())
        .end();
    f.if_();
    f.get(via).eqz().if_i32();
    f.get(v).load32(ADJACENCY_KINDS).u32c(EDGE_DEPENDS_ON).ne();
    f.else_();
    via_matches(f, [v, va, vl, records_at, record_count, pa, pl]);
    f.end();
    f.if_();
    resource_item(f, [p, other, count, item], records, record);
    f.end();
    f.end();
    f.inc(k, 1).br(0).end().end();
    list_header(f, p, count);
    f.get(p);
}
