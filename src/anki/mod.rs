//! Anki interop: packages (`.apkg`) and Anki's text format, written from
//! our decks and read into them.
//!
//! An Anki collection is an SQLite file of another program: what its rows
//! mean is here ([`collection`] lays our notes out as rows, [`reader`] makes
//! notes of the rows read), and the SQL that writes and reads them is in
//! `store::anki`, with the rest of our SQL, never touching the review store.

pub mod collection;
pub mod export;
pub mod html;
pub mod import;
pub mod package;
pub mod reader;
pub mod source;
pub mod text;

use chrono::NaiveDate;

use crate::sched::Rating;

/// The two shapes of Anki note we write and read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteKind {
    /// Front and back.
    Basic,
    /// A text with `{{c1::…}}` deletions, and an extra field.
    Cloze,
}

/// A note as it goes into or comes out of a package.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub guid: String,
    pub kind: NoteKind,
    /// HTML fields: front and back, or text and extra.
    pub fields: Vec<String>,
    pub tags: Vec<String>,
    /// The Anki deck's name.
    pub deck: String,
    /// The card's review state and log, when scheduling goes along.
    pub schedule: Option<Schedule>,
}

/// A card's review state, in our terms.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// The due day; `None` for a card never reviewed.
    pub due: Option<NaiveDate>,
    pub interval: u32,
    /// SM-2 ease in hundredths (250 = 2.5).
    pub ease: u32,
    pub reps: u32,
    pub lapses: u32,
    pub reviews: Vec<LoggedRating>,
}

/// One rating of the review log.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedRating {
    /// When, in milliseconds since the epoch.
    pub at_ms: i64,
    pub rating: Rating,
    pub took_ms: i64,
    pub interval_before: u32,
    pub interval_after: u32,
    pub ease_after: u32,
    /// A first review, before which the card was new.
    pub first: bool,
}

/// Anki's four answer buttons from our 1–5 rating: below 3 is a lapse in
/// SM-2, as "Again" is in Anki.
pub fn anki_button(rating: Rating) -> u8 {
    match rating.value() {
        0..=2 => 1,
        3 => 2,
        4 => 3,
        _ => 4,
    }
}

/// Our rating for an Anki button (1 Again, 2 Hard, 3 Good, 4 Easy).
pub fn rating_from_button(button: i64) -> Option<Rating> {
    match button {
        1 => Rating::new(1),
        2 => Rating::new(3),
        3 => Rating::new(4),
        4 => Rating::new(5),
        _ => None,
    }
}
