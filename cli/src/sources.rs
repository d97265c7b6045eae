//! Printing the compiler's diagnostics and errors; finding and loading
//! policy files is `ward-embed`'s (re-exported here for the commands).

use ward_compiler::Compiler;
use ward_compiler::diagnostics::render;
pub use ward_embed::sources::*;

use crate::DiagnosticFormat;

/// Prints every diagnostic to stderr; returns whether any is an error.
pub fn report_diagnostics(compiler: &Compiler, format: DiagnosticFormat) -> bool {
    let diagnostics = compiler.diagnostics();
    let has_errors = diagnostics.iter().any(|d| d.is_error());
    match format {
        DiagnosticFormat::Human => {
            let color = crate::stdout::color(std::io::IsTerminal::is_terminal(&std::io::stderr()));
            for diagnostic in &diagnostics {
                eprint!("{}", render::render(diagnostic, compiler, color));
            }
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            let warnings = diagnostics.len() - errors;
            if errors > 0 || warnings > 0 {
                eprintln!(
                    "{errors} error{}, {warnings} warning{}",
                    if errors == 1 { "" } else { "s" },
                    if warnings == 1 { "" } else { "s" }
                );
            }
        }
        DiagnosticFormat::Json => {
            let values: Vec<serde_json::Value> = diagnostics
                .iter()
                .map(|d| render::to_json(d, compiler))
                .collect();
            let document = serde_json::json!({ "diagnostics": values });
            eprintln!(
                "{}",
                serde_json::to_string_pretty(&document).unwrap_or_default()
            );
        }
    }
    has_errors
}

/// Prints an error that has no source location.
pub fn fail(message: &str) -> u8 {
    eprintln!("error: {message}");
    crate::EXIT_ERROR
}
