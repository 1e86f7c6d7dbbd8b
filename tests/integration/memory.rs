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
            verdict: None,
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
    let cards = store
        .model_cards(&decks, stored.version, use_cache)
        .unwrap();
    if use_cache {
        // The planner's lighter read of the cache gives the same memories
        // and due days.
        let planned = store.plan_cards(&decks, stored.version).unwrap();
        let seen = |c: &fiches::store::ModelCard| (c.id, c.state.due, memory_now(&model, c));
        assert_eq!(
            planned.iter().map(seen).collect::<Vec<_>>(),
            cards.iter().map(seen).collect::<Vec<_>>()
        );
    }
    cards
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
            // Too short a log for a full fit: at most a few parameters adjusted.
            assert!(
                !matches!(done.fit, Some(Ok(fiches::memory::Source::Fitted { .. }))),
                "{:?}",
                done.fit
            );
            let through = store.stored_model().unwrap().cached_through;
            assert!(through > 0);
            // A rating the cache holds is taken back: that card must be replayed whole.
            assert_eq!(store.log_mark().unwrap().through, through);
            assert!(store.undo(fiches::store::ReviewId::new(through)).unwrap());
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
    assert!(store.undo(fiches::store::ReviewId::new(latest)).unwrap());
    assert_eq!(memories(&store, true), full);
}

/// The cache as stored, row by row.
fn cache_rows(db: &std::path::Path) -> Vec<(i64, i64, f64, f64, String)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut rows = conn
        .prepare(
            "SELECT card, model, stability, difficulty, last_day FROM memory_states ORDER BY card",
        )
        .unwrap();
    rows.query_map([], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

fn rate_with(store: &mut Store, card: CardId, value: u8, day: NaiveDate, policy: sched::Policy) {
    store
        .record(&fiches::store::NewReview {
            card,
            rating: Rating::new(value).unwrap(),
            at: at(day),
            day,
            took_ms: 4000,
            ticks: None,
            verdict: None,
            policy,
        })
        .unwrap();
}

#[test]
fn the_cache_brought_up_to_date_between_sessions_is_the_one_a_whole_rebuild_gives() {
    let scratch = Scratch::new();
    let path = scratch.write("decks/m.yaml", deck(60));
    let db = scratch.path.join("store.db");
    let mut store = Store::open(&db).unwrap();
    let start = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    store
        .sync(std::slice::from_ref(&path), false, at(start))
        .unwrap();
    let ids: Vec<CardId> = memories(&store, false).iter().map(|(id, _)| *id).collect();
    // Parameters fitted to a far larger log than this one: no fit is due,
    // so the upkeep only brings the cache up to date.
    let defaults = fiches::memory::Model::defaults();
    store
        .save_fitted_model(
            defaults.weights(),
            1_000_000,
            "2026-11-01T09:00:00-05:00",
            "test",
        )
        .unwrap();
    let session = |store: &mut Store, first: u64| {
        for d in first..first + 10 {
            let day = start + Days::new(d);
            // Cards 0..40 studied, some twice a day; 40..60 left alone.
            for (i, id) in ids.iter().enumerate().take(40) {
                if !(i as u64 + d).is_multiple_of(4) {
                    let rating = 1 + u8::try_from((i as u64 * 7 + d) % 5).unwrap();
                    rate(store, *id, rating, day);
                    if i % 6 == 0 {
                        rate(store, *id, 4, day);
                    }
                }
            }
        }
    };
    session(&mut store, 0);
    let first = upkeep(&mut store, at(start + Days::new(10)), false, false).unwrap();
    assert_eq!(first.fit, None);
    assert_eq!(first.cached_cards, Some(40), "{first:?}");
    let through = store.stored_model().unwrap().cached_through;
    assert_eq!(through, store.log_mark().unwrap().through);

    // Since: a cached rating taken back; a new card crammed (logged, never
    // scheduled); a card with a schedule but no log, as an older store has;
    // a card removed from its deck (retired); more study.
    assert!(store.undo(fiches::store::ReviewId::new(through)).unwrap());
    rate_with(
        &mut store,
        ids[45],
        2,
        start + Days::new(10),
        sched::Policy::Cram,
    );
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute(
            "UPDATE cards SET reps = 2, interval = 6, due = '2026-11-12', last_day = '2026-11-06' WHERE id = ?1",
            [ids[50].get()],
        )
        .unwrap();
    }
    let text = std::fs::read_to_string(&path).unwrap();
    let removed = text.replace(
        "  - id: \"m7\"\n    q: \"Question 7 ?\"\n    a: \"Réponse 7.\"\n    tags: [\"t1\"]\n",
        "",
    );
    assert_ne!(removed, text);
    std::fs::write(&path, removed).unwrap();
    store
        .sync(
            std::slice::from_ref(&path),
            false,
            at(start + Days::new(10)),
        )
        .unwrap();
    session(&mut store, 11);
    let second = upkeep(&mut store, at(start + Days::new(21)), false, false).unwrap();
    assert_eq!(second.fit, None);
    // Only the cards whose log changed were replayed.
    let replayed = second.cached_cards.unwrap();
    assert!((30..=45).contains(&replayed), "{second:?}");
    let brought_up_to_date = cache_rows(&db);
    assert!(brought_up_to_date.iter().any(|row| row.0 == ids[45].get()));
    assert!(brought_up_to_date.iter().any(|row| row.0 == ids[50].get()));
    assert!(!brought_up_to_date.iter().any(|row| row.0 == ids[7].get()));

    // The whole rebuild, from every card's whole log.
    let stored = store.stored_model().unwrap();
    let model = model_of(&stored);
    let decks = store.deck_ids().unwrap();
    let mark = store.log_mark().unwrap();
    let states: Vec<_> = store
        .model_cards(&decks, stored.version, false)
        .unwrap()
        .iter()
        .filter_map(|card| memory_now(&model, card).map(|m| (card.id, m)))
        .collect();
    assert!(
        store
            .save_memory_cache(stored.version, mark, &states)
            .unwrap()
    );
    assert_eq!(brought_up_to_date, cache_rows(&db));
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

#[test]
fn readiness_forecasts_the_exam_day_by_deck_and_tag() {
    let scratch = Scratch::new();
    scratch.write(
        "decks/m.yaml",
        deck(12).replacen("cards:\n", "exam: \"2026-12-15\"\ncards:\n", 1),
    );
    let db = scratch.path.join("store.db");
    let on = |day: &str| {
        vec![
            ("FICHES_DB", db.to_str().unwrap().to_string()),
            ("FICHES_NOW", format!("{day}T09:00:00-05:00")),
        ]
    };
    let run_on = |day: &str, args: &[&str], stdin: Option<&str>| {
        let env = on(day);
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        fiches_with(&scratch.path, args, &env, stdin)
    };
    // Nothing seen yet: nothing remembered.
    let run = run_on("2026-12-01", &["readiness", "--json"], None);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["on"], "2026-12-15");
    assert_eq!(doc["exam"], true);
    assert_eq!(doc["predicted_recall"], 0.0);
    assert_eq!(doc["cards"], 12);
    assert_eq!(doc["seen"], 0);
    assert_eq!(doc["model"]["parameters"], "defaults");
    assert!(doc["model"]["calibration"]["error"].is_null());
    assert!(
        doc["with_plan"].as_f64().unwrap() > 0.5,
        "{}",
        doc["with_plan"]
    );
    // Six cards learnt on the first day (the plan shows new cards first),
    // the other six and the first six again on the third.
    run_on(
        "2026-12-01",
        &["review", "--plain"],
        Some(&"\n4\n".repeat(6)),
    );
    run_on(
        "2026-12-03",
        &["review", "--plain"],
        Some(&"\n4\n".repeat(12)),
    );
    let run = run_on(
        "2026-12-04",
        &["readiness", "--json", "--minutes", "10"],
        None,
    );
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["seen"], 12, "{doc}");
    let recall = doc["predicted_recall"].as_f64().unwrap();
    // Every card seen, none certain eleven days later.
    assert!(recall > 0.5 && recall < 0.95, "{recall}");
    assert!(doc["with_plan"].as_f64().unwrap() > recall);
    assert_eq!(doc["decks"][0]["name"], "Mémoire");
    let tags: Vec<&str> = doc["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(tags, vec!["t0", "t1", "t2"]);
    assert_eq!(doc["weakest"].as_array().unwrap().len(), 10);
    // The weakest first: the cards seen once only.
    let weakest: Vec<f64> = doc["weakest"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["predicted_recall"].as_f64().unwrap())
        .collect();
    assert!(weakest.windows(2).all(|w| w[0] <= w[1]), "{weakest:?}");
    assert!(weakest[0] < recall);
    assert!(doc["model"]["calibration"]["reviews"].as_u64().unwrap() > 0);
    // A later day forecasts less; a past one is refused.
    let later = run_on(
        "2026-12-04",
        &["readiness", "--json", "--on", "2027-01-30"],
        None,
    );
    let later: Value = serde_json::from_str(&later.stdout).unwrap();
    assert!(later["predicted_recall"].as_f64().unwrap() < recall);
    assert_eq!(later["exam"], false);
    let past = run_on("2026-12-04", &["readiness", "--on", "2026-12-01"], None);
    assert_eq!(past.status, 2);
    assert!(past.stderr.contains("in the past"), "{}", past.stderr);
    let text = run_on("2026-12-04", &["readiness", "--by", "tag"], None);
    assert!(
        text.stdout.contains("A prediction of a model of memory"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("\nt1 "), "{}", text.stdout);

    // The calibration, from the same log: 6 cards reviewed again two days on.
    let run = run_on("2026-12-04", &["stats", "--calibration", "--json"], None);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let cal: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(cal["parameters"], "defaults");
    assert_eq!(cal["calibration"]["reviews"], 6);
    let bins = cal["calibration"]["bins"].as_array().unwrap();
    let binned: u64 = bins.iter().map(|b| b["reviews"].as_u64().unwrap()).sum();
    assert_eq!(binned, 6);
    // Every one of them was rated 4: recalled, as observed.
    assert!(bins.iter().all(|b| b["observed"] == 1.0), "{bins:?}");
    assert_eq!(cal["confidence"]["confident"], 6);
    assert_eq!(cal["confidence"]["then_lapsed"], 0);
    let text = run_on("2026-12-04", &["stats", "--calibration"], None);
    assert!(text.stdout.contains("over 6 reviews"), "{}", text.stdout);
}

#[test]
fn the_deck_list_shows_days_left_and_the_forecast_of_each_deck_with_an_exam() {
    let scratch = Scratch::new();
    scratch.write(
        "decks/m.yaml",
        deck(4).replacen("cards:\n", "exam: \"2026-12-15\"\ncards:\n", 1),
    );
    scratch.write(
        "decks/other.yaml",
        "title: \"Sans examen\"\ncards:\n  - q: \"Q ?\"\n    a: \"R\"\n",
    );
    let db = scratch.path.join("store.db");
    let run = |day: &str, args: &[&str], stdin: Option<&str>| {
        let now = format!("{day}T09:00:00-05:00");
        fiches_with(
            &scratch.path,
            args,
            &[("FICHES_DB", db.to_str().unwrap()), ("FICHES_NOW", &now)],
            stdin,
        )
    };
    let list = run("2026-12-01", &[], None);
    assert_eq!(list.status, 0, "{}", list.stderr);
    let row = |out: &str, deck: &str| {
        out.lines()
            .find(|l| l.starts_with(deck))
            .unwrap_or_else(|| panic!("no {deck} in {out}"))
            .to_string()
    };
    assert!(
        row(&list.stdout, "m ").contains(" 14 d · 0 %"),
        "{}",
        list.stdout
    );
    assert!(
        row(&list.stdout, "other ").contains(" - "),
        "{}",
        list.stdout
    );
    assert!(
        list.stdout
            .contains("as a model of memory predicts (FSRS, default parameters); there is no review yet to judge it by."),
        "{}",
        list.stdout
    );
    // Four cards learnt, then seen again two days on: a forecast, and a record to judge it by.
    run(
        "2026-12-01",
        &["review", "--plain", "m"],
        Some(&"\n4\n".repeat(4)),
    );
    run(
        "2026-12-03",
        &["review", "--plain", "m"],
        Some(&"\n4\n".repeat(4)),
    );
    let list = run("2026-12-04", &[], None);
    let m = row(&list.stdout, "m ");
    let percent: u32 = m
        .split(" d · ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no forecast in {m}"));
    assert!(m.contains(" 11 d · "), "{m}");
    assert!(percent > 30 && percent < 100, "{m}");
    assert!(
        list.stdout.contains("so far it was off by"),
        "{}",
        list.stdout
    );
}

#[test]
fn calibration_sets_self_ratings_against_the_points_ticked() {
    let scratch = Scratch::new();
    let path = scratch.write(
        "decks/l.yaml",
        "title: \"Listes\"\ncards:\n  - q: \"Deux ?\"\n    a: [\"un\", \"deux\"]\n  - q: \"Quatre ?\"\n    a: [\"a\", \"b\", \"c\", \"d\"]\n",
    );
    let db = scratch.path.join("store.db");
    let mut store = Store::open(&db).unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    store.sync(&[path], false, at(day)).unwrap();
    let rows = store.card_rows(&store.deck_ids().unwrap()).unwrap();
    let ticked = |store: &mut Store, row: usize, rating: u8, ticks: Vec<usize>| {
        store
            .record(&fiches::store::NewReview {
                card: rows[row].card,
                rating: Rating::new(rating).unwrap(),
                at: at(day),
                day,
                took_ms: 4000,
                ticks: Some(ticks),
                verdict: None,
                policy: sched::Policy::Normal,
            })
            .unwrap();
    };
    // Rated 4 with one item of two, then with two of four: half the points each time.
    ticked(&mut store, 0, 4, vec![1]);
    ticked(&mut store, 1, 4, vec![2, 3]);
    ticked(&mut store, 1, 5, vec![1, 2, 3, 4]);
    ticked(&mut store, 0, 3, vec![]);
    drop(store);
    let env = [
        ("FICHES_DB", db.to_str().unwrap()),
        ("FICHES_NOW", "2026-12-02T09:00:00-05:00"),
    ];
    let run = fiches_with(
        &scratch.path,
        &["stats", "--calibration", "--json"],
        &env,
        None,
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    let by_ticks = &doc["self_rating"]["by_ticks"];
    assert_eq!(by_ticks[0]["rating"], 4);
    assert_eq!(by_ticks[0]["reviews"], 2);
    assert_eq!(by_ticks[0]["recalled"], 0.5);
    assert_eq!(by_ticks[1]["rating"], 5);
    assert_eq!(by_ticks[1]["recalled"], 1.0);
    assert_eq!(doc["self_rating"]["unticked"], 1);
    let text = fiches_with(&scratch.path, &["stats", "--calibration"], &env, None);
    assert!(
        text.stdout
            .contains("you rate 4 when you recalled 50 % of the points (2 ratings)"),
        "{}",
        text.stdout
    );
}

/// A card retired when the cache was made, and its reviews with it, comes
/// back by sync: the count a fit rests on is made afresh, so a fit its
/// reviews make due is tried at the next upkeep.
#[test]
fn a_card_back_from_retirement_counts_again_towards_a_fit() {
    let scratch = Scratch::new();
    let path = scratch.write("decks/m.yaml", deck(10));
    let db = scratch.path.join("store.db");
    let mut store = Store::open(&db).unwrap();
    let start = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
    store
        .sync(std::slice::from_ref(&path), false, at(start))
        .unwrap();
    let ids: Vec<CardId> = memories(&store, false).iter().map(|(id, _)| *id).collect();
    // Card m7 reviewed on enough days to make an adjustment due.
    let days = fiches::memory::adjust::MIN_REVIEWS_TO_ADJUST as u64 + 5;
    for d in 0..days {
        rate(
            &mut store,
            ids[7],
            3 + u8::try_from(d % 3).unwrap(),
            start + Days::new(d),
        );
    }
    // m7 removed from its deck; the upkeep counts the live cards' reviews:
    // too few, nothing to fit, the count kept with the cache.
    let text = std::fs::read_to_string(&path).unwrap();
    let removed = text.replace(
        "  - id: \"m7\"\n    q: \"Question 7 ?\"\n    a: \"Réponse 7.\"\n    tags: [\"t1\"]\n",
        "",
    );
    assert_ne!(removed, text);
    let today = start + Days::new(days);
    std::fs::write(&path, removed).unwrap();
    store
        .sync(std::slice::from_ref(&path), false, at(today))
        .unwrap();
    upkeep(&mut store, at(today), false, false).unwrap();
    assert_eq!(store.stored_model().unwrap().cached_pairs, Some(0));
    let idle = upkeep(&mut store, at(today), false, false).unwrap();
    assert_eq!(idle.fit, None, "{idle:?}");
    // m7 back: its reviews count again, and the next upkeep tries the fit.
    std::fs::write(&path, &text).unwrap();
    let report = store
        .sync(std::slice::from_ref(&path), false, at(today))
        .unwrap();
    assert_eq!(
        report.decks[0].count(fiches::sync::plan::ChangeKind::Restored),
        1,
        "{report:?}"
    );
    let after = upkeep(&mut store, at(today), false, false).unwrap();
    assert!(after.fit.is_some(), "{after:?}");
    let cards: Vec<_> = {
        let stored = store.stored_model().unwrap();
        let decks = store.deck_ids().unwrap();
        store.model_cards(&decks, stored.version, false).unwrap()
    };
    let logs: Vec<fiches::memory::fit::CardLog<'_>> = cards
        .iter()
        .map(|c| fiches::memory::fit::CardLog { log: &c.log })
        .collect();
    assert_eq!(
        store.stored_model().unwrap().cached_pairs,
        Some(fiches::memory::fit::fit_size(&logs))
    );
}

/// The model's cards read one at a time, side by side with the log, are
/// those read whole (retired cards left out); and the upkeep's fit, from
/// those, gives the parameters a fit of every card's log read whole gives.
#[test]
fn the_fit_read_card_by_card_gives_the_parameters_of_the_whole_log() {
    let scratch = Scratch::new();
    let first = scratch.write("decks/a.yaml", deck(70));
    let second = scratch.write("decks/b.yaml", deck(60).replace("id: \"m", "id: \"n"));
    let decks = [first.clone(), second];
    let mut store = Store::open(&scratch.path.join("store.db")).unwrap();
    let start = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    store.sync(&decks, false, at(start)).unwrap();
    let ids: Vec<CardId> = memories(&store, false).iter().map(|(id, _)| *id).collect();
    assert_eq!(ids.len(), 130);
    // Reviews on five days a card for 120 cards (480 to fit on), the day
    // order across cards not their order, a same-day repeat now and then.
    for round in 0..5u64 {
        for (i, id) in ids.iter().enumerate().take(120) {
            let day = start + Days::new(round * 9 + (i as u64 * 5) % 7);
            let rating = if (i as u64 + round).is_multiple_of(4) {
                2
            } else {
                4
            };
            rate(&mut store, *id, rating, day);
            if i.is_multiple_of(11) {
                rate(&mut store, *id, 4, day);
            }
        }
    }
    // A reviewed card retired: its log is no longer the fit's.
    let text = std::fs::read_to_string(&first).unwrap();
    let removed = text.replace(
        "  - id: \"m5\"\n    q: \"Question 5 ?\"\n    a: \"Réponse 5.\"\n    tags: [\"t2\"]\n",
        "",
    );
    assert_ne!(removed, text);
    std::fs::write(&first, removed).unwrap();
    let today = start + Days::new(50);
    store.sync(&decks, false, at(today)).unwrap();

    let stored = store.stored_model().unwrap();
    let deck_ids = store.deck_ids().unwrap();
    let whole = store.model_cards(&deck_ids, stored.version, false).unwrap();
    let mut streamed = Vec::new();
    store
        .each_model_card(|card| {
            streamed.push(card);
            Ok::<_, fiches::store::StoreError>(())
        })
        .unwrap();
    let seen = |c: &fiches::store::ModelCard| {
        (
            c.id,
            c.deck.clone(),
            c.position,
            c.state,
            c.start,
            c.log.clone(),
        )
    };
    let mut expected: Vec<_> = whole.iter().map(seen).collect();
    expected.sort_by_key(|c| c.0);
    assert_eq!(streamed.iter().map(seen).collect::<Vec<_>>(), expected);
    assert_eq!(streamed.len(), 129);

    let logs: Vec<fiches::memory::fit::CardLog<'_>> = whole
        .iter()
        .filter(|c| c.start.is_none() && !c.log.is_empty())
        .map(|c| fiches::memory::fit::CardLog { log: &c.log })
        .collect();
    assert_eq!(fiches::memory::fit::fit_size(&logs), 476);
    let direct = fiches::memory::fit::fit(&model_of(&stored), &logs, |_, _| {});
    let done = upkeep(&mut store, at(today), false, false).unwrap();
    let after = store.stored_model().unwrap();
    match direct {
        Ok(model) => {
            assert_eq!(done.fit, Some(Ok(model.source)));
            assert_eq!(after.parameters.as_deref(), Some(&model.weights()[..]));
        }
        Err(err) => {
            assert_eq!(done.fit, Some(Err(err)));
            assert_eq!(after.parameters, None);
        }
    }
    assert_eq!(after.cached_pairs, Some(476));
}
