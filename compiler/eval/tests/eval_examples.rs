//! The example policies of `examples/policies/`: their own tests pass on the
//! reference evaluator, and evaluated on `examples/templates/app.yaml`, a
//! template with deliberate violations, they report the findings in the
//! snapshot.

use std::path::{Path, PathBuf};

use ward_abi::Outcome;
use ward_compiler::Compiler;
use ward_eval::testing::{TestOptions, TestStatus, run_tests};
use ward_eval::{Limits, evaluate};

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
    assert_eq!(report.errors.len(), 0);

    let resource_id = |index: Option<usize>| {
        index
            .and_then(|index| document.resources.get(index))
            .map_or("", |resource| resource.id.as_str())
    };
    let mut out = String::new();
    for rule in &program.rules {
        let outcomes: Vec<String> = report
            .outcomes
            .iter()
            .filter(|entry| *entry.rule == *rule.info.id)
            .map(|entry| format!("{} {}", resource_id(entry.resource), entry.outcome.as_str()))
            .collect();
        out.push_str(&format!(
            "{} {}: {}\n",
            rule.info.id,
            rule.info.name,
            outcomes.join(", ")
        ));
    }
    for finding in &report.findings {
        out.push_str(&format!(
            "{} {} {} [{}] {}:{} {}\n  {}\n",
            finding.outcome.as_str(),
            finding.rule,
            finding.resource,
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
        report.outcome(
            rule_id,
            document.resources.iter().position(|r| r.id == resource),
        )
    };
    assert_eq!(outcome("NET-001", "BastionGroup"), Some(Outcome::Fail));
}
