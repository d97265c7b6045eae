//! CloudFormation (and SAM) templates: resources, intrinsic functions and
//! the references between resources.
//!
//! Resolution is symbolic. A value that the template alone can not determine
//! (a parameter without default, a pseudo parameter, the physical id of a
//! resource, a condition that depends on one of those) becomes
//! [`Value::Unknown`] with a reason, and every function that consumes an
//! unknown value is unknown too, with the same reason.
//!
//! Conditions are decided where the template decides them: a resource whose
//! `Condition` is false is not in the document, and `Fn::If` takes its
//! branch. Where a condition (or the key of `Fn::FindInMap`) is left open by
//! parameters without defaults or pseudo parameters, the template is
//! resolved once more for each way it can turn out ([`Variant`]): a
//! parameter compared with a literal is that literal or not, a parameter
//! used as a mapping key is each of the mapping's keys, any other open
//! condition is true or false. Rules judge every variant and the engines
//! combine the outcomes, so a check that holds on every branch of an open
//! `Fn::If` passes, and one that fails on some only is *unknown*.

mod convert;
mod functions;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

pub(crate) use convert::format_number;

use crate::json::FastBuild;
use crate::model::{
    Assumption, Document, Edge, EdgeKind, InputKind, LoadError, LoadOptions, Node, PathSegment,
    Pos, Unknown, UnknownKind, Value, Variant, write_path,
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

/// How many resources `Fn::ForEach` loops may produce.
const MAX_RESOURCES: usize = 1_000_000;

/// At most this many variants of one template are resolved.
const MAX_VARIANTS: usize = 32;

/// At most this many resolutions of one template are made while looking
/// for its variants, and at most [`MAX_VARIANT_RESOURCES`] resources
/// resolved in all: a big template gets fewer variants. Choices left open
/// past these bounds stay *unknown*.
const MAX_RESOLUTIONS: usize = 64;

/// See [`MAX_RESOLUTIONS`].
const MAX_VARIANT_RESOURCES: usize = 2_000_000;

/// How much resolution may copy (values copied from parameters, mappings and
/// lists, and text built by functions, in units of about one value or 16
/// bytes). A small template that refers to a big parameter many times must
/// not expand without bound.
const MAX_EXPANSION: usize = 8_000_000;

/// Whether a template looks like CloudFormation: it has
/// `AWSTemplateFormatVersion`, or a `Resources` mapping whose entries have a
/// `Type` (or that is empty, beside other template sections).
pub(crate) fn looks_like_template(root: &Node) -> bool {
    if root.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    match root.get("Resources").map(|resources| &resources.value) {
        Some(Value::Object(entries)) if entries.is_empty() => {
            // An empty `Resources` is a template when other sections say so.
            [
                "Parameters",
                "Conditions",
                "Mappings",
                "Outputs",
                "Transform",
            ]
            .iter()
            .any(|section| root.get(section).is_some())
        }
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
                "a cloudformation template must be a mapping, found {}",
                root.value.described()
            ),
        ));
    }
    // The parsed resources are moved into the resolved ones, so that a
    // template is held once. Only a template whose conditions or mappings
    // can leave choices open keeps a parsed copy, to resolve its variants
    // from, until they are made.
    let mut root = root;
    let mut resources = take_resources(&mut root);
    if let (Some(globals), Some(resources)) = (root.get("Globals"), resources.as_mut()) {
        apply_sam_globals(globals, resources);
    }
    let may_vary = root.get("Conditions").is_some() || root.get("Mappings").is_some();
    let kept = if may_vary { resources.clone() } else { None };
    let root = Arc::new(root);
    let (mut document, open) = resolve_under(file, &root, resources, options, &Assumed::default())?;
    if let (Some(choice), true) = (open.first(), may_vary) {
        let budget = MAX_RESOLUTIONS.min(MAX_VARIANT_RESOURCES / document.resources.len().max(1));
        let mut explorer = Explorer {
            file,
            root: &root,
            resources: kept.as_ref(),
            options,
            resolutions: budget,
            variants: Vec::new(),
            failed: false,
        };
        explorer.branch(&[], choice, 0);
        if !explorer.failed {
            document.variants = explorer.variants;
        }
    }
    Ok(document)
}

/// Resolves the template under some assumptions; also gives the choices
/// the template still leaves open, in the order they were met.
fn resolve_under(
    file: &str,
    root: &Arc<Node>,
    resources: Option<Node>,
    options: &LoadOptions,
    assumed: &Assumed,
) -> Result<(Document, Vec<Choice>), LoadError> {
    let extended;
    let options = if assumed.parameters.is_empty() {
        options
    } else {
        let mut with_assumed = options.clone();
        with_assumed
            .parameters
            .extend(assumed.parameters.iter().cloned());
        extended = with_assumed;
        &extended
    };
    let mut template = Template::new(file, root, options, assumed);
    let entries = template.resource_entries(resources)?;
    let resources = template.build_resources(entries);
    if let Some(pos) = template.exhausted {
        return Err(LoadError::new(
            file,
            pos,
            format!(
                "the template expands to too many values (more than {MAX_EXPANSION} copied from parameters, mappings and functions)"
            ),
        ));
    }
    let open = std::mem::take(&mut template.open);
    let edges = std::mem::take(&mut template.edges);
    let document = Document::new(
        file,
        InputKind::CloudFormation,
        resources,
        edges,
        Arc::clone(root),
    );
    Ok((document, open))
}

/// The section of a SAM template's `Globals` that gives defaults to a
/// resource type.
fn globals_section(resource_type: &str) -> Option<&'static str> {
    match resource_type {
        "AWS::Serverless::Function" => Some("Function"),
        "AWS::Serverless::Api" => Some("Api"),
        "AWS::Serverless::HttpApi" => Some("HttpApi"),
        "AWS::Serverless::SimpleTable" => Some("SimpleTable"),
        "AWS::Serverless::LayerVersion" => Some("LayerVersion"),
        _ => None,
    }
}

/// Gives the serverless resources of a SAM template the properties of its
/// `Globals`, as the SAM transform does before deployment: a property the
/// resource does not set is taken from `Globals` (located there), maps
/// are merged key by key with the resource's own values first, and lists
/// are the `Globals` items followed by the resource's.
fn apply_sam_globals(globals: &Node, resources: &mut Node) {
    let Value::Object(entries) = &mut resources.value else {
        return;
    };
    for (_, resource) in entries.iter_mut() {
        let Some(section) = resource
            .get("Type")
            .and_then(Node::as_str)
            .and_then(globals_section)
            .and_then(|section| globals.get(section))
        else {
            continue;
        };
        if !matches!(section.value, Value::Object(_)) {
            continue;
        }
        let Value::Object(fields) = &mut resource.value else {
            continue;
        };
        match fields.iter_mut().find(|(key, _)| &**key == "Properties") {
            Some((_, properties)) => merge_global(properties, section),
            None => fields.push((Arc::from("Properties"), section.clone())),
        }
    }
}

/// Merges a `Globals` value into a resource's value (see
/// [`apply_sam_globals`]).
fn merge_global(own: &mut Node, global: &Node) {
    match (&mut own.value, &global.value) {
        (Value::Object(fields), Value::Object(defaults)) => {
            for (key, default) in defaults {
                match fields.iter_mut().find(|(own_key, _)| own_key == key) {
                    Some((_, value)) => merge_global(value, default),
                    None => fields.push((key.clone(), default.clone())),
                }
            }
        }
        (Value::List(items), Value::List(defaults)) => {
            let mut merged = defaults.clone();
            merged.append(items);
            *items = merged;
        }
        _ => {}
    }
}

/// Takes the `Resources` section out of a parsed template.
fn take_resources(root: &mut Node) -> Option<Node> {
    let Value::Object(entries) = &mut root.value else {
        return None;
    };
    let position = entries.iter().position(|(key, _)| &**key == "Resources")?;
    Some(entries.remove(position).1)
}

/// A choice the template leaves open, which variants make.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Choice {
    /// A parameter compared with a literal in a condition: it is that
    /// literal, or it is not.
    Equals {
        parameter: Arc<str>,
        value: Arc<str>,
    },
    /// A parameter used as the top-level key of `Fn::FindInMap`: it is one
    /// of the mapping's keys.
    MapKey {
        parameter: Arc<str>,
        keys: Vec<Arc<str>>,
    },
    /// Any other open condition: it holds, or it does not.
    Condition(Arc<str>),
}

/// What a variant assumes, in the form resolution reads it.
#[derive(Clone, Debug, Default)]
struct Assumed {
    /// Parameter values, added to the load options' parameters.
    parameters: Vec<(String, String)>,
    /// Values parameters do not have.
    excluded: HashSet<(Arc<str>, Arc<str>)>,
    /// Conditions taken to hold or not.
    forced: HashMap<Arc<str>, bool>,
}

impl Assumed {
    fn from_assumptions(assumptions: &[Assumption]) -> Assumed {
        let mut assumed = Assumed::default();
        for assumption in assumptions {
            match assumption {
                Assumption::Condition { name, holds } => {
                    assumed.forced.insert(name.clone(), *holds);
                }
                Assumption::Parameter { name, value } => assumed
                    .parameters
                    .push((name.to_string(), value.to_string())),
                Assumption::NotParameter { name, value } => {
                    assumed.excluded.insert((name.clone(), value.clone()));
                }
            }
        }
        assumed
    }
}

/// Looks for a template's variants: takes the first open choice, resolves
/// the template under each of its answers, and goes on while choices stay
/// open and the budget lasts.
struct Explorer<'t> {
    file: &'t str,
    root: &'t Arc<Node>,
    /// The parsed `Resources` section.
    resources: Option<&'t Node>,
    options: &'t LoadOptions,
    /// Resolutions left.
    resolutions: usize,
    variants: Vec<Variant>,
    /// Set when a variant failed to resolve: then there are none.
    failed: bool,
}

impl Explorer<'_> {
    /// Resolves the template under each answer to `choice`, and goes on
    /// branching on what each answer leaves open. `pending` answers of
    /// earlier choices still wait for their turn. False, with nothing done,
    /// when the budget does not allow it.
    fn branch(&mut self, assumed: &[Assumption], choice: &Choice, pending: usize) -> bool {
        let answers = self.answers(assumed, choice);
        if self.failed
            || self.variants.len() + pending + answers.len() > MAX_VARIANTS
            || self.resolutions < answers.len()
        {
            return false;
        }
        let count = answers.len();
        for (position, answer) in answers.into_iter().enumerate() {
            let mut next = assumed.to_vec();
            next.extend(answer);
            let assumed = Assumed::from_assumptions(&next);
            let resolved = resolve_under(
                self.file,
                self.root,
                self.resources.cloned(),
                self.options,
                &assumed,
            );
            let Ok((document, open)) = resolved else {
                // A variant that does not resolve (the expansion budget)
                // leaves the template to its undecided form.
                self.failed = true;
                return true;
            };
            self.resolutions -= 1;
            let later = pending + (count - position - 1);
            let branched = match open.first() {
                Some(choice) if !decided(&next, choice) => self.branch(&next, choice, later),
                _ => false,
            };
            if !branched {
                self.variants.push(Variant {
                    assumptions: next,
                    document,
                });
            }
        }
        true
    }

    /// The answers to a choice, each a list of assumptions.
    fn answers(&self, assumed: &[Assumption], choice: &Choice) -> Vec<Vec<Assumption>> {
        match choice {
            Choice::Condition(name) => [true, false]
                .into_iter()
                .map(|holds| {
                    vec![Assumption::Condition {
                        name: name.clone(),
                        holds,
                    }]
                })
                .collect(),
            Choice::Equals { parameter, value } => {
                let is = vec![Assumption::Parameter {
                    name: parameter.clone(),
                    value: value.clone(),
                }];
                // A parameter with allowed values that all but one are
                // excluded has the last one.
                let allowed = self.allowed_values(parameter);
                let excluded = |candidate: &Arc<str>| {
                    candidate == value
                        || assumed.iter().any(|a| {
                            matches!(a, Assumption::NotParameter { name, value: v }
                                if name == parameter && v == candidate)
                        })
                };
                let remaining: Vec<Arc<str>> = allowed
                    .iter()
                    .filter(|candidate| !excluded(candidate))
                    .cloned()
                    .collect();
                let is_not = match remaining.as_slice() {
                    [] if !allowed.is_empty() => return vec![is],
                    [only] => vec![Assumption::Parameter {
                        name: parameter.clone(),
                        value: only.clone(),
                    }],
                    _ => vec![Assumption::NotParameter {
                        name: parameter.clone(),
                        value: value.clone(),
                    }],
                };
                vec![is, is_not]
            }
            Choice::MapKey { parameter, keys } => keys
                .iter()
                .map(|key| {
                    vec![Assumption::Parameter {
                        name: parameter.clone(),
                        value: key.clone(),
                    }]
                })
                .collect(),
        }
    }

    /// The `AllowedValues` of a parameter, as strings.
    fn allowed_values(&self, parameter: &str) -> Vec<Arc<str>> {
        self.root
            .get("Parameters")
            .and_then(|parameters| parameters.get(parameter))
            .and_then(|definition| definition.get("AllowedValues"))
            .and_then(Node::as_list)
            .unwrap_or_default()
            .iter()
            .filter_map(|value| convert::scalar_string(value).ok())
            .map(|value| Arc::from(value.as_str()))
            .collect()
    }
}

/// A resource definition found in `Resources`, with the loop variables
/// bound by `Fn::ForEach` when it comes from one.
struct Entry {
    id: String,
    definition: Node,
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
    /// The truth, and for an unknown one the choice that would decide it.
    Done(Truth, Option<Choice>),
}

struct Template<'a> {
    file: &'a str,
    root: &'a Node,
    /// What the variant being resolved assumes.
    assumed: &'a Assumed,
    /// The choice that would decide the unknown condition just evaluated.
    choice: Option<Choice>,
    /// The choices left open so far, in the order they were met.
    open: Vec<Choice>,
    /// Resources that are not created because their condition is false,
    /// with the reason.
    absent: HashMap<String, Arc<str>, FastBuild>,
    parameters: HashMap<&'a str, Node, FastBuild>,
    overrides: HashMap<&'a str, &'a str, FastBuild>,
    conditions: HashMap<&'a str, &'a Node, FastBuild>,
    condition_memo: HashMap<&'a str, Memo, FastBuild>,
    condition_depth: usize,
    mappings: Option<&'a Node>,
    resource_index: HashMap<String, usize, FastBuild>,
    /// The resource whose values are being resolved: references found now
    /// become edges from it.
    current: Option<usize>,
    /// `$` while resolving properties, `metadata` for the other attributes.
    path_root: &'static str,
    /// The path to the value being resolved (keys are shared, not copied).
    path: Vec<PathSegment>,
    /// Above zero while resolving the arguments of a function: the path then
    /// stays at the function, where the reference stands in the result.
    frozen: usize,
    /// Loop variables of the `Fn::ForEach` being expanded.
    bindings: Vec<(Arc<str>, String)>,
    edges: Vec<Edge>,
    /// Where the edges of the current resource start in `edges`: duplicates
    /// are looked for among those only.
    first_edge: usize,
    /// Edges of the current resource, once it has many.
    edge_seen: HashSet<(usize, EdgeKind, String), FastBuild>,
    /// How much resolution has copied so far, against [`MAX_EXPANSION`].
    expansion: usize,
    /// Where the expansion budget ran out, if it did.
    exhausted: Option<Pos>,
}

impl<'a> Template<'a> {
    fn new(
        file: &'a str,
        root: &'a Node,
        options: &'a LoadOptions,
        assumed: &'a Assumed,
    ) -> Template<'a> {
        let overrides: HashMap<&str, &str, FastBuild> = options
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
            assumed,
            choice: None,
            open: Vec::new(),
            absent: HashMap::default(),
            parameters: HashMap::default(),
            overrides,
            conditions,
            condition_memo: HashMap::default(),
            condition_depth: 0,
            mappings: root.get("Mappings"),
            resource_index: HashMap::default(),
            current: None,
            path_root: "$",
            path: Vec::new(),
            frozen: 0,
            bindings: Vec::new(),
            edges: Vec::new(),
            first_edge: 0,
            edge_seen: HashSet::default(),
            expansion: 0,
            exhausted: None,
        };
        template.parameters = template.parameter_values();
        template
    }

    /// The value of every parameter: the override, else the default, else
    /// unknown.
    fn parameter_values(&self) -> HashMap<&'a str, Node, FastBuild> {
        let mut values = HashMap::default();
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
                Node::unknown_of_kind(reason, UnknownKind::Parameter { name: name.clone() }, pos)
            } else if let Some(text) = self.overrides.get(&**name) {
                typed_parameter(Node::new(Value::string(text), pos), parameter_type)
            } else if let Some(default) = definition.get("Default") {
                typed_parameter(default.clone(), parameter_type)
            } else {
                Node::unknown_of_kind(
                    format!("parameter `{name}` has no default"),
                    UnknownKind::Parameter { name: name.clone() },
                    pos,
                )
            };
            values.insert(&**name, value);
        }
        values
    }

    /// Lists the resources, expanding `Fn::ForEach` loops whose collection
    /// is known and skipping the others.
    /// The resource definitions of the `Resources` section (taken by
    /// [`take_resources`]), `Fn::ForEach` loops expanded, those whose
    /// condition is false left out.
    fn resource_entries(&mut self, resources: Option<Node>) -> Result<Vec<Entry>, LoadError> {
        let mut entries = Vec::new();
        let Some(resources) = resources.filter(|r| !r.is_null()) else {
            return Ok(entries);
        };
        let Value::Object(definitions) = resources.value else {
            return Err(LoadError::new(
                self.file,
                resources.pos,
                "`Resources` must be a mapping of logical ids to resources",
            ));
        };
        for (id, definition) in definitions {
            self.collect_entry(&id, definition, &[], 0, &mut entries)?;
        }
        // A resource whose condition is false is not created.
        entries.retain(|entry| {
            let Some(name) = entry.definition.get("Condition").and_then(Node::as_str) else {
                return true;
            };
            if self.top_condition(name) == Truth::False {
                self.absent.insert(
                    entry.id.clone(),
                    Arc::from(format!("condition `{name}` is false").as_str()),
                );
                return false;
            }
            true
        });
        for (index, entry) in entries.iter().enumerate() {
            self.resource_index.entry(entry.id.clone()).or_insert(index);
        }
        Ok(entries)
    }

    fn collect_entry(
        &mut self,
        id: &str,
        definition: Node,
        bindings: &[(Arc<str>, String)],
        depth: usize,
        entries: &mut Vec<Entry>,
    ) -> Result<(), LoadError> {
        if id.starts_with("Fn::ForEach::") {
            if depth < MAX_FOR_EACH_DEPTH {
                self.expand_for_each(&definition, bindings, depth, entries)?;
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
        definition: &Node,
        bindings: &[(Arc<str>, String)],
        depth: usize,
        entries: &mut Vec<Entry>,
    ) -> Result<(), LoadError> {
        let Some([identifier, collection, output]) = definition
            .as_list()
            .and_then(|l| <&[Node; 3]>::try_from(l).ok().map(|[a, b, c]| [a, b, c]))
        else {
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
                if entries.len() >= MAX_RESOURCES {
                    return Err(LoadError::new(
                        self.file,
                        definition.pos,
                        format!("`Fn::ForEach` expands to more than {MAX_RESOURCES} resources"),
                    ));
                }
                let id = substitute_loop_variable(key, identifier, &value);
                self.collect_entry(&id, resource.clone(), &inner, depth + 1, entries)?;
            }
        }
        Ok(())
    }

    fn build_resources(&mut self, entries: Vec<Entry>) -> Vec<crate::model::Resource> {
        let mut resources = Vec::with_capacity(entries.len());
        for (index, entry) in entries.into_iter().enumerate() {
            self.current = Some(index);
            self.first_edge = self.edges.len();
            self.edge_seen.clear();
            let Entry {
                id,
                definition,
                bindings,
            } = entry;
            self.bindings = bindings;
            resources.push(self.build_resource(id, definition));
        }
        self.current = None;
        self.bindings.clear();
        resources
    }

    /// Resolves one resource definition, moving its values.
    fn build_resource(&mut self, id: String, definition: Node) -> crate::model::Resource {
        let pos = definition.pos;
        let condition: Option<Arc<str>> = definition
            .get("Condition")
            .and_then(Node::as_str)
            .map(Arc::from);
        let attributes = match definition.value {
            Value::Object(attributes) => attributes,
            _ => Vec::new(),
        };
        let mut resource_type = String::new();
        let mut properties = None;
        let mut others = Vec::with_capacity(attributes.len());
        for (key, value) in attributes {
            match &*key {
                "Type" => {
                    if let Some(name) = value.as_str() {
                        resource_type = name.to_string();
                    }
                }
                "Properties" => properties = Some(value),
                _ => others.push((key, value)),
            }
        }
        let empty = || Node::new(Value::Object(Vec::new()), pos);
        self.path_root = "$";
        self.path.clear();
        let props = match properties {
            Some(properties) => self.resolve_owned(properties).unwrap_or_else(empty),
            None => empty(),
        };
        let tags = tags_from_properties(&props, pos);

        self.path_root = "metadata";
        let mut metadata = Vec::with_capacity(others.len());
        for (key, value) in others {
            self.path.clear();
            self.path.push(PathSegment::Key(key.clone()));
            if &*key == "DependsOn" {
                self.depends_on(&value);
            }
            if let Some(resolved) = self.resolve_owned(value) {
                metadata.push((key, resolved));
            }
        }
        self.path.clear();
        self.path_root = "$";
        let undecided = condition.and_then(|name| match self.top_condition(&name) {
            Truth::Unknown(reason) => Some(Arc::from(
                format!("condition `{name}` is unknown: {reason}").as_str(),
            )),
            Truth::True | Truth::False => None,
        });
        crate::model::Resource {
            id,
            resource_type,
            props,
            tags,
            metadata: Node::new(Value::Object(metadata), pos),
            pos,
            undecided,
        }
    }

    fn depends_on(&mut self, value: &Node) {
        match &value.value {
            Value::String(name) => self.edge_to_name(name, EdgeKind::DependsOn),
            Value::List(items) => {
                for (index, item) in items.iter().enumerate() {
                    if let Some(name) = item.as_str() {
                        self.path.push(PathSegment::Index(index));
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

    /// Records an edge from the current resource at the current path,
    /// unless the same edge is already there.
    fn edge(&mut self, to: usize, kind: EdgeKind) {
        /// Past this many edges in one resource, duplicates are found with a
        /// hash set rather than a scan.
        const SCAN_LIMIT: usize = 32;
        let Some(from) = self.current else {
            return;
        };
        let mut path = String::with_capacity(self.path_root.len() + self.path.len() * 12);
        write_path(
            self.path_root,
            self.path.iter().map(PathSegment::as_step),
            &mut path,
        );
        let own = self.edges.get(self.first_edge..).unwrap_or_default();
        let duplicate = if own.len() < SCAN_LIMIT {
            own.iter()
                .any(|e| e.to == to && e.kind == kind && e.path == path)
        } else {
            if self.edge_seen.is_empty() {
                self.edge_seen = own.iter().map(|e| (e.to, e.kind, e.path.clone())).collect();
            }
            !self.edge_seen.insert((to, kind, path.clone()))
        };
        if !duplicate {
            self.edges.push(Edge {
                from,
                to,
                kind,
                path,
            });
        }
    }

    /// Resolves a value the template keeps (a parameter's default, a
    /// mapping entry, an argument of a function): as [`Template::resolve_owned`]
    /// on a copy.
    fn resolve(&mut self, node: &Node) -> Option<Node> {
        self.resolve_owned(node.clone())
    }

    /// Resolves a value: intrinsic functions are evaluated, `AWS::NoValue`
    /// gives `None`. The value is consumed: what needs no resolving (most
    /// of a template) is moved into the result, lists and objects keep
    /// their allocations.
    fn resolve_owned(&mut self, node: Node) -> Option<Node> {
        let pos = node.pos;
        match node.value {
            Value::String(text) => Some(match dynamic_unknown(&text) {
                Some(unknown) => Node::new(Value::Unknown(Arc::new(unknown)), pos),
                None => Node::new(Value::String(text), pos),
            }),
            Value::List(items) => {
                let mut position = 0;
                let resolved: Vec<Node> = items
                    .into_iter()
                    .filter_map(|item| {
                        let entered = self.enter(PathSegment::Index(position));
                        let value = self.resolve_owned(item);
                        self.leave(entered);
                        position += usize::from(value.is_some());
                        value
                    })
                    .collect();
                Some(Node::new(Value::List(resolved), pos))
            }
            Value::Object(mut entries) => {
                if let [(name, _)] = entries.as_slice()
                    && is_function_name(name)
                {
                    let (name, argument) = entries.pop()?;
                    // The branches of `Fn::If` stand where the function
                    // does, so paths go on into them.
                    let freeze = &*name != "Fn::If";
                    self.frozen += usize::from(freeze);
                    let value = self.intrinsic(&name, &argument, pos);
                    self.frozen -= usize::from(freeze);
                    return value;
                }
                let resolved: Vec<(Arc<str>, Node)> = entries
                    .into_iter()
                    .filter_map(|(key, value)| {
                        let entered = self.enter(PathSegment::Key(key.clone()));
                        let value = self.resolve_owned(value);
                        self.leave(entered);
                        value.map(|value| (key, value))
                    })
                    .collect();
                Some(Node::new(Value::Object(resolved), pos))
            }
            value @ (Value::Null | Value::Bool(_) | Value::Number(_) | Value::Unknown(_)) => {
                Some(Node::new(value, pos))
            }
        }
    }

    /// Charges `amount` to the expansion budget; false once it is spent.
    pub(super) fn spend(&mut self, amount: usize, pos: Pos) -> bool {
        self.expansion = self.expansion.saturating_add(amount);
        if self.expansion > MAX_EXPANSION {
            self.exhausted.get_or_insert(pos);
            return false;
        }
        true
    }

    /// Charges a copied value to the expansion budget; an unknown value once
    /// the budget is spent.
    pub(super) fn copied(&mut self, node: Node) -> Node {
        let size = match &node.value {
            Value::List(_) | Value::Object(_) => node.count_nodes(),
            Value::String(text) => 1 + text.len() / 16,
            _ => 1,
        };
        if self.spend(size, node.pos) {
            node
        } else {
            Node::unknown("the template expands to too many values", node.pos)
        }
    }

    fn enter(&mut self, step: PathSegment) -> bool {
        if self.frozen > 0 {
            return false;
        }
        self.path.push(step);
        true
    }

    fn leave(&mut self, entered: bool) {
        if entered {
            self.path.pop();
        }
    }

    /// Resolves an argument that must stand for a value (`AWS::NoValue` is
    /// not one).
    fn argument(&mut self, node: &Node) -> Node {
        self.resolve(node).unwrap_or_else(|| {
            Node::unknown("`AWS::NoValue` can not be used as an argument", node.pos)
        })
    }

    /// The value of a name in a `Ref` or a `${}` of `Fn::Sub`, recording an
    /// edge of `kind` when it names a resource. `None` for `AWS::NoValue`.
    fn named_value(&mut self, name: &str, kind: EdgeKind, pos: Pos) -> Option<Node> {
        if self.exhausted.is_some() {
            return Some(Node::unknown(
                "the template expands to too many values",
                pos,
            ));
        }
        if let Some((_, value)) = self.bindings.iter().rev().find(|(key, _)| &**key == name) {
            return Some(Node::new(Value::string(value), pos));
        }
        if let Some(value) = self.parameters.get(name) {
            let mut value = value.clone();
            value.pos = pos;
            return Some(self.copied(value));
        }
        if PSEUDO_PARAMETERS.contains(&name) {
            if name == "AWS::NoValue" {
                return None;
            }
            return Some(self.pseudo_parameter(name, pos));
        }
        if let Some(&target) = self.resource_index.get(name) {
            self.edge(target, kind);
            return Some(Node::unknown_of_kind(
                format!("physical id of `{name}`"),
                UnknownKind::Reference {
                    resource: Arc::from(name),
                    attribute: None,
                },
                pos,
            ));
        }
        if let Some(reason) = self.absent.get(name) {
            return Some(Node::unknown(
                format!("resource `{name}` is not created: {reason}"),
                pos,
            ));
        }
        Some(Node::unknown(
            format!("`{name}` is not a parameter or resource of the template"),
            pos,
        ))
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
            None => Node::unknown_of_kind(
                format!("pseudo parameter `{name}` is known only at deploy time"),
                UnknownKind::PseudoParameter {
                    name: Arc::from(name),
                },
                pos,
            ),
        }
    }

    /// Whether a variant can give `name` a value: a parameter of the
    /// template (other than one read from the SSM parameter store) or a
    /// pseudo parameter.
    fn assumable(&self, name: &str) -> bool {
        if PSEUDO_PARAMETERS.contains(&name) {
            return name != "AWS::NoValue";
        }
        self.root
            .get("Parameters")
            .and_then(|parameters| parameters.get(name))
            .is_some_and(|definition| {
                !definition
                    .get("Type")
                    .and_then(Node::as_str)
                    .is_some_and(|t| t.starts_with("AWS::SSM::Parameter::Value<"))
            })
    }

    /// Evaluates a condition that a resource or `Fn::If` names: when it is
    /// unknown, the choice that would decide it is left open.
    fn top_condition(&mut self, name: &str) -> Truth {
        self.choice = None;
        let truth = self.condition(name);
        if let Some(choice) = self.choice.take()
            && matches!(truth, Truth::Unknown(_))
            && !self.open.contains(&choice)
        {
            self.open.push(choice);
        }
        truth
    }

    /// Evaluates the named condition, once. When it is unknown,
    /// [`Template::choice`] holds what would decide it (if it was empty).
    fn condition(&mut self, name: &str) -> Truth {
        let Some((&key, &definition)) = self.conditions.get_key_value(name) else {
            return Truth::Unknown(Arc::from(
                format!("condition `{name}` is not defined").as_str(),
            ));
        };
        if let Some(&holds) = self.assumed.forced.get(name) {
            return Truth::from_bool(holds);
        }
        match self.condition_memo.get(key) {
            Some(Memo::Done(truth, choice)) => {
                if self.choice.is_none() {
                    self.choice.clone_from(choice);
                }
                return truth.clone();
            }
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
        let outer = self.choice.take();
        let truth = self.truth(definition);
        let mut choice = self.choice.take();
        if matches!(truth, Truth::Unknown(_)) {
            // An open condition that no parameter comparison decides is
            // decided by itself.
            choice.get_or_insert_with(|| Choice::Condition(Arc::from(key)));
        } else {
            choice = None;
        }
        self.choice = outer.or_else(|| choice.clone());
        self.current = current;
        self.condition_depth -= 1;
        self.condition_memo
            .insert(key, Memo::Done(truth.clone(), choice));
        truth
    }

    /// Evaluates a condition expression.
    fn truth(&mut self, node: &Node) -> Truth {
        if let Some([(name, argument)]) = node.as_object()
            && let Some(truth) = self.truth_function(name, argument)
        {
            return truth;
        }
        let value = self.argument(node);
        match &value.value {
            Value::Bool(flag) => Truth::from_bool(*flag),
            Value::String(text) if text.eq_ignore_ascii_case("true") => Truth::True,
            Value::String(text) if text.eq_ignore_ascii_case("false") => Truth::False,
            Value::Unknown(unknown) => Truth::Unknown(unknown.reason.clone()),
            other => Truth::Unknown(Arc::from(
                format!("{} is not a condition", other.described()).as_str(),
            )),
        }
    }

    /// Evaluates `{name: argument}` if `name` is a condition function
    /// (`Condition`, `Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not`).
    fn truth_function(&mut self, name: &str, argument: &Node) -> Option<Truth> {
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
                let (left_node, right_node) = (left, right);
                let left = self.argument(left_node);
                let right = self.argument(right_node);
                match left.first_unknown().or_else(|| right.first_unknown()) {
                    Some(reason) => {
                        let reason = Arc::from(reason);
                        let compared = compared_parameter(left_node, &left, &right)
                            .or_else(|| compared_parameter(right_node, &right, &left))
                            .filter(|(parameter, _)| self.assumable(parameter));
                        match compared {
                            Some((parameter, value)) => {
                                let key = (Arc::from(parameter), Arc::from(value.as_str()));
                                if self.assumed.excluded.contains(&key) {
                                    return Some(Truth::False);
                                }
                                if self.choice.is_none() {
                                    self.choice = Some(Choice::Equals {
                                        parameter: key.0,
                                        value: key.1,
                                    });
                                }
                                Truth::Unknown(reason)
                            }
                            None => Truth::Unknown(reason),
                        }
                    }
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

/// Whether the assumptions already answer `choice` (then resolving again
/// would not decide it).
fn decided(assumptions: &[Assumption], choice: &Choice) -> bool {
    assumptions
        .iter()
        .any(|assumption| match (assumption, choice) {
            (Assumption::Condition { name, .. }, Choice::Condition(open)) => name == open,
            (
                Assumption::Parameter { name, .. },
                Choice::Equals { parameter, .. } | Choice::MapKey { parameter, .. },
            ) => name == parameter,
            (
                Assumption::NotParameter { name, value },
                Choice::Equals {
                    parameter,
                    value: open,
                },
            ) => name == parameter && value == open,
            _ => false,
        })
}

/// The parameter and the literal of `Fn::Equals` when one side is a `Ref`
/// to a parameter (or pseudo parameter) whose value is unknown and the
/// other a known scalar.
fn compared_parameter<'n>(
    written: &'n Node,
    value: &Node,
    other: &Node,
) -> Option<(&'n str, String)> {
    let [(function, name)] = written.as_object()? else {
        return None;
    };
    if &**function != "Ref" || !value.is_unknown() {
        return None;
    }
    let literal = convert::scalar_string(other).ok()?;
    Some((name.as_str()?, literal))
}

/// Whether a single key makes an object a function call: `Ref`, `Fn::*`,
/// and the `Rain::*` directives of the rain preprocessor (the JSON spelling
/// of its `!Rain::Embed` and other tags).
fn is_function_name(name: &str) -> bool {
    name == "Ref" || name.starts_with("Fn::") || name.starts_with("Rain::")
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

/// The unknown value a string stands for when it holds a dynamic reference
/// `{{resolve:service:...}}`, resolved only at deploy time.
pub(super) fn dynamic_unknown(text: &str) -> Option<Unknown> {
    let reference = dynamic_reference(text)?;
    let service = reference
        .strip_prefix("{{resolve:")
        .and_then(|rest| rest.split(':').next())
        .unwrap_or_default();
    Some(Unknown::of_kind(
        format!("dynamic reference `{reference}` is resolved at deploy time"),
        UnknownKind::DynamicReference {
            service: Arc::from(service),
        },
    ))
}

/// The `{{resolve:...}}` reference inside a string, if any.
fn dynamic_reference(text: &str) -> Option<&str> {
    if !text.as_bytes().contains(&b'{') {
        return None;
    }
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
