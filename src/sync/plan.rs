//! What a sync will do to the store, decided without touching it: which row
//! each deck card continues, which rows retire, which cards move between
//! decks. Pure functions of what was read from the files and from the store
//! ("the file is gone" included), so every rule is tested here alone.
//!
//! Long on purpose: the matching rules depend on each other (a key first,
//! then the text, then the place; a move between decks before a
//! retirement), so they are kept together, and a third of the file is
//! their unit tests, one or more per documented rule.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::deck::file::Stamp;
use crate::deck::outline::Outline;
use crate::deck::{Answer, Card, CardHashes, Deck, DeckId};
use crate::hash::{FastMap, FastSet};
use crate::sched::{Retention, Scheduler};

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
    /// For an edited card, what changed, as the reader sees it: "question",
    /// "answer", "points", "tags", "note", "source", "grading", "ask".
    pub fields: Vec<&'static str>,
    /// For a retired card: another card of the file starts at its old line
    /// now, so that line says nothing about it.
    pub line_taken: bool,
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
    /// The deck's own fields that changed (title, exam day, order, tags,
    /// scheduler, retention), in that order.
    pub deck_edited: Vec<DeckEdit>,
    pub changes: Vec<Change>,
}

impl DeckSync {
    pub fn count(&self, kind: ChangeKind) -> usize {
        self.changes.iter().filter(|c| c.kind == kind).count()
    }
}

/// A deck file as the store remembers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownFile {
    pub deck: DeckId,
    pub title: String,
    pub stamp: Stamp,
    pub hash: i64,
    pub header_hash: Option<i64>,
}

/// Where a deck's text came from, as the decks table will remember it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub stamp: Stamp,
    pub hash: i64,
    pub canonical: String,
    /// The hash of what precedes the cards, when the file can be cut at its cards.
    pub header_hash: Option<i64>,
}

/// A card row as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub id: i64,
    pub key: Option<String>,
    pub qnorm: String,
    pub question: String,
    pub answer: String,
    pub points: Option<i64>,
    pub tags: String,
    pub note: Option<String>,
    pub source: Option<String>,
    pub line: i64,
    pub position: i64,
    pub retired: bool,
    pub text_hash: Option<i64>,
    pub kind: String,
    pub ask: Option<i64>,
}

/// Enough of a row to recognise a card whose text did not change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowStamp {
    pub id: i64,
    pub key: Option<String>,
    pub text_hash: Option<i64>,
    pub line: i64,
    pub position: i64,
    pub retired: bool,
}

/// A card with an `id` stored in some deck, for the rules between decks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyedRow {
    pub key: String,
    pub row: i64,
    pub deck: DeckId,
    pub line: i64,
    pub retired: bool,
}

/// A deck's own fields as stored: what its file says before its cards.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeckFields {
    pub title: String,
    pub exam: Option<NaiveDate>,
    /// Its place in the course.
    pub order: Option<u32>,
    pub tags: Vec<String>,
    pub scheduler: Option<Scheduler>,
    pub retention: Option<Retention>,
}

impl DeckFields {
    pub fn of(deck: &Deck) -> DeckFields {
        DeckFields {
            title: deck.title.clone(),
            exam: deck.exam,
            order: deck.order,
            tags: deck.tags.clone(),
            scheduler: deck.scheduler,
            retention: deck.retention,
        }
    }
}

/// One of a deck's own fields that a sync changes, as the reader sees it
/// before and after ("none" when the file names none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeckEdit {
    /// "title", "exam", "order", "tags", "scheduler" or "retention".
    pub field: &'static str,
    pub was: String,
    pub now: String,
}

/// What changes in a deck's own fields, in the order of [`DeckFields`].
pub fn deck_edits(stored: &DeckFields, now: &DeckFields) -> Vec<DeckEdit> {
    fn shown<T: std::fmt::Display>(value: &Option<T>) -> String {
        value
            .as_ref()
            .map_or_else(|| "none".to_string(), ToString::to_string)
    }
    // Listed with commas; each tag quoted when one holds a comma or spaces
    // at its ends, so that ["a, b"] and ["a", "b"] read apart.
    fn tags(tags: &[String]) -> String {
        let plain = tags
            .iter()
            .all(|t| !t.is_empty() && !t.contains(',') && t.trim() == t);
        if tags.is_empty() {
            "none".to_string()
        } else if plain {
            tags.join(", ")
        } else {
            let quoted: Vec<String> = tags.iter().map(|t| format!("\"{t}\"")).collect();
            quoted.join(", ")
        }
    }
    let both =
        |field, was: String, now: String| (was != now).then_some(DeckEdit { field, was, now });
    // The tags are compared as lists, not as the text that shows them.
    let tag_edit = (stored.tags != now.tags).then(|| DeckEdit {
        field: "tags",
        was: tags(&stored.tags),
        now: tags(&now.tags),
    });
    [
        both("title", stored.title.clone(), now.title.clone()),
        both("exam", shown(&stored.exam), shown(&now.exam)),
        both("order", shown(&stored.order), shown(&now.order)),
        tag_edit,
        both("scheduler", shown(&stored.scheduler), shown(&now.scheduler)),
        both("retention", shown(&stored.retention), shown(&now.retention)),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// What a changed file will do to the store.
#[derive(Debug)]
pub struct Plan {
    pub sync: DeckSync,
    pub source: Source,
    /// The deck's exam day; `None` inside means it names none. Outer `None`:
    /// the part of the file that names it was not read (it is unchanged).
    pub exam: Option<Option<NaiveDate>>,
    /// The deck's place in the course; written with the exam day, when the
    /// part of the file that names them was read.
    pub order: Option<u32>,
    /// The deck's own tags; written with the exam day.
    pub tags: Vec<String>,
    /// The deck's scheduler and retention; written with the exam day.
    pub scheduler: Option<Scheduler>,
    pub retention: Option<Retention>,
    /// Cards read from the file, and beside them (one for one) what the
    /// store will do with each: apart, so that the cards are never moved.
    pub cards: Vec<Card>,
    pub planned: Vec<PlannedCard>,
    /// Rows whose card text is unchanged, but whose place in the file moved
    /// or which come back from retirement.
    pub moved: Vec<Moved>,
    pub retire: Vec<Retiring>,
}

impl Plan {
    /// The card ids this deck will hold that the store does not already
    /// hold live in it: those the rules between decks must clear.
    pub fn claimed_ids(&self) -> Vec<(&str, u32)> {
        self.cards
            .iter()
            .zip(&self.planned)
            .filter(|(_, p)| p.claims_new_id)
            .filter_map(|(c, _)| c.id.as_deref().map(|id| (id, c.pos.line)))
            .chain(self.moved.iter().filter_map(|m| {
                m.restored_key
                    .as_deref()
                    .map(|k| (k, u32::try_from(m.line).unwrap_or(0)))
            }))
            .collect()
    }
}

/// A row to retire, with its card's `id` (a card may move to another deck).
#[derive(Debug, Clone)]
pub struct Retiring {
    pub row: i64,
    pub key: Option<String>,
}

#[derive(Debug)]
pub struct PlannedCard {
    /// The card's place in the deck.
    pub position: usize,
    pub continues: Option<Continues>,
    pub text_hash: Option<i64>,
    /// The card has an `id` its deck does not hold live yet.
    claims_new_id: bool,
}

impl PlannedCard {
    /// What the store holds of it beyond its own fields, made when it is
    /// written (not held for every card of a deck at once).
    pub fn fields(&self, card: &Card) -> Fields {
        Fields::of(card, self.position)
    }

    /// What to write: `None` when the row is as it should be; `Some(None)`
    /// for a new row, `Some(Some(row))` for a row rewritten.
    pub fn write(&self) -> Option<Option<i64>> {
        match self.continues {
            Some(Continues { stale: false, .. }) => None,
            Some(Continues { row, .. }) => Some(Some(row)),
            None => Some(None),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Moved {
    pub row: i64,
    pub line: i64,
    pub position: i64,
    /// The card's `id`, when the row comes back from retirement.
    restored_key: Option<String>,
}

/// A deck card continues this row; `stale` when the row must be rewritten.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Continues {
    pub row: i64,
    pub stale: bool,
}

#[derive(Debug)]
pub enum Outcome {
    Unchanged(DeckSync),
    Changed(Box<Plan>),
}

impl Outcome {
    pub fn sync(&self) -> &DeckSync {
        match self {
            Outcome::Unchanged(sync) => sync,
            Outcome::Changed(plan) => &plan.sync,
        }
    }

    pub fn into_sync(self) -> DeckSync {
        match self {
            Outcome::Unchanged(sync) => sync,
            Outcome::Changed(plan) => plan.sync,
        }
    }
}

/// Beyond this many edited cards, reading the whole file is as quick.
pub const MAX_CARDS_READ_ALONE: usize = 2_000;

/// A file with the stamp it was synced with is not read at all.
pub fn unchanged(known: &KnownFile, path: &Path) -> DeckSync {
    DeckSync {
        deck: known.deck.clone(),
        title: known.title.clone(),
        path: path.to_path_buf(),
        unchanged: true,
        new_deck: false,
        renamed_from: None,
        deck_edited: Vec::new(),
        changes: Vec::new(),
    }
}

/// The deck whose history a deck new to the store continues: its file's
/// previous deck when the file was synced under another id, or else the
/// one deck with the same title whose file is gone (a deck without `id` is
/// named after its file, so renaming the file renames the deck).
pub fn renamed_from(
    deck: &DeckId,
    known_by_path: Option<&KnownFile>,
    gone_with_same_title: &[DeckId],
) -> Option<DeckId> {
    match known_by_path {
        Some(known) if &known.deck != deck => Some(known.deck.clone()),
        Some(_) => None,
        None => match gone_with_same_title {
            [one] => Some(one.clone()),
            _ => None,
        },
    }
}

/// What the store holds of the deck a file is synced into.
#[derive(Debug, Default)]
pub struct StoredDeck {
    /// Whether the deck's id is in the store already.
    pub exists: bool,
    /// Its title, exam day and place in the course, when it exists.
    pub fields: Option<DeckFields>,
    /// The deck whose history this one takes over.
    pub renamed_from: Option<DeckId>,
    /// The rows of the deck (or of the one it was renamed from).
    pub rows: Vec<Row>,
}

/// A deck read in full: every card matched against the deck's rows.
pub fn plan_deck(
    path: &Path,
    deck: Deck,
    hashes: Option<CardHashes>,
    mut source: Source,
    stored: StoredDeck,
) -> Plan {
    // Remember each card's text, so the next sync reads only edited cards.
    let hashes = hashes.filter(|h| h.cards.len() == deck.cards.len());
    source.header_hash = hashes.as_ref().map(|h| h.header);
    let text_hashes: Vec<Option<i64>> = match hashes {
        Some(h) => h.cards.into_iter().map(Some).collect(),
        None => vec![None; deck.cards.len()],
    };
    let positions: Vec<usize> = (0..deck.cards.len()).collect();
    let deck_edited = stored
        .fields
        .as_ref()
        .map(|f| deck_edits(f, &DeckFields::of(&deck)))
        .unwrap_or_default();
    let mut matched = match_cards(&deck.cards, &positions, &text_hashes, &stored.rows);
    mark_lines_taken(&mut matched.changes, deck.cards.iter().map(|c| c.pos.line));
    let planned = planned_cards(positions, matched.continues, text_hashes, &matched.claims);
    Plan {
        sync: DeckSync {
            deck: deck.id,
            title: deck.title,
            path: path.to_path_buf(),
            unchanged: false,
            new_deck: !stored.exists && stored.renamed_from.is_none(),
            deck_edited,
            renamed_from: stored.renamed_from,
            changes: matched.changes,
        },
        source,
        exam: Some(deck.exam),
        order: deck.order,
        tags: deck.tags,
        scheduler: deck.scheduler,
        retention: deck.retention,
        cards: deck.cards,
        planned,
        moved: Vec::new(),
        retire: matched.retire,
    }
}

/// A deck file's cards split by whether their text is as stored.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Split {
    /// (position in the file, index of the row in the stamps) of cards
    /// whose text is unchanged.
    pub kept: Vec<(usize, usize)>,
    /// Positions of cards whose text is new or edited, with its hash.
    pub edited: Vec<(usize, i64)>,
    claimed: Vec<bool>,
}

/// For a deck synced before whose text changed: which cards are as stored
/// (by the hash of their text) and which must be read. `None` when that
/// cannot be done safely (the part before the cards changed, or too many
/// cards changed): the whole file is then read.
pub fn split(known: &KnownFile, outline: &Outline<'_>, stamps: &[RowStamp]) -> Option<Split> {
    if known.header_hash != Some(outline.header_hash()) {
        return None;
    }
    // Rows by the hash of their card's text, live rows first: the first
    // row of each hash not yet claimed, and each row's next of the same hash.
    const NONE: usize = usize::MAX;
    let mut first: FastMap<i64, (usize, usize)> = FastMap::default();
    first.reserve(stamps.len());
    let mut next = vec![NONE; stamps.len()];
    for (i, row) in stamps.iter().enumerate() {
        if let Some(hash) = row.text_hash {
            match first.get_mut(&hash) {
                Some((_, last)) => {
                    next[*last] = i;
                    *last = i;
                }
                None => {
                    first.insert(hash, (i, i));
                }
            }
        }
    }
    let mut claimed = vec![false; stamps.len()];
    let mut kept = Vec::with_capacity(outline.chunks.len());
    let mut edited = Vec::new();
    for (position, chunk) in outline.chunks.iter().enumerate() {
        let hash = chunk.hash();
        let found = match first.get_mut(&hash) {
            Some((head, _)) if *head != NONE => {
                let i = *head;
                *head = next[i];
                Some(i)
            }
            _ => None,
        };
        match found {
            Some(i) => {
                claimed[i] = true;
                kept.push((position, i));
            }
            None => edited.push((position, hash)),
        }
    }
    (edited.len() <= MAX_CARDS_READ_ALONE).then_some(Split {
        kept,
        edited,
        claimed,
    })
}

/// The rows [`plan_edited`] needs in full: those no unchanged card claims
/// (they may match an edited card, or retire), and retired rows coming back.
pub fn rows_needed(split: &Split, stamps: &[RowStamp]) -> Vec<i64> {
    let restored = split
        .kept
        .iter()
        .map(|&(_, i)| &stamps[i])
        .filter(|row| row.retired)
        .map(|row| row.id);
    let unclaimed = stamps
        .iter()
        .enumerate()
        .filter(|&(i, row)| !split.claimed[i] && (!row.retired || !split.edited.is_empty()))
        .map(|(_, row)| row.id);
    restored.chain(unclaimed).collect()
}

/// What a deck read card by card is planned from.
pub struct CardByCard<'a> {
    pub path: &'a Path,
    pub known: &'a KnownFile,
    pub source: Source,
    pub outline: &'a Outline<'a>,
    pub stamps: &'a [RowStamp],
    pub split: &'a Split,
}

/// A deck synced before whose text changed, read card by card: cards whose
/// text is unchanged keep their rows without being parsed; `edited` are the
/// cards of `split.edited`, read alone. `rows` holds at least
/// [`rows_needed`]. `None` when a full read is needed (an edit breaks the
/// uniqueness of card ids: a full read reports it).
pub fn plan_edited(
    deck: CardByCard<'_>,
    edited: Vec<Card>,
    rows: &FastMap<i64, Row>,
) -> Option<Plan> {
    let CardByCard {
        path,
        known,
        source,
        outline,
        stamps,
        split,
    } = deck;
    let positions: Vec<usize> = split.edited.iter().map(|(position, _)| *position).collect();
    let text_hashes: Vec<Option<i64>> = split.edited.iter().map(|(_, h)| Some(*h)).collect();
    // Card ids stay unique: an edit that breaks that is reported by a full
    // read. The rows kept are distinct rows of one deck, whose ids the
    // store's index keeps unique: only the edited cards' ids are looked up.
    let mut ids: FastSet<&str> = FastSet::default();
    for id in edited.iter().filter_map(|c| c.id.as_deref()) {
        if !ids.insert(id) {
            return None;
        }
    }
    if !ids.is_empty()
        && split
            .kept
            .iter()
            .filter_map(|(_, i)| stamps[*i].key.as_deref())
            .any(|id| ids.contains(id))
    {
        return None;
    }
    let mut changes = Vec::new();
    let mut moved = Vec::new();
    for &(position, i) in &split.kept {
        let row = &stamps[i];
        let line = i64::from(outline.chunks[position].line);
        let position = i64::try_from(position).unwrap_or(i64::MAX);
        if row.retired {
            let label_of = rows.get(&row.id).map_or_else(
                || format!("#{}", row.id),
                |r| label(r.key.as_deref(), &r.question),
            );
            changes.push(Change {
                kind: ChangeKind::Restored,
                card: label_of,
                line: u32::try_from(line).unwrap_or(0),
                fields: Vec::new(),
                line_taken: false,
            });
        }
        if row.retired || row.line != line || row.position != position {
            moved.push(Moved {
                row: row.id,
                line,
                position,
                restored_key: row.key.clone().filter(|_| row.retired),
            });
        }
    }
    let unclaimed: Vec<Row> = stamps
        .iter()
        .enumerate()
        .filter(|&(i, row)| !split.claimed[i] && (!row.retired || !split.edited.is_empty()))
        .filter_map(|(_, row)| rows.get(&row.id).cloned())
        .collect();
    let matched = match_cards(&edited, &positions, &text_hashes, &unclaimed);
    changes.extend(matched.changes);
    changes.sort_by_key(|c| (c.kind, c.line));
    mark_lines_taken(&mut changes, outline.chunks.iter().map(|c| c.line));
    let planned = planned_cards(positions, matched.continues, text_hashes, &matched.claims);
    Some(Plan {
        sync: DeckSync {
            deck: known.deck.clone(),
            title: known.title.clone(),
            path: path.to_path_buf(),
            unchanged: false,
            new_deck: false,
            renamed_from: None,
            deck_edited: Vec::new(),
            changes,
        },
        source: Source {
            header_hash: Some(outline.header_hash()),
            ..source
        },
        exam: None,
        order: None,
        tags: Vec::new(),
        scheduler: None,
        retention: None,
        cards: edited,
        planned,
        moved,
        retire: matched.retire,
    })
}

/// A card with an `id` new to one deck and leaving another in this sync,
/// or retired from another before, or left in a deck whose file is gone,
/// has moved: it keeps its row and its history. `elsewhere`: the rows of
/// other decks that may be taken, by card id (retired ones, and those of
/// decks whose file is gone).
pub fn carry_moved_cards(outcomes: &mut [Outcome], elsewhere: &FastMap<String, KeyedRow>) {
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
    if leaving.is_empty() && elsewhere.is_empty() {
        return;
    }
    let mut taken: Vec<(usize, i64, String, DeckId)> = Vec::new();
    for (p, outcome) in outcomes.iter_mut().enumerate() {
        let Outcome::Changed(plan) = outcome else {
            continue;
        };
        let deck = plan.sync.deck.clone();
        for (card, planned) in plan.cards.iter().zip(plan.planned.iter_mut()) {
            if planned.continues.is_some() {
                continue;
            }
            let Some(key) = card.id.as_deref() else {
                continue;
            };
            let (row, from) = match leaving.get(key) {
                Some(&(q, row)) if q != p => {
                    taken.push((q, row, key.to_string(), deck.clone()));
                    (row, deck_of[q].clone())
                }
                Some(_) => continue,
                None => match elsewhere.get(key) {
                    Some(other) if other.deck != deck => (other.row, Some(other.deck.clone())),
                    _ => continue,
                },
            };
            let key = key.to_string();
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
}

/// A card id a deck of this sync would take while the store holds it live
/// in another deck that stays as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TakenId {
    /// Index of the claiming deck among the outcomes.
    pub outcome: usize,
    pub key: String,
    pub line: u32,
    pub holder: KeyedRow,
}

/// The card ids the plans (with their index) claim that the store holds
/// live in a deck that keeps its rows (`kept_decks`: unchanged, left out of
/// this sync, or outside it with its file still there), so that the store
/// never holds two cards with one id. A card of a deck outside the sync
/// whose file is gone is not held: it may move.
pub fn ids_taken<'p>(
    plans: impl IntoIterator<Item = (usize, &'p Plan)>,
    held: &[KeyedRow],
    kept_decks: &FastSet<DeckId>,
) -> Vec<TakenId> {
    let held: FastMap<&str, &KeyedRow> = held
        .iter()
        .filter(|k| !k.retired && kept_decks.contains(&k.deck))
        .map(|k| (k.key.as_str(), k))
        .collect();
    let mut taken = Vec::new();
    if held.is_empty() {
        return taken;
    }
    for (index, plan) in plans {
        for (key, line) in plan.claimed_ids() {
            if let Some(holder) = held.get(key)
                && holder.deck != plan.sync.deck
            {
                taken.push(TakenId {
                    outcome: index,
                    key: key.to_string(),
                    line,
                    holder: (*holder).clone(),
                });
            }
        }
    }
    taken
}

/// The cards read from a file, each with what the store will do with it.
fn planned_cards(
    positions: Vec<usize>,
    continues: Vec<Option<Continues>>,
    text_hashes: Vec<Option<i64>>,
    claims: &[bool],
) -> Vec<PlannedCard> {
    positions
        .into_iter()
        .zip(continues)
        .zip(text_hashes)
        .zip(claims)
        .map(
            |(((position, continues), text_hash), &claims_new_id)| PlannedCard {
                position,
                continues,
                text_hash,
                claims_new_id,
            },
        )
        .collect()
}

/// What the store holds of a deck card beyond its own fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields {
    pub answer: String,
    pub tags: String,
    pub kind: String,
    pub position: i64,
}

impl Fields {
    pub fn of(card: &Card, position: usize) -> Self {
        Fields {
            answer: answer_json(&card.answer),
            tags: serde_json::to_string(&card.tags).unwrap_or_else(|_| "[]".into()),
            kind: crate::store::kind_text(&card.kind),
            position: i64::try_from(position).unwrap_or(i64::MAX),
        }
    }

    /// Whether anything the reader sees differs (an edit).
    fn content_differs(&self, card: &Card, row: &Row) -> bool {
        !self.changed(card, row).is_empty()
    }

    /// What the reader sees that differs, by name.
    fn changed(&self, card: &Card, row: &Row) -> Vec<&'static str> {
        [
            ("question", row.question != card.question),
            ("answer", row.answer != self.answer),
            ("points", row.points != card.points.map(i64::from)),
            ("tags", row.tags != self.tags),
            ("note", row.note != card.note),
            ("source", row.source != card.source),
            ("grading", row.kind != self.kind),
            ("ask", row.ask != card.ask.map(i64::from)),
        ]
        .into_iter()
        .filter_map(|(name, differs)| differs.then_some(name))
        .collect()
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

/// A card's answer as the store keeps it: JSON, a string or a list.
pub fn answer_json(answer: &Answer) -> String {
    match answer {
        Answer::Text(text) => serde_json::to_string(text),
        Answer::List(items) => serde_json::to_string(items),
    }
    .unwrap_or_else(|_| "\"\"".into())
}

struct Matched {
    continues: Vec<Option<Continues>>,
    /// Per card: it has an `id` the deck did not hold live.
    claims: Vec<bool>,
    retire: Vec<Retiring>,
    changes: Vec<Change>,
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
    positions: &[usize],
    text_hashes: &[Option<i64>],
    rows: &[Row],
) -> Matched {
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
    let mut continues = Vec::with_capacity(cards.len());
    let mut claims = Vec::with_capacity(cards.len());
    for (c, card) in cards.iter().enumerate() {
        let label = label(card.id.as_deref(), &card.question);
        let line = card.pos.line;
        claims.push(
            card.id.is_some()
                && choice[c].is_none_or(|i| rows[i].retired || rows[i].key != card.id),
        );
        match choice[c] {
            None => {
                changes.push(Change {
                    kind: ChangeKind::Added,
                    card: label,
                    line,
                    fields: Vec::new(),
                    line_taken: false,
                });
                continues.push(None);
            }
            Some(i) => {
                let row = &rows[i];
                let fields = &Fields::of(card, positions[c]);
                if row.retired {
                    changes.push(Change {
                        kind: ChangeKind::Restored,
                        card: label,
                        line,
                        fields: Vec::new(),
                        line_taken: false,
                    });
                } else if fields.content_differs(card, row) {
                    changes.push(Change {
                        kind: ChangeKind::Edited,
                        card: label,
                        line,
                        fields: fields.changed(card, row),
                        line_taken: false,
                    });
                }
                // A moved line alone is not an edit, but the store follows it.
                continues.push(Some(Continues {
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
                fields: Vec::new(),
                line_taken: false,
            });
        }
    }
    changes.sort_by_key(|c| (c.kind, c.line));
    Matched {
        continues,
        claims,
        retire,
        changes,
    }
}

/// Marks the retired cards whose old line another card of the file starts
/// at now (`lines`: where each card of the file starts).
fn mark_lines_taken(changes: &mut [Change], lines: impl Iterator<Item = u32>) {
    let lines: std::collections::HashSet<u32> = lines.collect();
    for change in changes {
        change.line_taken = change.kind == ChangeKind::Retired && lines.contains(&change.line);
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::outline::outline;

    const PATH: &str = "decks/d.yaml";

    fn deck(yaml: &str) -> Deck {
        let loaded = crate::deck::parse_deck(Path::new(PATH), yaml.as_bytes());
        assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
        loaded.deck.unwrap()
    }

    fn source() -> Source {
        Source {
            stamp: Stamp { size: 1, mtime: 1 },
            hash: 1,
            canonical: "/d.yaml".into(),
            header_hash: None,
        }
    }

    /// The rows a store would hold for one deck, written as the store
    /// writes a plan.
    #[derive(Default)]
    struct Rows {
        rows: Vec<Row>,
        next: i64,
    }

    impl Rows {
        fn apply(&mut self, plan: &Plan) {
            for r in &plan.retire {
                self.rows
                    .iter_mut()
                    .find(|x| x.id == r.row)
                    .unwrap()
                    .retired = true;
            }
            for (card, p) in plan.cards.iter().zip(&plan.planned) {
                let Some(id) = p.write() else { continue };
                let id = id.unwrap_or_else(|| {
                    self.next += 1;
                    self.next
                });
                let row = Row {
                    id,
                    key: card.id.clone(),
                    qnorm: card.normalized_question.clone(),
                    question: card.question.clone(),
                    answer: p.fields(card).answer.clone(),
                    points: card.points.map(i64::from),
                    tags: p.fields(card).tags.clone(),
                    note: card.note.clone(),
                    source: card.source.clone(),
                    line: i64::from(card.pos.line),
                    position: p.fields(card).position,
                    retired: false,
                    text_hash: p.text_hash,
                    kind: p.fields(card).kind.clone(),
                    ask: card.ask.map(i64::from),
                };
                match self.rows.iter_mut().find(|x| x.id == id) {
                    Some(old) => *old = row,
                    None => self.rows.push(row),
                }
            }
        }

        fn sync(&mut self, yaml: &str) -> Plan {
            let plan = plan_deck(
                Path::new(PATH),
                deck(yaml),
                None,
                source(),
                StoredDeck {
                    exists: !self.rows.is_empty(),
                    fields: None,
                    renamed_from: None,
                    rows: self.rows.clone(),
                },
            );
            self.apply(&plan);
            plan
        }

        fn id_of(&self, question: &str) -> (i64, bool) {
            let row = self.rows.iter().find(|r| r.question == question).unwrap();
            (row.id, row.retired)
        }
    }

    fn changes(plan: &Plan) -> Vec<(ChangeKind, String)> {
        plan.sync
            .changes
            .iter()
            .map(|c| (c.kind, c.card.clone()))
            .collect()
    }

    const TWO: &str =
        "title: T\ncards:\n  - id: c1\n    q: Un ?\n    a: A.\n  - q: Deux ?\n    a: B.\n";

    #[test]
    fn a_new_deck_adds_every_card() {
        let mut rows = Rows::default();
        let plan = rows.sync(TWO);
        assert!(plan.sync.new_deck);
        assert_eq!(
            changes(&plan),
            vec![
                (ChangeKind::Added, "c1".into()),
                (ChangeKind::Added, "\"Deux ?\"".into())
            ]
        );
        assert_eq!(rows.rows.len(), 2);
    }

    #[test]
    fn an_edited_answer_keeps_the_row() {
        let mut rows = Rows::default();
        rows.sync(TWO);
        let before = rows.id_of("Deux ?");
        let plan = rows.sync(&TWO.replace("a: B.", "a: B, mieux."));
        assert_eq!(
            changes(&plan),
            vec![(ChangeKind::Edited, "\"Deux ?\"".into())]
        );
        assert_eq!(rows.id_of("Deux ?"), before);
    }

    #[test]
    fn a_reworded_question_with_an_id_keeps_the_row() {
        let mut rows = Rows::default();
        rows.sync(TWO);
        let (id, _) = rows.id_of("Un ?");
        let plan = rows.sync(&TWO.replace("Un ?", "Un, reformulé ?"));
        assert_eq!(changes(&plan), vec![(ChangeKind::Edited, "c1".into())]);
        assert_eq!(rows.id_of("Un, reformulé ?"), (id, false));
    }

    #[test]
    fn a_reworded_question_without_an_id_is_a_new_card() {
        let mut rows = Rows::default();
        rows.sync(TWO);
        let (old, _) = rows.id_of("Deux ?");
        let plan = rows.sync(&TWO.replace("Deux ?", "Deux, autrement ?"));
        assert_eq!(
            changes(&plan),
            vec![
                (ChangeKind::Added, "\"Deux, autrement ?\"".into()),
                (ChangeKind::Retired, "\"Deux ?\"".into())
            ]
        );
        assert_eq!(rows.id_of("Deux ?"), (old, true));
    }

    #[test]
    fn an_id_given_later_is_matched_by_its_question_once() {
        let mut rows = Rows::default();
        rows.sync(TWO);
        let (id, _) = rows.id_of("Deux ?");
        let with_id = TWO.replace("  - q: Deux ?", "  - id: c2\n    q: Deux ?");
        let plan = rows.sync(&with_id);
        assert!(changes(&plan).is_empty(), "{:?}", changes(&plan));
        assert_eq!(rows.id_of("Deux ?"), (id, false));
        // From now on the id is what matches: a new question keeps the row.
        rows.sync(&with_id.replace("Deux ?", "Deux, reformulé ?"));
        assert_eq!(rows.id_of("Deux, reformulé ?"), (id, false));
    }

    #[test]
    fn an_id_removed_keeps_the_row_by_its_question() {
        let mut rows = Rows::default();
        rows.sync(TWO);
        let (id, _) = rows.id_of("Un ?");
        let plan = rows.sync(&TWO.replace("  - id: c1\n    q:", "  - q:"));
        assert!(
            changes(&plan).iter().all(|(k, _)| *k != ChangeKind::Added),
            "{:?}",
            changes(&plan)
        );
        assert_eq!(rows.id_of("Un ?"), (id, false));
    }

    #[test]
    fn a_removed_card_is_retired_and_comes_back_with_its_row() {
        let mut rows = Rows::default();
        rows.sync(TWO);
        let (id, _) = rows.id_of("Deux ?");
        let one = "title: T\ncards:\n  - id: c1\n    q: Un ?\n    a: A.\n";
        let plan = rows.sync(one);
        assert_eq!(
            changes(&plan),
            vec![(ChangeKind::Retired, "\"Deux ?\"".into())]
        );
        assert_eq!(rows.id_of("Deux ?"), (id, true));
        let plan = rows.sync(TWO);
        assert_eq!(
            changes(&plan),
            vec![(ChangeKind::Restored, "\"Deux ?\"".into())]
        );
        assert_eq!(rows.id_of("Deux ?"), (id, false));
    }

    #[test]
    fn a_card_that_only_moves_in_its_file_is_not_an_edit_but_is_rewritten() {
        let mut rows = Rows::default();
        rows.sync(TWO);
        let swapped =
            "title: T\ncards:\n  - q: Deux ?\n    a: B.\n  - id: c1\n    q: Un ?\n    a: A.\n";
        let plan = rows.sync(swapped);
        assert!(changes(&plan).is_empty());
        assert!(
            plan.planned
                .iter()
                .all(|p| p.continues.is_some_and(|c| c.stale))
        );
    }

    fn stored_as(yaml: &str) -> StoredDeck {
        StoredDeck {
            exists: true,
            fields: Some(DeckFields::of(&deck(yaml))),
            renamed_from: None,
            rows: Vec::new(),
        }
    }

    fn edits(stored: &str, now: &str) -> Vec<(&'static str, String, String)> {
        plan_deck(
            Path::new(PATH),
            deck(now),
            None,
            source(),
            stored_as(stored),
        )
        .sync
        .deck_edited
        .into_iter()
        .map(|e| (e.field, e.was, e.now))
        .collect()
    }

    #[test]
    fn a_deck_whose_fields_changed_says_so() {
        let retitled = TWO.replace("title: T", "title: Ancien titre");
        let plan = plan_deck(
            Path::new(PATH),
            deck(TWO),
            None,
            source(),
            stored_as(&retitled),
        );
        let edited: Vec<_> = plan.sync.deck_edited.iter().map(|e| e.field).collect();
        assert_eq!(edited, ["title"]);
        assert!(!plan.sync.new_deck);
        assert!(edits(TWO, TWO).is_empty());
    }

    #[test]
    fn a_deck_whose_scheduler_retention_or_tags_changed_says_so() {
        let head = |extra: &str| TWO.replace("title: T\n", &format!("title: T\n{extra}"));
        assert_eq!(
            edits(TWO, &head("scheduler: fsrs\nretention: 0.85\n")),
            [
                ("scheduler", "none".to_string(), "fsrs".to_string()),
                ("retention", "none".to_string(), "0.85".to_string()),
            ]
        );
        assert_eq!(
            edits(&head("scheduler: fsrs\n"), &head("scheduler: sm2\n")),
            [("scheduler", "fsrs".to_string(), "sm2".to_string())]
        );
        assert_eq!(
            edits(&head("retention: 0.85\n"), &head("retention: 0.80\n")),
            [("retention", "0.85".to_string(), "0.80".to_string())]
        );
        assert_eq!(
            edits(&head("tags: [a]\n"), &head("tags: [a, b]\n")),
            [("tags", "a".to_string(), "a, b".to_string())]
        );
        assert_eq!(
            edits(&head("tags: [a]\n"), TWO),
            [("tags", "a".to_string(), "none".to_string())]
        );
    }

    fn known(deck: &str) -> KnownFile {
        KnownFile {
            deck: DeckId::new(deck),
            title: "T".into(),
            stamp: Stamp { size: 1, mtime: 1 },
            hash: 1,
            header_hash: None,
        }
    }

    #[test]
    fn a_deck_id_changed_in_its_file_takes_the_file_s_history() {
        let new = DeckId::new("nouveau");
        assert_eq!(
            renamed_from(&new, Some(&known("ancien")), &[]),
            Some(DeckId::new("ancien"))
        );
        assert_eq!(renamed_from(&new, Some(&known("nouveau")), &[]), None);
    }

    #[test]
    fn a_renamed_file_takes_the_history_of_the_one_gone_deck_with_its_title() {
        let new = DeckId::new("ch1-v2");
        let gone = [DeckId::new("ch1")];
        assert_eq!(renamed_from(&new, None, &gone), Some(DeckId::new("ch1")));
        // Two candidates: no guess.
        let two = [DeckId::new("a"), DeckId::new("b")];
        assert_eq!(renamed_from(&new, None, &two), None);
        assert_eq!(renamed_from(&new, None, &[]), None);
    }

    fn plan_of(deck_id: &str, yaml: &str, rows: &Rows) -> Plan {
        let mut d = deck(yaml);
        d.id = DeckId::new(deck_id);
        plan_deck(
            Path::new(PATH),
            d,
            None,
            source(),
            StoredDeck {
                exists: !rows.rows.is_empty(),
                fields: None,
                renamed_from: None,
                rows: rows.rows.clone(),
            },
        )
    }

    #[test]
    fn a_card_with_an_id_moved_to_another_deck_takes_its_row() {
        let mut a = Rows::default();
        a.sync(TWO);
        let (row, _) = a.id_of("Un ?");
        let left = "title: T\ncards:\n  - q: Deux ?\n    a: B.\n";
        let arrived = "title: U\ncards:\n  - id: c1\n    q: Un ?\n    a: A.\n";
        let mut outcomes = vec![
            Outcome::Changed(Box::new(plan_of("a", left, &a))),
            Outcome::Changed(Box::new(plan_of("b", arrived, &Rows::default()))),
        ];
        carry_moved_cards(&mut outcomes, &FastMap::default());
        let (Outcome::Changed(from), Outcome::Changed(to)) = (&outcomes[0], &outcomes[1]) else {
            panic!()
        };
        assert!(from.retire.is_empty(), "the row is not retired: it moves");
        assert_eq!(
            to.planned[0].continues,
            Some(Continues { row, stale: true })
        );
        assert_eq!(
            changes(to),
            vec![(ChangeKind::Moved, "c1 (from deck a)".into())]
        );
        assert_eq!(
            changes(from),
            vec![(ChangeKind::Moved, "c1 (to deck b)".into())]
        );
    }

    #[test]
    fn a_card_retired_from_another_deck_or_left_in_a_gone_one_moves_too() {
        let arrived = "title: U\ncards:\n  - id: c1\n    q: Un ?\n    a: A.\n";
        let mut elsewhere = FastMap::default();
        elsewhere.insert(
            "c1".to_string(),
            KeyedRow {
                key: "c1".into(),
                row: 7,
                deck: DeckId::new("a"),
                line: 3,
                retired: false,
            },
        );
        let mut outcomes = vec![Outcome::Changed(Box::new(plan_of(
            "b",
            arrived,
            &Rows::default(),
        )))];
        carry_moved_cards(&mut outcomes, &elsewhere);
        let Outcome::Changed(to) = &outcomes[0] else {
            panic!()
        };
        assert_eq!(
            to.planned[0].continues,
            Some(Continues {
                row: 7,
                stale: true
            })
        );
    }

    #[test]
    fn a_card_id_held_by_a_deck_that_stays_is_taken() {
        let arrived = "title: U\ncards:\n  - id: c1\n    q: Un ?\n    a: A.\n";
        let plan = plan_of("b", arrived, &Rows::default());
        let held = vec![KeyedRow {
            key: "c1".into(),
            row: 7,
            deck: DeckId::new("a"),
            line: 3,
            retired: false,
        }];
        let mut kept = FastSet::default();
        kept.insert(DeckId::new("a"));
        let taken = ids_taken([(0, &plan)], &held, &kept);
        assert_eq!(taken.len(), 1);
        assert_eq!(taken[0].key, "c1");
        // A deck that does not keep its rows (rewritten, or its file gone) holds nothing.
        assert!(ids_taken([(0, &plan)], &held, &FastSet::default()).is_empty());
        // Nor does a retired card.
        let retired = vec![KeyedRow {
            retired: true,
            ..held[0].clone()
        }];
        assert!(ids_taken([(0, &plan)], &retired, &kept).is_empty());
    }

    #[test]
    fn a_card_already_live_in_its_own_deck_claims_nothing() {
        let mut rows = Rows::default();
        rows.sync(TWO);
        let plan = plan_of("d", &TWO.replace("a: B.", "a: C."), &rows);
        assert!(plan.claimed_ids().is_empty());
        let fresh = plan_of("d", TWO, &Rows::default());
        assert_eq!(fresh.claimed_ids(), vec![("c1", 3)]);
    }

    fn stamps_of(rows: &Rows) -> Vec<RowStamp> {
        let mut stamps: Vec<RowStamp> = rows
            .rows
            .iter()
            .map(|r| RowStamp {
                id: r.id,
                key: r.key.clone(),
                text_hash: r.text_hash,
                line: r.line,
                position: r.position,
                retired: r.retired,
            })
            .collect();
        stamps.sort_by_key(|s| (s.retired, s.position, s.id));
        stamps
    }

    #[test]
    fn reading_only_edited_cards_plans_what_a_whole_read_plans() {
        let first = "title: T\ncards:\n  - id: c1\n    q: Un ?\n    a: A.\n  - q: Deux ?\n    a: B.\n  - q: Trois ?\n    a: C.\n";
        let edited = "title: T\ncards:\n  - q: Deux ?\n    a: B.\n  - id: c1\n    q: Un ?\n    a: A, revu.\n  - q: Quatre ?\n    a: D.\n";
        let mut rows = Rows::default();
        let hashes = outline(first).map(|o| CardHashes::of(&o));
        let plan = plan_deck(
            Path::new(PATH),
            deck(first),
            hashes,
            source(),
            StoredDeck::default(),
        );
        rows.apply(&plan);
        let mut known = known("d");
        known.header_hash = plan.source.header_hash;

        let whole = plan_deck(
            Path::new(PATH),
            deck(edited),
            outline(edited).map(|o| CardHashes::of(&o)),
            source(),
            StoredDeck {
                exists: true,
                fields: None,
                renamed_from: None,
                rows: rows.rows.clone(),
            },
        );

        let cut = outline(edited).unwrap();
        let stamps = stamps_of(&rows);
        let split = split(&known, &cut, &stamps).unwrap();
        assert_eq!(split.kept.len(), 1, "only `Deux ?` is unchanged");
        let cards: Vec<Card> = split
            .edited
            .iter()
            .map(|&(p, _)| {
                let chunk = cut.chunks[p];
                crate::deck::card_from_text(Path::new(PATH), chunk.text, chunk.line).unwrap()
            })
            .collect();
        let needed = rows_needed(&split, &stamps);
        let by_id: FastMap<i64, Row> = rows
            .rows
            .iter()
            .filter(|r| needed.contains(&r.id))
            .map(|r| (r.id, r.clone()))
            .collect();
        let quick = plan_edited(
            CardByCard {
                path: Path::new(PATH),
                known: &known,
                source: source(),
                outline: &cut,
                stamps: &stamps,
                split: &split,
            },
            cards,
            &by_id,
        )
        .unwrap();
        let described = |p: &Plan| {
            p.sync
                .changes
                .iter()
                .map(|c| format!("{:?} {} {}", c.kind, c.card, c.line))
                .collect::<Vec<_>>()
        };
        assert_eq!(described(&quick), described(&whole));
        let mut a = Rows {
            rows: rows.rows.clone(),
            next: rows.next,
        };
        let mut b = Rows {
            rows: rows.rows.clone(),
            next: rows.next,
        };
        a.apply(&whole);
        b.apply(&quick);
        for m in &quick.moved {
            let row = b.rows.iter_mut().find(|r| r.id == m.row).unwrap();
            row.line = m.line;
            row.position = m.position;
            row.retired = false;
        }
        a.rows.sort_by_key(|r| r.id);
        b.rows.sort_by_key(|r| r.id);
        assert_eq!(a.rows, b.rows);
    }

    #[test]
    fn a_changed_header_or_too_many_edits_means_a_whole_read() {
        let text = "title: T\ncards:\n  - q: Un ?\n    a: A.\n";
        let cut = outline(text).unwrap();
        let mut known = known("d");
        known.header_hash = Some(cut.header_hash().wrapping_add(1));
        assert!(split(&known, &cut, &[]).is_none());
        known.header_hash = Some(cut.header_hash());
        assert!(split(&known, &cut, &[]).is_some());
    }
}
