//! One module per command: load what it needs, call the core, print.

pub mod backup;
pub mod calibration;
pub mod cards;
pub mod check;
pub mod completions;
pub mod convert;
pub mod export;
pub mod fit;
pub mod home;
pub mod import;
pub mod preview;
pub mod readiness;
pub mod report;
pub mod review;
pub mod stats;
pub mod sync;
pub mod tags;

use std::fmt;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, FixedOffset};

use crate::clock;
use crate::deck::{self, DeckId};
use crate::store::{self, Store, SyncError, SyncReport};

/// Exit statuses scripts can rely on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Success,
    /// The command ran and found problems (deck errors).
    Problems,
    /// Bad usage, or a file or store that could not be read or written.
    Usage,
    /// Ended by this signal (SIGHUP, SIGTERM…), everything saved: 128 + signal.
    Signal(i32),
}

impl Status {
    /// This status, unless it is a success and `other` is not.
    pub fn or(self, other: Status) -> Status {
        if self == Status::Success { other } else { self }
    }

    pub fn code(self) -> u8 {
        match self {
            Status::Success => 0,
            Status::Problems => 1,
            Status::Usage => 2,
            Status::Signal(signal) => u8::try_from(128 + signal.clamp(1, 127)).unwrap_or(255),
        }
    }
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> Self {
        ExitCode::from(status.code())
    }
}

/// An error that ends a command, said to the user once, at the edge.
#[derive(Debug)]
pub struct Failure {
    pub status: Status,
    pub message: String,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            status: Status::Usage,
            message: message.into(),
        }
    }
}

impl Failure {
    pub fn problems(message: impl Into<String>) -> Self {
        Failure {
            status: Status::Problems,
            message: message.into(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<store::StoreError> for Failure {
    fn from(err: store::StoreError) -> Self {
        Failure::usage(err.to_string())
    }
}

impl From<clock::ClockError> for Failure {
    fn from(err: clock::ClockError) -> Self {
        Failure::usage(err.to_string())
    }
}

/// A command's output written: a reader that went away (a pipe into
/// `head`) is not an error, everything was done already.
pub fn written(result: io::Result<()>, what: &str, status: Status) -> Result<Status, Failure> {
    match result {
        Ok(()) => Ok(status),
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(status),
        Err(err) => Err(Failure::usage(format!("cannot write {what}: {err}"))),
    }
}

/// `value` as indented JSON on `out`, nothing raw for a terminal in it.
pub fn write_json(out: &mut impl Write, value: &impl serde::Serialize) -> io::Result<()> {
    serde_json::to_string_pretty(value)
        .map_err(io::Error::other)
        .and_then(|json| writeln!(out, "{}", crate::text::json_safe(json)))
}

/// Whether the full-screen front end can run: both ends are a terminal.
pub fn interactive() -> bool {
    io::stdin().is_terminal() && io::stdout().is_terminal()
}

/// What ended the screens, said at the edge.
pub fn ui_failure(err: crate::ui::UiError) -> Failure {
    match err {
        crate::ui::UiError::Store(err) => err.into(),
        crate::ui::UiError::Clock(err) => err.into(),
        other => Failure::usage(other.to_string()),
    }
}

/// Runs screens in the terminal, then prints what they leave behind.
pub fn run_screens(
    first: Box<dyn crate::ui::Screen>,
    store: Option<&mut Store>,
    scheduling: crate::review::scheduler::Scheduling,
) -> Result<Status, Failure> {
    let mut ctx = crate::ui::Ctx {
        store,
        scheduling,
        now: &clock::now,
        theme: crate::ui::theme::Theme::from_env(),
    };
    let ended = crate::ui::run(first, &mut ctx).map_err(ui_failure)?;
    for words in ended.farewells {
        println!("{}", crate::text::shown(&words));
    }
    if let Some(store) = ended.gave_up_on {
        return Err(Failure::usage(format!(
            "gave up waiting for another fiches process writing to the review store {}: the last rating (or undo) was not saved; every earlier rating is",
            store.display()
        )));
    }
    if let Some(signal) = ended.signal {
        return Ok(Status::Signal(signal));
    }
    // The summary left above says what was not saved, and where.
    Ok(if ended.store_lost {
        Status::Usage
    } else {
        Status::Success
    })
}

pub fn store_path(db: Option<&Path>) -> Result<PathBuf, Failure> {
    match db {
        Some(path) => Ok(path.to_path_buf()),
        None => store::default_path().ok_or_else(|| {
            Failure::usage(
                "cannot find a place for the review store (HOME is not set): give one with --db PATH",
            )
        }),
    }
}

/// The store named by `--db` / `FICHES_DB`, or the default one.
pub fn open_store(db: Option<&Path>) -> Result<Store, Failure> {
    let path = store_path(db)?;
    // The store only opens its file: its directory is made here, on first use.
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.exists()
    {
        std::fs::create_dir_all(dir).map_err(|err| {
            Failure::usage(format!(
                "cannot create the directory {} for the review store: {err}; choose another place with --db PATH or FICHES_DB",
                dir.display()
            ))
        })?;
    }
    Ok(Store::open(&path)?)
}

/// Whether that store has been created yet.
pub fn store_exists(db: Option<&Path>) -> bool {
    store_path(db).is_ok_and(|path| path.exists())
}

/// The decks a command works on.
pub struct Selection {
    pub decks: Vec<DeckId>,
    pub report: SyncReport,
}

impl Selection {
    /// Problems when a deck file had errors (its last good version, if
    /// any, was used): the command ran, but says so in its exit status.
    pub fn status(&self) -> Status {
        if self.report.skipped.is_empty() {
            Status::Success
        } else {
            Status::Problems
        }
    }
}

/// The directory commands use when no deck is named.
pub const DEFAULT_DECKS: &str = "decks";

/// What DECK arguments name: deck files and directories to read, and decks
/// the store knows whose file is not at hand.
#[derive(Debug, Default)]
pub struct Named {
    pub paths: Vec<PathBuf>,
    pub known: Vec<DeckId>,
}

/// Each DECK argument as a user writes it: a file or directory that exists,
/// else a deck id (as `stats` and the deck list print it) of a deck in
/// `decks/`, else a deck the store knows.
pub fn name_decks(args: &[PathBuf], store: Option<&Store>) -> Result<Named, Failure> {
    let mut named = Named::default();
    let mut in_default: Option<Vec<(DeckId, PathBuf)>> = None;
    for arg in args {
        match std::fs::metadata(arg) {
            Ok(_) => {
                named.paths.push(arg.clone());
                continue;
            }
            // What looks like a path is one: say why it cannot be read.
            Err(err) if arg.components().count() > 1 || deck::is_deck_name(arg) => {
                return Err(Failure::usage(format!(
                    "cannot read {}: {err}",
                    arg.display()
                )));
            }
            Err(_) => {}
        }
        let id = DeckId::new(arg.to_string_lossy());
        let here = in_default.get_or_insert_with(default_deck_ids);
        if let Some((_, path)) = here.iter().find(|(known, _)| *known == id) {
            named.paths.push(path.clone());
            continue;
        }
        let stored = match store {
            Some(store) => store.deck_ids()?,
            None => Vec::new(),
        };
        if stored.contains(&id) {
            match store.map(|s| s.deck_path(&id)).transpose()?.flatten() {
                Some(path) if path.is_file() => named.paths.push(path),
                _ => named.known.push(id),
            }
            continue;
        }
        let mut ids: Vec<String> = here.iter().map(|(id, _)| id.to_string()).collect();
        ids.extend(stored.iter().map(DeckId::to_string));
        ids.sort();
        ids.dedup();
        let hint = if ids.is_empty() {
            String::new()
        } else {
            format!(" (decks: {})", ids.join(", "))
        };
        return Err(Failure::usage(format!(
            "{}: no such deck file, directory or deck id{hint}",
            arg.display()
        )));
    }
    Ok(named)
}

/// The decks of `decks/`, by id: the file's name, or the `id` it declares.
fn default_deck_ids() -> Vec<(DeckId, PathBuf)> {
    let dir = PathBuf::from(DEFAULT_DECKS);
    if !dir.is_dir() {
        return Vec::new();
    }
    let Ok(deck::Found { files, .. }) = deck::find_decks(&[dir]) else {
        return Vec::new();
    };
    files
        .into_iter()
        .filter_map(|file| {
            let loaded = deck::read_deck(&file).ok()?;
            let id = match &loaded.deck {
                Some(deck) => deck.id.clone(),
                None => DeckId::new(deck::file::name_text(file.file_stem()?)),
            };
            Some((id, file))
        })
        .collect()
}

/// The deck files under what DECK arguments name, or under `decks/` when
/// none is named; no deck at all is the same helpful error everywhere.
pub fn deck_files(args: &[PathBuf], store: Option<&Store>) -> Result<Vec<PathBuf>, Failure> {
    let found = deck_files_found(args, store)?;
    warn_skipped(&found);
    Ok(found.files)
}

/// [`deck_files`], with what was passed over in the directories (a FIFO, a
/// device, a directory loop) as warnings for the caller to report.
pub fn deck_files_found(args: &[PathBuf], store: Option<&Store>) -> Result<deck::Found, Failure> {
    let paths = if args.is_empty() {
        let default = PathBuf::from(DEFAULT_DECKS);
        if !default.is_dir() {
            return Err(no_decks());
        }
        vec![default]
    } else {
        let named = name_decks(args, store)?;
        if let Some(id) = named.known.first() {
            return Err(Failure::usage(format!(
                "deck `{id}` is in the review store, but its file is gone: give the deck file"
            )));
        }
        named.paths
    };
    let found =
        deck::find_decks(&paths).map_err(|err| Failure::usage(format!("cannot read {err}")))?;
    if found.files.is_empty() {
        warn_skipped(&found);
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        return Err(Failure::usage(format!(
            "no deck files (*.yaml, *.yml) found in {}",
            shown.join(", ")
        )));
    }
    Ok(found)
}

/// Syncs the decks named on the command line, or `decks/` when there is
/// one; with `all_known`, adds every other deck the store knows. A deck
/// file with errors is reported and left as last synced, so the other
/// decks can still be studied.
pub fn select_decks(
    store: &mut Store,
    paths: &[PathBuf],
    all_known: bool,
    now: DateTime<FixedOffset>,
) -> Result<Selection, Failure> {
    let named = if paths.is_empty() {
        let default = PathBuf::from(DEFAULT_DECKS);
        Named {
            paths: if default.is_dir() {
                vec![default]
            } else {
                Vec::new()
            },
            known: Vec::new(),
        }
    } else {
        name_decks(paths, Some(store))?
    };
    let report = if named.paths.is_empty() {
        SyncReport::default()
    } else {
        let files = find_decks(&named.paths)?;
        let report = store
            .sync_skipping_invalid(&files, now)
            .map_err(sync_failure)?;
        report_skipped(&report);
        report
    };
    let mut decks = report.deck_ids();
    for skipped in &report.skipped {
        if let Some(id) = &skipped.last_synced {
            decks.push(id.clone());
        }
    }
    for id in named.known {
        if !decks.contains(&id) {
            decks.push(id);
        }
    }
    if all_known || decks.is_empty() {
        for id in store.deck_ids()? {
            if !decks.contains(&id) {
                decks.push(id);
            }
        }
    }
    Ok(Selection { decks, report })
}

/// Whether a command with these DECK arguments has nothing to work on and
/// no store to read: it then says so, and creates no store.
pub fn nothing_to_show(args: &[PathBuf], db: Option<&Path>) -> bool {
    args.is_empty() && !Path::new(DEFAULT_DECKS).is_dir() && !store_exists(db)
}

/// The store a report reads and the decks it is about. With no deck
/// named, no decks/ and no store yet, that is said and an empty store in
/// memory is read instead: nothing is created (`true` says so).
pub fn report_store(
    decks: &[PathBuf],
    db: Option<&Path>,
    now: DateTime<FixedOffset>,
) -> Result<(Store, Selection, bool), Failure> {
    let nothing = nothing_to_show(decks, db);
    let mut store = if nothing {
        say_nothing_yet();
        Store::in_memory()?
    } else {
        open_store(db)?
    };
    let selection = select_decks(&mut store, decks, decks.is_empty(), now)?;
    Ok((store, selection, nothing))
}

/// Said when there is no deck and no store yet; nothing is created.
pub fn say_nothing_yet() {
    eprintln!("fiches: {NO_DECKS}; no review store yet either (nothing was created)");
}

const NO_DECKS: &str = "no decks here: give deck files, directories or deck ids, or run from the course's directory (the one with decks/)";

/// The error for a command that needs at least one deck.
pub fn no_decks() -> Failure {
    Failure::usage(NO_DECKS)
}

/// The errors of these decks on stderr, by file and position, with source
/// excerpts on a terminal; how many there were.
pub fn report_deck_errors(decks: &[deck::LoadedDeck]) -> usize {
    let stderr = io::stderr();
    let excerpt = stderr.is_terminal();
    let mut diagnostics: Vec<_> = decks
        .iter()
        .flat_map(|d| d.diagnostics.iter().cloned())
        .filter(|d| d.severity == deck::Severity::Error)
        .collect();
    diagnostics.sort_by(|a, b| (&a.path, a.pos).cmp(&(&b.path, b.pos)));
    let mut err = crate::text::SafeWriter::new(stderr.lock());
    let _ = check::write_diagnostics(&mut err, &diagnostics, decks, excerpt);
    diagnostics.len()
}

/// "file has N error(s): what; …", escaped for the terminal.
pub fn say_deck_errors(loaded: &deck::LoadedDeck, errors: usize, what: &str) {
    let mut err = crate::text::SafeWriter::new(io::stderr().lock());
    let _ = writeln!(
        err,
        "fiches: {} has {errors} error{}: {what}",
        loaded.path.display(),
        if errors == 1 { "" } else { "s" }
    );
}

fn report_skipped(report: &SyncReport) {
    for skipped in &report.skipped {
        let loaded = &skipped.loaded;
        let errors = report_deck_errors(std::slice::from_ref(loaded));
        say_deck_errors(
            loaded,
            errors,
            &format!(
                "{}; {}",
                left_out(skipped),
                if skipped.between_decks {
                    "what to do is said above"
                } else {
                    "fix it (fiches check shows the errors)"
                }
            ),
        );
    }
}

fn left_out(skipped: &crate::sync::SkippedDeck) -> String {
    match &skipped.last_synced {
        Some(id) => format!("deck `{id}` is used as last synced"),
        None => "it is left out".to_string(),
    }
}

/// The decks left out for their errors, said on the screen that opens
/// next: stderr is hidden behind a full screen until it closes.
pub fn skipped_notice(report: &SyncReport) -> Option<String> {
    let said: Vec<String> = report
        .skipped
        .iter()
        .map(|skipped| {
            let errors = skipped
                .loaded
                .diagnostics
                .iter()
                .filter(|d| d.severity == deck::Severity::Error)
                .count();
            let path = crate::text::shown(&skipped.loaded.path.display().to_string()).into_owned();
            if skipped.between_decks {
                // `fiches check` on the file alone would find nothing: say
                // the clash itself.
                let clash = skipped
                    .loaded
                    .diagnostics
                    .iter()
                    .rev()
                    .find(|d| d.severity == deck::Severity::Error)
                    .map(|d| crate::text::shown(&d.message).into_owned())
                    .unwrap_or_default();
                return format!("{path} is left out: {clash}.");
            }
            format!(
                "{path} has {errors} error{}: {}; `fiches check {path}` shows them.",
                if errors == 1 { "" } else { "s" },
                left_out(skipped)
            )
        })
        .collect();
    (!said.is_empty()).then(|| said.join(" "))
}

fn sync_failure(err: SyncError) -> Failure {
    match err {
        SyncError::Store(err) => err.into(),
        other => Failure::usage(other.to_string()),
    }
}

/// The deck files under `paths`; what was passed over in a directory (a
/// FIFO, a device, a directory loop) is said on stderr.
pub fn find_decks(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    let found =
        deck::find_decks(paths).map_err(|err| Failure::usage(format!("cannot read {err}")))?;
    warn_skipped(&found);
    Ok(found.files)
}

fn warn_skipped(found: &deck::Found) {
    let mut err = crate::text::SafeWriter::new(io::stderr().lock());
    for skipped in &found.skipped {
        let _ = writeln!(err, "{skipped}");
    }
}

/// Syncs files: the decks with errors are reported and left as last
/// synced, the others synced (the status says some were left out).
pub fn sync_files(
    store: &mut Store,
    files: &[PathBuf],
    options: crate::sync::SyncOptions,
    now: DateTime<FixedOffset>,
) -> Result<(SyncReport, Status), Failure> {
    let options = crate::sync::SyncOptions {
        skip_invalid: true,
        ..options
    };
    let report = crate::sync::sync(store, files, options, now).map_err(sync_failure)?;
    report_skipped(&report);
    let status = if report.skipped.is_empty() {
        Status::Success
    } else {
        Status::Problems
    };
    Ok((report, status))
}

#[cfg(test)]
mod notice_tests {
    use std::path::Path;

    use super::skipped_notice;
    use crate::deck::{Diagnostic, LoadedDeck, Pos};
    use crate::sync::{SkippedDeck, SyncReport};

    fn skipped(between_decks: bool) -> SyncReport {
        let path = Path::new("a.yaml");
        let mut loaded = LoadedDeck::empty(path);
        loaded.diagnostics.push(Diagnostic::error(
            path,
            Pos::new(1, 1),
            "deck id `x` is still held by b.yaml\u{1b}[2J",
        ));
        SyncReport {
            decks: Vec::new(),
            skipped: vec![SkippedDeck {
                loaded,
                last_synced: None,
                between_decks,
            }],
        }
    }

    #[test]
    fn a_deck_left_out_for_a_clash_is_told_the_clash_not_sent_to_check() {
        let notice = skipped_notice(&skipped(true)).unwrap_or_default();
        assert!(notice.contains("is still held by b.yaml"), "{notice}");
        assert!(!notice.contains("fiches check"), "{notice}");
        assert!(!notice.contains('\u{1b}'), "escaped: {notice}");
        let notice = skipped_notice(&skipped(false)).unwrap_or_default();
        assert!(
            notice.contains("`fiches check a.yaml` shows them"),
            "{notice}"
        );
    }
}
