//! Policies: a loaded module, its metadata and its instances.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use sha2::{Digest, Sha256};
use ward_abi::variants::{self, VariantReport};
use ward_abi::{
    FindingRecord, KeyTable, META_SECTION, MetaError, Metadata, NONE, Outcome, Results,
    ResultsLimits, RuleMeta, Status, decode_results, exports,
};
use ward_encode::{
    EncodeOptions, EncodedInput, encode_input_into_with_params, encoding_size_with_params,
};
use ward_model::{Document, ResourcePart};
use wasmtime::{
    ExternType, InstancePre, Linker, Memory, ResourceLimiter, Store, StoreLimits,
    StoreLimitsBuilder, Trap, TypedFunc, ValType,
};

use crate::cache::hex;
use crate::engine::{Budget, Engine};
use crate::error::{PolicyError, describe};
use crate::input::{EncodingKey, Input};
use ward_abi::{Finding, Report, ResourceOutcome, RuleError, RuleErrorKind, Summary};

/// Where [`Policy::load`] got the compiled module from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ModuleOrigin {
    /// Compiled now.
    Compiled,
    /// Read from the disk cache.
    DiskCache,
    /// Already loaded by this engine.
    MemoryCache,
}

/// Counters of a policy's work, for tests and measurements.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct PolicyStats {
    /// Instances created.
    pub instantiations: u64,
    /// Times an encoded input was written into an instance.
    pub input_writes: u64,
    /// Calls of [`Policy::evaluate`].
    pub evaluations: u64,
}

/// Reads the metadata of a module without compiling or running it.
///
/// # Errors
///
/// [`PolicyError::NotWasm`] for bytes that are not a WebAssembly module,
/// [`PolicyError::Metadata`] for a missing, duplicated, foreign (wrong magic
/// or ABI version) or malformed `ward.meta` section.
pub fn read_metadata(wasm: &[u8]) -> Result<Metadata, PolicyError> {
    if !wasm.starts_with(b"\0asm") {
        // wasmparser's own message for this case lists the header bytes.
        return Err(PolicyError::NotWasm {
            message: "the file does not start with the WebAssembly header `\\0asm`".to_string(),
        });
    }
    let mut found: Option<&[u8]> = None;
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        let payload = payload.map_err(|error| PolicyError::NotWasm {
            message: error.message().to_string(),
        })?;
        match payload {
            wasmparser::Payload::Version {
                encoding: wasmparser::Encoding::Component,
                ..
            } => {
                return Err(PolicyError::NotWasm {
                    message: "this is a component, not a core module".to_string(),
                });
            }
            wasmparser::Payload::CustomSection(section) if section.name() == META_SECTION => {
                if found.is_some() {
                    return Err(PolicyError::Metadata(MetaError::Duplicate));
                }
                found = Some(section.data());
            }
            _ => {}
        }
    }
    let section = found.ok_or(PolicyError::Metadata(MetaError::Missing))?;
    Ok(Metadata::decode(section)?)
}

/// The list of parameter values a host writes into an input.
fn params_node(values: &[serde_json::Value]) -> ward_model::Node {
    ward_model::Node::from_json(
        &serde_json::Value::Array(values.to_vec()),
        ward_model::Pos::START,
    )
}

/// A compiled policy module, ready to evaluate inputs.
///
/// A policy may be shared between threads: each evaluation takes an idle
/// instance or creates one, and gives it back afterwards.
pub struct Policy {
    engine: Engine,
    metadata: Metadata,
    rule_ids: Vec<Arc<str>>,
    keys: KeyTable,
    encoding_key: EncodingKey,
    pre: InstancePre<StoreState>,
    idle: Mutex<Vec<Worker>>,
    origin: ModuleOrigin,
    hash: [u8; 32],
    instantiations: AtomicU64,
    input_writes: AtomicU64,
    evaluations: AtomicU64,
    /// The value of every parameter (defaults merged with overrides), the
    /// list written into every input.
    params: ward_model::Node,
}

impl std::fmt::Debug for Policy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Policy")
            .field("hash", &hex(&self.hash))
            .field("rules", &self.rule_ids)
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

impl Policy {
    /// Loads a module: reads and checks its `ward.meta` section (magic and
    /// ABI version first), compiles it or takes it from the engine's
    /// caches, and checks that it imports nothing and exports what the ABI
    /// requires.
    ///
    /// # Errors
    ///
    /// [`PolicyError`] saying what is wrong with the module.
    pub fn load(engine: &Engine, wasm: &[u8]) -> Result<Policy, PolicyError> {
        let metadata = read_metadata(wasm)?;
        let hash: [u8; 32] = Sha256::digest(wasm).into();
        let (module, origin) = engine
            .module(wasm, hash)
            .map_err(|error| PolicyError::Compile {
                message: describe(&error),
            })?;
        check_module(&module)?;
        let linker: Linker<StoreState> = Linker::new(&engine.inner.wasmtime);
        let pre = linker
            .instantiate_pre(&module)
            .map_err(|error| PolicyError::Instantiate {
                message: describe(&error),
            })?;
        let keys = metadata.key_table();
        let mut fingerprint = Sha256::new();
        for key in keys.keys() {
            fingerprint.update((key.len() as u64).to_le_bytes());
            fingerprint.update(key.as_bytes());
        }
        let encoding_key = (fingerprint.finalize().into(), metadata.uses_root);
        let defaults: Vec<serde_json::Value> = metadata
            .params
            .iter()
            .map(ward_abi::ParamMeta::default_value)
            .collect();
        let rule_ids = metadata
            .rules
            .iter()
            .map(|rule| Arc::from(rule.id.as_str()))
            .collect();
        Ok(Policy {
            engine: engine.clone(),
            metadata,
            rule_ids,
            keys,
            encoding_key,
            pre,
            idle: Mutex::new(Vec::new()),
            origin,
            hash,
            instantiations: AtomicU64::new(0),
            input_writes: AtomicU64::new(0),
            evaluations: AtomicU64::new(0),
            params: params_node(&defaults),
        })
    }

    /// Sets the module's policy parameters for every later evaluation:
    /// each override names a parameter (its qualified name, such as
    /// `aws.tags.required_tags`, or its short name when only one package
    /// declares it) and gives a JSON value of its declared type; the other
    /// parameters keep their defaults. A call replaces the overrides of an
    /// earlier one. The compiled module does not depend on the values, so
    /// one module (and its compilation cache entry) serves every
    /// configuration.
    ///
    /// ```no_run
    /// # fn example(policy: &mut ward_runtime::Policy) -> Result<(), ward_abi::ParamError> {
    /// policy.set_params(&[("required_tags".to_string(), serde_json::json!(["owner"]))])?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// A [`ward_abi::ParamError`] naming the first override that names no
    /// parameter (or several) or whose value does not fit the declared
    /// type; the parameters are then unchanged.
    pub fn set_params(
        &mut self,
        overrides: &[(String, serde_json::Value)],
    ) -> Result<(), ward_abi::ParamError> {
        let values = ward_abi::resolve_params(&self.metadata.params, overrides)?;
        self.params = params_node(&values);
        // Idle instances hold inputs written with the previous values.
        self.idle
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        Ok(())
    }

    /// The rules of the module, in evaluation order.
    pub fn rules(&self) -> &[RuleMeta] {
        &self.metadata.rules
    }

    /// The whole metadata section.
    pub fn metadata(&self) -> &Metadata {
        &self.metadata
    }

    /// Where the compiled module came from.
    pub fn origin(&self) -> ModuleOrigin {
        self.origin
    }

    /// The SHA-256 of the module's bytes, in hexadecimal.
    pub fn module_hash(&self) -> String {
        hex(&self.hash)
    }

    /// Counters of the work done so far.
    pub fn stats(&self) -> PolicyStats {
        PolicyStats {
            instantiations: self.instantiations.load(Ordering::Relaxed),
            input_writes: self.input_writes.load(Ordering::Relaxed),
            evaluations: self.evaluations.load(Ordering::Relaxed),
        }
    }

    /// Evaluates every rule over the input.
    ///
    /// Each rule runs with its own [`Budget`]; a rule that uses it up,
    /// exceeds the memory limit, traps or writes invalid results is reported
    /// in [`Report::errors`] and the next rule runs on a fresh instance. The
    /// input is encoded straight into each instance that evaluates it, once;
    /// the side table that locates findings is made once per key table.
    pub fn evaluate(&self, input: &Input) -> Report {
        let all: Vec<usize> = (0..self.metadata.rules.len()).collect();
        self.evaluate_rules(input, &all)
    }

    /// Evaluates the rules with these indexes (positions in
    /// [`Policy::rules`]), in the order given, like [`Policy::evaluate`].
    /// Indexes out of range are ignored. Partitions of the rules may be
    /// evaluated on several threads and their reports put together with
    /// [`Report::merge`].
    pub fn evaluate_rules(&self, input: &Input, rules: &[usize]) -> Report {
        self.evaluations.fetch_add(1, Ordering::Relaxed);
        let Some(parts) = input.parts() else {
            return self.evaluate_whole(input, rules);
        };
        let ids: Vec<&str> = input
            .document()
            .resources
            .iter()
            .map(|resource| resource.id.as_str())
            .collect();
        let reports = parts
            .iter()
            .map(|part| VariantReport {
                assumptions: part.phrases.clone(),
                resources: part.resources.clone(),
                undecided: part.undecided.clone(),
                report: self.evaluate_whole(part.input.as_ref().unwrap_or(input), rules),
            })
            .collect();
        variants::combine(&ids, reports)
    }

    /// [`Policy::evaluate_rules`] on one document, as it is.
    fn evaluate_whole(&self, input: &Input, rules: &[usize]) -> Report {
        let selected: Vec<(usize, &RuleMeta)> = rules
            .iter()
            .filter_map(|&index| self.metadata.rules.get(index).map(|rule| (index, rule)))
            .collect();
        let document = input.document();
        let mut report = Report {
            summary: Summary {
                rules: selected.len(),
                resources: document.resources.len(),
                ..Summary::default()
            },
            ..Report::default()
        };
        // The worker holding the input, with the input's side table.
        let mut worker: Option<(Worker, Arc<EncodedInput>)> = None;
        // Every rule's results, located once all have run: the report's
        // lists are then allocated once, at their final size. The side
        // table is the input's, the same for every worker.
        let mut done: Vec<(usize, &RuleMeta, Results)> = Vec::new();
        let mut side: Option<Arc<EncodedInput>> = None;
        for (position, &(index, rule)) in selected.iter().enumerate() {
            let ready = match worker.take() {
                Some(ready) => Ok(ready),
                None => self.worker(input),
            };
            let (mut ready, encoded) = match ready {
                Ok(ready) => ready,
                Err(failure) => {
                    // Loading the input fails the same way for every rule.
                    let rest = selected.get(position..).unwrap_or(&[]);
                    fail_rules(&mut report, rest, failure.kind, &failure.detail);
                    break;
                }
            };
            match self.run_rule(&mut ready, index, rule, &encoded, document.resources.len()) {
                Ok(results) => {
                    done.push((index, rule, results));
                    side.get_or_insert_with(|| encoded.clone());
                    worker = Some((ready, encoded));
                }
                Err(failure) => {
                    report.errors.push(RuleError {
                        rule: rule.id.clone(),
                        message: failure.message(&rule.id),
                        kind: failure.kind,
                    });
                    // After a trap the instance is dropped: the next rule
                    // gets a fresh one.
                    if failure.instance_is_sound {
                        worker = Some((ready, encoded));
                    }
                }
            }
        }
        if let Some((worker, _)) = worker {
            self.release(worker);
        }
        // Results exist only from a worker that held the input, so with
        // its side table.
        if let Some(encoded) = side {
            report.outcomes.reserve(
                done.iter()
                    .map(|(.., results)| results.outcomes.len())
                    .sum(),
            );
            report.findings.reserve(
                done.iter()
                    .map(|(.., results)| results.findings.len())
                    .sum(),
            );
            let mut names = Names::new(document);
            for (index, rule, results) in done {
                self.collect(&mut report, index, rule, results, &encoded, &mut names);
            }
        }
        report.recount();
        report
    }

    /// An instance with the input written into it (an idle one when there
    /// is one, else a new one), and the input's side table.
    fn worker(&self, input: &Input) -> Result<(Worker, Arc<EncodedInput>), Failure> {
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let mut worker = match idle {
            Some(worker) => worker,
            None => self.instantiate()?,
        };
        let holds_input = worker.loaded.map(|loaded| loaded.id) == Some(input.id());
        if holds_input && let Some(side) = input.side_table(self.encoding_key) {
            return Ok((worker, side));
        }
        let side = self.write_input(&mut worker, input)?;
        Ok((worker, side))
    }

    fn release(&self, worker: Worker) {
        let limit = self.engine.inner.config.idle_instances_per_policy;
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < limit {
            idle.push(worker);
        }
    }

    fn instantiate(&self) -> Result<Worker, Failure> {
        self.instantiations.fetch_add(1, Ordering::Relaxed);
        let inner = &self.engine.inner;
        let limits = StoreLimitsBuilder::new()
            .memory_size(inner.memory_limit)
            .instances(1)
            .trap_on_grow_failure(true)
            .build();
        let mut store = Store::new(
            &inner.wasmtime,
            StoreState {
                limiter: Limiter {
                    inner: limits,
                    denied: None,
                },
            },
        );
        store.limiter(|state| &mut state.limiter);
        let instantiate_failure = |error: wasmtime::Error| Failure {
            kind: RuleErrorKind::Instantiate,
            detail: format!("the module cannot be instantiated: {}", describe(&error)),
        };
        arm(&mut store, inner.config.budget).map_err(instantiate_failure)?;
        let instance = self
            .pre
            .instantiate(&mut store)
            .map_err(instantiate_failure)?;
        let memory = instance
            .get_memory(&mut store, exports::MEMORY)
            .ok_or_else(|| instantiate_failure(wasmtime::Error::msg("no memory export")))?;
        let reset = instance
            .get_typed_func::<(), ()>(&mut store, exports::RESET)
            .map_err(instantiate_failure)?;
        let alloc = instance
            .get_typed_func::<i32, i32>(&mut store, exports::ALLOC)
            .map_err(instantiate_failure)?;
        let eval = instance
            .get_typed_func::<(i32, i32, i32), i32>(&mut store, exports::EVAL)
            .map_err(instantiate_failure)?;
        Ok(Worker {
            store,
            memory,
            reset,
            alloc,
            eval,
            loaded: None,
        })
    }

    /// Encodes the input straight into the worker's memory; the input keeps
    /// the side table (the first one made for this key table).
    fn write_input(
        &self,
        worker: &mut Worker,
        input: &Input,
    ) -> Result<Arc<EncodedInput>, Failure> {
        self.input_writes.fetch_add(1, Ordering::Relaxed);
        worker.loaded = None;
        let inner = &self.engine.inner;
        let options = EncodeOptions {
            include_root: self.encoding_key.1,
        };
        let document = input.document();
        let size = encoding_size_with_params(document, &options, Some(&self.params));
        let len = size.bytes;
        let too_big = || Failure {
            kind: RuleErrorKind::MemoryLimit,
            detail: format!(
                "the encoded input takes up to {len} bytes, more than the memory limit of {} bytes allows",
                inner.memory_limit
            ),
        };
        let len_i32 = i32::try_from(len).map_err(|_| too_big())?;
        let call_failure = |worker: &Worker, error: wasmtime::Error| {
            if worker.store.data().limiter.denied.is_some() {
                too_big()
            } else {
                Failure {
                    kind: RuleErrorKind::Input,
                    detail: format!("the module failed to take the input: {}", describe(&error)),
                }
            }
        };
        let store = &mut worker.store;
        store.data_mut().limiter.denied = None;
        arm(store, inner.config.budget).map_err(|error| Failure {
            kind: RuleErrorKind::Input,
            detail: describe(&error),
        })?;
        if let Err(error) = worker.reset.call(&mut worker.store, ()) {
            return Err(call_failure(worker, error));
        }
        let address = match worker.alloc.call(&mut worker.store, len_i32) {
            Ok(address) => address as u32,
            Err(error) => return Err(call_failure(worker, error)),
        };
        if address == 0 {
            return Err(too_big());
        }
        if address % 8 != 0 {
            return Err(Failure {
                kind: RuleErrorKind::Input,
                detail: format!(
                    "the module placed the input at address {address}, which is not 8-aligned"
                ),
            });
        }
        let start = address as usize;
        let region = worker
            .memory
            .data_mut(&mut worker.store)
            .get_mut(start..start.saturating_add(len))
            .ok_or_else(|| Failure {
                kind: RuleErrorKind::Input,
                detail: format!(
                    "the module placed the input at address {address}, outside its memory"
                ),
            })?;
        let (written, side) = encode_input_into_with_params(
            document,
            &self.keys,
            &options,
            Some(&self.params),
            size,
            region,
        )
        .map_err(|error| Failure {
            kind: RuleErrorKind::Input,
            detail: error.to_string(),
        })?;
        worker.loaded = Some(Loaded {
            id: input.id(),
            address,
            len: u32::try_from(written).unwrap_or(u32::MAX),
        });
        Ok(input.remember(self.encoding_key, side))
    }

    fn run_rule(
        &self,
        worker: &mut Worker,
        index: usize,
        rule: &RuleMeta,
        encoded: &EncodedInput,
        resource_count: usize,
    ) -> Result<Results, RunFailure> {
        let inner = &self.engine.inner;
        let budget = inner.config.budget;
        let Some(Loaded { address, len, .. }) = worker.loaded else {
            return Err(RunFailure::new(
                RuleErrorKind::Input,
                "the input is not loaded".to_string(),
                false,
            ));
        };
        let (Ok(rule_index), Ok(len)) = (i32::try_from(index), i32::try_from(len)) else {
            return Err(RunFailure::new(
                RuleErrorKind::Input,
                "the input is too large".to_string(),
                false,
            ));
        };
        worker.store.data_mut().limiter.denied = None;
        if let Err(error) = arm(&mut worker.store, budget) {
            return Err(RunFailure::new(
                RuleErrorKind::Trap,
                describe(&error),
                false,
            ));
        }
        let called = worker
            .eval
            .call(&mut worker.store, (rule_index, address as i32, len));
        let results_address = match called {
            Ok(results_address) => results_address as u32,
            Err(error) => {
                let denied = worker.store.data().limiter.denied;
                return Err(classify(&error, denied, budget, inner.memory_limit));
            }
        };
        let limits = ResultsLimits::new(
            u32::try_from(resource_count).unwrap_or(u32::MAX),
            u32::try_from(encoded.nodes.len()).unwrap_or(u32::MAX),
            u32::try_from(rule.checks.len()).unwrap_or(u32::MAX),
        );
        let memory = worker.memory.data(&worker.store);
        let results = decode_results(memory, results_address, &limits)
            .map_err(|error| RunFailure::new(RuleErrorKind::InvalidResults, error.message, true))?;
        match results.status {
            Status::Ok => Ok(results),
            Status::InputRejected => Err(RunFailure {
                kind: RuleErrorKind::Module,
                message: format!("rejected the input: {}", results.message),
                instance_is_sound: true,
                phrase: Phrase::Plain,
            }),
            Status::Error => Err(RunFailure {
                kind: RuleErrorKind::Module,
                message: format!("failed: {}", results.message),
                instance_is_sound: true,
                phrase: Phrase::Plain,
            }),
        }
    }

    fn collect(
        &self,
        report: &mut Report,
        index: usize,
        rule: &RuleMeta,
        results: Results,
        encoded: &EncodedInput,
        names: &mut Names<'_>,
    ) {
        let rule_id = self
            .rule_ids
            .get(index)
            .cloned()
            .unwrap_or_else(|| Arc::from(rule.id.as_str()));
        report
            .outcomes
            .extend(results.outcomes.iter().map(|entry| ResourceOutcome {
                rule: rule_id.clone(),
                resource: (entry.resource != NONE).then_some(entry.resource as usize),
                outcome: entry.outcome,
            }));
        report.findings.extend(
            results
                .findings
                .into_iter()
                .map(|record| locate(rule, &rule_id, record, encoded, names)),
        );
    }
}

/// How many resource types an evaluation's findings share names for.
const SHARED_TYPES: usize = 64;

/// The names findings share, made once per evaluation: the file, and each
/// resource's id and type the first time a finding needs them.
struct Names<'a> {
    document: &'a Document,
    file: Arc<str>,
    empty: Arc<str>,
    /// By resource index: 1 + the position of its names in `made`, or 0.
    made_for: Vec<u32>,
    made: Vec<(Arc<str>, Arc<str>)>,
    /// Resource types, shared by all resources of a type (documents have
    /// few; past [`SHARED_TYPES`] each resource gets its own).
    types: Vec<(&'a str, Arc<str>)>,
}

impl<'a> Names<'a> {
    fn new(document: &'a Document) -> Names<'a> {
        Names {
            document,
            file: Arc::from(document.file.as_str()),
            empty: Arc::from(""),
            made_for: Vec::new(),
            made: Vec::new(),
            types: Vec::new(),
        }
    }

    /// The id and type of a resource (empty for none).
    fn resource(&mut self, index: Option<usize>) -> (Arc<str>, Arc<str>) {
        let empty = || (self.empty.clone(), self.empty.clone());
        let Some(index) = index else {
            return empty();
        };
        let Some(resource) = self.document.resources.get(index) else {
            return empty();
        };
        if self.made_for.is_empty() {
            self.made_for = vec![0; self.document.resources.len()];
        }
        let Some(slot) = self.made_for.get_mut(index) else {
            return empty();
        };
        if let Some(names) = slot
            .checked_sub(1)
            .and_then(|made| self.made.get(made as usize))
        {
            return names.clone();
        }
        let type_name = resource.resource_type.as_str();
        let shared = self.types.iter().find(|(name, _)| *name == type_name);
        let resource_type = match shared {
            Some((_, shared)) => shared.clone(),
            None => {
                let made: Arc<str> = Arc::from(type_name);
                if self.types.len() < SHARED_TYPES {
                    self.types.push((type_name, made.clone()));
                }
                made
            }
        };
        let names = (Arc::from(resource.id.as_str()), resource_type);
        self.made.push(names.clone());
        *slot = u32::try_from(self.made.len()).unwrap_or(0);
        names
    }
}

/// Reports every rule of `rules` as not evaluated.
fn fail_rules(
    report: &mut Report,
    rules: &[(usize, &RuleMeta)],
    kind: RuleErrorKind,
    detail: &str,
) {
    for (_, rule) in rules {
        report.errors.push(RuleError {
            rule: rule.id.clone(),
            message: format!("rule `{}` was not evaluated: {detail}", rule.id),
            kind,
        });
    }
}

/// Turns a finding record into a finding located in the input.
fn locate(
    rule: &RuleMeta,
    rule_id: &Arc<str>,
    record: FindingRecord,
    encoded: &EncodedInput,
    names: &mut Names<'_>,
) -> Finding {
    let document = names.document;
    let node = if record.node == NONE {
        None
    } else {
        encoded.node(record.node)
    };
    let resource_index = if record.resource != NONE {
        Some(record.resource as usize)
    } else {
        node.map(|info| info.resource)
            .filter(|&resource| resource != NONE)
            .map(|resource| resource as usize)
    };
    let resource = resource_index.and_then(|index| document.resources.get(index));
    let (pos, path) = match (node, resource) {
        (Some(info), _) => {
            let mut path = String::with_capacity(64);
            encoded.write_path(document, record.node, &mut path);
            // Findings are many; the path is kept at its length.
            path.shrink_to_fit();
            (info.pos, path)
        }
        (None, Some(resource)) => (
            resource.pos,
            document.value_path(
                resource_index.unwrap_or(usize::MAX),
                ResourcePart::Resource,
                &[],
            ),
        ),
        (None, None) => (document.root.pos, "$".to_string()),
    };
    let message = if record.message.is_empty() {
        default_message(rule, record.outcome)
    } else {
        record.message
    };
    let (resource, resource_type) = names.resource(resource_index);
    Finding {
        rule: rule_id.clone(),
        severity: rule.severity,
        outcome: record.outcome,
        resource,
        resource_type,
        path,
        message,
        file: names.file.clone(),
        line: pos.line,
        column: pos.column,
    }
}

fn default_message(rule: &RuleMeta, outcome: Outcome) -> String {
    if !rule.title.is_empty() {
        return rule.title.clone();
    }
    match outcome {
        Outcome::Unknown => format!("rule `{}` could not be decided", rule.id),
        _ => format!("rule `{}` failed", rule.id),
    }
}

/// Gives the store a full budget for the next call.
fn arm(store: &mut Store<StoreState>, budget: Budget) -> wasmtime::Result<()> {
    match budget {
        Budget::Time(time) => {
            store.set_epoch_deadline(Budget::ticks(time));
            Ok(())
        }
        Budget::Fuel(fuel) => store.set_fuel(fuel),
    }
}

/// Why a rule stopped, from the error of its call.
fn classify(
    error: &wasmtime::Error,
    denied: Option<usize>,
    budget: Budget,
    memory_limit: usize,
) -> RunFailure {
    let trap = error.downcast_ref::<Trap>();
    let over_budget = match (trap, budget) {
        (Some(Trap::OutOfFuel), Budget::Fuel(fuel)) => Some((
            RuleErrorKind::OutOfFuel,
            format!("ran out of fuel (limit {fuel})"),
        )),
        (Some(Trap::Interrupt), Budget::Time(time)) => Some((
            RuleErrorKind::Timeout,
            format!("ran out of time (limit {} ms)", time.as_millis()),
        )),
        _ => None,
    };
    if let Some((kind, message)) = over_budget {
        return RunFailure {
            kind,
            message,
            instance_is_sound: false,
            phrase: Phrase::Plain,
        };
    }
    if let Some(desired) = denied {
        return RunFailure {
            kind: RuleErrorKind::MemoryLimit,
            message: format!(
                "exceeded the memory limit (it asked for {desired} bytes, the limit is {memory_limit} bytes)"
            ),
            instance_is_sound: false,
            phrase: Phrase::Plain,
        };
    }
    // A trap's own text names it; the error around it adds a backtrace of
    // function indexes that tells the user nothing.
    let detail = trap.map_or_else(|| describe(error), |trap| trap.to_string());
    RunFailure {
        kind: RuleErrorKind::Trap,
        message: format!("trapped: {detail}"),
        instance_is_sound: false,
        phrase: Phrase::Plain,
    }
}

/// A failure before a rule could run: instantiation or loading the input.
/// The instance it happened on is never reused.
struct Failure {
    kind: RuleErrorKind,
    detail: String,
}

enum Phrase {
    /// "rule `X` <message>"
    Plain,
    /// "rule `X` wrote invalid results: <message>"
    InvalidResults,
}

/// Why one rule's evaluation failed.
struct RunFailure {
    kind: RuleErrorKind,
    message: String,
    /// Whether the instance may evaluate the next rule.
    instance_is_sound: bool,
    phrase: Phrase,
}

impl RunFailure {
    fn new(kind: RuleErrorKind, message: String, instance_is_sound: bool) -> RunFailure {
        let phrase = if kind == RuleErrorKind::InvalidResults {
            Phrase::InvalidResults
        } else {
            Phrase::Plain
        };
        RunFailure {
            kind,
            message,
            instance_is_sound,
            phrase,
        }
    }

    fn message(&self, rule: &str) -> String {
        match self.phrase {
            Phrase::Plain => format!("rule `{rule}` {}", self.message),
            Phrase::InvalidResults => {
                format!("rule `{rule}` wrote invalid results: {}", self.message)
            }
        }
    }
}

/// The data of each store: its resource limiter.
struct StoreState {
    limiter: Limiter,
}

/// `StoreLimits`, remembering whether it refused a memory growth, so that a
/// trap can be told apart as "memory limit exceeded".
struct Limiter {
    inner: StoreLimits,
    denied: Option<usize>,
}

impl ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let decision = self.inner.memory_growing(current, desired, maximum);
        if !matches!(decision, Ok(true)) {
            self.denied = Some(desired);
        }
        decision
    }

    fn memory_grow_failed(&mut self, error: wasmtime::Error) -> wasmtime::Result<()> {
        self.denied.get_or_insert(0);
        self.inner.memory_grow_failed(error)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        self.inner.table_growing(current, desired, maximum)
    }

    fn instances(&self) -> usize {
        self.inner.instances()
    }

    fn tables(&self) -> usize {
        self.inner.tables()
    }

    fn memories(&self) -> usize {
        self.inner.memories()
    }
}

/// An instance with its store and exports, and the input it holds.
struct Worker {
    store: Store<StoreState>,
    memory: Memory,
    reset: TypedFunc<(), ()>,
    alloc: TypedFunc<i32, i32>,
    eval: TypedFunc<(i32, i32, i32), i32>,
    /// The input written into memory.
    loaded: Option<Loaded>,
}

/// An input in a worker's memory.
#[derive(Clone, Copy)]
struct Loaded {
    /// [`Input::id`].
    id: u64,
    /// Where it starts.
    address: u32,
    /// Its length in bytes.
    len: u32,
}

/// Checks imports and exports against the ABI.
fn check_module(module: &wasmtime::Module) -> Result<(), PolicyError> {
    if let Some(import) = module.imports().next() {
        return Err(PolicyError::Import {
            name: format!("{}.{}", import.module(), import.name()),
        });
    }
    match module.get_export(exports::MEMORY) {
        Some(ExternType::Memory(memory)) if !memory.is_64() => {}
        Some(ExternType::Memory(_)) => {
            return Err(PolicyError::Export {
                name: exports::MEMORY,
                problem: "is a 64-bit memory, expected a 32-bit memory".to_string(),
            });
        }
        Some(_) => {
            return Err(PolicyError::Export {
                name: exports::MEMORY,
                problem: "is not a memory".to_string(),
            });
        }
        None => {
            return Err(PolicyError::Export {
                name: exports::MEMORY,
                problem: "is missing".to_string(),
            });
        }
    }
    check_function(module, exports::RESET, 0, 0)?;
    check_function(module, exports::ALLOC, 1, 1)?;
    check_function(module, exports::EVAL, 3, 1)
}

fn check_function(
    module: &wasmtime::Module,
    name: &'static str,
    params: usize,
    results: usize,
) -> Result<(), PolicyError> {
    let expected = signature(params, results);
    match module.get_export(name) {
        Some(ExternType::Func(ty)) => {
            let params_ok =
                ty.params().len() == params && ty.params().all(|p| matches!(p, ValType::I32));
            let results_ok =
                ty.results().len() == results && ty.results().all(|r| matches!(r, ValType::I32));
            if params_ok && results_ok {
                Ok(())
            } else {
                let found_params: Vec<String> = ty.params().map(|p| p.to_string()).collect();
                let found_results: Vec<String> = ty.results().map(|r| r.to_string()).collect();
                Err(PolicyError::Export {
                    name,
                    problem: format!(
                        "has type ({}) -> ({}), expected {expected}",
                        found_params.join(", "),
                        found_results.join(", ")
                    ),
                })
            }
        }
        Some(_) => Err(PolicyError::Export {
            name,
            problem: format!("is not a function, expected {expected}"),
        }),
        None => Err(PolicyError::Export {
            name,
            problem: format!("is missing, expected a function {expected}"),
        }),
    }
}

fn signature(params: usize, results: usize) -> String {
    format!(
        "({}) -> ({})",
        vec!["i32"; params].join(", "),
        vec!["i32"; results].join(", ")
    )
}
