//! `ward eval`: run a compiled module on inputs.

use std::path::{Path, PathBuf};

use ward_model::LoadOptions;

use crate::BoundsArgs;
use crate::ReportFormat;
use crate::commands::check::{Thresholds, exit_code, print_report, report_files};
use crate::inputs::load_inputs;
use crate::sources::{display_name, fail};

pub fn run(
    module: &Path,
    inputs: &[PathBuf],
    format: ReportFormat,
    thresholds: &Thresholds,
    verbose: bool,
    overrides: &[(String, serde_json::Value)],
    bounds: &BoundsArgs,
) -> u8 {
    let wasm = match std::fs::read(module) {
        Ok(wasm) => wasm,
        Err(error) => return fail(&format!("{}: {error}", module.display())),
    };
    let engine = match crate::wasm::engine() {
        Ok(engine) => engine,
        Err(message) => return fail(&message),
    };
    let mut policy = match crate::wasm::load_policy(&engine, &wasm, &display_name(module)) {
        Ok(policy) => policy,
        Err(message) => return fail(&message),
    };
    if let Err(error) = policy.set_params(overrides) {
        return fail(&error.to_string());
    }
    let options = LoadOptions {
        max_values: bounds.max_values(),
        ..LoadOptions::default()
    };
    let bounds = bounds.bounds();
    let mut inputs = match load_inputs(inputs, &options, format == ReportFormat::Human, &bounds) {
        Ok(inputs) => inputs,
        Err(message) => return fail(&message),
    };
    let suppressions = inputs.suppressions();
    let mut run =
        ward_embed::run::evaluate(&policy, &mut inputs, &bounds, true, &crate::progress::tick);
    run.strict = thresholds.strict;
    let paths = crate::repository::repository_paths(report_files(&run));
    run.apply(&suppressions);
    if let Err(message) = print_report(&run, &inputs.texts, &paths, format, verbose) {
        return fail(&message);
    }
    exit_code(&run, thresholds)
}
