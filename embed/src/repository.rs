//! Where inputs are in their repository: reports and baselines name files
//! by their path from the repository root, so that a run from a subfolder,
//! or with absolute paths, names the same files.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Each file's path relative to the root of the repository that holds it
/// (the nearest folder above it with a `.git` entry), with `/` between
/// names, by the name it was given. Files outside a repository, and names
/// that are not files on disk, are left out.
pub fn repository_paths<'a>(files: impl IntoIterator<Item = &'a str>) -> HashMap<String, String> {
    let mut roots: HashMap<PathBuf, Option<PathBuf>> = HashMap::new();
    let mut paths = HashMap::new();
    let mut seen = HashSet::new();
    for file in files {
        // Reports name a file once per finding and outcome: it is looked
        // up once.
        if !seen.insert(file) {
            continue;
        }
        if let Some(path) = repository_path(Path::new(file), &mut roots) {
            paths.insert(file.to_string(), path);
        }
    }
    paths
}

/// The path of `file` from its repository's root; `roots` remembers the
/// root of each folder already seen.
fn repository_path(file: &Path, roots: &mut HashMap<PathBuf, Option<PathBuf>>) -> Option<String> {
    let canonical = std::fs::canonicalize(file).ok()?;
    let folder = canonical.parent()?.to_path_buf();
    let root = roots
        .entry(folder.clone())
        .or_insert_with(|| {
            folder
                .ancestors()
                .find(|dir| dir.join(".git").exists())
                .map(Path::to_path_buf)
        })
        .clone()?;
    let relative = canonical.strip_prefix(&root).ok()?;
    let names: Vec<String> = relative
        .components()
        .map(|part| part.as_os_str().to_string_lossy().to_string())
        .collect();
    Some(names.join("/"))
}
