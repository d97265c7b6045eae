//! The IR queries: lowering each file, and linking the files of a workspace
//! into one program.

use std::collections::HashMap;
use std::sync::Arc;

use super::lower::{FileIr, lower_file};
use super::{Expr, FormatPart, FunctionId, KeyId, ParamId, Program, RegexId, Stmt};
use crate::analysis::analyze;
use crate::db::{SourceFile, Workspace, parse};

/// Lowers one file, with ids local to the file.
///
/// It reads only the file's parse and analysis, so editing another file
/// leaves it untouched unless that edit changes what this file resolves to.
#[salsa::tracked(returns(ref))]
pub fn file_ir(db: &dyn salsa::Database, workspace: Workspace, file: SourceFile) -> Arc<FileIr> {
    let parse = parse(db, file);
    let analysis = analyze(db, workspace, file);
    Arc::new(lower_file(
        file.path(db),
        file.text(db),
        &parse.file,
        analysis,
        *file.library(db),
    ))
}

/// The program of a workspace, or `None` when any file has an error.
#[salsa::tracked(returns(clone))]
pub fn program(db: &dyn salsa::Database, workspace: Workspace) -> Option<Arc<Program>> {
    let files = workspace.files(db);
    if files
        .iter()
        .any(|file| analyze(db, workspace, *file).has_errors())
    {
        return None;
    }
    let lowered: Vec<&Arc<FileIr>> = files
        .iter()
        .map(|file| file_ir(db, workspace, *file))
        .collect();
    Some(Arc::new(link(&lowered)))
}

/// Links lowered files: one function numbering, one key table, one regex
/// table.
pub fn link(files: &[&Arc<FileIr>]) -> Program {
    let mut program = Program::default();
    let mut function_ids: HashMap<(String, String), FunctionId> = HashMap::new();
    for file in files {
        for function in &file.functions {
            let key = (function.package.clone(), function.name.clone());
            let id = FunctionId(u32::try_from(program.functions.len()).unwrap_or(u32::MAX));
            function_ids.entry(key).or_insert(id);
            program.functions.push(function.clone());
        }
    }
    // Parameters: every one the policies declare, then those of library
    // files that some file reads, so a policy that imports the standard
    // library for a function does not list all of its parameters.
    let used: std::collections::HashSet<&(String, String)> = files
        .iter()
        .flat_map(|file| -> Vec<&(String, String)> {
            if file.library {
                file.function_param_uses
                    .iter()
                    .filter_map(|index| file.param_uses.get(*index as usize))
                    .collect()
            } else {
                file.param_uses.iter().collect()
            }
        })
        .collect();
    let mut param_ids: HashMap<(String, String), ParamId> = HashMap::new();
    for library in [false, true] {
        for file in files {
            for param in &file.params {
                let key = (param.package.clone(), param.name.clone());
                if param.library != library
                    || (library && !used.contains(&key))
                    || param_ids.contains_key(&key)
                {
                    continue;
                }
                let id = ParamId(u32::try_from(program.params.len()).unwrap_or(u32::MAX));
                param_ids.insert(key, id);
                program.params.push(param.clone());
            }
        }
    }
    let mut key_ids: HashMap<Arc<str>, KeyId> = HashMap::new();
    let mut regex_ids: HashMap<Arc<str>, RegexId> = HashMap::new();
    // Renumbering of each file's local ids; functions are renumbered after
    // all of them are collected, so file by file in the same order.
    let mut maps = Vec::with_capacity(files.len());
    for file in files {
        let keys: Vec<KeyId> = file
            .keys
            .iter()
            .map(|key| {
                *key_ids.entry(key.clone()).or_insert_with(|| {
                    program.keys.push(key.clone());
                    KeyId(u32::try_from(program.keys.len() - 1).unwrap_or(u32::MAX))
                })
            })
            .collect();
        let regexes: Vec<RegexId> = file
            .regexes
            .iter()
            .map(|pattern| {
                *regex_ids.entry(pattern.clone()).or_insert_with(|| {
                    program.regexes.push(pattern.clone());
                    RegexId(u32::try_from(program.regexes.len() - 1).unwrap_or(u32::MAX))
                })
            })
            .collect();
        let functions: Vec<FunctionId> = file
            .callees
            .iter()
            .map(|callee| {
                function_ids
                    .get(callee)
                    .copied()
                    .unwrap_or(FunctionId(u32::MAX))
            })
            .collect();
        let params: Vec<ParamId> = file
            .param_uses
            .iter()
            .map(|param| param_ids.get(param).copied().unwrap_or(ParamId(u32::MAX)))
            .collect();
        maps.push(Renumber {
            keys,
            regexes,
            functions,
            params,
        });
    }
    let mut next_function = 0usize;
    for (file, map) in files.iter().zip(&maps) {
        for rule in &file.rules {
            if file.library {
                continue;
            }
            let mut rule = rule.clone();
            if let Some(source) = &mut rule.source {
                map.expr(source);
            }
            if let Some(guard) = &mut rule.guard {
                map.expr(guard);
            }
            map.stmts(&mut rule.body);
            program.rules.push(rule);
        }
        for _ in &file.functions {
            if let Some(function) = program.functions.get_mut(next_function) {
                map.expr(&mut function.body);
            }
            next_function += 1;
        }
    }
    inline_selectors(&mut program);
    program
}

/// A rule whose source calls a selector function (`fn buckets() =
/// resources("AWS::S3::Bucket", "aws_s3_bucket")`) iterates the
/// `resources(...)` of its body, so the engines and the metadata see the
/// types the rule binds as if it had written them.
fn inline_selectors(program: &mut Program) {
    for index in 0..program.rules.len() {
        let Some(Expr::Call { function, args }) = &program.rules[index].source else {
            continue;
        };
        if !args.is_empty() {
            continue;
        }
        let Some(function) = usize::try_from(function.0)
            .ok()
            .and_then(|at| program.functions.get(at))
        else {
            continue;
        };
        if let Expr::Resources(patterns) = &function.body {
            let inlined = Expr::Resources(patterns.clone());
            program.rules[index].source = Some(inlined);
        }
    }
}

/// File-local ids to program ids.
struct Renumber {
    keys: Vec<KeyId>,
    regexes: Vec<RegexId>,
    functions: Vec<FunctionId>,
    params: Vec<ParamId>,
}

impl Renumber {
    fn stmts(&self, stmts: &mut [Stmt]) {
        for stmt in stmts {
            match stmt {
                Stmt::Let { value, .. } => self.expr(value),
                Stmt::Check(check) => {
                    self.expr(&mut check.cond);
                    if let Some(message) = &mut check.message {
                        self.expr(message);
                    }
                    if let Some(at) = &mut check.at {
                        self.expr(at);
                    }
                }
                Stmt::When { cond, .. } => self.expr(cond),
                Stmt::For { iter, body, .. } => {
                    self.expr(iter);
                    self.stmts(body);
                }
                Stmt::If {
                    cond,
                    then,
                    otherwise,
                    ..
                } => {
                    self.expr(cond);
                    self.stmts(then);
                    self.stmts(otherwise);
                }
            }
        }
    }

    fn expr(&self, expr: &mut Expr) {
        match expr {
            Expr::Const(_) | Expr::Local(_) => {}
            Expr::Param(param) => {
                *param = self
                    .params
                    .get(param.0 as usize)
                    .copied()
                    .unwrap_or(ParamId(u32::MAX));
            }
            Expr::List(items) | Expr::Resources(items) | Expr::Builtin { args: items, .. } => {
                items.iter_mut().for_each(|item| self.expr(item));
            }
            Expr::Call { function, args } => {
                *function = self
                    .functions
                    .get(function.0 as usize)
                    .copied()
                    .unwrap_or(FunctionId(u32::MAX));
                args.iter_mut().for_each(|arg| self.expr(arg));
            }
            Expr::Object(entries) => {
                for (key, value) in entries {
                    *key = self.keys.get(key.0 as usize).copied().unwrap_or(*key);
                    self.expr(value);
                }
            }
            Expr::Field { base, key } => {
                *key = self.keys.get(key.0 as usize).copied().unwrap_or(*key);
                self.expr(base);
            }
            Expr::Index { base, index } => {
                self.expr(base);
                self.expr(index);
            }
            Expr::Not(inner) | Expr::Neg(inner) => self.expr(inner),
            Expr::And(left, right)
            | Expr::Or(left, right)
            | Expr::Compare { left, right, .. }
            | Expr::Arith { left, right, .. } => {
                self.expr(left);
                self.expr(right);
            }
            Expr::In { item, container } => {
                self.expr(item);
                self.expr(container);
            }
            Expr::Matches { text, regex } => {
                *regex = self
                    .regexes
                    .get(regex.0 as usize)
                    .copied()
                    .unwrap_or(*regex);
                self.expr(text);
            }
            Expr::Format(parts) => {
                for part in parts {
                    if let FormatPart::Value(value) = part {
                        self.expr(value);
                    }
                }
            }
            Expr::Quantifier { source, body, .. } => {
                self.expr(source);
                self.expr(body);
            }
            Expr::Comprehension {
                source,
                filter,
                element,
                ..
            } => {
                self.expr(source);
                if let Some(filter) = filter {
                    self.expr(filter);
                }
                self.expr(element);
            }
            Expr::Slice { base, start, end } => {
                self.expr(base);
                for bound in [start, end].into_iter().flatten() {
                    self.expr(bound);
                }
            }
            Expr::Traverse {
                resource,
                filter,
                via,
                ..
            } => {
                self.expr(resource);
                if let Some(filter) = filter {
                    self.expr(filter);
                }
                if let Some(via) = via {
                    self.expr(via);
                }
            }
        }
    }
}
