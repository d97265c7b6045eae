//! Little-endian reading and writing over byte buffers, bounds-checked.

/// A cursor over untrusted bytes. Every read checks the bounds and returns
/// `None` past the end.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, position: 0 }
    }

    pub(crate) fn position(&self) -> usize {
        self.position
    }

    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.position)
    }

    pub(crate) fn take(&mut self, len: usize) -> Option<&'a [u8]> {
        let end = self.position.checked_add(len)?;
        let slice = self.bytes.get(self.position..end)?;
        self.position = end;
        Some(slice)
    }

    pub(crate) fn u8(&mut self) -> Option<u8> {
        self.take(1).and_then(|bytes| bytes.first().copied())
    }

    pub(crate) fn u32(&mut self) -> Option<u32> {
        let bytes = self.take(4)?;
        let array: [u8; 4] = bytes.try_into().ok()?;
        Some(u32::from_le_bytes(array))
    }
}

/// Reads a `u32` at `offset` of `bytes`.
pub(crate) fn read_u32(bytes: &[u8], offset: usize) -> Option<u32> {
    let end = offset.checked_add(4)?;
    let array: [u8; 4] = bytes.get(offset..end)?.try_into().ok()?;
    Some(u32::from_le_bytes(array))
}

/// Writes a `u32` at `offset` of `bytes`; does nothing out of bounds (the
/// encoder reserves every place before writing it).
pub(crate) fn write_u32(bytes: &mut [u8], offset: usize, value: u32) {
    if let Some(slot) = offset
        .checked_add(4)
        .and_then(|end| bytes.get_mut(offset..end))
    {
        slot.copy_from_slice(&value.to_le_bytes());
    }
}

/// Writes 8 bytes at `offset` of `bytes`; does nothing out of bounds.
pub(crate) fn write_u64(bytes: &mut [u8], offset: usize, value: u64) {
    if let Some(slot) = offset
        .checked_add(8)
        .and_then(|end| bytes.get_mut(offset..end))
    {
        slot.copy_from_slice(&value.to_le_bytes());
    }
}

/// Writes one byte at `offset` of `bytes`; does nothing out of bounds.
pub(crate) fn write_u8(bytes: &mut [u8], offset: usize, value: u8) {
    if let Some(slot) = bytes.get_mut(offset) {
        *slot = value;
    }
}
