//! The model of memory: FSRS, replayed from the review log. Pure: no store,
//! no clock. SM-2 schedules; this forecasts what the student will recall
//! and ranks the cards an exam plan spends its minutes on.

pub mod adjust;
pub mod fit;
pub mod readiness;

use chrono::NaiveDate;
use fsrs::{FSRS, FSRSItem, FSRSReview, MemoryState};

use crate::sched::{Ease, Rating, Retention, Verdict};

/// The retention SM-2's intervals are taken to aim at, to convert an SM-2
/// state from an older store into a memory state.
const SM2_RETENTION: f32 = 0.9;

/// FSRS's four grades: 1 Again, 2 Hard, 3 Good, 4 Easy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Grade(u32);

impl Grade {
    pub const AGAIN: Grade = Grade(1);
    pub const HARD: Grade = Grade(2);
    pub const GOOD: Grade = Grade(3);
    pub const EASY: Grade = Grade(4);

    pub fn value(self) -> u32 {
        self.0
    }
}

/// The course's 1–5 rating as an FSRS grade: 1 and 2 are a lapse, 3 a hard
/// recall, 4 good, 5 easy. A graded card goes by its verdict instead (see
/// [`verdict_grade`]).
pub fn grade(rating: Rating) -> Grade {
    match rating.value() {
        1 | 2 => Grade::AGAIN,
        3 => Grade::HARD,
        4 => Grade::GOOD,
        _ => Grade::EASY,
    }
}

/// A graded card's verdict as an FSRS grade: wrong is a lapse (Again),
/// partly right a hard recall (Hard), right a recall (Good). The grade is
/// what the student showed; their self-rating beside it may be generous or
/// harsh (calibration compares them), so it does not move the model. Right
/// is Good, not Easy: a grade says the answer was found, not how easily.
pub fn verdict_grade(verdict: Verdict) -> Grade {
    match verdict {
        Verdict::Wrong => Grade::AGAIN,
        Verdict::PartlyRight => Grade::HARD,
        Verdict::Right => Grade::GOOD,
    }
}

/// What the model holds of a card after its last review.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Memory {
    /// Days until recall falls to 90 %.
    pub stability: f32,
    /// 1 (easy) to 10 (hard).
    pub difficulty: f32,
    /// The study day of the last review.
    pub last_day: NaiveDate,
}

/// One rating of the log, as the model reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Logged {
    pub day: NaiveDate,
    pub rating: Rating,
    /// A graded card's grade, when it was graded.
    pub verdict: Option<Verdict>,
}

impl Logged {
    /// A rating without a verdict (a card that is not graded).
    pub fn rated(day: NaiveDate, rating: Rating) -> Logged {
        Logged {
            day,
            rating,
            verdict: None,
        }
    }

    /// The FSRS grade this entry counts as: the verdict's for a graded
    /// card, else the rating's.
    pub fn grade(&self) -> Grade {
        self.verdict
            .map_or_else(|| grade(self.rating), verdict_grade)
    }
}

/// The SM-2 state a card had before its log begins (a store older than
/// the log, or a log cut short): where its replay starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sm2Start {
    pub ease: Ease,
    pub interval: u32,
    /// The day of the review that gave that state.
    pub day: NaiveDate,
}

/// Where the parameters come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Defaults,
    /// Fitted to the student's own log of this many reviews.
    Fitted {
        reviews: usize,
    },
    /// The defaults with a few parameters adjusted to a log of this many
    /// reviews, too short for a full fit.
    Adjusted {
        reviews: usize,
    },
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ModelError {
    #[error("the memory model's parameters are not valid FSRS parameters ({0})")]
    Invalid(String),
}

/// The longest interval FSRS schedules, in days: a hundred years.
pub const MAX_INTERVAL: u32 = 36_500;

/// FSRS with a set of parameters.
#[derive(Debug, Clone)]
pub struct Model {
    fsrs: FSRS,
    weights: [f32; 21],
    pub source: Source,
}

impl Default for Model {
    fn default() -> Self {
        Model::defaults()
    }
}

impl Model {
    /// The crate's parameters, fitted to many students: until the student's
    /// own log is large enough.
    pub fn defaults() -> Model {
        Model {
            fsrs: FSRS::default(),
            weights: fsrs::DEFAULT_PARAMETERS,
            source: Source::Defaults,
        }
    }

    pub fn new(weights: &[f32], source: Source) -> Result<Model, ModelError> {
        let fsrs = FSRS::new(weights).map_err(|e| ModelError::Invalid(e.to_string()))?;
        let filled: [f32; 21] = fsrs::check_and_fill_parameters(weights)
            .map_err(|e| ModelError::Invalid(e.to_string()))?
            .try_into()
            .map_err(|_| ModelError::Invalid("not 21 parameters".into()))?;
        if filled.iter().any(|w| !w.is_finite()) || filled[20] <= 0.0 {
            return Err(ModelError::Invalid("not finite".into()));
        }
        Ok(Model {
            fsrs,
            weights: filled,
            source,
        })
    }

    pub fn weights(&self) -> &[f32; 21] {
        &self.weights
    }

    fn decay(&self) -> f32 {
        self.weights[20]
    }

    /// A card's memory after its whole log, `None` for a card never reviewed.
    pub fn replay(&self, start: Option<Sm2Start>, log: &[Logged]) -> Option<Memory> {
        let start = start.and_then(|s| self.from_sm2(s));
        self.extend(start, log)
    }

    /// The memory an SM-2 state stands for (FSRS's own conversion).
    pub fn from_sm2(&self, start: Sm2Start) -> Option<Memory> {
        let ease = f32::from(start.ease.hundredths()) / 100.0;
        #[allow(clippy::cast_precision_loss)]
        let interval = start.interval as f32;
        let state = self
            .fsrs
            .memory_state_from_sm2(ease, interval, SM2_RETENTION)
            .ok()?;
        Some(Memory {
            stability: state.stability,
            difficulty: state.difficulty,
            last_day: start.day,
        })
    }

    /// `memory` carried through more of the log: replay is incremental, so
    /// a cached state only needs the reviews since.
    pub fn extend(&self, memory: Option<Memory>, log: &[Logged]) -> Option<Memory> {
        let Some(last) = log.last() else {
            return memory;
        };
        let mut previous = memory.map(|m| m.last_day);
        let reviews: Vec<FSRSReview> = log
            .iter()
            .map(|entry| {
                let delta = previous.map_or(0, |p| days_between(p, entry.day));
                previous = Some(entry.day);
                FSRSReview {
                    rating: entry.grade().value(),
                    delta_t: delta,
                }
            })
            .collect();
        let start = memory.map(|m| MemoryState {
            stability: m.stability,
            difficulty: m.difficulty,
        });
        let state = self.fsrs.memory_state(FSRSItem { reviews }, start).ok()?;
        Some(Memory {
            stability: state.stability,
            difficulty: state.difficulty,
            last_day: last.day,
        })
    }

    /// The memory after a review on `day`, if it is recalled (Good) and if
    /// it is not (Again): one step of the model for both.
    pub fn outcomes(&self, memory: &Memory, day: NaiveDate) -> Option<(Memory, Memory)> {
        let state = MemoryState {
            stability: memory.stability,
            difficulty: memory.difficulty,
        };
        let next = self
            .fsrs
            .next_states(
                Some(state),
                SM2_RETENTION,
                days_between(memory.last_day, day),
            )
            .ok()?;
        let at = |state: MemoryState| Memory {
            stability: state.stability,
            difficulty: state.difficulty,
            last_day: day,
        };
        Some((at(next.good.memory), at(next.again.memory)))
    }

    /// The memory after one more review with `grade` on `day`.
    pub fn after(&self, memory: Option<Memory>, grade: Grade, day: NaiveDate) -> Option<Memory> {
        let rating = Rating::new(match grade.value() {
            1 => 1,
            2 => 3,
            3 => 4,
            _ => 5,
        })?;
        self.extend(memory, &[Logged::rated(day, rating)])
    }

    /// FSRS's interval, in whole days, after which a card of this
    /// stability falls to `retention`: the crate's own, rounded, at least a
    /// day and at most [`MAX_INTERVAL`] (as Anki bounds it).
    pub fn interval(&self, stability: f32, retention: Retention) -> u32 {
        let days = self
            .fsrs
            .next_interval(Some(stability), retention.share(), 3);
        if !days.is_finite() || days >= MAX_INTERVAL as f32 {
            return if days.is_nan() { 1 } else { MAX_INTERVAL };
        }
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let whole = days.round().max(1.0) as u32;
        whole
    }

    /// The day FSRS schedules the card's next review, at `retention`.
    pub fn due_day(&self, memory: &Memory, retention: Retention) -> NaiveDate {
        let interval = self.interval(memory.stability, retention);
        memory
            .last_day
            .checked_add_days(chrono::Days::new(u64::from(interval)))
            .unwrap_or(NaiveDate::MAX)
            .min(crate::sched::last_day())
    }

    /// The probability of recalling the card on the morning of `day`.
    pub fn recall(&self, memory: &Memory, day: NaiveDate) -> f64 {
        let elapsed = f64::from(days_between(memory.last_day, day));
        self.recall_after(elapsed, memory.stability)
    }

    /// The probability of recall `elapsed` days after a review, for a card
    /// of this stability.
    pub fn recall_after(&self, elapsed_days: f64, stability: f32) -> f64 {
        recall_after(elapsed_days, f64::from(stability), f64::from(self.decay()))
    }
}

/// A card's memory now: its cached memory (or the SM-2 state its log
/// starts from) carried through the reviews since.
pub fn memory_of(
    model: &Model,
    cached: Option<Memory>,
    start: Option<Sm2Start>,
    log: &[Logged],
) -> Option<Memory> {
    match cached {
        Some(memory) => model.extend(Some(memory), log),
        None => model.replay(start, log),
    }
}

/// The model the store's parameters describe; the defaults when it has
/// none, or none that are usable.
pub fn model_of(stored: &crate::store::StoredModel) -> Model {
    stored
        .parameters
        .as_deref()
        .and_then(|weights| {
            let reviews = stored.fitted_reviews;
            // A full fit rests on a log of at least its minimum; only an
            // adjustment rests on less.
            let source = if reviews < fit::MIN_REVIEWS_TO_FIT {
                Source::Adjusted { reviews }
            } else {
                Source::Fitted { reviews }
            };
            Model::new(weights, source).ok()
        })
        .unwrap_or_default()
}

/// A card's memory from what the store gave.
pub fn memory_now(model: &Model, card: &crate::store::ModelCard) -> Option<Memory> {
    memory_of(model, card.cached, card.start, &card.log)
}

/// FSRS's power forgetting curve: R(t) = (1 + f·t/S)^(−d), with f chosen
/// so that R(S) = 0.9.
fn recall_after(elapsed: f64, stability: f64, decay: f64) -> f64 {
    if stability <= 0.0 {
        return 0.0;
    }
    let factor = 0.9f64.powf(-1.0 / decay) - 1.0;
    (1.0 + factor * elapsed.max(0.0) / stability).powf(-decay)
}

/// Whole days from `from` to `to`, 0 when `to` is not later.
pub fn days_between(from: NaiveDate, to: NaiveDate) -> u32 {
    u32::try_from((to - from).num_days()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn r(v: u8) -> Rating {
        Rating::new(v).unwrap()
    }

    fn logged(entries: &[(&str, u8)]) -> Vec<Logged> {
        entries
            .iter()
            .map(|(d, v)| Logged::rated(day(d), r(*v)))
            .collect()
    }

    /// The crate's own state after these (grade, days since) reviews.
    fn crates_state(reviews: &[(u32, u32)]) -> MemoryState {
        FSRS::default()
            .memory_state(
                FSRSItem {
                    reviews: reviews
                        .iter()
                        .map(|&(rating, delta_t)| FSRSReview { rating, delta_t })
                        .collect(),
                },
                None,
            )
            .unwrap()
    }

    #[test]
    fn ratings_map_to_fsrs_grades() {
        let grades: Vec<u32> = Rating::ALL.iter().map(|&q| grade(q).value()).collect();
        assert_eq!(grades, vec![1, 1, 2, 3, 4]);
    }

    #[test]
    fn a_first_review_gives_the_crates_initial_state() {
        let model = Model::defaults();
        let w = fsrs::DEFAULT_PARAMETERS;
        for (rating, g) in [(1, 0), (3, 1), (4, 2), (5, 3)] {
            let m = model
                .replay(None, &logged(&[("2026-12-01", rating)]))
                .unwrap();
            assert_eq!(m.stability, w[g], "rating {rating}");
            assert_eq!(m.last_day, day("2026-12-01"));
        }
        // Rating 2 is a lapse, the same as 1.
        assert_eq!(
            model.replay(None, &logged(&[("2026-12-01", 2)])),
            model.replay(None, &logged(&[("2026-12-01", 1)]))
        );
    }

    #[test]
    fn replay_gives_the_crates_states_for_a_known_sequence() {
        let model = Model::defaults();
        let log = logged(&[
            ("2026-11-01", 4),
            ("2026-11-01", 3), // same day: a short-term review
            ("2026-11-03", 5),
            ("2026-11-10", 1),
            ("2026-11-11", 4),
        ]);
        let ours = model.replay(None, &log).unwrap();
        let theirs = crates_state(&[(3, 0), (2, 0), (4, 2), (1, 7), (3, 1)]);
        assert_eq!(
            (ours.stability, ours.difficulty),
            (theirs.stability, theirs.difficulty)
        );
        assert_eq!(ours.last_day, day("2026-11-11"));
    }

    #[test]
    fn graded_cards_replay_by_their_verdict_not_the_self_rating() {
        let grades: Vec<u32> = [Verdict::Wrong, Verdict::PartlyRight, Verdict::Right]
            .iter()
            .map(|&v| verdict_grade(v).value())
            .collect();
        assert_eq!(grades, vec![1, 2, 3]);
        let model = Model::defaults();
        // Rated 5 when right, 4 when wrong, 1 when partly right; a basic
        // card's 3 beside them keeps the rating's mapping.
        let graded = |d: &str, rating: u8, verdict: Verdict| Logged {
            verdict: Some(verdict),
            ..Logged::rated(day(d), r(rating))
        };
        let log = vec![
            graded("2026-11-01", 5, Verdict::Right),
            graded("2026-11-03", 4, Verdict::Wrong),
            Logged::rated(day("2026-11-04"), r(3)),
            graded("2026-11-10", 1, Verdict::PartlyRight),
        ];
        let ours = model.replay(None, &log).unwrap();
        let theirs = crates_state(&[(3, 0), (1, 2), (2, 1), (2, 6)]);
        assert_eq!(
            (ours.stability, ours.difficulty),
            (theirs.stability, theirs.difficulty)
        );
        let by_ratings: Vec<Logged> = log.iter().map(|l| Logged::rated(l.day, l.rating)).collect();
        assert_ne!(model.replay(None, &by_ratings), Some(ours));
    }

    #[test]
    fn replay_in_pieces_is_the_same_as_replay_in_one() {
        let model = Model::defaults();
        let log = logged(&[
            ("2026-11-01", 3),
            ("2026-11-02", 4),
            ("2026-11-02", 2),
            ("2026-11-08", 5),
            ("2026-11-20", 4),
        ]);
        let whole = model.replay(None, &log);
        let first = model.replay(None, &log[..2]);
        assert_eq!(model.extend(first, &log[2..]), whole);
    }

    #[test]
    fn an_older_store_starts_from_the_sm2_conversion() {
        let model = Model::defaults();
        let start = Sm2Start {
            ease: Ease::from_hundredths(250),
            interval: 15,
            day: day("2026-11-01"),
        };
        let converted = model.from_sm2(start).unwrap();
        let theirs = FSRS::default()
            .memory_state_from_sm2(2.5, 15.0, 0.9)
            .unwrap();
        assert_eq!(converted.stability, theirs.stability);
        assert_eq!(converted.difficulty, theirs.difficulty);
        // A review 15 days later continues from it, with 15 days elapsed.
        let after = model
            .replay(Some(start), &logged(&[("2026-11-16", 4)]))
            .unwrap();
        let expected = FSRS::default()
            .memory_state(
                FSRSItem {
                    reviews: vec![FSRSReview {
                        rating: 3,
                        delta_t: 15,
                    }],
                },
                Some(theirs),
            )
            .unwrap();
        assert_eq!(after.stability, expected.stability);
    }

    #[test]
    fn recall_is_ninety_percent_at_the_stability_and_falls_with_time() {
        let model = Model::defaults();
        let memory = Memory {
            stability: 10.0,
            difficulty: 5.0,
            last_day: day("2026-12-01"),
        };
        assert!((model.recall(&memory, day("2026-12-11")) - 0.9).abs() < 1e-6);
        assert!((model.recall(&memory, day("2026-12-01")) - 1.0).abs() < 1e-9);
        assert!(model.recall(&memory, day("2026-12-30")) < 0.9);
        // Before the last review (a date in the past) counts as no time.
        assert!((model.recall(&memory, day("2026-11-01")) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn both_outcomes_of_a_review_are_those_of_a_review_with_each_grade() {
        let model = Model::defaults();
        let memory = model
            .replay(None, &logged(&[("2026-11-01", 4), ("2026-11-04", 3)]))
            .unwrap();
        let (good, again) = model.outcomes(&memory, day("2026-11-12")).unwrap();
        assert_eq!(
            Some(good),
            model.after(Some(memory), Grade::GOOD, day("2026-11-12"))
        );
        assert_eq!(
            Some(again),
            model.after(Some(memory), Grade::AGAIN, day("2026-11-12"))
        );
    }

    #[test]
    fn fsrs_intervals_from_a_known_state_and_retention() {
        let model = Model::defaults();
        let at = |r: u8| Retention::from_hundredths(r).unwrap();
        // At 90 %, a card's interval is its stability (the curve's definition).
        assert_eq!(model.interval(10.0, at(90)), 10);
        // The crate's own interval for the same state, rounded.
        let crate_days = FSRS::default().next_interval(Some(10.0), 0.8, 3);
        assert_eq!(model.interval(10.0, at(80)), crate_days.round() as u32);
        // Lower retention, longer intervals; higher, shorter; never below a day.
        assert!(model.interval(10.0, at(80)) > 10);
        assert!(model.interval(10.0, at(97)) < 10);
        assert_eq!(model.interval(0.01, at(97)), 1);
        assert_eq!(model.interval(1e9, at(70)), MAX_INTERVAL);
        // From a replayed state: its last review day plus that interval.
        let memory = model
            .replay(None, &logged(&[("2026-11-01", 4), ("2026-11-04", 4)]))
            .unwrap();
        let days = model.interval(memory.stability, at(85));
        assert_eq!(
            model.due_day(&memory, at(85)),
            day("2026-11-04") + chrono::Days::new(u64::from(days))
        );
        // The recall FSRS predicts on that day is about the retention asked.
        let recall = model.recall(&memory, model.due_day(&memory, at(85)));
        assert!((recall - 0.85).abs() < 0.02, "{recall}");
    }

    #[test]
    fn absurd_parameters_are_refused() {
        assert!(Model::new(&[f32::NAN; 21], Source::Fitted { reviews: 1 }).is_err());
        assert!(Model::new(&[1.0; 3], Source::Fitted { reviews: 1 }).is_err());
        assert!(Model::new(&fsrs::DEFAULT_PARAMETERS, Source::Defaults).is_ok());
    }
}
