//! `fiches report`: the logs of many students merged into what an
//! instructor asks of a course: per card, deck and tag, how many students
//! met it, how often it was forgotten, how well it was first known, how
//! much of its answer was recalled; and the hardest cards. A graded card's
//! verdict (right, partly, wrong) is better evidence than the student's own
//! rating of it: where the log carries one, the lapses and the first
//! ratings are read from it.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;

use serde::Serialize;

use super::log::LogLine;
use crate::sched::{Rating, Verdict};

/// How many of the hardest cards the report lists.
pub const HARDEST: usize = 20;

/// The figures of a card, a deck or a tag.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    pub students: usize,
    pub reviews: usize,
    /// Lapses among the ratings that moved the schedule: a rating below 3,
    /// or, for a graded card, an answer graded wrong (whatever its rating).
    pub lapse_rate: Option<f64>,
    /// The mean of each student's first rating; for a graded card, the
    /// rating its verdict proposes (wrong 1, partly 3, right 4).
    pub mean_first_rating: Option<f64>,
    /// Answer items ticked as recalled, of the items of the ratings ticked.
    pub ticked_share: Option<f64>,
    /// Reviews that carry a graded card's verdict.
    pub graded: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CardFigures {
    pub deck: String,
    pub file: String,
    pub line: u32,
    pub card: String,
    pub question: String,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupFigures {
    pub name: String,
    pub cards: usize,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub students: usize,
    pub reviews: usize,
    /// Lines given more than once (the same log passed twice), counted once.
    pub duplicates: usize,
    pub cards: Vec<CardFigures>,
    pub decks: Vec<GroupFigures>,
    pub tags: Vec<GroupFigures>,
    /// At most [`HARDEST`], hardest first.
    pub hardest: Vec<CardFigures>,
}

#[derive(Default)]
struct Tally {
    students: BTreeSet<String>,
    cards: BTreeSet<(String, String)>,
    reviews: usize,
    graded: usize,
    scheduled: usize,
    lapses: usize,
    first_sum: u64,
    firsts: usize,
    ticked: u64,
    items: u64,
}

impl Tally {
    fn add(&mut self, line: &LogLine, first: bool) {
        self.students.insert(line.student.clone());
        self.cards.insert((line.deck.clone(), line.card.clone()));
        self.reviews += 1;
        self.graded += usize::from(line.verdict.is_some());
        let evidence = evidence(line);
        if line.scheduled {
            self.scheduled += 1;
            if !evidence.is_pass() {
                self.lapses += 1;
            }
        }
        if first {
            self.first_sum += u64::from(evidence.value());
            self.firsts += 1;
        }
        if let Some(ticks) = &line.ticks
            && line.items > 0
        {
            let distinct: HashSet<&usize> =
                ticks.iter().filter(|&&t| t < line.items as usize).collect();
            self.ticked += distinct.len() as u64;
            self.items += u64::from(line.items);
        }
    }

    fn figures(&self) -> Figures {
        let ratio = |a: u64, b: u64| (b > 0).then(|| a as f64 / b as f64);
        Figures {
            students: self.students.len(),
            reviews: self.reviews,
            lapse_rate: ratio(self.lapses as u64, self.scheduled as u64),
            mean_first_rating: ratio(self.first_sum, self.firsts as u64),
            ticked_share: ratio(self.ticked, self.items),
            graded: self.graded,
        }
    }
}

/// What a line says of how well the card was known: a graded card's
/// verdict, as the rating it proposes, rather than the student's own rating.
fn evidence(line: &LogLine) -> Rating {
    line.verdict.map_or(line.rating, Verdict::proposed)
}

/// Merges the lines of every log (in their order: a student's first rating
/// of a card is the first line of it).
pub fn report(lines: &[LogLine]) -> Report {
    let mut seen = HashSet::new();
    let mut firsts = HashSet::new();
    let mut duplicates = 0;
    let mut students = BTreeSet::new();
    let mut cards: BTreeMap<(String, String), (LogLine, Tally)> = BTreeMap::new();
    let mut decks: BTreeMap<String, Tally> = BTreeMap::new();
    let mut tags: BTreeMap<String, Tally> = BTreeMap::new();
    let mut reviews = 0;
    for line in lines {
        if !seen.insert((line.student.as_str(), line.review)) {
            duplicates += 1;
            continue;
        }
        reviews += 1;
        students.insert(line.student.clone());
        let first = firsts.insert((
            line.student.as_str(),
            line.deck.as_str(),
            line.card.as_str(),
        ));
        let key = (line.deck.clone(), line.card.clone());
        let entry = cards
            .entry(key)
            .or_insert_with(|| (line.clone(), Tally::default()));
        // The latest line says where the card is now.
        entry.0 = line.clone();
        entry.1.add(line, first);
        decks.entry(line.deck.clone()).or_default().add(line, first);
        for tag in &line.tags {
            tags.entry(tag.clone()).or_default().add(line, first);
        }
    }
    let cards: Vec<CardFigures> = cards
        .into_values()
        .map(|(line, tally)| CardFigures {
            deck: line.deck,
            file: line.file,
            line: line.line,
            card: line.card,
            question: line.question,
            figures: tally.figures(),
        })
        .collect();
    let group = |(name, tally): (String, Tally)| GroupFigures {
        name,
        cards: tally.cards.len(),
        figures: tally.figures(),
    };
    let mut hardest = cards.clone();
    // Most often forgotten first, then the worst first known, then the most met.
    hardest.sort_by(|a, b| {
        let (fa, fb) = (&a.figures, &b.figures);
        fb.lapse_rate
            .unwrap_or(0.0)
            .total_cmp(&fa.lapse_rate.unwrap_or(0.0))
            .then(
                fa.mean_first_rating
                    .unwrap_or(5.0)
                    .total_cmp(&fb.mean_first_rating.unwrap_or(5.0)),
            )
            .then(fb.students.cmp(&fa.students))
            .then(fb.reviews.cmp(&fa.reviews))
    });
    hardest.truncate(HARDEST);
    Report {
        students: students.len(),
        reviews,
        duplicates,
        cards,
        decks: decks.into_iter().map(group).collect(),
        tags: tags.into_iter().map(group).collect(),
        hardest,
    }
}

fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_string(), |v| format!("{:.0} %", v * 100.0))
}

fn mean(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_string(), |v| format!("{v:.1}"))
}

/// A table cell in Markdown: on one line, its pipes escaped.
fn cell(text: &str) -> String {
    crate::text::one_line(text)
        .replace('\\', "\\\\")
        .replace('|', "\\|")
}

/// "2 students, 5 ratings".
fn counted(report: &Report) -> String {
    format!(
        "{} student{}, {} rating{}",
        report.students,
        plural(report.students),
        report.reviews,
        plural(report.reviews)
    )
}

/// The report as Markdown tables, to paste into a course page.
pub fn to_markdown(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Class report\n\n{}.\n", counted(report));
    let _ = writeln!(out, "## The {} hardest cards\n", report.hardest.len());
    card_table(&mut out, &report.hardest);
    for (title, groups) in [("By deck", &report.decks), ("By tag", &report.tags)] {
        let _ = writeln!(out, "\n## {title}\n");
        let rows = groups
            .iter()
            .map(|g| (format!("{} | {}", cell(&g.name), g.cards), &g.figures));
        table(&mut out, "Name | Cards", "---|---:", rows);
    }
    out.push_str("\n## Every card\n\n");
    card_table(&mut out, &report.cards);
    out
}

/// The figures' columns of a Markdown table, after a row's own.
const FIGURE_HEADER: &str =
    "Students | Reviews | Lapse rate | Mean first rating | Ticked | Graded |";
const FIGURE_RULE: &str = "---:|---:|---:|---:|---:|---:|";

/// A Markdown table whose rows have their own cells (under `head`, aligned
/// by `rule`), then the figures.
fn table<'a>(
    out: &mut String,
    head: &str,
    rule: &str,
    rows: impl Iterator<Item = (String, &'a Figures)>,
) {
    let _ = writeln!(out, "| {head} | {FIGURE_HEADER}\n|{rule}|{FIGURE_RULE}");
    for (cells, f) in rows {
        let _ = writeln!(
            out,
            "| {cells} | {} | {} | {} | {} | {} | {} |",
            f.students,
            f.reviews,
            percent(f.lapse_rate),
            mean(f.mean_first_rating),
            percent(f.ticked_share),
            f.graded
        );
    }
}

/// A Markdown table of `cards`, one row each.
fn card_table(out: &mut String, cards: &[CardFigures]) {
    let rows = cards.iter().map(|c| {
        let cells = format!("{} | {}:{}", cell(&c.question), cell(&c.file), c.line);
        (cells, &c.figures)
    });
    table(out, "Card | Deck file", "---|---", rows);
}

/// The figures in words: "2 students, 3 reviews, lapse rate 67 %, mean
/// first rating 1.5, ticked 50 %", and how many were graded, if any.
fn figure_words(f: &Figures) -> String {
    let mut words = format!(
        "{} student{}, {} review{}, lapse rate {}, mean first rating {}, ticked {}",
        f.students,
        plural(f.students),
        f.reviews,
        plural(f.reviews),
        percent(f.lapse_rate),
        mean(f.mean_first_rating),
        percent(f.ticked_share)
    );
    if f.graded > 0 {
        let _ = write!(words, ", {} graded", f.graded);
    }
    words
}

/// The report as text for a terminal (the caller escapes what it writes).
pub fn to_text(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", counted(report));
    let _ = writeln!(out, "\nThe {} hardest cards:", report.hardest.len());
    for (i, c) in report.hardest.iter().enumerate() {
        let _ = writeln!(
            out,
            "{:>3}. {}:{}  {}\n     {}",
            i + 1,
            c.file,
            c.line,
            crate::text::one_line(&c.question),
            figure_words(&c.figures)
        );
    }
    for (title, groups) in [("By deck", &report.decks), ("By tag", &report.tags)] {
        let _ = writeln!(out, "\n{title}:");
        for g in groups {
            let _ = writeln!(
                out,
                "  {}: {} card{}, {}",
                crate::text::one_line(&g.name),
                g.cards,
                plural(g.cards),
                figure_words(&g.figures)
            );
        }
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The log's test line, of a card of four items, unticked.
    fn line(student: &str, review: i64, card: &str, rating: u8) -> LogLine {
        LogLine {
            question: format!("Question {card} | a"),
            tags: vec!["sac".into()],
            items: 4,
            ticks: None,
            ..crate::class::log::tests::line(student, review, card, rating)
        }
    }

    #[test]
    fn figures_merge_students_and_rank_the_hardest() {
        let lines = vec![
            line("a", 1, "easy", 5),
            line("a", 2, "hard", 2),
            LogLine {
                ticks: Some(vec![0, 1, 1, 9]),
                ..line("a", 3, "hard", 4)
            },
            line("b", 1, "hard", 1),
            line("b", 2, "easy", 4),
            // The same log passed twice.
            line("b", 2, "easy", 4),
        ];
        let r = report(&lines);
        assert_eq!((r.students, r.reviews, r.duplicates), (2, 5, 1));
        let hard = &r.hardest[0];
        assert_eq!(hard.card, "hard");
        assert_eq!(hard.figures.students, 2);
        assert_eq!(hard.figures.reviews, 3);
        assert_eq!(hard.figures.lapse_rate, Some(2.0 / 3.0));
        // Firsts: a rated it 2, b 1.
        assert_eq!(hard.figures.mean_first_rating, Some(1.5));
        // Ticks 0 and 1 (repeats and out of range left out) of 4 items.
        assert_eq!(hard.figures.ticked_share, Some(0.5));
        assert_eq!(r.hardest[1].figures.lapse_rate, Some(0.0));
        assert_eq!(r.hardest[1].figures.mean_first_rating, Some(4.5));
        assert_eq!(r.decks[0].cards, 2);
        assert_eq!(r.tags[0].figures.reviews, 5);

        let md = to_markdown(&r);
        assert!(
            md.starts_with("# Class report\n\n2 students, 5 ratings.\n\n"),
            "{md}"
        );
        assert!(
            md.contains(
                "| Question hard \\| a | plaintes.yaml:7 | 2 | 3 | 67 % | 1.5 | 50 % | 0 |"
            ),
            "{md}"
        );
        let text = to_text(&r);
        assert!(text.starts_with("2 students, 5 ratings\n"), "{text}");
        assert!(
            text.contains("  1. plaintes.yaml:7  Question hard | a"),
            "{text}"
        );
    }

    #[test]
    fn a_graded_card_is_read_by_its_verdict_not_its_rating() {
        let graded =
            |student: &str, review: i64, card: &str, rating: u8, verdict: Verdict| LogLine {
                verdict: Some(verdict),
                ..line(student, review, card, rating)
            };
        let lines = vec![
            // Rated 4 by both, but answered wrong by a: a lapse, first known as a 1.
            graded("a", 1, "vf", 4, Verdict::Wrong),
            graded("b", 1, "vf", 4, Verdict::Right),
            // Rated 1 on a partly right answer: no lapse, first known as a 3.
            graded("a", 2, "choix", 1, Verdict::PartlyRight),
            // Not graded: its own rating counts.
            line("a", 3, "libre", 2),
        ];
        let r = report(&lines);
        let card = |name: &str| &r.cards.iter().find(|c| c.card == name).unwrap().figures;
        assert_eq!(card("vf").lapse_rate, Some(0.5));
        assert_eq!(card("vf").mean_first_rating, Some(2.5));
        assert_eq!(card("vf").graded, 2);
        assert_eq!(card("choix").lapse_rate, Some(0.0));
        assert_eq!(card("choix").mean_first_rating, Some(3.0));
        assert_eq!(card("libre").lapse_rate, Some(1.0));
        assert_eq!(card("libre").graded, 0);
        let hardest: Vec<&str> = r.hardest.iter().map(|c| c.card.as_str()).collect();
        assert_eq!(hardest, ["libre", "vf", "choix"]);
        assert_eq!(r.decks[0].figures.graded, 3);
        let text = to_text(&r);
        assert!(
            text.contains("lapse rate 50 %, mean first rating 2.5, ticked –, 2 graded\n"),
            "{text}"
        );
        assert!(to_markdown(&r).contains("| 2 | 2 | 50 % | 2.5 | – | 2 |"));
    }
}
