//! Generated modules: they validate, carry their metadata, and, run under
//! wasmtime on the evaluator's test cases and the examples, report exactly
//! what the reference evaluator reports (outcomes, and findings with their
//! message, line and column).

use std::path::{Path, PathBuf};

mod common;

use common::{Instance, compare, encode, program, validate};
use ward_abi::{KeyTable, ResultsLimits, Status};

fn evaluator_cases() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../eval/tests/eval")
}

/// Every evaluator case, compiled and run.
#[test]
fn evaluator_cases_agree() {
    let dir = evaluator_cases();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("cases")
        .filter_map(|entry| {
            let path = entry.expect("entry").path();
            (path.extension()? == "ward").then(|| path.file_stem()?.to_str().map(str::to_string))?
        })
        .collect();
    names.sort();
    assert!(names.len() >= 10);
    for name in names {
        let policy = std::fs::read_to_string(dir.join(format!("{name}.ward"))).expect("policy");
        let input = policy
            .lines()
            .find_map(|line| {
                line.trim()
                    .strip_prefix("// input:")
                    .map(|s| s.trim().to_string())
            })
            .unwrap_or_else(|| {
                ["json", "yaml"]
                    .iter()
                    .map(|ext| format!("{name}.{ext}"))
                    .find(|file| dir.join(file).exists())
                    .expect("an input")
            });
        let bytes = std::fs::read(dir.join(&input)).expect("input");
        let document = ward_model::load(&input, &bytes, &Default::default()).expect("loads");
        let program = program(&[(format!("{name}.ward"), policy)]);
        compare(&name, &program, &document, &|_| String::new());
    }
}

/// The example policies on the example template.
#[test]
fn examples_agree() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(root.join("examples/policies")).expect("examples") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|ext| ext == "ward") {
            let text = std::fs::read_to_string(&path).expect("readable");
            files.push((path.display().to_string(), text));
        }
    }
    files.sort();
    let program = program(&files);
    let bytes = std::fs::read(root.join("examples/templates/app.yaml")).expect("template");
    let document = ward_model::load("app.yaml", &bytes, &Default::default()).expect("loads");
    compare("examples", &program, &document, &|_| String::new());
}

#[test]
fn metadata_describes_the_rules() {
    let program = program(&[(
        "p.ward".to_string(),
        r#"package net
/// Security groups stay closed.
///
/// More text.
@id("NET-001") @severity(high) @controls("CIS:5.2") @tags("network")
rule closed for sg in resources("AWS::EC2::SecurityGroup", "AWS::EC2::*") {
  for ingress in sg.props.SecurityGroupIngress {
    deny ingress.CidrIp == "0.0.0.0/0"
      message "{sg} is open"
  }
  require count(refs(sg, "AWS::EC2::VPC")) >= 0
}
"#
        .to_string(),
    )]);
    let wasm = ward_codegen::compile(&program).expect("compiles");
    let metadata = validate(&wasm);
    assert_eq!(metadata.rules.len(), 1);
    let rule = &metadata.rules[0];
    assert_eq!(rule.id, "NET-001");
    assert_eq!(rule.package, "net");
    assert_eq!(rule.severity, ward_abi::Severity::High);
    assert_eq!(rule.controls, ["CIS:5.2"]);
    assert_eq!(rule.tags, ["network"]);
    assert_eq!(rule.title, "Security groups stay closed.");
    assert_eq!(
        rule.description,
        "Security groups stay closed.\n\nMore text."
    );
    assert_eq!(
        rule.resource_types,
        ["AWS::EC2::SecurityGroup", "AWS::EC2::*"]
    );
    assert_eq!(
        (
            rule.source.file.as_str(),
            rule.source.start_line,
            rule.source.start_column
        ),
        ("p.ward", 5, 1)
    );
    assert_eq!(rule.checks.len(), 2);
    assert_eq!(rule.checks[0].message, "{sg} is open");
    assert_eq!(rule.checks[0].kind, ward_abi::CheckKind::Deny);
    assert_eq!(
        (
            rule.checks[0].source.start_line,
            rule.checks[0].source.start_column
        ),
        (8, 5)
    );
    assert_eq!(rule.checks[1].message, "");
    // Program keys first, then the exact types the policy filters by.
    assert_eq!(
        metadata.keys,
        [
            "props",
            "SecurityGroupIngress",
            "CidrIp",
            "AWS::EC2::SecurityGroup",
            "AWS::EC2::VPC"
        ]
    );
    assert!(!metadata.uses_root);
}

#[test]
fn rejected_inputs_and_unknown_rules() {
    let program = program(&[(
        "p.ward".to_string(),
        "@severity(low) rule r for x in resources(\"T\") { require true }".to_string(),
    )]);
    let wasm = ward_codegen::compile(&program).expect("compiles");
    validate(&wasm);
    let mut instance = Instance::new(&wasmtime::Engine::default(), &wasm);
    let at = instance.write_input(&[0u8; 64]);
    let limits = ResultsLimits::new(0, 0, 1);
    let results = instance.results(0, at, 64, &limits);
    assert_eq!(results.status, Status::InputRejected);
    assert!(
        results
            .message
            .contains(&format!("ABI version {}", ward_abi::ABI_VERSION))
    );

    let document = ward_model::load(
        "t.json",
        br#"{"Resources": {"A": {"Type": "T"}}}"#,
        &Default::default(),
    )
    .expect("loads");
    let keys = KeyTable::new(["T"]);
    let encoded = encode(&document, &keys);
    let at = instance.write_input(&encoded.bytes);
    let len = encoded.bytes.len() as i32;
    let results = instance.results(7, at, len, &limits);
    assert_eq!(results.status, Status::Error);
    let limits = ResultsLimits::new(1, encoded.nodes.len() as u32, 1);
    let results = instance.results(0, at, len, &limits);
    assert_eq!(results.status, Status::Ok);
    assert_eq!(results.outcomes.len(), 1);

    // A header whose resource table does not fit in the input is refused
    // before any record is read, whatever the count or offset.
    for (field, value) in [
        (ward_abi::layout::HEADER_RESOURCE_COUNT, u32::MAX),
        (ward_abi::layout::HEADER_RESOURCE_COUNT, 2),
        (ward_abi::layout::HEADER_RESOURCES_OFF, u32::MAX - 8),
    ] {
        let mut bytes = encoded.bytes.clone();
        bytes[field as usize..field as usize + 4].copy_from_slice(&value.to_le_bytes());
        let at = instance.write_input(&bytes);
        let results = instance.results(0, at, len, &limits);
        assert_eq!(results.status, Status::InputRejected, "{field} = {value}");
        assert!(
            results.message.contains("resource table"),
            "{}",
            results.message
        );
    }
}

/// One instance, inputs written one after another at the same address:
/// what a module keeps of an input between calls (its type column) belongs
/// to that input only.
#[test]
fn each_input_is_read_afresh() {
    let program = program(&[(
        "p.ward".to_string(),
        "@severity(low) rule r for x in resources(\"T::A\") { require false }".to_string(),
    )]);
    let wasm = ward_codegen::compile(&program).expect("compiles");
    let metadata = validate(&wasm);
    let keys = KeyTable::new(metadata.keys.iter().map(String::as_str));
    let mut instance = Instance::new(&wasmtime::Engine::default(), &wasm);
    let first = br#"{"Resources": {"a1": {"Type": "T::A"}, "b1": {"Type": "T::B"}, "a2": {"Type": "T::A"}}}"#;
    let second = br#"{"Resources": {"x": {"Type": "T::B"}, "y": {"Type": "T::A"}}}"#;
    let mut addresses = Vec::new();
    for (text, failing) in [
        (&first[..], vec!["a1", "a2"]),
        (&second[..], vec!["y"]),
        (&first[..], vec!["a1", "a2"]),
    ] {
        let document = ward_model::load("t.json", text, &Default::default()).expect("loads");
        let encoded = encode(&document, &keys);
        let at = instance.write_input(&encoded.bytes);
        let len = encoded.bytes.len() as i32;
        addresses.push(at);
        let limits = ResultsLimits::new(
            document.resources.len() as u32,
            encoded.nodes.len() as u32,
            1,
        );
        // Twice: the second call reuses what the first kept.
        for _ in 0..2 {
            let results = instance.results(0, at, len, &limits);
            let found: Vec<&str> = results
                .findings
                .iter()
                .map(|finding| document.resources[finding.resource as usize].id.as_str())
                .collect();
            assert_eq!(found, failing);
        }
    }
    assert!(
        addresses.iter().all(|&at| at == addresses[0]),
        "{addresses:?}"
    );
}

#[test]
fn a_program_without_rules_compiles() {
    let program = program(&[("p.ward".to_string(), "fn helper(x) = x".to_string())]);
    let wasm = ward_codegen::compile(&program).expect("compiles");
    let metadata = validate(&wasm);
    assert!(metadata.rules.is_empty());
    assert_eq!(metadata.regex_count, 0);
}

/// The `name` section names every function, so that profilers and trap
/// backtraces show `rule pkg.name`, `fn pkg.name` and `rt::...`.
#[test]
fn functions_are_named() {
    let program = program(&[(
        "p.ward".to_string(),
        "package p\n\nfn helper(x) = x\n\n@id(\"R-1\")\nrule named for b in resources(\"AWS::S3::Bucket\") {\n  require helper(b.props.BucketName) != null\n}\n".to_string(),
    )]);
    let wasm = ward_codegen::compile(&program).expect("compiles");
    let mut names = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(&wasm) {
        if let wasmparser::Payload::CustomSection(section) = payload.expect("valid")
            && let wasmparser::KnownCustom::Name(reader) = section.as_known()
        {
            for name in reader {
                if let wasmparser::Name::Function(map) = name.expect("names") {
                    for naming in map {
                        names.push(naming.expect("naming").name.to_string());
                    }
                }
            }
        }
    }
    for expected in ["rule p.named", "fn p.helper", "rt::Field", "ward_eval"] {
        assert!(
            names.iter().any(|name| name == expected),
            "{expected} in {names:?}"
        );
    }
}
