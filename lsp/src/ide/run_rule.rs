//! Running one rule on a sample template with the compiler's reference
//! evaluator, for the `ward.runRule` command and the "Run on sample" lens.
//!
//! The caller reads the template (I/O stays in the protocol shell); this
//! module loads it, evaluates the rule and describes the outcome.

use std::fmt::Write as _;
use std::sync::Arc;

use ward_compiler::SourceFile;
use ward_compiler::ir::Program;
use ward_eval::{Evaluator, Limits};

use super::Snapshot;

/// A rule ready to run: the workspace compiled without errors.
#[derive(Clone, Debug)]
pub struct RuleRunInput {
    /// The rule's package.
    pub package: String,
    /// The rule's name.
    pub name: String,
    /// The rule's id.
    pub id: String,
    program: Arc<Program>,
}

/// A template to run rules on.
#[derive(Clone, Debug)]
pub struct SampleTemplate {
    /// The name shown in messages (a path).
    pub name: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// How many files with errors a refusal names.
const SHOWN_FILES: usize = 3;

pub(crate) fn prepare(
    snapshot: &Snapshot,
    file: SourceFile,
    rule: &str,
) -> Result<RuleRunInput, String> {
    let compiler = snapshot.compiler();
    let db = &compiler.db;
    let analysis = compiler.analyze(file);
    let info = analysis
        .rules
        .iter()
        .find(|info| info.name == rule)
        .ok_or_else(|| format!("there is no rule `{rule}` in {}", file.path(db)))?;
    let Some(program) = ward_compiler::ir::program(db, compiler.workspace) else {
        let with_errors: Vec<String> = compiler
            .files()
            .into_iter()
            .filter(|other| compiler.analyze(*other).has_errors())
            .map(|other| other.path(db).clone())
            .collect();
        let mut message = format!(
            "cannot run `{rule}`: the workspace has errors in {} file{}",
            with_errors.len(),
            if with_errors.len() == 1 { "" } else { "s" }
        );
        for path in with_errors.iter().take(SHOWN_FILES) {
            message.push_str(&format!("\n  {path}"));
        }
        if with_errors.len() > SHOWN_FILES {
            message.push_str("\n  ...");
        }
        return Err(message);
    };
    Ok(RuleRunInput {
        package: info.package.clone(),
        name: info.name.clone(),
        id: info.id.clone(),
        program,
    })
}

pub(crate) fn run(_snapshot: &Snapshot, input: &RuleRunInput, sample: &SampleTemplate) -> String {
    let document = match ward_model::load(
        &sample.name,
        &sample.bytes,
        &ward_model::LoadOptions::default(),
    ) {
        Ok(document) => document,
        Err(error) => return format!("cannot read the sample template: {error}"),
    };
    let evaluator = Evaluator::new(&input.program);
    let report = evaluator.evaluate_rules(&document, &Limits::default(), &|rule| {
        rule.info.package == input.package && rule.info.name == input.name
    });
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Rule {} ({}.{}) on {}",
        input.id, input.package, input.name, sample.name
    );
    if report.summary.rules == 0 {
        let _ = writeln!(out, "the rule was not evaluated");
        return out;
    }
    let summary = &report.summary;
    let total = summary.pass + summary.fail + summary.skip + summary.unknown;
    let _ = writeln!(
        out,
        "{total} resource{}: {} fail, {} pass, {} skip, {} unknown",
        if total == 1 { "" } else { "s" },
        summary.fail,
        summary.pass,
        summary.skip,
        summary.unknown
    );
    if total == 0 {
        let _ = writeln!(out, "the template has no resource the rule applies to");
    }
    let resources: Vec<(&str, &str, &str)> = report
        .outcomes
        .iter()
        .map(|entry| {
            let (id, resource_type) = entry
                .resource
                .and_then(|index| document.resources.get(index))
                .map_or(("", ""), |resource| {
                    (resource.id.as_str(), resource.resource_type.as_str())
                });
            (entry.outcome.as_str(), id, resource_type)
        })
        .collect();
    if !resources.is_empty() {
        out.push('\n');
        let width = resources
            .iter()
            .map(|(_, id, _)| id.len())
            .max()
            .unwrap_or(0);
        for (outcome, id, resource_type) in resources {
            let _ = writeln!(out, "  {outcome:<8} {id:<width$}  {resource_type}");
        }
    }
    if !report.findings.is_empty() {
        let _ = writeln!(out, "\nFindings:");
        for finding in &report.findings {
            let _ = writeln!(
                out,
                "  {} {} at {} ({}:{}:{})\n    {}",
                finding.outcome.as_str(),
                finding.resource,
                finding.path,
                finding.file,
                finding.line,
                finding.column,
                finding.message
            );
        }
    }
    if let Some(error) = report.errors.first() {
        let _ = writeln!(out, "\nstopped early: {}", error.message);
    }
    out
}
