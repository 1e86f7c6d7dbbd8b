//! Anki notes as a deck of ours: Basic-like notes as question and answer,
//! cloze notes as `kind: cloze`, HTML as text, the GUID as the card's `id`.
//! The deck written is checked as `fiches check --strict` checks it; a card
//! it would refuse is left out, with the reason, never written broken.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;
use std::path::Path;

mod cloze;
mod yaml;

pub use cloze::cloze;
use yaml::to_yaml;

use crate::anki::html;
use crate::anki::{NoteKind, Schedule};
use crate::deck;
use crate::text;

/// A note as read from a package or a text file.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceNote {
    /// Where it is in its file, for the report: "line 7", "note 1796…".
    pub origin: String,
    pub guid: Option<String>,
    pub notetype: String,
    /// `None` when its note type is unknown.
    pub kind: Option<NoteKind>,
    pub fields: Vec<String>,
    /// Whether the fields are HTML (they always are in a package).
    pub html: bool,
    pub tags: Vec<String>,
    pub deck: Option<String>,
    pub schedule: Option<Schedule>,
}

/// What a card holds besides its question.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Basic {
        answer: Vec<String>,
    },
    /// One answer per blank, and the extra field's lines.
    Cloze {
        blanks: Vec<String>,
        extra: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImportedCard {
    pub origin: String,
    pub id: Option<String>,
    pub question: String,
    pub body: Body,
    pub tags: Vec<String>,
    /// The media files the note refers to (not imported).
    pub media: Vec<String>,
    pub deck: Option<String>,
    pub schedule: Option<Schedule>,
}

/// What the import read, wrote and left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub notes: usize,
    /// Note type name → notes of it.
    pub notetypes: BTreeMap<String, usize>,
    pub decks: BTreeSet<String>,
    pub media_references: usize,
    pub cards_with_media: usize,
    /// (origin, reason): notes not written.
    pub left_out: Vec<(String, String)>,
    /// (origin, what was changed): notes written with a change.
    pub changed: Vec<(String, String)>,
}

impl Report {
    /// One line a note left out or changed, `name: origin: reason`.
    pub fn details(&self, name: &str) -> Vec<String> {
        let mut lines = Vec::new();
        for (origin, reason) in &self.left_out {
            lines.push(format!("{name}: {origin}: left out: {reason}"));
        }
        for (origin, change) in &self.changed {
            lines.push(format!("{name}: {origin}: {change}"));
        }
        lines
    }

    /// The summary: notes read, cards written, note types, media.
    pub fn summary(&self, cards: usize, out: &str) -> String {
        let types: Vec<String> = self
            .notetypes
            .iter()
            .map(|(name, n)| format!("{name} {n}"))
            .collect();
        let mut line = format!(
            "{} note{} read ({}), {cards} card{} written to {out}",
            self.notes,
            plural(self.notes),
            if types.is_empty() {
                "no note type".to_string()
            } else {
                format!("note types: {}", types.join(", "))
            },
            plural(cards),
        );
        if !self.left_out.is_empty() {
            let _ = write!(line, ", {} left out", self.left_out.len());
        }
        if self.media_references > 0 {
            let _ = write!(
                line,
                "; {} media reference{} on {} card{}, not imported (each card's note names them)",
                self.media_references,
                plural(self.media_references),
                self.cards_with_media,
                plural(self.cards_with_media)
            );
        }
        line
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The deck made from the notes.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub title: String,
    pub yaml: String,
    pub cards: Vec<ImportedCard>,
    pub report: Report,
    /// What the check still finds that no card is to blame for.
    pub problems: Vec<String>,
}

pub struct Options<'a> {
    /// The title asked for; else the Anki deck's name, else `fallback_title`.
    pub title: Option<&'a str>,
    pub fallback_title: &'a str,
    /// The file imported, as the deck's `source`.
    pub source: &'a str,
    /// Where the deck will be written, for the check.
    pub path: &'a Path,
}

/// Turns `notes` into a deck that `fiches check --strict` accepts.
pub fn import(notes: Vec<SourceNote>, options: &Options) -> Imported {
    let mut report = Report {
        notes: notes.len(),
        ..Report::default()
    };
    let mut cards = Vec::new();
    let mut ids = HashSet::new();
    for note in notes {
        *report.notetypes.entry(note.notetype.clone()).or_default() += 1;
        match card(note, &mut report) {
            Some(mut card) => {
                if let Some(id) = &card.id
                    && !ids.insert(id.clone())
                {
                    report.changed.push((
                        card.origin.clone(),
                        format!("its GUID `{id}` is another note's too: written without an id"),
                    ));
                    card.id = None;
                }
                cards.push(card);
            }
            None => continue,
        }
    }
    for card in &cards {
        if let Some(deck) = &card.deck {
            report.decks.insert(deck.clone());
        }
    }
    let title = match (options.title.map(str::trim), report.decks.len()) {
        (Some(title), _) if !title.is_empty() => clean(title),
        (_, 1) => report.decks.first().map(|d| clean(d)).unwrap_or_default(),
        _ => clean(options.fallback_title),
    };
    let title = if title.is_empty() {
        "Anki".to_string()
    } else {
        title
    };
    let several_decks = report.decks.len() > 1;

    // What the check refuses is left out, card by card, until it accepts
    // the deck: a few rounds at most, as each round removes a card or ends.
    loop {
        let (yaml, starts) = to_yaml(&title, options.source, &cards, several_decks);
        let checked = deck::parse_deck(options.path, yaml.as_bytes());
        let mut refused: BTreeMap<usize, String> = BTreeMap::new();
        let mut problems = Vec::new();
        for d in &checked.diagnostics {
            let line = d.pos.line as usize;
            if let Some(index) = starts.iter().rposition(|&start| start <= line) {
                refused.entry(index).or_insert_with(|| {
                    format!(
                        "`fiches check --strict` would refuse it ({}: {})",
                        d.severity.as_str(),
                        d.message
                    )
                });
            } else {
                // Not a card's problem (a deck with no cards): nothing to leave out.
                problems.push(d.to_string());
            }
        }
        if refused.is_empty() {
            return Imported {
                title,
                yaml,
                cards,
                report,
                problems,
            };
        }
        for (index, reason) in refused.into_iter().rev() {
            let card = cards.remove(index);
            report.left_out.push((card.origin, reason));
        }
    }
}

/// The notes of each Anki deck, for a deck file each: decks in the order
/// their first note comes, notes in theirs; the notes of no deck (a text
/// export without a deck column) together, under `None`.
pub fn by_deck(notes: Vec<SourceNote>) -> Vec<(Option<String>, Vec<SourceNote>)> {
    let mut groups: Vec<(Option<String>, Vec<SourceNote>)> = Vec::new();
    for note in notes {
        let deck = note.deck.as_deref().map(clean).filter(|d| !d.is_empty());
        match groups.iter_mut().find(|(d, _)| *d == deck) {
            Some((_, group)) => group.push(note),
            None => groups.push((deck, vec![note])),
        }
    }
    groups
}

/// The file names of the deck files for `decks` (Anki deck names, `None`
/// for the notes of no deck, named `fallback`): lower case, a parent and
/// its child joined by `-`, each name once (`-2`, `-3`… after a repeat).
/// The name is the deck's id, so it is kept to letters, digits and `-`.
pub fn file_names(decks: &[Option<&str>], fallback: &str) -> Vec<String> {
    let mut taken: HashSet<String> = HashSet::new();
    let mut names = Vec::with_capacity(decks.len());
    for deck in decks {
        let mut stem = String::new();
        for c in deck
            .unwrap_or(fallback)
            .chars()
            .flat_map(char::to_lowercase)
        {
            if c.is_alphanumeric() {
                stem.push(c);
            } else if !stem.is_empty() && !stem.ends_with('-') {
                stem.push('-');
            }
        }
        let stem = match stem.trim_end_matches('-') {
            "" => "anki".to_string(),
            kept => kept.to_string(),
        };
        let mut name = stem.clone();
        let mut n = 1;
        while !taken.insert(name.clone()) {
            n += 1;
            name = format!("{stem}-{n}");
        }
        names.push(format!("{name}.yaml"));
    }
    names
}

/// Text safe to keep: control characters and bidi controls out, spaces
/// collapsed.
fn clean(text: &str) -> String {
    let kept: String = text
        .chars()
        .map(|c| if text::is_unsafe(c) { ' ' } else { c })
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The lines of a field, cleaned, its `[sound:…]` references left out
/// (the card's note names them).
fn lines(field: &str, is_html: bool) -> Vec<String> {
    let field = without_sounds(field);
    let raw = if is_html {
        html::to_lines(&field)
    } else {
        field.lines().map(str::to_string).collect()
    };
    raw.iter()
        .map(|l| clean(l))
        .filter(|l| !l.is_empty())
        .collect()
}

fn without_sounds(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut rest = field;
    while let Some(at) = rest.find("[sound:") {
        let Some(end) = rest[at..].find(']') else {
            break;
        };
        out.push_str(&rest[..at]);
        out.push(' ');
        rest = &rest[at + end + 1..];
    }
    out.push_str(rest);
    out
}

/// Where a blank was in a cloze text, before it becomes text.
const BLANK: char = '\u{e000}';

fn card(note: SourceNote, report: &mut Report) -> Option<ImportedCard> {
    let mut left_out = |reason: &str| {
        report
            .left_out
            .push((note.origin.clone(), reason.to_string()));
        None
    };
    let Some(kind) = note.kind else {
        return left_out(&format!(
            "its note type \"{}\" is not in the file",
            clean(&note.notetype)
        ));
    };
    let first = note.fields.first().map(String::as_str).unwrap_or("");
    // The private-use character marking blanks must not come from the note.
    let first = first.replace(BLANK, " ");
    let rest: Vec<String> = note
        .fields
        .iter()
        .skip(1)
        .flat_map(|f| lines(f, note.html))
        .collect();
    let (question, body) = match kind {
        NoteKind::Basic => {
            let question = lines(&first, note.html).join("\n");
            if question.is_empty() {
                return left_out("its first field (the question) is empty");
            }
            if rest.is_empty() {
                return left_out("it has no answer: its other fields are empty");
            }
            (question, Body::Basic { answer: rest })
        }
        NoteKind::Cloze => {
            let (marked, deletions) = cloze(&first);
            if deletions.is_empty() {
                return left_out("a cloze note without a {{c1::…}} deletion");
            }
            let question = lines(&marked, note.html).join("\n");
            let mut shown = String::new();
            let mut next = deletions.iter();
            for c in question.chars() {
                if c == BLANK {
                    shown.push_str("______");
                    if let Some((_, Some(hint))) = next.next() {
                        let hint = clean(&field_text(hint, note.html));
                        if !hint.is_empty() {
                            let _ = write!(shown, " ({hint})");
                        }
                    }
                } else {
                    shown.push(c);
                }
            }
            let blanks = deletions
                .iter()
                .map(|(answer, _)| clean(&field_text(answer, note.html)))
                .collect();
            (
                shown,
                Body::Cloze {
                    blanks,
                    extra: rest,
                },
            )
        }
    };
    let mut media: Vec<String> = Vec::new();
    if note.html {
        for field in &note.fields {
            for name in html::media_references(field) {
                let name = clean(&name);
                if !name.is_empty() && !media.contains(&name) {
                    media.push(name);
                }
            }
        }
    }
    if !media.is_empty() {
        report.media_references += media.len();
        report.cards_with_media += 1;
    }
    let mut tags: Vec<String> = Vec::new();
    for tag in &note.tags {
        let tag = clean(tag);
        if !tag.is_empty() && !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    let id = match note.guid.as_deref().map(str::trim) {
        Some(guid) if !guid.is_empty() && !guid.chars().any(text::is_unsafe) => {
            Some(guid.to_string())
        }
        Some("") | None => None,
        Some(_) => {
            report.changed.push((
                note.origin.clone(),
                "its GUID holds control characters: written without an id".into(),
            ));
            None
        }
    };
    Some(ImportedCard {
        origin: note.origin,
        id,
        question,
        body,
        tags,
        media,
        deck: note.deck.map(|d| clean(&d)).filter(|d| !d.is_empty()),
        schedule: note.schedule,
    })
}

fn field_text(field: &str, is_html: bool) -> String {
    if is_html {
        html::to_text(field)
    } else {
        field.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(kind: Option<NoteKind>, fields: &[&str]) -> SourceNote {
        SourceNote {
            origin: "note 1".into(),
            guid: Some("g1".into()),
            notetype: "Basic".into(),
            kind,
            fields: fields.iter().map(|f| (*f).to_string()).collect(),
            html: true,
            tags: vec!["sac".into(), "sac".into(), "chapitre-1".into()],
            deck: Some("Cours::Chapitre 1".into()),
            schedule: None,
        }
    }

    /// The origins of the notes left out, in the report's order.
    fn left_out(imported: &Imported) -> Vec<&str> {
        imported
            .report
            .left_out
            .iter()
            .map(|(o, _)| o.as_str())
            .collect()
    }

    fn options() -> Options<'static> {
        Options {
            title: None,
            fallback_title: "paquet",
            source: "paquet.apkg",
            path: Path::new("out.yaml"),
        }
    }

    #[test]
    fn notes_are_grouped_by_deck_and_each_deck_named_once() {
        let in_deck = |guid: &str, deck: Option<&str>| SourceNote {
            guid: Some(guid.into()),
            deck: deck.map(str::to_string),
            ..note(Some(NoteKind::Basic), &["q", "a"])
        };
        let groups = by_deck(vec![
            in_deck("1", Some("Cours::Chapitre 1")),
            in_deck("2", None),
            in_deck("3", Some("Cours::Chapitre\u{202e} 2")),
            in_deck("4", Some("Cours::Chapitre 1")),
            in_deck("5", Some("  ")),
        ]);
        let decks: Vec<Option<&str>> = groups.iter().map(|(d, _)| d.as_deref()).collect();
        assert_eq!(
            decks,
            vec![Some("Cours::Chapitre 1"), None, Some("Cours::Chapitre 2")]
        );
        let guids: Vec<Vec<&str>> = groups
            .iter()
            .map(|(_, notes)| notes.iter().map(|n| n.guid.as_deref().unwrap()).collect())
            .collect();
        assert_eq!(guids, vec![vec!["1", "4"], vec!["2", "5"], vec!["3"]]);
        assert_eq!(
            file_names(
                &[
                    Some("Cours::Chapitre 1"),
                    None,
                    Some("Cours — chapitre 1!"),
                    Some("Été"),
                    Some("::"),
                ],
                "Paquet"
            ),
            vec![
                "cours-chapitre-1.yaml",
                "paquet.yaml",
                "cours-chapitre-1-2.yaml",
                "été.yaml",
                "anki.yaml"
            ]
        );
    }

    #[test]
    fn basic_and_cloze_notes_become_cards_that_check_accepts() {
        let notes = vec![
            note(
                Some(NoteKind::Basic),
                &[
                    "Qui &amp; <b>quoi</b>&nbsp;?",
                    "Une<br>deux<ul><li>trois</li></ul><img src=\"schema.png\">",
                ],
            ),
            SourceNote {
                guid: Some("g2".into()),
                origin: "note 2".into(),
                ..note(
                    Some(NoteKind::Cloze),
                    &[
                        "La {{c1::satisfaction}} est {{c2::primordiale::adjectif}}.",
                        "",
                    ],
                )
            },
            SourceNote {
                origin: "note 3".into(),
                ..note(None, &["x", "y"])
            },
            SourceNote {
                origin: "note 4".into(),
                guid: Some("g4".into()),
                ..note(Some(NoteKind::Basic), &["Sans réponse", " <br> "])
            },
        ];
        let imported = import(notes, &options());
        assert_eq!(imported.title, "Cours::Chapitre 1");
        assert_eq!(imported.cards.len(), 2);
        let basic = &imported.cards[0];
        assert_eq!(basic.question, "Qui & quoi ?");
        assert_eq!(
            basic.body,
            Body::Basic {
                answer: vec!["Une".into(), "deux".into(), "trois".into()]
            }
        );
        assert_eq!(basic.tags, vec!["sac", "chapitre-1"]);
        assert_eq!(basic.media, vec!["schema.png"]);
        let cloze = &imported.cards[1];
        assert_eq!(cloze.question, "La ______ est ______ (adjectif).");
        let left = left_out(&imported);
        assert_eq!(left, vec!["note 3", "note 4"]);
        assert_eq!(imported.report.media_references, 1);

        let loaded = deck::parse_deck(Path::new("out.yaml"), imported.yaml.as_bytes());
        assert!(
            loaded.diagnostics.is_empty(),
            "{:?}\n{}",
            loaded.diagnostics,
            imported.yaml
        );
        let deck = loaded.deck.unwrap();
        assert_eq!(deck.cards[0].id.as_deref(), Some("g1"));
        assert_eq!(deck.cards[1].id.as_deref(), Some("g2"));
        assert!(matches!(deck.cards[1].kind, deck::CardKind::Cloze { .. }));
        assert!(
            imported
                .yaml
                .contains("Refers to Anki media not imported: schema.png")
        );
    }

    #[test]
    fn what_check_would_refuse_is_left_out_with_the_reason() {
        // Note n of a GUID of its own.
        let numbered = |n: u32, guid: &str, kind: NoteKind, fields: &[&str]| SourceNote {
            origin: format!("note {n}"),
            guid: Some(guid.into()),
            ..note(Some(kind), fields)
        };
        let notes = vec![
            note(Some(NoteKind::Basic), &["Même question ?", "a"]),
            numbered(2, "g2", NoteKind::Basic, &["même  QUESTION", "b"]),
            numbered(3, "g3", NoteKind::Basic, &["Placeholder", "TODO"]),
            numbered(
                4,
                "g1",
                NoteKind::Basic,
                &["Même GUID", "c\u{1b}[31m\u{202e}"],
            ),
            numbered(5, "g5", NoteKind::Cloze, &["Un ___ et {{c1::…}}", ""]),
        ];
        let imported = import(notes, &options());
        let left = left_out(&imported);
        assert_eq!(
            left,
            vec!["note 5", "note 3", "note 2"],
            "{:?}",
            imported.report
        );
        assert!(imported.report.left_out[2].1.contains("--strict"));
        assert_eq!(imported.cards.len(), 2);
        assert_eq!(imported.cards[1].id, None);
        assert_eq!(
            imported.cards[1].body,
            Body::Basic {
                answer: vec!["c [31m".into()]
            }
        );
        let loaded = deck::parse_deck(Path::new("out.yaml"), imported.yaml.as_bytes());
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    }
}
