//! Several fiches processes on one store: they wait for each other, never
//! fail with "database is locked", never duplicate or lose anything.

use std::process::{Command, Stdio};

use crate::support::{BIN, Scratch};

fn deck(cards: usize) -> String {
    let mut text = String::from("title: \"Partagé\"\ncards:\n");
    for i in 0..cards {
        if i % 2 == 0 {
            text.push_str(&format!("  - id: \"c{i}\"\n"));
            text.push_str(&format!("    q: \"Question {i} ?\"\n"));
        } else {
            text.push_str(&format!("  - q: \"Question {i} ?\"\n"));
        }
        text.push_str(&format!("    a: \"Réponse {i}.\"\n"));
    }
    text
}

fn spawn(scratch: &Scratch, args: &[&str], input: &str) -> std::process::Child {
    use std::io::Write;
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(&scratch.path)
        .env("FICHES_DB", scratch.path.join("store.db"))
        .env("FICHES_NOW", "2026-12-01T09:00:00-05:00")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child
}

fn cards(scratch: &Scratch) -> Vec<serde_json::Value> {
    let out = spawn(scratch, &["cards", "--json"], "")
        .wait_with_output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn processes_opening_and_syncing_a_new_store_at_once_all_succeed() {
    for round in 0..3 {
        let scratch = Scratch::new();
        scratch.write("decks/partage.yaml", deck(400));
        let children: Vec<_> = (0..6)
            .map(|_| spawn(&scratch, &["cards", "--json"], ""))
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let listed: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(
                listed.len(),
                400,
                "round {round}: every process sees each card once"
            );
        }
        assert_eq!(cards(&scratch).len(), 400);
    }
}

#[test]
fn two_reviews_at_once_keep_every_rating_and_a_consistent_state() {
    let scratch = Scratch::new();
    scratch.write("decks/partage.yaml", deck(40));
    assert_eq!(cards(&scratch).len(), 40);
    let input = "\n4\n".repeat(20);
    let a = spawn(&scratch, &["review", "--plain", "--new", "20"], &input);
    let b = spawn(&scratch, &["review", "--plain", "--new", "20"], &input);
    let mut saved = 0;
    for child in [a, b] {
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        assert!(!stderr.contains("locked"), "{stderr}");
        saved += String::from_utf8_lossy(&out.stdout)
            .matches("Saved 4")
            .count();
    }
    // Both sessions drew from the same 20 new cards of the day (the later
    // one fewer, as the first had introduced some): a card rated by both got
    // a same-day repeat that left its schedule alone.
    let rated: Vec<_> = cards(&scratch)
        .into_iter()
        .filter(|c| !c["due"].is_null())
        .collect();
    assert_eq!(rated.len(), 20);
    for card in &rated {
        assert_eq!(
            (card["reps"].as_u64(), card["interval"].as_u64()),
            (Some(1), Some(1)),
            "{card}"
        );
        assert_eq!(card["last_rating"], 4);
    }
    assert!(saved >= 20, "{saved}");
    let out = spawn(&scratch, &["stats", "--json"], "")
        .wait_with_output()
        .unwrap();
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        stats["decks"][0]["reviews_today"], saved,
        "every rating printed is in the store"
    );
}

#[test]
fn two_reviews_of_different_decks_at_once_keep_every_rating() {
    let scratch = Scratch::new();
    scratch.write("decks/un.yaml", deck(30));
    scratch.write(
        "decks/deux.yaml",
        deck(30)
            .replace("Partagé", "Deux")
            .replace("id: \"c", "id: \"d")
            .replace("Question ", "Autre question "),
    );
    assert_eq!(cards(&scratch).len(), 60);
    let input = "\n3\n".repeat(40);
    let a = spawn(&scratch, &["review", "--plain", "decks/un.yaml"], &input);
    let b = spawn(&scratch, &["review", "--plain", "decks/deux.yaml"], &input);
    let mut saved = 0;
    for child in [a, b] {
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        assert!(!stderr.contains("locked"), "{stderr}");
        saved += String::from_utf8_lossy(&out.stdout)
            .matches("Saved 3")
            .count();
    }
    // 20 new cards each, rated 3 (back later in the session), 40 ratings each.
    assert_eq!(saved, 80);
    let out = spawn(&scratch, &["stats", "--json"], "")
        .wait_with_output()
        .unwrap();
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let today: u64 = stats["decks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["reviews_today"].as_u64().unwrap())
        .sum();
    assert_eq!(today, 80);
    for card in cards(&scratch).iter().filter(|c| !c["due"].is_null()) {
        // The day's first rating (3) scheduled the card; the repeat did not.
        assert_eq!(
            (
                card["reps"].as_u64(),
                card["interval"].as_u64(),
                card["ef"].as_f64()
            ),
            (Some(1), Some(1), Some(2.36)),
            "{card}"
        );
    }
}
