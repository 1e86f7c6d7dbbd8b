//! Writes that cannot destroy: a deck replaced only once the new one is
//! whole, a store copied consistently, a store in a state we never write
//! left untouched.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{Run, Scratch, fiches_at, fiches_with};

const DECK: &str =
    "title: Sauvegarde\ncards:\n  - q: Un ?\n    a: Oui.\n  - q: Deux ?\n    a: Non.\n";

fn run(dir: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    fiches_at(dir, "2026-12-01T09:00:00-05:00", args, stdin)
}

/// A small tmpfs, unmounted when dropped; `None` (said) when not root.
struct SmallDisk {
    path: PathBuf,
}

impl SmallDisk {
    fn mount(scratch: &Scratch, size: &str) -> Option<SmallDisk> {
        let root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
        if !root {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI runs as root: the disk-full tests must run there"
            );
            eprintln!("skipping: not root, so no small tmpfs to fill");
            return None;
        }
        let path = scratch.path.join("small-disk");
        std::fs::create_dir_all(&path).unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&path)
            .status()
            .is_ok_and(|s| s.success());
        assert!(mounted, "cannot mount a tmpfs at {}", path.display());
        Some(SmallDisk { path })
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.path).status();
    }
}

#[test]
fn convert_force_on_a_full_disk_keeps_the_old_deck() {
    let scratch = Scratch::new();
    let Some(disk) = SmallDisk::mount(&scratch, "64k") else {
        return;
    };
    let deck = disk.path.join("deck.yaml");
    // The old deck takes most of the disk; the new one cannot fit beside it.
    let old = format!("{DECK}# {}\n", "x".repeat(40_000));
    std::fs::write(&deck, &old).unwrap();
    let mut page = String::from("gros Flashcards\n");
    for i in 0..400 {
        page.push_str(&format!(
            "Question numéro {i} ?\n- Réponse assez longue numéro {i}\n"
        ));
    }
    let out = run(
        &scratch.path,
        &[
            "convert",
            "--from",
            "quizlet",
            "-o",
            deck.to_str().unwrap(),
            "--force",
            "-",
        ],
        Some(&page),
    );
    assert_eq!(out.status, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("the file there was left as it was"),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read_to_string(&deck).unwrap(), old);
    let left: Vec<_> = std::fs::read_dir(&disk.path).unwrap().collect();
    assert_eq!(left.len(), 1, "a temporary file was left behind");

    // With room, --force replaces it.
    std::fs::write(&deck, DECK).unwrap();
    let out = run(
        &scratch.path,
        &[
            "convert",
            "--from",
            "quizlet",
            "-o",
            deck.to_str().unwrap(),
            "--force",
            "-",
        ],
        Some("petit Flashcards\nTerme ?\n- Définition\n"),
    );
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(std::fs::read_to_string(&deck).unwrap().contains("Terme ?"));
}

fn reviews_in(db: &Path) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row("SELECT count(*) FROM reviews", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn backup_copies_the_store_consistently() {
    let scratch = Scratch::new();
    let dir = &scratch.path;
    scratch.write("decks/d.yaml", DECK);
    let review = run(dir, &["review", "--plain"], Some("\n4\n\n3\n"));
    assert_eq!(review.status, 0, "{}", review.stderr);
    let store = dir.join("store.db");
    // A session is open meanwhile, and holds the WAL: `cp store.db` would
    // miss what is in it; the backup has everything committed.
    let session = rusqlite::Connection::open(&store).unwrap();
    session
        .execute_batch("PRAGMA wal_autocheckpoint = 0; BEGIN; SELECT count(*) FROM cards;")
        .unwrap();
    let copy = dir.join("copie.db");
    let out = run(dir, &["backup", copy.to_str().unwrap()], None);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(out.stdout.contains("backed up"), "{}", out.stdout);
    assert_eq!(reviews_in(&copy), 2);
    assert!(!dir.join("copie.db-wal").exists(), "the copy is one file");
    // The copy is a store fiches opens as it is.
    let from_copy = fiches_with(
        dir,
        &["stats", "--json", "--db", copy.to_str().unwrap()],
        &[],
        None,
    );
    assert_eq!(from_copy.status, 0, "{}", from_copy.stderr);
    drop(session);

    // Never over a file, unless told; never over the store itself.
    let again = run(dir, &["backup", copy.to_str().unwrap()], None);
    assert_eq!(again.status, 2);
    assert!(again.stderr.contains("--force"), "{}", again.stderr);
    let forced = run(dir, &["backup", "--force", copy.to_str().unwrap()], None);
    assert_eq!(forced.status, 0, "{}", forced.stderr);
    let itself = run(dir, &["backup", "--force", store.to_str().unwrap()], None);
    assert_eq!(itself.status, 2);
    assert!(
        itself.stderr.contains("the review store itself"),
        "{}",
        itself.stderr
    );
    // No store yet: said, and none created.
    let empty = Scratch::new();
    let none = run(&empty.path, &["backup", "x.db"], None);
    assert_eq!(none.status, 2);
    assert!(!empty.path.join("store.db").exists());
}

/// A store whose version is not one fiches writes is refused, untouched,
/// in words (no SQL).
#[test]
fn a_store_in_a_state_we_never_write_is_left_untouched() {
    for (what, version) in [("negative", -1), ("missing", 0), ("skipped back", 2)] {
        let scratch = Scratch::new();
        let dir = &scratch.path;
        scratch.write("decks/d.yaml", DECK);
        assert_eq!(run(dir, &["sync"], None).status, 0);
        let store = dir.join("store.db");
        let db = rusqlite::Connection::open(&store).unwrap();
        db.execute_batch(&format!(
            "PRAGMA user_version = {version}; PRAGMA journal_mode = DELETE;"
        ))
        .unwrap();
        drop(db);
        let before = std::fs::read(&store).unwrap();
        for args in [
            &["sync"][..],
            &["review", "--plain"],
            &["stats"],
            &["backup", "b.db"],
        ] {
            let out = run(dir, args, Some("q\n"));
            assert_eq!(
                out.status,
                2,
                "{what}: fiches {}: {}",
                args.join(" "),
                out.stderr
            );
            assert!(out.stderr.contains("damaged"), "{what}: {}", out.stderr);
            assert!(
                out.stderr.contains("left untouched"),
                "{what}: {}",
                out.stderr
            );
            for sql in ["ALTER", "CREATE", "duplicate column", "SQL", "no such"] {
                assert!(!out.stderr.contains(sql), "{what}: {}", out.stderr);
            }
        }
        assert_eq!(
            std::fs::read(&store).unwrap(),
            before,
            "{what}: the store changed"
        );
    }
}

/// Fills `dir`'s disk with a file, to its last byte.
fn fill(dir: &Path) -> PathBuf {
    let filler = dir.join("filler");
    let mut file = std::fs::File::create(&filler).unwrap();
    let block = vec![0u8; 4096];
    use std::io::Write;
    while file.write_all(&block).is_ok() {}
    let _ = file.flush();
    filler
}

#[test]
fn a_full_disk_during_a_rating_keeps_the_session_to_rate_again() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::Stdio;
    let scratch = Scratch::new();
    let Some(disk) = SmallDisk::mount(&scratch, "2m") else {
        return;
    };
    scratch.write("decks/d.yaml", DECK);
    let store = disk.path.join("store.db");
    let synced = fiches_with(
        &scratch.path,
        &["sync"],
        &[("FICHES_DB", store.to_str().unwrap())],
        None,
    );
    assert_eq!(synced.status, 0, "{}", synced.stderr);
    let mut child = Command::new(crate::support::BIN)
        .args(["review", "--plain"])
        .current_dir(&scratch.path)
        .env("FICHES_DB", &store)
        .env("FICHES_NOW", "2026-12-01T09:00:00-05:00")
        .env("HOME", &scratch.path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut wait_for = |what: &str| -> String {
        let mut seen = String::new();
        for line in lines.by_ref() {
            let line = line.unwrap();
            seen.push_str(&line);
            seen.push('\n');
            if line.contains(what) {
                return seen;
            }
        }
        panic!("never said {what:?}: {seen}");
    };
    wait_for("Q:");
    let filler = fill(&disk.path);
    stdin.write_all(b"\n4\n").unwrap();
    let refused = wait_for("NOT saved");
    assert!(refused.contains(store.to_str().unwrap()), "{refused}");
    assert!(refused.contains("full"), "{refused}");
    std::fs::remove_file(&filler).unwrap();
    stdin.write_all(b"4\n").unwrap();
    let saved = wait_for("Saved 4");
    assert!(!saved.contains("NOT saved"), "{saved}");
    stdin.write_all(b"q\n").unwrap();
    drop(stdin);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    assert_eq!(reviews_in(&store), 1);
}

/// The same under the full screen, in a real terminal: the message names
/// the store and the full disk, the card stays to rate again once there is
/// room, or to quit.
#[test]
fn a_full_disk_under_the_full_screen_keeps_the_card_to_rate_again() {
    use crate::terminal::{Tmux, tmux_installed};
    if !tmux_installed() {
        return;
    }
    let scratch = Scratch::new();
    let Some(disk) = SmallDisk::mount(&scratch, "2m") else {
        return;
    };
    let store = disk.path.join("store.db");
    let tmux = Tmux::start_in(
        scratch,
        &format!("FICHES_DB={}", store.display()),
        "review",
        &[],
    );
    tmux.wait_for("Première question ?");
    let filler = fill(&disk.path);
    tmux.keys(&["Space", "4"]);
    let screen = tmux.wait_for("NOT saved");
    assert!(screen.contains("Première question ?"), "{screen}");
    let joined = tmux.run(&["capture-pane", "-p", "-J", "-t", "t"]);
    assert!(joined.contains("full"), "{screen}");
    assert!(joined.contains("small-disk"), "{screen}");
    assert_eq!(reviews_in(&store), 0);
    std::fs::remove_file(&filler).unwrap();
    tmux.keys(&["4"]);
    tmux.wait_for("Deuxième question ?");
    tmux.keys(&["q"]);
    tmux.wait_for("Session over: everything is saved.");
    tmux.keys(&["q"]);
    tmux.wait_dead();
    assert_eq!(tmux.exit_status(), "0");
    assert_eq!(reviews_in(&store), 1);
    // The terminal's processes end before the disk goes.
    tmux.stop();
    drop(disk);
}
