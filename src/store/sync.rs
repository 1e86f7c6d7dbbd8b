//! Deck files into the store, never losing history: a card keeps its row
//! (and so its reviews) across edits, and a removed card is only retired.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use chrono::{DateTime, FixedOffset};
use rusqlite::{OptionalExtension, params};
use thiserror::Error;

use super::{Store, StoreError};
use crate::deck::{self, Answer, Card, DeckId, LoadedDeck};
use crate::text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    Added,
    Edited,
    Retired,
    Restored,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Edited => "edited",
            ChangeKind::Retired => "retired",
            ChangeKind::Restored => "restored",
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
}

/// What a changed file will do to the store.
struct Plan {
    sync: DeckSync,
    stamp: Stamp,
    hash: i64,
    canonical: String,
    cards: Vec<Card>,
    /// Per deck card: the row it continues, if any.
    matched: Vec<Option<Continues>>,
    retire: Vec<i64>,
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
}

enum Outcome {
    Unchanged(DeckSync),
    Changed(Box<Plan>),
}

impl Store {
    /// Syncs deck files into the store; with `dry_run`, only says what it would do.
    pub fn sync(
        &mut self,
        files: &[PathBuf],
        dry_run: bool,
        now: DateTime<FixedOffset>,
    ) -> Result<SyncReport, SyncError> {
        let mut outcomes = Vec::with_capacity(files.len());
        let mut invalid = Vec::new();
        for file in files {
            match self.examine(file)? {
                Examined::Known(outcome) => outcomes.push(outcome),
                Examined::Parsed(loaded, stamp, hash, canonical) => {
                    if loaded.has_errors() {
                        invalid.push(*loaded);
                    } else {
                        outcomes.push(self.plan(*loaded, stamp, hash, canonical)?);
                    }
                }
            }
        }
        if !invalid.is_empty() {
            return Err(SyncError::Invalid(invalid));
        }
        let mut seen: HashMap<DeckId, PathBuf> = HashMap::new();
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
        })
    }

    fn examine(&mut self, file: &Path) -> Result<Examined, SyncError> {
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
        let known = self.known_file(&canonical)?;
        let unchanged = |known: &KnownFile| {
            Examined::Known(Outcome::Unchanged(DeckSync {
                deck: known.deck.clone(),
                title: known.title.clone(),
                path: file.to_path_buf(),
                unchanged: true,
                new_deck: false,
                renamed_from: None,
                changes: Vec::new(),
            }))
        };
        if let Some(known) = &known
            && known.stamp == stamp
            && stamp.mtime >= 0
        {
            return Ok(unchanged(known));
        }
        if meta.len() > deck::MAX_DECK_BYTES {
            // read_deck explains the limit.
            let loaded = deck::read_deck(file).map_err(io)?;
            return Ok(Examined::Parsed(Box::new(loaded), stamp, 0, canonical));
        }
        let bytes = std::fs::read(file).map_err(io)?;
        let hash = fnv1a(&bytes);
        if let Some(known) = &known
            && known.hash == hash
            && known.stamp.size == stamp.size
        {
            // Touched, not edited: remember the new time so the next
            // start does not even read it.
            self.conn
                .execute(
                    "UPDATE decks SET file_mtime = ?1 WHERE path = ?2",
                    params![stamp.mtime, canonical],
                )
                .map_err(|e| self.fail(e))?;
            return Ok(unchanged(known));
        }
        let loaded = deck::parse_deck(file, &bytes);
        Ok(Examined::Parsed(Box::new(loaded), stamp, hash, canonical))
    }

    fn known_file(&self, canonical: &str) -> Result<Option<KnownFile>, StoreError> {
        self.conn
            .query_row(
                "SELECT id, title, file_size, file_mtime, file_hash FROM decks WHERE path = ?1",
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
                "SELECT id, key, qnorm, question, answer, points, tags, note, source, line, position, retired
                 FROM cards WHERE deck = ?1 ORDER BY position, id",
            )
            .map_err(|e| self.fail(e))?;

        statement
            .query_map([&deck.0], |row| {
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
                })
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.fail(e))
    }

    fn plan(
        &self,
        loaded: LoadedDeck,
        stamp: Stamp,
        hash: i64,
        canonical: String,
    ) -> Result<Outcome, SyncError> {
        let Some(deck) = loaded.deck else {
            return Err(SyncError::Invalid(vec![loaded]));
        };
        let mut renamed_from = None;
        let mut history_deck = deck.id.clone();
        let exists = self.deck_exists(&deck.id)?;
        if !exists
            && let Some(known) = self.known_file(&canonical)?
            && known.deck != deck.id
        {
            history_deck = known.deck.clone();
            renamed_from = Some(known.deck);
        }
        let rows = if exists || renamed_from.is_some() {
            self.rows(&history_deck)?
        } else {
            Vec::new()
        };
        let (matched, retire, changes) = match_cards(&deck.cards, rows);
        Ok(Outcome::Changed(Box::new(Plan {
            sync: DeckSync {
                deck: deck.id.clone(),
                title: deck.title.clone(),
                path: loaded.path.clone(),
                unchanged: false,
                new_deck: !exists && renamed_from.is_none(),
                renamed_from,
                changes,
            },
            stamp,
            hash,
            canonical,
            cards: deck.cards,
            matched,
            retire,
        })))
    }

    fn apply(
        &mut self,
        outcomes: &[Outcome],
        now: DateTime<FixedOffset>,
    ) -> Result<(), StoreError> {
        let synced_at = now.to_rfc3339();
        let path = self.path.clone();
        let tx = self.immediate()?;
        let fail = |source: rusqlite::Error| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO cards (deck, key, qnorm, question, answer, points, tags, note, source, line, position)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                )
                .map_err(fail)?;
            let mut update = tx
                .prepare_cached(
                    "UPDATE cards SET key = ?2, qnorm = ?3, question = ?4, answer = ?5, points = ?6,
                     tags = ?7, note = ?8, source = ?9, line = ?10, position = ?11, retired = 0
                     WHERE id = ?1",
                )
                .map_err(fail)?;
            let mut retire = tx
                .prepare_cached("UPDATE cards SET retired = 1 WHERE id = ?1")
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
                    params![plan.canonical, deck.0],
                )
                .map_err(fail)?;
                tx.execute(
                    "INSERT INTO decks (id, title, path, position, file_size, file_mtime, file_hash, synced_at)
                     VALUES (?1, ?2, ?3, (SELECT coalesce(max(position), 0) + 1 FROM decks), ?4, ?5, ?6, ?7)
                     ON CONFLICT (id) DO UPDATE SET title = excluded.title, path = excluded.path,
                       file_size = excluded.file_size, file_mtime = excluded.file_mtime,
                       file_hash = excluded.file_hash, synced_at = excluded.synced_at",
                    params![
                        deck.0,
                        plan.sync.title,
                        plan.canonical,
                        plan.stamp.size,
                        plan.stamp.mtime,
                        plan.hash,
                        synced_at
                    ],
                )
                .map_err(fail)?;
                for id in &plan.retire {
                    retire.execute([id]).map_err(fail)?;
                }
                for (position, (card, row)) in plan.cards.iter().zip(&plan.matched).enumerate() {
                    let fields = Fields::of(card, position);
                    match row {
                        Some(Continues { stale: false, .. }) => {}
                        Some(Continues { row, .. }) => {
                            update
                                .execute(params![
                                    row,
                                    fields.key,
                                    fields.qnorm,
                                    card.question,
                                    fields.answer,
                                    card.points,
                                    fields.tags,
                                    card.note,
                                    card.source,
                                    card.pos.line,
                                    fields.position
                                ])
                                .map_err(fail)?;
                        }
                        None => {
                            insert
                                .execute(params![
                                    deck.0,
                                    fields.key,
                                    fields.qnorm,
                                    card.question,
                                    fields.answer,
                                    card.points,
                                    fields.tags,
                                    card.note,
                                    card.source,
                                    card.pos.line,
                                    fields.position
                                ])
                                .map_err(fail)?;
                        }
                    }
                }
            }
        }
        tx.commit().map_err(fail)
    }
}

enum Examined {
    Known(Outcome),
    Parsed(Box<LoadedDeck>, Stamp, i64, String),
}

/// A deck card as the store holds it.
struct Fields<'c> {
    key: Option<&'c str>,
    qnorm: String,
    answer: String,
    tags: String,
    position: i64,
}

impl<'c> Fields<'c> {
    fn of(card: &'c Card, position: usize) -> Self {
        Fields {
            key: card.id.as_deref(),
            qnorm: text::normalize(&card.question),
            answer: answer_json(&card.answer),
            tags: serde_json::to_string(&card.tags).unwrap_or_else(|_| "[]".into()),
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
    }

    /// Whether the row must be rewritten: anything stored differs, even
    /// only the line the card starts on.
    fn stale(&self, card: &Card, row: &Row) -> bool {
        row.retired
            || row.key.as_deref() != self.key
            || row.qnorm != self.qnorm
            || row.position != self.position
            || row.line != i64::from(card.pos.line)
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
fn match_cards(cards: &[Card], rows: Vec<Row>) -> (Vec<Option<Continues>>, Vec<i64>, Vec<Change>) {
    let mut used = vec![false; rows.len()];
    let mut by_key: HashMap<&str, usize> = HashMap::new();
    let mut keyless: HashMap<&str, VecDeque<usize>> = HashMap::new();
    let mut keyed_by_question: HashMap<&str, VecDeque<usize>> = HashMap::new();
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
    let claimed: HashSet<&str> = cards.iter().filter_map(|c| c.id.as_deref()).collect();
    let qnorms: Vec<String> = cards.iter().map(|c| text::normalize(&c.question)).collect();
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
            choice[c] = take(keyless.get_mut(qnorms[c].as_str()), &mut used, &|_| true);
        }
    }
    for (c, card) in cards.iter().enumerate() {
        if choice[c].is_some() || card.id.is_some() {
            continue;
        }
        choice[c] = take(keyless.get_mut(qnorms[c].as_str()), &mut used, &|_| true).or_else(|| {
            take(
                keyed_by_question.get_mut(qnorms[c].as_str()),
                &mut used,
                &|i| rows[i].key.as_deref().is_none_or(|k| !claimed.contains(k)),
            )
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
                let fields = Fields::of(card, c);
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
                    stale: fields.stale(card, row),
                }));
            }
        }
    }
    let mut retire = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if !used[i] && !row.retired {
            retire.push(row.id);
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

/// FNV-1a, 64 bits: enough to tell an edited file from a touched one.
fn fnv1a(bytes: &[u8]) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    i64::from_ne_bytes(hash.to_ne_bytes())
}
