//! What the deck list and the stats screen say of the model of memory's
//! forecast: a deck's predicted recall on its exam day, each tag's, and how
//! far the model has been right for this student so far. The arithmetic is
//! pure; [`read`] is the one read of the store behind it.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::tags::with_deck_tags;
use crate::deck::DeckId;
use crate::memory::readiness::{self, Calibration};
use crate::memory::{Logged, Memory, Model, Source, memory_now, model_of};
use crate::store::{ModelCard, Store, StoreError};

/// The logs of the cards replayed from their first review (not from a
/// state brought in): what the calibration weighs the model on.
pub fn whole_logs(cards: &[ModelCard]) -> Vec<&[Logged]> {
    cards
        .iter()
        .filter(|c| c.start.is_none())
        .map(|c| c.log.as_slice())
        .collect()
}

/// A deck's cards as the forecast needs them: each one's memory now and
/// its tags (its deck's included).
#[derive(Debug, Clone, PartialEq)]
pub struct DeckMemories {
    pub deck: DeckId,
    pub memories: Vec<Option<Memory>>,
    pub tags: Vec<Vec<String>>,
}

/// The model, each deck's cards, and how the model did on the whole log.
#[derive(Debug, Clone)]
pub struct Outlook {
    pub model: Model,
    pub decks: Vec<DeckMemories>,
    pub calibration: Calibration,
}

/// One read of the store for these decks.
pub fn read(store: &Store, decks: &[DeckId]) -> Result<Outlook, StoreError> {
    store.read_consistently(|store| {
        let stored = store.stored_model()?;
        let model = model_of(&stored);
        // The whole log, for the calibration: each card replayed from its first review.
        let cards = store.model_cards(decks, stored.version, false)?;
        let deck_tags = store.deck_tags(decks)?;
        let calibration = readiness::calibration(&model, &whole_logs(&cards));
        let mut out: Vec<DeckMemories> = decks
            .iter()
            .map(|deck| DeckMemories {
                deck: deck.clone(),
                memories: Vec::new(),
                tags: Vec::new(),
            })
            .collect();
        for card in &cards {
            let Some(deck) = out.iter_mut().find(|d| d.deck == card.deck) else {
                continue;
            };
            let own = deck_tags
                .iter()
                .find(|(d, _)| *d == card.deck)
                .map_or(&[][..], |(_, t)| t.as_slice());
            deck.memories.push(memory_now(&model, card));
            deck.tags.push(with_deck_tags(&card.tags, own));
        }
        Ok(Outlook {
            model,
            decks: out,
            calibration,
        })
    })
}

/// The mean predicted recall of these cards on `on`, a card never seen
/// counting 0; 0 with no card.
pub fn mean_recall(model: &Model, memories: &[Option<Memory>], on: NaiveDate) -> f64 {
    if memories.is_empty() {
        return 0.0;
    }
    let sum: f64 = memories
        .iter()
        .map(|m| m.map_or(0.0, |m| model.recall(&m, on)))
        .sum();
    sum / memories.len() as f64
}

/// One tag's cards and their mean predicted recall.
#[derive(Debug, Clone, PartialEq)]
pub struct TagRecall {
    pub tag: String,
    pub cards: usize,
    pub recall: f64,
}

/// Each tag's predicted recall on `on`, weakest first (then by name).
pub fn recall_by_tag(model: &Model, deck: &DeckMemories, on: NaiveDate) -> Vec<TagRecall> {
    let mut by_tag: BTreeMap<&str, Vec<Option<Memory>>> = BTreeMap::new();
    for (memory, tags) in deck.memories.iter().zip(&deck.tags) {
        for tag in tags {
            by_tag.entry(tag.as_str()).or_default().push(*memory);
        }
    }
    let mut out: Vec<TagRecall> = by_tag
        .into_iter()
        .map(|(tag, memories)| TagRecall {
            tag: tag.to_string(),
            cards: memories.len(),
            recall: mean_recall(model, &memories, on),
        })
        .collect();
    out.sort_by(|a, b| a.recall.total_cmp(&b.recall).then(a.tag.cmp(&b.tag)));
    out
}

fn percent(share: f64) -> String {
    format!("{:.0} %", share * 100.0)
}

/// "61 %" that a line is not broken in.
fn unbroken_percent(share: f64) -> String {
    format!("{:.0}\u{a0}%", share * 100.0)
}

/// "Predicted recall on 2026-12-15: 61 % in all; by tag, weakest first:
/// liste 20 % · …", with at most `most` tags named.
pub fn tags_line(on: NaiveDate, all: f64, tags: &[TagRecall], most: usize) -> String {
    let head = format!(
        "Predicted recall on {}: {} in all",
        on.format("%Y-%m-%d"),
        unbroken_percent(all)
    );
    if tags.is_empty() {
        return format!("{head} (no tags in this deck)");
    }
    let mut named: Vec<String> = tags
        .iter()
        .take(most)
        .map(|t| format!("{} {}", t.tag, unbroken_percent(t.recall)))
        .collect();
    if tags.len() > most {
        named.push(format!("{} more", tags.len() - most));
    }
    format!("{head}; by tag, weakest first: {}", named.join(" · "))
}

fn parameter_words(source: Source) -> String {
    match source {
        Source::Defaults => "FSRS, default parameters".to_string(),
        Source::Fitted { reviews } => format!("FSRS, fitted to your {reviews} reviews"),
        Source::Adjusted { reviews } => format!("FSRS, adjusted to your {reviews} reviews"),
    }
}

fn record_words(calibration: &Calibration) -> String {
    match calibration.error {
        Some(error) => format!(
            "so far it was off by {:.0} points for you, over {} reviews",
            error * 100.0,
            calibration.reviews
        ),
        None => "there is no review yet to judge it by".to_string(),
    }
}

/// What the figures are and how far to trust them, in one sentence.
pub fn model_note(source: Source, calibration: &Calibration) -> String {
    format!(
        "A prediction of a model of memory ({}), not a measurement: {}.",
        parameter_words(source),
        record_words(calibration)
    )
}

/// What the deck list's exam column holds, and how far to trust it: the
/// recall if you stop now, or with `minutes` a day (FICHES_MINUTES), the
/// recall if the exam plan is followed at those minutes.
pub fn exam_column_note(source: Source, calibration: &Calibration, minutes: Option<u32>) -> String {
    let recall = match minutes {
        None => "recall on the day if you stop now".to_string(),
        Some(m) => format!(
            "recall on the day if you follow the exam plan at {m} minute{} a day (FICHES_MINUTES)",
            if m == 1 { "" } else { "s" }
        ),
    };
    format!(
        "exam: days left · {recall}, as a model of memory predicts ({}); {}.",
        parameter_words(source),
        record_words(calibration)
    )
}

/// A deck's exam to come, as the deck list shows it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExamOutlook {
    pub day: NaiveDate,
    pub days_left: i64,
    /// Predicted recall on the exam day: if nothing more is studied, or
    /// with `coverage`, if the exam plan is followed at its minutes a day.
    pub recall: f64,
    /// The minutes a day planned with (FICHES_MINUTES), and whether they see
    /// every card of the deck before the exam.
    pub coverage: Option<super::exam_plan::Coverage>,
}

impl ExamOutlook {
    pub fn new(
        model: &Model,
        memories: &[Option<Memory>],
        today: NaiveDate,
        exam: NaiveDate,
    ) -> Self {
        ExamOutlook {
            day: exam,
            days_left: (exam - today).num_days().max(0),
            recall: mean_recall(model, memories, exam),
            coverage: None,
        }
    }

    /// The exams of decks sharing one exam day if their plan is followed
    /// every day until then at `minutes` a day, a card taking
    /// `seconds_per_card`: one plan for all their cards, the minutes shared
    /// between them, as `readiness` forecasts these decks together. One
    /// outlook for each deck, in order; the coverage is the decks' together.
    pub fn planned(
        model: &Model,
        decks: &[&[Option<Memory>]],
        (today, exam): (NaiveDate, NaiveDate),
        minutes: u32,
        seconds_per_card: f64,
    ) -> Vec<Self> {
        let all: Vec<Option<Memory>> = decks.iter().flat_map(|d| d.iter().copied()).collect();
        let planned =
            readiness::recall_with_plan(model, &all, today, exam, Some(minutes), seconds_per_card);
        let unseen = all.iter().filter(|m| m.is_none()).count();
        let coverage = super::exam_plan::coverage(unseen, today, exam, minutes, seconds_per_card);
        let mut rest = planned.as_slice();
        decks
            .iter()
            .map(|deck| {
                let (mine, after) = rest.split_at(deck.len().min(rest.len()));
                rest = after;
                ExamOutlook {
                    day: exam,
                    days_left: (exam - today).num_days().max(0),
                    recall: if mine.is_empty() {
                        0.0
                    } else {
                        mine.iter().sum::<f64>() / mine.len() as f64
                    },
                    coverage: Some(coverage),
                }
            })
            .collect()
    }

    /// "12 d · 74 %": days left and predicted recall on the day.
    pub fn cell(&self) -> String {
        format!("{} d · {}", self.days_left, percent(self.recall))
    }

    /// When the minutes planned with leave cards of the deck unseen by the
    /// exam: how many, and the minutes a day that would see them.
    pub fn warning(&self) -> Option<String> {
        self.coverage.and_then(|c| c.warning(self.day))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sched::Rating;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    fn learnt(model: &Model, days: &[u32]) -> Option<Memory> {
        let log: Vec<Logged> = days
            .iter()
            .map(|&d| Logged::rated(day(d), Rating::new(4).unwrap()))
            .collect();
        model.replay(None, &log)
    }

    #[test]
    fn tags_are_ranked_weakest_first_and_unseen_cards_count_nothing() {
        let model = Model::defaults();
        let strong = learnt(&model, &[1, 3, 9]);
        let weak = learnt(&model, &[1]);
        let deck = DeckMemories {
            deck: DeckId::new("d"),
            memories: vec![strong, weak, None],
            tags: vec![
                vec!["a".into(), "deck".into()],
                vec!["b".into(), "deck".into()],
                vec!["b".into(), "deck".into()],
            ],
        };
        let on = day(15);
        let tags = recall_by_tag(&model, &deck, on);
        let names: Vec<&str> = tags.iter().map(|t| t.tag.as_str()).collect();
        assert_eq!(names, vec!["b", "deck", "a"]);
        let strong_now = model.recall(&strong.unwrap(), on);
        let weak_now = model.recall(&weak.unwrap(), on);
        assert!((tags[2].recall - strong_now).abs() < 1e-12);
        assert!(
            (tags[0].recall - weak_now / 2.0).abs() < 1e-12,
            "the unseen card counts 0"
        );
        assert_eq!(tags[1].cards, 3);
        assert!(
            (mean_recall(&model, &deck.memories, on) - (strong_now + weak_now) / 3.0).abs() < 1e-12
        );
        assert_eq!(mean_recall(&model, &[], on), 0.0);
        let line = tags_line(on, 0.5, &tags, 2);
        assert!(
            line.starts_with(
                "Predicted recall on 2026-12-15: 50\u{a0}% in all; by tag, weakest first: b "
            ),
            "{line}"
        );
        assert_eq!(
            tags_line(on, 0.0, &[], 2),
            "Predicted recall on 2026-12-15: 0\u{a0}% in all (no tags in this deck)"
        );
        assert!(line.ends_with(" · 1 more"), "{line}");
    }

    #[test]
    fn the_note_says_it_is_a_prediction_and_how_it_has_done() {
        let none = Calibration {
            reviews: 0,
            bins: Vec::new(),
            error: None,
        };
        assert_eq!(
            model_note(Source::Defaults, &none),
            "A prediction of a model of memory (FSRS, default parameters), not a measurement: there is no review yet to judge it by."
        );
        let some = Calibration {
            reviews: 120,
            bins: Vec::new(),
            error: Some(0.071),
        };
        assert!(
            model_note(Source::Fitted { reviews: 500 }, &some)
                .ends_with("(FSRS, fitted to your 500 reviews), not a measurement: so far it was off by 7 points for you, over 120 reviews.")
        );
        assert_eq!(
            exam_column_note(Source::Defaults, &none, None),
            "exam: days left · recall on the day if you stop now, as a model of memory predicts (FSRS, default parameters); there is no review yet to judge it by."
        );
        let exam = ExamOutlook::new(&Model::defaults(), &[None], day(3), day(15));
        assert_eq!(
            (exam.days_left, exam.cell()),
            (12, "12 d · 0 %".to_string())
        );
    }
}
