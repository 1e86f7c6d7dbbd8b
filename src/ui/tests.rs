//! What each screen shows (ratatui's TestBackend), and the app driven by
//! keys, checked against its state and the store.
//!
//! Tests only, one per behaviour, so past 600 lines: the key tables' tests
//! are in `key_tests.rs`, the day's screens in `day_tests.rs`, the frames in
//! `snapshot_tests.rs`.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, FixedOffset};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Color, Style};

use super::preview::PreviewScreen;
use super::review::{Phase, ReviewScreen};
use super::theme::Theme;
use super::{Control, Ctx, Input, Inputs, Screen, run_loop};
use crate::clock::ClockError;
use crate::deck::{self, DeckId};
use crate::review::Session;
use crate::store::Store;

pub(super) const DECK: &str = r#"title: "Chapitre 1 - Introduction au service à la clientèle et à l'approche client"
cards:
  - id: "raison"
    q: "Est-ce que le client a toujours raison ?"
    points: 3
    a:
      - "Techniquement, nous ne donnerons pas raison à tous les clients et dans toutes les circonstances;"
      - "Néanmoins, en SAC, il faut garder à l’esprit que la satisfaction du client est primordiale;"
      - "Donc, il faut tout faire pour le satisfaire… dans la mesure du possible."
  - id: "coproduction"
    q: "Est-ce que le client participe au processus de production d’un service ?"
    a: "Oui."
    note: "Carte 2 de la source."
"#;

pub(super) fn now() -> Result<DateTime<FixedOffset>, ClockError> {
    Ok(DateTime::parse_from_rfc3339("2026-12-01T09:00:00-05:00").unwrap())
}

pub(super) struct Fixture {
    pub(super) dir: PathBuf,
    pub(super) store: Store,
}

impl Fixture {
    pub(super) fn new() -> Fixture {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "fiches-ui-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let deck = dir.join("ch1.yaml");
        std::fs::write(&deck, DECK).unwrap();
        let mut store = Store::open(&dir.join("s.db")).unwrap();
        store.sync(&[deck], false, now().unwrap()).unwrap();
        Fixture { dir, store }
    }

    pub(super) fn review(&self) -> ReviewScreen {
        let session =
            Session::start(&self.store, vec![DeckId::new("ch1")], now().unwrap(), 20).unwrap();
        super::intents::open_review(session, &self.store).unwrap()
    }

    pub(super) fn ctx(&mut self, color: bool) -> Ctx<'_> {
        Ctx {
            scheduling: Default::default(),
            store: Some(&mut self.store),
            now: &now,
            theme: Theme { color },
        }
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

pub(super) fn press(screen: &mut dyn Screen, ctx: &mut Ctx<'_>, keys: &str) -> Vec<Control> {
    keys.chars()
        .map(|c| {
            let code = match c {
                '\n' => KeyCode::Enter,
                '↓' => KeyCode::Down,
                '↑' => KeyCode::Up,
                '⎋' => KeyCode::Esc,
                c => KeyCode::Char(c),
            };
            super::step(screen, key(code), ctx)
        })
        .collect()
}

pub(super) fn render(screen: &mut dyn Screen, width: u16, height: u16, theme: Theme) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    super::draw_screen(&mut terminal, screen, theme).unwrap();
    terminal.backend().buffer().clone()
}

pub(super) fn text(buffer: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

fn line(buffer: &Buffer, y: u16) -> String {
    text(buffer)
        .lines()
        .nth(usize::from(y))
        .unwrap_or_default()
        .trim_end()
        .to_string()
}

pub(super) const COLOR: Theme = Theme { color: true };
const NO_COLOR: Theme = Theme { color: false };

#[test]
fn review_question_screen_at_80x24() {
    let fixture = Fixture::new();
    let mut screen = fixture.review();
    let buffer = render(&mut screen, 80, 24, COLOR);
    assert_eq!(
        line(&buffer, 0),
        "┌ Chapitre 1 - Introduction au service à la clientèle et à l'approch… ── 1 / 2 ┐"
    );
    assert_eq!(
        line(&buffer, 1),
        "│new 2 · relearning 0 · due 0   (new card)                                     │"
    );
    assert!(line(&buffer, 2).contains("░░░   0 %"));
    assert_eq!(
        line(&buffer, 5),
        "│ Question                                                                     │"
    );
    assert_eq!(
        line(&buffer, 6),
        "│ Est-ce que le client a toujours raison ?                                     │"
    );
    assert_eq!(
        line(&buffer, 23),
        "Space/Enter answer · u undo · ? keys · q/Esc quit"
    );
}

#[test]
fn revealing_shows_the_items_with_points_and_ticks_propose_a_rating() {
    let mut fixture = Fixture::new();
    let mut screen = fixture.review();
    let mut ctx = fixture.ctx(true);
    press(&mut screen, &mut ctx, " ");
    assert_eq!(screen.phase(), Phase::Answer);
    let buffer = render(&mut screen, 80, 24, COLOR);
    let all = text(&buffer);
    assert!(all.contains("│ Answer · 3 points"), "{all}");
    assert!(
        all.contains(
            "│ ▶ [ ] 1. Techniquement, nous ne donnerons pas raison à tous les clients et   │"
        ),
        "{all}"
    );
    assert!(
        all.contains("│          dans toutes les circonstances;"),
        "{all}"
    );
    assert!(
        all.contains("Tick what you recalled"),
        "no proposal before a tick: {all}"
    );
    assert_eq!(screen.proposed(), None);
    // Enter with nothing ticked does not rate (a double Enter is not a 1).
    press(&mut screen, &mut ctx, "\n");
    assert_eq!(screen.phase(), Phase::Answer);
    // x on the first item, then `t 3`: two of three recalled proposes 4.
    press(&mut screen, &mut ctx, "xt3");
    assert_eq!(screen.ticks(), &[true, false, true]);
    assert_eq!(screen.proposed().map(|r| r.value()), Some(4));
    let all = text(&render(&mut screen, 80, 24, COLOR));
    assert!(all.contains("[x] 1."), "{all}");
    // Unticking everything proposes 1: the student said so.
    press(&mut screen, &mut ctx, "t1t3");
    assert_eq!(screen.proposed().map(|r| r.value()), Some(1));
    let all = text(&render(&mut screen, 80, 24, COLOR));
    assert!(all.contains("[ ] 1.") && all.contains("[ ] 3."), "{all}");
    assert!(all.contains("[1 Not at all]"), "{all}");
    // Ticked again: the screen drawn now shows it.
    press(&mut screen, &mut ctx, "t1t3");
    let all = text(&render(&mut screen, 80, 24, COLOR));
    assert!(all.contains("[x] 1.") && all.contains("[x] 3."), "{all}");
    assert!(all.contains("[4]"), "{all}");
    assert!(all.contains("Proposed from the items ticked: 4"), "{all}");
}

#[test]
fn a_rating_is_committed_before_the_next_card_is_drawn() {
    let mut fixture = Fixture::new();
    let mut screen = fixture.review();
    let card = screen.current().unwrap().card.id;
    {
        let mut ctx = fixture.ctx(true);
        press(&mut screen, &mut ctx, " ↓x\n");
    }
    // The next card is current, and the store already holds the rating.
    assert_eq!(
        screen.current().unwrap().card.question,
        "Est-ce que le client participe au processus de production d’un service ?"
    );
    // One of three recalled proposes round(1 + 4/3) = 2.
    assert_eq!(
        fixture.store.review_log(card).unwrap(),
        vec![(crate::sched::Rating::new(2).unwrap(), true)]
    );
    assert_eq!(
        fixture.store.review_ticks(card).unwrap(),
        vec![Some(vec![2])]
    );
    let all = text(&render(&mut screen, 80, 24, COLOR));
    assert!(
        all.contains("2 / 3"),
        "rated 2: the first card comes back: {all}"
    );
    assert!(all.contains("new 1 · relearning 1 · due 0"), "{all}");

    // Undo puts the first card back, its log entry gone.
    let mut ctx = fixture.ctx(true);
    press(&mut screen, &mut ctx, "u");
    assert_eq!(screen.current().unwrap().card.id, card);
    assert!(fixture.store.review_log(card).unwrap().is_empty());
}

#[test]
fn quitting_shows_the_summary_and_leaves_it_behind() {
    let mut fixture = Fixture::new();
    let mut screen = fixture.review();
    let mut ctx = fixture.ctx(true);
    press(&mut screen, &mut ctx, " 5 4q");
    assert_eq!(screen.phase(), Phase::Over);
    let all = text(&render(&mut screen, 80, 24, COLOR));
    assert!(all.contains("Session over: everything is saved."), "{all}");
    assert!(all.contains("Cards reviewed: 2   Ratings: 2"), "{all}");
    assert!(all.contains("2026-12-02  2 cards"), "{all}");
    assert!(matches!(
        press(&mut screen, &mut ctx, "q")[0],
        Control::Close
    ));
    assert_eq!(
        screen.farewell().unwrap(),
        "Session over: 2 cards reviewed, 2 ratings (1: 0, 2: 0, 3: 0, 4: 1, 5: 1).\nNothing left for today.\n`fiches review --cram` goes through every card now (the schedule stays as it is).\nNext due: 2026-12-02 (2 cards)."
    );
}

#[test]
fn a_small_terminal_asks_for_more_room() {
    let fixture = Fixture::new();
    let mut screen = fixture.review();
    let all = text(&render(&mut screen, 30, 8, COLOR));
    assert!(all.starts_with("Enlarge the window: fiches"), "{all}");
    assert!(all.contains("30×8"), "{all}");
}

#[test]
fn without_colour_the_selection_and_proposal_still_show() {
    let mut fixture = Fixture::new();
    let mut screen = fixture.review();
    let mut ctx = fixture.ctx(false);
    press(&mut screen, &mut ctx, " x");
    let buffer = render(&mut screen, 80, 24, NO_COLOR);
    assert_eq!(screen.proposed().map(|r| r.value()), Some(2));
    for cell in buffer.content() {
        let plain = Style::default()
            .fg(Color::Reset)
            .bg(Color::Reset)
            .underline_color(Color::Reset);
        assert_eq!(cell.style(), plain, "styled cell {cell:?} with NO_COLOR");
    }
    let all = text(&buffer);
    assert!(all.contains("▶ [x] 1."), "{all}");
    assert!(all.contains("[2]"), "{all}");
}

#[test]
fn help_lists_every_key_of_the_screen() {
    let mut fixture = Fixture::new();
    let mut screen = fixture.review();
    let mut ctx = fixture.ctx(true);
    press(&mut screen, &mut ctx, " ?");
    let all = text(&render(&mut screen, 80, 24, COLOR));
    for binding in super::keys::REVIEW_ANSWER {
        assert!(
            all.contains(binding.help),
            "{} missing: {all}",
            binding.help
        );
    }
    press(&mut screen, &mut ctx, "⎋");
    assert!(!text(&render(&mut screen, 80, 24, COLOR)).contains(" Keys "));
}

#[test]
fn ctrl_c_ends_the_session_like_q() {
    let mut fixture = Fixture::new();
    let mut screen = fixture.review();
    let mut ctx = fixture.ctx(true);
    super::step(
        &mut screen,
        KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
        &mut ctx,
    );
    assert_eq!(screen.phase(), Phase::Over);
}

fn preview() -> PreviewScreen {
    let fixture = Fixture::new();
    let loaded = deck::read_deck(&fixture.dir.join("ch1.yaml")).unwrap();
    PreviewScreen::new(loaded)
}

#[test]
fn preview_shows_every_field_and_searches_ignoring_accents() {
    let mut screen = preview();
    let mut fixture = Fixture::new();
    let mut ctx = fixture.ctx(true);
    let all = text(&render(&mut screen, 80, 24, COLOR));
    assert!(
        all.contains("▶ 1/2  line 3 · id raison · 3 points"),
        "{all}"
    );
    assert!(all.contains("│  A      • Techniquement"), "{all}");
    assert!(all.contains("  2/2  line 10 · id coproduction"), "{all}");
    assert!(all.contains("│  note   Carte 2 de la source."), "{all}");
    press(&mut screen, &mut ctx, "/PRODUCTION D’UN\n");
    assert_eq!(screen.selected(), 1);
    press(&mut screen, &mut ctx, "/esprit\n");
    assert_eq!(screen.selected(), 0, "found in an answer item");
    press(&mut screen, &mut ctx, "/satisfaire\n");
    assert_eq!(screen.selected(), 0);
    press(&mut screen, &mut ctx, "/NEANMOINS\n");
    assert_eq!(screen.selected(), 0, "accents and case ignored");
    press(&mut screen, &mut ctx, "/client\n");
    assert_eq!(screen.selected(), 0);
    press(&mut screen, &mut ctx, "n");
    assert_eq!(screen.selected(), 1, "next match");
    press(&mut screen, &mut ctx, "n");
    assert_eq!(screen.selected(), 0, "wraps around");
    press(&mut screen, &mut ctx, "N");
    assert_eq!(screen.selected(), 1, "previous match wraps back");
    press(&mut screen, &mut ctx, "/zzz\n");
    assert!(text(&render(&mut screen, 80, 24, COLOR)).contains("No card matches «zzz»."));
    press(&mut screen, &mut ctx, "gjG");
    assert_eq!(screen.selected(), 1);
}

#[test]
fn preview_never_needs_a_store() {
    let mut screen = preview();
    let mut ctx = Ctx {
        scheduling: Default::default(),
        store: None,
        now: &now,
        theme: COLOR,
    };
    assert!(matches!(
        press(&mut screen, &mut ctx, "jq")[1],
        Control::Close
    ));
}

#[test]
fn deck_list_and_stats_screens() {
    let mut fixture = Fixture::new();
    let mut list = super::intents::open_decks(
        &fixture.store,
        vec![DeckId::new("ch1")],
        now().map(crate::clock::study_day).unwrap(),
        Default::default(),
    )
    .unwrap();
    let all = text(&render(&mut list, 80, 24, COLOR));
    assert!(
        all.contains(
            "│▶ Chapitre 1 - Introduction au service à la clientèle…      2      2      0   │"
        ),
        "{all}"
    );
    let mut ctx = fixture.ctx(true);
    match press(&mut list, &mut ctx, "\n").remove(0) {
        Control::Open(mut review) => {
            let all = text(&render(review.as_mut(), 80, 24, COLOR));
            assert!(
                all.contains("Est-ce que le client a toujours raison ?"),
                "{all}"
            );
        }
        _ => panic!("Enter should open a review"),
    }
    assert!(matches!(
        press(&mut list, &mut ctx, "p").remove(0),
        Control::Open(_)
    ));
    let mut stats = super::intents::open_stats(
        &fixture.store,
        &[DeckId::new("ch1")],
        now().map(crate::clock::study_day).unwrap(),
        None,
    )
    .unwrap();
    let all = text(&render(&mut stats, 80, 24, COLOR));
    assert!(
        all.contains("2 cards: 2 new, 0 learning, 0 review"),
        "{all}"
    );
    assert!(all.contains("Cards due, next 30 days"), "{all}");
    assert!(all.contains("Ratings, last 30 days"), "{all}");
}

/// Keys for the loop, then the terminal going away.
pub(super) struct Script(pub(super) Vec<KeyEvent>);

impl Inputs for Script {
    fn next(&mut self) -> std::io::Result<Input> {
        if self.0.is_empty() {
            return Ok(Input::Signal(1));
        }
        Ok(Input::Key(self.0.remove(0)))
    }
}

#[test]
fn the_loop_draws_each_state_and_a_hangup_keeps_saved_ratings() {
    let mut fixture = Fixture::new();
    let screen = fixture.review();
    let card = screen.current().unwrap().card.id;
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    {
        let mut ctx = fixture.ctx(true);
        let mut script = Script(vec![
            key(KeyCode::Char(' ')),
            key(KeyCode::Char('5')),
            key(KeyCode::Char(' ')),
        ]);
        let ended = run_loop(&mut terminal, Box::new(screen), &mut ctx, &mut script).unwrap();
        assert_eq!(ended.signal, Some(1));
        assert!(
            ended.farewells.is_empty(),
            "no summary on a hangup: {ended:?}"
        );
    }
    let all = text(terminal.backend().buffer());
    assert!(all.contains("Est-ce que le client participe"), "{all}");
    assert_eq!(
        fixture.store.review_log(card).unwrap(),
        vec![(crate::sched::Rating::new(5).unwrap(), true)]
    );
}

#[test]
fn at_the_smallest_size_every_screen_keeps_its_essentials() {
    let mut fixture = Fixture::new();
    let mut screen = fixture.review();
    let mut ctx = fixture.ctx(true);
    press(&mut screen, &mut ctx, " x");
    let all = text(&render(
        &mut screen,
        super::MIN_WIDTH,
        super::MIN_HEIGHT,
        COLOR,
    ));
    assert!(all.contains("Est-ce que le client a toujours"), "{all}");
    assert!(all.contains("How well did you know this?"), "{all}");
    assert!(all.contains("5 Perfectly"), "{all}");
    assert!(all.contains("? keys · q/Esc quit"), "{all}");
    assert!(all.contains("1 / 2"), "{all}");
    press(&mut screen, &mut ctx, "?");
    let all = text(&render(
        &mut screen,
        super::MIN_WIDTH,
        super::MIN_HEIGHT,
        COLOR,
    ));
    assert!(all.contains("? or Esc closes this"), "help fits: {all}");

    let items: String = (1..=12)
        .map(|i| format!("      - \"élément {i} d'une longue réponse\"\n"))
        .collect();
    let tall = format!(
        "title: T\ncards:\n  - q: \"Longue ?\"\n    a:\n{items}  - q: \"Courte ?\"\n    a: \"Oui.\"\n"
    );
    let mut preview = PreviewScreen::new(deck::parse_deck(
        std::path::Path::new("t.yaml"),
        tall.as_bytes(),
    ));
    let mut ctx = fixture.ctx(true);
    // The first card is taller than the window: j scrolls through it first.
    let first = text(&render(
        &mut preview,
        super::MIN_WIDTH,
        super::MIN_HEIGHT,
        COLOR,
    ));
    assert!(!first.contains("élément 12"), "{first}");
    let mut steps = 0;
    while preview.selected() == 0 {
        press(&mut preview, &mut ctx, "j");
        let _ = render(&mut preview, super::MIN_WIDTH, super::MIN_HEIGHT, COLOR);
        steps += 1;
        assert!(steps < 30, "never left the first card");
    }
    assert!(
        steps > 1,
        "the tall card was scrolled through ({steps} steps)"
    );
    press(&mut preview, &mut ctx, "k");
    assert_eq!(preview.selected(), 0);
    let all = text(&render(
        &mut preview,
        super::MIN_WIDTH,
        super::MIN_HEIGHT,
        COLOR,
    ));
    assert!(
        all.contains("▶ 1/2"),
        "back on the tall card, from its top: {all}"
    );

    let mut stats = super::intents::open_stats(
        &fixture.store,
        &[DeckId::new("ch1")],
        now().map(crate::clock::study_day).unwrap(),
        None,
    )
    .unwrap();
    let all = text(&render(
        &mut stats,
        super::MIN_WIDTH,
        super::MIN_HEIGHT,
        COLOR,
    ));
    assert!(all.contains("ratings: 0 today · 30 days: 1:0 2:0"), "{all}");
    assert!(all.contains("Cards due, next 30 days"), "{all}");
    assert!(all.contains("q/Esc close"), "{all}");
}

#[test]
fn the_due_chart_has_a_readable_axis() {
    let fixture = Fixture::new();
    let mut stats = super::intents::open_stats(
        &fixture.store,
        &[DeckId::new("ch1")],
        now().map(crate::clock::study_day).unwrap(),
        None,
    )
    .unwrap();
    let all = text(&render(&mut stats, 100, 30, COLOR));
    assert!(
        all.contains("│+1                         +10                           +20                           +30"),
        "{all}"
    );
}

const KINDS_DECK: &str = r#"title: "Sortes"
cards:
  - id: "vf"
    kind: truefalse
    q: "L'échec de service est évitable."
    answer: false
  - id: "qcm"
    kind: choice
    q: "Plus grande source d'enseignement ?"
    choices: ["Les employés", "Les clients les plus mécontents", "Les études"]
    correct: 2
    shuffle: false
  - id: "trous"
    kind: cloze
    q: "Réagir rapidement et ______ ; le client ______."
    blanks: ["efficacement", "revient"]
  - id: "paires"
    kind: match
    q: "Associez."
    pairs:
      - "Procédurale": "les règles"
      - "Interactive": "le traitement"
"#;

pub(super) fn kinds_fixture() -> Fixture {
    let fixture = Fixture::new();
    let deck = fixture.dir.join("sortes.yaml");
    std::fs::write(&deck, KINDS_DECK).unwrap();
    let mut fixture = fixture;
    fixture.store.sync(&[deck], false, now().unwrap()).unwrap();
    fixture
}

pub(super) fn kinds_review(fixture: &Fixture) -> ReviewScreen {
    let session = Session::start(
        &fixture.store,
        vec![DeckId::new("sortes")],
        now().unwrap(),
        20,
    )
    .unwrap();
    super::intents::open_review(session, &fixture.store).unwrap()
}

#[test]
fn graded_cards_are_answered_in_the_screen() {
    use crate::review::grade::Verdict;
    let mut fixture = kinds_fixture();
    let mut screen = kinds_review(&fixture);
    let mut ctx = fixture.ctx(true);
    // True/false: `v` answers (wrongly), the verdict proposes 1.
    assert!(text(&render(&mut screen, 80, 24, COLOR)).contains("Press v (vrai) or f (faux)"));
    press(&mut screen, &mut ctx, "v");
    assert_eq!(screen.verdict(), Some(Verdict::Wrong));
    let all = text(&render(&mut screen, 80, 24, COLOR));
    assert!(all.contains("│ Wrong."), "{all}");
    assert!(
        all.contains("│ • Faux."),
        "no tick boxes on a graded card: {all}"
    );
    assert!(all.contains("[1 Not at all]"), "{all}");
    press(&mut screen, &mut ctx, "\n");
    // On the next (graded) card, `u` is a letter; Ctrl-U undoes.
    super::step(
        &mut screen,
        KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL),
        &mut ctx,
    );
    assert_eq!(screen.current().unwrap().card.key.as_deref(), Some("vf"));
    press(&mut screen, &mut ctx, "v\n");
    // Choice, not shuffled: letters in deck order; `b` is right.
    let all = text(&render(&mut screen, 80, 24, COLOR));
    assert!(
        all.contains("│ b) Les clients les plus mécontents"),
        "{all}"
    );
    press(&mut screen, &mut ctx, "x\n");
    assert!(text(&render(&mut screen, 80, 24, COLOR)).contains("Answer with the letters shown."));
    let mut ctx = fixture.ctx(true);
    super::step(&mut screen, key(KeyCode::Backspace), &mut ctx);
    press(&mut screen, &mut ctx, "b\n");
    assert_eq!(screen.verdict(), Some(Verdict::Right));
    press(&mut screen, &mut ctx, "\n");
    // Cloze: an empty Enter is not an answer; each blank in turn; a typo
    // is a near miss.
    press(&mut screen, &mut ctx, "\n\n");
    assert_eq!(screen.phase(), Phase::Question);
    press(&mut screen, &mut ctx, "eficacement\n");
    let all = text(&render(&mut screen, 80, 24, COLOR));
    assert!(all.contains("Blank 2 of 2"), "{all}");
    assert!(
        all.contains("blank 1: almost, efficacement (counted right)"),
        "{all}"
    );
    press(&mut screen, &mut ctx, "REVIENT\n");
    assert_eq!(screen.verdict(), Some(Verdict::Right));
    let all = text(&render(&mut screen, 80, 24, COLOR));
    assert!(all.contains("Your answer: eficacement / REVIENT"), "{all}");
    press(&mut screen, &mut ctx, "5");
    // Match: pairs by number and the letter shown.
    let all = text(&render(&mut screen, 80, 24, COLOR));
    let letter_of = |right: &str| {
        all.lines()
            .find(|l| l.contains(&format!(") {right}")))
            .and_then(|l| l.split(')').next())
            .and_then(|s| s.chars().last())
            .unwrap()
    };
    let answer = format!(
        "1{} 2{}\n",
        letter_of("les règles"),
        letter_of("le traitement")
    );
    press(&mut screen, &mut ctx, &answer);
    assert_eq!(screen.verdict(), Some(Verdict::Right), "{answer}");
    press(&mut screen, &mut ctx, "\n");
    let ratings: Vec<u8> = fixture
        .store
        .card_rows(&[DeckId::new("sortes")])
        .unwrap()
        .iter()
        .filter_map(|r| r.last_rating.map(|r| r.value()))
        .collect();
    assert_eq!(ratings, vec![1, 4, 5, 4]);
    // Each verdict is stored with its rating (the one undone is gone).
    let graded: Vec<(u8, Verdict)> = fixture
        .store
        .graded_ratings(&[DeckId::new("sortes")])
        .unwrap()
        .into_iter()
        .map(|(r, v)| (r.value(), v))
        .collect();
    assert_eq!(
        graded,
        vec![
            (1, Verdict::Wrong),
            (4, Verdict::Right),
            (5, Verdict::Right),
            (4, Verdict::Right)
        ]
    );
}

#[test]
fn the_forecast_view_says_how_graded_ratings_held_up() {
    let mut fixture = kinds_fixture();
    let mut screen = kinds_review(&fixture);
    let mut ctx = fixture.ctx(true);
    // Wrong ("v" on a false statement), rated 5 all the same.
    press(&mut screen, &mut ctx, "v5");
    let mut stats = super::intents::open_stats(
        &fixture.store,
        &[DeckId::new("sortes")],
        now().map(crate::clock::study_day).unwrap(),
        None,
    )
    .unwrap();
    let mut ctx = fixture.ctx(true);
    press(&mut stats, &mut ctx, "f");
    let all = text(&render(&mut stats, 200, 40, COLOR));
    assert!(
        all.contains("Of your 1 rating of graded cards, 1 disagreed with the grade"),
        "{all}"
    );
}

/// Inputs for the loop, pastes among them, then the terminal going away.
struct Pasting(Vec<Input>);

impl Inputs for Pasting {
    fn next(&mut self) -> std::io::Result<Input> {
        if self.0.is_empty() {
            return Ok(Input::Signal(1));
        }
        Ok(self.0.remove(0))
    }
}

#[test]
fn a_paste_never_rates_and_types_into_an_answer() {
    use crate::review::grade::Verdict;
    // A basic card: 10,000 pasted characters of digits, spaces and line
    // breaks, shown or not, rate nothing.
    let mut fixture = Fixture::new();
    let screen = fixture.review();
    let card = screen.current().unwrap().card.id;
    let flood = "5 4\n3\r\n ".repeat(1_250);
    assert_eq!(flood.chars().count(), 10_000);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    {
        let mut ctx = fixture.ctx(true);
        let mut inputs = Pasting(vec![
            Input::Paste(flood.clone()),
            Input::Key(key(KeyCode::Char(' '))),
            Input::Paste(flood),
        ]);
        run_loop(&mut terminal, Box::new(screen), &mut ctx, &mut inputs).unwrap();
    }
    assert!(fixture.store.review_log(card).unwrap().is_empty());

    // A graded card: the paste is the answer, Enter grades it.
    let mut fixture = kinds_fixture();
    let mut screen = kinds_review(&fixture);
    let mut ctx = fixture.ctx(true);
    press(&mut screen, &mut ctx, "v\n");
    screen.paste("b");
    assert!(text(&render(&mut screen, 80, 24, COLOR)).contains("b"));
    press(&mut screen, &mut ctx, "\n");
    assert_eq!(screen.verdict(), Some(Verdict::Right));
}

#[test]
fn the_first_screen_says_when_the_minutes_cannot_cover_the_course() {
    let mut fixture = Fixture::new();
    let mut deck = String::from("title: \"Intra\"\ncards:\n");
    for i in 0..10 {
        deck.push_str(&format!(
            "  - q: \"Question {i} ?\"\n    a: \"Réponse {i}.\"\n"
        ));
    }
    let path = fixture.dir.join("intra.yaml");
    std::fs::write(&path, deck).unwrap();
    fixture.store.sync(&[path], false, now().unwrap()).unwrap();
    // An exam tomorrow and one minute: three first sights of 18 s.
    let exam = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
    let session = Session::start_timed(
        &fixture.store,
        vec![DeckId::new("intra")],
        now().unwrap(),
        crate::review::Plan::Exam { exam },
        Some(1),
    )
    .unwrap();
    let mut screen = super::intents::open_review(session, &fixture.store).unwrap();
    let shown = text(&render(&mut screen, 80, 24, COLOR));
    let words = shown.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains(
            "At 1 minute a day, 7 cards will not be seen before 2026-12-02; 3 minutes a day would cover them."
        ),
        "{shown}"
    );
}
