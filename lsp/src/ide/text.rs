//! Token-level helpers for features that must work on text the parser
//! cannot make sense of yet (completion and signature help while typing).

use ward_syntax::ast::Span;
use ward_syntax::lexer::{Token, TokenKind, tokenize};

/// Every token of a text, comments included.
pub(crate) fn tokens(text: &str) -> Vec<Token> {
    tokenize(text).0
}

/// Whether a byte can be part of a name.
pub(crate) fn is_name_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// Whether `name` is a valid name that is not a keyword.
pub(crate) fn is_valid_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    let starts_well = bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_');
    starts_well && name.bytes().all(is_name_byte) && !ward_syntax::is_keyword(name)
}

/// The part of the word before `offset` (what the user has typed so far).
pub(crate) fn word_prefix_start(text: &str, offset: u32) -> u32 {
    let bytes = text.as_bytes();
    let mut start = (offset as usize).min(bytes.len());
    while start > 0 && is_name_byte(bytes[start - 1]) {
        start -= 1;
    }
    start as u32
}

/// The index of the token that contains `offset` (start inclusive, end
/// exclusive), if any.
pub(crate) fn token_containing(tokens: &[Token], offset: u32) -> Option<usize> {
    let index = tokens.partition_point(|token| token.span.end <= offset);
    let token = tokens.get(index)?;
    (token.span.start <= offset && offset < token.span.end).then_some(index)
}

/// The index of the last token that ends at or before `offset`, skipping
/// comments.
pub(crate) fn token_before(tokens: &[Token], offset: u32) -> Option<usize> {
    let end = tokens.partition_point(|token| token.span.end <= offset);
    (0..end)
        .rev()
        .find(|index| !is_comment(tokens[*index].kind))
}

pub(crate) fn is_comment(kind: TokenKind) -> bool {
    matches!(kind, TokenKind::LineComment | TokenKind::DocComment)
}

/// The call whose argument list holds `offset`: the callee's name (and
/// package alias, for `alias.name(...)`), the index of the argument the
/// offset is in, and the span of the `(`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct EnclosingCall {
    pub alias: Option<String>,
    pub name: String,
    pub argument: usize,
    pub open: Span,
}

/// Finds the innermost unclosed `(` before `offset` that follows a name.
pub(crate) fn enclosing_call(text: &str, tokens: &[Token], offset: u32) -> Option<EnclosingCall> {
    let end = tokens.partition_point(|token| token.span.end <= offset);
    let mut depth = 0usize;
    let mut commas = 0usize;
    for index in (0..end).rev() {
        let token = tokens[index];
        match token.kind {
            TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace => depth += 1,
            TokenKind::LBracket | TokenKind::LBrace => {
                if depth == 0 {
                    return None;
                }
                depth -= 1;
            }
            TokenKind::LParen => {
                if depth > 0 {
                    depth -= 1;
                    continue;
                }
                let name_index = index.checked_sub(1)?;
                let name_token = tokens[name_index];
                if name_token.kind != TokenKind::Ident {
                    return None;
                }
                let name = text.get(name_token.span.range())?.to_string();
                let alias = name_index
                    .checked_sub(2)
                    .filter(|dot| {
                        tokens[dot + 1].kind == TokenKind::Dot
                            && tokens[*dot].kind == TokenKind::Ident
                    })
                    .and_then(|alias| text.get(tokens[alias].span.range()))
                    .map(str::to_string);
                return Some(EnclosingCall {
                    alias,
                    name,
                    argument: commas,
                    open: token.span,
                });
            }
            TokenKind::Comma if depth == 0 => commas += 1,
            // A statement keyword means the call, if any, is not around us.
            TokenKind::Require
            | TokenKind::Deny
            | TokenKind::Let
            | TokenKind::Rule
            | TokenKind::Fn
                if depth == 0 =>
            {
                return None;
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_enclosing_call() {
        let text = "require starts_with(lower(x), \"a";
        let found = enclosing_call(text, &tokens(text), text.len() as u32).expect("a call");
        assert_eq!(found.name, "starts_with");
        assert_eq!(found.argument, 1);
        let text = "require c.is_public(";
        let found = enclosing_call(text, &tokens(text), text.len() as u32).expect("a call");
        assert_eq!(
            (found.alias.as_deref(), found.name.as_str()),
            (Some("c"), "is_public")
        );
    }

    #[test]
    fn words() {
        assert_eq!(word_prefix_start("a foo_1 b", 5), 2);
        assert_eq!(word_prefix_start("a  b", 2), 2);
        assert!(is_valid_name("_x1"));
        assert!(!is_valid_name("rule"));
        assert!(!is_valid_name("1x"));
    }
}
