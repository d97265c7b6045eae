//! `ward build`: check policies and write the module.

use std::path::{Path, PathBuf};

use crate::sources::{fail, load_policies, report_diagnostics};
use crate::{DiagnosticFormat, EXIT_ERROR};

pub fn run(paths: &[PathBuf], output: &Path, format: DiagnosticFormat) -> u8 {
    let loaded = match load_policies(paths) {
        Ok(loaded) => loaded,
        Err(message) => return fail(&message),
    };
    if report_diagnostics(&loaded.compiler, format) {
        return EXIT_ERROR;
    }
    let rules: usize = loaded
        .compiler
        .files()
        .into_iter()
        .map(|file| loaded.compiler.analyze(file).rules.len())
        .sum();
    eprintln!(
        "checked {} file{}, {rules} rule{}: no errors",
        loaded.file_count,
        if loaded.file_count == 1 { "" } else { "s" },
        if rules == 1 { "" } else { "s" }
    );
    eprintln!(
        "note: code generation is not implemented yet; `{}` was not written",
        output.display()
    );
    crate::EXIT_CLEAN
}
