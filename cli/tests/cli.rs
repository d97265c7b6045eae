//! End-to-end tests of the `ward` command, as data: every `cases/*.case`
//! file names the arguments and the expected exit code; the output (stdout
//! and stderr) is a snapshot. Commands run from the repository root with
//! colours off.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{repository_root, run_ward};

struct Case {
    name: String,
    args: Vec<String>,
    exit: i32,
}

fn read_case(path: &Path) -> Case {
    let text = std::fs::read_to_string(path).expect("case file");
    let mut args = None;
    let mut exit = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("args:") {
            args = Some(rest.split_whitespace().map(str::to_string).collect());
        } else if let Some(rest) = line.strip_prefix("exit:") {
            exit = Some(rest.trim().parse().expect("exit code"));
        }
    }
    Case {
        name: path
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .to_string(),
        args: args.expect("an `args:` line"),
        exit: exit.expect("an `exit:` line"),
    }
}

/// Output details that change between builds.
fn normalize(text: &str) -> String {
    let text = text.replace(env!("CARGO_PKG_VERSION"), "<version>");
    // Module sizes change with every change to code generation.
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        match (line.rfind(" ("), line.strip_suffix(" bytes)")) {
            (Some(open), Some(_))
                if line[open + 2..line.len() - 7]
                    .chars()
                    .all(|c| c.is_ascii_digit()) =>
            {
                out.push_str(&line[..open]);
                out.push_str(" (<size> bytes)");
            }
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

#[test]
fn cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("cases folder")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "case"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 20, "the cases folder lost its cases");
    let mut failures = Vec::new();
    for path in &paths {
        let case = read_case(path);
        let (code, stdout, stderr) = run_ward(&case.args);
        if code != case.exit {
            failures.push(format!(
                "{}: exit {code}, expected {}\nstdout:\n{stdout}\nstderr:\n{stderr}",
                case.name, case.exit
            ));
        }
        let snapshot = format!(
            "args: {}\nexit: {code}\n--- stdout\n{}\n--- stderr\n{}",
            case.args.join(" "),
            normalize(&stdout),
            normalize(&stderr)
        );
        insta::with_settings!({ snapshot_path => "cases/snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(case.name.clone(), snapshot);
        });
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn three_syntax_errors_name_three_lines() {
    let args: Vec<String> = ["build", "cli/tests/inputs/three_errors.ward"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let (code, _, stderr) = run_ward(&args);
    assert_eq!(code, 2);
    for line in [6, 10, 15] {
        let location = format!("cli/tests/inputs/three_errors.ward:{line}:");
        assert!(
            stderr.contains(&location),
            "no error on line {line}:\n{stderr}"
        );
    }
}

#[test]
fn json_report_fields_and_threshold() {
    let args: Vec<String> = "check --policy examples/policies --format json --fail-on critical examples/templates/app.yaml"
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let (code, stdout, _) = run_ward(&args);
    // RDS-001 and IAM-001 are critical, so the critical threshold is reached.
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("JSON report");
    let findings = report["findings"].as_array().expect("findings");
    let mut pairs: Vec<(String, String)> = findings
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["resource"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    pairs.sort();
    let expected: Vec<(String, String)> = [
        ("IAM-001", "DeployPolicy"),
        ("NET-001", "BastionGroup"),
        ("RDS-001", "Database"),
        ("S3-001", "Logs"),
        ("SEC-010", "DatabaseSecret"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(pairs, expected);
    for finding in findings {
        for field in [
            "rule",
            "severity",
            "outcome",
            "resource",
            "resource_type",
            "path",
            "message",
            "file",
            "line",
            "column",
        ] {
            assert!(
                finding.get(field).is_some(),
                "finding without `{field}`: {finding}"
            );
        }
        assert!(finding["line"].as_u64().unwrap() > 0);
    }
}

/// A reader that goes away before the report ends (`ward check … | head`)
/// cuts the output short, nothing more: no panic, and the exit code still
/// tells the result.
#[test]
fn a_reader_gone_away_ends_the_output_quietly() {
    use std::process::Stdio;
    for (args, exit) in [
        (
            "check --policy examples/policies --format json examples/templates/app.yaml",
            1,
        ),
        (
            "check --policy examples/policies examples/templates/app.yaml",
            1,
        ),
        ("rules --policy examples/policies", 0),
        ("test examples/policies", 0),
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ward"))
            .args(args.split_whitespace())
            .current_dir(repository_root())
            .env("NO_COLOR", "1")
            .env(
                "XDG_CACHE_HOME",
                repository_root().join("target/cli-test-cache"),
            )
            .env(
                "XDG_CONFIG_HOME",
                repository_root().join("target/cli-test-config"),
            )
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("ward runs");
        // Close the reading end before ward writes anything.
        drop(child.stdout.take());
        let output = child.wait_with_output().expect("ward ends");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{args}: {stderr}");
        assert!(!stderr.contains("standard output"), "{args}: {stderr}");
        assert_eq!(output.status.code(), Some(exit), "{args}: {stderr}");
    }
}

#[test]
fn no_orphan_snapshots() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let snapshots = dir.join("snapshots");
    for entry in std::fs::read_dir(&snapshots).expect("snapshots folder") {
        let path = entry.expect("entry").path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if let Some(stem) = name.strip_suffix(".snap") {
            assert!(
                dir.join(format!("{stem}.case")).exists(),
                "snapshot {name} has no case"
            );
        } else {
            panic!("unexpected file in snapshots: {name}");
        }
    }
}

fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_string).collect()
}

#[test]
fn build_then_eval_reports_what_check_reports() {
    let module = repository_root().join("target/cli-test-eval.wasm");
    let module = module.to_string_lossy().to_string();
    let (code, _, stderr) = run_ward(&words(&format!("build examples/policies -o {module}")));
    assert_eq!(code, 0, "{stderr}");
    let (eval_code, eval_out, _) = run_ward(&words(&format!(
        "eval {module} --format json examples/templates/app.yaml cli/tests/inputs/unknown.yaml"
    )));
    let (check_code, check_out, _) = run_ward(&words(
        "check --policy examples/policies --format json examples/templates/app.yaml cli/tests/inputs/unknown.yaml",
    ));
    let (reference_code, reference_out, _) = run_ward(&words(
        "check --engine reference --policy examples/policies --format json examples/templates/app.yaml cli/tests/inputs/unknown.yaml",
    ));
    assert_eq!(eval_code, 1);
    assert_eq!(check_code, 1);
    assert_eq!(reference_code, 1);
    assert_eq!(eval_out, check_out);
    // The compiled module and the reference interpreter agree on every
    // finding, location and count.
    assert_eq!(check_out, reference_out);
}

/// `--write-baseline` suppresses every current finding with the reason
/// given; checking again with that baseline reports no finding, and a new
/// finding (another file) still fails.
#[test]
fn a_written_baseline_accepts_the_current_findings_and_only_them() {
    let dir = repository_root().join("target/cli-test-baseline");
    std::fs::create_dir_all(&dir).expect("scratch directory");
    let baseline = dir.join("baseline.json");
    let _ = std::fs::remove_file(&baseline);
    let args =
        |text: String| -> Vec<String> { text.split_whitespace().map(str::to_string).collect() };
    let (code, stdout, stderr) = run_ward(&args(format!(
        "check --policy examples/policies --format json --write-baseline {} --reason accepted-at-adoption examples/templates/app.yaml",
        baseline.display()
    )));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("wrote 5 suppressions"), "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("JSON report");
    assert_eq!(report["findings"].as_array().map(Vec::len), Some(0));
    assert_eq!(report["suppressed"].as_array().map(Vec::len), Some(5));
    assert_eq!(report["summary"]["suppressed"], 5);

    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&baseline).expect("baseline written"))
            .expect("baseline JSON");
    let entries = written["suppressions"].as_array().expect("suppressions");
    assert_eq!(entries.len(), 5);
    assert!(
        entries
            .iter()
            .all(|entry| entry["reason"] == "accepted-at-adoption"
                && entry["file"] == "examples/templates/app.yaml")
    );

    let (code, stdout, _) = run_ward(&args(format!(
        "check --policy examples/policies --format json --baseline {} examples/templates/app.yaml cli/tests/inputs/suppressed.yaml",
        baseline.display()
    )));
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("JSON report");
    let files: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["cli/tests/inputs/suppressed.yaml"; 2]);

    // A baseline entry without a reason is refused before anything runs.
    std::fs::write(&baseline, r#"{"suppressions": [{"rule": "S3-001"}]}"#).expect("write");
    let (code, _, stderr) = run_ward(&args(format!(
        "check --policy examples/policies --baseline {} examples/templates/app.yaml",
        baseline.display()
    )));
    assert_eq!(code, 2);
    assert!(stderr.contains("gives no `reason`"), "{stderr}");
}
