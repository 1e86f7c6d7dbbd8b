//! `fiches stats`: where each deck stands.

use std::io::{self, Write};

use crate::cli::StatsArgs;
use crate::clock;
use crate::store::DeckStats;

use super::{Failure, Status, open_store, select_decks};

pub fn run(args: &StatsArgs, db: Option<&std::path::Path>) -> Result<Status, Failure> {
    let now = clock::now()?;
    let today = clock::study_day(now);
    if let Some(exam) = args.exam.filter(|exam| *exam <= today) {
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
    if !args.json && super::interactive() {
        let screen = crate::ui::stats::StatsScreen::load_with_exam(
            &store,
            &selection.decks,
            today,
            args.exam,
        )?;
        return super::run_screens(Box::new(screen), Some(&mut store));
    }
    let mut stats = Vec::with_capacity(selection.decks.len());
    for deck in &selection.decks {
        let one = std::slice::from_ref(deck);
        let mut deck_stats = store.deck_stats(deck, today)?;
        let exam = match args.exam {
            Some(exam) => Some(exam),
            None => store.exam_day(one)?,
        };
        // An exam already past has no plan left to show.
        if let Some(exam) = exam.filter(|exam| *exam > today) {
            deck_stats.exam = Some(store.exam_stats(one, today, exam)?);
        }
        stats.push(deck_stats);
    }
    let mut out = io::stdout().lock();
    let written = if args.json {
        #[derive(serde::Serialize)]
        struct Document<'a> {
            today: String,
            decks: &'a [DeckStats],
        }
        let document = Document {
            today: today.format("%Y-%m-%d").to_string(),
            decks: &stats,
        };
        serde_json::to_string_pretty(&document)
            .map_err(io::Error::other)
            .and_then(|json| writeln!(out, "{json}"))
    } else {
        print_table(&mut out, &stats, &today.format("%Y-%m-%d").to_string())
    };
    super::written(written, "the stats", status)
}

fn print_table(out: &mut impl Write, stats: &[DeckStats], today: &str) -> io::Result<()> {
    writeln!(out, "Study day {today}")?;
    for s in stats {
        writeln!(out)?;
        writeln!(out, "{} ({})", s.title, s.deck)?;
        writeln!(
            out,
            "  cards {}: new {}, learning {}, review {}; retired {}",
            s.cards, s.new, s.learning, s.review, s.retired
        )?;
        let week: Vec<String> = s.due_next_7_days.iter().map(usize::to_string).collect();
        writeln!(
            out,
            "  due today {}; next 7 days: {}",
            s.due_today,
            week.join(" ")
        )?;
        let retention = match s.retention_30_days {
            Some(share) => format!(
                "{:.0} % of {} review ratings were 3 or more",
                share * 100.0,
                s.review_ratings_30_days
            ),
            None => "no review ratings yet".to_string(),
        };
        writeln!(
            out,
            "  reviews today {}; last 30 days: {retention}",
            s.reviews_today
        )?;
        if let Some(exam) = &s.exam {
            let days: Vec<String> = exam.due_until_exam.iter().map(usize::to_string).collect();
            writeln!(
                out,
                "  exam {}: {} day(s) left, {} unseen ({} new a day), {} known; due until then: {}",
                exam.date,
                exam.days_left,
                exam.unseen,
                exam.new_per_day,
                exam.known,
                days.join(" ")
            )?;
        }
    }
    Ok(())
}
