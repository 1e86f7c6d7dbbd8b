//! The review store against the physical limits of this machine, each
//! figure beside its limit measured in the same run: the first card shown
//! vs the bare process start, the next card with its committed answer vs a
//! bare SQLite one-row commit with the same durability on a settled WAL
//! (and beside it a bare commit of as many pages as a rating writes), a
//! session's cost per card at several queue sizes, sync throughput and
//! peak memory.
//!
//! Run: `cargo build --release && cargo bench --bench store`.
//! `STORE_QUICK=1` skips the 200,000-card store (the sync figures only).

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset};
use fiches::review::Session;
use fiches::sched::Rating;
use fiches::store::Store;

/// Cards in the deck the first sync reads; the store holds two such decks.
const CARDS: usize = 100_000;
/// Reviews in the log per card (a million at 200,000 cards).
const REVIEWS_PER_CARD: usize = 5;
/// Anki's next card + committed answer on this machine (issue 16), and
/// the share of it fiches must stay under.
const ANKI_NEXT_CARD_MS: f64 = 0.346;
const ANKI_SHARE: f64 = 0.8;
const NOW: &str = "2026-12-02T09:00:00-05:00";

fn now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(NOW).expect("time")
}

fn main() {
    let dir = common::bench_dir("store");
    let _ = std::fs::remove_dir_all(&dir);
    println!("load average at the start: {}", load_average());
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/fiches");
    assert!(
        bin.exists(),
        "build the release binary first: cargo build --release"
    );
    let deck = common::write_deck(&dir, "big.yaml", CARDS);

    first_sync(&dir, &bin, &deck);

    // The store the session figures run on: two 100,000-card decks, a
    // million reviews, half of the cards due.
    let deck2 = second_deck(&dir, CARDS);
    let db = dir.join("fiches.db");
    let decks = vec![deck.clone(), deck2];
    build_store(&db, &decks, 2 * CARDS);
    println!(
        "store: {} cards in two decks, {} reviews, half of the cards due",
        2 * CARDS,
        2 * CARDS * REVIEWS_PER_CARD
    );
    resync(&db, &deck);
    if std::env::var_os("STORE_QUICK").is_some() {
        return;
    }

    first_card(&bin, &db, &decks);
    next_card(&dir, &db, &decks);
    session_cost(&dir, &db, &decks);
    session_memory(&bin, &db, &decks);
    println!("load average at the end: {}", load_average());
}

/// First sync of one deck: in process for its speed, then the release
/// binary into a new store for its peak memory.
fn first_sync(dir: &Path, bin: &Path, deck: &Path) {
    let db = dir.join("first.db");
    let mut store = Store::open(&db).expect("store");
    let start = Instant::now();
    store
        .sync(std::slice::from_ref(&deck.to_path_buf()), false, now())
        .expect("sync");
    let took = start.elapsed();
    drop(store);
    let rate = CARDS as f64 / took.as_secs_f64();
    println!(
        "first sync of {CARDS} cards: {} ({rate:.0} cards/s; limit ≥ 80,000: {})",
        common::ms(took),
        verdict(rate >= 80_000.0)
    );
    let db = dir.join("first-process.db");
    let start = Instant::now();
    let output = Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(bin)
        .arg("--db")
        .arg(&db)
        .arg("sync")
        .arg(deck)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .expect("GNU time at /usr/bin/time");
    let took = start.elapsed();
    assert!(output.status.success(), "fiches sync failed");
    let kib = peak_kib(&output.stderr);
    let per_card = kib as f64 / CARDS as f64;
    println!(
        "first sync, `fiches sync` process: {} ({:.0} cards/s), peak memory {:.1} MiB = {per_card:.2} KiB a card (limit ≤ 1.5: {})",
        common::ms(took),
        CARDS as f64 / took.as_secs_f64(),
        kib as f64 / 1024.0,
        verdict(per_card <= 1.5)
    );
}

/// A second deck of `cards` cards, its own title and card ids.
fn second_deck(dir: &Path, cards: usize) -> PathBuf {
    let text = common::deck_text(cards)
        .replacen("Paquet généré", "Second paquet", 1)
        .replace("  - id: \"c", "  - id: \"s");
    let path = dir.join("big2.yaml");
    std::fs::write(&path, text).expect("write deck");
    path
}

/// Syncs `decks` into a new store at `db`, fills its log with
/// [`REVIEWS_PER_CARD`] reviews a card, and gives half of the cards a due
/// day on or before today (a quarter due later, a quarter new).
fn build_store(db: &Path, decks: &[PathBuf], cards: usize) {
    let mut store = Store::open(db).expect("store");
    store.sync(decks, false, now()).expect("sync");
    drop(store);
    let reviews = cards * REVIEWS_PER_CARD;
    let conn = rusqlite::Connection::open(db).expect("open");
    conn.execute_batch(&format!(
        "BEGIN;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {reviews})
         INSERT INTO reviews (card, at, day, rating, took_ms, scheduled,
           before_reps, before_ease, before_interval, before_due, before_lapses,
           after_reps, after_ease, after_interval, after_due)
         SELECT (i % {cards}) + 1, '2026-10-01T09:00:00-04:00', date('2026-06-01', '+' || (i % 150) || ' days'),
           1 + i % 5, 3000, 1, 0, 250, 0, NULL, 0, 1, 250, 1, '2026-06-02'
         FROM n;
         UPDATE cards SET reps = 2, ease = 250, interval = 6, lapses = id % 3,
           last_rating = 3 + id % 3, last_day = date('2026-10-20', '+' || (id % 10) || ' days'),
           due = CASE WHEN id % 2 = 0 THEN date('2026-11-02', '+' || (id % 30) || ' days')
                      ELSE date('2026-12-03', '+' || (id % 60) || ' days') END
         WHERE id % 4 <> 3;
         COMMIT;
         PRAGMA wal_checkpoint(TRUNCATE);"
    ))
    .expect("fill");
}

fn resync(db: &Path, deck: &Path) {
    let mut store = Store::open(db).expect("store");
    let text = std::fs::read_to_string(deck).expect("deck");
    let edited = text.replacen("Réponse simple 0.", "Réponse simple 0, revue.", 1);
    std::fs::write(deck, edited).expect("edit");
    let decks = [deck.to_path_buf()];
    let start = Instant::now();
    let report = store.sync(&decks, false, now()).expect("resync");
    let took = start.elapsed();
    assert_eq!(report.decks[0].changes.len(), 1);
    println!(
        "re-sync after one card edited: {} (limit < 300 ms: {})",
        common::ms(took),
        verdict(took < Duration::from_millis(300))
    );
    let unchanged = common::median(20, || {
        let report = store.sync(&decks, false, now()).expect("sync");
        assert!(report.decks[0].unchanged);
    });
    println!("sync of the unchanged deck: {}", common::ms(unchanged));
}

/// From process start to the first question printed, vs `--version`.
fn first_card(bin: &Path, db: &Path, decks: &[PathBuf]) {
    let version = common::median(30, || {
        let status = Command::new(bin)
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .expect("run");
        assert!(status.success());
    });
    let daily = median_of(30, || time_to_first_question(bin, db, decks, &[]));
    let limit = Duration::from_millis(5).min(version * 3);
    println!(
        "first card shown, 200,000 cards, 100,000 due: {} vs bare start (--version) {} (limit < 5 ms and ≤ 3× the start = {}: {})",
        common::ms(daily),
        common::ms(version),
        common::ms(limit),
        verdict(daily <= limit)
    );
    // Plans that weigh every card against the others read every card (the
    // exam plan may find nothing worth showing today: its plan is timed).
    let cram = median_of(10, || time_to_first_question(bin, db, decks, &["--cram"]));
    let exam = median_of(10, || {
        time_to_first_question(bin, db, decks, &["--exam", "2026-12-20"])
    });
    println!(
        "first card shown, same store, plans that read every card: --cram {}, --exam {}",
        common::ms(cram),
        common::ms(exam)
    );
}

/// A bare one-row commit with the store's settings (WAL, synchronous =
/// FULL, the same page size), on a new file: the connection, and the
/// median of 200 commits while its WAL still grows.
fn bare_store(path: &Path, page_size: i64) -> (rusqlite::Connection, Duration) {
    let _ = std::fs::remove_file(path);
    let conn = rusqlite::Connection::open(path).expect("open");
    conn.execute_batch(&format!(
        "PRAGMA page_size = {page_size}; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL);"
    ))
    .expect("setup");
    let growing = common::median(200, || bare_commit(&conn));
    // Past two automatic checkpoints (1,000 pages each): the WAL is reused.
    for _ in 0..2_500 {
        bare_commit(&conn);
    }
    (conn, growing)
}

fn bare_commit(conn: &rusqlite::Connection) {
    conn.execute("INSERT INTO t (v) VALUES (1)", [])
        .expect("insert");
}

/// Rows of the many-page store: 16 to a page, 4,096 pages.
const WIDE_ROWS: i64 = 65_536;

/// A store like [`bare_store`]'s whose commits each write `PAGES` pages
/// (rows 16 pages apart), settled: what a commit of as many pages as a
/// rating writes costs by itself, with hardly any work to find them.
fn wide_store(path: &Path, page_size: i64) -> rusqlite::Connection {
    let _ = std::fs::remove_file(path);
    let conn = rusqlite::Connection::open(path).expect("open");
    let pad = page_size / 16 - 16;
    conn.execute_batch(&format!(
        "PRAGMA page_size = {page_size}; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL, pad BLOB NOT NULL);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {WIDE_ROWS})
         INSERT INTO t SELECT i, 0, zeroblob({pad}) FROM n;"
    ))
    .expect("setup");
    let mut round = 0;
    for _ in 0..1_000 {
        wide_commit(&conn, &mut round);
    }
    conn
}

/// Pages a commit of [`wide_store`] writes: a rating's, rounded up.
const PAGES: i64 = 8;

fn wide_commit(conn: &rusqlite::Connection, round: &mut i64) {
    *round += 1;
    let tx = conn.unchecked_transaction().expect("begin");
    for page in 0..PAGES {
        let id = (*round * 17 + page * 16 * 16 * 31) % WIDE_ROWS + 1;
        tx.prepare_cached("UPDATE t SET v = v + 1 WHERE id = ?1")
            .and_then(|mut s| s.execute([id]))
            .expect("update");
    }
    tx.commit().expect("commit");
}

/// The next card read and its answer committed, through the session, on
/// the 200,000-card store whose WAL has settled, against the bare commit
/// on a settled WAL: the two timed in turn, a card then a bare commit, so
/// that both meet the same load on this shared machine.
fn next_card(dir: &Path, db: &Path, decks: &[PathBuf]) {
    let mut store = Store::open(db).expect("store");
    let report = store.sync(decks, false, now()).expect("sync");
    let mut session = Session::start(&store, report.deck_ids(), now(), 20).expect("session");
    let rating = Rating::new(4).expect("rating");
    let mut step = || {
        let current = session.current(&store).expect("current").expect("a card");
        std::hint::black_box(&current);
        session
            .rate(&mut store, rating, now(), 1200, None, None)
            .expect("rate")
            .expect("rated");
    };
    // The store's WAL past two checkpoints too.
    for _ in 0..600 {
        step();
    }
    let other = rusqlite::Connection::open(db).expect("open");
    let page_size: i64 = other
        .query_row("PRAGMA page_size", [], |row| row.get(0))
        .expect("page size");
    let (bare, growing) = bare_store(&dir.join("bare.db"), page_size);
    let timed = |f: &mut dyn FnMut()| {
        let start = Instant::now();
        f();
        start.elapsed()
    };
    let wide = wide_store(&dir.join("wide.db"), page_size);
    let mut round = 0;
    let (mut ours, mut theirs, mut wider) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..500 {
        ours.push(timed(&mut step));
        theirs.push(timed(&mut || bare_commit(&bare)));
        wider.push(timed(&mut || wide_commit(&wide, &mut round)));
    }
    ours.sort();
    theirs.sort();
    wider.sort();
    let (fiches, settled) = (ours[ours.len() / 2], theirs[theirs.len() / 2]);
    let pages_alone = wider[wider.len() / 2];
    // And timed apart, 500 of each in a row, to tell whether commits to
    // the two files in turn slow each other.
    let fiches_apart = common::median(500, &mut step);
    let settled_apart = common::median(500, || bare_commit(&bare));
    // WAL pages a rating writes: the WAL emptied, then 50 ratings.
    let frames = |pragma: &str| -> i64 {
        other
            .query_row(pragma, [], |row| row.get(1))
            .expect("checkpoint")
    };
    frames("PRAGMA wal_checkpoint(TRUNCATE)");
    for _ in 0..50 {
        step();
    }
    let pages = frames("PRAGMA wal_checkpoint(PASSIVE)") as f64 / 50.0;
    drop(session);
    let ratio = fiches.as_secs_f64() / settled.as_secs_f64();
    let anki = ANKI_NEXT_CARD_MS * ANKI_SHARE;
    println!(
        "WAL pages written per rating: {pages:.1} (the bare commit: 1; page size {page_size} both)"
    );
    println!(
        "next card + committed answer: {} vs bare one-row commit on a settled WAL {} (timed in turn; on a growing WAL before: {}): {ratio:.2}× (limit ≤ 1.3×: {}); vs {ANKI_SHARE} × Anki's {ANKI_NEXT_CARD_MS} ms = {anki:.3} ms: {}",
        common::ms(fiches),
        common::ms(settled),
        common::ms(growing),
        verdict(ratio <= 1.3),
        verdict(fiches.as_secs_f64() * 1000.0 <= anki)
    );
    println!(
        "a bare commit of {PAGES} pages, timed in turn with both: {} ({:.2}× the one-row commit; the rating is {:.2}× it)",
        common::ms(pages_alone),
        pages_alone.as_secs_f64() / settled.as_secs_f64(),
        fiches.as_secs_f64() / pages_alone.as_secs_f64()
    );
    println!(
        "the same timed apart (500 ratings, then 500 bare commits): {} vs {}: {:.2}×",
        common::ms(fiches_apart),
        common::ms(settled_apart),
        fiches_apart.as_secs_f64() / settled_apart.as_secs_f64()
    );
}

/// 1,000 ratings through one session at several queue sizes: the time a
/// card (wall clock, and the CPU the session itself spends) should not
/// grow with the queue.
fn session_cost(dir: &Path, db: &Path, decks: &[PathBuf]) {
    const RATINGS: usize = 1_000;
    let mut figures = Vec::new();
    for cards in [2_000, 20_000] {
        let deck = dir.join(format!("deck-{cards}.yaml"));
        std::fs::write(&deck, common::deck_text(cards)).expect("deck");
        let small = dir.join(format!("fiches-{cards}.db"));
        build_store(&small, std::slice::from_ref(&deck), cards);
        figures.push((
            cards,
            session_run(&small, std::slice::from_ref(&deck), RATINGS),
        ));
    }
    figures.push((2 * CARDS, session_run(db, decks, RATINGS)));
    let (_, (base_wall, base_cpu)) = figures[0];
    for (cards, (wall, cpu)) in &figures {
        let (wall_ratio, cpu_ratio) = (
            wall.as_secs_f64() / base_wall.as_secs_f64(),
            cpu.as_secs_f64() / base_cpu.as_secs_f64(),
        );
        println!(
            "{RATINGS} ratings, {cards} cards ({} due): {} ({:.3} ms a card), of which CPU {}: {wall_ratio:.2}× / CPU {cpu_ratio:.2}× the smallest (limit CPU ≤ 1.2×: {})",
            cards / 2,
            common::ms(*wall),
            wall.as_secs_f64() * 1000.0 / RATINGS as f64,
            common::ms(*cpu),
            verdict(cpu_ratio <= 1.2)
        );
    }
}

/// Wall clock and CPU time of `ratings` ratings through one session, from
/// its start; ratings cycle through 4, 5, 3, 4, 2 (two in five come back).
fn session_run(db: &Path, decks: &[PathBuf], ratings: usize) -> (Duration, Duration) {
    let mut store = Store::open(db).expect("store");
    let report = store.sync(decks, false, now()).expect("sync");
    let cycle: Vec<Rating> = [4, 5, 3, 4, 2]
        .iter()
        .map(|r| Rating::new(*r).expect("rating"))
        .collect();
    let (wall, cpu) = (Instant::now(), cpu_time());
    let mut session = Session::start(&store, report.deck_ids(), now(), 20).expect("session");
    for i in 0..ratings {
        let current = session.current(&store).expect("current").expect("a card");
        std::hint::black_box(&current);
        session
            .rate(&mut store, cycle[i % cycle.len()], now(), 1200, None, None)
            .expect("rate")
            .expect("rated");
    }
    (wall.elapsed(), cpu_time().saturating_sub(cpu))
}

/// Peak memory of sessions rating 50 cards on the 200,000-card store. The
/// first one's upkeep makes the model's first fit, to the million reviews
/// (the store never had one): a fit reads every card's log, card by card,
/// and trains on a sample of them. Then, with
/// the cache of memory states 300 ratings behind, the session the goal is
/// about: its upkeep brings the cache up to date.
fn session_memory(bin: &Path, db: &Path, decks: &[PathBuf]) {
    let fitting = session_peak_kib(bin, db, decks, 50);
    let fitted = Store::open(db)
        .expect("store")
        .stored_model()
        .expect("model");
    println!(
        "peak memory of a 50-rating session whose upkeep fits the model to {} reviews: {:.1} MiB (limit < 30 MiB: {})",
        fitted.fitted_reviews,
        fitting as f64 / 1024.0,
        verdict(fitting < 30 * 1024)
    );
    // 300 ratings with no upkeep after them: the cache falls behind.
    let mut store = Store::open(db).expect("store");
    let report = store.sync(decks, false, now()).expect("sync");
    let mut session = Session::start(&store, report.deck_ids(), now(), 20).expect("session");
    let rating = Rating::new(4).expect("rating");
    for _ in 0..300 {
        session.current(&store).expect("current").expect("a card");
        session
            .rate(&mut store, rating, now(), 1200, None, None)
            .expect("rate")
            .expect("rated");
    }
    drop(session);
    let before = store.stored_model().expect("model").cached_through;
    drop(store);
    let kib = session_peak_kib(bin, db, decks, 50);
    let store = Store::open(db).expect("store");
    let after = store.stored_model().expect("model").cached_through;
    assert!(
        after > before && after == store.log_mark().expect("mark").through,
        "the upkeep did not bring the cache up to date"
    );
    println!(
        "peak memory of a 50-rating session, 200,000 cards, a million reviews, its upkeep bringing the cache up to date: {:.1} MiB (limit < 30 MiB: {})",
        kib as f64 / 1024.0,
        verdict(kib < 30 * 1024)
    );
}

/// Peak memory (KiB) of a `review --plain` process rating `ratings` cards.
fn session_peak_kib(bin: &Path, db: &Path, decks: &[PathBuf], ratings: usize) -> u64 {
    let input = "\n4\n".repeat(ratings);
    let output = Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(bin)
        .args(["--db"])
        .arg(db)
        .args(["review", "--plain"])
        .args(decks)
        .env("FICHES_NOW", NOW)
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
    assert!(output.status.success(), "fiches review failed");
    peak_kib(&output.stderr)
}

/// From the spawn to the first question read from the process's output.
fn time_to_first_question(bin: &Path, db: &Path, decks: &[PathBuf], args: &[&str]) -> Duration {
    let start = Instant::now();
    let mut child = Command::new(bin)
        .arg("--db")
        .arg(db)
        .args(["review", "--plain"])
        .args(args)
        .args(decks)
        .env("FICHES_NOW", NOW)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    // The first question, or the plan's word that there is none today.
    loop {
        match lines.next() {
            Some(Ok(line)) if line.starts_with("Q: ") || line.starts_with("No more cards") => break,
            Some(Ok(_)) => {}
            _ => panic!("no question printed"),
        }
    }
    let took = start.elapsed();
    // The end of the session (its summary, the model's upkeep) is not
    // what is measured: stopped here, as a closed terminal stops it.
    let _ = child.kill();
    let _ = child.wait();
    took
}

/// The median of `runs` durations `f` measures, after one warm-up run.
fn median_of(runs: usize, mut f: impl FnMut() -> Duration) -> Duration {
    f();
    let mut times: Vec<Duration> = (0..runs).map(|_| f()).collect();
    times.sort();
    times[times.len() / 2]
}

/// GNU time's last line: the peak resident set in KiB.
fn peak_kib(stderr: &[u8]) -> u64 {
    String::from_utf8_lossy(stderr)
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .expect("GNU time's peak memory")
}

/// CPU time this thread has run (Linux's scheduler statistics, in ns).
fn cpu_time() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .map(Duration::from_nanos)
        .expect("/proc/thread-self/schedstat")
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "NOT met" }
}
