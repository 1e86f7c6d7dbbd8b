//! `fiches stats --calibration`: how well the model of memory has predicted
//! this student, which parameters it uses, and how the student's own
//! ratings held up.

use std::io::{self, Write};

use serde::Serialize;

use crate::deck::DeckId;
use crate::memory::readiness::{self, Calibration};
use crate::memory::{Grade, Logged, Source, model_of};
use crate::sched::{Rating, Verdict};
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
                out.then_lapsed += usize::from(next.grade() == Grade::AGAIN);
            }
        }
    }
    out
}

/// One self-rating against the share of the asked items the student
/// ticked as recalled with it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RatingAgainstTicks {
    pub rating: Rating,
    /// Ratings of list answers with at least one item ticked.
    pub reviews: usize,
    /// The mean share of the asked items ticked (0–1).
    pub recalled: f64,
}

/// For each rating given with ticks, the share of points recalled. A list
/// rated with nothing ticked says nothing of what was recalled (the student
/// may not tick at all), so it is left out and counted apart.
pub fn against_ticks(rated: &[crate::store::TickedRating]) -> (Vec<RatingAgainstTicks>, usize) {
    let mut sums = [(0usize, 0.0f64); 5];
    let mut unticked = 0;
    for r in rated {
        if r.ticked == 0 {
            unticked += 1;
            continue;
        }
        if let Some(sum) = usize::from(r.rating.value())
            .checked_sub(1)
            .and_then(|i| sums.get_mut(i))
        {
            sum.0 += 1;
            sum.1 += (r.ticked.min(r.asked) as f64) / r.asked as f64;
        }
    }
    let rows = sums
        .iter()
        .zip(Rating::ALL)
        .filter(|((n, _), _)| *n > 0)
        .map(|(&(n, share), rating)| RatingAgainstTicks {
            rating,
            reviews: n,
            recalled: share / n as f64,
        })
        .collect();
    (rows, unticked)
}

/// How often a self-rating went with a graded card's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RatingAgainstVerdict {
    pub verdict: Verdict,
    pub rating: Rating,
    pub reviews: usize,
}

/// Graded cards' ratings by verdict then rating (wrong first, lowest rating
/// first), and how many were at odds with the grade: a recall (3 or more)
/// rated on a wrong answer, or a lapse (1 or 2) on a right or partly right one.
pub fn against_verdicts(rated: &[(Rating, Verdict)]) -> (Vec<RatingAgainstVerdict>, usize) {
    let order = [Verdict::Wrong, Verdict::PartlyRight, Verdict::Right];
    let mut counts = [[0usize; 5]; 3];
    let mut at_odds = 0;
    for &(rating, verdict) in rated {
        let v = order.iter().position(|o| *o == verdict).unwrap_or(0);
        counts[v][usize::from(rating.value() - 1)] += 1;
        at_odds += usize::from(verdict.at_odds_with(rating));
    }
    let rows = order
        .iter()
        .zip(counts)
        .flat_map(|(&verdict, by_rating)| {
            by_rating
                .into_iter()
                .zip(Rating::ALL)
                .filter(|(n, _)| *n > 0)
                .map(move |(reviews, rating)| RatingAgainstVerdict {
                    verdict,
                    rating,
                    reviews,
                })
        })
        .collect();
    (rows, at_odds)
}

#[derive(Serialize)]
struct SelfRating<'a> {
    /// Ratings of list answers, by rating, with the share of points ticked.
    by_ticks: &'a [RatingAgainstTicks],
    /// Ratings of list answers with nothing ticked (left out above).
    unticked: usize,
    /// Ratings of graded cards, by verdict and rating.
    by_verdict: &'a [RatingAgainstVerdict],
    /// Ratings of graded cards given with a verdict.
    graded: usize,
    /// Of those, the ones at odds with the verdict.
    at_odds: usize,
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
    self_rating: SelfRating<'a>,
}

pub fn run(store: &Store, decks: &[DeckId], json: bool, status: Status) -> Result<Status, Failure> {
    let stored = store.stored_model()?;
    let model = model_of(&stored);
    let cards = store.model_cards(decks, stored.version, false)?;
    let logs = crate::review::outlook::whole_logs(&cards);
    let calibration = readiness::calibration(&model, &logs);
    let confidence = confidence(&logs);
    let (by_ticks, unticked) = against_ticks(&store.ticked_ratings(decks)?);
    let graded = store.graded_ratings(decks)?;
    let (by_verdict, at_odds) = against_verdicts(&graded);
    let mut out = text::SafeWriter::new(io::stdout().lock());
    let written = if json {
        let document = Document {
            parameters: match model.source {
                Source::Defaults => "defaults",
                Source::Fitted { .. } => "fitted",
                crate::memory::Source::Adjusted { .. } => "adjusted",
            },
            fitted_reviews: stored.fitted_reviews,
            fitted_at: stored.fitted_at.as_deref(),
            last_fit: stored.last_fit_result.as_deref(),
            calibration: &calibration,
            confidence,
            self_rating: SelfRating {
                by_ticks: &by_ticks,
                unticked,
                by_verdict: &by_verdict,
                graded: graded.len(),
                at_odds,
            },
        };
        super::write_json(&mut out, &document)
    } else {
        print_text(
            &mut out,
            &readiness::source_words(model.source),
            stored.last_fit_result.as_deref(),
            &calibration,
            confidence,
        )
        .and_then(|()| print_ticks(&mut out, &by_ticks, unticked))
        .and_then(|()| print_verdicts(&mut out, &by_verdict, graded.len(), at_odds))
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

fn print_ticks(
    out: &mut impl Write,
    by_ticks: &[RatingAgainstTicks],
    unticked: usize,
) -> io::Result<()> {
    if by_ticks.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "Your ratings against the points you ticked as recalled:"
    )?;
    for row in by_ticks {
        writeln!(
            out,
            "  you rate {} when you recalled {:.0} % of the points ({} rating{})",
            row.rating,
            row.recalled * 100.0,
            row.reviews,
            if row.reviews == 1 { "" } else { "s" }
        )?;
    }
    if unticked > 0 {
        writeln!(
            out,
            "  ({unticked} rating{} of a list with nothing ticked left out)",
            if unticked == 1 { "" } else { "s" }
        )?;
    }
    Ok(())
}

fn print_verdicts(
    out: &mut impl Write,
    by_verdict: &[RatingAgainstVerdict],
    graded: usize,
    at_odds: usize,
) -> io::Result<()> {
    if graded == 0 {
        return Ok(());
    }
    writeln!(
        out,
        "Your ratings of graded cards against their grade ({graded} rating{}, {at_odds} at odds with it):",
        if graded == 1 { "" } else { "s" }
    )?;
    for row in by_verdict {
        let marked = match row.verdict {
            Verdict::Right => "right",
            Verdict::PartlyRight => "partly right",
            Verdict::Wrong => "wrong",
        };
        writeln!(
            out,
            "  you rate {} when the card was marked {marked} ({} rating{})",
            row.rating,
            row.reviews,
            if row.reviews == 1 { "" } else { "s" }
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn self_ratings_are_set_against_the_verdicts_of_graded_cards() {
        let r = |v| Rating::new(v).unwrap();
        let (rows, at_odds) = against_verdicts(&[
            (r(4), Verdict::Right),
            (r(4), Verdict::Wrong),
            (r(1), Verdict::Wrong),
            (r(4), Verdict::Right),
            (r(2), Verdict::PartlyRight),
            (r(3), Verdict::PartlyRight),
        ]);
        let got: Vec<(Verdict, u8, usize)> = rows
            .iter()
            .map(|r| (r.verdict, r.rating.value(), r.reviews))
            .collect();
        assert_eq!(
            got,
            vec![
                (Verdict::Wrong, 1, 1),
                (Verdict::Wrong, 4, 1),
                (Verdict::PartlyRight, 2, 1),
                (Verdict::PartlyRight, 3, 1),
                (Verdict::Right, 4, 2),
            ]
        );
        // 4 on a wrong answer, 2 on a partly right one.
        assert_eq!(at_odds, 2);
    }

    #[test]
    fn confident_ratings_later_forgotten_are_counted() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        let log: Vec<Logged> = [(1, 5), (1, 4), (3, 2), (5, 4), (9, 4), (12, 1)]
            .iter()
            .map(|&(d, r)| Logged::rated(day(d), Rating::new(r).unwrap()))
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

    #[test]
    fn self_ratings_are_set_against_the_share_of_points_ticked() {
        let r = |rating, ticked, asked| crate::store::TickedRating {
            rating: crate::sched::Rating::new(rating).unwrap(),
            ticked,
            asked,
        };
        let (rows, unticked) =
            against_ticks(&[r(4, 1, 2), r(4, 2, 2), r(2, 1, 4), r(5, 3, 2), r(3, 0, 3)]);
        assert_eq!(unticked, 1);
        let got: Vec<(u8, usize, f64)> = rows
            .iter()
            .map(|r| (r.rating.value(), r.reviews, r.recalled))
            .collect();
        // 4: half, then all; a tick count above what is asked counts as all.
        assert_eq!(got, vec![(2, 1, 0.25), (4, 2, 0.75), (5, 1, 1.0)]);
    }
}
