//! `fiches convert`: from the text a person gets by copying a flashcard page
//! to a deck in our YAML format.
//!
//! Each page format has its own file with a pure `parse` function of the
//! text's lines; this module holds what they share: the lines, the page
//! furniture every page carries, merging exact duplicates, the report, and
//! writing the YAML.

mod brainscape;
mod detect;
mod quizlet;
mod quizpage;

use std::fmt::Write as _;

pub use detect::detect;

/// The page formats `fiches convert` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Brainscape,
    Quizlet,
    Quizpage,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Brainscape, Format::Quizlet, Format::Quizpage];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Brainscape => "brainscape",
            Format::Quizlet => "quizlet",
            Format::Quizpage => "quizpage",
        }
    }

    /// How a page of this format looks, for the command line's help.
    pub fn looks_like(self) -> &'static str {
        match self {
            Format::Brainscape => {
                "Brainscape: card number, `Q`, question \"(N)\", `A`, `•` bullets, 1–5 scale"
            }
            Format::Quizlet => {
                "Quizlet-style list: a heading line (the question), then `-` or numbered lines"
            }
            Format::Quizpage => {
                "Quiz page: each question printed twice, `(correct)` choices, True/False, short answers"
            }
        }
    }
}

/// A converted deck and what the conversion did to get it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Conversion {
    pub deck: ConvertedDeck,
    pub report: Report,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConvertedDeck {
    /// The page's title, when the text gives one.
    pub title: Option<String>,
    pub cards: Vec<ConvertedCard>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConvertedCard {
    pub question: String,
    /// The answer items, at least one; a single item is written as text.
    pub answer: Vec<String>,
    pub points: Option<u32>,
    pub note: Option<String>,
    /// A true/false or multiple-choice item, written as a card of that kind.
    pub graded: Option<Graded>,
    /// The line of the input where the question is.
    pub line: usize,
}

/// The quiz items that become graded cards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Graded {
    TrueFalse(bool),
    /// Every choice, and the right ones (indices from 0).
    Choice {
        choices: Vec<String>,
        correct: Vec<usize>,
    },
}

/// What the conversion merged, skipped or left out, by input line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// Cards identical to an earlier one (same question and answer), merged into it.
    pub duplicates: Vec<Duplicate>,
    /// Lines of questions the text gives no answer for: skipped, never invented.
    pub unanswered: Vec<usize>,
    /// Where the conversion stopped before the end of the text, if it did.
    pub stopped: Option<Stop>,
    /// Other text that was not converted, with the reason.
    pub ignored: Vec<Ignored>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    pub line: usize,
    pub first_line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stop {
    pub line: usize,
    /// The line that marks the end of what is converted.
    pub text: String,
    /// What follows it, in a few words.
    pub rest: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignored {
    pub line: usize,
    pub reason: String,
}

impl Report {
    /// The detail lines, each `name:line: message`, in input order.
    pub fn details(&self, name: &str) -> Vec<String> {
        let mut lines: Vec<(usize, String)> = Vec::new();
        for d in &self.duplicates {
            lines.push((
                d.line,
                format!("same card as line {}: merged", d.first_line),
            ));
        }
        for i in &self.ignored {
            lines.push((i.line, i.reason.clone()));
        }
        if let Some(stop) = &self.stopped {
            lines.push((
                stop.line,
                format!("stopped at \"{}\": {} not converted", stop.text, stop.rest),
            ));
        }
        lines.sort_by_key(|(line, _)| *line);
        lines
            .into_iter()
            .map(|(line, message)| format!("{name}:{line}: {message}"))
            .collect()
    }

    /// "N cards written, M duplicates merged, K items without an answer
    /// skipped (lines a, b, c)".
    pub fn summary(&self, cards: usize) -> String {
        let mut out = format!(
            "{cards} card{} written, {} duplicate{} merged, {} item{} without an answer skipped",
            plural(cards),
            self.duplicates.len(),
            plural(self.duplicates.len()),
            self.unanswered.len(),
            plural(self.unanswered.len()),
        );
        if !self.unanswered.is_empty() {
            let shown: Vec<String> = self.unanswered.iter().map(usize::to_string).collect();
            let _ = write!(
                out,
                " (line{} {})",
                plural(self.unanswered.len()),
                shown.join(", ")
            );
        }
        out
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Converts the copied text of a page in `format`.
pub fn convert(format: Format, text: &str) -> Conversion {
    // Control and bidi characters are capture debris (and `check` refuses
    // them): they become spaces before anything reads the text.
    let visible: String = text
        .chars()
        .map(|c| {
            if c.is_control() && !matches!(c, '\n' | '\r' | '\t') || crate::text::is_bidi_control(c)
            {
                ' '
            } else {
                c
            }
        })
        .collect();
    let lines = lines(&visible);
    let mut conversion = match format {
        Format::Brainscape => brainscape::parse(&lines),
        Format::Quizlet => quizlet::parse(&lines),
        Format::Quizpage => quizpage::parse(&lines),
    };
    merge_duplicates(&mut conversion);
    conversion
}

/// One line of the input: its number (1-based) and its text, trimmed.
#[derive(Debug, Clone, Copy)]
struct Line<'t> {
    number: usize,
    text: &'t str,
}

fn lines(text: &str) -> Vec<Line<'_>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // `\r\n` and a lone `\r` (old Mac captures) both end a line.
    text.split('\n')
        .flat_map(|line| line.strip_suffix('\r').unwrap_or(line).split('\r'))
        .scan(0, |number, raw| {
            *number += 1;
            Some(Line {
                number: *number,
                text: raw.trim(),
            })
        })
        .collect()
}

/// Lines every captured page carries and that are never card content:
/// page headings, sign-up prompts, licence and sharing blocks.
fn is_furniture(text: &str) -> bool {
    const EXACT: &[&str] = &[
        "flashcards",
        "signup and view all the flashcards",
        "sign up and view all the flashcards",
        "studying that suits you",
        "use ai to generate personalized quizzes and flashcards to suit your learning preferences.",
        "podcast",
        "questions and answers",
        "licence et utilisation",
        "license and use",
        "afficher les détails des licences",
        "partager",
        "share",
        "détails",
    ];
    const PREFIXES: &[&str] = &[
        "gratuit pour un usage personnel",
        "free for personal use",
        "publié le ",
        "published on ",
    ];
    let lower = text.trim().to_lowercase();
    if EXACT.contains(&lower.as_str()) || PREFIXES.iter().any(|p| lower.starts_with(p)) {
        return true;
    }
    // The document sheet's "Catégorie Management", "Langue French".
    ["catégorie ", "langue "].iter().any(|p| {
        lower
            .strip_prefix(p)
            .is_some_and(|rest| !rest.is_empty() && !rest.contains(char::is_whitespace))
    })
}

/// The deck title from a page's first line "<title> Flashcards".
fn page_title(text: &str) -> Option<String> {
    let title = text.strip_suffix("Flashcards")?.trim_end();
    (!title.is_empty()).then(|| clean(title))
}

/// Runs of spaces and tabs become one space; the ends are trimmed.
fn clean(text: &str) -> String {
    text.split([' ', '\t'])
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Answers that say nothing: the capture's stand-ins for an empty answer.
fn is_placeholder(item: &str) -> bool {
    matches!(item.trim(), "" | "-" | "…" | "..." | "?")
}

/// Drops placeholder items; `None` when nothing is left, so the caller
/// reports the question instead of writing an empty answer.
fn real_answer(items: Vec<String>) -> Option<Vec<String>> {
    let items: Vec<String> = items
        .into_iter()
        .map(|item| clean(&item))
        .filter(|item| !is_placeholder(item))
        .collect();
    (!items.is_empty()).then_some(items)
}

/// Merges cards with the same question and answer into the first one.
fn merge_duplicates(conversion: &mut Conversion) {
    let mut kept: Vec<ConvertedCard> = Vec::with_capacity(conversion.deck.cards.len());
    for card in std::mem::take(&mut conversion.deck.cards) {
        let first = kept
            .iter()
            .find(|k| k.question == card.question && k.answer == card.answer);
        match first {
            Some(first) => conversion.report.duplicates.push(Duplicate {
                line: card.line,
                first_line: first.line,
            }),
            None => kept.push(card),
        }
    }
    conversion.deck.cards = kept;
}

/// The deck as YAML in our format: every text double-quoted, 2-space
/// indentation, a single answer item as text and several as a list.
pub fn to_yaml(deck: &ConvertedDeck, title: &str, source: Option<&str>, format: Format) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Written by `fiches convert --from {}`: read it through before use.",
        format.as_str()
    );
    let _ = writeln!(out, "title: {}", quote(title));
    if let Some(source) = source {
        let _ = writeln!(out, "source: {}", quote(source));
    }
    if deck.cards.is_empty() {
        out.push_str("cards: []\n");
        return out;
    }
    out.push_str("cards:\n");
    for card in &deck.cards {
        match &card.graded {
            Some(Graded::TrueFalse(answer)) => {
                let _ = writeln!(out, "  - kind: truefalse");
                let _ = writeln!(out, "    q: {}", quote(&card.question));
                let _ = writeln!(out, "    answer: {answer}");
            }
            Some(Graded::Choice { choices, correct }) => {
                let _ = writeln!(out, "  - kind: choice");
                let _ = writeln!(out, "    q: {}", quote(&card.question));
                out.push_str("    choices:\n");
                for choice in choices {
                    let _ = writeln!(out, "      - {}", quote(choice));
                }
                let numbers: Vec<String> = correct.iter().map(|i| (i + 1).to_string()).collect();
                let _ = writeln!(out, "    correct: [{}]", numbers.join(", "));
            }
            None => {
                let _ = writeln!(out, "  - q: {}", quote(&card.question));
            }
        }
        if let Some(points) = card.points {
            let _ = writeln!(out, "    points: {points}");
        }
        if card.graded.is_some() {
            if let Some(note) = &card.note {
                let _ = writeln!(out, "    note: {}", quote(note));
            }
            continue;
        }
        match card.answer.as_slice() {
            [single] => {
                let _ = writeln!(out, "    a: {}", quote(single));
            }
            items => {
                out.push_str("    a:\n");
                for item in items {
                    let _ = writeln!(out, "      - {}", quote(item));
                }
            }
        }
        if let Some(note) = &card.note {
            let _ = writeln!(out, "    note: {}", quote(note));
        }
    }
    out
}

/// A YAML double-quoted scalar. JSON string escapes are valid YAML
/// double-quoted escapes. Control characters (other than line breaks and
/// tabs) are capture debris that `check` refuses: they become spaces.
/// Characters YAML does not allow unescaped (the byte-order mark,
/// non-characters) or reads as line breaks in its older version (U+2028,
/// U+2029) are escaped, and so are bidi controls.
pub(crate) fn quote(text: &str) -> String {
    let visible: String = text
        .chars()
        .map(|c| {
            if c.is_control() && !matches!(c, '\n' | '\t') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let json = serde_json::to_string(&visible).unwrap_or_else(|_| "\"\"".to_string());
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        let code = u32::from(c);
        // Bidi controls stay, escaped: `check` then points at them.
        if matches!(code, 0x2028 | 0x2029 | 0xfeff | 0xfffe | 0xffff)
            || crate::text::is_bidi_control(c)
        {
            let _ = write!(out, "\\u{code:04x}");
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::deck::{Answer, Deck, Severity, parse_deck};

    /// The deck `yaml` reads as; any error fails the test, with `context`,
    /// the YAML and the errors.
    #[track_caller]
    fn loads_cleanly(yaml: &str, context: &str) -> Deck {
        let loaded = parse_deck(Path::new("out.yaml"), yaml.as_bytes());
        let errors: Vec<_> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{context}\n{yaml}\n{errors:?}");
        loaded.deck.expect("a deck without errors")
    }

    fn card(question: &str, answer: &[&str], line: usize) -> ConvertedCard {
        ConvertedCard {
            question: question.into(),
            answer: answer.iter().map(|a| (*a).to_string()).collect(),
            points: None,
            note: None,
            graded: None,
            line,
        }
    }

    #[test]
    fn lines_are_numbered_trimmed_and_split_on_any_line_end() {
        let found: Vec<(usize, &str)> = lines("\u{feff}a\r\n  b \rc\n")
            .iter()
            .map(|l| (l.number, l.text))
            .collect();
        assert_eq!(found, vec![(1, "a"), (2, "b"), (3, "c"), (4, "")]);
    }

    #[test]
    fn furniture_is_recognised_and_content_is_not() {
        for line in [
            "Signup and view all the flashcards",
            "Flashcards",
            "Studying That Suits You",
            "Podcast",
            "Questions and Answers",
            "Licence et utilisation",
            "Gratuit pour un usage personnel Attribution requise- Détails",
            "Partager",
            "Publié le Aoû 22, 2021",
            "Langue French",
            "Catégorie Management",
        ] {
            assert!(is_furniture(line), "{line}");
        }
        for line in [
            "Langue et culture du client",
            "Partager l'information avec le client",
            "plainte Flashcards",
        ] {
            assert!(!is_furniture(line), "{line}");
        }
    }

    #[test]
    fn page_titles_lose_the_flashcards_suffix() {
        assert_eq!(page_title("plainte Flashcards").as_deref(), Some("plainte"));
        assert_eq!(page_title("Flashcards"), None);
        assert_eq!(page_title("Quelles sont les possibilités"), None);
    }

    #[test]
    fn exact_duplicates_are_merged_into_the_first() {
        let mut conversion = Conversion::default();
        conversion.deck.cards = vec![
            card("Q1", &["a", "b"], 2),
            card("Q1", &["a"], 5),
            card("Q1", &["a", "b"], 9),
        ];
        merge_duplicates(&mut conversion);
        assert_eq!(conversion.deck.cards.len(), 2);
        assert_eq!(
            conversion.report.duplicates,
            vec![Duplicate {
                line: 9,
                first_line: 2
            }]
        );
    }

    #[test]
    fn the_report_counts_and_lists_lines() {
        let report = Report {
            duplicates: vec![Duplicate {
                line: 26,
                first_line: 19,
            }],
            unanswered: vec![15, 17],
            stopped: Some(Stop {
                line: 95,
                text: "Flashcards".into(),
                rest: "the rest of the page is",
            }),
            ignored: vec![Ignored {
                line: 3,
                reason: "why".into(),
            }],
        };
        assert_eq!(
            report.summary(12),
            "12 cards written, 1 duplicate merged, 2 items without an answer skipped (lines 15, 17)"
        );
        assert_eq!(
            report.details("in.txt"),
            vec![
                "in.txt:3: why",
                "in.txt:26: same card as line 19: merged",
                "in.txt:95: stopped at \"Flashcards\": the rest of the page is not converted",
            ]
        );
        let one = Report {
            unanswered: vec![358],
            ..Report::default()
        };
        assert_eq!(
            one.summary(1),
            "1 card written, 0 duplicates merged, 1 item without an answer skipped (line 358)"
        );
        assert_eq!(
            Report::default().summary(3),
            "3 cards written, 0 duplicates merged, 0 items without an answer skipped"
        );
    }

    #[test]
    fn yaml_output_round_trips_through_the_loader() {
        let awkward =
            "- \"quoted\" : colon # hash \\ back\ttab \u{85} \u{2028} \u{7f} \u{feff} *star &amp";
        let mut with_points = card("Q ?", &["x", "y"], 1);
        with_points.points = Some(2);
        with_points.note = Some("Autres choix : a ; b".into());
        let deck = ConvertedDeck {
            title: None,
            cards: vec![
                with_points,
                card(awkward, &[awkward], 3),
                card("yes", &["42"], 4),
            ],
        };
        let yaml = to_yaml(&deck, "Titre: « x »", Some("../in.txt"), Format::Quizlet);
        assert!(yaml.contains("\n  - q: \"Q ?\"\n    points: 2\n    a:\n      - \"x\"\n      - \"y\"\n    note: \"Autres choix : a ; b\"\n"), "{yaml}");
        let parsed = loads_cleanly(&yaml, "");
        assert_eq!(parsed.title, "Titre: « x »");
        assert_eq!(parsed.source.as_deref(), Some("../in.txt"));
        // Control characters are dropped (as spaces); everything else comes through.
        let visible = awkward.replace(['\u{85}', '\u{7f}'], " ");
        assert_eq!(parsed.cards[1].question, visible);
        assert_eq!(parsed.cards[1].answer, Answer::Text(visible));
        assert_eq!(parsed.cards[2].question, "yes");
        assert_eq!(parsed.cards[2].answer, Answer::Text("42".into()));
    }

    #[test]
    fn an_empty_deck_is_still_valid_yaml() {
        let yaml = to_yaml(&ConvertedDeck::default(), "T", None, Format::Quizpage);
        loads_cleanly(&yaml, "an empty deck");
    }

    /// Found by the fuzzer: an item made only of a control character came
    /// out empty once the character was blanked.
    #[test]
    fn control_characters_never_leave_an_empty_item() {
        for format in [Format::Brainscape, Format::Quizlet, Format::Quizpage] {
            for text in [
                "1\nQ\n\u{1a}Question (2) ?\nA\n• \u{1f}\n• deux\n",
                "Question ?\n- \u{7f}\n- vraie\n",
                "Question ?\nQuestion ?\n\u{85}\n",
            ] {
                let conversion = convert(format, text);
                let yaml = to_yaml(&conversion.deck, "T", None, format);
                loads_cleanly(&yaml, &format!("{format:?} {text:?}"));
            }
        }
    }

    /// Whatever the text, every format gives a deck that loads without errors.
    #[test]
    fn any_text_converts_to_a_loadable_deck() {
        let pieces = [
            "1",
            "Q",
            "A",
            "",
            "• x",
            "- y",
            "-",
            "(2) ?",
            "()",
            "How well did you know this?",
            "TITRE EN CAPITALES",
            "Titre :",
            "** note",
            "1. un",
            "True (A)",
            "False (B)",
            "- c (correct)",
            "\"",
            "\\",
            "\t",
            "Flashcards",
            "Study Notes",
            "a - b",
            "X-non",
        ];
        let mut state: u64 = 0x1234_5678;
        for round in 0..600 {
            let mut text = String::new();
            for _ in 0..(round % 40) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let piece = pieces[usize::try_from(state % pieces.len() as u64).unwrap()];
                text.push_str(piece);
                text.push(if state.is_multiple_of(5) { ' ' } else { '\n' });
            }
            for format in [Format::Brainscape, Format::Quizlet, Format::Quizpage] {
                let conversion = convert(format, &text);
                for c in &conversion.deck.cards {
                    assert!(!c.question.trim().is_empty(), "{format:?} {text:?}");
                    assert!(!c.answer.is_empty(), "{format:?} {text:?}");
                }
                let yaml = to_yaml(&conversion.deck, "T", None, format);
                loads_cleanly(&yaml, &format!("{format:?} {text:?}"));
            }
        }
    }
}
