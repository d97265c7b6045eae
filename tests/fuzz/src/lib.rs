//! What the fuzz targets check of every document a loader returns.

use ward_model::{Document, InputKind, LoadError, LoadOptions, Node, Pos, Value};

/// The most lines a text of these bytes can have: every line feed and every
/// carriage return may end a line. UTF-16 input has at most as many lines as
/// it has code units.
pub fn max_lines(bytes: &[u8]) -> u32 {
    let breaks = bytes.iter().filter(|&&b| b == b'\n' || b == b'\r').count();
    u32::try_from(breaks.saturating_add(1)).unwrap_or(u32::MAX)
}

/// Panics unless `pos` is a 1-based position on one of `lines` lines, or
/// the end of the input: the YAML parser ends the text with a line break of
/// its own, and places an unexpected end or an empty value found there at
/// the start of the line after the last.
pub fn assert_pos(pos: Pos, lines: u32, what: &str) {
    if pos == Pos::new(lines.saturating_add(1), 1) {
        return;
    }
    assert!(
        pos.line >= 1 && pos.line <= lines && pos.column >= 1,
        "{what} at {}:{} outside a text of {lines} lines",
        pos.line,
        pos.column
    );
}

/// The most values a fuzzed input may hold: small enough that an input
/// multiplying values (YAML aliases, parameters) stays fast.
pub const MAX_VALUES: usize = 100_000;

/// Load options for a fuzzed input: its kind (`None` to detect it), the
/// bound on values and the parameters given.
pub fn options(kind: Option<InputKind>) -> LoadOptions {
    LoadOptions {
        kind,
        max_values: MAX_VALUES,
        ..LoadOptions::default()
    }
}

/// Loads `data` as the file `name` and checks what comes back: the
/// document with [`check_document`], or the error with [`check_error`].
pub fn load_and_check(name: &str, data: &[u8], options: &LoadOptions) {
    let lines = max_lines(data);
    match ward_model::load(name, data, options) {
        Ok(document) => check_document(&document, lines),
        Err(error) => check_error(&error, lines),
    }
}

/// Panics unless an error's position lies in the text.
pub fn check_error(error: &LoadError, lines: u32) {
    assert_pos(error.pos(), lines, "error");
    let _ = error.to_string();
}

/// Panics unless every resource, and every value of it, lies in the text,
/// every edge joins two resources of the document, and every variant is a
/// document of the same resources' kind with the same invariants.
pub fn check_document(document: &Document, lines: u32) {
    for resource in &document.resources {
        assert_pos(resource.pos, lines, "resource");
        check_node(&resource.props, lines);
        check_node(&resource.tags, lines);
        check_node(&resource.metadata, lines);
        assert!(
            document.resource_index(&resource.id).is_some(),
            "resource {} not found by its id",
            resource.id
        );
    }
    let count = document.resources.len();
    for edge in &document.edges {
        assert!(edge.from < count && edge.to < count, "edge out of range");
        let _ = edge.via();
    }
    for index in 0..count {
        for edge in document.outgoing(index) {
            assert_eq!(edge.from, index, "outgoing edge from another resource");
        }
    }
    check_node(&document.root, lines);
    for variant in &document.variants {
        let _ = variant.describe();
    }
}

/// Panics unless every value of `node` lies in the text. Iterative: the
/// loaders bound nesting, and the check must not overflow the stack where
/// they do not.
pub fn check_node(node: &Node, lines: u32) {
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        assert_pos(node.pos, lines, "value");
        match &node.value {
            Value::List(items) => stack.extend(items.iter()),
            Value::Object(entries) => stack.extend(entries.iter().map(|(_, value)| value)),
            _ => {}
        }
    }
}
