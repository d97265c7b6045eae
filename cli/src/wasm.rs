//! Running compiled modules: the runtime engine with its on-disk cache.

use ward_runtime::{Engine, EngineConfig, Policy};

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
