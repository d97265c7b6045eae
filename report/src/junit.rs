//! JUnit XML: one test suite per rule, one test case per resource the rule
//! ran on; failures for failing resources, skips for skipped, unknown and
//! suppressed ones (with the reason). Inputs that could not be judged are
//! test cases with an error in a suite of their own, `(inputs)`, beside
//! files that are not inputs (skipped, or errors under `--strict`).

use std::collections::{BTreeMap, HashMap};

use ward_abi::{Finding, Outcome, Severity};

use crate::{OutcomeEntry, PairOutcome, RunReport};

/// Renders the report as JUnit XML.
pub fn render(report: &RunReport) -> String {
    let mut suites: BTreeMap<&str, Vec<&OutcomeEntry>> = BTreeMap::new();
    for entry in &report.outcomes {
        suites.entry(&*entry.rule).or_default().push(entry);
    }
    // Findings and suppressions by (rule, resource, file), looked up once
    // per test case.
    type Pair<'a> = (&'a str, &'a str, &'a str);
    let mut by_pair: HashMap<Pair<'_>, Vec<&Finding>> = HashMap::new();
    for finding in &report.findings {
        by_pair
            .entry((&finding.rule, &finding.resource, &finding.file))
            .or_default()
            .push(finding);
    }
    // The outcome of a rule that runs once per input names no resource,
    // while its findings may name the resource they point at: they are all
    // that outcome's, by (rule, file).
    let mut by_rule: HashMap<(&str, &str), Vec<&Finding>> = HashMap::new();
    for finding in &report.findings {
        by_rule
            .entry((&finding.rule, &finding.file))
            .or_default()
            .push(finding);
    }
    let mut reasons: HashMap<Pair<'_>, &str> = HashMap::new();
    for entry in &report.suppressed {
        let finding = &entry.finding;
        reasons
            .entry((&finding.rule, &finding.resource, &finding.file))
            .or_insert(&entry.suppression.reason);
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let not_input_errors = if report.strict {
        report.not_inputs.len()
    } else {
        0
    };
    let input_cases = report.input_errors.len() + report.not_inputs.len();
    out.push_str(&format!(
        "<testsuites name=\"ward\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" errors=\"{}\">\n",
        report.outcomes.len() + input_cases,
        report.summary.fail,
        report.summary.skip
            + report.summary.unknown
            + report.summary.suppressed
            + (report.not_inputs.len() - not_input_errors),
        report.errors.len() + report.input_errors.len() + not_input_errors
    ));
    for (rule, entries) in &suites {
        let failures = entries
            .iter()
            .filter(|e| e.outcome == PairOutcome::Evaluated(Outcome::Fail))
            .count();
        let skipped = entries
            .iter()
            .filter(|e| {
                matches!(
                    e.outcome,
                    PairOutcome::Evaluated(Outcome::Skip | Outcome::Unknown)
                        | PairOutcome::Suppressed
                )
            })
            .count();
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\">\n",
            escape(rule),
            entries.len()
        ));
        for entry in entries {
            out.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\"",
                escape(rule),
                escape(if entry.resource.is_empty() {
                    "(the input)"
                } else {
                    &entry.resource
                }),
                escape(&entry.file)
            ));
            let pair: Pair<'_> = (&entry.rule, &entry.resource, &entry.file);
            let findings: &[&Finding] = if entry.resource.is_empty() {
                by_rule
                    .get(&(&*entry.rule, &*entry.file))
                    .map_or(&[], Vec::as_slice)
            } else {
                by_pair.get(&pair).map_or(&[], Vec::as_slice)
            };
            match entry.outcome {
                PairOutcome::Evaluated(Outcome::Fail) => {
                    out.push_str(">\n");
                    let text: Vec<String> = findings
                        .iter()
                        .filter(|f| f.outcome == Outcome::Fail)
                        .map(|f| {
                            format!(
                                "{}:{}:{}: {} ({})",
                                f.file, f.line, f.column, f.message, f.path
                            )
                        })
                        .collect();
                    let first = findings
                        .first()
                        .map(|f| f.message.as_str())
                        .unwrap_or("failed");
                    out.push_str(&format!(
                        "      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
                        escape(first),
                        escape(
                            findings
                                .first()
                                .map_or(Severity::Medium, |f| f.severity)
                                .as_str()
                        ),
                        escape(&text.join("\n"))
                    ));
                }
                PairOutcome::Evaluated(Outcome::Skip) => out.push_str(
                    ">\n      <skipped message=\"rule does not apply\"/>\n    </testcase>\n",
                ),
                PairOutcome::Evaluated(Outcome::Unknown) => {
                    let reason = findings
                        .first()
                        .map(|f| f.message.as_str())
                        .unwrap_or("unknown");
                    out.push_str(&format!(
                        ">\n      <skipped message=\"unknown: {}\"/>\n    </testcase>\n",
                        escape(reason)
                    ));
                }
                PairOutcome::Suppressed => {
                    let reason = reasons.get(&pair).copied().unwrap_or("");
                    out.push_str(&format!(
                        ">\n      <skipped message=\"suppressed: {}\"/>\n    </testcase>\n",
                        escape(reason)
                    ));
                }
                PairOutcome::Evaluated(Outcome::Pass) => out.push_str("/>\n"),
            }
        }
        out.push_str("  </testsuite>\n");
    }
    if input_cases > 0 {
        out.push_str(&inputs_suite(report, not_input_errors));
    }
    out.push_str("</testsuites>\n");
    out
}

/// The suite of inputs that could not be judged and files that are not
/// inputs: one test case each.
fn inputs_suite(report: &RunReport, not_input_errors: usize) -> String {
    let mut out = format!(
        "  <testsuite name=\"(inputs)\" tests=\"{}\" failures=\"0\" skipped=\"{}\" errors=\"{}\">\n",
        report.input_errors.len() + report.not_inputs.len(),
        report.not_inputs.len() - not_input_errors,
        report.input_errors.len() + not_input_errors
    );
    for error in &report.input_errors {
        let location = if error.line > 0 {
            format!("{}:{}:{}", error.file, error.line, error.column)
        } else {
            error.file.clone()
        };
        out.push_str(&format!(
            "    <testcase classname=\"(inputs)\" name=\"{file}\" file=\"{file}\">\n      <error message=\"{reason}\" type=\"input\">{}: {reason}</error>\n    </testcase>\n",
            escape(&location),
            file = escape(&error.file),
            reason = escape(&error.reason),
        ));
    }
    for entry in &report.not_inputs {
        let message = escape(&format!("not a recognised input: {}", entry.reason));
        let file = escape(&entry.file);
        if report.strict {
            out.push_str(&format!(
                "    <testcase classname=\"(inputs)\" name=\"{file}\" file=\"{file}\">\n      <error message=\"{message}\" type=\"not-an-input\">{file}: {message}</error>\n    </testcase>\n"
            ));
        } else {
            out.push_str(&format!(
                "    <testcase classname=\"(inputs)\" name=\"{file}\" file=\"{file}\">\n      <skipped message=\"{message}\"/>\n    </testcase>\n"
            ));
        }
    }
    out.push_str("  </testsuite>\n");
    out
}

/// Escapes text for XML attributes and content.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' && c != '\r' => {}
            c => out.push(c),
        }
    }
    out
}
