//! The forecast recalibrated to the student's own outcomes: every
//! prediction the model made before a review on a later day (replayed with
//! the parameters in use) set against what happened, and the forgetting
//! curve corrected by what those outcomes say, shrunk toward no change by a
//! prior. Pure.

use chrono::NaiveDate;

use super::{Grade, Logged, Memory, Model, days_between};

/// One of the log's predictions: the card's stability and the days since
/// its previous review, and whether it was recalled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prediction {
    pub elapsed: f64,
    pub stability: f64,
    /// The grade of the review before, which gave that stability.
    pub previous: Grade,
    pub recalled: bool,
    /// The day of the review.
    pub day: NaiveDate,
}

/// Each review on a later day than the card's previous one, as `model`
/// predicted it.
pub fn predictions(model: &Model, logs: &[&[Logged]]) -> Vec<Prediction> {
    let mut out = Vec::new();
    for log in logs {
        let mut memory: Option<Memory> = None;
        let mut previous = Grade::GOOD;
        for entry in *log {
            if let Some(m) = memory.filter(|m| entry.day > m.last_day) {
                out.push(Prediction {
                    elapsed: f64::from(days_between(m.last_day, entry.day)),
                    stability: f64::from(m.stability),
                    previous,
                    recalled: entry.grade() != Grade::AGAIN,
                    day: entry.day,
                });
            }
            memory = model.extend(memory, std::slice::from_ref(entry));
            previous = entry.grade();
        }
    }
    out
}

/// A correction of the forgetting curve: recall is
/// σ(logit R(t, S·e^scale, decay) + shift), with R the model's curve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Correction {
    /// The stability's log factor, by the grade of the card's last review
    /// (Again, Hard, Good, Easy).
    pub scales: [f64; 4],
    /// The decay used in the curve.
    pub decay: f64,
    /// The shift in logit space.
    pub shift: f64,
    /// The posterior's standard deviation of the shift (for the mean over
    /// plausible shifts).
    pub shift_sd: f64,
    /// The predictions it rests on.
    pub reviews: usize,
}

impl Correction {
    /// No change to the model's curve.
    pub fn none(model: &Model) -> Correction {
        Correction {
            scales: [0.0; 4],
            decay: f64::from(model.weights()[20]),
            shift: 0.0,
            shift_sd: 0.0,
            reviews: 0,
        }
    }

    fn point(&self, elapsed: f64, stability: f64, last: Grade, shift: f64) -> f64 {
        let scale = self.scales[grade_index(last)];
        let r = super::recall_after(elapsed, stability * scale.exp(), self.decay);
        if shift == 0.0 {
            return r;
        }
        let r = r.clamp(1e-6, 1.0 - 1e-6);
        sigmoid(logit(r) + shift)
    }

    /// The recall `elapsed` days after a review of a card of `stability`:
    /// the mean over plausible shifts when `mean_over` is set.
    pub fn recall_after(&self, elapsed: f64, stability: f64, last: Grade, mean_over: bool) -> f64 {
        if !mean_over || self.shift_sd == 0.0 {
            return self.point(elapsed, stability, last, self.shift);
        }
        // Gauss–Hermite, five points.
        const NODES: [(f64, f64); 5] = [
            (0.0, 0.533_333_333_333_333_3),
            (1.355_626_179_974_266, 0.222_075_922_005_612_6),
            (-1.355_626_179_974_266, 0.222_075_922_005_612_6),
            (2.856_970_013_872_805_6, 0.011_257_411_327_720_7),
            (-2.856_970_013_872_805_6, 0.011_257_411_327_720_7),
        ];
        NODES
            .iter()
            .map(|(x, w)| w * self.point(elapsed, stability, last, self.shift + x * self.shift_sd))
            .sum()
    }

    /// A card's recall on the morning of `day`, its last review graded `last`.
    pub fn recall(&self, memory: &Memory, last: Grade, day: NaiveDate, mean_over: bool) -> f64 {
        self.recall_after(
            f64::from(days_between(memory.last_day, day)),
            f64::from(memory.stability),
            last,
            mean_over,
        )
    }
}

fn grade_index(grade: Grade) -> usize {
    usize::try_from(grade.value().clamp(1, 4) - 1).unwrap_or(2)
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

/// The log likelihood of the predictions under a correction.
fn log_likelihood(predictions: &[Prediction], c: &Correction) -> f64 {
    predictions
        .iter()
        .map(|p| {
            let r = c
                .point(p.elapsed, p.stability, p.previous, c.shift)
                .clamp(1e-4, 1.0 - 1e-4);
            if p.recalled { r.ln() } else { (1.0 - r).ln() }
        })
        .sum()
}

/// The log likelihood of each prediction under a correction.
fn each_likelihood(predictions: &[Prediction], c: &Correction) -> Vec<f64> {
    predictions
        .iter()
        .map(|p| {
            let r = c
                .point(p.elapsed, p.stability, p.previous, c.shift)
                .clamp(1e-4, 1.0 - 1e-4);
            if p.recalled { r.ln() } else { (1.0 - r).ln() }
        })
        .collect()
}

/// [`recalibrate`], checked first: made without the latest fifth of the
/// predictions, it must predict those no worse than no correction (by
/// more than the noise of the paired difference); else no correction.
pub fn recalibrate_checked(
    model: &Model,
    predictions: &[Prediction],
    spreads: Spreads,
) -> Correction {
    let mut days: Vec<NaiveDate> = predictions.iter().map(|p| p.day).collect();
    days.sort_unstable();
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let keep = (days.len() as f64 * 0.2).ceil() as usize;
    let Some(split) = days
        .len()
        .checked_sub(keep)
        .and_then(|i| days.get(i))
        .copied()
    else {
        return Correction::none(model);
    };
    let (before, after): (Vec<Prediction>, Vec<Prediction>) =
        predictions.iter().partition(|p| p.day < split);
    if before.is_empty() || after.is_empty() {
        return Correction::none(model);
    }
    let checked = recalibrate(model, &before, spreads);
    let ours = each_likelihood(&after, &checked);
    let theirs = each_likelihood(&after, &Correction::none(model));
    let differences: Vec<f64> = ours.iter().zip(&theirs).map(|(a, b)| a - b).collect();
    let n = differences.len() as f64;
    let mean = differences.iter().sum::<f64>() / n;
    let variance = differences.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / n;
    if mean < -(variance / n).sqrt() {
        return Correction::none(model);
    }
    recalibrate(model, predictions, spreads)
}

/// Which parts of the curve a recalibration may change, and the spread of
/// the prior that holds each near no change (0: not changed).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spreads {
    pub shift: f64,
    pub scale: f64,
    /// In the log of the decay.
    pub decay: f64,
    /// One stability scale for each grade of the review before, instead
    /// of one for all.
    pub by_grade: bool,
}

/// The correction that best explains the predictions, with the prior: a
/// coordinate search, then the shift's posterior spread from the curvature.
pub fn recalibrate(model: &Model, predictions: &[Prediction], spreads: Spreads) -> Correction {
    const N: usize = 6;
    let base = Correction::none(model);
    let at = |theta: [f64; N]| Correction {
        shift: theta[0],
        scales: if spreads.by_grade {
            [theta[1], theta[2], theta[3], theta[4]]
        } else {
            [theta[1]; 4]
        },
        decay: base.decay * theta[5].exp(),
        shift_sd: 0.0,
        reviews: predictions.len(),
    };
    let by = if spreads.by_grade { spreads.scale } else { 0.0 };
    let spread = [spreads.shift, spreads.scale, by, by, by, spreads.decay];
    let objective = |theta: [f64; N]| -> f64 {
        let prior: f64 = theta
            .iter()
            .zip(spread)
            .filter(|(_, s)| s > &0.0)
            .map(|(t, s)| t * t / (2.0 * s * s))
            .sum();
        log_likelihood(predictions, &at(theta)) - prior
    };
    let mut theta = [0.0; N];
    let mut best = objective(theta);
    let mut step = 0.4;
    while step > 0.005 {
        let mut moved = false;
        for k in (0..N).filter(|&k| spread[k] > 0.0) {
            for direction in [1.0, -1.0] {
                let mut tried = theta;
                tried[k] += direction * step;
                let value = objective(tried);
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
    let mut correction = at(theta);
    if spreads.shift > 0.0 {
        // The posterior's curvature in the shift: the prior's plus each
        // prediction's r(1 − r).
        let information: f64 = predictions
            .iter()
            .map(|p| {
                let r = correction.point(p.elapsed, p.stability, p.previous, correction.shift);
                r * (1.0 - r)
            })
            .sum::<f64>()
            + 1.0 / (spreads.shift * spreads.shift);
        correction.shift_sd = information.recip().sqrt();
    }
    correction
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sched::Rating;

    const SCALE_ONLY: Spreads = Spreads {
        shift: 0.0,
        scale: 0.5,
        decay: 0.0,
        by_grade: true,
    };

    /// `n` predictions at each of these elapsed days for cards of
    /// stability 2 last graded `previous`, recalled as often as a curve
    /// with stabilities `factor` times the model's says.
    fn outcomes(model: &Model, previous: Grade, factor: f64, n: usize) -> Vec<Prediction> {
        let mut out = Vec::new();
        for elapsed in [1.0, 3.0, 7.0, 14.0] {
            let truth = model.recall_after(elapsed, (2.0 * factor) as f32);
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let recalled = (truth * n as f64).round() as usize;
            out.extend((0..n).map(|i| Prediction {
                elapsed,
                stability: 2.0,
                previous,
                recalled: i < recalled,
                day: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            }));
        }
        out
    }

    #[test]
    fn no_evidence_gives_no_change() {
        let model = Model::defaults();
        let correction = recalibrate(&model, &[], SCALE_ONLY);
        assert_eq!(correction, Correction::none(&model));
        let memory = Memory {
            stability: 3.0,
            difficulty: 5.0,
            last_day: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        };
        let on = NaiveDate::from_ymd_opt(2026, 12, 9).unwrap();
        let recall = correction.recall(&memory, Grade::HARD, on, true);
        assert!((recall - model.recall(&memory, on)).abs() < 1e-9);
    }

    #[test]
    fn a_known_log_gives_its_known_stability_scale_for_its_grade() {
        let model = Model::defaults();
        // After Hard, cards are recalled as if twice as stable; after Good,
        // as the model says.
        let mut predictions = outcomes(&model, Grade::HARD, 2.0, 1000);
        predictions.extend(outcomes(&model, Grade::GOOD, 1.0, 1000));
        let correction = recalibrate(&model, &predictions, SCALE_ONLY);
        let [again, hard, good, easy] = correction.scales;
        assert!((hard - 2f64.ln()).abs() < 0.05, "{hard}");
        assert!(good.abs() < 0.02, "{good}");
        // No evidence for Again or Easy: no change for them.
        assert_eq!((again, easy), (0.0, 0.0));
        assert_eq!(correction.reviews, predictions.len());
        // A card last graded Hard is then forecast as the log says.
        let memory = Memory {
            stability: 2.0,
            difficulty: 5.0,
            last_day: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        };
        let on = NaiveDate::from_ymd_opt(2026, 12, 8).unwrap();
        let expected = model.recall_after(7.0, 4.0);
        assert!((correction.recall(&memory, Grade::HARD, on, false) - expected).abs() < 0.01);
    }

    #[test]
    fn a_check_without_later_predictions_gives_no_change() {
        let model = Model::defaults();
        // All on one day: nothing before the latest fifth to learn from.
        let predictions = outcomes(&model, Grade::HARD, 2.0, 100);
        let checked = recalibrate_checked(&model, &predictions, SCALE_ONLY);
        assert_eq!(checked, Correction::none(&model));
        assert_eq!(
            recalibrate_checked(&model, &[], SCALE_ONLY),
            Correction::none(&model)
        );
    }

    #[test]
    fn less_evidence_is_shrunk_toward_no_change() {
        let model = Model::defaults();
        let many = recalibrate(&model, &outcomes(&model, Grade::GOOD, 2.0, 500), SCALE_ONLY);
        let few = recalibrate(&model, &outcomes(&model, Grade::GOOD, 2.0, 5), SCALE_ONLY);
        let (many, few) = (many.scales[2], few.scales[2]);
        assert!(few > 0.0 && few < many - 0.1, "{few} {many}");
    }

    #[test]
    fn predictions_are_the_reviews_on_later_days_with_the_grade_before() {
        let model = Model::defaults();
        let day = |d: u32| {
            NaiveDate::from_ymd_opt(2026, 11, 1).unwrap() + chrono::Days::new(u64::from(d))
        };
        let log: Vec<Logged> = [(0, 3), (0, 4), (2, 1), (5, 5)]
            .iter()
            .map(|&(d, r)| Logged::rated(day(d), Rating::new(r).unwrap()))
            .collect();
        let found = predictions(&model, &[&log]);
        let seen: Vec<(f64, Grade, bool)> = found
            .iter()
            .map(|p| (p.elapsed, p.previous, p.recalled))
            .collect();
        assert_eq!(
            seen,
            vec![(2.0, Grade::GOOD, false), (3.0, Grade::AGAIN, true)]
        );
        let after_two = model.replay(None, &log[..2]).unwrap();
        assert_eq!(found[0].stability, f64::from(after_two.stability));
    }
}
