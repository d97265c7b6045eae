//! Terraform plans in the `terraform show -json` format.
//!
//! Resources come from `planned_values` (the root module and every child
//! module), or `values` for a state, falling back to `resource_changes` when
//! a plan has neither. Attributes that `resource_changes[].change.after_unknown` marks
//! as unknown become [`Value::Unknown`] ("known after apply"). A data
//! source's type is `data.` followed by its Terraform type
//! (`data.aws_iam_policy_document`), as its address writes it, so rules on
//! managed resources do not judge it; references to it are edges as usual. Edges come
//! from the `references` of the expressions in `configuration`, following
//! module outputs and module input variables to the resources behind them.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::model::{
    Document, Edge, EdgeKind, InputKind, LoadError, Node, PathSegment, Pos, Resource, UnknownKind,
    Value, render_path_from,
};

/// How many module outputs and variables a reference may pass through.
const MAX_REFERENCE_HOPS: usize = 32;

/// Whether a document looks like a Terraform plan.
pub(crate) fn looks_like_plan(root: &Node) -> bool {
    root.get("planned_values").is_some()
        || root.get("resource_changes").is_some()
        || (root.get("format_version").is_some() && root.get("terraform_version").is_some())
}

/// Loads a plan from its parsed root.
pub(crate) fn load(file: &str, root: Node) -> Result<Document, LoadError> {
    if !matches!(root.value, Value::Object(_)) {
        return Err(LoadError::new(
            file,
            root.pos,
            format!(
                "a terraform plan must be an object, found {}",
                root.value.described()
            ),
        ));
    }
    let (resources, edges) = {
        let changes = resource_changes(&root);
        let resources = planned_resources(&root, &changes);
        let edges = Linker::new(&resources).link(&root);
        (resources, edges)
    };
    Ok(Document::new(
        file,
        InputKind::TerraformPlan,
        resources,
        edges,
        root,
    ))
}

/// `resource_changes` by address.
fn resource_changes(root: &Node) -> HashMap<&str, &Node> {
    root.get("resource_changes")
        .and_then(Node::as_list)
        .unwrap_or_default()
        .iter()
        .filter_map(|change| Some((change.get("address")?.as_str()?, change)))
        .collect()
}

fn planned_resources(root: &Node, changes: &HashMap<&str, &Node>) -> Vec<Resource> {
    let mut resources = Vec::new();
    // A state (`terraform show -json` without a plan) has `values` instead.
    let planned = root.get("planned_values").or_else(|| root.get("values"));
    if let Some(module) = planned.and_then(|p| p.get("root_module")) {
        let mut modules = vec![module];
        while let Some(module) = modules.pop() {
            for item in module
                .get("resources")
                .and_then(Node::as_list)
                .unwrap_or_default()
            {
                let values = item.get("values");
                if let Some(resource) = resource_from(item, values, changes) {
                    resources.push(resource);
                }
            }
            let children = module
                .get("child_modules")
                .and_then(Node::as_list)
                .unwrap_or_default();
            // Reversed so that modules are visited in file order.
            modules.extend(children.iter().rev());
        }
    } else {
        for change in root
            .get("resource_changes")
            .and_then(Node::as_list)
            .unwrap_or_default()
        {
            let actions = change.get("change").and_then(|c| c.get("actions"));
            let deleted = actions.and_then(Node::as_list).is_some_and(|a| {
                a.len() == 1 && a.first().and_then(Node::as_str) == Some("delete")
            });
            if deleted {
                continue;
            }
            let values = change.get("change").and_then(|c| c.get("after"));
            if let Some(resource) = resource_from(change, values, changes) {
                resources.push(resource);
            }
        }
    }
    resources
}

fn resource_from(
    item: &Node,
    values: Option<&Node>,
    changes: &HashMap<&str, &Node>,
) -> Option<Resource> {
    let address = item.get("address")?.as_str()?;
    let resource_type = item.get("type").and_then(Node::as_str).unwrap_or_default();
    // A data source reads infrastructure that exists elsewhere: it is
    // kept (resources refer to it) under the type `data.aws_...`, as its
    // address writes it, so that rules on `aws_...` do not judge it.
    let resource_type = if item.get("mode").and_then(Node::as_str) == Some("data") {
        format!("data.{resource_type}")
    } else {
        resource_type.to_string()
    };
    let mut props = match values {
        Some(node) if matches!(node.value, Value::Object(_)) => node.clone(),
        _ => Node::new(Value::Object(Vec::new()), item.pos),
    };
    let change = changes.get(address).and_then(|c| c.get("change"));
    if let Some(after_unknown) = change.and_then(|c| c.get("after_unknown")) {
        mark_unknown(&mut props, after_unknown);
    }
    let tags = tags_of(&props, item.pos);
    let mut metadata: Vec<(Arc<str>, Node)> = Vec::new();
    for key in ["mode", "name", "index", "provider_name", "module_address"] {
        if let Some(value) = item.get(key) {
            metadata.push((Arc::from(key), value.clone()));
        }
    }
    if let Some(actions) = change.and_then(|c| c.get("actions")) {
        metadata.push((Arc::from("actions"), actions.clone()));
    }
    Some(Resource {
        id: address.to_string(),
        resource_type,
        props,
        tags,
        metadata: Node::new(Value::Object(metadata), item.pos),
        pos: item.pos,
        undecided: None,
    })
}

/// Tags: `tags_all` (which includes provider default tags) when known,
/// else `tags`.
fn tags_of(props: &Node, pos: Pos) -> Node {
    for key in ["tags_all", "tags"] {
        if let Some(tags) = props.get(key)
            && matches!(tags.value, Value::Object(_))
        {
            return tags.clone();
        }
    }
    Node::null(pos)
}

/// Marks the attributes that `after_unknown` flags as unknown.
fn mark_unknown(values: &mut Node, after_unknown: &Node) {
    match &after_unknown.value {
        Value::Bool(true) => {
            *values =
                Node::unknown_of_kind("known after apply", UnknownKind::AfterApply, values.pos);
        }
        Value::Object(entries) => {
            if values.is_null() {
                values.value = Value::Object(Vec::new());
            }
            let Value::Object(existing) = &mut values.value else {
                return;
            };
            for (key, flag) in entries {
                if !contains_true(flag) {
                    continue;
                }
                match existing.iter_mut().find(|(name, _)| name == key) {
                    Some((_, value)) => mark_unknown(value, flag),
                    None => {
                        let mut value = Node::null(flag.pos);
                        mark_unknown(&mut value, flag);
                        existing.push((key.clone(), value));
                    }
                }
            }
        }
        Value::List(flags) => {
            if values.is_null() {
                values.value = Value::List(Vec::new());
            }
            let Value::List(existing) = &mut values.value else {
                return;
            };
            for (index, flag) in flags.iter().enumerate() {
                if !contains_true(flag) {
                    continue;
                }
                while existing.len() <= index {
                    existing.push(Node::null(flag.pos));
                }
                if let Some(value) = existing.get_mut(index) {
                    mark_unknown(value, flag);
                }
            }
        }
        _ => {}
    }
}

fn contains_true(flags: &Node) -> bool {
    let mut pending = vec![flags];
    while let Some(node) = pending.pop() {
        match &node.value {
            Value::Bool(true) => return true,
            Value::List(items) => pending.extend(items),
            Value::Object(entries) => pending.extend(entries.iter().map(|(_, v)| v)),
            _ => {}
        }
    }
    false
}

/// Removes instance keys from an address:
/// `module.a["x"].aws_s3_bucket.b[0]` becomes `module.a.aws_s3_bucket.b`.
fn configuration_address(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0usize;
    let mut quoted = false;
    let mut escaped = false;
    for c in address.chars() {
        if depth > 0 {
            if quoted {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    quoted = false;
                }
            } else if c == '"' {
                quoted = true;
            } else if c == '[' {
                depth += 1;
            } else if c == ']' {
                depth -= 1;
            }
            continue;
        }
        if c == '[' {
            depth = 1;
        } else {
            out.push(c);
        }
    }
    out
}

/// Splits a reference at dots outside brackets.
fn split_reference(reference: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut quoted = false;
    let mut start = 0;
    for (index, c) in reference.char_indices() {
        match c {
            '"' if depth > 0 => quoted = !quoted,
            '[' if !quoted => depth += 1,
            ']' if !quoted => depth = depth.saturating_sub(1),
            '.' if depth == 0 => {
                parts.push(reference.get(start..index).unwrap_or(""));
                start = index + 1;
            }
            _ => {}
        }
    }
    parts.push(reference.get(start..).unwrap_or(""));
    parts
}

/// Drops references that a more specific one in the same list covers:
/// Terraform lists `aws_s3_bucket.b[0].arn`, `aws_s3_bucket.b[0]` and
/// `aws_s3_bucket.b`, and only instance 0 is meant.
fn most_specific<'r>(references: &[&'r str]) -> Vec<&'r str> {
    let indexed: HashSet<String> = references
        .iter()
        .filter_map(|reference| {
            let parts = split_reference(reference);
            let (base, name) = match parts.as_slice() {
                ["data", kind, name, ..] => (format!("data.{kind}"), *name),
                ["module", name, ..] => ("module".to_string(), *name),
                [kind, name, ..] => ((*kind).to_string(), *name),
                _ => return None,
            };
            name.contains('[')
                .then(|| format!("{base}.{}", configuration_address(name)))
        })
        .collect();
    references
        .iter()
        .copied()
        .filter(|reference| {
            let parts = split_reference(reference);
            let generic = match parts.as_slice() {
                ["data", kind, name] => Some(format!("data.{kind}.{name}")),
                ["module", name, ..] if !name.contains('[') => Some(format!("module.{name}")),
                [kind, name] if !name.contains('[') => Some(format!("{kind}.{name}")),
                _ => None,
            };
            generic.is_none_or(|generic| !indexed.contains(&generic))
        })
        .collect()
}

/// A module of the configuration: where it is, and the call that made it.
struct Module<'a> {
    node: &'a Node,
    /// `""` for the root, `"module.a.module.b."` below it.
    prefix: String,
    /// The `module_calls` entry and the index of the calling module.
    call: Option<(&'a Node, usize)>,
}

struct Linker<'r> {
    /// Exact addresses (with instance keys) to resource indexes.
    by_address: HashMap<&'r str, usize>,
    /// Addresses without instance keys to all their instances.
    by_configuration: HashMap<String, Vec<usize>>,
    edges: Vec<Edge>,
    seen: HashSet<(usize, usize, String)>,
}

impl<'r> Linker<'r> {
    fn new(resources: &'r [Resource]) -> Linker<'r> {
        let mut by_address = HashMap::new();
        let mut by_configuration: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, resource) in resources.iter().enumerate() {
            by_address.insert(resource.id.as_str(), index);
            by_configuration
                .entry(configuration_address(&resource.id))
                .or_default()
                .push(index);
        }
        Linker {
            by_address,
            by_configuration,
            edges: Vec::new(),
            seen: HashSet::new(),
        }
    }

    fn link(mut self, root: &Node) -> Vec<Edge> {
        let Some(root_module) = root.get("configuration").and_then(|c| c.get("root_module")) else {
            return self.edges;
        };
        let mut modules = vec![Module {
            node: root_module,
            prefix: String::new(),
            call: None,
        }];
        let mut next = 0;
        while let Some(module) = modules.get(next) {
            let node = module.node;
            let prefix = module.prefix.clone();
            if let Some(calls) = node.get("module_calls").and_then(Node::as_object) {
                for (name, call) in calls {
                    if let Some(child) = call.get("module") {
                        modules.push(Module {
                            node: child,
                            prefix: format!("{prefix}module.{name}."),
                            call: Some((call, next)),
                        });
                    }
                }
            }
            next += 1;
        }
        for (module_index, module) in modules.iter().enumerate() {
            for resource in module
                .node
                .get("resources")
                .and_then(Node::as_list)
                .unwrap_or_default()
            {
                let Some(address) = resource.get("address").and_then(Node::as_str) else {
                    continue;
                };
                let key = format!("{}{}", module.prefix, configuration_address(address));
                let Some(sources) = self.by_configuration.get(&key).cloned() else {
                    continue;
                };
                let mut path = Vec::new();
                if let Some(expressions) = resource.get("expressions") {
                    self.expressions(
                        expressions,
                        &mut path,
                        &modules,
                        module_index,
                        &sources,
                        "$",
                    );
                }
                if let Some(depends_on) = resource.get("depends_on").and_then(Node::as_list) {
                    for (index, reference) in depends_on.iter().enumerate() {
                        let Some(reference) = reference.as_str() else {
                            continue;
                        };
                        let path = vec![
                            PathSegment::Key(Arc::from("depends_on")),
                            PathSegment::Index(index),
                        ];
                        let targets = self.resolve(reference, &modules, module_index, 0);
                        self.add_edges(&sources, &targets, &render_path_from("metadata", &path));
                    }
                }
            }
        }
        self.edges
    }

    /// Walks an expression tree: leaves carry `references`; objects and
    /// lists are nested blocks.
    fn expressions(
        &mut self,
        node: &Node,
        path: &mut Vec<PathSegment>,
        modules: &[Module<'_>],
        module: usize,
        sources: &[usize],
        root: &str,
    ) {
        match &node.value {
            Value::Object(entries) => {
                if let Some(references) = node.get("references").and_then(Node::as_list)
                    && references.iter().all(|r| r.as_str().is_some())
                {
                    let references: Vec<&str> =
                        references.iter().filter_map(Node::as_str).collect();
                    let mut targets = Vec::new();
                    for reference in most_specific(&references) {
                        targets.extend(self.resolve(reference, modules, module, 0));
                    }
                    let rendered = render_path_from(root, path);
                    self.add_edges(sources, &targets, &rendered);
                    return;
                }
                if node.get("constant_value").is_some() && entries.len() == 1 {
                    return;
                }
                for (key, value) in entries {
                    path.push(PathSegment::Key(key.clone()));
                    self.expressions(value, path, modules, module, sources, root);
                    path.pop();
                }
            }
            Value::List(items) => {
                for (index, item) in items.iter().enumerate() {
                    path.push(PathSegment::Index(index));
                    self.expressions(item, path, modules, module, sources, root);
                    path.pop();
                }
            }
            _ => {}
        }
    }

    fn add_edges(&mut self, sources: &[usize], targets: &[usize], path: &str) {
        for &from in sources {
            for &to in targets {
                if from != to && self.seen.insert((from, to, path.to_string())) {
                    self.edges.push(Edge {
                        from,
                        to,
                        kind: EdgeKind::Reference,
                        path: path.to_string(),
                    });
                }
            }
        }
    }

    /// The resources a reference written in `modules[module]` stands for.
    fn resolve(
        &self,
        reference: &str,
        modules: &[Module<'_>],
        module: usize,
        hops: usize,
    ) -> Vec<usize> {
        let Some(current) = modules.get(module) else {
            return Vec::new();
        };
        if hops > MAX_REFERENCE_HOPS {
            return Vec::new();
        }
        let parts = split_reference(reference);
        match parts.as_slice() {
            ["var", name, ..] => {
                // An input variable: follow the argument of the module call.
                let Some((call, parent)) = current.call else {
                    return Vec::new();
                };
                let references = call
                    .get("expressions")
                    .and_then(|e| e.get(name))
                    .and_then(|e| e.get("references"))
                    .and_then(Node::as_list)
                    .unwrap_or_default();
                let references: Vec<&str> = references.iter().filter_map(Node::as_str).collect();
                most_specific(&references)
                    .into_iter()
                    .flat_map(|r| self.resolve(r, modules, parent, hops + 1))
                    .collect()
            }
            ["module", call, output, ..] => {
                // A module output: follow the output's expression.
                let call = configuration_address(call);
                let child_prefix = format!("{}module.{call}.", current.prefix);
                let Some(child) = modules.iter().position(|m| m.prefix == child_prefix) else {
                    return Vec::new();
                };
                let references = modules
                    .get(child)
                    .and_then(|m| m.node.get("outputs"))
                    .and_then(|o| o.get(output))
                    .and_then(|o| o.get("expression"))
                    .and_then(|e| e.get("references"))
                    .and_then(Node::as_list)
                    .unwrap_or_default();
                let references: Vec<&str> = references.iter().filter_map(Node::as_str).collect();
                most_specific(&references)
                    .into_iter()
                    .flat_map(|r| self.resolve(r, modules, child, hops + 1))
                    .collect()
            }
            ["module", call] => {
                // The whole module: every resource in it.
                let prefix = format!("{}module.{}.", current.prefix, configuration_address(call));
                let mut all: Vec<usize> = self
                    .by_configuration
                    .iter()
                    .filter(|(address, _)| address.starts_with(&prefix))
                    .flat_map(|(_, indexes)| indexes.iter().copied())
                    .collect();
                all.sort_unstable();
                all
            }
            ["data", resource_type, name, ..] => {
                self.lookup(&current.prefix, &format!("data.{resource_type}"), name)
            }
            [first, name, ..]
                if !matches!(
                    *first,
                    "local" | "each" | "count" | "path" | "terraform" | "self" | "module" | "var"
                ) =>
            {
                self.lookup(&current.prefix, first, name)
            }
            _ => Vec::new(),
        }
    }

    /// Resources named `prefix` + `kind.name`, where `name` may carry an
    /// instance key.
    fn lookup(&self, prefix: &str, kind: &str, name: &str) -> Vec<usize> {
        let exact = format!("{prefix}{kind}.{name}");
        if name.contains('[')
            && let Some(&index) = self.by_address.get(exact.as_str())
        {
            return vec![index];
        }
        self.by_configuration
            .get(&configuration_address(&exact))
            .cloned()
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_addresses_drop_instance_keys() {
        assert_eq!(
            configuration_address(r#"module.a["x.y"].aws_s3_bucket.b[0]"#),
            "module.a.aws_s3_bucket.b"
        );
        assert_eq!(
            split_reference(r#"aws_instance.web["a.b"].id"#),
            ["aws_instance", r#"web["a.b"]"#, "id"]
        );
    }
}
