//! Anki export and import, checked by Anki's own backend (the `anki`
//! package from PyPI, which `.ci/run` installs in a virtual environment
//! and names in FICHES_ANKI_PYTHON).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::support::{Scratch, fiches_with};

pub(crate) const DECK: &str = r#"title: "Cours d'essai"
tags: ["essai"]
cards:
  - id: "liste"
    q: "Les 3 étapes ?"
    points: 3
    a: ["Accueillir", "Écouter & <reformuler>", "Conclure"]
    tags: ["liste", "chapitre 1"]
  - q: "Sans identifiant ?"
    a: "Oui, \"vraiment\"."
  - id: "trou"
    kind: cloze
    q: "La compensation est optimale entre ______ et ______ du préjudice."
    blanks: [["70 %", "70"], "80 %"]
  - id: "choix"
    kind: choice
    q: "Quelle couleur ?"
    choices: ["Rouge", "Vert", "Bleu"]
    correct: 2
  - id: "vf"
    kind: truefalse
    q: "Le client a toujours raison."
    answer: false
    a: "Pas toujours."
  - id: "paires"
    kind: match
    q: "Associez."
    pairs:
      - "Un": "1"
      - "Deux": "2"
"#;

/// Basic cards only, so that a scripted session rates them in a known order.
pub(crate) const BASIC_DECK: &str = r#"title: "Cours d'essai"
cards:
  - id: "un"
    q: "Première ?"
    a: "Une."
  - q: "Sans identifiant ?"
    a: ["a", "b"]
  - id: "trois"
    q: "Troisième ?"
    a: "Trois."
"#;

/// The Python with Anki's backend, or `None` (after saying why) outside CI.
pub(crate) fn anki_python() -> Option<PathBuf> {
    let found = std::env::var_os("FICHES_ANKI_PYTHON")
        .map(PathBuf::from)
        .filter(|p| p.exists());
    match found {
        Some(python) => Some(python),
        None if std::env::var_os("CI").is_some() => {
            panic!(
                "FICHES_ANKI_PYTHON is not set or does not exist: .ci/run installs Anki's Python backend and sets it"
            )
        }
        None => {
            eprintln!(
                "skipping: FICHES_ANKI_PYTHON is not set (bash .ci/run installs the `anki` package in a virtual environment and sets it)"
            );
            None
        }
    }
}

/// Runs tests/anki/anki_check.py with Anki's backend; its JSON answer.
pub(crate) fn anki(python: &Path, args: &[&str]) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/anki/anki_check.py");
    let output = Command::new(python)
        .arg(script)
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "anki_check.py {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn now_local(days_ago: i64) -> String {
    (chrono::Local::now() - chrono::Duration::days(days_ago)).to_rfc3339()
}

struct Course {
    scratch: Scratch,
}

impl Course {
    fn new() -> Course {
        let scratch = Scratch::new();
        scratch.write("decks/essai.yaml", DECK);
        Course { scratch }
    }

    fn path(&self, name: &str) -> String {
        self.scratch.path.join(name).to_str().unwrap().to_string()
    }

    fn fiches(&self, now: &str, args: &[&str], input: Option<&str>) -> crate::support::Run {
        let db = self.path("store.db");
        let run = fiches_with(
            &self.scratch.path,
            args,
            &[("FICHES_NOW", now), ("FICHES_DB", &db)],
            input,
        );
        assert_eq!(run.status, 0, "{args:?}\n{}\n{}", run.stdout, run.stderr);
        run
    }
}

fn note<'v>(state: &'v Value, guid: &str) -> &'v Value {
    let note = &state["notes"][guid];
    assert!(note.is_object(), "no note {guid} in {state}");
    note
}

#[test]
fn anki_imports_a_package_and_updates_it_when_imported_again() {
    let Some(python) = anki_python() else { return };
    let course = Course::new();
    let now = now_local(0);
    let first = course.path("first.apkg");
    course.fiches(&now, &["export", "decks", "-o", &first], None);
    // The deck edited, exported again: the same notes, one changed.
    course.scratch.write(
        "decks/essai.yaml",
        DECK.replace("\"Conclure\"", "\"Conclure et remercier\""),
    );
    // Later: Anki updates a note only from a newer one.
    let later = (chrono::Local::now() + chrono::Duration::minutes(1)).to_rfc3339();
    let second = course.path("second.apkg");
    course.fiches(&later, &["export", "decks", "-o", &second], None);

    let result = anki(&python, &["import", &first, "--again", &second]);
    let state = &result["after_first"];
    assert_eq!(result["first"]["new"], 6, "{result}");
    assert_eq!(state["note_count"], 6);
    // A cloze note has a card per blank; every other note one.
    assert_eq!(state["card_count"], 7);
    assert_eq!(state["decks"], serde_json::json!(["Cours d'essai"]));

    let list = note(state, "liste");
    assert_eq!(list["notetype"], "Basic (fiches)");
    assert_eq!(
        list["fields"],
        serde_json::json!([
            "Les 3 étapes ?",
            "<ul><li>Accueillir</li><li>Écouter &amp; &lt;reformuler&gt;</li><li>Conclure</li></ul>"
        ])
    );
    assert_eq!(
        list["tags"],
        serde_json::json!(["chapitre_1", "essai", "liste"])
    );
    let cloze = note(state, "trou");
    assert_eq!(cloze["notetype"], "Cloze (fiches)");
    assert_eq!(
        cloze["fields"][0],
        "La compensation est optimale entre {{c1::70 %}} et {{c2::80 %}} du préjudice."
    );
    assert_eq!(cloze["cards"].as_array().unwrap().len(), 2);
    let choice = note(state, "choix");
    assert!(
        choice["fields"][0]
            .as_str()
            .unwrap()
            .contains("<li>b) Vert</li>"),
        "{choice}"
    );
    assert_eq!(choice["fields"][1], "Vert");
    assert_eq!(
        note(state, "vf")["fields"][1],
        "<ul><li>Faux.</li><li>Pas toujours.</li></ul>"
    );
    assert_eq!(
        note(state, "paires")["fields"][1],
        "<ul><li>Un → 1</li><li>Deux → 2</li></ul>"
    );
    // The card without an id has a GUID derived from its deck and question.
    let derived: Vec<&String> = state["notes"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|g| g.starts_with("fiches-"))
        .collect();
    assert_eq!(derived.len(), 1, "{state}");
    assert_eq!(
        state["notes"][derived[0]]["fields"][1],
        "Oui, &quot;vraiment&quot;."
    );

    // Imported again: the notes updated (each is newer), none added.
    assert_eq!(result["second"]["new"], 0, "{result}");
    assert_eq!(result["second"]["updated"], 6, "{result}");
    assert_eq!(result["after_second"]["note_count"], 6);
    assert!(
        note(&result["after_second"], "liste")["fields"][1]
            .as_str()
            .unwrap()
            .contains("Conclure et remercier")
    );
}

#[test]
fn scheduling_and_the_review_log_go_along_with_the_package() {
    let Some(python) = anki_python() else { return };
    let course = Course::new();
    course.scratch.write("decks/essai.yaml", BASIC_DECK);
    // Three days ago: the first two cards rated 5 and 2 (a lapse).
    let before = now_local(3);
    course.fiches(
        &before,
        &["review", "--plain", "--new", "2", "decks"],
        Some("\n5\n\n2\n\n4\n"),
    );
    let now = now_local(0);
    let cards: Vec<Value> = serde_json::from_str(
        &course
            .fiches(&now, &["cards", "--json", "decks"], None)
            .stdout,
    )
    .unwrap();
    let package = course.path("scheduled.apkg");
    course.fiches(
        &now,
        &["export", "decks", "--with-scheduling", "-o", &package],
        None,
    );
    let result = anki(&python, &["import", &package, "--scheduling"]);
    let state = &result["after_first"];
    assert_eq!(state["note_count"], 3, "{result}");

    let today = chrono::DateTime::parse_from_rfc3339(&now).unwrap();
    let study_day = fiches::clock::study_day(today);
    let mut reviewed = 0;
    let mut log_total = 0;
    for card in &cards {
        // A card without an id is found by its question.
        let id = match card["id"].as_str() {
            Some(id) => id.to_string(),
            None => state["notes"]
                .as_object()
                .unwrap()
                .iter()
                .find(|(_, n)| n["fields"][0] == card["question"])
                .map(|(guid, _)| guid.clone())
                .unwrap(),
        };
        let id = id.as_str();
        let anki_card = &note(state, id)["cards"][0];
        match card["due"].as_str() {
            Some(due) => {
                reviewed += 1;
                let due = chrono::NaiveDate::parse_from_str(due, "%Y-%m-%d").unwrap();
                assert_eq!(anki_card["queue"], 2, "{id}: {anki_card}");
                assert_eq!(
                    anki_card["due_in_days"],
                    (due - study_day).num_days(),
                    "{id}: {anki_card}"
                );
                assert_eq!(
                    anki_card["interval"],
                    card["interval"].as_u64().unwrap().max(1)
                );
                assert_eq!(
                    anki_card["factor"].as_f64().unwrap(),
                    (card["ef"].as_f64().unwrap() * 1000.0).round()
                );
                assert_eq!(anki_card["reps"], card["reps"]);
                assert_eq!(anki_card["lapses"], card["lapses"]);
            }
            None => assert_eq!(anki_card["queue"], 0, "{id}: {anki_card}"),
        }
        log_total += anki_card["revlog"].as_u64().unwrap();
    }
    assert_eq!(reviewed, 2, "{cards:?}");
    // 5 for the first card; 2, then 4 when it came back, for the second.
    let store = rusqlite::Connection::open(course.path("store.db")).unwrap();
    let ratings: i64 = store
        .query_row("SELECT count(*) FROM reviews", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ratings, 3);
    assert_eq!(log_total, ratings as u64);
    assert_eq!(state["revlog_count"], ratings);

    // Without --with-scheduling, every card arrives new and without a log.
    let plain = course.path("plain.apkg");
    course.fiches(&now, &["export", "decks", "-o", &plain], None);
    let result = anki(&python, &["import", &plain, "--scheduling"]);
    assert_eq!(result["after_first"]["revlog_count"], 0, "{result}");
    assert_eq!(note(&result["after_first"], "un")["cards"][0]["queue"], 0);
}

#[test]
fn anki_imports_the_text_export_with_its_decks_tags_and_guids() {
    let Some(python) = anki_python() else { return };
    let course = Course::new();
    let now = now_local(0);
    let text = course.path("essai.txt");
    course.fiches(
        &now,
        &["export", "decks", "--format", "anki-text", "-o", &text],
        None,
    );
    let result = anki(&python, &["import", &text, "--again", &text]);
    let state = &result["after_first"];
    assert_eq!(result["first"]["new"], 6, "{result}");
    assert_eq!(state["note_count"], 6);
    assert_eq!(state["card_count"], 7);
    assert_eq!(state["decks"], serde_json::json!(["Cours d'essai"]));
    let list = note(state, "liste");
    assert_eq!(list["notetype"], "Basic");
    assert_eq!(
        list["tags"],
        serde_json::json!(["chapitre_1", "essai", "liste"])
    );
    assert_eq!(note(state, "trou")["notetype"], "Cloze");
    assert_eq!(
        note(state, "trou")["fields"][0],
        "La compensation est optimale entre {{c1::70 %}} et {{c2::80 %}} du préjudice."
    );
    assert_eq!(result["second"]["new"], 0, "{result}");
    assert_eq!(result["after_second"]["note_count"], 6);
}

#[test]
fn exports_refuse_to_replace_a_file_and_leave_out_decks_with_errors() {
    let course = Course::new();
    let now = now_local(0);
    let out = course.scratch.write("taken.apkg", "mine");
    let run = fiches_with(
        &course.scratch.path,
        &["export", "decks", "-o", out.to_str().unwrap()],
        &[("FICHES_NOW", &now)],
        None,
    );
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains("already exists"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "mine");

    course
        .scratch
        .write("decks/broken.yaml", "title: x\ncards:\n  - q: 1\n");
    let csv = course.path("out.csv");
    let run = fiches_with(
        &course.scratch.path,
        &["export", "decks", "-o", &csv],
        &[("FICHES_NOW", &now)],
        None,
    );
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(run.stderr.contains("broken.yaml"), "{}", run.stderr);
    let written = std::fs::read_to_string(&csv).unwrap();
    assert!(written.starts_with("guid,notetype,deck,front,back,tags\r\n"));
    assert_eq!(written.lines().count(), 7, "{written}");
    // Nothing but the output is left beside it.
    let leftovers: Vec<_> = std::fs::read_dir(&course.scratch.path)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
