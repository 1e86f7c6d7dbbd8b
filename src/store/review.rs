//! Reading cards for a session, and recording ratings: each rating and the
//! card's new state are committed together, before the next card is shown.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rusqlite::{OptionalExtension, Row, params};

use super::types::Day;
pub use super::types::{CardId, ReviewId};
use super::{Store, StoreError};
use crate::deck::{Answer, CardKind, DeckId};
use crate::sched::{CardState, Policy, Rating, Verdict};

/// A card waiting in a session's queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueEntry {
    pub card: CardId,
    pub deck: DeckId,
    /// Its due day; `None` for a new card.
    pub due: Option<NaiveDate>,
}

/// Where a read of the due cards stopped: the last card read, in the
/// queue's order (due day, deck in the order asked, deck order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueCursor {
    pub due: NaiveDate,
    /// Index of the card's deck in the decks asked for.
    pub deck: usize,
    /// The card's place in its deck.
    pub position: i64,
    pub card: CardId,
}

/// Due cards read in the queue's order, and where to read on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuePage {
    pub entries: Vec<QueueEntry>,
    /// `None` when there are no more.
    pub next: Option<DueCursor>,
}

/// A deck's new cards, basic and graded apart, each in deck order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewCardsByKind {
    pub basic: Vec<CardId>,
    pub graded: Vec<CardId>,
    pub basic_total: usize,
    pub graded_total: usize,
}

/// A card with everything a front end shows.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCard {
    pub id: CardId,
    pub deck: DeckId,
    pub deck_title: String,
    pub key: Option<String>,
    pub question: String,
    pub answer: Answer,
    pub points: Option<u32>,
    /// How many of the answer's items the question asks for; `None`: all.
    pub ask: Option<u32>,
    pub kind: CardKind,
    pub state: CardState,
}

/// A rating to commit, with what decides the card's next state.
#[derive(Debug, Clone, PartialEq)]
pub struct NewReview {
    pub card: CardId,
    pub rating: Rating,
    pub at: DateTime<FixedOffset>,
    /// The study day the rating belongs to.
    pub day: NaiveDate,
    /// How long the card was shown before the rating.
    pub took_ms: u64,
    /// The answer items ticked as recalled (1-based), for a list answer.
    pub ticks: Option<Vec<usize>>,
    /// A graded card's grade, when it was graded.
    pub verdict: Option<Verdict>,
    pub policy: Policy,
}

/// A rating as it was committed.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    pub review: ReviewId,
    pub card: CardId,
    pub rating: Rating,
    pub before: CardState,
    pub after: CardState,
    /// False for a same-day repeat, which leaves the schedule alone.
    pub scheduled: bool,
    /// When the card comes back under its deck's scheduler: SM-2's due day
    /// as recorded, unless the session schedules the deck with FSRS.
    pub next_due: Option<NaiveDate>,
}

const STATE_OF_CARD: &str =
    "SELECT reps, ease, interval, due, lapses, last_rating, last_day FROM cards WHERE id = ?1";

pub(super) fn state_from(row: &Row<'_>, first: usize) -> rusqlite::Result<CardState> {
    Ok(CardState {
        reps: row.get(first)?,
        ease: row.get(first + 1)?,
        interval: row.get(first + 2)?,
        due: row.get::<_, Option<Day>>(first + 3)?.map(|d| d.0),
        lapses: row.get(first + 4)?,
        last_rating: row.get(first + 5)?,
        last_day: row.get::<_, Option<Day>>(first + 6)?.map(|d| d.0),
    })
}

/// A day as the store keeps it; never past the last day that text can hold
/// in order.
pub(super) fn stored_day(day: NaiveDate) -> NaiveDate {
    day.min(crate::sched::last_day())
}

/// [`stored_day`] as the rating binds it.
fn day_of(day: NaiveDate) -> Day {
    Day(stored_day(day))
}

/// Counts read from the store, added up.
fn total(counts: Vec<i64>) -> usize {
    counts
        .into_iter()
        .map(|n| usize::try_from(n).unwrap_or(0))
        .sum()
}

/// Each deck once, in the order first given.
fn distinct(decks: &[DeckId]) -> impl Iterator<Item = &DeckId> {
    decks
        .iter()
        .enumerate()
        .filter(move |(i, deck)| !decks[..*i].contains(deck))
        .map(|(_, deck)| deck)
}

impl Store {
    /// How many cards of these decks are due on or before `today`.
    pub fn due_count(&self, decks: &[DeckId], today: NaiveDate) -> Result<usize, StoreError> {
        let counts = self.each_deck(
            "SELECT coalesce(sum(cards), 0) FROM card_counts
             WHERE deck = ?1 AND due > '' AND due <= ?2",
            distinct(decks),
            params![stored_day(today)],
            |_, _, row| row.get(0),
        )?;
        Ok(total(counts))
    }

    /// Up to `limit` cards due on or before `today` in these decks, most
    /// overdue first, then in deck order (decks in the order given), after
    /// `after`: read page by page in the order of the `cards_by_due` index,
    /// never all at once.
    pub fn due_page(
        &self,
        decks: &[DeckId],
        today: NaiveDate,
        after: Option<DueCursor>,
        limit: usize,
    ) -> Result<DuePage, StoreError> {
        let today = stored_day(today);
        let after_due = after.map(|c| stored_day(c.due));
        // Without a cursor, from before every day: the empty text sorts
        // before any day, and keeps the comparison one the index can seek.
        let after_due: &dyn rusqlite::ToSql = match &after_due {
            Some(day) => day,
            None => &"",
        };
        let sql_limit = i64::try_from(limit).unwrap_or(i64::MAX);
        // Where each deck's cards resume in the merged order.
        let resume: Vec<(i64, i64)> = (0..decks.len())
            .map(|index| match after {
                None => (i64::MIN, i64::MIN),
                Some(c) if index < c.deck => (i64::MAX, i64::MAX),
                Some(c) if index == c.deck => (c.position, c.card.get()),
                Some(_) => (i64::MIN, i64::MIN),
            })
            .collect();
        let mut rows: Vec<(NaiveDate, usize, i64, CardId)> = self.each_deck_bound(
            "SELECT id, due, position FROM cards
             WHERE deck = ?1 AND retired = 0 AND due IS NOT NULL AND due <= ?2
               AND (due, position, id) > (?3, ?4, ?5)
             ORDER BY due, position, id LIMIT ?6",
            decks
                .iter()
                .enumerate()
                .filter(|(index, deck)| !decks[..*index].contains(deck)),
            |index, deck, bound| {
                let (position, id) = &resume[index];
                bound.extend_from_slice(&[deck, &today, after_due, position, id, &sql_limit]);
            },
            |index, _, row| Ok((row.get::<_, Day>(1)?.0, index, row.get(2)?, row.get(0)?)),
        )?;
        rows.sort_unstable();
        rows.truncate(limit);
        let mut next = None;
        let mut entries = Vec::with_capacity(rows.len());
        for (due, index, position, card) in rows {
            next = Some(DueCursor {
                due,
                deck: index,
                position,
                card,
            });
            entries.push(QueueEntry {
                card,
                deck: decks[index].clone(),
                due: Some(due),
            });
        }
        let more = entries.len() == limit;
        Ok(DuePage {
            entries,
            next: next.filter(|_| more),
        })
    }

    /// Every card due on or before `today` in these decks: most overdue
    /// first, then in deck order.
    pub fn due_cards(
        &self,
        decks: &[DeckId],
        today: NaiveDate,
    ) -> Result<Vec<QueueEntry>, StoreError> {
        Ok(self.due_page(decks, today, None, usize::MAX)?.entries)
    }

    /// Up to `limit` cards never reviewed, in deck order.
    pub fn new_cards(&self, decks: &[DeckId], limit: usize) -> Result<Vec<QueueEntry>, StoreError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        // Each deck's first `limit`, the decks in turn: the first `limit` of them all.
        let mut out = self.each_deck(
            "SELECT id FROM cards WHERE deck = ?1 AND retired = 0 AND due IS NULL
             ORDER BY position LIMIT ?2",
            decks,
            params![i64::try_from(limit).unwrap_or(i64::MAX)],
            |_, deck, row| {
                Ok(QueueEntry {
                    card: row.get(0)?,
                    deck: deck.clone(),
                    due: None,
                })
            },
        )?;
        out.truncate(limit);
        Ok(out)
    }

    /// A deck's new cards in deck order, basic and graded apart: the first
    /// `limit` of each, and how many of each there are.
    pub fn new_cards_by_kind(
        &self,
        deck: &DeckId,
        limit: usize,
    ) -> Result<NewCardsByKind, StoreError> {
        let (basic_total, graded_total) = self.new_counts(deck)?;
        let mut found = NewCardsByKind {
            basic_total,
            graded_total,
            ..NewCardsByKind::default()
        };
        let (basic_wanted, graded_wanted) = (limit.min(basic_total), limit.min(graded_total));
        if basic_wanted + graded_wanted == 0 {
            return Ok(found);
        }
        let mut statement = self
            .conn
            .prepare_cached(
                // Basic cards are stored as exactly this text (serde's tag).
                r#"SELECT id, kind IS NOT '{"kind":"basic"}' FROM cards
                 WHERE deck = ?1 AND retired = 0 AND due IS NULL ORDER BY position"#,
            )
            .map_err(|e| self.fail(e))?;
        let mut rows = statement.query([deck]).map_err(|e| self.fail(e))?;
        // The deck's new cards in order, only until enough of each are found.
        while found.basic.len() < basic_wanted || found.graded.len() < graded_wanted {
            let Some(row) = rows.next().map_err(|e| self.fail(e))? else {
                break;
            };
            let card: CardId = row.get(0).map_err(|e| self.fail(e))?;
            let graded: bool = row.get(1).map_err(|e| self.fail(e))?;
            let (kind, wanted) = if graded {
                (&mut found.graded, graded_wanted)
            } else {
                (&mut found.basic, basic_wanted)
            };
            if kind.len() < wanted {
                kind.push(card);
            }
        }
        drop(rows);
        Ok(found)
    }

    /// How many basic and graded cards of a deck were never reviewed.
    fn new_counts(&self, deck: &DeckId) -> Result<(usize, usize), StoreError> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT graded, cards FROM card_counts WHERE deck = ?1 AND due = ''")
            .map_err(|e| self.fail(e))?;
        let rows = statement
            .query_map([deck], |row| {
                Ok((row.get::<_, bool>(0)?, row.get::<_, i64>(1)?))
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.fail(e))?;
        let (mut basic, mut graded) = (0, 0);
        for (is_graded, n) in rows {
            let n = usize::try_from(n).unwrap_or(0);
            if is_graded {
                graded += n;
            } else {
                basic += n;
            }
        }
        Ok((basic, graded))
    }

    /// Cards of these decks scheduled on `day` whose latest rating is
    /// below 4: still to relearn today, whichever session rated them (a
    /// cram leaves the card's state alone, so its ratings do not count).
    /// In deck order.
    pub fn relearning_on(
        &self,
        decks: &[DeckId],
        day: NaiveDate,
    ) -> Result<Vec<QueueEntry>, StoreError> {
        // A card's last day is that of a rating in the log: the day's
        // ratings (by their index) lead to the cards, not every card of
        // the deck read to find them.
        self.entries_of_each_deck(
            "SELECT c.id, c.due FROM (SELECT DISTINCT card FROM reviews WHERE day = ?2) r
             CROSS JOIN cards c ON c.id = r.card
             WHERE c.deck = ?1 AND c.retired = 0 AND c.last_day = ?2 AND c.last_rating < ?3
             ORDER BY c.position",
            decks,
            day,
        )
    }

    /// The `id, due` rows `sql` selects for each deck (`?1`) on a day (`?2`),
    /// cards known from the rating `?3` on.
    fn entries_of_each_deck(
        &self,
        sql: &str,
        decks: &[DeckId],
        day: NaiveDate,
    ) -> Result<Vec<QueueEntry>, StoreError> {
        self.each_deck(
            sql,
            decks,
            params![stored_day(day), Rating::KNOWN],
            |_, deck, row| {
                Ok(QueueEntry {
                    card: row.get(0)?,
                    deck: deck.clone(),
                    due: row.get(1)?,
                })
            },
        )
    }

    /// New cards first reviewed on `day`, in every deck of the store: the
    /// daily limit is one limit across decks, whatever a session selects.
    pub fn introduced_anywhere_on(&self, day: NaiveDate) -> Result<usize, StoreError> {
        let n: i64 = self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM reviews
                 WHERE day = ?1 AND scheduled = 1 AND before_due IS NULL",
            )
            .and_then(|mut s| s.query_row([stored_day(day)], |row| row.get(0)))
            .map_err(|e| self.fail(e))?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// A deck's place in the course (`order:`), if it names one.
    pub fn course_order(&self, deck: &DeckId) -> Result<Option<u32>, StoreError> {
        let order: Option<i64> = self
            .conn
            .prepare_cached("SELECT course_order FROM decks WHERE id = ?1")
            .and_then(|mut s| s.query_row([deck], |row| row.get(0)).optional())
            .map_err(|e| self.fail(e))?
            .flatten();
        Ok(order.and_then(|o| u32::try_from(o).ok()))
    }

    /// How many new cards of these decks were first reviewed on `day`.
    pub fn introduced_on(&self, decks: &[DeckId], day: NaiveDate) -> Result<usize, StoreError> {
        let counts = self.each_deck(
            "SELECT count(*) FROM reviews r JOIN cards c ON c.id = r.card
             WHERE c.deck = ?1 AND r.day = ?2 AND r.scheduled = 1 AND r.before_due IS NULL",
            decks,
            params![stored_day(day)],
            |_, _, row| row.get(0),
        )?;
        Ok(total(counts))
    }

    pub fn card(&self, id: CardId) -> Result<Option<StoredCard>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT c.id, c.deck, d.title, c.key, c.question, c.answer, c.points, c.kind,
                   c.reps, c.ease, c.interval, c.due, c.lapses, c.last_rating, c.last_day, c.ask
                 FROM cards c JOIN decks d ON d.id = c.deck WHERE c.id = ?1",
            )
            .map_err(|e| self.fail(e))?;
        statement
            .query_row([id], |row| {
                let answer: String = row.get(5)?;
                Ok(StoredCard {
                    id: row.get(0)?,
                    deck: row.get(1)?,
                    deck_title: row.get(2)?,
                    key: row.get(3)?,
                    question: row.get(4)?,
                    answer: parse_answer(&answer),
                    points: row
                        .get::<_, Option<i64>>(6)?
                        .and_then(|p| u32::try_from(p).ok()),
                    kind: super::types::stored_kind(row, 7)?,
                    state: state_from(row, 8)?,
                    ask: row
                        .get::<_, Option<i64>>(15)?
                        .and_then(|a| u32::try_from(a).ok()),
                })
            })
            .optional()
            .map_err(|e| self.fail(e))
    }

    /// Commits a rating: the log entry and the card's new state in one
    /// transaction. The policy computes the new state from the state found
    /// in the store (another session may have moved it) and says whether
    /// this rating moves the schedule.
    pub fn record(&mut self, review: &NewReview) -> Result<Recorded, StoreError> {
        self.session_write(|store| store.write_review(review))
    }

    fn write_review(&mut self, review: &NewReview) -> Result<Recorded, StoreError> {
        let NewReview {
            card,
            rating,
            at,
            day,
            took_ms,
            ref ticks,
            verdict,
            policy,
        } = *review;
        let path = self.path.clone();
        let fail = |err: rusqlite::Error| super::classify(&path, err);
        let tx = self.kept_immediate()?;
        // Kept prepared for the session, as every statement of a rating.
        let before = tx
            .prepare_cached(STATE_OF_CARD)
            .and_then(|mut s| s.query_row([card], |row| state_from(row, 0)))
            .map_err(fail)?;
        let (after, scheduled) = policy.apply(&before, rating, day);
        let ticks = ticks
            .as_ref()
            .map(|t| serde_json::to_string(t).unwrap_or_else(|_| "[]".into()));
        tx.prepare_cached(
            "INSERT INTO reviews (card, at, day, rating, took_ms, scheduled, ticks,
               before_reps, before_ease, before_interval, before_due, before_lapses, before_last_rating, before_last_day,
               after_reps, after_ease, after_interval, after_due, verdict)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
        )
        .and_then(|mut s| s.execute(params![
                card,
                at.to_rfc3339(),
                day_of(day),
                rating,
                i64::try_from(took_ms).unwrap_or(i64::MAX),
                scheduled,
                ticks,
                before.reps,
                before.ease,
                before.interval,
                before.due.map(day_of),
                before.lapses,
                before.last_rating,
                before.last_day.map(day_of),
                after.reps,
                after.ease,
                after.interval,
                after.due.map(day_of),
                verdict,
            ]))
        .map_err(fail)?;
        let review = ReviewId::new(tx.last_insert_rowid());
        update_state(&tx, card, &before, &after).map_err(fail)?;
        tx.commit().map_err(fail)?;
        Ok(Recorded {
            review,
            card,
            rating,
            before,
            after,
            scheduled,
            next_due: after.due,
        })
    }

    /// Takes back a rating: the card's state as it was before, the log entry
    /// gone. Refused when the card has been rated since (by another session).
    pub fn undo(&mut self, review: ReviewId) -> Result<bool, StoreError> {
        self.session_write(|store| store.take_back(review))
    }

    fn take_back(&mut self, review: ReviewId) -> Result<bool, StoreError> {
        let path = self.path.clone();
        let fail = |err: rusqlite::Error| super::classify(&path, err);
        let tx = self.immediate()?;
        let found = tx
            .query_row(
                "SELECT card, before_reps, before_ease, before_interval, before_due, before_lapses,
                   before_last_rating, before_last_day,
                   (SELECT max(id) FROM reviews WHERE card = r.card)
                 FROM reviews r WHERE id = ?1",
                [review],
                |row| {
                    Ok((
                        row.get::<_, CardId>(0)?,
                        state_from(row, 1)?,
                        row.get::<_, ReviewId>(8)?,
                    ))
                },
            )
            .optional()
            .map_err(fail)?;
        let Some((card, before, latest)) = found else {
            return Ok(false);
        };
        if latest != review {
            return Ok(false);
        }
        write_state(&tx, card, &before).map_err(fail)?;
        tx.execute("DELETE FROM reviews WHERE id = ?1", [review])
            .map_err(fail)?;
        // Its cached memory may include the rating taken back: replay it whole.
        tx.execute("DELETE FROM memory_states WHERE card = ?1", [card])
            .map_err(fail)?;
        // SQLite reuses the highest id once it is deleted: the cache must not
        // claim reviews up to an id the next rating may take.
        tx.execute(
            "UPDATE memory_model SET cached_through =
               min(cached_through, (SELECT coalesce(max(id), 0) FROM reviews))",
            [],
        )
        .map_err(fail)?;
        tx.commit().map_err(fail)?;
        Ok(true)
    }
}

/// Writes only what a rating changed: a cram changes nothing, and a
/// same-day repeat keeps the due day, so neither rewrites the due index
/// entry and the due counts (pages the commit would write for nothing).
fn update_state(
    tx: &rusqlite::Connection,
    card: CardId,
    before: &CardState,
    after: &CardState,
) -> rusqlite::Result<()> {
    if after == before {
        return Ok(());
    }
    if after.due != before.due {
        return write_state(tx, card, after);
    }
    tx.prepare_cached(
        "UPDATE cards SET reps = ?2, ease = ?3, interval = ?4, lapses = ?5,
           last_rating = ?6, last_day = ?7 WHERE id = ?1",
    )?
    .execute(params![
        card,
        after.reps,
        after.ease,
        after.interval,
        after.lapses,
        after.last_rating,
        after.last_day.map(day_of),
    ])?;
    Ok(())
}

fn write_state(tx: &rusqlite::Connection, card: CardId, state: &CardState) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "UPDATE cards SET reps = ?2, ease = ?3, interval = ?4, due = ?5, lapses = ?6,
           last_rating = ?7, last_day = ?8 WHERE id = ?1",
    )?
    .execute(params![
        card,
        state.reps,
        state.ease,
        state.interval,
        state.due.map(day_of),
        state.lapses,
        state.last_rating,
        state.last_day.map(day_of),
    ])?;
    Ok(())
}

pub(super) fn parse_answer(json: &str) -> Answer {
    if let Ok(items) = serde_json::from_str::<Vec<String>>(json) {
        Answer::List(items)
    } else {
        Answer::Text(serde_json::from_str::<String>(json).unwrap_or_else(|_| json.to_string()))
    }
}

impl Store {
    /// The earliest exam day the decks name, if any.
    pub fn exam_day(&self, decks: &[DeckId]) -> Result<Option<NaiveDate>, StoreError> {
        let exams: Vec<NaiveDate> = self.each_deck(
            "SELECT exam FROM decks WHERE id = ?1 AND exam IS NOT NULL",
            decks,
            &[],
            |_, _, row| row.get(0),
        )?;
        Ok(exams.into_iter().min())
    }

    /// Cards of these decks never reviewed.
    pub fn unseen_count(&self, decks: &[DeckId]) -> Result<usize, StoreError> {
        let mut total = 0;
        for deck in distinct(decks) {
            let (basic, graded) = self.new_counts(deck)?;
            total += basic + graded;
        }
        Ok(total)
    }

    /// The final pass on the eve of `exam`: seen cards whose latest rating
    /// is below 4, and cards scheduled after the exam, in deck order.
    pub fn weak_cards(
        &self,
        decks: &[DeckId],
        exam: NaiveDate,
    ) -> Result<Vec<QueueEntry>, StoreError> {
        self.entries_of_each_deck(
            "SELECT id, due FROM cards WHERE deck = ?1 AND retired = 0 AND due IS NOT NULL
               AND (last_rating < ?3 OR due > ?2) ORDER BY position",
            decks,
            exam,
        )
    }

    /// Every card, weakest first: lowest EF, most lapses, lowest last
    /// rating (never reviewed counts as lowest), then deck order.
    pub fn cards_weakest_first(&self, decks: &[DeckId]) -> Result<Vec<QueueEntry>, StoreError> {
        let mut entries: Vec<(i64, i64, i64, usize, i64, QueueEntry)> = self.each_deck(
            "SELECT id, due, ease, lapses, coalesce(last_rating, 0), position FROM cards
             WHERE deck = ?1 AND retired = 0",
            decks,
            &[],
            |deck_index, deck, row| {
                Ok((
                    row.get(2)?,
                    -row.get::<_, i64>(3)?,
                    row.get(4)?,
                    deck_index,
                    row.get(5)?,
                    QueueEntry {
                        card: row.get(0)?,
                        deck: deck.clone(),
                        due: row.get(1)?,
                    },
                ))
            },
        )?;
        entries.sort_by_key(|e| (e.0, e.1, e.2, e.3, e.4));
        Ok(entries.into_iter().map(|e| e.5).collect())
    }
}
