//! Name resolution and type checking of one file, in one walk over its tree.
//!
//! The result, [`Analysis`], holds the file's diagnostics, what every name
//! refers to (for lowering and for the editor's go to definition, references
//! and rename), the metadata of its rules, every binding with where it is
//! visible and which resource types it holds, and where the file names
//! resource types and properties (for the schema checks in
//! [`crate::schema`], and the editor's completion and hover).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::Serialize;
use ward_abi::Severity;
use ward_syntax::ast::{
    AttrValue, BinaryOp, Block, CheckKind, Expr, ExprKind, FnDef, Ident, Item, ParamDef, Rule,
    Span, Stmt, StringPart, TestDef, TestStmt, UnaryOp,
};
use ward_syntax::{Parse, SyntaxError, SyntaxErrorKind};

use crate::builtins::{self, Builtin};
use crate::db::{SourceFile, Workspace, parse};
use crate::diagnostics::{Code, Diagnostic, did_you_mean};
use crate::items::{PackageIndex, file_summary, package_index, recursive_functions};
use crate::types::Ty;

/// The metadata of a rule, as reports and the module's metadata carry it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct RuleInfo {
    /// The package.
    pub package: String,
    /// The rule name.
    pub name: String,
    /// The `@id`, or the qualified name when there is none.
    pub id: String,
    /// The severity (`medium` when not stated).
    pub severity: Severity,
    /// `@controls(...)`.
    pub controls: Vec<String>,
    /// `@title(...)`, or the first line of the doc comment.
    pub title: String,
    /// The whole doc comment.
    pub description: String,
    /// `@tags(...)`.
    pub tags: Vec<String>,
    /// `@level(...)` (soft-mandatory when not stated).
    pub level: ward_abi::Level,
    /// `@formats(...)`.
    pub formats: Vec<String>,
    /// `@checkov(...)`.
    pub checkov: Vec<String>,
    /// `@guard(...)`.
    pub guard: Vec<String>,
    /// `@fix(...)`: the property a CloudFormation template sets to pass.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<PropertyFix>,
    /// The file.
    pub file: String,
    /// The rule's span.
    pub span: Span,
}

/// A simple fix a rule declares with `@fix("Path.To.Property", value)`:
/// set a property of the resource (under `Properties` in CloudFormation) to
/// a value. Editors offer it as a quick fix on the rule's findings.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct PropertyFix {
    /// The property's path under `Properties`, one name per step.
    pub path: Vec<String>,
    /// The value as a JSON literal (`true`, `3`, `"aws:kms"`), which YAML
    /// reads the same way.
    pub value: String,
}

/// What kind of local a name is bound by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LocalKind {
    /// The rule's resource variable.
    RuleBinding,
    /// `let`.
    Let,
    /// `for` loop variable.
    Loop,
    /// Quantifier variable.
    Quantifier,
    /// Function parameter.
    Param,
}

/// What a name refers to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Definition {
    /// A local, identified by the span of its binding name in this file.
    Local {
        /// The binder's span.
        binder: Span,
        /// Its kind.
        kind: LocalKind,
    },
    /// A user function.
    Function {
        /// Its package.
        package: String,
        /// Its name.
        name: String,
    },
    /// A builtin function.
    Builtin(Builtin),
    /// A rule (from `expect` in a test).
    Rule {
        /// Its package.
        package: String,
        /// Its name.
        name: String,
    },
    /// A policy parameter.
    Param {
        /// Its package.
        package: String,
        /// Its name.
        name: String,
    },
}

/// The resource types of a value, as the source fixes them: the names or
/// `*` patterns written in `resources(...)`, `refs(x, "T")` or
/// `referrers(x, "T")`, each once, in the order written.
pub type ResourceTypes = Arc<[String]>;

/// What a value holds, as far as resource types go.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum Holds {
    /// One resource, of one of these types.
    Resource(ResourceTypes),
    /// A list of resources, each of one of these types.
    Resources(ResourceTypes),
    /// Anything else, or resources of types the source does not fix
    /// (`refs(x)`, a parameter, a property).
    #[default]
    Unknown,
}

impl Holds {
    /// What an element of this value holds when it is iterated or indexed.
    fn element(self) -> Holds {
        match self {
            Holds::Resources(types) => Holds::Resource(types),
            _ => Holds::Unknown,
        }
    }
}

/// A name bound in the file: a rule variable, a `let`, a loop or
/// quantifier variable, or a parameter.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Binding {
    /// The name.
    pub name: String,
    /// How it is bound.
    pub kind: LocalKind,
    /// Where it can be used: the guard and body of its rule, the rest of
    /// its block after a `let`, the body of its loop, quantifier or
    /// function.
    pub scope: Span,
    /// The resource types it holds.
    pub holds: Holds,
}

/// A place where the file names a resource type, a field of a resource or
/// a property of one, with the resource types it concerns.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ResourceUse {
    /// A string naming resource types: an argument of `resources(...)`,
    /// the second of `refs(...)` and `referrers(...)`, or `Type: "..."` in
    /// a test input.
    Type {
        /// The string literal, quotes included.
        span: Span,
        /// Its text.
        name: String,
    },
    /// `x.member` where `x` is one resource of known types.
    Field {
        /// The member's span.
        span: Span,
        /// The member.
        name: String,
        /// The types `x` can have.
        types: ResourceTypes,
    },
    /// `x.props.Name` where `x` is one resource of known types.
    Property {
        /// The property name's span.
        span: Span,
        /// The property name.
        name: String,
        /// The types `x` can have.
        types: ResourceTypes,
    },
}

impl ResourceUse {
    /// Where it stands.
    pub fn span(&self) -> Span {
        match self {
            ResourceUse::Type { span, .. }
            | ResourceUse::Field { span, .. }
            | ResourceUse::Property { span, .. } => *span,
        }
    }
}

/// The result of analysing one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Analysis {
    /// The file's package.
    pub package: String,
    /// Diagnostics: syntax, resolution and types, in source order. (The
    /// schema checks of [`crate::schema`] come beside them; the compiler's
    /// [`crate::Compiler::analyze`] and `diagnostics` give both.)
    pub diagnostics: Vec<Diagnostic>,
    /// Every resolved use: the span of the name (or of `alias.name` for a
    /// qualified call) to what it refers to.
    pub uses: BTreeMap<Span, Definition>,
    /// Rules of the file with their metadata.
    pub rules: Vec<RuleInfo>,
    /// Every binding, by the span of its name.
    pub bindings: BTreeMap<Span, Binding>,
    /// Where the file names resource types, fields and properties, in the
    /// order the walk met them.
    pub resource_uses: Vec<ResourceUse>,
}

impl Analysis {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The bindings visible at `offset`, outermost first.
    pub fn bindings_at(&self, offset: u32) -> impl Iterator<Item = &Binding> {
        self.bindings
            .values()
            .filter(move |binding| binding.scope.contains(offset))
    }

    /// The resource use whose span holds `offset`.
    pub fn resource_use_at(&self, offset: u32) -> Option<&ResourceUse> {
        self.resource_uses
            .iter()
            .find(|resource_use| resource_use.span().contains(offset))
    }
}

/// Analyses one file in the context of its workspace.
#[salsa::tracked(returns(ref))]
pub fn analyze(db: &dyn salsa::Database, workspace: Workspace, file: SourceFile) -> Arc<Analysis> {
    Arc::new(check(db, workspace, file, parse(db, file)))
}

/// The analysis of one file with the warnings of the schema checks among
/// its diagnostics, in source order: what the command line and the editor
/// report. [`analyze`] walks the file; the schema checks
/// ([`crate::schema::schema_diagnostics`]) read its result beside it.
#[salsa::tracked(returns(ref))]
pub fn analyze_with_schemas(
    db: &dyn salsa::Database,
    workspace: Workspace,
    file: SourceFile,
) -> Arc<Analysis> {
    let analysis = analyze(db, workspace, file);
    let schema = crate::schema::schema_diagnostics(db, workspace, file);
    if schema.is_empty() {
        return analysis.clone();
    }
    let mut merged = Analysis::clone(analysis);
    merged.diagnostics.extend(schema.iter().cloned());
    merged
        .diagnostics
        .sort_by_key(|d| (d.span.start, d.span.end, d.code));
    Arc::new(merged)
}

/// Analyses `file` as if its text were `text`, in the context of the
/// workspace as it is. Not a query: the editor asks it of text being typed
/// (with a name inserted at the cursor so that the line parses) to learn
/// which names are in scope there and what they hold.
pub fn analyze_text(
    db: &dyn salsa::Database,
    workspace: Workspace,
    file: SourceFile,
    text: &str,
) -> Analysis {
    check(db, workspace, file, &ward_syntax::parse(text))
}

/// The walk behind [`analyze`] and [`analyze_text`].
fn check(
    db: &dyn salsa::Database,
    workspace: Workspace,
    file: SourceFile,
    parse: &Parse,
) -> Analysis {
    let summary = file_summary(db, file);
    let index = package_index(db, workspace);
    let recursive = recursive_functions(db, workspace);
    let path = file.path(db).clone();
    let mut checker = Checker {
        db,
        file,
        tree: &parse.file,
        path: path.clone(),
        package: summary.package.clone(),
        index,
        imports: HashMap::new(),
        diagnostics: Vec::new(),
        uses: BTreeMap::new(),
        scopes: Vec::new(),
        rules: Vec::new(),
        bindings: BTreeMap::new(),
        resource_uses: Vec::new(),
    };
    for error in &parse.errors {
        checker.diagnostics.push(syntax_diagnostic(&path, error));
    }
    checker.check_imports(&parse.file.imports);
    for item in &parse.file.items {
        match item {
            Item::Rule(rule) => checker.check_rule(rule),
            Item::Fn(function) => checker.check_fn(function, recursive),
            Item::Test(test) => checker.check_test(test),
            Item::Param(param) => checker.check_param(param),
            Item::Error(_) => {}
        }
    }
    let mut diagnostics = checker.diagnostics;
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end, d.code));
    diagnostics.dedup();
    Analysis {
        package: summary.package.clone(),
        diagnostics,
        uses: checker.uses,
        rules: checker.rules,
        bindings: checker.bindings,
        resource_uses: checker.resource_uses,
    }
}

/// The `@id` of a rule, if it has a string one.
pub fn rule_id(rule: &Rule) -> Option<String> {
    rule.attrs
        .iter()
        .find(|attr| attr.name.name == "id")
        .and_then(|attr| attr.args.first())
        .and_then(|arg| match &arg.value {
            AttrValue::String(id) => Some(id.clone()),
            _ => None,
        })
}

fn syntax_diagnostic(path: &str, error: &SyntaxError) -> Diagnostic {
    let code = match error.kind {
        SyntaxErrorKind::UnexpectedToken => Code::UnexpectedToken,
        SyntaxErrorKind::UnexpectedEof => Code::UnexpectedEof,
        SyntaxErrorKind::InvalidCharacter => Code::InvalidCharacter,
        SyntaxErrorKind::UnterminatedString => Code::UnterminatedString,
        SyntaxErrorKind::InvalidEscape => Code::InvalidEscape,
        SyntaxErrorKind::BadInterpolation => Code::BadInterpolation,
        SyntaxErrorKind::TooDeep => Code::NestingTooDeep,
    };
    let mut diagnostic = Diagnostic::new(code, path, error.span, error.message.clone());
    diagnostic.label = match error.kind {
        SyntaxErrorKind::UnexpectedToken => "not expected here",
        SyntaxErrorKind::UnexpectedEof => "the file ends here",
        SyntaxErrorKind::InvalidCharacter => "starts no token",
        SyntaxErrorKind::UnterminatedString => "no closing `\"` on this line",
        SyntaxErrorKind::InvalidEscape => "unknown escape",
        SyntaxErrorKind::BadInterpolation => "in this interpolation",
        SyntaxErrorKind::TooDeep => "too deep",
    }
    .to_string();
    diagnostic.help = match error.kind {
        SyntaxErrorKind::TooDeep => Some("split it up with `let` bindings or functions, or write a list with `in`".to_string()),
        SyntaxErrorKind::UnterminatedString => Some("close the string with `\"`; write `\\n` for a line break".to_string()),
        SyntaxErrorKind::InvalidEscape => {
            Some("write `\\\\` for a backslash, or use a raw string `r\"...\"` where backslashes are plain text".to_string())
        }
        _ => None,
    };
    if !error.expected.is_empty() {
        const SHOWN: usize = 8;
        let mut expected = error
            .expected
            .iter()
            .take(SHOWN)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if error.expected.len() > SHOWN {
            expected.push_str(", ...");
        }
        diagnostic.help = Some(if error.expected.len() == 1 {
            format!("expected {expected}")
        } else {
            format!("expected one of {expected}")
        });
    }
    diagnostic
}

struct Local {
    binder: Span,
    kind: LocalKind,
    ty: Ty,
    holds: Holds,
    used: bool,
}

struct Checker<'a> {
    db: &'a dyn salsa::Database,
    file: SourceFile,
    /// The tree being checked (the file's, or text being typed in it).
    tree: &'a ward_syntax::ast::SourceFile,
    path: String,
    package: String,
    index: &'a PackageIndex,
    /// Import alias -> package name (only packages that exist).
    imports: HashMap<String, String>,
    diagnostics: Vec<Diagnostic>,
    uses: BTreeMap<Span, Definition>,
    scopes: Vec<Vec<(String, Local)>>,
    rules: Vec<RuleInfo>,
    bindings: BTreeMap<Span, Binding>,
    resource_uses: Vec<ResourceUse>,
}

const RESOURCE_FIELDS: &[&str] = &["id", "type", "format", "props", "tags", "metadata"];
const OUTCOMES: &[&str] = &["pass", "fail", "skip", "unknown"];

impl Checker<'_> {
    fn error(&mut self, code: Code, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        self.diagnostics
            .push(Diagnostic::new(code, &self.path, span, message));
        let last = self.diagnostics.len() - 1;
        &mut self.diagnostics[last]
    }

    fn push_scope(&mut self) {
        self.scopes.push(Vec::new());
    }

    fn pop_scope(&mut self) {
        if let Some(scope) = self.scopes.pop() {
            for (name, local) in scope {
                if local.kind == LocalKind::Let && !local.used && !name.starts_with('_') {
                    let diagnostic = Diagnostic::new(
                        Code::UnusedBinding,
                        &self.path,
                        local.binder,
                        format!("`{name}` is never used"),
                    )
                    .with_label("bound here")
                    .with_help(format!("remove the binding or name it `_{name}`"));
                    self.diagnostics.push(diagnostic);
                }
            }
        }
    }

    /// Binds `ident` in the innermost scope; `scope` is where the name is
    /// visible, `holds` the resource types of its value.
    fn bind(&mut self, ident: &Ident, kind: LocalKind, ty: Ty, scope: Span, holds: Holds) {
        if builtins::lookup(&ident.name).is_some() {
            let diagnostic = Diagnostic::new(
                Code::ShadowedBuiltin,
                &self.path,
                ident.span,
                format!("`{}` has the name of a builtin function", ident.name),
            )
            .with_label("bound here")
            .with_help("choose another name");
            self.diagnostics.push(diagnostic);
        }
        self.bindings.insert(
            ident.span,
            Binding {
                name: ident.name.clone(),
                kind,
                scope,
                holds: holds.clone(),
            },
        );
        let local = Local {
            binder: ident.span,
            kind,
            ty,
            holds,
            used: false,
        };
        if let Some(scope) = self.scopes.last_mut() {
            scope.push((ident.name.clone(), local));
        }
        self.uses.insert(
            ident.span,
            Definition::Local {
                binder: ident.span,
                kind,
            },
        );
    }

    fn lookup_local(&mut self, name: &str) -> Option<(Span, LocalKind, Ty)> {
        for scope in self.scopes.iter_mut().rev() {
            if let Some((_, local)) = scope.iter_mut().rev().find(|(n, _)| n == name) {
                local.used = true;
                return Some((local.binder, local.kind, local.ty));
            }
        }
        None
    }

    fn visible_locals(&self) -> Vec<String> {
        self.scopes
            .iter()
            .flat_map(|scope| scope.iter().map(|(name, _)| name.clone()))
            .collect()
    }

    fn check_imports(&mut self, imports: &[ward_syntax::ast::Import]) {
        for import in imports {
            let package = import.path.dotted();
            let Some(alias) = import.visible_name() else {
                continue;
            };
            if self.index.packages.contains_key(&package) {
                self.imports.insert(alias.name.clone(), package);
            } else {
                let known: Vec<&str> = self.index.packages.keys().map(String::as_str).collect();
                let suggestion = did_you_mean(&package, known.iter().copied()).map(str::to_string);
                let diagnostic = self
                    .error(
                        Code::UnknownPackage,
                        import.path.span,
                        format!("no package named `{package}`"),
                    )
                    .with_label_mut("imported here");
                if let Some(suggestion) = suggestion {
                    diagnostic.help = Some(format!("did you mean `{suggestion}`?"));
                    diagnostic.fixes.push(crate::diagnostics::Fix {
                        title: format!("import `{suggestion}`"),
                        span: import.path.span,
                        replacement: suggestion,
                    });
                }
            }
        }
    }

    fn check_duplicate_name(&mut self, kind: &str, name: &Ident, entries: Vec<SourceFile>) {
        if entries.len() < 2 {
            return;
        }
        // Report on every definition but the first, pointing at the first.
        let first = entries[0];
        let own_index = self.occurrence_index(kind, &name.name, name.span);
        let is_first = first == self.file && own_index == 0;
        if is_first {
            return;
        }
        let first_span = self.definition_span(first, kind, &name.name);
        let first_path = first.path(self.db).clone();
        let same_file = first == self.file;
        let diagnostic = Diagnostic::new(
            Code::DuplicateDefinition,
            &self.path,
            name.span,
            format!(
                "{kind} `{}` is defined more than once in package `{}`",
                name.name, self.package
            ),
        )
        .with_label("defined again here");
        let diagnostic = match first_span {
            Some(span) => diagnostic.with_secondary(
                if same_file { None } else { Some(&first_path) },
                span,
                "first defined here",
            ),
            None => diagnostic,
        };
        self.diagnostics
            .push(diagnostic.with_help(format!("rename one of the {kind}s")));
    }

    /// Which occurrence (0-based) of a definition named `name` in this file the
    /// one at `span` is.
    fn occurrence_index(&self, kind: &str, name: &str, span: Span) -> usize {
        self.tree
            .items
            .iter()
            .filter_map(|item| item_name(item, kind))
            .filter(|ident| ident.name == name)
            .take_while(|ident| ident.span != span)
            .count()
    }

    fn definition_span(&self, file: SourceFile, kind: &str, name: &str) -> Option<Span> {
        let parse = parse(self.db, file);
        parse
            .file
            .items
            .iter()
            .filter_map(|item| item_name(item, kind))
            .find(|ident| ident.name == name)
            .map(|ident| ident.span)
    }

    fn check_rule(&mut self, rule: &Rule) {
        let entries: Vec<SourceFile> = self
            .index
            .packages
            .get(&self.package)
            .and_then(|package| package.rules.get(&rule.name.name))
            .map(|entries| entries.iter().map(|entry| entry.file).collect())
            .unwrap_or_default();
        self.check_duplicate_name("rule", &rule.name, entries);
        let info = self.check_rule_attributes(rule);
        self.rules.push(info);

        self.push_scope();
        // A rule without a `for` clause runs once per input and binds
        // nothing.
        if let (Some(binding), Some(source)) = (&rule.binding, &rule.source) {
            let source_ty = self.infer(source);
            if source_ty != Ty::ResourceList {
                self.error(
                    Code::NotResources,
                    source.span,
                    format!("a rule iterates over resources, but this is {}", describe_ty(source_ty)),
                )
                .with_label_mut("not a list of resources")
                .help = Some("write `resources(\"AWS::S3::Bucket\")` or `refs(...)`/`referrers(...)` of another resource".to_string());
            }
            let holds = self.holds(source).element();
            let scope = Span::new(source.span.end as usize, rule.span.end as usize);
            self.bind(binding, LocalKind::RuleBinding, Ty::Resource, scope, holds);
        }
        if let Some(guard) = &rule.guard {
            self.check_condition(guard, "`when`");
        }
        self.check_block_stmts(&rule.body);
        self.pop_scope();
    }

    fn check_rule_attributes(&mut self, rule: &Rule) -> RuleInfo {
        let mut id = None;
        let mut severity = None;
        let mut controls = Vec::new();
        let mut title = None;
        let mut tags = Vec::new();
        let mut level = ward_abi::Level::default();
        let mut formats: Vec<String> = Vec::new();
        let mut checkov = Vec::new();
        let mut guard = Vec::new();
        let mut fix = None;
        for attr in &rule.attrs {
            let strings: Vec<Option<String>> = attr
                .args
                .iter()
                .map(|arg| match &arg.value {
                    AttrValue::String(text) => Some(text.clone()),
                    _ => None,
                })
                .collect();
            let all_strings = strings.iter().all(Option::is_some);
            let strings: Vec<String> = strings.into_iter().flatten().collect();
            match attr.name.name.as_str() {
                "id" | "title" => {
                    if strings.len() != 1 || !all_strings {
                        self.error(
                            Code::BadAttributeArguments,
                            attr.span,
                            format!("`@{}` takes one string", attr.name.name),
                        )
                        .with_label_mut("here");
                    } else if attr.name.name == "id" {
                        id = strings.into_iter().next();
                    } else {
                        title = strings.into_iter().next();
                    }
                }
                "formats" | "level" => {
                    let words: Vec<Option<(String, Span)>> = attr
                        .args
                        .iter()
                        .map(|arg| match &arg.value {
                            AttrValue::Word(word) | AttrValue::String(word) => {
                                Some((word.clone(), arg.span))
                            }
                            AttrValue::Number(_) => None,
                        })
                        .collect();
                    let is_level = attr.name.name == "level";
                    let well_formed = words.iter().all(Option::is_some)
                        && !words.is_empty()
                        && (!is_level || words.len() == 1);
                    if !well_formed {
                        self.error(
                            Code::BadAttributeArguments,
                            attr.span,
                            if is_level {
                                "`@level` takes one level"
                            } else {
                                "`@formats` takes one or more input formats"
                            },
                        )
                        .with_label_mut("here")
                        .help = Some(if is_level {
                            "write `@level(advisory)`, `@level(soft_mandatory)` or `@level(hard_mandatory)`".to_string()
                        } else {
                            "write `@formats(cloudformation, terraform, config)`".to_string()
                        });
                        continue;
                    }
                    for (word, span) in words.into_iter().flatten() {
                        if is_level {
                            match ward_abi::Level::parse(&word) {
                                Some(found) => level = found,
                                None => {
                                    self.error(
                                        Code::BadAttributeArguments,
                                        span,
                                        format!("`{word}` is not a level"),
                                    )
                                    .with_label_mut("unknown level")
                                    .help = Some(
                                        "use one of `advisory`, `soft_mandatory`, `hard_mandatory`"
                                            .to_string(),
                                    );
                                }
                            }
                        } else if ward_abi::layout::INPUT_FORMATS.contains(&word.as_str()) {
                            if !formats.contains(&word) {
                                formats.push(word);
                            }
                        } else {
                            self.error(
                                Code::BadAttributeArguments,
                                span,
                                format!("`{word}` is not an input format"),
                            )
                            .with_label_mut("unknown format")
                            .help = Some(format!(
                                "use {}",
                                ward_abi::layout::INPUT_FORMATS
                                    .map(|f| format!("`{f}`"))
                                    .join(", ")
                            ));
                        }
                    }
                }
                "controls" | "tags" | "checkov" | "guard" => {
                    if strings.is_empty() || !all_strings {
                        self.error(
                            Code::BadAttributeArguments,
                            attr.span,
                            format!("`@{}` takes one or more strings", attr.name.name),
                        )
                        .with_label_mut("here");
                    } else {
                        match attr.name.name.as_str() {
                            "controls" => &mut controls,
                            "tags" => &mut tags,
                            "checkov" => &mut checkov,
                            _ => &mut guard,
                        }
                        .extend(strings);
                    }
                }
                "fix" => {
                    let parsed = match attr.args.as_slice() {
                        [path, value] => match (&path.value, &value.value) {
                            (AttrValue::String(path), value) if !path.is_empty() => {
                                let value = match value {
                                    AttrValue::String(text) => {
                                        Some(serde_json::Value::from(text.as_str()).to_string())
                                    }
                                    AttrValue::Word(word) if word == "true" || word == "false" => {
                                        Some(word.clone())
                                    }
                                    AttrValue::Number(number) => {
                                        serde_json::Number::from_f64(*number)
                                            .map(|number| number.to_string())
                                    }
                                    AttrValue::Word(_) => None,
                                };
                                value.map(|value| PropertyFix {
                                    path: path.split('.').map(str::to_string).collect(),
                                    value,
                                })
                            }
                            _ => None,
                        },
                        _ => None,
                    };
                    match parsed {
                        Some(found) if found.path.iter().all(|step| !step.is_empty()) => {
                            fix = Some(found);
                        }
                        _ => {
                            self.error(
                                Code::BadAttributeArguments,
                                attr.span,
                                "`@fix` takes a property path and a value",
                            )
                            .with_label_mut("here")
                            .help = Some(
                                "write `@fix(\"Encrypted\", true)`: the path under `Properties`, dotted, and a string, number, `true` or `false`".to_string(),
                            );
                        }
                    }
                }
                "severity" => {
                    let word = match attr.args.as_slice() {
                        [arg] => match &arg.value {
                            AttrValue::Word(word) | AttrValue::String(word) => {
                                Some((word.clone(), arg.span))
                            }
                            AttrValue::Number(_) => None,
                        },
                        _ => None,
                    };
                    match word {
                        Some((word, span)) => match Severity::parse(&word) {
                            Some(level) => severity = Some(level),
                            None => {
                                let names = Severity::ALL.map(Severity::as_str);
                                let suggestion = did_you_mean(&word, names).map(str::to_string);
                                let diagnostic = self
                                    .error(
                                        Code::InvalidSeverity,
                                        span,
                                        format!("`{word}` is not a severity"),
                                    )
                                    .with_label_mut("unknown severity");
                                diagnostic.help = Some(match &suggestion {
                                    Some(s) => format!("did you mean `{s}`?"),
                                    None => {
                                        "use one of `critical`, `high`, `medium`, `low`, `info`"
                                            .to_string()
                                    }
                                });
                                if let Some(s) = suggestion {
                                    diagnostic.fixes.push(crate::diagnostics::Fix {
                                        title: format!("replace with `{s}`"),
                                        span,
                                        replacement: s,
                                    });
                                }
                            }
                        },
                        None => {
                            self.error(
                                Code::BadAttributeArguments,
                                attr.span,
                                "`@severity` takes one level",
                            )
                            .with_label_mut("here")
                            .help = Some("write `@severity(high)`".to_string());
                        }
                    }
                }
                other => {
                    let suggestion = did_you_mean(
                        other,
                        [
                            "id", "severity", "controls", "title", "tags", "level", "formats",
                            "checkov", "guard", "fix",
                        ],
                    );
                    let diagnostic = self
                        .error(
                            Code::UnknownAttribute,
                            attr.name.span,
                            format!("unknown attribute `@{other}`"),
                        )
                        .with_label_mut("ignored");
                    if let Some(s) = suggestion {
                        diagnostic.help = Some(format!("did you mean `@{s}`?"));
                        diagnostic.fixes.push(crate::diagnostics::Fix {
                            title: format!("replace with `@{s}`"),
                            span: attr.name.span,
                            replacement: s.to_string(),
                        });
                    }
                }
            }
        }
        if severity.is_none() && !rule.attrs.iter().any(|a| a.name.name == "severity") {
            let insert_at = Span::new(rule.span.start as usize, rule.span.start as usize);
            self.diagnostics.push(
                Diagnostic::new(
                    Code::MissingSeverity,
                    &self.path,
                    rule.name.span,
                    format!("rule `{}` has no `@severity`", rule.name.name),
                )
                .with_label("findings default to `medium`")
                .with_help("add `@severity(high)` (or `critical`, `medium`, `low`, `info`) before the rule")
                .with_fix("add `@severity(medium)`", insert_at, "@severity(medium) "),
            );
        }
        if !rule.attrs.iter().any(|a| a.name.name == "id") {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::MissingId,
                    &self.path,
                    rule.name.span,
                    format!("rule `{}` has no `@id`", rule.name.name),
                )
                .with_label(format!(
                    "findings name it `{}.{}`",
                    self.package, rule.name.name
                ))
                .with_help("add a stable id before the rule, e.g. `@id(\"NET-001\")`"),
            );
        }
        if let Some(id_value) = &id {
            self.check_duplicate_id(rule, id_value);
        }
        let description = rule
            .doc
            .as_ref()
            .map(|doc| doc.text.clone())
            .unwrap_or_default();
        let title = title.unwrap_or_else(|| {
            // The first paragraph of the doc comment, on one line.
            let paragraph = description.split("\n\n").next().unwrap_or("");
            paragraph.split_whitespace().collect::<Vec<_>>().join(" ")
        });
        RuleInfo {
            package: self.package.clone(),
            name: rule.name.name.clone(),
            id: id.unwrap_or_else(|| format!("{}.{}", self.package, rule.name.name)),
            severity: severity.unwrap_or(Severity::Medium),
            controls,
            title,
            description,
            tags,
            level,
            formats,
            checkov,
            guard,
            fix,
            file: self.path.clone(),
            span: rule.span,
        }
    }

    fn check_duplicate_id(&mut self, rule: &Rule, id: &str) {
        let Some(owners) = self.index.rule_ids.get(id) else {
            return;
        };
        if owners.len() < 2 {
            return;
        }
        let Some(first) = owners.first() else { return };
        let (first_package, first_name, first_file) = first;
        if *first_file == self.file
            && *first_name == rule.name.name
            && *first_package == self.package
        {
            return;
        }
        let attr_span = rule
            .attrs
            .iter()
            .find(|attr| attr.name.name == "id")
            .map(|attr| attr.span)
            .unwrap_or(rule.name.span);
        let first_path = first_file.path(self.db).clone();
        let first_span = self.definition_span(*first_file, "rule", first_name);
        let mut diagnostic = Diagnostic::new(
            Code::DuplicateRuleId,
            &self.path,
            attr_span,
            format!("rule id `{id}` is already used by rule `{first_package}.{first_name}`"),
        )
        .with_label("duplicate id")
        .with_help("give every rule its own id");
        if let Some(span) = first_span {
            let same = *first_file == self.file;
            diagnostic = diagnostic.with_secondary(
                if same { None } else { Some(&first_path) },
                span,
                "first used here",
            );
        }
        self.diagnostics.push(diagnostic);
    }

    fn check_fn(
        &mut self,
        function: &FnDef,
        recursive: &std::collections::BTreeSet<(String, String)>,
    ) {
        let entries: Vec<SourceFile> = self
            .index
            .packages
            .get(&self.package)
            .and_then(|package| package.functions.get(&function.name.name))
            .map(|entries| entries.iter().map(|entry| entry.file).collect())
            .unwrap_or_default();
        self.check_duplicate_name("function", &function.name, entries);
        if builtins::lookup(&function.name.name).is_some() {
            self.error(
                Code::DuplicateDefinition,
                function.name.span,
                format!(
                    "function `{}` has the name of a builtin",
                    function.name.name
                ),
            )
            .with_label_mut("shadows the builtin")
            .help = Some("choose another name".to_string());
        }
        if recursive.contains(&(self.package.clone(), function.name.name.clone())) {
            self.error(
                Code::RecursiveFunction,
                function.name.span,
                format!("function `{}` calls itself", function.name.name),
            )
            .with_label_mut("recursive")
            .help = Some(
                "Ward functions are not recursive; iterate with `for` or a quantifier".to_string(),
            );
        }
        self.push_scope();
        let mut seen: Vec<&str> = Vec::new();
        for param in &function.params {
            if seen.contains(&param.name.as_str()) {
                self.error(
                    Code::DuplicateDefinition,
                    param.span,
                    format!("parameter `{}` is declared twice", param.name),
                )
                .with_label_mut("again here");
            }
            seen.push(&param.name);
            self.bind(
                param,
                LocalKind::Param,
                Ty::Any,
                function.body.span,
                Holds::Unknown,
            );
        }
        self.infer(&function.body);
        self.pop_scope();
    }

    fn check_test(&mut self, test: &TestDef) {
        let entries: Vec<SourceFile> = self
            .index
            .packages
            .get(&self.package)
            .and_then(|package| package.tests.get(&test.name.name))
            .cloned()
            .unwrap_or_default();
        self.check_duplicate_name("test", &test.name, entries);
        let inputs: Vec<&Expr> = test
            .body
            .iter()
            .filter_map(|stmt| match stmt {
                TestStmt::Input { value, .. } => Some(value),
                _ => None,
            })
            .collect();
        for input in &inputs {
            self.record_input_types(input);
        }
        match inputs.as_slice() {
            [] => {
                self.error(
                    Code::BadTestInput,
                    test.name.span,
                    format!("test `{}` has no `input`", test.name.name),
                )
                .with_label_mut("no input")
                .help = Some("add `input { Resources: { ... } }`".to_string());
            }
            [input] if input_file(input).is_some() => {}
            [input] => {
                if let Some(span) = non_constant(input) {
                    self.error(Code::BadTestInput, span, "a test input must be a constant")
                        .with_label_mut("not a literal")
                        .help = Some("use only literals, lists and objects in `input`".to_string());
                }
            }
            [_, second, ..] => {
                self.error(
                    Code::BadTestInput,
                    second.span,
                    "a test has exactly one `input`",
                )
                .with_label_mut("second input");
            }
        }
        for stmt in &test.body {
            if let TestStmt::Param { name, value, .. } = stmt {
                self.check_test_param(name, value);
            }
        }
        let rule_names: Vec<String> = self
            .index
            .packages
            .get(&self.package)
            .map(|package| package.rules.keys().cloned().collect())
            .unwrap_or_default();
        for stmt in &test.body {
            let TestStmt::Expect { outcome, rule, .. } = stmt else {
                continue;
            };
            if !OUTCOMES.contains(&outcome.name.as_str()) {
                let suggestion = did_you_mean(&outcome.name, OUTCOMES.iter().copied());
                let diagnostic = self
                    .error(
                        Code::UnknownOutcome,
                        outcome.span,
                        format!("`{}` is not an outcome", outcome.name),
                    )
                    .with_label_mut("unknown outcome");
                diagnostic.help = Some(match suggestion {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "use one of `pass`, `fail`, `skip`, `unknown`".to_string(),
                });
            }
            if rule_names.contains(&rule.name) {
                self.uses.insert(
                    rule.span,
                    Definition::Rule {
                        package: self.package.clone(),
                        name: rule.name.clone(),
                    },
                );
            } else {
                let suggestion = did_you_mean(&rule.name, rule_names.iter().map(String::as_str))
                    .map(str::to_string);
                let package = self.package.clone();
                let diagnostic = self
                    .error(
                        Code::UnknownRule,
                        rule.span,
                        format!("no rule `{}` in package `{package}`", rule.name),
                    )
                    .with_label_mut("unknown rule");
                if let Some(s) = suggestion {
                    diagnostic.help = Some(format!("did you mean `{s}`?"));
                    diagnostic.fixes.push(crate::diagnostics::Fix {
                        title: format!("replace with `{s}`"),
                        span: rule.span,
                        replacement: s,
                    });
                }
            }
        }
    }

    /// Checks `param name = value` in a test: `name` is a parameter of the
    /// test's package, `alias.name` one of an imported package, and the
    /// value fits its type.
    fn check_test_param(&mut self, path: &ward_syntax::ast::Path, value: &Expr) {
        let (package, name) = match path.segments.as_slice() {
            [name] => (Some(self.package.clone()), name),
            [alias, name] => (self.imports.get(&alias.name).cloned(), name),
            _ => (None, &path.segments[path.segments.len() - 1]),
        };
        let entry = package
            .as_ref()
            .and_then(|package| self.index.param(package, &name.name))
            .cloned();
        let Some(entry) = entry else {
            let known: Vec<String> = package
                .as_ref()
                .and_then(|package| self.index.packages.get(package))
                .map(|info| info.params.keys().cloned().collect())
                .unwrap_or_default();
            let suggestion =
                did_you_mean(&name.name, known.iter().map(String::as_str)).map(str::to_string);
            let diagnostic = self
                .error(
                    Code::UnknownParam,
                    path.span,
                    format!("no parameter `{}`", path.dotted()),
                )
                .with_label_mut("unknown parameter");
            if let Some(s) = suggestion {
                diagnostic.help = Some(format!("did you mean `{s}`?"));
            }
            return;
        };
        if let Some(package) = package {
            self.uses.insert(
                path.span,
                Definition::Param {
                    package,
                    name: name.name.clone(),
                },
            );
        }
        self.check_param_value(value, entry.ty.as_ref(), &path.dotted(), "value");
    }

    fn check_block_stmts(&mut self, block: &Block) {
        for stmt in &block.stmts {
            self.check_stmt(stmt, block.span.end);
        }
    }

    /// Checks a statement of a block that ends at `block_end`.
    fn check_stmt(&mut self, stmt: &Stmt, block_end: u32) {
        match stmt {
            Stmt::Let { name, value, span } => {
                let ty = self.infer(value);
                let holds = self.holds(value);
                let scope = Span::new(span.end as usize, block_end as usize);
                self.bind(name, LocalKind::Let, ty, scope, holds);
            }
            Stmt::Check(check) => {
                let what = match check.kind {
                    CheckKind::Require => "`require`",
                    CheckKind::Deny => "`deny`",
                };
                self.check_condition(&check.cond, what);
                if let Some(message) = &check.message {
                    self.infer(message);
                }
                if let Some(at) = &check.at {
                    self.infer(at);
                }
            }
            Stmt::When { cond, .. } => self.check_condition(cond, "`when`"),
            Stmt::For {
                binding,
                iter,
                body,
                ..
            } => {
                let ty = self.infer(iter);
                self.check_iterable(iter, ty);
                self.push_scope();
                let element = if ty == Ty::ResourceList {
                    Ty::Resource
                } else {
                    Ty::Any
                };
                let holds = self.holds(iter).element();
                self.bind(binding, LocalKind::Loop, element, body.span, holds);
                self.check_block_stmts(body);
                self.pop_scope();
            }
            Stmt::If(statement) => {
                for branch in &statement.branches {
                    self.check_condition(&branch.cond, "`if`");
                    self.push_scope();
                    self.check_block_stmts(&branch.body);
                    self.pop_scope();
                }
                if let Some(otherwise) = &statement.otherwise {
                    self.push_scope();
                    self.check_block_stmts(otherwise);
                    self.pop_scope();
                }
            }
            Stmt::Error(_) => {}
        }
    }

    fn check_condition(&mut self, cond: &Expr, what: &str) {
        let ty = self.infer(cond);
        self.expect_boolean(cond, ty, what);
    }

    fn expect_boolean(&mut self, expr: &Expr, ty: Ty, what: &str) {
        if matches!(ty, Ty::Bool | Ty::Any | Ty::Null) {
            return;
        }
        self.error(
            Code::NotBoolean,
            expr.span,
            format!("{what} takes a boolean, but this is {}", describe_ty(ty)),
        )
        .with_label_mut(format!("{ty}"))
        .help =
            Some("compare the value, e.g. `x == \"...\"`, or test it with `exists(x)`".to_string());
    }

    fn check_iterable(&mut self, expr: &Expr, ty: Ty) {
        if matches!(ty, Ty::String | Ty::Number | Ty::Bool | Ty::Resource) {
            self.error(
                Code::NotIterable,
                expr.span,
                format!("cannot iterate over {}", describe_ty(ty)),
            )
            .with_label_mut("not a list")
            .help =
                Some("iterate over a list; `as_list(x)` turns one value into a list".to_string());
        }
    }

    fn infer(&mut self, expr: &Expr) -> Ty {
        match &expr.kind {
            ExprKind::Null => Ty::Null,
            ExprKind::Bool(_) => Ty::Bool,
            ExprKind::Number(_) => Ty::Number,
            ExprKind::RawString(_) => Ty::String,
            ExprKind::String(literal) => {
                for part in &literal.parts {
                    if let StringPart::Interpolation(inner) = part {
                        self.infer(inner);
                    }
                }
                Ty::String
            }
            ExprKind::List(items) => {
                for item in items {
                    self.infer(item);
                }
                Ty::List
            }
            ExprKind::Object(fields) => {
                for field in fields {
                    self.infer(&field.value);
                }
                Ty::Object
            }
            ExprKind::Name(name) => self.resolve_name(name, expr.span),
            ExprKind::Field(base, member) => {
                if let ExprKind::Name(alias) = &base.kind
                    && self.imports.contains_key(alias)
                    && self.lookup_local_peek(alias).is_none()
                {
                    let package = self.imports.get(alias).cloned().unwrap_or_default();
                    if let Some(ty) = self.resolve_param(&package, &member.name, expr.span) {
                        return ty;
                    }
                    self.error(
                        Code::UndefinedName,
                        expr.span,
                        format!("`{alias}` is a package; only its functions can be used"),
                    )
                    .with_label_mut("package member used as a value")
                    .help = Some(format!("call it: `{alias}.{}(...)`", member.name));
                    return Ty::Any;
                }
                let base_ty = self.infer(base);
                self.record_member(base, member);
                if base_ty == Ty::Resource {
                    return match member.name.as_str() {
                        "id" | "type" | "format" => Ty::String,
                        "props" | "tags" | "metadata" => Ty::Any,
                        other => {
                            let suggestion = did_you_mean(other, RESOURCE_FIELDS.iter().copied());
                            let diagnostic = self
                                .error(
                                    Code::UndefinedName,
                                    member.span,
                                    format!("resources have no field `{other}`"),
                                )
                                .with_label_mut("unknown field");
                            diagnostic.help = Some(match suggestion {
                                Some(s) => format!(
                                    "did you mean `{s}`? resource fields are `id`, `type`, `props`, `tags`, `metadata`"
                                ),
                                None => format!("properties are under `props`: `.props.{other}`"),
                            });
                            let fix_text = match suggestion {
                                Some(s) => s.to_string(),
                                None => format!("props.{other}"),
                            };
                            diagnostic.fixes.push(crate::diagnostics::Fix {
                                title: format!("replace with `{fix_text}`"),
                                span: member.span,
                                replacement: fix_text,
                            });
                            Ty::Any
                        }
                    };
                }
                Ty::Any
            }
            ExprKind::Index(base, index) => {
                self.infer(base);
                self.infer(index);
                Ty::Any
            }
            ExprKind::Slice(base, start, end) => {
                let base_ty = self.infer(base);
                for bound in [start, end].into_iter().flatten() {
                    let ty = self.infer(bound);
                    if !ty.fits(Ty::Number) {
                        self.bad_operand(bound, ty, "a slice bound is a number");
                    }
                }
                if matches!(base_ty, Ty::Number | Ty::Bool | Ty::Object | Ty::Resource) {
                    self.bad_operand(base, base_ty, "slicing takes a list or a string");
                }
                match base_ty {
                    Ty::String | Ty::List | Ty::ResourceList => base_ty,
                    _ => Ty::Any,
                }
            }
            ExprKind::Comprehension(comprehension) => {
                let source_ty = self.infer(&comprehension.source);
                self.check_iterable(&comprehension.source, source_ty);
                self.push_scope();
                let element = if source_ty == Ty::ResourceList {
                    Ty::Resource
                } else {
                    Ty::Any
                };
                let holds = self.holds(&comprehension.source).element();
                self.bind(
                    &comprehension.binding,
                    LocalKind::Quantifier,
                    element,
                    expr.span,
                    holds,
                );
                if let Some(filter) = &comprehension.filter {
                    let filter_ty = self.infer(filter);
                    self.expect_boolean(filter, filter_ty, "`if`");
                }
                let element_ty = self.infer(&comprehension.element);
                self.pop_scope();
                if element_ty == Ty::Resource {
                    Ty::ResourceList
                } else {
                    Ty::List
                }
            }
            ExprKind::Call(callee, args) => self.infer_call(expr, callee, args),
            ExprKind::Named(_, value) => self.infer(value),
            ExprKind::Unary(op, operand) => {
                let ty = self.infer(operand);
                match op {
                    UnaryOp::Not => {
                        self.expect_boolean(operand, ty, "`not`");
                        Ty::Bool
                    }
                    UnaryOp::Neg => {
                        if !ty.fits(Ty::Number) {
                            self.bad_operand(operand, ty, "`-` takes a number");
                        }
                        Ty::Number
                    }
                }
            }
            ExprKind::Binary(op, left, right) => self.infer_binary(expr, *op, left, right),
            ExprKind::Quantifier(quantifier) => {
                let source_ty = self.infer(&quantifier.source);
                self.check_iterable(&quantifier.source, source_ty);
                self.push_scope();
                let element = if source_ty == Ty::ResourceList {
                    Ty::Resource
                } else {
                    Ty::Any
                };
                let holds = self.holds(&quantifier.source).element();
                self.bind(
                    &quantifier.binding,
                    LocalKind::Quantifier,
                    element,
                    quantifier.body.span,
                    holds,
                );
                let body_ty = self.infer(&quantifier.body);
                self.expect_boolean(
                    &quantifier.body,
                    body_ty,
                    &format!("`{}`", quantifier.kind.keyword()),
                );
                self.pop_scope();
                Ty::Bool
            }
            ExprKind::Error => Ty::Any,
        }
    }

    /// What an expression holds, as far as resource types go: a lookup of
    /// what the source says, with no diagnostics (the expression is
    /// checked by [`Checker::infer`]).
    fn holds(&self, expr: &Expr) -> Holds {
        match &expr.kind {
            ExprKind::Name(name) => self
                .scopes
                .iter()
                .rev()
                .find_map(|scope| scope.iter().rev().find(|(bound, _)| bound == name))
                .map(|(_, local)| local.holds.clone())
                .unwrap_or_default(),
            ExprKind::Call(callee, args) => {
                if let Some(types) = self.selected_types(callee) {
                    return Holds::Resources(types.into());
                }
                let ExprKind::Name(function) = &callee.kind else {
                    return Holds::Unknown;
                };
                let written: &[Expr] = match function.as_str() {
                    "resources" => args,
                    "refs" | "referrers" => args.get(1..2).unwrap_or(&[]),
                    "as_list" => {
                        return args.first().map(|arg| self.holds(arg)).unwrap_or_default();
                    }
                    _ => return Holds::Unknown,
                };
                let mut types: Vec<String> = Vec::with_capacity(written.len());
                for arg in written {
                    let Some(name) = plain_string(arg) else {
                        return Holds::Unknown;
                    };
                    if !types.contains(&name) {
                        types.push(name);
                    }
                }
                if types.is_empty() {
                    Holds::Unknown
                } else {
                    Holds::Resources(types.into())
                }
            }
            ExprKind::Index(base, _) => self.holds(base).element(),
            ExprKind::Slice(base, _, _) => self.holds(base),
            // `[x for x in xs if ...]` keeps some elements of `xs`.
            ExprKind::Comprehension(comprehension) => match &comprehension.element.kind {
                ExprKind::Name(name) if *name == comprehension.binding.name => {
                    self.holds(&comprehension.source)
                }
                _ => Holds::Unknown,
            },
            _ => Holds::Unknown,
        }
    }

    /// The types a call of a selector function selects (`buckets()`,
    /// `s3.buckets()`), `None` for any other callee.
    fn selected_types(&self, callee: &Expr) -> Option<Vec<String>> {
        let (package, name) = match &callee.kind {
            ExprKind::Name(name) => (self.package.clone(), name),
            ExprKind::Field(base, member) => match &base.kind {
                ExprKind::Name(alias) if self.lookup_local_peek(alias).is_none() => {
                    (self.imports.get(alias)?.clone(), &member.name)
                }
                _ => return None,
            },
            _ => return None,
        };
        self.index.function(&package, name)?.selects.clone()
    }

    /// Records `base.member` when `base` is one resource of known types,
    /// and `x.props.member` when `x` is.
    fn record_member(&mut self, base: &Expr, member: &Ident) {
        if let Holds::Resource(types) = self.holds(base) {
            self.resource_uses.push(ResourceUse::Field {
                span: member.span,
                name: member.name.clone(),
                types,
            });
        } else if let ExprKind::Field(inner, props) = &base.kind
            && props.name == "props"
            && let Holds::Resource(types) = self.holds(inner)
        {
            self.resource_uses.push(ResourceUse::Property {
                span: member.span,
                name: member.name.clone(),
                types,
            });
        }
    }

    /// Records the resource types written as arguments of `resources`,
    /// `refs` and `referrers`.
    fn record_type_arguments(&mut self, function: &str, args: &[Expr]) {
        let written: &[Expr] = match function {
            "resources" => args,
            "refs" | "referrers" => args.get(1..2).unwrap_or(&[]),
            _ => &[],
        };
        for arg in written {
            self.record_type_literal(arg);
        }
    }

    fn record_type_literal(&mut self, expr: &Expr) {
        if let ExprKind::String(literal) = &expr.kind
            && let Some(name) = literal.as_plain()
        {
            self.resource_uses.push(ResourceUse::Type {
                span: literal.span,
                name,
            });
        }
    }

    /// Records `Type: "..."` in the resources of a test input.
    fn record_input_types(&mut self, expr: &Expr) {
        match &expr.kind {
            ExprKind::Object(fields) => {
                for field in fields {
                    if field.key.name == "Type" {
                        self.record_type_literal(&field.value);
                    }
                    self.record_input_types(&field.value);
                }
            }
            ExprKind::List(items) => {
                for item in items {
                    self.record_input_types(item);
                }
            }
            _ => {}
        }
    }

    /// Resolves a policy parameter of `package` used at `span`: records the
    /// use and gives the parameter's static type.
    fn resolve_param(&mut self, package: &str, name: &str, span: Span) -> Option<Ty> {
        let entry = self.index.param(package, name)?;
        let ty = param_ty(entry.ty.as_ref());
        self.uses.insert(
            span,
            Definition::Param {
                package: package.to_string(),
                name: name.to_string(),
            },
        );
        Some(ty)
    }

    /// Checks a parameter declaration: a known type and a constant default
    /// of that type.
    fn check_param(&mut self, param: &ParamDef) {
        let entries: Vec<SourceFile> = self
            .index
            .packages
            .get(&self.package)
            .and_then(|package| package.params.get(&param.name.name))
            .map(|entries| entries.iter().map(|entry| entry.file).collect())
            .unwrap_or_default();
        self.check_duplicate_name("parameter", &param.name, entries);
        self.uses.insert(
            param.name.span,
            Definition::Param {
                package: self.package.clone(),
                name: param.name.name.clone(),
            },
        );
        let ty = crate::items::param_type(&param.ty);
        if ty.is_none() {
            let names = ward_abi::ParamType::NAMES;
            let suggestion = did_you_mean(&param.ty.name.name, names.iter().copied());
            self.error(
                Code::UnknownParamType,
                param.ty.span,
                format!("`{}` is not a parameter type", type_text(&param.ty)),
            )
            .with_label_mut("unknown type")
            .help = Some(match suggestion {
                Some(s) => format!("did you mean `{s}`?"),
                None => "use `bool`, `number`, `string`, `object`, `list` or `list<T>`".to_string(),
            });
        }
        self.infer(&param.default);
        self.check_param_value(&param.default, ty.as_ref(), &param.name.name, "default");
    }

    /// Checks a parameter's default or a test's value for it: a constant
    /// that fits the declared type (when the type is known).
    fn check_param_value(
        &mut self,
        value: &Expr,
        ty: Option<&ward_abi::ParamType>,
        name: &str,
        what: &str,
    ) {
        let json = match crate::literal::literal_to_json(value) {
            Ok(json) => json,
            Err(problem) => {
                self.error(
                    Code::ParamTypeMismatch,
                    problem.span,
                    format!("the {what} of parameter `{name}` must be a constant"),
                )
                .with_label_mut("not a literal")
                .help = Some("use only literals, lists and objects".to_string());
                return;
            }
        };
        if let Some(ty) = ty
            && !ty.fits(&json)
        {
            self.error(
                Code::ParamTypeMismatch,
                value.span,
                format!(
                    "parameter `{name}` takes {ty}, but its {what} is {}",
                    ty.describe_misfit(&json)
                ),
            )
            .with_label_mut(format!("not {ty}"))
            .help = Some(format!("write a value of type `{ty}`"));
        }
    }

    fn lookup_local_peek(&self, name: &str) -> Option<()> {
        self.scopes
            .iter()
            .any(|scope| scope.iter().any(|(n, _)| n == name))
            .then_some(())
    }

    fn resolve_name(&mut self, name: &str, span: Span) -> Ty {
        if let Some((binder, kind, ty)) = self.lookup_local(name) {
            self.uses.insert(span, Definition::Local { binder, kind });
            return ty;
        }
        if let Some(ty) = self.resolve_param(&self.package.clone(), name, span) {
            return ty;
        }
        let candidates = self.visible_locals();
        let suggestion =
            did_you_mean(name, candidates.iter().map(String::as_str)).map(str::to_string);
        let is_function =
            builtins::lookup(name).is_some() || self.index.function(&self.package, name).is_some();
        let diagnostic = self
            .error(
                Code::UndefinedName,
                span,
                format!("undefined name `{name}`"),
            )
            .with_label_mut("not found in this scope");
        if let Some(s) = suggestion {
            diagnostic.help = Some(format!("did you mean `{s}`?"));
            diagnostic.fixes.push(crate::diagnostics::Fix {
                title: format!("replace with `{s}`"),
                span,
                replacement: s,
            });
        } else if is_function {
            diagnostic.help = Some(format!(
                "`{name}` is a function: call it with `{name}(...)`"
            ));
        }
        Ty::Any
    }

    fn infer_call(&mut self, call: &Expr, callee: &Expr, args: &[Expr]) -> Ty {
        let arg_types: Vec<Ty> = args.iter().map(|arg| self.infer(arg)).collect();
        let is_builtin = matches!(&callee.kind, ExprKind::Name(name)
            if self.index.function(&self.package, name).is_none() && builtins::lookup(name).is_some());
        if !is_builtin {
            // Functions of policies take their arguments in order.
            for arg in args {
                if let ExprKind::Named(name, _) = &arg.kind {
                    self.error(
                        Code::NamedArgument,
                        name.span,
                        format!(
                            "`{}` is a named argument, but only builtins take them",
                            name.name
                        ),
                    )
                    .with_label_mut("named argument")
                    .help = Some("pass the arguments of a function in order".to_string());
                }
            }
        }
        match &callee.kind {
            ExprKind::Name(name) => {
                if let Some(entry) = self.index.function(&self.package, name) {
                    let arity = entry.arity;
                    self.uses.insert(
                        callee.span,
                        Definition::Function {
                            package: self.package.clone(),
                            name: name.clone(),
                        },
                    );
                    let selector = entry.selects.is_some();
                    self.check_arity(call, name, arity, arity, args.len());
                    return if selector { Ty::ResourceList } else { Ty::Any };
                }
                if let Some(info) = builtins::lookup(name) {
                    self.uses
                        .insert(callee.span, Definition::Builtin(info.builtin));
                    self.record_type_arguments(name, args);
                    let placed = match builtins::arrange(info, call.span, args) {
                        Ok(placed) => placed,
                        Err(error) => {
                            self.error(Code::NamedArgument, error.span, error.message)
                                .with_label_mut("here")
                                .help = Some(format!("signature: `{}`", info.signature()));
                            return info.returns;
                        }
                    };
                    if !info.accepts(placed.len()) {
                        let min = info.params.len() - info.optional;
                        let max = if info.variadic {
                            usize::MAX
                        } else {
                            info.params.len()
                        };
                        self.check_arity(call, name, min, max, placed.len());
                    }
                    let by_position = placed.iter().enumerate().filter_map(|(index, arg)| {
                        let arg = (*arg)?;
                        Some((
                            index,
                            (
                                builtins::argument_value(args.get(arg)?),
                                arg_types.get(arg)?,
                            ),
                        ))
                    });
                    for (index, (arg, ty)) in by_position {
                        let Some((param, expected)) = info
                            .params
                            .get(index.min(info.params.len().saturating_sub(1)))
                        else {
                            continue;
                        };
                        if !ty.fits(*expected) {
                            self.error(
                                Code::ArgumentType,
                                arg.span,
                                format!(
                                    "`{name}` takes {} as `{param}`, but this is {}",
                                    describe_ty(*expected),
                                    describe_ty(*ty)
                                ),
                            )
                            .with_label_mut(format!("{ty}"))
                            .help = Some(format!("signature: `{}`", info.signature()));
                        }
                    }
                    if info.builtin == Builtin::Capture
                        && let Some(pattern) = args.get(1)
                    {
                        self.check_capture_pattern(pattern);
                    }
                    return info.returns;
                }
                let mut candidates: Vec<String> = builtins::BUILTINS
                    .iter()
                    .map(|b| b.name.to_string())
                    .collect();
                if let Some(package) = self.index.packages.get(&self.package) {
                    candidates.extend(package.functions.keys().cloned());
                }
                let suggestion =
                    did_you_mean(name, candidates.iter().map(String::as_str)).map(str::to_string);
                let diagnostic = self
                    .error(
                        Code::UnknownFunction,
                        callee.span,
                        format!("unknown function `{name}`"),
                    )
                    .with_label_mut("not a builtin or a function of this package");
                if let Some(s) = suggestion {
                    diagnostic.help = Some(format!("did you mean `{s}`?"));
                    diagnostic.fixes.push(crate::diagnostics::Fix {
                        title: format!("replace with `{s}`"),
                        span: callee.span,
                        replacement: s,
                    });
                }
                Ty::Any
            }
            ExprKind::Field(base, member) => {
                let alias = match &base.kind {
                    ExprKind::Name(alias) if self.lookup_local_peek(alias).is_none() => alias,
                    _ => {
                        self.infer(base);
                        self.not_callable(callee);
                        return Ty::Any;
                    }
                };
                let Some(package) = self.imports.get(alias).cloned() else {
                    self.error(
                        Code::UndefinedName,
                        base.span,
                        format!("undefined name `{alias}`"),
                    )
                    .with_label_mut("not an imported package")
                    .help = Some(format!("import the package: `import <package> as {alias}`"));
                    return Ty::Any;
                };
                match self.index.function(&package, &member.name) {
                    Some(entry) => {
                        let arity = entry.arity;
                        let selector = entry.selects.is_some();
                        self.uses.insert(
                            callee.span,
                            Definition::Function {
                                package: package.clone(),
                                name: member.name.clone(),
                            },
                        );
                        self.check_arity(call, &member.name, arity, arity, args.len());
                        if selector {
                            return Ty::ResourceList;
                        }
                    }
                    None => {
                        let known: Vec<String> = self
                            .index
                            .packages
                            .get(&package)
                            .map(|p| p.functions.keys().cloned().collect())
                            .unwrap_or_default();
                        let suggestion =
                            did_you_mean(&member.name, known.iter().map(String::as_str))
                                .map(str::to_string);
                        let diagnostic = self
                            .error(
                                Code::UnknownMember,
                                member.span,
                                format!("package `{package}` has no function `{}`", member.name),
                            )
                            .with_label_mut("not defined there");
                        if let Some(s) = suggestion {
                            diagnostic.help = Some(format!("did you mean `{s}`?"));
                        }
                    }
                }
                Ty::Any
            }
            _ => {
                self.infer(callee);
                self.not_callable(callee);
                Ty::Any
            }
        }
    }

    fn not_callable(&mut self, callee: &Expr) {
        self.error(
            Code::NotCallable,
            callee.span,
            "this expression is not a function",
        )
        .with_label_mut("not callable")
        .help = Some("only `name(...)` and `package.name(...)` can be called".to_string());
    }

    fn check_arity(&mut self, call: &Expr, name: &str, min: usize, max: usize, given: usize) {
        if given >= min && given <= max {
            return;
        }
        let wanted = if min == max {
            format!("{min} argument{}", if min == 1 { "" } else { "s" })
        } else if max == usize::MAX {
            format!("at least {min} argument{}", if min == 1 { "" } else { "s" })
        } else {
            format!("{min} to {max} arguments")
        };
        let help = builtins::lookup(name)
            .map(|info| format!("signature: `{}`", info.signature()))
            .unwrap_or_else(|| format!("`{name}` takes {wanted}"));
        self.error(
            Code::WrongArity,
            call.span,
            format!(
                "`{name}` takes {wanted} but {given} {} given",
                if given == 1 { "was" } else { "were" }
            ),
        )
        .with_label_mut(format!(
            "{given} argument{}",
            if given == 1 { "" } else { "s" }
        ))
        .help = Some(help);
    }

    fn bad_operand(&mut self, operand: &Expr, ty: Ty, what: &str) {
        self.error(
            Code::BadOperand,
            operand.span,
            format!("{what}, but this is {}", describe_ty(ty)),
        )
        .with_label_mut(format!("{ty}"));
    }

    fn infer_binary(&mut self, expr: &Expr, op: BinaryOp, left: &Expr, right: &Expr) -> Ty {
        let left_ty = self.infer(left);
        let right_ty = self.infer(right);
        match op {
            BinaryOp::And | BinaryOp::Or => {
                let word = format!("`{}`", op.symbol());
                self.expect_boolean(left, left_ty, &word);
                self.expect_boolean(right, right_ty, &word);
                Ty::Bool
            }
            BinaryOp::Eq
            | BinaryOp::Ne
            | BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge => {
                if is_concrete(left_ty) && is_concrete(right_ty) && !comparable(left_ty, right_ty) {
                    let conversion = if (left_ty, right_ty) == (Ty::String, Ty::Number)
                        || (left_ty, right_ty) == (Ty::Number, Ty::String)
                    {
                        "convert with `number(...)` or `string(...)`; CloudFormation often writes numbers as strings"
                    } else {
                        "compare values of the same type"
                    };
                    self.error(
                        Code::MismatchedComparison,
                        expr.span,
                        format!(
                            "`{}` compares {} with {}",
                            op.symbol(),
                            describe_ty(left_ty),
                            describe_ty(right_ty)
                        ),
                    )
                    .with_label_mut("never equal")
                    .help = Some(conversion.to_string());
                } else if op.is_ordering() {
                    for (side, ty) in [(left, left_ty), (right, right_ty)] {
                        if matches!(
                            ty,
                            Ty::Bool | Ty::List | Ty::Object | Ty::Resource | Ty::ResourceList
                        ) {
                            self.bad_operand(
                                side,
                                ty,
                                &format!("`{}` orders numbers or strings", op.symbol()),
                            );
                        }
                    }
                }
                Ty::Bool
            }
            BinaryOp::In | BinaryOp::NotIn => {
                if matches!(right_ty, Ty::Number | Ty::Bool) {
                    self.bad_operand(
                        right,
                        right_ty,
                        &format!("`{}` looks into a list, a string or an object", op.symbol()),
                    );
                }
                Ty::Bool
            }
            BinaryOp::Matches => {
                if !left_ty.fits(Ty::String) {
                    self.bad_operand(left, left_ty, "`matches` takes a string on the left");
                }
                self.check_regex(right);
                Ty::Bool
            }
            BinaryOp::Add if left_ty.is_list() || right_ty.is_list() => {
                for (side, ty) in [(left, left_ty), (right, right_ty)] {
                    if !ty.fits(Ty::List) {
                        self.bad_operand(side, ty, "`+` joins two lists");
                    }
                }
                if left_ty == Ty::ResourceList && right_ty == Ty::ResourceList {
                    Ty::ResourceList
                } else {
                    Ty::List
                }
            }
            BinaryOp::Add if left_ty == Ty::Any && right_ty == Ty::Any => Ty::Any,
            BinaryOp::Add => {
                if left_ty == Ty::String || right_ty == Ty::String {
                    for (side, ty) in [(left, left_ty), (right, right_ty)] {
                        if !ty.fits(Ty::String) {
                            self.bad_operand(side, ty, "`+` joins two strings or adds two numbers");
                        }
                    }
                    Ty::String
                } else {
                    for (side, ty) in [(left, left_ty), (right, right_ty)] {
                        if !ty.fits(Ty::Number) {
                            self.bad_operand(side, ty, "`+` joins two strings or adds two numbers");
                        }
                    }
                    Ty::Number
                }
            }
            BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => {
                for (side, ty) in [(left, left_ty), (right, right_ty)] {
                    if !ty.fits(Ty::Number) {
                        self.bad_operand(side, ty, &format!("`{}` takes numbers", op.symbol()));
                    }
                }
                Ty::Number
            }
        }
    }

    /// The pattern of `capture`: a literal that compiles to a capture
    /// program (`crate::regex::CaptureProgram`).
    fn check_capture_pattern(&mut self, pattern: &Expr) {
        let text = match &pattern.kind {
            ExprKind::RawString(text) => text.clone(),
            ExprKind::String(literal) if literal.as_plain().is_some() => {
                literal.as_plain().unwrap_or_default()
            }
            ExprKind::Error => return,
            _ => {
                self.error(Code::InvalidRegex, pattern.span, "the pattern of `capture` must be a string literal")
                    .with_label_mut("not a literal")
                    .help = Some("patterns are compiled ahead of time into the module; write `capture(x, r\"^prefix-(.*)$\")`".to_string());
                return;
            }
        };
        if let Err(message) = crate::regex::CaptureProgram::compile(&text) {
            self.error(Code::InvalidRegex, pattern.span, format!("invalid regular expression: {message}"))
                .with_label_mut("here")
                .help = Some("use a raw string `r\"...\"` so backslashes need no escaping; look-around, back-references and word boundaries are not supported".to_string());
        }
    }

    fn check_regex(&mut self, pattern: &Expr) {
        let text = match &pattern.kind {
            ExprKind::RawString(text) => text.clone(),
            ExprKind::String(literal) => match literal.as_plain() {
                Some(text) => text,
                None => {
                    self.error(
                        Code::InvalidRegex,
                        pattern.span,
                        "a regular expression cannot contain interpolations",
                    )
                    .with_label_mut("interpolated")
                    .help = Some(
                        "patterns are compiled ahead of time; write the pattern literally"
                            .to_string(),
                    );
                    return;
                }
            },
            ExprKind::Error => return,
            _ => {
                self.error(Code::InvalidRegex, pattern.span, "the pattern of `matches` must be a string literal")
                    .with_label_mut("not a literal")
                    .help = Some("patterns are compiled ahead of time into the module; write `x matches r\"^prefix-\"`".to_string());
                return;
            }
        };
        if let Err(message) = crate::regex::validate(&text) {
            self.error(Code::InvalidRegex, pattern.span, format!("invalid regular expression: {message}"))
                .with_label_mut("here")
                .help = Some("use a raw string `r\"...\"` so backslashes need no escaping; look-around and back-references are not supported".to_string());
        }
    }
}

trait LabelMut {
    fn with_label_mut(&mut self, label: impl Into<String>) -> &mut Self;
}

impl LabelMut for Diagnostic {
    fn with_label_mut(&mut self, label: impl Into<String>) -> &mut Self {
        self.label = label.into();
        self
    }
}

fn item_name<'a>(item: &'a Item, kind: &str) -> Option<&'a Ident> {
    match (item, kind) {
        (Item::Rule(rule), "rule") => Some(&rule.name),
        (Item::Fn(function), "function") => Some(&function.name),
        (Item::Test(test), "test") => Some(&test.name),
        (Item::Param(param), "parameter") => Some(&param.name),
        _ => None,
    }
}

fn is_concrete(ty: Ty) -> bool {
    !matches!(ty, Ty::Any | Ty::Null)
}

fn comparable(a: Ty, b: Ty) -> bool {
    a == b || (a.is_list() && b.is_list())
}

fn describe_ty(ty: Ty) -> String {
    match ty {
        Ty::Any => "a value of unknown type".to_string(),
        Ty::Null => "`null`".to_string(),
        Ty::ResourceList => "a list of resources".to_string(),
        Ty::Object => "an object".to_string(),
        other => format!("a {other}"),
    }
}

/// A parameter type as written, without spaces: `list<string>`.
fn type_text(ty: &ward_syntax::ast::TypeExpr) -> String {
    match &ty.element {
        Some(element) => format!("{}<{}>", ty.name.name, type_text(element)),
        None => ty.name.name.clone(),
    }
}

/// The file a test input reads, when it is `file("path")`.
pub fn input_file(input: &Expr) -> Option<&ward_syntax::ast::StringLit> {
    let ExprKind::Call(callee, args) = &input.kind else {
        return None;
    };
    match (&callee.kind, args.as_slice()) {
        (ExprKind::Name(name), [arg]) if name == "file" => match &arg.kind {
            ExprKind::String(literal) => Some(literal),
            _ => None,
        },
        _ => None,
    }
}

/// The static type of a parameter declared with `ty`.
fn param_ty(ty: Option<&ward_abi::ParamType>) -> Ty {
    match ty {
        Some(ward_abi::ParamType::Bool) => Ty::Bool,
        Some(ward_abi::ParamType::Number) => Ty::Number,
        Some(ward_abi::ParamType::String) => Ty::String,
        Some(ward_abi::ParamType::Object) => Ty::Object,
        Some(ward_abi::ParamType::List(_)) => Ty::List,
        None => Ty::Any,
    }
}

/// The text of a string literal without interpolations.
fn plain_string(expr: &Expr) -> Option<String> {
    match &expr.kind {
        ExprKind::String(literal) => literal.as_plain(),
        _ => None,
    }
}

/// The span of the first part of a test input that is not a constant.
fn non_constant(expr: &Expr) -> Option<Span> {
    match &expr.kind {
        ExprKind::Null | ExprKind::Bool(_) | ExprKind::Number(_) | ExprKind::RawString(_) => None,
        ExprKind::String(literal) => literal.as_plain().is_none().then_some(expr.span),
        ExprKind::Unary(UnaryOp::Neg, inner) if matches!(inner.kind, ExprKind::Number(_)) => None,
        ExprKind::List(items) => items.iter().find_map(non_constant),
        ExprKind::Object(fields) => fields.iter().find_map(|field| non_constant(&field.value)),
        _ => Some(expr.span),
    }
}
