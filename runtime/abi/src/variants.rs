//! One report from the reports of a template's variants.
//!
//! A CloudFormation template whose parameters leave conditions open is
//! judged once per way they can turn out (`ward_model::Variant`). Both
//! engines put the variants' reports together here, so they agree:
//!
//! - a rule fails on a resource only when it fails on it in every variant
//!   and the resource certainly exists; its findings are those of every
//!   variant, once each;
//! - when it fails in some variants only (or on a resource whose own
//!   condition is open), the outcome is *unknown*, and each failing
//!   finding becomes an unknown one that says when it fails;
//! - otherwise unknown if unknown anywhere, skip if skipped everywhere,
//!   else pass.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::{Finding, Outcome, Report, ResourceOutcome, RuleError, Summary};

/// How many variants a finding's message names before it only counts them.
const NAMED_VARIANTS: usize = 3;

/// The report of one variant.
#[derive(Clone, Debug)]
pub struct VariantReport {
    /// What the variant assumes, each as a phrase ("condition `UseKms` is
    /// true"); empty for the template itself.
    pub assumptions: Vec<String>,
    /// For each resource of the variant, its index among the template's
    /// resources.
    pub resources: Vec<usize>,
    /// For each resource of the variant, why it may not exist (its own
    /// condition is open even in this variant), if so.
    pub undecided: Vec<Option<Arc<str>>>,
    /// The report on the variant.
    pub report: Report,
}

/// Puts the reports of a template's variants together into the template's
/// report. `ids` are the ids of the template's resources, in order:
/// outcomes of the result index them.
pub fn combine(ids: &[&str], variants: Vec<VariantReport>) -> Report {
    let total = variants.len();
    let resources = ids.len();
    let by_id: HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .rev()
        .map(|(index, id)| (*id, index))
        .collect();
    // Rules in the order they first appear.
    let mut rules: Vec<Arc<str>> = Vec::new();
    let mut rule_seen: HashSet<Arc<str>> = HashSet::new();
    let mut rule_count = 0;
    for variant in &variants {
        rule_count = rule_count.max(variant.report.summary.rules);
        for outcome in &variant.report.outcomes {
            if rule_seen.insert(outcome.rule.clone()) {
                rules.push(outcome.rule.clone());
            }
        }
    }
    // Per (rule, resource): per variant, the outcome and the findings.
    let mut cells: HashMap<(Arc<str>, Option<usize>), Cell> = HashMap::new();
    let mut errors: Vec<RuleError> = Vec::new();
    let mut error_seen: HashSet<(String, String)> = HashSet::new();
    for (number, variant) in variants.iter().enumerate() {
        for outcome in &variant.report.outcomes {
            let base = match outcome.resource {
                Some(local) => match variant.resources.get(local) {
                    Some(&base) if base < resources => Some(base),
                    _ => continue,
                },
                None => None,
            };
            let undecided = outcome
                .resource
                .and_then(|local| variant.undecided.get(local).cloned().flatten());
            let cell = cells
                .entry((outcome.rule.clone(), base))
                .or_insert_with(|| Cell::new(total));
            if let Some(slot) = cell.outcomes.get_mut(number) {
                *slot = Some(outcome.outcome);
            }
            if undecided.is_some() {
                cell.undecided.get_or_insert(undecided.unwrap_or_default());
            }
        }
        for finding in &variant.report.findings {
            // Findings name their resource by id; one on no resource
            // belongs to the input.
            let base = by_id.get(&*finding.resource).copied();
            let cell = cells
                .entry((finding.rule.clone(), base))
                .or_insert_with(|| Cell::new(total));
            cell.findings.push(finding.clone());
        }
        for error in &variant.report.errors {
            if error_seen.insert((error.rule.clone(), error.message.clone())) {
                errors.push(error.clone());
            }
        }
    }
    let mut report = Report {
        summary: Summary {
            rules: rule_count,
            resources,
            ..Summary::default()
        },
        errors,
        ..Report::default()
    };
    for rule in &rules {
        let keys = std::iter::once(None).chain((0..resources).map(Some));
        for resource in keys {
            let Some(cell) = cells.remove(&(rule.clone(), resource)) else {
                continue;
            };
            let (outcome, findings) = cell.combine(&variants);
            if let Some(outcome) = outcome {
                report.outcomes.push(ResourceOutcome {
                    rule: rule.clone(),
                    resource,
                    outcome,
                });
            }
            report.findings.extend(findings);
        }
    }
    report.recount();
    report
}

/// One rule on one resource, across the variants.
struct Cell {
    /// Per variant, the outcome if the rule judged the resource there.
    outcomes: Vec<Option<Outcome>>,
    /// The findings of every variant, in order.
    findings: Vec<Finding>,
    /// Why the resource may not exist even within a variant.
    undecided: Option<Arc<str>>,
}

impl Cell {
    fn new(variants: usize) -> Cell {
        Cell {
            outcomes: vec![None; variants],
            findings: Vec::new(),
            undecided: None,
        }
    }

    /// The combined outcome and findings.
    fn combine(self, variants: &[VariantReport]) -> (Option<Outcome>, Vec<Finding>) {
        let judged: Vec<Outcome> = self.outcomes.iter().flatten().copied().collect();
        if judged.is_empty() {
            return (None, dedup(self.findings.into_iter()));
        }
        let failing: Vec<usize> = (0..self.outcomes.len())
            .filter(|&number| self.outcomes.get(number) == Some(&Some(Outcome::Fail)))
            .collect();
        let everywhere = failing.len() == self.outcomes.len();
        if !failing.is_empty() {
            if everywhere && self.undecided.is_none() {
                return (Some(Outcome::Fail), dedup(self.findings.into_iter()));
            }
            let when = if everywhere {
                format!(
                    "only if it is created: {}",
                    self.undecided.as_deref().unwrap_or_default()
                )
            } else {
                describe(&failing, variants)
            };
            let findings = self.findings.into_iter().map(|mut finding| {
                if finding.outcome == Outcome::Fail {
                    finding.outcome = Outcome::Unknown;
                    finding.message = format!("{} ({when})", finding.message);
                }
                finding
            });
            return (Some(Outcome::Unknown), dedup(findings));
        }
        // No failure: unknown anywhere, else pass anywhere, else skip.
        let outcome = if judged.contains(&Outcome::Unknown) {
            Outcome::Unknown
        } else if judged.contains(&Outcome::Pass) {
            Outcome::Pass
        } else {
            Outcome::Skip
        };
        (Some(outcome), dedup(self.findings.into_iter()))
    }
}

/// When the failing variants fail: "only when A and B" when they are
/// exactly the variants that assume A and B, else "only when A; or when
/// B; or in 2 more cases".
fn describe(failing: &[usize], variants: &[VariantReport]) -> String {
    let assumptions = |number: usize| -> &[String] {
        variants
            .get(number)
            .map(|v| v.assumptions.as_slice())
            .unwrap_or_default()
    };
    let shared: Vec<&String> = match failing.first() {
        Some(&first) => assumptions(first)
            .iter()
            .filter(|a| failing.iter().all(|&n| assumptions(n).contains(a)))
            .collect(),
        None => Vec::new(),
    };
    let matching = (0..variants.len())
        .filter(|&n| shared.iter().all(|a| assumptions(n).contains(a)))
        .count();
    if !shared.is_empty() && matching == failing.len() {
        let phrases: Vec<&str> = shared.iter().map(|a| a.as_str()).collect();
        return format!("only when {}", phrases.join(" and "));
    }
    let mut text = String::from("only when ");
    for (position, &number) in failing.iter().take(NAMED_VARIANTS).enumerate() {
        if position > 0 {
            text.push_str("; or when ");
        }
        text.push_str(&assumptions(number).join(" and "));
    }
    if failing.len() > NAMED_VARIANTS {
        text.push_str(&format!(
            "; or in {} more cases",
            failing.len() - NAMED_VARIANTS
        ));
    }
    text
}

/// The findings without repeats, in order.
fn dedup(findings: impl Iterator<Item = Finding>) -> Vec<Finding> {
    let mut kept: Vec<Finding> = Vec::new();
    for finding in findings {
        if !kept.contains(&finding) {
            kept.push(finding);
        }
    }
    kept
}
