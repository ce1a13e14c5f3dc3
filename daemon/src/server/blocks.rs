//! Top-level blocks for block lenses when the editor supplies none. Common
//! languages are parsed with tree-sitter: top-level definitions, and the
//! members of classes, impls, traits and modules. Other files use an
//! indentation rule: a block starts at an unindented line followed by
//! indented lines and ends before the next unindented line that does not
//! close it. Decorators, attributes and the comments right above a block
//! (its doc comment) belong to it, so its lens goes above them, never
//! between them and the item. Every block is found, however short: which
//! get a lens (`codeLens.minBlockLines`, no imports) is the lens's rule.
//!
//! Code being typed often does not parse, and tree-sitter's error recovery
//! can then end a function early, swallow the rest of the file or split a
//! decorator from its item. Such a text is parsed again with the lines
//! being typed blanked out (found from the errors and the brackets left
//! open), so that the lenses stay where they were; what errors remain is
//! read with care (see `Walk`).

use std::path::Path;

use tree_sitter::{InputEdit, Language, Node, Parser, Point, Tree};

use super::documents::Block;

/// Blocks of a document, by its LSP language id or else its file extension.
pub fn detect(text: &str, language_id: Option<&str>, path: &Path) -> Vec<Block> {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    match grammar(language_id.unwrap_or(""), extension) {
        Some(language) => parse(text, &language).unwrap_or_else(|| by_indentation(text)),
        None => by_indentation(text),
    }
}

fn grammar(language_id: &str, extension: &str) -> Option<Language> {
    let language = match (language_id, extension) {
        ("python", _) | (_, "py" | "pyi") => tree_sitter_python::LANGUAGE,
        ("rust", _) | (_, "rs") => tree_sitter_rust::LANGUAGE,
        ("javascript" | "javascriptreact", _) | (_, "js" | "mjs" | "cjs" | "jsx") => {
            tree_sitter_javascript::LANGUAGE
        }
        ("typescript", _) | (_, "ts" | "mts" | "cts") => {
            tree_sitter_typescript::LANGUAGE_TYPESCRIPT
        }
        ("typescriptreact", _) | (_, "tsx") => tree_sitter_typescript::LANGUAGE_TSX,
        ("go", _) | (_, "go") => tree_sitter_go::LANGUAGE,
        ("c", _) | (_, "c" | "h") => tree_sitter_c::LANGUAGE,
        ("java", _) | (_, "java") => tree_sitter_java::LANGUAGE,
        _ => return None,
    };
    Some(language.into())
}

/// Node kinds whose members get lenses of their own.
const CONTAINERS: [&str; 9] = [
    "class_definition",
    "class_declaration",
    "interface_declaration",
    "impl_item",
    "trait_item",
    "mod_item",
    "decorated_definition",
    "export_statement",
    "abstract_class_declaration",
];

fn parse(text: &str, language: &Language) -> Option<Vec<Block>> {
    let mut parser = Parser::new();
    parser.set_language(language).ok()?;
    let tree = parser.parse(text, None)?;
    // The lines being typed blanked out (their bytes turned to spaces:
    // every position stays) when the code does not parse.
    let repaired = if tree.root_node().has_error() {
        repair(&mut parser, text, &tree)
    } else {
        None
    };
    let (text, tree, blanked) = match &repaired {
        Some(r) => (r.text.as_str(), &r.tree, r.blanked.as_slice()),
        None => (text, &tree, &[][..]),
    };
    let walk = Walk {
        source: text.as_bytes(),
        lines: super::documents::split_lines(text),
        damaged: tree.root_node().has_error(),
        blanked,
    };
    let mut blocks = Vec::new();
    walk.collect(tree.root_node(), 0, 0, &mut blocks);
    blocks.sort_by_key(|b| b.start_line);
    Some(blocks)
}

/// A document that does not parse is parsed again at most this many times
/// over, each time with the best of a few lines blanked out.
const REPAIRS: usize = 3;

/// At most this many lines are blanked out at once: more is no longer what
/// the user is in the middle of typing.
const MAX_BLANKED: usize = 3;

/// Lines before an error tried, and tokens looked at to find them.
const LOOK_BACK_LINES: usize = 2;
const LOOK_BACK_TOKENS: usize = 64;

/// ERROR nodes looked into for definitions, one inside another, at most.
const MAX_ERROR_NESTING: usize = 4;

/// Brackets left open tried, at most.
const MAX_UNBALANCED: usize = 8;

/// Parsing again is bounded: this many bytes in all, at most so many
/// parses (each is incremental: most of the tree is reused), and not at all
/// when fewer than two fit (a file over half a megabyte).
const PARSE_BUDGET: usize = 1 << 20;
const MAX_PARSES: usize = 16;

/// A text with the lines being typed blanked out, its tree, and those lines
/// (sorted).
struct Repaired {
    text: String,
    tree: Tree,
    blanked: Vec<usize>,
}

/// The text with the lines being typed blanked out, when that spoils less
/// of the tree. The lines tried: those of brackets left open (or closed
/// twice), first those within what the worst error spoils (both say
/// something is wrong there), then those around the first error and the
/// worst one. The one that spoils the least wins, then the one that blanks
/// the fewest lines, then the one tried first. `None` when nothing helps
/// (the blocks are then read off the tree as it is).
fn repair(parser: &mut Parser, text: &str, tree: &Tree) -> Option<Repaired> {
    let mut parses = (PARSE_BUDGET / text.len().max(1)).min(MAX_PARSES);
    if parses < 2 {
        return None;
    }
    let mut best: Option<Repaired> = None;
    let mut damage = Damage::of(tree.root_node());
    for _ in 0..REPAIRS {
        if damage.errors == 0 || parses == 0 {
            break;
        }
        let (current, current_tree, blanked) = match &best {
            Some(r) => (r.text.as_str(), &r.tree, r.blanked.as_slice()),
            None => (text, tree, &[][..]),
        };
        let root = current_tree.root_node();
        let found = errors(root);
        let tokens = tokens(root);
        // Brackets left open where the worst error is, first: both say so.
        let unbalanced = unbalanced_lines(&tokens, current.as_bytes());
        let near_errors: Vec<Vec<usize>> = [&found.first, &found.worst]
            .into_iter()
            .flatten()
            .flat_map(|(error, spoiled)| lines_to_try(*error, spoiled, &tokens))
            .collect();
        let mut candidates: Vec<Vec<usize>> = unbalanced
            .iter()
            .filter(|row| found.worst.as_ref().is_some_and(|(_, w)| w.contains(row)))
            .map(|&row| vec![row])
            .collect();
        candidates.extend(unbalanced.iter().take(MAX_UNBALANCED).map(|&row| vec![row]));
        if (2..=MAX_BLANKED).contains(&unbalanced.len()) {
            candidates.push(unbalanced);
        }
        candidates.extend(near_errors);
        let mut tried = std::collections::HashSet::new();
        // The best so far, with its damage and how many lines it blanks.
        let mut improved: Option<(Repaired, (Damage, usize))> = None;
        for lines in candidates {
            if lines.is_empty() || lines.len() > MAX_BLANKED || !tried.insert(lines.clone()) {
                continue;
            }
            if parses == 0 {
                break;
            }
            parses -= 1;
            let (candidate, edits) = blank_lines(current, &lines);
            let mut old = current_tree.clone();
            for edit in &edits {
                old.edit(edit);
            }
            let Some(candidate_tree) = parser.parse(&candidate, Some(&old)) else {
                continue;
            };
            let left = Damage::of(candidate_tree.root_node());
            let key = (left, lines.len());
            let better = match &improved {
                Some((_, best_key)) => key < *best_key,
                None => left < damage,
            };
            if better {
                let repaired = Repaired {
                    text: candidate,
                    tree: candidate_tree,
                    blanked: lines,
                };
                improved = Some((repaired, key));
                if key == (Damage::default(), 1) {
                    break; // nothing does better
                }
            }
        }
        let Some((mut repaired, (left, _))) = improved else {
            break;
        };
        damage = left;
        repaired.blanked.extend_from_slice(blanked);
        repaired.blanked.sort_unstable();
        repaired.blanked.dedup();
        best = Some(repaired);
    }
    best
}

/// How much of a tree errors spoil: the lines of each ERROR node, and for a
/// MISSING node the lines of the node it is missing from (a `}` missing at
/// the end of the file spoils all from its `{`); then how many errors.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
struct Damage {
    lines: usize,
    errors: usize,
}

/// The errors of a tree: its damage, the first error (in the order of the
/// text) small enough to be what is being typed, else the first, and the
/// error that spoils the most; each with the lines it spoils.
struct Errors<'t> {
    damage: Damage,
    first: Option<(Node<'t>, Lines)>,
    worst: Option<(Node<'t>, Lines)>,
}

type Lines = std::ops::RangeInclusive<usize>;

fn errors(root: Node<'_>) -> Errors<'_> {
    let mut found = Errors {
        damage: Damage::default(),
        first: None,
        worst: None,
    };
    let mut first_large = None;
    for_each_error(root, |error, spoiled| {
        found.damage.add(&spoiled);
        if found.first.is_none() {
            let (first, last) = token_rows(error);
            if last < first + MAX_BLANKED {
                found.first = Some((error, spoiled.clone()));
            } else if first_large.is_none() {
                first_large = Some((error, spoiled.clone()));
            }
        }
        if count(&spoiled) > found.worst.as_ref().map_or(0, |(_, w)| count(w)) {
            found.worst = Some((error, spoiled));
        }
    });
    found.first = found.first.or(first_large);
    found
}

impl Damage {
    fn of(root: Node<'_>) -> Damage {
        let mut damage = Damage::default();
        for_each_error(root, |_, spoiled| damage.add(&spoiled));
        damage
    }

    fn add(&mut self, spoiled: &Lines) {
        self.lines += count(spoiled);
        self.errors += 1;
    }
}

fn count(lines: &Lines) -> usize {
    (lines.end() + 1).saturating_sub(*lines.start())
}

/// Each ERROR and MISSING node in the order of the text, with the lines it
/// spoils. (Parents are kept on the way down: asking a node for its parent
/// walks down from the root, too slow in a deep tree.)
fn for_each_error<'t>(root: Node<'t>, mut visit: impl FnMut(Node<'t>, Lines)) {
    let mut stack = vec![(root, root)];
    while let Some((node, parent)) = stack.pop() {
        if node.is_error() || node.is_missing() {
            let spoiled = if node.is_missing() { parent } else { node };
            visit(
                node,
                spoiled.start_position().row..=last_line(spoiled) as usize,
            );
        }
        if node.has_error() {
            let mut cursor = node.walk();
            let children: Vec<(Node<'t>, Node<'t>)> =
                node.children(&mut cursor).map(|c| (c, node)).collect();
            stack.extend(children.into_iter().rev());
        }
    }
}

/// The first and last line of the tokens of a node (of the node itself when
/// it has none).
fn token_rows(node: Node<'_>) -> (usize, usize) {
    let tokens = leaves(node);
    let first = tokens
        .first()
        .map_or(node.start_position().row, |t| t.start_position().row);
    let last = tokens.last().map_or(last_line(node), |t| last_line(*t)) as usize;
    (first, last.max(first))
}

/// The tokens of `root` (its leaves), in order.
fn leaves(root: Node<'_>) -> Vec<Node<'_>> {
    tokens(root).into_iter().map(|t| t.node).collect()
}

/// A token, and what owns it: its parent (a block, arguments) and that
/// one's parent (the `if`, the call, the function), unless error recovery
/// made them.
struct Token<'t> {
    node: Node<'t>,
    owner: Option<Node<'t>>,
}

/// The tokens of `root`, in order, each with its owner.
fn tokens(root: Node<'_>) -> Vec<Token<'_>> {
    let mut found = Vec::new();
    let mut cursor = root.walk();
    // The nodes from `root` down to the cursor's parent.
    let mut path: Vec<Node<'_>> = Vec::new();
    loop {
        let node = cursor.node();
        if cursor.goto_first_child() {
            path.push(node);
            continue;
        }
        let mut ancestors = path.iter().rev().copied();
        let owner = match (ancestors.next(), ancestors.next()) {
            (Some(parent), _) if parent.is_error() => None,
            (Some(_), Some(grandparent)) if !grandparent.is_error() => Some(grandparent),
            (parent, _) => parent,
        };
        found.push(Token { node, owner });
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return found;
            }
            path.pop();
        }
    }
}

/// The width of the indentation of the line a node starts on (tab stops
/// every eight columns, as in code that mixes tabs and spaces), and whether
/// the node is the first thing on that line.
fn indentation(source: &[u8], node: Node<'_>) -> (usize, bool) {
    let column = node.start_position().column;
    let line_start = node.start_byte().saturating_sub(column);
    let line = source.get(line_start..).unwrap_or_default();
    let mut width = 0;
    let mut bytes = 0;
    for &b in line.iter().take_while(|&&b| b == b' ' || b == b'\t') {
        width = if b == b'\t' {
            width / 8 * 8 + 8
        } else {
            width + 1
        };
        bytes += 1;
    }
    (width, bytes == column)
}

/// The lines of brackets that are left open or closed without being open:
/// what the user is typing (`foo(a,`, `if x {`). A closing bracket first on
/// its line closes where the construct that owns the bracket (the `if`, the
/// call, the function) starts: one less indented than that closes an outer
/// bracket (code is indented), and the inner one is the one left open.
fn unbalanced_lines(tokens: &[Token<'_>], source: &[u8]) -> Vec<usize> {
    struct Open {
        closer: &'static str,
        row: usize,
        indent: usize,
    }
    let mut open: Vec<Open> = Vec::new();
    // How many of each bracket are open, to know at once whether a
    // closing one has anything to close.
    let mut open_count = std::collections::HashMap::<&str, usize>::new();
    let mut lines = Vec::new();
    for &Token { node: token, owner } in tokens {
        if token.is_missing() {
            continue;
        }
        let closer = match token.kind() {
            "(" => ")",
            "[" => "]",
            "{" | "${" => "}",
            ")" | "]" | "}" => "",
            _ => continue,
        };
        let row = token.start_position().row;
        let (indent, first_on_line) = indentation(source, token);
        if !closer.is_empty() {
            let indent = owner.map_or(indent, |o| indentation(source, o).0);
            *open_count.entry(closer).or_default() += 1;
            open.push(Open {
                closer,
                row,
                indent,
            });
            continue;
        }
        let kind = token.kind();
        loop {
            let Some(top) = open.last() else {
                lines.push(row);
                break;
            };
            let closes = top.closer == kind && !(first_on_line && indent < top.indent);
            if !closes && top.closer != kind && open_count.get(kind).is_none_or(|&n| n == 0) {
                lines.push(row);
                break;
            }
            if !closes {
                lines.push(top.row);
            }
            if let Some(n) = open_count.get_mut(top.closer) {
                *n = n.saturating_sub(1);
            }
            open.pop();
            if closes {
                break;
            }
        }
    }
    lines.extend(open.iter().map(|o| o.row));
    lines.sort_unstable();
    lines.dedup();
    lines
}

/// Lines to blank out for an error, which the parser often notices a few
/// tokens late: the lines of the tokens before it (inside brackets, a line
/// can go on for a few more), each of its lines, and all of them (of a
/// large ERROR node, its first line); for a MISSING node, also the line
/// where the node it is missing from starts (the `{` left open).
fn lines_to_try(error: Node<'_>, spoiled: &Lines, tokens: &[Token<'_>]) -> Vec<Vec<usize>> {
    let (first, last) = token_rows(error);
    let last = if last < first + MAX_BLANKED {
        last
    } else {
        first
    };
    // The lines of the tokens before it, but for comments.
    let mut before: Vec<usize> = Vec::new();
    let at = tokens.partition_point(|t| t.node.start_byte() < error.start_byte());
    let previous = tokens.get(..at).unwrap_or_default().iter().rev();
    for token in previous.take(LOOK_BACK_TOKENS).map(|t| t.node) {
        let row = token.start_position().row;
        if token.start_byte() == token.end_byte() || token.kind().contains("comment") {
            continue;
        }
        if row < before.last().copied().unwrap_or(first) {
            before.push(row);
            if before.len() == LOOK_BACK_LINES {
                break;
            }
        }
    }
    let mut candidates: Vec<Vec<usize>> = before.iter().map(|&row| vec![row]).collect();
    candidates.extend((first..=last).map(|row| vec![row]));
    if last > first {
        candidates.push((first..=last).collect());
    }
    if error.is_missing() {
        candidates.push(vec![*spoiled.start()]);
    }
    candidates
}

/// `text` with the bytes of `lines` (sorted) turned to spaces: every
/// other byte, and so every position, stays. With the edits that tell the
/// old tree so (for parsing again incrementally).
fn blank_lines(text: &str, lines: &[usize]) -> (String, Vec<InputEdit>) {
    let mut out = String::with_capacity(text.len());
    let mut edits = Vec::new();
    for (row, line) in text.split_inclusive('\n').enumerate() {
        if lines.binary_search(&row).is_err() {
            out.push_str(line);
            continue;
        }
        let content = line.strip_suffix('\n').unwrap_or(line);
        let content = content.strip_suffix('\r').unwrap_or(content);
        let start = out.len();
        out.extend(std::iter::repeat_n(' ', content.len()));
        out.push_str(line.get(content.len()..).unwrap_or_default());
        let end = Point::new(row, content.len());
        edits.push(InputEdit {
            start_byte: start,
            old_end_byte: start + content.len(),
            new_end_byte: start + content.len(),
            start_position: Point::new(row, 0),
            old_end_position: end,
            new_end_position: end,
        });
    }
    (out, edits)
}

/// Reading blocks off a tree. In a tree that still has errors (`damaged`),
/// what error recovery left is read with care: an ERROR node is no block
/// (the definitions in it are), a node that does not start its line is a
/// piece of something else, and a decorator or attribute split from its
/// item is given back to it.
struct Walk<'a> {
    source: &'a [u8],
    lines: Vec<&'a str>,
    damaged: bool,
    /// Lines blanked out: no gap between an item and its doc comment.
    blanked: &'a [usize],
}

impl Walk<'_> {
    /// The blocks among the children of `parent`, inside `errors` ERROR
    /// nodes (only definitions count there).
    fn collect(&self, parent: Node<'_>, depth: usize, errors: usize, blocks: &mut Vec<Block>) {
        let mut cursor = parent.walk();
        let children: Vec<Node<'_>> = parent.named_children(&mut cursor).collect();
        for (k, &node) in children.iter().enumerate() {
            let kind = node.kind();
            if is_prefix_kind(kind)
                || kind.contains("import")
                || kind.contains("include")
                || matches!(kind, "use_declaration" | "extern_crate_declaration")
                || node.is_missing()
            {
                continue;
            }
            if node.is_error() {
                if errors < MAX_ERROR_NESTING {
                    self.collect(node, depth, errors + 1, blocks);
                }
                continue;
            }
            let definition = is_definition(kind);
            if self.damaged && !definition && (errors > 0 || !self.starts_its_line(node)) {
                continue;
            }
            let before = children.get(..k).unwrap_or_default();
            let mut start = start_with_prefix(node, before, self.blanked);
            if self.damaged && definition {
                start = self.over_split_prefix(start);
            }
            let end = last_line(node);
            if depth == 0 || definition {
                blocks.push(Block {
                    start_line: start,
                    end_line: end,
                    name: name_of(node, self.source),
                    kind: kind.to_owned(),
                });
            }
            if depth < 2 && CONTAINERS.contains(&kind) {
                // Members live in the container's body (or its definition, for
                // decorated and exported ones).
                let body = node
                    .child_by_field_name("body")
                    .or_else(|| node.child_by_field_name("definition"))
                    .or_else(|| node.child_by_field_name("declaration"));
                if let Some(body) = body {
                    let inner = if CONTAINERS.contains(&body.kind()) {
                        depth
                    } else {
                        depth + 1
                    };
                    if inner == depth {
                        // A decorated/exported container: look through it once.
                        if let Some(b) = body.child_by_field_name("body") {
                            self.collect(b, depth + 1, 0, blocks);
                        }
                    } else {
                        self.collect(body, inner, 0, blocks);
                    }
                }
            }
        }
    }

    /// Whether only indentation comes before `node` on its first line.
    fn starts_its_line(&self, node: Node<'_>) -> bool {
        let column = node.start_position().column;
        let start = node.start_byte();
        self.source
            .get(start.saturating_sub(column)..start)
            .is_some_and(|before| before.iter().all(|b| b.is_ascii_whitespace()))
    }

    /// `start` moved up over the decorator and attribute lines right above
    /// it, as indented as it: error recovery can leave them out of the item.
    fn over_split_prefix(&self, start: u32) -> u32 {
        let indent = |l: &str| l.len() - l.trim_start().len();
        let Some(item) = self.lines.get(start as usize) else {
            return start;
        };
        let mut start = start as usize;
        while let Some(above) = start.checked_sub(1).and_then(|k| self.lines.get(k)) {
            let t = above.trim_start();
            if indent(above) != indent(item) || !(t.starts_with('@') || t.starts_with("#[")) {
                break;
            }
            start -= 1;
        }
        start as u32
    }
}

/// Node kinds that belong to the item after them: comments (a doc
/// comment), attributes, decorators, annotations.
fn is_prefix_kind(kind: &str) -> bool {
    kind.contains("comment")
        || matches!(
            kind,
            "attribute_item" | "decorator" | "annotation" | "marker_annotation"
        )
}

/// The first line of `node` with the comments and attributes right above
/// it (among `before`, the named siblings before it): contiguous (no
/// blank line between, but for lines `blanked` out), and not sharing their
/// first line with the code before them (a trailing comment belongs to that
/// code).
fn start_with_prefix(node: Node<'_>, before: &[Node<'_>], blanked: &[usize]) -> u32 {
    let mut start = node.start_position().row as u32;
    // The named siblings before `node`, nearest first (asking a node for
    // its previous sibling goes through all of them: quadratic).
    let mut previous = before.iter().rev().copied().peekable();
    while let Some(prev) = previous.next() {
        let gap = last_line(prev) + 1..start;
        if !is_prefix_kind(prev.kind())
            || gap
                .into_iter()
                .any(|row| blanked.binary_search(&(row as usize)).is_err())
        {
            break;
        }
        let prev_start = prev.start_position().row as u32;
        let shares_line = previous.peek().is_some_and(|code| {
            !is_prefix_kind(code.kind()) && code.end_position().row as u32 >= prev_start
        });
        if shares_line {
            break;
        }
        start = start.min(prev_start);
    }
    start
}

/// A line that belongs to the item below it: an attribute, a decorator or
/// annotation, or a comment (`//`, `///`, `/* … */`, `# …`, `--`).
pub fn is_prefix_line(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("#[")
        || t.starts_with('@')
        || t.starts_with("//")
        || t.starts_with("/*")
        || t.starts_with('*')
        || t.starts_with("# ")
        || t == "#"
        || t.starts_with("-- ")
}

/// `start` moved up over the attribute, decorator and comment lines right
/// above it (for blocks an editor supplies, whose ranges may start at the
/// item itself).
pub fn extend_over_prefix(lines: &[&str], start: u32) -> u32 {
    let mut start = start as usize;
    while let Some(above) = start.checked_sub(1).and_then(|k| lines.get(k)) {
        if !is_prefix_line(above) {
            break;
        }
        start -= 1;
    }
    start as u32
}

/// Whether a block is an import (`use`, `import`, `from … import`,
/// `#include`, `require`, `extern crate`): its first line that is not an
/// attribute or comment says so. Import blocks get no lens.
pub fn is_import_block(lines: &[&str], block: &Block) -> bool {
    let first = (block.start_line..=block.end_line)
        .filter_map(|k| lines.get(k as usize))
        .find(|l| !l.trim().is_empty() && !is_prefix_line(l));
    let Some(line) = first else {
        return false;
    };
    let t = line.trim_start();
    let t = t
        .strip_prefix("pub(crate) ")
        .or_else(|| t.strip_prefix("pub "))
        .or_else(|| t.strip_prefix("export "))
        .unwrap_or(t);
    // `const x = require("x")`, its names maybe over several lines: the
    // block ends with the call.
    let last = lines.get(block.end_line as usize).copied().unwrap_or(t);
    let declares_require = ["const ", "let ", "var ", "local "]
        .iter()
        .any(|d| t.starts_with(d))
        && last.contains("require(");
    [
        "use ",
        "import ",
        "import{",
        "from ",
        "extern crate ",
        "require ",
        "require(",
    ]
    .iter()
    .any(|w| t.starts_with(w))
        || t.starts_with("#include")
        || t.starts_with("# include")
        || declares_require
}

fn is_definition(kind: &str) -> bool {
    kind.contains("function")
        || kind.contains("method")
        || kind.contains("constructor")
        || kind.contains("class")
        || kind.ends_with("_item")
        || kind == "decorated_definition"
}

/// The last line a node covers (a node ending at column 0 ends on the line before).
fn last_line(node: Node<'_>) -> u32 {
    let end = node.end_position();
    let row = if end.column == 0 && end.row > node.start_position().row {
        end.row - 1
    } else {
        end.row
    };
    row as u32
}

fn name_of(node: Node<'_>, source: &[u8]) -> String {
    let named = node
        .child_by_field_name("name")
        .or_else(|| {
            node.child_by_field_name("definition")
                .and_then(|d| d.child_by_field_name("name"))
        })
        .or_else(|| node.child_by_field_name("type"));
    let text = match named {
        Some(n) => n.utf8_text(source).unwrap_or_default(),
        None => node
            .utf8_text(source)
            .unwrap_or_default()
            .lines()
            .next()
            .unwrap_or_default(),
    };
    text.trim().chars().take(60).collect()
}

fn by_indentation(text: &str) -> Vec<Block> {
    let lines: Vec<&str> = super::documents::split_lines(text);
    let line = |k: usize| lines.get(k).copied().unwrap_or_default();
    let is_blank = |l: &str| l.trim().is_empty();
    let indented = |l: &str| l.starts_with([' ', '\t']);
    let closes = |l: &str| {
        let t = l.trim();
        t.starts_with(['}', ')', ']']) || t == "end" || t.starts_with("end ")
    };
    let prefix = |l: &str| is_prefix_line(l);

    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let current = line(i);
        if is_blank(current) || indented(current) || closes(current) {
            i += 1;
            continue;
        }
        let start = i;
        // Decorators, attributes, comments (a block comment's ` * ` lines
        // too): the block's header is the next plain line.
        let mut header = i;
        while header + 1 < lines.len() && prefix(line(header)) {
            header += 1;
        }
        let after_header = lines.get(header + 1..).unwrap_or_default();
        let body = after_header.iter().position(|l| !is_blank(l));
        let Some(offset) = body else { break };
        let first_body = header + 1 + offset;
        if !indented(line(first_body)) {
            i = header + 1;
            continue;
        }
        let mut end = first_body;
        let mut j = first_body + 1;
        while j < lines.len() {
            let l = line(j);
            if is_blank(l) || indented(l) {
                j += 1;
                continue;
            }
            if closes(l) {
                end = j;
                j += 1;
            }
            break;
        }
        // Trailing blank lines are not part of the block.
        let last_content = (first_body..j.min(lines.len()))
            .rev()
            .find(|&k| !is_blank(line(k)))
            .unwrap_or(end);
        end = end.max(last_content);
        blocks.push(Block {
            start_line: start as u32,
            end_line: end as u32,
            name: line(header).trim().chars().take(60).collect(),
            kind: String::new(),
        });
        i = end + 1;
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::{by_indentation, detect, extend_over_prefix, is_import_block};
    use crate::server::documents::split_lines;
    use std::path::Path;

    /// The spans of the blocks that get a lens by default (3 lines or more).
    fn spans(blocks: &[super::Block]) -> Vec<(u32, u32)> {
        blocks
            .iter()
            .filter(|b| b.end_line + 1 - b.start_line >= 3)
            .map(|b| (b.start_line, b.end_line))
            .collect()
    }

    #[test]
    fn python_is_parsed_with_members_of_classes() {
        let src = "import os\n\n@decorator\ndef f(x):\n    return x\n\n\nclass C:\n    a = 1\n\n    def m(self):\n        x = 1\n        return x\n\nVALUE = 3\n";
        let blocks = detect(src, Some("python"), Path::new("x.py"));
        assert_eq!(spans(&blocks), vec![(2, 4), (7, 12), (10, 12)]);
        let names: Vec<&str> = blocks
            .iter()
            .filter(|b| b.end_line > b.start_line + 1)
            .map(|b| b.name.as_str())
            .collect();
        assert_eq!(names, vec!["f", "C", "m"]);
        // Short blocks are found too (the lens's setting decides).
        assert!(blocks
            .iter()
            .any(|b| (b.start_line, b.end_line) == (14, 14)));
    }

    #[test]
    fn rust_items_and_impl_methods() {
        let src = "use std::fmt;\n\nstruct S {\n    a: u8,\n}\n\nimpl S {\n    fn new() -> Self {\n        S { a: 0 }\n    }\n}\n";
        let blocks = detect(src, None, Path::new("lib.rs"));
        assert_eq!(spans(&blocks), vec![(2, 4), (6, 10), (7, 9)]);
        assert_eq!(
            blocks.iter().find(|b| b.start_line == 7).unwrap().name,
            "new"
        );
    }

    #[test]
    fn attributes_decorators_and_doc_comments_belong_to_their_item() {
        let rust = "use std::{\n    fmt,\n    io,\n};\n\n/// Doc.\n/// More.\n#[derive(Debug)]\nstruct S {\n    a: u8,\n}\nfn g() {} // trailing\n#[test]\nfn t() {\n    g();\n}\n";
        let blocks = detect(rust, None, Path::new("lib.rs"));
        assert_eq!(spans(&blocks), vec![(5, 10), (12, 15)], "{blocks:?}");
        let java = "import java.util.List;\n\nclass A {\n    /**\n     * Doc.\n     */\n    @Override\n    public String toString() {\n        return \"a\";\n    }\n}\n";
        let blocks = detect(java, None, Path::new("A.java"));
        assert_eq!(spans(&blocks), vec![(2, 10), (3, 9)], "{blocks:?}");
        let ts =
            "import { x } from \"y\";\n\nclass K {\n  @Input()\n  m(): void {\n    x();\n  }\n}\n";
        let blocks = detect(ts, None, Path::new("k.ts"));
        assert_eq!(spans(&blocks), vec![(2, 7), (3, 6)], "{blocks:?}");
        let py = "# The entry point.\n@app.route(\"/\")\ndef index():\n    return 1\n";
        let blocks = detect(py, None, Path::new("app.py"));
        assert_eq!(spans(&blocks), vec![(0, 3)]);
    }

    #[test]
    fn import_blocks_are_known_as_such() {
        let src = "use std::{\n    a,\n};\n#[cfg(test)]\npub use x::{\n    y,\n};\nfrom m import (\n    a,\n)\n#include <x.h>\nconst {\n  a } = require(\"a\");\nfn f() {\n}\nimport {\n  b } from \"b\";\n";
        let lines = split_lines(src);
        let block = |s, e| super::Block {
            start_line: s,
            end_line: e,
            name: String::new(),
            kind: String::new(),
        };
        let imports: Vec<bool> = [
            (0, 2),
            (3, 6),
            (7, 9),
            (10, 10),
            (11, 12),
            (13, 14),
            (15, 16),
        ]
        .iter()
        .map(|&(s, e)| is_import_block(&lines, &block(s, e)))
        .collect();
        assert_eq!(imports, vec![true, true, true, true, true, false, true]);
    }

    #[test]
    fn supplied_blocks_move_up_over_their_prefix() {
        let lines = ["x = 1", "", "# doc", "@deco", "def f():", "    pass"];
        assert_eq!(extend_over_prefix(&lines, 4), 2);
        assert_eq!(extend_over_prefix(&lines, 0), 0);
        assert_eq!(extend_over_prefix(&lines, 1), 1);
    }

    #[test]
    fn indentation_fallback_for_python_like_text() {
        let src = "import os\n\n@decorator\ndef f(x):\n    return x\n\n\nclass C:\n    a = 1\n\n    def m(self):\n        pass\n\nVALUE = 3\n";
        let blocks = by_indentation(src);
        assert_eq!(spans(&blocks), vec![(2, 4), (7, 11)]);
        assert_eq!(blocks[1].name, "class C:");
        let documented = "/**\n * Doc.\n */\nint f() {\n  return 0;\n}\n";
        assert_eq!(spans(&by_indentation(documented)), vec![(0, 5)]);
    }

    #[test]
    fn c_like_functions_include_their_closing_brace() {
        let src = "#include <x>\nint main() {\n  return 0;\n}\nstruct S {\n  int a;\n};\n";
        assert_eq!(spans(&by_indentation(src)), vec![(1, 3), (4, 6)]);
        assert_eq!(
            spans(&detect(src, Some("c"), Path::new("m.c"))),
            vec![(1, 3), (4, 6)]
        );
    }
    /// Blocks as (first line, last line, name).
    fn outline(text: &str, path: &str) -> Vec<(u32, u32, String)> {
        detect(text, None, Path::new(path))
            .into_iter()
            .map(|b| (b.start_line, b.end_line, b.name))
            .collect()
    }

    fn has_errors(text: &str, path: &str) -> bool {
        let extension = Path::new(path).extension().unwrap().to_str().unwrap();
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&super::grammar("", extension).unwrap())
            .unwrap();
        parser.parse(text, None).unwrap().root_node().has_error()
    }

    /// `typed` inserted as line `at` of `valid`, which it leaves with a
    /// syntax error: the blocks are those of `valid`, the line inside the
    /// block it was typed in.
    fn assert_stable(path: &str, valid: &str, at: usize, typed: &str) {
        assert!(!has_errors(valid, path), "{path} does not parse");
        let mut lines: Vec<&str> = valid.lines().collect();
        lines.insert(at, typed);
        let broken = lines.join("\n") + "\n";
        assert!(has_errors(&broken, path), "{path}: {typed:?} parses");
        let at = at as u32;
        let moved = |line: u32| if line >= at { line + 1 } else { line };
        let expected: Vec<(u32, u32, String)> = outline(valid, path)
            .into_iter()
            .map(|(start, end, name)| (moved(start), moved(end), name))
            .collect();
        assert_eq!(
            outline(&broken, path),
            expected,
            "{path}: {typed:?} at {at}"
        );
    }

    /// flask's `examples/tutorial/flaskr/auth.py`, shortened.
    const FLASKR: &str = r#"from flask import g


@bp.before_app_request
def load_logged_in_user():
    """If a user id is stored in the session, load the user."""
    user_id = session.get("user_id")

    if user_id is None:
        g.user = None
    else:
        g.user = (
            get_db().execute("SELECT * FROM user WHERE id = ?", (user_id,)).fetchone()
        )


@bp.route("/register", methods=("GET", "POST"))
def register():
    """Register a new user."""
    if request.method == "POST":
        username = request.form["username"]
    return render_template("auth/register.html")
"#;

    #[test]
    fn a_statement_typed_inside_parentheses_moves_no_lens() {
        // Error recovery ended `load_logged_in_user` at the `)` line, made
        // an ERROR node from there to the `@` (a block: a lens on the `)`
        // line) and left `@bp.route(…)` apart from its `def`.
        assert_stable("auth.py", FLASKR, 12, "            log = 1");
        let mut lines: Vec<&str> = FLASKR.lines().collect();
        lines.insert(12, "            log = 1");
        let broken = lines.join("\n") + "\n";
        let blocks = detect(&broken, None, Path::new("auth.py"));
        assert_eq!(spans(&blocks), vec![(3, 14), (17, 22)]);
    }

    #[test]
    fn python_mid_typing() {
        let src = "import os\n\n\ndef first(x):\n    y = x + 1\n    return y\n\n\n@decorator\ndef second(a, b):\n    c = a + b\n    return c\n\n\nclass C:\n    def m(self):\n        d = 2\n        return d\n\n    def n(self):\n        return 3\n";
        for typed in [
            "    z = foo(y,",
            "    if y",
            "    w = [1,",
            "    v = ",
            "    def inner(",
        ] {
            assert_stable("a.py", src, 5, typed);
        }
        assert_stable("a.py", src, 17, "        e = (");
        assert_stable("a.py", src, 10, "    @");
    }

    #[test]
    fn rust_mid_typing() {
        let src = "use std::fmt;\n\n/// A point.\n#[derive(Debug)]\nstruct P<'a> {\n    x: &'a str,\n}\n\nfn first(x: u8) -> u8 {\n    let y = x + 1;\n    y * 2\n}\n\n#[inline]\nfn second<'a>(s: &'a str) -> &'a str {\n    let c = 'c';\n    s\n}\n\nimpl<'a> P<'a> {\n    fn m(&self) -> usize {\n        self.x.len()\n    }\n}\n";
        for typed in [
            "    if y > 2 {",
            "    let z = foo(x,",
            "    let v = [1,",
            "    match y {",
        ] {
            assert_stable("lib.rs", src, 10, typed);
        }
        assert_stable("lib.rs", src, 21, "        for c in self.x.chars() {");
        // An attribute being typed between an item and its doc comment.
        assert_stable("lib.rs", src, 3, "#[derive(Clone");
    }

    #[test]
    fn javascript_and_typescript_mid_typing() {
        let src = "import x from \"x\";\n\nfunction first(a) {\n  const b = a + 1;\n  return b;\n}\n\n// Doc.\nfunction second() {\n  const c = `${x}`;\n  return c;\n}\n\nclass K {\n  m() {\n    return 1;\n  }\n}\n\nexport const f = (a) => {\n  return a;\n};\n";
        for path in ["a.js", "a.ts", "a.tsx"] {
            for typed in [
                "  if (b > 2) {",
                "  const d = foo(a,",
                "  const e = [1,",
                "  const g = () => {",
            ] {
                assert_stable(path, src, 4, typed);
            }
            assert_stable(path, src, 15, "    } else {");
        }
    }

    #[test]
    fn go_mid_typing() {
        let src = "package main\n\nimport \"fmt\"\n\nfunc first(a int) int {\n\tb := a + 1\n\treturn b\n}\n\n// Doc.\nfunc second() int {\n\tc := 3\n\treturn c\n}\n\nfunc (s *S) third() {\n\tfmt.Println(\"x\")\n}\n";
        for typed in [
            "\tif b > 2 {",
            "\td := foo(a,",
            "\tfor i := range x {",
            "\te := []int{1,",
        ] {
            assert_stable("a.go", src, 6, typed);
        }
        assert_stable("a.go", src, 16, "\tfmt.Println(");
    }

    #[test]
    fn c_mid_typing() {
        let src = "#include <stdio.h>\n\nint first(int a)\n{\n\tint b = a + 1;\n\treturn b;\n}\n\n/* Doc. */\nstatic int second(void) {\n\tint c = 3;\n\treturn c;\n}\n\nstruct s {\n\tint a;\n};\n";
        for typed in [
            "\tif (b > 2) {",
            "\tint d = foo(a,",
            "\twhile (b) {",
            "\t} else {",
        ] {
            assert_stable("a.c", src, 5, typed);
        }
        assert_stable("a.c", src, 11, "\tprintf(\"%d\",");
    }

    #[test]
    fn java_mid_typing() {
        let src = "import java.util.List;\n\nclass A {\n    int first(int a) {\n        int b = a + 1;\n        return b;\n    }\n\n    @Override\n    public String toString() {\n        return \"a\";\n    }\n\n    int third() {\n        return 0;\n    }\n}\n";
        for typed in [
            "        if (b > 2) {",
            "        int d = foo(a,",
            "        for (int i : xs) {",
        ] {
            assert_stable("A.java", src, 5, typed);
        }
        assert_stable(
            "A.java",
            src,
            10,
            "        String s = String.format(\"%s\",",
        );
    }

    #[test]
    fn what_error_recovery_leaves_is_read_with_care() {
        // The tree as it is, with its errors (no lines blanked out).
        let mut lines: Vec<&str> = FLASKR.lines().collect();
        lines.insert(12, "            log = 1");
        let broken = lines.join("\n") + "\n";
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&tree_sitter_python::LANGUAGE.into())
            .unwrap();
        let tree = parser.parse(&broken, None).unwrap();
        assert!(tree.root_node().has_error());
        let walk = super::Walk {
            source: broken.as_bytes(),
            lines: split_lines(&broken),
            damaged: true,
            blanked: &[],
        };
        let mut blocks = Vec::new();
        walk.collect(tree.root_node(), 0, 0, &mut blocks);
        blocks.sort_by_key(|b| b.start_line);
        // No block for the ERROR node or for the decorator's call; the
        // decorator back with its `def`.
        assert!(blocks.iter().all(|b| b.kind != "ERROR"), "{blocks:?}");
        assert_eq!(spans(&blocks), vec![(3, 14), (17, 22)], "{blocks:?}");
    }
}
