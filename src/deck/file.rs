//! The file-system edge of the deck format: which paths are decks, and each
//! deck file read once (its stamp, its bytes, their hash), bounded by the
//! read itself. Nothing else in the program opens a deck file.

use std::ffi::OsStr;
use std::fs::{self, File, Metadata};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use super::diag::Diagnostic;
use super::yaml::Pos;
use crate::hash::{FastSet, fnv1a};

/// Larger files are refused before parsing: a deck that big is a mistake, and
/// parsing it would cost more memory than a review session is allowed. This
/// is the limit that holds for one deck: about 130,000 cards the size of the
/// bundled decks' (about 520 bytes of YAML a card), fewer
/// than the card limit (`MAX_CARDS`, 200,000) unless the cards are short. More cards
/// go in several decks: a store holds any number of them.
pub const MAX_DECK_BYTES: u64 = 64 * 1024 * 1024;

/// A file's size and modification time: equal to what was synced, the file
/// is taken as unchanged without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub size: i64,
    /// Nanoseconds since the epoch; -1 when the system does not say.
    pub mtime: i64,
}

impl Stamp {
    fn of(meta: &Metadata) -> Stamp {
        Stamp {
            size: i64::try_from(meta.len()).unwrap_or(i64::MAX),
            mtime: meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .and_then(|d| i64::try_from(d.as_nanos()).ok())
                .unwrap_or(-1),
        }
    }

    /// Whether a file with this stamp can be trusted to be as it was when
    /// it had `synced`: only when the time is known.
    pub fn same_as(self, synced: Stamp) -> bool {
        self == synced && self.mtime >= 0
    }
}

/// A deck file located: its canonical path (how the store knows it) and stamp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub path: PathBuf,
    pub canonical: String,
    pub stamp: Stamp,
}

/// A deck file read once.
#[derive(Debug, Clone)]
pub struct DeckBytes {
    pub located: Located,
    pub contents: Contents,
}

#[derive(Debug, Clone)]
pub enum Contents {
    Bytes {
        bytes: Vec<u8>,
        hash: i64,
    },
    /// Over [`MAX_DECK_BYTES`]: not kept.
    TooBig,
}

/// What kind of thing a path is, for messages: only regular files are decks.
fn kind_of(meta: &Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = meta.file_type();
        if kind.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if meta.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

fn not_a_file(meta: &Metadata) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "it is {}: only regular files are read as decks",
            kind_of(meta)
        ),
    )
}

fn with_path(path: &Path, err: io::Error) -> io::Error {
    io::Error::new(err.kind(), format!("{}: {err}", path.display()))
}

/// Where `path` leads (symlinks followed) and its stamp, without opening it;
/// an error unless it is a regular file.
pub fn locate(path: &Path) -> io::Result<Located> {
    let meta = fs::metadata(path)?;
    if !meta.is_file() {
        return Err(not_a_file(&meta));
    }
    let canonical = fs::canonicalize(path)?;
    Ok(Located {
        path: path.to_path_buf(),
        canonical: canonical.to_string_lossy().into_owned(),
        stamp: Stamp::of(&meta),
    })
}

/// Opens a deck file without ever blocking: a FIFO put in the place of a
/// file between a look and the open is refused, not waited on.
fn open(path: &Path) -> io::Result<File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_a_file(&meta));
    }
    Ok(file)
}

/// I/O errors do not name the path: the caller does.
///
/// Reads a deck file once: its stamp is taken from the open file before its
/// bytes, so an edit made while reading is seen by the next sync. The read
/// stops past [`MAX_DECK_BYTES`] whatever the file claims its size is.
pub fn read(path: &Path) -> io::Result<DeckBytes> {
    let file = open(path)?;
    let meta = file.metadata()?;
    let canonical = fs::canonicalize(path)?;
    let located = Located {
        path: path.to_path_buf(),
        canonical: canonical.to_string_lossy().into_owned(),
        stamp: Stamp::of(&meta),
    };
    let mut bytes =
        Vec::with_capacity(usize::try_from(meta.len().min(MAX_DECK_BYTES + 1)).unwrap_or(0));
    file.take(MAX_DECK_BYTES + 1).read_to_end(&mut bytes)?;
    let contents = if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > MAX_DECK_BYTES {
        Contents::TooBig
    } else {
        let hash = fnv1a(&bytes);
        Contents::Bytes { bytes, hash }
    };
    Ok(DeckBytes { located, contents })
}

/// The message for a file over the limit.
pub fn too_big_message() -> String {
    format!(
        "deck file is over the {} MiB limit a deck file may have (about 130,000 cards the size of the course's): split it into several decks",
        MAX_DECK_BYTES / (1024 * 1024)
    )
}

/// A deck's text: UTF-8, without a byte-order mark, with no NUL byte. The
/// one place deck bytes become text, for `check` and `sync` alike.
pub fn decode<'b>(path: &Path, bytes: &'b [u8]) -> Result<&'b str, Diagnostic> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let (pos, byte) = invalid_utf8_position(bytes, err.valid_up_to());
            return Err(Diagnostic::error(
                path,
                pos,
                format!(
                    "file is not UTF-8 text (byte 0x{byte:02X} here): save it as UTF-8 (in most editors: \"Save with encoding\" → UTF-8)"
                ),
            ));
        }
    };
    checked(path, text)
}

/// [`decode`], the text taking over the bytes rather than copying them.
pub fn decode_owned(path: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    let mut text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            return Err(decode(path, err.as_bytes()).err().unwrap_or_else(|| {
                Diagnostic::error(path, Pos::new(1, 1), "file is not UTF-8 text")
            }));
        }
    };
    let start = text.len() - checked(path, &text)?.len();
    text.drain(..start);
    Ok(text)
}

/// The checks after UTF-8: the text without its byte-order mark, unless it
/// holds a NUL byte.
fn checked<'t>(path: &Path, text: &'t str) -> Result<&'t str, Diagnostic> {
    // Decks saved on Windows often start with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(at) = text.find('\0') {
        return Err(Diagnostic::error(
            path,
            position_of(text, at),
            "file contains a NUL byte: it is binary, not a YAML deck",
        ));
    }
    Ok(text)
}

fn invalid_utf8_position(bytes: &[u8], valid_up_to: usize) -> (Pos, u8) {
    let valid = &bytes[..valid_up_to.min(bytes.len())];
    // The prefix is valid UTF-8 by construction.
    let prefix = String::from_utf8_lossy(valid);
    let pos = position_of(&prefix, prefix.len());
    (pos, bytes.get(valid_up_to).copied().unwrap_or(0))
}

/// Line and column (in characters, 1-based) of a byte offset in `text`.
pub(super) fn position_of(text: &str, offset: usize) -> Pos {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    Pos::new(
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

/// A file name as text: bytes that are not UTF-8 are written `\xNN`, so
/// two different names never read as one.
pub fn name_text(name: &OsStr) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let mut text = String::new();
        for chunk in name.as_bytes().utf8_chunks() {
            text.push_str(chunk.valid());
            for byte in chunk.invalid() {
                text.push_str(&format!("\\x{byte:02X}"));
            }
        }
        text
    }
    #[cfg(not(unix))]
    {
        name.to_string_lossy().into_owned()
    }
}

/// The deck files under some paths, and what was passed over.
#[derive(Debug, Default)]
pub struct Found {
    pub files: Vec<PathBuf>,
    /// Entries of the directories that are not deck files (a FIFO, a
    /// device, a broken link, a directory loop), as warnings.
    pub skipped: Vec<Diagnostic>,
}

/// Finds the deck files under the given paths, in a stable order.
/// A missing path, or one named that is not a regular file or a directory,
/// is an I/O error; an explicit file is taken whatever its name. A file
/// named twice (`decks decks/a.yaml`) is taken once. Symlinked directories
/// are followed, each directory once.
pub fn find_decks(paths: &[PathBuf]) -> io::Result<Found> {
    let mut found = Found::default();
    let mut visited = FastSet::default();
    for path in paths {
        let meta = fs::metadata(path).map_err(|e| with_path(path, e))?;
        if meta.is_dir() {
            walk(path, &mut visited, &mut found)?;
        } else if meta.is_file() {
            found.files.push(path.clone());
        } else {
            return Err(with_path(path, not_a_file(&meta)));
        }
    }
    let mut seen = std::collections::HashSet::new();
    found
        .files
        .retain(|file| seen.insert(fs::canonicalize(file).unwrap_or_else(|_| file.clone())));
    Ok(found)
}

fn walk(dir: &Path, visited: &mut FastSet<PathBuf>, found: &mut Found) -> io::Result<()> {
    let canonical = fs::canonicalize(dir).map_err(|e| with_path(dir, e))?;
    if !visited.insert(canonical) {
        found.skipped.push(Diagnostic::warning(
            dir,
            Pos::new(1, 1),
            "directory already read (a symlink loop, or two links to one directory): skipped",
        ));
        return Ok(());
    }
    let mut entries = fs::read_dir(dir)
        .map_err(|e| with_path(dir, e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| with_path(dir, e))?;
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        // Symlinks followed: a link to a directory is walked, a link to a
        // file is a file.
        let meta = match fs::metadata(&path) {
            Ok(meta) => meta,
            Err(err) => {
                if is_deck_name(&path) {
                    found.skipped.push(Diagnostic::warning(
                        &path,
                        Pos::new(1, 1),
                        format!("cannot be read ({err}): skipped"),
                    ));
                }
                continue;
            }
        };
        if meta.is_dir() {
            walk(&path, visited, found)?;
        } else if !is_deck_name(&path) {
            continue;
        } else if meta.is_file() {
            found.files.push(path);
        } else {
            found.skipped.push(Diagnostic::warning(
                &path,
                Pos::new(1, 1),
                format!(
                    "{}, not a regular file: only regular files are read as decks: skipped",
                    kind_of(&meta)
                ),
            ));
        }
    }
    Ok(())
}

/// Whether a file name is a deck's: `*.yaml` or `*.yml`.
pub fn is_deck_name(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_strips_a_bom_and_refuses_nul_and_bad_utf8() {
        let path = Path::new("d.yaml");
        assert_eq!(
            decode(path, "\u{feff}title: T".as_bytes()).unwrap(),
            "title: T"
        );
        let nul = decode(path, b"title: T\n  x\0").unwrap_err();
        assert_eq!(nul.pos, Pos::new(2, 4));
        let bad = decode(path, b"title: \xE9t\xE9").unwrap_err();
        assert_eq!(bad.pos, Pos::new(1, 8));
        assert!(bad.message.contains("0xE9"), "{}", bad.message);
    }

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_keep_their_bytes() {
        use std::os::unix::ffi::OsStrExt;
        let a = name_text(OsStr::from_bytes(b"ch\xE9"));
        let b = name_text(OsStr::from_bytes(b"ch\xE8"));
        assert_eq!(a, "ch\\xE9");
        assert_ne!(a, b);
        assert_eq!(name_text(OsStr::new("chapitre-é")), "chapitre-é");
    }
}
