//! Deck files into the store, never losing history: a card keeps its row
//! (and so its reviews) across edits, and a removed card is only retired.
//!
//! Three steps, each in its own place: the files are read once, before any
//! lock ([`crate::deck::file`]); what the sync will do is planned without
//! touching anything ([`plan`]); the store writes it in one transaction
//! (`store/sync.rs`). A deck with errors, its own or against the other
//! decks (`deck::cross_check`'s rules), is left as last synced; the others
//! are synced.

mod conflicts;
pub mod plan;

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use thiserror::Error;

pub use plan::{Change, ChangeKind, DeckSync};

use crate::deck::file::{self, Contents, DeckBytes, Located};
use crate::deck::outline;
use crate::deck::{self, Card, DeckId, DeckIds, Diagnostic, LoadedDeck, Pos};
use crate::hash::{FastMap, FastSet};
use crate::store::{Store, StoreError};
use plan::{KeyedRow, KnownFile, Outcome, RowStamp, Source, Split, StoredDeck};

#[derive(Debug, Clone, Default)]
pub struct SyncReport {
    pub decks: Vec<DeckSync>,
    /// Decks left as they were because their file has errors (only when
    /// asked to skip them rather than fail).
    pub skipped: Vec<SkippedDeck>,
}

/// A deck file with errors, left out of a sync.
#[derive(Debug, Clone)]
pub struct SkippedDeck {
    pub loaded: LoadedDeck,
    /// The deck as last synced from this file, if it ever was.
    pub last_synced: Option<DeckId>,
    /// Left out for a clash with another deck (an id), not for an error
    /// of its own: `fiches check` on the file alone finds nothing.
    pub between_decks: bool,
}

impl SyncReport {
    pub fn deck_ids(&self) -> Vec<DeckId> {
        self.decks.iter().map(|d| d.deck.clone()).collect()
    }
}

#[derive(Debug, Error)]
pub enum SyncError {
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} deck file{} with errors: run `fiches check` and fix them first", .0.len(), if .0.len() == 1 { "" } else { "s" })]
    Invalid(Vec<LoadedDeck>),
    #[error("the deck files kept changing while they were synced: run the sync again")]
    KeptChanging,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How to sync.
#[derive(Debug, Clone, Copy, Default)]
pub struct SyncOptions {
    /// Plan only: nothing is written.
    pub dry_run: bool,
    /// Sync the decks without errors and report the others in `skipped`
    /// (otherwise any error fails the whole sync).
    pub skip_invalid: bool,
    /// Read and plan every file whatever its stamp and hash say (an edit
    /// that kept the file's size and time).
    pub full: bool,
}

impl Store {
    /// Syncs deck files into the store; with `dry_run`, only says what it would do.
    pub fn sync(
        &mut self,
        files: &[PathBuf],
        dry_run: bool,
        now: DateTime<FixedOffset>,
    ) -> Result<SyncReport, SyncError> {
        let options = SyncOptions {
            dry_run,
            ..SyncOptions::default()
        };
        sync(self, files, options, now)
    }

    /// Syncs the files without errors and reports the others in
    /// `skipped`, so a student can study the decks that are fine.
    pub fn sync_skipping_invalid(
        &mut self,
        files: &[PathBuf],
        now: DateTime<FixedOffset>,
    ) -> Result<SyncReport, SyncError> {
        let options = SyncOptions {
            skip_invalid: true,
            ..SyncOptions::default()
        };
        sync(self, files, options, now)
    }
}

/// A file as read before the lock is taken.
enum Examined {
    /// The stamp it was synced with: not read.
    Unchanged(Located, KnownFile),
    /// Read, and byte for byte as synced: only its time changed.
    Touched(Located, KnownFile),
    /// Read whole and parsed.
    Parsed(Box<LoadedDeck>, Source),
    /// Read, to be synced card by card.
    Edited(Box<Edited>),
}

/// A deck synced before whose text changed, with its edited cards read.
struct Edited {
    path: PathBuf,
    text: String,
    source: Source,
    /// Where the text was cut at its cards.
    cut: Cut,
    /// The store's data version when the stamps were read: while no other
    /// connection commits, they, the split and the cards read still hold.
    data_version: i64,
    /// The row stamps the edited cards were chosen with.
    stamps: Vec<RowStamp>,
    split: Split,
    /// Edited cards read alone, by (text hash, line).
    cards: FastMap<(i64, u32), Card>,
}

/// An outline kept apart from its text: the header's end, and each card's
/// (start, end, line).
struct Cut {
    header_end: usize,
    chunks: Vec<(usize, usize, u32)>,
}

impl Cut {
    fn of(outline: &outline::Outline<'_>) -> Cut {
        Cut {
            header_end: outline.header.len(),
            chunks: outline
                .chunks
                .iter()
                .map(|c| (c.start, c.start + c.text.len(), c.line))
                .collect(),
        }
    }

    /// The outline again, over the text it was cut from.
    fn outline<'t>(&self, text: &'t str) -> Option<outline::Outline<'t>> {
        let mut chunks = Vec::with_capacity(self.chunks.len());
        for &(start, end, line) in &self.chunks {
            chunks.push(outline::Chunk {
                text: text.get(start..end)?,
                start,
                line,
            });
        }
        Some(outline::Outline {
            header: text.get(..self.header_end)?,
            chunks,
        })
    }
}

/// Attempts when files change between their read and the lock.
const ATTEMPTS: usize = 3;

/// Syncs `files` into `store`. Every deck file is read before the store's
/// write lock is taken; under the lock, the files' stamps are checked
/// again, and the sync starts over if one changed meanwhile.
pub fn sync(
    store: &mut Store,
    files: &[PathBuf],
    options: SyncOptions,
    now: DateTime<FixedOffset>,
) -> Result<SyncReport, SyncError> {
    for _ in 0..ATTEMPTS {
        let mut located = Vec::with_capacity(files.len());
        for path in files {
            located.push(file::locate(path).map_err(|e| io_error(path, e))?);
        }
        let known: Vec<Option<KnownFile>> = located
            .iter()
            .map(|l| store.known_file(&l.canonical))
            .collect::<Result<_, _>>()?;
        let all_unchanged = located
            .iter()
            .zip(&known)
            .all(|(l, k)| k.as_ref().is_some_and(|k| l.stamp.same_as(k.stamp)));
        if all_unchanged && !options.full {
            return Ok(SyncReport {
                decks: located
                    .iter()
                    .zip(&known)
                    .filter_map(|(l, k)| k.as_ref().map(|k| plan::unchanged(k, &l.path)))
                    .collect(),
                skipped: Vec::new(),
            });
        }
        let mut examined = Vec::with_capacity(files.len());
        for (located, known) in located.into_iter().zip(known) {
            examined.push(examine(store, located, known, options)?);
        }
        store.begin_sync()?;
        let result = if stamps_still_hold(&examined)? {
            locked(store, examined, options, now).map(Some)
        } else {
            Ok(None)
        };
        let commit = matches!(result, Ok(Some(_))) && !options.dry_run;
        store.end_sync(commit)?;
        if let Some(report) = result? {
            return Ok(report);
        }
    }
    Err(SyncError::KeptChanging)
}

/// Reads one file unless its stamp says it is as synced.
fn examine(
    store: &Store,
    located: Located,
    known: Option<KnownFile>,
    options: SyncOptions,
) -> Result<Examined, SyncError> {
    if let Some(known) = known.as_ref().filter(|k| located.stamp.same_as(k.stamp))
        && !options.full
    {
        return Ok(Examined::Unchanged(located, known.clone()));
    }
    let DeckBytes { located, contents } =
        file::read(&located.path).map_err(|e| io_error(&located.path, e))?;
    let (bytes, hash) = match contents {
        Contents::Bytes { bytes, hash } => (bytes, hash),
        Contents::TooBig => {
            let loaded = deck::loaded_from(&located.path, &Contents::TooBig);
            let source = source_of(&located, 0);
            return Ok(Examined::Parsed(Box::new(loaded), source));
        }
    };
    let source = source_of(&located, hash);
    if let Some(known) = &known
        && !options.full
        && known.hash == hash
        && known.stamp.size == located.stamp.size
    {
        return Ok(Examined::Touched(located, known.clone()));
    }
    // The text takes over the bytes: the deck is held once.
    let text = match file::decode_owned(&located.path, bytes) {
        Ok(text) => text,
        Err(diagnostic) => {
            let mut loaded = LoadedDeck::empty(&located.path);
            loaded.diagnostics.push(diagnostic);
            return Ok(Examined::Parsed(Box::new(loaded), source));
        }
    };
    let text = match &known {
        Some(known) if !options.full && store.reads_edited_cards_only() => {
            match read_edited(store, &located.path, text, known, &source)? {
                Ok(edited) => return Ok(Examined::Edited(Box::new(edited))),
                Err(text) => text,
            }
        }
        _ => text,
    };
    let loaded = deck::parse_text(&located.path, text);
    Ok(Examined::Parsed(Box::new(loaded), source))
}

fn io_error(path: &Path, source: std::io::Error) -> SyncError {
    SyncError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn source_of(located: &Located, hash: i64) -> Source {
    Source {
        stamp: located.stamp,
        hash,
        canonical: located.canonical.clone(),
        header_hash: None,
    }
}

/// The edited cards of a deck synced before, read alone; the text back
/// when the whole file must be read.
fn read_edited(
    store: &Store,
    path: &Path,
    text: String,
    known: &KnownFile,
    source: &Source,
) -> Result<Result<Edited, String>, StoreError> {
    let Some(outline) = outline::outline(&text) else {
        return Ok(Err(text));
    };
    // Read before the stamps: a commit in between changes it.
    let data_version = store.data_version()?;
    let stamps = store.row_stamps(&known.deck)?;
    let Some(split) = plan::split(known, &outline, &stamps) else {
        return Ok(Err(text));
    };
    let Some(cards) = read_cards(path, &outline, &split, &FastMap::default()) else {
        return Ok(Err(text));
    };
    let cut = Cut::of(&outline);
    drop(outline);
    Ok(Ok(Edited {
        path: path.to_path_buf(),
        text,
        source: source.clone(),
        cut,
        data_version,
        stamps,
        split,
        cards,
    }))
}

/// The cards of `split.edited`, each read alone (or taken from `read`).
fn read_cards(
    path: &Path,
    outline: &outline::Outline<'_>,
    split: &Split,
    read: &FastMap<(i64, u32), Card>,
) -> Option<FastMap<(i64, u32), Card>> {
    let mut cards = FastMap::default();
    for &(position, hash) in &split.edited {
        let chunk = outline.chunks.get(position)?;
        let key = (hash, chunk.line);
        let card = match read.get(&key) {
            Some(card) => card.clone(),
            None => deck::card_from_text(path, chunk.text, chunk.line)?,
        };
        cards.insert(key, card);
    }
    Some(cards)
}

/// Whether every file still has the stamp it had when it was read.
fn stamps_still_hold(examined: &[Examined]) -> Result<bool, SyncError> {
    for e in examined {
        let (path, stamp) = match e {
            Examined::Unchanged(l, _) | Examined::Touched(l, _) => (&l.path, l.stamp),
            Examined::Parsed(loaded, source) => (&loaded.path, source.stamp),
            Examined::Edited(edited) => (&edited.path, edited.source.stamp),
        };
        match file::locate(path) {
            Ok(now) if now.stamp == stamp => {}
            Ok(_) => return Ok(false),
            Err(err) => return Err(io_error(path, err)),
        }
    }
    Ok(true)
}

/// One file's part in the sync, once planned under the lock.
enum Planned {
    Outcome {
        outcome: Outcome,
        /// Its card ids with where they are, for the rules between decks.
        ids: Vec<(String, Pos)>,
        /// What is kept to report the deck if it must be left out.
        loaded: LoadedDeck,
        /// The deck whose rows it rewrites.
        rows_of: Option<DeckId>,
        last_synced: Option<DeckId>,
    },
    Skipped(SkippedDeck),
}

/// Plans (and, unless a dry run, writes) the sync under the write lock.
/// Nothing here reads a deck file.
fn locked(
    store: &mut Store,
    examined: Vec<Examined>,
    options: SyncOptions,
    now: DateTime<FixedOffset>,
) -> Result<SyncReport, SyncError> {
    let mut planned = Vec::with_capacity(examined.len());
    let mut touched = Vec::new();
    for e in examined {
        planned.push(plan_one(store, e, &mut touched)?);
    }
    conflicts::leave_out_conflicts(store, &mut planned)?;
    let mut outcomes = Vec::new();
    let mut skipped = Vec::new();
    let mut in_sync: FastSet<DeckId> = FastSet::default();
    for p in planned {
        match p {
            Planned::Outcome {
                outcome, rows_of, ..
            } => {
                in_sync.insert(outcome.sync().deck.clone());
                in_sync.extend(rows_of);
                outcomes.push(outcome);
            }
            Planned::Skipped(s) => {
                in_sync.extend(s.last_synced.clone());
                skipped.push(s);
            }
        }
    }
    if !options.skip_invalid && !skipped.is_empty() {
        return Err(SyncError::Invalid(
            skipped.into_iter().map(|s| s.loaded).collect(),
        ));
    }
    if outcomes.iter().any(needs_keyed_rows) {
        let gone = gone_decks(store, &in_sync)?;
        let elsewhere: FastMap<String, KeyedRow> = store
            .keyed_rows()?
            .into_iter()
            .filter(|k| k.retired || gone.contains(&k.deck))
            .map(|k| (k.key.clone(), k))
            .collect();
        plan::carry_moved_cards(&mut outcomes, &elsewhere);
    }
    let changed = outcomes.iter().any(|o| matches!(o, Outcome::Changed(_)));
    if !options.dry_run && (changed || !touched.is_empty()) {
        store.apply_sync(&outcomes, &touched, now)?;
    }
    Ok(SyncReport {
        decks: outcomes.into_iter().map(Outcome::into_sync).collect(),
        skipped,
    })
}

fn needs_keyed_rows(outcome: &Outcome) -> bool {
    match outcome {
        Outcome::Changed(plan) => {
            !plan.retire.iter().all(|r| r.key.is_none()) || !plan.claimed_ids().is_empty()
        }
        Outcome::Unchanged(_) => false,
    }
}

/// Decks of the store outside this sync whose file is no longer there.
fn gone_decks(store: &Store, in_sync: &FastSet<DeckId>) -> Result<FastSet<DeckId>, StoreError> {
    Ok(store
        .deck_paths()?
        .into_iter()
        .filter(|(id, path)| !in_sync.contains(id) && file_is_gone(path))
        .map(|(id, _)| id)
        .collect())
}

fn file_is_gone(path: &str) -> bool {
    path.is_empty() || !Path::new(path).is_file()
}

fn plan_one(
    store: &Store,
    examined: Examined,
    touched: &mut Vec<(String, i64)>,
) -> Result<Planned, SyncError> {
    let unchanged = |located: &Located, known: &KnownFile| Planned::Outcome {
        outcome: Outcome::Unchanged(plan::unchanged(known, &located.path)),
        ids: Vec::new(),
        loaded: LoadedDeck::empty(&located.path),
        rows_of: Some(known.deck.clone()),
        last_synced: Some(known.deck.clone()),
    };
    match examined {
        Examined::Unchanged(located, known) => Ok(unchanged(&located, &known)),
        Examined::Touched(located, known) => {
            touched.push((located.canonical.clone(), located.stamp.mtime));
            Ok(unchanged(&located, &known))
        }
        Examined::Edited(edited) => match plan_edited(store, edited)? {
            Ok(planned) => Ok(planned),
            // The store changed since the file was read: read it whole,
            // from the bytes in memory.
            Err(edited) => {
                let Edited {
                    path, text, source, ..
                } = *edited;
                plan_parsed(store, deck::parse_text(&path, text), source)
            }
        },
        Examined::Parsed(loaded, source) => plan_parsed(store, *loaded, source),
    }
}

fn plan_parsed(
    store: &Store,
    mut loaded: LoadedDeck,
    source: Source,
) -> Result<Planned, SyncError> {
    let last_synced = store.known_file(&source.canonical)?.map(|k| k.deck);
    if loaded.has_errors() {
        return Ok(Planned::Skipped(SkippedDeck {
            loaded,
            last_synced,
            between_decks: false,
        }));
    }
    let Some(deck) = loaded.deck.take() else {
        return Ok(Planned::Skipped(SkippedDeck {
            loaded,
            last_synced,
            between_decks: false,
        }));
    };
    let fields = store.deck_fields(&deck.id)?;
    let exists = fields.is_some();
    let renamed_from = if exists {
        None
    } else {
        let known = store.known_file(&source.canonical)?;
        let gone: Vec<DeckId> = match known {
            Some(_) => Vec::new(),
            None => store
                .decks_titled(&deck.title)?
                .into_iter()
                .filter(|(_, path)| file_is_gone(path))
                .map(|(id, _)| id)
                .collect(),
        };
        plan::renamed_from(&deck.id, known.as_ref(), &gone)
    };
    let rows_of = if exists {
        Some(deck.id.clone())
    } else {
        renamed_from.clone()
    };
    let rows = match &rows_of {
        Some(id) => store.rows(id)?,
        None => Vec::new(),
    };
    let ids = deck
        .cards
        .iter()
        .filter_map(|c| c.id.clone().map(|id| (id, c.pos)))
        .collect();
    let hashes = loaded
        .card_hashes
        .take()
        .or_else(|| outline::outline(&loaded.text).map(|o| deck::CardHashes::of(&o)));
    let stored = StoredDeck {
        exists,
        fields,
        renamed_from,
        rows,
    };
    let plan = plan::plan_deck(&loaded.path, deck, hashes, source, stored);
    Ok(Planned::Outcome {
        outcome: Outcome::Changed(Box::new(plan)),
        ids,
        loaded,
        rows_of,
        last_synced,
    })
}

/// Plans a deck card by card, with the store as it is under the lock;
/// the deck back when it must be read whole.
fn plan_edited(
    store: &Store,
    mut edited: Box<Edited>,
) -> Result<Result<Planned, Box<Edited>>, SyncError> {
    let Some(known) = store.known_file(&edited.source.canonical)? else {
        return Ok(Err(edited));
    };
    let Some(outline) = edited.cut.outline(&edited.text) else {
        return Ok(Err(edited));
    };
    // Unless another connection committed since the stamps were read, the
    // split and the cards read before the lock still hold.
    let reread = if store.data_version()? == edited.data_version {
        None
    } else {
        let stamps = store.row_stamps(&known.deck)?;
        let Some(split) = plan::split(&known, &outline, &stamps) else {
            return Ok(Err(edited));
        };
        Some((stamps, split))
    };
    let cards_hold = reread
        .as_ref()
        .is_none_or(|(stamps, _)| *stamps == edited.stamps);
    let (mut stamps, split) = match reread {
        Some(read) => read,
        None => (
            std::mem::take(&mut edited.stamps),
            std::mem::take(&mut edited.split),
        ),
    };
    let cards = if cards_hold {
        Cow::Borrowed(&edited.cards)
    } else {
        match read_cards(&edited.path, &outline, &split, &edited.cards) {
            Some(cards) => Cow::Owned(cards),
            None => return Ok(Err(edited)),
        }
    };
    let mut in_order = Vec::with_capacity(split.edited.len());
    for &(position, hash) in &split.edited {
        let line = outline.chunks[position].line;
        match cards.get(&(hash, line)) {
            Some(card) => in_order.push(card.clone()),
            None => return Ok(Err(edited)),
        }
    }
    let rows = store.rows_by_id(&plan::rows_needed(&split, &stamps))?;
    let edited_ids: Vec<(String, Pos)> = in_order
        .iter()
        .filter_map(|c| c.id.clone().map(|id| (id, c.pos)))
        .collect();
    let deck = plan::CardByCard {
        path: &edited.path,
        known: &known,
        source: edited.source.clone(),
        outline: &outline,
        stamps: &stamps,
        split: &split,
    };
    let Some(plan) = plan::plan_edited(deck, in_order, &rows) else {
        return Ok(Err(edited));
    };
    // The kept cards' ids, taken from their stamps, no longer needed.
    let mut ids: Vec<(String, Pos)> = split
        .kept
        .iter()
        .filter_map(|&(position, i)| {
            let line = outline.chunks[position].line;
            stamps[i].key.take().map(|k| (k, Pos::new(line, 3)))
        })
        .chain(edited_ids)
        .collect();
    ids.sort_by_key(|(_, pos)| *pos);
    let entries = outline.chunks.len();
    drop(outline);
    let Edited { path, text, .. } = *edited;
    Ok(Ok(Planned::Outcome {
        outcome: Outcome::Changed(Box::new(plan)),
        ids,
        loaded: LoadedDeck {
            path,
            text,
            deck: None,
            entries,
            card_hashes: None,
            diagnostics: Vec::new(),
        },
        rows_of: Some(known.deck.clone()),
        last_synced: Some(known.deck),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-12-02T09:00:00+01:00").unwrap()
    }

    fn deck(answers: &[&str]) -> String {
        let mut text = String::from("title: \"T\"\ncards:\n");
        for (i, a) in answers.iter().enumerate() {
            text.push_str(&format!(
                "  - id: \"c{i}\"\n    q: \"Q{i} ?\"\n    a: \"{a}\"\n"
            ));
        }
        text
    }

    /// Rows without the hash of their card's text (read card by card, a
    /// kept row keeps its hash; rewritten, it gets one again).
    fn unhashed(db: &Path) -> i64 {
        rusqlite::Connection::open(db)
            .unwrap()
            .query_row(
                "SELECT count(*) FROM cards WHERE text_hash IS NULL",
                [],
                |r| r.get(0),
            )
            .unwrap()
    }

    #[test]
    fn what_was_read_before_the_lock_is_read_again_after_another_commit() {
        let dir = std::env::temp_dir().join(format!("fiches-sync-version-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (db, path) = (dir.join("fiches.db"), dir.join("deck.yaml"));
        let mut store = Store::open(&db).unwrap();
        std::fs::write(&path, deck(&["a", "b", "c", "d"])).unwrap();
        store
            .sync(std::slice::from_ref(&path), false, now())
            .unwrap();
        std::fs::write(&path, deck(&["a", "b, revu", "c", "d"])).unwrap();
        let examine_now = |store: &Store| {
            let located = file::locate(&path).unwrap();
            let known = store.known_file(&located.canonical).unwrap();
            examine(store, located, known, SyncOptions::default()).unwrap()
        };
        // Nothing committed in between: the stamps read first are used.
        let examined = examine_now(&store);
        assert!(matches!(examined, Examined::Edited(_)));
        store.begin_sync().unwrap();
        let report = locked(&mut store, vec![examined], SyncOptions::default(), now());
        store.end_sync(false).unwrap();
        assert_eq!(report.unwrap().decks[0].changes.len(), 1);
        // Another connection commits between the read and the lock: here it
        // forgets a kept card's hash, which only a new read of the stamps sees.
        let examined = examine_now(&store);
        rusqlite::Connection::open(&db)
            .unwrap()
            .execute("UPDATE cards SET text_hash = NULL WHERE key = 'c3'", [])
            .unwrap();
        store.begin_sync().unwrap();
        let report = locked(&mut store, vec![examined], SyncOptions::default(), now()).unwrap();
        store.end_sync(true).unwrap();
        let changes: Vec<_> = report.decks[0].changes.iter().map(|c| &c.card).collect();
        assert_eq!(changes, ["c1"]);
        assert_eq!(unhashed(&db), 0);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
