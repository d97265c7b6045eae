//! Configure once: `ward.toml` found from the working directory upward or
//! given with `--config`, flags that override it, `--rules` /
//! `--skip-rules`, `--exclude` and `.gitignore`, several reports of one
//! run, `--quiet`, `--color` and standard input.

mod common;

use std::path::{Path, PathBuf};

use common::{repository_root, run_ward, run_ward_in};
use serde_json::Value;

/// A fresh folder under the tests' scratch space, the root of a repository
/// of its own, holding the example template in `templates/`.
fn scratch(name: &str) -> PathBuf {
    let dir = common::scratch_repository("config", name);
    std::fs::create_dir_all(dir.join("templates")).expect("create the folder");
    std::fs::copy(
        repository_root().join("examples/templates/app.yaml"),
        dir.join("templates/app.yaml"),
    )
    .expect("copy the example template");
    dir
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create the folder");
    }
    std::fs::write(path, text).expect("write the file");
}

/// A TOML string of a path.
fn quoted(path: &Path) -> String {
    Value::String(path.to_string_lossy().to_string()).to_string()
}

fn example_policies() -> PathBuf {
    repository_root().join("examples/policies")
}

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|error| panic!("{error}: {stdout}"))
}

/// The ids of the rules with findings in a JSON report, sorted, once each.
fn rules_found(stdout: &str) -> Vec<String> {
    let mut rules: Vec<String> = json(stdout)["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|finding| finding["rule"].as_str().expect("rule").to_string())
        .collect();
    rules.sort();
    rules.dedup();
    rules
}

#[test]
fn the_file_is_found_from_a_subfolder_and_flags_override_it() {
    let dir = scratch("found");
    write(
        &dir.join("ward.toml"),
        &format!(
            "# The checks of this repository.\npolicies = [{}]\npaths = [\"templates\"]\nformat = \"json\"\nfail-on = \"never\"\n",
            quoted(&example_policies())
        ),
    );
    let deeper = dir.join("sub/deeper");
    std::fs::create_dir_all(&deeper).expect("create the folder");

    // From two folders down, with no argument: the file's policies, inputs
    // (relative to the file), format and threshold.
    let (code, stdout, stderr) = run_ward_in(&deeper, &["check"]);
    assert_eq!(code, 0, "{stderr}");
    let report = json(&stdout);
    assert_eq!(report["summary"]["inputs"], 1, "{stdout}");
    assert!(!rules_found(&stdout).is_empty(), "{stdout}");

    // Flags override the keys.
    let (code, stdout, stderr) = run_ward_in(&deeper, &["check", "--fail-on", "high"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.trim_start().starts_with('{'), "{stdout}");
    let (code, stdout, _) = run_ward_in(&deeper, &["check", "--format", "human"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("1 input, 6 rules"), "{stdout}");
    // Inputs on the command line replace `paths`.
    let (code, _, stderr) = run_ward_in(&deeper, &["check", "missing.yaml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("missing.yaml"), "{stderr}");

    // `--no-config` reads no file: without inputs, that is a usage error.
    let (code, _, stderr) = run_ward_in(&deeper, &["check", "--no-config"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no inputs"), "{stderr}");

    // `--config` names another file; its paths are relative to it.
    write(
        &dir.join("ci/strict.toml"),
        &format!(
            "policies = [{}]\npaths = [\"../templates\"]\nformat = \"json\"\nrules = [\"NET-001\"]\n",
            quoted(&example_policies())
        ),
    );
    let (code, stdout, stderr) =
        run_ward_in(&deeper, &["check", "--config", "../../ci/strict.toml"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(rules_found(&stdout), ["NET-001"]);
}

#[test]
fn an_unknown_key_is_an_error_at_its_position() {
    let dir = scratch("unknown_key");
    write(
        &dir.join("ward.toml"),
        "paths = [\"templates\"]\n\n  fail_on = \"high\"\n",
    );
    let (code, stdout, stderr) = run_ward_in(&dir, &["check"]);
    assert_eq!(code, 2, "{stdout}");
    assert!(
        stderr.contains("ward.toml:3:3: unknown field `fail_on`"),
        "{stderr}"
    );
    // A value of the wrong kind too.
    write(&dir.join("ward.toml"), "fail-on = \"sometimes\"\n");
    let (code, _, stderr) = run_ward_in(&dir, &["check"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("ward.toml:1:11: unknown variant `sometimes`"),
        "{stderr}"
    );
    write(&dir.join("ward.toml"), "format = 3\n");
    let (code, _, stderr) = run_ward_in(&dir, &["check"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("ward.toml:1:10: `format` takes a report format or a list"),
        "{stderr}"
    );
    write(&dir.join("ward.toml"), "timeout = 0\n");
    let (code, _, stderr) = run_ward_in(&dir, &["check"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("ward.toml:1:11: `0` is not a positive number"),
        "{stderr}"
    );
    // A missing `--config` file is an error of its own.
    let (code, _, stderr) = run_ward_in(&dir, &["check", "--config", "absent.toml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("absent.toml"), "{stderr}");
}

#[test]
fn policy_parameters_of_the_file_come_before_the_flags() {
    let dir = scratch("params");
    let team = repository_root().join("cli/tests/inputs/team");
    write(
        &dir.join("ward.toml"),
        &format!(
            "policies = [{}]\npaths = [{}]\n\n[params]\nmax_noncurrent_days = \"soon\"\n",
            quoted(&team),
            quoted(&team.join("fixtures/app.yaml"))
        ),
    );
    let (code, _, stderr) = run_ward_in(&dir, &["check"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("max_noncurrent_days"), "{stderr}");
    let (code, _, stderr) = run_ward_in(&dir, &["check", "--param", "max_noncurrent_days=10"]);
    assert_ne!(code, 2, "{stderr}");
}

fn check_rules(extra: &[&str]) -> (i32, String, String) {
    let mut args = vec![
        "check",
        "--policy",
        "examples/policies",
        "--format",
        "json",
        "examples/templates/app.yaml",
    ];
    args.extend_from_slice(extra);
    run_ward(&args)
}

#[test]
fn rules_are_selected_by_id_name_package_and_glob() {
    let (_, all, _) = check_rules(&[]);
    let all = rules_found(&all);
    assert!(all.len() > 2, "{all:?}");
    let without = |skipped: &[&str]| -> Vec<String> {
        all.iter()
            .filter(|rule| !skipped.contains(&rule.as_str()))
            .cloned()
            .collect()
    };
    for engine in ["wasm", "reference"] {
        let engine = ["--engine", engine];
        let run = |selection: &[&str]| {
            let (code, stdout, stderr) = check_rules(&[&engine[..], selection].concat());
            assert_ne!(code, 2, "{selection:?}: {stderr}");
            (
                json(&stdout)["summary"]["rules"].clone(),
                rules_found(&stdout),
            )
        };
        assert_eq!(
            run(&["--rules", "NET-001"]),
            (1.into(), vec!["NET-001".into()])
        );
        assert_eq!(
            run(&["--rules", "NET-*,aws.iam"]),
            (2.into(), vec!["IAM-001".into(), "NET-001".into()])
        );
        assert_eq!(
            run(&[
                "--rules",
                "no_public_ssh",
                "--rules",
                "aws.iam.no_admin_statements"
            ])
            .1,
            ["IAM-001", "NET-001"]
        );
        assert_eq!(
            run(&["--skip-rules", "aws.network"]).1,
            without(&["NET-001"])
        );
        assert_eq!(
            run(&["--skip-rules", "*-001", "--skip-rules", "SEC-010"]).1,
            without(&[
                "NET-001", "IAM-001", "RDS-001", "S3-001", "KMS-001", "SEC-010"
            ])
        );
        assert_eq!(
            run(&["--rules", "aws.*", "--skip-rules", "NET-001"]).1,
            without(&["NET-001"])
        );
    }
    // `--control` keeps the rules that name a control, with the others.
    let controls = |selection: &[&str]| {
        let (code, stdout, stderr) = check_rules(selection);
        assert_ne!(code, 2, "{selection:?}: {stderr}");
        json(&stdout)["summary"]["rules"].clone()
    };
    assert_eq!(controls(&["--control", "CIS:5.2"]), 1);
    // KMS-001, RDS-001 and S3-001.
    assert_eq!(controls(&["--control", "WA:SEC08-*"]), 3);
    assert_eq!(
        controls(&["--control", "WA:SEC08-*", "--rules", "aws.storage"]),
        1
    );
    assert_eq!(controls(&["--control", "CIS:5.2,CIS:1.16"]), 2);
    let (code, _, stderr) = check_rules(&["--control", "CIS:9.9"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("`--control CIS:9.9` matches no rule"),
        "{stderr}"
    );

    // A package prefix is whole segments: `aws.net` is no package.
    for pattern in ["aws.net", "NET-002", "WARD-*"] {
        for flag in ["--rules", "--skip-rules"] {
            let (code, _, stderr) = check_rules(&[flag, pattern]);
            assert_eq!(code, 2, "{flag} {pattern}");
            assert!(
                stderr.contains(&format!("`{flag} {pattern}` matches no rule")),
                "{stderr}"
            );
        }
    }
}

#[test]
fn the_file_selects_rules_and_flags_replace_its_selection() {
    let dir = scratch("rules");
    write(
        &dir.join("ward.toml"),
        &format!(
            "policies = [{}]\npaths = [\"templates\"]\nformat = \"json\"\nrules = [\"NET-*\", \"IAM-001\"]\nskip-rules = [\"IAM-001\"]\n",
            quoted(&example_policies())
        ),
    );
    let (_, stdout, stderr) = run_ward_in(&dir, &["check"]);
    assert_eq!(rules_found(&stdout), ["NET-001"], "{stderr}");
    let (_, stdout, stderr) = run_ward_in(&dir, &["check", "--rules", "S3-001,IAM-001"]);
    assert_eq!(rules_found(&stdout), ["S3-001"], "{stderr}");
    let (_, stdout, stderr) = run_ward_in(&dir, &["check", "--skip-rules", "S3-001"]);
    assert_eq!(rules_found(&stdout), ["IAM-001", "NET-001"], "{stderr}");
}

/// The files a JSON report judged, from the repository root, sorted.
fn judged_files(stdout: &str) -> Vec<String> {
    let report = json(stdout);
    let mut files: Vec<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|finding| finding["file"].as_str().expect("file").to_string())
        .collect();
    files.sort();
    files.dedup();
    assert_eq!(report["summary"]["inputs"], files.len(), "{stdout}");
    files
}

#[test]
fn excluded_and_git_ignored_paths_are_not_walked() {
    let dir = scratch("exclude");
    let template = dir.join("templates/app.yaml");
    for copy in [
        "legacy/old.yaml",
        "generated/made.yaml",
        "nested/legacy/older.yaml",
    ] {
        let to = dir.join("templates").join(copy);
        std::fs::create_dir_all(to.parent().expect("a folder")).expect("create the folder");
        std::fs::copy(&template, to).expect("copy the template");
    }
    write(
        &dir.join("templates/.gitignore"),
        "# made by the build\ngenerated/\n",
    );
    let policies = example_policies();
    let check = |extra: &[&str]| {
        let mut args = vec!["check", "--format", "json", "--fail-on", "never"];
        args.extend_from_slice(&["--policy", policies.to_str().expect("a UTF-8 path")]);
        args.extend_from_slice(extra);
        let (code, stdout, stderr) = run_ward_in(&dir, &args);
        assert_eq!(code, 0, "{extra:?}: {stderr}");
        judged_files(&stdout)
    };
    let all = [
        "templates/app.yaml",
        "templates/legacy/old.yaml",
        "templates/nested/legacy/older.yaml",
    ];
    // `.gitignore` leaves `generated/` out.
    assert_eq!(check(&["templates"]), all);
    // A glob without a slash matches at any depth; with one, from the
    // working directory.
    assert_eq!(check(&["templates", "--exclude", "legacy/"]), all[..1]);
    assert_eq!(
        check(&["templates", "--exclude", "templates/legacy"]),
        [all[0], all[2]]
    );
    assert_eq!(
        check(&[
            "--exclude",
            "o?d.yaml",
            "--exclude",
            "/templates/app.yaml",
            "templates"
        ]),
        all[2..]
    );
    // A file given is always read, excluded or ignored.
    assert_eq!(
        check(&[
            "--exclude",
            "legacy",
            "templates/legacy/old.yaml",
            "templates/generated/made.yaml"
        ]),
        ["templates/generated/made.yaml", "templates/legacy/old.yaml"]
    );

    // The file's globs are relative to its folder.
    write(
        &dir.join("ward.toml"),
        "paths = [\"templates\"]\nexclude = [\"/templates/legacy\"]\n",
    );
    let sub = dir.join("sub");
    std::fs::create_dir_all(&sub).expect("create the folder");
    let args = [
        "check",
        "--format",
        "json",
        "--fail-on",
        "never",
        "--policy",
    ];
    let (code, stdout, stderr) = run_ward_in(
        &sub,
        &[&args[..], &[policies.to_str().expect("a UTF-8 path")]].concat(),
    );
    assert_eq!(code, 0, "{stderr}");
    // Named from where the run is, as paths of the file are.
    assert_eq!(
        judged_files(&stdout),
        [format!("../{}", all[0]), format!("../{}", all[2])]
    );
}

#[test]
fn one_run_writes_several_reports() {
    let dir = scratch("outputs");
    let policies = example_policies();
    let policies = policies.to_str().expect("a UTF-8 path");
    let base = ["check", "--policy", policies, "templates"];
    let run = |extra: &[&str]| run_ward_in(&dir, &[&base[..], extra].concat());

    let (code, stdout, stderr) = run(&["--format", "sarif=out.sarif", "--format", "json"]);
    assert_eq!(code, 1, "{stderr}");
    let sarif = json(&std::fs::read_to_string(dir.join("out.sarif")).expect("the SARIF file"));
    let results = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .len();
    assert_eq!(
        results,
        json(&stdout)["findings"]
            .as_array()
            .expect("findings")
            .len()
    );
    assert!(results > 0);

    // `--output` takes the report without a file; `--quiet` leaves
    // standard output empty, files still written.
    let (code, stdout, stderr) = run(&[
        "--format",
        "junit=out.xml",
        "--format",
        "human",
        "--output",
        "out.txt",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    let human = std::fs::read_to_string(dir.join("out.txt")).expect("the human report");
    assert!(human.contains("1 input, 6 rules"), "{human}");
    assert!(
        std::fs::read_to_string(dir.join("out.xml"))
            .expect("the JUnit file")
            .contains("<testsuites")
    );
    std::fs::remove_file(dir.join("out.sarif")).expect("remove the report");
    let (code, stdout, stderr) = run(&[
        "--quiet",
        "--format",
        "sarif=out.sarif",
        "--format",
        "human",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty() && stderr.is_empty(), "{stdout}{stderr}");
    assert!(dir.join("out.sarif").is_file());

    // At most one report to standard output; a file for `--output`.
    for (args, said) in [
        (
            &["--format", "json", "--format", "human"][..],
            "at most one `--format`",
        ),
        (
            &["--format", "json=a.json", "--output", "b.json"][..],
            "names its file already",
        ),
        (&["--format", "yaml"][..], "not a report format"),
    ] {
        let (code, _, stderr) = run(args);
        assert_eq!(code, 2, "{args:?}");
        assert!(stderr.contains(said), "{stderr}");
    }

    // The file's `format` may be a list, its files relative to it.
    write(
        &dir.join("ward.toml"),
        "format = [\"sarif=reports/ward.sarif\", \"json\"]\n",
    );
    std::fs::create_dir_all(dir.join("reports")).expect("create the folder");
    let sub = dir.join("sub");
    std::fs::create_dir_all(&sub).expect("create the folder");
    let (code, stdout, stderr) =
        run_ward_in(&sub, &["check", "--policy", policies, "../templates"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        !json(&stdout)["findings"]
            .as_array()
            .expect("findings")
            .is_empty()
    );
    assert!(dir.join("reports/ward.sarif").is_file());
}

/// Runs `ward` from the repository root with `NO_COLOR` unset, `stdin` as
/// its standard input.
fn run_ward_colored(args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_ward"))
        .args(args)
        .current_dir(repository_root())
        .env_remove("NO_COLOR")
        .env(
            "XDG_CACHE_HOME",
            repository_root().join("target/cli-test-cache"),
        )
        .env(
            "XDG_CONFIG_HOME",
            repository_root().join("target/cli-test-config"),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ward runs");
    child
        .stdin
        .take()
        .expect("standard input")
        .write_all(stdin)
        .expect("write standard input");
    let output = child.wait_with_output().expect("ward ends");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).to_string(),
        String::from_utf8_lossy(&output.stderr).to_string(),
    )
}

#[test]
fn standard_input_is_an_input_and_colours_follow_the_flag() {
    let template =
        std::fs::read(repository_root().join("examples/templates/app.yaml")).expect("the template");
    let check = ["check", "--policy", "examples/policies", "-"];
    let (code, stdout, stderr) =
        run_ward_colored(&[&check[..], &["--format", "json"]].concat(), &template);
    assert_eq!(code, 1, "{stderr}");
    let report = json(&stdout);
    assert_eq!(report["summary"]["inputs"], 1);
    assert!(
        report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .all(|finding| finding["file"] == "<stdin>")
    );

    // Standard input is read no further than `--max-input-size`.
    let (code, stdout, stderr) = run_ward_colored(
        &[&check[..], &["--format", "json", "--max-input-size", "100"]].concat(),
        &template,
    );
    assert_eq!(code, 2, "{stderr}");
    let errors = &json(&stdout)["errors"];
    assert_eq!(errors[0]["file"], "<stdin>", "{stdout}");
    assert!(
        errors[0]["reason"]
            .as_str()
            .is_some_and(|reason| reason.contains("--max-input-size")),
        "{stdout}"
    );

    // Piped, `auto` (the default) has no colours, `always` has them.
    let escape = '\u{1b}';
    for (color, coloured) in [
        (None, false),
        (Some("auto"), false),
        (Some("never"), false),
        (Some("always"), true),
    ] {
        let mut args = check.to_vec();
        if let Some(color) = color {
            args.extend_from_slice(&["--color", color]);
        }
        let (code, stdout, stderr) = run_ward_colored(&args, &template);
        assert_eq!(code, 1, "{stderr}");
        assert!(stdout.contains("<stdin>:"), "{stdout}");
        assert_eq!(stdout.contains(escape), coloured, "{color:?}: {stdout}");
        // Standard error is no terminal: no progress line.
        assert!(!stderr.contains("judging inputs"), "{stderr}");
    }
}

#[test]
fn the_files_baseline_applies_and_writing_one_reads_none() {
    let dir = scratch("baseline");
    write(
        &dir.join("ward.toml"),
        &format!(
            "policies = [{}]\npaths = [\"templates\"]\nbaseline = \"baseline.json\"\n",
            quoted(&example_policies())
        ),
    );
    let write_baseline = ["check", "--write-baseline", "baseline.json", "--reason"];
    let (code, _, stderr) = run_ward_in(&dir, &[&write_baseline[..], &["adopted"]].concat());
    assert_eq!(code, 0, "{stderr}");
    let wrote = stderr
        .lines()
        .find(|line| line.starts_with("wrote "))
        .expect("the count written")
        .to_string();
    assert!(!wrote.starts_with("wrote 0 "), "{wrote}");
    // The file's baseline suppresses every finding.
    let (code, _, stderr) = run_ward_in(&dir, &["check"]);
    assert_eq!(code, 0, "{stderr}");
    // Written again over itself, it keeps every entry.
    let (code, _, stderr) = run_ward_in(&dir, &[&write_baseline[..], &["again"]].concat());
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains(&wrote), "{stderr}");
}
