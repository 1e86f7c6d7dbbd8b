//! The one read of the store a day's plan is made from: what each deck
//! has due, new and to relearn, and what the model of memory needs.

use chrono::NaiveDate;

use super::exam_plan::{self, MinutesFrom};
use super::queue::DUE_PAGE;
use super::{DayInput, DeckDay, DueCards, Plan, plan, scheduler};
use crate::deck::DeckId;
use crate::memory;
use crate::store::{Store, StoreError};

/// What the model of memory needs for the day: nothing unless a deck is
/// planned to an exam or the session has minutes.
pub(super) fn read_timed(
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
    let pace = pace(store, minutes)?;
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
        // What the first screen says of the minutes a day when none are given.
        usual_minutes: (minutes.is_none() && !exam_decks.is_empty())
            .then_some((pace.minutes, pace.minutes_from)),
        seconds_per_card: pace.seconds_per_card,
    }))
}

/// Puts FSRS's due cards in the day's input for the decks planned day by
/// day that FSRS schedules (SM-2's stay for the others; `without_exam_due`:
/// none of the decks planned to an exam, whose cards the model plans), and
/// says which decks those are with their retention.
pub(super) fn fsrs_due_cards(
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
pub(super) fn read_day(
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

/// How many of the latest reviews say how long a card takes.
const PACE_REVIEWS: usize = 200;

/// The student's pace as the log shows it: the seconds a card takes, and
/// the minutes a day (those `given`, or the usual ones of the latest study
/// days). The first screen, `readiness` and `stats` all read it here.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pace {
    pub seconds_per_card: f64,
    pub minutes: u32,
    pub minutes_from: MinutesFrom,
}

pub fn pace(store: &Store, given: Option<u32>) -> Result<Pace, StoreError> {
    let seconds_per_card = exam_plan::seconds_per_card(&store.recent_review_times(PACE_REVIEWS)?);
    let days = match given {
        Some(_) => Vec::new(),
        None => store.study_time_by_day(
            exam_plan::USUAL_MINUTES_DAYS,
            (exam_plan::MAX_SECONDS_PER_CARD * 1000.0) as u64,
        )?,
    };
    let (minutes, minutes_from) = exam_plan::minutes_a_day(given, &days);
    Ok(Pace {
        seconds_per_card,
        minutes,
        minutes_from,
    })
}
