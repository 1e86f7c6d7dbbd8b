//! Simulated students preparing a 200-card exam through the real session
//! code, day by day with a set clock, each stopping when their minutes are
//! spent; and the time to plan a session on a 10,000-card store with
//! 100,000 reviews.
//!
//! Each student's memory is FSRS with hidden weights of their own (every
//! weight scaled at random, a forgetting curve of another shape), and their
//! time per card is noisy: the planner knows none of it, and only sees the
//! ratings and times in the log, as with a real student.
//!
//! Run: `cargo bench --bench exam` (EXAM_STUDENTS=N for more students,
//! EXAM_SEED=N for other ones, EXAM_SCENARIOS=0,1 for some of the
//! scenarios only, without the planning time).

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::time::Instant;

use chrono::{DateTime, Days, FixedOffset, NaiveDate, TimeDelta};
use fiches::commands::fit::upkeep;
use fiches::deck::DeckId;
use fiches::memory::adjust::{Knobs, adjust_some};
use fiches::memory::fit::CardLog;
use fiches::memory::{Grade, Memory, Model, Source, memory_now, model_of};
use fiches::review::exam_plan::{PlanCard, exam_day};
use fiches::review::{Plan, Session};
use fiches::sched::{Policy, Rating};
use fiches::store::{CardId, NewReview, Store, StoredModel};

use common::Rng;

const CARDS: usize = 200;

/// A simulated student: their hidden memory model and pace.
struct Student {
    memory: Model,
    seconds: f64,
    /// The chance of knowing a card at first sight.
    prior: f64,
    rng: Rng,
    /// Each card's hidden memory.
    cards: Vec<Option<Memory>>,
}

impl Student {
    fn new(seed: u64) -> Student {
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        let mut weights = fsrs::DEFAULT_PARAMETERS;
        for w in weights.iter_mut().take(20) {
            *w *= (0.35 * rng.normal()).exp() as f32;
        }
        // Another forgetting-curve shape: decay from 0.1 to 0.6.
        weights[20] = (0.1 + 0.5 * rng.uniform()) as f32;
        let memory = Model::new(&weights, Source::Defaults).expect("hidden weights");
        Student {
            memory,
            seconds: 7.0 + 7.0 * rng.uniform(),
            prior: 0.1 + 0.3 * rng.uniform(),
            rng,
            cards: vec![None; CARDS],
        }
    }

    fn recall(&self, card: usize, day: NaiveDate) -> f64 {
        self.cards[card].map_or(0.0, |m| self.memory.recall(&m, day))
    }

    /// Answers a card: (rating, seconds taken), the hidden memory updated.
    fn answer(&mut self, card: usize, day: NaiveDate) -> (Rating, f64) {
        let p = match self.cards[card] {
            None => self.prior,
            Some(m) => self.memory.recall(&m, day),
        };
        let recalled = self.rng.uniform() < p;
        let new = self.cards[card].is_none();
        self.cards[card] = self.memory.after(
            self.cards[card],
            if recalled { Grade::GOOD } else { Grade::AGAIN },
            day,
        );
        let rating = if recalled {
            if p > 0.85 {
                5
            } else if p > 0.6 {
                4
            } else {
                3
            }
        } else if self.rng.uniform() < 0.5 {
            1
        } else {
            2
        };
        let mut took = self.seconds * (0.3 * self.rng.normal()).exp();
        if new {
            took *= 1.5;
        }
        if !recalled {
            took *= 1.3;
        }
        (Rating::new(rating).unwrap(), took.clamp(1.0, 120.0))
    }

    fn exam_recall(&self, exam: NaiveDate) -> f64 {
        (0..CARDS).map(|c| self.recall(c, exam)).sum::<f64>() / CARDS as f64
    }

    fn unseen(&self) -> usize {
        self.cards.iter().filter(|c| c.is_none()).count()
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Strategy {
    ExamPlan,
    Daily,
    RoundTheDeck,
    Reference,
}

impl Strategy {
    const ALL: [Strategy; 4] = [
        Strategy::ExamPlan,
        Strategy::Daily,
        Strategy::RoundTheDeck,
        Strategy::Reference,
    ];
    fn name(self) -> &'static str {
        match self {
            Strategy::ExamPlan => "exam plan (--exam --minutes)",
            Strategy::Daily => "daily review (SM-2 due + 20 new a day, no exam)",
            Strategy::RoundTheDeck => "deck in order, round and round",
            Strategy::Reference => "reference: unseen first, then lowest true recall",
        }
    }
}

struct Outcome {
    recall: f64,
    unseen: usize,
    minutes_a_day: f64,
    eve_error: Option<f64>,
    /// The same for each of [`TRIED`].
    eve_tried: Vec<f64>,
}

fn at(day: NaiveDate, seconds: f64) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(&format!("{day}T09:00:00-05:00")).unwrap()
        + TimeDelta::milliseconds((seconds * 1000.0) as i64)
}

fn course(dir: &std::path::Path, exam: Option<NaiveDate>) -> std::path::PathBuf {
    let mut text = String::from("title: \"Cours\"\n");
    if let Some(exam) = exam {
        text.push_str(&format!("exam: \"{exam}\"\n"));
    }
    text.push_str("cards:\n");
    for i in 0..CARDS {
        text.push_str(&format!(
            "  - id: \"c{i}\"\n    q: \"Question {i} ?\"\n    a: \"Réponse {i}.\"\n"
        ));
    }
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join("cours.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

/// The model's forecast for the exam day, as `readiness` gives it.
fn forecast(store: &Store, decks: &[DeckId], exam: NaiveDate) -> f64 {
    let stored = store.stored_model().unwrap();
    let model = model_of(&stored);
    let cards = store.model_cards(decks, stored.version, false).unwrap();
    cards
        .iter()
        .map(|c| memory_now(&model, c).map_or(0.0, |m| model.recall(&m, exam)))
        .sum::<f64>()
        / cards.len() as f64
}

/// Forecasts tried in the same run, on the same log: the crate's default
/// parameters alone (as before adjustments), and the knobs adjusted once
/// more after the eve.
#[derive(Clone, Copy)]
enum Tried {
    Defaults,
    AfterTheEve,
}

const TRIED: [(&str, Tried); 2] = [
    ("the defaults alone", Tried::Defaults),
    ("the knobs adjusted after the eve", Tried::AfterTheEve),
];

/// The forecast for the exam day by `tried` (the defaults when the log is
/// too short to adjust; a full fit in use is kept).
fn tried_forecast(store: &Store, decks: &[DeckId], exam: NaiveDate, tried: Tried) -> f64 {
    let cards = store.model_cards(decks, -1, false).unwrap();
    let logs: Vec<CardLog<'_>> = cards
        .iter()
        .filter(|c| c.start.is_none() && !c.log.is_empty())
        .map(|c| CardLog { log: &c.log })
        .collect();
    let in_use = model_of(&store.stored_model().unwrap());
    let model = match tried {
        Tried::Defaults => Model::defaults(),
        _ if matches!(in_use.source, Source::Fitted { .. }) => in_use,
        Tried::AfterTheEve => adjust_some(&logs, Knobs::ALL).unwrap_or_default(),
    };
    cards
        .iter()
        .map(|c| memory_now(&model, c).map_or(0.0, |m| model.recall(&m, exam)))
        .sum::<f64>()
        / cards.len() as f64
}

/// Where the eve's forecast goes wrong (EXAM_DIAG=1): by group of cards,
/// the truth and the forecast's error, in points of the course.
fn diagnose(
    store: &Store,
    decks: &[DeckId],
    exam: NaiveDate,
    student: &Student,
    index: &dyn Fn(CardId) -> usize,
    eve: NaiveDate,
) {
    let stored = store.stored_model().unwrap();
    let model = model_of(&stored);
    let cards = store.model_cards(decks, stored.version, false).unwrap();
    let mut groups = [(0usize, 0.0, 0.0); 4];
    for c in &cards {
        let memory = memory_now(&model, c);
        let truth = student.recall(index(c.id), exam);
        let g = match (memory, c.log.last()) {
            (None, _) => 3,
            (Some(m), Some(last)) if m.last_day == eve => usize::from(last.rating.value() < 3),
            _ => 2,
        };
        let forecast = memory.map_or(0.0, |m| model.recall(&m, exam));
        groups[g].0 += 1;
        groups[g].1 += truth / CARDS as f64 * 100.0;
        groups[g].2 += (forecast - truth) / CARDS as f64 * 100.0;
    }
    let mut line = format!(
        "  hidden decay {:.2}, the model's {:.2} ({}) |",
        student.memory.weights()[20],
        model.weights()[20],
        match model.source {
            Source::Fitted { reviews } => format!("fitted to {reviews} reviews"),
            Source::Adjusted { reviews } => format!("adjusted to {reviews} reviews"),
            Source::Defaults => "defaults".into(),
        }
    );
    if let Some(last) = &stored.last_fit_result {
        line.push_str(&format!(" latest fit: {last} |"));
    }
    let names = ["eve, recalled", "eve, forgotten", "earlier", "never seen"];
    for (name, (n, truth, error)) in names.iter().zip(groups) {
        line.push_str(&format!(
            " {name} {n}: truth {truth:.1}, error {error:+.1} |"
        ));
    }
    println!("{line}");
    // The cards reviewed before the eve, by their last rating and whether
    // they ever lapsed.
    let mut by = std::collections::BTreeMap::new();
    for c in &cards {
        let Some(m) = memory_now(&model, c) else {
            continue;
        };
        if m.last_day == eve {
            continue;
        }
        let last = c.log.last().unwrap().rating.value();
        let lapsed = c.log.iter().any(|l| l.rating.value() < 3);
        let e = by
            .entry((last, lapsed, c.log.len().min(4)))
            .or_insert((0usize, 0.0, 0.0));
        let truth = student.recall(index(c.id), exam);
        e.0 += 1;
        e.1 += truth;
        e.2 += (model.recall(&m, exam) - truth) / CARDS as f64 * 100.0;
    }
    let parts: Vec<String> = by
        .iter()
        .map(|((r, l, n), (k, t, e))| {
            format!(
                "r{r}{}n{n} {k}: {:.2} {e:+.1}",
                if *l { "L" } else { "" },
                t / *k as f64
            )
        })
        .collect();
    println!("    {}", parts.join(" | "));
}

fn run(strategy: Strategy, seed: u64, days: u64, minutes: u32, dir: &std::path::Path) -> Outcome {
    let start = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let exam = start + Days::new(days);
    let _ = std::fs::remove_dir_all(dir);
    // The daily review is SM-2's day as it is without an exam: its deck
    // names none.
    let deck = course(dir, (strategy != Strategy::Daily).then_some(exam));
    let mut store = Store::open(&dir.join("s.db")).unwrap();
    let decks = store
        .sync(std::slice::from_ref(&deck), false, at(start, 0.0))
        .unwrap()
        .deck_ids();
    let ids: Vec<CardId> = store
        .model_cards(&decks, 0, false)
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    let index = |id: CardId| ids.iter().position(|c| *c == id).unwrap();
    let mut student = Student::new(seed);
    let budget = f64::from(minutes) * 60.0;
    let mut spent_total = 0.0;
    let mut next_in_deck = 0usize;
    let mut eve_error = None;
    let mut eve_tried = Vec::new();
    for d in 0..days {
        let day = start + Days::new(d);
        let mut spent = 0.0;
        match strategy {
            Strategy::ExamPlan | Strategy::Daily => {
                // A session; when it ends with minutes left, the exam
                // student starts another for what is left.
                loop {
                    let left = ((budget - spent) / 60.0).ceil().max(1.0) as u32;
                    let (plan, cap) = match strategy {
                        Strategy::ExamPlan => (Plan::Exam { exam }, Some(left)),
                        _ => (Plan::Daily { new_per_day: 20 }, None),
                    };
                    let mut session =
                        Session::start_timed(&store, decks.clone(), at(day, spent), plan, cap)
                            .unwrap();
                    let mut rated = 0;
                    while spent < budget {
                        let Some(current) = session.current(&store).unwrap() else {
                            break;
                        };
                        let (rating, took) = student.answer(index(current.card.id), day);
                        spent += took;
                        rated += 1;
                        session
                            .rate(
                                &mut store,
                                rating,
                                at(day, spent),
                                (took * 1000.0) as u64,
                                None,
                                None,
                            )
                            .unwrap();
                    }
                    if strategy != Strategy::ExamPlan || spent >= budget || rated == 0 {
                        break;
                    }
                }
                if strategy == Strategy::ExamPlan {
                    // Between sessions, as `fiches review` does.
                    upkeep(&mut store, at(day, spent + 1.0), false, false).unwrap();
                }
            }
            Strategy::RoundTheDeck | Strategy::Reference => {
                while spent < budget {
                    let card = if strategy == Strategy::RoundTheDeck {
                        let c = next_in_deck % CARDS;
                        next_in_deck += 1;
                        c
                    } else {
                        (0..CARDS)
                            .find(|&c| student.cards[c].is_none())
                            .unwrap_or_else(|| {
                                (0..CARDS)
                                    .min_by(|&a, &b| {
                                        student.recall(a, day).total_cmp(&student.recall(b, day))
                                    })
                                    .unwrap()
                            })
                    };
                    let (rating, took) = student.answer(card, day);
                    spent += took;
                    store
                        .record(&NewReview {
                            card: ids[card],
                            rating,
                            at: at(day, spent),
                            day,
                            took_ms: (took * 1000.0) as u64,
                            ticks: None,
                            verdict: None,
                            policy: Policy::Exam { exam },
                        })
                        .unwrap();
                }
            }
        }
        spent_total += spent;
        if d + 1 == days {
            let truth = student.exam_recall(exam);
            if std::env::var_os("EXAM_DIAG").is_some() {
                diagnose(&store, &decks, exam, &student, &index, day);
            }
            eve_error = Some((forecast(&store, &decks, exam) - truth).abs());
            if strategy == Strategy::ExamPlan {
                eve_tried = TRIED
                    .iter()
                    .map(|(_, tried)| tried_forecast(&store, &decks, exam, *tried) - truth)
                    .collect();
            }
        }
    }
    Outcome {
        recall: student.exam_recall(exam),
        unseen: student.unseen(),
        minutes_a_day: spent_total / days as f64 / 60.0,
        eve_error,
        eve_tried,
    }
}

/// The cache of memory states, as made between sessions; the model it
/// was made with.
fn cache_memory_states(store: &mut Store, decks: &[DeckId]) -> (StoredModel, Model) {
    let stored = store.stored_model().unwrap();
    let model = model_of(&stored);
    let mark = store.log_mark().unwrap();
    let states: Vec<_> = store
        .model_cards(decks, stored.version, false)
        .unwrap()
        .iter()
        .filter_map(|c| memory_now(&model, c).map(|m| (c.id, m)))
        .collect();
    assert!(
        store
            .save_memory_cache(stored.version, mark, &states)
            .unwrap()
    );
    (stored, model)
}

/// The store both planning measurements run on: `deck` synced on 2026-09-01,
/// then 100,000 reviews (ten per card over ten weeks, rated by `rating`)
/// written in one transaction, every card due on 2026-11-20.
fn reviewed_store(
    dir: &std::path::Path,
    deck: &std::path::Path,
    seed: u64,
    mut rating: impl FnMut(&mut Rng) -> i64,
) -> std::path::PathBuf {
    let db = dir.join("s.db");
    let start = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
    {
        let mut store = Store::open(&db).unwrap();
        store
            .sync(&[deck.to_path_buf()], false, at(start, 0.0))
            .unwrap();
    }
    // 100,000 reviews, ten per card over ten weeks, written in one transaction.
    {
        let mut conn = rusqlite::Connection::open(&db).unwrap();
        let tx = conn.transaction().unwrap();
        {
            let mut insert = tx
                .prepare(
                    "INSERT INTO reviews (card, at, day, rating, took_ms, scheduled,
                       before_reps, before_ease, before_interval, before_lapses,
                       after_reps, after_ease, after_interval, before_due)
                     VALUES (?1, ?2, ?3, ?4, 8000, 1, 0, 250, 0, 0, 1, 250, 1, ?5)",
                )
                .unwrap();
            let mut rng = Rng(seed);
            for round in 0..10u64 {
                for card in 1..=10_000i64 {
                    let day = start + Days::new(round * 7 + (card as u64 % 7));
                    let rating = rating(&mut rng);
                    let before_due = (round > 0).then(|| day.to_string());
                    insert
                        .execute(rusqlite::params![
                            card,
                            at(day, 0.0).to_rfc3339(),
                            day.to_string(),
                            rating,
                            before_due
                        ])
                        .unwrap();
                }
            }
        }
        tx.execute(
            "UPDATE cards SET reps = 2, interval = 6, due = '2026-11-20', last_rating = 4,
               last_day = '2026-11-14'",
            [],
        )
        .unwrap();
        tx.commit().unwrap();
    }
    db
}

fn planning_speed() {
    let dir = common::bench_dir("exam-planning");
    let _ = std::fs::remove_dir_all(&dir);
    let deck = common::write_deck(&dir, "big.yaml", 10_000);
    let exam = NaiveDate::from_ymd_opt(2026, 12, 15).unwrap();
    let db = reviewed_store(&dir, &deck, 42, |rng| 1 + (rng.next() % 5) as i64);
    let mut store = Store::open(&db).unwrap();
    let decks = store.deck_ids().unwrap();
    let now = at(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(), 0.0);
    let plan = Plan::Exam { exam };
    // EXAM_PLAN_ONCE=1: the cached plan once, no timing (to count its
    // instructions under callgrind, `--toggle-collect=*start_only*`).
    let once = std::env::var_os("EXAM_PLAN_ONCE").is_some();
    let cold = if once {
        std::time::Duration::ZERO
    } else {
        common::median(5, || {
            let s = Session::start_timed(&store, decks.clone(), now, plan, Some(30)).unwrap();
            assert!(s.remaining().due > 0);
        })
    };
    let (stored, model) = cache_memory_states(&mut store, &decks);
    if once {
        let s = Session::start_timed(&store, decks.clone(), now, plan, Some(30)).unwrap();
        assert!(s.remaining().due > 0);
        return;
    }
    let cached = common::median(11, || {
        let s = Session::start_timed(&store, decks.clone(), now, plan, Some(30)).unwrap();
        assert!(s.remaining().due > 0);
    });
    // Where the time goes: the store's read of the cards the plan needs,
    // and the plan itself (pure).
    let read = common::median(11, || {
        let cards = store.plan_cards(&decks, stored.version).unwrap();
        assert_eq!(cards.len(), 10_000);
    });
    let plan_cards: Vec<PlanCard> = store
        .plan_cards(&decks, stored.version)
        .unwrap()
        .iter()
        .map(|c| PlanCard {
            id: c.id,
            memory: memory_now(&model, c),
            due: c.state.due,
        })
        .collect();
    let pure = common::median(11, || {
        let picks = exam_day(
            &plan_cards,
            &model,
            now.date_naive(),
            exam,
            Some(1800.0),
            10.0,
        );
        assert!(!picks.is_empty());
    });
    let daily = common::median(11, || {
        Session::start_timed(
            &store,
            decks.clone(),
            now,
            Plan::Daily { new_per_day: 20 },
            None,
        )
        .unwrap();
    });
    println!("Planning a session, 10,000 cards, 100,000 reviews (medians):");
    println!(
        "  exam plan, memory states cached: {} (goal < 50 ms: {})",
        common::ms(cached),
        if cached.as_millis() < 50 {
            "met"
        } else {
            "NOT met"
        }
    );
    println!(
        "  of which: reading the 10,000 cards' states {}, choosing the day's cards (pure) {}",
        common::ms(read),
        common::ms(pure)
    );
    println!(
        "  exam plan, no cache (every log replayed): {}",
        common::ms(cold)
    );
    println!(
        "  daily plan, no model: {} (the limit's baseline)",
        common::ms(daily)
    );
}

/// Planning a day of a deck FSRS schedules (`scheduler: fsrs`, no exam) on
/// 10,000 cards with 100,000 reviews: each card's FSRS due day comes from
/// its memory, read from the cache of memory states (or replayed from its
/// log when the cache misses), beside the 50 ms limit and SM-2's daily
/// plan of the same store, measured in the same run.
fn fsrs_planning_speed() {
    use fiches::review::scheduler::{Scheduling, deck_stats};
    use fiches::sched::Scheduler;
    let dir = common::bench_dir("exam-planning-fsrs");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let deck = dir.join("big.yaml");
    let text = common::deck_text(10_000).replacen("cards:\n", "scheduler: fsrs\ncards:\n", 1);
    std::fs::write(&deck, text).unwrap();
    // Mostly recalled, as a student who keeps up.
    let db = reviewed_store(&dir, &deck, 7, |rng| {
        [1, 3, 4, 4, 4, 5][(rng.next() % 6) as usize]
    });
    let mut store = Store::open(&db).unwrap();
    let decks = store.deck_ids().unwrap();
    let now = at(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(), 0.0);
    let daily = Plan::Daily { new_per_day: 20 };
    let fsrs = Scheduling::default();
    let sm2 = Scheduling {
        scheduler: Some(Scheduler::Sm2),
        retention: None,
    };
    let session = |store: &Store, scheduling: Scheduling| {
        Session::start_scheduled(store, decks.clone(), now, daily, (None, None), scheduling)
            .unwrap()
    };
    // The deck's own `scheduler: fsrs` is what plans it: FSRS's due cards
    // are not SM-2's (every card is due under SM-2 on this day).
    let (under_fsrs, under_sm2) = (
        session(&store, fsrs).remaining().due,
        session(&store, sm2).remaining().due,
    );
    assert!(
        under_fsrs > 0 && under_fsrs != under_sm2,
        "{under_fsrs} {under_sm2}"
    );
    let cold = common::median(5, || {
        session(&store, fsrs);
    });
    let (stored, _) = cache_memory_states(&mut store, &decks);
    assert_eq!(
        session(&store, fsrs).remaining().due,
        under_fsrs,
        "the cache changes no day"
    );
    let cached = common::median(11, || {
        session(&store, fsrs);
    });
    let read = common::median(11, || {
        let cards = store.plan_cards(&decks, stored.version).unwrap();
        assert_eq!(cards.len(), 10_000);
    });
    let baseline = common::median(11, || {
        session(&store, sm2);
    });
    let today = now.date_naive();
    let figures = common::median(11, || {
        let stats = deck_stats(&store, &decks[0], today, fsrs).unwrap();
        assert_eq!(stats.due_today, under_fsrs);
    });
    let counts = common::median(11, || {
        store.deck_stats(&decks[0], today).unwrap();
    });
    println!(
        "Planning a day under FSRS (`scheduler: fsrs`), 10,000 cards, 100,000 reviews (medians):"
    );
    println!(
        "  daily plan, memory states cached: {} (goal < 50 ms: {})",
        common::ms(cached),
        if cached.as_millis() < 50 {
            "met"
        } else {
            "NOT met"
        }
    );
    println!(
        "  of which: reading the 10,000 cards' memories {}",
        common::ms(read)
    );
    println!(
        "  daily plan, no cache (every log replayed): {}",
        common::ms(cold)
    );
    println!(
        "  the deck's figures (stats, deck list), cached: {}",
        common::ms(figures)
    );
    println!(
        "  of which SM-2's counts alone (the store's deck figures): {}",
        common::ms(counts)
    );
    println!(
        "  the same store under SM-2: {} (the limit's baseline)",
        common::ms(baseline)
    );
}

fn main() {
    let students: u64 = std::env::var("EXAM_STUDENTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(6);
    // Other students than the recorded ones (EXAM_SEED=2000), to tune on.
    let first_seed: u64 = std::env::var("EXAM_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let scenarios: [(&str, u64, u32); 4] = [
        ("14 days at 10 minutes", 14, 10),
        ("5 days at 20 minutes", 5, 20),
        ("14 days at 30 minutes", 14, 30),
        ("5 days at 3 minutes (cannot cover)", 5, 3),
    ];
    if students == 0 {
        // EXAM_STUDENTS=0: the planning time alone.
        planning_speed();
        fsrs_planning_speed();
        return;
    }
    let dir = common::bench_dir(&format!("exam-sim-{first_seed}"));
    let started = Instant::now();
    let mut worst_eve: f64 = 0.0;
    println!("{CARDS}-card course, {students} simulated students per scenario");
    let only: Option<Vec<usize>> = std::env::var("EXAM_SCENARIOS")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.parse().ok()).collect());
    for (k, (name, days, minutes)) in scenarios.into_iter().enumerate() {
        if only.as_ref().is_some_and(|o| !o.contains(&k)) {
            continue;
        }
        println!();
        println!("## {name}");
        println!(
            "| strategy | exam-day recall (mean, range) | cards never seen | minutes a day | eve forecast error |"
        );
        println!("|---|---|---|---|---|");
        let mut means = Vec::new();
        for strategy in Strategy::ALL {
            if std::env::var_os("EXAM_DIAG").is_some() && strategy != Strategy::ExamPlan {
                continue;
            }
            let outcomes: Vec<Outcome> = (0..students)
                .map(|s| run(strategy, first_seed + s, days, minutes, &dir))
                .collect();
            let n = outcomes.len() as f64;
            let recall = outcomes.iter().map(|o| o.recall).sum::<f64>() / n;
            let lo = outcomes.iter().map(|o| o.recall).fold(1.0, f64::min);
            let hi = outcomes.iter().map(|o| o.recall).fold(0.0, f64::max);
            let unseen = outcomes.iter().map(|o| o.unseen as f64).sum::<f64>() / n;
            let max_unseen = outcomes.iter().map(|o| o.unseen).max().unwrap_or(0);
            let minutes_a_day = outcomes.iter().map(|o| o.minutes_a_day).sum::<f64>() / n;
            let eve = if strategy == Strategy::ExamPlan {
                let errors: Vec<f64> = outcomes.iter().filter_map(|o| o.eve_error).collect();
                let mean = errors.iter().sum::<f64>() / errors.len() as f64 * 100.0;
                let worst = errors.iter().copied().fold(0.0, f64::max) * 100.0;
                worst_eve = worst_eve.max(worst);
                let tried: Vec<String> = TRIED
                    .iter()
                    .enumerate()
                    .map(|(i, (name, _))| {
                        let errors: Vec<f64> =
                            outcomes.iter().map(|o| o.eve_tried[i].abs()).collect();
                        if std::env::var_os("EXAM_DIAG").is_some() {
                            let signed: Vec<String> = outcomes
                                .iter()
                                .map(|o| format!("{:+.1}", o.eve_tried[i] * 100.0))
                                .collect();
                            println!("  {name}: {}", signed.join(" "));
                        }
                        format!(
                            "{name}: {:.1} (worst {:.1})",
                            errors.iter().sum::<f64>() / errors.len() as f64 * 100.0,
                            errors.iter().copied().fold(0.0, f64::max) * 100.0
                        )
                    })
                    .collect();
                format!(
                    "{mean:.1} points (worst {worst:.1}; limit 5: {}); tried: {}",
                    if worst <= 5.0 { "met" } else { "NOT met" },
                    tried.join(", ")
                )
            } else {
                "".into()
            };
            println!(
                "| {} | {:.1} % ({:.1}–{:.1}) | {:.1} (max {max_unseen}) | {:.1} | {eve} |",
                strategy.name(),
                recall * 100.0,
                lo * 100.0,
                hi * 100.0,
                unseen,
                minutes_a_day
            );
            means.push((strategy, recall, unseen, eve));
        }
        if std::env::var_os("EXAM_DIAG").is_some() {
            continue;
        }
        let get = |s: Strategy| means.iter().find(|m| m.0 == s).unwrap();
        let (exam, round, reference) = (
            get(Strategy::ExamPlan),
            get(Strategy::RoundTheDeck),
            get(Strategy::Reference),
        );
        println!(
            "goals: exam plan ≥ round the deck: {} ({:+.1} points); within 2 points of the reference: {} ({:+.1}); cards unseen with the exam plan: {:.1}",
            if exam.1 >= round.1 { "met" } else { "NOT met" },
            (exam.1 - round.1) * 100.0,
            if reference.1 - exam.1 <= 0.02 {
                "met"
            } else {
                "NOT met"
            },
            (exam.1 - reference.1) * 100.0,
            exam.2
        );
    }
    println!();
    println!(
        "eve forecast, worst student of any scenario: {worst_eve:.1} points (limit 5: {})",
        if worst_eve <= 5.0 { "met" } else { "NOT met" }
    );
    println!("simulation took {:.0} s", started.elapsed().as_secs_f64());
    if only.is_some() {
        return;
    }
    println!();
    planning_speed();
    fsrs_planning_speed();
}
