//! Deck paths that are not plain files (FIFOs, devices, symlinked
//! directories, loops), ids shared between decks, and `sync --full`: the
//! same rules in every command, nothing hangs, nothing is stored twice.

#![cfg(unix)]

use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{BIN, Run, Scratch, fiches_in};

/// Longer than any of these runs takes on a loaded machine, far shorter
/// than a hang.
const DEADLINE: Duration = Duration::from_secs(60);

const NOW: &str = "2026-12-01T09:00:00-05:00";

fn deck(title: &str, extra: &str) -> String {
    format!(
        "title: \"{title}\"\n{extra}cards:\n  - q: \"{title}, question ?\"\n    a: \"Réponse.\"\n"
    )
}

/// Runs `fiches`, killing it and failing if it does not end in time.
fn bounded(dir: &Path, args: &[&str]) -> Run {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("FICHES_DB", dir.join("store.db"))
        .env("FICHES_NOW", NOW)
        .env("HOME", dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "`fiches {}` did not end within {DEADLINE:?}",
                args.join(" ")
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        status: status.code().unwrap_or(-1),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(made.success(), "mkfifo {}", path.display());
}

/// Whether another process can write to the store now (it is not held).
fn store_is_writable(db: &Path) -> bool {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.busy_timeout(Duration::from_secs(5)).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE; COMMIT;").is_ok()
}

fn cards_with_key(db: &Path, key: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(
        "SELECT count(*) FROM cards WHERE key = ?1 AND retired = 0",
        [key],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn a_fifo_among_the_decks_is_skipped_and_nothing_waits_on_it() {
    let scratch = Scratch::new();
    scratch.write("decks/a.yaml", deck("A", ""));
    mkfifo(&scratch.path.join("decks/x.yaml"));
    for command in [
        &["check"][..],
        &["sync"],
        &["review", "--plain"],
        &["stats"],
    ] {
        let run = bounded(&scratch.path, command);
        assert_eq!(run.status, 0, "{command:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("x.yaml") && run.stderr.contains("FIFO"),
            "{command:?} warns about the FIFO: {}",
            run.stderr
        );
    }
    // A session open with the FIFO there leaves the store to others.
    let mut session = Command::new(BIN)
        .args(["review", "--plain"])
        .current_dir(&scratch.path)
        .env("FICHES_DB", scratch.path.join("store.db"))
        .env("FICHES_NOW", NOW)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = session.stdout.take().unwrap();
    let mut first = [0u8; 1];
    // The first question is printed: the sync is over.
    out.read_exact(&mut first).unwrap();
    assert!(store_is_writable(&scratch.path.join("store.db")));
    drop(session.stdin.take());
    let _ = session.kill();
    let _ = session.wait();
    // Named on the command line, it is an error (exit 2), at once.
    let named = bounded(&scratch.path, &["check", "decks/x.yaml"]);
    assert_eq!(named.status, 2, "{}", named.stderr);
    assert!(
        named.stderr.contains("only regular files"),
        "{}",
        named.stderr
    );
    let named = bounded(&scratch.path, &["sync", "decks/x.yaml"]);
    assert_eq!(named.status, 2, "{}", named.stderr);
}

#[test]
fn dev_zero_linked_as_a_deck_is_never_read() {
    let scratch = Scratch::new();
    scratch.write("decks/a.yaml", deck("A", ""));
    std::os::unix::fs::symlink("/dev/zero", scratch.path.join("decks/zero.yaml")).unwrap();
    for command in [
        &["check"][..],
        &["sync"],
        &["review", "--plain"],
        &["cards"],
    ] {
        let run = bounded(&scratch.path, command);
        assert_eq!(run.status, 0, "{command:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("zero.yaml") && run.stderr.contains("device"),
            "{command:?}: {}",
            run.stderr
        );
    }
    assert!(store_is_writable(&scratch.path.join("store.db")));
    let named = bounded(&scratch.path, &["check", "decks/zero.yaml"]);
    assert_eq!(named.status, 2, "{}", named.stderr);
    let preview = bounded(&scratch.path, &["preview", "decks/zero.yaml"]);
    assert_eq!(preview.status, 2, "{}", preview.stderr);
}

#[test]
fn a_symlinked_directory_in_decks_is_followed() {
    let scratch = Scratch::new();
    scratch.write("decks/a.yaml", deck("A", ""));
    scratch.write("elsewhere/b.yaml", deck("B", ""));
    std::os::unix::fs::symlink("../elsewhere", scratch.path.join("decks/more")).unwrap();
    let check = bounded(&scratch.path, &["check"]);
    assert_eq!(check.status, 0, "{}", check.stderr);
    assert!(check.stderr.contains("checked 2 decks"), "{}", check.stderr);
    let sync = bounded(&scratch.path, &["sync"]);
    assert_eq!(sync.status, 0, "{}", sync.stderr);
    assert!(
        sync.stdout.contains("decks/more/b.yaml (b)"),
        "{}",
        sync.stdout
    );
}

#[test]
fn a_symlink_loop_is_read_once_and_said() {
    let scratch = Scratch::new();
    scratch.write("decks/a.yaml", deck("A", ""));
    std::fs::create_dir_all(scratch.path.join("decks/sub")).unwrap();
    std::os::unix::fs::symlink("..", scratch.path.join("decks/sub/up")).unwrap();
    std::os::unix::fs::symlink(".", scratch.path.join("decks/self")).unwrap();
    let check = bounded(&scratch.path, &["check"]);
    assert_eq!(check.status, 0, "{}", check.stderr);
    assert!(check.stderr.contains("checked 1 deck,"), "{}", check.stderr);
    assert!(check.stderr.contains("symlink loop"), "{}", check.stderr);
    let sync = bounded(&scratch.path, &["sync"]);
    assert_eq!(sync.status, 0, "{}", sync.stderr);
    let decks = sync.stdout.lines().filter(|l| l.starts_with("decks/"));
    assert_eq!(decks.count(), 1, "{}", sync.stdout);
    let review = bounded(&scratch.path, &["review", "--plain"]);
    assert_eq!(review.status, 0, "{}", review.stderr);
    assert!(store_is_writable(&scratch.path.join("store.db")));
}

#[test]
fn a_deck_whose_id_is_taken_is_left_out_and_the_others_are_studied() {
    let scratch = Scratch::new();
    scratch.write("decks/a.yaml", deck("A", "id: cours\n"));
    scratch.write("decks/b.yaml", deck("B", "id: cours\n"));
    scratch.write("decks/c.yaml", deck("C", ""));
    let check = bounded(&scratch.path, &["check"]);
    assert_eq!(check.status, 1, "{}", check.stderr);
    for command in [
        &["review", "--plain"][..],
        &["stats", "--json"],
        &["cards"],
        &["sync"],
    ] {
        let run = bounded(&scratch.path, command);
        assert_eq!(run.status, 1, "{command:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("b.yaml") && run.stderr.contains("deck id `cours`"),
            "{command:?}: {}",
            run.stderr
        );
    }
    let review = bounded(&scratch.path, &["review", "--plain"]);
    assert!(review.stdout.contains("A, question ?"), "{}", review.stdout);
    let cards = bounded(&scratch.path, &["cards"]);
    assert!(cards.stdout.contains("C, question ?"), "{}", cards.stdout);
    assert!(!cards.stdout.contains("B, question ?"), "{}", cards.stdout);
}

fn keyed(title: &str, key: &str) -> String {
    format!(
        "title: \"{title}\"\ncards:\n  - id: {key}\n    q: \"{title} ?\"\n    a: \"R.\"\n  - q: \"{title}, autre ?\"\n    a: \"R.\"\n"
    )
}

#[test]
fn a_card_id_used_in_two_decks_is_stored_once() {
    let scratch = Scratch::new();
    let db = scratch.path.join("store.db");
    scratch.write("decks/a.yaml", keyed("A", "commun"));
    scratch.write("decks/b.yaml", keyed("B", "commun"));
    let check = bounded(&scratch.path, &["check"]);
    assert_eq!(check.status, 1, "{}", check.stderr);
    let sync = bounded(&scratch.path, &["sync"]);
    assert_eq!(sync.status, 1, "{}", sync.stderr);
    assert!(
        sync.stderr.contains("b.yaml") && sync.stderr.contains("duplicate card id `commun`"),
        "{}",
        sync.stderr
    );
    assert_eq!(cards_with_key(&db, "commun"), 1);
    // A deck synced alone cannot take an id another deck of the store holds.
    let alone = bounded(&scratch.path, &["sync", "decks/b.yaml"]);
    assert_eq!(alone.status, 1, "{}", alone.stderr);
    assert!(alone.stderr.contains("commun"), "{}", alone.stderr);
    assert_eq!(cards_with_key(&db, "commun"), 1);
    let review = bounded(&scratch.path, &["review", "--plain"]);
    assert_eq!(review.status, 1, "{}", review.stderr);
    assert!(review.stdout.contains("A ?"), "{}", review.stdout);
    // Fixed, the deck is synced.
    scratch.write("decks/b.yaml", keyed("B", "autre"));
    let fixed = bounded(&scratch.path, &["sync"]);
    assert_eq!(fixed.status, 0, "{}", fixed.stderr);
    assert_eq!(cards_with_key(&db, "autre"), 1);
}

#[test]
fn a_card_moved_out_of_a_deck_whose_file_is_gone_keeps_its_history() {
    let scratch = Scratch::new();
    let db = scratch.path.join("store.db");
    scratch.write("decks/a.yaml", keyed("A", "voyageur"));
    assert_eq!(bounded(&scratch.path, &["sync"]).status, 0);
    std::fs::remove_file(scratch.path.join("decks/a.yaml")).unwrap();
    scratch.write("decks/b.yaml", keyed("B", "voyageur"));
    let sync = bounded(&scratch.path, &["sync"]);
    assert_eq!(sync.status, 0, "{}", sync.stderr);
    assert!(
        sync.stdout.contains("voyageur (from deck a)"),
        "{}",
        sync.stdout
    );
    assert_eq!(cards_with_key(&db, "voyageur"), 1);
}

#[test]
fn sync_full_reads_an_edit_that_kept_the_size_and_time() {
    let scratch = Scratch::new();
    let path = scratch.write("decks/a.yaml", deck("A", ""));
    assert_eq!(bounded(&scratch.path, &["sync"]).status, 0);
    let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
    std::fs::write(&path, deck("A", "").replace("Réponse.", "Réplique")).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    let quick = bounded(&scratch.path, &["sync"]);
    assert!(quick.stdout.contains("unchanged"), "{}", quick.stdout);
    let full = bounded(&scratch.path, &["sync", "--full"]);
    assert_eq!(full.status, 0, "{}", full.stderr);
    assert!(full.stdout.contains("1 edited"), "{}", full.stdout);
    let after = bounded(&scratch.path, &["sync", "--full"]);
    assert!(after.stdout.contains("unchanged"), "{}", after.stdout);
}

#[test]
fn file_names_that_are_not_utf8_name_two_decks() {
    let scratch = Scratch::new();
    let dir = scratch.path.join("decks");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, title) in [(&b"ch\xE9.yaml"[..], "E"), (b"ch\xE8.yaml", "F")] {
        let name = std::ffi::OsStr::from_bytes(name);
        std::fs::write(dir.join(name), deck(title, "")).unwrap();
    }
    let check = fiches_in(&scratch.path, &["check"]);
    assert_eq!(check.status, 0, "{}", check.stderr);
    let sync = bounded(&scratch.path, &["sync"]);
    assert_eq!(sync.status, 0, "{}", sync.stderr);
    assert!(sync.stdout.contains("(ch\\xE9)"), "{}", sync.stdout);
    assert!(sync.stdout.contains("(ch\\xE8)"), "{}", sync.stdout);
}
