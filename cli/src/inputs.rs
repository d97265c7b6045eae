//! Reading input documents (templates, plans, inventory): the ones that
//! cannot be loaded become load errors with their position, and files that
//! are no input Ward judges are set apart.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use ward_model::{Document, InputKind, LoadError, LoadOptions};
use ward_report::{Run, Suppressions};

use crate::sources::{display_name, gather_files};

/// File endings read as inputs when a directory is given.
const INPUT_EXTENSIONS: &[&str] = &["json", "yaml", "yml", "template", "ndjson", "jsonl"];

fn is_input(path: &Path) -> bool {
    path.extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| INPUT_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()))
}

/// The loaded inputs: documents, the text of every file (for snippets), the
/// errors of the ones that failed and the files that are not inputs.
pub struct Inputs {
    /// Loaded documents, in file order.
    pub documents: Vec<Document>,
    /// File texts by display name.
    pub texts: HashMap<String, String>,
    /// Load errors, and paths that could not be read.
    pub errors: Vec<LoadError>,
    /// Files read that are not inputs, with the reason.
    pub not_inputs: Vec<(String, String)>,
}

impl Inputs {
    /// The suppressions written in the loaded templates; malformed ones join
    /// the load errors. Read before the documents move into the runtime.
    pub fn suppressions(&mut self) -> Suppressions {
        let (suppressions, malformed) = Suppressions::from_documents(&self.documents);
        self.errors.extend(malformed);
        suppressions
    }

    /// Adds the inputs that were not judged to a run: every load error and
    /// every file that is not an input.
    pub fn add_unjudged(&self, run: &mut Run) {
        for error in &self.errors {
            run.add_error(error.clone());
        }
        for (file, reason) in &self.not_inputs {
            run.add_not_input(file, reason);
        }
    }
}

/// Loads every input under `paths` in parallel. A path that cannot be read
/// is a load error of its own; the other inputs are still loaded. The text
/// of a file that fails to load is kept for its snippet; the text of one
/// that loads only with `keep_texts` (the human report draws snippets of
/// its findings; the machine formats do not, and a big input's text is a
/// large part of a run's memory).
pub fn load_inputs(
    paths: &[PathBuf],
    options: &LoadOptions,
    keep_texts: bool,
) -> Result<Inputs, String> {
    let (files, unreadable) = gather_files(paths, &is_input);
    if files.is_empty() && unreadable.is_empty() {
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
        errors: unreadable
            .into_iter()
            .map(|(path, reason)| LoadError {
                file: display_name(&path),
                line: 0,
                column: 0,
                message: format!("cannot read: {reason}"),
            })
            .collect(),
        not_inputs: Vec::new(),
    };
    for (name, text, result) in loaded {
        match (result, text) {
            (Ok(document), _) if document.kind == InputKind::Json => {
                let reason = if document.root.is_null() {
                    "the file holds no document"
                } else {
                    "neither a CloudFormation template, a Terraform plan nor AWS Config items"
                };
                inputs.not_inputs.push((name, reason.to_string()));
            }
            (Err(_), Some(text)) if has_template_placeholders(&text) => {
                inputs.not_inputs.push((
                    name,
                    "a text template with `{{ }}` placeholders (Helm, Go), not YAML or JSON"
                        .to_string(),
                ));
            }
            (result, text) => {
                if let Some(text) = text.filter(|_| keep_texts || result.is_err()) {
                    inputs.texts.insert(name, text);
                }
                match result {
                    Ok(document) => inputs.documents.push(document),
                    Err(error) => inputs.errors.push(error),
                }
            }
        }
    }
    Ok(inputs)
}

/// Whether a file that failed to load is a text template (Helm, Go
/// templates): it holds `{{` that is not a CloudFormation dynamic reference
/// (`{{resolve:...}}`).
fn has_template_placeholders(text: &str) -> bool {
    text.match_indices("{{").any(|(at, _)| {
        let after = text[at + 2..].trim_start_matches(['-', ' ', '\t']);
        !after.starts_with("resolve:")
    })
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
