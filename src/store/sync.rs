//! The store's side of a sync: what it remembers of deck files and cards,
//! read for the planner (`crate::sync::plan`), and a planned sync written in
//! one transaction. Only SQL here; the files are read before, elsewhere.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rusqlite::config::DbConfig;
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};
use crate::deck::file::Stamp;
use crate::deck::{Card, CardKind, DeckId};
use crate::hash::FastMap;
use crate::sync::plan::{
    ChangeKind, DeckFields, KeyedRow, KnownFile, Outcome, Plan, PlannedCard, Row, RowStamp,
};

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
                // Rows rewritten first, with the triggers that keep the
                // per-day counts; the new rows after them (below).
                for (card, planned) in plan.cards.iter().zip(&plan.planned) {
                    let Some(Some(row)) = planned.write() else {
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
        for outcome in outcomes {
            if let Outcome::Changed(plan) = outcome {
                insert_new_rows(tx, plan).map_err(fail)?;
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

/// New rows written by one statement: SQLite keeps the table's and the
/// indexes' cursors open from one row to the next, and a row or an index
/// entry that goes at the end (a new id, the due index's next place) is
/// placed there without a search from the root.
const NEW_ROWS_AT_ONCE: usize = 64;

/// What a new row binds; its id is left to SQLite, its SM-2 state to the
/// columns' defaults.
const NEW_ROW_COLUMNS: &str = "deck, key, qnorm, question, answer, points, tags, note, source, line, position, text_hash, kind, ask";
const NEW_ROW_VALUES: usize = 14;

/// Writes a deck's new rows (in deck order, so their ids follow it) with
/// plain inserts, the triggers off, and then adds them to the per-day
/// counts (`card_counts`, what the insert trigger keeps) once for all.
///
/// With its trigger, each insert opened a statement journal (a copy of
/// every page it touched, to undo a failing trigger) and extracted the
/// kind from the row's JSON. The triggers are off for this connection
/// only, and only while these inserts run: on again whatever they give.
fn insert_new_rows(tx: &rusqlite::Connection, plan: &Plan) -> rusqlite::Result<()> {
    let mut new = plan
        .cards
        .iter()
        .zip(&plan.planned)
        .filter(|(_, planned)| planned.write() == Some(None))
        .peekable();
    if new.peek().is_none() {
        return Ok(());
    }
    let triggers = TriggersOff::new(tx)?;
    let inserted = insert_rows(tx, &plan.sync.deck, new);
    let on = triggers.on();
    let [basic, graded] = inserted?;
    on?;
    // New rows are never due (`due` NULL: the day '') and live; graded
    // unless basic, as the trigger tells them apart.
    let mut count = tx.prepare_cached(
        "INSERT INTO card_counts (deck, due, graded, cards) VALUES (?1, '', ?2, ?3)
         ON CONFLICT DO UPDATE SET cards = cards + excluded.cards",
    )?;
    for (is_graded, cards) in [(false, basic), (true, graded)] {
        if cards > 0 {
            count.execute(params![&plan.sync.deck, is_graded, cards])?;
        }
    }
    Ok(())
}

/// The triggers switched off for one connection until [`TriggersOff::on`],
/// or until dropped, should the code between panic: the connection is
/// never left without them.
struct TriggersOff<'c> {
    conn: &'c rusqlite::Connection,
    off: bool,
}

impl<'c> TriggersOff<'c> {
    fn new(conn: &'c rusqlite::Connection) -> rusqlite::Result<Self> {
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, false)?;
        Ok(Self { conn, off: true })
    }

    /// The triggers on again, and whether that failed.
    fn on(mut self) -> rusqlite::Result<()> {
        self.conn
            .set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, true)?;
        self.off = false;
        Ok(())
    }
}

impl Drop for TriggersOff<'_> {
    fn drop(&mut self) {
        if self.off {
            // Nothing to report to from here: a failure to switch them on
            // again was reported by `on`, and a panic is under way.
            let _ = self
                .conn
                .set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, true);
        }
    }
}

/// Inserts the rows, [`NEW_ROWS_AT_ONCE`] a statement; how many were
/// basic and how many graded.
fn insert_rows<'c>(
    tx: &rusqlite::Connection,
    deck: &DeckId,
    rows: impl Iterator<Item = (&'c Card, &'c PlannedCard)>,
) -> rusqlite::Result<[i64; 2]> {
    let statement = |rows: usize| {
        let one = format!("({})", vec!["?"; NEW_ROW_VALUES].join(", "));
        format!(
            "INSERT INTO cards ({NEW_ROW_COLUMNS}) VALUES {}",
            vec![one; rows].join(", ")
        )
    };
    // One statement for every full run of rows, kept bound from one run
    // to the next; the last, shorter run has its own.
    let mut full = tx.prepare_cached(&statement(NEW_ROWS_AT_ONCE))?;
    let mut counts = [0i64; 2];
    let mut batch: Vec<(&Card, &PlannedCard)> = Vec::with_capacity(NEW_ROWS_AT_ONCE);
    let mut rows = rows.peekable();
    while rows.peek().is_some() {
        batch.clear();
        batch.extend(rows.by_ref().take(NEW_ROWS_AT_ONCE));
        for (card, _) in &batch {
            counts[usize::from(!matches!(card.kind, CardKind::Basic))] += 1;
        }
        if batch.len() == NEW_ROWS_AT_ONCE {
            bind_rows(&mut full, deck, &batch)?;
            full.raw_execute()?;
        } else {
            let mut last = tx.prepare(&statement(batch.len()))?;
            bind_rows(&mut last, deck, &batch)?;
            last.raw_execute()?;
        }
    }
    Ok(counts)
}

fn bind_rows(
    insert: &mut rusqlite::Statement<'_>,
    deck: &DeckId,
    rows: &[(&Card, &PlannedCard)],
) -> rusqlite::Result<()> {
    for (i, (card, planned)) in rows.iter().enumerate() {
        let fields = planned.fields(card);
        let at = i * NEW_ROW_VALUES;
        insert.raw_bind_parameter(at + 1, deck)?;
        insert.raw_bind_parameter(at + 2, &card.id)?;
        insert.raw_bind_parameter(at + 3, &card.normalized_question)?;
        insert.raw_bind_parameter(at + 4, &card.question)?;
        insert.raw_bind_parameter(at + 5, &fields.answer)?;
        insert.raw_bind_parameter(at + 6, card.points)?;
        insert.raw_bind_parameter(at + 7, &fields.tags)?;
        insert.raw_bind_parameter(at + 8, &card.note)?;
        insert.raw_bind_parameter(at + 9, &card.source)?;
        insert.raw_bind_parameter(at + 10, card.pos.line)?;
        insert.raw_bind_parameter(at + 11, fields.position)?;
        insert.raw_bind_parameter(at + 12, planned.text_hash)?;
        insert.raw_bind_parameter(at + 13, &fields.kind)?;
        insert.raw_bind_parameter(at + 14, card.ask)?;
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-12-02T09:00:00+01:00").unwrap()
    }

    /// `cards` cards, every third one true or false; `skip` left out.
    fn deck(cards: usize, skip: &[usize]) -> String {
        let mut text = String::from("title: \"Compté\"\ncards:\n");
        for i in (0..cards).filter(|i| !skip.contains(i)) {
            text.push_str(&format!("  - id: \"c{i}\"\n"));
            if i % 3 == 0 {
                text.push_str(&format!(
                    "    kind: truefalse\n    q: \"Vrai ou faux {i} ?\"\n    answer: true\n"
                ));
            } else {
                text.push_str(&format!(
                    "    q: \"Question {i} ?\"\n    a: \"Réponse {i}\"\n"
                ));
            }
        }
        text
    }

    /// Rows of `card_counts`: deck, due day, graded, cards.
    type Counts = Vec<(String, String, i64, i64)>;

    /// The per-day counts as kept, and as counted afresh from the cards.
    fn counts(store: &Store) -> (Counts, Counts) {
        let read = |sql: &str| -> Counts {
            let mut statement = store.conn.prepare(sql).unwrap();
            statement
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        (
            read("SELECT deck, due, graded, cards FROM card_counts WHERE cards > 0 ORDER BY 1, 2, 3"),
            read(
                "SELECT deck, coalesce(due, ''), json_extract(kind, '$.kind') IS NOT 'basic', count(*)
                 FROM cards WHERE retired = 0 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
            ),
        )
    }

    fn sync(store: &mut Store, path: &PathBuf, text: &str) {
        std::fs::write(path, text).unwrap();
        store
            .sync(std::slice::from_ref(path), false, now())
            .unwrap();
    }

    #[test]
    fn new_rows_inserted_together_are_counted_as_the_trigger_counts_them() {
        let dir = std::env::temp_dir().join(format!("fiches-store-sync-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("deck.yaml");
        let mut store = Store::open(&dir.join("fiches.db")).unwrap();
        // More than one statement's rows, and a last statement of fewer.
        let cards = 2 * NEW_ROWS_AT_ONCE + 7;
        sync(&mut store, &path, &deck(cards, &[]));
        let (kept, counted) = counts(&store);
        assert_eq!(kept, counted);
        assert_eq!(counted.iter().map(|c| c.3).sum::<i64>(), cards as i64);
        assert_eq!(counted.len(), 2, "{counted:?}");
        // Rows in deck order: their ids follow the cards.
        let keys: Vec<String> = {
            let mut statement = store
                .conn
                .prepare("SELECT key FROM cards ORDER BY id")
                .unwrap();
            statement
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        let expected: Vec<String> = (0..cards).map(|i| format!("c{i}")).collect();
        assert_eq!(keys, expected);
        // Cards removed, one back, new ones: retired, restored, inserted.
        sync(&mut store, &path, &deck(cards + 70, &[1, 3, 4]));
        sync(&mut store, &path, &deck(cards + 75, &[1, 4]));
        let (kept, counted) = counts(&store);
        assert_eq!(kept, counted);
        assert_eq!(
            counted.iter().map(|c| c.3).sum::<i64>(),
            (cards + 73) as i64
        );
        // The triggers are on again once the sync is over.
        assert_a_due_day_moves_in_the_counts(&store);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A card given a due day moves in the counts, as the trigger keeps
    /// them: the triggers are on.
    fn assert_a_due_day_moves_in_the_counts(store: &Store) {
        store
            .conn
            .execute("UPDATE cards SET due = '2026-12-05' WHERE key = 'c2'", [])
            .unwrap();
        let (kept, counted) = counts(store);
        assert_eq!(kept, counted);
        assert!(kept.iter().any(|c| c.1 == "2026-12-05"), "{kept:?}");
    }

    /// Whether the connection's triggers are on.
    fn triggers_on(conn: &rusqlite::Connection) -> bool {
        conn.db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER)
            .unwrap()
    }

    #[test]
    fn the_triggers_are_on_again_after_a_failed_insert() {
        let dir =
            std::env::temp_dir().join(format!("fiches-store-sync-failed-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("deck.yaml");
        let mut store = Store::open(&dir.join("fiches.db")).unwrap();
        sync(&mut store, &path, &deck(10, &[]));
        // Two new cards which an index forbids to be in the same deck: the
        // second one's insert fails, and the whole sync with it.
        store
            .conn
            .execute_batch("CREATE UNIQUE INDEX apart ON cards(deck) WHERE key IN ('c10', 'c11')")
            .unwrap();
        let mut text = deck(10, &[]);
        for i in [10, 11] {
            text.push_str(&format!(
                "  - id: \"c{i}\"\n    q: \"Q{i} ?\"\n    a: \"R{i}\"\n"
            ));
        }
        std::fs::write(&path, text).unwrap();
        let failed = store.sync(std::slice::from_ref(&path), false, now());
        assert!(failed.is_err(), "the sync did not fail");
        store.conn.execute_batch("DROP INDEX apart").unwrap();
        assert!(triggers_on(&store.conn));
        assert_a_due_day_moves_in_the_counts(&store);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_triggers_are_on_again_after_a_panic_while_they_are_off() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _triggers = TriggersOff::new(&conn).unwrap();
            assert!(!triggers_on(&conn));
            panic!("a panic between the inserts");
        }));
        assert!(panicked.is_err());
        assert!(triggers_on(&conn));
        TriggersOff::new(&conn).unwrap().on().unwrap();
        assert!(triggers_on(&conn));
    }
}
