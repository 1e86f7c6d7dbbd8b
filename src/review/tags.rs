//! Studying by tag: which cards carry the tags asked for. A deck's own tags
//! count as tags of each of its cards. Pure.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{Days, NaiveDate};
use serde::Serialize;

use crate::deck::DeckId;
use crate::store::{CardId, CardRow, DeckStats, RecentRating, TaggedCard};

/// Tags are matched whatever their case and surrounding spaces.
fn key(tag: &str) -> String {
    tag.trim().to_lowercase()
}

/// A card's tags and its deck's, each once, the card's first.
pub fn with_deck_tags(own: &[String], deck: &[String]) -> Vec<String> {
    let mut seen = HashSet::new();
    own.iter()
        .chain(deck)
        .filter(|tag| seen.insert(key(tag)))
        .cloned()
        .collect()
}

/// Each card with its deck's tags added to its own.
pub fn merge_deck_tags(cards: &mut [TaggedCard], decks: &[(DeckId, Vec<String>)]) {
    for card in cards {
        if let Some((_, tags)) = decks.iter().find(|(deck, _)| *deck == card.deck) {
            card.tags = with_deck_tags(&card.tags, tags);
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TagError {
    #[error("no deck or card of {} carries the tag \"{tag}\"; {}", .scope, known_words(.known))]
    Unknown {
        tag: String,
        scope: String,
        known: Vec<String>,
    },
}

fn known_words(known: &[String]) -> String {
    if known.is_empty() {
        "they have no tags at all: give no --tag, or add `tags:` to a deck or its cards".into()
    } else {
        format!("the tags they carry are: {}", known.join(", "))
    }
}

/// Every tag of these cards (deck tags merged in) and decks, sorted.
pub fn known_tags(cards: &[TaggedCard], decks: &[(DeckId, Vec<String>)]) -> Vec<String> {
    let mut by_key: std::collections::BTreeMap<String, String> = Default::default();
    for tag in cards
        .iter()
        .flat_map(|c| &c.tags)
        .chain(decks.iter().flat_map(|(_, tags)| tags))
    {
        by_key.entry(key(tag)).or_insert_with(|| tag.clone());
    }
    let known: BTreeSet<String> = by_key.into_values().collect();
    known.into_iter().collect()
}

/// The cards carrying any of `asked` (deck tags merged in already). Every
/// tag asked must be known; `scope` names the decks, for the error.
pub fn select(
    asked: &[String],
    cards: &[TaggedCard],
    decks: &[(DeckId, Vec<String>)],
    scope: &str,
) -> Result<HashSet<CardId>, TagError> {
    let known = known_tags(cards, decks);
    let known_keys: HashSet<String> = known.iter().map(|t| key(t)).collect();
    if let Some(unknown) = asked.iter().find(|t| !known_keys.contains(&key(t))) {
        return Err(TagError::Unknown {
            tag: unknown.clone(),
            scope: scope.to_string(),
            known,
        });
    }
    let wanted: HashSet<String> = asked.iter().map(|t| key(t)).collect();
    Ok(cards
        .iter()
        .filter(|c| c.tags.iter().any(|t| wanted.contains(&key(t))))
        .map(|c| c.card)
        .collect())
}

/// How the cards carrying a tag stand on a day: the figures `stats` gives
/// a deck.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TagStats {
    pub tag: String,
    pub cards: usize,
    pub new: usize,
    pub learning: usize,
    pub review: usize,
    pub due_today: usize,
    /// Cards falling due on each of the next 7 days (tomorrow first).
    pub due_next_7_days: Vec<usize>,
    pub reviews_today: usize,
    /// Ratings of cards already learnt (not new) over the last 30 days.
    pub review_ratings_30_days: usize,
    /// The share of those rated 3 or more; null when there were none.
    pub retention_30_days: Option<f64>,
}

/// The figures of the live cards in `members`, from their rows and the
/// ratings of the last 30 days.
pub fn tag_stats(
    tag: &str,
    members: &HashSet<CardId>,
    rows: &[CardRow],
    ratings: &[RecentRating],
    today: NaiveDate,
    fsrs_day: &HashMap<CardId, NaiveDate>,
) -> TagStats {
    let mut stats = TagStats {
        tag: tag.to_string(),
        cards: 0,
        new: 0,
        learning: 0,
        review: 0,
        due_today: 0,
        due_next_7_days: vec![0; 7],
        reviews_today: 0,
        review_ratings_30_days: 0,
        retention_30_days: None,
    };
    for row in rows
        .iter()
        .filter(|r| !r.retired && members.contains(&r.card))
    {
        stats.cards += 1;
        let due = row.due;
        match due {
            None => stats.new += 1,
            Some(_) if row.reps >= 2 => stats.review += 1,
            Some(_) => stats.learning += 1,
        }
        // A card FSRS schedules is due on FSRS's day, not SM-2's.
        if let Some(due) = fsrs_day.get(&row.card).copied().or(due) {
            let ahead = (due - today).num_days();
            if ahead <= 0 {
                stats.due_today += 1;
            } else if let Some(n) = usize::try_from(ahead - 1)
                .ok()
                .and_then(|i| stats.due_next_7_days.get_mut(i))
            {
                *n += 1;
            }
        }
    }
    let month_ago = today.checked_sub_days(Days::new(30)).unwrap_or(today);
    let mut passed = 0usize;
    for rating in ratings.iter().filter(|r| members.contains(&r.card)) {
        stats.reviews_today += usize::from(rating.day == today);
        if rating.day > month_ago && rating.of_a_learnt_card {
            stats.review_ratings_30_days += 1;
            passed += usize::from(rating.rating.is_pass());
        }
    }
    #[allow(clippy::cast_precision_loss)]
    {
        stats.retention_30_days = (stats.review_ratings_30_days > 0)
            .then(|| passed as f64 / stats.review_ratings_30_days as f64);
    }
    stats
}

impl TagStats {
    /// As a deck's figures, for the lines `stats` prints.
    pub fn as_deck_stats(&self) -> DeckStats {
        DeckStats {
            deck: self.tag.clone(),
            title: format!("tag {}", self.tag),
            cards: self.cards,
            new: self.new,
            learning: self.learning,
            review: self.review,
            retired: 0,
            due_today: self.due_today,
            due_next_7_days: self.due_next_7_days.clone(),
            reviews_today: self.reviews_today,
            review_ratings_30_days: self.review_ratings_30_days,
            retention_30_days: self.retention_30_days,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(id: i64, deck: &str, tags: &[&str]) -> TaggedCard {
        TaggedCard {
            card: CardId::new(id),
            deck: DeckId::new(deck),
            tags: tags.iter().map(|t| t.to_string()).collect(),
        }
    }

    fn decks() -> Vec<(DeckId, Vec<String>)> {
        vec![
            (DeckId::new("a"), vec!["plaintes".into()]),
            (DeckId::new("b"), vec![]),
        ]
    }

    #[test]
    fn a_deck_tag_selects_every_card_of_the_deck() {
        let mut cards = vec![
            card(1, "a", &["liste"]),
            card(2, "a", &[]),
            card(3, "b", &["liste"]),
            card(4, "b", &["definition"]),
        ];
        merge_deck_tags(&mut cards, &decks());
        assert_eq!(cards[0].tags, vec!["liste", "plaintes"]);
        let by_deck = select(&["plaintes".into()], &cards, &decks(), "x").unwrap();
        assert_eq!(
            by_deck,
            [CardId::new(1), CardId::new(2)].into_iter().collect()
        );
        // A card tag selects across decks; several tags add up; case is ignored.
        let both = select(
            &["LISTE".into(), " definition".into()],
            &cards,
            &decks(),
            "x",
        )
        .unwrap();
        assert_eq!(
            both,
            [CardId::new(1), CardId::new(3), CardId::new(4)]
                .into_iter()
                .collect()
        );
    }

    #[test]
    fn an_unknown_tag_is_refused_with_the_known_ones() {
        let mut cards = vec![card(1, "a", &["liste"]), card(2, "b", &["Notes"])];
        merge_deck_tags(&mut cards, &decks());
        let err = select(&["liste".into(), "nope".into()], &cards, &decks(), "decks/").unwrap_err();
        assert_eq!(
            err.to_string(),
            "no deck or card of decks/ carries the tag \"nope\"; the tags they carry are: Notes, liste, plaintes"
        );
        let err = select(&["x".into()], &[card(1, "b", &[])], &[], "decks/").unwrap_err();
        assert!(
            err.to_string().contains("they have no tags at all"),
            "{err}"
        );
    }

    #[test]
    fn deck_tags_are_not_repeated() {
        assert_eq!(
            with_deck_tags(&["a".into(), "B".into()], &["b".into(), "c".into()]),
            vec!["a", "B", "c"]
        );
    }

    #[test]
    fn tag_figures_count_only_the_tagged_cards() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 10).unwrap();
        let row = |card: i64, reps: u32, due: Option<&str>, retired: bool| CardRow {
            card: CardId::new(card),
            id: None,
            deck: "a".into(),
            question: "q".into(),
            reps,
            ef: 2.5,
            interval: 1,
            due: due.map(|d| d.parse().expect("a test's day")),
            lapses: 0,
            last_rating: None,
            retired,
        };
        let rows = vec![
            row(1, 0, None, false),
            row(2, 1, Some("2026-12-10"), false),
            row(3, 3, Some("2026-12-12"), false),
            row(4, 3, Some("2026-12-09"), true),
            row(5, 0, None, false),
        ];
        let rated = |card: i64, day: u32, rating: u8, learnt: bool| RecentRating {
            card: CardId::new(card),
            day: NaiveDate::from_ymd_opt(2026, 12, day).unwrap(),
            rating: crate::sched::Rating::new(rating).unwrap(),
            of_a_learnt_card: learnt,
        };
        let ratings = vec![
            rated(2, 9, 4, false),
            rated(3, 10, 2, true),
            rated(3, 8, 5, true),
            rated(5, 10, 1, true),
        ];
        let members: HashSet<CardId> = [1, 2, 3, 4].into_iter().map(CardId::new).collect();
        let s = tag_stats("liste", &members, &rows, &ratings, today, &HashMap::new());
        assert_eq!((s.cards, s.new, s.learning, s.review), (3, 1, 1, 1));
        assert_eq!(s.due_today, 1);
        assert_eq!(s.due_next_7_days, vec![0, 1, 0, 0, 0, 0, 0]);
        assert_eq!(s.reviews_today, 1);
        assert_eq!(s.review_ratings_30_days, 2);
        assert_eq!(s.retention_30_days, Some(0.5));
        assert_eq!(s.as_deck_stats().title, "tag liste");
    }
}
