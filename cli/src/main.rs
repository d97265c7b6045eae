//! The `ward` command: build, check, evaluate, test and format policies, and
//! serve the language server. This crate and the language server are the
//! only places that read and write files.

// The system allocator. mimalloc, used before, backed its memory with
// transparent huge pages: a fifth faster on a 10,000-resource template, but
// with 30 MiB more resident memory (77 against 45 MiB); without huge pages
// it was no faster than the system allocator and held 12 MiB more. See
// docs/performance.md.

mod commands;
mod config;
mod params;
mod progress;
mod sources;
mod stdout;
mod wasm;

use ward_embed::{inputs, repository, selection};

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::OnceLock;
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};
pub use ward_config::{Output, ReportFormat, Threshold, parse_output};

pub use ward_embed::run::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};

#[derive(Parser, Debug)]
#[command(
    name = "ward",
    version,
    about = "Policy as code for AWS infrastructure, compiled to WebAssembly"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
#[allow(
    clippy::large_enum_variant,
    reason = "parsed once per process; `ward check` has many flags"
)]
enum Command {
    /// Check policies and compile them into one WebAssembly module.
    Build {
        /// Policy files or directories (searched for `.ward` files).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Where to write the module.
        #[arg(short, long, default_value = "policy.wasm")]
        output: PathBuf,
        /// How to print diagnostics.
        #[arg(long, value_enum, default_value_t = DiagnosticFormat::Human)]
        format: DiagnosticFormat,
    },
    /// Evaluate policies (the standard library by default) on templates,
    /// plans and inventory.
    Check {
        /// Policy files or directories; without any, the standard library.
        #[arg(long = "policy", short = 'p')]
        policies: Vec<PathBuf>,
        /// Report format: human, json, sarif or junit [default: human].
        /// `FORMAT=FILE` writes that report to a file; repeat the flag for
        /// several reports of one run (at most one without a file, written
        /// to standard output or `--output`).
        #[arg(long, value_name = "FORMAT[=FILE]", value_parser = parse_output)]
        format: Vec<Output>,
        /// Write the report that names no file to this file instead of
        /// standard output.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Write no report to standard output (reports to files are still
        /// written; errors still go to standard error).
        #[arg(long, short = 'q')]
        quiet: bool,
        /// Colours: `auto` when writing to a terminal and `NO_COLOR` is
        /// not set.
        #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
        color: ColorArg,
        /// Exit with 1 when a finding has at least this severity
        /// [default: low].
        #[arg(long, value_enum)]
        fail_on: Option<Threshold>,
        /// Exit with 1 when an unknown outcome (a value the input does not
        /// determine) has a finding of at least this severity
        /// [default: never].
        #[arg(long, value_enum)]
        fail_on_unknown: Option<Threshold>,
        /// Exit with 2 when a file is not a recognised input (by default it
        /// is reported and counted, and the run goes on).
        #[arg(long)]
        strict: bool,
        /// CloudFormation parameter values: a JSON parameters file or key=value lines.
        #[arg(long)]
        parameters: Option<PathBuf>,
        /// Also list passing and skipped resources.
        #[arg(long)]
        verbose: bool,
        /// How to evaluate: the compiled WebAssembly module, or the
        /// reference interpreter of the compiler (for comparison).
        #[arg(long, value_enum, default_value_t = EngineArg::Wasm)]
        engine: EngineArg,
        /// Suppressions to apply, each with its reason (see
        /// `ward check --write-baseline`).
        #[arg(long, conflicts_with = "write_baseline")]
        baseline: Option<PathBuf>,
        /// Write a baseline that suppresses every current finding, with
        /// `--reason`, then report as if it had been given.
        #[arg(long, requires = "reason")]
        write_baseline: Option<PathBuf>,
        /// The reason written into each suppression of `--write-baseline`.
        #[arg(long, requires = "write_baseline")]
        reason: Option<String>,
        /// Run the standard library's rules beside the `--policy` files
        /// (without `--policy`, the standard library runs alone).
        #[arg(long)]
        stdlib: bool,
        /// Set a policy parameter: `NAME=VALUE`, the value a YAML or JSON
        /// scalar or list (`90`, `[owner, team]`), else text. NAME is the
        /// qualified name or, when unique, the short one. Repeatable;
        /// overrides `--params`.
        #[arg(long = "param", value_name = "NAME=VALUE")]
        param: Vec<String>,
        /// A YAML or JSON file mapping policy parameter names to values.
        #[arg(long = "params", value_name = "FILE")]
        params_file: Option<PathBuf>,
        #[command(flatten)]
        bounds: BoundsArgs,
        /// Run only these rules: ids (`WARD-NET-001`), rule names, packages
        /// (`aws.network`) or globs (`WARD-NET-*`). Repeatable,
        /// comma-separated too.
        #[arg(long, value_name = "PATTERN")]
        rules: Vec<String>,
        /// Do not run these rules (patterns as for `--rules`). Repeatable,
        /// comma-separated too.
        #[arg(long, value_name = "PATTERN")]
        skip_rules: Vec<String>,
        /// Run only the rules that name this control (`CIS:5.2`, or a
        /// glob: `CIS:*`). Repeatable, comma-separated too.
        #[arg(long, value_name = "CONTROL")]
        control: Vec<String>,
        /// The configuration file (default: the first `ward.toml` from the
        /// working directory upward).
        #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
        config: Option<PathBuf>,
        /// Read no configuration file.
        #[arg(long)]
        no_config: bool,
        /// Leave out of the walk of input folders the paths this glob
        /// matches, as a `.gitignore` line does (`legacy/`, `*.json`,
        /// `/generated`). Repeatable; a file given is always read.
        #[arg(long, value_name = "GLOB")]
        exclude: Vec<String>,
        /// Input files or directories, `-` for standard input (default:
        /// `paths` of the configuration file).
        inputs: Vec<PathBuf>,
    },
    /// Run a compiled module on inputs.
    Eval {
        /// Set a policy parameter: `NAME=VALUE`, the value a YAML or JSON
        /// scalar or list (`90`, `[owner, team]`), else text. NAME is the
        /// qualified name or, when unique, the short one. Repeatable;
        /// overrides `--params`.
        #[arg(long = "param", value_name = "NAME=VALUE")]
        param: Vec<String>,
        /// A YAML or JSON file mapping policy parameter names to values.
        #[arg(long = "params", value_name = "FILE")]
        params_file: Option<PathBuf>,
        /// The module built by `ward build`.
        module: PathBuf,
        /// Input files.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Report format.
        #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
        format: ReportFormat,
        /// Exit with 1 when a finding has at least this severity.
        #[arg(long, value_enum, default_value_t = Threshold::Low)]
        fail_on: Threshold,
        /// Exit with 1 when an unknown outcome (a value the input does not
        /// determine) has a finding of at least this severity.
        #[arg(long, value_enum, default_value_t = Threshold::Never)]
        fail_on_unknown: Threshold,
        /// Exit with 2 when a file is not a recognised input (by default it
        /// is reported and counted, and the run goes on).
        #[arg(long)]
        strict: bool,
        /// Also list passing and skipped resources.
        #[arg(long)]
        verbose: bool,
        #[command(flatten)]
        bounds: BoundsArgs,
    },
    /// Run the `test` blocks of policies.
    Test {
        /// Policy files or directories (default: the current directory).
        paths: Vec<PathBuf>,
        /// Run only the tests whose name contains this text.
        #[arg(long)]
        filter: Option<String>,
    },
    /// Format policy files.
    Fmt {
        /// Only check; exit with 1 when a file would change.
        #[arg(long)]
        check: bool,
        /// Files or directories (default: the current directory).
        paths: Vec<PathBuf>,
    },
    /// Run the language server on standard input and output.
    Lsp,
    /// List the rules of policies (the standard library by default).
    Rules {
        /// Policy files or directories; without any, the standard library.
        #[arg(long = "policy", short = 'p')]
        policies: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = RulesFormat::Table)]
        format: RulesFormat,
        /// Only the rules that name a control: `CIS:5.2`, a prefix such as
        /// `WA:SEC05`, or a glob (`CIS:*`); repeatable, or comma-separated.
        #[arg(long = "control", value_name = "CONTROL")]
        controls: Vec<String>,
        /// Only the rules written for an input format: `cloudformation`,
        /// `terraform`, `config`; repeatable, or comma-separated.
        #[arg(long = "input-format", value_name = "FORMAT")]
        input_formats: Vec<String>,
    },
}

/// The bounds of a run of `ward check` and `ward eval`.
#[derive(Args, Debug, Clone, Copy)]
pub struct BoundsArgs {
    /// Stop judging inputs this many seconds after the start of the run:
    /// the inputs not judged by then are reported as input errors (exit
    /// code 2), the findings made are kept.
    #[arg(long, value_name = "SECONDS", value_parser = ward_config::parse_seconds)]
    timeout: Option<f64>,
    /// The largest input read, in bytes, with an optional unit (`64MiB`,
    /// `1GB`); a bigger input is an input error and is not read.
    /// [default: 256MiB]
    #[arg(long, value_name = "BYTES", value_parser = ward_config::parse_size)]
    max_input_size: Option<u64>,
    /// The most values (scalars, lists, objects) one input may hold; an
    /// input with more is an input error [default: 10000000].
    #[arg(long, value_name = "COUNT")]
    max_values: Option<usize>,
}

impl BoundsArgs {
    /// The bounds these flags give, the deadline counted from the start of
    /// the process.
    pub fn bounds(&self) -> inputs::Bounds {
        inputs::Bounds {
            deadline: self
                .timeout
                .map(|seconds| inputs::Deadline::new(started(), seconds)),
            max_input_size: self
                .max_input_size
                .unwrap_or(inputs::Bounds::DEFAULT_MAX_INPUT_SIZE),
        }
    }

    /// `--max-values`, or its default.
    pub fn max_values(&self) -> usize {
        self.max_values
            .unwrap_or(ward_model::LoadOptions::DEFAULT_MAX_VALUES)
    }
}

/// When the process started (first asked for at the start of `main`).
fn started() -> Instant {
    static STARTED: OnceLock<Instant> = OnceLock::new();
    *STARTED.get_or_init(Instant::now)
}

/// How diagnostics are printed.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum DiagnosticFormat {
    /// Source snippets for people.
    Human,
    /// One JSON document.
    Json,
}

/// When reports and diagnostics are coloured.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq, Default)]
pub enum ColorArg {
    /// When writing to a terminal and `NO_COLOR` is not set.
    #[default]
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The report library's name of a format.
pub fn report_format(format: ReportFormat) -> ward_report::Format {
    match format {
        ReportFormat::Human => ward_report::Format::Human,
        ReportFormat::Json => ward_report::Format::Json,
        ReportFormat::Sarif => ward_report::Format::Sarif,
        ReportFormat::Junit => ward_report::Format::Junit,
    }
}

/// Rule listing formats.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum RulesFormat {
    /// An aligned table.
    Table,
    /// JSON.
    Json,
    /// A Markdown table.
    Markdown,
}

/// How `ward check` evaluates.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum EngineArg {
    /// Compile to WebAssembly and run under the runtime.
    Wasm,
    /// Interpret the compiler's IR.
    Reference,
}

/// Checks that at most one report goes to standard output, and sends it to
/// `--output` when given.
fn direct_outputs(outputs: &mut [Output], output: Option<PathBuf>) -> Result<(), String> {
    let mut to_stdout = outputs.iter_mut().filter(|output| output.file.is_none());
    let first = to_stdout.next();
    if to_stdout.next().is_some() {
        return Err(
            "at most one `--format` may go to standard output: write FORMAT=FILE for the others"
                .to_string(),
        );
    }
    match (first, output) {
        (Some(first), Some(file)) => first.file = Some(file),
        (None, Some(file)) => {
            return Err(format!(
                "`--output {}`: every `--format` names its file already",
                file.display()
            ));
        }
        _ => {}
    }
    Ok(())
}

fn main() -> ExitCode {
    started();
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Build {
            paths,
            output,
            format,
        } => commands::build::run(&paths, &output, format),
        Command::Check {
            policies,
            format,
            fail_on,
            fail_on_unknown,
            strict,
            parameters,
            verbose,
            engine,
            baseline,
            write_baseline,
            reason,
            param,
            params_file,
            stdlib,
            bounds,
            rules,
            skip_rules,
            control,
            config,
            no_config,
            exclude,
            inputs,
            output,
            quiet,
            color,
        } => {
            stdout::set_color(color);
            let config = match config::find(config.as_deref(), no_config)
                .and_then(|found| found.as_deref().map(config::read).transpose())
            {
                Ok(found) => found.unwrap_or_default(),
                Err(message) => return ExitCode::from(sources::fail(&message)),
            };
            // A flag given overrides the file's key.
            let or_config = |flag: Vec<PathBuf>, key: &[PathBuf]| {
                if flag.is_empty() {
                    config.paths(key)
                } else {
                    flag
                }
            };
            let policies = or_config(policies, &config.policies);
            let inputs = or_config(inputs, &config.paths);
            // Writing a baseline reads none, as with the flags.
            let baseline = baseline.or_else(|| {
                config
                    .baseline
                    .as_ref()
                    .filter(|_| write_baseline.is_none())
                    .map(|b| config.path(b))
            });
            let parameters =
                parameters.or_else(|| config.parameters.as_ref().map(|p| config.path(p)));
            let bounds = BoundsArgs {
                timeout: bounds.timeout.or_else(|| config.timeout()),
                max_input_size: bounds.max_input_size.or_else(|| config.max_input_size()),
                max_values: bounds.max_values.or(config.max_values),
            };
            // Globs of the command line are relative to the working
            // directory, the file's to its folder.
            let exclude = if exclude.is_empty() {
                sources::Exclude::new(&config.folder, &config.exclude)
            } else {
                sources::Exclude::new(Path::new(""), &exclude)
            };
            let exclude = match exclude {
                Ok(exclude) => exclude,
                Err(message) => return ExitCode::from(sources::fail(&message)),
            };
            let mut outputs = if format.is_empty() {
                config.outputs()
            } else {
                format
            };
            if outputs.is_empty() {
                outputs.push(Output {
                    format: ReportFormat::Human,
                    file: None,
                });
            }
            if let Err(message) = direct_outputs(&mut outputs, output) {
                return ExitCode::from(sources::fail(&message));
            }
            let pick = |flag: Vec<String>, key: &[String]| {
                selection::patterns(if flag.is_empty() { key } else { &flag })
            };
            commands::check::run(
                &policies,
                &inputs,
                &commands::check::Options {
                    outputs: &outputs,
                    quiet,
                    fail_on: fail_on.or(config.fail_on).unwrap_or(Threshold::Low),
                    fail_on_unknown: fail_on_unknown
                        .or(config.fail_on_unknown)
                        .unwrap_or(Threshold::Never),
                    strict: strict || config.strict,
                    parameters: parameters.as_deref(),
                    verbose,
                    engine,
                    baseline: baseline.as_deref(),
                    write_baseline: write_baseline.as_deref().zip(reason.as_deref()),
                    param: &param,
                    params_file: params_file.as_deref(),
                    config_params: &config.params(),
                    stdlib: stdlib || config.stdlib,
                    bounds: bounds.bounds(),
                    max_values: bounds.max_values(),
                    selection: selection::Selection {
                        rules: &pick(rules, &config.rules),
                        skip: &pick(skip_rules, &config.skip_rules),
                        controls: &pick(control, &config.controls),
                        levels: &config.levels(),
                        severities: &config.severities(),
                    },
                    exclude: &exclude,
                },
            )
        }
        Command::Eval {
            param,
            params_file,
            module,
            inputs,
            format,
            fail_on,
            fail_on_unknown,
            strict,
            verbose,
            bounds,
        } => match params::overrides(params_file.as_deref(), &param) {
            Ok(overrides) => commands::eval::run(
                &module,
                &inputs,
                format,
                &commands::check::Thresholds {
                    fail_on,
                    fail_on_unknown,
                    strict,
                },
                verbose,
                &overrides,
                &bounds,
            ),
            Err(message) => sources::fail(&message),
        },
        Command::Test { paths, filter } => commands::test::run(&paths, filter),
        Command::Fmt { check, paths } => commands::fmt::run(&paths, check),
        Command::Lsp => commands::lsp::run(),
        Command::Rules {
            policies,
            format,
            controls,
            input_formats,
        } => commands::rules::run(
            &policies,
            format,
            &selection::patterns(&controls),
            &selection::patterns(&input_formats),
        ),
    };
    ExitCode::from(code)
}
