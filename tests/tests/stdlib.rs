//! The standard library's own `test` blocks pass: every rule's passing and
//! failing inputs give the outcomes they state, as `ward test` runs them.

use ward_eval::testing::{TestOptions, TestStatus, run_tests};

#[test]
fn standard_library_tests_pass() {
    let compiler = ward_tests::stdlib_compiler();
    let results =
        run_tests(&compiler.db, compiler.workspace, &TestOptions::default()).expect("no errors");
    assert!(
        results.len() >= 30,
        "expected the standard library's tests, found {}",
        results.len()
    );
    let failed: Vec<String> = results
        .iter()
        .filter(|result| result.status != TestStatus::Passed)
        .map(|result| format!("{} ({}):\n{}", result.name, result.file, result.explanation))
        .collect();
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// Every standard library rule states the formats it serves, a
/// Well-Architected best practice and a description, and for every format
/// it serves has a passing and a failing case: a test whose input is of
/// that format expects `pass` of it, and one expects `fail`. (A rule may
/// still run on a format it does not serve, to say *unknown* with the
/// reason the format cannot show the setting.)
#[test]
fn every_rule_has_a_passing_and_a_failing_case_per_format() {
    let compiler = ward_tests::stdlib_compiler();
    let results =
        run_tests(&compiler.db, compiler.workspace, &TestOptions::default()).expect("no errors");
    let mut problems = Vec::new();
    let mut rules = 0;
    for file in compiler.files() {
        for rule in &compiler.analyze(file).rules {
            rules += 1;
            let id = &rule.id;
            if rule.formats.is_empty() {
                problems.push(format!("{id}: no @formats"));
            }
            if !rule
                .controls
                .iter()
                .any(|control| control.starts_with("WA:"))
            {
                problems.push(format!("{id}: no Well-Architected control (WA:...)"));
            }
            if rule.description.trim().is_empty() {
                problems.push(format!("{id}: no doc comment"));
            }
            for format in &rule.formats {
                for outcome in ["pass", "fail"] {
                    let covered = results.iter().any(|result| {
                        result.status == TestStatus::Passed
                            && result.package == rule.package
                            && result.format.as_deref() == Some(format.as_str())
                            && result
                                .expects
                                .iter()
                                .any(|(said, name)| said == outcome && *name == rule.name)
                    });
                    if !covered {
                        problems.push(format!(
                            "{id}: no passing test expects `{outcome}` on a {format} input"
                        ));
                    }
                }
            }
        }
    }
    assert!(
        rules >= 50,
        "expected the standard library's rules, found {rules}"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
