//! `fiches cards`: every card with its schedule.

use std::io::{self, Write};

use serde::Serialize;

use crate::cli::CardsArgs;
use crate::clock;
use crate::review::scheduler::{self, Scheduling};
use crate::sched::{Rating, Scheduler};
use crate::store::CardId;
use crate::text;
use unicode_width::UnicodeWidthStr;

use super::{Failure, Status};

/// A card as `fiches cards` shows it: SM-2's state, and the due day of the
/// scheduler its deck is under (FSRS's, replayed, for a deck FSRS
/// schedules day by day), SM-2's own kept beside it.
#[derive(Debug, Serialize)]
struct Shown {
    card: CardId,
    id: Option<String>,
    deck: String,
    question: String,
    reps: u32,
    ef: f64,
    interval: u32,
    /// The day the card comes back under `scheduler`.
    due: Option<chrono::NaiveDate>,
    scheduler: Scheduler,
    sm2_due: Option<chrono::NaiveDate>,
    lapses: u32,
    last_rating: Option<Rating>,
    retired: bool,
}

pub fn run(
    args: &CardsArgs,
    db: Option<&std::path::Path>,
    scheduling: Scheduling,
) -> Result<Status, Failure> {
    let now = clock::now()?;
    let today = clock::study_day(now);
    let (store, selection, _) = super::report_store(&args.select.decks, db, now)?;
    let status = selection.status();
    let (rows, fsrs, days) = store.read_consistently(|store| {
        let fsrs = scheduler::daily_fsrs_decks(store, &selection.decks, today, scheduling)?;
        let days = scheduler::fsrs_due(store, &fsrs)?;
        Ok::<_, crate::store::StoreError>((store.card_rows(&selection.decks)?, fsrs, days))
    })?;
    let days: crate::hash::FastMap<CardId, chrono::NaiveDate> =
        days.into_iter().map(|f| (f.card, f.due)).collect();
    let shown: Vec<Shown> = rows
        .into_iter()
        .map(|row| {
            let under_fsrs = fsrs.iter().any(|(d, _)| d.as_str() == row.deck);
            let fsrs_due = days.get(&row.card).filter(|_| under_fsrs && !row.retired);
            Shown {
                card: row.card,
                due: fsrs_due.copied().or(row.due),
                scheduler: if under_fsrs {
                    Scheduler::Fsrs
                } else {
                    Scheduler::Sm2
                },
                sm2_due: row.due,
                id: row.id,
                deck: row.deck,
                question: row.question,
                reps: row.reps,
                ef: row.ef,
                interval: row.interval,
                lapses: row.lapses,
                last_rating: row.last_rating,
                retired: row.retired,
            }
        })
        .collect();
    let mut out = text::SafeWriter::new(io::stdout().lock());
    let written = if args.json {
        super::write_json(&mut out, &shown)
    } else {
        print_table(&mut out, &shown)
    };
    super::written(written, "the cards", status)
}

/// One row a card, its columns aligned however long the names are.
fn print_table(out: &mut impl Write, rows: &[Shown]) -> io::Result<()> {
    let names: Vec<String> = rows
        .iter()
        .map(|row| {
            let name = row
                .id
                .clone()
                .unwrap_or_else(|| format!("{}#{}", row.deck, row.card.get()));
            // Aligned as shown, on one line.
            text::one_line(&name).into_owned()
        })
        .collect();
    let name_width = names
        .iter()
        .map(|name| name.width())
        .max()
        .unwrap_or(0)
        .max("card".len());
    let pad = |text: &str| {
        let fill = name_width.saturating_sub(text.width());
        format!("{text}{}", " ".repeat(fill))
    };
    writeln!(
        out,
        "{} {:>4} {:>5} {:>5} {:<10} {:<4} {:>4}  question",
        pad("card"),
        "n",
        "EF",
        "days",
        "due",
        "by",
        "last"
    )?;
    for (row, name) in rows.iter().zip(&names) {
        let question: String = text::one_line(&row.question).chars().take(60).collect();
        let due = row.due.map_or_else(
            || if row.retired { "retired" } else { "new" }.to_string(),
            |d| d.to_string(),
        );
        let last = row
            .last_rating
            .map_or_else(|| "-".to_string(), |r| r.to_string());
        writeln!(
            out,
            "{} {:>4} {:>5.2} {:>5} {:<10} {:<4} {:>4}  {}{}",
            pad(name),
            row.reps,
            row.ef,
            row.interval,
            due,
            row.scheduler.name(),
            last,
            question,
            if row.retired { " (retired)" } else { "" }
        )?;
    }
    if rows.iter().any(|r| r.scheduler == Scheduler::Fsrs) {
        writeln!(
            out,
            "\nby fsrs: due is the day FSRS gives (its deck's scheduler); n, EF and days stay SM-2's (--json has SM-2's due day as sm2_due)."
        )?;
    }
    Ok(())
}
