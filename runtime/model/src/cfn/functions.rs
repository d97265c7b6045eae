//! The intrinsic functions of CloudFormation.

use std::sync::Arc;

use super::convert::{base64, cidr, scalar_string, to_json_string};
use super::{Choice, Template, Truth};
use crate::model::{EdgeKind, Node, Pos, Unknown, UnknownKind, Value};

impl<'a> Template<'a> {
    /// Evaluates `{name: argument}`; `None` stands for `AWS::NoValue`.
    pub(super) fn intrinsic(&mut self, name: &str, argument: &Node, pos: Pos) -> Option<Node> {
        if self.exhausted.is_some() {
            return Some(Node::unknown(
                "the template expands to too many values",
                pos,
            ));
        }
        let node = match name {
            "Ref" => return self.reference(argument, pos),
            "Fn::If" => return self.if_function(argument, pos),
            "Fn::GetAtt" => self.get_att(argument, pos),
            "Fn::Sub" => self.sub(argument, pos),
            "Fn::Join" => self.join(argument, pos),
            "Fn::Select" => return self.select(argument, pos),
            "Fn::Split" => self.split(argument, pos),
            "Fn::FindInMap" => self.find_in_map(argument, pos),
            "Fn::Base64" => self.base64(argument, pos),
            "Fn::Cidr" => self.cidr(argument, pos),
            "Fn::GetAZs" => {
                let region = self.argument(argument);
                let reason = match region.as_str() {
                    Some(region) if !region.is_empty() => {
                        format!("availability zones of `{region}` are known only at deploy time")
                    }
                    _ => "availability zones are known only at deploy time".to_string(),
                };
                Node::unknown(reason, pos)
            }
            "Fn::ImportValue" => {
                let export = self.argument(argument);
                let reason = match export.as_str() {
                    Some(export) => format!("value imported from another stack (`{export}`)"),
                    None => "value imported from another stack".to_string(),
                };
                Node::unknown_of_kind(reason, UnknownKind::Import, pos)
            }
            "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" => {
                match self.truth_function(name, argument) {
                    Some(Truth::True) => Node::new(Value::Bool(true), pos),
                    Some(Truth::False) => Node::new(Value::Bool(false), pos),
                    Some(Truth::Unknown(reason)) => {
                        Node::new(Value::Unknown(Arc::new(reason.into())), pos)
                    }
                    None => Node::unknown(format!("invalid `{name}`"), pos),
                }
            }
            "Fn::Length" => {
                let list = self.argument(argument);
                match &list.value {
                    Value::List(items) => Node::new(Value::Number(items.len() as f64), pos),
                    Value::Unknown(reason) => Node::new(Value::Unknown(reason.clone()), pos),
                    other => Node::unknown(
                        format!("`Fn::Length` expects a list, found {}", other.described()),
                        pos,
                    ),
                }
            }
            "Fn::ToJsonString" => {
                let value = self.argument(argument);
                match to_json_string(&value) {
                    Ok(text) => self.copied(Node::new(Value::string(&text), pos)),
                    Err(reason) => Node::unknown(reason, pos),
                }
            }
            "Fn::Transform" => {
                let _ = self.resolve(argument);
                let reason = match argument.get("Name").and_then(Node::as_str) {
                    Some(macro_name) => format!("macro `{macro_name}` is expanded at deploy time"),
                    None => "`Fn::Transform` is expanded at deploy time".to_string(),
                };
                Node::unknown(reason, pos)
            }
            _ => {
                let _ = self.resolve(argument);
                // `!Rain::Embed` arrives as `Fn::Rain::Embed`: name the
                // preprocessor directive as written.
                let shown = match name.strip_prefix("Fn::") {
                    Some(rest) if rest.contains("::") => rest,
                    _ => name,
                };
                Node::unknown(format!("unsupported intrinsic function `{shown}`"), pos)
            }
        };
        Some(node)
    }

    fn reference(&mut self, argument: &Node, pos: Pos) -> Option<Node> {
        let name = self.argument(argument);
        match &name.value {
            Value::String(name) => self.named_value(name, EdgeKind::Ref, pos),
            Value::Unknown(reason) => Some(Node::new(Value::Unknown(reason.clone()), pos)),
            other => Some(Node::unknown(
                format!("`Ref` expects a name, found {}", other.described()),
                pos,
            )),
        }
    }

    fn if_function(&mut self, argument: &Node, pos: Pos) -> Option<Node> {
        let Some([condition, when_true, when_false]) = argument.as_list() else {
            let _ = self.resolve(argument);
            return Some(Node::unknown(
                "`Fn::If` expects a condition name and two values",
                pos,
            ));
        };
        let Some(name) = condition.as_str() else {
            return Some(Node::unknown("`Fn::If` expects a condition name", pos));
        };
        match self.top_condition(name) {
            Truth::True => self.resolve(when_true),
            Truth::False => self.resolve(when_false),
            Truth::Unknown(reason) => {
                // Both branches may be taken: resolve both for their edges.
                let first = self.resolve(when_true);
                let second = self.resolve(when_false);
                match (first, second) {
                    (None, None) => None,
                    (Some(first), Some(second)) if first.same_value(&second) => Some(first),
                    _ => Some(Node::unknown(
                        format!("condition `{name}` is unknown: {reason}"),
                        pos,
                    )),
                }
            }
        }
    }

    fn get_att(&mut self, argument: &Node, pos: Pos) -> Node {
        let argument = self.argument(argument);
        let (resource, attribute) = match &argument.value {
            Value::String(text) => match text.split_once('.') {
                Some((resource, attribute)) => (resource.to_string(), attribute.to_string()),
                None => (text.to_string(), String::new()),
            },
            Value::List(items) => match items.as_slice() {
                [resource, attribute] => match resource.as_str() {
                    Some(resource) => (
                        resource.to_string(),
                        scalar_string(attribute).unwrap_or_else(|_| "?".to_string()),
                    ),
                    None => {
                        return Node::unknown("`Fn::GetAtt` expects a resource name", pos);
                    }
                },
                _ => {
                    return Node::unknown(
                        "`Fn::GetAtt` expects a resource name and an attribute name",
                        pos,
                    );
                }
            },
            Value::Unknown(reason) => return Node::new(Value::Unknown(reason.clone()), pos),
            _ => {
                return Node::unknown(
                    "`Fn::GetAtt` expects a resource name and an attribute name",
                    pos,
                );
            }
        };
        match self.resource_index.get(&resource) {
            Some(&target) => {
                self.edge(target, EdgeKind::GetAtt);
                Node::unknown_of_kind(
                    format!("attribute `{attribute}` of `{resource}`"),
                    UnknownKind::Reference {
                        resource: Arc::from(resource.as_str()),
                        attribute: Some(Arc::from(attribute.as_str())),
                    },
                    pos,
                )
            }
            None => Node::unknown(
                format!(
                    "`Fn::GetAtt` refers to `{resource}`, which is not a resource of the template"
                ),
                pos,
            ),
        }
    }

    fn sub(&mut self, argument: &Node, pos: Pos) -> Node {
        let (template, variables) = match &argument.value {
            Value::List(items) => match items.as_slice() {
                [template] => (template, None),
                [template, variables] => (template, Some(variables)),
                _ => {
                    let _ = self.resolve(argument);
                    return Node::unknown(
                        "`Fn::Sub` expects a string or a list of a string and a mapping",
                        pos,
                    );
                }
            },
            Value::Object(_) => {
                // An intrinsic that gives the template, or a mistake.
                (argument, None)
            }
            _ => (argument, None),
        };
        let variables: Vec<(Arc<str>, Node)> = match variables.map(|v| self.argument(v)) {
            None => Vec::new(),
            Some(Node {
                value: Value::Object(entries),
                ..
            }) => entries,
            Some(other) => {
                return Node::unknown(
                    format!(
                        "`Fn::Sub` variables must be a mapping, found {}",
                        other.value.described()
                    ),
                    pos,
                );
            }
        };
        // A literal template is read as written: a dynamic reference in it
        // makes the result unknown, but its `${}` are still references.
        let text: Arc<str> = match &template.value {
            Value::String(text) => text.clone(),
            _ => {
                let resolved = self.argument(template);
                match resolved.value {
                    Value::String(text) => text,
                    Value::Unknown(unknown) => return Node::new(Value::Unknown(unknown), pos),
                    other => {
                        return Node::unknown(
                            format!("`Fn::Sub` expects a string, found {}", other.described()),
                            pos,
                        );
                    }
                }
            }
        };
        let mut out = PartialText::with_capacity(text.len());
        let mut unknown: Option<Unknown> = super::dynamic_unknown(&text);
        let mut rest: &str = &text;
        while let Some(start) = find_placeholder(rest) {
            out.known(rest.get(..start).unwrap_or(""));
            let after = rest.get(start + 2..).unwrap_or("");
            if let Some(literal) = after.strip_prefix('!') {
                out.known("${");
                rest = literal;
                continue;
            }
            let Some(end) = after.find('}') else {
                out.known(rest.get(start..).unwrap_or(""));
                rest = "";
                break;
            };
            let name = after.get(..end).unwrap_or("").trim();
            rest = after.get(end + 1..).unwrap_or("");
            let value = self.sub_variable(name, &variables, pos);
            match scalar_string(&value) {
                Ok(text) => out.known(&text),
                Err(reason) if value.is_unknown() => out.unknown(reason),
                Err(_) => {
                    unknown.get_or_insert_with(|| {
                        Unknown::other(format!("`${{{name}}}` in `Fn::Sub` is not a string"))
                    });
                }
            }
        }
        out.known(rest);
        match unknown {
            Some(reason) => Node::new(Value::Unknown(Arc::new(reason)), pos),
            None => match out.finish() {
                Ok(text) => self.copied(Node::new(Value::string(&text), pos)),
                Err(unknown) => Node::new(Value::Unknown(Arc::new(unknown)), pos),
            },
        }
    }

    fn sub_variable(&mut self, name: &str, variables: &[(Arc<str>, Node)], pos: Pos) -> Node {
        if let Some((_, value)) = variables.iter().find(|(key, _)| &**key == name) {
            return value.clone();
        }
        if self.parameters.contains_key(name)
            || super::PSEUDO_PARAMETERS.contains(&name)
            || self.bindings.iter().any(|(key, _)| &**key == name)
        {
            return self
                .named_value(name, EdgeKind::Sub, pos)
                .unwrap_or_else(|| Node::new(Value::string(""), pos));
        }
        if let Some((resource, attribute)) = name.split_once('.')
            && let Some(&target) = self.resource_index.get(resource)
        {
            self.edge(target, EdgeKind::Sub);
            return Node::unknown_of_kind(
                format!("attribute `{attribute}` of `{resource}`"),
                UnknownKind::Reference {
                    resource: Arc::from(resource),
                    attribute: Some(Arc::from(attribute)),
                },
                pos,
            );
        }
        self.named_value(name, EdgeKind::Sub, pos)
            .unwrap_or_else(|| Node::new(Value::string(""), pos))
    }

    fn join(&mut self, argument: &Node, pos: Pos) -> Node {
        let Some([delimiter, items]) = argument.as_list() else {
            let _ = self.resolve(argument);
            return Node::unknown("`Fn::Join` expects a delimiter and a list", pos);
        };
        let delimiter = self.argument(delimiter);
        let items = self.argument(items);
        let delimiter = match scalar_string(&delimiter) {
            Ok(text) => text,
            Err(reason) => return Node::unknown(reason, pos),
        };
        match &items.value {
            Value::List(parts) => {
                let mut out = PartialText::with_capacity(0);
                for (index, part) in parts.iter().enumerate() {
                    if index > 0 {
                        out.known(&delimiter);
                    }
                    match scalar_string(part) {
                        Ok(text) => out.known(&text),
                        Err(reason) if part.is_unknown() => out.unknown(reason),
                        Err(_) => {
                            return Node::unknown("`Fn::Join` expects a list of strings", pos);
                        }
                    }
                }
                match out.finish() {
                    Ok(text) => self.copied(Node::new(Value::string(&text), pos)),
                    Err(unknown) => Node::new(Value::Unknown(Arc::new(unknown)), pos),
                }
            }
            Value::Unknown(reason) => Node::new(Value::Unknown(reason.clone()), pos),
            other => Node::unknown(
                format!("`Fn::Join` expects a list, found {}", other.described()),
                pos,
            ),
        }
    }

    fn select(&mut self, argument: &Node, pos: Pos) -> Option<Node> {
        let Some([index, items]) = argument.as_list() else {
            let _ = self.resolve(argument);
            return Some(Node::unknown(
                "`Fn::Select` expects an index and a list",
                pos,
            ));
        };
        let index = self.argument(index);
        let items = self.argument(items);
        let index = match &index.value {
            Value::Number(number) if number.fract() == 0.0 && *number >= 0.0 => *number as usize,
            Value::String(text) => match text.trim().parse::<usize>() {
                Ok(index) => index,
                Err(_) => {
                    return Some(Node::unknown(
                        format!("`Fn::Select` index `{text}` is not a number"),
                        pos,
                    ));
                }
            },
            Value::Unknown(reason) => return Some(Node::new(Value::Unknown(reason.clone()), pos)),
            other => {
                return Some(Node::unknown(
                    format!(
                        "`Fn::Select` index must be a number, found {}",
                        other.described()
                    ),
                    pos,
                ));
            }
        };
        match &items.value {
            Value::List(list) => Some(match list.get(index) {
                Some(item) => self.copied(item.clone()),
                None => Node::unknown(
                    format!(
                        "`Fn::Select` index {index} is out of range for a list of {}",
                        list.len()
                    ),
                    pos,
                ),
            }),
            Value::Unknown(reason) => Some(Node::new(Value::Unknown(reason.clone()), pos)),
            other => Some(Node::unknown(
                format!("`Fn::Select` expects a list, found {}", other.described()),
                pos,
            )),
        }
    }

    fn split(&mut self, argument: &Node, pos: Pos) -> Node {
        let Some([delimiter, source]) = argument.as_list() else {
            let _ = self.resolve(argument);
            return Node::unknown("`Fn::Split` expects a delimiter and a string", pos);
        };
        let delimiter = self.argument(delimiter);
        let source = self.argument(source);
        match (scalar_string(&delimiter), scalar_string(&source)) {
            (Ok(delimiter), Ok(source)) if !delimiter.is_empty() => self.copied(Node::new(
                Value::List(
                    source
                        .split(delimiter.as_str())
                        .map(|part| Node::new(Value::string(part), pos))
                        .collect(),
                ),
                pos,
            )),
            (Ok(_), Ok(_)) => Node::unknown("`Fn::Split` needs a non-empty delimiter", pos),
            (Err(reason), _) | (_, Err(reason)) => Node::unknown(reason, pos),
        }
    }

    fn find_in_map(&mut self, argument: &Node, pos: Pos) -> Node {
        let (map, top, second, default) = match argument.as_list() {
            Some([map, top, second]) => (map, top, second, None),
            Some([map, top, second, options]) => (map, top, second, options.get("DefaultValue")),
            _ => {
                let _ = self.resolve(argument);
                return Node::unknown(
                    "`Fn::FindInMap` expects a map name, a top-level key and a second-level key",
                    pos,
                );
            }
        };
        let map_name = self.argument(map);
        let top_written = top;
        let top = self.argument(top);
        let second = self.argument(second);
        let default = default.map(|node| self.argument(node));
        let map_name = match scalar_string(&map_name) {
            Ok(name) => name,
            Err(reason) => return Node::unknown(reason, pos),
        };
        let Some(mapping) = self.mappings.and_then(|mappings| mappings.get(&map_name)) else {
            return default.unwrap_or_else(|| {
                Node::unknown(format!("mapping `{map_name}` is not defined"), pos)
            });
        };
        let second = match scalar_string(&second) {
            Ok(key) => key,
            Err(reason) => return Node::unknown(reason, pos),
        };
        let top = match scalar_string(&top) {
            Ok(key) => key,
            Err(reason) => {
                // The top-level key is unknown, but if every entry agrees on
                // the value the result is known anyway.
                let candidates: Vec<&Node> = mapping
                    .as_object()
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|(_, entry)| entry.get(&second))
                    .collect();
                let total = mapping.as_object().map_or(0, <[_]>::len);
                if let Some(first) = candidates.first()
                    && candidates.len() == total
                    && candidates.iter().all(|c| c.same_value(first))
                {
                    let mut value = (*first).clone();
                    value.pos = pos;
                    return value;
                }
                // A parameter as the key: a variant takes each key in turn.
                if let Some([(function, name)]) = top_written.as_object()
                    && &**function == "Ref"
                    && let Some(parameter) = name.as_str()
                    && self.assumable(parameter)
                {
                    let keys: Vec<Arc<str>> = mapping
                        .as_object()
                        .unwrap_or_default()
                        .iter()
                        .map(|(key, _)| key.clone())
                        .collect();
                    let choice = Choice::MapKey {
                        parameter: Arc::from(parameter),
                        keys,
                    };
                    if !self.open.contains(&choice) {
                        self.open.push(choice);
                    }
                }
                return Node::unknown(reason, pos);
            }
        };
        match mapping.get(&top).and_then(|entry| entry.get(&second)) {
            Some(value) => {
                let mut value = value.clone();
                value.pos = pos;
                self.copied(value)
            }
            None => default.unwrap_or_else(|| {
                Node::unknown(
                    format!("mapping `{map_name}` has no value for `{top}` and `{second}`"),
                    pos,
                )
            }),
        }
    }

    fn base64(&mut self, argument: &Node, pos: Pos) -> Node {
        let value = self.argument(argument);
        match scalar_string(&value) {
            Ok(text) => self.copied(Node::new(Value::string(&base64(text.as_bytes())), pos)),
            Err(reason) => Node::unknown(reason, pos),
        }
    }

    fn cidr(&mut self, argument: &Node, pos: Pos) -> Node {
        let Some([block, count, bits]) = argument.as_list() else {
            let _ = self.resolve(argument);
            return Node::unknown(
                "`Fn::Cidr` expects a block, a count and a number of bits",
                pos,
            );
        };
        let block = self.argument(block);
        let count = self.argument(count);
        let bits = self.argument(bits);
        let text = |node: &Node| scalar_string(node);
        let (block, count, bits) = match (text(&block), text(&count), text(&bits)) {
            (Ok(block), Ok(count), Ok(bits)) => (block, count, bits),
            (Err(reason), _, _) | (_, Err(reason), _) | (_, _, Err(reason)) => {
                return Node::unknown(reason, pos);
            }
        };
        let (Ok(count), Ok(bits)) = (count.trim().parse::<u64>(), bits.trim().parse::<u32>())
        else {
            return Node::unknown("`Fn::Cidr` count and bits must be numbers", pos);
        };
        match cidr(&block, count, bits) {
            Ok(blocks) => Node::new(
                Value::List(
                    blocks
                        .iter()
                        .map(|block| Node::new(Value::string(block), pos))
                        .collect(),
                ),
                pos,
            ),
            Err(reason) => Node::unknown(reason, pos),
        }
    }
}

/// Text built from known and unknown parts (`Fn::Sub`, `Fn::Join`): all of
/// it when every part is known, else an unknown value of kind
/// [`UnknownKind::Text`] that keeps the known text before the first
/// unknown part and after the last, with the first unknown part's reason.
struct PartialText {
    /// The text before the first unknown part, once there is one.
    prefix: Option<String>,
    /// The text since the last unknown part (all of it while there is
    /// none).
    current: String,
    reason: Option<String>,
}

impl PartialText {
    fn with_capacity(capacity: usize) -> PartialText {
        PartialText {
            prefix: None,
            current: String::with_capacity(capacity),
            reason: None,
        }
    }

    fn known(&mut self, text: &str) {
        self.current.push_str(text);
    }

    fn unknown(&mut self, reason: String) {
        if self.prefix.is_none() {
            self.prefix = Some(std::mem::take(&mut self.current));
        }
        self.current.clear();
        self.reason.get_or_insert(reason);
    }

    fn finish(self) -> Result<String, Unknown> {
        match (self.prefix, self.reason) {
            (Some(prefix), Some(reason)) => Err(Unknown::of_kind(
                reason,
                UnknownKind::Text {
                    prefix: Arc::from(prefix.as_str()),
                    suffix: Arc::from(self.current.as_str()),
                },
            )),
            _ => Ok(self.current),
        }
    }
}

/// The byte offset of the next `${` in `text`.
fn find_placeholder(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(found) = bytes.get(from..)?.iter().position(|b| *b == b'$') {
        let at = from + found;
        if bytes.get(at + 1) == Some(&b'{') {
            return Some(at);
        }
        from = at + 1;
    }
    None
}
