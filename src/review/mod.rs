//! A review session: the queue of the day, same-session relearning, undo.
//! One model under every front end; each rating is committed before the
//! next card is handed out. The day's read of the store is in `read.rs`,
//! the session's end (its account and how it is said) in `summary.rs`.

pub mod answer;
pub mod exam_plan;
pub mod grade;
pub mod outlook;
pub mod plan;
mod queue;
mod read;
pub mod scheduler;
pub mod standing;
mod summary;
pub mod tags;

use std::collections::HashSet;

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::clock;
use crate::deck::DeckId;
use crate::sched::{Rating, Verdict};
use crate::store::{CardId, NewReview, Recorded, ReviewId, Store, StoreError, StoredCard};
pub use plan::{
    DEFAULT_NEW_PER_DAY, DayInput, DayPlan, DeckDay, DueCards, DueLater, Plan, Slot, SlotKind,
};
use queue::Queue;
pub use read::{Pace, pace};
use read::{fsrs_due_cards, read_day, read_timed};
pub use summary::{Summary, saved_text, write_summary};

/// What one rating did to the queue, so undo can put it back exactly.
#[derive(Debug, Clone)]
struct Step {
    slot: Slot,
    recorded: Recorded,
    requeued: bool,
}

/// Cards left in the queue, by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Remaining {
    pub new: usize,
    pub relearning: usize,
    pub due: usize,
}

/// The card to show now, and where the session stands.
#[derive(Debug, Clone, PartialEq)]
pub struct Current {
    pub card: StoredCard,
    pub kind: SlotKind,
    /// 1-based place in the session.
    pub position: usize,
    pub total: usize,
    pub remaining: Remaining,
}

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("a card of this session vanished from the store (card {0})")]
    MissingCard(i64),
}

/// How many other cards (not themselves being relearned) come before a
/// card rated below 4 comes back.
pub const RELEARN_AFTER: usize = 3;

/// A session does not hold the store: front ends own it and lend it to each
/// call, so a screen can also read the store between ratings.
pub struct Session {
    notices: Vec<String>,
    /// The scheduler asked for over the decks' own, and the decks planned
    /// day by day that FSRS schedules, with their retention.
    scheduling: scheduler::Scheduling,
    fsrs: Vec<(DeckId, crate::sched::Retention)>,
    /// A study by tag: the only cards the session plans, and the tags asked.
    only: Option<HashSet<CardId>>,
    only_tags: Vec<String>,
    /// An exam plan with minutes: no automatic same-session relearning.
    timed_exam: bool,
    plan: Plan,
    decks: Vec<DeckId>,
    day: NaiveDate,
    queue: Queue,
    done: Vec<Step>,
}

impl Session {
    /// The day's queue: due cards first (most overdue first), then new cards
    /// in deck order, up to `new_per_day` new cards a day.
    pub fn start(
        store: &Store,
        decks: Vec<DeckId>,
        now: DateTime<FixedOffset>,
        new_per_day: usize,
    ) -> Result<Session, SessionError> {
        Session::start_with(store, decks, now, Plan::Daily { new_per_day })
    }

    /// A session under a plan: the day's reviews, the days to an exam, or
    /// a cram of every card.
    pub fn start_with(
        store: &Store,
        decks: Vec<DeckId>,
        now: DateTime<FixedOffset>,
        plan: Plan,
    ) -> Result<Session, SessionError> {
        Session::start_timed(store, decks, now, plan, None)
    }

    /// A session holding about `minutes` of work, when given; decks
    /// planned to an exam are planned by the model of memory.
    pub fn start_timed(
        store: &Store,
        decks: Vec<DeckId>,
        now: DateTime<FixedOffset>,
        plan: Plan,
        minutes: Option<u32>,
    ) -> Result<Session, SessionError> {
        Session::start_only(store, decks, now, plan, minutes, None)
    }

    /// A session of only the cards in `only`, when given (a study by tag):
    /// the day's plan made over them alone.
    pub fn start_only(
        store: &Store,
        decks: Vec<DeckId>,
        now: DateTime<FixedOffset>,
        plan: Plan,
        minutes: Option<u32>,
        only: Option<&HashSet<CardId>>,
    ) -> Result<Session, SessionError> {
        Session::start_scheduled(
            store,
            decks,
            now,
            plan,
            (minutes, only),
            scheduler::Scheduling::default(),
        )
    }

    /// A session as [`Session::start_only`] (with its minutes and its only
    /// cards), under `scheduling`: the decks FSRS schedules have the due
    /// cards of their FSRS due days.
    pub fn start_scheduled(
        store: &Store,
        decks: Vec<DeckId>,
        now: DateTime<FixedOffset>,
        plan: Plan,
        (minutes, only): (Option<u32>, Option<&HashSet<CardId>>),
        scheduling: scheduler::Scheduling,
    ) -> Result<Session, SessionError> {
        let day = clock::study_day(now);
        // Another session rating meanwhile must not shift the day's new cards.
        let (input, timed, fsrs) = store.read_consistently(|store| {
            let mut input = read_day(store, &decks, day, plan, only.is_some())?;
            let mut timed = read_timed(store, &input, minutes)?;
            // The model weighs every due card against the others (the decks
            // planned to an exam are planned from the model's own read of
            // every card: their due cards are not needed); a study by tag
            // keeps only some of them.
            if (timed.is_some() || only.is_some()) && input.due.next.is_some() {
                let wanted: Vec<DeckId> = input
                    .decks
                    .iter()
                    .filter(|d| only.is_some() || d.exam.is_none())
                    .map(|d| d.deck.clone())
                    .collect();
                input.due = if wanted.is_empty() {
                    DueCards::default()
                } else {
                    DueCards::all(store.due_cards(&wanted, day)?)
                };
            }
            let without_exam_due = timed.is_some() && only.is_none();
            let fsrs = fsrs_due_cards(store, &mut input, scheduling, without_exam_due)?;
            if let Some(only) = only {
                input = plan::restrict(input, only);
                if let Some(timed) = timed.as_mut() {
                    timed.exam_cards.retain(|(_, card)| only.contains(&card.id));
                    timed.memories.retain(|card, _| only.contains(card));
                }
            }
            Ok::<_, StoreError>((input, timed, fsrs))
        })?;
        let day_plan = plan::plan_day(&input);
        let (day_plan, notices) = match &timed {
            Some(timed) => exam_plan::refine(&input, day_plan, timed),
            None => (day_plan, Vec::new()),
        };
        let mut session = Session::planned(plan, decks, day_plan);
        session.scheduling = scheduling;
        session.fsrs = fsrs;
        session.only = only.cloned();
        session.notices = notices;
        session.timed_exam = minutes.is_some() && input.decks.iter().any(|d| d.exam.is_some());
        Ok(session)
    }

    /// The tags a study by tag asked for: its summary counts their cards
    /// and its hints carry them.
    pub fn set_only_tags(&mut self, tags: Vec<String>) {
        self.only_tags = tags;
    }

    /// Said on the session's first screen (minutes that cannot cover the
    /// course).
    pub fn notices(&self) -> &[String] {
        &self.notices
    }

    /// A session over a plan already made.
    pub fn planned(plan: Plan, decks: Vec<DeckId>, day_plan: DayPlan) -> Session {
        Session {
            notices: Vec::new(),
            scheduling: scheduler::Scheduling::default(),
            fsrs: Vec::new(),
            only: None,
            only_tags: Vec::new(),
            timed_exam: false,
            plan,
            decks,
            day: day_plan.day,
            queue: Queue::new(day_plan),
            done: Vec::new(),
        }
    }

    pub fn plan(&self) -> Plan {
        self.plan
    }

    pub fn day(&self) -> NaiveDate {
        self.day
    }

    pub fn remaining(&self) -> Remaining {
        self.queue.remaining()
    }

    /// The card to show, or `None` when the session is over.
    pub fn current(&self, store: &Store) -> Result<Option<Current>, SessionError> {
        let Some(slot) = self.queue.front() else {
            return Ok(None);
        };
        let card = store
            .card(slot.card)?
            .ok_or(SessionError::MissingCard(slot.card.get()))?;
        Ok(Some(Current {
            card,
            kind: slot.kind,
            position: self.done.len() + 1,
            total: self.done.len() + self.queue.len(),
            remaining: self.remaining(),
        }))
    }

    /// Rates the current card and commits it, with the items ticked and a
    /// graded card's verdict. A rating below 4 brings the card back later
    /// in the session; only the day's first rating of a card moves its
    /// schedule.
    pub fn rate(
        &mut self,
        store: &mut Store,
        rating: Rating,
        at: DateTime<FixedOffset>,
        took_ms: u64,
        ticks: Option<&[usize]>,
        verdict: Option<Verdict>,
    ) -> Result<Option<Recorded>, SessionError> {
        let Some(slot) = self.queue.front() else {
            return Ok(None);
        };
        // The next due cards are read before this rating moves the queue:
        // should the read fail, nothing is committed.
        if let Some((from, wanted)) = self.queue.wants_due() {
            let page = store.due_page(&self.decks, self.day, Some(from), wanted)?;
            self.queue.add_due(page);
        }
        let recorded = store.record(&NewReview {
            card: slot.card,
            rating,
            at,
            // The rating belongs to the study day it is given on, even when
            // the session began before 04:00.
            day: clock::study_day(at),
            took_ms,
            ticks: ticks.map(<[usize]>::to_vec),
            verdict,
            policy: slot.policy,
        })?;
        let mut recorded = recorded;
        if !self.fsrs.is_empty() {
            // Every rating, a same-day repeat too: FSRS's day is replayed
            // from the whole log, as stats reads it. The rating is
            // committed: should this read fail, the card's SM-2 day is said
            // rather than the rating reported unsaved.
            if let Ok(Some(due)) = scheduler::next_due(store, recorded.card, &self.fsrs) {
                recorded.next_due = Some(due);
            }
        }
        self.queue.pop_front();
        // Under an exam plan with minutes, the model decides what the time
        // goes to: a forgotten card comes back when it is worth it (on a
        // later day), not automatically later in the session.
        let by_value = self.timed_exam && matches!(slot.policy, crate::sched::Policy::Exam { .. });
        let requeued = rating.needs_relearning() && !by_value;
        if requeued {
            // Back after a few other cards: soon enough to relearn while it
            // is fresh, not after every new card of the day. Only cards not
            // being relearned count, so failing cards cannot crowd out the rest.
            self.queue.insert_relearning(
                Slot {
                    kind: SlotKind::Relearning,
                    ..slot
                },
                RELEARN_AFTER,
            );
        }
        self.done.push(Step {
            slot,
            recorded: recorded.clone(),
            requeued,
        });
        Ok(Some(recorded))
    }

    /// Takes back the session's last rating: the card's state restored, its
    /// log entry gone, the card shown again. `Ok(None)` when there is
    /// nothing to undo; an error when another session rated it since.
    pub fn undo(&mut self, store: &mut Store) -> Result<Option<Recorded>, UndoError> {
        let Some(step) = self.done.last().cloned() else {
            return Ok(None);
        };
        if !store.undo(step.recorded.review)? {
            return Err(UndoError::RatedElsewhere);
        }
        self.done.pop();
        if step.requeued {
            self.queue.remove_relearning(step.slot.card);
        }
        self.queue.push_front(step.slot);
        Ok(Some(step.recorded))
    }

    pub fn last_review(&self) -> Option<ReviewId> {
        self.done.last().map(|s| s.recorded.review)
    }

    /// Whether the card last rated comes back later in this session.
    pub fn last_comes_back(&self) -> bool {
        self.done.last().is_some_and(|s| s.requeued)
    }

    /// Plans the rest of the day again under `plan` (more new cards, a
    /// cram), keeping what was rated so far: its summary and its undo.
    pub fn replan(
        &mut self,
        store: &Store,
        now: DateTime<FixedOffset>,
        plan: Plan,
    ) -> Result<(), SessionError> {
        let day = clock::study_day(now);
        let only = self.only.as_ref();
        let (input, fsrs) = store.read_consistently(|store| {
            let mut input = read_day(store, &self.decks, day, plan, only.is_some())?;
            if only.is_some() && input.due.next.is_some() {
                input.due = DueCards::all(store.due_cards(&self.decks, day)?);
            }
            let fsrs = fsrs_due_cards(store, &mut input, self.scheduling, false)?;
            if let Some(only) = only {
                input = plan::restrict(input, only);
            }
            Ok::<_, StoreError>((input, fsrs))
        })?;
        let day_plan = plan::plan_day(&input);
        self.fsrs = fsrs;
        self.plan = plan;
        self.day = day_plan.day;
        self.queue = Queue::new(day_plan);
        self.notices.clear();
        Ok(())
    }

    /// The plan `n` asks for: as many more new cards today as a day's
    /// default; `None` when the session is not planned day by day.
    pub fn more_new_plan(&self) -> Option<Plan> {
        match self.plan {
            Plan::Daily { new_per_day } => Some(Plan::Daily {
                new_per_day: new_per_day.saturating_add(DEFAULT_NEW_PER_DAY),
            }),
            _ => None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum UndoError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "this card has been rated since in another session: its rating cannot be taken back here"
    )]
    RatedElsewhere,
}

/// What to say when a rating could not be saved: the session goes on, on
/// the same card.
pub fn not_saved(err: &crate::store::StoreError) -> String {
    use crate::store::StoreError;
    match err {
        // Nothing this session does can be saved where it will be read.
        StoreError::Deleted { .. } | StoreError::Replaced { .. } => {
            format!("This rating was NOT saved: {err}.")
        }
        _ => format!(
            "This rating was NOT saved: {err}. Then rate again, or quit (every earlier rating is saved)."
        ),
    }
}

/// What a front end says while a rating waits for another process to
/// finish writing to the store.
pub fn waiting_for_store(store: &std::path::Path) -> String {
    format!(
        "Waiting for another fiches process, which is writing to the review store {}: what you just did (a rating, or an undo) is saved as soon as it is done. Every earlier rating is saved.",
        store.display()
    )
}
