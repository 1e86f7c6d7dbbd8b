//! The study day on screen: text that fits at 80×24 and at the smallest
//! size, figures that agree, and keys that do what the footer says.

use super::preview::PreviewScreen;
use super::tests::{COLOR, Fixture, now, render, text};
use crate::deck::{self, DeckId};
use crate::review::Session;
use crate::sched::Rating;

const SIZES: [(u16, u16); 2] = [(80, 24), (super::MIN_WIDTH, super::MIN_HEIGHT)];

/// The text inside the screen's boxes, rows joined with spaces: a line
/// wrapped over two rows still reads whole.
pub(super) fn joined(all: &str) -> String {
    all.lines()
        .map(|l| l.trim_matches(|c: char| c == '│' || c.is_whitespace()))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_stats_screen_is_consistent_and_fits() {
    let mut fixture = Fixture::new();
    let mut session =
        Session::start(&fixture.store, vec![DeckId::new("ch1")], now().unwrap(), 20).unwrap();
    for rating in [4, 2] {
        session
            .current(&fixture.store)
            .unwrap()
            .expect("a card to rate");
        session
            .rate(
                &mut fixture.store,
                Rating::new(rating).unwrap(),
                now().unwrap(),
                1000,
                None,
                None,
            )
            .unwrap();
    }
    let today = now().map(crate::clock::study_day).unwrap();
    for (width, height) in SIZES {
        let mut stats =
            super::intents::open_stats(&fixture.store, &[DeckId::new("ch1")], today, None).unwrap();
        let all = text(&render(&mut stats, width, height, COLOR));
        let whole = joined(&all);
        for line in [
            "2 cards: 0 new, 2 learning, 0 review",
            "due today 0 · next 7 days: 2 0 0 0 0 0 0",
            "ratings: 2 today · 30 days: 1:0 2:1 3:0 4:1 5:0",
            "retention (30 days): no review of a seen card yet",
            "no exam date (review --exam YYYY-MM-DD)",
        ] {
            assert!(whole.contains(line), "{width}×{height}: {line}\n{all}");
        }
        assert!(!all.contains("no review ratings yet"), "{all}");
        // The axis ends with its last label, whole.
        assert!(all.contains("+30"), "{width}×{height}: {all}");
        assert!(all.contains("(+1: tomorrow)"), "{width}×{height}: {all}");
        assert!(
            all.contains("study day 2026-12-01"),
            "{width}×{height}: {all}"
        );
    }
}

#[test]
fn the_preview_header_wraps_instead_of_cutting_tags() {
    let yaml = "title: T\ncards:\n  - id: \"pla-remontee-information-outils\"\n    q: \"Quels outils ?\"\n    points: 2\n    tags: [\"plaintes\", \"reparation-de-service\", \"garanties\", \"remontee-information\", \"outils\"]\n    a: [\"un\", \"deux\"]\n";
    for (width, height) in SIZES {
        let mut preview = PreviewScreen::new(deck::parse_deck(
            std::path::Path::new("t.yaml"),
            yaml.as_bytes(),
        ));
        let all = text(&render(&mut preview, width, height, COLOR));
        let whole = joined(&all);
        assert!(
            whole.contains(
                "plaintes, reparation-de-service, garanties, remontee-information, outils"
            ),
            "{width}×{height}: {all}"
        );
        assert!(
            whole.contains("id pla-remontee-information-outils · 2 points"),
            "{width}×{height}: {all}"
        );
    }
}

const ASKING: &str = r#"title: "Après-service"
cards:
  - id: "facteur"
    q: "Nommez un facteur qui explique pourquoi les clients déçus ne se plaignent pas toujours."
    ask: 1
    a: ["Manque d'accès aux canaux", "Faibles compétences en communication", "Capacités cognitives limitées", "Normes culturelles", "Personnalité"]
  - id: "trois"
    q: "Nommez trois étapes auprès des clients difficiles."
    ask: 3
    a: ["Accueillir", "S'excuser", "Poser des questions", "Rassurer", "Présenter", "Conclure"]
"#;

/// A fixture with a deck of its own, synced into the fixture's store.
pub(super) fn fixture_with(name: &str, yaml: &str) -> Fixture {
    let mut fixture = Fixture::new();
    let deck = fixture.dir.join(format!("{name}.yaml"));
    std::fs::write(&deck, yaml).unwrap();
    fixture.store.sync(&[deck], false, now().unwrap()).unwrap();
    fixture
}

fn review_of(fixture: &Fixture, deck: &str) -> super::review::ReviewScreen {
    let session =
        Session::start(&fixture.store, vec![DeckId::new(deck)], now().unwrap(), 20).unwrap();
    super::intents::open_review(session, &fixture.store).unwrap()
}

#[test]
fn ticking_as_many_items_as_the_question_asks_proposes_5() {
    let mut fixture = fixture_with("asking", ASKING);
    let mut screen = review_of(&fixture, "asking");
    let mut ctx = fixture.ctx(true);
    super::tests::press(&mut screen, &mut ctx, " t3");
    assert_eq!(
        screen.proposed().map(|r| r.value()),
        Some(5),
        "one of five asked, one recalled"
    );
    let all = text(&render(&mut screen, 80, 24, COLOR));
    assert!(all.contains("the question asks for 1 of the 5"), "{all}");
    super::tests::press(&mut screen, &mut ctx, "\n");
    // Three of six asked: two recalled is two thirds.
    super::tests::press(&mut screen, &mut ctx, " t1t2");
    assert_eq!(screen.proposed().map(|r| r.value()), Some(4));
    super::tests::press(&mut screen, &mut ctx, "t4");
    assert_eq!(screen.proposed().map(|r| r.value()), Some(5));
}
