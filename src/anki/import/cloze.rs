//! Anki's cloze deletions, `{{c1::answer::hint}}`, found in a field's
//! text: nested ones, hints and unclosed ones as Anki reads them.

use super::BLANK;

/// The cloze text with each `{{cN::answer::hint}}` replaced by [`BLANK`],
/// and each deletion's answer and hint, in the order of the text. A
/// deletion inside another counts as the outer one's text.
pub fn cloze(text: &str) -> (String, Vec<(String, Option<String>)>) {
    cloze_within(text, 0)
}

/// Deletions nested deeper than this are kept as their text: no real note
/// nests so deep, and a field of thousands of nested `{{c1::` must neither
/// overflow the stack nor be scanned once per level.
const MAX_CLOZE_NESTING: usize = 16;

fn cloze_within(text: &str, depth: usize) -> (String, Vec<(String, Option<String>)>) {
    let mut out = String::with_capacity(text.len());
    let mut deletions = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("{{c") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 3..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        let body_start = digits + 2;
        if digits == 0 || !after[digits..].starts_with("::") {
            out.push_str("{{c");
            rest = after;
            continue;
        }
        let Some(len) = closing(&after[body_start..]) else {
            out.push_str(&rest[at..]);
            rest = "";
            break;
        };
        let inner = &after[body_start..body_start + len];
        let (answer, hint) = match top_level_split(inner) {
            Some(split) => (&inner[..split], Some(inner[split + 2..].to_string())),
            None => (inner, None),
        };
        // An inner deletion shows its answer.
        let answer = reveal(answer, depth + 1);
        deletions.push((answer, hint));
        out.push(BLANK);
        rest = &after[body_start + len + 2..];
    }
    out.push_str(rest);
    (out, deletions)
}

/// `text` with each deletion replaced by its answer.
fn reveal(text: &str, depth: usize) -> String {
    if depth > MAX_CLOZE_NESTING {
        return text.to_string();
    }
    let (marked, deletions) = cloze_within(text, depth);
    let mut answers = deletions.into_iter().map(|(answer, _)| answer);
    marked
        .chars()
        .map(|c| {
            if c == BLANK {
                answers.next().unwrap_or_default()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The length of a deletion's content: up to its `}}`, nested `{{…}}` skipped.
fn closing(text: &str) -> Option<usize> {
    at_top_level(text, b"}}")
}

/// Where the `::` before a hint is, outside nested deletions.
fn top_level_split(text: &str) -> Option<usize> {
    at_top_level(text, b"::")
}

/// Where `wanted` first stands in `text` outside every nested `{{…}}`.
fn at_top_level(text: &str, wanted: &[u8; 2]) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i + 1 < bytes.len() {
        let pair = [bytes[i], bytes[i + 1]];
        if depth == 0 && &pair == wanted {
            return Some(i);
        }
        match &pair {
            b"{{" => {
                depth += 1;
                i += 2;
            }
            b"}}" => {
                depth = depth.saturating_sub(1);
                i += 2;
            }
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 50,000 nested deletions: no stack overflow, one scan per kept level.
    #[test]
    fn deeply_nested_deletions_neither_overflow_nor_rescan_each_level() {
        let levels = 50_000;
        let field = format!("{}x{}", "{{c1::".repeat(levels), "}}".repeat(levels));
        let (marked, deletions) = cloze(&field);
        assert_eq!(marked, BLANK.to_string());
        assert_eq!(deletions.len(), 1);
        // The levels past the bound are kept as they were written.
        let answer = &deletions[0].0;
        assert!(answer.contains("{{c1::x}}"), "{}", &answer[..40]);
        assert!(answer.len() < field.len(), "{}", answer.len());
        // Shallow nesting is still revealed whole.
        let (_, shallow) = cloze("{{c1::a {{c2::b {{c3::c}}}}}}");
        assert_eq!(shallow[0].0, "a b c");
    }

    #[test]
    fn deletions_become_blanks_with_their_hints() {
        let (text, deletions) =
            cloze("La {{c1::satisfaction}} est {{c2::primordiale::adjectif}} {{c::x}}.");
        assert_eq!(text, "La \u{e000} est \u{e000} {{c::x}}.");
        assert_eq!(
            deletions,
            vec![
                ("satisfaction".to_string(), None),
                ("primordiale".to_string(), Some("adjectif".to_string()))
            ]
        );
        let (text, deletions) = cloze("{{c1::a {{c2::b}} c}} et {{c3::unclosed");
        assert_eq!(text, "\u{e000} et {{c3::unclosed");
        assert_eq!(deletions, vec![("a b c".to_string(), None)]);
    }
}
