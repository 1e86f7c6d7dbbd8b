//! A graded card's verdict, stored with its rating: the model replays the
//! card by it, calibration sets the self-rating against it, and the review
//! log an instructor gathers carries it.

use serde_json::Value;

use crate::support::{Scratch, assert_contains, fiches_at};

const DECK: &str = r#"title: "Vrai ou faux"
cards:
  - id: "vf1"
    kind: truefalse
    q: "Premier ?"
    answer: true
  - id: "vf2"
    kind: truefalse
    q: "Deuxième ?"
    answer: true
  - id: "vf3"
    kind: truefalse
    q: "Troisième ?"
    answer: true
"#;

const DAY_ONE: &str = "2026-12-01T09:00:00-05:00";

/// vf1 right, rated 4 (proposed); vf2 wrong, rated 4 all the same; vf3
/// wrong, rated 1 (proposed), then right when it comes back, rated 4.
fn reviewed() -> Scratch {
    let scratch = Scratch::new();
    scratch.write("decks/vf.yaml", DECK);
    let out = fiches_at(
        &scratch.path,
        DAY_ONE,
        &["review", "--plain"],
        Some("v\n\nf\n4\nf\n\nv\n\n"),
    );
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(out.stdout.matches("Wrong.").count(), 2, "{}", out.stdout);
    assert_eq!(out.stdout.matches("Right.").count(), 2, "{}", out.stdout);
    scratch
}

#[test]
fn the_model_replays_a_graded_card_by_its_verdict() {
    let scratch = reviewed();
    let out = fiches_at(
        &scratch.path,
        "2026-12-05T09:00:00-05:00",
        &["readiness", "--json"],
        None,
    );
    assert_eq!(out.status, 0, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let recall = |question: &str| {
        doc["weakest"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["question"] == question)
            .and_then(|c| c["predicted_recall"].as_f64())
            .unwrap_or_else(|| panic!("no {question} in {doc}"))
    };
    // Both rated 4 on the same day: the one answered wrong is remembered
    // as a lapse, the one answered right as a recall.
    assert!(
        recall("Deuxième ?") + 0.1 < recall("Premier ?"),
        "{}",
        out.stdout
    );
}

#[test]
fn calibration_sets_self_ratings_against_the_grade() {
    let scratch = reviewed();
    let json = fiches_at(
        &scratch.path,
        DAY_ONE,
        &["stats", "--calibration", "--json"],
        None,
    );
    assert_eq!(json.status, 0, "{}", json.stderr);
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    let rating = &doc["self_rating"];
    assert_eq!(rating["graded"], 4, "{rating}");
    assert_eq!(rating["at_odds"], 1, "{rating}");
    let rows: Vec<(String, u64, u64)> = rating["by_verdict"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["verdict"].as_str().unwrap().to_string(),
                r["rating"].as_u64().unwrap(),
                r["reviews"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("wrong".to_string(), 1, 1),
            ("wrong".to_string(), 4, 1),
            ("right".to_string(), 4, 2),
        ]
    );
    let text = fiches_at(&scratch.path, DAY_ONE, &["stats", "--calibration"], None);
    assert_eq!(text.status, 0, "{}", text.stderr);
    assert_contains(
        &text.stdout,
        "you rate 4 when the card was marked wrong (1 rating)",
    );
    assert_contains(&text.stdout, "(4 ratings, 1 at odds with it)");
}

#[test]
fn the_review_log_carries_each_verdict() {
    let scratch = reviewed();
    for (file, format) in [("log.jsonl", "jsonl"), ("log.csv", "csv")] {
        let out = fiches_at(
            &scratch.path,
            DAY_ONE,
            &["export", "--log", "-o", file, "--format", format],
            None,
        );
        assert_eq!(out.status, 0, "{}", out.stderr);
    }
    let jsonl = std::fs::read_to_string(scratch.path.join("log.jsonl")).unwrap();
    let verdicts: Vec<(String, u64, String)> = jsonl
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["card"].as_str().unwrap().to_string(),
                v["rating"].as_u64().unwrap(),
                v["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: Vec<(String, u64, String)> = [
        ("vf1", 4, "right"),
        ("vf2", 4, "wrong"),
        ("vf3", 1, "wrong"),
        ("vf3", 4, "right"),
    ]
    .iter()
    .map(|&(c, r, v)| (c.to_string(), r, v.to_string()))
    .collect();
    assert_eq!(verdicts, expected);
    let csv = std::fs::read_to_string(scratch.path.join("log.csv")).unwrap();
    assert!(
        csv.lines().next().unwrap().ends_with(",ticks,verdict"),
        "{csv}"
    );
    let last: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap())
        .collect();
    assert_eq!(last, ["right", "wrong", "wrong", "right"], "{csv}");
    // The class report reads both (the same ratings, counted once), each
    // graded card by its verdict: vf2, rated 4 but answered wrong, is a
    // lapse first known as a 1, and among the hardest with vf3.
    let report = |format: &str| {
        let run = fiches_at(
            &scratch.path,
            DAY_ONE,
            &["report", "log.jsonl", "log.csv", "--format", format],
            None,
        );
        assert_eq!(run.status, 0, "{}", run.stderr);
        run.stdout
    };
    let json: Value = serde_json::from_str(&report("json")).unwrap();
    assert_eq!(
        (json["reviews"].clone(), json["duplicates"].clone()),
        (4.into(), 4.into())
    );
    let figures = |card: &str| -> (f64, f64, u64) {
        let c = json["cards"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["card"] == card)
            .unwrap_or_else(|| panic!("no {card} in {json}"));
        (
            c["lapse_rate"].as_f64().unwrap(),
            c["mean_first_rating"].as_f64().unwrap(),
            c["graded"].as_u64().unwrap(),
        )
    };
    assert_eq!(figures("vf1"), (0.0, 4.0, 1));
    assert_eq!(figures("vf2"), (1.0, 1.0, 1));
    assert_eq!(figures("vf3"), (1.0, 1.0, 2));
    let hardest: Vec<&str> = json["hardest"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["card"].as_str().unwrap())
        .collect();
    assert_eq!(hardest, ["vf3", "vf2", "vf1"], "{json}");
    let text = report("text");
    assert!(
        text.contains(
            "  2. vf.yaml:7  Deuxième ?\n     1 student, 1 review, lapse rate 100 %, mean first rating 1.0, ticked –, 1 graded\n"
        ),
        "{text}"
    );
}
