//! A JSON parser that records the position of every value.
//!
//! It is iterative (an explicit stack, no recursion), so hostile nesting can
//! not overflow the call stack; nesting deeper than a limit is an error.
//! Duplicate keys are an error too: CloudFormation rejects them, and letting
//! the last one win would let a template hide a value from a policy.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use crate::model::{LoadOptions, Node, Pos, Value};
use crate::text::{count_chars, position_at, saturating_u32};

/// The deepest nesting of lists and objects that the loaders accept.
pub const MAX_DEPTH: usize = 512;

/// Lists and objects with at least this many elements that fill the
/// parser's buffer take the buffer instead of a copy of it.
const LONG_COLLECTION: usize = 1 << 16;

/// Objects with at least this many keys check duplicates with a hash set.
const HASHED_OBJECT_LEN: usize = 16;

/// A parse failure.
#[derive(Debug)]
pub(crate) struct JsonError {
    pub pos: Pos,
    pub message: String,
    /// The input holds a complete value followed by more text: it may be a
    /// stream of values (NDJSON).
    pub trailing: bool,
}

/// Parses one JSON value that spans the whole text, with the default
/// bound on its values.
pub(crate) fn parse(text: &str) -> Result<Node, JsonError> {
    parse_bounded(text, LoadOptions::DEFAULT_MAX_VALUES)
}

/// Parses one JSON value that spans the whole text; more than `max_values`
/// values is an error (see [`LoadOptions::max_values`]).
pub(crate) fn parse_bounded(text: &str, max_values: usize) -> Result<Node, JsonError> {
    let mut parser = Parser::new(text, max_values);
    let node = parser.value()?;
    parser.skip_whitespace();
    if parser.offset < parser.bytes.len() {
        return Err(JsonError {
            pos: parser.pos_here(),
            message: "unexpected text after the end of the json value".to_string(),
            trailing: true,
        });
    }
    Ok(node)
}

/// Parses a sequence of JSON values separated by whitespace (NDJSON and
/// concatenated JSON), with at most `max_values` values in all.
pub(crate) fn parse_stream(text: &str, max_values: usize) -> Result<Vec<Node>, JsonError> {
    let mut parser = Parser::new(text, max_values);
    let mut values = Vec::new();
    loop {
        parser.skip_whitespace();
        if parser.offset >= parser.bytes.len() {
            return Ok(values);
        }
        values.push(parser.value()?);
    }
}

/// The elements of the list or object that starts at `first` in one of the
/// parser's buffers. A long one that fills the buffer takes the buffer
/// itself, shrunk in place, rather than a copy: copying would hold it
/// twice at once.
fn take_from<T>(buffer: &mut Vec<T>, first: usize) -> Vec<T> {
    if first == 0 && buffer.len() >= LONG_COLLECTION {
        let mut taken = std::mem::take(buffer);
        taken.shrink_to_fit();
        taken
    } else {
        buffer.drain(first..).collect()
    }
}

/// A small, fast hasher for short keys (FxHash).
#[derive(Default, Clone, Copy)]
pub(crate) struct FastHasher(u64);

impl Hasher for FastHasher {
    fn finish(&self) -> u64 {
        // The low bits of the last product depend only on the low bits of
        // the last bytes, and tables pick buckets by the low bits: keys such
        // as `k1`, `k2`, ... land evenly spaced and fill long runs of the
        // table (an object of 3 million of them took 6 minutes to check for
        // duplicates). The high bits mix every byte: rotate them down.
        self.0.rotate_left(26)
    }

    fn write(&mut self, bytes: &[u8]) {
        const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(SEED);
        }
        for byte in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(*byte)).wrapping_mul(SEED);
        }
    }
}

pub(crate) type FastBuild = BuildHasherDefault<FastHasher>;

/// Shares the storage of repeated keys and short strings.
#[derive(Default)]
pub(crate) struct Interner {
    strings: HashSet<Arc<str>, FastBuild>,
}

impl Interner {
    /// Strings longer than this are not shared: they are rarely repeated.
    const MAX_LEN: usize = 48;
    /// Bounds the memory of the table on hostile input.
    const MAX_ENTRIES: usize = 1 << 16;

    pub(crate) fn intern(&mut self, text: &str) -> Arc<str> {
        if text.len() > Self::MAX_LEN {
            return Arc::from(text);
        }
        if let Some(shared) = self.strings.get(text) {
            return shared.clone();
        }
        let shared: Arc<str> = Arc::from(text);
        if self.strings.len() < Self::MAX_ENTRIES {
            self.strings.insert(shared.clone());
        }
        shared
    }
}

/// An open list or object. Their elements wait on the parser's shared
/// scratch stacks from `start` on, and move into a vector of the exact size
/// when the container closes: no vector grows element by element.
enum Frame {
    List {
        start: usize,
        pos: Pos,
    },
    Object {
        start: usize,
        pos: Pos,
        /// The key whose value is being parsed, and where it stands.
        key: Option<(Arc<str>, Pos)>,
        seen: Option<HashSet<Arc<str>, FastBuild>>,
    },
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    offset: usize,
    line: u32,
    line_start: usize,
    /// A byte offset on the current line whose column is known, so that
    /// computing columns on one very long line stays linear.
    column_offset: usize,
    column_chars: usize,
    interner: Interner,
    items: Vec<Node>,
    entries: Vec<(Arc<str>, Node)>,
    /// How many more values the text may hold.
    values_left: usize,
    max_values: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str, max_values: usize) -> Parser<'a> {
        Parser {
            text,
            bytes: text.as_bytes(),
            offset: 0,
            line: 1,
            line_start: 0,
            column_offset: 0,
            column_chars: 0,
            interner: Interner::default(),
            items: Vec::new(),
            entries: Vec::new(),
            values_left: max_values,
            max_values,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.offset).copied()
    }

    fn skip_whitespace(&mut self) {
        // Most values follow a single space, or a line break and indentation.
        if self.bytes.get(self.offset) == Some(&b' ')
            && self.bytes.get(self.offset + 1).is_some_and(|b| *b > b' ')
        {
            self.offset += 1;
            return;
        }
        while let Some(byte) = self.bytes.get(self.offset) {
            match byte {
                b' ' | b'\t' | b'\r' => self.offset += 1,
                b'\n' => {
                    self.offset += 1;
                    self.line = self.line.saturating_add(1);
                    self.line_start = self.offset;
                    self.column_offset = self.offset;
                    self.column_chars = 0;
                }
                _ => break,
            }
        }
    }

    /// The position of a byte offset on the current line.
    fn pos_at(&mut self, offset: usize) -> Pos {
        if offset < self.line_start {
            return position_at(self.text, offset);
        }
        if offset < self.column_offset {
            self.column_offset = self.line_start;
            self.column_chars = 0;
        }
        let between = self.bytes.get(self.column_offset..offset).unwrap_or(&[]);
        self.column_chars += count_chars(between);
        self.column_offset = offset;
        Pos::new(
            self.line,
            saturating_u32(self.column_chars).saturating_add(1),
        )
    }

    fn pos_here(&mut self) -> Pos {
        self.pos_at(self.offset)
    }

    fn error_at(&mut self, offset: usize, message: impl Into<String>) -> JsonError {
        JsonError {
            pos: self.pos_at(offset),
            message: message.into(),
            trailing: false,
        }
    }

    fn unexpected(&mut self, expected: &str) -> JsonError {
        let message = match self
            .text
            .get(self.offset..)
            .and_then(|rest| rest.chars().next())
        {
            None => format!("unexpected end of input, expected {expected}"),
            Some(found) => format!("expected {expected}, found {}", describe_char(found)),
        };
        self.error_at(self.offset, message)
    }

    /// Parses one value, with an explicit stack for lists and objects.
    fn value(&mut self) -> Result<Node, JsonError> {
        let mut stack: Vec<Frame> = Vec::new();
        'value: loop {
            self.skip_whitespace();
            let start = self.offset;
            let pos = self.pos_at(start);
            self.count_value(start)?;
            let mut node = match self.peek() {
                Some(b'{') => {
                    self.check_depth(stack.len())?;
                    self.offset += 1;
                    self.skip_whitespace();
                    if self.peek() == Some(b'}') {
                        self.offset += 1;
                        Node::new(Value::Object(Vec::new()), pos)
                    } else {
                        let key = self.key()?;
                        stack.push(Frame::Object {
                            start: self.entries.len(),
                            pos,
                            key: Some(key),
                            seen: None,
                        });
                        continue 'value;
                    }
                }
                Some(b'[') => {
                    self.check_depth(stack.len())?;
                    self.offset += 1;
                    self.skip_whitespace();
                    if self.peek() == Some(b']') {
                        self.offset += 1;
                        Node::new(Value::List(Vec::new()), pos)
                    } else {
                        stack.push(Frame::List {
                            start: self.items.len(),
                            pos,
                        });
                        continue 'value;
                    }
                }
                Some(b'"') => {
                    let text = self.string(true)?;
                    Node::new(Value::String(text), pos)
                }
                Some(b't') => self.literal("true", Value::Bool(true), pos)?,
                Some(b'f') => self.literal("false", Value::Bool(false), pos)?,
                Some(b'n') => self.literal("null", Value::Null, pos)?,
                Some(b'-' | b'0'..=b'9') => self.number(pos)?,
                _ => return Err(self.unexpected("a value")),
            };
            // A value is complete: hand it to the enclosing list or object,
            // closing every container that ends here.
            loop {
                match stack.last_mut() {
                    None => return Ok(node),
                    Some(Frame::List { .. }) => {
                        self.items.push(node);
                        self.skip_whitespace();
                        match self.peek() {
                            Some(b',') => {
                                self.offset += 1;
                                continue 'value;
                            }
                            Some(b']') => {
                                self.offset += 1;
                                node = match stack.pop() {
                                    Some(Frame::List { start: first, pos }) => {
                                        let items = take_from(&mut self.items, first);
                                        Node::new(Value::List(items), pos)
                                    }
                                    _ => return Err(self.error_at(start, "internal parser error")),
                                };
                            }
                            _ => return Err(self.unexpected("`,` or `]`")),
                        }
                    }
                    Some(Frame::Object {
                        start: first,
                        key,
                        seen,
                        ..
                    }) => {
                        let first = *first;
                        let Some((name, key_pos)) = key.take() else {
                            return Err(self.error_at(start, "internal parser error"));
                        };
                        let entries = self.entries.get(first..).unwrap_or_default();
                        if let Some(previous) = find_duplicate(entries, seen, &name) {
                            return Err(JsonError {
                                pos: key_pos,
                                message: format!(
                                    "duplicate key `{name}` (the first one is at line {})",
                                    previous.line
                                ),
                                trailing: false,
                            });
                        }
                        self.entries.push((name, node));
                        self.skip_whitespace();
                        match self.peek() {
                            Some(b',') => {
                                self.offset += 1;
                                let next = self.key()?;
                                if let Some(Frame::Object { key, .. }) = stack.last_mut() {
                                    *key = Some(next);
                                }
                                continue 'value;
                            }
                            Some(b'}') => {
                                self.offset += 1;
                                node = match stack.pop() {
                                    Some(Frame::Object {
                                        start: first, pos, ..
                                    }) => {
                                        let entries = take_from(&mut self.entries, first);
                                        Node::new(Value::Object(entries), pos)
                                    }
                                    _ => return Err(self.error_at(start, "internal parser error")),
                                };
                            }
                            _ => return Err(self.unexpected("`,` or `}`")),
                        }
                    }
                }
            }
        }
    }

    /// Counts one more value against the bound of the text.
    fn count_value(&mut self, start: usize) -> Result<(), JsonError> {
        match self.values_left.checked_sub(1) {
            Some(left) => {
                self.values_left = left;
                Ok(())
            }
            None => {
                let message = format!("the document has more than {} values", self.max_values);
                Err(self.error_at(start, message))
            }
        }
    }

    fn check_depth(&mut self, depth: usize) -> Result<(), JsonError> {
        if depth >= MAX_DEPTH {
            return Err(self.error_at(
                self.offset,
                format!("nesting is deeper than {MAX_DEPTH} levels"),
            ));
        }
        Ok(())
    }

    /// Parses `"key" :` and returns the key and its position.
    fn key(&mut self) -> Result<(Arc<str>, Pos), JsonError> {
        self.skip_whitespace();
        match self.peek() {
            Some(b'"') => {}
            Some(b'}') => {
                return Err(self.error_at(self.offset, "trailing comma before `}`"));
            }
            _ => return Err(self.unexpected("a string key")),
        }
        let pos = self.pos_here();
        let key = self.string(true)?;
        self.skip_whitespace();
        if self.peek() != Some(b':') {
            return Err(self.unexpected("`:` after the object key"));
        }
        self.offset += 1;
        Ok((key, pos))
    }

    fn literal(&mut self, word: &str, value: Value, pos: Pos) -> Result<Node, JsonError> {
        let end = self.offset + word.len();
        if self.bytes.get(self.offset..end) == Some(word.as_bytes()) {
            self.offset = end;
            Ok(Node::new(value, pos))
        } else {
            Err(self.unexpected("a value"))
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.offset;
        while let Some(b'0'..=b'9') = self.peek() {
            self.offset += 1;
        }
        self.offset - start
    }

    fn number(&mut self, pos: Pos) -> Result<Node, JsonError> {
        let start = self.offset;
        if self.peek() == Some(b'-') {
            self.offset += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.offset += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(
                        self.error_at(start, "invalid number: leading zeros are not allowed")
                    );
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.error_at(start, "invalid number")),
        }
        if self.peek() == Some(b'.') {
            self.offset += 1;
            if self.digits() == 0 {
                return Err(self.error_at(start, "invalid number: expected digits after `.`"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.offset += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.offset += 1;
            }
            if self.digits() == 0 {
                return Err(self.error_at(start, "invalid number: expected digits in the exponent"));
            }
        }
        let text = self.text.get(start..self.offset).unwrap_or("");
        match text.parse::<f64>() {
            Ok(number) if number.is_finite() => Ok(Node::new(Value::Number(number), pos)),
            _ => Err(self.error_at(start, format!("number `{text}` is out of range"))),
        }
    }

    /// Parses a string starting at the opening quote.
    fn string(&mut self, share: bool) -> Result<Arc<str>, JsonError> {
        let open = self.offset;
        self.offset += 1;
        let start = self.offset;
        let rest = self.bytes.get(start..).unwrap_or(&[]);
        let stop = string_stop(rest);
        match stop.and_then(|length| rest.get(length).map(|byte| (length, *byte))) {
            Some((length, b'"')) => {
                let end = start + length;
                self.offset = end + 1;
                let text = self.text.get(start..end).unwrap_or("");
                Ok(if share {
                    self.interner.intern(text)
                } else {
                    Arc::from(text)
                })
            }
            Some((length, b'\\')) => self.escaped_string(open, start + length),
            Some((length, _)) => Err(self.control_character(open, start + length)),
            None => Err(self.error_at(open, "unterminated string")),
        }
    }

    fn control_character(&mut self, open: usize, at: usize) -> JsonError {
        if let Some(b'\n' | b'\r') = self.bytes.get(at) {
            self.error_at(open, "unterminated string")
        } else {
            self.error_at(at, "control character in string: escape it")
        }
    }

    /// The slow path of [`Parser::string`] for strings with escapes.
    fn escaped_string(&mut self, open: usize, first_escape: usize) -> Result<Arc<str>, JsonError> {
        let mut out = String::from(self.text.get(open + 1..first_escape).unwrap_or(""));
        self.offset = first_escape;
        loop {
            let segment_start = self.offset;
            while let Some(byte) = self.peek() {
                if byte == b'"' || byte == b'\\' || byte < 0x20 {
                    break;
                }
                self.offset += 1;
            }
            out.push_str(self.text.get(segment_start..self.offset).unwrap_or(""));
            match self.peek() {
                Some(b'"') => {
                    self.offset += 1;
                    return Ok(Arc::from(out));
                }
                Some(b'\\') => {
                    let escape = self.offset;
                    self.offset += 1;
                    let Some(kind) = self.peek() else {
                        return Err(self.error_at(open, "unterminated string"));
                    };
                    self.offset += 1;
                    match kind {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let c = self.unicode_escape(escape)?;
                            out.push(c);
                        }
                        _ => {
                            let shown = self
                                .text
                                .get(escape..)
                                .and_then(|rest| rest.chars().nth(1))
                                .unwrap_or('?');
                            return Err(self.error_at(
                                escape,
                                format!("invalid escape `\\{shown}` in string"),
                            ));
                        }
                    }
                }
                Some(_) => return Err(self.control_character(open, self.offset)),
                None => return Err(self.error_at(open, "unterminated string")),
            }
        }
    }

    fn hex4(&mut self, escape: usize) -> Result<u32, JsonError> {
        let digits = self.bytes.get(self.offset..self.offset + 4);
        let parsed = digits
            .and_then(|digits| std::str::from_utf8(digits).ok())
            .filter(|digits| digits.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|digits| u32::from_str_radix(digits, 16).ok());
        match parsed {
            Some(value) => {
                self.offset += 4;
                Ok(value)
            }
            None => Err(self.error_at(escape, "invalid unicode escape: expected four hex digits")),
        }
    }

    /// Decodes `\uXXXX` (the `\u` already consumed), joining surrogate pairs.
    /// A lone surrogate becomes U+FFFD.
    fn unicode_escape(&mut self, escape: usize) -> Result<char, JsonError> {
        let first = self.hex4(escape)?;
        if (0xD800..0xDC00).contains(&first) {
            if self.bytes.get(self.offset..self.offset + 2) == Some(b"\\u") {
                let save = self.offset;
                self.offset += 2;
                let second = self.hex4(save)?;
                if (0xDC00..0xE000).contains(&second) {
                    let combined = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                    return Ok(char::from_u32(combined).unwrap_or('\u{FFFD}'));
                }
                self.offset = save;
            }
            return Ok('\u{FFFD}');
        }
        Ok(char::from_u32(first).unwrap_or('\u{FFFD}'))
    }
}

/// The index of the first byte that ends the plain part of a string: a
/// quote, a backslash or a control character. Eight bytes at a time.
fn string_stop(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has_zero = |word: u64| word.wrapping_sub(ONES) & !word & HIGHS;
    let mut chunks = bytes.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        // A byte below 0x20 has none of the bits 0xE0 set.
        let special = has_zero(word ^ (ONES * u64::from(b'"')))
            | has_zero(word ^ (ONES * u64::from(b'\\')))
            | has_zero(word & (ONES * 0xE0));
        if special != 0 {
            break;
        }
        offset += 8;
    }
    bytes
        .get(offset..)
        .unwrap_or_default()
        .iter()
        .position(|byte| *byte == b'"' || *byte == b'\\' || *byte < 0x20)
        .map(|position| offset + position)
}

/// Returns the position of an existing entry named `name`, maintaining the
/// hash set of large objects.
fn find_duplicate(
    entries: &[(Arc<str>, Node)],
    seen: &mut Option<HashSet<Arc<str>, FastBuild>>,
    name: &Arc<str>,
) -> Option<Pos> {
    let position_of = |entries: &[(Arc<str>, Node)]| {
        entries
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, node)| node.pos)
    };
    if entries.len() < HASHED_OBJECT_LEN {
        return entries
            .iter()
            .find(|(key, _)| Arc::ptr_eq(key, name) || key == name)
            .map(|(_, node)| node.pos);
    }
    let set = seen.get_or_insert_with(|| entries.iter().map(|(key, _)| key.clone()).collect());
    if set.insert(name.clone()) {
        None
    } else {
        position_of(entries)
    }
}

fn describe_char(c: char) -> String {
    if c.is_control() {
        format!("character U+{:04X}", u32::from(c))
    } else {
        format!("`{c}`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> (u32, u32, String) {
        let error = parse(text).unwrap_err();
        (error.pos.line, error.pos.column, error.message)
    }

    #[test]
    fn values_and_positions() {
        let node = parse("{\n  \"a\": [1, -2.5e1, true, null],\n  \"é\": \"x\\ny\"\n}").unwrap();
        assert_eq!(node.pos, Pos::new(1, 1));
        let list = node.get("a").unwrap();
        assert_eq!(list.pos, Pos::new(2, 8));
        assert_eq!(list.index(1).unwrap().as_f64(), Some(-25.0));
        assert_eq!(list.index(3).unwrap().pos, Pos::new(2, 26));
        let text = node.get("é").unwrap();
        assert_eq!(text.as_str(), Some("x\ny"));
        assert_eq!(text.pos, Pos::new(3, 8));
    }

    #[test]
    fn columns_count_characters() {
        let node = parse("[\"ééé\", 1]").unwrap();
        assert_eq!(node.index(1).unwrap().pos, Pos::new(1, 9));
    }

    #[test]
    fn unicode_escapes() {
        let node = parse(r#"["\u00e9\ud83d\ude00\ud800"]"#).unwrap();
        assert_eq!(node.index(0).unwrap().as_str(), Some("é😀\u{FFFD}"));
    }

    #[test]
    fn malformed_inputs_have_positions() {
        assert_eq!(
            error("{\"a\": 1,}"),
            (1, 9, "trailing comma before `}`".to_string())
        );
        assert_eq!(
            error("{\n  \"a\": 1\n  \"b\": 2\n}"),
            (3, 3, "expected `,` or `}`, found `\"`".to_string())
        );
        assert_eq!(
            error("{\"a\": [1, 2"),
            (
                1,
                12,
                "unexpected end of input, expected `,` or `]`".to_string()
            )
        );
        assert_eq!(error("[\"abc"), (1, 2, "unterminated string".to_string()));
        assert_eq!(
            error("[01]"),
            (
                1,
                2,
                "invalid number: leading zeros are not allowed".to_string()
            )
        );
        assert_eq!(
            error("[tru]"),
            (1, 2, "expected a value, found `t`".to_string())
        );
        assert_eq!(
            error(""),
            (
                1,
                1,
                "unexpected end of input, expected a value".to_string()
            )
        );
        assert_eq!(
            error("[\"a\tb\"]"),
            (1, 4, "control character in string: escape it".to_string())
        );
        assert_eq!(
            error("[\"\\q\"]"),
            (1, 3, "invalid escape `\\q` in string".to_string())
        );
        assert_eq!(
            error("[1e999]"),
            (1, 2, "number `1e999` is out of range".to_string())
        );
    }

    #[test]
    fn duplicate_keys_are_errors() {
        assert_eq!(
            error("{\"a\": 1,\n \"a\": 2}"),
            (
                2,
                2,
                "duplicate key `a` (the first one is at line 1)".to_string()
            )
        );
        let mut big = String::from("{");
        for i in 0..40 {
            big.push_str(&format!("\"k{i}\": {i},"));
        }
        big.push_str("\"k7\": 0}");
        assert!(error(&big).2.starts_with("duplicate key `k7`"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000);
        let (line, column, message) = error(&deep);
        assert_eq!((line, column), (1, 513));
        assert_eq!(message, "nesting is deeper than 512 levels");
        let ok = format!("{}{}", "[".repeat(512), "]".repeat(512));
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn string_stops_are_found_in_every_lane() {
        for length in 0..20 {
            for special in [b'"', b'\\', b'\n', 0x1F] {
                let mut bytes = vec![b'a'; length];
                bytes.push(special);
                bytes.extend(b"tail\"");
                assert_eq!(string_stop(&bytes), Some(length), "{length} {special}");
            }
            let mut high = [0xC3, 0xA9].repeat(length);
            high.push(b'"');
            assert_eq!(string_stop(&high), Some(2 * length));
        }
        assert_eq!(string_stop(b"abcdefghijklmnop"), None);
    }

    #[test]
    fn values_are_bounded() {
        // Five values: the list, 1, the object, 2 and 3.
        let text = "[1, {\"a\": 2}, 3]";
        assert!(parse_bounded(text, 5).is_ok());
        let error = parse_bounded(text, 4).unwrap_err();
        assert_eq!((error.pos.line, error.pos.column), (1, 15));
        assert_eq!(error.message, "the document has more than 4 values");
        // A stream counts its values together.
        assert!(parse_stream("[1]\n[2]\n", 4).is_ok());
        let error = parse_stream("[1]\n[2]\n", 3).unwrap_err();
        assert_eq!((error.pos.line, error.pos.column), (2, 2));
    }

    #[test]
    fn trailing_values_are_flagged() {
        let error = parse("{}\n{}").unwrap_err();
        assert!(error.trailing);
        assert_eq!(parse_stream("{}\n{\"a\":1}\n", 10).unwrap().len(), 2);
    }
}
