//! The builtins that are plain functions of their argument values.
//! (`resources`, `refs` and `referrers` read the document and live in the
//! interpreter.)

use std::sync::Arc;

use ward_compiler::builtins::{Builtin, NO_REASON};
use ward_model::{Document, UnknownKind};

use crate::ops::{self, Budget, Iteration, Res};
use crate::strings;
use crate::text::{self, parse_number};
use crate::value::{Truth, Value, View};

/// Applies a builtin to evaluated arguments. A missing argument is `null`.
pub(crate) fn apply<'d>(
    document: &'d Document,
    builtin: Builtin,
    args: &[Value<'d>],
    budget: &mut Budget,
) -> Res<Value<'d>> {
    let arg = |position: usize| args.get(position).cloned().unwrap_or(Value::Null);
    let first = arg(0);
    let value = match builtin {
        // Handled by the interpreter; reachable only through a malformed IR.
        Builtin::Resources | Builtin::Refs | Builtin::Referrers => Value::Null,
        Builtin::Count => match ops::iterate(&first, budget)? {
            Iteration::Unknown(unknown) => unknown,
            Iteration::Items(items) => Value::Number(items.len() as f64),
        },
        Builtin::AsList => match first.view() {
            View::Null => Value::list(Vec::new()),
            // A reference and text with unknown parts are one value each.
            View::Unknown(_) if first.reference().is_some() || first.text_parts().is_some() => {
                Value::list(vec![first.clone()])
            }
            View::List(_) | View::Unknown(_) => first.clone(),
            _ => Value::list(vec![first.clone()]),
        },
        Builtin::Len => match first.view() {
            View::Str(text) => {
                budget.charge_size(text.len())?;
                Value::Number(text.chars().count() as f64)
            }
            View::List(items) => Value::Number(items.len() as f64),
            View::Object(fields) => Value::Number(fields.len() as f64),
            View::Null => Value::Number(0.0),
            View::Unknown(_) => first.clone(),
            _ => Value::Null,
        },
        Builtin::Keys => match first.view() {
            View::Object(fields) => {
                budget.charge_size(fields.len())?;
                Value::list(fields.keys().into_iter().map(Value::Str).collect())
            }
            View::Unknown(_) => first.clone(),
            _ => Value::list(Vec::new()),
        },
        Builtin::Values => match first.view() {
            View::Object(fields) => {
                budget.charge_size(fields.len())?;
                Value::list(
                    fields
                        .entries()
                        .into_iter()
                        .map(|(_, value)| value)
                        .collect(),
                )
            }
            View::Unknown(_) => first.clone(),
            _ => Value::list(Vec::new()),
        },
        Builtin::Exists => match first.view() {
            View::Null => Value::Bool(false),
            // A reference to a resource is a value: it exists.
            View::Unknown(_) if first.reference().is_some() => Value::Bool(true),
            View::Unknown(_) => first.clone(),
            _ => Value::Bool(true),
        },
        Builtin::IsUnknown => Value::Bool(first.is_unknown() && first.reference().is_none()),
        Builtin::Target => match first.reference() {
            Some((resource, _)) => document
                .resource_index(resource)
                .map_or(Value::Null, Value::Resource),
            None if first.is_unknown() => first.clone(),
            None => Value::Null,
        },
        Builtin::UnknownKind => match first.view() {
            View::Unknown(_) => Value::str(first.unknown_kind().map_or("other", UnknownKind::name)),
            _ => Value::Null,
        },
        Builtin::Parameter => match first
            .parameter_name()
            .and_then(|name| document.parameter_declaration(name))
        {
            Some(declaration) => {
                budget.charge_size(declaration.as_object().map_or(1, <[_]>::len))?;
                Value::detached(declaration)
            }
            None => Value::Null,
        },
        Builtin::UnknownDetail => first
            .unknown_kind()
            .and_then(UnknownKind::detail)
            .map_or(Value::Null, Value::str),
        Builtin::Unknown => match first.view() {
            View::Str(text) => Value::Unknown(Arc::from(text)),
            View::Unknown(_) => first.clone(),
            _ => Value::Unknown(Arc::from(NO_REASON)),
        },
        Builtin::Lower | Builtin::Upper => match first.view() {
            View::Str(text) => {
                budget.charge_size(text.len())?;
                let mapped = if builtin == Builtin::Lower {
                    text.to_ascii_lowercase()
                } else {
                    text.to_ascii_uppercase()
                };
                Value::Str(Arc::from(mapped))
            }
            View::Unknown(_) => first.clone(),
            _ => Value::Null,
        },
        Builtin::StartsWith | Builtin::EndsWith => {
            let second = arg(1);
            let starts = builtin == Builtin::StartsWith;
            if let (Some((prefix, suffix)), View::Str(affix)) = (first.text_parts(), second.view())
            {
                // Text with unknown parts: its known start (or end) may
                // decide.
                let known = if starts { prefix } else { suffix };
                if affix.len() <= known.len() {
                    Value::Bool(if starts {
                        known.starts_with(affix)
                    } else {
                        known.ends_with(affix)
                    })
                } else if (starts && affix.starts_with(known))
                    || (!starts && affix.ends_with(known))
                {
                    first.clone()
                } else {
                    Value::Bool(false)
                }
            } else if first.is_unknown() {
                first.clone()
            } else if second.is_unknown() {
                second
            } else {
                match (first.view(), second.view()) {
                    (View::Str(text), View::Str(affix)) => {
                        Value::Bool(if builtin == Builtin::StartsWith {
                            text.starts_with(affix)
                        } else {
                            text.ends_with(affix)
                        })
                    }
                    _ => Value::Bool(false),
                }
            }
        }
        Builtin::Contains => ops::contains(&arg(1), &first, budget)?.into_value(),
        Builtin::Number => match first.view() {
            View::Number(_) | View::Unknown(_) => first.clone(),
            View::Str(text) => parse_number(text).map_or(Value::Null, Value::Number),
            _ => Value::Null,
        },
        Builtin::String => {
            if first.is_unknown() {
                first.clone()
            } else {
                Value::Str(Arc::from(ops::render(document, &first, budget)?))
            }
        }
        Builtin::IsCidr => match first.view() {
            View::Str(text) => Value::Bool(text::is_cidr(text)),
            View::Unknown(_) => first.clone(),
            _ => Value::Bool(false),
        },
        Builtin::CidrContains => {
            let second = arg(1);
            if first.is_unknown() {
                first.clone()
            } else if second.is_unknown() {
                second
            } else {
                match (first.view(), second.view()) {
                    (View::Str(outer), View::Str(inner)) => {
                        Value::Bool(text::cidr_contains(outer, inner))
                    }
                    _ => Value::Bool(false),
                }
            }
        }
        Builtin::Sum | Builtin::Min | Builtin::Max => aggregate(builtin, &first, budget)?,
        Builtin::Distinct => distinct(&first, budget)?,
        Builtin::PortInRange => {
            let (port, from, to) = (first, arg(1), arg(2));
            if let Some(unknown) = [&port, &from, &to]
                .into_iter()
                .find(|value| value.is_unknown())
            {
                unknown.clone()
            } else {
                Value::Bool(port_in_range(
                    as_number(&port),
                    as_number(&from),
                    as_number(&to),
                ))
            }
        }
        Builtin::Split
        | Builtin::Join
        | Builtin::Replace
        | Builtin::Substring
        | Builtin::Capture
        | Builtin::GlobMatch
        | Builtin::ActionMatches
        | Builtin::ActionsOverlap
        | Builtin::Arn => strings::apply(builtin, args, document, budget)?,
    };
    Ok(value)
}

/// `sum`, `min` and `max`: the first unknown element makes the result
/// unknown; `sum` adds numbers (`0` for none), `min` and `max` order all
/// numbers or all strings (`null` for none); any other mix is `null`.
fn aggregate<'d>(builtin: Builtin, list: &Value<'d>, budget: &mut Budget) -> Res<Value<'d>> {
    let items = match ops::iterate(list, budget)? {
        Iteration::Unknown(unknown) => return Ok(unknown),
        Iteration::Items(items) => items,
    };
    if let Some(unknown) = items.iter().find(|item| item.is_unknown()) {
        return Ok(unknown.clone());
    }
    if builtin == Builtin::Sum {
        let mut total = 0.0;
        for item in &items {
            let View::Number(number) = item.view() else {
                return Ok(Value::Null);
            };
            total += number;
        }
        return Ok(if total.is_finite() {
            Value::Number(total)
        } else {
            Value::Null
        });
    }
    let mut best: Option<Value<'d>> = None;
    for item in items {
        let better = match (&best, item.view()) {
            (None, View::Number(_) | View::Str(_)) => true,
            (Some(current), View::Number(number)) => match current.view() {
                View::Number(kept) => {
                    if builtin == Builtin::Min {
                        number < kept
                    } else {
                        number > kept
                    }
                }
                _ => return Ok(Value::Null),
            },
            (Some(current), View::Str(text)) => match current.view() {
                View::Str(kept) => {
                    let ordering = text.as_bytes().cmp(kept.as_bytes());
                    if builtin == Builtin::Min {
                        ordering.is_lt()
                    } else {
                        ordering.is_gt()
                    }
                }
                _ => return Ok(Value::Null),
            },
            _ => return Ok(Value::Null),
        };
        if better {
            best = Some(item);
        }
    }
    Ok(best.unwrap_or(Value::Null))
}

/// `distinct`: each element at its first occurrence; whether two elements
/// are equal being unknown makes the result unknown.
fn distinct<'d>(list: &Value<'d>, budget: &mut Budget) -> Res<Value<'d>> {
    let items = match ops::iterate(list, budget)? {
        Iteration::Unknown(unknown) => return Ok(unknown),
        Iteration::Items(items) => items,
    };
    let mut kept: Vec<Value<'d>> = Vec::with_capacity(items.len());
    for item in items {
        let mut seen = false;
        for earlier in &kept {
            match ops::equals(earlier, &item, budget)? {
                Truth::True => {
                    seen = true;
                    break;
                }
                Truth::False => {}
                Truth::Unknown(unknown) => return Ok(unknown),
            }
        }
        if !seen {
            kept.push(item);
        }
    }
    Ok(Value::list(kept))
}

/// A number, or a numeric string as a number.
fn as_number(value: &Value<'_>) -> Option<f64> {
    match value.view() {
        View::Number(number) => Some(number),
        View::Str(text) => parse_number(text),
        _ => None,
    }
}

fn port_in_range(port: Option<f64>, from: Option<f64>, to: Option<f64>) -> bool {
    let (Some(port), Some(from)) = (port, from) else {
        return false;
    };
    if from == -1.0 {
        return true;
    }
    to.is_some_and(|to| from <= port && port <= to)
}
