#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]
#![warn(missing_docs)]
//! The resource model of Ward and every input loader.
//!
//! Everything Ward evaluates becomes one [`Document`]: [`Resource`]s with a
//! type, an id, properties, tags and metadata, the [`Edge`]s between them,
//! and the source position ([`Pos`]) of every value. The runtime and the
//! compiler's reference evaluator both read this model; the crate does no
//! file I/O: loaders take a file name (for messages), the bytes and
//! [`LoadOptions`].
//!
//! Bad input never panics or hangs: it gives a [`LoadError`] with a 1-based
//! line and column. Nesting deeper than [`MAX_DEPTH`] is an error, duplicate
//! keys are an error, YAML aliases are bounded, and so is the number of
//! values of a file ([`LoadOptions::max_values`]).
//!
//! # Formats
//!
//! [`load`] detects the format from the content unless
//! [`LoadOptions::kind`] says it:
//!
//! - **CloudFormation** (`AWSTemplateFormatVersion`, or a `Resources`
//!   mapping whose entries have a `Type`), JSON or YAML, SAM included.
//!   `id` is the logical id; `props` the resolved `Properties`; `tags` the
//!   `Tags` property as an object; `metadata` every other attribute of the
//!   resource, resolved (`Metadata`, `Condition`, `DependsOn`,
//!   `DeletionPolicy`, ...). Intrinsic functions are evaluated when the
//!   template determines them and become [`Value::Unknown`] with a reason
//!   when it does not; `Ref`, `Fn::GetAtt`, `Fn::Sub` and `DependsOn`
//!   between resources become edges. `Fn::ForEach` loops over a known list
//!   are expanded; the others are skipped.
//! - **Terraform plans** (`planned_values`, `resource_changes`, or
//!   `format_version` with `terraform_version`). `id` is the address
//!   (`module.vpc.aws_subnet.a[0]`); `props` the planned `values` with
//!   attributes known only after apply marked unknown; `tags` `tags_all` or
//!   `tags`; `metadata` `mode`, `name`, `index`, `provider_name` and the
//!   planned `actions`. References in `configuration` become edges.
//! - **AWS Config configuration items**: one item, a list of them,
//!   `{"configurationItems": [...]}`, `{"baseConfigurationItems": [...]}`,
//!   `select-resource-config` results, change notifications
//!   (`configurationItem`) and NDJSON; [`stream_config_items`] reads NDJSON
//!   of any size in bounded memory. `id` is the ARN (`arn` or `ARN`), else
//!   the resource id; `props` the `configuration` (parsed when it is a JSON
//!   string) plus `supplementaryConfiguration` under that key (its JSON
//!   strings parsed too); `tags` the `tags`; `metadata` the rest of the
//!   item, `relationships` included. Relationships to resources of the same
//!   document become edges; the others stay listed in the metadata.
//! - **Anything else**: plain data in [`Document::root`], no resources.
//!
//! # Unknown values in templates
//!
//! A value the template alone does not determine is [`Value::Unknown`]; the
//! reason says why, in lowercase with names in backticks, for example:
//!
//! - `parameter `Env` has no default` (parameters take their override from
//!   [`LoadOptions::parameters`], else their `Default`; `CommaDelimitedList`
//!   and `List<...>` become lists, `Number` a number; SSM parameter types
//!   are always unknown);
//! - `pseudo parameter `AWS::Region` is known only at deploy time` (unless
//!   given in [`LoadOptions::parameters`]; `AWS::NoValue` removes the key
//!   or list element);
//! - `physical id of `Bucket`` (`Ref` to a resource) and
//!   `attribute `Arn` of `Role`` (`Fn::GetAtt`, `${Role.Arn}`);
//! - `condition `IsProd` is unknown: <why>` (`Fn::If` on an unknown
//!   condition, unless both branches are equal; conditions use three-valued
//!   logic, so `Fn::And` with a false operand is false);
//! - `dynamic reference `{{resolve:ssm:/x}}` is resolved at deploy time`,
//!   `value imported from another stack (`Name`)`,
//!   `availability zones are known only at deploy time`,
//!   `unsupported intrinsic function `Fn::X``.
//!
//! A function with an unknown argument is unknown with that argument's
//! reason.
//!
//! [`Edge::path`] is a path into the `props` of the referring resource in
//! the `$.a.b[0]` style, or, for references outside the properties, a path
//! into its `metadata` starting with `metadata` (`metadata.DependsOn[1]`,
//! `metadata.relationships[0]`).
//!
//! # Example
//!
//! ```
//! use ward_model::{EdgeKind, LoadOptions, load};
//!
//! let template = r#"
//! Resources:
//!   Key:
//!     Type: AWS::KMS::Key
//!   Queue:
//!     Type: AWS::SQS::Queue
//!     Properties:
//!       KmsMasterKeyId: !Ref Key
//! "#;
//! let document = load("template.yaml", template.as_bytes(), &LoadOptions::default()).unwrap();
//! let queue = document.resource_index("Queue").unwrap();
//! let edge = document.outgoing(queue).next().unwrap();
//! assert_eq!(edge.kind, EdgeKind::Ref);
//! assert_eq!(edge.path, "$.KmsMasterKeyId");
//! assert_eq!(document.resources[edge.to].id, "Key");
//! ```

mod cfn;
mod config;
mod declarations;
mod embedded;
mod json;
mod model;
mod params;
mod terraform;
mod text;
mod yaml;

pub use config::{ConfigWindows, MAX_LINE_BYTES, WINDOW_ITEMS, stream_config_items};
pub use json::MAX_DEPTH;
pub use model::{
    Assumption, Document, Edge, EdgeKind, InputKind, LoadError, LoadOptions, Node, Part,
    PathSegment, PathStep, Pos, Resource, ResourcePart, Unknown, UnknownKind, Value, Variant,
    render_path, render_path_from, via_matches, write_path,
};
pub use params::parse_parameters_file;

/// Loads an input file into a [`Document`].
///
/// `file` names the input in positions and messages; `bytes` is its content
/// in UTF-8 (a byte order mark is allowed) or UTF-16 with a byte order mark.
/// JSON is recognised by its first character; everything else is read as
/// YAML. A JSON file that holds several values one after another (NDJSON) is
/// accepted when they are AWS Config items.
///
/// # Errors
///
/// A [`LoadError`] with the position of the first problem: undecodable
/// bytes, malformed JSON or YAML, duplicate keys, nesting deeper than
/// [`MAX_DEPTH`], more values than [`LoadOptions::max_values`], or a document that does not fit its format (for example a
/// CloudFormation resource without `Type`).
pub fn load(file: &str, bytes: &[u8], options: &LoadOptions) -> Result<Document, LoadError> {
    let text =
        text::decode(bytes).map_err(|error| LoadError::new(file, error.pos, error.message))?;
    let parsed = parse_text(file, &text, options.max_values)?;
    build(file, parsed, options)
}

/// Builds a [`Document`] from an in-memory JSON value, as if it had been
/// loaded from a file; every value gets position 1:1.
///
/// # Errors
///
/// As [`load`], for documents that do not fit their format.
pub fn from_json_value(
    file: &str,
    value: &serde_json::Value,
    options: &LoadOptions,
) -> Result<Document, LoadError> {
    build(
        file,
        Parsed::One(Node::from_json(value, Pos::START)),
        options,
    )
}

/// Builds a [`Document`] from an already parsed root node.
///
/// # Errors
///
/// As [`load`], for documents that do not fit their format.
pub fn from_node(file: &str, root: Node, options: &LoadOptions) -> Result<Document, LoadError> {
    build(file, Parsed::One(root), options)
}

/// Detects the kind of a parsed document.
pub fn detect_kind(root: &Node) -> InputKind {
    if cfn::looks_like_template(root) {
        InputKind::CloudFormation
    } else if terraform::looks_like_plan(root) {
        InputKind::TerraformPlan
    } else if config::looks_like_items(root) {
        InputKind::ConfigItems
    } else {
        InputKind::Json
    }
}

/// The result of parsing: one document, or a stream of them (NDJSON or
/// YAML documents separated by `---`).
enum Parsed {
    One(Node),
    Many(Vec<Node>),
}

fn is_json_name(file: &str) -> bool {
    let lower = file.to_ascii_lowercase();
    lower.ends_with(".json") || lower.ends_with(".ndjson") || lower.ends_with(".jsonl")
}

fn parse_text(file: &str, text: &str, max_values: usize) -> Result<Parsed, LoadError> {
    let first = text.trim_start().chars().next();
    if matches!(first, Some('{' | '[')) {
        let json_error = match json::parse_bounded(text, max_values) {
            Ok(node) => return Ok(Parsed::One(node)),
            Err(error) => error,
        };
        if json_error.trailing {
            if let Ok(nodes) = json::parse_stream(text, max_values)
                && nodes.iter().all(config::looks_like_items)
            {
                return Ok(Parsed::Many(nodes));
            }
        } else if !is_json_name(file) {
            // A YAML flow collection also starts with a bracket.
            if let Ok(documents) = parse_yaml(file, text, max_values) {
                return Ok(from_yaml_documents(documents));
            }
        }
        return Err(LoadError::new(file, json_error.pos, json_error.message));
    }
    let documents = parse_yaml(file, text, max_values)?;
    Ok(from_yaml_documents(documents))
}

/// Parses YAML. The YAML parser is a dependency: should it ever panic on
/// some input, that input is reported as invalid rather than taking the
/// host down.
fn parse_yaml(file: &str, text: &str, max_values: usize) -> Result<Vec<Node>, LoadError> {
    match std::panic::catch_unwind(|| yaml::parse(text, max_values)) {
        Ok(Ok(documents)) => Ok(documents),
        Ok(Err(error)) => Err(LoadError::new(file, error.pos, error.message)),
        Err(_) => Err(LoadError::new(
            file,
            Pos::START,
            "invalid yaml: the yaml parser failed on this input",
        )),
    }
}

fn from_yaml_documents(mut documents: Vec<Node>) -> Parsed {
    match documents.len() {
        0 => Parsed::One(Node::null(Pos::START)),
        1 => Parsed::One(documents.remove(0)),
        _ => Parsed::Many(documents),
    }
}

fn build(file: &str, parsed: Parsed, options: &LoadOptions) -> Result<Document, LoadError> {
    let mut document = build_kind(file, parsed, options)?;
    for resource in &mut document.resources {
        embedded::expand(&mut resource.props);
    }
    Ok(document)
}

fn build_kind(file: &str, parsed: Parsed, options: &LoadOptions) -> Result<Document, LoadError> {
    match parsed {
        Parsed::One(root) => {
            let kind = options.kind.unwrap_or_else(|| detect_kind(&root));
            match kind {
                InputKind::CloudFormation => cfn::load(file, root, options),
                InputKind::TerraformPlan => terraform::load(file, root),
                InputKind::ConfigItems => Ok(config::load(file, root)),
                InputKind::Json => Ok(Document::new(
                    file,
                    InputKind::Json,
                    Vec::new(),
                    Vec::new(),
                    root,
                )),
            }
        }
        Parsed::Many(nodes) => {
            let pos = nodes.first().map_or(Pos::START, |node| node.pos);
            let all_items = nodes.iter().all(config::looks_like_items);
            let kind = options.kind.unwrap_or(if all_items {
                InputKind::ConfigItems
            } else {
                InputKind::Json
            });
            match kind {
                InputKind::ConfigItems => {
                    Ok(config::load(file, Node::new(Value::List(nodes), pos)))
                }
                InputKind::Json => Ok(Document::new(
                    file,
                    InputKind::Json,
                    Vec::new(),
                    Vec::new(),
                    Node::new(Value::List(nodes), pos),
                )),
                other => Err(LoadError::new(
                    file,
                    pos,
                    format!("expected one {}, found several documents", other.name()),
                )),
            }
        }
    }
}
