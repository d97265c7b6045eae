//! The end-to-end benchmark's generator and Ward agree: a generated template
//! of 100 resources, in JSON and in YAML, gets exactly the findings its
//! ground truth lists when the example policies evaluate it.
//!
//! The generator is `bench/gen/gen.py` (Python standard library only); this
//! test runs it with `python3`, compiles `examples/policies` with
//! `ward-compiler`, loads both templates with `ward-model` and evaluates them
//! with the reference evaluator, as `ward check` does.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use ward_abi::{Finding, Outcome};
use ward_compiler::Compiler;
use ward_compiler::ir::Program;
use ward_eval::Limits;
use ward_model::{LoadOptions, load};

const SIZE: usize = 100;
const SEED: u64 = 7;

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives in the repository")
        .to_path_buf()
}

/// Runs the generator into a fresh directory and returns the directory.
fn generate() -> PathBuf {
    let out = std::env::temp_dir().join(format!("ward-bench-ground-truth-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let status = Command::new("python3")
        .arg(repository().join("bench/gen/gen.py"))
        .args([
            "--size",
            &SIZE.to_string(),
            "--seed",
            &SEED.to_string(),
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap_or_else(|error| panic!("python3 is needed to run bench/gen/gen.py: {error}"));
    assert!(
        status.status.success(),
        "the generator failed:\n{}",
        String::from_utf8_lossy(&status.stderr)
    );
    out
}

fn example_policies() -> Arc<Program> {
    let directory = repository().join("examples/policies");
    let mut compiler = Compiler::default();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&directory)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "ward")
        })
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no policies in {}", directory.display());
    for path in paths {
        let name = format!(
            "examples/policies/{}",
            path.file_name().unwrap().to_string_lossy()
        );
        compiler.set_file(&name, std::fs::read_to_string(&path).unwrap());
    }
    let errors: Vec<String> = compiler
        .diagnostics()
        .iter()
        .filter(|diagnostic| diagnostic.is_error())
        .map(|diagnostic| format!("{diagnostic:?}"))
        .collect();
    assert!(
        errors.is_empty(),
        "the example policies do not compile: {errors:#?}"
    );
    ward_compiler::ir::program(&compiler.db, compiler.workspace)
        .clone()
        .expect("the example policies lower to a program")
}

/// The (rule id, resource id) pairs and the number of findings the ground
/// truth file lists.
fn read_truth(path: &Path) -> (BTreeSet<(String, String)>, usize) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut pairs = BTreeSet::new();
    let mut findings = None;
    for line in text.lines() {
        if let Some(count) = line.strip_prefix("# findings:") {
            findings = Some(count.trim().parse().unwrap());
        } else if !line.starts_with('#') && !line.trim().is_empty() {
            let (rule, resource) = line.split_once(' ').unwrap();
            pairs.insert((rule.to_string(), resource.to_string()));
        }
    }
    (
        pairs,
        findings.expect("the ground truth states the number of findings"),
    )
}

/// Findings of the example policies on one template, as (rule, resource)
/// pairs and the full list.
fn evaluate(program: &Program, path: &Path) -> (BTreeSet<(String, String)>, Vec<Finding>) {
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let bytes = std::fs::read(path).unwrap();
    let document = load(&name, &bytes, &LoadOptions::default())
        .unwrap_or_else(|error| panic!("{name} does not load: {error:?}"));
    assert_eq!(
        document.resources.len(),
        SIZE,
        "{name} has {SIZE} resources"
    );
    let report = ward_eval::evaluate(program, &document, &Limits::default());
    let errors: Vec<&str> = report.errors.iter().map(|e| e.message.as_str()).collect();
    assert!(
        errors.is_empty(),
        "rules stopped early on {name}: {errors:?}"
    );
    for finding in &report.findings {
        assert_eq!(
            finding.outcome,
            Outcome::Fail,
            "{name}: the generator never writes a value a rule cannot decide, yet {} on {} is unknown: {}",
            finding.rule,
            finding.resource,
            finding.message
        );
    }
    let pairs = report
        .findings
        .iter()
        .map(|finding| (finding.rule.to_string(), finding.resource.to_string()))
        .collect();
    (pairs, report.findings)
}

#[test]
fn generated_templates_get_exactly_the_ground_truth() {
    let out = generate();
    let program = example_policies();
    let (truth, truth_count) = read_truth(&out.join(format!("cfn-{SIZE}.truth")));
    assert!(
        truth.len() > 10,
        "a template of {SIZE} resources mixes in failures"
    );
    let rules: BTreeSet<&str> = truth.iter().map(|(rule, _)| rule.as_str()).collect();
    assert_eq!(
        rules,
        BTreeSet::from([
            "IAM-001", "KMS-001", "NET-001", "RDS-001", "S3-001", "SEC-010"
        ]),
        "every rule fails somewhere in the template"
    );

    let (json_pairs, json_findings) = evaluate(&program, &out.join(format!("cfn-{SIZE}.json")));
    let (yaml_pairs, yaml_findings) = evaluate(&program, &out.join(format!("cfn-{SIZE}.yaml")));
    let _ = std::fs::remove_dir_all(&out);

    let missing: Vec<_> = truth.difference(&json_pairs).collect();
    let extra: Vec<_> = json_pairs.difference(&truth).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "JSON: missed {missing:?}, extra {extra:?}"
    );
    assert_eq!(json_findings.len(), truth_count, "JSON: number of findings");
    assert_eq!(
        yaml_pairs, truth,
        "YAML: the same pairs as the ground truth"
    );
    assert_eq!(yaml_findings.len(), truth_count, "YAML: number of findings");

    // Both formats report the same checks at the same JSON paths.
    let key = |finding: &Finding| {
        (
            finding.rule.clone(),
            finding.resource.clone(),
            finding.path.clone(),
            finding.message.clone(),
        )
    };
    let json_keys: BTreeSet<_> = json_findings.iter().map(key).collect();
    let yaml_keys: BTreeSet<_> = yaml_findings.iter().map(key).collect();
    assert_eq!(json_keys, yaml_keys);
}
