//! CloudFormation (and SAM) templates: resources, intrinsic functions and
//! the references between resources.
//!
//! Resolution is symbolic. A value that the template alone can not determine
//! (a parameter without default, a pseudo parameter, the physical id of a
//! resource, a condition that depends on one of those) becomes
//! [`Value::Unknown`] with a reason, and every function that consumes an
//! unknown value is unknown too, with the same reason.

mod convert;
mod functions;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

pub(crate) use convert::format_number;

use crate::model::{
    Document, Edge, EdgeKind, InputKind, LoadError, LoadOptions, Node, PathSegment, Pos, Value,
    render_path_from,
};

/// The pseudo parameters of CloudFormation.
const PSEUDO_PARAMETERS: [&str; 8] = [
    "AWS::AccountId",
    "AWS::NotificationARNs",
    "AWS::NoValue",
    "AWS::Partition",
    "AWS::Region",
    "AWS::StackId",
    "AWS::StackName",
    "AWS::URLSuffix",
];

/// How deep conditions may refer to other conditions.
const MAX_CONDITION_DEPTH: usize = 128;

/// How deep `Fn::ForEach` loops may nest.
const MAX_FOR_EACH_DEPTH: usize = 4;

/// Whether a template looks like CloudFormation: it has
/// `AWSTemplateFormatVersion`, or a `Resources` mapping whose entries have a
/// `Type`.
pub(crate) fn looks_like_template(root: &Node) -> bool {
    if root.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    match root.get("Resources").map(|resources| &resources.value) {
        Some(Value::Object(entries)) => entries
            .iter()
            .any(|(_, resource)| resource.get("Type").is_some_and(|t| t.as_str().is_some())),
        _ => false,
    }
}

/// Loads a template from its parsed root.
pub(crate) fn load(file: &str, root: Node, options: &LoadOptions) -> Result<Document, LoadError> {
    if !matches!(root.value, Value::Object(_)) {
        return Err(LoadError::new(
            file,
            root.pos,
            format!(
                "a cloudformation template must be a mapping, found a {}",
                root.value.kind_name()
            ),
        ));
    }
    let (resources, edges) = {
        let mut template = Template::new(file, &root, options);
        let entries = template.resource_entries()?;
        let resources = template.build_resources(&entries);
        (resources, template.edges)
    };
    Ok(Document::new(file, InputKind::CloudFormation, resources, edges, root))
}

/// A resource definition found in `Resources`, with the loop variables
/// bound by `Fn::ForEach` when it comes from one.
struct Entry<'a> {
    id: String,
    definition: &'a Node,
    bindings: Vec<(Arc<str>, String)>,
}

/// The result of evaluating a condition.
#[derive(Clone, Debug, PartialEq)]
enum Truth {
    True,
    False,
    Unknown(Arc<str>),
}

impl Truth {
    fn from_bool(flag: bool) -> Truth {
        if flag { Truth::True } else { Truth::False }
    }
}

#[derive(Clone)]
enum Memo {
    Evaluating,
    Done(Truth),
}

/// One step of the path to the value being resolved; keys borrow from the
/// template so that walking does not allocate.
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

struct Template<'a> {
    file: &'a str,
    root: &'a Node,
    parameters: HashMap<&'a str, Node>,
    overrides: HashMap<&'a str, &'a str>,
    conditions: HashMap<&'a str, &'a Node>,
    condition_memo: HashMap<&'a str, Memo>,
    condition_depth: usize,
    mappings: Option<&'a Node>,
    resource_index: HashMap<String, usize>,
    /// The resource whose values are being resolved: references found now
    /// become edges from it.
    current: Option<usize>,
    /// `$` while resolving properties, `metadata` for the other attributes.
    path_root: &'static str,
    path: Vec<Step<'a>>,
    /// Loop variables of the `Fn::ForEach` being expanded.
    bindings: Vec<(Arc<str>, String)>,
    edges: Vec<Edge>,
    edge_seen: HashSet<(usize, usize, EdgeKind, String)>,
}

impl<'a> Template<'a> {
    fn new(file: &'a str, root: &'a Node, options: &'a LoadOptions) -> Template<'a> {
        let overrides: HashMap<&str, &str> = options
            .parameters
            .iter()
            .map(|(key, value)| (key.as_str(), value.as_str()))
            .collect();
        let conditions = root
            .get("Conditions")
            .and_then(Node::as_object)
            .map(|entries| entries.iter().map(|(k, v)| (&**k, v)).collect())
            .unwrap_or_default();
        let mut template = Template {
            file,
            root,
            parameters: HashMap::new(),
            overrides,
            conditions,
            condition_memo: HashMap::new(),
            condition_depth: 0,
            mappings: root.get("Mappings"),
            resource_index: HashMap::new(),
            current: None,
            path_root: "$",
            path: Vec::new(),
            bindings: Vec::new(),
            edges: Vec::new(),
            edge_seen: HashSet::new(),
        };
        template.parameters = template.parameter_values();
        template
    }

    /// The value of every parameter: the override, else the default, else
    /// unknown.
    fn parameter_values(&self) -> HashMap<&'a str, Node> {
        let mut values = HashMap::new();
        let Some(entries) = self.root.get("Parameters").and_then(Node::as_object) else {
            return values;
        };
        for (name, definition) in entries {
            let parameter_type = definition
                .get("Type")
                .and_then(Node::as_str)
                .unwrap_or("String");
            let pos = definition.pos;
            let value = if parameter_type.starts_with("AWS::SSM::Parameter::Value<") {
                let source = self
                    .overrides
                    .get(&**name)
                    .map(|text| (*text).to_string())
                    .or_else(|| {
                        definition
                            .get("Default")
                            .and_then(|d| convert::scalar_string(d).ok())
                    });
                let reason = match source {
                    Some(source) => format!(
                        "parameter `{name}` is read from the ssm parameter store (`{source}`)"
                    ),
                    None => format!("parameter `{name}` is read from the ssm parameter store"),
                };
                Node::unknown(reason, pos)
            } else if let Some(text) = self.overrides.get(&**name) {
                typed_parameter(Node::new(Value::string(text), pos), parameter_type)
            } else if let Some(default) = definition.get("Default") {
                typed_parameter(default.clone(), parameter_type)
            } else {
                Node::unknown(format!("parameter `{name}` has no default"), pos)
            };
            values.insert(&**name, value);
        }
        values
    }

    /// Lists the resources, expanding `Fn::ForEach` loops whose collection
    /// is known and skipping the others.
    fn resource_entries(&mut self) -> Result<Vec<Entry<'a>>, LoadError> {
        let mut entries = Vec::new();
        let Some(resources) = self.root.get("Resources").filter(|r| !r.is_null()) else {
            return Ok(entries);
        };
        let Value::Object(definitions) = &resources.value else {
            return Err(LoadError::new(
                self.file,
                resources.pos,
                "`Resources` must be a mapping of logical ids to resources",
            ));
        };
        for (id, definition) in definitions {
            self.collect_entry(id, definition, &[], 0, &mut entries)?;
        }
        for (index, entry) in entries.iter().enumerate() {
            self.resource_index.entry(entry.id.clone()).or_insert(index);
        }
        Ok(entries)
    }

    fn collect_entry(
        &mut self,
        id: &str,
        definition: &'a Node,
        bindings: &[(Arc<str>, String)],
        depth: usize,
        entries: &mut Vec<Entry<'a>>,
    ) -> Result<(), LoadError> {
        if id.starts_with("Fn::ForEach::") {
            if depth < MAX_FOR_EACH_DEPTH {
                self.expand_for_each(definition, bindings, depth, entries)?;
            }
            return Ok(());
        }
        if !matches!(definition.value, Value::Object(_)) {
            return Err(LoadError::new(
                self.file,
                definition.pos,
                format!("resource `{id}` must be a mapping"),
            ));
        }
        // A resource without a string `Type` (SAM passes them through, rain
        // modules use `!Rain::Module`) is kept with an empty type, so that
        // references to it still resolve.
        entries.push(Entry {
            id: id.to_string(),
            definition,
            bindings: bindings.to_vec(),
        });
        Ok(())
    }

    /// `Fn::ForEach::Name: [Identifier, Collection, {LogicalId${Identifier}: Resource}]`.
    fn expand_for_each(
        &mut self,
        definition: &'a Node,
        bindings: &[(Arc<str>, String)],
        depth: usize,
        entries: &mut Vec<Entry<'a>>,
    ) -> Result<(), LoadError> {
        let Some([identifier, collection, output]) = definition.as_list().and_then(|l| {
            <&[Node; 3]>::try_from(l).ok().map(|[a, b, c]| [a, b, c])
        }) else {
            return Ok(());
        };
        let (Some(identifier), Some(outputs)) = (identifier.as_str(), output.as_object()) else {
            return Ok(());
        };
        let saved = std::mem::replace(&mut self.bindings, bindings.to_vec());
        let collection = self.resolve(collection);
        self.bindings = saved;
        let Some(items) = collection.as_ref().and_then(Node::as_list) else {
            return Ok(());
        };
        let values: Vec<String> = items
            .iter()
            .filter_map(|item| convert::scalar_string(item).ok())
            .collect();
        for value in values {
            let mut inner = bindings.to_vec();
            inner.push((Arc::from(identifier), value.clone()));
            for (key, resource) in outputs {
                let id = substitute_loop_variable(key, identifier, &value);
                self.collect_entry(&id, resource, &inner, depth + 1, entries)?;
            }
        }
        Ok(())
    }

    fn build_resources(&mut self, entries: &[Entry<'a>]) -> Vec<crate::model::Resource> {
        let mut resources = Vec::with_capacity(entries.len());
        for (index, entry) in entries.iter().enumerate() {
            self.current = Some(index);
            self.bindings.clone_from(&entry.bindings);
            resources.push(self.build_resource(entry));
        }
        self.current = None;
        self.bindings.clear();
        resources
    }

    fn build_resource(&mut self, entry: &Entry<'a>) -> crate::model::Resource {
        let definition = entry.definition;
        let resource_type = definition
            .get("Type")
            .and_then(Node::as_str)
            .unwrap_or_default()
            .to_string();
        let empty = || Node::new(Value::Object(Vec::new()), definition.pos);
        self.path_root = "$";
        self.path.clear();
        let props = match definition.get("Properties") {
            Some(properties) => self.resolve(properties).unwrap_or_else(empty),
            None => empty(),
        };
        let tags = tags_from_properties(&props, definition.pos);

        self.path_root = "metadata";
        let mut metadata = Vec::new();
        if let Some(attributes) = definition.as_object() {
            for (key, value) in attributes {
                if &**key == "Type" || &**key == "Properties" {
                    continue;
                }
                self.path.clear();
                self.path.push(Step::Key(key));
                if &**key == "DependsOn" {
                    self.depends_on(value);
                }
                if let Some(resolved) = self.resolve(value) {
                    metadata.push((key.clone(), resolved));
                }
            }
        }
        self.path.clear();
        self.path_root = "$";
        crate::model::Resource {
            id: entry.id.clone(),
            resource_type,
            props,
            tags,
            metadata: Node::new(Value::Object(metadata), definition.pos),
            pos: definition.pos,
        }
    }

    fn depends_on(&mut self, value: &'a Node) {
        match &value.value {
            Value::String(name) => self.edge_to_name(name, EdgeKind::DependsOn),
            Value::List(items) => {
                for (index, item) in items.iter().enumerate() {
                    if let Some(name) = item.as_str() {
                        self.path.push(Step::Index(index));
                        self.edge_to_name(name, EdgeKind::DependsOn);
                        self.path.pop();
                    }
                }
            }
            _ => {}
        }
    }

    fn edge_to_name(&mut self, name: &str, kind: EdgeKind) {
        if let Some(&target) = self.resource_index.get(name) {
            self.edge(target, kind);
        }
    }

    /// Records an edge from the current resource at the current path.
    fn edge(&mut self, to: usize, kind: EdgeKind) {
        let Some(from) = self.current else {
            return;
        };
        let segments: Vec<PathSegment> = self
            .path
            .iter()
            .map(|step| match step {
                Step::Key(key) => PathSegment::Key(Arc::from(*key)),
                Step::Index(index) => PathSegment::Index(*index),
            })
            .collect();
        let path = render_path_from(self.path_root, &segments);
        if self.edge_seen.insert((from, to, kind, path.clone())) {
            self.edges.push(Edge {
                from,
                to,
                kind,
                path,
            });
        }
    }

    /// Resolves a value: intrinsic functions are evaluated, `AWS::NoValue`
    /// gives `None`.
    fn resolve(&mut self, node: &'a Node) -> Option<Node> {
        match &node.value {
            Value::String(text) => Some(match dynamic_reference(text) {
                Some(reference) => Node::unknown(
                    format!("dynamic reference `{reference}` is resolved at deploy time"),
                    node.pos,
                ),
                None => node.clone(),
            }),
            Value::List(items) => {
                let mut resolved = Vec::with_capacity(items.len());
                for item in items {
                    self.path.push(Step::Index(resolved.len()));
                    let value = self.resolve(item);
                    self.path.pop();
                    if let Some(value) = value {
                        resolved.push(value);
                    }
                }
                Some(Node::new(Value::List(resolved), node.pos))
            }
            Value::Object(entries) => {
                if let [(name, argument)] = entries.as_slice() {
                    if &**name == "Ref" || name.starts_with("Fn::") {
                        return self.intrinsic(name, argument, node.pos);
                    }
                }
                let mut resolved = Vec::with_capacity(entries.len());
                for (key, value) in entries {
                    self.path.push(Step::Key(key));
                    let value = self.resolve(value);
                    self.path.pop();
                    if let Some(value) = value {
                        resolved.push((key.clone(), value));
                    }
                }
                Some(Node::new(Value::Object(resolved), node.pos))
            }
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::Unknown(_) => {
                Some(node.clone())
            }
        }
    }

    /// Resolves an argument that must stand for a value (`AWS::NoValue` is
    /// not one).
    fn argument(&mut self, node: &'a Node) -> Node {
        self.resolve(node).unwrap_or_else(|| {
            Node::unknown("`AWS::NoValue` can not be used as an argument", node.pos)
        })
    }

    /// The value of a name in a `Ref` or a `${}` of `Fn::Sub`, recording an
    /// edge of `kind` when it names a resource. `None` for `AWS::NoValue`.
    fn named_value(&mut self, name: &str, kind: EdgeKind, pos: Pos) -> Option<Node> {
        if let Some((_, value)) = self.bindings.iter().rev().find(|(key, _)| &**key == name) {
            return Some(Node::new(Value::string(value), pos));
        }
        if let Some(value) = self.parameters.get(name) {
            let mut value = value.clone();
            value.pos = pos;
            return Some(value);
        }
        if PSEUDO_PARAMETERS.contains(&name) {
            if name == "AWS::NoValue" {
                return None;
            }
            return Some(self.pseudo_parameter(name, pos));
        }
        if let Some(&target) = self.resource_index.get(name) {
            self.edge(target, kind);
            return Some(Node::unknown(format!("physical id of `{name}`"), pos));
        }
        Some(Node::unknown(format!("`{name}` is not a parameter or resource of the template"), pos))
    }

    fn pseudo_parameter(&self, name: &str, pos: Pos) -> Node {
        match self.overrides.get(name) {
            Some(value) if name == "AWS::NotificationARNs" => Node::new(
                Value::List(
                    value
                        .split(',')
                        .filter(|part| !part.trim().is_empty())
                        .map(|part| Node::new(Value::string(part.trim()), pos))
                        .collect(),
                ),
                pos,
            ),
            Some(value) => Node::new(Value::string(value), pos),
            None => Node::unknown(
                format!("pseudo parameter `{name}` is known only at deploy time"),
                pos,
            ),
        }
    }

    /// Evaluates the named condition, once.
    fn condition(&mut self, name: &str) -> Truth {
        let Some((&key, &definition)) = self.conditions.get_key_value(name) else {
            return Truth::Unknown(Arc::from(format!("condition `{name}` is not defined").as_str()));
        };
        match self.condition_memo.get(key) {
            Some(Memo::Done(truth)) => return truth.clone(),
            Some(Memo::Evaluating) => {
                return Truth::Unknown(Arc::from(
                    format!("condition `{name}` depends on itself").as_str(),
                ));
            }
            None => {}
        }
        if self.condition_depth >= MAX_CONDITION_DEPTH {
            return Truth::Unknown(Arc::from("conditions refer to each other too deeply"));
        }
        self.condition_memo.insert(key, Memo::Evaluating);
        self.condition_depth += 1;
        // Conditions belong to no resource: their references are not edges.
        let current = self.current.take();
        let truth = self.truth(definition);
        self.current = current;
        self.condition_depth -= 1;
        self.condition_memo.insert(key, Memo::Done(truth.clone()));
        truth
    }

    /// Evaluates a condition expression.
    fn truth(&mut self, node: &'a Node) -> Truth {
        if let Some([(name, argument)]) = node.as_object() {
            if let Some(truth) = self.truth_function(name, argument) {
                return truth;
            }
        }
        let value = self.argument(node);
        match &value.value {
            Value::Bool(flag) => Truth::from_bool(*flag),
            Value::String(text) if text.eq_ignore_ascii_case("true") => Truth::True,
            Value::String(text) if text.eq_ignore_ascii_case("false") => Truth::False,
            Value::Unknown(reason) => Truth::Unknown(reason.clone()),
            other => Truth::Unknown(Arc::from(
                format!("a {} is not a condition", other.kind_name()).as_str(),
            )),
        }
    }

    /// Evaluates `{name: argument}` if `name` is a condition function
    /// (`Condition`, `Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not`).
    fn truth_function(&mut self, name: &str, argument: &'a Node) -> Option<Truth> {
        let items = argument.as_list().unwrap_or_default();
        Some(match name {
            "Condition" => match argument.as_str() {
                Some(condition) => self.condition(condition),
                None => Truth::Unknown(Arc::from("`Condition` expects a condition name")),
            },
            "Fn::Equals" => {
                let [left, right] = items else {
                    return Some(Truth::Unknown(Arc::from("`Fn::Equals` expects two values")));
                };
                let left = self.argument(left);
                let right = self.argument(right);
                match left.first_unknown().or_else(|| right.first_unknown()) {
                    Some(reason) => Truth::Unknown(Arc::from(reason)),
                    None => Truth::from_bool(loosely_equal(&left, &right)),
                }
            }
            "Fn::Not" => {
                let [inner] = items else {
                    return Some(Truth::Unknown(Arc::from("`Fn::Not` expects one condition")));
                };
                match self.truth(inner) {
                    Truth::True => Truth::False,
                    Truth::False => Truth::True,
                    unknown @ Truth::Unknown(_) => unknown,
                }
            }
            "Fn::And" | "Fn::Or" => {
                // Three-valued: one false decides `Fn::And`, one true decides
                // `Fn::Or`, whatever the unknown operands are.
                let is_and = name == "Fn::And";
                let mut unknown = None;
                for item in items {
                    match self.truth(item) {
                        Truth::True if !is_and => return Some(Truth::True),
                        Truth::False if is_and => return Some(Truth::False),
                        Truth::Unknown(reason) => {
                            unknown.get_or_insert(reason);
                        }
                        Truth::True | Truth::False => {}
                    }
                }
                match unknown {
                    Some(reason) => Truth::Unknown(reason),
                    None => Truth::from_bool(is_and),
                }
            }
            _ => return None,
        })
    }
}

/// Converts a parameter value to its type: lists are split on commas,
/// numbers parsed.
fn typed_parameter(node: Node, parameter_type: &str) -> Node {
    let pos = node.pos;
    let is_list = parameter_type == "CommaDelimitedList" || parameter_type.starts_with("List<");
    match (&node.value, is_list) {
        (Value::String(text), true) => {
            let numbers = parameter_type == "List<Number>";
            let items = if text.is_empty() {
                Vec::new()
            } else {
                text.split(',')
                    .map(|part| {
                        let part = part.trim();
                        match part.parse::<f64>() {
                            Ok(number) if numbers && number.is_finite() => {
                                Node::new(Value::Number(number), pos)
                            }
                            _ => Node::new(Value::string(part), pos),
                        }
                    })
                    .collect()
            };
            Node::new(Value::List(items), pos)
        }
        (Value::String(text), false) if parameter_type == "Number" => {
            match text.trim().parse::<f64>() {
                Ok(number) if number.is_finite() => Node::new(Value::Number(number), pos),
                _ => node,
            }
        }
        _ => node,
    }
}

/// Replaces `${Identifier}` and `&{Identifier}` in a `Fn::ForEach` key.
fn substitute_loop_variable(key: &str, identifier: &str, value: &str) -> String {
    let alphanumeric: String = value.chars().filter(char::is_ascii_alphanumeric).collect();
    key.replace(&format!("${{{identifier}}}"), value)
        .replace(&format!("&{{{identifier}}}"), &alphanumeric)
}

/// The `{{resolve:...}}` reference inside a string, if any.
fn dynamic_reference(text: &str) -> Option<&str> {
    let start = text.find("{{resolve:")?;
    let rest = text.get(start..)?;
    Some(match rest.find("}}") {
        Some(end) => rest.get(..end + 2).unwrap_or(rest),
        None => rest,
    })
}

/// Compares two known values the way `Fn::Equals` does: scalars by their
/// string form.
fn loosely_equal(left: &Node, right: &Node) -> bool {
    match (convert::scalar_string(left), convert::scalar_string(right)) {
        (Ok(a), Ok(b)) => a == b,
        _ => left.same_value(right),
    }
}

/// The tags of a resource from its `Tags` property: a list of
/// `{Key, Value}` or a mapping (SAM and some resource types).
fn tags_from_properties(props: &Node, pos: Pos) -> Node {
    let Some(tags) = props.get("Tags") else {
        return Node::null(pos);
    };
    match &tags.value {
        Value::List(items) => {
            let mut entries: Vec<(Arc<str>, Node)> = Vec::with_capacity(items.len());
            for item in items {
                let (Some(key), Some(value)) = (item.get("Key"), item.get("Value")) else {
                    continue;
                };
                let Ok(key) = convert::scalar_string(key) else {
                    continue;
                };
                let key: Arc<str> = Arc::from(key.as_str());
                match entries.iter_mut().find(|(existing, _)| *existing == key) {
                    Some(slot) => slot.1 = value.clone(),
                    None => entries.push((key, value.clone())),
                }
            }
            Node::new(Value::Object(entries), tags.pos)
        }
        Value::Object(_) | Value::Unknown(_) => tags.clone(),
        _ => Node::null(tags.pos),
    }
}
