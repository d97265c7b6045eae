//! The abstract syntax tree of one Ward source file.
//!
//! Every node carries a [`Span`]: a byte range into the file it came from.
//! The file itself is not part of the span; whoever holds the tree knows which
//! file it belongs to. Nodes that could not be parsed are kept as error holes
//! (`Item::Error`, `Stmt::Error`, `ExprKind::Error`) so that later passes see
//! everything around a mistake.

use std::fmt;

/// A half-open byte range `start..end` into a source file.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord, serde::Serialize)]
pub struct Span {
    /// First byte of the node.
    pub start: u32,
    /// One past the last byte of the node.
    pub end: u32,
}

impl Span {
    /// A span from two byte offsets.
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: saturating_u32(start),
            end: saturating_u32(end),
        }
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// The span as a `usize` range, for slicing the source text.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// Whether `offset` lies inside the span (the end is included, so a cursor
    /// right after a name still counts as on it).
    pub fn contains(self, offset: u32) -> bool {
        self.start <= offset && offset <= self.end
    }

    /// Length in bytes.
    pub fn len(self) -> u32 {
        self.end.saturating_sub(self.start)
    }

    /// Whether the span covers no bytes.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }
}

fn saturating_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// A name as written in the source.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Ident {
    /// The name.
    pub name: String,
    /// Where it stands.
    pub span: Span,
}

/// A dotted name such as `aws.network`.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Path {
    /// The segments, at least one.
    pub segments: Vec<Ident>,
    /// The whole path.
    pub span: Span,
}

impl Path {
    /// The path joined with dots.
    pub fn dotted(&self) -> String {
        let names: Vec<&str> = self.segments.iter().map(|s| s.name.as_str()).collect();
        names.join(".")
    }

    /// The last segment, used as the default alias of an import.
    pub fn last(&self) -> Option<&Ident> {
        self.segments.last()
    }
}

/// One parsed file.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct SourceFile {
    /// `package a.b`, if the file declares one.
    pub package: Option<Path>,
    /// The `import` declarations, in order.
    pub imports: Vec<Import>,
    /// Rules, functions, tests and error holes, in order.
    pub items: Vec<Item>,
}

/// `import aws.common` or `import aws.common as c`.
#[derive(Clone, PartialEq, Debug)]
pub struct Import {
    /// The imported package.
    pub path: Path,
    /// The explicit alias, if any; otherwise the last path segment is used.
    pub alias: Option<Ident>,
    /// The whole declaration.
    pub span: Span,
}

impl Import {
    /// The name under which the package is visible in this file.
    pub fn visible_name(&self) -> Option<&Ident> {
        self.alias.as_ref().or_else(|| self.path.last())
    }
}

/// A top-level item.
#[derive(Clone, PartialEq, Debug)]
pub enum Item {
    /// `rule name for x in source { ... }`.
    Rule(Rule),
    /// `fn name(a, b) = expr`.
    Fn(FnDef),
    /// `test "name" { ... }`.
    Test(TestDef),
    /// Text that could not be parsed as an item.
    Error(Span),
    /// `param name: type = default`.
    Param(ParamDef),
}

impl Item {
    /// The span of the whole item, attributes included.
    pub fn span(&self) -> Span {
        match self {
            Item::Rule(rule) => rule.span,
            Item::Fn(function) => function.span,
            Item::Test(test) => test.span,
            Item::Error(span) => *span,
            Item::Param(param) => param.span,
        }
    }
}

/// Documentation collected from the `///` comments right before an item.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Doc {
    /// The comment text with the `///` and one following space removed, lines
    /// joined with `\n`.
    pub text: String,
    /// From the first to the last doc comment.
    pub span: Span,
}

/// `@name(arg, ...)` before an item.
#[derive(Clone, PartialEq, Debug)]
pub struct Attr {
    /// The attribute name without `@`.
    pub name: Ident,
    /// The arguments; empty when written without parentheses.
    pub args: Vec<AttrArg>,
    /// The whole attribute.
    pub span: Span,
}

/// One argument of an attribute.
#[derive(Clone, PartialEq, Debug)]
pub struct AttrArg {
    /// What was written.
    pub value: AttrValue,
    /// Where.
    pub span: Span,
}

/// The value of an attribute argument.
#[derive(Clone, PartialEq, Debug)]
pub enum AttrValue {
    /// A string literal, already unescaped.
    String(String),
    /// A bare word such as `high`.
    Word(String),
    /// A number.
    Number(f64),
}

/// A rule: a check applied to every resource that its source yields.
#[derive(Clone, PartialEq, Debug)]
pub struct Rule {
    /// Doc comment, used as the rule's description.
    pub doc: Option<Doc>,
    /// Attributes such as `@id`, `@severity`, `@controls`.
    pub attrs: Vec<Attr>,
    /// The rule name.
    pub name: Ident,
    /// The name bound to each resource; `None` for a rule that runs once
    /// per input (`rule name { ... }`, no `for` clause).
    pub binding: Option<Ident>,
    /// The expression that yields the resources, usually `resources("...")`;
    /// `None` for a rule that runs once per input.
    pub source: Option<Expr>,
    /// `when` guard in the header: a resource for which it is false is skipped.
    pub guard: Option<Expr>,
    /// The checks.
    pub body: Block,
    /// The whole rule, attributes included.
    pub span: Span,
}

/// A user function: `fn name(params) = body`.
#[derive(Clone, PartialEq, Debug)]
pub struct FnDef {
    /// Doc comment.
    pub doc: Option<Doc>,
    /// Attributes (none are defined for functions yet).
    pub attrs: Vec<Attr>,
    /// The function name.
    pub name: Ident,
    /// Parameter names.
    pub params: Vec<Ident>,
    /// The body expression.
    pub body: Expr,
    /// The whole definition.
    pub span: Span,
}

/// A policy parameter: `param required_tags: list<string> = ["owner"]`, a
/// value a team sets at run time without editing rules.
#[derive(Clone, PartialEq, Debug)]
pub struct ParamDef {
    /// Doc comment, shown by `ward rules` and the editor.
    pub doc: Option<Doc>,
    /// Attributes (none are defined for parameters yet).
    pub attrs: Vec<Attr>,
    /// The parameter's name.
    pub name: Ident,
    /// The declared type.
    pub ty: TypeExpr,
    /// The default value, a constant.
    pub default: Expr,
    /// The whole declaration.
    pub span: Span,
}

/// A type as written in a parameter declaration: `string`, `list`,
/// `list<string>`.
#[derive(Clone, PartialEq, Debug)]
pub struct TypeExpr {
    /// The type's name.
    pub name: Ident,
    /// The element type of `list<...>`.
    pub element: Option<Box<TypeExpr>>,
    /// The whole type.
    pub span: Span,
}

/// A test: an inline input and the outcomes it must produce.
#[derive(Clone, PartialEq, Debug)]
pub struct TestDef {
    /// Doc comment.
    pub doc: Option<Doc>,
    /// Attributes.
    pub attrs: Vec<Attr>,
    /// The name: an identifier or a string.
    pub name: Ident,
    /// `input` and `expect` statements.
    pub body: Vec<TestStmt>,
    /// The whole test.
    pub span: Span,
}

/// A statement inside a test.
#[derive(Clone, PartialEq, Debug)]
pub enum TestStmt {
    /// `input { ... }`: the document the rules are run on.
    Input {
        /// The document, an object literal.
        value: Expr,
        /// The whole statement.
        span: Span,
    },
    /// `expect fail rule_name for "LogicalId"`.
    Expect {
        /// `pass`, `fail`, `skip` or `unknown`.
        outcome: Ident,
        /// The rule.
        rule: Ident,
        /// The resource id, when given; otherwise the outcome must hold for
        /// every resource the rule applies to.
        resource: Option<StringLit>,
        /// The whole statement.
        span: Span,
    },
    /// Text that could not be parsed.
    Error(Span),
    /// `param name = value`: the value of a policy parameter in this test.
    Param {
        /// The parameter: `name`, or `alias.name` for one of an imported
        /// package.
        name: Path,
        /// The value, a constant.
        value: Expr,
        /// The whole statement.
        span: Span,
    },
}

impl TestStmt {
    /// The span of the whole statement.
    pub fn span(&self) -> Span {
        match self {
            TestStmt::Input { span, .. }
            | TestStmt::Expect { span, .. }
            | TestStmt::Param { span, .. }
            | TestStmt::Error(span) => *span,
        }
    }
}

/// `{ stmt* }`.
#[derive(Clone, PartialEq, Debug)]
pub struct Block {
    /// The statements in order.
    pub stmts: Vec<Stmt>,
    /// From `{` to `}`.
    pub span: Span,
}

/// A statement in a rule body.
#[derive(Clone, PartialEq, Debug)]
pub enum Stmt {
    /// `let name = value`.
    Let {
        /// The bound name.
        name: Ident,
        /// Its value.
        value: Expr,
        /// The whole statement.
        span: Span,
    },
    /// `require cond [message "..."] [at expr]` or `deny ...`.
    Check(Check),
    /// `when cond`: the rest of the enclosing block applies only when true.
    When {
        /// The guard.
        cond: Expr,
        /// The whole statement.
        span: Span,
    },
    /// `for x in xs { ... }`.
    For {
        /// The loop variable.
        binding: Ident,
        /// The collection.
        iter: Expr,
        /// The loop body.
        body: Block,
        /// The whole statement.
        span: Span,
    },
    /// `if cond { ... } else if cond { ... } else { ... }`.
    If(IfStmt),
    /// Text that could not be parsed.
    Error(Span),
}

/// `if c1 { ... } else if c2 { ... } else { ... }`: the first branch whose
/// condition is true runs.
#[derive(Clone, PartialEq, Debug)]
pub struct IfStmt {
    /// The `if` branch followed by the `else if` branches, in order.
    pub branches: Vec<IfBranch>,
    /// The final `else` block, if any.
    pub otherwise: Option<Block>,
    /// The whole statement.
    pub span: Span,
}

/// One condition and its block in an `if` statement.
#[derive(Clone, PartialEq, Debug)]
pub struct IfBranch {
    /// The condition.
    pub cond: Expr,
    /// The block run when the condition is true.
    pub body: Block,
}

impl Stmt {
    /// The span of the whole statement.
    pub fn span(&self) -> Span {
        match self {
            Stmt::Let { span, .. } | Stmt::When { span, .. } | Stmt::For { span, .. } => *span,
            Stmt::If(statement) => statement.span,
            Stmt::Check(check) => check.span,
            Stmt::Error(span) => *span,
        }
    }
}

/// Whether a check requires its condition or denies it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum CheckKind {
    /// `require`: fails when the condition is false.
    Require,
    /// `deny`: fails when the condition is true.
    Deny,
}

/// A `require` or `deny` statement.
#[derive(Clone, PartialEq, Debug)]
pub struct Check {
    /// Require or deny.
    pub kind: CheckKind,
    /// The condition.
    pub cond: Expr,
    /// `message "..."`: the text of a finding.
    pub message: Option<Expr>,
    /// `at expr`: the value a finding points at.
    pub at: Option<Expr>,
    /// The whole statement.
    pub span: Span,
}

/// An expression with its span.
#[derive(Clone, PartialEq, Debug)]
pub struct Expr {
    /// What kind of expression.
    pub kind: ExprKind,
    /// Where it stands.
    pub span: Span,
}

impl Expr {
    /// Builds an expression.
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }
}

/// The expression forms.
#[derive(Clone, PartialEq, Debug)]
pub enum ExprKind {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number literal.
    Number(f64),
    /// A string literal, possibly with `{...}` interpolations.
    String(StringLit),
    /// `r"..."`: no escapes, no interpolation.
    RawString(String),
    /// A name: a `let` binding, a parameter, a loop or rule variable.
    Name(String),
    /// `[a, b, c]`.
    List(Vec<Expr>),
    /// `{ key: value, ... }`.
    Object(Vec<ObjectField>),
    /// `base.name`.
    Field(Box<Expr>, Ident),
    /// `base[index]`.
    Index(Box<Expr>, Box<Expr>),
    /// `callee(args)`: the callee is a name or `alias.name`.
    Call(Box<Expr>, Vec<Expr>),
    /// `name: value`, a named argument; only inside a call's arguments.
    Named(Ident, Box<Expr>),
    /// `not x`, `-x`.
    Unary(UnaryOp, Box<Expr>),
    /// `a op b`.
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `all x in xs: body` and its siblings.
    Quantifier(Quantifier),
    /// `[element for x in xs if cond]`.
    Comprehension(Comprehension),
    /// `base[start:end]`, either bound optional.
    Slice(Box<Expr>, Option<Box<Expr>>, Option<Box<Expr>>),
    /// Text that could not be parsed as an expression.
    Error,
}

/// A key and value inside an object literal.
#[derive(Clone, PartialEq, Debug)]
pub struct ObjectField {
    /// The key, written as a name or a string.
    pub key: Ident,
    /// The value.
    pub value: Expr,
}

/// `all x in xs: body`, `any ...`, `none ...`, `count ...`.
#[derive(Clone, PartialEq, Debug)]
pub struct Quantifier {
    /// Which quantifier.
    pub kind: QuantifierKind,
    /// The variable bound to each element.
    pub binding: Ident,
    /// The collection.
    pub source: Box<Expr>,
    /// The predicate.
    pub body: Box<Expr>,
}

/// `[element for binding in source if filter]`.
#[derive(Clone, PartialEq, Debug)]
pub struct Comprehension {
    /// The value computed for each kept element.
    pub element: Box<Expr>,
    /// The variable bound to each element of the source.
    pub binding: Ident,
    /// The collection.
    pub source: Box<Expr>,
    /// The condition an element must meet to be kept, if any.
    pub filter: Option<Box<Expr>>,
}

/// The quantifiers.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum QuantifierKind {
    /// True when the body holds for every element (also for none).
    All,
    /// True when the body holds for at least one element.
    Any,
    /// True when the body holds for no element.
    None,
}

impl QuantifierKind {
    /// The keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            QuantifierKind::All => "all",
            QuantifierKind::Any => "any",
            QuantifierKind::None => "none",
        }
    }
}

/// Prefix operators.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum UnaryOp {
    /// `not`.
    Not,
    /// `-`.
    Neg,
}

/// Infix operators.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum BinaryOp {
    /// `or`.
    Or,
    /// `and`.
    And,
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
    /// `in`.
    In,
    /// `not in`.
    NotIn,
    /// `matches`: regular expression search.
    Matches,
    /// `+`.
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

impl BinaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::In => "in",
            BinaryOp::NotIn => "not in",
            BinaryOp::Matches => "matches",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Rem => "%",
        }
    }

    /// Whether the operator compares its operands by order.
    pub fn is_ordering(self) -> bool {
        matches!(
            self,
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge
        )
    }
}

/// A string literal split into text and interpolations.
#[derive(Clone, PartialEq, Debug)]
pub struct StringLit {
    /// The parts in order.
    pub parts: Vec<StringPart>,
    /// The literal including its quotes.
    pub span: Span,
}

impl StringLit {
    /// The text when the literal has no interpolation.
    pub fn as_plain(&self) -> Option<String> {
        let mut text = String::new();
        for part in &self.parts {
            match part {
                StringPart::Text(piece) => text.push_str(piece),
                StringPart::Interpolation(_) => return None,
            }
        }
        Some(text)
    }
}

/// A piece of a string literal.
#[derive(Clone, PartialEq, Debug)]
pub enum StringPart {
    /// Literal text, escapes already resolved.
    Text(String),
    /// `{expr}`.
    Interpolation(Expr),
}
