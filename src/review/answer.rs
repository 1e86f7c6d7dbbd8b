//! Answering a card, the same in both front ends: a graded card (true/false,
//! choice, cloze, match) shown in an order seeded from the card and the
//! study day, its blanks typed one by one, its verdict and the rating that
//! proposes; a basic card's proposal from the answer items ticked.

use chrono::NaiveDate;

use super::grade::{self, Blank, Verdict};
use crate::deck::CardKind;
use crate::sched::Rating;
use crate::store::CardId;

/// A graded card being answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Answering {
    kind: CardKind,
    /// The order choices (or a match's right column) are shown in.
    order: Vec<usize>,
    /// A cloze card: how the blanks answered so far went.
    blanks: Vec<Blank>,
    /// What was answered, in the student's words.
    given: Vec<String>,
    verdict: Option<Verdict>,
}

/// An answer that could not be read, for the front end to say so its way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreadable {
    /// Not v (vrai) or f (faux).
    TrueFalse,
    /// A letter that is not one of the choices shown.
    Letters,
    /// Not pairs of a number and a letter shown.
    Pairs,
}

/// What one answer did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// The card is answered (for a cloze, its last blank too: see [`Answering::blanks`]).
    Graded(Verdict),
    /// A blank of a cloze card, with more to come.
    Blank(Blank),
    Unreadable(Unreadable),
}

impl Answering {
    /// The answering of a graded card, or `None` for a basic card. A card
    /// shows one order all day, in both front ends.
    pub fn new(kind: &CardKind, card: CardId, day: NaiveDate) -> Option<Answering> {
        let seed = grade::shuffle_seed(day, card.get());
        let order = match kind {
            CardKind::Basic => return None,
            CardKind::Choice {
                choices,
                shuffle: true,
                ..
            } => grade::shuffled(choices.len(), seed),
            CardKind::Choice { choices, .. } => (0..choices.len()).collect(),
            CardKind::Match { pairs } => grade::shuffled(pairs.len(), seed),
            CardKind::TrueFalse { .. } | CardKind::Cloze { .. } => Vec::new(),
        };
        Some(Answering {
            kind: kind.clone(),
            order,
            blanks: Vec::new(),
            given: Vec::new(),
            verdict: None,
        })
    }

    pub fn kind(&self) -> &CardKind {
        &self.kind
    }

    pub fn order(&self) -> &[usize] {
        &self.order
    }

    pub fn blanks(&self) -> &[Blank] {
        &self.blanks
    }

    /// The answers given, in the student's words.
    pub fn given(&self) -> &[String] {
        &self.given
    }

    pub fn verdict(&self) -> Option<Verdict> {
        self.verdict
    }

    /// The rating the verdict proposes, once answered.
    pub fn proposed(&self) -> Option<Rating> {
        self.verdict.map(Verdict::proposed)
    }

    /// What the student gives for this card: the front ends prompt and
    /// read keys by this, never by the kind, so a new kind answered as an
    /// earlier one is (letters, pairs, blanks, one key) needs nothing there.
    pub fn asks(&self) -> Asks {
        match &self.kind {
            CardKind::TrueFalse { .. } => Asks::TrueOrFalse,
            CardKind::Choice { .. } => Asks::Letters,
            CardKind::Match { .. } => Asks::Pairs,
            CardKind::Cloze { .. } => {
                let (asked, of) = self.blank_asked().unwrap_or((1, 1));
                Asks::Blank { asked, of }
            }
            // Never answered (no `Answering` is made for it).
            CardKind::Basic => Asks::Nothing,
        }
    }

    /// Whether the answer is typed as a line (all but one key, v or f).
    pub fn typed(&self) -> bool {
        self.asks() != Asks::TrueOrFalse
    }

    /// For a cloze card: the blank now asked (1-based) and how many there are.
    pub fn blank_asked(&self) -> Option<(usize, usize)> {
        match &self.kind {
            CardKind::Cloze { blanks } => {
                Some(((self.blanks.len() + 1).min(blanks.len()), blanks.len()))
            }
            _ => None,
        }
    }

    /// What the card asks beyond its question, as shown: the choices, or
    /// the two columns of a match, with their letters and numbers.
    pub fn asked_lines(&self) -> Vec<String> {
        let letter = grade::letter;
        match &self.kind {
            CardKind::Basic | CardKind::Cloze { .. } | CardKind::TrueFalse { .. } => Vec::new(),
            CardKind::Choice { choices, .. } => self
                .order
                .iter()
                .enumerate()
                .filter_map(|(shown, i)| {
                    choices.get(*i).map(|c| format!("  {}) {c}", letter(shown)))
                })
                .collect(),
            CardKind::Match { pairs } => {
                let mut lines: Vec<String> = pairs
                    .iter()
                    .enumerate()
                    .map(|(i, (left, _))| format!("  {}. {left}", i + 1))
                    .collect();
                lines.extend(self.order.iter().enumerate().filter_map(|(shown, i)| {
                    pairs
                        .get(*i)
                        .map(|p| format!("  {}) {}", letter(shown), p.1))
                }));
                lines
            }
        }
    }

    /// The letter of the last choice shown.
    pub fn last_letter(&self) -> char {
        grade::letter(self.order.len().saturating_sub(1))
    }

    /// Grades one answer: the whole answer, or the next blank of a cloze.
    pub fn answer(&mut self, input: &str) -> Reply {
        if let Some(verdict) = self.verdict {
            return Reply::Graded(verdict);
        }
        let verdict = match &self.kind {
            CardKind::Basic => Verdict::Right,
            CardKind::TrueFalse { .. } => match grade::parse_true_false(input) {
                Some(given) => {
                    self.given = vec![if given { "vrai" } else { "faux" }.to_string()];
                    grade::true_false(&self.kind, given)
                }
                None => return Reply::Unreadable(Unreadable::TrueFalse),
            },
            CardKind::Choice { .. } => match grade::parse_letters(input, &self.order) {
                Some(picked) => {
                    self.given.push(input.to_string());
                    grade::choice(&self.kind, &picked)
                }
                None => return Reply::Unreadable(Unreadable::Letters),
            },
            CardKind::Match { .. } => match grade::parse_pairs(input, &self.order) {
                Some(pairs) => {
                    self.given.push(input.to_string());
                    grade::matching(&self.kind, &pairs)
                }
                None => return Reply::Unreadable(Unreadable::Pairs),
            },
            CardKind::Cloze { blanks } => {
                if let Some(variants) = blanks.get(self.blanks.len()) {
                    let blank = grade::blank(variants, input);
                    self.blanks.push(blank.clone());
                    self.given.push(input.to_string());
                    if self.blanks.len() < blanks.len() {
                        return Reply::Blank(blank);
                    }
                }
                grade::cloze(&self.blanks)
            }
        };
        self.verdict = Some(verdict);
        Reply::Graded(verdict)
    }
}

/// The rating the items ticked as recalled propose, out of the `asked`
/// the question asks for (all of them unless it says): see
/// [`Rating::from_recalled`].
/// What a graded card asks the student to give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asks {
    /// One key: v (vrai) or f (faux).
    TrueOrFalse,
    /// The letters of the choices shown, one or several.
    Letters,
    /// Pairs of a number and a letter (`1b 2a`).
    Pairs,
    /// Blank `asked` of `of`, typed.
    Blank {
        asked: usize,
        of: usize,
    },
    Nothing,
}

pub fn proposed_from_ticks(ticks: &[bool], asked: Option<u32>) -> Option<Rating> {
    if ticks.is_empty() {
        return None;
    }
    let asked = asked
        .and_then(|a| usize::try_from(a).ok())
        .unwrap_or(ticks.len());
    let recalled = ticks.iter().filter(|t| **t).count();
    Some(Rating::from_recalled(recalled, asked))
}

/// How a verdict is said.
pub fn verdict_text(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Right => "Right.",
        Verdict::PartlyRight => "Partly right.",
        Verdict::Wrong => "Wrong.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    }

    #[test]
    fn a_card_shows_one_order_a_day_whoever_asks() {
        let kind = CardKind::Choice {
            choices: (0..6).map(|i| i.to_string()).collect(),
            correct: vec![0],
            shuffle: true,
        };
        let one = Answering::new(&kind, CardId::new(7), day()).unwrap();
        let again = Answering::new(&kind, CardId::new(7), day()).unwrap();
        assert_eq!(one.order(), again.order());
        let mut sorted = one.order().to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..6).collect::<Vec<_>>());
        assert!(Answering::new(&CardKind::Basic, CardId::new(7), day()).is_none());
        let line = &one.asked_lines()[0];
        assert_eq!(line, &format!("  a) {}", one.order()[0]));
    }

    #[test]
    fn blanks_are_answered_one_by_one_then_graded() {
        let kind = CardKind::Cloze {
            blanks: vec![vec!["efficacement".into()], vec!["revient".into()]],
        };
        let mut cloze = Answering::new(&kind, CardId::new(1), day()).unwrap();
        assert_eq!(cloze.blank_asked(), Some((1, 2)));
        assert_eq!(
            cloze.answer("eficacement"),
            Reply::Blank(Blank::NearMiss {
                expected: "efficacement".into()
            })
        );
        assert_eq!(cloze.blank_asked(), Some((2, 2)));
        assert_eq!(cloze.answer("REVIENT"), Reply::Graded(Verdict::Right));
        assert_eq!(cloze.given(), ["eficacement", "REVIENT"]);
        assert_eq!(cloze.proposed().map(Rating::value), Some(4));
    }

    #[test]
    fn unreadable_answers_are_not_graded() {
        let tf = CardKind::TrueFalse { answer: false };
        let mut card = Answering::new(&tf, CardId::new(1), day()).unwrap();
        assert_eq!(
            card.answer("peut-être"),
            Reply::Unreadable(Unreadable::TrueFalse)
        );
        assert_eq!(card.verdict(), None);
        assert_eq!(card.answer("v"), Reply::Graded(Verdict::Wrong));
        assert_eq!(card.given(), ["vrai"]);
        let pairs = CardKind::Match {
            pairs: vec![("1".into(), "a".into()), ("2".into(), "b".into())],
        };
        let mut card = Answering::new(&pairs, CardId::new(1), day()).unwrap();
        assert_eq!(card.answer("1z"), Reply::Unreadable(Unreadable::Pairs));
        assert!(card.given().is_empty(), "only answers read are kept");
    }

    #[test]
    fn ticks_propose_a_rating_between_one_and_five() {
        assert_eq!(proposed_from_ticks(&[], None), None);
        let value = |t: &[bool]| proposed_from_ticks(t, None).map(Rating::value);
        assert_eq!(value(&[false, false, false]), Some(1));
        assert_eq!(value(&[true, false, false]), Some(2));
        assert_eq!(value(&[true, false, true]), Some(4));
        assert_eq!(value(&[true, true, true]), Some(5));
        assert_eq!(value(&[true, false]), Some(3));
        // A question that asks for one of three: one is all.
        assert_eq!(
            proposed_from_ticks(&[false, true, false], Some(1)).map(Rating::value),
            Some(5)
        );
    }
}
