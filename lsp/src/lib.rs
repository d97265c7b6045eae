//! The Ward language server.
//!
//! Two layers, in the manner of rust-analyzer:
//!
//! - [`ide`]: editor features as plain data over the compiler's salsa
//!   database: diagnostics, hover, completion, go to definition,
//!   references, rename, symbols, semantic highlighting, signature help,
//!   code actions, code lenses, formatting and running a rule. Every
//!   feature is a function from a snapshot of the database, a file and an
//!   offset (or range) to plain structs with byte spans. It knows nothing
//!   of the protocol.
//! - the protocol shell (`server`, private): owns the one
//!   [`ide::AnalysisHost`], applies edits, answers requests on snapshots in
//!   worker threads, treats cancellation as "content modified" and catches
//!   panics so that no request can take the server down. The `to_proto`
//!   module is the only place that converts to protocol types, and the only
//!   place that turns byte offsets into UTF-16 positions.
//!
//! The entry points are [`run_stdio`], which `ward lsp` calls, and [`serve`]
//! for any other transport (tests use an in-memory pipe).

pub mod ide;
mod server;
mod stdlib;
mod to_proto;

pub use server::serve;

/// Runs the language server on standard input and output until the client
/// sends `exit` or closes the input. Blocks the calling thread.
///
/// Returns an error only when the async runtime cannot start.
pub fn run_stdio() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
    Ok(())
}
