//! A readable text form of the IR, for snapshot tests and debugging.

use std::fmt::Write;

use ward_syntax::ast::CheckKind;

use super::{Const, Direction, Expr, FormatPart, Program, Stmt, WhenScope};

pub(super) fn program(program: &Program) -> String {
    let mut out = String::new();
    for (index, key) in program.keys.iter().enumerate() {
        let _ = writeln!(out, "key k{index} = {key:?}");
    }
    for (index, pattern) in program.regexes.iter().enumerate() {
        let _ = writeln!(out, "regex r{index} = {pattern:?}");
    }
    for (index, function) in program.functions.iter().enumerate() {
        let _ = writeln!(
            out,
            "fn f{index} {}.{}(params {}, locals {}) =\n  {}",
            function.package,
            function.name,
            function.params,
            function.locals,
            expr(program, &function.body)
        );
    }
    for rule in &program.rules {
        let _ = writeln!(
            out,
            "rule {}.{} id {:?} severity {} locals {} checks {}",
            rule.info.package,
            rule.info.name,
            rule.info.id,
            rule.info.severity.as_str(),
            rule.locals,
            rule.checks
        );
        match (&rule.binding, &rule.source) {
            (Some(binding), Some(source)) => {
                let _ = writeln!(out, "  for l{} in {}", binding.0, expr(program, source));
            }
            _ => {
                let _ = writeln!(out, "  once per input");
            }
        }
        if let Some(guard) = &rule.guard {
            let _ = writeln!(out, "  guard {}", expr(program, guard));
        }
        stmts(program, &rule.body, 1, &mut out);
    }
    out
}

fn stmts(program: &Program, body: &[Stmt], depth: usize, out: &mut String) {
    let indent = "  ".repeat(depth);
    for stmt in body {
        match stmt {
            Stmt::Let { local, value } => {
                let _ = writeln!(out, "{indent}let l{} = {}", local.0, expr(program, value));
            }
            Stmt::Check(check) => {
                let kind = match check.kind {
                    CheckKind::Require => "require",
                    CheckKind::Deny => "deny",
                };
                let _ = write!(
                    out,
                    "{indent}{kind}#{} {}",
                    check.id.0,
                    expr(program, &check.cond)
                );
                if let Some(message) = &check.message {
                    let _ = write!(out, " message {}", expr(program, message));
                }
                if let Some(at) = &check.at {
                    let _ = write!(out, " at {}", expr(program, at));
                }
                out.push('\n');
            }
            Stmt::When { cond, scope, .. } => {
                let scope = match scope {
                    WhenScope::Rule => "skip",
                    WhenScope::Loop => "next",
                    WhenScope::Branch => "end",
                };
                let _ = writeln!(out, "{indent}when[{scope}] {}", expr(program, cond));
            }
            Stmt::For {
                local, iter, body, ..
            } => {
                let _ = writeln!(out, "{indent}for l{} in {}", local.0, expr(program, iter));
                stmts(program, body, depth + 1, out);
            }
            Stmt::If {
                cond,
                then,
                otherwise,
                ..
            } => {
                let _ = writeln!(out, "{indent}if {}", expr(program, cond));
                stmts(program, then, depth + 1, out);
                if !otherwise.is_empty() {
                    let _ = writeln!(out, "{indent}else");
                    stmts(program, otherwise, depth + 1, out);
                }
            }
        }
    }
}

fn list(program: &Program, items: &[Expr]) -> String {
    items
        .iter()
        .map(|item| expr(program, item))
        .collect::<Vec<_>>()
        .join(", ")
}

fn expr(program: &Program, e: &Expr) -> String {
    match e {
        Expr::Param(param) => match program.params.get(param.0 as usize) {
            Some(param) => format!("param {}", param.qualified_name()),
            None => "param ?".to_string(),
        },
        Expr::Const(Const::Null) => "null".to_string(),
        Expr::Const(Const::Bool(value)) => value.to_string(),
        Expr::Const(Const::Number(value)) => format!("{value}"),
        Expr::Const(Const::String(text)) => format!("{text:?}"),
        Expr::Local(local) => format!("l{}", local.0),
        Expr::List(items) => format!("[{}]", list(program, items)),
        Expr::Object(entries) => {
            let entries: Vec<String> = entries
                .iter()
                .map(|(key, value)| format!("k{}: {}", key.0, expr(program, value)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
        Expr::Field { base, key } => format!("{}.k{}", expr(program, base), key.0),
        Expr::Index { base, index } => format!("{}[{}]", expr(program, base), expr(program, index)),
        Expr::Not(inner) => format!("(not {})", expr(program, inner)),
        Expr::Neg(inner) => format!("(- {})", expr(program, inner)),
        Expr::And(left, right) => format!("({} and {})", expr(program, left), expr(program, right)),
        Expr::Or(left, right) => format!("({} or {})", expr(program, left), expr(program, right)),
        Expr::Compare { op, left, right } => {
            format!(
                "({} {} {})",
                expr(program, left),
                op.symbol(),
                expr(program, right)
            )
        }
        Expr::Arith { op, left, right } => {
            format!(
                "({} {} {})",
                expr(program, left),
                op.symbol(),
                expr(program, right)
            )
        }
        Expr::In { item, container } => {
            format!("({} in {})", expr(program, item), expr(program, container))
        }
        Expr::Matches { text, regex } => format!("({} matches r{})", expr(program, text), regex.0),
        Expr::Format(parts) => {
            let parts: Vec<String> = parts
                .iter()
                .map(|part| match part {
                    FormatPart::Text(text) => format!("{text:?}"),
                    FormatPart::Value(value) => format!("{{{}}}", expr(program, value)),
                })
                .collect();
            format!("format({})", parts.join(" "))
        }
        Expr::Quantifier {
            kind,
            local,
            source,
            body,
        } => format!(
            "({} l{} in {}: {})",
            kind.keyword(),
            local.0,
            expr(program, source),
            expr(program, body)
        ),
        Expr::Comprehension {
            local,
            source,
            filter,
            element,
        } => {
            let filter = filter
                .as_ref()
                .map(|filter| format!(" if {}", expr(program, filter)))
                .unwrap_or_default();
            format!(
                "[{} for l{} in {}{filter}]",
                expr(program, element),
                local.0,
                expr(program, source)
            )
        }
        Expr::Slice { base, start, end } => {
            let bound = |bound: &Option<Box<Expr>>| {
                bound
                    .as_ref()
                    .map(|bound| expr(program, bound))
                    .unwrap_or_default()
            };
            format!("{}[{}:{}]", expr(program, base), bound(start), bound(end))
        }
        Expr::Resources(types) => format!("resources({})", list(program, types)),
        Expr::Traverse {
            direction,
            resource,
            filter,
            via,
        } => {
            let name = match direction {
                Direction::Out => "refs",
                Direction::In => "referrers",
            };
            let mut args = vec![expr(program, resource)];
            if let Some(filter) = filter {
                args.push(expr(program, filter));
            }
            if let Some(via) = via {
                args.push(format!("via: {}", expr(program, via)));
            }
            format!("{name}({})", args.join(", "))
        }
        Expr::Call { function, args } => {
            let name = program.function(*function).map_or_else(
                || format!("f{}", function.0),
                |f| format!("f{}:{}", function.0, f.name),
            );
            format!("call {name}({})", list(program, args))
        }
        Expr::Builtin { builtin, args } => {
            format!(
                "{}({})",
                crate::builtins::info(*builtin).name,
                list(program, args)
            )
        }
    }
}
