//! Keys that cannot surprise, and what a session says when a day is done:
//! prompts that keep their digits, undo everywhere, footers that offer what
//! the card allows, a too-small window that ignores keys, the next review
//! date after a rating, and the end of a day's work.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::day_tests::{fixture_with, joined};
use super::preview::PreviewScreen;
use super::review::{Phase, ReviewScreen};
use super::tests::{COLOR, Fixture, Script, now, press, render, text};
use super::{Control, MIN_HEIGHT, MIN_WIDTH, run_loop};
use crate::deck::{self, DeckId};
use crate::review::Session;

const SIZES: [(u16, u16); 2] = [(80, 24), (MIN_WIDTH, MIN_HEIGHT)];

/// The last row of the screen: the footer.
fn footer(all: &str) -> String {
    all.lines()
        .last()
        .unwrap_or_default()
        .trim_end()
        .to_string()
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

fn review_with(fixture: &Fixture, deck: &str, new_per_day: usize) -> ReviewScreen {
    let session = Session::start(
        &fixture.store,
        vec![DeckId::new(deck)],
        now().unwrap(),
        new_per_day,
    )
    .unwrap();
    super::intents::open_review(session, &fixture.store).unwrap()
}

#[test]
fn the_tick_prompt_takes_its_digits_and_esc_cancels_only_the_prompt() {
    for (width, height) in SIZES {
        let mut fixture = Fixture::new();
        let mut screen = fixture.review();
        let mut ctx = fixture.ctx(true);
        press(&mut screen, &mut ctx, " t");
        let all = text(&render(&mut screen, width, height, COLOR));
        assert!(all.contains("Tick which item?"), "{width}×{height}: {all}");
        // `2` completes the number: the prompt is gone, so the next digit
        // visibly rates.
        press(&mut screen, &mut ctx, "2");
        assert_eq!(screen.ticks(), &[false, true, false]);
        let all = text(&render(&mut screen, width, height, COLOR));
        assert!(!all.contains("Tick which item?"), "{width}×{height}: {all}");
        assert!(all.contains("Item 2 ticked."), "{width}×{height}: {all}");
        // Esc cancels the prompt, not the session; other keys wait.
        press(&mut screen, &mut ctx, "tx⎋");
        assert_eq!(screen.phase(), Phase::Answer);
        assert_eq!(screen.ticks(), &[false, true, false]);
        let all = text(&render(&mut screen, width, height, COLOR));
        assert!(all.contains("No item ticked."), "{width}×{height}: {all}");
        // A number out of range is said, and ticks nothing.
        press(&mut screen, &mut ctx, "t7");
        let all = text(&render(&mut screen, width, height, COLOR));
        assert!(
            joined(&all).contains("No item 7: items go from 1 to 3."),
            "{width}×{height}: {all}"
        );
        assert_eq!(screen.ticks(), &[false, true, false]);
    }
}

#[test]
fn on_a_card_of_ten_items_or_more_the_prompt_waits_for_a_second_digit() {
    let items: Vec<String> = (1..=12).map(|i| format!("\"élément {i}\"")).collect();
    let yaml = format!(
        "title: Longue\ncards:\n  - q: \"Douze éléments ?\"\n    a: [{}]\n",
        items.join(", ")
    );
    let mut fixture = fixture_with("longue", &yaml);
    let mut screen = review_with(&fixture, "longue", 20);
    let mut ctx = fixture.ctx(true);
    press(&mut screen, &mut ctx, " t1");
    let all = text(&render(&mut screen, 80, 24, COLOR));
    assert!(
        all.contains("Tick which item? (1 to 12, Esc cancels) 1"),
        "{all}"
    );
    press(&mut screen, &mut ctx, "2");
    assert!(screen.ticks()[11], "item 12 ticked");
    // Enter takes a number that could go on.
    press(&mut screen, &mut ctx, "t1\n");
    assert!(screen.ticks()[0], "item 1 ticked");
    assert_eq!(screen.phase(), Phase::Answer);
}

#[test]
fn the_search_prompt_keeps_its_keys_and_esc_cancels_only_the_search() {
    let loaded = deck::parse_deck(
        std::path::Path::new("ch1.yaml"),
        super::tests::DECK.as_bytes(),
    );
    let mut preview = PreviewScreen::new(loaded);
    let mut fixture = Fixture::new();
    let mut ctx = fixture.ctx(true);
    // `q` and digits are typed into the search, Esc closes only the search.
    for control in press(&mut preview, &mut ctx, "/q2⎋") {
        assert!(matches!(control, Control::Continue));
    }
    let all = text(&render(&mut preview, 80, 24, COLOR));
    assert!(!all.contains("Esc cancel"), "the search is closed: {all}");
    assert!(matches!(
        press(&mut preview, &mut ctx, "q")[0],
        Control::Close
    ));
}

#[test]
fn no_key_acts_while_the_window_is_too_small() {
    let mut fixture = Fixture::new();
    let screen = fixture.review();
    let card = screen.current().unwrap().card.id;
    let mut terminal = Terminal::new(TestBackend::new(40, 10)).unwrap();
    let keys = " x4 5q"
        .chars()
        .map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    {
        let mut ctx = fixture.ctx(true);
        let mut script = Script(keys.collect());
        let ended = run_loop(&mut terminal, Box::new(screen), &mut ctx, &mut script).unwrap();
        assert_eq!(ended.signal, Some(1), "q did not end the session unseen");
    }
    assert!(fixture.store.review_log(card).unwrap().is_empty());
    let all = joined(&text(terminal.backend().buffer()));
    assert!(all.contains("fiches needs 50×16"), "{all}");
    assert!(all.contains("--plain"), "{all}");
    // Ctrl-C still leaves.
    let screen = fixture.review();
    let mut ctx = fixture.ctx(true);
    let mut script = Script(vec![ctrl('c'), ctrl('c')]);
    let ended = run_loop(&mut terminal, Box::new(screen), &mut ctx, &mut script).unwrap();
    assert_eq!(ended.signal, Some(2), "{ended:?}");
}

/// Keys for the loop; the store is locked by another connection once
/// `lock_after` keys have gone.
struct LockingScript {
    keys: Vec<KeyEvent>,
    lock_after: usize,
    store: std::path::PathBuf,
    lock: Option<rusqlite::Connection>,
}

impl super::Inputs for LockingScript {
    fn next(&mut self) -> std::io::Result<super::Input> {
        if self.lock_after == 0 && self.lock.is_none() {
            let lock = rusqlite::Connection::open(&self.store).unwrap();
            lock.execute_batch("BEGIN IMMEDIATE").unwrap();
            self.lock = Some(lock);
        }
        self.lock_after = self.lock_after.saturating_sub(1);
        if self.keys.is_empty() {
            return Ok(super::Input::Signal(1));
        }
        Ok(super::Input::Key(self.keys.remove(0)))
    }
}

#[test]
fn ctrl_c_leaves_at_once_while_waiting_for_a_locked_store() {
    let mut fixture = Fixture::new();
    let screen = fixture.review();
    let first = screen.current().unwrap().card.id;
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let plain = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    let mut script = LockingScript {
        // The first card rated, the second's rating waits, then Ctrl-C.
        keys: vec![plain(' '), plain('5'), plain(' '), plain('4'), ctrl('c')],
        lock_after: 2,
        store: fixture.dir.join("s.db"),
        lock: None,
    };
    {
        let mut ctx = fixture.ctx(true);
        let ended = run_loop(&mut terminal, Box::new(screen), &mut ctx, &mut script).unwrap();
        assert_eq!(
            ended.signal,
            Some(2),
            "Ctrl-C did not end the wait: {ended:?}"
        );
        assert_eq!(ended.gave_up_on, None);
    }
    let all = text(terminal.backend().buffer());
    assert!(all.contains("Waiting for the store"), "{all}");
    drop(script.lock.take());
    assert_eq!(
        fixture.store.review_log(first).unwrap(),
        vec![(crate::sched::Rating::new(5).unwrap(), true)]
    );
}

#[test]
fn footers_offer_only_what_the_card_allows() {
    for (width, height) in SIZES {
        let mut fixture = Fixture::new();
        let mut screen = fixture.review();
        let mut ctx = fixture.ctx(true);
        press(&mut screen, &mut ctx, " ");
        let list = footer(&text(&render(&mut screen, width, height, COLOR)));
        if width >= 80 {
            assert!(list.contains("x tick recalled"), "{list}");
        }
        // Enter with nothing ticked rates nothing, and says why.
        press(&mut screen, &mut ctx, "\n");
        assert_eq!(screen.phase(), Phase::Answer);
        let all = text(&render(&mut screen, width, height, COLOR));
        assert!(joined(&all).contains("Nothing ticked yet"), "{all}");
        // The second card's answer is one text: nothing to tick.
        press(&mut screen, &mut ctx, "5 ");
        assert_eq!(
            screen.current().unwrap().card.key.as_deref(),
            Some("coproduction")
        );
        let all = text(&render(&mut screen, width, height, COLOR));
        let shown = footer(&all);
        assert!(!shown.contains("tick"), "{width}×{height}: {shown}");
        assert!(shown.contains("1-5 rate"), "{width}×{height}: {shown}");
        assert!(!joined(&all).contains("Tick what you recalled"), "{all}");
        press(&mut screen, &mut ctx, "x");
        assert!(screen.ticks().iter().all(|t| !t));
    }
}

#[test]
fn after_a_rating_the_screen_says_the_next_review_date() {
    for (width, height) in SIZES {
        let mut fixture = Fixture::new();
        let mut screen = fixture.review();
        let mut ctx = fixture.ctx(true);
        press(&mut screen, &mut ctx, " 5");
        let all = text(&render(&mut screen, width, height, COLOR));
        assert!(
            all.contains("Saved 5: next review 2026-12-02."),
            "{width}×{height}: {all}"
        );
    }
    let mut fixture = Fixture::new();
    let mut screen = fixture.review();
    let mut ctx = fixture.ctx(true);
    press(&mut screen, &mut ctx, " 2");
    let all = text(&render(&mut screen, 80, 24, COLOR));
    assert!(
        all.contains("Saved 2: the card comes back in this session (next review 2026-12-02)."),
        "{all}"
    );
}

#[test]
fn u_and_ctrl_u_undo_on_every_card_and_the_footer_says_so() {
    for (width, height) in SIZES {
        let mut fixture = Fixture::new();
        let mut screen = fixture.review();
        let mut ctx = fixture.ctx(true);
        let first = screen.current().unwrap().card.id;
        assert!(footer(&text(&render(&mut screen, width, height, COLOR))).contains("u undo"));
        press(&mut screen, &mut ctx, " ");
        assert!(
            footer(&text(&render(&mut screen, width, height, COLOR))).contains("u undo"),
            "{width}×{height}"
        );
        press(&mut screen, &mut ctx, "4");
        // Ctrl-U is the same key as `u` on a basic card.
        super::step(&mut screen, ctrl('u'), &mut ctx);
        assert_eq!(screen.current().unwrap().card.id, first);
        assert!(fixture_log_is_empty(&mut ctx, first));
        press(&mut screen, &mut ctx, " 4 ");
        assert!(
            footer(&text(&render(&mut screen, width, height, COLOR))).contains("u undo"),
            "{width}×{height}: text answer"
        );
        press(&mut screen, &mut ctx, "5");
        // The summary undoes too: the last card comes back.
        assert_eq!(screen.phase(), Phase::Over);
        assert!(footer(&text(&render(&mut screen, width, height, COLOR))).contains("u undo"));
        press(&mut screen, &mut ctx, "u");
        assert_eq!(screen.phase(), Phase::Question);
        assert_eq!(
            screen.current().unwrap().card.key.as_deref(),
            Some("coproduction")
        );
    }
    // Graded cards: `u` where letters are not the answer, Ctrl-U where they are.
    for (width, height) in SIZES {
        let mut fixture = super::tests::kinds_fixture();
        let mut screen = super::tests::kinds_review(&fixture);
        let mut ctx = fixture.ctx(true);
        assert!(footer(&text(&render(&mut screen, width, height, COLOR))).contains("u undo"));
        press(&mut screen, &mut ctx, "f\n");
        let typing = footer(&text(&render(&mut screen, width, height, COLOR)));
        assert!(typing.contains("Ctrl-U undo"), "{width}×{height}: {typing}");
        super::step(&mut screen, ctrl('u'), &mut ctx);
        assert_eq!(screen.current().unwrap().card.key.as_deref(), Some("vf"));
        // On a true/false card `u` is not an answer: it undoes.
        press(&mut screen, &mut ctx, "u");
        let all = text(&render(&mut screen, width, height, COLOR));
        assert!(all.contains("Nothing to undo."), "{width}×{height}: {all}");
    }
}

/// Whether the card has no review logged (read through the loop's store).
fn fixture_log_is_empty(ctx: &mut super::Ctx<'_>, card: crate::store::CardId) -> bool {
    let store = ctx.store.as_deref().unwrap();
    store.review_log(card).unwrap().is_empty()
}

#[test]
fn a_day_with_nothing_left_offers_more_new_cards_and_a_cram() {
    for (width, height) in SIZES {
        let mut fixture = Fixture::new();
        let mut screen = review_with(&fixture, "ch1", 1);
        let mut ctx = fixture.ctx(true);
        press(&mut screen, &mut ctx, " 5");
        assert_eq!(screen.phase(), Phase::Over);
        let all = text(&render(&mut screen, width, height, COLOR));
        let whole = joined(&all);
        for said in [
            "Nothing left for today.",
            "New cards: 1 not seen yet; n adds 1 more today.",
            "c crams every card now",
            "Next due: 2026-12-02  1 card",
        ] {
            assert!(whole.contains(said), "{width}×{height}: {said}\n{all}");
        }
        let keys = footer(&all);
        assert!(keys.contains("n more new"), "{keys}");
        assert!(keys.contains("c cram"), "{keys}");
        // `n`: the next new card, today.
        press(&mut screen, &mut ctx, "n");
        assert_eq!(screen.phase(), Phase::Question);
        assert_eq!(
            screen.current().unwrap().card.key.as_deref(),
            Some("coproduction")
        );
        press(&mut screen, &mut ctx, " 4");
        let all = text(&render(&mut screen, width, height, COLOR));
        assert!(
            joined(&all).contains("New cards: every card has been seen."),
            "{all}"
        );
        assert!(!footer(&all).contains("n more"), "{all}");
        // `c`: every card again, the schedule left alone.
        press(&mut screen, &mut ctx, "c");
        assert_eq!(screen.phase(), Phase::Question);
        let card = screen.current().unwrap().card.id;
        let schedule = |ctx: &super::Ctx<'_>| -> Vec<String> {
            let store = ctx.store.as_deref().unwrap();
            let rows = store.card_rows(&[DeckId::new("ch1")]).unwrap();
            rows.iter()
                .map(|r| format!("{:?}", (r.reps, r.interval, &r.due)))
                .collect()
        };
        let before = schedule(&ctx);
        press(&mut screen, &mut ctx, " 1");
        assert_eq!(schedule(&ctx), before, "a cram leaves the schedule alone");
        let store = ctx.store.as_deref().unwrap();
        assert_eq!(store.review_log(card).unwrap().len(), 2);
    }
}

#[test]
fn the_summary_says_what_is_still_to_do_today_before_later_days() {
    for (width, height) in SIZES {
        let mut fixture = Fixture::new();
        let mut screen = fixture.review();
        let mut ctx = fixture.ctx(true);
        press(&mut screen, &mut ctx, " 5q");
        assert_eq!(screen.phase(), Phase::Over);
        let whole = joined(&text(&render(&mut screen, width, height, COLOR)));
        let today = whole.find("Still to do today: 1 new.");
        let later = whole.find("Next due:");
        assert!(
            today.is_some() && today < later,
            "{width}×{height}: {whole}"
        );
        assert!(
            !whole.contains("n adds"),
            "not while cards are left: {whole}"
        );
    }
}

#[test]
fn a_notice_on_the_first_screen_reads_whole_at_every_size() {
    let notice =
        "decks/casse.yaml has 1 error: it is left out; `fiches check decks/casse.yaml` shows them.";
    for (width, height) in SIZES {
        let fixture = Fixture::new();
        let mut screen = fixture.review();
        screen.notice(notice.to_string());
        let all = text(&render(&mut screen, width, height, COLOR));
        assert!(joined(&all).contains(notice), "{width}×{height}: {all}");
        let decks = super::intents::open_decks(
            &fixture.store,
            vec![DeckId::new("ch1")],
            crate::clock::study_day(now().unwrap()),
            Default::default(),
        );
        let mut decks = decks.unwrap();
        decks.notice(notice.to_string());
        let all = text(&render(&mut decks, width, height, COLOR));
        assert!(joined(&all).contains(notice), "{width}×{height}: {all}");
    }
}

#[test]
fn esc_clears_a_typed_answer_before_it_ends_the_session() {
    for (width, height) in SIZES {
        let mut fixture = super::tests::kinds_fixture();
        let mut screen = super::tests::kinds_review(&fixture);
        let mut ctx = fixture.ctx(true);
        // The true/false card, then the choice card: `a`, then Esc.
        press(&mut screen, &mut ctx, "f\na⎋");
        assert_eq!(screen.phase(), Phase::Question);
        let all = text(&render(&mut screen, width, height, COLOR));
        assert!(
            joined(&all).contains("Answer cleared (Esc again ends the session)."),
            "{width}×{height}: {all}"
        );
        press(&mut screen, &mut ctx, "⎋");
        assert_eq!(screen.phase(), Phase::Over);
    }
}
