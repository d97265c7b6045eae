//! The engine: wasmtime configured for Ward modules, limits and caches.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use wasmtime::{Config, InstanceAllocationStrategy, Module, PoolingAllocationConfig};

use crate::cache::DiskCache;
use crate::error::{EngineError, describe};
use crate::policy::ModuleOrigin;

/// Where compiled modules are cached on disk.
///
/// An entry is native code, so it is loaded only when its HMAC-SHA256 tag
/// verifies under the user's secret key, which is kept outside the cache
/// (by default `$XDG_CONFIG_HOME/ward/cache-key`, else
/// `$HOME/.config/ward/cache-key`, created on first use with 32 random
/// bytes, readable by its owner only). On Unix, a cache folder that belongs
/// to another user or that others may write to, and a key file that
/// belongs to another user or that others may read or write, are not used.
/// Whatever the cache refuses costs a compilation, never the run; what it
/// refused and why is in [`Engine::cache_notes`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModuleCache {
    /// No disk cache; modules are still cached in memory by the engine.
    Disabled,
    /// `$XDG_CACHE_HOME/ward/modules`, else `$HOME/.cache/ward/modules`,
    /// with the default key file; disabled when neither variable is set.
    Default,
    /// This directory, with the default key file (disabled when there is
    /// no default key file: neither `XDG_CONFIG_HOME` nor `HOME` is set).
    Directory(PathBuf),
    /// This directory, with this key file (a key file inside the directory
    /// is refused: whoever can write the cache could replace it).
    Keyed {
        /// The folder of the entries.
        directory: PathBuf,
        /// The file of the secret key, created when missing.
        key_file: PathBuf,
    },
}

/// How much work one rule may do in one evaluation. A rule that goes over
/// it is stopped and reported as an error; the other rules still run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Budget {
    /// Wall-clock time, checked by wasmtime's epoch interruption: compiled
    /// code tests a counter at loop heads and function entries, and a
    /// thread of the engine advances it every [`Budget::TICK`]. Cheap (a
    /// load and a compare), but where exactly a rule stops depends on the
    /// machine. The default, with [`Budget::DEFAULT_TIME`].
    Time(Duration),
    /// Fuel: roughly one unit per WebAssembly instruction. Deterministic
    /// (the same rule on the same input stops at the same place on every
    /// machine), but the metering makes compiled code about a third slower.
    Fuel(u64),
}

impl Budget {
    /// The default time per rule.
    pub const DEFAULT_TIME: Duration = Duration::from_secs(10);
    /// How often the engine's clock advances under [`Budget::Time`]: a rule
    /// is stopped at most about one tick after its time is up.
    pub const TICK: Duration = Duration::from_millis(5);

    /// Whether compiled code must test the epoch counter.
    pub(crate) fn uses_epochs(self) -> bool {
        matches!(self, Budget::Time(_))
    }

    /// Ticks beyond the current one that make up a time budget: the
    /// current tick may be nearly over, so one more is added.
    pub(crate) fn ticks(time: Duration) -> u64 {
        let tick = Budget::TICK.as_nanos().max(1);
        let whole = time.as_nanos().div_ceil(tick);
        u64::try_from(whole).unwrap_or(u64::MAX).saturating_add(1)
    }
}

impl Default for Budget {
    fn default() -> Budget {
        Budget::Time(Budget::DEFAULT_TIME)
    }
}

/// The limits and settings of an [`Engine`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EngineConfig {
    /// How much work each rule may do in one evaluation.
    pub budget: Budget,
    /// The most linear memory an instance may have, in bytes (the encoded
    /// input included). Rounded up to whole 64 KiB pages, at most 4 GiB.
    pub memory_limit: usize,
    /// Use the pooling instance allocator (falls back to on-demand
    /// allocation when the pool cannot be reserved).
    pub pooling: bool,
    /// The most instances alive at once across all policies when pooling.
    pub max_instances: u32,
    /// Idle instances each policy keeps for reuse by later evaluations; 0
    /// makes every evaluation start from a fresh instance.
    pub idle_instances_per_policy: usize,
    /// The disk cache of compiled modules.
    pub cache: ModuleCache,
    /// The most bytes the disk cache's entries may take together: writing
    /// an entry removes those used least recently until the rest fit.
    pub cache_limit: u64,
}

impl EngineConfig {
    /// The default memory limit: 1 GiB.
    pub const DEFAULT_MEMORY_LIMIT: usize = 1 << 30;
    /// The default bound of the disk cache: 256 MiB.
    pub const DEFAULT_CACHE_LIMIT: u64 = 256 << 20;
}

impl Default for EngineConfig {
    fn default() -> EngineConfig {
        EngineConfig {
            budget: Budget::default(),
            memory_limit: Self::DEFAULT_MEMORY_LIMIT,
            pooling: true,
            max_instances: 128,
            idle_instances_per_policy: std::thread::available_parallelism()
                .map(usize::from)
                .unwrap_or(2),
            cache: ModuleCache::Default,
            cache_limit: Self::DEFAULT_CACHE_LIMIT,
        }
    }
}

const PAGE: usize = 64 * 1024;
const MAX_MODULES_IN_MEMORY: usize = 256;
const MAX_MEMORY: usize = 1 << 32;

/// The wasmtime engine shared by every [`Policy`](crate::Policy), with its
/// limits and module caches. Cloning is cheap and shares everything.
#[derive(Clone)]
pub struct Engine {
    pub(crate) inner: Arc<EngineInner>,
}

pub(crate) struct EngineInner {
    pub(crate) wasmtime: wasmtime::Engine,
    pub(crate) config: EngineConfig,
    /// The memory limit as applied: whole pages, at most 4 GiB.
    pub(crate) memory_limit: usize,
    pooling: bool,
    disk: Option<DiskCache>,
    modules: Mutex<HashMap<[u8; 32], Module>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("config", &self.inner.config)
            .field("pooling", &self.inner.pooling)
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// Creates an engine.
    ///
    /// # Errors
    ///
    /// [`EngineError`] when wasmtime refuses the configuration.
    pub fn new(config: EngineConfig) -> Result<Engine, EngineError> {
        let memory_limit = config
            .memory_limit
            .max(PAGE)
            .div_ceil(PAGE)
            .saturating_mul(PAGE)
            .min(MAX_MEMORY);
        let pooled = if config.pooling {
            wasmtime::Engine::new(&wasmtime_config(&config, memory_limit, true)).ok()
        } else {
            None
        };
        let pooling = pooled.is_some();
        let wasmtime = match pooled {
            Some(engine) => engine,
            None => wasmtime::Engine::new(&wasmtime_config(&config, memory_limit, false)).map_err(
                |error| EngineError {
                    message: describe(&error),
                },
            )?,
        };
        let disk = match &config.cache {
            ModuleCache::Disabled => None,
            ModuleCache::Default => default_cache_dir().zip(default_key_file()),
            ModuleCache::Directory(dir) => default_key_file().map(|key| (dir.clone(), key)),
            ModuleCache::Keyed {
                directory,
                key_file,
            } => Some((directory.clone(), key_file.clone())),
        }
        .map(|(dir, key_file)| DiskCache::new(dir, key_file, config.cache_limit));
        if config.budget.uses_epochs() {
            start_clock(&wasmtime)?;
        }
        Ok(Engine {
            inner: Arc::new(EngineInner {
                wasmtime,
                config,
                memory_limit,
                pooling,
                disk,
                modules: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// The configuration the engine was created with.
    pub fn config(&self) -> &EngineConfig {
        &self.inner.config
    }

    /// Whether instances come from the pooling allocator.
    pub fn uses_pooling(&self) -> bool {
        self.inner.pooling
    }

    /// The directory of the disk cache, if any.
    pub fn cache_dir(&self) -> Option<&Path> {
        self.inner.disk.as_ref().map(DiskCache::dir)
    }

    /// What the disk cache refused since the engine was created, and why,
    /// each once: a folder or key file others may write to (or that is
    /// missing and cannot be created), an entry whose tag does not verify.
    /// Each costs a compilation, never a failure; a host may show them in a
    /// verbose mode.
    pub fn cache_notes(&self) -> Vec<String> {
        self.inner
            .disk
            .as_ref()
            .map(DiskCache::notes)
            .unwrap_or_default()
    }

    /// The compiled module for these bytes: from memory, from the disk
    /// cache, or compiled now (and then cached in both).
    pub(crate) fn module(
        &self,
        wasm: &[u8],
        hash: [u8; 32],
    ) -> Result<(Module, ModuleOrigin), wasmtime::Error> {
        let inner = &self.inner;
        if let Some(module) = inner
            .modules
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&hash)
        {
            return Ok((module.clone(), ModuleOrigin::MemoryCache));
        }
        let cached = inner.disk.as_ref().and_then(|disk| {
            disk.load(&inner.wasmtime, &hash)
                .map(|module| (disk, module))
        });
        let (module, origin) = match cached {
            Some((_, module)) => (module, ModuleOrigin::DiskCache),
            None => {
                let module = Module::new(&inner.wasmtime, wasm)?;
                if let Some(disk) = &inner.disk {
                    disk.store(&inner.wasmtime, &hash, &module);
                }
                (module, ModuleOrigin::Compiled)
            }
        };
        let mut modules = inner.modules.lock().unwrap_or_else(PoisonError::into_inner);
        // A long-running host (an editor, a server) may load many versions
        // of its policies; forgetting all of them now and then bounds the
        // memory this costs, and the disk cache makes reloading cheap.
        if modules.len() >= MAX_MODULES_IN_MEMORY {
            modules.clear();
        }
        modules.insert(hash, module.clone());
        Ok((module, origin))
    }
}

fn wasmtime_config(config: &EngineConfig, memory_limit: usize, pooling: bool) -> Config {
    let mut wasmtime = Config::new();
    match config.budget {
        Budget::Time(_) => wasmtime.epoch_interruption(true),
        Budget::Fuel(_) => wasmtime.consume_fuel(true),
    };
    wasmtime.parallel_compilation(true);
    wasmtime.cranelift_opt_level(wasmtime::OptLevel::Speed);
    if pooling {
        let instances = config.max_instances.max(1);
        let mut pool = PoolingAllocationConfig::default();
        pool.total_core_instances(instances)
            .total_memories(instances)
            .total_tables(instances)
            .max_memory_size(memory_limit);
        wasmtime.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    }
    wasmtime
}

/// Advances the engine's epoch every [`Budget::TICK`] on a thread of its
/// own, which ends once the engine is dropped. Without it no rule could be
/// stopped, so an engine that cannot start it is not created.
fn start_clock(engine: &wasmtime::Engine) -> Result<(), EngineError> {
    let weak = engine.weak();
    let started = std::thread::Builder::new()
        .name("ward-clock".to_string())
        .spawn(move || {
            loop {
                std::thread::sleep(Budget::TICK);
                match weak.upgrade() {
                    Some(engine) => engine.increment_epoch(),
                    None => return,
                }
            }
        });
    started.map(drop).map_err(|error| EngineError {
        message: format!("cannot start the clock that bounds rule time: {error}"),
    })
}

/// A folder named by an environment variable, else one under `$HOME`.
fn base_dir(variable: &str, under_home: &str) -> Option<PathBuf> {
    let from = |name: &str| {
        std::env::var_os(name)
            .filter(|value| !value.is_empty())
            .map(PathBuf::from)
    };
    from(variable).or_else(|| from("HOME").map(|home| home.join(under_home)))
}

/// The module cache's own folder inside ward's cache folder, which other
/// files share (the editor's copy of the standard library): made by the
/// runtime, private to the user.
fn default_cache_dir() -> Option<PathBuf> {
    base_dir("XDG_CACHE_HOME", ".cache").map(|base| base.join("ward").join("modules"))
}

/// The secret key of the module cache, outside the cache.
fn default_key_file() -> Option<PathBuf> {
    base_dir("XDG_CONFIG_HOME", ".config").map(|base| base.join("ward").join("cache-key"))
}
