//! Open documents: text and version, kept current by incremental sync.

use dashmap::DashMap;
use tower_lsp::lsp_types::{Position, TextDocumentContentChangeEvent, Url};

/// The documents the editor has open, by URI.
#[derive(Default)]
pub struct Documents {
    open: DashMap<Url, Document>,
}

/// A document's content at one moment, for building its blame view.
pub struct Snapshot {
    pub version: i32,
    pub text: String,
    pub language_id: String,
    pub blocks: Option<Vec<Block>>,
}

impl Documents {
    pub fn open(&self, uri: Url, document: Document) {
        self.open.insert(uri, document);
    }

    /// Applies edits in order; false for a document that is not open.
    pub fn change(
        &self,
        uri: &Url,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
    ) -> bool {
        match self.open.get_mut(uri) {
            Some(mut doc) => {
                doc.apply(version, changes);
                true
            }
            None => false,
        }
    }

    /// The editor's blocks for block lenses; false for a document that is not open.
    pub fn set_blocks(&self, uri: &Url, blocks: Vec<Block>) -> bool {
        match self.open.get_mut(uri) {
            Some(mut doc) => {
                doc.blocks = Some(blocks);
                true
            }
            None => false,
        }
    }

    pub fn close(&self, uri: &Url) -> Option<Document> {
        self.open.remove(uri).map(|(_, doc)| doc)
    }

    pub fn version(&self, uri: &Url) -> Option<i32> {
        self.open.get(uri).map(|d| d.version)
    }

    pub fn snapshot(&self, uri: &Url) -> Option<Snapshot> {
        self.open.get(uri).map(|d| Snapshot {
            version: d.version,
            text: d.text.clone(),
            language_id: d.language_id.clone(),
            blocks: d.blocks.clone(),
        })
    }

    pub fn uris(&self) -> Vec<Url> {
        self.open.iter().map(|d| d.key().clone()).collect()
    }

    pub fn len(&self) -> usize {
        self.open.len()
    }
}

/// A top-level block of a document (function, class, …) for block lenses.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Block {
    pub start_line: u32,
    pub end_line: u32,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
}

pub struct Document {
    pub version: i32,
    pub text: String,
    /// The LSP language id from `didOpen` (picks the block parser).
    pub language_id: String,
    /// Blocks supplied by the editor (`gitinspector/setBlocks`), if any.
    pub blocks: Option<Vec<Block>>,
}

impl Document {
    pub fn new(version: i32, text: String, language_id: String) -> Self {
        Document {
            version,
            text,
            language_id,
            blocks: None,
        }
    }

    pub fn apply(&mut self, version: i32, changes: Vec<TextDocumentContentChangeEvent>) {
        for change in changes {
            match change.range {
                Some(range) => {
                    let start = byte_offset(&self.text, range.start);
                    let end = byte_offset(&self.text, range.end).max(start);
                    self.text.replace_range(start..end, &change.text);
                }
                None => self.text = change.text,
            }
        }
        self.version = version;
    }

    #[cfg(test)]
    pub fn lines(&self) -> Vec<&str> {
        split_lines(&self.text)
    }
}

/// Lines as an editor counts them: a trailing newline ends the last line
/// rather than starting an empty one; `\r\n` and `\n` both end lines.
pub fn split_lines(text: &str) -> Vec<&str> {
    if text.is_empty() {
        return Vec::new();
    }
    let body = text.strip_suffix('\n').unwrap_or(text);
    // memchr over the bytes: `str::split` was a third of an edit's cost.
    let mut lines = Vec::with_capacity(body.len() / 32 + 1);
    let mut start = 0;
    // '\n' is one byte in UTF-8: every cut is at a character boundary.
    for end in memchr::memchr_iter(b'\n', body.as_bytes()) {
        lines.push(without_cr(body.get(start..end).unwrap_or_default()));
        start = end + 1;
    }
    lines.push(without_cr(body.get(start..).unwrap_or_default()));
    lines
}

fn without_cr(line: &str) -> &str {
    line.strip_suffix('\r').unwrap_or(line)
}

/// Byte offset of an LSP position (UTF-16 columns), clamped to the text.
fn byte_offset(text: &str, position: Position) -> usize {
    let mut line_start = 0;
    let rest = |from: usize| text.get(from..).unwrap_or_default();
    for _ in 0..position.line {
        match rest(line_start).find('\n') {
            Some(i) => line_start += i + 1,
            None => return text.len(),
        }
    }
    let line_end = rest(line_start)
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let mut units = 0u32;
    let line = text.get(line_start..line_end).unwrap_or_default();
    for (i, ch) in line.char_indices() {
        if units >= position.character {
            return line_start + i;
        }
        units += ch.len_utf16() as u32;
    }
    line_end
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp::lsp_types::Range;

    fn edit(sl: u32, sc: u32, el: u32, ec: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(sl, sc), Position::new(el, ec))),
            range_length: None,
            text: text.to_owned(),
        }
    }

    #[test]
    fn incremental_edits_use_utf16_columns() {
        let mut doc = Document::new(1, "a😀b\nsecond\nthird\n".to_owned(), "text".to_owned());
        // The emoji is two UTF-16 units: column 3 is just before "b".
        doc.apply(2, vec![edit(0, 3, 0, 4, "B")]);
        assert_eq!(doc.lines(), vec!["a😀B", "second", "third"]);
        doc.apply(3, vec![edit(1, 0, 2, 0, ""), edit(1, 5, 1, 5, "!\nnew")]);
        assert_eq!(doc.lines(), vec!["a😀B", "third!", "new"]);
        assert_eq!(doc.version, 3);
    }

    #[test]
    fn lines_ignore_the_final_newline_and_crlf() {
        assert_eq!(split_lines("x\r\ny\n"), vec!["x", "y"]);
        assert_eq!(split_lines("x\n\n"), vec!["x", ""]);
        assert!(split_lines("").is_empty());
    }
}
