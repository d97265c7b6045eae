//! The syntax of Ward: lexer, parser and syntax tree.
//!
//! [`parse`] never fails: it returns a tree in which unparsable text stands as
//! error holes, together with every syntax error found. This crate knows
//! nothing of the compiler's database, of WebAssembly or of editors.

pub mod ast;
pub mod lexer;
pub mod line_index;
mod nesting;
pub mod snippet;
mod strings;

lalrpop_util::lalrpop_mod!(
    #[allow(clippy::all, clippy::pedantic, unused, missing_docs)]
    grammar
);

use ast::{Doc, Expr, ExprKind, Item, SourceFile, Span};
use lalrpop_util::{ErrorRecovery, ParseError};
use lexer::{Comment, Tok, TokenKind};

pub use line_index::{LineCol, LineIndex};
pub use nesting::MAX_NESTING;

/// The result of parsing one file.
#[derive(Clone, Debug, PartialEq)]
pub struct Parse {
    /// The tree, with error holes where text could not be parsed.
    pub file: SourceFile,
    /// Every syntax error, in source order.
    pub errors: Vec<SyntaxError>,
    /// Every comment, in source order.
    pub comments: Vec<Comment>,
}

/// What went wrong in a syntax error; the compiler maps each kind to a stable
/// diagnostic code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SyntaxErrorKind {
    /// A token that does not fit where it stands.
    UnexpectedToken,
    /// The file ended in the middle of something.
    UnexpectedEof,
    /// A character that starts no token.
    InvalidCharacter,
    /// A string without its closing quote.
    UnterminatedString,
    /// An unknown escape sequence in a string.
    InvalidEscape,
    /// A malformed `{...}` interpolation in a string.
    BadInterpolation,
    /// Statements or expressions nested more than [`MAX_NESTING`] levels.
    TooDeep,
}

/// One syntax error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// The kind.
    pub kind: SyntaxErrorKind,
    /// A lowercase message without final period.
    pub message: String,
    /// The offending text.
    pub span: Span,
    /// What would have been accepted, already phrased for people.
    pub expected: Vec<String>,
}

/// Parses a whole file.
pub fn parse(text: &str) -> Parse {
    let mut errors = Vec::new();
    let lexed = lexer::lex_for_parser(text, 0, &mut errors);
    let end = text.len();
    let tokens = lexed
        .tokens
        .into_iter()
        .map(Ok::<(usize, Tok<'_>, usize), ()>);
    let mut file = match grammar::FileParser::new().parse(&mut errors, tokens) {
        Ok(file) => file,
        Err(error) => {
            errors.push(convert_error(error, end));
            SourceFile::default()
        }
    };
    attach_docs(text, &mut file, &lexed.comments);
    nesting::limit_nesting(&mut file, &mut errors);
    errors.sort_by_key(|e| (e.span.start, e.span.end));
    errors.dedup();
    Parse {
        file,
        errors,
        comments: lexed.comments,
    }
}

/// Parses one expression that starts at byte `base` of its file (used for
/// string interpolations).
pub(crate) fn parse_expr_at(text: &str, base: usize, errors: &mut Vec<SyntaxError>) -> Expr {
    let lexed = lexer::lex_for_parser(text, base, errors);
    let end = base + text.len();
    let tokens = lexed
        .tokens
        .into_iter()
        .map(Ok::<(usize, Tok<'_>, usize), ()>);
    let mut nested = Vec::new();
    let result = grammar::ExprParser::new().parse(&mut nested, tokens);
    errors.append(&mut nested);
    match result {
        Ok(expr) => expr,
        Err(error) => {
            let mut error = convert_error(error, end);
            if error.kind == SyntaxErrorKind::UnexpectedEof {
                // The interpolation ended, not the file; with no token at
                // all the parser reports offset 0, so keep the span inside.
                let at = (error.span.start as usize).clamp(base, end);
                error.kind = SyntaxErrorKind::BadInterpolation;
                error.message = "unexpected end of interpolation".to_string();
                error.span = Span::new(at, at);
            }
            errors.push(error);
            Expr::new(ExprKind::Error, Span::new(base, end))
        }
    }
}

/// Turns a recovered parse error into a syntax error.
pub(crate) fn recovery_error(recovery: ErrorRecovery<usize, Tok<'_>, ()>) -> SyntaxError {
    let end = recovery
        .dropped_tokens
        .last()
        .map(|(_, _, end)| *end)
        .unwrap_or(0);
    match recovery.error {
        // The end of the input is where the parser says, not after the last
        // dropped token (there is none when the file just stops).
        error @ ParseError::UnrecognizedEof { .. } => convert_error(error, usize::MAX),
        error => convert_error(error, end),
    }
}

fn convert_error(error: ParseError<usize, Tok<'_>, ()>, eof: usize) -> SyntaxError {
    match error {
        ParseError::UnrecognizedToken {
            token: (start, token, end),
            expected,
        } => {
            let wants_name = expected.iter().any(|terminal| terminal == "IDENT");
            let expected = humanize_expected(&expected);
            let message = match token {
                Tok::Fixed(kind) if wants_name && kind.is_keyword() => format!(
                    "{} is a reserved word and cannot be used as a name",
                    lexer::describe(kind)
                ),
                _ => format!("unexpected {}", describe_token(&token)),
            };
            SyntaxError {
                kind: SyntaxErrorKind::UnexpectedToken,
                message,
                span: Span::new(start, end),
                expected,
            }
        }
        ParseError::ExtraToken {
            token: (start, token, end),
        } => SyntaxError {
            kind: SyntaxErrorKind::UnexpectedToken,
            message: format!("unexpected {}", describe_token(&token)),
            span: Span::new(start, end),
            expected: Vec::new(),
        },
        ParseError::UnrecognizedEof { location, expected } => SyntaxError {
            kind: SyntaxErrorKind::UnexpectedEof,
            message: "unexpected end of file".to_string(),
            span: Span::new(location.min(eof), location.min(eof)),
            expected: humanize_expected(&expected),
        },
        ParseError::InvalidToken { location } => SyntaxError {
            kind: SyntaxErrorKind::InvalidCharacter,
            message: "invalid token".to_string(),
            span: Span::new(location, location + 1),
            expected: Vec::new(),
        },
        ParseError::User { error: () } => SyntaxError {
            kind: SyntaxErrorKind::InvalidCharacter,
            message: "invalid token".to_string(),
            span: Span::new(eof, eof),
            expected: Vec::new(),
        },
    }
}

fn describe_token(token: &Tok<'_>) -> String {
    match token {
        Tok::Fixed(kind) => lexer::describe(*kind),
        Tok::Ident(name) => format!("name `{name}`"),
        Tok::Number(number) => format!("number `{number}`"),
        Tok::String(_) => "string".to_string(),
        Tok::RawString(_) => "raw string".to_string(),
    }
}

/// lalrpop names terminals as they are written in the grammar (`"rule"`,
/// `IDENT`); people read `` `rule` `` and "a name".
fn humanize_expected(expected: &[String]) -> Vec<String> {
    // Where any name goes, keywords included (after `.`, as an object key),
    // "a name" says it.
    let names_only = expected.iter().any(|terminal| terminal == "IDENT")
        && lexer::KEYWORDS
            .iter()
            .all(|keyword| expected.iter().any(|t| t.trim_matches('"') == *keyword));
    let mut out: Vec<String> = expected
        .iter()
        .filter(|terminal| !(names_only && lexer::KEYWORDS.contains(&terminal.trim_matches('"'))))
        .map(|terminal| match terminal.as_str() {
            "IDENT" => "a name".to_string(),
            "NUMBER" => "a number".to_string(),
            "STRING" => "a string".to_string(),
            "RAW_STRING" => "a raw string".to_string(),
            quoted => format!("`{}`", quoted.trim_matches('"')),
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Attaches each run of `///` comments to the item right after it.
fn attach_docs(text: &str, file: &mut SourceFile, comments: &[Comment]) {
    for item in &mut file.items {
        let start = item.span().start;
        let before = comments.partition_point(|c| c.span.end <= start);
        let mut cursor = start;
        let mut lines = Vec::new();
        let mut first = None;
        for comment in comments[..before].iter().rev() {
            let gap = text
                .get(comment.span.end as usize..cursor as usize)
                .unwrap_or("x");
            if !comment.doc || !gap.chars().all(char::is_whitespace) {
                break;
            }
            let body = text.get(comment.span.range()).unwrap_or("");
            let body = body.strip_prefix("///").unwrap_or(body);
            lines.push(
                body.strip_prefix(' ')
                    .unwrap_or(body)
                    .trim_end()
                    .to_string(),
            );
            first = Some(comment.span);
            cursor = comment.span.start;
        }
        let Some(first) = first else { continue };
        lines.reverse();
        let last_end = comments[before - 1].span.end;
        let doc = Some(Doc {
            text: lines.join("\n"),
            span: Span::new(first.start as usize, last_end as usize),
        });
        match item {
            Item::Rule(rule) => rule.doc = doc,
            Item::Fn(function) => function.doc = doc,
            Item::Test(test) => test.doc = doc,
            Item::Param(param) => param.doc = doc,
            Item::Error(_) => {}
        }
    }
}

/// Whether `name` is a reserved word.
pub fn is_keyword(name: &str) -> bool {
    lexer::KEYWORDS.contains(&name)
}

/// Keeps `TokenKind` reachable from the crate root for tools.
pub type Kind = TokenKind;
