//! The string, pattern and IAM builtins: `split`, `join`, `replace`,
//! `substring`, `capture`, `glob_match`, `action_matches`,
//! `actions_overlap` and `arn`.
//!
//! Shared rules (`docs/semantics.md`): an unknown argument makes the result
//! that unknown (the first one, in argument order); an argument of the
//! wrong kind makes a string or list result `null` and a truth `false`.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use ward_compiler::builtins::{ARN_FIELDS, Builtin};
use ward_compiler::regex::CaptureProgram;
use ward_model::Document;

use crate::ops::{self, Budget, Res};
use crate::text::{char_offset, glob_overlap, parse_arn};
use crate::value::{Value, View};

pub(crate) fn apply<'d>(
    builtin: Builtin,
    args: &[Value<'d>],
    document: &'d Document,
    budget: &mut Budget,
) -> Res<Value<'d>> {
    let arg = |position: usize| args.get(position).cloned().unwrap_or(Value::Null);
    // `action_matches` and `actions_overlap` look into lists for unknown
    // items themselves; every other builtin here is unknown when an
    // argument is.
    if let Some(unknown) = args.iter().find(|value| value.is_unknown()) {
        return Ok(unknown.clone());
    }
    let value = match builtin {
        Builtin::Split => match (arg(0).view(), arg(1).view()) {
            (View::Str(text), View::Str(separator)) => {
                budget.charge_size(text.len())?;
                let pieces: Vec<Value<'d>> = if separator.is_empty() {
                    vec![Value::str(text)]
                } else {
                    text.split(separator).map(Value::str).collect()
                };
                budget.charge_size(pieces.len())?;
                Value::list(pieces)
            }
            _ => Value::Null,
        },
        Builtin::Join => join(document, &arg(0), &arg(1), budget)?,
        Builtin::Replace => match (arg(0).view(), arg(1).view(), arg(2).view()) {
            (View::Str(text), View::Str(old), View::Str(new)) => {
                budget.charge_size(text.len())?;
                if old.is_empty() {
                    Value::str(text)
                } else {
                    let replaced = text.replace(old, new);
                    budget.charge_size(replaced.len())?;
                    Value::Str(Arc::from(replaced))
                }
            }
            _ => Value::Null,
        },
        Builtin::Substring => substring(&arg(0), &arg(1), &arg(2), budget)?,
        Builtin::Capture => capture(&arg(0), &arg(1), budget)?,
        Builtin::GlobMatch => match (arg(0).view(), arg(1).view()) {
            (View::Str(pattern), View::Str(text)) => {
                budget.charge_size(pattern.len().saturating_mul(text.len().max(1)) / 16)?;
                Value::Bool(glob_overlap(
                    pattern.as_bytes(),
                    text.as_bytes(),
                    false,
                    false,
                ))
            }
            _ => Value::Bool(false),
        },
        Builtin::ActionMatches | Builtin::ActionsOverlap => {
            let both_wildcards = builtin == Builtin::ActionsOverlap;
            actions(&arg(0), &arg(1), both_wildcards, budget)?
        }
        Builtin::Arn => match arg(0).view() {
            View::Str(text) => match parse_arn(text) {
                Some(parts) => Value::Object(Rc::from(
                    ARN_FIELDS
                        .iter()
                        .zip(parts)
                        .map(|(field, part)| (Arc::from(*field), Value::str(part)))
                        .collect::<Vec<_>>(),
                )),
                None => Value::Null,
            },
            _ => Value::Null,
        },
        _ => Value::Null,
    };
    Ok(value)
}

/// `join(items, separator)`.
fn join<'d>(
    document: &'d Document,
    items: &Value<'d>,
    separator: &Value<'d>,
    budget: &mut Budget,
) -> Res<Value<'d>> {
    let (View::List(items), View::Str(separator)) = (items.view(), separator.view()) else {
        return Ok(Value::Null);
    };
    let items = items.to_vec();
    if let Some(unknown) = items.iter().find(|item| item.is_unknown()) {
        return Ok(unknown.clone());
    }
    let mut out = String::new();
    for (index, item) in items.iter().enumerate() {
        if !matches!(item.view(), View::Str(_) | View::Number(_) | View::Bool(_)) {
            return Ok(Value::Null);
        }
        if index > 0 {
            out.push_str(separator);
        }
        out.push_str(&ops::render(document, item, budget)?);
    }
    budget.charge_size(out.len())?;
    Ok(Value::Str(Arc::from(out)))
}

/// `substring(text, start, end?)`: bounds in characters, truncated toward
/// zero (NaN as 0, saturating at the limits of a 32-bit integer, as
/// WebAssembly's saturating truncation does) and clamped to the text.
fn substring<'d>(
    text: &Value<'d>,
    start: &Value<'d>,
    end: &Value<'d>,
    budget: &mut Budget,
) -> Res<Value<'d>> {
    let View::Str(text) = text.view() else {
        return Ok(Value::Null);
    };
    let View::Number(start) = start.view() else {
        return Ok(Value::Null);
    };
    let end = match end.view() {
        View::Null => None,
        View::Number(end) => Some(end),
        _ => return Ok(Value::Null),
    };
    budget.charge_size(text.len())?;
    let clamp = |bound: f64| usize::try_from((bound as i32).max(0)).unwrap_or(0);
    let from = clamp(start);
    let to = end.map_or(usize::MAX, clamp);
    if to <= from {
        return Ok(Value::str(""));
    }
    let from = char_offset(text, from);
    let to = char_offset(text, to);
    Ok(Value::str(text.get(from..to).unwrap_or("")))
}

thread_local! {
    /// Capture programs by pattern: compiled once per thread.
    static CAPTURES: RefCell<HashMap<String, Option<Rc<CaptureProgram>>>> =
        RefCell::new(HashMap::new());
}

/// `capture(text, pattern)`.
fn capture<'d>(text: &Value<'d>, pattern: &Value<'d>, budget: &mut Budget) -> Res<Value<'d>> {
    let (View::Str(text), View::Str(pattern)) = (text.view(), pattern.view()) else {
        return Ok(Value::Null);
    };
    let program = CAPTURES.with(|cache| {
        cache
            .borrow_mut()
            .entry(pattern.to_string())
            .or_insert_with(|| CaptureProgram::compile(pattern).ok().map(Rc::new))
            .clone()
    });
    let Some(program) = program else {
        return Ok(Value::Null);
    };
    budget.charge_size(text.len().saturating_mul(program.len().max(1)) / 16)?;
    let Some(groups) = program.captures(text.as_bytes()) else {
        return Ok(Value::Null);
    };
    let items = groups
        .into_iter()
        .map(|group| match group {
            Some((from, to)) => Value::str(text.get(from..to).unwrap_or("")),
            None => Value::Null,
        })
        .collect();
    Ok(Value::list(items))
}

/// The patterns or actions of one side of `action_matches` or
/// `actions_overlap`: a string, or the strings of a list (other values
/// stand for nothing), and the list's first unknown item.
fn action_side<'d>(value: &Value<'d>) -> (Vec<Arc<str>>, Option<Value<'d>>) {
    let mut texts = Vec::new();
    let mut unknown = None;
    match value.view() {
        View::Str(text) => texts.push(Arc::from(text)),
        View::List(items) => {
            for item in items.to_vec() {
                match item.view() {
                    View::Str(text) => texts.push(Arc::from(text)),
                    View::Unknown(_) if unknown.is_none() => unknown = Some(item.clone()),
                    _ => {}
                }
            }
        }
        _ => {}
    }
    (texts, unknown)
}

/// `action_matches` (`both_wildcards` false: the actions are literal) and
/// `actions_overlap`: true when some pair matches; otherwise the first
/// unknown item (of the left side, then of the right) or false.
fn actions<'d>(
    left: &Value<'d>,
    right: &Value<'d>,
    both_wildcards: bool,
    budget: &mut Budget,
) -> Res<Value<'d>> {
    let (left, left_unknown) = action_side(left);
    let (right, right_unknown) = action_side(right);
    for a in &left {
        for b in &right {
            budget.charge_size((a.len() + 1).saturating_mul(b.len() + 1) / 16)?;
            if glob_overlap(a.as_bytes(), b.as_bytes(), true, both_wildcards) {
                return Ok(Value::Bool(true));
            }
        }
    }
    Ok(left_unknown.or(right_unknown).unwrap_or(Value::Bool(false)))
}
