//! The memory model over a real store: the cache of memory states gives the
//! same memories as replaying every log, undo included; `fiches fit`.

use chrono::{DateTime, Days, FixedOffset, NaiveDate};
use fiches::commands::fit::upkeep;
use fiches::memory::{memory_now, model_of};
use fiches::sched::{self, Rating};
use fiches::store::{CardId, Store};
use serde_json::Value;

use crate::support::{Scratch, fiches_with};

fn at(day: NaiveDate) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(&format!("{day}T09:00:00-05:00")).unwrap()
}

fn deck(cards: usize) -> String {
    let mut text = String::from("title: \"Mémoire\"\ncards:\n");
    for i in 0..cards {
        text.push_str(&format!(
            "  - id: \"m{i}\"\n    q: \"Question {i} ?\"\n    a: \"Réponse {i}.\"\n    tags: [\"t{}\"]\n",
            i % 3
        ));
    }
    text
}

fn rate(store: &mut Store, card: CardId, value: u8, day: NaiveDate) {
    store
        .record(&fiches::store::NewReview {
            card,
            rating: Rating::new(value).unwrap(),
            at: at(day),
            day,
            took_ms: 4000,
            ticks: None,
            policy: sched::Policy::Normal,
        })
        .unwrap();
}

/// Each card's (stability, difficulty, last review day).
type Memories = Vec<(CardId, Option<(f32, f32, NaiveDate)>)>;

fn memories(store: &Store, use_cache: bool) -> Memories {
    let stored = store.stored_model().unwrap();
    let model = model_of(&stored);
    let decks = store.deck_ids().unwrap();
    store
        .model_cards(&decks, stored.version, use_cache)
        .unwrap()
        .iter()
        .map(|card| {
            (
                card.id,
                memory_now(&model, card).map(|m| (m.stability, m.difficulty, m.last_day)),
            )
        })
        .collect()
}

#[test]
fn cached_memories_are_those_of_a_full_replay_through_new_reviews_and_undo() {
    let scratch = Scratch::new();
    let path = scratch.write("decks/m.yaml", deck(30));
    let mut store = Store::open(&scratch.path.join("store.db")).unwrap();
    let start = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    store.sync(&[path], false, at(start)).unwrap();
    let ids: Vec<CardId> = memories(&store, false).iter().map(|(id, _)| *id).collect();
    let mut last = None;
    for d in 0..20u64 {
        let day = start + Days::new(d);
        for (i, id) in ids.iter().enumerate() {
            if (i as u64 + d).is_multiple_of(3) {
                let rating = 1 + u8::try_from((i as u64 * 7 + d) % 5).unwrap();
                rate(&mut store, *id, rating, day);
                if i % 5 == 0 {
                    rate(&mut store, *id, 4, day);
                }
            }
        }
        if d == 10 {
            // Between sessions: the cache is built.
            let done = upkeep(&mut store, at(day), true, false).unwrap();
            let seen = memories(&store, false)
                .iter()
                .filter(|(_, m)| m.is_some())
                .count();
            assert_eq!(done.cached_cards, Some(seen));
            assert!(matches!(done.fit, Some(Err(_))), "too short a log to fit");
            let through = store.stored_model().unwrap().cached_through;
            assert!(through > 0);
            // A rating the cache holds is taken back: that card must be replayed whole.
            assert_eq!(store.log_mark().unwrap().through, through);
            assert!(store.undo(fiches::store::ReviewId(through)).unwrap());
        }
        last = Some(day);
    }
    let full = memories(&store, false);
    assert_eq!(
        memories(&store, true),
        full,
        "cache + reviews since = full replay"
    );
    assert!(full.iter().filter(|(_, m)| m.is_some()).count() > 20);
    // And one given since.
    let day = last.unwrap() + Days::new(1);
    rate(&mut store, ids[3], 5, day);
    let latest = store.log_mark().unwrap().through;
    assert!(store.undo(fiches::store::ReviewId(latest)).unwrap());
    assert_eq!(memories(&store, true), full);
}

#[test]
fn fit_on_a_short_log_keeps_the_defaults_and_says_so() {
    let scratch = Scratch::new();
    scratch.write("decks/m.yaml", deck(5));
    let db = scratch.path.join("store.db");
    let env = [
        ("FICHES_DB", db.to_str().unwrap()),
        ("FICHES_NOW", "2026-12-01T09:00:00-05:00"),
    ];
    let run = fiches_with(
        &scratch.path,
        &["review", "--plain"],
        &env,
        Some("\n4\n\n5\n"),
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    let run = fiches_with(&scratch.path, &["fit", "--json"], &env, None);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let fit: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(fit["fitted"], false);
    assert_eq!(fit["source"], "defaults");
    assert_eq!(fit["parameters"].as_array().unwrap().len(), 21);
    assert!(
        fit["message"].as_str().unwrap().contains("too short"),
        "{}",
        fit["message"]
    );
    let run = fiches_with(&scratch.path, &["fit"], &env, None);
    assert!(
        run.stdout.contains("default parameters stay in use"),
        "{}",
        run.stdout
    );
}
