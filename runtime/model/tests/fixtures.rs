//! Runs every fixture under `tests/fixtures/`.
//!
//! A fixture is an input file whose expectations are written as directives,
//! in its leading `#` comment lines, or for formats without comments (JSON)
//! in a file beside it named like it plus `.expect`:
//!
//! ```text
//! # kind: cloudformation | terraform | config | json
//! # param: Name=Value                    (a parameter override)
//! # resources: 3                         (number of resources)
//! # type: Bucket AWS::S3::Bucket
//! # value: Bucket $.BucketName => "logs" (a resolved property, rendered)
//! # tags: Bucket => {"env":"prod"}
//! # metadata: Bucket $.Condition => "IsProd"
//! # edge: Queue -> Key ref $.KmsMasterKeyId
//! # edges: 2                             (number of edges)
//! # error: 3:5 duplicate key `a`         (the load fails with this error)
//! ```
//!
//! Values render as compact JSON, with unknown values as
//! `<unknown: reason>` and absent ones as `<absent>`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use ward_model::{Document, EdgeKind, InputKind, LoadOptions, Node, Value, load};

fn fixture_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files = Vec::new();
    let mut pending = vec![root];
    while let Some(directory) = pending.pop() {
        for entry in std::fs::read_dir(&directory).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_none_or(|e| e != "expect") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Renders a node as compact JSON, unknown values as `<unknown: reason>`.
pub fn render(node: &Node) -> String {
    let mut out = String::new();
    render_into(&mut out, node);
    out
}

fn render_into(out: &mut String, node: &Node) {
    match &node.value {
        Value::Null => out.push_str("null"),
        Value::Bool(flag) => write!(out, "{flag}").unwrap(),
        Value::Number(number) => write!(out, "{number}").unwrap(),
        Value::String(text) => write!(out, "{}", serde_json::Value::from(&**text)).unwrap(),
        Value::Unknown(reason) => write!(out, "<unknown: {reason}>").unwrap(),
        Value::List(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                render_into(out, item);
            }
            out.push(']');
        }
        Value::Object(entries) => {
            out.push('{');
            for (index, (key, item)) in entries.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write!(out, "{}:", serde_json::Value::from(&**key)).unwrap();
                render_into(out, item);
            }
            out.push('}');
        }
    }
}

/// Follows a `$.a.b[0]` / `$["a:b"]` path.
fn follow<'n>(node: &'n Node, path: &str) -> Option<&'n Node> {
    let mut rest = path.strip_prefix('$').expect("paths start with `$`");
    let mut node = node;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("[\"") {
            let end = after.find("\"]").expect("unterminated quoted key");
            node = node.get(&after[..end])?;
            rest = &after[end + 2..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']').expect("unterminated index");
            node = node.index(after[..end].parse().expect("index"))?;
            rest = &after[end + 1..];
        } else if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            node = node.get(&after[..end])?;
            rest = &after[end..];
        } else {
            panic!("bad path `{path}`");
        }
    }
    Some(node)
}

fn kind_name(kind: InputKind) -> &'static str {
    match kind {
        InputKind::CloudFormation => "cloudformation",
        InputKind::TerraformPlan => "terraform",
        InputKind::ConfigItems => "config",
        InputKind::Json => "json",
    }
}

fn edge_kind(name: &str) -> EdgeKind {
    match name {
        "ref" => EdgeKind::Ref,
        "getatt" => EdgeKind::GetAtt,
        "sub" => EdgeKind::Sub,
        "dependson" => EdgeKind::DependsOn,
        "relationship" => EdgeKind::Relationship,
        "reference" => EdgeKind::Reference,
        other => panic!("unknown edge kind `{other}`"),
    }
}

struct Directive {
    line: usize,
    name: String,
    argument: String,
}

fn directives(path: &Path, text: &str) -> Vec<Directive> {
    let sidecar = PathBuf::from(format!("{}.expect", path.display()));
    let source = std::fs::read_to_string(&sidecar).unwrap_or_else(|_| text.to_string());
    let mut out = Vec::new();
    for (index, line) in source.lines().enumerate() {
        let Some(comment) = line.strip_prefix('#') else {
            if line.trim().is_empty() {
                continue;
            }
            break;
        };
        if let Some((name, argument)) = comment.trim().split_once(':') {
            let name = name.trim();
            if name.chars().all(|c| c.is_ascii_lowercase()) {
                out.push(Directive {
                    line: index + 1,
                    name: name.to_string(),
                    argument: argument.trim().to_string(),
                });
            }
        }
    }
    out
}

fn resource<'d>(document: &'d Document, id: &str) -> Result<&'d ward_model::Resource, String> {
    document
        .resource(id)
        .ok_or_else(|| format!("no resource `{id}`; have {:?}", ids(document)))
}

fn ids(document: &Document) -> Vec<&str> {
    document.resources.iter().map(|r| r.id.as_str()).collect()
}

fn check_directive(document: &Document, directive: &Directive) -> Result<(), String> {
    let argument = directive.argument.as_str();
    match directive.name.as_str() {
        "param" | "error" => Ok(()),
        "kind" => {
            let actual = kind_name(document.kind);
            (actual == argument)
                .then_some(())
                .ok_or(format!("kind is {actual}"))
        }
        "resources" => {
            let expected: usize = argument.parse().unwrap();
            (document.resources.len() == expected)
                .then_some(())
                .ok_or(format!(
                    "{} resources: {:?}",
                    document.resources.len(),
                    ids(document)
                ))
        }
        "edges" => {
            let expected: usize = argument.parse().unwrap();
            (document.edges.len() == expected)
                .then_some(())
                .ok_or(format!(
                    "{} edges: {:#?}",
                    document.edges.len(),
                    document.edges
                ))
        }
        "type" => {
            let (id, expected) = argument.split_once(' ').unwrap_or((argument, ""));
            let actual = &resource(document, id)?.resource_type;
            (actual == expected)
                .then_some(())
                .ok_or(format!("type is `{actual}`"))
        }
        "value" | "metadata" | "root" => {
            let (target, expected) = argument.split_once(" => ").unwrap();
            let (base, path) = match directive.name.as_str() {
                "root" => (&*document.root, target.trim()),
                name => {
                    let (id, path) = target.trim().split_once(' ').unwrap();
                    let resource = resource(document, id)?;
                    (
                        if name == "value" {
                            &resource.props
                        } else {
                            &resource.metadata
                        },
                        path,
                    )
                }
            };
            let actual = follow(base, path).map_or("<absent>".to_string(), render);
            (actual == expected)
                .then_some(())
                .ok_or(format!("found {actual}"))
        }
        "tags" => {
            let (id, expected) = argument.split_once(" => ").unwrap();
            let actual = render(&resource(document, id.trim())?.tags);
            (actual == expected)
                .then_some(())
                .ok_or(format!("found {actual}"))
        }
        "edge" => {
            // From -> To kind path
            let parts: Vec<&str> = argument.split_whitespace().collect();
            let [from, "->", to, kind, path] = parts.as_slice() else {
                panic!("bad edge directive `{argument}`");
            };
            let from = document
                .resource_index(from)
                .ok_or(format!("no resource `{from}`"))?;
            let to = document
                .resource_index(to)
                .ok_or(format!("no resource `{to}`"))?;
            let kind = edge_kind(kind);
            let found = document
                .outgoing(from)
                .any(|edge| edge.to == to && edge.kind == kind && edge.path == *path);
            let reverse = document
                .incoming(to)
                .any(|edge| edge.from == from && edge.kind == kind && edge.path == *path);
            (found && reverse).then_some(()).ok_or(format!(
                "edge missing; edges of the resource: {:#?}",
                document.outgoing(from).collect::<Vec<_>>()
            ))
        }
        other => Err(format!("unknown directive `{other}`")),
    }
}

#[test]
fn fixtures() {
    let files = fixture_files();
    assert!(files.len() > 10, "fixtures are missing");
    let mut failures = Vec::new();
    let mut checked = 0;
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let text = String::from_utf8_lossy(&bytes).to_string();
        let directives = directives(path, &text);
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        assert!(!directives.is_empty(), "{name} has no directives");
        let options = LoadOptions {
            parameters: directives
                .iter()
                .filter(|d| d.name == "param")
                .map(|d| {
                    let (key, value) = d.argument.split_once('=').unwrap();
                    (key.to_string(), value.to_string())
                })
                .collect(),
            kind: None,
            ..LoadOptions::default()
        };
        let expected_error = directives.iter().find(|d| d.name == "error");
        match (load(&name, &bytes, &options), expected_error) {
            (Ok(document), None) => {
                for directive in &directives {
                    checked += 1;
                    if let Err(message) = check_directive(&document, directive) {
                        failures.push(format!(
                            "{name}:{}: `{}: {}`: {message}",
                            directive.line, directive.name, directive.argument
                        ));
                    }
                }
            }
            (Ok(_), Some(directive)) => {
                failures.push(format!(
                    "{name}:{}: expected an error, it loaded",
                    directive.line
                ));
            }
            (Err(error), Some(directive)) => {
                checked += 1;
                let actual = format!("{}:{} {}", error.line, error.column, error.message);
                if actual != directive.argument {
                    failures.push(format!("{name}:{}: error is `{actual}`", directive.line));
                }
            }
            (Err(error), None) => failures.push(format!("{name}: unexpected error {error}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!("{} fixtures, {checked} directives", files.len());
}
