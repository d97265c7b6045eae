//! From the syntax tree and the comments to a [`Doc`].
//!
//! The tree is walked in source order. Comments are kept in one list sorted
//! by position with a cursor; every place where the layout may put a line
//! break (before an item, a statement, a list element, an operand, any
//! expression) emits the comments that start before it. A comment that
//! follows code on its line stays at the end of a line (as a line suffix);
//! a comment on a line of its own stays on a line of its own. Because the
//! walk never reorders tokens, comments keep their order relative to the
//! code; at worst a comment in an odd place (between `.` and a field name)
//! moves to the end of the line.

use ward_syntax::Parse;
use ward_syntax::ast::{
    Attr, BinaryOp, Block, Check, CheckKind, Expr, ExprKind, FnDef, Ident, IfStmt, Import, Item,
    ObjectField, ParamDef, Path, Rule, SourceFile, Span, Stmt, TestDef, TestStmt, TypeExpr,
    UnaryOp,
};
use ward_syntax::lexer::{Comment, Token, TokenKind, tokenize};

use super::doc::{Doc, concat};

/// Binding strength of the expression forms, loosest first; mirrors the
/// grammar's precedence levels.
mod prec {
    pub const QUANTIFIER: u8 = 0;
    pub const OR: u8 = 1;
    pub const AND: u8 = 2;
    pub const NOT: u8 = 3;
    pub const COMPARE: u8 = 4;
    pub const ADD: u8 = 5;
    pub const MUL: u8 = 6;
    pub const NEG: u8 = 7;
    pub const POSTFIX: u8 = 8;
    pub const ATOM: u8 = 9;
}

/// Lays out a whole file.
pub(crate) fn file(text: &str, parse: &Parse) -> Doc {
    let (all_tokens, _) = tokenize(text);
    let tokens: Vec<Token> = all_tokens
        .into_iter()
        .filter(|token| !matches!(token.kind, TokenKind::LineComment | TokenKind::DocComment))
        .collect();
    let matching = match_parens(&tokens);
    let mut layout = Layout {
        text,
        comments: &parse.comments,
        next_comment: 0,
        tokens,
        matching,
    };
    layout.source_file(&parse.file)
}

fn match_parens(tokens: &[Token]) -> Vec<Option<usize>> {
    let mut matching = vec![None; tokens.len()];
    let mut open = Vec::new();
    for (index, token) in tokens.iter().enumerate() {
        match token.kind {
            TokenKind::LParen => open.push(index),
            TokenKind::RParen => {
                if let Some(start) = open.pop() {
                    matching[start] = Some(index);
                }
            }
            _ => {}
        }
    }
    matching
}

/// One element of a comma-separated list.
enum ListItem<'a> {
    Expr(&'a Expr),
    Field(&'a ObjectField),
    Param(&'a Ident),
}

impl ListItem<'_> {
    fn span(&self) -> Span {
        match self {
            ListItem::Expr(expr) => expr.span,
            ListItem::Field(field) => field.key.span.cover(field.value.span),
            ListItem::Param(ident) => ident.span,
        }
    }
}

/// Where a list's entries go.
struct Entries {
    parts: Vec<Doc>,
    first: bool,
    force_blank: bool,
}

impl Entries {
    fn new() -> Entries {
        Entries {
            parts: Vec::new(),
            first: true,
            force_blank: false,
        }
    }
}

struct Layout<'a> {
    text: &'a str,
    comments: &'a [Comment],
    next_comment: usize,
    /// Tokens without comments.
    tokens: Vec<Token>,
    /// For each `(` token, the index of its `)`.
    matching: Vec<Option<usize>>,
}

impl<'a> Layout<'a> {
    // ----- source helpers -----

    fn src(&self, span: Span) -> &'a str {
        self.text.get(span.range()).unwrap_or("")
    }

    fn token_index_at(&self, offset: u32) -> Option<usize> {
        let index = self
            .tokens
            .partition_point(|token| token.span.start < offset);
        (self.tokens.get(index)?.span.start == offset).then_some(index)
    }

    /// Start of the first token at or after `offset`.
    fn next_token_start(&self, offset: u32) -> u32 {
        let index = self
            .tokens
            .partition_point(|token| token.span.start < offset);
        self.tokens
            .get(index)
            .map(|token| token.span.start)
            .unwrap_or(offset)
    }

    /// Start of the last token that ends at or before `offset`.
    fn prev_token_start(&self, offset: u32) -> u32 {
        let index = self
            .tokens
            .partition_point(|token| token.span.end <= offset);
        index
            .checked_sub(1)
            .and_then(|index| self.tokens.get(index))
            .map(|token| token.span.start)
            .unwrap_or(offset)
    }

    /// The span without the parentheses that enclose all of it, and whether
    /// there were any.
    fn unparen(&self, mut span: Span) -> (Span, bool) {
        let mut parenthesized = false;
        while let Some(open) = self.token_index_at(span.start) {
            if self.tokens[open].kind != TokenKind::LParen {
                break;
            }
            let Some(close) = self.matching[open] else {
                break;
            };
            if self.tokens[close].span.end != span.end || close <= open + 1 {
                break;
            }
            span = Span {
                start: self.tokens[open + 1].span.start,
                end: self.tokens[close - 1].span.end,
            };
            parenthesized = true;
        }
        (span, parenthesized)
    }

    /// Whether there are at least two line breaks between the previous
    /// non-blank character and `offset`: a blank line.
    fn blank_line_before(&self, offset: u32) -> bool {
        let before = self.text.get(..offset as usize).unwrap_or("");
        let code_end = before.trim_end().len();
        before[code_end..].matches('\n').count() >= 2
    }

    /// Whether every token between the two offsets is of one of the kinds.
    fn only_between(&self, from: u32, to: u32, kinds: &[TokenKind]) -> bool {
        let first = self.tokens.partition_point(|token| token.span.start < from);
        self.tokens[first..]
            .iter()
            .take_while(|token| token.span.start < to)
            .all(|token| kinds.contains(&token.kind))
    }

    fn has_newline(&self, from: u32, to: u32) -> bool {
        from < to
            && self
                .src(Span {
                    start: from,
                    end: to,
                })
                .contains('\n')
    }

    // ----- comments -----

    fn peek_comment(&self, before: u32) -> Option<&'a Comment> {
        self.comments
            .get(self.next_comment)
            .filter(|comment| comment.span.start < before)
    }

    fn comment_text(&self, comment: &Comment) -> String {
        self.src(comment.span).trim_end().to_string()
    }

    /// Whether only whitespace precedes the comment on its line.
    fn is_own_line(&self, comment: &Comment) -> bool {
        let before = self.text.get(..comment.span.start as usize).unwrap_or("");
        let line_start = before.rfind('\n').map(|index| index + 1).unwrap_or(0);
        before[line_start..].trim().is_empty()
    }

    /// A comment after code on its line. With `keep_line` the enclosing
    /// groups break after it, so the code after it stays on the next line;
    /// without, the comment ended up after other code than it followed (it
    /// sat between two tokens where no line break is laid out) and goes to
    /// the end of the line without forcing a break, so that formatting the
    /// result again finds it in the same place.
    fn end_of_line(&mut self, comment: &Comment, keep_line: bool) -> Doc {
        let suffix = Doc::LineSuffix(format!(" {}", self.comment_text(comment)));
        if keep_line {
            concat![suffix, Doc::BreakParent]
        } else {
            suffix
        }
    }

    /// A comment on a line of its own.
    fn own_line(&mut self, comment: &Comment) -> Doc {
        Doc::Comment(self.comment_text(comment))
    }

    /// Comments before an expression or another spot inside a line.
    fn inline_comments(&mut self, before: u32) -> Doc {
        let mut parts = Vec::new();
        while let Some(comment) = self.peek_comment(before) {
            self.next_comment += 1;
            let doc = if self.is_own_line(comment) {
                self.own_line(comment)
            } else {
                self.end_of_line(comment, false)
            };
            parts.push(doc);
        }
        Doc::Concat(parts)
    }

    /// After a node that ends at `end`: comments left inside it, and a
    /// comment that follows it on the same line, all at the end of the line.
    fn trailing(&mut self, end: u32) -> Doc {
        self.trailing_past(end, &[TokenKind::Comma], true)
    }

    /// Like [`Layout::trailing`], also taking a comment that follows tokens
    /// of the `skippable` kinds on the same line (the operator after an
    /// operand). With `keep_line`, the enclosing groups break after the
    /// comment, so the code after it stays on the next line.
    fn trailing_past(&mut self, end: u32, skippable: &[TokenKind], keep_line: bool) -> Doc {
        let mut parts = Vec::new();
        while let Some(comment) = self.peek_comment(end) {
            self.next_comment += 1;
            let doc = self.end_of_line(comment, false);
            parts.push(doc);
        }
        if let Some(comment) = self.comments.get(self.next_comment)
            && !self.has_newline(end, comment.span.start)
            && self.only_between(end, comment.span.start, skippable)
        {
            self.next_comment += 1;
            let doc = self.end_of_line(comment, keep_line);
            parts.push(doc);
        }
        Doc::Concat(parts)
    }

    /// Right after an opening delimiter: a comment on the same line stays
    /// there.
    fn after_open(&mut self, open: u32) -> Doc {
        match self.comments.get(self.next_comment) {
            Some(comment)
                if comment.span.start > open
                    && !self.has_newline(open, comment.span.start)
                    && self.only_between(open + 1, comment.span.start, &[]) =>
            {
                self.next_comment += 1;
                self.end_of_line(comment, true)
            }
            _ => Doc::Nil,
        }
    }

    /// Comments before a closing delimiter, each on its own line.
    fn before_close(&mut self, close: u32) -> Doc {
        let mut parts = Vec::new();
        while let Some(comment) = self.peek_comment(close) {
            self.next_comment += 1;
            let doc = self.own_line(comment);
            parts.push(doc);
        }
        Doc::Concat(parts)
    }

    /// The line break before an entry, with a blank line when the source
    /// has one or the entry must start a new section (after `package` and
    /// after the imports). A comment right below the previous entry stays
    /// with it: the forced blank line goes after it.
    fn separator(&mut self, entries: &mut Entries, start: u32, is_comment: bool) -> Doc {
        if entries.first {
            entries.first = false;
            entries.force_blank = false;
            return Doc::Nil;
        }
        let source_blank = self.blank_line_before(start);
        let doc_comment = is_comment
            && self.src(Span {
                start,
                end: start + 3,
            }) == "///";
        let forced = entries.force_blank && (!is_comment || doc_comment || source_blank);
        if forced {
            entries.force_blank = false;
        }
        let blank = forced || source_blank;
        if blank {
            concat![Doc::FreshLine, Doc::HardLine]
        } else {
            Doc::FreshLine
        }
    }

    /// Comments before a line entry (item, statement), each on its own line
    /// with blank lines kept (at most one).
    fn leading_lines(&mut self, entries: &mut Entries, before: u32) {
        while let Some(comment) = self.peek_comment(before) {
            self.next_comment += 1;
            if !entries.first && !self.is_own_line(comment) {
                let doc = self.end_of_line(comment, true);
                entries.parts.push(doc);
                continue;
            }
            let separator = self.separator(entries, comment.span.start, true);
            entries.parts.push(separator);
            entries.parts.push(Doc::Comment(self.comment_text(comment)));
        }
    }

    /// Adds one line entry spanning `span`, with its comments.
    fn entry(&mut self, entries: &mut Entries, span: Span, build: impl FnOnce(&mut Self) -> Doc) {
        self.leading_lines(entries, span.start);
        let separator = self.separator(entries, span.start, false);
        entries.parts.push(separator);
        let doc = build(self);
        entries.parts.push(doc);
        let trailing = self.trailing(span.end);
        entries.parts.push(trailing);
    }

    // ----- items -----

    fn source_file(&mut self, file: &SourceFile) -> Doc {
        let mut entries = Entries::new();
        if let Some(package) = &file.package {
            let keyword = self.prev_token_start(package.span.start);
            let span = Span {
                start: keyword,
                end: package.span.end,
            };
            self.entry(&mut entries, span, |this| {
                concat![Doc::text("package "), this.path(package)]
            });
            entries.force_blank = true;
        }
        for import in &file.imports {
            self.entry(&mut entries, import.span, |this| this.import(import));
        }
        if !file.imports.is_empty() {
            entries.force_blank = true;
        }
        for item in &file.items {
            self.entry(&mut entries, item.span(), |this| this.item(item));
        }
        self.leading_lines(&mut entries, u32::MAX);
        Doc::Concat(entries.parts)
    }

    fn path(&self, path: &Path) -> Doc {
        Doc::text(path.dotted())
    }

    fn import(&mut self, import: &Import) -> Doc {
        let mut parts = vec![Doc::text("import "), self.path(&import.path)];
        if let Some(alias) = &import.alias {
            parts.push(Doc::text(format!(" as {}", alias.name)));
        }
        Doc::Concat(parts)
    }

    fn item(&mut self, item: &Item) -> Doc {
        match item {
            Item::Rule(rule) => self.rule(rule),
            Item::Fn(function) => self.function(function),
            Item::Test(test) => self.test(test),
            Item::Param(param) => self.param(param),
            Item::Error(span) => Doc::text(self.src(*span)),
        }
    }

    fn param(&mut self, param: &ParamDef) -> Doc {
        let keyword = self.keyword_after_attrs(&param.attrs, param.span.start);
        let attrs = self.attributes(&param.attrs, keyword);
        let name_comments = self.inline_comments(param.name.span.start);
        let hug = hugs(&param.default);
        let default = self.expr(&param.default, prec::QUANTIFIER);
        let default = if hug {
            concat![Doc::text(" = "), default]
        } else {
            Doc::group(concat![
                Doc::text(" ="),
                Doc::indent(concat![Doc::Line, default])
            ])
        };
        concat![
            attrs,
            Doc::text("param "),
            name_comments,
            Doc::text(format!("{}: {}", param.name.name, type_text(&param.ty))),
            default
        ]
    }

    /// The attributes on the lines they were written on, one space apart;
    /// a line of attributes that does not fit puts one attribute per line.
    /// Then the comments up to the item's keyword.
    fn attributes(&mut self, attrs: &[Attr], keyword: u32) -> Doc {
        if attrs.is_empty() {
            return Doc::Nil;
        }
        let mut lines = Vec::new();
        let mut line = Vec::new();
        for (index, attr) in attrs.iter().enumerate() {
            if index > 0 {
                let previous_end = attrs[index - 1].span.end;
                if self.has_newline(previous_end, attr.span.start) {
                    lines.push(Doc::group(Doc::Concat(std::mem::take(&mut line))));
                } else {
                    line.push(Doc::Line);
                }
            }
            line.push(self.inline_comments(attr.span.start));
            line.push(self.attribute(attr));
            // The attribute line ends after the last one anyway.
            let last = index + 1 == attrs.len();
            line.push(self.trailing_past(attr.span.end, &[TokenKind::Comma], !last));
        }
        lines.push(Doc::group(Doc::Concat(line)));
        let mut parts = Vec::new();
        for (index, line) in lines.into_iter().enumerate() {
            if index > 0 {
                parts.push(Doc::FreshLine);
            }
            parts.push(line);
        }
        let comments = self.inline_comments(keyword);
        concat![Doc::Concat(parts), Doc::HardLine, comments]
    }

    fn attribute(&self, attr: &Attr) -> Doc {
        let mut text = format!("@{}", attr.name.name);
        if !attr.args.is_empty() {
            let args: Vec<&str> = attr.args.iter().map(|arg| self.src(arg.span)).collect();
            text.push('(');
            text.push_str(&args.join(", "));
            text.push(')');
        }
        Doc::text(text)
    }

    fn keyword_after_attrs(&self, attrs: &[Attr], item_start: u32) -> u32 {
        match attrs.last() {
            Some(attr) => self.next_token_start(attr.span.end),
            None => item_start,
        }
    }

    fn rule(&mut self, rule: &Rule) -> Doc {
        let keyword = self.keyword_after_attrs(&rule.attrs, rule.span.start);
        let attrs = self.attributes(&rule.attrs, keyword);
        let name_comments = self.inline_comments(rule.name.span.start);
        let mut clauses = Vec::new();
        let mut header_end = rule.name.span.end;
        if let (Some(binding), Some(source)) = (&rule.binding, &rule.source) {
            let binding_comments = self.inline_comments(binding.span.start);
            let source_doc = self.expr(source, prec::QUANTIFIER);
            clauses.extend([
                Doc::Line,
                binding_comments,
                Doc::text(format!("for {} in ", binding.name)),
                source_doc,
            ]);
            header_end = source.span.end;
        }
        if let Some(guard) = &rule.guard {
            clauses.push(self.trailing(header_end));
            clauses.push(Doc::Line);
            let keyword = self.prev_token_start(guard.span.start);
            clauses.push(self.inline_comments(keyword));
            clauses.push(Doc::text("when "));
            clauses.push(self.expr(guard, prec::QUANTIFIER));
            header_end = guard.span.end;
        }
        clauses.push(self.trailing(header_end));
        let before_body = self.inline_comments(rule.body.span.start);
        let header = Doc::group(concat![
            Doc::text("rule "),
            name_comments,
            Doc::text(rule.name.name.clone()),
            Doc::indent(Doc::Concat(clauses)),
            Doc::Line,
            before_body,
        ]);
        let body = self.block(&rule.body);
        concat![attrs, header, body]
    }

    fn function(&mut self, function: &FnDef) -> Doc {
        let keyword = self.keyword_after_attrs(&function.attrs, function.span.start);
        let attrs = self.attributes(&function.attrs, keyword);
        let name_comments = self.inline_comments(function.name.span.start);
        let open = self.next_token_start(function.name.span.end);
        // The `)` is the token right before `=`, which is right before the body.
        let assign = self.prev_token_start(function.body.span.start);
        let close = self.prev_token_start(assign);
        let items: Vec<ListItem<'_>> = function.params.iter().map(ListItem::Param).collect();
        let params = self.comma_list("(", ")", open, close, &items, false, false);
        let hug = hugs(&function.body);
        let body = self.expr(&function.body, prec::QUANTIFIER);
        let body = if hug {
            concat![Doc::text(" = "), body]
        } else {
            Doc::group(concat![
                Doc::text(" ="),
                Doc::indent(concat![Doc::Line, body])
            ])
        };
        concat![
            attrs,
            Doc::text("fn "),
            name_comments,
            Doc::text(function.name.name.clone()),
            params,
            body
        ]
    }

    fn test(&mut self, test: &TestDef) -> Doc {
        let keyword = self.keyword_after_attrs(&test.attrs, test.span.start);
        let attrs = self.attributes(&test.attrs, keyword);
        let name_comments = self.inline_comments(test.name.span.start);
        let name = Doc::text(self.src(test.name.span));
        let open = self.next_token_start(test.name.span.end);
        let close = test.span.end.saturating_sub(1);
        let after_open = self.after_open(open);
        let mut entries = Entries::new();
        for stmt in &test.body {
            let span = stmt.span();
            self.entry(&mut entries, span, |this| this.test_stmt(stmt));
        }
        self.leading_lines(&mut entries, close);
        let body = if entries.parts.is_empty() {
            concat![Doc::text("{"), after_open, Doc::text("}")]
        } else {
            concat![
                Doc::text("{"),
                after_open,
                Doc::indent(concat![
                    Doc::HardLine,
                    Doc::Concat(entries.parts),
                    Doc::SuffixBoundary
                ]),
                Doc::FreshLine,
                Doc::text("}")
            ]
        };
        concat![
            attrs,
            Doc::text("test "),
            name_comments,
            name,
            Doc::text(" "),
            body
        ]
    }

    fn test_stmt(&mut self, stmt: &TestStmt) -> Doc {
        match stmt {
            TestStmt::Input { value, .. } => {
                concat![Doc::text("input "), self.expr(value, prec::QUANTIFIER)]
            }
            TestStmt::Expect {
                outcome,
                rule,
                resource,
                ..
            } => {
                let mut text = format!("expect {} {}", outcome.name, rule.name);
                if let Some(resource) = resource {
                    text.push_str(" for ");
                    text.push_str(self.src(resource.span));
                }
                Doc::text(text)
            }
            TestStmt::Error(span) => Doc::text(self.src(*span)),
            TestStmt::Param { name, value, .. } => concat![
                Doc::text(format!("param {} = ", name.dotted())),
                self.expr(value, prec::QUANTIFIER)
            ],
        }
    }

    // ----- statements -----

    fn block(&mut self, block: &Block) -> Doc {
        let close = block.span.end.saturating_sub(1);
        let after_open = self.after_open(block.span.start);
        let mut entries = Entries::new();
        for stmt in &block.stmts {
            self.entry(&mut entries, stmt.span(), |this| this.stmt(stmt));
        }
        self.leading_lines(&mut entries, close);
        if entries.parts.is_empty() {
            return concat![Doc::text("{"), after_open, Doc::text("}")];
        }
        concat![
            Doc::text("{"),
            after_open,
            Doc::indent(concat![
                Doc::HardLine,
                Doc::Concat(entries.parts),
                Doc::SuffixBoundary
            ]),
            Doc::FreshLine,
            Doc::text("}")
        ]
    }

    fn stmt(&mut self, stmt: &Stmt) -> Doc {
        match stmt {
            Stmt::Let { name, value, .. } => {
                let hug = hugs(value);
                let value = self.expr(value, prec::QUANTIFIER);
                if hug {
                    concat![Doc::text(format!("let {} = ", name.name)), value]
                } else {
                    Doc::group(concat![
                        Doc::text(format!("let {} =", name.name)),
                        Doc::indent(concat![Doc::Line, value])
                    ])
                }
            }
            Stmt::Check(check) => self.check(check),
            Stmt::When { cond, .. } => {
                concat![Doc::text("when "), self.expr(cond, prec::QUANTIFIER)]
            }
            Stmt::For {
                binding,
                iter,
                body,
                ..
            } => {
                let iter = self.expr(iter, prec::QUANTIFIER);
                let body = self.block(body);
                concat![
                    Doc::text(format!("for {} in ", binding.name)),
                    iter,
                    Doc::text(" "),
                    body
                ]
            }
            Stmt::If(statement) => self.if_stmt(statement),
            Stmt::Error(span) => Doc::text(self.src(*span)),
        }
    }

    /// `if c { ... } else if c { ... } else { ... }`, the `else` on the
    /// line of the closing brace before it.
    fn if_stmt(&mut self, statement: &IfStmt) -> Doc {
        let mut parts = Vec::new();
        for (index, branch) in statement.branches.iter().enumerate() {
            if index > 0 {
                parts.push(Doc::text(" else "));
            }
            let cond = self.expr(&branch.cond, prec::QUANTIFIER);
            let body = self.block(&branch.body);
            parts.extend([Doc::text("if "), cond, Doc::text(" "), body]);
        }
        if let Some(otherwise) = &statement.otherwise {
            let body = self.block(otherwise);
            parts.extend([Doc::text(" else "), body]);
        }
        Doc::Concat(parts)
    }

    /// `require`/`deny` with `message` and `at` on continuation lines when
    /// the statement does not fit on one line.
    fn check(&mut self, check: &Check) -> Doc {
        let keyword = match check.kind {
            CheckKind::Require => "require ",
            CheckKind::Deny => "deny ",
        };
        let cond = self.expr(&check.cond, prec::QUANTIFIER);
        let mut tail = Vec::new();
        let mut last_end = check.cond.span.end;
        for (word, expr) in [("message ", &check.message), ("at ", &check.at)] {
            let Some(expr) = expr else { continue };
            tail.push(self.trailing(last_end));
            tail.push(Doc::Line);
            let keyword = self.prev_token_start(expr.span.start);
            tail.push(self.inline_comments(keyword));
            tail.push(Doc::text(word));
            tail.push(self.expr(expr, prec::QUANTIFIER));
            last_end = expr.span.end;
        }
        Doc::group(concat![
            Doc::text(keyword),
            cond,
            Doc::indent(Doc::Concat(tail))
        ])
    }

    // ----- expressions -----

    /// An expression where the context needs binding strength `min`: it is
    /// parenthesized when it binds more loosely, and kept in the
    /// parentheses the source gave it when it is an operation.
    fn expr(&mut self, expr: &Expr, min: u8) -> Doc {
        let comments = self.inline_comments(expr.span.start);
        let (inner, parenthesized) = self.unparen(expr.span);
        let strength = precedence(&expr.kind);
        // Parentheses the author put around an operation stay: they often
        // say how to read it (`not (a == b)`).
        let keep = parenthesized && strength <= prec::MUL;
        let body = self.expr_body(expr, inner);
        if strength < min || keep {
            let close = inner.end;
            let trailing = self.trailing_inside(close);
            concat![comments, Doc::text("("), body, trailing, Doc::text(")")]
        } else {
            concat![comments, body]
        }
    }

    /// Comments left before `end` inside an expression, at the end of the
    /// line.
    fn trailing_inside(&mut self, end: u32) -> Doc {
        let mut parts = Vec::new();
        while let Some(comment) = self.peek_comment(end) {
            self.next_comment += 1;
            let doc = self.end_of_line(comment, false);
            parts.push(doc);
        }
        Doc::Concat(parts)
    }

    fn expr_body(&mut self, expr: &Expr, inner: Span) -> Doc {
        match &expr.kind {
            ExprKind::Null => Doc::text("null"),
            ExprKind::Bool(value) => Doc::text(if *value { "true" } else { "false" }),
            ExprKind::Number(_) | ExprKind::RawString(_) | ExprKind::Error => {
                Doc::text(self.src(inner))
            }
            ExprKind::String(literal) => Doc::text(self.src(literal.span)),
            ExprKind::Name(name) => Doc::text(name.clone()),
            ExprKind::List(items) => {
                let items: Vec<ListItem<'_>> = items.iter().map(ListItem::Expr).collect();
                self.comma_list(
                    "[",
                    "]",
                    inner.start,
                    inner.end.saturating_sub(1),
                    &items,
                    false,
                    false,
                )
            }
            ExprKind::Object(fields) => {
                let items: Vec<ListItem<'_>> = fields.iter().map(ListItem::Field).collect();
                let expanded = fields
                    .first()
                    .is_some_and(|field| self.has_newline(inner.start, field.key.span.start));
                self.comma_list(
                    "{",
                    "}",
                    inner.start,
                    inner.end.saturating_sub(1),
                    &items,
                    true,
                    expanded,
                )
            }
            ExprKind::Field(base, name) => {
                let base = self.expr(base, prec::POSTFIX);
                concat![base, Doc::text(format!(".{}", name.name))]
            }
            ExprKind::Named(name, value) => {
                let value = self.expr(value, prec::QUANTIFIER);
                concat![Doc::text(format!("{}: ", name.name)), value]
            }
            ExprKind::Index(base, index) => {
                let base = self.expr(base, prec::POSTFIX);
                let index = self.expr(index, prec::QUANTIFIER);
                let trailing = self.trailing_inside(inner.end.saturating_sub(1));
                concat![base, Doc::text("["), index, trailing, Doc::text("]")]
            }
            ExprKind::Call(callee, args) => {
                let callee_doc = self.expr(callee, prec::POSTFIX);
                let open = self.next_token_start(callee.span.end);
                let items: Vec<ListItem<'_>> = args.iter().map(ListItem::Expr).collect();
                let args = self.comma_list(
                    "(",
                    ")",
                    open,
                    inner.end.saturating_sub(1),
                    &items,
                    false,
                    false,
                );
                concat![callee_doc, args]
            }
            ExprKind::Unary(UnaryOp::Not, operand) => {
                concat![Doc::text("not "), self.expr(operand, prec::NOT)]
            }
            ExprKind::Unary(UnaryOp::Neg, operand) => {
                concat![Doc::text("-"), self.expr(operand, prec::NEG)]
            }
            ExprKind::Binary(op @ (BinaryOp::And | BinaryOp::Or), _, _) => self.chain(expr, *op),
            ExprKind::Binary(op, left, right) => {
                let (left_min, right_min) = operand_strengths(*op);
                let left = self.expr(left, left_min);
                let right = self.expr(right, right_min);
                concat![left, Doc::text(format!(" {} ", op.symbol())), right]
            }
            ExprKind::Comprehension(comprehension) => {
                let element = self.expr(&comprehension.element, prec::QUANTIFIER);
                let source = self.expr(&comprehension.source, prec::OR);
                // One clause per line when it does not fit, like a list.
                let mut clauses = vec![
                    Doc::SoftLine,
                    element,
                    Doc::Line,
                    Doc::text(format!("for {} in ", comprehension.binding.name)),
                    source,
                ];
                if let Some(filter) = &comprehension.filter {
                    let filter = self.expr(filter, prec::QUANTIFIER);
                    clauses.extend([Doc::Line, Doc::text("if "), filter]);
                }
                let trailing = self.trailing_inside(inner.end.saturating_sub(1));
                clauses.push(trailing);
                Doc::group(concat![
                    Doc::text("["),
                    Doc::indent(Doc::Concat(clauses)),
                    Doc::SoftLine,
                    Doc::text("]")
                ])
            }
            ExprKind::Slice(base, start, end) => {
                let base = self.expr(base, prec::POSTFIX);
                let start = match start {
                    Some(bound) => self.expr(bound, prec::OR),
                    None => Doc::Nil,
                };
                let end = match end {
                    Some(bound) => self.expr(bound, prec::OR),
                    None => Doc::Nil,
                };
                let trailing = self.trailing_inside(inner.end.saturating_sub(1));
                concat![
                    base,
                    Doc::text("["),
                    start,
                    Doc::text(":"),
                    end,
                    trailing,
                    Doc::text("]")
                ]
            }
            ExprKind::Quantifier(quantifier) => {
                let source = self.expr(&quantifier.source, prec::OR);
                let body = self.expr(&quantifier.body, prec::QUANTIFIER);
                Doc::group(concat![
                    Doc::text(format!(
                        "{} {} in ",
                        quantifier.kind.keyword(),
                        quantifier.binding.name
                    )),
                    source,
                    Doc::text(":"),
                    Doc::indent(concat![Doc::Line, body])
                ])
            }
        }
    }

    /// `a and b and c` (or `or`): one operand per line when it does not fit.
    /// Operands are parenthesized when they are themselves `and`/`or`, so
    /// that mixing the two always shows which binds first.
    fn chain(&mut self, expr: &Expr, op: BinaryOp) -> Doc {
        let mut operands = Vec::new();
        self.collect_chain(expr, op, &mut operands);
        let operator = if op == BinaryOp::And {
            TokenKind::And
        } else {
            TokenKind::Or
        };
        let mut parts = Vec::new();
        let mut rest = Vec::new();
        for (index, operand) in operands.iter().enumerate() {
            // A comment after the last operand ends the line anyway.
            let keep_line = index + 1 < operands.len();
            if index == 0 {
                parts.push(self.expr(operand, prec::NOT));
                parts.push(self.trailing_past(operand.span.end, &[operator], keep_line));
            } else {
                rest.push(Doc::Line);
                let keyword = self.prev_token_start(operand.span.start);
                rest.push(self.inline_comments(keyword));
                rest.push(Doc::text(format!("{} ", op.symbol())));
                rest.push(self.expr(operand, prec::NOT));
                rest.push(self.trailing_past(operand.span.end, &[operator], keep_line));
            }
        }
        parts.push(Doc::indent(Doc::Concat(rest)));
        Doc::group(Doc::Concat(parts))
    }

    fn collect_chain<'e>(&self, expr: &'e Expr, op: BinaryOp, out: &mut Vec<&'e Expr>) {
        if let ExprKind::Binary(inner_op, left, right) = &expr.kind
            && *inner_op == op
        {
            let (_, left_parenthesized) = self.unparen(left.span);
            let left_is_same =
                matches!(&left.kind, ExprKind::Binary(left_op, _, _) if *left_op == op);
            if left_is_same && !left_parenthesized {
                self.collect_chain(left, op, out);
            } else {
                out.push(left);
            }
            out.push(right);
            return;
        }
        out.push(expr);
    }

    /// A comma-separated list between `open` and `close` (the offsets of the
    /// delimiters): flat when it fits, else one element per line with a
    /// trailing comma.
    #[expect(
        clippy::too_many_arguments,
        reason = "the list's shape is spelled out at each call"
    )]
    fn comma_list(
        &mut self,
        open_text: &str,
        close_text: &str,
        open: u32,
        close: u32,
        items: &[ListItem<'_>],
        spaced: bool,
        expanded: bool,
    ) -> Doc {
        let after_open = self.after_open(open);
        let mut parts = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let doc = self.list_item(item);
            parts.push(doc);
            if index + 1 < items.len() {
                parts.push(Doc::text(","));
                parts.push(self.trailing(item.span().end));
                parts.push(Doc::Line);
            } else {
                parts.push(Doc::if_break(Doc::text(","), Doc::Nil));
                parts.push(self.trailing(item.span().end));
            }
        }
        let closing = self.before_close(close);
        let inner_line = if spaced { Doc::Line } else { Doc::SoftLine };
        let outer_line = if spaced { Doc::Line } else { Doc::SoftLine };
        if items.is_empty() {
            return Doc::group(concat![
                Doc::text(open_text),
                after_open,
                Doc::indent(concat![closing, Doc::SuffixBoundary]),
                Doc::SoftLine,
                Doc::text(close_text)
            ]);
        }
        let content = concat![
            Doc::text(open_text),
            after_open,
            Doc::indent(concat![
                inner_line,
                Doc::Concat(parts),
                closing,
                Doc::SuffixBoundary
            ]),
            outer_line,
            Doc::text(close_text)
        ];
        if expanded {
            Doc::broken_group(content)
        } else {
            Doc::group(content)
        }
    }

    fn list_item(&mut self, item: &ListItem<'_>) -> Doc {
        match item {
            ListItem::Expr(expr) => self.expr(expr, prec::QUANTIFIER),
            ListItem::Field(field) => {
                let comments = self.inline_comments(field.key.span.start);
                let key = Doc::text(self.src(field.key.span));
                let value = self.expr(&field.value, prec::QUANTIFIER);
                concat![comments, key, Doc::text(": "), value]
            }
            ListItem::Param(ident) => {
                let comments = self.inline_comments(ident.span.start);
                concat![comments, Doc::text(ident.name.clone())]
            }
        }
    }
}

/// Whether a value stays on the line of `=` and breaks inside its own
/// delimiters instead.
fn hugs(expr: &Expr) -> bool {
    matches!(
        expr.kind,
        ExprKind::List(_)
            | ExprKind::Comprehension(_)
            | ExprKind::Object(_)
            | ExprKind::Call(..)
            | ExprKind::String(_)
    )
}

fn precedence(kind: &ExprKind) -> u8 {
    match kind {
        ExprKind::Quantifier(_) => prec::QUANTIFIER,
        ExprKind::Binary(op, _, _) => match op {
            BinaryOp::Or => prec::OR,
            BinaryOp::And => prec::AND,
            BinaryOp::Eq
            | BinaryOp::Ne
            | BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge
            | BinaryOp::In
            | BinaryOp::NotIn
            | BinaryOp::Matches => prec::COMPARE,
            BinaryOp::Add | BinaryOp::Sub => prec::ADD,
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => prec::MUL,
        },
        ExprKind::Unary(UnaryOp::Not, _) => prec::NOT,
        ExprKind::Unary(UnaryOp::Neg, _) => prec::NEG,
        ExprKind::Field(..) | ExprKind::Index(..) | ExprKind::Slice(..) | ExprKind::Call(..) => {
            prec::POSTFIX
        }
        _ => prec::ATOM,
    }
}

/// The binding strengths the left and right operands of `op` need.
fn operand_strengths(op: BinaryOp) -> (u8, u8) {
    match op {
        BinaryOp::Or => (prec::OR, prec::AND),
        BinaryOp::And => (prec::AND, prec::NOT),
        BinaryOp::Add | BinaryOp::Sub => (prec::ADD, prec::MUL),
        BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => (prec::MUL, prec::NEG),
        BinaryOp::Eq
        | BinaryOp::Ne
        | BinaryOp::Lt
        | BinaryOp::Le
        | BinaryOp::Gt
        | BinaryOp::Ge
        | BinaryOp::In
        | BinaryOp::NotIn
        | BinaryOp::Matches => (prec::ADD, prec::ADD),
    }
}

/// A parameter type as written, without spaces: `list<string>`.
fn type_text(ty: &TypeExpr) -> String {
    match &ty.element {
        Some(element) => format!("{}<{}>", ty.name.name, type_text(element)),
        None => ty.name.name.clone(),
    }
}
