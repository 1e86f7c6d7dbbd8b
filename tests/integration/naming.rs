//! Decks named as users name them, commands run outside a checkout, and
//! the messages and help that tell a student what to do.

use crate::support::{Run, Scratch, fiches_with};

const PLAINTES: &str = r#"title: "Les plaintes"
cards:
  - id: "pla-un"
    q: "Pourquoi les clients se plaignent-ils ?"
    tags: ["plaintes", "reparation-de-service", "garanties", "remontee-information"]
    a: "Pour obtenir réparation."
  - q: "Une question sans id, pour un nom de carte long ?"
    a: "Oui."
"#;

const ACCUEIL: &str = r#"title: "L'accueil"
id: "accueil-relations-clients"
cards:
  - id: "acc-un-identifiant-de-carte-vraiment-tres-long-qui-deborde"
    q: "Que mérite le client ?"
    a: "Le respect."
  - id: "acc-deux"
    q: "Qui sont les fournisseurs ?"
    a: "Ceux qui approvisionnent l'entreprise."
"#;

const NOW: &str = "2026-12-01T09:00:00-05:00";

/// A course checkout: decks/ with two decks, its own store.
fn checkout() -> Scratch {
    let scratch = Scratch::new();
    scratch.write("decks/plaintes.yaml", PLAINTES);
    // The file name differs from the deck's `id`.
    scratch.write("decks/accueil.yaml", ACCUEIL);
    scratch
}

fn run(scratch: &Scratch, args: &[&str]) -> Run {
    let db = scratch.path.join("store.db");
    fiches_with(
        &scratch.path,
        args,
        &[("FICHES_NOW", NOW), ("FICHES_DB", db.to_str().unwrap())],
        Some(""),
    )
}

#[test]
fn a_deck_id_as_stats_prints_it_works_wherever_a_deck_is_taken() {
    let scratch = checkout();
    let stats = run(&scratch, &["stats"]);
    assert_eq!(stats.status, 0, "{}", stats.stderr);
    assert!(
        stats.stdout.contains("(accueil-relations-clients)") && stats.stdout.contains("(plaintes)"),
        "{}",
        stats.stdout
    );
    let preview = run(&scratch, &["preview", "plaintes"]);
    assert_eq!(preview.status, 0, "{}", preview.stderr);
    assert!(
        preview
            .stdout
            .starts_with("Les plaintes (decks/plaintes.yaml, 2 cards)"),
        "{}",
        preview.stdout
    );
    // A declared `id`, not the file name.
    let preview = run(&scratch, &["preview", "accueil-relations-clients"]);
    assert_eq!(preview.status, 0, "{}", preview.stderr);
    assert!(
        preview.stdout.contains("Que mérite le client ?"),
        "{}",
        preview.stdout
    );
    let stats = run(&scratch, &["stats", "accueil-relations-clients"]);
    assert_eq!(stats.status, 0, "{}", stats.stderr);
    assert!(
        stats
            .stdout
            .contains("L'accueil (accueil-relations-clients)"),
        "{}",
        stats.stdout
    );
    assert!(!stats.stdout.contains("Les plaintes"), "{}", stats.stdout);
    for args in [
        &["cards", "plaintes"][..],
        &["sync", "--dry-run", "plaintes"],
        &["check", "plaintes"],
        &["review", "--plain", "plaintes"],
    ] {
        let named = run(&scratch, args);
        assert_eq!(named.status, 0, "{args:?}: {}", named.stderr);
    }
    let review = run(
        &scratch,
        &["review", "--plain", "accueil-relations-clients"],
    );
    assert!(
        review.stdout.contains("Que mérite le client ?"),
        "{}",
        review.stdout
    );
    assert!(
        !review.stdout.contains("Pourquoi les clients"),
        "{}",
        review.stdout
    );
    let unknown = run(&scratch, &["stats", "plainte"]);
    assert_eq!(unknown.status, 2);
    assert_eq!(
        unknown.stderr,
        "fiches: error: plainte: no such deck file, directory or deck id (decks: accueil-relations-clients, plaintes)\n"
    );
}

#[test]
fn a_directory_is_a_deck_argument_for_preview_too() {
    let scratch = checkout();
    let preview = run(&scratch, &["preview", "decks/"]);
    assert_eq!(preview.status, 0, "{}", preview.stderr);
    assert!(
        preview
            .stdout
            .contains("L'accueil (decks/accueil.yaml, 2 cards)"),
        "{}",
        preview.stdout
    );
    assert!(
        preview
            .stdout
            .contains("Les plaintes (decks/plaintes.yaml, 2 cards)"),
        "{}",
        preview.stdout
    );
    // Without an argument, decks/ as every other command.
    let default = run(&scratch, &["preview"]);
    assert_eq!(
        (default.status, default.stdout.clone()),
        (0, preview.stdout)
    );
}

const NO_DECKS: &str = "fiches: error: no decks here: give deck files, directories or deck ids, or run from the course's directory (the one with decks/)\n";

#[test]
fn every_command_outside_a_checkout_says_the_same_helpful_thing() {
    let scratch = Scratch::new();
    for args in [
        &["check"][..],
        &["sync"],
        &["sync", "--dry-run"],
        &["review", "--plain"],
        &["preview"],
        &[],
    ] {
        let outside = run(&scratch, args);
        assert_eq!(
            (outside.status, outside.stderr.as_str()),
            (2, NO_DECKS),
            "{args:?}"
        );
    }
    assert!(
        !scratch.path.join("store.db").exists(),
        "no store is created"
    );
}

#[test]
fn stats_with_no_decks_and_no_store_says_so_and_creates_none() {
    let scratch = Scratch::new();
    for args in [&["stats"][..], &["stats", "--json"], &["cards"]] {
        let stats = run(&scratch, args);
        assert_eq!(stats.status, 0, "{args:?}: {}", stats.stderr);
        assert_eq!(
            stats.stderr,
            "fiches: no decks here: give deck files, directories or deck ids, or run from the course's directory (the one with decks/); no review store yet either (nothing was created)\n",
            "{args:?}"
        );
    }
    assert!(!scratch.path.join("store.db").exists());
}

#[test]
fn stats_with_a_past_exam_day_says_there_is_no_plan() {
    let scratch = checkout();
    let stats = run(&scratch, &["stats", "--exam", "2026-11-20"]);
    assert_eq!(stats.status, 0, "{}", stats.stderr);
    assert_eq!(
        stats.stderr,
        "fiches: the exam day 2026-11-20 is not to come (the study day is 2026-12-01): there is no exam plan to show\n"
    );
}

#[test]
fn the_cards_table_stays_aligned_with_long_ids() {
    let scratch = checkout();
    let cards = run(&scratch, &["cards"]);
    assert_eq!(cards.status, 0, "{}", cards.stderr);
    let lines: Vec<&str> = cards.stdout.lines().collect();
    assert!(lines.len() >= 5, "{}", cards.stdout);
    // Every row has its due column at the same place as the header's.
    let header_due = lines[0].find("due").unwrap();
    for line in &lines[1..] {
        let column: String = line.chars().skip(header_due).take(3).collect();
        assert_eq!(column, "new", "{}", cards.stdout);
    }
}

#[test]
fn tags_written_as_text_are_an_error_with_the_fix() {
    let scratch = Scratch::new();
    scratch.write(
        "decks/tags.yaml",
        "title: \"T\"\ncards:\n  - q: \"Q ?\"\n    a: \"R.\"\n    tags: \"pas-une-liste\"\n",
    );
    let check = run(&scratch, &["check"]);
    assert_eq!(check.status, 1);
    assert_eq!(
        check.stderr,
        "decks/tags.yaml:5:11: error: `tags` must be a list, found text \"pas-une-liste\": write it as a list, as in tags: [\"pas-une-liste\"]\nchecked 1 deck, 1 card: 1 error, 0 warnings\n"
    );
}

#[test]
fn a_line_indented_too_far_is_called_an_indentation_error() {
    let scratch = Scratch::new();
    scratch.write(
        "decks/indent.yaml",
        "title: \"T\"\ncards:\n  - q: \"Q ?\"\n     a: \"R.\"\n",
    );
    let check = run(&scratch, &["check"]);
    assert_eq!(check.status, 1);
    assert!(
        check.stderr.starts_with(
            "decks/indent.yaml:4:6: error: wrong indentation: this line starts at column 6"
        ),
        "{}",
        check.stderr
    );
    assert!(
        !check.stderr.contains("did not find expected key"),
        "{}",
        check.stderr
    );
}

#[test]
fn help_lists_only_what_applies_and_names_the_environment() {
    let scratch = Scratch::new();
    for command in ["check", "convert", "preview"] {
        let help = run(&scratch, &[command, "--help"]);
        assert_eq!(help.status, 0);
        assert!(!help.stdout.contains("--db"), "{command}: {}", help.stdout);
    }
    for command in ["review", "sync", "stats", "cards"] {
        let help = run(&scratch, &[command, "--help"]);
        assert!(help.stdout.contains("--db"), "{command}: {}", help.stdout);
    }
    let top = run(&scratch, &["--help"]);
    for needed in [
        "opens the deck list",
        "FICHES_NOW",
        "FICHES_DB",
        "NO_COLOR",
        "deck id",
    ] {
        assert!(top.stdout.contains(needed), "{needed}: {}", top.stdout);
    }
    let short = run(&scratch, &["-h"]);
    assert!(short.stdout.contains("FICHES_NOW"), "{}", short.stdout);
}

#[test]
fn db_goes_before_or_after_the_command() {
    let scratch = checkout();
    let db = scratch.path.join("elsewhere.db");
    let db = db.to_str().unwrap();
    let after = fiches_with(
        &scratch.path,
        &["sync", "--db", db],
        &[("FICHES_NOW", NOW)],
        None,
    );
    assert_eq!(after.status, 0, "{}", after.stderr);
    assert!(scratch.path.join("elsewhere.db").exists());
    let before = fiches_with(
        &scratch.path,
        &["--db", db, "sync"],
        &[("FICHES_NOW", NOW)],
        None,
    );
    assert_eq!(before.status, 0, "{}", before.stderr);
    assert!(
        before.stdout.contains("unchanged"),
        "same store: {}",
        before.stdout
    );
}

#[test]
fn a_negative_new_card_count_gets_a_clear_message() {
    let scratch = checkout();
    let review = run(&scratch, &["review", "--plain", "--new", "-1"]);
    assert_eq!(review.status, 2);
    assert!(
        review
            .stderr
            .contains("-1 is below 0: give how many new cards to introduce today, 0 or more"),
        "{}",
        review.stderr
    );
    assert!(!review.stderr.contains("'-- -1'"), "{}", review.stderr);
}

#[test]
fn the_readme_installs_with_the_locked_dependencies() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(
        readme.contains("cargo install --locked --path ."),
        "README install line"
    );
    assert!(
        !readme.contains("cargo install --path ."),
        "README install line"
    );
}

#[test]
fn convert_detects_the_format_or_says_which_it_looks_like() {
    let Some(shared) = crate::support::shared() else {
        return;
    };
    let seeds = shared.join("seeds");
    let brainscape = "000_dd1099e4e307b9fb.txt";
    let wrong = fiches_with(
        &seeds,
        &["convert", "--from", "quizlet", brainscape],
        &[],
        None,
    );
    assert_eq!(wrong.status, 0, "{}", wrong.stderr);
    assert_eq!(
        wrong.stderr.lines().last(),
        Some(
            "000_dd1099e4e307b9fb.txt: this text looks like a brainscape page, not a quizlet one: if the cards are wrong, convert it with --from brainscape"
        ),
        "{}",
        wrong.stderr
    );
    // What `check --strict` will refuse is said, as check says it.
    assert!(
        wrong
            .stderr
            .contains("<stdout>:10:5: warning: same question as the card at line 5"),
        "{}",
        wrong.stderr
    );
    let detected = fiches_with(&seeds, &["convert", brainscape], &[], None);
    assert_eq!(detected.status, 0, "{}", detected.stderr);
    assert!(
        detected.stderr.starts_with("000_dd1099e4e307b9fb.txt: read as --from brainscape (the format this text looks like)\n"),
        "{}",
        detected.stderr
    );
    assert!(
        detected
            .stdout
            .contains("Est-ce que le client a toujours raison ?")
    );
    assert!(!detected.stdout.contains("q: \"A\""));
    let scratch = Scratch::new();
    scratch.write("page.txt", "Un texte sans cartes.\n");
    let unknown = fiches_with(&scratch.path, &["convert", "page.txt"], &[], None);
    assert_eq!(unknown.status, 2);
    assert!(
        unknown
            .stderr
            .contains("give it with --from brainscape, quizlet or quizpage"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn check_validates_ask_and_order() {
    let scratch = Scratch::new();
    scratch.write(
        "decks/a.yaml",
        "title: \"A\"\norder: 1\ncards:\n  - q: \"Nommez un facteur.\"\n    ask: 1\n    a: [\"un\", \"deux\", \"trois\"]\n  - q: \"Trop ?\"\n    ask: 4\n    a: [\"un\", \"deux\"]\n  - q: \"Texte ?\"\n    ask: 1\n    a: \"oui\"\n  - q: \"Zéro ?\"\n    ask: 0\n    a: [\"un\", \"deux\"]\n",
    );
    scratch.write(
        "decks/b.yaml",
        "title: \"B\"\norder: 1\ncards:\n  - q: \"Q ?\"\n    a: \"R.\"\n",
    );
    let check = run(&scratch, &["check"]);
    assert_eq!(check.status, 1);
    assert_eq!(
        check.stderr,
        "decks/a.yaml:8:10: error: `ask: 4` but the answer has only 2 items: the question cannot ask for more than the list holds
decks/a.yaml:11:10: error: `ask` needs an answer that is a list of items: the question asks for some of them
decks/a.yaml:14:10: error: `ask` must be 1 or more, found 0
decks/b.yaml:1:1: warning: `order: 1` is also the place of decks/a.yaml in the course: give each deck its own place
checked 2 decks, 5 cards: 3 errors, 1 warning
"
    );
}
