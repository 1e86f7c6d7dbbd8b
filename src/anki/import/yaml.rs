//! The imported deck written as YAML, with the line each card starts on
//! (so that what the check says of a line is laid on its card).

use std::fmt::Write as _;

use super::{Body, ImportedCard};
use crate::convert::quote;

/// The deck as YAML, and the line each card starts on.
pub(super) fn to_yaml(
    title: &str,
    source: &str,
    cards: &[ImportedCard],
    with_decks: bool,
) -> (String, Vec<usize>) {
    let mut out = String::new();
    out.push_str("# Written by `fiches import` from an Anki file: read it through before use.\n");
    let _ = writeln!(out, "title: {}", quote(title));
    let _ = writeln!(out, "source: {}", quote(source));
    let mut starts = Vec::with_capacity(cards.len());
    if cards.is_empty() {
        out.push_str("cards: []\n");
        return (out, starts);
    }
    out.push_str("cards:\n");
    let mut line = out.lines().count() + 1;
    for card in cards {
        starts.push(line);
        let start = out.len();
        let mut first = true;
        let mut key = |out: &mut String, key: &str| {
            out.push_str(if first { "  - " } else { "    " });
            first = false;
            out.push_str(key);
            out.push(':');
        };
        if let Some(id) = &card.id {
            key(&mut out, "id");
            let _ = writeln!(out, " {}", quote(id));
        }
        if let Body::Cloze { .. } = card.body {
            key(&mut out, "kind");
            out.push_str(" cloze\n");
        }
        key(&mut out, "q");
        let _ = writeln!(out, " {}", quote(&card.question));
        let answer = match &card.body {
            Body::Basic { answer } => answer,
            Body::Cloze { blanks, extra } => {
                key(&mut out, "blanks");
                let quoted: Vec<String> = blanks.iter().map(|b| quote(b)).collect();
                let _ = writeln!(out, " [{}]", quoted.join(", "));
                extra
            }
        };
        match answer.as_slice() {
            [] => {}
            [single] => {
                key(&mut out, "a");
                let _ = writeln!(out, " {}", quote(single));
            }
            items => {
                key(&mut out, "a");
                out.push('\n');
                for item in items {
                    let _ = writeln!(out, "      - {}", quote(item));
                }
            }
        }
        if !card.tags.is_empty() {
            key(&mut out, "tags");
            let quoted: Vec<String> = card.tags.iter().map(|t| quote(t)).collect();
            let _ = writeln!(out, " [{}]", quoted.join(", "));
        }
        if !card.media.is_empty() {
            key(&mut out, "note");
            let _ = writeln!(
                out,
                " {}",
                quote(&format!(
                    "Refers to Anki media not imported: {}",
                    card.media.join(", ")
                ))
            );
        }
        if with_decks && let Some(deck) = &card.deck {
            key(&mut out, "source");
            let _ = writeln!(out, " {}", quote(&format!("Anki deck {deck}")));
        }
        line += out[start..].lines().count();
    }
    (out, starts)
}
