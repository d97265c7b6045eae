//! Completion: keywords, builtins, functions, locals, resource fields,
//! CloudFormation resource types and property names, attributes, outcomes.
//!
//! Completion runs on text that is being typed and often does not parse.
//! The context comes from the tokens around the cursor; names in scope and
//! the resource types they hold come from the compiler's analysis of the
//! text with a placeholder name inserted at the cursor, which turns
//! `sg.props.` and `require ` into complete statements.

use ward_compiler::analysis::{Analysis, analyze_text};
use ward_compiler::items::package_index;
use ward_compiler::schema::schema;
use ward_compiler::{LocalKind, ResourceUse, SourceFile, builtins};
use ward_syntax::ast::Span;
use ward_syntax::lexer::{Token, TokenKind};

use super::Snapshot;
use super::hover::{KEYWORDS, property_markdown};
use super::text::{
    enclosing_call, is_comment, token_before, token_containing, tokens, word_prefix_start,
};

/// What kind of thing a completion inserts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompletionKind {
    /// A keyword.
    Keyword,
    /// A template with placeholders.
    Snippet,
    /// A builtin function.
    Builtin,
    /// A function of a package.
    Function,
    /// A local name.
    Variable,
    /// A resource field (`id`, `props`, ...).
    Field,
    /// A resource property.
    Property,
    /// A resource type name.
    ResourceType,
    /// An imported package or a package name.
    Module,
    /// A rule.
    Rule,
    /// An attribute name, severity or outcome.
    Constant,
}

/// One completion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    /// What the list shows (and, unless `insert_text` says otherwise,
    /// what is inserted).
    pub label: String,
    /// The kind.
    pub kind: CompletionKind,
    /// One line next to the label (a signature, a type).
    pub detail: Option<String>,
    /// Documentation in Markdown.
    pub documentation: Option<String>,
    /// The text to insert when it differs from the label; a snippet with
    /// `$1`-style placeholders when `is_snippet`.
    pub insert_text: Option<String>,
    /// Whether `insert_text` is a snippet.
    pub is_snippet: bool,
    /// The range the insertion replaces.
    pub replace: Span,
    /// Orders the list: locals, then package functions, builtins, keywords.
    pub sort_text: String,
}

impl CompletionItem {
    fn new(
        label: impl Into<String>,
        kind: CompletionKind,
        replace: Span,
        rank: u8,
    ) -> CompletionItem {
        let label = label.into();
        CompletionItem {
            sort_text: format!("{rank}_{label}"),
            label,
            kind,
            detail: None,
            documentation: None,
            insert_text: None,
            is_snippet: false,
            replace,
        }
    }

    fn detail(mut self, detail: impl Into<String>) -> CompletionItem {
        self.detail = Some(detail.into());
        self
    }

    fn documentation(mut self, documentation: impl Into<String>) -> CompletionItem {
        let documentation = documentation.into();
        if !documentation.is_empty() {
            self.documentation = Some(documentation);
        }
        self
    }

    fn snippet(mut self, snippet: impl Into<String>) -> CompletionItem {
        self.insert_text = Some(snippet.into());
        self.is_snippet = true;
        self
    }
}

/// The fields of a resource value: name, type, documentation.
pub(crate) const RESOURCE_FIELDS: &[(&str, &str, &str)] = &[
    ("id", "string", "The logical id, Terraform address or ARN."),
    (
        "type",
        "string",
        "The resource type, e.g. `AWS::S3::Bucket` or `aws_s3_bucket`.",
    ),
    ("props", "object", "The resource's properties."),
    (
        "tags",
        "object",
        "The tags, as an object from key to value.",
    ),
    (
        "metadata",
        "object",
        "Everything else about the resource (template attributes, planned actions, Config relationships).",
    ),
];

/// A name inserted at the cursor so that the text around it parses.
const PLACEHOLDER: &str = "ward_completion_placeholder";

pub(crate) fn completions(
    snapshot: &Snapshot,
    file: SourceFile,
    offset: u32,
) -> Vec<CompletionItem> {
    let db = &snapshot.compiler().db;
    let text = file.text(db);
    let offset = offset.min(text.len() as u32);
    if !text.is_char_boundary(offset as usize) {
        return Vec::new();
    }
    let tokens = tokens(text);
    if let Some(index) = token_containing(&tokens, offset)
        && offset > tokens[index].span.start
    {
        let token = tokens[index];
        return match token.kind {
            TokenKind::String | TokenKind::UnterminatedString
                if in_interpolation(text, token.span, offset) =>
            {
                name_completions(snapshot, file, text, &tokens, offset)
            }
            TokenKind::String | TokenKind::UnterminatedString => {
                string_completions(text, &tokens, index, offset)
            }
            kind if is_comment(kind) => Vec::new(),
            TokenKind::RawString => Vec::new(),
            _ => name_completions(snapshot, file, text, &tokens, offset),
        };
    }
    // An unterminated string and a line comment reach the end of their
    // line: the cursor at the end of `resources("AWS::S3::` is inside the
    // string.
    if let Some(index) = tokens.iter().rposition(|token| token.span.end == offset) {
        match tokens[index].kind {
            TokenKind::UnterminatedString if in_interpolation(text, tokens[index].span, offset) => {
                return name_completions(snapshot, file, text, &tokens, offset);
            }
            TokenKind::UnterminatedString => {
                return string_completions(text, &tokens, index, offset);
            }
            kind if is_comment(kind) => return Vec::new(),
            _ => {}
        }
    }
    name_completions(snapshot, file, text, &tokens, offset)
}

/// Whether `offset` is inside a `{...}` interpolation of the string literal
/// at `literal`.
fn in_interpolation(text: &str, literal: Span, offset: u32) -> bool {
    let Some(before) = text.get(literal.start as usize + 1..offset as usize) else {
        return false;
    };
    let mut depth = 0usize;
    let mut chars = before.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    depth > 0
}

/// Inside a string: resource type names where a type is expected.
fn string_completions(
    text: &str,
    tokens: &[Token],
    index: usize,
    offset: u32,
) -> Vec<CompletionItem> {
    let token = tokens[index];
    let in_type_position = match enclosing_call(text, tokens, token.span.start) {
        Some(call) => match call.name.as_str() {
            "resources" => call.alias.is_none(),
            "refs" | "referrers" => call.alias.is_none() && call.argument == 1,
            _ => false,
        },
        None => false,
    } || {
        // `Type: "..."` in a test input.
        let before = token_before(tokens, token.span.start);
        before.is_some_and(|colon| {
            tokens[colon].kind == TokenKind::Colon
                && colon
                    .checked_sub(1)
                    .is_some_and(|key| text.get(tokens[key].span.range()) == Some("Type"))
        })
    };
    if !in_type_position {
        return Vec::new();
    }
    let content_start = token.span.start + 1;
    let content_end = if token.kind == TokenKind::String {
        token.span.end - 1
    } else {
        token.span.end
    };
    let replace = Span {
        start: content_start,
        end: content_end.max(offset),
    };
    let typed = text
        .get(content_start as usize..offset as usize)
        .unwrap_or("")
        .to_ascii_lowercase();
    let schema = schema();
    let mut items = Vec::new();
    let mut namespaces: Vec<String> = Vec::new();
    for (name, resource) in &schema.types {
        if !name.to_ascii_lowercase().starts_with(&typed) {
            continue;
        }
        items.push(
            CompletionItem::new(name.clone(), CompletionKind::ResourceType, replace, 1)
                .detail(format!("{} properties", resource.props.len()))
                .documentation(resource.doc.clone()),
        );
        if let Some((service, _)) = name.rsplit_once("::") {
            let wildcard = format!("{service}::*");
            if namespaces.last() != Some(&wildcard) {
                namespaces.push(wildcard);
            }
        }
    }
    for wildcard in namespaces {
        items.push(
            CompletionItem::new(wildcard.clone(), CompletionKind::ResourceType, replace, 2)
                .detail("every type of the service")
                .documentation(format!(
                    "Matches every resource type that starts with `{}`.",
                    wildcard.trim_end_matches('*')
                )),
        );
    }
    items
}

/// The analysis of the file's text with the placeholder at `offset`.
fn analyze_with_placeholder(
    snapshot: &Snapshot,
    file: SourceFile,
    text: &str,
    offset: u32,
) -> Analysis {
    let mut patched = String::with_capacity(text.len() + PLACEHOLDER.len());
    patched.push_str(&text[..offset as usize]);
    patched.push_str(PLACEHOLDER);
    patched.push_str(&text[offset as usize..]);
    let compiler = snapshot.compiler();
    analyze_text(&compiler.db, compiler.workspace, file, &patched)
}

fn name_completions(
    snapshot: &Snapshot,
    file: SourceFile,
    text: &str,
    tokens: &[Token],
    offset: u32,
) -> Vec<CompletionItem> {
    let start = word_prefix_start(text, offset);
    let mut end = offset as usize;
    while end < text.len() && super::text::is_name_byte(text.as_bytes()[end]) {
        end += 1;
    }
    let replace = Span::new(start as usize, end);
    let before = text[..start as usize].trim_end_matches([' ', '\t']);
    let previous = token_before(tokens, start);
    let previous_kind = previous.map(|index| tokens[index].kind);

    if before.ends_with('@') {
        return attribute_names(replace);
    }
    if before.ends_with('.') {
        return member_completions(snapshot, file, text, offset, replace);
    }
    if let Some(call) = enclosing_call(text, tokens, start)
        && call.name == "severity"
        && call.open.start > 0
        && text[..call.open.start as usize]
            .trim_end()
            .ends_with("@severity")
    {
        return ward_compiler::Severity::ALL
            .iter()
            .map(|severity| {
                CompletionItem::new(severity.as_str(), CompletionKind::Constant, replace, 0)
            })
            .collect();
    }
    match previous_kind {
        Some(TokenKind::Expect) => {
            return ["pass", "fail", "skip", "unknown"]
                .iter()
                .map(|outcome| CompletionItem::new(*outcome, CompletionKind::Constant, replace, 0))
                .collect();
        }
        Some(TokenKind::Ident)
            if previous
                .and_then(|index| index.checked_sub(1))
                .is_some_and(|index| tokens[index].kind == TokenKind::Expect) =>
        {
            return rule_names(snapshot, file, replace);
        }
        Some(TokenKind::Import) | Some(TokenKind::Package) => {
            return package_names(snapshot, replace);
        }
        // A new name is being written: nothing to complete.
        Some(
            TokenKind::Rule
            | TokenKind::Fn
            | TokenKind::Let
            | TokenKind::For
            | TokenKind::As
            | TokenKind::Test,
        ) => {
            return Vec::new();
        }
        Some(TokenKind::All | TokenKind::Any | TokenKind::None) => return Vec::new(),
        _ => {}
    }

    let (braces, in_test) = brace_context(text, tokens, start);
    if braces == 0 {
        return top_level(replace);
    }
    if in_test && braces == 1 {
        return ["input", "expect"]
            .iter()
            .map(|word| keyword(word, replace))
            .collect();
    }
    let mut items = Vec::new();
    let typed = analyze_with_placeholder(snapshot, file, text, offset);
    for binding in typed.bindings_at(offset) {
        if binding.name.contains(PLACEHOLDER) {
            continue;
        }
        let name = binding.name.clone();
        let what = match binding.kind {
            LocalKind::RuleBinding => "rule variable",
            LocalKind::Let => "let binding",
            LocalKind::Loop => "loop variable",
            LocalKind::Quantifier => "quantifier variable",
            LocalKind::Param => "parameter",
        };
        if !items.iter().any(|item: &CompletionItem| item.label == name) {
            items
                .push(CompletionItem::new(name, CompletionKind::Variable, replace, 0).detail(what));
        }
    }
    let compiler = snapshot.compiler();
    let analysis = compiler.analyze(file);
    let index = package_index(&compiler.db, compiler.workspace);
    if let Some(package) = index.packages.get(&analysis.package) {
        for (name, entries) in &package.functions {
            let arity = entries.first().map(|entry| entry.arity).unwrap_or(0);
            items.push(
                CompletionItem::new(name.clone(), CompletionKind::Function, replace, 1).detail(
                    format!(
                        "fn {name} ({arity} parameter{})",
                        if arity == 1 { "" } else { "s" }
                    ),
                ),
            );
        }
        for (name, entries) in &package.params {
            items.push(
                CompletionItem::new(name.clone(), CompletionKind::Constant, replace, 1)
                    .detail(param_detail(name, entries)),
            );
        }
    }
    for import in &ward_compiler::parse(&compiler.db, file).file.imports {
        if let Some(alias) = import.visible_name() {
            items.push(
                CompletionItem::new(alias.name.clone(), CompletionKind::Module, replace, 1)
                    .detail(format!("package {}", import.path.dotted())),
            );
        }
    }
    for info in builtins::BUILTINS {
        items.push(
            CompletionItem::new(info.name, CompletionKind::Builtin, replace, 2)
                .detail(info.signature())
                .documentation(info.doc),
        );
    }
    for word in ["not", "all", "any", "none", "true", "false", "null"] {
        items.push(keyword(word, replace));
    }
    let after_value = matches!(
        previous_kind,
        Some(
            TokenKind::Ident
                | TokenKind::Number
                | TokenKind::String
                | TokenKind::RawString
                | TokenKind::RParen
                | TokenKind::RBracket
                | TokenKind::True
                | TokenKind::False
                | TokenKind::Null
        )
    );
    if after_value {
        for word in ["and", "or", "in", "matches", "message", "at"] {
            items.push(keyword(word, replace));
        }
    }
    for word in ["let", "require", "deny", "when", "for"] {
        items.push(keyword(word, replace));
    }
    items
}

fn keyword(word: &str, replace: Span) -> CompletionItem {
    let doc = KEYWORDS
        .iter()
        .find(|(keyword, _)| *keyword == word)
        .map(|(_, doc)| *doc)
        .unwrap_or("");
    CompletionItem::new(word, CompletionKind::Keyword, replace, 3)
        .detail("keyword")
        .documentation(doc)
}

fn top_level(replace: Span) -> Vec<CompletionItem> {
    let mut items: Vec<CompletionItem> = ["rule", "fn", "test", "package", "import", "param"]
        .iter()
        .map(|word| keyword(word, replace))
        .collect();
    items.push(
        CompletionItem::new("rule …", CompletionKind::Snippet, replace, 2)
            .detail("rule with id and severity")
            .snippet("@id(\"${1:ID-001}\") @severity(${2:high})\nrule ${3:name} for ${4:r} in resources(\"${5:AWS::S3::Bucket}\") {\n  $0\n}"),
    );
    items.push(
        CompletionItem::new("fn …", CompletionKind::Snippet, replace, 2)
            .detail("function")
            .snippet("fn ${1:name}(${2:x}) = $0"),
    );
    items.push(
        CompletionItem::new("param …", CompletionKind::Snippet, replace, 2)
            .detail("policy parameter")
            .snippet(
                "/// ${4:What a team sets here.}\nparam ${1:name}: ${2:list<string>} = ${3:[]}",
            ),
    );
    items.push(
        CompletionItem::new("test …", CompletionKind::Snippet, replace, 2)
            .detail("test with an input")
            .snippet("test \"${1:name}\" {\n  input {\n    Resources: {\n      ${2:Id}: { Type: \"${3:AWS::S3::Bucket}\", Properties: {} },\n    },\n  }\n  expect ${4:fail} ${5:rule} for \"${2:Id}\"\n}"),
    );
    items
}

fn attribute_names(replace: Span) -> Vec<CompletionItem> {
    [
        ("id", "@id(\"ID-001\")", "id(\"${1:ID-001}\")"),
        (
            "severity",
            "@severity(high)",
            "severity(${1|critical,high,medium,low,info|})",
        ),
        ("controls", "@controls(\"...\")", "controls(\"$1\")"),
        ("title", "@title(\"...\")", "title(\"$1\")"),
        ("tags", "@tags(\"...\")", "tags(\"$1\")"),
    ]
    .iter()
    .map(|(name, detail, snippet)| {
        CompletionItem::new(*name, CompletionKind::Constant, replace, 0)
            .detail(*detail)
            .snippet(*snippet)
    })
    .collect()
}

fn rule_names(snapshot: &Snapshot, file: SourceFile, replace: Span) -> Vec<CompletionItem> {
    let compiler = snapshot.compiler();
    let package = compiler.analyze(file).package.clone();
    let index = package_index(&compiler.db, compiler.workspace);
    index
        .packages
        .get(&package)
        .map(|info| {
            info.rules
                .keys()
                .map(|name| {
                    CompletionItem::new(name.clone(), CompletionKind::Rule, replace, 0)
                        .detail("rule")
                })
                .collect()
        })
        .unwrap_or_default()
}

fn package_names(snapshot: &Snapshot, replace: Span) -> Vec<CompletionItem> {
    let compiler = snapshot.compiler();
    package_index(&compiler.db, compiler.workspace)
        .packages
        .keys()
        .map(|name| {
            CompletionItem::new(name.clone(), CompletionKind::Module, replace, 0).detail("package")
        })
        .collect()
}

/// After `x.`: resource fields, properties after `x.props.`, functions of
/// an imported package.
fn member_completions(
    snapshot: &Snapshot,
    file: SourceFile,
    text: &str,
    offset: u32,
    replace: Span,
) -> Vec<CompletionItem> {
    let typed = analyze_with_placeholder(snapshot, file, text, offset);
    let member = typed.resource_use_at(offset);
    if let Some(ResourceUse::Property { types, .. }) = member {
        let Some(known) = schema().properties(types) else {
            return Vec::new();
        };
        return known
            .into_iter()
            .map(|(name, type_name, info)| {
                let mut detail = info.value_type.clone();
                if info.required {
                    detail.push_str(" · required");
                }
                if info.read_only {
                    detail.push_str(" · read-only");
                }
                // Required properties first, read-only attributes last.
                let rank = if info.required {
                    0
                } else if info.read_only {
                    2
                } else {
                    1
                };
                CompletionItem::new(name, CompletionKind::Property, replace, rank)
                    .detail(detail)
                    .documentation(property_markdown(type_name, name, info))
            })
            .collect();
    }
    if let Some(ResourceUse::Field { .. }) = member {
        return RESOURCE_FIELDS
            .iter()
            .map(|(name, ty, doc)| {
                CompletionItem::new(*name, CompletionKind::Field, replace, 0)
                    .detail(*ty)
                    .documentation(*doc)
            })
            .collect();
    }
    // `alias.` of an imported package.
    let receiver_end = replace.start.saturating_sub(1) as usize;
    let receiver_start = word_prefix_start(text, receiver_end as u32) as usize;
    let receiver = &text[receiver_start..receiver_end];
    let compiler = snapshot.compiler();
    let imports = &ward_compiler::parse(&compiler.db, file).file.imports;
    let Some(import) = imports.iter().find(|import| {
        import
            .visible_name()
            .is_some_and(|alias| alias.name == receiver)
    }) else {
        return Vec::new();
    };
    let index = package_index(&compiler.db, compiler.workspace);
    index
        .packages
        .get(&import.path.dotted())
        .map(|package| {
            let functions = package.functions.iter().map(|(name, entries)| {
                let arity = entries.first().map(|entry| entry.arity).unwrap_or(0);
                CompletionItem::new(name.clone(), CompletionKind::Function, replace, 0).detail(
                    format!(
                        "fn {name} ({arity} parameter{})",
                        if arity == 1 { "" } else { "s" }
                    ),
                )
            });
            let params = package.params.iter().map(|(name, entries)| {
                CompletionItem::new(name.clone(), CompletionKind::Constant, replace, 0)
                    .detail(param_detail(name, entries))
            });
            functions.chain(params).collect()
        })
        .unwrap_or_default()
}

/// The detail of a policy parameter's completion: `param name: type`.
fn param_detail(name: &str, entries: &[ward_compiler::items::ParamEntry]) -> String {
    match entries.first().and_then(|entry| entry.ty.as_ref()) {
        Some(ty) => format!("param {name}: {ty}"),
        None => format!("param {name}"),
    }
}

/// How many braces are open before `offset`, and whether the innermost
/// item is a test.
fn brace_context(text: &str, tokens: &[Token], offset: u32) -> (usize, bool) {
    let mut open: Vec<usize> = Vec::new();
    for (index, token) in tokens.iter().enumerate() {
        if token.span.start >= offset {
            break;
        }
        match token.kind {
            TokenKind::LBrace => open.push(index),
            TokenKind::RBrace => {
                open.pop();
            }
            _ => {}
        }
    }
    let in_test = open.first().is_some_and(|first| {
        // `test NAME {`: the token two before the outermost brace.
        first
            .checked_sub(2)
            .is_some_and(|keyword| tokens[keyword].kind == TokenKind::Test)
            && text.get(tokens[*first].span.range()) == Some("{")
    });
    (open.len(), in_test)
}
