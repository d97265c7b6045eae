//! Diagnostics of a file: the compiler's, plus the checks against the
//! CloudFormation resource schemas (W0601 unknown property, W0602 unknown
//! resource type), which live here because only the editor carries the
//! schemas.

use std::sync::Arc;

use ward_compiler::diagnostics::did_you_mean;
use ward_compiler::{Code, Diagnostic, SourceFile};

use super::Snapshot;
use super::resources::facts;
use super::schema::{is_checkable_type, schema};

/// The compiler's diagnostics and the schema checks, sorted by position.
pub(crate) fn file_diagnostics(snapshot: &Snapshot, file: SourceFile) -> Vec<Diagnostic> {
    let compiler = snapshot.compiler();
    let mut diagnostics = compiler.analyze(file).diagnostics.clone();
    diagnostics.extend(schema_diagnostics(&compiler.db, file).iter().cloned());
    diagnostics
        .sort_by_key(|diagnostic| (diagnostic.span.start, diagnostic.span.end, diagnostic.code));
    diagnostics
}

/// The schema checks of one file. They read only the file's own parse, so
/// an edit elsewhere never re-runs them.
#[salsa::tracked(returns(ref))]
pub(crate) fn schema_diagnostics(
    db: &dyn salsa::Database,
    file: SourceFile,
) -> Arc<Vec<Diagnostic>> {
    let parse = ward_compiler::parse(db, file);
    let path = file.path(db);
    let found = facts(&parse.file);
    let schema = schema();
    let mut diagnostics = Vec::new();
    for literal in &found.type_literals {
        if !is_checkable_type(&literal.value) || schema.knows(&literal.value) {
            continue;
        }
        let mut diagnostic = Diagnostic::new(
            Code::UnknownResourceType,
            path,
            literal.span,
            format!("`{}` is not a known resource type", literal.value),
        )
        .with_label("not in the CloudFormation resource schemas");
        if let Some(suggestion) = schema.suggest_type(&literal.value) {
            let replacement = if literal.value.ends_with('*') {
                format!("\"{suggestion}*\"")
            } else {
                format!("\"{suggestion}\"")
            };
            diagnostic = diagnostic
                .with_help(format!("did you mean `{}`?", replacement.trim_matches('"')))
                .with_fix(
                    format!("replace with {replacement}"),
                    literal.span,
                    replacement,
                );
        }
        diagnostics.push(diagnostic);
    }
    for property in &found.props {
        let Some(known) = schema.properties(&property.types) else {
            continue;
        };
        if known.iter().any(|(name, _, _)| *name == property.name) {
            continue;
        }
        let types = property
            .types
            .iter()
            .map(|name| format!("`{name}`"))
            .collect::<Vec<_>>()
            .join(" or ");
        let mut diagnostic = Diagnostic::new(
            Code::UnknownResourceProperty,
            path,
            property.span,
            format!("{types} has no property `{}`", property.name),
        )
        .with_label("not in the resource schema");
        match did_you_mean(&property.name, known.iter().map(|(name, _, _)| *name)) {
            Some(suggestion) => {
                diagnostic = diagnostic
                    .with_help(format!("did you mean `{suggestion}`?"))
                    .with_fix(
                        format!("replace with `{suggestion}`"),
                        property.span,
                        suggestion,
                    );
            }
            None => {
                diagnostic = diagnostic.with_help(
                    "an absent property is never an error at run time, so this check would never see a value",
                );
            }
        }
        diagnostics.push(diagnostic);
    }
    Arc::new(diagnostics)
}
