//! Item collection: what each file declares, without spans, and the index of
//! every package in the workspace built from those summaries.

use std::collections::{BTreeMap, BTreeSet};

use ward_syntax::ast::{Expr, ExprKind, Item, Stmt, StringPart};

use crate::db::{SourceFile, Workspace, parse};

/// The package of a file that declares none.
pub const DEFAULT_PACKAGE: &str = "main";

/// What one file declares, free of positions so that edits that move text do
/// not change it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FileSummary {
    /// The package name, dotted.
    pub package: String,
    /// Imports as (package, alias).
    pub imports: Vec<(String, String)>,
    /// Functions declared.
    pub functions: Vec<FunctionSummary>,
    /// Rules declared.
    pub rules: Vec<RuleSummary>,
    /// Test names.
    pub tests: Vec<String>,
    /// Policy parameters declared.
    pub params: Vec<ParamSummary>,
}

/// A policy parameter's name and declared type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ParamSummary {
    /// The name.
    pub name: String,
    /// The declared type, `None` when it is not a type.
    pub ty: Option<ward_abi::ParamType>,
}

/// The type a parameter is declared with, `None` when it names no type.
pub fn param_type(ty: &ward_syntax::ast::TypeExpr) -> Option<ward_abi::ParamType> {
    let element = match &ty.element {
        Some(element) => Some(param_type(element)?),
        None => None,
    };
    ward_abi::ParamType::from_parts(&ty.name.name, element)
}

/// A function's name, arity and the functions its body calls.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FunctionSummary {
    /// The name.
    pub name: String,
    /// Number of parameters.
    pub arity: usize,
    /// Callees as written: `name` or `alias.name`.
    pub calls: Vec<String>,
    /// For a selector function, one without parameters whose body is
    /// `resources(...)` of type names: those names. A selector can be a
    /// rule's source.
    pub selects: Option<Vec<String>>,
}

/// A rule's name and id.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RuleSummary {
    /// The name.
    pub name: String,
    /// The `@id`, if any.
    pub id: Option<String>,
}

/// Summarises one file.
#[salsa::tracked(returns(ref))]
pub fn file_summary(db: &dyn salsa::Database, file: SourceFile) -> FileSummary {
    let parse = parse(db, file);
    let ast = &parse.file;
    let package = ast
        .package
        .as_ref()
        .map(|path| path.dotted())
        .unwrap_or_else(|| DEFAULT_PACKAGE.to_string());
    let imports = ast
        .imports
        .iter()
        .filter_map(|import| {
            let alias = import.visible_name()?.name.clone();
            Some((import.path.dotted(), alias))
        })
        .collect();
    let mut functions = Vec::new();
    let mut rules = Vec::new();
    let mut tests = Vec::new();
    let mut params = Vec::new();
    for item in &ast.items {
        match item {
            Item::Fn(function) => {
                let mut calls = Vec::new();
                collect_calls(&function.body, &mut calls);
                functions.push(FunctionSummary {
                    name: function.name.name.clone(),
                    arity: function.params.len(),
                    calls,
                    selects: selected_types(function),
                });
            }
            Item::Rule(rule) => rules.push(RuleSummary {
                name: rule.name.name.clone(),
                id: crate::analysis::rule_id(rule),
            }),
            Item::Test(test) => tests.push(test.name.name.clone()),
            Item::Param(param) => params.push(ParamSummary {
                name: param.name.name.clone(),
                ty: param_type(&param.ty),
            }),
            Item::Error(_) => {}
        }
    }
    FileSummary {
        package,
        imports,
        functions,
        rules,
        tests,
        params,
    }
}

/// The type names a selector function's body selects: a function without
/// parameters whose body is `resources("A", "B", ...)` of string literals.
fn selected_types(function: &ward_syntax::ast::FnDef) -> Option<Vec<String>> {
    if !function.params.is_empty() {
        return None;
    }
    let ExprKind::Call(callee, args) = &function.body.kind else {
        return None;
    };
    if !matches!(&callee.kind, ExprKind::Name(name) if name == "resources") || args.is_empty() {
        return None;
    }
    args.iter()
        .map(|arg| match &arg.kind {
            ExprKind::String(literal) => literal.as_plain(),
            _ => None,
        })
        .collect()
}

/// The callee of a call as written: `name` or `alias.name`.
pub fn callee_text(callee: &Expr) -> Option<String> {
    match &callee.kind {
        ExprKind::Name(name) => Some(name.clone()),
        ExprKind::Field(base, member) => match &base.kind {
            ExprKind::Name(alias) => Some(format!("{alias}.{}", member.name)),
            _ => None,
        },
        _ => None,
    }
}

fn collect_calls(expr: &Expr, out: &mut Vec<String>) {
    visit_expr(expr, &mut |e| {
        if let ExprKind::Call(callee, _) = &e.kind
            && let Some(text) = callee_text(callee)
        {
            out.push(text);
        }
    });
}

/// Calls `f` on `expr` and every expression inside it, string interpolations
/// included.
pub fn visit_expr(expr: &Expr, f: &mut dyn FnMut(&Expr)) {
    f(expr);
    match &expr.kind {
        ExprKind::List(items) => items.iter().for_each(|item| visit_expr(item, f)),
        ExprKind::Object(fields) => fields.iter().for_each(|field| visit_expr(&field.value, f)),
        ExprKind::Field(base, _) | ExprKind::Named(_, base) => visit_expr(base, f),
        ExprKind::Index(base, index) => {
            visit_expr(base, f);
            visit_expr(index, f);
        }
        ExprKind::Call(callee, args) => {
            visit_expr(callee, f);
            args.iter().for_each(|arg| visit_expr(arg, f));
        }
        ExprKind::Unary(_, operand) => visit_expr(operand, f),
        ExprKind::Binary(_, left, right) => {
            visit_expr(left, f);
            visit_expr(right, f);
        }
        ExprKind::Quantifier(quantifier) => {
            visit_expr(&quantifier.source, f);
            visit_expr(&quantifier.body, f);
        }
        ExprKind::Comprehension(comprehension) => {
            visit_expr(&comprehension.element, f);
            visit_expr(&comprehension.source, f);
            if let Some(filter) = &comprehension.filter {
                visit_expr(filter, f);
            }
        }
        ExprKind::Slice(base, start, end) => {
            visit_expr(base, f);
            for bound in [start, end].into_iter().flatten() {
                visit_expr(bound, f);
            }
        }
        ExprKind::String(literal) => {
            for part in &literal.parts {
                if let StringPart::Interpolation(inner) = part {
                    visit_expr(inner, f);
                }
            }
        }
        ExprKind::Null
        | ExprKind::Bool(_)
        | ExprKind::Number(_)
        | ExprKind::RawString(_)
        | ExprKind::Name(_)
        | ExprKind::Error => {}
    }
}

/// Calls `f` on every expression of a statement, nested blocks included.
pub fn visit_stmt_exprs(stmt: &Stmt, f: &mut dyn FnMut(&Expr)) {
    match stmt {
        Stmt::Let { value, .. } => visit_expr(value, f),
        Stmt::Check(check) => {
            visit_expr(&check.cond, f);
            if let Some(message) = &check.message {
                visit_expr(message, f);
            }
            if let Some(at) = &check.at {
                visit_expr(at, f);
            }
        }
        Stmt::When { cond, .. } => visit_expr(cond, f),
        Stmt::For { iter, body, .. } => {
            visit_expr(iter, f);
            for inner in &body.stmts {
                visit_stmt_exprs(inner, f);
            }
        }
        Stmt::If(statement) => {
            for branch in &statement.branches {
                visit_expr(&branch.cond, f);
                for inner in &branch.body.stmts {
                    visit_stmt_exprs(inner, f);
                }
            }
            for inner in statement.otherwise.iter().flat_map(|block| &block.stmts) {
                visit_stmt_exprs(inner, f);
            }
        }
        Stmt::Error(_) => {}
    }
}

/// Where a function is defined.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FunctionEntry {
    /// The file.
    pub file: SourceFile,
    /// Number of parameters.
    pub arity: usize,
    /// Callees as written in its body.
    pub calls: Vec<String>,
    /// The types it selects, for a selector function
    /// ([`FunctionSummary::selects`]).
    pub selects: Option<Vec<String>>,
}

/// Where a rule is defined.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RuleEntry {
    /// The file.
    pub file: SourceFile,
    /// The `@id`, if any.
    pub id: Option<String>,
}

/// Everything one package declares across its files.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct PackageInfo {
    /// The files of the package.
    pub files: Vec<SourceFile>,
    /// Functions by name; more than one entry is a duplicate.
    pub functions: BTreeMap<String, Vec<FunctionEntry>>,
    /// Rules by name; more than one entry is a duplicate.
    pub rules: BTreeMap<String, Vec<RuleEntry>>,
    /// Test names with their files.
    pub tests: BTreeMap<String, Vec<SourceFile>>,
    /// Imports as (package, alias) of every file, for function resolution.
    pub file_imports: Vec<(SourceFile, Vec<(String, String)>)>,
    /// Policy parameters by name; more than one entry is a duplicate.
    pub params: BTreeMap<String, Vec<ParamEntry>>,
}

/// Where a policy parameter is declared, and its type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ParamEntry {
    /// The file.
    pub file: SourceFile,
    /// The declared type, `None` when it names no type.
    pub ty: Option<ward_abi::ParamType>,
}

/// The index of all packages of a workspace.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct PackageIndex {
    /// Packages by dotted name.
    pub packages: BTreeMap<String, PackageInfo>,
    /// Rule ids across the workspace: id -> (package, rule name, file).
    pub rule_ids: BTreeMap<String, Vec<(String, String, SourceFile)>>,
}

impl PackageIndex {
    /// A function of a package.
    pub fn function(&self, package: &str, name: &str) -> Option<&FunctionEntry> {
        self.packages.get(package)?.functions.get(name)?.first()
    }

    /// A policy parameter of a package.
    pub fn param(&self, package: &str, name: &str) -> Option<&ParamEntry> {
        self.packages.get(package)?.params.get(name)?.first()
    }
}

/// Builds the package index from every file's summary.
#[salsa::tracked(returns(ref))]
pub fn package_index(db: &dyn salsa::Database, workspace: Workspace) -> PackageIndex {
    let mut index = PackageIndex::default();
    for file in workspace.files(db) {
        let summary = file_summary(db, *file);
        let package = index.packages.entry(summary.package.clone()).or_default();
        package.files.push(*file);
        package.file_imports.push((*file, summary.imports.clone()));
        for function in &summary.functions {
            package
                .functions
                .entry(function.name.clone())
                .or_default()
                .push(FunctionEntry {
                    file: *file,
                    arity: function.arity,
                    calls: function.calls.clone(),
                    selects: function.selects.clone(),
                });
        }
        for rule in &summary.rules {
            package
                .rules
                .entry(rule.name.clone())
                .or_default()
                .push(RuleEntry {
                    file: *file,
                    id: rule.id.clone(),
                });
            if let Some(id) = &rule.id {
                index.rule_ids.entry(id.clone()).or_default().push((
                    summary.package.clone(),
                    rule.name.clone(),
                    *file,
                ));
            }
        }
        for test in &summary.tests {
            package.tests.entry(test.clone()).or_default().push(*file);
        }
        for param in &summary.params {
            package
                .params
                .entry(param.name.clone())
                .or_default()
                .push(ParamEntry {
                    file: *file,
                    ty: param.ty.clone(),
                });
        }
    }
    index
}

/// Functions that call themselves, directly or through others, as
/// (package, name).
#[salsa::tracked(returns(ref))]
pub fn recursive_functions(
    db: &dyn salsa::Database,
    workspace: Workspace,
) -> BTreeSet<(String, String)> {
    let index = package_index(db, workspace);
    // Edges between (package, function) nodes, resolved the way the checker
    // resolves calls: unqualified names in the same package, `alias.name`
    // through the calling file's imports.
    let mut edges: BTreeMap<(String, String), Vec<(String, String)>> = BTreeMap::new();
    for (package_name, package) in &index.packages {
        for (function_name, entries) in &package.functions {
            let Some(entry) = entries.first() else {
                continue;
            };
            let imports = package
                .file_imports
                .iter()
                .find(|(file, _)| *file == entry.file)
                .map(|(_, imports)| imports);
            let mut targets = Vec::new();
            for call in &entry.calls {
                if let Some((alias, member)) = call.split_once('.') {
                    let target_package = imports
                        .and_then(|imports| imports.iter().find(|(_, a)| a == alias))
                        .map(|(package, _)| package.clone());
                    if let Some(target_package) = target_package {
                        targets.push((target_package, member.to_string()));
                    }
                } else if package.functions.contains_key(call) {
                    targets.push((package_name.clone(), call.clone()));
                }
            }
            edges.insert((package_name.clone(), function_name.clone()), targets);
        }
    }
    let mut recursive = BTreeSet::new();
    for start in edges.keys() {
        // Depth-first search from each function for a path back to it.
        let mut stack: Vec<&(String, String)> = edges
            .get(start)
            .map(|t| t.iter().collect())
            .unwrap_or_default();
        let mut seen = BTreeSet::new();
        while let Some(node) = stack.pop() {
            if node == start {
                recursive.insert(start.clone());
                break;
            }
            if seen.insert(node.clone())
                && let Some(next) = edges.get(node)
            {
                stack.extend(next.iter());
            }
        }
    }
    recursive
}
