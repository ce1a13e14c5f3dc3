//! Top-level blocks for block lenses when the editor supplies none. Common
//! languages are parsed with tree-sitter: top-level definitions, and the
//! members of classes, impls, traits and modules. Other files use an
//! indentation rule: a block starts at an unindented line followed by
//! indented lines and ends before the next unindented line that does not
//! close it. Decorators, attributes and the comments right above a block
//! (its doc comment) belong to it, so its lens goes above them, never
//! between them and the item. Every block is found, however short: which
//! get a lens (`codeLens.minBlockLines`, no imports) is the lens's rule.

use std::path::Path;

use tree_sitter::{Language, Node, Parser};

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
    let mut blocks = Vec::new();
    collect(tree.root_node(), text.as_bytes(), 0, &mut blocks);
    blocks.sort_by_key(|b| b.start_line);
    Some(blocks)
}

fn collect(parent: Node<'_>, source: &[u8], depth: usize, blocks: &mut Vec<Block>) {
    let mut cursor = parent.walk();
    for node in parent.named_children(&mut cursor) {
        let kind = node.kind();
        if is_prefix_kind(kind)
            || kind.contains("import")
            || kind.contains("include")
            || matches!(kind, "use_declaration" | "extern_crate_declaration")
        {
            continue;
        }
        let start = start_with_prefix(node);
        let end = last_line(node);
        if depth == 0 || is_definition(kind) {
            blocks.push(Block {
                start_line: start,
                end_line: end,
                name: name_of(node, source),
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
                        collect(b, source, depth + 1, blocks);
                    }
                } else {
                    collect(body, source, inner, blocks);
                }
            }
        }
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
/// it: contiguous (no blank line between), and not sharing their first line
/// with the code before them (a trailing comment belongs to that code).
fn start_with_prefix(node: Node<'_>) -> u32 {
    let mut start = node.start_position().row as u32;
    let mut current = node;
    while let Some(prev) = current.prev_named_sibling() {
        if !is_prefix_kind(prev.kind()) || last_line(prev) + 1 < start {
            break;
        }
        let prev_start = prev.start_position().row as u32;
        let shares_line = prev.prev_named_sibling().is_some_and(|code| {
            !is_prefix_kind(code.kind()) && code.end_position().row as u32 >= prev_start
        });
        if shares_line {
            break;
        }
        start = start.min(prev_start);
        current = prev;
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
}
