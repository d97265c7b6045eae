//! Allocation and the core value operations.

use ward_abi::NONE;
use ward_abi::layout::{
    ENTRY_KEY_ID, ENTRY_KEY_LEN, ENTRY_KEY_OFF, ENTRY_SIZE, ENTRY_VALUE, HEADER_DECLARATIONS_OFF,
    HEADER_RESOURCES_OFF, ORDER_INDEX_SIZE, RESOURCE_ID_LEN, RESOURCE_ID_OFF, RESOURCE_METADATA,
    RESOURCE_NODE, RESOURCE_PROPS, RESOURCE_SIZE, RESOURCE_TAGS, RESOURCE_TYPE_LEN,
    RESOURCE_TYPE_OFF, SLOT_KIND, SLOT_NODE, SLOT_PAYLOAD, SLOT_PAYLOAD_LEN, SLOT_SIZE, SLOT_TAG,
    TAG_BOOL, TAG_LIST, TAG_NULL, TAG_NUMBER, TAG_OBJECT, TAG_STRING, TAG_UNKNOWN,
    UNKNOWN_DETAIL_LEN, UNKNOWN_DETAIL_OFF, UNKNOWN_DETAILS_SIZE, UNKNOWN_DYNAMIC_REFERENCE,
    UNKNOWN_PARAMETER, UNKNOWN_REFERENCE, UNKNOWN_TARGET, UNKNOWN_TEXT,
};
use wasm_encoder::Instruction;

use super::{Rt, return_if_tag, tag};
use crate::asm::Func;
use crate::layout::{ABSOLUTE, FALSE, NULL, SLOT_FLAG, TAG_RESOURCE, TRUE, UNKNOWN_KEY, global};

/// The first word of a built slot: tag and the absolute flag.
pub(crate) fn head(tag: u8) -> i32 {
    i32::from(tag) | (i32::from(ABSOLUTE) << 8)
}

/// Pushes `true` or `false` for the i32 condition on the stack.
pub(crate) fn bool_value(f: &mut Func) {
    let cond = f.i32_local();
    f.set(cond).u32c(TRUE).u32c(FALSE).get(cond).select();
}

/// Pushes the current memory size in bytes.
fn memory_bytes(f: &mut Func) {
    f.ins(Instruction::MemorySize(0)).i32c(16).shl();
}

/// Grows memory so that `end` (a local) fits; traps, or returns 0 when
/// `trap` is false, if it cannot.
fn grow_to(f: &mut Func, end: u32, trap: bool) {
    f.get(end);
    memory_bytes(f);
    f.gt_u().if_();
    f.get(end);
    memory_bytes(f);
    f.sub().i32c(65535).add().i32c(16).shr_u();
    f.ins(Instruction::MemoryGrow(0)).i32c(-1).eq().if_();
    if trap {
        f.unreachable();
    } else {
        f.i32c(0).ret();
    }
    f.end().end();
}

/// `alloc(n) -> address`: 8-aligned bump allocation.
pub(crate) fn alloc(f: &mut Func, trap: bool) {
    let (n, p, end) = (0, f.i32_local(), f.i32_local());
    f.gget(global::HEAP).i32c(7).add().i32c(-8).and().tee(p);
    f.get(n).add().tee(end).get(p).lt_u().if_();
    if trap {
        f.unreachable();
    } else {
        f.i32c(0).ret();
    }
    f.end();
    grow_to(f, end, trap);
    f.get(end).gset(global::HEAP).get(p);
}

/// `ensure(n)`: grows memory so that `n` bytes fit at the heap pointer.
pub(crate) fn ensure(f: &mut Func) {
    let (n, end) = (0, f.i32_local());
    f.gget(global::HEAP)
        .get(n)
        .add()
        .tee(end)
        .gget(global::HEAP)
        .lt_u()
        .if_()
        .unreachable()
        .end();
    grow_to(f, end, true);
}

impl Func {
    /// The address of the payload of the slot whose address is on the
    /// stack (relative to the input unless the slot is flagged absolute),
    /// emitted in place through a local of its own: it is too small to be
    /// worth a call.
    pub(crate) fn addr(&mut self) -> &mut Func {
        let v = self.i32_local();
        self.set(v);
        payload_address(self, v);
        self
    }
}

/// Pushes the address of the payload of the slot in local `v`, as
/// [`Func::addr`] does.
fn payload_address(f: &mut Func, v: u32) {
    f.get(v)
        .load32(SLOT_PAYLOAD)
        .i32c(0)
        .gget(global::INPUT)
        .get(v)
        .load8(SLOT_FLAG)
        .select()
        .add();
}

/// `new_number(x) -> value`.
pub(crate) fn new_number(f: &mut Func) {
    let (x, p) = (0, f.i32_local());
    f.u32c(SLOT_SIZE)
        .call(Rt::Alloc.index())
        .tee(p)
        .i32c(head(TAG_NUMBER))
        .store32(SLOT_TAG);
    f.get(p).u32c(NONE).store32(SLOT_NODE);
    f.get(p).get(x).storef(SLOT_PAYLOAD);
    f.get(p);
}

/// `new_string(a, len) -> value`, absolute or relative to the input.
pub(crate) fn new_string(f: &mut Func, absolute: bool) {
    let (a, len, p) = (0, 1, f.i32_local());
    let first = if absolute {
        head(TAG_STRING)
    } else {
        i32::from(TAG_STRING)
    };
    f.u32c(SLOT_SIZE)
        .call(Rt::Alloc.index())
        .tee(p)
        .i32c(first)
        .store32(SLOT_TAG);
    f.get(p).u32c(NONE).store32(SLOT_NODE);
    f.get(p).get(a).store32(SLOT_PAYLOAD);
    f.get(p).get(len).store32(SLOT_PAYLOAD_LEN);
    f.get(p);
}

/// `new_resource(index) -> value`, located at the resource.
pub(crate) fn new_resource(f: &mut Func) {
    let (index, p) = (0, f.i32_local());
    f.u32c(SLOT_SIZE)
        .call(Rt::Alloc.index())
        .tee(p)
        .i32c(head(TAG_RESOURCE))
        .store32(SLOT_TAG);
    f.get(p)
        .get(index)
        .call(Rt::Record.index())
        .load32(RESOURCE_NODE)
        .store32(SLOT_NODE);
    f.get(p).get(index).store32(SLOT_PAYLOAD);
    f.get(p).i32c(0).store32(SLOT_PAYLOAD_LEN);
    f.get(p);
}

/// `record(index) -> address` of a resource record.
pub(crate) fn record(f: &mut Func) {
    let index = 0;
    f.gget(global::INPUT)
        .gget(global::INPUT)
        .load32(HEADER_RESOURCES_OFF)
        .add();
    f.get(index).u32c(RESOURCE_SIZE).mul().add();
}

/// `truth(v) -> 0 false, 1 true, 2 unknown`.
pub(crate) fn truth(f: &mut Func) {
    truth_of(f, 0);
}

/// Pushes the truth of the value in local `v` (0 false, 1 true, 2
/// unknown), emitted in place: conditions test it on every resource, and
/// the work is smaller than a call.
pub(crate) fn truth_of(f: &mut Func, v: u32) {
    let t = f.i32_local();
    f.get(v)
        .load8(SLOT_TAG)
        .tee(t)
        .i32c(i32::from(TAG_BOOL))
        .eq()
        .if_i32();
    f.get(v).load32(SLOT_PAYLOAD).i32c(0).ne();
    f.else_();
    f.i32c(2)
        .i32c(0)
        .get(t)
        .i32c(i32::from(TAG_UNKNOWN))
        .eq()
        .select();
    f.end();
}

/// `lookup_id(object, key) -> address of the value, or 0`.
pub(crate) fn lookup_id(f: &mut Func) {
    let (object, key) = (0, 1);
    lookup_and_return(f, object, key, 0);
}

/// Emits a lookup of the key id in `key` among the entries of the object in
/// `object` that returns from the function: the value's address, or
/// `missing`. The entries are sorted by key id: a binary search narrows
/// them down to a few, then a scan finds the first entry whose id is not
/// below `key` (most objects of a template are small enough to skip the
/// search). `rt::LookupId`'s body; `field` and `prop` scan small objects
/// themselves ([`scan_and_return`]).
fn lookup_and_return(f: &mut Func, object: u32, key: u32, missing: u32) {
    let [base, n, lo, hi, mid] = f.i32_locals();
    payload_address(f, object);
    f.set(base);
    f.get(object).load32(SLOT_PAYLOAD_LEN).tee(n).set(hi);
    // Invariant: entries below `lo` have smaller ids, entries from `hi` on
    // have ids not below `key`.
    f.block().loop_();
    f.get(hi).get(lo).sub().i32c(LINEAR_SCAN).le_u().br_if(1);
    f.get(lo).get(hi).add().i32c(1).shr_u().set(mid);
    f.element(base, mid, ENTRY_SIZE)
        .load32(ENTRY_KEY_ID)
        .get(key)
        .lt_u()
        .if_();
    f.get(mid).i32c(1).add().set(lo);
    f.else_();
    f.get(mid).set(hi);
    f.end().br(0).end().end();
    // The first entry from `lo` on whose id is not below `key` (at `hi` at
    // the latest) is the only one that can match.
    scan_and_return_from(f, [base, lo, n], key, missing);
}

/// Emits the scan that ends both lookups: from entry `i` on, the first
/// entry whose key id is not below `key` returns its value's address if the
/// ids are equal, else `missing`; so does running past entry `n`.
fn scan_and_return_from(f: &mut Func, [base, i, n]: [u32; 3], key: u32, missing: u32) {
    let [entry, found] = f.i32_locals();
    f.block().loop_();
    f.get(i).get(n).ge_u().br_if(1);
    f.element(base, i, ENTRY_SIZE)
        .tee(entry)
        .load32(ENTRY_KEY_ID)
        .tee(found);
    f.get(key).ge_u().if_();
    f.get(entry)
        .u32c(ENTRY_VALUE)
        .add()
        .u32c(missing)
        .get(found)
        .get(key)
        .eq()
        .select()
        .ret();
    f.end();
    f.inc(i, 1).br(0).end().end();
    f.u32c(missing).ret();
}

/// Like [`lookup_and_return`], for the hot `field` and `prop`: objects of
/// at most [`LINEAR_SCAN`] entries are scanned in place, larger ones are
/// searched by a call to `rt::LookupId`. Keeping the search out of the
/// function leaves it fewer live values, so its calls save and restore
/// fewer registers.
fn scan_and_return(f: &mut Func, object: u32, key: u32, missing: u32) {
    let [base, n, i, found] = f.i32_locals();
    f.get(object)
        .load32(SLOT_PAYLOAD_LEN)
        .tee(n)
        .i32c(LINEAR_SCAN)
        .gt_u()
        .if_();
    f.get(object)
        .get(key)
        .call(Rt::LookupId.index())
        .tee(found)
        .u32c(missing)
        .get(found)
        .select()
        .ret();
    f.end();
    payload_address(f, object);
    f.set(base);
    scan_and_return_from(f, [base, i, n], key, missing);
}

/// Objects with at most this many entries are scanned, not searched.
const LINEAR_SCAN: i32 = 8;

/// `lookup_str(object, a, len) -> address of the value, or 0`: compares
/// key strings.
pub(crate) fn lookup_str(f: &mut Func) {
    let (object, a, len) = (0, 1, 2);
    let (base, n, i, entry, relative) = (
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
    );
    f.get(object).addr().set(base);
    f.get(object).load32(SLOT_PAYLOAD_LEN).set(n);
    f.i32c(0)
        .gget(global::INPUT)
        .get(object)
        .load8(SLOT_FLAG)
        .select()
        .set(relative);
    f.block().loop_();
    f.get(i).get(n).ge_u().br_if(1);
    f.element(base, i, ENTRY_SIZE)
        .tee(entry)
        .load32(ENTRY_KEY_OFF)
        .get(relative)
        .add();
    f.get(entry)
        .load32(ENTRY_KEY_LEN)
        .get(a)
        .get(len)
        .call(Rt::StrEq.index())
        .if_();
    f.get(entry).u32c(ENTRY_VALUE).add().ret();
    f.end();
    f.inc(i, 1).br(0).end().end();
    f.i32c(0);
}

/// `field(v, key, which) -> value`: `v.key`; `which` names the resource
/// field the key is (0 id, 1 type, 2 props, 3 tags, 4 metadata, else none).
pub(crate) fn field(f: &mut Func) {
    let (v, key, which) = (0, 1, 2);
    let rec = f.i32_local();
    tag(f, v);
    f.i32c(i32::from(TAG_OBJECT)).eq().if_();
    scan_and_return(f, v, key, NULL);
    f.end();
    return_if_tag(f, v, TAG_UNKNOWN, v);
    tag(f, v);
    f.i32c(i32::from(TAG_RESOURCE))
        .ne()
        .if_()
        .u32c(NULL)
        .ret()
        .end();
    f.get(v)
        .load32(SLOT_PAYLOAD)
        .call(Rt::Record.index())
        .set(rec);
    f.get(which).eqz().if_();
    f.get(rec)
        .load32(RESOURCE_ID_OFF)
        .get(rec)
        .load32(RESOURCE_ID_LEN)
        .call(Rt::NewStringRel.index())
        .ret();
    f.end();
    f.get(which).i32c(1).eq().if_();
    f.get(rec)
        .load32(RESOURCE_TYPE_OFF)
        .get(rec)
        .load32(RESOURCE_TYPE_LEN)
        .call(Rt::NewStringRel.index())
        .ret();
    f.end();
    for (code, offset) in [
        (2, RESOURCE_PROPS),
        (3, RESOURCE_TAGS),
        (4, RESOURCE_METADATA),
    ] {
        f.get(which)
            .i32c(code)
            .eq()
            .if_()
            .get(rec)
            .u32c(offset)
            .add()
            .ret()
            .end();
    }
    f.u32c(NULL);
}

/// `prop(v, key) -> value`: `v.key` for a key that names no part of a
/// resource (not `id`, `type`, `props`, `tags` or `metadata`), which is
/// what `field` gives for it, without `field`'s branches for resources:
/// the common `r.props.Key` and `x.Key` run a smaller function.
pub(crate) fn prop(f: &mut Func) {
    let (v, key) = (0, 1);
    tag(f, v);
    f.i32c(i32::from(TAG_OBJECT)).eq().if_();
    scan_and_return(f, v, key, NULL);
    f.end();
    return_if_tag(f, v, TAG_UNKNOWN, v);
    f.u32c(NULL);
}

/// `index(base, index) -> value`.
pub(crate) fn index(f: &mut Func) {
    let (b, i) = (0, 1);
    let (x, found) = (f.f64_local(), f.i32_local());
    return_if_tag(f, b, TAG_UNKNOWN, b);
    return_if_tag(f, i, TAG_UNKNOWN, i);
    tag(f, b);
    f.i32c(i32::from(TAG_LIST)).eq();
    tag(f, i);
    f.i32c(i32::from(TAG_NUMBER)).eq().and().if_();
    f.get(i).loadf(SLOT_PAYLOAD).set(x);
    f.get(x).f64c(0.0).ins(Instruction::F64Ge);
    f.get(x)
        .ins(Instruction::F64Trunc)
        .get(x)
        .ins(Instruction::F64Eq)
        .and();
    f.get(x)
        .get(b)
        .load32(SLOT_PAYLOAD_LEN)
        .ins(Instruction::F64ConvertI32U)
        .ins(Instruction::F64Lt)
        .and();
    f.if_();
    f.get(b)
        .addr()
        .get(x)
        .ins(Instruction::I32TruncF64U)
        .u32c(SLOT_SIZE)
        .mul()
        .add()
        .ret();
    f.end();
    f.u32c(NULL).ret();
    f.end();
    tag(f, b);
    f.i32c(i32::from(TAG_OBJECT)).eq();
    tag(f, i);
    f.i32c(i32::from(TAG_STRING)).eq().and().if_();
    f.get(b)
        .get(i)
        .addr()
        .get(i)
        .load32(SLOT_PAYLOAD_LEN)
        .call(Rt::LookupStr.index())
        .tee(found);
    f.u32c(NULL).get(found).select().ret();
    f.end();
    f.u32c(NULL);
}

/// `str_eq(a, a_len, b, b_len) -> bool`.
pub(crate) fn str_eq(f: &mut Func) {
    let (a, la, b, lb) = (0, 1, 2, 3);
    let i = f.i32_local();
    f.get(la).get(lb).ne().if_().i32c(0).ret().end();
    // Eight bytes at a time while eight remain, then byte by byte.
    f.block().loop_();
    f.get(la).get(i).sub().i32c(8).lt_u().br_if(1);
    f.get(a)
        .get(i)
        .add()
        .load64(0)
        .get(b)
        .get(i)
        .add()
        .load64(0)
        .ins(Instruction::I64Ne)
        .if_()
        .i32c(0)
        .ret()
        .end();
    f.inc(i, 8).br(0).end().end();
    f.block().loop_();
    f.get(i).get(la).ge_u().br_if(1);
    f.get(a)
        .get(i)
        .add()
        .load8(0)
        .get(b)
        .get(i)
        .add()
        .load8(0)
        .ne()
        .if_()
        .i32c(0)
        .ret()
        .end();
    f.inc(i, 1).br(0).end().end();
    f.i32c(1);
}

/// `str_cmp(a, a_len, b, b_len) -> -1, 0, 1`, bytewise.
pub(crate) fn str_cmp(f: &mut Func) {
    let (a, la, b, lb) = (0, 1, 2, 3);
    let (i, m, x, y) = (f.i32_local(), f.i32_local(), f.i32_local(), f.i32_local());
    f.get(la).get(lb).get(la).get(lb).lt_u().select().set(m);
    f.block().loop_();
    f.get(i).get(m).ge_u().br_if(1);
    f.get(a).get(i).add().load8(0).set(x);
    f.get(b).get(i).add().load8(0).set(y);
    f.get(x)
        .get(y)
        .ne()
        .if_()
        .i32c(-1)
        .i32c(1)
        .get(x)
        .get(y)
        .lt_u()
        .select()
        .ret()
        .end();
    f.inc(i, 1).br(0).end().end();
    f.get(la).get(lb).lt_u().if_().i32c(-1).ret().end();
    f.get(la).get(lb).gt_u();
}

/// `str_find(haystack, h_len, needle, n_len) -> bool`: substring search.
pub(crate) fn str_find(f: &mut Func) {
    let (h, hl, n, nl) = (0, 1, 2, 3);
    let i = f.i32_local();
    f.get(nl).eqz().if_().i32c(1).ret().end();
    f.get(nl).get(hl).gt_u().if_().i32c(0).ret().end();
    f.block().loop_();
    f.get(i).get(hl).get(nl).sub().gt_u().br_if(1);
    f.get(h)
        .get(i)
        .add()
        .get(nl)
        .get(n)
        .get(nl)
        .call(Rt::StrEq.index())
        .if_()
        .i32c(1)
        .ret()
        .end();
    f.inc(i, 1).br(0).end().end();
    f.i32c(0);
}

/// Pushes the payload length (or count) of the slot in `local`.
fn count_of(f: &mut Func, local: u32) {
    f.get(local).load32(SLOT_PAYLOAD_LEN);
}

/// `eq(a, b) -> value`: three-valued deep equality.
/// Pushes whether the slot in local `v` is an unknown value of kind `kind`
/// (`UNKNOWN_*`).
fn is_unknown_of(f: &mut Func, v: u32, kind: u8) {
    f.get(v)
        .load8(SLOT_TAG)
        .i32c(i32::from(TAG_UNKNOWN))
        .eq()
        .get(v)
        .load8(SLOT_KIND)
        .i32c(i32::from(kind))
        .eq()
        .and();
}

/// Pushes whether the slot in local `v` is a reference to a resource of
/// the input.
pub(crate) fn is_reference(f: &mut Func, v: u32) {
    is_unknown_of(f, v, UNKNOWN_REFERENCE);
}

/// Pushes whether the slot in local `v` is text with unknown parts.
pub(crate) fn is_text(f: &mut Func, v: u32) {
    is_unknown_of(f, v, UNKNOWN_TEXT);
}

/// Sets locals `[start, prefix, total]` for the text with unknown parts in
/// local `v`: the absolute address of its known prefix, whose suffix
/// follows it, the prefix's length, and both lengths together.
pub(crate) fn text_parts(f: &mut Func, v: u32, [start, prefix, total]: [u32; 3]) {
    let details = f.i32_local();
    unknown_details(f, v);
    f.set(details);
    f.gget(global::INPUT)
        .get(details)
        .load32(UNKNOWN_DETAIL_OFF)
        .add()
        .set(start);
    f.get(details).load32(UNKNOWN_TARGET).set(prefix);
    f.get(details).load32(UNKNOWN_DETAIL_LEN).set(total);
}

/// `text_fits(v, s) -> i32`: whether the string `s` starts with the known
/// prefix of the text with unknown parts `v` and ends with its known
/// suffix, the two not overlapping (so `v` may be `s`).
pub(crate) fn text_fits(f: &mut Func) {
    let (v, s) = (0, 1);
    let [start, prefix, total, sa, sl, suffix] = f.i32_locals();
    text_parts(f, v, [start, prefix, total]);
    f.get(total).get(prefix).sub().set(suffix);
    f.get(s).addr().set(sa);
    f.get(s).load32(SLOT_PAYLOAD_LEN).set(sl);
    f.get(sl).get(total).lt_u().if_().i32c(0).ret().end();
    f.get(sa)
        .get(prefix)
        .get(start)
        .get(prefix)
        .call(Rt::StrEq.index());
    f.eqz().if_().i32c(0).ret().end();
    f.get(sa)
        .get(sl)
        .add()
        .get(suffix)
        .sub()
        .get(suffix)
        .get(start)
        .get(prefix)
        .add()
        .get(suffix)
        .call(Rt::StrEq.index());
}

/// Pushes the address of the details of the unknown value in local `v`
/// (they sit right before its reason string).
fn unknown_details(f: &mut Func, v: u32) {
    f.get(v).addr().u32c(UNKNOWN_DETAILS_SIZE).sub();
}

/// `ref_eq(a, b) -> value or 0`: equality where a reference decides it. Two
/// references are equal when they name the same resource and attribute; a
/// reference and a known value are not; anything else gives 0 (not
/// decided here).
pub(crate) fn ref_eq(f: &mut Func) {
    let (a, b) = (0, 1);
    let [ra, rb, da, db, oa, ob, other] = f.i32_locals();
    is_reference(f, a);
    f.set(ra);
    is_reference(f, b);
    f.set(rb);
    // Text with unknown parts against a known value: a string that fits
    // it may be equal (the text itself, unknown), anything else is not.
    for (text, known) in [(a, b), (b, a)] {
        is_text(f, text);
        tag(f, known);
        f.i32c(i32::from(TAG_UNKNOWN)).ne().and().if_();
        tag(f, known);
        f.i32c(i32::from(TAG_STRING)).eq().if_();
        f.get(text).get(known).call(Rt::TextFits.index());
        f.if_().get(text).ret().end();
        f.end();
        f.u32c(FALSE).ret();
        f.end();
    }
    f.get(ra).get(rb).or().eqz().if_().i32c(0).ret().end();
    f.get(ra).get(rb).and().if_();
    unknown_details(f, a);
    f.set(da);
    unknown_details(f, b);
    f.set(db);
    f.get(da)
        .load32(UNKNOWN_TARGET)
        .get(db)
        .load32(UNKNOWN_TARGET)
        .ne()
        .if_()
        .u32c(FALSE)
        .ret()
        .end();
    f.get(da).load32(UNKNOWN_DETAIL_OFF).set(oa);
    f.get(db).load32(UNKNOWN_DETAIL_OFF).set(ob);
    // `Ref` has no attribute (`NONE`): equal only to another `Ref`.
    f.get(oa).u32c(NONE).eq().get(ob).u32c(NONE).eq().or().if_();
    f.get(oa).get(ob).eq();
    bool_value(f);
    f.ret();
    f.end();
    f.gget(global::INPUT).get(oa).add();
    f.get(da).load32(UNKNOWN_DETAIL_LEN);
    f.gget(global::INPUT).get(ob).add();
    f.get(db).load32(UNKNOWN_DETAIL_LEN);
    f.call(Rt::StrEq.index());
    bool_value(f);
    f.ret();
    f.end();
    // One reference: unequal to a known value, undecided against another
    // unknown one.
    f.get(b).get(a).get(ra).select().set(other);
    tag(f, other);
    f.i32c(i32::from(TAG_UNKNOWN))
        .eq()
        .if_i32()
        .i32c(0)
        .else_()
        .u32c(FALSE)
        .end();
}

/// `target(v) -> value`: the resource a reference points at, `null` when
/// it points at none or `v` is known, `v` itself when it is unknown of
/// another kind.
pub(crate) fn target(f: &mut Func) {
    let v = 0;
    let index = f.i32_local();
    is_reference(f, v);
    f.if_();
    unknown_details(f, v);
    f.load32(UNKNOWN_TARGET).tee(index);
    f.u32c(NONE).eq().if_().u32c(NULL).ret().end();
    f.get(index).call(Rt::NewResource.index()).ret();
    f.end();
    return_if_tag(f, v, TAG_UNKNOWN, v);
    f.u32c(NULL);
}

/// `declaration(v) -> value`: `parameter(v)`, the template's declaration
/// of the parameter an unknown value of kind parameter stands for, looked
/// up by its name in the object at the header's declarations offset;
/// `null` for any other value and for a name the template does not
/// declare.
pub(crate) fn declaration(f: &mut Func) {
    let v = 0;
    let [details, declarations, found] = f.i32_locals();
    is_unknown_of(f, v, UNKNOWN_PARAMETER);
    f.eqz().if_().u32c(NULL).ret().end();
    unknown_details(f, v);
    f.set(details);
    f.get(details)
        .load32(UNKNOWN_DETAIL_OFF)
        .u32c(NONE)
        .eq()
        .if_()
        .u32c(NULL)
        .ret()
        .end();
    f.gget(global::INPUT)
        .gget(global::INPUT)
        .load32(HEADER_DECLARATIONS_OFF)
        .add()
        .set(declarations);
    tag(f, declarations);
    f.i32c(i32::from(TAG_OBJECT))
        .ne()
        .if_()
        .u32c(NULL)
        .ret()
        .end();
    f.get(declarations)
        .gget(global::INPUT)
        .get(details)
        .load32(UNKNOWN_DETAIL_OFF)
        .add()
        .get(details)
        .load32(UNKNOWN_DETAIL_LEN)
        .call(Rt::LookupStr.index())
        .tee(found)
        .eqz()
        .if_()
        .u32c(NULL)
        .ret()
        .end();
    f.get(found);
}

/// `unknown_detail(v) -> value`: the detail string of an unknown value of
/// the kinds that have one (a reference's attribute, a parameter's or
/// pseudo parameter's name, a dynamic reference's service), as a string of
/// the input; `null` for every other value and when there is none.
pub(crate) fn unknown_detail(f: &mut Func) {
    let v = 0;
    let [details, offset] = f.i32_locals();
    tag(f, v);
    f.i32c(i32::from(TAG_UNKNOWN))
        .ne()
        .if_()
        .u32c(NULL)
        .ret()
        .end();
    // Kinds 1 to 4 (reference to dynamic reference) carry one; text's
    // detail is its known parts, which this does not give.
    f.get(v)
        .load8(SLOT_KIND)
        .i32c(i32::from(UNKNOWN_REFERENCE))
        .sub()
        .i32c(i32::from(UNKNOWN_DYNAMIC_REFERENCE - UNKNOWN_REFERENCE))
        .gt_u()
        .if_()
        .u32c(NULL)
        .ret()
        .end();
    unknown_details(f, v);
    f.set(details);
    f.get(details)
        .load32(UNKNOWN_DETAIL_OFF)
        .tee(offset)
        .u32c(NONE)
        .eq()
        .if_()
        .u32c(NULL)
        .ret()
        .end();
    f.get(offset)
        .get(details)
        .load32(UNKNOWN_DETAIL_LEN)
        .call(Rt::NewStringRel.index());
}

pub(crate) fn eq(f: &mut Func) {
    let (a, b) = (0, 1);
    let (t, n, ba, bb, i, r, truth, first, order, entry, relative, other) = (
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
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
    f.get(a)
        .get(b)
        .call(Rt::RefEq.index())
        .tee(t)
        .if_()
        .get(t)
        .ret()
        .end();
    return_if_tag(f, a, TAG_UNKNOWN, a);
    return_if_tag(f, b, TAG_UNKNOWN, b);
    tag(f, a);
    f.tee(t);
    tag(f, b);
    f.ne().if_().u32c(FALSE).ret().end();
    f.get(t)
        .i32c(i32::from(TAG_NULL))
        .eq()
        .if_()
        .u32c(TRUE)
        .ret()
        .end();
    f.get(t)
        .i32c(i32::from(TAG_BOOL))
        .eq()
        .get(t)
        .i32c(i32::from(TAG_RESOURCE))
        .eq()
        .or()
        .if_();
    f.get(a)
        .load32(SLOT_PAYLOAD)
        .get(b)
        .load32(SLOT_PAYLOAD)
        .eq();
    bool_value(f);
    f.ret().end();
    f.get(t).i32c(i32::from(TAG_NUMBER)).eq().if_();
    f.get(a)
        .loadf(SLOT_PAYLOAD)
        .get(b)
        .loadf(SLOT_PAYLOAD)
        .ins(Instruction::F64Eq);
    bool_value(f);
    f.ret().end();
    f.get(t).i32c(i32::from(TAG_STRING)).eq().if_();
    f.get(a).addr();
    count_of(f, a);
    f.get(b).addr();
    count_of(f, b);
    f.call(Rt::StrEq.index());
    bool_value(f);
    f.ret().end();
    let is_list = t;
    // Lists and objects: same count first.
    f.get(t)
        .i32c(i32::from(TAG_LIST))
        .eq()
        .get(t)
        .i32c(i32::from(TAG_OBJECT))
        .eq()
        .or()
        .eqz()
        .if_()
        .u32c(FALSE)
        .ret()
        .end();
    count_of(f, a);
    f.tee(n);
    count_of(f, b);
    f.ne().if_().u32c(FALSE).ret().end();
    f.get(a).addr().set(ba);
    f.get(b).addr().set(bb);
    f.i32c(0).set(first);
    f.get(is_list).i32c(i32::from(TAG_OBJECT)).eq().if_();
    f.get(ba).get(n).u32c(ENTRY_SIZE).mul().add().set(order);
    f.i32c(0)
        .gget(crate::layout::global::INPUT)
        .get(a)
        .load8(SLOT_FLAG)
        .select()
        .set(relative);
    f.end();
    f.block().loop_();
    f.get(i).get(n).ge_u().br_if(1);
    f.get(is_list).i32c(i32::from(TAG_LIST)).eq().if_();
    f.element(ba, i, SLOT_SIZE);
    f.element(bb, i, SLOT_SIZE);
    f.call(Rt::Eq.index()).set(r);
    f.else_();
    f.get(ba)
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
        .load32(ENTRY_KEY_ID)
        .u32c(UNKNOWN_KEY)
        .ne()
        .if_();
    f.get(b)
        .get(entry)
        .load32(ENTRY_KEY_ID)
        .call(Rt::LookupId.index())
        .set(other);
    f.else_();
    f.get(b)
        .get(entry)
        .load32(ENTRY_KEY_OFF)
        .get(relative)
        .add()
        .get(entry)
        .load32(ENTRY_KEY_LEN)
        .call(Rt::LookupStr.index())
        .set(other);
    f.end();
    f.get(other).eqz().if_().u32c(FALSE).ret().end();
    f.get(entry)
        .u32c(ENTRY_VALUE)
        .add()
        .get(other)
        .call(Rt::Eq.index())
        .set(r);
    f.end();
    f.get(r)
        .call(Rt::Truth.index())
        .tee(truth)
        .eqz()
        .if_()
        .u32c(FALSE)
        .ret()
        .end();
    f.get(truth)
        .i32c(2)
        .eq()
        .get(first)
        .eqz()
        .and()
        .if_()
        .get(r)
        .set(first)
        .end();
    f.inc(i, 1).br(0).end().end();
    f.get(first).u32c(TRUE).get(first).select();
}

/// `order(op, a, b) -> value`: op 0 `<`, 1 `<=`, 2 `>`, 3 `>=`.
pub(crate) fn order(f: &mut Func) {
    let (op, a, b) = (0, 1, 2);
    let (c, x, y) = (f.i32_local(), f.f64_local(), f.f64_local());
    return_if_tag(f, a, TAG_UNKNOWN, a);
    return_if_tag(f, b, TAG_UNKNOWN, b);
    tag(f, a);
    f.i32c(i32::from(TAG_NUMBER)).eq();
    tag(f, b);
    f.i32c(i32::from(TAG_NUMBER)).eq().and().if_();
    f.get(a).loadf(SLOT_PAYLOAD).set(x);
    f.get(b).loadf(SLOT_PAYLOAD).set(y);
    for (code, instruction) in [
        (0, Instruction::F64Lt),
        (1, Instruction::F64Le),
        (2, Instruction::F64Gt),
        (3, Instruction::F64Ge),
    ] {
        f.get(op)
            .i32c(code)
            .eq()
            .if_()
            .get(x)
            .get(y)
            .ins(instruction);
        bool_value(f);
        f.ret().end();
    }
    f.end();
    tag(f, a);
    f.i32c(i32::from(TAG_STRING)).eq();
    tag(f, b);
    f.i32c(i32::from(TAG_STRING)).eq().and().if_();
    f.get(a).addr();
    count_of(f, a);
    f.get(b).addr();
    count_of(f, b);
    f.call(Rt::StrCmp.index()).set(c);
    for (code, instruction) in [
        (0, Instruction::I32LtS),
        (1, Instruction::I32LeS),
        (2, Instruction::I32GtS),
        (3, Instruction::I32GeS),
    ] {
        f.get(op)
            .i32c(code)
            .eq()
            .if_()
            .get(c)
            .i32c(0)
            .ins(instruction);
        bool_value(f);
        f.ret().end();
    }
    f.end();
    f.u32c(FALSE);
}

/// `contains(item, container) -> value`: `item in container`.
pub(crate) fn contains(f: &mut Func) {
    let (item, container) = (0, 1);
    let (n, base, i, r, truth, first, t) = (
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
    );
    return_if_tag(f, container, TAG_UNKNOWN, container);
    tag(f, container);
    f.tee(t).i32c(i32::from(TAG_LIST)).eq().if_();
    count_of(f, container);
    f.set(n);
    f.get(container).addr().set(base);
    f.block().loop_();
    f.get(i).get(n).ge_u().br_if(1);
    f.get(item);
    f.element(base, i, SLOT_SIZE);
    f.call(Rt::Eq.index())
        .tee(r)
        .call(Rt::Truth.index())
        .tee(truth)
        .i32c(1)
        .eq()
        .if_()
        .u32c(TRUE)
        .ret()
        .end();
    f.get(truth)
        .i32c(2)
        .eq()
        .get(first)
        .eqz()
        .and()
        .if_()
        .get(r)
        .set(first)
        .end();
    f.inc(i, 1).br(0).end().end();
    f.get(first).u32c(FALSE).get(first).select().ret();
    f.end();
    f.get(t)
        .i32c(i32::from(TAG_STRING))
        .eq()
        .get(t)
        .i32c(i32::from(TAG_OBJECT))
        .eq()
        .or()
        .eqz()
        .if_()
        .u32c(FALSE)
        .ret()
        .end();
    return_if_tag(f, item, TAG_UNKNOWN, item);
    tag(f, item);
    f.i32c(i32::from(TAG_STRING))
        .ne()
        .if_()
        .u32c(FALSE)
        .ret()
        .end();
    f.get(t).i32c(i32::from(TAG_STRING)).eq().if_();
    f.get(container).addr();
    count_of(f, container);
    f.get(item).addr();
    count_of(f, item);
    f.call(Rt::StrFind.index());
    bool_value(f);
    f.ret().end();
    f.get(container).get(item).addr();
    count_of(f, item);
    f.call(Rt::LookupStr.index()).i32c(0).ne();
    bool_value(f);
}

/// `arith(op, a, b) -> value`: op 0 `+`, 1 `-`, 2 `*`, 3 `/`, 4 `%`.
pub(crate) fn arith(f: &mut Func) {
    let (op, a, b) = (0, 1, 2);
    let (x, y, r, la, lb, p) = (
        f.f64_local(),
        f.f64_local(),
        f.f64_local(),
        f.i32_local(),
        f.i32_local(),
        f.i32_local(),
    );
    return_if_tag(f, a, TAG_UNKNOWN, a);
    return_if_tag(f, b, TAG_UNKNOWN, b);
    tag(f, a);
    f.i32c(i32::from(TAG_NUMBER)).eq();
    tag(f, b);
    f.i32c(i32::from(TAG_NUMBER)).eq().and().if_();
    f.get(a).loadf(SLOT_PAYLOAD).set(x);
    f.get(b).loadf(SLOT_PAYLOAD).set(y);
    f.get(x).get(y).ins(Instruction::F64Add).set(r);
    for (code, instruction) in [
        (1, Instruction::F64Sub),
        (2, Instruction::F64Mul),
        (3, Instruction::F64Div),
    ] {
        f.get(op)
            .i32c(code)
            .eq()
            .if_()
            .get(x)
            .get(y)
            .ins(instruction)
            .set(r)
            .end();
    }
    f.get(op).i32c(4).eq().if_();
    f.get(x)
        .get(y)
        .get(x)
        .get(y)
        .ins(Instruction::F64Div)
        .ins(Instruction::F64Trunc)
        .ins(Instruction::F64Mul);
    f.ins(Instruction::F64Sub).set(r);
    f.end();
    // Finite results only: `r - r` is 0 exactly then.
    f.get(r)
        .get(r)
        .ins(Instruction::F64Sub)
        .f64c(0.0)
        .ins(Instruction::F64Eq)
        .if_();
    f.get(r).call(Rt::NewNumber.index()).ret();
    f.end();
    f.u32c(NULL).ret();
    f.end();
    // Two lists: their items copied one after the other.
    f.get(op).eqz();
    tag(f, a);
    f.i32c(i32::from(TAG_LIST)).eq().and();
    tag(f, b);
    f.i32c(i32::from(TAG_LIST)).eq().and().if_();
    count_of(f, a);
    f.set(la);
    count_of(f, b);
    f.set(lb);
    f.get(la)
        .get(lb)
        .add()
        .u32c(SLOT_SIZE)
        .mul()
        .u32c(SLOT_SIZE)
        .add()
        .call(Rt::Alloc.index())
        .set(p);
    f.get(p)
        .u32c(SLOT_SIZE)
        .add()
        .get(a)
        .addr()
        .get(la)
        .u32c(SLOT_SIZE)
        .mul()
        .ins(Instruction::MemoryCopy {
            src_mem: 0,
            dst_mem: 0,
        });
    f.get(p)
        .u32c(SLOT_SIZE)
        .add()
        .get(la)
        .u32c(SLOT_SIZE)
        .mul()
        .add()
        .get(b)
        .addr()
        .get(lb)
        .u32c(SLOT_SIZE)
        .mul()
        .ins(Instruction::MemoryCopy {
            src_mem: 0,
            dst_mem: 0,
        });
    f.get(la).get(lb).add().set(la);
    super::builtins::list_header(f, p, la);
    f.get(p).ret();
    f.end();
    f.get(op).eqz();
    tag(f, a);
    f.i32c(i32::from(TAG_STRING)).eq().and();
    tag(f, b);
    f.i32c(i32::from(TAG_STRING)).eq().and().if_();
    count_of(f, a);
    f.set(la);
    count_of(f, b);
    f.set(lb);
    f.get(la).get(lb).add().call(Rt::Alloc.index()).set(p);
    f.get(p).get(a).addr().get(la).ins(Instruction::MemoryCopy {
        src_mem: 0,
        dst_mem: 0,
    });
    f.get(p)
        .get(la)
        .add()
        .get(b)
        .addr()
        .get(lb)
        .ins(Instruction::MemoryCopy {
            src_mem: 0,
            dst_mem: 0,
        });
    f.get(p)
        .get(la)
        .get(lb)
        .add()
        .call(Rt::NewString.index())
        .ret();
    f.end();
    f.u32c(NULL);
}

/// `neg(v) -> value`.
pub(crate) fn neg(f: &mut Func) {
    let v = 0;
    return_if_tag(f, v, TAG_UNKNOWN, v);
    tag(f, v);
    f.i32c(i32::from(TAG_NUMBER)).eq().if_();
    f.get(v)
        .loadf(SLOT_PAYLOAD)
        .ins(Instruction::F64Neg)
        .call(Rt::NewNumber.index())
        .ret();
    f.end();
    f.u32c(NULL);
}

/// `iter_count(v) -> count`, -1 for unknown.
pub(crate) fn iter_count(f: &mut Func) {
    let v = 0;
    let t = f.i32_local();
    tag(f, v);
    f.tee(t)
        .i32c(i32::from(TAG_NULL))
        .eq()
        .if_()
        .i32c(0)
        .ret()
        .end();
    f.get(t)
        .i32c(i32::from(TAG_LIST))
        .eq()
        .if_()
        .get(v)
        .load32(SLOT_PAYLOAD_LEN)
        .ret()
        .end();
    f.get(t)
        .i32c(i32::from(TAG_UNKNOWN))
        .eq()
        .if_()
        .i32c(-1)
        .ret()
        .end();
    f.i32c(1);
}

/// `iter_base(v) -> address` of the first element slot.
pub(crate) fn iter_base(f: &mut Func) {
    let v = 0;
    tag(f, v);
    f.i32c(i32::from(TAG_LIST)).eq().if_i32();
    f.get(v).addr();
    f.else_();
    f.get(v);
    f.end();
}
