//! `fiches` with no command: the deck list.

use std::io::{self, Write};

use crate::clock;

use super::{Failure, Status, open_store, select_decks};

/// `minutes`: FICHES_MINUTES, the minutes a day the exam forecast plans with.
pub fn run(
    db: Option<&std::path::Path>,
    scheduling: crate::review::scheduler::Scheduling,
    minutes: Option<u32>,
) -> Result<Status, Failure> {
    let now = clock::now()?;
    if super::nothing_to_show(&[], db) {
        return Err(super::no_decks());
    }
    let mut store = open_store(db)?;
    let selection = select_decks(&mut store, &[], true, now)?;
    let status = selection.status();
    let notice = super::skipped_notice(&selection.report);
    let mut list = crate::ui::intents::open_decks_planned(
        &store,
        selection.decks,
        clock::study_day(now),
        scheduling,
        minutes,
    )?;
    if super::interactive() {
        if let Some(notice) = notice {
            list.notice(notice);
        }
        return super::run_screens(Box::new(list), Some(&mut store), scheduling)
            .map(|s| s.or(status));
    }
    let mut out = crate::text::SafeWriter::new(io::stdout().lock());
    let written = (|| {
        writeln!(
            out,
            "{:<24} {:>6} {:>6} {:>6} {:>12}  title",
            "deck", "cards", "new", "due", "exam"
        )?;
        for row in list.rows() {
            writeln!(
                out,
                "{:<24} {:>6} {:>6} {:>6} {:>12}  {}",
                crate::text::one_line(row.id.as_str()),
                row.cards,
                row.new,
                row.due_today,
                row.exam.map(|e| e.cell()).unwrap_or_else(|| "-".into()),
                crate::text::one_line(&row.title)
            )?;
        }
        if let Some(note) = list.note() {
            writeln!(out, "\n{note}")?;
        }
        writeln!(
            out,
            "\nReview with `fiches review [DECK...]` (see `fiches --help`)."
        )
    })();
    super::written(written, "the deck list", status)
}
