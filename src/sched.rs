//! SM-2, exactly: pure functions of (state, rating, day). No I/O, no clock.
//!
//! The easiness factor only ever moves by whole hundredths from 2.5, so it is
//! held in hundredths and every product is computed in integers: with floats,
//! 9 × 1.4999999999999998 rounds to 13 where SM-2 says 14.

use std::fmt;

use chrono::{Days, NaiveDate};

/// The 1–5 answer to "How well did you know this?", SM-2's quality q.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rating(u8);

impl Rating {
    pub const ALL: [Rating; 5] = [Rating(1), Rating(2), Rating(3), Rating(4), Rating(5)];
    /// The lowest rating SM-2 counts as a correct recall.
    pub const PASS: Rating = Rating(3);
    /// The lowest rating of a card known: it is not relearnt in the session.
    pub const KNOWN: Rating = Rating(4);

    pub fn new(value: u8) -> Option<Rating> {
        (1..=5).contains(&value).then_some(Rating(value))
    }

    pub fn value(self) -> u8 {
        self.0
    }

    /// The words of the source cards' scale.
    pub fn label(self) -> &'static str {
        match self.0 {
            1 => "Not at all",
            5 => "Perfectly",
            _ => "",
        }
    }

    /// SM-2 counts 3 and above as a correct recall.
    pub fn is_pass(self) -> bool {
        self >= Rating::PASS
    }

    /// Below 4, the card comes back later in the same session.
    pub fn needs_relearning(self) -> bool {
        self < Rating::KNOWN
    }

    /// The rating the items recalled suggest, out of the `asked` the
    /// question asks for: all → 5, none → 1, evenly between (halves up).
    /// Recalling more than asked counts as all.
    pub fn from_recalled(recalled: usize, asked: usize) -> Rating {
        let asked = asked.max(1);
        let recalled = recalled.min(asked);
        let steps = (8 * recalled + asked) / (2 * asked);
        Rating(u8::try_from(1 + steps).unwrap_or(5))
    }
}

/// In JSON, the bare number (1–5); reading refuses any other.
impl serde::Serialize for Rating {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Rating {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = u64::deserialize(deserializer)?;
        u8::try_from(value)
            .ok()
            .and_then(Rating::new)
            .ok_or_else(|| {
                serde::de::Error::custom(format!("the rating {value} is not between 1 and 5"))
            })
    }
}

impl fmt::Display for Rating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// How a graded card (true/false, choice, cloze, match) was answered, as
/// graded: stored with the rating it informed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Right,
    #[serde(rename = "partly")]
    PartlyRight,
    Wrong,
}

impl Verdict {
    /// The rating proposed to the student, who confirms or picks another.
    pub fn proposed(self) -> Rating {
        match self {
            Verdict::Right => Rating(4),
            Verdict::PartlyRight => Rating(3),
            Verdict::Wrong => Rating(1),
        }
    }

    /// Whether a self-rating disagrees with this grade: a recall (3 or
    /// more) rated on a wrong answer, or a lapse (1 or 2) on a right or
    /// partly right one.
    pub fn at_odds_with(self, rating: Rating) -> bool {
        rating.is_pass() == (self == Verdict::Wrong)
    }

    /// The word the store and the review log write.
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Right => "right",
            Verdict::PartlyRight => "partly",
            Verdict::Wrong => "wrong",
        }
    }

    pub fn from_word(word: &str) -> Option<Verdict> {
        match word {
            "right" => Some(Verdict::Right),
            "partly" => Some(Verdict::PartlyRight),
            "wrong" => Some(Verdict::Wrong),
            _ => None,
        }
    }
}

/// Successful repetitions in a row after which a card is in review (its
/// interval past the first day), not learning.
pub const LEARNT_AFTER_REPS: u32 = 2;

/// SM-2's easiness factor EF, in hundredths (250 is 2.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ease(u16);

impl Ease {
    pub const INITIAL: Ease = Ease(250);
    pub const MIN: Ease = Ease(130);

    pub fn from_hundredths(value: u16) -> Ease {
        Ease(value.max(Self::MIN.0))
    }

    pub fn hundredths(self) -> u16 {
        self.0
    }

    /// EF' = max(1.3, EF + (0.1 − (5 − q)(0.08 + (5 − q)·0.02))), in hundredths:
    /// the change is 10 − d(8 + 2d) with d = 5 − q.
    fn after(self, rating: Rating) -> Ease {
        let d = i32::from(5 - rating.value());
        let change = 10 - d * (8 + 2 * d);
        let next = (i32::from(self.0) + change).max(i32::from(Self::MIN.0));
        Ease(u16::try_from(next).unwrap_or(u16::MAX))
    }
}

impl fmt::Display for Ease {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

/// A card's schedule. A card never reviewed has no due day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CardState {
    /// SM-2 n: successful repetitions in a row.
    pub reps: u32,
    pub ease: Ease,
    /// SM-2 I, in days.
    pub interval: u32,
    pub due: Option<NaiveDate>,
    /// Times a learnt card was forgotten (rated below 3).
    pub lapses: u32,
    pub last_rating: Option<Rating>,
    /// The study day of the rating that last moved the schedule.
    pub last_day: Option<NaiveDate>,
}

impl Default for CardState {
    fn default() -> Self {
        CardState {
            reps: 0,
            ease: Ease::INITIAL,
            interval: 0,
            due: None,
            lapses: 0,
            last_rating: None,
            last_day: None,
        }
    }
}

impl CardState {
    pub fn is_new(&self) -> bool {
        self.due.is_none()
    }

    /// Whether a rating on `day` moves the schedule: only the first of a day does.
    pub fn schedules_on(&self, day: NaiveDate) -> bool {
        self.last_day != Some(day)
    }
}

/// The state after answering with `rating` on `day`, as SM-2 prescribes.
pub fn review(state: &CardState, rating: Rating, day: NaiveDate) -> CardState {
    let (reps, interval) = if rating.is_pass() {
        let interval = match state.reps {
            0 => 1,
            1 => 6,
            // round(I × EF) with halves rounding up, EF before this answer's update.
            _ => {
                let product = u64::from(state.interval) * u64::from(state.ease.hundredths());
                let rounded = (product + 50) / 100;
                u32::try_from(rounded).unwrap_or(u32::MAX).max(1)
            }
        };
        (state.reps.saturating_add(1), interval)
    } else {
        (0, 1)
    };
    let lapses = if !rating.is_pass() && state.reps > 0 {
        state.lapses.saturating_add(1)
    } else {
        state.lapses
    };
    CardState {
        reps,
        ease: state.ease.after(rating),
        interval,
        due: Some(
            day.checked_add_days(Days::new(u64::from(interval)))
                .unwrap_or(NaiveDate::MAX)
                .min(last_day()),
        ),
        lapses,
        last_rating: Some(rating),
        last_day: Some(day),
    }
}

/// The last day a card can be due: days are kept as YYYY-MM-DD text, which
/// sorts as the days do only up to year 9999 (`+10000-01-01` sorts first).
pub fn last_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX)
}

/// With an exam on `exam`, no review may land after it: a card SM-2 would
/// send past the exam comes back on the day before instead (on the exam
/// day itself when it is reviewed on that last day or later). SM-2's own
/// state (n, EF, I) is kept as computed; only the due day moves.
pub fn before_exam(state: CardState, day: NaiveDate, exam: NaiveDate) -> CardState {
    let Some(due) = state.due else {
        return state;
    };
    // On the exam day or after it, there is nothing left to protect.
    if due <= exam || day >= exam {
        return state;
    }
    let eve = exam.pred_opt().unwrap_or(exam);
    CardState {
        due: Some(if day >= eve { exam } else { eve }),
        ..state
    }
}

/// A same-day repeat: logged, but the schedule stays as the day's first rating set it.
pub fn repeat(state: &CardState, rating: Rating) -> CardState {
    CardState {
        last_rating: Some(rating),
        ..*state
    }
}

/// How a rating moves a card: a value the store applies to the state it
/// finds when it commits (another session may have moved the card since it
/// was shown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// SM-2 as it is.
    Normal,
    /// SM-2, with no review landing after `exam` (see [`before_exam`]).
    Exam { exam: NaiveDate },
    /// A cram: logged, the card's state left as it was.
    Cram,
}

impl Policy {
    /// The state after `rating` on `day`, and whether the rating moves the
    /// schedule: only the day's first rating of a card does, and never in a cram.
    pub fn apply(self, before: &CardState, rating: Rating, day: NaiveDate) -> (CardState, bool) {
        if self == Policy::Cram {
            return (*before, false);
        }
        if !before.schedules_on(day) {
            return (repeat(before, rating), false);
        }
        let next = review(before, rating, day);
        match self {
            Policy::Exam { exam } => (before_exam(next, day, exam), true),
            Policy::Normal | Policy::Cram => (next, true),
        }
    }
}

/// Which scheduler sets a deck's due days. SM-2 is the default; FSRS
/// schedules from the model of memory, at a retention. Both read the one
/// review log and SM-2's state is kept exactly under either, so a deck can
/// switch either way without losing anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheduler {
    #[default]
    Sm2,
    Fsrs,
}

impl Scheduler {
    pub const NAMES: &'static str = "sm2 or fsrs";

    pub fn parse(text: &str) -> Option<Scheduler> {
        match text.trim().to_ascii_lowercase().as_str() {
            "sm2" => Some(Scheduler::Sm2),
            "fsrs" => Some(Scheduler::Fsrs),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Scheduler::Sm2 => "sm2",
            Scheduler::Fsrs => "fsrs",
        }
    }
}

impl fmt::Display for Scheduler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The probability of recall FSRS schedules a review at: 0.70 to 0.97, in
/// hundredths (0.90 by default). Lower means longer intervals and more
/// forgetting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Retention(u8);

impl Retention {
    pub const DEFAULT: Retention = Retention(90);
    pub const MIN: Retention = Retention(70);
    pub const MAX: Retention = Retention(97);

    /// From hundredths, when in range.
    pub fn from_hundredths(value: u8) -> Option<Retention> {
        (Self::MIN.0..=Self::MAX.0)
            .contains(&value)
            .then_some(Retention(value))
    }

    /// From a share (0.85) or a percentage (85), when in range and given to
    /// the hundredth at most.
    pub fn parse(text: &str) -> Option<Retention> {
        let text = text.trim().trim_end_matches('%').trim();
        let value: f64 = text.parse().ok().filter(|v: &f64| v.is_finite())?;
        let hundredths = if value > 1.0 { value } else { value * 100.0 };
        let rounded = hundredths.round();
        if (hundredths - rounded).abs() > 1e-6 {
            return None;
        }
        u8::try_from(rounded as i64)
            .ok()
            .and_then(Retention::from_hundredths)
    }

    pub fn hundredths(self) -> u8 {
        self.0
    }

    pub fn share(self) -> f32 {
        f32::from(self.0) / 100.0
    }
}

impl fmt::Display for Retention {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0.{:02}", self.0)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_rating_from_the_items_recalled_out_of_those_asked() {
        let r = |recalled, asked| Rating::from_recalled(recalled, asked).value();
        assert_eq!([r(0, 3), r(1, 3), r(2, 3), r(3, 3)], [1, 2, 4, 5]);
        // "Nommez un facteur" asks for one of five: one is all.
        assert_eq!([r(0, 1), r(1, 1), r(3, 1)], [1, 5, 5]);
        assert_eq!([r(1, 2), r(2, 2)], [3, 5]);
    }

    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn r(v: u8) -> Rating {
        Rating::new(v).unwrap()
    }

    #[test]
    fn ratings_are_one_to_five() {
        assert!(Rating::new(0).is_none());
        assert!(Rating::new(6).is_none());
        assert_eq!(Rating::new(3).map(Rating::value), Some(3));
    }

    #[test]
    fn ease_changes_by_the_sm2_formula() {
        let changes: Vec<i32> = Rating::ALL
            .iter()
            .map(|&q| i32::from(Ease(250).after(q).0) - 250)
            .collect();
        // 0.1 − (5 − q)(0.08 + (5 − q)·0.02) for q = 1..5
        assert_eq!(changes, vec![-54, -32, -14, 0, 10]);
        assert_eq!(Ease(140).after(r(1)), Ease::MIN);
    }

    #[test]
    fn first_intervals_are_one_and_six_days_then_multiply() {
        let d = day("2026-12-01");
        let s1 = review(&CardState::default(), r(4), d);
        assert_eq!(
            (s1.reps, s1.interval, s1.due),
            (1, 1, Some(day("2026-12-02")))
        );
        let s2 = review(&s1, r(4), day("2026-12-02"));
        assert_eq!(
            (s2.reps, s2.interval, s2.due),
            (2, 6, Some(day("2026-12-08")))
        );
        let s3 = review(&s2, r(4), day("2026-12-08"));
        // 6 × 2.5 = 15
        assert_eq!(
            (s3.reps, s3.interval, s3.due),
            (3, 15, Some(day("2026-12-23")))
        );
    }

    #[test]
    fn interval_times_ease_is_exact_and_halves_round_up() {
        let state = CardState {
            reps: 3,
            interval: 9,
            ease: Ease(150),
            ..CardState::default()
        };
        // 9 × 1.5 = 13.5 → 14 (floats give 13.499999…)
        assert_eq!(review(&state, r(3), day("2026-01-01")).interval, 14);
        let state = CardState {
            interval: 7,
            ease: Ease(136),
            ..state
        };
        // 7 × 1.36 = 9.52 → 10
        assert_eq!(review(&state, r(5), day("2026-01-01")).interval, 10);
        let state = CardState {
            interval: 10,
            ease: Ease(134),
            ..state
        };
        // 10 × 1.34 = 13.4 → 13
        assert_eq!(review(&state, r(5), day("2026-01-01")).interval, 13);
    }

    #[test]
    fn a_failure_resets_and_counts_a_lapse_on_learnt_cards() {
        let learnt = CardState {
            reps: 4,
            interval: 30,
            ..CardState::default()
        };
        let failed = review(&learnt, r(2), day("2026-03-01"));
        assert_eq!((failed.reps, failed.interval, failed.lapses), (0, 1, 1));
        assert_eq!(failed.ease, Ease(218));
        let new_failed = review(&CardState::default(), r(1), day("2026-03-01"));
        assert_eq!(new_failed.lapses, 0);
    }

    #[test]
    fn no_review_lands_after_the_exam() {
        let exam = day("2026-12-11");
        let learnt = CardState {
            reps: 3,
            interval: 15,
            ..CardState::default()
        };
        let next = before_exam(
            review(&learnt, r(5), day("2026-12-03")),
            day("2026-12-03"),
            exam,
        );
        assert_eq!(next.due, Some(day("2026-12-10")), "the day before the exam");
        assert_eq!(
            (next.reps, next.interval),
            (4, 38),
            "SM-2's own state is kept"
        );
        // Reviewed on the eve, it comes back on the exam day itself.
        let last = before_exam(
            review(&learnt, r(5), day("2026-12-10")),
            day("2026-12-10"),
            exam,
        );
        assert_eq!(last.due, Some(exam));
        // Reviewed on the exam day or after: SM-2 as it is.
        let after = review(&learnt, r(5), exam);
        assert_eq!(before_exam(after, exam, exam), after);
        // Due before the exam anyway: unchanged.
        let soon = review(&CardState::default(), r(4), day("2026-12-03"));
        assert_eq!(before_exam(soon, day("2026-12-03"), exam), soon);
    }

    #[test]
    fn schedulers_and_retentions_are_read_from_their_words() {
        assert_eq!(Scheduler::parse("FSRS"), Some(Scheduler::Fsrs));
        assert_eq!(Scheduler::parse("sm2"), Some(Scheduler::Sm2));
        assert_eq!(Scheduler::parse("anki"), None);
        let r = |t: &str| Retention::parse(t).map(Retention::hundredths);
        assert_eq!(
            [
                r("0.9"),
                r("0.85"),
                r("85"),
                r("85 %"),
                r("0.70"),
                r("0.97")
            ],
            [Some(90), Some(85), Some(85), Some(85), Some(70), Some(97)]
        );
        for bad in [
            "0.69", "0.98", "1", "0", "-0.9", "0.905", "NaN", "inf", "x", "",
        ] {
            assert_eq!(r(bad), None, "{bad}");
        }
        assert_eq!(Retention::DEFAULT.to_string(), "0.90");
    }

    #[test]
    fn a_self_rating_is_at_odds_with_a_grade_it_contradicts() {
        let at_odds = |v: Verdict| -> Vec<u8> {
            Rating::ALL
                .iter()
                .filter(|r| v.at_odds_with(**r))
                .map(|r| r.value())
                .collect()
        };
        assert_eq!(at_odds(Verdict::Wrong), vec![3, 4, 5]);
        assert_eq!(at_odds(Verdict::PartlyRight), vec![1, 2]);
        assert_eq!(at_odds(Verdict::Right), vec![1, 2]);
        // What each verdict proposes never is.
        for v in [Verdict::Wrong, Verdict::PartlyRight, Verdict::Right] {
            assert!(!v.at_odds_with(v.proposed()));
        }
    }

    #[test]
    fn ease_prints_as_a_decimal() {
        assert_eq!(Ease(250).to_string(), "2.50");
        assert_eq!(Ease(136).to_string(), "1.36");
    }

    /// Deterministic random states and ratings for the properties below.
    fn cases() -> impl Iterator<Item = (CardState, Rating, NaiveDate)> {
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        (0..20_000).map(move |_| {
            let state = CardState {
                reps: u32::try_from(next() % 20).unwrap(),
                ease: Ease::from_hundredths(u16::try_from(130 + next() % 300).unwrap()),
                interval: u32::try_from(next() % 5000).unwrap(),
                due: None,
                lapses: u32::try_from(next() % 10).unwrap(),
                last_rating: None,
                last_day: None,
            };
            let rating = Rating::ALL[usize::try_from(next() % 5).unwrap()];
            let d = day("2026-01-01") + Days::new(next() % 3000);
            (state, rating, d)
        })
    }

    #[test]
    fn property_ease_never_below_minimum() {
        for (state, rating, d) in cases() {
            assert!(review(&state, rating, d).ease >= Ease::MIN);
        }
    }

    #[test]
    fn property_failure_gives_n_zero_and_one_day() {
        for (state, rating, d) in cases() {
            let next = review(&state, rating, d);
            if rating.value() < 3 {
                assert_eq!((next.reps, next.interval), (0, 1));
                assert_eq!(next.due, d.checked_add_days(Days::new(1)));
            } else {
                assert_eq!(next.reps, state.reps + 1);
            }
        }
    }

    #[test]
    fn property_runs_of_fives_give_growing_intervals() {
        for (start, _, d) in cases().take(2000) {
            let mut state = CardState { reps: 0, ..start };
            let mut day = d;
            let mut last = 0;
            for _ in 0..12 {
                state = review(&state, r(5), day);
                assert!(state.interval > last, "{state:?} after {last}");
                last = state.interval;
                day = state.due.unwrap();
            }
        }
    }

    #[test]
    fn a_policy_is_sm2_bounded_by_the_exam_or_leaves_the_card_alone() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let exam = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let five = Rating::new(5).unwrap();
        let learnt = review(&review(&CardState::default(), five, day), five, day);
        let later = day.succ_opt().unwrap();
        let normal = Policy::Normal.apply(&learnt, five, later);
        assert_eq!(normal, (review(&learnt, five, later), true));
        // Sixteen days would pass the exam: the card comes back on its eve.
        let (before, moved) = Policy::Exam { exam }.apply(&learnt, five, later);
        assert!(moved);
        assert_eq!(before.due, exam.pred_opt());
        assert_eq!(Policy::Cram.apply(&learnt, five, later), (learnt, false));
        // A second rating the same day is logged, not scheduled.
        let today = review(&CardState::default(), five, day);
        let two = Rating::new(2).unwrap();
        assert_eq!(
            Policy::Normal.apply(&today, two, day),
            (repeat(&today, two), false)
        );
    }
}
