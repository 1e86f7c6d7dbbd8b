//! Deck files into the store, never losing history: a card keeps its row
//! (and so its reviews) across edits, and a removed card is only retired.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use chrono::{DateTime, FixedOffset, NaiveDate};
use rusqlite::{OptionalExtension, params};
use thiserror::Error;

use super::{Store, StoreError};
use crate::deck::{self, Answer, Card, DeckId, LoadedDeck};
use crate::hash::{FastMap, FastSet, fnv1a};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    Added,
    Edited,
    Retired,
    Restored,
    /// A card (with an `id`) that went from one deck to another, its
    /// history with it.
    Moved,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Edited => "edited",
            ChangeKind::Retired => "retired",
            ChangeKind::Restored => "restored",
            ChangeKind::Moved => "moved",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    /// The card's `id`, or its question when it has none.
    pub card: String,
    /// Its line in the deck file (for a retired card, where it last was).
    pub line: u32,
}

#[derive(Debug, Clone)]
pub struct DeckSync {
    pub deck: DeckId,
    pub title: String,
    pub path: PathBuf,
    /// The file is as last synced: it was not even parsed.
    pub unchanged: bool,
    pub new_deck: bool,
    /// The deck's `id` changed; its history moved with it.
    pub renamed_from: Option<DeckId>,
    /// The deck's own fields (title, exam day) changed.
    pub deck_edited: bool,
    pub changes: Vec<Change>,
}

impl DeckSync {
    pub fn count(&self, kind: ChangeKind) -> usize {
        self.changes.iter().filter(|c| c.kind == kind).count()
    }
}

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
}

impl SyncReport {
    pub fn deck_ids(&self) -> Vec<DeckId> {
        self.decks.iter().map(|d| d.deck.clone()).collect()
    }
}

#[derive(Debug, Error)]
pub enum SyncError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} deck file{} with errors: run `fiches check` and fix them first", .0.len(), if .0.len() == 1 { "" } else { "s" })]
    Invalid(Vec<LoadedDeck>),
    #[error("{first} and {second} both have the deck id `{id}`: give one of them another `id`")]
    SameDeckId {
        id: DeckId,
        first: PathBuf,
        second: PathBuf,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A file's size and modification time: equal to what was synced, the file
/// is taken as unchanged without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    size: i64,
    mtime: i64,
}

struct KnownFile {
    deck: DeckId,
    title: String,
    stamp: Stamp,
    hash: i64,
    header_hash: Option<i64>,
}

/// Where a deck's text came from, as the decks table remembers it.
struct Source {
    stamp: Stamp,
    hash: i64,
    canonical: String,
    /// The hash of what precedes the cards, when the file can be cut at its cards.
    header_hash: Option<i64>,
}

/// What a changed file will do to the store.
struct Plan {
    sync: DeckSync,
    source: Source,
    /// The deck's exam day; `None` inside means it names none. Outer `None`:
    /// the part of the file that names it was not read (it is unchanged).
    exam: Option<Option<NaiveDate>>,
    /// The deck's place in the course; written with the exam day, when the
    /// part of the file that names them was read.
    order: Option<u32>,
    /// Cards read from the file.
    cards: Vec<PlannedCard>,
    /// Rows whose card text is unchanged, but whose place in the file moved
    /// or which come back from retirement.
    moved: Vec<Moved>,
    retire: Vec<Retiring>,
}

/// A row to retire, with its card's `id` (a card may move to another deck).
#[derive(Debug, Clone)]
struct Retiring {
    row: i64,
    key: Option<String>,
}

struct PlannedCard {
    card: Card,
    fields: Fields,
    continues: Option<Continues>,
    text_hash: Option<i64>,
}

struct Moved {
    row: i64,
    line: i64,
    position: i64,
}

/// A deck card continues this row; `stale` when the row must be rewritten.
#[derive(Debug, Clone, Copy)]
struct Continues {
    row: i64,
    stale: bool,
}

#[derive(Debug, Clone)]
struct Row {
    id: i64,
    key: Option<String>,
    qnorm: String,
    question: String,
    answer: String,
    points: Option<i64>,
    tags: String,
    note: Option<String>,
    source: Option<String>,
    line: i64,
    position: i64,
    retired: bool,
    text_hash: Option<i64>,
    kind: String,
    ask: Option<i64>,
}

/// Enough of a row to recognise a card whose text did not change.
struct RowStamp {
    id: i64,
    key: Option<String>,
    text_hash: Option<i64>,
    line: i64,
    position: i64,
    retired: bool,
}

enum Outcome {
    Unchanged(DeckSync),
    Changed(Box<Plan>),
}

enum Examined {
    Known(Outcome),
    Parsed(Box<LoadedDeck>, Source),
}

/// Beyond this many edited cards, reading the whole file is as quick.
const MAX_CARDS_READ_ALONE: usize = 2_000;

impl Store {
    /// Syncs deck files into the store; with `dry_run`, only says what it would do.
    ///
    /// Unless every file is as last synced, the whole sync (reading the
    /// store, planning, writing) holds the write lock: two processes
    /// syncing the same decks at once cannot both add the same cards.
    pub fn sync(
        &mut self,
        files: &[PathBuf],
        dry_run: bool,
        now: DateTime<FixedOffset>,
    ) -> Result<SyncReport, SyncError> {
        self.sync_with(files, dry_run, false, now)
    }

    /// Syncs the files without errors and reports the others in
    /// `skipped`, so a student can study the decks that are fine.
    pub fn sync_skipping_invalid(
        &mut self,
        files: &[PathBuf],
        now: DateTime<FixedOffset>,
    ) -> Result<SyncReport, SyncError> {
        self.sync_with(files, false, true, now)
    }

    fn sync_with(
        &mut self,
        files: &[PathBuf],
        dry_run: bool,
        skip_invalid: bool,
        now: DateTime<FixedOffset>,
    ) -> Result<SyncReport, SyncError> {
        if let Some(report) = self.all_unchanged(files)? {
            return Ok(report);
        }
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| self.fail(e))?;
        let result = self.sync_locked(files, dry_run, skip_invalid, now);
        let end = if result.is_ok() && !dry_run {
            "COMMIT"
        } else {
            "ROLLBACK"
        };
        match self.conn.execute_batch(end) {
            Ok(()) => result,
            Err(err) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                result.and(Err(self.fail(err).into()))
            }
        }
    }

    /// The report, when every file has the size and time it was synced with.
    fn all_unchanged(&self, files: &[PathBuf]) -> Result<Option<SyncReport>, SyncError> {
        let mut decks = Vec::with_capacity(files.len());
        for file in files {
            let (canonical, stamp) = stamp_of(file)?;
            match self.known_file(&canonical)? {
                Some(known) if known.stamp == stamp && stamp.mtime >= 0 => {
                    decks.push(unchanged_sync(&known, file));
                }
                _ => return Ok(None),
            }
        }
        Ok(Some(SyncReport {
            decks,
            skipped: Vec::new(),
        }))
    }

    fn sync_locked(
        &mut self,
        files: &[PathBuf],
        dry_run: bool,
        skip_invalid: bool,
        now: DateTime<FixedOffset>,
    ) -> Result<SyncReport, SyncError> {
        let mut outcomes = Vec::with_capacity(files.len());
        let mut invalid = Vec::new();
        let mut skipped = Vec::new();
        for file in files {
            match self.examine(file)? {
                Examined::Known(outcome) => outcomes.push(outcome),
                Examined::Parsed(loaded, source) => {
                    if !loaded.has_errors() {
                        outcomes.push(self.plan(*loaded, source)?);
                    } else if skip_invalid {
                        let last_synced = self.known_file(&source.canonical)?.map(|k| k.deck);
                        skipped.push(SkippedDeck {
                            loaded: *loaded,
                            last_synced,
                        });
                    } else {
                        invalid.push(*loaded);
                    }
                }
            }
        }
        if !invalid.is_empty() {
            return Err(SyncError::Invalid(invalid));
        }
        self.carry_moved_cards(&mut outcomes)?;
        let mut seen: FastMap<DeckId, PathBuf> = FastMap::default();
        for outcome in &outcomes {
            let sync = match outcome {
                Outcome::Unchanged(sync) => sync,
                Outcome::Changed(plan) => &plan.sync,
            };
            if let Some(first) = seen.insert(sync.deck.clone(), sync.path.clone()) {
                return Err(SyncError::SameDeckId {
                    id: sync.deck.clone(),
                    first,
                    second: sync.path.clone(),
                });
            }
        }
        if !dry_run && outcomes.iter().any(|o| matches!(o, Outcome::Changed(_))) {
            self.apply(&outcomes, now)?;
        }
        Ok(SyncReport {
            decks: outcomes
                .into_iter()
                .map(|o| match o {
                    Outcome::Unchanged(sync) => sync,
                    Outcome::Changed(plan) => plan.sync,
                })
                .collect(),
            skipped,
        })
    }

    fn examine(&mut self, file: &Path) -> Result<Examined, SyncError> {
        let io = |source| SyncError::Io {
            path: file.to_path_buf(),
            source,
        };
        let (canonical, stamp) = stamp_of(file)?;
        let known = self.known_file(&canonical)?;
        let unchanged =
            |known: &KnownFile| Examined::Known(Outcome::Unchanged(unchanged_sync(known, file)));
        if let Some(known) = &known
            && known.stamp == stamp
            && stamp.mtime >= 0
        {
            return Ok(unchanged(known));
        }
        let size = u64::try_from(stamp.size).unwrap_or(u64::MAX);
        if size > deck::MAX_DECK_BYTES {
            // read_deck explains the limit.
            let loaded = deck::read_deck(file).map_err(io)?;
            let source = Source {
                stamp,
                hash: 0,
                canonical,
                header_hash: None,
            };
            return Ok(Examined::Parsed(Box::new(loaded), source));
        }
        let bytes = std::fs::read(file).map_err(io)?;
        let hash = fnv1a(&bytes);
        let mut source = Source {
            stamp,
            hash,
            canonical,
            header_hash: None,
        };
        if let Some(known) = &known {
            if known.hash == hash && known.stamp.size == stamp.size {
                // Touched, not edited: remember the new time so the next
                // start does not even read it.
                self.conn
                    .execute(
                        "UPDATE decks SET file_mtime = ?1 WHERE path = ?2",
                        params![stamp.mtime, source.canonical],
                    )
                    .map_err(|e| self.fail(e))?;
                return Ok(unchanged(known));
            }
            let edited_only = self
                .read_edited_cards_only
                .then(|| self.plan_edited_cards(file, &bytes, known, &mut source))
                .transpose()?
                .flatten();
            if let Some(plan) = edited_only {
                return Ok(Examined::Known(Outcome::Changed(Box::new(plan))));
            }
        }
        let loaded = deck::parse_deck(file, &bytes);
        Ok(Examined::Parsed(Box::new(loaded), source))
    }

    fn known_file(&self, canonical: &str) -> Result<Option<KnownFile>, StoreError> {
        self.conn
            .query_row(
                "SELECT id, title, file_size, file_mtime, file_hash, header_hash FROM decks WHERE path = ?1",
                [canonical],
                |row| {
                    Ok(KnownFile {
                        deck: DeckId(row.get(0)?),
                        title: row.get(1)?,
                        stamp: Stamp {
                            size: row.get(2)?,
                            mtime: row.get(3)?,
                        },
                        hash: row.get(4)?,
                        header_hash: row.get(5)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.fail(e))
    }

    fn deck_exists(&self, id: &DeckId) -> Result<bool, StoreError> {
        self.conn
            .query_row("SELECT 1 FROM decks WHERE id = ?1", [&id.0], |_| Ok(()))
            .optional()
            .map(|found| found.is_some())
            .map_err(|e| self.fail(e))
    }

    fn rows(&self, deck: &DeckId) -> Result<Vec<Row>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT id, key, qnorm, question, answer, points, tags, note, source, line, position,
                   retired, text_hash, kind, ask
                 FROM cards WHERE deck = ?1 ORDER BY position, id",
            )
            .map_err(|e| self.fail(e))?;
        statement
            .query_map([&deck.0], read_row)
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.fail(e))
    }

    fn row(&self, id: i64) -> Result<Row, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT id, key, qnorm, question, answer, points, tags, note, source, line, position,
                   retired, text_hash, kind, ask
                 FROM cards WHERE id = ?1",
            )
            .map_err(|e| self.fail(e))?;
        statement
            .query_row([id], read_row)
            .map_err(|e| self.fail(e))
    }

    fn row_stamps(&self, deck: &DeckId) -> Result<Vec<RowStamp>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT id, key, text_hash, line, position, retired FROM cards WHERE deck = ?1
                 ORDER BY retired, position, id",
            )
            .map_err(|e| self.fail(e))?;
        statement
            .query_map([&deck.0], |row| {
                Ok(RowStamp {
                    id: row.get(0)?,
                    key: row.get(1)?,
                    text_hash: row.get(2)?,
                    line: row.get(3)?,
                    position: row.get(4)?,
                    retired: row.get::<_, i64>(5)? != 0,
                })
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.fail(e))
    }

    /// A deck read in full: every card matched against the deck's rows.
    fn plan(&self, loaded: LoadedDeck, mut source: Source) -> Result<Outcome, SyncError> {
        let Some(deck) = loaded.deck else {
            return Err(SyncError::Invalid(vec![loaded]));
        };
        let mut renamed_from = None;
        let mut history_deck = deck.id.clone();
        let exists = self.deck_exists(&deck.id)?;
        if !exists {
            // The deck's id changed in a file synced before, or its file was
            // renamed (a deck without `id` is named after its file): the
            // history follows when the old file is gone and the title is
            // the same.
            let old = match self.known_file(&source.canonical)? {
                Some(known) if known.deck != deck.id => Some(known.deck),
                Some(_) => None,
                None => self.deck_whose_file_is_gone(&deck.title)?,
            };
            if let Some(old) = old {
                history_deck = old.clone();
                renamed_from = Some(old);
            }
        }
        let rows = if exists || renamed_from.is_some() {
            self.rows(&history_deck)?
        } else {
            Vec::new()
        };
        // Remember each card's text, so the next sync reads only edited cards.
        let hashes = loaded.card_hashes.clone().or_else(|| {
            deck::outline::outline(&loaded.text).map(|o| deck::CardHashes {
                header: o.header_hash(),
                cards: o.chunks.iter().map(deck::outline::Chunk::hash).collect(),
            })
        });
        let hashes = hashes.filter(|h| h.cards.len() == deck.cards.len());
        source.header_hash = hashes.as_ref().map(|h| h.header);
        let text_hashes: Vec<Option<i64>> = match hashes {
            Some(h) => h.cards.into_iter().map(Some).collect(),
            None => vec![None; deck.cards.len()],
        };
        let fields: Vec<Fields> = deck
            .cards
            .iter()
            .enumerate()
            .map(|(position, card)| Fields::of(card, position))
            .collect();
        let (continues, retire, changes) = match_cards(&deck.cards, &fields, &text_hashes, rows);
        let deck_edited =
            exists && self.deck_fields(&deck.id)? != (deck.title.clone(), deck.exam, deck.order);
        let cards = planned_cards(deck.cards, fields, continues, text_hashes);
        Ok(Outcome::Changed(Box::new(Plan {
            sync: DeckSync {
                deck: deck.id,
                title: deck.title,
                path: loaded.path,
                unchanged: false,
                new_deck: !exists && renamed_from.is_none(),
                deck_edited,
                renamed_from,
                changes,
            },
            source,
            exam: Some(deck.exam),
            order: deck.order,
            cards,
            moved: Vec::new(),
            retire,
        })))
    }

    /// A deck synced before whose text changed: cards whose own text is
    /// unchanged keep their rows without being parsed; only the others are
    /// read. `None` when that cannot be done safely (the part before the
    /// cards changed, the layout cannot be cut, an edited card has an
    /// error): the caller then reads the whole file.
    fn plan_edited_cards(
        &self,
        file: &Path,
        bytes: &[u8],
        known: &KnownFile,
        source: &mut Source,
    ) -> Result<Option<Plan>, StoreError> {
        let Ok(text) = std::str::from_utf8(bytes) else {
            return Ok(None);
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.contains('\0') {
            return Ok(None);
        }
        let Some(outline) = deck::outline::outline(text) else {
            return Ok(None);
        };
        if known.header_hash != Some(outline.header_hash()) {
            return Ok(None);
        }
        let stamps = self.row_stamps(&known.deck)?;
        // Rows by the hash of their card's text; live rows first.
        let mut by_hash: FastMap<i64, VecDeque<usize>> = FastMap::default();
        for (i, row) in stamps.iter().enumerate() {
            if let Some(hash) = row.text_hash {
                by_hash.entry(hash).or_default().push_back(i);
            }
        }
        let mut claimed = vec![false; stamps.len()];
        let mut kept: Vec<(usize, usize)> = Vec::new();
        let mut edited = Vec::new();
        for (position, chunk) in outline.chunks.iter().enumerate() {
            let hash = chunk.hash();
            match by_hash.get_mut(&hash).and_then(VecDeque::pop_front) {
                Some(i) => {
                    claimed[i] = true;
                    kept.push((position, i));
                }
                None => edited.push((position, chunk, hash)),
            }
        }
        if edited.len() > MAX_CARDS_READ_ALONE {
            return Ok(None);
        }
        let mut cards = Vec::with_capacity(edited.len());
        let mut fields = Vec::with_capacity(edited.len());
        let mut text_hashes = Vec::with_capacity(edited.len());
        for (position, chunk, hash) in &edited {
            let Some(card) = deck::card_from_text(file, chunk.text, chunk.line) else {
                return Ok(None);
            };
            fields.push(Fields::of(&card, *position));
            text_hashes.push(Some(*hash));
            cards.push(card);
        }
        // Card ids stay unique: an edit that breaks that is reported by a full read.
        let mut ids: FastSet<&str> = FastSet::default();
        let kept_ids = kept.iter().filter_map(|(_, i)| stamps[*i].key.as_deref());
        for id in kept_ids.chain(cards.iter().filter_map(|c| c.id.as_deref())) {
            if !ids.insert(id) {
                return Ok(None);
            }
        }
        let mut changes = Vec::new();
        let mut moved = Vec::new();
        for &(position, i) in &kept {
            let row = &stamps[i];
            let line = i64::from(outline.chunks[position].line);
            let position = i64::try_from(position).unwrap_or(i64::MAX);
            if row.retired {
                let full = self.row(row.id)?;
                changes.push(Change {
                    kind: ChangeKind::Restored,
                    card: label(full.key.as_deref(), &full.question),
                    line: u32::try_from(line).unwrap_or(0),
                });
            }
            if row.retired || row.line != line || row.position != position {
                moved.push(Moved {
                    row: row.id,
                    line,
                    position,
                });
            }
        }
        let mut unclaimed = Vec::new();
        for (i, row) in stamps.iter().enumerate() {
            if !claimed[i] && (!row.retired || !edited.is_empty()) {
                unclaimed.push(self.row(row.id)?);
            }
        }
        let (continues, retire, more) = match_cards(&cards, &fields, &text_hashes, unclaimed);
        changes.extend(more);
        changes.sort_by_key(|c| (c.kind, c.line));
        source.header_hash = Some(outline.header_hash());
        let planned = planned_cards(cards, fields, continues, text_hashes);
        Ok(Some(Plan {
            sync: DeckSync {
                deck: known.deck.clone(),
                title: known.title.clone(),
                path: file.to_path_buf(),
                unchanged: false,
                new_deck: false,
                renamed_from: None,
                deck_edited: false,
                changes,
            },
            source: Source {
                stamp: source.stamp,
                hash: source.hash,
                canonical: source.canonical.clone(),
                header_hash: source.header_hash,
            },
            exam: None,
            order: None,
            cards: planned,
            moved,
            retire,
        }))
    }

    /// A card with an `id` new to one deck and leaving (or long gone from)
    /// another has moved: it keeps its row and its history.
    fn carry_moved_cards(&self, outcomes: &mut [Outcome]) -> Result<(), StoreError> {
        let deck_of: Vec<Option<DeckId>> = outcomes
            .iter()
            .map(|o| match o {
                Outcome::Changed(plan) => Some(plan.sync.deck.clone()),
                Outcome::Unchanged(_) => None,
            })
            .collect();
        // Rows other decks of this sync are about to retire, by card id.
        let mut leaving: FastMap<String, (usize, i64)> = FastMap::default();
        for (q, outcome) in outcomes.iter().enumerate() {
            if let Outcome::Changed(plan) = outcome {
                for retiring in &plan.retire {
                    if let Some(key) = &retiring.key {
                        leaving.insert(key.clone(), (q, retiring.row));
                    }
                }
            }
        }
        let retired = self.retired_with_ids()?;
        if leaving.is_empty() && retired.is_empty() {
            return Ok(());
        }
        let mut taken: Vec<(usize, i64, String, DeckId)> = Vec::new();
        for (p, outcome) in outcomes.iter_mut().enumerate() {
            let Outcome::Changed(plan) = outcome else {
                continue;
            };
            let deck = plan.sync.deck.clone();
            for planned in &mut plan.cards {
                if planned.continues.is_some() {
                    continue;
                }
                let Some(key) = planned.card.id.as_deref() else {
                    continue;
                };
                if !leaving.contains_key(key) && !retired.contains_key(key) {
                    continue;
                }
                let key = key.to_string();
                let (row, from) = match leaving.get(&key) {
                    Some(&(q, row)) if q != p => {
                        taken.push((q, row, key.clone(), deck.clone()));
                        (row, deck_of[q].clone())
                    }
                    Some(_) => continue,
                    None => match retired.get(&key) {
                        Some((row, from)) if *from != deck => (*row, Some(from.clone())),
                        _ => continue,
                    },
                };
                planned.continues = Some(Continues { row, stale: true });
                for change in &mut plan.sync.changes {
                    if change.kind == ChangeKind::Added && change.card == key {
                        change.kind = ChangeKind::Moved;
                        if let Some(from) = &from {
                            change.card = format!("{key} (from deck {from})");
                        }
                    }
                }
            }
        }
        // The decks the moved cards left no longer retire them.
        for (q, row, key, to) in taken {
            if let Outcome::Changed(plan) = &mut outcomes[q] {
                plan.retire.retain(|r| r.row != row);
                for change in &mut plan.sync.changes {
                    if change.kind == ChangeKind::Retired && change.card == key {
                        change.kind = ChangeKind::Moved;
                        change.card = format!("{key} (to deck {to})");
                    }
                }
            }
        }
        for outcome in outcomes.iter_mut() {
            if let Outcome::Changed(plan) = outcome {
                plan.sync.changes.sort_by_key(|c| (c.kind, c.line));
            }
        }
        Ok(())
    }

    /// A deck's title, exam day and place in the course as the store has them.
    fn deck_fields(&self, deck: &DeckId) -> Result<DeckFields, StoreError> {
        self.conn
            .query_row(
                "SELECT title, exam, course_order FROM decks WHERE id = ?1",
                [&deck.0],
                |row| {
                    let exam: Option<String> = row.get(1)?;
                    let order: Option<i64> = row.get(2)?;
                    Ok((
                        row.get(0)?,
                        exam.and_then(|e| NaiveDate::parse_from_str(&e, "%Y-%m-%d").ok()),
                        order.and_then(|o| u32::try_from(o).ok()),
                    ))
                },
            )
            .map_err(|e| self.fail(e))
    }

    /// The one deck with this title whose file is no longer where it was synced from.
    fn deck_whose_file_is_gone(&self, title: &str) -> Result<Option<DeckId>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT id, path FROM decks WHERE title = ?1")
            .map_err(|e| self.fail(e))?;
        let decks = statement
            .query_map([title], |row| {
                Ok((DeckId(row.get(0)?), row.get::<_, String>(1)?))
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.fail(e))?;
        let gone: Vec<DeckId> = decks
            .into_iter()
            .filter(|(_, path)| !path.is_empty() && !Path::new(path).exists())
            .map(|(id, _)| id)
            .collect();
        Ok(match gone.as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        })
    }

    /// Retired cards that have an `id`, by id: where a card new to a deck
    /// may come from. One query, usually a handful of rows.
    fn retired_with_ids(&self) -> Result<FastMap<String, (i64, DeckId)>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT key, id, deck FROM cards WHERE retired = 1 AND key IS NOT NULL ORDER BY id",
            )
            .map_err(|e| self.fail(e))?;
        let rows = statement
            .query_map([], |row| {
                Ok((row.get::<_, String>(0)?, (row.get(1)?, DeckId(row.get(2)?))))
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.fail(e))?;
        // The latest row wins when an id was retired more than once.
        Ok(rows.into_iter().collect())
    }

    fn apply(
        &mut self,
        outcomes: &[Outcome],
        now: DateTime<FixedOffset>,
    ) -> Result<(), StoreError> {
        let synced_at = now.to_rfc3339();
        let path = self.path.clone();
        // Inside the transaction `sync` holds.
        let tx = &self.conn;
        let fail = |err: rusqlite::Error| super::classify(&path, err);
        // A first sync writes tens of megabytes: keep them in memory until
        // the commit rather than spilling pages mid-transaction.
        tx.execute_batch("PRAGMA cache_size = -65536")
            .map_err(fail)?;
        {
            // A new card (no row yet: the id is NULL and SQLite picks one)
            // or a row rewritten; its SM-2 state is never touched here.
            let mut write_card = tx
                .prepare_cached(
                    "INSERT INTO cards (id, deck, key, qnorm, question, answer, points, tags, note,
                       source, line, position, text_hash, kind, ask)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
                     ON CONFLICT (id) DO UPDATE SET deck = excluded.deck, key = excluded.key,
                       qnorm = excluded.qnorm, question = excluded.question, answer = excluded.answer,
                       points = excluded.points, tags = excluded.tags, note = excluded.note,
                       source = excluded.source, line = excluded.line, position = excluded.position,
                       text_hash = excluded.text_hash, kind = excluded.kind, ask = excluded.ask,
                       retired = 0",
                )
                .map_err(fail)?;
            let mut retire = tx
                .prepare_cached("UPDATE cards SET retired = 1 WHERE id = ?1")
                .map_err(fail)?;
            let mut move_row = tx
                .prepare_cached(
                    "UPDATE cards SET line = ?2, position = ?3, retired = 0 WHERE id = ?1",
                )
                .map_err(fail)?;
            for outcome in outcomes {
                let Outcome::Changed(plan) = outcome else {
                    continue;
                };
                let deck = &plan.sync.deck;
                if let Some(old) = &plan.sync.renamed_from {
                    tx.execute(
                        "INSERT INTO decks (id, title, path, position, synced_at)
                         SELECT ?1, title, path, position, synced_at FROM decks WHERE id = ?2",
                        params![deck.0, old.0],
                    )
                    .map_err(fail)?;
                    tx.execute(
                        "UPDATE cards SET deck = ?1 WHERE deck = ?2",
                        params![deck.0, old.0],
                    )
                    .map_err(fail)?;
                    tx.execute("DELETE FROM decks WHERE id = ?1", [&old.0])
                        .map_err(fail)?;
                }
                // Another deck row may still claim this file (its id changed
                // and the old id was kept by another file): the path moves here.
                tx.execute(
                    "UPDATE decks SET path = '' WHERE path = ?1 AND id <> ?2",
                    params![plan.source.canonical, deck.0],
                )
                .map_err(fail)?;
                tx.execute(
                    "INSERT INTO decks (id, title, path, position, file_size, file_mtime, file_hash,
                       header_hash, synced_at)
                     VALUES (?1, ?2, ?3, (SELECT coalesce(max(position), 0) + 1 FROM decks), ?4, ?5, ?6, ?7, ?8)
                     ON CONFLICT (id) DO UPDATE SET title = excluded.title, path = excluded.path,
                       file_size = excluded.file_size, file_mtime = excluded.file_mtime,
                       file_hash = excluded.file_hash, header_hash = excluded.header_hash,
                       synced_at = excluded.synced_at",
                    params![
                        deck.0,
                        plan.sync.title,
                        plan.source.canonical,
                        plan.source.stamp.size,
                        plan.source.stamp.mtime,
                        plan.source.hash,
                        plan.source.header_hash,
                        synced_at
                    ],
                )
                .map_err(fail)?;
                if let Some(exam) = plan.exam {
                    tx.execute(
                        "UPDATE decks SET exam = ?2, course_order = ?3 WHERE id = ?1",
                        params![
                            deck.0,
                            exam.map(|d| d.format("%Y-%m-%d").to_string()),
                            plan.order
                        ],
                    )
                    .map_err(fail)?;
                }
                for retiring in &plan.retire {
                    retire.execute([retiring.row]).map_err(fail)?;
                }
                for m in &plan.moved {
                    move_row
                        .execute(params![m.row, m.line, m.position])
                        .map_err(fail)?;
                }
                for planned in &plan.cards {
                    let card = &planned.card;
                    let fields = &planned.fields;
                    let row = match planned.continues {
                        Some(Continues { stale: false, .. }) => continue,
                        Some(Continues { row, .. }) => Some(row),
                        None => None,
                    };
                    write_card
                        .execute(params![
                            row,
                            deck.0,
                            card.id,
                            card.normalized_question,
                            card.question,
                            fields.answer,
                            card.points,
                            fields.tags,
                            card.note,
                            card.source,
                            card.pos.line,
                            fields.position,
                            planned.text_hash,
                            fields.kind,
                            card.ask
                        ])
                        .map_err(fail)?;
                }
            }
        }
        tx.execute_batch("PRAGMA cache_size = -2000").map_err(fail)
    }
}

/// The cards read from a file, each with what the store will do with it.
fn planned_cards(
    cards: Vec<Card>,
    fields: Vec<Fields>,
    continues: Vec<Option<Continues>>,
    text_hashes: Vec<Option<i64>>,
) -> Vec<PlannedCard> {
    cards
        .into_iter()
        .zip(fields)
        .zip(continues)
        .zip(text_hashes)
        .map(|(((card, fields), continues), text_hash)| PlannedCard {
            card,
            fields,
            continues,
            text_hash,
        })
        .collect()
}

/// A file's canonical path (how the store knows it) and its size and time.
fn stamp_of(file: &Path) -> Result<(String, Stamp), SyncError> {
    let io = |source| SyncError::Io {
        path: file.to_path_buf(),
        source,
    };
    let canonical = std::fs::canonicalize(file)
        .map_err(io)?
        .to_string_lossy()
        .into_owned();
    let meta = std::fs::metadata(file).map_err(io)?;
    let stamp = Stamp {
        size: i64::try_from(meta.len()).unwrap_or(i64::MAX),
        mtime: meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .and_then(|d| i64::try_from(d.as_nanos()).ok())
            .unwrap_or(-1),
    };
    Ok((canonical, stamp))
}

fn unchanged_sync(known: &KnownFile, file: &Path) -> DeckSync {
    DeckSync {
        deck: known.deck.clone(),
        title: known.title.clone(),
        path: file.to_path_buf(),
        unchanged: true,
        new_deck: false,
        renamed_from: None,
        deck_edited: false,
        changes: Vec::new(),
    }
}

fn read_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        id: row.get(0)?,
        key: row.get(1)?,
        qnorm: row.get(2)?,
        question: row.get(3)?,
        answer: row.get(4)?,
        points: row.get(5)?,
        tags: row.get(6)?,
        note: row.get(7)?,
        source: row.get(8)?,
        line: row.get(9)?,
        position: row.get(10)?,
        retired: row.get::<_, i64>(11)? != 0,
        text_hash: row.get(12)?,
        kind: row.get(13)?,
        ask: row.get(14)?,
    })
}

/// A deck's own fields as stored: title, exam day, place in the course.
type DeckFields = (String, Option<NaiveDate>, Option<u32>);

/// What the store holds of a deck card beyond its own fields.
struct Fields {
    answer: String,
    tags: String,
    kind: String,
    position: i64,
}

impl Fields {
    fn of(card: &Card, position: usize) -> Self {
        Fields {
            answer: answer_json(&card.answer),
            tags: serde_json::to_string(&card.tags).unwrap_or_else(|_| "[]".into()),
            kind: serde_json::to_string(&card.kind)
                .unwrap_or_else(|_| "{\"kind\":\"basic\"}".into()),
            position: i64::try_from(position).unwrap_or(i64::MAX),
        }
    }

    /// Whether anything the reader sees differs (an edit).
    fn content_differs(&self, card: &Card, row: &Row) -> bool {
        row.question != card.question
            || row.answer != self.answer
            || row.points != card.points.map(i64::from)
            || row.tags != self.tags
            || row.note != card.note
            || row.source != card.source
            || row.kind != self.kind
            || row.ask != card.ask.map(i64::from)
    }

    /// Whether the row must be rewritten: anything stored differs, even
    /// only the line the card starts on.
    fn stale(&self, card: &Card, row: &Row, text_hash: Option<i64>) -> bool {
        row.retired
            || row.key != card.id
            || row.qnorm != card.normalized_question
            || row.position != self.position
            || row.line != i64::from(card.pos.line)
            || row.text_hash != text_hash
            || self.content_differs(card, row)
    }
}

pub(super) fn answer_json(answer: &Answer) -> String {
    match answer {
        Answer::Text(text) => serde_json::to_string(text),
        Answer::List(items) => serde_json::to_string(items),
    }
    .unwrap_or_else(|_| "\"\"".into())
}

/// Pairs each deck card with the row whose history it continues:
/// 1. a card with an `id` takes the row with that key;
/// 2. failing that, a row without a key and with the same question (the
///    author has just given the card an id);
/// 3. a card without an `id` takes a row without a key with the same
///    question, or a keyed row with the same question whose key no card
///    claims any more (the author has removed the id).
///
/// Rows left over are retired.
fn match_cards(
    cards: &[Card],
    fields: &[Fields],
    text_hashes: &[Option<i64>],
    rows: Vec<Row>,
) -> (Vec<Option<Continues>>, Vec<Retiring>, Vec<Change>) {
    let mut used = vec![false; rows.len()];
    let mut by_key: FastMap<&str, usize> = FastMap::default();
    let mut keyless: FastMap<&str, VecDeque<usize>> = FastMap::default();
    let mut keyed_by_question: FastMap<&str, VecDeque<usize>> = FastMap::default();
    for (i, row) in rows.iter().enumerate() {
        match &row.key {
            Some(key) => {
                by_key.insert(key.as_str(), i);
                keyed_by_question
                    .entry(row.qnorm.as_str())
                    .or_default()
                    .push_back(i);
            }
            None => keyless.entry(row.qnorm.as_str()).or_default().push_back(i),
        }
    }
    let claimed: FastSet<&str> = cards.iter().filter_map(|c| c.id.as_deref()).collect();
    let qnorms: Vec<&str> = cards
        .iter()
        .map(|c| c.normalized_question.as_str())
        .collect();
    let mut choice: Vec<Option<usize>> = vec![None; cards.len()];

    let take =
        |queue: Option<&mut VecDeque<usize>>, used: &mut Vec<bool>, ok: &dyn Fn(usize) -> bool| {
            let queue = queue?;
            let at = queue.iter().position(|&i| !used[i] && ok(i))?;
            let i = queue.remove(at)?;
            used[i] = true;
            Some(i)
        };

    for (c, card) in cards.iter().enumerate() {
        if let Some(&i) = card.id.as_deref().and_then(|id| by_key.get(id)) {
            used[i] = true;
            choice[c] = Some(i);
        }
    }
    for (c, card) in cards.iter().enumerate() {
        if choice[c].is_none() && card.id.is_some() {
            choice[c] = take(keyless.get_mut(qnorms[c]), &mut used, &|_| true);
        }
    }
    for (c, card) in cards.iter().enumerate() {
        if choice[c].is_some() || card.id.is_some() {
            continue;
        }
        choice[c] = take(keyless.get_mut(qnorms[c]), &mut used, &|_| true).or_else(|| {
            take(keyed_by_question.get_mut(qnorms[c]), &mut used, &|i| {
                rows[i].key.as_deref().is_none_or(|k| !claimed.contains(k))
            })
        });
    }

    let mut changes = Vec::new();
    let mut matched = Vec::with_capacity(cards.len());
    for (c, card) in cards.iter().enumerate() {
        let label = label(card.id.as_deref(), &card.question);
        let line = card.pos.line;
        match choice[c] {
            None => {
                changes.push(Change {
                    kind: ChangeKind::Added,
                    card: label,
                    line,
                });
                matched.push(None);
            }
            Some(i) => {
                let row = &rows[i];
                let fields = &fields[c];
                if row.retired {
                    changes.push(Change {
                        kind: ChangeKind::Restored,
                        card: label,
                        line,
                    });
                } else if fields.content_differs(card, row) {
                    changes.push(Change {
                        kind: ChangeKind::Edited,
                        card: label,
                        line,
                    });
                }
                // A moved line alone is not an edit, but the store follows it.
                matched.push(Some(Continues {
                    row: row.id,
                    stale: fields.stale(card, row, text_hashes[c]),
                }));
            }
        }
    }
    let mut retire = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if !used[i] && !row.retired {
            retire.push(Retiring {
                row: row.id,
                key: row.key.clone(),
            });
            changes.push(Change {
                kind: ChangeKind::Retired,
                card: label(row.key.as_deref(), &row.question),
                line: u32::try_from(row.line).unwrap_or(0),
            });
        }
    }
    changes.sort_by_key(|c| (c.kind, c.line));
    (matched, retire, changes)
}

fn label(key: Option<&str>, question: &str) -> String {
    match key {
        Some(key) => key.to_string(),
        None => {
            let short: String = question.chars().take(60).collect();
            if short.len() < question.len() {
                format!("\"{short}…\"")
            } else {
                format!("\"{short}\"")
            }
        }
    }
}
