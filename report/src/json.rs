//! The JSON report: `{"findings": [...], "suppressed": [...], "summary":
//! {...}, "errors": [...], "not_inputs": [...], "stale_suppressions":
//! [...]}`, plus `"outcomes"` when
//! verbose. A suppressed finding has the fields of a finding and
//! `"suppression": {"source", "reason"}`. An error is an input that could
//! not be judged (`{"kind": "input", "file", "line", "column", "reason"}`,
//! line and column 0 when it has no position) or a rule stopped on an input
//! (`{"kind": "rule", "rule", "file", "message"}`); a file that is not a
//! recognised input is `{"file", "reason"}`; a suppression that suppresses
//! nothing is `{"rule", "file", "resource", "source", "reason", "stale"}`
//! under `"stale_suppressions"`, `stale` being `no such rule` or `matches
//! no finding`.

use std::io::Write;

use serde::Serialize;

use ward_abi::Finding;

use crate::{
    InputError, NotAnInput, OutcomeEntry, RuleError, RunReport, StaleSuppression, Summary,
    Suppressed, Unexamined,
};

/// The document, serialised straight from the report.
#[derive(Serialize)]
struct Document<'a> {
    findings: &'a [Finding],
    suppressed: &'a [Suppressed],
    summary: &'a Summary,
    errors: Vec<Error<'a>>,
    not_inputs: &'a [NotAnInput],
    unexamined: &'a [Unexamined],
    stale_suppressions: &'a [StaleSuppression],
    #[serde(skip_serializing_if = "Option::is_none")]
    outcomes: Option<&'a [OutcomeEntry]>,
}

/// One entry of `errors`, tagged with its kind.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Error<'a> {
    Input(&'a InputError),
    Rule(&'a RuleError),
}

/// Renders the report; `verbose` adds every outcome.
pub fn render(report: &RunReport, verbose: bool) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail, and the report serialises.
    let _ = write(report, verbose, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes the report as [`render`] renders it.
pub fn write(
    report: &RunReport,
    verbose: bool,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let errors = report
        .input_errors
        .iter()
        .map(Error::Input)
        .chain(report.errors.iter().map(Error::Rule))
        .collect();
    let document = Document {
        findings: &report.findings,
        suppressed: &report.suppressed,
        summary: &report.summary,
        errors,
        not_inputs: &report.not_inputs,
        unexamined: &report.unexamined,
        stale_suppressions: &report.stale_suppressions,
        outcomes: verbose.then_some(report.outcomes.as_slice()),
    };
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut buffered, &document)?;
    buffered.write_all(b"\n")?;
    buffered.flush()
}
