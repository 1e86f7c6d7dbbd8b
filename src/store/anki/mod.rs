//! An Anki collection: another program's SQLite file, read and written in
//! its own schema. Only its SQL is here, beside the review store's (and
//! never touching it): the rows go in and come out as they are in Anki's
//! tables, and what they mean (note types, due days, buttons, ids) is
//! `crate::anki`'s business.

mod read;
mod write;

use thiserror::Error;

pub use read::{CardRow, CollectionRows, NoteRow, NotetypeRow, RevlogRow, read};
pub use write::{LegacyCard, LegacyCol, LegacyCollection, LegacyNote, LegacyReview, write_legacy};

#[derive(Debug, Error)]
pub enum CollectionError {
    #[error("the collection is damaged or is not an Anki collection: {0}")]
    Damaged(String),
    /// A collection we write could not be: the file system said why.
    #[error("{0}")]
    Write(String),
}
