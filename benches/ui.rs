//! The review screen on a 100,000-card store: the first frame, and each key
//! handled and the frame redrawn.
//!
//! Run: `cargo bench --bench ui`

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::time::Instant;

use chrono::{DateTime, FixedOffset};
use fiches::clock::ClockError;
use fiches::review::Session;
use fiches::store::Store;
use fiches::ui::Ctx;
use fiches::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn now() -> Result<DateTime<FixedOffset>, ClockError> {
    Ok(DateTime::parse_from_rfc3339("2026-12-01T09:00:00-05:00").expect("time"))
}

fn main() {
    let dir = common::bench_dir("ui");
    let _ = std::fs::remove_dir_all(&dir);
    let deck = common::write_deck(&dir, "big.yaml", 100_000);
    let db = dir.join("fiches.db");
    {
        let mut store = Store::open(&db).expect("store");
        store
            .sync(std::slice::from_ref(&deck), false, now().unwrap())
            .expect("sync");
    }
    let theme = Theme { color: true };

    // Open the store, sync the unchanged deck, build the queue, draw.
    let first_frame = common::median(20, || {
        let mut store = Store::open(&db).expect("store");
        let report = store
            .sync(std::slice::from_ref(&deck), false, now().unwrap())
            .expect("sync");
        let session =
            Session::start(&store, report.deck_ids(), now().unwrap(), 20).expect("session");
        let mut screen = fiches::ui::intents::open_review(session, &store).expect("screen");
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
        fiches::ui::draw_screen(&mut terminal, &mut screen, theme).expect("draw");
    });
    println!(
        "first frame (open, sync check, queue, draw): {} (goal < 50 ms)",
        common::ms(first_frame)
    );

    let mut store = Store::open(&db).expect("store");
    let session = Session::start(
        &store,
        vec![fiches::deck::DeckId::new("big")],
        now().unwrap(),
        400,
    )
    .expect("session");
    let mut screen = fiches::ui::intents::open_review(session, &store).expect("screen");
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    let key = |c: char| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    let mut ctx = Ctx {
        scheduling: Default::default(),
        store: Some(&mut store),
        now: &now,
        theme,
    };
    let mut reveal_times = Vec::new();
    let mut rate_times = Vec::new();
    for _ in 0..200 {
        let start = Instant::now();
        fiches::ui::step(&mut screen, key(' '), &mut ctx);
        fiches::ui::draw_screen(&mut terminal, &mut screen, theme).expect("draw");
        reveal_times.push(start.elapsed());
        let start = Instant::now();
        fiches::ui::step(&mut screen, key('4'), &mut ctx);
        fiches::ui::draw_screen(&mut terminal, &mut screen, theme).expect("draw");
        rate_times.push(start.elapsed());
    }
    reveal_times.sort();
    rate_times.sort();
    println!(
        "key handled and frame redrawn: reveal {} (p99 {}), rate with its commit {} (p99 {}) (goal < 5 ms)",
        common::ms(reveal_times[100]),
        common::ms(reveal_times[197]),
        common::ms(rate_times[100]),
        common::ms(rate_times[197])
    );
}
