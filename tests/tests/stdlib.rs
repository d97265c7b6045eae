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
