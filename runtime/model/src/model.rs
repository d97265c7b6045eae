//! The resource model: positions, values, resources, edges and documents.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use crate::json::FastBuild;

/// A source position: 1-based line and 1-based column.
///
/// The column counts characters (Unicode scalar values), not bytes, so that
/// it matches what an editor shows for UTF-8 text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    /// Line number, starting at 1.
    pub line: u32,
    /// Column number in characters, starting at 1.
    pub column: u32,
}

impl Pos {
    /// The first character of a file.
    pub const START: Pos = Pos { line: 1, column: 1 };

    /// Builds a position from a 1-based line and a 1-based column.
    pub fn new(line: u32, column: u32) -> Pos {
        Pos { line, column }
    }
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A value of the model.
///
/// Objects keep the order of their keys as written in the input. Keys and
/// strings are shared `Arc<str>`s, so cloning a value is cheap.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// JSON `null`, YAML `null`, `~` or an empty scalar.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number; integers are exact up to 2^53.
    Number(f64),
    /// A string.
    String(Arc<str>),
    /// A list of values.
    List(Vec<Node>),
    /// An object; keys are unique and keep their input order.
    Object(Vec<(Arc<str>, Node)>),
    /// A value that the input cannot determine, with the reason why
    /// (for example "parameter `Env` has no default") and what kind of
    /// value it stands for. Shared, so that a value stays as small as a
    /// string.
    Unknown(Arc<Unknown>),
}

// Every value of a loaded input is a node, and a big input has millions:
// a value stays as small as a list (an unknown value's details are shared
// behind one pointer).
const _: () = assert!(std::mem::size_of::<Value>() <= 32);

/// A value the input cannot determine: why, and what it stands for.
///
/// It derefs to its reason, so it reads like the text it always was.
#[derive(Clone, Debug, PartialEq)]
pub struct Unknown {
    /// Why the input cannot determine the value.
    pub reason: Arc<str>,
    /// What the value stands for.
    pub kind: UnknownKind,
}

impl Unknown {
    /// An unknown value of kind [`UnknownKind::Other`].
    pub fn other(reason: impl AsRef<str>) -> Unknown {
        Unknown {
            reason: Arc::from(reason.as_ref()),
            kind: UnknownKind::Other,
        }
    }

    /// An unknown value of a kind.
    pub fn of_kind(reason: impl AsRef<str>, kind: UnknownKind) -> Unknown {
        Unknown {
            reason: Arc::from(reason.as_ref()),
            kind,
        }
    }
}

impl std::ops::Deref for Unknown {
    type Target = str;

    fn deref(&self) -> &str {
        &self.reason
    }
}

impl From<Arc<str>> for Unknown {
    fn from(reason: Arc<str>) -> Unknown {
        Unknown {
            reason,
            kind: UnknownKind::Other,
        }
    }
}

impl fmt::Display for Unknown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

/// What an unknown value stands for: rules read it with `unknown_kind(x)`,
/// and a reference to a resource is a value of its own (`target(x)`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum UnknownKind {
    /// Anything else: text built from unknown parts, a value past the
    /// template's bounds.
    Other,
    /// `Ref` or `Fn::GetAtt` of a resource of the same input.
    Reference {
        /// The resource's id.
        resource: Arc<str>,
        /// The attribute of `Fn::GetAtt`; `None` for `Ref`.
        attribute: Option<Arc<str>>,
    },
    /// A template parameter with neither a default nor a given value.
    Parameter {
        /// Its name.
        name: Arc<str>,
    },
    /// A pseudo parameter (`AWS::Region`, `AWS::AccountId`).
    PseudoParameter {
        /// Its name.
        name: Arc<str>,
    },
    /// A dynamic reference `{{resolve:service:...}}`, resolved at deploy
    /// time.
    DynamicReference {
        /// The service: `secretsmanager`, `ssm` or `ssm-secure`.
        service: Arc<str>,
    },
    /// `Fn::ImportValue`: an output of another stack.
    Import,
    /// A Terraform value known only after apply.
    AfterApply,
    /// Text with unknown parts (`!Sub "arn:aws:iam::${AWS::AccountId}:root"`):
    /// what is known before the first unknown part and after the last.
    Text {
        /// The known text it starts with.
        prefix: Arc<str>,
        /// The known text it ends with.
        suffix: Arc<str>,
    },
}

impl UnknownKind {
    /// The kind's name, as `unknown_kind(x)` gives it.
    pub fn name(&self) -> &'static str {
        match self {
            UnknownKind::Other => "other",
            UnknownKind::Reference { .. } => "reference",
            UnknownKind::Parameter { .. } => "parameter",
            UnknownKind::PseudoParameter { .. } => "pseudo_parameter",
            UnknownKind::DynamicReference { .. } => "dynamic_reference",
            UnknownKind::Import => "import",
            UnknownKind::AfterApply => "after_apply",
            UnknownKind::Text { .. } => "text",
        }
    }

    /// The text that details the kind: the attribute of `Fn::GetAtt`
    /// (`None` for `Ref`), a parameter's name, a dynamic reference's
    /// service.
    pub fn detail(&self) -> Option<&str> {
        match self {
            UnknownKind::Reference { attribute, .. } => attribute.as_deref(),
            UnknownKind::Parameter { name } | UnknownKind::PseudoParameter { name } => Some(name),
            UnknownKind::DynamicReference { service } => Some(service),
            // Text has two: see [`UnknownKind::Text`].
            UnknownKind::Other
            | UnknownKind::Import
            | UnknownKind::AfterApply
            | UnknownKind::Text { .. } => None,
        }
    }
}

impl Value {
    /// A short lowercase name of the kind of value, for messages.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Object(_) => "object",
            Value::Unknown(_) => "unknown",
        }
    }

    /// The kind of value with its article, for messages: `a string`,
    /// `an object`, `null`.
    pub fn described(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::List(_) => "a list",
            Value::Object(_) => "an object",
            Value::Unknown(_) => "an unknown value",
        }
    }

    /// Builds a string value.
    pub fn string(text: &str) -> Value {
        Value::String(Arc::from(text))
    }

    /// Builds an unknown value with the given reason.
    pub fn unknown(reason: impl AsRef<str>) -> Value {
        Value::Unknown(Arc::new(Unknown::other(reason)))
    }
}

/// A value together with the position where it starts in the input.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where the value starts in the input file.
    pub pos: Pos,
}

impl Node {
    /// Builds a node.
    pub fn new(value: Value, pos: Pos) -> Node {
        Node { value, pos }
    }

    /// A `null` node at the given position.
    pub fn null(pos: Pos) -> Node {
        Node::new(Value::Null, pos)
    }

    /// An unknown node at the given position.
    pub fn unknown(reason: impl AsRef<str>, pos: Pos) -> Node {
        Node::new(Value::unknown(reason), pos)
    }

    /// The value of `key` if this node is an object that has it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Object(entries) => entries
                .iter()
                .find(|(entry_key, _)| &**entry_key == key)
                .map(|(_, node)| node),
            _ => None,
        }
    }

    /// The element at `index` if this node is a list that long.
    pub fn index(&self, index: usize) -> Option<&Node> {
        match &self.value {
            Value::List(items) => items.get(index),
            _ => None,
        }
    }

    /// Follows a path of keys and indexes from this node.
    pub fn at_path(&self, path: &[PathSegment]) -> Option<&Node> {
        let mut node = self;
        for segment in path {
            node = match segment {
                PathSegment::Key(key) => node.get(key)?,
                PathSegment::Index(index) => node.index(*index)?,
            };
        }
        Some(node)
    }

    /// The string if this node is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    /// The number if this node is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self.value {
            Value::Number(number) => Some(number),
            _ => None,
        }
    }

    /// The boolean if this node is a boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(flag) => Some(flag),
            _ => None,
        }
    }

    /// The elements if this node is a list.
    pub fn as_list(&self) -> Option<&[Node]> {
        match &self.value {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    /// The entries if this node is an object.
    pub fn as_object(&self) -> Option<&[(Arc<str>, Node)]> {
        match &self.value {
            Value::Object(entries) => Some(entries),
            _ => None,
        }
    }

    /// The reason if this node is unknown.
    pub fn unknown_reason(&self) -> Option<&str> {
        match &self.value {
            Value::Unknown(unknown) => Some(&unknown.reason),
            _ => None,
        }
    }

    /// Whether this node is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// The unknown value if this node is unknown.
    pub fn as_unknown(&self) -> Option<&Unknown> {
        match &self.value {
            Value::Unknown(unknown) => Some(unknown),
            _ => None,
        }
    }

    /// An unknown node of a kind.
    pub fn unknown_of_kind(reason: impl AsRef<str>, kind: UnknownKind, pos: Pos) -> Node {
        Node::new(
            Value::Unknown(Arc::new(Unknown::of_kind(reason, kind))),
            pos,
        )
    }

    /// Whether this node is unknown.
    pub fn is_unknown(&self) -> bool {
        matches!(self.value, Value::Unknown(_))
    }

    /// Compares two nodes by value only, ignoring positions at every depth.
    pub fn same_value(&self, other: &Node) -> bool {
        same_value(&self.value, &other.value)
    }

    /// Returns the first unknown reason found in this node or below it,
    /// visiting lists and objects in order.
    pub fn first_unknown(&self) -> Option<&str> {
        let mut pending: Vec<&Node> = vec![self];
        while let Some(node) = pending.pop() {
            match &node.value {
                Value::Unknown(unknown) => return Some(&unknown.reason),
                Value::List(items) => pending.extend(items.iter().rev()),
                Value::Object(entries) => pending.extend(entries.iter().rev().map(|(_, v)| v)),
                _ => {}
            }
        }
        None
    }

    /// Builds a node from an in-memory JSON value; every node gets `pos`.
    pub fn from_json(value: &serde_json::Value, pos: Pos) -> Node {
        let converted = match value {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(flag) => Value::Bool(*flag),
            serde_json::Value::Number(number) => Value::Number(number.as_f64().unwrap_or(f64::NAN)),
            serde_json::Value::String(text) => Value::String(Arc::from(text.as_str())),
            serde_json::Value::Array(items) => Value::List(
                items
                    .iter()
                    .map(|item| Node::from_json(item, pos))
                    .collect(),
            ),
            serde_json::Value::Object(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(key, item)| (Arc::from(key.as_str()), Node::from_json(item, pos)))
                    .collect(),
            ),
        };
        Node::new(converted, pos)
    }

    /// The tree as JSON, without positions; an unknown value becomes
    /// `null` and a number JSON cannot hold (infinite, NaN) too.
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Null | Value::Unknown(_) => serde_json::Value::Null,
            Value::Bool(flag) => serde_json::Value::Bool(*flag),
            Value::Number(number) => {
                if number.fract() == 0.0 && number.abs() < 9_007_199_254_740_992.0 {
                    serde_json::Value::from(*number as i64)
                } else {
                    serde_json::Number::from_f64(*number)
                        .map_or(serde_json::Value::Null, serde_json::Value::Number)
                }
            }
            Value::String(text) => serde_json::Value::String(text.to_string()),
            Value::List(items) => {
                serde_json::Value::Array(items.iter().map(Node::to_json).collect())
            }
            Value::Object(entries) => serde_json::Value::Object(
                entries
                    .iter()
                    .map(|(key, value)| (key.to_string(), value.to_json()))
                    .collect(),
            ),
        }
    }

    /// Counts the nodes of this tree, this one included.
    pub fn count_nodes(&self) -> usize {
        let mut count = 0usize;
        let mut pending: Vec<&Node> = vec![self];
        while let Some(node) = pending.pop() {
            count += 1;
            match &node.value {
                Value::List(items) => pending.extend(items.iter()),
                Value::Object(entries) => pending.extend(entries.iter().map(|(_, v)| v)),
                _ => {}
            }
        }
        count
    }
}

fn same_value(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::List(a), Value::List(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_value(&x.value, &y.value))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|((ka, va), (kb, vb))| ka == kb && same_value(&va.value, &vb.value))
        }
        _ => left == right,
    }
}

/// One step of a path inside a value: an object key or a list index.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PathSegment {
    /// An object key.
    Key(Arc<str>),
    /// A list index, starting at 0.
    Index(usize),
}

impl PathSegment {
    /// The segment as a borrowed step.
    pub fn as_step(&self) -> PathStep<'_> {
        match self {
            PathSegment::Key(key) => PathStep::Key(key),
            PathSegment::Index(index) => PathStep::Index(*index),
        }
    }
}

/// A [`PathSegment`] that borrows its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PathStep<'a> {
    /// An object key.
    Key(&'a str),
    /// A list index, starting at 0.
    Index(usize),
}

/// Renders a path in the `$.a.b[0]` style.
///
/// Keys that are not plain identifiers are quoted: `$["AWS::CloudFormation::Init"]`.
pub fn render_path(segments: &[PathSegment]) -> String {
    render_path_from("$", segments)
}

/// Renders a path like [`render_path`] but with `root` in place of `$`.
pub fn render_path_from(root: &str, segments: &[PathSegment]) -> String {
    let mut out = String::with_capacity(root.len() + segments.len() * 12);
    out.push_str(root);
    push_path_segments(&mut out, segments);
    out
}

/// Appends to `out` a path like [`render_path_from`] renders it, from
/// borrowed steps.
pub fn write_path<'s>(root: &str, steps: impl IntoIterator<Item = PathStep<'s>>, out: &mut String) {
    out.push_str(root);
    push_path_steps(out, steps);
}

/// Appends each segment as [`render_path`] renders it.
fn push_path_segments(out: &mut String, segments: &[PathSegment]) {
    push_path_steps(out, segments.iter().map(PathSegment::as_step));
}

/// Appends each step as [`render_path`] renders it.
fn push_path_steps<'s>(out: &mut String, steps: impl IntoIterator<Item = PathStep<'s>>) {
    for step in steps {
        match step {
            PathStep::Key(key) => push_path_key(out, key),
            PathStep::Index(index) => push_path_index(out, index),
        }
    }
}

/// Appends `[index]`.
fn push_path_index(out: &mut String, index: usize) {
    // Digits from the right, without the formatting machinery: this runs
    // for most findings.
    let mut digits = [0u8; 20];
    let mut len = 0;
    let mut rest = index;
    for digit in digits.iter_mut() {
        *digit = b'0' + (rest % 10) as u8;
        len += 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.push('[');
    out.extend(
        digits
            .iter()
            .take(len)
            .rev()
            .map(|&digit| char::from(digit)),
    );
    out.push(']');
}

/// Appends `.key`, or `["key"]` for keys that are not identifiers.
fn push_path_key(out: &mut String, key: &str) {
    let bytes = key.as_bytes();
    let plain = bytes
        .first()
        .is_some_and(|first| first.is_ascii_alphabetic() || *first == b'_')
        && bytes
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'_');
    if plain {
        out.push('.');
        out.push_str(key);
    } else {
        out.push_str("[\"");
        for c in key.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                _ => out.push(c),
            }
        }
        out.push_str("\"]");
    }
}

/// The kind of input a document was loaded from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InputKind {
    /// A CloudFormation or SAM template, JSON or YAML.
    CloudFormation,
    /// A Terraform plan in the `terraform show -json` format.
    TerraformPlan,
    /// AWS Config configuration items.
    ConfigItems,
    /// Any other JSON or YAML document, kept as plain data.
    Json,
}

impl InputKind {
    /// A short lowercase name for messages.
    pub fn name(self) -> &'static str {
        match self {
            InputKind::CloudFormation => "cloudformation template",
            InputKind::TerraformPlan => "terraform plan",
            InputKind::ConfigItems => "aws config items",
            InputKind::Json => "plain data",
        }
    }

    /// What a resource's `format` field reads in a policy:
    /// `cloudformation`, `terraform`, `config` or `data`.
    pub fn format(self) -> &'static str {
        match self {
            InputKind::CloudFormation => "cloudformation",
            InputKind::TerraformPlan => "terraform",
            InputKind::ConfigItems => "config",
            InputKind::Json => "data",
        }
    }
}

/// One resource of a document.
#[derive(Clone, Debug, PartialEq)]
pub struct Resource {
    /// The logical id (CloudFormation), address (Terraform) or ARN or
    /// resource id (AWS Config).
    pub id: String,
    /// The resource type, e.g. `AWS::S3::Bucket` or `aws_s3_bucket`.
    pub resource_type: String,
    /// The properties with intrinsic functions resolved where possible:
    /// CloudFormation `Properties`, Terraform planned `values`, AWS Config
    /// `configuration` (plus `supplementaryConfiguration`). An object (empty
    /// when the input has none), unless the input makes the whole of it
    /// unknown (`Properties: !If [...]` on an unknown condition).
    pub props: Node,
    /// Tag key to tag value, as an object; a `null` node if the resource has
    /// no tags.
    pub tags: Node,
    /// Everything else the input says about the resource, as an object; see
    /// the crate documentation for each format.
    pub metadata: Node,
    /// Where the resource is defined in the input.
    pub pos: Pos,
    /// Set when the resource exists only under a CloudFormation `Condition`
    /// that the input does not decide: why it may not exist (for example
    /// "condition `UseKms` is unknown: parameter `Kms` has no default").
    /// Rules still judge it, but no outcome of theirs on it is more than
    /// *unknown*. `None` for resources that certainly exist.
    pub undecided: Option<Arc<str>>,
}

/// A directed edge between two resources of the same document.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Edge {
    /// Index of the referring resource in [`Document::resources`].
    pub from: usize,
    /// Index of the referred resource in [`Document::resources`].
    pub to: usize,
    /// How the reference is written.
    pub kind: EdgeKind,
    /// Where the reference stands in `from`: a path into its `props`
    /// rendered as `$.a.b[0]`, or, for references outside the properties,
    /// a path into its `metadata` rendered as `metadata.DependsOn[0]`.
    pub path: String,
}

impl Edge {
    /// The property path the reference is written in, as `via:` names it
    /// in `refs` and `referrers`: keys joined with `.`, list positions left
    /// out, without the root. `$.PolicyDocument.Statement[0].Resource` is
    /// `PolicyDocument.Statement.Resource`; `metadata.DependsOn[1]` is
    /// `DependsOn`; `$.bucket` (Terraform) is `bucket`.
    pub fn via(&self) -> String {
        let rest = self
            .path
            .strip_prefix('$')
            .or_else(|| self.path.strip_prefix("metadata"))
            .unwrap_or(&self.path);
        let mut out = String::with_capacity(rest.len());
        let mut chars = rest.chars().peekable();
        let push_key = |out: &mut String, key: &str| {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(key);
        };
        while let Some(c) = chars.next() {
            match c {
                '.' => {
                    let mut key = String::new();
                    while let Some(&next) = chars.peek() {
                        if next == '.' || next == '[' {
                            break;
                        }
                        key.push(next);
                        chars.next();
                    }
                    push_key(&mut out, &key);
                }
                '[' if chars.peek() == Some(&'"') => {
                    chars.next();
                    let mut key = String::new();
                    while let Some(next) = chars.next() {
                        match next {
                            '\\' => {
                                if let Some(escaped) = chars.next() {
                                    key.push(escaped);
                                }
                            }
                            '"' => break,
                            _ => key.push(next),
                        }
                    }
                    // The closing `]`.
                    chars.next();
                    push_key(&mut out, &key);
                }
                '[' => {
                    // A list position: left out.
                    for next in chars.by_ref() {
                        if next == ']' {
                            break;
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }
}

/// Whether a reference written at `path` (as [`Edge::via`] gives it) is
/// one that `via` asks for: written at that path or below it.
pub fn via_matches(path: &str, via: &str) -> bool {
    match path.strip_prefix(via) {
        Some(rest) => rest.is_empty() || rest.starts_with('.'),
        None => false,
    }
}

/// How a reference between two resources is written in the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EdgeKind {
    /// CloudFormation `Ref`.
    Ref,
    /// CloudFormation `Fn::GetAtt`.
    GetAtt,
    /// CloudFormation `Fn::Sub` with `${Resource}` or `${Resource.Attribute}`.
    Sub,
    /// CloudFormation `DependsOn`.
    DependsOn,
    /// An AWS Config relationship.
    Relationship,
    /// A Terraform configuration reference.
    Reference,
}

impl EdgeKind {
    /// A short lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            EdgeKind::Ref => "ref",
            EdgeKind::GetAtt => "getatt",
            EdgeKind::Sub => "sub",
            EdgeKind::DependsOn => "dependson",
            EdgeKind::Relationship => "relationship",
            EdgeKind::Reference => "reference",
        }
    }
}

/// A loaded input file: its resources, the edges between them and the whole
/// document as loaded.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// The file name given to the loader.
    pub file: String,
    /// The kind of input.
    pub kind: InputKind,
    /// The resources, in input order.
    pub resources: Vec<Resource>,
    /// The edges between resources, without duplicates.
    pub edges: Vec<Edge>,
    /// The whole document as parsed, before any resolution (intrinsic
    /// functions are left as written). Shared with the document's
    /// [`Variant`]s. For CloudFormation it lacks the `Resources` section,
    /// which `resources` holds resolved: keeping both copies of the
    /// largest part of a template would double its memory.
    pub root: Arc<Node>,
    /// The ways the template's undecided conditions can turn out, each
    /// resolved as its own document, when the template has conditions (or
    /// mapping keys) that its parameters do not decide and that decide a
    /// resource's existence or a value. Empty otherwise, and for every
    /// format but CloudFormation. A rule judges such a template once per
    /// variant; the engines combine the reports with
    /// `ward_abi::variants::combine` (see `docs/semantics.md`).
    pub variants: Vec<Variant>,
    index: Index,
}

/// One way a template's undecided conditions can turn out: the
/// assumptions, and the template resolved under them.
#[derive(Clone, Debug, PartialEq)]
pub struct Variant {
    /// What is assumed, in the order the choices were made.
    pub assumptions: Vec<Assumption>,
    /// The template resolved under the assumptions. Its resources are a
    /// subset of the base document's, in the same order, with the same ids.
    pub document: Document,
}

impl Variant {
    /// The assumptions as one phrase: "condition `UseKms` is true and
    /// `Env` is `prod`".
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self.assumptions.iter().map(ToString::to_string).collect();
        parts.join(" and ")
    }
}

/// A document to judge in place of another, with how its resources map
/// to the other's: see [`Document::parts`].
#[derive(Clone, Debug)]
pub struct Part<'d> {
    /// What the part assumes, each as a phrase ("condition `UseKms` is
    /// true"); empty when the part is the document itself.
    pub assumptions: Vec<String>,
    /// The document to judge.
    pub document: &'d Document,
    /// For each of its resources, the index of the same resource in the
    /// document it stands for.
    pub resources: Vec<usize>,
    /// For each of its resources, why it may not exist (its condition is
    /// open even here).
    pub undecided: Vec<Option<Arc<str>>>,
}

/// One assumption of a [`Variant`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Assumption {
    /// A condition is taken to hold, or not.
    Condition {
        /// The condition's name.
        name: Arc<str>,
        /// Whether it holds.
        holds: bool,
    },
    /// A parameter (or pseudo parameter) is taken to have this value.
    Parameter {
        /// The parameter's name.
        name: Arc<str>,
        /// Its value.
        value: Arc<str>,
    },
    /// A parameter (or pseudo parameter) is taken not to have this value.
    NotParameter {
        /// The parameter's name.
        name: Arc<str>,
        /// The value it does not have.
        value: Arc<str>,
    },
}

impl fmt::Display for Assumption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Assumption::Condition { name, holds } => {
                write!(f, "condition `{name}` is {holds}")
            }
            Assumption::Parameter { name, value } => write!(f, "`{name}` is `{value}`"),
            Assumption::NotParameter { name, value } => write!(f, "`{name}` is not `{value}`"),
        }
    }
}

/// Precomputed lookups of a document, derived from its resources and edges.
#[derive(Clone, Debug, Default, PartialEq)]
struct Index {
    /// `outgoing_start[i]..outgoing_start[i + 1]` is the range of
    /// `outgoing` holding the edges that leave resource `i`.
    outgoing_start: Vec<usize>,
    outgoing: Vec<usize>,
    incoming_start: Vec<usize>,
    incoming: Vec<usize>,
    by_id: HashMap<String, usize, FastBuild>,
}

/// The part of a resource a value was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResourcePart {
    /// The resource itself.
    Resource,
    /// Its properties.
    Props,
    /// Its tags.
    Tags,
    /// Its other attributes.
    Metadata,
}

impl Document {
    /// The path reported for a value of resource `resource`, read from
    /// `part` through `segments`. For CloudFormation the path is the value's
    /// place in the template (`$.Resources.Sg.Properties.SecurityGroupIngress[0]`,
    /// a tag's entry in the `Tags` list); for other inputs it is relative to
    /// the part (`$.a.b` inside the properties, `tags.Name`, `metadata.x`).
    /// The evaluator and every host report paths through this one function.
    pub fn value_path(
        &self,
        resource: usize,
        part: ResourcePart,
        segments: &[PathSegment],
    ) -> String {
        let mut out = String::new();
        self.write_value_path(
            resource,
            part,
            segments.iter().map(PathSegment::as_step),
            &mut out,
        );
        out
    }

    /// Appends [`Document::value_path`] to `out`, reading the segments from
    /// an iterator of borrowed steps: a host renders many paths this way
    /// without building a segment list for each.
    pub fn write_value_path<'s>(
        &self,
        resource: usize,
        part: ResourcePart,
        steps: impl IntoIterator<Item = PathStep<'s>>,
        out: &mut String,
    ) {
        let mut steps = steps.into_iter();
        let Some(found) = self.resources.get(resource) else {
            out.push('$');
            push_path_steps(out, steps);
            return;
        };
        if self.kind != InputKind::CloudFormation {
            match part {
                ResourcePart::Resource => {
                    out.push('$');
                    return;
                }
                ResourcePart::Props => out.push('$'),
                ResourcePart::Tags => out.push_str("tags"),
                ResourcePart::Metadata => out.push_str("metadata"),
            }
            push_path_steps(out, steps);
            return;
        }
        out.reserve(48 + found.id.len());
        out.push_str("$.Resources");
        push_path_key(out, &found.id);
        match part {
            ResourcePart::Resource => return,
            ResourcePart::Props => out.push_str(".Properties"),
            ResourcePart::Metadata => {}
            ResourcePart::Tags => {
                out.push_str(".Properties.Tags");
                // Tags written as a list of `{Key, Value}` are an object in
                // the model: point at the list entry of the tag.
                let listed = found.props.get("Tags").and_then(|tags| tags.as_list());
                let first = steps.next();
                if let (Some(entries), Some(PathStep::Key(tag))) = (listed, first) {
                    let position = entries.iter().position(|entry| {
                        entry.get("Key").and_then(|key| key.as_str()) == Some(tag)
                    });
                    if let Some(position) = position {
                        push_path_index(out, position);
                        out.push_str(".Value");
                        push_path_steps(out, steps);
                    }
                    return;
                }
                push_path_steps(out, first.into_iter().chain(steps));
                return;
            }
        }
        push_path_steps(out, steps);
    }
}

impl Document {
    /// Builds a document and its lookup tables. Edges whose ends are out of
    /// range are dropped.
    pub fn new(
        file: impl Into<String>,
        kind: InputKind,
        resources: Vec<Resource>,
        mut edges: Vec<Edge>,
        root: impl Into<Arc<Node>>,
    ) -> Document {
        let count = resources.len();
        edges.retain(|edge| edge.from < count && edge.to < count);
        let (outgoing_start, outgoing) = group_edges(count, edges.iter().map(|e| e.from));
        let (incoming_start, incoming) = group_edges(count, edges.iter().map(|e| e.to));
        let mut by_id = HashMap::with_capacity_and_hasher(count, FastBuild::default());
        for (position, resource) in resources.iter().enumerate() {
            by_id.entry(resource.id.clone()).or_insert(position);
        }
        Document {
            file: file.into(),
            kind,
            resources,
            edges,
            root: root.into(),
            variants: Vec::new(),
            index: Index {
                outgoing_start,
                outgoing,
                incoming_start,
                incoming,
                by_id,
            },
        }
    }

    /// The documents a rule judges for this one, when that is not simply
    /// this document: its variants, or this document alone when some of
    /// its resources exist only under an open condition. `None` when this
    /// document is judged as it is. Each part maps its resources to this
    /// document's; the engines judge every part and combine the reports
    /// with `ward_abi::variants::combine`.
    pub fn parts(&self) -> Option<Vec<Part<'_>>> {
        let undecided = |document: &Document| -> Vec<Option<Arc<str>>> {
            document
                .resources
                .iter()
                .map(|resource| resource.undecided.clone())
                .collect()
        };
        if self.variants.is_empty() {
            if self.resources.iter().all(|r| r.undecided.is_none()) {
                return None;
            }
            return Some(vec![Part {
                assumptions: Vec::new(),
                document: self,
                resources: (0..self.resources.len()).collect(),
                undecided: undecided(self),
            }]);
        }
        Some(
            self.variants
                .iter()
                .map(|variant| Part {
                    assumptions: variant
                        .assumptions
                        .iter()
                        .map(ToString::to_string)
                        .collect(),
                    document: &variant.document,
                    resources: variant
                        .document
                        .resources
                        .iter()
                        .map(|resource| {
                            // Variants hold a subset of the resources; an
                            // index past the end stands for none.
                            self.index
                                .by_id
                                .get(&resource.id)
                                .copied()
                                .unwrap_or(usize::MAX)
                        })
                        .collect(),
                    undecided: undecided(&variant.document),
                })
                .collect(),
        )
    }

    /// The indexes into [`Document::edges`] of the edges leaving resource
    /// `resource`; empty if the index is out of range.
    pub fn outgoing_edge_indexes(&self, resource: usize) -> &[usize] {
        slice_group(&self.index.outgoing_start, &self.index.outgoing, resource)
    }

    /// The indexes into [`Document::edges`] of the edges arriving at
    /// resource `resource`; empty if the index is out of range.
    pub fn incoming_edge_indexes(&self, resource: usize) -> &[usize] {
        slice_group(&self.index.incoming_start, &self.index.incoming, resource)
    }

    /// The edges leaving resource `resource` (its references), in input order.
    pub fn outgoing(&self, resource: usize) -> impl Iterator<Item = &Edge> + '_ {
        self.outgoing_edge_indexes(resource)
            .iter()
            .filter_map(|&edge| self.edges.get(edge))
    }

    /// The edges arriving at resource `resource` (its referrers), in input order.
    pub fn incoming(&self, resource: usize) -> impl Iterator<Item = &Edge> + '_ {
        self.incoming_edge_indexes(resource)
            .iter()
            .filter_map(|&edge| self.edges.get(edge))
    }

    /// The index of the resource with this id, if any.
    pub fn resource_index(&self, id: &str) -> Option<usize> {
        self.index.by_id.get(id).copied()
    }

    /// The resource with this id, if any.
    pub fn resource(&self, id: &str) -> Option<&Resource> {
        self.resource_index(id)
            .and_then(|index| self.resources.get(index))
    }

    /// The resources of one type, with their indexes.
    pub fn resources_of_type<'a>(
        &'a self,
        resource_type: &'a str,
    ) -> impl Iterator<Item = (usize, &'a Resource)> + 'a {
        self.resources
            .iter()
            .enumerate()
            .filter(move |(_, resource)| resource.resource_type == resource_type)
    }
}

fn group_edges(
    count: usize,
    keys: impl Iterator<Item = usize> + Clone,
) -> (Vec<usize>, Vec<usize>) {
    let mut start = vec![0usize; count + 1];
    for key in keys.clone() {
        if let Some(slot) = start.get_mut(key + 1) {
            *slot += 1;
        }
    }
    for i in 1..start.len() {
        let previous = start.get(i - 1).copied().unwrap_or(0);
        if let Some(slot) = start.get_mut(i) {
            *slot += previous;
        }
    }
    let total = start.last().copied().unwrap_or(0);
    let mut fill = start.clone();
    let mut grouped = vec![0usize; total];
    for (edge, key) in keys.enumerate() {
        if let Some(next) = fill.get_mut(key) {
            if let Some(slot) = grouped.get_mut(*next) {
                *slot = edge;
            }
            *next += 1;
        }
    }
    (start, grouped)
}

fn slice_group<'a>(start: &[usize], grouped: &'a [usize], key: usize) -> &'a [usize] {
    match (start.get(key), start.get(key + 1)) {
        (Some(&begin), Some(&end)) => grouped.get(begin..end).unwrap_or(&[]),
        _ => &[],
    }
}

/// Options of [`crate::load`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadOptions {
    /// Values for CloudFormation parameters, overriding their defaults.
    /// Pseudo parameters such as `AWS::Region` may be given here too.
    pub parameters: Vec<(String, String)>,
    /// The kind of input, or `None` to detect it from the content.
    pub kind: Option<InputKind>,
    /// The most values (scalars, lists and objects, YAML aliases counted
    /// as what they copy) one file may hold; a file with more is a
    /// [`LoadError`] rather than memory exhausted. The default is
    /// [`LoadOptions::DEFAULT_MAX_VALUES`].
    pub max_values: usize,
}

impl LoadOptions {
    /// The default bound on the values of one file: 10 million. A value
    /// takes 40 bytes once loaded (more while its list grows), so loading
    /// a file stops well under a gigabyte besides its text however densely
    /// it packs values (`[1,1,1,...]`): a 200 MB JSON array of 29 million
    /// numbers, which took 2.4 GB, stops at the bound with 0.6 GB. Real
    /// inputs hold far fewer: the benchmark's 10,000-resource template
    /// (5.2 MB) holds 149,080.
    pub const DEFAULT_MAX_VALUES: usize = 10_000_000;
}

impl Default for LoadOptions {
    fn default() -> LoadOptions {
        LoadOptions {
            parameters: Vec::new(),
            kind: None,
            max_values: LoadOptions::DEFAULT_MAX_VALUES,
        }
    }
}

/// Why an input could not be loaded, with the position of the problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    /// The file name given to the loader.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// A lowercase message without a final period.
    pub message: String,
}

impl LoadError {
    /// Builds an error at a position.
    pub fn new(file: &str, pos: Pos, message: impl Into<String>) -> LoadError {
        LoadError {
            file: file.to_string(),
            line: pos.line.max(1),
            column: pos.column.max(1),
            message: message.into(),
        }
    }

    /// The position of the error.
    pub fn pos(&self) -> Pos {
        Pos::new(self.line, self.column)
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

impl std::error::Error for LoadError {}
