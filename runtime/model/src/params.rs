//! Parameter files: values for CloudFormation parameters.

use crate::json;
use crate::model::{LoadError, Node, Pos, Value};
use crate::text::decode;

/// Reads parameter values from a file.
///
/// Accepted forms:
/// - the CloudFormation CLI form: `[{"ParameterKey": "K", "ParameterValue": "V"}]`;
/// - a template configuration file: `{"Parameters": {"K": "V"}}`;
/// - a plain JSON object `{"K": "V"}`;
/// - a JSON list of `"K=V"` strings;
/// - `K=V` lines, with blank lines and lines starting with `#` ignored, and
///   optional quotes around the value.
///
/// Numbers and booleans are accepted as values and turned into text; a list
/// of strings becomes comma-separated text (for `CommaDelimitedList`).
///
/// # Errors
///
/// A [`LoadError`] pointing at the first entry that is not a parameter.
pub fn parse_parameters_file(file: &str, bytes: &[u8]) -> Result<Vec<(String, String)>, LoadError> {
    let text = decode(bytes).map_err(|error| LoadError::new(file, error.pos, error.message))?;
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') || trimmed.starts_with('{') {
        let root =
            json::parse(&text).map_err(|error| LoadError::new(file, error.pos, error.message))?;
        return from_json(file, &root);
    }
    from_lines(file, &text)
}

fn from_json(file: &str, root: &Node) -> Result<Vec<(String, String)>, LoadError> {
    let mut out = Vec::new();
    match &root.value {
        Value::List(items) => {
            for item in items {
                if let Some(pair) = item.as_str() {
                    let Some((key, value)) = pair.split_once('=') else {
                        return Err(LoadError::new(file, item.pos, "expected `key=value`"));
                    };
                    out.push((key.trim().to_string(), value.to_string()));
                    continue;
                }
                let key = item.get("ParameterKey").and_then(Node::as_str);
                let Some(key) = key else {
                    return Err(LoadError::new(
                        file,
                        item.pos,
                        "expected an object with `ParameterKey` and `ParameterValue`",
                    ));
                };
                if item.get("UsePreviousValue").and_then(Node::as_bool) == Some(true) {
                    continue;
                }
                let Some(value) = item.get("ParameterValue") else {
                    return Err(LoadError::new(
                        file,
                        item.pos,
                        format!("parameter `{key}` has no `ParameterValue`"),
                    ));
                };
                out.push((key.to_string(), value_text(file, key, value)?));
            }
        }
        Value::Object(entries) => {
            let entries = match root.get("Parameters") {
                Some(Node {
                    value: Value::Object(inner),
                    ..
                }) => inner,
                _ => entries,
            };
            for (key, value) in entries {
                out.push((key.to_string(), value_text(file, key, value)?));
            }
        }
        _ => {
            return Err(LoadError::new(
                file,
                root.pos,
                "expected a list of parameters or an object of parameter values",
            ));
        }
    }
    Ok(out)
}

fn value_text(file: &str, key: &str, value: &Node) -> Result<String, LoadError> {
    match &value.value {
        Value::String(text) => Ok(text.to_string()),
        Value::Number(number) => Ok(crate::cfn::format_number(*number)),
        Value::Bool(flag) => Ok(flag.to_string()),
        Value::List(items) => {
            let parts: Option<Vec<&str>> = items.iter().map(Node::as_str).collect();
            parts.map(|parts| parts.join(",")).ok_or_else(|| {
                LoadError::new(
                    file,
                    value.pos,
                    format!("the value of parameter `{key}` must be a list of strings"),
                )
            })
        }
        _ => Err(LoadError::new(
            file,
            value.pos,
            format!(
                "the value of parameter `{key}` must be a string, found {}",
                value.value.described()
            ),
        )),
    }
}

fn from_lines(file: &str, text: &str) -> Result<Vec<(String, String)>, LoadError> {
    let mut out = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line_number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let content = line.trim();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let Some((key, value)) = content.split_once('=') else {
            let column = line.len() - line.trim_start().len() + 1;
            return Err(LoadError::new(
                file,
                Pos::new(line_number, u32::try_from(column).unwrap_or(1)),
                format!("expected `key=value`, found `{content}`"),
            ));
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(LoadError::new(
                file,
                Pos::new(line_number, 1),
                "a parameter name is missing before `=`",
            ));
        }
        let value = value.trim();
        let unquoted = ['"', '\'']
            .iter()
            .find_map(|quote| {
                value
                    .strip_prefix(*quote)
                    .and_then(|rest| rest.strip_suffix(*quote))
            })
            .unwrap_or(value);
        out.push((key.to_string(), unquoted.to_string()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String)> {
        parse_parameters_file("p", text.as_bytes()).unwrap()
    }

    fn pair(key: &str, value: &str) -> (String, String) {
        (key.to_string(), value.to_string())
    }

    #[test]
    fn every_form() {
        let expected = vec![pair("Env", "prod"), pair("Size", "3")];
        assert_eq!(
            pairs(
                r#"[{"ParameterKey": "Env", "ParameterValue": "prod"}, {"ParameterKey": "Size", "ParameterValue": 3}]"#
            ),
            expected
        );
        assert_eq!(
            pairs(r#"{"Parameters": {"Env": "prod", "Size": 3}}"#),
            expected
        );
        assert_eq!(pairs(r#"{"Env": "prod", "Size": "3"}"#), expected);
        assert_eq!(pairs(r#"["Env=prod", "Size=3"]"#), expected);
        assert_eq!(pairs("# comment\nEnv=prod\n\n Size = '3'\n"), expected);
        assert_eq!(
            pairs(r#"{"Subnets": ["a", "b"]}"#),
            vec![pair("Subnets", "a,b")]
        );
    }

    #[test]
    fn errors_have_positions() {
        let error = parse_parameters_file("p", b"Env=prod\n  oops\n").unwrap_err();
        assert_eq!((error.line, error.column), (2, 3));
        let error = parse_parameters_file("p", b"[{\"Key\": 1}]").unwrap_err();
        assert_eq!((error.line, error.column), (1, 2));
    }
}
