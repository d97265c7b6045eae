//! `ward check`: evaluate policies (the standard library by default) on
//! templates, plans and inventory.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use ward_abi::{Finding, Outcome, Report, ResourceOutcome, RuleError, RuleErrorKind, RuleMeta};
use ward_compiler::eval::{self, Limits};
use ward_model::{Document, LoadOptions};
use ward_report::{RenderOptions, Run, RunReport, Suppressions};

use crate::inputs::{Inputs, load_inputs, load_parameters, report_load_errors};
use crate::sources::{fail, load_policies, report_diagnostics};
use crate::{
    DiagnosticFormat, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, EngineArg, ReportFormat, SeverityArg,
};

/// The options of `ward check` besides policies and inputs.
pub struct Options<'a> {
    /// Report format.
    pub format: ReportFormat,
    /// The lowest severity that makes the exit code 1.
    pub fail_on: SeverityArg,
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
}

pub fn run(policies: &[PathBuf], inputs: &[PathBuf], options: &Options<'_>) -> u8 {
    let Options {
        format,
        fail_on,
        parameters,
        verbose,
        engine,
        baseline,
        write_baseline,
    } = *options;
    let mut suppressions = match baseline.map(read_baseline).transpose() {
        Ok(found) => found.unwrap_or_default(),
        Err(message) => return fail(&message),
    };
    let loaded = match load_policies(policies) {
        Ok(loaded) => loaded,
        Err(message) => return fail(&message),
    };
    if report_diagnostics(&loaded.compiler, DiagnosticFormat::Human) {
        return EXIT_ERROR;
    }
    let Some(program) =
        ward_compiler::ir::program(&loaded.compiler.db, loaded.compiler.workspace).clone()
    else {
        return fail("the policies could not be lowered");
    };
    let parameters = match load_parameters(parameters) {
        Ok(parameters) => parameters,
        Err(message) => return fail(&message),
    };
    let options = LoadOptions {
        parameters,
        kind: None,
    };
    let mut inputs = match load_inputs(inputs, &options) {
        Ok(inputs) => inputs,
        Err(message) => return fail(&message),
    };
    suppressions.extend(inputs.suppressions());
    let color = std::env::var_os("NO_COLOR").is_none()
        && std::io::IsTerminal::is_terminal(&std::io::stderr());
    report_load_errors(&inputs, color);

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
            let policy = match crate::wasm::load_policy(&runtime, &wasm, "the compiled policies") {
                Ok(policy) => policy,
                Err(message) => return fail(&message),
            };
            crate::wasm::evaluate(&policy, &mut inputs)
        }
        EngineArg::Reference => reference_report(&program, &inputs),
    };
    run.apply(&suppressions);
    if let Some((path, reason)) = write_baseline {
        let written = Suppressions::covering(&run, reason);
        if let Err(error) = std::fs::write(path, written.to_baseline()) {
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
    if let Err(message) = print_report(&run, &inputs.texts, format, verbose) {
        return fail(&message);
    }
    exit_code(&run, &inputs, fail_on)
}

/// Reads a `--baseline` file.
fn read_baseline(path: &Path) -> Result<Suppressions, String> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|error| format!("{name}: {error}"))?;
    Suppressions::parse_baseline(&name, &bytes).map_err(|error| error.to_string())
}

/// Evaluates with the reference evaluator (the interpreter of the IR that
/// `ward test` uses), for comparison with the compiled module.
fn reference_report(program: &ward_compiler::ir::Program, inputs: &Inputs) -> RunReport {
    let evaluator = eval::Evaluator::new(program);
    let limits = Limits::default();
    let reports: Vec<Report> = inputs
        .documents
        .par_iter()
        .map(|document| abi_report(document, evaluator.evaluate(document, &limits)))
        .collect();
    let mut run = Run::new(&reference_rules(program));
    for (document, report) in inputs.documents.iter().zip(reports) {
        run.add(document, report);
    }
    run.finish()
}

/// The rules of the program as reports describe them (the code generator
/// writes the same metadata, with sources and checks, into a module).
fn reference_rules(program: &ward_compiler::ir::Program) -> Vec<RuleMeta> {
    program
        .rules
        .iter()
        .map(|rule| RuleMeta {
            id: rule.info.id.clone(),
            name: rule.info.name.clone(),
            package: rule.info.package.clone(),
            severity: abi_severity(rule.info.severity),
            controls: rule.info.controls.clone(),
            tags: rule.info.tags.clone(),
            title: rule.info.title.clone(),
            description: rule.info.description.clone(),
            resource_types: Vec::new(),
            source: Default::default(),
            checks: Vec::new(),
        })
        .collect()
}

fn abi_severity(severity: ward_compiler::analysis::Severity) -> ward_abi::Severity {
    use ward_abi::Severity;
    use ward_compiler::analysis::Severity as Declared;
    match severity {
        Declared::Info => Severity::Info,
        Declared::Low => Severity::Low,
        Declared::Medium => Severity::Medium,
        Declared::High => Severity::High,
        Declared::Critical => Severity::Critical,
    }
}

// Removed when the evaluator returns ward_abi::Report.
fn abi_report(document: &Document, report: eval::Report) -> Report {
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (position, resource) in document.resources.iter().enumerate() {
        index.entry(resource.id.as_str()).or_insert(position);
    }
    let outcome = |outcome: eval::Outcome| match outcome {
        eval::Outcome::Pass => Outcome::Pass,
        eval::Outcome::Fail => Outcome::Fail,
        eval::Outcome::Skip => Outcome::Skip,
        eval::Outcome::Unknown => Outcome::Unknown,
    };
    let file: Arc<str> = Arc::from(report.file.as_str());
    let mut abi = Report::default();
    abi.summary.rules = report.rules.len();
    abi.summary.resources = document.resources.len();
    for rule in report.rules {
        let id: Arc<str> = Arc::from(rule.rule_id.as_str());
        abi.outcomes
            .extend(rule.resources.iter().map(|resource| ResourceOutcome {
                rule: id.clone(),
                resource: index.get(resource.resource_id.as_str()).copied(),
                outcome: outcome(resource.outcome),
            }));
        if let Some(message) = rule.error {
            // Reports show the message only; the evaluator's halts (its step
            // budget, its depth) are not told apart here.
            abi.errors.push(RuleError {
                rule: rule.rule_id,
                message,
                kind: RuleErrorKind::OutOfFuel,
            });
        }
    }
    abi.findings = report
        .findings
        .into_iter()
        .map(|finding| Finding {
            rule: Arc::from(finding.rule_id.as_str()),
            severity: abi_severity(finding.severity),
            outcome: match finding.outcome {
                eval::FindingOutcome::Fail => Outcome::Fail,
                eval::FindingOutcome::Unknown => Outcome::Unknown,
            },
            resource: Arc::from(finding.resource_id.as_str()),
            resource_type: Arc::from(finding.resource_type.as_str()),
            path: finding.path,
            message: finding.message,
            file: file.clone(),
            line: finding.line,
            column: finding.column,
        })
        .collect();
    abi.recount();
    abi
}

/// Prints a report in the chosen format to stdout (see [`crate::stdout`]).
pub fn print_report(
    run: &RunReport,
    texts: &HashMap<String, String>,
    format: ReportFormat,
    verbose: bool,
) -> Result<(), String> {
    let color = std::env::var_os("NO_COLOR").is_none()
        && std::io::IsTerminal::is_terminal(&std::io::stdout());
    let options = RenderOptions {
        verbose,
        color,
        sources: Some(texts),
    };
    crate::stdout::print(&ward_report::render(run, format.into(), &options))
}

/// The exit code of a run: 2 when an input or a rule failed, 1 when a
/// failing finding reaches the `--fail-on` threshold, 0 otherwise.
pub fn exit_code(run: &RunReport, inputs: &Inputs, fail_on: SeverityArg) -> u8 {
    if !inputs.errors.is_empty() || !run.errors.is_empty() {
        return EXIT_ERROR;
    }
    if fail_on
        .threshold()
        .is_some_and(|threshold| run.fails_at(threshold))
    {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}
