//! Reports: findings, outcomes, errors and their summary, the shared words
//! every engine (the compiled module under a runtime, the reference
//! evaluator) returns and every writer reads.

use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{Outcome, Severity};

/// One finding: a rule that failed (or could not be decided) on a value of
/// the input, located in the input file.
///
/// Names that many findings repeat (rule, resource, type, file) are shared,
/// not copied. Serialised to JSON with exactly these field names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The rule's id (`NET-001`), or its qualified name when it has none.
    pub rule: Arc<str>,
    /// The rule's severity: `info`, `low`, `medium`, `high`, `critical`.
    #[serde(with = "severity_words")]
    pub severity: Severity,
    /// `fail`, or `unknown` when the input could not determine the result.
    #[serde(with = "outcome_words")]
    pub outcome: Outcome,
    /// The resource: CloudFormation logical id, Terraform address or ARN;
    /// empty for findings on plain data.
    pub resource: Arc<str>,
    /// The resource's type, empty for findings on plain data.
    pub resource_type: Arc<str>,
    /// The path of the offending value, as `ward_model::Document::value_path`
    /// renders it: for CloudFormation its place in the template
    /// (`$.Resources.Sg.Properties.SecurityGroupIngress[0]`, the resource
    /// itself `$.Resources.Sg`); for other inputs relative to the resource
    /// (`$.a.b[0]` in its properties, `tags.Name`, `metadata.x`); `$...` in
    /// plain data.
    pub path: String,
    /// The message with its template filled in.
    pub message: String,
    /// The input file.
    pub file: Arc<str>,
    /// 1-based line of the offending value.
    pub line: u32,
    /// 1-based column of the offending value, in characters.
    pub column: u32,
}

/// The outcome of one rule on one resource.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResourceOutcome {
    /// The rule's id.
    #[serde(serialize_with = "shared_str")]
    pub rule: Arc<str>,
    /// The resource's index in the document's resources, or `None` for a
    /// rule without a resource binding.
    pub resource: Option<usize>,
    /// The outcome.
    #[serde(serialize_with = "outcome_words::serialize")]
    pub outcome: Outcome,
}

/// What kind of failure stopped a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleErrorKind {
    /// The rule used up its fuel (the runtime's fuel budget).
    OutOfFuel,
    /// The rule used up its time (the runtime's time budget).
    Timeout,
    /// The rule needed more memory than the limit.
    MemoryLimit,
    /// The module trapped for another reason.
    Trap,
    /// The module wrote results that break the ABI.
    InvalidResults,
    /// The module reported an error itself.
    Module,
    /// The input could not be given to the module.
    Input,
    /// The module could not be instantiated.
    Instantiate,
    /// The rule used up its step budget (the reference evaluator's budget).
    StepLimit,
    /// The rule nested expressions and calls deeper than the reference
    /// evaluator allows.
    DepthLimit,
}

/// A rule that could not be evaluated. Its findings are missing from the
/// report; the other rules' are not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleError {
    /// The rule's id.
    pub rule: String,
    /// What went wrong, naming the rule.
    pub message: String,
    /// The kind of failure.
    pub kind: RuleErrorKind,
}

/// Counts over a report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Rules evaluated (those that failed to run included).
    pub rules: usize,
    /// Resources in the input.
    pub resources: usize,
    /// Rule and resource pairs that passed.
    pub pass: usize,
    /// Rule and resource pairs that failed.
    pub fail: usize,
    /// Rule and resource pairs skipped by a `when` guard.
    pub skip: usize,
    /// Rule and resource pairs the input could not decide.
    pub unknown: usize,
    /// Findings.
    pub findings: usize,
    /// Rules that could not be evaluated.
    pub errors: usize,
}

/// The result of evaluating a policy over an input.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Report {
    /// Findings, by rule in the policy's order, then as the rule produced
    /// them.
    pub findings: Vec<Finding>,
    /// Counts.
    pub summary: Summary,
    /// Rules that could not be evaluated, in the policy's order.
    pub errors: Vec<RuleError>,
    /// The outcome of every rule on every resource it was evaluated on.
    pub outcomes: Vec<ResourceOutcome>,
}

impl Report {
    /// Recomputes the summary counts from the findings, outcomes and errors;
    /// `rules` and `resources` are kept.
    pub fn recount(&mut self) {
        let mut summary = Summary {
            rules: self.summary.rules,
            resources: self.summary.resources,
            findings: self.findings.len(),
            errors: self.errors.len(),
            ..Summary::default()
        };
        for outcome in &self.outcomes {
            match outcome.outcome {
                Outcome::Pass => summary.pass += 1,
                Outcome::Fail => summary.fail += 1,
                Outcome::Skip => summary.skip += 1,
                Outcome::Unknown => summary.unknown += 1,
            }
        }
        self.summary = summary;
    }

    /// Appends another report on the same input (for example the report of
    /// another policy, or of another part of the same policy's rules) and
    /// recounts.
    pub fn merge(&mut self, other: Report) {
        self.summary.rules += other.summary.rules;
        self.summary.resources = self.summary.resources.max(other.summary.resources);
        self.findings.extend(other.findings);
        self.errors.extend(other.errors);
        self.outcomes.extend(other.outcomes);
        self.recount();
    }

    /// The outcome of rule `rule` (by id) on the resource with index
    /// `resource`, if the rule was evaluated on it.
    pub fn outcome(&self, rule: &str, resource: Option<usize>) -> Option<Outcome> {
        self.outcomes
            .iter()
            .find(|entry| &*entry.rule == rule && entry.resource == resource)
            .map(|entry| entry.outcome)
    }
}

/// A severity serialises as its lowercase word (`high`), as in reports and
/// in `@severity(...)`.
impl Serialize for Severity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl Serialize for crate::Level {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

fn shared_str<S: Serializer>(value: &Arc<str>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(value)
}

mod severity_words {
    use super::*;

    pub(super) fn serialize<S: Serializer>(
        value: &Severity,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(value.as_str())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Severity, D::Error> {
        let word = String::deserialize(deserializer)?;
        Severity::parse(&word)
            .ok_or_else(|| serde::de::Error::custom(format!("`{word}` is not a severity")))
    }
}

mod outcome_words {
    use super::*;

    pub(super) fn serialize<S: Serializer>(
        value: &Outcome,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(value.as_str())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Outcome, D::Error> {
        let word = String::deserialize(deserializer)?;
        Outcome::parse(&word)
            .ok_or_else(|| serde::de::Error::custom(format!("`{word}` is not an outcome")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finding_json_has_exactly_the_documented_fields() {
        let finding = Finding {
            rule: "NET-001".into(),
            severity: Severity::High,
            outcome: Outcome::Fail,
            resource: "Sg".into(),
            resource_type: "AWS::EC2::SecurityGroup".into(),
            path: "$.Resources.Sg.Properties.SecurityGroupIngress[0]".to_string(),
            message: "Sg allows SSH from 0.0.0.0/0".to_string(),
            file: "template.yaml".into(),
            line: 7,
            column: 9,
        };
        let json = serde_json::to_value(&finding).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "rule": "NET-001",
                "severity": "high",
                "outcome": "fail",
                "resource": "Sg",
                "resource_type": "AWS::EC2::SecurityGroup",
                "path": "$.Resources.Sg.Properties.SecurityGroupIngress[0]",
                "message": "Sg allows SSH from 0.0.0.0/0",
                "file": "template.yaml",
                "line": 7,
                "column": 9
            })
        );
        let back: Finding = serde_json::from_value(json).unwrap();
        assert_eq!(back, finding);
    }

    #[test]
    fn rule_error_json() {
        let error = RuleError {
            rule: "NET-001".to_string(),
            message: "rule `NET-001` ran out of fuel (limit 10)".to_string(),
            kind: RuleErrorKind::OutOfFuel,
        };
        assert_eq!(
            serde_json::to_string(&error).unwrap(),
            r#"{"rule":"NET-001","message":"rule `NET-001` ran out of fuel (limit 10)","kind":"out_of_fuel"}"#
        );
    }
}
