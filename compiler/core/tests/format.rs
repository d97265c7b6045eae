//! Formatter tests: fixtures with their expected output, every `.ward` file
//! of the repository, and a property test over generated programs.
//!
//! Fixtures live in `tests/format/`: `NAME.in.ward` is formatted and
//! compared with `NAME.out.ward`. Run with `UPDATE_EXPECT=1` to rewrite the
//! expected files after an intended change, then review the diff.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use ward_compiler::format::{FormatError, format_source, without_spans};

/// Formats `text` and checks everything the formatter promises: the tree is
/// unchanged (spans aside), every comment is still there in order, and
/// formatting again changes nothing.
fn format_checked(name: &str, text: &str) -> String {
    let formatted = format_source(text).unwrap_or_else(|error| panic!("{name}: {error}"));
    let before = ward_syntax::parse(text);
    let after = ward_syntax::parse(&formatted);
    assert!(
        after.errors.is_empty(),
        "{name}: the output does not parse:\n{formatted}"
    );
    assert_eq!(
        without_spans(&before.file),
        without_spans(&after.file),
        "{name}: formatting changed the tree:\n{formatted}"
    );
    let comments = |text: &str, parse: &ward_syntax::Parse| -> Vec<String> {
        parse
            .comments
            .iter()
            .map(|comment| text[comment.span.range()].trim_end().to_string())
            .collect()
    };
    assert_eq!(
        comments(text, &before),
        comments(&formatted, &after),
        "{name}: comments differ"
    );
    let again =
        format_source(&formatted).unwrap_or_else(|error| panic!("{name} (second pass): {error}"));
    assert_eq!(again, formatted, "{name}: formatting is not idempotent");
    formatted
}

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/format")
}

#[test]
fn fixtures() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(fixture_dir())
        .expect("tests/format exists")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.to_string_lossy().ends_with(".in.ward"))
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no fixtures found");
    let mut failures = Vec::new();
    for input in &inputs {
        let name = input
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let text = std::fs::read_to_string(input).expect("readable fixture");
        let formatted = format_checked(&name, &text);
        let expected_path = PathBuf::from(input.to_string_lossy().replace(".in.ward", ".out.ward"));
        if update {
            std::fs::write(&expected_path, &formatted).expect("writable fixture");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != formatted {
            failures.push(format!("{name}: expected\n{expected}\ngot\n{formatted}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n(run with UPDATE_EXPECT=1 to accept)",
        failures.join("\n")
    );
}

#[test]
fn expected_outputs_are_already_formatted() {
    for entry in std::fs::read_dir(fixture_dir()).expect("tests/format exists") {
        let path = entry.expect("directory entry").path();
        if !path.to_string_lossy().ends_with(".out.ward") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable fixture");
        assert_eq!(
            format_checked(&path.display().to_string(), &text),
            text,
            "{}",
            path.display()
        );
    }
}

fn collect_ward_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        if path.is_dir() {
            if !name.starts_with('.') && name != "target" && name != "node_modules" {
                collect_ward_files(&path, out);
            }
        } else if name.ends_with(".ward") {
            out.push(path);
        }
    }
}

#[test]
fn every_ward_file_in_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    collect_ward_files(&root, &mut files);
    files.sort();
    let mut formatted = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).expect("readable file");
        match format_source(&text) {
            // Files that exist to show syntax errors are refused, as promised.
            Err(FormatError::Syntax(_)) => assert!(!ward_syntax::parse(&text).errors.is_empty()),
            Err(error) => panic!("{}: {error}", path.display()),
            Ok(_) => {
                format_checked(&path.display().to_string(), &text);
                formatted += 1;
            }
        }
    }
    assert!(
        formatted >= 10,
        "only {formatted} files formatted; is the walk broken?"
    );
}

#[test]
fn every_comment_is_kept_verbatim() {
    let text = "// a\npackage p // b\n/// c\n@severity(low) // d\nrule r for x in resources(\"T\") { // e\n  require f( // f\n    1, // g\n    // h\n  ) // i\n  // j\n}\n// k\n";
    let formatted = format_checked("inline", text);
    for comment in [
        "// a", "// b", "/// c", "// d", "// e", "// f", "// g", "// h", "// i", "// j", "// k",
    ] {
        assert!(
            formatted.contains(comment),
            "{comment} missing from:\n{formatted}"
        );
    }
}

#[test]
fn long_check_puts_message_and_at_on_continuation_lines() {
    let text = "rule r for sg in resources(\"AWS::EC2::SecurityGroup\") {\n  deny sg.props.GroupDescription == \"a fairly long description\" message \"{sg} has the description that we do not want\" at sg.props.GroupDescription\n}\n";
    let formatted = format_checked("check", text);
    assert_eq!(
        formatted,
        "rule r for sg in resources(\"AWS::EC2::SecurityGroup\") {\n  deny sg.props.GroupDescription == \"a fairly long description\"\n    message \"{sg} has the description that we do not want\"\n    at sg.props.GroupDescription\n}\n"
    );
}

// ----- property test -----

/// A generated expression; `paren` asks for redundant parentheses.
#[derive(Clone, Debug)]
enum Gen {
    Atom(&'static str),
    Binary(&'static str, Box<Gen>, Box<Gen>, bool),
    Not(Box<Gen>, bool),
    Neg(Box<Gen>),
    Call(&'static str, Vec<Gen>),
    Field(Box<Gen>, &'static str),
    Index(Box<Gen>, Box<Gen>),
    List(Vec<Gen>),
    Object(Vec<(&'static str, Gen)>),
    Quantifier(&'static str, Box<Gen>, Box<Gen>, bool),
}

fn strength(op: &str) -> u8 {
    match op {
        "or" => 1,
        "and" => 2,
        "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not in" | "matches" => 4,
        "+" | "-" => 5,
        _ => 6,
    }
}

impl Gen {
    fn strength(&self) -> u8 {
        match self {
            Gen::Quantifier(..) => 0,
            Gen::Binary(op, ..) => strength(op),
            Gen::Not(..) => 3,
            Gen::Neg(_) => 7,
            Gen::Call(..) | Gen::Field(..) | Gen::Index(..) => 8,
            Gen::Atom(_) | Gen::List(_) | Gen::Object(_) => 9,
        }
    }

    /// The tokens of the expression where the context needs strength `min`.
    fn tokens(&self, min: u8, out: &mut Vec<String>) {
        let extra = match self {
            Gen::Binary(.., paren) | Gen::Not(_, paren) | Gen::Quantifier(.., paren) => *paren,
            _ => false,
        };
        let parens = self.strength() < min || extra;
        if parens {
            out.push("(".into());
        }
        match self {
            Gen::Atom(text) => out.push((*text).into()),
            Gen::Binary(op, left, right, _) => {
                let (left_min, right_min) = match strength(op) {
                    1 => (1, 2),
                    2 => (2, 3),
                    4 => (5, 5),
                    5 => (5, 6),
                    _ => (6, 7),
                };
                left.tokens(left_min, out);
                out.push((*op).into());
                right.tokens(right_min, out);
            }
            Gen::Not(inner, _) => {
                out.push("not".into());
                inner.tokens(3, out);
            }
            Gen::Neg(inner) => {
                out.push("-".into());
                inner.tokens(7, out);
            }
            Gen::Call(name, args) => {
                out.push((*name).into());
                out.push("(".into());
                comma(args, out);
                out.push(")".into());
            }
            Gen::Field(base, name) => {
                base.tokens(8, out);
                out.push(".".into());
                out.push((*name).into());
            }
            Gen::Index(base, index) => {
                base.tokens(8, out);
                out.push("[".into());
                index.tokens(0, out);
                out.push("]".into());
            }
            Gen::List(items) => {
                out.push("[".into());
                comma(items, out);
                out.push("]".into());
            }
            Gen::Object(fields) => {
                out.push("{".into());
                for (index, (key, value)) in fields.iter().enumerate() {
                    if index > 0 {
                        out.push(",".into());
                    }
                    out.push((*key).into());
                    out.push(":".into());
                    value.tokens(0, out);
                }
                out.push("}".into());
            }
            Gen::Quantifier(kind, source, body, _) => {
                out.push((*kind).into());
                out.push("q".into());
                out.push("in".into());
                source.tokens(1, out);
                out.push(":".into());
                body.tokens(0, out);
            }
        }
        if parens {
            out.push(")".into());
        }
    }
}

fn comma(items: &[Gen], out: &mut Vec<String>) {
    for (index, item) in items.iter().enumerate() {
        if index > 0 {
            out.push(",".into());
        }
        item.tokens(0, out);
    }
}

fn expr_strategy() -> impl Strategy<Value = Gen> {
    let leaf = prop::sample::select(vec![
        "a",
        "b",
        "x",
        "q",
        "1",
        "22",
        "0.5",
        "\"s\"",
        "\"{a} is {x.y}\"",
        "r\"^a+$\"",
        "true",
        "false",
        "null",
    ])
    .prop_map(Gen::Atom);
    leaf.prop_recursive(4, 48, 4, |inner| {
        let op = prop::sample::select(vec![
            "or", "and", "==", "!=", "<", ">=", "in", "not in", "+", "-", "*", "%",
        ]);
        prop_oneof![
            (op, inner.clone(), inner.clone(), any::<bool>())
                .prop_map(|(op, l, r, p)| Gen::Binary(op, Box::new(l), Box::new(r), p)),
            (inner.clone(), any::<bool>()).prop_map(|(e, p)| Gen::Not(Box::new(e), p)),
            inner.clone().prop_map(|e| Gen::Neg(Box::new(e))),
            (
                prop::sample::select(vec!["count", "f", "lower"]),
                prop::collection::vec(inner.clone(), 0..4)
            )
                .prop_map(|(name, args)| Gen::Call(name, args)),
            (
                inner.clone(),
                prop::sample::select(vec!["props", "Name", "id"])
            )
                .prop_map(|(base, name)| Gen::Field(Box::new(base), name)),
            (inner.clone(), inner.clone()).prop_map(|(b, i)| Gen::Index(Box::new(b), Box::new(i))),
            prop::collection::vec(inner.clone(), 0..4).prop_map(Gen::List),
            prop::collection::vec(
                (
                    prop::sample::select(vec!["k", "Type", "\"a b\""]),
                    inner.clone()
                ),
                0..3
            )
            .prop_map(Gen::Object),
            (
                prop::sample::select(vec!["all", "any", "none"]),
                inner.clone(),
                inner,
                any::<bool>()
            )
                .prop_map(|(kind, source, body, p)| Gen::Quantifier(
                    kind,
                    Box::new(source),
                    Box::new(body),
                    p
                )),
        ]
    })
}

/// A generated statement.
#[derive(Clone, Debug)]
enum GenStmt {
    Let(Gen),
    Check(bool, Gen, Option<Gen>, Option<Gen>),
    When(Gen),
    For(Gen, Vec<GenStmt>),
}

fn stmt_strategy() -> impl Strategy<Value = GenStmt> {
    let simple = prop_oneof![
        expr_strategy().prop_map(GenStmt::Let),
        (
            any::<bool>(),
            expr_strategy(),
            prop::option::of(expr_strategy()),
            prop::option::of(expr_strategy())
        )
            .prop_map(|(deny, cond, message, at)| GenStmt::Check(deny, cond, message, at)),
        expr_strategy().prop_map(GenStmt::When),
    ];
    simple.prop_recursive(2, 8, 3, |inner| {
        (expr_strategy(), prop::collection::vec(inner, 0..3))
            .prop_map(|(iter, body)| GenStmt::For(iter, body))
    })
}

fn stmt_tokens(stmt: &GenStmt, out: &mut Vec<String>) {
    match stmt {
        GenStmt::Let(value) => {
            out.extend(["let".into(), "v".into(), "=".into()]);
            value.tokens(0, out);
        }
        GenStmt::Check(deny, cond, message, at) => {
            out.push(if *deny { "deny" } else { "require" }.into());
            cond.tokens(0, out);
            if let Some(message) = message {
                out.push("message".into());
                message.tokens(0, out);
            }
            if let Some(at) = at {
                out.push("at".into());
                at.tokens(0, out);
            }
        }
        GenStmt::When(cond) => {
            out.push("when".into());
            cond.tokens(0, out);
        }
        GenStmt::For(iter, body) => {
            out.extend(["for".into(), "e".into(), "in".into()]);
            iter.tokens(0, out);
            out.push("{".into());
            for inner in body {
                stmt_tokens(inner, out);
            }
            out.push("}".into());
        }
    }
}

/// A constant of the shape of an expression: lists and objects keep their
/// shape, everything else becomes a literal.
fn constant(expr: &Gen) -> Gen {
    match expr {
        Gen::List(items) => Gen::List(items.iter().map(constant).collect()),
        Gen::Object(fields) => Gen::Object(
            fields
                .iter()
                .map(|(key, value)| (*key, constant(value)))
                .collect(),
        ),
        Gen::Neg(_) => Gen::Neg(Box::new(Gen::Atom("1"))),
        Gen::Atom(_) | Gen::Call(..) => Gen::Atom("\"${AWS::Region}\""),
        _ => Gen::Atom("null"),
    }
}

/// A generated file as tokens: a rule, a function and a test.
fn file_strategy() -> impl Strategy<Value = Vec<String>> {
    (
        prop::collection::vec(stmt_strategy(), 0..4),
        prop::option::of(expr_strategy()),
        expr_strategy(),
        prop::collection::vec(expr_strategy(), 0..3),
    )
        .prop_map(|(stmts, guard, fn_body, params)| {
            let mut out: Vec<String> = vec!["package".into(), "p".into(), ".".into(), "q".into()];
            out.extend(["import".into(), "a".into(), "as".into(), "b".into()]);
            out.extend([
                "///".into(),
                "@id".into(),
                "(".into(),
                "\"X-1\"".into(),
                ")".into(),
            ]);
            out.extend(["@severity".into(), "(".into(), "high".into(), ")".into()]);
            out.extend([
                "rule".into(),
                "r".into(),
                "for".into(),
                "x".into(),
                "in".into(),
            ]);
            out.extend([
                "resources".into(),
                "(".into(),
                "\"AWS::S3::Bucket\"".into(),
                ")".into(),
            ]);
            if let Some(guard) = guard {
                out.push("when".into());
                guard.tokens(0, &mut out);
            }
            out.push("{".into());
            for stmt in &stmts {
                out.push("///".into());
                stmt_tokens(stmt, &mut out);
            }
            out.push("}".into());
            out.extend(["///".into(), "fn".into(), "f".into(), "(".into()]);
            for index in 0..params.len() {
                if index > 0 {
                    out.push(",".into());
                }
                out.push(format!("p{index}"));
            }
            out.extend([")".into(), "=".into()]);
            fn_body.tokens(0, &mut out);
            out.extend([
                "///".into(),
                "test".into(),
                "\"t\"".into(),
                "{".into(),
                "input".into(),
            ]);
            // A test input holds constants only: the grammar reads nothing
            // else there.
            Gen::Object(params.iter().map(|p| ("k", constant(p))).collect()).tokens(0, &mut out);
            out.extend(["expect".into(), "fail".into(), "r".into(), "}".into()]);
            out
        })
}

/// Joins tokens with generated whitespace and comments.
fn join(tokens: &[String], separators: &[u8]) -> String {
    // Doc comments (`///`) are generated only before items and statements
    // (the `///` token), where people write them: elsewhere moving one to
    // the end of a line can attach it to the next item, which the formatter
    // refuses rather than do.
    const SEPARATORS: &[&str] = &[
        " ",
        " ",
        " ",
        "\n",
        "  ",
        "\n\n\n",
        " // note\n",
        "\n// own line\n",
    ];
    let mut text = String::new();
    for (index, token) in tokens.iter().enumerate() {
        if index > 0 {
            let choice = separators
                .get(index % separators.len().max(1))
                .copied()
                .unwrap_or(0);
            text.push_str(SEPARATORS[choice as usize % SEPARATORS.len()]);
        }
        if token == "///" {
            // A doc comment needs a line of its own.
            text.push_str("\n/// Documentation.\n");
            continue;
        }
        text.push_str(token);
    }
    text
}

proptest! {
    // 256 cases by default; `PROPTEST_CASES=10000` for a longer search.
    #[test]
    fn formatting_is_idempotent_and_keeps_the_tree(
        tokens in file_strategy(),
        separators in prop::collection::vec(any::<u8>(), 1..64),
    ) {
        let text = join(&tokens, &separators);
        let parsed = ward_syntax::parse(&text);
        prop_assert!(parsed.errors.is_empty(), "generated text does not parse: {:?}\n{}", parsed.errors, text);
        match format_source(&text) {
            Err(error) => prop_assert!(false, "{error}\ninput:\n{text}\nlayout:\n{}", ward_compiler::format::format_unverified(&text)),
            Ok(first) => {
                if let Err(error) = format_source(&first) {
                    prop_assert!(false, "second pass: {error}\ninput:\n{first}\nlayout:\n{}", ward_compiler::format::format_unverified(&first));
                }
            }
        }
        format_checked("generated", &text);
    }
}
