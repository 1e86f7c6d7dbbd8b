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
///
/// One pass over the bytes: lines are found eight bytes at a time, together
/// with the `&` and `*` that refuse the cut; only a line's start is looked at.
pub fn outline(text: &str) -> Option<Outline<'_>> {
    let bytes = text.as_bytes();
    let mut line_number: u32 = 0;
    let mut cards_line_end = None;
    let mut indent = None;
    let mut chunks: Vec<Chunk<'_>> = Vec::new();
    let mut chunk_start: Option<(usize, u32)> = None;
    let mut start = 0;
    while start < bytes.len() {
        // Anchors, aliases and merge keys tie cards together; directives
        // change how every node is read. Such files are parsed whole.
        if bytes[start] == b'%' {
            return None;
        }
        let newline = line_end(bytes, start)?;
        let offset = newline.map_or(bytes.len(), |n| n + 1);
        line_number += 1;
        let mut content_end = offset;
        while content_end > start && matches!(bytes[content_end - 1], b'\n' | b'\r') {
            content_end -= 1;
        }
        let line_start = start;
        start = offset;
        let Some(header_end) = cards_line_end else {
            if is_cards_key(&text[line_start..content_end]) {
                cards_line_end = Some(offset);
            }
            continue;
        };
        let content = &bytes[line_start..content_end];
        let this_indent = content.iter().take_while(|&&b| b == b' ').count();
        let trimmed = &content[this_indent..];
        if trimmed.is_empty() || trimmed[0] == b'#' {
            continue;
        }
        if trimmed[0] == b'\t' {
            return None;
        }
        let item = trimmed == b"-" || trimmed.starts_with(b"- ");
        let item_indent = *indent.get_or_insert(this_indent);
        if chunk_start.is_none() && (!item || line_start < header_end) {
            // The first thing after `cards:` must be a card.
            return None;
        }
        if this_indent == item_indent && item {
            if let Some((from, at)) = chunk_start.replace((line_start, line_number)) {
                chunks.push(Chunk {
                    text: &text[from..line_start],
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

/// The `\n` ending the line that starts at `from` (`Some(None)`: the text
/// ends first); `None` when an `&` or a `*` comes first.
fn line_end(bytes: &[u8], from: usize) -> Option<Option<usize>> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has = |word: u64, byte: u8| {
        let x = word ^ (ONES * u64::from(byte));
        x.wrapping_sub(ONES) & !x & HIGHS
    };
    let mut at = from;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        // The lowest flagged byte is the first one that matches.
        let found = has(word, b'\n') | has(word, b'&') | has(word, b'*');
        if found != 0 {
            at += (found.trailing_zeros() / 8) as usize;
            return (bytes[at] == b'\n').then_some(Some(at));
        }
        at += 8;
    }
    for (i, &b) in bytes[at..].iter().enumerate() {
        match b {
            b'\n' => return Some(Some(at + i)),
            b'&' | b'*' => return None,
            _ => {}
        }
    }
    Some(None)
}

/// `cards:` at the left margin, with nothing after it but a comment.
fn is_cards_key(line: &str) -> bool {
    line.strip_prefix("cards:")
        .map(str::trim)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('#'))
}

pub use crate::hash::fnv1a;

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Deck texts to compare two readings on: the bundled decks, the
    /// fixtures, the YAML test suite (when `../shared` is there), and each
    /// of them mutated many times (bytes that matter to the layout put in,
    /// taken out, doubled).
    pub(crate) fn corpus(mutations: usize) -> Vec<Vec<u8>> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut inputs: Vec<Vec<u8>> = Vec::new();
        // Decks first: half of the mutations start from one of them.
        let mut decks = 0;
        for top in ["decks", "tests/fixtures", "../shared/yaml-test-suite"] {
            let mut files = Vec::new();
            let mut dirs = vec![root.join(top)];
            while let Some(dir) = dirs.pop() {
                let Ok(entries) = std::fs::read_dir(&dir) else {
                    continue;
                };
                for entry in entries.flatten() {
                    let path = entry.path();
                    if path.is_dir() {
                        dirs.push(path);
                    } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                        files.push(path);
                    }
                }
            }
            files.sort();
            inputs.extend(files.iter().filter_map(|p| std::fs::read(p).ok()));
            if top != "../shared/yaml-test-suite" {
                decks = inputs.len();
            }
        }
        assert!(decks >= 8, "only {decks} decks found");
        let pieces: &[&[u8]] = &[
            b"\n",
            b"\r\n",
            b" ",
            b"  ",
            b"-",
            b"- ",
            b"#",
            b"&",
            b"*",
            b"%",
            b"\t",
            b":",
            b"\n  - ",
            b"\ncards:\n",
            b"\"",
            b"'",
            b"|",
            b">",
            b"[",
            b"]",
            b"{",
            b"}",
            b"\\",
            b"\xc3\xa9",
            b"\n- q: A\n  a: B\n",
            b"\n    a:\n      - x\n",
            b"\xef\xbb\xbf",
            b"\0",
            b"\n---\n",
            b"...",
            b"!!str ",
            b"? ",
            b"\xff",
        ];
        let mut state: u64 = 0x5eed_f00d_c0de_0001;
        let mut next = move |below: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % (below.max(1) as u64)).unwrap_or(0)
        };
        let originals = inputs.len();
        for round in 0..mutations {
            let base = if round % 2 == 0 {
                (round / 2) % decks
            } else {
                (round / 2) % originals
            };
            let mut text = inputs[base].clone();
            for _ in 0..1 + next(3) {
                let at = next(text.len() + 1);
                match next(3) {
                    0 => {
                        let piece = pieces[next(pieces.len())];
                        text.splice(at..at, piece.iter().copied());
                    }
                    1 => {
                        let end = (at + 1 + next(8)).min(text.len());
                        text.drain(at.min(end)..end);
                    }
                    _ => {
                        let end = (at + next(40)).min(text.len());
                        let copy = text[at.min(end)..end].to_vec();
                        text.splice(at..at, copy);
                    }
                }
            }
            inputs.push(text);
        }
        inputs
    }

    #[test]
    fn the_one_pass_cut_is_the_reference_cut() {
        let mut cut = 0;
        for bytes in corpus(20_000) {
            let Ok(text) = std::str::from_utf8(&bytes) else {
                continue;
            };
            let expected = reference(text);
            cut += usize::from(expected.is_some());
            assert_eq!(outline(text), expected, "{text:?}");
        }
        assert!(cut > 3_000, "only {cut} inputs could be cut");
    }

    /// The first version, kept to check the one-pass cut against.
    fn reference(text: &str) -> Option<Outline<'_>> {
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
