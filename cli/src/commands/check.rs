//! `ward check`: evaluate policies (the standard library by default) on
//! templates, plans and inventory.

use std::sync::Arc;

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use ward_eval::{Evaluator, Limits};
use ward_model::LoadOptions;

use crate::inputs::{load_inputs, load_parameters, report_load_errors};
use crate::report::{self, Finding, OutcomeEntry, RuleError, RuleSummary, RunReport};
use crate::sources::{fail, load_policies, report_diagnostics};
use crate::suppressions;
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
    let mut suppressions = match baseline.map(suppressions::read_baseline).transpose() {
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
    suppressions.extend(suppressions::from_inputs(&mut inputs));
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
    run.sort();
    suppressions::apply(&mut run, &suppressions);
    if let Some((path, reason)) = write_baseline {
        let (text, written) = suppressions::baseline_of(&run, reason);
        if let Err(error) = std::fs::write(path, text) {
            return fail(&format!("{}: {error}", path.display()));
        }
        eprintln!(
            "wrote {} suppression{} to {}",
            written.len(),
            if written.len() == 1 { "" } else { "s" },
            path.display()
        );
        suppressions::apply(&mut run, &written);
    }
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

/// Evaluates with the reference evaluator (the interpreter of the IR that
/// `ward test` uses), for comparison with the compiled module.
fn reference_report(
    program: &ward_compiler::ir::Program,
    inputs: &crate::inputs::Inputs,
) -> RunReport {
    let evaluator = Evaluator::new(program);
    let limits = Limits::default();
    let reports: Vec<_> = inputs
        .documents
        .par_iter()
        .map(|document| evaluator.evaluate(document, &limits))
        .collect();
    let mut run = RunReport {
        rules: program
            .rules
            .iter()
            .map(|rule| RuleSummary {
                id: rule.info.id.clone(),
                name: format!("{}.{}", rule.info.package, rule.info.name),
                severity: rule.info.severity.as_str().to_string(),
                title: rule.info.title.clone(),
                description: rule.info.description.clone(),
                controls: rule.info.controls.clone(),
            })
            .collect(),
        ..RunReport::default()
    };
    run.summary.inputs = inputs.documents.len();
    run.summary.rules = program.rules.len();
    for (document, report) in inputs.documents.iter().zip(reports) {
        let file: Arc<str> = Arc::from(document.file.as_str());
        run.summary.pass += report.summary.pass;
        run.summary.fail += report.summary.fail;
        run.summary.skip += report.summary.skip;
        run.summary.unknown += report.summary.unknown;
        for outcome in &report.outcomes {
            let resource = outcome
                .resource
                .and_then(|index| document.resources.get(index))
                .map_or("", |resource| resource.id.as_str());
            run.outcomes.push(OutcomeEntry {
                rule: outcome.rule.clone(),
                file: file.clone(),
                resource: Arc::from(resource),
                outcome: outcome.outcome.as_str(),
            });
        }
        for error in report.errors {
            run.errors.push(RuleError {
                rule: error.rule,
                file: document.file.clone(),
                message: error.message,
            });
        }
        for finding in report.findings {
            run.findings.push(Finding {
                rule: finding.rule,
                severity: finding.severity.as_str(),
                outcome: finding.outcome.as_str(),
                resource: finding.resource,
                resource_type: finding.resource_type,
                path: finding.path,
                message: finding.message,
                file: finding.file,
                line: finding.line,
                column: finding.column,
            });
        }
    }
    run.summary.findings = run.findings.len();
    run.summary.errors = run.errors.len();
    run
}

/// Prints a report in the chosen format to stdout (see [`crate::stdout`]).
pub fn print_report(
    run: &RunReport,
    texts: &std::collections::HashMap<String, String>,
    format: ReportFormat,
    verbose: bool,
) -> Result<(), String> {
    let color = std::env::var_os("NO_COLOR").is_none()
        && std::io::IsTerminal::is_terminal(&std::io::stdout());
    let text = match format {
        ReportFormat::Human => report::human::render(run, texts, verbose, color),
        ReportFormat::Json => report::json::render(run, verbose),
        ReportFormat::Sarif => report::sarif::render(run),
        ReportFormat::Junit => report::junit::render(run),
    };
    crate::stdout::print(&text)
}

/// Whether a failing finding reaches the `--fail-on` threshold.
pub fn exceeds_threshold(run: &RunReport, fail_on: SeverityArg) -> bool {
    let threshold = match fail_on {
        SeverityArg::Info => 0,
        SeverityArg::Low => 1,
        SeverityArg::Medium => 2,
        SeverityArg::High => 3,
        SeverityArg::Critical => 4,
        SeverityArg::Never => return false,
    };
    run.findings.iter().any(|finding| {
        finding.outcome == "fail" && report::severity_rank(finding.severity) >= threshold
    })
}
