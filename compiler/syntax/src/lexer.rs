//! The lexer: logos turns text into tokens; comments are kept aside as trivia
//! for the formatter and for doc comments, and malformed tokens become
//! syntax errors without stopping the token stream.

use logos::Logos;

use crate::ast::Span;
use crate::{SyntaxError, SyntaxErrorKind};

/// Token kinds as logos recognises them.
#[derive(Logos, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[logos(skip r"[ \t\r\n\f\u{feff}]+")]
pub enum TokenKind {
    /// `package`.
    #[token("package")]
    Package,
    /// `import`.
    #[token("import")]
    Import,
    /// `as`.
    #[token("as")]
    As,
    /// `rule`.
    #[token("rule")]
    Rule,
    /// `fn`.
    #[token("fn")]
    Fn,
    /// `test`.
    #[token("test")]
    Test,
    /// `for`.
    #[token("for")]
    For,
    /// `in`.
    #[token("in")]
    In,
    /// `let`.
    #[token("let")]
    Let,
    /// `require`.
    #[token("require")]
    Require,
    /// `deny`.
    #[token("deny")]
    Deny,
    /// `when`.
    #[token("when")]
    When,
    /// `message`.
    #[token("message")]
    Message,
    /// `at`.
    #[token("at")]
    At,
    /// `all`.
    #[token("all")]
    All,
    /// `any`.
    #[token("any")]
    Any,
    /// `none`.
    #[token("none")]
    None,
    /// `and`.
    #[token("and")]
    And,
    /// `or`.
    #[token("or")]
    Or,
    /// `not`.
    #[token("not")]
    Not,
    /// `true`.
    #[token("true")]
    True,
    /// `false`.
    #[token("false")]
    False,
    /// `null`.
    #[token("null")]
    Null,
    /// `matches`.
    #[token("matches")]
    Matches,
    /// `input`.
    #[token("input")]
    Input,
    /// `expect`.
    #[token("expect")]
    Expect,
    /// `if`.
    #[token("if")]
    If,
    /// `else`.
    #[token("else")]
    Else,
    /// `param`.
    #[token("param")]
    Param,
    /// A name.
    #[regex(r"[A-Za-z_][A-Za-z0-9_]*")]
    Ident,
    /// A number literal.
    #[regex(r"[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")]
    Number,
    /// A string literal with escapes and interpolations.
    #[regex(r#""([^"\\\n]|\\[^\n])*""#)]
    String,
    /// A string literal that reaches the end of the line without its closing quote.
    #[regex(r#""([^"\\\n]|\\[^\n])*"#, priority = 1)]
    UnterminatedString,
    /// `r"..."`: raw string.
    #[regex(r#"r"[^"]*""#)]
    RawString,
    /// `///` doc comment.
    #[regex(r"///[^\n]*", allow_greedy = true)]
    DocComment,
    /// `//` comment.
    #[regex(r"//[^\n]*", priority = 1, allow_greedy = true)]
    LineComment,
    /// `(`.
    #[token("(")]
    LParen,
    /// `)`.
    #[token(")")]
    RParen,
    /// `[`.
    #[token("[")]
    LBracket,
    /// `]`.
    #[token("]")]
    RBracket,
    /// `{`.
    #[token("{")]
    LBrace,
    /// `}`.
    #[token("}")]
    RBrace,
    /// `,`.
    #[token(",")]
    Comma,
    /// `.`.
    #[token(".")]
    Dot,
    /// `:`.
    #[token(":")]
    Colon,
    /// `@`.
    #[token("@")]
    AtSign,
    /// `=`.
    #[token("=")]
    Assign,
    /// `==`.
    #[token("==")]
    EqEq,
    /// `!=`.
    #[token("!=")]
    NotEq,
    /// `<`.
    #[token("<")]
    Lt,
    /// `<=`.
    #[token("<=")]
    Le,
    /// `>`.
    #[token(">")]
    Gt,
    /// `>=`.
    #[token(">=")]
    Ge,
    /// `+`.
    #[token("+")]
    Plus,
    /// `-`.
    #[token("-")]
    Minus,
    /// `*`.
    #[token("*")]
    Star,
    /// `/`.
    #[token("/")]
    Slash,
    /// `%`.
    #[token("%")]
    Percent,
}

impl TokenKind {
    /// Whether this kind is a reserved word.
    pub fn is_keyword(self) -> bool {
        keyword_text(self).is_some()
    }
}

/// The reserved words of the language, in the order of the reference.
pub const KEYWORDS: &[&str] = &[
    "package", "import", "as", "rule", "fn", "test", "for", "in", "let", "require", "deny", "when",
    "message", "at", "all", "any", "none", "and", "or", "not", "true", "false", "null", "matches",
    "input", "expect", "if", "else", "param",
];

fn keyword_text(kind: TokenKind) -> Option<&'static str> {
    use TokenKind as T;
    Some(match kind {
        T::Package => "package",
        T::Import => "import",
        T::As => "as",
        T::Rule => "rule",
        T::Fn => "fn",
        T::Test => "test",
        T::For => "for",
        T::In => "in",
        T::Let => "let",
        T::Require => "require",
        T::Deny => "deny",
        T::When => "when",
        T::Message => "message",
        T::At => "at",
        T::All => "all",
        T::Any => "any",
        T::None => "none",
        T::And => "and",
        T::Or => "or",
        T::Not => "not",
        T::True => "true",
        T::False => "false",
        T::Null => "null",
        T::Matches => "matches",
        T::Input => "input",
        T::Expect => "expect",
        T::If => "if",
        T::Else => "else",
        T::Param => "param",
        _ => return None,
    })
}

/// A token with its text, as the parser sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Tok<'input> {
    /// A keyword or punctuation; the text is fixed by the kind.
    Fixed(TokenKind),
    /// A name.
    Ident(&'input str),
    /// A number literal's text.
    Number(&'input str),
    /// A string literal's text with its quotes.
    String(&'input str),
    /// A raw string literal's text with `r"` and `"`.
    RawString(&'input str),
}

/// A comment kept aside from the token stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// `///` or `//`.
    pub doc: bool,
    /// The whole comment including the slashes.
    pub span: Span,
}

/// A lexed token with its kind and span, for tools that work on tokens
/// (semantic highlighting, the formatter).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// The kind.
    pub kind: TokenKind,
    /// Where it stands.
    pub span: Span,
}

/// Lexes the whole text: every token (comments included) in order, and the
/// errors for characters that start no token.
pub fn tokenize(text: &str) -> (Vec<Token>, Vec<SyntaxError>) {
    let mut tokens = Vec::new();
    let mut errors = Vec::new();
    let mut lexer = TokenKind::lexer(text);
    while let Some(result) = lexer.next() {
        let range = lexer.span();
        let span = Span::new(range.start, range.end);
        match result {
            Ok(kind) => tokens.push(Token { kind, span }),
            Err(()) => errors.push(SyntaxError {
                kind: SyntaxErrorKind::InvalidCharacter,
                message: format!("unexpected character `{}`", lexer.slice()),
                span,
                expected: Vec::new(),
            }),
        }
    }
    (tokens, errors)
}

/// The parser's view of the tokens: comments removed, malformed tokens
/// reported and repaired.
pub(crate) struct ParserTokens<'input> {
    pub tokens: Vec<(usize, Tok<'input>, usize)>,
    pub comments: Vec<Comment>,
}

pub(crate) fn lex_for_parser<'input>(
    text: &'input str,
    base: usize,
    errors: &mut Vec<SyntaxError>,
) -> ParserTokens<'input> {
    let (raw, lex_errors) = tokenize(text);
    errors.extend(lex_errors.into_iter().map(|mut e| {
        e.span = shift(e.span, base);
        e
    }));
    let mut tokens = Vec::with_capacity(raw.len());
    let mut comments = Vec::new();
    for token in raw {
        let slice = text.get(token.span.range()).unwrap_or("");
        let start = token.span.start as usize + base;
        let end = token.span.end as usize + base;
        let tok = match token.kind {
            TokenKind::LineComment | TokenKind::DocComment => {
                comments.push(Comment {
                    doc: token.kind == TokenKind::DocComment,
                    span: Span::new(start, end),
                });
                continue;
            }
            TokenKind::Ident => Tok::Ident(slice),
            TokenKind::Number => Tok::Number(slice),
            TokenKind::String => Tok::String(slice),
            TokenKind::RawString => Tok::RawString(slice),
            TokenKind::UnterminatedString => {
                errors.push(SyntaxError {
                    kind: SyntaxErrorKind::UnterminatedString,
                    message: "unterminated string".to_string(),
                    span: Span::new(start, end),
                    expected: Vec::new(),
                });
                Tok::String(slice)
            }
            kind => Tok::Fixed(kind),
        };
        tokens.push((start, tok, end));
    }
    ParserTokens { tokens, comments }
}

fn shift(span: Span, base: usize) -> Span {
    Span::new(span.start as usize + base, span.end as usize + base)
}

/// How a token is named in "expected ..." lists and messages.
pub fn describe(kind: TokenKind) -> String {
    use TokenKind as T;
    if let Some(word) = keyword_text(kind) {
        return format!("`{word}`");
    }
    let text = match kind {
        T::Ident => "a name",
        T::Number => "a number",
        T::String | T::UnterminatedString => "a string",
        T::RawString => "a raw string",
        T::DocComment | T::LineComment => "a comment",
        T::LParen => "`(`",
        T::RParen => "`)`",
        T::LBracket => "`[`",
        T::RBracket => "`]`",
        T::LBrace => "`{`",
        T::RBrace => "`}`",
        T::Comma => "`,`",
        T::Dot => "`.`",
        T::Colon => "`:`",
        T::AtSign => "`@`",
        T::Assign => "`=`",
        T::EqEq => "`==`",
        T::NotEq => "`!=`",
        T::Lt => "`<`",
        T::Le => "`<=`",
        T::Gt => "`>`",
        T::Ge => "`>=`",
        T::Plus => "`+`",
        T::Minus => "`-`",
        T::Star => "`*`",
        T::Slash => "`/`",
        T::Percent => "`%`",
        _ => "a keyword",
    };
    text.to_string()
}
