//! Hover: documentation and metadata of what is under the cursor.

use ward_compiler::schema::{Property, schema};
use ward_compiler::{Analysis, Definition, Holds, LocalKind, ResourceUse, SourceFile, builtins};
use ward_syntax::ast::{AttrValue, Block, Item, Span, Stmt};
use ward_syntax::lexer::TokenKind;

use super::Snapshot;
use super::completion::RESOURCE_FIELDS;
use super::navigation::{declarations, definition_at};
use super::text::{token_containing, tokens};

/// What to show for a position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoverResult {
    /// The range the hover is about.
    pub span: Span,
    /// The text, in Markdown.
    pub markdown: String,
}

pub(crate) fn hover(snapshot: &Snapshot, file: SourceFile, offset: u32) -> Option<HoverResult> {
    let db = &snapshot.compiler().db;
    let parse = ward_compiler::parse(db, file);
    let analysis = snapshot.compiler().analyze(file);
    if let Some(result) = schema_hover(analysis, offset) {
        return Some(result);
    }
    if let Some((span, definition)) = definition_at(snapshot, file, offset) {
        let markdown = match &definition {
            Definition::Builtin(builtin) => {
                let info = builtins::info(*builtin);
                Some(format!(
                    "```ward\n{}\n```\n\n{}",
                    info.signature(),
                    info.doc
                ))
            }
            Definition::Rule { .. } => rule_hover(snapshot, &definition),
            Definition::Function { package, .. } => function_hover(snapshot, &definition, package),
            Definition::Local { binder, kind } => {
                local_hover(snapshot, file, analysis, *binder, *kind)
            }
            Definition::Param { package, .. } => param_hover(snapshot, &definition, package),
        };
        return markdown.map(|markdown| HoverResult { span, markdown });
    }
    attribute_hover(&parse.file.items, offset).or_else(|| keyword_hover(file.text(db), offset))
}

fn schema_hover(analysis: &Analysis, offset: u32) -> Option<HoverResult> {
    let schema = schema();
    let uses = &analysis.resource_uses;
    if let Some((span, property, types)) = uses.iter().find_map(|resource_use| match resource_use {
        ResourceUse::Property { span, name, types } if span.contains(offset) => {
            Some((*span, name, types))
        }
        _ => None,
    }) {
        let known = schema.properties(types)?;
        let (name, type_name, info) = known
            .into_iter()
            .find(|(name, _, _)| *name == property.as_str())?;
        return Some(HoverResult {
            span,
            markdown: property_markdown(type_name, name, info),
        });
    }
    if let Some(field) = uses.iter().find_map(|resource_use| match resource_use {
        ResourceUse::Field { span, name, types } if span.contains(offset) => {
            Some((*span, name.as_str(), &types[..]))
        }
        _ => None,
    }) {
        return field_hover(field);
    }
    let (span, value) = uses.iter().find_map(|resource_use| match resource_use {
        ResourceUse::Type { span, name } if span.start < offset && offset < span.end => {
            Some((*span, name))
        }
        _ => None,
    })?;
    let markdown = match value.strip_suffix('*') {
        Some(prefix) => {
            let count = schema
                .types
                .keys()
                .filter(|name| name.starts_with(prefix))
                .count();
            format!(
                "`{value}`: every resource type that starts with `{prefix}` ({count} known types)"
            )
        }
        None => {
            let resource = schema.resource_type(value)?;
            let required = resource
                .props
                .values()
                .filter(|property| property.required)
                .count();
            format!(
                "**{}**\n\n{}\n\n{} properties, {} required",
                value,
                resource.doc,
                resource.props.len(),
                required
            )
        }
    };
    Some(HoverResult { span, markdown })
}

/// `x.id`, `x.props`, ... of a resource: the member's span and name, and
/// the types `x` can have.
fn field_hover((span, member, types): (Span, &str, &[String])) -> Option<HoverResult> {
    let (name, ty, doc) = RESOURCE_FIELDS
        .iter()
        .find(|(name, _, _)| *name == member)?;
    let mut markdown = format!("```ward\n{name}: {ty}\n```\n\n{doc}");
    if !types.is_empty() {
        markdown.push_str(&format!("\n\nresource type {}", type_list(types)));
    }
    Some(HoverResult { span, markdown })
}

/// The Markdown that documents one property, shared with completion.
pub(crate) fn property_markdown(type_name: &str, name: &str, info: &Property) -> String {
    let mut out = format!(
        "```ward\n{type_name}.props.{name}: {}\n```\n",
        info.value_type
    );
    if !info.doc.is_empty() {
        out.push('\n');
        out.push_str(&info.doc);
        out.push('\n');
    }
    let mut notes = Vec::new();
    if info.required {
        notes.push("required".to_string());
    }
    if info.read_only {
        notes.push("read-only attribute (live inventory, not templates)".to_string());
    }
    if !info.allowed.is_empty() {
        let values: Vec<String> = info
            .allowed
            .iter()
            .map(|value| format!("`{value}`"))
            .collect();
        notes.push(format!("one of {}", values.join(", ")));
    }
    if !notes.is_empty() {
        out.push('\n');
        out.push_str(&notes.join(" · "));
        out.push('\n');
    }
    out
}

fn rule_hover(snapshot: &Snapshot, definition: &Definition) -> Option<String> {
    let compiler = snapshot.compiler();
    let target = declarations(snapshot, definition).into_iter().next()?;
    let file = compiler.file(&target.file)?;
    let analysis = compiler.analyze(file);
    let info = analysis
        .rules
        .iter()
        .find(|rule| rule.span == target.full_span)?;
    let parse = ward_compiler::parse(&compiler.db, file);
    let text = file.text(&compiler.db);
    let header = parse.file.items.iter().find_map(|item| match item {
        Item::Rule(rule) if rule.span == target.full_span => {
            Some(match (&rule.binding, &rule.source) {
                (Some(binding), Some(source)) => format!(
                    "rule {} for {} in {}",
                    rule.name.name,
                    binding.name,
                    text.get(source.span.range()).unwrap_or("...")
                ),
                _ => format!("rule {}", rule.name.name),
            })
        }
        _ => None,
    })?;
    let mut out = format!("```ward\n{header}\n```\n\n");
    let mut facts_line = vec![
        format!("**{}**", info.id),
        format!("severity **{}**", info.severity.as_str()),
    ];
    if !info.controls.is_empty() {
        let controls: Vec<String> = info
            .controls
            .iter()
            .map(|control| format!("`{control}`"))
            .collect();
        facts_line.push(format!("controls {}", controls.join(", ")));
    }
    if !info.tags.is_empty() {
        let tags: Vec<String> = info.tags.iter().map(|tag| format!("`{tag}`")).collect();
        facts_line.push(format!("tags {}", tags.join(", ")));
    }
    out.push_str(&facts_line.join(" · "));
    out.push('\n');
    if !info.description.is_empty() {
        out.push('\n');
        out.push_str(&info.description);
        out.push('\n');
    }
    out.push_str(&format!("\npackage `{}`", info.package));
    Some(out)
}

fn function_hover(snapshot: &Snapshot, definition: &Definition, package: &str) -> Option<String> {
    let compiler = snapshot.compiler();
    let target = declarations(snapshot, definition).into_iter().next()?;
    let file = compiler.file(&target.file)?;
    let parse = ward_compiler::parse(&compiler.db, file);
    parse.file.items.iter().find_map(|item| match item {
        Item::Fn(function) if function.span == target.full_span => {
            let params: Vec<&str> = function
                .params
                .iter()
                .map(|param| param.name.as_str())
                .collect();
            let mut out = format!(
                "```ward\nfn {}({})\n```\n",
                function.name.name,
                params.join(", ")
            );
            if let Some(doc) = &function.doc {
                out.push('\n');
                out.push_str(&doc.text);
                out.push('\n');
            }
            out.push_str(&format!("\npackage `{package}`"));
            Some(out)
        }
        _ => None,
    })
}

/// A policy parameter: its declaration with type and default, its doc,
/// and how to set it.
fn param_hover(snapshot: &Snapshot, definition: &Definition, package: &str) -> Option<String> {
    let compiler = snapshot.compiler();
    let target = declarations(snapshot, definition).into_iter().next()?;
    let file = compiler.file(&target.file)?;
    let text = file.text(&compiler.db);
    let parse = ward_compiler::parse(&compiler.db, file);
    parse.file.items.iter().find_map(|item| match item {
        Item::Param(param) if param.span == target.full_span => {
            let start = param.name.span.start as usize;
            let declaration = text.get(start..param.span.end as usize).unwrap_or("");
            let mut out = format!(
                "```ward
param {declaration}
```
"
            );
            if let Some(doc) = &param.doc {
                out.push('\n');
                out.push_str(&doc.text);
                out.push('\n');
            }
            out.push_str(&format!(
                "\npolicy parameter `{package}.{}`: set it with `ward check --param {}=...`",
                param.name.name, param.name.name
            ));
            Some(out)
        }
        _ => None,
    })
}

fn local_hover(
    snapshot: &Snapshot,
    file: SourceFile,
    analysis: &Analysis,
    binder: Span,
    kind: LocalKind,
) -> Option<String> {
    let db = &snapshot.compiler().db;
    let text = file.text(db);
    let name = text.get(binder.range())?;
    let what = match kind {
        LocalKind::RuleBinding => "rule variable",
        LocalKind::Let => "`let` binding",
        LocalKind::Loop => "loop variable",
        LocalKind::Quantifier => "quantifier variable",
        LocalKind::Param => "parameter",
    };
    let code = if kind == LocalKind::Let {
        let parse = ward_compiler::parse(db, file);
        let value = parse.file.items.iter().find_map(|item| match item {
            Item::Rule(rule) => let_value(&rule.body, binder),
            _ => None,
        });
        match value.and_then(|span| text.get(span.range())) {
            Some(value) if value.len() <= 120 && !value.contains('\n') => {
                format!("let {name} = {value}")
            }
            _ => format!("let {name}"),
        }
    } else {
        name.to_string()
    };
    let mut out = format!("```ward\n{code}\n```\n\n{what}");
    match analysis.bindings.get(&binder).map(|binding| &binding.holds) {
        Some(Holds::Resource(types)) => {
            out.push_str(&format!(": one resource of type {}", type_list(types)))
        }
        Some(Holds::Resources(types)) => {
            out.push_str(&format!(": resources of type {}", type_list(types)))
        }
        _ => {}
    }
    Some(out)
}

fn type_list(types: &[String]) -> String {
    types
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// The value of the `let` whose name is at `binder`.
fn let_value(block: &Block, binder: Span) -> Option<Span> {
    block.stmts.iter().find_map(|stmt| match stmt {
        Stmt::Let { name, value, .. } if name.span == binder => Some(value.span),
        Stmt::For { body, .. } => let_value(body, binder),
        Stmt::If(statement) => statement
            .branches
            .iter()
            .map(|branch| &branch.body)
            .chain(&statement.otherwise)
            .find_map(|body| let_value(body, binder)),
        _ => None,
    })
}

const ATTRIBUTES: &[(&str, &str)] = &[
    (
        "id",
        "`@id(\"NET-001\")`: the rule's id in reports, baselines and suppressions; unique across everything compiled together. Default: `package.rule_name`.",
    ),
    (
        "severity",
        "`@severity(high)`: one of `critical`, `high`, `medium`, `low`, `info`; drives `--fail-on`. Default `medium`.",
    ),
    (
        "controls",
        "`@controls(\"WA:SEC05-BP01\", \"CIS:5.2\")`: the frameworks and controls the rule serves, carried into SARIF and JSON reports.",
    ),
    (
        "title",
        "`@title(\"...\")`: a short title. Default: the first line of the doc comment.",
    ),
    (
        "tags",
        "`@tags(\"network\", \"exposure\")`: free-form labels.",
    ),
];

fn attribute_hover(items: &[Item], offset: u32) -> Option<HoverResult> {
    let attrs = items.iter().flat_map(|item| match item {
        Item::Rule(rule) => rule.attrs.as_slice(),
        Item::Fn(function) => function.attrs.as_slice(),
        Item::Test(test) => test.attrs.as_slice(),
        Item::Param(param) => param.attrs.as_slice(),
        Item::Error(_) => &[],
    });
    for attr in attrs {
        let name_span = Span::new(attr.span.start as usize, attr.name.span.end as usize);
        if name_span.contains(offset) {
            let (_, doc) = ATTRIBUTES
                .iter()
                .find(|(name, _)| *name == attr.name.name)?;
            return Some(HoverResult {
                span: name_span,
                markdown: (*doc).to_string(),
            });
        }
        if attr.name.name == "severity" {
            for arg in &attr.args {
                if let AttrValue::Word(word) = &arg.value
                    && arg.span.contains(offset)
                {
                    return Some(HoverResult {
                        span: arg.span,
                        markdown: format!(
                            "severity `{word}`: the findings of this rule are reported as `{word}`; `ward check --fail-on` compares against it"
                        ),
                    });
                }
            }
        }
    }
    None
}

/// One line on each keyword.
pub(crate) const KEYWORDS: &[(&str, &str)] = &[
    (
        "package",
        "`package a.b`: the package of this file; files of one package share functions and rules.",
    ),
    (
        "import",
        "`import a.b [as c]`: makes the functions of package `a.b` callable as `b.f(...)` (or `c.f(...)`).",
    ),
    (
        "as",
        "`import a.b as c`: the name under which an imported package is used.",
    ),
    (
        "rule",
        "`rule name for x in resources(\"T\") [when guard] { ... }`: a check run once per resource of the source.",
    ),
    (
        "fn",
        "`fn name(a, b) = expr`: a pure, non-recursive function.",
    ),
    (
        "test",
        "`test \"name\" { input {...} expect fail rule for \"Id\" }`: an inline input and the outcomes it must produce.",
    ),
    (
        "for",
        "`for x in xs { ... }`: runs the block for every element; in a rule header, binds each resource.",
    ),
    (
        "in",
        "`x in xs`: membership in a list, substring of a string, or key of an object; in `for`/quantifiers, the collection.",
    ),
    (
        "let",
        "`let name = expr`: binds `name` for the rest of the block.",
    ),
    (
        "require",
        "`require cond [message m] [at v]`: the resource fails unless `cond` is true.",
    ),
    (
        "deny",
        "`deny cond [message m] [at v]`: the resource fails if `cond` is true.",
    ),
    (
        "when",
        "`when cond`: the rest applies only when `cond` is true; a false `when` at the top of a rule, before any check ran, skips the resource (after a check it just ends the body).",
    ),
    (
        "message",
        "`message \"...\"`: the text of the finding, usually with `{interpolations}`.",
    ),
    (
        "at",
        "`at value`: the input value the finding points at (file, line, column, JSON path).",
    ),
    (
        "all",
        "`all x in xs: cond`: true when `cond` holds for every element (also for none).",
    ),
    (
        "any",
        "`any x in xs: cond`: true when `cond` holds for at least one element.",
    ),
    (
        "none",
        "`none x in xs: cond`: true when `cond` holds for no element.",
    ),
    (
        "and",
        "`a and b`: three-valued conjunction (false wins over unknown).",
    ),
    (
        "or",
        "`a or b`: three-valued disjunction (true wins over unknown).",
    ),
    (
        "not",
        "`not a`: negation; unknown stays unknown. `x not in xs` is the negated membership.",
    ),
    (
        "matches",
        "`s matches r\"^prefix-\"`: regular expression search, compiled ahead of time; anchor with `^` and `$`.",
    ),
    (
        "input",
        "`input { ... }`: the constant document a test runs its rules on; also `input file(\"fixtures/app.yaml\")` or `input r\"...\"` (YAML or JSON text).",
    ),
    (
        "param",
        "`param name: type = default`: a policy parameter, a value a team sets at run time (`ward check --param name=value`); in a test, `param name = value` sets it for that test.",
    ),
    (
        "expect",
        "`expect fail rule for \"Id\"`: the outcome (`pass`, `fail`, `skip`, `unknown`) a rule must have.",
    ),
    (
        "if",
        "`if cond { ... } else if cond { ... } else { ... }`: runs the first block whose condition is true; an unknown condition runs none and makes the outcome at least unknown. In a comprehension, `[x for x in xs if cond]` keeps the elements for which `cond` is true.",
    ),
    (
        "else",
        "`else { ... }` or `else if cond { ... }`: what an `if` runs when its condition is false.",
    ),
    ("true", "The boolean `true`."),
    ("false", "The boolean `false`."),
    ("null", "`null`: also what an absent property reads as."),
];

fn keyword_hover(text: &str, offset: u32) -> Option<HoverResult> {
    let tokens = tokens(text);
    let index = token_containing(&tokens, offset).or_else(|| {
        offset
            .checked_sub(1)
            .and_then(|before| token_containing(&tokens, before))
    })?;
    let token = tokens[index];
    if !token.kind.is_keyword() || token.kind == TokenKind::Ident {
        return None;
    }
    // A keyword after `.` is a field name, not the keyword.
    if index > 0 && tokens[index - 1].kind == TokenKind::Dot {
        return None;
    }
    let word = text.get(token.span.range())?;
    let (_, doc) = KEYWORDS.iter().find(|(keyword, _)| *keyword == word)?;
    Some(HoverResult {
        span: token.span,
        markdown: (*doc).to_string(),
    })
}
