//! Studying and counting by tag: `review --tag`, `stats --tag`,
//! `readiness --by tag`, with a deck's own tags counting for its cards.

use std::path::Path;

use serde_json::Value;

use crate::support::{Run, Scratch, fiches_at};

const NOW: &str = "2026-12-01T09:00:00-05:00";

/// Deck `plaintes` carries the tag itself; deck `cours` tags some cards.
fn course(scratch: &Scratch) {
    scratch.write(
        "decks/plaintes.yaml",
        "title: \"Plaintes\"\ntags: [\"plaintes\"]\ncards:\n  - q: \"P1 ?\"\n    a: \"r\"\n    tags: [\"liste\"]\n  - q: \"P2 ?\"\n    a: \"r\"\n",
    );
    scratch.write(
        "decks/cours.yaml",
        "title: \"Cours\"\ncards:\n  - q: \"C1 ?\"\n    a: \"r\"\n    tags: [\"liste\"]\n  - q: \"C2 ?\"\n    a: \"r\"\n    tags: [\"definition\"]\n  - q: \"C3 ?\"\n    a: \"r\"\n",
    );
}

fn run(dir: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    fiches_at(dir, NOW, args, stdin)
}

/// The questions a plain session showed.
fn shown(run: &Run) -> Vec<String> {
    let mut seen: Vec<String> = ["P1 ?", "P2 ?", "C1 ?", "C2 ?", "C3 ?"]
        .iter()
        .filter(|q| run.stdout.contains(*q))
        .map(|q| q.to_string())
        .collect();
    seen.sort();
    seen
}

#[test]
fn review_by_tag_takes_the_cards_of_a_tagged_deck_or_tagged_themselves() {
    let scratch = Scratch::new();
    course(&scratch);
    let dir = &scratch.path;
    // A deck tag: both cards of the deck, none of the other.
    let deck_tag = run(dir, &["review", "--plain", "--tag", "plaintes"], Some(""));
    assert_eq!(deck_tag.status, 0, "{}", deck_tag.stderr);
    assert!(deck_tag.stdout.contains("P1 ?"), "{}", deck_tag.stdout);
    // Only the first card is shown before stdin ends; the count says two.
    assert!(!deck_tag.stdout.contains("C1 ?"), "{}", deck_tag.stdout);
    // Several tags, across decks; each card rated 4 (reveal, rate).
    let both = run(
        dir,
        &["review", "--plain", "--tag", "liste", "--tag", "definition"],
        Some(&"\n4\n".repeat(3)),
    );
    assert_eq!(both.status, 0, "{}", both.stderr);
    assert_eq!(
        shown(&both),
        vec!["C1 ?", "C2 ?", "P1 ?"],
        "{}",
        both.stdout
    );
    let cards = run(dir, &["cards", "--json"], None);
    let cards: Vec<Value> = serde_json::from_str(&cards.stdout).unwrap();
    let reviewed: Vec<&str> = cards
        .iter()
        .filter(|c| !c["due"].is_null())
        .map(|c| c["question"].as_str().unwrap())
        .collect();
    let mut reviewed = reviewed;
    reviewed.sort_unstable();
    assert_eq!(reviewed, vec!["C1 ?", "C2 ?", "P1 ?"]);
}

#[test]
fn an_unknown_tag_is_a_usage_error_listing_the_known_ones() {
    let scratch = Scratch::new();
    course(&scratch);
    for args in [
        &["review", "--plain", "--tag", "liste", "--tag", "nope"][..],
        &["stats", "--tag", "nope"],
        &["readiness", "--tag", "nope"],
    ] {
        let out = run(&scratch.path, args, Some(""));
        assert_eq!(out.status, 2, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr
                .contains("\"nope\"; the tags they carry are: definition, liste, plaintes"),
            "{args:?}: {}",
            out.stderr
        );
    }
}

#[test]
fn stats_by_tag_counts_the_cards_carrying_it() {
    let scratch = Scratch::new();
    course(&scratch);
    let dir = &scratch.path;
    run(
        dir,
        &["review", "--plain", "--tag", "plaintes"],
        Some("\n4\n"),
    );
    let out = run(
        dir,
        &["stats", "--json", "--tag", "plaintes", "--tag", "liste"],
        None,
    );
    assert_eq!(out.status, 0, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let tags = doc["tags"].as_array().unwrap();
    assert_eq!(tags[0]["tag"], "plaintes");
    assert_eq!(tags[0]["cards"], 2);
    assert_eq!(tags[0]["new"], 1);
    assert_eq!(tags[0]["learning"], 1);
    assert_eq!(tags[0]["reviews_today"], 1);
    assert_eq!(tags[1]["tag"], "liste");
    assert_eq!(tags[1]["cards"], 2);
    let text = run(dir, &["stats", "--tag", "liste"], None);
    assert!(
        text.stdout
            .contains("tag liste\n  2 cards: 1 new, 1 learning"),
        "{}",
        text.stdout
    );
}

#[test]
fn readiness_by_tag_counts_deck_tags_too() {
    let scratch = Scratch::new();
    course(&scratch);
    let out = run(&scratch.path, &["readiness", "--json", "--by", "tag"], None);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let count = |name: &str| {
        doc["tags"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .map(|t| t["cards"].as_u64().unwrap())
    };
    assert_eq!(count("plaintes"), Some(2));
    assert_eq!(count("liste"), Some(2));
    assert_eq!(count("definition"), Some(1));
}

#[test]
fn readiness_by_tag_forecasts_the_tagged_cards_alone() {
    let scratch = Scratch::new();
    course(&scratch);
    let dir = &scratch.path;
    // P1 (tagged liste, in the deck tagged plaintes) is learnt; P2 is not.
    run(
        dir,
        &["review", "--plain", "--tag", "liste"],
        Some(&"\n5\n".repeat(2)),
    );
    let out = run(
        dir,
        &[
            "readiness",
            "--json",
            "--tag",
            "plaintes",
            "--on",
            "2026-12-03",
        ],
        None,
    );
    assert_eq!(out.status, 0, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["cards"], 2, "{doc}");
    assert_eq!(doc["seen"], 1);
    assert_eq!(doc["only_tags"][0], "plaintes");
    assert_eq!(doc["decks"].as_array().unwrap().len(), 1, "{doc}");
    let weakest: Vec<&str> = doc["weakest"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["question"].as_str().unwrap())
        .collect();
    assert_eq!(weakest, vec!["P2 ?", "P1 ?"]);
    // One seen of two: the mean is half the seen card's recall.
    let all = run(dir, &["readiness", "--json", "--on", "2026-12-03"], None);
    let all: Value = serde_json::from_str(&all.stdout).unwrap();
    assert_eq!(all["cards"], 5);
    let text = run(
        dir,
        &["readiness", "--tag", "plaintes", "--on", "2026-12-03"],
        None,
    );
    assert!(
        text.stdout.contains("Only the 2 cards tagged plaintes."),
        "{}",
        text.stdout
    );
}

#[test]
fn a_store_from_before_deck_tags_learns_them_at_the_next_sync() {
    let scratch = Scratch::new();
    course(&scratch);
    let dir = &scratch.path;
    let db = dir.join("store.db");
    assert_eq!(run(dir, &["sync"], None).status, 0);
    // As a store of the schema before deck tags, already synced.
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "DROP TABLE student; ALTER TABLE decks DROP COLUMN tags;
             ALTER TABLE reviews DROP COLUMN verdict;
             ALTER TABLE decks DROP COLUMN scheduler; ALTER TABLE decks DROP COLUMN retention;
             ALTER TABLE memory_model DROP COLUMN cached_pairs;
             DROP TRIGGER card_counts_follow;
             PRAGMA user_version = 7;",
        )
        .unwrap();
    }
    let out = run(dir, &["review", "--plain", "--tag", "plaintes"], Some(""));
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(out.stdout.contains("P1 ?"), "{}", out.stdout);
    // Read again in full, the cards kept their rows: none added, none retired.
    let cards = run(dir, &["cards", "--json"], None);
    let cards: Vec<Value> = serde_json::from_str(&cards.stdout).unwrap();
    assert_eq!(cards.len(), 5, "{cards:?}");
    assert!(cards.iter().all(|c| c["retired"] == false), "{cards:?}");
}

#[test]
fn a_study_by_tag_sums_up_its_own_cards_and_says_how_to_go_on_with_it() {
    let scratch = Scratch::new();
    course(&scratch);
    let dir = &scratch.path;
    // One new card a day; the tag holds two (P1, C1), the decks five.
    let out = run(
        dir,
        &["review", "--plain", "--tag", "liste", "--new", "1"],
        Some("\n4\n"),
    );
    assert_eq!(out.status, 0, "{}", out.stderr);
    for said in [
        "These figures are of the 2 cards tagged liste.",
        "Nothing left for today.",
        "New cards: 1 not seen yet; `fiches review --tag liste --new 2` adds 1 more today.",
        "`fiches review --tag liste --cram` goes through every card of the tags now",
    ] {
        assert!(out.stdout.contains(said), "{said}: {}", out.stdout);
    }
    // Following the hint goes on with the tag.
    let next = run(
        dir,
        &["review", "--plain", "--tag", "liste", "--new", "2"],
        Some("\n4\n"),
    );
    assert!(
        next.stdout
            .contains("These figures are of the 2 cards tagged liste.")
    );
    assert!(!next.stdout.contains("New cards:"), "{}", next.stdout);
    // Without a tag, the summary counts the decks whole: three cards unseen.
    let all = run(dir, &["review", "--plain", "--new", "1"], Some(""));
    assert!(!all.stdout.contains("tagged"), "{}", all.stdout);
    assert!(
        all.stdout
            .contains("New cards: 3 not seen yet; `fiches review --new 4`"),
        "{}",
        all.stdout
    );
}
