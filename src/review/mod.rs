//! A review session: the queue of the day, same-session relearning, undo.
//! One model under every front end; each rating is committed before the
//! next card is handed out.

pub mod grade;
pub mod plain;

use std::collections::{HashMap, HashSet, VecDeque};

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::clock;
use crate::deck::DeckId;
use crate::sched::{self, Rating};
use crate::store::{CardId, Recorded, ReviewId, Store, StoreError, StoredCard};

/// New cards introduced per day unless `--new` says otherwise.
pub const DEFAULT_NEW_PER_DAY: usize = 20;

/// How a session chooses its cards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// What is due today, then up to `new_per_day` new cards; a deck with
    /// an `exam:` to come is planned to it.
    Daily { new_per_day: usize },
    /// Every deck planned to `exam` (instead of each deck's own `exam:`):
    /// every card introduced by its eve (new cards spread evenly over the
    /// days left), no review after it, and on its eve a final pass over every
    /// card not yet known (latest rating below 4). Once the exam has passed,
    /// the daily plan.
    Exam { exam: NaiveDate },
    /// Every card now, weakest first; logged, the schedule left alone.
    Cram,
}

/// New cards to introduce today so that all `unseen` are seen by the eve
/// of `exam`: what is left over the days left, rounded up.
pub fn exam_new_cards(unseen: usize, today: NaiveDate, exam: NaiveDate) -> usize {
    let eve = exam.pred_opt().unwrap_or(exam);
    let days_left = usize::try_from((eve - today).num_days() + 1).unwrap_or(0);
    if days_left == 0 {
        unseen
    } else {
        unseen.div_ceil(days_left)
    }
}

/// Why a card is in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotKind {
    New,
    Due,
    /// The eve of an exam: not due, but not yet known.
    FinalPass,
    /// Rated below 4 earlier in this session: back until it is known.
    Relearning,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slot {
    card: CardId,
    kind: SlotKind,
}

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

/// The end-of-session account.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub cards_reviewed: usize,
    /// Ratings given, indexed by rating − 1.
    pub ratings: [usize; 5],
    /// Next days with cards due, with how many.
    pub upcoming: Vec<(NaiveDate, usize)>,
}

impl Summary {
    pub fn total_ratings(&self) -> usize {
        self.ratings.iter().sum()
    }
}

/// A session does not hold the store: front ends own it and lend it to each
/// call, so a screen can also read the store between ratings.
pub struct Session {
    plan: Plan,
    /// The exam each deck is planned to, for decks that have one to come.
    exams: HashMap<DeckId, NaiveDate>,
    decks: Vec<DeckId>,
    day: NaiveDate,
    queue: VecDeque<Slot>,
    done: Vec<Step>,
    current: Option<StoredCard>,
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
        // Another session rating meanwhile must not shift the day's new cards.
        store.read_consistently(|store| Session::plan_day(store, decks, now, plan))
    }

    fn plan_day(
        store: &Store,
        decks: Vec<DeckId>,
        now: DateTime<FixedOffset>,
        plan: Plan,
    ) -> Result<Session, SessionError> {
        let day = clock::study_day(now);
        let slot = |kind| move |e: crate::store::QueueEntry| Slot { card: e.card, kind };
        let mut queue: VecDeque<Slot> = VecDeque::new();
        // Each deck's exam still to come: the `--exam` day for all, or the
        // deck's own `exam:`. A passed exam plans nothing any more.
        let mut exams: HashMap<DeckId, NaiveDate> = HashMap::new();
        if plan != Plan::Cram {
            for deck in &decks {
                let exam = match plan {
                    Plan::Exam { exam } => Some(exam),
                    _ => store.exam_day(std::slice::from_ref(deck))?,
                };
                if let Some(exam) = exam.filter(|exam| *exam > day) {
                    exams.insert(deck.clone(), exam);
                }
            }
        }
        if plan == Plan::Cram {
            queue.extend(
                store
                    .cards_weakest_first(&decks)?
                    .into_iter()
                    .map(|e| Slot {
                        card: e.card,
                        kind: if e.due.is_none() {
                            SlotKind::New
                        } else {
                            SlotKind::Due
                        },
                    }),
            );
        } else {
            queue.extend(
                store
                    .due_cards(&decks, day)?
                    .into_iter()
                    .map(slot(SlotKind::Due)),
            );
            let mut queued: HashSet<CardId> = queue.iter().map(|s| s.card).collect();
            // The eve of an exam: every card not yet known, and any card
            // scheduled after the exam, comes back.
            for (deck, exam) in &exams {
                if exam.pred_opt() == Some(day) {
                    let one = std::slice::from_ref(deck);
                    for entry in store.weak_cards(one, *exam)? {
                        if queued.insert(entry.card) {
                            queue.push_back(slot(SlotKind::FinalPass)(entry));
                        }
                    }
                }
            }
            // New cards: planned to each exam, the daily allowance for the rest.
            for (deck, exam) in &exams {
                let one = std::slice::from_ref(deck);
                let introduced = store.introduced_on(one, day)?;
                let allowance = exam_new_cards(store.unseen_count(one)? + introduced, day, *exam)
                    .saturating_sub(introduced);
                queue.extend(
                    store
                        .new_cards(one, allowance)?
                        .into_iter()
                        .map(slot(SlotKind::New)),
                );
            }
            let daily: Vec<DeckId> = decks
                .iter()
                .filter(|d| !exams.contains_key(*d))
                .cloned()
                .collect();
            let new_per_day = match plan {
                Plan::Daily { new_per_day } => new_per_day,
                _ => DEFAULT_NEW_PER_DAY,
            };
            let allowance = new_per_day.saturating_sub(store.introduced_on(&daily, day)?);
            queue.extend(
                store
                    .new_cards(&daily, allowance)?
                    .into_iter()
                    .map(slot(SlotKind::New)),
            );
        }
        Ok(Session {
            plan,
            exams,
            decks,
            day,
            queue,
            done: Vec::new(),
            current: None,
        })
    }

    pub fn plan(&self) -> Plan {
        self.plan
    }

    pub fn day(&self) -> NaiveDate {
        self.day
    }

    pub fn remaining(&self) -> Remaining {
        let mut left = Remaining::default();
        for slot in &self.queue {
            match slot.kind {
                SlotKind::New => left.new += 1,
                SlotKind::Due | SlotKind::FinalPass => left.due += 1,
                SlotKind::Relearning => left.relearning += 1,
            }
        }
        left
    }

    /// The card to show, or `None` when the session is over.
    pub fn current(&mut self, store: &Store) -> Result<Option<Current>, SessionError> {
        let Some(&slot) = self.queue.front() else {
            return Ok(None);
        };
        let card = match &self.current {
            Some(card) if card.id == slot.card => card.clone(),
            _ => {
                let card = store
                    .card(slot.card)?
                    .ok_or(SessionError::MissingCard(slot.card.0))?;
                self.current = Some(card.clone());
                card
            }
        };
        Ok(Some(Current {
            card,
            kind: slot.kind,
            position: self.done.len() + 1,
            total: self.done.len() + self.queue.len(),
            remaining: self.remaining(),
        }))
    }

    /// Rates the current card and commits it. A rating below 4 brings the
    /// card back later in the session; only the day's first rating of a
    /// card moves its schedule.
    pub fn rate(
        &mut self,
        store: &mut Store,
        rating: Rating,
        at: DateTime<FixedOffset>,
        took_ms: u64,
        ticks: Option<&[usize]>,
    ) -> Result<Option<Recorded>, SessionError> {
        let Some(&slot) = self.queue.front() else {
            return Ok(None);
        };
        // The rating belongs to the study day it is given on, even when the
        // session began before 04:00.
        let day = clock::study_day(at);
        let plan = self.plan;
        let exam = match &self.current {
            Some(card) if card.id == slot.card => self.exams.get(&card.deck).copied(),
            _ => store
                .card(slot.card)?
                .and_then(|card| self.exams.get(&card.deck).copied()),
        };
        let recorded = store.record(slot.card, rating, at, day, took_ms, ticks, |before| {
            if plan == Plan::Cram {
                // A cram is logged; the card's state is left as it was.
                return (*before, false);
            }
            if !before.schedules_on(day) {
                return (sched::repeat(before, rating), false);
            }
            let next = sched::review(before, rating, day);
            match exam {
                Some(exam) => (sched::before_exam(next, day, exam), true),
                None => (next, true),
            }
        })?;
        self.queue.pop_front();
        let requeued = rating.needs_relearning();
        if requeued {
            self.queue.push_back(Slot {
                card: slot.card,
                kind: SlotKind::Relearning,
            });
        }
        self.current = None;
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
            // Relearning entries are only ever pushed at the back.
            if let Some(pos) = self
                .queue
                .iter()
                .rposition(|s| s.card == step.slot.card && s.kind == SlotKind::Relearning)
            {
                self.queue.remove(pos);
            }
        }
        self.queue.push_front(step.slot);
        self.current = None;
        Ok(Some(step.recorded))
    }

    pub fn last_review(&self) -> Option<ReviewId> {
        self.done.last().map(|s| s.recorded.review)
    }

    pub fn summary(&self, store: &Store) -> Result<Summary, SessionError> {
        let mut ratings = [0; 5];
        let mut cards = HashSet::new();
        for step in &self.done {
            ratings[usize::from(step.recorded.rating.value() - 1)] += 1;
            cards.insert(step.recorded.card);
        }
        Ok(Summary {
            cards_reviewed: cards.len(),
            ratings,
            upcoming: store.upcoming(&self.decks, self.day, 3)?,
        })
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
