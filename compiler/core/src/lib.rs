//! The Ward compiler front end: the salsa database, item collection, name
//! resolution, type checking and diagnostics.
//!
//! The compiler does no I/O. Sources (files, the standard library, unsaved
//! editor buffers) arrive as [`db::SourceFile`] inputs of a [`db::Workspace`];
//! the command line and the language server are the only shells that read
//! and write files.

pub mod analysis;
pub mod builtins;
pub mod db;
pub mod diagnostics;
pub mod format;
pub mod ir;
pub mod items;
pub mod literal;
pub mod numbers;
pub mod regex;
pub mod schema;
pub mod types;

use salsa::Setter;

pub use analysis::{Analysis, Definition, LocalKind, PropertyFix, RuleInfo, analyze};
pub use analysis::{Binding, Holds, ResourceTypes, ResourceUse};
pub use db::{Database, SourceFile, Workspace, parse};
pub use diagnostics::{Code, Diagnostic, Level};
pub use ward_abi::Severity;

/// A database holding one workspace, with helpers to add and edit files.
#[derive(Debug)]
pub struct Compiler {
    /// The salsa database.
    pub db: Database,
    /// The workspace input.
    pub workspace: Workspace,
}

impl Default for Compiler {
    fn default() -> Self {
        Compiler::new(Database::default())
    }
}

impl Compiler {
    /// An empty workspace in `db`.
    pub fn new(db: Database) -> Compiler {
        let workspace = Workspace::new(&db, Vec::new());
        Compiler { db, workspace }
    }

    /// Adds a file, or replaces the text of the file with this path.
    pub fn set_file(&mut self, path: &str, text: String) -> SourceFile {
        if let Some(file) = self.file(path) {
            if file.text(&self.db) != &text {
                file.set_text(&mut self.db).to(text);
            }
            return file;
        }
        let file = SourceFile::new(&self.db, path.to_string(), text);
        let mut files = self.workspace.files(&self.db).clone();
        files.push(file);
        self.workspace.set_files(&mut self.db).to(files);
        file
    }

    /// Adds a library file (see [`SourceFile::library`]), or replaces the
    /// text of the file with this path and makes it a library file.
    pub fn set_library_file(&mut self, path: &str, text: String) -> SourceFile {
        let file = self.set_file(path, text);
        if !*file.library(&self.db) {
            file.set_library(&mut self.db).to(true);
        }
        file
    }

    /// Adds a file that is compiled with its rules, or replaces the text of
    /// the file with this path and makes it such a file (the opposite of
    /// [`Compiler::set_library_file`]).
    pub fn set_policy_file(&mut self, path: &str, text: String) -> SourceFile {
        let file = self.set_file(path, text);
        if *file.library(&self.db) {
            file.set_library(&mut self.db).to(false);
        }
        file
    }

    /// Removes a file from the workspace.
    pub fn remove_file(&mut self, path: &str) {
        let files: Vec<SourceFile> = self
            .workspace
            .files(&self.db)
            .iter()
            .copied()
            .filter(|file| file.path(&self.db) != path)
            .collect();
        self.workspace.set_files(&mut self.db).to(files);
    }

    /// The file with this path.
    pub fn file(&self, path: &str) -> Option<SourceFile> {
        self.workspace
            .files(&self.db)
            .iter()
            .copied()
            .find(|file| file.path(&self.db) == path)
    }

    /// Every file of the workspace.
    pub fn files(&self) -> Vec<SourceFile> {
        self.workspace.files(&self.db).clone()
    }

    /// The analysis of one file, with the warnings of the schema checks
    /// among its diagnostics.
    pub fn analyze(&self, file: SourceFile) -> &Analysis {
        analysis::analyze_with_schemas(&self.db, self.workspace, file)
    }

    /// Every diagnostic of the workspace, file by file in workspace order.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        self.files()
            .into_iter()
            .flat_map(|file| self.analyze(file).diagnostics.clone())
            .collect()
    }

    /// The text of a file by path, for rendering.
    pub fn text(&self, path: &str) -> Option<&str> {
        self.file(path).map(|file| file.text(&self.db).as_str())
    }
}

impl diagnostics::render::SourceTexts for Compiler {
    fn text(&self, file: &str) -> Option<&str> {
        Compiler::text(self, file)
    }
}
