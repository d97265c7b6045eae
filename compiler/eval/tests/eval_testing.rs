//! The `ward test` runner: test blocks in policies, checked against the
//! reference evaluator. Each case is a workspace in text and the expected
//! results, one line per test.

use ward_compiler::Compiler;
use ward_eval::testing::{TestOptions, TestResult, TestRunError, TestStatus, run_tests};

fn run(files: &[(&str, &str)], options: &TestOptions) -> Result<Vec<TestResult>, TestRunError> {
    let mut compiler = Compiler::default();
    for (path, text) in files {
        compiler.set_file(path, text.to_string());
    }
    run_tests(&compiler.db, compiler.workspace, options)
}

/// Runs the files and renders each result as `status name` followed by the
/// failure messages, indented.
fn check(files: &[(&str, &str)], expect: &str) {
    let results = run(files, &TestOptions::default()).expect("no errors");
    let mut out = String::new();
    for result in &results {
        let status = match result.status {
            TestStatus::Passed => "passed",
            TestStatus::Failed => "failed",
            TestStatus::Error => "error",
        };
        out.push_str(&format!("{status} {}::{}\n", result.package, result.name));
        for failure in &result.failures {
            out.push_str(&format!("  {}\n", failure.message));
        }
    }
    assert_eq!(out.trim(), expect.trim(), "\nactual:\n{out}");
}

const POLICY: &str = r#"
package net

@id("NET-001") @severity(high)
rule no_public_ssh for sg in resources("AWS::EC2::SecurityGroup") {
  for ingress in sg.props.SecurityGroupIngress {
    deny ingress.CidrIp == "0.0.0.0/0" and port_in_range(22, ingress.FromPort, ingress.ToPort)
      message "{sg} allows SSH from the internet"
      at ingress
  }
}

@id("NET-002") @severity(low)
rule described for sg in resources("AWS::EC2::SecurityGroup") when exists(sg.props.SecurityGroupIngress) {
  require exists(sg.props.GroupDescription)
}
"#;

#[test]
fn passing_and_failing_expectations() {
    let tests = r#"
package net

test "open and closed" {
  input {
    Resources: {
      Open: {
        Type: "AWS::EC2::SecurityGroup",
        Properties: { SecurityGroupIngress: [{ CidrIp: "0.0.0.0/0", FromPort: 22, ToPort: 22 }] },
      },
      Closed: {
        Type: "AWS::EC2::SecurityGroup",
        Properties: { GroupDescription: "x", SecurityGroupIngress: [{ CidrIp: "10.0.0.0/8", FromPort: 22, ToPort: 22 }] },
      },
      Empty: { Type: "AWS::EC2::SecurityGroup", Properties: {} },
    },
  }
  expect fail no_public_ssh for "Open"
  expect pass no_public_ssh for "Closed"
  expect skip described for "Empty"
  expect fail described for "Open"
}

test wrong_outcome {
  input { Resources: { Open: { Type: "AWS::EC2::SecurityGroup", Properties: { SecurityGroupIngress: { CidrIp: "0.0.0.0/0", FromPort: -1 } } } } }
  expect pass no_public_ssh for "Open"
  expect fail no_public_ssh for "Missing"
  expect pass described for "Open"
}

test every_resource {
  input {
    Resources: {
      A: { Type: "AWS::EC2::SecurityGroup", Properties: {} },
      B: { Type: "AWS::EC2::SecurityGroup", Properties: { GroupDescription: "b" } },
    },
  }
  expect pass no_public_ssh
  expect skip described
}

test every_resource_fails {
  input {
    Resources: {
      A: { Type: "AWS::EC2::SecurityGroup", Properties: {} },
      B: { Type: "AWS::EC2::SecurityGroup", Properties: { SecurityGroupIngress: [] } },
      Bucket: { Type: "AWS::S3::Bucket" },
    },
  }
  expect skip described
  expect pass no_public_ssh for "Bucket"
}

test nothing_checked {
  input { Resources: { Bucket: { Type: "AWS::S3::Bucket" } } }
  expect pass no_public_ssh
}
"#;
    check(
        &[("net/policy.ward", POLICY), ("net/policy_test.ward", tests)],
        r#"
passed net::open and closed
failed net::wrong_outcome
  expected `pass` for `Open`, found `fail`
  there is no resource `Missing` in the input
  expected `pass` for `Open`, found `fail`
passed net::every_resource
failed net::every_resource_fails
  expected `skip` for every resource `described` checks, but `B` is `fail`
  expected `pass` for `Bucket`, but `no_public_ssh` did not check it (it checks `A`, `B`)
failed net::nothing_checked
  expected `pass` for every resource `no_public_ssh` checks, but it checked none
"#,
    );
}

#[test]
fn rules_that_run_once_per_input() {
    let policy = r#"
package limits

@id("LIM-001") @severity(high)
rule at_most_one_group {
  require count(resources("AWS::EC2::SecurityGroup")) <= 1
}

test one {
  input { Resources: { A: { Type: "AWS::EC2::SecurityGroup" } } }
  expect pass at_most_one_group
}

test two {
  input { Resources: { A: { Type: "AWS::EC2::SecurityGroup" }, B: { Type: "AWS::EC2::SecurityGroup" } } }
  expect fail at_most_one_group
  expect pass at_most_one_group
  expect fail at_most_one_group for "A"
}
"#;
    check(
        &[("limits/policy.ward", policy)],
        r#"
passed limits::one
failed limits::two
  expected `pass` for `at_most_one_group` on the input, found `fail`
  `at_most_one_group` runs once per input, not per resource: write `expect fail at_most_one_group`
"#,
    );
}

#[test]
fn explanation_shows_outcomes_and_findings() {
    let tests = r#"
package net

test wrong {
  input { Resources: { Open: { Type: "AWS::EC2::SecurityGroup", Properties: { SecurityGroupIngress: [{ CidrIp: "0.0.0.0/0", FromPort: 0, ToPort: 100 }] } } } }
  expect pass no_public_ssh for "Open"
}
"#;
    let results = run(
        &[("policy.ward", POLICY), ("test.ward", tests)],
        &TestOptions::default(),
    )
    .expect("runs");
    let result = &results[0];
    assert_eq!(result.file, "test.ward");
    assert_eq!(result.status, TestStatus::Failed);
    // The JSON text of the input is pretty-printed, so positions are lines
    // of that text.
    assert_eq!(
        result.explanation,
        "expected `pass` for `Open`, found `fail`\n\
         outcomes:\n  no_public_ssh: Open fail\n  described: Open fail\n\
         findings:\n  fail no_public_ssh on Open at wrong:7:11 $.Resources.Open.Properties.SecurityGroupIngress[0]: Open allows SSH from the internet\n  \
         fail described on Open at wrong:3:13 $.Resources.Open: `NET-002` failed for `Open`\n"
    );
    let failure = &result.failures[0];
    let text = tests;
    assert_eq!(
        &text[failure.span.range()],
        "expect pass no_public_ssh for \"Open\""
    );
}

#[test]
fn tests_see_only_their_package() {
    let other = r#"
package other

@severity(low)
rule everything_fails for r in resources("AWS::EC2::SecurityGroup") { require false }

test other_package {
  input { Resources: { Sg: { Type: "AWS::EC2::SecurityGroup" } } }
  expect fail everything_fails
}
"#;
    let tests = r#"
package net

test only_net_rules {
  input { Resources: { Sg: { Type: "AWS::EC2::SecurityGroup" } } }
  expect pass no_public_ssh
}
"#;
    let results = run(
        &[
            ("policy.ward", POLICY),
            ("other.ward", other),
            ("test.ward", tests),
        ],
        &TestOptions::default(),
    )
    .expect("runs");
    let report = results[1].report.as_ref().expect("report");
    assert_eq!(report.summary.rules, 2);
    let rules: Vec<&str> = report.outcomes.iter().map(|o| &*o.rule).collect();
    assert_eq!(rules, ["NET-001", "NET-002"]);
    assert!(results.iter().all(|r| r.status == TestStatus::Passed));
}

#[test]
fn errors_stop_a_test_not_the_run() {
    let policy = r#"
@severity(low)
rule heavy for r in resources("Test::T") {
  require all a in r.props.L: all b in r.props.L: all c in r.props.L: a == b or a != b or c == c
}

test budget {
  input { Resources: { T: { Type: "Test::T", Properties: { L: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] } } } }
  expect pass heavy for "T"
}

test plain_data {
  input { Resources: { T: { Properties: {} } } }
  expect pass heavy for "T"
}

test duplicate_keys_are_merged {
  input { Resources: { T: { Type: "Test::T", Type: "Test::T" } } }
  expect pass heavy for "T"
}
"#;
    let options = TestOptions {
        filter: None,
        limits: ward_eval::Limits { max_steps: 1000 },
    };
    let results = run(&[("p.ward", policy)], &options).expect("runs");
    let summary: Vec<(String, TestStatus, Vec<String>)> = results
        .iter()
        .map(|r| {
            (
                r.name.clone(),
                r.status,
                r.failures.iter().map(|f| f.message.clone()).collect(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "budget".to_string(),
                TestStatus::Error,
                vec![
                    "rule `main.heavy` exceeded the evaluation budget of 1000 steps".to_string(),
                    "expected `pass` for `T`, but `heavy` did not check it (it checks no resource)"
                        .to_string()
                ]
            ),
            (
                "plain_data".to_string(),
                TestStatus::Failed,
                vec!["there is no resource `T` in the input".to_string()]
            ),
            (
                "duplicate_keys_are_merged".to_string(),
                TestStatus::Passed,
                vec![]
            ),
        ]
    );
}

#[test]
fn filter_selects_tests_by_name() {
    let policy = r#"
@severity(low)
rule any_thing for r in resources("Test::T") { require true }

test first_one { input { Resources: { T: { Type: "Test::T" } } } expect pass any_thing }
test second_one { input { Resources: { T: { Type: "Test::T" } } } expect pass any_thing }
"#;
    let options = TestOptions {
        filter: Some("second".to_string()),
        ..TestOptions::default()
    };
    let results = run(&[("p.ward", policy)], &options).expect("runs");
    let names: Vec<&str> = results.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["second_one"]);
}

#[test]
fn a_workspace_with_errors_runs_no_test() {
    let broken = "rule r for x in resources(\"T\") { require undefined_name }";
    assert_eq!(
        run(&[("p.ward", broken)], &TestOptions::default()),
        Err(TestRunError::WorkspaceHasErrors)
    );
}
