//! The CloudFormation resource schemas summarized in `compiler/core/data/`
//! (see its README): resource type names and their top-level properties
//! with documentation.
//!
//! The compiler checks the resource types a policy names and the properties
//! it reads against them ([`schema_diagnostics`]: W0601 unknown property,
//! W0602 unknown resource type); the editor completes and documents them
//! ([`schema`]).
//!
//! Both read one embedded file. The checks search a table of names that the
//! build script derives from it, which costs next to nothing to load; the
//! documentation is parsed from the JSON (about 2 MB) once, on first use,
//! which only the editor does.

mod checks;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::diagnostics::did_you_mean;

pub use checks::schema_diagnostics;

const DATA: &str = include_str!("../../data/cfn-resource-types.json");

/// One line per resource type, sorted: the type name, then its property
/// names, sorted, separated by tabs (written by `build.rs`).
const NAMES: &str = include_str!(concat!(env!("OUT_DIR"), "/resource_names.txt"));

/// Every resource type, sorted, with its property names separated by tabs.
fn names() -> &'static [(&'static str, &'static str)] {
    static TABLE: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        NAMES
            .lines()
            .map(|line| line.split_once('\t').unwrap_or((line, "")))
            .collect()
    })
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

/// Resource types that AWS Config records under a name no CloudFormation
/// resource has (Config otherwise uses the CloudFormation names). They have
/// no schema, so properties on them are not checked.
pub const CONFIG_ONLY_TYPES: &[&str] = &[
    "AWS::ACM::Certificate",
    "AWS::Config::ConformancePackCompliance",
    "AWS::Config::ResourceCompliance",
    "AWS::EC2::RegisteredHAInstance",
    "AWS::S3::AccountPublicAccessBlock",
    "AWS::SSM::AssociationCompliance",
    "AWS::SSM::ManagedInstanceInventory",
    "AWS::SSM::PatchCompliance",
    "AWS::Shield::Protection",
    "AWS::ShieldRegional::Protection",
    "AWS::WAF::RateBasedRule",
    "AWS::WAFRegional::RateBasedRule",
    "AWS::XRay::EncryptionConfig",
];

/// Whether some resource type has this name (a CloudFormation type or one
/// of [`CONFIG_ONLY_TYPES`]), or, for a pattern ending in `*`, starts with
/// its prefix.
pub fn knows_type(pattern: &str) -> bool {
    if CONFIG_ONLY_TYPES.contains(&pattern) {
        return true;
    }
    let table = names();
    match pattern.strip_suffix('*') {
        Some(prefix) => {
            let first = table.partition_point(|(name, _)| *name < prefix);
            table
                .get(first)
                .is_some_and(|(name, _)| name.starts_with(prefix))
        }
        None => table
            .binary_search_by(|(name, _)| (*name).cmp(pattern))
            .is_ok(),
    }
}

/// The property names of a resource type, sorted; `None` for a type the
/// schemas do not know (or a pattern).
pub fn property_names(type_name: &str) -> Option<impl Iterator<Item = &'static str>> {
    let table = names();
    let index = table
        .binary_search_by(|(name, _)| (*name).cmp(type_name))
        .ok()?;
    let (_, properties) = table[index];
    Some(properties.split('\t').filter(|name| !name.is_empty()))
}

/// The resource type closest to a misspelt one.
pub fn suggest_type(name: &str) -> Option<&'static str> {
    let target = name.strip_suffix('*').unwrap_or(name);
    did_you_mean(target, names().iter().map(|(name, _)| *name))
}

/// Every known resource type, with documentation.
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

/// The schemas with their documentation, parsed on first use (the editor
/// does it in the background when it starts).
pub fn schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    // The data is checked by a test; should it ever not parse, the editor
    // loses documentation rather than the whole server.
    SCHEMA.get_or_init(|| parse(DATA).unwrap_or_default())
}

impl Schema {
    /// A resource type by exact name.
    pub fn resource_type(&self, name: &str) -> Option<&ResourceType> {
        self.types.get(name)
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
    }

    #[test]
    fn the_name_table_holds_what_the_documentation_holds() {
        let schema = schema();
        let table: Vec<&str> = names().iter().map(|(name, _)| *name).collect();
        let documented: Vec<&str> = schema.types.keys().map(String::as_str).collect();
        assert_eq!(table, documented);
        for (name, resource) in &schema.types {
            let properties: Vec<&str> = property_names(name).expect("a known type").collect();
            let documented: Vec<&str> = resource.props.keys().map(String::as_str).collect();
            assert_eq!(properties, documented, "{name}");
        }
    }

    #[test]
    fn known_types_and_patterns() {
        assert!(knows_type("AWS::S3::Bucket"));
        assert!(!knows_type("AWS::S3::Buckt"));
        assert!(knows_type("AWS::EC2::*"));
        assert!(knows_type("AWS::*"));
        assert!(!knows_type("AWS::Nope::*"));
        assert_eq!(suggest_type("AWS::S3::Buckt"), Some("AWS::S3::Bucket"));
        assert!(property_names("AWS::S3::Buckt").is_none());
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
