//! `fiches review --plain` driven through stdin across simulated days,
//! checked with `fiches cards --json`.

use serde_json::Value;

use crate::support::{Run, Scratch, fiches_with};

const DECK: &str = r#"title: "Révisions"
cards:
  - id: "un"
    q: "Première question ?"
    a: "Première réponse."
  - id: "deux"
    q: "Deuxième question ?"
    points: 2
    a: ["élément 1", "élément 2"]
  - id: "trois"
    q: "Troisième question ?"
    a: "Troisième réponse."
"#;

struct Student {
    scratch: Scratch,
}

impl Student {
    fn new() -> Self {
        let scratch = Scratch::new();
        scratch.write("decks/revisions.yaml", DECK);
        Student { scratch }
    }

    fn run(&self, now: &str, args: &[&str], input: &str) -> Run {
        let db = self.scratch.path.join("store.db");
        let db = db.to_str().unwrap();
        let run = fiches_with(
            &self.scratch.path,
            args,
            &[("FICHES_NOW", now), ("FICHES_DB", db)],
            Some(input),
        );
        assert_eq!(run.status, 0, "{}\n{}", run.stdout, run.stderr);
        run
    }

    fn review(&self, now: &str, input: &str) -> Run {
        self.run(now, &["review", "--plain"], input)
    }

    /// `fiches cards --json`, by card id.
    fn cards(&self, now: &str) -> std::collections::HashMap<String, Value> {
        let run = self.run(now, &["cards", "--json"], "");
        let cards: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
        cards
            .into_iter()
            .map(|c| (c["id"].as_str().unwrap().to_string(), c))
            .collect()
    }
}

const DAY1: &str = "2026-12-01T09:00:00-05:00";
const DAY2: &str = "2026-12-02T09:00:00-05:00";
const DAY8: &str = "2026-12-08T20:00:00-05:00";

fn schedule(card: &Value) -> (u64, f64, u64, Option<&str>) {
    (
        card["reps"].as_u64().unwrap(),
        card["ef"].as_f64().unwrap(),
        card["interval"].as_u64().unwrap(),
        card["due"].as_str(),
    )
}

#[test]
fn a_session_shows_rates_and_schedules_each_card() {
    let student = Student::new();
    let run = student.review(DAY1, "\n5\n\n4\n\n3\n\n4\n");
    let expected_start = "
Révisions · card 1 / 3 · new 3, relearning 0, due 0
Q: Première question ?
[Enter: show the answer · u undo · q quit]
A: Première réponse.
How well did you know this? 1 Not at all … 5 Perfectly (u undo, q quit)
Saved 5: next review 2026-12-02.

Révisions · card 2 / 3 · new 2, relearning 0, due 0
Q: Deuxième question ?
(2 points)
[Enter: show the answer · u undo · q quit]
A:
  • élément 1
  • élément 2
How well did you know this? 1 Not at all … 5 Perfectly (u undo, q quit)
Saved 4: next review 2026-12-02.
";
    assert!(run.stdout.starts_with(expected_start), "{}", run.stdout);
    // 3 brings the card back in this session; 4 then lets it go.
    assert!(run.stdout.contains("Saved 3: the card comes back in this session (next review 2026-12-02).\n\nRévisions · card 4 / 4 · new 0, relearning 1, due 0\nQ: Troisième question ?"), "{}", run.stdout);
    assert!(run.stdout.ends_with(
        "No more cards to review today.\n\nSession over: 3 cards reviewed, 4 ratings (1: 0, 2: 0, 3: 1, 4: 2, 5: 1).\nNothing left for today.\n`fiches review --cram` goes through every card now (the schedule stays as it is).\nNext due: 2026-12-02 (3 cards).\n"
    ), "{}", run.stdout);

    let cards = student.cards(DAY1);
    assert_eq!(schedule(&cards["un"]), (1, 2.6, 1, Some("2026-12-02")));
    assert_eq!(schedule(&cards["deux"]), (1, 2.5, 1, Some("2026-12-02")));
    // The day's first rating (3) scheduled the card; the repeat (4) did not.
    assert_eq!(schedule(&cards["trois"]), (1, 2.36, 1, Some("2026-12-02")));
    assert_eq!(cards["trois"]["last_rating"], 4);

    // Day 2: all due; 6 days next. Day 8: the first card is due again, I = round(6 × 2.7) = 16.
    student.review(DAY2, "\n5\n\n5\n\n4\n");
    let cards = student.cards(DAY2);
    assert_eq!(schedule(&cards["un"]), (2, 2.7, 6, Some("2026-12-08")));
    assert_eq!(schedule(&cards["trois"]), (2, 2.36, 6, Some("2026-12-08")));
    let run = student.review(DAY8, "\n5\n\n2\n\n4\n\n5\n");
    assert!(
        run.stdout
            .contains("card 1 / 3 · new 0, relearning 0, due 3"),
        "{}",
        run.stdout
    );
    let cards = student.cards(DAY8);
    assert_eq!(schedule(&cards["un"]), (3, 2.8, 16, Some("2026-12-24")));
    // A failure resets n and I, lowers EF and counts a lapse.
    assert_eq!(schedule(&cards["deux"]), (0, 2.28, 1, Some("2026-12-09")));
    assert_eq!(cards["deux"]["lapses"], 1);
}

#[test]
fn new_cards_are_limited_per_day_and_late_night_counts_for_the_evening() {
    let student = Student::new();
    let run = student.run(DAY1, &["review", "--plain", "--new", "2"], "\n4\n\n4\n");
    assert!(run.stdout.contains("card 2 / 2"), "{}", run.stdout);
    // 02:30 the next night is still the first study day: no new card left for it.
    let late = "2026-12-02T02:30:00-05:00";
    let run = student.run(late, &["review", "--plain", "--new", "2"], "");
    assert!(
        run.stdout.starts_with("No more cards to review today."),
        "{}",
        run.stdout
    );
    let run = student.run(late, &["review", "--plain", "--new", "3"], "\n4\n");
    assert!(
        run.stdout.contains("Q: Troisième question ?"),
        "{}",
        run.stdout
    );
}

#[test]
fn undo_restores_the_card_exactly() {
    let student = Student::new();
    let before = student.cards(DAY1);
    let run = student.review(DAY1, "\n2\nu\n");
    assert!(run.stdout.contains("Undone: rating 2 taken back.\n\nRévisions · card 1 / 3 · new 3, relearning 0, due 0\nQ: Première question ?"), "{}", run.stdout);
    assert!(
        run.stdout.contains("Session over: no cards reviewed."),
        "{}",
        run.stdout
    );
    assert_eq!(student.cards(DAY1), before);
    let run = student.review(DAY1, "u\nq\n");
    assert!(run.stdout.contains("Nothing to undo."), "{}", run.stdout);
}

#[test]
fn end_of_input_and_bad_answers_keep_every_saved_rating() {
    let student = Student::new();
    let run = student.review(DAY1, "\nbof\n6\n5\n\n");
    assert_eq!(
        run.stdout
            .matches("Please answer 1 to 5, u to undo or q to quit.")
            .count(),
        2
    );
    // What is still to do today comes before what is due later.
    assert!(run.stdout.ends_with("Session over: 1 card reviewed, 1 rating (1: 0, 2: 0, 3: 0, 4: 0, 5: 1).\nStill to do today: 2 new.\nNext due: 2026-12-02 (1 card).\n"), "{}", run.stdout);
    let cards = student.cards(DAY1);
    assert_eq!(cards["un"]["last_rating"], 5);
    assert_eq!(cards["deux"]["due"], Value::Null);
}

#[test]
fn stats_count_cards_by_state_and_day() {
    let student = Student::new();
    student.review(DAY1, "\n5\n\n1\n\n4\n\n4\n");
    let run = student.run(DAY1, &["stats", "--json"], "");
    let stats: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(stats["today"], "2026-12-01");
    let deck = &stats["decks"][0];
    assert_eq!(deck["deck"], "revisions");
    assert_eq!(
        (
            &deck["cards"],
            &deck["new"],
            &deck["learning"],
            &deck["review"]
        ),
        (
            &Value::from(3),
            &Value::from(0),
            &Value::from(3),
            &Value::from(0)
        )
    );
    assert_eq!(deck["due_today"], 0);
    assert_eq!(
        deck["due_next_7_days"],
        serde_json::json!([3, 0, 0, 0, 0, 0, 0])
    );
    assert_eq!(deck["reviews_today"], 4);
    assert_eq!(deck["retention_30_days"], Value::Null);
    student.review(DAY2, "\n5\n\n2\n\n5\n\n4\n");
    let run = student.run(DAY2, &["stats", "--json"], "");
    let stats: Value = serde_json::from_str(&run.stdout).unwrap();
    // Review ratings: 5, 2, 5 on learnt cards (the relearning 4 is a repeat).
    assert_eq!(stats["decks"][0]["review_ratings_30_days"], 3);
    let share = stats["decks"][0]["retention_30_days"].as_f64().unwrap();
    assert!((share - 2.0 / 3.0).abs() < 1e-9, "{share}");
}

#[test]
fn a_bad_clock_or_store_path_is_a_clear_error() {
    let scratch = Scratch::new();
    scratch.write("decks/revisions.yaml", DECK);
    let run = fiches_with(
        &scratch.path,
        &["review", "--plain"],
        &[("FICHES_NOW", "demain")],
        Some(""),
    );
    assert_eq!(run.status, 2);
    assert!(
        run.stderr
            .contains("FICHES_NOW=\"demain\" is not an RFC 3339 time"),
        "{}",
        run.stderr
    );
    scratch.write("blocker", "a file where a directory should be");
    let run = fiches_with(
        &scratch.path,
        &["review", "--plain", "--db", "blocker/sub/fiches.db"],
        &[],
        Some(""),
    );
    assert_eq!(run.status, 2);
    assert!(
        run.stderr
            .starts_with("fiches: error: cannot create the directory blocker/sub"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_store_defaults_to_the_data_directory() {
    let scratch = Scratch::new();
    scratch.write("decks/revisions.yaml", DECK);
    let run = fiches_with(
        &scratch.path,
        &["review", "--plain"],
        &[("FICHES_NOW", DAY1)],
        Some("\n4\n"),
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(scratch.path.join(".xdg-data/fiches/fiches.db").is_file());
}

#[test]
fn a_deck_with_errors_does_not_stop_the_others() {
    let student = Student::new();
    student.review(DAY1, "\n4\n");
    // The deck breaks after a first sync; another deck is fine.
    student.scratch.write(
        "decks/revisions.yaml",
        DECK.replace("a: \"Première réponse.\"", "anwser: \"x\""),
    );
    student.scratch.write(
        "decks/autre.yaml",
        "title: \"Autre\"\ncards:\n  - q: \"Autre question ?\"\n    a: \"Autre réponse.\"\n",
    );
    let db = student.scratch.path.join("store.db");
    let run = fiches_with(
        &student.scratch.path,
        &["review", "--plain"],
        &[("FICHES_NOW", DAY1), ("FICHES_DB", db.to_str().unwrap())],
        Some("\n5\n\n5\n\n5\n"),
    );
    assert_eq!(
        run.status, 1,
        "the session ran, but the exit status says a deck is broken"
    );
    assert!(
        run.stderr
            .contains("decks/revisions.yaml:5:5: error: unknown card field `anwser`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("decks/revisions.yaml has 2 errors: deck `revisions` is used as last synced"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("Q: Autre question ?"), "{}", run.stdout);
    assert!(
        run.stdout.contains("Q: Deuxième question ?"),
        "the last good version is studied: {}",
        run.stdout
    );
}

#[test]
fn stats_and_cards_with_no_decks_are_empty_not_errors() {
    let scratch = Scratch::new();
    let run = fiches_with(&scratch.path, &["cards", "--json"], &[], None);
    assert_eq!((run.status, run.stdout.trim()), (0, "[]"), "{}", run.stderr);
    let run = fiches_with(
        &scratch.path,
        &["stats", "--json"],
        &[("FICHES_NOW", DAY1)],
        None,
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    let stats: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        stats,
        serde_json::json!({"today": "2026-12-01", "decks": []})
    );
    let run = fiches_with(&scratch.path, &["review", "--plain"], &[], Some(""));
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("no decks"), "{}", run.stderr);
}

#[test]
fn a_reader_that_goes_away_is_not_an_error() {
    let student = Student::new();
    // Enough cards that the output is many times a pipe's 64 KiB buffer:
    // the writes after `head` has gone fail with a broken pipe.
    let mut big = String::from("title: \"Gros\"\ncards:\n");
    for i in 0..3000 {
        big.push_str(&format!(
            "  - id: \"c{i}\"\n    q: \"Question numéro {i}, assez longue pour peser ?\"\n    a: \"Réponse {i}.\"\n"
        ));
    }
    student.scratch.write("decks/gros.yaml", big);
    let db = student.scratch.path.join("store.db");
    let whole = student.run("2026-12-01T09:00:00-05:00", &["cards", "--json"], "");
    assert!(
        whole.stdout.len() > 8 * 64 * 1024,
        "only {} bytes: not enough to fill a pipe",
        whole.stdout.len()
    );
    let errors = student.scratch.path.join("stderr.txt");
    let script = format!(
        "set -o pipefail; FICHES_DB={} {} cards --json 2>{} | head -c 1 >/dev/null",
        db.display(),
        crate::support::BIN,
        errors.display()
    );
    let status = std::process::Command::new("bash")
        .args(["-c", &script])
        .current_dir(&student.scratch.path)
        .status()
        .unwrap();
    assert!(status.success(), "{status}");
    assert_eq!(std::fs::read_to_string(&errors).unwrap(), "");
}

#[test]
fn preview_shows_what_it_can_of_a_broken_deck_and_says_so() {
    let scratch = Scratch::new();
    let deck = scratch.write(
        "d.yaml",
        DECK.replace("a: \"Première réponse.\"", "anwser: \"x\""),
    );
    let run = fiches_with(
        &scratch.path,
        &["preview", deck.to_str().unwrap()],
        &[],
        None,
    );
    assert_eq!(run.status, 1);
    assert!(
        run.stderr.contains("unknown card field `anwser`"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.starts_with("Révisions ("), "{}", run.stdout);
    assert!(run.stdout.contains(", 2 cards)"), "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "#1 · line 6 · id deux · 2 points\nQ: Deuxième question ?\nA:\n  • élément 1\n"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn preview_never_opens_the_store() {
    let scratch = Scratch::new();
    let deck = scratch.write("d.yaml", DECK);
    let run = fiches_with(
        &scratch.path,
        &["preview", deck.to_str().unwrap()],
        &[("FICHES_DB", "store.db")],
        None,
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(!scratch.path.join("store.db").exists());
    assert!(!scratch.path.join(".xdg-data").exists());
}

#[test]
fn sync_dry_run_writes_nothing_even_without_a_store() {
    let scratch = Scratch::new();
    scratch.write("decks/revisions.yaml", DECK);
    let run = fiches_with(
        &scratch.path,
        &["sync", "--dry-run"],
        &[("FICHES_DB", "store.db")],
        None,
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("dry run: nothing is written\ndecks/revisions.yaml (revisions): 3 added, 0 edited, 0 retired, 0 restored (new deck)\n  added    un (line 3)\n"), "{}", run.stdout);
    assert!(!scratch.path.join("store.db").exists());
}

#[test]
fn a_day_with_nothing_left_says_what_there_is() {
    let student = Student::new();
    student.run(DAY1, &["review", "--plain", "--new", "1"], "\n5\n");
    // Nothing left: the new cards not seen, what a higher limit adds, cram,
    // and when the next cards are due.
    let run = student.run(DAY1, &["review", "--plain", "--new", "1"], "");
    assert_eq!(
        run.stdout,
        "No more cards to review today.\n\nSession over: no cards reviewed.\nNothing left for today.\nNew cards: 2 not seen yet; `fiches review --new 3` adds 2 more today.\n`fiches review --cram` goes through every card now (the schedule stays as it is).\nNext due: 2026-12-02 (1 card).\n"
    );
    let run = student.run(DAY1, &["review", "--plain", "--new", "3"], "\n4\n\n4\n");
    assert!(run.stdout.contains("card 2 / 2"), "{}", run.stdout);
}

#[test]
fn the_summary_says_what_is_still_due_today_before_later_days() {
    let student = Student::new();
    student.review(DAY1, "\n5\n\n5\n\n5\n");
    // Day 2: three due; one rated 2 (to relearn), one left, then quit.
    let run = student.review(DAY2, "\n5\n\n2\nq\n");
    assert!(
        run.stdout.ends_with("Session over: 2 cards reviewed, 2 ratings (1: 0, 2: 1, 3: 0, 4: 0, 5: 1).\nStill to do today: 1 due, 1 to relearn.\nNext due: 2026-12-03 (1 card), 2026-12-08 (1 card).\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn sync_dry_run_says_what_changed_and_where_a_retired_card_was() {
    let scratch = Scratch::new();
    let deck = scratch.write("decks/revisions.yaml", DECK);
    let sync = |args: &[&str]| {
        let run = fiches_with(&scratch.path, args, &[("FICHES_DB", "store.db")], None);
        assert_eq!(run.status, 0, "{}", run.stderr);
        run.stdout
    };
    sync(&["sync"]);
    // `un` gets another question and answer; `deux` goes; `trois` moves up
    // to the line `deux` held.
    let edited = DECK
        .replace("Première question ?", "Première question, revue ?")
        .replace("Première réponse.", "Une autre réponse.")
        .replace(
            "  - id: \"deux\"\n    q: \"Deuxième question ?\"\n    points: 2\n    a: [\"élément 1\", \"élément 2\"]\n",
            "",
        );
    std::fs::write(&deck, &edited).unwrap();
    let trois_line = edited
        .lines()
        .position(|l| l.contains("id: \"trois\""))
        .unwrap()
        + 1;
    let out = sync(&["sync", "--dry-run"]);
    assert!(
        out.contains("  edited   un (line 3): question, answer\n"),
        "{out}"
    );
    // The line `deux` held is `trois`'s now: no change reads as at it.
    assert_eq!(trois_line, 6, "{edited}");
    assert!(out.contains("  retired  deux (removed)\n"), "{out}");
    assert!(!out.contains("line 6"), "{out}");
    // A last card removed leaves its line to no one: it is named.
    let without_last = DECK.replace(
        "  - id: \"trois\"\n    q: \"Troisième question ?\"\n    a: \"Troisième réponse.\"\n",
        "",
    );
    std::fs::write(&deck, &without_last).unwrap();
    let out = sync(&["sync", "--dry-run"]);
    assert!(
        out.contains("  retired  trois (removed; was line 10)\n"),
        "{out}"
    );
}
