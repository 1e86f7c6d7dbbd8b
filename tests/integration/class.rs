//! `fiches export --log` and `fiches report`: two students' logs merged
//! into the class report.

use serde_json::Value;

use crate::support::{Scratch, assert_contains, fiches_with};

struct Student {
    db: String,
}

fn run(
    scratch: &Scratch,
    student: &Student,
    args: &[&str],
    input: Option<&str>,
) -> crate::support::Run {
    let now = chrono::Local::now().to_rfc3339();
    fiches_with(
        &scratch.path,
        args,
        &[("FICHES_DB", &student.db), ("FICHES_NOW", &now)],
        input,
    )
}

#[test]
fn two_students_logs_make_the_class_report() {
    let scratch = Scratch::new();
    scratch.write("decks/essai.yaml", crate::anki::BASIC_DECK);
    let student = |name: &str| Student {
        db: scratch
            .path
            .join(name)
            .join("store.db")
            .to_str()
            .unwrap()
            .to_string(),
    };
    let (a, b) = (student("a"), student("b"));
    // A: "Première ?" 5, "Sans identifiant ?" 2, then 4 the same day.
    // B: "Première ?" 1, "Sans identifiant ?" 5, then "Première ?" 3 the same day.
    for (who, input) in [(&a, "\n5\n\n2\n\n4\n"), (&b, "\n1\n\n5\n\n3\n")] {
        let review = run(
            &scratch,
            who,
            &["review", "--plain", "--new", "2", "decks"],
            Some(input),
        );
        assert_eq!(review.status, 0, "{}", review.stderr);
    }
    let export = |who: &Student, out: &str| {
        let run = run(
            &scratch,
            who,
            &["export", "--log", "decks", "-o", out, "--force"],
            None,
        );
        assert_eq!(run.status, 0, "{}", run.stderr);
        assert_contains(&run.stderr, "3 ratings of 2 cards written to");
        std::fs::read_to_string(scratch.path.join(out)).unwrap()
    };
    let log_a = export(&a, "a.jsonl");
    let log_b = export(&b, "b.csv");
    assert!(
        log_b.starts_with("student,review,deck,file,line,card,"),
        "{log_b}"
    );
    let key = |line: &str| -> String {
        let value: Value = serde_json::from_str(line).unwrap();
        value["student"].as_str().unwrap().to_string()
    };
    let key_a = key(log_a.lines().next().unwrap());
    assert_eq!(key_a.len(), 32, "{key_a}");
    assert!(key_a.chars().all(|c| c.is_ascii_hexdigit()));
    assert!(log_a.lines().all(|l| key(l) == key_a));
    assert!(!log_b.contains(&key_a), "each store has its own key");
    // Made once: the next export has the same key.
    assert_eq!(key(export(&a, "a.jsonl").lines().next().unwrap()), key_a);
    // Nothing of the student's machine: no directory, no time of day.
    let home = scratch.path.to_str().unwrap();
    assert!(!log_a.contains(home) && !log_b.contains(home), "{log_a}");
    assert!(log_a.contains("\"file\":\"essai.yaml\""), "{log_a}");

    let report = |args: &[&str]| {
        let mut all = vec!["report", "a.jsonl", "b.csv"];
        all.extend_from_slice(args);
        let run = fiches_with(&scratch.path, &all, &[], None);
        assert_eq!(run.status, 0, "{}", run.stderr);
        run
    };
    let json: Value = serde_json::from_str(&report(&["--format", "json"]).stdout).unwrap();
    assert_eq!(json["students"], 2);
    assert_eq!(json["reviews"], 6);
    let hardest = &json["hardest"][0];
    assert_eq!(hardest["card"], "un", "{json}");
    assert_eq!(hardest["file"], "essai.yaml");
    assert_eq!(hardest["line"], 3);
    assert_eq!(hardest["students"], 2);
    assert_eq!(hardest["reviews"], 3);
    // Of the ratings that moved the schedule, 1 of 2 below 3; first ratings 5 and 1.
    assert_eq!(hardest["lapse_rate"], 0.5);
    assert_eq!(hardest["mean_first_rating"], 3.0);
    assert_eq!(json["hardest"][1]["mean_first_rating"], 3.5);
    assert_eq!(json["decks"][0]["name"], "essai");
    assert_eq!(json["decks"][0]["cards"], 2);

    let md = report(&["--format", "md"]).stdout;
    assert!(
        md.contains("| Première ? | essai.yaml:3 | 2 | 3 | 50 % | 3.0 | – | 0 |"),
        "{md}"
    );
    let text = report(&[]).stdout;
    assert!(text.contains("  1. essai.yaml:3  Première ?"), "{text}");

    // The same log given twice counts once, and says so.
    let twice = fiches_with(
        &scratch.path,
        &["report", "a.jsonl", "a.jsonl", "--format", "json"],
        &[],
        None,
    );
    assert_eq!(twice.status, 0, "{}", twice.stderr);
    let json: Value = serde_json::from_str(&twice.stdout).unwrap();
    assert_eq!(
        (json["students"].clone(), json["reviews"].clone()),
        (1.into(), 3.into())
    );
    assert_contains(&twice.stderr, "3 ratings given more than once");

    // A file that is not a log: its line named, exit 2.
    scratch.write(
        "bad.jsonl",
        format!(
            "{}{{\"nope\": 1}}\n",
            log_a.lines().next().unwrap().to_owned() + "\n"
        ),
    );
    let bad = fiches_with(
        &scratch.path,
        &["report", "a.jsonl", "bad.jsonl"],
        &[],
        None,
    );
    assert_eq!(bad.status, 2, "{}", bad.stderr);
    assert_contains(&bad.stderr, "bad.jsonl:2:");
    assert!(bad.stdout.is_empty());
}
