//! Reading input documents (templates, plans, inventory): the ones that
//! cannot be loaded become load errors with their position, and files that
//! are no input Ward judges are set apart.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use std::ops::ControlFlow;

use rayon::prelude::*;
use ward_model::{ConfigWindows, Document, InputKind, LoadError, LoadOptions, WINDOW_ITEMS};
use ward_report::{Run, Suppressions};

use crate::sources::{Exclude, display_name, gather_files_excluding};

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
    /// NDJSON files of AWS Config items (`.ndjson`, `.jsonl`), judged as
    /// they are read, window by window ([`judge_streams`]), never held
    /// whole: display name and path.
    pub streams: Vec<(String, PathBuf)>,
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

/// The bounds of a whole run: its deadline and the largest input it reads.
#[derive(Clone, Copy, Debug)]
pub struct Bounds {
    /// `--timeout`: inputs not judged when it passes are input errors.
    pub deadline: Option<Deadline>,
    /// `--max-input-size`: a bigger input is an input error, not read.
    pub max_input_size: u64,
}

impl Bounds {
    /// The default `--max-input-size`: 256 MiB.
    pub const DEFAULT_MAX_INPUT_SIZE: u64 = 256 << 20;

    /// The error of an input not judged because the deadline passed, if it
    /// has.
    pub fn not_judged(&self, file: &str) -> Option<LoadError> {
        let deadline = self.deadline.filter(|deadline| deadline.passed())?;
        Some(LoadError {
            file: file.to_string(),
            line: 0,
            column: 0,
            message: format!(
                "not judged: the run's deadline of {} s passed",
                deadline.seconds
            ),
        })
    }
}

/// When a run must stop judging inputs.
#[derive(Clone, Copy, Debug)]
pub struct Deadline {
    /// `None` when too far to represent: never reached.
    at: Option<Instant>,
    /// The `--timeout` it was given, for messages.
    seconds: f64,
}

impl Deadline {
    /// The deadline `seconds` after `start` (the start of the run).
    pub fn new(start: Instant, seconds: f64) -> Deadline {
        let at = Duration::try_from_secs_f64(seconds)
            .ok()
            .and_then(|after| start.checked_add(after));
        Deadline { at, seconds }
    }

    fn passed(&self) -> bool {
        self.at.is_some_and(|at| Instant::now() >= at)
    }
}

/// A size for messages: `300 MiB`, `1.5 GiB`, `900 bytes`.
fn size_text(bytes: u64) -> String {
    for (unit, name) in [(1u64 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")] {
        if bytes >= unit {
            #[allow(clippy::cast_precision_loss)]
            let amount = format!("{:.1}", bytes as f64 / unit as f64);
            let amount = amount.strip_suffix(".0").unwrap_or(&amount);
            return format!("{amount} {name}");
        }
    }
    format!("{bytes} bytes")
}

/// The input path that is standard input.
pub const STDIN: &str = ward_config::STDIN;

/// The name reports give standard input.
pub const STDIN_NAME: &str = "<stdin>";

/// Reads an input of at most `limit` bytes: a file's size is checked
/// before it is read, and a stream (standard input for `-`) is read no
/// further than the limit.
fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    let too_big = |size: Option<u64>| {
        let (mut size_said, mut limit_said) = (
            size.map_or_else(|| "bigger".to_string(), size_text),
            size_text(limit),
        );
        if let Some(size) = size.filter(|_| size_said == limit_said) {
            // Rounded alike: in bytes.
            (size_said, limit_said) = (format!("{size} bytes"), format!("{limit} bytes"));
        }
        format!("the file is {size_said}, more than the limit of {limit_said} (--max-input-size)")
    };
    if path == Path::new(STDIN) {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|error| format!("cannot read standard input: {error}"))?;
        if bytes.len() as u64 > limit {
            return Err(too_big(None));
        }
        return Ok(bytes);
    }
    let file =
        std::fs::File::open(path).map_err(|error| format!("cannot read the file: {error}"))?;
    let size = file
        .metadata()
        .ok()
        .filter(|metadata| metadata.is_file())
        .map(|metadata| metadata.len());
    if let Some(size) = size.filter(|size| *size > limit) {
        return Err(too_big(Some(size)));
    }
    let mut bytes = Vec::with_capacity(
        size.and_then(|size| usize::try_from(size).ok())
            .unwrap_or(0),
    );
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|error| format!("cannot read the file: {error}"))?;
    if bytes.len() as u64 > limit {
        return Err(too_big(None));
    }
    Ok(bytes)
}

/// Loads every input under `paths` in parallel. A path that cannot be read
/// is a load error of its own; the other inputs are still loaded, unless
/// the run's deadline passes first (each that is not read then is an input
/// error) or they are bigger than the run allows. The text
/// of a file that fails to load is kept for its snippet; the text of one
/// that loads only with `keep_texts` (the human report draws snippets of
/// its findings; the machine formats do not, and a big input's text is a
/// large part of a run's memory).
pub fn load_inputs(
    paths: &[PathBuf],
    options: &LoadOptions,
    keep_texts: bool,
    bounds: &Bounds,
) -> Result<Inputs, String> {
    load_inputs_excluding(paths, &Exclude::default(), options, keep_texts, bounds)
}

/// [`load_inputs`], leaving out of the walk of folders what `exclude`
/// matches (`--exclude`; a file given is always read).
pub fn load_inputs_excluding(
    paths: &[PathBuf],
    exclude: &Exclude,
    options: &LoadOptions,
    keep_texts: bool,
    bounds: &Bounds,
) -> Result<Inputs, String> {
    // `-` is standard input, read once, named `<stdin>`.
    let stdin = Path::new(STDIN);
    let (mut files, unreadable) = gather_files_excluding(
        &paths
            .iter()
            .filter(|path| path.as_path() != stdin)
            .cloned()
            .collect::<Vec<_>>(),
        &is_input,
        exclude,
    );
    if paths.iter().any(|path| path.as_path() == stdin) {
        files.insert(0, stdin.to_path_buf());
    }
    // NDJSON files of configuration items are read as they are judged.
    let (streams, files): (Vec<PathBuf>, Vec<PathBuf>) = files
        .into_iter()
        .partition(|path| path.as_path() != stdin && is_config_stream(path));
    let streams: Vec<(String, PathBuf)> = streams
        .into_iter()
        .map(|path| (display_name(&path), path))
        .collect();
    if files.is_empty() && streams.is_empty() && unreadable.is_empty() {
        return Err(
            "no input files found (looked for .json, .yaml, .yml, .template, .ndjson)".to_string(),
        );
    }
    let loaded: Vec<(String, Option<String>, Result<Document, LoadError>)> = files
        .par_iter()
        .map(|path| {
            let name = if path.as_path() == stdin {
                STDIN_NAME.to_string()
            } else {
                display_name(path)
            };
            if let Some(not_judged) = bounds.not_judged(&name) {
                return (name, None, Err(not_judged));
            }
            match read_bounded(path, bounds.max_input_size) {
                Ok(bytes) => {
                    let result = ward_model::load(&name, &bytes, options);
                    let text = String::from_utf8(bytes).ok();
                    (name, text, result)
                }
                Err(message) => {
                    let failure = LoadError {
                        file: name.clone(),
                        line: 0,
                        column: 0,
                        message,
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
        streams,
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

/// Whether a file is NDJSON of AWS Config items to stream: its name ends
/// in `.ndjson` or `.jsonl` and its first line that is not blank holds a
/// configuration item.
fn is_config_stream(path: &Path) -> bool {
    let ndjson = path
        .extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| ["ndjson", "jsonl"].contains(&ext.to_ascii_lowercase().as_str()));
    if !ndjson {
        return false;
    }
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let first = ward_model::stream_config_items("", std::io::BufReader::new(file), |_| {
        ControlFlow::Break(())
    });
    matches!(first, Ok(count) if count > 0)
}

/// Judges the streamed inputs ([`Inputs::streams`]) window by window (see
/// [`ConfigWindows`]): `judge` evaluates a window and adds its report to
/// the run ([`Run::add_part`]); `tick` is called once per stream judged. Memory holds one window and the findings,
/// whatever the size of the file. A line that is not JSON stops its file
/// with a located input error; the windows before it keep their findings.
pub fn judge_streams(
    inputs: &Inputs,
    bounds: &Bounds,
    run: &mut Run,
    tick: &(dyn Fn() + Sync),
    mut judge: impl FnMut(Document, &mut Run),
) {
    for (name, path) in &inputs.streams {
        if let Some(not_judged) = bounds.not_judged(name) {
            run.add_error(not_judged);
            continue;
        }
        let file = match std::fs::File::open(path) {
            Ok(file) => file,
            Err(error) => {
                run.add_error(LoadError {
                    file: name.clone(),
                    line: 0,
                    column: 0,
                    message: format!("cannot read: {error}"),
                });
                continue;
            }
        };
        run.count_input();
        let mut windows = ConfigWindows::new(name, WINDOW_ITEMS);
        let mut stopped = None;
        let read = ward_model::stream_config_items(
            name,
            std::io::BufReader::with_capacity(1 << 20, file),
            |item| {
                if let Some(window) = windows.push(item) {
                    judge(window, run);
                    if let Some(not_judged) = bounds.not_judged(name) {
                        stopped = Some(not_judged);
                        return ControlFlow::Break(());
                    }
                }
                ControlFlow::Continue(())
            },
        );
        match (read, stopped) {
            (_, Some(not_judged)) => run.add_error(not_judged),
            (Err(error), None) => {
                if let Some(window) = windows.finish() {
                    judge(window, run);
                }
                run.add_error(error);
            }
            (Ok(_), None) => {
                if let Some(window) = windows.finish() {
                    judge(window, run);
                }
            }
        }
        // Progress counts inputs: a stream is one.
        tick();
    }
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

#[cfg(test)]
mod tests {
    use super::size_text;

    #[test]
    fn sizes_are_said_in_the_largest_unit() {
        assert_eq!(size_text(300 << 20), "300 MiB");
        assert_eq!(size_text(256 << 20), "256 MiB");
        assert_eq!(size_text(3 << 29), "1.5 GiB");
        assert_eq!(size_text(900), "900 bytes");
    }
}
