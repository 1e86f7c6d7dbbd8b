//! Hostile and broken decks: each gets a clear diagnostic or works, in
//! bounded time and memory, and never a panic.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{BIN, Scratch, fixtures};

/// `fiches check FILE` under a 2 GiB address-space limit, killed if it runs
/// away (a hang guard, not a speed goal: those are in benches/).
fn check(file: &std::path::Path) -> (i32, String) {
    let script = format!("ulimit -v 2097152; exec {BIN} check \"$1\"");
    let mut child = Command::new("bash")
        .args(["-c", &script, "check", file.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut stderr = String::new();
            use std::io::Read;
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut stderr)
                .unwrap();
            return (status.code().unwrap_or(-1), stderr);
        }
        if start.elapsed() > Duration::from_secs(300) {
            let _ = child.kill();
            panic!("fiches check {} did not finish", file.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn assert_diagnosed(file: &std::path::Path, expected: &str) {
    let (status, stderr) = check(file);
    assert_eq!(status, 1, "{}: {stderr}", file.display());
    assert!(!stderr.contains("panicked"), "{stderr}");
    let first = stderr.lines().next().unwrap_or_default();
    assert!(
        first.starts_with(&format!("{}:", file.display())) && first.contains(": error: "),
        "{first}"
    );
    assert!(first.contains(expected), "{first}");
}

fn assert_works(file: &std::path::Path, cards: usize) {
    let (status, stderr) = check(file);
    assert_eq!(status, 0, "{}: {stderr}", file.display());
    assert!(
        stderr.contains(&format!(", {cards} card")),
        "{}: {stderr}",
        file.display()
    );
}

#[test]
fn small_broken_decks() {
    let dir = fixtures().join("hostile");
    assert_diagnosed(&dir.join("truncated.yaml"), "unclosed quote");
    assert_diagnosed(
        &dir.join("alias-bomb.yaml"),
        "anchors and aliases expand to too much data",
    );
    assert_diagnosed(&dir.join("latin1.yaml"), "not UTF-8");
    assert_diagnosed(&dir.join("nul.yaml"), "NUL byte");
    assert_works(&dir.join("bom.yaml"), 1);
    assert_works(&dir.join("crlf.yaml"), 1);
}

#[test]
fn deep_nesting_is_refused() {
    let scratch = Scratch::new();
    let deep = format!(
        "title: T\ncards:\n  - q: Q\n    a: {}x{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert_diagnosed(&scratch.write("deep.yaml", deep), "nested");
    let mut block = String::from("title: T\ncards:\n  - q: Q\n    a:\n");
    for depth in 0..2_000 {
        block.push_str(&" ".repeat(6 + 2 * depth));
        block.push_str("-\n");
    }
    assert_diagnosed(&scratch.write("deep-block.yaml", block), "error");
}

#[test]
fn a_ten_megabyte_line_works() {
    let scratch = Scratch::new();
    let long = format!(
        "title: T\ncards:\n  - q: \"Longue ?\"\n    a: \"{}\"\n",
        "très long ".repeat(1_100_000)
    );
    assert!(long.len() > 10_000_000);
    assert_works(&scratch.write("long.yaml", long), 1);
}

/// A card whose answer is a mapping of 300,000 keys (6.7 MB) is diagnosed
/// in bounded time: its keys are not each compared with all the earlier ones
/// (which took minutes even in a release build).
#[test]
fn a_wide_mapping_is_diagnosed() {
    let scratch = Scratch::new();
    let mut text = String::with_capacity(8_000_000);
    text.push_str("title: T\ncards:\n  - q: Q\n    a:\n");
    for i in 0..300_000 {
        text.push_str(&format!("      k{i}: v{i}\n"));
    }
    let file = scratch.write("wide.yaml", text);
    assert_diagnosed(&file, "5:7: error: `a` must be text, found a mapping");
}

#[test]
fn a_million_cards_are_refused_before_parsing() {
    let scratch = Scratch::new();
    let mut text = String::with_capacity(30_000_000);
    text.push_str("title: \"Un million\"\ncards:\n");
    for i in 0..1_000_000 {
        text.push_str(&format!("  - {{q: \"Q{i}\", a: \"R{i}\"}}\n"));
    }
    assert_diagnosed(
        &scratch.write("million.yaml", text),
        "deck has 1000000 cards, over the 200000 a deck may hold: split it into several decks",
    );
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_parsing() {
    let scratch = Scratch::new();
    let limit = usize::try_from(fiches::deck::MAX_DECK_BYTES).unwrap();
    let mut text = String::with_capacity(limit + 200);
    text.push_str("title: \"Trop gros\"\ncards:\n");
    let card = "  - {q: \"Une question de la taille de celles du cours ?\", a: \"Une réponse.\"}\n";
    while text.len() <= limit {
        text.push_str(card);
    }
    assert_diagnosed(
        &scratch.write("big.yaml", text),
        "deck file is over the 64 MiB limit a deck file may have",
    );
}

/// The two limits of one deck as the docs give them, and the docs' claim
/// that the file limit is the one met first by cards of the course's size
/// (those of the bundled decks).
#[test]
fn the_deck_limits_agree_with_the_docs() {
    let mib = fiches::deck::MAX_DECK_BYTES >> 20;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for doc in ["README.md", "decks/README.md"] {
        let text = std::fs::read_to_string(root.join(doc)).unwrap();
        assert!(text.contains(&format!("{mib} MiB")), "{doc}");
        assert!(text.contains("200,000 cards"), "{doc}");
        assert!(text.contains("130,000 cards"), "{doc}");
    }
    assert_eq!(fiches::deck::MAX_CARDS, 200_000);
    let (mut bytes, mut cards) = (0, 0);
    for entry in std::fs::read_dir(root.join("decks")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let loaded = fiches::deck::read_deck(&path).unwrap();
            bytes += loaded.text.len();
            cards += loaded.deck.map_or(0, |d| d.cards.len());
        }
    }
    let per_card = bytes / cards;
    let fit = usize::try_from(fiches::deck::MAX_DECK_BYTES).unwrap() / per_card;
    assert!(
        fit < fiches::deck::MAX_CARDS,
        "{fit} cards of {per_card} bytes"
    );
    // "about 130,000": within a fifth.
    assert!(
        (104_000..=156_000).contains(&fit),
        "{fit} cards of {per_card} bytes"
    );
}
