//! The `ward` command on the whole third-party CloudFormation corpus
//! (`shared/corpus` beside the repository, or `WARD_CORPUS`). Built only with
//! the `corpus` feature: `.ci/run` runs it as its own step, and without the
//! corpus it fails rather than skip.

mod common;

use std::path::PathBuf;

use common::run_ward;

/// The shared third-party corpus.
fn corpus() -> PathBuf {
    ward_tests::corpus_root()
}

#[test]
fn the_whole_cloudformation_corpus_is_judged_or_refused_with_a_location() {
    let cfn = corpus().join("cfn");
    let args = vec![
        "check".to_string(),
        "--format".to_string(),
        "json".to_string(),
        "--fail-on".to_string(),
        "never".to_string(),
        cfn.to_string_lossy().to_string(),
    ];
    let (code, stdout, stderr) = run_ward(&args);
    assert!(!stderr.contains("panicked"), "{stderr}");
    // Some corpus files are broken on purpose (invalid JSON or YAML,
    // duplicate keys): they are refused, the rest are still judged.
    assert_eq!(code, 2, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("a JSON report");
    let inputs = report["summary"]["inputs"].as_u64().expect("input count");
    assert!(inputs >= 1_400, "only {inputs} inputs judged");
    assert!(
        report["summary"]["findings"]
            .as_u64()
            .expect("finding count")
            > 1_000,
        "{}",
        report["summary"]
    );
    let errors = report["errors"].as_array().expect("errors");
    let rule_errors: Vec<&serde_json::Value> =
        errors.iter().filter(|e| e["kind"] == "rule").collect();
    assert!(rule_errors.is_empty(), "rules stopped: {rule_errors:?}");
    // Every refused file is in the report, with a line and column, and
    // told on standard error once.
    let refused: Vec<&serde_json::Value> = errors.iter().filter(|e| e["kind"] == "input").collect();
    assert!(
        !refused.is_empty() && refused.len() <= 40,
        "{} refused: {refused:?}",
        refused.len()
    );
    assert_eq!(
        report["summary"]["input_errors"].as_u64(),
        Some(refused.len() as u64)
    );
    for error in &refused {
        assert!(
            error["line"].as_u64().unwrap_or(0) >= 1 && error["column"].as_u64().unwrap_or(0) >= 1,
            "no position in {error}"
        );
    }
    let told: Vec<&str> = stderr
        .lines()
        .filter(|line| line.contains(": error[input]: "))
        .collect();
    assert_eq!(told.len(), refused.len(), "{stderr}");
    for line in &told {
        let location = line.split(": error[input]: ").next().unwrap_or("");
        let mut parts = location.rsplitn(3, ':');
        let column: u32 = parts.next().and_then(|c| c.parse().ok()).unwrap_or(0);
        let line_number: u32 = parts.next().and_then(|l| l.parse().ok()).unwrap_or(0);
        assert!(line_number >= 1 && column >= 1, "no position in `{line}`");
    }
    // Files that are not templates (an empty file, a macro's test event)
    // are reported, not judged.
    let not_inputs = report["not_inputs"].as_array().expect("not_inputs");
    assert_eq!(
        report["summary"]["not_inputs"].as_u64(),
        Some(not_inputs.len() as u64)
    );
    assert!(
        not_inputs
            .iter()
            .any(|entry| entry["reason"] == "the file holds no document"),
        "{not_inputs:?}"
    );
    // Every finding points into its file.
    for finding in report["findings"].as_array().expect("findings") {
        assert!(finding["line"].as_u64().unwrap_or(0) >= 1, "{finding}");
    }
}

/// The embedding surface answers as `ward check` on a sample of the corpus:
/// 100 templates, 20 plans and 20 files of Config items, JSON byte for byte
/// and the exit code.
#[test]
fn the_embedding_surface_answers_as_ward_check_on_a_corpus_sample() {
    let policy = ward_embed::Policy::from_stdlib().expect("the standard library compiles");
    for (folder, count) in [("cfn", 100), ("tfplan", 20), ("inventory", 20)] {
        let paths = ward_tests::corpus_sample(folder, count);
        let checked = policy
            .check(&paths, &ward_embed::CheckOptions::default())
            .expect("judged");
        let mut args = vec![
            "check".to_string(),
            "--format".to_string(),
            "json".to_string(),
        ];
        args.extend(paths.iter().map(|path| path.display().to_string()));
        let (code, stdout, stderr) = run_ward(&args);
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_eq!(checked.render(ward_embed::Format::Json), stdout, "{folder}");
        assert_eq!(
            i32::from(checked.exit_code(ward_embed::Threshold::Low, ward_embed::Threshold::Never)),
            code,
            "{folder}"
        );
    }
}
