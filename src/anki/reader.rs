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
