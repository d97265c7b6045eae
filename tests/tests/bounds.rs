//! Evaluation is bounded end to end: a real policy whose rule does enormous
//! work, or builds strings without bound, is stopped with an error naming
//! that rule, and the other rules of the same module still report their
//! findings, the same ones the reference evaluator reports.
//!
//! The template has 2,000 S3 buckets. The heavy rule quantifies over all of
//! them three deep (8·10⁹ comparisons per bucket); the hungry rule builds a
//! copy of the list of every bucket id for each pair of buckets. Under
//! `ward-runtime` they run out of fuel or time and exceed the memory limit; under
//! the reference evaluator they exceed the step budget.

use std::time::{Duration, Instant};

use serde_json::{Map, Value as Json, json};
use ward_compiler::Compiler;
use ward_compiler::ir::Program;
use ward_eval::Limits;
use ward_model::Document;
use ward_runtime::{
    Budget, Engine, EngineConfig, Finding, Input, ModuleCache, Policy, Report, ResourceOutcome,
    RuleErrorKind,
};

const BUCKETS: usize = 2_000;

const POLICY: &str = r#"package bounds

/// Buckets must be named.
@id("NAMED") @severity(low)
rule named for b in resources("AWS::S3::Bucket") {
  require exists(b.props.BucketName)
    message "{b} has no name"
    at b
}

/// No bucket's id is the concatenation of two others: every pair of every
/// bucket, for every bucket.
@id("HEAVY") @severity(low)
rule heavy for b in resources("AWS::S3::Bucket") {
  require all x in resources("AWS::S3::Bucket"):
    all y in resources("AWS::S3::Bucket"):
      none z in resources("AWS::S3::Bucket"): z.id == x.id + y.id
}

/// Builds the list of every bucket id as text for each pair of buckets.
@id("HUNGRY") @severity(low)
rule hungry for b in resources("AWS::S3::Bucket") {
  let everything = resources("AWS::S3::Bucket")
  require all x in everything:
    all y in everything: len(string(everything) + x.id + y.id) > 0
}

/// Versioning must be enabled.
@id("VERSIONED") @severity(low)
rule versioned for b in resources("AWS::S3::Bucket") {
  require b.props.VersioningConfiguration.Status == "Enabled"
    message "{b} is not versioned"
    at b.props.VersioningConfiguration
}
"#;

/// 2,000 buckets: every third without a name, every fifth not versioned.
fn template() -> Document {
    let mut resources = Map::new();
    for index in 0..BUCKETS {
        let mut properties = Map::new();
        if index % 3 != 0 {
            properties.insert("BucketName".to_string(), json!(format!("bucket-{index}")));
        }
        let status = if index % 5 == 0 {
            "Suspended"
        } else {
            "Enabled"
        };
        properties.insert(
            "VersioningConfiguration".to_string(),
            json!({ "Status": status }),
        );
        resources.insert(
            format!("Bucket{index}"),
            json!({ "Type": "AWS::S3::Bucket", "Properties": properties }),
        );
    }
    let text = serde_json::to_string_pretty(&json!({ "Resources": Json::Object(resources) }))
        .expect("serialises");
    ward_model::load("buckets.json", text.as_bytes(), &Default::default()).expect("loads")
}

fn program() -> std::sync::Arc<Program> {
    let mut compiler = Compiler::default();
    compiler.set_file("bounds.ward", POLICY.to_string());
    let diagnostics: Vec<String> = compiler
        .diagnostics()
        .iter()
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect();
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    ward_compiler::ir::program(&compiler.db, compiler.workspace).expect("a program")
}

fn policy(program: &Program, budget: Budget, memory_limit: usize) -> Policy {
    let engine = Engine::new(EngineConfig {
        budget,
        memory_limit,
        pooling: false,
        cache: ModuleCache::Disabled,
        ..EngineConfig::default()
    })
    .expect("engine");
    let wasm = ward_codegen::compile(program).expect("compiles");
    Policy::load(&engine, &wasm).expect("loads")
}

/// The findings of the rules that finished.
fn findings<'r>(report: &'r Report, rules: &[&str]) -> Vec<&'r Finding> {
    report
        .findings
        .iter()
        .filter(|f| rules.contains(&&*f.rule))
        .collect()
}

/// The outcomes of the rules that finished.
fn outcomes<'r>(report: &'r Report, rules: &[&str]) -> Vec<&'r ResourceOutcome> {
    report
        .outcomes
        .iter()
        .filter(|o| rules.contains(&&*o.rule))
        .collect()
}

/// The rules that finish, checked in both engines: every third bucket has
/// no name, every fifth is not versioned.
fn assert_light_rules_report(module: &Report, reference: &Report, stopped: &str) {
    let light = ["NAMED", "VERSIONED"];
    let from_module = findings(module, &light);
    assert_eq!(from_module.len(), BUCKETS.div_ceil(3) + BUCKETS.div_ceil(5));
    assert_eq!(from_module, findings(reference, &light));
    assert_eq!(outcomes(module, &light), outcomes(reference, &light));
    for rule in light {
        assert_eq!(
            module.outcomes.iter().filter(|o| &*o.rule == rule).count(),
            BUCKETS,
            "rule `{rule}` has an outcome for every bucket"
        );
    }
    assert!(
        module.findings.iter().all(|f| &*f.rule != stopped),
        "the stopped rule reports no findings"
    );
}

#[test]
fn fuel_stops_the_heavy_rule_and_the_others_report() {
    heavy_rule_is_stopped(
        Budget::Fuel(50_000_000),
        RuleErrorKind::OutOfFuel,
        "rule `HEAVY` ran out of fuel (limit 50000000)",
    );
}

#[test]
fn time_stops_the_heavy_rule_and_the_others_report() {
    heavy_rule_is_stopped(
        Budget::Time(Duration::from_millis(50)),
        RuleErrorKind::Timeout,
        "rule `HEAVY` ran out of time (limit 50 ms)",
    );
}

fn heavy_rule_is_stopped(budget: Budget, kind: RuleErrorKind, message: &str) {
    let program = program();
    let document = template();
    // The heavy rule also allocates as it goes: the memory limit is far
    // above what it reaches within its budget.
    let policy = policy(&program, budget, 1 << 30);
    let heavy = policy
        .rules()
        .iter()
        .position(|rule| rule.id == "HEAVY")
        .unwrap();
    let versioned = policy
        .rules()
        .iter()
        .position(|rule| rule.id == "VERSIONED")
        .unwrap();
    let named = policy
        .rules()
        .iter()
        .position(|rule| rule.id == "NAMED")
        .unwrap();
    let input = Input::new(document);
    let started = Instant::now();
    let report = policy.evaluate_rules(&input, &[named, heavy, versioned]);
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_secs(30),
        "bounded evaluation took {elapsed:?}"
    );
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    let error = &report.errors[0];
    assert_eq!(error.rule, "HEAVY");
    assert_eq!(error.kind, kind);
    assert_eq!(error.message, message);
    assert_eq!(report.summary.errors, 1);

    let reference = ward_eval::evaluate(
        &program,
        input.document(),
        &Limits {
            max_steps: 2_000_000,
        },
    );
    let errors: Vec<&str> = reference
        .errors
        .iter()
        .map(|e| e.message.as_str())
        .collect();
    assert!(
        errors.contains(&"rule `HEAVY` exceeded the evaluation budget of 2000000 steps"),
        "{errors:?}"
    );
    assert_light_rules_report(&report, &reference, "HEAVY");
    eprintln!("the heavy rule was stopped by its budget ({budget:?}) after {elapsed:?}");

    // The policy is still usable: the light rules alone, on a fresh input.
    let again = policy.evaluate_rules(&input, &[versioned, named]);
    assert!(again.errors.is_empty(), "{:?}", again.errors);
    assert_eq!(
        again.findings.len(),
        BUCKETS.div_ceil(3) + BUCKETS.div_ceil(5)
    );
}

#[test]
fn the_memory_limit_stops_the_hungry_rule_and_the_others_report() {
    let program = program();
    let document = template();
    // Time enough to fill far more memory than the limit allows.
    let policy = policy(&program, Budget::default(), 32 << 20);
    let index = |id: &str| {
        policy
            .rules()
            .iter()
            .position(|rule| rule.id == id)
            .unwrap()
    };
    let input = Input::new(document);
    let started = Instant::now();
    let report = policy.evaluate_rules(
        &input,
        &[index("NAMED"), index("HUNGRY"), index("VERSIONED")],
    );
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_secs(30),
        "bounded evaluation took {elapsed:?}"
    );
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    let error = &report.errors[0];
    assert_eq!(error.rule, "HUNGRY");
    assert_eq!(error.kind, RuleErrorKind::MemoryLimit, "{}", error.message);
    assert!(
        error
            .message
            .starts_with("rule `HUNGRY` exceeded the memory limit (it asked for "),
        "{}",
        error.message
    );
    assert!(
        error
            .message
            .ends_with(&format!("the limit is {} bytes)", 32 << 20)),
        "{}",
        error.message
    );

    let reference = ward_eval::evaluate(
        &program,
        input.document(),
        &Limits {
            max_steps: 2_000_000,
        },
    );
    let errors: Vec<&str> = reference
        .errors
        .iter()
        .map(|e| e.message.as_str())
        .collect();
    assert!(
        errors.contains(&"rule `HUNGRY` exceeded the evaluation budget of 2000000 steps"),
        "{errors:?}"
    );
    assert_light_rules_report(&report, &reference, "HUNGRY");
    eprintln!("the hungry rule hit the memory limit after {elapsed:?}");
}

#[test]
fn the_reference_evaluator_keeps_the_outcomes_it_finished() {
    // The step budget stops the heavy rule part-way; the evaluator keeps
    // the outcomes of the buckets it finished (none, here: the first
    // bucket alone needs far more than the budget) and every other rule
    // reports in full.
    let program = program();
    let document = template();
    let reference = ward_eval::evaluate(
        &program,
        &document,
        &Limits {
            max_steps: 2_000_000,
        },
    );
    for rule in &program.rules {
        let id = rule.info.id.as_str();
        let error = reference.errors.iter().find(|e| e.rule == id);
        let finished = reference.outcomes.iter().filter(|o| &*o.rule == id).count();
        match id {
            "HEAVY" | "HUNGRY" => {
                let error = error.expect("the rule stopped");
                assert!(error.message.contains(id), "{}", error.message);
                assert_eq!(error.kind, RuleErrorKind::StepLimit);
                assert!(finished < BUCKETS);
            }
            _ => {
                assert_eq!(error, None);
                assert_eq!(finished, BUCKETS);
            }
        }
    }
}
