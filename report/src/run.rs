//! The report of a run: the findings of every rule on every input, the
//! outcome of every rule on every resource, counts and errors.
//!
//! [`Run`] gathers the per-input [`Report`] every engine returns into one
//! [`RunReport`]; the writers only present it.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use serde::{Serialize, Serializer};
use ward_abi::{Finding, Level, Outcome, Report, RuleErrorKind, RuleMeta, Severity};
use ward_model::{Document, LoadError};

use crate::suppressions::{StaleSuppression, Suppressed};

/// The outcome of a rule on a resource as a run reports it: what the engine
/// decided, or suppressed once every finding of the pair is suppressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PairOutcome {
    /// What the engine decided.
    Evaluated(Outcome),
    /// The pair failed (or was unknown), and a suppression covers every
    /// one of its findings.
    Suppressed,
}

impl PairOutcome {
    /// The word reports print: `pass`, `fail`, `skip`, `unknown` or
    /// `suppressed`.
    pub fn as_str(self) -> &'static str {
        match self {
            PairOutcome::Evaluated(outcome) => outcome.as_str(),
            PairOutcome::Suppressed => "suppressed",
        }
    }
}

impl fmt::Display for PairOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for PairOutcome {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The outcome of one rule on one resource of one input.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct OutcomeEntry {
    /// Rule id.
    pub rule: Arc<str>,
    /// Input file.
    pub file: Arc<str>,
    /// Resource id, empty for a rule without a resource binding.
    pub resource: Arc<str>,
    /// The outcome.
    pub outcome: PairOutcome,
}

/// Counts over a run.
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
    /// Inputs that could not be judged: unreadable, malformed, or with a
    /// malformed suppression.
    pub input_errors: usize,
    /// Files that are not a recognised input (see [`NotAnInput`]).
    pub not_inputs: usize,
    /// Resources of the judged inputs that no rule examined (see
    /// [`Unexamined`]).
    pub unexamined: usize,
}

/// The resources of one input that no rule examined: no rule selected
/// them, so no outcome, not even a skip, says anything about them. "0
/// findings" on such an input means nothing looked, not that all is well.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Unexamined {
    /// The input file.
    pub file: String,
    /// How many of its resources no rule examined.
    pub resources: usize,
    /// How many of them of each type, most first, then by type.
    pub types: Vec<TypeCount>,
}

/// A resource type and a count.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct TypeCount {
    /// The type, as the input writes it.
    #[serde(rename = "type")]
    pub resource_type: String,
    /// How many.
    pub count: usize,
}

impl Unexamined {
    /// The types in one line: `aws_instance (3), aws_eip (1)`.
    pub fn types_text(&self) -> String {
        self.types
            .iter()
            .map(|entry| format!("{} ({})", entry.resource_type, entry.count))
            .collect::<Vec<_>>()
            .join(", ")
    }
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
    /// What kind of failure it was: a budget used up, a trap, a module
    /// error. Not part of the JSON report, whose entries name no kind.
    #[serde(skip)]
    pub kind: RuleErrorKind,
}

/// An input that could not be judged: a path that cannot be read, a file
/// that is not valid JSON or YAML, a document that does not fit its format,
/// a malformed suppression.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct InputError {
    /// The file (or the path as given, when it cannot be read).
    pub file: String,
    /// 1-based line, 0 when the problem has no position in the file.
    pub line: u32,
    /// 1-based column in characters, 0 when the problem has no position.
    pub column: u32,
    /// What went wrong, in lowercase.
    pub reason: String,
}

impl From<LoadError> for InputError {
    fn from(error: LoadError) -> InputError {
        InputError {
            file: error.file,
            line: error.line,
            column: error.column,
            reason: error.message,
        }
    }
}

/// A file that was read but is not an input Ward judges (an empty file,
/// `package.json`, a Kubernetes manifest, a Helm template): it is neither
/// passed nor failed, only reported.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct NotAnInput {
    /// The file.
    pub file: String,
    /// Why it is not recognised, in lowercase.
    pub reason: String,
}

/// Everything a run reports.
#[derive(Clone, Debug, Default)]
pub struct RunReport {
    /// The rules that were evaluated.
    pub rules: Vec<RuleMeta>,
    /// Findings, ordered by file, line, column, rule, resource, message.
    pub findings: Vec<Finding>,
    /// Findings taken out by a suppression, with its reason, in the same
    /// order.
    pub suppressed: Vec<Suppressed>,
    /// Every outcome, ordered by file, rule, resource (for `--verbose` and
    /// JUnit).
    pub outcomes: Vec<OutcomeEntry>,
    /// Counts.
    pub summary: Summary,
    /// Rules stopped by an error.
    pub errors: Vec<RuleError>,
    /// Inputs that could not be judged, ordered by file, line, column.
    pub input_errors: Vec<InputError>,
    /// Files that are not a recognised input, ordered by file.
    pub not_inputs: Vec<NotAnInput>,
    /// Whether files that are not inputs count as errors (`--strict`).
    pub strict: bool,
    /// Suppressions that suppress nothing, in the order given.
    pub stale_suppressions: Vec<StaleSuppression>,
    /// Per judged input with resources that no rule examined, ordered by
    /// file.
    pub unexamined: Vec<Unexamined>,
}

impl RunReport {
    /// Whether a failing finding (not an unknown one) of a soft- or
    /// hard-mandatory rule has at least the severity `threshold`: what
    /// `--fail-on` tests. [`fails_at_level`](RunReport::fails_at_level)
    /// with [`Level::SoftMandatory`].
    pub fn fails_at(&self, threshold: Severity) -> bool {
        self.fails_at_level(threshold, Level::SoftMandatory)
    }

    /// Whether a failing finding has at least the severity `threshold` and
    /// its rule at least the enforcement level `level`. Advisory rules'
    /// findings count only for `level` advisory. A suppressed finding does
    /// not count, unless its rule is hard-mandatory: no suppression or
    /// baseline overrides those.
    pub fn fails_at_level(&self, threshold: Severity, level: Level) -> bool {
        let levels = self.levels();
        let level_of = |rule: &str| levels.get(rule).copied().unwrap_or_default();
        let counts = |finding: &Finding| {
            finding.outcome == Outcome::Fail
                && finding.severity >= threshold
                && level_of(&finding.rule) >= level
        };
        self.findings.iter().any(counts)
            || self.suppressed.iter().any(|suppressed| {
                counts(&suppressed.finding)
                    && level_of(&suppressed.finding.rule) == Level::HardMandatory
            })
    }

    /// Whether an unknown outcome's finding (not a suppressed one) of a
    /// rule that is not advisory has at least the severity `threshold`:
    /// what `--fail-on-unknown` tests.
    pub fn unknown_at(&self, threshold: Severity) -> bool {
        self.unknown_at_level(threshold, Level::SoftMandatory)
    }

    /// Whether an unknown outcome's finding (not a suppressed one) has at
    /// least the severity `threshold` and its rule at least the level
    /// `level`.
    pub fn unknown_at_level(&self, threshold: Severity, level: Level) -> bool {
        let levels = self.levels();
        self.findings.iter().any(|finding| {
            finding.outcome == Outcome::Unknown
                && finding.severity >= threshold
                && levels.get(&*finding.rule).copied().unwrap_or_default() >= level
        })
    }

    /// The enforcement level of each rule, by id.
    pub fn levels(&self) -> HashMap<&str, Level> {
        self.rules
            .iter()
            .map(|rule| (rule.id.as_str(), rule.level))
            .collect()
    }

    /// Whether something could not be judged: an input error, a rule
    /// stopped by an error, or (when [`strict`](RunReport::strict)) a file
    /// that is not an input. `ward check` then exits with 2.
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
            || !self.input_errors.is_empty()
            || (self.strict && !self.not_inputs.is_empty())
    }

    /// Sorts findings and outcomes into their stable order.
    fn sort(&mut self) {
        // Unstable sorts, which need no buffer beside millions of findings:
        // the findings' key takes every field a report shows, so only
        // findings that are the same in every way can trade places; the
        // order in which the engines hand over equal outcomes is fixed.
        self.findings.sort_unstable_by(|a, b| {
            (
                &a.file,
                a.line,
                a.column,
                &a.rule,
                &a.resource,
                &a.message,
                &a.path,
                a.outcome,
            )
                .cmp(&(
                    &b.file,
                    b.line,
                    b.column,
                    &b.rule,
                    &b.resource,
                    &b.message,
                    &b.path,
                    b.outcome,
                ))
        });
        self.outcomes.sort_unstable_by(|a, b| {
            (&a.file, &a.rule, &a.resource).cmp(&(&b.file, &b.rule, &b.resource))
        });
        self.input_errors
            .sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        self.not_inputs.sort_by(|a, b| a.file.cmp(&b.file));
        self.unexamined.sort_by(|a, b| a.file.cmp(&b.file));
    }
}

/// A run being gathered: the rules of a policy, then the report of each
/// input as its engine returns it.
#[derive(Clone, Debug)]
pub struct Run {
    report: RunReport,
    /// Whether passes and skips are kept as outcome entries (for
    /// `--verbose` and JUnit), not only counted.
    keep_passes: bool,
}

impl Run {
    /// A run of these rules (as `ward_runtime::Policy::rules` lists them),
    /// on no input yet.
    pub fn new(rules: &[RuleMeta]) -> Run {
        let mut report = RunReport {
            rules: rules.to_vec(),
            ..RunReport::default()
        };
        report.summary.rules = rules.len();
        Run {
            report,
            keep_passes: true,
        }
    }

    /// Whether passes and skips are kept as [`OutcomeEntry`]s (the
    /// default) or only counted: what `--verbose` and JUnit list, and what
    /// a run of millions of resources need not hold.
    pub fn keep_passes(&mut self, keep: bool) {
        self.keep_passes = keep;
    }

    /// Adds the report of one input: `report` is what an engine returned on
    /// `document`, whose resources its outcomes name by index.
    pub fn add(&mut self, document: &Document, report: Report) {
        self.report.summary.inputs += 1;
        self.add_part(document, report);
    }

    /// Counts an input judged in parts ([`add_part`](Run::add_part)).
    pub fn count_input(&mut self) {
        self.report.summary.inputs += 1;
    }

    /// Adds the report of one part of an input judged in parts (a window of
    /// a stream of AWS Config items): as [`add`](Run::add), but the input is
    /// counted once, by [`count_input`](Run::count_input), and the
    /// resources no rule examined are summed over its parts.
    pub fn add_part(&mut self, document: &Document, report: Report) {
        let keep_passes = self.keep_passes;
        let run = &mut self.report;
        run.summary.pass += report.summary.pass;
        run.summary.fail += report.summary.fail;
        run.summary.skip += report.summary.skip;
        run.summary.unknown += report.summary.unknown;
        let file: Arc<str> = Arc::from(document.file.as_str());
        // The outcomes name their resource with the string its findings
        // hold, so a run of millions of resources holds each id once.
        let named: HashMap<&str, &Arc<str>> = report
            .findings
            .iter()
            .map(|finding| (&*finding.resource, &finding.resource))
            .collect();
        let ids: Vec<Arc<str>> = document
            .resources
            .iter()
            .map(|resource| match named.get(resource.id.as_str()) {
                Some(shared) => Arc::clone(shared),
                None => Arc::from(resource.id.as_str()),
            })
            .collect();
        drop(named);
        let mut examined = vec![false; ids.len()];
        for outcome in &report.outcomes {
            if let Some(seen) = outcome.resource.and_then(|index| examined.get_mut(index)) {
                *seen = true;
            }
        }
        let mut types: HashMap<&str, usize> = HashMap::new();
        for (resource, seen) in document.resources.iter().zip(&examined) {
            if !seen {
                *types.entry(resource.resource_type.as_str()).or_default() += 1;
            }
        }
        if !types.is_empty() {
            let entry = match run.unexamined.last_mut() {
                Some(entry) if entry.file == document.file => entry,
                _ => {
                    run.unexamined.push(Unexamined {
                        file: document.file.clone(),
                        resources: 0,
                        types: Vec::new(),
                    });
                    run.unexamined.last_mut().expect("just pushed")
                }
            };
            for (resource_type, count) in types {
                match entry
                    .types
                    .iter_mut()
                    .find(|known| known.resource_type == resource_type)
                {
                    Some(known) => known.count += count,
                    None => entry.types.push(TypeCount {
                        resource_type: resource_type.to_string(),
                        count,
                    }),
                }
            }
            entry
                .types
                .sort_by(|a, b| (b.count, &a.resource_type).cmp(&(a.count, &b.resource_type)));
            entry.resources = entry.types.iter().map(|known| known.count).sum();
        }
        let no_resource: Arc<str> = Arc::from("");
        run.outcomes.extend(
            report
                .outcomes
                .into_iter()
                .filter(|outcome| {
                    keep_passes || matches!(outcome.outcome, Outcome::Fail | Outcome::Unknown)
                })
                .map(|outcome| OutcomeEntry {
                    rule: outcome.rule,
                    file: file.clone(),
                    resource: outcome
                        .resource
                        .and_then(|index| ids.get(index).cloned())
                        .unwrap_or_else(|| no_resource.clone()),
                    outcome: PairOutcome::Evaluated(outcome.outcome),
                }),
        );
        run.errors
            .extend(report.errors.into_iter().map(|error| RuleError {
                rule: error.rule,
                file: document.file.clone(),
                message: error.message,
                kind: error.kind,
            }));
        run.findings.extend(report.findings);
    }

    /// Adds an input that could not be judged.
    pub fn add_error(&mut self, error: impl Into<InputError>) {
        self.report.input_errors.push(error.into());
    }

    /// Adds a file that is not a recognised input.
    pub fn add_not_input(&mut self, file: &str, reason: &str) {
        self.report.not_inputs.push(NotAnInput {
            file: file.to_string(),
            reason: reason.to_string(),
        });
    }

    /// Makes files that are not inputs count as errors (`--strict`).
    pub fn set_strict(&mut self, strict: bool) {
        self.report.strict = strict;
    }

    /// The report of the run, in its stable order, counted; suppressions are
    /// applied to it next ([`RunReport::apply`]).
    pub fn finish(self) -> RunReport {
        let mut report = self.report;
        report.summary.findings = report.findings.len();
        report.summary.errors = report.errors.len();
        report.summary.input_errors = report.input_errors.len();
        report.summary.not_inputs = report.not_inputs.len();
        report.summary.unexamined = report.unexamined.iter().map(|entry| entry.resources).sum();
        report.sort();
        report
    }
}
