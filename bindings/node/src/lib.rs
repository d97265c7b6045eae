//! Ward's Node package, over `ward-embed`: compile policies once, judge
//! files or bytes, render the report in any format of `ward check`.
//!
//! The binding converts at its edge and adds nothing: paths and options
//! become `ward_embed` values, reports stay Rust values until JavaScript
//! asks for findings or a rendering. Errors are JavaScript errors whose
//! `code` names the kind (`POLICY`, `MODULE`, `PARAMS`, `USAGE`), and no
//! panic reaches Node: it becomes an error with the code `INTERNAL`.

#![allow(
    unsafe_code,
    reason = "napi-derive generates the Node-API glue as unsafe extern functions"
)]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use napi::bindgen_prelude::Buffer;
use napi_derive::napi;
use ward_embed::Threshold;

/// The kind of a failed call, the `code` of the JavaScript error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    /// The policies do not compile; the message holds the diagnostics.
    Policy,
    /// The engine or the module failed.
    Module,
    /// A policy parameter names nothing or does not fit.
    Params,
    /// Nothing can be judged, or an argument is out of range.
    Usage,
    /// Ward failed inside; the message says how.
    Internal,
}

impl AsRef<str> for ErrorCode {
    fn as_ref(&self) -> &str {
        match self {
            ErrorCode::Policy => "POLICY",
            ErrorCode::Module => "MODULE",
            ErrorCode::Params => "PARAMS",
            ErrorCode::Usage => "USAGE",
            ErrorCode::Internal => "INTERNAL",
        }
    }
}

type Result<T> = napi::Result<T, ErrorCode>;

fn error(code: ErrorCode, message: impl Into<String>) -> napi::Error<ErrorCode> {
    napi::Error::new(code, message.into())
}

fn from_embed(failure: ward_embed::Error) -> napi::Error<ErrorCode> {
    let code = match failure {
        ward_embed::Error::Policy(_) => ErrorCode::Policy,
        ward_embed::Error::Module(_) => ErrorCode::Module,
        ward_embed::Error::Params(_) => ErrorCode::Params,
        ward_embed::Error::Usage(_) => ErrorCode::Usage,
    };
    error(code, failure.to_string())
}

/// Runs `call`, turning a panic into an `INTERNAL` error so that it never
/// unwinds into Node.
fn guarded<T>(call: impl FnOnce() -> Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(call)).unwrap_or_else(|panic| {
        let reason = panic
            .downcast_ref::<&str>()
            .map(|text| (*text).to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_string());
        Err(error(
            ErrorCode::Internal,
            format!("ward failed inside: {reason}"),
        ))
    })
}

/// How `fromSources` compiles.
#[napi(object)]
pub struct SourceOptions {
    /// The standard library's rules beside the given ones (`--stdlib`).
    pub stdlib: Option<bool>,
}

/// How to judge: what `ward check`'s flags say besides the policies.
#[napi(object)]
pub struct CheckOptions {
    /// `--exclude`: globs the walk of folders leaves out.
    pub exclude: Option<Vec<String>>,
    /// `--baseline`: a baseline of suppressions to apply.
    pub baseline: Option<String>,
    /// `--parameters`: a CloudFormation parameters file.
    pub parameters: Option<String>,
    /// `--verbose`: keep passes and skips in the report.
    pub verbose: Option<bool>,
    /// `--max-input-size`, in bytes.
    pub max_input_size: Option<f64>,
    /// `--timeout`, in seconds: inputs not judged by then are input errors.
    pub timeout: Option<f64>,
    /// `--max-values`: the most values one input may hold.
    pub max_values: Option<u32>,
    /// `--strict`: files that are not inputs are errors.
    pub strict: Option<bool>,
    /// Keep passes and skips in the report (as `ward check` does when it
    /// writes JUnit) without listing them in the human format.
    pub keep_passes: Option<bool>,
}

impl CheckOptions {
    fn to_embed(&self) -> Result<ward_embed::CheckOptions> {
        let defaults = ward_embed::CheckOptions::default();
        let max_input_size = match self.max_input_size {
            None => defaults.max_input_size,
            Some(size) if size.is_finite() && size >= 0.0 && size.fract() == 0.0 => {
                // A whole, non-negative number of bytes; beyond u64 it saturates.
                size as u64
            }
            Some(size) => {
                return Err(error(
                    ErrorCode::Usage,
                    format!("`maxInputSize` must be a whole number of bytes, not `{size}`"),
                ));
            }
        };
        if let Some(seconds) = self.timeout
            && !(seconds.is_finite() && seconds > 0.0)
        {
            return Err(error(
                ErrorCode::Usage,
                format!("`timeout` must be a positive number of seconds, not `{seconds}`"),
            ));
        }
        Ok(ward_embed::CheckOptions {
            exclude: self.exclude.clone().unwrap_or_default(),
            baseline: self.baseline.as_ref().map(PathBuf::from),
            parameters: self.parameters.as_ref().map(PathBuf::from),
            verbose: self.verbose.unwrap_or(defaults.verbose),
            max_input_size,
            timeout: self.timeout,
            max_values: self
                .max_values
                .map_or(defaults.max_values, |values| values as usize),
            strict: self.strict.unwrap_or(defaults.strict),
            keep_passes: self.keep_passes.unwrap_or(defaults.keep_passes),
        })
    }
}

/// What makes `exitCode` 1, as `ward check --fail-on` and
/// `--fail-on-unknown` say.
#[napi(object)]
pub struct ExitCodeOptions {
    /// Default `low`.
    #[napi(
        ts_type = "'info' | 'low' | 'medium' | 'high' | 'critical' | 'advisory' | 'soft-mandatory' | 'hard-mandatory' | 'never'"
    )]
    pub fail_on: Option<String>,
    /// Default `never`.
    #[napi(
        ts_type = "'info' | 'low' | 'medium' | 'high' | 'critical' | 'advisory' | 'soft-mandatory' | 'hard-mandatory' | 'never'"
    )]
    pub fail_on_unknown: Option<String>,
}

fn threshold(word: Option<&str>, default: Threshold, option: &str) -> Result<Threshold> {
    match word {
        None => Ok(default),
        Some(word) => {
            serde_json::from_value(serde_json::Value::String(word.to_string())).map_err(|_| {
                error(
                    ErrorCode::Usage,
                    format!(
                        "`{option}` must be one of info, low, medium, high, critical, \
                         advisory, soft-mandatory, hard-mandatory, never; not `{word}`"
                    ),
                )
            })
        }
    }
}

/// One finding of a report.
#[napi(object)]
pub struct Finding {
    /// The rule's id (`NET-001`), or its qualified name when it has none.
    pub rule: String,
    /// `info`, `low`, `medium`, `high` or `critical`.
    #[napi(ts_type = "'info' | 'low' | 'medium' | 'high' | 'critical'")]
    pub severity: String,
    /// `fail`, or `unknown` when the input could not determine the result.
    #[napi(ts_type = "'fail' | 'unknown'")]
    pub outcome: String,
    /// CloudFormation logical id, Terraform address or ARN.
    pub resource: String,
    /// The resource's type, empty for findings on plain data.
    pub resource_type: String,
    /// The path of the offending value (`$.Resources.Sg.Properties...`).
    pub path: String,
    /// The message with its template filled in.
    pub message: String,
    /// The input file.
    pub file: String,
    /// 1-based line of the offending value.
    pub line: u32,
    /// 1-based column of the offending value, in characters.
    pub column: u32,
}

impl From<&ward_embed::Finding> for Finding {
    fn from(finding: &ward_embed::Finding) -> Self {
        Finding {
            rule: finding.rule.to_string(),
            severity: finding.severity.as_str().to_string(),
            outcome: finding.outcome.as_str().to_string(),
            resource: finding.resource.to_string(),
            resource_type: finding.resource_type.to_string(),
            path: finding.path.clone(),
            message: finding.message.clone(),
            file: finding.file.to_string(),
            line: finding.line,
            column: finding.column,
        }
    }
}

/// One rule of a policy.
#[napi(object)]
pub struct Rule {
    /// The `@id`, or the qualified name when the rule has none.
    pub id: String,
    /// The rule's name.
    pub name: String,
    /// The package, dotted.
    pub package: String,
    /// The severity of its findings.
    #[napi(ts_type = "'info' | 'low' | 'medium' | 'high' | 'critical'")]
    pub severity: String,
    /// One line.
    pub title: String,
    /// The resource types the rule binds, as written.
    pub resource_types: Vec<String>,
}

/// Compiled policies, ready to judge inputs.
#[napi]
pub struct Policy {
    inner: ward_embed::Policy,
}

#[napi]
impl Policy {
    /// The standard library, as `ward check` runs it without `--policy`.
    #[napi(factory)]
    pub fn from_stdlib() -> Result<Policy> {
        guarded(|| {
            ward_embed::Policy::from_stdlib()
                .map(|inner| Policy { inner })
                .map_err(from_embed)
        })
    }

    /// The `.ward` files under `paths` (files or folders), with the
    /// standard library's rules beside them when `options.stdlib`.
    #[napi(factory)]
    pub fn from_sources(paths: Vec<String>, options: Option<SourceOptions>) -> Result<Policy> {
        guarded(|| {
            let paths: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
            let with_stdlib = options.and_then(|options| options.stdlib).unwrap_or(false);
            ward_embed::Policy::from_sources(&paths, with_stdlib)
                .map(|inner| Policy { inner })
                .map_err(from_embed)
        })
    }

    /// A module built by `ward build`.
    #[napi(factory)]
    pub fn from_module(wasm: Buffer) -> Result<Policy> {
        guarded(|| {
            ward_embed::Policy::from_module(&wasm)
                .map(|inner| Policy { inner })
                .map_err(from_embed)
        })
    }

    /// The rules, in evaluation order.
    #[napi]
    pub fn rules(&self) -> Result<Vec<Rule>> {
        guarded(|| {
            Ok(self
                .inner
                .rules()
                .iter()
                .map(|rule| Rule {
                    id: rule.id.clone(),
                    name: rule.name.clone(),
                    package: rule.package.clone(),
                    severity: rule.severity.as_str().to_string(),
                    title: rule.title.clone(),
                    resource_types: rule.resource_types.clone(),
                })
                .collect())
        })
    }

    /// Sets policy parameters, `{ name: value }`; the others keep their
    /// values. When one does not fit, none is set.
    #[napi(ts_args_type = "params: Record<string, unknown>")]
    pub fn set_params(&mut self, params: serde_json::Value) -> Result<()> {
        guarded(|| {
            let serde_json::Value::Object(params) = params else {
                return Err(error(
                    ErrorCode::Params,
                    "the parameters must be an object of names and values",
                ));
            };
            let overrides: Vec<(String, serde_json::Value)> = params.into_iter().collect();
            self.inner.set_params(&overrides).map_err(from_embed)
        })
    }

    /// Judges the inputs under `paths` (files, folders) as `ward check
    /// PATHS` does.
    #[napi]
    pub fn check(&self, paths: Vec<String>, options: Option<CheckOptions>) -> Result<Report> {
        guarded(|| {
            let options = match options {
                Some(options) => options.to_embed()?,
                None => ward_embed::CheckOptions::default(),
            };
            let paths: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
            self.inner
                .check(&paths, &options)
                .map(|checked| Report { checked })
                .map_err(from_embed)
        })
    }

    /// Judges one input held in memory, named `name` in the report; an
    /// input that does not load is an input error of the report.
    #[napi]
    pub fn check_bytes(&self, name: String, bytes: Buffer) -> Result<Report> {
        guarded(|| {
            Ok(Report {
                checked: self.inner.check_bytes(&name, &bytes),
            })
        })
    }
}

/// A run's report.
#[napi]
pub struct Report {
    checked: ward_embed::Checked,
}

#[napi]
impl Report {
    /// The findings, ordered by file, line, column, rule, resource.
    #[napi(getter)]
    pub fn findings(&self) -> Result<Vec<Finding>> {
        guarded(|| {
            Ok(self
                .checked
                .report
                .findings
                .iter()
                .map(Finding::from)
                .collect())
        })
    }

    /// How many inputs could not be judged (they do not load).
    #[napi(getter)]
    pub fn input_error_count(&self) -> u32 {
        u32::try_from(self.checked.report.input_errors.len()).unwrap_or(u32::MAX)
    }

    /// How many findings a suppression took out.
    #[napi(getter)]
    pub fn suppressed_count(&self) -> u32 {
        u32::try_from(self.checked.report.suppressed.len()).unwrap_or(u32::MAX)
    }

    fn render(&self, format: ward_embed::Format) -> Result<String> {
        guarded(|| Ok(self.checked.render(format)))
    }

    /// The report as `ward check --format json` prints it.
    #[napi]
    pub fn to_json(&self) -> Result<String> {
        self.render(ward_embed::Format::Json)
    }

    /// The report as `ward check --format sarif` prints it.
    #[napi]
    pub fn to_sarif(&self) -> Result<String> {
        self.render(ward_embed::Format::Sarif)
    }

    /// The report as `ward check --format junit` prints it.
    #[napi]
    pub fn to_junit(&self) -> Result<String> {
        self.render(ward_embed::Format::Junit)
    }

    /// The report as `ward check` prints it for people, without colours.
    #[napi]
    pub fn to_human(&self) -> Result<String> {
        self.render(ward_embed::Format::Human)
    }

    /// The exit code `ward check` would end with: 2 when an input or a
    /// rule could not be judged, 1 when a finding reaches `failOn` (or an
    /// unknown one `failOnUnknown`), else 0.
    #[napi]
    pub fn exit_code(&self, options: Option<ExitCodeOptions>) -> Result<u32> {
        guarded(|| {
            let (fail_on, fail_on_unknown) = match &options {
                Some(options) => (
                    options.fail_on.as_deref(),
                    options.fail_on_unknown.as_deref(),
                ),
                None => (None, None),
            };
            let fail_on = threshold(fail_on, Threshold::Low, "failOn")?;
            let fail_on_unknown = threshold(fail_on_unknown, Threshold::Never, "failOnUnknown")?;
            Ok(u32::from(self.checked.exit_code(fail_on, fail_on_unknown)))
        })
    }
}
