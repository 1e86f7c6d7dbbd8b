//! Our cards as Anki notes: basic cards front and back (a list answer as an
//! HTML list), cloze cards as Anki clozes, the other graded kinds front and
//! back with their choices and the right answer.

use std::hash::Hasher;

use super::html::{escape, list};
use super::{Note, NoteKind};
use crate::deck::{Answer, Card, CardKind, Deck, DeckId, choice_letter};
use crate::hash::FastHasher;

/// The prefix of the GUID of a card that has no `id` of its own.
pub const DERIVED_GUID_PREFIX: &str = "fiches-";

/// The note's GUID: the card's own `id` when it has one (unique across
/// decks), else one derived from its deck and its question as compared, so
/// exporting again gives the same GUID and Anki updates the note.
pub fn guid(deck: &DeckId, card: &Card) -> String {
    match &card.id {
        Some(id) => id.clone(),
        None => derived_guid(deck.as_str(), &card.normalized_question),
    }
}

/// The GUID of a card without an `id`, from its deck and its question as
/// compared.
pub fn derived_guid(deck: &str, normalized_question: &str) -> String {
    format!(
        "{DERIVED_GUID_PREFIX}{:016x}",
        stable_hash(&[deck, normalized_question])
    )
}

/// A hash that stays the same across runs and builds.
pub fn stable_hash(parts: &[&str]) -> u64 {
    let mut hasher = FastHasher::default();
    for part in parts {
        hasher.write(part.as_bytes());
        hasher.write(&[0x1f]);
    }
    hasher.finish()
}

/// The Anki deck name for a deck title: `::` would make a subdeck.
pub fn deck_name(title: &str) -> String {
    let name = title.replace("::", ": ").trim().to_string();
    if name.is_empty() {
        "fiches".to_string()
    } else {
        name
    }
}

/// Anki tags have no spaces.
pub fn tag(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join("_")
}

/// The note for one card of `deck`, in the Anki deck `deck_name`.
pub fn note(deck: &Deck, deck_name: &str, card: &Card) -> Note {
    let mut tags: Vec<String> = Vec::new();
    for t in deck.tags.iter().chain(&card.tags).map(|t| tag(t)) {
        if !t.is_empty() && !tags.contains(&t) {
            tags.push(t);
        }
    }
    let (kind, fields) = fields(card);
    Note {
        guid: guid(&deck.id, card),
        kind,
        fields,
        tags,
        deck: deck_name.to_string(),
        schedule: None,
    }
}

fn answer_html(answer: &Answer) -> String {
    match answer {
        Answer::Text(text) => escape(text),
        Answer::List(items) if items.is_empty() => String::new(),
        Answer::List(items) => list(items, false),
    }
}

/// Answer items as HTML: one as text, several as a list.
fn items_html(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => escape(one),
        several => list(several, false),
    }
}

/// A graded card's answer as loaded holds the right answer, then `a`, the
/// explanation: the back of the note shows both.
fn fields(card: &Card) -> (NoteKind, Vec<String>) {
    let question = escape(&card.question);
    let answer = card.answer.items();
    match &card.kind {
        CardKind::Basic => (NoteKind::Basic, vec![question, answer_html(&card.answer)]),
        CardKind::TrueFalse { .. } => (
            NoteKind::Basic,
            vec![
                format!("{question}<br><i>Vrai ou faux ?</i>"),
                items_html(answer),
            ],
        ),
        CardKind::Choice { choices, .. } => {
            let shown: Vec<String> = choices
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{}) {c}", choice_letter(i)))
                .collect();
            (
                NoteKind::Basic,
                vec![
                    format!("{question}{}", list(&shown, false)),
                    items_html(answer),
                ],
            )
        }
        // The deletions show the answers: the extra field keeps only `a`.
        CardKind::Cloze { blanks } => (
            NoteKind::Cloze,
            vec![
                cloze_text(&card.question, blanks),
                items_html(answer.get(blanks.len()..).unwrap_or(&[])),
            ],
        ),
        CardKind::Match { pairs } => {
            let left: Vec<String> = pairs.iter().map(|(l, _)| l.clone()).collect();
            (
                NoteKind::Basic,
                vec![
                    format!("{question}{}", list(&left, false)),
                    items_html(answer),
                ],
            )
        }
    }
}

/// The question with its i-th `______` as `{{ci::answer}}` (the first
/// accepted answer). `:` and `}` in an answer are written as entities so
/// that they cannot end the deletion early.
pub fn cloze_text(question: &str, blanks: &[Vec<String>]) -> String {
    let mut out = String::new();
    let mut run = 0usize;
    let mut index = 0usize;
    let mut flush = |run: &mut usize, out: &mut String| {
        if *run >= 3 {
            let answer = blanks
                .get(index)
                .and_then(|v| v.first())
                .map(String::as_str)
                .unwrap_or("…");
            let answer = escape(answer).replace(':', "&#58;").replace('}', "&#125;");
            out.push_str(&format!("{{{{c{}::{answer}}}}}", index + 1));
            index += 1;
        } else {
            out.push_str(&"_".repeat(*run));
        }
        *run = 0;
    };
    for c in question.chars() {
        if c == '_' {
            run += 1;
            continue;
        }
        flush(&mut run, &mut out);
        out.push_str(&escape(&c.to_string()));
    }
    flush(&mut run, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cloze_blanks_become_numbered_deletions() {
        let blanks = vec![vec!["70 %".to_string(), "70".into()], vec!["a:b}}".into()]];
        assert_eq!(
            cloze_text("Entre ______ et ___ <x> __", &blanks),
            "Entre {{c1::70 %}} et {{c2::a&#58;b&#125;&#125;}} &lt;x&gt; __"
        );
    }

    #[test]
    fn deck_names_and_tags_are_anki_safe() {
        assert_eq!(deck_name("A::B"), "A: B");
        assert_eq!(tag("chapitre 1"), "chapitre_1");
    }
}
