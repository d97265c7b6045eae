//! Judging the inputs being edited: CloudFormation templates, Terraform
//! plans and AWS Config items opened in the editor are loaded from the
//! unsaved text and judged by the workspace's policies, as `ward check`
//! judges them.
//!
//! The policies are the workspace's own `.ward` files with the standard
//! library beside them as policies (unless the workspace is the standard
//! library's own sources): the [`AnalysisHost`](super::AnalysisHost) keeps
//! that set as a second workspace of the same database, so a policy edit
//! recompiles only what changed, and a keystroke in a template recompiles
//! nothing. The reference evaluator judges the input; the report library
//! gathers its report, applies the template's suppressions
//! (`Metadata.ward.suppress`) and lists every rule's outcome on every
//! resource for hover.
//!
//! An evaluation can be abandoned: `stale` is asked between rules, and a
//! newer edit of the same input makes it true.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use ward_abi::{Outcome, RuleMeta, Severity};
use ward_compiler::ir::Program;
use ward_compiler::{Compiler, PropertyFix};
use ward_eval::{Evaluator, Limits};
use ward_model::{Document, InputKind, LoadOptions, Node, Value};
use ward_report::{PairOutcome, Run, Suppressions};

use super::TextEdit;
use ward_syntax::ast::Span;
use ward_syntax::{LineCol, LineIndex};

/// What judging an input's text gave.
#[derive(Clone, Debug, Default)]
pub struct Judgement {
    /// Whether the text is an input Ward judges. A file that is none (a
    /// YAML file of another tool, plain JSON data) gets no diagnostics.
    pub is_input: bool,
    /// The format, as `r.format` names it (`cloudformation`, `terraform`,
    /// `config`), when the text loaded.
    pub format: Option<&'static str>,
    /// What to show in the input, in text order.
    pub diagnostics: Vec<InputDiagnostic>,
    /// Every resource with the rules that judged it.
    pub resources: Vec<ResourceVerdicts>,
}

/// One thing to show in an input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputDiagnostic {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// What it is.
    pub kind: InputDiagnosticKind,
    /// The rule's id, for findings.
    pub code: Option<String>,
    /// The message.
    pub message: String,
    /// The resource (logical id, address or ARN), for findings.
    pub resource: Option<String>,
    /// The rule, for findings: where it is written and its documentation.
    pub rule: Option<Arc<RuleMeta>>,
    /// The fix the rule declares (`@fix`), for its failing findings.
    pub fix: Option<PropertyFix>,
}

/// What an [`InputDiagnostic`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputDiagnosticKind {
    /// A rule failed on the value.
    Fail(Severity),
    /// A rule could not tell from the input; the message says why.
    Unknown(Severity),
    /// The text does not load (syntax, or not the shape of its format).
    LoadError,
    /// A malformed suppression in the template.
    Suppression,
    /// The policies cannot judge: they have errors, or a rule stopped.
    Policy,
}

/// The rules that judged one resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceVerdicts {
    /// The logical id, address or ARN.
    pub id: String,
    /// The resource type.
    pub resource_type: String,
    /// Where the resource is defined (1-based line and column).
    pub line: u32,
    /// Its column.
    pub column: u32,
    /// Each rule's outcome on it, in the policies' order.
    pub outcomes: Vec<Verdict>,
}

/// One rule's outcome on one resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// The rule's id.
    pub rule: String,
    /// The rule's title.
    pub title: String,
    /// `pass`, `fail`, `skip`, `unknown` or `suppressed`.
    pub outcome: String,
}

/// How many files with errors the policy diagnostic names.
const SHOWN_FILES: usize = 3;

/// Whether a text that does not load is still meant as an input: it names
/// a key only templates, plans or Config items have. Files of other tools
/// that happen to be broken stay quiet.
fn mentions_input(text: &str) -> bool {
    [
        "AWSTemplateFormatVersion",
        "Resources",
        "planned_values",
        "resource_changes",
        "configurationItemCaptureTime",
        "resourceType",
    ]
    .iter()
    .any(|key| text.contains(key))
}

/// The format of a loaded document, as `r.format` names it; `None` for
/// plain data, which is not an input.
fn format_of(document: &Document) -> Option<&'static str> {
    match document.kind {
        InputKind::Json => None,
        kind => Some(kind.format()),
    }
}

/// Loads an input's text.
///
/// # Errors
///
/// The located load error.
pub(crate) fn load(name: &str, text: &str) -> Result<Document, ward_model::LoadError> {
    ward_model::load(name, text.as_bytes(), &LoadOptions::default())
}

/// The policies that judge inputs, compiled: taken from a snapshot once
/// per policy revision, then used without the database, so that a long
/// judgement never holds up a policy edit.
#[derive(Clone, Debug)]
pub struct Policies {
    /// The program, or why there is none (the files with errors).
    program: Result<Arc<Program>, String>,
    /// Each rule's metadata, in program order.
    rules: Arc<Vec<RuleMeta>>,
    /// The fixes rules declare (`@fix`), by rule id.
    fixes: Arc<HashMap<String, PropertyFix>>,
    /// The program compiled to WebAssembly and loaded, once
    /// [`Policies::compile`] has run; until then the reference evaluator
    /// judges (both give the same reports: the differential test holds
    /// them to it).
    module: Arc<OnceLock<Option<Arc<ward_runtime::Policy>>>>,
}

impl Policies {
    /// How many rules judge.
    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }

    /// Compiles the program to WebAssembly and loads it in `engine` (from
    /// the engine's module cache when it was compiled before), so that
    /// later judgements run the compiled rules, several times faster than
    /// the reference evaluator. Does nothing when already done; a failure
    /// leaves the reference evaluator in charge.
    pub fn compile(&self, engine: &ward_runtime::Engine) {
        let Ok(program) = &self.program else {
            return;
        };
        self.module.get_or_init(|| {
            let wasm = ward_codegen::compile(program).ok()?;
            ward_runtime::Policy::load(engine, &wasm).ok().map(Arc::new)
        });
    }

    /// Whether the compiled module judges.
    pub fn is_compiled(&self) -> bool {
        self.module.get().is_some_and(Option::is_some)
    }
}

/// Compiles the policies of `compiler` (the judging workspace).
pub(crate) fn policies(compiler: &Compiler) -> Policies {
    let db = &compiler.db;
    let Some(program) = ward_compiler::ir::program(db, compiler.workspace).clone() else {
        let with_errors: Vec<String> = compiler
            .files()
            .into_iter()
            .filter(|file| compiler.analyze(*file).has_errors())
            .map(|file| file.path(db).clone())
            .collect();
        let mut message = format!(
            "the policies have errors in {} file{}, so this input is not judged until they compile",
            with_errors.len(),
            if with_errors.len() == 1 { "" } else { "s" }
        );
        for path in with_errors.iter().take(SHOWN_FILES) {
            message.push_str(&format!("\n  {path}"));
        }
        return Policies {
            program: Err(message),
            rules: Arc::default(),
            fixes: Arc::default(),
            module: Arc::default(),
        };
    };
    let rules = program.rules.iter().map(ward_codegen::rule_meta).collect();
    let fixes = program
        .rules
        .iter()
        .filter_map(|rule| Some((rule.info.id.clone(), rule.info.fix.clone()?)))
        .collect();
    Policies {
        program: Ok(program),
        rules: Arc::new(rules),
        fixes: Arc::new(fixes),
        module: Arc::default(),
    }
}

/// Judges an input's text with `policies`. `stale` is asked between
/// rules; when it turns true the judgement is abandoned and `None`
/// returned.
pub fn judge(
    policies: &Policies,
    name: &str,
    text: &str,
    stale: &(dyn Fn() -> bool + Sync),
) -> Option<Judgement> {
    let document = match load(name, text) {
        Ok(document) => document,
        Err(error) => {
            if !mentions_input(text) {
                return Some(Judgement::default());
            }
            return Some(Judgement {
                is_input: true,
                format: None,
                diagnostics: vec![InputDiagnostic {
                    line: error.line.max(1),
                    column: error.column.max(1),
                    kind: InputDiagnosticKind::LoadError,
                    code: None,
                    message: error.message.clone(),
                    resource: None,
                    rule: None,
                    fix: None,
                }],
                resources: Vec::new(),
            });
        }
    };
    let Some(format) = format_of(&document) else {
        return Some(Judgement::default());
    };
    let mut judgement = Judgement {
        is_input: true,
        format: Some(format),
        ..Judgement::default()
    };
    let program = match &policies.program {
        Ok(program) => program,
        Err(message) => {
            judgement.diagnostics.push(InputDiagnostic {
                line: 1,
                column: 1,
                kind: InputDiagnosticKind::Policy,
                code: None,
                message: message.clone(),
                resource: None,
                rule: None,
                fix: None,
            });
            return Some(judgement);
        }
    };
    let rules = &policies.rules;
    let (suppressions, malformed) = Suppressions::from_documents([&document]);
    let (report, document) = match policies.module.get().and_then(Option::as_ref) {
        Some(module) => {
            let input = ward_runtime::Input::new(document);
            let report = evaluate_compiled(module, &input, stale)?;
            (report, input.into_document())
        }
        None => {
            let evaluator = Evaluator::new(program);
            let report = evaluate(&evaluator, program, &document, stale)?;
            (report, document)
        }
    };
    let mut run = Run::new(rules);
    run.keep_passes(true);
    run.add(&document, report);
    let mut run = run.finish();
    run.apply(&suppressions);

    let by_id: HashMap<&str, Arc<RuleMeta>> = rules
        .iter()
        .map(|rule| (rule.id.as_str(), Arc::new(rule.clone())))
        .collect();
    for finding in &run.findings {
        let kind = match finding.outcome {
            Outcome::Unknown => InputDiagnosticKind::Unknown(finding.severity),
            _ => InputDiagnosticKind::Fail(finding.severity),
        };
        judgement.diagnostics.push(InputDiagnostic {
            line: finding.line.max(1),
            column: finding.column.max(1),
            kind,
            code: Some(finding.rule.to_string()),
            message: finding.message.clone(),
            resource: (!finding.resource.is_empty()).then(|| finding.resource.to_string()),
            rule: by_id.get(&*finding.rule).cloned(),
            fix: match finding.outcome {
                Outcome::Fail => policies.fixes.get(&*finding.rule).cloned(),
                _ => None,
            },
        });
    }
    for error in malformed {
        judgement.diagnostics.push(InputDiagnostic {
            line: error.line.max(1),
            column: error.column.max(1),
            kind: InputDiagnosticKind::Suppression,
            code: None,
            message: error.message,
            resource: None,
            rule: None,
            fix: None,
        });
    }
    for error in &run.errors {
        judgement.diagnostics.push(InputDiagnostic {
            line: 1,
            column: 1,
            kind: InputDiagnosticKind::Policy,
            code: Some(error.rule.clone()),
            message: format!(
                "rule `{}` could not judge this input: {}",
                error.rule, error.message
            ),
            resource: None,
            rule: by_id.get(error.rule.as_str()).cloned(),
            fix: None,
        });
    }
    judgement
        .diagnostics
        .sort_by_key(|diagnostic| (diagnostic.line, diagnostic.column));

    let mut outcomes: HashMap<&str, Vec<Verdict>> = HashMap::new();
    for entry in &run.outcomes {
        let title = by_id
            .get(&*entry.rule)
            .map(|rule| rule.title.clone())
            .unwrap_or_default();
        let outcome = match entry.outcome {
            PairOutcome::Evaluated(outcome) => outcome.as_str(),
            PairOutcome::Suppressed => "suppressed",
        };
        outcomes.entry(&entry.resource).or_default().push(Verdict {
            rule: entry.rule.to_string(),
            title,
            outcome: outcome.to_string(),
        });
    }
    judgement.resources = document
        .resources
        .iter()
        .map(|resource| ResourceVerdicts {
            id: resource.id.clone(),
            resource_type: resource.resource_type.clone(),
            line: resource.pos.line,
            column: resource.pos.column,
            outcomes: outcomes.remove(resource.id.as_str()).unwrap_or_default(),
        })
        .collect();
    Some(judgement)
}

/// How many rules the compiled module evaluates between two questions to
/// `stale`.
const CHUNK: usize = 16;

/// Evaluates every rule of the compiled module on two threads, a chunk of
/// rules at a time, asking `stale` before each chunk; `None` when it
/// turned true.
fn evaluate_compiled(
    module: &ward_runtime::Policy,
    input: &ward_runtime::Input,
    stale: &(dyn Fn() -> bool + Sync),
) -> Option<ward_abi::Report> {
    let indexes: Vec<usize> = (0..module.rules().len()).collect();
    let chunks: Vec<&[usize]> = indexes.chunks(CHUNK).collect();
    let run = |parity: usize| -> Option<ward_abi::Report> {
        let mut report: Option<ward_abi::Report> = None;
        for chunk in chunks.iter().skip(parity).step_by(2) {
            if stale() {
                return None;
            }
            let part = module.evaluate_rules(input, chunk);
            match &mut report {
                Some(report) => report.merge(part),
                None => report = Some(part),
            }
        }
        Some(report.unwrap_or_default())
    };
    let (first, second) = std::thread::scope(|scope| {
        let other = scope.spawn(|| run(1));
        (run(0), other.join())
    });
    let mut report = first?;
    report.merge(second.ok()??);
    if stale() {
        return None;
    }
    Some(report)
}

/// Evaluates every rule on two threads (half of the rules each), asking
/// `stale` before each rule; `None` when it turned true.
fn evaluate(
    evaluator: &Evaluator<'_>,
    program: &ward_compiler::ir::Program,
    document: &Document,
    stale: &(dyn Fn() -> bool + Sync),
) -> Option<ward_abi::Report> {
    let limits = Limits::default();
    let index_of = |rule: &ward_compiler::ir::Rule| -> usize {
        program
            .rules
            .iter()
            .position(|candidate| std::ptr::eq(candidate, rule))
            .unwrap_or(0)
    };
    let half = |parity: usize| {
        move |rule: &ward_compiler::ir::Rule| index_of(rule) % 2 == parity && !stale()
    };
    let (first, second) = std::thread::scope(|scope| {
        let other = scope.spawn(|| evaluator.evaluate_rules(document, &limits, &half(1)));
        let mine = evaluator.evaluate_rules(document, &limits, &half(0));
        (mine, other.join())
    });
    let mut report = first;
    report.merge(second.ok()?);
    if stale() {
        return None;
    }
    Some(report)
}

/// The resource whose logical id, address or ARN is written on `line`
/// (1-based): its definition starts there, or on the line below a key line
/// that names it (YAML's `Id:` above the resource's first key).
pub(crate) fn resource_at_line<'a>(
    judgement: &'a Judgement,
    text: &str,
    line: u32,
) -> Option<&'a ResourceVerdicts> {
    let line_text = text.lines().nth(line.checked_sub(1)? as usize)?;
    judgement.resources.iter().find(|resource| {
        (resource.line == line || resource.line == line + 1) && names_key(line_text, &resource.id)
    })
}

/// Whether a line holds `id` as a mapping key (`Id:`, `"Id":`, `'Id':`).
fn names_key(line: &str, id: &str) -> bool {
    let trimmed = line.trim_start().trim_start_matches("- ");
    let unquoted = trimmed
        .strip_prefix('"')
        .and_then(|rest| rest.strip_prefix(id))
        .and_then(|rest| rest.strip_prefix('"'))
        .or_else(|| {
            trimmed
                .strip_prefix('\'')
                .and_then(|rest| rest.strip_prefix(id))
                .and_then(|rest| rest.strip_prefix('\''))
        })
        .or_else(|| trimmed.strip_prefix(id));
    unquoted.is_some_and(|rest| rest.trim_start().starts_with(':'))
}

/// The text of a new suppression entry's reason: a placeholder that says
/// what to write.
pub const REASON_PLACEHOLDER: &str = "TODO: say why this finding is accepted";

/// A CloudFormation template being edited: its loaded form, the index of
/// its lines, and whether it is written in JSON.
struct Template<'t> {
    text: &'t str,
    document: Document,
    index: LineIndex,
    json: bool,
}

impl<'t> Template<'t> {
    /// The template in `text`; `None` for other inputs and texts that do
    /// not load.
    fn open(name: &str, text: &'t str) -> Option<Template<'t>> {
        let document = load(name, text).ok()?;
        if document.kind != InputKind::CloudFormation {
            return None;
        }
        Some(Template {
            text,
            document,
            index: LineIndex::new(text),
            json: text
                .trim_start_matches('\u{feff}')
                .trim_start()
                .starts_with('{'),
        })
    }

    /// The resource with this logical id.
    fn resource(&self, id: &str) -> Option<&ward_model::Resource> {
        self.document
            .resources
            .iter()
            .find(|candidate| candidate.id == id)
    }

    /// The byte offset of a 1-based line and column of a position the
    /// loader gave.
    fn offset_of(&self, line: u32, column: u32) -> Option<usize> {
        ((line as usize) <= self.index.line_count())
            .then(|| self.index.offset_of(self.text, LineCol { line, column }) as usize)
    }
}

/// The edit that adds a suppression of `rule` on `resource` to the
/// resource's `Metadata.ward.suppress` in a CloudFormation template, with a
/// reason placeholder: the entry `ward check` reads. `None` for other
/// inputs, or when the template does not load.
pub(crate) fn suppression_edit(
    name: &str,
    text: &str,
    rule: &str,
    resource: &str,
) -> Option<TextEdit> {
    let template = Template::open(name, text)?;
    let definition = template.resource(resource)?;
    let offset_of = |line: u32, column: u32| template.offset_of(line, column);
    let json = template.json;
    let entry_json = format!(
        "{{\"rule\": {}, \"reason\": {}}}",
        serde_json::Value::from(rule),
        serde_json::Value::from(REASON_PLACEHOLDER)
    );
    let metadata = definition.metadata.get("Metadata");
    let ward = metadata.and_then(|node| node.get("ward"));
    let suppress = ward.and_then(|node| node.get("suppress"));
    if json {
        // Insert after the opening brace or bracket of the deepest part
        // that exists.
        let (node, insert) = match (suppress, ward, metadata) {
            (Some(list), _, _) if list.as_list().is_some() => {
                let comma = if list.as_list().is_some_and(|items| !items.is_empty()) {
                    ", "
                } else {
                    ""
                };
                (list, format!("{entry_json}{comma}"))
            }
            (None, Some(ward), _) if ward.as_object().is_some() => (
                ward,
                format!("\"suppress\": [{entry_json}]{}", comma_after(ward)),
            ),
            (_, None, Some(metadata)) if metadata.as_object().is_some() => (
                metadata,
                format!(
                    "\"ward\": {{\"suppress\": [{entry_json}]}}{}",
                    comma_after(metadata)
                ),
            ),
            (_, _, None) => {
                let start = offset_of(definition.pos.line, definition.pos.column)?;
                if text.as_bytes().get(start) != Some(&b'{') {
                    return None;
                }
                let at = start + 1;
                return Some(TextEdit {
                    span: Span::new(at, at),
                    new_text: format!(
                        "\"Metadata\": {{\"ward\": {{\"suppress\": [{entry_json}]}}}}, "
                    ),
                });
            }
            _ => return None,
        };
        let start = offset_of(node.pos.line, node.pos.column)?;
        if !matches!(text.as_bytes().get(start), Some(b'{' | b'[')) {
            return None;
        }
        let at = start + 1;
        return Some(TextEdit {
            span: Span::new(at, at),
            new_text: insert,
        });
    }
    // YAML, block style: lines inserted at the start of the line of the
    // deepest part that exists, at its indentation.
    let quoted_rule = serde_json::Value::from(rule).to_string();
    let quoted_reason = serde_json::Value::from(REASON_PLACEHOLDER).to_string();
    let entry = |indent: &str| {
        format!("{indent}- rule: {quoted_rule}\n{indent}  reason: {quoted_reason}\n")
    };
    let (node, lines) = match (suppress, ward, metadata) {
        (Some(list), _, _) => {
            let first = list.as_list()?.first()?;
            let column = first.pos.column.checked_sub(3)?;
            (first, entry(&" ".repeat(column as usize)))
        }
        (None, Some(ward), _) => {
            let indent = " ".repeat(ward.pos.column.checked_sub(1)? as usize);
            (
                ward,
                format!("{indent}suppress:\n{}", entry(&format!("{indent}  "))),
            )
        }
        (_, None, Some(metadata)) => {
            let indent = " ".repeat(metadata.pos.column.checked_sub(1)? as usize);
            (
                metadata,
                format!(
                    "{indent}ward:\n{indent}  suppress:\n{}",
                    entry(&format!("{indent}    "))
                ),
            )
        }
        (_, _, None) => {
            let indent = " ".repeat(definition.pos.column.checked_sub(1)? as usize);
            (
                &definition.metadata,
                format!(
                    "{indent}Metadata:\n{indent}  ward:\n{indent}    suppress:\n{}",
                    entry(&format!("{indent}      "))
                ),
            )
        }
    };
    let line = if std::ptr::eq(node, &definition.metadata) {
        definition.pos.line
    } else {
        node.pos.line
    };
    // The node must start its line (block style); a flow mapping on one
    // line is left alone.
    let start = offset_of(line, 1)?;
    let line_text = text.get(start..)?.lines().next().unwrap_or("");
    let at_column = if std::ptr::eq(node, &definition.metadata) {
        definition.pos.column
    } else {
        node.pos.column
    };
    let leading = line_text.chars().take_while(|c| *c == ' ').count() as u32 + 1;
    let dash = line_text.trim_start().starts_with("- ") && leading + 2 == at_column;
    if leading != at_column && !dash {
        return None;
    }
    Some(TextEdit {
        span: Span::new(start, start),
        new_text: lines,
    })
}

/// `, ` when a JSON object or list has entries (the inserted one goes
/// first).
fn comma_after(node: &Node) -> &'static str {
    let empty = match &node.value {
        Value::Object(entries) => entries.is_empty(),
        Value::List(items) => items.is_empty(),
        _ => true,
    };
    if empty { "" } else { ", " }
}

/// The edit that applies a rule's declared fix to a resource of a
/// CloudFormation template: the property's value replaced when it is
/// written as a scalar, else the property added under its nearest parent
/// that exists (`Properties` included). `None` for other inputs, values
/// written as blocks, and templates that do not load.
pub(crate) fn property_fix_edit(
    name: &str,
    text: &str,
    resource: &str,
    fix: &PropertyFix,
) -> Option<TextEdit> {
    let template = Template::open(name, text)?;
    let definition = template.resource(resource)?;
    let offset_of = |line: u32, column: u32| template.offset_of(line, column);
    let json = template.json;
    // The deepest part of the path that is written, and what is left.
    let has_properties = definition
        .props
        .as_object()
        .is_some_and(|entries| !entries.is_empty());
    let mut node = &definition.props;
    let mut depth = 0;
    if has_properties {
        while let Some(next) = fix.path.get(depth).and_then(|step| node.get(step)) {
            node = next;
            depth += 1;
        }
    }
    if depth == fix.path.len() {
        // The property is written: replace a scalar value.
        if matches!(node.value, Value::Object(_) | Value::List(_)) {
            return None;
        }
        let start = offset_of(node.pos.line, node.pos.column)?;
        // In YAML the value must follow its key on the key's line; a value
        // written on the lines below (a block) is left alone.
        let line_start = offset_of(node.pos.line, 1)?;
        if !json && !text.get(line_start..start)?.trim_end().ends_with(':') {
            return None;
        }
        let end = start + scalar_length(text.get(start..)?, json)?;
        return Some(TextEdit {
            span: Span::new(start, end),
            new_text: fix.value.clone(),
        });
    }
    let missing = &fix.path[depth..];
    if json {
        let mut inserted = fix.value.clone();
        for step in missing.iter().rev() {
            inserted = format!("{}: {inserted}", serde_json::Value::from(step.as_str()));
            if !std::ptr::eq(step, &missing[0]) {
                inserted = format!("{{{inserted}}}");
            }
        }
        let (anchor, insert) = if has_properties {
            (node, format!("{inserted}{}", comma_after(node)))
        } else {
            (
                &definition.metadata,
                format!("\"Properties\": {{{inserted}}}, "),
            )
        };
        let (line, column) = if has_properties {
            (anchor.pos.line, anchor.pos.column)
        } else {
            (definition.pos.line, definition.pos.column)
        };
        let start = offset_of(line, column)?;
        if text.as_bytes().get(start) != Some(&b'{') {
            return None;
        }
        return Some(TextEdit {
            span: Span::new(start + 1, start + 1),
            new_text: insert,
        });
    }
    // YAML, block style: lines before the first key of the deepest
    // written mapping, at its indentation.
    let (line, column, steps): (u32, u32, Vec<&str>) = if has_properties {
        if !matches!(node.value, Value::Object(_)) {
            return None;
        }
        (
            node.pos.line,
            node.pos.column,
            missing.iter().map(String::as_str).collect(),
        )
    } else {
        (
            definition.pos.line,
            definition.pos.column,
            std::iter::once("Properties")
                .chain(missing.iter().map(String::as_str))
                .collect(),
        )
    };
    let start = offset_of(line, 1)?;
    let line_text = text.get(start..)?.lines().next().unwrap_or("");
    let leading = line_text.chars().take_while(|c| *c == ' ').count() as u32 + 1;
    if leading != column {
        return None;
    }
    let mut lines = String::new();
    for (level, step) in steps.iter().enumerate() {
        let indent = " ".repeat(column as usize - 1 + 2 * level);
        if level + 1 == steps.len() {
            lines.push_str(&format!("{indent}{step}: {}\n", fix.value));
        } else {
            lines.push_str(&format!("{indent}{step}:\n"));
        }
    }
    Some(TextEdit {
        span: Span::new(start, start),
        new_text: lines,
    })
}

/// The length in bytes of the scalar at the start of `text`: a quoted
/// string to its closing quote, else a plain value to the end of the line
/// (without a YAML comment or trailing spaces), or in JSON to the next `,`,
/// `}` or `]`. `None` for an empty one.
fn scalar_length(text: &str, json: bool) -> Option<usize> {
    let line = text.split('\n').next().unwrap_or("");
    let length = match line.chars().next()? {
        quote @ ('"' | '\'') => {
            let mut escaped = false;
            let mut end = None;
            for (at, c) in line.char_indices().skip(1) {
                if escaped {
                    escaped = false;
                } else if c == '\\' && quote == '"' {
                    escaped = true;
                } else if c == quote {
                    end = Some(at + 1);
                    break;
                }
            }
            end?
        }
        _ if json => line.find([',', '}', ']']).unwrap_or(line.len()),
        _ => line.find(" #").unwrap_or(line.len()),
    };
    let trimmed = line.get(..length)?.trim_end().len();
    (trimmed > 0).then_some(trimmed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(path: &str, value: &str) -> PropertyFix {
        PropertyFix {
            path: path.split('.').map(str::to_string).collect(),
            value: value.to_string(),
        }
    }

    fn fixed(text: &str, resource: &str, property: &PropertyFix) -> Option<String> {
        let edit = property_fix_edit("t.yaml", text, resource, property)?;
        let mut out = text.to_string();
        out.replace_range(edit.span.range(), &edit.new_text);
        Some(out)
    }

    #[test]
    fn a_declared_fix_replaces_a_written_value_or_adds_the_property() {
        let yaml = "Resources:\n  V:\n    Type: AWS::EC2::Volume\n    Properties:\n      Size: 8\n      Encrypted: false # no\n";
        assert_eq!(
            fixed(yaml, "V", &fix("Encrypted", "true")).as_deref(),
            Some(
                "Resources:\n  V:\n    Type: AWS::EC2::Volume\n    Properties:\n      Size: 8\n      Encrypted: true # no\n"
            )
        );
        let unset =
            "Resources:\n  V:\n    Type: AWS::EC2::Volume\n    Properties:\n      Size: 8\n";
        assert_eq!(
            fixed(unset, "V", &fix("Encrypted", "true")).as_deref(),
            Some(
                "Resources:\n  V:\n    Type: AWS::EC2::Volume\n    Properties:\n      Encrypted: true\n      Size: 8\n"
            )
        );
        let bare = "Resources:\n  R:\n    Type: AWS::ECR::Repository\n";
        assert_eq!(
            fixed(
                bare,
                "R",
                &fix("ImageScanningConfiguration.ScanOnPush", "true")
            )
            .as_deref(),
            Some(
                "Resources:\n  R:\n    Properties:\n      ImageScanningConfiguration:\n        ScanOnPush: true\n    Type: AWS::ECR::Repository\n"
            )
        );
        let json = r#"{"Resources": {"V": {"Type": "AWS::EC2::Volume", "Properties": {"Encrypted": "false", "Size": 8}}}}"#;
        assert_eq!(
            fixed(json, "V", &fix("Encrypted", "true")).as_deref(),
            Some(
                r#"{"Resources": {"V": {"Type": "AWS::EC2::Volume", "Properties": {"Encrypted": true, "Size": 8}}}}"#
            )
        );
        let json_unset =
            r#"{"Resources": {"V": {"Type": "AWS::EC2::Volume", "Properties": {"Size": 8}}}}"#;
        assert_eq!(
            fixed(json_unset, "V", &fix("Encrypted", "true")).as_deref(),
            Some(
                r#"{"Resources": {"V": {"Type": "AWS::EC2::Volume", "Properties": {"Encrypted": true, "Size": 8}}}}"#
            )
        );
        // A value written as a block is not replaced.
        let block = "Resources:\n  V:\n    Type: AWS::EC2::Volume\n    Properties:\n      Encrypted:\n        Ref: Flag\n";
        assert_eq!(fixed(block, "V", &fix("Encrypted", "true")), None);
    }
}
