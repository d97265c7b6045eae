//! The one place that converts between the `ide` layer's plain data and
//! protocol types, and between byte offsets and the protocol's UTF-16
//! line/character positions.

use std::collections::HashMap;
use std::str::FromStr;

use serde_json::Value;
use tower_lsp_server::ls_types as lsp;
use ward_compiler::{Diagnostic, Level};
use ward_syntax::LineIndex;
use ward_syntax::ast::Span;

use crate::ide::{
    Assist, CompletionItem, CompletionKind, FileRange, HighlightKind, HighlightModifier,
    HighlightedRange, HoverResult, InputDiagnostic, InputDiagnosticKind, NavigationTarget,
    RuleLens, SignatureInfo, Snapshot, SourceChange, Symbol, SymbolKind, TextEdit,
};

/// The command that runs a rule on the sample template.
pub(crate) const RUN_RULE_COMMAND: &str = "ward.runRule";

// ----- positions -----

/// A protocol position from a byte offset.
pub(crate) fn position(index: &LineIndex, text: &str, offset: u32) -> lsp::Position {
    let (line, character) = index.utf16_position(text, offset);
    lsp::Position { line, character }
}

/// A protocol range from a byte span.
pub(crate) fn range(index: &LineIndex, text: &str, span: Span) -> lsp::Range {
    lsp::Range {
        start: position(index, text, span.start),
        end: position(index, text, span.end),
    }
}

/// A byte offset from a protocol position (clamped to the text).
pub(crate) fn offset(index: &LineIndex, text: &str, position: lsp::Position) -> u32 {
    index.offset_of_utf16(text, position.line, position.character)
}

/// A byte span from a protocol range.
pub(crate) fn span(index: &LineIndex, text: &str, range: lsp::Range) -> Span {
    let start = offset(index, text, range.start);
    let end = offset(index, text, range.end).max(start);
    Span { start, end }
}

/// The URI of a file of the workspace (files are named by their URI).
pub(crate) fn uri(path: &str) -> Option<lsp::Uri> {
    lsp::Uri::from_str(path).ok()
}

/// Converts ranges of any file of the snapshot, caching line indexes.
pub(crate) struct Ranges<'a> {
    snapshot: &'a Snapshot,
    indexes: HashMap<String, std::sync::Arc<LineIndex>>,
}

impl<'a> Ranges<'a> {
    pub(crate) fn new(snapshot: &'a Snapshot) -> Ranges<'a> {
        Ranges {
            snapshot,
            indexes: HashMap::new(),
        }
    }

    pub(crate) fn range(&mut self, file: &str, span: Span) -> Option<lsp::Range> {
        let text = self.snapshot.file_text(file)?;
        if !self.indexes.contains_key(file) {
            self.indexes
                .insert(file.to_string(), self.snapshot.line_index(file)?);
        }
        let index = self.indexes.get(file)?;
        Some(range(index, text, span))
    }

    pub(crate) fn location(&mut self, file: &str, span: Span) -> Option<lsp::Location> {
        Some(lsp::Location {
            uri: uri(file)?,
            range: self.range(file, span)?,
        })
    }
}

// ----- diagnostics -----

pub(crate) fn diagnostic(
    ranges: &mut Ranges<'_>,
    diagnostic: &Diagnostic,
    related_information: bool,
) -> Option<lsp::Diagnostic> {
    let range = ranges.range(&diagnostic.file, diagnostic.span)?;
    let mut message = diagnostic.message.clone();
    if let Some(help) = &diagnostic.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let mut related = Vec::new();
    if !diagnostic.label.is_empty()
        && let Some(location) = ranges.location(&diagnostic.file, diagnostic.span)
    {
        related.push(lsp::DiagnosticRelatedInformation {
            location,
            message: diagnostic.label.clone(),
        });
    }
    for label in &diagnostic.labels {
        let file = label.file.as_deref().unwrap_or(&diagnostic.file);
        if let Some(location) = ranges.location(file, label.span) {
            related.push(lsp::DiagnosticRelatedInformation {
                location,
                message: label.message.clone(),
            });
        }
    }
    if !related_information {
        for info in related.drain(..) {
            message.push_str(&format!("\nnote: {}", info.message));
        }
    }
    let unnecessary = diagnostic.code == ward_compiler::Code::UnusedBinding;
    Some(lsp::Diagnostic {
        range,
        severity: Some(match diagnostic.level {
            Level::Error => lsp::DiagnosticSeverity::ERROR,
            Level::Warning => lsp::DiagnosticSeverity::WARNING,
        }),
        code: Some(lsp::NumberOrString::String(
            diagnostic.code.as_str().to_string(),
        )),
        code_description: None,
        source: Some("ward".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: unnecessary.then(|| vec![lsp::DiagnosticTag::UNNECESSARY]),
        data: None,
    })
}

// ----- hover, completion, signatures -----

pub(crate) fn hover(ranges: &mut Ranges<'_>, file: &str, result: HoverResult) -> lsp::Hover {
    lsp::Hover {
        contents: lsp::HoverContents::Markup(markdown(result.markdown)),
        range: ranges.range(file, result.span),
    }
}

fn markdown(value: String) -> lsp::MarkupContent {
    lsp::MarkupContent {
        kind: lsp::MarkupKind::Markdown,
        value,
    }
}

pub(crate) fn completion_item(
    ranges: &mut Ranges<'_>,
    file: &str,
    item: CompletionItem,
    snippets: bool,
) -> Option<lsp::CompletionItem> {
    let kind = match item.kind {
        CompletionKind::Keyword => lsp::CompletionItemKind::KEYWORD,
        CompletionKind::Snippet => lsp::CompletionItemKind::SNIPPET,
        CompletionKind::Builtin | CompletionKind::Function => lsp::CompletionItemKind::FUNCTION,
        CompletionKind::Variable => lsp::CompletionItemKind::VARIABLE,
        CompletionKind::Field => lsp::CompletionItemKind::FIELD,
        CompletionKind::Property => lsp::CompletionItemKind::PROPERTY,
        CompletionKind::ResourceType => lsp::CompletionItemKind::CLASS,
        CompletionKind::Module => lsp::CompletionItemKind::MODULE,
        CompletionKind::Rule => lsp::CompletionItemKind::EVENT,
        CompletionKind::Constant => lsp::CompletionItemKind::ENUM_MEMBER,
    };
    if item.is_snippet && !snippets && item.kind == CompletionKind::Snippet {
        // A template without placeholders support is more noise than help.
        return None;
    }
    let (new_text, format) = match (&item.insert_text, item.is_snippet && snippets) {
        (Some(text), true) => (text.clone(), lsp::InsertTextFormat::SNIPPET),
        _ => (item.label.clone(), lsp::InsertTextFormat::PLAIN_TEXT),
    };
    let range = ranges.range(file, item.replace)?;
    Some(lsp::CompletionItem {
        label: item.label,
        kind: Some(kind),
        detail: item.detail,
        documentation: item
            .documentation
            .map(|doc| lsp::Documentation::MarkupContent(markdown(doc))),
        sort_text: Some(item.sort_text),
        insert_text_format: Some(format),
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
            range,
            new_text,
        })),
        ..Default::default()
    })
}

pub(crate) fn signature_help(info: SignatureInfo) -> lsp::SignatureHelp {
    let parameters = info
        .parameters
        .iter()
        .map(|(start, end)| {
            // The protocol counts offsets into the label in UTF-16 units; the
            // labels are ASCII, but convert anyway.
            let utf16 = |byte: u32| info.label[..byte as usize].encode_utf16().count() as u32;
            lsp::ParameterInformation {
                label: lsp::ParameterLabel::LabelOffsets([utf16(*start), utf16(*end)]),
                documentation: None,
            }
        })
        .collect();
    lsp::SignatureHelp {
        signatures: vec![lsp::SignatureInformation {
            label: info.label,
            documentation: info
                .documentation
                .map(|doc| lsp::Documentation::MarkupContent(markdown(doc))),
            parameters: Some(parameters),
            active_parameter: info.active_parameter,
        }],
        active_signature: Some(0),
        active_parameter: info.active_parameter,
    }
}

// ----- navigation and edits -----

pub(crate) fn locations(
    ranges: &mut Ranges<'_>,
    targets: Vec<NavigationTarget>,
) -> Vec<lsp::Location> {
    targets
        .into_iter()
        .filter_map(|target| ranges.location(&target.file, target.focus_span))
        .collect()
}

pub(crate) fn file_ranges(ranges: &mut Ranges<'_>, found: Vec<FileRange>) -> Vec<lsp::Location> {
    found
        .into_iter()
        .filter_map(|range| ranges.location(&range.file, range.span))
        .collect()
}

pub(crate) fn text_edit(
    ranges: &mut Ranges<'_>,
    file: &str,
    edit: TextEdit,
) -> Option<lsp::TextEdit> {
    Some(lsp::TextEdit {
        range: ranges.range(file, edit.span)?,
        new_text: edit.new_text,
    })
}

pub(crate) fn workspace_edit(ranges: &mut Ranges<'_>, change: SourceChange) -> lsp::WorkspaceEdit {
    let mut changes = HashMap::new();
    for (file, edits) in change.edits {
        let Some(file_uri) = uri(&file) else { continue };
        let edits: Vec<lsp::TextEdit> = edits
            .into_iter()
            .filter_map(|edit| text_edit(ranges, &file, edit))
            .collect();
        changes.insert(file_uri, edits);
    }
    lsp::WorkspaceEdit {
        changes: Some(changes),
        document_changes: None,
        change_annotations: None,
    }
}

pub(crate) fn code_action(
    ranges: &mut Ranges<'_>,
    assist: Assist,
    related_information: bool,
) -> lsp::CodeActionOrCommand {
    let diagnostic = diagnostic(ranges, &assist.diagnostic, related_information);
    lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
        title: assist.title,
        kind: Some(lsp::CodeActionKind::QUICKFIX),
        diagnostics: diagnostic.map(|diagnostic| vec![diagnostic]),
        edit: Some(workspace_edit(ranges, assist.change)),
        command: None,
        is_preferred: Some(assist.preferred),
        disabled: None,
        data: None,
    })
}

pub(crate) fn code_lens(
    ranges: &mut Ranges<'_>,
    file: &str,
    lens: RuleLens,
    command: &str,
) -> Option<lsp::CodeLens> {
    Some(lsp::CodeLens {
        range: ranges.range(file, lens.span)?,
        command: Some(lsp::Command {
            title: "▶ Run on sample".to_string(),
            command: command.to_string(),
            arguments: Some(vec![
                Value::String(file.to_string()),
                Value::String(lens.rule),
            ]),
        }),
        data: None,
    })
}

// ----- symbols -----

fn symbol_kind(kind: SymbolKind) -> lsp::SymbolKind {
    match kind {
        SymbolKind::Rule => lsp::SymbolKind::EVENT,
        SymbolKind::Function => lsp::SymbolKind::FUNCTION,
        SymbolKind::Test => lsp::SymbolKind::METHOD,
        SymbolKind::Binding => lsp::SymbolKind::VARIABLE,
        SymbolKind::Param => lsp::SymbolKind::CONSTANT,
    }
}

#[expect(
    deprecated,
    reason = "the protocol type still has the `deprecated` field; it must be set"
)]
pub(crate) fn document_symbol(
    ranges: &mut Ranges<'_>,
    file: &str,
    symbol: Symbol,
) -> Option<lsp::DocumentSymbol> {
    let children: Vec<lsp::DocumentSymbol> = symbol
        .children
        .into_iter()
        .filter_map(|child| document_symbol(ranges, file, child))
        .collect();
    Some(lsp::DocumentSymbol {
        name: symbol.name,
        detail: symbol.detail,
        kind: symbol_kind(symbol.kind),
        tags: None,
        deprecated: None,
        range: ranges.range(file, symbol.span)?,
        selection_range: ranges.range(file, symbol.selection_span)?,
        children: (!children.is_empty()).then_some(children),
    })
}

pub(crate) fn workspace_symbol(
    ranges: &mut Ranges<'_>,
    file: &str,
    symbol: Symbol,
) -> Option<lsp::WorkspaceSymbol> {
    Some(lsp::WorkspaceSymbol {
        name: symbol.name,
        kind: symbol_kind(symbol.kind),
        tags: None,
        container_name: symbol.detail,
        location: lsp::OneOf::Left(ranges.location(file, symbol.selection_span)?),
        data: None,
    })
}

// ----- semantic tokens -----

const TOKEN_KINDS: &[(HighlightKind, lsp::SemanticTokenType)] = &[
    (HighlightKind::Keyword, lsp::SemanticTokenType::KEYWORD),
    (HighlightKind::Comment, lsp::SemanticTokenType::COMMENT),
    (HighlightKind::String, lsp::SemanticTokenType::STRING),
    (HighlightKind::Regexp, lsp::SemanticTokenType::REGEXP),
    (HighlightKind::Number, lsp::SemanticTokenType::NUMBER),
    (HighlightKind::Operator, lsp::SemanticTokenType::OPERATOR),
    (HighlightKind::Variable, lsp::SemanticTokenType::VARIABLE),
    (HighlightKind::Parameter, lsp::SemanticTokenType::PARAMETER),
    (HighlightKind::Function, lsp::SemanticTokenType::FUNCTION),
    (HighlightKind::Property, lsp::SemanticTokenType::PROPERTY),
    (HighlightKind::Namespace, lsp::SemanticTokenType::NAMESPACE),
    (HighlightKind::Decorator, lsp::SemanticTokenType::DECORATOR),
    (
        HighlightKind::EnumMember,
        lsp::SemanticTokenType::ENUM_MEMBER,
    ),
];

const TOKEN_MODIFIERS: &[(HighlightModifier, lsp::SemanticTokenModifier)] = &[
    (
        HighlightModifier::Declaration,
        lsp::SemanticTokenModifier::DECLARATION,
    ),
    (
        HighlightModifier::Readonly,
        lsp::SemanticTokenModifier::READONLY,
    ),
    (
        HighlightModifier::DefaultLibrary,
        lsp::SemanticTokenModifier::DEFAULT_LIBRARY,
    ),
    (
        HighlightModifier::Documentation,
        lsp::SemanticTokenModifier::DOCUMENTATION,
    ),
];

pub(crate) fn semantic_tokens_legend() -> lsp::SemanticTokensLegend {
    lsp::SemanticTokensLegend {
        token_types: TOKEN_KINDS.iter().map(|(_, kind)| kind.clone()).collect(),
        token_modifiers: TOKEN_MODIFIERS
            .iter()
            .map(|(_, modifier)| modifier.clone())
            .collect(),
    }
}

/// Encodes highlighted ranges: one token per line of each range, positions
/// relative to the previous token, lengths in UTF-16 units.
pub(crate) fn semantic_tokens(
    index: &LineIndex,
    text: &str,
    mut ranges: Vec<HighlightedRange>,
) -> lsp::SemanticTokens {
    ranges.sort_by_key(|range| (range.span.start, range.span.end));
    let mut data = Vec::with_capacity(ranges.len());
    let (mut previous_line, mut previous_start) = (0u32, 0u32);
    let mut covered_until = 0u32;
    for highlighted in ranges {
        if highlighted.span.start < covered_until {
            continue;
        }
        covered_until = highlighted.span.end;
        let Some(token_type) = TOKEN_KINDS
            .iter()
            .position(|(kind, _)| *kind == highlighted.kind)
        else {
            continue;
        };
        let modifiers = TOKEN_MODIFIERS
            .iter()
            .enumerate()
            .filter(|(_, (modifier, _))| highlighted.modifiers & (*modifier as u32) != 0)
            .fold(0u32, |bits, (bit, _)| bits | (1 << bit));
        let piece_text = text.get(highlighted.span.range()).unwrap_or("");
        let mut piece_start = highlighted.span.start;
        for piece in piece_text.split_inclusive('\n') {
            let content = piece.trim_end_matches(['\n', '\r']);
            let (line, character) = index.utf16_position(text, piece_start);
            let length = content.encode_utf16().count() as u32;
            if length > 0 {
                let delta_line = line - previous_line;
                let delta_start = if delta_line == 0 {
                    character - previous_start
                } else {
                    character
                };
                data.push(lsp::SemanticToken {
                    delta_line,
                    delta_start,
                    length,
                    token_type: token_type as u32,
                    token_modifiers_bitset: modifiers,
                });
                previous_line = line;
                previous_start = character;
            }
            piece_start += piece.len() as u32;
        }
    }
    lsp::SemanticTokens {
        result_id: None,
        data,
    }
}

/// The range a diagnostic in an input covers: from its position to the end
/// of the value's first line, leaving out a trailing comma and a YAML
/// comment, or the position alone when the rest of the line is empty.
pub(crate) fn input_range(index: &LineIndex, text: &str, line: u32, column: u32) -> lsp::Range {
    let start = index.offset_of(text, ward_syntax::LineCol { line, column });
    let rest = text.get(start as usize..).unwrap_or("");
    let rest = rest.split('\n').next().unwrap_or("");
    let content = match rest.find(" #") {
        Some(comment) => &rest[..comment],
        None => rest,
    };
    let content = content.trim_end().trim_end_matches(',').trim_end();
    let end = start + u32::try_from(content.len()).unwrap_or(0);
    range(index, text, Span::new(start as usize, end as usize))
}

/// An input's diagnostic: findings by severity (critical and high are
/// errors, medium warnings, low and info information), *unknown* outcomes
/// as information with their reason, load errors as errors. The rule id is
/// the code, linked to where the rule is written.
pub(crate) fn input_diagnostic(
    index: &LineIndex,
    text: &str,
    diagnostic: &InputDiagnostic,
) -> lsp::Diagnostic {
    use ward_abi::Severity;
    let by_severity = |severity: Severity| match severity {
        Severity::Critical | Severity::High => lsp::DiagnosticSeverity::ERROR,
        Severity::Medium => lsp::DiagnosticSeverity::WARNING,
        Severity::Low | Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
    };
    let (severity, message) = match diagnostic.kind {
        InputDiagnosticKind::Fail(severity) => (by_severity(severity), diagnostic.message.clone()),
        InputDiagnosticKind::Unknown(_) => (
            lsp::DiagnosticSeverity::INFORMATION,
            format!("unknown: {}", diagnostic.message),
        ),
        InputDiagnosticKind::LoadError => {
            (lsp::DiagnosticSeverity::ERROR, diagnostic.message.clone())
        }
        InputDiagnosticKind::Suppression | InputDiagnosticKind::Policy => {
            (lsp::DiagnosticSeverity::WARNING, diagnostic.message.clone())
        }
    };
    let code_description = diagnostic
        .rule
        .as_ref()
        .and_then(|rule| rule_link(&rule.source))
        .map(|href| lsp::CodeDescription { href });
    lsp::Diagnostic {
        range: match diagnostic.kind {
            InputDiagnosticKind::LoadError | InputDiagnosticKind::Policy => {
                let start = index.offset_of(
                    text,
                    ward_syntax::LineCol {
                        line: diagnostic.line,
                        column: diagnostic.column,
                    },
                );
                range(index, text, Span::new(start as usize, start as usize))
            }
            _ => input_range(index, text, diagnostic.line, diagnostic.column),
        },
        severity: Some(severity),
        code: diagnostic.code.clone().map(lsp::NumberOrString::String),
        code_description,
        source: Some("ward".to_string()),
        message,
        related_information: None,
        tags: None,
        data: diagnostic
            .resource
            .as_ref()
            .map(|resource| serde_json::json!({ "resource": resource })),
    }
}

/// Where a rule is written, as a link: the file's URI with the line as
/// `#L<line>` (the standard library's files are written out for the
/// editor, so they have one too); `None` for a path that is no URI.
pub(crate) fn rule_link(source: &ward_abi::SourceSpan) -> Option<lsp::Uri> {
    let base = if source.file.contains("://") {
        source.file.clone()
    } else {
        uri(&source.file)?.as_str().to_string()
    };
    format!("{base}#L{}", source.start_line).parse().ok()
}

/// Hover text for a resource of an input: its rules and their outcomes.
pub(crate) fn resource_verdicts_markdown(resource: &crate::ide::ResourceVerdicts) -> String {
    let mut text = format!("**`{}`** `{}`\n\n", resource.id, resource.resource_type);
    if resource.outcomes.is_empty() {
        text.push_str("No rule of the policies judged this resource.");
        return text;
    }
    text.push_str("| Rule | Outcome | |\n| --- | --- | --- |\n");
    for verdict in &resource.outcomes {
        text.push_str(&format!(
            "| {} | {} | {} |\n",
            verdict.rule,
            verdict.outcome,
            verdict.title.replace('|', "\\|")
        ));
    }
    text
}

/// Hover text for a finding: the rule, the message and the rule's doc
/// comment (its rationale and its "Fix:").
pub(crate) fn finding_markdown(diagnostic: &InputDiagnostic, rule: &ward_abi::RuleMeta) -> String {
    let outcome = match diagnostic.kind {
        InputDiagnosticKind::Unknown(_) => "unknown",
        _ => "fail",
    };
    format!(
        "**{}** `{}.{}` ({}, {})\n\n{}\n\n{}",
        rule.id,
        rule.package,
        rule.name,
        rule.severity.as_str(),
        outcome,
        diagnostic.message,
        rule.description
    )
}
