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
