//! Finding files (the walk of folders that `ward check` does) and loading
//! policy files into the compiler.

use std::path::{Path, PathBuf};

use ward_compiler::Compiler;

/// Every file under `paths` that `accept` takes, sorted; a path that is a
/// file is taken as it is. The first path that cannot be read is an error.
pub fn collect_files(
    paths: &[PathBuf],
    accept: &dyn Fn(&Path) -> bool,
) -> Result<Vec<PathBuf>, String> {
    let (files, mut unreadable) = gather_files(paths, accept);
    match unreadable.drain(..).next() {
        Some((path, reason)) => Err(format!("{}: {reason}", path.display())),
        None => Ok(files),
    }
}

/// Every file under `paths` that `accept` takes, sorted, and every path
/// that could not be read with the reason: a missing path, a folder that
/// cannot be listed, a broken symbolic link, something that is not a
/// regular file (a FIFO would block the reader). One such path never stops
/// the walk. Hidden folders, `target` and `node_modules` folders, what the
/// `.gitignore` files of the walked folders ignore and symbolic links to
/// folders are not entered; symbolic links to files are followed.
pub fn gather_files(
    paths: &[PathBuf],
    accept: &dyn Fn(&Path) -> bool,
) -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
    gather_files_excluding(paths, accept, &Exclude::default())
}

/// [`gather_files`], leaving out of the walk what `exclude` matches (a
/// path given is always taken).
pub fn gather_files_excluding(
    paths: &[PathBuf],
    accept: &dyn Fn(&Path) -> bool,
    exclude: &Exclude,
) -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
    let mut files = Vec::new();
    let mut unreadable = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(metadata) if metadata.is_dir() => {
                walk(path, accept, exclude, &mut files, &mut unreadable);
            }
            Ok(metadata) if metadata.is_file() => files.push(path.clone()),
            Ok(_) => unreadable.push((path.clone(), NOT_REGULAR.to_string())),
            Err(error) => unreadable.push((path.clone(), error.to_string())),
        }
    }
    files.sort();
    files.dedup();
    unreadable.sort();
    unreadable.dedup();
    (files, unreadable)
}

const NOT_REGULAR: &str = "not a regular file or folder";

/// Paths a walk leaves out: `--exclude` globs, matched as the lines of a
/// `.gitignore` in `root` are (`*.json`, `legacy/`, `/generated`, `**/old`).
#[derive(Clone, Debug, Default)]
pub struct Exclude {
    /// The folder the globs are relative to, absolute, without `..`.
    root: PathBuf,
    matcher: Option<ignore::gitignore::Gitignore>,
}

impl Exclude {
    /// The globs, relative to `root` (an empty path is the working
    /// directory); a glob that is not valid is an error naming it.
    pub fn new(root: &Path, globs: &[String]) -> Result<Exclude, String> {
        if globs.is_empty() {
            return Ok(Exclude::default());
        }
        let root = absolute(root)?;
        let mut builder = ignore::gitignore::GitignoreBuilder::new(&root);
        for glob in globs {
            builder
                .add_line(None, glob)
                .map_err(|error| format!("`--exclude {glob}`: {error}"))?;
        }
        let matcher = builder.build().map_err(|error| error.to_string())?;
        Ok(Exclude {
            root,
            matcher: Some(matcher),
        })
    }

    /// Whether the walk leaves a path out.
    fn excludes(&self, path: &Path, is_dir: bool) -> bool {
        let Some(matcher) = &self.matcher else {
            return false;
        };
        absolute(path).is_ok_and(|path| {
            path.starts_with(&self.root)
                && matcher
                    .matched_path_or_any_parents(&path, is_dir)
                    .is_ignore()
        })
    }
}

/// A path made absolute from the working directory, `.` and `..` resolved
/// without following links.
fn absolute(path: &Path) -> Result<PathBuf, String> {
    let path = if path.as_os_str().is_empty() {
        Path::new(".")
    } else {
        path
    };
    let path = std::path::absolute(path).map_err(|error| format!("{}: {error}", path.display()))?;
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    Ok(out)
}

fn walk(
    dir: &Path,
    accept: &dyn Fn(&Path) -> bool,
    exclude: &Exclude,
    out: &mut Vec<PathBuf>,
    unreadable: &mut Vec<(PathBuf, String)>,
) {
    let mut builder = ignore::WalkBuilder::new(dir);
    builder
        .standard_filters(false)
        .git_ignore(true)
        .require_git(false)
        .parents(false)
        .follow_links(false)
        .sort_by_file_path(Ord::cmp);
    // Filters see every entry but the folder walked.
    let exclude = exclude.clone();
    let skips = move |entry: &ignore::DirEntry| {
        let is_dir = entry.file_type().is_some_and(|kind| kind.is_dir());
        let name = entry.file_name();
        let skipped_folder = is_dir
            && (name.to_string_lossy().starts_with('.')
                || name == "target"
                || name == "node_modules");
        skipped_folder || exclude.excludes(entry.path(), is_dir)
    };
    builder.filter_entry(move |entry| !skips(entry));
    for entry in builder.build() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let (path, reason) = walk_error(dir, error);
                unreadable.push((path, reason));
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        let path = entry.path().to_path_buf();
        let Some(file_type) = entry.file_type() else {
            unreadable.push((path, "cannot read the file's type".to_string()));
            continue;
        };
        if file_type.is_dir() || !accept(&path) {
            continue;
        } else if file_type.is_file() {
            out.push(path);
        } else if file_type.is_symlink() {
            match std::fs::metadata(&path) {
                Ok(target) if target.is_file() => out.push(path),
                Ok(target) if target.is_dir() => {}
                Ok(_) => unreadable.push((path, NOT_REGULAR.to_string())),
                Err(error) => {
                    unreadable.push((path, format!("broken symbolic link: {error}")));
                }
            }
        } else {
            unreadable.push((path, NOT_REGULAR.to_string()));
        }
    }
}

/// The path and reason of an error of the walk under `dir`: a folder that
/// cannot be listed, a `.gitignore` that cannot be read.
fn walk_error(dir: &Path, error: ignore::Error) -> (PathBuf, String) {
    let mut error = &error;
    let mut path = dir.to_path_buf();
    loop {
        match error {
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                error = err;
            }
            ignore::Error::WithPath { path: at, err } => {
                path.clone_from(at);
                error = err;
            }
            ignore::Error::Io(io) => return (path, format!("cannot list the folder: {io}")),
            other => return (path, other.to_string()),
        }
    }
}

/// Whether a path is a policy file.
pub fn is_policy(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext == "ward")
}

/// The display name of a path: relative paths as given, without `./`.
pub fn display_name(path: &Path) -> String {
    let text = path.to_string_lossy().to_string();
    text.strip_prefix("./").map(str::to_string).unwrap_or(text)
}

/// Policies loaded into a compiler.
pub struct LoadedPolicies {
    /// The compiler with every file.
    pub compiler: Compiler,
    /// Number of files loaded.
    pub file_count: usize,
}

/// The first segment of every standard library package.
const STDLIB_PREFIX: &str = "ward.";

/// Loads the policy files under `paths` and the standard library's rules
/// beside them (`ward check --stdlib`).
pub fn load_policies_with_stdlib(paths: &[PathBuf]) -> Result<LoadedPolicies, String> {
    let mut loaded = load_policies(paths)?;
    if !paths.is_empty() {
        for (path, text) in ward_stdlib::FILES {
            loaded.compiler.set_policy_file(path, (*text).to_string());
        }
        loaded.file_count += ward_stdlib::FILES.len();
    }
    Ok(loaded)
}

/// Loads the policy files under `paths`; with no paths, the standard library.
pub fn load_policies(paths: &[PathBuf]) -> Result<LoadedPolicies, String> {
    let mut compiler = Compiler::default();
    if paths.is_empty() {
        for (path, text) in ward_stdlib::FILES {
            compiler.set_file(path, (*text).to_string());
        }
        return Ok(LoadedPolicies {
            compiler,
            file_count: ward_stdlib::FILES.len(),
        });
    }
    let files = collect_files(paths, &is_policy)?;
    if files.is_empty() {
        return Err("no `.ward` files found".to_string());
    }
    let mut imports_stdlib = false;
    let mut declares_stdlib = false;
    for file in &files {
        let bytes = std::fs::read(file).map_err(|error| format!("{}: {error}", file.display()))?;
        let text = String::from_utf8(bytes).map_err(|error| {
            format!(
                "{}: not valid UTF-8 (byte {})",
                display_name(file),
                error.utf8_error().valid_up_to()
            )
        })?;
        let source = compiler.set_file(&display_name(file), text);
        let summary = ward_compiler::items::file_summary(&compiler.db, source);
        imports_stdlib |= summary
            .imports
            .iter()
            .any(|(package, _)| package.starts_with(STDLIB_PREFIX));
        declares_stdlib |= summary.package.starts_with(STDLIB_PREFIX);
    }
    // Policies that import a standard library package get the standard
    // library as library files: its functions and parameters, not its
    // rules (`docs/language.md` section 3). Policies that are themselves
    // standard library sources (`--policy stdlib/aws`) bring their own.
    if imports_stdlib && !declares_stdlib {
        for (path, text) in ward_stdlib::FILES {
            compiler.set_library_file(path, (*text).to_string());
        }
    }
    Ok(LoadedPolicies {
        file_count: files.len(),
        compiler,
    })
}
