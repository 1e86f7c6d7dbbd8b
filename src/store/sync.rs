//! The store's side of a sync: what it remembers of deck files and cards,
//! read for the planner (`crate::sync::plan`), and a planned sync written in
//! one transaction. Only SQL here; the files are read before, elsewhere.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};
use crate::deck::DeckId;
use crate::deck::file::Stamp;
use crate::hash::FastMap;
use crate::sync::plan::{ChangeKind, DeckFields, KeyedRow, KnownFile, Outcome, Row, RowStamp};

const ROW_COLUMNS: &str =
    "id, key, qnorm, question, answer, points, tags, note, source, line, position,
   retired, text_hash, kind, ask";

impl Store {
    /// Whether sync re-reads only edited cards when it can.
    pub(crate) fn reads_edited_cards_only(&self) -> bool {
        self.read_edited_cards_only
    }

    /// Takes the write lock for a sync: two processes syncing the same
    /// decks at once cannot both add the same cards.
    pub(crate) fn begin_sync(&mut self) -> Result<(), StoreError> {
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| self.fail(e))
    }

    /// Ends the sync's transaction: commits, or rolls back everything.
    pub(crate) fn end_sync(&mut self, commit: bool) -> Result<(), StoreError> {
        let end = if commit { "COMMIT" } else { "ROLLBACK" };
        self.conn.execute_batch(end).map_err(|err| {
            let _ = self.conn.execute_batch("ROLLBACK");
            self.fail(err)
        })
    }

    /// SQLite's count of commits other connections made to the store, as
    /// this connection sees it: unchanged, nothing was written meanwhile.
    pub(crate) fn data_version(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row("PRAGMA data_version", [], |row| row.get(0))
            .map_err(|e| self.fail(e))
    }

    /// The deck file synced from this canonical path, if any.
    pub(crate) fn known_file(&self, canonical: &str) -> Result<Option<KnownFile>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT id, title, file_size, file_mtime, file_hash, header_hash FROM decks WHERE path = ?1",
            )
            .and_then(|mut statement| {
                statement
                    .query_row([canonical], |row| {
                        Ok(KnownFile {
                            deck: row.get(0)?,
                            title: row.get(1)?,
                            stamp: Stamp {
                                size: row.get(2)?,
                                mtime: row.get(3)?,
                            },
                            hash: row.get(4)?,
                            header_hash: row.get(5)?,
                        })
                    })
                    .optional()
            })
            .map_err(|e| self.fail(e))
    }

    /// A deck's own fields as last synced, when the store has the deck.
    pub(crate) fn deck_fields(&self, deck: &DeckId) -> Result<Option<DeckFields>, StoreError> {
        self.conn
            .query_row(
                "SELECT title, exam, course_order, tags, scheduler, retention FROM decks
                 WHERE id = ?1",
                [deck],
                |row| {
                    let order: Option<i64> = row.get(2)?;
                    let tags: String = row.get(3)?;
                    Ok(DeckFields {
                        title: row.get(0)?,
                        exam: row.get::<_, Option<NaiveDate>>(1)?,
                        order: order.and_then(|o| u32::try_from(o).ok()),
                        tags: serde_json::from_str(&tags).unwrap_or_default(),
                        scheduler: row.get(4)?,
                        retention: row.get(5)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.fail(e))
    }

    /// Decks with this title, with the file each was synced from.
    pub(crate) fn decks_titled(&self, title: &str) -> Result<Vec<(DeckId, String)>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT id, path FROM decks WHERE title = ?1")
            .map_err(|e| self.fail(e))?;
        statement
            .query_map([title], |row| Ok((row.get(0)?, row.get(1)?)))
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.fail(e))
    }

    /// Every deck with the file it was synced from ('' when none).
    pub(crate) fn deck_paths(&self) -> Result<Vec<(DeckId, String)>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT id, path FROM decks ORDER BY position")
            .map_err(|e| self.fail(e))?;
        statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.fail(e))
    }

    /// A deck's card rows, in deck order.
    pub(crate) fn rows(&self, deck: &DeckId) -> Result<Vec<Row>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached(&format!(
                "SELECT {ROW_COLUMNS} FROM cards WHERE deck = ?1 ORDER BY position, id"
            ))
            .map_err(|e| self.fail(e))?;
        statement
            .query_map([deck], read_row)
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.fail(e))
    }

    /// These card rows, by id.
    pub(crate) fn rows_by_id(&self, ids: &[i64]) -> Result<FastMap<i64, Row>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached(&format!("SELECT {ROW_COLUMNS} FROM cards WHERE id = ?1"))
            .map_err(|e| self.fail(e))?;
        let mut rows = FastMap::default();
        for &id in ids {
            let row = statement
                .query_row([id], read_row)
                .map_err(|e| self.fail(e))?;
            rows.insert(id, row);
        }
        Ok(rows)
    }

    /// What recognises a deck's cards whose text did not change; live rows
    /// first, in deck order.
    pub(crate) fn row_stamps(&self, deck: &DeckId) -> Result<Vec<RowStamp>, StoreError> {
        // The rows are read in the table's order, over the span of row ids
        // the deck's rows take (a deck's rows are mostly added together):
        // read through the due index instead, a deck whose cards are due on
        // many days is read a page per card, in random order. They are put
        // in deck order here.
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT id, key, text_hash, line, position, retired FROM cards
                 WHERE id BETWEEN (SELECT min(id) FROM cards WHERE deck = ?1)
                   AND (SELECT max(id) FROM cards WHERE deck = ?1)
                   AND +deck = ?1",
            )
            .map_err(|e| self.fail(e))?;
        let mut stamps = statement
            .query_map([deck], |row| {
                Ok(RowStamp {
                    id: row.get(0)?,
                    key: row.get(1)?,
                    text_hash: row.get(2)?,
                    line: row.get(3)?,
                    position: row.get(4)?,
                    retired: row.get::<_, i64>(5)? != 0,
                })
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.fail(e))?;
        stamps.sort_unstable_by_key(|s| (s.retired, s.position, s.id));
        Ok(stamps)
    }

    /// Every card that has an `id`, live or retired, oldest row first.
    pub(crate) fn keyed_rows(&self) -> Result<Vec<KeyedRow>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT key, id, deck, line, retired FROM cards WHERE key IS NOT NULL ORDER BY id",
            )
            .map_err(|e| self.fail(e))?;
        statement
            .query_map([], |row| {
                Ok(KeyedRow {
                    key: row.get(0)?,
                    row: row.get(1)?,
                    deck: row.get(2)?,
                    line: row.get(3)?,
                    retired: row.get::<_, i64>(4)? != 0,
                })
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.fail(e))
    }

    /// Writes a planned sync, inside the transaction of [`Store::begin_sync`].
    /// `touched`: files whose bytes are as synced, with their new time.
    pub(crate) fn apply_sync(
        &mut self,
        outcomes: &[Outcome],
        touched: &[(String, i64)],
        now: DateTime<FixedOffset>,
    ) -> Result<(), StoreError> {
        let synced_at = now.to_rfc3339();
        let path = self.path.clone();
        // Inside the transaction `sync` holds.
        let tx = &self.conn;
        let fail = |err: rusqlite::Error| super::classify(&path, err);
        // A first sync writes tens of megabytes: keep them in memory until
        // the commit rather than spilling pages mid-transaction.
        tx.execute_batch("PRAGMA cache_size = -65536")
            .map_err(fail)?;
        for (canonical, mtime) in touched {
            // Touched, not edited: remember the new time so the next start
            // does not even read the file.
            tx.execute(
                "UPDATE decks SET file_mtime = ?1 WHERE path = ?2",
                params![mtime, canonical],
            )
            .map_err(fail)?;
        }
        {
            // A new card (no row yet: the id is NULL and SQLite picks one)
            // or a row rewritten; its SM-2 state is never touched here.
            let mut write_card = tx
                .prepare_cached(
                    "INSERT INTO cards (id, deck, key, qnorm, question, answer, points, tags, note,
                       source, line, position, text_hash, kind, ask)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
                     ON CONFLICT (id) DO UPDATE SET deck = excluded.deck, key = excluded.key,
                       qnorm = excluded.qnorm, question = excluded.question, answer = excluded.answer,
                       points = excluded.points, tags = excluded.tags, note = excluded.note,
                       source = excluded.source, line = excluded.line, position = excluded.position,
                       text_hash = excluded.text_hash, kind = excluded.kind, ask = excluded.ask,
                       retired = 0",
                )
                .map_err(fail)?;
            let mut retire = tx
                .prepare_cached("UPDATE cards SET retired = 1 WHERE id = ?1")
                .map_err(fail)?;
            let mut move_row = tx
                .prepare_cached(
                    "UPDATE cards SET line = ?2, position = ?3, retired = 0 WHERE id = ?1",
                )
                .map_err(fail)?;
            for outcome in outcomes {
                let Outcome::Changed(plan) = outcome else {
                    continue;
                };
                let deck = &plan.sync.deck;
                if let Some(old) = &plan.sync.renamed_from {
                    tx.execute(
                        "INSERT INTO decks (id, title, path, position, synced_at)
                         SELECT ?1, title, path, position, synced_at FROM decks WHERE id = ?2",
                        params![deck, old],
                    )
                    .map_err(fail)?;
                    tx.execute(
                        "UPDATE cards SET deck = ?1 WHERE deck = ?2",
                        params![deck, old],
                    )
                    .map_err(fail)?;
                    tx.execute("DELETE FROM decks WHERE id = ?1", [old])
                        .map_err(fail)?;
                }
                // Another deck row may still claim this file (its id changed
                // and the old id was kept by another file): the path moves here.
                tx.execute(
                    "UPDATE decks SET path = '' WHERE path = ?1 AND id <> ?2",
                    params![plan.source.canonical, deck],
                )
                .map_err(fail)?;
                tx.execute(
                    "INSERT INTO decks (id, title, path, position, file_size, file_mtime, file_hash,
                       header_hash, synced_at)
                     VALUES (?1, ?2, ?3, (SELECT coalesce(max(position), 0) + 1 FROM decks), ?4, ?5, ?6, ?7, ?8)
                     ON CONFLICT (id) DO UPDATE SET title = excluded.title, path = excluded.path,
                       file_size = excluded.file_size, file_mtime = excluded.file_mtime,
                       file_hash = excluded.file_hash, header_hash = excluded.header_hash,
                       synced_at = excluded.synced_at",
                    params![
                        deck,
                        plan.sync.title,
                        plan.source.canonical,
                        plan.source.stamp.size,
                        plan.source.stamp.mtime,
                        plan.source.hash,
                        plan.source.header_hash,
                        synced_at
                    ],
                )
                .map_err(fail)?;
                if let Some(exam) = plan.exam {
                    tx.execute(
                        "UPDATE decks SET exam = ?2, course_order = ?3, tags = ?4, scheduler = ?5,
                           retention = ?6 WHERE id = ?1",
                        params![
                            deck,
                            exam,
                            plan.order,
                            serde_json::to_string(&plan.tags).unwrap_or_else(|_| "[]".into()),
                            plan.scheduler,
                            plan.retention
                        ],
                    )
                    .map_err(fail)?;
                }
                for retiring in &plan.retire {
                    retire.execute([retiring.row]).map_err(fail)?;
                }
                for m in &plan.moved {
                    move_row
                        .execute(params![m.row, m.line, m.position])
                        .map_err(fail)?;
                }
                for (card, planned) in plan.cards.iter().zip(&plan.planned) {
                    let Some(row) = planned.write() else {
                        continue;
                    };
                    let fields = &planned.fields(card);
                    write_card
                        .execute(params![
                            row,
                            deck,
                            card.id,
                            card.normalized_question,
                            card.question,
                            fields.answer,
                            card.points,
                            fields.tags,
                            card.note,
                            card.source,
                            card.pos.line,
                            fields.position,
                            planned.text_hash,
                            fields.kind,
                            card.ask
                        ])
                        .map_err(fail)?;
                }
            }
        }
        // A card back from retirement brings back reviews that the count a
        // fit would rest on (kept with the memory cache, over live cards)
        // left out: the next upkeep counts the whole log again.
        let restored = outcomes.iter().any(|outcome| {
            matches!(outcome, Outcome::Changed(plan) if plan.sync.count(ChangeKind::Restored) > 0)
        });
        if restored {
            tx.execute("UPDATE memory_model SET cached_pairs = NULL", [])
                .map_err(fail)?;
        }
        tx.execute_batch("PRAGMA cache_size = -2000").map_err(fail)
    }
}

fn read_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        id: row.get(0)?,
        key: row.get(1)?,
        qnorm: row.get(2)?,
        question: row.get(3)?,
        answer: row.get(4)?,
        points: row.get(5)?,
        tags: row.get(6)?,
        note: row.get(7)?,
        source: row.get(8)?,
        line: row.get(9)?,
        position: row.get(10)?,
        retired: row.get::<_, i64>(11)? != 0,
        text_hash: row.get(12)?,
        kind: row.get(13)?,
        ask: row.get(14)?,
    })
}
