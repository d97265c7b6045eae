//! Compiled modules run the same in Node's WebAssembly as under wasmtime.
//!
//! The example policies and the whole standard library are compiled to
//! modules; each is run on inputs encoded with `ward-encode` exactly as
//! `ward-runtime` encodes them (the module's key table, the document root
//! when the metadata asks for it, the parameters' defaults): the example template, an input with
//! unknown values, and the input of every `test` block of the policies.
//! The module, the encoded inputs and the rule count are written to a
//! temporary directory and `tests/node/run.mjs` runs them with plain
//! `node` (no imports, no npm packages), decoding the results blocks in
//! JavaScript. The same module runs under wasmtime, its results decoded by
//! `ward_abi::decode_results`, and under `ward-runtime`. Node and wasmtime
//! must write the same records (status, outcomes, findings with resource,
//! node, check, outcome and message), and Node's records, located through
//! the encoder's node table as any host would, must be the findings
//! `ward-runtime` reports.
//!
//! Node 20 or later must be on `PATH`; without it the test fails and says so.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value as Json;
use ward_abi::{KeyTable, Metadata, NONE, Outcome, Results, ResultsLimits, Status, decode_results};
use ward_compiler::Compiler;
use ward_encode::{EncodeOptions, EncodedInput, encode_input_with_params};
use ward_eval::testing::literal_to_json;
use ward_model::{Document, ResourcePart};
use ward_runtime::{Engine, EngineConfig, Input, ModuleCache, Policy};
use ward_syntax::ast::{Item, TestStmt};

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives in the repository")
        .to_path_buf()
}

/// `node`, checked to run and to be recent enough.
fn node() -> &'static str {
    let output = Command::new("node").arg("--version").output();
    let version = match output {
        Ok(output) if output.status.success() => {
            String::from_utf8_lossy(&output.stdout).trim().to_string()
        }
        Ok(output) => panic!(
            "`node --version` failed ({}): this test runs compiled modules in Node's WebAssembly and needs Node.js 20 or later on PATH",
            output.status
        ),
        Err(error) => panic!(
            "`node` was not found on PATH ({error}): this test runs compiled modules in Node's WebAssembly and needs Node.js 20 or later on PATH"
        ),
    };
    let major: u32 = version
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|major| major.parse().ok())
        .unwrap_or(0);
    assert!(
        major >= 20,
        "this test needs Node.js 20 or later, `node --version` says {version}"
    );
    "node"
}

/// A set of policy files and the inputs to run them on.
struct Suite {
    name: &'static str,
    files: Vec<(String, String)>,
    inputs: Vec<(String, Vec<u8>)>,
}

fn example_policies() -> Vec<(String, String)> {
    let directory = repository().join("examples/policies");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&directory)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "ward"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| {
            (
                format!(
                    "examples/policies/{}",
                    path.file_name().unwrap().to_string_lossy()
                ),
                std::fs::read_to_string(path).unwrap(),
            )
        })
        .collect()
}

fn stdlib() -> Vec<(String, String)> {
    ward_stdlib::FILES
        .iter()
        .map(|(path, text)| (path.to_string(), text.to_string()))
        .collect()
}

/// The input of every `test` block, as JSON text named after the test.
fn test_inputs(files: &[(String, String)]) -> Vec<(String, Vec<u8>)> {
    let mut inputs = Vec::new();
    for (_, text) in files {
        let parsed = ward_syntax::parse(text);
        for item in &parsed.file.items {
            let Item::Test(test) = item else { continue };
            for statement in &test.body {
                if let TestStmt::Input { value, .. } = statement {
                    let json = literal_to_json(value).expect("test inputs are literals");
                    inputs.push((
                        format!("{}.json", test.name.name),
                        serde_json::to_vec_pretty(&json).unwrap(),
                    ));
                }
            }
        }
    }
    inputs
}

fn files_as_inputs(paths: &[&str]) -> Vec<(String, Vec<u8>)> {
    paths
        .iter()
        .map(|path| {
            (
                path.to_string(),
                std::fs::read(repository().join(path)).unwrap(),
            )
        })
        .collect()
}

fn compile(files: &[(String, String)]) -> Vec<u8> {
    let mut compiler = Compiler::default();
    for (path, text) in files {
        compiler.set_file(path, text.clone());
    }
    let errors: Vec<String> = compiler
        .diagnostics()
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{}: {}", d.file, d.message))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let program = ward_compiler::ir::program(&compiler.db, compiler.workspace).unwrap();
    ward_codegen::compile(&program).expect("the policies compile to a module")
}

/// One finding record, as both hosts read it.
#[derive(Clone, Debug, PartialEq)]
struct Record {
    resource: u32,
    node: u32,
    check: u32,
    outcome: String,
    message: String,
}

/// One rule's results, as both hosts read them.
#[derive(Clone, Debug, PartialEq)]
struct RuleResults {
    rule: usize,
    status: u32,
    message: String,
    outcomes: Vec<(u32, String)>,
    findings: Vec<Record>,
}

fn from_abi(rule: usize, results: Results) -> RuleResults {
    RuleResults {
        rule,
        status: match results.status {
            Status::Ok => 0,
            Status::InputRejected => 1,
            Status::Error => 2,
        },
        message: results.message,
        outcomes: results
            .outcomes
            .iter()
            .map(|o| (o.resource, o.outcome.as_str().to_string()))
            .collect(),
        findings: results
            .findings
            .into_iter()
            .map(|f| Record {
                resource: f.resource,
                node: f.node,
                check: f.check,
                outcome: f.outcome.as_str().to_string(),
                message: f.message,
            })
            .collect(),
    }
}

fn from_node(json: &Json) -> RuleResults {
    let u32_of = |value: &Json| u32::try_from(value.as_u64().expect("a number")).unwrap();
    let text = |value: &Json| value.as_str().expect("a string").to_string();
    RuleResults {
        rule: json["rule"].as_u64().unwrap() as usize,
        status: u32_of(&json["status"]),
        message: text(&json["message"]),
        outcomes: json["outcomes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| (u32_of(&o["resource"]), text(&o["outcome"])))
            .collect(),
        findings: json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| Record {
                resource: u32_of(&f["resource"]),
                node: u32_of(&f["node"]),
                check: u32_of(&f["check"]),
                outcome: text(&f["outcome"]),
                message: text(&f["message"]),
            })
            .collect(),
    }
}

/// Runs every rule on every input under wasmtime, one instance for all
/// inputs, in the calling sequence of the ABI.
fn run_wasmtime(
    wasm: &[u8],
    metadata: &Metadata,
    inputs: &[(Document, EncodedInput)],
) -> Vec<Vec<RuleResults>> {
    let engine = wasmtime::Engine::default();
    let module = wasmtime::Module::new(&engine, wasm).unwrap();
    let mut store = wasmtime::Store::new(&engine, ());
    let instance = wasmtime::Instance::new(&mut store, &module, &[]).unwrap();
    let memory = instance.get_memory(&mut store, "memory").unwrap();
    let reset = instance
        .get_typed_func::<(), ()>(&mut store, "ward_reset")
        .unwrap();
    let alloc = instance
        .get_typed_func::<i32, i32>(&mut store, "ward_alloc")
        .unwrap();
    let eval = instance
        .get_typed_func::<(i32, i32, i32), i32>(&mut store, "ward_eval")
        .unwrap();
    let mut all = Vec::new();
    for (document, encoded) in inputs {
        reset.call(&mut store, ()).unwrap();
        let len = i32::try_from(encoded.bytes.len()).unwrap();
        let at = alloc.call(&mut store, len).unwrap();
        assert_ne!(at, 0);
        memory
            .write(&mut store, at as usize, &encoded.bytes)
            .unwrap();
        let mut results = Vec::new();
        for (index, rule) in metadata.rules.iter().enumerate() {
            let address = eval
                .call(&mut store, (index as i32, at, len))
                .unwrap_or_else(|error| panic!("rule `{}` trapped: {error}", rule.id));
            let limits = ResultsLimits::new(
                document.resources.len() as u32,
                encoded.nodes.len() as u32,
                rule.checks.len() as u32,
            );
            let decoded = decode_results(memory.data(&store), address as u32, &limits)
                .unwrap_or_else(|error| panic!("rule `{}`: {error}", rule.id));
            results.push(from_abi(index, decoded));
        }
        all.push(results);
    }
    all
}

/// A finding located the way a host locates it: through the node table,
/// else at the resource.
fn locate(
    metadata: &Metadata,
    rule: usize,
    record: &Record,
    document: &Document,
    encoded: &EncodedInput,
) -> String {
    let rule = &metadata.rules[rule];
    let node = (record.node != NONE).then(|| encoded.node(record.node).expect("a known node"));
    let resource = if record.resource != NONE {
        Some(record.resource as usize)
    } else {
        node.map(|node| node.resource as usize)
    };
    let (pos, path) = match (node, resource) {
        (Some(info), _) => (info.pos, encoded.path(document, record.node).unwrap()),
        (None, Some(resource)) => (
            document.resources[resource].pos,
            document.value_path(resource, ResourcePart::Resource, &[]),
        ),
        (None, None) => (document.root.pos, "$".to_string()),
    };
    let message = if record.message.is_empty() {
        rule.title.clone()
    } else {
        record.message.clone()
    };
    let resource = resource.map_or("", |index| document.resources[index].id.as_str());
    format!(
        "{} {} {resource} {path} {}:{} {message:?}",
        rule.id, record.outcome, pos.line, pos.column
    )
}

fn check_suite(suite: &Suite, engine: &Engine) -> (usize, usize) {
    let node = node();
    let wasm = compile(&suite.files);
    let metadata = ward_runtime::read_metadata(&wasm).unwrap();
    let keys: KeyTable = metadata.key_table();
    let options = EncodeOptions {
        include_root: metadata.uses_root,
    };
    // The parameters' defaults, the list `ward-runtime` writes when nobody
    // sets a parameter.
    let defaults: Vec<Json> = metadata
        .params
        .iter()
        .map(ward_abi::ParamMeta::default_value)
        .collect();
    let params = ward_model::Node::from_json(&Json::Array(defaults), ward_model::Pos::START);
    let directory = std::env::temp_dir().join(format!(
        "ward-portability-{}-{}",
        std::process::id(),
        suite.name
    ));
    let _ = std::fs::remove_dir_all(&directory);
    std::fs::create_dir_all(&directory).unwrap();
    std::fs::write(directory.join("module.wasm"), &wasm).unwrap();
    std::fs::write(
        directory.join("rule-count"),
        format!("{}\n", metadata.rules.len()),
    )
    .unwrap();

    let mut inputs = Vec::new();
    let mut binaries = Vec::new();
    for (index, (name, bytes)) in suite.inputs.iter().enumerate() {
        let document = ward_model::load(name, bytes, &Default::default())
            .unwrap_or_else(|error| panic!("{name}: {error:?}"));
        let encoded = encode_input_with_params(&document, &keys, &options, Some(&params)).unwrap();
        let binary = directory.join(format!("input-{index}.bin"));
        std::fs::write(&binary, &encoded.bytes).unwrap();
        binaries.push(binary);
        inputs.push((document, encoded));
    }

    let output = Command::new(node)
        .arg(repository().join("tests/node/run.mjs"))
        .arg(directory.join("module.wasm"))
        .args(&binaries)
        .arg("--rules")
        .arg(metadata.rules.len().to_string())
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "{}: node failed ({}):\n{}",
        suite.name,
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let json: Json = serde_json::from_slice(&output.stdout).expect("node prints JSON");
    assert_eq!(json["rules"].as_u64(), Some(metadata.rules.len() as u64));
    let from_node: Vec<Vec<RuleResults>> = json["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|input| {
            input["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(from_node)
                .collect()
        })
        .collect();
    let from_wasmtime = run_wasmtime(&wasm, &metadata, &inputs);
    assert_eq!(from_node.len(), suite.inputs.len());

    let policy = Policy::load(engine, &wasm).unwrap();
    let mut findings = 0;
    let mut outcomes = 0;
    for (index, ((name, _), (document, encoded))) in suite.inputs.iter().zip(&inputs).enumerate() {
        let node_results = &from_node[index];
        for (node_rule, wasmtime_rule) in node_results.iter().zip(&from_wasmtime[index]) {
            assert_eq!(
                node_rule, wasmtime_rule,
                "{}: {name}: rule `{}`: Node and wasmtime disagree",
                suite.name, metadata.rules[node_rule.rule].id
            );
        }
        assert_eq!(node_results.len(), metadata.rules.len());

        // Node's records, located as a host locates them, are what
        // ward-runtime reports.
        let report = policy.evaluate(&Input::new(document.clone()));
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        let located: Vec<String> = node_results
            .iter()
            .flat_map(|rule| {
                rule.findings
                    .iter()
                    .map(|record| locate(&metadata, rule.rule, record, document, encoded))
            })
            .collect();
        let reported: Vec<String> = report
            .findings
            .iter()
            .map(|f| {
                format!(
                    "{} {} {} {} {}:{} {:?}",
                    f.rule,
                    f.outcome.as_str(),
                    f.resource,
                    f.path,
                    f.line,
                    f.column,
                    f.message
                )
            })
            .collect();
        assert_eq!(located, reported, "{}: {name}", suite.name);
        let node_outcomes: Vec<(String, Option<usize>, String)> = node_results
            .iter()
            .flat_map(|rule| {
                rule.outcomes.iter().map(|(resource, outcome)| {
                    (
                        metadata.rules[rule.rule].id.clone(),
                        (*resource != NONE).then_some(*resource as usize),
                        outcome.clone(),
                    )
                })
            })
            .collect();
        let runtime_outcomes: Vec<(String, Option<usize>, String)> = report
            .outcomes
            .iter()
            .map(|o| {
                (
                    o.rule.to_string(),
                    o.resource,
                    Outcome::as_str(o.outcome).to_string(),
                )
            })
            .collect();
        assert_eq!(node_outcomes, runtime_outcomes, "{}: {name}", suite.name);
        findings += located.len();
        outcomes += node_outcomes.len();
    }
    let _ = std::fs::remove_dir_all(&directory);
    eprintln!(
        "{}: {} rules on {} inputs: {outcomes} outcomes and {findings} findings identical in Node and wasmtime",
        suite.name,
        metadata.rules.len(),
        suite.inputs.len()
    );
    (outcomes, findings)
}

fn engine() -> Engine {
    Engine::new(EngineConfig {
        pooling: false,
        cache: ModuleCache::Disabled,
        ..EngineConfig::default()
    })
    .unwrap()
}

#[test]
fn example_policies_run_the_same_in_node() {
    let files = example_policies();
    let mut inputs = files_as_inputs(&[
        "examples/templates/app.yaml",
        "cli/tests/inputs/unknown.yaml",
    ]);
    inputs.extend(test_inputs(&files));
    let suite = Suite {
        name: "examples",
        files,
        inputs,
    };
    let (outcomes, findings) = check_suite(&suite, &engine());
    assert!(outcomes > 20 && findings > 10, "too little was compared");
}

#[test]
fn standard_library_runs_the_same_in_node() {
    let files = stdlib();
    let mut inputs = files_as_inputs(&["examples/templates/app.yaml"]);
    inputs.extend(test_inputs(&files));
    let suite = Suite {
        name: "stdlib",
        files,
        inputs,
    };
    let (outcomes, findings) = check_suite(&suite, &engine());
    assert!(outcomes > 50 && findings > 20, "too little was compared");
}
