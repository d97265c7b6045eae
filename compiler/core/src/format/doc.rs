//! A small document algebra and its printer, in the tradition of Wadler's
//! "prettier printer": the layout code describes *where* a line may break,
//! and the printer decides, group by group, whether the group fits on the
//! rest of the line (flat) or must break.
//!
//! Comments need two additions to the classic algebra: a line suffix (a
//! trailing `// comment` is moved to the end of the line it is on) and hard
//! breaks that force every enclosing group to break, so a line comment is
//! never followed by code on its line.

/// A document to print.
#[derive(Clone, Debug)]
pub(crate) enum Doc {
    /// Nothing.
    Nil,
    /// Text without line breaks.
    Text(String),
    /// A space when the enclosing group is flat, a line break otherwise.
    Line,
    /// Nothing when the enclosing group is flat, a line break otherwise.
    SoftLine,
    /// Always a line break; forces the enclosing groups to break.
    HardLine,
    /// A line break unless the current line is still empty; forces the
    /// enclosing groups to break.
    FreshLine,
    /// The content, with line breaks indented one level deeper.
    Indent(Box<Doc>),
    /// A unit that is printed flat when it fits and broken otherwise.
    Group {
        /// The content.
        doc: Box<Doc>,
        /// Whether the content holds a hard break, so the group always
        /// breaks.
        broken: bool,
    },
    /// Documents one after the other.
    Concat(Vec<Doc>),
    /// The first document when the enclosing group is broken, the second
    /// when it is flat.
    IfBreak(Box<Doc>, Box<Doc>),
    /// Text printed at the end of the current line, right before the next
    /// line break (trailing comments).
    LineSuffix(String),
    /// A comment on a line of its own; whatever follows starts a new line.
    Comment(String),
    /// Forces the enclosing groups to break; prints nothing.
    BreakParent,
    /// Where more than one trailing comment waits for the end of the line
    /// and the enclosing group is broken, the second and later ones go on
    /// lines of their own here, at this indentation (before a closing
    /// delimiter, inside the indented part).
    SuffixBoundary,
}

impl Doc {
    /// Text.
    pub(crate) fn text(text: impl Into<String>) -> Doc {
        Doc::Text(text.into())
    }

    /// A group; it breaks for sure when its content holds a hard break.
    pub(crate) fn group(doc: Doc) -> Doc {
        let broken = doc.has_hard_break();
        Doc::Group {
            doc: Box::new(doc),
            broken,
        }
    }

    /// A group that always breaks.
    pub(crate) fn broken_group(doc: Doc) -> Doc {
        Doc::Group {
            doc: Box::new(doc),
            broken: true,
        }
    }

    /// Indents the line breaks inside `doc`.
    pub(crate) fn indent(doc: Doc) -> Doc {
        Doc::Indent(Box::new(doc))
    }

    /// `broken` when the enclosing group breaks, `flat` otherwise.
    pub(crate) fn if_break(broken: Doc, flat: Doc) -> Doc {
        Doc::IfBreak(Box::new(broken), Box::new(flat))
    }

    /// Whether printing this document certainly contains a line break that
    /// no group can avoid.
    fn has_hard_break(&self) -> bool {
        match self {
            Doc::HardLine | Doc::FreshLine | Doc::Comment(_) | Doc::BreakParent => true,
            Doc::Group { broken, .. } => *broken,
            Doc::Indent(doc) => doc.has_hard_break(),
            Doc::Concat(docs) => docs.iter().any(Doc::has_hard_break),
            Doc::IfBreak(broken, flat) => broken.has_hard_break() || flat.has_hard_break(),
            Doc::Nil
            | Doc::Text(_)
            | Doc::Line
            | Doc::SoftLine
            | Doc::LineSuffix(_)
            | Doc::SuffixBoundary => false,
        }
    }
}

/// Builds a [`Doc::Concat`] from a list of documents.
macro_rules! concat {
    ($($doc:expr),* $(,)?) => {
        $crate::format::doc::Doc::Concat(vec![$($doc),*])
    };
}
pub(crate) use concat;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Flat,
    Break,
}

const INDENT: usize = 2;

struct Printer {
    out: String,
    width: usize,
    /// Indentation to write before the next text, when the current line is
    /// still empty.
    pending_indent: Option<usize>,
    /// Trailing comments waiting for the end of the line.
    line_suffixes: Vec<String>,
    /// Byte offset in `out` where the current line starts.
    line_start: usize,
    /// A comment ended the line: the next text starts a new line.
    lazy_line: bool,
    /// The current line holds a comment, so nothing may follow on it.
    line_has_comment: bool,
    /// Byte offset in `out` where the last non-empty line ends, and whether
    /// that line holds a comment.
    last_line: Option<(usize, bool)>,
}

impl Printer {
    /// The column where text at indentation `indent` would start.
    fn column(&self, indent: usize) -> usize {
        match self.pending_indent {
            Some(pending) => pending,
            // The text goes on a new line after a comment.
            None if self.lazy_line || self.line_has_comment => indent,
            None => self.out[self.line_start..].chars().count(),
        }
    }

    /// Writes text at indentation `indent` (used when a lazy line break is
    /// due first).
    fn text_at(&mut self, indent: usize, text: &str) {
        if text.is_empty() {
            return;
        }
        if self.lazy_line || self.line_has_comment {
            self.newline(indent);
        }
        self.write_text(text);
    }

    /// Writes a comment on a line of its own (the current line when it is
    /// still empty), and asks for a line break before whatever follows.
    fn own_line_comment(&mut self, indent: usize, text: &str) {
        if self.pending_indent.is_none() {
            self.newline(indent);
        }
        self.write_text(text);
        self.line_has_comment = true;
        self.lazy_line = true;
    }

    /// A trailing comment: at the end of the current line; at the end of the
    /// previous line when the current one is still empty (the line broke
    /// between the code and its comment); on a line of its own when the line
    /// it belongs to already ends with a comment.
    fn line_suffix(&mut self, indent: usize, suffix: &str) {
        if self.pending_indent.is_none() {
            if self.line_has_comment {
                self.own_line_comment(indent, suffix.trim_start());
            } else {
                self.line_suffixes.push(suffix.to_string());
            }
            return;
        }
        match self.last_line {
            Some((end, false)) if self.line_suffixes.is_empty() => {
                self.out.insert_str(end, suffix);
                self.line_start += suffix.len();
                self.last_line = Some((end + suffix.len(), true));
            }
            _ => self.own_line_comment(indent, suffix.trim_start()),
        }
    }

    fn write_text(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if let Some(indent) = self.pending_indent.take() {
            self.out.extend(std::iter::repeat_n(' ', indent));
        }
        self.out.push_str(text);
    }

    /// Writes the pending line suffixes: the first at the end of the
    /// current line, any further one on a line of its own at `indent` (the
    /// next line's), so that two line comments never merge into one.
    fn flush_line_suffixes(&mut self, indent: usize) {
        for (index, suffix) in std::mem::take(&mut self.line_suffixes)
            .into_iter()
            .enumerate()
        {
            if index == 0 {
                self.write_text(&suffix);
            } else {
                self.end_line();
                self.pending_indent = Some(indent);
                self.write_text(suffix.trim_start());
            }
            self.line_has_comment = true;
        }
    }

    /// Ends the current line.
    fn end_line(&mut self) {
        let trimmed = self.out.trim_end_matches(' ').len();
        self.out.truncate(trimmed);
        if self.out.len() > self.line_start {
            self.last_line = Some((self.out.len(), self.line_has_comment));
        }
        self.out.push('\n');
        self.line_start = self.out.len();
        self.line_has_comment = false;
    }

    fn newline(&mut self, indent: usize) {
        self.lazy_line = false;
        self.flush_line_suffixes(indent);
        self.end_line();
        self.pending_indent = Some(indent);
    }
}

/// Prints `doc` with lines of at most `width` characters where the layout
/// allows it.
pub(crate) fn print(doc: &Doc, width: usize) -> String {
    let mut printer = Printer {
        out: String::new(),
        width,
        pending_indent: Some(0),
        line_suffixes: Vec::new(),
        line_start: 0,
        lazy_line: false,
        line_has_comment: false,
        last_line: None,
    };
    let mut stack: Vec<(usize, Mode, &Doc)> = vec![(0, Mode::Break, doc)];
    while let Some((indent, mode, doc)) = stack.pop() {
        match doc {
            Doc::Nil | Doc::BreakParent => {}
            Doc::Text(text) => printer.text_at(indent, text),
            Doc::Line => match mode {
                Mode::Flat if !printer.lazy_line => printer.write_text(" "),
                _ => printer.newline(indent),
            },
            Doc::SoftLine => {
                if mode == Mode::Break {
                    printer.newline(indent);
                }
            }
            Doc::HardLine => printer.newline(indent),
            Doc::FreshLine => {
                if printer.pending_indent.is_some() {
                    printer.pending_indent = Some(indent);
                } else {
                    printer.newline(indent);
                }
            }
            Doc::Indent(inner) => stack.push((indent + INDENT, mode, inner)),
            Doc::Group { doc: inner, broken } => {
                let chosen = if *broken {
                    Mode::Break
                } else if mode == Mode::Flat {
                    Mode::Flat
                } else {
                    let remaining = printer.width as isize - printer.column(indent) as isize;
                    if fits((indent, Mode::Flat, inner), &stack, remaining) {
                        Mode::Flat
                    } else {
                        Mode::Break
                    }
                };
                stack.push((indent, chosen, inner));
            }
            Doc::Concat(docs) => {
                for inner in docs.iter().rev() {
                    stack.push((indent, mode, inner));
                }
            }
            Doc::IfBreak(broken, flat) => {
                let inner = if mode == Mode::Break { broken } else { flat };
                stack.push((indent, mode, inner));
            }
            Doc::LineSuffix(text) => printer.line_suffix(indent, text),
            Doc::Comment(text) => printer.own_line_comment(indent, text),
            Doc::SuffixBoundary => {
                if mode == Mode::Break && printer.line_suffixes.len() > 1 {
                    printer.flush_line_suffixes(indent);
                    printer.lazy_line = true;
                }
            }
        }
    }
    printer.flush_line_suffixes(0);
    let trimmed = printer.out.trim_end().len();
    printer.out.truncate(trimmed);
    if !printer.out.is_empty() {
        printer.out.push('\n');
    }
    printer.out
}

/// Whether `next`, printed in its mode, and whatever follows it on the
/// stack up to the next line break, fit in `remaining` columns.
fn fits(next: (usize, Mode, &Doc), rest: &[(usize, Mode, &Doc)], mut remaining: isize) -> bool {
    let mut pending: Vec<(Mode, &Doc)> = vec![(next.1, next.2)];
    let mut rest_index = rest.len();
    loop {
        if remaining < 0 {
            return false;
        }
        let (mode, doc) = match pending.pop() {
            Some(entry) => entry,
            None => {
                if rest_index == 0 {
                    return true;
                }
                rest_index -= 1;
                let (_, mode, doc) = rest[rest_index];
                (mode, doc)
            }
        };
        match doc {
            Doc::Nil | Doc::BreakParent | Doc::LineSuffix(_) | Doc::SuffixBoundary => {}
            Doc::Text(text) => remaining -= text.chars().count() as isize,
            Doc::Line => match mode {
                Mode::Flat => remaining -= 1,
                Mode::Break => return true,
            },
            Doc::SoftLine => {
                if mode == Mode::Break {
                    return true;
                }
            }
            Doc::HardLine | Doc::FreshLine | Doc::Comment(_) => return true,
            Doc::Indent(inner) => pending.push((mode, inner)),
            Doc::Group { doc: inner, broken } => {
                let mode = if *broken { Mode::Break } else { mode };
                pending.push((mode, inner));
            }
            Doc::Concat(docs) => {
                for inner in docs.iter().rev() {
                    pending.push((mode, inner));
                }
            }
            Doc::IfBreak(broken, flat) => {
                pending.push((mode, if mode == Mode::Break { broken } else { flat }));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[&str]) -> Doc {
        let mut parts = vec![Doc::text("["), Doc::SoftLine];
        for (index, item) in items.iter().enumerate() {
            if index > 0 {
                parts.push(Doc::text(","));
                parts.push(Doc::Line);
            }
            parts.push(Doc::text(*item));
        }
        let inner = Doc::Concat(parts.split_off(1));
        Doc::group(concat![
            Doc::text("["),
            Doc::indent(concat![inner, Doc::if_break(Doc::text(","), Doc::Nil)]),
            Doc::SoftLine,
            Doc::text("]"),
        ])
    }

    #[test]
    fn flat_when_it_fits() {
        assert_eq!(print(&list(&["a", "b"]), 20), "[a, b]\n");
    }

    #[test]
    fn broken_with_trailing_comma() {
        assert_eq!(
            print(&list(&["aaaa", "bbbb", "cccc"]), 10),
            "[\n  aaaa,\n  bbbb,\n  cccc,\n]\n"
        );
    }

    #[test]
    fn line_suffix_goes_to_end_of_line() {
        let doc = concat![
            Doc::text("a"),
            Doc::LineSuffix(" // c".to_string()),
            Doc::text(" b"),
            Doc::HardLine,
            Doc::text("d"),
        ];
        assert_eq!(print(&doc, 80), "a b // c\nd\n");
    }

    #[test]
    fn fresh_line_only_when_needed() {
        let doc = concat![
            Doc::FreshLine,
            Doc::text("a"),
            Doc::FreshLine,
            Doc::text("b")
        ];
        assert_eq!(print(&doc, 80), "a\nb\n");
    }
}
