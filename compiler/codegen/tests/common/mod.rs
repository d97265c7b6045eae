//! Helpers shared by the module tests: compiling policies, running a
//! module under wasmtime, and comparing it with the reference evaluator.

#![allow(dead_code)]

use ward_abi::{
    KeyTable, META_SECTION, Metadata, NONE, Results, ResultsLimits, Status, decode_results,
};
use ward_compiler::Compiler;
use ward_compiler::ir::Program;
use ward_encode::{EncodeOptions, EncodedInput, encode_input_with_params};
use ward_eval::{Limits, evaluate};
use ward_model::{Document, ResourcePart};

/// The program of some files, or the errors that prevent it.
pub fn program_or_errors(files: &[(String, String)]) -> Result<Program, Vec<String>> {
    let mut compiler = Compiler::default();
    for (path, text) in files {
        compiler.set_file(path, text.clone());
    }
    let errors: Vec<String> = compiler
        .diagnostics()
        .into_iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{}: {}", d.file, d.message))
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok((*ward_compiler::ir::program(&compiler.db, compiler.workspace).expect("a program")).clone())
}

pub fn program(files: &[(String, String)]) -> Program {
    match program_or_errors(files) {
        Ok(program) => program,
        Err(errors) => panic!("{errors:?}"),
    }
}

/// Validates a module and reads its metadata.
pub fn validate(wasm: &[u8]) -> Metadata {
    wasmparser::Validator::new()
        .validate_all(wasm)
        .expect("a valid module");
    let mut metadata = None;
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        match payload.expect("parses") {
            wasmparser::Payload::CustomSection(section) if section.name() == META_SECTION => {
                assert!(metadata.is_none(), "one metadata section");
                metadata = Some(Metadata::decode(section.data()).expect("metadata decodes"));
            }
            wasmparser::Payload::ImportSection(imports) => {
                assert_eq!(imports.count(), 0, "no imports");
            }
            _ => {}
        }
    }
    metadata.expect("a metadata section")
}

/// A module instantiated under wasmtime, with its exports.
pub struct Instance {
    pub store: wasmtime::Store<()>,
    pub memory: wasmtime::Memory,
    pub reset: wasmtime::TypedFunc<(), ()>,
    pub alloc: wasmtime::TypedFunc<i32, i32>,
    pub eval: wasmtime::TypedFunc<(i32, i32, i32), i32>,
}

impl Instance {
    pub fn new(engine: &wasmtime::Engine, wasm: &[u8]) -> Instance {
        let module = wasmtime::Module::new(engine, wasm).expect("module");
        let mut store = wasmtime::Store::new(engine, ());
        let instance = wasmtime::Instance::new(&mut store, &module, &[]).expect("instance");
        let memory = instance.get_memory(&mut store, "memory").expect("memory");
        let reset = instance
            .get_typed_func::<(), ()>(&mut store, "ward_reset")
            .expect("ward_reset");
        let alloc = instance
            .get_typed_func::<i32, i32>(&mut store, "ward_alloc")
            .expect("ward_alloc");
        let eval = instance
            .get_typed_func::<(i32, i32, i32), i32>(&mut store, "ward_eval")
            .expect("ward_eval");
        Instance {
            store,
            memory,
            reset,
            alloc,
            eval,
        }
    }

    /// `ward_reset`, `ward_alloc` and the input written: its address.
    pub fn write_input(&mut self, bytes: &[u8]) -> i32 {
        self.reset.call(&mut self.store, ()).expect("reset");
        let len = i32::try_from(bytes.len()).expect("fits");
        let at = self.alloc.call(&mut self.store, len).expect("alloc");
        assert_ne!(at, 0);
        self.memory
            .write(&mut self.store, at as usize, bytes)
            .expect("write");
        at
    }

    /// `ward_eval` of rule `rule` on the input at `at`, its results
    /// decoded.
    pub fn results(&mut self, rule: i32, at: i32, len: i32, limits: &ResultsLimits) -> Results {
        let address = self
            .eval
            .call(&mut self.store, (rule, at, len))
            .expect("eval");
        decode_results(self.memory.data(&self.store), address as u32, limits).expect("results")
    }
}

/// A document encoded as the runtime encodes it for a module that does not
/// read the document root, with the defaults of the module's parameters.
pub fn encode(document: &Document, keys: &KeyTable) -> EncodedInput {
    encode_with_params(document, keys, &[])
}

/// [`encode`] with the values of the module's parameters (`params` from its
/// metadata), as `ward_runtime::Policy` writes them.
pub fn encode_with_params(
    document: &Document,
    keys: &KeyTable,
    params: &[ward_abi::ParamMeta],
) -> EncodedInput {
    let values: Vec<serde_json::Value> = params.iter().map(|p| p.default_value()).collect();
    let node =
        ward_model::Node::from_json(&serde_json::Value::Array(values), ward_model::Pos::START);
    encode_input_with_params(
        document,
        keys,
        &EncodeOptions {
            include_root: false,
        },
        Some(&node),
    )
    .expect("encodes")
}

/// One rule's results in a form both backends produce.
#[derive(Debug, PartialEq)]
pub struct RuleRun {
    pub error: bool,
    pub outcomes: Vec<String>,
    pub findings: Vec<String>,
}

fn finding_line(
    outcome: &str,
    resource: &str,
    line: u32,
    column: u32,
    path: &str,
    message: &str,
) -> String {
    format!("{outcome} {resource} {line}:{column} {path} {message}")
}

/// Runs every rule of a module on a document.
pub fn run_module(wasm: &[u8], document: &Document) -> Vec<RuleRun> {
    let metadata = validate(wasm);
    let keys = KeyTable::new(metadata.keys.iter().map(String::as_str));
    let encoded = encode_with_params(document, &keys, &metadata.params);
    let mut config = wasmtime::Config::new();
    config.consume_fuel(true);
    let engine = wasmtime::Engine::new(&config).expect("engine");
    let mut instance = Instance::new(&engine, wasm);
    instance.store.set_fuel(u64::MAX / 2).expect("fuel");
    let at = instance.write_input(&encoded.bytes);
    let len = i32::try_from(encoded.bytes.len()).expect("fits");
    let Instance {
        mut store,
        memory,
        eval,
        ..
    } = instance;
    let resource_count = u32::try_from(document.resources.len()).expect("fits");
    let node_count = u32::try_from(encoded.nodes.len()).expect("fits");
    let mut runs = Vec::new();
    for (index, rule) in metadata.rules.iter().enumerate() {
        let address = match eval.call(&mut store, (index as i32, at, len)) {
            Ok(address) => address,
            Err(error) => {
                runs.push(RuleRun {
                    error: true,
                    outcomes: vec![format!("trap: {error}")],
                    findings: Vec::new(),
                });
                continue;
            }
        };
        let limits = ResultsLimits::new(resource_count, node_count, rule.checks.len() as u32);
        let results =
            decode_results(memory.data(&store), address as u32, &limits).expect("valid results");
        assert_eq!(results.status, Status::Ok, "{}", results.message);
        let resource_id = |index: u32| {
            document
                .resources
                .get(index as usize)
                .map(|r| r.id.clone())
                .unwrap_or_default()
        };
        let outcomes = results
            .outcomes
            .iter()
            .map(|o| format!("{} {}", resource_id(o.resource), o.outcome.as_str()))
            .collect();
        let findings = results
            .findings
            .iter()
            .map(|finding| {
                // As hosts read a finding: a finding without a resource (of
                // a rule that runs once per input) names the resource of
                // the value it points at, if any.
                let resource = if finding.resource != NONE || finding.node == NONE {
                    finding.resource
                } else {
                    encoded
                        .node(finding.node)
                        .map_or(NONE, |node| node.resource)
                };
                let (pos, path) = if finding.node != NONE {
                    let pos = encoded
                        .node(finding.node)
                        .map(|node| node.pos)
                        .unwrap_or_default();
                    (
                        pos,
                        encoded.path(document, finding.node).unwrap_or_default(),
                    )
                } else if resource == NONE {
                    (document.root.pos, "$".to_string())
                } else {
                    let pos = document
                        .resources
                        .get(resource as usize)
                        .map(|r| r.pos)
                        .unwrap_or_default();
                    let path = document.value_path(resource as usize, ResourcePart::Resource, &[]);
                    (pos, path)
                };
                finding_line(
                    finding.outcome.as_str(),
                    &resource_id(resource),
                    pos.line,
                    pos.column,
                    &path,
                    &finding.message,
                )
            })
            .collect();
        runs.push(RuleRun {
            error: false,
            outcomes,
            findings,
        });
    }
    runs
}

/// What the reference evaluator reports, in the same form.
pub fn run_evaluator(program: &Program, document: &Document) -> Vec<RuleRun> {
    let report = evaluate(program, document, &Limits::default());
    let resource_id = |index: Option<usize>| {
        index
            .and_then(|index| document.resources.get(index))
            .map_or("", |r| r.id.as_str())
    };
    program
        .rules
        .iter()
        .map(|rule| RuleRun {
            error: report.errors.iter().any(|error| error.rule == rule.info.id),
            outcomes: report
                .outcomes
                .iter()
                .filter(|entry| *entry.rule == *rule.info.id)
                .map(|entry| format!("{} {}", resource_id(entry.resource), entry.outcome.as_str()))
                .collect(),
            findings: report
                .findings
                .iter()
                .filter(|finding| *finding.rule == *rule.info.id)
                .map(|finding| {
                    finding_line(
                        finding.outcome.as_str(),
                        &finding.resource,
                        finding.line,
                        finding.column,
                        &finding.path,
                        &finding.message,
                    )
                })
                .collect(),
        })
        .collect()
}

/// Compiles and runs a program and checks that every rule agrees with the
/// evaluator; `describe` names rule `i` in a failure.
pub fn compare(
    name: &str,
    program: &Program,
    document: &Document,
    describe: &dyn Fn(usize) -> String,
) {
    // A template with open conditions is judged once per variant and the
    // reports combined by the host; the module sees one variant at a time.
    if let Some(parts) = document.parts() {
        for part in parts {
            let mut whole = part.document.clone();
            whole.variants.clear();
            for resource in &mut whole.resources {
                resource.undecided = None;
            }
            compare(name, program, &whole, describe);
        }
        return;
    }
    let wasm = ward_codegen::compile(program).expect("compiles");
    let module = run_module(&wasm, document);
    let reference = run_evaluator(program, document);
    assert_eq!(module.len(), reference.len());
    let outcomes: usize = module.iter().map(|run| run.outcomes.len()).sum();
    assert!(
        outcomes > 0 || program.rules.is_empty(),
        "{name}: nothing was evaluated"
    );
    eprintln!(
        "{name}: {} rules, {outcomes} outcomes, {} findings",
        module.len(),
        module.iter().map(|run| run.findings.len()).sum::<usize>()
    );
    for (index, ((rule, module), reference)) in program
        .rules
        .iter()
        .zip(&module)
        .zip(&reference)
        .enumerate()
    {
        if reference.error {
            // The evaluator's step budget; the module has fuel instead.
            continue;
        }
        assert_eq!(
            module,
            reference,
            "{name}: rule `{}`: {}",
            rule.info.name,
            describe(index)
        );
    }
}
