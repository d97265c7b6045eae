//! NDJSON files of AWS Config items are judged as they are read, window by
//! window: the report is the one the whole file loaded at once gives, and a
//! line that is not JSON stops the file with a located error while the
//! items before it keep their findings.

mod common;

use common::run_ward_in;
use serde_json::{Value, json};

/// Items of three accounts: volumes (some encrypted), the instances they
/// are attached to, buckets and roles whose trust document is URL-encoded.
fn items() -> Vec<String> {
    let mut lines = Vec::new();
    for account in ["111111111111", "222222222222", "333333333333"] {
        for index in 0..40 {
            let item = |kind: &str, id: String, configuration: Value, relationships: Value| {
                json!({
                    "resourceType": kind,
                    "resourceId": id,
                    "ARN": format!("arn:aws:test::{account}:{id}"),
                    "awsAccountId": account,
                    "awsRegion": "eu-west-1",
                    "configuration": configuration,
                    "relationships": relationships,
                })
                .to_string()
            };
            lines.push(item(
                "AWS::EC2::Instance",
                format!("i-{index}"),
                json!({"metadataOptions": {"httpTokens": if index % 3 == 0 { "optional" } else { "required" }}}),
                json!([]),
            ));
            lines.push(item(
                "AWS::EC2::Volume",
                format!("vol-{index}"),
                json!({"encrypted": index % 4 != 0, "volumeType": "gp3"}),
                json!([{"resourceType": "AWS::EC2::Instance", "resourceId": format!("i-{index}")}]),
            ));
            let trust = format!(
                "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22AWS%22%3A%22arn%3Aaws%3Aiam%3A%3A{}%3Aroot%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D",
                if index % 5 == 0 {
                    "999999999999"
                } else {
                    account
                }
            );
            lines.push(item(
                "AWS::IAM::Role",
                format!("role-{index}"),
                json!({"assumeRolePolicyDocument": trust}),
                json!([]),
            ));
        }
    }
    lines
}

fn findings(report: &Value) -> Vec<(String, String, u64, String)> {
    let mut found: Vec<_> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|finding| {
            (
                finding["rule"].as_str().unwrap_or_default().to_string(),
                finding["resource"].as_str().unwrap_or_default().to_string(),
                finding["line"].as_u64().unwrap_or_default(),
                finding["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    found.sort();
    found
}

#[test]
fn a_stream_is_judged_as_the_whole_file_is() {
    let dir = common::scratch_repository("streaming", "same");
    let text = items().join("\n") + "\n";
    std::fs::write(dir.join("inventory.ndjson"), &text).expect("write");
    std::fs::write(dir.join("inventory.json"), &text).expect("write");
    let report = |file: &str| {
        let (code, stdout, stderr) = run_ward_in(&dir, &["check", "--format", "json", file]);
        assert_eq!(code, 1, "{stderr}");
        serde_json::from_str::<Value>(&stdout).expect("a JSON report")
    };
    let streamed = report("inventory.ndjson");
    let whole = report("inventory.json");
    assert!(!findings(&streamed).is_empty());
    assert_eq!(findings(&streamed), findings(&whole));
    assert_eq!(streamed["summary"], whole["summary"]);
    assert_eq!(streamed["summary"]["inputs"], 1);
    // The URL-encoded trust documents were read: the foreign account is
    // found in the stream too.
    assert!(
        findings(&streamed)
            .iter()
            .any(|(rule, _, _, message)| rule == "WARD-IAM-019" && message.contains("999999999999"))
    );
}

#[test]
fn a_broken_line_stops_its_file_and_keeps_what_came_before() {
    let dir = common::scratch_repository("streaming", "broken");
    let mut lines = items();
    let broken_at = 200;
    lines.insert(broken_at, "{\"resourceType\": oops}".to_string());
    std::fs::write(dir.join("inventory.ndjson"), lines.join("\n") + "\n").expect("write");
    let (code, stdout, stderr) =
        run_ward_in(&dir, &["check", "--format", "json", "inventory.ndjson"]);
    assert_eq!(code, 2, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).expect("a JSON report");
    let error = &report["errors"][0];
    assert_eq!(error["kind"], "input");
    assert_eq!(error["line"], broken_at + 1);
    assert_eq!(error["column"], 18);
    let found = findings(&report);
    assert!(!found.is_empty());
    assert!(
        found
            .iter()
            .all(|(_, _, line, _)| *line <= broken_at as u64)
    );
}
