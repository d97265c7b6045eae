//! `ward test`: run the `test` blocks of policies.

use std::path::PathBuf;

use ward_compiler::diagnostics::render::{Snippet, SnippetKind, render_snippet};
use ward_eval::testing::{TestOptions, TestStatus, run_tests};

use crate::sources::{fail, load_policies, report_diagnostics};
use crate::{DiagnosticFormat, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};

pub fn run(paths: &[PathBuf], filter: Option<String>) -> u8 {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let loaded = match load_policies(paths) {
        Ok(loaded) => loaded,
        Err(message) => return fail(&message),
    };
    let compiler = &loaded.compiler;
    if report_diagnostics(compiler, DiagnosticFormat::Human) {
        return EXIT_ERROR;
    }
    let options = TestOptions {
        filter,
        ..TestOptions::default()
    };
    let results = match run_tests(&compiler.db, compiler.workspace, &options) {
        Ok(results) => results,
        Err(error) => return fail(&error.to_string()),
    };
    let color = std::env::var_os("NO_COLOR").is_none()
        && std::io::IsTerminal::is_terminal(&std::io::stdout());
    let (mut passed, mut failed, mut errors) = (0, 0, 0);
    let mut out = crate::stdout::Stdout::new();
    for result in &results {
        match result.status {
            TestStatus::Passed => {
                passed += 1;
                out.line(&format!(
                    "ok      {}::{} ({})",
                    result.package, result.name, result.file
                ));
            }
            TestStatus::Failed | TestStatus::Error => {
                if result.status == TestStatus::Failed {
                    failed += 1;
                } else {
                    errors += 1;
                }
                let word = if result.status == TestStatus::Failed {
                    "FAILED"
                } else {
                    "ERROR"
                };
                out.line(&format!(
                    "{word:<7} {}::{} ({})",
                    result.package, result.name, result.file
                ));
                for failure in &result.failures {
                    let snippet = Snippet {
                        kind: SnippetKind::Error,
                        code: None,
                        message: &failure.message,
                        file: &result.file,
                        span: failure.span,
                        label: "expectation",
                        labels: Vec::new(),
                        help: None,
                    };
                    out.write(&render_snippet(&snippet, compiler, color));
                }
                if !result.explanation.is_empty() {
                    for line in result.explanation.lines() {
                        out.line(&format!("    {line}"));
                    }
                }
            }
        }
    }
    out.line(&format!(
        "{} test{}: {passed} passed, {failed} failed, {errors} errors",
        results.len(),
        if results.len() == 1 { "" } else { "s" }
    ));
    if let Err(message) = out.finish() {
        return fail(&message);
    }
    if errors > 0 {
        EXIT_ERROR
    } else if failed > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}
