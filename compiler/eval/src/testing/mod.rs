//! The runner behind `ward test`: runs every `test` block of a workspace on
//! the reference evaluator.
//!
//! A test's `input` literal is converted to JSON text ([`literal_to_json`])
//! and loaded as a file named after the test, so format detection applies
//! (an input with `Resources` whose entries have a `Type` is a
//! CloudFormation template). All rules of the test's package are evaluated
//! on it, and each `expect` is checked:
//!
//! - `expect <outcome> <rule> for "<id>"`: the rule checked resource `<id>`
//!   and its outcome is `<outcome>`;
//! - `expect <outcome> <rule>`: the rule checked at least one resource, and
//!   every one had `<outcome>`.
//!
//! Results are data; the command line renders them.

#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod json;

use std::fmt::Write;

use serde::Serialize;
use ward_syntax::ast::{Item, Span, TestDef, TestStmt};

use crate::analysis::analyze;
use crate::db::{Workspace, parse};
use crate::eval::{Evaluator, FindingOutcome, Limits, Outcome, Report};
use crate::ir::program;

pub use json::{LiteralError, literal_to_json};

/// What to run.
#[derive(Clone, Debug, Default)]
pub struct TestOptions {
    /// Run only the tests whose name contains this text.
    pub filter: Option<String>,
    /// Bounds of each evaluation.
    pub limits: Limits,
}

/// Whether a test passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TestStatus {
    /// Every expectation held.
    Passed,
    /// An expectation did not hold.
    Failed,
    /// The test could not run: its input did not load, or a rule stopped
    /// early.
    Error,
}

/// One expectation that did not hold, or the error that stopped the test.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct TestFailure {
    /// The `expect` statement (or the test, for an error).
    pub span: Span,
    /// What went wrong, one sentence, lowercase.
    pub message: String,
}

/// The result of one test.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TestResult {
    /// The test's name.
    pub name: String,
    /// Its package.
    pub package: String,
    /// The file that defines it.
    pub file: String,
    /// The whole test block.
    pub span: Span,
    /// Passed, failed or error.
    pub status: TestStatus,
    /// The expectations that did not hold, in source order.
    pub failures: Vec<TestFailure>,
    /// For a test that did not pass: the failures, then the actual outcome
    /// of every rule on every resource, then the findings. Empty when it
    /// passed.
    pub explanation: String,
    /// The evaluation, when the input loaded.
    pub report: Option<Report>,
}

/// Why no test could run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TestRunError {
    /// The workspace has errors, so there is no program to evaluate.
    WorkspaceHasErrors,
}

impl std::fmt::Display for TestRunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TestRunError::WorkspaceHasErrors => {
                f.write_str("the policies have errors; fix them to run the tests")
            }
        }
    }
}

impl std::error::Error for TestRunError {}

/// Runs the tests of a workspace, file by file in workspace order, each
/// file's in source order.
///
/// # Errors
///
/// [`TestRunError::WorkspaceHasErrors`] when any file has an error.
pub fn run_tests(
    db: &dyn salsa::Database,
    workspace: Workspace,
    options: &TestOptions,
) -> Result<Vec<TestResult>, TestRunError> {
    let Some(program) = program(db, workspace) else {
        return Err(TestRunError::WorkspaceHasErrors);
    };
    let evaluator = Evaluator::new(&program);
    let mut results = Vec::new();
    for file in workspace.files(db) {
        let parsed = parse(db, *file);
        let package = analyze(db, workspace, *file).package.clone();
        for item in &parsed.file.items {
            let Item::Test(test) = item else { continue };
            if options
                .filter
                .as_ref()
                .is_some_and(|filter| !test.name.name.contains(filter.as_str()))
            {
                continue;
            }
            results.push(run_test(
                &evaluator,
                test,
                &package,
                file.path(db),
                &options.limits,
            ));
        }
    }
    Ok(results)
}

fn run_test(
    evaluator: &Evaluator<'_>,
    test: &TestDef,
    package: &str,
    file: &str,
    limits: &Limits,
) -> TestResult {
    let mut result = TestResult {
        name: test.name.name.clone(),
        package: package.to_string(),
        file: file.to_string(),
        span: test.span,
        status: TestStatus::Passed,
        failures: Vec::new(),
        explanation: String::new(),
        report: None,
    };
    let input = test.body.iter().find_map(|stmt| match stmt {
        TestStmt::Input { value, .. } => Some(value),
        _ => None,
    });
    let Some(input) = input else {
        return error(result, test.span, "the test has no `input`".to_string());
    };
    let json = match literal_to_json(input) {
        Ok(json) => json,
        Err(problem) => return error(result, problem.span, problem.message),
    };
    let text = serde_json::to_string_pretty(&json).unwrap_or_default();
    let document = match ward_model::load(&test.name.name, text.as_bytes(), &Default::default()) {
        Ok(document) => document,
        Err(load_error) => {
            return error(
                result,
                input.span,
                format!("the input does not load: {}", load_error.message),
            );
        }
    };
    let report = evaluator.evaluate_rules(&document, limits, &|rule| rule.info.package == package);

    for rule in &report.rules {
        if let Some(message) = &rule.error {
            result.failures.push(TestFailure {
                span: test.span,
                message: message.clone(),
            });
            result.status = TestStatus::Error;
        }
    }
    for stmt in &test.body {
        let TestStmt::Expect {
            outcome,
            rule,
            resource,
            span,
        } = stmt
        else {
            continue;
        };
        let resource = resource.as_ref().and_then(|literal| literal.as_plain());
        if let Some(message) = check_expectation(
            &report,
            &document,
            &outcome.name,
            &rule.name,
            resource.as_deref(),
        ) {
            result.failures.push(TestFailure {
                span: *span,
                message,
            });
            if result.status == TestStatus::Passed {
                result.status = TestStatus::Failed;
            }
        }
    }
    if result.status != TestStatus::Passed {
        result.explanation = explain(&result.failures, &report);
    }
    result.report = Some(report);
    result
}

fn error(mut result: TestResult, span: Span, message: String) -> TestResult {
    result.status = TestStatus::Error;
    result.explanation = message.clone();
    result.failures.push(TestFailure { span, message });
    result
}

/// Checks one `expect`; `None` when it holds, else why not.
fn check_expectation(
    report: &Report,
    document: &ward_model::Document,
    outcome: &str,
    rule: &str,
    resource: Option<&str>,
) -> Option<String> {
    let Some(expected) = Outcome::parse(outcome) else {
        return Some(format!("`{outcome}` is not an outcome"));
    };
    let Some(rule_report) = report.rules.iter().find(|r| r.rule_name == rule) else {
        return Some(format!("there is no rule `{rule}` in this package"));
    };
    match resource {
        Some(id) => {
            let found: Vec<Outcome> = rule_report
                .resources
                .iter()
                .filter(|r| r.resource_id == id)
                .map(|r| r.outcome)
                .collect();
            match found.as_slice() {
                [] if document.resource(id).is_none() => {
                    Some(format!("there is no resource `{id}` in the input"))
                }
                [] => Some(format!(
                    "expected `{}` for `{id}`, but `{rule}` did not check it (it checks {})",
                    expected.as_str(),
                    describe_checked(rule_report)
                )),
                outcomes if outcomes.iter().all(|actual| *actual == expected) => None,
                outcomes => Some(format!(
                    "expected `{}` for `{id}`, found `{}`",
                    expected.as_str(),
                    outcomes.first().map_or("", |o| o.as_str())
                )),
            }
        }
        None => {
            if rule_report.resources.is_empty() {
                return Some(format!(
                    "expected `{}` for every resource `{rule}` checks, but it checked none",
                    expected.as_str()
                ));
            }
            let wrong: Vec<String> = rule_report
                .resources
                .iter()
                .filter(|r| r.outcome != expected)
                .map(|r| format!("`{}` is `{}`", r.resource_id, r.outcome.as_str()))
                .collect();
            if wrong.is_empty() {
                None
            } else {
                Some(format!(
                    "expected `{}` for every resource `{rule}` checks, but {}",
                    expected.as_str(),
                    wrong.join(", ")
                ))
            }
        }
    }
}

fn describe_checked(rule: &crate::eval::RuleReport) -> String {
    if rule.resources.is_empty() {
        return "no resource".to_string();
    }
    let ids: Vec<String> = rule
        .resources
        .iter()
        .map(|r| format!("`{}`", r.resource_id))
        .collect();
    ids.join(", ")
}

fn explain(failures: &[TestFailure], report: &Report) -> String {
    let mut out = String::new();
    for failure in failures {
        let _ = writeln!(out, "{}", failure.message);
    }
    out.push_str("outcomes:\n");
    for rule in &report.rules {
        if rule.resources.is_empty() {
            let _ = writeln!(out, "  {}: no resource checked", rule.rule_name);
            continue;
        }
        let outcomes: Vec<String> = rule
            .resources
            .iter()
            .map(|r| format!("{} {}", r.resource_id, r.outcome.as_str()))
            .collect();
        let _ = writeln!(out, "  {}: {}", rule.rule_name, outcomes.join(", "));
    }
    if !report.findings.is_empty() {
        out.push_str("findings:\n");
        for finding in &report.findings {
            let outcome = match finding.outcome {
                FindingOutcome::Fail => "fail",
                FindingOutcome::Unknown => "unknown",
            };
            let _ = writeln!(
                out,
                "  {outcome} {} on {} at {}:{}:{} {}: {}",
                finding.rule_name,
                finding.resource_id,
                finding.file,
                finding.line,
                finding.column,
                finding.path,
                finding.message
            );
        }
    }
    out
}
