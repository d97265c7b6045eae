//! YAML to [`Node`], with CloudFormation's reading of scalars and tags.
//!
//! Events from the YAML parser are assembled with an explicit stack, so deep
//! nesting can not overflow the call stack. Scalars follow what
//! CloudFormation does rather than YAML 1.2 to the letter: unquoted dates
//! such as `2010-09-09` and words such as `yes`, `no`, `on` and `off` stay
//! strings; only `true` and `false` are booleans. Short-form tags become the
//! long form: `!Ref x` is `{"Ref": "x"}`, `!GetAtt a.b` is
//! `{"Fn::GetAtt": ["a", "b"]}`, `!Condition c` is `{"Condition": "c"}` and
//! any other `!X v` is `{"Fn::X": v}`.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};

use crate::json::{FastBuild, Interner, MAX_DEPTH};
use crate::model::{Node, Pos, Value};
use crate::text::saturating_u32;

/// Upper bound on the nodes that aliases may copy, against "billion laughs".
const MAX_ALIAS_NODES: usize = 1_000_000;

/// Objects with at least this many keys check duplicates with a hash set.
const HASHED_OBJECT_LEN: usize = 16;

/// A parse failure.
#[derive(Debug)]
pub(crate) struct YamlError {
    pub pos: Pos,
    pub message: String,
}

enum Frame<'t> {
    List {
        items: Vec<Node>,
        pos: Pos,
        anchor: usize,
        tag: Option<Cow<'t, Tag>>,
    },
    Object {
        entries: Vec<(Arc<str>, Node)>,
        pos: Pos,
        anchor: usize,
        tag: Option<Cow<'t, Tag>>,
        key: Option<(Arc<str>, Pos)>,
        seen: Option<HashSet<Arc<str>, FastBuild>>,
    },
}

/// Parses every document of a YAML stream, with at most `max_values`
/// values in all (see [`crate::LoadOptions::max_values`]).
pub(crate) fn parse(text: &str, max_values: usize) -> Result<Vec<Node>, YamlError> {
    let mut builder = Builder {
        values_left: max_values,
        max_values,
        ..Builder::default()
    };
    let mut parser = Parser::new_from_str(text);
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|error| YamlError {
            pos: Pos::new(
                saturating_u32(error.marker().line()).max(1),
                saturating_u32(error.marker().col()).saturating_add(1),
            ),
            message: yaml_message(error.info()),
        })?;
        if builder.event(event, span)? {
            break;
        }
    }
    Ok(builder.documents)
}

fn yaml_message(info: &str) -> String {
    let mut message = info.trim().trim_end_matches('.').to_string();
    if let Some(first) = message.get(..1) {
        let lower = first.to_lowercase();
        message.replace_range(..1, &lower);
    }
    if message == "invalid indentation" {
        // Some YAML readers let the lines of a `[...]` or `{...}` that spans
        // lines start at the column of its key; YAML does not.
        message.push_str(
            ": the lines of a `[...]` or `{...}` that spans lines must be indented more than its key",
        );
    }
    format!("invalid yaml: {message}")
}

fn span_pos(span: &Span) -> Pos {
    Pos::new(
        saturating_u32(span.start.line()).max(1),
        saturating_u32(span.start.col()).saturating_add(1),
    )
}

#[derive(Default)]
struct Builder<'t> {
    stack: Vec<Frame<'t>>,
    documents: Vec<Node>,
    anchors: HashMap<usize, Node>,
    alias_budget_used: usize,
    interner: Interner,
    /// How many more values the stream may hold.
    values_left: usize,
    max_values: usize,
}

impl<'t> Builder<'t> {
    /// Handles one event; returns true at the end of the stream.
    fn event(&mut self, event: Event<'t>, span: Span) -> Result<bool, YamlError> {
        let pos = span_pos(&span);
        match event {
            Event::StreamEnd => return Ok(true),
            Event::Nothing | Event::StreamStart | Event::DocumentStart(_) | Event::DocumentEnd => {
                if matches!(event, Event::DocumentStart(_)) {
                    self.anchors.clear();
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                if self.expects_key() {
                    let key = self.interner.intern(&text);
                    self.set_key(key, pos);
                    return Ok(false);
                }
                self.count_values(1, pos)?;
                let node = self.scalar(&text, style, tag.as_deref(), pos)?;
                self.finish(node, anchor)?;
            }
            Event::SequenceStart(anchor, tag) => {
                self.open(pos)?;
                self.count_values(1, pos)?;
                self.stack.push(Frame::List {
                    items: Vec::new(),
                    pos,
                    anchor,
                    tag,
                });
            }
            Event::MappingStart(anchor, tag) => {
                self.open(pos)?;
                self.count_values(1, pos)?;
                self.stack.push(Frame::Object {
                    entries: Vec::new(),
                    pos,
                    anchor,
                    tag,
                    key: None,
                    seen: None,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match self.stack.pop() {
                    Some(Frame::List {
                        items,
                        pos,
                        anchor,
                        tag,
                    }) => (
                        apply_tag(Node::new(Value::List(items), pos), tag.as_deref()),
                        anchor,
                    ),
                    Some(Frame::Object {
                        entries,
                        pos,
                        anchor,
                        tag,
                        ..
                    }) => (
                        apply_tag(Node::new(Value::Object(entries), pos), tag.as_deref()),
                        anchor,
                    ),
                    None => {
                        return Err(YamlError {
                            pos,
                            message: "invalid yaml: unbalanced collection end".to_string(),
                        });
                    }
                };
                self.finish(node, anchor)?;
            }
            Event::Alias(anchor) => {
                let Some(node) = self.anchors.get(&anchor) else {
                    return Err(YamlError {
                        pos,
                        message: "invalid yaml: alias to an unknown anchor".to_string(),
                    });
                };
                let size = node.count_nodes();
                self.alias_budget_used = self.alias_budget_used.saturating_add(size);
                if self.alias_budget_used > MAX_ALIAS_NODES {
                    return Err(YamlError {
                        pos,
                        message: format!("aliases expand to more than {MAX_ALIAS_NODES} values"),
                    });
                }
                let mut copy = node.clone();
                if self.expects_key() {
                    let key = match &copy.value {
                        Value::String(text) => text.clone(),
                        Value::Number(_) | Value::Bool(_) | Value::Null => {
                            Arc::from(scalar_text(&copy.value))
                        }
                        _ => {
                            return Err(YamlError {
                                pos,
                                message: "mapping keys must be scalars".to_string(),
                            });
                        }
                    };
                    self.set_key(key, pos);
                    return Ok(false);
                }
                self.count_values(size, pos)?;
                copy.pos = pos;
                self.finish(copy, 0)?;
            }
        }
        Ok(false)
    }

    /// Whether the innermost collection is a mapping waiting for a key.
    fn expects_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Object { key: None, .. }))
    }

    fn set_key(&mut self, name: Arc<str>, pos: Pos) {
        if let Some(Frame::Object { key, .. }) = self.stack.last_mut() {
            *key = Some((name, pos));
        }
    }

    /// Checks that a collection may start here.
    fn open(&self, pos: Pos) -> Result<(), YamlError> {
        if self.expects_key() {
            return Err(YamlError {
                pos,
                message: "mapping keys must be scalars, not lists or mappings".to_string(),
            });
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err(YamlError {
                pos,
                message: format!("nesting is deeper than {MAX_DEPTH} levels"),
            });
        }
        Ok(())
    }

    /// Counts `count` more values against the bound of the stream.
    fn count_values(&mut self, count: usize, pos: Pos) -> Result<(), YamlError> {
        match self.values_left.checked_sub(count) {
            Some(left) => {
                self.values_left = left;
                Ok(())
            }
            None => Err(YamlError {
                pos,
                message: format!("the document has more than {} values", self.max_values),
            }),
        }
    }

    /// Hands a complete node to its parent (or makes it a document).
    fn finish(&mut self, node: Node, anchor: usize) -> Result<(), YamlError> {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.documents.push(node),
            Some(Frame::List { items, .. }) => items.push(node),
            Some(Frame::Object {
                entries, key, seen, ..
            }) => {
                let Some((name, key_pos)) = key.take() else {
                    return Err(YamlError {
                        pos: node.pos,
                        message: "mapping keys must be scalars".to_string(),
                    });
                };
                if let Some(first) = find_duplicate(entries, seen, &name) {
                    return Err(YamlError {
                        pos: key_pos,
                        message: format!(
                            "duplicate key `{name}` (the first one is at line {})",
                            first.line
                        ),
                    });
                }
                entries.push((name, node));
            }
        }
        Ok(())
    }

    fn scalar(
        &mut self,
        text: &str,
        style: ScalarStyle,
        tag: Option<&Tag>,
        pos: Pos,
    ) -> Result<Node, YamlError> {
        let value = match tag {
            Some(tag) if tag.is_yaml_core_schema() => core_tagged_scalar(text, &tag.suffix)
                .ok_or_else(|| YamlError {
                    pos,
                    message: format!("`{text}` is not a valid `!!{}`", tag.suffix),
                })?,
            _ => {
                if style == ScalarStyle::Plain {
                    if tag.is_some() && text.is_empty() {
                        Value::String(self.interner.intern(""))
                    } else {
                        plain_scalar(text, &mut self.interner)
                    }
                } else {
                    Value::String(self.interner.intern(text))
                }
            }
        };
        Ok(apply_tag(Node::new(value, pos), tag))
    }
}

/// Wraps a node in the long form of a CloudFormation short-form tag.
fn apply_tag(node: Node, tag: Option<&Tag>) -> Node {
    let Some(tag) = tag else {
        return node;
    };
    if tag.is_yaml_core_schema() {
        return node;
    }
    let pos = node.pos;
    let name = tag.suffix.as_str();
    let (key, argument): (Arc<str>, Node) = match name {
        "Ref" | "Condition" => (Arc::from(name), node),
        "GetAtt" => {
            let argument = match &node.value {
                Value::String(text) => match text.split_once('.') {
                    Some((resource, attribute)) => Node::new(
                        Value::List(vec![
                            Node::new(Value::string(resource), pos),
                            Node::new(Value::string(attribute), pos),
                        ]),
                        pos,
                    ),
                    None => node,
                },
                _ => node,
            };
            (Arc::from("Fn::GetAtt"), argument)
        }
        _ => (Arc::from(format!("Fn::{name}").as_str()), node),
    };
    Node::new(Value::Object(vec![(key, argument)]), pos)
}

fn find_duplicate(
    entries: &[(Arc<str>, Node)],
    seen: &mut Option<HashSet<Arc<str>, FastBuild>>,
    name: &Arc<str>,
) -> Option<Pos> {
    if entries.len() >= HASHED_OBJECT_LEN {
        let set = seen.get_or_insert_with(|| entries.iter().map(|(key, _)| key.clone()).collect());
        if set.insert(name.clone()) {
            return None;
        }
    }
    entries
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, node)| node.pos)
}

/// The text of a scalar, for keys given by aliases.
fn scalar_text(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => crate::cfn::format_number(*number),
        Value::String(text) => text.to_string(),
        _ => String::new(),
    }
}

/// Resolves an untagged plain scalar the way CloudFormation reads it.
fn plain_scalar(text: &str, interner: &mut Interner) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ => match parse_number(text) {
            Some(number) => Value::Number(number),
            None => Value::String(interner.intern(text)),
        },
    }
}

/// Resolves a scalar tagged `!!str`, `!!int`, ... ; `None` if it does not
/// fit the tag.
fn core_tagged_scalar(text: &str, suffix: &str) -> Option<Value> {
    match suffix {
        "int" | "float" => parse_number(text).map(Value::Number),
        "bool" => match text {
            "true" | "True" | "TRUE" => Some(Value::Bool(true)),
            "false" | "False" | "FALSE" => Some(Value::Bool(false)),
            _ => None,
        },
        "null" => Some(Value::Null),
        _ => Some(Value::string(text)),
    }
}

/// Reads a plain scalar as a number if it is written as one.
///
/// Decimal integers without leading zeros, `0x` and `0o` integers, and
/// decimals with a `.` (exponent allowed only then, as in YAML 1.1, so that
/// ids such as `123e4567` stay strings). Leading zeros keep the text a
/// string (`0755`, `007`), which is what a template author means there.
pub(crate) fn parse_number(text: &str) -> Option<f64> {
    let bytes = text.as_bytes();
    let unsigned = match bytes.first() {
        Some(b'-' | b'+') => bytes.get(1..)?,
        _ => bytes,
    };
    let negative = bytes.first() == Some(&b'-');
    if let Some(hex) = unsigned.strip_prefix(b"0x") {
        let value = u64::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
        let value = value as f64;
        return Some(if negative { -value } else { value });
    }
    if let Some(octal) = unsigned.strip_prefix(b"0o") {
        let value = u64::from_str_radix(std::str::from_utf8(octal).ok()?, 8).ok()?;
        let value = value as f64;
        return Some(if negative { -value } else { value });
    }
    let mut index = 0;
    let integer_digits = unsigned.iter().take_while(|b| b.is_ascii_digit()).count();
    index += integer_digits;
    if integer_digits > 1 && unsigned.first() == Some(&b'0') {
        return None;
    }
    let mut has_dot = false;
    if unsigned.get(index) == Some(&b'.') {
        has_dot = true;
        index += 1;
        let fraction = unsigned
            .get(index..)?
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if integer_digits == 0 && fraction == 0 {
            return None;
        }
        index += fraction;
    } else if integer_digits == 0 {
        return None;
    }
    if has_dot && matches!(unsigned.get(index), Some(b'e' | b'E')) {
        index += 1;
        if matches!(unsigned.get(index), Some(b'+' | b'-')) {
            index += 1;
        }
        let exponent = unsigned
            .get(index..)?
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if exponent == 0 {
            return None;
        }
        index += exponent;
    }
    if index != unsigned.len() {
        return None;
    }
    text.parse::<f64>().ok().filter(|number| number.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<Node>, YamlError> {
        super::parse(text, crate::LoadOptions::DEFAULT_MAX_VALUES)
    }

    fn one(text: &str) -> Node {
        let mut documents = parse(text).unwrap();
        assert_eq!(documents.len(), 1);
        documents.remove(0)
    }

    #[test]
    fn cloudformation_scalars() {
        let node = one(
            "v: 2010-09-09\na: yes\nb: off\nc: true\nd: 12\ne: 1.5\nf: 0755\ng: '12'\nh: ~\ni: 123e4567\nj: 1.0e3\nk: 0x1F\n",
        );
        assert_eq!(node.get("v").unwrap().as_str(), Some("2010-09-09"));
        assert_eq!(node.get("a").unwrap().as_str(), Some("yes"));
        assert_eq!(node.get("b").unwrap().as_str(), Some("off"));
        assert_eq!(node.get("c").unwrap().as_bool(), Some(true));
        assert_eq!(node.get("d").unwrap().as_f64(), Some(12.0));
        assert_eq!(node.get("e").unwrap().as_f64(), Some(1.5));
        assert_eq!(node.get("f").unwrap().as_str(), Some("0755"));
        assert_eq!(node.get("g").unwrap().as_str(), Some("12"));
        assert!(node.get("h").unwrap().is_null());
        assert_eq!(node.get("i").unwrap().as_str(), Some("123e4567"));
        assert_eq!(node.get("j").unwrap().as_f64(), Some(1000.0));
        assert_eq!(node.get("k").unwrap().as_f64(), Some(31.0));
    }

    #[test]
    fn positions() {
        let node = one("a:\n  b: [1, 'x']\n");
        let list = node.get("a").unwrap().get("b").unwrap();
        assert_eq!(list.pos, Pos::new(2, 6));
        assert_eq!(list.index(1).unwrap().pos, Pos::new(2, 10));
    }

    #[test]
    fn short_form_tags() {
        let node = one(
            "a: !Ref X\nb: !GetAtt R.Arn.Sub\nc: !Sub 'x-${Y}'\nd: !If [C, 1, 2]\ne: !Rain::Embed f.txt\nf: !GetAZs\ng: !Condition C\n",
        );
        assert_eq!(
            node.get("a").unwrap().get("Ref").unwrap().as_str(),
            Some("X")
        );
        let get_att = node.get("b").unwrap().get("Fn::GetAtt").unwrap();
        assert_eq!(get_att.index(0).unwrap().as_str(), Some("R"));
        assert_eq!(get_att.index(1).unwrap().as_str(), Some("Arn.Sub"));
        assert!(node.get("c").unwrap().get("Fn::Sub").is_some());
        assert_eq!(
            node.get("d")
                .unwrap()
                .get("Fn::If")
                .unwrap()
                .as_list()
                .unwrap()
                .len(),
            3
        );
        assert!(node.get("e").unwrap().get("Fn::Rain::Embed").is_some());
        assert_eq!(
            node.get("f").unwrap().get("Fn::GetAZs").unwrap().as_str(),
            Some("")
        );
        assert_eq!(
            node.get("g").unwrap().get("Condition").unwrap().as_str(),
            Some("C")
        );
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let error = parse("a: 1\nb:\n  c: 1\n  c: 2\n").unwrap_err();
        assert_eq!(error.pos, Pos::new(4, 3));
        assert_eq!(
            error.message,
            "duplicate key `c` (the first one is at line 3)"
        );
    }

    #[test]
    fn aliases_are_copied_and_bounded() {
        let node = one("a: &x [1, 2]\nb: *x\n");
        assert_eq!(node.get("b").unwrap().as_list().unwrap().len(), 2);
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let previous = format!("*a{}", i - 1);
            let items = [previous.as_str(); 10].join(", ");
            bomb.push_str(&format!("a{i}: &a{i} [{items}]\n"));
        }
        let error = parse(&bomb).unwrap_err();
        assert!(error.message.starts_with("aliases expand to more than"));
    }

    #[test]
    fn malformed_yaml_has_a_position() {
        let error = parse("a: 1\nb: [1, 2\n").unwrap_err();
        assert!(error.pos.line >= 2, "{error:?}");
        assert!(error.message.starts_with("invalid yaml: "), "{error:?}");
        let error = parse("a:\n  - b\n c: d\n").unwrap_err();
        assert_eq!(error.pos.line, 3, "{error:?}");
    }

    #[test]
    fn flow_lines_at_the_key_column_are_explained() {
        let error = parse("R:\n  P:\n    b: {\"s\": \"h\",\n    \"y\": 2}\n").unwrap_err();
        assert_eq!(error.pos, Pos::new(4, 5));
        assert!(
            error
                .message
                .starts_with("invalid yaml: invalid indentation: the lines of")
        );
    }

    #[test]
    fn deep_nesting_is_an_error() {
        let deep = format!("{}\n", "- ".repeat(1000));
        let error = parse(&deep).unwrap_err();
        assert!(error.message.contains("nesting is deeper"), "{error:?}");
        let flow = "[".repeat(100_000);
        assert!(parse(&flow).is_err());
    }

    #[test]
    fn values_are_bounded() {
        // Five values: the mapping, its list, 1, 2 and `b`.
        let text = "a: [1, 2]\nb: x\n";
        assert!(super::parse(text, 5).is_ok());
        let error = super::parse(text, 4).unwrap_err();
        assert_eq!(error.pos, Pos::new(2, 4));
        assert_eq!(error.message, "the document has more than 4 values");
        // An alias counts as the values it copies.
        let aliased = "a: &x [1, 2]\nb: *x\n";
        assert!(super::parse(aliased, 7).is_ok());
        let error = super::parse(aliased, 6).unwrap_err();
        assert_eq!(error.pos, Pos::new(2, 4));
        // Documents of one stream count together.
        assert!(super::parse("---\n[1]\n---\n[2]\n", 3).is_err());
    }

    #[test]
    fn multiple_documents() {
        assert_eq!(parse("---\na: 1\n---\nb: 2\n").unwrap().len(), 2);
        assert!(parse("").unwrap().is_empty());
    }
}
