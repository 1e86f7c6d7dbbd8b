//! Every phase of every screen at 80×24 and at the smallest size (50×16),
//! compared as text with `src/ui/snapshots/`. A change in what a screen
//! shows fails here; to accept it, run the tests with UPDATE_SNAPSHOTS=1 and
//! read the diff of the snapshot files.

use std::path::Path;

use super::tests::{COLOR, DECK, Fixture, kinds_fixture, kinds_review, now, press, render, text};
use super::{MIN_HEIGHT, MIN_WIDTH, Screen, intents};
use crate::deck::{self, DeckId};

const SIZES: [(u16, u16); 2] = [(80, 24), (MIN_WIDTH, MIN_HEIGHT)];

/// The screen drawn at both sizes, against `snapshots/NAME-WxH.txt`.
fn check(name: &str, screen: &mut dyn Screen) {
    for (width, height) in SIZES {
        let drawn = steady(&text(&render(screen, width, height, COLOR)));
        let file = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src/ui/snapshots")
            .join(format!("{name}-{width}x{height}.txt"));
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, &drawn).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&file).unwrap_or_else(|_| {
            panic!(
                "no snapshot {}: run with UPDATE_SNAPSHOTS=1 to write it",
                file.display()
            )
        });
        assert_eq!(
            drawn,
            expected,
            "{name} at {width}×{height} differs from {}:\n{drawn}",
            file.display()
        );
    }
}

/// The time a session took is the one figure that moves from run to run.
fn steady(drawn: &str) -> String {
    drawn
        .lines()
        .map(|line| match line.find("Time: ") {
            Some(at) => format!("{}Time: (not compared)", &line[..at]),
            None => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[test]
fn review_of_a_basic_card() {
    let mut fixture = Fixture::new();
    let mut screen = fixture.review();
    check("review-question", &mut screen);
    let mut ctx = fixture.ctx(true);
    press(&mut screen, &mut ctx, " ");
    check("review-answer", &mut screen);
    press(&mut screen, &mut ctx, "xj");
    check("review-answer-ticked", &mut screen);
    press(&mut screen, &mut ctx, "?");
    check("review-help", &mut screen);
    press(&mut screen, &mut ctx, "⎋5 4q");
    check("review-summary", &mut screen);
}

#[test]
fn review_of_graded_cards() {
    let mut fixture = kinds_fixture();
    let mut screen = kinds_review(&fixture);
    check("graded-true-false", &mut screen);
    let mut ctx = fixture.ctx(true);
    press(&mut screen, &mut ctx, "f");
    check("graded-verdict", &mut screen);
    press(&mut screen, &mut ctx, "\n");
    press(&mut screen, &mut ctx, "a");
    check("graded-choice-typing", &mut screen);
    press(&mut screen, &mut ctx, "\n\n");
    press(&mut screen, &mut ctx, "eficacement\n");
    check("graded-cloze-second-blank", &mut screen);
}

#[test]
fn preview_of_a_deck() {
    let mut fixture = Fixture::new();
    let mut screen = super::preview::PreviewScreen::new(deck::parse_deck(
        Path::new("ch1.yaml"),
        DECK.as_bytes(),
    ));
    check("preview", &mut screen);
    let mut ctx = fixture.ctx(true);
    press(&mut screen, &mut ctx, "j/client");
    check("preview-search", &mut screen);
}

#[test]
fn deck_list_and_stats() {
    let mut fixture = Fixture::new();
    let today = now().map(crate::clock::study_day).unwrap();
    let decks = vec![DeckId::new("ch1")];
    let mut list =
        intents::open_decks(&fixture.store, decks.clone(), today, Default::default()).unwrap();
    check("decks", &mut list);
    let mut ctx = fixture.ctx(true);
    press(&mut list, &mut ctx, "?");
    check("decks-help", &mut list);
    let mut stats = intents::open_stats(&fixture.store, &decks, today, None).unwrap();
    check("stats", &mut stats);
}

/// A deck planned to an exam, with tags and a log the model can be judged
/// by: the deck list's exam column and the stats screen's readiness by tag.
#[test]
fn deck_list_and_stats_forecast_the_exam() {
    use crate::store::{NewReview, Store};
    let dir = std::env::temp_dir().join(format!("fiches-ui-exam-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("sac.yaml");
    let mut yaml = String::from(
        "title: \"Service à la clientèle\"\nid: sac\nexam: \"2026-12-15\"\ntags: [\"sac\"]\ncards:\n",
    );
    for i in 0..8 {
        let tag = if i % 2 == 0 { "liste" } else { "definition" };
        yaml.push_str(&format!(
            "  - q: \"Question {i} ?\"\n    a: \"Réponse {i}.\"\n    tags: [\"{tag}\"]\n"
        ));
    }
    std::fs::write(&path, yaml).unwrap();
    let mut store = Store::open(&dir.join("s.db")).unwrap();
    store.sync(&[path], false, now().unwrap()).unwrap();
    let deck = DeckId::new("sac");
    let rows = store.card_rows(std::slice::from_ref(&deck)).unwrap();
    // Six cards learnt on the 1st, four of them again on the 3rd (one forgotten).
    for (day, cards, ratings) in [(1, 0..6, [4, 4, 5, 4, 4, 4]), (3, 0..4, [4, 1, 4, 5, 0, 0])] {
        let at = chrono::DateTime::parse_from_rfc3339(&format!("2026-12-0{day}T09:00:00-05:00"))
            .unwrap();
        for (row, rating) in rows[cards].iter().zip(ratings) {
            store
                .record(&NewReview {
                    card: row.card,
                    rating: crate::sched::Rating::new(rating).unwrap(),
                    at,
                    day: crate::clock::study_day(at),
                    took_ms: 5000,
                    ticks: None,
                    verdict: None,
                    policy: crate::sched::Policy::Normal,
                })
                .unwrap();
        }
    }
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
    let decks = vec![deck];
    let mut list = intents::open_decks(&store, decks.clone(), today, Default::default()).unwrap();
    let exam = list.rows()[0].exam.unwrap();
    assert_eq!(exam.days_left, 11);
    assert!(exam.recall > 0.2 && exam.recall < 0.75, "{exam:?}");
    assert!(list.note().unwrap().contains("off by"), "{:?}", list.note());
    check("decks-exam", &mut list);
    let mut stats = intents::open_stats(&store, &decks, today, None).unwrap();
    check("stats-exam", &mut stats);
    let mut ctx = crate::ui::Ctx {
        scheduling: Default::default(),
        store: Some(&mut store),
        now: &now,
        theme: COLOR,
    };
    press(&mut stats, &mut ctx, "f");
    check("stats-forecast", &mut stats);
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}
