//! The JSON report: `{"findings": [...], "summary": {...}, "errors": [...]}`,
//! plus `"outcomes"` when verbose.

use serde::Serialize;

use super::{Finding, OutcomeEntry, RuleError, RunReport, Summary};

/// The document, serialised straight from the report.
#[derive(Serialize)]
struct Document<'a> {
    findings: &'a [Finding],
    summary: &'a Summary,
    errors: &'a [RuleError],
    #[serde(skip_serializing_if = "Option::is_none")]
    outcomes: Option<&'a [OutcomeEntry]>,
}

/// Renders the report; `verbose` adds every outcome.
pub fn render(report: &RunReport, verbose: bool) -> String {
    let document = Document {
        findings: &report.findings,
        summary: &report.summary,
        errors: &report.errors,
        outcomes: verbose.then_some(report.outcomes.as_slice()),
    };
    serde_json::to_string_pretty(&document).unwrap_or_default() + "\n"
}
