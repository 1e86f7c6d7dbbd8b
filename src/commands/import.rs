//! `fiches import`: an Anki package or text export to a YAML deck, with a
//! report on stderr of what was read, written and left out.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Local};

use crate::anki::LoggedRating;
use crate::anki::import::{self, Imported, ImportedCard, Options};
use crate::anki::{package, source};
use crate::cli::ImportArgs;
use crate::clock;
use crate::deck;
use crate::store::{ForeignHistory, ForeignReview, HistoryBrought};
use crate::sync::SyncOptions;

use super::{Failure, Status, open_store, sync_files};

pub fn run(args: &ImportArgs, db: Option<&Path>) -> Result<Status, Failure> {
    let name = args.input.display().to_string();
    let out = &args.output;
    // An existing folder for -o: a deck file in it for each Anki deck.
    let folder = out.is_dir();
    if folder && args.title.is_some() {
        return Err(Failure::usage(format!(
            "--title names one deck, and {} is a folder, which gets a deck file for each Anki deck, titled with its name: give a file for -o, or no --title; nothing written",
            out.display()
        )));
    }
    if !folder {
        refuse_existing(out, args.force)?;
    }
    // Said before anything is read: the folder is the output's, not the input's.
    let named_folder = out.as_os_str().to_string_lossy().ends_with('/');
    if let Some(missing) = if named_folder && !folder {
        Some(out.as_path())
    } else {
        out.parent()
            .filter(|f| !f.as_os_str().is_empty() && !f.is_dir())
    } {
        return Err(Failure::usage(format!(
            "the folder {} for the deck {} does not exist: create it (mkdir -p {}) or give another -o; nothing written",
            missing.display(),
            out.display(),
            missing.display()
        )));
    }
    let scratch = if folder {
        package::temporary_beside(&out.join("import"), "collection")
    } else {
        package::temporary_beside(out, "collection")
    };
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
    let decks: Vec<(PathBuf, Imported)> = if folder {
        let groups = import::by_deck(read.notes);
        let decks: Vec<Option<&str>> = groups.iter().map(|(d, _)| d.as_deref()).collect();
        let files = import::file_names(&decks, &fallback);
        groups
            .into_iter()
            .zip(files)
            .map(|((_, notes), file)| {
                let path = out.join(file);
                let options = Options {
                    title: None,
                    fallback_title: &fallback,
                    source: &source_name,
                    path: &path,
                };
                let imported = import::import(notes, &options);
                (path, imported)
            })
            .collect()
    } else {
        let options = Options {
            title: args.title.as_deref(),
            fallback_title: &fallback,
            source: &source_name,
            path: out,
        };
        let imported = import::import(read.notes, &options);
        vec![(out.clone(), imported)]
    };
    if folder {
        for (path, _) in &decks {
            refuse_existing(path, args.force)?;
        }
    }
    for (_, imported) in &decks {
        for line in imported.report.details(&name) {
            let _ = writeln!(stderr, "{line}");
        }
    }
    // A deck with no card left is said, not written; none at all, an error.
    let (decks, empty): (Vec<_>, Vec<_>) =
        decks.into_iter().partition(|(_, i)| !i.cards.is_empty());
    for (path, imported) in &empty {
        let _ = writeln!(
            stderr,
            "{}",
            imported.report.summary(0, &path.display().to_string())
        );
    }
    if decks.is_empty() {
        return Err(Failure::problems(format!(
            "no card to import from {name}: nothing written"
        )));
    }
    for (path, imported) in &decks {
        if imported.problems.is_empty() {
            continue;
        }
        for problem in &imported.problems {
            let _ = writeln!(stderr, "{problem}");
        }
        return Err(Failure::problems(format!(
            "the deck {} made from {name} does not pass `fiches check --strict`: nothing written",
            path.display()
        )));
    }
    let mut written: Vec<&Path> = Vec::new();
    for (path, imported) in &decks {
        crate::files::write_replacing(path, imported.yaml.as_bytes()).map_err(|err| {
            let before = if written.is_empty() {
                String::new()
            } else {
                format!(" ({} written before it)", shown_paths(&written))
            };
            Failure::usage(format!(
                "cannot write {}: {err}; {}{before}",
                path.display(),
                if path.exists() {
                    "the file there was left as it was"
                } else if written.is_empty() {
                    "nothing was written"
                } else {
                    "it was not written"
                }
            ))
        })?;
        written.push(path);
        let _ = writeln!(
            stderr,
            "{}",
            imported
                .report
                .summary(imported.cards.len(), &path.display().to_string())
        );
    }
    if read.media_files > 0 {
        let _ = writeln!(
            stderr,
            "{name}: the package holds {} media file{}, not imported",
            read.media_files,
            if read.media_files == 1 { "" } else { "s" }
        );
    }
    if args.with_history {
        let decks: Vec<(&Path, &[ImportedCard])> = decks
            .iter()
            .map(|(path, imported)| (path.as_path(), imported.cards.as_slice()))
            .collect();
        let refused = bring_history(&mut stderr, &decks, db).map_err(|failed| Failure {
            message: format!(
                "{} written, but the history was not brought in: {}. To bring it, run the same import again with --force (the file there is refused without it): the deck is written again as it is, and no card's history here is doubled",
                match written.as_slice() {
                    [one] => format!("the deck {} was", one.display()),
                    several => format!("the decks {} were", shown_paths(several)),
                },
                failed.message
            ),
            ..failed
        })?;
        if !refused.is_empty() {
            return Err(Failure::problems(refused_history(&written, &refused)));
        }
    }
    Ok(Status::Success)
}

/// A deck written whose history the store refused: the sync left it out
/// for its errors (said above it, in full).
struct Refused {
    path: PathBuf,
    cards: usize,
    errors: Vec<String>,
}

/// "the deck b.yaml was written, but the review store refused to sync it,
/// so its history was not brought in: …": what was written, why the
/// history was not, and what to do.
fn refused_history(written: &[&Path], refused: &[Refused]) -> String {
    let errors: usize = refused.iter().map(|r| r.errors.len()).sum();
    let first = refused
        .iter()
        .flat_map(|r| r.errors.first())
        .next()
        .map_or_else(String::new, |e| format!(": {e}"));
    let shown: Vec<String> = refused
        .iter()
        .map(|r| format!("{} ({} card{})", r.path.display(), r.cards, plural(r.cards)))
        .collect();
    let what = if let ([one], [_]) = (written, refused) {
        format!(
            "the deck {} was written ({} card{}), but the review store refused to sync it, so its history",
            one.display(),
            refused[0].cards,
            plural(refused[0].cards)
        )
    } else {
        format!(
            "{} written, but the review store refused to sync {}, so {} history",
            match written {
                [one] => format!("the deck {} was", one.display()),
                several => format!("the decks {} were", shown_paths(several)),
            },
            shown.join(", "),
            if refused.len() == 1 { "its" } else { "their" }
        )
    };
    format!(
        "{what} was not brought in{first}{}. Once that is fixed (or for another store, with --db), run the same import again with --force to bring it",
        match errors {
            0 | 1 => " (said above)".to_string(),
            n => format!(" ({n} errors, said above)"),
        },
    )
}

/// An existing file at `path` is kept unless `--force`.
fn refuse_existing(path: &Path, force: bool) -> Result<(), Failure> {
    if !force && path.exists() {
        return Err(Failure::usage(format!(
            "{} already exists: choose another file, or pass --force to replace it",
            path.display()
        )));
    }
    Ok(())
}

fn shown_paths(paths: &[&Path]) -> String {
    let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    shown.join(", ")
}

/// The decks just written synced into the store, then the package's
/// states and logs brought onto their cards. Returns the decks the sync
/// refused, whose history is left out.
fn bring_history(
    stderr: &mut impl Write,
    decks: &[(&Path, &[ImportedCard])],
    db: Option<&Path>,
) -> Result<Vec<Refused>, Failure> {
    let now = clock::now()?;
    let mut loaded = Vec::with_capacity(decks.len());
    for (out, cards) in decks {
        let read = deck::read_deck(out)
            .map_err(|err| Failure::usage(format!("cannot read {}: {err}", out.display())))?;
        let Some(deck) = read.deck.filter(|d| d.cards.len() == cards.len()) else {
            return Err(Failure::usage(format!(
                "{} changed while it was imported: history not brought in",
                out.display()
            )));
        };
        loaded.push((deck, *cards));
    }
    let mut store = open_store(db)?;
    let files: Vec<PathBuf> = decks.iter().map(|(out, _)| out.to_path_buf()).collect();
    let (report, _) = sync_files(&mut store, &files, SyncOptions::default(), now)?;
    let refused: Vec<Refused> = report
        .skipped
        .iter()
        .map(|skipped| Refused {
            path: skipped.loaded.path.clone(),
            cards: decks
                .iter()
                .find(|(path, _)| same_file(path, &skipped.loaded.path))
                .map_or(0, |(_, cards)| cards.len()),
            errors: skipped
                .loaded
                .diagnostics
                .iter()
                .filter(|d| d.severity == deck::Severity::Error)
                .map(|d| d.message.clone())
                .collect(),
        })
        .collect();
    let synced = |path: &Path| !refused.iter().any(|r| same_file(&r.path, path));
    let loaded: Vec<_> = loaded
        .into_iter()
        .zip(decks)
        .filter(|(_, (path, _))| synced(path))
        .map(|(loaded, _)| loaded)
        .collect();
    if loaded.is_empty() {
        return Ok(refused);
    }
    let mut brought = HistoryBrought::default();
    for (deck, cards) in &loaded {
        let histories: Vec<ForeignHistory> = deck
            .cards
            .iter()
            .zip(cards.iter())
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
        let one = store
            .bring_histories(&deck.id, &histories)
            .map_err(|err| Failure::usage(err.to_string()))?;
        brought.cards += one.cards;
        brought.reviews += one.reviews;
        brought.missing += one.missing;
        brought.kept += one.kept;
    }
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
    Ok(refused)
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b)
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
