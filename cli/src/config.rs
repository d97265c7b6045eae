//! The configuration file of `ward check`: `ward.toml`, found from the
//! working directory upward or given with `--config`. Its keys are the
//! flags of `ward check`; a flag given on the command line overrides the
//! key. Paths in the file are relative to the folder that holds it.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::sources::display_name;
use crate::{OutputArg, SeverityArg};

/// The name of the configuration file looked for.
pub const FILE_NAME: &str = "ward.toml";

/// The keys of `ward.toml`, every one optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// `--policy`, each.
    #[serde(default)]
    pub policies: Vec<PathBuf>,
    /// `--stdlib`.
    #[serde(default)]
    pub stdlib: bool,
    /// The inputs when none are given on the command line.
    #[serde(default)]
    pub paths: Vec<PathBuf>,
    /// `--exclude`, each, relative to the file's folder.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// `--fail-on`.
    pub fail_on: Option<SeverityArg>,
    /// `--fail-on-unknown`.
    pub fail_on_unknown: Option<SeverityArg>,
    /// `--strict`.
    #[serde(default)]
    pub strict: bool,
    /// `--baseline`.
    pub baseline: Option<PathBuf>,
    /// `--format`: one, or a list (`["sarif=ward.sarif", "human"]`).
    pub format: Option<toml::Spanned<Formats>>,
    /// `--rules`, each.
    #[serde(default)]
    pub rules: Vec<String>,
    /// `--skip-rules`, each.
    #[serde(default)]
    pub skip_rules: Vec<String>,
    /// `--control`, each.
    #[serde(default)]
    pub controls: Vec<String>,
    /// Policy parameter values, as a `--params` file holds them.
    #[serde(default)]
    pub params: toml::Table,
    /// `--parameters`: a CloudFormation parameters file.
    pub parameters: Option<PathBuf>,
    /// `--timeout`, in seconds.
    pub timeout: Option<toml::Spanned<f64>>,
    /// `--max-input-size`: a number of bytes, or a text with a unit.
    pub max_input_size: Option<toml::Spanned<toml::Value>>,
    /// `--max-values`.
    pub max_values: Option<usize>,
    /// Enforcement levels by rule pattern (id, name, package or glob):
    /// `"WARD-S3-*" = "advisory"`.
    #[serde(default)]
    pub levels: BTreeMap<String, toml::Spanned<String>>,
    /// Severities by rule pattern: `"ward.aws.logging" = "low"`.
    #[serde(default)]
    pub severities: BTreeMap<String, toml::Spanned<String>>,
    /// The folder that holds the file: the paths in it are relative to it.
    #[serde(skip)]
    pub folder: PathBuf,
}

/// The `format` key: one format or a list, each `FORMAT` or `FORMAT=FILE`.
#[derive(Debug, Deserialize)]
#[serde(
    untagged,
    expecting = "`format` takes a report format or a list of them"
)]
pub enum Formats {
    /// `format = "json"`.
    One(String),
    /// `format = ["sarif=ward.sarif", "human"]`.
    Many(Vec<String>),
}

impl Formats {
    fn list(&self) -> &[String] {
        match self {
            Formats::One(one) => std::slice::from_ref(one),
            Formats::Many(many) => many,
        }
    }
}

/// Where a run's configuration comes from: `--config FILE`, `--no-config`,
/// or else the first `ward.toml` from the working directory upward.
pub fn find(explicit: Option<&Path>, none: bool) -> Result<Option<PathBuf>, String> {
    if none {
        return Ok(None);
    }
    if let Some(path) = explicit {
        return Ok(Some(path.to_path_buf()));
    }
    let cwd = std::env::current_dir()
        .map_err(|error| format!("cannot read the working directory: {error}"))?;
    // The folders upward are named relatively (`..`, `../..`), so that the
    // paths of the file keep the names a run gives them from here.
    for depth in 0..cwd.ancestors().count() {
        let folder: PathBuf = std::iter::repeat_n("..", depth).collect();
        let candidate = folder.join(FILE_NAME);
        if candidate.is_file() {
            return Ok(Some(candidate));
        }
    }
    Ok(None)
}

/// Reads a configuration file; an unknown key or a value of the wrong kind
/// is an error naming the file, line and column.
pub fn read(path: &Path) -> Result<Config, String> {
    let name = display_name(path);
    let text = std::fs::read_to_string(path).map_err(|error| format!("{name}: {error}"))?;
    let mut config: Config = toml::from_str(&text).map_err(|error| {
        located(
            &name,
            &text,
            error.span(),
            error.message().trim_end_matches('\n'),
        )
    })?;
    if let Some(timeout) = &config.timeout {
        crate::inputs::parse_seconds(&timeout.get_ref().to_string())
            .map_err(|message| located(&name, &text, Some(timeout.span()), &message))?;
    }
    if let Some(size) = &config.max_input_size {
        let parsed = match size.get_ref() {
            toml::Value::Integer(bytes) => {
                u64::try_from(*bytes).map_err(|_| format!("`{bytes}` is not a size in bytes"))
            }
            toml::Value::String(text) => crate::inputs::parse_size(text),
            other => Err(format!(
                "a {} is not a size in bytes (for example 1000000 or \"64MiB\")",
                other.type_str()
            )),
        };
        parsed.map_err(|message| located(&name, &text, Some(size.span()), &message))?;
    }
    if let Some(formats) = &config.format {
        for format in formats.get_ref().list() {
            crate::parse_output(format)
                .map_err(|message| located(&name, &text, Some(formats.span()), &message))?;
        }
    }
    for (pattern, level) in &config.levels {
        if ward_abi::Level::parse(level.get_ref()).is_none() {
            return Err(located(
                &name,
                &text,
                Some(level.span()),
                &format!(
                    "`{}` (for `{pattern}`) is not a level: use advisory, soft-mandatory or hard-mandatory",
                    level.get_ref()
                ),
            ));
        }
    }
    for (pattern, severity) in &config.severities {
        if ward_abi::Severity::parse(severity.get_ref()).is_none() {
            return Err(located(
                &name,
                &text,
                Some(severity.span()),
                &format!(
                    "`{}` (for `{pattern}`) is not a severity: use critical, high, medium, low or info",
                    severity.get_ref()
                ),
            ));
        }
    }
    config.folder = path.parent().map(Path::to_path_buf).unwrap_or_default();
    Ok(config)
}

/// `FILE:LINE:COLUMN: message`, the position (counted from 1) of the start
/// of `span` in `text`.
fn located(name: &str, text: &str, span: Option<Range<usize>>, message: &str) -> String {
    let Some(span) = span else {
        return format!("{name}: {message}");
    };
    let before = &text[..span.start.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map_or(0, |last| last.chars().count())
        + 1;
    format!("{name}:{line}:{column}: {message}")
}

impl Config {
    /// A path of the file, relative to the folder that holds it (`-`,
    /// standard input, stays itself).
    pub fn path(&self, path: &Path) -> PathBuf {
        if path == Path::new(crate::inputs::STDIN) {
            return path.to_path_buf();
        }
        self.folder.join(path)
    }

    /// Every path of a list of the file.
    pub fn paths(&self, paths: &[PathBuf]) -> Vec<PathBuf> {
        paths.iter().map(|path| self.path(path)).collect()
    }

    /// The reports of the `format` key, their files relative to the
    /// file's folder (checked when read).
    pub fn outputs(&self) -> Vec<OutputArg> {
        let Some(formats) = &self.format else {
            return Vec::new();
        };
        formats
            .get_ref()
            .list()
            .iter()
            .filter_map(|format| crate::parse_output(format).ok())
            .map(|output| OutputArg {
                file: output.file.map(|file| self.path(&file)),
                ..output
            })
            .collect()
    }

    /// The `[params]` table as parameter overrides.
    /// The `[levels]` table (checked when read).
    pub fn levels(&self) -> Vec<(String, ward_abi::Level)> {
        self.levels
            .iter()
            .filter_map(|(pattern, level)| {
                Some((pattern.clone(), ward_abi::Level::parse(level.get_ref())?))
            })
            .collect()
    }

    /// The `[severities]` table (checked when read).
    pub fn severities(&self) -> Vec<(String, ward_abi::Severity)> {
        self.severities
            .iter()
            .filter_map(|(pattern, severity)| {
                Some((
                    pattern.clone(),
                    ward_abi::Severity::parse(severity.get_ref())?,
                ))
            })
            .collect()
    }

    pub fn params(&self) -> Vec<(String, Value)> {
        self.params
            .iter()
            .map(|(name, value)| {
                (
                    name.clone(),
                    serde_json::to_value(value).unwrap_or(Value::Null),
                )
            })
            .collect()
    }

    /// `max-input-size` in bytes (checked when read).
    pub fn max_input_size(&self) -> Option<u64> {
        self.max_input_size
            .as_ref()
            .and_then(|size| match size.get_ref() {
                toml::Value::Integer(bytes) => u64::try_from(*bytes).ok(),
                toml::Value::String(text) => crate::inputs::parse_size(text).ok(),
                _ => None,
            })
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::{Config, located};

    #[test]
    fn paths_are_relative_to_the_files_folder_but_standard_input() {
        let config = Config {
            folder: PathBuf::from("../.."),
            ..Config::default()
        };
        assert_eq!(
            config.path(Path::new("templates")),
            Path::new("../../templates")
        );
        assert_eq!(config.path(Path::new("/abs")), Path::new("/abs"));
        assert_eq!(config.path(Path::new("-")), Path::new("-"));
    }

    #[test]
    fn positions_count_from_one() {
        let text = "a = 1\nbad = 2\n";
        assert_eq!(located("w", text, Some(6..9), "m"), "w:2:1: m");
        assert_eq!(located("w", text, Some(4..5), "m"), "w:1:5: m");
        assert_eq!(located("w", text, None, "m"), "w: m");
    }
}
