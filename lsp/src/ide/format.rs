//! Formatting through the compiler's formatter, as one edit that covers
//! only the part of the file that changes.

use ward_compiler::format::{FormatError, format_source};
use ward_syntax::ast::Span;

use super::TextEdit;

/// The result of formatting a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormatOutcome {
    /// The file is already formatted.
    Unchanged,
    /// One edit that formats the file.
    Edit(TextEdit),
    /// The file cannot be formatted (syntax errors); the message says why.
    Refused(String),
}

pub(crate) fn format(text: &str) -> FormatOutcome {
    match format_source(text) {
        Ok(formatted) if formatted == text => FormatOutcome::Unchanged,
        Ok(formatted) => FormatOutcome::Edit(minimal_edit(text, &formatted)),
        Err(error @ FormatError::Syntax(_)) => FormatOutcome::Refused(error.to_string()),
        Err(error) => FormatOutcome::Refused(error.to_string()),
    }
}

/// The edit that turns `old` into `new`, without the common prefix and
/// suffix, cut at character boundaries.
fn minimal_edit(old: &str, new: &str) -> TextEdit {
    let mut prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = old.len().min(new.len()) - prefix;
    let mut suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix) {
        suffix -= 1;
    }
    TextEdit {
        span: Span::new(prefix, old.len() - suffix),
        new_text: new[prefix..new.len() - suffix].to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(old: &str, edit: &TextEdit) -> String {
        format!(
            "{}{}{}",
            &old[..edit.span.start as usize],
            edit.new_text,
            &old[edit.span.end as usize..]
        )
    }

    #[test]
    fn edits_only_the_middle() {
        let old = "fn f(a) =   a\nfn g() = 1\n";
        let FormatOutcome::Edit(edit) = format(old) else {
            panic!("expected an edit")
        };
        assert_eq!(apply(old, &edit), "fn f(a) = a\nfn g() = 1\n");
        assert_eq!(edit.span, Span::new(10, 12));
        assert_eq!(format("fn f() = 1\n"), FormatOutcome::Unchanged);
        assert!(matches!(format("fn f( = 1"), FormatOutcome::Refused(_)));
    }

    #[test]
    fn edits_cut_at_character_boundaries() {
        let edit = minimal_edit("é  x", "é x");
        assert_eq!(apply("é  x", &edit), "é x");
    }
}
