//! Reports of a run: the findings of every rule on every input, in the four
//! formats the command prints (human, JSON, SARIF 2.1.0, JUnit XML).
//!
//! Evaluation (the WebAssembly runtime) produces findings; this module only
//! presents them.

pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use std::sync::Arc;

use serde::Serialize;

/// A rule as reports describe it.
#[derive(Clone, Debug, Serialize)]
pub struct RuleSummary {
    /// The rule id.
    pub id: String,
    /// `package.name`.
    pub name: String,
    /// Severity word.
    pub severity: String,
    /// Short title.
    pub title: String,
    /// Full description.
    pub description: String,
    /// Controls the rule serves.
    pub controls: Vec<String>,
}

/// One finding: a failing or unknown check of a rule on a resource. Names
/// that many findings repeat are shared, not copied.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Finding {
    /// Rule id.
    pub rule: Arc<str>,
    /// Severity word.
    pub severity: &'static str,
    /// `fail` or `unknown`.
    pub outcome: &'static str,
    /// Logical id, Terraform address or ARN.
    pub resource: Arc<str>,
    /// Resource type.
    pub resource_type: Arc<str>,
    /// JSON path of the offending value.
    pub path: String,
    /// The message.
    pub message: String,
    /// The input file.
    pub file: Arc<str>,
    /// 1-based line, 0 when unknown.
    pub line: u32,
    /// 1-based column, 0 when unknown.
    pub column: u32,
}

/// The outcome of one rule on one resource.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct OutcomeEntry {
    /// Rule id.
    pub rule: Arc<str>,
    /// Input file.
    pub file: Arc<str>,
    /// Resource id.
    pub resource: Arc<str>,
    /// `pass`, `fail`, `skip`, `unknown` or `suppressed`.
    pub outcome: &'static str,
}

/// Counts of outcomes.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Inputs evaluated.
    pub inputs: usize,
    /// Rules evaluated.
    pub rules: usize,
    /// Rule-on-resource outcomes that passed.
    pub pass: usize,
    /// ... that failed.
    pub fail: usize,
    /// ... that were skipped.
    pub skip: usize,
    /// ... that were unknown.
    pub unknown: usize,
    /// ... whose findings were all suppressed (counted here instead of as
    /// failed or unknown).
    pub suppressed: usize,
    /// Number of findings.
    pub findings: usize,
    /// Rules stopped by an error (fuel, memory).
    pub errors: usize,
}

/// A rule that could not finish on an input.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct RuleError {
    /// Rule id.
    pub rule: String,
    /// Input file.
    pub file: String,
    /// What happened.
    pub message: String,
}

/// Everything a run reports.
#[derive(Clone, Debug, Default)]
pub struct RunReport {
    /// The rules that were evaluated.
    pub rules: Vec<RuleSummary>,
    /// Findings, ordered by file, line, column, rule.
    pub findings: Vec<Finding>,
    /// Findings taken out by a suppression, with its reason.
    pub suppressed: Vec<crate::suppressions::Suppressed>,
    /// Every outcome (for `--verbose` and JUnit).
    pub outcomes: Vec<OutcomeEntry>,
    /// Counts.
    pub summary: Summary,
    /// Rules stopped by an error.
    pub errors: Vec<RuleError>,
}

impl RunReport {
    /// Sorts findings into a stable order.
    pub fn sort(&mut self) {
        self.findings.sort_by(|a, b| {
            (&a.file, a.line, a.column, &a.rule, &a.resource, &a.message).cmp(&(
                &b.file,
                b.line,
                b.column,
                &b.rule,
                &b.resource,
                &b.message,
            ))
        });
        self.outcomes
            .sort_by(|a, b| (&a.file, &a.rule, &a.resource).cmp(&(&b.file, &b.rule, &b.resource)));
    }
}

/// Severity words from lowest to highest.
pub const SEVERITIES: [&str; 5] = ["info", "low", "medium", "high", "critical"];

/// The rank of a severity word (unknown words rank as medium).
pub fn severity_rank(word: &str) -> usize {
    SEVERITIES.iter().position(|s| *s == word).unwrap_or(2)
}
