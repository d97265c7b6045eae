//! One module per subcommand.

pub mod build;
pub mod check;
pub mod eval;
pub mod fmt;
pub mod lsp;
pub mod rules;
pub mod test;
