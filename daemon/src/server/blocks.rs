//! Top-level blocks for block lenses when the editor supplies none. Common
//! languages are parsed with tree-sitter: top-level definitions, and the
//! members of classes, impls, traits and modules. Other files use an
//! indentation rule: a block starts at an unindented line followed by
//! indented lines and ends before the next unindented line that does not
//! close it; decorators and attributes above a block belong to it.

use std::path::Path;

use tree_sitter::{Language, Node, Parser};

use super::documents::Block;

const MIN_LINES: u32 = 3;

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
        if kind.contains("comment") || kind.contains("import") || kind.contains("include") {
            continue;
        }
        let start = node.start_position().row as u32;
        let end = last_line(node);
        if end + 1 - start >= MIN_LINES && (depth == 0 || is_definition(kind)) {
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
    let prefix = |l: &str| l.starts_with('@') || l.starts_with("#[");

    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let current = line(i);
        if is_blank(current) || indented(current) || closes(current) {
            i += 1;
            continue;
        }
        let start = i;
        // Decorators/attributes: the block's header is the next plain line.
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
        if (end - start + 1) as u32 >= MIN_LINES {
            blocks.push(Block {
                start_line: start as u32,
                end_line: end as u32,
                name: line(header).trim().chars().take(60).collect(),
                kind: String::new(),
            });
        }
        i = end + 1;
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::{by_indentation, detect};
    use std::path::Path;

    fn spans(blocks: &[super::Block]) -> Vec<(u32, u32)> {
        blocks.iter().map(|b| (b.start_line, b.end_line)).collect()
    }

    #[test]
    fn python_is_parsed_with_members_of_classes() {
        let src = "import os\n\n@decorator\ndef f(x):\n    return x\n\n\nclass C:\n    a = 1\n\n    def m(self):\n        x = 1\n        return x\n\nVALUE = 3\n";
        let blocks = detect(src, Some("python"), Path::new("x.py"));
        assert_eq!(spans(&blocks), vec![(2, 4), (7, 12), (10, 12)]);
        let names: Vec<&str> = blocks.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, vec!["f", "C", "m"]);
    }

    #[test]
    fn rust_items_and_impl_methods() {
        let src = "use std::fmt;\n\nstruct S {\n    a: u8,\n}\n\nimpl S {\n    fn new() -> Self {\n        S { a: 0 }\n    }\n}\n";
        let blocks = detect(src, None, Path::new("lib.rs"));
        assert_eq!(spans(&blocks), vec![(2, 4), (6, 10), (7, 9)]);
        assert_eq!(blocks[2].name, "new");
    }

    #[test]
    fn indentation_fallback_for_python_like_text() {
        let src = "import os\n\n@decorator\ndef f(x):\n    return x\n\n\nclass C:\n    a = 1\n\n    def m(self):\n        pass\n\nVALUE = 3\n";
        let blocks = by_indentation(src);
        assert_eq!(spans(&blocks), vec![(2, 4), (7, 11)]);
        assert_eq!(blocks[1].name, "class C:");
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
