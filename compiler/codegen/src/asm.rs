//! A small assembler over `wasm-encoder`: a function body as a list of
//! instructions with locals allocated on demand, and short names for the
//! instructions the generator uses most.

use wasm_encoder::{BlockType, Function, Instruction, MemArg, ValType};

/// A function being generated.
pub(crate) struct Func {
    params: u32,
    locals: Vec<ValType>,
    code: Vec<Instruction<'static>>,
}

fn mem(offset: u32, align: u32) -> MemArg {
    MemArg {
        offset: u64::from(offset),
        align,
        memory_index: 0,
    }
}

impl Func {
    /// A function with `params` parameters (their types are in its type).
    pub(crate) fn new(params: u32) -> Func {
        Func {
            params,
            locals: Vec::new(),
            code: Vec::new(),
        }
    }

    /// A new local of type `ty`.
    pub(crate) fn local(&mut self, ty: ValType) -> u32 {
        self.locals.push(ty);
        self.params + u32::try_from(self.locals.len() - 1).unwrap_or(u32::MAX)
    }

    /// A new `i32` local.
    pub(crate) fn i32_local(&mut self) -> u32 {
        self.local(ValType::I32)
    }

    /// `N` new `i32` locals.
    pub(crate) fn i32_locals<const N: usize>(&mut self) -> [u32; N] {
        std::array::from_fn(|_| self.i32_local())
    }

    /// A new `f64` local.
    pub(crate) fn f64_local(&mut self) -> u32 {
        self.local(ValType::F64)
    }

    /// A new `i64` local.
    pub(crate) fn i64_local(&mut self) -> u32 {
        self.local(ValType::I64)
    }

    /// Appends an instruction.
    pub(crate) fn ins(&mut self, instruction: Instruction<'static>) -> &mut Func {
        self.code.push(instruction);
        self
    }

    /// The finished body.
    pub(crate) fn finish(mut self) -> Function {
        self.code.push(Instruction::End);
        let mut function = Function::new_with_locals_types(self.locals);
        for instruction in &self.code {
            function.instruction(instruction);
        }
        function
    }

    // Locals and globals.

    pub(crate) fn get(&mut self, local: u32) -> &mut Func {
        self.ins(Instruction::LocalGet(local))
    }
    pub(crate) fn set(&mut self, local: u32) -> &mut Func {
        self.ins(Instruction::LocalSet(local))
    }
    pub(crate) fn tee(&mut self, local: u32) -> &mut Func {
        self.ins(Instruction::LocalTee(local))
    }
    pub(crate) fn gget(&mut self, global: u32) -> &mut Func {
        self.ins(Instruction::GlobalGet(global))
    }
    pub(crate) fn gset(&mut self, global: u32) -> &mut Func {
        self.ins(Instruction::GlobalSet(global))
    }

    // Constants.

    pub(crate) fn i32c(&mut self, value: i32) -> &mut Func {
        self.ins(Instruction::I32Const(value))
    }
    pub(crate) fn u32c(&mut self, value: u32) -> &mut Func {
        self.ins(Instruction::I32Const(value as i32))
    }
    pub(crate) fn i64c(&mut self, value: i64) -> &mut Func {
        self.ins(Instruction::I64Const(value))
    }
    pub(crate) fn f64c(&mut self, value: f64) -> &mut Func {
        self.ins(Instruction::F64Const(value.into()))
    }

    // Memory.

    pub(crate) fn load32(&mut self, offset: u32) -> &mut Func {
        self.ins(Instruction::I32Load(mem(offset, 2)))
    }
    pub(crate) fn load8(&mut self, offset: u32) -> &mut Func {
        self.ins(Instruction::I32Load8U(mem(offset, 0)))
    }
    pub(crate) fn load64(&mut self, offset: u32) -> &mut Func {
        self.ins(Instruction::I64Load(mem(offset, 3)))
    }
    pub(crate) fn loadf(&mut self, offset: u32) -> &mut Func {
        self.ins(Instruction::F64Load(mem(offset, 3)))
    }
    pub(crate) fn store32(&mut self, offset: u32) -> &mut Func {
        self.ins(Instruction::I32Store(mem(offset, 2)))
    }
    pub(crate) fn store8(&mut self, offset: u32) -> &mut Func {
        self.ins(Instruction::I32Store8(mem(offset, 0)))
    }
    pub(crate) fn store64(&mut self, offset: u32) -> &mut Func {
        self.ins(Instruction::I64Store(mem(offset, 3)))
    }
    pub(crate) fn storef(&mut self, offset: u32) -> &mut Func {
        self.ins(Instruction::F64Store(mem(offset, 3)))
    }

    // Control.

    pub(crate) fn block(&mut self) -> &mut Func {
        self.ins(Instruction::Block(BlockType::Empty))
    }
    pub(crate) fn block_i32(&mut self) -> &mut Func {
        self.ins(Instruction::Block(BlockType::Result(ValType::I32)))
    }
    pub(crate) fn loop_(&mut self) -> &mut Func {
        self.ins(Instruction::Loop(BlockType::Empty))
    }
    pub(crate) fn if_(&mut self) -> &mut Func {
        self.ins(Instruction::If(BlockType::Empty))
    }
    pub(crate) fn if_i32(&mut self) -> &mut Func {
        self.ins(Instruction::If(BlockType::Result(ValType::I32)))
    }
    pub(crate) fn else_(&mut self) -> &mut Func {
        self.ins(Instruction::Else)
    }
    pub(crate) fn end(&mut self) -> &mut Func {
        self.ins(Instruction::End)
    }
    pub(crate) fn br(&mut self, depth: u32) -> &mut Func {
        self.ins(Instruction::Br(depth))
    }
    pub(crate) fn br_if(&mut self, depth: u32) -> &mut Func {
        self.ins(Instruction::BrIf(depth))
    }
    pub(crate) fn ret(&mut self) -> &mut Func {
        self.ins(Instruction::Return)
    }
    pub(crate) fn call(&mut self, function: u32) -> &mut Func {
        self.ins(Instruction::Call(function))
    }
    pub(crate) fn select(&mut self) -> &mut Func {
        self.ins(Instruction::Select)
    }
    pub(crate) fn unreachable(&mut self) -> &mut Func {
        self.ins(Instruction::Unreachable)
    }

    // i32 arithmetic and comparison.

    pub(crate) fn add(&mut self) -> &mut Func {
        self.ins(Instruction::I32Add)
    }
    pub(crate) fn sub(&mut self) -> &mut Func {
        self.ins(Instruction::I32Sub)
    }
    pub(crate) fn mul(&mut self) -> &mut Func {
        self.ins(Instruction::I32Mul)
    }
    pub(crate) fn and(&mut self) -> &mut Func {
        self.ins(Instruction::I32And)
    }
    pub(crate) fn or(&mut self) -> &mut Func {
        self.ins(Instruction::I32Or)
    }
    pub(crate) fn shl(&mut self) -> &mut Func {
        self.ins(Instruction::I32Shl)
    }
    pub(crate) fn shr_u(&mut self) -> &mut Func {
        self.ins(Instruction::I32ShrU)
    }
    pub(crate) fn eqz(&mut self) -> &mut Func {
        self.ins(Instruction::I32Eqz)
    }
    pub(crate) fn eq(&mut self) -> &mut Func {
        self.ins(Instruction::I32Eq)
    }
    pub(crate) fn ne(&mut self) -> &mut Func {
        self.ins(Instruction::I32Ne)
    }
    pub(crate) fn lt_u(&mut self) -> &mut Func {
        self.ins(Instruction::I32LtU)
    }
    pub(crate) fn gt_u(&mut self) -> &mut Func {
        self.ins(Instruction::I32GtU)
    }
    pub(crate) fn ge_u(&mut self) -> &mut Func {
        self.ins(Instruction::I32GeU)
    }
    pub(crate) fn le_u(&mut self) -> &mut Func {
        self.ins(Instruction::I32LeU)
    }
    pub(crate) fn lt_s(&mut self) -> &mut Func {
        self.ins(Instruction::I32LtS)
    }
    pub(crate) fn gt_s(&mut self) -> &mut Func {
        self.ins(Instruction::I32GtS)
    }
    pub(crate) fn ge_s(&mut self) -> &mut Func {
        self.ins(Instruction::I32GeS)
    }

    // Frequent patterns.

    /// `local += delta`.
    pub(crate) fn inc(&mut self, local: u32, delta: i32) -> &mut Func {
        self.get(local).i32c(delta).add().set(local)
    }

    /// A loop emitting `body` once for each value of local `i` from
    /// `from` up to the value of local `to`, excluded (unsigned).
    pub(crate) fn count_up(&mut self, i: u32, from: i32, to: u32, body: impl FnOnce(&mut Func)) {
        self.i32c(from).set(i);
        self.block().loop_();
        self.get(i).get(to).ge_u().br_if(1);
        body(self);
        self.inc(i, 1).br(0).end().end();
    }

    /// Pushes `base + index * size`.
    pub(crate) fn element(&mut self, base: u32, index: u32, size: u32) -> &mut Func {
        self.get(base).get(index).u32c(size).mul().add()
    }

    /// Copies a 16-byte slot from the address in `from` to the address in
    /// `to`.
    pub(crate) fn copy_slot(&mut self, to: u32, to_offset: u32, from: u32) -> &mut Func {
        self.get(to).get(from).load64(0).store64(to_offset);
        self.get(to).get(from).load64(8).store64(to_offset + 8)
    }
}
