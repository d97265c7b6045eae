//! The example policies of `examples/policies/`: their own tests pass on the
//! reference evaluator, and evaluated on `examples/templates/app.yaml`, a
//! template with deliberate violations, they report the findings in the
//! snapshot.

use std::path::{Path, PathBuf};

use ward_compiler::Compiler;
use ward_compiler::eval::{FindingOutcome, Limits, Outcome, evaluate};
use ward_compiler::testing::{TestOptions, TestStatus, run_tests};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn examples() -> Compiler {
    let mut compiler = Compiler::default();
    let dir = root().join("examples/policies");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("examples/policies")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "ward"))
        .collect();
    paths.sort();
    assert!(
        paths.len() >= 6,
        "expected the example policies, found {paths:?}"
    );
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("readable");
        let name = format!(
            "examples/policies/{}",
            path.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
        );
        compiler.set_file(&name, text);
    }
    compiler
}

#[test]
fn example_tests_pass() {
    let compiler = examples();
    let results =
        run_tests(&compiler.db, compiler.workspace, &TestOptions::default()).expect("no errors");
    assert!(!results.is_empty());
    let failed: Vec<String> = results
        .iter()
        .filter(|result| result.status != TestStatus::Passed)
        .map(|result| format!("{} ({}):\n{}", result.name, result.file, result.explanation))
        .collect();
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn example_template_findings() {
    let compiler = examples();
    let program = ward_compiler::ir::program(&compiler.db, compiler.workspace).expect("a program");
    let bytes = std::fs::read(root().join("examples/templates/app.yaml")).expect("template");
    let document = ward_model::load("app.yaml", &bytes, &Default::default()).expect("loads");
    let report = evaluate(&program, &document, &Limits::default());
    assert_eq!(report.errors().count(), 0);

    let mut out = String::new();
    for rule in &report.rules {
        let outcomes: Vec<String> = rule
            .resources
            .iter()
            .map(|r| format!("{} {}", r.resource_id, r.outcome.as_str()))
            .collect();
        out.push_str(&format!(
            "{} {}: {}\n",
            rule.rule_id,
            rule.rule_name,
            outcomes.join(", ")
        ));
    }
    for finding in &report.findings {
        let outcome = match finding.outcome {
            FindingOutcome::Fail => "fail",
            FindingOutcome::Unknown => "unknown",
        };
        out.push_str(&format!(
            "{outcome} {} {} [{}] {}:{} {}\n  {}\n",
            finding.rule_id,
            finding.resource_id,
            finding.severity.as_str(),
            finding.line,
            finding.column,
            finding.path,
            finding.message
        ));
    }
    insta::assert_snapshot!(out);

    // The deliberate violations, independently of the snapshot.
    let outcome = |rule_id: &str, resource: &str| {
        report
            .rules
            .iter()
            .find(|rule| rule.rule_id == rule_id)
            .and_then(|rule| rule.resources.iter().find(|r| r.resource_id == resource))
            .map(|r| r.outcome)
    };
    assert_eq!(outcome("NET-001", "BastionGroup"), Some(Outcome::Fail));
}
