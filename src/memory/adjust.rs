//! A log too short for a full fit still says a good deal about a student:
//! a few of the parameters (first stabilities, the forgetting curve's
//! decay, how stability grows after a recall and falls after a lapse, how
//! the student uses Hard and Easy, same-day reviews) adjusted to it, each
//! held near the defaults by a prior: from a handful of reviews on, the
//! prior keeps a few reviews from pulling them far, so no check of the
//! adjustment against the defaults on the latest reviews is needed (a log
//! of a few days, which such a check could not split, is adjusted too).
//! Pure, deterministic, and fast enough (a fraction of a second) to run
//! between sessions.

use super::fit::{CardLog, FitError, MIN_REVIEWS_TO_FIT, fit_size};
use super::{Grade, Memory, Model, Source};

/// Reviews after a card's first (on a later day) before an adjustment is
/// tried: with fewer, the defaults.
pub const MIN_REVIEWS_TO_ADJUST: usize = 10;

/// One adjustable parameter: the weights it scales (by e^θ), held near
/// the defaults (θ = 0) by a normal prior of this spread, within the
/// crate's bounds.
struct Knob {
    weights: &'static [usize],
    spread: f64,
    bounds: (f32, f32),
}

const KNOBS: [Knob; 8] = [
    // The stability after a first review forgotten, and recalled.
    Knob {
        weights: &[0],
        spread: 0.6,
        bounds: (0.001, 100.0),
    },
    Knob {
        weights: &[1, 2, 3],
        spread: 0.6,
        bounds: (0.001, 100.0),
    },
    // How stability grows after a recall (w8 is an exponent: its shift
    // scales the growth).
    Knob {
        weights: &[8],
        spread: 0.5,
        bounds: (0.0, 4.5),
    },
    // The stability after a lapse.
    Knob {
        weights: &[11],
        spread: 0.5,
        bounds: (0.001, 5.0),
    },
    // Hard's penalty and Easy's bonus: how this student uses them.
    Knob {
        weights: &[15],
        spread: 0.5,
        bounds: (0.0, 1.0),
    },
    Knob {
        weights: &[16],
        spread: 0.5,
        bounds: (1.0, 6.0),
    },
    // Same-day reviews.
    Knob {
        weights: &[17],
        spread: 0.5,
        bounds: (0.0, 2.0),
    },
    // The forgetting curve's shape.
    Knob {
        weights: &[20],
        spread: 0.8,
        bounds: (0.1, 0.8),
    },
];

/// Reviews the log must have grown by since an adjustment for the next:
/// adjusting is cheap, and the latest reviews (the eve's) say the most
/// about the forecast.
pub const READJUST_AFTER: usize = 10;

/// Whether an adjustment is due: a log long enough, but too short for a
/// full fit, and for an adjusted model, grown since by [`READJUST_AFTER`]
/// reviews. A full fit, once made, is not adjusted.
pub fn adjust_due(current: &Model, reviews: usize) -> bool {
    if reviews >= MIN_REVIEWS_TO_FIT {
        return false;
    }
    match current.source {
        Source::Defaults => reviews >= MIN_REVIEWS_TO_ADJUST,
        Source::Adjusted { reviews: before } => reviews >= before + READJUST_AFTER,
        Source::Fitted { .. } => false,
    }
}

/// The log's predictions: for each review on a later day than the card's
/// previous one, the log likelihood of what happened under `model`.
fn each_prediction(model: &Model, cards: &[CardLog<'_>], mut each: impl FnMut(f64)) {
    for card in cards {
        let mut memory: Option<Memory> = None;
        for entry in card.log {
            if let Some(m) = memory.filter(|m| entry.day > m.last_day) {
                let p = model.recall(&m, entry.day).clamp(1e-4, 1.0 - 1e-4);
                let recalled = entry.grade() != Grade::AGAIN;
                each(if recalled { p.ln() } else { (1.0 - p).ln() });
            }
            memory = model.extend(memory, std::slice::from_ref(entry));
        }
    }
}

/// (log likelihood, count) of the log's predictions under `model`.
fn likelihood(model: &Model, cards: &[CardLog<'_>]) -> (f64, usize) {
    let mut sum = (0.0, 0usize);
    each_prediction(model, cards, |ll| {
        sum.0 += ll;
        sum.1 += 1;
    });
    sum
}

/// The defaults with the knobs turned by `theta`.
fn turned(theta: &[f64; KNOBS.len()], reviews: usize) -> Option<Model> {
    let mut weights = fsrs::DEFAULT_PARAMETERS;
    for (knob, t) in KNOBS.iter().zip(theta) {
        for &i in knob.weights {
            weights[i] = if i == 8 {
                weights[i] + *t as f32
            } else {
                weights[i] * (*t as f32).exp()
            }
            .clamp(knob.bounds.0, knob.bounds.1);
        }
    }
    Model::new(&weights, Source::Adjusted { reviews }).ok()
}

/// The log posterior of the knobs at `theta`: the log likelihood of the
/// log's predictions and the knobs' prior (`None`: not valid parameters).
fn log_posterior(cards: &[CardLog<'_>], theta: &[f64; KNOBS.len()]) -> Option<f64> {
    let model = turned(theta, 0)?;
    let (fitted, _) = likelihood(&model, cards);
    let prior: f64 = KNOBS
        .iter()
        .zip(theta)
        .map(|(k, t)| t * t / (2.0 * k.spread * k.spread))
        .sum();
    Some(fitted - prior)
}

/// The knobs that best explain the log, with their prior (the most
/// probable setting): a coordinate search.
fn best_theta(cards: &[CardLog<'_>], knobs: Knobs) -> [f64; KNOBS.len()] {
    let objective =
        |theta: &[f64; KNOBS.len()]| log_posterior(cards, theta).unwrap_or(f64::NEG_INFINITY);
    let mut theta = [0.0; KNOBS.len()];
    let mut best = objective(&theta);
    let mut step = 0.4;
    while step > 0.02 {
        let mut moved = false;
        for k in (0..KNOBS.len()).filter(|k| knobs.0 & (1 << k) != 0) {
            for direction in [1.0, -1.0] {
                let mut tried = theta;
                tried[k] += direction * step;
                let value = objective(&tried);
                if value > best {
                    best = value;
                    theta = tried;
                    moved = true;
                    break;
                }
            }
        }
        if !moved {
            step /= 2.0;
        }
    }
    theta
}

/// A few parameters adjusted to `cards`' log: the knobs at their most
/// probable setting under the log and their prior.
pub fn adjust(cards: &[CardLog<'_>]) -> Result<Model, FitError> {
    adjust_some(cards, Knobs::ALL)
}

/// Which of the knobs an adjustment turns (a bit each, in [`KNOBS`]'s order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Knobs(pub u16);

impl Knobs {
    pub const ALL: Knobs = Knobs(0xff);
}

/// [`adjust`] with only some of the knobs: to compare choices of them.
pub fn adjust_some(cards: &[CardLog<'_>], knobs: Knobs) -> Result<Model, FitError> {
    let have = fit_size(cards);
    if have < MIN_REVIEWS_TO_ADJUST {
        return Err(FitError::TooShort {
            have,
            need: MIN_REVIEWS_TO_ADJUST,
        });
    }
    turned(&best_theta(cards, knobs), have)
        .ok_or_else(|| FitError::Absurd("the adjusted parameters are not valid".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::Logged;
    use crate::sched::Rating;
    use chrono::NaiveDate;

    fn day(n: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 1).unwrap() + chrono::Days::new(u64::from(n))
    }

    /// Logs of `cards` cards studied by a student whose memory is `hidden`,
    /// each reviewed every 1 to 4 days over `days` days (rating 4 when
    /// recalled, 1 when not).
    fn student_logs(hidden: &Model, cards: usize, days: u32, seed: u64) -> Vec<Vec<Logged>> {
        let mut state = seed | 1;
        let mut uniform = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        (0..cards)
            .map(|_| {
                let mut log = Vec::new();
                let mut memory: Option<Memory> = None;
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let mut d = (uniform() * 3.0) as u32;
                while d < days {
                    let p = memory.map_or(0.2, |m| hidden.recall(&m, day(d)));
                    let recalled = uniform() < p;
                    let g = if recalled { Grade::GOOD } else { Grade::AGAIN };
                    memory = hidden.after(memory, g, day(d));
                    log.push(Logged::rated(
                        day(d),
                        Rating::new(if recalled { 4 } else { 1 }).unwrap(),
                    ));
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                    let gap = 1 + (uniform() * 4.0) as u32;
                    d += gap;
                }
                log
            })
            .collect()
    }

    fn as_cards(logs: &[Vec<Logged>]) -> Vec<CardLog<'_>> {
        logs.iter().map(|log| CardLog { log }).collect()
    }

    #[test]
    fn a_student_who_forgets_faster_gets_a_steeper_curve_that_predicts_better() {
        let mut weights = fsrs::DEFAULT_PARAMETERS;
        weights[20] = 0.5;
        weights[0] *= 0.7;
        let hidden = Model::new(&weights, Source::Defaults).unwrap();
        let logs = student_logs(&hidden, 80, 12, 11);
        let cards = as_cards(&logs);
        assert!(fit_size(&cards) < MIN_REVIEWS_TO_FIT);
        let adjusted = adjust(&cards).unwrap();
        assert_eq!(
            adjusted.source,
            Source::Adjusted {
                reviews: fit_size(&cards)
            }
        );
        assert!(adjusted.weights()[20] > 0.2, "{:?}", adjusted.weights());
        // It explains the log better than the defaults.
        let (ll_adjusted, n) = likelihood(&adjusted, &cards);
        let (ll_defaults, _) = likelihood(&Model::defaults(), &cards);
        assert!(n > 0 && ll_adjusted > ll_defaults);
        // And a forgotten-at-first-sight card's recall three days on is lower than the defaults say.
        let log = [Logged::rated(day(0), Rating::new(1).unwrap())];
        let (a, d) = (
            adjusted.replay(None, &log).unwrap(),
            Model::defaults().replay(None, &log).unwrap(),
        );
        assert!(adjusted.recall(&a, day(3)) < Model::defaults().recall(&d, day(3)));
    }

    #[test]
    fn a_short_log_is_not_adjusted_and_a_grown_one_is_again() {
        let logs = student_logs(&Model::defaults(), 2, 6, 3);
        let cards = as_cards(&logs);
        assert!(fit_size(&cards) < MIN_REVIEWS_TO_ADJUST);
        assert!(matches!(
            adjust(&cards),
            Err(FitError::TooShort { need: 10, .. })
        ));
        let defaults = Model::defaults();
        assert!(!adjust_due(&defaults, MIN_REVIEWS_TO_ADJUST - 1));
        assert!(adjust_due(&defaults, MIN_REVIEWS_TO_ADJUST));
        // Too long: a full fit's business.
        assert!(!adjust_due(&defaults, MIN_REVIEWS_TO_FIT));
        let adjusted = Model {
            source: Source::Adjusted { reviews: 200 },
            ..Model::defaults()
        };
        assert!(!adjust_due(&adjusted, 209));
        assert!(adjust_due(&adjusted, 210));
        let fitted = Model {
            source: Source::Fitted { reviews: 500 },
            ..Model::defaults()
        };
        assert!(!adjust_due(&fitted, 300));
    }

    #[test]
    fn a_knob_the_log_says_nothing_of_stays_near_the_defaults() {
        // No rating 5 and no same-day review: nothing about Easy's bonus
        // (w16) or same-day growth (w17); its posterior is its prior, whose
        // mean is the default.
        let mut weights = fsrs::DEFAULT_PARAMETERS;
        weights[20] = 0.5;
        let hidden = Model::new(&weights, Source::Defaults).unwrap();
        let logs = student_logs(&hidden, 60, 12, 7);
        let cards = as_cards(&logs);
        let adjusted = adjust(&cards).unwrap();
        let w = fsrs::DEFAULT_PARAMETERS;
        for i in [16, 17] {
            let ratio = f64::from(adjusted.weights()[i] / w[i]);
            assert!(ratio.ln().abs() < 0.3, "w{i}: {ratio}");
        }
        // While the decay, which the log shows, has moved.
        assert!(adjusted.weights()[20] > 0.2, "{:?}", adjusted.weights());
    }

    #[test]
    fn a_few_reviews_move_the_knobs_less_than_many() {
        let mut weights = fsrs::DEFAULT_PARAMETERS;
        weights[20] = 0.5;
        let hidden = Model::new(&weights, Source::Defaults).unwrap();
        let decay = |cards: usize| {
            let logs = student_logs(&hidden, cards, 12, 9);
            adjust(&as_cards(&logs)).unwrap().weights()[20]
        };
        let (few, many) = (decay(6), decay(120));
        assert!(few < many && many > 0.25, "{few} {many}");
    }

    #[test]
    fn a_log_of_a_few_days_is_adjusted() {
        // Four days of reviews: too few to hold the latest out and check
        // on them, enough to learn that this student forgets fast.
        let mut weights = fsrs::DEFAULT_PARAMETERS;
        weights[20] = 0.5;
        weights[0] *= 0.5;
        let hidden = Model::new(&weights, Source::Defaults).unwrap();
        let logs = student_logs(&hidden, 60, 4, 13);
        let cards = as_cards(&logs);
        assert!(fit_size(&cards) >= MIN_REVIEWS_TO_ADJUST);
        let adjusted = adjust(&cards).unwrap();
        let (ll_adjusted, _) = likelihood(&adjusted, &cards);
        let (ll_defaults, _) = likelihood(&Model::defaults(), &cards);
        assert!(ll_adjusted > ll_defaults);
        let log = [Logged::rated(day(0), Rating::new(1).unwrap())];
        let (a, d) = (
            adjusted.replay(None, &log).unwrap(),
            Model::defaults().replay(None, &log).unwrap(),
        );
        assert!(adjusted.recall(&a, day(3)) < Model::defaults().recall(&d, day(3)));
    }
}
