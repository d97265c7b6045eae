//! A bound on how deeply statements and expressions nest.
//!
//! The parser itself keeps its stack on the heap, but every later pass (the
//! checker, lowering, the evaluator, the editor features, even dropping the
//! tree) walks the tree recursively. A hostile or generated file such as
//! `1 + 1 + ... + 1` with thousands of terms would overflow a thread's stack
//! and abort the process, so subtrees deeper than [`MAX_NESTING`] are cut off
//! here, replaced by error holes and reported.

use crate::ast::{Block, Expr, ExprKind, Item, SourceFile, Stmt, StringPart, TestStmt};
use crate::{SyntaxError, SyntaxErrorKind};

/// How many levels of statements and expressions may nest.
pub const MAX_NESTING: usize = 128;

/// Cuts every subtree of `file` that lies deeper than [`MAX_NESTING`]. The
/// walk recurses at most that deep.
pub(crate) fn limit_nesting(file: &mut SourceFile, errors: &mut Vec<SyntaxError>) {
    let mut limiter = Limiter {
        errors,
        reported: false,
    };
    for item in &mut file.items {
        limiter.reported = false;
        match item {
            Item::Rule(rule) => {
                if let Some(source) = &mut rule.source {
                    limiter.expr(source, 1);
                }
                if let Some(guard) = &mut rule.guard {
                    limiter.expr(guard, 1);
                }
                limiter.block(&mut rule.body, 1);
            }
            Item::Fn(function) => limiter.expr(&mut function.body, 1),
            Item::Param(param) => limiter.expr(&mut param.default, 1),
            Item::Test(test) => {
                for stmt in &mut test.body {
                    if let TestStmt::Input { value, .. } | TestStmt::Param { value, .. } = stmt {
                        limiter.expr(value, 1);
                    }
                }
            }
            Item::Error(_) => {}
        }
    }
}

struct Limiter<'a> {
    errors: &'a mut Vec<SyntaxError>,
    /// One error per item is enough: the siblings of a cut subtree are
    /// usually cut too.
    reported: bool,
}

impl Limiter<'_> {
    fn report(&mut self, span: crate::ast::Span) {
        if std::mem::replace(&mut self.reported, true) {
            return;
        }
        self.errors.push(SyntaxError {
            kind: SyntaxErrorKind::TooDeep,
            message: format!("nested more than {MAX_NESTING} levels deep"),
            span,
            expected: Vec::new(),
        });
    }

    fn block(&mut self, block: &mut Block, depth: usize) {
        for stmt in &mut block.stmts {
            self.stmt(stmt, depth);
        }
    }

    fn stmt(&mut self, stmt: &mut Stmt, depth: usize) {
        if depth > MAX_NESTING {
            let span = stmt.span();
            self.report(span);
            dismantle_stmt(std::mem::replace(stmt, Stmt::Error(span)));
            return;
        }
        match stmt {
            Stmt::Let { value, .. } => self.expr(value, depth + 1),
            Stmt::Check(check) => {
                self.expr(&mut check.cond, depth + 1);
                if let Some(message) = &mut check.message {
                    self.expr(message, depth + 1);
                }
                if let Some(at) = &mut check.at {
                    self.expr(at, depth + 1);
                }
            }
            Stmt::When { cond, .. } => self.expr(cond, depth + 1),
            Stmt::For { iter, body, .. } => {
                self.expr(iter, depth + 1);
                self.block(body, depth + 1);
            }
            Stmt::If(statement) => {
                for branch in &mut statement.branches {
                    self.expr(&mut branch.cond, depth + 1);
                    self.block(&mut branch.body, depth + 1);
                }
                if let Some(otherwise) = &mut statement.otherwise {
                    self.block(otherwise, depth + 1);
                }
            }
            Stmt::Error(_) => {}
        }
    }

    fn expr(&mut self, expr: &mut Expr, depth: usize) {
        if depth > MAX_NESTING {
            self.report(expr.span);
            dismantle_kind(std::mem::replace(&mut expr.kind, ExprKind::Error));
            return;
        }
        let next = depth + 1;
        match &mut expr.kind {
            ExprKind::String(literal) => {
                for part in &mut literal.parts {
                    if let StringPart::Interpolation(inner) = part {
                        self.expr(inner, next);
                    }
                }
            }
            ExprKind::List(items) => items.iter_mut().for_each(|item| self.expr(item, next)),
            ExprKind::Object(fields) => fields
                .iter_mut()
                .for_each(|field| self.expr(&mut field.value, next)),
            ExprKind::Field(base, _) | ExprKind::Named(_, base) => self.expr(base, next),
            ExprKind::Index(base, index) => {
                self.expr(base, next);
                self.expr(index, next);
            }
            ExprKind::Call(callee, args) => {
                self.expr(callee, next);
                args.iter_mut().for_each(|arg| self.expr(arg, next));
            }
            ExprKind::Unary(_, operand) => self.expr(operand, next),
            ExprKind::Binary(_, left, right) => {
                self.expr(left, next);
                self.expr(right, next);
            }
            ExprKind::Quantifier(quantifier) => {
                self.expr(&mut quantifier.source, next);
                self.expr(&mut quantifier.body, next);
            }
            ExprKind::Comprehension(comprehension) => {
                self.expr(&mut comprehension.element, next);
                self.expr(&mut comprehension.source, next);
                if let Some(filter) = &mut comprehension.filter {
                    self.expr(filter, next);
                }
            }
            ExprKind::Slice(base, start, end) => {
                self.expr(base, next);
                for bound in [start, end].into_iter().flatten() {
                    self.expr(bound, next);
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
}

/// Drops a statement of any depth without recursion.
fn dismantle_stmt(stmt: Stmt) {
    let mut stmts = vec![stmt];
    let mut exprs = Vec::new();
    while let Some(stmt) = stmts.pop() {
        match stmt {
            Stmt::Let { value, .. } => exprs.push(value),
            Stmt::Check(check) => {
                exprs.push(check.cond);
                exprs.extend(check.message);
                exprs.extend(check.at);
            }
            Stmt::When { cond, .. } => exprs.push(cond),
            Stmt::For { iter, body, .. } => {
                exprs.push(iter);
                stmts.extend(body.stmts);
            }
            Stmt::If(statement) => {
                for branch in statement.branches {
                    exprs.push(branch.cond);
                    stmts.extend(branch.body.stmts);
                }
                if let Some(otherwise) = statement.otherwise {
                    stmts.extend(otherwise.stmts);
                }
            }
            Stmt::Error(_) => {}
        }
    }
    exprs.into_iter().for_each(dismantle_expr);
}

/// Drops an expression of any depth without recursion: children are moved
/// onto a stack before their parent is dropped.
fn dismantle_expr(expr: Expr) {
    dismantle_kind(expr.kind);
}

fn dismantle_kind(kind: ExprKind) {
    let mut pending = vec![kind];
    while let Some(kind) = pending.pop() {
        match kind {
            ExprKind::String(literal) => {
                for part in literal.parts {
                    if let StringPart::Interpolation(inner) = part {
                        pending.push(inner.kind);
                    }
                }
            }
            ExprKind::List(items) => pending.extend(items.into_iter().map(|item| item.kind)),
            ExprKind::Object(fields) => {
                pending.extend(fields.into_iter().map(|field| field.value.kind))
            }
            ExprKind::Field(base, _) | ExprKind::Named(_, base) => pending.push(base.kind),
            ExprKind::Index(base, index) => pending.extend([base.kind, index.kind]),
            ExprKind::Call(callee, args) => {
                pending.push(callee.kind);
                pending.extend(args.into_iter().map(|arg| arg.kind));
            }
            ExprKind::Unary(_, operand) => pending.push(operand.kind),
            ExprKind::Binary(_, left, right) => pending.extend([left.kind, right.kind]),
            ExprKind::Quantifier(quantifier) => {
                pending.extend([quantifier.source.kind, quantifier.body.kind])
            }
            ExprKind::Comprehension(comprehension) => {
                pending.extend([comprehension.element.kind, comprehension.source.kind]);
                pending.extend(comprehension.filter.map(|filter| filter.kind));
            }
            ExprKind::Slice(base, start, end) => {
                pending.push(base.kind);
                pending.extend(start.map(|bound| bound.kind));
                pending.extend(end.map(|bound| bound.kind));
            }
            ExprKind::Null
            | ExprKind::Bool(_)
            | ExprKind::Number(_)
            | ExprKind::RawString(_)
            | ExprKind::Name(_)
            | ExprKind::Error => {}
        }
    }
}
