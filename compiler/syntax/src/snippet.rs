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
use std::fmt::{self, Write as _};

use ariadne::{Cache, Color, Config, IndexType, Label as AriadneLabel, Report, ReportKind, Source};

use crate::ast::Span;
use crate::{LineCol, LineIndex};

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
    /// Whether `\n` is the only line break of the text (no `\r`, form
    /// feed, vertical tab or Unicode line separator, which ariadne also
    /// breaks lines at): then both count lines alike.
    newlines_only: bool,
}

impl PreparedText {
    /// Prepares `text` (its cost is the size of the text).
    pub fn new(text: &str) -> PreparedText {
        PreparedText {
            index: LineIndex::new(text),
            source: Source::from(text.to_string()),
            newlines_only: !text.contains(OTHER_LINE_BREAKS),
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

/// The characters other than `\n` that ariadne breaks lines at.
const OTHER_LINE_BREAKS: [char; 6] = ['\r', '\x0B', '\x0C', '\u{85}', '\u{2028}', '\u{2029}'];

/// Renders one snippet: the header line, then the annotated source.
pub fn render_snippet(snippet: &Snippet<'_>, texts: &dyn SourceTexts, color: bool) -> String {
    let mut out = String::new();
    write_snippet(&mut out, snippet, texts, color);
    out
}

/// [`render_snippet`], written at the end of `out`.
pub fn write_snippet(
    out: &mut String,
    snippet: &Snippet<'_>,
    texts: &dyn SourceTexts,
    color: bool,
) {
    render(out, snippet, texts, color, true);
}

/// [`render_snippet`]; `plain` allows [`plain_snippet`] for the snippets
/// it draws as ariadne does.
fn render(
    out: &mut String,
    snippet: &Snippet<'_>,
    texts: &dyn SourceTexts,
    color: bool,
    plain: bool,
) {
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
    let source = text.zip(prepared_of(snippet.file));
    out.push_str(snippet.file);
    if let Some((text, prepared)) = source {
        let position = prepared.index.line_col(text, snippet.span.start);
        let _ = write!(out, ":{}:{}", position.line, position.column);
    }
    let _ = match snippet.code {
        Some(code) => writeln!(out, ": {word}[{code}]: {}", snippet.message),
        None => writeln!(out, ": {word}: {}", snippet.message),
    };
    let Some((text, prepared)) = source else {
        return;
    };
    if longest_line_around(text, snippet.span) > MAX_SNIPPET_LINE {
        // A minified document: a snippet of one enormous line helps nobody.
        out.push_str(&format!(
            "  = the line is too long to show ({MAX_SNIPPET_LINE} characters or more)\n"
        ));
        if let Some(help) = snippet.help {
            out.push_str(&format!("  = help: {help}\n"));
        }
        return;
    }
    if plain && !color && plain_snippet(out, snippet, text, prepared) {
        return;
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
        if color || !text.contains('\u{1b}') {
            out.push_str(text);
        } else {
            // ariadne colours custom report kinds even when colour is off.
            out.push_str(&strip_ansi(text));
        }
    }
}

/// Draws the most common snippet without ariadne, byte for byte as ariadne
/// draws it (without colour), and much faster: one label, with a message,
/// on part of one line of printable ASCII (and tabs), in a text whose only
/// line break is `\n`, and no help. Returns false, having written nothing,
/// for any other snippet. A test compares the two on many snippets.
fn plain_snippet(
    out: &mut String,
    snippet: &Snippet<'_>,
    text: &str,
    prepared: &PreparedText,
) -> bool {
    if !snippet.labels.is_empty()
        || snippet.help.is_some()
        || snippet.label.is_empty()
        || !prepared.newlines_only
    {
        return false;
    }
    let (start, end) = (snippet.span.start as usize, snippet.span.end as usize);
    if start >= end || end > text.len() {
        return false;
    }
    let position = prepared.index.line_col(text, snippet.span.start);
    let line_start = prepared.index.offset_of(
        text,
        LineCol {
            line: position.line,
            column: 1,
        },
    ) as usize;
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |at| line_start + at);
    let line = &text[line_start..line_end];
    if end > line_end
        || !line
            .bytes()
            .all(|byte| byte == b'\t' || (b' '..=b'~').contains(&byte))
    {
        return false;
    }
    // Columns count characters, which are bytes here.
    let (first, last) = (start - line_start, end - line_start);
    let width = position
        .line
        .checked_ilog10()
        .map_or(1, |digits| digits as usize + 1);
    let pad = |out: &mut String, n: usize| out.extend(std::iter::repeat_n(' ', n));
    // The label's arrow leaves from the middle of the span.
    let middle = (first + last) / 2;
    let arrow_len = last + 2;
    let shown = line.trim_end();
    // A tab is drawn to the next multiple of 4 of its character index.
    let char_width = |col: usize| match shown.as_bytes().get(col) {
        Some(b'\t') => (col / 4 + 1) * 4 - col,
        _ => 1,
    };
    pad(out, width + 2);
    let _ = writeln!(
        out,
        "╭─[ {}:{}:{} ]",
        snippet.file,
        position.line,
        first + 1
    );
    pad(out, width + 2);
    out.push_str("│\n");
    let _ = write!(out, " {} │ ", position.line);
    for (col, byte) in shown.bytes().enumerate() {
        if byte == b'\t' || byte == b' ' {
            pad(out, char_width(col));
        } else {
            out.push(char::from(byte));
        }
    }
    out.push('\n');
    let margin = |out: &mut String| {
        out.push(' ');
        pad(out, width + 1);
        out.push_str("│ ");
    };
    margin(out);
    for col in 0..arrow_len {
        let underlined = (first..last).contains(&col);
        let (head, tail) = match (col == middle, underlined) {
            (true, true) => ('┬', '─'),
            (true, false) => ('│', ' '),
            (false, true) => ('─', '─'),
            (false, false) => (' ', ' '),
        };
        out.push(head);
        out.extend(std::iter::repeat_n(tail, char_width(col) - 1));
    }
    out.push('\n');
    margin(out);
    for col in 0..arrow_len {
        let (head, tail) = match col.cmp(&middle) {
            std::cmp::Ordering::Equal => ('╰', '─'),
            std::cmp::Ordering::Greater => ('─', '─'),
            std::cmp::Ordering::Less => (' ', ' '),
        };
        out.push(head);
        out.extend(std::iter::repeat_n(tail, char_width(col) - 1));
    }
    let _ = writeln!(out, " {}", snippet.label);
    out.extend(std::iter::repeat_n('─', width + 2));
    out.push_str("╯\n");
    true
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (xorshift), so that the cases are
    /// the same on every run.
    struct Cases(u64);

    impl Cases {
        fn below(&mut self, bound: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            usize::try_from(self.0 % bound as u64).unwrap_or(0)
        }
    }

    /// The snippets drawn without ariadne are ariadne's, byte for byte: on
    /// lines of spaces, tabs and printable characters (and some that are
    /// not, or spans over two lines, which ariadne draws), at line numbers
    /// of one to four digits, with spans anywhere on the line.
    #[test]
    fn plain_snippets_are_drawn_as_ariadne_draws_them() {
        let mut cases = Cases(0x2545_f491_4f6c_dd1d);
        let alphabet: Vec<char> = " \t\t  abcXYZ:-_{}[]\"'*$.0189é─".chars().collect();
        let mut plain = 0;
        for round in 0..200 {
            let lines = 1 + cases.below(if round % 10 == 0 { 1500 } else { 12 });
            let mut text = String::new();
            for _ in 0..lines {
                let length = cases.below(40);
                for _ in 0..length {
                    // Mostly ASCII, now and then a character that is not.
                    let ascii_only = cases.below(8) != 0;
                    let pick = cases.below(alphabet.len() - if ascii_only { 2 } else { 0 });
                    text.push(alphabet[pick]);
                }
                text.push('\n');
            }
            let texts: HashMap<String, String> =
                HashMap::from([("t.yaml".to_string(), text.clone())]);
            let prepared = PreparedText::new(&text);
            for _ in 0..10 {
                let mut start = cases.below(text.len());
                while !text.is_char_boundary(start) {
                    start -= 1;
                }
                let mut end = (start + 1 + cases.below(30)).min(text.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                let snippet = Snippet {
                    kind: SnippetKind::Custom("high"),
                    code: None,
                    message: "a finding",
                    file: "t.yaml",
                    span: Span::new(start, end),
                    label: if cases.below(2) == 0 {
                        "Bucket ($.Resources.Bucket)"
                    } else {
                        "x"
                    },
                    labels: Vec::new(),
                    help: None,
                };
                let (mut fast, mut slow) = (String::new(), String::new());
                render(&mut fast, &snippet, &texts, false, true);
                render(&mut slow, &snippet, &texts, false, false);
                assert_eq!(fast, slow, "span {start}..{end} of\n{text}");
                plain += usize::from(plain_snippet(
                    &mut String::new(),
                    &snippet,
                    &text,
                    &prepared,
                ));
            }
        }
        // The comparison covered the plain drawing, not only ariadne's.
        assert!(plain > 500, "only {plain} of 2000 snippets were plain");
    }
}
