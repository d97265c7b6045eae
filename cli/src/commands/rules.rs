//! `ward rules`: list the rules of policies with their metadata.

use std::path::PathBuf;

use ward_compiler::RuleInfo;

use crate::sources::{fail, load_policies, report_diagnostics};
use crate::{DiagnosticFormat, EXIT_CLEAN, EXIT_ERROR, RulesFormat};

pub fn run(policies: &[PathBuf], format: RulesFormat) -> u8 {
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
        .flat_map(|file| loaded.compiler.analyze(file).rules.clone())
        .collect();
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    let output = match format {
        RulesFormat::Json => serde_json::to_string_pretty(&rules).unwrap_or_default() + "\n",
        RulesFormat::Table => table(&rules),
        RulesFormat::Markdown => markdown(&rules),
    };
    match crate::stdout::print(&output) {
        Ok(()) => EXIT_CLEAN,
        Err(message) => fail(&message),
    }
}

fn table(rules: &[RuleInfo]) -> String {
    let headers = ["ID", "SEVERITY", "RULE", "CONTROLS", "TITLE"];
    let rows: Vec<[String; 5]> = rules
        .iter()
        .map(|rule| {
            [
                rule.id.clone(),
                rule.severity.as_str().to_string(),
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
    let line = |cells: [&str; 5]| {
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
        out.push_str(&line([&row[0], &row[1], &row[2], &row[3], &row[4]]));
    }
    out
}

fn markdown(rules: &[RuleInfo]) -> String {
    let mut out = String::from(
        "| ID | Severity | Rule | Controls | Title |\n| --- | --- | --- | --- | --- |\n",
    );
    for rule in rules {
        let escape = |text: &str| text.replace('|', "\\|");
        out.push_str(&format!(
            "| {} | {} | `{}.{}` | {} | {} |\n",
            escape(&rule.id),
            rule.severity.as_str(),
            rule.package,
            rule.name,
            escape(&rule.controls.join(", ")),
            escape(&rule.title)
        ));
    }
    out
}
