//! The standard library in the editor: its sources are embedded in the
//! binary, and written once, read-only, under the user's cache directory
//! (`$XDG_CACHE_HOME/ward/stdlib/<version>/`, else
//! `$HOME/.cache/ward/stdlib/<version>/`, beside the runtime's cache of
//! compiled modules in `ward/modules/`), so that go to definition and hover
//! lead to files the editor can open. They join the workspace as library
//! files: policies that import `ward.aws.common` resolve its functions and
//! parameters, and the standard library gets no diagnostics of its own.

use std::path::{Path, PathBuf};

/// Where the standard library of this version is written by default.
pub(crate) fn default_directory() -> Option<PathBuf> {
    let from = |name: &str| {
        std::env::var_os(name)
            .filter(|value| !value.is_empty())
            .map(PathBuf::from)
    };
    from("XDG_CACHE_HOME")
        .or_else(|| from("HOME").map(|home| home.join(".cache")))
        .map(|base| {
            base.join("ward")
                .join("stdlib")
                .join(env!("CARGO_PKG_VERSION"))
        })
}

/// Writes every standard library file under `directory` (unless it is
/// there already with the same text) and makes it read-only; returns each
/// file's path with its text.
pub(crate) fn materialize(directory: &Path) -> std::io::Result<Vec<(PathBuf, &'static str)>> {
    let mut written = Vec::with_capacity(ward_stdlib::FILES.len());
    for (virtual_path, text) in ward_stdlib::FILES {
        let relative = virtual_path.strip_prefix("std/").unwrap_or(virtual_path);
        let path = directory.join(relative);
        let current = std::fs::read_to_string(&path).ok();
        if current.as_deref() != Some(*text) {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            if current.is_some() {
                let mut permissions = std::fs::metadata(&path)?.permissions();
                #[expect(
                    clippy::permissions_set_readonly_false,
                    reason = "the file is ours: it is made read-only again right after"
                )]
                permissions.set_readonly(false);
                std::fs::set_permissions(&path, permissions)?;
            }
            std::fs::write(&path, text)?;
        }
        let mut permissions = std::fs::metadata(&path)?.permissions();
        if !permissions.readonly() {
            permissions.set_readonly(true);
            std::fs::set_permissions(&path, permissions)?;
        }
        written.push((path, *text));
    }
    Ok(written)
}

/// Whether a policy declares a standard library package (the standard
/// library's own sources are being edited): the embedded copy then stays
/// out, so that nothing is defined twice.
pub(crate) fn declares_stdlib_package(text: &str) -> bool {
    ward_syntax::parse(text)
        .file
        .package
        .is_some_and(|package| package.dotted().starts_with("ward."))
}
