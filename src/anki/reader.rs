//! Reading an Anki collection: its notes with their note type, deck, tags
//! and fields, and the state and review log of each note's first card.
//! Both schemas are read: the legacy one (note types and decks as JSON in
//! `col`) and the current one (their own tables, configs as protobuf).
//! The rows come from `store::anki` (the SQL); what they mean is here.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, Duration, Local, NaiveDate};
use serde_json::Value;

use super::package::{Field, protobuf_fields};
use super::{LoggedRating, NoteKind, Schedule, rating_from_button};
pub use crate::store::anki::CollectionError;
use crate::store::anki::{self as rows, CardRow, CollectionRows, NotetypeRow, RevlogRow};

/// A note type: its name and, when known, whether it is a cloze.
#[derive(Debug, Clone, PartialEq)]
pub struct NoteType {
    pub name: String,
    pub kind: NoteKind,
}

/// A note as read from a collection.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadNote {
    pub id: i64,
    pub guid: String,
    /// `None` when the note's type is not in the collection.
    pub notetype: Option<NoteType>,
    pub fields: Vec<String>,
    pub tags: Vec<String>,
    /// The deck of its first card (its home deck, if it is in a filtered one).
    pub deck: Option<String>,
    /// The state and log of its first card, when it was ever studied.
    pub schedule: Option<Schedule>,
}

/// Reads the collection in the SQLite file at `path` (a copy we made: it
/// is opened read-only and never changed).
pub fn read(path: &Path) -> Result<Vec<ReadNote>, CollectionError> {
    notes(rows::read(path)?)
}

/// The notes of a collection's rows.
fn notes(collection: CollectionRows) -> Result<Vec<ReadNote>, CollectionError> {
    let (notetypes, deck_names) = match (&collection.notetypes, &collection.deck_rows) {
        (Some(types), Some(decks)) => (current_notetypes(types)?, current_decks(decks)),
        _ => (
            legacy_notetypes(&collection.models)?,
            legacy_decks(&collection.decks)?,
        ),
    };
    let day_zero = DateTime::from_timestamp(collection.crt, 0)
        .map(|t| t.with_timezone(&Local).date_naive())
        .unwrap_or_default();
    let first_cards = first_cards(&collection.cards, day_zero);
    let mut log = reviews(&collection.revlog);

    let mut notes = Vec::with_capacity(collection.notes.len());
    for row in collection.notes {
        let card = first_cards.get(&row.id);
        let schedule = card.and_then(|c| {
            let reviews = log.remove(&c.id).unwrap_or_default();
            c.state.clone().map(|mut s| {
                s.reviews = reviews;
                s
            })
        });
        notes.push(ReadNote {
            id: row.id,
            guid: row.guid,
            notetype: notetypes.get(&row.mid).cloned(),
            fields: row.flds.split('\u{1f}').map(str::to_string).collect(),
            tags: row.tags.split_whitespace().map(str::to_string).collect(),
            deck: card.and_then(|c| deck_names.get(&c.deck).cloned()),
            schedule,
        });
    }
    Ok(notes)
}

fn json(text: &str, what: &str) -> Result<serde_json::Map<String, Value>, CollectionError> {
    match serde_json::from_str(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(CollectionError::Damaged(format!(
            "its {what} are not a JSON object"
        ))),
        Err(err) => Err(CollectionError::Damaged(format!("its {what}: {err}"))),
    }
}

fn legacy_notetypes(models: &str) -> Result<HashMap<i64, NoteType>, CollectionError> {
    let mut found = HashMap::new();
    for (id, model) in json(models, "note types")? {
        let Ok(id) = id.parse::<i64>() else { continue };
        let name = model["name"].as_str().unwrap_or("").to_string();
        let kind = if model["type"].as_i64() == Some(1) {
            NoteKind::Cloze
        } else {
            NoteKind::Basic
        };
        found.insert(id, NoteType { name, kind });
    }
    Ok(found)
}

fn legacy_decks(decks: &str) -> Result<HashMap<i64, String>, CollectionError> {
    let mut found = HashMap::new();
    for (id, deck) in json(decks, "decks")? {
        if let (Ok(id), Some(name)) = (id.parse::<i64>(), deck["name"].as_str()) {
            found.insert(id, name.to_string());
        }
    }
    Ok(found)
}

/// The current schema: a note type's kind is field 1 of its config (0
/// normal, 1 cloze).
fn current_notetypes(types: &[NotetypeRow]) -> Result<HashMap<i64, NoteType>, CollectionError> {
    let mut found = HashMap::new();
    for row in types {
        let cloze = protobuf_fields(&row.config)
            .map_err(|e| CollectionError::Damaged(format!("a note type's config: {e}")))?
            .contains(&(1, Field::Varint(1)));
        found.insert(
            row.id,
            NoteType {
                name: row.name.clone(),
                kind: if cloze {
                    NoteKind::Cloze
                } else {
                    NoteKind::Basic
                },
            },
        );
    }
    Ok(found)
}

/// The current schema separates a deck's parents with U+001F, where the
/// legacy one and Anki's screens write `::`.
fn current_decks(decks: &[(i64, String)]) -> HashMap<i64, String> {
    decks
        .iter()
        .map(|(id, name)| (*id, name.replace('\u{1f}', "::")))
        .collect()
}

struct FirstCard {
    id: i64,
    deck: i64,
    /// `None` for a new card.
    state: Option<Schedule>,
}

/// The card of lowest `ord` of each note, with its state in our terms.
fn first_cards(cards: &[CardRow], day_zero: NaiveDate) -> HashMap<i64, FirstCard> {
    let mut found: HashMap<i64, (i64, FirstCard)> = HashMap::new();
    let number = |n: i64| u32::try_from(n.max(0)).unwrap_or(u32::MAX);
    for card in cards {
        if found.get(&card.nid).is_some_and(|(o, _)| *o <= card.ord) {
            continue;
        }
        let filtered = card.odid != 0;
        let due = if filtered && card.odue != 0 {
            card.odue
        } else {
            card.due
        };
        let state = match card.kind {
            // Learning and relearning: due is a time, in seconds.
            1 | 3 => DateTime::from_timestamp(due, 0).map(|t| t.with_timezone(&Local).date_naive()),
            // Review: due is a day, counted from the collection's creation.
            2 => day_zero.checked_add_signed(Duration::days(due.clamp(-100_000, 100_000))),
            _ => None,
        }
        .map(|due| Schedule {
            due: Some(due),
            interval: number(card.ivl),
            // Permille to hundredths; the store clamps it to what it holds.
            ease: number(card.factor) / 10,
            reps: number(card.reps),
            lapses: number(card.lapses),
            reviews: Vec::new(),
        });
        found.insert(
            card.nid,
            (
                card.ord,
                FirstCard {
                    id: card.id,
                    deck: if filtered { card.odid } else { card.did },
                    state,
                },
            ),
        );
    }
    found.into_iter().map(|(n, (_, c))| (n, c)).collect()
}

/// Each card's answers, oldest first; manual entries (no button) are left out.
fn reviews(revlog: &[RevlogRow]) -> HashMap<i64, Vec<LoggedRating>> {
    let mut found: HashMap<i64, Vec<LoggedRating>> = HashMap::new();
    // A negative interval is in seconds: less than a day.
    let days = |ivl: i64| u32::try_from(ivl.max(0)).unwrap_or(u32::MAX);
    for row in revlog {
        let Some(rating) = rating_from_button(row.ease) else {
            continue;
        };
        let log = found.entry(row.cid).or_default();
        let first = log.is_empty() && row.kind == 0;
        log.push(LoggedRating {
            at_ms: row.id,
            rating,
            took_ms: row.time.max(0),
            interval_before: days(row.last_ivl),
            interval_after: days(row.ivl),
            ease_after: u32::try_from(row.factor.max(0) / 10).unwrap_or(0),
            first,
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::anki::NoteRow;

    fn card(id: i64, nid: i64, ord: i64, did: i64, odid: i64) -> CardRow {
        CardRow {
            id,
            nid,
            did,
            odid,
            ord,
            kind: 2,
            due: 3,
            odue: 0,
            ivl: 3,
            factor: 2500,
            reps: 2,
            lapses: 1,
        }
    }

    /// The current schema's rows, as no Anki is needed to make them: note
    /// types by their protobuf config, decks by their own table.
    #[test]
    fn rows_of_the_current_schema_become_notes() {
        let crt = 1_796_000_000;
        let rows = CollectionRows {
            crt,
            models: "{}".into(),
            decks: "{}".into(),
            notetypes: Some(vec![
                NotetypeRow {
                    id: 1,
                    name: "Basique".into(),
                    config: Vec::new(),
                },
                // Field 1, a varint 1: a cloze.
                NotetypeRow {
                    id: 2,
                    name: "Texte à trous".into(),
                    config: vec![0x08, 0x01],
                },
            ]),
            deck_rows: Some(vec![(10, "Cours\u{1f}Un".into()), (20, "Filtré".into())]),
            cards: vec![
                // Note 100's second card first: its card of lowest ord counts.
                card(1001, 100, 1, 10, 0),
                card(1000, 100, 0, 10, 0),
                // In a filtered deck: its home deck and due day count.
                CardRow {
                    odue: 5,
                    ..card(2000, 200, 0, 20, 10)
                },
            ],
            revlog: vec![
                RevlogRow {
                    id: 1_796_100_000_000,
                    cid: 1000,
                    ease: 3,
                    ivl: 3,
                    last_ivl: -600,
                    factor: 2500,
                    time: 8000,
                    kind: 0,
                },
                // A manual entry (no button): left out.
                RevlogRow {
                    id: 1_796_100_000_001,
                    cid: 1000,
                    ease: 0,
                    ivl: 0,
                    last_ivl: 0,
                    factor: 0,
                    time: 0,
                    kind: 4,
                },
            ],
            notes: vec![
                NoteRow {
                    id: 100,
                    guid: "g100".into(),
                    mid: 1,
                    tags: " sac  chapitre ".into(),
                    flds: "Q\u{1f}A".into(),
                },
                NoteRow {
                    id: 200,
                    guid: "g200".into(),
                    mid: 2,
                    tags: String::new(),
                    flds: "{{c1::x}}\u{1f}".into(),
                },
                NoteRow {
                    id: 300,
                    guid: "g300".into(),
                    mid: 9,
                    tags: String::new(),
                    flds: "orphan".into(),
                },
            ],
        };
        let notes = notes(rows).unwrap();
        assert_eq!(notes.len(), 3);
        let day_zero = DateTime::from_timestamp(crt, 0)
            .unwrap()
            .with_timezone(&Local)
            .date_naive();

        let basic = &notes[0];
        assert_eq!(basic.notetype.as_ref().unwrap().kind, NoteKind::Basic);
        assert_eq!(basic.fields, vec!["Q", "A"]);
        assert_eq!(basic.tags, vec!["sac", "chapitre"]);
        assert_eq!(basic.deck.as_deref(), Some("Cours::Un"));
        let schedule = basic.schedule.as_ref().unwrap();
        assert_eq!(schedule.due, Some(day_zero + Duration::days(3)));
        assert_eq!((schedule.interval, schedule.ease), (3, 250));
        assert_eq!((schedule.reps, schedule.lapses), (2, 1));
        assert_eq!(schedule.reviews.len(), 1);
        let review = &schedule.reviews[0];
        assert_eq!(review.rating, crate::sched::Rating::new(4).unwrap());
        // A negative interval is seconds: less than a day.
        assert_eq!((review.interval_before, review.interval_after), (0, 3));
        assert!(review.first);

        let cloze = &notes[1];
        assert_eq!(cloze.notetype.as_ref().unwrap().kind, NoteKind::Cloze);
        assert_eq!(cloze.deck.as_deref(), Some("Cours::Un"));
        let due = cloze.schedule.as_ref().unwrap().due;
        assert_eq!(due, Some(day_zero + Duration::days(5)));

        // A note type not in the file, and a note with no card.
        assert_eq!(notes[2].notetype, None);
        assert_eq!(
            (notes[2].deck.as_ref(), notes[2].schedule.as_ref()),
            (None, None)
        );
    }
}
