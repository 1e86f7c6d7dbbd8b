//! True/false, multiple-choice, fill-in-the-blank and matching cards,
//! answered and graded through `review --plain`.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use crate::support::{BIN, Scratch, assert_contains};

const DECK: &str = r#"title: "Sortes"
cards:
  - id: "vf"
    kind: truefalse
    q: "L'échec de service est évitable."
    answer: false
    a: "Le zéro défaut n'existe pas."
  - id: "qcm"
    kind: choice
    q: "Plus grande source d'enseignement ?"
    choices: ["Les employés", "Les clients les plus mécontents", "Les études"]
    correct: "Les clients les plus mécontents"
  - id: "trous"
    kind: cloze
    q: "Réagir rapidement et ______ ; le client ______."
    blanks: ["efficacement", ["revient", "reviendra"]]
  - id: "paires"
    kind: match
    q: "Associez."
    pairs:
      - "Justice procédurale": "les règles"
      - "Justice interactive": "le traitement"
      - "Justice distributive": "le résultat"
"#;

/// Answers every card right (a typo in the first blank), then confirms the
/// proposed rating with Enter; returns the whole transcript.
fn answer_all_right(scratch: &Scratch) -> String {
    let mut child = Command::new(BIN)
        .args(["review", "--plain"])
        .current_dir(&scratch.path)
        .env("FICHES_DB", scratch.path.join("s.db"))
        .env("FICHES_NOW", "2026-12-01T09:00:00-05:00")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut transcript = String::new();
    let mut shown: Vec<(char, String)> = Vec::new();
    let mut lefts: Vec<String> = Vec::new();
    let mut blank = 0;
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        transcript.push_str(&line);
        transcript.push('\n');
        let reply = if line.starts_with("Vrai ou faux ?") {
            Some("f".to_string())
        } else if let Some(rest) = line
            .strip_prefix("  ")
            .filter(|r| r.chars().nth(1) == Some(')'))
        {
            let letter = rest.chars().next().unwrap();
            shown.push((letter, rest[3..].to_string()));
            None
        } else if let Some((n, left)) = line
            .trim()
            .split_once(". ")
            .filter(|_| line.starts_with("  "))
        {
            if n.parse::<usize>().is_ok() {
                lefts.push(left.to_string());
            }
            None
        } else if line.starts_with("Your choice") {
            let right = shown
                .iter()
                .find(|(_, t)| t == "Les clients les plus mécontents")
                .unwrap();
            Some(right.0.to_string())
        } else if line.starts_with("Blank ") {
            blank += 1;
            Some(
                if blank == 1 {
                    "eficacement"
                } else {
                    "Reviendra !"
                }
                .to_string(),
            )
        } else if line.starts_with("Your pairs") {
            let expected = [
                ("Justice procédurale", "les règles"),
                ("Justice interactive", "le traitement"),
                ("Justice distributive", "le résultat"),
            ];
            let pairs: Vec<String> = lefts
                .iter()
                .enumerate()
                .map(|(i, left)| {
                    let right = expected.iter().find(|(l, _)| l == left).unwrap().1;
                    let letter = shown.iter().find(|(_, t)| t == right).unwrap().0;
                    format!("{}{letter}", i + 1)
                })
                .collect();
            Some(pairs.join(" "))
        } else if line.starts_with("How well did you know this?") {
            shown.clear();
            lefts.clear();
            Some(String::new())
        } else {
            None
        };
        if let Some(reply) = reply {
            stdin.write_all(format!("{reply}\n").as_bytes()).unwrap();
        }
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
    transcript
}

#[test]
fn graded_cards_are_asked_graded_and_rated() {
    let scratch = Scratch::new();
    scratch.write("decks/sortes.yaml", DECK);
    let transcript = answer_all_right(&scratch);
    assert_eq!(transcript.matches("Right.").count(), 4, "{transcript}");
    assert!(
        transcript.contains("  almost: efficacement (counted right)"),
        "{transcript}"
    );
    assert!(
        transcript.contains("A:\n  • Faux.\n  • Le zéro défaut n'existe pas.\n"),
        "{transcript}"
    );
    assert!(
        transcript.contains("How well did you know this? 1 Not at all … 5 Perfectly (Enter: 4, u undo, q quit)\nSaved 4"),
        "{transcript}"
    );
    assert!(transcript.ends_with("Session over: 4 cards reviewed, 4 ratings (1: 0, 2: 0, 3: 0, 4: 4, 5: 0).\nNothing left for today.\n`fiches review --cram` goes through every card now (the schedule stays as it is).\nNext due: 2026-12-02 (4 cards).\n"), "{transcript}");
}

#[test]
fn wrong_answers_propose_one_and_bad_input_asks_again() {
    let scratch = Scratch::new();
    scratch.write("decks/sortes.yaml", DECK);
    let run = crate::support::fiches_with(
        &scratch.path,
        &["review", "--plain"],
        &[
            ("FICHES_DB", "s.db"),
            ("FICHES_NOW", "2026-12-01T09:00:00-05:00"),
        ],
        Some("peut-être\nv\n\nq\n"),
    );
    assert_contains(
        &run.stdout,
        "Please answer v (vrai) or f (faux).\nVrai ou faux ?",
    );
    assert_contains(&run.stdout, "Wrong.\nA:\n  • Faux.");
    assert_contains(&run.stdout, "(Enter: 1, u undo, q quit)\nSaved 1");
}

#[test]
fn preview_shows_each_kind_and_the_right_choices() {
    let scratch = Scratch::new();
    let deck = scratch.write("decks/sortes.yaml", DECK);
    let run = crate::support::fiches_with(
        &scratch.path,
        &["preview", deck.to_str().unwrap()],
        &[],
        None,
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_contains(&run.stdout, "kind: truefalse\nA:\n  • Faux.\n");
    assert!(
        run.stdout.contains("kind: choice\n    a) Les employés\n  ✓ b) Les clients les plus mécontents\n    c) Les études\n"),
        "{}",
        run.stdout
    );
    assert_contains(
        &run.stdout,
        "kind: match\nA:\n  • Justice procédurale → les règles\n",
    );
}
