//! Running compiled modules: the runtime engine with its on-disk cache, and
//! the conversion of its reports into the command's report.

use std::sync::Arc;

use rayon::prelude::*;
use ward_runtime::{Engine, EngineConfig, Input, Policy};

use crate::inputs::Inputs;
use crate::report::{Finding, OutcomeEntry, RuleError, RuleSummary, RunReport};

/// An engine with the default limits and the on-disk module cache.
pub fn engine() -> Result<Engine, String> {
    Engine::new(EngineConfig::default())
        .map_err(|error| format!("cannot start the WebAssembly engine: {error}"))
}

/// Loads a module (from the cache when it was compiled before).
pub fn load_policy(engine: &Engine, wasm: &[u8], name: &str) -> Result<Policy, String> {
    Policy::load(engine, wasm).map_err(|error| format!("{name}: {error}"))
}

/// Evaluates the policy on every loaded input, in parallel, and gathers one
/// report. The documents are handed to the runtime, not copied.
pub fn evaluate(policy: &Policy, inputs: &mut Inputs) -> RunReport {
    let input_count = inputs.documents.len();
    let documents = std::mem::take(&mut inputs.documents);
    let reports: Vec<(Arc<str>, Vec<Arc<str>>, ward_runtime::Report)> = documents
        .into_par_iter()
        .map(|document| {
            let ids: Vec<Arc<str>> = document
                .resources
                .iter()
                .map(|r| Arc::from(r.id.as_str()))
                .collect();
            let file = Arc::from(document.file.as_str());
            let input = Input::new(document);
            let report = policy.evaluate(&input);
            // The process is about to exit: freeing a large document value by
            // value costs more than the evaluation itself.
            std::mem::forget(input);
            (file, ids, report)
        })
        .collect();
    let mut run = RunReport {
        rules: policy
            .rules()
            .iter()
            .map(|rule| RuleSummary {
                id: rule.id.clone(),
                name: format!("{}.{}", rule.package, rule.name),
                severity: rule.severity.as_str().to_string(),
                title: rule.title.clone(),
                description: rule.description.clone(),
                controls: rule.controls.clone(),
            })
            .collect(),
        ..RunReport::default()
    };
    run.summary.inputs = input_count;
    run.summary.rules = policy.rules().len();
    let empty: Arc<str> = Arc::from("");
    for (file, ids, report) in reports {
        run.summary.pass += report.summary.pass;
        run.summary.fail += report.summary.fail;
        run.summary.skip += report.summary.skip;
        run.summary.unknown += report.summary.unknown;
        for outcome in &report.outcomes {
            let resource = outcome
                .resource
                .and_then(|index| ids.get(index).cloned())
                .unwrap_or_else(|| empty.clone());
            run.outcomes.push(OutcomeEntry {
                rule: outcome.rule.clone(),
                file: file.clone(),
                resource,
                outcome: outcome.outcome.as_str(),
            });
        }
        for error in &report.errors {
            run.errors.push(RuleError {
                rule: error.rule.clone(),
                file: file.to_string(),
                message: error.message.clone(),
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
    run.sort();
    run
}
