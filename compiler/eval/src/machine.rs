//! The interpreter: runs rules on one document.

use std::collections::HashSet;
use std::sync::Arc;

use ward_abi::{Finding, Outcome};
use ward_compiler::ir::{
    Check, Const, Direction, Expr, FormatPart, LocalId, Program, Rule, Stmt, WhenScope,
};
use ward_compiler::regex::CompiledRegex;
use ward_model::{Document, EdgeKind, PathSegment, Pos, ResourcePart};
use ward_syntax::ast::{CheckKind, QuantifierKind};

use crate::builtins;
use crate::ops::{self, Budget, Halt, Iteration, Res};
use crate::value::{Part, PathNode, Truth, Value, View};

/// How deep expressions and calls may nest while evaluating.
pub(crate) const MAX_DEPTH: u32 = 400;

type Frame<'d> = Vec<Value<'d>>;

/// Where a finding points.
struct Location {
    pos: Pos,
    path: String,
    /// The resource the located value belongs to, if any.
    resource: Option<usize>,
}

/// A failure or unknown result recorded while running a rule on a resource.
struct Record {
    message: String,
    location: Location,
}

/// The results of one rule on one resource so far.
#[derive(Default)]
struct Run {
    failures: Vec<Record>,
    unknowns: Vec<Record>,
    skipped: bool,
    /// Whether a check has run: a false `when` in the rule body after one
    /// ends the body instead of skipping the resource.
    checked: bool,
}

/// What running one rule produced.
pub(crate) struct RuleOutput {
    /// Resource index and outcome, in iteration order.
    pub(crate) outcomes: Vec<(Option<usize>, Outcome)>,
    /// Findings in order.
    pub(crate) findings: Vec<Finding>,
    /// Why the rule stopped early.
    pub(crate) error: Option<Halt>,
}

pub(crate) struct Machine<'p, 'd> {
    program: &'p Program,
    document: &'d Document,
    /// The document's file name, shared by its findings.
    file: &'p Arc<str>,
    regexes: &'p [Option<CompiledRegex>],
    budget: Budget,
    depth: u32,
    /// The value of every parameter, by [`ward_compiler::ir::ParamId`].
    pub(crate) params: &'p [serde_json::Value],
}

impl<'p, 'd> Machine<'p, 'd> {
    pub(crate) fn new(
        program: &'p Program,
        document: &'d Document,
        regexes: &'p [Option<CompiledRegex>],
        max_steps: u64,
        file: &'p Arc<str>,
    ) -> Machine<'p, 'd> {
        Machine {
            program,
            document,
            file,
            regexes,
            budget: Budget {
                used: 0,
                max: max_steps,
            },
            depth: 0,
            params: &[],
        }
    }

    /// Runs a rule on every resource its source yields; its findings carry
    /// `id`.
    pub(crate) fn run_rule(&mut self, rule: &Rule, id: &Arc<str>) -> RuleOutput {
        let mut output = RuleOutput {
            outcomes: Vec::new(),
            findings: Vec::new(),
            error: None,
        };
        if let Err(halt) = self.run_rule_inner(rule, id, &mut output) {
            output.error = Some(halt);
        }
        output
    }

    fn run_rule_inner(&mut self, rule: &Rule, id: &Arc<str>, output: &mut RuleOutput) -> Res<()> {
        let locals = rule.locals as usize;
        let mut frame: Frame<'d> = vec![Value::Null; locals];
        let (Some(source), Some(binding)) = (&rule.source, rule.binding) else {
            // A rule without a `for` clause runs once, on the input.
            let mut run = Run::default();
            self.run_resource(rule, None, &mut frame, &mut run)?;
            let outcome = self.conclude(rule, id, None, run, output);
            output.outcomes.push((None, outcome));
            return Ok(());
        };
        let source = self.eval(source, &mut frame)?;
        let items = match ops::iterate(&source, &mut self.budget)? {
            Iteration::Items(items) => items,
            // A rule's source is built from type names, so it is never
            // unknown; should it be, there is nothing to iterate.
            Iteration::Unknown(_) => Vec::new(),
        };
        for item in items {
            let View::Resource(resource) = item.view() else {
                continue;
            };
            let mut frame: Frame<'d> = vec![Value::Null; locals];
            set(&mut frame, binding, item.clone());
            let mut run = Run::default();
            self.run_resource(rule, Some(resource), &mut frame, &mut run)?;
            let outcome = self.conclude(rule, id, Some(resource), run, output);
            output.outcomes.push((Some(resource), outcome));
        }
        Ok(())
    }

    /// The outcome of a run, its findings appended to `output`. A finding
    /// of a rule that runs once per input names the resource its value
    /// belongs to, if any.
    fn conclude(
        &self,
        rule: &Rule,
        id: &Arc<str>,
        resource: Option<usize>,
        run: Run,
        output: &mut RuleOutput,
    ) -> Outcome {
        let outcome = if !run.failures.is_empty() {
            Outcome::Fail
        } else if !run.unknowns.is_empty() {
            Outcome::Unknown
        } else if run.skipped {
            Outcome::Skip
        } else {
            Outcome::Pass
        };
        let records = match outcome {
            Outcome::Fail => run.failures,
            Outcome::Unknown => run.unknowns,
            Outcome::Pass | Outcome::Skip => Vec::new(),
        };
        for record in records {
            let (resource_id, resource_type) =
                self.resource_names(resource.or(record.location.resource));
            output.findings.push(Finding {
                rule: id.clone(),
                severity: rule.info.severity,
                outcome,
                resource: resource_id,
                resource_type,
                path: record.location.path,
                message: cut_message(record.message),
                file: self.file.clone(),
                line: record.location.pos.line,
                column: record.location.pos.column,
            });
        }
        outcome
    }

    fn run_resource(
        &mut self,
        rule: &Rule,
        resource: Option<usize>,
        frame: &mut Frame<'d>,
        run: &mut Run,
    ) -> Res<()> {
        if let Some(guard) = &rule.guard {
            let value = self.eval(guard, frame)?;
            match Truth::of(&value) {
                Truth::True => {}
                Truth::False => {
                    run.skipped = true;
                    return Ok(());
                }
                Truth::Unknown(unknown) => {
                    self.record_unknown(rule, resource, &unknown, run);
                    return Ok(());
                }
            }
        }
        self.exec_block(rule, resource, &rule.body, frame, run)
    }

    fn exec_block(
        &mut self,
        rule: &Rule,
        resource: Option<usize>,
        stmts: &[Stmt],
        frame: &mut Frame<'d>,
        run: &mut Run,
    ) -> Res<()> {
        for stmt in stmts {
            self.budget.charge(1)?;
            match stmt {
                Stmt::Let { local, value } => {
                    let value = self.eval(value, frame)?;
                    set(frame, *local, value);
                }
                Stmt::Check(check) => self.exec_check(rule, resource, check, frame, run)?,
                Stmt::When { cond, scope, .. } => {
                    let value = self.eval(cond, frame)?;
                    match Truth::of(&value) {
                        Truth::True => {}
                        Truth::False => {
                            // Checks that already ran decide the outcome.
                            if *scope == WhenScope::Rule && !run.checked {
                                run.skipped = true;
                            }
                            return Ok(());
                        }
                        Truth::Unknown(unknown) => {
                            self.record_unknown(rule, resource, &unknown, run);
                            return Ok(());
                        }
                    }
                }
                Stmt::For {
                    local, iter, body, ..
                } => {
                    let value = self.eval(iter, frame)?;
                    match ops::iterate(&value, &mut self.budget)? {
                        Iteration::Unknown(unknown) => {
                            self.record_unknown(rule, resource, &unknown, run)
                        }
                        Iteration::Items(items) => {
                            for item in items {
                                self.budget.charge(1)?;
                                set(frame, *local, item);
                                self.exec_block(rule, resource, body, frame, run)?;
                            }
                        }
                    }
                }
                Stmt::If {
                    cond,
                    then,
                    otherwise,
                    ..
                } => {
                    let value = self.eval(cond, frame)?;
                    match Truth::of(&value) {
                        Truth::True => self.exec_block(rule, resource, then, frame, run)?,
                        Truth::False => self.exec_block(rule, resource, otherwise, frame, run)?,
                        // Neither branch runs: what they would decide is
                        // not known.
                        Truth::Unknown(unknown) => {
                            self.record_unknown(rule, resource, &unknown, run)
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn exec_check(
        &mut self,
        rule: &Rule,
        resource: Option<usize>,
        check: &Check,
        frame: &mut Frame<'d>,
        run: &mut Run,
    ) -> Res<()> {
        run.checked = true;
        let value = self.eval(&check.cond, frame)?;
        let failed = match (check.kind, Truth::of(&value)) {
            (_, Truth::Unknown(unknown)) => {
                self.record_unknown(rule, resource, &unknown, run);
                return Ok(());
            }
            (CheckKind::Require, truth) => !matches!(truth, Truth::True),
            (CheckKind::Deny, truth) => matches!(truth, Truth::True),
        };
        if !failed {
            return Ok(());
        }
        let rendered = match &check.message {
            Some(message) => {
                let value = self.eval(message, frame)?;
                ops::render(self.document, &value, &mut self.budget)?
            }
            None => String::new(),
        };
        // A message that renders empty is no message: a module's finding
        // record cannot tell the two apart (docs/abi.md, section 3.3).
        let message = if rendered.is_empty() {
            format!(
                "`{}` failed for `{}`",
                rule.info.id,
                self.resource_id(resource)
            )
        } else {
            rendered
        };
        let location = match &check.at {
            Some(at) => {
                let value = self.eval(at, frame)?;
                self.locate(&value)
            }
            None => None,
        };
        let location = location.unwrap_or_else(|| self.resource_location(resource));
        run.failures.push(Record { message, location });
        Ok(())
    }

    fn record_unknown(
        &self,
        rule: &Rule,
        resource: Option<usize>,
        unknown: &Value<'d>,
        run: &mut Run,
    ) {
        let message = format!(
            "`{}` is unknown for `{}`: {}",
            rule.info.id,
            self.resource_id(resource),
            unknown.unknown_reason()
        );
        let location = self
            .locate(unknown)
            .unwrap_or_else(|| self.resource_location(resource));
        run.unknowns.push(Record { message, location });
    }

    /// The id and type of a resource, shared by its findings; empty for
    /// none.
    fn resource_names(&self, resource: Option<usize>) -> (Arc<str>, Arc<str>) {
        match resource.and_then(|resource| self.document.resources.get(resource)) {
            Some(resource) => (
                Arc::from(resource.id.as_str()),
                Arc::from(resource.resource_type.as_str()),
            ),
            None => (Arc::from(""), Arc::from("")),
        }
    }

    /// A resource's id for messages; `input` for a rule that runs once per
    /// input.
    fn resource_id(&self, resource: Option<usize>) -> &'d str {
        let Some(resource) = resource else {
            return INPUT_NAME;
        };
        self.document
            .resources
            .get(resource)
            .map_or("", |resource| resource.id.as_str())
    }

    /// Where a resource stands; the document's root for none.
    fn resource_location(&self, resource: Option<usize>) -> Location {
        let Some(resource) = resource else {
            return Location {
                pos: self.document.root.pos,
                path: "$".to_string(),
                resource: None,
            };
        };
        let pos = self
            .document
            .resources
            .get(resource)
            .map_or(Pos::START, |found| found.pos);
        Location {
            pos,
            path: self
                .document
                .value_path(resource, ResourcePart::Resource, &[]),
            resource: Some(resource),
        }
    }

    /// Where a value stands in the input, if it is an input value or a
    /// resource.
    fn locate(&self, value: &Value<'d>) -> Option<Location> {
        match value {
            Value::Input(node, path) => Some(Location {
                pos: node.pos,
                path: self.render_input_path(path),
                resource: Some(path_resource(path)),
            }),
            Value::Resource(resource) => Some(self.resource_location(Some(*resource))),
            _ => None,
        }
    }

    fn render_input_path(&self, path: &PathNode) -> String {
        let mut segments = Vec::new();
        let mut node = path;
        let (resource, part) = loop {
            match node {
                PathNode::Root { resource, part } => break (*resource, *part),
                PathNode::Key(parent, key) => {
                    segments.push(PathSegment::Key(key.clone()));
                    node = parent;
                }
                PathNode::Index(parent, index) => {
                    segments.push(PathSegment::Index(*index));
                    node = parent;
                }
            }
        };
        segments.reverse();
        let part = match part {
            Part::Props => ResourcePart::Props,
            Part::Tags => ResourcePart::Tags,
            Part::Metadata => ResourcePart::Metadata,
        };
        self.document.value_path(resource, part, &segments)
    }

    fn eval(&mut self, expr: &Expr, frame: &mut Frame<'d>) -> Res<Value<'d>> {
        self.budget.charge(1)?;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.depth -= 1;
            return Err(Halt::Depth);
        }
        let result = self.eval_inner(expr, frame);
        self.depth -= 1;
        result
    }

    fn eval_inner(&mut self, expr: &Expr, frame: &mut Frame<'d>) -> Res<Value<'d>> {
        let value = match expr {
            Expr::Const(constant) => match constant {
                Const::Null => Value::Null,
                Const::Bool(flag) => Value::Bool(*flag),
                Const::Number(number) => Value::Number(*number),
                Const::String(text) => Value::Str(text.clone()),
            },
            Expr::Local(local) => frame.get(local.0 as usize).cloned().unwrap_or(Value::Null),
            Expr::Param(param) => self
                .params
                .get(param.0 as usize)
                .map_or(Value::Null, Value::from_json),
            Expr::List(items) => {
                let mut values = Vec::with_capacity(items.len());
                for item in items {
                    values.push(self.eval(item, frame)?);
                }
                self.budget.charge_size(values.len())?;
                Value::list(values)
            }
            Expr::Object(entries) => {
                let mut values: Vec<(Arc<str>, Value<'d>)> = Vec::with_capacity(entries.len());
                for (key, value) in entries {
                    let value = self.eval(value, frame)?;
                    values.push((Arc::from(self.program.key(*key)), value));
                }
                self.budget.charge_size(values.len())?;
                Value::Object(values.into())
            }
            Expr::Field { base, key } => {
                let base = self.eval(base, frame)?;
                ops::field(self.document, &base, self.program.key(*key))
            }
            Expr::Index { base, index } => {
                let base = self.eval(base, frame)?;
                let index = self.eval(index, frame)?;
                ops::index(&base, &index)
            }
            Expr::Not(inner) => {
                let value = self.eval(inner, frame)?;
                Truth::of(&value).not().into_value()
            }
            Expr::And(left, right) => {
                let left = Truth::of(&self.eval(left, frame)?);
                if matches!(left, Truth::False) {
                    return Ok(Value::Bool(false));
                }
                let right = Truth::of(&self.eval(right, frame)?);
                match (left, right) {
                    (_, Truth::False) => Value::Bool(false),
                    (Truth::Unknown(unknown), _) | (_, Truth::Unknown(unknown)) => unknown,
                    _ => Value::Bool(true),
                }
            }
            Expr::Or(left, right) => {
                let left = Truth::of(&self.eval(left, frame)?);
                if matches!(left, Truth::True) {
                    return Ok(Value::Bool(true));
                }
                let right = Truth::of(&self.eval(right, frame)?);
                match (left, right) {
                    (_, Truth::True) => Value::Bool(true),
                    (Truth::Unknown(unknown), _) | (_, Truth::Unknown(unknown)) => unknown,
                    _ => Value::Bool(false),
                }
            }
            Expr::Compare { op, left, right } => {
                let left = self.eval(left, frame)?;
                let right = self.eval(right, frame)?;
                ops::compare(*op, &left, &right, &mut self.budget)?.into_value()
            }
            Expr::Arith { op, left, right } => {
                let left = self.eval(left, frame)?;
                let right = self.eval(right, frame)?;
                ops::arith(*op, &left, &right, &mut self.budget)?
            }
            Expr::Neg(inner) => {
                let value = self.eval(inner, frame)?;
                ops::negate(&value)
            }
            Expr::In { item, container } => {
                let item = self.eval(item, frame)?;
                let container = self.eval(container, frame)?;
                ops::contains(&item, &container, &mut self.budget)?.into_value()
            }
            Expr::Matches { text, regex } => {
                let text = self.eval(text, frame)?;
                match text.view() {
                    View::Str(subject) => {
                        self.budget.charge_size(subject.len())?;
                        let matched = self
                            .regexes
                            .get(regex.0 as usize)
                            .and_then(Option::as_ref)
                            .is_some_and(|compiled| compiled.is_match(subject));
                        Value::Bool(matched)
                    }
                    // Text with unknown parts: its known prefix and suffix
                    // may decide.
                    View::Unknown(_) => match text.text_parts() {
                        Some((prefix, suffix)) => {
                            self.budget.charge_size(prefix.len() + suffix.len())?;
                            let decided = self
                                .regexes
                                .get(regex.0 as usize)
                                .and_then(Option::as_ref)
                                .and_then(|compiled| {
                                    compiled.decide_partial(prefix.as_bytes(), suffix.as_bytes())
                                });
                            decided.map_or_else(|| text.clone(), Value::Bool)
                        }
                        None => text.clone(),
                    },
                    _ => Value::Bool(false),
                }
            }
            Expr::Format(parts) => {
                let mut out = String::new();
                for part in parts {
                    match part {
                        FormatPart::Text(text) => out.push_str(text),
                        FormatPart::Value(value) => {
                            let value = self.eval(value, frame)?;
                            out.push_str(&ops::render(self.document, &value, &mut self.budget)?);
                        }
                    }
                }
                self.budget.charge_size(out.len())?;
                Value::Str(Arc::from(out))
            }
            Expr::Quantifier {
                kind,
                local,
                source,
                body,
            } => {
                let source = self.eval(source, frame)?;
                let items = match ops::iterate(&source, &mut self.budget)? {
                    Iteration::Unknown(unknown) => return Ok(unknown),
                    Iteration::Items(items) => items,
                };
                let mut unknown = None;
                for item in items {
                    self.budget.charge(1)?;
                    set(frame, *local, item);
                    let truth = Truth::of(&self.eval(body, frame)?);
                    match (kind, truth) {
                        (QuantifierKind::All, Truth::False) => return Ok(Value::Bool(false)),
                        (QuantifierKind::Any, Truth::True) => return Ok(Value::Bool(true)),
                        (QuantifierKind::None, Truth::True) => return Ok(Value::Bool(false)),
                        (_, Truth::Unknown(value)) => {
                            unknown.get_or_insert(value);
                        }
                        _ => {}
                    }
                }
                match unknown {
                    Some(unknown) => unknown,
                    None => Value::Bool(!matches!(kind, QuantifierKind::Any)),
                }
            }
            Expr::Comprehension {
                local,
                source,
                filter,
                element,
            } => {
                let source = self.eval(source, frame)?;
                let items = match ops::iterate(&source, &mut self.budget)? {
                    Iteration::Unknown(unknown) => return Ok(unknown),
                    Iteration::Items(items) => items,
                };
                let mut kept = Vec::with_capacity(items.len());
                for item in items {
                    self.budget.charge(1)?;
                    set(frame, *local, item);
                    if let Some(filter) = filter {
                        match Truth::of(&self.eval(filter, frame)?) {
                            Truth::True => {}
                            Truth::False => continue,
                            // Whether the item belongs in the list is not
                            // known, so neither is the list.
                            Truth::Unknown(unknown) => return Ok(unknown),
                        }
                    }
                    kept.push(self.eval(element, frame)?);
                }
                self.budget.charge_size(kept.len())?;
                Value::list(kept)
            }
            Expr::Slice { base, start, end } => {
                let base = self.eval(base, frame)?;
                let start = match start {
                    Some(bound) => self.eval(bound, frame)?,
                    None => Value::Null,
                };
                let end = match end {
                    Some(bound) => self.eval(bound, frame)?,
                    None => Value::Null,
                };
                ops::slice(&base, &start, &end, &mut self.budget)?
            }
            Expr::Resources(types) => {
                let mut patterns: Vec<Arc<str>> = Vec::new();
                for pattern in types {
                    let value = self.eval(pattern, frame)?;
                    match value.view() {
                        View::Str(text) => patterns.push(Arc::from(text)),
                        View::Unknown(_) => return Ok(value.clone()),
                        _ => {}
                    }
                }
                let found: Vec<Value<'d>> = self
                    .document
                    .resources
                    .iter()
                    .enumerate()
                    .filter(|(_, resource)| {
                        patterns
                            .iter()
                            .any(|pattern| ops::type_matches(pattern, &resource.resource_type))
                    })
                    .map(|(index, _)| Value::Resource(index))
                    .collect();
                self.budget.charge_size(self.document.resources.len())?;
                Value::list(found)
            }
            Expr::Traverse {
                direction,
                resource,
                filter,
                via,
            } => {
                let resource = self.eval(resource, frame)?;
                let filter = match filter {
                    Some(filter) => Some(self.eval(filter, frame)?),
                    None => None,
                };
                let via = match via {
                    Some(via) => Some(self.eval(via, frame)?),
                    None => None,
                };
                if resource.is_unknown() {
                    return Ok(resource);
                }
                if let Some(filter) = filter.as_ref().filter(|filter| filter.is_unknown()) {
                    return Ok(filter.clone());
                }
                if let Some(via) = via.as_ref().filter(|via| via.is_unknown()) {
                    return Ok(via.clone());
                }
                let View::Resource(start) = resource.view() else {
                    return Ok(Value::list(Vec::new()));
                };
                let pattern: Option<Option<&str>> =
                    filter.as_ref().map(|filter| match filter.view() {
                        View::Str(text) => Some(text),
                        _ => None,
                    });
                // Without `via`, `DependsOn` is not a reference; with it,
                // only references written at that path (or below) count.
                let via: Option<Option<&str>> = via.as_ref().map(|via| match via.view() {
                    View::Str(text) => Some(text),
                    _ => None,
                });
                let keep_edge = |edge: &ward_model::Edge| match via {
                    None => edge.kind != EdgeKind::DependsOn,
                    Some(None) => false,
                    Some(Some(via)) => ward_model::via_matches(&edge.via(), via),
                };
                // Each other resource once, in the order of its first edge,
                // kept when some edge to it is kept.
                let edges: Vec<(usize, bool)> = match direction {
                    Direction::Out => self
                        .document
                        .outgoing(start)
                        .map(|edge| (edge.to, keep_edge(edge)))
                        .collect(),
                    Direction::In => self
                        .document
                        .incoming(start)
                        .map(|edge| (edge.from, keep_edge(edge)))
                        .collect(),
                };
                self.budget.charge_size(edges.len())?;
                let kept: HashSet<usize> = edges
                    .iter()
                    .filter(|(_, keep)| *keep)
                    .map(|(end, _)| *end)
                    .collect();
                let mut seen = HashSet::new();
                let mut found = Vec::new();
                for (end, _) in edges {
                    if !seen.insert(end) || !kept.contains(&end) {
                        continue;
                    }
                    let Some(other) = self.document.resources.get(end) else {
                        continue;
                    };
                    let keep = match pattern {
                        None => true,
                        Some(None) => false,
                        Some(Some(pattern)) => ops::type_matches(pattern, &other.resource_type),
                    };
                    if keep {
                        found.push(Value::Resource(end));
                    }
                }
                Value::list(found)
            }
            Expr::Call { function, args } => {
                let mut values = Vec::with_capacity(args.len());
                for arg in args {
                    values.push(self.eval(arg, frame)?);
                }
                let Some(function) = self.program.function(*function) else {
                    return Ok(Value::Null);
                };
                let mut callee: Frame<'d> = vec![Value::Null; function.locals as usize];
                for (slot, value) in callee.iter_mut().zip(values).take(function.params as usize) {
                    *slot = value;
                }
                self.eval(&function.body, &mut callee)?
            }
            Expr::Builtin { builtin, args } => {
                let mut values = Vec::with_capacity(args.len());
                for arg in args {
                    values.push(self.eval(arg, frame)?);
                }
                builtins::apply(self.document, *builtin, &values, &mut self.budget)?
            }
        };
        Ok(value)
    }
}

/// What messages call the input a rule without a `for` clause runs on.
const INPUT_NAME: &str = "input";

/// The resource an input path starts at.
fn path_resource(path: &PathNode) -> usize {
    let mut node = path;
    loop {
        match node {
            PathNode::Root { resource, .. } => return *resource,
            PathNode::Key(parent, _) | PathNode::Index(parent, _) => node = parent,
        }
    }
}

fn set<'d>(frame: &mut Frame<'d>, local: LocalId, value: Value<'d>) {
    if let Some(slot) = frame.get_mut(local.0 as usize) {
        *slot = value;
    }
}

/// The longest message a finding carries, in bytes: a module's host reads
/// at most this much of each message (`docs/abi.md`, section 3.3), and the
/// reference evaluator reports what a host reports.
const MAX_MESSAGE_BYTES: usize = 16 * 1024;

/// Cuts a message longer than [`MAX_MESSAGE_BYTES`] at a character boundary
/// and marks the cut with `…`, as hosts do.
fn cut_message(mut message: String) -> String {
    if message.len() > MAX_MESSAGE_BYTES {
        let mut cut = MAX_MESSAGE_BYTES;
        while cut > 0 && !message.is_char_boundary(cut) {
            cut -= 1;
        }
        message.truncate(cut);
        message.push('…');
    }
    message
}
