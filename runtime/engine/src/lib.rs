#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]
#![warn(missing_docs)]
//! The Ward runtime: loads compiled policies and evaluates them, bounded.
//!
//! A compiled policy is one WebAssembly module following the ABI of
//! `docs/abi.md` (implemented on the host side by `ward-abi`, and
//! `ward-encode` for the input). This crate runs such modules under
//! wasmtime:
//!
//! - [`Engine`] holds the wasmtime engine, the limits every evaluation gets
//!   ([`EngineConfig`]) and the module caches, in memory and on disk.
//! - [`Policy::load`] checks a module's metadata (magic and ABI version
//!   first), compiles it or takes it from the cache, and checks its exports.
//!   [`Policy::rules`] lists its rules without running anything.
//! - [`Policy::evaluate`] runs every rule over an [`Input`] and returns a
//!   [`Report`]: findings located in the input file, outcomes per resource,
//!   a summary, and an error for each rule that could not finish.
//!
//! Every rule runs with its own [`Budget`] (time by default, fuel when
//! results must not depend on the machine) and the instance under a memory
//! limit: a rule that loops or exhausts memory becomes a [`RuleError`] naming
//! it, and the other rules still run and report. Nothing here panics on bad
//! modules, bad inputs or bad results.
//!
//! The runtime depends on no compiler crate: an embedder ships `.wasm` files
//! and this crate.
//!
//! # Example
//!
//! ```no_run
//! use ward_runtime::{Engine, EngineConfig, Input, Policy};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let engine = Engine::new(EngineConfig::default())?;
//! let policy = Policy::load(&engine, &std::fs::read("policy.wasm")?)?;
//! let template = std::fs::read("template.yaml")?;
//! let document = ward_model::load("template.yaml", &template, &Default::default())?;
//! let report = policy.evaluate(&Input::new(document));
//! for finding in &report.findings {
//!     println!("{}:{}:{}: {} {}", finding.file, finding.line, finding.column, finding.rule, finding.message);
//! }
//! # Ok(())
//! # }
//! ```

mod cache;
mod engine;
mod error;
mod input;
mod policy;

pub use engine::{Budget, Engine, EngineConfig, ModuleCache};
pub use error::{EngineError, PolicyError};
pub use input::Input;
pub use policy::{ModuleOrigin, Policy, PolicyStats, read_metadata};
pub use ward_abi::{
    Finding, Metadata, Outcome, Report, ResourceOutcome, RuleError, RuleErrorKind, RuleMeta,
    Severity, Summary,
};
