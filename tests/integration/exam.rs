//! A student preparing an exam ten days away, scripted through
//! `review --plain --exam` across simulated days.

use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::support::{BIN, Run, Scratch, assert_contains, fiches_at, fiches_with};

const EXAM: &str = "2026-12-11";
/// The course's first day, ten days before the exam.
const DAY_ONE: &str = "2026-12-01T09:00:00-05:00";

/// A scratch folder with the course's deck, its store to be `store.db`.
fn course() -> Scratch {
    let scratch = Scratch::new();
    scratch.write("decks/intra.yaml", deck());
    scratch
}

/// `fiches` on the first day, with `FICHES_MINUTES` set to `minutes`.
fn with_minutes(scratch: &Scratch, minutes: &str, args: &[&str], stdin: Option<&str>) -> Run {
    fiches_with(
        &scratch.path,
        args,
        &[
            ("FICHES_DB", scratch.path.join("store.db").to_str().unwrap()),
            ("FICHES_NOW", DAY_ONE),
            ("FICHES_MINUTES", minutes),
        ],
        stdin,
    )
}

fn deck() -> String {
    let mut text = String::from("title: \"Intra\"\ncards:\n");
    for i in 1..=60 {
        text.push_str(&format!(
            "  - id: \"c{i}\"\n    q: \"Question {i} ?\"\n    a: \"Réponse {i}.\"\n"
        ));
    }
    text
}

/// The student knows every card but those numbered by 7, which they keep
/// failing; they stop when the session brings a card back a second time.
fn rating_for(card: u32) -> &'static str {
    if weak(card) { "2" } else { "5" }
}

fn weak(card: u32) -> bool {
    card.is_multiple_of(7)
}

/// One day's session; returns the cards shown, in order.
fn study(scratch: &Scratch, day: &str) -> Vec<u32> {
    let mut child = Command::new(BIN)
        .args(["review", "--plain", "--exam", EXAM])
        .current_dir(&scratch.path)
        .env("FICHES_DB", scratch.path.join("store.db"))
        .env("FICHES_NOW", format!("{day}T09:00:00-05:00"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut shown = Vec::new();
    // Whether anything but cards to relearn is left, from the card's header.
    let mut more_than_repeats = true;
    for line in stdout.lines() {
        let line = line.unwrap();
        if let Some((_, left)) = line.split_once(" · new ") {
            more_than_repeats = !left.starts_with("0,") || !left.ends_with("due 0");
        }
        let Some(question) = line.strip_prefix("Q: Question ") else {
            continue;
        };
        let card: u32 = question.trim_end_matches(" ?").parse().unwrap();
        if shown.contains(&card) {
            // Back for relearning: rated as before while other cards are
            // left; only repeats left, the student has had enough for today.
            let answer = if more_than_repeats {
                format!("\n{}\n", rating_for(card))
            } else {
                "q\n".to_string()
            };
            let _ = stdin.write_all(answer.as_bytes());
            continue;
        }
        shown.push(card);
        stdin
            .write_all(format!("\n{}\n", rating_for(card)).as_bytes())
            .unwrap();
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
    shown
}

fn cards(scratch: &Scratch, day: &str) -> HashMap<u32, Value> {
    let run = fiches_at(
        &scratch.path,
        &format!("{day}T09:00:00-05:00"),
        &["cards", "--json"],
        None,
    );
    let cards: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    cards
        .into_iter()
        .map(|c| {
            let n = c["id"].as_str().unwrap()[1..].parse().unwrap();
            (n, c)
        })
        .collect()
}

#[test]
fn every_card_is_learnt_in_time_and_the_eve_brings_back_the_weak_ones() {
    let scratch = course();
    let days: Vec<String> = (1..=10).map(|d| format!("2026-12-{d:02}")).collect();
    let mut first_seen: HashMap<u32, String> = HashMap::new();
    for (i, day) in days.iter().enumerate() {
        let eve = i == days.len() - 1;
        let before = cards(&scratch, day);
        let shown = study(&scratch, day);
        for card in &shown {
            first_seen.entry(*card).or_insert_with(|| day.clone());
        }
        if i == 0 {
            // Without a time limit, every card is introduced at once.
            assert_eq!(shown.len(), 60, "{day}: {shown:?}");
        }
        if eve {
            // The final pass: every card not yet known comes back.
            let got: BTreeSet<u32> = shown.iter().copied().collect();
            for (n, card) in &before {
                if card["last_rating"].as_u64().is_some_and(|r| r < 4) {
                    assert!(got.contains(n), "weak card {n} not in the final pass");
                }
            }
            for n in (1..=60).filter(|n| weak(*n)) {
                assert!(got.contains(&n), "weak card {n} not in the final pass");
            }
        }
        for (n, card) in cards(&scratch, day) {
            let due = card["due"].as_str().unwrap_or("");
            assert!(
                due <= EXAM,
                "{day}: card {n} scheduled after the exam: {due}"
            );
        }
    }
    // Every card seen before the exam.
    assert_eq!(first_seen.len(), 60);
    assert!(first_seen.values().all(|d| d.as_str() < EXAM));

    // The plan as stats tell it, on the eve.
    let run = fiches_at(
        &scratch.path,
        "2026-12-10T20:00:00-05:00",
        &["stats", "--json", "--exam", EXAM],
        None,
    );
    let stats: Value = serde_json::from_str(&run.stdout).unwrap();
    let exam = &stats["decks"][0]["exam"];
    assert_eq!(exam["date"], EXAM);
    assert_eq!(exam["days_left"], 1);
    assert_eq!(exam["unseen"], 0);
    // Known: every card but the weak ones (latest rating 2).
    assert_eq!(exam["known"], 60 - (1..=60).filter(|n| weak(*n)).count());
}

#[test]
fn minutes_cap_the_exam_plan_and_say_when_they_cannot_cover_the_course() {
    let scratch = course();
    // No history: 12 s a card, 18 s a first sight; one minute holds three.
    let run = fiches_at(
        &scratch.path,
        DAY_ONE,
        &["review", "--plain", "--exam", EXAM, "--minutes", "1"],
        Some(""),
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_contains(&run.stdout, "card 1 / 3 · new 3");
    // 10 days × 60 s / 18 s = 33 of 60 cards; 60 × 18 s / 10 days = 1.8 minutes.
    assert!(
        run.stdout.starts_with(
            "At 1 minute a day, 27 cards will not be seen before 2026-12-11; 2 minutes a day would cover them."
        ),
        "{}",
        run.stdout
    );
    // FICHES_MINUTES says the same; enough minutes say nothing.
    let run = with_minutes(
        &scratch,
        "30",
        &["review", "--plain", "--exam", EXAM],
        Some(""),
    );
    assert_contains(&run.stdout, "card 1 / 60 · new 60");
    assert!(!run.stdout.contains("will not be seen"), "{}", run.stdout);
    // Without an exam, minutes still cap the day: one minute, three first sights.
    let run = fiches_at(
        &scratch.path,
        DAY_ONE,
        &["review", "--plain", "--minutes", "1", "--new", "10"],
        Some(""),
    );
    assert_contains(&run.stdout, "card 1 / 3 · new 3");
    for bad in ["0", "-5", "100000", "soon"] {
        let run = fiches_at(
            &scratch.path,
            DAY_ONE,
            &["review", "--plain", &format!("--minutes={bad}")],
            Some(""),
        );
        assert_eq!(run.status, 2, "--minutes {bad}: {}", run.stderr);
        assert_contains(&run.stderr, "minutes");
    }
}

#[test]
fn an_exam_named_in_the_deck_plans_without_the_flag_and_cram_leaves_the_schedule() {
    let scratch = Scratch::new();
    scratch.write(
        "decks/intra.yaml",
        deck().replacen("cards:\n", &format!("exam: \"{EXAM}\"\ncards:\n"), 1),
    );
    let run = fiches_at(&scratch.path, DAY_ONE, &["review", "--plain"], Some(""));
    assert_contains(&run.stdout, "card 1 / 60 · new 60");
    let before = cards(&scratch, "2026-12-01");
    let run = fiches_at(
        &scratch.path,
        DAY_ONE,
        &["review", "--plain", "--cram"],
        Some("\n1\n\n1\n"),
    );
    // Weakest first: nothing rated yet, so deck order; all 60 cards.
    assert_contains(&run.stdout, "card 1 / 60");
    // A never-reviewed card keeps having no review day, and says so.
    assert_contains(
        &run.stdout,
        "Saved 1: a cram leaves the schedule alone; this card has no review day yet.",
    );
    assert!(!run.stdout.contains("next review ."), "{}", run.stdout);
    let after = cards(&scratch, "2026-12-01");
    for n in 1..=60 {
        assert_eq!(before[&n]["due"], after[&n]["due"], "card {n}");
        assert_eq!(before[&n]["reps"], after[&n]["reps"], "card {n}");
    }
    assert_eq!(
        before[&1]["last_rating"], after[&1]["last_rating"],
        "state untouched"
    );
    let run = fiches_at(&scratch.path, DAY_ONE, &["stats", "--json"], None);
    let stats: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        stats["decks"][0]["reviews_today"], 2,
        "the cram's ratings are logged"
    );

    // What was seen, crammed or not, is no longer new to the plan: never-seen
    // cards first, then the two crammed ones.
    let run = fiches_at(
        &scratch.path,
        DAY_ONE,
        &["review", "--plain"],
        Some("\n5\n\n5\n"),
    );
    assert_contains(
        &run.stdout,
        "card 1 / 60 · new 58, relearning 0, due 2\nQ: Question 3 ?",
    );
    let run = fiches_at(&scratch.path, DAY_ONE, &["review", "--plain"], Some(""));
    assert_contains(&run.stdout, "· new 56,");

    // An exam day already past plans nothing: day by day, with a word.
    let run = fiches_at(
        &scratch.path,
        DAY_ONE,
        &["review", "--plain", "--exam", "2026-11-01"],
        Some(""),
    );
    assert_contains(&run.stderr, "the exam day 2026-11-01 is not to come");
}

/// Without --minutes, the first screen judges the course against the
/// student's usual minutes a day, as readiness and stats --exam do.
#[test]
fn without_minutes_the_first_screen_weighs_the_usual_minutes_a_day() {
    let scratch = course();
    // Three study days of two quick ratings each: about a minute a day.
    for day in ["2026-11-28", "2026-11-29", "2026-11-30"] {
        let run = fiches_at(
            &scratch.path,
            &format!("{day}T09:00:00-05:00"),
            &["review", "--plain"],
            Some("\n5\n\n5\nq\n"),
        );
        assert_eq!(run.status, 0, "{}", run.stderr);
    }
    let run = fiches_at(
        &scratch.path,
        DAY_ONE,
        &["review", "--plain", "--exam", EXAM],
        Some(""),
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    // 56 unseen; 10 days × 60 s / 18 s = 33 seen; 56 × 18 s / 10 days = 1.7 minutes.
    let line = "At 1 minute a day (your usual time, from your last 3 study days; --minutes N to change), 23 cards will not be seen before 2026-12-11; 2 minutes a day would cover them.";
    assert!(run.stdout.starts_with(line), "{}", run.stdout);
    // readiness assumes the same minutes, and says the same.
    let run = fiches_at(&scratch.path, DAY_ONE, &["readiness", "--on", EXAM], None);
    assert!(
        run.stdout.contains("at 1 minute a day (your usual time"),
        "{}",
        run.stdout
    );
    assert_contains(&run.stdout, "23 cards will not be seen");
    // Minutes given are taken as they are.
    let run = fiches_at(
        &scratch.path,
        DAY_ONE,
        &["review", "--plain", "--exam", EXAM, "--minutes", "30"],
        Some(""),
    );
    assert!(!run.stdout.contains("will not be seen"), "{}", run.stdout);
}

#[test]
fn stats_and_readiness_say_when_the_minutes_cannot_cover_the_course() {
    let scratch = course();
    // The same figures as the session's first screen: 10 days × 60 s / 18 s
    // = 33 of 60 cards seen at one minute a day; 2 minutes would see them all.
    let line = "At 1 minute a day, 27 cards will not be seen before 2026-12-11; 2 minutes a day would cover them.";
    let run = fiches_at(
        &scratch.path,
        DAY_ONE,
        &["stats", "--exam", EXAM, "--minutes", "1"],
        None,
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_contains(&run.stdout, line);
    assert_contains(&run.stdout, "(Planned at 1 minute a day.)");
    let run = with_minutes(&scratch, "1", &["stats", "--exam", EXAM, "--json"], None);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["minutes_a_day"], 1, "{doc}");
    assert_eq!(doc["minutes_from"]["source"], "given");
    let cover = &doc["coverage"][0];
    assert_eq!(cover["exam"], EXAM);
    assert_eq!(cover["left_unseen"], 27);
    assert_eq!(cover["minutes_needed"], 2);
    assert_eq!(cover["warning"], line);
    // Without minutes and with no study day in the log: a stated default,
    // which covers these 60 cards.
    let run = fiches_at(
        &scratch.path,
        DAY_ONE,
        &["stats", "--exam", EXAM, "--json"],
        None,
    );
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["minutes_from"]["source"], "default", "{doc}");
    assert_eq!(doc["coverage"][0]["left_unseen"], 0);
    assert!(doc["coverage"][0]["warning"].is_null());
    let run = fiches_at(&scratch.path, DAY_ONE, &["stats", "--exam", EXAM], None);
    assert_contains(&run.stdout, "assumed");
    assert_contains(&run.stdout, "Every card is seen before 2026-12-11");

    // readiness says the same, and what "with the plan" assumed.
    let run = fiches_at(
        &scratch.path,
        DAY_ONE,
        &["readiness", "--on", EXAM, "--minutes", "1"],
        None,
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_contains(&run.stdout, line);
    let run = fiches_at(&scratch.path, DAY_ONE, &["readiness", "--on", EXAM], None);
    assert!(
        run.stdout
            .contains("follows the exam plan every day at 15 minutes a day (assumed"),
        "{}",
        run.stdout
    );
    let run = with_minutes(&scratch, "1", &["readiness", "--on", EXAM, "--json"], None);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["coverage"]["left_unseen"], 27, "{doc}");
    assert_eq!(doc["minutes_from"]["source"], "given");
    // With a minute a day the plan cannot see every card: the forecast
    // with the plan says less than with fifteen.
    let fifteen = fiches_at(
        &scratch.path,
        DAY_ONE,
        &["readiness", "--on", EXAM, "--json"],
        None,
    );
    let fifteen: Value = serde_json::from_str(&fifteen.stdout).unwrap();
    assert_eq!(fifteen["minutes_a_day"], 15);
    assert!(
        doc["with_plan"].as_f64().unwrap() < fifteen["with_plan"].as_f64().unwrap(),
        "{doc} {fifteen}"
    );

    // Bad minutes and days to come: usage errors, exit 2.
    for args in [
        &["readiness", "--minutes", "0"][..],
        &["readiness", "--minutes=-3"],
        &["readiness", "--minutes", "100000"],
        &["stats", "--minutes", "0"],
        &["stats", "--exam", EXAM, "--minutes", "lots"],
    ] {
        let run = fiches_at(&scratch.path, DAY_ONE, args, None);
        assert_eq!(run.status, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("minutes"), "{args:?}: {}", run.stderr);
    }
    let run = fiches_at(
        &scratch.path,
        DAY_ONE,
        &["readiness", "--on", "2026-11-30"],
        None,
    );
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert_contains(&run.stderr, "in the past");
}
