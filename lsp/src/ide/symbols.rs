//! Document outline and workspace symbol search.

use ward_compiler::SourceFile;
use ward_syntax::ast::{Block, Item, Span, Stmt};

use super::Snapshot;

/// What a symbol is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    /// A rule.
    Rule,
    /// A function.
    Function,
    /// A test.
    Test,
    /// A `let` binding or loop variable inside a rule.
    Binding,
    /// A policy parameter.
    Param,
}

/// One entry of an outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    /// The name.
    pub name: String,
    /// The kind.
    pub kind: SymbolKind,
    /// A short description (id and severity of a rule, a signature).
    pub detail: Option<String>,
    /// The whole definition.
    pub span: Span,
    /// The name inside it.
    pub selection_span: Span,
    /// Nested symbols.
    pub children: Vec<Symbol>,
}

pub(crate) fn document_symbols(snapshot: &Snapshot, file: SourceFile) -> Vec<Symbol> {
    let compiler = snapshot.compiler();
    let parse = ward_compiler::parse(&compiler.db, file);
    let analysis = compiler.analyze(file);
    parse
        .file
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Rule(rule) => {
                let detail = analysis
                    .rules
                    .iter()
                    .find(|info| info.span == rule.span)
                    .map(|info| format!("{} · {}", info.id, info.severity.as_str()));
                let mut children = Vec::new();
                block_bindings(&rule.body, &mut children);
                Some(Symbol {
                    name: rule.name.name.clone(),
                    kind: SymbolKind::Rule,
                    detail,
                    span: rule.span,
                    selection_span: rule.name.span,
                    children,
                })
            }
            Item::Fn(function) => {
                let params: Vec<&str> = function
                    .params
                    .iter()
                    .map(|param| param.name.as_str())
                    .collect();
                Some(Symbol {
                    name: function.name.name.clone(),
                    kind: SymbolKind::Function,
                    detail: Some(format!("fn {}({})", function.name.name, params.join(", "))),
                    span: function.span,
                    selection_span: function.name.span,
                    children: Vec::new(),
                })
            }
            Item::Test(test) => Some(Symbol {
                name: test.name.name.clone(),
                kind: SymbolKind::Test,
                detail: Some("test".to_string()),
                span: test.span,
                selection_span: test.name.span,
                children: Vec::new(),
            }),
            Item::Param(param) => Some(Symbol {
                name: param.name.name.clone(),
                kind: SymbolKind::Param,
                detail: Some("param".to_string()),
                span: param.span,
                selection_span: param.name.span,
                children: Vec::new(),
            }),
            Item::Error(_) => None,
        })
        .collect()
}

fn block_bindings(block: &Block, out: &mut Vec<Symbol>) {
    for stmt in &block.stmts {
        match stmt {
            Stmt::Let { name, span, .. } => out.push(Symbol {
                name: name.name.clone(),
                kind: SymbolKind::Binding,
                detail: Some("let".to_string()),
                span: *span,
                selection_span: name.span,
                children: Vec::new(),
            }),
            Stmt::For {
                binding,
                body,
                span,
                ..
            } => {
                let mut children = Vec::new();
                block_bindings(body, &mut children);
                out.push(Symbol {
                    name: binding.name.clone(),
                    kind: SymbolKind::Binding,
                    detail: Some("for".to_string()),
                    span: *span,
                    selection_span: binding.span,
                    children,
                });
            }
            Stmt::If(statement) => {
                for body in statement
                    .branches
                    .iter()
                    .map(|branch| &branch.body)
                    .chain(&statement.otherwise)
                {
                    block_bindings(body, out);
                }
            }
            _ => {}
        }
    }
}

/// Whether the characters of `query` appear in `name` in order, ignoring
/// case.
fn fuzzy_match(query: &str, name: &str) -> bool {
    let mut wanted = query.chars().map(|c| c.to_ascii_lowercase()).peekable();
    for c in name.chars().map(|c| c.to_ascii_lowercase()) {
        if wanted.peek() == Some(&c) {
            wanted.next();
        }
    }
    wanted.peek().is_none()
}

/// At most this many results, so that an empty query on a large workspace
/// stays quick.
const MAX_RESULTS: usize = 512;

pub(crate) fn workspace_symbols(snapshot: &Snapshot, query: &str) -> Vec<(String, Symbol)> {
    let compiler = snapshot.compiler();
    let mut out = Vec::new();
    for file in compiler.files() {
        let path = file.path(&compiler.db).clone();
        for mut symbol in document_symbols(snapshot, file) {
            let id_matches = symbol.detail.as_deref().is_some_and(|detail| {
                symbol.kind == SymbolKind::Rule
                    && fuzzy_match(query, detail.split(' ').next().unwrap_or(""))
            });
            if fuzzy_match(query, &symbol.name) || id_matches {
                symbol.children.clear();
                out.push((path.clone(), symbol));
                if out.len() >= MAX_RESULTS {
                    return out;
                }
            }
        }
    }
    out
}
