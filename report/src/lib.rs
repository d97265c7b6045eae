#![warn(missing_docs)]
//! What happens after evaluation: the report of a run, suppressions and
//! baselines, and the four formats `ward check` prints (human, JSON,
//! SARIF 2.1.0, JUnit XML).
//!
//! Every engine (a compiled module under `ward-runtime`, the reference
//! evaluator) returns one [`ward_abi::Report`] per input. This crate turns
//! those into what `ward check` prints, so that an embedder gets the same
//! bytes from a library call:
//!
//! 1. [`Run::new`] takes the policy's rules (`Policy::rules`), [`Run::add`]
//!    the report of each input with its document, [`Run::add_error`] each
//!    input that could not be judged and [`Run::add_not_input`] each file
//!    that is not an input, and [`Run::finish`] gives the [`RunReport`]:
//!    findings and outcomes in their stable order, with counts.
//! 2. [`Suppressions`] are read from the templates
//!    ([`Suppressions::from_documents`], CloudFormation `Metadata`) and
//!    from baseline files ([`Suppressions::parse_baseline`]);
//!    [`RunReport::apply`] moves the findings they cover to `suppressed`,
//!    with their reason.
//! 3. [`render`] writes the report in a [`Format`];
//!    [`RunReport::fails_at`] tells whether a failing finding reaches a
//!    severity threshold (`--fail-on`), [`RunReport::unknown_at`] whether an
//!    unknown one does (`--fail-on-unknown`), [`RunReport::has_errors`]
//!    whether something could not be judged (exit code 2).
//!
//! The crate depends on no compiler and no engine: an embedder ships
//! `ward-runtime` and `ward-report`. It does no I/O either: files are read
//! by the caller.
//!
//! # Example
//!
//! What `ward check --policy policy.ward --format sarif --baseline
//! baseline.json template.yaml` prints, with the policy built by `ward
//! build`:
//!
//! ```no_run
//! use ward_report::{Format, RenderOptions, Run, Suppressions, render};
//! use ward_runtime::{Engine, EngineConfig, Input, Policy, Severity};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let engine = Engine::new(EngineConfig::default())?;
//! let policy = Policy::load(&engine, &std::fs::read("policy.wasm")?)?;
//! let document = ward_model::load(
//!     "template.yaml",
//!     &std::fs::read("template.yaml")?,
//!     &Default::default(),
//! )?;
//!
//! // Suppressions are read before the document moves into the engine.
//! let (mut suppressions, malformed) = Suppressions::from_documents([&document]);
//! assert!(malformed.is_empty(), "a suppression without a rule or reason");
//! suppressions.extend(Suppressions::parse_baseline(
//!     "baseline.json",
//!     &std::fs::read("baseline.json")?,
//! )?);
//!
//! let mut run = Run::new(policy.rules());
//! let input = Input::new(document);
//! run.add(input.document(), policy.evaluate(&input));
//! let mut report = run.finish();
//! report.apply(&suppressions);
//!
//! print!("{}", render(&report, Format::Sarif, &RenderOptions::default()));
//! if report.fails_at(Severity::Low) {
//!     std::process::exit(1);
//! }
//! # Ok(())
//! # }
//! ```

mod human;
mod json;
mod junit;
mod run;
mod sarif;
mod suppressions;

pub use run::{
    InputError, NotAnInput, OutcomeEntry, PairOutcome, RuleError, Run, RunReport, Summary,
    TypeCount, Unexamined,
};
pub use suppressions::{
    BaselineError, Justification, Source, StaleSuppression, Suppressed, Suppression, Suppressions,
};
pub use ward_syntax::snippet::SourceTexts;

use std::collections::HashMap;

/// The formats a report is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// Each finding with the offending line of its input underlined, the
    /// inputs that could not be judged and the files that are not inputs,
    /// then a summary line.
    Human,
    /// `{"findings", "suppressed", "summary", "errors", "not_inputs"}`,
    /// plus `"outcomes"` when verbose.
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// JUnit XML: a test suite per rule, a test case per resource.
    Junit,
}

/// How a report is written.
#[derive(Clone, Copy, Default)]
pub struct RenderOptions<'a> {
    /// List every outcome and the suppressed findings too (human and JSON).
    pub verbose: bool,
    /// Colour the human report with ANSI escapes.
    pub color: bool,
    /// The input files' texts by name, for the human report's snippets;
    /// without them findings are printed without their source line.
    pub sources: Option<&'a dyn SourceTexts>,
    /// Each input file's path relative to the root of its repository, by
    /// the name the report gives it: SARIF then writes that path with
    /// `uriBaseId` `%SRCROOT%`, and fingerprints findings by it, so that a
    /// run from a subfolder or with absolute paths names the same files.
    pub repository_paths: Option<&'a HashMap<String, String>>,
}

/// A finding's identity across runs, as SARIF's `partialFingerprints`
/// carry it: a digest of its rule, its file (`file`: the path relative to
/// the repository when known), its resource and the path of the offending
/// value. It does not change when lines move or messages are reworded.
pub fn fingerprint(finding: &ward_abi::Finding, file: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for part in [&*finding.rule, file, &*finding.resource, &finding.path] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hasher.finalize()[..16]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// What the human format says about everything that could not be judged
/// (inputs not loaded, rules stopped by an error, files that are not
/// inputs), each once: for a command that writes a machine format to its
/// output and tells people on its error stream.
pub fn render_problems(report: &RunReport, options: &RenderOptions<'_>) -> String {
    human::problems(report, options.sources, options.color)
}

/// Writes a report in one format to `out`, as [`render`] renders it: the
/// JSON report is written as it is serialised, without the whole text in
/// memory first (a report of millions of findings is gigabytes of text).
///
/// # Errors
///
/// The writer's.
pub fn write_report(
    report: &RunReport,
    format: Format,
    options: &RenderOptions<'_>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => json::write(report, options.verbose, out),
        _ => out.write_all(render(report, format, options).as_bytes()),
    }
}

/// Writes the report in `format`, ending with a line break.
pub fn render(report: &RunReport, format: Format, options: &RenderOptions<'_>) -> String {
    match format {
        Format::Human => human::render(report, options.sources, options.verbose, options.color),
        Format::Json => json::render(report, options.verbose),
        Format::Sarif => sarif::render(report, options.repository_paths),
        Format::Junit => junit::render(report),
    }
}
