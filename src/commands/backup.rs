//! `fiches backup PATH`: a consistent copy of the review store, safe to take
//! while a session is rating (copying the file with `cp` then can catch it
//! half written, or miss what is still in its write-ahead log).

use std::io::{self, Write};

use crate::cli::BackupArgs;
use crate::store::StoreError;
use crate::{files, text};

use super::{Failure, Status, open_store, store_path};

pub fn run(args: &BackupArgs, db: Option<&std::path::Path>) -> Result<Status, Failure> {
    let source = store_path(db)?;
    if !source.exists() {
        return Err(Failure::usage(format!(
            "there is no review store at {} yet: nothing to back up",
            source.display()
        )));
    }
    if args.path.is_dir() {
        return Err(Failure::usage(format!(
            "{} is a directory: give the path of the copy, such as {}",
            args.path.display(),
            args.path.join("fiches-backup.db").display()
        )));
    }
    if args.path.exists() {
        let same = std::fs::canonicalize(&args.path).ok() == std::fs::canonicalize(&source).ok();
        if same {
            return Err(Failure::usage(format!(
                "{} is the review store itself: give another path for the copy",
                args.path.display()
            )));
        }
        if !args.force {
            return Err(Failure::usage(format!(
                "{} already exists: choose another path, or pass --force to replace it",
                args.path.display()
            )));
        }
    }
    let store = open_store(db)?;
    // Made beside its place and renamed, so that the path is never a
    // partial copy.
    let temp = files::temp_beside(&args.path);
    let made = store
        .copy_into(&temp)
        .map_err(|err| match err {
            StoreError::Backup { reason, .. } => reason,
            other => other.to_string(),
        })
        .and_then(|()| files::sync_into_place(&temp, &args.path).map_err(|e| e.to_string()));
    if let Err(reason) = made {
        let _ = std::fs::remove_file(&temp);
        let _ = std::fs::remove_file(temp.with_extension("tmp-journal"));
        return Err(StoreError::Backup {
            dest: args.path.clone(),
            reason,
        }
        .into());
    }
    let mut out = text::SafeWriter::new(io::stdout().lock());
    let said = writeln!(
        out,
        "backed up {} to {}",
        source.display(),
        args.path.display()
    );
    super::written(said, "the report", Status::Success)
}
