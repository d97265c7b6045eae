//! Source snippets for people: the one module that uses ariadne.
//!
//! A snippet becomes a header line `file:line:column: error[CODE]: message`
//! (easy to grep, understood by editors' problem matchers) followed by the
//! source with its labels and help underlined. The compiler renders its
//! diagnostics as snippets, the command its input errors, and reports their
//! findings in input documents.
//!
//! The headline is written once, by the header line. Rendering costs the
//! size of the lines a snippet shows, not the size of its file, when the
//! texts keep each file [`PreparedText`] ([`SourceTexts::prepared`]): a
//! report of thousands of findings in one large file stays linear.

use std::collections::HashMap;
use std::fmt;

use ariadne::{Cache, Color, Config, IndexType, Label as AriadneLabel, Report, ReportKind, Source};

use crate::LineIndex;
use crate::ast::Span;

/// Source texts by file name, for rendering.
pub trait SourceTexts {
    /// The text of `file`, if known.
    fn text(&self, file: &str) -> Option<&str>;

    /// `file`'s text prepared for snippets, if it is kept; without it each
    /// snippet prepares the text again (the cost of the whole file).
    fn prepared(&self, _file: &str) -> Option<&PreparedText> {
        None
    }
}

/// A text prepared for snippets once: its line index and the lines the
/// renderer reads.
#[derive(Debug)]
pub struct PreparedText {
    index: LineIndex,
    source: Source<String>,
}

impl PreparedText {
    /// Prepares `text` (its cost is the size of the text).
    pub fn new(text: &str) -> PreparedText {
        PreparedText {
            index: LineIndex::new(text),
            source: Source::from(text.to_string()),
        }
    }

    /// The line index of the text.
    pub fn index(&self) -> &LineIndex {
        &self.index
    }

    /// The character offset of a byte offset on a character boundary.
    fn char_offset(&self, text: &str, byte: usize) -> usize {
        match self.source.get_byte_line(byte) {
            Some((line, _, column)) => {
                line.offset()
                    + text
                        .get(byte - column..byte)
                        .map_or(0, |s| s.chars().count())
            }
            None => self.source.len(),
        }
    }
}

impl SourceTexts for HashMap<String, String> {
    fn text(&self, file: &str) -> Option<&str> {
        self.get(file).map(String::as_str)
    }
}

/// A snippet to render: what a compiler diagnostic holds, and what findings
/// in input documents hold too.
#[derive(Clone, Debug)]
pub struct Snippet<'a> {
    /// Error, warning or note.
    pub kind: SnippetKind,
    /// A code shown in brackets, if any.
    pub code: Option<&'a str>,
    /// The headline.
    pub message: &'a str,
    /// The file.
    pub file: &'a str,
    /// The primary location and its label.
    pub span: Span,
    /// The primary label.
    pub label: &'a str,
    /// Secondary labels: file (None = same file), span, text.
    pub labels: Vec<(Option<&'a str>, Span, &'a str)>,
    /// Help line.
    pub help: Option<&'a str>,
}

/// The kind of a snippet's headline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SnippetKind {
    /// `error`.
    Error,
    /// `warning`.
    Warning,
    /// A finding with its own word, e.g. `high`.
    Custom(&'static str),
}

/// Renders one snippet: the header line, then the annotated source.
pub fn render_snippet(snippet: &Snippet<'_>, texts: &dyn SourceTexts, color: bool) -> String {
    let mut out = String::new();
    let text = texts.text(snippet.file);
    let word = match snippet.kind {
        SnippetKind::Error => "error",
        SnippetKind::Warning => "warning",
        SnippetKind::Custom(word) => word,
    };
    // Each file is prepared once per snippet at most, or not at all when
    // the texts keep it prepared.
    let built: HashMap<&str, PreparedText> = std::iter::once(snippet.file)
        .chain(snippet.labels.iter().filter_map(|(file, _, _)| *file))
        .filter(|name| texts.prepared(name).is_none())
        .filter_map(|name| Some((name, PreparedText::new(texts.text(name)?))))
        .collect();
    let prepared_of = |name: &str| texts.prepared(name).or_else(|| built.get(name));
    let location = match text.zip(prepared_of(snippet.file)) {
        Some((text, prepared)) => {
            let position = prepared.index.line_col(text, snippet.span.start);
            format!("{}:{}:{}", snippet.file, position.line, position.column)
        }
        None => snippet.file.to_string(),
    };
    match snippet.code {
        Some(code) => out.push_str(&format!(
            "{location}: {word}[{code}]: {}\n",
            snippet.message
        )),
        None => out.push_str(&format!("{location}: {word}: {}\n", snippet.message)),
    }
    let Some((text, prepared)) = text.zip(prepared_of(snippet.file)) else {
        return out;
    };
    if longest_line_around(text, snippet.span) > MAX_SNIPPET_LINE {
        // A minified document: a snippet of one enormous line helps nobody.
        out.push_str(&format!(
            "  = the line is too long to show ({MAX_SNIPPET_LINE} characters or more)\n"
        ));
        if let Some(help) = snippet.help {
            out.push_str(&format!("  = help: {help}\n"));
        }
        return out;
    }
    // ariadne gets character offsets: with byte offsets it takes the
    // character offset of a label in another file for a byte offset and
    // slices inside a character. A span past the end or inside a character
    // is first moved back to a boundary.
    let clamp = |span: Span, text: &str, prepared: &PreparedText| {
        let floor = |mut offset: usize| {
            offset = offset.min(text.len());
            while !text.is_char_boundary(offset) {
                offset -= 1;
            }
            offset
        };
        let start = floor(span.start as usize);
        let end = floor(span.end as usize).max(start);
        prepared.char_offset(text, start)..prepared.char_offset(text, end)
    };
    let kind = match snippet.kind {
        SnippetKind::Error => ReportKind::Error,
        SnippetKind::Warning => ReportKind::Warning,
        SnippetKind::Custom(word) => {
            ReportKind::Custom(word, if color { Color::Red } else { Color::Primary })
        }
    };
    let file = snippet.file.to_string();
    let mut sources: Vec<(String, &PreparedText)> = vec![(file.clone(), prepared)];
    // The headline is the header line above; ariadne's own is dropped.
    let mut builder = Report::build(kind, (file.clone(), clamp(snippet.span, text, prepared)))
        .with_config(
            Config::default()
                .with_index_type(IndexType::Char)
                .with_color(color),
        );
    if let Some(code) = snippet.code {
        builder = builder.with_code(code);
    }
    // ariadne starts a new snippet whenever a label lies above the one
    // before it, so labels in the diagnostic's own file go in source order
    // (one snippet), and labels in other files after them.
    let order = |name: &str, span: Span| {
        if name == snippet.file {
            i32::try_from(span.start)
                .unwrap_or(i32::MAX / 2)
                .min(i32::MAX / 2)
        } else {
            i32::MAX / 2 + 1
        }
    };
    let label = |name: String, span: Span, message: &str, color: Color| {
        let label = AriadneLabel::new((name.clone(), span.range()))
            .with_color(color)
            .with_order(order(&name, span));
        // An empty message would still draw an arrow to nothing.
        if message.is_empty() {
            label
        } else {
            label.with_message(message)
        }
    };
    let primary_color = if color { Color::Red } else { Color::Primary };
    let primary = clamp(snippet.span, text, prepared);
    builder = builder.with_label(label(
        file.clone(),
        Span::new(primary.start, primary.end),
        snippet.label,
        primary_color,
    ));
    for (label_file, span, message) in &snippet.labels {
        let name = label_file.unwrap_or(snippet.file).to_string();
        let (Some(label_text), Some(label_prepared)) = (texts.text(&name), prepared_of(&name))
        else {
            continue;
        };
        if !sources.iter().any(|(existing, _)| *existing == name) {
            sources.push((name.clone(), label_prepared));
        }
        let range = clamp(*span, label_text, label_prepared);
        builder = builder.with_label(label(
            name,
            Span::new(range.start, range.end),
            message,
            if color { Color::Blue } else { Color::Primary },
        ));
    }
    if let Some(help) = snippet.help {
        builder = builder.with_help(help);
    }
    let mut buffer = Vec::new();
    if builder
        .finish()
        .write(Sources(sources), &mut buffer)
        .is_ok()
    {
        let text = String::from_utf8_lossy(&buffer);
        // ariadne's header line repeats the headline.
        let text = text.split_once('\n').map_or("", |(_, rest)| rest);
        if color {
            out.push_str(text);
        } else {
            // ariadne colours custom report kinds even when colour is off.
            out.push_str(&strip_ansi(text));
        }
    }
    out
}

/// The prepared texts of a snippet's files, by name: what ariadne reads.
struct Sources<'t>(Vec<(String, &'t PreparedText)>);

impl Cache<String> for Sources<'_> {
    type Storage = String;

    fn fetch(&mut self, id: &String) -> Result<&Source<String>, impl fmt::Debug> {
        self.0
            .iter()
            .find(|(name, _)| name == id)
            .map(|(_, prepared)| &prepared.source)
            .ok_or_else(|| format!("no text for {id}"))
    }

    fn display<'a>(&self, id: &'a String) -> Option<impl fmt::Display + 'a> {
        Some(id)
    }
}

/// Lines longer than this are not shown in snippets.
const MAX_SNIPPET_LINE: usize = 400;

/// The length in bytes of the longest line that `span` touches.
fn longest_line_around(text: &str, span: Span) -> usize {
    let start = (span.start as usize).min(text.len());
    let end = (span.end as usize).clamp(start, text.len());
    let line_start = text
        .get(..start)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let line_end = text
        .get(end..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |i| end + i);
    text.get(line_start..line_end)
        .map(|lines| lines.split('\n').map(str::len).max().unwrap_or(0))
        .unwrap_or(0)
}

/// Removes ANSI escape sequences (`ESC [ ... letter`).
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(ch) = chars.next() {
        if ch == '\u{1b}' {
            for next in chars.by_ref() {
                if next.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(ch);
        }
    }
    out
}
