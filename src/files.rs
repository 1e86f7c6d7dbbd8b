//! Replacing a file without ever leaving it half written: the new contents
//! go to a temporary file beside it, which then takes its name in one step.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A name beside `path` for its next version, hidden, unique to this process.
pub fn temp_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// Writes `bytes` to `path`, replacing what was there only once all of it is
/// on disk: a failure (a full disk) leaves the old file as it was.
pub fn write_replacing(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let temp = temp_beside(path);
    let written = (|| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        // The replacement keeps the permissions of what it replaces.
        if let Ok(old) = fs::metadata(path) {
            file.set_permissions(old.permissions())?;
        }
        file.write_all(bytes)?;
        file.sync_all()
    })();
    match written.and_then(|()| rename_into_place(&temp, path)) {
        Ok(()) => Ok(()),
        Err(err) => {
            let _ = fs::remove_file(&temp);
            Err(err)
        }
    }
}

/// Makes `temp` (complete) durable, then gives it the name `path`.
pub fn sync_into_place(temp: &Path, path: &Path) -> io::Result<()> {
    fs::File::open(temp)?.sync_all()?;
    rename_into_place(temp, path)
}

/// Gives `temp` (complete, synced) the name `path`, and makes the new name
/// survive a power cut.
pub fn rename_into_place(temp: &Path, path: &Path) -> io::Result<()> {
    fs::rename(temp, path)?;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // Not every system can sync a directory; the rename is done either way.
    if let Ok(dir) = fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_replaced_whole_and_keeps_its_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("fiches-files-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("deck.yaml");
        fs::write(&path, "old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        write_replacing(&path, b"new").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        assert!(!temp_beside(&path).exists());
        // A file that cannot be written (a directory in the way) stays as it was.
        fs::create_dir_all(temp_beside(&path)).unwrap();
        assert!(write_replacing(&path, b"newer").is_err());
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        fs::remove_dir_all(&dir).unwrap();
    }
}
