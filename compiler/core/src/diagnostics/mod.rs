//! Diagnostics: one value for every problem the compiler finds, rendered at
//! the edges ([`render`] draws it for the terminal through
//! `ward_syntax::snippet`, the one module that uses ariadne, and as JSON for
//! tools; the language server maps the same value to its protocol).

pub mod codes;
pub mod render;

use serde::Serialize;
use ward_syntax::ast::Span;

pub use codes::Code;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Stops compilation.
    Error,
    /// Worth fixing; compilation goes on.
    Warning,
}

/// A secondary location with a note.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Label {
    /// The file, when it is not the diagnostic's own file.
    pub file: Option<String>,
    /// Where.
    pub span: Span,
    /// What it says about that place.
    pub message: String,
}

/// An edit that fixes the problem.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Fix {
    /// What the fix does, e.g. "replace with `count`".
    pub title: String,
    /// The text to replace.
    pub span: Span,
    /// The new text.
    pub replacement: String,
}

/// One problem in one file.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Diagnostic {
    /// The stable code, e.g. `E0101`.
    pub code: Code,
    /// Error or warning.
    pub level: Level,
    /// Lowercase, no final period, user input in backticks.
    pub message: String,
    /// The file the diagnostic belongs to.
    pub file: String,
    /// The primary location.
    pub span: Span,
    /// The primary label's text.
    pub label: String,
    /// Other places that explain the problem.
    pub labels: Vec<Label>,
    /// A sentence of help, e.g. "did you mean `count`?".
    pub help: Option<String>,
    /// Machine-applicable fixes.
    pub fixes: Vec<Fix>,
}

impl Diagnostic {
    /// A diagnostic with the code's default level.
    pub fn new(code: Code, file: &str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            level: code.level(),
            message: message.into(),
            file: file.to_string(),
            span,
            label: String::new(),
            labels: Vec::new(),
            help: None,
            fixes: Vec::new(),
        }
    }

    /// Sets the primary label.
    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = label.into();
        self
    }

    /// Adds a secondary label.
    pub fn with_secondary(
        mut self,
        file: Option<&str>,
        span: Span,
        message: impl Into<String>,
    ) -> Diagnostic {
        self.labels.push(Label {
            file: file.map(str::to_string),
            span,
            message: message.into(),
        });
        self
    }

    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Adds a fix.
    pub fn with_fix(
        mut self,
        title: impl Into<String>,
        span: Span,
        replacement: impl Into<String>,
    ) -> Diagnostic {
        self.fixes.push(Fix {
            title: title.into(),
            span,
            replacement: replacement.into(),
        });
        self
    }

    /// Whether this stops compilation.
    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }
}

/// The closest candidate to `name` by edit distance, if it is close enough to
/// be a likely typo.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|candidate| *candidate != name)
        .map(|candidate| (edit_distance(name, candidate), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, candidate)| (*distance, candidate.len()))
        .map(|(_, candidate)| candidate)
}

/// Edit distance counting an insertion, a deletion, a substitution or a swap
/// of two neighbouring characters as one edit (optimal string alignment),
/// case-insensitive on ASCII letters: a swap and a wrong case are the most
/// likely typos.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<char> = b.chars().map(|c| c.to_ascii_lowercase()).collect();
    // Three rows of the table: two rows back, the previous one, the current one.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            let mut best = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
            if i > 0 && j > 0 && *ca == b[j - 1] && a[i - 1] == *cb {
                best = best.min(before[j - 1] + 1);
            }
            current[j + 1] = best;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(
            did_you_mean("cout", ["count", "len", "keys"]),
            Some("count")
        );
        assert_eq!(
            did_you_mean(
                "SecurityGroupIngres",
                ["SecurityGroupIngress", "SecurityGroupEgress"]
            ),
            Some("SecurityGroupIngress")
        );
        assert_eq!(did_you_mean("xyz", ["count", "len"]), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("nmaed", "named"), 1);
        assert_eq!(
            did_you_mean("hihg", ["critical", "high", "medium"]),
            Some("high")
        );
    }
}
