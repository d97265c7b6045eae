//! The human report: each finding with the offending template line
//! underlined, each input that could not be judged with its position, each
//! file that is not an input, then a summary. Every file is indexed once,
//! so the report costs the size of what it shows.

use std::collections::HashMap;

use ward_abi::Outcome;
use ward_syntax::ast::Span;
use ward_syntax::snippet::{
    PreparedText, Snippet, SnippetKind, SourceTexts, render_snippet, write_snippet,
};
use ward_syntax::{LineCol, LineIndex};

use crate::{InputError, RunReport, Source, StaleSuppression, Unexamined};

/// The texts of a report's files, each prepared for snippets once when the
/// report points into it.
struct PreparedTexts<'a> {
    texts: &'a dyn SourceTexts,
    prepared: HashMap<&'a str, PreparedText>,
}

impl<'a> PreparedTexts<'a> {
    fn new(texts: &'a dyn SourceTexts, files: impl Iterator<Item = &'a str>) -> PreparedTexts<'a> {
        let mut prepared = HashMap::new();
        for file in files {
            if !prepared.contains_key(file)
                && let Some(text) = texts.text(file)
            {
                prepared.insert(file, PreparedText::new(text));
            }
        }
        PreparedTexts { texts, prepared }
    }
}

impl SourceTexts for PreparedTexts<'_> {
    fn text(&self, file: &str) -> Option<&str> {
        self.texts.text(file)
    }

    fn prepared(&self, file: &str) -> Option<&PreparedText> {
        self.prepared.get(file)
    }
}

/// Renders the report. `texts` holds the input files' text by name, for the
/// snippets; a finding in a file it lacks is printed without one.
pub fn render(
    report: &RunReport,
    texts: Option<&dyn SourceTexts>,
    verbose: bool,
    color: bool,
) -> String {
    let mut out = String::new();
    let files = report.findings.iter().map(|finding| &*finding.file);
    let original = texts;
    let prepared = texts.map(|texts| PreparedTexts::new(texts, files));
    let texts = prepared
        .as_ref()
        .map(|prepared| prepared as &dyn SourceTexts);
    for finding in &report.findings {
        let word = match finding.outcome {
            Outcome::Unknown => "unknown",
            _ => finding.severity.as_str(),
        };
        // The snippet needs the file's text and a line to underline.
        let source = texts.filter(|_| finding.line > 0).and_then(|texts| {
            Some((
                texts,
                texts.text(&finding.file)?,
                texts.prepared(&finding.file)?.index(),
            ))
        });
        let headline = format!("{} {}", finding.rule, finding.message);
        // A finding of a rule that runs once per input may name no
        // resource: the path alone says where it points.
        let label = match (finding.resource.is_empty(), finding.path.is_empty()) {
            (true, true) => "the input".to_string(),
            (true, false) => format!("the input ({})", finding.path),
            (false, true) => finding.resource.to_string(),
            (false, false) => format!("{} ({})", finding.resource, finding.path),
        };
        if let Some((texts, text, index)) = source {
            let span = line_span(text, index, finding.line, finding.column);
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
            write_snippet(&mut out, &snippet, texts, color);
        } else {
            out.push_str(&format!(
                "{}: {word}: {headline}\n  {label}\n",
                finding.file
            ));
        }
    }
    out.push_str(&problems(report, original, color));
    out.push_str(&unexamined_note(report));
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
        "{} input{}, {} rule{}: {} failed, {} unknown, {} passed, {} skipped ({} finding{}{}){}{}\n",
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
        },
        not_judged(summary.input_errors, summary.not_inputs),
        if summary.unexamined > 0 {
            format!(
                "; {} resource{} no rule examined",
                summary.unexamined,
                plural(summary.unexamined)
            )
        } else {
            String::new()
        }
    ));
    out
}

/// What could not be judged, each once: inputs that could not be loaded
/// (with the offending line underlined when `texts` has it), rules stopped
/// by an error, files that are not inputs.
pub fn problems(report: &RunReport, texts: Option<&dyn SourceTexts>, color: bool) -> String {
    let mut out = String::new();
    let files = report.input_errors.iter().map(|error| error.file.as_str());
    let prepared = texts.map(|texts| PreparedTexts::new(texts, files));
    let texts = prepared
        .as_ref()
        .map(|prepared| prepared as &dyn SourceTexts);
    for error in &report.input_errors {
        out.push_str(&input_error(error, texts, color));
    }
    for error in &report.errors {
        out.push_str(&format!("{}: error: {}\n", error.file, error.message));
    }
    let word = if report.strict { "error" } else { "warning" };
    for entry in &report.not_inputs {
        out.push_str(&format!(
            "{}: {word}: not a recognised input: {}\n",
            entry.file, entry.reason
        ));
    }
    for entry in &report.stale_suppressions {
        out.push_str(&format!("warning: {}\n", stale_text(entry)));
    }
    out
}

/// The note on resources that no rule examined: for one input its list,
/// for several the types most left alone.
fn unexamined_note(report: &RunReport) -> String {
    match report.unexamined.as_slice() {
        [] => String::new(),
        [entry] => format!("{}: note: {}\n", entry.file, unexamined_text(entry)),
        entries => format!("note: {}\n", unexamined_overall(entries)),
    }
}

/// What no rule examined over several inputs, in one line: the types most
/// left alone (each input's own list is in the JSON and SARIF reports).
fn unexamined_overall(entries: &[Unexamined]) -> String {
    let mut types: HashMap<&str, usize> = HashMap::new();
    for entry in entries {
        for count in &entry.types {
            *types.entry(count.resource_type.as_str()).or_default() += count.count;
        }
    }
    let mut types: Vec<(&str, usize)> = types.into_iter().collect();
    types.sort_by(|a, b| (b.1, a.0).cmp(&(a.1, b.0)));
    let total: usize = types.iter().map(|(_, count)| count).sum();
    const SHOWN: usize = 10;
    let mut listed: Vec<String> = types
        .iter()
        .take(SHOWN)
        .map(|(name, count)| format!("{name} ({count})"))
        .collect();
    if types.len() > SHOWN {
        listed.push(format!("{} more types", types.len() - SHOWN));
    }
    format!(
        "no rule examined {total} resources of {} inputs: {}",
        entries.len(),
        listed.join(", ")
    )
}

/// What no rule examined in an input, in one line.
pub fn unexamined_text(entry: &Unexamined) -> String {
    let resources = if entry.resources == 1 {
        "1 resource".to_string()
    } else {
        format!("{} resources", entry.resources)
    };
    format!("no rule examined {resources}: {}", entry.types_text())
}

/// What a stale suppression is, in one line.
pub fn stale_text(entry: &StaleSuppression) -> String {
    let source = match entry.source {
        Source::Template => "template",
        Source::Baseline => "baseline",
    };
    let mut text = format!("{source} suppression of `{}`", entry.rule);
    if let Some(resource) = &entry.resource {
        text.push_str(&format!(" on `{resource}`"));
    }
    if let Some(file) = &entry.file {
        text.push_str(&format!(" in {file}"));
    }
    let why = match entry.stale {
        "no such rule" => "names no rule of the policies",
        _ => "matches no finding",
    };
    text + &format!(" {why} (reason: {})", entry.reason)
}

/// What the summary adds for inputs that were not judged.
fn not_judged(errors: usize, not_inputs: usize) -> String {
    let mut out = String::new();
    if errors > 0 {
        out.push_str(&format!("; {errors} input error{}", plural(errors)));
    }
    if not_inputs > 0 {
        out.push_str(&if not_inputs == 1 {
            "; 1 file is not a recognised input".to_string()
        } else {
            format!("; {not_inputs} files are not recognised inputs")
        });
    }
    out
}

/// An input that could not be judged: `file:line:column: error[input]:
/// reason` with the offending line underlined when the report has the
/// file's text.
fn input_error(error: &InputError, texts: Option<&dyn SourceTexts>, color: bool) -> String {
    let source = texts.filter(|_| error.line > 0).and_then(|texts| {
        Some((
            texts,
            texts.text(&error.file)?,
            texts.prepared(&error.file)?.index(),
        ))
    });
    match source {
        Some((texts, text, index)) => {
            let start = index.offset_of(
                text,
                LineCol {
                    line: error.line,
                    column: error.column,
                },
            ) as usize;
            let end = text
                .get(start..)
                .and_then(|tail| tail.chars().next())
                .map_or(start, |ch| start + ch.len_utf8());
            let snippet = Snippet {
                kind: SnippetKind::Error,
                code: Some("input"),
                message: &error.reason,
                file: &error.file,
                span: Span::new(start, end),
                label: "here",
                labels: Vec::new(),
                help: None,
            };
            render_snippet(&snippet, texts, color)
        }
        None if error.line > 0 => format!(
            "{}:{}:{}: error[input]: {}\n",
            error.file, error.line, error.column, error.reason
        ),
        None => format!("{}: error[input]: {}\n", error.file, error.reason),
    }
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// The byte span from a 1-based line and column to the end of that line's
/// content.
fn line_span(text: &str, index: &LineIndex, line: u32, column: u32) -> Span {
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
