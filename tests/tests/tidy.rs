//! House rules that a review would otherwise have to remember:
//!
//! - the Rust sources of the product (compiler, runtime, language server,
//!   command line, standard library) hold no `todo!`, `unimplemented!` or
//!   `dbg!`, and no test is ignored or expected to panic (a known wrong
//!   behaviour is asserted as it is, with a FIXME);
//! - no file outside the tests names a path of one particular machine;
//! - every link from `docs/` to a local file resolves.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

/// Folders that are never the project's own text.
const SKIPPED: &[&str] = &[
    "target",
    "node_modules",
    ".git",
    "out",
    "dist",
    "corpus",
    "artifacts",
];

/// Every file under `dir`, skipping build output and dependencies.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if path.is_dir() {
                if !SKIPPED.contains(&name.as_str()) {
                    pending.push(path);
                }
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Whether a path lies in a folder of tests (or test data).
fn in_tests(path: &Path) -> bool {
    let path = path.strip_prefix(root()).unwrap_or(path);
    path.components().any(|part| {
        let part = part.as_os_str().to_string_lossy();
        part == "tests" || part == "test" || part == "benches" || part == "fixtures"
    })
}

#[test]
fn product_sources_have_no_placeholders_or_disabled_tests() {
    // Spelled in pieces so that this file does not trip a search for them.
    let forbidden = [
        concat!("todo", "!("),
        concat!("unimplemented", "!("),
        concat!("dbg", "!("),
        concat!("#[", "ignore"),
        concat!("#[", "should_panic"),
    ];
    let mut problems = Vec::new();
    for dir in ["compiler", "runtime", "lsp", "cli", "stdlib"] {
        for path in files_under(&root().join(dir)) {
            if path.extension().is_none_or(|ext| ext != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (index, line) in text.lines().enumerate() {
                for pattern in forbidden {
                    if line.contains(pattern) {
                        problems.push(format!("{}:{}: `{pattern}`", relative(&path), index + 1));
                    }
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "forbidden in product sources:\n{}",
        problems.join("\n")
    );
}

#[test]
fn no_machine_paths_outside_tests() {
    let forbidden = [
        concat!("/", "work/"),
        concat!("/", "tmp/"),
        concat!("/", "home/"),
        concat!("/", "root/"),
    ];
    let mut problems = Vec::new();
    for path in files_under(&root()) {
        if in_tests(&path) {
            continue;
        }
        // Binary and non-UTF-8 files are not text anyone reads.
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for (index, line) in text.lines().enumerate() {
            for pattern in forbidden {
                if line.contains(pattern) {
                    problems.push(format!("{}:{}: `{pattern}`", relative(&path), index + 1));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "paths of one machine outside the tests (use paths relative to the repository):\n{}",
        problems.join("\n")
    );
}

/// The targets of the inline links `[text](target)` of a Markdown text,
/// outside code blocks and code spans.
fn link_targets(markdown: &str) -> Vec<(usize, String)> {
    let mut targets = Vec::new();
    let mut in_fence = false;
    for (index, line) in markdown.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        // Drop code spans, where `[a](b)` is an example, not a link.
        let mut prose = String::new();
        for (part, piece) in line.split('`').enumerate() {
            if part % 2 == 0 {
                prose.push_str(piece);
            }
        }
        let mut rest = prose.as_str();
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let Some(end) = after.find(')') else { break };
            let target = after[..end]
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_string();
            targets.push((index + 1, target));
            rest = &after[end..];
        }
    }
    targets
}

#[test]
fn local_links_in_docs_resolve() {
    let mut problems = Vec::new();
    let docs = root().join("docs");
    for path in files_under(&docs) {
        if path.extension().is_none_or(|ext| ext != "md") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (line, target) in link_targets(&text) {
            let is_remote = target.contains("://") || target.starts_with("mailto:");
            let file = target.split('#').next().unwrap_or("");
            if is_remote || file.is_empty() {
                continue;
            }
            let resolved = path.parent().unwrap().join(file);
            if !resolved.exists() {
                problems.push(format!(
                    "{}:{line}: `{target}` does not exist",
                    relative(&path)
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "broken links in docs/:\n{}",
        problems.join("\n")
    );
}

#[test]
fn link_reader_finds_links_and_skips_code() {
    let markdown = "See [the ABI](abi.md#values) and [x](https://example.com).\n`[not](a-link.md)`\n```\n[nor](this.md)\n```\n";
    let targets: Vec<String> = link_targets(markdown)
        .into_iter()
        .map(|(_, target)| target)
        .collect();
    assert_eq!(targets, ["abi.md#values", "https://example.com"]);
}
