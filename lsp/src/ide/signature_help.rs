//! Signature help: the parameters of the call around the cursor.

use ward_compiler::items::package_index;
use ward_compiler::{SourceFile, builtins};
use ward_syntax::ast::Item;

use super::Snapshot;
use super::text::{enclosing_call, tokens};

/// A signature with the parameter being written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureInfo {
    /// The whole signature, e.g. `starts_with(text: string, prefix: string) -> bool`.
    pub label: String,
    /// Documentation in Markdown.
    pub documentation: Option<String>,
    /// Each parameter's byte range inside `label`.
    pub parameters: Vec<(u32, u32)>,
    /// The parameter the cursor is in, if the call has that many.
    pub active_parameter: Option<u32>,
}

pub(crate) fn signature_help(
    snapshot: &Snapshot,
    file: SourceFile,
    offset: u32,
) -> Option<SignatureInfo> {
    let compiler = snapshot.compiler();
    let text = file.text(&compiler.db);
    let offset = offset.min(text.len() as u32);
    let tokens = tokens(text);
    let call = enclosing_call(text, &tokens, offset)?;
    let (name, params, returns, documentation, variadic) = match &call.alias {
        None if builtins::lookup(&call.name).is_some()
            && package_index(&compiler.db, compiler.workspace)
                .function(&compiler.analyze(file).package, &call.name)
                .is_none() =>
        {
            let info = builtins::lookup(&call.name)?;
            let params: Vec<String> = info
                .params
                .iter()
                .enumerate()
                .map(|(index, (name, ty))| {
                    let optional = index + info.optional >= info.params.len();
                    format!("{name}{}: {ty}", if optional { "?" } else { "" })
                })
                .collect();
            (
                info.name.to_string(),
                params,
                Some(info.returns.to_string()),
                Some(info.doc.to_string()),
                info.variadic,
            )
        }
        _ => {
            let package = match &call.alias {
                None => compiler.analyze(file).package.clone(),
                Some(alias) => ward_compiler::parse(&compiler.db, file)
                    .file
                    .imports
                    .iter()
                    .find(|import| {
                        import
                            .visible_name()
                            .is_some_and(|name| name.name == *alias)
                    })?
                    .path
                    .dotted(),
            };
            let index = package_index(&compiler.db, compiler.workspace);
            let files = &index.packages.get(&package)?.files;
            files.iter().find_map(|declaring| {
                ward_compiler::parse(&compiler.db, *declaring)
                    .file
                    .items
                    .iter()
                    .find_map(|item| match item {
                        Item::Fn(function) if function.name.name == call.name => Some((
                            call.name.clone(),
                            function
                                .params
                                .iter()
                                .map(|param| param.name.clone())
                                .collect(),
                            None,
                            function.doc.as_ref().map(|doc| doc.text.clone()),
                            false,
                        )),
                        _ => None,
                    })
            })?
        }
    };
    let mut label = format!("{name}(");
    let mut parameters = Vec::new();
    for (index, param) in params.iter().enumerate() {
        if index > 0 {
            label.push_str(", ");
        }
        let start = label.len() as u32;
        label.push_str(param);
        parameters.push((start, label.len() as u32));
    }
    if variadic {
        label.push_str(", ...");
    }
    label.push(')');
    if let Some(returns) = returns {
        label.push_str(&format!(" -> {returns}"));
    }
    let active = if variadic {
        Some(call.argument.min(params.len().saturating_sub(1)) as u32)
    } else {
        (call.argument < params.len()).then_some(call.argument as u32)
    };
    Some(SignatureInfo {
        label,
        documentation,
        parameters,
        active_parameter: active,
    })
}
