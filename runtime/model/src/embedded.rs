//! Policy documents written as JSON text inside a value.
//!
//! Terraform plans give every IAM, bucket, queue or key policy as a string
//! (`jsonencode(...)` is evaluated before the plan is written), AWS Config
//! does the same for many policies, and some CloudFormation properties take
//! either an object or its JSON text. A rule about `Statement` could not see
//! inside such a string. So where a property whose name says it is a policy
//! (`policy`, `assume_role_policy`, `PolicyDocument`, `AccessPolicies`,
//! `RedrivePolicy`...) holds a string that is a JSON object, the loader
//! replaces the string by that object. Every value of the replacement is
//! located at the string, since it has no place of its own in the file.
//! AWS Config gives IAM documents URL-encoded (`%7B%22Version%22...`, in
//! `policyVersionList[].document`, `assumeRolePolicyDocument` and the
//! `policyDocument` of inline policy lists): those are decoded first. A
//! string that is not a JSON object is left as it is.

use crate::json;
use crate::model::{Node, Value};

/// Texts longer than this are left alone (IAM caps managed policies at
/// 6,144 characters; resource policies go up to 20 KB).
const MAX_TEXT: usize = 1 << 20;

/// Replaces, anywhere under `node`, the JSON text of a policy document by
/// the document.
pub(crate) fn expand(node: &mut Node) {
    let mut pending: Vec<&mut Node> = vec![node];
    while let Some(current) = pending.pop() {
        match &mut current.value {
            Value::Object(entries) => {
                for (key, value) in entries.iter_mut() {
                    match &value.value {
                        Value::String(text) => {
                            // Cheapest test first: most strings are not
                            // objects, most keys not policies.
                            let start = text.trim_start();
                            if start.starts_with('{')
                                && is_policy_key(key)
                                && let Some(document) = document_in(value)
                            {
                                *value = document;
                            } else if starts_url_encoded_object(start)
                                && (is_policy_key(key) || &**key == "document")
                                && let Some(document) = url_encoded_document_in(value)
                            {
                                *value = document;
                            }
                        }
                        Value::List(_) | Value::Object(_) => pending.push(value),
                        _ => {}
                    }
                }
            }
            Value::List(items) => pending.extend(items.iter_mut()),
            _ => {}
        }
    }
}

/// Whether a property name says it holds a policy document (or several:
/// `AccessPolicies`).
fn is_policy_key(key: &str) -> bool {
    let bytes = key.as_bytes();
    key.len() <= 64
        && (bytes
            .windows(6)
            .any(|word| word.eq_ignore_ascii_case(b"policy"))
            || bytes
                .windows(8)
                .any(|word| word.eq_ignore_ascii_case(b"policies")))
}

/// Whether text is a URL-encoded JSON object (`%7B...`), as AWS Config
/// gives IAM policy documents.
fn starts_url_encoded_object(text: &str) -> bool {
    text.get(..3)
        .is_some_and(|start| start.eq_ignore_ascii_case("%7B"))
}

/// The JSON object that a URL-encoded string value holds, located at the
/// string.
fn url_encoded_document_in(value: &Node) -> Option<Node> {
    let Value::String(text) = &value.value else {
        return None;
    };
    if text.len() > MAX_TEXT {
        return None;
    }
    let decoded = percent_decode(text)?;
    let mut document = json::parse(&decoded).ok()?;
    if !matches!(document.value, Value::Object(_)) {
        return None;
    }
    relocate(&mut document, value.pos);
    Some(document)
}

/// Decodes `%XX` escapes (RFC 3986, as IAM encodes documents; `+` stays
/// itself); `None` for a malformed escape or bytes that are not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        if byte == b'%' {
            let high = (*bytes.get(at + 1)? as char).to_digit(16)?;
            let low = (*bytes.get(at + 2)? as char).to_digit(16)?;
            out.push(u8::try_from(high * 16 + low).ok()?);
            at += 3;
        } else {
            out.push(byte);
            at += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The JSON object that a string value holds, located at the string.
fn document_in(value: &Node) -> Option<Node> {
    let Value::String(text) = &value.value else {
        return None;
    };
    if text.len() > MAX_TEXT {
        return None;
    }
    let mut document = json::parse(text).ok()?;
    if !matches!(document.value, Value::Object(_)) {
        return None;
    }
    relocate(&mut document, value.pos);
    Some(document)
}

/// Puts every value of a tree at `pos`.
fn relocate(node: &mut Node, pos: crate::model::Pos) {
    let mut pending: Vec<&mut Node> = vec![node];
    while let Some(current) = pending.pop() {
        current.pos = pos;
        match &mut current.value {
            Value::Object(entries) => pending.extend(entries.iter_mut().map(|(_, value)| value)),
            Value::List(items) => pending.extend(items.iter_mut()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Pos;

    fn parse(text: &str) -> Node {
        json::parse(text).expect("valid JSON")
    }

    #[test]
    fn url_encoded_documents_of_config_items_become_documents() {
        let mut node = parse(
            r#"{"policyVersionList": [{"document": "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D", "isDefaultVersion": true}],
                "assumeRolePolicyDocument": "%7B%22Statement%22%3A%5B%5D%7D",
                "description": "%7Bnot a policy key%7D",
                "document": "%7Bbroken%ZZ"}"#,
        );
        expand(&mut node);
        let action = node
            .get("policyVersionList")
            .and_then(|list| list.index(0))
            .and_then(|version| version.get("document"))
            .and_then(|document| document.get("Statement"))
            .and_then(|statements| statements.index(0))
            .and_then(|statement| statement.get("Action"))
            .and_then(Node::as_str);
        assert_eq!(action, Some("*"));
        assert!(matches!(
            node.get("assumeRolePolicyDocument").map(|n| &n.value),
            Some(Value::Object(_))
        ));
        assert_eq!(
            node.get("description").and_then(Node::as_str),
            Some("%7Bnot a policy key%7D")
        );
        assert_eq!(
            node.get("document").and_then(Node::as_str),
            Some("%7Bbroken%ZZ")
        );
    }

    #[test]
    fn policy_text_under_a_policy_key_becomes_the_document() {
        let mut node = parse(
            r#"{"policy": "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\"}]}",
                "name": "{\"not\": \"a policy key\"}",
                "RedrivePolicy": "not json",
                "AccessPolicies": "[1, 2]",
                "nested": [{"assume_role_policy": "  {\"Statement\": []}"}]}"#,
        );
        expand(&mut node);
        let policy = node.get("policy").expect("policy");
        assert_eq!(
            policy
                .get("Statement")
                .and_then(|s| s.index(0))
                .and_then(|s| s.get("Action"))
                .and_then(Node::as_str),
            Some("*")
        );
        // Every value of the document stands where the string stood.
        let string_pos = parse(r#"{"policy": "{}"}"#).get("policy").map(|n| n.pos);
        assert_eq!(Some(policy.pos), string_pos);
        assert_eq!(
            policy.get("Version").map(|v| v.pos),
            Some(policy.pos),
            "inner values are located at the string"
        );
        assert!(node.get("name").and_then(Node::as_str).is_some());
        assert_eq!(
            node.get("RedrivePolicy").and_then(Node::as_str),
            Some("not json")
        );
        assert_eq!(
            node.get("AccessPolicies").and_then(Node::as_str),
            Some("[1, 2]")
        );
        let nested = node
            .get("nested")
            .and_then(|n| n.index(0))
            .and_then(|n| n.get("assume_role_policy"))
            .expect("nested");
        assert!(nested.get("Statement").is_some());
    }

    #[test]
    fn keys_are_matched_without_case() {
        for key in [
            "policy",
            "Policy",
            "PolicyDocument",
            "assume_role_policy",
            "policyText",
            "AccessPolicies",
            "access_policies",
        ] {
            assert!(is_policy_key(key), "{key}");
        }
        for key in ["name", "polic", "Tags", ""] {
            assert!(!is_policy_key(key), "{key}");
        }
    }

    #[test]
    fn hostile_text_is_left_alone() {
        let deep = format!("{}{}", "{\"a\":".repeat(1000), "1");
        let mut node = Node::new(
            Value::Object(vec![(
                "policy".into(),
                Node::new(Value::String(deep.as_str().into()), Pos::START),
            )]),
            Pos::START,
        );
        expand(&mut node);
        assert!(node.get("policy").and_then(Node::as_str).is_some());
    }
}
