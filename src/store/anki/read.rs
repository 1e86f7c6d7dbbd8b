//! Reading an Anki collection's rows, in the legacy schema (note types and
//! decks as JSON in `col`) or the current one (their own tables). The file
//! is foreign: it is opened read-only, with its schema untrusted.

use std::path::Path;

use rusqlite::{Connection, OpenFlags, Row};

use super::CollectionError;

impl From<rusqlite::Error> for CollectionError {
    fn from(err: rusqlite::Error) -> Self {
        CollectionError::Damaged(err.to_string())
    }
}

/// What a collection holds, as its tables hold it.
#[derive(Debug, Clone, Default)]
pub struct CollectionRows {
    /// `col.crt`: the collection's creation, in seconds.
    pub crt: i64,
    /// `col.models` and `col.decks`: JSON in the legacy schema, empty (or
    /// `{}`) in the current one.
    pub models: String,
    pub decks: String,
    /// The `notetypes` table, when the collection is in the current schema.
    pub notetypes: Option<Vec<NotetypeRow>>,
    /// The `decks` table of the current schema, read with `notetypes`: (id, name).
    pub deck_rows: Option<Vec<(i64, String)>>,
    pub cards: Vec<CardRow>,
    /// Oldest first.
    pub revlog: Vec<RevlogRow>,
    /// In the order of their ids.
    pub notes: Vec<NoteRow>,
}

#[derive(Debug, Clone)]
pub struct NotetypeRow {
    pub id: i64,
    pub name: String,
    /// Its config, a protobuf message.
    pub config: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct NoteRow {
    pub id: i64,
    pub guid: String,
    pub mid: i64,
    pub tags: String,
    pub flds: String,
}

#[derive(Debug, Clone)]
pub struct CardRow {
    pub id: i64,
    pub nid: i64,
    pub did: i64,
    pub odid: i64,
    pub ord: i64,
    pub kind: i64,
    pub due: i64,
    pub odue: i64,
    pub ivl: i64,
    pub factor: i64,
    pub reps: i64,
    pub lapses: i64,
}

#[derive(Debug, Clone)]
pub struct RevlogRow {
    pub id: i64,
    pub cid: i64,
    pub ease: i64,
    pub ivl: i64,
    pub last_ivl: i64,
    pub factor: i64,
    pub time: i64,
    pub kind: i64,
}

/// Reads the collection in the SQLite file at `path` (a copy we made: it
/// is opened read-only and never changed).
pub fn read(path: &Path) -> Result<CollectionRows, CollectionError> {
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
    // The current schema leaves `col`'s JSON empty: its note types and
    // decks are in tables of their own.
    let current = models.trim().is_empty() || models.trim() == "{}";
    let notetypes = if current && has_table(&conn, "notetypes")? {
        Some(all(&conn, "SELECT id, name, config FROM notetypes", |r| {
            Ok(NotetypeRow {
                id: r.get(0)?,
                name: r.get(1)?,
                config: r.get(2)?,
            })
        })?)
    } else {
        None
    };
    let deck_rows = if notetypes.is_some() {
        Some(all(&conn, "SELECT id, name FROM decks", |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?)
    } else {
        None
    };
    let cards = all(
        &conn,
        "SELECT id, nid, did, odid, ord, type, due, odue, ivl, factor, reps, lapses FROM cards",
        |r| {
            Ok(CardRow {
                id: r.get(0)?,
                nid: r.get(1)?,
                did: r.get(2)?,
                odid: r.get(3)?,
                ord: r.get(4)?,
                kind: r.get(5)?,
                due: r.get(6)?,
                odue: r.get(7)?,
                ivl: r.get(8)?,
                factor: r.get(9)?,
                reps: r.get(10)?,
                lapses: r.get(11)?,
            })
        },
    )?;
    let revlog = all(
        &conn,
        "SELECT id, cid, ease, ivl, lastIvl, factor, time, type FROM revlog ORDER BY id",
        |r| {
            Ok(RevlogRow {
                id: r.get(0)?,
                cid: r.get(1)?,
                ease: r.get(2)?,
                ivl: r.get(3)?,
                last_ivl: r.get(4)?,
                factor: r.get(5)?,
                time: r.get(6)?,
                kind: r.get(7)?,
            })
        },
    )?;
    let notes = all(
        &conn,
        "SELECT id, guid, mid, tags, flds FROM notes ORDER BY id",
        |r| {
            Ok(NoteRow {
                id: r.get(0)?,
                guid: r.get(1)?,
                mid: r.get(2)?,
                tags: r.get(3)?,
                flds: r.get(4)?,
            })
        },
    )?;
    Ok(CollectionRows {
        crt,
        models,
        decks,
        notetypes,
        deck_rows,
        cards,
        revlog,
        notes,
    })
}

fn all<T>(
    conn: &Connection,
    sql: &str,
    read: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>, CollectionError> {
    let mut statement = conn.prepare(sql)?;
    let rows = statement.query_map([], read)?;
    Ok(rows.collect::<rusqlite::Result<Vec<T>>>()?)
}

fn has_table(conn: &Connection, name: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
        [name],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A collection of either schema, with a note type and a deck table.
    fn collection(path: &Path, models: &str) {
        let conn = Connection::open(path).unwrap();
        conn.execute_batch(&format!(
            "CREATE TABLE col (crt integer, models text, decks text);
             INSERT INTO col VALUES (1796000000, '{models}', '{{}}');
             CREATE TABLE notetypes (id integer PRIMARY KEY, name text, config blob);
             INSERT INTO notetypes VALUES (2, 'Cloze', x'0801');
             CREATE TABLE decks (id integer PRIMARY KEY, name text);
             INSERT INTO decks VALUES (10, 'Cours' || char(31) || 'Un');
             CREATE TABLE notes (id integer PRIMARY KEY, guid text, mid integer, tags text, flds text);
             INSERT INTO notes VALUES (200, 'g', 2, '', 'x');
             INSERT INTO notes VALUES (100, 'f', 2, '', 'y');
             CREATE TABLE cards (id integer PRIMARY KEY, nid integer, did integer, odid integer,
               ord integer, type integer, due integer, odue integer, ivl integer, factor integer,
               reps integer, lapses integer);
             CREATE TABLE revlog (id integer PRIMARY KEY, cid integer, ease integer, ivl integer,
               lastIvl integer, factor integer, time integer, type integer);"
        ))
        .unwrap();
    }

    #[test]
    fn the_tables_of_note_types_and_decks_are_read_only_for_the_current_schema() {
        let dir = std::env::temp_dir().join(format!("fiches-anki-read-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let current = dir.join("current.anki21b");
        collection(&current, "{}");
        let rows = read(&current).unwrap();
        let types = rows.notetypes.unwrap();
        assert_eq!(
            (types[0].id, types[0].config.as_slice()),
            (2, &[8u8, 1][..])
        );
        assert_eq!(
            rows.deck_rows.unwrap(),
            vec![(10, "Cours\u{1f}Un".to_string())]
        );
        let ids: Vec<i64> = rows.notes.iter().map(|n| n.id).collect();
        assert_eq!(ids, vec![100, 200], "in the order of their ids");

        // Legacy JSON in `col`: the tables, if any, are not what Anki reads.
        let legacy = dir.join("legacy.anki2");
        collection(&legacy, r#"{"1": {"name": "Basic"}}"#);
        let rows = read(&legacy).unwrap();
        assert!(rows.notetypes.is_none() && rows.deck_rows.is_none());
        assert!(rows.models.contains("Basic"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
