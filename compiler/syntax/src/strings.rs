//! String literals: escapes and `{...}` interpolations.
//!
//! The lexer hands over the literal with its quotes; this module splits it
//! into text and interpolated expressions, parsing each expression with the
//! expression grammar at its real offset so that spans stay exact.

use crate::ast::{Expr, ExprKind, Span, StringLit, StringPart};
use crate::{SyntaxError, SyntaxErrorKind};

/// Decodes a string literal (quotes included) that starts at byte `offset`.
pub(crate) fn parse_string_literal(
    literal: &str,
    offset: usize,
    errors: &mut Vec<SyntaxError>,
) -> StringLit {
    let span = Span::new(offset, offset + literal.len());
    let body = strip_quotes(literal);
    let body_offset = offset + 1;
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut chars = body.char_indices().peekable();
    while let Some((index, ch)) = chars.next() {
        match ch {
            '\\' => {
                let Some((escape_index, escaped)) = chars.next() else {
                    break;
                };
                match unescape(escaped) {
                    Some(decoded) => text.push(decoded),
                    None => {
                        errors.push(SyntaxError {
                            kind: SyntaxErrorKind::InvalidEscape,
                            message: format!("unknown escape `\\{escaped}`"),
                            span: Span::new(
                                body_offset + index,
                                body_offset + escape_index + escaped.len_utf8(),
                            ),
                            expected: Vec::new(),
                        });
                        text.push(escaped);
                    }
                }
            }
            '{' => {
                let start = index + 1;
                let mut depth = 1usize;
                let mut end = None;
                for (inner_index, inner) in chars.by_ref() {
                    match inner {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = Some(inner_index);
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                let Some(end) = end else {
                    errors.push(SyntaxError {
                        kind: SyntaxErrorKind::BadInterpolation,
                        message: "interpolation is not closed with `}`".to_string(),
                        span: Span::new(body_offset + index, body_offset + body.len()),
                        expected: Vec::new(),
                    });
                    break;
                };
                if !text.is_empty() {
                    parts.push(StringPart::Text(std::mem::take(&mut text)));
                }
                let source = body.get(start..end).unwrap_or("");
                let expr_offset = body_offset + start;
                if source.trim().is_empty() {
                    errors.push(SyntaxError {
                        kind: SyntaxErrorKind::BadInterpolation,
                        message: "empty interpolation".to_string(),
                        span: Span::new(body_offset + index, body_offset + end + 1),
                        expected: vec!["an expression".to_string()],
                    });
                    parts.push(StringPart::Interpolation(Expr::new(
                        ExprKind::Error,
                        Span::new(expr_offset, expr_offset),
                    )));
                } else {
                    parts.push(StringPart::Interpolation(crate::parse_expr_at(
                        source,
                        expr_offset,
                        errors,
                    )));
                }
            }
            _ => text.push(ch),
        }
    }
    if !text.is_empty() || parts.is_empty() {
        parts.push(StringPart::Text(text));
    }
    StringLit { parts, span }
}

/// Decodes escapes only; braces are kept as written. Used where a string is
/// plain data: attribute arguments, test names, object keys.
pub(crate) fn plain_text(literal: &str) -> String {
    let body = strip_quotes(literal);
    let mut text = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(ch) = chars.next() {
        if ch == '\\' {
            if let Some(escaped) = chars.next() {
                text.push(unescape(escaped).unwrap_or(escaped));
            }
        } else {
            text.push(ch);
        }
    }
    text
}

/// The text of a raw string `r"..."`.
pub(crate) fn raw_text(literal: &str) -> String {
    let body = literal.strip_prefix("r\"").unwrap_or(literal);
    body.strip_suffix('"').unwrap_or(body).to_string()
}

fn strip_quotes(literal: &str) -> &str {
    let body = literal.strip_prefix('"').unwrap_or(literal);
    body.strip_suffix('"').unwrap_or(body)
}

fn unescape(escaped: char) -> Option<char> {
    Some(match escaped {
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        '0' => '\0',
        '"' => '"',
        '\\' => '\\',
        '{' => '{',
        '}' => '}',
        _ => return None,
    })
}
