//! The layout of the generated module's memory and globals, and the pool of
//! constants written into its data segment.
//!
//! # Values
//!
//! A value is the address of a 16-byte slot in the layout of the ABI's input
//! value slots (`docs/abi.md` section 2.2): tag, node id, payload. Values
//! read from the input are pointers into the input block; values the module
//! builds are slots in the data segment (constants) or on the heap. Two
//! additions:
//!
//! - byte [`SLOT_FLAG`] (`+1`) of a slot is a flag: 0 (as the host writes
//!   it) means the payload's offsets are relative to the input block,
//!   [`ABSOLUTE`] means they are absolute addresses. Lists, objects and strings built by the module set
//!   it; [`crate::rt`]'s `addr` resolves either.
//! - tag [`TAG_RESOURCE`] is a resource, payload `u32` its index, node id
//!   the resource's own node id.
//!
//! Lists built by the module are contiguous slots, as in the input; objects
//! are entries sorted by key id followed by the document-order array, as in
//! the input. So every operation reads input values and built values with
//! the same code, and copying a slot keeps its node id: a value keeps its
//! location through `let`, function calls and lists.
//!
//! # Memory
//!
//! ```text
//! 0        reserved (address 0 is never valid)
//! 16       the constant slots null, true, false, the empty list
//! 80       scratch: number digits, CIDR parsing
//! 256      the constant pool: strings, constant slots, regex tables
//! heap     HEAP_BASE: the input, then each `ward_eval`'s scratch memory
//! ```

use std::collections::HashMap;

use ward_abi::layout::{
    ENTRY_KEY_ID, ENTRY_KEY_LEN, ENTRY_KEY_OFF, ENTRY_ORDER, ENTRY_SIZE, ENTRY_VALUE, SLOT_NODE,
    SLOT_PAYLOAD, SLOT_PAYLOAD_LEN, SLOT_SIZE, SLOT_TAG, TAG_BOOL, TAG_LIST, TAG_NULL, TAG_NUMBER,
    TAG_OBJECT, TAG_STRING, TAG_UNKNOWN,
};
use ward_abi::{KEY_UNKNOWN, NONE};

/// A resource value (not written by hosts).
pub(crate) const TAG_RESOURCE: u8 = 16;

/// The flag byte of a slot (a byte the ABI leaves 0).
pub(crate) const SLOT_FLAG: u32 = 1;

/// Flag byte value: the payload holds absolute addresses.
pub(crate) const ABSOLUTE: u8 = 1;

/// The constant `null` slot.
pub(crate) const NULL: u32 = 16;
/// The constant `true` slot.
pub(crate) const TRUE: u32 = 32;
/// The constant `false` slot.
pub(crate) const FALSE: u32 = 48;
/// The constant empty list slot.
pub(crate) const EMPTY_LIST: u32 = 64;
/// 32 bytes of scratch for rendering numbers.
pub(crate) const DIGITS: u32 = 80;
/// 32 bytes: the first parsed CIDR block (`+0` high 64 bits, `+8` low 64
/// bits, `+16` IPv6 flag, `+20` prefix, `+24` whether a prefix was written).
pub(crate) const CIDR_A: u32 = 112;
/// 32 bytes: the second parsed CIDR block.
pub(crate) const CIDR_B: u32 = 144;
/// 64 bytes: IPv6 groups while parsing (16 `u32`s).
pub(crate) const GROUPS: u32 = 176;
/// Where the constant pool starts.
pub(crate) const POOL_BASE: u32 = 256;

/// Globals, by index.
pub(crate) mod global {
    /// The heap pointer: the next free byte.
    pub(crate) const HEAP: u32 = 0;
    /// The input block's address during `ward_eval`.
    pub(crate) const INPUT: u32 = 1;
    /// The end of the memory `ward_alloc` handed out: `ward_eval`'s heap
    /// starts here.
    pub(crate) const INPUT_END: u32 = 2;
    /// The resource being checked.
    pub(crate) const RESOURCE: u32 = 3;
    /// Failure findings of the resource: first, last, count.
    pub(crate) const FAIL_HEAD: u32 = 4;
    pub(crate) const FAIL_TAIL: u32 = 5;
    pub(crate) const FAIL_COUNT: u32 = 6;
    /// Unknown findings of the resource: first, last, count.
    pub(crate) const UNKNOWN_HEAD: u32 = 7;
    pub(crate) const UNKNOWN_TAIL: u32 = 8;
    pub(crate) const UNKNOWN_COUNT: u32 = 9;
    /// The rule's id, for messages: address and length.
    pub(crate) const RULE_ID: u32 = 10;
    pub(crate) const RULE_ID_LEN: u32 = 11;
    /// The result of `to_number` (`f64`).
    pub(crate) const NUMBER: u32 = 12;
    /// The type column of the input: each resource's type key, 4 bytes
    /// apiece, made by the first `ward_eval` after `ward_alloc` and kept
    /// below `INPUT_END` until the next `ward_alloc` or `ward_reset`.
    pub(crate) const TYPES: u32 = 13;
    /// The input address the type column was made for, 0 for none.
    pub(crate) const TYPES_FOR: u32 = 14;
    /// The type index, made with the type column: the resource indexes
    /// grouped by type key (input order within a type), 4 bytes apiece.
    pub(crate) const TYPE_ORDER: u32 = 15;
    /// Where each type's group starts in [`TYPE_ORDER`]: entry `k` for
    /// key id `k` (types the key table lacks count as key id `K`, the
    /// table's length), entry `k + 1` where it ends; `K + 2` entries.
    pub(crate) const TYPE_GROUPS: u32 = 16;
    /// How many globals there are; all are `i32` but [`NUMBER`].
    pub(crate) const COUNT: u32 = 17;
}

/// The data segment being built: constants at fixed addresses.
pub(crate) struct Pool {
    bytes: Vec<u8>,
    strings: HashMap<Vec<u8>, u32>,
    numbers: HashMap<u64, u32>,
    string_slots: HashMap<Vec<u8>, u32>,
}

impl Pool {
    pub(crate) fn new() -> Pool {
        let mut pool = Pool {
            bytes: vec![0; POOL_BASE as usize],
            strings: HashMap::new(),
            numbers: HashMap::new(),
            string_slots: HashMap::new(),
        };
        pool.write_slot(NULL, TAG_NULL, NONE, 0, 0);
        pool.write_slot(TRUE, TAG_BOOL, NONE, 1, 0);
        pool.write_slot(FALSE, TAG_BOOL, NONE, 0, 0);
        pool.write_slot(EMPTY_LIST, TAG_LIST, NONE, 0, 0);
        pool
    }

    fn end(&self) -> u32 {
        u32::try_from(self.bytes.len()).unwrap_or(u32::MAX)
    }

    /// The address just after the pool, 8-aligned: where the heap starts.
    pub(crate) fn heap_base(&self) -> u32 {
        (self.end() + 7) & !7
    }

    /// The whole data segment from address 0.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    fn align(&mut self, to: usize) {
        while !self.bytes.len().is_multiple_of(to) {
            self.bytes.push(0);
        }
    }

    fn put_u32(&mut self, at: u32, value: u32) {
        let at = at as usize;
        if let Some(target) = self.bytes.get_mut(at..at + 4) {
            target.copy_from_slice(&value.to_le_bytes());
        }
    }

    fn write_slot(&mut self, at: u32, tag: u8, node: u32, a: u32, b: u32) {
        let end = (at + SLOT_SIZE) as usize;
        if self.bytes.len() < end {
            self.bytes.resize(end, 0);
        }
        if let Some(byte) = self.bytes.get_mut((at + SLOT_TAG) as usize) {
            *byte = tag;
        }
        if let Some(byte) = self.bytes.get_mut((at + SLOT_FLAG) as usize) {
            *byte = ABSOLUTE;
        }
        self.put_u32(at + SLOT_NODE, node);
        self.put_u32(at + SLOT_PAYLOAD, a);
        self.put_u32(at + SLOT_PAYLOAD_LEN, b);
    }

    /// Raw bytes, aligned to `align`; their address.
    pub(crate) fn raw(&mut self, bytes: &[u8], align: usize) -> u32 {
        self.align(align);
        let at = self.end();
        self.bytes.extend_from_slice(bytes);
        at
    }

    /// A string's bytes (shared between equal strings): address and length.
    pub(crate) fn string(&mut self, text: &str) -> (u32, u32) {
        let len = u32::try_from(text.len()).unwrap_or(u32::MAX);
        if let Some(&at) = self.strings.get(text.as_bytes()) {
            return (at, len);
        }
        let at = self.raw(text.as_bytes(), 1);
        self.strings.insert(text.as_bytes().to_vec(), at);
        (at, len)
    }

    fn new_slot(&mut self) -> u32 {
        self.align(8);
        let at = self.end();
        self.bytes.resize(self.bytes.len() + SLOT_SIZE as usize, 0);
        at
    }

    /// A constant string value.
    pub(crate) fn string_slot(&mut self, text: &str) -> u32 {
        if let Some(&at) = self.string_slots.get(text.as_bytes()) {
            return at;
        }
        let (address, len) = self.string(text);
        let at = self.new_slot();
        self.write_slot(at, TAG_STRING, NONE, address, len);
        self.string_slots.insert(text.as_bytes().to_vec(), at);
        at
    }

    /// A constant unknown value of kind `other` with this reason.
    pub(crate) fn unknown_slot(&mut self, reason: &str) -> u32 {
        let (address, len) = self.string(reason);
        let at = self.new_slot();
        self.write_slot(at, TAG_UNKNOWN, NONE, address, len);
        at
    }

    /// A constant number value.
    pub(crate) fn number_slot(&mut self, number: f64) -> u32 {
        if let Some(&at) = self.numbers.get(&number.to_bits()) {
            return at;
        }
        let at = self.new_slot();
        let bits = number.to_bits();
        self.write_slot(at, TAG_NUMBER, NONE, bits as u32, (bits >> 32) as u32);
        self.numbers.insert(number.to_bits(), at);
        at
    }

    /// A constant list of the constant values at `items` (slot addresses).
    pub(crate) fn list_slot(&mut self, items: &[u32]) -> u32 {
        if items.is_empty() {
            return EMPTY_LIST;
        }
        self.align(8);
        let first = self.end();
        for &item in items {
            let at = self.new_slot();
            let source = item as usize;
            let copy: Vec<u8> = self
                .bytes
                .get(source..source + SLOT_SIZE as usize)
                .map(<[u8]>::to_vec)
                .unwrap_or_default();
            if let Some(target) = self
                .bytes
                .get_mut(at as usize..at as usize + SLOT_SIZE as usize)
            {
                target.copy_from_slice(&copy);
            }
        }
        let at = self.new_slot();
        let count = u32::try_from(items.len()).unwrap_or(u32::MAX);
        self.write_slot(at, TAG_LIST, NONE, first, count);
        at
    }

    /// A constant object: entries as (key id, key text, value slot) in
    /// document order, keys unique.
    pub(crate) fn object_slot(&mut self, entries: &[(u32, &str, u32)]) -> u32 {
        let mut sorted: Vec<(usize, &(u32, &str, u32))> = entries.iter().enumerate().collect();
        sorted.sort_by_key(|(position, (key, _, _))| (*key, *position));
        let keys: Vec<(u32, u32)> = sorted
            .iter()
            .map(|(_, (_, text, _))| self.string(text))
            .collect();
        self.align(8);
        let first = self.end();
        for ((position, (key, _, value)), (key_at, key_len)) in sorted.iter().zip(&keys) {
            let at = self.end();
            self.bytes.resize(self.bytes.len() + ENTRY_SIZE as usize, 0);
            self.put_u32(at + ENTRY_KEY_ID, *key);
            self.put_u32(at + ENTRY_KEY_OFF, *key_at);
            self.put_u32(at + ENTRY_KEY_LEN, *key_len);
            self.put_u32(
                at + ENTRY_ORDER,
                u32::try_from(*position).unwrap_or(u32::MAX),
            );
            let source = *value as usize;
            let copy: Vec<u8> = self
                .bytes
                .get(source..source + SLOT_SIZE as usize)
                .map(<[u8]>::to_vec)
                .unwrap_or_default();
            let value_at = (at + ENTRY_VALUE) as usize;
            if let Some(target) = self.bytes.get_mut(value_at..value_at + SLOT_SIZE as usize) {
                target.copy_from_slice(&copy);
            }
        }
        // The document-order array: the entry index of the i-th key.
        let mut order = vec![0u32; sorted.len()];
        for (index, (position, _)) in sorted.iter().enumerate() {
            if let Some(slot) = order.get_mut(*position) {
                *slot = u32::try_from(index).unwrap_or(u32::MAX);
            }
        }
        for index in order {
            self.bytes.extend_from_slice(&index.to_le_bytes());
        }
        let at = self.new_slot();
        let count = u32::try_from(entries.len()).unwrap_or(u32::MAX);
        self.write_slot(at, TAG_OBJECT, NONE, first, count);
        at
    }
}

/// The key id used for a key the table lacks.
pub(crate) const UNKNOWN_KEY: u32 = KEY_UNKNOWN;
