//! What an embedder does: load a module built by `ward build` with
//! `ward-runtime`, evaluate templates, and report them with `ward-report`,
//! suppressions (in the template and in a baseline) included. The report
//! must be byte for byte what `ward check` prints on the same files.

use std::collections::HashMap;
use std::path::Path;

mod common;

use common::{repository_root, run_ward};
use ward_report::{Format, RenderOptions, Run, RunReport, Source, Suppressions, render};
use ward_runtime::{Engine, EngineConfig, Input, ModuleCache, Policy, Severity};

const POLICIES: &str = "examples/policies";
const BASELINE: &str = "cli/tests/inputs/baseline.json";
/// A template with a suppression in its `Metadata` (and a finding the
/// baseline suppresses), and one without any.
const INPUTS: [&str; 2] = [
    "cli/tests/inputs/suppressed.yaml",
    "examples/templates/app.yaml",
];

/// Runs the command from the repository root with colours off: its exit
/// code and standard output.
fn ward(args: &[&str]) -> (i32, String) {
    let (code, stdout, stderr) = run_ward(args);
    assert!((0..2).contains(&code), "ward {args:?} failed: {stderr}");
    (code, stdout)
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(repository_root().join(name)).expect("a test input")
}

/// The policies as an embedder gets them: a module built by `ward build`.
fn build_policy() -> Vec<u8> {
    let module = Path::new(env!("CARGO_TARGET_TMPDIR")).join("embedding-policy.wasm");
    let output = module.to_str().expect("a UTF-8 path");
    ward(&["build", POLICIES, "--output", output]);
    std::fs::read(&module).expect("the built module")
}

/// Everything after `ward build` through the libraries only.
fn library_report() -> RunReport {
    let engine = Engine::new(EngineConfig {
        cache: ModuleCache::Disabled,
        ..EngineConfig::default()
    })
    .expect("an engine");
    let policy = Policy::load(&engine, &build_policy()).expect("the module loads");
    let documents: Vec<_> = INPUTS
        .iter()
        .map(|name| ward_model::load(name, &read(name), &Default::default()).expect("loads"))
        .collect();
    let (mut suppressions, malformed) = Suppressions::from_documents(&documents);
    assert!(malformed.is_empty(), "{malformed:?}");
    suppressions.extend(Suppressions::parse_baseline(BASELINE, &read(BASELINE)).expect("baseline"));
    let mut run = Run::new(policy.rules());
    for document in documents {
        let input = Input::new(document);
        let report = policy.evaluate(&input);
        run.add(input.document(), report);
    }
    let mut report = run.finish();
    report.apply(&suppressions);
    report
}

#[test]
fn the_library_reports_what_ward_check_prints() {
    let report = library_report();
    let sources: Vec<Source> = report
        .suppressed
        .iter()
        .map(|entry| entry.suppression.source)
        .collect();
    assert!(
        sources.contains(&Source::Template) && sources.contains(&Source::Baseline),
        "both kinds of suppression apply: {sources:?}"
    );
    assert!(!report.findings.is_empty(), "some findings are left");

    let texts: HashMap<String, String> = INPUTS
        .iter()
        .map(|name| {
            let text = String::from_utf8(read(name)).expect("UTF-8 input");
            (name.to_string(), text)
        })
        .collect();
    // Run from the repository root, each input's path in the repository is
    // the name it is given.
    let paths: HashMap<String, String> = INPUTS
        .iter()
        .map(|name| (name.to_string(), name.to_string()))
        .collect();
    for (format, word) in [
        (Format::Json, "json"),
        (Format::Sarif, "sarif"),
        (Format::Junit, "junit"),
        (Format::Human, "human"),
    ] {
        for verbose in [false, true] {
            let mut args = vec![
                "check",
                "--policy",
                POLICIES,
                "--format",
                word,
                "--baseline",
                BASELINE,
            ];
            if verbose {
                args.push("--verbose");
            }
            args.extend(INPUTS);
            let (code, printed) = ward(&args);
            let options = RenderOptions {
                verbose,
                color: false,
                sources: Some(&texts),
                repository_paths: Some(&paths),
            };
            assert_eq!(
                render(&report, format, &options),
                printed,
                "`ward {}` prints another report",
                args.join(" ")
            );
            assert_eq!(
                code,
                i32::from(report.fails_at(Severity::Low)),
                "`ward {}` exits otherwise",
                args.join(" ")
            );
        }
    }
}

/// An embedder sets policy parameters on a module built once: the same
/// module gives the defaults' findings, then the overrides', and refuses a
/// value of the wrong type without changing what it had.
#[test]
fn an_embedder_sets_parameters_on_one_module() {
    let module = Path::new(env!("CARGO_TARGET_TMPDIR")).join("embedding-params.wasm");
    let output = module.to_str().expect("a UTF-8 path");
    ward(&["build", "cli/tests/inputs/team", "--output", output]);
    let wasm = std::fs::read(&module).expect("the built module");
    let engine = Engine::new(EngineConfig {
        cache: ModuleCache::Disabled,
        ..EngineConfig::default()
    })
    .expect("an engine");
    let mut policy = Policy::load(&engine, &wasm).expect("the module loads");
    let names: Vec<&str> = policy
        .metadata()
        .params
        .iter()
        .map(|param| param.name.as_str())
        .collect();
    assert_eq!(
        names,
        ["acme.tags.required_tags", "acme.tags.max_noncurrent_days"]
    );
    let name = "cli/tests/inputs/team/fixtures/app.yaml";
    let input =
        Input::new(ward_model::load(name, &read(name), &Default::default()).expect("loads"));
    let rules_failing = |policy: &Policy| -> Vec<String> {
        let mut rules: Vec<String> = policy
            .evaluate(&input)
            .findings
            .iter()
            .map(|finding| finding.rule.to_string())
            .collect();
        rules.dedup();
        rules
    };
    assert_eq!(rules_failing(&policy), ["ACME-TAG-1"]);
    policy
        .set_params(&[
            ("required_tags".to_string(), serde_json::json!(["owner"])),
            (
                "acme.tags.max_noncurrent_days".to_string(),
                serde_json::json!(7),
            ),
        ])
        .expect("values of the declared types");
    assert_eq!(rules_failing(&policy), ["ACME-S3-1"]);
    let refused = policy
        .set_params(&[("max_noncurrent_days".to_string(), serde_json::json!("7"))])
        .expect_err("a string is not a number");
    assert!(
        refused
            .to_string()
            .contains("acme.tags.max_noncurrent_days")
    );
    assert_eq!(rules_failing(&policy), ["ACME-S3-1"]);
    policy.set_params(&[]).expect("the defaults");
    assert_eq!(rules_failing(&policy), ["ACME-TAG-1"]);
}

/// The embedding surface (`ward-embed`) gives byte for byte the JSON, SARIF
/// and exit code of `ward check` on the same paths, and the report of one
/// input held in memory is the one of that input read from disk.
#[test]
fn the_embedding_surface_answers_as_ward_check() {
    let policy = ward_embed::Policy::from_stdlib().expect("the standard library compiles");
    let root = repository_root();
    let cases: [&[&str]; 3] = [
        &["examples/templates"],
        &[
            "cli/tests/inputs/suppressed.yaml",
            "examples/templates/app.yaml",
        ],
        &["cli/tests/inputs"],
    ];
    for case in cases {
        let paths: Vec<std::path::PathBuf> = case.iter().map(|path| root.join(path)).collect();
        let checked = policy
            .check(&paths, &ward_embed::CheckOptions::default())
            .expect("judged");
        for (flag, format) in [
            ("json", ward_embed::Format::Json),
            ("sarif", ward_embed::Format::Sarif),
        ] {
            let mut args = vec![
                "check".to_string(),
                "--format".to_string(),
                flag.to_string(),
            ];
            args.extend(paths.iter().map(|path| path.display().to_string()));
            let (code, stdout, stderr) = run_ward(&args);
            assert_eq!(
                checked.render(format),
                stdout,
                "{case:?} as {flag}: {stderr}"
            );
            assert_eq!(
                i32::from(
                    checked.exit_code(ward_embed::Threshold::Low, ward_embed::Threshold::Never)
                ),
                code,
                "{case:?}"
            );
        }
    }
    let name = root.join("examples/templates/app.yaml");
    let from_disk = policy
        .check(
            std::slice::from_ref(&name),
            &ward_embed::CheckOptions::default(),
        )
        .expect("judged");
    let in_memory = policy.check_bytes(
        &name.display().to_string(),
        &std::fs::read(&name).expect("readable"),
    );
    assert_eq!(
        in_memory.render(ward_embed::Format::Json),
        from_disk.render(ward_embed::Format::Json)
    );
}
