//! The review store against the physical limits of this machine: a rating
//! committed vs a bare SQLite one-row commit with the same durability, the
//! first question vs the bare process start, sync throughput, peak memory.
//!
//! Run: `cargo bench --bench store` (builds the release binary first).

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate};
use fiches::sched::{self, Rating};
use fiches::store::Store;

const CARDS: usize = 100_000;
const REVIEWS: usize = 1_000_000;

fn main() {
    let dir = common::bench_dir("store");
    let _ = std::fs::remove_dir_all(&dir);
    let deck = common::write_deck(&dir, "big.yaml", CARDS);
    let db = dir.join("fiches.db");
    let now = DateTime::parse_from_rfc3339("2026-12-01T09:00:00-05:00").expect("time");
    let day = NaiveDate::from_ymd_opt(2026, 12, 1).expect("day");

    // First sync of a 100,000-card deck.
    let mut store = Store::open(&db).expect("store");
    let start = Instant::now();
    store
        .sync(std::slice::from_ref(&deck), false, now)
        .expect("sync");
    let first_sync = start.elapsed();
    println!(
        "first sync of {CARDS} cards: {} ({:.0} cards/s; goal ≥ 50,000)",
        common::ms(first_sync),
        CARDS as f64 / first_sync.as_secs_f64()
    );

    fill_review_log(&db);
    println!("review log filled to {REVIEWS} reviews");

    // Re-sync after one card is edited.
    let text = std::fs::read_to_string(&deck).expect("deck");
    let edited = text.replacen("Réponse simple 0.", "Réponse simple 0, revue.", 1);
    std::fs::write(&deck, edited).expect("edit");
    let start = Instant::now();
    let report = store
        .sync(std::slice::from_ref(&deck), false, now)
        .expect("resync");
    let resync = start.elapsed();
    assert_eq!(report.decks[0].changes.len(), 1);
    println!(
        "re-sync after one card edited: {} (goal < 1 s)",
        common::ms(resync)
    );

    let unchanged = common::median(20, || {
        let report = store
            .sync(std::slice::from_ref(&deck), false, now)
            .expect("sync");
        assert!(report.decks[0].unchanged);
    });
    println!("sync of the unchanged deck: {}", common::ms(unchanged));

    // A rating committed (log entry + card state, BEGIN IMMEDIATE, WAL, FULL)
    // vs a bare SQLite one-row insert commit with the same settings.
    let deck_ids = store.deck_ids().expect("decks");
    let cards = store.new_cards(&deck_ids, 400).expect("cards");
    let rating = Rating::new(4).expect("rating");
    let mut next = cards.iter().cycle();
    let fiches_commit = common::median(200, || {
        let card = next.next().expect("card").card;
        store
            .record(&fiches::store::NewReview {
                card,
                rating,
                at: now,
                day,
                took_ms: 1200,
                ticks: None,
                verdict: None,
                policy: sched::Policy::Normal,
            })
            .expect("record");
    });
    let bare_commit = bare_sqlite_commit(&dir.join("bare.db"));
    println!(
        "rating committed: {} vs bare SQLite commit {}: ratio {:.2} (goal ≤ 2)",
        common::ms(fiches_commit),
        common::ms(bare_commit),
        fiches_commit.as_secs_f64() / bare_commit.as_secs_f64()
    );
    drop(store);

    // From process start to the first question printed, vs `--version`.
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/fiches");
    assert!(
        bin.exists(),
        "build the release binary first: cargo build --release"
    );
    let version = common::median(20, || {
        let status = Command::new(&bin)
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .expect("run");
        assert!(status.success());
    });
    let first_question = common::median(20, || {
        time_to_first_question(&bin, &db, &deck);
    });
    println!(
        "first question shown: {} vs bare start (--version) {} (goal < 20 ms)",
        common::ms(first_question),
        common::ms(version)
    );

    // Peak memory of a session rating 50 cards on this store.
    let input = "\n4\n".repeat(50);
    let output = Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(&bin)
        .args(["--db"])
        .arg(&db)
        .args(["review", "--plain"])
        .arg(&deck)
        .env("FICHES_NOW", "2026-12-02T09:00:00-05:00")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(input.as_bytes())?;
            child.wait_with_output()
        })
        .expect("GNU time at /usr/bin/time");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let kb: u64 = stderr
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(0);
    println!(
        "peak memory of a 50-rating session: {:.1} MB (goal < 30 MB)",
        kb as f64 / 1024.0
    );
}

/// 1,000,000 reviews spread over the cards, written straight into the log.
fn fill_review_log(db: &Path) {
    let conn = rusqlite::Connection::open(db).expect("open");
    conn.execute_batch(&format!(
        "BEGIN;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {REVIEWS})
         INSERT INTO reviews (card, at, day, rating, took_ms, scheduled,
           before_reps, before_ease, before_interval, before_due, before_lapses,
           after_reps, after_ease, after_interval, after_due)
         SELECT (i % {CARDS}) + 1, '2026-10-01T09:00:00-04:00', date('2026-06-01', '+' || (i % 180) || ' days'),
           1 + i % 5, 3000, 1, 0, 250, 0, NULL, 0, 1, 250, 1, '2026-06-02'
         FROM n;
         COMMIT;"
    ))
    .expect("fill");
}

fn bare_sqlite_commit(path: &Path) -> Duration {
    let _ = std::fs::remove_file(path);
    let conn = rusqlite::Connection::open(path).expect("open");
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL);",
    )
    .expect("setup");
    let mut i = 0;
    common::median(200, || {
        i += 1;
        conn.execute("INSERT INTO t (v) VALUES (?1)", [i])
            .expect("insert");
    })
}

fn time_to_first_question(bin: &Path, db: &Path, deck: &Path) {
    let start = Instant::now();
    let mut child = Command::new(bin)
        .arg("--db")
        .arg(db)
        .args(["review", "--plain"])
        .arg(deck)
        .env("FICHES_NOW", "2026-12-02T09:00:00-05:00")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    loop {
        match lines.next() {
            Some(Ok(line)) if line.starts_with("Q: ") => break,
            Some(Ok(_)) => {}
            _ => panic!("no question printed"),
        }
    }
    std::hint::black_box(start.elapsed());
    drop(child.stdin.take());
    let _ = child.wait();
}
