//! `ward lsp`: the language server on stdio.

pub fn run() -> u8 {
    crate::sources::fail("`ward lsp` is not implemented yet")
}
