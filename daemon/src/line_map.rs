//! Maps the blame of committed content onto an edited buffer: lines the
//! diff keeps equal keep their commit, all others are not committed.
//!
//! An edit is found by comparing bytes first: the common head and tail of
//! the two texts are found with a block compare and counted in lines
//! without splitting them, so only the lines between are diffed (an edit of
//! a 200,000-line file diffs a few lines). Those go through imara-diff's
//! Myers diff, with git's cost heuristics and its preprocessing (lines
//! found on one side only are set aside first): near-linear on real edits
//! and bounded on pathological ones (re-indenting 40,000 lines of a
//! 200,000-line file, changing every tenth line, reversing the file), where
//! a plain Myers diff is quadratic. (imara-diff's histogram diff is
//! quadratic when every tenth line changes.) A large middle (a reformat)
//! is diffed as tokens: the committed lines' tokens are computed once per
//! committed text (`LineIndex`), the buffer's lines are hashed and looked
//! up, and a line found only in the buffer needs no token of its own.
//!
//! Lines compare without a trailing `\r` and the first without a BOM, as
//! an editor may have converted either.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::ops::Range;
use std::sync::OnceLock;

use foldhash::fast::FixedState;
use imara_diff::intern::{Interner, Token};
use imara_diff::{diff_with_tokens, Algorithm};

/// In a map: the buffer line is not a committed line.
pub const NO_LINE: u32 = u32::MAX;

/// A middle of more lines than this (on either side) is diffed as tokens of
/// a `LineIndex`; a smaller one is split and interned on the spot.
const INDEXED_MIDDLE: usize = 4096;

/// Line hashes: one fixed seed, so an index and a buffer agree.
const HASHER: FixedState = FixedState::with_seed(0x6769_7469_6e73_7063);

fn line_hash(line: &str) -> u64 {
    HASHER.hash_one(line.as_bytes())
}

/// A cheaper fingerprint of a line: its length and its first and last 8
/// bytes. Most lines of a large edit (a reformat) are not committed lines,
/// and this tells most of them apart without reading them whole.
fn quick_key(line: &str) -> u64 {
    let bytes = line.as_bytes();
    let word = |part: &[u8]| {
        let mut w = [0u8; 8];
        for (d, s) in w.iter_mut().zip(part) {
            *d = *s;
        }
        u64::from_le_bytes(w)
    };
    let tail = bytes
        .get(bytes.len().saturating_sub(8)..)
        .unwrap_or_default();
    HASHER.hash_one((bytes.len(), word(bytes), word(tail)))
}

/// The lengths of the longest common prefix and (after it) suffix of `a` and `b`.
pub fn common_ends<T: PartialEq>(a: &[T], b: &[T]) -> (usize, usize) {
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a_rest, b_rest) = (
        a.get(head..).unwrap_or_default(),
        b.get(head..).unwrap_or_default(),
    );
    let tail = a_rest
        .iter()
        .rev()
        .zip(b_rest.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    (head, tail)
}

/// `items` without its first `head` and last `tail` items.
pub fn middle<T>(items: &[T], head: usize, tail: usize) -> &[T] {
    items
        .get(head..items.len().saturating_sub(tail).max(head))
        .unwrap_or_default()
}

/// For each buffer line, the index of the committed line it is, if unchanged.
pub fn map_lines(committed: &[&str], buffer: &[&str]) -> Vec<Option<u32>> {
    if committed == buffer {
        return (0..buffer.len() as u32).map(Some).collect();
    }
    // Most edits touch a few lines: the common head and tail are compared
    // once, and only the middle is diffed.
    let (head, tail) = common_ends(committed, buffer);
    let (old_middle, new_middle) = (middle(committed, head, tail), middle(buffer, head, tail));
    let mut interner = Interner::new(old_middle.len() + new_middle.len());
    let before: Vec<_> = old_middle.iter().map(|l| interner.intern(*l)).collect();
    let after: Vec<_> = new_middle.iter().map(|l| interner.intern(*l)).collect();
    let mut mapped = vec![None; buffer.len()];
    for (i, slot) in mapped.iter_mut().enumerate().take(head) {
        *slot = Some(i as u32);
    }
    let shift = committed.len() as i64 - buffer.len() as i64;
    for (j, slot) in mapped.iter_mut().enumerate().skip(buffer.len() - tail) {
        *slot = Some((j as i64 + shift) as u32);
    }
    // Changes come in order; the lines between two changes are equal.
    let (mut old, mut new) = (head as u32, head as u32);
    let mut keep_equal = |old_end: u32, new_end: u32, old: u32, new: u32| {
        for (k, slot) in mapped
            .iter_mut()
            .enumerate()
            .take(new_end as usize)
            .skip(new as usize)
        {
            *slot = Some(old + (k as u32 - new));
        }
        debug_assert_eq!(old_end - old, new_end - new);
    };
    let offset = head as u32;
    let sink = |before: Range<u32>, after: Range<u32>| {
        keep_equal(before.start + offset, after.start + offset, old, new);
        old = before.end + offset;
        new = after.end + offset;
    };
    diff_with_tokens(
        Algorithm::Myers,
        &before,
        &after,
        interner.num_tokens(),
        sink,
    );
    keep_equal(
        (committed.len() - tail) as u32,
        (buffer.len() - tail) as u32,
        old,
        new,
    );
    mapped
}

/// The committed side of a map, prepared once per committed text: a token
/// per line (equal lines, equal tokens) and where each line starts, to
/// check a kept line against the buffer's.
#[derive(Debug, Default)]
pub struct LineIndex {
    tokens: Vec<Token>,
    by_hash: HashMap<u64, u32, FixedState>,
    /// Per token, the first line that has it.
    first: Vec<u32>,
    starts: Vec<usize>,
    /// A bit per line's `quick_key` (some bits of it): most lines of a
    /// large edit are not committed lines, and one bit says so sooner than
    /// hashing the line and looking it up.
    present: Vec<u64>,
}

impl LineIndex {
    fn new(text: &str, count: usize) -> LineIndex {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut index = LineIndex {
            tokens: Vec::with_capacity(count),
            by_hash: HashMap::with_capacity_and_hasher(count, HASHER),
            first: Vec::new(),
            starts: Vec::with_capacity(count),
            present: vec![0; (count * 16).next_power_of_two().max(64) / 64],
        };
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', text.as_bytes()).chain([text.len()]) {
            if index.tokens.len() == count {
                break;
            }
            index.add(start, text.get(start..end).unwrap_or_default());
            start = end + 1;
        }
        index
    }

    fn add(&mut self, start: usize, line: &str) {
        let next = self.by_hash.len() as u32;
        let line = without_cr(line);
        let hash = line_hash(line);
        let token = *self.by_hash.entry(hash).or_insert(next);
        if token == next {
            self.first.push(self.tokens.len() as u32);
        }
        let (word, bit) = self.bit(quick_key(line));
        if let Some(w) = self.present.get_mut(word) {
            *w |= bit;
        }
        self.tokens.push(Token(token));
        self.starts.push(start);
    }

    /// Where `key` has its bit in `present`.
    fn bit(&self, key: u64) -> (usize, u64) {
        let bits = (self.present.len() * 64) as u64;
        let at = (key >> 24) & (bits - 1);
        ((at / 64) as usize, 1 << (at % 64))
    }

    /// The token of a committed line equal to `line` (or with its hash),
    /// `text` being the committed text. `cursor` is the committed line after
    /// the last one found: a reformat keeps most lines in order, and the
    /// next line or the one after it is compared before the map is looked
    /// up (a random access into megabytes).
    fn token(&self, text: &str, line: &str, cursor: &mut usize) -> Found {
        for at in [*cursor, *cursor + 1] {
            if let Some(t) = self.tokens.get(at).filter(|_| self.line(text, at) == line) {
                *cursor = at + 1;
                return Found::InOrder(t.0, at as u32);
            }
        }
        let (word, bit) = self.bit(quick_key(line));
        if self.present.get(word).is_none_or(|w| w & bit == 0) {
            return Found::Not;
        }
        let Some(token) = self.by_hash.get(&line_hash(line)).copied() else {
            return Found::Not;
        };
        if let Some(&first) = self.first.get(token as usize) {
            // a line found once ahead: the edit skipped to it
            *cursor = (*cursor).max(first as usize + 1);
        }
        Found::Elsewhere(token)
    }

    /// Line `i` of `text` (the text the index was built from), without `\r`.
    fn line<'t>(&self, text: &'t str, i: usize) -> &'t str {
        let start = self.starts.get(i).copied().unwrap_or(usize::MAX);
        let end = self
            .starts
            .get(i + 1)
            .map_or(text.len(), |next| next.saturating_sub(1));
        without_cr(text.get(start..end).unwrap_or_default())
    }
}

/// A buffer line's committed token, if any: at the committed line after
/// the previous one found (or the one after it), or elsewhere.
enum Found {
    Not,
    InOrder(u32, u32),
    Elsewhere(u32),
}

/// The committed text a buffer is mapped against: `count` lines joined by
/// `\n`, and the place its `LineIndex` is kept once built.
pub struct Committed<'a> {
    pub text: &'a str,
    pub count: usize,
    pub index: &'a OnceLock<LineIndex>,
}

impl Committed<'_> {
    /// Builds the index now if a large edit would need it: called in the
    /// background when a large file's blame is loaded, so that its first
    /// reformat doesn't pay for it.
    pub fn prepare(&self) {
        if self.count > INDEXED_MIDDLE {
            self.index();
        }
    }

    /// What its index takes in memory, built or not (for the cache's budget).
    pub fn index_bytes(&self) -> usize {
        if self.count > INDEXED_MIDDLE {
            // a token, a start, a map entry (with its share of the table)
            // and a first line, 2 bytes of bits
            self.count * (4 + 8 + 20 + 4 + 2)
        } else {
            0
        }
    }

    fn index(&self) -> &LineIndex {
        self.index
            .get_or_init(|| LineIndex::new(self.text, self.count))
    }
}

/// For each line of `buffer` (an editor's text: lines end in `\n`, the last
/// one may not), the committed line it is, `NO_LINE` if none.
pub fn map_text(committed: &Committed<'_>, buffer: &str) -> Vec<u32> {
    let bom = |t: &'_ str| t.len() - t.strip_prefix('\u{feff}').map_or(t.len(), str::len);
    // Both texts as lines joined by `\n` (the index counts its lines from
    // the committed text's start: `skip` is its BOM).
    let skip = bom(committed.text);
    let c = committed.text.get(skip..).unwrap_or_default();
    let b = buffer.strip_prefix('\u{feff}').unwrap_or(buffer);
    if committed.count == 0 || b.is_empty() {
        return vec![NO_LINE; line_count(b)];
    }
    let b = b.strip_suffix('\n').unwrap_or(b);
    if c == b {
        return (0..committed.count as u32).collect();
    }
    // The whole lines both texts start with...
    let prefix = common_prefix(c.as_bytes(), b.as_bytes());
    let head_end =
        memchr::memrchr(b'\n', c.as_bytes().get(..prefix).unwrap_or_default()).map_or(0, |i| i + 1);
    let head = memchr::memchr_iter(b'\n', c.as_bytes().get(..head_end).unwrap_or_default()).count();
    let (c_rest, b_rest) = (
        c.get(head_end..).unwrap_or_default(),
        b.get(head_end..).unwrap_or_default(),
    );
    // ...and end with: the lines that start inside the common suffix on
    // both sides (`Some(0)`: at its start; else after its first `\n`).
    let suffix = common_suffix(c_rest.as_bytes(), b_rest.as_bytes());
    let (c_at, b_at) = (c_rest.len() - suffix, b_rest.len() - suffix);
    let common = c_rest.as_bytes().get(c_at..).unwrap_or_default();
    let line_start = |rest: &str, at: usize| at == 0 || rest.as_bytes().get(at - 1) == Some(&b'\n');
    let tail_start = if line_start(c_rest, c_at) && line_start(b_rest, b_at) {
        Some(0)
    } else {
        memchr::memchr(b'\n', common).map(|i| i + 1)
    };
    let tail = tail_start.map_or(0, |t| {
        usize::from(t == 0) + memchr::memchr_iter(b'\n', common).count()
    });
    let (old_middle, new_middle) = (
        middle_text(c_rest, c_at, tail_start),
        middle_text(b_rest, b_at, tail_start),
    );
    let old_count = committed.count.saturating_sub(head + tail);
    debug_assert_eq!(old_count, count_lines(old_middle));
    // (lines are 30-40 bytes: counting the buffer's middle would cost as much)
    let large = old_count > INDEXED_MIDDLE || new_middle.map_or(0, str::len) > INDEXED_MIDDLE * 32;
    let capacity = head + tail + new_middle.map_or(0, |m| m.len() / 24 + 1);
    let mut mapped: Vec<u32> = Vec::with_capacity(capacity);
    mapped.extend(0..head as u32);
    let offset = head as u32;
    if !large || !map_in_order(committed, head, old_count, new_middle, &mut mapped) {
        let kept = if large {
            map_indexed(committed, head, old_count, new_middle)
        } else {
            map_lines(&split(old_middle), &split(new_middle))
        };
        mapped.extend(kept.into_iter().map(|k| k.map_or(NO_LINE, |i| i + offset)));
    }
    let tail_from = (head + old_count) as u32;
    mapped.extend(tail_from..tail_from + tail as u32);
    mapped
}

/// The buffer's `middle` against committed lines `[head, head + old_count)`
/// when every line found among them is found in order (each the next
/// committed line, or the one after it): that is already a map, as good as
/// a diff's, each line compared with its committed line. Appends it to
/// `mapped` and says so; else leaves `mapped` as it was (a line was moved,
/// or is a copy of another: the diff decides).
fn map_in_order(
    committed: &Committed<'_>,
    head: usize,
    old_count: usize,
    middle: Option<&str>,
    mapped: &mut Vec<u32>,
) -> bool {
    let index = committed.index();
    let text = committed
        .text
        .strip_prefix('\u{feff}')
        .unwrap_or(committed.text);
    let start = mapped.len();
    let mut cursor = head;
    let Some(middle) = middle else {
        return true;
    };
    let mut line_start = 0;
    for end in memchr::memchr_iter(b'\n', middle.as_bytes()).chain([middle.len()]) {
        let line = without_cr(middle.get(line_start..end).unwrap_or_default());
        line_start = end + 1;
        match index.token(text, line, &mut cursor) {
            Found::Not => mapped.push(NO_LINE),
            // (not past the middle: the lines after it are the tail's)
            Found::InOrder(_, at) if (at as usize) < head + old_count => mapped.push(at),
            Found::InOrder(..) | Found::Elsewhere(_) => {
                mapped.truncate(start);
                return false;
            }
        }
    }
    true
}

/// The buffer's `middle` against committed lines `[head, head + old_count)`,
/// diffed as tokens of the committed text's index; a kept line is checked
/// against the committed one (a hash is not the text).
fn map_indexed(
    committed: &Committed<'_>,
    head: usize,
    old_count: usize,
    middle: Option<&str>,
) -> Vec<Option<u32>> {
    let index = committed.index();
    let before = index.tokens.get(head..head + old_count).unwrap_or_default();
    // A line the committed text doesn't have matches nothing: one token for
    // all. Lines are hashed as they are found, not split first.
    let absent = index.by_hash.len() as u32;
    let capacity = middle.map_or(0, |m| m.len() / 32);
    let (mut after, mut buffer) = (Vec::with_capacity(capacity), Vec::with_capacity(capacity));
    let text = committed
        .text
        .strip_prefix('\u{feff}')
        .unwrap_or(committed.text);
    let mut cursor = head;
    for_each_line(middle, |line| {
        let token = match index.token(text, line, &mut cursor) {
            Found::Not => absent,
            Found::InOrder(token, _) | Found::Elsewhere(token) => token,
        };
        after.push(Token(token));
        buffer.push(line);
    });
    let mut mapped = vec![None; after.len()];
    let same = |i: u32, j: u32| {
        buffer
            .get(j as usize)
            .is_some_and(|b| *b == index.line(text, head + i as usize))
    };
    let (mut old, mut new) = (0u32, 0u32);
    let mut keep = |old: u32, new: u32, new_end: u32| {
        for (j, slot) in (new..new_end).zip(
            mapped
                .get_mut(new as usize..new_end as usize)
                .unwrap_or_default(),
        ) {
            let i = old + (j - new);
            *slot = same(i, j).then_some(i);
        }
    };
    diff_with_tokens(
        Algorithm::Myers,
        before,
        &after,
        absent + 1,
        |removed: Range<u32>, added: Range<u32>| {
            keep(old, new, added.start);
            old = removed.end;
            new = added.end;
        },
    );
    keep(old, new, buffer.len() as u32);
    mapped
}

/// The text of the lines of `rest` before its tail, which starts
/// `tail_start` bytes after `at` (`None`: no tail; returned `None`: no line).
fn middle_text(rest: &str, at: usize, tail_start: Option<usize>) -> Option<&str> {
    match tail_start {
        None => Some(rest),
        Some(0) if at == 0 => None,
        // without the `\n` that ends the middle
        Some(t) => rest.get(..at + t - 1),
    }
}

fn count_lines(middle: Option<&str>) -> usize {
    middle.map_or(0, |m| memchr::memchr_iter(b'\n', m.as_bytes()).count() + 1)
}

/// The lines of a middle, without `\r`.
fn split(middle: Option<&str>) -> Vec<&str> {
    let mut lines = Vec::with_capacity(middle.map_or(0, |m| m.len() / 32 + 1));
    for_each_line(middle, |line| lines.push(line));
    lines
}

/// Calls `f` with each line of a middle, without `\r`.
fn for_each_line<'t>(middle: Option<&'t str>, mut f: impl FnMut(&'t str)) {
    let Some(text) = middle else {
        return;
    };
    let mut start = 0;
    // '\n' is one byte in UTF-8: every cut is at a character boundary.
    for end in memchr::memchr_iter(b'\n', text.as_bytes()) {
        f(without_cr(text.get(start..end).unwrap_or_default()));
        start = end + 1;
    }
    f(without_cr(text.get(start..).unwrap_or_default()));
}

/// The number of lines of an editor's text.
fn line_count(text: &str) -> usize {
    if text.is_empty() {
        return 0;
    }
    let body = text.strip_suffix('\n').unwrap_or(text);
    memchr::memchr_iter(b'\n', body.as_bytes()).count() + 1
}

fn without_cr(line: &str) -> &str {
    line.strip_suffix('\r').unwrap_or(line)
}

/// Compares in blocks (a vectorized compare each), then byte by byte in the
/// block that differs.
const BLOCK: usize = 256;

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let mut n = 0;
    for (x, y) in a.chunks(BLOCK).zip(b.chunks(BLOCK)) {
        if x == y {
            n += x.len();
        } else {
            return n + x.iter().zip(y).take_while(|(p, q)| p == q).count();
        }
    }
    n
}

fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let mut n = 0;
    for (x, y) in a.rchunks(BLOCK).zip(b.rchunks(BLOCK)) {
        if x == y && x.len() == BLOCK {
            n += BLOCK;
        } else {
            return n + x
                .iter()
                .rev()
                .zip(y.iter().rev())
                .take_while(|(p, q)| p == q)
                .count();
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use super::{map_lines, map_text, Committed, NO_LINE};

    /// `map_text` of committed `lines` (joined as the committed text is)
    /// onto the editor text `buffer`, as `Option`s.
    fn map(lines: &[&str], buffer: &str) -> Vec<Option<u32>> {
        let text = lines.join("\n");
        let index = OnceLock::new();
        let committed = Committed {
            text: &text,
            count: lines.len(),
            index: &index,
        };
        map_text(&committed, buffer)
            .into_iter()
            .map(|m| (m != NO_LINE).then_some(m))
            .collect()
    }

    #[test]
    fn texts_map_whatever_the_last_newline_bom_and_cr() {
        let lines = ["\u{feff}a\r", "b\r", "c\r"];
        assert_eq!(map(&lines, "a\nb\nc\n"), [Some(0), Some(1), Some(2)]);
        assert_eq!(map(&lines, "a\r\nb\r\nc"), [Some(0), Some(1), Some(2)]);
        assert_eq!(map(&["a", "b"], "a\nb\n\n"), [Some(0), Some(1), None]);
        assert_eq!(map(&["a", ""], "a\n\n"), [Some(0), Some(1)]);
        assert_eq!(map(&["a", "b"], "\n"), [None]);
        assert_eq!(map(&["a", "b"], ""), Vec::<Option<u32>>::new());
        assert_eq!(map(&[], "x\ny"), [None, None]);
        assert_eq!(map(&["a", "b", "b"], "a\nb\n"), [Some(0), Some(2)]);
        assert_eq!(map(&["ab", "x"], "abx\nx"), [None, Some(1)]);
        assert_eq!(map(&["x", "ab"], "x\nb"), [Some(0), None]);
    }

    /// Large edits (the middle diffed as tokens of the committed index):
    /// reformats keep exactly the lines they didn't touch, a CRLF buffer
    /// keeps every line, and a moved block keeps its place in order.
    #[test]
    fn large_edits_keep_the_untouched_lines() {
        let lines: Vec<String> = (0..20_000)
            .map(|i| format!("value_{i} = f({})", i % 7))
            .collect();
        let committed: Vec<&str> = lines.iter().map(String::as_str).collect();
        let edit = |f: &dyn Fn(usize, &str) -> String| -> String {
            lines.iter().enumerate().map(|(i, l)| f(i, l)).collect()
        };
        let kept = |buffer: &str| map(&committed, buffer);
        let every_third = kept(&edit(&|i, l| {
            if i % 3 == 0 {
                format!("    {l}\n")
            } else {
                format!("{l}\n")
            }
        }));
        for (i, m) in every_third.iter().enumerate() {
            assert_eq!(*m, (i % 3 != 0).then_some(i as u32));
        }
        let crlf = kept(&edit(&|_, l| format!("{l}\r\n")));
        assert_eq!(crlf, (0..20_000).map(Some).collect::<Vec<_>>());
        let all = kept(&edit(&|_, l| format!("  {l}\n")));
        assert!(all.iter().all(Option::is_none));
        // lines 100..200 moved to the end, the first line edited
        let mut moved: Vec<&str> = committed.clone();
        let block: Vec<&str> = moved.drain(100..200).collect();
        moved.extend(block);
        moved[0] = "changed";
        let mapped = kept(&moved.join("\n"));
        assert_eq!(mapped.len(), 20_000);
        assert!(mapped.iter().flatten().count() >= 19_899);
        let mut last = None;
        for (j, m) in mapped.iter().enumerate() {
            if let Some(i) = m {
                assert_eq!(committed[*i as usize], moved[j]);
                assert!(last < Some(*i));
                last = Some(*i);
            }
        }
    }

    /// Lines of the texts the property tests edit: short lines that repeat,
    /// some with CR, some sharing a prefix or suffix with others.
    fn pick(n: u64) -> String {
        match n % 7 {
            0 => format!("line {}", n % 13),
            1 => format!("line {}\r", n % 5),
            2 => format!("    value_{} = f({})", n % 31, n % 3),
            3 => String::new(),
            4 => format!("{}end", "x".repeat((n % 4) as usize)),
            5 => format!("é{}", n % 11),
            _ => format!("unique {n}"),
        }
    }

    /// Whatever the edit, every mapped line is equal to the committed line
    /// it maps to, in order, and the map keeps at least as many lines as the
    /// line-by-line diff: on small and large (indexed) middles.
    #[test]
    fn text_maps_are_equal_lines_in_order() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for round in 0..120 {
            let size = if round % 10 == 0 {
                9000
            } else {
                60 + (next() % 400) as usize
            };
            let committed: Vec<String> = (0..size).map(|_| pick(next())).collect();
            let mut buffer = committed.clone();
            let edits = if round % 20 == 0 {
                size
            } else {
                (next() % 12) as usize
            };
            for _ in 0..edits {
                let at = (next() as usize) % (buffer.len() + 1);
                match next() % 4 {
                    0 if at < buffer.len() => {
                        buffer.remove(at);
                    }
                    1 if at < buffer.len() => {
                        if let Some(line) = buffer.get_mut(at) {
                            line.insert(0, ' ');
                        }
                    }
                    _ => buffer.insert(at, pick(next())),
                }
            }
            let committed: Vec<&str> = committed.iter().map(String::as_str).collect();
            let mut text = buffer.join("\n");
            if next() % 2 == 0 {
                text.push('\n');
            }
            let mapped = map(&committed, &text);
            let strip = |l: &str| l.strip_suffix('\r').unwrap_or(l).to_owned();
            let buffer_lines: Vec<String> = if text.is_empty() {
                vec![]
            } else {
                text.strip_suffix('\n')
                    .unwrap_or(&text)
                    .split('\n')
                    .map(strip)
                    .collect()
            };
            assert_eq!(mapped.len(), buffer_lines.len(), "round {round}");
            let mut last = None;
            for (j, m) in mapped.iter().enumerate() {
                if let Some(i) = m {
                    assert_eq!(
                        strip(committed[*i as usize]),
                        buffer_lines[j],
                        "round {round}"
                    );
                    assert!(last < Some(*i), "round {round}");
                    last = Some(*i);
                }
            }
            let plain: Vec<String> = committed.iter().map(|l| strip(l)).collect();
            let plain: Vec<&str> = plain.iter().map(String::as_str).collect();
            let lines: Vec<&str> = buffer_lines.iter().map(String::as_str).collect();
            let reference = map_lines(&plain, &lines).iter().flatten().count();
            let kept = mapped.iter().flatten().count();
            assert!(
                kept * 100 >= reference * 99,
                "round {round}: {kept} < {reference}"
            );
        }
    }

    #[test]
    fn edited_and_inserted_lines_lose_their_commit() {
        let committed = ["a", "b", "c", "d"];
        let buffer = ["a", "B", "c", "new", "d"];
        assert_eq!(
            map_lines(&committed, &buffer),
            vec![Some(0), None, Some(2), None, Some(3)]
        );
    }

    #[test]
    fn deletions_shift_the_following_lines() {
        assert_eq!(
            map_lines(&["a", "b", "c"], &["a", "c"]),
            vec![Some(0), Some(2)]
        );
        assert_eq!(map_lines(&[], &["x"]), vec![None]);
        assert_eq!(map_lines(&["x"], &[]), Vec::<Option<u32>>::new());
    }

    /// Every mapped line is equal to the committed line it maps to, and the
    /// mapping keeps order: whatever the edit, blame never lands on a line
    /// that says something else.
    #[test]
    fn mappings_are_equal_lines_in_order() {
        let committed: Vec<String> = (0..3000).map(|i| format!("line {}", i % 97)).collect();
        let committed: Vec<&str> = committed.iter().map(String::as_str).collect();
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let extra: Vec<String> = (0..200).map(|i| format!("new {i}")).collect();
        for _ in 0..50 {
            let mut buffer = committed.clone();
            for _ in 0..(next() % 40) {
                let at = (next() as usize) % (buffer.len() + 1);
                match next() % 3 {
                    0 if at < buffer.len() => {
                        buffer.remove(at);
                    }
                    1 => buffer.insert(at, &extra[(next() % 200) as usize]),
                    _ => buffer.insert(at, committed[(next() % 3000) as usize]),
                }
            }
            let mapped = map_lines(&committed, &buffer);
            assert_eq!(mapped.len(), buffer.len());
            let mut last = None;
            for (j, m) in mapped.iter().enumerate() {
                if let Some(i) = m {
                    assert_eq!(committed[*i as usize], buffer[j]);
                    assert!(last < Some(*i));
                    last = Some(*i);
                }
            }
        }
    }
}
