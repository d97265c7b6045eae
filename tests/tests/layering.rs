//! Architecture invariants, read from `cargo metadata`:
//!
//! - `ward-syntax` knows nothing of salsa, WebAssembly or LSP;
//! - `ward-runtime`, `ward-abi` and `ward-model` depend on no compiler crate,
//!   so an embedder ships compiled modules and the runtime only;
//! - only `ward-lsp` depends on LSP types;
//! - `ward-compiler` does not depend on a WebAssembly engine.
//!
//! Dependencies are followed transitively through normal dependencies;
//! dev-dependencies (tests may run generated modules) do not count.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

/// The resolved graph: package id -> (name, direct normal dependency ids).
struct Graph {
    names: BTreeMap<String, String>,
    deps: BTreeMap<String, Vec<String>>,
    workspace: Vec<String>,
}

impl Graph {
    fn load() -> Graph {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
        let run = |offline: bool| {
            let mut command = Command::new(&cargo);
            command
                .args(["metadata", "--format-version", "1", "--manifest-path"])
                .arg(&manifest);
            if offline {
                command.arg("--offline");
            }
            command.output().expect("cargo metadata runs")
        };
        // Everything is already downloaded when the tests run; go to the
        // network only if something is missing.
        let mut output = run(true);
        if !output.status.success() {
            output = run(false);
        }
        assert!(
            output.status.success(),
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let metadata = json::parse(&String::from_utf8_lossy(&output.stdout))
            .expect("cargo metadata prints JSON");

        let mut names = BTreeMap::new();
        for package in metadata.get("packages").array() {
            names.insert(
                package.get("id").string().to_string(),
                package.get("name").string().to_string(),
            );
        }
        let mut deps = BTreeMap::new();
        for node in metadata.get("resolve").get("nodes").array() {
            let normal: Vec<String> = node
                .get("deps")
                .array()
                .iter()
                .filter(|dep| {
                    dep.get("dep_kinds")
                        .array()
                        .iter()
                        .any(|kind| matches!(kind.get("kind"), json::Value::Null))
                })
                .map(|dep| dep.get("pkg").string().to_string())
                .collect();
            deps.insert(node.get("id").string().to_string(), normal);
        }
        let workspace = metadata
            .get("workspace_members")
            .array()
            .iter()
            .map(|id| id.string().to_string())
            .collect();
        Graph {
            names,
            deps,
            workspace,
        }
    }

    fn id(&self, name: &str) -> &str {
        self.workspace
            .iter()
            .find(|id| self.names[*id] == name)
            .unwrap_or_else(|| panic!("no workspace package `{name}`"))
    }

    /// Names of every package `name` depends on through normal dependencies.
    fn closure(&self, name: &str) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut pending = vec![self.id(name).to_string()];
        let mut names = BTreeSet::new();
        while let Some(id) = pending.pop() {
            for dep in self.deps.get(&id).into_iter().flatten() {
                if seen.insert(dep.clone()) {
                    names.insert(self.names[dep].clone());
                    pending.push(dep.clone());
                }
            }
        }
        names
    }

    fn direct(&self, id: &str) -> BTreeSet<String> {
        self.deps
            .get(id)
            .into_iter()
            .flatten()
            .map(|dep| self.names[dep].clone())
            .collect()
    }
}

fn is_wasm(name: &str) -> bool {
    name.starts_with("wasm") || name.starts_with("cranelift")
}

fn is_lsp(name: &str) -> bool {
    name.starts_with("tower-lsp") || name == "lsp-types"
}

fn is_compiler(name: &str) -> bool {
    matches!(name, "ward-syntax" | "ward-compiler" | "ward-codegen")
}

fn assert_none(package: &str, what: &str, offending: Vec<String>) {
    assert!(
        offending.is_empty(),
        "`{package}` must not depend on {what}, but depends on {}",
        offending.join(", ")
    );
}

/// The graph is read right: known edges are there, so the tests below
/// cannot pass on an empty graph.
#[test]
fn graph_has_the_known_edges() {
    let graph = Graph::load();
    let compiler = graph.closure("ward-compiler");
    assert!(
        compiler.contains("ward-syntax") && compiler.contains("salsa"),
        "{compiler:?}"
    );
    assert!(graph.closure("ward-lsp").iter().any(|n| is_lsp(n)));
    assert!(!graph.closure("ward-syntax").contains("ward-syntax"));
}

#[test]
fn syntax_knows_nothing_of_salsa_wasm_or_lsp() {
    let graph = Graph::load();
    let closure = graph.closure("ward-syntax");
    assert_none(
        "ward-syntax",
        "salsa",
        closure
            .iter()
            .filter(|n| n.starts_with("salsa"))
            .cloned()
            .collect(),
    );
    assert_none(
        "ward-syntax",
        "WebAssembly crates",
        closure.iter().filter(|n| is_wasm(n)).cloned().collect(),
    );
    assert_none(
        "ward-syntax",
        "LSP crates",
        closure.iter().filter(|n| is_lsp(n)).cloned().collect(),
    );
}

#[test]
fn runtime_depends_on_no_compiler_crate() {
    let graph = Graph::load();
    for package in ["ward-runtime", "ward-abi", "ward-model"] {
        let offending = graph
            .closure(package)
            .into_iter()
            .filter(|n| is_compiler(n))
            .collect();
        assert_none(package, "a compiler crate", offending);
    }
}

#[test]
fn only_the_lsp_crate_uses_lsp_types() {
    let graph = Graph::load();
    for id in &graph.workspace {
        let name = &graph.names[id];
        if name == "ward-lsp" {
            continue;
        }
        let offending = graph.direct(id).into_iter().filter(|n| is_lsp(n)).collect();
        assert_none(name, "LSP crates directly (only `ward-lsp` may)", offending);
    }
    assert!(
        graph.direct(graph.id("ward-lsp")).iter().any(|n| is_lsp(n)),
        "`ward-lsp` no longer uses an LSP crate: update this test"
    );
}

#[test]
fn compiler_depends_on_no_engine_and_no_lsp() {
    let graph = Graph::load();
    let closure = graph.closure("ward-compiler");
    assert_none(
        "ward-compiler",
        "wasmtime",
        closure
            .iter()
            .filter(|n| n.starts_with("wasmtime"))
            .cloned()
            .collect(),
    );
    assert_none(
        "ward-compiler",
        "LSP crates",
        closure.iter().filter(|n| is_lsp(n)).cloned().collect(),
    );
}

/// A small JSON reader, enough for `cargo metadata`.
mod json {
    use std::collections::BTreeMap;

    #[derive(Debug)]
    pub enum Value {
        Null,
        Bool,
        Number,
        String(String),
        Array(Vec<Value>),
        Object(BTreeMap<String, Value>),
    }

    static NULL: Value = Value::Null;

    impl Value {
        /// A member of an object, or null.
        pub fn get(&self, key: &str) -> &Value {
            match self {
                Value::Object(members) => members.get(key).unwrap_or(&NULL),
                _ => &NULL,
            }
        }

        /// The elements of an array; empty for anything else.
        pub fn array(&self) -> &[Value] {
            match self {
                Value::Array(items) => items,
                _ => &[],
            }
        }

        /// The text of a string; empty for anything else.
        pub fn string(&self) -> &str {
            match self {
                Value::String(text) => text,
                _ => "",
            }
        }
    }

    pub fn parse(text: &str) -> Result<Value, String> {
        let mut parser = Parser {
            chars: text.chars().collect(),
            at: 0,
        };
        let value = parser.value()?;
        parser.space();
        match parser.at == parser.chars.len() {
            true => Ok(value),
            false => Err(format!("trailing text at {}", parser.at)),
        }
    }

    struct Parser {
        chars: Vec<char>,
        at: usize,
    }

    impl Parser {
        fn space(&mut self) {
            while self.chars.get(self.at).is_some_and(|c| c.is_whitespace()) {
                self.at += 1;
            }
        }

        fn next(&mut self) -> Result<char, String> {
            let c = *self.chars.get(self.at).ok_or("unexpected end")?;
            self.at += 1;
            Ok(c)
        }

        fn expect(&mut self, word: &str) -> Result<(), String> {
            for expected in word.chars() {
                if self.next()? != expected {
                    return Err(format!("expected `{word}` at {}", self.at));
                }
            }
            Ok(())
        }

        fn value(&mut self) -> Result<Value, String> {
            self.space();
            match self.chars.get(self.at).copied().ok_or("unexpected end")? {
                'n' => self.expect("null").map(|()| Value::Null),
                't' => self.expect("true").map(|()| Value::Bool),
                'f' => self.expect("false").map(|()| Value::Bool),
                '"' => self.string().map(Value::String),
                '[' => {
                    self.at += 1;
                    let mut items = Vec::new();
                    loop {
                        self.space();
                        if self.chars.get(self.at) == Some(&']') {
                            self.at += 1;
                            return Ok(Value::Array(items));
                        }
                        if !items.is_empty() {
                            self.expect(",")?;
                        }
                        items.push(self.value()?);
                    }
                }
                '{' => {
                    self.at += 1;
                    let mut members = BTreeMap::new();
                    loop {
                        self.space();
                        if self.chars.get(self.at) == Some(&'}') {
                            self.at += 1;
                            return Ok(Value::Object(members));
                        }
                        if !members.is_empty() {
                            self.expect(",")?;
                            self.space();
                        }
                        let key = self.string()?;
                        self.space();
                        self.expect(":")?;
                        members.insert(key, self.value()?);
                    }
                }
                _ => {
                    let start = self.at;
                    while self
                        .chars
                        .get(self.at)
                        .is_some_and(|c| c.is_ascii_digit() || "+-.eE".contains(*c))
                    {
                        self.at += 1;
                    }
                    let number: String = self.chars[start..self.at].iter().collect();
                    number
                        .parse()
                        .map(|_: f64| Value::Number)
                        .map_err(|_| format!("bad value at {start}"))
                }
            }
        }

        fn string(&mut self) -> Result<String, String> {
            self.expect("\"")?;
            let mut out = String::new();
            loop {
                match self.next()? {
                    '"' => return Ok(out),
                    '\\' => match self.next()? {
                        'n' => out.push('\n'),
                        't' => out.push('\t'),
                        'r' => out.push('\r'),
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        'u' => {
                            let hex: String =
                                (0..4).map(|_| self.next()).collect::<Result<_, _>>()?;
                            let code = u32::from_str_radix(&hex, 16).map_err(|e| e.to_string())?;
                            out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                        }
                        other => out.push(other),
                    },
                    c => out.push(c),
                }
            }
        }
    }
}
