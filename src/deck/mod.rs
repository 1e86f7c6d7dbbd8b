//! The deck format: YAML files of cards, how they are read, and the rules
//! `fiches check` applies to them.

pub mod diag;
pub mod file;
mod kind;
mod load;
pub mod outline;
mod rules;
pub mod yaml;

use std::fmt;
use std::path::{Path, PathBuf};

pub use diag::{Diagnostic, Severity};
pub use file::{Found, MAX_DECK_BYTES, find_decks, is_deck_name};
pub use kind::{CardKind, choice_letter, count_blanks};
pub use load::{
    MAX_CARDS, card_from_text, loaded_from, parse_deck, parse_deck_owned, parse_text, read_deck,
};
pub use rules::{DeckIds, cross_check, cross_check_ids};
pub use yaml::Pos;

/// A deck's identity in the review store: its `id`, or its file name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeckId(String);

impl DeckId {
    pub fn new(id: impl Into<String>) -> DeckId {
        DeckId(id.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DeckId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Deck {
    pub id: DeckId,
    pub title: String,
    pub description: Option<String>,
    pub source: Option<String>,
    pub tags: Vec<String>,
    /// The day of the exam the deck prepares for, if it names one.
    pub exam: Option<chrono::NaiveDate>,
    /// The deck's place in the course: new cards come in this order.
    pub order: Option<u32>,
    /// The scheduler the deck asks for (`scheduler:`); SM-2 without one.
    pub scheduler: Option<crate::sched::Scheduler>,
    /// The retention FSRS aims at for it (`retention:`); 0.90 without one.
    pub retention: Option<crate::sched::Retention>,
    pub cards: Vec<Card>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Text(String),
    List(Vec<String>),
}

impl Answer {
    /// The answer as items, a text answer being a single item.
    pub fn items(&self) -> &[String] {
        match self {
            Answer::Text(text) => std::slice::from_ref(text),
            Answer::List(items) => items,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    /// The author's stable `id`, when the card has one.
    pub id: Option<String>,
    pub question: String,
    /// The question as compared: case, accents, spacing and punctuation ignored.
    pub normalized_question: String,
    pub answer: Answer,
    pub points: Option<u32>,
    /// How many of the answer's items the question asks for ("Nommez un
    /// facteur": 1); `None`: all of them.
    pub ask: Option<u32>,
    pub tags: Vec<String>,
    pub note: Option<String>,
    pub source: Option<String>,
    pub kind: CardKind,
    /// Where the card starts in its file.
    pub pos: Pos,
}

/// Hashes of a deck file's parts (see [`outline`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardHashes {
    pub header: i64,
    pub cards: Vec<i64>,
}

impl CardHashes {
    pub fn of(outline: &outline::Outline<'_>) -> CardHashes {
        CardHashes {
            header: outline.header_hash(),
            cards: outline.chunks.iter().map(outline::Chunk::hash).collect(),
        }
    }
}

/// A deck file as read: its text, the deck when the YAML could be read at
/// all, and every problem found.
#[derive(Debug, Clone)]
pub struct LoadedDeck {
    pub path: PathBuf,
    pub text: String,
    pub deck: Option<Deck>,
    /// Card entries in the file, valid or not.
    pub entries: usize,
    /// The hashes of the text before the cards and of each card's text,
    /// when the file was cut at its cards while being read.
    pub card_hashes: Option<CardHashes>,
    pub diagnostics: Vec<Diagnostic>,
}

impl LoadedDeck {
    /// A file with nothing read from it yet.
    pub fn empty(path: &Path) -> LoadedDeck {
        LoadedDeck {
            path: path.to_path_buf(),
            text: String::new(),
            deck: None,
            entries: 0,
            card_hashes: None,
            diagnostics: Vec::new(),
        }
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// Cards in the file, counting those with errors.
    pub fn card_count(&self) -> usize {
        self.entries
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}
