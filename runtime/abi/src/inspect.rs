//! Reading an encoded input back: the reference reader of the layout in
//! `docs/abi.md`, for tests, tools and anyone checking their own encoder or
//! generated code. Hosts do not need it to evaluate.

use std::fmt;

use crate::bytes::read_u32;
use crate::layout::*;
use crate::{ABI_VERSION, INPUT_MAGIC, NONE};

/// The deepest nesting the reader follows.
pub const MAX_DECODE_DEPTH: usize = 1024;

/// An encoded input read back.
#[derive(Clone, Debug, PartialEq)]
pub struct DecodedInput {
    /// The input kind code (0 CloudFormation, 1 Terraform, 2 Config, 3 plain).
    pub kind: u32,
    /// The file name.
    pub file: String,
    /// The key table length the input was encoded against.
    pub key_count: u32,
    /// The number of node ids.
    pub node_count: u32,
    /// The resources in order.
    pub resources: Vec<DecodedResource>,
    /// The document root, when encoded.
    pub root: Option<DecodedValue>,
    /// The template's parameter declarations (section 2.9): an object, or
    /// null.
    pub declarations: DecodedValue,
}

/// One resource record read back.
#[derive(Clone, Debug, PartialEq)]
pub struct DecodedResource {
    /// The id.
    pub id: String,
    /// The type.
    pub resource_type: String,
    /// The type's key id.
    pub type_key: u32,
    /// The resource's node id.
    pub node: u32,
    /// `props`.
    pub props: DecodedValue,
    /// `tags`.
    pub tags: DecodedValue,
    /// `metadata`.
    pub metadata: DecodedValue,
    /// Outgoing adjacency: (resource index, edge kind bits).
    pub refs: Vec<(u32, u32)>,
    /// Incoming adjacency: (resource index, edge kind bits).
    pub referrers: Vec<(u32, u32)>,
    /// For each outgoing adjacency entry, the paths its edges are written
    /// at (its via records).
    pub refs_via: Vec<Vec<String>>,
    /// For each incoming adjacency entry, its via records.
    pub referrers_via: Vec<Vec<String>>,
}

/// A value slot read back.
#[derive(Clone, Debug, PartialEq)]
pub struct DecodedValue {
    /// The node id.
    pub node: u32,
    /// The value.
    pub kind: DecodedKind,
}

/// The value of a slot.
#[derive(Clone, Debug, PartialEq)]
pub enum DecodedKind {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string.
    String(String),
    /// A list.
    List(Vec<DecodedValue>),
    /// An object, entries in document order.
    Object(Vec<DecodedEntry>),
    /// An unknown value with its reason.
    Unknown(String),
}

/// An object entry read back.
#[derive(Clone, Debug, PartialEq)]
pub struct DecodedEntry {
    /// The key id.
    pub key_id: u32,
    /// The key.
    pub key: String,
    /// The value.
    pub value: DecodedValue,
}

/// Why an encoded input could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    /// What is wrong, lowercase.
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid encoded input: {}", self.message)
    }
}

impl std::error::Error for InputError {}

fn bad(message: impl Into<String>) -> InputError {
    InputError {
        message: message.into(),
    }
}

struct Bytes<'a> {
    bytes: &'a [u8],
    node_count: u32,
}

impl Bytes<'_> {
    fn u32(&self, offset: u64) -> Result<u32, InputError> {
        usize::try_from(offset)
            .ok()
            .and_then(|offset| read_u32(self.bytes, offset))
            .ok_or_else(|| bad(format!("offset {offset} lies outside the input")))
    }

    fn str(&self, offset: u32, len: u32) -> Result<String, InputError> {
        let start = offset as usize;
        let slice = self
            .bytes
            .get(start..start.saturating_add(len as usize))
            .ok_or_else(|| {
                bad(format!(
                    "string at {offset} of {len} bytes lies outside the input"
                ))
            })?;
        String::from_utf8(slice.to_vec())
            .map_err(|_| bad(format!("string at {offset} is not UTF-8")))
    }

    /// Checks that `len` bytes at `offset` lie inside the input, before
    /// anything is allocated for them.
    fn fits(&self, offset: u32, len: u64) -> Result<(), InputError> {
        if u64::from(offset) + len > self.bytes.len() as u64 {
            return Err(bad(format!(
                "{len} bytes at {offset} lie outside the input"
            )));
        }
        Ok(())
    }

    fn node(&self, node: u32) -> Result<u32, InputError> {
        if node >= self.node_count {
            return Err(bad(format!("node id {node} is out of range")));
        }
        Ok(node)
    }
}

/// A value being read: its kind, and for containers the arena indexes of
/// the children.
enum Flat {
    Leaf(DecodedKind),
    List,
    Object(Vec<(u32, String, usize)>),
}

/// Reads an encoded input, checking every offset, tag, node id, the
/// sorting of object entries and the order arrays.
///
/// # Errors
///
/// [`InputError`] for anything out of bounds or inconsistent.
pub fn decode_input(bytes: &[u8]) -> Result<DecodedInput, InputError> {
    let magic = HEADER_MAGIC as usize;
    if bytes.get(magic..magic + INPUT_MAGIC.len()) != Some(&INPUT_MAGIC[..]) {
        return Err(bad("the magic is not `WDIN`"));
    }
    let header = |offset: u32| {
        read_u32(bytes, offset as usize).ok_or_else(|| bad("the header is cut short"))
    };
    let version = header(HEADER_VERSION)?;
    if version != ABI_VERSION {
        return Err(bad(format!("version {version}, expected {ABI_VERSION}")));
    }
    if header(HEADER_TOTAL_LEN)? as usize != bytes.len() {
        return Err(bad("the total length does not match"));
    }
    let reader = Bytes {
        bytes,
        node_count: header(HEADER_NODE_COUNT)?,
    };
    // Every value occupies its own 16-byte slot, so a valid input holds no
    // more values than this; the bound also stops shared or cyclic offsets.
    let mut budget = bytes.len() / SLOT_SIZE as usize + 1;
    let resource_count = header(HEADER_RESOURCE_COUNT)?;
    let resources_off = u64::from(header(HEADER_RESOURCES_OFF)?);
    if u64::from(resource_count) * u64::from(RESOURCE_SIZE) > bytes.len() as u64 {
        return Err(bad("the resource count exceeds the input"));
    }
    type Entries = (Vec<(u32, u32)>, Vec<Vec<String>>);
    let adjacency = |array: u32, count: u32, first: u32, len: u32| -> Result<Entries, InputError> {
        if u64::from(first) + u64::from(len) > u64::from(count) {
            return Err(bad("an adjacency range exceeds its array"));
        }
        let mut out = Vec::new();
        let mut vias = Vec::new();
        for index in 0..u64::from(len) {
            let entry = u64::from(array) + (u64::from(first) + index) * u64::from(ADJACENCY_SIZE);
            let other = reader.u32(entry + u64::from(ADJACENCY_RESOURCE))?;
            if other >= resource_count {
                return Err(bad(format!("adjacency names resource {other}")));
            }
            out.push((other, reader.u32(entry + u64::from(ADJACENCY_KINDS))?));
            let via_off = u64::from(reader.u32(entry + u64::from(ADJACENCY_VIA_OFF))?);
            let via_count = u64::from(reader.u32(entry + u64::from(ADJACENCY_VIA_COUNT))?);
            if via_count * u64::from(VIA_SIZE) > bytes.len() as u64 {
                return Err(bad("a via count exceeds the input"));
            }
            let mut paths = Vec::new();
            for record in 0..via_count {
                let at = via_off + record * u64::from(VIA_SIZE);
                paths.push(reader.str(
                    reader.u32(at + u64::from(VIA_STR_OFF))?,
                    reader.u32(at + u64::from(VIA_STR_LEN))?,
                )?);
            }
            vias.push(paths);
        }
        Ok((out, vias))
    };
    let (out_off, out_count) = (header(HEADER_OUT_OFF)?, header(HEADER_OUT_COUNT)?);
    let (in_off, in_count) = (header(HEADER_IN_OFF)?, header(HEADER_IN_COUNT)?);
    let mut resources = Vec::with_capacity(resource_count as usize);
    for index in 0..u64::from(resource_count) {
        let record = resources_off + index * u64::from(RESOURCE_SIZE);
        let field = |offset: u32| reader.u32(record + u64::from(offset));
        let (refs, refs_via) = adjacency(
            out_off,
            out_count,
            field(RESOURCE_OUT_FIRST)?,
            field(RESOURCE_OUT_COUNT)?,
        )?;
        let (referrers, referrers_via) = adjacency(
            in_off,
            in_count,
            field(RESOURCE_IN_FIRST)?,
            field(RESOURCE_IN_COUNT)?,
        )?;
        resources.push(DecodedResource {
            id: reader.str(field(RESOURCE_ID_OFF)?, field(RESOURCE_ID_LEN)?)?,
            resource_type: reader.str(field(RESOURCE_TYPE_OFF)?, field(RESOURCE_TYPE_LEN)?)?,
            type_key: field(RESOURCE_TYPE_KEY)?,
            node: reader.node(field(RESOURCE_NODE)?)?,
            props: value(&reader, record + u64::from(RESOURCE_PROPS), &mut budget)?,
            tags: value(&reader, record + u64::from(RESOURCE_TAGS), &mut budget)?,
            metadata: value(&reader, record + u64::from(RESOURCE_METADATA), &mut budget)?,
            refs,
            referrers,
            refs_via,
            referrers_via,
        });
    }
    let root = if header(HEADER_FLAGS)? & FLAG_ROOT != 0 {
        Some(value(
            &reader,
            u64::from(header(HEADER_ROOT_OFF)?),
            &mut budget,
        )?)
    } else {
        None
    };
    let declarations = value(
        &reader,
        u64::from(header(HEADER_DECLARATIONS_OFF)?),
        &mut budget,
    )?;
    Ok(DecodedInput {
        kind: header(HEADER_INPUT_KIND)?,
        file: reader.str(header(HEADER_FILE_OFF)?, header(HEADER_FILE_LEN)?)?,
        key_count: header(HEADER_KEY_COUNT)?,
        node_count: reader.node_count,
        resources,
        root,
        declarations,
    })
}

/// Reads the value tree in the slot at `slot`, iteratively: first into a
/// flat arena in pre-order, then assembled from the leaves up.
fn value(reader: &Bytes<'_>, slot: u64, budget: &mut usize) -> Result<DecodedValue, InputError> {
    let mut arena: Vec<(u32, Flat)> = Vec::new();
    let mut pending: Vec<(u64, usize, usize)> = vec![(slot, usize::MAX, 0)];
    // (parent arena index, child arena index), children in document order.
    let mut links: Vec<(usize, usize)> = Vec::new();
    while let Some((slot, parent_link, depth)) = pending.pop() {
        if *budget == 0 {
            return Err(bad("more values than the input has room for"));
        }
        *budget -= 1;
        if depth > MAX_DECODE_DEPTH {
            return Err(bad("values nest too deeply"));
        }
        let first = reader.u32(slot + u64::from(SLOT_TAG))?;
        let tag = (first & 0xFF) as u8;
        // Byte +2 is the kind of an unknown value; the others are 0.
        let kind = ((first >> (8 * SLOT_KIND)) & 0xFF) as u8;
        let reserved = first & !(0xFF | (0xFF << (8 * SLOT_KIND)));
        if reserved != 0 || (kind != 0 && tag != TAG_UNKNOWN) {
            return Err(bad(format!("slot at {slot} has nonzero reserved bytes")));
        }
        if usize::from(kind) >= UNKNOWN_KIND_NAMES.len() {
            return Err(bad(format!("slot at {slot} has unknown kind {kind}")));
        }
        let node = reader.u32(slot + u64::from(SLOT_NODE))?;
        if node != NONE {
            reader.node(node)?;
        }
        let word = reader.u32(slot + u64::from(SLOT_PAYLOAD))?;
        let len = reader.u32(slot + u64::from(SLOT_PAYLOAD_LEN))?;
        let index = arena.len();
        if parent_link != usize::MAX {
            links.push((parent_link, index));
        }
        let flat = match tag {
            TAG_NULL => Flat::Leaf(DecodedKind::Null),
            TAG_BOOL => match word {
                0 => Flat::Leaf(DecodedKind::Bool(false)),
                1 => Flat::Leaf(DecodedKind::Bool(true)),
                other => return Err(bad(format!("boolean payload {other}"))),
            },
            TAG_NUMBER => Flat::Leaf(DecodedKind::Number(f64::from_bits(
                u64::from(word) | (u64::from(len) << 32),
            ))),
            TAG_STRING => Flat::Leaf(DecodedKind::String(reader.str(word, len)?)),
            TAG_UNKNOWN => {
                if kind != UNKNOWN_OTHER {
                    // The details right before the reason, and their string.
                    let details = u64::from(word)
                        .checked_sub(u64::from(UNKNOWN_DETAILS_SIZE))
                        .ok_or_else(|| bad(format!("slot at {slot} has no room for details")))?;
                    let detail_off = reader.u32(details + u64::from(UNKNOWN_DETAIL_OFF))?;
                    let detail_len = reader.u32(details + u64::from(UNKNOWN_DETAIL_LEN))?;
                    if detail_off != NONE {
                        reader.str(detail_off, detail_len)?;
                    }
                }
                Flat::Leaf(DecodedKind::Unknown(reader.str(word, len)?))
            }
            TAG_LIST => {
                if word % 8 != 0 {
                    return Err(bad(format!("list items at {word} are not 8-aligned")));
                }
                reader.fits(word, u64::from(len) * u64::from(SLOT_SIZE))?;
                for item in (0..u64::from(len)).rev() {
                    pending.push((
                        u64::from(word) + item * u64::from(SLOT_SIZE),
                        index,
                        depth + 1,
                    ));
                }
                Flat::List
            }
            TAG_OBJECT => {
                if word % 8 != 0 {
                    return Err(bad(format!("object entries at {word} are not 8-aligned")));
                }
                let count = u64::from(len);
                reader.fits(word, count * u64::from(ENTRY_SIZE + ORDER_INDEX_SIZE))?;
                let order_base = u64::from(word) + count * u64::from(ENTRY_SIZE);
                let mut previous_key = 0u32;
                let mut entries = Vec::new();
                let mut object_values = Vec::new();
                for position in 0..count {
                    let sorted =
                        u64::from(reader.u32(order_base + position * u64::from(ORDER_INDEX_SIZE))?);
                    if sorted >= count {
                        return Err(bad("an object order index is out of range"));
                    }
                    let entry = u64::from(word) + sorted * u64::from(ENTRY_SIZE);
                    if u64::from(reader.u32(entry + u64::from(ENTRY_ORDER))?) != position {
                        return Err(bad("an object's order array and entries disagree"));
                    }
                    let key_id = reader.u32(entry + u64::from(ENTRY_KEY_ID))?;
                    let key = reader.str(
                        reader.u32(entry + u64::from(ENTRY_KEY_OFF))?,
                        reader.u32(entry + u64::from(ENTRY_KEY_LEN))?,
                    )?;
                    entries.push((key_id, key, 0usize));
                    object_values.push(entry + u64::from(ENTRY_VALUE));
                }
                for sorted in 0..count {
                    let entry = u64::from(word) + sorted * u64::from(ENTRY_SIZE);
                    let key_id = reader.u32(entry + u64::from(ENTRY_KEY_ID))?;
                    if key_id < previous_key {
                        return Err(bad("object entries are not sorted by key id"));
                    }
                    previous_key = key_id;
                }
                for value_slot in object_values.into_iter().rev() {
                    pending.push((value_slot, index, depth + 1));
                }
                Flat::Object(entries)
            }
            other => return Err(bad(format!("unknown tag {other}"))),
        };
        arena.push((node, flat));
    }
    assemble(arena, links)
}

fn assemble(
    arena: Vec<(u32, Flat)>,
    links: Vec<(usize, usize)>,
) -> Result<DecodedValue, InputError> {
    // Children of each arena entry, in the order they were read.
    let mut children: Vec<Vec<usize>> = (0..arena.len()).map(|_| Vec::new()).collect();
    for (parent, child) in links {
        if let Some(list) = children.get_mut(parent) {
            list.push(child);
        }
    }
    let mut built: Vec<Option<DecodedValue>> = (0..arena.len()).map(|_| None).collect();
    for (index, (node, flat)) in arena.into_iter().enumerate().rev() {
        let child_values =
            |built: &mut Vec<Option<DecodedValue>>| -> Result<Vec<DecodedValue>, InputError> {
                children
                    .get(index)
                    .map(|list| list.as_slice())
                    .unwrap_or(&[])
                    .iter()
                    .map(|&child| {
                        built
                            .get_mut(child)
                            .and_then(Option::take)
                            .ok_or_else(|| bad("a value is shared by two parents"))
                    })
                    .collect()
            };
        let kind = match flat {
            Flat::Leaf(kind) => kind,
            Flat::List => DecodedKind::List(child_values(&mut built)?),
            Flat::Object(entries) => {
                let values = child_values(&mut built)?;
                DecodedKind::Object(
                    entries
                        .into_iter()
                        .zip(values)
                        .map(|((key_id, key, _), value)| DecodedEntry { key_id, key, value })
                        .collect(),
                )
            }
        };
        if let Some(place) = built.get_mut(index) {
            *place = Some(DecodedValue { node, kind });
        }
    }
    built
        .into_iter()
        .next()
        .flatten()
        .ok_or_else(|| bad("an empty value tree"))
}
