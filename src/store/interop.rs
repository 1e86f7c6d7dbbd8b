//! What exports read from the store: each card's state and review log, to
//! carry them into another program.

use chrono::{DateTime, NaiveDate};
use rusqlite::params;

use super::{CardId, Store, StoreError};
use crate::deck::DeckId;

/// A card of a deck with its state and its log, matched to the deck file
/// by `key` (its `id`) or by its question as compared.
#[derive(Debug, Clone, PartialEq)]
pub struct CardHistory {
    pub key: Option<String>,
    pub qnorm: String,
    pub due: Option<NaiveDate>,
    pub interval: u32,
    /// SM-2 ease in hundredths.
    pub ease: u32,
    pub reps: u32,
    pub lapses: u32,
    pub reviews: Vec<LoggedReview>,
}

/// One rating of a card's log.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedReview {
    /// Milliseconds since the epoch.
    pub at_ms: i64,
    pub day: NaiveDate,
    pub rating: u8,
    pub took_ms: i64,
    pub scheduled: bool,
    pub ticks: Option<Vec<usize>>,
    pub before_reps: u32,
    pub before_interval: u32,
    pub after_interval: u32,
    pub after_ease: u32,
}

impl Store {
    /// The cards of `deck` still in it, with their state and log (oldest
    /// rating first).
    pub fn card_histories(&self, deck: &DeckId) -> Result<Vec<CardHistory>, StoreError> {
        let mut cards = self
            .conn
            .prepare_cached(
                "SELECT id, key, qnorm, due, interval, ease, reps, lapses FROM cards
                 WHERE deck = ?1 AND retired = 0 ORDER BY position, id",
            )
            .map_err(|e| self.fail(e))?;
        let rows = cards
            .query_map([deck], |row| {
                Ok((
                    row.get::<_, CardId>(0)?,
                    CardHistory {
                        key: row.get(1)?,
                        qnorm: row.get(2)?,
                        due: row.get(3)?,
                        interval: row.get(4)?,
                        ease: row.get(5)?,
                        reps: row.get(6)?,
                        lapses: row.get(7)?,
                        reviews: Vec::new(),
                    },
                ))
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.fail(e))?;
        let mut log = self
            .conn
            .prepare_cached(
                "SELECT at, day, rating, took_ms, scheduled, ticks, before_reps, before_interval,
                        after_interval, after_ease
                 FROM reviews WHERE card = ?1 ORDER BY id",
            )
            .map_err(|e| self.fail(e))?;
        let mut out = Vec::with_capacity(rows.len());
        for (id, mut card) in rows {
            card.reviews = log
                .query_map(params![id], |row| {
                    let at: String = row.get(0)?;
                    let ticks: Option<String> = row.get(5)?;
                    Ok(LoggedReview {
                        at_ms: DateTime::parse_from_rfc3339(&at)
                            .map(|t| t.timestamp_millis())
                            .unwrap_or(0),
                        day: row.get(1)?,
                        rating: row.get(2)?,
                        took_ms: row.get(3)?,
                        scheduled: row.get(4)?,
                        ticks: ticks.and_then(|t| serde_json::from_str(&t).ok()),
                        before_reps: row.get(6)?,
                        before_interval: row.get(7)?,
                        after_interval: row.get(8)?,
                        after_ease: row.get(9)?,
                    })
                })
                .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
                .map_err(|e| self.fail(e))?;
            out.push(card);
        }
        Ok(out)
    }
}
