//! What exports read from the store: each card's state and review log, to
//! carry them into another program.

use chrono::{DateTime, NaiveDate};
use rusqlite::params;

use super::review::stored_day;
use super::{CardId, ReviewId, Store, StoreError};
use crate::deck::DeckId;
use crate::sched::Rating;

/// A card of a deck with its state and its log, matched to the deck file
/// by `key` (its `id`) or by its question as compared.
#[derive(Debug, Clone, PartialEq)]
pub struct CardHistory {
    pub card: CardId,
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
    pub rating: Rating,
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
                        card: row.get(0)?,
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

/// A card's state and log from another program, to bring into the store.
#[derive(Debug, Clone, PartialEq)]
pub struct ForeignHistory {
    /// The card's `id`, or `None` for a card matched by its question.
    pub key: Option<String>,
    pub qnorm: String,
    pub due: Option<NaiveDate>,
    pub interval: u32,
    /// SM-2 ease in hundredths; 0 when unknown.
    pub ease: u32,
    pub lapses: u32,
    /// Oldest first.
    pub reviews: Vec<ForeignReview>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ForeignReview {
    pub at: DateTime<chrono::FixedOffset>,
    pub day: NaiveDate,
    pub rating: Rating,
    pub took_ms: i64,
    pub interval_after: u32,
    /// In hundredths; 0 when unknown.
    pub ease_after: u32,
}

/// What bringing histories in did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HistoryBrought {
    pub cards: usize,
    pub reviews: usize,
    /// Cards that already had a history here: left as they were.
    pub kept: usize,
    /// Cards not found in the store's deck.
    pub missing: usize,
}

/// The lowest SM-2 ease.
const MIN_EASE: u32 = 130;
/// The highest ease the store holds (hundredths in 16 bits, as it reads them).
const MAX_EASE: u32 = 65_535;
/// The longest interval brought in, in days: a century (Anki's own longest).
const MAX_INTERVAL: u32 = 36_500;

/// Another program's ease, within what the store holds.
fn ease_in(hundredths: u32) -> u32 {
    hundredths.clamp(MIN_EASE, MAX_EASE)
}

/// `day` + `interval`, within the days the store keeps.
fn due_after(day: NaiveDate, interval: u32) -> NaiveDate {
    day.checked_add_days(chrono::Days::new(u64::from(interval)))
        .map_or(crate::sched::last_day(), stored_day)
}

impl Store {
    /// Brings `histories` onto the cards of `deck` that have none yet, in
    /// one transaction: each review logged with the state before and after
    /// it (successes in a row counted as SM-2 counts them), then the card's
    /// state as the other program left it. A card that already has reviews
    /// here keeps them and its state.
    pub fn bring_histories(
        &mut self,
        deck: &DeckId,
        histories: &[ForeignHistory],
    ) -> Result<HistoryBrought, StoreError> {
        let path = self.path.clone();
        let fail = |err: rusqlite::Error| super::classify(&path, err);
        let tx = self.immediate()?;
        let mut brought = HistoryBrought::default();
        for history in histories {
            let found: Option<CardId> = match &history.key {
                Some(key) => tx.query_row(
                    "SELECT id FROM cards WHERE deck = ?1 AND key = ?2",
                    params![deck, key],
                    |r| r.get(0),
                ),
                None => tx.query_row(
                    "SELECT id FROM cards WHERE deck = ?1 AND key IS NULL AND qnorm = ?2
                     AND retired = 0 ORDER BY id LIMIT 1",
                    params![deck, history.qnorm],
                    |r| r.get(0),
                ),
            }
            .map(Some)
            .or_else(|err| match err {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                other => Err(other),
            })
            .map_err(fail)?;
            let Some(card) = found else {
                brought.missing += 1;
                continue;
            };
            let logged: i64 = tx
                .query_row(
                    "SELECT count(*) FROM reviews WHERE card = ?1",
                    [card],
                    |r| r.get(0),
                )
                .map_err(fail)?;
            if logged > 0 {
                brought.kept += 1;
                continue;
            }
            let (mut reps, mut ease, mut interval) = (0u32, 250u32, 0u32);
            let (mut due, mut lapses): (Option<NaiveDate>, u32) = (None, 0);
            let (mut last_rating, mut last_day): (Option<Rating>, Option<NaiveDate>) = (None, None);
            for review in &history.reviews {
                // A second rating the same day is logged, not scheduled, as
                // our scheduler does (Anki's learning steps are such ratings).
                // Every value within what the store reads back: a day past
                // its last, an ease past 16 bits would make it read as damaged.
                let day = stored_day(review.day);
                let scheduled = last_day != Some(day);
                let after_reps = if review.rating.is_pass() { reps + 1 } else { 0 };
                let after_ease = if review.ease_after > 0 {
                    ease_in(review.ease_after)
                } else {
                    ease
                };
                let after_interval = review.interval_after.clamp(1, MAX_INTERVAL);
                let after_due = Some(due_after(day, after_interval));
                let (after_reps, after_ease, after_interval, after_due) = if scheduled {
                    (after_reps, after_ease, after_interval, after_due)
                } else {
                    (reps, ease, interval, due)
                };
                tx.execute(
                    "INSERT INTO reviews (card, at, day, rating, took_ms, scheduled, ticks,
                       before_reps, before_ease, before_interval, before_due, before_lapses,
                       before_last_rating, before_last_day,
                       after_reps, after_ease, after_interval, after_due)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?17, NULL, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
                    params![
                        card,
                        review.at.to_rfc3339(),
                        day,
                        review.rating,
                        review.took_ms.max(0),
                        reps,
                        ease,
                        interval,
                        due,
                        lapses,
                        last_rating,
                        last_day,
                        after_reps,
                        after_ease,
                        after_interval,
                        after_due,
                        scheduled,
                    ],
                )
                .map_err(fail)?;
                if scheduled && !review.rating.is_pass() && reps > 0 {
                    lapses += 1;
                }
                (reps, ease, interval, due) = (after_reps, after_ease, after_interval, after_due);
                last_rating = Some(review.rating);
                if scheduled {
                    last_day = Some(day);
                }
                brought.reviews += 1;
            }
            // The state the other program left is the one to go on from.
            let ease = if history.ease > 0 {
                ease_in(history.ease)
            } else {
                ease
            };
            let (due, interval) = match history.due {
                Some(day) => (
                    Some(stored_day(day)),
                    history.interval.clamp(1, MAX_INTERVAL),
                ),
                None => (due, interval),
            };
            tx.execute(
                "UPDATE cards SET reps = ?2, ease = ?3, interval = ?4, due = ?5, lapses = ?6,
                   last_rating = ?7, last_day = ?8 WHERE id = ?1",
                params![
                    card,
                    reps,
                    ease,
                    interval,
                    due,
                    history.lapses.max(lapses),
                    last_rating,
                    last_day,
                ],
            )
            .map_err(fail)?;
            brought.cards += 1;
        }
        tx.commit().map_err(fail)?;
        Ok(brought)
    }
}

/// One rating of the log an instructor gathers, as the store holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassRating {
    pub review: ReviewId,
    pub deck: DeckId,
    /// The deck file's path, as last synced.
    pub path: String,
    pub line: u32,
    pub key: Option<String>,
    pub qnorm: String,
    pub question: String,
    pub tags: Vec<String>,
    /// How many items the answer holds.
    pub items: u32,
    pub day: NaiveDate,
    pub rating: Rating,
    pub took_ms: i64,
    pub scheduled: bool,
    pub ticks: Option<Vec<usize>>,
    /// A graded card's grade, when it was graded.
    pub verdict: Option<crate::sched::Verdict>,
}

impl Store {
    /// This store's pseudonymous student key, made once when the store was.
    pub fn student_key(&self) -> Result<String, StoreError> {
        self.conn
            .query_row("SELECT key FROM student WHERE id = 1", [], |r| r.get(0))
            .map_err(|e| self.fail(e))
    }

    /// Every rating of the cards of `decks`, oldest first.
    pub fn class_log(&self, decks: &[DeckId]) -> Result<Vec<ClassRating>, StoreError> {
        let mut out = self.each_deck(
            "SELECT r.id, c.deck, d.path, c.line, c.key, c.qnorm, c.question, c.tags, c.answer,
                    r.day, r.rating, r.took_ms, r.scheduled, r.ticks, d.tags, r.verdict
             FROM reviews r JOIN cards c ON c.id = r.card JOIN decks d ON d.id = c.deck
             WHERE c.deck = ?1 ORDER BY r.id",
            decks,
            &[],
            |_, _, row| {
                // The deck's own tags are its cards' too.
                let mut tags: Vec<String> =
                    serde_json::from_str(&row.get::<_, String>(14)?).unwrap_or_default();
                for tag in serde_json::from_str::<Vec<String>>(&row.get::<_, String>(7)?)
                    .unwrap_or_default()
                {
                    if !tags.contains(&tag) {
                        tags.push(tag);
                    }
                }
                let answer: String = row.get(8)?;
                let ticks: Option<String> = row.get(13)?;
                let items = match serde_json::from_str::<serde_json::Value>(&answer) {
                    Ok(serde_json::Value::Array(items)) => items.len(),
                    _ => 1,
                };
                Ok(ClassRating {
                    review: row.get(0)?,
                    deck: row.get(1)?,
                    path: row.get(2)?,
                    line: row.get(3)?,
                    key: row.get(4)?,
                    qnorm: row.get(5)?,
                    question: row.get(6)?,
                    tags,
                    items: u32::try_from(items).unwrap_or(u32::MAX),
                    day: row.get(9)?,
                    rating: row.get(10)?,
                    took_ms: row.get(11)?,
                    scheduled: row.get(12)?,
                    ticks: ticks.and_then(|t| serde_json::from_str(&t).ok()),
                    verdict: row.get(15)?,
                })
            },
        )?;
        out.sort_by_key(|r| r.review);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Anki's factor 700000 (ease 70000 hundredths), a huge interval and a
    /// due day past year 9999: brought in, the store still reads as sound.
    #[test]
    fn histories_past_what_the_store_holds_are_clamped_not_stored_as_damage() {
        let dir = std::env::temp_dir().join(format!("fiches-interop-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let deck = dir.join("essai.yaml");
        std::fs::write(
            &deck,
            "title: Essai\ncards:\n  - id: un\n    q: Q ?\n    a: R.\n",
        )
        .unwrap();
        let now = DateTime::parse_from_rfc3339("2026-12-01T09:00:00-05:00").unwrap();
        let mut store = Store::in_memory().unwrap();
        store.sync(&[deck], false, now).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        let id = DeckId::new("essai");
        let far = NaiveDate::from_ymd_opt(9999, 12, 30).unwrap();
        let history = ForeignHistory {
            key: Some("un".into()),
            qnorm: String::new(),
            due: NaiveDate::from_ymd_opt(200_000, 1, 1),
            interval: u32::MAX,
            ease: 70_000,
            lapses: 0,
            reviews: vec![ForeignReview {
                at: now,
                day: far,
                rating: Rating::new(4).unwrap(),
                took_ms: 1000,
                interval_after: u32::MAX,
                ease_after: 70_000,
            }],
        };
        let brought = store.bring_histories(&id, &[history]).unwrap();
        assert_eq!((brought.cards, brought.reviews), (1, 1));
        let cards = store.card_histories(&id).unwrap();
        let card = &cards[0];
        assert_eq!(card.ease, MAX_EASE);
        assert_eq!(card.interval, MAX_INTERVAL);
        assert_eq!(card.due, Some(crate::sched::last_day()));
        assert_eq!(card.reviews[0].after_ease, MAX_EASE);
        assert_eq!(card.reviews[0].after_interval, MAX_INTERVAL);
        let due: Vec<Option<String>> = store
            .conn
            .prepare("SELECT after_due FROM reviews")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(due, vec![Some("9999-12-31".to_string())]);
        // The card reads back as a schedule (no "damaged store").
        let card: CardId = store
            .conn
            .query_row("SELECT id FROM cards", [], |r| r.get(0))
            .unwrap();
        let stored = store.card(card).unwrap().unwrap();
        assert_eq!(stored.state.ease.hundredths(), 65_535);
        assert_eq!(stored.state.due, Some(crate::sched::last_day()));
    }
}
