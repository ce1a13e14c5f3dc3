//! Top-level blocks for block lenses when the editor supplies none: a
//! block starts at an unindented line followed by indented lines (Python,
//! C-like, Lua, Ruby …) and ends before the next unindented line that does
//! not close it. Decorators and attributes above a block belong to it.

use super::documents::Block;

const MIN_LINES: u32 = 3;

pub fn detect(lines: &[&str]) -> Vec<Block> {
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
        let line = lines[i];
        if is_blank(line) || indented(line) || closes(line) {
            i += 1;
            continue;
        }
        let start = i;
        // Decorators/attributes: the block's header is the next plain line.
        let mut header = i;
        while header + 1 < lines.len() && prefix(lines[header]) {
            header += 1;
        }
        let body = lines[header + 1..].iter().position(|l| !is_blank(l));
        let Some(offset) = body else { break };
        let first_body = header + 1 + offset;
        if !indented(lines[first_body]) {
            i = header + 1;
            continue;
        }
        let mut end = first_body;
        let mut j = first_body + 1;
        while j < lines.len() {
            let l = lines[j];
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
            .find(|&k| !is_blank(lines[k]))
            .unwrap_or(end);
        end = end.max(last_content);
        if (end - start + 1) as u32 >= MIN_LINES {
            blocks.push(Block {
                start_line: start as u32,
                end_line: end as u32,
                name: lines[header].trim().chars().take(60).collect(),
                kind: String::new(),
            });
        }
        i = end + 1;
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::detect;

    #[test]
    fn python_functions_and_classes() {
        let src = "import os\n\n@decorator\ndef f(x):\n    return x\n\n\nclass C:\n    a = 1\n\n    def m(self):\n        pass\n\nVALUE = 3\n";
        let lines: Vec<&str> = src.lines().collect();
        let blocks = detect(&lines);
        let spans: Vec<(u32, u32)> = blocks.iter().map(|b| (b.start_line, b.end_line)).collect();
        assert_eq!(spans, vec![(2, 4), (7, 11)]);
        assert_eq!(blocks[1].name, "class C:");
    }

    #[test]
    fn c_like_functions_include_their_closing_brace() {
        let src = "#include <x>\nint main() {\n  return 0;\n}\nstruct S {\n  int a;\n};\n";
        let lines: Vec<&str> = src.lines().collect();
        let spans: Vec<(u32, u32)> = detect(&lines)
            .iter()
            .map(|b| (b.start_line, b.end_line))
            .collect();
        assert_eq!(spans, vec![(1, 3), (4, 6)]);
    }
}
