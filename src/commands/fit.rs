//! `fiches fit`, and the upkeep of the memory model between sessions: its
//! parameters fitted to the log when it has grown enough, and the cache of
//! memory states that keeps planning a session fast.

use std::io::{self, IsTerminal, Write};
use std::time::Instant;

use chrono::{DateTime, FixedOffset};

use crate::cli::FitArgs;
use crate::clock;
use crate::deck::DeckId;
use crate::hash::FastMap;
use crate::memory::adjust;
use crate::memory::fit::{self, CardLog, FitError, SampleBuilder};
use crate::memory::{Memory, Source, memory_now, model_of};
use crate::store::{CardId, Store, StoreError};

use super::{Failure, Status, open_store};

/// The cache is rebuilt between sessions once this many reviews are newer.
const CACHE_REBUILD_AFTER: i64 = 300;

/// Memory states a piece, when the whole cache is rebuilt.
const STATES_PIECE: usize = 2048;

/// What an upkeep did.
#[derive(Debug, Clone, PartialEq)]
pub struct Upkeep {
    /// The fit tried, and what came of it.
    pub fit: Option<Result<Source, FitError>>,
    /// The cards whose cached memory was written (every card's when the
    /// cache is rebuilt whole); `None`: the cache was left alone.
    pub cached_cards: Option<usize>,
}

/// Fits when the log has grown enough (or always with `force`), and
/// rebuilds the cache when it has fallen behind. Never during a session.
pub fn upkeep(
    store: &mut Store,
    now: DateTime<FixedOffset>,
    force: bool,
    show_progress: bool,
) -> Result<Upkeep, StoreError> {
    upkeep_capped(store, now, force, show_progress, fit::FIT_SAMPLE_CAP)
}

/// [`upkeep`], a fit's sample capped at `cap` reviews in its items.
fn upkeep_capped(
    store: &mut Store,
    now: DateTime<FixedOffset>,
    force: bool,
    show_progress: bool,
    cap: usize,
) -> Result<Upkeep, StoreError> {
    let stored = store.stored_model()?;
    let through = store.latest_review()?;
    let mut model = model_of(&stored);
    let behind = through - stored.cached_through;
    // At most what a fit would rest on.
    let count = store.fit_size_bound(&stored, through)?;
    let fit_may_be_due = force || fit::fit_due(&model, count) || adjust::adjust_due(&model, count);
    if !fit_may_be_due {
        if behind < CACHE_REBUILD_AFTER {
            return Ok(Upkeep {
                fit: None,
                cached_cards: None,
            });
        }
        return refresh_cache(store);
    }
    // The logs a fit rests on (cards whose first review is in the log),
    // read card by card: the whole log's count, and the logs of a sample
    // of cards when they are more than a fit needs.
    let sample = store.read_consistently(|store| {
        let places: FastMap<DeckId, usize> = store
            .deck_ids()?
            .into_iter()
            .enumerate()
            .map(|(place, deck)| (deck, place))
            .collect();
        let mut sample = SampleBuilder::new(cap);
        store.each_model_card(|card| {
            if card.start.is_none() && !card.log.is_empty() {
                let place = places.get(&card.deck).copied().unwrap_or(usize::MAX);
                sample.offer(card.id.get(), (place, card.position), card.log);
            }
            Ok::<_, StoreError>(())
        })?;
        Ok::<_, StoreError>(sample.finish())
    })?;
    let mut version = stored.version;
    let mut tried = None;
    let size = sample.size;
    let full = fit::fit_due(&model, size) || (force && size >= fit::MIN_REVIEWS_TO_FIT);
    if full || force || adjust::adjust_due(&model, size) {
        let at = now.to_rfc3339();
        let result = if full {
            let started = Instant::now();
            let mut bar = ProgressLine::new(show_progress);
            let result = fit::fit_sample(&model, &sample, |done, total| {
                if started.elapsed().as_secs_f64() > 1.0 {
                    bar.show(done, total);
                }
            });
            bar.finish();
            result
        } else {
            // A fraction of a second: no progress bar. Under the size of a
            // full fit the sample is the whole log, unless same-day repeats
            // make its items hold more than the cap (fit::sample_floor).
            adjust::adjust(&sample.logs())
        };
        match result {
            Ok(fitted) => {
                let reviews = match fitted.source {
                    Source::Fitted { reviews } | Source::Adjusted { reviews } => reviews,
                    Source::Defaults => 0,
                };
                let on = if full && sample.kept < sample.size {
                    format!(" (trained on a sample of {} of them)", sample.kept)
                } else {
                    String::new()
                };
                store.save_fitted_model(
                    fitted.weights(),
                    reviews,
                    &at,
                    &format!("{} to {reviews} reviews{on}", done_words(fitted.source)),
                )?;
                version = store.stored_model()?.version;
                tried = Some(Ok(fitted.source));
                model = fitted;
            }
            Err(err) => {
                // A fit trained on a sample says so, refused or not.
                let on = match err {
                    FitError::Failed(_) | FitError::Absurd(_) | FitError::NotBetter { .. }
                        if full && sample.kept < sample.size =>
                    {
                        format!(
                            " (trained on a sample of {} of {} reviews)",
                            sample.kept, sample.size
                        )
                    }
                    _ => String::new(),
                };
                store.note_fit(&at, &format!("{err}{on}; {} kept", in_use(model.source)))?;
                tried = Some(Err(err));
            }
        }
    }
    drop(sample);
    // The cache rebuilt whole with the model now in use, card by card,
    // with the exact count a fit would rest on.
    let (states, mark, pairs) = store.read_consistently(|store| {
        let mark = store.log_mark()?;
        // In small pieces, which the memory the fit freed can hold.
        let mut states: Vec<Vec<(CardId, Memory)>> = Vec::new();
        let mut pairs = 0;
        store.each_model_card(|card| {
            pairs += fit::fit_size(&[CardLog { log: &card.log }]);
            if let Some(memory) = memory_now(&model, &card) {
                match states.last_mut() {
                    Some(piece) if piece.len() < STATES_PIECE => piece.push((card.id, memory)),
                    _ => {
                        let mut piece = Vec::with_capacity(STATES_PIECE);
                        piece.push((card.id, memory));
                        states.push(piece);
                    }
                }
            }
            Ok::<_, StoreError>(())
        })?;
        Ok::<_, StoreError>((states, mark, pairs))
    })?;
    let saved =
        store.save_counted_memory_cache(version, mark, states.iter().flatten(), Some(pairs))?;
    Ok(Upkeep {
        fit: tried,
        cached_cards: saved.then_some(states.iter().map(Vec::len).sum()),
    })
}

/// The cache brought up to date from the cards whose log changed since it
/// was made, the others' states left as they are: what a whole rebuild
/// gives, without reading every card's log.
fn refresh_cache(store: &mut Store) -> Result<Upkeep, StoreError> {
    let (stored, cards, mark, pairs) = store.read_consistently(|store| {
        let stored = store.stored_model()?;
        let mark = store.log_mark()?;
        let cards = store.changed_model_cards(stored.version, stored.cached_through)?;
        let pairs = match stored.cached_pairs {
            Some(_) => Some(store.fit_size_bound(&stored, mark.through)?),
            None => None,
        };
        Ok::<_, StoreError>((stored, cards, mark, pairs))
    })?;
    let model = model_of(&stored);
    let states: Vec<_> = cards
        .iter()
        .map(|card| (card.id, memory_now(&model, card)))
        .collect();
    let saved =
        store.update_memory_cache(stored.version, stored.cached_through, mark, &states, pairs)?;
    Ok(Upkeep {
        fit: None,
        cached_cards: saved.then_some(states.len()),
    })
}

/// The parameters of `source`, in words.
fn in_use(source: Source) -> String {
    match source {
        Source::Defaults => "the default parameters".to_string(),
        Source::Fitted { reviews } => format!("the parameters fitted to {reviews} reviews"),
        Source::Adjusted { reviews } => {
            format!("the default parameters, a few adjusted to {reviews} reviews,")
        }
    }
}

fn done_words(source: Source) -> &'static str {
    match source {
        Source::Adjusted { .. } => "a few parameters adjusted",
        _ => "fitted",
    }
}

/// A one-line progress bar on stderr, redrawn in place.
struct ProgressLine {
    on: bool,
    drawn: bool,
}

impl ProgressLine {
    fn new(on: bool) -> Self {
        ProgressLine { on, drawn: false }
    }

    fn show(&mut self, done: usize, total: usize) {
        if !self.on || total == 0 {
            return;
        }
        let width = 30;
        let filled = (done.min(total) * width) / total;
        let mut err = io::stderr().lock();
        let _ = write!(
            err,
            "\rFitting the memory model to your reviews [{}{}] {:>3} %",
            "#".repeat(filled),
            "-".repeat(width - filled),
            done.min(total) * 100 / total
        );
        let _ = err.flush();
        self.drawn = true;
    }

    fn finish(&mut self) {
        if self.drawn {
            let _ = writeln!(io::stderr());
        }
    }
}

pub fn run(args: &FitArgs, db: Option<&std::path::Path>) -> Result<Status, Failure> {
    let now = clock::now()?;
    let mut store = open_store(db)?;
    let done = upkeep(&mut store, now, true, io::stderr().is_terminal())?;
    let stored = store.stored_model()?;
    let mut out = io::stdout().lock();
    let text = match &done.fit {
        Some(Ok(Source::Fitted { reviews })) => {
            format!("Fitted the memory model to {reviews} reviews; it is now in use.")
        }
        Some(Ok(Source::Adjusted { reviews })) => format!(
            "Adjusted a few of the memory model's parameters to {reviews} reviews (too few for a full fit: {} needed); they are now in use.",
            fit::MIN_REVIEWS_TO_FIT
        ),
        Some(Err(err)) => format!(
            "No new parameters: {err}; {} stay in use.",
            in_use(model_of(&stored).source)
        ),
        _ => "Nothing to fit.".to_string(),
    };
    let json = args.json;
    let written = if json {
        let document = serde_json::json!({
            "fitted": matches!(done.fit, Some(Ok(_))),
            "message": text,
            "parameters": model_of(&stored).weights().to_vec(),
            "source": match model_of(&stored).source {
                Source::Defaults => "defaults",
                Source::Fitted { .. } => "fitted",
                Source::Adjusted { .. } => "adjusted",
            },
            "reviews": stored.fitted_reviews,
        });
        writeln!(out, "{document:#}")
    } else {
        writeln!(out, "{text}")
    };
    super::written(written, "the fit", Status::Success)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sched::{Policy, Rating};
    use crate::store::NewReview;
    use chrono::{Days, NaiveDate};

    fn at(day: NaiveDate) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(&format!("{day}T09:00:00-05:00")).unwrap()
    }

    /// A store of 60 cards, each rated on 9 different days: 480 reviews
    /// to fit on, 2,640 in their training items.
    fn store_with_log() -> (Store, NaiveDate) {
        let dir = std::env::temp_dir().join(format!("fiches-fit-sample-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("m.yaml");
        let mut text = String::from("title: M\ncards:\n");
        for i in 0..60 {
            text.push_str(&format!("  - q: \"Q{i} ?\"\n    a: \"R{i}.\"\n"));
        }
        std::fs::write(&file, text).unwrap();
        let mut store = Store::in_memory().unwrap();
        let start = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        store.sync(&[file], false, at(start)).unwrap();
        let decks = store.deck_ids().unwrap();
        let stored = store.stored_model().unwrap();
        let ids: Vec<CardId> = store
            .model_cards(&decks, stored.version, false)
            .unwrap()
            .iter()
            .map(|card| card.id)
            .collect();
        assert_eq!(ids.len(), 60);
        let mut last = start;
        for (n, gap) in [0u64, 1, 3, 6, 10, 15, 21, 28, 36].into_iter().enumerate() {
            last = start + Days::new(gap);
            for (i, id) in ids.iter().enumerate() {
                let value = if (i + n) % 5 == 0 { 1 } else { 4 };
                store
                    .record(&NewReview {
                        card: *id,
                        rating: Rating::new(value).unwrap(),
                        at: at(last),
                        day: last,
                        took_ms: 4000,
                        ticks: None,
                        verdict: None,
                        policy: Policy::Normal,
                    })
                    .unwrap();
            }
        }
        (store, last)
    }

    #[test]
    fn a_fit_over_the_cap_says_it_trained_on_a_sample() {
        let (mut store, last) = store_with_log();
        let done = upkeep_capped(&mut store, at(last), true, false, 2400).unwrap();
        assert!(
            matches!(
                done.fit,
                Some(Ok(Source::Fitted { reviews: 480 }) | Err(FitError::NotBetter { .. }))
            ),
            "{:?}",
            done.fit
        );
        let note = store.stored_model().unwrap().last_fit_result.unwrap();
        let kept: usize = note
            .split("trained on a sample of ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{note}"));
        assert!(kept >= fit::MIN_REVIEWS_TO_FIT, "{note}");
        assert!(kept < 480, "{note}");
        // Under the cap, the note names no sample.
        let (mut store, last) = store_with_log();
        upkeep(&mut store, at(last), true, false).unwrap();
        let note = store.stored_model().unwrap().last_fit_result.unwrap();
        assert!(!note.contains("sample"), "{note}");
    }
}
