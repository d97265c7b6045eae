//! The CloudFormation resource schemas summarized in `lsp/data/`: resource
//! type names and their top-level properties with documentation.
//!
//! The JSON is embedded in the binary and parsed once, on first use (about
//! 2 MB; the server warms it up in the background after initialization).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

const DATA: &str = include_str!("../../data/cfn-resource-types.json");

/// Every known resource type.
#[derive(Debug, Default, Deserialize)]
pub struct Schema {
    /// Resource types by name, e.g. `AWS::S3::Bucket`.
    pub types: BTreeMap<String, ResourceType>,
}

/// One resource type.
#[derive(Debug, Default, Deserialize)]
pub struct ResourceType {
    /// The first sentence of its description.
    #[serde(default)]
    pub doc: String,
    /// Its top-level properties by name.
    #[serde(default)]
    pub props: BTreeMap<String, Property>,
}

/// One top-level property of a resource type.
#[derive(Debug, Default, Deserialize)]
pub struct Property {
    /// A short type: `string`, `integer`, `array<object>`, `map<string>`, ...
    #[serde(default, rename = "type")]
    pub value_type: String,
    /// Whether a template must set it.
    #[serde(default)]
    pub required: bool,
    /// The first sentence of its description.
    #[serde(default)]
    pub doc: String,
    /// A read-only attribute: present in live inventory, not set in a
    /// template.
    #[serde(default, rename = "readOnly")]
    pub read_only: bool,
    /// The allowed values, when there are few (numbers written as text).
    #[serde(default, rename = "enum", deserialize_with = "scalars")]
    pub allowed: Vec<String>,
}

/// A list of strings and numbers, as text.
fn scalars<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    let values: Vec<serde_json::Value> = Vec::deserialize(deserializer)?;
    Ok(values
        .into_iter()
        .map(|value| match value {
            serde_json::Value::String(text) => text,
            other => other.to_string(),
        })
        .collect())
}

fn parse(data: &str) -> Result<Schema, serde_json::Error> {
    serde_json::from_str(data)
}

/// The schemas, parsed on first use.
pub fn schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    // The data is checked by a test; should it ever not parse, the editor
    // loses schema features rather than the whole server.
    SCHEMA.get_or_init(|| parse(DATA).unwrap_or_default())
}

/// Whether a resource type string is written like a CloudFormation type
/// (`AWS::S3::Bucket`, or a prefix such as `AWS::EC2::*`), so that it can be
/// checked against the schemas. Custom resources and anything else (a
/// Terraform type, a test type) are not checked.
pub fn is_checkable_type(text: &str) -> bool {
    let pattern = text.strip_suffix('*').unwrap_or(text);
    let segments: Vec<&str> = pattern.split("::").collect();
    let wildcard = pattern.len() != text.len();
    let well_formed = segments.iter().enumerate().all(|(index, segment)| {
        let last = index + 1 == segments.len();
        (wildcard && last && segment.is_empty())
            || (!segment.is_empty() && segment.chars().all(|c| c.is_ascii_alphanumeric()))
    });
    let shape = if wildcard {
        (2..=3).contains(&segments.len())
    } else {
        segments.len() == 3
    };
    well_formed && shape && segments.first() != Some(&"Custom")
}

impl Schema {
    /// A resource type by exact name.
    pub fn resource_type(&self, name: &str) -> Option<&ResourceType> {
        self.types.get(name)
    }

    /// Whether some type has this name, or, for a pattern ending in `*`,
    /// starts with its prefix.
    pub fn knows(&self, pattern: &str) -> bool {
        match pattern.strip_suffix('*') {
            Some(prefix) => self
                .types
                .range(prefix.to_string()..)
                .next()
                .is_some_and(|(name, _)| name.starts_with(prefix)),
            None => self.types.contains_key(pattern),
        }
    }

    /// The type closest to a misspelt one.
    pub fn suggest_type(&self, name: &str) -> Option<&str> {
        let target = name.strip_suffix('*').unwrap_or(name);
        ward_compiler::diagnostics::did_you_mean(target, self.types.keys().map(String::as_str))
    }

    /// The properties of every type in `types` (their union), when all of
    /// them are known exact types; `None` when any is not, since nothing
    /// can then be said about a property name.
    pub fn properties(&self, types: &[String]) -> Option<Vec<(&str, &str, &Property)>> {
        if types.is_empty() {
            return None;
        }
        let mut out: Vec<(&str, &str, &Property)> = Vec::new();
        for name in types {
            let (type_name, resource) = self.types.get_key_value(name)?;
            for (property, info) in &resource.props {
                if !out.iter().any(|(existing, _, _)| existing == property) {
                    out.push((property, type_name, info));
                }
            }
        }
        out.sort_by(|a, b| a.0.cmp(b.0));
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_parses() {
        let parsed = parse(DATA);
        assert!(parsed.is_ok(), "{:?}", parsed.err());
        let schema = schema();
        assert!(schema.types.len() > 1500);
        let bucket = schema.resource_type("AWS::S3::Bucket").expect("bucket");
        assert!(bucket.props.contains_key("BucketName"));
        assert!(schema.knows("AWS::EC2::*"));
        assert!(!schema.knows("AWS::Nope::*"));
    }

    #[test]
    fn checkable_types() {
        assert!(is_checkable_type("AWS::S3::Bucket"));
        assert!(is_checkable_type("AWS::EC2::*"));
        assert!(is_checkable_type("AWS::*"));
        assert!(!is_checkable_type("Custom::Thing::X"));
        assert!(!is_checkable_type("aws_s3_bucket"));
        assert!(!is_checkable_type("Test::Thing"));
        assert!(!is_checkable_type("AWS::S3::Bucket::Extra"));
    }
}
