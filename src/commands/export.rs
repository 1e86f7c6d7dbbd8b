//! `fiches export`: decks to Anki, as a package or as text.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::anki::{self, LoggedRating, Note, Schedule};
use crate::class::log::{self, LogLine};
use crate::cli::{ExportArgs, ExportFormat};
use crate::clock;
use crate::deck::{self, Deck, Severity};
use crate::store::CardHistory;

use super::{Failure, Status, find_decks, open_store, select_decks};

/// `before`: `--scheduler` and `--retention` given before the command; with
/// their variables, what `--with-scheduling` carries for the decks FSRS
/// schedules.
pub fn run(
    args: &ExportArgs,
    db: Option<&Path>,
    before: crate::cli::SchedulingArgs,
) -> Result<Status, Failure> {
    if args.log {
        return export_log(args, db);
    }
    let format = args
        .format
        .unwrap_or_else(|| ExportFormat::from_path(&args.output));
    if format == ExportFormat::Jsonl {
        return Err(Failure::usage(
            "jsonl is the format of the review log: add --log, or choose apkg, anki-text or csv",
        ));
    }
    if !args.force && args.output.exists() {
        return Err(Failure::usage(format!(
            "{} already exists: choose another file, or pass --force to replace it",
            args.output.display()
        )));
    }
    let paths: Vec<PathBuf> = if args.decks.is_empty() {
        vec![PathBuf::from("decks")]
    } else {
        args.decks.clone()
    };
    let files = find_decks(&paths)?;
    let mut decks: Vec<Deck> = Vec::new();
    let mut status = Status::Success;
    for file in &files {
        let loaded = deck::read_deck(file)
            .map_err(|err| Failure::usage(format!("cannot read {}: {err}", file.display())))?;
        let errors = loaded
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        match loaded.deck {
            Some(deck) if errors == 0 => decks.push(deck),
            _ => {
                let mut err = crate::text::SafeWriter::new(io::stderr().lock());
                let _ = writeln!(
                    err,
                    "fiches: {} has {errors} error{}: left out of the export (fiches check shows them)",
                    file.display(),
                    if errors == 1 { "" } else { "s" }
                );
                status = Status::Problems;
            }
        }
    }
    if decks.is_empty() {
        return Err(Failure::problems("no deck to export: nothing written"));
    }

    let now = clock::now()?;
    // With the schedule: each card's SM-2 state and, for a deck FSRS
    // schedules day by day, the due day FSRS gives it (replayed).
    let (histories, fsrs_days) = if args.with_scheduling {
        let scheduling = crate::cli::SchedulingArgs::default()
            .scheduling(before)
            .map_err(Failure::usage)?;
        let mut store = open_store(db)?;
        select_decks(&mut store, &files, false, now)?;
        let ids: Vec<_> = decks.iter().map(|d| d.id.clone()).collect();
        let (all, days) = store.read_consistently(|store| {
            let mut all = HashMap::new();
            for deck in &decks {
                all.insert(deck.id.clone(), store.card_histories(&deck.id)?);
            }
            let today = clock::study_day(now);
            let days = crate::review::scheduler::fsrs_days(store, &ids, today, scheduling)?;
            Ok::<_, crate::store::StoreError>((all, days))
        })?;
        (Some(all), days)
    } else {
        (None, HashMap::new())
    };

    let mut names: Vec<String> = Vec::new();
    let mut notes: Vec<Note> = Vec::new();
    let mut reviewed = 0usize;
    let mut by_fsrs = 0usize;
    let mut ratings = 0usize;
    for deck in &decks {
        let mut name = anki::export::deck_name(&deck.title);
        if names.contains(&name) {
            name = format!("{name} ({})", deck.id);
        }
        names.push(name.clone());
        let history = histories.as_ref().and_then(|h| h.get(&deck.id));
        for card in &deck.cards {
            let mut note = anki::export::note(deck, &name, card);
            if let Some(history) = history {
                let found = history.iter().find(|h| match &card.id {
                    Some(id) => h.key.as_deref() == Some(id.as_str()),
                    None => h.key.is_none() && h.qnorm == card.normalized_question,
                });
                if let Some(found) = found {
                    let fsrs_due = fsrs_days.get(&found.card).copied();
                    let schedule = schedule(found, fsrs_due);
                    if schedule.due.is_some() {
                        reviewed += 1;
                        by_fsrs += usize::from(fsrs_due.is_some());
                    }
                    ratings += schedule.reviews.len();
                    note.schedule = Some(schedule);
                }
            }
            notes.push(note);
        }
    }

    let out = &args.output;
    let cannot = |err: io::Error| Failure::usage(format!("cannot write {}: {err}", out.display()));
    match format {
        ExportFormat::Apkg => {
            let collection = anki::package::temporary_beside(out, "collection");
            let _ = std::fs::remove_file(&collection);
            let written = anki::collection::write_legacy(
                &collection,
                &notes,
                clock::study_day(now),
                now.timestamp_millis(),
            )
            .map_err(|err| io::Error::other(err.to_string()))
            .and_then(|()| anki::package::write_legacy(out, &collection));
            let _ = std::fs::remove_file(&collection);
            written.map_err(cannot)?;
        }
        ExportFormat::AnkiText | ExportFormat::Csv | ExportFormat::Jsonl => {
            let text = if format == ExportFormat::Csv {
                anki::text::write_csv(&notes)
            } else {
                anki::text::write_anki_text(&notes)
            };
            anki::package::write_atomically(out, |file| file.write_all(text.as_bytes()))
                .map_err(cannot)?;
        }
    }
    let mut summary = format!(
        "{} note{} from {} deck{} written to {}",
        notes.len(),
        plural(notes.len()),
        decks.len(),
        plural(decks.len()),
        out.display()
    );
    if args.with_scheduling {
        summary.push_str(&format!(
            ", with the schedule of {reviewed} reviewed card{} and {ratings} rating{}",
            plural(reviewed),
            plural(ratings)
        ));
        if by_fsrs > 0 {
            summary.push_str(&format!(
                " ({by_fsrs} of the cards on the due day FSRS gives, their decks' scheduler)"
            ));
        }
    }
    let _ = writeln!(
        crate::text::SafeWriter::new(io::stderr().lock()),
        "{summary}"
    );
    Ok(status)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The card's schedule for Anki: SM-2's state, unless FSRS schedules its
/// deck (`fsrs_due`): then FSRS's due day, with the interval from the last
/// review to it, and SM-2's ease, repetitions and lapses (Anki holds one
/// schedule a card).
fn schedule(history: &CardHistory, fsrs_due: Option<chrono::NaiveDate>) -> Schedule {
    let mut seen = false;
    let reviews = history
        .reviews
        .iter()
        .map(|r| {
            let first = !seen;
            seen = true;
            LoggedRating {
                at_ms: r.at_ms,
                rating: r.rating,
                took_ms: r.took_ms,
                interval_before: r.before_interval,
                interval_after: r.after_interval,
                ease_after: r.after_ease,
                first,
            }
        })
        .collect();
    let last_day = history.reviews.last().map(|r| r.day);
    let (due, interval) = match (fsrs_due, last_day) {
        (Some(due), Some(last)) => {
            let days = u32::try_from((due - last).num_days()).unwrap_or(0);
            (Some(due), days.max(1))
        }
        _ => (history.due, history.interval),
    };
    Schedule {
        due,
        interval,
        ease: history.ease,
        reps: history.reps,
        lapses: history.lapses,
        reviews,
    }
}

/// `fiches export --log`: this store's review log, one line per rating,
/// under its pseudonymous student key.
fn export_log(args: &ExportArgs, db: Option<&Path>) -> Result<Status, Failure> {
    let format = match args.format {
        None if ExportFormat::from_path(&args.output) == ExportFormat::Csv => ExportFormat::Csv,
        None | Some(ExportFormat::Jsonl) => ExportFormat::Jsonl,
        Some(ExportFormat::Csv) => ExportFormat::Csv,
        Some(_) => {
            return Err(Failure::usage(
                "--log writes the review log as jsonl or csv: give --format jsonl or csv",
            ));
        }
    };
    if args.with_scheduling {
        return Err(Failure::usage(
            "--with-scheduling is for packages, --log for the review log: give one",
        ));
    }
    if !args.force && args.output.exists() {
        return Err(Failure::usage(format!(
            "{} already exists: choose another file, or pass --force to replace it",
            args.output.display()
        )));
    }
    let now = clock::now()?;
    let mut store = open_store(db)?;
    let selection = select_decks(&mut store, &args.decks, args.decks.is_empty(), now)?;
    let student = store.student_key()?;
    let ratings = store.class_log(&selection.decks)?;
    let lines: Vec<LogLine> = ratings
        .into_iter()
        .map(|r| LogLine {
            student: student.clone(),
            review: r.review,
            deck: r.deck.as_str().to_string(),
            // The file's name only: a path would name the student's home.
            file: Path::new(&r.path)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            line: r.line,
            card: r
                .key
                .unwrap_or_else(|| anki::export::derived_guid(r.deck.as_str(), &r.qnorm)),
            question: r.question,
            tags: r.tags,
            items: r.items,
            day: r.day.to_string(),
            rating: r.rating,
            took_ms: r.took_ms,
            scheduled: r.scheduled,
            ticks: r.ticks,
            verdict: r.verdict,
        })
        .collect();
    let text = if format == ExportFormat::Csv {
        log::to_csv(&lines)
    } else {
        log::to_jsonl(&lines)
    };
    let out = &args.output;
    anki::package::write_atomically(out, |file| file.write_all(text.as_bytes()))
        .map_err(|err| Failure::usage(format!("cannot write {}: {err}", out.display())))?;
    let cards: std::collections::HashSet<(&str, &str)> = lines
        .iter()
        .map(|l| (l.deck.as_str(), l.card.as_str()))
        .collect();
    let _ = writeln!(
        crate::text::SafeWriter::new(io::stderr().lock()),
        "{} rating{} of {} card{} written to {}, under the student key {student}",
        lines.len(),
        plural(lines.len()),
        cards.len(),
        plural(cards.len()),
        out.display()
    );
    Ok(selection.status())
}
