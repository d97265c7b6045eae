//! Policy parameters: the types a parameter can be declared with, and how a
//! host turns the defaults of a module's metadata and a user's overrides
//! into the values it encodes (`docs/abi.md` section 2.8).
//!
//! The compiler checks a declaration's default against its type; hosts
//! check overrides with the same [`ParamType::fits`], so the reference
//! evaluator and the compiled module refuse the same values.

use std::fmt;

use serde_json::Value;

/// The declared type of a parameter.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ParamType {
    /// `bool`.
    Bool,
    /// `number`.
    Number,
    /// `string`.
    String,
    /// `object`.
    Object,
    /// `list`, or `list<T>` with an element type.
    List(Option<Box<ParamType>>),
}

impl ParamType {
    /// The names a type can be written with, for messages.
    pub const NAMES: &'static [&'static str] = &["bool", "number", "string", "list", "object"];

    /// A type from its name and, for `list<T>`, its element type.
    pub fn from_parts(name: &str, element: Option<ParamType>) -> Option<ParamType> {
        match (name, element) {
            ("bool", None) => Some(ParamType::Bool),
            ("number", None) => Some(ParamType::Number),
            ("string", None) => Some(ParamType::String),
            ("object", None) => Some(ParamType::Object),
            ("list", element) => Some(ParamType::List(element.map(Box::new))),
            _ => None,
        }
    }

    /// Parses a type as [`fmt::Display`] writes it: `string`,
    /// `list<number>`.
    pub fn parse(text: &str) -> Option<ParamType> {
        let text = text.trim();
        match text.split_once('<') {
            Some((name, rest)) => {
                let inner = rest.strip_suffix('>')?;
                ParamType::from_parts(name.trim(), Some(ParamType::parse(inner)?))
            }
            None => ParamType::from_parts(text, None),
        }
    }

    /// Whether a value has this type. A number is a JSON number, a list
    /// with an element type holds only elements of that type.
    pub fn fits(&self, value: &Value) -> bool {
        match (self, value) {
            (ParamType::Bool, Value::Bool(_))
            | (ParamType::Number, Value::Number(_))
            | (ParamType::String, Value::String(_))
            | (ParamType::Object, Value::Object(_))
            | (ParamType::List(None), Value::Array(_)) => true,
            (ParamType::List(Some(element)), Value::Array(items)) => {
                items.iter().all(|item| element.fits(item))
            }
            _ => false,
        }
    }
}

impl fmt::Display for ParamType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamType::Bool => f.write_str("bool"),
            ParamType::Number => f.write_str("number"),
            ParamType::String => f.write_str("string"),
            ParamType::Object => f.write_str("object"),
            ParamType::List(None) => f.write_str("list"),
            ParamType::List(Some(element)) => write!(f, "list<{element}>"),
        }
    }
}

impl ParamType {
    /// What a value that does not fit is, for messages: `a string`, or for
    /// a list whose element type it misses, `a list holding a number`.
    pub fn describe_misfit(&self, value: &Value) -> String {
        if let (ParamType::List(Some(element)), Value::Array(items)) = (self, value)
            && let Some(item) = items.iter().find(|item| !element.fits(item))
        {
            return format!("a list holding {}", describe_value(item));
        }
        describe_value(value).to_string()
    }
}

/// How a JSON value is described in messages: `a string`, `a list`.
pub fn describe_value(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// One parameter of a module, as its metadata lists it. Parameter `i` is
/// item `i` of the parameter list a host encodes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ParamMeta {
    /// The qualified name: `package.name`, such as `ward.aws.tags.required_tags`.
    pub name: String,
    /// The declared type as written, such as `list<string>`.
    pub ty: String,
    /// The default value, JSON text.
    pub default: String,
    /// The doc comment.
    pub doc: String,
}

impl ParamMeta {
    /// The name without its package.
    pub fn short_name(&self) -> &str {
        self.name.rsplit('.').next().unwrap_or(&self.name)
    }

    /// The declared type, parsed.
    pub fn param_type(&self) -> Option<ParamType> {
        ParamType::parse(&self.ty)
    }

    /// The default value; `null` when the text is not JSON.
    pub fn default_value(&self) -> Value {
        serde_json::from_str(&self.default).unwrap_or(Value::Null)
    }
}

/// Why a parameter value was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamError {
    /// No parameter has this name.
    Unknown {
        /// The name given.
        name: String,
        /// The qualified names of the parameters there are.
        known: Vec<String>,
    },
    /// A short name that several packages declare.
    Ambiguous {
        /// The name given.
        name: String,
        /// The qualified names it could mean.
        candidates: Vec<String>,
    },
    /// A value that does not have the declared type.
    WrongType {
        /// The qualified name.
        name: String,
        /// The declared type.
        expected: String,
        /// What was given.
        found: String,
    },
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamError::Unknown { name, known } if known.is_empty() => {
                write!(
                    f,
                    "unknown parameter `{name}`: the policies declare no parameters"
                )
            }
            ParamError::Unknown { name, known } => write!(
                f,
                "unknown parameter `{name}`; the parameters are {}",
                known
                    .iter()
                    .map(|name| format!("`{name}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            ParamError::Ambiguous { name, candidates } => write!(
                f,
                "parameter `{name}` is ambiguous: write one of {}",
                candidates
                    .iter()
                    .map(|name| format!("`{name}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            ParamError::WrongType {
                name,
                expected,
                found,
            } => write!(
                f,
                "parameter `{name}` takes {expected}, but the value is {found}"
            ),
        }
    }
}

impl std::error::Error for ParamError {}

/// The index in `params` of the parameter a user names: its qualified name,
/// or its short name when exactly one parameter has it.
///
/// # Errors
///
/// [`ParamError::Unknown`] or [`ParamError::Ambiguous`].
pub fn find_param(params: &[ParamMeta], name: &str) -> Result<usize, ParamError> {
    if let Some(index) = params.iter().position(|param| param.name == name) {
        return Ok(index);
    }
    let matching: Vec<usize> = params
        .iter()
        .enumerate()
        .filter(|(_, param)| param.short_name() == name)
        .map(|(index, _)| index)
        .collect();
    match matching.as_slice() {
        [index] => Ok(*index),
        [] => Err(ParamError::Unknown {
            name: name.to_string(),
            known: params.iter().map(|param| param.name.clone()).collect(),
        }),
        _ => Err(ParamError::Ambiguous {
            name: name.to_string(),
            candidates: matching
                .iter()
                .filter_map(|&index| params.get(index))
                .map(|param| param.name.clone())
                .collect(),
        }),
    }
}

/// The value of every parameter, in metadata order: its default, or the
/// override that names it (a later override of the same parameter wins).
///
/// # Errors
///
/// A [`ParamError`] for the first override that names no parameter, names
/// several, or does not fit the declared type.
pub fn resolve_params(
    params: &[ParamMeta],
    overrides: &[(String, Value)],
) -> Result<Vec<Value>, ParamError> {
    let mut values: Vec<Value> = params.iter().map(ParamMeta::default_value).collect();
    for (name, value) in overrides {
        let index = find_param(params, name)?;
        let Some(param) = params.get(index) else {
            continue;
        };
        if let Some(ty) = param.param_type()
            && !ty.fits(value)
        {
            return Err(ParamError::WrongType {
                name: param.name.clone(),
                expected: ty.to_string(),
                found: ty.describe_misfit(value),
            });
        }
        if let Some(slot) = values.get_mut(index) {
            *slot = value.clone();
        }
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn param(name: &str, ty: &str, default: &str) -> ParamMeta {
        ParamMeta {
            name: name.to_string(),
            ty: ty.to_string(),
            default: default.to_string(),
            doc: String::new(),
        }
    }

    #[test]
    fn types_parse_and_print_alike() {
        for text in [
            "bool",
            "number",
            "string",
            "object",
            "list",
            "list<string>",
            "list<list<number>>",
        ] {
            assert_eq!(ParamType::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(ParamType::parse("strings"), None);
        assert_eq!(ParamType::parse("string<bool>"), None);
    }

    #[test]
    fn values_fit_their_types() {
        let tags = ParamType::parse("list<string>").unwrap();
        assert!(tags.fits(&serde_json::json!(["owner"])));
        assert!(tags.fits(&serde_json::json!([])));
        assert!(!tags.fits(&serde_json::json!(["owner", 1])));
        assert!(!tags.fits(&serde_json::json!("owner")));
        assert!(ParamType::Number.fits(&serde_json::json!(90)));
        assert!(!ParamType::Number.fits(&serde_json::json!("90")));
    }

    #[test]
    fn overrides_replace_defaults_by_qualified_or_unique_short_name() {
        let params = [
            param("a.tags", "list<string>", r#"["owner"]"#),
            param("a.days", "number", "90"),
            param("b.days", "number", "30"),
        ];
        let values = resolve_params(&params, &[]).unwrap();
        assert_eq!(
            values,
            [
                serde_json::json!(["owner"]),
                serde_json::json!(90),
                serde_json::json!(30)
            ]
        );
        let values = resolve_params(
            &params,
            &[
                ("tags".to_string(), serde_json::json!([])),
                ("b.days".to_string(), serde_json::json!(7)),
            ],
        )
        .unwrap();
        assert_eq!(
            values,
            [
                serde_json::json!([]),
                serde_json::json!(90),
                serde_json::json!(7)
            ]
        );
    }

    #[test]
    fn unknown_ambiguous_and_mistyped_overrides_are_refused() {
        let params = [
            param("a.days", "number", "90"),
            param("b.days", "number", "30"),
        ];
        let error =
            resolve_params(&params, &[("weeks".to_string(), serde_json::json!(1))]).unwrap_err();
        assert!(matches!(error, ParamError::Unknown { .. }));
        assert!(error.to_string().contains("`weeks`"));
        let error =
            resolve_params(&params, &[("days".to_string(), serde_json::json!(1))]).unwrap_err();
        assert!(matches!(error, ParamError::Ambiguous { .. }));
        let error =
            resolve_params(&params, &[("a.days".to_string(), serde_json::json!("x"))]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "parameter `a.days` takes number, but the value is a string"
        );
    }
}
