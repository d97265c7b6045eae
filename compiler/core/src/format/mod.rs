//! The formatter: one canonical layout for Ward source.
//!
//! [`format_source`] parses the text, lays the tree out with its comments
//! and prints it. It refuses a file with syntax errors, and it checks its
//! own output before returning it: the output must parse to the same tree
//! (spans aside) and hold the same comments, in the same order, so a bug in
//! the formatter can never change what a policy means or lose a comment.
//!
//! # The layout
//!
//! - Lines of at most 100 characters where the layout allows it; two spaces
//!   of indentation; no trailing whitespace; one final newline.
//! - Blank lines between items, imports and statements are kept, at most
//!   one; there is always one blank line after `package` and after the
//!   imports.
//! - Attributes stay on the lines they were written on, in their order,
//!   one space apart: `@id("NET-001") @severity(high)` on one line stays on
//!   one line, one attribute per line stays so. A line of attributes that
//!   does not fit puts one attribute per line. The item's keyword starts a
//!   new line; doc comments stay above the attributes.
//! - A rule header that does not fit puts `for ... in ...` and `when ...` on
//!   continuation lines and the `{` on a line of its own.
//! - `require`/`deny` that do not fit put `message` and `at` on continuation
//!   lines; a chain of `and` (or `or`) that does not fit puts one operand
//!   per line, each starting with the operator.
//! - An `and` chain inside an `or` chain is parenthesized, so that the
//!   precedence of the two is visible. Parentheses the source puts around
//!   an operation (`not (a == b)`, `(a * b) + c`) are kept; parentheses
//!   around names, literals, calls and field accesses are dropped unless
//!   precedence needs them.
//! - Lists, call arguments, parameters and objects are flat when they fit
//!   (`[a, b]`, `f(a, b)`, `{ a: 1 }`), else one element per line with a
//!   trailing comma. An object written with a line break after its `{`
//!   stays expanded, so nested test inputs keep the shape of a document.
//! - String and number literals are kept exactly as written.
//! - Comments stay where they are: a comment on a line of its own stays on
//!   a line of its own, a comment after code stays at the end of that line.

mod doc;
mod layout;

use std::fmt;

use ward_syntax::ast::{
    Attr, AttrArg, Block, Check, Doc as DocComment, Expr, ExprKind, FnDef, Ident, Import, Item,
    ObjectField, ParamDef, Path, Quantifier, Rule, SourceFile, Span, Stmt, StringLit, StringPart,
    TestDef, TestStmt, TypeExpr,
};
use ward_syntax::{SyntaxError, parse};

/// The line width the formatter aims for.
pub const LINE_WIDTH: usize = 100;

/// Why a file was not formatted.
#[derive(Clone, Debug, PartialEq)]
pub enum FormatError {
    /// The file has syntax errors; it is left as it is.
    Syntax(Vec<SyntaxError>),
    /// The formatter's own output did not parse back to the same tree and
    /// comments. This is a bug in the formatter; the file is left as it is.
    Unstable(String),
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatError::Syntax(errors) => {
                let count = errors.len();
                write!(
                    f,
                    "the file has {count} syntax error{} and was not formatted",
                    if count == 1 { "" } else { "s" }
                )?;
                if let Some(first) = errors.first() {
                    write!(f, "; the first is {}", first.message)?;
                }
                Ok(())
            }
            FormatError::Unstable(what) => write!(
                f,
                "the formatter produced output that {what}; the file was left as it is (please report this)"
            ),
        }
    }
}

impl std::error::Error for FormatError {}

/// Formats a whole file.
///
/// Returns the formatted text, ending with one newline (or empty for a file
/// with nothing in it). Formatting is idempotent: formatting the result
/// again returns it unchanged.
pub fn format_source(text: &str) -> Result<String, FormatError> {
    let parsed = parse(text);
    if !parsed.errors.is_empty() {
        return Err(FormatError::Syntax(parsed.errors));
    }
    let document = layout::file(text, &parsed);
    let output = doc::print(&document, LINE_WIDTH);
    verify(text, &parsed, &output)?;
    Ok(output)
}

/// The layout without the check of [`format_source`], for investigating a
/// [`FormatError::Unstable`].
#[doc(hidden)]
pub fn format_unverified(text: &str) -> String {
    let parsed = parse(text);
    doc::print(&layout::file(text, &parsed), LINE_WIDTH)
}

/// Checks that `output` means what `text` meant and keeps its comments.
fn verify(text: &str, original: &ward_syntax::Parse, output: &str) -> Result<(), FormatError> {
    let reparsed = parse(output);
    if let Some(error) = reparsed.errors.first() {
        return Err(FormatError::Unstable(format!(
            "does not parse ({})",
            error.message
        )));
    }
    if without_spans(&original.file) != without_spans(&reparsed.file) {
        return Err(FormatError::Unstable("changes the syntax tree".to_string()));
    }
    let before = comment_texts(text, &original.comments);
    let after = comment_texts(output, &reparsed.comments);
    if before != after {
        return Err(FormatError::Unstable(
            "loses, moves across code or merges a comment".to_string(),
        ));
    }
    Ok(())
}

fn comment_texts<'t>(text: &'t str, comments: &[ward_syntax::lexer::Comment]) -> Vec<&'t str> {
    comments
        .iter()
        .map(|comment| text.get(comment.span.range()).unwrap_or("").trim_end())
        .collect()
}

/// A copy of the tree with every span set to `0..0`, so that two trees can
/// be compared for meaning regardless of layout.
pub fn without_spans(file: &SourceFile) -> SourceFile {
    let mut file = file.clone();
    let mut eraser = Eraser;
    eraser.file(&mut file);
    file
}

struct Eraser;

impl Eraser {
    fn span(&mut self, span: &mut Span) {
        *span = Span::default();
    }

    fn ident(&mut self, ident: &mut Ident) {
        self.span(&mut ident.span);
    }

    fn path(&mut self, path: &mut Path) {
        self.span(&mut path.span);
        path.segments
            .iter_mut()
            .for_each(|segment| self.ident(segment));
    }

    fn file(&mut self, file: &mut SourceFile) {
        if let Some(package) = &mut file.package {
            self.path(package);
        }
        for Import { path, alias, span } in &mut file.imports {
            self.path(path);
            if let Some(alias) = alias {
                self.ident(alias);
            }
            self.span(span);
        }
        for item in &mut file.items {
            match item {
                Item::Rule(rule) => self.rule(rule),
                Item::Fn(function) => self.function(function),
                Item::Test(test) => self.test(test),
                Item::Param(param) => self.param(param),
                Item::Error(span) => self.span(span),
            }
        }
    }

    fn doc(&mut self, doc: &mut Option<DocComment>) {
        if let Some(doc) = doc {
            self.span(&mut doc.span);
        }
    }

    fn attrs(&mut self, attrs: &mut [Attr]) {
        for attr in attrs {
            self.ident(&mut attr.name);
            self.span(&mut attr.span);
            for AttrArg { span, .. } in &mut attr.args {
                self.span(span);
            }
        }
    }

    fn rule(&mut self, rule: &mut Rule) {
        self.doc(&mut rule.doc);
        self.attrs(&mut rule.attrs);
        self.ident(&mut rule.name);
        if let Some(binding) = &mut rule.binding {
            self.ident(binding);
        }
        if let Some(source) = &mut rule.source {
            self.expr(source);
        }
        if let Some(guard) = &mut rule.guard {
            self.expr(guard);
        }
        self.block(&mut rule.body);
        self.span(&mut rule.span);
    }

    fn function(&mut self, function: &mut FnDef) {
        self.doc(&mut function.doc);
        self.attrs(&mut function.attrs);
        self.ident(&mut function.name);
        function
            .params
            .iter_mut()
            .for_each(|param| self.ident(param));
        self.expr(&mut function.body);
        self.span(&mut function.span);
    }

    fn param(&mut self, param: &mut ParamDef) {
        self.doc(&mut param.doc);
        self.attrs(&mut param.attrs);
        self.ident(&mut param.name);
        self.type_expr(&mut param.ty);
        self.expr(&mut param.default);
        self.span(&mut param.span);
    }

    fn type_expr(&mut self, ty: &mut TypeExpr) {
        self.ident(&mut ty.name);
        if let Some(element) = &mut ty.element {
            self.type_expr(element);
        }
        self.span(&mut ty.span);
    }

    fn test(&mut self, test: &mut TestDef) {
        self.doc(&mut test.doc);
        self.attrs(&mut test.attrs);
        self.ident(&mut test.name);
        for stmt in &mut test.body {
            match stmt {
                TestStmt::Input { value, span } => {
                    self.expr(value);
                    self.span(span);
                }
                TestStmt::Expect {
                    outcome,
                    rule,
                    resource,
                    span,
                } => {
                    self.ident(outcome);
                    self.ident(rule);
                    if let Some(resource) = resource {
                        self.string(resource);
                    }
                    self.span(span);
                }
                TestStmt::Error(span) => self.span(span),
                TestStmt::Param { name, value, span } => {
                    self.path(name);
                    self.expr(value);
                    self.span(span);
                }
            }
        }
        self.span(&mut test.span);
    }

    fn block(&mut self, block: &mut Block) {
        self.span(&mut block.span);
        for stmt in &mut block.stmts {
            match stmt {
                Stmt::Let { name, value, span } => {
                    self.ident(name);
                    self.expr(value);
                    self.span(span);
                }
                Stmt::Check(Check {
                    cond,
                    message,
                    at,
                    span,
                    ..
                }) => {
                    self.expr(cond);
                    if let Some(message) = message {
                        self.expr(message);
                    }
                    if let Some(at) = at {
                        self.expr(at);
                    }
                    self.span(span);
                }
                Stmt::When { cond, span } => {
                    self.expr(cond);
                    self.span(span);
                }
                Stmt::For {
                    binding,
                    iter,
                    body,
                    span,
                } => {
                    self.ident(binding);
                    self.expr(iter);
                    self.block(body);
                    self.span(span);
                }
                Stmt::If(statement) => {
                    for branch in &mut statement.branches {
                        self.expr(&mut branch.cond);
                        self.block(&mut branch.body);
                    }
                    if let Some(otherwise) = &mut statement.otherwise {
                        self.block(otherwise);
                    }
                    self.span(&mut statement.span);
                }
                Stmt::Error(span) => self.span(span),
            }
        }
    }

    fn string(&mut self, literal: &mut StringLit) {
        self.span(&mut literal.span);
        for part in &mut literal.parts {
            if let StringPart::Interpolation(inner) = part {
                self.expr(inner);
            }
        }
    }

    fn expr(&mut self, expr: &mut Expr) {
        self.span(&mut expr.span);
        match &mut expr.kind {
            ExprKind::Null
            | ExprKind::Bool(_)
            | ExprKind::Number(_)
            | ExprKind::RawString(_)
            | ExprKind::Name(_)
            | ExprKind::Error => {}
            ExprKind::String(literal) => self.string(literal),
            ExprKind::List(items) => items.iter_mut().for_each(|item| self.expr(item)),
            ExprKind::Object(fields) => {
                for ObjectField { key, value } in fields {
                    self.ident(key);
                    self.expr(value);
                }
            }
            ExprKind::Field(base, name) => {
                self.expr(base);
                self.ident(name);
            }
            ExprKind::Named(name, value) => {
                self.ident(name);
                self.expr(value);
            }
            ExprKind::Index(base, index) => {
                self.expr(base);
                self.expr(index);
            }
            ExprKind::Call(callee, args) => {
                self.expr(callee);
                args.iter_mut().for_each(|arg| self.expr(arg));
            }
            ExprKind::Unary(_, operand) => self.expr(operand),
            ExprKind::Binary(_, left, right) => {
                self.expr(left);
                self.expr(right);
            }
            ExprKind::Quantifier(Quantifier {
                binding,
                source,
                body,
                ..
            }) => {
                self.ident(binding);
                self.expr(source);
                self.expr(body);
            }
            ExprKind::Comprehension(comprehension) => {
                self.expr(&mut comprehension.element);
                self.ident(&mut comprehension.binding);
                self.expr(&mut comprehension.source);
                if let Some(filter) = &mut comprehension.filter {
                    self.expr(filter);
                }
            }
            ExprKind::Slice(base, start, end) => {
                self.expr(base);
                for bound in [start, end].into_iter().flatten() {
                    self.expr(bound);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &str) {
        let formatted = format_source(input).unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(formatted, expected, "formatting:\n{input}");
        let again = format_source(&formatted).unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(again, formatted, "not idempotent");
    }

    #[test]
    fn refuses_syntax_errors() {
        assert!(matches!(
            format_source("rule {"),
            Err(FormatError::Syntax(_))
        ));
    }

    #[test]
    fn empty_file() {
        check("", "");
        check("\n\n  \n", "");
    }

    #[test]
    fn normalizes_spacing() {
        check(
            "package   a.b\nimport x.y   as z\nfn   f( a,b )=a==b",
            "package a.b\n\nimport x.y as z\n\nfn f(a, b) = a == b\n",
        );
    }

    #[test]
    fn rule_layout() {
        check(
            "@id(\"X-1\")   @severity(high)\nrule r for b in resources(\"AWS::S3::Bucket\") {\nrequire b.props.BucketName != null message \"{b} has no name\"\n}",
            "@id(\"X-1\") @severity(high)\nrule r for b in resources(\"AWS::S3::Bucket\") {\n  require b.props.BucketName != null message \"{b} has no name\"\n}\n",
        );
    }

    #[test]
    fn rule_without_for_and_branches() {
        check(
            "rule limit   {\nlet xs = [ x.a  for x in resources(\"T\")  if x.b>1 ]\nif count(xs)>2 {deny true}   else if xs[ 1 : ]==[] {\nrequire xs[:-1 ] != null\n} else { require true }\n}",
            "rule limit {\n  let xs = [x.a for x in resources(\"T\") if x.b > 1]\n  if count(xs) > 2 {\n    deny true\n  } else if xs[1:] == [] {\n    require xs[:-1] != null\n  } else {\n    require true\n  }\n}\n",
        );
    }

    #[test]
    fn keywords_as_field_names() {
        check(
            "fn f(c) = c.props.rule.for == { if: 1, \"x\": c.input }",
            "fn f(c) = c.props.rule.for == { if: 1, \"x\": c.input }\n",
        );
    }

    #[test]
    fn mixed_and_or_get_parentheses() {
        check(
            "fn f(a, b, c) = a or b and c",
            "fn f(a, b, c) = a or (b and c)\n",
        );
        check(
            "fn f(a, b, c) = (a or b) and c",
            "fn f(a, b, c) = (a or b) and c\n",
        );
    }

    #[test]
    fn redundant_parentheses_around_atoms_go() {
        check("fn f(a) = (a).b + (1)", "fn f(a) = a.b + 1\n");
        check("fn f(a) = (a + 1) * 2", "fn f(a) = (a + 1) * 2\n");
    }

    #[test]
    fn comments_stay() {
        check(
            "// head\n\n\n/// doc\nfn f(a) = a // trailing\n// tail\n",
            "// head\n\n/// doc\nfn f(a) = a // trailing\n// tail\n",
        );
    }
}
