//! Lowering of one analysed file to IR.
//!
//! Ids in a [`FileIr`] are local to the file: [`KeyId`]s index
//! [`FileIr::keys`], [`RegexId`]s [`FileIr::regexes`] and [`FunctionId`]s
//! [`FileIr::callees`]. Linking ([`super::link`]) renumbers them.
//!
//! Lowering runs only on files without errors, but it never panics on a
//! tree it does not expect: an unresolved name becomes `null`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use ward_syntax::LineIndex;
use ward_syntax::ast::{self, BinaryOp, ExprKind, Span, StringPart, UnaryOp};

use super::{
    ArithOp, Check, CheckId, CompareOp, Const, Direction, Expr, FormatPart, Function, FunctionId,
    KeyId, LocalId, RegexId, Rule, SourceRange, Stmt, WhenScope,
};
use crate::analysis::{Analysis, Definition};
use crate::builtins::{self, Builtin};

/// The IR of one file, with file-local ids.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct FileIr {
    /// The file's package.
    pub package: String,
    /// Rules in source order.
    pub rules: Vec<Rule>,
    /// Functions in source order.
    pub functions: Vec<Function>,
    /// Keys used by the file.
    pub keys: Vec<Arc<str>>,
    /// Patterns used by the file.
    pub regexes: Vec<Arc<str>>,
    /// Functions called by the file, as (package, name).
    pub callees: Vec<(String, String)>,
    /// Parameters declared by the file, in source order.
    pub params: Vec<super::Param>,
    /// Whether the file is a library file: its rules are not compiled.
    pub library: bool,
    /// Parameters read by the file's functions, as indexes into
    /// `param_uses`: a library file's rules are not compiled, so only
    /// these of its reads count.
    pub function_param_uses: Vec<u32>,
    /// Parameters read by the file, as (package, name); [`Expr::Param`]
    /// holds an index into this list until linking.
    pub param_uses: Vec<(String, String)>,
}

/// Lowers a parsed and analysed file.
pub fn lower_file(
    path: &str,
    text: &str,
    file: &ast::SourceFile,
    analysis: &Analysis,
    library: bool,
) -> FileIr {
    let mut tables = Tables::default();
    let lines = LineIndex::new(text);
    let mut rules = Vec::new();
    let mut functions = Vec::new();
    let mut params = Vec::new();
    let mut function_param_uses = Vec::new();
    for item in &file.items {
        match item {
            ast::Item::Rule(rule) => {
                let Some(info) = analysis.rules.iter().find(|info| info.span == rule.span) else {
                    continue;
                };
                let mut frame = Frame::new(&analysis.uses, text, &lines, &mut tables);
                let source = rule.source.as_ref().map(|source| frame.expr(source));
                let binding = rule
                    .binding
                    .as_ref()
                    .map(|binding| frame.bind(binding.span));
                let guard = rule.guard.as_ref().map(|guard| frame.expr(guard));
                let body = frame.block(&rule.body, WhenScope::Rule);
                rules.push(Rule {
                    info: info.clone(),
                    binding,
                    source,
                    guard,
                    body,
                    locals: frame.next_slot,
                    checks: frame.next_check,
                    range: frame.range(rule.span),
                });
            }
            ast::Item::Fn(function) => {
                let mut frame = Frame::new(&analysis.uses, text, &lines, &mut tables);
                for param in &function.params {
                    frame.bind(param.span);
                }
                let body = frame.expr(&function.body);
                collect_params(&body, &mut function_param_uses);
                functions.push(Function {
                    package: analysis.package.clone(),
                    name: function.name.name.clone(),
                    params: u32::try_from(function.params.len()).unwrap_or(u32::MAX),
                    locals: frame.next_slot,
                    body,
                    file: path.to_string(),
                    span: function.span,
                });
            }
            ast::Item::Param(param) => {
                let Some(ty) = crate::items::param_type(&param.ty) else {
                    continue;
                };
                let default = crate::literal::literal_to_json(&param.default)
                    .unwrap_or(serde_json::Value::Null);
                params.push(super::Param {
                    package: analysis.package.clone(),
                    name: param.name.name.clone(),
                    ty,
                    default,
                    doc: param
                        .doc
                        .as_ref()
                        .map(|doc| doc.text.clone())
                        .unwrap_or_default(),
                    file: path.to_string(),
                    library,
                });
            }
            ast::Item::Test(_) | ast::Item::Error(_) => {}
        }
    }
    FileIr {
        package: analysis.package.clone(),
        rules,
        functions,
        keys: tables.keys.items,
        regexes: tables.regexes.items,
        callees: tables.callees.items,
        params,
        library,
        function_param_uses,
        param_uses: tables.params.items,
    }
}

/// Adds the parameters an expression reads to `out`.
fn collect_params(expr: &Expr, out: &mut Vec<u32>) {
    if let Expr::Param(param) = expr
        && !out.contains(&param.0)
    {
        out.push(param.0);
    }
    expr.for_each_child(&mut |child| collect_params(child, out));
}

/// An insertion-ordered set that hands out indexes.
struct Interner<T> {
    items: Vec<T>,
    index: HashMap<T, u32>,
}

impl<T> Default for Interner<T> {
    fn default() -> Self {
        Interner {
            items: Vec::new(),
            index: HashMap::new(),
        }
    }
}

impl<T: Clone + Eq + std::hash::Hash> Interner<T> {
    fn intern(&mut self, item: T) -> u32 {
        if let Some(&id) = self.index.get(&item) {
            return id;
        }
        let id = u32::try_from(self.items.len()).unwrap_or(u32::MAX);
        self.index.insert(item.clone(), id);
        self.items.push(item);
        id
    }
}

#[derive(Default)]
struct Tables {
    keys: Interner<Arc<str>>,
    regexes: Interner<Arc<str>>,
    callees: Interner<(String, String)>,
    params: Interner<(String, String)>,
}

/// Lowering state of one rule or function.
struct Frame<'a> {
    uses: &'a BTreeMap<Span, Definition>,
    text: &'a str,
    lines: &'a LineIndex,
    tables: &'a mut Tables,
    slots: HashMap<Span, LocalId>,
    next_slot: u32,
    next_check: u32,
}

impl<'a> Frame<'a> {
    fn new(
        uses: &'a BTreeMap<Span, Definition>,
        text: &'a str,
        lines: &'a LineIndex,
        tables: &'a mut Tables,
    ) -> Frame<'a> {
        Frame {
            uses,
            text,
            lines,
            tables,
            slots: HashMap::new(),
            next_slot: 0,
            next_check: 0,
        }
    }

    fn range(&self, span: Span) -> SourceRange {
        SourceRange {
            start: self.lines.line_col(self.text, span.start),
            end: self.lines.line_col(self.text, span.end),
        }
    }

    fn bind(&mut self, binder: Span) -> LocalId {
        let local = LocalId(self.next_slot);
        self.next_slot = self.next_slot.saturating_add(1);
        self.slots.insert(binder, local);
        local
    }

    fn key(&mut self, name: &str) -> KeyId {
        KeyId(self.tables.keys.intern(Arc::from(name)))
    }

    fn block(&mut self, block: &ast::Block, scope: WhenScope) -> Vec<Stmt> {
        let mut out = Vec::new();
        for stmt in &block.stmts {
            match stmt {
                ast::Stmt::Let { name, value, .. } => {
                    let value = self.expr(value);
                    let local = self.bind(name.span);
                    out.push(Stmt::Let { local, value });
                }
                ast::Stmt::Check(check) => {
                    let id = CheckId(self.next_check);
                    self.next_check = self.next_check.saturating_add(1);
                    let cond = self.expr(&check.cond);
                    let message = check.message.as_ref().map(|message| self.expr(message));
                    let message_source = check
                        .message
                        .as_ref()
                        .and_then(|message| self.text.get(message.span.range()))
                        .map(str::to_string);
                    let at = check.at.as_ref().map(|at| self.expr(at));
                    out.push(Stmt::Check(Check {
                        id,
                        kind: check.kind,
                        cond,
                        message,
                        message_source,
                        at,
                        span: check.span,
                        range: self.range(check.span),
                    }));
                }
                ast::Stmt::When { cond, span } => {
                    let cond = self.expr(cond);
                    out.push(Stmt::When {
                        cond,
                        scope,
                        span: *span,
                    });
                }
                ast::Stmt::For {
                    binding,
                    iter,
                    body,
                    span,
                } => {
                    let iter = self.expr(iter);
                    let local = self.bind(binding.span);
                    let body = self.block(body, WhenScope::Loop);
                    out.push(Stmt::For {
                        local,
                        iter,
                        body,
                        span: *span,
                    });
                }
                ast::Stmt::If(statement) => out.push(self.if_stmt(statement)),
                ast::Stmt::Error(_) => {}
            }
        }
        out
    }

    /// `if a {..} else if b {..} else {..}` as `If(a, .., [If(b, .., ..)])`.
    fn if_stmt(&mut self, statement: &ast::IfStmt) -> Stmt {
        let mut otherwise = statement
            .otherwise
            .as_ref()
            .map(|block| self.block(block, WhenScope::Branch))
            .unwrap_or_default();
        let mut lowered: Vec<(Expr, Vec<Stmt>)> = Vec::new();
        for branch in &statement.branches {
            let cond = self.expr(&branch.cond);
            let then = self.block(&branch.body, WhenScope::Branch);
            lowered.push((cond, then));
        }
        let mut result = None;
        while let Some((cond, then)) = lowered.pop() {
            let statement = Stmt::If {
                cond,
                then,
                otherwise: std::mem::take(&mut otherwise),
                span: statement.span,
            };
            otherwise = vec![statement.clone()];
            result = Some(statement);
        }
        result.unwrap_or(Stmt::If {
            cond: Expr::Const(Const::Bool(false)),
            then: Vec::new(),
            otherwise,
            span: statement.span,
        })
    }

    fn boxed(&mut self, expr: &ast::Expr) -> Box<Expr> {
        Box::new(self.expr(expr))
    }

    /// A read of a parameter, numbered within the file until linking.
    fn param(&mut self, package: String, name: String) -> Expr {
        Expr::Param(super::ParamId(self.tables.params.intern((package, name))))
    }

    fn expr(&mut self, expr: &ast::Expr) -> Expr {
        match &expr.kind {
            ExprKind::Null | ExprKind::Error => Expr::Const(Const::Null),
            ExprKind::Bool(value) => Expr::Const(Const::Bool(*value)),
            ExprKind::Number(value) => Expr::Const(Const::Number(*value)),
            ExprKind::RawString(text) => Expr::Const(Const::String(Arc::from(text.as_str()))),
            ExprKind::String(literal) => self.string(literal),
            ExprKind::Name(_) => match self.uses.get(&expr.span) {
                Some(Definition::Local { binder, .. }) => match self.slots.get(binder) {
                    Some(local) => Expr::Local(*local),
                    None => Expr::Const(Const::Null),
                },
                Some(Definition::Param { package, name }) => {
                    self.param(package.clone(), name.clone())
                }
                _ => Expr::Const(Const::Null),
            },
            ExprKind::List(items) => Expr::List(items.iter().map(|item| self.expr(item)).collect()),
            ExprKind::Object(fields) => {
                let mut entries: Vec<(KeyId, Expr)> = Vec::new();
                for field in fields {
                    let key = self.key(&field.key.name);
                    let value = self.expr(&field.value);
                    // A repeated key keeps its first position and takes the
                    // last value.
                    match entries.iter_mut().find(|(existing, _)| *existing == key) {
                        Some(entry) => entry.1 = value,
                        None => entries.push((key, value)),
                    }
                }
                Expr::Object(entries)
            }
            ExprKind::Field(..)
                if let Some(Definition::Param { package, name }) = self.uses.get(&expr.span) =>
            {
                self.param(package.clone(), name.clone())
            }
            ExprKind::Field(base, member) => {
                let base = self.boxed(base);
                let key = self.key(&member.name);
                Expr::Field { base, key }
            }
            ExprKind::Index(base, index) => Expr::Index {
                base: self.boxed(base),
                index: self.boxed(index),
            },
            ExprKind::Call(callee, args) => self.call(expr, callee, args),
            ExprKind::Named(_, value) => self.expr(value),
            ExprKind::Unary(UnaryOp::Not, operand) => Expr::Not(self.boxed(operand)),
            ExprKind::Unary(UnaryOp::Neg, operand) => match &operand.kind {
                ExprKind::Number(value) => Expr::Const(Const::Number(-value)),
                _ => Expr::Neg(self.boxed(operand)),
            },
            ExprKind::Binary(op, left, right) => self.binary(*op, left, right),
            ExprKind::Comprehension(comprehension) => {
                let source = self.boxed(&comprehension.source);
                let local = self.bind(comprehension.binding.span);
                let filter = comprehension
                    .filter
                    .as_ref()
                    .map(|filter| self.boxed(filter));
                let element = self.boxed(&comprehension.element);
                Expr::Comprehension {
                    local,
                    source,
                    filter,
                    element,
                }
            }
            ExprKind::Slice(base, start, end) => Expr::Slice {
                base: self.boxed(base),
                start: start.as_ref().map(|bound| self.boxed(bound)),
                end: end.as_ref().map(|bound| self.boxed(bound)),
            },
            ExprKind::Quantifier(quantifier) => {
                let source = self.boxed(&quantifier.source);
                let local = self.bind(quantifier.binding.span);
                let body = self.boxed(&quantifier.body);
                Expr::Quantifier {
                    kind: quantifier.kind,
                    local,
                    source,
                    body,
                }
            }
        }
    }

    fn string(&mut self, literal: &ast::StringLit) -> Expr {
        let mut parts: Vec<FormatPart> = Vec::new();
        let mut text = String::new();
        for part in &literal.parts {
            match part {
                StringPart::Text(piece) => text.push_str(piece),
                StringPart::Interpolation(inner) => {
                    if !text.is_empty() {
                        parts.push(FormatPart::Text(Arc::from(std::mem::take(&mut text))));
                    }
                    parts.push(FormatPart::Value(self.expr(inner)));
                }
            }
        }
        if parts.is_empty() {
            return Expr::Const(Const::String(Arc::from(text)));
        }
        if !text.is_empty() {
            parts.push(FormatPart::Text(Arc::from(text)));
        }
        Expr::Format(parts)
    }

    fn call(&mut self, call: &ast::Expr, callee: &ast::Expr, written: &[ast::Expr]) -> Expr {
        let definition = self.uses.get(&callee.span).cloned();
        // Builtins' arguments in parameter order, named ones placed.
        let placed: Vec<Option<Expr>> = match &definition {
            Some(Definition::Builtin(builtin)) => {
                let info = builtins::info(*builtin);
                builtins::arrange(info, call.span, written)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|index| index.and_then(|i| written.get(i)).map(|arg| self.expr(arg)))
                    .collect()
            }
            _ => written.iter().map(|arg| Some(self.expr(arg))).collect(),
        };
        let parameter = |index: usize| placed.get(index).cloned().flatten();
        let args: Vec<Expr> = placed.iter().flatten().cloned().collect();
        match definition {
            Some(Definition::Function { package, name }) => {
                let function = FunctionId(self.tables.callees.intern((package, name)));
                Expr::Call { function, args }
            }
            Some(Definition::Builtin(Builtin::Resources)) => Expr::Resources(args),
            Some(Definition::Builtin(builtin @ (Builtin::Refs | Builtin::Referrers))) => {
                let direction = if builtin == Builtin::Refs {
                    Direction::Out
                } else {
                    Direction::In
                };
                let resource = Box::new(parameter(0).unwrap_or(Expr::Const(Const::Null)));
                Expr::Traverse {
                    direction,
                    resource,
                    filter: parameter(1).map(Box::new),
                    via: parameter(2).map(Box::new),
                }
            }
            Some(Definition::Builtin(builtin)) => Expr::Builtin { builtin, args },
            _ => Expr::Const(Const::Null),
        }
    }

    fn binary(&mut self, op: BinaryOp, left: &ast::Expr, right: &ast::Expr) -> Expr {
        let compare = |op: CompareOp, this: &mut Self| Expr::Compare {
            op,
            left: this.boxed(left),
            right: this.boxed(right),
        };
        let arith = |op: ArithOp, this: &mut Self| Expr::Arith {
            op,
            left: this.boxed(left),
            right: this.boxed(right),
        };
        match op {
            BinaryOp::Or => Expr::Or(self.boxed(left), self.boxed(right)),
            BinaryOp::And => Expr::And(self.boxed(left), self.boxed(right)),
            BinaryOp::Eq => compare(CompareOp::Eq, self),
            BinaryOp::Ne => compare(CompareOp::Ne, self),
            BinaryOp::Lt => compare(CompareOp::Lt, self),
            BinaryOp::Le => compare(CompareOp::Le, self),
            BinaryOp::Gt => compare(CompareOp::Gt, self),
            BinaryOp::Ge => compare(CompareOp::Ge, self),
            BinaryOp::In => Expr::In {
                item: self.boxed(left),
                container: self.boxed(right),
            },
            BinaryOp::NotIn => Expr::Not(Box::new(Expr::In {
                item: self.boxed(left),
                container: self.boxed(right),
            })),
            BinaryOp::Matches => {
                let text = self.boxed(left);
                let pattern = match &right.kind {
                    ExprKind::RawString(pattern) => pattern.clone(),
                    ExprKind::String(literal) => literal.as_plain().unwrap_or_default(),
                    _ => String::new(),
                };
                let regex = RegexId(self.tables.regexes.intern(Arc::from(pattern)));
                Expr::Matches { text, regex }
            }
            BinaryOp::Add => arith(ArithOp::Add, self),
            BinaryOp::Sub => arith(ArithOp::Sub, self),
            BinaryOp::Mul => arith(ArithOp::Mul, self),
            BinaryOp::Div => arith(ArithOp::Div, self),
            BinaryOp::Rem => arith(ArithOp::Rem, self),
        }
    }
}
