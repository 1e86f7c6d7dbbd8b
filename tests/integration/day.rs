//! The study day as a student meets it in `review --plain`: the course in
//! its order, one new-card limit across decks.

use crate::support::{Run, Scratch, fiches_with};

const NOW: &str = "2026-12-01T09:00:00-05:00";

fn review(scratch: &Scratch, args: &[&str], input: &str) -> Run {
    let db = scratch.path.join("store.db");
    let mut all = vec!["review", "--plain"];
    all.extend_from_slice(args);
    let run = fiches_with(
        &scratch.path,
        &all,
        &[("FICHES_NOW", NOW), ("FICHES_DB", db.to_str().unwrap())],
        Some(input),
    );
    assert_eq!(run.status, 0, "{}\n{}", run.stdout, run.stderr);
    run
}

fn questions(run: &Run) -> Vec<&str> {
    run.stdout
        .lines()
        .filter_map(|l| l.strip_prefix("Q: "))
        .collect()
}

fn deck(title: &str, order: Option<u32>, questions: &[&str]) -> String {
    let mut text = format!("title: \"{title}\"\n");
    if let Some(order) = order {
        text.push_str(&format!("order: {order}\n"));
    }
    text.push_str("cards:\n");
    for q in questions {
        text.push_str(&format!("  - q: \"{q}\"\n    a: \"Réponse.\"\n"));
    }
    text
}

#[test]
fn new_cards_come_in_the_course_order_not_the_file_names() {
    let scratch = Scratch::new();
    scratch.write(
        "decks/a-accueil.yaml",
        deck("Accueil", Some(2), &["A1 ?", "A2 ?"]),
    );
    scratch.write("decks/b-annexe.yaml", deck("Annexe", None, &["N1 ?"]));
    scratch.write(
        "decks/c-chapitre-1.yaml",
        deck("Chapitre 1", Some(1), &["C1 ?", "C2 ?"]),
    );
    let run = review(&scratch, &[], &"\n5\n".repeat(5));
    assert_eq!(
        questions(&run),
        vec!["C1 ?", "C2 ?", "A1 ?", "A2 ?", "N1 ?"]
    );
}

#[test]
fn the_bundled_course_starts_with_chapter_1() {
    let Some(_) = crate::support::shared() else {
        return;
    };
    let scratch = Scratch::new();
    let decks = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("decks");
    for entry in std::fs::read_dir(&decks).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            scratch.write(&format!("decks/{name}"), std::fs::read(&path).unwrap());
        }
    }
    // Nothing typed: the first card is shown, then the input ends.
    let run = review(&scratch, &[], "");
    assert!(
        run.stdout.contains("Chapitre 1 - Introduction au service à la clientèle et à l'approche client · card 1 / 20"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_daily_new_card_limit_is_one_limit_across_decks() {
    let scratch = Scratch::new();
    scratch.write("decks/a.yaml", deck("A", None, &["A1 ?", "A2 ?", "A3 ?"]));
    scratch.write("decks/b.yaml", deck("B", None, &["B1 ?", "B2 ?", "B3 ?"]));
    let first = review(
        &scratch,
        &["--new", "4", "decks/a.yaml"],
        &"\n5\n".repeat(3),
    );
    assert_eq!(questions(&first), vec!["A1 ?", "A2 ?", "A3 ?"]);
    // Three of today's four met in deck a: deck b gets the one left.
    let second = review(
        &scratch,
        &["--new", "4", "decks/b.yaml"],
        &"\n5\n".repeat(3),
    );
    assert_eq!(questions(&second), vec!["B1 ?"]);
}

#[test]
fn bundled_questions_that_ask_for_some_items_say_how_many() {
    let decks = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("decks");
    let loaded = fiches::deck::read_deck(&decks.join("apres-service.yaml")).unwrap();
    let deck = loaded.deck.expect("the bundled deck loads");
    let ask = |id: &str| {
        deck.cards
            .iter()
            .find(|c| c.id.as_deref() == Some(id))
            .map(|c| c.ask)
    };
    assert_eq!(
        ask("aps-silence-facteur"),
        Some(Some(1)),
        "Nommez un facteur"
    );
    assert_eq!(
        ask("aps-clients-difficiles-trois-etapes"),
        Some(Some(3)),
        "Nommez trois étapes"
    );
}

#[test]
fn cards_to_relearn_stay_in_todays_queue_across_a_quit_and_a_restart() {
    let scratch = Scratch::new();
    scratch.write("decks/a.yaml", deck("A", None, &["Q1 ?", "Q2 ?", "Q3 ?"]));
    // Q1 failed, then the session is quit.
    let first = review(&scratch, &[], "\n2\nq\n");
    assert_eq!(questions(&first), vec!["Q1 ?", "Q2 ?"]);
    let again = review(&scratch, &[], "\n5\n\n5\n\n5\n");
    assert_eq!(questions(&again), vec!["Q1 ?", "Q2 ?", "Q3 ?"]);
    assert!(
        again
            .stdout
            .contains("A · card 1 / 3 · new 2, relearning 1, due 0"),
        "{}",
        again.stdout
    );
    // Known now: a third session has nothing left of today.
    let third = review(&scratch, &[], "");
    assert!(questions(&third).is_empty(), "{}", third.stdout);
}

#[test]
fn a_failed_card_comes_back_after_a_few_other_cards() {
    let scratch = Scratch::new();
    scratch.write(
        "decks/a.yaml",
        deck("A", None, &["Q1 ?", "Q2 ?", "Q3 ?", "Q4 ?", "Q5 ?", "Q6 ?"]),
    );
    let run = review(&scratch, &[], &format!("\n1\n{}", "\n5\n".repeat(6)));
    assert_eq!(
        questions(&run),
        vec!["Q1 ?", "Q2 ?", "Q3 ?", "Q4 ?", "Q1 ?", "Q5 ?", "Q6 ?"]
    );
}
