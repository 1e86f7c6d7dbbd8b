//! Anki packages: zip files holding a collection, a media index and the
//! media. Three layouts exist, told apart by the `meta` entry first, as
//! Anki itself does:
//! - no `meta`: `collection.anki2` (the oldest);
//! - `meta` version 2: `collection.anki21`, legacy schema, media index JSON;
//! - `meta` version 3: `collection.anki21b` compressed with zstd, in the
//!   current schema, media index a zstd-compressed protobuf message.
//!
//! Every size read is bounded, and so is the ratio of a zip entry's size to
//! its compressed size: a zip bomb is refused before it is inflated.

use std::fs;
use std::io::{self, Read, Seek, Write};
use std::path::Path;

use thiserror::Error;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// The largest collection we inflate.
pub const MAX_COLLECTION_BYTES: u64 = 512 * 1024 * 1024;
/// The largest `meta` or media index we read.
const MAX_SMALL_ENTRY_BYTES: u64 = 16 * 1024 * 1024;
/// How much larger than its compressed size an entry may be: SQLite pages
/// compress well, but not a thousandfold.
const MAX_RATIO: u64 = 200;
/// The most entries a package may have (each media file is one).
const MAX_ENTRIES: usize = 200_000;

#[derive(Debug, Error)]
pub enum PackageError {
    #[error("not a zip file ({0}): is it an Anki package (.apkg or .colpkg)?")]
    NotZip(String),
    #[error(
        "a zip file, but not an Anki package: it holds no collection (collection.anki2, .anki21 or .anki21b)"
    )]
    NoCollection,
    #[error(
        "written by a newer Anki (package version {0}, this fiches knows up to 3): export it from Anki with \"Support older Anki versions\" checked"
    )]
    TooNew(u64),
    #[error("its `meta` entry is damaged: {0}")]
    BadMeta(String),
    #[error("{name} is too large ({reason}): refused, nothing was inflated")]
    TooLarge { name: String, reason: String },
    #[error("{name} is damaged: {reason}")]
    Damaged { name: String, reason: String },
    #[error("{0}")]
    Io(#[from] io::Error),
}

/// Which layout a package has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `collection.anki2` only.
    Anki2,
    /// `meta` version 2 (or none) and `collection.anki21`.
    Anki21,
    /// `meta` version 3 and a zstd-compressed `collection.anki21b`.
    Anki21b,
}

impl Layout {
    pub fn collection_name(self) -> &'static str {
        match self {
            Layout::Anki2 => "collection.anki2",
            Layout::Anki21 => "collection.anki21",
            Layout::Anki21b => "collection.anki21b",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Layout::Anki2 => "collection.anki2 (oldest layout)",
            Layout::Anki21 => "collection.anki21 (legacy layout)",
            Layout::Anki21b => "collection.anki21b (current layout, zstd)",
        }
    }
}

/// A package as read: its layout, its collection's bytes (inflated), and
/// the names of its media files.
#[derive(Debug)]
pub struct Package {
    pub layout: Layout,
    pub collection: Vec<u8>,
    pub media: Vec<String>,
    /// Parts that could not be read, with the reason (the import goes on).
    pub skipped: Vec<String>,
}

/// Reads the package in `bytes`.
pub fn read(bytes: &[u8]) -> Result<Package, PackageError> {
    read_from(io::Cursor::new(bytes))
}

/// Reads the package from `reader` (a file): only the collection and the
/// media index are read, never the media themselves.
pub fn read_from<R: Read + Seek>(reader: R) -> Result<Package, PackageError> {
    let mut zip = ZipArchive::new(reader).map_err(|e| PackageError::NotZip(e.to_string()))?;
    if zip.len() > MAX_ENTRIES {
        return Err(PackageError::TooLarge {
            name: "the package".into(),
            reason: format!("{} entries", zip.len()),
        });
    }
    let has = |zip: &mut ZipArchive<R>, name: &str| zip.by_name(name).is_ok();
    let version = if has(&mut zip, "meta") {
        let meta = entry(&mut zip, "meta", MAX_SMALL_ENTRY_BYTES)?;
        meta_version(&meta)?
    } else {
        None
    };
    let layout = match version {
        Some(v) if v > 3 => return Err(PackageError::TooNew(v)),
        Some(3) => Layout::Anki21b,
        _ if has(&mut zip, "collection.anki21") => Layout::Anki21,
        _ if has(&mut zip, "collection.anki2") => Layout::Anki2,
        _ => return Err(PackageError::NoCollection),
    };
    if layout == Layout::Anki21b && !has(&mut zip, "collection.anki21b") {
        return Err(PackageError::NoCollection);
    }
    let name = layout.collection_name();
    let stored = entry(&mut zip, name, MAX_COLLECTION_BYTES)?;
    let collection = if layout == Layout::Anki21b {
        unzstd(&stored, name, MAX_COLLECTION_BYTES)?
    } else {
        stored
    };
    let mut skipped = Vec::new();
    let media = if has(&mut zip, "media") {
        match media_names(&mut zip, layout) {
            Ok(names) => names,
            Err(err) => {
                skipped.push(format!("the media index: {err}"));
                Vec::new()
            }
        }
    } else {
        Vec::new()
    };
    Ok(Package {
        layout,
        collection,
        media,
        skipped,
    })
}

/// An entry's bytes, refused when it is larger than `limit` or inflates
/// more than [`MAX_RATIO`] times. Entries are only ever read into memory:
/// their names never become paths.
fn entry<R: Read + Seek>(
    zip: &mut ZipArchive<R>,
    name: &str,
    limit: u64,
) -> Result<Vec<u8>, PackageError> {
    let damaged = |reason: String| PackageError::Damaged {
        name: name.to_string(),
        reason,
    };
    let file = zip.by_name(name).map_err(|e| damaged(e.to_string()))?;
    let size = file.size();
    let compressed = file.compressed_size().max(1);
    if size > limit {
        return Err(PackageError::TooLarge {
            name: name.to_string(),
            reason: format!("{} MiB, over {} MiB", size >> 20, limit >> 20),
        });
    }
    if size > 1024 * 1024 && size / compressed > MAX_RATIO {
        return Err(PackageError::TooLarge {
            name: name.to_string(),
            reason: format!("it inflates {} times, a zip bomb", size / compressed),
        });
    }
    let mut out = Vec::with_capacity(usize::try_from(size.min(limit)).unwrap_or(0));
    // The declared size is not trusted: reading stops at the limit anyway.
    file.take(limit + 1)
        .read_to_end(&mut out)
        .map_err(|e| damaged(e.to_string()))?;
    if out.len() as u64 > limit {
        return Err(PackageError::TooLarge {
            name: name.to_string(),
            reason: format!("over {} MiB", limit >> 20),
        });
    }
    Ok(out)
}

/// How much larger than its compressed form a zstd stream may inflate:
/// more than a zip entry, as zstd packs a collection's empty pages better.
const MAX_ZSTD_RATIO: u64 = 1000;

/// Inflates zstd frames, at most `limit` bytes, and at most
/// [`MAX_ZSTD_RATIO`] times the input once past a mebibyte.
pub fn unzstd(bytes: &[u8], name: &str, limit: u64) -> Result<Vec<u8>, PackageError> {
    let by_ratio = (bytes.len() as u64)
        .saturating_mul(MAX_ZSTD_RATIO)
        .max(1024 * 1024);
    if by_ratio < limit {
        return unzstd_bounded(bytes, name, by_ratio).map_err(|err| match err {
            PackageError::TooLarge { name, .. } => PackageError::TooLarge {
                name,
                reason: format!("it inflates over {MAX_ZSTD_RATIO} times, a zip bomb"),
            },
            other => other,
        });
    }
    unzstd_bounded(bytes, name, limit)
}

fn unzstd_bounded(bytes: &[u8], name: &str, limit: u64) -> Result<Vec<u8>, PackageError> {
    let damaged = |reason: String| PackageError::Damaged {
        name: name.to_string(),
        reason: format!("not zstd data: {reason}"),
    };
    let mut out = Vec::new();
    let mut source = bytes;
    // A stream may be several frames one after the other.
    while !source.is_empty() {
        let decoder = ruzstd::decoding::StreamingDecoder::new(&mut source)
            .map_err(|e| damaged(e.to_string()))?;
        let room = (limit + 1).saturating_sub(out.len() as u64);
        decoder
            .take(room)
            .read_to_end(&mut out)
            .map_err(|e| damaged(e.to_string()))?;
        if out.len() as u64 > limit {
            return Err(PackageError::TooLarge {
                name: name.to_string(),
                reason: format!("inflates to over {} MiB", limit >> 20),
            });
        }
    }
    Ok(out)
}

/// The package version in `meta`: protobuf field 1, a varint.
fn meta_version(meta: &[u8]) -> Result<Option<u64>, PackageError> {
    let fields = protobuf_fields(meta).map_err(|e| PackageError::BadMeta(e.to_string()))?;
    Ok(fields.iter().find_map(|f| match f {
        (1, Field::Varint(v)) => Some(*v),
        _ => None,
    }))
}

fn media_names<R: Read + Seek>(
    zip: &mut ZipArchive<R>,
    layout: Layout,
) -> Result<Vec<String>, PackageError> {
    let bytes = entry(zip, "media", MAX_SMALL_ENTRY_BYTES)?;
    if layout == Layout::Anki21b {
        // MediaEntries { repeated MediaEntry entries = 1 }, MediaEntry { string name = 1; … }
        let bytes = unzstd(&bytes, "media", MAX_SMALL_ENTRY_BYTES)?;
        let bad = |e: &'static str| PackageError::Damaged {
            name: "media".into(),
            reason: e.into(),
        };
        let mut names = Vec::new();
        for (number, field) in protobuf_fields(&bytes).map_err(bad)? {
            if let (1, Field::Bytes(entry)) = (number, field) {
                for (n, f) in protobuf_fields(entry).map_err(bad)? {
                    if let (1, Field::Bytes(name)) = (n, f) {
                        names.push(String::from_utf8_lossy(name).into_owned());
                    }
                }
            }
        }
        Ok(names)
    } else {
        // A JSON object: {"0": "name.jpg", …}
        let map: std::collections::BTreeMap<String, String> = serde_json::from_slice(&bytes)
            .map_err(|e| PackageError::Damaged {
                name: "media".into(),
                reason: e.to_string(),
            })?;
        Ok(map.into_values().collect())
    }
}

/// A protobuf field's value, as far as we need them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field<'b> {
    Varint(u64),
    Bytes(&'b [u8]),
    Fixed,
}

fn varint(bytes: &[u8], at: &mut usize) -> Result<u64, &'static str> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *bytes.get(*at).ok_or("truncated")?;
        *at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err("a number longer than 10 bytes")
}

/// The fields of a protobuf message, in order: (field number, value).
pub fn protobuf_fields(bytes: &[u8]) -> Result<Vec<(u64, Field<'_>)>, &'static str> {
    let mut fields = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let key = varint(bytes, &mut at)?;
        let number = key >> 3;
        let field = match key & 7 {
            0 => Field::Varint(varint(bytes, &mut at)?),
            1 | 5 => {
                let len = if key & 7 == 1 { 8 } else { 4 };
                at = at
                    .checked_add(len)
                    .filter(|&e| e <= bytes.len())
                    .ok_or("truncated")?;
                Field::Fixed
            }
            2 => {
                let len = usize::try_from(varint(bytes, &mut at)?).map_err(|_| "too long")?;
                let end = at
                    .checked_add(len)
                    .filter(|&e| e <= bytes.len())
                    .ok_or("truncated")?;
                let value = &bytes[at..end];
                at = end;
                Field::Bytes(value)
            }
            _ => return Err("an unknown wire type"),
        };
        fields.push((number, field));
    }
    Ok(fields)
}

/// Writes a legacy package (`collection.anki2` and an empty media index) to
/// `out` through a temporary file and a rename: `collection` is the path
/// of the collection file to put in it.
pub fn write_legacy(out: &Path, collection: &Path) -> io::Result<()> {
    let bytes = fs::read(collection)?;
    write_atomically(out, |file| {
        let mut zip = ZipWriter::new(file);
        let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        zip.start_file("collection.anki2", deflated)
            .map_err(io::Error::other)?;
        zip.write_all(&bytes)?;
        zip.start_file(
            "media",
            SimpleFileOptions::default().compression_method(CompressionMethod::Stored),
        )
        .map_err(io::Error::other)?;
        zip.write_all(b"{}")?;
        zip.finish().map_err(io::Error::other)?;
        Ok(())
    })
}

/// A temporary path beside `out`, for a file that will replace it.
pub fn temporary_beside(out: &Path, what: &str) -> std::path::PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "fiches".into());
    out.with_file_name(format!(".{name}.{what}-{}.tmp", std::process::id()))
}

/// Writes `out` through a temporary file beside it, synced, then renamed
/// over it: a reader never sees half a file, and a failure leaves nothing.
pub fn write_atomically(
    out: &Path,
    write: impl FnOnce(&mut fs::File) -> io::Result<()>,
) -> io::Result<()> {
    let temporary = temporary_beside(out, "part");
    let result = (|| {
        let mut file = fs::File::create(&temporary)?;
        write(&mut file)?;
        file.sync_all()?;
        fs::rename(&temporary, out)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protobuf_fields_are_read_and_truncation_refused() {
        assert_eq!(
            protobuf_fields(&[0x08, 0x03]).unwrap(),
            vec![(1, Field::Varint(3))]
        );
        assert_eq!(
            protobuf_fields(&[0x0a, 0x02, b'h', b'i', 0x10, 0x96, 0x01]).unwrap(),
            vec![(1, Field::Bytes(b"hi")), (2, Field::Varint(150))]
        );
        assert!(protobuf_fields(&[0x0a, 0x05, b'h']).is_err());
        assert!(protobuf_fields(&[0x08]).is_err());
        assert!(protobuf_fields(&[0x0f]).is_err());
    }

    #[test]
    fn what_is_not_a_package_is_refused() {
        assert!(matches!(
            read(b"PK\x03\x04 nope"),
            Err(PackageError::NotZip(_))
        ));
        assert!(matches!(read(b""), Err(PackageError::NotZip(_))));
    }
}
