//! The cache of memory states and its upkeep between sessions: brought up
//! to date from the cards whose log changed since it was made, and the
//! count a fit would rest on kept beside it.

use rusqlite::{OptionalExtension, params};

use super::memory::{
    LOG_COLUMNS, LogMark, ModelCard, StoredModel, day_column, log_row, start_from_schedule,
};
use super::review::{CardId, state_from};
use super::{Store, StoreError};
use crate::memory::Memory;

const INSERT_STATE: &str =
    "INSERT INTO memory_states (card, model, stability, difficulty, last_day)
     VALUES (?1, ?2, ?3, ?4, ?5)";

/// Whether the model is still `version` and the log still holds what it
/// held at `mark`, new reviews aside.
fn log_still_at(
    tx: &rusqlite::Transaction<'_>,
    version: i64,
    mark: LogMark,
) -> rusqlite::Result<bool> {
    let (now_version, count): (i64, i64) = tx.query_row(
        "SELECT (SELECT version FROM memory_model WHERE id = 1),
                (SELECT count(*) FROM reviews WHERE id <= ?1)",
        [mark.through],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    Ok(now_version == version && count == mark.count)
}

fn set_cached_through(
    tx: &rusqlite::Transaction<'_>,
    mark: LogMark,
    pairs: Option<usize>,
) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE memory_model SET cached_through = ?1, cached_pairs = ?2 WHERE id = 1",
        params![
            mark.through,
            pairs.map(|n| i64::try_from(n).unwrap_or(i64::MAX))
        ],
    )?;
    Ok(())
}

impl Store {
    /// The review log's extent now, to tell later whether it changed.
    pub fn log_mark(&self) -> Result<LogMark, StoreError> {
        self.conn
            .query_row(
                "SELECT coalesce(max(id), 0), count(*) FROM reviews",
                [],
                |row| {
                    Ok(LogMark {
                        through: row.get(0)?,
                        count: row.get(1)?,
                    })
                },
            )
            .map_err(|e| self.fail(e))
    }

    /// Replaces the cache of memory states, read at `mark` with model
    /// `version`. Nothing is written when the log changed meanwhile other
    /// than by new reviews (an undo), or the model did.
    pub fn save_memory_cache(
        &mut self,
        version: i64,
        mark: LogMark,
        states: &[(CardId, Memory)],
    ) -> Result<bool, StoreError> {
        self.save_counted_memory_cache(version, mark, states, None)
    }

    /// [`Store::save_memory_cache`], with `pairs`: how many of the reviews
    /// read came on a later day than their card's previous one, at most
    /// (see [`StoredModel::cached_pairs`]).
    pub fn save_counted_memory_cache<'a>(
        &mut self,
        version: i64,
        mark: LogMark,
        states: impl IntoIterator<Item = &'a (CardId, Memory)>,
        pairs: Option<usize>,
    ) -> Result<bool, StoreError> {
        let path = self.path.clone();
        let fail = |err: rusqlite::Error| super::classify(&path, err);
        let tx = self.immediate()?;
        if !log_still_at(&tx, version, mark).map_err(fail)? {
            return Ok(false);
        }
        tx.execute("DELETE FROM memory_states", []).map_err(fail)?;
        {
            let mut insert = tx.prepare_cached(INSERT_STATE).map_err(fail)?;
            for (card, memory) in states {
                insert
                    .execute(params![
                        card,
                        version,
                        f64::from(memory.stability),
                        f64::from(memory.difficulty),
                        memory.last_day
                    ])
                    .map_err(fail)?;
            }
        }
        set_cached_through(&tx, mark, pairs).map_err(fail)?;
        tx.commit().map_err(fail)?;
        Ok(true)
    }

    /// Brings the cache of memory states up to `mark`, read with model
    /// `version` from the cache as it was through `base`: the states of
    /// the cards [`Store::changed_model_cards`] gave, replaced (`None`: the
    /// card has no memory); the states of retired cards dropped, as a
    /// whole rebuild leaves them out. Nothing is written when the log
    /// changed meanwhile other than by new reviews, the model did, or the
    /// cache moved. `pairs` as for [`Store::save_counted_memory_cache`].
    pub fn update_memory_cache(
        &mut self,
        version: i64,
        base: i64,
        mark: LogMark,
        states: &[(CardId, Option<Memory>)],
        pairs: Option<usize>,
    ) -> Result<bool, StoreError> {
        let path = self.path.clone();
        let fail = |err: rusqlite::Error| super::classify(&path, err);
        let tx = self.immediate()?;
        let through: i64 = tx
            .query_row(
                "SELECT cached_through FROM memory_model WHERE id = 1",
                [],
                |row| row.get(0),
            )
            .map_err(fail)?;
        if through != base || !log_still_at(&tx, version, mark).map_err(fail)? {
            return Ok(false);
        }
        {
            let mut insert = tx
                .prepare_cached(&INSERT_STATE.replacen("INSERT", "INSERT OR REPLACE", 1))
                .map_err(fail)?;
            let mut delete = tx
                .prepare_cached("DELETE FROM memory_states WHERE card = ?1")
                .map_err(fail)?;
            for (card, memory) in states {
                match memory {
                    Some(memory) => insert.execute(params![
                        card,
                        version,
                        f64::from(memory.stability),
                        f64::from(memory.difficulty),
                        memory.last_day
                    ]),
                    None => delete.execute([card]),
                }
                .map_err(fail)?;
            }
        }
        tx.execute(
            "DELETE FROM memory_states WHERE card IN (SELECT id FROM cards WHERE retired = 1)",
            [],
        )
        .map_err(fail)?;
        set_cached_through(&tx, mark, pairs).map_err(fail)?;
        tx.commit().map_err(fail)?;
        Ok(true)
    }

    /// The id of the latest review (0 when there is none): where the log
    /// ends, read from the end of its table.
    pub fn latest_review(&self) -> Result<i64, StoreError> {
        self.conn
            .prepare_cached("SELECT coalesce(max(id), 0) FROM reviews")
            .and_then(|mut s| s.query_row([], |row| row.get(0)))
            .map_err(|e| self.fail(e))
    }

    /// At most how many reviews up to the review `through` came on a later
    /// day than their card's previous review (what a fit would rest on, or
    /// more): the count kept with the cache and those since, counted
    /// through the index of each card's reviews; the whole log's size when
    /// the cache kept no count.
    pub fn fit_size_bound(&self, stored: &StoredModel, through: i64) -> Result<usize, StoreError> {
        let counted = stored
            .cached_pairs
            .filter(|_| stored.cached_through <= through);
        let Some(pairs) = counted else {
            let whole: i64 = self
                .conn
                .prepare_cached("SELECT count(*) FROM reviews WHERE id <= ?1")
                .and_then(|mut s| s.query_row([through], |row| row.get(0)))
                .map_err(|e| self.fail(e))?;
            return Ok(usize::try_from(whole).unwrap_or(0));
        };
        let since: i64 = self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM reviews r WHERE r.id > ?1 AND r.id <= ?2
                   AND r.day > (SELECT p.day FROM reviews p WHERE p.card = r.card AND p.id < r.id
                                ORDER BY p.id DESC LIMIT 1)",
            )
            .and_then(|mut s| s.query_row([stored.cached_through, through], |row| row.get(0)))
            .map_err(|e| self.fail(e))?;
        Ok(pairs.saturating_add(usize::try_from(since).unwrap_or(0)))
    }

    /// The cards whose cached memory (for `version`, through the review
    /// `through`) the reviews since leave behind, and only those, with what the model needs to
    /// bring it up to date: a cached card with its reviews since; a card
    /// seen (scheduled, or with a review) but missing from the cache with
    /// its whole log, or the SM-2 state it starts from. Retired cards are
    /// left out. Questions, tags and lines are left empty. Bringing these
    /// into the cache gives the cache a whole replay would.
    pub fn changed_model_cards(
        &self,
        version: i64,
        through: i64,
    ) -> Result<Vec<ModelCard>, StoreError> {
        let mut changed: Vec<CardId> = Vec::new();
        {
            let mut since = self
                .conn
                .prepare_cached("SELECT DISTINCT card FROM reviews WHERE id > ?1")
                .map_err(|e| self.fail(e))?;
            let mut rows = since.query([through]).map_err(|e| self.fail(e))?;
            while let Some(row) = rows.next().map_err(|e| self.fail(e))? {
                changed.push(row.get(0).map_err(|e| self.fail(e))?);
            }
            let mut missing = self
                .conn
                .prepare_cached(
                    "SELECT c.id FROM cards c
                     WHERE c.retired = 0
                       AND NOT EXISTS (SELECT 1 FROM memory_states m
                                       WHERE m.card = c.id AND m.model = ?1)
                       AND (c.due IS NOT NULL
                            OR EXISTS (SELECT 1 FROM reviews r WHERE r.card = c.id))",
                )
                .map_err(|e| self.fail(e))?;
            let mut rows = missing.query([version]).map_err(|e| self.fail(e))?;
            while let Some(row) = rows.next().map_err(|e| self.fail(e))? {
                changed.push(row.get(0).map_err(|e| self.fail(e))?);
            }
        }
        changed.sort_unstable();
        changed.dedup();
        let mut card_row = self
            .conn
            .prepare_cached(
                "SELECT c.deck, c.position, c.retired,
                   c.reps, c.ease, c.interval, c.due, c.lapses, c.last_rating, c.last_day,
                   m.stability, m.difficulty, m.last_day
                 FROM cards c LEFT JOIN memory_states m ON m.card = c.id AND m.model = ?2
                 WHERE c.id = ?1",
            )
            .map_err(|e| self.fail(e))?;
        let mut log_since = self
            .conn
            .prepare_cached(&format!(
                "SELECT {LOG_COLUMNS} FROM reviews WHERE card = ?1 AND id > ?2 ORDER BY id"
            ))
            .map_err(|e| self.fail(e))?;
        let mut cards = Vec::with_capacity(changed.len());
        for id in changed {
            let found = card_row
                .query_row(params![id, version], |row| {
                    let retired: bool = row.get(2)?;
                    #[allow(clippy::cast_possible_truncation)]
                    let cached = match (
                        row.get::<_, Option<f64>>(10)?,
                        row.get::<_, Option<f64>>(11)?,
                        day_column(row, 12)?,
                    ) {
                        (Some(s), Some(d), Some(last_day)) => Some(Memory {
                            stability: s as f32,
                            difficulty: d as f32,
                            last_day,
                        }),
                        _ => None,
                    };
                    if retired {
                        return Ok(None);
                    }
                    Ok(Some(ModelCard {
                        id,
                        deck: row.get(0)?,
                        position: row.get(1)?,
                        line: 0,
                        question: String::new(),
                        tags: Vec::new(),
                        state: state_from(row, 3)?,
                        cached,
                        start: None,
                        log: Vec::new(),
                    }))
                })
                .optional()
                .map_err(|e| self.fail(e))?
                .flatten();
            let Some(mut card) = found else { continue };
            // A cached card replays the reviews since; any other its whole log.
            let from = if card.cached.is_some() { through } else { 0 };
            let mut rows = log_since
                .query(params![id, from])
                .map_err(|e| self.fail(e))?;
            let mut first = true;
            while let Some(row) = rows.next().map_err(|e| self.fail(e))? {
                let row = log_row(row).map_err(|e| self.fail(e))?;
                if first && card.cached.is_none() {
                    card.start = row.before;
                }
                first = false;
                card.log.push(row.logged);
            }
            start_from_schedule(&mut card);
            cards.push(card);
        }
        Ok(cards)
    }
}
