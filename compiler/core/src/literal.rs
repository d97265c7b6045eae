//! Constant literals of the syntax tree as JSON: test inputs, parameter
//! defaults and the values tests give parameters.

use crate::numbers::EXACT_INTEGER_LIMIT;
use ward_syntax::ast::{Expr, ExprKind, Span, UnaryOp};

/// Why a literal cannot be converted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiteralError {
    /// The offending part.
    pub span: Span,
    /// Why, lowercase.
    pub message: String,
}

/// Converts a constant expression (`null`, booleans, numbers, negated
/// numbers, strings without interpolation, raw strings, lists, objects) to
/// JSON. Integral numbers below 2^53 become JSON integers. Object keys keep
/// their order; a repeated key keeps its first position and its last value.
///
/// # Errors
///
/// A [`LiteralError`] at the first part that is not a constant, or at a
/// number that JSON cannot hold.
pub fn literal_to_json(expr: &Expr) -> Result<serde_json::Value, LiteralError> {
    let error = |message: &str| LiteralError {
        span: expr.span,
        message: message.to_string(),
    };
    Ok(match &expr.kind {
        ExprKind::Null => serde_json::Value::Null,
        ExprKind::Bool(flag) => serde_json::Value::Bool(*flag),
        ExprKind::Number(number) => {
            number_to_json(*number).ok_or_else(|| error("this number is too large"))?
        }
        ExprKind::Unary(UnaryOp::Neg, inner) => match inner.kind {
            ExprKind::Number(number) => {
                number_to_json(-number).ok_or_else(|| error("this number is too large"))?
            }
            _ => return Err(error("a test input must be a constant")),
        },
        ExprKind::RawString(text) => serde_json::Value::String(text.clone()),
        ExprKind::String(literal) => match literal.as_plain() {
            Some(text) => serde_json::Value::String(text),
            None => return Err(error("a test input cannot interpolate")),
        },
        ExprKind::List(items) => serde_json::Value::Array(
            items
                .iter()
                .map(literal_to_json)
                .collect::<Result<_, _>>()?,
        ),
        ExprKind::Object(fields) => {
            let mut object = serde_json::Map::new();
            for field in fields {
                object.insert(field.key.name.clone(), literal_to_json(&field.value)?);
            }
            serde_json::Value::Object(object)
        }
        _ => return Err(error("a test input must be a constant")),
    })
}

fn number_to_json(number: f64) -> Option<serde_json::Value> {
    if number.fract() == 0.0 && number.abs() < EXACT_INTEGER_LIMIT {
        // Exact: an integral value below 2^53 fits an i64.
        return Some(serde_json::Value::from(number as i64));
    }
    serde_json::Number::from_f64(number).map(serde_json::Value::Number)
}
