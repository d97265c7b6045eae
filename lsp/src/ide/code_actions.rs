//! Quick fixes (every `Fix` of every diagnostic) and the "run on sample"
//! lens above each rule.

use ward_compiler::{Diagnostic, SourceFile};
use ward_syntax::ast::{Item, Span};

use super::{Snapshot, SourceChange, TextEdit};

/// A quick fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assist {
    /// What it does, e.g. "replace with `count`".
    pub title: String,
    /// The edits.
    pub change: SourceChange,
    /// The diagnostic it fixes.
    pub diagnostic: Diagnostic,
    /// Whether it is the diagnostic's only fix (editors apply preferred
    /// fixes with one key).
    pub preferred: bool,
}

/// A lens above a rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleLens {
    /// Where to show it: the start of the rule (its attributes, or the
    /// `rule` keyword).
    pub span: Span,
    /// The rule's name.
    pub rule: String,
}

fn overlaps(a: Span, b: Span) -> bool {
    a.start <= b.end && b.start <= a.end
}

pub(crate) fn assists(snapshot: &Snapshot, file: SourceFile, range: Span) -> Vec<Assist> {
    let path = file.path(&snapshot.compiler().db).clone();
    let mut out = Vec::new();
    for diagnostic in &snapshot.compiler().analyze(file).diagnostics {
        if !overlaps(diagnostic.span, range) {
            continue;
        }
        let preferred = diagnostic.fixes.len() == 1;
        for fix in &diagnostic.fixes {
            let mut change = SourceChange::default();
            change.insert(
                &path,
                TextEdit {
                    span: fix.span,
                    new_text: fix.replacement.clone(),
                },
            );
            out.push(Assist {
                title: fix.title.clone(),
                change,
                diagnostic: diagnostic.clone(),
                preferred,
            });
        }
    }
    out
}

pub(crate) fn rule_lenses(snapshot: &Snapshot, file: SourceFile) -> Vec<RuleLens> {
    ward_compiler::parse(&snapshot.compiler().db, file)
        .file
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Rule(rule) => Some(RuleLens {
                span: Span::new(rule.span.start as usize, rule.span.start as usize),
                rule: rule.name.name.clone(),
            }),
            _ => None,
        })
        .collect()
}
