//! The operations of the language on run-time values: field access,
//! indexing, equality, ordering, `in`, arithmetic, iteration and rendering.

use std::rc::Rc;
use std::sync::Arc;

use ward_compiler::ir::{ArithOp, CompareOp};
use ward_model::Document;

use crate::text::render_number;
use crate::value::{Fields, Part, PathNode, Truth, Value, View};

/// Why evaluation stopped early.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Halt {
    /// The step budget ran out.
    Budget,
    /// Nesting went deeper than the evaluator allows.
    Depth,
}

pub(crate) type Res<T> = Result<T, Halt>;

/// A step counter with a ceiling.
#[derive(Debug)]
pub(crate) struct Budget {
    pub(crate) used: u64,
    pub(crate) max: u64,
}

impl Budget {
    pub(crate) fn charge(&mut self, steps: u64) -> Res<()> {
        self.used = self.used.saturating_add(steps);
        if self.used > self.max {
            Err(Halt::Budget)
        } else {
            Ok(())
        }
    }

    /// Charges for building something of `size` bytes or elements.
    pub(crate) fn charge_size(&mut self, size: usize) -> Res<()> {
        self.charge(1 + (size as u64) / 16)
    }
}

/// `base.key`.
pub(crate) fn field<'d>(document: &'d Document, base: &Value<'d>, key: &str) -> Value<'d> {
    match base.view() {
        View::Object(fields) => fields.get(key).unwrap_or(Value::Null),
        View::Unknown(_) => base.clone(),
        View::Resource(index) => resource_field(document, index, key),
        _ => Value::Null,
    }
}

fn resource_field<'d>(document: &'d Document, index: usize, key: &str) -> Value<'d> {
    let Some(resource) = document.resources.get(index) else {
        return Value::Null;
    };
    let root = |part| {
        Rc::new(PathNode::Root {
            resource: index,
            part,
        })
    };
    match key {
        "id" => Value::str(&resource.id),
        "type" => Value::str(&resource.resource_type),
        "props" => Value::Input(&resource.props, root(Part::Props)),
        "tags" => Value::Input(&resource.tags, root(Part::Tags)),
        "metadata" => Value::Input(&resource.metadata, root(Part::Metadata)),
        "format" => Value::str(document.kind.format()),
        _ => Value::Null,
    }
}

/// `base[index]`.
pub(crate) fn index<'d>(base: &Value<'d>, index: &Value<'d>) -> Value<'d> {
    if base.is_unknown() {
        return base.clone();
    }
    if index.is_unknown() {
        return index.clone();
    }
    match (base.view(), index.view()) {
        (View::List(items), View::Number(number)) => {
            if number >= 0.0 && number.fract() == 0.0 && number < items.len() as f64 {
                items.get(number as usize).unwrap_or(Value::Null)
            } else {
                Value::Null
            }
        }
        (View::Object(fields), View::Str(key)) => fields.get(key).unwrap_or(Value::Null),
        _ => Value::Null,
    }
}

/// Deep equality, three-valued.
pub(crate) fn equals<'d>(
    left: &Value<'d>,
    right: &Value<'d>,
    budget: &mut Budget,
) -> Res<Truth<'d>> {
    budget.charge(1)?;
    // A reference to a resource equals a reference to the same resource
    // (and attribute), and no known value.
    match (left.reference(), right.reference()) {
        (Some(a), Some(b)) => return Ok(Truth::from_bool(a == b)),
        (Some(_), None) if !right.is_unknown() => return Ok(Truth::False),
        (None, Some(_)) if !left.is_unknown() => return Ok(Truth::False),
        _ => {}
    }
    // Text with unknown parts equals only a string that starts with its
    // known prefix and ends with its known suffix (and then maybe).
    for (text, other) in [(left, right), (right, left)] {
        if let Some((prefix, suffix)) = text.text_parts()
            && !other.is_unknown()
        {
            let fits = match other.view() {
                View::Str(s) => {
                    s.len() >= prefix.len() + suffix.len()
                        && s.starts_with(prefix)
                        && s.ends_with(suffix)
                }
                _ => false,
            };
            return Ok(if fits {
                Truth::Unknown(text.clone())
            } else {
                Truth::False
            });
        }
    }
    if left.is_unknown() {
        return Ok(Truth::Unknown(left.clone()));
    }
    if right.is_unknown() {
        return Ok(Truth::Unknown(right.clone()));
    }
    let truth = match (left.view(), right.view()) {
        (View::Null, View::Null) => Truth::True,
        (View::Bool(a), View::Bool(b)) => Truth::from_bool(a == b),
        (View::Number(a), View::Number(b)) => Truth::from_bool(a == b),
        (View::Str(a), View::Str(b)) => Truth::from_bool(a == b),
        (View::Resource(a), View::Resource(b)) => Truth::from_bool(a == b),
        (View::List(a), View::List(b)) => {
            if a.len() != b.len() {
                return Ok(Truth::False);
            }
            let mut unknown = None;
            for position in 0..a.len() {
                let (Some(x), Some(y)) = (a.get(position), b.get(position)) else {
                    return Ok(Truth::False);
                };
                match equals(&x, &y, budget)? {
                    Truth::True => {}
                    Truth::False => return Ok(Truth::False),
                    Truth::Unknown(value) => {
                        unknown.get_or_insert(value);
                    }
                }
            }
            unknown.map_or(Truth::True, Truth::Unknown)
        }
        (View::Object(a), View::Object(b)) => {
            if a.len() != b.len() {
                return Ok(Truth::False);
            }
            let mut unknown = None;
            for (key, x) in a.entries() {
                let Some(y) = b.get(&key) else {
                    return Ok(Truth::False);
                };
                match equals(&x, &y, budget)? {
                    Truth::True => {}
                    Truth::False => return Ok(Truth::False),
                    Truth::Unknown(value) => {
                        unknown.get_or_insert(value);
                    }
                }
            }
            unknown.map_or(Truth::True, Truth::Unknown)
        }
        _ => Truth::False,
    };
    Ok(truth)
}

/// `==`, `!=`, `<`, `<=`, `>`, `>=`.
pub(crate) fn compare<'d>(
    op: CompareOp,
    left: &Value<'d>,
    right: &Value<'d>,
    budget: &mut Budget,
) -> Res<Truth<'d>> {
    match op {
        CompareOp::Eq => equals(left, right, budget),
        CompareOp::Ne => Ok(equals(left, right, budget)?.not()),
        CompareOp::Lt | CompareOp::Le | CompareOp::Gt | CompareOp::Ge => {
            if left.is_unknown() {
                return Ok(Truth::Unknown(left.clone()));
            }
            if right.is_unknown() {
                return Ok(Truth::Unknown(right.clone()));
            }
            let ordering = match (left.view(), right.view()) {
                (View::Number(a), View::Number(b)) => a.partial_cmp(&b),
                (View::Str(a), View::Str(b)) => Some(a.as_bytes().cmp(b.as_bytes())),
                _ => None,
            };
            let Some(ordering) = ordering else {
                return Ok(Truth::False);
            };
            Ok(Truth::from_bool(match op {
                CompareOp::Lt => ordering.is_lt(),
                CompareOp::Le => ordering.is_le(),
                CompareOp::Gt => ordering.is_gt(),
                _ => ordering.is_ge(),
            }))
        }
    }
}

/// `item in container`.
pub(crate) fn contains<'d>(
    item: &Value<'d>,
    container: &Value<'d>,
    budget: &mut Budget,
) -> Res<Truth<'d>> {
    match container.view() {
        View::Unknown(_) => Ok(Truth::Unknown(container.clone())),
        View::List(items) => {
            let mut unknown = None;
            for position in 0..items.len() {
                let Some(element) = items.get(position) else {
                    break;
                };
                match equals(item, &element, budget)? {
                    Truth::True => return Ok(Truth::True),
                    Truth::False => {}
                    Truth::Unknown(value) => {
                        unknown.get_or_insert(value);
                    }
                }
            }
            Ok(unknown.map_or(Truth::False, Truth::Unknown))
        }
        View::Str(haystack) => match item.view() {
            View::Unknown(_) => Ok(Truth::Unknown(item.clone())),
            View::Str(needle) => {
                budget.charge_size(haystack.len())?;
                Ok(Truth::from_bool(haystack.contains(needle)))
            }
            _ => Ok(Truth::False),
        },
        View::Object(fields) => match item.view() {
            View::Unknown(_) => Ok(Truth::Unknown(item.clone())),
            View::Str(key) => Ok(Truth::from_bool(fields.contains(key))),
            _ => Ok(Truth::False),
        },
        _ => Ok(Truth::False),
    }
}

/// Arithmetic; a result that is not finite is `null`.
pub(crate) fn arith<'d>(
    op: ArithOp,
    left: &Value<'d>,
    right: &Value<'d>,
    budget: &mut Budget,
) -> Res<Value<'d>> {
    if left.is_unknown() {
        return Ok(left.clone());
    }
    if right.is_unknown() {
        return Ok(right.clone());
    }
    let value = match (left.view(), right.view()) {
        (View::Number(a), View::Number(b)) => {
            let result = match op {
                ArithOp::Add => a + b,
                ArithOp::Sub => a - b,
                ArithOp::Mul => a * b,
                ArithOp::Div => a / b,
                ArithOp::Rem => a - b * (a / b).trunc(),
            };
            if result.is_finite() {
                Value::Number(result)
            } else {
                Value::Null
            }
        }
        (View::List(a), View::List(b)) if op == ArithOp::Add => {
            budget.charge_size(a.len() + b.len())?;
            let mut joined = a.to_vec();
            joined.extend(b.to_vec());
            Value::list(joined)
        }
        (View::Str(a), View::Str(b)) if op == ArithOp::Add => {
            budget.charge_size(a.len() + b.len())?;
            let mut joined = String::with_capacity(a.len() + b.len());
            joined.push_str(a);
            joined.push_str(b);
            Value::Str(Arc::from(joined))
        }
        _ => Value::Null,
    };
    Ok(value)
}

/// The position a slice bound stands for: `absent` for an absent bound
/// (`null`), an integer counted from the end when negative and clamped to
/// `0..=len`; `None` for anything else.
fn slice_bound(bound: &Value<'_>, len: usize, absent: usize) -> Option<usize> {
    match bound.view() {
        View::Null => Some(absent),
        View::Number(number) if number.fract() == 0.0 => {
            let len_f = len as f64;
            let position = if number < 0.0 { number + len_f } else { number };
            Some(position.clamp(0.0, len_f) as usize)
        }
        _ => None,
    }
}

/// `base[start:end]`: the elements of a list or the characters of a string
/// from `start` up to `end`, Python-like: an absent bound is the start or
/// the end, a negative one counts from the end, both are clamped, and an
/// empty range gives an empty result. A bound that is not an integer, or a
/// base that is not a list or a string, gives `null`.
pub(crate) fn slice<'d>(
    base: &Value<'d>,
    start: &Value<'d>,
    end: &Value<'d>,
    budget: &mut Budget,
) -> Res<Value<'d>> {
    for value in [base, start, end] {
        if value.is_unknown() {
            return Ok(value.clone());
        }
    }
    let value = match base.view() {
        View::List(items) => {
            let len = items.len();
            match (slice_bound(start, len, 0), slice_bound(end, len, len)) {
                (Some(from), Some(to)) => {
                    budget.charge_size(to.saturating_sub(from))?;
                    Value::list((from..to).filter_map(|index| items.get(index)).collect())
                }
                _ => Value::Null,
            }
        }
        View::Str(text) => {
            budget.charge_size(text.len())?;
            let len = text.chars().count();
            match (slice_bound(start, len, 0), slice_bound(end, len, len)) {
                (Some(from), Some(to)) => Value::Str(Arc::from(
                    text.chars()
                        .skip(from)
                        .take(to.saturating_sub(from))
                        .collect::<String>(),
                )),
                _ => Value::Null,
            }
        }
        _ => Value::Null,
    };
    Ok(value)
}

/// Unary minus.
pub(crate) fn negate<'d>(value: &Value<'d>) -> Value<'d> {
    match value.view() {
        View::Number(number) => Value::Number(-number),
        View::Unknown(_) => value.clone(),
        _ => Value::Null,
    }
}

/// What iterating a value yields.
pub(crate) enum Iteration<'d> {
    /// The value is unknown.
    Unknown(Value<'d>),
    /// The elements.
    Items(Vec<Value<'d>>),
}

/// Iteration: `null` is empty, a list its elements, unknown unknown, any
/// other value a list of one.
pub(crate) fn iterate<'d>(value: &Value<'d>, budget: &mut Budget) -> Res<Iteration<'d>> {
    let iteration = match value.view() {
        View::Null => Iteration::Items(Vec::new()),
        View::Unknown(_) => Iteration::Unknown(value.clone()),
        View::List(items) => {
            budget.charge_size(items.len())?;
            Iteration::Items(items.to_vec())
        }
        _ => Iteration::Items(vec![value.clone()]),
    };
    Ok(iteration)
}

/// Renders a value as `string(...)` does, unknown as `<unknown>`.
pub(crate) fn render(document: &Document, value: &Value<'_>, budget: &mut Budget) -> Res<String> {
    let mut out = String::new();
    match value.view() {
        View::Str(text) => out.push_str(text),
        View::Resource(index) => out.push_str(resource_id(document, index)),
        _ => render_into(document, value, &mut out, budget)?,
    }
    budget.charge_size(out.len())?;
    Ok(out)
}

/// Renders a value with strings quoted: compact JSON for lists and objects,
/// a resource as its quoted id, unknown as `<unknown>`.
fn render_into(
    document: &Document,
    value: &Value<'_>,
    out: &mut String,
    budget: &mut Budget,
) -> Res<()> {
    budget.charge(1)?;
    match value.view() {
        View::Null => out.push_str("null"),
        View::Bool(flag) => out.push_str(if flag { "true" } else { "false" }),
        View::Number(number) => render_number(number, out),
        View::Str(text) => quote(text, out),
        View::Resource(index) => quote(resource_id(document, index), out),
        View::Unknown(_) => out.push_str("<unknown>"),
        View::List(items) => {
            out.push('[');
            for position in 0..items.len() {
                if position > 0 {
                    out.push(',');
                }
                if let Some(element) = items.get(position) {
                    render_into(document, &element, out, budget)?;
                }
            }
            out.push(']');
        }
        View::Object(fields) => render_object(document, fields, out, budget)?,
    }
    Ok(())
}

fn render_object(
    document: &Document,
    fields: Fields<'_, '_>,
    out: &mut String,
    budget: &mut Budget,
) -> Res<()> {
    out.push('{');
    for (position, (key, element)) in fields.entries().into_iter().enumerate() {
        if position > 0 {
            out.push(',');
        }
        quote(&key, out);
        out.push(':');
        render_into(document, &element, out, budget)?;
    }
    out.push('}');
    Ok(())
}

fn resource_id(document: &Document, index: usize) -> &str {
    document
        .resources
        .get(index)
        .map_or("", |resource| resource.id.as_str())
}

/// A JSON string literal: `"` and `\` escaped, control characters as
/// `\n`, `\r`, `\t`, `\b`, `\f` or `\u00XX`.
fn quote(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Whether a resource type matches a pattern: equal, or starting with the
/// pattern's text before a final `*`.
pub(crate) fn type_matches(pattern: &str, resource_type: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => resource_type.starts_with(prefix),
        None => resource_type == pattern,
    }
}
