//! The day's plan: which cards a session shows, in which order, and how each
//! rating moves them. Pure: a function of what one consistent read of the
//! store returns ([`DayInput`]), so every rule is tested without a store.
//!
//! A planner is a [`Plan`] (what the student asked for) turned into a
//! [`DayPlan`] by [`plan_day`]; each queued card carries the scheduling
//! [`Policy`] its rating is committed under. A new way of planning is a new
//! `Plan` variant, the input it needs in [`DayInput`], and its arm here.

use chrono::NaiveDate;

use crate::deck::DeckId;
use crate::sched::Policy;
use crate::store::{CardId, DueCursor, QueueEntry};

/// New cards introduced per day unless `--new` says otherwise.
pub const DEFAULT_NEW_PER_DAY: usize = 20;

/// How a session chooses its cards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// What is due today, then up to `new_per_day` new cards; a deck with
    /// an `exam:` to come is planned to it.
    Daily { new_per_day: usize },
    /// Every deck planned to `exam` (instead of each deck's own `exam:`):
    /// no review after it; the model of memory then chooses the day's cards
    /// (see `exam_plan::refine`). Once the exam has passed, the daily plan.
    Exam { exam: NaiveDate },
    /// Every card now, weakest first; logged, the schedule left alone.
    Cram,
}

/// How far ahead an exam may be planned to: ten years of days is more than
/// any course, and keeps a plan (and `stats`' day-by-day figures) bounded.
pub const MAX_EXAM_DAYS: i64 = 3660;

/// The one rule for an exam day: it plans nothing once it has come, nor
/// when it is further than [`MAX_EXAM_DAYS`] ahead.
pub fn exam_to_come(exam: Option<NaiveDate>, today: NaiveDate) -> Option<NaiveDate> {
    exam.filter(|exam| *exam > today && !exam_too_far(*exam, today))
}

/// Whether `exam` is further ahead than an exam can be planned to.
pub fn exam_too_far(exam: NaiveDate, today: NaiveDate) -> bool {
    (exam - today).num_days() > MAX_EXAM_DAYS
}

/// Why an exam day given on the command line is refused, if it is.
pub fn exam_refusal(exam: NaiveDate, today: NaiveDate) -> Option<String> {
    exam_too_far(exam, today).then(|| {
        format!(
            "the exam day {exam} is {} days after the study day {today}: an exam can be planned to at most {MAX_EXAM_DAYS} days (ten years) ahead; give a nearer day",
            (exam - today).num_days()
        )
    })
}

/// The exam a deck is planned to under `plan`: the plan's own exam day for
/// every deck, or the deck's `exam:`; none in a cram or once it has passed.
pub fn deck_exam(plan: Plan, own: Option<NaiveDate>, today: NaiveDate) -> Option<NaiveDate> {
    match plan {
        Plan::Cram => None,
        Plan::Exam { exam } => exam_to_come(Some(exam), today),
        Plan::Daily { .. } => exam_to_come(own, today),
    }
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

/// Whether `today` is the eve of `exam`, the day of the final pass.
pub fn is_eve(today: NaiveDate, exam: NaiveDate) -> bool {
    exam.pred_opt() == Some(today)
}

/// The most new cards of one deck the plan can take today: what a reader
/// must fetch of the deck's new cards, at least.
pub fn new_cards_wanted(
    plan: Plan,
    exam: Option<NaiveDate>,
    unseen: usize,
    introduced_today: usize,
    today: NaiveDate,
) -> usize {
    match (plan, exam) {
        (Plan::Cram, _) => 0,
        (_, Some(exam)) => {
            exam_new_cards(unseen + introduced_today, today, exam).saturating_sub(introduced_today)
        }
        (Plan::Daily { new_per_day }, None) => new_per_day.saturating_sub(introduced_today),
        (Plan::Exam { .. }, None) => DEFAULT_NEW_PER_DAY.saturating_sub(introduced_today),
    }
}

/// What the plan needs to know of one deck.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeckDay {
    pub deck: DeckId,
    /// The exam the deck is planned to, still to come ([`deck_exam`]).
    pub exam: Option<NaiveDate>,
    /// Cards never reviewed.
    pub unseen: usize,
    /// New cards first reviewed today.
    pub introduced_today: usize,
    /// The deck's place in the course (`order:`); decks without one come
    /// after those with one, in the order asked for.
    pub order: Option<u32>,
    /// New cards in deck order, graded and basic interleaved
    /// ([`interleave_kinds`]): at least [`new_cards_wanted`] of them, when
    /// the deck has that many.
    pub new: Vec<CardId>,
    /// On the eve of its exam: seen cards not yet known (latest rating
    /// below 4) or due after the exam, in deck order. Empty otherwise.
    pub final_pass: Vec<QueueEntry>,
}

/// The cards due on or before the day, as the read found them: the first
/// of them in the order they are shown (most overdue first, then in deck
/// order), how many there are in all, and where the session reads on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DueCards {
    pub first: Vec<QueueEntry>,
    pub count: usize,
    /// Where the cards after `first` are read from; `None`: there are none.
    pub next: Option<DueCursor>,
}

impl DueCards {
    /// Every due card, read at once.
    pub fn all(entries: Vec<QueueEntry>) -> DueCards {
        DueCards {
            count: entries.len(),
            first: entries,
            next: None,
        }
    }
}

/// One consistent read of the store for a day's session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayInput {
    pub day: NaiveDate,
    pub plan: Plan,
    /// Cards due on or before the day.
    pub due: DueCards,
    /// The decks, in the order they were asked for.
    pub decks: Vec<DeckDay>,
    /// Cards whose latest rating today is below 4, in deck order: they stay
    /// in today's queue across a quit and a restart.
    pub relearning: Vec<QueueEntry>,
    /// New cards first reviewed today in decks outside this session: the
    /// daily limit is one limit across every deck.
    pub introduced_elsewhere: usize,
    /// A cram only: every card, weakest first.
    pub cram: Vec<QueueEntry>,
}

/// The day's input cut down to the cards in `only` (a study by tag). The
/// due cards must have been read in full, and each deck's new cards too:
/// what is left of them is all there is.
pub fn restrict(mut input: DayInput, only: &std::collections::HashSet<CardId>) -> DayInput {
    let keep = |entry: &QueueEntry| only.contains(&entry.card);
    input.due.first.retain(keep);
    input.due.count = input.due.first.len();
    input.due.next = None;
    for deck in &mut input.decks {
        deck.new.retain(|card| only.contains(card));
        deck.unseen = deck.new.len();
        deck.final_pass.retain(keep);
    }
    input.relearning.retain(keep);
    input.cram.retain(keep);
    input
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

/// A card in the queue, with how its rating is scheduled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub card: CardId,
    pub kind: SlotKind,
    pub policy: Policy,
}

/// The day's queue, in the order the cards are shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayPlan {
    pub day: NaiveDate,
    pub queue: Vec<Slot>,
    /// Due cards not read yet: they come after the due cards at the head
    /// of `queue`, and the session reads them as it goes.
    pub due_later: Option<DueLater>,
}

/// Due cards a session reads from the store as it goes, in the queue's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueLater {
    /// How many.
    pub count: usize,
    /// How many slots of the queue come before them.
    pub after: usize,
    pub from: DueCursor,
    /// The policy each deck's due cards are rated under.
    pub policies: Vec<(DeckId, Policy)>,
}

impl DueLater {
    pub fn slot(&self, entry: &QueueEntry) -> Slot {
        Slot {
            card: entry.card,
            kind: SlotKind::Due,
            policy: self
                .policies
                .iter()
                .find(|(deck, _)| *deck == entry.deck)
                .map_or(Policy::Normal, |(_, policy)| *policy),
        }
    }
}

/// The day's queue: due cards first (most overdue first); on an exam's eve,
/// the final pass; then new cards, planned to each deck's exam, or up to the
/// daily allowance shared by the decks without one. A cram is every card,
/// weakest first.
pub fn plan_day(input: &DayInput) -> DayPlan {
    let policy_of = |deck: &DeckId| match input.plan {
        Plan::Cram => Policy::Cram,
        _ => input
            .decks
            .iter()
            .find(|d| d.deck == *deck)
            .and_then(|d| d.exam)
            .map_or(Policy::Normal, |exam| Policy::Exam { exam }),
    };
    let mut queue = Vec::new();
    if input.plan == Plan::Cram {
        queue.extend(input.cram.iter().map(|entry| Slot {
            card: entry.card,
            kind: if entry.due.is_none() {
                SlotKind::New
            } else {
                SlotKind::Due
            },
            policy: Policy::Cram,
        }));
        return DayPlan {
            day: input.day,
            queue,
            due_later: None,
        };
    }
    let mut queued: std::collections::HashSet<CardId> = Default::default();
    for entry in &input.due.first {
        if queued.insert(entry.card) {
            queue.push(Slot {
                card: entry.card,
                kind: SlotKind::Due,
                policy: policy_of(&entry.deck),
            });
        }
    }
    let due_later = input.due.next.and_then(|from| {
        let count = input.due.count.saturating_sub(input.due.first.len());
        (count > 0).then(|| DueLater {
            count,
            after: queue.len(),
            from,
            policies: input
                .decks
                .iter()
                .map(|d| (d.deck.clone(), policy_of(&d.deck)))
                .collect(),
        })
    });
    for deck in &input.decks {
        let Some(exam) = deck.exam.filter(|exam| is_eve(input.day, *exam)) else {
            continue;
        };
        for entry in &deck.final_pass {
            // A card due today is among the due cards, read yet or not.
            let due_today = entry.due.is_some_and(|due| due <= input.day);
            if !due_today && queued.insert(entry.card) {
                queue.push(Slot {
                    card: entry.card,
                    kind: SlotKind::FinalPass,
                    policy: Policy::Exam { exam },
                });
            }
        }
    }
    // Cards failed earlier today, in a session since ended, come back
    // before the new ones.
    for entry in &input.relearning {
        if queued.insert(entry.card) {
            queue.push(Slot {
                card: entry.card,
                kind: SlotKind::Relearning,
                policy: policy_of(&entry.deck),
            });
        }
    }
    let new_slot = |card: &CardId, policy| Slot {
        card: *card,
        kind: SlotKind::New,
        policy,
    };
    // New cards come deck by deck in the course's order.
    let mut in_course_order: Vec<&DeckDay> = input.decks.iter().collect();
    in_course_order.sort_by_key(|d| (d.order.is_none(), d.order));
    // Decks planned to an exam each take their own share of new cards.
    for deck in &in_course_order {
        if let Some(exam) = deck.exam {
            let wanted = new_cards_wanted(
                input.plan,
                Some(exam),
                deck.unseen,
                deck.introduced_today,
                input.day,
            );
            let policy = Policy::Exam { exam };
            queue.extend(deck.new.iter().take(wanted).map(|c| new_slot(c, policy)));
        }
    }
    // The others share the daily allowance, in deck order.
    let daily: Vec<&DeckDay> = in_course_order
        .into_iter()
        .filter(|d| d.exam.is_none())
        .collect();
    let new_per_day = match input.plan {
        Plan::Daily { new_per_day } => new_per_day,
        _ => DEFAULT_NEW_PER_DAY,
    };
    let introduced: usize =
        daily.iter().map(|d| d.introduced_today).sum::<usize>() + input.introduced_elsewhere;
    let mut allowance = new_per_day.saturating_sub(introduced);
    for deck in daily {
        let take = allowance.min(deck.new.len());
        queue.extend(
            deck.new
                .iter()
                .take(take)
                .map(|c| new_slot(c, Policy::Normal)),
        );
        allowance -= take;
    }
    DayPlan {
        day: input.day,
        queue,
        due_later,
    }
}

/// A deck's new cards with graded and basic ones spread evenly among each
/// other, each kind in deck order: a deck whose quiz items come first (or
/// last) does not give a day of nothing else. `basic` and `graded` are the
/// first cards of each kind, out of `basic_total` and `graded_total`.
pub fn interleave_kinds(
    basic: &[CardId],
    graded: &[CardId],
    basic_total: usize,
    graded_total: usize,
) -> Vec<CardId> {
    let mut out = Vec::with_capacity(basic.len() + graded.len());
    let (mut b, mut g) = (0, 0);
    loop {
        // The next card is of the kind behind on its share of the deck;
        // when the cards fetched of that kind have run out, stop there.
        let graded_next = match (b < basic_total, g < graded_total) {
            (true, true) => (2 * g + 1) * basic_total < (2 * b + 1) * graded_total,
            (false, true) => true,
            (true, false) => false,
            (false, false) => break,
        };
        let next = if graded_next {
            graded.get(g)
        } else {
            basic.get(b)
        };
        let Some(card) = next else { break };
        out.push(*card);
        if graded_next {
            g += 1;
        } else {
            b += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    fn cards(ids: std::ops::Range<i64>) -> Vec<CardId> {
        ids.map(CardId::new).collect()
    }

    fn due(deck: &str, ids: &[i64]) -> Vec<QueueEntry> {
        ids.iter()
            .map(|id| QueueEntry {
                card: CardId::new(*id),
                deck: DeckId::new(deck),
                due: Some(day(1)),
            })
            .collect()
    }

    fn deck(id: &str, exam: Option<NaiveDate>, new: Vec<CardId>) -> DeckDay {
        DeckDay {
            deck: DeckId::new(id),
            exam,
            unseen: new.len(),
            introduced_today: 0,
            order: None,
            new,
            final_pass: Vec::new(),
        }
    }

    fn input(plan: Plan, today: NaiveDate, due: Vec<QueueEntry>, decks: Vec<DeckDay>) -> DayInput {
        DayInput {
            day: today,
            plan,
            due: DueCards::all(due),
            decks,
            relearning: Vec::new(),
            introduced_elsewhere: 0,
            cram: Vec::new(),
        }
    }

    #[test]
    fn cards_failed_earlier_today_stay_in_the_queue_before_new_ones() {
        let mut day_input = input(
            Plan::Daily { new_per_day: 2 },
            day(1),
            due("a", &[1]),
            vec![deck("a", None, cards(10..12))],
        );
        day_input.relearning = due("a", &[5, 1]);
        use SlotKind::{Due, New, Relearning};
        assert_eq!(
            shown(&plan_day(&day_input)),
            vec![(1, Due), (5, Relearning), (10, New), (11, New)]
        );
    }

    #[test]
    fn a_study_by_tag_plans_the_day_over_its_cards_alone() {
        // Due 1, 2; relearning 3; new 10..20 of which the tag holds 2, 15, 16, 17.
        let mut day_input = input(
            Plan::Daily { new_per_day: 2 },
            day(1),
            due("a", &[1, 2]),
            vec![deck("a", None, cards(10..20))],
        );
        day_input.relearning = due("a", &[3]);
        let only: std::collections::HashSet<CardId> =
            [2, 15, 16, 17].into_iter().map(CardId::new).collect();
        let only_tagged = restrict(day_input, &only);
        assert_eq!(only_tagged.due.count, 1);
        assert_eq!(only_tagged.decks[0].unseen, 3);
        use SlotKind::{Due, New};
        // The new-card allowance goes to the tagged cards, not to the first of the deck.
        assert_eq!(
            shown(&plan_day(&only_tagged)),
            vec![(2, Due), (15, New), (16, New)]
        );
    }

    #[test]
    fn new_cards_come_in_the_course_order_the_decks_declare() {
        // Asked in file-name order: accueil, apres-service, ch1.
        let mut accueil = deck("accueil", None, cards(10..15));
        accueil.order = Some(3);
        let unordered = deck("apres-service", None, cards(20..25));
        let mut ch1 = deck("ch1", None, cards(30..35));
        ch1.order = Some(1);
        let plan = plan_day(&input(
            Plan::Daily { new_per_day: 8 },
            day(1),
            Vec::new(),
            vec![accueil, unordered, ch1],
        ));
        let ids: Vec<i64> = shown(&plan).into_iter().map(|(id, _)| id).collect();
        assert_eq!(ids, vec![30, 31, 32, 33, 34, 10, 11, 12]);
    }

    #[test]
    fn the_daily_limit_counts_new_cards_of_every_deck() {
        // 15 new cards already met today, in a deck this session left out.
        let mut day_input = input(
            Plan::Daily { new_per_day: 20 },
            day(1),
            Vec::new(),
            vec![deck("b", None, cards(20..40))],
        );
        day_input.introduced_elsewhere = 15;
        assert_eq!(plan_day(&day_input).queue.len(), 5);
        day_input.introduced_elsewhere = 25;
        assert!(plan_day(&day_input).queue.is_empty());
    }

    #[test]
    fn graded_and_basic_new_cards_are_spread_among_each_other() {
        // A deck whose 4 quiz items come before its 8 notes.
        let graded = cards(1..5);
        let basic = cards(10..18);
        let mixed = interleave_kinds(&basic, &graded, 8, 4);
        let ids: Vec<i64> = mixed.iter().map(|c| c.get()).collect();
        assert_eq!(ids, vec![10, 1, 11, 12, 2, 13, 14, 3, 15, 16, 4, 17]);
        // Only the first cards of each kind fetched: the mix stops where
        // the next card is not known, each kind kept in deck order.
        let first = interleave_kinds(&basic[..3], &graded[..3], 8, 4);
        let ids: Vec<i64> = first.iter().map(|c| c.get()).collect();
        assert_eq!(ids, vec![10, 1, 11, 12, 2]);
        // One kind only: deck order.
        assert_eq!(interleave_kinds(&basic, &[], 8, 0), basic);
        assert_eq!(interleave_kinds(&[], &graded, 0, 4), graded);
        assert!(interleave_kinds(&[], &[], 0, 0).is_empty());
    }

    fn shown(plan: &DayPlan) -> Vec<(i64, SlotKind)> {
        plan.queue.iter().map(|s| (s.card.get(), s.kind)).collect()
    }

    #[test]
    fn a_normal_day_is_due_cards_then_new_ones_up_to_the_allowance_shared_by_decks() {
        let mut first = deck("a", None, cards(10..13));
        first.introduced_today = 1;
        let second = deck("b", None, cards(20..30));
        let plan = plan_day(&input(
            Plan::Daily { new_per_day: 5 },
            day(1),
            due("b", &[2, 1]),
            vec![first, second],
        ));
        use SlotKind::{Due, New};
        assert_eq!(
            shown(&plan),
            vec![
                (2, Due),
                (1, Due),
                (10, New),
                (11, New),
                (12, New),
                (20, New)
            ],
            "one of five already introduced today: four new, in deck order"
        );
        assert!(plan.queue.iter().all(|s| s.policy == Policy::Normal));
    }

    #[test]
    fn an_exam_day_spreads_new_cards_over_the_days_left_and_bounds_reviews_by_it() {
        // Exam on the 6th: the 1st to the 5th (its eve) is five days for 12 cards.
        let exam = day(6);
        let plan = plan_day(&input(
            Plan::Exam { exam },
            day(1),
            due("a", &[1]),
            vec![deck(
                "a",
                deck_exam(Plan::Exam { exam }, None, day(1)),
                cards(10..22),
            )],
        ));
        assert_eq!(plan.queue.len(), 1 + 3, "{:?}", shown(&plan));
        assert!(plan.queue.iter().all(|s| s.policy == Policy::Exam { exam }));
        // A deck's own exam, once passed, plans nothing: the daily allowance.
        assert_eq!(
            deck_exam(Plan::Daily { new_per_day: 2 }, Some(day(1)), day(1)),
            None
        );
        let passed = plan_day(&input(
            Plan::Daily { new_per_day: 2 },
            day(1),
            Vec::new(),
            vec![deck("a", None, cards(10..22))],
        ));
        assert_eq!(shown(&passed).len(), 2);
        assert_eq!(exam_new_cards(12, day(1), exam), 3);
        assert_eq!(exam_new_cards(12, day(5), exam), 12, "the eve: all left");
        assert_eq!(exam_new_cards(12, day(6), exam), 12);
    }

    #[test]
    fn the_eve_of_an_exam_adds_a_final_pass_over_what_is_not_known() {
        let exam = day(6);
        let mut planned = deck("a", Some(exam), Vec::new());
        // Card 2 is due (on the 1st), the others after the exam.
        planned.final_pass = [1, 2, 3]
            .map(|id| QueueEntry {
                card: CardId::new(id),
                deck: DeckId::new("a"),
                due: Some(if id == 2 { day(1) } else { day(9) }),
            })
            .to_vec();
        let mut other = deck("b", None, Vec::new());
        // Not the eve of anything: its final pass is not taken.
        other.final_pass = due("b", &[7]);
        let plan = plan_day(&input(
            Plan::Daily { new_per_day: 20 },
            day(5),
            due("a", &[2]),
            vec![planned, other],
        ));
        use SlotKind::{Due, FinalPass};
        assert_eq!(
            shown(&plan),
            vec![(2, Due), (1, FinalPass), (3, FinalPass)],
            "a card already due is not shown twice"
        );
        assert!(is_eve(day(5), exam));
        assert!(!is_eve(day(4), exam));
    }

    #[test]
    fn a_cram_is_every_card_weakest_first_and_moves_no_schedule() {
        let mut cram = due("a", &[5, 3]);
        cram.push(QueueEntry {
            card: CardId::new(9),
            deck: DeckId::new("a"),
            due: None,
        });
        let mut day_input = input(Plan::Cram, day(1), Vec::new(), Vec::new());
        day_input.cram = cram;
        let plan = plan_day(&day_input);
        use SlotKind::{Due, New};
        assert_eq!(shown(&plan), vec![(5, Due), (3, Due), (9, New)]);
        assert!(plan.queue.iter().all(|s| s.policy == Policy::Cram));
        assert_eq!(deck_exam(Plan::Cram, Some(day(9)), day(1)), None);
        assert_eq!(new_cards_wanted(Plan::Cram, None, 10, 0, day(1)), 0);
    }
}
