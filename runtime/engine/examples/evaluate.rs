//! Evaluates a compiled Ward policy over an input file and prints the
//! findings.
//!
//! ```text
//! cargo run -p ward-runtime --example evaluate -- policy.wasm template.yaml
//! cargo run -p ward-runtime --example evaluate -- --json policy.wasm template.json
//! cargo run -p ward-runtime --example evaluate -- --demo template.yaml
//! ```
//!
//! `--demo` uses a small hand-written module in place of a compiled policy:
//! its one rule flags security group ingress open to `0.0.0.0/0`.
//! `--timings` prints how long each step took. The exit code is 1 when
//! there are findings or rule errors, 2 for usage or input errors.

use std::process::ExitCode;
use std::time::Instant;

use ward_runtime::{Engine, EngineConfig, Input, Policy};

const DEMO_COMMON: &str = include_str!("../tests/modules/common.wat");
const DEMO_POLICY: &str = include_str!("../tests/modules/policy.wat");

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

struct Options {
    json: bool,
    timings: bool,
    demo: bool,
    paths: Vec<String>,
}

fn parse_options() -> Result<Options, String> {
    let mut options = Options {
        json: false,
        timings: false,
        demo: false,
        paths: Vec::new(),
    };
    for argument in std::env::args().skip(1) {
        match argument.as_str() {
            "--json" => options.json = true,
            "--timings" => options.timings = true,
            "--demo" => options.demo = true,
            flag if flag.starts_with("--") => return Err(format!("unknown option `{flag}`")),
            _ => options.paths.push(argument),
        }
    }
    let expected = if options.demo { 1 } else { 2 };
    if options.paths.len() != expected {
        return Err(
            "usage: evaluate [--json] [--timings] (POLICY.wasm | --demo) INPUT".to_string(),
        );
    }
    Ok(options)
}

fn run() -> Result<ExitCode, String> {
    let options = parse_options()?;
    let started = Instant::now();
    let engine = Engine::new(EngineConfig::default()).map_err(|error| error.to_string())?;
    let engine_time = started.elapsed();

    let (wasm, input_path) = if options.demo {
        (demo_module()?, &options.paths[0])
    } else {
        let wasm = std::fs::read(&options.paths[0])
            .map_err(|error| format!("cannot read `{}`: {error}", options.paths[0]))?;
        (wasm, &options.paths[1])
    };

    let started = Instant::now();
    let policy = Policy::load(&engine, &wasm).map_err(|error| error.to_string())?;
    let load_time = started.elapsed();

    let started = Instant::now();
    let bytes = std::fs::read(input_path)
        .map_err(|error| format!("cannot read `{input_path}`: {error}"))?;
    let document = ward_model::load(input_path, &bytes, &Default::default())
        .map_err(|error| error.to_string())?;
    let input = Input::new(document);
    let parse_time = started.elapsed();

    let started = Instant::now();
    let encoded = ward_encode::encode_input_with(
        input.document(),
        &policy.metadata().key_table(),
        &ward_encode::EncodeOptions {
            include_root: policy.metadata().uses_root,
        },
    )
    .map_err(|error| error.to_string())?;
    let encode_time = started.elapsed();

    let started = Instant::now();
    let report = policy.evaluate(&input);
    let first_time = started.elapsed();
    let started = Instant::now();
    let again = policy.evaluate(&input);
    let second_time = started.elapsed();
    debug_assert_eq!(report, again);

    if options.json {
        let text = serde_json::to_string_pretty(&report).map_err(|error| error.to_string())?;
        println!("{text}");
    } else {
        for finding in &report.findings {
            println!(
                "{}:{}:{}: {} [{}] {} {}: {}",
                finding.file,
                finding.line,
                finding.column,
                finding.outcome,
                finding.severity,
                finding.rule,
                finding.resource,
                finding.message
            );
        }
        for error in &report.errors {
            println!("error: {}", error.message);
        }
        let summary = &report.summary;
        println!(
            "{} rules, {} resources: {} pass, {} fail, {} skip, {} unknown, {} findings, {} errors",
            summary.rules,
            summary.resources,
            summary.pass,
            summary.fail,
            summary.skip,
            summary.unknown,
            summary.findings,
            summary.errors
        );
    }
    if options.timings {
        eprintln!(
            "engine:            {engine_time:?} (pooling: {})",
            engine.uses_pooling()
        );
        eprintln!("load policy:       {load_time:?} ({:?})", policy.origin());
        eprintln!("parse input:       {parse_time:?}");
        eprintln!(
            "encode input:      {encode_time:?} ({} bytes, {} nodes; measured apart)",
            encoded.bytes.len(),
            encoded.nodes.len()
        );
        eprintln!("first evaluation:  {first_time:?} (encodes the input, instantiates)");
        eprintln!("second evaluation: {second_time:?} (reuses both)");
    }
    if options.timings {
        instantiation_timings(&wasm)?;
    }
    let clean = report.findings.is_empty() && report.errors.is_empty();
    Ok(if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Evaluates an empty input many times, on a fresh instance each time and
/// on a reused one, to show what instantiation costs.
fn instantiation_timings(wasm: &[u8]) -> Result<(), String> {
    const ROUNDS: u32 = 200;
    let empty = ward_model::load("empty.json", b"{}", &Default::default())
        .map_err(|error| error.to_string())?;
    let input = Input::new(empty);
    for (label, idle) in [("fresh instance", 0), ("reused instance", 1)] {
        let engine = Engine::new(EngineConfig {
            idle_instances_per_policy: idle,
            ..EngineConfig::default()
        })
        .map_err(|error| error.to_string())?;
        let policy = Policy::load(&engine, wasm).map_err(|error| error.to_string())?;
        policy.evaluate(&input);
        let started = Instant::now();
        for _ in 0..ROUNDS {
            policy.evaluate(&input);
        }
        eprintln!(
            "empty input, {label}: {:?} per evaluation",
            started.elapsed() / ROUNDS
        );
    }
    Ok(())
}

/// The hand-written test module with metadata for its first rule only.
fn demo_module() -> Result<Vec<u8>, String> {
    use ward_abi::{CheckKind, CheckMeta, Metadata, RuleMeta, Severity, SourceSpan};
    let text = DEMO_POLICY.replace("(;COMMON;)", DEMO_COMMON);
    let mut wasm = wat::parse_str(text).map_err(|error| error.to_string())?;
    let metadata = Metadata {
        producer: "hand-written demo".to_string(),
        rules: vec![RuleMeta {
            id: "NET-001".to_string(),
            name: "no_open_ingress".to_string(),
            package: "demo".to_string(),
            severity: Severity::High,
            controls: vec!["CIS:5.2".to_string()],
            tags: Vec::new(),
            title: "Security groups must not accept traffic from the whole internet".to_string(),
            description: String::new(),
            resource_types: vec!["AWS::EC2::SecurityGroup".to_string()],
            source: SourceSpan::default(),
            checks: vec![CheckMeta {
                kind: CheckKind::Deny,
                message: "SSH open to the world".to_string(),
                source: SourceSpan::default(),
            }],
            level: ward_abi::Level::default(),
            formats: Vec::new(),
            checkov: Vec::new(),
            guard: Vec::new(),
        }],
        keys: vec![
            "AWS::EC2::SecurityGroup".to_string(),
            "SecurityGroupIngress".to_string(),
            "CidrIp".to_string(),
        ],
        regex_count: 0,
        uses_root: false,
        params: Vec::new(),
    };
    let mut content = Vec::new();
    push_leb(&mut content, ward_abi::META_SECTION.len());
    content.extend_from_slice(ward_abi::META_SECTION.as_bytes());
    content.extend_from_slice(&metadata.encode());
    wasm.push(0);
    push_leb(&mut wasm, content.len());
    wasm.extend_from_slice(&content);
    Ok(wasm)
}

fn push_leb(out: &mut Vec<u8>, mut value: usize) {
    loop {
        let byte = (value & 0x7F) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}
