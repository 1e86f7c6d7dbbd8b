//! FSRS as a scheduler: `review --scheduler fsrs`, `--retention`, and
//! `scheduler:` in a deck, with SM-2's state kept exactly under either; the
//! deck list's exam forecast at FICHES_MINUTES a day.

use chrono::{Days, NaiveDate};
use serde_json::Value;

use crate::support::{Run, Scratch, fiches_at, fiches_with};

const DECK: &str = r#"title: "Trois"
cards:
  - q: "Un ?"
    a: "1"
  - q: "Deux ?"
    a: "2"
  - q: "Trois ?"
    a: "3"
"#;

fn at(day: NaiveDate) -> String {
    format!("{}T09:00:00-05:00", day.format("%Y-%m-%d"))
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn run(scratch: &Scratch, on: NaiveDate, args: &[&str], input: Option<&str>) -> Run {
    let out = fiches_at(&scratch.path, &at(on), args, input);
    assert_eq!(out.status, 0, "{args:?}: {}", out.stderr);
    out
}

/// The days "Saved 5: next review 2026-12-09." lines name.
fn next_reviews(stdout: &str) -> Vec<NaiveDate> {
    stdout
        .lines()
        .filter_map(|l| l.split("next review ").nth(1))
        .map(|d| day(d.trim_end_matches(['.', ')'])))
        .collect()
}

fn due_today(scratch: &Scratch, on: NaiveDate, extra: &[&str]) -> u64 {
    let mut args = vec!["stats", "--json"];
    args.extend_from_slice(extra);
    let doc: Value = serde_json::from_str(&run(scratch, on, &args, None).stdout).unwrap();
    doc["decks"][0]["due_today"].as_u64().unwrap()
}

#[test]
fn review_with_fsrs_schedules_from_the_memory_and_keeps_sm2_exact() {
    let scratch = Scratch::new();
    scratch.write("decks/trois.yaml", DECK);
    let first = day("2026-12-01");
    let fsrs = ["review", "--plain", "--scheduler", "fsrs"];
    let out = run(&scratch, first, &fsrs, Some("\n5\n\n5\n\n5\n"));
    let days = next_reviews(&out.stdout);
    assert_eq!(days.len(), 3, "{}", out.stdout);
    // FSRS sends an easy first recall further than SM-2's one day.
    let due = days[0];
    assert!(days.iter().all(|d| *d == due), "{days:?}");
    assert!(due > first + Days::new(2), "{}", out.stdout);
    // The next day, SM-2 has the three due; FSRS none, in the review too.
    let next = first + Days::new(1);
    assert_eq!(due_today(&scratch, next, &[]), 3);
    assert_eq!(due_today(&scratch, next, &["--scheduler", "fsrs"]), 0);
    assert_eq!(listed_due(&scratch, next, &[]), "3");
    assert_eq!(listed_due(&scratch, next, &["--scheduler", "fsrs"]), "0");
    let db = scratch.path.join("store.db");
    let from_env = fiches_with(
        &scratch.path,
        &[],
        &[
            ("FICHES_DB", db.to_str().unwrap()),
            ("FICHES_NOW", &at(next)),
            ("FICHES_SCHEDULER", "fsrs"),
        ],
        None,
    );
    assert!(
        from_env
            .stdout
            .lines()
            .any(|l| l.starts_with("trois") && l.split_whitespace().nth(3) == Some("0")),
        "{}",
        from_env.stdout
    );
    let out = run(&scratch, next, &fsrs, Some(""));
    assert!(
        out.stdout.contains("No more cards to review today."),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("Q: "), "{}", out.stdout);
    // Given before the command, the same.
    let before = run(
        &scratch,
        next,
        &["--scheduler", "fsrs", "review", "--plain"],
        Some(""),
    );
    assert!(!before.stdout.contains("Q: "), "{}", before.stdout);
    let day_before = due - Days::new(1);
    assert_eq!(due_today(&scratch, day_before, &["--scheduler", "fsrs"]), 0);
    // On FSRS's day the three come, most overdue first, then in deck order.
    let out = run(&scratch, due, &fsrs, Some("\n4\n\n4\n\n4\n"));
    let asked: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("Q: "))
        .collect();
    assert_eq!(
        asked,
        ["Q: Un ?", "Q: Deux ?", "Q: Trois ?"],
        "{}",
        out.stdout
    );
    let later = next_reviews(&out.stdout);
    assert!(later.iter().all(|d| *d > due), "{later:?}");
    // SM-2's own state moved exactly as SM-2 says: n 2, 6 days after this
    // review, whatever scheduled it; switching back finds that day.
    let cards: Value =
        serde_json::from_str(&run(&scratch, due, &["cards", "--json"], None).stdout).unwrap();
    for card in cards.as_array().unwrap() {
        assert_eq!(card["reps"], 2, "{card}");
        assert_eq!(card["interval"], 6, "{card}");
        let sm2_due = (due + Days::new(6)).format("%Y-%m-%d").to_string();
        assert_eq!(card["due"], sm2_due.as_str(), "{card}");
    }
    assert_eq!(due_today(&scratch, due + Days::new(6), &[]), 3);
}

#[test]
fn a_lower_retention_gives_longer_intervals() {
    let first = day("2026-12-01");
    let next_at = |retention: &str| {
        let scratch = Scratch::new();
        scratch.write("decks/trois.yaml", DECK);
        let out = run(
            &scratch,
            first,
            &[
                "review",
                "--plain",
                "--scheduler",
                "fsrs",
                "--retention",
                retention,
            ],
            Some("\n4\n"),
        );
        next_reviews(&out.stdout)[0]
    };
    let (low, usual, high) = (next_at("0.75"), next_at("0.90"), next_at("0.97"));
    assert!(low > usual && usual > high, "{low} {usual} {high}");
    assert!(high > first, "at least a day");
}

#[test]
fn a_retention_or_scheduler_out_of_range_is_a_usage_error() {
    let scratch = Scratch::new();
    scratch.write("decks/trois.yaml", DECK);
    let now = at(day("2026-12-01"));
    for bad in ["0.5", "0.69", "0.98", "1", "abc", "-0.9", "0.905"] {
        let out = fiches_at(
            &scratch.path,
            &now,
            &["review", "--plain", "--retention", bad],
            Some(""),
        );
        assert_eq!(out.status, 2, "{bad}: {}", out.stdout);
        assert!(
            out.stderr.contains("give a number from 0.70 to 0.97"),
            "{bad}: {}",
            out.stderr
        );
    }
    let out = fiches_at(&scratch.path, &now, &["stats", "--scheduler", "anki"], None);
    assert_eq!(out.status, 2, "{}", out.stdout);
    assert!(out.stderr.contains("give sm2 or fsrs"), "{}", out.stderr);
    // From the environment, the same.
    let db = scratch.path.join("store.db");
    let out = fiches_with(
        &scratch.path,
        &["stats"],
        &[
            ("FICHES_DB", db.to_str().unwrap()),
            ("FICHES_NOW", &now),
            ("FICHES_RETENTION", "0.6"),
        ],
        None,
    );
    assert_eq!(out.status, 2, "{}", out.stdout);
    assert!(out.stderr.contains("0.70 to 0.97"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("FICHES_RETENTION in the environment: \"0.6\" is not a retention"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_bad_scheduling_variable_stops_only_the_commands_that_schedule() {
    let scratch = Scratch::new();
    scratch.write("decks/trois.yaml", DECK);
    let db = scratch.path.join("store.db");
    let now = at(day("2026-12-01"));
    let with = |args: &[&str], name: &str, value: &str| {
        fiches_with(
            &scratch.path,
            args,
            &[
                ("FICHES_DB", db.to_str().unwrap()),
                ("FICHES_NOW", &now),
                (name, value),
            ],
            Some(""),
        )
    };
    for (name, value) in [("FICHES_RETENTION", "0.6"), ("FICHES_SCHEDULER", "anki")] {
        let check = with(&["check", "decks"], name, value);
        assert_eq!(check.status, 0, "{name}: {}", check.stderr);
        let sync = with(&["sync"], name, value);
        assert_eq!(sync.status, 0, "{name}: {}", sync.stderr);
        for args in [&["stats"][..], &["review", "--plain"], &[]] {
            let out = with(args, name, value);
            assert_eq!(out.status, 2, "{name} {args:?}: {}", out.stdout);
            assert!(
                out.stderr
                    .contains(&format!("{name} in the environment: \"{value}\"")),
                "{name} {args:?}: {}",
                out.stderr
            );
        }
    }
    // The flag, before the command or after it, stands over the variable.
    for args in [
        &["stats", "--scheduler", "fsrs"][..],
        &["--scheduler", "fsrs", "stats"],
    ] {
        let out = with(args, "FICHES_SCHEDULER", "anki");
        assert_eq!(out.status, 0, "{args:?}: {}", out.stderr);
    }
}

/// The due column of the deck list (`fiches` without a terminal).
fn listed_due(scratch: &Scratch, on: NaiveDate, args: &[&str]) -> String {
    let list = run(scratch, on, args, None);
    let row = list.stdout.lines().find(|l| l.starts_with("trois"));
    let due = row.and_then(|r| r.split_whitespace().nth(3));
    due.unwrap_or_else(|| panic!("{}", list.stdout)).to_string()
}

/// The deck with these fields first, its three cards rated 5 on `first`.
fn rated_easy(fields: &str, first: NaiveDate) -> (Scratch, Run) {
    let scratch = Scratch::new();
    scratch.write("decks/trois.yaml", format!("{fields}{DECK}"));
    let out = run(
        &scratch,
        first,
        &["review", "--plain"],
        Some("\n5\n\n5\n\n5\n"),
    );
    (scratch, out)
}

#[test]
fn a_deck_names_its_scheduler_and_check_refuses_unknown_ones() {
    let first = day("2026-12-01");
    let (scratch, out) = rated_easy("scheduler: fsrs\nretention: 0.85\n", first);
    let due = next_reviews(&out.stdout)[0];
    assert!(due > first + Days::new(2), "{}", out.stdout);
    let next = first + Days::new(1);
    // The deck's own scheduler, in stats and the deck list; the command
    // line can still ask for SM-2.
    assert_eq!(due_today(&scratch, next, &[]), 0);
    assert_eq!(due_today(&scratch, next, &["--scheduler", "sm2"]), 3);
    let doc: Value =
        serde_json::from_str(&run(&scratch, next, &["stats", "--json"], None).stdout).unwrap();
    assert_eq!(doc["decks"][0]["scheduler"], "fsrs", "{doc}");
    assert_eq!(doc["decks"][0]["retention"], 0.85, "{doc}");
    let text = run(&scratch, next, &["stats"], None).stdout;
    assert!(text.contains("scheduler: FSRS at 0.85 retention"), "{text}");
    assert_eq!(due_today(&scratch, due, &[]), 3);
    assert_eq!(listed_due(&scratch, next, &[]), "0");
    // Back to SM-2: its due days, as if FSRS had never scheduled the deck.
    scratch.write("decks/trois.yaml", DECK);
    assert_eq!(due_today(&scratch, next, &[]), 3);
    assert_eq!(listed_due(&scratch, next, &[]), "3");
    // Unknown values are errors with what to write instead.
    scratch.write(
        "decks/trois.yaml",
        format!("scheduler: FSR\nretention: 0.99\n{DECK}"),
    );
    let check = fiches_at(&scratch.path, &at(first), &["check"], None);
    assert_eq!(check.status, 1, "{}", check.stderr);
    assert!(
        check.stderr.contains(
            "decks/trois.yaml:1:12: error: unknown scheduler `FSR`: did you mean `fsrs`?"
        ),
        "{}",
        check.stderr
    );
    assert!(
        check.stderr.contains(
            "decks/trois.yaml:2:12: error: `retention` must be a number from 0.70 to 0.97"
        ),
        "{}",
        check.stderr
    );
}

#[test]
fn an_exam_plan_keeps_its_plan_under_fsrs() {
    let first = day("2026-12-01");
    let (scratch, out) = rated_easy("scheduler: fsrs\nexam: \"2026-12-06\"\n", first);
    // Nothing is scheduled after the exam, FSRS or not.
    let days = next_reviews(&out.stdout);
    assert_eq!(days.len(), 3, "{}", out.stdout);
    assert!(
        days.iter().all(|d| *d < day("2026-12-06")),
        "{}",
        out.stdout
    );
    // The plan's next day is the exam plan's, not FSRS's: the deck naming
    // FSRS gets the very session a deck under SM-2 gets, the same cards and
    // days said; FSRS alone would have none of these cards due yet.
    let next = days[0];
    let (sm2, sm2_first) = rated_easy("exam: \"2026-12-06\"\n", first);
    assert_eq!(next_reviews(&sm2_first.stdout), days);
    let asked = |out: &Run| -> Vec<String> {
        let lines = out.stdout.lines();
        lines
            .filter(|l| l.starts_with("Q: "))
            .map(String::from)
            .collect()
    };
    let ratings = Some("\n4\n\n4\n\n4\n");
    let under_fsrs = run(&scratch, next, &["review", "--plain"], ratings);
    let under_sm2 = run(&sm2, next, &["review", "--plain"], ratings);
    assert_eq!(asked(&under_fsrs).len(), 3, "{}", under_fsrs.stdout);
    assert_eq!(asked(&under_fsrs), asked(&under_sm2));
    assert_eq!(
        next_reviews(&under_fsrs.stdout),
        next_reviews(&under_sm2.stdout)
    );
    let (daily, _) = rated_easy("scheduler: fsrs\n", first);
    assert_eq!(due_today(&daily, next, &[]), 0, "FSRS alone: none due");
}

#[test]
fn a_same_day_repeat_under_fsrs_says_fsrss_day() {
    let scratch = Scratch::new();
    scratch.write(
        "decks/un.yaml",
        "title: \"Un\"\ncards:\n  - q: \"Un ?\"\n    a: \"1\"\n",
    );
    let first = day("2026-12-01");
    let fsrs = ["review", "--plain", "--scheduler", "fsrs"];
    let due = next_reviews(&run(&scratch, first, &fsrs, Some("\n5\n")).stdout)[0];
    // On its day a 3, so the card comes back in the session, then a 5:
    // SM-2 would say six days on; the line says FSRS's day, as stats does.
    let out = run(&scratch, due, &fsrs, Some("\n3\n\n5\n"));
    let days = next_reviews(&out.stdout);
    assert_eq!(days.len(), 2, "{}", out.stdout);
    let said = days[1];
    assert_ne!(said, due + Days::new(6), "SM-2's day: {}", out.stdout);
    let flag = ["--scheduler", "fsrs"];
    assert_eq!(due_today(&scratch, said - Days::new(1), &flag), 0);
    assert_eq!(due_today(&scratch, said, &flag), 1, "{}", out.stdout);
}

#[test]
fn stats_by_tag_counts_the_due_cards_fsrs_gives() {
    let scratch = Scratch::new();
    scratch.write("decks/trois.yaml", format!("tags: [chiffres]\n{DECK}"));
    let first = day("2026-12-01");
    let fsrs = ["review", "--plain", "--scheduler", "fsrs"];
    run(&scratch, first, &fsrs, Some("\n5\n\n5\n\n5\n"));
    let due_by_tag = |extra: &[&str]| {
        let mut args = vec!["stats", "--json", "--tag", "chiffres"];
        args.extend_from_slice(extra);
        let out = run(&scratch, first + Days::new(1), &args, None);
        let doc: Value = serde_json::from_str(&out.stdout).unwrap();
        doc["tags"][0]["due_today"].as_u64().unwrap()
    };
    // The next day SM-2 has the three due, FSRS none: by tag as by deck.
    assert_eq!(due_by_tag(&[]), 3);
    assert_eq!(due_by_tag(&["--scheduler", "fsrs"]), 0);
    assert_eq!(
        due_by_tag(&["--scheduler", "fsrs"]),
        due_today(&scratch, first + Days::new(1), &["--scheduler", "fsrs"])
    );
}

#[test]
fn sync_reports_a_changed_scheduler_retention_or_tags_and_the_dry_run_lists_them() {
    let scratch = Scratch::new();
    scratch.write("decks/trois.yaml", DECK);
    let first = day("2026-12-01");
    run(&scratch, first, &["sync"], None);
    let head = "scheduler: fsrs\nretention: 0.85\ntags: [chiffres]\n";
    scratch.write("decks/trois.yaml", format!("{head}{DECK}"));
    let listed = [
        "  deck     tags: none -> chiffres",
        "  deck     scheduler: none -> fsrs",
        "  deck     retention: none -> 0.85",
    ];
    let dry = run(&scratch, first, &["sync", "--dry-run"], None);
    let lines: Vec<&str> = dry.stdout.lines().collect();
    assert_eq!(lines[2..], listed, "{}", dry.stdout);
    assert!(
        lines[1].ends_with("(deck's tags, scheduler, retention changed)"),
        "{}",
        dry.stdout
    );
    // Nothing written: the real sync says the same, then the deck is as synced.
    let synced = run(&scratch, first, &["sync"], None);
    assert_eq!(synced.stdout.lines().skip(1).collect::<Vec<_>>(), listed);
    let again = run(&scratch, first, &["sync", "--full"], None);
    assert_eq!(again.stdout, "decks/trois.yaml (trois): unchanged\n");
    // Each alone, the other way too.
    for (from, to, line) in [
        (
            head,
            "scheduler: sm2\nretention: 0.85\ntags: [chiffres]\n",
            "scheduler: fsrs -> sm2",
        ),
        (
            "scheduler: sm2\nretention: 0.85\ntags: [chiffres]\n",
            "scheduler: sm2\nretention: 0.80\ntags: [chiffres]\n",
            "retention: 0.85 -> 0.80",
        ),
        (
            "scheduler: sm2\nretention: 0.80\ntags: [chiffres]\n",
            "scheduler: sm2\nretention: 0.80\n",
            "tags: chiffres -> none",
        ),
    ] {
        scratch.write("decks/trois.yaml", format!("{to}{DECK}"));
        let out = run(&scratch, first, &["sync"], None);
        assert_eq!(
            out.stdout.lines().skip(1).collect::<Vec<_>>(),
            [format!("  deck     {line}")],
            "{from:?} -> {to:?}: {}",
            out.stdout
        );
    }
    // A changed title alone is no longer called unchanged either.
    scratch.write(
        "decks/trois.yaml",
        format!(
            "scheduler: sm2\nretention: 0.80\n{}",
            DECK.replace("Trois\"", "Quatre\"")
        ),
    );
    let out = run(&scratch, first, &["sync"], None);
    assert!(
        out.stdout.contains("  deck     title: Trois -> Quatre"),
        "{}",
        out.stdout
    );
    // A line break in a title or a tag cannot forge a line of the report.
    scratch.write(
        "decks/trois.yaml",
        format!(
            "scheduler: sm2\nretention: 0.80\ntags: [\"a\\nb\"]\n{}",
            DECK.replace("Trois\"", "Cinq\\nSix\"")
        ),
    );
    let out = run(&scratch, first, &["sync"], None);
    let lines: Vec<&str> = out.stdout.lines().skip(1).collect();
    assert_eq!(
        lines,
        [
            "  deck     title: Quatre -> Cinq\\nSix",
            "  deck     tags: none -> a\\nb"
        ],
        "{}",
        out.stdout
    );
    // Tags are compared as lists: one tag "a, b" then two, a and b, is a
    // change, shown so that the two read apart; a tab is shown as \t.
    let tagged = |tags: &str| {
        format!(
            "scheduler: sm2\nretention: 0.80\ntags: {tags}\n{}",
            DECK.replace("Trois\"", "Cinq\\nSix\"")
        )
    };
    for (tags, line) in [
        ("[\"a, b\"]", "  deck     tags: a\\nb -> \"a, b\""),
        ("[\"a\", \"b\"]", "  deck     tags: \"a, b\" -> a, b"),
        ("[\"a\", \"b\\tc\"]", "  deck     tags: a, b -> a, b\\tc"),
    ] {
        scratch.write("decks/trois.yaml", tagged(tags));
        let dry = run(&scratch, first, &["sync", "--dry-run"], None);
        assert!(
            dry.stdout.lines().any(|l| l == line),
            "{tags}: {}",
            dry.stdout
        );
        let out = run(&scratch, first, &["sync"], None);
        let lines: Vec<&str> = out.stdout.lines().skip(1).collect();
        assert_eq!(lines, [line], "{tags}: {}", out.stdout);
        assert!(!out.stdout.contains('\t'), "{}", out.stdout);
    }
}

/// The deck list's exam cell of `deck` and its note, with these variables.
fn exam_cell(scratch: &Scratch, deck: &str, env: &[(&str, &str)]) -> (Run, String) {
    let db = scratch.path.join("store.db");
    let mut all = vec![
        ("FICHES_DB", db.to_str().unwrap()),
        ("FICHES_NOW", "2026-12-01T09:00:00-05:00"),
    ];
    all.extend_from_slice(env);
    let out = fiches_with(&scratch.path, &[], &all, None);
    let row = out.stdout.lines().find(|l| l.starts_with(deck));
    let cell = row.map(|r| {
        r.split_whitespace()
            .skip(4)
            .take(5)
            .collect::<Vec<_>>()
            .join(" ")
    });
    let cell = cell.unwrap_or_else(|| panic!("{}: {}", out.stdout, out.stderr));
    (out, cell)
}

#[test]
fn the_deck_lists_exam_forecast_plans_with_fiches_minutes() {
    let scratch = Scratch::new();
    let mut deck = String::from("title: \"Gros\"\nexam: \"2026-12-08\"\ncards:\n");
    for i in 0..120 {
        deck.push_str(&format!("  - q: \"Question {i} ?\"\n    a: \"R{i}\"\n"));
    }
    scratch.write("decks/gros.yaml", deck);
    // Without minutes: the recall if you stop now, nothing seen yet.
    let (out, cell) = exam_cell(&scratch, "gros", &[]);
    assert_eq!(cell, "7 d · 0 %", "{}", out.stdout);
    assert!(out.stdout.contains("if you stop now"), "{}", out.stdout);
    // At 5 minutes a day: the recall readiness forecasts for the deck if the
    // exam plan is followed at them, and the cards they leave unseen.
    let (out, cell) = exam_cell(&scratch, "gros", &[("FICHES_MINUTES", "5")]);
    let readiness = run(
        &scratch,
        day("2026-12-01"),
        &["readiness", "gros", "--minutes", "5", "--json"],
        None,
    );
    let doc: Value = serde_json::from_str(&readiness.stdout).unwrap();
    let with_plan = doc["with_plan"].as_f64().unwrap();
    assert!(with_plan > 0.2, "{doc}");
    assert_eq!(
        cell,
        format!("7 d · {:.0} %", with_plan * 100.0),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("if you follow the exam plan at 5 minutes a day (FICHES_MINUTES)"),
        "{}",
        out.stdout
    );
    let left = doc["coverage"]["left_unseen"].as_u64().unwrap();
    assert!(left > 0, "{doc}");
    let needed = doc["coverage"]["minutes_needed"].as_u64().unwrap();
    assert!(
        out.stdout.contains(&format!(
            "gros: At 5 minutes a day, {left} cards will not be seen before 2026-12-08; {needed} minutes a day would cover them."
        )),
        "{}",
        out.stdout
    );
    // More minutes, more recall, and every card seen.
    let (out, more) = exam_cell(&scratch, "gros", &[("FICHES_MINUTES", "60")]);
    let percent = |cell: &str| -> u32 {
        cell.split(" · ")
            .nth(1)
            .unwrap()
            .trim_end_matches(" %")
            .parse()
            .unwrap()
    };
    assert!(percent(&more) > percent(&cell), "{more} {cell}");
    assert!(!out.stdout.contains("will not be seen"), "{}", out.stdout);
    // An empty variable is none; a bad one is a usage error naming it.
    assert_eq!(
        exam_cell(&scratch, "gros", &[("FICHES_MINUTES", "")]).1,
        "7 d · 0 %"
    );
    let db = scratch.path.join("store.db");
    for bad in ["0", "-3", "601", "abc"] {
        let out = fiches_with(
            &scratch.path,
            &[],
            &[("FICHES_DB", db.to_str().unwrap()), ("FICHES_MINUTES", bad)],
            None,
        );
        assert_eq!(out.status, 2, "{bad}: {}", out.stdout);
        assert!(
            out.stderr
                .starts_with("fiches: error: FICHES_MINUTES in the environment: ")
                && out.stderr.contains("set it right or unset it"),
            "{bad}: {}",
            out.stderr
        );
    }
}

/// The Anki cards of a package: (due day as days from the collection's
/// creation, interval, ease in thousandths), in card order.
fn anki_cards(package: &std::path::Path, scratch: &Scratch) -> Vec<(i64, i64, i64)> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::fs::File::open(package).unwrap()).unwrap();
    let mut bytes = Vec::new();
    archive
        .by_name("collection.anki2")
        .unwrap()
        .read_to_end(&mut bytes)
        .unwrap();
    let collection = scratch.write("collection.anki2", bytes);
    let conn = rusqlite::Connection::open(collection).unwrap();
    let mut cards = conn
        .prepare("SELECT due, ivl, factor FROM cards WHERE type = 2 ORDER BY id")
        .unwrap();
    cards
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn cards_and_the_anki_export_show_the_due_day_fsrs_gives_and_keep_sm2s_state() {
    let first = day("2026-12-01");
    let (scratch, out) = rated_easy("scheduler: fsrs\n", first);
    let fsrs_day = next_reviews(&out.stdout)[0];
    let next = first + Days::new(1);
    assert_eq!(due_today(&scratch, fsrs_day, &[]), 3);
    let cards = |extra: &[&str]| -> Vec<Value> {
        let mut args = vec!["cards", "--json"];
        args.extend_from_slice(extra);
        let doc: Value = serde_json::from_str(&run(&scratch, next, &args, None).stdout).unwrap();
        doc.as_array().unwrap().clone()
    };
    let sm2_day = next.format("%Y-%m-%d").to_string();
    let shown = fsrs_day.format("%Y-%m-%d").to_string();
    for card in cards(&[]) {
        assert_eq!(card["scheduler"], "fsrs", "{card}");
        assert_eq!(card["due"], shown.as_str(), "the day FSRS gives: {card}");
        // SM-2's state as it stands: n 1, one day, its own due day.
        assert_eq!(card["sm2_due"], sm2_day.as_str(), "{card}");
        assert_eq!(
            (card["reps"].as_u64(), card["interval"].as_u64()),
            (Some(1), Some(1))
        );
    }
    // Asked for SM-2, its day, as review and stats would take it.
    for card in cards(&["--scheduler", "sm2"]) {
        assert_eq!(card["scheduler"], "sm2", "{card}");
        assert_eq!(card["due"], sm2_day.as_str(), "{card}");
        assert_eq!(card["sm2_due"], sm2_day.as_str(), "{card}");
    }
    let table = run(&scratch, next, &["cards"], None).stdout;
    let first_row = table
        .lines()
        .nth(1)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>();
    assert_eq!(first_row[4..6], [shown.as_str(), "fsrs"], "{table}");
    assert!(table.contains("n, EF and days stay SM-2's"), "{table}");

    // The Anki package carries FSRS's day, the interval from the rating to
    // it, and SM-2's ease (2.6 after a 5), counted from the export day.
    let export = |args: &[&str]| {
        let out = run(&scratch, next, args, None);
        (
            out.stderr,
            anki_cards(&scratch.path.join("cours.apkg"), &scratch),
        )
    };
    let (said, exported) = export(&["export", "-o", "cours.apkg", "--with-scheduling"]);
    let from_export = (fsrs_day - next).num_days();
    let interval = (fsrs_day - first).num_days();
    assert_eq!(exported, vec![(from_export, interval, 2600); 3], "{said}");
    assert!(
        said.contains("(3 of the cards on the due day FSRS gives"),
        "{said}"
    );
    // Put back on SM-2 (before the command), SM-2's own schedule.
    let (said, exported) = export(&[
        "--scheduler",
        "sm2",
        "export",
        "-o",
        "cours.apkg",
        "--force",
        "--with-scheduling",
    ]);
    assert_eq!(exported, vec![(0, 1, 2600); 3], "{said}");
    assert!(!said.contains("FSRS"), "{said}");
}

/// FICHES_MINUTES follows the rule of the other variables for review, stats
/// and readiness as for the deck list: empty is as unset, a bad value stops
/// with exit 2 naming the variable, `--minutes` wins over it.
#[test]
fn fiches_minutes_is_read_alike_by_every_command() {
    let scratch = Scratch::new();
    let mut deck = String::from("title: \"Gros\"\nexam: \"2026-12-10\"\ncards:\n");
    for i in 0..60 {
        deck.push_str(&format!("  - q: \"Question {i} ?\"\n    a: \"R{i}\"\n"));
    }
    scratch.write("decks/gros.yaml", deck);
    let db = scratch.path.join("store.db");
    let with = |args: &[&str], minutes: Option<&str>| {
        let mut env = vec![
            ("FICHES_DB", db.to_str().unwrap()),
            ("FICHES_NOW", "2026-12-01T09:00:00-05:00"),
        ];
        env.extend(minutes.map(|m| ("FICHES_MINUTES", m)));
        fiches_with(&scratch.path, args, &env, None)
    };
    let commands: [&[&str]; 4] = [
        &["stats", "--exam", "2026-12-10", "--json"],
        &["readiness", "gros", "--json"],
        &["review", "--plain", "gros"],
        &["review", "--plain", "gros", "--exam", "2026-12-10"],
    ];
    for args in commands {
        let unset = with(args, None);
        assert_eq!(unset.status, 0, "{args:?}: {}", unset.stderr);
        // A CI script exporting an empty variable: as unset.
        let empty = with(args, Some(""));
        assert_eq!(empty.status, 0, "{args:?}: {}", empty.stderr);
        assert_eq!(empty.stdout, unset.stdout, "{args:?}");
        // A value: as --minutes.
        let mut flag = args.to_vec();
        flag.extend(["--minutes", "1"]);
        assert_eq!(
            with(args, Some("1")).stdout,
            with(&flag, None).stdout,
            "{args:?}"
        );
        // --minutes over the variable, even a bad one.
        let over = with(&flag, Some("abc"));
        assert_eq!(over.status, 0, "{args:?}: {}", over.stderr);
        assert_eq!(over.stdout, with(&flag, None).stdout, "{args:?}");
        // A bad value names the variable, never the flag not typed.
        for bad in ["0", "-3", "601", "abc", " "] {
            let out = with(args, Some(bad));
            assert_eq!(out.status, 2, "{args:?} {bad:?}: {}", out.stdout);
            assert!(
                out.stderr
                    .starts_with("fiches: error: FICHES_MINUTES in the environment: ")
                    && out.stderr.contains("give --minutes")
                    && !out.stderr.contains("invalid value"),
                "{args:?} {bad:?}: {}",
                out.stderr
            );
        }
        // A bad flag names the flag.
        let mut bad_flag = args.to_vec();
        bad_flag.extend(["--minutes", "abc"]);
        let out = with(&bad_flag, None);
        assert_eq!(out.status, 2, "{args:?}");
        assert!(out.stderr.contains("'--minutes <N>'"), "{}", out.stderr);
        assert!(!out.stderr.contains("FICHES_MINUTES"), "{}", out.stderr);
    }
    // The plan holds the variable's minutes: 1 minute a day cannot cover 60
    // cards in 9 days, and says so.
    let doc: Value =
        serde_json::from_str(&with(&["readiness", "gros", "--json"], Some("1")).stdout).unwrap();
    assert_eq!(doc["minutes_a_day"], 1, "{doc}");
    assert_eq!(doc["minutes_from"]["source"], "given", "{doc}");
    // FICHES_SCHEDULER and FICHES_RETENTION: the same rule.
    for (name, bad, flag) in [
        ("FICHES_SCHEDULER", "x", "--scheduler"),
        ("FICHES_RETENTION", "x", "--retention"),
    ] {
        let env = |value| {
            vec![
                ("FICHES_DB", db.to_str().unwrap()),
                ("FICHES_NOW", "2026-12-01T09:00:00-05:00"),
                (name, value),
            ]
        };
        let args = ["review", "--plain", "gros"];
        let empty = fiches_with(&scratch.path, &args, &env(""), None);
        assert_eq!(empty.status, 0, "{name}: {}", empty.stderr);
        assert_eq!(empty.stdout, with(&args, None).stdout, "{name}");
        let out = fiches_with(&scratch.path, &args, &env(bad), None);
        assert_eq!(out.status, 2, "{name}");
        assert!(
            out.stderr
                .starts_with(&format!("fiches: error: {name} in the environment: "))
                && out.stderr.contains(&format!("give {flag}")),
            "{name}: {}",
            out.stderr
        );
    }
}

/// Decks sharing an exam day share the minutes in the deck list's forecast,
/// as a review of them all does: each deck's cell is the recall readiness
/// forecasts for it with those decks together, not with the deck alone.
#[test]
fn the_deck_list_plans_decks_of_one_exam_day_together() {
    let scratch = Scratch::new();
    for (name, title, count) in [("un", "Un", 40), ("deux", "Deux", 50)] {
        let mut deck = format!("title: \"{title}\"\nexam: \"2026-12-10\"\ncards:\n");
        for i in 0..count {
            deck.push_str(&format!("  - q: \"{name} {i} ?\"\n    a: \"R{i}\"\n"));
        }
        scratch.write(&format!("decks/{name}.yaml"), deck);
    }
    // A few reviews of the first deck, a week before (too few to time a
    // card by: 12 seconds assumed, so 2 minutes a day cannot show them all).
    run(
        &scratch,
        day("2026-11-24"),
        &["review", "--plain", "un", "--new", "6"],
        Some(&"\n4\n".repeat(6)),
    );
    let today = day("2026-12-01");
    let with_plan = |decks: &[&str]| -> Vec<f64> {
        let mut args = vec!["readiness", "--minutes", "2", "--json"];
        args.extend_from_slice(decks);
        let doc: Value = serde_json::from_str(&run(&scratch, today, &args, None).stdout).unwrap();
        doc["decks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["with_plan"].as_f64().unwrap())
            .collect()
    };
    // Readiness of both decks in the store's order, the list's and a
    // review's (the plan shows new cards deck after deck).
    let together = with_plan(&["deux", "un"]);
    let alone = [with_plan(&["deux"])[0], with_plan(&["un"])[0]];
    // Sharing 2 minutes a day leaves each deck less than it would have alone.
    assert!(
        together[0] < alone[0] && together[1] < alone[1],
        "{together:?} {alone:?}"
    );
    let doc: Value = serde_json::from_str(
        &run(
            &scratch,
            today,
            &["readiness", "--minutes", "2", "--json"],
            None,
        )
        .stdout,
    )
    .unwrap();
    let left = doc["coverage"]["left_unseen"].as_u64().unwrap();
    assert!(left > 0, "{doc}");
    for (deck, recall) in ["deux", "un"].iter().zip(&together) {
        let (out, cell) = exam_cell(&scratch, deck, &[("FICHES_MINUTES", "2")]);
        assert_eq!(
            cell,
            format!("9 d · {:.0} %", recall * 100.0),
            "{}",
            out.stdout
        );
        // The cards the minutes leave unseen are the two decks' together.
        assert!(
            out.stdout.contains(&format!(
                "deux, un: At 2 minutes a day, {left} cards will not be seen before 2026-12-10;"
            )),
            "{}",
            out.stdout
        );
    }
}

#[test]
fn fiches_db_is_the_store_unless_a_flag_names_another_and_empty_is_unset() {
    let scratch = Scratch::new();
    scratch.write(
        "decks/d.yaml",
        "title: \"D\"\ncards:\n  - q: \"Q ?\"\n    a: \"R\"\n",
    );
    let from_env = scratch.path.join("env.db");
    let from_flag = scratch.path.join("flag.db");
    let env = |db: &str| vec![("FICHES_DB", db.to_string())];
    let run = |args: &[&str], db: &str| {
        let vars = env(db);
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
        fiches_with(&scratch.path, args, &vars, None)
    };
    // The variable alone chooses the store.
    let synced = run(&["sync"], from_env.to_str().unwrap());
    assert_eq!(synced.status, 0, "{}", synced.stderr);
    assert!(from_env.exists());
    // A flag, before the command or after it, wins over the variable.
    for args in [
        ["--db", from_flag.to_str().unwrap(), "sync"],
        ["sync", "--db", from_flag.to_str().unwrap()],
    ] {
        std::fs::remove_file(&from_flag).ok();
        let flagged = run(&args, scratch.path.join("other.db").to_str().unwrap());
        assert_eq!(flagged.status, 0, "{args:?}: {}", flagged.stderr);
        assert!(from_flag.exists(), "{args:?}");
        assert!(!scratch.path.join("other.db").exists(), "{args:?}");
    }
    // Empty, as unset: the default store under XDG_DATA_HOME, no usage error.
    let empty = run(&["sync"], "");
    assert_eq!(empty.status, 0, "{}", empty.stderr);
    assert!(scratch.path.join(".xdg-data/fiches/fiches.db").exists());
}
