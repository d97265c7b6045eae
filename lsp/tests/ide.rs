//! The `ide` layer, tested as data.
//!
//! Every file in `tests/ide/` holds cases of one feature:
//!
//! ```text
//! === what the case shows
//! //- /a.ward
//! rule r for b in resources("AWS::S3::Bucket") {
//!   require b.props.Bucket$0Name != null
//! }
//! --- hover
//! (the expected answer, rendered as text)
//! ```
//!
//! `//- PATH` starts a virtual file (the first one is where `$0`, the
//! cursor, must be); `--- REQUEST [ARGUMENT]` names the request and starts
//! the expected answer, which runs to the next `===`. Requests: `hover`,
//! `completion`, `definition`, `references`, `rename NEW_NAME`,
//! `diagnostics`, `highlight`, `signature`, `symbols`, `actions`, `format`,
//! `lenses`. Run with `UPDATE_EXPECT=1` to rewrite the expected answers
//! after an intended change, then review the diff.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use ward_lsp::ide::{AnalysisHost, FilePosition, FormatOutcome, Snapshot, TextEdit};
use ward_syntax::LineIndex;
use ward_syntax::ast::Span;

struct Case {
    name: String,
    files: Vec<(String, String)>,
    cursor: Option<u32>,
    request: String,
    argument: String,
    expected: String,
}

fn parse_cases(text: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    for chunk in text
        .split("\n=== ")
        .map(|chunk| chunk.strip_prefix("=== ").unwrap_or(chunk))
    {
        if chunk.trim().is_empty() {
            continue;
        }
        let (name, rest) = chunk.split_once('\n').unwrap_or((chunk, ""));
        let (sources, expected) = rest.split_once("\n--- ").unwrap_or_else(|| {
            rest.strip_prefix("--- ")
                .map(|rest| ("", rest))
                .unwrap_or_else(|| panic!("case `{name}` has no `--- request` line"))
        });
        let (request_line, expected) = expected.split_once('\n').unwrap_or((expected, ""));
        let (request, argument) = request_line.split_once(' ').unwrap_or((request_line, ""));
        let mut files: Vec<(String, String)> = Vec::new();
        for line in format!("{sources}\n").lines() {
            if let Some(path) = line.strip_prefix("//- ") {
                files.push((path.trim().to_string(), String::new()));
            } else if let Some((_, text)) = files.last_mut() {
                text.push_str(line);
                text.push('\n');
            }
        }
        let mut cursor = None;
        if let Some((_, text)) = files.first_mut()
            && let Some(at) = text.find("$0")
        {
            cursor = Some(at as u32);
            text.replace_range(at..at + 2, "");
        }
        cases.push(Case {
            name: name.trim().to_string(),
            files,
            cursor,
            request: request.trim().to_string(),
            argument: argument.trim().to_string(),
            expected: expected.trim_end().to_string(),
        });
    }
    cases
}

fn line_col(snapshot: &Snapshot, file: &str, offset: u32) -> String {
    let text = snapshot.file_text(file).unwrap_or("");
    let at = LineIndex::new(text).line_col(text, offset);
    format!("{}:{}", at.line, at.column)
}

fn span_text(snapshot: &Snapshot, file: &str, span: Span) -> String {
    format!(
        "{}-{}",
        line_col(snapshot, file, span.start),
        line_col(snapshot, file, span.end)
    )
}

fn apply(text: &str, edits: &[TextEdit]) -> String {
    let mut out = text.to_string();
    for edit in edits.iter().rev() {
        out.replace_range(edit.span.range(), &edit.new_text);
    }
    out
}

fn run(case: &Case) -> String {
    let mut host = AnalysisHost::new();
    for (path, text) in &case.files {
        host.set_file(path, text.clone());
    }
    let snapshot = host.snapshot();
    let file = case
        .files
        .first()
        .map(|(path, _)| path.as_str())
        .unwrap_or("");
    let position = FilePosition {
        file,
        offset: case.cursor.unwrap_or(0),
    };
    let mut out = String::new();
    match case.request.as_str() {
        "hover" => match snapshot.hover(position) {
            Some(result) => {
                let _ = writeln!(
                    out,
                    "[{}]\n{}",
                    span_text(&snapshot, file, result.span),
                    result.markdown.trim_end()
                );
            }
            None => out.push_str("(none)"),
        },
        "completion" => {
            let mut items = snapshot.completions(position);
            items.sort_by(|a, b| a.sort_text.cmp(&b.sort_text));
            let filter = case.argument.as_str();
            let shown: Vec<_> = items
                .iter()
                .filter(|item| item.label.contains(filter))
                .collect();
            for item in shown.iter().take(40) {
                let _ = writeln!(
                    out,
                    "{} ({:?}) {}",
                    item.label,
                    item.kind,
                    item.detail.as_deref().unwrap_or("")
                );
            }
            if shown.len() > 40 {
                let _ = writeln!(out, "... {} more", shown.len() - 40);
            }
            if shown.is_empty() {
                out.push_str("(none)");
            }
        }
        "definition" => {
            for target in snapshot.goto_definition(position) {
                let _ = writeln!(
                    out,
                    "{} {} {}",
                    target.file,
                    span_text(&snapshot, &target.file, target.focus_span),
                    target.name
                );
            }
        }
        "references" => {
            for range in snapshot.references(position, true) {
                let _ = writeln!(
                    out,
                    "{} {}",
                    range.file,
                    span_text(&snapshot, &range.file, range.span)
                );
            }
        }
        "rename" => match snapshot.rename(position, &case.argument) {
            Ok(change) => {
                for (path, edits) in &change.edits {
                    let _ = writeln!(
                        out,
                        "//- {path}\n{}",
                        apply(snapshot.file_text(path).unwrap_or(""), edits).trim_end()
                    );
                }
            }
            Err(error) => {
                let _ = write!(out, "error: {error}");
            }
        },
        "diagnostics" => {
            for (path, _) in &case.files {
                for diagnostic in snapshot.diagnostics(path) {
                    let _ = writeln!(
                        out,
                        "{path} {} {} {}{}",
                        line_col(&snapshot, path, diagnostic.span.start),
                        diagnostic.code,
                        diagnostic.message,
                        diagnostic
                            .help
                            .as_deref()
                            .map(|help| format!(" (help: {help})"))
                            .unwrap_or_default()
                    );
                }
            }
        }
        "highlight" => {
            let text = snapshot.file_text(file).unwrap_or("");
            for range in snapshot.highlight(file) {
                let _ = writeln!(
                    out,
                    "{:<24} {:?} {}",
                    &text[range.span.range()],
                    range.kind,
                    range.modifiers
                );
            }
        }
        "signature" => match snapshot.signature_help(position) {
            Some(info) => {
                let active = info
                    .active_parameter
                    .and_then(|index| info.parameters.get(index as usize))
                    .map(|(start, end)| &info.label[*start as usize..*end as usize]);
                let _ = write!(out, "{}\nactive: {}", info.label, active.unwrap_or("-"));
            }
            None => out.push_str("(none)"),
        },
        "symbols" => {
            fn render(
                snapshot: &Snapshot,
                file: &str,
                symbols: &[ward_lsp::ide::Symbol],
                depth: usize,
                out: &mut String,
            ) {
                for symbol in symbols {
                    let _ = writeln!(
                        out,
                        "{}{} {:?} {} [{}]",
                        "  ".repeat(depth),
                        symbol.name,
                        symbol.kind,
                        symbol.detail.as_deref().unwrap_or(""),
                        span_text(snapshot, file, symbol.selection_span)
                    );
                    render(snapshot, file, &symbol.children, depth + 1, out);
                }
            }
            render(
                &snapshot,
                file,
                &snapshot.document_symbols(file),
                0,
                &mut out,
            );
        }
        "actions" => {
            let span = Span {
                start: position.offset,
                end: position.offset,
            };
            for assist in snapshot.assists(file, span) {
                let _ = writeln!(out, "# {} ({})", assist.title, assist.diagnostic.code);
                for (path, edits) in &assist.change.edits {
                    let _ = writeln!(
                        out,
                        "{}",
                        apply(snapshot.file_text(path).unwrap_or(""), edits).trim_end()
                    );
                }
            }
        }
        "format" => match snapshot.format(file) {
            FormatOutcome::Unchanged => out.push_str("(unchanged)"),
            FormatOutcome::Edit(edit) => {
                out.push_str(apply(snapshot.file_text(file).unwrap_or(""), &[edit]).trim_end())
            }
            FormatOutcome::Refused(message) => out.push_str(&format!("refused: {message}")),
        },
        "lenses" => {
            for lens in snapshot.rule_lenses(file) {
                let _ = writeln!(
                    out,
                    "{} {}",
                    line_col(&snapshot, file, lens.span.start),
                    lens.rule
                );
            }
        }
        other => panic!("case `{}`: unknown request `{other}`", case.name),
    }
    let out = out.trim_end().to_string();
    if out.is_empty() {
        "(none)".to_string()
    } else {
        out
    }
}

fn render_cases(cases: &[Case], actual: &[String], original: &str) -> String {
    // Rewrites each case's expected answer in place, keeping the sources
    // exactly as written.
    let mut out = String::new();
    let mut rest = original;
    for (case, answer) in cases.iter().zip(actual) {
        let marker = format!("=== {}", case.name);
        let start = rest.find(&marker).unwrap_or(0);
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let request_at = after.find("\n--- ").map(|at| at + 1).unwrap_or(after.len());
        let request_end = after[request_at..]
            .find('\n')
            .map(|at| request_at + at + 1)
            .unwrap_or(after.len());
        out.push_str(&after[..request_end]);
        out.push_str(answer);
        out.push_str("\n\n");
        let next = after[request_end..]
            .find("\n=== ")
            .map(|at| request_end + at + 1)
            .unwrap_or(after.len());
        rest = &after[next..];
    }
    out.push_str(rest);
    out.trim_end().to_string() + "\n"
}

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ide")
}

#[test]
fn ide_cases() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(data_dir())
        .expect("tests/ide exists")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
        .collect();
    paths.sort();
    let mut failures = Vec::new();
    let mut count = 0;
    for path in &paths {
        let text = std::fs::read_to_string(path).expect("readable case file");
        let cases = parse_cases(&text);
        let actual: Vec<String> = cases.iter().map(run).collect();
        for (case, answer) in cases.iter().zip(&actual) {
            count += 1;
            if *answer != case.expected {
                failures.push(format!(
                    "{} / {}:\n--- expected\n{}\n--- actual\n{}\n",
                    path.file_name().unwrap_or_default().to_string_lossy(),
                    case.name,
                    case.expected,
                    answer
                ));
            }
        }
        if update {
            std::fs::write(path, render_cases(&cases, &actual, &text)).expect("writable case file");
        }
    }
    assert!(count > 0, "no cases found");
    if !update {
        assert!(
            failures.is_empty(),
            "{} of {count} cases failed (UPDATE_EXPECT=1 rewrites the answers):\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}
