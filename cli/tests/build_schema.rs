//! The commands report the warnings of the resource schema checks as the
//! editor does: a misspelt property of a resource bound to a CloudFormation
//! type (W0601) and a misspelt resource type (W0602), each with the closest
//! name. Warnings do not stop a build.

use std::path::{Path, PathBuf};
use std::process::Command;

const MISSPELT_PROPERTY: &str = r#"package demo

@id("DEMO-1") @severity(high)
rule encrypted for b in resources("AWS::S3::Bucket") {
  require exists(b.props.BucketEncription)
}
"#;

const MISSPELT_TYPE: &str = r#"package demo

@id("DEMO-2") @severity(low)
rule named for b in resources("AWS::S3::Buckt") {
  require b.id != ""
}
"#;

const TEMPLATE: &str = r#"{"Resources": {"Logs": {"Type": "AWS::S3::Bucket", "Properties": {}}}}"#;

/// A fresh folder holding `policy.ward` with `policy`, and a template.
fn folder(name: &str, policy: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("build_schema_{name}"));
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("remove the old folder");
    }
    std::fs::create_dir_all(&dir).expect("create the folder");
    std::fs::write(dir.join("policy.ward"), policy).expect("write the policy");
    std::fs::write(dir.join("template.json"), TEMPLATE).expect("write the template");
    dir
}

/// Runs `ward` in `dir`; returns the exit code and standard error.
fn ward(dir: &Path, args: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_ward"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .output()
        .expect("ward runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).to_string(),
    )
}

#[test]
fn build_reports_a_misspelt_property_with_the_closest_name() {
    let dir = folder("property", MISSPELT_PROPERTY);
    let (code, stderr) = ward(&dir, &["build", "policy.ward", "-o", "policy.wasm"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(
            "policy.ward:5:26: warning[W0601]: `AWS::S3::Bucket` has no property `BucketEncription`"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("did you mean `BucketEncryption`?"),
        "{stderr}"
    );
    assert!(stderr.contains("0 errors, 1 warning"), "{stderr}");
    assert!(
        dir.join("policy.wasm").is_file(),
        "a warning stops no build"
    );
}

#[test]
fn build_reports_a_misspelt_type_with_the_closest_type() {
    let dir = folder("type", MISSPELT_TYPE);
    let (code, stderr) = ward(&dir, &["build", "policy.ward", "-o", "policy.wasm"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(
            "policy.ward:4:31: warning[W0602]: `AWS::S3::Buckt` is not a known resource type"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("did you mean `AWS::S3::Bucket`?"),
        "{stderr}"
    );
}

#[test]
fn check_and_test_report_the_same_warning_as_build() {
    let dir = folder("commands", MISSPELT_PROPERTY);
    let (_, built) = ward(&dir, &["build", "policy.ward", "-o", "policy.wasm"]);
    let warning = built
        .lines()
        .find(|line| line.contains("warning[W0601]"))
        .unwrap_or_else(|| panic!("no W0601 from build:\n{built}"))
        .to_string();
    for args in [
        &["check", "--policy", "policy.ward", "template.json"][..],
        &["test", "policy.ward"][..],
    ] {
        let (_, stderr) = ward(&dir, args);
        assert!(
            stderr.contains(&warning),
            "`ward {}` does not report `{warning}`:\n{stderr}",
            args.join(" ")
        );
    }
}
