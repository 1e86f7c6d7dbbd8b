//! The day's cards under an exam, chosen by what each adds to the expected
//! recall on exam day per second of work, from the model of memory; and a
//! time cap for any day. Pure: a function of (cards with their states,
//! model, day, exam, minutes), without store or clock.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::plan::{DayInput, DayPlan, Plan, Slot, SlotKind};
use crate::deck::DeckId;
use crate::memory::{Grade, Memory, Model, days_between};
use crate::sched::Policy;
use crate::store::CardId;

/// Seconds per card until the log says otherwise.
pub const DEFAULT_SECONDS_PER_CARD: f64 = 12.0;
/// A card left open longer than this counts as this long.
pub const MAX_SECONDS_PER_CARD: f64 = 60.0;
/// A first sight costs more: read, learn, often relearn in the same session.
pub const NEW_CARD_COST: f64 = 1.5;
/// Without a time cap, a seen card is worth a review today only when it
/// adds at least this to its expected recall on exam day.
pub const MIN_GAIN: f64 = 0.01;

/// A card as the planner sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlanCard {
    pub id: CardId,
    /// `None`: never seen.
    pub memory: Option<Memory>,
    /// SM-2's due day: an input under an exam, not a fence.
    pub due: Option<NaiveDate>,
}

/// What the day holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    New,
    Review,
}

/// What the model knows, read with the day's [`DayInput`]: needed when a
/// deck is planned to an exam, or the session has minutes.
#[derive(Debug, Clone)]
pub struct Timed {
    pub model: Model,
    /// Every card of the decks planned to an exam, in deck order.
    pub exam_cards: Vec<(DeckId, PlanCard)>,
    /// The memories of the other decks' seen cards (with minutes only).
    pub memories: HashMap<CardId, Memory>,
    pub minutes: Option<u32>,
    /// Without `minutes`, under an exam: the student's usual minutes a day
    /// (as `readiness` and `stats --exam` assume them), to say whether they
    /// cover the course.
    pub usual_minutes: Option<(u32, MinutesFrom)>,
    pub seconds_per_card: f64,
}

/// The day's plan with the model: the decks planned to an exam are planned
/// by value ([`exam_day`]), first, within the minutes; the others keep the
/// day's plan, capped by what is left of the minutes ([`capped_day`]).
/// Returns the plan and what to tell the student on the first screen.
pub fn refine(input: &DayInput, plan: DayPlan, timed: &Timed) -> (DayPlan, Vec<String>) {
    if input.plan == Plan::Cram {
        return (plan, Vec::new());
    }
    let spc = timed.seconds_per_card;
    let mut budget = timed.minutes.map(|m| f64::from(m) * 60.0);
    let mut notices = Vec::new();
    let mut queue = Vec::new();
    let mut dates: Vec<NaiveDate> = input.decks.iter().filter_map(|d| d.exam).collect();
    dates.sort();
    dates.dedup();
    for exam in dates {
        let cards: Vec<PlanCard> = timed
            .exam_cards
            .iter()
            .filter(|(deck, _)| {
                input
                    .decks
                    .iter()
                    .any(|d| d.deck == *deck && d.exam == Some(exam))
            })
            .map(|(_, card)| *card)
            .collect();
        let said = timed
            .minutes
            .map(|m| (m, MinutesFrom::Given))
            .or(timed.usual_minutes);
        if let Some((minutes, from)) = said {
            let unseen = cards.iter().filter(|c| c.memory.is_none()).count();
            notices
                .extend(coverage(unseen, input.day, exam, minutes, spc).warning_from(exam, from));
        }
        let due_today: std::collections::HashSet<CardId> = cards
            .iter()
            .filter(|c| c.due.is_some_and(|d| d <= input.day))
            .map(|c| c.id)
            .collect();
        let eve = super::plan::is_eve(input.day, exam);
        let picks = exam_day(&cards, &timed.model, input.day, exam, budget, spc);
        if let Some(left) = budget.as_mut() {
            *left = (*left - time_of(&picks, spc)).max(0.0);
        }
        queue.extend(picks.into_iter().map(|(card, pick)| Slot {
            card,
            kind: match pick {
                Pick::New => SlotKind::New,
                Pick::Review if eve && !due_today.contains(&card) => SlotKind::FinalPass,
                Pick::Review => SlotKind::Due,
            },
            policy: Policy::Exam { exam },
        }));
    }
    // The decks without an exam: the day's plan, capped by what is left.
    let rest: Vec<Slot> = plan
        .queue
        .into_iter()
        .filter(|slot| !matches!(slot.policy, Policy::Exam { .. }))
        .collect();
    match budget {
        Some(left) if !rest.is_empty() => {
            let due: Vec<PlanCard> = rest
                .iter()
                .filter(|s| s.kind != SlotKind::New)
                .map(|s| PlanCard {
                    id: s.card,
                    memory: timed.memories.get(&s.card).copied(),
                    due: None,
                })
                .collect();
            let new: Vec<CardId> = rest
                .iter()
                .filter(|s| s.kind == SlotKind::New)
                .map(|s| s.card)
                .collect();
            let picks = capped_day(&due, &new, &timed.model, input.day, left, spc);
            queue.extend(picks.into_iter().map(|(card, pick)| Slot {
                card,
                kind: match pick {
                    Pick::New => SlotKind::New,
                    Pick::Review => SlotKind::Due,
                },
                policy: Policy::Normal,
            }));
        }
        _ => queue.extend(rest),
    }
    (
        DayPlan {
            day: plan.day,
            queue,
            due_later: None,
        },
        notices,
    )
}

/// How the time per card is estimated from the log.
pub fn seconds_per_card(recent_ms: &[u64]) -> f64 {
    if recent_ms.len() < 20 {
        return DEFAULT_SECONDS_PER_CARD;
    }
    let mut capped: Vec<f64> = recent_ms
        .iter()
        .map(|&ms| (ms as f64 / 1000.0).clamp(1.0, MAX_SECONDS_PER_CARD))
        .collect();
    capped.sort_by(f64::total_cmp);
    // The mean of the middle half: neither the glances nor the coffee breaks.
    let quarter = capped.len() / 4;
    let middle = &capped[quarter..capped.len() - quarter];
    middle.iter().sum::<f64>() / middle.len() as f64
}

/// The most minutes one session may be asked to hold: ten hours.
pub const MAX_MINUTES: u32 = 600;

/// The minutes a day a forecast assumes when the student gives none and
/// the log has too few study days to tell.
pub const DEFAULT_MINUTES_A_DAY: u32 = 15;
/// Study days the usual minutes a day are read from.
pub const USUAL_MINUTES_DAYS: usize = 14;
/// Fewer study days than this in the log: the default.
const MIN_STUDY_DAYS: usize = 3;

/// Where the minutes a day of a forecast come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum MinutesFrom {
    /// `--minutes` or `FICHES_MINUTES`.
    Given,
    /// The median of the log's latest study days.
    Log { days: usize },
    /// [`DEFAULT_MINUTES_A_DAY`]: too few study days in the log.
    Default,
}

/// The minutes a day to plan a forecast with: those given, else the
/// student's usual time a day (the median of the latest study days'
/// totals, in milliseconds), else a stated default.
pub fn minutes_a_day(given: Option<u32>, day_totals_ms: &[u64]) -> (u32, MinutesFrom) {
    if let Some(minutes) = given {
        return (minutes, MinutesFrom::Given);
    }
    if day_totals_ms.len() < MIN_STUDY_DAYS {
        return (DEFAULT_MINUTES_A_DAY, MinutesFrom::Default);
    }
    let mut totals = day_totals_ms.to_vec();
    totals.sort_unstable();
    let median = totals[totals.len() / 2] as f64 / 60_000.0;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let minutes = (median.round() as u32).clamp(1, MAX_MINUTES);
    (minutes, MinutesFrom::Log { days: totals.len() })
}

impl MinutesFrom {
    /// "at 12 minutes a day (your usual time, from your last 9 study days)".
    pub fn words(self, minutes: u32) -> String {
        let unit = if minutes == 1 { "minute" } else { "minutes" };
        match self {
            MinutesFrom::Given => format!("at {minutes} {unit} a day"),
            MinutesFrom::Log { days } => format!(
                "at {minutes} {unit} a day (your usual time, from your last {days} study days; --minutes N to change)"
            ),
            MinutesFrom::Default => format!(
                "at {minutes} {unit} a day (assumed: the log has too few study days to tell; --minutes N to change)"
            ),
        }
    }
}

/// The expected recall of a card on `exam` if nothing more is studied.
pub fn recall_on(model: &Model, memory: Option<&Memory>, exam: NaiveDate) -> f64 {
    memory.map_or(0.0, |m| model.recall(m, exam))
}

/// The expected recall on `exam` after a review on `day`: recalled with
/// the probability the model gives today (then Good), else forgotten (Again).
/// A first sight is taken as a Good first review.
pub fn recall_after_review(
    model: &Model,
    memory: Option<&Memory>,
    day: NaiveDate,
    exam: NaiveDate,
) -> f64 {
    let at_exam = |m: Option<Memory>| m.map_or(0.0, |m| model.recall(&m, exam));
    match memory {
        None => at_exam(model.after(None, Grade::GOOD, day)),
        Some(m) => {
            let now = model.recall(m, day);
            let (good, again) = match model.outcomes(m, day) {
                Some((good, again)) => (Some(good), Some(again)),
                None => (None, None),
            };
            now * at_exam(good) + (1.0 - now) * at_exam(again)
        }
    }
}

/// The day's plan under an exam on `exam` (after `day`): every card is a
/// candidate; never-seen cards first (so every card is seen as early as the
/// time allows, the eve included), then seen cards by gain in exam-day
/// recall per second, within `budget_seconds` when there is one.
pub fn exam_day(
    cards: &[PlanCard],
    model: &Model,
    day: NaiveDate,
    exam: NaiveDate,
    budget_seconds: Option<f64>,
    seconds_per_card: f64,
) -> Vec<(CardId, Pick)> {
    let mut new: Vec<(CardId, Pick)> = Vec::new();
    let mut seen: Vec<(f64, usize, CardId)> = Vec::new();
    for (order, card) in cards.iter().enumerate() {
        match &card.memory {
            None => new.push((card.id, Pick::New)),
            Some(memory) => {
                let gain = recall_after_review(model, Some(memory), day, exam)
                    - recall_on(model, Some(memory), exam);
                if budget_seconds.is_some() || gain >= MIN_GAIN {
                    seen.push((gain / seconds_per_card, order, card.id));
                }
            }
        }
    }
    // Most valuable first; deck order between equals.
    seen.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let ordered = new
        .into_iter()
        .chain(seen.into_iter().map(|(_, _, id)| (id, Pick::Review)));
    within(ordered, budget_seconds, seconds_per_card)
}

/// A day without an exam, capped: due cards most valuable first (lowest
/// recall today), then new ones in deck order, within the budget.
pub fn capped_day(
    due: &[PlanCard],
    new: &[CardId],
    model: &Model,
    day: NaiveDate,
    budget_seconds: f64,
    seconds_per_card: f64,
) -> Vec<(CardId, Pick)> {
    let mut due: Vec<(f64, usize, CardId)> = due
        .iter()
        .enumerate()
        .map(|(order, card)| {
            let recall = card.memory.map_or(0.0, |m| model.recall(&m, day));
            (recall, order, card.id)
        })
        .collect();
    due.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let ordered = due
        .into_iter()
        .map(|(_, _, id)| (id, Pick::Review))
        .chain(new.iter().map(|id| (*id, Pick::New)));
    within(ordered, Some(budget_seconds), seconds_per_card)
}

fn cost(pick: Pick, seconds_per_card: f64) -> f64 {
    match pick {
        Pick::New => seconds_per_card * NEW_CARD_COST,
        Pick::Review => seconds_per_card,
    }
}

/// The estimated seconds of a day's picks.
pub fn time_of(picks: &[(CardId, Pick)], seconds_per_card: f64) -> f64 {
    picks.iter().map(|(_, p)| cost(*p, seconds_per_card)).sum()
}

fn within(
    ordered: impl Iterator<Item = (CardId, Pick)>,
    budget_seconds: Option<f64>,
    seconds_per_card: f64,
) -> Vec<(CardId, Pick)> {
    let mut spent = 0.0;
    let mut out = Vec::new();
    for (id, pick) in ordered {
        let c = cost(pick, seconds_per_card);
        if let Some(budget) = budget_seconds
            && spent + c > budget
            && !out.is_empty()
        {
            break;
        }
        spent += c;
        out.push((id, pick));
        if budget_seconds.is_some_and(|b| spent >= b) {
            break;
        }
    }
    out
}

/// Whether a daily time covers the course: the cards that would still be
/// unseen by the eve, and the minutes a day that would see them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Coverage {
    pub minutes_a_day: u32,
    pub unseen: usize,
    /// Cards that the minutes leave unseen on exam day.
    pub left_unseen: usize,
    /// The minutes a day that would see every card in time.
    pub minutes_needed: u32,
    pub study_days_left: u32,
}

/// Time for new cards comes first in the exam plan, so `minutes` a day see
/// about minutes × days / (time of a first sight) new cards by the eve.
pub fn coverage(
    unseen: usize,
    day: NaiveDate,
    exam: NaiveDate,
    minutes: u32,
    seconds_per_card: f64,
) -> Coverage {
    let days = days_between(day, exam).max(1);
    let per_new = seconds_per_card * NEW_CARD_COST;
    let can_see = (f64::from(minutes) * 60.0 * f64::from(days) / per_new).floor();
    let left = (unseen as f64 - can_see).max(0.0) as usize;
    let needed = (unseen as f64 * per_new / f64::from(days) / 60.0).ceil() as u32;
    Coverage {
        minutes_a_day: minutes,
        unseen,
        left_unseen: left,
        minutes_needed: needed.max(1),
        study_days_left: days,
    }
}

impl Coverage {
    /// The warning for a student whose minutes do not cover the course.
    pub fn warning(&self, exam: NaiveDate) -> Option<String> {
        self.warning_from(exam, MinutesFrom::Given)
    }

    /// The same, saying where the minutes a day come from when they were
    /// not given.
    pub fn warning_from(&self, exam: NaiveDate, from: MinutesFrom) -> Option<String> {
        (self.left_unseen > 0).then(|| {
            let at = from.words(self.minutes_a_day);
            format!(
                "A{}, {} card{} will not be seen before {exam}; {} minutes a day would cover them.",
                at.strip_prefix('a').unwrap_or(&at),
                self.left_unseen,
                if self.left_unseen == 1 { "" } else { "s" },
                self.minutes_needed
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::Logged;
    use crate::sched::Rating;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn seen(model: &Model, id: i64, ratings: &[(&str, u8)]) -> PlanCard {
        let log: Vec<Logged> = ratings
            .iter()
            .map(|(d, r)| Logged::rated(day(d), Rating::new(*r).unwrap()))
            .collect();
        PlanCard {
            id: CardId::new(id),
            memory: model.replay(None, &log),
            due: None,
        }
    }

    fn unseen(id: i64) -> PlanCard {
        PlanCard {
            id: CardId::new(id),
            memory: None,
            due: None,
        }
    }

    fn ids(plan: &[(CardId, Pick)]) -> Vec<i64> {
        plan.iter().map(|(id, _)| id.get()).collect()
    }

    #[test]
    fn minutes_that_cover_everything_take_every_card_new_first() {
        let model = Model::defaults();
        let cards = vec![
            seen(&model, 1, &[("2026-12-01", 2)]),
            unseen(2),
            seen(&model, 3, &[("2026-12-01", 5)]),
            unseen(4),
        ];
        let plan = exam_day(
            &cards,
            &model,
            day("2026-12-03"),
            day("2026-12-10"),
            Some(3600.0),
            10.0,
        );
        assert_eq!(ids(&plan)[..2], [2, 4]);
        assert_eq!(plan.len(), 4);
        assert_eq!(plan[0].1, Pick::New);
    }

    #[test]
    fn minutes_that_cannot_stop_at_the_budget_with_new_cards_first() {
        let model = Model::defaults();
        let mut cards: Vec<PlanCard> = (1..=10)
            .map(|i| seen(&model, i, &[("2026-12-01", 3)]))
            .collect();
        cards.extend((11..=20).map(unseen));
        // 60 s at 10 s a card and 15 s a first sight: four new cards.
        let plan = exam_day(
            &cards,
            &model,
            day("2026-12-02"),
            day("2026-12-10"),
            Some(60.0),
            10.0,
        );
        assert_eq!(ids(&plan), vec![11, 12, 13, 14]);
        let cover = coverage(10, day("2026-12-02"), day("2026-12-10"), 1, 10.0);
        assert_eq!(cover.study_days_left, 8);
        // 8 days × 60 s / 15 s = 32 first sights: all ten are seen.
        assert_eq!(cover.left_unseen, 0);
        let short = coverage(200, day("2026-12-02"), day("2026-12-10"), 1, 10.0);
        assert_eq!(short.left_unseen, 168);
        assert_eq!(short.minutes_needed, 7); // 200 × 15 s / 8 days = 6.25 min
        assert!(short.warning(day("2026-12-10")).unwrap().starts_with(
            "At 1 minute a day, 168 cards will not be seen before 2026-12-10; 7 minutes a day"
        ));
    }

    #[test]
    fn on_the_eve_no_weak_card_pushes_a_never_seen_one_out() {
        let model = Model::defaults();
        let cards = vec![
            seen(&model, 1, &[("2026-12-01", 1), ("2026-12-02", 2)]),
            seen(&model, 2, &[("2026-12-01", 2)]),
            unseen(3),
        ];
        let plan = exam_day(
            &cards,
            &model,
            day("2026-12-09"),
            day("2026-12-10"),
            Some(15.0),
            10.0,
        );
        assert_eq!(ids(&plan), vec![3]);
    }

    #[test]
    fn an_exam_tomorrow_still_plans_today_and_nothing_after() {
        let model = Model::defaults();
        let cards = vec![seen(&model, 1, &[("2026-11-20", 3)]), unseen(2)];
        let plan = exam_day(
            &cards,
            &model,
            day("2026-12-09"),
            day("2026-12-10"),
            None,
            10.0,
        );
        assert_eq!(ids(&plan), vec![2, 1]);
        let gain = recall_after_review(
            &model,
            cards[0].memory.as_ref(),
            day("2026-12-09"),
            day("2026-12-10"),
        ) - recall_on(&model, cards[0].memory.as_ref(), day("2026-12-10"));
        assert!(gain > MIN_GAIN, "{gain}");
    }

    #[test]
    fn seen_cards_are_ordered_by_value_and_fresh_ones_left_out_without_a_cap() {
        let model = Model::defaults();
        let cards = vec![
            // Reviewed well yesterday: little to gain.
            seen(
                &model,
                1,
                &[("2026-11-25", 5), ("2026-12-02", 5), ("2026-12-08", 5)],
            ),
            // Forgotten twice, long ago: the most to gain.
            seen(&model, 2, &[("2026-11-20", 1), ("2026-11-21", 2)]),
            // In between.
            seen(&model, 3, &[("2026-11-28", 4)]),
        ];
        let plan = exam_day(
            &cards,
            &model,
            day("2026-12-09"),
            day("2026-12-12"),
            Some(600.0),
            10.0,
        );
        assert_eq!(ids(&plan), vec![2, 3, 1]);
        let uncapped = exam_day(
            &cards,
            &model,
            day("2026-12-09"),
            day("2026-12-12"),
            None,
            10.0,
        );
        assert!(!ids(&uncapped).contains(&1), "{uncapped:?}");
    }

    #[test]
    fn without_an_exam_a_cap_takes_due_cards_weakest_first_then_new() {
        let model = Model::defaults();
        let due = vec![
            seen(&model, 1, &[("2026-12-01", 5)]),
            seen(&model, 2, &[("2026-11-20", 2)]),
        ];
        let plan = capped_day(
            &due,
            &[CardId::new(3), CardId::new(4)],
            &model,
            day("2026-12-03"),
            30.0,
            10.0,
        );
        assert_eq!(ids(&plan), vec![2, 1]);
        let plan = capped_day(
            &due,
            &[CardId::new(3), CardId::new(4)],
            &model,
            day("2026-12-03"),
            60.0,
            10.0,
        );
        assert_eq!(ids(&plan), vec![2, 1, 3, 4]);
    }

    #[test]
    fn time_per_card_is_the_middle_of_the_log_capped() {
        assert_eq!(seconds_per_card(&[5000; 10]), DEFAULT_SECONDS_PER_CARD);
        let mut times = vec![8000; 30];
        times.extend([600_000; 5]); // left open ten minutes
        times.extend([100; 5]);
        assert!((seconds_per_card(&times) - 8.0).abs() < 1e-9);
        assert!(seconds_per_card(&[3_600_000; 40]) <= MAX_SECONDS_PER_CARD);
    }

    #[test]
    fn a_forecast_assumes_the_minutes_given_else_the_usual_ones_else_says_it_assumed() {
        assert_eq!(
            minutes_a_day(Some(7), &[600_000; 10]),
            (7, MinutesFrom::Given)
        );
        // The median study day of the log: 10, 12, 20, 25 and 40 minutes.
        let days = [1_200_000, 600_000, 2_400_000, 720_000, 1_500_000];
        assert_eq!(
            minutes_a_day(None, &days),
            (20, MinutesFrom::Log { days: 5 })
        );
        // Two study days are too few to tell.
        assert_eq!(
            minutes_a_day(None, &days[..2]),
            (DEFAULT_MINUTES_A_DAY, MinutesFrom::Default)
        );
        assert!(MinutesFrom::Default.words(15).contains("assumed"));
        assert!(
            MinutesFrom::Log { days: 5 }
                .words(20)
                .contains("your usual time, from your last 5 study days")
        );
        // A few seconds of study a day still plan one minute.
        assert_eq!(minutes_a_day(None, &[5_000; 4]).0, 1);
    }
}
