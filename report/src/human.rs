//! The human report: each finding with the offending template line
//! underlined, then a summary.

use ward_abi::Outcome;
use ward_syntax::ast::Span;
use ward_syntax::snippet::{Snippet, SnippetKind, SourceTexts, render_snippet};
use ward_syntax::{LineCol, LineIndex};

use crate::RunReport;

/// Renders the report. `texts` holds the input files' text by name, for the
/// snippets; a finding in a file it lacks is printed without one.
pub fn render(
    report: &RunReport,
    texts: Option<&dyn SourceTexts>,
    verbose: bool,
    color: bool,
) -> String {
    let mut out = String::new();
    for finding in &report.findings {
        let word = match finding.outcome {
            Outcome::Unknown => "unknown",
            _ => finding.severity.as_str(),
        };
        // The snippet needs the file's text and a line to underline.
        let source = texts
            .filter(|_| finding.line > 0)
            .and_then(|texts| Some((texts, texts.text(&finding.file)?)));
        let headline = format!("{} {}", finding.rule, finding.message);
        // A finding of a rule that runs once per input may name no
        // resource: the path alone says where it points.
        let label = match (finding.resource.is_empty(), finding.path.is_empty()) {
            (true, true) => "the input".to_string(),
            (true, false) => format!("the input ({})", finding.path),
            (false, true) => finding.resource.to_string(),
            (false, false) => format!("{} ({})", finding.resource, finding.path),
        };
        if let Some((texts, text)) = source {
            let span = line_span(text, finding.line, finding.column);
            let snippet = Snippet {
                kind: SnippetKind::Custom(word),
                code: None,
                message: &headline,
                file: &finding.file,
                span,
                label: &label,
                labels: Vec::new(),
                help: None,
            };
            out.push_str(&render_snippet(&snippet, texts, color));
        } else {
            out.push_str(&format!(
                "{}: {word}: {headline}\n  {label}\n",
                finding.file
            ));
        }
    }
    for error in &report.errors {
        out.push_str(&format!("{}: error: {}\n", error.file, error.message));
    }
    if verbose {
        for entry in &report.suppressed {
            let finding = &entry.finding;
            out.push_str(&format!(
                "{}:{}:{}: suppressed: {} on {}: {} (reason: {})\n",
                finding.file,
                finding.line,
                finding.column,
                finding.rule,
                finding.resource,
                finding.message,
                entry.suppression.reason
            ));
        }
        for entry in &report.outcomes {
            let resource = if entry.resource.is_empty() {
                "(the input)"
            } else {
                &entry.resource
            };
            out.push_str(&format!(
                "{} {} {} {resource}\n",
                entry.outcome, entry.rule, entry.file
            ));
        }
    }
    let summary = &report.summary;
    out.push_str(&format!(
        "{} input{}, {} rule{}: {} failed, {} unknown, {} passed, {} skipped ({} finding{}{})\n",
        summary.inputs,
        plural(summary.inputs),
        summary.rules,
        plural(summary.rules),
        summary.fail,
        summary.unknown,
        summary.pass,
        summary.skip,
        summary.findings,
        plural(summary.findings),
        if report.suppressed.is_empty() {
            String::new()
        } else {
            format!(
                ", {} suppressed in {} rule-resource pair{}",
                report.suppressed.len(),
                summary.suppressed,
                plural(summary.suppressed)
            )
        } + &if summary.errors > 0 {
            format!(", {} rule errors", summary.errors)
        } else {
            String::new()
        }
    ));
    out
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// The byte span from a 1-based line and column to the end of that line's
/// content.
fn line_span(text: &str, line: u32, column: u32) -> Span {
    let index = LineIndex::new(text);
    let start = index.offset_of(text, LineCol { line, column }) as usize;
    let line_end = index.offset_of(
        text,
        LineCol {
            line,
            column: u32::MAX,
        },
    ) as usize;
    let line_text = text.get(start..line_end).unwrap_or("");
    let end = (start + line_text.trim_end().len())
        .max(start + 1)
        .min(text.len());
    Span::new(start, end)
}
