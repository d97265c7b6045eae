//! Little-endian writing into the encoding, bounds-checked: a write out of
//! bounds does nothing (the encoder reserves every place before writing it,
//! and reports a region too small for the whole encoding).

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
