//! Reading input documents (templates, plans, inventory) and reporting the
//! ones that cannot be loaded, with their position.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use ward_model::{Document, LoadError, LoadOptions};
use ward_report::Suppressions;
use ward_syntax::ast::Span;
use ward_syntax::snippet::{Snippet, SnippetKind, render_snippet};
use ward_syntax::{LineCol, LineIndex};

use crate::sources::{collect_files, display_name};

/// File endings read as inputs when a directory is given.
const INPUT_EXTENSIONS: &[&str] = &["json", "yaml", "yml", "template", "ndjson", "jsonl"];

fn is_input(path: &Path) -> bool {
    path.extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| INPUT_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()))
}

/// The loaded inputs: documents, the text of every file (for snippets) and
/// the errors of the ones that failed.
pub struct Inputs {
    /// Loaded documents, in file order.
    pub documents: Vec<Document>,
    /// File texts by display name.
    pub texts: HashMap<String, String>,
    /// Load errors.
    pub errors: Vec<LoadError>,
}

impl Inputs {
    /// The suppressions written in the loaded templates; malformed ones join
    /// the load errors. Read before the documents move into the runtime.
    pub fn suppressions(&mut self) -> Suppressions {
        let (suppressions, malformed) = Suppressions::from_documents(&self.documents);
        self.errors.extend(malformed);
        suppressions
    }
}

/// Loads every input under `paths` in parallel.
pub fn load_inputs(paths: &[PathBuf], options: &LoadOptions) -> Result<Inputs, String> {
    let files = collect_files(paths, &is_input)?;
    if files.is_empty() {
        return Err(
            "no input files found (looked for .json, .yaml, .yml, .template, .ndjson)".to_string(),
        );
    }
    let loaded: Vec<(String, Option<String>, Result<Document, LoadError>)> = files
        .par_iter()
        .map(|path| {
            let name = display_name(path);
            match std::fs::read(path) {
                Ok(bytes) => {
                    let result = ward_model::load(&name, &bytes, options);
                    let text = String::from_utf8(bytes).ok();
                    (name, text, result)
                }
                Err(error) => {
                    let failure = LoadError {
                        file: name.clone(),
                        line: 0,
                        column: 0,
                        message: format!("cannot read the file: {error}"),
                    };
                    (name, None, Err(failure))
                }
            }
        })
        .collect();
    let mut inputs = Inputs {
        documents: Vec::new(),
        texts: HashMap::new(),
        errors: Vec::new(),
    };
    for (name, text, result) in loaded {
        if let Some(text) = text {
            inputs.texts.insert(name, text);
        }
        match result {
            Ok(document) => inputs.documents.push(document),
            Err(error) => inputs.errors.push(error),
        }
    }
    Ok(inputs)
}

/// Prints load errors as `file:line:column: error[input]: message` with a
/// snippet of the offending line.
pub fn report_load_errors(inputs: &Inputs, color: bool) {
    for error in &inputs.errors {
        match inputs.texts.get(&error.file).filter(|_| error.line > 0) {
            Some(text) => {
                let span = position_span(text, error.line, error.column);
                let snippet = Snippet {
                    kind: SnippetKind::Error,
                    code: Some("input"),
                    message: &error.message,
                    file: &error.file,
                    span,
                    label: "here",
                    labels: Vec::new(),
                    help: None,
                };
                eprint!("{}", render_snippet(&snippet, &inputs.texts, color));
            }
            None => eprintln!(
                "{}:{}:{}: error[input]: {}",
                error.file, error.line, error.column, error.message
            ),
        }
    }
}

/// A one-character span at a 1-based line and character column.
fn position_span(text: &str, line: u32, column: u32) -> Span {
    let start = LineIndex::new(text).offset_of(text, LineCol { line, column }) as usize;
    let end = text
        .get(start..)
        .and_then(|tail| tail.chars().next())
        .map_or(start, |ch| start + ch.len_utf8());
    Span::new(start, end)
}

/// Reads the `--parameters` file.
pub fn load_parameters(path: Option<&Path>) -> Result<Vec<(String, String)>, String> {
    let Some(path) = path else {
        return Ok(Vec::new());
    };
    let bytes = std::fs::read(path).map_err(|error| format!("{}: {error}", path.display()))?;
    ward_model::parse_parameters_file(&display_name(path), &bytes).map_err(|error| {
        format!(
            "{}:{}:{}: {}",
            error.file, error.line, error.column, error.message
        )
    })
}
