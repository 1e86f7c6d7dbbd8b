//! A log too short for a full fit still says a good deal about a student:
//! a few of the parameters (first stabilities, the forgetting curve's
//! decay, how stability grows after a recall and falls after a lapse, how
//! the student uses Hard and Easy, same-day reviews) adjusted to it, each
//! held near the defaults by a prior, and kept unless the adjustment made
//! without the latest reviews predicts those worse than the defaults do.
//! Pure, and fast enough (a fraction of a second) to run between sessions.

use chrono::NaiveDate;

use super::fit::{CardLog, FitError, MIN_REVIEWS_TO_FIT, fit_size};
use super::{Grade, Memory, Model, Source};

/// Reviews after a card's first (on a later day) before an adjustment is tried.
pub const MIN_REVIEWS_TO_ADJUST: usize = 60;

/// The share of the log's predictions, the latest, that an adjustment made
/// without them must predict better than the defaults.
const HELD_OUT_SHARE: f64 = 0.2;

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
/// previous one, the log likelihood of what happened under `model`, with
/// whether it is on or after `split`, in the log's order.
fn each_prediction(
    model: &Model,
    cards: &[CardLog<'_>],
    split: Option<NaiveDate>,
    mut each: impl FnMut(bool, f64),
) {
    for card in cards {
        let mut memory: Option<Memory> = None;
        for entry in card.log {
            if let Some(m) = memory.filter(|m| entry.day > m.last_day) {
                let p = model.recall(&m, entry.day).clamp(1e-4, 1.0 - 1e-4);
                let recalled = entry.grade() != Grade::AGAIN;
                each(
                    split.is_some_and(|s| entry.day >= s),
                    if recalled { p.ln() } else { (1.0 - p).ln() },
                );
            }
            memory = model.extend(memory, std::slice::from_ref(entry));
        }
    }
}

/// (log likelihood, count) of the predictions before `split` and of those
/// on or after it (all of them before, without a split).
fn likelihood(model: &Model, cards: &[CardLog<'_>], split: Option<NaiveDate>) -> [(f64, usize); 2] {
    let mut sums = [(0.0, 0usize); 2];
    each_prediction(model, cards, split, |held_out, ll| {
        let part = &mut sums[usize::from(held_out)];
        part.0 += ll;
        part.1 += 1;
    });
    sums
}

/// How much better `model` predicts the held-out reviews than `other`,
/// per review: the mean difference of log likelihoods and its standard error.
fn better_by(model: &Model, other: &Model, cards: &[CardLog<'_>], split: NaiveDate) -> (f64, f64) {
    let mut ours = Vec::new();
    each_prediction(model, cards, Some(split), |held_out, ll| {
        if held_out {
            ours.push(ll);
        }
    });
    let mut differences = Vec::with_capacity(ours.len());
    each_prediction(other, cards, Some(split), |held_out, ll| {
        if held_out {
            differences.push(ours[differences.len()] - ll);
        }
    });
    let n = differences.len().max(1) as f64;
    let mean = differences.iter().sum::<f64>() / n;
    let variance = differences.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / n;
    (mean, (variance / n).sqrt())
}

/// The day from which the latest share of predictions is held out.
fn held_out_from(cards: &[CardLog<'_>]) -> Option<NaiveDate> {
    let mut days: Vec<NaiveDate> = cards
        .iter()
        .flat_map(|card| {
            card.log
                .windows(2)
                .filter(|pair| pair[1].day > pair[0].day)
                .map(|pair| pair[1].day)
        })
        .collect();
    days.sort_unstable();
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let keep = (days.len() as f64 * HELD_OUT_SHARE).ceil() as usize;
    let split = *days.get(days.len().checked_sub(keep)?)?;
    // Some predictions must come before it to adjust on.
    (days.first() < Some(&split)).then_some(split)
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

/// The knobs that best explain the predictions before `split` (all of
/// them without one), with their prior: a coordinate search.
fn best_theta(cards: &[CardLog<'_>], split: Option<NaiveDate>, knobs: Knobs) -> [f64; KNOBS.len()] {
    let objective = |theta: &[f64; KNOBS.len()]| -> f64 {
        let Some(model) = turned(theta, 0) else {
            return f64::NEG_INFINITY;
        };
        let [(fitted, _), _] = likelihood(&model, cards, split);
        let prior: f64 = KNOBS
            .iter()
            .zip(theta)
            .map(|(k, t)| t * t / (2.0 * k.spread * k.spread))
            .sum();
        fitted - prior
    };
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

/// A few parameters adjusted to `cards`' log: checked first on its latest
/// predictions (adjusted without them, against the defaults), then
/// adjusted to the whole log.
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
    let split = held_out_from(cards).ok_or_else(|| {
        FitError::Failed("the log spans too few days to check an adjustment".into())
    })?;
    let checked = turned(&best_theta(cards, Some(split), knobs), have)
        .ok_or_else(|| FitError::Absurd("the adjusted parameters are not valid".into()))?;
    // A handful of days predicts noisily (the student's true parameters
    // often do no better there than the defaults): refused only when
    // worse by more than that noise.
    let (gain, noise) = better_by(&checked, &Model::defaults(), cards, split);
    if gain < -noise {
        let [_, (ll, n)] = likelihood(&Model::defaults(), cards, Some(split));
        let defaults = -ll / n.max(1) as f64;
        return Err(FitError::WorseOnLatest {
            adjusted: defaults - gain,
            defaults,
        });
    }
    turned(&best_theta(cards, None, knobs), have)
        .ok_or_else(|| FitError::Absurd("the adjusted parameters are not valid".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::Logged;
    use crate::sched::Rating;

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
        let [(ll_adjusted, n), _] = likelihood(&adjusted, &cards, None);
        let [(ll_defaults, _), _] = likelihood(&Model::defaults(), &cards, None);
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
        let logs = student_logs(&Model::defaults(), 10, 6, 3);
        let cards = as_cards(&logs);
        assert!(matches!(
            adjust(&cards),
            Err(FitError::TooShort { need: 60, .. })
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
    fn the_latest_fifth_of_the_predictions_is_held_out() {
        let logs = student_logs(&Model::defaults(), 80, 10, 5);
        let cards = as_cards(&logs);
        let split = held_out_from(&cards).unwrap();
        let [(_, before), (_, after)] = likelihood(&Model::defaults(), &cards, Some(split));
        let total = before + after;
        assert!(after * 5 >= total && before > 0, "{before} {after}");
        // The day after it would hold out less than a fifth.
        let [(_, _), (_, later)] = likelihood(&Model::defaults(), &cards, split.succ_opt());
        assert!(later * 5 < total);
    }
}
