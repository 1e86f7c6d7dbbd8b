//! `fiches import`: an Anki package or text export to a YAML deck, with a
//! report on stderr of what was read, written and left out.

use std::io::{self, Write};
use std::path::Path;

use chrono::{DateTime, Local};

use crate::anki::LoggedRating;
use crate::anki::import::{self, ImportedCard, Options};
use crate::anki::{package, source};
use crate::cli::ImportArgs;
use crate::clock;
use crate::deck;
use crate::store::{ForeignHistory, ForeignReview};
use crate::sync::SyncOptions;

use super::{Failure, Status, open_store, sync_files};

pub fn run(args: &ImportArgs, db: Option<&Path>) -> Result<Status, Failure> {
    let name = args.input.display().to_string();
    let out = &args.output;
    if !args.force && out.exists() {
        return Err(Failure::usage(format!(
            "{} already exists: choose another file, or pass --force to replace it",
            out.display()
        )));
    }
    // Said before anything is read: the folder is the output's, not the input's.
    if let Some(folder) = out
        .parent()
        .filter(|f| !f.as_os_str().is_empty() && !f.is_dir())
    {
        return Err(Failure::usage(format!(
            "the folder {} for the deck {} does not exist: create it (mkdir -p {}) or give another -o; nothing written",
            folder.display(),
            out.display(),
            folder.display()
        )));
    }
    let scratch = package::temporary_beside(out, "collection");
    let read = source::read(&args.input, &scratch)
        .map_err(|err| Failure::usage(format!("cannot import {name}: {err}; nothing written")))?;
    let mut stderr = crate::text::SafeWriter::new(io::stderr().lock());
    let _ = writeln!(stderr, "{name}: read as {}", read.described);
    for skipped in &read.skipped {
        let _ = writeln!(stderr, "{name}: skipped {skipped}");
    }
    let fallback = args
        .input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let source_name = args
        .input
        .file_name()
        .map_or_else(|| name.clone(), |n| n.to_string_lossy().into_owned());
    let imported = import::import(
        read.notes,
        &Options {
            title: args.title.as_deref(),
            fallback_title: &fallback,
            source: &source_name,
            path: out,
        },
    );
    for line in imported.report.details(&name) {
        let _ = writeln!(stderr, "{line}");
    }
    let out_name = out.display().to_string();
    if imported.cards.is_empty() {
        let _ = writeln!(stderr, "{}", imported.report.summary(0, &out_name));
        return Err(Failure::problems(format!(
            "no card to import from {name}: nothing written"
        )));
    }
    if !imported.problems.is_empty() {
        for problem in &imported.problems {
            let _ = writeln!(stderr, "{problem}");
        }
        return Err(Failure::problems(format!(
            "the deck made from {name} does not pass `fiches check --strict`: nothing written"
        )));
    }
    crate::files::write_replacing(out, imported.yaml.as_bytes()).map_err(|err| {
        Failure::usage(format!(
            "cannot write {}: {err}; {}",
            out.display(),
            if out.exists() {
                "the file there was left as it was"
            } else {
                "nothing was written"
            }
        ))
    })?;
    let _ = writeln!(
        stderr,
        "{}",
        imported.report.summary(imported.cards.len(), &out_name)
    );
    if read.media_files > 0 {
        let _ = writeln!(
            stderr,
            "{name}: the package holds {} media file{}, not imported",
            read.media_files,
            if read.media_files == 1 { "" } else { "s" }
        );
    }
    if args.with_history {
        return bring_history(&mut stderr, out, &imported.cards, db).map_err(|failed| Failure {
            message: format!(
                "the deck {} was written, but the history was not brought in: {}. To bring it, run the same import again with --force (the file there is refused without it): the deck is written again as it is, and no card's history here is doubled",
                out.display(),
                failed.message
            ),
            ..failed
        });
    }
    Ok(Status::Success)
}

/// The deck just written synced into the store, then the package's states
/// and logs brought onto its cards.
fn bring_history(
    stderr: &mut impl Write,
    out: &Path,
    cards: &[ImportedCard],
    db: Option<&Path>,
) -> Result<Status, Failure> {
    let now = clock::now()?;
    let loaded = deck::read_deck(out)
        .map_err(|err| Failure::usage(format!("cannot read {}: {err}", out.display())))?;
    let Some(deck) = loaded.deck.filter(|d| d.cards.len() == cards.len()) else {
        return Err(Failure::usage(format!(
            "{} changed while it was imported: history not brought in",
            out.display()
        )));
    };
    let mut store = open_store(db)?;
    let (_, status) = sync_files(
        &mut store,
        &[out.to_path_buf()],
        SyncOptions::default(),
        now,
    )?;
    let histories: Vec<ForeignHistory> = deck
        .cards
        .iter()
        .zip(cards)
        .filter_map(|(card, imported)| {
            let schedule = imported.schedule.as_ref()?;
            Some(ForeignHistory {
                key: card.id.clone(),
                qnorm: card.normalized_question.clone(),
                due: schedule.due,
                interval: schedule.interval,
                ease: schedule.ease,
                lapses: schedule.lapses,
                reviews: schedule.reviews.iter().filter_map(review).collect(),
            })
        })
        .collect();
    let brought = store
        .bring_histories(&deck.id, &histories)
        .map_err(|err| Failure::usage(err.to_string()))?;
    let mut line = format!(
        "history brought into {}: {} card{} with {} rating{}",
        store.path().display(),
        brought.cards,
        plural(brought.cards),
        brought.reviews,
        plural(brought.reviews)
    );
    if brought.missing > 0 {
        line.push_str(&format!(
            "; {} card{} not found in the store's deck, history left out",
            brought.missing,
            plural(brought.missing)
        ));
    }
    if brought.kept > 0 {
        line.push_str(&format!(
            "; {} card{} already had a history here, kept as it was",
            brought.kept,
            plural(brought.kept)
        ));
    }
    let _ = writeln!(stderr, "{line}");
    Ok(status)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn review(rating: &LoggedRating) -> Option<ForeignReview> {
    let at = DateTime::from_timestamp_millis(rating.at_ms)?
        .with_timezone(&Local)
        .fixed_offset();
    Some(ForeignReview {
        at,
        day: clock::study_day(at),
        rating: rating.rating,
        took_ms: rating.took_ms,
        interval_after: rating.interval_after,
        ease_after: rating.ease_after,
    })
}
