//! Faults: killed mid-review, stores that cannot be used, a deck edited
//! during a review. Nothing saved is ever lost or doubled, no file that is
//! not ours is touched.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::{BIN, Scratch, fiches_with};

fn deck(cards: usize) -> String {
    let mut text = String::from("title: \"Endurance\"\ncards:\n");
    for i in 0..cards {
        text.push_str(&format!(
            "  - id: \"c{i}\"\n    q: \"Question {i} ?\"\n    a: \"Réponse {i}.\"\n"
        ));
    }
    text
}

fn reviews_in(db: &Path) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("SELECT count(*) FROM reviews", [], |r| r.get(0))
        .unwrap()
}

fn integrity(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

/// `decks/endurance.yaml` of `cards` cards, synced into the store `db`.
fn synced_deck(scratch: &Scratch, db: &Path, cards: usize) {
    scratch.write("decks/endurance.yaml", deck(cards));
    let synced = fiches_with(
        &scratch.path,
        &["sync"],
        &[("FICHES_DB", db.to_str().unwrap())],
        None,
    );
    assert_eq!(synced.status, 0, "{}", synced.stderr);
}

/// `fiches review --plain` and `extra` on the store `db`, on the 1st of
/// December, stdin and stdout piped.
fn spawn_plain_review(
    scratch: &Scratch,
    db: &Path,
    extra: &[&str],
    stderr: Stdio,
) -> std::process::Child {
    Command::new(BIN)
        .args(["review", "--plain"])
        .args(extra)
        .current_dir(&scratch.path)
        .env("FICHES_DB", db)
        .env("FICHES_NOW", "2026-12-01T09:00:00-05:00")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap()
}

/// The child's exit status within `seconds`; `None` when it was still
/// running then (it is killed, so its output can be read and shown).
fn exit_within(child: &mut std::process::Child, seconds: u64) -> Option<i32> {
    let deadline = std::time::Instant::now() + Duration::from_secs(seconds);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status.code().unwrap_or(-1));
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Reads a child's output to its end on a thread, and signals on the
/// returned channel once `needle` has appeared `times` times: tests act on
/// what the session printed, never after a fixed wait.
fn watch_output(
    mut stdout: impl Read + Send + 'static,
    needle: &'static str,
    times: usize,
) -> (
    std::sync::mpsc::Receiver<()>,
    std::thread::JoinHandle<String>,
) {
    let (seen, waiting) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let mut chunk = [0u8; 4096];
        let mut told = false;
        while let Ok(read) = stdout.read(&mut chunk) {
            if read == 0 {
                break;
            }
            out.extend_from_slice(&chunk[..read]);
            if !told && String::from_utf8_lossy(&out).matches(needle).count() >= times {
                told = true;
                let _ = seen.send(());
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    });
    (waiting, reader)
}

#[test]
fn killed_at_random_moments_every_acknowledged_rating_is_kept_once() {
    let scratch = Scratch::new();
    let db = scratch.path.join("store.db");
    synced_deck(&scratch, &db, 3000);
    let mut seed: u64 = 0x1234_5678_9abc_def1;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut expected_total: i64 = 0;
    let mut kills = 0;
    while kills < 24 {
        let mut child = spawn_plain_review(&scratch, &db, &["--new", "3000"], Stdio::null());
        // Kill after a random number of acknowledged ratings, then a random
        // fraction of the next one: the kill lands mid-review whatever the
        // machine's speed, so the test does not depend on timing.
        let target = 1 + next() % 20;
        let target = usize::try_from(target).unwrap();
        let (waiting, reader) = watch_output(child.stdout.take().unwrap(), "Saved 4", target);
        let mut stdin = child.stdin.take().unwrap();
        let writer = std::thread::spawn(move || {
            // 500 reveals and ratings, as fast as the process reads them.
            let _ = stdin.write_all("\n4\n".repeat(500).as_bytes());
        });
        let _ = waiting.recv_timeout(Duration::from_secs(60));
        std::thread::sleep(Duration::from_micros(next() % 3000));
        let _ = child.kill();
        let _ = child.wait();
        let _ = writer.join();
        let out = reader.join().unwrap();
        kills += 1;
        // A rating is acknowledged when the next question (or the end) was printed after it.
        let acknowledged = i64::try_from(out.matches("Saved 4").count()).unwrap();
        let total = reviews_in(&db);
        let new = total - expected_total;
        assert!(
            new == acknowledged || new == acknowledged + 1,
            "kill {kills}: {acknowledged} acknowledged, {new} in the store"
        );
        expected_total = total;
        assert_eq!(integrity(&db), "ok", "kill {kills}");
        if out.contains("No more cards to review today.") {
            break;
        }
    }
    // Every rating in the log is a distinct card's one rating of the day.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let doubled: i64 = conn
        .query_row(
            "SELECT count(*) FROM (SELECT card FROM reviews GROUP BY card HAVING count(*) > 1)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(doubled, 0, "a card was rated twice");
    let inconsistent: i64 = conn
        .query_row(
            "SELECT count(*) FROM cards c JOIN reviews r ON r.card = c.id
             WHERE c.reps <> r.after_reps OR c.ease <> r.after_ease OR c.interval <> r.after_interval
               OR c.due IS NOT r.after_due",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(inconsistent, 0, "card states agree with the log");
    assert_eq!(kills, 24);
    assert!(
        expected_total >= 24,
        "every kill came after at least one acknowledged rating: {expected_total} ratings"
    );
}

fn assert_refused(scratch: &Scratch, db: &Path, expected: &str) {
    let before = std::fs::read(db).ok();
    let run = fiches_with(
        &scratch.path,
        &["review", "--plain", "--db", db.to_str().unwrap()],
        &[("FICHES_NOW", "2026-12-01T09:00:00-05:00")],
        Some("\n4\n"),
    );
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.starts_with("fiches: error: "), "{}", run.stderr);
    assert!(run.stderr.contains(expected), "{}", run.stderr);
    assert!(
        run.stderr.contains(&db.display().to_string()),
        "names the path: {}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(std::fs::read(db).ok(), before, "the file was changed");
}

#[test]
fn stores_that_cannot_be_used_are_refused_with_what_to_do() {
    let scratch = Scratch::new();
    scratch.write("decks/endurance.yaml", deck(3));

    let text = scratch.write("notes.txt", "rien à voir\n".repeat(100));
    assert_refused(&scratch, &text, "is not a fiches review store");

    let other = scratch.path.join("firefox.sqlite");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE moz_places (id INTEGER PRIMARY KEY);")
        .unwrap();
    assert_refused(&scratch, &other, "another program");

    // A real store, cut in half.
    let good = scratch.path.join("good.db");
    let run = fiches_with(
        &scratch.path,
        &["cards", "--db", good.to_str().unwrap()],
        &[],
        None,
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    let bytes = std::fs::read(&good).unwrap();
    let truncated = scratch.write("truncated.db", &bytes[..bytes.len() / 2]);
    assert_refused(&scratch, &truncated, "truncated.db");

    let newer = scratch.path.join("newer.db");
    std::fs::copy(&good, &newer).unwrap();
    rusqlite::Connection::open(&newer)
        .unwrap()
        .execute_batch("PRAGMA user_version = 42;")
        .unwrap();
    assert_refused(&scratch, &newer, "newer fiches");
}

/// Undoes `chattr +i` when dropped.
struct Immutable<'p>(&'p Path);

impl Drop for Immutable<'_> {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-i").arg(self.0).status();
    }
}

/// Makes `db` read-only, for root too (which ignores permissions: the file
/// is made immutable, until the guard drops). `None` when this user cannot
/// (said; in CI, a failure).
fn make_read_only(db: &Path) -> Option<Option<Immutable<'_>>> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(db, std::fs::Permissions::from_mode(0o444)).unwrap();
    if std::fs::OpenOptions::new().write(true).open(db).is_err() {
        return Some(None);
    }
    let made = Command::new("chattr")
        .arg("+i")
        .arg(db)
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        // CI must be able to run it: there, not being able to is a failure.
        assert!(
            std::env::var_os("CI").is_none(),
            "CI cannot make a file read-only (chattr +i) for this test"
        );
        eprintln!("skipping: cannot make a file read-only for this user");
        return None;
    }
    Some(Some(Immutable(db)))
}

#[test]
fn a_read_only_store_says_so_and_is_left_as_it_is() {
    let scratch = Scratch::new();
    scratch.write("decks/endurance.yaml", deck(3));
    let db = scratch.path.join("ro.db");
    let run = fiches_with(
        &scratch.path,
        &["cards", "--db", db.to_str().unwrap()],
        &[],
        None,
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    // Checkpointed (the WAL folded back in), then made read-only.
    drop(rusqlite::Connection::open(&db).unwrap());
    let Some(_guard) = make_read_only(&db) else {
        return;
    };
    scratch.write("decks/endurance.yaml", deck(4));
    assert_refused(&scratch, &db, "read-only");
}

/// A store from before the memory model that cannot be brought up to date
/// (read-only) is too old for it: said, with what to do, for a review and
/// for a forecast alike.
#[test]
fn a_read_only_store_older_than_the_memory_model_is_too_old_and_says_what_to_do() {
    let scratch = Scratch::new();
    scratch.write("decks/endurance.yaml", deck(3));
    let db = scratch.path.join("old.db");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        for name in [
            "0001_initial",
            "0002_sync_by_card_text",
            "0003_exam_date",
            "0004_card_kinds",
            "0005_course_order_and_ask",
        ] {
            let sql = std::fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("migrations/{name}.sql")),
            )
            .unwrap();
            conn.execute_batch(&sql).unwrap();
        }
        conn.execute_batch(
            "PRAGMA user_version = 5; PRAGMA application_id = 1718182760; PRAGMA journal_mode = DELETE;",
        )
        .unwrap();
    }
    let Some(_guard) = make_read_only(&db) else {
        return;
    };
    assert_refused(&scratch, &db, "older fiches (store version 5");
    for args in [&["readiness"][..], &["stats", "--calibration"]] {
        let mut args = args.to_vec();
        args.extend(["--db", db.to_str().unwrap()]);
        let run = fiches_with(
            &scratch.path,
            &args,
            &[("FICHES_NOW", "2026-12-01T09:00:00-05:00")],
            None,
        );
        assert_eq!(run.status, 2, "{}", run.stderr);
        for said in ["memory model", "read-only", "make it writable", "--db"] {
            assert!(run.stderr.contains(said), "{said}: {}", run.stderr);
        }
    }
}

#[test]
fn a_deck_edited_during_a_review_syncs_consistently_next_time() {
    let scratch = Scratch::new();
    scratch.write("decks/endurance.yaml", deck(10));
    let db = scratch.path.join("store.db");
    let mut child = spawn_plain_review(&scratch, &db, &[], Stdio::piped());
    // Edit the deck once the session has rated two cards (seen on its
    // output), not after a fixed wait, so the order holds on a busy machine.
    let (waiting, reader) = watch_output(child.stdout.take().unwrap(), "Saved 5", 2);
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"\n5\n\n5\n").unwrap();
    waiting
        .recv_timeout(Duration::from_secs(60))
        .expect("the session acknowledged two ratings");
    // The instructor edits the deck: one answer changed, one card removed.
    let edited = deck(10).replace("Réponse 0.", "Réponse 0, revue.").replace(
        "  - id: \"c1\"\n    q: \"Question 1 ?\"\n    a: \"Réponse 1.\"\n",
        "",
    );
    scratch.write("decks/endurance.yaml", edited);
    stdin.write_all(b"\n5\nq\n").unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let _ = reader.join();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run = fiches_with(
        &scratch.path,
        &["sync"],
        &[("FICHES_DB", db.to_str().unwrap())],
        None,
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("0 added, 1 edited, 1 retired, 0 restored"),
        "{}",
        run.stdout
    );
    let cards = fiches_with(
        &scratch.path,
        &["cards", "--json"],
        &[
            ("FICHES_DB", db.to_str().unwrap()),
            ("FICHES_NOW", "2026-12-01T09:00:00-05:00"),
        ],
        None,
    );
    let cards: Vec<serde_json::Value> = serde_json::from_str(&cards.stdout).unwrap();
    let by_id = |id: &str| cards.iter().find(|c| c["id"] == id).unwrap().clone();
    assert_eq!(
        by_id("c0")["last_rating"],
        5,
        "the edited card keeps its rating"
    );
    assert_eq!(by_id("c1")["retired"], true);
    assert_eq!(
        by_id("c1")["last_rating"],
        5,
        "the retired card keeps its history"
    );
    assert_eq!(reviews_in(&db), 3);
    assert_eq!(integrity(&db), "ok");
}

/// A `review --plain` on a synced store of `cards` cards, stdin and stdout piped.
fn plain_review(scratch: &Scratch, db: &Path, cards: usize) -> std::process::Child {
    synced_deck(scratch, db, cards);
    spawn_plain_review(scratch, db, &[], Stdio::null())
}

#[test]
fn plain_review_waits_for_a_locked_store_and_saves_once_it_is_free() {
    let scratch = Scratch::new();
    let db = scratch.path.join("store.db");
    let mut child = plain_review(&scratch, &db, 2);
    let lock = rusqlite::Connection::open(&db).unwrap();
    lock.execute_batch("BEGIN IMMEDIATE").unwrap();
    let (waiting, reader) = watch_output(
        child.stdout.take().unwrap(),
        "Waiting for another fiches process",
        1,
    );
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"\n4\nq\n").unwrap();
    let told = waiting.recv_timeout(Duration::from_secs(60));
    // Still waiting, nothing saved: the lock is another process's.
    assert_eq!(child.try_wait().unwrap(), None);
    lock.execute_batch("ROLLBACK").unwrap();
    drop(stdin);
    let status = exit_within(&mut child, 60);
    let out = reader.join().unwrap();
    assert!(told.is_ok(), "never said it was waiting:\n{out}");
    assert!(out.contains(db.to_str().unwrap()), "{out}");
    assert!(out.contains("Saved 4"), "{out}");
    assert!(!out.contains("locked"), "{out}");
    assert_eq!(
        status,
        Some(0),
        "still running after 60 s, or failed:\n{out}"
    );
    assert_eq!(reviews_in(&db), 1);
}

/// A store left locked by a stopped process: `--plain` gives up after its
/// documented minute, exit 2, naming the store, instead of waiting forever.
#[test]
fn plain_review_gives_up_on_a_store_locked_for_good() {
    let scratch = Scratch::new();
    let db = scratch.path.join("store.db");
    synced_deck(&scratch, &db, 2);
    let lock = rusqlite::Connection::open(&db).unwrap();
    // Held here, as by a process stopped while it wrote.
    lock.execute_batch("BEGIN IMMEDIATE").unwrap();
    let mut child = spawn_plain_review(&scratch, &db, &[], Stdio::piped());
    let (waiting, reader) = watch_output(
        child.stdout.take().unwrap(),
        "Waiting for another fiches process",
        1,
    );
    let (_, errors) = watch_output(child.stderr.take().unwrap(), "gave up", 1);
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"\n4\n").unwrap();
    let told = waiting.recv_timeout(Duration::from_secs(60));
    // 60 s of waiting, and a minute more for a loaded machine.
    let status = exit_within(&mut child, 120);
    drop(stdin);
    let out = reader.join().unwrap();
    let err = errors.join().unwrap();
    assert!(told.is_ok(), "never said it was waiting:\n{out}\n{err}");
    assert_eq!(
        status,
        Some(2),
        "still waiting after 120 s, or not 2:\n{out}\n{err}"
    );
    assert!(err.contains("gave up after 60 s"), "{err}");
    assert!(err.contains(db.to_str().unwrap()), "{err}");
    lock.execute_batch("ROLLBACK").unwrap();
    assert_eq!(reviews_in(&db), 0);
}

/// The store deleted, or another file renamed over it, during a plain
/// session: the next rating is refused and said so, never "Saved".
#[test]
fn plain_review_refuses_a_rating_into_a_store_deleted_or_replaced() {
    for replaced in [false, true] {
        let scratch = Scratch::new();
        let db = scratch.path.join("store.db");
        let copy = scratch.path.join("copy.db");
        let mut child = plain_review(&scratch, &db, 2);
        let (first, reader) = watch_output(child.stdout.take().unwrap(), "Q: ", 1);
        let mut stdin = child.stdin.take().unwrap();
        first.recv_timeout(Duration::from_secs(60)).unwrap();
        if replaced {
            // As a restore of an older copy would.
            let conn = rusqlite::Connection::open(&db).unwrap();
            conn.execute("VACUUM INTO ?1", [copy.to_str().unwrap()])
                .unwrap();
            drop(conn);
            std::fs::rename(&copy, &db).unwrap();
        } else {
            std::fs::remove_file(&db).unwrap();
        }
        stdin.write_all(b"\n4\nq\n").unwrap();
        drop(stdin);
        let status = exit_within(&mut child, 60);
        let out = reader.join().unwrap();
        // What the session did is not where fiches reads it: an I/O problem.
        assert_eq!(
            status,
            Some(2),
            "still running after 60 s, or not 2:\n{out}"
        );
        assert!(out.contains("This rating was NOT saved"), "{out}");
        assert!(!out.contains("Saved 4"), "{out}");
        let said = if replaced {
            "was replaced"
        } else {
            "was deleted"
        };
        assert!(out.contains(said), "{out}");
        assert!(out.contains(db.to_str().unwrap()), "{out}");
        assert!(out.contains("Not saved where fiches will read it"), "{out}");
        if replaced {
            assert_eq!(reviews_in(&db), 0);
        }
    }
}

/// A command that must wait for another process's write (here `sync`)
/// says so within seconds, not silently for 30 s, and goes on once free.
#[test]
fn a_command_waiting_for_the_store_says_so_and_goes_on_once_free() {
    let scratch = Scratch::new();
    let db = scratch.path.join("store.db");
    synced_deck(&scratch, &db, 2);
    scratch.write("decks/endurance.yaml", deck(3));
    let lock = rusqlite::Connection::open(&db).unwrap();
    lock.execute_batch("BEGIN IMMEDIATE").unwrap();
    let mut child = Command::new(BIN)
        .arg("sync")
        .current_dir(&scratch.path)
        .env("FICHES_DB", &db)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (told, reader) = watch_output(
        child.stderr.take().unwrap(),
        "waiting for another fiches process",
        1,
    );
    // Well before SQLite's own 30 s would end it.
    let said = told.recv_timeout(Duration::from_secs(20));
    lock.execute_batch("ROLLBACK").unwrap();
    let status = exit_within(&mut child, 60);
    let err = reader.join().unwrap();
    assert!(said.is_ok(), "said nothing while waiting: {err}");
    assert!(err.contains(db.to_str().unwrap()), "{err}");
    assert_eq!(
        status,
        Some(0),
        "still running after 60 s, or failed: {err}"
    );
}
