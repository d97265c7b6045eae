//! Measures the standard library on a generated CloudFormation template:
//! compiling it to WebAssembly, and evaluating it with the reference
//! evaluator and with the module under wasmtime.
//!
//! ```text
//! cargo run --release -p ward-codegen --example measure -- 10000
//! ```

use std::fmt::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use ward_abi::{KeyTable, META_SECTION, Metadata, ResultsLimits, decode_results};
use ward_compiler::Compiler;
use ward_encode::{EncodeOptions, encode_input_with};
use ward_eval::{Evaluator, Limits};

fn template(count: usize) -> String {
    let mut out = String::from("{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {");
    for index in 0..count {
        if index > 0 {
            out.push(',');
        }
        let body = match index % 5 {
            0 => format!(
                "\"Type\": \"AWS::EC2::SecurityGroup\", \"Properties\": {{\"GroupDescription\": \"g\", \"SecurityGroupIngress\": [{{\"IpProtocol\": \"tcp\", \"FromPort\": {}, \"ToPort\": {}, \"CidrIp\": \"{}\"}}]}}",
                if index % 3 == 0 { 22 } else { 443 },
                if index % 3 == 0 { 22 } else { 443 },
                if index % 2 == 0 {
                    "0.0.0.0/0"
                } else {
                    "10.0.0.0/8"
                }
            ),
            1 => format!(
                "\"Type\": \"AWS::S3::Bucket\", \"Properties\": {{\"BucketName\": \"b{index}\", \"Tags\": [{{\"Key\": \"env\", \"Value\": \"prod\"}}]}}"
            ),
            2 => "\"Type\": \"AWS::KMS::Key\", \"Properties\": {\"EnableKeyRotation\": true}"
                .to_string(),
            3 => "\"Type\": \"AWS::SecretsManager::Secret\", \"Properties\": {}".to_string(),
            _ => format!(
                "\"Type\": \"AWS::RDS::DBInstance\", \"Properties\": {{\"StorageEncrypted\": {}, \"PubliclyAccessible\": false}}",
                index % 2 == 0
            ),
        };
        let _ = write!(out, "\"R{index:06}\": {{{body}}}");
    }
    out.push_str("}}");
    out
}

fn best(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let stdlib = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../stdlib/aws");
    let mut compiler = Compiler::default();
    let mut entries: Vec<_> = std::fs::read_dir(&stdlib)
        .expect("stdlib")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.extension().is_some_and(|ext| ext == "ward") {
            let name = format!(
                "std/aws/{}",
                path.file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default()
            );
            compiler.set_file(&name, std::fs::read_to_string(&path).expect("readable"));
        }
    }
    let started = Instant::now();
    let program = ward_compiler::ir::program(&compiler.db, compiler.workspace).expect("no errors");
    let lowering = started.elapsed();
    let mut wasm = Vec::new();
    let codegen = best(5, || {
        wasm = ward_codegen::compile(&program).expect("compiles")
    });
    println!(
        "standard library: {} rules; analysis and lowering {lowering:?}; code generation {codegen:?}; module {} bytes",
        program.rules.len(),
        wasm.len()
    );

    let text = template(count);
    let started = Instant::now();
    let document = ward_model::load("t.json", text.as_bytes(), &Default::default()).expect("loads");
    println!(
        "template: {count} resources, {} bytes, loaded in {:?}",
        text.len(),
        started.elapsed()
    );

    let evaluator = Evaluator::new(&program);
    let mut findings = 0;
    let reference = best(3, || {
        findings = evaluator
            .evaluate(&document, &Limits::default())
            .findings
            .len()
    });
    println!("reference evaluator: {reference:?} ({findings} findings)");

    let metadata = wasmparser::Parser::new(0)
        .parse_all(&wasm)
        .filter_map(Result::ok)
        .find_map(|payload| match payload {
            wasmparser::Payload::CustomSection(section) if section.name() == META_SECTION => {
                Metadata::decode(section.data()).ok()
            }
            _ => None,
        })
        .expect("metadata");
    let keys = KeyTable::new(metadata.keys.iter().map(String::as_str));
    let mut encoded = None;
    let encoding = best(3, || {
        encoded = Some(
            encode_input_with(
                &document,
                &keys,
                &EncodeOptions {
                    include_root: false,
                },
            )
            .expect("encodes"),
        );
    });
    let encoded = encoded.expect("encoded");
    let engine = wasmtime::Engine::default();
    let started = Instant::now();
    let module = wasmtime::Module::new(&engine, &wasm).expect("module");
    let compile = started.elapsed();
    let mut store = wasmtime::Store::new(&engine, ());
    let instance = wasmtime::Instance::new(&mut store, &module, &[]).expect("instance");
    let memory = instance.get_memory(&mut store, "memory").expect("memory");
    let reset = instance
        .get_typed_func::<(), ()>(&mut store, "ward_reset")
        .expect("reset");
    let alloc = instance
        .get_typed_func::<i32, i32>(&mut store, "ward_alloc")
        .expect("alloc");
    let eval = instance
        .get_typed_func::<(i32, i32, i32), i32>(&mut store, "ward_eval")
        .expect("eval");
    let len = encoded.bytes.len() as i32;
    let mut module_findings = 0;
    let evaluation = best(3, || {
        reset.call(&mut store, ()).expect("reset");
        let at = alloc.call(&mut store, len).expect("alloc");
        memory
            .write(&mut store, at as usize, &encoded.bytes)
            .expect("write");
        module_findings = 0;
        for (index, rule) in metadata.rules.iter().enumerate() {
            let address = eval
                .call(&mut store, (index as i32, at, len))
                .expect("eval");
            let limits = ResultsLimits::new(
                document.resources.len() as u32,
                encoded.nodes.len() as u32,
                rule.checks.len() as u32,
            );
            let results =
                decode_results(memory.data(&store), address as u32, &limits).expect("results");
            module_findings += results.findings.len();
        }
    });
    println!(
        "module: wasmtime compile {compile:?}; input encoding {encoding:?}; evaluation of every rule {evaluation:?} ({module_findings} findings)"
    );
}
