//! `ward check`: evaluate policies (the standard library by default) on
//! templates, plans and inventory.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ward_eval::Evaluator;
use ward_model::LoadOptions;
use ward_report::{RenderOptions, RunReport, Suppressions};

use crate::inputs::{Bounds, load_inputs_excluding, load_parameters};
use crate::selection::Selection;
use crate::sources::{Exclude, fail, load_policies, load_policies_with_stdlib, report_diagnostics};
use crate::{DiagnosticFormat, EXIT_ERROR, EngineArg, Output, ReportFormat, Threshold};
pub use ward_embed::run::{Thresholds, exit_code, read_baseline, report_files};

/// The options of `ward check` besides policies and inputs.
pub struct Options<'a> {
    /// The reports to write (`--format`, `--output`).
    pub outputs: &'a [Output],
    /// `--quiet`: no report on standard output.
    pub quiet: bool,
    /// The lowest severity that makes the exit code 1.
    pub fail_on: Threshold,
    /// The lowest severity of an unknown outcome that makes the exit code 1.
    pub fail_on_unknown: Threshold,
    /// Files that are not inputs make the exit code 2.
    pub strict: bool,
    /// A CloudFormation parameters file.
    pub parameters: Option<&'a Path>,
    /// List passes, skips and suppressed findings too.
    pub verbose: bool,
    /// The module or the reference evaluator.
    pub engine: EngineArg,
    /// A baseline of suppressions to apply.
    pub baseline: Option<&'a Path>,
    /// Where to write a baseline of the current findings, and its reason.
    pub write_baseline: Option<(&'a Path, &'a str)>,
    /// `--param NAME=VALUE` flags.
    pub param: &'a [String],
    /// `--params FILE`.
    pub params_file: Option<&'a Path>,
    /// The `[params]` table of the configuration file (before `--params`).
    pub config_params: &'a [(String, serde_json::Value)],
    /// `--stdlib`: run the standard library's rules beside the policies.
    pub stdlib: bool,
    /// `--timeout` and `--max-input-size`.
    pub bounds: Bounds,
    /// `--max-values`: the most values one input may hold.
    pub max_values: usize,
    /// `--rules`, `--skip-rules` and `--control`: the rules that run.
    pub selection: Selection<'a>,
    /// `--exclude`: what the walk of input folders leaves out.
    pub exclude: &'a Exclude,
}

pub fn run(policies: &[PathBuf], inputs: &[PathBuf], options: &Options<'_>) -> u8 {
    let Options {
        outputs,
        quiet,
        fail_on,
        fail_on_unknown,
        strict,
        parameters,
        verbose,
        engine,
        baseline,
        write_baseline,
        param,
        params_file,
        config_params,
        stdlib,
        bounds,
        max_values,
        selection,
        exclude,
    } = *options;
    if inputs.is_empty() {
        return fail(
            "no inputs: give files or folders, or `paths` in the configuration file (ward.toml)",
        );
    }
    let overrides = match crate::params::overrides(params_file, param) {
        // The file's values come first, and a name the flags give again is
        // theirs alone (each value is checked against its declaration).
        Ok(given) => {
            let mut overrides: Vec<_> = config_params
                .iter()
                .filter(|(name, _)| !given.iter().any(|(again, _)| again == name))
                .cloned()
                .collect();
            overrides.extend(given);
            overrides
        }
        Err(message) => return fail(&message),
    };
    let baseline = match baseline.map(read_baseline).transpose() {
        Ok(found) => found.unwrap_or_default(),
        Err(message) => return fail(&message),
    };
    let load = if stdlib {
        load_policies_with_stdlib
    } else {
        load_policies
    };
    let loaded = match load(policies) {
        Ok(loaded) => loaded,
        Err(message) => return fail(&message),
    };
    if report_diagnostics(&loaded.compiler, DiagnosticFormat::Human) {
        return EXIT_ERROR;
    }
    let Some(mut program) =
        ward_compiler::ir::program(&loaded.compiler.db, loaded.compiler.workspace).clone()
    else {
        return fail("the policies could not be lowered");
    };
    if !selection.is_all() {
        let program = std::sync::Arc::make_mut(&mut program);
        if let Err(message) = crate::selection::select(program, &selection) {
            return fail(&message);
        }
    }
    // Parameter values are checked against the declarations before any
    // input is read: an unknown name or a wrong type is a usage error.
    let mut evaluator = Evaluator::new(&program);
    if let Err(error) = evaluator.set_params(&overrides) {
        return fail(&error.to_string());
    }
    let parameters = match load_parameters(parameters) {
        Ok(parameters) => parameters,
        Err(message) => return fail(&message),
    };
    let options = LoadOptions {
        parameters,
        kind: None,
        max_values,
    };
    let keep_texts = outputs
        .iter()
        .any(|output| output.format == ReportFormat::Human);
    let mut inputs = match load_inputs_excluding(inputs, exclude, &options, keep_texts, &bounds) {
        Ok(inputs) => inputs,
        Err(message) => return fail(&message),
    };
    let in_templates = inputs.suppressions();
    let shown = !quiet
        && std::io::IsTerminal::is_terminal(&std::io::stderr())
        && outputs
            .iter()
            .any(|output| output.file.is_none() && output.format == ReportFormat::Human);
    let progress =
        crate::progress::Progress::start(inputs.documents.len() + inputs.streams.len(), shown);

    // Passes and skips are listed only by `--verbose` and JUnit; other
    // reports count them, so a run of millions of resources holds only
    // what failed or was unknown.
    let keep_passes = verbose
        || outputs
            .iter()
            .any(|output| output.format == ReportFormat::Junit);
    let mut run = match engine {
        EngineArg::Wasm => {
            let wasm = match ward_codegen::compile(&program) {
                Ok(wasm) => wasm,
                Err(error) => return fail(&format!("code generation failed: {error}")),
            };
            let runtime = match crate::wasm::engine() {
                Ok(runtime) => runtime,
                Err(message) => return fail(&message),
            };
            let mut policy =
                match crate::wasm::load_policy(&runtime, &wasm, "the compiled policies") {
                    Ok(policy) => policy,
                    Err(message) => return fail(&message),
                };
            if let Err(error) = policy.set_params(&overrides) {
                return fail(&error.to_string());
            }
            ward_embed::run::evaluate(
                &policy,
                &mut inputs,
                &bounds,
                keep_passes,
                &crate::progress::tick,
            )
        }
        EngineArg::Reference => ward_embed::run::reference_report(
            &program,
            &evaluator,
            &inputs,
            &bounds,
            keep_passes,
            &crate::progress::tick,
        ),
    };
    drop(progress);
    run.strict = strict;
    let names = ward_embed::run::apply_suppressions(&mut run, in_templates, baseline);
    let paths = &names.paths;
    if let Some((path, reason)) = write_baseline {
        let mut written = Suppressions::covering(&run, reason);
        // Writing over a baseline keeps the reasons written in it.
        if path.exists() {
            match read_baseline(path) {
                Ok(mut previous) => {
                    previous.map_files(|file| names.run_name(file));
                    written.keep_reasons(&previous);
                }
                Err(message) => return fail(&message),
            }
        }
        let mut in_file = written.clone();
        in_file.map_files(|file| paths.get(file).cloned().unwrap_or_else(|| file.to_string()));
        if let Err(error) = std::fs::write(path, in_file.to_baseline()) {
            return fail(&format!("{}: {error}", path.display()));
        }
        eprintln!(
            "wrote {} suppression{} to {}",
            written.len(),
            if written.len() == 1 { "" } else { "s" },
            path.display()
        );
        run.apply(&written);
    }
    let report = Rendered {
        run: &run,
        texts: &inputs.texts,
        paths,
        verbose,
    };
    if let Err(message) = write_reports(&report, outputs, quiet) {
        return fail(&message);
    }
    exit_code(
        &run,
        &Thresholds {
            fail_on,
            fail_on_unknown,
            strict,
        },
    )
}

/// Prints a report in the chosen format to stdout (see [`crate::stdout`]).
/// A machine format leaves out what could not be judged for people, so
/// that is told on standard error too (the human format says it once, in
/// the report).
pub fn print_report(
    run: &RunReport,
    texts: &HashMap<String, String>,
    paths: &HashMap<String, String>,
    format: ReportFormat,
    verbose: bool,
) -> Result<(), String> {
    let color = crate::stdout::color(std::io::IsTerminal::is_terminal(&std::io::stdout()));
    let options = RenderOptions {
        verbose,
        color,
        sources: Some(texts),
        repository_paths: Some(paths),
    };
    if format != ReportFormat::Human {
        let color = crate::stdout::color(std::io::IsTerminal::is_terminal(&std::io::stderr()));
        let options = RenderOptions { color, ..options };
        eprint!("{}", ward_report::render_problems(run, &options));
    }
    crate::stdout::print(&ward_report::render(
        run,
        crate::report_format(format),
        &options,
    ))
}

/// A run's report and what rendering it needs.
pub struct Rendered<'a> {
    /// The run.
    pub run: &'a RunReport,
    /// The texts of the inputs, for snippets.
    pub texts: &'a HashMap<String, String>,
    /// The paths of the files from the repository root.
    pub paths: &'a HashMap<String, String>,
    /// `--verbose`.
    pub verbose: bool,
}

/// Writes the reports of one run (`--format FORMAT[=FILE]`, several at
/// once): each to its file, uncoloured, and the one without a file to
/// standard output unless `--quiet`. When no human report goes to standard
/// output, what could not be judged is told on standard error.
pub fn write_reports(report: &Rendered<'_>, outputs: &[Output], quiet: bool) -> Result<(), String> {
    let human_on_stdout = !quiet
        && outputs
            .iter()
            .any(|output| output.file.is_none() && output.format == ReportFormat::Human);
    let options = RenderOptions {
        verbose: report.verbose,
        color: false,
        sources: Some(report.texts),
        repository_paths: Some(report.paths),
    };
    if !human_on_stdout {
        let color = crate::stdout::color(std::io::IsTerminal::is_terminal(&std::io::stderr()));
        let options = RenderOptions { color, ..options };
        eprint!("{}", ward_report::render_problems(report.run, &options));
    }
    for output in outputs {
        match &output.file {
            Some(file) => {
                let written = std::fs::File::create(file).and_then(|created| {
                    let mut out = std::io::BufWriter::new(created);
                    ward_report::write_report(
                        report.run,
                        crate::report_format(output.format),
                        &options,
                        &mut out,
                    )?;
                    std::io::Write::flush(&mut out)
                });
                written.map_err(|error| format!("{}: {error}", file.display()))?;
            }
            None if quiet => {}
            None => {
                let color =
                    crate::stdout::color(std::io::IsTerminal::is_terminal(&std::io::stdout()));
                let options = RenderOptions { color, ..options };
                let mut out = crate::stdout::Stdout::new();
                // The writer records its own failures for `finish`.
                let _ = ward_report::write_report(
                    report.run,
                    crate::report_format(output.format),
                    &options,
                    &mut out,
                );
                out.finish()?;
            }
        }
    }
    Ok(())
}
