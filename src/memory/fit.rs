//! Fitting the model's parameters to a student's own log. Slow (seconds),
//! so it never runs inside a session: between sessions, or on `fiches fit`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::NaiveDate;
use fsrs::{CombinedProgressState, ComputeParametersInput, FSRSItem, FSRSReview};

use super::{Logged, Model, ModelError, Source, days_between};

/// Reviews after a card's first (on a later day) before a fit is tried:
/// below this the crate's defaults predict better than a fit would.
pub const MIN_REVIEWS_TO_FIT: usize = 400;

/// A fitted model is refitted once the log has grown by this share.
pub const REFIT_GROWTH: f64 = 0.25;

/// The log of one card whose first review is in the log (a card that came
/// from an older store, with its early reviews missing, teaches a fit
/// nothing about first reviews and is left out).
pub struct CardLog<'a> {
    pub log: &'a [Logged],
}

/// Why a fit did not give new parameters; the previous ones stay in use.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FitError {
    #[error("the log is too short to fit ({have} reviews after a first one; {need} needed)")]
    TooShort { have: usize, need: usize },
    #[error("the fit failed: {0}")]
    Failed(String),
    #[error("the fit gave parameters that are not usable: {0}")]
    Absurd(String),
    #[error(
        "the fitted parameters predict this log worse than the ones in use (log loss {fitted:.4} against {current:.4})"
    )]
    NotBetter { fitted: f32, current: f32 },
    #[error(
        "adjusted without your latest reviews, the parameters predict those worse than the defaults (log loss {adjusted:.4} against {defaults:.4})"
    )]
    WorseOnLatest { adjusted: f64, defaults: f64 },
}

impl From<ModelError> for FitError {
    fn from(err: ModelError) -> Self {
        FitError::Absurd(err.to_string())
    }
}

/// The training items: for each review on a later day than the card's
/// previous one, the card's log up to it. Oldest last review first.
pub fn training_items(cards: &[CardLog<'_>]) -> Vec<FSRSItem> {
    let mut dated: Vec<(NaiveDate, FSRSItem)> = Vec::new();
    for card in cards {
        let mut reviews: Vec<FSRSReview> = Vec::with_capacity(card.log.len());
        let mut previous: Option<NaiveDate> = None;
        for entry in card.log {
            let delta_t = previous.map_or(0, |p| days_between(p, entry.day));
            previous = Some(entry.day);
            reviews.push(FSRSReview {
                rating: entry.grade().value(),
                delta_t,
            });
            if reviews.len() > 1 && delta_t > 0 {
                dated.push((
                    entry.day,
                    FSRSItem {
                        reviews: reviews.clone(),
                    },
                ));
            }
        }
    }
    dated.sort_by_key(|(day, _)| *day);
    dated.into_iter().map(|(_, item)| item).collect()
}

/// The number of reviews a fit would rest on.
pub fn fit_size(cards: &[CardLog<'_>]) -> usize {
    cards
        .iter()
        .map(|card| {
            card.log
                .windows(2)
                .filter(|pair| pair[1].day > pair[0].day)
                .count()
        })
        .sum()
}

/// Whether a fit is due: the log is large enough, and (for a fitted model)
/// has grown enough since.
pub fn fit_due(current: &Model, reviews: usize) -> bool {
    match current.source {
        Source::Defaults | Source::Adjusted { .. } => reviews >= MIN_REVIEWS_TO_FIT,
        #[allow(clippy::cast_precision_loss)]
        Source::Fitted { reviews: fitted } => {
            reviews >= MIN_REVIEWS_TO_FIT && reviews as f64 >= fitted as f64 * (1.0 + REFIT_GROWTH)
        }
    }
}

/// Fits parameters to `cards` and keeps them only if they are sound and
/// predict the log at least as well as `current`. `progress` is called now
/// and then with (done, total) while the fit runs.
pub fn fit(
    current: &Model,
    cards: &[CardLog<'_>],
    mut progress: impl FnMut(usize, usize),
) -> Result<Model, FitError> {
    let have = fit_size(cards);
    if have < MIN_REVIEWS_TO_FIT {
        return Err(FitError::TooShort {
            have,
            need: MIN_REVIEWS_TO_FIT,
        });
    }
    let items = training_items(cards);
    let state = CombinedProgressState::new_shared();
    let input = ComputeParametersInput {
        train_set: items.clone(),
        progress: Some(Arc::clone(&state)),
        ..ComputeParametersInput::default()
    };
    let worker = std::thread::spawn(move || {
        // The crate may panic on data it did not expect: a failed fit, not a crash.
        std::panic::catch_unwind(|| fsrs::compute_parameters(input))
    });
    while !worker.is_finished() {
        if let Some((done, total)) = read_progress(&state) {
            progress(done, total);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let weights = match worker.join() {
        Ok(Ok(Ok(weights))) => weights,
        Ok(Ok(Err(err))) => return Err(FitError::Failed(err.to_string())),
        _ => {
            return Err(FitError::Failed(
                "the fitting code stopped unexpectedly".into(),
            ));
        }
    };
    let fitted = Model::new(&weights, Source::Fitted { reviews: have })?;
    sanity(&fitted)?;
    let loss = |model: &Model| {
        fsrs::FSRS::new(model.weights())
            .ok()
            .and_then(|f| f.evaluate(items.clone(), |_| true).ok())
            .map(|e| e.log_loss)
    };
    match (loss(&fitted), loss(current)) {
        (Some(fitted_loss), Some(current_loss)) if fitted_loss.is_finite() => {
            if fitted_loss > current_loss + 1e-4 {
                Err(FitError::NotBetter {
                    fitted: fitted_loss,
                    current: current_loss,
                })
            } else {
                Ok(fitted)
            }
        }
        _ => Err(FitError::Absurd(
            "they cannot be evaluated on the log".into(),
        )),
    }
}

fn read_progress(state: &Mutex<CombinedProgressState>) -> Option<(usize, usize)> {
    let state = state.lock().ok()?;
    Some((state.current(), state.total()))
}

/// Parameters a memory can live with: first-review stabilities that grow
/// from Again to Easy and stay within a day to a few years.
fn sanity(model: &Model) -> Result<(), FitError> {
    let w = model.weights();
    let initial = &w[..4];
    if initial.windows(2).any(|pair| pair[1] < pair[0]) {
        return Err(FitError::Absurd(
            "first-review stabilities do not grow from Again to Easy".into(),
        ));
    }
    if initial.iter().any(|s| !(0.001..=1000.0).contains(s)) {
        return Err(FitError::Absurd(
            "a first-review stability is out of range".into(),
        ));
    }
    if !(0.01..=1.0).contains(&w[20]) {
        return Err(FitError::Absurd(
            "the forgetting curve's decay is out of range".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sched::Rating;

    fn entry(day: u32, rating: u8) -> Logged {
        Logged::rated(
            NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(u64::from(day)),
            Rating::new(rating).unwrap(),
        )
    }

    #[test]
    fn training_items_are_the_prefixes_ending_on_a_later_day() {
        let log = vec![entry(0, 4), entry(0, 3), entry(2, 5), entry(9, 1)];
        let cards = [CardLog { log: &log }];
        let items = training_items(&cards);
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].reviews.len(), 3);
        assert_eq!(
            items[1]
                .reviews
                .iter()
                .map(|r| (r.rating, r.delta_t))
                .collect::<Vec<_>>(),
            vec![(3, 0), (2, 0), (4, 2), (1, 7)]
        );
        assert_eq!(fit_size(&cards), 2);
    }

    #[test]
    fn a_short_log_keeps_the_defaults() {
        let log = vec![entry(0, 4), entry(1, 4)];
        let cards = [CardLog { log: &log }];
        let err = fit(&Model::defaults(), &cards, |_, _| {}).unwrap_err();
        assert_eq!(
            err,
            FitError::TooShort {
                have: 1,
                need: MIN_REVIEWS_TO_FIT
            }
        );
    }

    #[test]
    fn fits_are_due_once_the_log_is_large_and_again_when_it_has_grown() {
        let defaults = Model::defaults();
        assert!(!fit_due(&defaults, MIN_REVIEWS_TO_FIT - 1));
        assert!(fit_due(&defaults, MIN_REVIEWS_TO_FIT));
        let fitted = Model {
            source: Source::Fitted { reviews: 1000 },
            ..Model::defaults()
        };
        assert!(!fit_due(&fitted, 1200));
        assert!(fit_due(&fitted, 1250));
    }

    #[test]
    fn a_fit_on_a_consistent_log_gives_usable_parameters() {
        // A student who forgets after about a week: reviews every 1–12 days.
        let mut seed: u64 = 7;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let logs: Vec<Vec<Logged>> = (0..150)
            .map(|_| {
                let mut day = 0u32;
                let mut log = vec![entry(0, 4)];
                for _ in 0..6 {
                    let gap = 1 + u32::try_from(next() % 12).unwrap();
                    day += gap;
                    let pass = next() % 100 < u64::from(100 - gap * 5);
                    log.push(entry(day, if pass { 4 } else { 1 }));
                }
                log
            })
            .collect();
        let cards: Vec<CardLog<'_>> = logs.iter().map(|log| CardLog { log }).collect();
        match fit(&Model::defaults(), &cards, |_, _| {}) {
            Ok(model) => {
                assert_eq!(model.source, Source::Fitted { reviews: 900 });
                assert!(model.weights().iter().all(|w| w.is_finite()));
            }
            // A fit that does not beat the defaults is refused, and says why.
            Err(FitError::NotBetter { fitted, current }) => assert!(fitted > current),
            Err(other) => panic!("{other}"),
        }
    }
}
