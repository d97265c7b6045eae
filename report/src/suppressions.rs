//! Suppressions: findings a team has reviewed and accepted, each with the
//! reason why, written in the template or in a baseline file.
//!
//! In a CloudFormation template, on the resource:
//!
//! ```yaml
//! Metadata:
//!   ward:
//!     suppress:
//!       - rule: NET-001
//!         reason: bastion host, reviewed with security in 2026-10
//! ```
//!
//! In a baseline file (`ward check --baseline FILE`, read with
//! [`Suppressions::parse_baseline`]), for any kind of input:
//!
//! ```json
//! {"suppressions": [{"rule": "NET-001", "file": "app.yaml", "resource": "Bastion", "reason": "..."}]}
//! ```
//!
//! `file` and `resource` are optional in a baseline (absent, they match
//! every file or resource); `rule` and a non-empty `reason` are required
//! everywhere. A suppression matches a rule by its id and covers every
//! finding of that rule on that resource. Suppressed findings leave the
//! findings (and the exit code) but stay in the report, with their reason
//! ([`RunReport::apply`]).

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::Serialize;
use ward_abi::{Finding, Outcome};
use ward_model::{Document, InputKind, LoadError, Node};

use crate::run::{PairOutcome, RunReport};

/// Where a suppression is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// In the template, on the resource.
    Template,
    /// In a baseline file.
    Baseline,
}

/// One accepted rule on one resource (or on all, from a baseline).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// The rule id.
    pub rule: String,
    /// The input file, or every file when `None`.
    pub file: Option<String>,
    /// The resource, or every resource when `None`.
    pub resource: Option<String>,
    /// Why the finding is accepted.
    pub reason: String,
    /// Where it is written.
    pub source: Source,
}

impl Suppression {
    fn matches(&self, finding: &Finding) -> bool {
        self.rule == *finding.rule
            && self
                .file
                .as_deref()
                .is_none_or(|file| file == &*finding.file)
            && self
                .resource
                .as_deref()
                .is_none_or(|resource| resource == &*finding.resource)
    }
}

/// A finding taken out of the findings by a suppression.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Suppressed {
    /// The finding.
    #[serde(flatten)]
    pub finding: Finding,
    /// Why and where.
    pub suppression: Justification,
}

/// The reason of a suppressed finding and where it is written.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Justification {
    /// `template` or `baseline`.
    pub source: Source,
    /// The reason given.
    pub reason: String,
}

/// The suppressions of a run, from templates and baselines, in the order
/// they were read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Suppressions {
    list: Vec<Suppression>,
}

/// Why a baseline could not be read; the message names the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaselineError {
    message: String,
}

impl fmt::Display for BaselineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for BaselineError {}

impl Suppressions {
    /// The suppressions written in the documents' resources (in
    /// CloudFormation `Metadata`), and an error located in its file for each
    /// malformed one (no rule, no reason, not a mapping), which is not
    /// applied. Read them before the documents move into an engine.
    pub fn from_documents<'a>(
        documents: impl IntoIterator<Item = &'a Document>,
    ) -> (Suppressions, Vec<LoadError>) {
        let mut suppressions = Suppressions::default();
        let mut errors = Vec::new();
        for document in documents {
            let (found, malformed) = from_document(document);
            suppressions.list.extend(found);
            errors.extend(malformed);
        }
        (suppressions, errors)
    }

    /// Reads a baseline file's bytes; `name` names the file in errors.
    pub fn parse_baseline(name: &str, bytes: &[u8]) -> Result<Suppressions, BaselineError> {
        parse_baseline(name, bytes)
            .map(|list| Suppressions { list })
            .map_err(|message| BaselineError { message })
    }

    /// A baseline that suppresses every finding of the report with one
    /// reason: one suppression per (rule, file, resource), sorted.
    pub fn covering(report: &RunReport, reason: &str) -> Suppressions {
        let mut pairs: Vec<(&str, &str, &str)> = report
            .findings
            .iter()
            .map(|finding| (&*finding.rule, &*finding.file, &*finding.resource))
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        let list = pairs
            .into_iter()
            .map(|(rule, file, resource)| Suppression {
                rule: rule.to_string(),
                file: Some(file.to_string()),
                resource: Some(resource.to_string()),
                reason: reason.to_string(),
                source: Source::Baseline,
            })
            .collect();
        Suppressions { list }
    }

    /// The text of a baseline file holding these suppressions, which
    /// [`Suppressions::parse_baseline`] reads back.
    pub fn to_baseline(&self) -> String {
        let entries: Vec<serde_json::Value> = self
            .list
            .iter()
            .map(|s| {
                serde_json::json!({
                    "rule": s.rule,
                    "file": s.file,
                    "resource": s.resource,
                    "reason": s.reason,
                })
            })
            .collect();
        serde_json::to_string_pretty(&serde_json::json!({ "suppressions": entries }))
            .unwrap_or_default()
            + "\n"
    }

    /// Renames the files the suppressions name (for example between the
    /// names of a run and paths from the repository root).
    pub fn map_files(&mut self, mut rename: impl FnMut(&str) -> String) {
        for suppression in &mut self.list {
            if let Some(file) = &mut suppression.file {
                *file = rename(file);
            }
        }
    }

    /// Gives each suppression the reason that `previous` gives for the same
    /// rule, file and resource, else the reason of the first suppression of
    /// `previous` that covers it (one for the rule on every file or every
    /// resource): rewriting a baseline keeps the reasons people wrote in it.
    pub fn keep_reasons(&mut self, previous: &Suppressions) {
        type Key<'a> = (&'a str, Option<&'a str>, Option<&'a str>);
        let key = |s: &'_ Suppression| -> (String, Option<String>, Option<String>) {
            (s.rule.clone(), s.file.clone(), s.resource.clone())
        };
        let mut exact: HashMap<Key<'_>, &str> = HashMap::new();
        for s in &previous.list {
            exact
                .entry((s.rule.as_str(), s.file.as_deref(), s.resource.as_deref()))
                .or_insert(s.reason.as_str());
        }
        for suppression in &mut self.list {
            let (rule, file, resource) = key(suppression);
            let found = exact
                .get(&(rule.as_str(), file.as_deref(), resource.as_deref()))
                .copied()
                .or_else(|| {
                    previous
                        .list
                        .iter()
                        .find(|s| {
                            s.rule == rule
                                && (s.file.is_none() || s.file == file)
                                && (s.resource.is_none() || s.resource == resource)
                        })
                        .map(|s| s.reason.as_str())
                });
            if let Some(reason) = found {
                suppression.reason = reason.to_string();
            }
        }
    }

    /// Adds other suppressions after these.
    pub fn extend(&mut self, other: Suppressions) {
        self.list.extend(other.list);
    }

    /// The suppressions, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Suppression> {
        self.list.iter()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

impl FromIterator<Suppression> for Suppressions {
    fn from_iter<I: IntoIterator<Item = Suppression>>(iter: I) -> Suppressions {
        Suppressions {
            list: iter.into_iter().collect(),
        }
    }
}

/// The suppressions written in a document's resources. Malformed ones (no
/// rule, no reason, not a list of mappings) are errors located in the file,
/// and are not applied.
fn from_document(document: &Document) -> (Vec<Suppression>, Vec<LoadError>) {
    let mut suppressions = Vec::new();
    let mut errors = Vec::new();
    if document.kind != InputKind::CloudFormation {
        return (suppressions, errors);
    }
    for resource in &document.resources {
        let Some(list) = resource
            .metadata
            .get("Metadata")
            .and_then(|metadata| metadata.get("ward"))
            .and_then(|ward| ward.get("suppress"))
        else {
            continue;
        };
        let entries: &[Node] = match list.as_list() {
            Some(entries) => entries,
            None => std::slice::from_ref(list),
        };
        for entry in entries {
            let error = |message: String| LoadError::new(&document.file, entry.pos, message);
            if entry.as_object().is_none() {
                errors.push(error(format!(
                    "a suppression on `{}` must be a mapping with `rule` and `reason`",
                    resource.id
                )));
                continue;
            }
            let text = |key: &str| {
                entry
                    .get(key)
                    .and_then(Node::as_str)
                    .map(str::trim)
                    .filter(|text| !text.is_empty())
            };
            let Some(rule) = text("rule") else {
                errors.push(error(format!(
                    "a suppression on `{}` names no `rule`",
                    resource.id
                )));
                continue;
            };
            let Some(reason) = text("reason") else {
                errors.push(error(format!(
                    "the suppression of `{rule}` on `{}` gives no `reason`: say why the finding is accepted",
                    resource.id
                )));
                continue;
            };
            suppressions.push(Suppression {
                rule: rule.to_string(),
                file: Some(document.file.clone()),
                resource: Some(resource.id.clone()),
                reason: reason.to_string(),
                source: Source::Template,
            });
        }
    }
    (suppressions, errors)
}

/// Reads a baseline file's bytes.
fn parse_baseline(name: &str, bytes: &[u8]) -> Result<Vec<Suppression>, String> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|error| {
        format!(
            "{name}:{}:{}: not a baseline: {error}",
            error.line(),
            error.column()
        )
    })?;
    let entries = value
        .get("suppressions")
        .and_then(serde_json::Value::as_array)
        .ok_or_else(|| format!("{name}: a baseline is an object with a `suppressions` list"))?;
    let mut suppressions = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        let text = |key: &str| {
            entry
                .get(key)
                .and_then(serde_json::Value::as_str)
                .map(str::trim)
                .filter(|text| !text.is_empty())
                .map(str::to_string)
        };
        let Some(rule) = text("rule") else {
            return Err(format!("{name}: suppression {} names no `rule`", index + 1));
        };
        let Some(reason) = text("reason") else {
            return Err(format!(
                "{name}: suppression {} (`{rule}`) gives no `reason`: say why the finding is accepted",
                index + 1
            ));
        };
        suppressions.push(Suppression {
            rule,
            file: text("file"),
            resource: text("resource"),
            reason,
            source: Source::Baseline,
        });
    }
    Ok(suppressions)
}

/// The suppression that covers a finding, if any.
fn justification(
    by_target: &HashMap<(&str, Option<&str>), Vec<&Suppression>>,
    finding: &Finding,
) -> Option<Justification> {
    [Some(&*finding.resource), None]
        .into_iter()
        .find_map(|resource| {
            by_target
                .get(&(&*finding.rule, resource))?
                .iter()
                .find(|s| s.matches(finding))
        })
        .map(|suppression| Justification {
            source: suppression.source,
            reason: suppression.reason.clone(),
        })
}

/// A suppression that suppresses nothing: its rule is not one of the run's,
/// or it covers no finding (the finding was fixed, the resource renamed).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct StaleSuppression {
    /// The rule id it names.
    pub rule: String,
    /// The file it names, if any.
    pub file: Option<String>,
    /// The resource it names, if any.
    pub resource: Option<String>,
    /// Where it is written.
    pub source: Source,
    /// Its reason.
    pub reason: String,
    /// Why it is stale: `no such rule` or `matches no finding`.
    pub stale: &'static str,
}

impl RunReport {
    /// Moves the findings that a suppression covers from `findings` to
    /// `suppressed`, and counts a (rule, resource) pair `suppressed` instead
    /// of failed (or unknown) once none of its findings is left. A
    /// suppression that covers no finding joins
    /// [`stale_suppressions`](RunReport::stale_suppressions).
    pub fn apply(&mut self, suppressions: &Suppressions) {
        // Nothing to move: a run of millions of findings is not copied.
        if suppressions.is_empty() {
            return;
        }
        self.stale_suppressions.extend(stale(self, suppressions));
        apply(self, suppressions);
    }
}

/// The suppressions that name no rule of the run or cover no finding of it.
fn stale(report: &RunReport, suppressions: &Suppressions) -> Vec<StaleSuppression> {
    let rules: HashSet<&str> = report.rules.iter().map(|rule| &*rule.id).collect();
    let mut by_rule: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for finding in &report.findings {
        by_rule.entry(&finding.rule).or_default().push(finding);
    }
    suppressions
        .iter()
        .filter_map(|suppression| {
            let stale = if !rules.contains(suppression.rule.as_str()) {
                "no such rule"
            } else if by_rule
                .get(suppression.rule.as_str())
                .is_some_and(|findings| findings.iter().any(|f| suppression.matches(f)))
            {
                return None;
            } else {
                "matches no finding"
            };
            Some(StaleSuppression {
                rule: suppression.rule.clone(),
                file: suppression.file.clone(),
                resource: suppression.resource.clone(),
                source: suppression.source,
                reason: suppression.reason.clone(),
                stale,
            })
        })
        .collect()
}

fn apply(report: &mut RunReport, suppressions: &Suppressions) {
    if suppressions.is_empty() {
        return;
    }
    // By rule and resource: a large baseline is looked up, not scanned, for
    // each finding. One that names the resource wins over one that does
    // not; among equals, the first given.
    let mut by_target: HashMap<(&str, Option<&str>), Vec<&Suppression>> = HashMap::new();
    for suppression in suppressions.iter() {
        by_target
            .entry((suppression.rule.as_str(), suppression.resource.as_deref()))
            .or_default()
            .push(suppression);
    }
    let findings = std::mem::take(&mut report.findings);
    for finding in findings {
        match justification(&by_target, &finding) {
            Some(suppression) => report.suppressed.push(Suppressed {
                finding,
                suppression,
            }),
            None => report.findings.push(finding),
        }
    }
    // A (rule, resource) pair is suppressed when findings of it were and
    // none is left.
    let key = |finding: &Finding| {
        (
            finding.rule.clone(),
            finding.file.clone(),
            finding.resource.clone(),
        )
    };
    let remaining: HashSet<_> = report.findings.iter().map(key).collect();
    let covered: HashSet<_> = report.suppressed.iter().map(|s| key(&s.finding)).collect();
    for entry in &mut report.outcomes {
        let PairOutcome::Evaluated(outcome @ (Outcome::Fail | Outcome::Unknown)) = entry.outcome
        else {
            continue;
        };
        let pair = (
            entry.rule.clone(),
            entry.file.clone(),
            entry.resource.clone(),
        );
        if remaining.contains(&pair) || !covered.contains(&pair) {
            continue;
        }
        match outcome {
            Outcome::Fail => report.summary.fail = report.summary.fail.saturating_sub(1),
            _ => report.summary.unknown = report.summary.unknown.saturating_sub(1),
        }
        entry.outcome = PairOutcome::Suppressed;
        report.summary.suppressed += 1;
    }
    report.summary.findings = report.findings.len();
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use ward_abi::Severity;

    use super::*;
    use crate::run::OutcomeEntry;

    fn finding(rule: &str, resource: &str) -> Finding {
        Finding {
            rule: Arc::from(rule),
            severity: Severity::High,
            outcome: Outcome::Fail,
            resource: Arc::from(resource),
            resource_type: Arc::from("AWS::S3::Bucket"),
            path: String::new(),
            message: format!("{resource} fails {rule}"),
            file: Arc::from("t.yaml"),
            line: 1,
            column: 1,
        }
    }

    fn suppression(rule: &str, resource: Option<&str>, reason: &str) -> Suppression {
        Suppression {
            rule: rule.to_string(),
            file: None,
            resource: resource.map(str::to_string),
            reason: reason.to_string(),
            source: Source::Baseline,
        }
    }

    #[test]
    fn the_suppression_naming_the_resource_wins_and_pairs_are_recounted() {
        let mut report = RunReport::default();
        for (rule, resource) in [("S3-001", "A"), ("S3-001", "B"), ("NET-001", "A")] {
            report.findings.push(finding(rule, resource));
            report.outcomes.push(OutcomeEntry {
                rule: Arc::from(rule),
                file: Arc::from("t.yaml"),
                resource: Arc::from(resource),
                outcome: PairOutcome::Evaluated(Outcome::Fail),
            });
        }
        report.summary.fail = 3;
        report.apply(
            &[
                suppression("S3-001", None, "every bucket"),
                suppression("S3-001", Some("B"), "bucket B"),
            ]
            .into_iter()
            .collect(),
        );
        let reasons: Vec<(&str, &str)> = report
            .suppressed
            .iter()
            .map(|s| (&*s.finding.resource, s.suppression.reason.as_str()))
            .collect();
        assert_eq!(reasons, [("A", "every bucket"), ("B", "bucket B")]);
        assert_eq!(report.findings.len(), 1);
        assert_eq!(&*report.findings[0].rule, "NET-001");
        assert_eq!((report.summary.fail, report.summary.suppressed), (1, 2));
        assert_eq!(report.summary.findings, 1);
    }

    #[test]
    fn rewritten_suppressions_keep_the_reasons_of_the_same_or_a_covering_entry() {
        let named = |resource: &str, reason: &str| Suppression {
            file: Some("t.yaml".to_string()),
            ..suppression("S3-001", Some(resource), reason)
        };
        let mut written: Suppressions = [named("A", "new"), named("B", "new"), named("C", "new")]
            .into_iter()
            .collect();
        let previous: Suppressions = [
            named("A", "reviewed A"),
            suppression("S3-001", None, "every bucket"),
        ]
        .into_iter()
        .collect();
        written.keep_reasons(&previous);
        let reasons: Vec<&str> = written.iter().map(|s| s.reason.as_str()).collect();
        assert_eq!(reasons, ["reviewed A", "every bucket", "every bucket"]);
        written.map_files(|file| format!("sub/{file}"));
        assert!(
            written
                .iter()
                .all(|s| s.file.as_deref() == Some("sub/t.yaml"))
        );
    }

    #[test]
    fn suppressions_that_suppress_nothing_are_stale() {
        let rules = ["S3-001", "NET-001"]
            .iter()
            .map(|id| ward_abi::RuleMeta {
                id: (*id).to_string(),
                name: String::new(),
                package: String::new(),
                severity: Severity::High,
                controls: Vec::new(),
                tags: Vec::new(),
                title: String::new(),
                description: String::new(),
                resource_types: Vec::new(),
                source: ward_abi::SourceSpan {
                    file: String::new(),
                    start_line: 1,
                    start_column: 1,
                    end_line: 1,
                    end_column: 1,
                },
                checks: Vec::new(),
                level: ward_abi::Level::default(),
                formats: Vec::new(),
                checkov: Vec::new(),
                guard: Vec::new(),
            })
            .collect();
        let mut report = RunReport {
            rules,
            ..RunReport::default()
        };
        report.findings.push(finding("S3-001", "A"));
        report.apply(
            &[
                suppression("S3-001", Some("A"), "used"),
                suppression("S3-001", Some("Gone"), "fixed since"),
                suppression("NOPE-1", None, "renamed rule"),
            ]
            .into_iter()
            .collect(),
        );
        let stale: Vec<(&str, &str)> = report
            .stale_suppressions
            .iter()
            .map(|s| (s.reason.as_str(), s.stale))
            .collect();
        assert_eq!(
            stale,
            [
                ("fixed since", "matches no finding"),
                ("renamed rule", "no such rule")
            ]
        );
    }
}
