//! What the command's tests share: the repository root and running `ward`
//! the way they all do.

#![allow(
    dead_code,
    reason = "each test binary uses its own part of what is shared"
)]

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root: commands run from there, as in the README.
pub fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("cli/ has a parent")
        .to_path_buf()
}

/// Runs `ward` from the repository root with colours off and a module cache
/// (and its key) of the tests' own: its exit code, standard output and
/// standard error.
pub fn run_ward<S: AsRef<OsStr>>(args: &[S]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_ward"))
        .args(args)
        .current_dir(repository_root())
        .env("NO_COLOR", "1")
        .env(
            "XDG_CACHE_HOME",
            repository_root().join("target/cli-test-cache"),
        )
        .env(
            "XDG_CONFIG_HOME",
            repository_root().join("target/cli-test-config"),
        )
        .output()
        .expect("ward runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).to_string(),
        String::from_utf8_lossy(&output.stderr).to_string(),
    )
}

/// Runs `ward` in `dir` as [`run_ward`] does: its exit code, standard
/// output and standard error.
pub fn run_ward_in<S: AsRef<OsStr>>(dir: &Path, args: &[S]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_ward"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env(
            "XDG_CACHE_HOME",
            repository_root().join("target/cli-test-cache"),
        )
        .output()
        .expect("ward runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).to_string(),
        String::from_utf8_lossy(&output.stderr).to_string(),
    )
}

/// A fresh folder `<group>_<name>` under the tests' scratch space, the
/// root of a repository of its own (it holds a `.git` folder), so reports
/// name its files from there.
pub fn scratch_repository(group: &str, name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{group}_{name}"));
    if dir.symlink_metadata().is_ok() {
        std::fs::remove_dir_all(&dir).expect("remove the old folder");
    }
    std::fs::create_dir_all(dir.join(".git")).expect("create the folder");
    dir
}
