//! The review store on temporary files: migrations, refusals, and sync
//! keeping history through every kind of deck edit.

use std::path::Path;

use chrono::{DateTime, FixedOffset, NaiveDate};
use fiches::sched::{self, Rating};
use fiches::store::{CardId, ChangeKind, Store, StoreError};

use crate::support::Scratch;

fn now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-12-01T09:00:00-05:00").unwrap()
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
}

fn changes(store: &mut Store, deck: &Path, dry_run: bool) -> Vec<(ChangeKind, String)> {
    let report = store.sync(&[deck.to_path_buf()], dry_run, now()).unwrap();
    report.decks[0]
        .changes
        .iter()
        .map(|c| (c.kind, c.card.clone()))
        .collect()
}

/// Rates a card through the store, as a session does.
fn rate(store: &mut Store, card: CardId, value: u8) {
    let rating = Rating::new(value).unwrap();
    store
        .record(&fiches::store::NewReview {
            card,
            rating,
            at: now(),
            day: day(),
            took_ms: 1000,
            ticks: None,
            verdict: None,
            policy: sched::Policy::Normal,
        })
        .unwrap();
}

fn card_by_question(store: &Store, deck: &str, question: &str) -> (CardId, bool) {
    let rows = store.card_rows(&[fiches::deck::DeckId::new(deck)]).unwrap();
    let row = rows
        .iter()
        .find(|r| r.question == question)
        .unwrap_or_else(|| panic!("no card {question:?} in {rows:?}"));
    (row.card, row.retired)
}

#[test]
fn a_new_store_is_migrated_and_reopens() {
    let scratch = Scratch::new();
    let path = scratch.path.join("sub/dir/fiches.db");
    // The store opens its file only: a command makes its directory (every
    // run of the binary here starts with none, under XDG_DATA_HOME).
    assert!(Store::open(&path).is_err());
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    drop(Store::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 13);
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    drop(conn);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

fn assert_untouched(path: &Path, before: &[u8], err: StoreError, expected: &str) {
    assert_eq!(
        std::fs::read(path).unwrap(),
        before,
        "the file was modified"
    );
    let message = err.to_string();
    assert!(message.contains(expected), "{message}");
    assert!(message.contains(&path.display().to_string()), "{message}");
}

#[test]
fn a_store_from_a_newer_fiches_is_refused_untouched() {
    let scratch = Scratch::new();
    let path = scratch.path.join("fiches.db");
    drop(Store::open(&path).unwrap());
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("PRAGMA user_version = 99; PRAGMA wal_checkpoint(TRUNCATE);")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).err().unwrap();
    assert!(
        matches!(err, StoreError::TooNew { found: 99, .. }),
        "{err:?}"
    );
    assert_untouched(&path, &before, err, "newer fiches");
}

#[test]
fn files_that_are_not_our_store_are_refused_untouched() {
    let scratch = Scratch::new();
    let text = scratch.write(
        "notes.db",
        "this is not a database, just some notes\n".repeat(50),
    );
    let before = std::fs::read(&text).unwrap();
    let err = Store::open(&text).err().unwrap();
    assert_untouched(&text, &before, err, "not a fiches review store");

    let other = scratch.path.join("other.db");
    {
        let conn = rusqlite::Connection::open(&other).unwrap();
        conn.execute_batch("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT);")
            .unwrap();
    }
    let before = std::fs::read(&other).unwrap();
    let err = Store::open(&other).err().unwrap();
    assert_untouched(&other, &before, err, "another program");
}

const V1: &str = r#"title: "Deck"
cards:
  - id: "with-id"
    q: "Question A ?"
    a: "Réponse A."
  - q: "Question B ?"
    a: "Réponse B."
  - q: "Question C ?"
    a: ["C1", "C2"]
"#;

#[test]
fn sync_keeps_history_through_edits_removals_and_returns() {
    let scratch = Scratch::new();
    let mut store = Store::open(&scratch.path.join("s.db")).unwrap();
    let deck = scratch.write("deck.yaml", V1);
    let first = changes(&mut store, &deck, false);
    assert_eq!(first.iter().filter(|c| c.0 == ChangeKind::Added).count(), 3);
    assert!(
        changes(&mut store, &deck, false).is_empty(),
        "unchanged resync"
    );

    let (a, _) = card_by_question(&store, "deck", "Question A ?");
    let (b, _) = card_by_question(&store, "deck", "Question B ?");
    let (c, _) = card_by_question(&store, "deck", "Question C ?");
    for card in [a, b, c] {
        rate(&mut store, card, 5);
    }

    // Answers edited, C removed, and the question of A (which has an id) reworded.
    let v2 = V1
        .replace("Réponse A.", "Réponse A, revue.")
        .replace("Question A ?", "Question A, reformulée ?")
        .replace("Réponse B.", "Réponse B, revue.")
        .replace("  - q: \"Question C ?\"\n    a: [\"C1\", \"C2\"]\n", "");
    std::fs::write(&deck, v2).unwrap();
    let dry = changes(&mut store, &deck, true);
    assert_eq!(
        dry,
        vec![
            (ChangeKind::Edited, "with-id".into()),
            (ChangeKind::Edited, "\"Question B ?\"".into()),
            (ChangeKind::Retired, "\"Question C ?\"".into()),
        ]
    );
    assert!(
        !card_by_question(&store, "deck", "Question C ?").1,
        "dry run wrote"
    );
    assert_eq!(changes(&mut store, &deck, false), dry);
    assert_eq!(
        card_by_question(&store, "deck", "Question A, reformulée ?").0,
        a
    );
    assert_eq!(card_by_question(&store, "deck", "Question C ?"), (c, true));

    // C comes back, and B gets an id: both keep their rows and history.
    let v3 = V1
        .replace("Réponse A.", "Réponse A, revue.")
        .replace("Question A ?", "Question A, reformulée ?")
        .replace("Réponse B.", "Réponse B, revue.")
        .replace(
            "  - q: \"Question B ?\"",
            "  - id: \"b\"\n    q: \"Question B ?\"",
        );
    std::fs::write(&deck, v3).unwrap();
    assert_eq!(
        changes(&mut store, &deck, false),
        vec![(ChangeKind::Restored, "\"Question C ?\"".into())]
    );
    for (card, question) in [
        (a, "Question A, reformulée ?"),
        (b, "Question B ?"),
        (c, "Question C ?"),
    ] {
        assert_eq!(card_by_question(&store, "deck", question), (card, false));
        assert_eq!(
            store.review_log(card).unwrap(),
            vec![(fiches::sched::Rating::new(5).unwrap(), true)]
        );
        assert_eq!(store.card(card).unwrap().unwrap().state.reps, 1);
    }
    // B now follows its id through a reworded question.
    let v4 = std::fs::read_to_string(&deck)
        .unwrap()
        .replace("Question B ?", "Question B, autrement ?");
    std::fs::write(&deck, v4).unwrap();
    assert_eq!(
        changes(&mut store, &deck, false),
        vec![(ChangeKind::Edited, "b".into())]
    );
    assert_eq!(
        card_by_question(&store, "deck", "Question B, autrement ?").0,
        b
    );
}

#[test]
fn an_unchanged_file_is_recognised_without_parsing_it() {
    let scratch = Scratch::new();
    let mut store = Store::open(&scratch.path.join("s.db")).unwrap();
    let deck = scratch.write("deck.yaml", V1);
    changes(&mut store, &deck, false);
    // Same size and time but garbage inside: only a parse could notice.
    let modified = std::fs::metadata(&deck).unwrap().modified().unwrap();
    std::fs::write(&deck, "x".repeat(V1.len())).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&deck)
        .unwrap()
        .set_modified(modified)
        .unwrap();
    let report = store
        .sync(std::slice::from_ref(&deck), false, now())
        .unwrap();
    assert!(report.decks[0].unchanged);
    // A touch without an edit is recognised by its content.
    std::fs::write(&deck, V1).unwrap();
    let report = store.sync(&[deck], false, now()).unwrap();
    assert!(report.decks[0].unchanged && report.decks[0].changes.is_empty());
}

#[test]
fn a_deck_whose_id_changes_keeps_its_history() {
    let scratch = Scratch::new();
    let mut store = Store::open(&scratch.path.join("s.db")).unwrap();
    let deck = scratch.write("deck.yaml", V1);
    changes(&mut store, &deck, false);
    let (a, _) = card_by_question(&store, "deck", "Question A ?");
    rate(&mut store, a, 4);
    std::fs::write(&deck, format!("id: \"renamed\"\n{V1}")).unwrap();
    let report = store.sync(&[deck], false, now()).unwrap();
    assert_eq!(
        report.decks[0].renamed_from,
        Some(fiches::deck::DeckId::new("deck"))
    );
    assert!(report.decks[0].changes.is_empty());
    assert_eq!(card_by_question(&store, "renamed", "Question A ?").0, a);
    assert_eq!(
        store.deck_ids().unwrap(),
        vec![fiches::deck::DeckId::new("renamed")]
    );
}

#[test]
fn decks_with_errors_are_not_synced() {
    let scratch = Scratch::new();
    let mut store = Store::open(&scratch.path.join("s.db")).unwrap();
    let deck = scratch.write("deck.yaml", "title: T\ncards:\n  - q: Q\n");
    let err = store.sync(&[deck], false, now()).err().unwrap();
    assert!(
        matches!(err, fiches::store::SyncError::Invalid(ref d) if d.len() == 1),
        "{err:?}"
    );
    assert!(store.deck_ids().unwrap().is_empty());
}

#[test]
fn property_undo_is_an_exact_inverse() {
    use fiches::review::Session;
    let scratch = Scratch::new();
    let mut store = Store::open(&scratch.path.join("s.db")).unwrap();
    let deck = scratch.write("deck.yaml", V1);
    changes(&mut store, &deck, false);
    let decks = store.deck_ids().unwrap();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut at = now();
    for _day in 0..15 {
        let mut session = Session::start(&store, decks.clone(), at, 20).unwrap();
        for _ in 0..12 {
            let Some(current) = session.current(&store).unwrap() else {
                break;
            };
            let before = current.card.state;
            let rating = Rating::new(u8::try_from(next() % 5 + 1).unwrap()).unwrap();
            session
                .rate(&mut store, rating, at, 10, None, None)
                .unwrap();
            if next() % 3 == 0 {
                let undone = session.undo(&mut store).unwrap().unwrap();
                assert_eq!(undone.before, before);
                let again = session.current(&store).unwrap().unwrap();
                assert_eq!(again.card.id, current.card.id);
                assert_eq!(again.card.state, before, "state not restored");
                assert_eq!(again.position, current.position);
                assert_eq!(again.remaining, current.remaining);
            }
        }
        drop(session);
        at += chrono::TimeDelta::days(i64::try_from(next() % 4 + 1).unwrap());
    }
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

/// A deck as a list of cards the test edits at random.
#[derive(Clone)]
struct TestCard {
    id: Option<String>,
    q: String,
    a: Vec<String>,
}

fn render(cards: &[TestCard]) -> String {
    let mut out = String::from("title: \"Aléatoire\"\ncards:\n");
    for card in cards {
        out.push_str("  - ");
        if let Some(id) = &card.id {
            out.push_str(&format!("id: \"{id}\"\n    "));
        }
        out.push_str(&format!("q: \"{}\"\n", card.q));
        if card.a.len() == 1 {
            out.push_str(&format!("    a: \"{}\"\n", card.a[0]));
        } else {
            out.push_str("    a:\n");
            for item in &card.a {
                out.push_str(&format!("      - \"{item}\"\n"));
            }
        }
        out.push('\n');
    }
    out
}

/// Everything a student's history hangs on, per card row.
fn snapshot(store: &Store) -> Vec<String> {
    let decks = store.deck_ids().unwrap();
    store
        .card_rows(&decks)
        .unwrap()
        .iter()
        .map(|row| {
            let card = store.card(row.card).unwrap().unwrap();
            format!(
                "{} {:?} {:?} {:?} retired={} reps={} due={:?}",
                row.card.get(),
                row.id,
                row.question,
                card.answer,
                row.retired,
                row.reps,
                row.due
            )
        })
        .collect()
}

#[test]
fn syncing_only_edited_cards_gives_what_a_whole_read_gives() {
    let scratch = Scratch::new();
    let mut quick = Store::open(&scratch.path.join("quick.db")).unwrap();
    let mut whole = Store::open(&scratch.path.join("whole.db")).unwrap();
    whole.set_read_edited_cards_only(false);
    let deck = scratch.path.join("deck.yaml");
    let mut seed: u64 = 0xdead_beef_cafe_f00d;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        usize::try_from(seed % (n as u64).max(1)).unwrap()
    };
    let mut cards: Vec<TestCard> = (0..30)
        .map(|i| TestCard {
            id: (i % 3 == 0).then(|| format!("c{i}")),
            q: format!("Question {i} ?"),
            a: vec![format!("Réponse {i}.")],
        })
        .collect();
    let mut removed: Vec<TestCard> = Vec::new();
    let mut fresh = 100;
    for round in 0..60 {
        for _ in 0..=next(3) {
            let i = next(cards.len());
            match next(8) {
                0 => cards[i].a[0].push_str(" (revue)"),
                1 => cards[i].q = format!("{} reformulée ?", cards[i].q.trim_end_matches(" ?")),
                2 if cards.len() > 5 => removed.push(cards.remove(i)),
                3 if !removed.is_empty() => {
                    let back = removed.remove(next(removed.len()));
                    cards.insert(i, back);
                }
                4 => {
                    fresh += 1;
                    cards.insert(
                        i,
                        TestCard {
                            id: (fresh % 2 == 0).then(|| format!("n{fresh}")),
                            q: format!("Nouvelle question {fresh} ?"),
                            a: vec!["un".into(), "deux".into()],
                        },
                    );
                }
                5 => {
                    let card = cards.remove(i);
                    let to = next(cards.len() + 1);
                    cards.insert(to, card);
                }
                6 if cards[i].id.is_none() => cards[i].id = Some(format!("later{round}x{i}")),
                _ => cards[i].a.push("encore".into()),
            }
        }
        std::fs::write(&deck, render(&cards)).unwrap();
        let a = quick
            .sync(std::slice::from_ref(&deck), false, now())
            .unwrap();
        let b = whole
            .sync(std::slice::from_ref(&deck), false, now())
            .unwrap();
        let changes = |r: &fiches::store::SyncReport| {
            r.decks[0]
                .changes
                .iter()
                .map(|c| format!("{:?} {} {}", c.kind, c.card, c.line))
                .collect::<Vec<_>>()
        };
        assert_eq!(changes(&a), changes(&b), "round {round}");
        assert_eq!(snapshot(&quick), snapshot(&whole), "round {round}");
        // Rate a card now and then, in both, so history is there to keep.
        if round % 4 == 0 {
            let rows = quick.card_rows(&quick.deck_ids().unwrap()).unwrap();
            if let Some(row) = rows.iter().find(|r| !r.retired) {
                rate(&mut quick, row.card, 4);
                rate(&mut whole, row.card, 4);
            }
        }
    }
}

#[test]
fn a_store_of_the_first_schema_is_migrated_with_its_history() {
    let scratch = Scratch::new();
    let path = scratch.path.join("old.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        let first = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/0001_initial.sql"),
        )
        .unwrap();
        conn.execute_batch(&first).unwrap();
        conn.execute_batch(
            "PRAGMA user_version = 1; PRAGMA application_id = 1718182760;
             INSERT INTO decks (id, title, path, position, synced_at) VALUES ('deck', 'Deck', '', 1, '2026-11-01T09:00:00-04:00');
             INSERT INTO cards (deck, key, qnorm, question, answer, line, position, reps, ease, interval, due, last_rating, last_day)
               VALUES ('deck', 'with-id', 'question a', 'Question A ?', '\"Réponse A.\"', 4, 0, 3, 260, 15, '2026-11-20', 5, '2026-11-05');
             INSERT INTO reviews (card, at, day, rating, took_ms, scheduled, before_reps, before_ease, before_interval,
               before_lapses, after_reps, after_ease, after_interval, after_due)
               VALUES (1, '2026-11-05T09:00:00-05:00', '2026-11-05', 5, 900, 1, 2, 250, 6, 0, 3, 260, 15, '2026-11-20');",
        )
        .unwrap();
    }
    let mut store = Store::open(&path).unwrap();
    let version: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 13);
    let deck = scratch.write("deck.yaml", V1);
    let report = store.sync(&[deck], false, now()).unwrap();
    assert_eq!(
        report.decks[0].count(ChangeKind::Added),
        2,
        "B and C are new; A keeps its row"
    );
    let card = store.card(CardId::new(1)).unwrap().unwrap();
    assert_eq!((card.state.reps, card.state.interval), (3, 15));
    assert_eq!(
        store.review_log(CardId::new(1)).unwrap(),
        vec![(fiches::sched::Rating::new(5).unwrap(), true)]
    );
}

/// Migration 13 rewrites the check on a review's verdict as comparisons,
/// in the table's definition: the log is kept, the same verdicts are
/// accepted and refused, and inserting a review no longer builds a
/// temporary index. The per-day counts still follow a card's due day.
#[test]
fn a_store_of_version_12_keeps_its_log_and_its_checks_when_migrated() {
    let scratch = Scratch::new();
    let path = scratch.path.join("v12.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        files.sort();
        for file in &files[..12] {
            conn.execute_batch(&std::fs::read_to_string(file).unwrap())
                .unwrap();
        }
        conn.execute_batch(
            "PRAGMA user_version = 12; PRAGMA application_id = 1718182760;
             INSERT INTO decks (id, title, path, position, synced_at) VALUES ('deck', 'Deck', '', 1, '2026-11-01T09:00:00-04:00');
             INSERT INTO cards (deck, key, qnorm, question, answer, line, position, reps, ease, interval, due, last_rating, last_day)
               VALUES ('deck', 'a', 'question a', 'Question A ?', '\"Réponse A.\"', 4, 0, 3, 260, 15, '2026-11-20', 2, '2026-11-05');
             INSERT INTO reviews (card, at, day, rating, took_ms, scheduled, before_reps, before_ease, before_interval,
               before_lapses, after_reps, after_ease, after_interval, after_due, verdict)
               VALUES (1, '2026-11-05T09:00:00-05:00', '2026-11-05', 2, 900, 1, 2, 250, 6, 0, 3, 260, 15, '2026-11-20', 'wrong');",
        )
        .unwrap();
    }
    drop(Store::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 13);
    let table: String = conn
        .query_row(
            "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'reviews'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        table.contains("CHECK (verdict = 'right' OR verdict = 'partly' OR verdict = 'wrong')")
            && !table.contains("verdict IN"),
        "{table}"
    );
    let verdict: String = conn
        .query_row("SELECT verdict FROM reviews WHERE id = 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(verdict, "wrong");
    let insert = |verdict: &str| {
        conn.execute(
            &format!(
                "INSERT INTO reviews (card, at, day, rating, took_ms, scheduled, before_reps, before_ease,
                   before_interval, before_lapses, after_reps, after_ease, after_interval, verdict)
                 VALUES (1, '2026-12-01T09:00:00-05:00', '2026-12-01', 4, 900, 0, 3, 260, 15, 0, 3, 260, 15, {verdict})"
            ),
            [],
        )
    };
    for accepted in ["'right'", "'partly'", "'wrong'", "NULL"] {
        assert!(insert(accepted).is_ok(), "{accepted} refused");
    }
    for refused in ["'juste'", "'Right'", "''", "1"] {
        assert!(insert(refused).is_err(), "{refused} accepted");
    }
    let ops: Vec<String> = conn
        .prepare(
            "EXPLAIN INSERT INTO reviews (card, at, day, rating, took_ms, scheduled, before_reps,
               before_ease, before_interval, before_lapses, after_reps, after_ease, after_interval, verdict)
             VALUES (1, '', '', 4, 0, 0, 0, 250, 0, 0, 0, 250, 0, ?1)",
        )
        .unwrap()
        .query_map([Option::<String>::None], |r| r.get(1))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(!ops.iter().any(|op| op == "OpenEphemeral"), "{ops:?}");
    // The counts follow the card from its due day to another.
    conn.execute("UPDATE cards SET due = '2026-12-10' WHERE id = 1", [])
        .unwrap();
    let counts: Vec<(String, i64)> = conn
        .prepare(
            "SELECT due, cards FROM card_counts WHERE deck = 'deck' AND graded = 0 ORDER BY due",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        counts,
        vec![("2026-11-20".to_string(), 0), ("2026-12-10".to_string(), 1)]
    );
}

#[test]
fn a_rating_after_four_belongs_to_the_new_day_even_in_an_older_session() {
    use fiches::review::Session;
    let scratch = Scratch::new();
    let mut store = Store::open(&scratch.path.join("s.db")).unwrap();
    let deck = scratch.write("deck.yaml", V1);
    changes(&mut store, &deck, false);
    let before_four = DateTime::parse_from_rfc3339("2026-12-02T03:50:00-05:00").unwrap();
    let after_four = DateTime::parse_from_rfc3339("2026-12-02T04:10:00-05:00").unwrap();
    let mut session = Session::start(&store, store.deck_ids().unwrap(), before_four, 20).unwrap();
    assert_eq!(session.day(), NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
    let card = session.current(&store).unwrap().unwrap().card.id;
    session
        .rate(
            &mut store,
            Rating::new(4).unwrap(),
            after_four,
            10,
            None,
            None,
        )
        .unwrap();
    let state = store.card(card).unwrap().unwrap().state;
    assert_eq!(state.last_day, NaiveDate::from_ymd_opt(2026, 12, 2));
    assert_eq!(state.due, NaiveDate::from_ymd_opt(2026, 12, 3));
}

#[test]
fn a_renamed_deck_file_keeps_its_history() {
    let scratch = Scratch::new();
    let mut store = Store::open(&scratch.path.join("s.db")).unwrap();
    let old = scratch.write("plaintes.yaml", V1);
    changes(&mut store, &old, false);
    let (a, _) = card_by_question(&store, "plaintes", "Question A ?");
    rate(&mut store, a, 5);
    let new = scratch.path.join("ch3-plaintes.yaml");
    std::fs::rename(&old, &new).unwrap();
    let report = store
        .sync(std::slice::from_ref(&new), false, now())
        .unwrap();
    assert_eq!(
        report.decks[0].renamed_from,
        Some(fiches::deck::DeckId::new("plaintes"))
    );
    assert!(
        report.decks[0].changes.is_empty(),
        "{:?}",
        report.decks[0].changes
    );
    assert_eq!(
        card_by_question(&store, "ch3-plaintes", "Question A ?").0,
        a
    );
    assert_eq!(
        store.review_log(a).unwrap(),
        vec![(fiches::sched::Rating::new(5).unwrap(), true)]
    );
    assert_eq!(
        store.deck_ids().unwrap(),
        vec![fiches::deck::DeckId::new("ch3-plaintes")]
    );
}

#[test]
fn a_card_moved_to_another_deck_keeps_its_history() {
    let scratch = Scratch::new();
    let mut store = Store::open(&scratch.path.join("s.db")).unwrap();
    let a = scratch.write("a.yaml", V1);
    let b = scratch.write(
        "b.yaml",
        "title: \"B\"\ncards:\n  - q: \"Autre ?\"\n    a: \"x\"\n",
    );
    store.sync(&[a.clone(), b.clone()], false, now()).unwrap();
    let (card, _) = card_by_question(&store, "a", "Question A ?");
    rate(&mut store, card, 5);
    // The card with id `with-id` goes from a.yaml to b.yaml, in one edit.
    let moved = "  - id: \"with-id\"\n    q: \"Question A ?\"\n    a: \"Réponse A.\"\n";
    std::fs::write(&a, V1.replace(moved, "")).unwrap();
    std::fs::write(
        &b,
        format!("{}{moved}", std::fs::read_to_string(&b).unwrap()),
    )
    .unwrap();
    let report = store.sync(&[a.clone(), b.clone()], false, now()).unwrap();
    let kinds = |i: usize| {
        report.decks[i]
            .changes
            .iter()
            .map(|c| format!("{} {}", c.kind.as_str(), c.card))
            .collect::<Vec<_>>()
    };
    assert_eq!(kinds(0), vec!["moved with-id (to deck b)"]);
    assert_eq!(kinds(1), vec!["moved with-id (from deck a)"]);
    assert_eq!(card_by_question(&store, "b", "Question A ?"), (card, false));
    assert_eq!(
        store.review_log(card).unwrap(),
        vec![(fiches::sched::Rating::new(5).unwrap(), true)]
    );

    // And back, one deck at a time: it was retired nowhere, so it moves.
    std::fs::write(
        &b,
        "title: \"B\"\ncards:\n  - q: \"Autre ?\"\n    a: \"x\"\n",
    )
    .unwrap();
    store.sync(std::slice::from_ref(&b), false, now()).unwrap();
    assert!(
        card_by_question(&store, "b", "Question A ?").1,
        "retired in b"
    );
    std::fs::write(&a, V1).unwrap();
    let report = store.sync(std::slice::from_ref(&a), false, now()).unwrap();
    assert_eq!(report.decks[0].changes[0].card, "with-id (from deck b)");
    assert_eq!(card_by_question(&store, "a", "Question A ?"), (card, false));
}

#[test]
fn a_changed_title_or_exam_day_is_reported() {
    let scratch = Scratch::new();
    let mut store = Store::open(&scratch.path.join("s.db")).unwrap();
    let deck = scratch.write("deck.yaml", V1);
    changes(&mut store, &deck, false);
    std::fs::write(
        &deck,
        V1.replace("title: \"Deck\"", "title: \"Deck\"\nexam: \"2026-12-20\""),
    )
    .unwrap();
    let report = store
        .sync(std::slice::from_ref(&deck), false, now())
        .unwrap();
    assert!(!report.decks[0].deck_edited.is_empty() && report.decks[0].changes.is_empty());
    assert_eq!(
        store.exam_day(&store.deck_ids().unwrap()).unwrap(),
        NaiveDate::from_ymd_opt(2026, 12, 20)
    );
}

#[test]
fn a_stored_value_no_fiches_writes_is_a_damaged_store_not_a_guess() {
    let scratch = Scratch::new();
    let path = scratch.path.join("s.db");
    let mut store = Store::open(&path).unwrap();
    let deck = scratch.write("deck.yaml", V1);
    changes(&mut store, &deck, false);
    let (card, _) = card_by_question(&store, "deck", "Question A ?");
    assert!(store.card(card).unwrap().is_some());
    let conn = rusqlite::Connection::open(&path).unwrap();
    let damage = |sql: &str| {
        conn.execute(sql, [card.get()]).unwrap();
        match store.card(card) {
            Err(StoreError::Damaged { why, .. }) => why,
            other => panic!("{sql}: read {other:?}"),
        }
    };
    // An unknown kind was once read as a basic card.
    let why = damage(r#"UPDATE cards SET kind = '{"kind":"hologram"}' WHERE id = ?1"#);
    assert!(why.contains("hologram"), "{why}");
    conn.execute(
        r#"UPDATE cards SET kind = '{"kind":"basic"}' WHERE id = ?1"#,
        [card.get()],
    )
    .unwrap();
    assert!(store.card(card).unwrap().is_some());
    // A day that is not one, and an ease below SM-2's floor, were defaulted.
    damage("UPDATE cards SET due = 'le 3 décembre' WHERE id = ?1");
    conn.execute("UPDATE cards SET due = NULL WHERE id = ?1", [card.get()])
        .unwrap();
    damage("UPDATE cards SET ease = 12 WHERE id = ?1");
}

/// A deck's file takes another id while a new file takes the one it
/// leaves, in one sync: the new file is left out with a diagnostic naming
/// both files (both would be written from the one id's rows), the renamed
/// deck keeps its history under its new id, and the next sync adds the
/// new file's cards as new ones.
#[test]
fn a_deck_taking_the_id_another_deck_leaves_waits_for_the_rename() {
    use crate::support::{assert_contains, fiches_at};
    const NOW: &str = "2026-12-02T09:00:00+01:00";
    let scratch = Scratch::new();
    let dir = &scratch.path;
    let b_cards = "  - {id: \"b1\", q: \"Question B1 ?\", a: \"R\"}\n  - {id: \"b2\", q: \"Question B2 ?\", a: \"R\"}\n";
    scratch.write("b.yaml", format!("title: B\nid: \"x\"\ncards:\n{b_cards}"));
    let first = fiches_at(dir, NOW, &["sync", "b.yaml"], None);
    assert_eq!(first.status, 0, "{}", first.stderr);
    let review = fiches_at(dir, NOW, &["review", "--plain"], Some("\n4\n\n4\n"));
    assert_eq!(review.status, 0, "{}", review.stderr);
    scratch.write("b.yaml", format!("title: B\nid: \"y\"\ncards:\n{b_cards}"));
    scratch.write(
        "a.yaml",
        "title: A\nid: \"x\"\ncards:\n  - {id: \"a1\", q: \"Question A1 ?\", a: \"R\"}\n",
    );
    // Each card: its deck and how many reviews it has.
    let cards = || -> Vec<(String, String, i64)> {
        let conn = rusqlite::Connection::open(dir.join("store.db")).unwrap();
        let mut statement = conn
            .prepare(
                "SELECT c.key, c.deck, count(r.id) FROM cards c LEFT JOIN reviews r ON r.card = c.id
                 WHERE c.retired = 0 GROUP BY c.id ORDER BY c.key",
            )
            .unwrap();
        statement
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let swap = fiches_at(dir, NOW, &["sync", "a.yaml", "b.yaml"], None);
    assert_eq!(swap.status, 1, "{}", swap.stderr);
    assert!(!swap.stderr.contains("FOREIGN KEY"), "{}", swap.stderr);
    assert_contains(
        &swap.stderr,
        "a.yaml:1:1: error: deck id `x` is still held by b.yaml, which now says `id: y`: this deck waits until b.yaml is synced under its new id; sync again then",
    );
    // Checking a.yaml alone finds nothing: the advice is the diagnostic's.
    assert_contains(&swap.stderr, "what to do is said above");
    assert!(!swap.stderr.contains("fiches check"), "{}", swap.stderr);
    let row = |key: &str, deck: &str, reviews: i64| (key.to_string(), deck.to_string(), reviews);
    assert_eq!(cards(), vec![row("b1", "y", 1), row("b2", "y", 1)]);
    let again = fiches_at(dir, NOW, &["sync", "a.yaml", "b.yaml"], None);
    assert_eq!(again.status, 0, "{}", again.stderr);
    assert_eq!(
        cards(),
        vec![row("a1", "x", 0), row("b1", "y", 1), row("b2", "y", 1)]
    );
}
