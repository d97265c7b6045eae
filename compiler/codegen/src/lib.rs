//! The WebAssembly backend: a [`Program`] becomes one self-contained module
//! that implements the ABI of `docs/abi.md` (crate `ward-abi`) and the
//! semantics of `docs/semantics.md`.
//!
//! ```
//! use ward_compiler::Compiler;
//!
//! let mut compiler = Compiler::default();
//! compiler.set_file("p.ward", r#"
//!     @severity(low)
//!     rule tagged for r in resources("AWS::S3::Bucket") { require exists(r.tags.Owner) }
//! "#.to_string());
//! let program = ward_compiler::ir::program(&compiler.db, compiler.workspace).unwrap();
//! let wasm = ward_codegen::compile(&program).unwrap();
//! assert_eq!(&wasm[..4], b"\0asm");
//! ```
//!
//! # The module
//!
//! - No imports. Exports `memory`, `ward_reset`, `ward_alloc`, `ward_eval`.
//! - The runtime library (module `rt`) comes first in the function index space,
//!   then one function per user function, then one per rule, then the
//!   exports.
//! - Values are 16-byte slots in the ABI's input layout, whether read from
//!   the input or built (see module `layout`); constants live in the data
//!   segment, everything built during `ward_eval` on a bump heap after the
//!   input, discarded at the next call.
//! - Regexes are DFA tables in the data segment ([`regex`]). Patterns of
//!   `capture` are Thompson NFA programs
//!   (`ward_compiler::regex::CaptureProgram`) in the data segment, run by a
//!   Pike VM. The runtime functions of the string and IAM builtins are
//!   stubs in a module whose rules do not call them.
//! - Evaluation is bounded by the host (fuel, epoch, memory limit); the
//!   module traps when memory cannot grow.
//! - The custom section `ward.meta` carries the rules, their checks and
//!   source spans, and the key table: the program's keys followed by the
//!   exact resource types its `resources`, `refs` and `referrers` name.

mod asm;
mod emit;
mod layout;
pub mod regex;
mod rt;

use std::collections::{HashMap, HashSet};
use std::fmt;

use ward_abi::layout::{
    HEADER_MAGIC, HEADER_RESOURCE_COUNT, HEADER_RESOURCES_OFF, HEADER_SIZE, HEADER_VERSION,
    RESOURCE_SIZE, RESOURCE_TYPE_KEY, STATUS_ERROR, STATUS_INPUT_REJECTED,
};
use ward_abi::{
    ABI_VERSION, CheckKind as AbiCheckKind, CheckMeta, INPUT_MAGIC, META_SECTION, Metadata,
    RuleMeta, SourceSpan,
};
use ward_compiler::builtins::{ARN_FIELDS, Builtin};
use ward_compiler::ir::{Const, Expr, Program, Rule, SourceRange, Stmt};
use ward_syntax::ast::CheckKind;
use wasm_encoder::{
    CodeSection, ConstExpr, CustomSection, DataSection, ExportKind, ExportSection, FunctionSection,
    GlobalSection, GlobalType, MemorySection, MemoryType, Module, NameMap, NameSection,
    TypeSection, ValType,
};

use crate::asm::Func;
use crate::emit::Ctx;
use crate::layout::{Pool, global};
use crate::rt::{Rt, Texts};

/// Parameter and result types of a function.
type Signature = (Vec<ValType>, Vec<ValType>);

/// Why a program could not be compiled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodegenError {
    /// A `matches` pattern cannot become a table.
    Regex {
        /// The pattern.
        pattern: String,
        /// Why, lowercase.
        message: String,
    },
    /// The program is too large for one module.
    TooLarge(String),
}

impl fmt::Display for CodegenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodegenError::Regex { pattern, message } => {
                write!(f, "cannot compile the pattern `{pattern}`: {message}")
            }
            CodegenError::TooLarge(what) => write!(f, "the program is too large: {what}"),
        }
    }
}

impl std::error::Error for CodegenError {}

/// Compiles a program to a WebAssembly module.
///
/// # Errors
///
/// [`CodegenError`] when a regex cannot become a table or the program does
/// not fit one module.
pub fn compile(program: &Program) -> Result<Vec<u8>, CodegenError> {
    let keys = key_table(program);
    let mut pool = Pool::new();
    let texts = Texts::new(&mut pool);
    let mut regex_tables = Vec::with_capacity(program.regexes.len());
    for pattern in &program.regexes {
        let table = regex::DfaTable::build(pattern).map_err(|message| CodegenError::Regex {
            pattern: pattern.to_string(),
            message,
        })?;
        regex_tables.push(pool.raw(&table.to_bytes(), 8));
    }
    let rejected = pool.string(&format!(
        "the input is not a ward input of ABI version {ABI_VERSION}"
    ));
    let outside = pool.string("the input's resource table lies outside the input");
    let no_rule = pool.string("the module has no rule with this index");

    let mut capture_tables = HashMap::new();
    for pattern in capture_patterns(program) {
        let capture =
            ward_compiler::regex::CaptureProgram::compile(&pattern).map_err(|message| {
                CodegenError::Regex {
                    pattern: pattern.clone(),
                    message,
                }
            })?;
        let bytes: Vec<u8> = capture
            .words()
            .iter()
            .flat_map(|word| word.to_le_bytes())
            .collect();
        capture_tables.insert(pattern, pool.raw(&bytes, 8));
    }
    let mut cx = Ctx::new(program, pool, texts, keys.clone(), regex_tables);
    cx.capture_tables = capture_tables;
    let used = used_builtins(program);
    let mut bodies: Vec<(Func, Signature)> = Vec::new();
    // Function names for the `name` section: profilers and trap
    // backtraces show them.
    let mut names: Vec<String> = Vec::new();
    for rt in Rt::ALL {
        // A module carries the string and IAM helpers (the Pike VM of
        // `capture` among them) only when its rules call them.
        let only_for = rt.only_for();
        if !only_for.is_empty() && !only_for.iter().any(|builtin| used.contains(builtin)) {
            bodies.push((rt.stub(), rt.signature()));
            names.push(format!("rt::{rt:?}"));
            continue;
        }
        bodies.push((rt.emit(&cx.texts), rt.signature()));
        names.push(format!("rt::{rt:?}"));
    }
    for function in &program.functions {
        let params = vec![ValType::I32; function.params as usize];
        bodies.push((
            emit::function(&mut cx, function),
            (params, vec![ValType::I32]),
        ));
        names.push(format!("fn {}.{}", function.package, function.name));
    }
    let first_rule =
        u32::try_from(bodies.len()).map_err(|_| CodegenError::TooLarge("functions".into()))?;
    for rule in &program.rules {
        bodies.push((emit::rule(&mut cx, rule), (vec![], vec![ValType::I32])));
        names.push(format!("rule {}.{}", rule.info.package, rule.info.name));
    }
    let heap_base = cx.pool.heap_base();
    let reset_index =
        u32::try_from(bodies.len()).map_err(|_| CodegenError::TooLarge("functions".into()))?;
    bodies.push((ward_reset(heap_base), (vec![], vec![])));
    bodies.push((ward_alloc(), (vec![ValType::I32], vec![ValType::I32])));
    let rule_count =
        u32::try_from(program.rules.len()).map_err(|_| CodegenError::TooLarge("rules".into()))?;
    bodies.push((
        ward_eval(
            first_rule,
            rule_count,
            u32::try_from(keys.len()).map_err(|_| CodegenError::TooLarge("keys".into()))?,
            [rejected, outside],
            no_rule,
        ),
        (vec![ValType::I32; 3], vec![ValType::I32]),
    ));
    names.extend([
        ward_abi::exports::RESET.to_string(),
        ward_abi::exports::ALLOC.to_string(),
        ward_abi::exports::EVAL.to_string(),
    ]);

    let mut module = Module::new();
    let mut types = TypeSection::new();
    let mut type_ids: HashMap<Signature, u32> = HashMap::new();
    let mut functions = FunctionSection::new();
    for (_, signature) in &bodies {
        let next = u32::try_from(type_ids.len()).unwrap_or(u32::MAX);
        let id = *type_ids.entry(signature.clone()).or_insert_with(|| {
            types
                .ty()
                .function(signature.0.iter().copied(), signature.1.iter().copied());
            next
        });
        functions.function(id);
    }
    module.section(&types);
    module.section(&functions);

    let data = cx.pool.bytes().to_vec();
    let pages = u64::from(heap_base / 65536 + 2);
    let mut memories = MemorySection::new();
    memories.memory(MemoryType {
        minimum: pages,
        maximum: None,
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    module.section(&memories);

    let mut globals = GlobalSection::new();
    for index in 0..global::COUNT {
        if index == global::NUMBER {
            globals.global(
                GlobalType {
                    val_type: ValType::F64,
                    mutable: true,
                    shared: false,
                },
                &ConstExpr::f64_const(0.0.into()),
            );
        } else {
            let initial = if index == global::HEAP || index == global::INPUT_END {
                heap_base
            } else {
                0
            };
            globals.global(
                GlobalType {
                    val_type: ValType::I32,
                    mutable: true,
                    shared: false,
                },
                &ConstExpr::i32_const(initial as i32),
            );
        }
    }
    module.section(&globals);

    let mut exports = ExportSection::new();
    exports.export(ward_abi::exports::MEMORY, ExportKind::Memory, 0);
    exports.export(ward_abi::exports::RESET, ExportKind::Func, reset_index);
    exports.export(ward_abi::exports::ALLOC, ExportKind::Func, reset_index + 1);
    exports.export(ward_abi::exports::EVAL, ExportKind::Func, reset_index + 2);
    module.section(&exports);

    let mut code = CodeSection::new();
    for (body, _) in bodies {
        code.function(&body.finish());
    }
    module.section(&code);

    let mut data_section = DataSection::new();
    data_section.active(0, &ConstExpr::i32_const(0), data);
    module.section(&data_section);

    let mut function_names = NameMap::new();
    for (index, name) in (0u32..).zip(&names) {
        function_names.append(index, name);
    }
    let mut name_section = NameSection::new();
    name_section.functions(&function_names);
    module.section(&name_section);

    let metadata = metadata(program, keys);
    module.section(&CustomSection {
        name: META_SECTION.into(),
        data: metadata.encode().into(),
    });
    Ok(module.finish())
}

/// The key table: the program's keys, then the exact resource types it
/// filters by.
fn key_table(program: &Program) -> Vec<String> {
    let mut keys: Vec<String> = program.keys.iter().map(|key| key.to_string()).collect();
    let mut types = Vec::new();
    visit_program(program, &mut |expr| collect_types(expr, &mut types));
    for text in types {
        if !keys.contains(&text) {
            keys.push(text);
        }
    }
    keys
}

fn visit_stmts(stmts: &[Stmt], f: &mut dyn FnMut(&Expr)) {
    for stmt in stmts {
        match stmt {
            Stmt::Let { value, .. } => f(value),
            Stmt::Check(check) => {
                f(&check.cond);
                if let Some(message) = &check.message {
                    f(message);
                }
                if let Some(at) = &check.at {
                    f(at);
                }
            }
            Stmt::When { cond, .. } => f(cond),
            Stmt::For { iter, body, .. } => {
                f(iter);
                visit_stmts(body, f);
            }
            Stmt::If {
                cond,
                then,
                otherwise,
                ..
            } => {
                f(cond);
                visit_stmts(then, f);
                visit_stmts(otherwise, f);
            }
        }
    }
}

/// Calls `f` on every expression of the program, nested ones included.
fn visit_program(program: &Program, f: &mut dyn FnMut(&Expr)) {
    fn visit(expr: &Expr, f: &mut dyn FnMut(&Expr)) {
        f(expr);
        expr.for_each_child(&mut |child| visit(child, f));
    }
    let mut collect = |expr: &Expr| visit(expr, f);
    for rule in &program.rules {
        if let Some(source) = &rule.source {
            collect(source);
        }
        if let Some(guard) = &rule.guard {
            collect(guard);
        }
        visit_stmts(&rule.body, &mut collect);
    }
    for function in &program.functions {
        collect(&function.body);
    }
}

/// The builtins the program calls.
fn used_builtins(program: &Program) -> HashSet<Builtin> {
    let mut used = HashSet::new();
    visit_program(program, &mut |expr| {
        if let Expr::Builtin { builtin, .. } = expr {
            used.insert(*builtin);
        }
    });
    used
}

/// The patterns of every `capture` of the program, each once, in order of
/// first use.
fn capture_patterns(program: &Program) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    visit_program(program, &mut |expr| {
        if let Expr::Builtin {
            builtin: Builtin::Capture,
            args,
        } = expr
            && let Some(Expr::Const(Const::String(pattern))) = args.get(1)
            && !out.iter().any(|known| known == &**pattern)
        {
            out.push(pattern.to_string());
        }
    });
    out
}

/// Adds the exact resource types (and the object keys `arn` makes) that one
/// expression needs in the key table; [`visit_program`] visits the nested
/// ones.
fn collect_types(expr: &Expr, out: &mut Vec<String>) {
    let mut exact = |pattern: &Expr| {
        if let Expr::Const(Const::String(text)) = pattern
            && !text.ends_with('*')
            && !out.iter().any(|known| known == &**text)
        {
            out.push(text.to_string());
        }
    };
    match expr {
        // The fields of the objects `arn(...)` makes need key ids.
        Expr::Builtin {
            builtin: Builtin::Arn,
            ..
        } => {
            for field in ARN_FIELDS {
                if !out.iter().any(|known| known == field) {
                    out.push(field.to_string());
                }
            }
        }
        Expr::Resources(patterns) => patterns.iter().for_each(&mut exact),
        Expr::Traverse {
            filter: Some(filter),
            ..
        } => exact(filter),
        _ => {}
    }
}

fn span(file: &str, range: SourceRange) -> SourceSpan {
    SourceSpan {
        file: file.to_string(),
        start_line: range.start.line,
        start_column: range.start.column,
        end_line: range.end.line,
        end_column: range.end.column,
    }
}

/// A rule as the metadata section describes it (and, for the reference
/// evaluator, as reports describe it).
pub fn rule_meta(rule: &Rule) -> RuleMeta {
    let resource_types = match &rule.source {
        Some(Expr::Resources(patterns)) => patterns
            .iter()
            .filter_map(|pattern| match pattern {
                Expr::Const(Const::String(text)) => Some(text.to_string()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let checks = rule
        .all_checks()
        .into_iter()
        .map(|check| {
            let message = check.message_source.as_deref().unwrap_or("");
            let message = message
                .strip_prefix('"')
                .and_then(|inner| inner.strip_suffix('"'))
                .unwrap_or(message);
            CheckMeta {
                kind: match check.kind {
                    CheckKind::Require => AbiCheckKind::Require,
                    CheckKind::Deny => AbiCheckKind::Deny,
                },
                message: message.to_string(),
                source: span(&rule.info.file, check.range),
            }
        })
        .collect();
    RuleMeta {
        id: rule.info.id.clone(),
        name: rule.info.name.clone(),
        package: rule.info.package.clone(),
        severity: rule.info.severity,
        controls: rule.info.controls.clone(),
        tags: rule.info.tags.clone(),
        title: rule.info.title.clone(),
        description: rule.info.description.clone(),
        resource_types,
        source: span(&rule.info.file, rule.range),
        checks,
        level: rule.info.level,
        formats: rule.info.formats.clone(),
        checkov: rule.info.checkov.clone(),
        guard: rule.info.guard.clone(),
    }
}

/// The content of the `ward.meta` section.
fn metadata(program: &Program, keys: Vec<String>) -> Metadata {
    Metadata {
        producer: format!("ward {}", env!("CARGO_PKG_VERSION")),
        rules: program.rules.iter().map(rule_meta).collect(),
        keys,
        regex_count: u32::try_from(program.regexes.len()).unwrap_or(u32::MAX),
        uses_root: false,
        params: program.param_metas(),
    }
}

/// `ward_reset()`: forget every allocation.
fn ward_reset(heap_base: u32) -> Func {
    let mut f = Func::new(0);
    f.u32c(heap_base).gset(global::HEAP);
    f.u32c(heap_base).gset(global::INPUT_END);
    f.i32c(0).gset(global::TYPES_FOR);
    f
}

/// `ward_alloc(len) -> address`, 0 when memory cannot grow.
fn ward_alloc() -> Func {
    let mut f = Func::new(1);
    let p = f.i32_local();
    f.get(0)
        .call(Rt::AllocOrZero.index())
        .tee(p)
        .if_()
        .gget(global::HEAP)
        .gset(global::INPUT_END)
        .end();
    f.i32c(0).gset(global::TYPES_FOR);
    f.get(p);
    f
}

/// Makes the input's type column and type index on the first `ward_eval`
/// for an input: filtering resources by type then reads 4 bytes per
/// resource instead of a line of its 96-byte record, and selecting one
/// type (`resources("AWS::KMS::Key")`) visits only that type's resources;
/// every rule shares the passes. Both stay below `INPUT_END`, so the
/// scratch heap of later calls starts after them. `key_count` is the
/// length of the module's key table: type keys at or past it (the
/// unknown key, or a hostile input's) share the last group.
fn type_column(f: &mut Func, input: u32, key_count: u32) {
    let [n, i] = f.i32_locals();
    f.gget(global::TYPES_FOR).get(input).ne().if_();
    f.get(input).load32(HEADER_RESOURCE_COUNT).set(n);
    f.get(n)
        .i32c(4)
        .mul()
        .call(Rt::Alloc.index())
        .gset(global::TYPES);
    f.count_up(i, 0, n, |f| {
        f.gget(global::TYPES).get(i).i32c(4).mul().add();
        f.get(i)
            .call(Rt::Record.index())
            .load32(RESOURCE_TYPE_KEY)
            .store32(0);
    });
    type_index(f, n, key_count);
    f.gget(global::HEAP).gset(global::INPUT_END);
    f.get(input).gset(global::TYPES_FOR);
    f.end();
}

/// Groups the resource indexes by type key (a counting sort over the type
/// column) into [`global::TYPE_ORDER`], with the groups' bounds in
/// [`global::TYPE_GROUPS`].
fn type_index(f: &mut Func, n: u32, key_count: u32) {
    let [i, group, at, column, groups, order, group_count] = f.i32_locals();
    f.u32c(key_count.saturating_add(2)).set(group_count);
    // The group of resource `i`: its type key, at most `key_count`.
    let group_of = |f: &mut Func| {
        f.element(column, i, 4).load32(0).set(group);
        f.u32c(key_count)
            .get(group)
            .get(group)
            .u32c(key_count)
            .gt_u()
            .select()
            .set(group);
    };
    f.gget(global::TYPES).set(column);
    f.get(group_count)
        .i32c(4)
        .mul()
        .call(Rt::Alloc.index())
        .tee(groups)
        .gset(global::TYPE_GROUPS);
    // The heap is reused: clear the counts.
    f.count_up(i, 0, group_count, |f| {
        f.element(groups, i, 4).i32c(0).store32(0);
    });
    // Count each group into entry `group + 2`.
    f.count_up(i, 0, n, |f| {
        group_of(f);
        f.element(groups, group, 4).tee(at);
        f.get(at).load32(8).i32c(1).add().store32(8);
    });
    // Running sums: entry `group + 1` is where the group starts.
    f.count_up(i, 2, group_count, |f| {
        f.element(groups, i, 4).tee(at);
        f.get(at).load32(0).get(at).i32c(-4).add().load32(0).add();
        f.store32(0);
    });
    // Place each index; entry `group + 1` moves to the group's end, so
    // group `k` ends up at entries `k` to `k + 1`.
    f.get(n)
        .i32c(4)
        .mul()
        .call(Rt::Alloc.index())
        .tee(order)
        .gset(global::TYPE_ORDER);
    f.count_up(i, 0, n, |f| {
        group_of(f);
        f.element(groups, group, 4).set(at);
        f.get(at).load32(4).set(group);
        f.element(order, group, 4).get(i).store32(0);
        f.get(at).get(group).i32c(1).add().store32(4);
    });
}

/// `ward_eval(rule, input, len) -> results address`. `rejected` holds the
/// messages of a rejected input: not a Ward input of this version, and a
/// resource table that does not fit in the input.
fn ward_eval(
    first_rule: u32,
    rule_count: u32,
    key_count: u32,
    rejected: [(u32, u32); 2],
    no_rule: (u32, u32),
) -> Func {
    let (rule, input, len) = (0, 1, 2);
    let mut f = Func::new(3);
    f.get(input).gset(global::INPUT);
    f.gget(global::INPUT_END).gset(global::HEAP);
    let [wrong, outside] = rejected;
    let reject = |f: &mut Func, message: (u32, u32)| {
        f.if_()
            .u32c(STATUS_INPUT_REJECTED)
            .u32c(message.0)
            .u32c(message.1)
            .call(Rt::StatusResults.index())
            .ret()
            .end();
    };
    f.get(len).u32c(HEADER_SIZE).lt_u();
    reject(&mut f, wrong);
    f.get(input)
        .load32(HEADER_MAGIC)
        .u32c(u32::from_le_bytes(INPUT_MAGIC))
        .ne();
    reject(&mut f, wrong);
    f.get(input).load32(HEADER_VERSION).u32c(ABI_VERSION).ne();
    reject(&mut f, wrong);
    // Every resource record inside the input, before anything reads one:
    // offset <= len and count <= (len - offset) / record size.
    let offset = f.i32_local();
    f.get(input)
        .load32(HEADER_RESOURCES_OFF)
        .tee(offset)
        .get(len)
        .gt_u();
    reject(&mut f, outside);
    f.get(input)
        .load32(HEADER_RESOURCE_COUNT)
        .get(len)
        .get(offset)
        .sub()
        .u32c(RESOURCE_SIZE)
        .ins(wasm_encoder::Instruction::I32DivU)
        .gt_u();
    reject(&mut f, outside);
    type_column(&mut f, input, key_count);
    // One block per rule plus the default; `br_table` leaves block `k` for
    // rule `k`.
    for _ in 0..=rule_count {
        f.block();
    }
    f.get(rule);
    f.ins(wasm_encoder::Instruction::BrTable(
        (0..rule_count).collect::<Vec<u32>>().into(),
        rule_count,
    ));
    for index in 0..rule_count {
        f.end();
        f.call(first_rule + index).ret();
    }
    f.end();
    f.u32c(STATUS_ERROR)
        .u32c(no_rule.0)
        .u32c(no_rule.1)
        .call(Rt::StatusResults.index());
    f
}
