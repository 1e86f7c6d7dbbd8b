//! `fiches stats --calibration`: how well the model of memory has predicted
//! this student, which parameters it uses, and how the student's own
//! ratings held up.

use std::io::{self, Write};

use serde::Serialize;

use crate::deck::DeckId;
use crate::memory::readiness::{self, Calibration};
use crate::memory::{Grade, Logged, Source, grade, model_of};
use crate::store::Store;
use crate::text;

use super::{Failure, Status};

/// Ratings of 4 or 5 and what the next review (on a later day) showed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct Confidence {
    /// Ratings 4–5 followed by another review on a later day.
    pub confident: usize,
    /// Of those, the ones whose next review was a lapse (1 or 2).
    pub then_lapsed: usize,
}

/// Counts, in each log, the confident ratings later forgotten.
pub fn confidence(logs: &[&[Logged]]) -> Confidence {
    let mut out = Confidence::default();
    for log in logs {
        for (i, entry) in log.iter().enumerate() {
            if entry.rating.value() < 4 {
                continue;
            }
            if let Some(next) = log[i + 1..].iter().find(|n| n.day > entry.day) {
                out.confident += 1;
                out.then_lapsed += usize::from(grade(next.rating) == Grade::AGAIN);
            }
        }
    }
    out
}

#[derive(Serialize)]
struct Document<'a> {
    parameters: &'static str,
    /// The reviews the fitted parameters rest on (0 with the defaults).
    fitted_reviews: usize,
    fitted_at: Option<&'a str>,
    /// What the latest fit did, kept or not.
    last_fit: Option<&'a str>,
    calibration: &'a Calibration,
    confidence: Confidence,
}

pub fn run(store: &Store, decks: &[DeckId], json: bool, status: Status) -> Result<Status, Failure> {
    let stored = store.stored_model()?;
    let model = model_of(&stored);
    let cards = store.model_cards(decks, stored.version, false)?;
    let logs: Vec<&[Logged]> = cards
        .iter()
        .filter(|c| c.start.is_none())
        .map(|c| c.log.as_slice())
        .collect();
    let calibration = readiness::calibration(&model, &logs);
    let confidence = confidence(&logs);
    let mut out = text::SafeWriter::new(io::stdout().lock());
    let written = if json {
        let document = Document {
            parameters: match model.source {
                Source::Defaults => "defaults",
                Source::Fitted { .. } => "fitted",
            },
            fitted_reviews: stored.fitted_reviews,
            fitted_at: stored.fitted_at.as_deref(),
            last_fit: stored.last_fit_result.as_deref(),
            calibration: &calibration,
            confidence,
        };
        serde_json::to_string_pretty(&document)
            .map_err(io::Error::other)
            .and_then(|json| writeln!(out, "{}", text::json_safe(json)))
    } else {
        print_text(
            &mut out,
            &readiness::source_words(model.source),
            stored.last_fit_result.as_deref(),
            &calibration,
            confidence,
        )
    };
    super::written(written, "the calibration", status)
}

fn print_text(
    out: &mut impl Write,
    source: &str,
    last_fit: Option<&str>,
    calibration: &Calibration,
    confidence: Confidence,
) -> io::Result<()> {
    writeln!(out, "Model of memory: {source}.")?;
    if let Some(last) = last_fit {
        writeln!(out, "Latest fit: {}.", text::one_line(last))?;
    }
    match calibration.error {
        None => writeln!(
            out,
            "No review yet to judge its predictions by (a card's second review, on a later day, is the first)."
        )?,
        Some(error) => {
            writeln!(
                out,
                "Predicted against observed recall over {} reviews (error {:.1} points):",
                calibration.reviews,
                error * 100.0
            )?;
            writeln!(out, "  predicted   reviews  predicted mean  recalled")?;
            for bin in &calibration.bins {
                writeln!(
                    out,
                    "  {:>3.0}–{:<3.0} %  {:>7}  {:>12.0} %  {:>6.0} %",
                    bin.from * 100.0,
                    bin.to * 100.0,
                    bin.reviews,
                    bin.predicted * 100.0,
                    bin.observed * 100.0
                )?;
            }
        }
    }
    if confidence.confident > 0 {
        writeln!(
            out,
            "Your ratings of 4 or 5: {} were followed by a lapse at the next review, of {} ({:.0} %).",
            confidence.then_lapsed,
            confidence.confident,
            confidence.then_lapsed as f64 * 100.0 / confidence.confident as f64
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sched::Rating;
    use chrono::NaiveDate;

    #[test]
    fn confident_ratings_later_forgotten_are_counted() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        let log: Vec<Logged> = [(1, 5), (1, 4), (3, 2), (5, 4), (9, 4), (12, 1)]
            .iter()
            .map(|&(d, r)| Logged {
                day: day(d),
                rating: Rating::new(r).unwrap(),
            })
            .collect();
        let c = confidence(&[&log]);
        // 5 and 4 on the 1st (next: 2 on the 3rd, a lapse), 4 on the 5th
        // (next: 4), 4 on the 9th (next: 1, a lapse).
        assert_eq!(
            c,
            Confidence {
                confident: 4,
                then_lapsed: 3
            }
        );
    }
}
