#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]
#![warn(missing_docs)]
//! The contract between generated Ward modules and the hosts that run them.
//!
//! `docs/abi.md` describes every export, every byte of the input encoding,
//! the results layout and the `ward.meta` metadata section. This crate is the
//! host side of it, free of any WebAssembly engine so that every host (and
//! the code generator) can share it:
//!
//! - [`Metadata`]: the `ward.meta` custom section, [`Metadata::encode`] for
//!   the code generator and [`Metadata::decode`] for hosts and tools.
//! - [`KeyTable`]: the strings a module interned, which the metadata
//!   carries and an input is encoded against.
//! - [`layout`]: every size, offset, tag and code of the input and results
//!   layouts, named once for the encoder, the decoders and the code
//!   generator.
//! - [`decode_results`]: what one `ward_eval` call wrote, read from a copy of
//!   linear memory, bounds-checked.
//! - [`decode_input`]: the reference reader of the input layout, for tests
//!   and tools.
//! - [`Severity`], [`Outcome`] and the report types ([`Finding`],
//!   [`Report`]): the words every engine and writer shares.
//!
//! Every decoder takes untrusted bytes and returns an error instead of
//! panicking. The crate depends on no other Ward crate: the encoder, which
//! needs the input model, is `ward-encode`.

mod bytes;
mod inspect;
mod keys;
mod meta;
mod params;
mod report;
mod results;
pub mod variants;

pub use inspect::{
    DecodedEntry, DecodedInput, DecodedKind, DecodedResource, DecodedValue, InputError,
    MAX_DECODE_DEPTH, decode_input,
};
pub use keys::KeyTable;
pub use meta::{CheckKind, CheckMeta, Level, MetaError, Metadata, RuleMeta, Severity, SourceSpan};
pub use params::{ParamError, ParamMeta, ParamType, describe_value, find_param, resolve_params};
pub use report::{Finding, Report, ResourceOutcome, RuleError, RuleErrorKind, Summary};
pub use results::{
    FindingRecord, OutcomeRecord, Results, ResultsError, ResultsLimits, Status, decode_results,
};

/// The ABI version this crate implements.
pub const ABI_VERSION: u32 = 4;

/// "No resource", "no node", "no check" in every layout.
pub const NONE: u32 = 0xFFFF_FFFF;

/// The key id of an object key or resource type that the module's key
/// table lacks.
pub const KEY_UNKNOWN: u32 = 0xFFFF_FFFF;

/// Names of the module's exports.
pub mod exports {
    /// The linear memory.
    pub const MEMORY: &str = "memory";
    /// `() -> ()`: forget every allocation.
    pub const RESET: &str = "ward_reset";
    /// `(len: i32) -> i32`: reserve space for the input.
    pub const ALLOC: &str = "ward_alloc";
    /// `(rule: i32, input: i32, input_len: i32) -> i32`: evaluate one rule.
    pub const EVAL: &str = "ward_eval";
}

/// The name of the metadata custom section.
pub const META_SECTION: &str = "ward.meta";

/// The magic at the start of the metadata section.
pub const META_MAGIC: [u8; 8] = *b"\0wardmet";

/// The magic at the start of an encoded input.
pub const INPUT_MAGIC: [u8; 4] = *b"WDIN";

/// Sizes, field offsets, tags and codes of the input layout (`docs/abi.md`
/// section 2) and the results layout (section 3): each number once, for the
/// encoder, the decoders and the code generator.
pub mod layout {
    /// Size of the input header (64 bytes in version 1; version 2 added
    /// the parameters).
    pub const HEADER_SIZE: u32 = 72;
    /// Header: the magic, [`crate::INPUT_MAGIC`].
    pub const HEADER_MAGIC: u32 = 0;
    /// Header: ABI version.
    pub const HEADER_VERSION: u32 = 4;
    /// Header: total length.
    pub const HEADER_TOTAL_LEN: u32 = 8;
    /// Header: flags.
    pub const HEADER_FLAGS: u32 = 12;
    /// Header: resource count.
    pub const HEADER_RESOURCE_COUNT: u32 = 16;
    /// Header: offset of the resources table.
    pub const HEADER_RESOURCES_OFF: u32 = 20;
    /// Header: offset of the outgoing adjacency array.
    pub const HEADER_OUT_OFF: u32 = 24;
    /// Header: number of outgoing adjacency entries.
    pub const HEADER_OUT_COUNT: u32 = 28;
    /// Header: offset of the incoming adjacency array.
    pub const HEADER_IN_OFF: u32 = 32;
    /// Header: number of incoming adjacency entries.
    pub const HEADER_IN_COUNT: u32 = 36;
    /// Header: offset of the root value slot.
    pub const HEADER_ROOT_OFF: u32 = 40;
    /// Header: node count.
    pub const HEADER_NODE_COUNT: u32 = 44;
    /// Header: key table length.
    pub const HEADER_KEY_COUNT: u32 = 48;
    /// Header: input kind, one of the `INPUT_KIND_*` codes.
    pub const HEADER_INPUT_KIND: u32 = 52;
    /// Header: offset of the file name.
    pub const HEADER_FILE_OFF: u32 = 56;
    /// Header: length of the file name.
    pub const HEADER_FILE_LEN: u32 = 60;
    /// Header: offset of the parameters' value slot, a list holding
    /// parameter `i` of the metadata at index `i` (version 2).
    pub const HEADER_PARAMS_OFF: u32 = 64;
    /// Header: offset of the value slot of the template's parameter
    /// declarations, an object from parameter name to declaration, or null
    /// (version 3).
    pub const HEADER_DECLARATIONS_OFF: u32 = 68;
    /// Header flag: the document root is encoded.
    pub const FLAG_ROOT: u32 = 1;

    /// Input kind: a CloudFormation template.
    pub const INPUT_KIND_CLOUDFORMATION: u32 = 0;
    /// Input kind: a Terraform plan.
    pub const INPUT_KIND_TERRAFORM_PLAN: u32 = 1;
    /// Input kind: AWS Config configuration items.
    pub const INPUT_KIND_CONFIG_ITEMS: u32 = 2;
    /// Input kind: plain JSON or YAML data.
    pub const INPUT_KIND_JSON: u32 = 3;
    /// What a resource's `format` field reads for each input kind, indexed
    /// by the `INPUT_KIND_*` code.
    pub const INPUT_FORMATS: [&str; 4] = ["cloudformation", "terraform", "config", "data"];

    /// Size of a value slot.
    pub const SLOT_SIZE: u32 = 16;
    /// Slot: tag byte.
    pub const SLOT_TAG: u32 = 0;
    /// Slot: node id.
    pub const SLOT_NODE: u32 = 4;
    /// Slot: first payload word (bool, offset) or the `f64`.
    pub const SLOT_PAYLOAD: u32 = 8;
    /// Slot: second payload word (length, count).
    pub const SLOT_PAYLOAD_LEN: u32 = 12;

    /// Tag of `null`.
    pub const TAG_NULL: u8 = 0;
    /// Tag of a boolean.
    pub const TAG_BOOL: u8 = 1;
    /// Tag of a number.
    pub const TAG_NUMBER: u8 = 2;
    /// Tag of a string.
    pub const TAG_STRING: u8 = 3;
    /// Tag of a list.
    pub const TAG_LIST: u8 = 4;
    /// Tag of an object.
    pub const TAG_OBJECT: u8 = 5;
    /// Tag of an unknown value.
    pub const TAG_UNKNOWN: u8 = 6;

    /// Size of an object entry. An object's `count` entries are followed
    /// directly by its order array: `count` entry indexes of
    /// [`ORDER_INDEX_SIZE`] bytes, the entries in document order.
    pub const ENTRY_SIZE: u32 = 32;
    /// Entry: key id.
    pub const ENTRY_KEY_ID: u32 = 0;
    /// Entry: offset of the key string.
    pub const ENTRY_KEY_OFF: u32 = 4;
    /// Entry: length of the key string.
    pub const ENTRY_KEY_LEN: u32 = 8;
    /// Entry: position in document order.
    pub const ENTRY_ORDER: u32 = 12;
    /// Entry: the value slot.
    pub const ENTRY_VALUE: u32 = 16;
    /// Size of an index of an object's order array (a `u32`).
    pub const ORDER_INDEX_SIZE: u32 = 4;

    /// Size of a resource record.
    pub const RESOURCE_SIZE: u32 = 96;
    /// Resource: offset of the id string.
    pub const RESOURCE_ID_OFF: u32 = 0;
    /// Resource: length of the id string.
    pub const RESOURCE_ID_LEN: u32 = 4;
    /// Resource: offset of the type string.
    pub const RESOURCE_TYPE_OFF: u32 = 8;
    /// Resource: length of the type string.
    pub const RESOURCE_TYPE_LEN: u32 = 12;
    /// Resource: key id of the type.
    pub const RESOURCE_TYPE_KEY: u32 = 16;
    /// Resource: node id of the resource.
    pub const RESOURCE_NODE: u32 = 20;
    /// Resource: slot of `props`.
    pub const RESOURCE_PROPS: u32 = 24;
    /// Resource: slot of `tags`.
    pub const RESOURCE_TAGS: u32 = 40;
    /// Resource: slot of `metadata`.
    pub const RESOURCE_METADATA: u32 = 56;
    /// Resource: first outgoing adjacency entry.
    pub const RESOURCE_OUT_FIRST: u32 = 72;
    /// Resource: number of outgoing adjacency entries.
    pub const RESOURCE_OUT_COUNT: u32 = 76;
    /// Resource: first incoming adjacency entry.
    pub const RESOURCE_IN_FIRST: u32 = 80;
    /// Resource: number of incoming adjacency entries.
    pub const RESOURCE_IN_COUNT: u32 = 84;

    /// Size of an adjacency entry.
    pub const ADJACENCY_SIZE: u32 = 16;
    /// Adjacency: index of the other resource.
    pub const ADJACENCY_RESOURCE: u32 = 0;
    /// Adjacency: edge kinds bit set, of the `EDGE_*` bits.
    pub const ADJACENCY_KINDS: u32 = 4;
    /// Adjacency: offset of the entry's first via record.
    pub const ADJACENCY_VIA_OFF: u32 = 8;
    /// Adjacency: number of via records.
    pub const ADJACENCY_VIA_COUNT: u32 = 12;

    /// Byte +2 of a value slot: for a slot of tag unknown, what the value
    /// stands for (`UNKNOWN_*`); 0 otherwise. (Byte +1 is 0 as hosts write
    /// it; generated code uses it for values it builds.)
    pub const SLOT_KIND: u32 = 2;
    /// Unknown kind: anything else. The only kind without details.
    pub const UNKNOWN_OTHER: u8 = 0;
    /// Unknown kind: a reference to a resource of the input (`Ref`,
    /// `Fn::GetAtt`).
    pub const UNKNOWN_REFERENCE: u8 = 1;
    /// Unknown kind: a template parameter without a value.
    pub const UNKNOWN_PARAMETER: u8 = 2;
    /// Unknown kind: a pseudo parameter.
    pub const UNKNOWN_PSEUDO_PARAMETER: u8 = 3;
    /// Unknown kind: a dynamic reference `{{resolve:...}}`.
    pub const UNKNOWN_DYNAMIC_REFERENCE: u8 = 4;
    /// Unknown kind: `Fn::ImportValue`.
    pub const UNKNOWN_IMPORT: u8 = 5;
    /// Unknown kind: a Terraform value known after apply.
    pub const UNKNOWN_AFTER_APPLY: u8 = 6;
    /// Unknown kind: text with unknown parts; its details give the known
    /// prefix and suffix (the detail string is both, the target field the
    /// prefix's byte length).
    pub const UNKNOWN_TEXT: u8 = 7;
    /// The names of the unknown kinds, by code, as `unknown_kind(x)` gives
    /// them.
    pub const UNKNOWN_KIND_NAMES: [&str; 8] = [
        "other",
        "reference",
        "parameter",
        "pseudo_parameter",
        "dynamic_reference",
        "import",
        "after_apply",
        "text",
    ];
    /// Size of the details right before the reason string of an unknown
    /// value whose kind is not `UNKNOWN_OTHER`.
    pub const UNKNOWN_DETAILS_SIZE: u32 = 12;
    /// Details: index of the resource a reference points at, or `NONE`.
    pub const UNKNOWN_TARGET: u32 = 0;
    /// Details: offset of the detail string, or `NONE` when there is none.
    pub const UNKNOWN_DETAIL_OFF: u32 = 4;
    /// Details: byte length of the detail string.
    pub const UNKNOWN_DETAIL_LEN: u32 = 8;

    /// Size of a via record: where a reference is written, as a string.
    pub const VIA_SIZE: u32 = 8;
    /// Via record: offset of the path string.
    pub const VIA_STR_OFF: u32 = 0;
    /// Via record: byte length of the path string.
    pub const VIA_STR_LEN: u32 = 4;

    /// Edge kind bit: `Ref`.
    pub const EDGE_REF: u32 = 1;
    /// Edge kind bit: `Fn::GetAtt`.
    pub const EDGE_GET_ATT: u32 = 1 << 1;
    /// Edge kind bit: `Fn::Sub`.
    pub const EDGE_SUB: u32 = 1 << 2;
    /// Edge kind bit: `DependsOn`.
    pub const EDGE_DEPENDS_ON: u32 = 1 << 3;
    /// Edge kind bit: an AWS Config relationship.
    pub const EDGE_RELATIONSHIP: u32 = 1 << 4;
    /// Edge kind bit: a Terraform reference.
    pub const EDGE_REFERENCE: u32 = 1 << 5;

    /// Size of the results header.
    pub const RESULTS_SIZE: u32 = 32;
    /// Results: status, one of the `STATUS_*` codes.
    pub const RESULTS_STATUS: u32 = 0;
    /// Results: number of outcome entries.
    pub const RESULTS_OUTCOME_COUNT: u32 = 4;
    /// Results: address of the outcome array.
    pub const RESULTS_OUTCOMES: u32 = 8;
    /// Results: number of finding records.
    pub const RESULTS_FINDING_COUNT: u32 = 12;
    /// Results: address of the first finding record.
    pub const RESULTS_FIRST_FINDING: u32 = 16;
    /// Results: address of the status message.
    pub const RESULTS_MESSAGE: u32 = 20;
    /// Results: length of the status message.
    pub const RESULTS_MESSAGE_LEN: u32 = 24;
    /// Results: reserved, 0.
    pub const RESULTS_RESERVED: u32 = 28;

    /// Status: the rule was evaluated.
    pub const STATUS_OK: u32 = 0;
    /// Status: the module refused the input (bad magic or version, or a
    /// resource table outside the input).
    pub const STATUS_INPUT_REJECTED: u32 = 1;
    /// Status: the module reported an error.
    pub const STATUS_ERROR: u32 = 2;

    /// Size of an outcome entry.
    pub const OUTCOME_SIZE: u32 = 8;
    /// Outcome entry: resource index.
    pub const OUTCOME_RESOURCE: u32 = 0;
    /// Outcome entry: outcome, one of the `OUTCOME_*` codes.
    pub const OUTCOME_VALUE: u32 = 4;

    /// Outcome code: pass.
    pub const OUTCOME_PASS: u32 = 0;
    /// Outcome code: fail.
    pub const OUTCOME_FAIL: u32 = 1;
    /// Outcome code: skip.
    pub const OUTCOME_SKIP: u32 = 2;
    /// Outcome code: unknown.
    pub const OUTCOME_UNKNOWN: u32 = 3;

    /// Size of a finding record.
    pub const FINDING_SIZE: u32 = 32;
    /// Finding: address of the next record.
    pub const FINDING_NEXT: u32 = 0;
    /// Finding: resource index.
    pub const FINDING_RESOURCE: u32 = 4;
    /// Finding: node id.
    pub const FINDING_NODE: u32 = 8;
    /// Finding: check index.
    pub const FINDING_CHECK: u32 = 12;
    /// Finding: outcome, [`OUTCOME_FAIL`] or [`OUTCOME_UNKNOWN`].
    pub const FINDING_OUTCOME: u32 = 16;
    /// Finding: address of the message.
    pub const FINDING_MESSAGE: u32 = 20;
    /// Finding: length of the message.
    pub const FINDING_MESSAGE_LEN: u32 = 24;
    /// Finding: reserved, 0.
    pub const FINDING_RESERVED: u32 = 28;
}

/// The outcome of a rule on one resource, or of a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    /// Every check held.
    Pass,
    /// A check failed.
    Fail,
    /// A `when` guard excluded the resource.
    Skip,
    /// The input could not determine the result.
    Unknown,
}

impl Outcome {
    /// All outcomes, in code order.
    pub const ALL: [Outcome; 4] = [
        Outcome::Pass,
        Outcome::Fail,
        Outcome::Skip,
        Outcome::Unknown,
    ];

    /// The code used in results ([`layout::OUTCOME_PASS`] and the other
    /// `OUTCOME_*` codes).
    pub fn code(self) -> u32 {
        match self {
            Outcome::Pass => layout::OUTCOME_PASS,
            Outcome::Fail => layout::OUTCOME_FAIL,
            Outcome::Skip => layout::OUTCOME_SKIP,
            Outcome::Unknown => layout::OUTCOME_UNKNOWN,
        }
    }

    /// The outcome of a results code.
    pub fn from_code(code: u32) -> Option<Outcome> {
        match code {
            layout::OUTCOME_PASS => Some(Outcome::Pass),
            layout::OUTCOME_FAIL => Some(Outcome::Fail),
            layout::OUTCOME_SKIP => Some(Outcome::Skip),
            layout::OUTCOME_UNKNOWN => Some(Outcome::Unknown),
            _ => None,
        }
    }

    /// The lowercase word: `pass`, `fail`, `skip`, `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Skip => "skip",
            Outcome::Unknown => "unknown",
        }
    }

    /// Parses the lowercase word.
    pub fn parse(word: &str) -> Option<Outcome> {
        Outcome::ALL
            .into_iter()
            .find(|outcome| outcome.as_str() == word)
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
