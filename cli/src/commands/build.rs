//! `ward build`: check policies and write the module.

use std::path::{Path, PathBuf};

use crate::sources::{LoadedPolicies, fail, load_policies, report_diagnostics};
use crate::{DiagnosticFormat, EXIT_CLEAN, EXIT_ERROR};

pub fn run(paths: &[PathBuf], output: &Path, format: DiagnosticFormat) -> u8 {
    let loaded = match load_policies(paths) {
        Ok(loaded) => loaded,
        Err(message) => return fail(&message),
    };
    if report_diagnostics(&loaded.compiler, format) {
        return EXIT_ERROR;
    }
    let wasm = match compile(&loaded) {
        Ok(wasm) => wasm,
        Err(message) => return fail(&message),
    };
    if let Err(error) = std::fs::write(output, &wasm) {
        return fail(&format!("{}: {error}", output.display()));
    }
    let rules: usize = loaded
        .compiler
        .files()
        .into_iter()
        .filter(|file| !*file.library(&loaded.compiler.db))
        .map(|file| loaded.compiler.analyze(file).rules.len())
        .sum();
    eprintln!(
        "compiled {} file{}, {rules} rule{} into {} ({} bytes)",
        loaded.file_count,
        if loaded.file_count == 1 { "" } else { "s" },
        if rules == 1 { "" } else { "s" },
        output.display(),
        wasm.len()
    );
    EXIT_CLEAN
}

/// Lowers and compiles checked policies to a module.
pub fn compile(loaded: &LoadedPolicies) -> Result<Vec<u8>, String> {
    let compiler = &loaded.compiler;
    let Some(program) = ward_compiler::ir::program(&compiler.db, compiler.workspace).clone() else {
        return Err("the policies could not be lowered".to_string());
    };
    ward_codegen::compile(&program).map_err(|error| format!("code generation failed: {error}"))
}
