//! Turning input bytes into text, and positions in text.

use std::borrow::Cow;

use crate::model::Pos;

/// A decoding failure: where and why.
#[derive(Debug)]
pub(crate) struct DecodeError {
    pub pos: Pos,
    pub message: String,
}

/// Decodes UTF-8 (with or without a byte order mark) and UTF-16 (with a byte
/// order mark, or recognised by the zero bytes of ASCII text) into a string.
/// The byte order mark is not part of the result.
pub(crate) fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, DecodeError> {
    match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => decode_utf8(rest).map(Cow::Borrowed),
        [0x00, 0x00, 0xFE, 0xFF, ..] | [0xFF, 0xFE, 0x00, 0x00, ..] => Err(DecodeError {
            pos: Pos::START,
            message: "utf-32 input is not supported, convert it to utf-8".to_string(),
        }),
        [0xFF, 0xFE, rest @ ..] => decode_utf16(rest, u16::from_le_bytes).map(Cow::Owned),
        [0xFE, 0xFF, rest @ ..] => decode_utf16(rest, u16::from_be_bytes).map(Cow::Owned),
        [first, 0x00, ..] if *first != 0 => decode_utf16(bytes, u16::from_le_bytes).map(Cow::Owned),
        [0x00, second, ..] if *second != 0 => {
            decode_utf16(bytes, u16::from_be_bytes).map(Cow::Owned)
        }
        _ => decode_utf8(bytes).map(Cow::Borrowed),
    }
}

fn decode_utf8(bytes: &[u8]) -> Result<&str, DecodeError> {
    std::str::from_utf8(bytes).map_err(|error| {
        let valid = bytes.get(..error.valid_up_to()).unwrap_or(&[]);
        // The valid prefix is UTF-8 by construction.
        let prefix = std::str::from_utf8(valid).unwrap_or("");
        DecodeError {
            pos: end_position(prefix),
            message: format!(
                "invalid utf-8 at byte {}: the input must be utf-8 or utf-16 with a byte order mark",
                error.valid_up_to()
            ),
        }
    })
}

fn decode_utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String, DecodeError> {
    let units = bytes.chunks_exact(2).map(|pair| match pair {
        [a, b] => unit([*a, *b]),
        _ => 0,
    });
    let mut out = String::with_capacity(bytes.len() / 2);
    for decoded in char::decode_utf16(units) {
        match decoded {
            Ok(c) => out.push(c),
            Err(_) => {
                return Err(DecodeError {
                    pos: end_position(&out),
                    message: "invalid utf-16: unpaired surrogate".to_string(),
                });
            }
        }
    }
    if bytes.len() % 2 == 1 {
        return Err(DecodeError {
            pos: end_position(&out),
            message: "invalid utf-16: odd number of bytes".to_string(),
        });
    }
    Ok(out)
}

/// The position just after the end of `text`.
pub(crate) fn end_position(text: &str) -> Pos {
    position_at(text, text.len())
}

/// The position of byte offset `offset` in `text` (clamped to the text).
pub(crate) fn position_at(text: &str, offset: usize) -> Pos {
    let bytes = text.as_bytes();
    let offset = offset.min(bytes.len());
    let before = bytes.get(..offset).unwrap_or(&[]);
    let mut line = 1u32;
    let mut line_start = 0usize;
    for (index, byte) in before.iter().enumerate() {
        if *byte == b'\n' {
            line = line.saturating_add(1);
            line_start = index + 1;
        }
    }
    let column = count_chars(before.get(line_start..).unwrap_or(&[]));
    Pos::new(line, saturating_u32(column).saturating_add(1))
}

/// Counts the characters in a UTF-8 byte slice (bytes that do not continue
/// a multi-byte sequence).
pub(crate) fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|byte| (**byte & 0xC0) != 0x80).count()
}

pub(crate) fn saturating_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_with_and_without_bom() {
        let text = "{\"a\": \"é\"}";
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        let mut bare = Vec::new();
        for unit in text.encode_utf16() {
            le.extend(unit.to_le_bytes());
            be.extend(unit.to_be_bytes());
            bare.extend(unit.to_le_bytes());
        }
        assert_eq!(decode(&le).unwrap(), text);
        assert_eq!(decode(&be).unwrap(), text);
        assert_eq!(decode(&bare).unwrap(), text);
    }

    #[test]
    fn utf8_bom_is_dropped() {
        assert_eq!(decode(b"\xEF\xBB\xBF{}").unwrap(), "{}");
    }

    #[test]
    fn invalid_utf8_has_a_position() {
        let error = decode(b"{\n  \"a\": \"\xFF\"}").unwrap_err();
        assert_eq!(error.pos, Pos::new(2, 9));
    }

    #[test]
    fn positions_count_characters() {
        assert_eq!(position_at("ab\nçd", 5), Pos::new(2, 2));
    }
}
