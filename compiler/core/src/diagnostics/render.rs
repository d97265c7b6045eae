//! Rendering for people and tools.
//!
//! Each diagnostic becomes a header line `file:line:column: error[CODE]:
//! message` (easy to grep, understood by editors' problem matchers) followed
//! by the source snippet with labels and help, drawn by
//! [`ward_syntax::snippet`] (the one module that uses ariadne); tools get
//! the same diagnostic as JSON.

use ward_syntax::LineIndex;
pub use ward_syntax::snippet::{Snippet, SnippetKind, SourceTexts, render_snippet};

use super::{Diagnostic, Level};

/// Renders a compiler diagnostic.
pub fn render(diagnostic: &Diagnostic, texts: &dyn SourceTexts, color: bool) -> String {
    let snippet = Snippet {
        kind: match diagnostic.level {
            Level::Error => SnippetKind::Error,
            Level::Warning => SnippetKind::Warning,
        },
        code: Some(diagnostic.code.as_str()),
        message: &diagnostic.message,
        file: &diagnostic.file,
        span: diagnostic.span,
        label: &diagnostic.label,
        labels: diagnostic
            .labels
            .iter()
            .map(|label| (label.file.as_deref(), label.span, label.message.as_str()))
            .collect(),
        help: diagnostic.help.as_deref(),
    };
    render_snippet(&snippet, texts, color)
}

/// A diagnostic as a JSON object with 1-based line and column of its start
/// and end, for tools.
pub fn to_json(diagnostic: &Diagnostic, texts: &dyn SourceTexts) -> serde_json::Value {
    let position = |file: &str, offset: u32| {
        texts.text(file).map(|text| {
            let position = LineIndex::new(text).line_col(text, offset);
            serde_json::json!({"line": position.line, "column": position.column})
        })
    };
    serde_json::json!({
        "code": diagnostic.code.as_str(),
        "level": diagnostic.level,
        "message": diagnostic.message,
        "file": diagnostic.file,
        "start": position(&diagnostic.file, diagnostic.span.start),
        "end": position(&diagnostic.file, diagnostic.span.end),
        "label": diagnostic.label,
        "labels": diagnostic.labels.iter().map(|label| {
            let file = label.file.as_deref().unwrap_or(&diagnostic.file);
            serde_json::json!({
                "file": file,
                "start": position(file, label.span.start),
                "message": label.message,
            })
        }).collect::<Vec<_>>(),
        "help": diagnostic.help,
        "fixes": diagnostic.fixes,
    })
}
