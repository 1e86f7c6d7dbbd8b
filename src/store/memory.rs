//! What the model of memory reads and keeps: each card with the part of its
//! log not yet replayed, the fitted parameters; the cache of memory states
//! and its upkeep are in `memory_cache.rs`.

use chrono::{Days, NaiveDate};
use rusqlite::{OptionalExtension, params};

use super::review::{CardId, state_from};
use super::{Store, StoreError};
use crate::deck::DeckId;
use crate::hash::FastMap;
use crate::memory::{Logged, Memory, Sm2Start};
use crate::sched::{CardState, Ease, Retention, Scheduler};

/// A card as the model sees it: its SM-2 state, its cached memory, and the
/// reviews to replay on top of that.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelCard {
    pub id: CardId,
    pub deck: DeckId,
    /// Order in its deck.
    pub position: i64,
    pub line: u32,
    pub question: String,
    pub tags: Vec<String>,
    pub state: CardState,
    /// The memory replayed last time, if still valid.
    pub cached: Option<Memory>,
    /// Without a cached memory: the SM-2 state the card had before its log
    /// begins, when the log does not start at its first review.
    pub start: Option<Sm2Start>,
    /// Reviews since the cached memory (all of them without one), oldest first.
    pub log: Vec<Logged>,
}

/// The parameters in use and what the last fit did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StoredModel {
    /// Changes whenever the parameters do; cached states carry it.
    pub version: i64,
    /// `None`: the crate's defaults.
    pub parameters: Option<Vec<f32>>,
    pub fitted_reviews: usize,
    pub fitted_at: Option<String>,
    pub last_fit_at: Option<String>,
    pub last_fit_result: Option<String>,
    /// Cached memory states include every review up to this id.
    pub cached_through: i64,
    /// Of the reviews up to `cached_through`, how many came on a later day
    /// than their card's previous review, at most (`None`: not counted).
    pub cached_pairs: Option<usize>,
}

/// A snapshot for rebuilding the cache: what it was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogMark {
    pub through: i64,
    pub count: i64,
}

pub(super) struct LogRow {
    pub(super) card: CardId,
    pub(super) logged: Logged,
    /// The state before this review, when there was one (an older store).
    pub(super) before: Option<Sm2Start>,
}

/// A stored day ("YYYY-MM-DD") read by hand: chrono's general parser was
/// the largest part of planning's read of 10,000 cards. Anything else (or
/// not a day) goes through rusqlite's own conversion, and its error.
pub(super) fn day_column(
    row: &rusqlite::Row<'_>,
    index: usize,
) -> rusqlite::Result<Option<NaiveDate>> {
    match row.get_ref(index)? {
        rusqlite::types::ValueRef::Null => Ok(None),
        rusqlite::types::ValueRef::Text(text) => match iso_day(text) {
            Some(day) => Ok(Some(day)),
            None => row.get(index),
        },
        _ => row.get(index),
    }
}

/// "YYYY-MM-DD" as a day, `None` for any other text or no such day.
fn iso_day(text: &[u8]) -> Option<NaiveDate> {
    let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *text else {
        return None;
    };
    let digits = |bytes: &[u8]| {
        bytes.iter().try_fold(0u32, |n, b| {
            b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
        })
    };
    let year = i32::try_from(digits(&[y0, y1, y2, y3])?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(&[m0, m1])?, digits(&[d0, d1])?)
}

pub(super) fn log_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<LogRow> {
    let before_due: Option<NaiveDate> = row.get(3)?;
    let ease: Ease = row.get(4)?;
    let interval: u32 = row.get(5)?;
    let before_last: Option<NaiveDate> = row.get(6)?;
    let before = before_due.map(|due| Sm2Start {
        ease,
        interval,
        day: before_last.unwrap_or_else(|| {
            due.checked_sub_days(Days::new(interval.into()))
                .unwrap_or(due)
        }),
    });
    Ok(LogRow {
        card: row.get(0)?,
        logged: Logged {
            day: row.get(1)?,
            rating: row.get(2)?,
            verdict: row.get(7)?,
        },
        before,
    })
}

/// A card with a schedule but no log at all (an older store) starts from
/// its SM-2 state.
pub(super) fn start_from_schedule(card: &mut ModelCard) {
    if card.cached.is_none()
        && card.log.is_empty()
        && card.start.is_none()
        && let Some(due) = card.state.due
    {
        let interval = card.state.interval;
        card.start = Some(Sm2Start {
            ease: card.state.ease,
            interval,
            day: card.state.last_day.unwrap_or_else(|| {
                due.checked_sub_days(Days::new(interval.into()))
                    .unwrap_or(due)
            }),
        });
    }
}

pub(super) const LOG_COLUMNS: &str =
    "card, day, rating, before_due, before_ease, before_interval, before_last_day, verdict";

impl Store {
    pub fn stored_model(&self) -> Result<StoredModel, StoreError> {
        self.conn
            .query_row(
                "SELECT version, parameters, fitted_reviews, fitted_at, last_fit_at, last_fit_result,
                   cached_through, cached_pairs FROM memory_model WHERE id = 1",
                [],
                |row| {
                    let parameters: Option<String> = row.get(1)?;
                    Ok(StoredModel {
                        version: row.get(0)?,
                        parameters: parameters.and_then(|p| serde_json::from_str(&p).ok()),
                        fitted_reviews: usize::try_from(row.get::<_, i64>(2)?).unwrap_or(0),
                        fitted_at: row.get(3)?,
                        last_fit_at: row.get(4)?,
                        last_fit_result: row.get(5)?,
                        cached_through: row.get(6)?,
                        cached_pairs: row
                            .get::<_, Option<i64>>(7)?
                            .and_then(|n| usize::try_from(n).ok()),
                    })
                },
            )
            .optional()
            .map(Option::unwrap_or_default)
            .map_err(|e| self.fail(e))
    }

    /// Keeps fitted parameters: a new model version, so every cached state
    /// is replayed again with them.
    pub fn save_fitted_model(
        &mut self,
        parameters: &[f32],
        reviews: usize,
        at: &str,
        result: &str,
    ) -> Result<(), StoreError> {
        let path = self.path.clone();
        let fail = |err: rusqlite::Error| super::classify(&path, err);
        let tx = self.immediate()?;
        let json = serde_json::to_string(parameters).unwrap_or_else(|_| "null".into());
        tx.execute(
            "UPDATE memory_model SET version = version + 1, parameters = ?1, fitted_reviews = ?2,
               fitted_at = ?3, last_fit_at = ?3, last_fit_result = ?4, cached_through = 0,
               cached_pairs = NULL
             WHERE id = 1",
            params![json, i64::try_from(reviews).unwrap_or(i64::MAX), at, result],
        )
        .map_err(fail)?;
        tx.execute("DELETE FROM memory_states", []).map_err(fail)?;
        tx.commit().map_err(fail)
    }

    /// Notes a fit that was not kept, and why.
    pub fn note_fit(&mut self, at: &str, result: &str) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE memory_model SET last_fit_at = ?1, last_fit_result = ?2 WHERE id = 1",
                params![at, result],
            )
            .map(|_| ())
            .map_err(|e| self.fail(e))
    }

    /// The cards of these decks with what the model needs to know their
    /// memory: the cached state (for `version`) and the reviews since, or
    /// the whole log. `use_cache` off reads every log whole.
    pub fn model_cards(
        &self,
        decks: &[DeckId],
        version: i64,
        use_cache: bool,
    ) -> Result<Vec<ModelCard>, StoreError> {
        self.read_model_cards(decks, version, use_cache)
    }

    /// The same for planning a session, from the cache, read for speed:
    /// each card's id, order and due day from the due index alone, the
    /// cached memories in one pass over their small table, and the whole
    /// schedule only of the cards the cache misses. Questions, tags and
    /// lines are left empty; the schedule of a cached card holds its due
    /// day only.
    pub fn plan_cards(&self, decks: &[DeckId], version: i64) -> Result<Vec<ModelCard>, StoreError> {
        let through = self.stored_model()?.cached_through;
        let mut cached: FastMap<CardId, Memory> = FastMap::default();
        {
            let mut states = self
                .conn
                .prepare_cached(
                    "SELECT card, stability, difficulty, last_day FROM memory_states
                     WHERE model = ?1",
                )
                .map_err(|e| self.fail(e))?;
            let rows = states
                .query_map([version], |row| {
                    #[allow(clippy::cast_possible_truncation)]
                    Ok((
                        row.get::<_, CardId>(0)?,
                        Memory {
                            stability: row.get::<_, f64>(1)? as f32,
                            difficulty: row.get::<_, f64>(2)? as f32,
                            last_day: day_column(row, 3)?.map_or_else(|| row.get(3), Ok)?,
                        },
                    ))
                })
                .map_err(|e| self.fail(e))?;
            for row in rows {
                let (card, memory) = row.map_err(|e| self.fail(e))?;
                cached.insert(card, memory);
            }
        }
        let mut cards: Vec<ModelCard> = self.each_deck(
            "SELECT id, position, due FROM cards
             WHERE deck = ?1 AND retired = 0 ORDER BY position",
            decks,
            &[],
            |_, deck, row| {
                let id: CardId = row.get(0)?;
                Ok(ModelCard {
                    id,
                    deck: deck.clone(),
                    position: row.get(1)?,
                    line: 0,
                    question: String::new(),
                    tags: Vec::new(),
                    state: CardState {
                        due: day_column(row, 2)?,
                        ..CardState::default()
                    },
                    cached: cached.remove(&id),
                    start: None,
                    log: Vec::new(),
                })
            },
        )?;
        // A card the cache misses may need its SM-2 state to start from.
        let mut whole_state = self
            .conn
            .prepare_cached(
                "SELECT reps, ease, interval, due, lapses, last_rating, last_day
                 FROM cards WHERE id = ?1",
            )
            .map_err(|e| self.fail(e))?;
        for card in cards
            .iter_mut()
            .filter(|c| c.cached.is_none() && c.state.due.is_some())
        {
            card.state = whole_state
                .query_row([card.id], |row| state_from(row, 0))
                .map_err(|e| self.fail(e))?;
        }
        self.attach_logs(cards, through)
    }

    fn read_model_cards(
        &self,
        decks: &[DeckId],
        version: i64,
        use_cache: bool,
    ) -> Result<Vec<ModelCard>, StoreError> {
        let through = if use_cache {
            self.stored_model()?.cached_through
        } else {
            0
        };
        let cards: Vec<ModelCard> = self.each_deck(
            "SELECT c.id, c.position, c.line, c.question, c.tags,
               c.reps, c.ease, c.interval, c.due, c.lapses, c.last_rating, c.last_day,
               m.stability, m.difficulty, m.last_day
             FROM cards c LEFT JOIN memory_states m ON m.card = c.id AND m.model = ?2
             WHERE c.deck = ?1 AND c.retired = 0 ORDER BY c.position",
            decks,
            params![version],
            |_, deck, row| {
                let tags: String = row.get(4)?;
                let stability: Option<f64> = row.get(12)?;
                let difficulty: Option<f64> = row.get(13)?;
                let last: Option<NaiveDate> = row.get(14)?;
                #[allow(clippy::cast_possible_truncation)]
                let cached = match (stability, difficulty, last) {
                    (Some(s), Some(d), Some(last_day)) if use_cache => Some(Memory {
                        stability: s as f32,
                        difficulty: d as f32,
                        last_day,
                    }),
                    _ => None,
                };
                Ok(ModelCard {
                    id: row.get(0)?,
                    deck: deck.clone(),
                    position: row.get(1)?,
                    line: u32::try_from(row.get::<_, i64>(2)?).unwrap_or(0),
                    question: row.get(3)?,
                    tags: serde_json::from_str(&tags).unwrap_or_default(),
                    state: state_from(row, 5)?,
                    cached,
                    start: None,
                    log: Vec::new(),
                })
            },
        )?;
        self.attach_logs(cards, through)
    }

    /// Every card in play, one at a time in the order of their ids, with
    /// its whole log and where it starts from, as [`Store::model_cards`]
    /// reads them without the cache (questions, tags and lines left
    /// empty), handed to `each` as it is read: the cards and the log are
    /// walked side by side, the log through its index by card, so no more
    /// than one card's log is held.
    pub fn each_model_card<E: From<StoreError>>(
        &self,
        mut each: impl FnMut(ModelCard) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut cards = self
            .conn
            .prepare_cached(
                "SELECT id, deck, position, reps, ease, interval, due, lapses, last_rating, last_day
                 FROM cards WHERE retired = 0 AND deck IN (SELECT id FROM decks) ORDER BY id",
            )
            .map_err(|e| self.fail(e))?;
        let mut logs = self
            .conn
            .prepare_cached(&format!(
                "SELECT {LOG_COLUMNS} FROM reviews INDEXED BY reviews_by_card ORDER BY card, id"
            ))
            .map_err(|e| self.fail(e))?;
        let mut card_rows = cards.query([]).map_err(|e| self.fail(e))?;
        let mut log_rows = logs.query([]).map_err(|e| self.fail(e))?;
        let mut next_log = || -> Result<Option<LogRow>, StoreError> {
            match log_rows.next().map_err(|e| self.fail(e))? {
                Some(row) => log_row(row).map(Some).map_err(|e| self.fail(e)),
                None => Ok(None),
            }
        };
        let mut pending = next_log()?;
        while let Some(row) = card_rows.next().map_err(|e| self.fail(e))? {
            let mut card = ModelCard {
                id: row.get(0).map_err(|e| self.fail(e))?,
                deck: row.get(1).map_err(|e| self.fail(e))?,
                position: row.get(2).map_err(|e| self.fail(e))?,
                line: 0,
                question: String::new(),
                tags: Vec::new(),
                state: state_from(row, 3).map_err(|e| self.fail(e))?,
                cached: None,
                start: None,
                log: Vec::new(),
            };
            // The reviews of cards not in play (retired) are passed over.
            while pending.as_ref().is_some_and(|r| r.card < card.id) {
                pending = next_log()?;
            }
            while let Some(review) = pending.take_if(|r| r.card == card.id) {
                if card.log.is_empty() {
                    card.start = review.before;
                }
                card.log.push(review.logged);
                pending = next_log()?;
            }
            start_from_schedule(&mut card);
            each(card)?;
        }
        Ok(())
    }

    /// Each card's log since the cache (`through`; all of it for a card the
    /// cache misses), and where a card with no usable log starts from.
    fn attach_logs(
        &self,
        mut cards: Vec<ModelCard>,
        through: i64,
    ) -> Result<Vec<ModelCard>, StoreError> {
        let index: FastMap<CardId, usize> =
            cards.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
        // Cards seen before the cache was made but not in it (an undo, or
        // a store older than the cache) are read whole, one by one.
        let whole: Vec<usize> = if through > 0 {
            cards
                .iter()
                .enumerate()
                .filter(|(_, c)| c.cached.is_none() && !c.state.is_new())
                .map(|(i, _)| i)
                .collect()
        } else {
            Vec::new()
        };
        let mut first_seen: Vec<bool> = vec![false; cards.len()];
        let mut push = |cards: &mut Vec<ModelCard>, row: LogRow, at: usize| {
            let card = &mut cards[at];
            if !first_seen[at] {
                first_seen[at] = true;
                if card.cached.is_none() {
                    card.start = row.before;
                }
            }
            card.log.push(row.logged);
        };
        {
            let mut since = self
                .conn
                .prepare_cached(&format!(
                    "SELECT {LOG_COLUMNS} FROM reviews WHERE id > ?1 ORDER BY id"
                ))
                .map_err(|e| self.fail(e))?;
            let rows = since
                .query_map([through], log_row)
                .map_err(|e| self.fail(e))?;
            let skip: std::collections::HashSet<usize> = whole.iter().copied().collect();
            for row in rows {
                let row = row.map_err(|e| self.fail(e))?;
                if let Some(&at) = index.get(&row.card)
                    && !skip.contains(&at)
                {
                    push(&mut cards, row, at);
                }
            }
        }
        if !whole.is_empty() {
            let mut one = self
                .conn
                .prepare_cached(&format!(
                    "SELECT {LOG_COLUMNS} FROM reviews WHERE card = ?1 ORDER BY id"
                ))
                .map_err(|e| self.fail(e))?;
            for at in whole {
                let rows = one
                    .query_map([cards[at].id], log_row)
                    .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
                    .map_err(|e| self.fail(e))?;
                for row in rows {
                    push(&mut cards, row, at);
                }
            }
        }
        for card in &mut cards {
            start_from_schedule(card);
        }
        Ok(cards)
    }

    /// Time spent studying on each of the latest `days` study days with a
    /// review, in milliseconds, each review counted at most `cap_ms`
    /// (a card left open is not study); the latest day first.
    pub fn study_time_by_day(&self, days: usize, cap_ms: u64) -> Result<Vec<u64>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT sum(min(max(took_ms, 0), ?2)) FROM reviews
                 GROUP BY day ORDER BY day DESC LIMIT ?1",
            )
            .map_err(|e| self.fail(e))?;
        statement
            .query_map(
                params![
                    i64::try_from(days).unwrap_or(i64::MAX),
                    i64::try_from(cap_ms).unwrap_or(i64::MAX)
                ],
                |row| row.get::<_, i64>(0),
            )
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map(|times| {
                times
                    .into_iter()
                    .map(|t| u64::try_from(t).unwrap_or(0))
                    .collect()
            })
            .map_err(|e| self.fail(e))
    }

    /// Time taken on the latest `limit` reviews, in milliseconds.
    pub fn recent_review_times(&self, limit: usize) -> Result<Vec<u64>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT took_ms FROM reviews ORDER BY id DESC LIMIT ?1")
            .map_err(|e| self.fail(e))?;
        statement
            .query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |row| {
                row.get::<_, i64>(0)
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map(|times| {
                times
                    .into_iter()
                    .map(|t| u64::try_from(t).unwrap_or(0))
                    .collect()
            })
            .map_err(|e| self.fail(e))
    }
}

impl Store {
    /// Each deck's title.
    pub fn deck_titles(
        &self,
        decks: &[DeckId],
    ) -> Result<std::collections::BTreeMap<String, String>, StoreError> {
        let titles = self.each_deck(
            "SELECT title FROM decks WHERE id = ?1",
            decks,
            &[],
            |_, deck, row| Ok((deck.to_string(), row.get(0)?)),
        )?;
        Ok(titles.into_iter().collect())
    }
}

impl Store {
    /// The scheduler and retention a deck names (`scheduler:`,
    /// `retention:`), as last synced.
    pub fn deck_scheduling(
        &self,
        deck: &DeckId,
    ) -> Result<(Option<Scheduler>, Option<Retention>), StoreError> {
        self.conn
            .prepare_cached("SELECT scheduler, retention FROM decks WHERE id = ?1")
            .and_then(|mut s| {
                s.query_row([deck], |row| Ok((row.get(0)?, row.get(1)?)))
                    .optional()
            })
            .map(|found| found.unwrap_or((None, None)))
            .map_err(|e| self.fail(e))
    }

    /// One card's whole log, to replay its memory alone (after a rating):
    /// never more than that card's reviews are read.
    pub fn model_card(&self, card: CardId) -> Result<Option<ModelCard>, StoreError> {
        let found = self
            .conn
            .prepare_cached(
                "SELECT deck, position, line, question, reps, ease, interval, due, lapses,
                   last_rating, last_day FROM cards WHERE id = ?1",
            )
            .and_then(|mut s| {
                s.query_row([card], |row| {
                    Ok(ModelCard {
                        id: card,
                        deck: row.get(0)?,
                        position: row.get(1)?,
                        line: u32::try_from(row.get::<_, i64>(2)?).unwrap_or(0),
                        question: row.get(3)?,
                        tags: Vec::new(),
                        state: state_from(row, 4)?,
                        cached: None,
                        start: None,
                        log: Vec::new(),
                    })
                })
                .optional()
            })
            .map_err(|e| self.fail(e))?;
        let Some(mut found) = found else {
            return Ok(None);
        };
        let rows = self
            .conn
            .prepare_cached(&format!(
                "SELECT {LOG_COLUMNS} FROM reviews WHERE card = ?1 ORDER BY id"
            ))
            .and_then(|mut s| {
                s.query_map([card], log_row)
                    .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            })
            .map_err(|e| self.fail(e))?;
        for (i, row) in rows.into_iter().enumerate() {
            if i == 0 {
                found.start = row.before;
            }
            found.log.push(row.logged);
        }
        Ok(Some(found))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_days_read_by_hand_are_chronos_days() {
        let mut day = NaiveDate::from_ymd_opt(1999, 12, 25).unwrap();
        for _ in 0..12_000 {
            let text = day.format("%Y-%m-%d").to_string();
            assert_eq!(iso_day(text.as_bytes()), Some(day), "{text}");
            day = day.succ_opt().unwrap();
        }
        for odd in [
            "2026-02-30",
            "2026-13-01",
            "2026-1-01",
            "2026-01-1x",
            "20260101",
            "",
            "２０２６-01-01",
            "2026-01-01 ",
        ] {
            assert_eq!(iso_day(odd.as_bytes()), None, "{odd}");
        }
    }
}
