//! `fiches readiness`: what the model of memory predicts the student will
//! recall on the exam day (or any day), and how far to trust it.

use std::io::{self, Write};

use chrono::NaiveDate;
use serde::Serialize;

use crate::cli::{ReadinessArgs, ReadinessBy};
use crate::clock;
use crate::memory::readiness::{self, Calibration, Group, Readiness};
use crate::memory::{memory_now, model_of};
use crate::review::exam_plan::{self, Coverage, MinutesFrom};
use crate::text;

use super::{Failure, Status, open_store, select_decks};

#[derive(Serialize)]
struct Document<'a> {
    on: &'a str,
    /// Whether `on` is the decks' exam day.
    exam: bool,
    /// Mean over every selected card (never seen counts 0), if nothing more is studied.
    predicted_recall: f64,
    /// The same if the exam plan is followed every day until then.
    with_plan: f64,
    cards: usize,
    seen: usize,
    /// `--tag`: the cards are those carrying any of these.
    only_tags: &'a [String],
    /// The minutes a day `with_plan` assumes, and where they come from.
    minutes_a_day: u32,
    minutes_from: MinutesFrom,
    coverage: Option<Coverage>,
    model: ModelInfo<'a>,
    decks: Vec<Named<'a>>,
    tags: Vec<Named<'a>>,
    weakest: &'a [readiness::WeakCard],
}

#[derive(Serialize)]
struct ModelInfo<'a> {
    note: &'static str,
    parameters: &'static str,
    fitted_reviews: usize,
    calibration: &'a Calibration,
}

#[derive(Serialize)]
struct Named<'a> {
    #[serde(rename = "name")]
    name: &'a str,
    cards: usize,
    seen: usize,
    predicted_recall: f64,
    with_plan: f64,
}

fn named(groups: &[Group]) -> Vec<Named<'_>> {
    groups
        .iter()
        .map(|g| Named {
            name: &g.name,
            cards: g.cards,
            seen: g.seen,
            predicted_recall: g.predicted_recall,
            with_plan: g.with_plan,
        })
        .collect()
}

pub fn run(args: &ReadinessArgs, db: Option<&std::path::Path>) -> Result<Status, Failure> {
    let now = clock::now()?;
    let today = clock::study_day(now);
    let mut store = open_store(db)?;
    let selection = select_decks(
        &mut store,
        &args.select.decks,
        args.select.decks.is_empty(),
        now,
    )?;
    if selection.decks.is_empty() {
        return Err(super::no_decks());
    }
    let status = selection.status();
    let exam = crate::review::plan::exam_to_come(store.exam_day(&selection.decks)?, today);
    let on = match args.on {
        Some(on) if on < today => {
            return Err(Failure::usage(format!(
                "--on {on} is in the past (today is {today}): give today or a day to come"
            )));
        }
        Some(on) => on,
        None => exam.unwrap_or(today),
    };
    // --tag: the tagged cards alone (an unknown tag is refused, listing the known ones).
    let only = super::tags::only_tagged(&store, &selection.decks, &args.tags)?;
    let stored = store.stored_model()?;
    let model = model_of(&stored);
    let (mut cards, pace) = store.read_consistently(|store| {
        Ok::<_, crate::store::StoreError>((
            store.model_cards(&selection.decks, stored.version, false)?,
            crate::review::pace(store, args.minutes)?,
        ))
    })?;
    if let Some(only) = &only {
        cards.retain(|card| only.contains(&card.id));
    }
    // A deck's own tags count for each of its cards.
    let deck_tags = store.deck_tags(&selection.decks)?;
    for card in &mut cards {
        if let Some((_, tags)) = deck_tags.iter().find(|(deck, _)| *deck == card.deck) {
            card.tags = crate::review::tags::with_deck_tags(&card.tags, tags);
        }
    }
    let titles = store.deck_titles(&selection.decks)?;
    let memories: Vec<_> = cards.iter().map(|c| memory_now(&model, c)).collect();
    let (seconds, minutes, minutes_from) = (pace.seconds_per_card, pace.minutes, pace.minutes_from);
    let report = readiness::readiness(
        &model,
        &cards,
        &memories,
        &titles,
        today,
        on,
        (Some(minutes), seconds),
    );
    let calibration = readiness::calibration(&model, &crate::review::outlook::whole_logs(&cards));
    let coverage = (on > today)
        .then(|| exam_plan::coverage(report.cards - report.seen, today, on, minutes, seconds));
    let mut out = text::SafeWriter::new(io::stdout().lock());
    let written = if args.json {
        let document = Document {
            on: &report.on,
            exam: exam == Some(on),
            predicted_recall: report.predicted_recall,
            with_plan: report.with_plan,
            cards: report.cards,
            seen: report.seen,
            only_tags: &args.tags,
            minutes_a_day: minutes,
            minutes_from,
            coverage,
            model: ModelInfo {
                note: "a prediction of a model of memory (FSRS), not a measurement",
                parameters: match model.source {
                    crate::memory::Source::Defaults => "defaults",
                    crate::memory::Source::Fitted { .. } => "fitted",
                    crate::memory::Source::Adjusted { .. } => "adjusted",
                },
                fitted_reviews: stored.fitted_reviews,
                calibration: &calibration,
            },
            decks: named(&report.decks),
            tags: named(&report.tags),
            weakest: &report.weakest,
        };
        super::write_json(&mut out, &document)
    } else {
        print_text(
            &mut out,
            &report,
            (today, on, exam == Some(on)),
            &readiness::source_words(model.source),
            &calibration,
            (coverage, minutes_from.words(minutes)),
            (args.by, &args.tags),
        )
    };
    super::written(written, "the readiness", status)
}

fn percent(share: f64) -> String {
    format!("{:.0} %", share * 100.0)
}

fn print_text(
    out: &mut impl Write,
    report: &Readiness,
    (today, on, is_exam): (NaiveDate, NaiveDate, bool),
    source: &str,
    calibration: &Calibration,
    (coverage, assumed): (Option<Coverage>, String),
    (by, only_tags): (ReadinessBy, &[String]),
) -> io::Result<()> {
    let when = match readiness::days_to(today, on) {
        0 => "today".to_string(),
        1 => "tomorrow".to_string(),
        n => format!("in {n} days"),
    };
    writeln!(
        out,
        "Readiness on {}{} ({when})",
        report.on,
        if is_exam { ", the exam day" } else { "" }
    )?;
    if !only_tags.is_empty() {
        let tags: Vec<String> = only_tags
            .iter()
            .map(|t| text::one_line(t).into_owned())
            .collect();
        writeln!(
            out,
            "Only the {} card{} tagged {}.",
            report.cards,
            if report.cards == 1 { "" } else { "s" },
            tags.join(" or ")
        )?;
    }
    writeln!(
        out,
        "A prediction of a model of memory, not a measurement: {source}."
    )?;
    match calibration.error {
        Some(error) => writeln!(
            out,
            "So far its predictions for you were off by {:.0} points on average ({} reviews to judge by).",
            error * 100.0,
            calibration.reviews
        )?,
        None => writeln!(out, "There is no review yet to judge its predictions by.")?,
    }
    writeln!(
        out,
        "\"With the plan\" follows the exam plan every day {assumed}."
    )?;
    writeln!(out)?;
    let groups = match by {
        ReadinessBy::Deck => &report.decks,
        ReadinessBy::Tag => &report.tags,
    };
    let width = groups
        .iter()
        .map(|g| unicode_width::UnicodeWidthStr::width(text::one_line(&g.name).as_ref()))
        .max()
        .unwrap_or(0)
        .max(12);
    writeln!(
        out,
        "{:width$}  {:>6}  {:>6}  {:>15}  {:>13}",
        match by {
            ReadinessBy::Deck => "deck",
            ReadinessBy::Tag => "tag",
        },
        "cards",
        "seen",
        "if you stop now",
        "with the plan"
    )?;
    let mut row = |name: &str, cards, seen, alone, planned| {
        let shown = text::one_line(name);
        let pad = width.saturating_sub(unicode_width::UnicodeWidthStr::width(shown.as_ref()));
        writeln!(
            out,
            "{shown}{}  {cards:>6}  {seen:>6}  {:>15}  {:>13}",
            " ".repeat(pad),
            percent(alone),
            percent(planned)
        )
    };
    row(
        "all",
        report.cards,
        report.seen,
        report.predicted_recall,
        report.with_plan,
    )?;
    for g in groups {
        row(&g.name, g.cards, g.seen, g.predicted_recall, g.with_plan)?;
    }
    if let Some(warning) = coverage.and_then(|c| c.warning(on)) {
        writeln!(out)?;
        writeln!(out, "{warning}")?;
    }
    if !report.weakest.is_empty() {
        writeln!(out)?;
        writeln!(out, "The weakest cards:")?;
        for card in &report.weakest {
            writeln!(
                out,
                "  {:>5}  {}:{}  {}{}",
                percent(card.predicted_recall),
                text::one_line(&card.deck),
                card.line,
                text::one_line(&card.question),
                if card.seen { "" } else { " (never seen)" }
            )?;
        }
    }
    Ok(())
}
