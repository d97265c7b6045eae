//! Byte offsets to lines and columns, and back.
//!
//! Spans are byte ranges everywhere inside Ward; lines and columns are
//! computed only at the edges: 1-based character columns for people and the
//! command line, 0-based UTF-16 columns for the language server protocol.

/// The start offsets of every line of a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    line_starts: Vec<u32>,
    text_len: u32,
}

/// A 1-based line and column (columns count characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LineCol {
    /// Line, from 1.
    pub line: u32,
    /// Column in characters, from 1.
    pub column: u32,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0];
        for (offset, byte) in text.bytes().enumerate() {
            if byte == b'\n' {
                line_starts.push(to_u32(offset + 1));
            }
        }
        LineIndex {
            line_starts,
            text_len: to_u32(text.len()),
        }
    }

    /// The 0-based line holding `offset`.
    fn line_of(&self, offset: u32) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next.saturating_sub(1),
        }
    }

    fn line_start(&self, line: usize) -> u32 {
        self.line_starts.get(line).copied().unwrap_or(self.text_len)
    }

    /// Line and character column of a byte offset in `text` (the same text
    /// the index was built from).
    pub fn line_col(&self, text: &str, offset: u32) -> LineCol {
        let offset = offset.min(self.text_len);
        let line = self.line_of(offset);
        let start = self.line_start(line) as usize;
        let prefix = text.get(start..offset as usize).unwrap_or("");
        LineCol {
            line: to_u32(line + 1),
            column: to_u32(prefix.chars().count() + 1),
        }
    }

    /// 0-based line and UTF-16 column, as the language server protocol counts.
    pub fn utf16_position(&self, text: &str, offset: u32) -> (u32, u32) {
        let offset = offset.min(self.text_len);
        let line = self.line_of(offset);
        let start = self.line_start(line) as usize;
        let prefix = text.get(start..offset as usize).unwrap_or("");
        let column: usize = prefix.chars().map(char::len_utf16).sum();
        (to_u32(line), to_u32(column))
    }

    /// The byte offset of a 0-based line and UTF-16 column; positions past
    /// the end of a line clamp to its end.
    pub fn offset_of_utf16(&self, text: &str, line: u32, column: u32) -> u32 {
        let line = line as usize;
        if line >= self.line_starts.len() {
            return self.text_len;
        }
        let start = self.line_start(line);
        let end = self.line_start(line + 1);
        let line_text = text.get(start as usize..end as usize).unwrap_or("");
        let mut units = 0u32;
        for (index, ch) in line_text.char_indices() {
            if units >= column || ch == '\n' {
                return start + to_u32(index);
            }
            units += to_u32(ch.len_utf16());
        }
        end
    }

    /// The byte offset of a 1-based line and character column (the inverse
    /// of [`LineIndex::line_col`]); columns past the end of the line clamp
    /// to its end.
    pub fn offset_of(&self, text: &str, position: LineCol) -> u32 {
        let start = self.line_start(position.line.saturating_sub(1) as usize);
        let line = text.get(start as usize..).unwrap_or("");
        let line = line.split('\n').next().unwrap_or("");
        let column = position.column.saturating_sub(1) as usize;
        let within = line
            .char_indices()
            .nth(column)
            .map_or(line.len(), |(offset, _)| offset);
        start + to_u32(within)
    }

    /// Number of lines.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let text = "ab\nçd\n\nx";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(text, 0), LineCol { line: 1, column: 1 });
        assert_eq!(index.line_col(text, 3), LineCol { line: 2, column: 1 });
        // `ç` is two bytes but one character.
        assert_eq!(index.line_col(text, 5), LineCol { line: 2, column: 2 });
        assert_eq!(index.line_col(text, 8), LineCol { line: 4, column: 1 });
        assert_eq!(index.line_count(), 4);
        assert_eq!(index.offset_of(text, LineCol { line: 2, column: 2 }), 5);
        assert_eq!(index.offset_of(text, LineCol { line: 1, column: 9 }), 2);
    }

    #[test]
    fn utf16_round_trip() {
        let text = "a😀b\nc";
        let index = LineIndex::new(text);
        // The emoji is 4 bytes and 2 UTF-16 units.
        assert_eq!(index.utf16_position(text, 5), (0, 3));
        assert_eq!(index.offset_of_utf16(text, 0, 3), 5);
        assert_eq!(index.offset_of_utf16(text, 1, 0), 7);
        assert_eq!(index.offset_of_utf16(text, 0, 99), 6);
        assert_eq!(index.offset_of_utf16(text, 9, 0), text.len() as u32);
    }
}
