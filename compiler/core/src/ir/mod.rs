//! The intermediate representation: what the evaluator interprets and the
//! code generator translates to WebAssembly.
//!
//! The IR is lowered from the analysed syntax tree. Every name is resolved
//! (through [`crate::Analysis::uses`]) to a numbered slot, a function or a
//! builtin, so nothing downstream looks at names again. It keeps the shape of
//! the source (statements and expressions) but makes every operation
//! explicit:
//!
//! - **Frames and slots.** A rule or a function is a frame with a fixed
//!   number of local slots ([`LocalId`]). A rule's resource variable, `let`
//!   bindings, `for` and quantifier variables each get their own slot; a
//!   function's parameters are its first slots. Slots are never reused, so
//!   a frame is a plain array.
//! - **Three-valued expressions.** Every [`Expr`] evaluates to a value that
//!   may be *unknown*; `and`, `or`, `not`, comparisons and quantifiers follow
//!   Kleene logic. `not in` is lowered to `not (a in b)`.
//! - **Loops.** Quantifiers are [`Expr::Quantifier`] loops over the
//!   iteration of a value; `for` is [`Stmt::For`].
//! - **Graph traversals.** `resources(...)` is [`Expr::Resources`];
//!   `refs(...)` and `referrers(...)` are [`Expr::Traverse`] with a
//!   [`Direction`].
//! - **Tables.** Every literal field name and object-literal key is interned
//!   in the program's key table ([`Program::keys`], referenced by [`KeyId`]);
//!   every `matches` pattern is in the regex table ([`Program::regexes`],
//!   referenced by [`RegexId`]). The code generator turns the first into the
//!   module's key table and the second into DFA tables.
//! - **Functions.** User functions stay functions ([`Function`], called with
//!   [`Expr::Call`] by [`FunctionId`]); the checker rejects recursion, so
//!   calls can be inlined or compiled to direct calls.
//! - **Checks.** Each `require` or `deny` is a [`Check`] numbered within its
//!   rule ([`CheckId`]), with its message template, its `at` expression and
//!   its span, so a finding can name the check that produced it.
//!
//! The semantics of every construct are written down in `docs/semantics.md`;
//! the evaluator of the `ward-eval` crate is their reference implementation.
//!
//! # Queries
//!
//! [`file_ir`] lowers one file with ids local to that file;
//! [`program`] links the files of a workspace into one [`Program`] (global
//! function ids, one key table, one regex table). Editing a file re-lowers
//! only that file; linking is a cheap pass over the lowered files.

mod link;
mod lower;
mod print;

use std::sync::Arc;

use serde::Serialize;
use ward_syntax::LineCol;
use ward_syntax::ast::{CheckKind, QuantifierKind, Span};

use crate::analysis::RuleInfo;
use crate::builtins::Builtin;

pub use link::{file_ir, program};
pub use lower::FileIr;

/// A local slot of a rule or function frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct LocalId(pub u32);

/// An entry of [`Program::keys`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct KeyId(pub u32);

/// An entry of [`Program::regexes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct RegexId(pub u32);

/// An entry of [`Program::functions`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct FunctionId(pub u32);

/// An entry of [`Program::params`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ParamId(pub u32);

/// A check of a rule: its index in the rule, in source order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct CheckId(pub u32);

/// A whole policy program: every rule and function of a workspace and the
/// tables they share.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Program {
    /// The rules, file by file in workspace order, each file's in source
    /// order.
    pub rules: Vec<Rule>,
    /// The functions, indexed by [`FunctionId`].
    pub functions: Vec<Function>,
    /// The key table: every literal field name and object-literal key, in
    /// order of first use, without duplicates.
    pub keys: Vec<Arc<str>>,
    /// The regex table: every `matches` pattern, in order of first use,
    /// without duplicates.
    pub regexes: Vec<Arc<str>>,
    /// The policy parameters, indexed by [`ParamId`]: those declared by the
    /// policies, file by file in source order, then those of library files
    /// that the program reads. Their values are not part of the program:
    /// the host gives them at evaluation time.
    pub params: Vec<Param>,
}

/// A policy parameter: a value the host sets at evaluation time, with a
/// default.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// The package that declares it.
    pub package: String,
    /// Its name.
    pub name: String,
    /// The declared type.
    pub ty: ward_abi::ParamType,
    /// The default value.
    pub default: serde_json::Value,
    /// The doc comment.
    pub doc: String,
    /// The file that declares it.
    pub file: String,
    /// Whether that file is a library file (whose rules are not compiled).
    pub library: bool,
}

impl Param {
    /// The qualified name: `package.name`.
    pub fn qualified_name(&self) -> String {
        format!("{}.{}", self.package, self.name)
    }

    /// The parameter as a module's metadata lists it.
    pub fn meta(&self) -> ward_abi::ParamMeta {
        ward_abi::ParamMeta {
            name: self.qualified_name(),
            ty: self.ty.to_string(),
            default: self.default.to_string(),
            doc: self.doc.clone(),
        }
    }
}

impl Program {
    /// The text of a key.
    pub fn key(&self, key: KeyId) -> &str {
        self.keys.get(key.0 as usize).map_or("", |text| text)
    }

    /// The id of a key, if the program uses it.
    pub fn key_id(&self, text: &str) -> Option<KeyId> {
        self.keys
            .iter()
            .position(|key| &**key == text)
            .and_then(|index| u32::try_from(index).ok())
            .map(KeyId)
    }

    /// The pattern of a regex.
    pub fn regex(&self, regex: RegexId) -> &str {
        self.regexes.get(regex.0 as usize).map_or("", |text| text)
    }

    /// A function.
    pub fn function(&self, function: FunctionId) -> Option<&Function> {
        self.functions.get(function.0 as usize)
    }

    /// The rules of one package.
    pub fn rules_of_package<'a>(&'a self, package: &'a str) -> impl Iterator<Item = &'a Rule> + 'a {
        self.rules
            .iter()
            .filter(move |rule| rule.info.package == package)
    }

    /// A rule by package and name.
    pub fn rule(&self, package: &str, name: &str) -> Option<&Rule> {
        self.rules
            .iter()
            .find(|rule| rule.info.package == package && rule.info.name == name)
    }

    /// The metadata of every parameter, in [`ParamId`] order.
    pub fn param_metas(&self) -> Vec<ward_abi::ParamMeta> {
        self.params.iter().map(Param::meta).collect()
    }

    /// The program in a readable text form, for tests and debugging.
    pub fn display(&self) -> String {
        print::program(self)
    }
}

/// A span as 1-based lines and character columns, for the module's source
/// map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SourceRange {
    /// Where the span starts.
    pub start: LineCol,
    /// Where it ends (the column just after the last character).
    pub end: LineCol,
}

/// A rule: for every resource its source yields, bind it to `binding`, test
/// the guard, run the body.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// Id, name, package, severity, controls, description, file and span.
    pub info: RuleInfo,
    /// The slot of the resource variable; `None` for a rule that runs once
    /// per input.
    pub binding: Option<LocalId>,
    /// The resources to check, evaluated once per input (no slot is bound
    /// yet); `None` for a rule that runs once per input, whose outcome
    /// names no resource.
    pub source: Option<Expr>,
    /// The header `when` guard.
    pub guard: Option<Expr>,
    /// The body.
    pub body: Vec<Stmt>,
    /// Number of local slots of the frame.
    pub locals: u32,
    /// Number of checks; [`CheckId`]s are `0..checks`.
    pub checks: u32,
    /// The rule's span as lines and columns.
    pub range: SourceRange,
}

impl Rule {
    /// Every check of the rule, in [`CheckId`] order.
    pub fn all_checks(&self) -> Vec<&Check> {
        fn collect<'a>(stmts: &'a [Stmt], out: &mut Vec<&'a Check>) {
            for stmt in stmts {
                match stmt {
                    Stmt::Check(check) => out.push(check),
                    Stmt::For { body, .. } => collect(body, out),
                    Stmt::If {
                        then, otherwise, ..
                    } => {
                        collect(then, out);
                        collect(otherwise, out);
                    }
                    Stmt::Let { .. } | Stmt::When { .. } => {}
                }
            }
        }
        let mut out = Vec::new();
        collect(&self.body, &mut out);
        out.sort_by_key(|check| check.id);
        out
    }
}

/// A user function.
#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    /// The package it belongs to.
    pub package: String,
    /// Its name.
    pub name: String,
    /// Number of parameters: they are slots `0..params`.
    pub params: u32,
    /// Number of local slots, parameters included.
    pub locals: u32,
    /// The body.
    pub body: Expr,
    /// The file that defines it.
    pub file: String,
    /// The definition's span.
    pub span: Span,
}

/// A statement of a rule body.
#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    /// `let`: evaluate and store in a slot.
    Let {
        /// The slot.
        local: LocalId,
        /// The value.
        value: Expr,
    },
    /// `require` or `deny`.
    Check(Check),
    /// `when`: the rest of the enclosing block runs only when the condition
    /// is true.
    When {
        /// The condition.
        cond: Expr,
        /// What a false condition means.
        scope: WhenScope,
        /// The statement's span.
        span: Span,
    },
    /// `for`: run the body once per element of the iteration of a value.
    For {
        /// The slot of the loop variable.
        local: LocalId,
        /// The value iterated.
        iter: Expr,
        /// The body.
        body: Vec<Stmt>,
        /// The statement's span.
        span: Span,
    },
    /// `if`: run `then` when the condition is true, `otherwise` when it is
    /// false, neither when it is unknown (the resource is then at least
    /// unknown, with the condition's reason). `else if` is an `If` alone
    /// in `otherwise`.
    If {
        /// The condition.
        cond: Expr,
        /// The statements run when it is true.
        then: Vec<Stmt>,
        /// The statements run when it is false.
        otherwise: Vec<Stmt>,
        /// The statement's span.
        span: Span,
    },
}

/// Where a `when` statement stands, which decides what a false condition
/// means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum WhenScope {
    /// Directly in the rule body: a false condition skips the resource when
    /// no check has run for it yet, and otherwise ends the rule body (the
    /// checks that ran decide the outcome).
    Rule,
    /// Inside a `for`: a false condition ends this iteration.
    Loop,
    /// Inside an `if` or `else` block: a false condition ends the block.
    Branch,
}

/// A `require` or `deny`.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    /// The check's number within its rule.
    pub id: CheckId,
    /// Require or deny.
    pub kind: CheckKind,
    /// The condition.
    pub cond: Expr,
    /// The message template, evaluated only for a failure.
    pub message: Option<Expr>,
    /// The message template as written in the source, quotes included.
    pub message_source: Option<String>,
    /// The value the finding points at.
    pub at: Option<Expr>,
    /// The statement's span.
    pub span: Span,
    /// The statement's span as lines and columns.
    pub range: SourceRange,
}

/// A constant.
#[derive(Clone, Debug, PartialEq)]
pub enum Const {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string.
    String(Arc<str>),
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum CompareOp {
    /// `==`.
    Eq,
    /// `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
}

impl CompareOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            CompareOp::Eq => "==",
            CompareOp::Ne => "!=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
        }
    }
}

/// Arithmetic operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum ArithOp {
    /// `+`: numbers, or two strings joined.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/`.
    Div,
    /// `%`.
    Rem,
}

impl ArithOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
            ArithOp::Rem => "%",
        }
    }
}

/// Which way a graph traversal follows the document's edges.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Direction {
    /// `refs`: the resources this one refers to (edges leaving it).
    Out,
    /// `referrers`: the resources that refer to this one (edges arriving).
    In,
}

/// A piece of an interpolated string.
#[derive(Clone, Debug, PartialEq)]
pub enum FormatPart {
    /// Literal text.
    Text(Arc<str>),
    /// A value rendered as by `string(...)`, unknown as `<unknown>`.
    Value(Expr),
}

/// An expression. Every expression evaluates to one value; see
/// `docs/semantics.md`.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A constant.
    Const(Const),
    /// The value of a slot.
    Local(LocalId),
    /// A list built from its elements.
    List(Vec<Expr>),
    /// An object built from its entries.
    Object(Vec<(KeyId, Expr)>),
    /// `base.key`.
    Field {
        /// The value read from.
        base: Box<Expr>,
        /// The field name.
        key: KeyId,
    },
    /// `base[index]`.
    Index {
        /// The value read from.
        base: Box<Expr>,
        /// The index or key.
        index: Box<Expr>,
    },
    /// Kleene `not`.
    Not(Box<Expr>),
    /// Kleene `and`, evaluated left to right, the right side only when the
    /// left is not false.
    And(Box<Expr>, Box<Expr>),
    /// Kleene `or`, evaluated left to right, the right side only when the
    /// left is not true.
    Or(Box<Expr>, Box<Expr>),
    /// Equality and ordering.
    Compare {
        /// The operator.
        op: CompareOp,
        /// Left operand.
        left: Box<Expr>,
        /// Right operand.
        right: Box<Expr>,
    },
    /// Arithmetic and string concatenation.
    Arith {
        /// The operator.
        op: ArithOp,
        /// Left operand.
        left: Box<Expr>,
        /// Right operand.
        right: Box<Expr>,
    },
    /// Unary minus.
    Neg(Box<Expr>),
    /// `item in container`.
    In {
        /// The value looked for.
        item: Box<Expr>,
        /// The list, string or object looked in.
        container: Box<Expr>,
    },
    /// `text matches regex`: a search anywhere in the text.
    Matches {
        /// The text.
        text: Box<Expr>,
        /// The pattern.
        regex: RegexId,
    },
    /// An interpolated string.
    Format(Vec<FormatPart>),
    /// A quantifier: a loop over the iteration of `source` that binds
    /// `local` to each element and evaluates `body`.
    Quantifier {
        /// `all`, `any` or `none`.
        kind: QuantifierKind,
        /// The slot of the element.
        local: LocalId,
        /// The iterated value.
        source: Box<Expr>,
        /// The predicate.
        body: Box<Expr>,
    },
    /// `[element for local in source if filter]`: a loop over the
    /// iteration of `source` that keeps `element` for every item whose
    /// filter is true. An unknown source, or a filter that is unknown for
    /// some item, makes the whole result that unknown.
    Comprehension {
        /// The slot of the item.
        local: LocalId,
        /// The iterated value.
        source: Box<Expr>,
        /// The condition an item must meet, if any.
        filter: Option<Box<Expr>>,
        /// The value kept for each item.
        element: Box<Expr>,
    },
    /// `base[start:end]` on a list or a string; an absent bound is `None`.
    Slice {
        /// The list or string.
        base: Box<Expr>,
        /// The first position kept.
        start: Option<Box<Expr>>,
        /// The position after the last one kept.
        end: Option<Box<Expr>>,
    },
    /// `resources(t, ...)`: the resources of the input whose type matches
    /// one of the patterns, in input order.
    Resources(Vec<Expr>),
    /// `refs(r, t?)` or `referrers(r, t?)`.
    Traverse {
        /// Which edges to follow.
        direction: Direction,
        /// The resource.
        resource: Box<Expr>,
        /// The type pattern the other end must match, if given.
        filter: Option<Box<Expr>>,
        /// The property path the references must be written in
        /// (`via: "Bucket"`), if given. Without it, `DependsOn` edges are
        /// not followed.
        via: Option<Box<Expr>>,
    },
    /// A call of a user function.
    Call {
        /// The function.
        function: FunctionId,
        /// The arguments, one per parameter.
        args: Vec<Expr>,
    },
    /// Any other builtin.
    Builtin {
        /// The builtin.
        builtin: Builtin,
        /// Its arguments.
        args: Vec<Expr>,
    },
    /// The value of a policy parameter, as the host set it.
    Param(ParamId),
}

impl Expr {
    /// Calls `f` on every direct subexpression.
    pub fn for_each_child(&self, f: &mut dyn FnMut(&Expr)) {
        match self {
            Expr::Const(_) | Expr::Local(_) | Expr::Param(_) => {}
            Expr::List(items) | Expr::Resources(items) => items.iter().for_each(f),
            Expr::Call { args, .. } | Expr::Builtin { args, .. } => args.iter().for_each(f),
            Expr::Object(entries) => entries.iter().for_each(|(_, value)| f(value)),
            Expr::Field { base, .. } => f(base),
            Expr::Index { base, index } => {
                f(base);
                f(index);
            }
            Expr::Not(inner) | Expr::Neg(inner) => f(inner),
            Expr::And(left, right)
            | Expr::Or(left, right)
            | Expr::Compare { left, right, .. }
            | Expr::Arith { left, right, .. } => {
                f(left);
                f(right);
            }
            Expr::In { item, container } => {
                f(item);
                f(container);
            }
            Expr::Matches { text, .. } => f(text),
            Expr::Format(parts) => {
                for part in parts {
                    if let FormatPart::Value(value) = part {
                        f(value);
                    }
                }
            }
            Expr::Quantifier { source, body, .. } => {
                f(source);
                f(body);
            }
            Expr::Comprehension {
                source,
                filter,
                element,
                ..
            } => {
                f(source);
                if let Some(filter) = filter {
                    f(filter);
                }
                f(element);
            }
            Expr::Slice { base, start, end } => {
                f(base);
                for bound in [start, end].into_iter().flatten() {
                    f(bound);
                }
            }
            Expr::Traverse {
                resource,
                filter,
                via,
                ..
            } => {
                f(resource);
                if let Some(filter) = filter {
                    f(filter);
                }
                if let Some(via) = via {
                    f(via);
                }
            }
        }
    }
}
