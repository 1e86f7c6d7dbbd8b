//! `fiches stats`: where each deck stands.

use std::collections::BTreeMap;
use std::io::{self, Write};

use chrono::NaiveDate;

use crate::cli::StatsArgs;
use crate::clock;
use crate::review::exam_plan::{self, Coverage, MinutesFrom};
use crate::review::plan;
use crate::review::standing::{self, Standing};
use crate::store::Store;

use super::{Failure, Status};

pub fn run(
    args: &StatsArgs,
    db: Option<&std::path::Path>,
    scheduling: crate::review::scheduler::Scheduling,
) -> Result<Status, Failure> {
    let now = clock::now()?;
    let today = clock::study_day(now);
    if let Some(refusal) = args.exam.and_then(|exam| plan::exam_refusal(exam, today)) {
        return Err(Failure::usage(refusal));
    }
    if let Some(exam) = args
        .exam
        .filter(|exam| plan::exam_to_come(Some(*exam), today).is_none())
    {
        eprintln!(
            "fiches: the exam day {exam} is not to come (the study day is {today}): there is no exam plan to show"
        );
    }
    let (mut store, selection, nothing) = super::report_store(&args.select.decks, db, now)?;
    if nothing && !args.json && super::interactive() {
        return Ok(Status::Success);
    }
    let status = selection.status();
    if !args.tags.is_empty() {
        return super::tags::stats(
            &store,
            &selection.decks,
            &args.tags,
            today,
            args.json,
            (status, scheduling),
        );
    }
    if args.calibration {
        return super::calibration::run(&store, &selection.decks, args.json, status);
    }
    if !args.json && super::interactive() {
        let screen = crate::ui::intents::open_stats_scheduled(
            &store,
            &selection.decks,
            today,
            args.exam,
            scheduling,
        )?;
        return super::run_screens(Box::new(screen), Some(&mut store), scheduling);
    }
    let stats = standing::read(&store, &selection.decks, today, args.exam, scheduling)?;
    let (minutes, minutes_from, covers) = exam_coverage(&store, &stats, today, args.minutes)?;
    let mut out = crate::text::SafeWriter::new(io::stdout().lock());
    let written = if args.json {
        #[derive(serde::Serialize)]
        struct Document<'a> {
            today: String,
            decks: &'a [Standing],
            /// The minutes a day the coverage assumes, and where they come
            /// from (with an exam to come only, as the coverage).
            #[serde(skip_serializing_if = "Option::is_none")]
            minutes_a_day: Option<u32>,
            #[serde(skip_serializing_if = "Option::is_none")]
            minutes_from: Option<MinutesFrom>,
            /// For each exam day to come: whether those minutes see every card in time.
            #[serde(skip_serializing_if = "<[_]>::is_empty")]
            coverage: &'a [ExamCoverage],
        }
        let document = Document {
            today: today.format("%Y-%m-%d").to_string(),
            decks: &stats,
            minutes_a_day: (!covers.is_empty()).then_some(minutes),
            minutes_from: (!covers.is_empty()).then_some(minutes_from),
            coverage: &covers,
        };
        super::write_json(&mut out, &document)
    } else {
        print_table(&mut out, &stats, &today.format("%Y-%m-%d").to_string())
            .and_then(|()| print_coverage(&mut out, &covers, &minutes_from.words(minutes)))
    };
    super::written(written, "the stats", status)
}

/// Whether the minutes a day see every card of the decks planned to one
/// exam day before it (the decks sharing a day share the minutes).
#[derive(Debug, Clone, serde::Serialize)]
struct ExamCoverage {
    exam: NaiveDate,
    decks: Vec<String>,
    #[serde(flatten)]
    coverage: Coverage,
    /// "At 10 minutes a day, 37 cards will not be seen …", when they cannot.
    warning: Option<String>,
}

fn exam_coverage(
    store: &Store,
    stats: &[Standing],
    today: NaiveDate,
    given: Option<u32>,
) -> Result<(u32, MinutesFrom, Vec<ExamCoverage>), Failure> {
    let pace = store.read_consistently(|store| crate::review::pace(store, given))?;
    let (seconds, minutes, from) = (pace.seconds_per_card, pace.minutes, pace.minutes_from);
    let mut by_day: BTreeMap<NaiveDate, (Vec<String>, usize)> = BTreeMap::new();
    for Standing { deck, exam, .. } in stats {
        if let Some(exam) = exam {
            let entry = by_day.entry(exam.date).or_default();
            entry.0.push(deck.deck.to_string());
            entry.1 += exam.unseen;
        }
    }
    let covers = by_day
        .into_iter()
        .map(|(exam, (decks, unseen))| {
            let coverage = exam_plan::coverage(unseen, today, exam, minutes, seconds);
            ExamCoverage {
                warning: coverage.warning(exam),
                exam,
                decks,
                coverage,
            }
        })
        .collect();
    Ok((minutes, from, covers))
}

fn print_coverage(out: &mut impl Write, covers: &[ExamCoverage], assumed: &str) -> io::Result<()> {
    for cover in covers {
        writeln!(out)?;
        match &cover.warning {
            Some(warning) => writeln!(out, "{warning}")?,
            None => writeln!(
                out,
                "Every card is seen before {}: the {} never seen fit in the days left.",
                cover.exam, cover.coverage.unseen
            )?,
        }
        writeln!(out, "(Planned {assumed}.)")?;
    }
    Ok(())
}

fn print_table(out: &mut impl Write, stats: &[Standing], today: &str) -> io::Result<()> {
    writeln!(out, "Study day {today}")?;
    for standing in stats {
        let Standing { deck: s, exam, .. } = standing;
        writeln!(out)?;
        writeln!(
            out,
            "{} ({})",
            crate::text::one_line(&s.title),
            crate::text::one_line(&s.deck.to_string())
        )?;
        writeln!(out, "  {}", standing::cards_line(s))?;
        writeln!(out, "  {}", standing::due_line(s))?;
        if let Some(line) = standing::scheduler_line(standing) {
            writeln!(out, "  {line}")?;
        }
        writeln!(out, "  {}", standing::ratings_line(s, None))?;
        writeln!(out, "  {}", standing::retention_line(s))?;
        if let Some(exam) = exam {
            let days: Vec<String> = exam.due_until_exam.iter().map(usize::to_string).collect();
            writeln!(
                out,
                "  {}; due until then: {}",
                standing::exam_line(exam),
                days.join(" ")
            )?;
        }
    }
    Ok(())
}
