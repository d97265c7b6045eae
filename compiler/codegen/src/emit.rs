//! IR to WebAssembly: expressions, statements, functions and rules.
//!
//! An expression leaves the address of its value's slot on the stack.
//! Statements of a rule work on the rule function's locals and the
//! per-resource globals (the failure and unknown lists); `when` leaves the
//! enclosing block with a branch, so a statement list is a `block`.

use std::collections::HashMap;

use ward_abi::layout::{
    ENTRY_KEY_ID, ENTRY_KEY_LEN, ENTRY_KEY_OFF, ENTRY_ORDER, ENTRY_SIZE, ENTRY_VALUE, FINDING_NEXT,
    HEADER_INPUT_KIND, HEADER_PARAMS_OFF, HEADER_RESOURCE_COUNT, INPUT_FORMATS, ORDER_INDEX_SIZE,
    OUTCOME_FAIL, OUTCOME_PASS, OUTCOME_RESOURCE, OUTCOME_SIZE, OUTCOME_SKIP, OUTCOME_UNKNOWN,
    OUTCOME_VALUE, RESOURCE_ID_LEN, RESOURCE_ID_OFF, RESOURCE_METADATA, RESOURCE_PROPS,
    RESOURCE_SIZE, RESOURCE_TAGS, RESULTS_FINDING_COUNT, RESULTS_FIRST_FINDING, RESULTS_MESSAGE,
    RESULTS_MESSAGE_LEN, RESULTS_OUTCOME_COUNT, RESULTS_OUTCOMES, RESULTS_RESERVED, RESULTS_SIZE,
    RESULTS_STATUS, SLOT_NODE, SLOT_PAYLOAD, SLOT_PAYLOAD_LEN, SLOT_SIZE, SLOT_TAG, STATUS_OK,
    TAG_BOOL, TAG_LIST, TAG_NULL, TAG_NUMBER, TAG_OBJECT, TAG_STRING, TAG_UNKNOWN,
};
use ward_abi::layout::{SLOT_KIND, UNKNOWN_KIND_NAMES, UNKNOWN_REFERENCE, UNKNOWN_TEXT};
use ward_abi::{KEY_UNKNOWN, NONE};
use ward_compiler::builtins::{ARN_FIELDS, Builtin, NO_REASON};
use ward_compiler::ir::{
    ArithOp, Check, CompareOp, Const, Direction, Expr, FormatPart, Function, KeyId, LocalId,
    Program, Rule, Stmt, WhenScope,
};
use ward_syntax::ast::{CheckKind, QuantifierKind};
use wasm_encoder::Instruction;

use crate::asm::Func;
use crate::layout::{FALSE, NULL, Pool, TAG_RESOURCE, TRUE, global};
use crate::rt::builtins::{alloc_list, list_header, list_item, resource_item};
use crate::rt::core::{head, truth_of};
use crate::rt::{Rt, Texts};

/// What every body being generated shares.
pub(crate) struct Ctx<'p> {
    pub(crate) program: &'p Program,
    pub(crate) pool: Pool,
    pub(crate) texts: Texts,
    key_ids: HashMap<String, u32>,
    /// Address of each regex's table, by regex id.
    pub(crate) regex_tables: Vec<u32>,
    /// Address of the program of each pattern of `capture`, by pattern.
    pub(crate) capture_tables: HashMap<String, u32>,
    /// Index of the first IR function in the module.
    pub(crate) function_base: u32,
}

impl<'p> Ctx<'p> {
    pub(crate) fn new(
        program: &'p Program,
        pool: Pool,
        texts: Texts,
        keys: Vec<String>,
        regex_tables: Vec<u32>,
    ) -> Ctx<'p> {
        let key_ids = keys
            .iter()
            .enumerate()
            .filter_map(|(index, key)| u32::try_from(index).ok().map(|id| (key.clone(), id)))
            .collect();
        let function_base = u32::try_from(Rt::ALL.len()).unwrap_or(u32::MAX);
        Ctx {
            program,
            pool,
            texts,
            key_ids,
            regex_tables,
            capture_tables: HashMap::new(),
            function_base,
        }
    }

    fn key_id(&self, key: &str) -> u32 {
        self.key_ids.get(key).copied().unwrap_or(KEY_UNKNOWN)
    }
}

/// Generates a body.
pub(crate) struct Body<'c, 'p> {
    cx: &'c mut Ctx<'p>,
    pub(crate) f: Func,
    locals: Vec<u32>,
    /// Labels opened by statements, counted from the function's body.
    depth: u32,
    skipped: u32,
    /// Whether a check has run for the current resource: a false `when` in
    /// the rule body after one ends the body instead of skipping.
    checked: u32,
    /// In a rule: its resource variable and the local holding the address
    /// of that resource's record, so that `r.props`, `r.tags` and
    /// `r.metadata` are one addition.
    record: Option<(LocalId, u32)>,
}

/// The other operand and the constant of a comparison with exactly one
/// constant operand.
fn constant_operand<'e>(left: &'e Expr, right: &'e Expr) -> Option<(&'e Expr, &'e Const)> {
    match (left, right) {
        (Expr::Const(_), Expr::Const(_)) => None,
        (other, Expr::Const(constant)) | (Expr::Const(constant), other) => Some((other, constant)),
        _ => None,
    }
}

/// The resource field a key names: 0 `id`, 1 `type`, 2 `props`, 3 `tags`,
/// 4 `metadata`, 5 none.
fn resource_field(key: &str) -> i32 {
    match key {
        "id" => 0,
        "type" => 1,
        "props" => 2,
        "tags" => 3,
        "metadata" => 4,
        _ => NOT_A_RESOURCE_PART,
    }
}

/// [`resource_field`] of a key that names no part of a resource.
const NOT_A_RESOURCE_PART: i32 = 5;

impl<'c, 'p> Body<'c, 'p> {
    fn new(cx: &'c mut Ctx<'p>, params: u32, locals: u32) -> Body<'c, 'p> {
        let mut f = Func::new(params);
        let mut slots: Vec<u32> = (0..params).collect();
        for _ in params..locals {
            slots.push(f.i32_local());
        }
        let skipped = f.i32_local();
        let checked = f.i32_local();
        Body {
            cx,
            f,
            locals: slots,
            depth: 0,
            skipped,
            checked,
            record: None,
        }
    }

    fn local(&mut self, local: LocalId) -> u32 {
        match self.locals.get(local.0 as usize) {
            Some(&index) => index,
            None => {
                // Never produced by lowering; a fresh local reads as unset.
                let index = self.f.i32_local();
                self.f.u32c(NULL).set(index);
                index
            }
        }
    }

    /// A constant value's slot, if the expression is constant.
    fn constant(&mut self, expr: &Expr) -> Option<u32> {
        match expr {
            Expr::Const(Const::Null) => Some(NULL),
            Expr::Const(Const::Bool(true)) => Some(TRUE),
            Expr::Const(Const::Bool(false)) => Some(FALSE),
            Expr::Const(Const::Number(number)) => Some(self.cx.pool.number_slot(*number)),
            Expr::Const(Const::String(text)) => Some(self.cx.pool.string_slot(text)),
            Expr::List(items) => {
                let slots: Option<Vec<u32>> =
                    items.iter().map(|item| self.constant(item)).collect();
                slots.map(|slots| self.cx.pool.list_slot(&slots))
            }
            Expr::Object(entries) => {
                let mut values = Vec::with_capacity(entries.len());
                for (key, value) in entries {
                    let slot = self.constant(value)?;
                    let text = self.cx.program.key(*key).to_string();
                    values.push((self.cx.key_id(&text), text, slot));
                }
                let entries: Vec<(u32, &str, u32)> = values
                    .iter()
                    .map(|(id, text, slot)| (*id, text.as_str(), *slot))
                    .collect();
                Some(self.cx.pool.object_slot(&entries))
            }
            _ => None,
        }
    }

    /// Evaluates an expression into a new local.
    fn eval_into_local(&mut self, expr: &Expr) -> u32 {
        self.expr(expr);
        let local = self.f.i32_local();
        self.f.set(local);
        local
    }

    fn call(&mut self, rt: Rt) {
        self.f.call(rt.index());
    }

    /// Pushes an expression's value.
    pub(crate) fn expr(&mut self, expr: &Expr) {
        if let Some(slot) = self.constant(expr) {
            self.f.u32c(slot);
            return;
        }
        match expr {
            Expr::Const(_) => {
                self.f.u32c(NULL);
            }
            Expr::Local(local) => {
                let index = self.local(*local);
                self.f.get(index);
            }
            Expr::Param(param) => {
                // Item `i` of the list the host wrote at the header's
                // parameters offset.
                self.f
                    .gget(global::INPUT)
                    .gget(global::INPUT)
                    .load32(HEADER_PARAMS_OFF)
                    .add();
                let index = self.cx.pool.number_slot(f64::from(param.0));
                self.f.u32c(index);
                self.call(Rt::Index);
            }
            Expr::List(items) => self.list(items),
            Expr::Object(entries) => self.object(entries),
            Expr::Field { base, key } => self.field(base, *key),
            Expr::Index { base, index } => {
                self.expr(base);
                self.expr(index);
                self.call(Rt::Index);
            }
            Expr::Not(_) | Expr::And(..) | Expr::Or(..) => self.boolean(expr),
            Expr::Compare { op, left, right } => match op {
                CompareOp::Eq if constant_operand(left, right).is_none() => {
                    self.expr(left);
                    self.expr(right);
                    self.call(Rt::Eq);
                }
                CompareOp::Eq | CompareOp::Ne => self.boolean(expr),
                CompareOp::Lt | CompareOp::Le | CompareOp::Gt | CompareOp::Ge => {
                    let code = match op {
                        CompareOp::Lt => 0,
                        CompareOp::Le => 1,
                        CompareOp::Gt => 2,
                        _ => 3,
                    };
                    self.f.i32c(code);
                    self.expr(left);
                    self.expr(right);
                    self.call(Rt::Order);
                }
            },
            Expr::Arith { op, left, right } => {
                let code = match op {
                    ArithOp::Add => 0,
                    ArithOp::Sub => 1,
                    ArithOp::Mul => 2,
                    ArithOp::Div => 3,
                    ArithOp::Rem => 4,
                };
                self.f.i32c(code);
                self.expr(left);
                self.expr(right);
                self.call(Rt::Arith);
            }
            Expr::Neg(inner) => {
                self.expr(inner);
                self.call(Rt::Neg);
            }
            Expr::In { item, container } => {
                self.expr(item);
                self.expr(container);
                self.call(Rt::Contains);
            }
            Expr::Matches { text, regex } => {
                let table = self
                    .cx
                    .regex_tables
                    .get(regex.0 as usize)
                    .copied()
                    .unwrap_or(0);
                self.f.u32c(table);
                self.expr(text);
                self.call(Rt::Matches);
            }
            Expr::Format(parts) => self.format(parts),
            Expr::Quantifier {
                kind,
                local,
                source,
                body,
            } => self.quantifier(*kind, *local, source, body),
            Expr::Comprehension {
                local,
                source,
                filter,
                element,
            } => self.comprehension(*local, source, filter.as_deref(), element),
            Expr::Slice { base, start, end } => {
                self.expr(base);
                for bound in [start, end] {
                    match bound {
                        Some(bound) => self.expr(bound),
                        None => {
                            self.f.u32c(NULL);
                        }
                    }
                }
                self.call(Rt::Slice);
            }
            Expr::Resources(patterns) => self.resources(patterns),
            Expr::Traverse {
                direction,
                resource,
                filter,
                via,
            } => {
                self.f.i32c(match direction {
                    Direction::Out => 0,
                    Direction::In => 1,
                });
                self.expr(resource);
                match filter {
                    Some(filter) => {
                        self.expr(filter);
                        let key = self.pattern_key(filter);
                        self.f.u32c(key);
                    }
                    None => {
                        self.f.i32c(0).u32c(KEY_UNKNOWN);
                    }
                }
                match via {
                    Some(via) => self.expr(via),
                    None => {
                        self.f.i32c(0);
                    }
                }
                self.call(Rt::Traverse);
            }
            Expr::Call { function, args } => {
                let params = self
                    .cx
                    .program
                    .function(*function)
                    .map_or(0, |f| f.params as usize);
                for position in 0..params {
                    match args.get(position) {
                        Some(arg) => self.expr(arg),
                        None => {
                            self.f.u32c(NULL);
                        }
                    }
                }
                if self.cx.program.function(*function).is_some() {
                    self.f.call(self.cx.function_base + function.0);
                } else {
                    self.f.u32c(NULL);
                }
            }
            Expr::Builtin { builtin, args } => self.builtin(*builtin, args),
        }
    }

    /// The key id to compare a constant exact type pattern with, else
    /// `KEY_UNKNOWN`.
    fn pattern_key(&self, pattern: &Expr) -> u32 {
        match pattern {
            Expr::Const(Const::String(text)) if !text.ends_with('*') => self.cx.key_id(text),
            _ => KEY_UNKNOWN,
        }
    }

    /// `base.key`: a resource's part in place, else `rt::Field`.
    fn field(&mut self, base: &Expr, key: KeyId) {
        let text = self.cx.program.key(key).to_string();
        if text == "format" {
            self.format_field(base);
            return;
        }
        let offset = match text.as_str() {
            "props" => Some(RESOURCE_PROPS),
            "tags" => Some(RESOURCE_TAGS),
            "metadata" => Some(RESOURCE_METADATA),
            _ => None,
        };
        if let (Expr::Local(local), Some((variable, record)), Some(offset)) =
            (base, self.record, offset)
            && *local == variable
        {
            self.f.get(record).u32c(offset).add();
            return;
        }
        self.expr(base);
        let id = self.cx.key_id(&text);
        let which = resource_field(&text);
        if which == NOT_A_RESOURCE_PART {
            self.f.u32c(id);
            self.call(Rt::Prop);
        } else {
            self.f.u32c(id).i32c(which);
            self.call(Rt::Field);
        }
    }

    /// `base.format`: on a resource, the name of the input's kind (the
    /// header's input kind indexes `INPUT_FORMATS`); on anything else, what
    /// `rt::Prop` gives for the key `format`.
    fn format_field(&mut self, base: &Expr) {
        let v = self.eval_into_local(base);
        let names: Vec<u32> = INPUT_FORMATS
            .iter()
            .map(|name| self.cx.pool.string_slot(name))
            .collect();
        let kind = self.f.i32_local();
        self.f
            .gget(global::INPUT)
            .load32(HEADER_INPUT_KIND)
            .set(kind);
        self.f
            .get(v)
            .load8(SLOT_TAG)
            .i32c(i32::from(TAG_RESOURCE))
            .eq()
            .if_i32();
        self.name_of_code(&names, kind);
        self.f.else_();
        let id = self.cx.key_id("format");
        self.f.get(v).u32c(id);
        self.call(Rt::Prop);
        self.f.end();
    }

    /// Pushes the constant `names[code]` for the code in local `code`: the
    /// first name unless a later one's index matches (`select` takes the
    /// name of the matching code).
    fn name_of_code(&mut self, names: &[u32], code: u32) {
        let Some((first, rest)) = names.split_first() else {
            self.f.u32c(NULL);
            return;
        };
        self.f.u32c(*first);
        let so_far = self.f.i32_local();
        for (index, name) in rest.iter().enumerate() {
            self.f.set(so_far);
            self.f
                .u32c(*name)
                .get(so_far)
                .get(code)
                .i32c(i32::try_from(index + 1).unwrap_or(-1))
                .eq()
                .select();
        }
    }

    /// The value of a boolean expression: its truth, made a value once.
    fn boolean(&mut self, expr: &Expr) {
        let unknown = self.f.i32_local();
        self.truth(expr, unknown);
        self.materialize(unknown);
    }

    /// Turns the truth on the stack into a value: `true`, `false`, or the
    /// unknown value in `unknown`.
    fn materialize(&mut self, unknown: u32) {
        let truth = self.f.i32_local();
        self.f.tee(truth).i32c(2).eq().if_i32();
        self.f.get(unknown);
        self.f.else_();
        self.f.u32c(TRUE).u32c(FALSE).get(truth).select();
        self.f.end();
    }

    /// Evaluates a condition into two new locals: its truth (0 false,
    /// 1 true, 2 unknown) and, when unknown, the unknown value.
    fn condition(&mut self, expr: &Expr) -> (u32, u32) {
        let (truth, unknown) = (self.f.i32_local(), self.f.i32_local());
        self.truth(expr, unknown);
        self.f.set(truth);
        (truth, unknown)
    }

    /// Pushes the truth of a condition: 0 false, 1 true, 2 unknown, in
    /// which case `unknown` holds the unknown value (the reason reported).
    /// `not`, `and`, `or`, `!=` and equality with a constant are decided on
    /// truths, without making a boolean value at each step.
    fn truth(&mut self, expr: &Expr, unknown: u32) {
        match expr {
            Expr::Not(inner) => {
                self.truth(inner, unknown);
                self.not_truth();
            }
            Expr::And(left, right) => self.and_or_truth(left, right, true, unknown),
            Expr::Or(left, right) => self.and_or_truth(left, right, false, unknown),
            Expr::Compare {
                op: op @ (CompareOp::Eq | CompareOp::Ne),
                left,
                right,
            } => {
                match constant_operand(left, right) {
                    Some((other, constant)) => self.eq_constant_truth(other, constant, unknown),
                    None => {
                        self.expr(left);
                        self.expr(right);
                        self.call(Rt::Eq);
                        self.f.set(unknown);
                        truth_of(&mut self.f, unknown);
                    }
                }
                if *op == CompareOp::Ne {
                    self.not_truth();
                }
            }
            _ => {
                self.expr(expr);
                self.f.set(unknown);
                truth_of(&mut self.f, unknown);
            }
        }
    }

    /// Three-valued `not` of the truth on the stack (unknown stays unknown).
    fn not_truth(&mut self) {
        let truth = self.f.i32_local();
        self.f
            .set(truth)
            .i32c(2)
            .i32c(1)
            .get(truth)
            .sub()
            .get(truth)
            .i32c(2)
            .eq()
            .select();
    }

    /// The truth of `left and right` or `left or right`: `and` stops at
    /// false, `or` at true; otherwise an unknown side makes the result
    /// unknown, the left one's reason first.
    fn and_or_truth(&mut self, left: &Expr, right: &Expr, is_and: bool, unknown: u32) {
        let stop = if is_and { 0 } else { 1 };
        let (lt, rt, right_unknown) = (self.f.i32_local(), self.f.i32_local(), self.f.i32_local());
        self.truth(left, unknown);
        self.f.tee(lt).i32c(stop).eq().if_i32();
        self.f.i32c(stop);
        self.f.else_();
        self.truth(right, right_unknown);
        self.f.tee(rt).i32c(stop).eq().if_i32();
        self.f.i32c(stop);
        self.f.else_();
        self.f.get(lt).i32c(2).eq().if_i32().i32c(2).else_();
        self.f.get(rt).i32c(2).eq().if_i32();
        self.f.get(right_unknown).set(unknown).i32c(2);
        self.f.else_().i32c(1 - stop).end();
        self.f.end().end().end();
    }

    /// The truth of `other == constant`, decided in place rather than by
    /// `rt::Eq`: the same result (unknown stays unknown, values of
    /// different kinds are unequal) with the constant's kind known here.
    fn eq_constant_truth(&mut self, other: &Expr, constant: &Const, unknown: u32) {
        let v = self.eval_into_local(other);
        let t = self.f.i32_local();
        self.f
            .get(v)
            .load8(SLOT_TAG)
            .tee(t)
            .i32c(i32::from(TAG_UNKNOWN))
            .eq()
            .if_i32();
        // A reference to a resource equals no constant; text with unknown
        // parts only a string constant that fits its known parts (and
        // then maybe).
        self.f
            .get(v)
            .load8(SLOT_KIND)
            .i32c(i32::from(UNKNOWN_REFERENCE))
            .eq()
            .if_i32()
            .i32c(0)
            .else_();
        self.f
            .get(v)
            .load8(SLOT_KIND)
            .i32c(i32::from(UNKNOWN_TEXT))
            .eq()
            .if_i32();
        match constant {
            Const::String(text) => {
                let slot = self.cx.pool.string_slot(text);
                self.f.get(v).u32c(slot).call(Rt::TextFits.index()).if_i32();
                self.f.get(v).set(unknown).i32c(2);
                self.f.else_().i32c(0).end();
            }
            _ => {
                self.f.i32c(0);
            }
        }
        self.f.else_();
        self.f.get(v).set(unknown).i32c(2);
        self.f.end();
        self.f.end();
        self.f.else_();
        match constant {
            Const::Null => {
                self.f.get(t).i32c(i32::from(TAG_NULL)).eq();
            }
            Const::Bool(flag) => {
                self.f.get(t).i32c(i32::from(TAG_BOOL)).eq().if_i32();
                self.f
                    .get(v)
                    .load32(SLOT_PAYLOAD)
                    .i32c(i32::from(*flag))
                    .eq();
                self.f.else_().i32c(0).end();
            }
            Const::Number(number) => {
                self.f.get(t).i32c(i32::from(TAG_NUMBER)).eq().if_i32();
                self.f
                    .get(v)
                    .loadf(SLOT_PAYLOAD)
                    .f64c(*number)
                    .ins(Instruction::F64Eq);
                self.f.else_().i32c(0).end();
            }
            Const::String(text) => {
                let (address, len) = self.cx.pool.string(text);
                self.f
                    .get(t)
                    .i32c(i32::from(TAG_STRING))
                    .eq()
                    .get(v)
                    .load32(SLOT_PAYLOAD_LEN)
                    .u32c(len)
                    .eq()
                    .and()
                    .if_i32();
                self.f.get(v).addr().u32c(len).u32c(address).u32c(len);
                self.call(Rt::StrEq);
                self.f.else_().i32c(0).end();
            }
        }
        self.f.end();
    }

    fn list(&mut self, items: &[Expr]) {
        let values: Vec<u32> = items
            .iter()
            .map(|item| self.eval_into_local(item))
            .collect();
        let (p, count) = (self.f.i32_local(), self.f.i32_local());
        // The list's slot, then its items.
        let n = i32::try_from(values.len()).unwrap_or(i32::MAX);
        let slot_size = SLOT_SIZE as i32;
        self.f
            .i32c(slot_size + slot_size * n)
            .call(Rt::Alloc.index())
            .set(p);
        for (position, value) in values.iter().enumerate() {
            let offset = SLOT_SIZE + SLOT_SIZE * u32::try_from(position).unwrap_or(0);
            self.f.copy_slot(p, offset, *value);
        }
        self.f.i32c(n).set(count);
        list_header(&mut self.f, p, count);
        self.f.get(p);
    }

    fn object(&mut self, entries: &[(KeyId, Expr)]) {
        let mut built: Vec<(u32, String, usize, u32)> = Vec::new();
        for (position, (key, value)) in entries.iter().enumerate() {
            let text = self.cx.program.key(*key).to_string();
            let local = self.eval_into_local(value);
            built.push((self.cx.key_id(&text), text, position, local));
        }
        self.object_of_locals(built);
    }

    /// Builds an object from `(key id, key, position, local holding the
    /// value)`, one per entry, and pushes it.
    fn object_of_locals(&mut self, mut built: Vec<(u32, String, usize, u32)>) {
        built.sort_by_key(|(id, _, position, _)| (*id, *position));
        // The object's slot, its entries, then its order array.
        let n = u32::try_from(built.len()).unwrap_or(0);
        let order_at = SLOT_SIZE + ENTRY_SIZE * n;
        let size = (order_at + ORDER_INDEX_SIZE * n + 7) & !7;
        let p = self.f.i32_local();
        self.f.u32c(size).call(Rt::Alloc.index()).set(p);
        let mut order = vec![0u32; built.len()];
        for (index, (id, text, position, local)) in built.iter().enumerate() {
            let entry = SLOT_SIZE + ENTRY_SIZE * u32::try_from(index).unwrap_or(0);
            let (key_at, key_len) = self.cx.pool.string(text);
            self.f.get(p).u32c(*id).store32(entry + ENTRY_KEY_ID);
            self.f.get(p).u32c(key_at).store32(entry + ENTRY_KEY_OFF);
            self.f.get(p).u32c(key_len).store32(entry + ENTRY_KEY_LEN);
            self.f
                .get(p)
                .u32c(u32::try_from(*position).unwrap_or(0))
                .store32(entry + ENTRY_ORDER);
            self.f.copy_slot(p, entry + ENTRY_VALUE, *local);
            if let Some(slot) = order.get_mut(*position) {
                *slot = u32::try_from(index).unwrap_or(0);
            }
        }
        for (position, index) in order.iter().enumerate() {
            let at = order_at + ORDER_INDEX_SIZE * u32::try_from(position).unwrap_or(0);
            self.f.get(p).u32c(*index).store32(at);
        }
        self.f.get(p).i32c(head(TAG_OBJECT)).store32(SLOT_TAG);
        self.f.get(p).u32c(NONE).store32(SLOT_NODE);
        self.f
            .get(p)
            .get(p)
            .u32c(SLOT_SIZE)
            .add()
            .store32(SLOT_PAYLOAD);
        self.f.get(p).u32c(n).store32(SLOT_PAYLOAD_LEN);
        self.f.get(p);
    }

    fn format(&mut self, parts: &[FormatPart]) {
        // The rule's resource (`{r}`, in most messages) is written from its
        // record, which the rule already holds; other values are rendered.
        let record = self.record;
        let is_resource = |value: &Expr| matches!((value, record), (Expr::Local(local), Some((variable, _))) if *local == variable);
        let values: Vec<Option<u32>> = parts
            .iter()
            .map(|part| match part {
                FormatPart::Value(value) if !is_resource(value) => {
                    Some(self.eval_into_local(value))
                }
                _ => None,
            })
            .collect();
        let start = self.f.i32_local();
        self.f.gget(global::HEAP).set(start);
        for (part, value) in parts.iter().zip(values) {
            match (part, value, record) {
                (FormatPart::Text(text), ..) => {
                    let (at, len) = self.cx.pool.string(text);
                    self.f.u32c(at).u32c(len).call(Rt::SbBytes.index());
                }
                (FormatPart::Value(_), Some(local), _) => {
                    self.f.get(local).i32c(1).call(Rt::Render.index());
                }
                (FormatPart::Value(_), None, Some((_, record))) => {
                    self.f
                        .gget(global::INPUT)
                        .get(record)
                        .load32(RESOURCE_ID_OFF)
                        .add()
                        .get(record)
                        .load32(RESOURCE_ID_LEN)
                        .call(Rt::SbBytes.index());
                }
                (FormatPart::Value(_), None, None) => {}
            }
        }
        self.f.get(start).call(Rt::SbFinish.index());
    }

    fn quantifier(&mut self, kind: QuantifierKind, local: LocalId, source: &Expr, body: &Expr) {
        let element = self.local(local);
        let value = self.eval_into_local(source);
        let (count, base, i, result, first, truth) = (
            self.f.i32_local(),
            self.f.i32_local(),
            self.f.i32_local(),
            self.f.i32_local(),
            self.f.i32_local(),
            self.f.i32_local(),
        );
        self.f
            .get(value)
            .call(Rt::IterCount.index())
            .tee(count)
            .i32c(0)
            .lt_s()
            .if_i32();
        self.f.get(value);
        self.f.else_();
        self.f.get(value).call(Rt::IterBase.index()).set(base);
        self.f.i32c(0).set(i).i32c(0).set(first);
        // The result unless a body decides earlier.
        self.f
            .u32c(if kind == QuantifierKind::Any {
                FALSE
            } else {
                TRUE
            })
            .set(result);
        self.f.block().loop_();
        self.f.get(i).get(count).ge_u().br_if(1);
        self.f.element(base, i, SLOT_SIZE).set(element);
        let body_value = self.eval_into_local(body);
        truth_of(&mut self.f, body_value);
        self.f.tee(truth);
        // The truth that decides: false for `all`, true for `any` and `none`.
        let (decides, decided) = match kind {
            QuantifierKind::All => (0, FALSE),
            QuantifierKind::Any => (1, TRUE),
            QuantifierKind::None => (1, FALSE),
        };
        self.f.i32c(decides).eq().if_();
        self.f.u32c(decided).set(result).i32c(0).set(first).br(2);
        self.f.end();
        self.f
            .get(truth)
            .i32c(2)
            .eq()
            .get(first)
            .eqz()
            .and()
            .if_()
            .get(body_value)
            .set(first)
            .end();
        self.f.inc(i, 1).br(0).end().end();
        self.f.get(first).get(result).get(first).select();
        self.f.end();
    }

    /// `[element for local in source if filter]`: the list is allocated
    /// for every item of the source and filled with the kept ones.
    fn comprehension(
        &mut self,
        local: LocalId,
        source: &Expr,
        filter: Option<&Expr>,
        element: &Expr,
    ) {
        let item = self.local(local);
        let value = self.eval_into_local(source);
        let [count, base, i, p, kept, result, slot] = self.f.i32_locals();
        self.f
            .get(value)
            .call(Rt::IterCount.index())
            .tee(count)
            .i32c(0)
            .lt_s()
            .if_i32();
        self.f.get(value);
        self.f.else_();
        self.f.get(value).call(Rt::IterBase.index()).set(base);
        // Locals keep their values between evaluations of the same
        // expression: start afresh.
        self.f.i32c(0).set(i).i32c(0).set(kept).i32c(0).set(result);
        alloc_list(&mut self.f, count, p);
        self.f.block().loop_();
        self.f.get(i).get(count).ge_u().br_if(1);
        self.f.element(base, i, SLOT_SIZE).set(item);
        self.f.inc(i, 1);
        if let Some(filter) = filter {
            let (truth, unknown) = self.condition(filter);
            // An unknown filter makes the whole list unknown.
            self.f
                .get(truth)
                .i32c(2)
                .eq()
                .if_()
                .get(unknown)
                .set(result)
                .br(2)
                .end();
            self.f.get(truth).eqz().br_if(0);
        }
        let value = self.eval_into_local(element);
        list_item(&mut self.f, p, kept, slot);
        self.f.copy_slot(slot, 0, value);
        self.f.inc(kept, 1).br(0).end().end();
        self.f.get(result).eqz().if_();
        list_header(&mut self.f, p, kept);
        self.f.get(p).set(result);
        self.f.end();
        self.f.get(result);
        self.f.end();
    }

    fn resources(&mut self, patterns: &[Expr]) {
        // Exact types: from the type index (made by `ward_eval`), only
        // their resources visited, merged into input order.
        let mut keys: Vec<u32> = patterns.iter().map(|p| self.pattern_key(p)).collect();
        if !keys.is_empty() && !keys.contains(&KEY_UNKNOWN) {
            keys.sort_unstable();
            keys.dedup();
            if let [key] = keys.as_slice() {
                self.f.u32c(*key);
                self.call(Rt::OfType);
            } else {
                let bytes: Vec<u8> = keys.iter().flat_map(|key| key.to_le_bytes()).collect();
                let at = self.cx.pool.raw(&bytes, 4);
                let count = u32::try_from(keys.len()).unwrap_or(u32::MAX);
                self.f.u32c(at).u32c(count);
                self.call(Rt::OfTypes);
            }
            return;
        }
        let values: Vec<(u32, u32)> = patterns
            .iter()
            .map(|pattern| {
                let key = self.pattern_key(pattern);
                (self.eval_into_local(pattern), key)
            })
            .collect();
        let (n, p, index, count, item, matched) = (
            self.f.i32_local(),
            self.f.i32_local(),
            self.f.i32_local(),
            self.f.i32_local(),
            self.f.i32_local(),
            self.f.i32_local(),
        );
        self.f.block_i32();
        // The first unknown pattern is the result.
        for (value, _) in &values {
            self.f
                .get(*value)
                .load8(SLOT_TAG)
                .i32c(i32::from(TAG_UNKNOWN))
                .eq()
                .if_()
                .get(*value)
                .br(1)
                .end();
        }
        // Locals keep their values between evaluations of the same
        // expression (once per resource): start afresh.
        self.f.i32c(0).set(index).i32c(0).set(count);
        let (records, record, types) = (self.f.i32_local(), self.f.i32_local(), self.f.i32_local());
        self.f.i32c(0).call(Rt::Record.index()).set(records);
        self.f
            .gget(global::INPUT)
            .load32(HEADER_RESOURCE_COUNT)
            .set(n);
        alloc_list(&mut self.f, n, p);
        // The type column (made by `ward_eval`), for the type keys of
        // constant patterns.
        self.f.gget(global::TYPES).set(types);
        self.f.block().loop_();
        self.f.get(index).get(n).ge_u().br_if(1);
        self.f.i32c(0).set(matched);
        for (value, key) in &values {
            self.f.get(matched);
            if *key == KEY_UNKNOWN {
                self.f
                    .get(index)
                    .get(*value)
                    .u32c(*key)
                    .call(Rt::TypeMatch.index());
            } else {
                // A constant exact type: compare interned ids in place.
                self.f.element(types, index, 4).load32(0).u32c(*key).eq();
            }
            self.f.or().set(matched);
        }
        self.f.get(matched).if_();
        resource_item(&mut self.f, [p, index, count, item], records, record);
        self.f.end();
        self.f.inc(index, 1).br(0).end().end();
        list_header(&mut self.f, p, count);
        self.f.get(p);
        self.f.end();
    }

    fn builtin(&mut self, builtin: Builtin, args: &[Expr]) {
        let arg = |this: &mut Self, position: usize| match args.get(position) {
            Some(expr) => this.expr(expr),
            None => {
                this.f.u32c(NULL);
            }
        };
        match builtin {
            Builtin::Resources | Builtin::Refs | Builtin::Referrers => {
                self.f.u32c(NULL);
            }
            Builtin::Count => {
                arg(self, 0);
                self.call(Rt::Count);
            }
            Builtin::Len => {
                arg(self, 0);
                self.call(Rt::Len);
            }
            Builtin::Keys | Builtin::Values => {
                arg(self, 0);
                self.f.i32c(i32::from(builtin == Builtin::Values));
                self.call(Rt::Keys);
            }
            Builtin::AsList => {
                arg(self, 0);
                self.call(Rt::AsList);
            }
            Builtin::Exists => {
                arg(self, 0);
                self.call(Rt::Exists);
            }
            Builtin::IsUnknown => {
                // Unknown, but not a reference to a resource: that is a
                // value.
                let v = self.f.i32_local();
                arg(self, 0);
                self.f.set(v);
                self.f
                    .get(v)
                    .load8(SLOT_TAG)
                    .i32c(i32::from(TAG_UNKNOWN))
                    .eq();
                self.f
                    .get(v)
                    .load8(SLOT_KIND)
                    .i32c(i32::from(UNKNOWN_REFERENCE))
                    .ne()
                    .and();
                let cond = self.f.i32_local();
                self.f.set(cond).u32c(TRUE).u32c(FALSE).get(cond).select();
            }
            Builtin::Target => {
                arg(self, 0);
                self.call(Rt::Target);
            }
            Builtin::Parameter => {
                arg(self, 0);
                self.call(Rt::Declaration);
            }
            Builtin::UnknownDetail => {
                arg(self, 0);
                self.call(Rt::UnknownDetail);
            }
            Builtin::Unknown => {
                // A string becomes an unknown value of kind `other` whose
                // reason is the string's bytes (its flag kept); an unknown
                // value stays as it is; anything else gets a fixed reason.
                let (v, p) = (self.f.i32_local(), self.f.i32_local());
                let fallback = self.cx.pool.unknown_slot(NO_REASON);
                arg(self, 0);
                self.f.set(v);
                self.f
                    .get(v)
                    .load8(SLOT_TAG)
                    .i32c(i32::from(TAG_STRING))
                    .eq()
                    .if_i32();
                self.f.u32c(SLOT_SIZE);
                self.call(Rt::Alloc);
                self.f
                    .tee(p)
                    .get(v)
                    .load32(SLOT_TAG)
                    .i32c(0xFF00)
                    .and()
                    .i32c(i32::from(TAG_UNKNOWN))
                    .or()
                    .store32(SLOT_TAG);
                self.f.get(p).u32c(NONE).store32(SLOT_NODE);
                self.f
                    .get(p)
                    .get(v)
                    .load32(SLOT_PAYLOAD)
                    .store32(SLOT_PAYLOAD);
                self.f
                    .get(p)
                    .get(v)
                    .load32(SLOT_PAYLOAD_LEN)
                    .store32(SLOT_PAYLOAD_LEN);
                self.f.get(p);
                self.f.else_();
                self.f
                    .get(v)
                    .u32c(fallback)
                    .get(v)
                    .load8(SLOT_TAG)
                    .i32c(i32::from(TAG_UNKNOWN))
                    .eq()
                    .select();
                self.f.end();
            }
            Builtin::UnknownKind => {
                // The kind's name from a constant per kind; `null` for a
                // value that is not unknown.
                let (v, kind) = (self.f.i32_local(), self.f.i32_local());
                arg(self, 0);
                self.f.set(v);
                self.f.get(v).load8(SLOT_KIND).set(kind);
                let names: Vec<u32> = UNKNOWN_KIND_NAMES
                    .iter()
                    .map(|name| self.cx.pool.string_slot(name))
                    .collect();
                self.name_of_code(&names, kind);
                self.f
                    .u32c(NULL)
                    .get(v)
                    .load8(SLOT_TAG)
                    .i32c(i32::from(TAG_UNKNOWN))
                    .eq()
                    .select();
            }
            Builtin::Lower | Builtin::Upper => {
                arg(self, 0);
                self.f.i32c(i32::from(builtin == Builtin::Upper));
                self.call(Rt::Case);
            }
            Builtin::StartsWith | Builtin::EndsWith => {
                arg(self, 0);
                arg(self, 1);
                self.f.i32c(i32::from(builtin == Builtin::EndsWith));
                self.call(Rt::Affix);
            }
            Builtin::Contains => {
                // `contains(h, n)` is `n in h`; both are evaluated, in order.
                let haystack = self.f.i32_local();
                arg(self, 0);
                self.f.set(haystack);
                arg(self, 1);
                self.f.get(haystack);
                self.call(Rt::Contains);
            }
            Builtin::Number => {
                arg(self, 0);
                self.call(Rt::NumberOf);
            }
            Builtin::String => {
                arg(self, 0);
                self.call(Rt::StringOf);
            }
            Builtin::IsCidr => {
                arg(self, 0);
                self.call(Rt::IsCidr);
            }
            Builtin::CidrContains => {
                arg(self, 0);
                arg(self, 1);
                self.call(Rt::CidrContains);
            }
            Builtin::PortInRange => {
                arg(self, 0);
                arg(self, 1);
                arg(self, 2);
                self.call(Rt::PortInRange);
            }
            Builtin::Sum | Builtin::Min | Builtin::Max => {
                arg(self, 0);
                self.f.i32c(match builtin {
                    Builtin::Sum => 0,
                    Builtin::Min => 1,
                    _ => 2,
                });
                self.call(Rt::Aggregate);
            }
            Builtin::Distinct => {
                arg(self, 0);
                self.call(Rt::Distinct);
            }
            Builtin::Split | Builtin::Join | Builtin::GlobMatch => {
                arg(self, 0);
                arg(self, 1);
                self.call(match builtin {
                    Builtin::Split => Rt::Split,
                    Builtin::Join => Rt::Join,
                    _ => Rt::GlobMatch,
                });
            }
            Builtin::Replace | Builtin::Substring => {
                arg(self, 0);
                arg(self, 1);
                arg(self, 2);
                self.call(if builtin == Builtin::Replace {
                    Rt::Replace
                } else {
                    Rt::Substring
                });
            }
            Builtin::ActionMatches | Builtin::ActionsOverlap => {
                arg(self, 0);
                arg(self, 1);
                self.f.i32c(i32::from(builtin == Builtin::ActionsOverlap));
                self.call(Rt::Actions);
            }
            Builtin::Capture => {
                let table = match args.get(1) {
                    Some(Expr::Const(Const::String(pattern))) => {
                        self.cx.capture_tables.get(&**pattern).copied()
                    }
                    _ => None,
                };
                match table {
                    Some(table) => {
                        self.f.u32c(table);
                        arg(self, 0);
                        self.call(Rt::Capture);
                    }
                    None => {
                        arg(self, 0);
                        self.f.ins(Instruction::Drop).u32c(NULL);
                    }
                }
            }
            Builtin::Arn => {
                let parts = self.f.i32_local();
                arg(self, 0);
                self.call(Rt::ArnParts);
                self.f.set(parts);
                self.f
                    .get(parts)
                    .load8(SLOT_TAG)
                    .i32c(i32::from(TAG_LIST))
                    .eq()
                    .if_i32();
                let built = ARN_FIELDS
                    .iter()
                    .enumerate()
                    .map(|(position, field)| {
                        let item = self.f.i32_local();
                        let offset = SLOT_SIZE * (1 + u32::try_from(position).unwrap_or(0));
                        self.f.get(parts).u32c(offset).add().set(item);
                        (self.cx.key_id(field), field.to_string(), position, item)
                    })
                    .collect();
                self.object_of_locals(built);
                self.f.else_().get(parts).end();
            }
        }
    }

    // Statements.

    /// Opens a block for a statement list; returns its label.
    fn open_block(&mut self) -> u32 {
        self.f.block();
        self.depth += 1;
        self.depth - 1
    }

    fn close(&mut self) {
        self.f.end();
        self.depth -= 1;
    }

    fn open_if(&mut self) {
        self.f.if_();
        self.depth += 1;
    }

    fn open_else(&mut self) {
        self.f.else_();
    }

    /// Branches to the end of the block whose label is `label`.
    fn br_to(&mut self, label: u32) {
        let relative = self.depth - label - 1;
        self.f.br(relative);
    }

    fn stmts(&mut self, rule: &Rule, stmts: &[Stmt], label: u32) {
        for stmt in stmts {
            match stmt {
                Stmt::Let { local, value } => {
                    self.expr(value);
                    let index = self.local(*local);
                    self.f.set(index);
                }
                Stmt::Check(check) => self.check(rule, check),
                Stmt::When { cond, scope, .. } => {
                    let (truth, value) = self.condition(cond);
                    self.f.get(truth).i32c(1).ne();
                    self.open_if();
                    self.f.get(truth).i32c(2).eq();
                    self.open_if();
                    self.f.u32c(NONE).get(value).call(Rt::AddUnknown.index());
                    self.open_else();
                    if *scope == WhenScope::Rule {
                        // Checks that already ran decide the outcome.
                        self.f.get(self.checked).eqz();
                        self.open_if();
                        self.f.i32c(1).set(self.skipped);
                        self.close();
                    }
                    self.close();
                    self.br_to(label);
                    self.close();
                }
                Stmt::For {
                    local, iter, body, ..
                } => {
                    let element = self.local(*local);
                    let value = self.eval_into_local(iter);
                    let (count, base, i) =
                        (self.f.i32_local(), self.f.i32_local(), self.f.i32_local());
                    self.f
                        .get(value)
                        .call(Rt::IterCount.index())
                        .tee(count)
                        .i32c(0)
                        .lt_s();
                    self.open_if();
                    self.f.u32c(NONE).get(value).call(Rt::AddUnknown.index());
                    self.open_else();
                    self.f.get(value).call(Rt::IterBase.index()).set(base);
                    self.f.i32c(0).set(i);
                    let exit = self.open_block();
                    self.f.loop_();
                    self.depth += 1;
                    self.f.get(i).get(count).ge_u();
                    let relative = self.depth - exit - 1;
                    self.f.br_if(relative);
                    self.f.element(base, i, SLOT_SIZE).set(element);
                    let iteration = self.open_block();
                    self.stmts(rule, body, iteration);
                    self.close();
                    self.f.inc(i, 1).br(0);
                    self.close();
                    self.close();
                    self.close();
                }
                Stmt::If {
                    cond,
                    then,
                    otherwise,
                    ..
                } => {
                    let (truth, value) = self.condition(cond);
                    self.f.get(truth).i32c(2).eq();
                    self.open_if();
                    // Neither branch runs when the condition is unknown.
                    self.f.u32c(NONE).get(value).call(Rt::AddUnknown.index());
                    self.open_else();
                    self.f.get(truth);
                    self.open_if();
                    let label = self.open_block();
                    self.stmts(rule, then, label);
                    self.close();
                    self.open_else();
                    let label = self.open_block();
                    self.stmts(rule, otherwise, label);
                    self.close();
                    self.close();
                    self.close();
                }
            }
        }
    }

    fn check(&mut self, _rule: &Rule, check: &Check) {
        self.f.i32c(1).set(self.checked);
        let (truth, value) = self.condition(&check.cond);
        self.f.get(truth).i32c(2).eq();
        self.open_if();
        self.f
            .u32c(check.id.0)
            .get(value)
            .call(Rt::AddUnknown.index());
        self.open_else();
        match check.kind {
            CheckKind::Require => self.f.get(truth).eqz(),
            CheckKind::Deny => self.f.get(truth).i32c(1).eq(),
        };
        self.open_if();
        self.f.u32c(check.id.0);
        match &check.at {
            Some(at) => {
                self.expr(at);
                self.f.load32(SLOT_NODE);
            }
            None => {
                self.f.u32c(NONE);
            }
        }
        match &check.message {
            Some(message) => self.expr(message),
            None => {
                self.f.i32c(0);
            }
        }
        self.call(Rt::AddFailure);
        self.close();
        self.close();
    }
}

/// The function of a user function.
pub(crate) fn function(cx: &mut Ctx<'_>, function: &Function) -> Func {
    let mut body = Body::new(cx, function.params, function.locals);
    body.expr(&function.body);
    body.f
}

/// The function of a rule: `() -> results address`, run by `ward_eval`
/// after it has set the input and reset the heap.
pub(crate) fn rule(cx: &mut Ctx<'_>, rule: &Rule) -> Func {
    let (id_at, id_len) = cx.pool.string(&rule.info.id);
    let mut body = Body::new(cx, 0, rule.locals);
    let (results, source_local, count, base, outcomes, produced, i, element, mark, outcome) = (
        body.f.i32_local(),
        body.f.i32_local(),
        body.f.i32_local(),
        body.f.i32_local(),
        body.f.i32_local(),
        body.f.i32_local(),
        body.f.i32_local(),
        body.f.i32_local(),
        body.f.i32_local(),
        body.f.i32_local(),
    );
    let (head_, tail, findings) = (body.f.i32_local(), body.f.i32_local(), body.f.i32_local());
    let binding = rule.binding.map(|binding| body.local(binding));
    body.f
        .u32c(id_at)
        .gset(global::RULE_ID)
        .u32c(id_len)
        .gset(global::RULE_ID_LEN);
    body.f
        .u32c(RESULTS_SIZE)
        .call(Rt::Alloc.index())
        .set(results);
    match &rule.source {
        Some(source) => {
            body.expr(source);
            body.f.set(source_local);
            body.f
                .get(source_local)
                .call(Rt::IterCount.index())
                .set(count);
            body.f
                .get(count)
                .i32c(0)
                .lt_s()
                .if_()
                .i32c(0)
                .set(count)
                .end();
            body.f
                .get(source_local)
                .call(Rt::IterBase.index())
                .set(base);
        }
        // A rule without a `for` clause runs once, on no resource.
        None => {
            body.f.i32c(1).set(count);
        }
    }
    body.f
        .get(count)
        .u32c(OUTCOME_SIZE)
        .mul()
        .call(Rt::Alloc.index())
        .set(outcomes);
    // The resource table's address, for each resource's record below.
    let records = body.f.i32_local();
    body.f.i32c(0).call(Rt::Record.index()).set(records);

    let exit = body.open_block();
    body.f.loop_();
    body.depth += 1;
    body.f.get(i).get(count).ge_u();
    let relative = body.depth - exit - 1;
    body.f.br_if(relative);
    match binding {
        Some(_) => {
            body.f
                .element(base, i, SLOT_SIZE)
                .tee(element)
                .load8(SLOT_TAG)
                .i32c(i32::from(crate::layout::TAG_RESOURCE))
                .eq();
        }
        None => {
            body.f.i32c(1);
        }
    }
    body.open_if();
    match binding {
        Some(_) => {
            body.f
                .get(element)
                .load32(SLOT_PAYLOAD)
                .gset(global::RESOURCE);
        }
        None => {
            body.f.u32c(NONE).gset(global::RESOURCE);
        }
    }
    for g in [
        global::FAIL_HEAD,
        global::FAIL_TAIL,
        global::FAIL_COUNT,
        global::UNKNOWN_HEAD,
        global::UNKNOWN_TAIL,
        global::UNKNOWN_COUNT,
    ] {
        body.f.i32c(0).gset(g);
    }
    body.f.i32c(0).set(body.skipped);
    body.f.i32c(0).set(body.checked);
    body.f.gget(global::HEAP).set(mark);
    if let (Some(binding), Some(variable)) = (binding, rule.binding) {
        body.f.get(element).set(binding);
        let record = body.f.i32_local();
        body.f
            .get(records)
            .get(element)
            .load32(SLOT_PAYLOAD)
            .u32c(RESOURCE_SIZE)
            .mul()
            .add()
            .set(record);
        body.record = Some((variable, record));
    }
    let checks = body.open_block();
    if let Some(guard) = &rule.guard {
        let (truth, value) = body.condition(guard);
        body.f.get(truth).eqz();
        body.open_if();
        body.f.i32c(1).set(body.skipped);
        body.br_to(checks);
        body.close();
        body.f.get(truth).i32c(2).eq();
        body.open_if();
        body.f.u32c(NONE).get(value).call(Rt::AddUnknown.index());
        body.br_to(checks);
        body.close();
    }
    body.stmts(rule, &rule.body, checks);
    body.close();
    // The outcome: fail, else unknown, else skip, else pass.
    body.f.u32c(OUTCOME_PASS).set(outcome);
    body.f
        .get(body.skipped)
        .if_()
        .u32c(OUTCOME_SKIP)
        .set(outcome)
        .end();
    body.f
        .gget(global::UNKNOWN_COUNT)
        .if_()
        .u32c(OUTCOME_UNKNOWN)
        .set(outcome)
        .end();
    body.f
        .gget(global::FAIL_COUNT)
        .if_()
        .u32c(OUTCOME_FAIL)
        .set(outcome)
        .end();
    for (code, list_head, list_tail, list_count) in [
        (
            OUTCOME_FAIL,
            global::FAIL_HEAD,
            global::FAIL_TAIL,
            global::FAIL_COUNT,
        ),
        (
            OUTCOME_UNKNOWN,
            global::UNKNOWN_HEAD,
            global::UNKNOWN_TAIL,
            global::UNKNOWN_COUNT,
        ),
    ] {
        body.f.get(outcome).u32c(code).eq().if_();
        body.f
            .get(tail)
            .eqz()
            .if_()
            .gget(list_head)
            .set(head_)
            .else_()
            .get(tail)
            .gget(list_head)
            .store32(FINDING_NEXT)
            .end();
        body.f.gget(list_tail).set(tail);
        body.f.get(findings).gget(list_count).add().set(findings);
        body.f.end();
    }
    // A resource without findings leaves nothing behind on the heap.
    body.f
        .get(outcome)
        .u32c(OUTCOME_FAIL)
        .ne()
        .get(outcome)
        .u32c(OUTCOME_UNKNOWN)
        .ne()
        .and()
        .if_()
        .get(mark)
        .gset(global::HEAP)
        .end();
    body.f
        .element(outcomes, produced, OUTCOME_SIZE)
        .gget(global::RESOURCE)
        .store32(OUTCOME_RESOURCE);
    body.f
        .element(outcomes, produced, OUTCOME_SIZE)
        .get(outcome)
        .store32(OUTCOME_VALUE);
    body.f.inc(produced, 1);
    body.close();
    body.f.inc(i, 1).br(0);
    body.close();
    body.close();

    body.f.get(results).u32c(STATUS_OK).store32(RESULTS_STATUS);
    body.f
        .get(results)
        .get(produced)
        .store32(RESULTS_OUTCOME_COUNT);
    body.f.get(results).get(outcomes).store32(RESULTS_OUTCOMES);
    body.f
        .get(results)
        .get(findings)
        .store32(RESULTS_FINDING_COUNT);
    body.f
        .get(results)
        .get(head_)
        .store32(RESULTS_FIRST_FINDING);
    for offset in [RESULTS_MESSAGE, RESULTS_MESSAGE_LEN, RESULTS_RESERVED] {
        body.f.get(results).i32c(0).store32(offset);
    }
    body.f.get(results);
    body.f
}
