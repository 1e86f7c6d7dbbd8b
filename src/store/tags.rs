//! The tags of decks and cards, for studying and counting by tag.

use chrono::NaiveDate;
use rusqlite::params;

use super::review::CardId;
use super::{Store, StoreError};
use crate::deck::DeckId;

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
    pub rating: u8,
    /// The day's first rating of a card already learnt: it counts for retention.
    pub of_a_learnt_card: bool,
}

fn tag_list(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

impl Store {
    /// Each deck's own `tags:`, in the order the decks are given.
    pub fn deck_tags(&self, decks: &[DeckId]) -> Result<Vec<(DeckId, Vec<String>)>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT tags FROM decks WHERE id = ?1")
            .map_err(|e| self.fail(e))?;
        let mut out = Vec::with_capacity(decks.len());
        for deck in decks {
            let tags: Option<String> = statement
                .query_map([&deck.0], |row| row.get(0))
                .and_then(|mut rows| rows.next().transpose())
                .map_err(|e| self.fail(e))?;
            out.push((
                deck.clone(),
                tags.as_deref().map(tag_list).unwrap_or_default(),
            ));
        }
        Ok(out)
    }

    /// The live cards of these decks with their own tags, in deck order.
    pub fn card_tags(&self, decks: &[DeckId]) -> Result<Vec<TaggedCard>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT id, tags FROM cards WHERE deck = ?1 AND retired = 0 ORDER BY position",
            )
            .map_err(|e| self.fail(e))?;
        let mut out = Vec::new();
        for deck in decks {
            let rows = statement
                .query_map([&deck.0], |row| {
                    Ok((CardId(row.get(0)?), row.get::<_, String>(1)?))
                })
                .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
                .map_err(|e| self.fail(e))?;
            out.extend(rows.into_iter().map(|(card, tags)| TaggedCard {
                card,
                deck: deck.clone(),
                tags: tag_list(&tags),
            }));
        }
        Ok(out)
    }

    /// The ratings of these decks' cards given after `since`.
    pub fn ratings_after(
        &self,
        decks: &[DeckId],
        since: NaiveDate,
    ) -> Result<Vec<RecentRating>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT r.card, r.day, r.rating, r.scheduled = 1 AND r.before_due IS NOT NULL
                 FROM reviews r JOIN cards c ON c.id = r.card
                 WHERE c.deck = ?1 AND r.day > ?2 ORDER BY r.id",
            )
            .map_err(|e| self.fail(e))?;
        let since = since.format("%Y-%m-%d").to_string();
        let mut out = Vec::new();
        for deck in decks {
            let rows = statement
                .query_map(params![deck.0, since], |row| {
                    Ok((
                        row.get::<_, i64>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, i64>(2)?,
                        row.get::<_, bool>(3)?,
                    ))
                })
                .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
                .map_err(|e| self.fail(e))?;
            out.extend(rows.into_iter().filter_map(|(card, day, rating, learnt)| {
                Some(RecentRating {
                    card: CardId(card),
                    day: NaiveDate::parse_from_str(&day, "%Y-%m-%d").ok()?,
                    rating: u8::try_from(rating).ok()?,
                    of_a_learnt_card: learnt,
                })
            }));
        }
        Ok(out)
    }
}
