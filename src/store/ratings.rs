//! What the student showed beside their self-ratings: the answer items they
//! ticked as recalled.

use super::{Store, StoreError};
use crate::deck::DeckId;
use crate::sched::{Rating, Verdict};

/// A rating of a list answer with the items ticked as recalled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TickedRating {
    pub rating: Rating,
    /// Distinct items ticked.
    pub ticked: usize,
    /// The items the question asks for (`ask:`, else all of them).
    pub asked: usize,
}

impl Store {
    /// Every rating of these decks' list answers that kept its ticks.
    pub fn ticked_ratings(&self, decks: &[DeckId]) -> Result<Vec<TickedRating>, StoreError> {
        let rows = self.each_deck(
            "SELECT r.rating, r.ticks, c.answer, c.ask FROM reviews r JOIN cards c ON c.id = r.card
             WHERE c.deck = ?1 AND r.ticks IS NOT NULL ORDER BY r.id",
            decks,
            &[],
            |_, _, row| {
                Ok((
                    row.get::<_, Rating>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, Option<i64>>(3)?,
                ))
            },
        )?;
        Ok(rows
            .into_iter()
            .filter_map(|(rating, ticks, answer, ask)| {
                let items = match serde_json::from_str::<serde_json::Value>(&answer).ok()? {
                    serde_json::Value::Array(items) => items.len(),
                    _ => return None,
                };
                let mut ticks: Vec<usize> = serde_json::from_str(&ticks).ok()?;
                ticks.retain(|&t| (1..=items).contains(&t));
                ticks.sort_unstable();
                ticks.dedup();
                let asked = ask
                    .and_then(|a| usize::try_from(a).ok())
                    .filter(|&a| a > 0)
                    .unwrap_or(items)
                    .min(items);
                Some(TickedRating {
                    rating,
                    ticked: ticks.len(),
                    asked: asked.max(1),
                })
            })
            .collect())
    }

    /// Every rating of these decks' graded cards given with a verdict, as
    /// (self-rating, verdict), oldest first.
    pub fn graded_ratings(&self, decks: &[DeckId]) -> Result<Vec<(Rating, Verdict)>, StoreError> {
        self.each_deck(
            "SELECT r.rating, r.verdict FROM reviews r JOIN cards c ON c.id = r.card
             WHERE c.deck = ?1 AND r.verdict IS NOT NULL ORDER BY r.id",
            decks,
            &[],
            |_, _, row| Ok((row.get(0)?, row.get(1)?)),
        )
    }
}
