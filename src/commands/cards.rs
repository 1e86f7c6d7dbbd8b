//! `fiches cards`: every card with its schedule.

use std::io::{self, Write};

use crate::cli::CardsArgs;
use crate::clock;
use crate::store::CardRow;
use crate::text;
use unicode_width::UnicodeWidthStr;

use super::{Failure, Status};

pub fn run(args: &CardsArgs, db: Option<&std::path::Path>) -> Result<Status, Failure> {
    let now = clock::now()?;
    let (store, selection, _) = super::report_store(&args.select.decks, db, now)?;
    let status = selection.status();
    let rows = store.card_rows(&selection.decks)?;
    let mut out = text::SafeWriter::new(io::stdout().lock());
    let written = if args.json {
        super::write_json(&mut out, &rows)
    } else {
        print_table(&mut out, &rows)
    };
    super::written(written, "the cards", status)
}

/// One row a card, its columns aligned however long the names are.
fn print_table(out: &mut impl Write, rows: &[CardRow]) -> io::Result<()> {
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
        "{} {:>4} {:>5} {:>5} {:<10} {:>4}  question",
        pad("card"),
        "n",
        "EF",
        "days",
        "due",
        "last"
    )?;
    for (row, name) in rows.iter().zip(&names) {
        let question: String = text::one_line(&row.question).chars().take(60).collect();
        let due = row
            .due
            .as_deref()
            .unwrap_or(if row.retired { "retired" } else { "new" });
        let last = row
            .last_rating
            .map_or_else(|| "-".to_string(), |r| r.to_string());
        writeln!(
            out,
            "{} {:>4} {:>5.2} {:>5} {:<10} {:>4}  {}{}",
            pad(name),
            row.reps,
            row.ef,
            row.interval,
            due,
            last,
            question,
            if row.retired { " (retired)" } else { "" }
        )?;
    }
    Ok(())
}
