//! Quizlet-style pages, as copied: a title line "<title> Flashcards", then
//! for each card a heading line (the question) and the answer's lines.
//!
//! Rules, from what the captures really hold (see the examples in the tests):
//! - a line starting with `-`, `•`, `*` followed by a space, or a number and
//!   `.` or `)` ("1. Justice procédurale") is an answer item; numbered items
//!   keep their number, since a numbered list often sits under a `-` item
//!   and the numbers show where it belongs;
//! - an item line holding " - " is several items the capture glued onto one
//!   line ("- Bouche à oreille négatif - Ne rien faire" is two items); a
//!   hyphen inside a word ("après-vente") is not split;
//! - a line starting with `**` is a remark on the card: it goes to `note`;
//! - any other line is a heading, i.e. a question; a trailing ":" is dropped;
//! - a heading written mostly in CAPITALS with no item under it, followed by a
//!   heading in ordinary case, is a section title: it is put in front of the
//!   questions under it ("COMMENT GÉRER … PLAINTES - Identifier les plaintes")
//!   until the next heading in capitals;
//! - when a heading in capitals ends with a hyphen glued to lower-case words
//!   ("…DES GARANTIES-non"), those words are the answer's first line, which
//!   the capture put on the heading's line;
//! - any other heading with no item under it has no answer: it is reported.

use super::{
    Conversion, ConvertedCard, Ignored, Line, clean, is_furniture, page_title, real_answer,
};

enum Kind {
    Items(Vec<String>),
    Note(String),
    Heading(String),
}

/// A card being read: its heading and what came under it so far.
struct Pending {
    question: String,
    /// The heading as written, before any section title was put in front.
    heading: String,
    capitals: bool,
    line: usize,
    items: Vec<String>,
    notes: Vec<String>,
}

pub(super) fn parse(lines: &[Line<'_>]) -> Conversion {
    let mut conversion = Conversion::default();
    let mut content = lines
        .iter()
        .filter(|l| !l.text.is_empty() && !is_furniture(l.text))
        .peekable();
    if let Some(title) = content.peek().and_then(|l| page_title(l.text)) {
        conversion.deck.title = Some(title);
        content.next();
    }
    let mut pending: Option<Pending> = None;
    let mut section: Option<String> = None;
    for line in content {
        match classify(line.text) {
            Kind::Heading(heading) => {
                let capitals = is_capitals(&heading);
                if let Some(done) = pending.take() {
                    if done.items.is_empty() && done.capitals && !capitals {
                        section = Some(done.heading);
                    } else {
                        finish(done, &mut conversion);
                    }
                }
                if capitals {
                    section = None;
                }
                pending = Some(start(heading, capitals, section.as_deref(), line.number));
            }
            Kind::Items(items) => match pending.as_mut() {
                Some(card) => card.items.extend(items),
                None => conversion.report.ignored.push(Ignored {
                    line: line.number,
                    reason: "answer line with no question before it: not converted".into(),
                }),
            },
            Kind::Note(note) => match pending.as_mut() {
                Some(card) => card.notes.push(note),
                None => conversion.report.ignored.push(Ignored {
                    line: line.number,
                    reason: "note with no card before it: not converted".into(),
                }),
            },
        }
    }
    if let Some(done) = pending {
        finish(done, &mut conversion);
    }
    conversion
}

fn classify(text: &str) -> Kind {
    if let Some(note) = text.strip_prefix("**") {
        return Kind::Note(clean(note.trim_start_matches('*')));
    }
    if let Some(rest) = marked_item(text) {
        return Kind::Items(split_glued(rest));
    }
    if numbered(text) {
        return Kind::Items(split_glued(text));
    }
    Kind::Heading(clean(text.trim_end_matches([':', ' ', '\t'])))
}

/// The text after an item marker `-`, `•` or `*` (followed by a space, or alone).
fn marked_item(text: &str) -> Option<&str> {
    let rest = text
        .strip_prefix('-')
        .or_else(|| text.strip_prefix('•'))
        .or_else(|| text.strip_prefix('*'))?;
    (rest.is_empty() || rest.starts_with(char::is_whitespace)).then(|| rest.trim_start())
}

/// "1. text" or "1) text".
fn numbered(text: &str) -> bool {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let mut rest = text[digits..].chars();
    (1..=3).contains(&digits)
        && matches!(rest.next(), Some('.' | ')'))
        && rest.next().is_some_and(char::is_whitespace)
}

/// "A - B" is two items the capture put on one line.
fn split_glued(text: &str) -> Vec<String> {
    text.split(" - ")
        .map(clean)
        .filter(|s| !s.is_empty())
        .collect()
}

/// Mostly upper-case letters: "COMMENT GÉRER EFFICACEMENT LES PLAINTES",
/// "IMPORTANT … INFORMATIONS- Outils possibles"; not "GRC : définition".
fn is_capitals(text: &str) -> bool {
    let upper = text.chars().filter(|c| c.is_uppercase()).count();
    let lower = text.chars().filter(|c| c.is_lowercase()).count();
    upper >= 4 && upper > lower
}

fn start(heading: String, capitals: bool, section: Option<&str>, line: usize) -> Pending {
    let mut items = Vec::new();
    let mut written = heading.clone();
    if capitals {
        // "…DES GARANTIES-non": the answer's first words, glued to the heading.
        if let Some(at) = heading.rfind('-') {
            let tail = heading[at + 1..].trim();
            let glued = !heading[..at].ends_with(char::is_whitespace);
            if glued
                && !tail.is_empty()
                && tail.chars().all(|c| c.is_lowercase() || c.is_whitespace())
            {
                items.push(tail.to_string());
                written = heading[..at].trim_end().to_string();
            }
        }
    }
    let question = match section {
        Some(section) => format!("{section} - {written}"),
        None => written.clone(),
    };
    Pending {
        question,
        heading: written,
        capitals,
        line,
        items,
        notes: Vec::new(),
    }
}

fn finish(card: Pending, conversion: &mut Conversion) {
    match real_answer(card.items) {
        Some(answer) if !card.question.is_empty() => conversion.deck.cards.push(ConvertedCard {
            question: card.question,
            answer,
            points: None,
            note: (!card.notes.is_empty()).then(|| card.notes.join(" ")),
            graded: None,
            line: card.line,
        }),
        _ => conversion.report.unanswered.push(card.line),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Format, convert};
    use super::*;

    fn answers(conversion: &Conversion) -> Vec<(&str, Vec<&str>)> {
        conversion
            .deck
            .cards
            .iter()
            .map(|c| {
                (
                    c.question.as_str(),
                    c.answer.iter().map(String::as_str).collect(),
                )
            })
            .collect()
    }

    const PAGE: &str = "\
plainte Flashcards
Quelles sont les possibilités pour un client insatisfait
- Se plaindre à un tiers
- Bouche à oreille négatif - Ne rien faire
- -10 % de fidélité
** une ou l’autre est possible
Une fois plaints, ils s’attendent à quoi
- Trois dimensions
1. Justice procédurale
2. Justice par le résultat - Réponses des clients
1. Lien avec la fidélité

Signup and view all the flashcards
Quelles sont les possibilités pour un client insatisfait
- Se plaindre à un tiers
- Bouche à oreille négatif - Ne rien faire
- -10 % de fidélité
** une ou l’autre est possible
COMMENT GÉRER LES PLAINTES
Identifier les plaintes :
- conduire des recherches
Résoudre les plaintes
- Former le personnel
EST-IL TOUJOURS UTILE D’AVOIR DES GARANTIES-non
- Si le service est top, pas besoin
UNE QUESTION SANS RÉPONSE
LA GARANTIE- TRAVAUX DE HART
- Contraignent les entreprises
Une question sans réponse non plus
";

    #[test]
    fn a_page_with_the_awkward_cases() {
        let conversion = convert(Format::Quizlet, PAGE);
        assert_eq!(conversion.deck.title.as_deref(), Some("plainte"));
        assert_eq!(
            answers(&conversion),
            vec![
                (
                    "Quelles sont les possibilités pour un client insatisfait",
                    vec![
                        "Se plaindre à un tiers",
                        "Bouche à oreille négatif",
                        "Ne rien faire",
                        "-10 % de fidélité"
                    ]
                ),
                (
                    "Une fois plaints, ils s’attendent à quoi",
                    vec![
                        "Trois dimensions",
                        "1. Justice procédurale",
                        "2. Justice par le résultat",
                        "Réponses des clients",
                        "1. Lien avec la fidélité"
                    ]
                ),
                (
                    "COMMENT GÉRER LES PLAINTES - Identifier les plaintes",
                    vec!["conduire des recherches"]
                ),
                (
                    "COMMENT GÉRER LES PLAINTES - Résoudre les plaintes",
                    vec!["Former le personnel"]
                ),
                (
                    "EST-IL TOUJOURS UTILE D’AVOIR DES GARANTIES",
                    vec!["non", "Si le service est top, pas besoin"]
                ),
                (
                    "LA GARANTIE- TRAVAUX DE HART",
                    vec!["Contraignent les entreprises"]
                ),
            ]
        );
        assert_eq!(
            conversion.deck.cards[0].note.as_deref(),
            Some("une ou l’autre est possible")
        );
        assert_eq!(conversion.report.duplicates.len(), 1);
        assert_eq!(conversion.report.duplicates[0].line, 14);
        assert_eq!(conversion.report.unanswered, vec![26, 29]);
    }

    #[test]
    fn items_before_any_heading_are_reported() {
        let conversion = convert(Format::Quizlet, "- orphelin\nQuestion\n- réponse\n");
        assert_eq!(conversion.deck.cards.len(), 1);
        assert_eq!(conversion.report.ignored[0].line, 1);
    }

    #[test]
    fn line_kinds() {
        assert!(numbered("1. Justice"));
        assert!(numbered("12) x"));
        assert!(!numbered("1.5 milliard"));
        assert!(!numbered("2024 est loin"));
        assert_eq!(marked_item("-"), Some(""));
        assert_eq!(marked_item("-non"), None);
        assert!(is_capitals(
            "IMPORTANT DE METTRE EN PLACE UN SYSTÈME- Outils possibles"
        ));
        assert!(!is_capitals("GRC : définition du concept"));
        assert!(!is_capitals("Pourquoi"));
    }
}
