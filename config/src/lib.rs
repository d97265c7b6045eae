//! The configuration file of `ward check`, `ward.toml`: its keys are the
//! flags of `ward check`, and a flag given on the command line overrides
//! the key. This crate reads the file's text and checks every value; it
//! does no I/O. Finding the file (from the working directory upward, or
//! `--config`) and reading it are the command's.
//!
//! ```
//! let config = ward_config::parse("fail-on = \"high\"\npaths = [\"templates\"]\n").unwrap();
//! assert_eq!(config.fail_on, Some(ward_config::Threshold::High));
//!
//! let error = ward_config::parse("fail-on = \"loud\"\n").unwrap_err();
//! assert!(error.located("ward.toml", "fail-on = \"loud\"\n").starts_with("ward.toml:1:11: "));
//! ```

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

/// The name of the configuration file looked for.
pub const FILE_NAME: &str = "ward.toml";

/// The input path that stands for standard input.
pub const STDIN: &str = "-";

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
    pub fail_on: Option<Threshold>,
    /// `--fail-on-unknown`.
    pub fail_on_unknown: Option<Threshold>,
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
    /// Set by whoever read the file; empty for the working directory.
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
    /// Each format as written.
    pub fn list(&self) -> &[String] {
        match self {
            Formats::One(one) => std::slice::from_ref(one),
            Formats::Many(many) => many,
        }
    }
}

/// A value of the file that is not right: a message, and the byte range
/// of the value in the file's text when the parser knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// What is wrong, lowercase, without a final period.
    pub message: String,
    /// Where, in bytes of the text that was parsed.
    pub span: Option<Range<usize>>,
}

impl ConfigError {
    fn at(span: Range<usize>, message: impl Into<String>) -> ConfigError {
        ConfigError {
            message: message.into(),
            span: Some(span),
        }
    }

    /// The line and column (counted from 1, columns in characters) of the
    /// start of the error in `text`, the text that was parsed.
    pub fn position(&self, text: &str) -> Option<(usize, usize)> {
        let span = self.span.as_ref()?;
        let mut start = span.start.min(text.len());
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let before = text.get(..start).unwrap_or_default();
        let line = before.matches('\n').count() + 1;
        let column = before
            .rsplit('\n')
            .next()
            .map_or(0, |last| last.chars().count())
            + 1;
        Some((line, column))
    }

    /// `NAME:LINE:COLUMN: message`, or `NAME: message` without a position:
    /// the error as the command prints it, for the file called `name`
    /// whose text is `text`.
    pub fn located(&self, name: &str, text: &str) -> String {
        match self.position(text) {
            Some((line, column)) => format!("{name}:{line}:{column}: {}", self.message),
            None => format!("{name}: {}", self.message),
        }
    }
}

/// Reads the text of a configuration file; an unknown key or a value of
/// the wrong kind is an error located in `text`. The paths of the result
/// are relative to [`Config::folder`], which is left empty.
pub fn parse(text: &str) -> Result<Config, ConfigError> {
    let config: Config = toml::from_str(text).map_err(|error| ConfigError {
        message: error.message().trim_end_matches('\n').to_string(),
        span: error.span(),
    })?;
    if let Some(timeout) = &config.timeout {
        parse_seconds(&timeout.get_ref().to_string())
            .map_err(|message| ConfigError::at(timeout.span(), message))?;
    }
    if let Some(size) = &config.max_input_size {
        size_value(size.get_ref()).map_err(|message| ConfigError::at(size.span(), message))?;
    }
    if let Some(formats) = &config.format {
        for format in formats.get_ref().list() {
            parse_output(format).map_err(|message| ConfigError::at(formats.span(), message))?;
        }
    }
    for (pattern, level) in &config.levels {
        if ward_abi::Level::parse(level.get_ref()).is_none() {
            return Err(ConfigError::at(
                level.span(),
                format!(
                    "`{}` (for `{pattern}`) is not a level: use advisory, soft-mandatory or hard-mandatory",
                    level.get_ref()
                ),
            ));
        }
    }
    for (pattern, severity) in &config.severities {
        if ward_abi::Severity::parse(severity.get_ref()).is_none() {
            return Err(ConfigError::at(
                severity.span(),
                format!(
                    "`{}` (for `{pattern}`) is not a severity: use critical, high, medium, low or info",
                    severity.get_ref()
                ),
            ));
        }
    }
    Ok(config)
}

/// The value of `max-input-size` in bytes: a whole number, or a text with
/// a unit.
fn size_value(value: &toml::Value) -> Result<u64, String> {
    match value {
        toml::Value::Integer(bytes) => {
            u64::try_from(*bytes).map_err(|_| format!("`{bytes}` is not a size in bytes"))
        }
        toml::Value::String(text) => parse_size(text),
        other => Err(format!(
            "a {} is not a size in bytes (for example 1000000 or \"64MiB\")",
            other.type_str()
        )),
    }
}

impl Config {
    /// A path of the file, relative to the folder that holds it (`-`,
    /// standard input, stays itself).
    pub fn path(&self, path: &Path) -> PathBuf {
        if path == Path::new(STDIN) {
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
    pub fn outputs(&self) -> Vec<Output> {
        let Some(formats) = &self.format else {
            return Vec::new();
        };
        formats
            .get_ref()
            .list()
            .iter()
            .filter_map(|format| parse_output(format).ok())
            .map(|output| Output {
                file: output.file.map(|file| self.path(&file)),
                ..output
            })
            .collect()
    }

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

    /// The `[params]` table as parameter overrides.
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

    /// `timeout` in seconds (checked when read).
    pub fn timeout(&self) -> Option<f64> {
        self.timeout.as_ref().map(|timeout| *timeout.get_ref())
    }

    /// `max-input-size` in bytes (checked when read).
    pub fn max_input_size(&self) -> Option<u64> {
        self.max_input_size
            .as_ref()
            .and_then(|size| size_value(size.get_ref()).ok())
    }
}

/// A threshold of `--fail-on` and `--fail-on-unknown`: a severity, an
/// enforcement level, or never.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum Threshold {
    /// Informational and above.
    Info,
    /// Low and above.
    Low,
    /// Medium and above.
    Medium,
    /// High and above.
    High,
    /// Critical only.
    Critical,
    /// Every finding, advisory rules' included.
    Advisory,
    /// Findings of soft- and hard-mandatory rules, of any severity.
    SoftMandatory,
    /// Findings of hard-mandatory rules, of any severity.
    HardMandatory,
    /// Never fail on findings.
    Never,
}

impl Threshold {
    /// The lowest severity of a finding that makes the exit code 1, and
    /// the lowest enforcement level of its rule, or `None` for `never`. A
    /// severity counts the rules that are not advisory; a level counts
    /// every severity.
    pub fn threshold(self) -> Option<(ward_abi::Severity, ward_abi::Level)> {
        use ward_abi::{Level, Severity};
        let severity = |severity| Some((severity, Level::SoftMandatory));
        match self {
            Threshold::Info => severity(Severity::Info),
            Threshold::Low => severity(Severity::Low),
            Threshold::Medium => severity(Severity::Medium),
            Threshold::High => severity(Severity::High),
            Threshold::Critical => severity(Severity::Critical),
            Threshold::Advisory => Some((Severity::Info, Level::Advisory)),
            Threshold::SoftMandatory => Some((Severity::Info, Level::SoftMandatory)),
            Threshold::HardMandatory => Some((Severity::Info, Level::HardMandatory)),
            Threshold::Never => None,
        }
    }
}

/// How findings are reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum ReportFormat {
    /// Source snippets for people.
    Human,
    /// JSON.
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// JUnit XML.
    Junit,
}

impl ReportFormat {
    /// Every format, in the order help lists them.
    pub const ALL: [ReportFormat; 4] = [
        ReportFormat::Human,
        ReportFormat::Json,
        ReportFormat::Sarif,
        ReportFormat::Junit,
    ];

    /// The format's name, as flags and the file spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportFormat::Human => "human",
            ReportFormat::Json => "json",
            ReportFormat::Sarif => "sarif",
            ReportFormat::Junit => "junit",
        }
    }

    /// The format of a name, in any case.
    pub fn parse(name: &str) -> Option<ReportFormat> {
        ReportFormat::ALL
            .into_iter()
            .find(|format| format.as_str().eq_ignore_ascii_case(name))
    }
}

/// A report to write: its format and, for `FORMAT=FILE`, its file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    /// The format.
    pub format: ReportFormat,
    /// The file, or `None` for standard output.
    pub file: Option<PathBuf>,
}

/// Parses `FORMAT` or `FORMAT=FILE` (`--format sarif=out.sarif`).
pub fn parse_output(text: &str) -> Result<Output, String> {
    let (name, file) = match text.split_once('=') {
        Some((name, file)) if !file.is_empty() => (name, Some(PathBuf::from(file))),
        Some(_) => return Err(format!("`{text}`: write FORMAT=FILE")),
        None => (text, None),
    };
    let format = ReportFormat::parse(name.trim())
        .ok_or_else(|| format!("`{name}` is not a report format (human, json, sarif, junit)"))?;
    Ok(Output { format, file })
}

/// Parses a positive number of seconds (`30`, `0.5`).
pub fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(seconds) if seconds.is_finite() && seconds > 0.0 => Ok(seconds),
        _ => Err(format!(
            "`{text}` is not a positive number of seconds (for example 30 or 0.5)"
        )),
    }
}

/// Parses a size in bytes: a whole number with an optional unit, `KB`,
/// `MB`, `GB` (powers of 1000) or `KiB`, `MiB`, `GiB` (powers of 1024),
/// in any case (`64MiB`, `1GB`, `1000`).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(trimmed.len());
    let (digits, unit) = trimmed.split_at(split);
    let unit = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => Some(1),
        "kb" => Some(1000),
        "mb" => Some(1000 * 1000),
        "gb" => Some(1000 * 1000 * 1000),
        "kib" => Some(1 << 10),
        "mib" => Some(1 << 20),
        "gib" => Some(1 << 30),
        _ => None,
    };
    unit.zip(digits.parse::<u64>().ok())
        .and_then(|(unit, count)| count.checked_mul(unit))
        .ok_or_else(|| {
            format!("`{text}` is not a size in bytes (for example 1000000, 64MiB or 1GB)")
        })
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::{
        Config, ConfigError, Output, ReportFormat, Threshold, parse, parse_output, parse_seconds,
        parse_size,
    };

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
        let at = |span| ConfigError {
            message: "m".to_string(),
            span,
        };
        assert_eq!(at(Some(6..9)).located("w", text), "w:2:1: m");
        assert_eq!(at(Some(4..5)).located("w", text), "w:1:5: m");
        assert_eq!(at(None).located("w", text), "w: m");
        // Columns count characters; a span inside a character is placed
        // at its start, and one past the end at the end.
        assert_eq!(at(Some(7..8)).located("w", "é = \"\u{e9}\""), "w:1:6: m");
        assert_eq!(at(Some(99..100)).located("w", text), "w:3:1: m");
    }

    #[test]
    fn every_value_is_checked_where_it_is_written() {
        let error = |text: &str| {
            let error = parse(text).expect_err(text);
            error.located("ward.toml", text)
        };
        assert_eq!(
            error("timeout = -1.0\n"),
            "ward.toml:1:11: `-1` is not a positive number of seconds (for example 30 or 0.5)"
        );
        assert!(error("max-input-size = true\n").starts_with("ward.toml:1:18: a boolean"));
        assert!(
            error("format = [\"json\", \"pdf\"]\n")
                .starts_with("ward.toml:1:10: `pdf` is not a report format")
        );
        assert!(error("[levels]\n\"S3-*\" = \"loud\"\n").starts_with("ward.toml:2:10: `loud`"));
        assert!(error("[severities]\nx = \"huge\"\n").starts_with("ward.toml:2:5: `huge`"));
        assert!(error("colour = true\n").starts_with("ward.toml:1:1: unknown field `colour`"));
        assert!(error("fail-on = 3\n").starts_with("ward.toml:1:11: "));
    }

    #[test]
    fn a_file_gives_its_values() {
        let mut config = parse(
            "fail-on = \"hard-mandatory\"\nformat = [\"sarif=out/ward.sarif\", \"HUMAN\"]\n\
             max-input-size = \"2KiB\"\ntimeout = 1.5\n\
             [levels]\n\"S3-*\" = \"advisory\"\n[params]\nports = [22, 3389]\n",
        )
        .expect("a good file");
        config.folder = PathBuf::from("conf");
        assert_eq!(config.fail_on, Some(Threshold::HardMandatory));
        assert_eq!(
            config.outputs(),
            [
                Output {
                    format: ReportFormat::Sarif,
                    file: Some(PathBuf::from("conf/out/ward.sarif"))
                },
                Output {
                    format: ReportFormat::Human,
                    file: None
                }
            ]
        );
        assert_eq!(config.max_input_size(), Some(2048));
        assert_eq!(config.timeout(), Some(1.5));
        assert_eq!(config.levels().len(), 1);
        assert_eq!(
            config.params(),
            [("ports".to_string(), serde_json::json!([22, 3389]))]
        );
    }

    #[test]
    fn outputs_name_a_format_and_maybe_a_file() {
        assert_eq!(
            parse_output("json"),
            Ok(Output {
                format: ReportFormat::Json,
                file: None
            })
        );
        assert!(parse_output("json=").is_err());
        assert!(parse_output("xml=out.xml").is_err());
    }

    #[test]
    fn sizes_take_units() {
        assert_eq!(parse_size("1000"), Ok(1000));
        assert_eq!(parse_size("64MiB"), Ok(64 << 20));
        assert_eq!(parse_size("1GB"), Ok(1_000_000_000));
        assert_eq!(parse_size("2 kib"), Ok(2048));
        for bad in ["", "MiB", "1.5MiB", "-1", "3XB", "99999999999999GiB", "1TB"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn seconds_are_positive_and_finite() {
        assert_eq!(parse_seconds("30"), Ok(30.0));
        assert_eq!(parse_seconds("0.5"), Ok(0.5));
        for bad in ["0", "-1", "inf", "NaN", "soon", ""] {
            assert!(parse_seconds(bad).is_err(), "{bad}");
        }
    }
}
