//! The salsa database: inputs are source files and the workspace that lists
//! them; everything else is a tracked query derived from them.
//!
//! Query graph (each arrow reads the query it points to):
//!
//! ```text
//! analyze_with_schemas(ws, file) ──> analyze(ws, file)
//!        └─> schema_diagnostics(ws, file) ──> analyze(ws, file)
//!
//! analyze(ws, file) ──> parse(file)
//!        │          └─> package_index(ws) ──> file_summary(f) ──> parse(f)   (every file)
//!        └─> recursive_functions(ws) ──> package_index(ws)
//! ```
//!
//! `file_summary` holds names and arities but no spans, so editing the body of
//! a rule, or moving text around, leaves every summary equal: salsa backdates
//! it and the analyses of other files are not re-run.

use std::sync::{Arc, Mutex};

use ward_syntax::Parse;

/// A source file: a policy file on disk, an unsaved editor buffer, or a file
/// of the embedded standard library.
#[salsa::input(debug)]
pub struct SourceFile {
    /// The path shown in diagnostics (virtual for the stdlib: `std/...`).
    #[returns(ref)]
    pub path: String,
    /// The text.
    #[returns(ref)]
    pub text: String,
    /// Whether this is a library file: its functions and parameters serve
    /// the files that import its package, but its rules and tests are not
    /// compiled or run. The standard library is added this way when
    /// policies of your own import it.
    #[default]
    pub library: bool,
}

/// The set of files compiled together.
#[salsa::input(debug)]
pub struct Workspace {
    /// The files, in a stable order.
    #[returns(ref)]
    pub files: Vec<SourceFile>,
}

/// The compiler database.
#[salsa::db]
#[derive(Clone, Default)]
pub struct Database {
    storage: salsa::Storage<Self>,
    executed: Option<Arc<Mutex<Vec<String>>>>,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Database")
    }
}

#[salsa::db]
impl salsa::Database for Database {}

impl Database {
    /// A database that records the name of every query it executes, so
    /// tests can assert what an edit recomputed.
    pub fn with_query_log() -> Database {
        let log: Arc<Mutex<Vec<String>>> = Arc::default();
        let sink = log.clone();
        Database {
            storage: salsa::Storage::new(Some(Box::new(move |event: salsa::Event| {
                if let salsa::EventKind::WillExecute { database_key } = event.kind
                    && let Ok(mut entries) = sink.lock()
                {
                    entries.push(format!("{database_key:?}"));
                }
            }))),
            executed: Some(log),
        }
    }

    /// The queries executed since the last call, e.g. `analyze(Id(2))`.
    pub fn take_query_log(&self) -> Vec<String> {
        match &self.executed {
            Some(log) => log
                .lock()
                .map(|mut entries| std::mem::take(&mut *entries))
                .unwrap_or_default(),
            None => Vec::new(),
        }
    }
}

/// Parses a file. Never fails; syntax errors are part of the result.
#[salsa::tracked(returns(ref))]
pub fn parse(db: &dyn salsa::Database, file: SourceFile) -> Arc<Parse> {
    Arc::new(ward_syntax::parse(file.text(db)))
}
