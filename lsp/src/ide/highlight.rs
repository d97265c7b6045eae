//! Semantic highlighting: every token classified with what the compiler
//! knows (a name is a parameter, a loop variable, a builtin, a rule ...).

use std::collections::HashMap;

use ward_compiler::{Definition, LocalKind, SourceFile};
use ward_syntax::ast::{AttrValue, ExprKind, Item, Span, TestStmt};
use ward_syntax::lexer::{Token, TokenKind, tokenize};

use super::Snapshot;

/// The kinds of highlighted ranges.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HighlightKind {
    /// A keyword, including `and`, `or`, `not`, `in`, `matches`.
    Keyword,
    /// A comment.
    Comment,
    /// A string literal (or its text around interpolations).
    String,
    /// A raw string used as a regular expression.
    Regexp,
    /// A number.
    Number,
    /// A symbolic operator.
    Operator,
    /// A local binding.
    Variable,
    /// A function parameter.
    Parameter,
    /// A function, builtin or rule name.
    Function,
    /// A property or resource field, an object key.
    Property,
    /// A package name or import alias.
    Namespace,
    /// An attribute (`@id`).
    Decorator,
    /// A severity or an outcome word.
    EnumMember,
}

/// Modifiers, as bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HighlightModifier {
    /// Where the name is defined.
    Declaration = 1,
    /// Bindings never change.
    Readonly = 2,
    /// A builtin.
    DefaultLibrary = 4,
    /// A doc comment.
    Documentation = 8,
}

/// One highlighted range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HighlightedRange {
    /// The range (may span lines for raw strings).
    pub span: Span,
    /// The kind.
    pub kind: HighlightKind,
    /// [`HighlightModifier`] bits.
    pub modifiers: u32,
}

type Classes = HashMap<u32, (HighlightKind, u32)>;

fn mark(classes: &mut Classes, span: Span, kind: HighlightKind, modifiers: u32) {
    classes.insert(span.start, (kind, modifiers));
}

pub(crate) fn highlight(snapshot: &Snapshot, file: SourceFile) -> Vec<HighlightedRange> {
    let compiler = snapshot.compiler();
    let db = &compiler.db;
    let text = file.text(db);
    let analysis = compiler.analyze(file);
    let parse = ward_compiler::parse(db, file);
    let readonly = HighlightModifier::Readonly as u32;
    let declaration = HighlightModifier::Declaration as u32;

    // What the compiler resolved, by the start of each name.
    let mut classes: Classes = HashMap::new();
    for (span, definition) in &analysis.uses {
        let written = text.get(span.range()).unwrap_or("");
        let name_span = match written.rfind('.') {
            Some(dot) => {
                mark(
                    &mut classes,
                    Span::new(span.start as usize, span.start as usize + dot),
                    HighlightKind::Namespace,
                    0,
                );
                Span::new(span.start as usize + dot + 1, span.end as usize)
            }
            None => *span,
        };
        let (kind, modifiers) = match definition {
            Definition::Local { binder, kind } => {
                let own = if binder == span { declaration } else { 0 };
                match kind {
                    LocalKind::Param => (HighlightKind::Parameter, own | readonly),
                    _ => (HighlightKind::Variable, own | readonly),
                }
            }
            Definition::Function { .. } | Definition::Rule { .. } => (HighlightKind::Function, 0),
            Definition::Builtin(_) => (
                HighlightKind::Function,
                HighlightModifier::DefaultLibrary as u32,
            ),
            Definition::Param { .. } => (HighlightKind::Variable, readonly),
        };
        mark(&mut classes, name_span, kind, modifiers);
    }
    // Declarations and names the resolution does not record.
    if let Some(package) = &parse.file.package {
        for segment in &package.segments {
            mark(
                &mut classes,
                segment.span,
                HighlightKind::Namespace,
                declaration,
            );
        }
    }
    for import in &parse.file.imports {
        for segment in &import.path.segments {
            mark(&mut classes, segment.span, HighlightKind::Namespace, 0);
        }
        if let Some(alias) = &import.alias {
            mark(
                &mut classes,
                alias.span,
                HighlightKind::Namespace,
                declaration,
            );
        }
    }
    for item in &parse.file.items {
        let attrs = match item {
            Item::Rule(rule) => {
                mark(
                    &mut classes,
                    rule.name.span,
                    HighlightKind::Function,
                    declaration,
                );
                &rule.attrs
            }
            Item::Fn(function) => {
                mark(
                    &mut classes,
                    function.name.span,
                    HighlightKind::Function,
                    declaration,
                );
                &function.attrs
            }
            Item::Test(test) => {
                for stmt in &test.body {
                    if let TestStmt::Expect { outcome, .. } = stmt {
                        mark(&mut classes, outcome.span, HighlightKind::EnumMember, 0);
                    }
                }
                &test.attrs
            }
            Item::Param(param) => &param.attrs,
            Item::Error(_) => continue,
        };
        for attr in attrs {
            mark(
                &mut classes,
                Span::new(attr.span.start as usize, attr.name.span.end as usize),
                HighlightKind::Decorator,
                0,
            );
            for arg in &attr.args {
                if matches!(arg.value, AttrValue::Word(_)) {
                    mark(&mut classes, arg.span, HighlightKind::EnumMember, 0);
                }
            }
        }
    }
    let mut object_keys = Vec::new();
    for item in &parse.file.items {
        collect_object_keys(item, &mut object_keys);
    }
    for key in object_keys {
        classes
            .entry(key.start)
            .or_insert((HighlightKind::Property, 0));
    }

    let (tokens, _) = tokenize(text);
    let mut out = Vec::with_capacity(tokens.len());
    let mut previous: Option<TokenKind> = None;
    for token in &tokens {
        classify(text, token, previous, &classes, &mut out);
        if !matches!(token.kind, TokenKind::LineComment | TokenKind::DocComment) {
            previous = Some(token.kind);
        }
    }
    out
}

fn classify(
    text: &str,
    token: &Token,
    previous: Option<TokenKind>,
    classes: &Classes,
    out: &mut Vec<HighlightedRange>,
) {
    let push =
        |out: &mut Vec<HighlightedRange>, span: Span, kind: HighlightKind, modifiers: u32| {
            if !span.is_empty() {
                out.push(HighlightedRange {
                    span,
                    kind,
                    modifiers,
                });
            }
        };
    let kind = match token.kind {
        TokenKind::LineComment => HighlightKind::Comment,
        TokenKind::DocComment => {
            push(
                out,
                token.span,
                HighlightKind::Comment,
                HighlightModifier::Documentation as u32,
            );
            return;
        }
        TokenKind::Number => HighlightKind::Number,
        TokenKind::RawString if previous == Some(TokenKind::Matches) => HighlightKind::Regexp,
        TokenKind::RawString => HighlightKind::String,
        TokenKind::String | TokenKind::UnterminatedString => {
            string_with_interpolations(text, token.span, classes, out);
            return;
        }
        TokenKind::AtSign => match classes.get(&token.span.start) {
            Some((HighlightKind::Decorator, _)) => HighlightKind::Decorator,
            _ => HighlightKind::Operator,
        },
        TokenKind::Ident => {
            if let Some((kind, modifiers)) = classes.get(&token.span.start) {
                push(out, token.span, *kind, *modifiers);
                return;
            }
            if previous == Some(TokenKind::Dot) {
                HighlightKind::Property
            } else if previous == Some(TokenKind::AtSign) {
                HighlightKind::Decorator
            } else {
                HighlightKind::Variable
            }
        }
        // A keyword after `.` is a field name (`cfg.props.rule`), and so is
        // one that is an object key.
        kind if kind.is_keyword() && previous == Some(TokenKind::Dot) => HighlightKind::Property,
        kind if kind.is_keyword() => match classes.get(&token.span.start) {
            Some((kind, modifiers)) => {
                push(out, token.span, *kind, *modifiers);
                return;
            }
            None => HighlightKind::Keyword,
        },
        TokenKind::EqEq
        | TokenKind::NotEq
        | TokenKind::Lt
        | TokenKind::Le
        | TokenKind::Gt
        | TokenKind::Ge
        | TokenKind::Plus
        | TokenKind::Minus
        | TokenKind::Star
        | TokenKind::Slash
        | TokenKind::Percent
        | TokenKind::Assign => HighlightKind::Operator,
        _ => return,
    };
    // A decorator covers `@` and the name: the name's own token follows.
    if token.kind == TokenKind::AtSign && kind == HighlightKind::Decorator {
        push(out, token.span, kind, 0);
        return;
    }
    push(out, token.span, kind, 0);
}

/// A string literal: its text as strings, its interpolations token by
/// token.
fn string_with_interpolations(
    text: &str,
    span: Span,
    classes: &Classes,
    out: &mut Vec<HighlightedRange>,
) {
    let literal = text.get(span.range()).unwrap_or("");
    let bytes = literal.as_bytes();
    let mut segment_start = 0usize;
    let mut index = 0usize;
    while index < bytes.len() {
        match bytes[index] {
            b'\\' => index += 2,
            b'{' => {
                let mut depth = 0usize;
                let mut close = None;
                for (offset, byte) in bytes[index..].iter().enumerate() {
                    match byte {
                        b'{' => depth += 1,
                        b'}' => {
                            depth -= 1;
                            if depth == 0 {
                                close = Some(index + offset);
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                let Some(close) = close else { break };
                let base = span.start as usize;
                push_range(
                    out,
                    Span::new(base + segment_start, base + index + 1),
                    HighlightKind::String,
                );
                let inner = literal.get(index + 1..close).unwrap_or("");
                let (inner_tokens, _) = tokenize(inner);
                let mut previous = None;
                for token in inner_tokens {
                    let shifted = Token {
                        kind: token.kind,
                        span: Span::new(
                            base + index + 1 + token.span.start as usize,
                            base + index + 1 + token.span.end as usize,
                        ),
                    };
                    classify(text, &shifted, previous, classes, out);
                    previous = Some(token.kind);
                }
                segment_start = close;
                index = close + 1;
            }
            _ => index += 1,
        }
    }
    let base = span.start as usize;
    push_range(
        out,
        Span::new(base + segment_start, base + literal.len()),
        HighlightKind::String,
    );
}

fn push_range(out: &mut Vec<HighlightedRange>, span: Span, kind: HighlightKind) {
    if !span.is_empty() {
        out.push(HighlightedRange {
            span,
            kind,
            modifiers: 0,
        });
    }
}

fn collect_object_keys(item: &Item, out: &mut Vec<Span>) {
    let mut visit = |expr: &ward_syntax::ast::Expr| {
        if let ExprKind::Object(fields) = &expr.kind {
            out.extend(fields.iter().map(|field| field.key.span));
        }
    };
    match item {
        Item::Rule(rule) => {
            if let Some(source) = &rule.source {
                ward_compiler::items::visit_expr(source, &mut visit);
            }
            if let Some(guard) = &rule.guard {
                ward_compiler::items::visit_expr(guard, &mut visit);
            }
            for stmt in &rule.body.stmts {
                ward_compiler::items::visit_stmt_exprs(stmt, &mut visit);
            }
        }
        Item::Fn(function) => ward_compiler::items::visit_expr(&function.body, &mut visit),
        Item::Param(param) => ward_compiler::items::visit_expr(&param.default, &mut visit),
        Item::Test(test) => {
            for stmt in &test.body {
                if let TestStmt::Input { value, .. } | TestStmt::Param { value, .. } = stmt {
                    ward_compiler::items::visit_expr(value, &mut visit);
                }
            }
        }
        Item::Error(_) => {}
    }
}
