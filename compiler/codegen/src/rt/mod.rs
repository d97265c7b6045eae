//! The runtime library generated into every module: allocation, value
//! operations, strings, numbers, regexes, CIDR blocks, graph traversal and
//! findings. Each function implements one operation of `docs/semantics.md`
//! exactly as the reference evaluator does.
//!
//! Functions are numbered by their position in [`Rt::ALL`]; they come
//! first in the module's function index space.

pub(crate) mod builtins;
pub(crate) mod core;
mod findings;
mod lists;
mod net;
mod strings;
mod text;

use ward_compiler::builtins::Builtin;
use wasm_encoder::ValType;

use ward_abi::layout::SLOT_TAG;

use crate::asm::Func;
use crate::layout::Pool;

/// A runtime function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Rt {
    Alloc,
    AllocOrZero,
    Ensure,
    NewNumber,
    NewString,
    NewStringRel,
    NewResource,
    Record,
    Truth,
    LookupId,
    LookupStr,
    Field,
    Prop,
    Index,
    StrEq,
    StrCmp,
    StrFind,
    Eq,
    RefEq,
    TextFits,
    Target,
    Declaration,
    UnknownDetail,
    Order,
    Contains,
    Arith,
    Neg,
    IterCount,
    IterBase,
    SbByte,
    SbBytes,
    SbFinish,
    Render,
    RenderQuoted,
    RenderNumber,
    RenderFixed,
    PushPadded,
    ParseNumber,
    ToNumber,
    DfaRun,
    DfaWalk,
    Matches,
    MatchesPartial,
    Count,
    Len,
    Keys,
    AsList,
    Exists,
    Case,
    Affix,
    NumberOf,
    StringOf,
    ParseDecimal,
    ParseIpv4,
    ParseGroups,
    ParseIpv6,
    ParseBlock,
    IsCidr,
    CidrContains,
    PortInRange,
    TypeMatch,
    OfType,
    OfTypes,
    Traverse,
    AddFinding,
    AddUnknown,
    AddFailure,
    StatusResults,
    Slice,
    Aggregate,
    Distinct,
    GlobOverlap,
    GlobMatch,
    Actions,
    Split,
    Join,
    Replace,
    Substring,
    ArnParts,
    Capture,
    CaptureClosure,
}

const I: ValType = ValType::I32;
const F: ValType = ValType::F64;
const L: ValType = ValType::I64;

impl Rt {
    /// Every runtime function, in index order.
    pub(crate) const ALL: &'static [Rt] = &[
        Rt::Alloc,
        Rt::AllocOrZero,
        Rt::Ensure,
        Rt::NewNumber,
        Rt::NewString,
        Rt::NewStringRel,
        Rt::NewResource,
        Rt::Record,
        Rt::Truth,
        Rt::LookupId,
        Rt::LookupStr,
        Rt::Field,
        Rt::Prop,
        Rt::Index,
        Rt::StrEq,
        Rt::StrCmp,
        Rt::StrFind,
        Rt::Eq,
        Rt::RefEq,
        Rt::TextFits,
        Rt::Target,
        Rt::Declaration,
        Rt::UnknownDetail,
        Rt::Order,
        Rt::Contains,
        Rt::Arith,
        Rt::Neg,
        Rt::IterCount,
        Rt::IterBase,
        Rt::SbByte,
        Rt::SbBytes,
        Rt::SbFinish,
        Rt::Render,
        Rt::RenderQuoted,
        Rt::RenderNumber,
        Rt::RenderFixed,
        Rt::PushPadded,
        Rt::ParseNumber,
        Rt::ToNumber,
        Rt::DfaRun,
        Rt::DfaWalk,
        Rt::Matches,
        Rt::MatchesPartial,
        Rt::Count,
        Rt::Len,
        Rt::Keys,
        Rt::AsList,
        Rt::Exists,
        Rt::Case,
        Rt::Affix,
        Rt::NumberOf,
        Rt::StringOf,
        Rt::ParseDecimal,
        Rt::ParseIpv4,
        Rt::ParseGroups,
        Rt::ParseIpv6,
        Rt::ParseBlock,
        Rt::IsCidr,
        Rt::CidrContains,
        Rt::PortInRange,
        Rt::TypeMatch,
        Rt::OfType,
        Rt::OfTypes,
        Rt::Traverse,
        Rt::AddFinding,
        Rt::AddUnknown,
        Rt::AddFailure,
        Rt::StatusResults,
        Rt::Slice,
        Rt::Aggregate,
        Rt::Distinct,
        Rt::GlobOverlap,
        Rt::GlobMatch,
        Rt::Actions,
        Rt::Split,
        Rt::Join,
        Rt::Replace,
        Rt::Substring,
        Rt::ArnParts,
        Rt::Capture,
        Rt::CaptureClosure,
    ];

    /// The function's index in the module.
    pub(crate) fn index(self) -> u32 {
        Rt::ALL
            .iter()
            .position(|rt| *rt == self)
            .and_then(|index| u32::try_from(index).ok())
            .unwrap_or(u32::MAX)
    }

    /// Parameter and result types.
    pub(crate) fn signature(self) -> (Vec<ValType>, Vec<ValType>) {
        let (params, results): (&[ValType], &[ValType]) = match self {
            Rt::Alloc | Rt::AllocOrZero => (&[I], &[I]),
            Rt::Ensure | Rt::SbByte => (&[I], &[]),
            Rt::NewResource
            | Rt::Record
            | Rt::Truth
            | Rt::Neg
            | Rt::IterCount
            | Rt::IterBase
            | Rt::SbFinish
            | Rt::ToNumber
            | Rt::Count
            | Rt::Len
            | Rt::AsList
            | Rt::Exists
            | Rt::Target
            | Rt::Declaration
            | Rt::UnknownDetail
            | Rt::NumberOf
            | Rt::StringOf
            | Rt::IsCidr
            | Rt::OfType
            | Rt::Distinct => (&[I], &[I]),
            Rt::NewNumber => (&[F], &[I]),
            Rt::NewString
            | Rt::NewStringRel
            | Rt::LookupId
            | Rt::Prop
            | Rt::Index
            | Rt::Eq
            | Rt::RefEq
            | Rt::TextFits
            | Rt::Contains
            | Rt::ParseNumber
            | Rt::Matches
            | Rt::MatchesPartial
            | Rt::Keys
            | Rt::Case
            | Rt::CidrContains
            | Rt::OfTypes
            | Rt::Aggregate => (&[I, I], &[I]),
            Rt::LookupStr
            | Rt::Field
            | Rt::Order
            | Rt::Arith
            | Rt::DfaRun
            | Rt::Affix
            | Rt::ParseDecimal
            | Rt::ParseBlock
            | Rt::PortInRange
            | Rt::TypeMatch
            | Rt::ParseIpv6
            | Rt::StatusResults
            | Rt::Slice => (&[I, I, I], &[I]),
            Rt::StrEq | Rt::StrCmp | Rt::StrFind | Rt::ParseGroups | Rt::DfaWalk => {
                (&[I, I, I, I], &[I])
            }
            Rt::Traverse => (&[I, I, I, I, I], &[I]),
            Rt::SbBytes | Rt::Render | Rt::RenderQuoted | Rt::AddUnknown => (&[I, I], &[]),
            Rt::RenderNumber => (&[F], &[]),
            Rt::RenderFixed => (&[I, F], &[]),
            Rt::PushPadded => (&[L, I], &[]),
            Rt::ParseIpv4 => (&[I, I], &[L]),
            Rt::AddFinding => (&[I, I, I, I, I], &[]),
            Rt::AddFailure => (&[I, I, I], &[]),
            Rt::ArnParts => (&[I], &[I]),
            Rt::GlobMatch | Rt::Split | Rt::Join | Rt::Capture => (&[I, I], &[I]),
            Rt::Actions | Rt::Replace | Rt::Substring => (&[I, I, I], &[I]),
            Rt::GlobOverlap => (&[I, I, I, I, I], &[I]),
            Rt::CaptureClosure => (&[I, I, I, I, I, I, I, I], &[]),
        };
        (params.to_vec(), results.to_vec())
    }

    /// The builtins that need this function, when only some do: a module
    /// whose rules call none of them gets a [`Rt::stub`] instead. Empty for
    /// the functions every module carries.
    pub(crate) fn only_for(self) -> &'static [Builtin] {
        match self {
            Rt::GlobOverlap => &[
                Builtin::GlobMatch,
                Builtin::ActionMatches,
                Builtin::ActionsOverlap,
            ],
            Rt::GlobMatch => &[Builtin::GlobMatch],
            Rt::Actions => &[Builtin::ActionMatches, Builtin::ActionsOverlap],
            Rt::Split => &[Builtin::Split],
            Rt::Join => &[Builtin::Join],
            Rt::Replace => &[Builtin::Replace],
            Rt::Substring => &[Builtin::Substring],
            Rt::ArnParts => &[Builtin::Arn],
            Rt::Declaration => &[Builtin::Parameter],
            Rt::UnknownDetail => &[Builtin::UnknownDetail],
            Rt::Capture | Rt::CaptureClosure => &[Builtin::Capture],
            _ => &[],
        }
    }

    /// A body that does nothing but return `null` (or nothing), for a
    /// function the program never calls.
    pub(crate) fn stub(self) -> Func {
        let (params, results) = self.signature();
        let mut f = Func::new(u32::try_from(params.len()).unwrap_or(0));
        if !results.is_empty() {
            f.u32c(crate::layout::NULL);
        }
        f
    }

    /// The function's body.
    pub(crate) fn emit(self, texts: &Texts) -> Func {
        let params = u32::try_from(self.signature().0.len()).unwrap_or(0);
        let mut f = Func::new(params);
        match self {
            Rt::Alloc => core::alloc(&mut f, true),
            Rt::AllocOrZero => core::alloc(&mut f, false),
            Rt::Ensure => core::ensure(&mut f),
            Rt::NewNumber => core::new_number(&mut f),
            Rt::NewString => core::new_string(&mut f, true),
            Rt::NewStringRel => core::new_string(&mut f, false),
            Rt::NewResource => core::new_resource(&mut f),
            Rt::Record => core::record(&mut f),
            Rt::Truth => core::truth(&mut f),
            Rt::LookupId => core::lookup_id(&mut f),
            Rt::LookupStr => core::lookup_str(&mut f),
            Rt::Field => core::field(&mut f),
            Rt::Prop => core::prop(&mut f),
            Rt::Index => core::index(&mut f),
            Rt::StrEq => core::str_eq(&mut f),
            Rt::StrCmp => core::str_cmp(&mut f),
            Rt::StrFind => core::str_find(&mut f),
            Rt::Eq => core::eq(&mut f),
            Rt::RefEq => core::ref_eq(&mut f),
            Rt::TextFits => core::text_fits(&mut f),
            Rt::Target => core::target(&mut f),
            Rt::Declaration => core::declaration(&mut f),
            Rt::UnknownDetail => core::unknown_detail(&mut f),
            Rt::Order => core::order(&mut f),
            Rt::Contains => core::contains(&mut f),
            Rt::Arith => core::arith(&mut f),
            Rt::Neg => core::neg(&mut f),
            Rt::IterCount => core::iter_count(&mut f),
            Rt::IterBase => core::iter_base(&mut f),
            Rt::SbByte => text::sb_byte(&mut f),
            Rt::SbBytes => text::sb_bytes(&mut f),
            Rt::SbFinish => text::sb_finish(&mut f),
            Rt::Render => text::render(&mut f, texts),
            Rt::RenderQuoted => text::render_quoted(&mut f),
            Rt::RenderNumber => text::render_number(&mut f, texts),
            Rt::RenderFixed => text::render_fixed(&mut f),
            Rt::PushPadded => text::push_padded(&mut f),
            Rt::ParseNumber => text::parse_number(&mut f),
            Rt::ToNumber => text::to_number(&mut f),
            Rt::DfaRun => text::dfa_run(&mut f),
            Rt::DfaWalk => text::dfa_walk(&mut f),
            Rt::Matches => text::matches(&mut f),
            Rt::MatchesPartial => text::matches_partial(&mut f),
            Rt::Count => builtins::count(&mut f),
            Rt::Len => builtins::len(&mut f),
            Rt::Keys => builtins::keys(&mut f),
            Rt::AsList => builtins::as_list(&mut f),
            Rt::Exists => builtins::exists(&mut f),
            Rt::Case => builtins::case(&mut f),
            Rt::Affix => builtins::affix(&mut f),
            Rt::NumberOf => builtins::number_of(&mut f),
            Rt::StringOf => builtins::string_of(&mut f, texts),
            Rt::ParseDecimal => net::parse_decimal(&mut f),
            Rt::ParseIpv4 => net::parse_ipv4(&mut f),
            Rt::ParseGroups => net::parse_groups(&mut f),
            Rt::ParseIpv6 => net::parse_ipv6(&mut f),
            Rt::ParseBlock => net::parse_block(&mut f),
            Rt::IsCidr => net::is_cidr(&mut f),
            Rt::CidrContains => net::cidr_contains(&mut f),
            Rt::PortInRange => builtins::port_in_range(&mut f),
            Rt::TypeMatch => builtins::type_match(&mut f),
            Rt::OfType => builtins::of_type(&mut f),
            Rt::OfTypes => builtins::of_types(&mut f),
            Rt::Traverse => builtins::traverse(&mut f),
            Rt::AddFinding => findings::add_finding(&mut f),
            Rt::AddUnknown => findings::add_unknown(&mut f, texts),
            Rt::AddFailure => findings::add_failure(&mut f, texts),
            Rt::StatusResults => findings::status_results(&mut f),
            Rt::Slice => lists::slice(&mut f),
            Rt::Aggregate => lists::aggregate(&mut f),
            Rt::Distinct => lists::distinct(&mut f),
            Rt::GlobOverlap => strings::glob_overlap(&mut f),
            Rt::GlobMatch => strings::glob_match(&mut f),
            Rt::Actions => strings::actions(&mut f),
            Rt::Split => strings::split(&mut f),
            Rt::Join => strings::join(&mut f),
            Rt::Replace => strings::replace(&mut f),
            Rt::Substring => strings::substring(&mut f),
            Rt::ArnParts => strings::arn_parts(&mut f),
            Rt::Capture => strings::capture(&mut f),
            Rt::CaptureClosure => strings::capture_closure(&mut f),
        }
        f
    }
}

/// Fixed texts the runtime writes, in the constant pool.
pub(crate) struct Texts {
    pub(crate) null: (u32, u32),
    pub(crate) true_: (u32, u32),
    pub(crate) false_: (u32, u32),
    pub(crate) unknown: (u32, u32),
    pub(crate) nan: (u32, u32),
    pub(crate) inf: (u32, u32),
    pub(crate) minus_inf: (u32, u32),
    pub(crate) backtick: (u32, u32),
    pub(crate) failed_for: (u32, u32),
    pub(crate) unknown_for: (u32, u32),
    pub(crate) reason: (u32, u32),
    /// What messages call the input a rule without a `for` clause runs on.
    pub(crate) input: (u32, u32),
    /// The strings `"true"` and `"false"` as value slots.
    pub(crate) true_slot: u32,
    pub(crate) false_slot: u32,
}

impl Texts {
    pub(crate) fn new(pool: &mut Pool) -> Texts {
        Texts {
            null: pool.string("null"),
            true_: pool.string("true"),
            false_: pool.string("false"),
            unknown: pool.string("<unknown>"),
            nan: pool.string("NaN"),
            inf: pool.string("inf"),
            minus_inf: pool.string("-inf"),
            backtick: pool.string("`"),
            failed_for: pool.string("` failed for `"),
            unknown_for: pool.string("` is unknown for `"),
            reason: pool.string("`: "),
            input: pool.string("input"),
            true_slot: pool.string_slot("true"),
            false_slot: pool.string_slot("false"),
        }
    }
}

/// Pushes the tag of the slot in `local`.
pub(crate) fn tag(f: &mut Func, local: u32) {
    f.get(local).load8(SLOT_TAG);
}

/// Emits `if tag(local) == tag { return result_local }`.
pub(crate) fn return_if_tag(f: &mut Func, local: u32, tag_value: u8, result: u32) {
    tag(f, local);
    f.i32c(i32::from(tag_value))
        .eq()
        .if_()
        .get(result)
        .ret()
        .end();
}

/// Pushes `(address, length)` of a fixed text.
pub(crate) fn text(f: &mut Func, text: (u32, u32)) {
    f.u32c(text.0).u32c(text.1);
}
