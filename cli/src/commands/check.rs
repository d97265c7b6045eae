//! `ward check`: evaluate policies (the standard library by default) on
//! templates, plans and inventory.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use ward_abi::Report;
use ward_eval::{Evaluator, Limits};
use ward_model::LoadOptions;
use ward_report::{RenderOptions, Run, RunReport, Suppressions};

use crate::inputs::{Bounds, Inputs, load_inputs_excluding, load_parameters};
use crate::repository::repository_paths;
use crate::selection::Selection;
use crate::sources::{Exclude, fail, load_policies, load_policies_with_stdlib, report_diagnostics};
use crate::{
    DiagnosticFormat, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, EngineArg, Output, ReportFormat,
    Threshold,
};

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
    let mut baseline = match baseline.map(read_baseline).transpose() {
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
            crate::wasm::evaluate(&policy, &mut inputs, &bounds, keep_passes)
        }
        EngineArg::Reference => {
            reference_report(&program, &evaluator, &inputs, &bounds, keep_passes)
        }
    };
    drop(progress);
    run.strict = strict;
    let paths = repository_paths(report_files(&run));
    let names: HashMap<&str, &str> = paths
        .iter()
        .map(|(name, path)| (path.as_str(), name.as_str()))
        .collect();
    // Baselines name files from the repository root; a run names them as
    // given, from wherever it runs.
    baseline.map_files(|file| run_name(file, &paths, &names));
    let mut suppressions = baseline;
    suppressions.extend(in_templates);
    run.apply(&suppressions);
    if let Some((path, reason)) = write_baseline {
        let mut written = Suppressions::covering(&run, reason);
        // Writing over a baseline keeps the reasons written in it.
        if path.exists() {
            match read_baseline(path) {
                Ok(mut previous) => {
                    previous.map_files(|file| run_name(file, &paths, &names));
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
        paths: &paths,
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

/// Every file a report names: inputs judged and not.
pub fn report_files(run: &RunReport) -> impl Iterator<Item = &str> {
    run.outcomes
        .iter()
        .map(|entry| &*entry.file)
        .chain(run.findings.iter().map(|finding| &*finding.file))
        .chain(run.input_errors.iter().map(|error| error.file.as_str()))
        .chain(run.not_inputs.iter().map(|entry| entry.file.as_str()))
}

/// The name this run gives the file a baseline names: the input whose path
/// from the repository root it is, else the input it names as this run
/// does, else (an absolute path) the input at that path; any other name is
/// kept.
fn run_name(file: &str, paths: &HashMap<String, String>, names: &HashMap<&str, &str>) -> String {
    if let Some(name) = names.get(file) {
        return (*name).to_string();
    }
    if paths.contains_key(file) || !Path::new(file).is_absolute() {
        return file.to_string();
    }
    repository_paths([file])
        .remove(file)
        .and_then(|path| names.get(path.as_str()).map(|name| (*name).to_string()))
        .unwrap_or_else(|| file.to_string())
}

/// Reads a `--baseline` file.
fn read_baseline(path: &Path) -> Result<Suppressions, String> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|error| format!("{name}: {error}"))?;
    Suppressions::parse_baseline(&name, &bytes).map_err(|error| error.to_string())
}

/// Evaluates with the reference evaluator (the interpreter of the IR that
/// `ward test` uses), for comparison with the compiled module. It returns
/// the runtime's report, so both engines go through the same conversion;
/// the rules are described by the same metadata the code generator writes.
fn reference_report(
    program: &ward_compiler::ir::Program,
    evaluator: &Evaluator<'_>,
    inputs: &Inputs,
    bounds: &Bounds,
    keep_passes: bool,
) -> RunReport {
    let limits = Limits::default();
    let reports: Vec<Result<Report, _>> = inputs
        .documents
        .par_iter()
        .map(|document| match bounds.not_judged(&document.file) {
            Some(not_judged) => Err(not_judged),
            None => {
                let report = evaluator.evaluate(document, &limits);
                crate::progress::tick();
                Ok(report)
            }
        })
        .collect();
    let rules: Vec<_> = program.rules.iter().map(ward_codegen::rule_meta).collect();
    let mut run = Run::new(&rules);
    run.keep_passes(keep_passes);
    for (document, report) in inputs.documents.iter().zip(reports) {
        match report {
            Ok(report) => run.add(document, report),
            Err(not_judged) => run.add_error(not_judged),
        }
    }
    crate::inputs::judge_streams(inputs, bounds, &mut run, |document, run| {
        let report = evaluator.evaluate(&document, &limits);
        run.add_part(&document, report);
    });
    inputs.add_unjudged(&mut run);
    run.finish()
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

/// What makes a run fail: `--fail-on`, `--fail-on-unknown`, `--strict`.
#[derive(Clone, Copy, Debug)]
pub struct Thresholds {
    /// The lowest severity of a failing finding that makes the exit code 1.
    pub fail_on: Threshold,
    /// The lowest severity of an unknown finding that makes the exit code 1.
    pub fail_on_unknown: Threshold,
    /// Files that are not inputs make the exit code 2.
    pub strict: bool,
}

/// The exit code of a run: 2 when an input or a rule could not be judged
/// (or, with `--strict`, a file is not an input), 1 when a failing finding
/// reaches the `--fail-on` threshold or an unknown one the
/// `--fail-on-unknown` threshold, 0 otherwise.
pub fn exit_code(run: &RunReport, thresholds: &Thresholds) -> u8 {
    if run.has_errors() {
        return EXIT_ERROR;
    }
    let fails = thresholds
        .fail_on
        .threshold()
        .is_some_and(|(severity, level)| run.fails_at_level(severity, level));
    let unknown = thresholds
        .fail_on_unknown
        .threshold()
        .is_some_and(|(severity, level)| run.unknown_at_level(severity, level));
    if fails || unknown {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}
