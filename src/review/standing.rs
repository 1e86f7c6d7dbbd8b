//! Where each deck stands: the figures of `fiches stats` and of the stats
//! screen, with the plan to an exam still to come, and the one way both
//! write them as text.

use chrono::NaiveDate;
use serde::Serialize;

use super::plan;
use crate::deck::DeckId;
use crate::store::{DeckStats, ExamFigures, Store, StoreError};

/// A deck's figures, and its plan to an exam when one is to come.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Standing {
    #[serde(flatten)]
    pub deck: DeckStats,
    /// What sets its due days: `sm2`, or `fsrs` at `retention`.
    pub scheduler: crate::sched::Scheduler,
    /// FSRS's retention (0–1), null under SM-2.
    pub retention: Option<f64>,
    /// The plan to the exam, when there is one.
    pub exam: Option<ExamStats>,
}

/// Where a deck stands against its exam.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExamStats {
    pub date: NaiveDate,
    /// Study days before the exam, today included.
    pub days_left: i64,
    /// Cards never reviewed yet.
    pub unseen: usize,
    /// Cards whose latest rating is 4 or 5.
    pub known: usize,
    /// New cards a day to see them all in time.
    pub new_per_day: usize,
    /// Cards due each day from today to the exam day, as now scheduled.
    pub due_until_exam: Vec<usize>,
}

impl ExamStats {
    pub fn new(figures: ExamFigures, today: NaiveDate, exam: NaiveDate) -> ExamStats {
        ExamStats {
            date: exam,
            days_left: (exam - today).num_days().max(0),
            unseen: figures.unseen,
            known: figures.known,
            new_per_day: plan::exam_new_cards(figures.unseen, today, exam),
            due_until_exam: figures.due_until_exam,
        }
    }
}

/// Each deck's standing on `today`, planned to `exam` (or to the deck's own
/// `exam:`) while that day is still to come; its due cards as its
/// scheduler has them.
pub fn read(
    store: &Store,
    decks: &[DeckId],
    today: NaiveDate,
    exam: Option<NaiveDate>,
    scheduling: super::scheduler::Scheduling,
) -> Result<Vec<Standing>, StoreError> {
    store.read_consistently(|store| {
        let mut out = Vec::with_capacity(decks.len());
        for deck in decks {
            let one = std::slice::from_ref(deck);
            let own = match exam {
                Some(exam) => Some(exam),
                None => store.exam_day(one)?,
            };
            let exam = match plan::exam_to_come(own, today) {
                Some(exam) => Some(ExamStats::new(
                    store.exam_figures(one, today, exam)?,
                    today,
                    exam,
                )),
                None => None,
            };
            // Under an exam plan the plan decides, as under SM-2.
            let (scheduler, retention) = match exam {
                Some(_) => (crate::sched::Scheduler::Sm2, None),
                None => match scheduling.of_deck(store, deck)? {
                    (crate::sched::Scheduler::Fsrs, r) => (crate::sched::Scheduler::Fsrs, Some(r)),
                    (sm2, _) => (sm2, None),
                },
            };
            let deck_stats = if exam.is_some() {
                store.deck_stats(deck, today)?
            } else {
                super::scheduler::deck_stats(store, deck, today, scheduling)?
            };
            out.push(Standing {
                deck: deck_stats,
                scheduler,
                retention: retention.map(|r| f64::from(r.hundredths()) / 100.0),
                exam,
            });
        }
        Ok(out)
    })
}

/// "12 cards: 3 new, 4 learning, 5 review", and the retired ones if any.
pub fn cards_line(s: &DeckStats) -> String {
    let mut line = format!(
        "{} cards: {} new, {} learning, {} review",
        s.cards, s.new, s.learning, s.review
    );
    if s.retired > 0 {
        line.push_str(&format!(", {} retired", s.retired));
    }
    line
}

/// "scheduler: FSRS at 0.90 retention …", for a deck FSRS schedules.
pub fn scheduler_line(s: &Standing) -> Option<String> {
    s.retention
        .filter(|_| s.scheduler == crate::sched::Scheduler::Fsrs)
        .map(|r| format!("scheduler: FSRS at {r:.2} retention (SM-2's own days: --scheduler sm2)"))
}

/// "due today 2 · next 7 days: 0 1 …"
pub fn due_line(s: &DeckStats) -> String {
    let week: Vec<String> = s.due_next_7_days.iter().map(usize::to_string).collect();
    format!(
        "due today {} · next 7 days: {}",
        s.due_today,
        week.join(" ")
    )
}

/// "ratings: 6 today", with each rating's count over 30 days when known.
pub fn ratings_line(s: &DeckStats, last_30_days: Option<&[usize; 5]>) -> String {
    match last_30_days {
        Some(ratings) => {
            let given: Vec<String> = ratings
                .iter()
                .enumerate()
                .map(|(i, n)| format!("{}:{n}", i + 1))
                .collect();
            format!(
                "ratings: {} today · 30 days: {}",
                s.reviews_today,
                given.join(" ")
            )
        }
        None => format!("ratings: {} today", s.reviews_today),
    }
}

/// Retention counts only the day's first rating of cards seen before (the
/// ratings line counts every rating).
pub fn retention_line(s: &DeckStats) -> String {
    match s.retention_30_days {
        Some(share) => format!(
            "retention (30 days): {:.0} % of {} reviews rated 3+",
            share * 100.0,
            s.review_ratings_30_days
        ),
        None => "retention (30 days): no review of a seen card yet".to_string(),
    }
}

/// "exam 2026-12-10: 9 day(s) left, 3 unseen (1 new a day), 4 known"
pub fn exam_line(exam: &ExamStats) -> String {
    format!(
        "exam {}: {} day(s) left, {} unseen ({} new a day), {} known",
        exam.date, exam.days_left, exam.unseen, exam.new_per_day, exam.known
    )
}

/// What stands in for the exam line when there is no exam to come.
pub const NO_EXAM: &str = "no exam date (review --exam YYYY-MM-DD)";

#[cfg(test)]
mod tests {
    use super::*;

    fn stats() -> DeckStats {
        DeckStats {
            deck: "d".into(),
            title: "D".into(),
            cards: 12,
            new: 3,
            learning: 4,
            review: 5,
            retired: 1,
            due_today: 2,
            due_next_7_days: vec![0, 1, 0, 0, 0, 0, 3],
            reviews_today: 6,
            review_ratings_30_days: 8,
            retention_30_days: Some(0.75),
        }
    }

    #[test]
    fn figures_read_the_same_wherever_they_are_written() {
        let mut s = stats();
        assert_eq!(
            cards_line(&s),
            "12 cards: 3 new, 4 learning, 5 review, 1 retired"
        );
        assert_eq!(due_line(&s), "due today 2 · next 7 days: 0 1 0 0 0 0 3");
        assert_eq!(
            retention_line(&s),
            "retention (30 days): 75 % of 8 reviews rated 3+"
        );
        assert_eq!(
            ratings_line(&s, Some(&[1, 0, 2, 0, 5])),
            "ratings: 6 today · 30 days: 1:1 2:0 3:2 4:0 5:5"
        );
        assert_eq!(ratings_line(&s, None), "ratings: 6 today");
        s.retired = 0;
        assert_eq!(cards_line(&s), "12 cards: 3 new, 4 learning, 5 review");
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let exam = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        let figures = ExamFigures {
            unseen: 12,
            known: 4,
            due_until_exam: vec![1; 6],
        };
        assert_eq!(
            exam_line(&ExamStats::new(figures, today, exam)),
            "exam 2026-12-06: 5 day(s) left, 12 unseen (3 new a day), 4 known"
        );
    }
}
