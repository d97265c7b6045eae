//! The native baseline of the end-to-end benchmark: the six example rules
//! of `examples/policies`, written by hand in plain Rust over `serde_json`
//! values, the way one would without a policy language.
//!
//! Usage: `ward-bench-native <template.json>...`. Prints one line per
//! finding, `rule-id<TAB>resource-id<TAB>message`, and exits 1 when there is
//! a finding (as `ward check` does), 2 on a bad input.

use std::collections::HashMap;
use std::io::Write;
use std::process::ExitCode;

use serde_json::Value;

fn main() -> ExitCode {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        eprintln!("usage: ward-bench-native <template.json>...");
        return ExitCode::from(2);
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut total = 0;
    for path in &paths {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(error) => {
                eprintln!("{path}: {error}");
                return ExitCode::from(2);
            }
        };
        let template: Value = match serde_json::from_slice(&bytes) {
            Ok(template) => template,
            Err(error) => {
                eprintln!("{path}: {error}");
                return ExitCode::from(2);
            }
        };
        let findings = check(&template);
        total += findings.len();
        for finding in findings {
            // A closed pipe is the reader's business, not an error here.
            let _ = writeln!(
                out,
                "{}\t{}\t{}",
                finding.rule, finding.resource, finding.message
            );
        }
    }
    let _ = out.flush();
    if total > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

struct Finding<'a> {
    rule: &'static str,
    resource: &'a str,
    message: String,
}

fn check(template: &Value) -> Vec<Finding<'_>> {
    let mut findings = Vec::new();
    let Some(resources) = template.get("Resources").and_then(Value::as_object) else {
        return findings;
    };

    // Rotation schedules by the resources they refer to.
    let mut schedules: HashMap<String, Vec<&Value>> = HashMap::new();
    for resource in resources.values() {
        if resource_type(resource) == "AWS::SecretsManager::RotationSchedule" {
            let mut targets = Vec::new();
            references(resource, &mut targets);
            targets.sort();
            targets.dedup();
            for target in targets {
                schedules.entry(target).or_default().push(resource);
            }
        }
    }

    for (id, resource) in resources {
        let props = resource.get("Properties").unwrap_or(&Value::Null);
        match resource_type(resource) {
            "AWS::S3::Bucket" => check_bucket(id, props, &mut findings),
            "AWS::EC2::SecurityGroup" => check_security_group(id, props, &mut findings),
            "AWS::RDS::DBInstance" => check_database(id, props, &mut findings),
            "AWS::KMS::Key" => check_key(id, props, &mut findings),
            "AWS::SecretsManager::Secret" => {
                let mine = schedules.get(id.as_str()).map(Vec::as_slice).unwrap_or(&[]);
                check_secret(id, mine, &mut findings);
            }
            "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
                check_policy(id, props, &mut findings);
            }
            _ => {}
        }
    }
    findings
}

fn resource_type(resource: &Value) -> &str {
    resource.get("Type").and_then(Value::as_str).unwrap_or("")
}

/// A list as its elements, absence as nothing, anything else as itself.
fn items(value: Option<&Value>) -> &[Value] {
    match value {
        None | Some(Value::Null) => &[],
        Some(Value::Array(items)) => items,
        Some(other) => std::slice::from_ref(other),
    }
}

fn is_true(value: Option<&Value>) -> bool {
    match value {
        Some(Value::Bool(flag)) => *flag,
        Some(Value::String(text)) => text.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// A number, or a string of digits as CloudFormation allows.
fn number(value: Option<&Value>) -> Option<f64> {
    match value {
        Some(Value::Number(number)) => number.as_f64(),
        Some(Value::String(text)) => text.parse().ok(),
        _ => None,
    }
}

/// Logical ids named by `Ref`, `Fn::GetAtt` and `Fn::Sub` inside `value`.
fn references(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                match (key.as_str(), item) {
                    ("Ref", Value::String(target)) => out.push(target.clone()),
                    ("Fn::GetAtt", Value::Array(parts)) => {
                        if let Some(Value::String(target)) = parts.first() {
                            out.push(target.clone());
                        }
                    }
                    ("Fn::GetAtt", Value::String(dotted)) => {
                        out.push(dotted.split('.').next().unwrap_or("").to_string());
                    }
                    ("Fn::Sub", Value::String(text)) => sub_references(text, out),
                    _ => references(item, out),
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                references(item, out);
            }
        }
        _ => {}
    }
}

fn sub_references(text: &str, out: &mut Vec<String>) {
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let name = &after[..end];
        if !name.starts_with('!') && !name.starts_with("AWS::") {
            out.push(name.split('.').next().unwrap_or("").to_string());
        }
        rest = &after[end + 1..];
    }
}

fn check_bucket<'a>(id: &'a str, props: &Value, findings: &mut Vec<Finding<'a>>) {
    let rules = items(
        props
            .get("BucketEncryption")
            .and_then(|encryption| encryption.get("ServerSideEncryptionConfiguration")),
    );
    if rules.is_empty() {
        findings.push(Finding {
            rule: "S3-001",
            resource: id,
            message: format!("{id} has no default server-side encryption"),
        });
    }
    for rule in rules {
        let algorithm = rule
            .get("ServerSideEncryptionByDefault")
            .and_then(|default| default.get("SSEAlgorithm"))
            .and_then(Value::as_str);
        if !matches!(algorithm, Some("AES256" | "aws:kms" | "aws:kms:dsse")) {
            findings.push(Finding {
                rule: "S3-001",
                resource: id,
                message: format!("{id} has an encryption rule without a known algorithm"),
            });
        }
    }
}

fn check_security_group<'a>(id: &'a str, props: &Value, findings: &mut Vec<Finding<'a>>) {
    for ingress in items(props.get("SecurityGroupIngress")) {
        let public = |key: &str| {
            matches!(
                ingress.get(key).and_then(Value::as_str),
                Some("0.0.0.0/0" | "::/0")
            )
        };
        if !(public("CidrIp") || public("CidrIpv6")) {
            continue;
        }
        let all_traffic = match ingress.get("IpProtocol") {
            Some(Value::String(protocol)) => protocol == "-1",
            Some(Value::Number(protocol)) => protocol.as_f64() == Some(-1.0),
            _ => false,
        };
        let covers_ssh = all_traffic
            || match number(ingress.get("FromPort")) {
                Some(-1.0) => true,
                Some(from) => {
                    number(ingress.get("ToPort")).is_some_and(|to| from <= 22.0 && 22.0 <= to)
                }
                None => false,
            };
        if covers_ssh {
            findings.push(Finding {
                rule: "NET-001",
                resource: id,
                message: format!("{id} allows SSH from the internet"),
            });
        }
    }
}

fn check_database<'a>(id: &'a str, props: &Value, findings: &mut Vec<Finding<'a>>) {
    if !matches!(props.get("DBClusterIdentifier"), None | Some(Value::Null)) {
        return;
    }
    if !is_true(props.get("StorageEncrypted")) {
        findings.push(Finding {
            rule: "RDS-001",
            resource: id,
            message: format!("{id} does not encrypt its storage"),
        });
    }
    if is_true(props.get("PubliclyAccessible")) {
        findings.push(Finding {
            rule: "RDS-001",
            resource: id,
            message: format!("{id} is publicly accessible"),
        });
    }
}

fn check_key<'a>(id: &'a str, props: &Value, findings: &mut Vec<Finding<'a>>) {
    let symmetric = match props.get("KeySpec") {
        None | Some(Value::Null) => true,
        Some(spec) => spec.as_str() == Some("SYMMETRIC_DEFAULT"),
    };
    if symmetric && !is_true(props.get("EnableKeyRotation")) {
        findings.push(Finding {
            rule: "KMS-001",
            resource: id,
            message: format!("{id} does not rotate its key material"),
        });
    }
}

fn check_secret<'a>(id: &'a str, schedules: &[&Value], findings: &mut Vec<Finding<'a>>) {
    if schedules.is_empty() {
        findings.push(Finding {
            rule: "SEC-010",
            resource: id,
            message: format!("{id} is never rotated"),
        });
    }
    for schedule in schedules {
        let days = number(
            schedule
                .get("Properties")
                .and_then(|props| props.get("RotationRules"))
                .and_then(|rules| rules.get("AutomaticallyAfterDays")),
        );
        if let Some(days) = days
            && days > 90.0
        {
            findings.push(Finding {
                rule: "SEC-010",
                resource: id,
                message: format!("{id} is rotated only every {days} days"),
            });
        }
    }
}

fn check_policy<'a>(id: &'a str, props: &Value, findings: &mut Vec<Finding<'a>>) {
    let statements = items(
        props
            .get("PolicyDocument")
            .and_then(|document| document.get("Statement")),
    );
    for statement in statements {
        let star = |key: &str| {
            items(statement.get(key))
                .iter()
                .any(|item| item.as_str() == Some("*"))
        };
        if statement.get("Effect").and_then(Value::as_str) == Some("Allow")
            && star("Action")
            && star("Resource")
        {
            findings.push(Finding {
                rule: "IAM-001",
                resource: id,
                message: format!("{id} allows every action on every resource"),
            });
        }
    }
}
