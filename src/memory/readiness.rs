//! Readiness: what the model predicts the student will recall on a day,
//! if nothing more is studied and if the exam plan is followed up to it;
//! and how well the model has predicted this student so far. Pure.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::{Grade, Logged, Memory, Model, Source, days_between};
use crate::review::exam_plan::{self, PlanCard};
use crate::store::ModelCard;

/// How many of the weakest cards are listed.
pub const WEAKEST: usize = 10;

/// Cards and predicted recall of one deck or tag.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    pub name: String,
    pub cards: usize,
    pub seen: usize,
    /// Mean over the group's cards (never seen counts 0), if nothing more is studied.
    pub predicted_recall: f64,
    /// The same if the exam plan is followed every day up to it.
    pub with_plan: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeakCard {
    pub deck: String,
    pub line: u32,
    pub question: String,
    pub seen: bool,
    pub predicted_recall: f64,
}

/// How the model did for this student: its predictions before each review
/// on a later day than the card's previous one, against what happened
/// (rating 3 or more is a recall).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    pub reviews: usize,
    /// Predicted against observed pass rate, in tenths of predicted recall.
    pub bins: Vec<Bin>,
    /// Root mean square of (predicted − observed) over the bins, weighted
    /// by their reviews; `None` with no review to judge by.
    pub error: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bin {
    pub from: f64,
    pub to: f64,
    pub reviews: usize,
    pub predicted: f64,
    pub observed: f64,
}

/// Replays each log, comparing each prediction with its outcome.
pub fn calibration(model: &Model, logs: &[&[Logged]]) -> Calibration {
    let mut sums = [(0usize, 0.0f64, 0usize); 10];
    for log in logs {
        let mut memory: Option<Memory> = None;
        for entry in *log {
            if let Some(m) = memory.filter(|m| entry.day > m.last_day) {
                let predicted = model.recall(&m, entry.day);
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let bin = ((predicted * 10.0).floor() as usize).min(9);
                sums[bin].0 += 1;
                sums[bin].1 += predicted;
                sums[bin].2 += usize::from(entry.grade() != Grade::AGAIN);
            }
            memory = model.extend(memory, std::slice::from_ref(entry));
        }
    }
    let reviews: usize = sums.iter().map(|s| s.0).sum();
    let bins: Vec<Bin> = sums
        .iter()
        .enumerate()
        .filter(|(_, s)| s.0 > 0)
        .map(|(i, &(n, predicted, passed))| Bin {
            from: i as f64 / 10.0,
            to: (i + 1) as f64 / 10.0,
            reviews: n,
            predicted: predicted / n as f64,
            observed: passed as f64 / n as f64,
        })
        .collect();
    let error = (reviews > 0).then(|| {
        (bins
            .iter()
            .map(|b| (b.predicted - b.observed).powi(2) * b.reviews as f64)
            .sum::<f64>()
            / reviews as f64)
            .sqrt()
    });
    Calibration {
        reviews,
        bins,
        error,
    }
}

/// The forecast for the selected cards on `on`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Readiness {
    pub on: String,
    pub cards: usize,
    pub seen: usize,
    pub predicted_recall: f64,
    pub with_plan: f64,
    pub decks: Vec<Group>,
    pub tags: Vec<Group>,
    pub weakest: Vec<WeakCard>,
}

/// A card's last simulated review: (the chance it was recalled, its memory
/// if it was, its memory if it was not).
type LastReview = (f64, Option<Memory>, Option<Memory>);

/// Each card's recall on `on` if the exam plan is followed from `today`
/// (each day's cards reviewed, recalled with the model's probability).
pub fn recall_with_plan(
    model: &Model,
    memories: &[Option<Memory>],
    today: NaiveDate,
    on: NaiveDate,
    minutes: Option<u32>,
    seconds_per_card: f64,
) -> Vec<f64> {
    let mut memories: Vec<Option<Memory>> = memories.to_vec();
    let mut last: Vec<Option<LastReview>> = vec![None; memories.len()];
    let mut day = today;
    while day < on {
        let cards: Vec<PlanCard> = memories
            .iter()
            .enumerate()
            .map(|(i, m)| PlanCard {
                id: crate::store::CardId::new(i64::try_from(i).unwrap_or(i64::MAX)),
                memory: *m,
                due: None,
            })
            .collect();
        let budget = minutes.map(|m| f64::from(m) * 60.0);
        for (id, _) in exam_plan::exam_day(&cards, model, day, on, budget, seconds_per_card) {
            let i = usize::try_from(id.get()).unwrap_or(0);
            let before = memories[i];
            let chance = before.map_or(1.0, |m| model.recall(&m, day));
            let good = model.after(before, Grade::GOOD, day);
            let again = model.after(before, Grade::AGAIN, day);
            last[i] = Some((chance, good, again));
            memories[i] = good;
        }
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    let at = |m: Option<Memory>| m.map_or(0.0, |m| model.recall(&m, on));
    memories
        .iter()
        .zip(&last)
        .map(|(m, last)| match last {
            Some((chance, good, again)) => chance * at(*good) + (1.0 - chance) * at(*again),
            None => at(*m),
        })
        .collect()
}

/// The readiness of `cards` (with their memories now) on `on`.
pub fn readiness(
    model: &Model,
    cards: &[ModelCard],
    memories: &[Option<Memory>],
    titles: &BTreeMap<String, String>,
    today: NaiveDate,
    on: NaiveDate,
    plan: (Option<u32>, f64),
) -> Readiness {
    let alone: Vec<f64> = memories
        .iter()
        .map(|m| m.map_or(0.0, |m| model.recall(&m, on)))
        .collect();
    let planned = recall_with_plan(model, memories, today, on, plan.0, plan.1);
    let mut decks: Vec<(String, Vec<usize>)> = Vec::new();
    let mut tags: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, card) in cards.iter().enumerate() {
        match decks
            .iter_mut()
            .find(|(name, _)| name == card.deck.as_str())
        {
            Some((_, members)) => members.push(i),
            None => decks.push((card.deck.to_string(), vec![i])),
        }
        for tag in &card.tags {
            tags.entry(tag.clone()).or_default().push(i);
        }
    }
    let group = |name: &str, members: &[usize]| Group {
        name: name.to_string(),
        cards: members.len(),
        seen: members.iter().filter(|&&i| memories[i].is_some()).count(),
        predicted_recall: mean(members.iter().map(|&i| alone[i])),
        with_plan: mean(members.iter().map(|&i| planned[i])),
    };
    let mut order: Vec<usize> = (0..cards.len()).collect();
    order.sort_by(|&a, &b| alone[a].total_cmp(&alone[b]).then(a.cmp(&b)));
    let everything: Vec<usize> = (0..cards.len()).collect();
    let all = group("", &everything);
    Readiness {
        on: on.format("%Y-%m-%d").to_string(),
        cards: all.cards,
        seen: all.seen,
        predicted_recall: all.predicted_recall,
        with_plan: all.with_plan,
        decks: decks
            .iter()
            .map(|(name, members)| Group {
                name: titles.get(name).cloned().unwrap_or_else(|| name.clone()),
                ..group(name, members)
            })
            .collect(),
        tags: tags.iter().map(|(name, m)| group(name, m)).collect(),
        weakest: order
            .into_iter()
            .take(WEAKEST)
            .map(|i| WeakCard {
                deck: cards[i].deck.to_string(),
                line: cards[i].line,
                question: cards[i].question.clone(),
                seen: memories[i].is_some(),
                predicted_recall: alone[i],
            })
            .collect(),
    }
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    if n == 0 { 0.0 } else { sum / n as f64 }
}

/// Which parameters are in use, in words.
pub fn source_words(source: Source) -> String {
    match source {
        Source::Defaults => {
            "FSRS with its default parameters (your log is too short to fit them yet)".into()
        }
        Source::Fitted { reviews } => {
            format!("FSRS with parameters fitted to your {reviews} reviews")
        }
        Source::Adjusted { reviews } => format!(
            "FSRS with its default parameters, a few adjusted to your {reviews} reviews (too few yet for a full fit)"
        ),
    }
}

/// Days from `today` to `on`, for the text.
pub fn days_to(today: NaiveDate, on: NaiveDate) -> u32 {
    days_between(today, on)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sched::Rating;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    fn log(entries: &[(u32, u8)]) -> Vec<Logged> {
        entries
            .iter()
            .map(|&(d, r)| Logged::rated(day(d), Rating::new(r).unwrap()))
            .collect()
    }

    #[test]
    fn calibration_compares_each_prediction_with_its_outcome() {
        let model = Model::defaults();
        let a = log(&[(1, 4), (3, 4), (9, 1)]);
        let b = log(&[(1, 4), (1, 4), (2, 5)]);
        let c = calibration(&model, &[&a, &b]);
        // Same-day repeats are not predictions; first reviews neither.
        assert_eq!(c.reviews, 3);
        let total: usize = c.bins.iter().map(|b| b.reviews).sum();
        assert_eq!(total, 3);
        let observed: f64 = c.bins.iter().map(|b| b.observed * b.reviews as f64).sum();
        assert!((observed - 2.0).abs() < 1e-9, "two recalls, one lapse");
        assert!(c.error.unwrap() > 0.0);
        assert_eq!(calibration(&model, &[]).error, None);
    }

    #[test]
    fn the_plan_adds_to_what_nothing_more_would_give() {
        let model = Model::defaults();
        let memories = vec![
            None,
            model.replay(None, &log(&[(1, 3)])),
            model.replay(None, &log(&[(1, 5), (3, 5)])),
        ];
        let alone: Vec<f64> = memories
            .iter()
            .map(|m| m.map_or(0.0, |m| model.recall(&m, day(12))))
            .collect();
        let planned = recall_with_plan(&model, &memories, day(4), day(12), Some(10), 10.0);
        assert_eq!(alone[0], 0.0);
        assert!(
            planned[0] > 0.5,
            "the never-seen card is learnt: {planned:?}"
        );
        for (a, p) in alone.iter().zip(&planned) {
            assert!(p >= a, "{alone:?} {planned:?}");
        }
        // With no day left, the plan changes nothing.
        assert_eq!(
            recall_with_plan(&model, &memories, day(12), day(12), Some(10), 10.0),
            alone
        );
    }
}
