//! Writing a new Anki collection in the legacy schema (version 11), which
//! every Anki still imports, from rows made ready by `crate::anki`.

use std::path::Path;

use rusqlite::{Connection, params};

use super::CollectionError;

const SCHEMA_11: &str = "
CREATE TABLE col (
  id integer PRIMARY KEY, crt integer NOT NULL, mod integer NOT NULL, scm integer NOT NULL,
  ver integer NOT NULL, dty integer NOT NULL, usn integer NOT NULL, ls integer NOT NULL,
  conf text NOT NULL, models text NOT NULL, decks text NOT NULL, dconf text NOT NULL,
  tags text NOT NULL
);
CREATE TABLE notes (
  id integer PRIMARY KEY, guid text NOT NULL, mid integer NOT NULL, mod integer NOT NULL,
  usn integer NOT NULL, tags text NOT NULL, flds text NOT NULL, sfld integer NOT NULL,
  csum integer NOT NULL, flags integer NOT NULL, data text NOT NULL
);
CREATE TABLE cards (
  id integer PRIMARY KEY, nid integer NOT NULL, did integer NOT NULL, ord integer NOT NULL,
  mod integer NOT NULL, usn integer NOT NULL, type integer NOT NULL, queue integer NOT NULL,
  due integer NOT NULL, ivl integer NOT NULL, factor integer NOT NULL, reps integer NOT NULL,
  lapses integer NOT NULL, left integer NOT NULL, odue integer NOT NULL, odid integer NOT NULL,
  flags integer NOT NULL, data text NOT NULL
);
CREATE TABLE revlog (
  id integer PRIMARY KEY, cid integer NOT NULL, usn integer NOT NULL, ease integer NOT NULL,
  ivl integer NOT NULL, lastIvl integer NOT NULL, factor integer NOT NULL, time integer NOT NULL,
  type integer NOT NULL
);
CREATE TABLE graves (usn integer NOT NULL, oid integer NOT NULL, type integer NOT NULL);
CREATE INDEX ix_notes_usn ON notes (usn);
CREATE INDEX ix_cards_usn ON cards (usn);
CREATE INDEX ix_revlog_usn ON revlog (usn);
CREATE INDEX ix_cards_nid ON cards (nid);
CREATE INDEX ix_cards_sched ON cards (did, queue, due);
CREATE INDEX ix_revlog_cid ON revlog (cid);
CREATE INDEX ix_notes_csum ON notes (csum);
";

/// A whole collection, row by row, as schema 11 holds it.
#[derive(Debug, Clone, Default)]
pub struct LegacyCollection {
    pub col: LegacyCol,
    pub notes: Vec<LegacyNote>,
    pub cards: Vec<LegacyCard>,
    pub revlog: Vec<LegacyReview>,
}

/// The one `col` row: its times, and its JSON (configuration, note types,
/// decks, deck options).
#[derive(Debug, Clone, Default)]
pub struct LegacyCol {
    pub crt: i64,
    pub mod_ms: i64,
    pub conf: String,
    pub models: String,
    pub decks: String,
    pub dconf: String,
}

#[derive(Debug, Clone)]
pub struct LegacyNote {
    pub id: i64,
    pub guid: String,
    pub mid: i64,
    pub mod_s: i64,
    pub tags: String,
    pub flds: String,
    pub sfld: String,
}

#[derive(Debug, Clone)]
pub struct LegacyCard {
    pub id: i64,
    pub nid: i64,
    pub did: i64,
    pub ord: u32,
    pub mod_s: i64,
    /// 0 new, 2 review; its queue is the same.
    pub kind: i64,
    pub due: i64,
    pub ivl: i64,
    pub factor: i64,
    pub reps: i64,
    pub lapses: i64,
}

#[derive(Debug, Clone)]
pub struct LegacyReview {
    pub id: i64,
    pub cid: i64,
    pub ease: u8,
    pub ivl: u32,
    pub last_ivl: u32,
    pub factor: i64,
    pub time: i64,
    pub kind: i64,
}

/// Writes `collection` as a new SQLite file at `path` (which must not exist).
pub fn write_legacy(path: &Path, collection: &LegacyCollection) -> Result<(), CollectionError> {
    write(path, collection).map_err(|err| CollectionError::Write(err.to_string()))
}

fn write(path: &Path, collection: &LegacyCollection) -> rusqlite::Result<()> {
    let mut conn = Connection::open(path)?;
    conn.execute_batch("PRAGMA journal_mode = DELETE;")?;
    conn.execute_batch(SCHEMA_11)?;
    let tx = conn.transaction()?;
    {
        let mut insert_note = tx.prepare(
            "INSERT INTO notes (id, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data)
             VALUES (?1, ?2, ?3, ?4, -1, ?5, ?6, ?7, 0, 0, '')",
        )?;
        for n in &collection.notes {
            insert_note.execute(params![
                n.id, n.guid, n.mid, n.mod_s, n.tags, n.flds, n.sfld
            ])?;
        }
        let mut insert_card = tx.prepare(
            "INSERT INTO cards (id, nid, did, ord, mod, usn, type, queue, due, ivl, factor, reps,
                                lapses, left, odue, odid, flags, data)
             VALUES (?1, ?2, ?3, ?4, ?5, -1, ?6, ?6, ?7, ?8, ?9, ?10, ?11, 0, 0, 0, 0, '')",
        )?;
        for c in &collection.cards {
            insert_card.execute(params![
                c.id, c.nid, c.did, c.ord, c.mod_s, c.kind, c.due, c.ivl, c.factor, c.reps,
                c.lapses
            ])?;
        }
        let mut insert_review = tx.prepare(
            "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type)
             VALUES (?1, ?2, -1, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        for r in &collection.revlog {
            insert_review.execute(params![
                r.id, r.cid, r.ease, r.ivl, r.last_ivl, r.factor, r.time, r.kind
            ])?;
        }
    }
    let col = &collection.col;
    tx.execute(
        "INSERT INTO col (id, crt, mod, scm, ver, dty, usn, ls, conf, models, decks, dconf, tags)
         VALUES (1, ?1, ?2, ?2, 11, 0, 0, 0, ?3, ?4, ?5, ?6, '{}')",
        params![
            col.crt, col.mod_ms, col.conf, col.models, col.decks, col.dconf
        ],
    )?;
    tx.commit()
}
