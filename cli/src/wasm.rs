//! Running compiled modules: the runtime engine with its on-disk cache.

use rayon::prelude::*;
use ward_report::{Run, RunReport};
use ward_runtime::{Engine, EngineConfig, Input, Policy, Report};

use crate::inputs::{Bounds, Inputs};

/// An engine with the default limits and the on-disk module cache.
pub fn engine() -> Result<Engine, String> {
    Engine::new(EngineConfig::default())
        .map_err(|error| format!("cannot start the WebAssembly engine: {error}"))
}

/// Loads a module (from the cache when it was compiled before). With
/// `WARD_CACHE_LOG` set, says on standard error what the module cache
/// refused and why (a folder or key others may write to, an entry that
/// does not verify): each only costs a compilation, so it is silent
/// otherwise.
pub fn load_policy(engine: &Engine, wasm: &[u8], name: &str) -> Result<Policy, String> {
    let policy = Policy::load(engine, wasm).map_err(|error| format!("{name}: {error}"));
    if std::env::var_os("WARD_CACHE_LOG").is_some_and(|value| !value.is_empty()) {
        for note in engine.cache_notes() {
            eprintln!("ward: module cache: {note}");
        }
    }
    policy
}

/// Evaluates the policy on every loaded input, in parallel, and gathers one
/// report, with the inputs that could not be judged (those left when the
/// run's deadline passes among them). The documents are handed to the
/// runtime, not copied.
pub fn evaluate(
    policy: &Policy,
    inputs: &mut Inputs,
    bounds: &Bounds,
    keep_passes: bool,
) -> RunReport {
    let documents = std::mem::take(&mut inputs.documents);
    let evaluated: Vec<Result<(Input, Report), _>> = documents
        .into_par_iter()
        .map(|document| {
            if let Some(not_judged) = bounds.not_judged(&document.file) {
                std::mem::forget(document);
                return Err(not_judged);
            }
            let input = Input::new(document);
            let report = policy.evaluate(&input);
            crate::progress::tick();
            Ok((input, report))
        })
        .collect();
    let mut run = Run::new(policy.rules());
    run.keep_passes(keep_passes);
    for evaluated in evaluated {
        match evaluated {
            Ok((input, report)) => {
                run.add(input.document(), report);
                // The process is about to exit: freeing a large document
                // value by value costs more than the evaluation itself.
                std::mem::forget(input);
            }
            Err(not_judged) => run.add_error(not_judged),
        }
    }
    crate::inputs::judge_streams(inputs, bounds, &mut run, |document, run| {
        let input = Input::new(document);
        let report = policy.evaluate(&input);
        run.add_part(input.document(), report);
    });
    inputs.add_unjudged(&mut run);
    run.finish()
}
