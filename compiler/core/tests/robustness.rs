//! Property tests of the whole front end: any text, in any file of a
//! workspace, goes through parsing, resolution and type checking without a
//! panic and in bounded time; every diagnostic points inside its file on
//! character boundaries and renders.
//!
//! Inputs are random bytes, random token sequences, and the example
//! policies with characters or tokens deleted, inserted or swapped. Hostile
//! nesting has its own test.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::sample::Index;
use ward_compiler::Compiler;
use ward_compiler::diagnostics::render::{render, to_json};
use ward_syntax::ast::Span;
use ward_syntax::lexer::tokenize;

/// Generous for a debug build; the inputs are a few kilobytes at most.
const TIME_LIMIT: Duration = Duration::from_secs(3);

/// Compiles the files as one workspace and checks every diagnostic.
fn check_workspace(files: &[(String, String)]) {
    let started = Instant::now();
    let mut compiler = Compiler::default();
    for (path, text) in files {
        compiler.set_file(path, text.clone());
    }
    let diagnostics = compiler.diagnostics();
    for diagnostic in &diagnostics {
        let text = compiler
            .text(&diagnostic.file)
            .expect("a diagnostic names a file of the workspace");
        check_span(text, diagnostic.span, &diagnostic.message);
        assert!(!diagnostic.message.is_empty());
        for label in &diagnostic.labels {
            let file = label.file.as_deref().unwrap_or(&diagnostic.file);
            let text = compiler
                .text(file)
                .expect("a label names a file of the workspace");
            check_span(text, label.span, &label.message);
        }
        for fix in &diagnostic.fixes {
            check_span(text, fix.span, &fix.title);
        }
        assert!(!render(diagnostic, &compiler, false).is_empty());
        to_json(diagnostic, &compiler);
    }
    for file in compiler.files() {
        compiler.analyze(file);
    }
    let elapsed = started.elapsed();
    assert!(elapsed < TIME_LIMIT, "checking took {elapsed:?}");
}

fn check_span(text: &str, span: Span, what: &str) {
    let (start, end) = (span.start as usize, span.end as usize);
    assert!(start <= end, "span {span:?} of `{what}` is reversed");
    assert!(
        end <= text.len(),
        "span {span:?} of `{what}` ends after the text"
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "span {span:?} of `{what}` cuts a character"
    );
}

/// The example policies as one workspace, as (path, text).
fn examples() -> &'static [(String, String)] {
    static EXAMPLES: OnceLock<Vec<(String, String)>> = OnceLock::new();
    EXAMPLES.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/policies");
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "ward"))
            .collect();
        paths.sort();
        let files: Vec<(String, String)> = paths
            .iter()
            .map(|path| {
                let name = path.file_name().unwrap().to_string_lossy().to_string();
                (name, std::fs::read_to_string(path).unwrap())
            })
            .collect();
        assert!(!files.is_empty(), "no example policies");
        files
    })
}

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
    "refs",
    "count",
    "as_list",
    "aws",
    "common",
    "0",
    "22",
    "\"s\"",
    "\"{x}\"",
    "\"{\"",
    "\"{}\"",
    "r\"(?!x)\"",
    "\"unterminated",
    "/// doc",
    "\n",
    "$",
    "é",
];

const CHARS: &[char] = &[
    '{', '}', '(', ')', '[', ']', '"', '\\', '@', '/', '.', ':', ',', '=', '<', '>', '-', '+', '$',
    '\n', ' ', 'x', '0', 'é', '😀', '\u{0}',
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
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<Index>().prop_map(Mutation::DeleteChar),
        (any::<Index>(), any::<Index>()).prop_map(|(at, c)| Mutation::InsertChar(at, c)),
        any::<Index>().prop_map(Mutation::SwapChars),
        any::<Index>().prop_map(Mutation::DeleteToken),
        (any::<Index>(), any::<Index>()).prop_map(|(at, t)| Mutation::InsertToken(at, t)),
        any::<Index>().prop_map(Mutation::SwapTokens),
    ]
}

fn apply(text: &str, mutation: &Mutation) -> String {
    let chars: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let tokens: Vec<Span> = tokenize(text).0.iter().map(|token| token.span).collect();
    let mut out = text.to_string();
    match mutation {
        Mutation::DeleteChar(at) if chars.len() > 1 => {
            let i = at.index(chars.len() - 1);
            out.replace_range(chars[i]..chars[i + 1], "");
        }
        Mutation::InsertChar(at, c) => {
            out.insert(chars[at.index(chars.len())], CHARS[c.index(CHARS.len())])
        }
        Mutation::SwapChars(at) if chars.len() > 2 => {
            let i = at.index(chars.len() - 2);
            let swapped = format!(
                "{}{}",
                &text[chars[i + 1]..chars[i + 2]],
                &text[chars[i]..chars[i + 1]]
            );
            out.replace_range(chars[i]..chars[i + 2], &swapped);
        }
        Mutation::DeleteToken(at) if !tokens.is_empty() => {
            out.replace_range(tokens[at.index(tokens.len())].range(), "")
        }
        Mutation::InsertToken(at, token) => {
            let offset = tokens
                .get(at.index(tokens.len().max(1)))
                .map_or(0, |span| span.start as usize);
            out.insert_str(offset, &format!("{} ", TOKENS[token.index(TOKENS.len())]));
        }
        Mutation::SwapTokens(at) if tokens.len() > 1 => {
            let i = at.index(tokens.len() - 1);
            let (first, second) = (tokens[i], tokens[i + 1]);
            let between = &text[first.end as usize..second.start as usize];
            let swapped = format!("{}{between}{}", &text[second.range()], &text[first.range()]);
            out.replace_range(first.start as usize..second.end as usize, &swapped);
        }
        _ => {}
    }
    out
}

fn token_sequence() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            prop::sample::select(TOKENS),
            prop::sample::select(&[" ", "\n", ""][..]),
        ),
        0..100,
    )
    .prop_map(|tokens| {
        tokens
            .into_iter()
            .flat_map(|(token, space)| [token, space])
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Random bytes as a file next to the examples, which may import it.
    #[test]
    fn random_bytes_beside_the_examples(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let mut files = examples().to_vec();
        files.push(("random.ward".to_string(), String::from_utf8_lossy(&bytes).to_string()));
        check_workspace(&files);
    }

    #[test]
    fn random_token_sequences(first in token_sequence(), second in token_sequence()) {
        check_workspace(&[("a.ward".to_string(), first), ("b.ward".to_string(), second)]);
    }

    /// One example file edited a few times, checked with all the others.
    #[test]
    fn mutated_examples(which in any::<Index>(), mutations in prop::collection::vec(mutation(), 1..6)) {
        let mut files = examples().to_vec();
        let index = which.index(files.len());
        for mutation in &mutations {
            files[index].1 = apply(&files[index].1, mutation);
        }
        check_workspace(&files);
    }
}

/// Nesting far past the limit, in every form that nests, is reported
/// without exhausting the stack of a test thread.
#[test]
fn hostile_nesting() {
    const DEPTH: usize = 20_000;
    let forms = [
        format!("fn f(x) = {}1", "-".repeat(DEPTH)),
        format!("fn f(x) = {}true", "not ".repeat(DEPTH)),
        format!("fn f(x) = {}1{}", "[".repeat(DEPTH), "]".repeat(DEPTH)),
        format!("fn f(x) = {}1{}", "{a: ".repeat(DEPTH), "}".repeat(DEPTH)),
        format!("fn f(x) = 1{}", " + 1".repeat(DEPTH)),
        format!("fn f(x) = x == 1{}", " or x == 1".repeat(DEPTH)),
        format!("fn f(x) = x{}", ".a".repeat(DEPTH)),
        format!("fn f(x) = x{}", "[0]".repeat(DEPTH)),
        format!("fn f(x) = {}1{}", "count(".repeat(DEPTH), ")".repeat(DEPTH)),
        format!("fn f(x) = {}true", "all y in x: ".repeat(DEPTH)),
        format!(
            "rule r for b in resources(\"A\") {{ {} require true {} }}",
            "for y in b.props {".repeat(DEPTH),
            "}".repeat(DEPTH)
        ),
        format!(
            "test t {{ input {}1{} }}",
            "[".repeat(DEPTH),
            "]".repeat(DEPTH)
        ),
    ];
    for text in forms {
        let mut compiler = Compiler::default();
        compiler.set_file("deep.ward", text.clone());
        let codes: Vec<&str> = compiler
            .diagnostics()
            .iter()
            .map(|d| d.code.as_str())
            .collect();
        assert!(
            codes.contains(&"E0007"),
            "no E0007 for {}...: {codes:?}",
            &text[..40]
        );
    }
}
