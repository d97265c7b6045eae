//! `ward eval`: run a compiled module on inputs.

use std::path::{Path, PathBuf};

use ward_model::LoadOptions;

use crate::commands::check::{exceeds_threshold, print_report};
use crate::inputs::{load_inputs, report_load_errors};
use crate::sources::{display_name, fail};
use crate::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, ReportFormat, SeverityArg};

pub fn run(
    module: &Path,
    inputs: &[PathBuf],
    format: ReportFormat,
    fail_on: SeverityArg,
    verbose: bool,
) -> u8 {
    let wasm = match std::fs::read(module) {
        Ok(wasm) => wasm,
        Err(error) => return fail(&format!("{}: {error}", module.display())),
    };
    let engine = match crate::wasm::engine() {
        Ok(engine) => engine,
        Err(message) => return fail(&message),
    };
    let policy = match crate::wasm::load_policy(&engine, &wasm, &display_name(module)) {
        Ok(policy) => policy,
        Err(message) => return fail(&message),
    };
    let mut inputs = match load_inputs(inputs, &LoadOptions::default()) {
        Ok(inputs) => inputs,
        Err(message) => return fail(&message),
    };
    let suppressions = crate::suppressions::from_inputs(&mut inputs);
    let color = std::env::var_os("NO_COLOR").is_none()
        && std::io::IsTerminal::is_terminal(&std::io::stderr());
    report_load_errors(&inputs, color);
    let mut run = crate::wasm::evaluate(&policy, &mut inputs);
    crate::suppressions::apply(&mut run, &suppressions);
    if let Err(message) = print_report(&run, &inputs.texts, format, verbose) {
        return fail(&message);
    }
    if !inputs.errors.is_empty() || !run.errors.is_empty() {
        return EXIT_ERROR;
    }
    if exceeds_threshold(&run, fail_on) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}
