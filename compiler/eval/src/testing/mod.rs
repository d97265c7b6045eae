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
//!   every one had `<outcome>`; for a rule without a `for` clause, its one
//!   outcome on the input is `<outcome>`.
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
use ward_abi::{Outcome, Report};
use ward_compiler::analysis::analyze;
use ward_compiler::db::{Workspace, parse};
use ward_compiler::ir::{Program, Rule, program};
use ward_model::Document;
use ward_syntax::ast::{Item, Span, TestDef, TestStmt};

use crate::{Evaluator, Limits};

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
#[derive(Clone, Debug, PartialEq, Serialize)]
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
    /// The format of the input (`cloudformation`, `terraform`, `config`,
    /// `data`), when it loaded.
    pub format: Option<String>,
    /// The expectations as written, `(outcome, rule)`, in source order.
    pub expects: Vec<(String, String)>,
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
    let mut evaluator = Evaluator::new(&program);
    let mut results = Vec::new();
    for file in workspace.files(db) {
        if *file.library(db) {
            continue;
        }
        let parsed = parse(db, *file);
        let analysis = analyze(db, workspace, *file);
        let package = analysis.package.clone();
        for item in &parsed.file.items {
            let Item::Test(test) = item else { continue };
            if options
                .filter
                .as_ref()
                .is_some_and(|filter| !test.name.name.contains(filter.as_str()))
            {
                continue;
            }
            let overrides = test_params(test, analysis, &program);
            if let Err(problem) = evaluator.set_params(&overrides) {
                let result = TestResult {
                    name: test.name.name.clone(),
                    package: package.clone(),
                    file: file.path(db).clone(),
                    span: test.span,
                    status: TestStatus::Passed,
                    failures: Vec::new(),
                    explanation: String::new(),
                    report: None,
                    format: None,
                    expects: Vec::new(),
                };
                results.push(error(result, test.span, problem.to_string()));
                continue;
            }
            results.push(run_test(
                &program,
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
    program: &Program,
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
        format: None,
        expects: test
            .body
            .iter()
            .filter_map(|stmt| match stmt {
                TestStmt::Expect { outcome, rule, .. } => {
                    Some((outcome.name.clone(), rule.name.clone()))
                }
                _ => None,
            })
            .collect(),
    };
    let input = test.body.iter().find_map(|stmt| match stmt {
        TestStmt::Input { value, .. } => Some(value),
        _ => None,
    });
    let Some(input) = input else {
        return error(result, test.span, "the test has no `input`".to_string());
    };
    let (name, text) = match input_text(test, input, file) {
        Ok(loaded) => loaded,
        Err((span, message)) => return error(result, span, message),
    };
    let document = match ward_model::load(&name, &text, &Default::default()) {
        Ok(document) => document,
        Err(load_error) => {
            return error(
                result,
                input.span,
                format!("the input does not load: {}", load_error.message),
            );
        }
    };
    result.format = Some(document.kind.format().to_string());
    let in_package = |rule: &Rule| rule.info.package == package;
    let report = evaluator.evaluate_rules(&document, limits, &in_package);
    let rules: Vec<RuleOutcomes<'_>> = program
        .rules
        .iter()
        .filter(|rule| in_package(rule))
        .map(|rule| RuleOutcomes::new(rule, &report, &document))
        .collect();

    for rule_error in &report.errors {
        result.failures.push(TestFailure {
            span: test.span,
            message: rule_error.message.clone(),
        });
        result.status = TestStatus::Error;
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
            &rules,
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
        result.explanation = explain(&result.failures, &rules, &report);
    }
    result.report = Some(report);
    result
}

/// The parameter values a test sets with `param name = value`, by
/// qualified name; parameters that the program does not read are left out.
fn test_params(
    test: &TestDef,
    analysis: &ward_compiler::Analysis,
    program: &Program,
) -> Vec<(String, serde_json::Value)> {
    test.body
        .iter()
        .filter_map(|stmt| match stmt {
            TestStmt::Param { name, value, .. } => {
                let Some(ward_compiler::Definition::Param { package, name }) =
                    analysis.uses.get(&name.span)
                else {
                    return None;
                };
                let qualified = format!("{package}.{name}");
                if !program
                    .params
                    .iter()
                    .any(|param| param.qualified_name() == qualified)
                {
                    return None;
                }
                let value = literal_to_json(value).ok()?;
                Some((qualified, value))
            }
            _ => None,
        })
        .collect()
}

/// The name and bytes a test's input is loaded from: the file of
/// `input file("...")`, relative to the test's own file; the text of
/// `input r"..."`, read as JSON or YAML; or the literal, as JSON.
fn input_text(
    test: &TestDef,
    input: &ward_syntax::ast::Expr,
    test_file: &str,
) -> Result<(String, Vec<u8>), (Span, String)> {
    if let Some(literal) = ward_compiler::analysis::input_file(input) {
        let relative = literal.as_plain().unwrap_or_default();
        let path = std::path::Path::new(test_file)
            .parent()
            .unwrap_or_else(|| std::path::Path::new(""))
            .join(&relative);
        let name = path.to_string_lossy().to_string();
        return match std::fs::read(&path) {
            Ok(bytes) => Ok((name, bytes)),
            Err(problem) => Err((input.span, format!("cannot read `{name}`: {problem}"))),
        };
    }
    if let ward_syntax::ast::ExprKind::RawString(text) = &input.kind {
        return Ok((test.name.name.clone(), text.clone().into_bytes()));
    }
    let json = literal_to_json(input).map_err(|problem| (problem.span, problem.message))?;
    let text = serde_json::to_string_pretty(&json).unwrap_or_default();
    Ok((test.name.name.clone(), text.into_bytes()))
}

fn error(mut result: TestResult, span: Span, message: String) -> TestResult {
    result.status = TestStatus::Error;
    result.explanation = message.clone();
    result.failures.push(TestFailure { span, message });
    result
}

/// What one rule of the package did: its outcomes by resource id, in
/// evaluation order.
struct RuleOutcomes<'a> {
    rule: &'a Rule,
    resources: Vec<(&'a str, Outcome)>,
}

impl<'a> RuleOutcomes<'a> {
    fn new(rule: &'a Rule, report: &Report, document: &'a Document) -> RuleOutcomes<'a> {
        let resources = report
            .outcomes
            .iter()
            .filter(|entry| *entry.rule == *rule.info.id)
            .map(|entry| {
                let id = entry
                    .resource
                    .and_then(|index| document.resources.get(index))
                    .map_or("", |resource| resource.id.as_str());
                (id, entry.outcome)
            })
            .collect();
        RuleOutcomes { rule, resources }
    }

    fn name(&self) -> &str {
        &self.rule.info.name
    }
}

/// Checks one `expect`; `None` when it holds, else why not.
fn check_expectation(
    rules: &[RuleOutcomes<'_>],
    document: &Document,
    outcome: &str,
    rule: &str,
    resource: Option<&str>,
) -> Option<String> {
    let Some(expected) = Outcome::parse(outcome) else {
        return Some(format!("`{outcome}` is not an outcome"));
    };
    let Some(rule_outcomes) = rules.iter().find(|r| r.name() == rule) else {
        return Some(format!("there is no rule `{rule}` in this package"));
    };
    // A rule without a `for` clause has one outcome, on the input.
    if rule_outcomes.rule.source.is_none() {
        if resource.is_some() {
            return Some(format!(
                "`{rule}` runs once per input, not per resource: write `expect {} {rule}`",
                expected.as_str()
            ));
        }
        let actual = rule_outcomes.resources.first().map(|(_, outcome)| *outcome);
        return match actual {
            Some(actual) if actual == expected => None,
            Some(actual) => Some(format!(
                "expected `{}` for `{rule}` on the input, found `{}`",
                expected.as_str(),
                actual.as_str()
            )),
            None => Some(format!("`{rule}` did not run")),
        };
    }
    match resource {
        Some(id) => {
            let found: Vec<Outcome> = rule_outcomes
                .resources
                .iter()
                .filter(|(resource, _)| *resource == id)
                .map(|(_, outcome)| *outcome)
                .collect();
            match found.as_slice() {
                [] if document.resource(id).is_none() => {
                    Some(format!("there is no resource `{id}` in the input"))
                }
                [] => Some(format!(
                    "expected `{}` for `{id}`, but `{rule}` did not check it (it checks {})",
                    expected.as_str(),
                    describe_checked(rule_outcomes)
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
            if rule_outcomes.resources.is_empty() {
                return Some(format!(
                    "expected `{}` for every resource `{rule}` checks, but it checked none",
                    expected.as_str()
                ));
            }
            let wrong: Vec<String> = rule_outcomes
                .resources
                .iter()
                .filter(|(_, outcome)| *outcome != expected)
                .map(|(resource, outcome)| format!("`{resource}` is `{}`", outcome.as_str()))
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

fn describe_checked(rule: &RuleOutcomes<'_>) -> String {
    if rule.resources.is_empty() {
        return "no resource".to_string();
    }
    let ids: Vec<String> = rule
        .resources
        .iter()
        .map(|(resource, _)| format!("`{resource}`"))
        .collect();
    ids.join(", ")
}

fn explain(failures: &[TestFailure], rules: &[RuleOutcomes<'_>], report: &Report) -> String {
    let mut out = String::new();
    for failure in failures {
        let _ = writeln!(out, "{}", failure.message);
    }
    out.push_str("outcomes:\n");
    for rule in rules {
        if rule.resources.is_empty() {
            let _ = writeln!(out, "  {}: no resource checked", rule.name());
            continue;
        }
        let outcomes: Vec<String> = rule
            .resources
            .iter()
            .map(|(resource, outcome)| {
                let resource = if resource.is_empty() {
                    "input"
                } else {
                    resource
                };
                format!("{resource} {}", outcome.as_str())
            })
            .collect();
        let _ = writeln!(out, "  {}: {}", rule.name(), outcomes.join(", "));
    }
    if !report.findings.is_empty() {
        out.push_str("findings:\n");
        for finding in &report.findings {
            let rule = rules
                .iter()
                .find(|rule| *rule.rule.info.id == *finding.rule)
                .map_or(&*finding.rule, RuleOutcomes::name);
            let _ = writeln!(
                out,
                "  {} {rule} on {} at {}:{}:{} {}: {}",
                finding.outcome.as_str(),
                finding.resource,
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
