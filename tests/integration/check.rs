//! `fiches check`: exact diagnostics, positions and exit codes.

use crate::support::{Scratch, fiches_in, fixtures};

fn check_dir() -> std::path::PathBuf {
    fixtures().join("check")
}

#[test]
fn good_decks_pass_with_a_summary() {
    let run = fiches_in(&check_dir(), &["check", "--strict", "good"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "checked 2 decks, 3 cards: 0 errors, 0 warnings\n"
    );
}

#[test]
fn broken_decks_report_every_problem_at_its_place() {
    let run = fiches_in(&check_dir(), &["check", "broken"]);
    assert_eq!(run.status, 1);
    let expected = "\
broken/dupkey.yaml:5:5: error: duplicate key `q`: a key may appear only once in the same mapping; remove or merge the repeated one
broken/fields.yaml:3:5: error: card has no `a` (the answer): add `a: \"…\"` or a list of items
broken/fields.yaml:4:5: error: unknown card field `anwser`: did you mean `a`?
broken/fields.yaml:6:13: error: `points` must be a whole number (how many items the answer holds), found text \"trois\"
broken/fields.yaml:8:8: error: `q` is empty
broken/latin1.yaml:3:12: error: file is not UTF-8 text (byte 0xE9 here): save it as UTF-8 (in most editors: \"Save with encoding\" → UTF-8)
broken/notitle.yaml:1:1: error: missing `title`: add a line `title: \"…\"` at the top of the deck
broken/tab.yaml:3:1: error: tab used for indentation: YAML indents with spaces only; replace the tab with spaces
broken/warnings.yaml:4:13: warning: `points: 3` but the answer has 2 items: make them agree
broken/warnings.yaml:6:5: warning: same question as the card at line 3: merge the two cards or reword one
broken/warnings.yaml:7:8: warning: placeholder answer `TODO`: write the real answer
checked 6 decks, 6 cards: 8 errors, 3 warnings
";
    assert_eq!(run.stderr, expected);
    assert_eq!(run.stdout, "");
}

#[test]
fn warnings_alone_pass_unless_strict() {
    let dir = check_dir();
    let lenient = fiches_in(&dir, &["check", "broken/warnings.yaml"]);
    assert_eq!(lenient.status, 0, "{}", lenient.stderr);
    let strict = fiches_in(&dir, &["check", "--strict", "broken/warnings.yaml"]);
    assert_eq!(strict.status, 1);
    assert!(
        strict
            .stderr
            .starts_with("broken/warnings.yaml:4:13: error: `points: 3`"),
        "{}",
        strict.stderr
    );
    assert!(strict.stderr.ends_with(": 3 errors, 0 warnings\n"));
}

#[test]
fn card_ids_must_be_unique_across_decks() {
    let run = fiches_in(
        &check_dir(),
        &["check", "good/ch1.yaml", "broken/notitle.yaml"],
    );
    assert_eq!(run.status, 1);
    assert!(run.stderr.contains(
        "broken/notitle.yaml:2:5: error: duplicate card id `raison`: already used in good/ch1.yaml:5: card ids must be unique across decks\n"
    ), "{}", run.stderr);
}

#[test]
fn json_format_is_one_object_per_line() {
    let run = fiches_in(
        &check_dir(),
        &["check", "--format", "json", "broken/warnings.yaml"],
    );
    assert_eq!(run.status, 0);
    let lines: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(
        lines[0],
        serde_json::json!({"type": "diagnostic", "path": "broken/warnings.yaml", "line": 4, "column": 13,
            "severity": "warning", "message": "`points: 3` but the answer has 2 items: make them agree"})
    );
    assert_eq!(
        lines[3],
        serde_json::json!({"type": "summary", "decks": 1, "cards": 2, "errors": 0, "warnings": 3})
    );
}

#[test]
fn github_format_gives_annotations() {
    let run = fiches_in(
        &check_dir(),
        &["check", "--format", "github", "broken/fields.yaml"],
    );
    assert_eq!(run.status, 1);
    assert_eq!(
        run.stdout.lines().nth(1).unwrap(),
        "::error file=broken/fields.yaml,line=4,col=5::unknown card field `anwser`: did you mean `a`?"
    );
}

#[test]
fn missing_paths_and_empty_directories_are_usage_errors() {
    let scratch = Scratch::new();
    let run = fiches_in(&scratch.path, &["check", "nope.yaml"]);
    assert_eq!(run.status, 2);
    assert_eq!(
        run.stderr,
        "fiches: error: cannot read nope.yaml: No such file or directory (os error 2)\n"
    );
    let run = fiches_in(&scratch.path, &["check"]);
    assert_eq!(run.status, 2, "no decks/ directory here");
    std::fs::create_dir(scratch.path.join("decks")).unwrap();
    let run = fiches_in(&scratch.path, &["check"]);
    assert_eq!(run.status, 2);
    assert_eq!(
        run.stderr,
        "fiches: error: no deck files (*.yaml, *.yml) found in decks\n"
    );
}

#[test]
fn bad_usage_exits_2() {
    let run = fiches_in(&check_dir(), &["check", "--format", "xml"]);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("invalid value 'xml'"), "{}", run.stderr);
}

#[test]
fn a_file_named_twice_is_checked_once() {
    let run = fiches_in(&check_dir(), &["check", "good", "good/ch1.yaml"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "checked 2 decks, 3 cards: 0 errors, 0 warnings\n"
    );
}

#[test]
fn json_reports_a_missing_path_as_json() {
    let run = fiches_in(&check_dir(), &["check", "--format", "json", "nope.yaml"]);
    assert_eq!(run.status, 2);
    assert_eq!(
        run.stdout,
        "{\"type\":\"io-error\",\"message\":\"cannot read nope.yaml: No such file or directory (os error 2)\"}\n"
    );
}
