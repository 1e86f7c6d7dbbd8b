//! Grading the answers of true/false, multiple-choice, fill-in-the-blank
//! and matching cards. Pure: the answer given, the card, a verdict.

use crate::deck::CardKind;
use crate::text;

pub use crate::sched::Verdict;

/// All right is right; at least half right is partly right (which
/// proposes a passing 3); less is wrong.
fn verdict_of(right: usize, total: usize) -> Verdict {
    if total > 0 && right == total {
        Verdict::Right
    } else if right > 0 && 2 * right >= total {
        Verdict::PartlyRight
    } else {
        Verdict::Wrong
    }
}

/// How one blank was filled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blank {
    Right,
    /// One typo away from an accepted answer: counted right, shown as such.
    NearMiss {
        expected: String,
    },
    Wrong {
        expected: String,
    },
}

/// A true/false answer typed in French or English; `None` if it is neither.
pub fn parse_true_false(input: &str) -> Option<bool> {
    match text::normalize(input).as_str() {
        "v" | "vrai" | "t" | "true" | "o" | "oui" | "y" | "yes" => Some(true),
        "f" | "faux" | "false" | "n" | "non" | "no" => Some(false),
        _ => None,
    }
}

pub fn true_false(kind: &CardKind, given: bool) -> Verdict {
    match kind {
        CardKind::TrueFalse { answer } if *answer == given => Verdict::Right,
        _ => Verdict::Wrong,
    }
}

/// The letters of a shown order (`a` is the first choice shown) to the
/// choices' own indices; `None` when a letter is not a choice.
pub fn parse_letters(input: &str, order: &[usize]) -> Option<Vec<usize>> {
    let mut picked = Vec::new();
    for c in input.chars().filter(|c| c.is_alphabetic()) {
        let shown = (c.to_ascii_lowercase() as usize).checked_sub('a' as usize)?;
        let index = *order.get(shown)?;
        if !picked.contains(&index) {
            picked.push(index);
        }
    }
    (!picked.is_empty()).then_some(picked)
}

/// Right when exactly the right choices are picked; partly when at least
/// half of them are, with fewer wrong ones than right ones.
pub fn choice(kind: &CardKind, picked: &[usize]) -> Verdict {
    let CardKind::Choice { correct, .. } = kind else {
        return Verdict::Wrong;
    };
    let right = picked.iter().filter(|p| correct.contains(p)).count();
    let wrong = picked.len() - right;
    if right == correct.len() && wrong == 0 {
        Verdict::Right
    } else if 2 * right >= correct.len() && wrong < right {
        Verdict::PartlyRight
    } else {
        Verdict::Wrong
    }
}

/// One blank: case, accents, surrounding spaces and punctuation ignored,
/// a range of numbers however it is written; one typo is a near miss.
pub fn blank(variants: &[String], given: &str) -> Blank {
    let normalized = text::normalize(given);
    let expected = variants.first().cloned().unwrap_or_default();
    if variants.iter().any(|v| text::normalize(v) == normalized) {
        return Blank::Right;
    }
    if let Some(range) = numeric_range(given)
        && variants
            .iter()
            .any(|v| numeric_range(v).as_ref() == Some(&range))
    {
        return Blank::Right;
    }
    // A typo is forgiven in a word, not in a number or a short answer,
    // where one character changes the meaning ("70" is not "80").
    let close = variants.iter().any(|v| {
        let v = text::normalize(v);
        v.chars().count() >= 5
            && !v.chars().any(|c| c.is_ascii_digit())
            && text::edit_distance(&v, &normalized) == 1
    });
    if close {
        Blank::NearMiss { expected }
    } else {
        Blank::Wrong { expected }
    }
}

/// A range of numbers as students type it: "5-10", "5 à 10", "5 et 10",
/// "entre 5 et 10", "de 5 à 10 %" are all (5, 10). Read from the text itself,
/// not its normalized form, where "5-10" and "5/10" (or the decimal "2,5"
/// and "2 à 5") would look the same. `None` for anything else.
fn numeric_range(typed: &str) -> Option<(String, String)> {
    let tokens = range_tokens(&text::fold(typed));
    let mut rest = tokens.as_slice();
    if let [RangeToken::Word(w), tail @ ..] = rest
        && (w == "entre" || w == "de")
    {
        rest = tail;
    }
    let [RangeToken::Number(low), tail @ ..] = rest else {
        return None;
    };
    rest = skip_percent(tail);
    rest = match rest {
        [RangeToken::Symbol('-' | '–' | '—'), tail @ ..] => tail,
        [RangeToken::Word(w), tail @ ..] if w == "a" || w == "et" => tail,
        _ => return None,
    };
    let [RangeToken::Number(high), tail @ ..] = rest else {
        return None;
    };
    rest = skip_percent(tail);
    // A closing full stop or the like, nothing more.
    rest.iter()
        .all(|t| matches!(t, RangeToken::Symbol(c) if !c.is_alphanumeric() && *c != '-'))
        .then(|| (low.clone(), high.clone()))
}

#[derive(Debug, PartialEq)]
enum RangeToken {
    /// Digits, with "," or "." before decimals (kept as ".").
    Number(String),
    Word(String),
    Symbol(char),
}

fn range_tokens(text: &str) -> Vec<RangeToken> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        if c.is_ascii_digit() {
            let mut number = c.to_string();
            while let Some(&next) = chars.peek() {
                if next.is_ascii_digit() {
                    number.push(next);
                    chars.next();
                } else if (next == ',' || next == '.')
                    && chars.clone().nth(1).is_some_and(|d| d.is_ascii_digit())
                {
                    number.push('.');
                    chars.next();
                } else {
                    break;
                }
            }
            tokens.push(RangeToken::Number(number));
        } else if c.is_alphabetic() {
            let mut word = c.to_string();
            while let Some(&next) = chars.peek().filter(|n| n.is_alphabetic()) {
                word.push(next);
                chars.next();
            }
            tokens.push(RangeToken::Word(word));
        } else {
            tokens.push(RangeToken::Symbol(c));
        }
    }
    tokens
}

/// "%", "pourcent" or "pour cent" after a number.
fn skip_percent(tokens: &[RangeToken]) -> &[RangeToken] {
    match tokens {
        [RangeToken::Symbol('%'), tail @ ..] => tail,
        [RangeToken::Word(w), tail @ ..] if w == "pourcent" => tail,
        [RangeToken::Word(p), RangeToken::Word(c), tail @ ..] if p == "pour" && c == "cent" => tail,
        _ => tokens,
    }
}

pub fn cloze(blanks: &[Blank]) -> Verdict {
    let right = blanks
        .iter()
        .filter(|b| !matches!(b, Blank::Wrong { .. }))
        .count();
    verdict_of(right, blanks.len())
}

/// `1c 2a 3b` (the left items' numbers, the right column's letters as
/// shown) to pairs of (left index, right index).
/// Every token must be a left number in range and one letter shown.
pub fn parse_pairs(input: &str, right_order: &[usize]) -> Option<Vec<(usize, usize)>> {
    let mut pairs = Vec::new();
    for token in input.split([' ', ',', ';']).filter(|t| !t.is_empty()) {
        let digits: String = token.chars().take_while(char::is_ascii_digit).collect();
        let mut rest = token[digits.len()..].chars();
        let (Some(letter), None) = (rest.next(), rest.next()) else {
            return None;
        };
        let left = digits.parse::<usize>().ok()?.checked_sub(1)?;
        if left >= right_order.len() {
            return None;
        }
        let shown = (letter.to_ascii_lowercase() as usize).checked_sub('a' as usize)?;
        pairs.push((left, *right_order.get(shown)?));
    }
    (!pairs.is_empty()).then_some(pairs)
}

/// The letter a choice (or a right-column item) is shown with.
pub fn letter(shown: usize) -> char {
    crate::deck::choice_letter(shown)
}

/// The seed of a card's shuffles: one order per card and study day, the
/// same in both front ends.
pub fn shuffle_seed(day: chrono::NaiveDate, card: i64) -> u64 {
    use chrono::Datelike;
    u64::try_from(day.num_days_from_ce()).unwrap_or(0)
        ^ u64::try_from(card)
            .unwrap_or(0)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// Each left item matched with its own right item counts.
pub fn matching(kind: &CardKind, given: &[(usize, usize)]) -> Verdict {
    let CardKind::Match { pairs } = kind else {
        return Verdict::Wrong;
    };
    let right = (0..pairs.len())
        .filter(|left| {
            given
                .iter()
                .rev()
                .find(|(l, _)| l == left)
                .is_some_and(|(_, r)| r == left)
        })
        .count();
    verdict_of(right, pairs.len())
}

/// A permutation of `0..n` from `seed`, the same for the same seed: the
/// order choices and right columns are shown in.
pub fn shuffled(n: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut state = seed | 1;
    for i in (1..n).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let j = usize::try_from(state % (i as u64 + 1)).unwrap_or(0);
        order.swap(i, j);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice_card() -> CardKind {
        CardKind::Choice {
            choices: vec!["a".into(), "b".into(), "c".into(), "d".into()],
            correct: vec![1, 3],
            shuffle: true,
        }
    }

    #[test]
    fn true_false_in_either_language() {
        assert_eq!(parse_true_false(" Faux "), Some(false));
        assert_eq!(parse_true_false("VRAI"), Some(true));
        assert_eq!(parse_true_false("peut-être"), None);
        let card = CardKind::TrueFalse { answer: false };
        assert_eq!(true_false(&card, false), Verdict::Right);
        assert_eq!(true_false(&card, true), Verdict::Wrong);
    }

    #[test]
    fn choices_right_partly_or_wrong() {
        let card = choice_card();
        assert_eq!(choice(&card, &[3, 1]), Verdict::Right);
        assert_eq!(choice(&card, &[1]), Verdict::PartlyRight);
        assert_eq!(choice(&card, &[1, 0]), Verdict::Wrong);
        // Every choice picked is not half right.
        assert_eq!(choice(&card, &[0, 1, 2, 3]), Verdict::Wrong);
        assert_eq!(choice(&card, &[2]), Verdict::Wrong);
        // Letters are read in the order the choices were shown.
        assert_eq!(parse_letters("b, D", &[2, 3, 0, 1]), Some(vec![3, 1]));
        assert_eq!(parse_letters("z", &[0, 1]), None);
    }

    #[test]
    fn blanks_ignore_case_accents_spaces_and_punctuation_and_spot_typos() {
        let variants = vec!["efficacement".to_string()];
        assert_eq!(blank(&variants, "  Efficacement. "), Blank::Right);
        assert_eq!(
            blank(&["qualité perçue".to_string()], "QUALITE PERCUE"),
            Blank::Right
        );
        assert_eq!(
            blank(&variants, "eficacement"),
            Blank::NearMiss {
                expected: "efficacement".into()
            }
        );
        // No typo forgiven in numbers or short words.
        assert!(matches!(
            blank(&["70 %".to_string()], "80"),
            Blank::Wrong { .. }
        ));
        assert!(matches!(
            blank(&["la".to_string()], "le"),
            Blank::Wrong { .. }
        ));
        assert_eq!(
            blank(&variants, "rapidement"),
            Blank::Wrong {
                expected: "efficacement".into()
            }
        );
        let graded = [
            Blank::Right,
            Blank::NearMiss {
                expected: "x".into(),
            },
        ];
        assert_eq!(cloze(&graded), Verdict::Right);
        assert_eq!(
            cloze(&[
                Blank::Right,
                Blank::Wrong {
                    expected: "x".into()
                }
            ]),
            Verdict::PartlyRight
        );
    }

    #[test]
    fn a_range_of_numbers_is_one_answer_however_it_is_typed() {
        let expected = vec!["5 à 10".to_string()];
        for typed in [
            "5-10",
            "5 - 10",
            "5–10",
            "5 à 10",
            "5 a 10",
            "5 et 10",
            "entre 5 et 10",
            "Entre 5 et 10 %",
            "de 5 à 10 %",
            "5 % à 10 %",
            "5 à 10 pour cent.",
        ] {
            assert_eq!(blank(&expected, typed), Blank::Right, "{typed}");
        }
        // The expected answer may be written in any of these ways too.
        assert_eq!(blank(&["5-10".to_string()], "entre 5 et 10"), Blank::Right);
        assert_eq!(blank(&["2,5 à 3".to_string()], "2.5-3"), Blank::Right);
        // Other numbers, another order, one number, or no separator are not
        // that range: "5/10" and "5 10" could mean something else.
        for typed in [
            "5 à 11",
            "10 à 5",
            "5",
            "10",
            "5 10",
            "5/10",
            "5 ou 10",
            "5 à 10 clients",
        ] {
            assert!(
                matches!(blank(&expected, typed), Blank::Wrong { .. }),
                "{typed}"
            );
        }
        // A decimal is not a range.
        assert!(matches!(
            blank(&["2 à 5".to_string()], "2,5"),
            Blank::Wrong { .. }
        ));
    }

    #[test]
    fn straight_and_curly_apostrophes_are_the_same_answer() {
        assert_eq!(
            blank(&["l'écoute active".to_string()], "l’écoute active"),
            Blank::Right
        );
        assert_eq!(
            blank(&["l’écoute active".to_string()], "l'ecoute active"),
            Blank::Right
        );
    }

    #[test]
    fn matching_counts_each_left_item() {
        let card = CardKind::Match {
            pairs: vec![
                ("1".into(), "a".into()),
                ("2".into(), "b".into()),
                ("3".into(), "c".into()),
            ],
        };
        // The right column shown as c, a, b.
        let order = vec![2, 0, 1];
        let all = parse_pairs("1b 2c 3a", &order).unwrap();
        assert_eq!(all, vec![(0, 0), (1, 1), (2, 2)]);
        assert_eq!(matching(&card, &all), Verdict::Right);
        let some = parse_pairs("1b 2c", &order).unwrap();
        assert_eq!(matching(&card, &some), Verdict::PartlyRight);
        assert_eq!(parse_pairs("1z", &order), None);
        assert_eq!(parse_pairs("9a", &order), None, "no left item 9");
        assert_eq!(parse_pairs("1bz", &order), None, "one letter per pair");
        // One pair right of three is not partly right.
        assert_eq!(matching(&card, &[(0, 0), (1, 2), (2, 1)]), Verdict::Wrong);
        assert_eq!(Verdict::PartlyRight.proposed().value(), 3);
    }

    #[test]
    fn shuffles_are_permutations_and_repeatable() {
        for seed in 0..50 {
            let mut order = shuffled(6, seed);
            assert_eq!(order, shuffled(6, seed));
            order.sort_unstable();
            assert_eq!(order, vec![0, 1, 2, 3, 4, 5]);
        }
        assert_ne!(shuffled(6, 1), shuffled(6, 2));
    }
}
