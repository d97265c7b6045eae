//! Which resource types a name is bound to, as far as the source says.
//!
//! `for sg in resources("AWS::EC2::SecurityGroup")` binds `sg` to one
//! security group, and so do loops and quantifiers over such a list, `let`
//! bindings of it, `refs(x, "T")` and `referrers(x, "T")`. One walk over a
//! file records every `x.props.Name` whose `x` has known types, every field
//! access on a resource, and every resource type literal, for the schema
//! checks, completion and hover.

use ward_syntax::ast::{Block, Expr, ExprKind, Item, SourceFile, Span, Stmt, StringPart, TestStmt};

/// What a binding holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Holds {
    /// One resource of one of these types.
    Resource(Vec<String>),
    /// A list of resources of these types.
    Resources(Vec<String>),
    /// Anything else, or types the source does not fix.
    Unknown,
}

/// `x.props.Name` where `x` is a resource of known types.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PropertyUse {
    /// The property name's span.
    pub span: Span,
    /// The property name.
    pub name: String,
    /// The resource types `x` may have.
    pub types: Vec<String>,
}

/// `x.member` where `x` is a resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FieldUse {
    /// The member name's span.
    pub span: Span,
    /// The member name.
    pub name: String,
    /// The resource types `x` may have (empty when not known).
    pub types: Vec<String>,
}

/// A string literal naming a resource type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TypeLiteral {
    /// The literal with its quotes.
    pub span: Span,
    /// The text inside the quotes.
    pub value: String,
}

/// Everything the walk found in one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Facts {
    pub props: Vec<PropertyUse>,
    pub fields: Vec<FieldUse>,
    pub type_literals: Vec<TypeLiteral>,
    /// What each binder (by the span of its name) holds, when it is a
    /// resource or a list of resources.
    pub binders: Vec<(Span, Holds)>,
}

impl Facts {
    /// What the binder at `span` holds.
    pub fn binder(&self, span: Span) -> Option<&Holds> {
        self.binders
            .iter()
            .find(|(binder, _)| *binder == span)
            .map(|(_, holds)| holds)
    }
}

/// Walks a file.
pub(crate) fn facts(file: &SourceFile) -> Facts {
    let mut walker = Walker {
        facts: Facts::default(),
        scopes: Vec::new(),
    };
    for item in &file.items {
        match item {
            Item::Rule(rule) => {
                walker.scopes.push(Vec::new());
                walker.expr(&rule.source);
                let holds = element_of(walker.value(&rule.source));
                walker.bind(&rule.binding.name, rule.binding.span, holds);
                if let Some(guard) = &rule.guard {
                    walker.expr(guard);
                }
                walker.block(&rule.body);
                walker.scopes.pop();
            }
            Item::Fn(function) => {
                walker.scopes.push(Vec::new());
                for param in &function.params {
                    walker.bind(&param.name, param.span, Holds::Unknown);
                }
                walker.expr(&function.body);
                walker.scopes.pop();
            }
            Item::Test(test) => {
                for stmt in &test.body {
                    if let TestStmt::Input { value, .. } = stmt {
                        walker.test_input(value);
                    }
                }
            }
            Item::Error(_) => {}
        }
    }
    walker.facts
}

fn element_of(holds: Holds) -> Holds {
    match holds {
        Holds::Resources(types) => Holds::Resource(types),
        _ => Holds::Unknown,
    }
}

struct Walker {
    facts: Facts,
    scopes: Vec<Vec<(String, Holds)>>,
}

impl Walker {
    fn bind(&mut self, name: &str, span: Span, holds: Holds) {
        if holds != Holds::Unknown {
            self.facts.binders.push((span, holds.clone()));
        }
        if let Some(scope) = self.scopes.last_mut() {
            scope.push((name.to_string(), holds));
        }
    }

    fn lookup(&self, name: &str) -> Holds {
        for scope in self.scopes.iter().rev() {
            if let Some((_, holds)) = scope.iter().rev().find(|(bound, _)| bound == name) {
                return holds.clone();
            }
        }
        Holds::Unknown
    }

    fn block(&mut self, block: &Block) {
        self.scopes.push(Vec::new());
        for stmt in &block.stmts {
            match stmt {
                Stmt::Let { name, value, .. } => {
                    self.expr(value);
                    let holds = self.value(value);
                    self.bind(&name.name, name.span, holds);
                }
                Stmt::Check(check) => {
                    self.expr(&check.cond);
                    if let Some(message) = &check.message {
                        self.expr(message);
                    }
                    if let Some(at) = &check.at {
                        self.expr(at);
                    }
                }
                Stmt::When { cond, .. } => self.expr(cond),
                Stmt::For {
                    binding,
                    iter,
                    body,
                    ..
                } => {
                    self.expr(iter);
                    let holds = element_of(self.value(iter));
                    self.scopes.push(Vec::new());
                    self.bind(&binding.name, binding.span, holds);
                    self.block(body);
                    self.scopes.pop();
                }
                Stmt::Error(_) => {}
            }
        }
        self.scopes.pop();
    }

    /// What an expression evaluates to, as far as resource types go.
    fn value(&self, expr: &Expr) -> Holds {
        match &expr.kind {
            ExprKind::Name(name) => self.lookup(name),
            ExprKind::Call(callee, args) => {
                let ExprKind::Name(function) = &callee.kind else {
                    return Holds::Unknown;
                };
                let types: Option<Vec<String>> = match function.as_str() {
                    "resources" => args.iter().map(plain_string).collect(),
                    "refs" | "referrers" => args.get(1).and_then(plain_string).map(|t| vec![t]),
                    "as_list" => {
                        return args
                            .first()
                            .map(|arg| self.value(arg))
                            .unwrap_or(Holds::Unknown);
                    }
                    _ => None,
                };
                match types {
                    Some(types) if !types.is_empty() => Holds::Resources(types),
                    _ => Holds::Unknown,
                }
            }
            ExprKind::Index(base, _) => element_of(self.value(base)),
            _ => Holds::Unknown,
        }
    }

    fn expr(&mut self, expr: &Expr) {
        match &expr.kind {
            ExprKind::Field(base, member) => {
                self.expr(base);
                if let Holds::Resource(types) = self.value(base) {
                    self.facts.fields.push(FieldUse {
                        span: member.span,
                        name: member.name.clone(),
                        types,
                    });
                } else if let ExprKind::Field(inner, props) = &base.kind
                    && props.name == "props"
                    && let Holds::Resource(types) = self.value(inner)
                {
                    self.facts.props.push(PropertyUse {
                        span: member.span,
                        name: member.name.clone(),
                        types,
                    });
                }
            }
            ExprKind::Call(callee, args) => {
                self.expr(callee);
                for arg in args {
                    self.expr(arg);
                }
                if let ExprKind::Name(function) = &callee.kind {
                    let type_args: &[Expr] = match function.as_str() {
                        "resources" => args,
                        "refs" | "referrers" => args.get(1..2).unwrap_or(&[]),
                        _ => &[],
                    };
                    for arg in type_args {
                        self.type_literal(arg);
                    }
                }
            }
            ExprKind::Quantifier(quantifier) => {
                self.expr(&quantifier.source);
                let holds = element_of(self.value(&quantifier.source));
                self.scopes.push(Vec::new());
                self.bind(&quantifier.binding.name, quantifier.binding.span, holds);
                self.expr(&quantifier.body);
                self.scopes.pop();
            }
            ExprKind::List(items) => items.iter().for_each(|item| self.expr(item)),
            ExprKind::Object(fields) => fields.iter().for_each(|field| self.expr(&field.value)),
            ExprKind::Index(base, index) => {
                self.expr(base);
                self.expr(index);
            }
            ExprKind::Unary(_, operand) => self.expr(operand),
            ExprKind::Binary(_, left, right) => {
                self.expr(left);
                self.expr(right);
            }
            ExprKind::String(literal) => {
                for part in &literal.parts {
                    if let StringPart::Interpolation(inner) = part {
                        self.expr(inner);
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

    fn type_literal(&mut self, expr: &Expr) {
        if let ExprKind::String(literal) = &expr.kind
            && let Some(value) = literal.as_plain()
        {
            self.facts.type_literals.push(TypeLiteral {
                span: literal.span,
                value,
            });
        }
    }

    /// `Type: "AWS::..."` in the resources of a test input.
    fn test_input(&mut self, expr: &Expr) {
        match &expr.kind {
            ExprKind::Object(fields) => {
                for field in fields {
                    if field.key.name == "Type" {
                        self.type_literal(&field.value);
                    }
                    self.test_input(&field.value);
                }
            }
            ExprKind::List(items) => items.iter().for_each(|item| self.test_input(item)),
            _ => {}
        }
    }
}

fn plain_string(expr: &Expr) -> Option<String> {
    match &expr.kind {
        ExprKind::String(literal) => literal.as_plain(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts_of(text: &str) -> Facts {
        facts(&ward_syntax::parse(text).file)
    }

    #[test]
    fn rule_loop_quantifier_and_let_bindings() {
        let text = r#"
rule r for sg in resources("AWS::EC2::SecurityGroup") {
  let groups = resources("AWS::EC2::SecurityGroup")
  for g in groups { require g.props.GroupName != null }
  require all i in referrers(sg, "AWS::EC2::Instance"): i.props.ImageId != null
  require sg.props.VpcId != null and sg.id != ""
}
"#;
        let found = facts_of(text);
        let names: Vec<(&str, &str)> = found
            .props
            .iter()
            .map(|p| (p.name.as_str(), p.types[0].as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("GroupName", "AWS::EC2::SecurityGroup"),
                ("ImageId", "AWS::EC2::Instance"),
                ("VpcId", "AWS::EC2::SecurityGroup"),
            ]
        );
        let literals: Vec<&str> = found
            .type_literals
            .iter()
            .map(|t| t.value.as_str())
            .collect();
        assert_eq!(
            literals,
            [
                "AWS::EC2::SecurityGroup",
                "AWS::EC2::SecurityGroup",
                "AWS::EC2::Instance"
            ]
        );
        // `props` and `id` are fields of resources.
        assert_eq!(found.fields.len(), 4);
    }

    #[test]
    fn unknown_sources_give_nothing() {
        let found =
            facts_of("fn f(x) = x.props.Anything\nrule r for b in refs(b) { require b.props.X }");
        assert!(found.props.is_empty());
    }
}
