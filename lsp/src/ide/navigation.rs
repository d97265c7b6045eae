//! Go to definition, references and rename, from the compiler's name
//! resolution (`Analysis::uses`) and the declarations of each package.

use std::fmt;

use ward_compiler::items::package_index;
use ward_compiler::{Definition, SourceFile, builtins};
use ward_syntax::ast::{Item, Span};

use super::text::is_valid_name;
use super::{FileRange, Snapshot, SourceChange, TextEdit};

/// A place to jump to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NavigationTarget {
    /// The file.
    pub file: String,
    /// The whole definition (a rule with its attributes, a `let`).
    pub full_span: Span,
    /// The name inside it.
    pub focus_span: Span,
    /// The name.
    pub name: String,
}

/// Why a rename is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenameError {
    /// There is no name at the position.
    NoName,
    /// The name cannot be renamed (a builtin, a keyword).
    NotRenamable(String),
    /// The new name is not a valid name.
    InvalidName(String),
    /// The new name is taken.
    Conflict(String),
}

impl fmt::Display for RenameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenameError::NoName => {
                f.write_str("there is no rule, function or binding name here to rename")
            }
            RenameError::NotRenamable(why) | RenameError::Conflict(why) => f.write_str(why),
            RenameError::InvalidName(name) => {
                if ward_syntax::is_keyword(name) {
                    write!(f, "`{name}` is a keyword")
                } else {
                    write!(
                        f,
                        "`{name}` is not a valid name: use letters, digits and `_`, not starting with a digit"
                    )
                }
            }
        }
    }
}

impl std::error::Error for RenameError {}

/// The span of the name a use refers to: for `alias.name`, only `name`.
fn name_part(text: &str, span: Span) -> Span {
    let written = text.get(span.range()).unwrap_or("");
    match written.rfind('.') {
        Some(dot) => Span {
            start: span.start + dot as u32 + 1,
            end: span.end,
        },
        None => span,
    }
}

/// The name at `offset` and what it refers to.
pub(crate) fn definition_at(
    snapshot: &Snapshot,
    file: SourceFile,
    offset: u32,
) -> Option<(Span, Definition)> {
    let compiler = snapshot.compiler();
    let db = &compiler.db;
    let analysis = compiler.analyze(file);
    let parse = ward_compiler::parse(db, file);
    for item in &parse.file.items {
        match item {
            Item::Rule(rule) if rule.name.span.contains(offset) => {
                return Some((
                    rule.name.span,
                    Definition::Rule {
                        package: analysis.package.clone(),
                        name: rule.name.name.clone(),
                    },
                ));
            }
            Item::Fn(function) if function.name.span.contains(offset) => {
                return Some((
                    function.name.span,
                    Definition::Function {
                        package: analysis.package.clone(),
                        name: function.name.name.clone(),
                    },
                ));
            }
            _ => {}
        }
    }
    let text = file.text(db);
    analysis
        .uses
        .iter()
        .map(|(span, definition)| (name_part(text, *span), definition))
        .filter(|(span, _)| span.contains(offset))
        .min_by_key(|(span, _)| span.len())
        .map(|(span, definition)| (span, definition.clone()))
}

fn package_files(snapshot: &Snapshot, package: &str) -> Vec<SourceFile> {
    let compiler = snapshot.compiler();
    package_index(&compiler.db, compiler.workspace)
        .packages
        .get(package)
        .map(|info| info.files.clone())
        .unwrap_or_default()
}

/// Where the rules or functions named `name` of `package` are declared.
/// Where a policy parameter is declared.
fn param_declarations(snapshot: &Snapshot, package: &str, name: &str) -> Vec<NavigationTarget> {
    let compiler = snapshot.compiler();
    let mut targets = Vec::new();
    for file in package_files(snapshot, package) {
        let parse = ward_compiler::parse(&compiler.db, file);
        for item in &parse.file.items {
            if let Item::Param(param) = item
                && param.name.name == name
            {
                targets.push(NavigationTarget {
                    file: file.path(&compiler.db).clone(),
                    full_span: param.span,
                    focus_span: param.name.span,
                    name: name.to_string(),
                });
            }
        }
    }
    targets
}

pub(crate) fn declarations(snapshot: &Snapshot, definition: &Definition) -> Vec<NavigationTarget> {
    let (package, name, want_rule) = match definition {
        Definition::Rule { package, name } => (package, name, true),
        Definition::Function { package, name } => (package, name, false),
        Definition::Param { package, name } => {
            return param_declarations(snapshot, package, name);
        }
        _ => return Vec::new(),
    };
    let compiler = snapshot.compiler();
    let mut targets = Vec::new();
    for file in package_files(snapshot, package) {
        let parse = ward_compiler::parse(&compiler.db, file);
        for item in &parse.file.items {
            let found = match item {
                Item::Rule(rule) if want_rule => Some((&rule.name, rule.span)),
                Item::Fn(function) if !want_rule => Some((&function.name, function.span)),
                _ => None,
            };
            if let Some((ident, span)) = found
                && ident.name == *name
            {
                targets.push(NavigationTarget {
                    file: file.path(&compiler.db).clone(),
                    full_span: span,
                    focus_span: ident.span,
                    name: name.clone(),
                });
            }
        }
    }
    targets
}

pub(crate) fn goto_definition(
    snapshot: &Snapshot,
    file: SourceFile,
    offset: u32,
) -> Vec<NavigationTarget> {
    let compiler = snapshot.compiler();
    let db = &compiler.db;
    if let Some(target) = import_target(snapshot, file, offset) {
        return target;
    }
    let Some((_, definition)) = definition_at(snapshot, file, offset) else {
        return Vec::new();
    };
    match &definition {
        Definition::Local { binder, .. } => {
            let text = file.text(db);
            vec![NavigationTarget {
                file: file.path(db).clone(),
                full_span: *binder,
                focus_span: *binder,
                name: text.get(binder.range()).unwrap_or("").to_string(),
            }]
        }
        Definition::Builtin(_) => Vec::new(),
        Definition::Function { .. } | Definition::Rule { .. } | Definition::Param { .. } => {
            declarations(snapshot, &definition)
        }
    }
}

/// On an `import`: the files that declare the package.
fn import_target(
    snapshot: &Snapshot,
    file: SourceFile,
    offset: u32,
) -> Option<Vec<NavigationTarget>> {
    let compiler = snapshot.compiler();
    let db = &compiler.db;
    let parse = ward_compiler::parse(db, file);
    let import = parse
        .file
        .imports
        .iter()
        .find(|import| import.path.span.contains(offset))?;
    let package = import.path.dotted();
    let targets = package_files(snapshot, &package)
        .into_iter()
        .filter_map(|declaring| {
            let path = ward_compiler::parse(db, declaring).file.package.clone()?;
            Some(NavigationTarget {
                file: declaring.path(db).clone(),
                full_span: path.span,
                focus_span: path.span,
                name: package.clone(),
            })
        })
        .collect();
    Some(targets)
}

pub(crate) fn references(
    snapshot: &Snapshot,
    file: SourceFile,
    offset: u32,
    include_declaration: bool,
) -> Vec<FileRange> {
    let Some((_, definition)) = definition_at(snapshot, file, offset) else {
        return Vec::new();
    };
    references_to(snapshot, file, &definition, include_declaration)
}

fn references_to(
    snapshot: &Snapshot,
    file: SourceFile,
    definition: &Definition,
    include_declaration: bool,
) -> Vec<FileRange> {
    let compiler = snapshot.compiler();
    let db = &compiler.db;
    let mut out = Vec::new();
    match definition {
        Definition::Local { binder, .. } => {
            let analysis = compiler.analyze(file);
            for (span, used) in &analysis.uses {
                if let Definition::Local { binder: other, .. } = used
                    && other == binder
                    && (include_declaration || span != binder)
                {
                    out.push(FileRange {
                        file: file.path(db).clone(),
                        span: *span,
                    });
                }
            }
        }
        _ => {
            for other in compiler.files() {
                let text = other.text(db);
                for (span, used) in &compiler.analyze(other).uses {
                    if used == definition {
                        out.push(FileRange {
                            file: other.path(db).clone(),
                            span: name_part(text, *span),
                        });
                    }
                }
            }
            if include_declaration {
                out.extend(
                    declarations(snapshot, definition)
                        .into_iter()
                        .map(|target| FileRange {
                            file: target.file,
                            span: target.focus_span,
                        }),
                );
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

pub(crate) fn prepare_rename(
    snapshot: &Snapshot,
    file: SourceFile,
    offset: u32,
) -> Result<FileRange, RenameError> {
    let (span, definition) = definition_at(snapshot, file, offset).ok_or(RenameError::NoName)?;
    if let Definition::Builtin(builtin) = definition {
        let name = builtins::info(builtin).name;
        return Err(RenameError::NotRenamable(format!(
            "`{name}` is a builtin function and cannot be renamed"
        )));
    }
    Ok(FileRange {
        file: file.path(&snapshot.compiler().db).clone(),
        span,
    })
}

pub(crate) fn rename(
    snapshot: &Snapshot,
    file: SourceFile,
    offset: u32,
    new_name: &str,
) -> Result<SourceChange, RenameError> {
    prepare_rename(snapshot, file, offset)?;
    let (_, definition) = definition_at(snapshot, file, offset).ok_or(RenameError::NoName)?;
    if !is_valid_name(new_name) {
        return Err(RenameError::InvalidName(new_name.to_string()));
    }
    if builtins::lookup(new_name).is_some() {
        return Err(RenameError::Conflict(format!(
            "`{new_name}` is the name of a builtin function"
        )));
    }
    let compiler = snapshot.compiler();
    let index = package_index(&compiler.db, compiler.workspace);
    match &definition {
        Definition::Function { package, .. } if index.function(package, new_name).is_some() => {
            return Err(RenameError::Conflict(format!(
                "package `{package}` already has a function `{new_name}`"
            )));
        }
        Definition::Rule { package, .. }
            if index
                .packages
                .get(package)
                .is_some_and(|info| info.rules.contains_key(new_name)) =>
        {
            return Err(RenameError::Conflict(format!(
                "package `{package}` already has a rule `{new_name}`"
            )));
        }
        _ => {}
    }
    let mut change = SourceChange::default();
    for range in references_to(snapshot, file, &definition, true) {
        change.insert(
            &range.file,
            TextEdit {
                span: range.span,
                new_text: new_name.to_string(),
            },
        );
    }
    Ok(change)
}
