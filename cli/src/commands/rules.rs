//! `ward rules`: list the rules of policies with their metadata.

use std::path::PathBuf;

use ward_abi::ParamMeta;
use ward_compiler::RuleInfo;

use crate::sources::{fail, load_policies, report_diagnostics};
use crate::{DiagnosticFormat, EXIT_CLEAN, EXIT_ERROR, RulesFormat};

pub fn run(
    policies: &[PathBuf],
    format: RulesFormat,
    controls: &[String],
    formats: &[String],
) -> u8 {
    if let Some(unknown) = formats
        .iter()
        .find(|format| !ward_abi::layout::INPUT_FORMATS.contains(&format.as_str()))
    {
        return fail(&format!(
            "`{unknown}` is not an input format: use {}",
            ward_abi::layout::INPUT_FORMATS.join(", ")
        ));
    }
    let loaded = match load_policies(policies) {
        Ok(loaded) => loaded,
        Err(message) => return fail(&message),
    };
    if report_diagnostics(&loaded.compiler, DiagnosticFormat::Human) {
        return EXIT_ERROR;
    }
    let mut rules: Vec<RuleInfo> = loaded
        .compiler
        .files()
        .into_iter()
        .filter(|file| !*file.library(&loaded.compiler.db))
        .flat_map(|file| loaded.compiler.analyze(file).rules.clone())
        .collect();
    rules.retain(|rule| {
        (controls.is_empty()
            || controls
                .iter()
                .any(|pattern| crate::selection::names_control(pattern, rule)))
            && (formats.is_empty() || formats.iter().any(|format| rule.formats.contains(format)))
    });
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    let params: Vec<ParamMeta> =
        ward_compiler::ir::program(&loaded.compiler.db, loaded.compiler.workspace)
            .map(|program| program.param_metas())
            .unwrap_or_default();
    let output = match format {
        RulesFormat::Json => {
            let params: Vec<serde_json::Value> = params
                .iter()
                .map(|param| {
                    serde_json::json!({
                        "name": param.name,
                        "type": param.ty,
                        "default": param.default_value(),
                        "doc": param.doc,
                    })
                })
                .collect();
            let document = serde_json::json!({ "rules": rules, "params": params });
            serde_json::to_string_pretty(&document).unwrap_or_default() + "\n"
        }
        RulesFormat::Table => table(&rules) + &params_table(&params),
        RulesFormat::Markdown => markdown(&rules) + &params_markdown(&params),
    };
    match crate::stdout::print(&output) {
        Ok(()) => EXIT_CLEAN,
        Err(message) => fail(&message),
    }
}

/// The formats a rule serves, short: `cfn, tf, config`.
fn short_formats(rule: &RuleInfo) -> String {
    rule.formats
        .iter()
        .map(|format| match format.as_str() {
            "cloudformation" => "cfn",
            "terraform" => "tf",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn table(rules: &[RuleInfo]) -> String {
    let headers = [
        "ID", "SEVERITY", "LEVEL", "FORMATS", "RULE", "CONTROLS", "TITLE",
    ];
    let rows: Vec<[String; 7]> = rules
        .iter()
        .map(|rule| {
            [
                rule.id.clone(),
                rule.severity.as_str().to_string(),
                rule.level.as_str().to_string(),
                short_formats(rule),
                format!("{}.{}", rule.package, rule.name),
                rule.controls.join(", "),
                rule.title.clone(),
            ]
        })
        .collect();
    let mut widths = headers.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |cells: [&str; 7]| {
        let mut text = String::new();
        for (index, (cell, width)) in cells.iter().zip(widths).enumerate() {
            if index + 1 == cells.len() {
                text.push_str(cell);
            } else {
                text.push_str(&format!("{cell:<width$}  "));
            }
        }
        text.trim_end().to_string() + "\n"
    };
    out.push_str(&line(headers));
    for row in &rows {
        out.push_str(&line(row.each_ref().map(String::as_str)));
    }
    out
}

/// The first line of a parameter's doc comment.
fn summary(param: &ParamMeta) -> &str {
    param.doc.lines().next().unwrap_or("")
}

/// The policy parameters after the rules, when there are any.
fn params_table(params: &[ParamMeta]) -> String {
    if params.is_empty() {
        return String::new();
    }
    let headers = ["PARAMETER", "TYPE", "DEFAULT", "DESCRIPTION"];
    let rows: Vec<[String; 4]> = params
        .iter()
        .map(|param| {
            [
                param.name.clone(),
                param.ty.clone(),
                param.default.clone(),
                summary(param).to_string(),
            ]
        })
        .collect();
    let mut widths = headers.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 4]| {
        let mut text = String::new();
        for (cell, width) in cells.iter().zip(widths) {
            text.push_str(&format!("{cell:<width$}  "));
        }
        text.trim_end().to_string() + "\n"
    };
    let mut out = String::from("\n");
    out.push_str(&line(headers));
    for row in &rows {
        out.push_str(&line([&row[0], &row[1], &row[2], &row[3]]));
    }
    out
}

fn params_markdown(params: &[ParamMeta]) -> String {
    if params.is_empty() {
        return String::new();
    }
    let escape = |text: &str| text.replace('|', "\\|");
    let mut out = String::from(
        "\n### Parameters\n\n| Parameter | Type | Default | Description |\n| --- | --- | --- | --- |\n",
    );
    for param in params {
        out.push_str(&format!(
            "| `{}` | `{}` | `{}` | {} |\n",
            param.name,
            escape(&param.ty),
            escape(&param.default),
            escape(summary(param))
        ));
    }
    out
}

/// A Markdown table per package, packages in name order.
fn markdown(rules: &[RuleInfo]) -> String {
    let mut packages: Vec<&str> = rules.iter().map(|rule| rule.package.as_str()).collect();
    packages.sort_unstable();
    packages.dedup();
    let escape = |text: &str| text.replace('|', "\\|");
    let mut out = String::new();
    for (index, package) in packages.iter().enumerate() {
        if index > 0 {
            out.push('\n');
        }
        out.push_str(&format!(
            "### `{package}`\n\n| ID | Severity | Level | Formats | Rule | Controls | Checkov | Guard | Title |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
        ));
        for rule in rules.iter().filter(|rule| rule.package == *package) {
            out.push_str(&format!(
                "| {} | {} | {} | {} | `{}` | {} | {} | {} | {} |\n",
                escape(&rule.id),
                rule.severity.as_str(),
                rule.level.as_str(),
                short_formats(rule),
                rule.name,
                escape(&rule.controls.join(", ")),
                escape(&rule.checkov.join(", ")),
                escape(&rule.guard.join(", ")),
                escape(&rule.title)
            ));
        }
    }
    out
}
