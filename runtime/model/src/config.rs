//! AWS Config configuration items.
//!
//! Accepted shapes: one item; a list of items; `{"configurationItems": [...]}`
//! (`get-resource-config-history`); `{"baseConfigurationItems": [...]}`
//! (`batch-get-resource-config`); `{"Results": ["<item as json>", ...]}`
//! (`select-resource-config`); change notifications
//! (`{"configurationItem": {...}}`); and NDJSON or concatenated JSON of any
//! of these.
//!
//! A resource's id is its ARN (`arn` or `ARN`), else its `resourceId`. Its
//! `props` is the `configuration` (parsed when it is a JSON string), with
//! `supplementaryConfiguration` added under the key `supplementaryConfiguration`
//! (its values that are JSON strings parsed too). Its `metadata` is the item
//! without `configuration`, `supplementaryConfiguration` and `tags`, so
//! `relationships`, `awsRegion`, `configurationItemCaptureTime` and the rest
//! stay reachable. Every relationship whose target is in the same document
//! becomes an edge; the others are still listed in `metadata.relationships`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::BufRead;
use std::ops::ControlFlow;
use std::sync::Arc;

use crate::json;
use crate::model::{Document, Edge, EdgeKind, InputKind, LoadError, Node, Pos, Resource, Value};

/// The longest line [`stream_config_items`] accepts.
pub const MAX_LINE_BYTES: usize = 64 * 1024 * 1024;

/// Whether a node is a configuration item.
pub(crate) fn is_item(node: &Node) -> bool {
    node.get("resourceType")
        .is_some_and(|t| t.as_str().is_some())
        && (node.get("configuration").is_some()
            || node.get("resourceId").is_some()
            || node.get("configurationItemCaptureTime").is_some())
}

/// Whether a node holds configuration items in one of the accepted shapes.
pub(crate) fn looks_like_items(node: &Node) -> bool {
    match &node.value {
        Value::Object(_) => {
            is_item(node)
                || node
                    .get("configurationItems")
                    .and_then(Node::as_list)
                    .is_some()
                || node
                    .get("baseConfigurationItems")
                    .and_then(Node::as_list)
                    .is_some()
                || node.get("configurationItem").is_some_and(is_item)
                || (node.get("QueryInfo").is_some()
                    && node
                        .get("Results")
                        .and_then(Node::as_list)
                        .is_some_and(|results| results.iter().all(|r| r.as_str().is_some())))
        }
        Value::List(items) => !items.is_empty() && items.iter().all(is_item),
        _ => false,
    }
}

/// Collects the items of a node in any accepted shape.
fn collect_items<'n>(node: &'n Node, out: &mut Vec<Cow<'n, Node>>) {
    match &node.value {
        Value::List(items) => {
            for item in items {
                collect_items(item, out);
            }
        }
        Value::Object(_) if is_item(node) => out.push(Cow::Borrowed(node)),
        Value::Object(_) => {
            for key in ["configurationItems", "baseConfigurationItems"] {
                if let Some(items) = node.get(key).and_then(Node::as_list) {
                    out.extend(items.iter().filter(|item| is_item(item)).map(Cow::Borrowed));
                }
            }
            if let Some(item) = node.get("configurationItem").filter(|item| is_item(item)) {
                out.push(Cow::Borrowed(item));
            }
            if let Some(results) = node.get("Results").and_then(Node::as_list) {
                for result in results {
                    if let Some(parsed) = parse_embedded(result).filter(is_item) {
                        out.push(Cow::Owned(parsed));
                    }
                }
            }
        }
        _ => {}
    }
}

/// Parses a string that holds JSON; every node takes the string's position
/// since positions inside the string mean nothing in the file.
fn parse_embedded(node: &Node) -> Option<Node> {
    let text = node.as_str()?;
    let trimmed = text.trim_start();
    if !(trimmed.starts_with('{') || trimmed.starts_with('[')) {
        return None;
    }
    let mut parsed = json::parse(text).ok()?;
    set_positions(&mut parsed, node.pos);
    Some(parsed)
}

fn set_positions(node: &mut Node, pos: Pos) {
    let mut pending = vec![node];
    while let Some(node) = pending.pop() {
        node.pos = pos;
        match &mut node.value {
            Value::List(items) => pending.extend(items.iter_mut()),
            Value::Object(entries) => pending.extend(entries.iter_mut().map(|(_, v)| v)),
            _ => {}
        }
    }
}

/// Loads every item found in `root`.
pub(crate) fn load(file: &str, root: Node) -> Document {
    let (resources, edges) = {
        let mut items = Vec::new();
        collect_items(&root, &mut items);
        let resources: Vec<Resource> = items.iter().map(|item| resource_from_item(item)).collect();
        let nodes: Vec<&Node> = items.iter().map(|item| item.as_ref()).collect();
        let edges = relationship_edges(&nodes, resources.len());
        (resources, edges)
    };
    Document::new(file, InputKind::ConfigItems, resources, edges, root)
}

/// The most items a [`ConfigWindows`] window holds.
pub const WINDOW_ITEMS: usize = 20_000;

/// Groups the items that [`stream_config_items`] reads into windows, each
/// judged as one document: the consecutive items of one account (an AWS
/// Config snapshot holds one account; its global resources, such as IAM
/// roles, say the region `global`), at most [`WINDOW_ITEMS`] of them. Relationships between the items of a window
/// are edges, as [`crate::load`] makes them for a whole file; rules that
/// join resources (a key looked up by ARN, a bucket's account-level public
/// access block) see the other items of the window.
pub struct ConfigWindows {
    file: String,
    items: Vec<Resource>,
    scope: Option<String>,
    limit: usize,
}

impl ConfigWindows {
    /// Windows of the items of `file`, of at most `limit` items (at least
    /// one).
    pub fn new(file: &str, limit: usize) -> ConfigWindows {
        ConfigWindows {
            file: file.to_string(),
            items: Vec::new(),
            scope: None,
            limit: limit.max(1),
        }
    }

    /// Adds an item; returns the window it closes, if it closes one (the
    /// item is of another account, or the window is full).
    pub fn push(&mut self, item: Resource) -> Option<Document> {
        let scope = text_field(&item.metadata, &["awsAccountId", "accountId"])
            .unwrap_or_default()
            .to_string();
        let closed = if self.items.len() >= self.limit
            || self.scope.as_ref().is_some_and(|current| *current != scope)
        {
            self.take()
        } else {
            None
        };
        self.scope = Some(scope);
        self.items.push(item);
        closed
    }

    /// The last window, when items are left.
    pub fn finish(&mut self) -> Option<Document> {
        self.take()
    }

    fn take(&mut self) -> Option<Document> {
        if self.items.is_empty() {
            return None;
        }
        let resources = std::mem::take(&mut self.items);
        let nodes: Vec<&Node> = resources
            .iter()
            .map(|resource| &resource.metadata)
            .collect();
        let edges = relationship_edges(&nodes, resources.len());
        let root = Node::new(Value::Object(Vec::new()), Pos::new(1, 1));
        Some(Document::new(
            &self.file,
            InputKind::ConfigItems,
            resources,
            edges,
            root,
        ))
    }
}

fn text_field<'n>(item: &'n Node, keys: &[&str]) -> Option<&'n str> {
    keys.iter()
        .filter_map(|key| item.get(key).and_then(Node::as_str))
        .find(|text| !text.is_empty())
}

/// Builds the resource of one configuration item.
pub(crate) fn resource_from_item(item: &Node) -> Resource {
    let id = text_field(item, &["arn", "ARN", "resourceId", "resourceName"])
        .unwrap_or_default()
        .to_string();
    let resource_type = text_field(item, &["resourceType"])
        .unwrap_or_default()
        .to_string();
    let mut props = match item.get("configuration") {
        Some(node) if node.as_str().is_some() => {
            parse_embedded(node).unwrap_or_else(|| node.clone())
        }
        Some(node) if !node.is_null() => node.clone(),
        _ => Node::new(Value::Object(Vec::new()), item.pos),
    };
    if let Some(supplementary) = item.get("supplementaryConfiguration") {
        let mut supplementary = supplementary.clone();
        if let Value::Object(entries) = &mut supplementary.value {
            for (_, value) in entries.iter_mut() {
                if let Some(parsed) = parse_embedded(value) {
                    *value = parsed;
                }
            }
        }
        if let Value::Object(entries) = &mut props.value
            && !entries
                .iter()
                .any(|(key, _)| &**key == "supplementaryConfiguration")
        {
            entries.push((Arc::from("supplementaryConfiguration"), supplementary));
        }
    }
    let tags = match item.get("tags") {
        Some(tags) => tags_of(tags),
        None => Node::null(item.pos),
    };
    let metadata = match &item.value {
        Value::Object(entries) => Value::Object(
            entries
                .iter()
                .filter(|(key, _)| {
                    !matches!(
                        &**key,
                        "configuration" | "supplementaryConfiguration" | "tags"
                    )
                })
                .cloned()
                .collect(),
        ),
        _ => Value::Object(Vec::new()),
    };
    Resource {
        id,
        resource_type,
        props,
        tags,
        metadata: Node::new(metadata, item.pos),
        pos: item.pos,
        undecided: None,
    }
}

/// Tags as an object, from an object or a list of `{key, value}`.
fn tags_of(tags: &Node) -> Node {
    match &tags.value {
        Value::List(items) => {
            let mut entries: Vec<(Arc<str>, Node)> = Vec::new();
            for item in items {
                let key = item
                    .get("key")
                    .or_else(|| item.get("Key"))
                    .and_then(Node::as_str);
                let value = item.get("value").or_else(|| item.get("Value"));
                if let (Some(key), Some(value)) = (key, value) {
                    entries.retain(|(existing, _)| &**existing != key);
                    entries.push((Arc::from(key), value.clone()));
                }
            }
            Node::new(Value::Object(entries), tags.pos)
        }
        Value::Object(_) => tags.clone(),
        _ => Node::null(tags.pos),
    }
}

/// The edges of the relationships among items (or the `metadata` of the
/// resources made from them, which keeps the ids and relationships).
fn relationship_edges(items: &[&Node], resources: usize) -> Vec<Edge> {
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    let mut by_type_and_id: HashMap<(&str, &str), usize> = HashMap::new();
    for (index, item) in items.iter().enumerate() {
        for key in ["arn", "ARN", "resourceId"] {
            if let Some(id) = item
                .get(key)
                .and_then(Node::as_str)
                .filter(|id| !id.is_empty())
            {
                by_id.entry(id).or_insert(index);
            }
        }
        if let Some(kind) = text_field(item, &["resourceType"]) {
            for key in ["resourceId", "resourceName"] {
                if let Some(id) = text_field(item, &[key]) {
                    by_type_and_id.entry((kind, id)).or_insert(index);
                }
            }
        }
    }
    let mut edges = Vec::new();
    for (from, item) in items.iter().enumerate() {
        let relationships = item
            .get("relationships")
            .and_then(Node::as_list)
            .unwrap_or_default();
        for (position, relationship) in relationships.iter().enumerate() {
            // Relationships name their target by id, or only by name (IAM).
            let kind = text_field(relationship, &["resourceType"]);
            let id = text_field(relationship, &["resourceId", "resourceName"]);
            let target = match (kind, id) {
                (Some(kind), Some(id)) => by_type_and_id.get(&(kind, id)).copied(),
                _ => None,
            }
            .or_else(|| {
                text_field(relationship, &["resourceArn", "arn", "ARN", "resourceId"])
                    .and_then(|id| by_id.get(id).copied())
            });
            if let Some(to) = target
                && to != from
                && to < resources
            {
                edges.push(Edge {
                    from,
                    to,
                    kind: EdgeKind::Relationship,
                    path: format!("metadata.relationships[{position}]"),
                });
            }
        }
    }
    edges
}

/// Reads configuration items as NDJSON, one line at a time, and hands each
/// resource to `on_item` without keeping it: memory stays bounded by the
/// longest line ([`MAX_LINE_BYTES`]). A line may hold one item or any shape
/// that [`crate::load`] accepts for items. Blank lines are skipped.
///
/// Relationships are not turned into edges here (the targets may be on
/// other lines); they stay in each resource's `metadata.relationships`.
///
/// Returns the number of resources handed over; stops early when `on_item`
/// breaks.
///
/// # Errors
///
/// A [`LoadError`] for a line that is not JSON (with its line and column),
/// a line longer than [`MAX_LINE_BYTES`], invalid UTF-8 or a read failure.
pub fn stream_config_items<R: BufRead>(
    file: &str,
    mut reader: R,
    mut on_item: impl FnMut(Resource) -> ControlFlow<()>,
) -> Result<usize, LoadError> {
    let mut line = Vec::new();
    let mut line_number = 0u32;
    let mut count = 0usize;
    loop {
        line.clear();
        line_number = line_number.saturating_add(1);
        let at = Pos::new(line_number, 1);
        let read = read_line(&mut reader, &mut line, MAX_LINE_BYTES).map_err(|error| {
            LoadError::new(file, at, format!("can not read the input: {error}"))
        })?;
        match read {
            LineRead::End => return Ok(count),
            LineRead::TooLong => {
                return Err(LoadError::new(
                    file,
                    at,
                    format!("line is longer than {MAX_LINE_BYTES} bytes"),
                ));
            }
            LineRead::Line => {}
        }
        let bytes = match line.as_slice() {
            [0xEF, 0xBB, 0xBF, rest @ ..] if line_number == 1 => rest,
            all => all,
        };
        let text = std::str::from_utf8(bytes).map_err(|error| {
            LoadError::new(
                file,
                at,
                format!("invalid utf-8 at byte {} of the line", error.valid_up_to()),
            )
        })?;
        if text.trim().is_empty() {
            continue;
        }
        let node = json::parse(text).map_err(|error| {
            let pos = Pos::new(line_number, error.pos.column);
            LoadError::new(file, pos, error.message)
        })?;
        let mut node = node;
        set_lines(&mut node, line_number);
        let mut items = Vec::new();
        collect_items(&node, &mut items);
        for item in &items {
            count += 1;
            // As `crate::load` gives it: policy documents held as text read.
            let mut resource = resource_from_item(item);
            crate::embedded::expand(&mut resource.props);
            if on_item(resource).is_break() {
                return Ok(count);
            }
        }
    }
}

/// Moves the nodes of a line parsed alone to the line's number.
fn set_lines(node: &mut Node, line: u32) {
    let mut pending = vec![node];
    while let Some(node) = pending.pop() {
        node.pos.line = line;
        match &mut node.value {
            Value::List(items) => pending.extend(items.iter_mut()),
            Value::Object(entries) => pending.extend(entries.iter_mut().map(|(_, v)| v)),
            _ => {}
        }
    }
}

enum LineRead {
    Line,
    End,
    TooLong,
}

/// Reads one line without its end into `buffer`, refusing lines longer than
/// `limit` bytes (the rest of such a line is not read).
fn read_line<R: BufRead>(
    reader: &mut R,
    buffer: &mut Vec<u8>,
    limit: usize,
) -> std::io::Result<LineRead> {
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        if available.is_empty() {
            return Ok(if buffer.is_empty() {
                LineRead::End
            } else {
                LineRead::Line
            });
        }
        let (chunk, found) = match available.iter().position(|byte| *byte == b'\n') {
            Some(end) => (available.get(..end).unwrap_or(&[]), Some(end + 1)),
            None => (available, None),
        };
        if buffer.len() + chunk.len() > limit {
            return Ok(LineRead::TooLong);
        }
        buffer.extend_from_slice(chunk);
        let used = found.unwrap_or(available.len());
        reader.consume(used);
        if found.is_some() {
            if buffer.last() == Some(&b'\r') {
                buffer.pop();
            }
            return Ok(LineRead::Line);
        }
    }
}
