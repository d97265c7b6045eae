#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The reference evaluator: interprets a [`Program`] on a [`Document`],
//! and the runner behind `ward test` ([`testing`]).
//!
//! It is the executable form of `docs/semantics.md`: `ward test` runs on it,
//! and the WebAssembly backend is tested against it. It returns the same
//! [`Report`] as `ward-runtime` does for the compiled module: the same
//! findings, outcomes and summary, in the same order. It favours clarity
//! over speed, but it is bounded: every rule gets a step budget
//! ([`Limits::max_steps`]); a rule that exceeds it stops with an error that
//! names it, and the other rules still report. It never panics, whatever the
//! program and the document.
//!
//! ```
//! use ward_abi::Outcome;
//! use ward_compiler::Compiler;
//! use ward_eval::{Limits, evaluate};
//!
//! let mut compiler = Compiler::default();
//! compiler.set_file("policy.ward", r#"
//!     @severity(high)
//!     rule versioned for b in resources("AWS::S3::Bucket") {
//!       require b.props.VersioningConfiguration.Status == "Enabled"
//!     }
//! "#.to_string());
//! let program = ward_compiler::ir::program(&compiler.db, compiler.workspace).unwrap();
//! let template = r#"{"Resources": {"Logs": {"Type": "AWS::S3::Bucket"}}}"#;
//! let document = ward_model::load("template.json", template.as_bytes(), &Default::default()).unwrap();
//! let report = evaluate(&program, &document, &Limits::default());
//! assert_eq!(report.outcomes[0].outcome, Outcome::Fail);
//! assert_eq!(&*report.findings[0].rule, "main.versioned");
//! assert_eq!(report.findings[0].message, "`main.versioned` failed for `Logs`");
//! ```

mod builtins;
mod machine;
mod ops;
mod strings;
pub mod testing;
pub mod text;
mod value;

use std::sync::Arc;

use ward_abi::variants::{self, VariantReport};
use ward_abi::{Report, ResourceOutcome, RuleError, RuleErrorKind, Summary};
use ward_compiler::ir::{Program, Rule};
use ward_compiler::regex::{self, CompiledRegex};
use ward_model::Document;

use machine::Machine;
use ops::Halt;

/// Bounds of one evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Steps one rule may take over the whole document: one per expression
    /// evaluated, statement run and loop iteration, plus one per 16 bytes
    /// or elements of every string or list built.
    pub max_steps: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_steps: 50_000_000,
        }
    }
}

/// A program ready to evaluate: its regexes compiled once.
#[derive(Debug)]
pub struct Evaluator<'p> {
    program: &'p Program,
    regexes: Vec<Option<CompiledRegex>>,
    /// The value of every parameter, by [`ward_compiler::ir::ParamId`].
    params: Vec<serde_json::Value>,
}

impl<'p> Evaluator<'p> {
    /// Prepares a program.
    pub fn new(program: &'p Program) -> Evaluator<'p> {
        let regexes = program
            .regexes
            .iter()
            .map(|pattern| regex::compile(pattern).ok())
            .collect();
        let params = program
            .params
            .iter()
            .map(|param| param.default.clone())
            .collect();
        Evaluator {
            program,
            regexes,
            params,
        }
    }

    /// Sets policy parameters: each override names a parameter (qualified,
    /// or by its short name when only one package declares it) and gives a
    /// value of its type; the others keep their defaults. Replaces the
    /// overrides of an earlier call.
    ///
    /// # Errors
    ///
    /// A [`ward_abi::ParamError`] naming the first override that names no
    /// parameter, or whose value does not fit the declared type; the
    /// parameters are then unchanged.
    pub fn set_params(
        &mut self,
        overrides: &[(String, serde_json::Value)],
    ) -> Result<(), ward_abi::ParamError> {
        self.params = ward_abi::resolve_params(&self.program.param_metas(), overrides)?;
        Ok(())
    }

    /// Evaluates every rule.
    pub fn evaluate(&self, document: &Document, limits: &Limits) -> Report {
        self.evaluate_rules(document, limits, &|_| true)
    }

    /// Evaluates the rules for which `select` is true, in program order.
    ///
    /// The report is the one `ward-runtime` makes for the compiled module,
    /// with one difference: a rule stopped by its step budget or by its
    /// nesting depth keeps the outcomes and findings of the resources it
    /// finished before it stopped.
    ///
    /// A template with open conditions is judged once per variant and the
    /// reports combined ([`ward_abi::variants::combine`]), as the runtime
    /// does.
    pub fn evaluate_rules(
        &self,
        document: &Document,
        limits: &Limits,
        select: &dyn Fn(&Rule) -> bool,
    ) -> Report {
        let Some(parts) = document.parts() else {
            return self.evaluate_whole(document, limits, select);
        };
        let ids: Vec<&str> = document
            .resources
            .iter()
            .map(|resource| resource.id.as_str())
            .collect();
        let reports = parts
            .into_iter()
            .map(|part| VariantReport {
                report: self.evaluate_whole(part.document, limits, select),
                assumptions: part.assumptions,
                resources: part.resources,
                undecided: part.undecided,
            })
            .collect();
        variants::combine(&ids, reports)
    }

    /// [`Evaluator::evaluate_rules`] on one document, as it is.
    fn evaluate_whole(
        &self,
        document: &Document,
        limits: &Limits,
        select: &dyn Fn(&Rule) -> bool,
    ) -> Report {
        let rules: Vec<&Rule> = self
            .program
            .rules
            .iter()
            .filter(|rule| select(rule))
            .collect();
        let mut report = Report {
            summary: Summary {
                rules: rules.len(),
                resources: document.resources.len(),
                ..Summary::default()
            },
            ..Report::default()
        };
        let file: Arc<str> = Arc::from(document.file.as_str());
        for rule in rules {
            let id: Arc<str> = Arc::from(rule.info.id.as_str());
            let mut machine = Machine::new(
                self.program,
                document,
                &self.regexes,
                limits.max_steps,
                &file,
            );
            machine.params = &self.params;
            let output = machine.run_rule(rule, &id);
            report
                .outcomes
                .extend(
                    output
                        .outcomes
                        .into_iter()
                        .map(|(index, outcome)| ResourceOutcome {
                            rule: id.clone(),
                            resource: index,
                            outcome,
                        }),
                );
            report.findings.extend(output.findings);
            if let Some(halt) = output.error {
                let (kind, message) = match halt {
                    Halt::Budget => (
                        RuleErrorKind::StepLimit,
                        format!(
                            "rule `{id}` exceeded the evaluation budget of {} steps",
                            limits.max_steps
                        ),
                    ),
                    Halt::Depth => (
                        RuleErrorKind::DepthLimit,
                        format!(
                            "rule `{id}` nests expressions and calls deeper than {} levels",
                            machine::MAX_DEPTH
                        ),
                    ),
                };
                report.errors.push(RuleError {
                    rule: rule.info.id.clone(),
                    message,
                    kind,
                });
            }
        }
        report.recount();
        report
    }
}

/// Evaluates every rule of `program` on `document`.
pub fn evaluate(program: &Program, document: &Document, limits: &Limits) -> Report {
    Evaluator::new(program).evaluate(document, limits)
}
