//! What `fiches import` reads: an Anki package in any of its layouts, or
//! Anki's text export, told apart by their first bytes, as notes.

use std::fs;
use std::io::{self, Read};
use std::path::Path;

use thiserror::Error;

use super::import::SourceNote;
use super::package::{self, Layout, PackageError};
use super::reader::{self, CollectionError};
use super::{NoteKind, text};

/// The largest text export we read.
pub const MAX_TEXT_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, Error)]
pub enum SourceError {
    #[error("{0}")]
    Package(#[from] PackageError),
    #[error("{0}")]
    Collection(#[from] CollectionError),
    #[error(
        "neither an Anki package (.apkg, .colpkg) nor Anki's text export (its first line is not `#separator:…`)"
    )]
    Foreign,
    #[error("a text file, but not UTF-8 (byte {0} is invalid): export it from Anki again")]
    NotUtf8(usize),
    #[error("over {} MiB: too large for a text export", MAX_TEXT_BYTES >> 20)]
    TooLarge,
    #[error("{0}")]
    Io(#[from] io::Error),
}

/// The notes of a file, and what it was.
#[derive(Debug)]
pub struct Source {
    /// "an Anki package, collection.anki21b (current layout, zstd)".
    pub described: String,
    pub layout: Option<Layout>,
    pub notes: Vec<SourceNote>,
    /// Files in the package's media index.
    pub media_files: usize,
    /// Parts that could not be read, and why.
    pub skipped: Vec<String>,
}

/// Reads `path`. A package's collection is inflated to `scratch` (a path
/// that must not exist; it is removed after).
pub fn read(path: &Path, scratch: &Path) -> Result<Source, SourceError> {
    let mut file = fs::File::open(path)?;
    let mut magic = [0u8; 4];
    let got = file.read(&mut magic)?;
    drop(file);
    if is_zip(&magic[..got]) {
        return read_package(io::BufReader::new(fs::File::open(path)?), scratch);
    }
    let mut bytes = Vec::new();
    fs::File::open(path)?
        .take(MAX_TEXT_BYTES + 1)
        .read_to_end(&mut bytes)?;
    read_text(bytes)
}

/// Reads a file's bytes, as [`read`] reads the file.
pub fn read_bytes(bytes: &[u8], scratch: &Path) -> Result<Source, SourceError> {
    if is_zip(bytes.get(..4).unwrap_or(bytes)) {
        return read_package(io::Cursor::new(bytes), scratch);
    }
    read_text(bytes.to_vec())
}

fn is_zip(magic: &[u8]) -> bool {
    magic == b"PK\x03\x04" || magic == b"PK\x05\x06"
}

fn read_text(bytes: Vec<u8>) -> Result<Source, SourceError> {
    if bytes.len() as u64 > MAX_TEXT_BYTES {
        return Err(SourceError::TooLarge);
    }
    let text = String::from_utf8(bytes)
        .map_err(|e| SourceError::NotUtf8(e.utf8_error().valid_up_to() + 1))?;
    let read = text::read(&text).ok_or(SourceError::Foreign)?;
    let notes = read
        .notes
        .into_iter()
        .map(|note| {
            let notetype = note.notetype.unwrap_or_else(|| "Basic".to_string());
            let first = note.fields.first().map(String::as_str).unwrap_or("");
            // Without a note type column, a text with deletions is a cloze.
            let cloze = notetype.to_lowercase().contains("cloze")
                || first.contains("{{c") && !super::import::cloze(first).1.is_empty();
            SourceNote {
                origin: format!("line {}", note.line),
                guid: note.guid,
                notetype,
                kind: Some(if cloze {
                    NoteKind::Cloze
                } else {
                    NoteKind::Basic
                }),
                fields: note.fields,
                html: read.html,
                tags: note.tags,
                deck: note.deck.or_else(|| read.deck.clone()),
                schedule: None,
            }
        })
        .collect();
    Ok(Source {
        described: "Anki's text export".into(),
        layout: None,
        notes,
        media_files: 0,
        skipped: Vec::new(),
    })
}

fn read_package<R: io::Read + io::Seek>(reader: R, scratch: &Path) -> Result<Source, SourceError> {
    let package = package::read_from(reader)?;
    let mut collection = package.collection;
    // A collection left in WAL mode would need files beside it to be read:
    // the copy is marked as a plain journal file (header bytes 18 and 19).
    if collection.len() >= 100 && collection.starts_with(b"SQLite format 3\0") {
        collection[18] = 1;
        collection[19] = 1;
    }
    let _ = fs::remove_file(scratch);
    let written = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(scratch)
        .and_then(|mut f| io::Write::write_all(&mut f, &collection));
    drop(collection);
    let read = written
        .map_err(SourceError::from)
        .and_then(|()| reader::read(scratch).map_err(SourceError::from));
    let _ = fs::remove_file(scratch);
    let notes = read?
        .into_iter()
        .map(|note| SourceNote {
            origin: format!("note {}", note.id),
            guid: Some(note.guid),
            notetype: note
                .notetype
                .as_ref()
                .map_or_else(|| "(unknown)".to_string(), |t| t.name.clone()),
            kind: note.notetype.map(|t| t.kind),
            fields: note.fields,
            html: true,
            tags: note.tags,
            deck: note.deck,
            schedule: note.schedule,
        })
        .collect();
    Ok(Source {
        described: format!("an Anki package, {}", package.layout.describe()),
        layout: Some(package.layout),
        notes,
        media_files: package.media.len(),
        skipped: package.skipped,
    })
}
