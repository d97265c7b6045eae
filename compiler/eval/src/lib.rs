#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The reference evaluator: interprets a [`Program`] on a [`Document`].
//!
//! It is the executable form of `docs/semantics.md`: `ward test` runs on it,
//! and the WebAssembly backend is tested against it. It favours clarity
//! over speed, but it is bounded: every rule gets a step budget
//! ([`Limits::max_steps`]); a rule that exceeds it stops with an error that
//! names it, and the other rules still report. It never panics, whatever the
//! program and the document.
//!
//! ```
//! use ward_compiler::Compiler;
//! use ward_compiler::eval::{Limits, Outcome, evaluate};
//!
//! let mut compiler = Compiler::default();
//! compiler.set_file("policy.ward", r#"
//!     @severity(high)
//!     rule versioned for b in resources("AWS::S3::Bucket") {
//!       require b.props.VersioningConfiguration.Status == "Enabled"
//!     }
//! "#.to_string());
//! let program = ward_compiler::ir::program(&compiler.db, compiler.workspace).unwrap();
//! let template = r#"{"Resources": {"Logs": {"Type": "AWS::S3::Bucket"}}}"#;
//! let document = ward_model::load("template.json", template.as_bytes(), &Default::default()).unwrap();
//! let report = evaluate(&program, &document, &Limits::default());
//! assert_eq!(report.rules[0].resources[0].outcome, Outcome::Fail);
//! assert_eq!(report.findings[0].message, "`main.versioned` failed for `Logs`");
//! ```

mod builtins;
mod machine;
mod ops;
pub mod text;
mod value;

use serde::Serialize;
use ward_model::Document;

use crate::analysis::Severity;
use crate::ir::{Program, Rule};
use crate::regex::{self, CompiledRegex};
use machine::Machine;
use ops::Halt;

/// Bounds of one evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Steps one rule may take over the whole document: one per expression
    /// evaluated, statement run and loop iteration, plus one per 16 bytes
    /// or elements of every string or list built.
    pub max_steps: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_steps: 50_000_000,
        }
    }
}

/// The outcome of a rule on one resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Every check held.
    Pass,
    /// At least one check failed.
    Fail,
    /// The rule does not apply (a `when` guard was false).
    Skip,
    /// No check failed, but one could not be decided.
    Unknown,
}

impl Outcome {
    /// The word used in `expect` and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Skip => "skip",
            Outcome::Unknown => "unknown",
        }
    }

    /// Parses an outcome word.
    pub fn parse(word: &str) -> Option<Outcome> {
        [
            Outcome::Pass,
            Outcome::Fail,
            Outcome::Skip,
            Outcome::Unknown,
        ]
        .into_iter()
        .find(|outcome| outcome.as_str() == word)
    }
}

/// The outcome a finding reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingOutcome {
    /// A check failed.
    Fail,
    /// A check could not be decided.
    Unknown,
}

/// One failed or undecided check on one resource.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Finding {
    /// The rule's id.
    pub rule_id: String,
    /// The rule's name.
    pub rule_name: String,
    /// The rule's severity.
    pub severity: Severity,
    /// Fail or unknown.
    pub outcome: FindingOutcome,
    /// The resource's id (logical id, address or ARN).
    pub resource_id: String,
    /// The resource's type.
    pub resource_type: String,
    /// The JSON path of the offending value (see `docs/semantics.md`).
    pub path: String,
    /// The rendered message.
    pub message: String,
    /// 1-based line of the offending value in the input.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// The input file.
    pub file: String,
}

/// How many resources had each outcome.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Counts {
    /// Passed.
    pub pass: usize,
    /// Failed.
    pub fail: usize,
    /// Skipped.
    pub skip: usize,
    /// Unknown.
    pub unknown: usize,
}

impl Counts {
    fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Pass => self.pass += 1,
            Outcome::Fail => self.fail += 1,
            Outcome::Skip => self.skip += 1,
            Outcome::Unknown => self.unknown += 1,
        }
    }
}

/// The outcome of a rule on one resource.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct ResourceOutcome {
    /// The resource's id.
    pub resource_id: String,
    /// The resource's type.
    pub resource_type: String,
    /// The outcome.
    pub outcome: Outcome,
}

/// What one rule did on a document.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct RuleReport {
    /// The rule's id.
    pub rule_id: String,
    /// The rule's name.
    pub rule_name: String,
    /// The rule's package.
    pub package: String,
    /// The rule's severity.
    pub severity: Severity,
    /// Outcomes counted.
    pub counts: Counts,
    /// The outcome on every resource the rule iterated, in order.
    pub resources: Vec<ResourceOutcome>,
    /// Why the rule stopped before the end, naming it; the outcomes and
    /// findings of the resources finished before are kept.
    pub error: Option<String>,
}

/// The result of evaluating rules on one document.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Report {
    /// The input file.
    pub file: String,
    /// One report per rule, in program order.
    pub rules: Vec<RuleReport>,
    /// Every finding, rule by rule, resource by resource, in the order the
    /// checks ran.
    pub findings: Vec<Finding>,
}

impl Report {
    /// The errors of rules that stopped early.
    pub fn errors(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().filter_map(|rule| rule.error.as_deref())
    }
}

/// A program ready to evaluate: its regexes compiled once.
#[derive(Debug)]
pub struct Evaluator<'p> {
    program: &'p Program,
    regexes: Vec<Option<CompiledRegex>>,
}

impl<'p> Evaluator<'p> {
    /// Prepares a program.
    pub fn new(program: &'p Program) -> Evaluator<'p> {
        let regexes = program
            .regexes
            .iter()
            .map(|pattern| regex::compile(pattern).ok())
            .collect();
        Evaluator { program, regexes }
    }

    /// Evaluates every rule.
    pub fn evaluate(&self, document: &Document, limits: &Limits) -> Report {
        self.evaluate_rules(document, limits, &|_| true)
    }

    /// Evaluates the rules for which `select` is true.
    pub fn evaluate_rules(
        &self,
        document: &Document,
        limits: &Limits,
        select: &dyn Fn(&Rule) -> bool,
    ) -> Report {
        let mut report = Report {
            file: document.file.clone(),
            rules: Vec::new(),
            findings: Vec::new(),
        };
        for rule in self.program.rules.iter().filter(|rule| select(rule)) {
            let mut machine = Machine::new(self.program, document, &self.regexes, limits.max_steps);
            let output = machine.run_rule(rule);
            let mut counts = Counts::default();
            let resources = output
                .outcomes
                .iter()
                .map(|(index, outcome)| {
                    counts.add(*outcome);
                    let (resource_id, resource_type) = document
                        .resources
                        .get(*index)
                        .map(|resource| (resource.id.clone(), resource.resource_type.clone()))
                        .unwrap_or_default();
                    ResourceOutcome {
                        resource_id,
                        resource_type,
                        outcome: *outcome,
                    }
                })
                .collect();
            let error = output.error.map(|halt| match halt {
                Halt::Budget => format!(
                    "rule `{}` exceeded the evaluation budget of {} steps",
                    rule.info.id, limits.max_steps
                ),
                Halt::Depth => format!(
                    "rule `{}` nests expressions and calls deeper than {} levels",
                    rule.info.id,
                    machine::MAX_DEPTH
                ),
            });
            report.rules.push(RuleReport {
                rule_id: rule.info.id.clone(),
                rule_name: rule.info.name.clone(),
                package: rule.info.package.clone(),
                severity: rule.info.severity,
                counts,
                resources,
                error,
            });
            report.findings.extend(output.findings);
        }
        report
    }
}

/// Evaluates every rule of `program` on `document`.
pub fn evaluate(program: &Program, document: &Document, limits: &Limits) -> Report {
    Evaluator::new(program).evaluate(document, limits)
}
