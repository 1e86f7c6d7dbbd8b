//! Figures for `fiches stats` and rows for `fiches cards`.

use chrono::{Days, NaiveDate};
use rusqlite::params;
use serde::Serialize;

use super::review::CardId;
use super::{Store, StoreError};
use crate::deck::DeckId;
use crate::sched::{self, Rating};

/// How a deck stands on a given day. A card is `learning` once seen while
/// SM-2 has not yet given it two successful repetitions in a row (its
/// interval is still a day), `review` after that.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeckStats {
    pub deck: String,
    pub title: String,
    pub cards: usize,
    pub new: usize,
    pub learning: usize,
    pub review: usize,
    pub retired: usize,
    pub due_today: usize,
    /// Cards falling due on each of the next 7 days (tomorrow first).
    pub due_next_7_days: Vec<usize>,
    pub reviews_today: usize,
    /// Ratings of cards already learnt (not new) over the last 30 days.
    pub review_ratings_30_days: usize,
    /// The share of those rated 3 or more; null when there were none.
    pub retention_30_days: Option<f64>,
}

/// What the store counts of decks against an exam day.
#[derive(Debug, Clone, PartialEq)]
pub struct ExamFigures {
    /// Cards never reviewed yet.
    pub unseen: usize,
    /// Cards whose latest rating is 4 or 5.
    pub known: usize,
    /// Cards due each day from today to the exam day, as now scheduled.
    pub due_until_exam: Vec<usize>,
}

/// A card as `fiches cards --json` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CardRow {
    /// The card's number in the store (stable across edits).
    pub card: CardId,
    /// The author's `id`, when the card has one.
    pub id: Option<String>,
    pub deck: String,
    pub question: String,
    pub reps: u32,
    pub ef: f64,
    pub interval: u32,
    pub due: Option<NaiveDate>,
    pub lapses: u32,
    pub last_rating: Option<Rating>,
    pub retired: bool,
}

fn count(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}

impl Store {
    /// Every deck in the store, in the order they were first synced.
    pub fn deck_ids(&self) -> Result<Vec<DeckId>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT id FROM decks ORDER BY position")
            .map_err(|e| self.fail(e))?;

        statement
            .query_map([], |row| row.get::<_, DeckId>(0))
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.fail(e))
    }

    pub fn deck_stats(&self, deck: &DeckId, today: NaiveDate) -> Result<DeckStats, StoreError> {
        let (title, cards, new, learning, review, retired, due_today) = self
            .conn
            .query_row(
                "SELECT d.title,
                   count(c.id) FILTER (WHERE c.retired = 0),
                   count(c.id) FILTER (WHERE c.retired = 0 AND c.due IS NULL),
                   count(c.id) FILTER (WHERE c.retired = 0 AND c.due IS NOT NULL AND c.reps < ?3),
                   count(c.id) FILTER (WHERE c.retired = 0 AND c.reps >= ?3),
                   count(c.id) FILTER (WHERE c.retired = 1),
                   count(c.id) FILTER (WHERE c.retired = 0 AND c.due <= ?2)
                 FROM decks d LEFT JOIN cards c ON c.deck = d.id WHERE d.id = ?1 GROUP BY d.id",
                params![deck, today, sched::LEARNT_AFTER_REPS],
                |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        count(row.get(1)?),
                        count(row.get(2)?),
                        count(row.get(3)?),
                        count(row.get(4)?),
                        count(row.get(5)?),
                        count(row.get(6)?),
                    ))
                },
            )
            .map_err(|e| self.fail(e))?;
        let due_next_7_days = self.due_per_day(std::slice::from_ref(deck), today, 7)?;
        let month_ago = today.checked_sub_days(Days::new(30)).unwrap_or(today);
        // The month's reviews by their day index, then their cards: not
        // every card of the deck with its whole log (1.6 s at 100,000
        // cards and a million reviews, against milliseconds).
        let (reviews_today, rated, passed) = self
            .conn
            .query_row(
                "SELECT
                   count(*) FILTER (WHERE r.day = ?2),
                   count(*) FILTER (WHERE r.day > ?3 AND r.scheduled = 1 AND r.before_due IS NOT NULL),
                   count(*) FILTER (WHERE r.day > ?3 AND r.scheduled = 1 AND r.before_due IS NOT NULL AND r.rating >= ?4)
                 FROM reviews r CROSS JOIN cards c ON c.id = r.card
                 WHERE c.deck = ?1 AND r.day > ?3",
                params![deck, today, month_ago, Rating::PASS],
                |row| Ok((count(row.get(0)?), count(row.get(1)?), count(row.get(2)?))),
            )
            .map_err(|e| self.fail(e))?;
        #[allow(clippy::cast_precision_loss)]
        let retention = (rated > 0).then(|| passed as f64 / rated as f64);
        Ok(DeckStats {
            deck: deck.to_string(),
            title,
            cards,
            new,
            learning,
            review,
            retired,
            due_today,
            due_next_7_days,
            reviews_today,
            review_ratings_30_days: rated,
            retention_30_days: retention,
        })
    }

    /// Every card of these decks, retired ones included, in deck order.
    pub fn card_rows(&self, decks: &[DeckId]) -> Result<Vec<CardRow>, StoreError> {
        self.each_deck(
            "SELECT id, key, deck, question, reps, ease, interval, due, lapses, last_rating, retired
             FROM cards WHERE deck = ?1 ORDER BY retired, position, id",
            decks,
            &[],
            |_, _, row| {
                Ok(CardRow {
                    card: row.get(0)?,
                    id: row.get(1)?,
                    deck: row.get(2)?,
                    question: row.get(3)?,
                    reps: row.get(4)?,
                    ef: f64::from(row.get::<_, u32>(5)?) / 100.0,
                    interval: row.get(6)?,
                    due: row.get(7)?,
                    lapses: row.get(8)?,
                    last_rating: row.get(9)?,
                    retired: row.get::<_, i64>(10)? != 0,
                })
            },
        )
    }

    /// The next days with cards due after `today`, with how many, for summaries.
    pub fn upcoming(
        &self,
        decks: &[DeckId],
        today: NaiveDate,
        days: usize,
    ) -> Result<Vec<(NaiveDate, usize)>, StoreError> {
        let rows: Vec<(NaiveDate, i64)> = self.each_deck(
            "SELECT due, count(*) FROM cards WHERE deck = ?1 AND retired = 0 AND due > ?2
             GROUP BY due ORDER BY due LIMIT ?3",
            decks,
            params![today, i64::try_from(days).unwrap_or(i64::MAX)],
            |_, _, row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        let mut merged: std::collections::BTreeMap<NaiveDate, usize> = Default::default();
        for (due, n) in rows {
            *merged.entry(due).or_default() += count(n);
        }
        Ok(merged.into_iter().take(days).collect())
    }

    /// For tests and tools: the review log of a card, oldest first, as (rating, scheduled).
    pub fn review_log(&self, card: CardId) -> Result<Vec<(Rating, bool)>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT rating, scheduled FROM reviews WHERE card = ?1 ORDER BY id")
            .map_err(|e| self.fail(e))?;

        statement
            .query_map([card], |row| {
                Ok((row.get::<_, Rating>(0)?, row.get::<_, bool>(1)?))
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.fail(e))
    }
}

impl Store {
    /// Cards falling due on each of the `days` days after `today`.
    pub fn due_per_day(
        &self,
        decks: &[DeckId],
        today: NaiveDate,
        days: u64,
    ) -> Result<Vec<usize>, StoreError> {
        let end = today.checked_add_days(Days::new(days)).unwrap_or(today);
        let mut out = vec![0; usize::try_from(days).unwrap_or(0)];
        let rows: Vec<(NaiveDate, i64)> = self.each_deck(
            "SELECT due, count(*) FROM cards
             WHERE deck = ?1 AND retired = 0 AND due > ?2 AND due <= ?3 GROUP BY due",
            decks,
            params![today, end],
            |_, _, row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        for (due, n) in rows {
            let slot = usize::try_from((due - today).num_days() - 1).ok();
            if let Some(slot) = slot.and_then(|i| out.get_mut(i)) {
                *slot += count(n);
            }
        }
        Ok(out)
    }

    /// Ratings given (1 to 5) over the `days` study days ending with `today`.
    pub fn ratings_since(
        &self,
        decks: &[DeckId],
        today: NaiveDate,
        days: u64,
    ) -> Result<[usize; 5], StoreError> {
        let since = today.checked_sub_days(Days::new(days)).unwrap_or(today);
        let mut out = [0; 5];
        let rows: Vec<(i64, i64)> = self.each_deck(
            "SELECT r.rating, count(*) FROM reviews r JOIN cards c ON c.id = r.card
             WHERE c.deck = ?1 AND r.day > ?2 AND r.day <= ?3 GROUP BY r.rating",
            decks,
            params![since, today],
            |_, _, row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        for (rating, n) in rows {
            if let Some(slot) = usize::try_from(rating - 1)
                .ok()
                .and_then(|i| out.get_mut(i))
            {
                *slot += count(n);
            }
        }
        Ok(out)
    }
}

impl Store {
    /// The file a deck was last synced from, if any.
    pub fn deck_path(&self, deck: &DeckId) -> Result<Option<std::path::PathBuf>, StoreError> {
        use rusqlite::OptionalExtension;
        let path: Option<String> = self
            .conn
            .query_row("SELECT path FROM decks WHERE id = ?1", [deck], |row| {
                row.get(0)
            })
            .optional()
            .map_err(|e| self.fail(e))?;
        Ok(path.filter(|p| !p.is_empty()).map(std::path::PathBuf::from))
    }
}

impl Store {
    /// The answer items ticked as recalled with each rating of a card, oldest first.
    pub fn review_ticks(&self, card: CardId) -> Result<Vec<Option<Vec<usize>>>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT ticks FROM reviews WHERE card = ?1 ORDER BY id")
            .map_err(|e| self.fail(e))?;
        statement
            .query_map([card], |row| row.get::<_, Option<String>>(0))
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map(|rows| {
                rows.into_iter()
                    .map(|t| t.and_then(|t| serde_json::from_str(&t).ok()))
                    .collect()
            })
            .map_err(|e| self.fail(e))
    }
}

impl Store {
    /// These decks counted against `exam`, as of `today`.
    pub fn exam_figures(
        &self,
        decks: &[DeckId],
        today: NaiveDate,
        exam: NaiveDate,
    ) -> Result<ExamFigures, StoreError> {
        let rows: Vec<(i64, i64)> = self.each_deck(
            "SELECT count(*) FILTER (WHERE last_rating >= ?3),
                    count(*) FILTER (WHERE due <= ?2)
             FROM cards WHERE deck = ?1 AND retired = 0",
            decks,
            params![today, Rating::KNOWN],
            |_, _, row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        let known = rows.iter().map(|&(k, _)| count(k)).sum();
        let due_today = rows.iter().map(|&(_, d)| count(d)).sum();
        let days_ahead = u64::try_from((exam - today).num_days()).unwrap_or(0);
        let mut due_until_exam = vec![due_today];
        due_until_exam.extend(self.due_per_day(decks, today, days_ahead)?);
        Ok(ExamFigures {
            unseen: self.unseen_count(decks)?,
            known,
            due_until_exam,
        })
    }
}
