//! Fitting the model's parameters to a student's own log. Slow (seconds),
//! so it never runs inside a session: between sessions, or on `fiches fit`.

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
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

/// At most this many reviews the training items of a fit hold between
/// them (an item holds its card's log up to the review it is for, so a
/// card of n reviews a day apart makes items of 2, 3, … n reviews); a
/// larger log is fitted on a sample of its cards (see [`Sample`]). What a
/// fit holds in memory grows with this count.
pub const FIT_SAMPLE_CAP: usize = 250_000;

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
    #[error(
        "the sample of the log a fit can hold is too small ({kept} of its {size} reviews after a first one; {need} needed): its cards have too many reviews on the same day"
    )]
    SampleTooSmall {
        kept: usize,
        size: usize,
        need: usize,
    },
    #[error("the fit failed: {0}")]
    Failed(String),
    #[error("the fit gave parameters that are not usable: {0}")]
    Absurd(String),
    #[error(
        "the fitted parameters predict this log worse than the ones in use (log loss {fitted:.4} against {current:.4})"
    )]
    NotBetter { fitted: f32, current: f32 },
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
    progress: impl FnMut(usize, usize) + Send,
) -> Result<Model, FitError> {
    fit_items(current, fit_size(cards), || training_items(cards), progress)
}

/// [`fit`] on a [`Sample`] of the log: the fitted model says it rests on
/// the whole log's reviews (what a refit's growth is counted from).
pub fn fit_sample(
    current: &Model,
    sample: &Sample,
    progress: impl FnMut(usize, usize) + Send,
) -> Result<Model, FitError> {
    if sample.size >= MIN_REVIEWS_TO_FIT && sample.kept < MIN_REVIEWS_TO_FIT {
        return Err(FitError::SampleTooSmall {
            kept: sample.kept,
            size: sample.size,
            need: MIN_REVIEWS_TO_FIT,
        });
    }
    fit_items(
        current,
        sample.size,
        || training_items(&sample.logs()),
        progress,
    )
}

/// The fit itself, to `have` reviews; the training items are made by
/// `items` each time they are needed (for the fit, then for each model's
/// loss), so only one copy of them is held at a time.
fn fit_items(
    current: &Model,
    have: usize,
    items: impl Fn() -> Vec<FSRSItem>,
    mut progress: impl FnMut(usize, usize) + Send,
) -> Result<Model, FitError> {
    if have < MIN_REVIEWS_TO_FIT {
        return Err(FitError::TooShort {
            have,
            need: MIN_REVIEWS_TO_FIT,
        });
    }
    let state = CombinedProgressState::new_shared();
    let input = ComputeParametersInput {
        train_set: items(),
        progress: Some(Arc::clone(&state)),
        ..ComputeParametersInput::default()
    };
    // The fit runs on this thread, so that the memory it frees is this
    // thread's to use again (for the cache rebuilt after it); its progress
    // is watched from beside it.
    let finished = AtomicBool::new(false);
    let outcome = std::thread::scope(|scope| {
        scope.spawn(|| {
            while !finished.load(Ordering::Acquire) {
                if let Some((done, total)) = read_progress(&state) {
                    progress(done, total);
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        // The crate may panic on data it did not expect: a failed fit, not a crash.
        let outcome =
            std::panic::catch_unwind(AssertUnwindSafe(|| fsrs::compute_parameters(input)));
        finished.store(true, Ordering::Release);
        outcome
    });
    let weights = match outcome {
        Ok(Ok(weights)) => weights,
        Ok(Err(err)) => return Err(FitError::Failed(err.to_string())),
        Err(_) => {
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
            .and_then(|f| f.evaluate(items(), |_| true).ok())
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

/// Where a card comes in the order the store lists cards (its deck's
/// place, then its own in the deck): training items of the same day keep
/// this order.
pub type Place = (usize, i64);

/// The logs a fit trains on: every card's, or, when their training items
/// would hold more than [`FIT_SAMPLE_CAP`] reviews, a sample the same
/// whatever order the cards are offered in. Cards are ranked by the hash
/// of their key, and their items taken in that order (each card's from its
/// first review on) for as long as they fit the cap: the cards ranked
/// lowest whole, then the first reviews of the card at the cut. A card
/// too long to fit whole still gives its first reviews, so the sample
/// never shrinks to a handful of reviews: see [`sample_floor`].
#[derive(Debug, Default)]
pub struct Sample {
    /// The kept cards' logs, in their places' order (the card at the cut
    /// up to its last review kept).
    cards: Vec<Vec<Logged>>,
    /// Reviews a fit on the whole log would rest on.
    pub size: usize,
    /// Of those, the ones the kept cards' logs hold.
    pub kept: usize,
}

impl Sample {
    /// The kept cards' logs, as [`fit`] and the adjustment read them.
    pub fn logs(&self) -> Vec<CardLog<'_>> {
        self.cards.iter().map(|log| CardLog { log }).collect()
    }
}

/// The least reviews to fit on a sample under `cap` keeps when the log
/// holds more and no card has two reviews on a day: its items stop at the
/// first that does not fit, so with p reviews kept (items of 2 to p + 1
/// reviews, p(p + 3)/2 at most) the cap is below p(p + 3)/2 + p + 2, and
/// a cap of n(n + 3)/2 keeps n or more.
pub const fn sample_floor(cap: usize) -> usize {
    let mut n = 0;
    while (n + 1) * (n + 4) / 2 <= cap {
        n += 1;
    }
    n
}

const _: () = assert!(sample_floor(FIT_SAMPLE_CAP) >= MIN_REVIEWS_TO_FIT);

/// A card kept in a sample being built.
struct Held {
    place: Place,
    /// Its reviews to fit on.
    pairs: usize,
    /// The reviews its training items hold.
    weight: usize,
    log: Vec<Logged>,
}

/// Builds a [`Sample`] from cards offered one at a time, holding no more
/// than the cap's worth of logs.
pub struct SampleBuilder {
    cap: usize,
    size: usize,
    held_pairs: usize,
    /// The reviews the kept cards' training items hold.
    held_weight: usize,
    /// By (hash of the key, key): the cards kept so far, each with its
    /// reviews to fit on and its items' reviews.
    held: BTreeMap<(u64, i64), Held>,
    /// The card at the cut, cut short or left out: no card ranked above it
    /// is kept.
    cut: Option<(u64, i64)>,
}

impl SampleBuilder {
    pub fn new(cap: usize) -> Self {
        SampleBuilder {
            cap,
            size: 0,
            held_pairs: 0,
            held_weight: 0,
            held: BTreeMap::new(),
            cut: None,
        }
    }

    /// Offers a card's whole log (its first review included); `key`
    /// identifies the card, and chooses whether it is kept.
    pub fn offer(&mut self, key: i64, place: Place, log: Vec<Logged>) {
        let (pairs, weight) = items_held(&log);
        self.size += pairs;
        if pairs == 0 {
            return;
        }
        let rank = (mix(key), key);
        if self.cut.is_some_and(|cut| rank >= cut) {
            return;
        }
        self.held.insert(
            rank,
            Held {
                place,
                pairs,
                weight,
                log,
            },
        );
        self.held_pairs += pairs;
        self.held_weight += weight;
        // The items past the cap come off the end: whole cards, then the
        // latest reviews of the one left at the cut.
        while self.held_weight > self.cap {
            let Some(mut last) = self.held.last_entry() else {
                break;
            };
            self.cut = Some(*last.key());
            let room = self
                .cap
                .saturating_sub(self.held_weight - last.get().weight);
            let card = last.get_mut();
            self.held_pairs -= card.pairs;
            self.held_weight -= card.weight;
            let (pairs, weight, len) = items_within(&card.log, room);
            if pairs == 0 {
                last.remove();
            } else {
                card.log.truncate(len);
                card.log.shrink_to_fit();
                card.pairs = pairs;
                card.weight = weight;
                self.held_pairs += pairs;
                self.held_weight += weight;
            }
        }
    }

    pub fn finish(self) -> Sample {
        let mut cards: Vec<(Place, Vec<Logged>)> = self
            .held
            .into_values()
            .map(|held| (held.place, held.log))
            .collect();
        cards.sort_by_key(|(place, _)| *place);
        Sample {
            cards: cards.into_iter().map(|(_, log)| log).collect(),
            size: self.size,
            kept: self.held_pairs,
        }
    }
}

/// A card's reviews to fit on, and the reviews its training items hold.
fn items_held(log: &[Logged]) -> (usize, usize) {
    log.windows(2)
        .enumerate()
        .filter(|(_, pair)| pair[1].day > pair[0].day)
        .fold((0, 0), |(pairs, held), (at, _)| (pairs + 1, held + at + 2))
}

/// Of a card's first training items, as many as hold no more than `room`
/// reviews between them: their count, the reviews they hold, and the
/// length of the log up to the last of them.
fn items_within(log: &[Logged], room: usize) -> (usize, usize, usize) {
    let mut kept = (0, 0, 0);
    for (at, pair) in log.windows(2).enumerate() {
        if pair[1].day > pair[0].day {
            let weight = kept.1 + at + 2;
            if weight > room {
                break;
            }
            kept = (kept.0 + 1, weight, at + 2);
        }
    }
    kept
}

/// A card's key mixed into a hash (SplitMix64's finalizer: a bijection,
/// so two cards never tie), for a sample that does not follow the order
/// cards were made in.
fn mix(key: i64) -> u64 {
    let mut z = u64::from_ne_bytes(key.to_ne_bytes()).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
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

    /// `cards` logs of a student who forgets after about a week: a first
    /// review, then `reviews` more every 1–12 days.
    fn consistent_logs(cards: usize, reviews: usize, mut seed: u64) -> Vec<Vec<Logged>> {
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        (0..cards)
            .map(|_| {
                let mut day = u32::try_from(next() % 30).unwrap();
                let mut log = vec![entry(day, 4)];
                for _ in 0..reviews {
                    let gap = 1 + u32::try_from(next() % 12).unwrap();
                    day += gap;
                    let pass = next() % 100 < u64::from(100 - gap * 5);
                    log.push(entry(day, if pass { 4 } else { 1 }));
                    if next().is_multiple_of(4) {
                        // A same-day repeat: in the log, not an item.
                        log.push(entry(day, 4));
                    }
                }
                log
            })
            .collect()
    }

    /// The order the store offers cards in (by id) is not their places'.
    fn offered(logs: &[Vec<Logged>], cap: usize, order: impl Iterator<Item = usize>) -> Sample {
        let mut builder = SampleBuilder::new(cap);
        for at in order {
            let key = i64::try_from(at).unwrap() * 7 + 3;
            let place = (at % 2, i64::try_from(at / 2).unwrap());
            builder.offer(key, place, logs[at].clone());
        }
        builder.finish()
    }

    /// Cards in their places' order: deck (at % 2), then position.
    fn in_places(logs: &[Vec<Logged>]) -> Vec<CardLog<'_>> {
        let mut order: Vec<usize> = (0..logs.len()).collect();
        order.sort_by_key(|&at| (at % 2, at / 2));
        order
            .into_iter()
            .map(|at| CardLog { log: &logs[at] })
            .collect()
    }

    #[test]
    fn under_the_cap_the_sample_is_the_whole_log_and_fits_the_same_parameters() {
        let logs = consistent_logs(150, 6, 7);
        let whole = in_places(&logs);
        let sample = offered(&logs, FIT_SAMPLE_CAP, (0..logs.len()).rev());
        assert_eq!(sample.size, 900);
        assert_eq!(sample.kept, 900);
        assert_eq!(
            training_items(&sample.logs()),
            training_items(&whole),
            "the same items in the same order"
        );
        let from_sample = fit_sample(&Model::defaults(), &sample, |_, _| {});
        let from_whole = fit(&Model::defaults(), &whole, |_, _| {});
        assert_eq!(
            from_sample.map(|m| *m.weights()),
            from_whole.map(|m| *m.weights())
        );
    }

    /// The reviews the training items of `sample` hold.
    fn held(sample: &Sample) -> usize {
        training_items(&sample.logs())
            .iter()
            .map(|item| item.reviews.len())
            .sum()
    }

    /// The cards' training items in the order a sample takes them (by the
    /// hash of the key [`offered`] gives them), each with what it holds.
    fn ranked_items(logs: &[Vec<Logged>]) -> Vec<(usize, usize)> {
        let mut order: Vec<usize> = (0..logs.len()).collect();
        order.sort_by_key(|&at| {
            let key = i64::try_from(at).unwrap() * 7 + 3;
            (mix(key), key)
        });
        order
            .into_iter()
            .flat_map(|at| {
                let log = &logs[at];
                (1..log.len())
                    .filter(move |&i| log[i].day > log[i - 1].day)
                    .map(move |i| (at, i + 1))
            })
            .collect()
    }

    /// A sample is the longest run of the ranked items that fits the cap:
    /// what it holds is within the cap, one more item would not be, and
    /// each card kept is its log up to the last item kept.
    fn assert_longest_run(logs: &[Vec<Logged>], cap: usize, sample: &Sample) {
        let items = ranked_items(logs);
        let mut weight = 0;
        let mut taken = 0;
        while taken < items.len() && weight + items[taken].1 <= cap {
            weight += items[taken].1;
            taken += 1;
        }
        assert_eq!(held(sample), weight);
        assert_eq!(sample.kept, taken);
        assert_eq!(fit_size(&sample.logs()), taken);
        if taken < items.len() {
            assert!(weight + items[taken].1 > cap);
        }
        // A card whose items are all kept is kept whole.
        let last_item = |at: usize| {
            items
                .iter()
                .rev()
                .find(|(card, _)| *card == at)
                .map(|i| i.1)
        };
        let mut expected: Vec<(Place, &[Logged])> = Vec::new();
        for &(at, len) in &items[..taken] {
            let place = (at % 2, i64::try_from(at / 2).unwrap());
            let log = if last_item(at) == Some(len) {
                &logs[at][..]
            } else {
                &logs[at][..len]
            };
            match expected.last_mut() {
                Some((p, kept)) if *p == place => *kept = log,
                _ => expected.push((place, log)),
            }
        }
        expected.sort_by_key(|(place, _)| *place);
        let expected: Vec<&[Logged]> = expected.into_iter().map(|(_, log)| log).collect();
        let got: Vec<&[Logged]> = sample.cards.iter().map(Vec::as_slice).collect();
        assert_eq!(got, expected, "the kept logs, in their places' order");
    }

    #[test]
    fn over_the_cap_the_sample_is_the_ranked_items_that_fit_whatever_the_order_offered() {
        let logs = consistent_logs(400, 6, 11);
        let cap = 5000;
        let forward = offered(&logs, cap, 0..logs.len());
        let backward = offered(&logs, cap, (0..logs.len()).rev());
        assert_eq!(forward.size, 2400);
        assert_eq!(backward.size, 2400);
        assert_eq!(forward.cards, backward.cards);
        assert!(forward.kept < 2400, "{}", forward.kept);
        assert_longest_run(&logs, cap, &forward);
        // The fit says it rests on the whole log.
        match fit_sample(&Model::defaults(), &forward, |_, _| {}) {
            Ok(model) => assert_eq!(model.source, Source::Fitted { reviews: 2400 }),
            Err(FitError::NotBetter { fitted, current }) => assert!(fitted > current),
            Err(other) => panic!("{other}"),
        }
    }

    #[test]
    fn a_card_heavier_than_the_cap_gives_its_first_reviews() {
        // Cards of 6 reviews, and every tenth of 150 on different days:
        // 11,475 reviews in its items, more than the cap.
        let mut logs = consistent_logs(300, 6, 5);
        let long = consistent_logs(30, 150, 9);
        for (at, mut log) in long.into_iter().enumerate() {
            log.dedup_by_key(|entry| entry.day);
            logs[at * 10] = log;
        }
        let cap = 5000;
        let forward = offered(&logs, cap, 0..logs.len());
        let backward = offered(&logs, cap, (0..logs.len()).rev());
        assert_eq!(forward.cards, backward.cards);
        assert_longest_run(&logs, cap, &forward);
        // The log of a single long card: its first reviews, as many as fit.
        let alone = offered(&logs[..1], cap, 0..1);
        assert_eq!(alone.size, 150);
        assert_longest_run(&logs[..1], cap, &alone);
        assert!(alone.kept >= sample_floor(cap), "{}", alone.kept);
    }

    #[test]
    fn when_every_card_is_heavier_than_the_cap_the_fit_still_has_enough() {
        let cap = MIN_REVIEWS_TO_FIT * (MIN_REVIEWS_TO_FIT + 3) / 2;
        assert_eq!(sample_floor(cap), MIN_REVIEWS_TO_FIT);
        // 20 cards of 500 reviews on different days: 125,750 reviews each
        // in their items.
        let logs: Vec<Vec<Logged>> = consistent_logs(20, 500, 3)
            .into_iter()
            .map(|mut log| {
                log.dedup_by_key(|entry| entry.day);
                log
            })
            .collect();
        let sample = offered(&logs, cap, 0..logs.len());
        assert_eq!(sample.size, 10_000);
        assert!(sample.kept >= MIN_REVIEWS_TO_FIT, "{}", sample.kept);
        assert_longest_run(&logs, cap, &sample);
        match fit_sample(&Model::defaults(), &sample, |_, _| {}) {
            Ok(model) => assert_eq!(model.source, Source::Fitted { reviews: 10_000 }),
            Err(FitError::NotBetter { fitted, current }) => assert!(fitted > current),
            Err(other) => panic!("{other}"),
        }
    }

    #[test]
    fn a_sample_too_small_to_fit_says_so() {
        // A cap far below what a fit needs: 50 cards of 20 reviews.
        let logs = consistent_logs(50, 20, 13);
        let sample = offered(&logs, 100, 0..logs.len());
        assert!(sample.kept > 0 && sample.kept < MIN_REVIEWS_TO_FIT);
        assert_eq!(
            fit_sample(&Model::defaults(), &sample, |_, _| {}).unwrap_err(),
            FitError::SampleTooSmall {
                kept: sample.kept,
                size: sample.size,
                need: MIN_REVIEWS_TO_FIT
            }
        );
        // A log too short to fit is too short, whatever the sample.
        let short = offered(&logs[..10], 100, 0..10);
        assert_eq!(
            fit_sample(&Model::defaults(), &short, |_, _| {}).unwrap_err(),
            FitError::TooShort {
                have: short.size,
                need: MIN_REVIEWS_TO_FIT
            }
        );
    }
}
