//! Architecture invariants (`docs/architecture.md`), read from `cargo
//! metadata`:
//!
//! - `ward-abi`, the contract between generated code and any host, depends
//!   on no workspace crate;
//! - the front end (`ward-syntax`, `ward-compiler`, `ward-codegen`) knows no
//!   input format (`ward-model`), and the code generator does not depend on
//!   the reference evaluator (`ward-eval`);
//! - `ward-syntax` knows nothing of salsa, WebAssembly or LSP;
//! - the host side (`ward-runtime`, `ward-encode`, `ward-model`,
//!   `ward-report`) depends on no compiler crate, so an embedder ships
//!   compiled modules, the runtime and the report library only;
//! - the compiler does not depend on a WebAssembly engine or on LSP crates;
//! - only `ward-lsp` depends on LSP types;
//! - the configuration file's reader (`ward-config`) depends on no
//!   workspace crate but `ward-abi`;
//! - the command (`ward`) takes reports and suppressions from `ward-report`
//!   and holds no report or suppression logic of its own;
//! - the embedding surface (`ward-embed`) reaches neither the language
//!   server nor the command;
//! - the Python module (`ward-python`) uses no workspace crate but
//!   `ward-embed`: it converts at its edge and adds no behaviour.
//!
//! Dependencies are followed transitively through normal dependencies;
//! dev-dependencies (tests may run generated modules) and build
//! dependencies do not count.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use serde::Deserialize;

/// What a rule forbids a package to reach.
#[derive(Clone, Copy, Debug)]
enum Forbidden {
    /// Any package of the workspace.
    Workspace,
    /// These packages.
    Packages(&'static [&'static str]),
    /// Packages whose name starts with one of these prefixes.
    Prefixes(&'static [&'static str]),
}

/// How far a rule looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reach {
    /// Every package reached through normal dependencies.
    Transitive,
    /// The package's own normal dependencies.
    Direct,
}

/// One border: `package` must not reach what `forbidden` names.
#[derive(Clone, Copy, Debug)]
struct Border {
    package: &'static str,
    forbidden: Forbidden,
    reach: Reach,
    why: &'static str,
}

const COMPILER: &[&str] = &["ward-syntax", "ward-compiler", "ward-codegen", "ward-eval"];
const WASM: &[&str] = &["wasmtime", "wasm-encoder", "wasmparser", "cranelift"];
const LSP: &[&str] = &["tower-lsp", "lsp-types", "ls-types"];

const BORDERS: &[Border] = &[
    Border {
        package: "ward-abi",
        forbidden: Forbidden::Workspace,
        reach: Reach::Transitive,
        why: "the module contract is a leaf that any host and the code generator share",
    },
    Border {
        package: "ward-syntax",
        forbidden: Forbidden::Packages(&["ward-model"]),
        reach: Reach::Transitive,
        why: "the front end knows no input format",
    },
    Border {
        package: "ward-compiler",
        forbidden: Forbidden::Packages(&["ward-model"]),
        reach: Reach::Transitive,
        why: "the front end knows no input format",
    },
    Border {
        package: "ward-codegen",
        forbidden: Forbidden::Packages(&["ward-model", "ward-eval"]),
        reach: Reach::Transitive,
        why: "the code generator knows no input format and not the reference evaluator it is compared with",
    },
    Border {
        package: "ward-syntax",
        forbidden: Forbidden::Prefixes(&["salsa"]),
        reach: Reach::Transitive,
        why: "the syntax knows nothing of incremental computation",
    },
    Border {
        package: "ward-syntax",
        forbidden: Forbidden::Prefixes(WASM),
        reach: Reach::Transitive,
        why: "the syntax knows nothing of WebAssembly",
    },
    Border {
        package: "ward-syntax",
        forbidden: Forbidden::Prefixes(LSP),
        reach: Reach::Transitive,
        why: "the syntax knows nothing of the language server protocol",
    },
    Border {
        package: "ward-compiler",
        forbidden: Forbidden::Prefixes(&["wasmtime"]),
        reach: Reach::Transitive,
        why: "the compiler runs no WebAssembly",
    },
    Border {
        package: "ward-compiler",
        forbidden: Forbidden::Prefixes(LSP),
        reach: Reach::Transitive,
        why: "the compiler knows nothing of the language server protocol",
    },
    Border {
        package: "ward-runtime",
        forbidden: Forbidden::Packages(COMPILER),
        reach: Reach::Transitive,
        why: "an embedder ships compiled modules and the runtime, no compiler",
    },
    Border {
        package: "ward-encode",
        forbidden: Forbidden::Packages(COMPILER),
        reach: Reach::Transitive,
        why: "input encoding is host side",
    },
    Border {
        package: "ward-model",
        forbidden: Forbidden::Packages(COMPILER),
        reach: Reach::Transitive,
        why: "input loading is host side",
    },
    Border {
        package: "ward-report",
        forbidden: Forbidden::Packages(&["ward-compiler", "ward-codegen", "ward-eval"]),
        reach: Reach::Transitive,
        why: "an embedder renders reports without the compiler",
    },
    Border {
        package: "ward-config",
        forbidden: Forbidden::Packages(&[
            "ward-syntax",
            "ward-compiler",
            "ward-codegen",
            "ward-eval",
            "ward-model",
            "ward-encode",
            "ward-runtime",
            "ward-report",
            "ward-lsp",
            "ward-stdlib",
        ]),
        reach: Reach::Transitive,
        why: "the configuration file is read without the compiler, the loaders, the engine or the reports, so its fuzz target builds alone",
    },
    Border {
        package: "ward-embed",
        forbidden: Forbidden::Packages(&["ward-lsp", "ward"]),
        reach: Reach::Transitive,
        why: "the embedding surface is what hosts link: no language server, not the command",
    },
    Border {
        package: "ward-python",
        forbidden: Forbidden::Packages(&[
            "ward-syntax",
            "ward-compiler",
            "ward-codegen",
            "ward-eval",
            "ward-abi",
            "ward-model",
            "ward-encode",
            "ward-runtime",
            "ward-report",
            "ward-config",
            "ward-lsp",
            "ward-stdlib",
            "ward",
        ]),
        reach: Reach::Direct,
        why: "the Python module is a thin edge over the embedding surface",
    },
    Border {
        package: "ward-report",
        forbidden: Forbidden::Prefixes(&["wasmtime"]),
        reach: Reach::Transitive,
        why: "reports are made from findings, whichever engine produced them",
    },
];

/// The resolved graph: package id -> name, and each package's direct
/// normal dependencies.
#[derive(Debug, Default)]
struct Graph {
    names: BTreeMap<String, String>,
    deps: BTreeMap<String, Vec<String>>,
    workspace: Vec<String>,
}

/// The parts of `cargo metadata --format-version 1` this test reads.
#[derive(Deserialize)]
struct Metadata {
    packages: Vec<Package>,
    resolve: Resolve,
    workspace_members: Vec<String>,
}

#[derive(Deserialize)]
struct Package {
    id: String,
    name: String,
}

#[derive(Deserialize)]
struct Resolve {
    nodes: Vec<Node>,
}

#[derive(Deserialize)]
struct Node {
    id: String,
    deps: Vec<NodeDep>,
}

#[derive(Deserialize)]
struct NodeDep {
    pkg: String,
    dep_kinds: Vec<DepKind>,
}

#[derive(Deserialize)]
struct DepKind {
    /// `null` for a normal dependency, `"dev"` or `"build"` otherwise.
    kind: Option<String>,
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
        let metadata: Metadata =
            serde_json::from_slice(&output.stdout).expect("cargo metadata prints its JSON");
        Graph::from_metadata(metadata)
    }

    fn from_metadata(metadata: Metadata) -> Graph {
        let names = metadata
            .packages
            .into_iter()
            .map(|package| (package.id, package.name))
            .collect();
        let deps = metadata
            .resolve
            .nodes
            .into_iter()
            .map(|node| {
                let normal = node
                    .deps
                    .into_iter()
                    .filter(|dep| dep.dep_kinds.iter().any(|kind| kind.kind.is_none()))
                    .map(|dep| dep.pkg)
                    .collect();
                (node.id, normal)
            })
            .collect();
        Graph {
            names,
            deps,
            workspace: metadata.workspace_members,
        }
    }

    fn id(&self, name: &str) -> Option<&str> {
        self.workspace
            .iter()
            .find(|id| self.names.get(*id).is_some_and(|n| n == name))
            .map(String::as_str)
    }

    fn name<'a>(&'a self, id: &'a str) -> &'a str {
        self.names.get(id).map_or(id, String::as_str)
    }

    /// Ids of the packages `id` reaches through normal dependencies.
    fn reached(&self, id: &str, reach: Reach) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut pending = vec![id.to_string()];
        while let Some(current) = pending.pop() {
            for dep in self.deps.get(&current).into_iter().flatten() {
                if seen.insert(dep.clone()) && reach == Reach::Transitive {
                    pending.push(dep.clone());
                }
            }
        }
        seen
    }

    /// Names of the packages `name` reaches.
    fn closure(&self, name: &str) -> BTreeSet<String> {
        let id = self
            .id(name)
            .unwrap_or_else(|| panic!("no workspace package `{name}`"));
        self.reached(id, Reach::Transitive)
            .iter()
            .map(|dep| self.name(dep).to_string())
            .collect()
    }

    fn direct(&self, name: &str) -> BTreeSet<String> {
        let id = self
            .id(name)
            .unwrap_or_else(|| panic!("no workspace package `{name}`"));
        self.reached(id, Reach::Direct)
            .iter()
            .map(|dep| self.name(dep).to_string())
            .collect()
    }
}

impl Forbidden {
    fn matches(self, graph: &Graph, id: &str) -> bool {
        let name = graph.name(id);
        match self {
            Forbidden::Workspace => graph.workspace.iter().any(|member| member == id),
            Forbidden::Packages(names) => names.contains(&name),
            Forbidden::Prefixes(prefixes) => prefixes.iter().any(|p| name.starts_with(p)),
        }
    }
}

/// Every crossing of a border in `graph`, one sentence each. A border whose
/// package is not in the workspace is a crossing too: a renamed crate must
/// not silently free itself of its rules.
fn violations(graph: &Graph, borders: &[Border]) -> Vec<String> {
    let mut found = Vec::new();
    for border in borders {
        let Some(id) = graph.id(border.package) else {
            found.push(format!(
                "`{}` is not a workspace package: update the borders",
                border.package
            ));
            continue;
        };
        let offending: Vec<String> = graph
            .reached(id, border.reach)
            .iter()
            .filter(|dep| border.forbidden.matches(graph, dep))
            .map(|dep| graph.name(dep).to_string())
            .collect();
        if !offending.is_empty() {
            found.push(format!(
                "`{}` must not depend on {} ({}), but depends on {}",
                border.package,
                match border.forbidden {
                    Forbidden::Workspace => "any workspace crate".to_string(),
                    Forbidden::Packages(names) => names.join(", "),
                    Forbidden::Prefixes(prefixes) => format!("{}*", prefixes.join("*, ")),
                },
                border.why,
                offending.join(", ")
            ));
        }
    }
    found
}

#[test]
fn the_workspace_keeps_its_borders() {
    let graph = Graph::load();
    let found = violations(&graph, BORDERS);
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// The graph is read right: known edges are there, so the borders cannot
/// hold on an empty graph.
#[test]
fn graph_has_the_known_edges() {
    let graph = Graph::load();
    let compiler = graph.closure("ward-compiler");
    assert!(
        compiler.contains("ward-syntax") && compiler.contains("salsa"),
        "{compiler:?}"
    );
    assert!(graph.closure("ward-runtime").contains("wasmtime"));
    assert!(graph.closure("ward-encode").contains("ward-model"));
    assert!(graph.direct("ward").contains("ward-report"));
    assert!(graph.direct("ward").contains("ward-config"));
    assert!(graph.closure("ward-config").contains("ward-abi"));
    assert!(!graph.closure("ward-syntax").contains("ward-syntax"));
}

#[test]
fn only_the_lsp_crate_uses_lsp_types() {
    let graph = Graph::load();
    let uses_lsp = |name: &str| {
        graph
            .direct(name)
            .iter()
            .any(|dep| LSP.iter().any(|p| dep.starts_with(p)))
    };
    for id in &graph.workspace {
        let name = graph.name(id);
        if name != "ward-lsp" {
            assert!(
                !uses_lsp(name),
                "`{name}` depends on LSP crates directly (only `ward-lsp` may)"
            );
        }
    }
    assert!(
        uses_lsp("ward-lsp"),
        "`ward-lsp` no longer uses an LSP crate: update this test"
    );
}

/// The command prints what `ward-report` renders: none of its sources
/// writes a report format or reads suppressions itself.
#[test]
fn the_command_holds_no_report_or_suppression_logic() {
    let root = ward_tests::repository_root();
    let cli = root.join("cli/src");
    // Words only a writer of each format or a reader of suppressions uses.
    let markers = [
        ("SARIF", "sarif-schema"),
        ("SARIF", "\"runs\""),
        ("JUnit", "<testsuite"),
        ("JSON report", "\"suppressed\""),
        ("suppressions", "\"suppress\""),
        ("baselines", "\"suppressions\""),
    ];
    let mut found = Vec::new();
    let mut pending = vec![cli];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("cli/src is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("a source file");
            for (what, marker) in markers {
                if text.contains(marker) {
                    let shown = path.strip_prefix(&root).unwrap_or(&path);
                    found.push(format!("{} writes {what} (`{marker}`)", shown.display()));
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// The checker itself, on a small graph with deliberate crossings: each
/// kind of border catches its violation, transitively where it should, and
/// a border naming a package that does not exist is reported.
#[test]
fn the_checker_catches_crossings() {
    let metadata = serde_json::json!({
        "packages": [
            {"id": "abi", "name": "ward-abi"},
            {"id": "model", "name": "ward-model"},
            {"id": "yaml", "name": "saphyr"},
            {"id": "syntax", "name": "ward-syntax"},
            {"id": "salsa", "name": "salsa"},
            {"id": "macros", "name": "salsa-macros"},
            {"id": "runtime", "name": "ward-runtime"},
            {"id": "codegen", "name": "ward-codegen"},
            {"id": "test", "name": "proptest"},
        ],
        "workspace_members": ["abi", "model", "syntax", "runtime", "codegen"],
        "resolve": {"nodes": [
            // The contract reaches the loaders (a workspace crate).
            {"id": "abi", "deps": [{"pkg": "model", "dep_kinds": [{"kind": null}]}]},
            {"id": "model", "deps": [{"pkg": "yaml", "dep_kinds": [{"kind": null}]}]},
            // The syntax reaches salsa only through another package.
            {"id": "syntax", "deps": [{"pkg": "macros", "dep_kinds": [{"kind": null}]}]},
            {"id": "macros", "deps": [{"pkg": "salsa", "dep_kinds": [{"kind": null}]}]},
            // The runtime reaches the code generator only as a
            // dev-dependency, which is allowed.
            {"id": "runtime", "deps": [
                {"pkg": "codegen", "dep_kinds": [{"kind": "dev"}]},
                {"pkg": "abi", "dep_kinds": [{"kind": null}]}
            ]},
            {"id": "codegen", "deps": [{"pkg": "test", "dep_kinds": [{"kind": "build"}]}]},
        ]}
    });
    let graph = Graph::from_metadata(serde_json::from_value(metadata).unwrap());
    let borders = [
        Border {
            package: "ward-abi",
            forbidden: Forbidden::Workspace,
            reach: Reach::Transitive,
            why: "leaf",
        },
        Border {
            package: "ward-syntax",
            forbidden: Forbidden::Prefixes(&["salsa"]),
            reach: Reach::Transitive,
            why: "no salsa",
        },
        Border {
            package: "ward-syntax",
            forbidden: Forbidden::Packages(&["salsa"]),
            reach: Reach::Direct,
            why: "no direct salsa",
        },
        Border {
            package: "ward-runtime",
            forbidden: Forbidden::Packages(&["ward-codegen"]),
            reach: Reach::Transitive,
            why: "no compiler",
        },
        Border {
            package: "ward-codegen",
            forbidden: Forbidden::Packages(&["proptest"]),
            reach: Reach::Transitive,
            why: "build dependencies do not count",
        },
        Border {
            package: "ward-gone",
            forbidden: Forbidden::Workspace,
            reach: Reach::Transitive,
            why: "renamed",
        },
    ];
    assert_eq!(
        violations(&graph, &borders),
        [
            "`ward-abi` must not depend on any workspace crate (leaf), but depends on ward-model",
            "`ward-syntax` must not depend on salsa* (no salsa), but depends on salsa-macros, salsa",
            "`ward-gone` is not a workspace package: update the borders",
        ]
    );
}
