//! Which scheduler sets each deck's due days, and FSRS's due days for the
//! decks under it: the day the card's memory, replayed from the log as the
//! model does, falls to the deck's retention. SM-2's n, EF and interval are
//! moved exactly as SM-2 says by every rating under either scheduler, and
//! FSRS's due days are computed, never stored: a deck switched back to SM-2
//! finds SM-2's own due days, and one switched to FSRS the replayed memory.
//! Decks planned to an exam are planned as before, whichever they name.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::deck::DeckId;
use crate::memory;
use crate::sched::{Retention, Scheduler};
use crate::store::{CardId, DeckStats, QueueEntry, Store, StoreError};

/// What the command line (or its environment) asks for, over each deck's
/// own `scheduler:` and `retention:`; empty, the decks' own.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scheduling {
    pub scheduler: Option<Scheduler>,
    pub retention: Option<Retention>,
}

impl Scheduling {
    /// A deck's scheduler and retention: as asked, else as the deck says,
    /// else SM-2 (and 0.90).
    pub fn of_deck(
        self,
        store: &Store,
        deck: &DeckId,
    ) -> Result<(Scheduler, Retention), StoreError> {
        let (own, own_retention) = store.deck_scheduling(deck)?;
        Ok((
            self.scheduler.or(own).unwrap_or_default(),
            self.retention
                .or(own_retention)
                .unwrap_or(Retention::DEFAULT),
        ))
    }

    /// The decks of `decks` FSRS schedules, with their retention.
    pub fn fsrs_decks(
        self,
        store: &Store,
        decks: &[DeckId],
    ) -> Result<Vec<(DeckId, Retention)>, StoreError> {
        let mut out = Vec::new();
        for deck in decks {
            if let (Scheduler::Fsrs, retention) = self.of_deck(store, deck)?
                && !out.iter().any(|(d, _)| d == deck)
            {
                out.push((deck.clone(), retention));
            }
        }
        Ok(out)
    }
}

/// A seen card of a deck FSRS schedules, with its FSRS due day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FsrsDue {
    pub card: CardId,
    pub deck: DeckId,
    /// Its place in its deck.
    pub position: i64,
    pub due: NaiveDate,
}

/// Every seen card of these decks with its FSRS due day at its deck's
/// retention, in deck order (decks in the order given).
pub fn fsrs_due(store: &Store, decks: &[(DeckId, Retention)]) -> Result<Vec<FsrsDue>, StoreError> {
    if decks.is_empty() {
        return Ok(Vec::new());
    }
    let stored = store.stored_model()?;
    let model = memory::model_of(&stored);
    let ids: Vec<DeckId> = decks.iter().map(|(d, _)| d.clone()).collect();
    let cards = store.plan_cards(&ids, stored.version)?;
    Ok(cards
        .iter()
        .filter_map(|card| {
            let retention = decks.iter().find(|(d, _)| *d == card.deck)?.1;
            // A card the model cannot replay keeps SM-2's day.
            let due = match memory::memory_now(&model, card) {
                Some(memory) => model.due_day(&memory, retention),
                None => card.state.due?,
            };
            Some(FsrsDue {
                card: card.id,
                deck: card.deck.clone(),
                position: card.position,
                due,
            })
        })
        .collect())
}

/// The decks of `decks` FSRS schedules and no exam plan is to come for
/// (those keep their plan's, SM-2's, days), with their retention.
pub fn daily_fsrs_decks(
    store: &Store,
    decks: &[DeckId],
    today: NaiveDate,
    scheduling: Scheduling,
) -> Result<Vec<(DeckId, Retention)>, StoreError> {
    let mut daily = Vec::with_capacity(decks.len());
    for deck in decks {
        let own = store.exam_day(std::slice::from_ref(deck))?;
        if super::plan::exam_to_come(own, today).is_none() {
            daily.push(deck.clone());
        }
    }
    scheduling.fsrs_decks(store, &daily)
}

/// Each seen card's FSRS due day, of the decks of `decks` FSRS schedules
/// and no exam plan is to come for (those keep their plan's, SM-2's, days).
pub fn fsrs_days(
    store: &Store,
    decks: &[DeckId],
    today: NaiveDate,
    scheduling: Scheduling,
) -> Result<std::collections::HashMap<CardId, NaiveDate>, StoreError> {
    let fsrs = daily_fsrs_decks(store, decks, today, scheduling)?;
    Ok(fsrs_due(store, &fsrs)?
        .into_iter()
        .map(|f| (f.card, f.due))
        .collect())
}

/// The card's FSRS due day after its latest rating, replayed from its own
/// log alone, when its deck is one of `fsrs`; `None` otherwise.
pub fn next_due(
    store: &Store,
    card: CardId,
    fsrs: &[(DeckId, Retention)],
) -> Result<Option<NaiveDate>, StoreError> {
    let Some(found) = store.model_card(card)? else {
        return Ok(None);
    };
    let Some(&(_, retention)) = fsrs.iter().find(|(d, _)| *d == found.deck) else {
        return Ok(None);
    };
    let model = memory::model_of(&store.stored_model()?);
    Ok(memory::memory_now(&model, &found).map(|m| model.due_day(&m, retention)))
}

/// The day's due cards: SM-2's of the `sm2` decks as the store has them,
/// FSRS's (due on or before `day`) of the others; most overdue first, then
/// in the order of `order`'s decks and each deck's own order.
pub fn due_entries(
    sm2: Vec<QueueEntry>,
    fsrs: &[FsrsDue],
    order: &[DeckId],
    day: NaiveDate,
) -> Vec<QueueEntry> {
    let index = |deck: &DeckId| order.iter().position(|d| d == deck).unwrap_or(usize::MAX);
    // The store's entries come in deck order already: their rank is their
    // place; a deck's entries all come from one side.
    let mut all: Vec<(NaiveDate, usize, i64, QueueEntry)> = sm2
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            (
                e.due.unwrap_or(day),
                index(&e.deck),
                i64::try_from(i).unwrap_or(i64::MAX),
                e,
            )
        })
        .collect();
    all.extend(fsrs.iter().filter(|f| f.due <= day).map(|f| {
        (
            f.due,
            index(&f.deck),
            f.position,
            QueueEntry {
                card: f.card,
                deck: f.deck.clone(),
                due: Some(f.due),
            },
        )
    }));
    all.sort_by_key(|e| (e.0, e.1, e.2));
    all.into_iter().map(|e| e.3).collect()
}

/// How many cards of `fsrs` are due on or before `day`.
pub fn due_count(fsrs: &[FsrsDue], day: NaiveDate) -> usize {
    fsrs.iter().filter(|f| f.due <= day).count()
}

/// The next `days` days after `today` with cards due, merging SM-2's
/// `upcoming` with FSRS's days.
pub fn upcoming(
    sm2: Vec<(NaiveDate, usize)>,
    fsrs: &[FsrsDue],
    today: NaiveDate,
    days: usize,
) -> Vec<(NaiveDate, usize)> {
    let mut merged: BTreeMap<NaiveDate, usize> = sm2.into_iter().collect();
    for f in fsrs.iter().filter(|f| f.due > today) {
        *merged.entry(f.due).or_default() += 1;
    }
    merged.into_iter().take(days).collect()
}

/// Cards of `fsrs` falling due on each of the `days` days after `today`.
pub fn due_per_day(fsrs: &[FsrsDue], today: NaiveDate, days: u64) -> Vec<usize> {
    (1..=days)
        .map(|d| {
            let on = today.checked_add_days(chrono::Days::new(d));
            fsrs.iter().filter(|f| Some(f.due) == on).count()
        })
        .collect()
}

/// A deck's figures with FSRS's due days in place of SM-2's, when FSRS
/// schedules it.
pub fn deck_stats(
    store: &Store,
    deck: &DeckId,
    today: NaiveDate,
    scheduling: Scheduling,
) -> Result<DeckStats, StoreError> {
    let mut stats = store.deck_stats(deck, today)?;
    if let Some(due) = deck_fsrs_due(store, deck, scheduling)? {
        stats.due_today = due_count(&due, today);
        stats.due_next_7_days = due_per_day(&due, today, 7);
    }
    Ok(stats)
}

/// Cards of a deck falling due on each of the `days` days after `today`,
/// under its scheduler.
pub fn deck_due_per_day(
    store: &Store,
    deck: &DeckId,
    today: NaiveDate,
    days: u64,
    scheduling: Scheduling,
) -> Result<Vec<usize>, StoreError> {
    match deck_fsrs_due(store, deck, scheduling)? {
        Some(due) => Ok(due_per_day(&due, today, days)),
        None => store.due_per_day(std::slice::from_ref(deck), today, days),
    }
}

/// The deck's FSRS due days, when FSRS schedules it.
fn deck_fsrs_due(
    store: &Store,
    deck: &DeckId,
    scheduling: Scheduling,
) -> Result<Option<Vec<FsrsDue>>, StoreError> {
    let fsrs = scheduling.fsrs_decks(store, std::slice::from_ref(deck))?;
    if fsrs.is_empty() {
        return Ok(None);
    }
    fsrs_due(store, &fsrs).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::{Logged, Model};
    use crate::sched::{CardState, Rating};

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn at(day: NaiveDate) -> chrono::DateTime<chrono::FixedOffset> {
        let text = format!("{}T09:00:00-05:00", day.format("%Y-%m-%d"));
        chrono::DateTime::parse_from_rfc3339(&text).unwrap()
    }

    /// The one card of `deck`'s file synced as `head` says, the store's
    /// session for `on` under the deck's own scheduler, and the card it
    /// holds, if any.
    fn session_on(
        store: &mut Store,
        file: &std::path::Path,
        head: &str,
        on: NaiveDate,
    ) -> (crate::review::Session, Option<CardId>) {
        std::fs::write(
            file,
            format!("title: T\n{head}cards:\n  - q: Un ?\n    a: A.\n"),
        )
        .unwrap();
        store.sync(&[file.to_path_buf()], false, at(on)).unwrap();
        let deck = DeckId::new("switch");
        let session = crate::review::Session::start_scheduled(
            store,
            vec![deck],
            at(on),
            crate::review::Plan::Daily { new_per_day: 20 },
            (None, None),
            Scheduling::default(),
        )
        .unwrap();
        let card = session.current(store).unwrap().map(|c| c.card.id);
        (session, card)
    }

    fn rate(
        store: &mut Store,
        session: &mut crate::review::Session,
        rating: Rating,
        on: NaiveDate,
    ) -> crate::store::Recorded {
        session
            .rate(store, rating, at(on), 8_000, None, None)
            .unwrap()
            .unwrap()
    }

    /// One card rated on three days through the session, its deck naming
    /// SM-2, then FSRS, then SM-2 again: under FSRS the card comes on the
    /// replayed memory's day, not SM-2's; every rating moves SM-2's state as
    /// SM-2 alone would, so the deck switched back finds SM-2's own day.
    #[test]
    fn switching_sm2_to_fsrs_to_sm2_restores_sm2s_due_day() {
        let dir = std::env::temp_dir().join(format!("fiches-switch-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("switch.yaml");
        let mut store = Store::in_memory().unwrap();
        let r = |v| Rating::new(v).unwrap();
        let first = day("2026-11-01");
        let model = Model::defaults();

        // SM-2: a 4 on the first day; SM-2 says the next day.
        let (mut session, card) = session_on(&mut store, &file, "scheduler: sm2\n", first);
        let card = card.expect("the new card");
        let one = rate(&mut store, &mut session, r(4), first);
        assert_eq!(one.next_due, Some(day("2026-11-02")));

        // Switched to FSRS: not due on SM-2's day, but on the memory's.
        let memory = model.replay(None, &[Logged::rated(first, r(4))]).unwrap();
        let fsrs_day = model.due_day(&memory, Retention::DEFAULT);
        assert!(fsrs_day > day("2026-11-02"), "{fsrs_day}");
        let fsrs = "scheduler: fsrs\n";
        let (_, none) = session_on(&mut store, &file, fsrs, day("2026-11-02"));
        assert_eq!(none, None, "FSRS does not give SM-2's day");
        let before = fsrs_day - chrono::Days::new(1);
        assert_eq!(session_on(&mut store, &file, fsrs, before).1, None);
        let (mut session, due) = session_on(&mut store, &file, fsrs, fsrs_day);
        assert_eq!(due, Some(card), "due on FSRS's day");
        let two = rate(&mut store, &mut session, r(5), fsrs_day);
        let log = [Logged::rated(first, r(4)), Logged::rated(fsrs_day, r(5))];
        let replayed = model.due_day(&model.replay(None, &log).unwrap(), Retention::DEFAULT);
        assert_eq!(two.next_due, Some(replayed), "the session says FSRS's day");
        // SM-2's state moved as SM-2 says, whichever scheduler was in use.
        let sm2_day = fsrs_day + chrono::Days::new(6);
        assert_eq!((two.after.reps, two.after.interval), (2, 6));
        assert_eq!(two.after.due, Some(sm2_day));
        assert_ne!(replayed, sm2_day, "the two schedulers differ here");

        // Back to SM-2: its own day, as if FSRS had never scheduled the deck.
        let sm2 = "scheduler: sm2\n";
        let before = sm2_day - chrono::Days::new(1);
        assert_eq!(session_on(&mut store, &file, sm2, before).1, None);
        let deck = DeckId::new("switch");
        let stats = deck_stats(&store, &deck, sm2_day, Scheduling::default()).unwrap();
        assert_eq!(stats.due_today, 1, "stats read SM-2's day too");
        let (mut session, due) = session_on(&mut store, &file, sm2, sm2_day);
        assert_eq!(due, Some(card), "due on SM-2's day");
        let three = rate(&mut store, &mut session, r(4), sm2_day);
        let only_sm2 = [(first, 4), (fsrs_day, 5), (sm2_day, 4)]
            .iter()
            .fold(CardState::default(), |s, (d, v)| {
                crate::sched::review(&s, r(*v), *d)
            });
        assert_eq!(
            three.after, only_sm2,
            "SM-2's state after FSRS is SM-2's own"
        );
        assert_eq!(three.next_due, only_sm2.due);
        let stored = store.card(card).unwrap().unwrap().state;
        assert_eq!(stored, only_sm2, "as stored");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn due_cards_of_both_schedulers_are_merged_most_overdue_first() {
        let (a, b) = (DeckId::new("a"), DeckId::new("b"));
        let entry = |card, deck: &DeckId, due| QueueEntry {
            card: CardId::new(card),
            deck: deck.clone(),
            due: Some(day(due)),
        };
        let sm2 = vec![entry(1, &a, "2026-11-28"), entry(2, &a, "2026-12-01")];
        let fsrs = vec![
            FsrsDue {
                card: CardId::new(10),
                deck: b.clone(),
                position: 0,
                due: day("2026-12-01"),
            },
            FsrsDue {
                card: CardId::new(11),
                deck: b.clone(),
                position: 1,
                due: day("2026-11-20"),
            },
            FsrsDue {
                card: CardId::new(12),
                deck: b.clone(),
                position: 2,
                due: day("2026-12-05"),
            },
        ];
        let order = [a.clone(), b.clone()];
        let got: Vec<i64> = due_entries(sm2, &fsrs, &order, day("2026-12-01"))
            .iter()
            .map(|e| e.card.get())
            .collect();
        assert_eq!(got, vec![11, 1, 2, 10]);
        assert_eq!(due_count(&fsrs, day("2026-12-01")), 2);
        assert_eq!(
            due_per_day(&fsrs, day("2026-12-01"), 5),
            vec![0, 0, 0, 1, 0]
        );
        assert_eq!(
            upcoming(vec![(day("2026-12-03"), 2)], &fsrs, day("2026-12-01"), 3),
            vec![(day("2026-12-03"), 2), (day("2026-12-05"), 1)]
        );
    }
}
