//! Property tests: the lexer and the parser accept any text without
//! panicking, in bounded time, and every span they produce lies inside the
//! text on character boundaries.
//!
//! Inputs are random bytes, random sequences of Ward tokens, and the example
//! policies with characters or tokens deleted, inserted or swapped.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::sample::Index;
use ward_syntax::ast::{
    Attr, Block, Expr, ExprKind, Ident, Item, Path as AstPath, SourceFile, Span, Stmt, StringLit,
    StringPart, TestStmt,
};
use ward_syntax::lexer::tokenize;
use ward_syntax::parse;

/// Generous for a debug build; the inputs are a few kilobytes at most.
const TIME_LIMIT: Duration = Duration::from_secs(2);

/// Lexes and parses `text`, checking every span.
fn check_text(text: &str) {
    let started = Instant::now();
    let (tokens, lex_errors) = tokenize(text);
    for token in &tokens {
        check_span(text, token.span, "token");
    }
    for error in &lex_errors {
        check_span(text, error.span, "lexer error");
    }
    let parse = parse(text);
    for error in &parse.errors {
        check_span(text, error.span, "syntax error");
        assert!(!error.message.is_empty());
    }
    for comment in &parse.comments {
        check_span(text, comment.span, "comment");
    }
    SpanChecker { text }.file(&parse.file);
    let elapsed = started.elapsed();
    assert!(
        elapsed < TIME_LIMIT,
        "parsing {} bytes took {elapsed:?}",
        text.len()
    );
}

fn check_span(text: &str, span: Span, what: &str) {
    let (start, end) = (span.start as usize, span.end as usize);
    assert!(start <= end, "{what} span {span:?} is reversed");
    assert!(
        end <= text.len(),
        "{what} span {span:?} ends after the text ({} bytes)",
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what} span {span:?} cuts a character"
    );
}

/// Walks the whole tree and checks every span in it.
struct SpanChecker<'a> {
    text: &'a str,
}

impl SpanChecker<'_> {
    fn span(&self, span: Span, what: &str) {
        check_span(self.text, span, what);
    }

    fn ident(&self, ident: &Ident) {
        self.span(ident.span, "name");
    }

    fn path(&self, path: &AstPath) {
        self.span(path.span, "path");
        path.segments.iter().for_each(|segment| self.ident(segment));
    }

    fn attrs(&self, attrs: &[Attr]) {
        for attr in attrs {
            self.span(attr.span, "attribute");
            self.ident(&attr.name);
            attr.args
                .iter()
                .for_each(|arg| self.span(arg.span, "attribute argument"));
        }
    }

    fn file(&self, file: &SourceFile) {
        if let Some(package) = &file.package {
            self.path(package);
        }
        for import in &file.imports {
            self.span(import.span, "import");
            self.path(&import.path);
            if let Some(alias) = &import.alias {
                self.ident(alias);
            }
        }
        for item in &file.items {
            self.span(item.span(), "item");
            match item {
                Item::Rule(rule) => {
                    if let Some(doc) = &rule.doc {
                        self.span(doc.span, "doc comment");
                    }
                    self.attrs(&rule.attrs);
                    self.ident(&rule.name);
                    if let Some(binding) = &rule.binding {
                        self.ident(binding);
                    }
                    if let Some(source) = &rule.source {
                        self.expr(source);
                    }
                    if let Some(guard) = &rule.guard {
                        self.expr(guard);
                    }
                    self.block(&rule.body);
                }
                Item::Fn(function) => {
                    self.attrs(&function.attrs);
                    self.ident(&function.name);
                    function.params.iter().for_each(|param| self.ident(param));
                    self.expr(&function.body);
                }
                Item::Test(test) => {
                    self.attrs(&test.attrs);
                    self.ident(&test.name);
                    for stmt in &test.body {
                        match stmt {
                            TestStmt::Input { value, span } => {
                                self.span(*span, "test statement");
                                self.expr(value);
                            }
                            TestStmt::Expect {
                                outcome,
                                rule,
                                resource,
                                span,
                            } => {
                                self.span(*span, "test statement");
                                self.ident(outcome);
                                self.ident(rule);
                                if let Some(resource) = resource {
                                    self.string(resource);
                                }
                            }
                            TestStmt::Error(span) => self.span(*span, "test statement hole"),
                            TestStmt::Param { name, value, span } => {
                                self.span(*span, "test statement");
                                name.segments.iter().for_each(|segment| self.ident(segment));
                                self.expr(value);
                            }
                        }
                    }
                }
                Item::Param(param) => {
                    self.attrs(&param.attrs);
                    self.ident(&param.name);
                    self.span(param.ty.span, "type");
                    self.expr(&param.default);
                }
                Item::Error(_) => {}
            }
        }
    }

    fn block(&self, block: &Block) {
        self.span(block.span, "block");
        for stmt in &block.stmts {
            self.span(stmt.span(), "statement");
            match stmt {
                Stmt::Let { name, value, .. } => {
                    self.ident(name);
                    self.expr(value);
                }
                Stmt::Check(check) => {
                    self.expr(&check.cond);
                    check
                        .message
                        .iter()
                        .chain(&check.at)
                        .for_each(|e| self.expr(e));
                }
                Stmt::When { cond, .. } => self.expr(cond),
                Stmt::For {
                    binding,
                    iter,
                    body,
                    ..
                } => {
                    self.ident(binding);
                    self.expr(iter);
                    self.block(body);
                }
                Stmt::If(statement) => {
                    for branch in &statement.branches {
                        self.expr(&branch.cond);
                        self.block(&branch.body);
                    }
                    if let Some(otherwise) = &statement.otherwise {
                        self.block(otherwise);
                    }
                }
                Stmt::Error(_) => {}
            }
        }
    }

    fn string(&self, literal: &StringLit) {
        self.span(literal.span, "string");
        for part in &literal.parts {
            if let StringPart::Interpolation(inner) = part {
                self.expr(inner);
            }
        }
    }

    fn expr(&self, expr: &Expr) {
        self.span(expr.span, "expression");
        match &expr.kind {
            ExprKind::String(literal) => self.string(literal),
            ExprKind::List(items) => items.iter().for_each(|item| self.expr(item)),
            ExprKind::Object(fields) => fields.iter().for_each(|field| {
                self.ident(&field.key);
                self.expr(&field.value);
            }),
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
                args.iter().for_each(|arg| self.expr(arg));
            }
            ExprKind::Unary(_, operand) => self.expr(operand),
            ExprKind::Binary(_, left, right) => {
                self.expr(left);
                self.expr(right);
            }
            ExprKind::Quantifier(quantifier) => {
                self.ident(&quantifier.binding);
                self.expr(&quantifier.source);
                self.expr(&quantifier.body);
            }
            ExprKind::Comprehension(comprehension) => {
                self.expr(&comprehension.element);
                self.ident(&comprehension.binding);
                self.expr(&comprehension.source);
                if let Some(filter) = &comprehension.filter {
                    self.expr(filter);
                }
            }
            ExprKind::Slice(base, start, end) => {
                self.expr(base);
                start.iter().chain(end).for_each(|bound| self.expr(bound));
            }
            ExprKind::Null
            | ExprKind::Bool(_)
            | ExprKind::Number(_)
            | ExprKind::RawString(_)
            | ExprKind::Name(_)
            | ExprKind::Error => {}
        }
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The example policies and the compiler's test cases: real Ward text to
/// mutate.
fn corpus() -> Vec<String> {
    let mut texts = Vec::new();
    for dir in [
        "examples/policies",
        "compiler/core/tests/good",
        "compiler/core/tests/diagnostics",
    ] {
        let Ok(entries) = std::fs::read_dir(repo_root().join(dir)) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.map(|entry| entry.unwrap().path()).collect();
        paths.sort();
        for path in paths {
            if path.extension().is_some_and(|ext| ext == "ward") {
                texts.push(std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    assert!(!texts.is_empty(), "no Ward files to mutate");
    texts
}

/// Texts of tokens, including malformed ones, for random token sequences
/// and token insertions.
const TOKENS: &[&str] = &[
    "package",
    "import",
    "as",
    "rule",
    "fn",
    "test",
    "for",
    "in",
    "let",
    "require",
    "deny",
    "when",
    "message",
    "at",
    "all",
    "any",
    "none",
    "and",
    "or",
    "not",
    "true",
    "false",
    "null",
    "matches",
    "input",
    "expect",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ".",
    ":",
    "@",
    "=",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "*",
    "/",
    "%",
    "x",
    "sg",
    "resources",
    "count",
    "_",
    "0",
    "22",
    "1.5e3",
    "\"s\"",
    "\"{x}\"",
    "\"{\"",
    "\"}\"",
    "\"{}\"",
    "\"\\q\"",
    "\"{x.}\"",
    "\"{\"{}\"}\"",
    "\"unterminated",
    "r\"raw\"",
    "r\"",
    "/// doc",
    "// note",
    "\n",
    "$",
    "#",
    "é",
    "\u{feff}",
    "\u{0}",
];

/// Characters for insertions: the ones with a meaning in Ward, and some
/// that take several bytes in UTF-8.
const CHARS: &[char] = &[
    '{', '}', '(', ')', '[', ']', '"', '\\', '@', '/', '.', ':', ',', '=', '<', '>', '!', '-', '+',
    '*', '%', '#', '$', '\n', ' ', 'r', 'x', '0', 'é', '€', '😀', '\u{feff}', '\u{0}',
];

/// One edit of a text.
#[derive(Clone, Debug)]
enum Mutation {
    DeleteChar(Index),
    InsertChar(Index, Index),
    SwapChars(Index),
    DeleteToken(Index),
    InsertToken(Index, Index),
    SwapTokens(Index),
    DuplicateLine(Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<Index>().prop_map(Mutation::DeleteChar),
        (any::<Index>(), any::<Index>()).prop_map(|(at, c)| Mutation::InsertChar(at, c)),
        any::<Index>().prop_map(Mutation::SwapChars),
        any::<Index>().prop_map(Mutation::DeleteToken),
        (any::<Index>(), any::<Index>()).prop_map(|(at, t)| Mutation::InsertToken(at, t)),
        any::<Index>().prop_map(Mutation::SwapTokens),
        any::<Index>().prop_map(Mutation::DuplicateLine),
    ]
}

/// Applies a mutation; positions are taken modulo the current length, at
/// character and token boundaries.
fn apply(text: &str, mutation: &Mutation) -> String {
    let boundaries: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let tokens: Vec<Span> = tokenize(text)
        .0
        .into_iter()
        .map(|token| token.span)
        .collect();
    let mut out = text.to_string();
    match mutation {
        Mutation::DeleteChar(at) if boundaries.len() > 1 => {
            let i = at.index(boundaries.len() - 1);
            out.replace_range(boundaries[i]..boundaries[i + 1], "");
        }
        Mutation::InsertChar(at, c) => {
            out.insert(
                boundaries[at.index(boundaries.len())],
                CHARS[c.index(CHARS.len())],
            );
        }
        Mutation::SwapChars(at) if boundaries.len() > 2 => {
            let i = at.index(boundaries.len() - 2);
            let first = &text[boundaries[i]..boundaries[i + 1]];
            let second = &text[boundaries[i + 1]..boundaries[i + 2]];
            out.replace_range(
                boundaries[i]..boundaries[i + 2],
                &format!("{second}{first}"),
            );
        }
        Mutation::DeleteToken(at) if !tokens.is_empty() => {
            out.replace_range(tokens[at.index(tokens.len())].range(), "");
        }
        Mutation::InsertToken(at, token) => {
            let offset = match tokens.is_empty() {
                true => 0,
                false => tokens[at.index(tokens.len())].start as usize,
            };
            out.insert_str(offset, &format!("{} ", TOKENS[token.index(TOKENS.len())]));
        }
        Mutation::SwapTokens(at) if tokens.len() > 1 => {
            let i = at.index(tokens.len() - 1);
            let (first, second) = (tokens[i], tokens[i + 1]);
            let swapped = format!(
                "{}{}{}",
                &text[second.range()],
                &text[first.end as usize..second.start as usize],
                &text[first.range()]
            );
            out.replace_range(first.start as usize..second.end as usize, &swapped);
        }
        Mutation::DuplicateLine(at) => {
            let lines: Vec<&str> = text.split_inclusive('\n').collect();
            if !lines.is_empty() {
                let i = at.index(lines.len());
                let start: usize = lines[..i].iter().map(|line| line.len()).sum();
                out.insert_str(start, lines[i]);
            }
        }
        _ => {}
    }
    out
}

fn token_sequence() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            prop::sample::select(TOKENS),
            prop::sample::select(&[" ", "", "\n"][..]),
        ),
        0..120,
    )
    .prop_map(|tokens| {
        tokens
            .into_iter()
            .flat_map(|(token, space)| [token, space])
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        check_text(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn random_strings(text in "\\PC{0,300}") {
        check_text(&text);
    }

    #[test]
    fn random_token_sequences(text in token_sequence()) {
        check_text(&text);
    }

    #[test]
    fn mutated_policies(which in any::<Index>(), mutations in prop::collection::vec(mutation(), 1..8)) {
        let corpus = corpus();
        let mut text = corpus[which.index(corpus.len())].clone();
        for mutation in &mutations {
            text = apply(&text, mutation);
        }
        check_text(&text);
    }
}

/// The unmutated corpus itself.
#[test]
fn corpus_files() {
    for text in corpus() {
        check_text(&text);
    }
}
