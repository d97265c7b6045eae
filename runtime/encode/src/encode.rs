//! The input encoding: a [`Document`] as the bytes generated code reads.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use ward_abi::layout::*;
use ward_abi::{ABI_VERSION, INPUT_MAGIC, KeyTable, NONE};
use ward_model::{
    Document, EdgeKind, InputKind, Node, PathStep, Pos, ResourcePart, UnknownKind, Value,
    write_path,
};

use crate::bytes::{write_u8, write_u32, write_u64};

/// What to encode besides the resources.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EncodeOptions {
    /// Encode [`Document::root`] too (a module whose metadata sets
    /// `uses_root` needs it).
    pub include_root: bool,
}

impl Default for EncodeOptions {
    fn default() -> EncodeOptions {
        EncodeOptions { include_root: true }
    }
}

/// How a node is reached from its parent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeStep {
    /// The resource itself (where it is defined); no parent.
    Resource,
    /// The resource's `props`; no parent.
    Props,
    /// The resource's `tags`; no parent.
    Tags,
    /// The resource's `metadata`; no parent.
    Metadata,
    /// The document root; no parent.
    Root,
    /// An entry of the parent object, whose key is
    /// [`EncodedInput::keys`]`[k]`.
    Key(u32),
    /// A list index of the parent.
    Index(u32),
}

/// What the host knows about one node id: enough, with the document, to
/// locate a finding. Kept small (24 bytes): there is one per value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NodeInfo {
    /// The resource index the node belongs to, or [`NONE`] for the document
    /// root's tree.
    pub resource: u32,
    /// The parent's node id, or [`NONE`] for the root of a tree.
    pub parent: u32,
    /// How the node is reached from its parent.
    pub step: NodeStep,
    /// Where the value starts in the input file.
    pub pos: Pos,
}

/// An input encoded for one key table.
#[derive(Clone, Debug, PartialEq)]
pub struct EncodedInput {
    /// The bytes to copy into linear memory at an 8-aligned address.
    pub bytes: Vec<u8>,
    /// Node id to position and path.
    pub nodes: Vec<NodeInfo>,
    /// The distinct object keys, as [`NodeStep::Key`] numbers them: paths
    /// are rendered from these, without walking the document.
    pub keys: Vec<Arc<str>>,
    /// The input's file name.
    pub file: String,
}

impl EncodedInput {
    /// The side-table entry of a node id.
    pub fn node(&self, id: u32) -> Option<&NodeInfo> {
        self.nodes.get(id as usize)
    }

    /// The path of a node, as `ward_model::Document::value_path` renders it
    /// (for CloudFormation the place in the template, e.g.
    /// `$.Resources.Sg.Properties.SecurityGroupIngress[0]`), or `$...` inside
    /// the document root. `document` is the one this input was encoded
    /// from: resource ids and tag lists are read from it, keys from the
    /// side table.
    pub fn path(&self, document: &Document, id: u32) -> Option<String> {
        let mut out = String::new();
        self.write_path(document, id, &mut out).then_some(out)
    }

    /// Appends the path of a node to `out`, as [`EncodedInput::path`]
    /// renders it, without building anything else; returns `false` (and
    /// leaves `out` as it was) for a node the side table cannot place.
    pub fn write_path(&self, document: &Document, id: u32, out: &mut String) -> bool {
        // The steps from the node up to its tree's root, innermost first:
        // on the stack for the depths templates have, else in a vector.
        const INLINE: usize = 24;
        let mut inline = [NONE; INLINE];
        let mut spilled: Vec<u32> = Vec::new();
        let mut depth = 0usize;
        let Some(mut current) = self.node(id) else {
            return false;
        };
        let mut current_id = id;
        // Parents always have smaller ids than their children, so the walk
        // ends; the bound only guards against a hand-built side table.
        let mut budget = self.nodes.len();
        while let NodeStep::Key(_) | NodeStep::Index(_) = current.step {
            match inline.get_mut(depth) {
                Some(slot) => *slot = current_id,
                None => {
                    if spilled.is_empty() {
                        spilled.extend_from_slice(&inline);
                    }
                    spilled.push(current_id);
                }
            }
            depth += 1;
            current_id = current.parent;
            let (Some(parent), Some(left)) = (self.node(current_id), budget.checked_sub(1)) else {
                return false;
            };
            current = parent;
            budget = left;
        }
        let chain: &[u32] = if spilled.is_empty() {
            inline.get(..depth).unwrap_or(&[])
        } else {
            &spilled
        };
        let step_of = |node: &u32| match self.node(*node).map(|info| info.step) {
            Some(NodeStep::Key(key)) => self.keys.get(key as usize).map(|key| PathStep::Key(key)),
            Some(NodeStep::Index(index)) => Some(PathStep::Index(index as usize)),
            _ => None,
        };
        // Every step must name a known key before anything is written.
        if chain.iter().any(|node| step_of(node).is_none()) {
            return false;
        }
        let index = current.resource as usize;
        let part = match current.step {
            NodeStep::Resource => ResourcePart::Resource,
            NodeStep::Props => ResourcePart::Props,
            NodeStep::Tags => ResourcePart::Tags,
            NodeStep::Metadata => ResourcePart::Metadata,
            NodeStep::Root => {
                write_path("$", chain.iter().rev().filter_map(step_of), out);
                return true;
            }
            NodeStep::Key(_) | NodeStep::Index(_) => return false,
        };
        if index >= document.resources.len() {
            return false;
        }
        document.write_value_path(index, part, chain.iter().rev().filter_map(step_of), out);
        true
    }
}

/// Why a document could not be encoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EncodeError {
    /// The encoding does not fit 32-bit offsets.
    TooLarge {
        /// The size reached, in bytes.
        bytes: usize,
    },
    /// The document has more values than node ids.
    TooManyNodes,
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::TooLarge { bytes } => write!(
                f,
                "the input encodes to {bytes} bytes, more than a 32-bit module can address"
            ),
            EncodeError::TooManyNodes => {
                write!(f, "the input has more values than a module can number")
            }
        }
    }
}

impl std::error::Error for EncodeError {}

/// Encodes a document against a key table, the document root included.
///
/// # Errors
///
/// [`EncodeError`] when the encoding would not fit 32-bit offsets.
pub fn encode_input(document: &Document, keys: &KeyTable) -> Result<EncodedInput, EncodeError> {
    encode_input_with(document, keys, &EncodeOptions::default())
}

/// Encodes a document against a key table with options.
///
/// # Errors
///
/// [`EncodeError`] when the encoding would not fit 32-bit offsets.
pub fn encode_input_with(
    document: &Document,
    keys: &KeyTable,
    options: &EncodeOptions,
) -> Result<EncodedInput, EncodeError> {
    encode_input_with_params(document, keys, options, None)
}

/// Encodes a document against a key table with options and the values of
/// the module's parameters: `params` is a list node whose item `i` is the
/// value of parameter `i` of the module's metadata (`docs/abi.md` section
/// 2.8). Without it the parameter list is empty.
///
/// # Errors
///
/// [`EncodeError`] when the encoding would not fit 32-bit offsets.
pub fn encode_input_with_params(
    document: &Document,
    keys: &KeyTable,
    options: &EncodeOptions,
    params: Option<&Node>,
) -> Result<EncodedInput, EncodeError> {
    let mut bytes = Vec::new();
    let size = encoding_size_with_params(document, options, params);
    let (_, side) = encode(
        document,
        keys,
        options,
        params,
        size,
        Out::Grown(&mut bytes),
    )?;
    Ok(EncodedInput { bytes, ..side })
}

/// An upper bound of an input's encoded size, and its exact node count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EncodingSize {
    /// At least the bytes the encoding takes (key strings are shared, so
    /// the encoding is usually smaller).
    pub bytes: usize,
    /// The number of node ids.
    pub nodes: usize,
}

/// The size to reserve for [`encode_input_into`].
pub fn encoding_size(document: &Document, options: &EncodeOptions) -> EncodingSize {
    encoding_size_with_params(document, options, None)
}

/// The size to reserve for [`encode_input_into_with_params`].
pub fn encoding_size_with_params(
    document: &Document,
    options: &EncodeOptions,
    params: Option<&Node>,
) -> EncodingSize {
    // Each edge gives at most one adjacency entry in each direction.
    let (bytes, nodes) = encoded_size(
        document,
        options,
        params,
        document.edges.len().saturating_mul(2),
    );
    EncodingSize { bytes, nodes }
}

/// Encodes a document straight into `region`, for example a module's
/// linear memory from `ward_alloc(size.bytes)` on: no intermediate buffer,
/// no copy. `size` comes from [`encoding_size`] for the same document and
/// options. Returns the number of bytes written (the input's length for
/// `ward_eval`) and the side table; its `bytes` are empty.
///
/// # Errors
///
/// [`EncodeError::TooLarge`] when the encoding does not fit the region or
/// 32-bit offsets, [`EncodeError::TooManyNodes`] as [`encode_input`].
pub fn encode_input_into(
    document: &Document,
    keys: &KeyTable,
    options: &EncodeOptions,
    size: EncodingSize,
    region: &mut [u8],
) -> Result<(usize, EncodedInput), EncodeError> {
    encode_input_into_with_params(document, keys, options, None, size, region)
}

/// [`encode_input_into`] with the values of the module's parameters, as
/// [`encode_input_with_params`]; `size` comes from
/// [`encoding_size_with_params`] for the same arguments.
///
/// # Errors
///
/// As [`encode_input_into`].
pub fn encode_input_into_with_params(
    document: &Document,
    keys: &KeyTable,
    options: &EncodeOptions,
    params: Option<&Node>,
    size: EncodingSize,
    region: &mut [u8],
) -> Result<(usize, EncodedInput), EncodeError> {
    let out = Out::Fixed {
        region,
        len: 0,
        overflow: false,
    };
    encode(document, keys, options, params, size, out)
}

/// Runs the encoder into `out`: the length written, and the side table
/// without bytes.
fn encode(
    document: &Document,
    keys: &KeyTable,
    options: &EncodeOptions,
    params: Option<&Node>,
    size: EncodingSize,
    out: Out<'_>,
) -> Result<(usize, EncodedInput), EncodeError> {
    let mut encoder = Encoder {
        out,
        document,
        nodes: Vec::new(),
        keys,
        key_cache: HashMap::default(),
        placed: Vec::new(),
        pending: Vec::new(),
        sorted: Vec::new(),
        detached: false,
    };
    encoder.document(document, options, params, size);
    let len = encoder.out.len();
    if let Out::Fixed {
        region,
        overflow: true,
        ..
    } = &encoder.out
    {
        return Err(EncodeError::TooLarge {
            bytes: region.len(),
        });
    }
    if len > u32::MAX as usize {
        return Err(EncodeError::TooLarge { bytes: len });
    }
    if encoder.nodes.len() >= NONE as usize {
        return Err(EncodeError::TooManyNodes);
    }
    let side = EncodedInput {
        bytes: Vec::new(),
        nodes: encoder.nodes,
        keys: encoder.placed,
        file: document.file.clone(),
    };
    Ok((len, side))
}

fn edge_kind_bit(kind: EdgeKind) -> u32 {
    match kind {
        EdgeKind::Ref => EDGE_REF,
        EdgeKind::GetAtt => EDGE_GET_ATT,
        EdgeKind::Sub => EDGE_SUB,
        EdgeKind::DependsOn => EDGE_DEPENDS_ON,
        EdgeKind::Relationship => EDGE_RELATIONSHIP,
        EdgeKind::Reference => EDGE_REFERENCE,
    }
}

fn input_kind_code(kind: InputKind) -> u32 {
    match kind {
        InputKind::CloudFormation => INPUT_KIND_CLOUDFORMATION,
        InputKind::TerraformPlan => INPUT_KIND_TERRAFORM_PLAN,
        InputKind::ConfigItems => INPUT_KIND_CONFIG_ITEMS,
        InputKind::Json => INPUT_KIND_JSON,
    }
}

/// Offsets beyond `u32::MAX` are caught once at the end; until then they
/// saturate so that nothing panics.
fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[derive(Clone, Copy)]
struct PlacedKey {
    id: u32,
    offset: u32,
    len: u32,
    /// Its number in [`EncodedInput::keys`].
    index: u32,
}

/// Hashes addresses: a multiplication, folded so that the low bits (zero in
/// aligned addresses) mix too.
#[derive(Default)]
struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u64(u64::from(byte));
        }
    }

    fn write_u64(&mut self, value: u64) {
        let mixed = (self.0 ^ value).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = mixed ^ (mixed >> 29);
    }

    fn write_usize(&mut self, value: usize) {
        self.write_u64(value as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Where the encoder writes: a vector it grows, or a region of fixed size
/// (in a module's linear memory) that it fills from the start. A region
/// may hold old bytes: everything the encoding covers is written.
enum Out<'m> {
    Grown(&'m mut Vec<u8>),
    Fixed {
        region: &'m mut [u8],
        len: usize,
        /// Set when the encoding did not fit; nothing past the region is
        /// written.
        overflow: bool,
    },
}

impl Out<'_> {
    fn len(&self) -> usize {
        match self {
            Out::Grown(bytes) => bytes.len(),
            Out::Fixed { len, .. } => *len,
        }
    }

    fn reserve(&mut self, additional: usize) {
        if let Out::Grown(bytes) = self {
            bytes.reserve(additional);
        }
    }

    /// Extends to `new_len` with zero bytes.
    fn zero_to(&mut self, new_len: usize) {
        match self {
            Out::Grown(bytes) => bytes.resize(new_len, 0),
            Out::Fixed {
                region,
                len,
                overflow,
            } => match region.get_mut(*len..new_len) {
                Some(gap) => {
                    gap.fill(0);
                    *len = new_len;
                }
                None => *overflow = true,
            },
        }
    }

    fn extend(&mut self, data: &[u8]) {
        match self {
            Out::Grown(bytes) => bytes.extend_from_slice(data),
            Out::Fixed {
                region,
                len,
                overflow,
            } => match region.get_mut(*len..len.saturating_add(data.len())) {
                Some(gap) => {
                    gap.copy_from_slice(data);
                    *len += data.len();
                }
                None => *overflow = true,
            },
        }
    }

    /// The bytes written so far.
    fn written(&mut self) -> &mut [u8] {
        match self {
            Out::Grown(bytes) => bytes,
            Out::Fixed { region, len, .. } => region.get_mut(..*len).unwrap_or_default(),
        }
    }
}

struct PendingValue<'a> {
    node: &'a Node,
    slot: usize,
    parent: u32,
    step: NodeStep,
}

/// The parameter list of an input without parameter values.
static NO_PARAMS: Node = Node {
    value: Value::List(Vec::new()),
    pos: Pos::START,
};

/// The declarations of an input without template parameters.
static NO_DECLARATIONS: Node = Node {
    value: Value::Null,
    pos: Pos::START,
};

struct Encoder<'a, 'k, 'm> {
    out: Out<'m>,
    /// The document being encoded, for the resources references name.
    document: &'a Document,
    nodes: Vec<NodeInfo>,
    keys: &'k KeyTable,
    /// Object keys already placed, by the address of their shared string:
    /// loaders intern keys, so one lookup finds the key id and the string.
    /// Addresses are not chosen by the input, so a cheap hash is safe here.
    key_cache: HashMap<usize, PlacedKey, BuildHasherDefault<AddressHasher>>,
    /// The keys placed so far, in the order they were first seen.
    placed: Vec<Arc<str>>,
    pending: Vec<PendingValue<'a>>,
    sorted: Vec<(u32, usize)>,
    /// Values written now get no node id (the parameters).
    detached: bool,
}

impl<'a> Encoder<'a, '_, '_> {
    fn align8(&mut self) {
        let padded = self.out.len().next_multiple_of(8);
        self.out.zero_to(padded);
    }

    fn reserve(&mut self, len: usize) -> usize {
        let start = self.out.len();
        self.out.zero_to(start.saturating_add(len));
        start
    }

    /// Writes the 12 bytes that come right before the reason string of an
    /// unknown value of a kind other than `other` (`docs/abi.md` 2.2): the
    /// resource a reference points at (or `NONE`), and a detail string
    /// (the attribute of `Fn::GetAtt`, `NONE` for `Ref`; a parameter's
    /// name; a dynamic reference's service).
    fn unknown_details(&mut self, kind: &UnknownKind) {
        // The detail string first, so that the details sit right before
        // the reason string the caller writes next.
        let (target, (detail_off, detail_len)) = match kind {
            UnknownKind::Reference { resource, .. } => (
                self.document.resource_index(resource).map_or(NONE, to_u32),
                kind.detail().map_or((NONE, 0), |text| self.string(text)),
            ),
            // The known prefix and suffix, one after the other; the
            // "target" is the prefix's length.
            UnknownKind::Text { prefix, suffix } => {
                let (offset, prefix_len) = self.string(prefix);
                let (_, suffix_len) = self.string(suffix);
                (prefix_len, (offset, prefix_len + suffix_len))
            }
            _ => (
                NONE,
                kind.detail().map_or((NONE, 0), |text| self.string(text)),
            ),
        };
        let at = self.reserve(UNKNOWN_DETAILS_SIZE as usize);
        self.put(at + UNKNOWN_TARGET as usize, target);
        self.put(at + UNKNOWN_DETAIL_OFF as usize, detail_off);
        self.put(at + UNKNOWN_DETAIL_LEN as usize, detail_len);
    }

    fn string(&mut self, text: &str) -> (u32, u32) {
        let offset = to_u32(self.out.len());
        self.out.extend(text.as_bytes());
        (offset, to_u32(text.len()))
    }

    /// The key id of an object key and where its string is, placing the
    /// string the first time this shared key is seen.
    fn key(&mut self, key: &Arc<str>) -> PlacedKey {
        let address = key.as_ptr() as usize;
        if let Some(&placed) = self.key_cache.get(&address) {
            return placed;
        }
        let (offset, len) = self.string(key);
        let placed = PlacedKey {
            id: self.keys.id(key),
            offset,
            len,
            index: to_u32(self.placed.len()),
        };
        self.placed.push(key.clone());
        self.key_cache.insert(address, placed);
        placed
    }

    fn put(&mut self, offset: usize, value: u32) {
        write_u32(self.out.written(), offset, value);
    }

    /// Writes an adjacency array whose via records will be at `records`.
    fn adjacency_array(&mut self, entries: &[AdjacencyEntry], records: usize) -> usize {
        let start = self.out.len();
        self.out
            .reserve(entries.len().saturating_mul(ADJACENCY_SIZE as usize));
        // Each entry is the other resource, the kinds, and its run of via
        // records (`ADJACENCY_RESOURCE`, `ADJACENCY_KINDS`,
        // `ADJACENCY_VIA_OFF`, `ADJACENCY_VIA_COUNT`).
        for entry in entries {
            let via_off = records + entry.via_first as usize * VIA_SIZE as usize;
            self.out.extend(&entry.other.to_le_bytes());
            self.out.extend(&entry.kinds.to_le_bytes());
            self.out.extend(&to_u32(via_off).to_le_bytes());
            self.out.extend(&entry.via_count.to_le_bytes());
        }
        start
    }

    /// Writes via records: each the offset and length of a path string.
    fn via_records(&mut self, vias: &[u32], strings: &[(u32, u32)]) {
        for &via in vias {
            let (offset, len) = strings.get(via as usize).copied().unwrap_or_default();
            self.out.extend(&offset.to_le_bytes());
            self.out.extend(&len.to_le_bytes());
        }
    }

    fn new_node(&mut self, info: NodeInfo) -> u32 {
        if self.detached {
            return NONE;
        }
        let id = to_u32(self.nodes.len());
        self.nodes.push(info);
        id
    }

    fn document(
        &mut self,
        document: &'a Document,
        options: &EncodeOptions,
        params: Option<&'a Node>,
        size: EncodingSize,
    ) {
        let resource_count = document.resources.len();
        let mut paths = ViaPaths::default();
        let outgoing = adjacency(document, resource_count, true, &mut paths);
        let incoming = adjacency(document, resource_count, false, &mut paths);
        self.out.reserve(size.bytes);
        self.nodes.reserve(size.nodes);

        let header = self.reserve(HEADER_SIZE as usize);
        let root_slot = self.reserve(SLOT_SIZE as usize);
        let params_slot = self.reserve(SLOT_SIZE as usize);
        let declarations_slot = self.reserve(SLOT_SIZE as usize);
        let resources_off = self.reserve(resource_count.saturating_mul(RESOURCE_SIZE as usize));
        // The adjacency arrays, then their via records, then the via paths.
        let adjacency_size = |a: &Adjacency| a.entries.len() * ADJACENCY_SIZE as usize;
        let out_records = self.out.len() + adjacency_size(&outgoing) + adjacency_size(&incoming);
        let in_records = out_records + outgoing.vias.len() * VIA_SIZE as usize;
        let out_off = self.adjacency_array(&outgoing.entries, out_records);
        let in_off = self.adjacency_array(&incoming.entries, in_records);
        let mut strings = Vec::with_capacity(paths.strings.len());
        let strings_off = in_records + incoming.vias.len() * VIA_SIZE as usize;
        let mut at = strings_off;
        for path in &paths.strings {
            strings.push((to_u32(at), to_u32(path.len())));
            at += path.len();
        }
        self.via_records(&outgoing.vias, &strings);
        self.via_records(&incoming.vias, &strings);
        for path in &paths.strings {
            self.string(path);
        }
        for (index, (&(out_first, out_count), &(in_first, in_count))) in
            outgoing.ranges.iter().zip(&incoming.ranges).enumerate()
        {
            let record = resources_off + index * RESOURCE_SIZE as usize;
            self.put(record + RESOURCE_OUT_FIRST as usize, out_first);
            self.put(record + RESOURCE_OUT_COUNT as usize, out_count);
            self.put(record + RESOURCE_IN_FIRST as usize, in_first);
            self.put(record + RESOURCE_IN_COUNT as usize, in_count);
        }
        let (out_total, in_total) = (outgoing.entries.len(), incoming.entries.len());

        let (file_off, file_len) = self.string(&document.file);

        let type_keys: Vec<u32> = document
            .resources
            .iter()
            .map(|resource| self.keys.id(&resource.resource_type))
            .collect();
        let mut order = Vec::with_capacity(type_keys.len());
        for (window, keys) in type_keys.chunks(TYPE_WINDOW).enumerate() {
            let first = window * TYPE_WINDOW;
            order.extend(
                by_type(keys, self.keys.len())
                    .into_iter()
                    .map(|index| first + index),
            );
        }
        for &index in &order {
            let (Some(resource), Some(&type_key)) =
                (document.resources.get(index), type_keys.get(index))
            else {
                continue;
            };
            let record = resources_off + index * RESOURCE_SIZE as usize;
            let resource_index = to_u32(index);
            let (id_off, id_len) = self.string(&resource.id);
            let (type_off, type_len) = self.string(&resource.resource_type);
            let node = self.new_node(NodeInfo {
                resource: resource_index,
                parent: NONE,
                step: NodeStep::Resource,
                pos: resource.pos,
            });
            self.put(record + RESOURCE_ID_OFF as usize, id_off);
            self.put(record + RESOURCE_ID_LEN as usize, id_len);
            self.put(record + RESOURCE_TYPE_OFF as usize, type_off);
            self.put(record + RESOURCE_TYPE_LEN as usize, type_len);
            self.put(record + RESOURCE_TYPE_KEY as usize, type_key);
            self.put(record + RESOURCE_NODE as usize, node);
            self.tree(
                &resource.props,
                record + RESOURCE_PROPS as usize,
                resource_index,
                NodeStep::Props,
            );
            self.tree(
                &resource.tags,
                record + RESOURCE_TAGS as usize,
                resource_index,
                NodeStep::Tags,
            );
            self.tree(
                &resource.metadata,
                record + RESOURCE_METADATA as usize,
                resource_index,
                NodeStep::Metadata,
            );
        }

        let mut flags = 0;
        if options.include_root {
            flags |= FLAG_ROOT;
            self.tree(&document.root, root_slot, NONE, NodeStep::Root);
        } else {
            write_u8(self.out.written(), root_slot, TAG_NULL);
            self.put(root_slot + SLOT_NODE as usize, NONE);
        }
        // The parameters last, without node ids: their values come from
        // the host, not from the input, so findings never point into them
        // and the side table is the same whatever their values.
        self.detached = true;
        self.tree(
            params.unwrap_or(&NO_PARAMS),
            params_slot,
            NONE,
            NodeStep::Root,
        );
        // The template's parameter declarations, for `parameter(x)`: read
        // by name, never located (a finding at one points at its resource),
        // so without node ids too.
        self.tree(
            document
                .parameter_declarations()
                .unwrap_or(&NO_DECLARATIONS),
            declarations_slot,
            NONE,
            NodeStep::Root,
        );
        self.detached = false;
        self.align8();

        let total = to_u32(self.out.len());
        let node_count = to_u32(self.nodes.len());
        let magic_at = header + HEADER_MAGIC as usize;
        if let Some(magic) = self
            .out
            .written()
            .get_mut(magic_at..magic_at + INPUT_MAGIC.len())
        {
            magic.copy_from_slice(&INPUT_MAGIC);
        }
        let fields = [
            (HEADER_VERSION, ABI_VERSION),
            (HEADER_TOTAL_LEN, total),
            (HEADER_FLAGS, flags),
            (HEADER_RESOURCE_COUNT, to_u32(resource_count)),
            (HEADER_RESOURCES_OFF, to_u32(resources_off)),
            (HEADER_OUT_OFF, to_u32(out_off)),
            (HEADER_OUT_COUNT, to_u32(out_total)),
            (HEADER_IN_OFF, to_u32(in_off)),
            (HEADER_IN_COUNT, to_u32(in_total)),
            (HEADER_ROOT_OFF, to_u32(root_slot)),
            (HEADER_NODE_COUNT, node_count),
            (HEADER_KEY_COUNT, to_u32(self.keys.len())),
            (HEADER_INPUT_KIND, input_kind_code(document.kind)),
            (HEADER_FILE_OFF, file_off),
            (HEADER_FILE_LEN, file_len),
            (HEADER_PARAMS_OFF, to_u32(params_slot)),
            (HEADER_DECLARATIONS_OFF, to_u32(declarations_slot)),
        ];
        for (offset, value) in fields {
            self.put(header + offset as usize, value);
        }
    }

    /// Encodes one value tree into the slot at `slot`. Iterative: nesting
    /// depth costs heap, not stack.
    fn tree(&mut self, root: &'a Node, slot: usize, resource: u32, step: NodeStep) {
        self.pending.push(PendingValue {
            node: root,
            slot,
            parent: NONE,
            step,
        });
        while let Some(pending) = self.pending.pop() {
            let node = self.new_node(NodeInfo {
                resource,
                parent: pending.parent,
                step: pending.step,
                pos: pending.node.pos,
            });
            let slot = pending.slot;
            self.put(slot + SLOT_NODE as usize, node);
            let payload = slot + SLOT_PAYLOAD as usize;
            let payload_len = slot + SLOT_PAYLOAD_LEN as usize;
            match &pending.node.value {
                Value::Null => write_u8(self.out.written(), slot, TAG_NULL),
                Value::Bool(flag) => {
                    write_u8(self.out.written(), slot, TAG_BOOL);
                    self.put(payload, u32::from(*flag));
                }
                Value::Number(number) => {
                    write_u8(self.out.written(), slot, TAG_NUMBER);
                    write_u64(self.out.written(), payload, number.to_bits());
                }
                Value::String(text) => {
                    write_u8(self.out.written(), slot, TAG_STRING);
                    let (offset, len) = self.string(text);
                    self.put(payload, offset);
                    self.put(payload_len, len);
                }
                Value::Unknown(unknown) => {
                    write_u8(self.out.written(), slot, TAG_UNKNOWN);
                    let code = kind_code(&unknown.kind);
                    if code != UNKNOWN_OTHER {
                        write_u8(self.out.written(), slot + SLOT_KIND as usize, code);
                        self.unknown_details(&unknown.kind);
                    }
                    let (offset, len) = self.string(&unknown.reason);
                    self.put(payload, offset);
                    self.put(payload_len, len);
                }
                Value::List(items) => {
                    write_u8(self.out.written(), slot, TAG_LIST);
                    self.align8();
                    let first = self.reserve(items.len().saturating_mul(SLOT_SIZE as usize));
                    self.put(payload, to_u32(first));
                    self.put(payload_len, to_u32(items.len()));
                    for (index, item) in items.iter().enumerate().rev() {
                        self.pending.push(PendingValue {
                            node: item,
                            slot: first + index * SLOT_SIZE as usize,
                            parent: node,
                            step: NodeStep::Index(to_u32(index)),
                        });
                    }
                }
                Value::Object(entries) => {
                    write_u8(self.out.written(), slot, TAG_OBJECT);
                    self.object(entries, slot, node);
                }
            }
        }
    }

    /// Encodes the entries of the object in the slot at `slot`.
    fn object(&mut self, entries: &'a [(Arc<str>, Node)], slot: usize, node: u32) {
        let (payload, payload_len) = (
            slot + SLOT_PAYLOAD as usize,
            slot + SLOT_PAYLOAD_LEN as usize,
        );
        let count = entries.len();
        // The scratch vector is reused from object to object.
        let mut sorted = std::mem::take(&mut self.sorted);
        sorted.clear();
        for (position, (key, _)) in entries.iter().enumerate() {
            let placed = self.key(key);
            sorted.push((placed.id, position));
        }
        sorted.sort_unstable();
        self.align8();
        let first = self.reserve(count.saturating_mul((ENTRY_SIZE + ORDER_INDEX_SIZE) as usize));
        self.align8();
        self.put(payload, to_u32(first));
        self.put(payload_len, to_u32(count));
        let order = first + count * ENTRY_SIZE as usize;
        for (sorted_position, &(key_id, position)) in sorted.iter().enumerate().rev() {
            let Some((key, value)) = entries.get(position) else {
                continue;
            };
            let entry = first + sorted_position * ENTRY_SIZE as usize;
            let placed = self.key(key);
            let (key_off, key_len, key_index) = (placed.offset, placed.len, placed.index);
            self.put(entry + ENTRY_KEY_ID as usize, key_id);
            self.put(entry + ENTRY_KEY_OFF as usize, key_off);
            self.put(entry + ENTRY_KEY_LEN as usize, key_len);
            self.put(entry + ENTRY_ORDER as usize, to_u32(position));
            self.put(
                order + position * ORDER_INDEX_SIZE as usize,
                to_u32(sorted_position),
            );
            self.pending.push(PendingValue {
                node: value,
                slot: entry + ENTRY_VALUE as usize,
                parent: node,
                step: NodeStep::Key(key_index),
            });
        }
        self.sorted = sorted;
    }
}

/// The encoder groups resources by type within windows of this many
/// resources: rules that select one type then read their resources' values
/// in long runs, while the encoder reads the document out of order only
/// within a window, whose data stays in the cache (encoding 10,000
/// resources: 2.19 ms in windows of 1,024, 2.49 ms grouped all at once,
/// 1.97 ms in input order; the module's work the same either way, the
/// host's report 0.05 ms slower than when grouped at once).
const TYPE_WINDOW: usize = 1024;

/// Resource indexes grouped by type key (in key id order, unknown types
/// last), input order kept within a group: a counting sort.
fn by_type(type_keys: &[u32], key_count: usize) -> Vec<usize> {
    let group = |key: u32| (key as usize).min(key_count);
    let mut starts = vec![0usize; key_count + 2];
    for &key in type_keys {
        if let Some(count) = starts.get_mut(group(key) + 1) {
            *count += 1;
        }
    }
    for index in 1..starts.len() {
        let before = starts.get(index - 1).copied().unwrap_or(0);
        if let Some(start) = starts.get_mut(index) {
            *start += before;
        }
    }
    let mut order = vec![0usize; type_keys.len()];
    for (index, &key) in type_keys.iter().enumerate() {
        if let Some(next) = starts.get_mut(group(key)) {
            if let Some(place) = order.get_mut(*next) {
                *place = index;
            }
            *next += 1;
        }
    }
    order
}

/// An upper bound of the encoded size (key strings are shared, so the real
/// size is smaller) and the exact node count, so that both buffers are
/// allocated once.
fn encoded_size(
    document: &Document,
    options: &EncodeOptions,
    params: Option<&Node>,
    adjacency_entries: usize,
) -> (usize, usize) {
    let mut bytes = (HEADER_SIZE + 3 * SLOT_SIZE) as usize + document.file.len() + 8;
    // Each adjacency entry, one via record per edge and direction, and the
    // via paths (shorter than the rendered edge paths).
    bytes = bytes
        .saturating_add(adjacency_entries.saturating_mul((ADJACENCY_SIZE + VIA_SIZE) as usize));
    bytes = bytes.saturating_add(document.edges.iter().map(|edge| edge.path.len()).sum());
    let mut nodes = 0usize;
    let mut pending: Vec<&Node> = Vec::new();
    for resource in &document.resources {
        bytes = bytes
            .saturating_add(RESOURCE_SIZE as usize)
            .saturating_add(resource.id.len())
            .saturating_add(resource.resource_type.len());
        nodes += 1;
        pending.extend([&resource.props, &resource.tags, &resource.metadata]);
    }
    if options.include_root {
        pending.push(&document.root);
    }
    let (tree_bytes, tree_nodes) = trees_size(pending);
    bytes = bytes.saturating_add(tree_bytes);
    nodes += tree_nodes;
    // The parameters take bytes but no node ids.
    let (param_bytes, _) = trees_size(vec![params.unwrap_or(&NO_PARAMS)]);
    let (declaration_bytes, _) =
        trees_size(document.parameter_declarations().into_iter().collect());
    let param_bytes = param_bytes.saturating_add(declaration_bytes);
    (bytes.saturating_add(param_bytes), nodes)
}

/// The bytes (an upper bound) and the nodes of value trees.
fn trees_size(mut pending: Vec<&Node>) -> (usize, usize) {
    let mut bytes = 0usize;
    let mut nodes = 0usize;
    while let Some(node) = pending.pop() {
        nodes += 1;
        let extra = match &node.value {
            Value::String(text) => text.len(),
            // The reason, and the details and their string before it.
            Value::Unknown(unknown) => {
                unknown.reason.len()
                    + UNKNOWN_DETAILS_SIZE as usize
                    + match &unknown.kind {
                        UnknownKind::Text { prefix, suffix } => prefix.len() + suffix.len(),
                        kind => kind.detail().map_or(0, str::len),
                    }
            }
            Value::List(items) => {
                pending.extend(items);
                7 + items.len() * SLOT_SIZE as usize
            }
            Value::Object(entries) => {
                pending.extend(entries.iter().map(|(_, value)| value));
                14 + entries.len() * (ENTRY_SIZE + ORDER_INDEX_SIZE) as usize
                    + entries.iter().map(|(key, _)| key.len()).sum::<usize>()
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => 0,
        };
        bytes = bytes.saturating_add(extra);
    }
    (bytes, nodes)
}

/// The code of an unknown value's kind in its slot (`ward_abi::layout`'s
/// `UNKNOWN_*`).
fn kind_code(kind: &UnknownKind) -> u8 {
    match kind {
        UnknownKind::Other => UNKNOWN_OTHER,
        UnknownKind::Reference { .. } => UNKNOWN_REFERENCE,
        UnknownKind::Parameter { .. } => UNKNOWN_PARAMETER,
        UnknownKind::PseudoParameter { .. } => UNKNOWN_PSEUDO_PARAMETER,
        UnknownKind::DynamicReference { .. } => UNKNOWN_DYNAMIC_REFERENCE,
        UnknownKind::Import => UNKNOWN_IMPORT,
        UnknownKind::AfterApply => UNKNOWN_AFTER_APPLY,
        UnknownKind::Text { .. } => UNKNOWN_TEXT,
    }
}

/// The adjacency array of one direction: for each resource in turn, the
/// other ends of its edges, each once, with the kinds of the edges joining
/// them and the paths they are written at; and each resource's range in
/// that array.
struct Adjacency {
    entries: Vec<AdjacencyEntry>,
    ranges: Vec<(u32, u32)>,
    /// The via records of all entries, each a path number in
    /// [`ViaPaths::strings`]; an entry's records are consecutive.
    vias: Vec<u32>,
}

/// One adjacency entry before it is written.
struct AdjacencyEntry {
    other: u32,
    kinds: u32,
    via_first: u32,
    via_count: u32,
}

/// The distinct paths edges are written at (`Edge::via`), numbered.
#[derive(Default)]
struct ViaPaths<'a> {
    strings: Vec<String>,
    numbers: HashMap<String, u32>,
    /// The number of each rendered edge path seen so far.
    by_edge_path: HashMap<&'a str, u32>,
}

impl<'a> ViaPaths<'a> {
    fn number(&mut self, edge: &'a ward_model::Edge) -> u32 {
        if let Some(&number) = self.by_edge_path.get(edge.path.as_str()) {
            return number;
        }
        let via = edge.via();
        let next = to_u32(self.strings.len());
        let number = *self.numbers.entry(via.clone()).or_insert(next);
        if number == next {
            self.strings.push(via);
        }
        self.by_edge_path.insert(edge.path.as_str(), number);
        number
    }
}

fn adjacency<'a>(
    document: &'a Document,
    resource_count: usize,
    outgoing: bool,
    paths: &mut ViaPaths<'a>,
) -> Adjacency {
    let mut entries: Vec<AdjacencyEntry> = Vec::with_capacity(document.edges.len());
    let mut ranges = Vec::with_capacity(resource_count);
    let mut vias: Vec<u32> = Vec::with_capacity(document.edges.len());
    // `seen[other]` is 1 + the position of `other` in `entries` while the
    // current resource's list is built.
    let mut seen = vec![0usize; resource_count];
    // The current resource's (entry, path number) pairs.
    let mut pending: Vec<(usize, u32)> = Vec::new();
    for index in 0..resource_count {
        let first = entries.len();
        let edge_indexes = if outgoing {
            document.outgoing_edge_indexes(index)
        } else {
            document.incoming_edge_indexes(index)
        };
        pending.clear();
        for edge in edge_indexes
            .iter()
            .filter_map(|&edge| document.edges.get(edge))
        {
            let other = if outgoing { edge.to } else { edge.from };
            let Some(mark) = seen.get_mut(other) else {
                continue;
            };
            if *mark == 0 {
                entries.push(AdjacencyEntry {
                    other: to_u32(other),
                    kinds: edge_kind_bit(edge.kind),
                    via_first: 0,
                    via_count: 0,
                });
                *mark = entries.len();
            } else if let Some(entry) = entries.get_mut(*mark - 1) {
                entry.kinds |= edge_kind_bit(edge.kind);
            }
            pending.push((*mark - 1, paths.number(edge)));
        }
        // Each entry's paths, once each, in the order first written.
        pending.sort_by_key(|&(entry, _)| entry);
        for run in pending.chunk_by(|a, b| a.0 == b.0) {
            let Some(&(entry, _)) = run.first() else {
                continue;
            };
            let via_first = vias.len();
            for &(_, path) in run {
                if !vias.get(via_first..).unwrap_or_default().contains(&path) {
                    vias.push(path);
                }
            }
            if let Some(written) = entries.get_mut(entry) {
                written.via_first = to_u32(via_first);
                written.via_count = to_u32(vias.len() - via_first);
            }
        }
        for entry in entries.get(first..).unwrap_or(&[]) {
            if let Some(mark) = seen.get_mut(entry.other as usize) {
                *mark = 0;
            }
        }
        ranges.push((to_u32(first), to_u32(entries.len() - first)));
    }
    Adjacency {
        entries,
        ranges,
        vias,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ward_abi::{DecodedKind, DecodedValue, KEY_UNKNOWN, decode_input};
    use ward_model::{LoadOptions, load};

    /// The little-endian `u32` at `offset` of `bytes`.
    fn read_u32(bytes: &[u8], offset: usize) -> Option<u32> {
        Some(u32::from_le_bytes(
            bytes.get(offset..offset + 4)?.try_into().ok()?,
        ))
    }

    /// The `u32` header field at `offset` of an encoded input.
    fn header_field(bytes: &[u8], offset: u32) -> Option<u32> {
        read_u32(bytes, offset as usize)
    }

    const TEMPLATE: &str = r#"
Parameters:
  Env:
    Type: String
Resources:
  Key:
    Type: AWS::KMS::Key
  Queue:
    Type: AWS::SQS::Queue
    DependsOn: Key
    Properties:
      KmsMasterKeyId: !Ref Key
      Other: !GetAtt Key.Arn
      DelaySeconds: 5
      Name: !Ref Env
      List: [1, true, null, "x", {b: 1, a: [2]}]
      Tags:
        - Key: team
          Value: core
"#;

    fn document() -> Document {
        load(
            "template.yaml",
            TEMPLATE.as_bytes(),
            &LoadOptions::default(),
        )
        .unwrap()
    }

    /// Compares a decoded value with the model node it came from, and checks
    /// that the node's side-table entry has its position.
    fn same(decoded: &DecodedValue, node: &Node, encoded: &EncodedInput, keys: &KeyTable) {
        assert_eq!(encoded.node(decoded.node).unwrap().pos, node.pos);
        match (&decoded.kind, &node.value) {
            (DecodedKind::Null, Value::Null) => {}
            (DecodedKind::Bool(a), Value::Bool(b)) => assert_eq!(a, b),
            (DecodedKind::Number(a), Value::Number(b)) => assert_eq!(a.to_bits(), b.to_bits()),
            (DecodedKind::String(a), Value::String(b)) => assert_eq!(a.as_str(), &**b),
            (DecodedKind::Unknown(a), Value::Unknown(b)) => assert_eq!(a.as_str(), &*b.reason),
            (DecodedKind::List(a), Value::List(b)) => {
                assert_eq!(a.len(), b.len());
                for (x, y) in a.iter().zip(b) {
                    same(x, y, encoded, keys);
                }
            }
            (DecodedKind::Object(a), Value::Object(b)) => {
                assert_eq!(a.len(), b.len());
                for (x, (key, y)) in a.iter().zip(b) {
                    assert_eq!(x.key.as_str(), &**key);
                    assert_eq!(x.key_id, keys.id(key));
                    same(&x.value, y, encoded, keys);
                }
            }
            (a, b) => panic!("{a:?} is not {b:?}"),
        }
    }

    #[test]
    fn unknown_kinds_and_their_details_are_encoded() {
        let names = [
            UnknownKind::Other,
            UnknownKind::Reference {
                resource: Arc::from("A"),
                attribute: None,
            },
            UnknownKind::Parameter {
                name: Arc::from("P"),
            },
            UnknownKind::PseudoParameter {
                name: Arc::from("AWS::Region"),
            },
            UnknownKind::DynamicReference {
                service: Arc::from("ssm"),
            },
            UnknownKind::Import,
            UnknownKind::AfterApply,
        ];
        for kind in &names {
            assert_eq!(
                UNKNOWN_KIND_NAMES[usize::from(kind_code(kind))],
                kind.name()
            );
        }
        let template = br#"
Parameters:
  P: { Type: String }
Resources:
  A: { Type: T }
  B:
    Type: T
    Properties:
      Ref: !Ref A
      Att: !GetAtt A.Arn
      Param: !Ref P
"#;
        let document = ward_model::load("t.yaml", template, &Default::default()).unwrap();
        let encoded = encode_input(&document, &KeyTable::new(["Ref", "Att", "Param"])).unwrap();
        let bytes = &encoded.bytes;
        let resources = read_u32(bytes, HEADER_RESOURCES_OFF as usize).unwrap() as usize;
        let props = resources + RESOURCE_SIZE as usize + RESOURCE_PROPS as usize;
        let first = read_u32(bytes, props + SLOT_PAYLOAD as usize).unwrap() as usize;
        // Entries are sorted by key id: Ref, Att, Param.
        let details = |entry: usize| {
            let slot = first + entry * ENTRY_SIZE as usize + ENTRY_VALUE as usize;
            assert_eq!(bytes[slot], TAG_UNKNOWN);
            let reason = read_u32(bytes, slot + SLOT_PAYLOAD as usize).unwrap() as usize;
            let at = reason - UNKNOWN_DETAILS_SIZE as usize;
            let detail_off = read_u32(bytes, at + UNKNOWN_DETAIL_OFF as usize).unwrap();
            let detail_len = read_u32(bytes, at + UNKNOWN_DETAIL_LEN as usize).unwrap() as usize;
            let detail = (detail_off != NONE).then(|| {
                let off = detail_off as usize;
                std::str::from_utf8(&bytes[off..off + detail_len])
                    .unwrap()
                    .to_string()
            });
            (
                bytes[slot + SLOT_KIND as usize],
                read_u32(bytes, at + UNKNOWN_TARGET as usize).unwrap(),
                detail,
            )
        };
        assert_eq!(details(0), (UNKNOWN_REFERENCE, 0, None));
        assert_eq!(details(1), (UNKNOWN_REFERENCE, 0, Some("Arn".to_string())));
        assert_eq!(details(2), (UNKNOWN_PARAMETER, NONE, Some("P".to_string())));
    }

    #[test]
    fn round_trip_of_a_template() {
        let document = document();
        let keys = KeyTable::new(["AWS::SQS::Queue", "KmsMasterKeyId", "b", "Name"]);
        let encoded = encode_input(&document, &keys).unwrap();
        let (bytes, nodes) = encoded_size(&document, &EncodeOptions::default(), None, 2);
        assert!(bytes >= encoded.bytes.len());
        assert_eq!(nodes, encoded.nodes.len());
        assert_eq!(encoded.bytes.len() % 8, 0);
        let decoded = decode_input(&encoded.bytes).unwrap();
        assert_eq!(decoded.kind, 0);
        assert_eq!(decoded.file, "template.yaml");
        assert_eq!(decoded.key_count, 4);
        assert_eq!(decoded.node_count as usize, encoded.nodes.len());
        assert_eq!(decoded.resources.len(), 2);
        for (resource, model) in decoded.resources.iter().zip(&document.resources) {
            assert_eq!(resource.id, model.id);
            assert_eq!(resource.resource_type, model.resource_type);
            assert_eq!(resource.type_key, keys.id(&model.resource_type));
            assert_eq!(encoded.node(resource.node).unwrap().pos, model.pos);
            assert_eq!(
                encoded.path(&document, resource.node).unwrap(),
                format!("$.Resources.{}", model.id)
            );
            same(&resource.props, &model.props, &encoded, &keys);
            same(&resource.tags, &model.tags, &encoded, &keys);
            same(&resource.metadata, &model.metadata, &encoded, &keys);
        }
        same(
            decoded.root.as_ref().unwrap(),
            &document.root,
            &encoded,
            &keys,
        );

        // Queue refers to Key through Ref, GetAtt and DependsOn: one entry.
        let queue = &decoded.resources[1];
        assert_eq!(queue.refs, vec![(0, 0b1011)]);
        assert_eq!(decoded.resources[0].referrers, vec![(1, 0b1011)]);
        assert!(queue.referrers.is_empty());
        assert_eq!(queue.type_key, 0);
        assert_eq!(decoded.resources[0].type_key, KEY_UNKNOWN);
    }

    #[test]
    fn encoding_into_a_dirty_region_gives_the_same_bytes() {
        let document = document();
        let keys = KeyTable::new(["SecurityGroupIngress", "CidrIp"]);
        for include_root in [false, true] {
            let options = EncodeOptions { include_root };
            let expected = encode_input_with(&document, &keys, &options).unwrap();
            let size = encoding_size(&document, &options);
            assert!(size.bytes >= expected.bytes.len());
            assert_eq!(size.nodes, expected.nodes.len());
            let mut region = vec![0xAA; size.bytes];
            let (len, side) =
                encode_input_into(&document, &keys, &options, size, &mut region).unwrap();
            assert_eq!(&region[..len], expected.bytes.as_slice());
            assert_eq!(side.nodes, expected.nodes);
            assert_eq!(side.keys, expected.keys);
            assert!(side.bytes.is_empty());

            let mut small = vec![0; expected.bytes.len() - 1];
            assert!(matches!(
                encode_input_into(&document, &keys, &options, size, &mut small),
                Err(EncodeError::TooLarge { .. })
            ));
        }
    }

    #[test]
    fn values_are_grouped_by_resource_type() {
        let text = r#"{"Resources": {
            "A1": {"Type": "AWS::S3::Bucket", "Properties": {"N": 1}},
            "B1": {"Type": "AWS::KMS::Key", "Properties": {"N": 2}},
            "A2": {"Type": "AWS::S3::Bucket", "Properties": {"N": 3}},
            "C1": {"Type": "Custom::Thing", "Properties": {"N": 4}},
            "B2": {"Type": "AWS::KMS::Key", "Properties": {"N": 5}},
            "A3": {"Type": "AWS::S3::Bucket", "Properties": {"N": 6}}
        }}"#;
        let document = load("t.json", text.as_bytes(), &LoadOptions::default()).unwrap();
        // Key ids: the key, then the bucket; the custom type is unknown.
        let keys = KeyTable::new(["AWS::KMS::Key", "AWS::S3::Bucket", "N"]);
        let encoded = encode_input(&document, &keys).unwrap();
        let bytes = &encoded.bytes;
        let resources = header_field(bytes, HEADER_RESOURCES_OFF).unwrap() as usize;
        let props_at = |index: usize| {
            let slot = resources + index * RESOURCE_SIZE as usize + RESOURCE_PROPS as usize;
            read_u32(bytes, slot + 8).unwrap()
        };
        // Records stay in input order; their values are laid out by type
        // (key id order, unknown types last), input order within a type.
        let ids: Vec<&str> = document.resources.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["A1", "B1", "A2", "C1", "B2", "A3"]);
        let mut by_address: Vec<(u32, &str)> = (0..6).map(|i| (props_at(i), ids[i])).collect();
        by_address.sort();
        let laid_out: Vec<&str> = by_address.iter().map(|&(_, id)| id).collect();
        assert_eq!(laid_out, ["B1", "B2", "A1", "A2", "A3", "C1"]);
        // The values read back the same.
        let decoded = decode_input(bytes).unwrap();
        for (resource, model) in decoded.resources.iter().zip(&document.resources) {
            same(&resource.props, &model.props, &encoded, &keys);
        }
    }

    #[test]
    fn grouping_by_type_stays_within_windows() {
        // Alternating types over two and a half windows.
        let count = TYPE_WINDOW * 2 + TYPE_WINDOW / 2;
        let resources: Vec<String> = (0..count)
            .map(|i| {
                let kind = if i % 2 == 0 {
                    "AWS::S3::Bucket"
                } else {
                    "AWS::KMS::Key"
                };
                format!(r#""R{i}": {{"Type": "{kind}", "Properties": {{"N": {i}}}}}"#)
            })
            .collect();
        let text = format!(r#"{{"Resources": {{{}}}}}"#, resources.join(","));
        let document = load("t.json", text.as_bytes(), &LoadOptions::default()).unwrap();
        let keys = KeyTable::new(["AWS::KMS::Key", "AWS::S3::Bucket", "N"]);
        let encoded = encode_input(&document, &keys).unwrap();
        let bytes = &encoded.bytes;
        let resources_off = header_field(bytes, HEADER_RESOURCES_OFF).unwrap() as usize;
        let mut by_address: Vec<(u32, usize)> = (0..count)
            .map(|i| {
                let slot = resources_off + i * RESOURCE_SIZE as usize + RESOURCE_PROPS as usize;
                (read_u32(bytes, slot + 8).unwrap(), i)
            })
            .collect();
        by_address.sort();
        let laid_out: Vec<usize> = by_address.iter().map(|&(_, i)| i).collect();
        // Window by window: its keys (odd indexes), then its buckets.
        let expected: Vec<usize> = (0..count)
            .step_by(TYPE_WINDOW)
            .flat_map(|first| {
                let window = first..(first + TYPE_WINDOW).min(count);
                let keys = window.clone().filter(|i| i % 2 == 1);
                let buckets = window.filter(|i| i % 2 == 0);
                keys.chain(buckets).collect::<Vec<_>>()
            })
            .collect();
        assert_eq!(laid_out, expected);
    }

    #[test]
    fn object_entries_are_sorted_by_key_id_with_document_order_kept() {
        let document = document();
        let keys = KeyTable::new(["Name", "KmsMasterKeyId"]);
        let encoded = encode_input(&document, &keys).unwrap();
        let bytes = &encoded.bytes;
        let resources = header_field(bytes, HEADER_RESOURCES_OFF).unwrap() as usize;
        let props = resources + RESOURCE_SIZE as usize + RESOURCE_PROPS as usize;
        assert_eq!(bytes[props], TAG_OBJECT);
        let entries = read_u32(bytes, props + 8).unwrap() as usize;
        let count = read_u32(bytes, props + 12).unwrap() as usize;
        assert_eq!(entries % 8, 0);
        let ids: Vec<u32> = (0..count)
            .map(|i| read_u32(bytes, entries + i * 32).unwrap())
            .collect();
        assert_eq!(&ids[..2], &[0, 1]);
        assert!(ids[2..].iter().all(|&id| id == KEY_UNKNOWN));
        // Document order: KmsMasterKeyId, Other, DelaySeconds, Name, List, Tags.
        let order: Vec<u32> = (0..count)
            .map(|i| read_u32(bytes, entries + count * 32 + i * 4).unwrap())
            .collect();
        assert_eq!(order[0], 1);
        assert_eq!(order[3], 0);
        let key_at = |sorted: u32| {
            let entry = entries + sorted as usize * 32;
            let off = read_u32(bytes, entry + 4).unwrap() as usize;
            let len = read_u32(bytes, entry + 8).unwrap() as usize;
            std::str::from_utf8(&bytes[off..off + len])
                .unwrap()
                .to_string()
        };
        assert_eq!(key_at(order[1]), "Other");
        assert_eq!(key_at(order[2]), "DelaySeconds");
    }

    #[test]
    fn header_layout_is_pinned() {
        let document = document();
        let encoded = encode_input_with(
            &document,
            &KeyTable::default(),
            &EncodeOptions {
                include_root: false,
            },
        )
        .unwrap();
        let bytes = &encoded.bytes;
        assert_eq!(&bytes[0..4], b"WDIN");
        let field = |offset| header_field(bytes, offset).unwrap();
        assert_eq!(field(HEADER_VERSION), ward_abi::ABI_VERSION);
        assert_eq!(field(HEADER_TOTAL_LEN) as usize, bytes.len());
        assert_eq!(field(HEADER_FLAGS), 0);
        assert_eq!(field(HEADER_RESOURCE_COUNT), 2);
        assert_eq!(field(HEADER_ROOT_OFF), 72);
        assert_eq!(field(HEADER_PARAMS_OFF), 88);
        assert_eq!(field(HEADER_DECLARATIONS_OFF), 104);
        assert_eq!(field(HEADER_RESOURCES_OFF), 120);
        assert_eq!(field(HEADER_OUT_OFF), 120 + 2 * 96);
        assert_eq!(field(HEADER_OUT_COUNT), 1);
        assert_eq!(field(HEADER_IN_OFF), 120 + 2 * 96 + 16);
        assert_eq!(field(HEADER_IN_COUNT), 1);
        // The entries' via records follow the adjacency arrays, then their
        // path strings.
        let out = field(HEADER_OUT_OFF) as usize;
        assert_eq!(
            read_u32(bytes, out + ADJACENCY_VIA_OFF as usize),
            Some(120 + 2 * 96 + 32)
        );
        // Each distinct path once, in the order first written.
        let edge = &document.edges[0];
        let mut paths: Vec<String> = Vec::new();
        for other in document
            .edges
            .iter()
            .filter(|e| e.from == edge.from && e.to == edge.to)
        {
            if !paths.contains(&other.via()) {
                paths.push(other.via());
            }
        }
        assert!(paths.len() > 1, "{paths:?}");
        assert_eq!(
            read_u32(bytes, out + ADJACENCY_VIA_COUNT as usize),
            Some(paths.len() as u32)
        );
        let decoded = decode_input(bytes).unwrap();
        assert_eq!(decoded.resources[edge.from].refs_via, [paths.clone()]);
        assert_eq!(decoded.resources[edge.to].referrers_via, [paths]);
        assert_eq!(field(HEADER_KEY_COUNT), 0);
        assert_eq!(field(HEADER_INPUT_KIND), 0);
        assert_eq!(bytes[72], TAG_NULL);
        assert_eq!(read_u32(bytes, 76), Some(NONE));
        // No parameter values: an empty list without a node id.
        assert_eq!(bytes[88], TAG_LIST);
        assert_eq!(read_u32(bytes, 92), Some(NONE));
        assert_eq!(read_u32(bytes, 88 + 12), Some(0));
        assert!(decode_input(bytes).unwrap().root.is_none());
    }

    #[test]
    fn parameter_declarations_are_an_object_without_node_ids() {
        let document = document();
        let encoded = encode_input(&document, &KeyTable::new(["Type"])).unwrap();
        let bytes = &encoded.bytes;
        let slot = header_field(bytes, HEADER_DECLARATIONS_OFF).unwrap() as usize;
        assert_eq!(bytes[slot], TAG_OBJECT);
        assert_eq!(read_u32(bytes, slot + 4), Some(NONE));
        assert_eq!(read_u32(bytes, slot + 12), Some(1));
        let entry = read_u32(bytes, slot + 8).unwrap() as usize;
        let key_off = read_u32(bytes, entry + ENTRY_KEY_OFF as usize).unwrap() as usize;
        assert_eq!(&bytes[key_off..key_off + 3], b"Env");
        let declaration = entry + ENTRY_VALUE as usize;
        assert_eq!(bytes[declaration], TAG_OBJECT);
        assert_eq!(read_u32(bytes, declaration + 4), Some(NONE));
        let inner = read_u32(bytes, declaration + 8).unwrap() as usize;
        assert_eq!(read_u32(bytes, inner + ENTRY_KEY_ID as usize), Some(0));
        assert_eq!(bytes[inner + ENTRY_VALUE as usize], TAG_STRING);
        // The reference reader reads the same.
        let DecodedKind::Object(entries) = decode_input(bytes).unwrap().declarations.kind else {
            panic!("declarations are an object");
        };
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].key, "Env");
        assert_eq!(entries[0].value.node, NONE);
        let DecodedKind::Object(declaration) = &entries[0].value.kind else {
            panic!("a declaration is an object");
        };
        assert_eq!(declaration[0].key, "Type");
        assert_eq!(declaration[0].key_id, 0);
        assert_eq!(
            declaration[0].value.kind,
            DecodedKind::String("String".into())
        );
        // No node ids: the side table is that of the resources and the root.
        let without_root = encode_input_with(
            &document,
            &KeyTable::default(),
            &EncodeOptions {
                include_root: false,
            },
        )
        .unwrap();
        let slot = header_field(&without_root.bytes, HEADER_DECLARATIONS_OFF).unwrap() as usize;
        assert_eq!(without_root.bytes[slot], TAG_OBJECT);
        let size = encoding_size(&document, &EncodeOptions::default());
        assert!(size.bytes >= bytes.len());
        assert_eq!(size.nodes, encoded.nodes.len());
    }

    #[test]
    fn parameter_values_are_a_list_without_node_ids() {
        let document = document();
        let params = Node::from_json(&serde_json::json!([["owner"], 90, {"a": true}]), Pos::START);
        let plain = encode_input(&document, &KeyTable::default()).unwrap();
        let encoded = encode_input_with_params(
            &document,
            &KeyTable::default(),
            &EncodeOptions::default(),
            Some(&params),
        )
        .unwrap();
        let bytes = &encoded.bytes;
        // The side table is the one of the input without parameters.
        assert_eq!(encoded.nodes.len(), plain.nodes.len());
        let slot = header_field(bytes, HEADER_PARAMS_OFF).unwrap() as usize;
        assert_eq!(bytes[slot], TAG_LIST);
        assert_eq!(read_u32(bytes, slot + 4), Some(NONE));
        assert_eq!(read_u32(bytes, slot + 12), Some(3));
        let first = read_u32(bytes, slot + 8).unwrap() as usize;
        assert_eq!(bytes[first], TAG_LIST);
        assert_eq!(read_u32(bytes, first + 4), Some(NONE));
        assert_eq!(bytes[first + 16], TAG_NUMBER);
        assert_eq!(bytes[first + 32], TAG_OBJECT);
        let size = encoding_size_with_params(&document, &EncodeOptions::default(), Some(&params));
        assert!(size.bytes >= bytes.len());
        assert_eq!(size.nodes, encoded.nodes.len());
    }

    #[test]
    fn paths_follow_the_model_conventions() {
        let document = document();
        let encoded = encode_input(&document, &KeyTable::default()).unwrap();
        let paths: Vec<String> = (0..encoded.nodes.len() as u32)
            .filter(|&id| encoded.node(id).unwrap().resource == 1)
            .map(|id| encoded.path(&document, id).unwrap())
            .collect();
        // CloudFormation paths are places in the template; a tag points at
        // its entry in the `Tags` list.
        for expected in [
            "$.Resources.Queue",
            "$.Resources.Queue.Properties",
            "$.Resources.Queue.Properties.KmsMasterKeyId",
            "$.Resources.Queue.Properties.List[4].a[0]",
            "$.Resources.Queue.Properties.Tags",
            "$.Resources.Queue.Properties.Tags[0].Value",
            "$.Resources.Queue.DependsOn",
        ] {
            assert!(
                paths.iter().any(|path| path == expected),
                "{expected} in {paths:?}"
            );
        }
        assert_eq!(encoded.path(&document, u32::MAX), None);
    }

    #[test]
    fn deep_paths_are_whole() {
        // Deeper than the steps a path keeps on the stack.
        let mut text = String::from("x");
        for depth in 0..40 {
            text = if depth % 2 == 0 {
                format!("{{\"k{depth}\": {text}}}")
            } else {
                format!("[0, {text}]")
            };
        }
        let template = format!(
            "{{\"Resources\": {{\"R\": {{\"Type\": \"T\", \"Properties\": {{\"p\": {text}}}}}}}}}"
        );
        let text = template.replace('x', "\"leaf\"");
        let document = ward_model::load("deep.json", text.as_bytes(), &Default::default()).unwrap();
        let encoded = encode_input(&document, &KeyTable::default()).unwrap();
        let deepest = (0..encoded.nodes.len() as u32)
            .map(|id| encoded.path(&document, id).unwrap())
            .max_by_key(String::len)
            .unwrap();
        let mut expected = String::from("$.Resources.R.Properties.p");
        for depth in (0..40).rev() {
            if depth % 2 == 0 {
                expected.push_str(&format!(".k{depth}"));
            } else {
                expected.push_str("[1]");
            }
        }
        assert_eq!(deepest, expected);
    }

    #[test]
    fn numbers_and_unknowns_are_exact() {
        let document = document();
        let encoded = encode_input(&document, &KeyTable::default()).unwrap();
        let decoded = decode_input(&encoded.bytes).unwrap();
        let DecodedKind::Object(props) = &decoded.resources[1].props.kind else {
            panic!("props are an object")
        };
        let name = props.iter().find(|entry| entry.key == "Name").unwrap();
        assert!(matches!(&name.value.kind, DecodedKind::Unknown(reason) if reason.contains("Env")));
        let delay = props
            .iter()
            .find(|entry| entry.key == "DelaySeconds")
            .unwrap();
        assert_eq!(delay.value.kind, DecodedKind::Number(5.0));
    }

    #[test]
    fn deep_nesting_is_encoded_without_recursion() {
        let mut node = Node::new(Value::Number(1.0), Pos::START);
        for _ in 0..20_000 {
            node = Node::new(Value::List(vec![node]), Pos::START);
        }
        let document = Document::new("deep.json", InputKind::Json, Vec::new(), Vec::new(), node);
        let encoded = encode_input(&document, &KeyTable::default()).unwrap();
        assert_eq!(encoded.nodes.len(), 20_001);
        assert!(decode_input(&encoded.bytes).is_err());
        // Dropping a 20,000-deep model tree recurses; leak it in the test.
        std::mem::forget(document);
    }

    #[test]
    fn every_truncation_and_flip_is_survived() {
        let document = document();
        let encoded = encode_input(&document, &KeyTable::new(["Name"])).unwrap();
        for len in 0..encoded.bytes.len() {
            assert!(decode_input(&encoded.bytes[..len]).is_err());
        }
        for index in 0..encoded.bytes.len() {
            for value in [0u8, 1, 0x7F, 0xFF] {
                let mut bytes = encoded.bytes.clone();
                bytes[index] = value;
                let _ = decode_input(&bytes);
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn hostile_bytes_never_panic(mut bytes in proptest::collection::vec(proptest::num::u8::ANY, 64..1024)) {
            bytes[0..4].copy_from_slice(b"WDIN");
            bytes[4..8].copy_from_slice(&1u32.to_le_bytes());
            let len = bytes.len() as u32;
            bytes[8..12].copy_from_slice(&len.to_le_bytes());
            let _ = decode_input(&bytes);
        }

        #[test]
        fn json_values_round_trip(value in json_value()) {
            let node = Node::from_json(&value, Pos::START);
            let document = Document::new("x.json", InputKind::Json, Vec::new(), Vec::new(), node.clone());
            let keys = KeyTable::new(["a", "b", "c"]);
            let encoded = encode_input(&document, &keys).unwrap();
            let decoded = decode_input(&encoded.bytes).unwrap();
            same(decoded.root.as_ref().unwrap(), &node, &encoded, &keys);
            let (bytes, nodes) = encoded_size(&document, &EncodeOptions::default(), None, 0);
            proptest::prop_assert!(bytes >= encoded.bytes.len());
            proptest::prop_assert_eq!(nodes, encoded.nodes.len());
        }
    }

    fn json_value() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::Bool),
            any::<i32>().prop_map(|n| serde_json::json!(n)),
            "[a-dé]{0,4}".prop_map(serde_json::Value::String),
        ];
        leaf.prop_recursive(4, 64, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
                proptest::collection::btree_map("[a-e]{1,2}", inner, 0..6)
                    .prop_map(|map| { serde_json::Value::Object(map.into_iter().collect()) }),
            ]
        })
    }
}
