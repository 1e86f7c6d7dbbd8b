//! `fiches stats`: where each deck stands.

use std::io::{self, Write};

use crate::cli::StatsArgs;
use crate::clock;
use crate::review::plan;
use crate::review::standing::{self, Standing};

use super::{Failure, Status, open_store, select_decks};

pub fn run(args: &StatsArgs, db: Option<&std::path::Path>) -> Result<Status, Failure> {
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
    let nothing = super::nothing_to_show(&args.decks, db);
    if nothing {
        super::say_nothing_yet();
        if !args.json && super::interactive() {
            return Ok(Status::Success);
        }
    }
    let mut store = if nothing {
        crate::store::Store::in_memory()?
    } else {
        open_store(db)?
    };
    let selection = select_decks(&mut store, &args.decks, args.decks.is_empty(), now)?;
    let status = selection.status();
    if !args.tags.is_empty() {
        return super::tags::stats(
            &store,
            &selection.decks,
            &args.tags,
            today,
            args.json,
            status,
        );
    }
    if args.calibration {
        return super::calibration::run(&store, &selection.decks, args.json, status);
    }
    if !args.json && super::interactive() {
        let screen = crate::ui::intents::open_stats(&store, &selection.decks, today, args.exam)?;
        return super::run_screens(Box::new(screen), Some(&mut store));
    }
    let stats = standing::read(&store, &selection.decks, today, args.exam)?;
    let mut out = crate::text::SafeWriter::new(io::stdout().lock());
    let written = if args.json {
        #[derive(serde::Serialize)]
        struct Document<'a> {
            today: String,
            decks: &'a [Standing],
        }
        let document = Document {
            today: today.format("%Y-%m-%d").to_string(),
            decks: &stats,
        };
        serde_json::to_string_pretty(&document)
            .map_err(io::Error::other)
            .and_then(|json| writeln!(out, "{}", crate::text::json_safe(json)))
    } else {
        print_table(&mut out, &stats, &today.format("%Y-%m-%d").to_string())
    };
    super::written(written, "the stats", status)
}

fn print_table(out: &mut impl Write, stats: &[Standing], today: &str) -> io::Result<()> {
    writeln!(out, "Study day {today}")?;
    for Standing { deck: s, exam } in stats {
        writeln!(out)?;
        writeln!(
            out,
            "{} ({})",
            crate::text::one_line(&s.title),
            crate::text::one_line(&s.deck.to_string())
        )?;
        writeln!(out, "  {}", standing::cards_line(s))?;
        writeln!(out, "  {}", standing::due_line(s))?;
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
