//! A deck file cut at its card items, when its layout is the plain one
//! (`cards:` at the left margin, one `- ` line starting each card, nothing
//! after the list, no anchors or aliases). Each card's text can then be
//! parsed on its own: in parallel for a big deck, or only the cards whose
//! text changed when a deck is synced again. Anything else takes the
//! whole-file path, which stays the reference for every diagnostic.

/// One card's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk<'t> {
    pub text: &'t str,
    /// Its byte offset in the file.
    pub start: usize,
    /// The 1-based line its `- ` is on.
    pub line: u32,
}

impl Chunk<'_> {
    pub fn hash(&self) -> i64 {
        fnv1a(self.text.as_bytes())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outline<'t> {
    /// Everything before the first card, `cards:` line included.
    pub header: &'t str,
    pub chunks: Vec<Chunk<'t>>,
}

impl Outline<'_> {
    pub fn header_hash(&self) -> i64 {
        fnv1a(self.header.as_bytes())
    }
}

/// Cuts `text` at its cards, or says it cannot be cut safely.
pub fn outline(text: &str) -> Option<Outline<'_>> {
    // Anchors, aliases and merge keys tie cards together; directives change
    // how every node is read. Such files are parsed whole.
    if text.contains(['&', '*']) || text.lines().any(|l| l.starts_with('%')) {
        return None;
    }
    let mut offset = 0;
    let mut line_number: u32 = 0;
    let mut cards_line_end = None;
    let mut indent = None;
    let mut chunks: Vec<Chunk<'_>> = Vec::new();
    let mut chunk_start: Option<(usize, u32)> = None;
    for line in text.split_inclusive('\n') {
        line_number += 1;
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim_start_matches(' ');
        let blank = trimmed.is_empty() || trimmed.starts_with('#');
        let Some(header_end) = cards_line_end else {
            if is_cards_key(content) {
                cards_line_end = Some(offset);
            }
            continue;
        };
        if blank {
            continue;
        }
        if trimmed.starts_with('\t') {
            return None;
        }
        let this_indent = content.len() - trimmed.len();
        let item = trimmed == "-" || trimmed.starts_with("- ");
        let item_indent = *indent.get_or_insert(this_indent);
        if chunk_start.is_none() && (!item || start < header_end) {
            // The first thing after `cards:` must be a card.
            return None;
        }
        if this_indent == item_indent && item {
            if let Some((from, at)) = chunk_start.replace((start, line_number)) {
                chunks.push(Chunk {
                    text: &text[from..start],
                    start: from,
                    line: at,
                });
            }
        } else if this_indent <= item_indent {
            // Something after the list (another key): parse the file whole.
            return None;
        }
    }
    let header_end = cards_line_end?;
    let (from, at) = chunk_start?;
    chunks.push(Chunk {
        text: &text[from..],
        start: from,
        line: at,
    });
    Some(Outline {
        header: &text[..header_end],
        chunks,
    })
}

/// `cards:` at the left margin, with nothing after it but a comment.
fn is_cards_key(line: &str) -> bool {
    line.strip_prefix("cards:")
        .map(str::trim)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('#'))
}

pub use crate::hash::fnv1a;

#[cfg(test)]
mod tests {
    use super::*;

    const DECK: &str = "title: \"T\"\n# comment\ncards:\n  - q: \"A ?\"\n    a:\n      - \"x\"\n      - \"y\"\n\n  # between\n  - id: b\n    q: B\n    a: |\n      - not an item\n";

    #[test]
    fn cuts_at_each_card() {
        let outline = outline(DECK).unwrap();
        assert_eq!(outline.header, "title: \"T\"\n# comment\ncards:\n");
        let lines: Vec<u32> = outline.chunks.iter().map(|c| c.line).collect();
        assert_eq!(lines, vec![4, 10]);
        assert!(outline.chunks[0].text.ends_with("  # between\n"));
        assert!(outline.chunks[1].text.ends_with("- not an item\n"));
        let whole: String = std::iter::once(outline.header)
            .chain(outline.chunks.iter().map(|c| c.text))
            .collect();
        assert_eq!(whole, DECK);
    }

    #[test]
    fn refuses_layouts_it_cannot_cut_safely() {
        assert!(outline("title: T\ncards: []\n").is_none());
        assert!(outline("title: T\ncards:\n  - q: &a A\n    a: *a\n").is_none());
        assert!(outline("title: T\ncards:\n  - q: A\n    a: B\ntags: [x]\n").is_none());
        assert!(outline("%YAML 1.2\n---\ntitle: T\ncards:\n  - q: A\n    a: B\n").is_none());
        assert!(outline("title: T\ncards:\n  q: A\n").is_none());
        assert!(outline("title: T\n").is_none());
    }

    #[test]
    fn items_at_the_margin_are_cards_too() {
        let outline = outline("title: T\ncards:\n- q: A\n  a: B\n- q: C\n  a: D\n").unwrap();
        assert_eq!(outline.chunks.len(), 2);
    }
}
