//! The checks against the CloudFormation resource schemas: W0601 (unknown
//! property) and W0602 (unknown resource type), on the resource types and
//! properties that the analysis found in a file.

use std::sync::Arc;

use ward_syntax::ast::Span;

use super::{is_checkable_type, knows_type, property_names, suggest_type};
use crate::analysis::{ResourceUse, analyze};
use crate::db::{SourceFile, Workspace};
use crate::diagnostics::{Code, Diagnostic, did_you_mean};

/// The warnings of one file about resource types and properties that the
/// schemas do not know. They read the file's analysis, so they run again
/// only when it changed.
#[salsa::tracked(returns(ref))]
pub fn schema_diagnostics(
    db: &dyn salsa::Database,
    workspace: Workspace,
    file: SourceFile,
) -> Arc<Vec<Diagnostic>> {
    let analysis = analyze(db, workspace, file);
    let path = file.path(db);
    let diagnostics = analysis
        .resource_uses
        .iter()
        .filter_map(|resource_use| match resource_use {
            ResourceUse::Type { span, name } => unknown_type(path, *span, name),
            ResourceUse::Property { span, name, types } => {
                unknown_property(path, *span, name, types)
            }
            ResourceUse::Field { .. } => None,
        })
        .collect();
    Arc::new(diagnostics)
}

/// W0602 for a type string that looks like a CloudFormation type but is in
/// no schema.
fn unknown_type(path: &str, span: Span, name: &str) -> Option<Diagnostic> {
    if !is_checkable_type(name) || knows_type(name) {
        return None;
    }
    let mut diagnostic = Diagnostic::new(
        Code::UnknownResourceType,
        path,
        span,
        format!("`{name}` is not a known resource type"),
    )
    .with_label("not in the CloudFormation resource schemas");
    if let Some(suggestion) = suggest_type(name) {
        let replacement = if name.ends_with('*') {
            format!("\"{suggestion}*\"")
        } else {
            format!("\"{suggestion}\"")
        };
        diagnostic = diagnostic
            .with_help(format!("did you mean `{}`?", replacement.trim_matches('"')))
            .with_fix(format!("replace with {replacement}"), span, replacement);
    }
    Some(diagnostic)
}

/// W0601 for `x.props.Name` where every type `x` can have is known and
/// none of them has the property. CloudFormation property names start with
/// an upper-case letter; a name that does not is an AWS Config key
/// (`encrypted`, `supplementaryConfiguration`), which shares the type
/// names, and is not checked.
fn unknown_property(path: &str, span: Span, name: &str, types: &[String]) -> Option<Diagnostic> {
    if types.is_empty() || !name.starts_with(|c: char| c.is_ascii_uppercase()) {
        return None;
    }
    // The union of the types' properties; nothing can be said when one of
    // the types is not known.
    let mut known: Vec<&str> = Vec::new();
    for type_name in types {
        known.extend(property_names(type_name)?);
    }
    if known.contains(&name) {
        return None;
    }
    known.sort_unstable();
    known.dedup();
    let types = types
        .iter()
        .map(|type_name| format!("`{type_name}`"))
        .collect::<Vec<_>>()
        .join(" or ");
    let diagnostic = Diagnostic::new(
        Code::UnknownResourceProperty,
        path,
        span,
        format!("{types} has no property `{name}`"),
    )
    .with_label("not in the resource schema");
    Some(match did_you_mean(name, known) {
        Some(suggestion) => diagnostic
            .with_help(format!("did you mean `{suggestion}`?"))
            .with_fix(format!("replace with `{suggestion}`"), span, suggestion),
        None => diagnostic.with_help(
            "an absent property is never an error at run time, so this check would never see a value",
        ),
    })
}
