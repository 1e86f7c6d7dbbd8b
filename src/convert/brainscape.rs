//! Brainscape pages, as copied:
//!
//! ```text
//! Chapitre 1 - … Flashcards          the deck title, then " Flashcards"
//! 1                                  the card number…
//! Q                                  …followed by a `Q` line
//! Est-ce que … raison (3) ?          the question; "(3)" is the number of points
//! A
//!   • Techniquement, …;              the answer, one `•` bullet per item
//!   • Donc, il faut …
//! How well did you know this?        the rating scale: furniture, up to the next card
//! 1 / Not at all / 2 / 3 / 4 / 5 / Perfectly
//! ```
//!
//! Rules, from what the captures really hold:
//! - a card starts at a line of digits whose next non-blank line is `Q`
//!   (the scale's own digits are never followed by `Q`);
//! - the question is everything between `Q` and `A`; a trailing "(N)" is
//!   its points and is removed, "()" means no count;
//! - in the answer, `•` and `- ` lines start an item (the capture sometimes
//!   turns a bullet into `- `); the text after the marker is kept as it is,
//!   even when it starts with `-`; a line with no marker right after an item
//!   continues it (a bullet wrapped over two lines), and after a blank line or
//!   at the start it is an item of its own (a plain answer);
//! - the answer ends at "How well did you know this?" or at the next card
//!   (many captured cards have no scale);
//! - an answer that is only `-` (or empty) is no answer: the card is reported.

use super::{
    Conversion, ConvertedCard, Ignored, Line, clean, is_furniture, page_title, real_answer,
};

const SCALE: &str = "How well did you know this?";
const BULLETS: &[char] = &['•', '●', '◦', '▪'];

pub(super) fn parse(lines: &[Line<'_>]) -> Conversion {
    let mut conversion = Conversion::default();
    let starts: Vec<usize> = (0..lines.len())
        .filter(|&i| is_card_start(lines, i))
        .collect();
    let first_card = starts.first().copied().unwrap_or(lines.len());
    let mut before = lines[..first_card]
        .iter()
        .filter(|l| !l.text.is_empty() && !is_furniture(l.text));
    if let Some(first) = before.next() {
        match page_title(first.text) {
            Some(title) => conversion.deck.title = Some(title),
            None => conversion.report.ignored.push(not_converted(first)),
        }
    }
    conversion.report.ignored.extend(before.map(not_converted));
    for (n, &start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(lines.len());
        card(&lines[start..end], &mut conversion);
    }
    conversion
}

fn not_converted(line: &Line<'_>) -> Ignored {
    Ignored {
        line: line.number,
        reason: "text before the first card: not converted".into(),
    }
}

fn next_non_blank<'a, 't>(lines: &'a [Line<'t>], from: usize) -> Option<&'a Line<'t>> {
    lines.get(from..)?.iter().find(|l| !l.text.is_empty())
}

fn is_card_start(lines: &[Line<'_>], i: usize) -> bool {
    let text = lines[i].text;
    !text.is_empty()
        && text.len() <= 6
        && text.chars().all(|c| c.is_ascii_digit())
        && next_non_blank(lines, i + 1).is_some_and(|l| l.text == "Q")
}

/// One card: `block` runs from its number line to the next card's.
fn card(block: &[Line<'_>], conversion: &mut Conversion) {
    // The number line, then blanks, then `Q`.
    let Some(q_at) = block.iter().position(|l| l.text == "Q") else {
        return;
    };
    let a_at = block[q_at..]
        .iter()
        .position(|l| l.text == "A")
        .map(|i| q_at + i);
    let question_lines = &block[q_at + 1..a_at.unwrap_or(block.len())];
    let question: Vec<&str> = question_lines
        .iter()
        .map(|l| l.text)
        .filter(|t| !t.is_empty() && !is_furniture(t))
        .collect();
    let line = question_lines
        .iter()
        .find(|l| !l.text.is_empty())
        .map_or(block[q_at].number, |l| l.number);
    let (question, points) = split_points(&clean(&question.join(" ")));
    if question.is_empty() {
        conversion.report.ignored.push(Ignored {
            line,
            reason: "card with no question: not converted".into(),
        });
        return;
    }
    let answer_lines = match a_at {
        Some(a_at) => {
            let rest = &block[a_at + 1..];
            let end = rest
                .iter()
                .position(|l| l.text == SCALE)
                .unwrap_or(rest.len());
            &rest[..end]
        }
        None => &[],
    };
    match real_answer(answer_items(answer_lines)) {
        Some(answer) => conversion.deck.cards.push(ConvertedCard {
            question,
            answer,
            points,
            note: None,
            graded: None,
            line,
        }),
        None => conversion.report.unanswered.push(line),
    }
}

/// The answer's items: see the module's rules.
fn answer_items(lines: &[Line<'_>]) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    // Whether the previous line was part of an item, so a plain line continues it.
    let mut in_item = false;
    for line in lines {
        let text = line.text;
        if text.is_empty() {
            in_item = false;
            continue;
        }
        if is_furniture(text) {
            continue;
        }
        if let Some(rest) = bullet(text) {
            items.push(rest.to_string());
        } else if let (true, Some(last)) = (in_item, items.last_mut()) {
            last.push(' ');
            last.push_str(text);
        } else {
            items.push(text.to_string());
        }
        in_item = true;
    }
    items
}

/// The text of a bullet line after its marker, or `None` for a plain line.
fn bullet(text: &str) -> Option<&str> {
    if let Some(rest) = text.strip_prefix(BULLETS) {
        return Some(rest.trim_start());
    }
    // `-` alone, or `- text`; "-5 %" is text, not a bullet.
    let rest = text.strip_prefix('-')?;
    (rest.is_empty() || rest.starts_with(char::is_whitespace)).then(|| rest.trim_start())
}

/// Takes a trailing "(N)" (before the final punctuation) off the question:
/// "raison (3) ?" → ("raison ?", Some(3)); "()" is removed with no points.
fn split_points(question: &str) -> (String, Option<u32>) {
    let body = question.trim_end_matches(|c: char| "?.!:".contains(c) || c.is_whitespace());
    let tail = &question[body.len()..];
    let Some(inside) = body.strip_suffix(')') else {
        return (question.to_string(), None);
    };
    let Some(open) = inside.rfind('(') else {
        return (question.to_string(), None);
    };
    let count = inside[open + 1..].trim();
    if !count.chars().all(|c| c.is_ascii_digit()) {
        return (question.to_string(), None);
    }
    let points = count.parse::<u32>().ok().filter(|&n| n >= 1);
    let head = inside[..open].trim_end();
    (format!("{head}{tail}").trim().to_string(), points)
}

#[cfg(test)]
mod tests {
    use super::super::{Format, convert};
    use super::*;

    #[test]
    fn points_come_off_the_question() {
        assert_eq!(
            split_points("Est-ce que le client a toujours raison (3) ?"),
            ("Est-ce que le client a toujours raison ?".into(), Some(3))
        );
        assert_eq!(
            split_points("Qu’est-ce que la fidélisation de la clientèle () ?"),
            (
                "Qu’est-ce que la fidélisation de la clientèle ?".into(),
                None
            )
        );
        assert_eq!(
            split_points("Quels types (concept lié à la fidélisation) (4) ?"),
            (
                "Quels types (concept lié à la fidélisation) ?".into(),
                Some(4)
            )
        );
        assert_eq!(split_points("Combien (2)?"), ("Combien?".into(), Some(2)));
        assert_eq!(split_points("Liste (0)"), ("Liste".into(), None));
        assert_eq!(
            split_points("Éléments importants/résumé."),
            ("Éléments importants/résumé.".into(), None)
        );
        assert_eq!(
            split_points("Le sigle (GRC) ?"),
            ("Le sigle (GRC) ?".into(), None)
        );
    }

    const PAGE: &str = "\
Mon chapitre Flashcards

1
Q

Est-ce que le client a toujours raison (3) ?

A
  • Techniquement, non;
  • Néanmoins, sa satisfaction
    est primordiale;
  • -5 % de clients perdus, c’est beaucoup.
How well did you know this?
1
Not at all
2
3
4
5
Perfectly
2
Q

Quels sont les 2 niveaux de service (2) ?

A
  • Après-vente;

- À la clientèle.

Signup and view all the flashcards
3
Q

Qu’est-ce que le positionnement () ?

A

-

4
Q

Qu’est-ce que la fidélisation de la clientèle () ?

A
Une réponse
sur deux lignes.

Une autre.
5
Q

Est-ce que le client a toujours raison (3) ?

A
  • Techniquement, non;
  • Néanmoins, sa satisfaction est primordiale;
  • -5 % de clients perdus, c’est beaucoup.
";

    #[test]
    fn a_page_with_the_awkward_cases() {
        let conversion = convert(Format::Brainscape, PAGE);
        let deck = &conversion.deck;
        assert_eq!(deck.title.as_deref(), Some("Mon chapitre"));
        assert_eq!(deck.cards.len(), 3, "{deck:#?}");

        let first = &deck.cards[0];
        assert_eq!(first.question, "Est-ce que le client a toujours raison ?");
        assert_eq!(first.points, Some(3));
        assert_eq!(first.line, 6);
        assert_eq!(
            first.answer,
            vec![
                "Techniquement, non;",
                "Néanmoins, sa satisfaction est primordiale;",
                "-5 % de clients perdus, c’est beaucoup.",
            ]
        );

        // Blank lines and a bullet captured as `- `; furniture dropped.
        assert_eq!(
            deck.cards[1].answer,
            vec!["Après-vente;", "À la clientèle."]
        );
        assert_eq!(deck.cards[1].points, Some(2));

        // "()": no points; plain lines: a continued line, then a new item after a blank.
        let plain = &deck.cards[2];
        assert_eq!(plain.points, None);
        assert_eq!(
            plain.answer,
            vec!["Une réponse sur deux lignes.", "Une autre."]
        );

        // Card 3's answer is only `-`: reported, not invented; card 5 repeats card 1.
        assert_eq!(conversion.report.unanswered, vec![35]);
        assert_eq!(conversion.report.duplicates.len(), 1);
        assert_eq!(conversion.report.duplicates[0].first_line, 6);
        assert!(conversion.report.ignored.is_empty());
    }

    #[test]
    fn text_before_the_first_card_is_reported() {
        let conversion = convert(Format::Brainscape, "Pas un titre\n1\nQ\nQ ?\nA\n• R\n");
        assert_eq!(conversion.deck.title, None);
        assert_eq!(conversion.deck.cards.len(), 1);
        assert_eq!(conversion.report.ignored[0].line, 1);
    }

    #[test]
    fn a_card_without_an_a_line_has_no_answer() {
        let conversion = convert(Format::Brainscape, "1\nQ\nQuestion (1) ?\n");
        assert!(conversion.deck.cards.is_empty());
        assert_eq!(conversion.report.unanswered, vec![3]);
    }
}
