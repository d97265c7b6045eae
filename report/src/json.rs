//! The JSON report: `{"findings": [...], "suppressed": [...], "summary":
//! {...}, "errors": [...]}`, plus `"outcomes"` when verbose. A suppressed
//! finding has the fields of a finding and `"suppression": {"source",
//! "reason"}`.

use serde::Serialize;

use ward_abi::Finding;

use crate::{OutcomeEntry, RuleError, RunReport, Summary, Suppressed};

/// The document, serialised straight from the report.
#[derive(Serialize)]
struct Document<'a> {
    findings: &'a [Finding],
    suppressed: &'a [Suppressed],
    summary: &'a Summary,
    errors: &'a [RuleError],
    #[serde(skip_serializing_if = "Option::is_none")]
    outcomes: Option<&'a [OutcomeEntry]>,
}

/// Renders the report; `verbose` adds every outcome.
pub fn render(report: &RunReport, verbose: bool) -> String {
    let document = Document {
        findings: &report.findings,
        suppressed: &report.suppressed,
        summary: &report.summary,
        errors: &report.errors,
        outcomes: verbose.then_some(report.outcomes.as_slice()),
    };
    serde_json::to_string_pretty(&document).unwrap_or_default() + "\n"
}
