//! Quiz pages ("Questions and Answers"), as copied:
//!
//! ```text
//! Quel est l'objectif ultime … selon le texte?     every question is printed twice,
//! Quel est l'objectif ultime … selon le texte?     on two consecutive lines
//! Regagner la confiance du client                  a short answer, on the next line
//! Selon Bill Gates, quelle est …?
//! Selon Bill Gates, quelle est …?
//! - Les employés les plus expérimentés             multiple choice: `- ` lines,
//! - Les clients les plus mécontents (correct)      the right one marked "(correct)"
//! Dans un environnement de services, …
//! Dans un environnement de services, …
//! False (B)                                        true/false: "True (A)" or "False (B)"
//! Flashcards                                       then the page's term flashcards,
//! …                                                and "Study Notes": not quiz questions
//! ```
//!
//! Rules:
//! - two identical consecutive lines are a question; the lines up to the next
//!   question are its answer;
//! - with choices, the card is a `choice` card: every choice, the one marked
//!   "(correct)" right (several, if several are marked); with no choice
//!   marked, the question has no answer;
//! - "True"/"False" (or "Vrai"/"Faux"), with or without "(A)"/"(B)", make a
//!   `truefalse` card;
//! - any other line is a short answer, one item per line;
//! - a question with nothing under it (most of the page: the quiz shows only
//!   a few answers) is reported, never answered by guess;
//! - the quiz ends at a line "Flashcards" or "Study Notes" after the first
//!   question: what follows is term cards, most without their definition,
//!   and notes, not questions. The report says where it stopped.

use super::{
    Conversion, ConvertedCard, Graded, Ignored, Line, Stop, clean, is_furniture, real_answer,
};

const STOP_MARKERS: &[&str] = &["Flashcards", "Study Notes"];

struct Question<'a, 't> {
    text: &'t str,
    line: usize,
    answers: Vec<&'a Line<'t>>,
}

pub(super) fn parse(lines: &[Line<'_>]) -> Conversion {
    let mut conversion = Conversion::default();
    let content: Vec<&Line<'_>> = lines.iter().filter(|l| !l.text.is_empty()).collect();
    let mut current: Option<Question<'_, '_>> = None;
    let mut seen_question = false;
    let mut i = 0;
    while i < content.len() {
        let line = content[i];
        if seen_question && STOP_MARKERS.contains(&line.text) {
            conversion.report.stopped = Some(Stop {
                line: line.number,
                text: line.text.to_string(),
                rest: "the term flashcards and study notes that follow are",
            });
            break;
        }
        if is_furniture(line.text) {
            i += 1;
            continue;
        }
        if content
            .get(i + 1)
            .is_some_and(|next| next.text == line.text)
        {
            if let Some(done) = current.take() {
                finish(done, &mut conversion);
            }
            current = Some(Question {
                text: line.text,
                line: line.number,
                answers: Vec::new(),
            });
            seen_question = true;
            i += 2;
            continue;
        }
        match current.as_mut() {
            Some(question) => question.answers.push(line),
            None => conversion.report.ignored.push(Ignored {
                line: line.number,
                reason: "text before the first question: not converted".into(),
            }),
        }
        i += 1;
    }
    if let Some(done) = current {
        finish(done, &mut conversion);
    }
    conversion
}

fn finish(question: Question<'_, '_>, conversion: &mut Conversion) {
    let mut choices = Vec::new();
    let mut verdict = None;
    let mut short = Vec::new();
    for line in &question.answers {
        if let Some(choice) = line
            .text
            .strip_prefix("- ")
            .or_else(|| line.text.strip_prefix("• "))
        {
            choices.push(choice.trim());
        } else if let Some(v) = true_false(line.text) {
            verdict = Some(v);
        } else {
            short.push(line.text.to_string());
        }
    }
    let text = clean(question.text);
    let note: Option<String> = None;
    let mut graded = None;
    let answer = if !choices.is_empty() {
        let right: Vec<String> = choices
            .iter()
            .filter_map(|c| correct(c))
            .map(clean)
            .collect();
        let all: Vec<String> = choices
            .iter()
            .map(|c| clean(correct(c).unwrap_or(c)))
            .collect();
        let indices: Vec<usize> = choices
            .iter()
            .enumerate()
            .filter(|(_, c)| correct(c).is_some())
            .map(|(i, _)| i)
            .collect();
        // A choice card needs distinct choices a letter each; otherwise the
        // item stays a card with its right answer.
        let distinct = all.iter().enumerate().all(|(i, c)| {
            !crate::text::normalize(c).is_empty()
                && all[..i]
                    .iter()
                    .all(|e| crate::text::normalize(e) != crate::text::normalize(c))
        });
        if !indices.is_empty() && (2..=26).contains(&all.len()) && distinct {
            graded = Some(Graded::Choice {
                choices: all,
                correct: indices,
            });
        }
        right
    } else if let Some(verdict) = verdict {
        graded = Some(Graded::TrueFalse(verdict == "Vrai."));
        vec![verdict.to_string()]
    } else {
        short
    };
    match real_answer(answer) {
        Some(answer) => conversion.deck.cards.push(ConvertedCard {
            question: text,
            answer,
            points: None,
            note: note.map(|n| clean(&n)),
            graded,
            line: question.line,
        }),
        None => conversion.report.unanswered.push(question.line),
    }
}

/// The choice's text without its "(correct)" mark, when it has one.
fn correct(choice: &str) -> Option<&str> {
    let at = choice.len().checked_sub("(correct)".len())?;
    let mark = choice.get(at..)?;
    mark.eq_ignore_ascii_case("(correct)")
        .then(|| choice[..at].trim_end())
}

/// "False (B)" → "Faux.", "True (A)" → "Vrai.", and the French words.
fn true_false(text: &str) -> Option<&'static str> {
    let word = match text.find('(') {
        Some(open) if text.ends_with(')') && text[open + 1..text.len() - 1].trim().len() == 1 => {
            text[..open].trim()
        }
        _ => text.trim(),
    };
    match word.to_lowercase().trim_end_matches('.') {
        "true" | "vrai" => Some("Vrai."),
        "false" | "faux" => Some("Faux."),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Format, convert};
    use super::*;

    const PAGE: &str = "\
Podcast
Questions and Answers
Selon Bill Gates, quelle est la plus grande source d'enseignement?
Selon Bill Gates, quelle est la plus grande source d'enseignement?
- Les employés les plus expérimentés
- Les clients les plus mécontents (correct)
- Les études de marché
L'objectif est d'éliminer complètement les échecs de service.
L'objectif est d'éliminer complètement les échecs de service.
False (B)
Quel est l'objectif ultime?
Quel est l'objectif ultime?
Regagner la confiance du client
Les ______ sont des critères mesurables.
Les ______ sont des critères mesurables.
Une approche multicanal est identique à une approche omnicanal.
Une approche multicanal est identique à une approche omnicanal.
Nommez un outil.
Nommez un outil.
- Un choix
- Un autre choix
Quel est l'objectif ultime?
Quel est l'objectif ultime?
Regagner la confiance du client

Flashcards
Moment de vérité
Moment de vérité
Un moment où le client interagit avec l'entreprise.
Study Notes
";

    #[test]
    fn a_page_with_the_awkward_cases() {
        let conversion = convert(Format::Quizpage, PAGE);
        let cards = &conversion.deck.cards;
        assert_eq!(conversion.deck.title, None);
        assert_eq!(cards.len(), 3, "{cards:#?}");
        assert_eq!(cards[0].answer, vec!["Les clients les plus mécontents"]);
        // A multiple-choice item becomes a choice card, every choice kept.
        assert_eq!(
            cards[0].graded,
            Some(Graded::Choice {
                choices: vec![
                    "Les employés les plus expérimentés".into(),
                    "Les clients les plus mécontents".into(),
                    "Les études de marché".into()
                ],
                correct: vec![1]
            })
        );
        assert_eq!(cards[0].note, None);
        assert_eq!(cards[0].line, 3);
        // A true/false item becomes a true/false card.
        assert_eq!(
            cards[1].question,
            "L'objectif est d'éliminer complètement les échecs de service."
        );
        assert_eq!(cards[1].graded, Some(Graded::TrueFalse(false)));
        assert_eq!(cards[1].answer, vec!["Faux."]);
        assert_eq!(cards[2].question, "Quel est l'objectif ultime?");
        assert_eq!(cards[2].answer, vec!["Regagner la confiance du client"]);

        let report = &conversion.report;
        // The blank, the true/false with no verdict, the choices with none marked.
        assert_eq!(report.unanswered, vec![14, 16, 18]);
        assert_eq!(report.duplicates.len(), 1);
        assert_eq!(report.duplicates[0].line, 22);
        let stop = report.stopped.as_ref().unwrap();
        assert_eq!((stop.line, stop.text.as_str()), (26, "Flashcards"));
        assert!(report.ignored.is_empty(), "{:?}", report.ignored);
    }

    #[test]
    fn true_false_lines() {
        assert_eq!(true_false("False (B)"), Some("Faux."));
        assert_eq!(true_false("True (A)"), Some("Vrai."));
        assert_eq!(true_false("Vrai"), Some("Vrai."));
        assert_eq!(true_false("Faux."), Some("Faux."));
        assert_eq!(true_false("Vraiment pas"), None);
        assert_eq!(true_false("True (story)"), None);
    }

    #[test]
    fn correct_marks() {
        assert_eq!(correct("Les clients (correct)"), Some("Les clients"));
        assert_eq!(correct("Les clients (Correct)"), Some("Les clients"));
        assert_eq!(correct("Les clients"), None);
        assert_eq!(correct("é"), None);
    }

    #[test]
    fn a_stop_marker_before_any_question_is_furniture() {
        let conversion = convert(Format::Quizpage, "Flashcards\nQ ?\nQ ?\nR\n");
        assert_eq!(conversion.deck.cards.len(), 1);
        assert_eq!(conversion.report.stopped, None);
    }
}
