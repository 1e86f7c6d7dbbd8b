//! Input and dates: far days compared as days, a clock kept in range, far
//! exams refused, any answer can be given in --plain, stdin read lossily.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::support::{BIN, Run, Scratch, fiches_at};

const NOW: &str = "2026-12-01T09:00:00-05:00";

fn run_at(dir: &Path, now: &str, args: &[&str], stdin: Option<&str>) -> Run {
    fiches_at(dir, now, args, stdin)
}

#[test]
fn a_card_due_after_the_year_9999_is_not_served_again() {
    let scratch = Scratch::new();
    let dir = &scratch.path;
    scratch.write(
        "decks/d.yaml",
        "title: T\ncards:\n  - q: Loin ?\n    a: Oui.\n",
    );
    assert_eq!(run_at(dir, NOW, &["sync"], None).status, 0);
    // A card SM-2 has sent very far: its next interval goes past 9999.
    let db = rusqlite::Connection::open(dir.join("store.db")).unwrap();
    db.execute(
        "UPDATE cards SET reps = 9, ease = 250, interval = 3000000, due = '2026-12-01', last_rating = 5, last_day = '2026-11-01'",
        [],
    )
    .unwrap();
    drop(db);
    let rated = run_at(dir, NOW, &["review", "--plain"], Some("\n5\n"));
    assert!(
        rated.stdout.contains("Saved 5"),
        "{}{}",
        rated.stdout,
        rated.stderr
    );
    let db = rusqlite::Connection::open(dir.join("store.db")).unwrap();
    let due: String = db
        .query_row("SELECT due FROM cards", [], |r| r.get(0))
        .unwrap();
    assert_eq!(due, "9999-12-31");
    drop(db);
    let next_day = run_at(
        dir,
        "2026-12-02T09:00:00-05:00",
        &["review", "--plain"],
        Some("q\n"),
    );
    assert!(
        next_day.stdout.contains("No more cards to review today."),
        "{}",
        next_day.stdout
    );
}

#[test]
fn a_clock_outside_1970_to_9000_is_refused_with_the_range() {
    let scratch = Scratch::new();
    let dir = &scratch.path;
    scratch.write("decks/d.yaml", "title: T\ncards:\n  - q: Q\n    a: R\n");
    for now in ["1969-12-31T23:00:00+00:00", "9001-01-01T09:00:00-05:00"] {
        let out = run_at(dir, now, &["review", "--plain"], Some("q\n"));
        assert_eq!(out.status, 2, "{now}: {}", out.stderr);
        assert!(out.stderr.contains("1970 to 9000"), "{now}: {}", out.stderr);
    }
    let fine = run_at(dir, "9000-06-01T09:00:00-05:00", &["stats"], None);
    assert_eq!(fine.status, 0, "{}", fine.stderr);
}

#[test]
fn a_far_exam_is_refused_with_the_limit_and_a_deck_s_own_is_bounded() {
    let scratch = Scratch::new();
    let dir = &scratch.path;
    scratch.write(
        "decks/d.yaml",
        "title: T\nexam: 9999-12-31\ncards:\n  - q: Q\n    a: R\n",
    );
    for args in [
        &["stats", "--exam", "9999-12-31"][..],
        &["review", "--plain", "--exam", "9999-12-31"],
    ] {
        let out = run_at(dir, NOW, args, Some("q\n"));
        assert_eq!(out.status, 2, "{}", out.stderr);
        assert!(out.stderr.contains("at most 3660 days"), "{}", out.stderr);
    }
    let stats = run_at(dir, NOW, &["stats", "--json"], None);
    assert_eq!(stats.status, 0, "{}", stats.stderr);
    assert!(stats.stdout.len() < 100_000, "{} bytes", stats.stdout.len());
    let near = run_at(dir, NOW, &["stats", "--exam", "2036-01-01"], None);
    assert_eq!(near.status, 0, "{}", near.stderr);
}

#[test]
fn plain_review_takes_q_and_u_as_answers_after_an_equals_sign() {
    let scratch = Scratch::new();
    let dir = &scratch.path;
    let letters: Vec<String> = (0..21).map(|i| format!("\"choix {i}\"")).collect();
    scratch.write(
        "decks/d.yaml",
        format!(
            "title: T\ncards:\n  - kind: cloze\n    q: \"La lettre ______\"\n    blanks: [q]\n  - kind: choice\n    q: \"Le dix-septième ?\"\n    choices: [{}]\n    correct: 17\n    shuffle: false\n",
            letters.join(", ")
        ),
    );
    let out = run_at(dir, NOW, &["review", "--plain"], Some("=q\n4\n=q\n4\n"));
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(out.stdout.contains("=q answers q"), "{}", out.stdout);
    assert_eq!(out.stdout.matches("Right.").count(), 2, "{}", out.stdout);
    assert_eq!(out.stdout.matches("Saved 4").count(), 2, "{}", out.stdout);
}

#[test]
fn invalid_utf8_on_stdin_does_not_end_a_plain_session() {
    let scratch = Scratch::new();
    let dir = &scratch.path;
    scratch.write("decks/d.yaml", "title: T\ncards:\n  - q: Q\n    a: R\n");
    let mut child = Command::new(BIN)
        .args(["review", "--plain"])
        .current_dir(dir)
        .env("FICHES_DB", dir.join("store.db"))
        .env("FICHES_NOW", NOW)
        .env("HOME", dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"\n\xff\xfe\n4\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("Please answer 1 to 5"), "{stdout}");
    assert!(stdout.contains("Saved 4"), "{stdout}");
}
