//! The JSON report: `{"findings": [...], "summary": {...}}`.

use super::RunReport;

/// Renders the report; `verbose` adds every outcome.
pub fn render(report: &RunReport, verbose: bool) -> String {
    let mut document = serde_json::json!({
        "findings": report.findings,
        "summary": report.summary,
        "errors": report.errors,
    });
    if verbose {
        document["outcomes"] = serde_json::json!(report.outcomes);
    }
    serde_json::to_string_pretty(&document).unwrap_or_default() + "\n"
}
