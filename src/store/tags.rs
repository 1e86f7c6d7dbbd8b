//! The tags of decks and cards, for studying and counting by tag.

use chrono::NaiveDate;
use rusqlite::params;

use super::review::CardId;
use super::{Store, StoreError};
use crate::deck::DeckId;
use crate::sched::Rating;

/// A live card with the tags it carries itself (its deck's come apart).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaggedCard {
    pub card: CardId,
    pub deck: DeckId,
    pub tags: Vec<String>,
}

/// A rating as figures by tag count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecentRating {
    pub card: CardId,
    pub day: NaiveDate,
    pub rating: Rating,
    /// The day's first rating of a card already learnt: it counts for retention.
    pub of_a_learnt_card: bool,
}

fn tag_list(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

impl Store {
    /// Each deck's own `tags:`, in the order the decks are given.
    pub fn deck_tags(&self, decks: &[DeckId]) -> Result<Vec<(DeckId, Vec<String>)>, StoreError> {
        let found: Vec<(usize, String)> = self.each_deck(
            "SELECT tags FROM decks WHERE id = ?1",
            decks,
            &[],
            |index, _, row| Ok((index, row.get(0)?)),
        )?;
        let mut out: Vec<(DeckId, Vec<String>)> = decks
            .iter()
            .map(|deck| (deck.clone(), Vec::new()))
            .collect();
        for (index, tags) in found {
            out[index].1 = tag_list(&tags);
        }
        Ok(out)
    }

    /// The live cards of these decks with their own tags, in deck order.
    pub fn card_tags(&self, decks: &[DeckId]) -> Result<Vec<TaggedCard>, StoreError> {
        self.each_deck(
            "SELECT id, tags FROM cards WHERE deck = ?1 AND retired = 0 ORDER BY position",
            decks,
            &[],
            |_, deck, row| {
                Ok(TaggedCard {
                    card: row.get(0)?,
                    deck: deck.clone(),
                    tags: tag_list(&row.get::<_, String>(1)?),
                })
            },
        )
    }

    /// The ratings of these decks' cards given after `since`.
    pub fn ratings_after(
        &self,
        decks: &[DeckId],
        since: NaiveDate,
    ) -> Result<Vec<RecentRating>, StoreError> {
        self.each_deck(
            "SELECT r.card, r.day, r.rating, r.scheduled = 1 AND r.before_due IS NOT NULL
             FROM reviews r JOIN cards c ON c.id = r.card
             WHERE c.deck = ?1 AND r.day > ?2 ORDER BY r.id",
            decks,
            params![since],
            |_, _, row| {
                Ok(RecentRating {
                    card: row.get(0)?,
                    day: row.get(1)?,
                    rating: row.get(2)?,
                    of_a_learnt_card: row.get(3)?,
                })
            },
        )
    }
}
