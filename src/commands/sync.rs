//! `fiches sync`: deck edits into the store, and what they did.

use std::io::{self, Write};

use crate::cli::SyncArgs;
use crate::clock;
use crate::store::{ChangeKind, SyncReport};

use super::{Failure, Status, open_store, sync_files};

pub fn run(args: &SyncArgs, db: Option<&std::path::Path>) -> Result<Status, Failure> {
    let now = clock::now()?;
    // Outside a checkout, nothing is named and no store is created.
    if args.decks.is_empty() {
        super::deck_files_found(&[], None)?;
    }
    let mut store = if args.dry_run && !super::store_exists(db) {
        // Nothing to compare with yet: plan against an empty store, and
        // create none.
        crate::store::Store::in_memory()?
    } else {
        open_store(db)?
    };
    let files = super::deck_files(&args.decks, Some(&store))?;
    let options = crate::sync::SyncOptions {
        dry_run: args.dry_run,
        full: args.full,
        ..Default::default()
    };
    let (report, status) = sync_files(&mut store, &files, options, now)?;
    let printed = print(
        &mut crate::text::SafeWriter::new(io::stdout().lock()),
        &report,
        args.dry_run,
    );
    super::written(printed, "the report", status)
}

pub fn print(out: &mut impl Write, report: &SyncReport, dry_run: bool) -> io::Result<()> {
    if dry_run {
        writeln!(out, "dry run: nothing is written")?;
    }
    for deck in &report.decks {
        let name = format!("{} ({})", deck.path.display(), deck.deck);
        if deck.unchanged
            || deck.changes.is_empty()
                && deck.deck_edited.is_empty()
                && deck.renamed_from.is_none()
                && !deck.new_deck
        {
            writeln!(out, "{name}: unchanged")?;
            continue;
        }
        let mut counts: Vec<String> = [
            ChangeKind::Added,
            ChangeKind::Edited,
            ChangeKind::Retired,
            ChangeKind::Restored,
        ]
        .iter()
        .map(|&kind| format!("{} {}", deck.count(kind), kind.as_str()))
        .collect();
        if deck.count(ChangeKind::Moved) > 0 {
            counts.push(format!("{} moved", deck.count(ChangeKind::Moved)));
        }
        let mut headline = format!("{name}: {}", counts.join(", "));
        if deck.new_deck {
            headline.push_str(" (new deck)");
        }
        if !deck.deck_edited.is_empty() {
            let fields: Vec<&str> = deck.deck_edited.iter().map(|e| e.field).collect();
            headline.push_str(&format!(" (deck's {} changed)", fields.join(", ")));
        }
        if let Some(old) = &deck.renamed_from {
            headline.push_str(&format!(" (deck id was `{old}`; its history follows)"));
        }
        writeln!(out, "{headline}")?;
        // One line each, whatever a title or a tag holds.
        for edit in &deck.deck_edited {
            writeln!(
                out,
                "  {:<8} {}: {} -> {}",
                "deck",
                edit.field,
                crate::text::one_line(&edit.was),
                crate::text::one_line(&edit.now)
            )?;
        }
        for change in &deck.changes {
            let place = match change.kind {
                // Its old line is named only when no card starts there now.
                ChangeKind::Retired if change.line_taken => "removed".to_string(),
                ChangeKind::Retired => format!("removed; was line {}", change.line),
                _ => format!("line {}", change.line),
            };
            let what = if change.fields.is_empty() {
                String::new()
            } else {
                format!(": {}", change.fields.join(", "))
            };
            writeln!(
                out,
                "  {:<8} {} ({place}){what}",
                change.kind.as_str(),
                change.card,
            )?;
        }
    }
    Ok(())
}
