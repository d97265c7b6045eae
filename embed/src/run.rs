//! Running policies on loaded inputs and gathering the run's report: with
//! the compiled module ([`evaluate`]) or the reference evaluator
//! ([`reference_report`]), the names a report gives its files, baselines,
//! and the exit code a run's report calls for.

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;
use ward_abi::Report;
use ward_config::Threshold;
use ward_eval::{Evaluator, Limits};
use ward_report::{Run, RunReport, Suppressions};
use ward_runtime::{Input, Policy};

use crate::inputs::{Bounds, Inputs};
use crate::repository::repository_paths;

/// The exit code of a run that found nothing to fail it.
pub const EXIT_CLEAN: u8 = 0;
/// The exit code of a run with findings at or above the thresholds.
pub const EXIT_FINDINGS: u8 = 1;
/// The exit code of a run with inputs or rules that could not be judged.
pub const EXIT_ERROR: u8 = 2;

/// Evaluates the policy on every loaded input, in parallel, and gathers one
/// report, with the inputs that could not be judged (those left when the
/// run's deadline passes among them). The documents are handed to the
/// runtime, not copied.
pub fn evaluate(
    policy: &Policy,
    inputs: &mut Inputs,
    bounds: &Bounds,
    keep_passes: bool,
    tick: &(dyn Fn() + Sync),
) -> RunReport {
    let documents = std::mem::take(&mut inputs.documents);
    let evaluated: Vec<Result<(Input, Report), _>> = documents
        .into_par_iter()
        .map(|document| {
            if let Some(not_judged) = bounds.not_judged(&document.file) {
                std::mem::forget(document);
                return Err(not_judged);
            }
            let input = Input::new(document);
            let report = policy.evaluate(&input);
            tick();
            Ok((input, report))
        })
        .collect();
    let mut run = Run::new(policy.rules());
    run.keep_passes(keep_passes);
    for evaluated in evaluated {
        match evaluated {
            Ok((input, report)) => {
                run.add(input.document(), report);
                // The process is about to exit: freeing a large document
                // value by value costs more than the evaluation itself.
                std::mem::forget(input);
            }
            Err(not_judged) => run.add_error(not_judged),
        }
    }
    crate::inputs::judge_streams(inputs, bounds, &mut run, tick, |document, run| {
        let input = Input::new(document);
        let report = policy.evaluate(&input);
        run.add_part(input.document(), report);
    });
    inputs.add_unjudged(&mut run);
    run.finish()
}

/// Evaluates with the reference evaluator (the interpreter of the IR that
/// `ward test` uses), for comparison with the compiled module. It returns
/// the runtime's report, so both engines go through the same conversion;
/// the rules are described by the same metadata the code generator writes.
pub fn reference_report(
    program: &ward_compiler::ir::Program,
    evaluator: &Evaluator<'_>,
    inputs: &Inputs,
    bounds: &Bounds,
    keep_passes: bool,
    tick: &(dyn Fn() + Sync),
) -> RunReport {
    let limits = Limits::default();
    let reports: Vec<Result<Report, _>> = inputs
        .documents
        .par_iter()
        .map(|document| match bounds.not_judged(&document.file) {
            Some(not_judged) => Err(not_judged),
            None => {
                let report = evaluator.evaluate(document, &limits);
                tick();
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
    crate::inputs::judge_streams(inputs, bounds, &mut run, tick, |document, run| {
        let report = evaluator.evaluate(&document, &limits);
        run.add_part(&document, report);
    });
    inputs.add_unjudged(&mut run);
    run.finish()
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
pub fn run_name(
    file: &str,
    paths: &HashMap<String, String>,
    names: &HashMap<&str, &str>,
) -> String {
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
pub fn read_baseline(path: &Path) -> Result<Suppressions, String> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|error| format!("{name}: {error}"))?;
    Suppressions::parse_baseline(&name, &bytes).map_err(|error| error.to_string())
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

/// The names of a run's files from their repository's root, and each such
/// path's name in the run (see [`repository_paths`]).
pub struct Names {
    /// Name in the run to path from the repository root.
    pub paths: HashMap<String, String>,
    /// Path from the repository root to name in the run.
    names: HashMap<String, String>,
}

impl Names {
    /// The names of every file the report names.
    pub fn of(run: &RunReport) -> Names {
        let paths = repository_paths(report_files(run));
        let names = paths
            .iter()
            .map(|(name, path)| (path.clone(), name.clone()))
            .collect();
        Names { paths, names }
    }

    /// The name this run gives a file that a baseline names (see
    /// [`run_name`]).
    pub fn run_name(&self, file: &str) -> String {
        let names: HashMap<&str, &str> = self
            .names
            .iter()
            .map(|(path, name)| (path.as_str(), name.as_str()))
            .collect();
        run_name(file, &self.paths, &names)
    }
}

/// Applies the suppressions of a run: those written in the templates and
/// those of a baseline, whose files are named from the repository root and
/// renamed as the run names them. Returns the run's names.
pub fn apply_suppressions(
    run: &mut RunReport,
    in_templates: Suppressions,
    mut baseline: Suppressions,
) -> Names {
    let names = Names::of(run);
    // Baselines name files from the repository root; a run names them as
    // given, from wherever it runs.
    baseline.map_files(|file| names.run_name(file));
    let mut suppressions = baseline;
    suppressions.extend(in_templates);
    run.apply(&suppressions);
    names
}
