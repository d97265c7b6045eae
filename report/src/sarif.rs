//! SARIF 2.1.0, as code scanning services read it.

use std::collections::HashMap;

use serde_json::{Value, json};
use ward_abi::{Outcome, Severity};

use crate::{RunReport, Source};

/// The SARIF level of a severity: critical and high are errors, medium a
/// warning, low and info notes.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// The key of Ward's fingerprint in `partialFingerprints`.
const FINGERPRINT: &str = "wardFinding/v1";

/// The base of repository-relative URIs, as code scanning services expect.
const SRCROOT: &str = "%SRCROOT%";

/// Renders the report as one SARIF log with one run. `paths` gives each
/// file's path relative to its repository, when known.
pub fn render(report: &RunReport, paths: Option<&HashMap<String, String>>) -> String {
    let artifact = |file: &str| artifact_location(file, paths);
    let rules: Vec<Value> = report
        .rules
        .iter()
        .map(|rule| {
            json!({
                "id": rule.id,
                "name": format!("{}.{}", rule.package, rule.name),
                "shortDescription": { "text": rule.title },
                "fullDescription": { "text": if rule.description.is_empty() { &rule.title } else { &rule.description } },
                "help": { "text": rule.description, "markdown": rule.description },
                "defaultConfiguration": { "level": level(rule.severity) },
                "properties": {
                    "tags": rule.controls,
                    "security-severity": security_severity(rule.severity),
                },
            })
        })
        .collect();
    let suppressed = report
        .suppressed
        .iter()
        .map(|entry| (&entry.finding, Some(&entry.suppression)));
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|finding| (finding, None))
        .chain(suppressed)
        .map(|(finding, suppression)| {
            let rule_index = report
                .rules
                .iter()
                .position(|rule| *rule.id == *finding.rule);
            let mut region = json!({});
            if finding.line > 0 {
                region = json!({ "startLine": finding.line, "startColumn": finding.column.max(1) });
            }
            let unknown = finding.outcome == Outcome::Unknown;
            let mut location = json!({
                "physicalLocation": {
                    "artifactLocation": artifact(&finding.file),
                    "region": region,
                },
            });
            // A finding of a rule that runs once per input may name no
            // resource: it then has no logical location.
            if !finding.resource.is_empty()
                && let Some(object) = location.as_object_mut()
            {
                object.insert(
                    "logicalLocations".to_string(),
                    json!([{
                        "fullyQualifiedName": finding.resource,
                        "kind": "resource",
                    }]),
                );
            }
            let mut result = json!({
                "ruleId": finding.rule,
                "ruleIndex": rule_index,
                "kind": if unknown { "review" } else { "fail" },
                "level": if unknown { "note" } else { level(finding.severity) },
                "message": { "text": finding.message },
                "locations": [location],
                "partialFingerprints": {
                    FINGERPRINT: crate::fingerprint(
                        finding,
                        paths
                            .and_then(|paths| paths.get(&*finding.file))
                            .map_or(&finding.file, |path| path.as_str()),
                    ),
                },
                "properties": {
                    "outcome": finding.outcome.as_str(),
                    "resourceType": finding.resource_type,
                    "path": finding.path,
                },
            });
            // SARIF's own field: code scanning shows the result as
            // dismissed, with the justification.
            if let (Some(suppression), Some(object)) = (suppression, result.as_object_mut()) {
                let kind = match suppression.source {
                    Source::Template => "inSource",
                    Source::Baseline => "external",
                };
                object.insert(
                    "suppressions".to_string(),
                    json!([{ "kind": kind, "justification": suppression.reason }]),
                );
            }
            result
        })
        .collect();
    // Everything that could not be judged is a notification of the run,
    // located at its file: inputs first, then rules stopped by an error,
    // then files that are not inputs (errors under `--strict`, else
    // warnings).
    let input_errors = report.input_errors.iter().map(|error| {
        json!({
            "level": "error",
            "message": { "text": error.reason },
            "locations": [file_location(artifact(&error.file), error.line, error.column)],
            "descriptor": { "id": "input" },
        })
    });
    let rule_errors = report.errors.iter().map(|error| {
        json!({
            "level": "error",
            "message": { "text": error.message },
            "locations": [file_location(artifact(&error.file), 0, 0)],
            "descriptor": { "id": error.rule },
        })
    });
    let not_inputs = report.not_inputs.iter().map(|entry| {
        json!({
            "level": if report.strict { "error" } else { "warning" },
            "message": { "text": format!("not a recognised input: {}", entry.reason) },
            "locations": [file_location(artifact(&entry.file), 0, 0)],
            "descriptor": { "id": "not-an-input" },
        })
    });
    let unexamined = report.unexamined.iter().map(|entry| {
        json!({
            "level": "note",
            "message": { "text": crate::human::unexamined_text(entry) },
            "locations": [file_location(artifact(&entry.file), 0, 0)],
            "descriptor": { "id": "unexamined-resources" },
        })
    });
    let stale = report.stale_suppressions.iter().map(|entry| {
        let mut notification = json!({
            "level": "warning",
            "message": { "text": crate::human::stale_text(entry) },
            "descriptor": { "id": "stale-suppression" },
        });
        if let (Some(file), Some(object)) = (&entry.file, notification.as_object_mut()) {
            object.insert(
                "locations".to_string(),
                json!([file_location(artifact(file), 0, 0)]),
            );
        }
        notification
    });
    let notifications: Vec<Value> = input_errors
        .chain(rule_errors)
        .chain(not_inputs)
        .chain(unexamined)
        .chain(stale)
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "ward",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/ward-policy/ward",
                    "rules": rules,
                }
            },
            "invocations": [{
                "executionSuccessful": !report.has_errors(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }]
    });
    serde_json::to_string_pretty(&log).unwrap_or_default() + "\n"
}

/// A file's artifact location: its path in the repository relative to
/// `%SRCROOT%` when known, else the name as given, with `/` separators; a
/// URI reference either way, as SARIF requires.
fn artifact_location(file: &str, paths: Option<&HashMap<String, String>>) -> Value {
    match paths.and_then(|paths| paths.get(file)) {
        Some(path) => json!({ "uri": uri_reference(path), "uriBaseId": SRCROOT }),
        None => json!({ "uri": uri_reference(&file.replace('\\', "/")) }),
    }
}

/// A path with `/` separators as a URI reference: every byte that may not
/// stand for itself in a path segment (a space, `%`, `#`, `?`, non-ASCII
/// text, and `:`, which would start a scheme) is percent-encoded. A Windows
/// path with a drive letter becomes a `file:` URI.
fn uri_reference(path: &str) -> String {
    let (mut uri, rest) = match path.as_bytes() {
        [drive, b':', b'/', ..] if drive.is_ascii_alphabetic() => (
            format!("file:///{}:", char::from(*drive)),
            path.get(2..).unwrap_or_default(),
        ),
        _ => (String::with_capacity(path.len()), path),
    };
    for byte in rest.bytes() {
        let plain = byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&byte);
        if plain {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

/// A location in a file, at a line and column when `line` is not 0.
fn file_location(artifact: Value, line: u32, column: u32) -> Value {
    let mut physical = json!({ "artifactLocation": artifact });
    if line > 0
        && let Some(object) = physical.as_object_mut()
    {
        object.insert(
            "region".to_string(),
            json!({ "startLine": line, "startColumn": column.max(1) }),
        );
    }
    json!({ "physicalLocation": physical })
}

/// GitHub code scanning ranks security results by this score.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

#[cfg(test)]
mod tests {
    use super::uri_reference;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri_reference("templates/app.yaml"), "templates/app.yaml");
        assert_eq!(
            uri_reference("my templates/app #1.yaml"),
            "my%20templates/app%20%231.yaml"
        );
        assert_eq!(uri_reference("a:b/100%.json"), "a%3Ab/100%25.json");
        assert_eq!(uri_reference("caf\u{e9}.yaml"), "caf%C3%A9.yaml");
        assert_eq!(uri_reference("/srv/x y.yaml"), "/srv/x%20y.yaml");
        assert_eq!(
            uri_reference("C:/repo/app.yaml"),
            "file:///C:/repo/app.yaml"
        );
    }
}
