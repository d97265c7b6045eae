//! `ward lsp`: the language server on stdio.

pub fn run() -> u8 {
    match ward_lsp::run_stdio() {
        Ok(()) => crate::EXIT_CLEAN,
        Err(error) => crate::sources::fail(&format!("language server: {error}")),
    }
}
