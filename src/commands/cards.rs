//! `fiches cards`: every card with its schedule.

use std::io::{self, Write};

use crate::cli::CardsArgs;
use crate::clock;

use super::{Failure, Status, open_store, select_decks};

pub fn run(args: &CardsArgs, db: Option<&std::path::Path>) -> Result<Status, Failure> {
    let now = clock::now()?;
    let mut store = open_store(db)?;
    let selection = select_decks(&mut store, &args.decks, args.decks.is_empty(), now)?;
    let status = selection.status();
    let rows = store.card_rows(&selection.decks)?;
    let mut out = io::stdout().lock();
    let written = if args.json {
        serde_json::to_string_pretty(&rows)
            .map_err(io::Error::other)
            .and_then(|json| writeln!(out, "{json}"))
    } else {
        (|| {
            writeln!(
                out,
                "{:<24} {:>4} {:>5} {:>5} {:<10} {:>3}  question",
                "card", "n", "EF", "days", "due", "last"
            )?;
            for row in &rows {
                let name = row
                    .id
                    .clone()
                    .unwrap_or_else(|| format!("{}#{}", row.deck, row.card));
                let question: String = row.question.chars().take(60).collect();
                writeln!(
                    out,
                    "{:<24} {:>4} {:>5.2} {:>5} {:<10} {:>3}  {}{}",
                    name,
                    row.reps,
                    row.ef,
                    row.interval,
                    row.due
                        .as_deref()
                        .unwrap_or(if row.retired { "retired" } else { "new" }),
                    row.last_rating
                        .map(|r| r.to_string())
                        .unwrap_or_else(|| "-".into()),
                    question,
                    if row.retired { " (retired)" } else { "" }
                )?;
            }
            Ok(())
        })()
    };
    super::written(written, "the cards", status)
}
