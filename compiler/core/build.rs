//! Turns the CloudFormation resource schemas (`data/cfn-resource-types.json`)
//! into a table of names that the compiler's schema checks search without
//! parsing JSON at run time: one line per resource type, sorted, holding the
//! type name and then its property names, sorted, separated by tabs. Parsing
//! the 2 MB file costs milliseconds, more than compiling a policy.

use std::path::PathBuf;

const SCHEMAS: &str = "data/cfn-resource-types.json";

fn main() {
    println!("cargo::rerun-if-changed={SCHEMAS}");
    let text = std::fs::read_to_string(SCHEMAS)
        .unwrap_or_else(|error| panic!("cannot read {SCHEMAS}: {error}"));
    let document: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{SCHEMAS} is not JSON: {error}"));
    let types = document
        .get("types")
        .and_then(serde_json::Value::as_object)
        .unwrap_or_else(|| panic!("{SCHEMAS} has no `types` object"));
    let mut lines: Vec<String> = Vec::with_capacity(types.len());
    for (name, resource) in types {
        let mut properties: Vec<&str> = resource
            .get("props")
            .and_then(serde_json::Value::as_object)
            .map(|props| props.keys().map(String::as_str).collect())
            .unwrap_or_default();
        properties.sort_unstable();
        let mut line = name.clone();
        for property in properties {
            assert!(
                !property.contains(['\t', '\n']),
                "{SCHEMAS}: property `{property}` of `{name}` holds a tab or a line break"
            );
            line.push('\t');
            line.push_str(property);
        }
        lines.push(line);
    }
    lines.sort_unstable();
    let mut table = lines.join("\n");
    table.push('\n');
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let path = out.join("resource_names.txt");
    std::fs::write(&path, table)
        .unwrap_or_else(|error| panic!("cannot write {}: {error}", path.display()));
}
