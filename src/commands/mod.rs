//! One module per command: load what it needs, call the core, print.

pub mod cards;
pub mod check;
pub mod convert;
pub mod home;
pub mod preview;
pub mod review;
pub mod stats;
pub mod sync;

use std::fmt;
use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, FixedOffset};

use crate::clock;
use crate::deck::{self, DeckId};
use crate::store::{self, Store, SyncError, SyncReport};

/// Exit statuses scripts can rely on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Success = 0,
    /// The command ran and found problems (deck errors).
    Problems = 1,
    /// Bad usage, or a file or store that could not be read or written.
    Usage = 2,
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> Self {
        ExitCode::from(status as u8)
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

/// Whether the full-screen front end can run: both ends are a terminal.
pub fn interactive() -> bool {
    io::stdin().is_terminal() && io::stdout().is_terminal()
}

/// Runs screens in the terminal, then prints what they leave behind.
pub fn run_screens(
    first: Box<dyn crate::ui::Screen>,
    store: Option<&mut Store>,
) -> Result<Status, Failure> {
    let mut ctx = crate::ui::Ctx {
        store,
        now: &clock::now,
        theme: crate::ui::theme::Theme::from_env(),
    };
    let farewells = crate::ui::run(first, &mut ctx).map_err(Failure::usage)?;
    for words in farewells {
        println!("{words}");
    }
    Ok(Status::Success)
}

/// The store named by `--db` / `FICHES_DB`, or the default one.
pub fn open_store(db: Option<&Path>) -> Result<Store, Failure> {
    let path = match db {
        Some(path) => path.to_path_buf(),
        None => store::default_path().ok_or_else(|| {
            Failure::usage("cannot find a place for the review store (HOME is not set): give one with --db PATH")
        })?,
    };
    Ok(Store::open(&path)?)
}

/// The decks a command works on.
pub struct Selection {
    pub decks: Vec<DeckId>,
    pub report: SyncReport,
}

/// Syncs the decks named on the command line, or `decks/` when there is
/// one; with `all_known`, adds every other deck the store knows.
pub fn select_decks(
    store: &mut Store,
    paths: &[PathBuf],
    all_known: bool,
    now: DateTime<FixedOffset>,
) -> Result<Selection, Failure> {
    let paths: Vec<PathBuf> = if paths.is_empty() {
        let default = PathBuf::from("decks");
        if default.is_dir() {
            vec![default]
        } else {
            Vec::new()
        }
    } else {
        paths.to_vec()
    };
    let report = if paths.is_empty() {
        SyncReport::default()
    } else {
        let files = deck::find_deck_files(&paths)
            .map_err(|err| Failure::usage(format!("cannot read {err}")))?;
        sync_files(store, &files, false, now)?
    };
    let mut decks = report.deck_ids();
    if all_known || decks.is_empty() {
        for id in store.deck_ids()? {
            if !decks.contains(&id) {
                decks.push(id);
            }
        }
    }
    if decks.is_empty() {
        return Err(Failure::usage(
            "no decks: give deck files or directories, or run from a directory that has decks/",
        ));
    }
    Ok(Selection { decks, report })
}

/// Syncs files, printing the diagnostics of decks that cannot be synced.
pub fn sync_files(
    store: &mut Store,
    files: &[PathBuf],
    dry_run: bool,
    now: DateTime<FixedOffset>,
) -> Result<SyncReport, Failure> {
    match store.sync(files, dry_run, now) {
        Ok(report) => Ok(report),
        Err(SyncError::Invalid(decks)) => {
            let stderr = io::stderr();
            let excerpt = stderr.is_terminal();
            let diagnostics: Vec<_> = decks
                .iter()
                .flat_map(|d| d.diagnostics.iter().cloned())
                .filter(|d| d.severity == deck::Severity::Error)
                .collect();
            let _ = check::write_diagnostics(&mut stderr.lock(), &diagnostics, &decks, excerpt);
            Err(Failure {
                status: Status::Problems,
                message: SyncError::Invalid(decks).to_string(),
            })
        }
        Err(SyncError::Store(err)) => Err(err.into()),
        Err(other) => Err(Failure::usage(other.to_string())),
    }
}
