//! Policy parameter values from the command line: `--params FILE` (a YAML
//! or JSON mapping from parameter name to value) and `--param NAME=VALUE`,
//! in that order, so a flag overrides the file. A configuration file
//! (`ward.toml`) adds its `[params]` table before both.

use std::path::Path;

use serde_json::Value;
use ward_model::{InputKind, LoadOptions};

use crate::sources::display_name;

/// The overrides of a run, in the order they apply.
pub fn overrides(file: Option<&Path>, flags: &[String]) -> Result<Vec<(String, Value)>, String> {
    let mut out = Vec::new();
    if let Some(path) = file {
        out.extend(read_params_file(path)?);
    }
    for flag in flags {
        let Some((name, text)) = flag.split_once('=') else {
            return Err(format!("`--param {flag}`: write `--param NAME=VALUE`"));
        };
        out.push((name.trim().to_string(), parse_value(text)));
    }
    Ok(out)
}

/// A value written on the command line: a YAML or JSON scalar or list
/// (`90`, `true`, `[owner, team]`, `["owner"]`), anything else the text
/// itself.
pub fn parse_value(text: &str) -> Value {
    let options = LoadOptions {
        kind: Some(InputKind::Json),
        ..LoadOptions::default()
    };
    match ward_model::load("--param", text.as_bytes(), &options) {
        Ok(document) => match document.root.to_json() {
            Value::Object(_) | Value::Null => Value::String(text.to_string()),
            value => value,
        },
        Err(_) => Value::String(text.to_string()),
    }
}

fn read_params_file(path: &Path) -> Result<Vec<(String, Value)>, String> {
    let name = display_name(path);
    let bytes = std::fs::read(path).map_err(|error| format!("{name}: {error}"))?;
    let options = LoadOptions {
        kind: Some(InputKind::Json),
        ..LoadOptions::default()
    };
    let document = ward_model::load(&name, &bytes, &options).map_err(|error| {
        format!(
            "{}:{}:{}: {}",
            error.file, error.line, error.column, error.message
        )
    })?;
    match document.root.to_json() {
        Value::Object(entries) => Ok(entries.into_iter().collect()),
        Value::Null => Ok(Vec::new()),
        _ => Err(format!(
            "{name}: a parameters file maps parameter names to values"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_value;
    use serde_json::json;

    #[test]
    fn values_are_scalars_lists_or_text() {
        assert_eq!(parse_value("90"), json!(90));
        assert_eq!(parse_value("true"), json!(true));
        assert_eq!(
            parse_value(r#"["owner", "team"]"#),
            json!(["owner", "team"])
        );
        assert_eq!(parse_value("[owner, team]"), json!(["owner", "team"]));
        assert_eq!(parse_value("owner"), json!("owner"));
        assert_eq!(parse_value("a: b"), json!("a: b"));
        assert_eq!(parse_value(""), json!(""));
    }
}
