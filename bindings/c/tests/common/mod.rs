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

/// Runs the C program on `paths` and asserts that it prints the JSON report
/// of the embedding surface byte for byte and ends with its exit code.
pub fn assert_c_answers_as_the_surface(
    program: &Path,
    policy: &ward_embed::Policy,
    paths: &[PathBuf],
    what: &str,
) {
    let from_c = Command::new(program)
        .args(paths)
        .output()
        .expect("the C program runs");
    let checked = policy
        .check(paths, &ward_embed::CheckOptions::default())
        .expect("judged");
    assert_eq!(
        String::from_utf8_lossy(&from_c.stdout),
        checked.render(ward_embed::Format::Json),
        "{what}: {}",
        String::from_utf8_lossy(&from_c.stderr)
    );
    assert_eq!(
        from_c.status.code(),
        Some(i32::from(checked.exit_code(
            ward_embed::Threshold::Low,
            ward_embed::Threshold::Never
        ))),
        "{what}"
    );
}
