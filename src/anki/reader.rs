//! Reading an Anki collection: its notes with their note type, deck, tags
//! and fields, and the state and review log of each note's first card.
//! Both schemas are read: the legacy one (note types and decks as JSON in
//! `col`) and the current one (their own tables, configs as protobuf).
//! The file is foreign: it is opened read-only, with its schema untrusted.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, Duration, Local, NaiveDate};
use rusqlite::{Connection, OpenFlags};
use serde_json::Value;
use thiserror::Error;

use super::package::{Field, protobuf_fields};
use super::{LoggedRating, NoteKind, Schedule, rating_from_button};

#[derive(Debug, Error)]
pub enum CollectionError {
    #[error("the collection is damaged or is not an Anki collection: {0}")]
    Damaged(String),
}

impl From<rusqlite::Error> for CollectionError {
    fn from(err: rusqlite::Error) -> Self {
        CollectionError::Damaged(err.to_string())
    }
}

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
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    // A hostile file may define views and triggers: none of its SQL runs
    // functions with side effects, and nothing is ever written.
    conn.execute_batch("PRAGMA trusted_schema = OFF; PRAGMA query_only = ON;")?;
    // The current schema sorts names with Anki's own collation: checking
    // its indexes needs one that orders alike (case-insensitively).
    conn.create_collation("unicase", |a, b| a.to_lowercase().cmp(&b.to_lowercase()))?;
    let check: String = conn.query_row("PRAGMA quick_check(1)", [], |r| r.get(0))?;
    if check != "ok" {
        return Err(CollectionError::Damaged(check));
    }
    let (crt, models, decks): (i64, String, String) =
        conn.query_row("SELECT crt, models, decks FROM col LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    let current = models.trim().is_empty() || models.trim() == "{}";
    let (notetypes, deck_names) = if current && has_table(&conn, "notetypes")? {
        (current_notetypes(&conn)?, current_decks(&conn)?)
    } else {
        (legacy_notetypes(&models)?, legacy_decks(&decks)?)
    };
    let day_zero = DateTime::from_timestamp(crt, 0)
        .map(|t| t.with_timezone(&Local).date_naive())
        .unwrap_or_default();
    let first_cards = first_cards(&conn, day_zero)?;
    let mut log = reviews(&conn)?;

    let mut notes = Vec::new();
    let mut statement = conn.prepare("SELECT id, guid, mid, tags, flds FROM notes ORDER BY id")?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        let mid: i64 = row.get(2)?;
        let tags: String = row.get(3)?;
        let fields: String = row.get(4)?;
        let card = first_cards.get(&id);
        let schedule = card.and_then(|c| {
            let reviews = log.remove(&c.id).unwrap_or_default();
            c.state.clone().map(|mut s| {
                s.reviews = reviews;
                s
            })
        });
        notes.push(ReadNote {
            id,
            guid: row.get(1)?,
            notetype: notetypes.get(&mid).cloned(),
            fields: fields.split('\u{1f}').map(str::to_string).collect(),
            tags: tags.split_whitespace().map(str::to_string).collect(),
            deck: card.and_then(|c| deck_names.get(&c.deck).cloned()),
            schedule,
        });
    }
    Ok(notes)
}

fn has_table(conn: &Connection, name: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
        [name],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n > 0)
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
fn current_notetypes(conn: &Connection) -> Result<HashMap<i64, NoteType>, CollectionError> {
    let mut found = HashMap::new();
    let mut statement = conn.prepare("SELECT id, name, config FROM notetypes")?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        let config: Vec<u8> = row.get(2)?;
        let cloze = protobuf_fields(&config)
            .map_err(|e| CollectionError::Damaged(format!("a note type's config: {e}")))?
            .contains(&(1, Field::Varint(1)));
        found.insert(
            row.get(0)?,
            NoteType {
                name: row.get(1)?,
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
fn current_decks(conn: &Connection) -> Result<HashMap<i64, String>, CollectionError> {
    let mut found = HashMap::new();
    let mut statement = conn.prepare("SELECT id, name FROM decks")?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        let name: String = row.get(1)?;
        found.insert(row.get(0)?, name.replace('\u{1f}', "::"));
    }
    Ok(found)
}

struct FirstCard {
    id: i64,
    deck: i64,
    /// `None` for a new card.
    state: Option<Schedule>,
}

/// The card of lowest `ord` of each note, with its state in our terms.
fn first_cards(
    conn: &Connection,
    day_zero: NaiveDate,
) -> Result<HashMap<i64, FirstCard>, CollectionError> {
    let mut found: HashMap<i64, (i64, FirstCard)> = HashMap::new();
    let mut statement = conn.prepare(
        "SELECT id, nid, did, odid, ord, type, due, odue, ivl, factor, reps, lapses FROM cards",
    )?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        let note: i64 = row.get(1)?;
        let ord: i64 = row.get(4)?;
        if found.get(&note).is_some_and(|(o, _)| *o <= ord) {
            continue;
        }
        let (did, odid): (i64, i64) = (row.get(2)?, row.get(3)?);
        let kind: i64 = row.get(5)?;
        let (due, odue): (i64, i64) = (row.get(6)?, row.get(7)?);
        let due = if odid != 0 && odue != 0 { odue } else { due };
        let number = |i: usize| -> rusqlite::Result<u32> {
            Ok(u32::try_from(row.get::<_, i64>(i)?.max(0)).unwrap_or(u32::MAX))
        };
        let state = match kind {
            // Learning and relearning: due is a time, in seconds.
            1 | 3 => DateTime::from_timestamp(due, 0).map(|t| t.with_timezone(&Local).date_naive()),
            // Review: due is a day, counted from the collection's creation.
            2 => day_zero.checked_add_signed(Duration::days(due.clamp(-100_000, 100_000))),
            _ => None,
        }
        .map(|due| -> rusqlite::Result<Schedule> {
            Ok(Schedule {
                due: Some(due),
                interval: number(8)?,
                // Permille to hundredths; the store clamps it to what it holds.
                ease: number(9)? / 10,
                reps: number(10)?,
                lapses: number(11)?,
                reviews: Vec::new(),
            })
        })
        .transpose()?;
        found.insert(
            note,
            (
                ord,
                FirstCard {
                    id: row.get(0)?,
                    deck: if odid != 0 { odid } else { did },
                    state,
                },
            ),
        );
    }
    Ok(found.into_iter().map(|(n, (_, c))| (n, c)).collect())
}

/// Each card's answers, oldest first; manual entries (no button) are left out.
fn reviews(conn: &Connection) -> Result<HashMap<i64, Vec<LoggedRating>>, CollectionError> {
    let mut found: HashMap<i64, Vec<LoggedRating>> = HashMap::new();
    let mut statement = conn.prepare(
        "SELECT id, cid, ease, ivl, lastIvl, factor, time, type FROM revlog ORDER BY id",
    )?;
    let mut rows = statement.query([])?;
    // A negative interval is in seconds: less than a day.
    let days = |ivl: i64| u32::try_from(ivl.max(0)).unwrap_or(u32::MAX);
    while let Some(row) = rows.next()? {
        let Some(rating) = rating_from_button(row.get(2)?) else {
            continue;
        };
        let card: i64 = row.get(1)?;
        let log = found.entry(card).or_default();
        let kind: i64 = row.get(7)?;
        let first = log.is_empty() && kind == 0;
        log.push(LoggedRating {
            at_ms: row.get(0)?,
            rating,
            took_ms: row.get::<_, i64>(6)?.max(0),
            interval_before: days(row.get(4)?),
            interval_after: days(row.get(3)?),
            ease_after: u32::try_from(row.get::<_, i64>(5)?.max(0) / 10).unwrap_or(0),
            first,
        });
    }
    Ok(found)
}
