//! End-to-end, corpus, differential and tidy tests of Ward live in
//! `tests/tests/`; this library holds what they share.

use std::path::{Path, PathBuf};

/// The repository root.
pub fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The third-party corpus (`shared/corpus`, see its README): the folder named
/// by `WARD_CORPUS`, or the first `shared/corpus` found beside the repository
/// or beside one of its parent folders. Panics with instructions when there
/// is none: the corpus tests never skip themselves.
pub fn corpus_root() -> PathBuf {
    if let Some(path) = std::env::var_os("WARD_CORPUS") {
        let path = PathBuf::from(path);
        assert!(
            path.join("cfn").is_dir(),
            "WARD_CORPUS={} holds no `cfn` folder",
            path.display()
        );
        return path;
    }
    let root = repository_root();
    for ancestor in root.ancestors().skip(1) {
        let candidate = ancestor.join("shared").join("corpus");
        if candidate.join("cfn").is_dir() {
            return candidate;
        }
    }
    panic!(
        "the third-party corpus is missing: put the `shared/corpus` folder beside the repository (or beside a parent folder of it), or set WARD_CORPUS to its path"
    );
}

/// Reads a JSON file of the corpus, panicking with its path when it cannot.
pub fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> T {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("can not read {}: {error}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{} is not valid JSON: {error}", path.display()))
}

/// The standard library's files in a compiler, as `ward check` and `ward
/// test` load them.
pub fn stdlib_compiler() -> ward_compiler::Compiler {
    let mut compiler = ward_compiler::Compiler::default();
    for (path, text) in ward_stdlib::FILES {
        compiler.set_file(path, (*text).to_string());
    }
    compiler
}

/// The standard library lowered to one program, asserted free of errors.
pub fn stdlib_program() -> std::sync::Arc<ward_compiler::ir::Program> {
    let compiler = stdlib_compiler();
    let errors: Vec<String> = compiler
        .diagnostics()
        .iter()
        .filter(|diagnostic| diagnostic.is_error())
        .map(|diagnostic| format!("{diagnostic:?}"))
        .collect();
    assert!(
        errors.is_empty(),
        "the standard library has errors:\n{}",
        errors.join("\n")
    );
    ward_compiler::ir::program(&compiler.db, compiler.workspace)
        .expect("the standard library lowers to a program")
}

/// `count` inputs of one folder of the corpus (`cfn`, `tfplan`,
/// `inventory`), the same on every machine: the files with an input's
/// extension, sorted by path, taken evenly (file `i * total / count`). The
/// bindings' tests compare their reports with `ward check` on these.
pub fn corpus_sample(folder: &str, count: usize) -> Vec<PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path
                .extension()
                .and_then(|ext| ext.to_str())
                .is_some_and(|ext| {
                    ["json", "yaml", "yml", "template", "ndjson", "jsonl"]
                        .contains(&ext.to_ascii_lowercase().as_str())
                })
            {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&corpus_root().join(folder), &mut files);
    files.sort();
    let total = files.len();
    assert!(
        total >= count,
        "the corpus holds only {total} files in {folder}"
    );
    (0..count)
        .map(|i| files[i * total / count].clone())
        .collect()
}
