//! What evaluation costs: the example policies on generated CloudFormation
//! templates of 1,000, 10,000 and 50,000 resources, run
//!
//! - as a compiled module under `ward-runtime` (the input already loaded and
//!   encoded, the instance reused: `Policy::evaluate` alone), with the
//!   encoding measured on its own, and the module's calls alone under
//!   wasmtime (results decoded, findings not located: `module_calls`;
//!   results not decoded: `module_run`; and at 10,000 resources compiled
//!   without wasmtime's interruption checks: `module_run_unchecked`);
//! - by the reference evaluator;
//! - by a hand-written native Rust implementation of the same six checks
//!   over the same `ward_model::Document`, which must find exactly the
//!   failures the module finds;
//!
//! and what getting a module costs: compiling `examples/policies` and the
//! whole standard library (lowering, code generation and wasmtime's
//! compilation, nothing cached), and loading a module from the disk cache
//! and instantiating it.
//!
//! ```sh
//! cargo bench -p ward-tests --bench evaluation
//! cargo bench -p ward-tests --bench evaluation -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! The results are described in `docs/performance.md`, section
//! "Evaluation".

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use serde_json::{Map, Value as Json, json};
use ward_abi::{Metadata, ResultsLimits, decode_results};
use ward_compiler::Compiler;
use ward_compiler::ir::Program;
use ward_encode::{EncodeOptions, EncodedInput, encode_input_with};
use ward_eval::{Evaluator, Limits};
use ward_model::Document;
use ward_runtime::{Engine, EngineConfig, Input, ModuleCache, ModuleOrigin, Policy};

const SIZES: &[usize] = &[1_000, 10_000, 50_000];

// ---------------------------------------------------------------------------
// Templates

/// A small deterministic generator (xorshift), so every run measures the
/// same templates.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x % n
    }
}

fn bucket(rng: &mut Rng) -> Json {
    let encryption = |algorithm: &str| {
        json!({ "ServerSideEncryptionConfiguration": [
            { "ServerSideEncryptionByDefault": { "SSEAlgorithm": algorithm } }
        ] })
    };
    let properties = match rng.below(6) {
        0 => json!({}),
        1 => json!({ "BucketEncryption": { "ServerSideEncryptionConfiguration": [] } }),
        2 => json!({ "BucketEncryption": encryption("none") }),
        3 => json!({ "BucketEncryption": encryption("AES256") }),
        _ => {
            json!({ "BucketEncryption": encryption("aws:kms"), "VersioningConfiguration": { "Status": "Enabled" } })
        }
    };
    json!({ "Type": "AWS::S3::Bucket", "Properties": properties })
}

fn ingress(rng: &mut Rng) -> Json {
    match rng.below(9) {
        0 => json!({ "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0" }),
        1 => json!({ "IpProtocol": "tcp", "FromPort": 0, "ToPort": 1024, "CidrIp": "0.0.0.0/0" }),
        2 => json!({ "IpProtocol": "-1", "CidrIpv6": "::/0" }),
        3 => {
            json!({ "IpProtocol": "tcp", "FromPort": "22", "ToPort": "22", "CidrIp": "0.0.0.0/0" })
        }
        4 => json!({ "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "10.0.0.0/8" }),
        5 => json!({ "IpProtocol": "icmp", "FromPort": 8, "ToPort": -1, "CidrIp": "0.0.0.0/0" }),
        _ => json!({ "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0" }),
    }
}

fn security_group(rng: &mut Rng) -> Json {
    let rules: Vec<Json> = (0..1 + rng.below(3)).map(|_| ingress(rng)).collect();
    json!({ "Type": "AWS::EC2::SecurityGroup", "Properties": {
        "GroupDescription": "generated", "SecurityGroupIngress": rules
    } })
}

fn database(rng: &mut Rng) -> Json {
    let properties = match rng.below(6) {
        0 => json!({ "Engine": "mysql" }),
        1 => json!({ "Engine": "mysql", "StorageEncrypted": true, "PubliclyAccessible": true }),
        2 => json!({ "Engine": "aurora-mysql", "DBClusterIdentifier": "cluster" }),
        3 => {
            json!({ "Engine": "postgres", "StorageEncrypted": "true", "PubliclyAccessible": "false" })
        }
        _ => json!({ "Engine": "postgres", "StorageEncrypted": true, "PubliclyAccessible": false }),
    };
    json!({ "Type": "AWS::RDS::DBInstance", "Properties": properties })
}

fn key(rng: &mut Rng) -> Json {
    let properties = match rng.below(6) {
        0 => json!({}),
        1 => json!({ "EnableKeyRotation": false }),
        2 => json!({ "KeySpec": "RSA_2048", "KeyUsage": "SIGN_VERIFY" }),
        3 => json!({ "EnableKeyRotation": "true" }),
        _ => json!({ "EnableKeyRotation": true, "KeySpec": "SYMMETRIC_DEFAULT" }),
    };
    json!({ "Type": "AWS::KMS::Key", "Properties": properties })
}

fn policy_document(rng: &mut Rng) -> Json {
    let statement = match rng.below(5) {
        0 => json!({ "Effect": "Allow", "Action": "*", "Resource": "*" }),
        1 => json!([{ "Effect": "Allow", "Action": ["s3:GetObject", "*"], "Resource": ["*"] }]),
        2 => json!([{ "Effect": "Deny", "Action": "*", "Resource": "*" }]),
        _ => json!([
            { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*" },
            { "Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": ["arn:aws:sqs:*"] }
        ]),
    };
    let resource_type = if rng.below(2) == 0 {
        "AWS::IAM::Policy"
    } else {
        "AWS::IAM::ManagedPolicy"
    };
    json!({ "Type": resource_type, "Properties": {
        "PolicyName": "generated",
        "PolicyDocument": { "Version": "2012-10-17", "Statement": statement }
    } })
}

/// A template of `size` resources: buckets, security groups, RDS
/// instances, KMS keys, secrets (most with a rotation schedule that refers
/// to them), IAM policies; compliant and not.
fn template_text(size: usize) -> String {
    let mut rng = Rng(0x5eed_0000 + size as u64);
    let mut resources = Map::new();
    let mut index = 0;
    while resources.len() < size {
        let kind = index % 6;
        index += 1;
        let id = format!("R{index}");
        match kind {
            0 => resources.insert(id, bucket(&mut rng)),
            1 => resources.insert(id, security_group(&mut rng)),
            2 => resources.insert(id, database(&mut rng)),
            3 => resources.insert(id, key(&mut rng)),
            4 => {
                let schedule = match rng.below(4) {
                    0 => None,
                    1 => Some(json!({ "AutomaticallyAfterDays": 365 })),
                    2 => Some(json!({ "AutomaticallyAfterDays": "60" })),
                    _ => Some(json!({ "AutomaticallyAfterDays": 30 })),
                };
                if let Some(rules) = schedule.filter(|_| resources.len() + 2 <= size) {
                    resources.insert(
                        format!("{id}Rotation"),
                        json!({ "Type": "AWS::SecretsManager::RotationSchedule", "Properties": {
                            "SecretId": { "Ref": id.clone() }, "RotationRules": rules
                        } }),
                    );
                }
                resources.insert(id, json!({ "Type": "AWS::SecretsManager::Secret" }))
            }
            _ => resources.insert(id, policy_document(&mut rng)),
        };
    }
    serde_json::to_string_pretty(&json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": Json::Object(resources),
    }))
    .expect("serialises")
}

fn template(size: usize) -> Document {
    let text = template_text(size);
    ward_model::load("template.json", text.as_bytes(), &Default::default()).expect("loads")
}

// ---------------------------------------------------------------------------
// The six checks in plain Rust

/// `examples/policies/*.ward`, written by hand over the same model: the
/// same iteration rules (an absent value iterates nothing, a single value
/// iterates once), the same helpers (`is_true`, `covers_port`,
/// `port_in_range` with numeric strings), the same messages and locations.
mod native {
    use ward_model::{Document, Node, Pos, Resource, Value};

    pub struct Finding {
        pub rule: &'static str,
        pub resource: usize,
        pub message: String,
        pub pos: Pos,
    }

    fn field<'a>(node: Option<&'a Node>, key: &str) -> Option<&'a Node> {
        node.and_then(|node| node.get(key))
    }

    /// The iteration of a value: nothing for null or absent, a list's
    /// elements, otherwise the value itself once.
    fn items(node: Option<&Node>) -> &[Node] {
        match node {
            None => &[],
            Some(node) => match &node.value {
                Value::Null | Value::Unknown(_) => &[],
                Value::List(items) => items,
                _ => std::slice::from_ref(node),
            },
        }
    }

    fn is_string(node: Option<&Node>, text: &str) -> bool {
        node.and_then(Node::as_str) == Some(text)
    }

    fn is_true(node: Option<&Node>) -> bool {
        match node.map(|node| &node.value) {
            Some(Value::Bool(flag)) => *flag,
            Some(Value::String(text)) => text.eq_ignore_ascii_case("true"),
            _ => false,
        }
    }

    /// `number(x)`: a number, or a string matching `-?[0-9]+(\.[0-9]+)?`.
    fn number(node: Option<&Node>) -> Option<f64> {
        match node.map(|node| &node.value) {
            Some(Value::Number(number)) => Some(*number),
            Some(Value::String(text)) => {
                let digits = text.strip_prefix('-').unwrap_or(text);
                let (whole, fraction) = match digits.split_once('.') {
                    Some((whole, fraction)) => (whole, Some(fraction)),
                    None => (digits, None),
                };
                let numeric =
                    |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
                if numeric(whole) && fraction.is_none_or(numeric) {
                    text.parse().ok()
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    fn port_in_range(port: f64, from: Option<&Node>, to: Option<&Node>) -> bool {
        match number(from) {
            None => false,
            Some(-1.0) => true,
            Some(from) => number(to).is_some_and(|to| from <= port && port <= to),
        }
    }

    fn covers_port(permission: &Node, port: f64) -> bool {
        let protocol = permission.get("IpProtocol");
        is_string(protocol, "-1")
            || protocol.and_then(Node::as_f64) == Some(-1.0)
            || port_in_range(port, permission.get("FromPort"), permission.get("ToPort"))
    }

    fn is_public_cidr(node: Option<&Node>) -> bool {
        is_string(node, "0.0.0.0/0") || is_string(node, "::/0")
    }

    fn render_number(number: f64) -> String {
        if number.fract() == 0.0 && number.abs() < 9_007_199_254_740_992.0 {
            format!("{}", number as i64)
        } else {
            format!("{number}")
        }
    }

    /// Where a finding `at` this value points: the value when the input
    /// has it, else the resource.
    fn at(node: Option<&Node>, resource: &Resource) -> Pos {
        match node {
            Some(node) if !matches!(node.value, Value::Null) => node.pos,
            _ => resource.pos,
        }
    }

    pub fn check(document: &Document) -> (Vec<Finding>, usize) {
        let mut findings = Vec::new();
        let mut failing = 0;
        for (index, resource) in document.resources.iter().enumerate() {
            let before = findings.len();
            let props = Some(&resource.props);
            let mut add = |rule, message: String, pos| {
                findings.push(Finding {
                    rule,
                    resource: index,
                    message,
                    pos,
                })
            };
            match resource.resource_type.as_str() {
                "AWS::S3::Bucket" => {
                    let rules = field(
                        field(props, "BucketEncryption"),
                        "ServerSideEncryptionConfiguration",
                    );
                    if items(rules).is_empty() {
                        let message =
                            format!("{} has no default server-side encryption", resource.id);
                        add("S3-001", message, resource.pos);
                    }
                    for encryption in items(rules) {
                        let algorithm = field(
                            encryption.get("ServerSideEncryptionByDefault"),
                            "SSEAlgorithm",
                        );
                        if !["AES256", "aws:kms", "aws:kms:dsse"]
                            .iter()
                            .any(|known| is_string(algorithm, known))
                        {
                            let message = format!(
                                "{} has an encryption rule without a known algorithm",
                                resource.id
                            );
                            add("S3-001", message, encryption.pos);
                        }
                    }
                }
                "AWS::EC2::SecurityGroup" => {
                    for ingress in items(field(props, "SecurityGroupIngress")) {
                        let public = is_public_cidr(ingress.get("CidrIp"))
                            || is_public_cidr(ingress.get("CidrIpv6"));
                        if public && covers_port(ingress, 22.0) {
                            let message = format!("{} allows SSH from the internet", resource.id);
                            add("NET-001", message, ingress.pos);
                        }
                    }
                }
                "AWS::RDS::DBInstance" => {
                    let member = field(props, "DBClusterIdentifier")
                        .is_some_and(|node| !matches!(node.value, Value::Null));
                    if !member {
                        let encrypted = field(props, "StorageEncrypted");
                        if !is_true(encrypted) {
                            let message = format!("{} does not encrypt its storage", resource.id);
                            add("RDS-001", message, at(encrypted, resource));
                        }
                        let public = field(props, "PubliclyAccessible");
                        if is_true(public) {
                            let message = format!("{} is publicly accessible", resource.id);
                            add("RDS-001", message, at(public, resource));
                        }
                    }
                }
                "AWS::KMS::Key" => {
                    let spec = field(props, "KeySpec");
                    let symmetric = spec.is_none_or(|node| matches!(node.value, Value::Null))
                        || is_string(spec, "SYMMETRIC_DEFAULT");
                    let rotation = field(props, "EnableKeyRotation");
                    if symmetric && !is_true(rotation) {
                        let message = format!("{} does not rotate its key material", resource.id);
                        add("KMS-001", message, at(rotation, resource));
                    }
                }
                "AWS::SecretsManager::Secret" => {
                    let mut schedules: Vec<usize> = Vec::new();
                    for edge in document.incoming(index) {
                        let from = &document.resources[edge.from];
                        if from.resource_type == "AWS::SecretsManager::RotationSchedule"
                            && !schedules.contains(&edge.from)
                        {
                            schedules.push(edge.from);
                        }
                    }
                    if schedules.is_empty() {
                        add(
                            "SEC-010",
                            format!("{} is never rotated", resource.id),
                            resource.pos,
                        );
                    }
                    for schedule in schedules {
                        let days = field(
                            document.resources[schedule].props.get("RotationRules"),
                            "AutomaticallyAfterDays",
                        );
                        if let Some(number) = number(days)
                            && number > 90.0
                        {
                            let message = format!(
                                "{} is rotated only every {} days",
                                resource.id,
                                render_number(number)
                            );
                            add("SEC-010", message, at(days, resource));
                        }
                    }
                }
                "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
                    let statements = field(field(props, "PolicyDocument"), "Statement");
                    for statement in items(statements) {
                        let star = |key| {
                            let value = statement.get(key);
                            match value.map(|node| &node.value) {
                                Some(Value::List(items)) => {
                                    items.iter().any(|item| is_string(Some(item), "*"))
                                }
                                _ => is_string(value, "*"),
                            }
                        };
                        if is_string(statement.get("Effect"), "Allow")
                            && star("Action")
                            && star("Resource")
                        {
                            let message =
                                format!("{} allows every action on every resource", resource.id);
                            add("IAM-001", message, statement.pos);
                        }
                    }
                }
                _ => {}
            }
            // Each resource is checked by at most one rule here, so a
            // resource with findings is one failing (rule, resource) pair.
            if findings.len() > before {
                failing += 1;
            }
        }
        (findings, failing)
    }
}

// ---------------------------------------------------------------------------
// Policies

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives in the repository")
        .to_path_buf()
}

fn example_files() -> Vec<(String, String)> {
    let directory = repository().join("examples/policies");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&directory)
        .expect("examples/policies")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "ward"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| {
            (
                format!(
                    "examples/policies/{}",
                    path.file_name().expect("a name").to_string_lossy()
                ),
                std::fs::read_to_string(path).expect("readable"),
            )
        })
        .collect()
}

fn stdlib_files() -> Vec<(String, String)> {
    ward_stdlib::FILES
        .iter()
        .map(|(path, text)| (path.to_string(), text.to_string()))
        .collect()
}

/// Parses, checks and lowers a set of files.
fn lower(files: &[(String, String)]) -> Arc<Program> {
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
    ward_compiler::ir::program(&compiler.db, compiler.workspace).expect("a program")
}

/// The module under wasmtime without `ward-runtime`: the calls of
/// `ward_eval` for every rule and the results blocks decoded, but no
/// finding located in the input. What the host adds shows as the
/// difference with `Policy::evaluate`; what decoding costs, as the
/// difference with [`RawModule::run_undecoded`].
struct RawModule {
    interruptible: bool,
    store: wasmtime::Store<()>,
    memory: wasmtime::Memory,
    eval: wasmtime::TypedFunc<(i32, i32, i32), i32>,
    input: (i32, i32),
    limits: Vec<ResultsLimits>,
}

impl RawModule {
    fn new(
        wasm: &[u8],
        metadata: &Metadata,
        document: &Document,
        encoded: &EncodedInput,
        interruptible: bool,
    ) -> RawModule {
        // Compiled as `ward-runtime` compiles it by default: optimised for
        // speed, with epoch interruption (checks on entry to every function
        // and at every loop). Without it only to measure what the checks
        // cost: `ward-runtime` never runs a module unbounded.
        let mut config = wasmtime::Config::new();
        config
            .epoch_interruption(interruptible)
            .cranelift_opt_level(wasmtime::OptLevel::Speed);
        let engine = wasmtime::Engine::new(&config).expect("engine");
        let module = wasmtime::Module::new(&engine, wasm).expect("compiles");
        let mut store = wasmtime::Store::new(&engine, ());
        if interruptible {
            store.set_epoch_deadline(u64::MAX);
        }
        let instance = wasmtime::Instance::new(&mut store, &module, &[]).expect("instantiates");
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
        reset.call(&mut store, ()).expect("reset");
        let len = i32::try_from(encoded.bytes.len()).expect("fits");
        let at = alloc.call(&mut store, len).expect("alloc");
        memory
            .write(&mut store, at as usize, &encoded.bytes)
            .expect("writes");
        let limits = metadata
            .rules
            .iter()
            .map(|rule| {
                ResultsLimits::new(
                    document.resources.len() as u32,
                    encoded.nodes.len() as u32,
                    rule.checks.len() as u32,
                )
            })
            .collect();
        RawModule {
            interruptible,
            store,
            memory,
            eval,
            input: (at, len),
            limits,
        }
    }

    /// Every rule's results; returns the number of findings.
    fn run(&mut self) -> usize {
        (0..self.limits.len())
            .map(|index| self.run_rule(index))
            .sum()
    }

    /// Every rule's calls, their results left undecoded; returns the
    /// results' addresses added up.
    fn run_undecoded(&mut self) -> u32 {
        (0..self.limits.len())
            .map(|index| self.call(index))
            .fold(0, u32::wrapping_add)
    }

    /// One rule's call; returns the address of its results.
    fn call(&mut self, index: usize) -> u32 {
        if self.interruptible {
            self.store.set_epoch_deadline(u64::MAX);
        }
        self.eval
            .call(&mut self.store, (index as i32, self.input.0, self.input.1))
            .expect("evaluates") as u32
    }

    /// One rule's results; returns its number of findings.
    fn run_rule(&mut self, index: usize) -> usize {
        let address = self.call(index);
        decode_results(self.memory.data(&self.store), address, &self.limits[index])
            .expect("valid results")
            .findings
            .len()
    }
}

fn uncached_engine() -> Engine {
    Engine::new(EngineConfig {
        cache: ModuleCache::Disabled,
        ..EngineConfig::default()
    })
    .expect("engine")
}

// ---------------------------------------------------------------------------
// Benchmarks

fn evaluation(c: &mut Criterion) {
    let program = lower(&example_files());
    let wasm = ward_codegen::compile(&program).expect("compiles");
    let engine = uncached_engine();
    let policy = Policy::load(&engine, &wasm).expect("loads");
    let evaluator = Evaluator::new(&program);
    let limits = Limits::default();

    let mut group = c.benchmark_group("evaluate");
    group.sample_size(10);
    for &size in SIZES {
        let document = template(size);
        group.throughput(Throughput::Elements(size as u64));

        // The three implementations agree before anything is timed.
        let input = Input::new(document.clone());
        let report = policy.evaluate(&input);
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        assert_eq!(report.summary.resources, size);
        let (native_findings, native_failing) = native::check(&document);
        assert_eq!(
            native_findings.len(),
            report.findings.len(),
            "native and module findings at {size}"
        );
        assert_eq!(
            native_failing, report.summary.fail,
            "failing pairs at {size}"
        );
        let mut from_module: Vec<String> = report
            .findings
            .iter()
            .map(|f| {
                format!(
                    "{} {} {}:{} {}",
                    f.rule, f.resource, f.line, f.column, f.message
                )
            })
            .collect();
        let mut from_native: Vec<String> = native_findings
            .iter()
            .map(|f| {
                format!(
                    "{} {} {}:{} {}",
                    f.rule, document.resources[f.resource].id, f.pos.line, f.pos.column, f.message
                )
            })
            .collect();
        from_module.sort();
        from_native.sort();
        assert!(
            from_module == from_native,
            "native and module findings differ at {size}"
        );
        let reference = evaluator.evaluate(&document, &limits);
        assert!(
            reference == report,
            "the reference evaluator's report and the module's differ at {size}"
        );
        eprintln!(
            "{size} resources: {} failing pairs, {} findings in all three",
            report.summary.fail,
            report.findings.len()
        );

        group.bench_with_input(BenchmarkId::new("module", size), &input, |b, input| {
            b.iter(|| policy.evaluate(input))
        });
        let metadata = policy.metadata();
        let keys = metadata.key_table();
        let options = EncodeOptions {
            include_root: metadata.uses_root,
        };
        let encoded = encode_input_with(&document, &keys, &options).expect("encodes");
        let mut raw = RawModule::new(&wasm, metadata, &document, &encoded, true);
        assert_eq!(raw.run(), report.findings.len());
        group.bench_function(BenchmarkId::new("module_calls", size), |b| {
            b.iter(|| raw.run())
        });
        group.bench_function(BenchmarkId::new("module_run", size), |b| {
            b.iter(|| raw.run_undecoded())
        });
        // At one size: the calls without interruption checks, and each
        // rule alone.
        if size == 10_000 {
            let mut unchecked = RawModule::new(&wasm, metadata, &document, &encoded, false);
            assert_eq!(unchecked.run(), report.findings.len());
            group.bench_function(BenchmarkId::new("module_run_unchecked", size), |b| {
                b.iter(|| unchecked.run_undecoded())
            });
            for (index, rule) in metadata.rules.iter().enumerate() {
                group.bench_function(BenchmarkId::new(format!("rule/{}", rule.id), size), |b| {
                    b.iter(|| raw.run_rule(index))
                });
            }
        }
        group.bench_with_input(
            BenchmarkId::new("reference", size),
            &document,
            |b, document| b.iter(|| evaluator.evaluate(document, &limits)),
        );
        group.bench_with_input(
            BenchmarkId::new("native", size),
            &document,
            |b, document| b.iter(|| native::check(document)),
        );
        group.bench_with_input(
            BenchmarkId::new("encode", size),
            &document,
            |b, document| b.iter(|| encode_input_with(document, &keys, &options).expect("encodes")),
        );
    }
    group.finish();
}

fn compilation(c: &mut Criterion) {
    let mut group = c.benchmark_group("compile");
    group.sample_size(10);
    // Part of every uncached measurement below: a new engine.
    group.bench_function("engine", |b| b.iter(uncached_engine));
    for (name, files) in [("examples", example_files()), ("stdlib", stdlib_files())] {
        // Everything from source text to a loaded module, with a new engine
        // each time so that nothing comes from a cache.
        group.bench_function(BenchmarkId::new("all", name), |b| {
            b.iter(|| {
                let program = lower(&files);
                let wasm = ward_codegen::compile(&program).expect("compiles");
                let policy = Policy::load(&uncached_engine(), &wasm).expect("loads");
                assert_eq!(policy.origin(), ModuleOrigin::Compiled);
                policy
            })
        });
        group.bench_function(BenchmarkId::new("lower", name), |b| {
            b.iter(|| lower(&files))
        });
        let program = lower(&files);
        group.bench_function(BenchmarkId::new("codegen", name), |b| {
            b.iter(|| ward_codegen::compile(&program).expect("compiles"))
        });
        let wasm = ward_codegen::compile(&program).expect("compiles");
        group.bench_function(BenchmarkId::new("wasmtime", name), |b| {
            b.iter(|| Policy::load(&uncached_engine(), &wasm).expect("loads"))
        });
        eprintln!("{name}: a module of {} bytes", wasm.len());
    }
    group.finish();
}

fn cached_load(c: &mut Criterion) {
    let mut group = c.benchmark_group("load");
    group.sample_size(20);
    let wasm = ward_codegen::compile(&lower(&stdlib_files())).expect("compiles");
    let cache = std::env::temp_dir().join(format!("ward-bench-cache-{}", std::process::id()));
    let engine = || {
        Engine::new(EngineConfig {
            cache: ModuleCache::Directory(cache.clone()),
            ..EngineConfig::default()
        })
        .expect("engine")
    };
    Policy::load(&engine(), &wasm).expect("loads");
    let small = Input::new(template(6));
    // A new engine each time: the module comes from the disk cache, then
    // one evaluation of a small template instantiates it.
    group.bench_function("stdlib_from_disk_cache_and_instantiate", |b| {
        b.iter(|| {
            let policy = Policy::load(&engine(), &wasm).expect("loads");
            assert_eq!(policy.origin(), ModuleOrigin::DiskCache);
            policy.evaluate(&small)
        })
    });
    let shared = engine();
    Policy::load(&shared, &wasm).expect("loads");
    group.bench_function("stdlib_from_memory_cache_and_instantiate", |b| {
        b.iter(|| {
            let policy = Policy::load(&shared, &wasm).expect("loads");
            assert_eq!(policy.origin(), ModuleOrigin::MemoryCache);
            policy.evaluate(&small)
        })
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&cache);
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = evaluation, compilation, cached_load
}
criterion_main!(benches);
