//! What the C interface's tests share: the folders, and the C program
//! `tests/check.c` compiled against the header and linked to the library
//! this build made.

#![allow(dead_code, reason = "each test file uses part of it")]

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn repository_root() -> PathBuf {
    crate_dir()
        .parent()
        .and_then(Path::parent)
        .expect("bindings/c is two folders down")
        .to_path_buf()
}

/// The folder of the shared library this build made: `target/<profile>/deps`,
/// where the test itself runs from.
fn library_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test's path");
    exe.parent().expect("target/<profile>/deps").to_path_buf()
}

/// Compiles `tests/check.c` with the system's C compiler (`-Wall -Werror`)
/// and returns the program's path.
pub fn compile_check_program() -> PathBuf {
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("ward-c-check");
    let libs = library_dir();
    let compiled = Command::new("cc")
        .arg(crate_dir().join("tests/check.c"))
        .arg("-I")
        .arg(crate_dir().join("include"))
        .arg("-L")
        .arg(&libs)
        .arg("-lward_c")
        .arg(format!("-Wl,-rpath,{}", libs.display()))
        .arg("-Wall")
        .arg("-Werror")
        .arg("-o")
        .arg(&out)
        .output()
        .expect("the C compiler runs");
    assert!(
        compiled.status.success(),
        "cc: {}",
        String::from_utf8_lossy(&compiled.stderr)
    );
    out
}
