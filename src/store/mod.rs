//! The review store: SQLite, opened safely, migrated in order. SQL lives in
//! this module and nowhere else: `anki` holds the SQL of Anki's collection
//! files, the one other SQLite schema we read and write.

pub mod anki;
mod interop;
mod memory;
mod memory_cache;
mod ratings;
mod review;
mod stats;
mod sync;
mod tags;
mod types;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, ToSql, TransactionBehavior};

use crate::deck::DeckId;
use thiserror::Error;

pub use crate::sync::{Change, ChangeKind, DeckSync, SkippedDeck, SyncError, SyncReport};
pub use interop::{
    CardHistory, ClassRating, ForeignHistory, ForeignReview, HistoryBrought, LoggedReview,
};
pub use memory::{ModelCard, StoredModel};
pub use ratings::TickedRating;
pub use review::{
    CardId, DueCursor, DuePage, NewCardsByKind, NewReview, QueueEntry, Recorded, ReviewId,
    StoredCard,
};
pub use stats::{CardRow, DeckStats, ExamFigures};
pub use tags::{RecentRating, TaggedCard};
pub use types::kind_text;

/// The schema, in order. Append only: a shipped migration never changes.
const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_initial",
        include_str!("../../migrations/0001_initial.sql"),
    ),
    (
        "0002_sync_by_card_text",
        include_str!("../../migrations/0002_sync_by_card_text.sql"),
    ),
    (
        "0003_exam_date",
        include_str!("../../migrations/0003_exam_date.sql"),
    ),
    (
        "0004_card_kinds",
        include_str!("../../migrations/0004_card_kinds.sql"),
    ),
    (
        "0005_course_order_and_ask",
        include_str!("../../migrations/0005_course_order_and_ask.sql"),
    ),
    (
        "0006_memory_model",
        include_str!("../../migrations/0006_memory_model.sql"),
    ),
    (
        "0007_card_counts",
        include_str!("../../migrations/0007_card_counts.sql"),
    ),
    (
        "0008_deck_tags",
        include_str!("../../migrations/0008_deck_tags.sql"),
    ),
    (
        "0009_student_key",
        include_str!("../../migrations/0009_student_key.sql"),
    ),
    (
        "0010_review_verdict",
        include_str!("../../migrations/0010_review_verdict.sql"),
    ),
    (
        "0011_deck_scheduler",
        include_str!("../../migrations/0011_deck_scheduler.sql"),
    ),
    (
        "0012_cached_pairs",
        include_str!("../../migrations/0012_cached_pairs.sql"),
    ),
    (
        "0013_cheaper_rating_checks",
        include_str!("../../migrations/0013_cheaper_rating_checks.sql"),
    ),
];

/// Marks a database as ours ("fich"), so another program's SQLite file is
/// never mistaken for an empty store.
const APPLICATION_ID: i32 = 0x6669_6368;

/// The store version that brings the memory model's tables.
const MEMORY_MODEL_VERSION: i64 = 6;

/// Statements kept prepared: more than the store has (about 60).
const STATEMENT_CACHE: usize = 128;

/// How long a write waits for another fiches process before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a rating or an undo waits for another process's write before
/// the front end is told ([`StoreError::Busy`]): it says so on screen and
/// tries again, rather than freezing.
const SESSION_WAIT: Duration = Duration::from_millis(250);

pub const DB_VARIABLE: &str = "FICHES_DB";

#[derive(Debug, Error)]
pub enum StoreError {
    #[error(
        "cannot open the review store {path}: {reason}; check the path and its permissions, or choose another with --db PATH"
    )]
    Open { path: PathBuf, reason: String },
    #[error(
        "{path} is not a fiches review store (it is not an SQLite database, or it is damaged); it was left untouched: move it away or choose another store with --db PATH"
    )]
    NotADatabase { path: PathBuf },
    #[error(
        "{path} is an SQLite database of another program, not a fiches review store; it was left untouched: choose another store with --db PATH"
    )]
    Foreign { path: PathBuf },
    #[error(
        "{path} was written by a newer fiches (store version {found}, this one knows up to {known}); it was left untouched: upgrade fiches to use it"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error(
        "{path} was written by an older fiches (store version {found}; this one needs version {known}{what}) and cannot be brought up to date: it is read-only. It was left untouched: make it writable (or copy it somewhere writable and give the copy with --db PATH), then run the command again"
    )]
    TooOld {
        path: PathBuf,
        found: i64,
        known: i64,
        /// What the missing versions add that matters, in words (may be empty).
        what: &'static str,
    },
    #[error(
        "{path} is a fiches review store in a state no fiches writes ({why}): it is damaged, and was left untouched; restore it from a backup (`fiches backup`), or move it away to start a new one"
    )]
    Damaged { path: PathBuf, why: String },
    #[error("cannot back the review store up to {dest}: {reason}; nothing was replaced")]
    Backup { dest: PathBuf, reason: String },
    #[error(
        "the disk holding the review store {path} is full: nothing more could be saved; free some space on it"
    )]
    DiskFull { path: PathBuf },
    #[error(
        "the review store {path} is read-only: nothing could be saved; fix its permissions or choose another store with --db PATH"
    )]
    ReadOnly { path: PathBuf },
    #[error(
        "the review store {path} is in use by another fiches process, writing to it (or stopped while it was): try again once that one is done"
    )]
    Busy { path: PathBuf },
    #[error(
        "the review store {path} was deleted while this session was open: nothing more can be saved in it; quit (q), then put it back from a backup (`fiches backup`) or let the next session start a new one"
    )]
    Deleted { path: PathBuf },
    #[error(
        "the review store {path} was replaced by another file while this session was open: this session cannot save into it; quit (q) and start again to study from the store now there"
    )]
    Replaced { path: PathBuf },
    #[error("the review store {path} failed: {source}")]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Sync re-reads only edited cards when it can (off: always whole files).
    read_edited_cards_only: bool,
    /// A scratch store that vanishes on close (for `sync --dry-run` with no store yet).
    in_memory: bool,
    /// The file opened (device, inode), to notice it deleted or replaced.
    on_disk: Option<(u64, u64)>,
}

/// Where the store lives when neither `--db` nor `FICHES_DB` says otherwise:
/// `$XDG_DATA_HOME/fiches/fiches.db`, else `~/.local/share/fiches/fiches.db`.
pub fn default_path() -> Option<PathBuf> {
    let non_empty = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(data) = non_empty("XDG_DATA_HOME") {
        return Some(PathBuf::from(data).join("fiches").join("fiches.db"));
    }
    non_empty("HOME").map(|home| {
        PathBuf::from(home)
            .join(".local")
            .join("share")
            .join("fiches")
            .join("fiches.db")
    })
}

impl Store {
    /// Opens (creating on first use) the store at `path` and brings its
    /// schema up to date. A file that is not ours is refused and left as is.
    /// Its directory must exist: making it is the caller's business.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|err| StoreError::Open {
            path: path.to_path_buf(),
            reason: sqlite_reason(&err),
        })?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            read_edited_cards_only: true,
            in_memory: false,
            on_disk: None,
        };
        let ready = store.configure().and_then(|()| store.migrate());
        ready.map_err(|err| store.too_old(err))?;
        store.on_disk = file_identity(path);
        Ok(store)
    }

    /// A store in memory, migrated and empty: what a first sync would do,
    /// without creating anything on disk.
    pub fn in_memory() -> Result<Store, StoreError> {
        let path = PathBuf::from(":memory:");
        let conn = Connection::open_in_memory().map_err(|err| StoreError::Open {
            path: path.clone(),
            reason: sqlite_reason(&err),
        })?;
        let mut store = Store {
            conn,
            path,
            read_edited_cards_only: true,
            in_memory: true,
            on_disk: None,
        };
        store.configure()?;
        store.migrate()?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// For tests that check both ways of syncing give the same store.
    #[doc(hidden)]
    pub fn set_read_edited_cards_only(&mut self, on: bool) {
        self.read_edited_cards_only = on;
    }

    /// Maps a SQLite failure to what the user can do about it.
    fn fail(&self, err: rusqlite::Error) -> StoreError {
        classify(&self.path, err)
    }

    /// Runs `sql` once for each deck, the deck bound as `?1` and `rest` as
    /// `?2`, `?3`…, and reads every row it returns with `read` (given the
    /// deck's index among `decks`): each deck's rows in turn, decks in the
    /// order given.
    fn each_deck<'d, T>(
        &self,
        sql: &str,
        decks: impl IntoIterator<Item = &'d DeckId>,
        rest: &[&dyn ToSql],
        read: impl FnMut(usize, &DeckId, &rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, StoreError> {
        self.each_deck_bound(
            sql,
            decks.into_iter().enumerate(),
            |_, deck, bound| {
                bound.push(deck);
                bound.extend_from_slice(rest);
            },
            read,
        )
    }

    /// [`Store::each_deck`] with the values bound for each deck chosen by
    /// `bind` (given the deck's index, as `decks` numbers it).
    fn each_deck_bound<'d, 'v, T>(
        &self,
        sql: &str,
        decks: impl IntoIterator<Item = (usize, &'d DeckId)>,
        mut bind: impl FnMut(usize, &'d DeckId, &mut Vec<&'v dyn ToSql>),
        mut read: impl FnMut(usize, &DeckId, &rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, StoreError>
    where
        'd: 'v,
    {
        let mut statement = self.conn.prepare_cached(sql).map_err(|e| self.fail(e))?;
        let mut out = Vec::new();
        let mut bound: Vec<&dyn ToSql> = Vec::new();
        for (index, deck) in decks {
            bound.clear();
            bind(index, deck, &mut bound);
            let mut rows = statement
                .query(bound.as_slice())
                .map_err(|e| self.fail(e))?;
            while let Some(row) = rows.next().map_err(|e| self.fail(e))? {
                out.push(read(index, deck, row).map_err(|e| self.fail(e))?);
            }
        }
        Ok(out)
    }

    fn configure(&mut self) -> Result<(), StoreError> {
        // Every statement the store prepares stays prepared for as long as
        // it is open: a rating and the next card reuse theirs.
        self.conn
            .set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        // Without the planner's stability guarantee SQLite compiles a
        // statement again whenever a value bound to it could change its
        // plan: the card read and the card's update were compiled again at
        // every rating. The store has no statistics for values to matter.
        self.conn
            .set_db_config(
                rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
                true,
            )
            .map_err(|e| self.fail(e))?;
        self.wait_for_writers()?;
        // Read the header before changing anything: a file that is not a
        // database fails here, while it is still untouched.
        let (application_id, version, objects) = self.identity()?;
        // Only an empty database is adopted; anything else must carry our mark.
        if application_id != APPLICATION_ID && objects > 0 {
            return Err(StoreError::Foreign {
                path: self.path.clone(),
            });
        }
        if version > known_version() {
            return Err(StoreError::TooNew {
                path: self.path.clone(),
                found: version,
                known: known_version(),
            });
        }
        self.check_schema(version, objects)?;
        // WAL lets a reader go on while another process commits a rating;
        // FULL makes every acknowledged rating survive a power cut. WAL is
        // kept in the file, so only a new store needs the switch, which
        // wants the database to itself: another process opening the same
        // new store at that moment makes it wait, not fail.
        if !self.in_memory {
            let mut mode = self.journal_mode("PRAGMA journal_mode")?;
            let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
            while !mode.eq_ignore_ascii_case("wal") {
                match self.journal_mode("PRAGMA journal_mode = WAL") {
                    Ok(now) if now.eq_ignore_ascii_case("wal") => break,
                    Ok(other) => {
                        return Err(StoreError::Open {
                            path: self.path.clone(),
                            reason: format!(
                                "the journal cannot be switched to WAL (it stays {other})"
                            ),
                        });
                    }
                    // Another process holds the new file for its own switch.
                    Err(StoreError::Busy { .. }) if std::time::Instant::now() < deadline => {
                        std::thread::sleep(Duration::from_millis(20));
                        mode = self.journal_mode("PRAGMA journal_mode")?;
                    }
                    Err(err) => return Err(err),
                }
            }
        }
        self.conn
            .execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
            .map_err(|e| self.fail(e))
    }

    fn journal_mode(&self, pragma: &str) -> Result<String, StoreError> {
        self.conn
            .query_row(pragma, [], |row| row.get(0))
            .map_err(|e| self.fail(e))
    }

    /// (application_id, user_version, number of schema objects), read in
    /// one statement so another process's migration is seen whole or not at all.
    fn identity(&self) -> Result<(i32, i64, i64), StoreError> {
        self.conn
            .query_row(
                "SELECT (SELECT application_id FROM pragma_application_id),
                        (SELECT user_version FROM pragma_user_version),
                        (SELECT count(*) FROM sqlite_schema)",
                [],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .map_err(|e| self.fail(e))
    }

    /// A store says which migrations it has had in `user_version`: what
    /// its tables hold must agree, or migrating it would fail half way (or
    /// worse, succeed on a store it does not describe).
    fn check_schema(&self, version: i64, objects: i64) -> Result<(), StoreError> {
        let damaged = |why: String| StoreError::Damaged {
            path: self.path.clone(),
            why,
        };
        if version < 0 {
            return Err(damaged(format!("its version is {version}")));
        }
        if version == 0 {
            // A new, empty file is adopted; anything else must have a version.
            return if objects == 0 {
                Ok(())
            } else {
                Err(damaged("it has tables but no version".into()))
            };
        }
        // Every column of the tables the marks name, in one statement: the
        // start pays for one compiled statement, not one a mark.
        let mut columns: Vec<(String, String)> = Vec::new();
        {
            let mut statement = self
                .conn
                .prepare(
                    "SELECT t.name, c.name FROM sqlite_schema t, pragma_table_info(t.name) c
                     WHERE t.type = 'table'
                       AND t.name IN ('cards', 'reviews', 'decks', 'memory_model', 'card_counts', 'student')
                     UNION ALL
                     SELECT 'trigger', name FROM sqlite_schema WHERE type = 'trigger'",
                )
                .map_err(|e| self.fail(e))?;
            let mut rows = statement.query([]).map_err(|e| self.fail(e))?;
            while let Some(row) = rows.next().map_err(|e| self.fail(e))? {
                columns.push((
                    row.get(0).map_err(|e| self.fail(e))?,
                    row.get(1).map_err(|e| self.fail(e))?,
                ));
            }
        }
        for &(since, table, column) in SCHEMA_MARKS {
            let present = columns.iter().any(|(t, c)| t == table && c == column);
            match (since <= version, present) {
                (true, false) => {
                    return Err(damaged(format!(
                        "version {version}, but without what version {since} adds"
                    )));
                }
                (false, true) => {
                    return Err(damaged(format!(
                        "version {version}, but with what version {since} adds"
                    )));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Writes a consistent copy of the store into `file`, a new database
    /// (SQLite's online backup: a session may go on rating meanwhile),
    /// checked, and complete in that one file. Where the copy then goes is
    /// the caller's: `fiches backup` gives it its name only once it is whole.
    pub fn copy_into(&self, file: &Path) -> Result<(), StoreError> {
        let copied = (|| {
            let mut copy = Connection::open(file)?;
            rusqlite::backup::Backup::new(&self.conn, &mut copy)?.run_to_completion(
                256,
                std::time::Duration::from_millis(5),
                None,
            )?;
            let check: String = copy.query_row("PRAGMA integrity_check", [], |row| row.get(0))?;
            // One file, with no journal beside it.
            copy.execute_batch("PRAGMA journal_mode = DELETE")?;
            Ok(check)
        })();
        let fail = |reason: String| StoreError::Backup {
            dest: file.to_path_buf(),
            reason,
        };
        match copied {
            Ok(check) if check == "ok" => Ok(()),
            Ok(check) => Err(fail(format!("the copy does not check out ({check})"))),
            Err(err) => Err(fail(sqlite_reason(&err))),
        }
    }

    /// A store that cannot be written stays at its version: when that is
    /// older than this fiches', it is too old for it, which `err` says.
    fn too_old(&self, err: StoreError) -> StoreError {
        let StoreError::ReadOnly { .. } = err else {
            return err;
        };
        match self.identity() {
            // An empty file is no store yet: read-only, as said.
            Ok((_, version, _)) if version > 0 && version < known_version() => StoreError::TooOld {
                path: self.path.clone(),
                found: version,
                known: known_version(),
                what: if version < MEMORY_MODEL_VERSION {
                    ", whose memory model of what you will remember is not in it yet"
                } else {
                    ""
                },
            },
            _ => err,
        }
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let (_, version, _) = self.identity()?;
        if version == known_version() {
            return Ok(());
        }
        let path = self.path.clone();
        let fail = |err: rusqlite::Error| classify(&path, err);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&fail)?;
        // Another process may have migrated while we waited for the lock.
        let current: i64 = tx
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(&fail)?;
        for (number, (_name, sql)) in MIGRATIONS.iter().enumerate() {
            let target = i64::try_from(number + 1).unwrap_or(i64::MAX);
            if target > current {
                tx.execute_batch(sql).map_err(&fail)?;
            }
        }
        tx.execute_batch(&format!(
            "PRAGMA user_version = {}; PRAGMA application_id = {APPLICATION_ID};",
            known_version()
        ))
        .map_err(&fail)?;
        tx.commit().map_err(&fail)
    }

    /// Runs `read` in one read transaction: every query sees the store as
    /// it was at the first, whatever other processes commit meanwhile.
    pub fn read_consistently<T, E: From<StoreError>>(
        &self,
        read: impl FnOnce(&Store) -> Result<T, E>,
    ) -> Result<T, E> {
        self.conn
            .execute_batch("BEGIN DEFERRED")
            .map_err(|e| self.fail(e))?;
        let result = read(self);
        // Nothing was written: ending the transaction cannot lose anything.
        let _ = self.conn.execute_batch("COMMIT");
        result
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    pub fn integrity_check(&self) -> Result<String, StoreError> {
        self.conn
            .query_row("PRAGMA integrity_check", [], |row| row.get(0))
            .map_err(|e| self.fail(e))
    }

    /// A write of a session (a rating, an undo), done by `write` in its own
    /// transaction. It waits only briefly for another process's write
    /// ([`StoreError::Busy`]), and is refused when the file at the store's
    /// path is no longer the one opened: a rating must not be acknowledged
    /// into a file nobody will read.
    fn session_write<T>(
        &mut self,
        write: impl FnOnce(&mut Store) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.still_in_place()?;
        self.conn
            .busy_timeout(SESSION_WAIT)
            .map_err(|e| self.fail(e))?;
        let written = write(self);
        let restored = self.wait_for_writers();
        let value = written?;
        restored?;
        // Deleted or renamed over while it was written: said, not acknowledged.
        self.still_in_place()?;
        Ok(value)
    }

    /// Another process's write is waited for up to [`BUSY_TIMEOUT`], and
    /// said on stderr once it takes a second: no command stays silent.
    fn wait_for_writers(&mut self) -> Result<(), StoreError> {
        if !self.in_memory {
            let _ = WAITED_STORE.set(self.path.display().to_string());
        }
        self.conn
            .busy_handler(Some(wait_for_writer))
            .map_err(|e| self.fail(e))
    }

    /// Whether the store's path still names the file opened.
    ///
    /// The one file-system look beyond opening, and part of it: SQLite goes
    /// on writing into a file deleted or renamed over while it is open, so
    /// a rating would be acknowledged into a file nobody will read again.
    /// Checking that the path still names the (device, inode) the
    /// connection opened is what makes "saved" true, so it stays with the
    /// connection rather than at the edge.
    pub fn still_in_place(&self) -> Result<(), StoreError> {
        let Some(opened) = self.on_disk else {
            return Ok(());
        };
        let path = self.path.clone();
        match std::fs::metadata(&self.path) {
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                Err(StoreError::Deleted { path })
            }
            // Cannot tell (a permission changed): the write itself will say.
            Err(_) => Ok(()),
            Ok(now) if file_identity_of(&now) != Some(opened) => Err(StoreError::Replaced { path }),
            Ok(_) => Ok(()),
        }
    }

    /// A write transaction begun and committed through statements kept
    /// prepared, as every statement of a rating is: compiling `BEGIN` and
    /// `COMMIT` afresh at each rating was a tenth of its instructions.
    fn kept_immediate(&self) -> Result<KeptTransaction<'_>, StoreError> {
        self.conn
            .prepare_cached("BEGIN IMMEDIATE")
            .and_then(|mut begin| begin.execute([]))
            .map_err(|e| self.fail(e))?;
        Ok(KeptTransaction {
            conn: &self.conn,
            committed: false,
        })
    }

    fn immediate(&mut self) -> Result<rusqlite::Transaction<'_>, StoreError> {
        let path = self.path.clone();
        self.conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|err| classify(&path, err))
    }
}

/// A transaction of [`Store::kept_immediate`]: rolled back when dropped
/// before [`KeptTransaction::commit`] succeeds, as rusqlite's are.
struct KeptTransaction<'c> {
    conn: &'c Connection,
    committed: bool,
}

impl KeptTransaction<'_> {
    fn commit(mut self) -> rusqlite::Result<()> {
        self.conn.prepare_cached("COMMIT")?.execute([])?;
        self.committed = true;
        Ok(())
    }
}

impl std::ops::Deref for KeptTransaction<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl Drop for KeptTransaction<'_> {
    fn drop(&mut self) {
        // A failed commit may leave the transaction open: nothing of it stays.
        if !self.committed && !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

/// Maps a SQLite failure on the store at `path` to what the user can do about it.
fn classify(path: &Path, err: rusqlite::Error) -> StoreError {
    let path = path.to_path_buf();
    // A value no fiches writes (a kind, a day, a rating out of range).
    let unreadable = match &err {
        rusqlite::Error::FromSqlConversionFailure(_, _, source) => Some(source.to_string()),
        rusqlite::Error::IntegralValueOutOfRange(_, n) => Some(format!("the number {n}")),
        rusqlite::Error::InvalidColumnType(_, column, found) => {
            Some(format!("{found} in the column {column}"))
        }
        _ => None,
    };
    if let Some(what) = unreadable {
        return StoreError::Damaged {
            path,
            why: format!("a value it holds cannot be read: {what}"),
        };
    }
    match err.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt) => {
            StoreError::NotADatabase { path }
        }
        Some(ErrorCode::ReadOnly) => StoreError::ReadOnly { path },
        Some(ErrorCode::DiskFull) => StoreError::DiskFull { path },
        Some(ErrorCode::DatabaseBusy) => StoreError::Busy { path },
        Some(ErrorCode::CannotOpen) | Some(ErrorCode::PermissionDenied) => StoreError::Open {
            reason: sqlite_reason(&err),
            path,
        },
        _ => StoreError::Sqlite { path, source: err },
    }
}

/// The store named when a command says it waits for it.
static WAITED_STORE: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// SQLite's busy handler: `tries` waits so far for this lock. A step of
/// 10 ms, up to [`BUSY_TIMEOUT`]; after a second, one line says why.
fn wait_for_writer(tries: i32) -> bool {
    const STEP: Duration = Duration::from_millis(10);
    static TOLD: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let waited = STEP * u32::try_from(tries).unwrap_or(0);
    if waited >= BUSY_TIMEOUT {
        return false;
    }
    if waited >= Duration::from_secs(1) && !TOLD.swap(true, std::sync::atomic::Ordering::SeqCst) {
        let store = WAITED_STORE.get().map_or("", String::as_str);
        eprintln!(
            "fiches: waiting for another fiches process, which is writing to the review store {} (up to {} s; Ctrl-C gives up)",
            crate::text::shown(store),
            BUSY_TIMEOUT.as_secs()
        );
    }
    std::thread::sleep(STEP);
    true
}

/// The (device, inode) of the file at `path`, where the platform has them.
fn file_identity(path: &Path) -> Option<(u64, u64)> {
    std::fs::metadata(path)
        .ok()
        .and_then(|m| file_identity_of(&m))
}

#[cfg(unix)]
fn file_identity_of(metadata: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((metadata.dev(), metadata.ino()))
}

#[cfg(not(unix))]
fn file_identity_of(_: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

/// A column each migration adds, to tell what a store has had: (the
/// version that adds it, table, column); or, for a migration that adds no
/// column, a trigger it adds (table `trigger`).
const SCHEMA_MARKS: &[(i64, &str, &str)] = &[
    (1, "cards", "question"),
    (1, "reviews", "rating"),
    (2, "cards", "text_hash"),
    (3, "decks", "exam"),
    (4, "cards", "kind"),
    (5, "cards", "ask"),
    (6, "memory_model", "parameters"),
    (7, "card_counts", "cards"),
    (8, "decks", "tags"),
    (9, "student", "key"),
    (10, "reviews", "verdict"),
    (11, "decks", "scheduler"),
    (12, "memory_model", "cached_pairs"),
    (13, "trigger", "card_counts_follow"),
];

fn known_version() -> i64 {
    i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX)
}

fn sqlite_reason(err: &rusqlite::Error) -> String {
    match err {
        rusqlite::Error::SqliteFailure(code, Some(message)) => format!("{message} ({code})"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A new migration needs a mark of its own, or a store that skipped it
    /// would pass for complete.
    #[test]
    fn every_migration_has_a_schema_mark() {
        for version in 1..=known_version() {
            assert!(
                SCHEMA_MARKS.iter().any(|(since, _, _)| *since == version),
                "no mark for version {version}"
            );
        }
        let store = Store::in_memory().unwrap();
        assert!(store.check_schema(known_version(), 1).is_ok());
        // A mark of a table the check does not read would never be found.
        for version in 1..known_version() {
            assert!(
                matches!(
                    store.check_schema(version, 1),
                    Err(StoreError::Damaged { .. })
                ),
                "version {version} passes for the latest"
            );
        }
        assert!(matches!(
            store.check_schema(2, 1),
            Err(StoreError::Damaged { .. })
        ));
    }

    #[test]
    fn the_memory_models_version_is_the_migration_that_brings_its_tables() {
        let index = usize::try_from(MEMORY_MODEL_VERSION - 1).unwrap();
        assert_eq!(MIGRATIONS[index].0, "0006_memory_model");
        assert!(MIGRATIONS[index].1.contains("CREATE TABLE memory_model"));
    }
}
