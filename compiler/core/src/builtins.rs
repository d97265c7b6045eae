//! The built-in functions: their names, signatures and documentation.
//!
//! This table is the one place that knows what a builtin takes and returns;
//! the type checker, the evaluator, the code generator and the editor
//! features all read it.

use ward_syntax::ast::{Expr, ExprKind};

use crate::types::Ty;

/// A built-in function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Builtin {
    /// `resources(type, ...)`.
    Resources,
    /// `refs(resource)` / `refs(resource, type)`.
    Refs,
    /// `referrers(resource)` / `referrers(resource, type)`.
    Referrers,
    /// `count(list)`.
    Count,
    /// `len(value)`.
    Len,
    /// `keys(object)`.
    Keys,
    /// `values(object)`.
    Values,
    /// `as_list(value)`.
    AsList,
    /// `exists(value)`.
    Exists,
    /// `is_unknown(value)`.
    IsUnknown,
    /// `target(reference)`.
    Target,
    /// `unknown_kind(value)`.
    UnknownKind,
    /// `parameter(value)`.
    Parameter,
    /// `unknown_detail(value)`.
    UnknownDetail,
    /// `unknown(reason)`.
    Unknown,
    /// `lower(string)`.
    Lower,
    /// `upper(string)`.
    Upper,
    /// `starts_with(string, prefix)`.
    StartsWith,
    /// `ends_with(string, suffix)`.
    EndsWith,
    /// `contains(haystack, needle)`.
    Contains,
    /// `number(value)`.
    Number,
    /// `string(value)`.
    String,
    /// `is_cidr(string)`.
    IsCidr,
    /// `cidr_contains(outer, inner)`.
    CidrContains,
    /// `port_in_range(port, from, to)`.
    PortInRange,
    /// `sum(list)`.
    Sum,
    /// `min(list)`.
    Min,
    /// `max(list)`.
    Max,
    /// `distinct(list)`.
    Distinct,
    /// `split(text, separator)`.
    Split,
    /// `join(items, separator)`.
    Join,
    /// `replace(text, old, new)`.
    Replace,
    /// `substring(text, start, end?)`.
    Substring,
    /// `capture(text, pattern)`.
    Capture,
    /// `glob_match(pattern, text)`.
    GlobMatch,
    /// `action_matches(patterns, actions)`.
    ActionMatches,
    /// `actions_overlap(a, b)`.
    ActionsOverlap,
    /// `arn(text)`.
    Arn,
}

/// A builtin's signature and documentation.
#[derive(Clone, Copy, Debug)]
pub struct BuiltinInfo {
    /// Which builtin.
    pub builtin: Builtin,
    /// Its name.
    pub name: &'static str,
    /// Parameter names with their types.
    pub params: &'static [(&'static str, Ty)],
    /// Parameters that may be left out at the end.
    pub optional: usize,
    /// Whether the last parameter repeats.
    pub variadic: bool,
    /// What it returns.
    pub returns: Ty,
    /// One paragraph of documentation (Markdown).
    pub doc: &'static str,
}

impl BuiltinInfo {
    /// The signature as shown in hovers and signature help.
    pub fn signature(&self) -> String {
        let params: Vec<String> = self
            .params
            .iter()
            .enumerate()
            .map(|(index, (name, ty))| {
                let optional = index + self.optional >= self.params.len();
                let dots = if self.variadic && index + 1 == self.params.len() {
                    ", ..."
                } else {
                    ""
                };
                let mark = if optional { "?" } else { "" };
                format!("{name}{mark}: {ty}{dots}")
            })
            .collect();
        format!("{}({}) -> {}", self.name, params.join(", "), self.returns)
    }

    /// Whether `count` arguments are accepted.
    pub fn accepts(&self, count: usize) -> bool {
        let max = self.params.len();
        let min = max - self.optional;
        count >= min && (self.variadic || count <= max)
    }
}

const RESOURCE_LIST: Ty = Ty::ResourceList;

/// The reason `unknown(x)` gives when `x` is neither a string nor unknown.
pub const NO_REASON: &str = "no reason given";

/// Every builtin, in the order of the reference.
pub const BUILTINS: &[BuiltinInfo] = &[
    BuiltinInfo {
        builtin: Builtin::Resources,
        name: "resources",
        params: &[("resource_type", Ty::String)],
        optional: 0,
        variadic: true,
        returns: RESOURCE_LIST,
        doc: "All resources of the input whose type is one of the given types, such as `\"AWS::S3::Bucket\"` or `\"aws_s3_bucket\"`. A type ending in `*` matches by prefix (`\"AWS::EC2::*\"`).",
    },
    BuiltinInfo {
        builtin: Builtin::Refs,
        name: "refs",
        params: &[
            ("resource", Ty::Resource),
            ("resource_type", Ty::String),
            ("via", Ty::String),
        ],
        optional: 2,
        variadic: false,
        returns: RESOURCE_LIST,
        doc: "The resources that `resource` refers to (through `Ref`, `Fn::GetAtt`, `Fn::Sub`, Terraform references or AWS Config relationships), optionally only those of one type. `via: \"Bucket\"` keeps only references written in that property (or below it: `via: \"PolicyDocument.Statement\"`; list positions are not written); `via: \"DependsOn\"` gives the resources named in `DependsOn`, which are not references otherwise.",
    },
    BuiltinInfo {
        builtin: Builtin::Referrers,
        name: "referrers",
        params: &[
            ("resource", Ty::Resource),
            ("resource_type", Ty::String),
            ("via", Ty::String),
        ],
        optional: 2,
        variadic: false,
        returns: RESOURCE_LIST,
        doc: "The resources that refer to `resource`, optionally only those of one type: the other direction of `refs`. `via: \"Bucket\"` keeps only referrers that name `resource` in that property of theirs: `referrers(bucket, \"AWS::S3::BucketPolicy\", via: \"Bucket\")` is the policy of this bucket, not every policy that mentions it.",
    },
    BuiltinInfo {
        builtin: Builtin::Count,
        name: "count",
        params: &[("list", Ty::List)],
        optional: 0,
        variadic: false,
        returns: Ty::Number,
        doc: "The number of elements of a list; `null` counts as an empty list.",
    },
    BuiltinInfo {
        builtin: Builtin::Len,
        name: "len",
        params: &[("value", Ty::Any)],
        optional: 0,
        variadic: false,
        returns: Ty::Number,
        doc: "The length of a string (in characters), a list or an object (its number of keys); `null` has length 0.",
    },
    BuiltinInfo {
        builtin: Builtin::Keys,
        name: "keys",
        params: &[("object", Ty::Object)],
        optional: 0,
        variadic: false,
        returns: Ty::List,
        doc: "The keys of an object, in document order.",
    },
    BuiltinInfo {
        builtin: Builtin::Values,
        name: "values",
        params: &[("object", Ty::Object)],
        optional: 0,
        variadic: false,
        returns: Ty::List,
        doc: "The values of an object, in document order.",
    },
    BuiltinInfo {
        builtin: Builtin::AsList,
        name: "as_list",
        params: &[("value", Ty::Any)],
        optional: 0,
        variadic: false,
        returns: Ty::List,
        doc: "A list as it is, `null` as the empty list, anything else as a list of one element. For properties that may be written as one value or a list, such as IAM `Action`.",
    },
    BuiltinInfo {
        builtin: Builtin::Exists,
        name: "exists",
        params: &[("value", Ty::Any)],
        optional: 0,
        variadic: false,
        returns: Ty::Bool,
        doc: "Whether a value is present: false for an absent property or `null`, unknown for an unknown value.",
    },
    BuiltinInfo {
        builtin: Builtin::IsUnknown,
        name: "is_unknown",
        params: &[("value", Ty::Any)],
        optional: 0,
        variadic: false,
        returns: Ty::Bool,
        doc: "Whether the input cannot determine a value (a parameter without default, an attribute known only at deploy time). A reference to a resource of the input (`!Ref Bucket`, `!GetAtt Role.Arn`) is a value: `is_unknown` is false for it. Always true or false, never unknown.",
    },
    BuiltinInfo {
        builtin: Builtin::Target,
        name: "target",
        params: &[("reference", Ty::Any)],
        optional: 0,
        variadic: false,
        returns: Ty::Resource,
        doc: "The resource a reference points at: `target(flow.props.ResourceId)` is the VPC of `ResourceId: !Ref Vpc`. `null` for a value that is not a reference to a resource of the input; unknown for an unknown value of another kind.",
    },
    BuiltinInfo {
        builtin: Builtin::UnknownKind,
        name: "unknown_kind",
        params: &[("value", Ty::Any)],
        optional: 0,
        variadic: false,
        returns: Ty::String,
        doc: "What an unknown value stands for: `\"reference\"` (a `Ref` or `Fn::GetAtt` of a resource), `\"parameter\"` (a parameter without default), `\"pseudo_parameter\"`, `\"dynamic_reference\"` (`{{resolve:...}}`), `\"import\"` (`Fn::ImportValue`), `\"after_apply\"` (Terraform), `\"text\"` (text with known and unknown parts, from `Fn::Sub` or `Fn::Join`) or `\"other\"`; `null` for a value that is not unknown. Never unknown itself.",
    },
    BuiltinInfo {
        builtin: Builtin::Parameter,
        name: "parameter",
        params: &[("value", Ty::Any)],
        optional: 0,
        variadic: false,
        returns: Ty::Object,
        doc: "The template's declaration of the parameter an unknown value stands for (`unknown_kind(x) == \"parameter\"`: a parameter without a value): the object written under `Parameters`, keys as written (`Type`, `NoEcho`, `AllowedValues`, `AllowedPattern`, `Description`, ...), so `parameter(db.props.MasterUserPassword).NoEcho` tells a hidden parameter from a plain one. `null` for any other value: a parameter with a value (its `Default`, or one given to `ward check`) is that value, a literal to the rule. Never unknown itself.",
    },
    BuiltinInfo {
        builtin: Builtin::UnknownDetail,
        name: "unknown_detail",
        params: &[("value", Ty::Any)],
        optional: 0,
        variadic: false,
        returns: Ty::String,
        doc: "What details an unknown value's kind: the service of a dynamic reference (`\"secretsmanager\"`, `\"ssm-secure\"`, `\"ssm\"`), the name of a parameter or pseudo parameter, the attribute of a `Fn::GetAtt` reference. `null` for a `Ref` of a resource, for unknown values of other kinds and for every known value. Never unknown itself.",
    },
    BuiltinInfo {
        builtin: Builtin::Unknown,
        name: "unknown",
        params: &[("reason", Ty::String)],
        optional: 0,
        variadic: false,
        returns: Ty::Any,
        doc: "An unknown value with this reason, for a check the input cannot decide: where a format does not record a setting, `require unknown(\"AWS Config items do not record key rotation\")` makes the outcome *unknown* with that reason, never a silent pass or a false failure. An unknown argument is returned as it is; any other non-string gives the reason `no reason given`.",
    },
    BuiltinInfo {
        builtin: Builtin::Lower,
        name: "lower",
        params: &[("text", Ty::String)],
        optional: 0,
        variadic: false,
        returns: Ty::String,
        doc: "The string in lower case (ASCII letters).",
    },
    BuiltinInfo {
        builtin: Builtin::Upper,
        name: "upper",
        params: &[("text", Ty::String)],
        optional: 0,
        variadic: false,
        returns: Ty::String,
        doc: "The string in upper case (ASCII letters).",
    },
    BuiltinInfo {
        builtin: Builtin::StartsWith,
        name: "starts_with",
        params: &[("text", Ty::String), ("prefix", Ty::String)],
        optional: 0,
        variadic: false,
        returns: Ty::Bool,
        doc: "Whether `text` starts with `prefix`; false when `text` is not a string.",
    },
    BuiltinInfo {
        builtin: Builtin::EndsWith,
        name: "ends_with",
        params: &[("text", Ty::String), ("suffix", Ty::String)],
        optional: 0,
        variadic: false,
        returns: Ty::Bool,
        doc: "Whether `text` ends with `suffix`; false when `text` is not a string.",
    },
    BuiltinInfo {
        builtin: Builtin::Contains,
        name: "contains",
        params: &[("haystack", Ty::Any), ("needle", Ty::Any)],
        optional: 0,
        variadic: false,
        returns: Ty::Bool,
        doc: "For a string, whether it contains `needle` as a substring; for a list, whether an element equals `needle`; for an object, whether it has the key `needle`.",
    },
    BuiltinInfo {
        builtin: Builtin::Number,
        name: "number",
        params: &[("value", Ty::Any)],
        optional: 0,
        variadic: false,
        returns: Ty::Number,
        doc: "A number as it is, a numeric string (`\"22\"`) as a number, anything else as `null`. CloudFormation templates often write ports as strings.",
    },
    BuiltinInfo {
        builtin: Builtin::String,
        name: "string",
        params: &[("value", Ty::Any)],
        optional: 0,
        variadic: false,
        returns: Ty::String,
        doc: "The value as text: strings as they are, numbers and booleans printed, resources as their id, lists and objects as JSON.",
    },
    BuiltinInfo {
        builtin: Builtin::IsCidr,
        name: "is_cidr",
        params: &[("text", Ty::String)],
        optional: 0,
        variadic: false,
        returns: Ty::Bool,
        doc: "Whether the string is an IPv4 or IPv6 CIDR block such as `10.0.0.0/16` or `::/0`.",
    },
    BuiltinInfo {
        builtin: Builtin::CidrContains,
        name: "cidr_contains",
        params: &[("outer", Ty::String), ("inner", Ty::String)],
        optional: 0,
        variadic: false,
        returns: Ty::Bool,
        doc: "Whether the CIDR block `outer` contains the address or block `inner` (same IP version). False when either is not a valid address or block.",
    },
    BuiltinInfo {
        builtin: Builtin::PortInRange,
        name: "port_in_range",
        params: &[("port", Ty::Number), ("from", Ty::Any), ("to", Ty::Any)],
        optional: 0,
        variadic: false,
        returns: Ty::Bool,
        doc: "Whether `port` lies in `from..=to`. Numeric strings count as numbers; `-1` as `from` (all ports, as security groups write it) covers every port; an absent bound is false.",
    },
    BuiltinInfo {
        builtin: Builtin::Sum,
        name: "sum",
        params: &[("list", Ty::List)],
        optional: 0,
        variadic: false,
        returns: Ty::Number,
        doc: "The sum of the numbers of a list; `0` for an empty list (or `null`). Unknown when the list or one of its elements is unknown; `null` when an element is not a number.",
    },
    BuiltinInfo {
        builtin: Builtin::Min,
        name: "min",
        params: &[("list", Ty::List)],
        optional: 0,
        variadic: false,
        returns: Ty::Any,
        doc: "The smallest element of a list of numbers, or of a list of strings (by bytes); `null` for an empty list or when the elements are not all numbers or all strings. Unknown when the list or one of its elements is unknown.",
    },
    BuiltinInfo {
        builtin: Builtin::Max,
        name: "max",
        params: &[("list", Ty::List)],
        optional: 0,
        variadic: false,
        returns: Ty::Any,
        doc: "The largest element of a list of numbers, or of a list of strings (by bytes); `null` for an empty list or when the elements are not all numbers or all strings. Unknown when the list or one of its elements is unknown.",
    },
    BuiltinInfo {
        builtin: Builtin::Distinct,
        name: "distinct",
        params: &[("list", Ty::List)],
        optional: 0,
        variadic: false,
        returns: Ty::List,
        doc: "The elements of a list without repeats, each at its first occurrence, compared as `==` does. Unknown when the list is unknown, or when whether two elements are equal is unknown.",
    },
    BuiltinInfo {
        builtin: Builtin::Split,
        name: "split",
        params: &[("text", Ty::String), ("separator", Ty::String)],
        optional: 0,
        variadic: false,
        returns: Ty::List,
        doc: "The pieces of `text` between occurrences of `separator`, in order: `split(\"a,b,,c\", \",\")` is `[\"a\", \"b\", \"\", \"c\"]`. An empty separator gives `[text]`; `null` when either is not a string.",
    },
    BuiltinInfo {
        builtin: Builtin::Join,
        name: "join",
        params: &[("items", Ty::List), ("separator", Ty::String)],
        optional: 0,
        variadic: false,
        returns: Ty::String,
        doc: "The items written one after the other with `separator` between them. Strings are taken as they are, numbers and booleans as `string()` writes them; `null` when `items` is not a list, `separator` is not a string, or an item is `null`, a list, an object or a resource.",
    },
    BuiltinInfo {
        builtin: Builtin::Replace,
        name: "replace",
        params: &[
            ("text", Ty::String),
            ("old", Ty::String),
            ("new", Ty::String),
        ],
        optional: 0,
        variadic: false,
        returns: Ty::String,
        doc: "`text` with every occurrence of `old` replaced by `new`, left to right and without overlaps. An empty `old` leaves `text` as it is; `null` when an argument is not a string.",
    },
    BuiltinInfo {
        builtin: Builtin::Substring,
        name: "substring",
        params: &[
            ("text", Ty::String),
            ("start", Ty::Number),
            ("end", Ty::Number),
        ],
        optional: 1,
        variadic: false,
        returns: Ty::String,
        doc: "The characters of `text` from `start` up to `end` excluded (to the end when `end` is left out or `null`), counted in characters as `len` counts them. Bounds are truncated to integers and clamped to `0..=len(text)`, so it is never an error: `substring(\"abc\", 1, 99)` is `\"bc\"`, and an `end` before `start` gives `\"\"`.",
    },
    BuiltinInfo {
        builtin: Builtin::Capture,
        name: "capture",
        params: &[("text", Ty::String), ("pattern", Ty::String)],
        optional: 0,
        variadic: false,
        returns: Ty::List,
        doc: "The groups of the first match of the regular expression `pattern` (a string literal, as for `matches`) in `text`, as a list: `capture(arn, r\"^arn:aws:iam::(\\d+):role/(.*)$\")[0]` is the account. A group that took no part in the match is `null`; the result is `null` when nothing matches or `text` is not a string.",
    },
    BuiltinInfo {
        builtin: Builtin::GlobMatch,
        name: "glob_match",
        params: &[("pattern", Ty::String), ("text", Ty::String)],
        optional: 0,
        variadic: false,
        returns: Ty::Bool,
        doc: "Whether the whole of `text` matches `pattern`, where `*` stands for any run of characters (also none), `?` for exactly one character, and everything else for itself, case-sensitively. False when either is not a string.",
    },
    BuiltinInfo {
        builtin: Builtin::ActionMatches,
        name: "action_matches",
        params: &[("patterns", Ty::Any), ("actions", Ty::Any)],
        optional: 0,
        variadic: false,
        returns: Ty::Bool,
        doc: "Whether an IAM action pattern covers an action, as AWS decides it: case-insensitively, `*` for any run of characters and `?` for one, so `iam:*Role`, `iam:Pass*` and `*` all cover `iam:PassRole`. The actions are taken literally. Either side may be a string or a list (true when any pattern covers any action, as for a statement's `Action`); other values cover nothing.",
    },
    BuiltinInfo {
        builtin: Builtin::ActionsOverlap,
        name: "actions_overlap",
        params: &[("a", Ty::Any), ("b", Ty::Any)],
        optional: 0,
        variadic: false,
        returns: Ty::Bool,
        doc: "Whether there is an action that both IAM action patterns cover, wildcards on both sides: `actions_overlap(\"iam:*Role\", \"iam:Pass*\")` is true (`iam:PassRole`), `actions_overlap(\"s3:*\", \"iam:*\")` false. Either side may be a string or a list, so `actions_overlap(stmt.Action, [\"iam:PassRole\", \"kms:*\"])` asks whether a statement grants any of the listed actions.",
    },
    BuiltinInfo {
        builtin: Builtin::Arn,
        name: "arn",
        params: &[("text", Ty::String)],
        optional: 0,
        variadic: false,
        returns: Ty::Object,
        doc: "An ARN taken apart: `{partition, service, region, account, resource}`, where `resource` is everything after the fifth `:` (colons and slashes included). `null` when `text` is not an ARN: it must start with `arn:`, have a partition, a service and a resource.",
    },
];

/// The fields of the object `arn(...)` returns, in its order.
pub const ARN_FIELDS: [&str; 5] = ["partition", "service", "region", "account", "resource"];

/// The builtin with this name.
pub fn lookup(name: &str) -> Option<&'static BuiltinInfo> {
    BUILTINS.iter().find(|info| info.name == name)
}

/// Why a call's arguments do not fit a builtin's parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArgumentError {
    /// The argument at fault (the whole call's span for a missing one).
    pub span: ward_syntax::ast::Span,
    /// What is wrong, in lowercase.
    pub message: String,
}

/// Places a builtin call's arguments at its parameters: positional
/// arguments in order, then named ones (`via: "Bucket"`) at the parameter
/// of that name. The result holds, for each parameter, the index in `args`
/// of its argument, `None` for a parameter given none; it is as long as the
/// last parameter given. Errors for a name the builtin does not have, a
/// parameter given twice, a positional argument after a named one, and a
/// named argument to a variadic parameter.
pub fn arrange(
    info: &BuiltinInfo,
    call: ward_syntax::ast::Span,
    args: &[Expr],
) -> Result<Vec<Option<usize>>, ArgumentError> {
    let mut placed: Vec<Option<usize>> = Vec::with_capacity(args.len());
    let mut named_seen = false;
    for (index, arg) in args.iter().enumerate() {
        match &arg.kind {
            ExprKind::Named(name, _) => {
                named_seen = true;
                let Some(position) = info.params.iter().position(|(p, _)| *p == name.name) else {
                    let names: Vec<String> =
                        info.params.iter().map(|(p, _)| format!("`{p}`")).collect();
                    return Err(ArgumentError {
                        span: name.span,
                        message: format!(
                            "`{}` has no parameter `{}` (it has {})",
                            info.name,
                            name.name,
                            names.join(", ")
                        ),
                    });
                };
                if info.variadic && position + 1 == info.params.len() {
                    return Err(ArgumentError {
                        span: name.span,
                        message: format!("`{}` can not be given by name", name.name),
                    });
                }
                if placed.len() <= position {
                    placed.resize(position + 1, None);
                }
                if placed[position].is_some() {
                    return Err(ArgumentError {
                        span: name.span,
                        message: format!("`{}` is given twice", name.name),
                    });
                }
                placed[position] = Some(index);
            }
            _ if named_seen => {
                return Err(ArgumentError {
                    span: arg.span,
                    message: "a positional argument can not follow a named one".to_string(),
                });
            }
            _ => placed.push(Some(index)),
        }
    }
    let required = info.params.len() - info.optional;
    if let Some(missing) = (0..required.min(placed.len())).find(|&i| placed[i].is_none()) {
        return Err(ArgumentError {
            span: call,
            message: format!(
                "`{}` needs `{}` when a later parameter is given",
                info.name, info.params[missing].0
            ),
        });
    }
    Ok(placed)
}

/// An argument's value: the expression itself, or a named argument's value.
pub fn argument_value(arg: &Expr) -> &Expr {
    match &arg.kind {
        ExprKind::Named(_, value) => value,
        _ => arg,
    }
}

/// Information about a builtin.
pub fn info(builtin: Builtin) -> &'static BuiltinInfo {
    BUILTINS
        .iter()
        .find(|info| info.builtin == builtin)
        .unwrap_or(&BUILTINS[0])
}
