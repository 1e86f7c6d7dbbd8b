//! A review session: the queue of the day, same-session relearning, undo.
//! One model under every front end; each rating is committed before the
//! next card is handed out.

pub mod answer;
pub mod exam_plan;
pub mod grade;
pub mod outlook;
pub mod plan;
mod queue;
pub mod scheduler;
pub mod standing;
pub mod tags;

use std::collections::HashSet;
use std::io::{self, Write};

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::clock;
use crate::deck::DeckId;
use crate::memory;
use crate::sched::{Rating, Verdict};
use crate::store::{CardId, NewReview, Recorded, ReviewId, Store, StoreError, StoredCard};
pub use plan::{
    DEFAULT_NEW_PER_DAY, DayInput, DayPlan, DeckDay, DueCards, DueLater, Plan, Slot, SlotKind,
};
use queue::{DUE_PAGE, Queue};

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
    /// What is still to do today in these decks: cards due, cards waiting
    /// to be relearned, new cards of today's plan not started.
    pub left_today: Remaining,
    /// Cards of these decks never reviewed.
    pub unseen: usize,
    /// New cards that more new cards today (`n`, a higher `--new`) would add.
    pub more_new: usize,
    /// The daily new-card limit the session ran with (a day-by-day plan).
    pub new_per_day: Option<usize>,
    /// Cards of these decks (what a cram goes through).
    pub cards: usize,
    /// Next days with cards due, with how many.
    pub upcoming: Vec<(NaiveDate, usize)>,
    /// Why the session's ratings are not where the next session reads
    /// them (the store deleted or replaced meanwhile).
    pub store_lost: Option<String>,
    /// A study by tag: the tags asked, whose cards alone the figures count.
    pub tags: Vec<String>,
}

impl Summary {
    /// `--tag T` for each tag of a study by tag, to continue it: "" otherwise.
    pub fn tag_args(&self) -> String {
        self.tags
            .iter()
            .map(|t| format!(" --tag {}", shell_word(t)))
            .collect()
    }

    /// What the figures count, for a study by tag: "the 12 cards tagged liste".
    pub fn covered_text(&self) -> Option<String> {
        (!self.tags.is_empty()).then(|| {
            let tags: Vec<String> = self
                .tags
                .iter()
                .map(|t| crate::text::one_line(t).into_owned())
                .collect();
            format!(
                "These figures are of the {} {} tagged {}.",
                self.cards,
                cards(self.cards),
                tags.join(" or ")
            )
        })
    }

    pub fn total_ratings(&self) -> usize {
        self.ratings.iter().sum()
    }

    /// Nothing left to do today.
    pub fn day_done(&self) -> bool {
        self.left_today == Remaining::default()
    }

    /// What is still to do today, in words: "12 due, 2 to relearn, 20 new".
    pub fn left_today_text(&self) -> Option<String> {
        let left = self.left_today;
        let parts: Vec<String> = [
            (left.due, "due"),
            (left.relearning, "to relearn"),
            (left.new, "new"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    }

    /// The next days with cards due: "2026-12-02 (5 cards), …".
    pub fn upcoming_text(&self) -> Option<String> {
        let next: Vec<String> = self
            .upcoming
            .iter()
            .map(|(day, n)| format!("{} ({n} {})", day.format("%Y-%m-%d"), cards(*n)))
            .collect();
        (!next.is_empty()).then(|| next.join(", "))
    }
}

fn cards(n: usize) -> &'static str {
    if n == 1 { "card" } else { "cards" }
}

/// A tag as a shell reads it back: quoted unless plain.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':'));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// What a committed rating did, as both front ends say it.
pub fn saved_text(recorded: &Recorded, comes_back: bool) -> String {
    let rating = recorded.rating;
    let Some(due) = recorded.next_due else {
        // Only a cram leaves a card without a review day: it logs the
        // rating and keeps the schedule as it was.
        return format!(
            "Saved {rating}: a cram leaves the schedule alone; this card has no review day yet."
        );
    };
    let next = due.format("%Y-%m-%d");
    if comes_back {
        format!("Saved {rating}: the card comes back in this session (next review {next}).")
    } else {
        format!("Saved {rating}: next review {next}.")
    }
}

/// The session's account in words, as both front ends end with it.
pub fn write_summary(out: &mut impl Write, summary: &Summary) -> io::Result<()> {
    writeln!(out)?;
    if let Some(lost) = &summary.store_lost {
        writeln!(out, "Not saved where fiches will read it: {lost}.")?;
    }
    if summary.total_ratings() == 0 {
        writeln!(out, "Session over: no cards reviewed.")?;
    } else {
        let per_rating: Vec<String> = summary
            .ratings
            .iter()
            .enumerate()
            .map(|(i, n)| format!("{}: {n}", i + 1))
            .collect();
        writeln!(
            out,
            "Session over: {} card{} reviewed, {} rating{} ({}).",
            summary.cards_reviewed,
            if summary.cards_reviewed == 1 { "" } else { "s" },
            summary.total_ratings(),
            if summary.total_ratings() == 1 {
                ""
            } else {
                "s"
            },
            per_rating.join(", ")
        )?;
    }
    // Today first, then later days.
    if let Some(covered) = summary.covered_text() {
        writeln!(out, "{covered}")?;
    }
    match summary.left_today_text() {
        Some(left) => writeln!(out, "Still to do today: {left}.")?,
        None => writeln!(out, "Nothing left for today.")?,
    }
    let tags = summary.tag_args();
    if summary.day_done() {
        if summary.more_new > 0 {
            let limit = summary.new_per_day.unwrap_or(DEFAULT_NEW_PER_DAY) + summary.more_new;
            writeln!(
                out,
                "New cards: {} not seen yet; `fiches review{tags} --new {limit}` adds {} more today.",
                summary.unseen, summary.more_new
            )?;
        } else if summary.unseen > 0 {
            writeln!(out, "New cards: {} not seen yet.", summary.unseen)?;
        }
        if summary.cards > 0 {
            writeln!(
                out,
                "`fiches review{tags} --cram` goes through every card{} now (the schedule stays as it is).",
                if tags.is_empty() { "" } else { " of the tags" }
            )?;
        }
    }
    match summary.upcoming_text() {
        Some(next) => writeln!(out, "Next due: {next}.")?,
        None => writeln!(out, "Nothing else is scheduled yet.")?,
    }
    Ok(())
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

    pub fn summary(&self, store: &Store) -> Result<Summary, SessionError> {
        let mut ratings = [0; 5];
        let mut reviewed = HashSet::new();
        for step in &self.done {
            ratings[usize::from(step.recorded.rating.value() - 1)] += 1;
            reviewed.insert(step.recorded.card);
        }
        let fsrs_decks: Vec<&DeckId> = self.fsrs.iter().map(|(d, _)| d).collect();
        let sm2_decks: Vec<DeckId> = self
            .decks
            .iter()
            .filter(|d| !fsrs_decks.contains(d))
            .cloned()
            .collect();
        let fsrs_due = scheduler::fsrs_due(store, &self.fsrs)?;
        if let Some(only) = &self.only {
            return self.tagged_summary(store, only, &fsrs_due, reviewed.len(), ratings);
        }
        let left_today = Remaining {
            due: store.due_count(&sm2_decks, self.day)? + scheduler::due_count(&fsrs_due, self.day),
            relearning: store.relearning_on(&self.decks, self.day)?.len(),
            new: self.new_left(),
        };
        let unseen = store.unseen_count(&self.decks)?;
        let new_per_day = self.new_per_day();
        let mut more_new = 0;
        for deck in self.decks_taking_more_new(store)? {
            more_new += store.unseen_count(std::slice::from_ref(deck))?;
        }
        let more_new = more_new
            .saturating_sub(left_today.new)
            .min(DEFAULT_NEW_PER_DAY);
        let mut cards = 0;
        for deck in &self.decks {
            cards += store.deck_stats(deck, self.day)?.cards;
        }
        Ok(Summary {
            cards_reviewed: reviewed.len(),
            ratings,
            left_today,
            unseen,
            more_new,
            new_per_day,
            cards,
            upcoming: scheduler::upcoming(
                store.upcoming(&sm2_decks, self.day, 3)?,
                &fsrs_due,
                self.day,
                3,
            ),
            store_lost: store.still_in_place().err().map(|err| err.to_string()),
            tags: Vec::new(),
        })
    }

    /// New cards of today's plan not started (a cram is not the day's
    /// plan: its cards are not "new today").
    fn new_left(&self) -> usize {
        if self.plan == Plan::Cram {
            0
        } else {
            self.remaining().new
        }
    }

    /// The daily new-card limit, for a session planned day by day.
    fn new_per_day(&self) -> Option<usize> {
        match self.plan {
            Plan::Daily { new_per_day } => Some(new_per_day),
            _ => None,
        }
    }

    /// The decks that more new cards today would add to: only those planned
    /// day by day (an exam plans its own).
    fn decks_taking_more_new(&self, store: &Store) -> Result<Vec<&DeckId>, StoreError> {
        let mut decks = Vec::new();
        if self.new_per_day().is_some() {
            for deck in &self.decks {
                let exam = store.exam_day(std::slice::from_ref(deck))?;
                if plan::deck_exam(self.plan, exam, self.day).is_none() {
                    decks.push(deck);
                }
            }
        }
        Ok(decks)
    }

    /// The summary of a study by tag: its figures count the tagged cards alone.
    fn tagged_summary(
        &self,
        store: &Store,
        only: &HashSet<CardId>,
        fsrs_due: &[scheduler::FsrsDue],
        cards_reviewed: usize,
        ratings: [usize; 5],
    ) -> Result<Summary, SessionError> {
        // A card FSRS schedules is due on FSRS's day, not SM-2's.
        let fsrs_day: std::collections::HashMap<CardId, NaiveDate> =
            fsrs_due.iter().map(|f| (f.card, f.due)).collect();
        let rows: Vec<crate::store::CardRow> = store
            .card_rows(&self.decks)?
            .into_iter()
            .filter(|row| !row.retired && only.contains(&row.card))
            .collect();
        let due_on = |row: &crate::store::CardRow| {
            fsrs_day.get(&row.card).copied().or_else(|| {
                row.due
                    .as_deref()
                    .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            })
        };
        let relearning: HashSet<CardId> = store
            .relearning_on(&self.decks, self.day)?
            .iter()
            .map(|entry| entry.card)
            .filter(|card| only.contains(card))
            .collect();
        let due = rows
            .iter()
            .filter(|row| due_on(row).is_some_and(|d| d <= self.day))
            .filter(|row| !relearning.contains(&row.card))
            .count();
        let left_today = Remaining {
            due,
            relearning: relearning.len(),
            new: self.new_left(),
        };
        let unseen = rows.iter().filter(|row| row.due.is_none()).count();
        let new_per_day = self.new_per_day();
        let mut more_new = 0;
        for deck in self.decks_taking_more_new(store)? {
            more_new += rows
                .iter()
                .filter(|row| row.due.is_none() && row.deck == deck.as_str())
                .count();
        }
        let mut upcoming: std::collections::BTreeMap<NaiveDate, usize> = Default::default();
        for day in rows.iter().filter_map(due_on).filter(|d| *d > self.day) {
            *upcoming.entry(day).or_default() += 1;
        }
        Ok(Summary {
            cards_reviewed,
            ratings,
            left_today,
            unseen,
            more_new: more_new
                .saturating_sub(left_today.new)
                .min(DEFAULT_NEW_PER_DAY),
            new_per_day,
            cards: rows.len(),
            upcoming: upcoming.into_iter().take(3).collect(),
            store_lost: store.still_in_place().err().map(|err| err.to_string()),
            tags: self.only_tags.clone(),
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

/// What the day's plan needs from the store, read at once.
/// What the model of memory needs for the day: nothing unless a deck is
/// planned to an exam or the session has minutes.
fn read_timed(
    store: &Store,
    input: &DayInput,
    minutes: Option<u32>,
) -> Result<Option<exam_plan::Timed>, StoreError> {
    if input.plan == Plan::Cram
        || (minutes.is_none() && input.decks.iter().all(|d| d.exam.is_none()))
    {
        return Ok(None);
    }
    let stored = store.stored_model()?;
    let model = memory::model_of(&stored);
    let (exam_decks, daily): (Vec<&DeckDay>, Vec<&DeckDay>) =
        input.decks.iter().partition(|d| d.exam.is_some());
    let exam_decks: Vec<DeckId> = exam_decks.into_iter().map(|d| d.deck.clone()).collect();
    let exam_cards = store
        .plan_cards(&exam_decks, stored.version)?
        .iter()
        .map(|c| {
            (
                c.deck.clone(),
                exam_plan::PlanCard {
                    id: c.id,
                    memory: memory::memory_now(&model, c),
                    due: c.state.due,
                },
            )
        })
        .collect();
    // What the first screen says of the minutes a day when none are given.
    let usual_minutes = if minutes.is_none() && !exam_decks.is_empty() {
        let days = store.study_time_by_day(
            exam_plan::USUAL_MINUTES_DAYS,
            (exam_plan::MAX_SECONDS_PER_CARD * 1000.0) as u64,
        )?;
        Some(exam_plan::minutes_a_day(None, &days))
    } else {
        None
    };
    let memories = if minutes.is_some() {
        let daily: Vec<DeckId> = daily.into_iter().map(|d| d.deck.clone()).collect();
        store
            .plan_cards(&daily, stored.version)?
            .iter()
            .filter_map(|c| memory::memory_now(&model, c).map(|m| (c.id, m)))
            .collect()
    } else {
        Default::default()
    };
    Ok(Some(exam_plan::Timed {
        model,
        exam_cards,
        memories,
        minutes,
        usual_minutes,
        seconds_per_card: exam_plan::seconds_per_card(&store.recent_review_times(200)?),
    }))
}

/// Puts FSRS's due cards in the day's input for the decks planned day by
/// day that FSRS schedules (SM-2's stay for the others; `without_exam_due`:
/// none of the decks planned to an exam, whose cards the model plans), and
/// says which decks those are with their retention.
fn fsrs_due_cards(
    store: &Store,
    input: &mut DayInput,
    scheduling: scheduler::Scheduling,
    without_exam_due: bool,
) -> Result<Vec<(DeckId, crate::sched::Retention)>, StoreError> {
    let daily: Vec<DeckId> = input
        .decks
        .iter()
        .filter(|d| d.exam.is_none())
        .map(|d| d.deck.clone())
        .collect();
    let fsrs = scheduling.fsrs_decks(store, &daily)?;
    if fsrs.is_empty() {
        return Ok(fsrs);
    }
    let order: Vec<DeckId> = input.decks.iter().map(|d| d.deck.clone()).collect();
    let sm2: Vec<DeckId> = input
        .decks
        .iter()
        .filter(|d| !fsrs.iter().any(|(f, _)| *f == d.deck))
        .filter(|d| !without_exam_due || d.exam.is_none())
        .map(|d| d.deck.clone())
        .collect();
    let due = scheduler::due_entries(
        store.due_cards(&sm2, input.day)?,
        &scheduler::fsrs_due(store, &fsrs)?,
        &order,
        input.day,
    );
    input.due = DueCards::all(due);
    Ok(fsrs)
}

/// With `every_new_card`, each deck's new cards are all read (a study by
/// tag then keeps some of them).
fn read_day(
    store: &Store,
    decks: &[DeckId],
    day: NaiveDate,
    plan: Plan,
    every_new_card: bool,
) -> Result<DayInput, StoreError> {
    if plan == Plan::Cram {
        return Ok(DayInput {
            day,
            plan,
            due: DueCards::default(),
            decks: Vec::new(),
            relearning: Vec::new(),
            introduced_elsewhere: 0,
            cram: store.cards_weakest_first(decks)?,
        });
    }
    let mut days = Vec::with_capacity(decks.len());
    for deck in decks {
        let one = std::slice::from_ref(deck);
        let exam = plan::deck_exam(plan, store.exam_day(one)?, day);
        let introduced_today = store.introduced_on(one, day)?;
        let unseen = store.unseen_count(one)?;
        let wanted = if every_new_card {
            unseen
        } else {
            plan::new_cards_wanted(plan, exam, unseen, introduced_today, day)
        };
        let by_kind = store.new_cards_by_kind(deck, wanted)?;
        let new = plan::interleave_kinds(
            &by_kind.basic,
            &by_kind.graded,
            by_kind.basic_total,
            by_kind.graded_total,
        );
        let final_pass = match exam {
            Some(exam) if plan::is_eve(day, exam) => store.weak_cards(one, exam)?,
            _ => Vec::new(),
        };
        days.push(DeckDay {
            deck: deck.clone(),
            exam,
            unseen,
            introduced_today,
            order: store.course_order(deck)?,
            new,
            final_pass,
        });
    }
    let introduced_here: usize = days.iter().map(|d| d.introduced_today).sum();
    Ok(DayInput {
        day,
        plan,
        due: read_due(store, decks, day)?,
        decks: days,
        relearning: store.relearning_on(decks, day)?,
        introduced_elsewhere: store
            .introduced_anywhere_on(day)?
            .saturating_sub(introduced_here),
        cram: Vec::new(),
    })
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

/// The count of due cards and the first page of them: the session reads the
/// others as it goes.
fn read_due(store: &Store, decks: &[DeckId], day: NaiveDate) -> Result<DueCards, StoreError> {
    let count = store.due_count(decks, day)?;
    if count == 0 {
        return Ok(DueCards::default());
    }
    let page = store.due_page(decks, day, None, DUE_PAGE)?;
    Ok(DueCards {
        first: page.entries,
        count,
        next: page.next,
    })
}
