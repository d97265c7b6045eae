//! Diagnostic snapshots: the spec of every message the compiler writes.
//!
//! Each case under `tests/diagnostics/` is a `.ward` file, or a folder of
//! `.ward` files compiled together, whose name starts with the code it shows
//! (`E0102_unknown_function.ward`) and whose first lines are a `//` comment
//! saying what it shows. The runner compiles each case in a fresh compiler,
//! renders every diagnostic without colour and compares the text with the
//! snapshot `tests/snapshots/diagnostics__<case>.snap`.
//!
//! Cases under `tests/good/` and the policies under `examples/policies/` must
//! compile without a single diagnostic.
//!
//! To accept new or changed messages, review them and run
//! `INSTA_UPDATE=always cargo test -p ward-compiler --test diagnostics`
//! (or `cargo insta review`). A snapshot whose case was removed fails the run:
//! delete the `.snap` file with its case.

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use ward_compiler::diagnostics::render::render;
use ward_compiler::{Code, Compiler, Diagnostic};
use ward_syntax::LineIndex;

/// The prefix insta gives the snapshots of this test file.
const SNAPSHOT_PREFIX: &str = "diagnostics__";

fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// One compilation unit: a name and its files as (path, text).
struct Case {
    name: String,
    files: Vec<(String, String)>,
}

impl Case {
    /// Reads a `.ward` file or a folder of them.
    fn load(path: &Path) -> Case {
        let name = path
            .file_stem()
            .and_then(|stem| stem.to_str())
            .unwrap_or_else(|| panic!("case with a strange name: {}", path.display()))
            .to_string();
        let files = if path.is_dir() {
            let files: Vec<(String, String)> = ward_files(path)
                .into_iter()
                .map(|file| {
                    let relative = file.file_name().unwrap().to_string_lossy().to_string();
                    (relative, read(&file))
                })
                .collect();
            assert!(
                !files.is_empty(),
                "the case folder {} holds no `.ward` file",
                path.display()
            );
            files
        } else {
            let relative = path.file_name().unwrap().to_string_lossy().to_string();
            vec![(relative, read(path))]
        };
        Case { name, files }
    }

    /// Compiles the case in a fresh compiler.
    fn compile(&self) -> (Compiler, Vec<Diagnostic>) {
        let mut compiler = Compiler::default();
        for (path, text) in &self.files {
            compiler.set_file(path, text.clone());
        }
        let diagnostics = compiler.diagnostics();
        (compiler, diagnostics)
    }

    /// The header comment of the first file: what the case shows.
    fn header(&self) -> String {
        let (_, text) = &self.files[0];
        text.lines()
            .take_while(|line| line.starts_with("//") && !line.starts_with("///"))
            .map(|line| line.trim_start_matches('/').trim())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The code the case is named after, e.g. `E0102`.
    fn code_prefix(&self) -> &str {
        self.name.split('_').next().unwrap_or("")
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

/// The `.ward` files of a folder, sorted.
fn ward_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file() && path.extension().is_some_and(|ext| ext == "ward"))
        .collect();
    files.sort();
    files
}

/// The cases of a folder: every `.ward` file and every sub-folder, sorted.
fn cases_in(dir: &Path) -> Vec<Case> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir() || path.extension().is_some_and(|ext| ext == "ward"))
        .collect();
    paths.sort();
    paths.iter().map(|path| Case::load(path)).collect()
}

fn diagnostic_cases() -> Vec<Case> {
    cases_in(&tests_dir().join("diagnostics"))
}

/// Every diagnostic rendered as a person sees it in a terminal.
fn render_all(compiler: &Compiler, diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|diagnostic| render(diagnostic, compiler, false))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn diagnostic_snapshots() {
    let cases = diagnostic_cases();
    assert!(!cases.is_empty(), "no diagnostic cases found");
    let mut failures = Vec::new();
    for case in &cases {
        let (compiler, diagnostics) = case.compile();
        let rendered = render_all(&compiler, &diagnostics);
        let mut settings = insta::Settings::clone_current();
        settings.set_description(case.header());
        settings.set_omit_expression(true);
        settings.set_prepend_module_to_snapshot(true);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            settings.bind(|| insta::assert_snapshot!(case.name.as_str(), rendered));
        }));
        if outcome.is_err() {
            failures.push(case.name.clone());
        }
    }
    assert!(
        failures.is_empty(),
        "{} snapshot(s) differ: {}\nreview the diffs above; if the new messages are right, run\n  INSTA_UPDATE=always cargo test -p ward-compiler --test diagnostics",
        failures.len(),
        failures.join(", ")
    );
}

#[test]
fn every_case_has_a_header_and_shows_its_code() {
    let mut problems = Vec::new();
    for case in diagnostic_cases() {
        for (path, text) in &case.files {
            if !text.starts_with("// ") {
                problems.push(format!(
                    "{}/{path}: starts without a `// ` header comment saying what it shows",
                    case.name
                ));
            }
        }
        let prefix = case.code_prefix();
        let Some(code) = Code::ALL.iter().find(|code| code.as_str() == prefix) else {
            problems.push(format!(
                "{}: the name must start with a diagnostic code, not `{prefix}`",
                case.name
            ));
            continue;
        };
        let (_, diagnostics) = case.compile();
        if !diagnostics
            .iter()
            .any(|diagnostic| diagnostic.code == *code)
        {
            problems.push(format!("{}: reports no {code}", case.name));
        }
        let snapshot = tests_dir().join(format!("snapshots/{SNAPSHOT_PREFIX}{}.snap", case.name));
        let snapshot = std::fs::read_to_string(&snapshot).unwrap_or_default();
        if !snapshot.contains(&format!("[{code}]")) {
            problems.push(format!(
                "{}: the committed snapshot shows no {code}",
                case.name
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_code_has_a_case() {
    let cases = diagnostic_cases();
    let covered: BTreeSet<&str> = cases.iter().map(Case::code_prefix).collect();
    let missing: Vec<String> = Code::ALL
        .iter()
        .filter(|code| !covered.contains(code.as_str()))
        .map(|code| format!("{code} ({})", code.title()))
        .collect();
    assert!(
        missing.is_empty(),
        "these codes have no case under compiler/core/tests/diagnostics/: {}\nadd a `<CODE>_<what>.ward` file that shows each",
        missing.join(", ")
    );
}

#[test]
fn no_unreferenced_snapshots() {
    let names: BTreeSet<String> = diagnostic_cases()
        .into_iter()
        .map(|case| case.name)
        .collect();
    let snapshots = tests_dir().join("snapshots");
    let mut orphans = Vec::new();
    for entry in std::fs::read_dir(&snapshots)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", snapshots.display()))
    {
        let file = entry.unwrap().file_name().to_string_lossy().to_string();
        let Some(stem) = file.strip_suffix(".snap") else {
            continue;
        };
        let Some(case) = stem.strip_prefix(SNAPSHOT_PREFIX) else {
            continue;
        };
        if !names.contains(case) {
            orphans.push(file);
        }
    }
    assert!(
        orphans.is_empty(),
        "snapshots without a case in compiler/core/tests/diagnostics/: {}\ndelete them, or restore their cases",
        orphans.join(", ")
    );
}

/// Good code compiles cleanly: the cases under `tests/good/` one by one, and
/// the example policies as one workspace.
#[test]
fn good_code_has_no_diagnostics() {
    let mut cases = cases_in(&tests_dir().join("good"));
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/policies");
    cases.push(Case::load(&examples));
    let mut problems = Vec::new();
    for case in &cases {
        let (compiler, diagnostics) = case.compile();
        if !diagnostics.is_empty() {
            problems.push(format!(
                "{}:\n{}",
                case.name,
                render_all(&compiler, &diagnostics)
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "good code with diagnostics:\n{}",
        problems.join("\n")
    );
}

/// The 1-based lines of the diagnostics with `code`.
fn lines_of(compiler: &Compiler, diagnostics: &[Diagnostic], code: Code) -> Vec<u32> {
    diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.code == code)
        .map(|diagnostic| {
            let text = compiler.text(&diagnostic.file).unwrap();
            LineIndex::new(text)
                .line_col(text, diagnostic.span.start)
                .line
        })
        .collect()
}

/// Recovery: one syntax error per rule, in three rules, gives three errors,
/// each on its own line, and the rules after each mistake are still checked.
#[test]
fn syntax_errors_in_three_rules_are_all_reported() {
    let case = Case::load(&tests_dir().join("diagnostics/E0001_recovery_three_rules.ward"));
    let (compiler, diagnostics) = case.compile();
    assert_eq!(
        lines_of(&compiler, &diagnostics, Code::UnexpectedToken),
        [7, 13, 19]
    );
    // The checker still sees the statement after each broken one.
    assert_eq!(
        lines_of(&compiler, &diagnostics, Code::UnknownFunction),
        [20]
    );
}

/// `docs/errors.md` is generated from the registry of codes; this test keeps
/// it fresh, and rewrites it when `WARD_BLESS` is set.
#[test]
fn error_index_is_fresh() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/errors.md");
    let generated = ward_compiler::diagnostics::codes::error_index_markdown();
    if std::env::var_os("WARD_BLESS").is_some() {
        std::fs::write(&path, &generated)
            .unwrap_or_else(|error| panic!("cannot write {}: {error}", path.display()));
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/errors.md is stale: it is generated from compiler/core/src/diagnostics/codes.rs\nrewrite it with\n  WARD_BLESS=1 cargo test -p ward-compiler --test diagnostics error_index\nand commit the result"
    );
}
