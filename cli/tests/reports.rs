//! Reports never hide an input: every input that could not be judged and
//! every file that is not an input is in every format (JSON, SARIF, JUnit,
//! human), one bad path does not stop the others from being judged, and
//! unknown outcomes can fail a run (`--fail-on-unknown`).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{repository_root, run_ward, run_ward_in};
use serde_json::Value;

const FORMATS: [&str; 4] = ["json", "sarif", "junit", "human"];

fn args(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_string).collect()
}

/// A fresh folder under the tests' scratch space, the root of a repository
/// of its own (it holds a `.git` folder): reports name its files from
/// there.
fn scratch(name: &str) -> PathBuf {
    common::scratch_repository("reports", name)
}

fn example_policies() -> String {
    repository_root()
        .join("examples/policies")
        .to_string_lossy()
        .to_string()
}

fn copy_example_template(to: &Path) {
    std::fs::copy(repository_root().join("examples/templates/app.yaml"), to)
        .expect("copy the example template");
}

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|error| panic!("{error}: {stdout}"))
}

/// The files of a report's input errors, in the format's own terms: JSON
/// `errors` of kind `input`, SARIF notifications of level `error`, JUnit
/// `<error>` test cases of the `(inputs)` suite, human `error[input]`
/// headlines.
fn error_files(format: &str, stdout: &str) -> Vec<String> {
    let mut files: Vec<String> = match format {
        "json" => json(stdout)["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .filter(|error| error["kind"] == "input")
            .map(|error| error["file"].as_str().expect("file").to_string())
            .collect(),
        "sarif" => sarif_notifications(stdout)
            .iter()
            .filter(|n| n["level"] == "error" && n["descriptor"]["id"] == "input")
            .map(|n| notification_uri(n).to_string())
            .collect(),
        "junit" => junit_cases(stdout)
            .into_iter()
            .filter(|(_, body)| body.contains("<error "))
            .map(|(name, _)| name)
            .collect(),
        _ => stdout
            .lines()
            .filter_map(|line| line.split_once(": error[input]: "))
            .map(|(location, _)| location.split(':').next().unwrap_or("").to_string())
            .collect(),
    };
    files.sort();
    files
}

fn sarif_notifications(stdout: &str) -> Vec<Value> {
    json(stdout)["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("notifications")
        .clone()
}

fn notification_uri(notification: &Value) -> &str {
    notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .expect("a located notification")
}

/// The test cases of the JUnit `(inputs)` suite: name and body.
fn junit_cases(stdout: &str) -> Vec<(String, String)> {
    let Some(start) = stdout.find("<testsuite name=\"(inputs)\"") else {
        return Vec::new();
    };
    let suite = &stdout[start..];
    let suite = &suite[..suite.find("</testsuite>").expect("suite end")];
    suite
        .split("<testcase ")
        .skip(1)
        .map(|case| {
            let name = case
                .split(" name=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .expect("a name")
                .to_string();
            (name, case.to_string())
        })
        .collect()
}

/// The value of a count attribute of `<testsuites>`.
fn junit_count(stdout: &str, attribute: &str) -> usize {
    let head = &stdout[stdout.find("<testsuites ").expect("testsuites")..];
    let head = &head[..head.find('>').expect("end of tag")];
    head.split(&format!(" {attribute}=\""))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .and_then(|count| count.parse().ok())
        .expect("a count")
}

/// A malformed input and a missing one beside a good template: the good
/// one is judged, and both others are in every format, located, with exit
/// code 2.
#[test]
fn load_failures_are_in_every_format() {
    let bad = "cli/tests/inputs/malformed.json";
    let missing = "cli/tests/inputs/does-not-exist.json";
    for format in FORMATS {
        let (code, stdout, stderr) = run_ward(&args(&format!(
            "check --policy examples/policies --format {format} examples/templates/app.yaml {bad} {missing}"
        )));
        assert_eq!(code, 2, "{format}: {stderr}");
        assert_eq!(
            error_files(format, &stdout),
            [missing, bad],
            "{format}:\n{stdout}"
        );
        match format {
            "json" => {
                let report = json(&stdout);
                let errors = report["errors"].as_array().expect("errors");
                let malformed = errors.iter().find(|e| e["file"] == bad).expect("bad");
                assert_eq!(malformed["line"], 3);
                assert_eq!(malformed["column"], 37);
                assert_eq!(malformed["reason"], "trailing comma before `}`");
                let absent = errors
                    .iter()
                    .find(|e| e["file"] == missing)
                    .expect("missing");
                assert_eq!(absent["line"], 0);
                assert!(
                    absent["reason"]
                        .as_str()
                        .is_some_and(|reason| reason.starts_with("cannot read")),
                    "{absent}"
                );
                assert_eq!(report["summary"]["input_errors"], 2);
                assert_eq!(report["summary"]["inputs"], 1);
                assert_eq!(report["findings"].as_array().map(Vec::len), Some(5));
            }
            "sarif" => {
                let log = json(&stdout);
                let run = &log["runs"][0];
                assert_eq!(run["invocations"][0]["executionSuccessful"], false);
                let notifications = sarif_notifications(&stdout);
                let malformed = notifications
                    .iter()
                    .find(|n| notification_uri(n) == bad)
                    .expect("a notification for the malformed input");
                let region = &malformed["locations"][0]["physicalLocation"]["region"];
                assert_eq!(region["startLine"], 3);
                assert_eq!(region["startColumn"], 37);
                assert_eq!(run["results"].as_array().map(Vec::len), Some(5));
            }
            "junit" => {
                assert_eq!(junit_count(&stdout, "errors"), 2);
                assert_eq!(stdout.matches("<error ").count(), 2);
                assert_eq!(junit_count(&stdout, "failures"), 5);
            }
            _ => {
                // Each input error and each finding is said once.
                assert_eq!(stdout.matches("trailing comma before `}`").count(), 1);
                assert_eq!(stdout.matches("does-not-exist.json").count(), 1);
                assert_eq!(
                    stdout
                        .matches("RDS-001 Database is publicly accessible")
                        .count(),
                    1,
                    "{stdout}"
                );
                let summary = stdout.lines().last().expect("a summary");
                assert!(summary.starts_with("1 input, 6 rules:"), "{summary}");
                assert!(
                    summary.ends_with("; 2 input errors; 1 resource no rule examined"),
                    "{summary}"
                );
                // Nothing is said twice on standard error either.
                assert!(!stderr.contains("error[input]"), "{stderr}");
            }
        }
        if format != "human" {
            // People still read the errors of a machine-format run, once.
            assert_eq!(stderr.matches("error[input]").count(), 2, "{stderr}");
        }
    }
}

/// A folder holding a good template and entries that cannot be read even by
/// root (these tests may run as root, for whom `chmod 000` denies nothing,
/// so no case relies on permissions): a broken symbolic link, a symbolic
/// link to itself, a FIFO (refused, never read: reading one would block);
/// and, given on the command line, a missing path and a folder that is a
/// symbolic link to itself. Each is an input error of its own, and the
/// good template is still judged.
#[test]
fn one_bad_path_does_not_sink_the_run() {
    let dir = scratch("bad_paths");
    let folder = dir.join("templates");
    std::fs::create_dir_all(folder.join("nested")).expect("folders");
    copy_example_template(&folder.join("nested/app.yaml"));
    std::os::unix::fs::symlink("nowhere.yaml", folder.join("dangling.yaml")).expect("symlink");
    std::os::unix::fs::symlink("loop.yaml", folder.join("loop.yaml")).expect("symlink");
    std::os::unix::fs::symlink("looped", dir.join("looped")).expect("symlink");
    let fifo = Command::new("mkfifo")
        .arg(folder.join("pipe.yaml"))
        .status()
        .expect("mkfifo runs");
    assert!(fifo.success(), "mkfifo failed");
    let expected = [
        "looped",
        "missing",
        "templates/dangling.yaml",
        "templates/loop.yaml",
        "templates/pipe.yaml",
    ];
    for format in FORMATS {
        let (code, stdout, stderr) = run_ward_in(
            &dir,
            &args(&format!(
                "check --policy {} --format {format} templates missing looped",
                example_policies()
            )),
        );
        assert_eq!(code, 2, "{format}: {stderr}");
        assert_eq!(
            error_files(format, &stdout),
            expected,
            "{format}:\n{stdout}"
        );
        // The good template is judged.
        assert!(
            stdout.contains("templates/nested/app.yaml"),
            "{format}:\n{stdout}"
        );
        if format == "json" {
            let report = json(&stdout);
            assert_eq!(report["summary"]["inputs"], 1);
            assert_eq!(report["findings"].as_array().map(Vec::len), Some(5));
            let reason = |file: &str| {
                report["errors"]
                    .as_array()
                    .and_then(|errors| errors.iter().find(|e| e["file"] == file))
                    .and_then(|e| e["reason"].as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            assert!(reason("templates/dangling.yaml").contains("broken symbolic link"));
            assert!(reason("templates/pipe.yaml").contains("not a regular file"));
        }
    }
}

/// Files that are not inputs (an empty file, `package.json`, a Kubernetes
/// manifest, a Helm template) are reported and counted in every format,
/// never judged, and do not set the exit code unless `--strict`.
#[test]
fn files_that_are_not_inputs_are_reported_not_judged() {
    let dir = scratch("not_inputs");
    copy_example_template(&dir.join("app.yaml"));
    std::fs::write(dir.join("empty.yaml"), "").expect("write");
    std::fs::write(
        dir.join("package.json"),
        r#"{"name": "site", "version": "1.0.0", "scripts": {"build": "vite"}}"#,
    )
    .expect("write");
    std::fs::write(
        dir.join("service.yaml"),
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: 80\n",
    )
    .expect("write");
    std::fs::create_dir_all(dir.join("chart/templates")).expect("folders");
    std::fs::write(
        dir.join("chart/templates/configmap.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n{{- toYaml .Values.data | nindent 2 }}\n",
    )
    .expect("write");
    let not_inputs = [
        "chart/templates/configmap.yaml",
        "empty.yaml",
        "package.json",
        "service.yaml",
    ];
    for strict in [false, true] {
        let flag = if strict { "--strict" } else { "" };
        for format in FORMATS {
            let (code, stdout, stderr) = run_ward_in(
                &dir,
                &args(&format!(
                    "check --policy {} --format {format} --fail-on never {flag} .",
                    example_policies()
                )),
            );
            assert_eq!(code, if strict { 2 } else { 0 }, "{format}: {stderr}");
            let mut listed: Vec<String> = match format {
                "json" => {
                    let report = json(&stdout);
                    assert_eq!(report["summary"]["not_inputs"], 4);
                    assert_eq!(report["summary"]["inputs"], 1);
                    assert_eq!(report["errors"].as_array().map(Vec::len), Some(0));
                    report["not_inputs"]
                        .as_array()
                        .expect("not_inputs")
                        .iter()
                        .map(|entry| entry["file"].as_str().expect("file").to_string())
                        .collect()
                }
                "sarif" => {
                    let log = json(&stdout);
                    assert_eq!(
                        log["runs"][0]["invocations"][0]["executionSuccessful"],
                        !strict
                    );
                    sarif_notifications(&stdout)
                        .iter()
                        .filter(|n| n["descriptor"]["id"] == "not-an-input")
                        .inspect(|n| {
                            assert_eq!(n["level"], if strict { "error" } else { "warning" });
                        })
                        .map(|n| notification_uri(n).to_string())
                        .collect()
                }
                "junit" => {
                    assert_eq!(junit_count(&stdout, "errors"), if strict { 4 } else { 0 });
                    junit_cases(&stdout)
                        .into_iter()
                        .inspect(|(_, body)| {
                            assert!(body.contains("not a recognised input"), "{body}");
                            assert_eq!(body.contains("<error "), strict, "{body}");
                        })
                        .map(|(name, _)| name)
                        .collect()
                }
                _ => {
                    let word = if strict { "error" } else { "warning" };
                    let summary = stdout.lines().last().expect("a summary");
                    assert!(
                        summary.ends_with(
                            "; 4 files are not recognised inputs; 1 resource no rule examined"
                        ),
                        "{summary}"
                    );
                    stdout
                        .lines()
                        .filter_map(|line| {
                            line.split_once(&format!(": {word}: not a recognised input: "))
                        })
                        .map(|(file, _)| file.to_string())
                        .collect()
                }
            };
            listed.sort();
            assert_eq!(listed, not_inputs, "{format} {flag}:\n{stdout}");
        }
    }
}

/// An unknown high-severity outcome (SSH open to a parameter without a
/// default) exits 0 by default and 1 with `--fail-on-unknown high`, whatever
/// `--fail-on` says; a threshold above its severity still exits 0.
#[test]
fn unknown_outcomes_fail_at_their_threshold() {
    for (flags, exit) in [
        ("", 0),
        ("--fail-on-unknown high", 1),
        ("--fail-on-unknown info", 1),
        ("--fail-on never --fail-on-unknown high", 1),
        ("--fail-on-unknown critical", 0),
        ("--fail-on-unknown never", 0),
    ] {
        let (code, stdout, stderr) = run_ward(&args(&format!(
            "check --policy examples/policies --format json {flags} cli/tests/inputs/unknown.yaml"
        )));
        assert_eq!(code, exit, "{flags}: {stderr}");
        let report = json(&stdout);
        assert_eq!(report["summary"]["unknown"], 1, "{flags}");
    }
}

/// What SARIF 2.1.0 requires of the objects a report writes, checked on a
/// run with input errors, a file that is not an input and suppressions
/// from the template and from a baseline: the constraints of the OASIS
/// SARIF 2.1.0 schema on each property Ward writes (required properties,
/// enumerations, minimum values), stated here as a readable list beside
/// the validation against the schema file itself
/// (`sarif_validates_against_the_sarif_2_1_0_schema`).
#[test]
fn sarif_of_a_run_with_errors_and_suppressions_keeps_to_sarif_2_1_0() {
    let dir = scratch("sarif_shape");
    std::fs::write(dir.join("package.json"), r#"{"name": "site"}"#).expect("write");
    let not_input = dir.join("package.json").to_string_lossy().to_string();
    let (code, stdout, stderr) = run_ward(&args(&format!(
        "check --policy examples/policies --format sarif --baseline cli/tests/inputs/baseline.json \
         cli/tests/inputs/suppressed.yaml cli/tests/inputs/malformed.json cli/tests/inputs/absent.yaml {not_input}"
    )));
    assert_eq!(code, 2, "{stderr}");
    let log = json(&stdout);
    assert_eq!(log["version"], "2.1.0");
    let runs = log["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    let driver = &run["tool"]["driver"];
    assert!(driver["name"].is_string());
    for rule in driver["rules"].as_array().expect("rules") {
        assert!(rule["id"].is_string(), "{rule}");
        assert!(
            is_one_of(
                &rule["defaultConfiguration"]["level"],
                &["none", "note", "warning", "error"]
            ),
            "{rule}"
        );
    }
    let results = run["results"].as_array().expect("results");
    let mut suppression_kinds = Vec::new();
    for result in results {
        assert!(result["message"]["text"].is_string(), "{result}");
        assert!(
            is_one_of(&result["level"], &["none", "note", "warning", "error"]),
            "{result}"
        );
        assert!(
            is_one_of(
                &result["kind"],
                &[
                    "notApplicable",
                    "pass",
                    "fail",
                    "review",
                    "open",
                    "informational"
                ]
            ),
            "{result}"
        );
        assert!(result["ruleIndex"].as_u64().is_some(), "{result}");
        for location in result["locations"].as_array().expect("locations") {
            check_location(location);
        }
        if let Some(suppressions) = result.get("suppressions") {
            for suppression in suppressions.as_array().expect("an array") {
                assert!(
                    is_one_of(&suppression["kind"], &["inSource", "external"]),
                    "{suppression}"
                );
                assert!(suppression["justification"].is_string(), "{suppression}");
                suppression_kinds.push(suppression["kind"].as_str().unwrap_or("").to_string());
            }
        }
    }
    suppression_kinds.sort();
    suppression_kinds.dedup();
    assert_eq!(suppression_kinds, ["external", "inSource"]);
    let invocations = run["invocations"].as_array().expect("invocations");
    assert_eq!(invocations.len(), 1);
    assert_eq!(invocations[0]["executionSuccessful"], false);
    let notifications = sarif_notifications(&stdout);
    assert_eq!(notifications.len(), 3, "{notifications:?}");
    for notification in &notifications {
        assert!(
            notification["message"]["text"].is_string(),
            "{notification}"
        );
        assert!(
            is_one_of(
                &notification["level"],
                &["none", "note", "warning", "error"]
            ),
            "{notification}"
        );
        assert!(
            notification["descriptor"]["id"].is_string(),
            "{notification}"
        );
        for location in notification["locations"].as_array().expect("locations") {
            check_location(location);
        }
    }
}

/// The official SARIF 2.1.0 schema of OASIS (draft-07), as the
/// `serde-sarif` crate ships it (`src/schema.json`): found through `cargo
/// metadata`, so the repository keeps no copy of it.
fn sarif_schema() -> Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let run = |offline: bool| {
        let mut command = Command::new(&cargo);
        command
            .args(["metadata", "--format-version", "1", "--manifest-path"])
            .arg(repository_root().join("Cargo.toml"));
        if offline {
            command.arg("--offline");
        }
        command.output().expect("cargo metadata runs")
    };
    // The dev-dependency is downloaded before the tests run; go to the
    // registry only if it is missing.
    let mut output = run(true);
    if !output.status.success() {
        output = run(false);
    }
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("cargo metadata's JSON");
    let manifest = metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .find(|package| package["name"] == "serde-sarif" && package["version"] == "0.8.0")
        .and_then(|package| package["manifest_path"].as_str())
        .expect("serde-sarif 0.8.0, a dev-dependency of ward");
    let schema = Path::new(manifest)
        .parent()
        .expect("the package's folder")
        .join("src/schema.json");
    let mut schema = json(&std::fs::read_to_string(&schema).expect("the SARIF schema"));
    assert_eq!(
        schema["$id"],
        "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json"
    );
    // The pattern of the `language` properties (of a run and of a tool
    // component, neither written by Ward) has a stray `]` that only the
    // lenient web dialect of ECMA-262 regular expressions reads, as a
    // literal; `jsonschema` checks patterns strictly and refuses the
    // schema. Escaped, it means the same.
    let escaped = escape_stray_brackets(&mut schema);
    assert_eq!(escaped, 2, "the schema's language patterns changed");
    schema
}

/// Replaces the `language` pattern of the SARIF schema, wherever it is,
/// by the same pattern with its stray `]` escaped; the number replaced.
fn escape_stray_brackets(schema: &mut Value) -> usize {
    const LENIENT: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    const STRICT: &str = r"^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\]?$";
    match schema {
        Value::Object(object) => object
            .iter_mut()
            .map(|(key, value)| {
                if key == "pattern" && value == LENIENT {
                    *value = Value::from(STRICT);
                    1
                } else {
                    escape_stray_brackets(value)
                }
            })
            .sum(),
        Value::Array(array) => array.iter_mut().map(escape_stray_brackets).sum(),
        _ => 0,
    }
}

/// Every reason why `log` breaks the schema, one line each.
fn schema_errors(validator: &jsonschema::Validator, log: &Value) -> Vec<String> {
    validator
        .iter_errors(log)
        .map(|error| format!("{}: {error}", error.instance_path()))
        .collect()
}

/// The SARIF of a run with everything a report can hold validates against
/// the official SARIF 2.1.0 schema: findings kept, suppressed in the
/// template and by a baseline, an unknown outcome, a template that does
/// not parse, a missing path, a file that is not an input and resources no
/// rule examined, in a repository (URIs from its root) and for a file
/// whose name needs escaping in a URI. Broken copies of the same log do
/// not validate, so the test can fail.
#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let dir = scratch("sarif_schema");
    let templates = dir.join("templates");
    std::fs::create_dir_all(&templates).expect("create the folder");
    let inputs = repository_root().join("cli/tests/inputs");
    for (from, to) in [
        ("suppressed.yaml", "app.yaml"),
        ("unknown.yaml", "bastion.yaml"),
        ("malformed.json", "broken.json"),
    ] {
        std::fs::copy(inputs.join(from), templates.join(to)).expect("copy an input");
    }
    std::fs::write(
        templates.join("queue and topic.yaml"),
        "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n  Topic:\n    Type: AWS::SNS::Topic\n",
    )
    .expect("write");
    std::fs::write(dir.join("package.json"), r#"{"name": "site"}"#).expect("write");
    std::fs::write(
        dir.join("baseline.json"),
        r#"{"suppressions": [{"rule": "S3-001", "file": "templates/app.yaml", "resource": "Archive", "reason": "accepted in review"}]}"#,
    )
    .expect("write");
    let policies = example_policies();
    let (code, stdout, stderr) = run_ward_in(
        &dir,
        &args(&format!(
            "check --policy {policies} --format sarif --baseline baseline.json \
             templates absent.yaml package.json"
        )),
    );
    assert_eq!(code, 2, "{stderr}");
    let log = json(&stdout);

    // The run holds what it is meant to.
    let results = log["runs"][0]["results"].as_array().expect("results");
    let mut kinds: Vec<&str> = results
        .iter()
        .map(|result| match result["suppressions"][0]["kind"].as_str() {
            Some(suppression) => suppression,
            None => result["kind"].as_str().expect("a kind"),
        })
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    assert_eq!(
        kinds,
        ["external", "fail", "inSource", "review"],
        "{stdout}"
    );
    let mut notifications: Vec<(String, String)> = sarif_notifications(&stdout)
        .iter()
        .map(|n| {
            (
                n["descriptor"]["id"].as_str().expect("an id").to_string(),
                notification_uri(n).to_string(),
            )
        })
        .collect();
    notifications.sort();
    assert_eq!(
        notifications,
        [
            ("input".to_string(), "absent.yaml".to_string()),
            ("input".to_string(), "templates/broken.json".to_string()),
            ("not-an-input".to_string(), "package.json".to_string()),
            (
                "unexamined-resources".to_string(),
                "templates/queue%20and%20topic.yaml".to_string()
            ),
        ],
        "{stdout}"
    );

    let schema = sarif_schema();
    let validator = jsonschema::draft7::new(&schema).expect("the schema compiles");
    let errors = schema_errors(&validator, &log);
    assert!(errors.is_empty(), "{}\n{stdout}", errors.join("\n"));

    // Negative controls: a level SARIF does not know, a line 0, and a file
    // name with a space that is not percent-encoded.
    let mut bad_level = log.clone();
    bad_level["runs"][0]["results"][0]["level"] = Value::from("bogus");
    assert!(!schema_errors(&validator, &bad_level).is_empty());
    let mut line_zero = log.clone();
    line_zero["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        Value::from(0);
    assert!(!schema_errors(&validator, &line_zero).is_empty());
    let mut space = log.clone();
    space["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
        Value::from("templates/queue and topic.yaml");
    assert!(!schema_errors(&validator, &space).is_empty());
}

fn is_one_of(value: &Value, words: &[&str]) -> bool {
    value.as_str().is_some_and(|word| words.contains(&word))
}

/// A SARIF location: an artifact URI, and a region whose line and column
/// are at least 1 when it has one.
fn check_location(location: &Value) {
    let physical = &location["physicalLocation"];
    assert!(
        physical["artifactLocation"]["uri"].is_string(),
        "{location}"
    );
    if let Some(region) = physical.get("region").and_then(Value::as_object) {
        for key in ["startLine", "startColumn"] {
            if let Some(value) = region.get(key) {
                assert!(value.as_u64().is_some_and(|n| n >= 1), "{location}");
            }
        }
    }
    if let Some(logical) = location.get("logicalLocations") {
        for entry in logical.as_array().expect("an array") {
            assert!(entry["fullyQualifiedName"].is_string(), "{location}");
        }
    }
}

fn sarif_locations(stdout: &str) -> Vec<(String, String)> {
    let log = json(stdout);
    let mut found: Vec<(String, String)> = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|result| {
            let artifact = &result["locations"][0]["physicalLocation"]["artifactLocation"];
            assert_eq!(artifact["uriBaseId"], "%SRCROOT%", "{result}");
            (
                artifact["uri"].as_str().expect("uri").to_string(),
                result["partialFingerprints"]["wardFinding/v1"]
                    .as_str()
                    .expect("a fingerprint")
                    .to_string(),
            )
        })
        .collect();
    found.sort();
    found
}

/// Files are named from the repository root in SARIF and in baselines: a
/// run from a subfolder or with absolute paths gives the same URIs and
/// fingerprints, and applies a baseline written at the root; writing the
/// baseline again keeps the reasons people wrote in it; entries that
/// suppress nothing are reported.
#[test]
fn identities_hold_from_any_folder() {
    let dir = scratch("identities");
    std::fs::create_dir_all(dir.join("templates")).expect("folders");
    copy_example_template(&dir.join("templates/app.yaml"));
    let sub = dir.join("templates");
    let absolute = sub.join("app.yaml").to_string_lossy().to_string();
    let policies = example_policies();

    // SARIF: the same URIs and fingerprints from the root, the subfolder
    // and with an absolute path.
    let sarif = |cwd: &Path, input: &str| {
        let (code, stdout, stderr) = run_ward_in(
            cwd,
            &args(&format!("check --policy {policies} --format sarif {input}")),
        );
        assert_eq!(code, 1, "{stderr}");
        sarif_locations(&stdout)
    };
    let at_root = sarif(&dir, "templates/app.yaml");
    assert_eq!(at_root.len(), 5);
    assert!(at_root.iter().all(|(uri, _)| uri == "templates/app.yaml"));
    assert_eq!(sarif(&sub, "app.yaml"), at_root);
    assert_eq!(sarif(&dir, &absolute), at_root);

    // A baseline written at the root names files from the root.
    let (code, _, stderr) = run_ward_in(
        &dir,
        &args(&format!(
            "check --policy {policies} --write-baseline baseline.json --reason adopted templates"
        )),
    );
    assert_eq!(code, 0, "{stderr}");
    let baseline_path = dir.join("baseline.json");
    let mut baseline = json(&std::fs::read_to_string(&baseline_path).expect("written"));
    let entries = baseline["suppressions"].as_array_mut().expect("entries");
    assert_eq!(entries.len(), 5);
    assert!(
        entries
            .iter()
            .all(|entry| entry["file"] == "templates/app.yaml")
    );
    // People edit a reason, and leave entries that suppress nothing.
    entries[0]["reason"] = Value::from("reviewed with security");
    let edited_rule = entries[0]["rule"].as_str().expect("rule").to_string();
    entries.push(serde_json::json!({"rule": "NO-SUCH-RULE", "reason": "old"}));
    entries.push(serde_json::json!({
        "rule": "S3-001", "file": "templates/app.yaml", "resource": "Renamed", "reason": "old"
    }));
    std::fs::write(&baseline_path, baseline.to_string()).expect("write");

    // It applies from the subfolder and with an absolute path.
    for (cwd, input, baseline) in [
        (&sub, "app.yaml", "../baseline.json"),
        (&dir, absolute.as_str(), "baseline.json"),
    ] {
        let (code, stdout, stderr) = run_ward_in(
            cwd,
            &args(&format!(
                "check --policy {policies} --format json --baseline {baseline} {input}"
            )),
        );
        assert_eq!(code, 0, "{input}: {stderr}");
        let report = json(&stdout);
        assert_eq!(report["findings"].as_array().map(Vec::len), Some(0));
        assert_eq!(report["suppressed"].as_array().map(Vec::len), Some(5));
        let stale: Vec<(&str, &str)> = report["stale_suppressions"]
            .as_array()
            .expect("stale")
            .iter()
            .map(|entry| {
                (
                    entry["rule"].as_str().unwrap_or(""),
                    entry["stale"].as_str().unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(
            stale,
            [
                ("NO-SUCH-RULE", "no such rule"),
                ("S3-001", "matches no finding")
            ]
        );
        // People reading a machine format are told too.
        assert_eq!(stderr.matches("warning: baseline suppression").count(), 2);
    }
    let (_, stdout, _) = run_ward_in(
        &sub,
        &args(&format!(
            "check --policy {policies} --format sarif --baseline ../baseline.json app.yaml"
        )),
    );
    let stale = sarif_notifications(&stdout)
        .into_iter()
        .filter(|n| n["descriptor"]["id"] == "stale-suppression" && n["level"] == "warning")
        .count();
    assert_eq!(stale, 2);

    // Written again from the subfolder, the baseline keeps its reasons and
    // its names from the root.
    let (code, _, stderr) = run_ward_in(
        &sub,
        &args(&format!(
            "check --policy {policies} --write-baseline ../baseline.json --reason again app.yaml"
        )),
    );
    assert_eq!(code, 0, "{stderr}");
    let rewritten = json(&std::fs::read_to_string(&baseline_path).expect("written"));
    let entries = rewritten["suppressions"].as_array().expect("entries");
    assert_eq!(entries.len(), 5);
    for entry in entries {
        assert_eq!(entry["file"], "templates/app.yaml");
        let expected = if entry["rule"] == edited_rule.as_str() {
            "reviewed with security"
        } else {
            "adopted"
        };
        assert_eq!(entry["reason"], expected, "{entry}");
    }
}

/// The reason a JSON report gives for an input error of `file`.
fn error_reason(report: &Value, file: &str) -> String {
    report["errors"]
        .as_array()
        .and_then(|errors| errors.iter().find(|e| e["file"] == file))
        .and_then(|e| e["reason"].as_str())
        .unwrap_or_default()
        .to_string()
}

/// `--timeout`: the inputs not judged when the run's deadline passes are
/// input errors in every format (exit code 2), and every input is either
/// judged or one of them; a deadline that does not pass changes nothing.
#[test]
fn inputs_left_at_the_deadline_are_not_judged() {
    let dir = scratch("deadline");
    let count = 40;
    let mut all: Vec<String> = (0..count).map(|i| format!("app{i:02}.yaml")).collect();
    for name in &all {
        copy_example_template(&dir.join(name));
    }
    all.sort();
    let policies = example_policies();
    for format in FORMATS {
        // The policies take longer than a millisecond to compile, so at
        // least the first inputs are not judged.
        let (code, stdout, stderr) = run_ward_in(
            &dir,
            &args(&format!(
                "check --policy {policies} --timeout 0.001 --format {format} ."
            )),
        );
        assert_eq!(code, 2, "{format}: {stderr}");
        let not_judged = error_files(format, &stdout);
        assert!(!not_judged.is_empty(), "{format}:\n{stdout}");
        for file in &not_judged {
            assert!(all.contains(file), "{format}: {file}");
        }
        match format {
            "json" => {
                let report = json(&stdout);
                for file in &not_judged {
                    assert_eq!(
                        error_reason(&report, file),
                        "not judged: the run's deadline of 0.001 s passed"
                    );
                }
                let judged = report["summary"]["inputs"].as_u64().expect("inputs");
                assert_eq!(judged as usize + not_judged.len(), count);
            }
            "sarif" => {
                let log = json(&stdout);
                assert_eq!(
                    log["runs"][0]["invocations"][0]["executionSuccessful"],
                    false
                );
                let notifications = sarif_notifications(&stdout);
                let messages: Vec<&str> = notifications
                    .iter()
                    .filter(|n| n["descriptor"]["id"] == "input")
                    .map(|n| n["message"]["text"].as_str().unwrap_or_default())
                    .collect();
                assert_eq!(messages.len(), not_judged.len());
                for message in messages {
                    assert!(message.contains("deadline of 0.001 s passed"), "{message}");
                }
            }
            _ => assert!(
                stdout.contains("deadline of 0.001 s passed"),
                "{format}:\n{stdout}"
            ),
        }
    }
    let (code, stdout, stderr) = run_ward_in(
        &dir,
        &args(&format!(
            "check --policy {policies} --timeout 600 --format json ."
        )),
    );
    assert_eq!(code, 1, "{stderr}");
    let report = json(&stdout);
    assert_eq!(report["summary"]["inputs"], count);
    assert_eq!(report["summary"]["input_errors"], 0);
}

/// `--max-input-size`: a bigger input is an input error in every format,
/// with both sizes, and is not read; the other inputs are judged. The
/// bound takes units.
#[test]
fn inputs_over_the_size_limit_are_not_read() {
    let dir = scratch("size_limit");
    copy_example_template(&dir.join("small.yaml"));
    let mut big = std::fs::read_to_string(dir.join("small.yaml")).expect("template");
    big.push_str(&format!("# {}\n", "x".repeat(1024)));
    std::fs::write(dir.join("big.yaml"), &big).expect("write");
    for format in FORMATS {
        let (code, stdout, stderr) = run_ward_in(
            &dir,
            &args(&format!(
                "check --policy {} --max-input-size 3KiB --format {format} small.yaml big.yaml",
                example_policies()
            )),
        );
        assert_eq!(code, 2, "{format}: {stderr}");
        assert_eq!(
            error_files(format, &stdout),
            ["big.yaml"],
            "{format}:\n{stdout}"
        );
        // Both sizes round to 3 KiB: the message gives them in bytes.
        let message = format!(
            "the file is {} bytes, more than the limit of 3072 bytes (--max-input-size)",
            big.len()
        );
        match format {
            "json" => {
                let report = json(&stdout);
                assert_eq!(report["summary"]["inputs"], 1);
                assert_eq!(report["findings"].as_array().map(Vec::len), Some(5));
                assert_eq!(error_reason(&report, "big.yaml"), message);
            }
            _ => assert!(stdout.contains(&message), "{format}:\n{stdout}"),
        }
    }
    // The default bound and decimal units let it through.
    for bound in ["", "--max-input-size 1MB"] {
        let (code, stdout, stderr) = run_ward_in(
            &dir,
            &args(&format!(
                "check --policy {} {bound} --format json small.yaml big.yaml",
                example_policies()
            )),
        );
        assert_eq!(code, 1, "{bound}: {stderr}");
        assert_eq!(json(&stdout)["summary"]["inputs"], 2);
    }
    let (code, _, stderr) = run_ward_in(&dir, &args("check --max-input-size 3XB small.yaml"));
    assert_eq!(code, 2);
    assert!(stderr.contains("is not a size in bytes"), "{stderr}");
}

/// `--max-values`: an input with more values than the bound is an input
/// error at the value that passes it, not memory exhausted; the other
/// inputs are judged.
#[test]
fn inputs_with_too_many_values_are_input_errors() {
    let dir = scratch("max_values");
    copy_example_template(&dir.join("app.yaml"));
    let numbers: Vec<String> = (0..100_000).map(|i| i.to_string()).collect();
    std::fs::write(
        dir.join("numbers.json"),
        format!("[{}]\n", numbers.join(",\n")),
    )
    .expect("write");
    let (code, stdout, stderr) = run_ward_in(
        &dir,
        &args(&format!(
            "check --policy {} --max-values 50000 --format json app.yaml numbers.json",
            example_policies()
        )),
    );
    assert_eq!(code, 2, "{stderr}");
    let report = json(&stdout);
    assert_eq!(report["summary"]["inputs"], 1);
    let errors = report["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{stdout}");
    assert_eq!(errors[0]["file"], "numbers.json");
    assert_eq!(
        errors[0]["reason"],
        "the document has more than 50000 values"
    );
    // The list is the first value: the 50,000th number passes the bound.
    assert_eq!(errors[0]["line"], 50_000);
    assert_eq!(errors[0]["column"], 1);
}

/// `ward eval` and the reference engine of `ward check` keep the same
/// bounds as `ward check`.
#[test]
fn eval_and_the_reference_engine_keep_the_bounds() {
    let dir = scratch("bounds_engines");
    copy_example_template(&dir.join("app.yaml"));
    let numbers = format!("[{}]", vec!["1"; 1500].join(","));
    std::fs::write(dir.join("numbers.json"), numbers).expect("write");
    std::fs::write(dir.join("big.yaml"), "x".repeat(5000)).expect("write");
    let policies = example_policies();
    let (code, _, stderr) = run_ward_in(&dir, &args(&format!("build {policies} -o policy.wasm")));
    assert_eq!(code, 0, "{stderr}");
    let files = "app.yaml numbers.json big.yaml";
    let bounds = "--max-values 1000 --max-input-size 4KiB";
    for command in [
        format!("eval policy.wasm {bounds} --format json {files}"),
        format!("check --engine reference --policy {policies} {bounds} --format json {files}"),
    ] {
        let (code, stdout, stderr) = run_ward_in(&dir, &args(&command));
        assert_eq!(code, 2, "{command}: {stderr}");
        let report = json(&stdout);
        assert_eq!(report["summary"]["inputs"], 1, "{command}");
        assert_eq!(
            error_reason(&report, "numbers.json"),
            "the document has more than 1000 values"
        );
        assert_eq!(
            error_reason(&report, "big.yaml"),
            "the file is 4.9 KiB, more than the limit of 4 KiB (--max-input-size)"
        );
        let (code, stdout, stderr) =
            run_ward_in(&dir, &args(&format!("{command} --timeout 0.000001")));
        assert_eq!(code, 2, "{command}: {stderr}");
        let report = json(&stdout);
        assert_eq!(report["summary"]["inputs"], 0, "{command}");
        assert_eq!(
            error_reason(&report, "app.yaml"),
            "not judged: the run's deadline of 0.000001 s passed"
        );
    }
}
