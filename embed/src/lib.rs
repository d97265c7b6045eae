#![warn(missing_docs)]
//! Ward inside other programs: one surface over the compiler, the runtime
//! and the report library that gives the answers `ward check` gives.
//!
//! A [`Policy`] is compiled once (the standard library, `.ward` sources, or
//! a module built by `ward build`) and judges inputs many times: files and
//! folders as `ward check` walks them ([`Policy::check`]), or one input held
//! in memory ([`Policy::check_bytes`]). The result, [`Checked`], holds the
//! run's report (findings with their outcomes and positions, suppressions
//! applied, inputs that could not be judged) and renders it in every format
//! of the command: `ward check --format json` on the same files prints the
//! same bytes as [`Checked::render`] with [`Format::Json`].
//!
//! ```no_run
//! use ward_embed::{CheckOptions, Format, Policy};
//!
//! let policy = Policy::from_stdlib()?;
//! let checked = policy.check(&["template.yaml".into()], &CheckOptions::default())?;
//! for finding in &checked.report.findings {
//!     println!("{} {} {}", finding.rule, finding.resource, finding.message);
//! }
//! print!("{}", checked.render(Format::Sarif));
//! # Ok::<(), ward_embed::Error>(())
//! ```
//!
//! The modules below are the pieces `ward check` is made of, for hosts that
//! need them one by one.

pub mod inputs;
pub mod repository;
pub mod run;
pub mod selection;
pub mod sources;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

pub use ward_abi::{Finding, Outcome, RuleMeta, Severity};
pub use ward_config::Threshold;
pub use ward_report::{Format, RunReport};

use inputs::{Bounds, Deadline};
use run::Thresholds;

/// Why a call gave no report, by kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The policies do not compile: every diagnostic, rendered.
    Policy(String),
    /// A module could not be made, loaded or run by the engine.
    Module(String),
    /// A policy parameter names no parameter, or its value does not fit.
    Params(String),
    /// What to judge cannot be: no input found, a bad exclusion, an
    /// unreadable baseline or parameters file.
    Usage(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Policy(text)
            | Error::Module(text)
            | Error::Params(text)
            | Error::Usage(text) => f.write_str(text),
        }
    }
}

impl std::error::Error for Error {}

/// Compiled policies, ready to judge inputs.
pub struct Policy {
    module: ward_runtime::Policy,
}

impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Policy")
            .field("rules", &self.module.rules().len())
            .finish()
    }
}

/// How to judge: what `ward check`'s flags say besides the policies.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    /// `--exclude`: globs the walk of folders leaves out.
    pub exclude: Vec<String>,
    /// `--baseline`: a baseline of suppressions to apply.
    pub baseline: Option<PathBuf>,
    /// `--parameters`: a CloudFormation parameters file.
    pub parameters: Option<PathBuf>,
    /// `--verbose`: keep passes and skips in the report.
    pub verbose: bool,
    /// `--max-input-size`, in bytes.
    pub max_input_size: u64,
    /// `--timeout`, in seconds: inputs not judged by then are input errors.
    pub timeout: Option<f64>,
    /// `--max-values`: the most values one input may hold.
    pub max_values: usize,
    /// `--strict`: files that are not inputs are errors.
    pub strict: bool,
    /// Keep passes and skips in the report without `verbose`: what
    /// `ward check` does when it writes a JUnit report, which lists every
    /// test case. The other formats count them either way.
    pub keep_passes: bool,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            exclude: Vec::new(),
            baseline: None,
            parameters: None,
            verbose: false,
            max_input_size: Bounds::DEFAULT_MAX_INPUT_SIZE,
            timeout: None,
            max_values: ward_model::LoadOptions::default().max_values,
            strict: false,
            keep_passes: false,
        }
    }
}

/// A run's report and what rendering it needs.
#[derive(Debug)]
pub struct Checked {
    /// The report: findings, suppressed findings, outcomes, errors, inputs
    /// that could not be judged.
    pub report: RunReport,
    /// The inputs' texts, for the snippets of the human format.
    texts: HashMap<String, String>,
    /// Each file's path from its repository's root.
    paths: HashMap<String, String>,
    verbose: bool,
}

impl Checked {
    /// The report in a format, as `ward check --format` prints it (without
    /// colours).
    pub fn render(&self, format: Format) -> String {
        let options = ward_report::RenderOptions {
            verbose: self.verbose,
            color: false,
            sources: Some(&self.texts),
            repository_paths: Some(&self.paths),
        };
        ward_report::render(&self.report, format, &options)
    }

    /// The exit code `ward check` would end with: 2 when an input or a
    /// rule could not be judged, 1 when a finding reaches `fail_on` (or an
    /// *unknown* `fail_on_unknown`), else 0.
    pub fn exit_code(&self, fail_on: Threshold, fail_on_unknown: Threshold) -> u8 {
        run::exit_code(
            &self.report,
            &Thresholds {
                fail_on,
                fail_on_unknown,
                strict: self.report.strict,
            },
        )
    }
}

impl Policy {
    /// The standard library, as `ward check` runs it without `--policy`.
    ///
    /// # Errors
    ///
    /// [`Error::Module`] when the engine cannot start or compile it.
    pub fn from_stdlib() -> Result<Policy, Error> {
        Policy::from_sources(&[], false)
    }

    /// The `.ward` files under `paths` (files or folders), with the
    /// standard library's rules beside them when `with_stdlib` (as
    /// `ward check --policy PATHS [--stdlib]`); no paths is the standard
    /// library.
    ///
    /// # Errors
    ///
    /// [`Error::Policy`] with the diagnostics when they do not compile,
    /// [`Error::Usage`] when a path cannot be read, [`Error::Module`] when
    /// the engine fails.
    pub fn from_sources(paths: &[PathBuf], with_stdlib: bool) -> Result<Policy, Error> {
        let loaded = if with_stdlib {
            sources::load_policies_with_stdlib(paths)
        } else {
            sources::load_policies(paths)
        }
        .map_err(Error::Usage)?;
        let compiler = &loaded.compiler;
        let diagnostics = compiler.diagnostics();
        if diagnostics.iter().any(ward_compiler::Diagnostic::is_error) {
            let rendered: String = diagnostics
                .iter()
                .filter(|diagnostic| diagnostic.is_error())
                .map(|diagnostic| {
                    ward_compiler::diagnostics::render::render(diagnostic, compiler, false)
                })
                .collect();
            return Err(Error::Policy(rendered));
        }
        let program = ward_compiler::ir::program(&compiler.db, compiler.workspace)
            .clone()
            .ok_or_else(|| Error::Policy("the policies could not be lowered".to_string()))?;
        let wasm = ward_codegen::compile(&program)
            .map_err(|error| Error::Module(format!("code generation failed: {error}")))?;
        Policy::from_module(&wasm)
    }

    /// A module built by `ward build`.
    ///
    /// # Errors
    ///
    /// [`Error::Module`] when the engine cannot start or the module is not
    /// a Ward module of this ABI.
    pub fn from_module(wasm: &[u8]) -> Result<Policy, Error> {
        let engine =
            ward_runtime::Engine::new(ward_runtime::EngineConfig::default()).map_err(|error| {
                Error::Module(format!("cannot start the WebAssembly engine: {error}"))
            })?;
        let module = ward_runtime::Policy::load(&engine, wasm)
            .map_err(|error| Error::Module(error.to_string()))?;
        Ok(Policy { module })
    }

    /// The rules, in evaluation order.
    pub fn rules(&self) -> &[RuleMeta] {
        self.module.rules()
    }

    /// Sets policy parameters (`--param NAME=VALUE`): each names a
    /// parameter and gives a value of its type; the others keep their
    /// defaults.
    ///
    /// # Errors
    ///
    /// [`Error::Params`] naming the first that does not fit; the
    /// parameters are then unchanged.
    pub fn set_params(&mut self, overrides: &[(String, serde_json::Value)]) -> Result<(), Error> {
        self.module
            .set_params(overrides)
            .map_err(|error| Error::Params(error.to_string()))
    }

    /// Judges the inputs under `paths` (files, folders, `-` for standard
    /// input) as `ward check PATHS` does: the same walk, the same load
    /// errors and files that are not inputs, suppressions written in the
    /// templates and the baseline applied.
    ///
    /// # Errors
    ///
    /// [`Error::Usage`] when nothing can be judged (no input found, a bad
    /// exclusion glob, an unreadable baseline or parameters file).
    pub fn check(&self, paths: &[PathBuf], options: &CheckOptions) -> Result<Checked, Error> {
        let exclude =
            sources::Exclude::new(Path::new(""), &options.exclude).map_err(Error::Usage)?;
        let baseline = options
            .baseline
            .as_deref()
            .map(run::read_baseline)
            .transpose()
            .map_err(Error::Usage)?
            .unwrap_or_default();
        let parameters =
            inputs::load_parameters(options.parameters.as_deref()).map_err(Error::Usage)?;
        let load = ward_model::LoadOptions {
            parameters,
            kind: None,
            max_values: options.max_values,
        };
        let bounds = Bounds {
            deadline: options
                .timeout
                .map(|seconds| Deadline::new(std::time::Instant::now(), seconds)),
            max_input_size: options.max_input_size,
        };
        let mut inputs = inputs::load_inputs_excluding(paths, &exclude, &load, true, &bounds)
            .map_err(Error::Usage)?;
        let in_templates = inputs.suppressions();
        let texts = std::mem::take(&mut inputs.texts);
        let keep_passes = options.verbose || options.keep_passes;
        let mut report = run::evaluate(&self.module, &mut inputs, &bounds, keep_passes, &|| {});
        report.strict = options.strict;
        let names = run::apply_suppressions(&mut report, in_templates, baseline);
        Ok(Checked {
            report,
            texts,
            paths: names.paths,
            verbose: options.verbose,
        })
    }

    /// Judges one input held in memory, named `name` in the report: a
    /// template, a plan or Config items, in JSON or YAML. An input that
    /// does not load is an input error of the report, as in
    /// [`Policy::check`].
    pub fn check_bytes(&self, name: &str, bytes: &[u8]) -> Checked {
        let document = ward_model::load(name, bytes, &ward_model::LoadOptions::default());
        let mut run = ward_report::Run::new(self.module.rules());
        let mut texts = HashMap::new();
        if let Ok(text) = std::str::from_utf8(bytes) {
            texts.insert(name.to_string(), text.to_string());
        }
        let in_templates = match document {
            Ok(document) if document.kind == ward_model::InputKind::Json => {
                run.add_not_input(
                    name,
                    "neither a CloudFormation template, a Terraform plan nor AWS Config items",
                );
                ward_report::Suppressions::default()
            }
            Ok(document) => {
                let (suppressions, malformed) =
                    ward_report::Suppressions::from_documents([&document]);
                for error in malformed {
                    run.add_error(error);
                }
                let input = ward_runtime::Input::new(document);
                let report = self.module.evaluate(&input);
                run.add(input.document(), report);
                suppressions
            }
            Err(error) => {
                run.add_error(error);
                ward_report::Suppressions::default()
            }
        };
        let mut report = run.finish();
        let names = run::apply_suppressions(&mut report, in_templates, Default::default());
        Checked {
            report,
            texts,
            paths: names.paths,
            verbose: false,
        }
    }
}
