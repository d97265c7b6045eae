//! Editor features as plain data.
//!
//! [`AnalysisHost`] owns the compiler's database; [`Snapshot`] is a
//! read-only view of it that can move to another thread. A write to the
//! host cancels the queries running on snapshots: they unwind with
//! `salsa::Cancelled`, which the caller reports as "content modified".
//!
//! Files are named by their path in the compiler (the language server uses
//! document URIs). Positions are byte offsets into the file's text; spans
//! are byte ranges. Nothing here knows the protocol.

mod code_actions;
mod completion;
mod format;
mod highlight;
mod hover;
mod judge;
mod navigation;
mod run_rule;
mod signature_help;
mod symbols;
mod text;

use std::sync::Arc;

use salsa::Setter;
use ward_compiler::{Compiler, SourceFile, Workspace};
use ward_syntax::LineIndex;
use ward_syntax::ast::Span;

pub use code_actions::{Assist, RuleLens};
pub use completion::{CompletionItem, CompletionKind};
pub use format::FormatOutcome;
pub use highlight::{HighlightKind, HighlightModifier, HighlightedRange};
pub use hover::HoverResult;
pub use judge::{
    InputDiagnostic, InputDiagnosticKind, Judgement, Policies, REASON_PLACEHOLDER,
    ResourceVerdicts, Verdict, judge,
};
pub use navigation::{NavigationTarget, RenameError};
pub use run_rule::{RuleRunInput, SampleTemplate};
pub use signature_help::SignatureInfo;
pub use symbols::{Symbol, SymbolKind};

/// A position in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FilePosition<'a> {
    /// The file's path.
    pub file: &'a str,
    /// A byte offset into its text.
    pub offset: u32,
}

/// A range in a file.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileRange {
    /// The file's path.
    pub file: String,
    /// The byte range.
    pub span: Span,
}

/// A replacement of a range of a file's text.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TextEdit {
    /// The range to replace.
    pub span: Span,
    /// The new text.
    pub new_text: String,
}

/// Edits across files, by file path, each file's edits sorted and not
/// overlapping.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceChange {
    /// The edits of each file.
    pub edits: std::collections::BTreeMap<String, Vec<TextEdit>>,
}

impl SourceChange {
    fn insert(&mut self, file: &str, edit: TextEdit) {
        let edits = self.edits.entry(file.to_string()).or_default();
        if !edits.contains(&edit) {
            edits.push(edit);
            edits.sort();
        }
    }
}

/// Owns the compiler database; the one place where files change.
#[derive(Debug, Default)]
pub struct AnalysisHost {
    compiler: Compiler,
    judging: Judging,
}

/// Which policies judge inputs: by default every policy file of the
/// workspace and the standard library; a configuration file (`ward.toml`)
/// names folders or files of policies, and whether the standard library
/// joins them, as `ward check` reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JudgingSet {
    /// Path prefixes (as the files are named: URIs in the server) of the
    /// policy files that judge; `None` for every policy file.
    pub policies: Option<Vec<String>>,
    /// Whether the standard library (the library files) judges too.
    pub stdlib: bool,
}

impl Default for JudgingSet {
    fn default() -> Self {
        JudgingSet {
            policies: None,
            stdlib: true,
        }
    }
}

impl JudgingSet {
    fn takes(&self, path: &str) -> bool {
        self.policies.as_ref().is_none_or(|prefixes| {
            prefixes.iter().any(|prefix| {
                path == prefix
                    || path
                        .strip_prefix(prefix.as_str())
                        .is_some_and(|rest| rest.starts_with('/') || prefix.ends_with('/'))
            })
        })
    }
}

/// The policies that judge inputs: a second workspace of the same
/// database holding the workspace's policy files and, as policies, copies
/// of its library files (the standard library), so that a policy edit is
/// recompiled incrementally for both.
#[derive(Debug, Default)]
struct Judging {
    workspace: Option<Workspace>,
    /// The policy copies of library files, by path.
    copies: std::collections::HashMap<String, SourceFile>,
}

impl AnalysisHost {
    /// An empty workspace.
    pub fn new() -> AnalysisHost {
        AnalysisHost::default()
    }

    /// A host that records every query it executes, for tests of
    /// incrementality.
    #[doc(hidden)]
    pub fn with_query_log() -> AnalysisHost {
        AnalysisHost {
            compiler: Compiler::new(ward_compiler::Database::with_query_log()),
            judging: Judging::default(),
        }
    }

    /// The queries executed since the last call, e.g. `analyze(Id(2))`.
    #[doc(hidden)]
    pub fn take_query_log(&self) -> Vec<String> {
        self.compiler.db.take_query_log()
    }

    /// Adds a file or replaces its text. Cancels running snapshot queries
    /// and waits for them to unwind.
    pub fn set_file(&mut self, path: &str, text: String) {
        self.compiler.set_file(path, text);
    }

    /// Adds a library file: its functions and parameters serve the files
    /// that import its package, its rules and tests are not run, and it
    /// gets no diagnostics.
    pub fn set_library_file(&mut self, path: &str, text: String) {
        self.compiler.set_library_file(path, text);
    }

    /// Removes a file from the workspace.
    pub fn remove_file(&mut self, path: &str) {
        if self.compiler.file(path).is_some() {
            self.compiler.remove_file(path);
        }
    }

    /// Whether the workspace has this file.
    pub fn contains(&self, path: &str) -> bool {
        self.compiler.file(path).is_some()
    }

    /// Brings the judging workspace (see [`Snapshot::judging_policies`])
    /// up to date with the files: the policy files `set` selects, and a
    /// policy copy of every library file when it takes the standard
    /// library. Sets nothing when nothing changed.
    pub fn sync_judging(&mut self, set: &JudgingSet) {
        let mut files = Vec::new();
        for file in self.compiler.files() {
            if !*file.library(&self.compiler.db) {
                if set.takes(file.path(&self.compiler.db)) {
                    files.push(file);
                }
                continue;
            }
            if !set.stdlib {
                continue;
            }
            let path = file.path(&self.compiler.db).clone();
            let text = file.text(&self.compiler.db).clone();
            let copy = match self.judging.copies.get(&path) {
                Some(copy) => {
                    if copy.text(&self.compiler.db) != &text {
                        copy.set_text(&mut self.compiler.db).to(text);
                    }
                    *copy
                }
                None => {
                    let copy = SourceFile::new(&self.compiler.db, path.clone(), text);
                    self.judging.copies.insert(path, copy);
                    copy
                }
            };
            files.push(copy);
        }
        match self.judging.workspace {
            Some(workspace) if workspace.files(&self.compiler.db) == &files => {}
            Some(workspace) => {
                workspace.set_files(&mut self.compiler.db).to(files);
            }
            None => {
                self.judging.workspace = Some(Workspace::new(&self.compiler.db, files));
            }
        }
    }

    /// A read-only view for answering requests, possibly on another thread.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            compiler: Compiler {
                db: self.compiler.db.clone(),
                workspace: self.compiler.workspace,
            },
            judging: self.judging.workspace,
        }
    }
}

/// A read-only view of the database at one revision.
#[derive(Debug)]
pub struct Snapshot {
    compiler: Compiler,
    /// The judging workspace, once [`AnalysisHost::sync_judging`] made it.
    judging: Option<Workspace>,
}

/// The line index of a file, computed once per text.
#[salsa::tracked(returns(ref))]
fn line_index(db: &dyn salsa::Database, file: SourceFile) -> Arc<LineIndex> {
    Arc::new(LineIndex::new(file.text(db)))
}

impl Snapshot {
    fn source(&self, path: &str) -> Option<SourceFile> {
        self.compiler.file(path)
    }

    pub(crate) fn compiler(&self) -> &Compiler {
        &self.compiler
    }

    /// The text of a file.
    pub fn file_text(&self, path: &str) -> Option<&str> {
        self.compiler.text(path)
    }

    /// The line index of a file.
    pub fn line_index(&self, path: &str) -> Option<Arc<LineIndex>> {
        let file = self.source(path)?;
        Some(line_index(&self.compiler.db, file).clone())
    }

    /// Whether a file is a library file (the standard library).
    pub fn is_library(&self, path: &str) -> bool {
        self.source(path)
            .is_some_and(|file| *file.library(&self.compiler.db))
    }

    /// Every file of the workspace, in workspace order.
    pub fn files(&self) -> Vec<String> {
        self.compiler
            .files()
            .into_iter()
            .map(|file| file.path(&self.compiler.db).clone())
            .collect()
    }

    /// The diagnostics of a file, the resource schema checks' among them,
    /// sorted by position: the compiler's, as `ward build` reports them.
    pub fn diagnostics(&self, path: &str) -> Vec<ward_compiler::Diagnostic> {
        match self.source(path) {
            Some(file) => self.compiler.analyze(file).diagnostics.clone(),
            None => Vec::new(),
        }
    }

    /// Hover information at a position.
    pub fn hover(&self, position: FilePosition<'_>) -> Option<HoverResult> {
        hover::hover(self, self.source(position.file)?, position.offset)
    }

    /// Completions at a position.
    pub fn completions(&self, position: FilePosition<'_>) -> Vec<CompletionItem> {
        match self.source(position.file) {
            Some(file) => completion::completions(self, file, position.offset),
            None => Vec::new(),
        }
    }

    /// Where the name at a position is defined.
    pub fn goto_definition(&self, position: FilePosition<'_>) -> Vec<NavigationTarget> {
        match self.source(position.file) {
            Some(file) => navigation::goto_definition(self, file, position.offset),
            None => Vec::new(),
        }
    }

    /// Every use of the name at a position, across files, optionally with
    /// its definition.
    pub fn references(
        &self,
        position: FilePosition<'_>,
        include_declaration: bool,
    ) -> Vec<FileRange> {
        match self.source(position.file) {
            Some(file) => navigation::references(self, file, position.offset, include_declaration),
            None => Vec::new(),
        }
    }

    /// The range of the name at a position, if it can be renamed.
    pub fn prepare_rename(&self, position: FilePosition<'_>) -> Result<FileRange, RenameError> {
        let file = self.source(position.file).ok_or(RenameError::NoName)?;
        navigation::prepare_rename(self, file, position.offset)
    }

    /// The edits that rename the name at a position, in every file.
    pub fn rename(
        &self,
        position: FilePosition<'_>,
        new_name: &str,
    ) -> Result<SourceChange, RenameError> {
        let file = self.source(position.file).ok_or(RenameError::NoName)?;
        navigation::rename(self, file, position.offset, new_name)
    }

    /// The outline of a file.
    pub fn document_symbols(&self, path: &str) -> Vec<Symbol> {
        match self.source(path) {
            Some(file) => symbols::document_symbols(self, file),
            None => Vec::new(),
        }
    }

    /// Rules, functions and tests of the whole workspace whose name (or rule
    /// id) matches `query`, as (file, symbol).
    pub fn workspace_symbols(&self, query: &str) -> Vec<(String, Symbol)> {
        symbols::workspace_symbols(self, query)
    }

    /// Semantic highlighting of a file, in source order.
    pub fn highlight(&self, path: &str) -> Vec<HighlightedRange> {
        match self.source(path) {
            Some(file) => highlight::highlight(self, file),
            None => Vec::new(),
        }
    }

    /// The signature of the call around a position.
    pub fn signature_help(&self, position: FilePosition<'_>) -> Option<SignatureInfo> {
        signature_help::signature_help(self, self.source(position.file)?, position.offset)
    }

    /// Quick fixes for the diagnostics that touch a range.
    pub fn assists(&self, path: &str, range: Span) -> Vec<Assist> {
        match self.source(path) {
            Some(file) => code_actions::assists(self, file, range),
            None => Vec::new(),
        }
    }

    /// A "run on sample" lens above every rule of a file.
    pub fn rule_lenses(&self, path: &str) -> Vec<RuleLens> {
        match self.source(path) {
            Some(file) => code_actions::rule_lenses(self, file),
            None => Vec::new(),
        }
    }

    /// The formatted text of a file.
    pub fn format(&self, path: &str) -> FormatOutcome {
        match self.file_text(path) {
            Some(text) => format::format(text),
            None => FormatOutcome::Unchanged,
        }
    }

    /// What running a rule needs, or why it cannot run (unknown rule,
    /// errors in the workspace).
    pub fn rule_run_input(&self, path: &str, rule: &str) -> Result<RuleRunInput, String> {
        let file = self
            .source(path)
            .ok_or_else(|| format!("`{path}` is not part of the workspace"))?;
        run_rule::prepare(self, file, rule)
    }

    /// The policies that judge inputs (see [`judge`]), compiled from the
    /// judging workspace; `None` before [`AnalysisHost::sync_judging`].
    pub fn judging_policies(&self) -> Option<Policies> {
        let compiler = Compiler {
            db: self.compiler.db.clone(),
            workspace: self.judging?,
        };
        Some(judge::policies(&compiler))
    }

    /// The resource defined at a 1-based line of a judged input.
    pub fn judged_resource<'a>(
        judgement: &'a Judgement,
        text: &str,
        line: u32,
    ) -> Option<&'a ResourceVerdicts> {
        judge::resource_at_line(judgement, text, line)
    }

    /// The edit that applies a rule's declared fix (`@fix`) to `resource`
    /// in a CloudFormation template.
    pub fn property_fix_edit(
        name: &str,
        text: &str,
        resource: &str,
        fix: &ward_compiler::PropertyFix,
    ) -> Option<TextEdit> {
        judge::property_fix_edit(name, text, resource, fix)
    }

    /// The edit that suppresses `rule` on `resource` in a CloudFormation
    /// template (`Metadata.ward.suppress`, with a reason placeholder).
    pub fn suppression_edit(
        name: &str,
        text: &str,
        rule: &str,
        resource: &str,
    ) -> Option<TextEdit> {
        judge::suppression_edit(name, text, rule, resource)
    }

    /// Runs a rule on a sample template and describes the outcome for
    /// people.
    pub fn run_rule(&self, input: &RuleRunInput, sample: &SampleTemplate) -> String {
        run_rule::run(self, input, sample)
    }
}
