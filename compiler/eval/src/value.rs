//! Run-time values of the reference evaluator.
//!
//! Values read from the input are not copied: [`Value::Input`] points at a
//! node of the document together with the path that led to it, so a finding
//! can report where the value stands. Values built by the policy (literals,
//! lists, results of operations) live in [`Value`]'s other variants.
//! An unknown value is always an input node whose value is
//! [`ward_model::Value::Unknown`]; operations that yield unknown because of
//! an unknown operand yield that operand, so the reason and the position
//! travel with it.

use std::rc::Rc;
use std::sync::Arc;

use ward_model::{Node, UnknownKind, Value as ModelValue};

/// Which part of a resource a path starts at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Part {
    /// `r.props`.
    Props,
    /// `r.tags`.
    Tags,
    /// `r.metadata`.
    Metadata,
}

/// The path from a resource to an input value, as a linked list from the
/// value back to the root.
#[derive(Debug)]
pub(crate) enum PathNode {
    /// A part of a resource.
    Root {
        /// Index of the resource in the document.
        resource: usize,
        /// Which part.
        part: Part,
    },
    /// An object member.
    Key(Path, Arc<str>),
    /// A list element.
    Index(Path, usize),
}

pub(crate) type Path = Rc<PathNode>;

/// A run-time value.
#[derive(Clone, Debug)]
pub(crate) enum Value<'d> {
    Null,
    Bool(bool),
    Number(f64),
    Str(Arc<str>),
    List(Rc<[Value<'d>]>),
    Object(Rc<[(Arc<str>, Value<'d>)]>),
    /// A resource of the document, by index.
    Resource(usize),
    /// A node of the input and the path to it.
    Input(&'d Node, Path),
    /// An unknown value the policy made (`unknown("reason")`), with its
    /// reason: it stands for nothing of the input.
    Unknown(Arc<str>),
}

/// What a value is, with input nodes looked through.
pub(crate) enum View<'a, 'd> {
    Null,
    Bool(bool),
    Number(f64),
    Str(&'a str),
    List(Items<'a, 'd>),
    Object(Fields<'a, 'd>),
    Resource(usize),
    Unknown(&'a str),
}

/// The elements of a list value.
#[derive(Clone, Copy)]
pub(crate) enum Items<'a, 'd> {
    Built(&'a [Value<'d>]),
    Input(&'d [Node], &'a Path),
}

/// The entries of an object value.
#[derive(Clone, Copy)]
pub(crate) enum Fields<'a, 'd> {
    Built(&'a [(Arc<str>, Value<'d>)]),
    Input(&'d [(Arc<str>, Node)], &'a Path),
}

impl<'d> Value<'d> {
    pub(crate) fn str(text: &str) -> Value<'d> {
        Value::Str(Arc::from(text))
    }

    pub(crate) fn list(items: Vec<Value<'d>>) -> Value<'d> {
        Value::List(Rc::from(items))
    }

    /// A value built from JSON: a parameter's value. It is not part of the
    /// input, so it has no position.
    pub(crate) fn from_json(json: &serde_json::Value) -> Value<'d> {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(flag) => Value::Bool(*flag),
            serde_json::Value::Number(number) => Value::Number(number.as_f64().unwrap_or(0.0)),
            serde_json::Value::String(text) => Value::str(text),
            serde_json::Value::Array(items) => {
                Value::list(items.iter().map(Value::from_json).collect())
            }
            serde_json::Value::Object(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(key, value)| (Arc::from(key.as_str()), Value::from_json(value)))
                    .collect(),
            ),
        }
    }

    /// A value built from a node of the input that is read by name, never
    /// located: a template parameter's declaration (`parameter(x)`). It has
    /// no position, as its slots in the module have no node ids. Parsed
    /// sections hold no unknown values; one would read as `null`.
    pub(crate) fn detached(node: &Node) -> Value<'d> {
        match &node.value {
            ModelValue::Null | ModelValue::Unknown(_) => Value::Null,
            ModelValue::Bool(flag) => Value::Bool(*flag),
            ModelValue::Number(number) => Value::Number(*number),
            ModelValue::String(text) => Value::Str(text.clone()),
            ModelValue::List(items) => Value::list(items.iter().map(Value::detached).collect()),
            ModelValue::Object(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(key, value)| (key.clone(), Value::detached(value)))
                    .collect(),
            ),
        }
    }

    /// Looks through input nodes.
    pub(crate) fn view(&self) -> View<'_, 'd> {
        match self {
            Value::Null => View::Null,
            Value::Bool(flag) => View::Bool(*flag),
            Value::Number(number) => View::Number(*number),
            Value::Str(text) => View::Str(text),
            Value::List(items) => View::List(Items::Built(items)),
            Value::Object(entries) => View::Object(Fields::Built(entries)),
            Value::Resource(index) => View::Resource(*index),
            Value::Unknown(reason) => View::Unknown(reason),
            Value::Input(node, path) => match &node.value {
                ModelValue::Null => View::Null,
                ModelValue::Bool(flag) => View::Bool(*flag),
                ModelValue::Number(number) => View::Number(*number),
                ModelValue::String(text) => View::Str(text),
                ModelValue::List(items) => View::List(Items::Input(items, path)),
                ModelValue::Object(entries) => View::Object(Fields::Input(entries, path)),
                ModelValue::Unknown(reason) => View::Unknown(reason),
            },
        }
    }

    pub(crate) fn is_unknown(&self) -> bool {
        matches!(self.view(), View::Unknown(_))
    }

    /// What an unknown value stands for; `None` for any other value.
    pub(crate) fn unknown_kind(&self) -> Option<&'d UnknownKind> {
        match self {
            Value::Input(node, _) => node.as_unknown().map(|unknown| &unknown.kind),
            _ => None,
        }
    }

    /// The resource id and attribute of a reference to a resource of the
    /// input (an unknown value of kind reference).
    pub(crate) fn reference(&self) -> Option<(&'d str, Option<&'d str>)> {
        match self.unknown_kind()? {
            UnknownKind::Reference {
                resource,
                attribute,
            } => Some((resource, attribute.as_deref())),
            _ => None,
        }
    }

    /// The name of the template parameter an unknown value of kind
    /// parameter stands for.
    pub(crate) fn parameter_name(&self) -> Option<&'d str> {
        match self.unknown_kind()? {
            UnknownKind::Parameter { name } => Some(name),
            _ => None,
        }
    }

    /// The known prefix and suffix of text with unknown parts (an unknown
    /// value of kind text).
    pub(crate) fn text_parts(&self) -> Option<(&'d str, &'d str)> {
        match self.unknown_kind()? {
            UnknownKind::Text { prefix, suffix } => Some((prefix, suffix)),
            _ => None,
        }
    }

    /// The reason of an unknown value, empty for any other.
    pub(crate) fn unknown_reason(&self) -> &str {
        match self.view() {
            View::Unknown(reason) => reason,
            _ => "",
        }
    }
}

impl<'a, 'd> Items<'a, 'd> {
    pub(crate) fn len(self) -> usize {
        match self {
            Items::Built(items) => items.len(),
            Items::Input(nodes, _) => nodes.len(),
        }
    }

    pub(crate) fn get(self, index: usize) -> Option<Value<'d>> {
        match self {
            Items::Built(items) => items.get(index).cloned(),
            Items::Input(nodes, path) => nodes
                .get(index)
                .map(|node| Value::Input(node, Rc::new(PathNode::Index(path.clone(), index)))),
        }
    }

    pub(crate) fn to_vec(self) -> Vec<Value<'d>> {
        (0..self.len())
            .filter_map(|index| self.get(index))
            .collect()
    }
}

impl<'a, 'd> Fields<'a, 'd> {
    pub(crate) fn len(self) -> usize {
        match self {
            Fields::Built(entries) => entries.len(),
            Fields::Input(entries, _) => entries.len(),
        }
    }

    pub(crate) fn get(self, key: &str) -> Option<Value<'d>> {
        match self {
            Fields::Built(entries) => entries
                .iter()
                .find(|(entry, _)| &**entry == key)
                .map(|(_, value)| value.clone()),
            Fields::Input(entries, path) => {
                entries
                    .iter()
                    .find(|(entry, _)| &**entry == key)
                    .map(|(entry, node)| {
                        Value::Input(node, Rc::new(PathNode::Key(path.clone(), entry.clone())))
                    })
            }
        }
    }

    pub(crate) fn contains(self, key: &str) -> bool {
        match self {
            Fields::Built(entries) => entries.iter().any(|(entry, _)| &**entry == key),
            Fields::Input(entries, _) => entries.iter().any(|(entry, _)| &**entry == key),
        }
    }

    /// The keys in order.
    pub(crate) fn keys(self) -> Vec<Arc<str>> {
        match self {
            Fields::Built(entries) => entries.iter().map(|(key, _)| key.clone()).collect(),
            Fields::Input(entries, _) => entries.iter().map(|(key, _)| key.clone()).collect(),
        }
    }

    /// The entries in order.
    pub(crate) fn entries(self) -> Vec<(Arc<str>, Value<'d>)> {
        match self {
            Fields::Built(entries) => entries.to_vec(),
            Fields::Input(entries, path) => entries
                .iter()
                .map(|(key, node)| {
                    let value =
                        Value::Input(node, Rc::new(PathNode::Key(path.clone(), key.clone())));
                    (key.clone(), value)
                })
                .collect(),
        }
    }
}

/// A three-valued truth; the unknown case carries the unknown value that
/// caused it.
#[derive(Clone, Debug)]
pub(crate) enum Truth<'d> {
    True,
    False,
    Unknown(Value<'d>),
}

impl<'d> Truth<'d> {
    /// `true` is true, unknown is unknown, everything else is false.
    pub(crate) fn of(value: &Value<'d>) -> Truth<'d> {
        match value.view() {
            View::Bool(true) => Truth::True,
            View::Unknown(_) => Truth::Unknown(value.clone()),
            _ => Truth::False,
        }
    }

    pub(crate) fn from_bool(flag: bool) -> Truth<'d> {
        if flag { Truth::True } else { Truth::False }
    }

    pub(crate) fn into_value(self) -> Value<'d> {
        match self {
            Truth::True => Value::Bool(true),
            Truth::False => Value::Bool(false),
            Truth::Unknown(value) => value,
        }
    }

    pub(crate) fn not(self) -> Truth<'d> {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            unknown @ Truth::Unknown(_) => unknown,
        }
    }
}
