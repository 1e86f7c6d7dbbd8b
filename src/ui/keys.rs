//! One key table per screen state, read both by the key handler and by the
//! footer and help, so what is shown is what works.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Reveal,
    /// A graded card's one-key answer (true/false).
    Answer,
    /// Take back the last character typed.
    Erase,
    LineUp,
    LineDown,
    Rate,
    Confirm,
    Up,
    Down,
    PageUp,
    PageDown,
    First,
    Last,
    Tick,
    TickNumber,
    Undo,
    Help,
    Quit,
    Search,
    /// More new cards today.
    MoreNew,
    /// A cram of every card, now.
    Cram,
    NextMatch,
    PreviousMatch,
    Open,
    Preview,
    Stats,
    /// The stats screen's forecast and calibration, and back.
    Forecast,
}

pub struct Binding {
    pub codes: &'static [KeyCode],
    /// How the footer and help write the keys.
    pub keys: &'static str,
    pub help: &'static str,
    pub action: Action,
    /// Shown in the footer (the help lists every binding).
    pub footer: bool,
    /// Pressed with Ctrl (where letters are answers).
    pub ctrl: bool,
    /// Works pressed with Ctrl too (`u` and Ctrl-U are one undo key).
    pub also_ctrl: bool,
}

impl Binding {
    /// The keys as the help writes them, the Ctrl synonym included.
    pub fn help_keys(&self) -> String {
        if self.also_ctrl {
            format!("{}, Ctrl-{}", self.keys, self.keys.to_uppercase())
        } else {
            self.keys.to_string()
        }
    }
}

/// A key shown in the footer (and listed in the help).
const fn shown(
    codes: &'static [KeyCode],
    keys: &'static str,
    help: &'static str,
    action: Action,
) -> Binding {
    bind(codes, keys, help, action, true)
}

/// A key listed in the help only.
const fn listed(
    codes: &'static [KeyCode],
    keys: &'static str,
    help: &'static str,
    action: Action,
) -> Binding {
    bind(codes, keys, help, action, false)
}

const fn bind(
    codes: &'static [KeyCode],
    keys: &'static str,
    help: &'static str,
    action: Action,
    footer: bool,
) -> Binding {
    Binding {
        codes,
        keys,
        help,
        action,
        footer,
        ctrl: false,
        also_ctrl: false,
    }
}

/// A key pressed with Ctrl.
const fn bind_ctrl(
    codes: &'static [KeyCode],
    keys: &'static str,
    help: &'static str,
    action: Action,
) -> Binding {
    Binding {
        ctrl: true,
        ..shown(codes, keys, help, action)
    }
}

/// Undo, wherever letters are not an answer: `u`, or Ctrl-U.
const UNDO: Binding = Binding {
    also_ctrl: true,
    ..shown(&[KeyCode::Char('u')], "u", "undo", Action::Undo)
};

const RATE_KEYS: &[KeyCode] = &[
    KeyCode::Char('1'),
    KeyCode::Char('2'),
    KeyCode::Char('3'),
    KeyCode::Char('4'),
    KeyCode::Char('5'),
];
const QUIT_KEYS: &[KeyCode] = &[KeyCode::Char('q'), KeyCode::Esc];
const UP_KEYS: &[KeyCode] = &[KeyCode::Up, KeyCode::Char('k')];
const DOWN_KEYS: &[KeyCode] = &[KeyCode::Down, KeyCode::Char('j')];

pub const REVIEW_QUESTION: &[Binding] = &[
    shown(
        &[KeyCode::Char(' '), KeyCode::Enter],
        "Space/Enter",
        "answer",
        Action::Reveal,
    ),
    PAGE_UP,
    PAGE_DOWN,
    UNDO,
    HELP,
    QUIT,
];

// Bindings several review tables share.
const SHOW_ANSWER: Binding = shown(&[KeyCode::Tab], "Tab", "show the answer", Action::Reveal);
const LINE_UP: Binding = listed(&[KeyCode::Up], "↑", "scroll up a line", Action::LineUp);
const LINE_DOWN: Binding = listed(
    &[KeyCode::Down],
    "↓",
    "scroll down a line",
    Action::LineDown,
);
const PAGE_UP: Binding = listed(&[KeyCode::PageUp], "PgUp", "scroll up", Action::PageUp);
const PAGE_DOWN: Binding = listed(
    &[KeyCode::PageDown],
    "PgDn",
    "scroll down",
    Action::PageDown,
);
/// Where letters are answers, undo is Ctrl-U alone.
const CTRL_UNDO: Binding = bind_ctrl(&[KeyCode::Char('u')], "Ctrl-U", "undo", Action::Undo);
const HELP: Binding = shown(&[KeyCode::Char('?')], "?", "keys", Action::Help);
const ESC_QUIT: Binding = shown(&[KeyCode::Esc], "Esc", "quit", Action::Quit);
const QUIT: Binding = shown(QUIT_KEYS, "q/Esc", "quit", Action::Quit);
const RATE: Binding = shown(RATE_KEYS, "1-5", "rate", Action::Rate);

/// A graded card being answered: typed keys are the answer.
pub const REVIEW_GRADED: &[Binding] = &[
    shown(&[KeyCode::Enter], "Enter", "submit", Action::Confirm),
    SHOW_ANSWER,
    listed(&[KeyCode::Backspace], "Backspace", "erase", Action::Erase),
    LINE_UP,
    LINE_DOWN,
    PAGE_UP,
    PAGE_DOWN,
    CTRL_UNDO,
    HELP,
    ESC_QUIT,
];

/// The letters a true/false card takes, in French or English.
const TRUE_FALSE_KEYS: &[KeyCode] = &[
    KeyCode::Char('v'),
    KeyCode::Char('f'),
    KeyCode::Char('V'),
    KeyCode::Char('F'),
    KeyCode::Char('t'),
    KeyCode::Char('T'),
    KeyCode::Char('o'),
    KeyCode::Char('O'),
    KeyCode::Char('y'),
    KeyCode::Char('Y'),
    KeyCode::Char('n'),
    KeyCode::Char('N'),
];

/// A true/false card: one key answers.
pub const REVIEW_TRUE_FALSE: &[Binding] = &[
    shown(TRUE_FALSE_KEYS, "v/f", "vrai / faux", Action::Answer),
    SHOW_ANSWER,
    LINE_UP,
    LINE_DOWN,
    PAGE_UP,
    PAGE_DOWN,
    UNDO,
    HELP,
    ESC_QUIT,
];

/// A graded card, answered: the rating.
pub const REVIEW_GRADED_ANSWER: &[Binding] = &[
    RATE,
    shown(&[KeyCode::Enter], "Enter", "confirm", Action::Confirm),
    PAGE_UP,
    PAGE_DOWN,
    UNDO,
    HELP,
    QUIT,
];

pub const REVIEW_ANSWER: &[Binding] = &[
    RATE,
    shown(&[KeyCode::Enter], "Enter", "confirm", Action::Confirm),
    listed(UP_KEYS, "↑/k", "previous answer item", Action::Up),
    listed(DOWN_KEYS, "↓/j", "next answer item", Action::Down),
    shown(&[KeyCode::Char('x')], "x", "tick recalled", Action::Tick),
    listed(
        &[KeyCode::Char('t')],
        "t N",
        "tick item number N",
        Action::TickNumber,
    ),
    PAGE_UP,
    PAGE_DOWN,
    UNDO,
    HELP,
    QUIT,
];

/// A basic card whose answer is one text: nothing to tick.
pub const REVIEW_ANSWER_TEXT: &[Binding] = &[
    RATE,
    listed(
        &[KeyCode::Enter],
        "Enter",
        "says how to rate",
        Action::Confirm,
    ),
    PAGE_UP,
    PAGE_DOWN,
    UNDO,
    HELP,
    QUIT,
];

const CLOSE: Binding = shown(
    &[KeyCode::Char('q'), KeyCode::Esc, KeyCode::Enter],
    "q/Enter",
    "close",
    Action::Quit,
);
const MORE_NEW: Binding = shown(&[KeyCode::Char('n')], "n", "more new", Action::MoreNew);
const CRAM: Binding = shown(&[KeyCode::Char('c')], "c", "cram", Action::Cram);

/// The end of a session with cards still to come.
pub const SUMMARY: &[Binding] = &[CLOSE, UNDO];

/// Nothing left today: more new cards, or a cram.
pub const SUMMARY_DAY_DONE: &[Binding] = &[MORE_NEW, CRAM, UNDO, CLOSE];

/// Nothing left today and no new card either: a cram.
pub const SUMMARY_CRAM: &[Binding] = &[CRAM, UNDO, CLOSE];

pub const PREVIEW: &[Binding] = &[
    shown(UP_KEYS, "↑/k", "prev", Action::Up),
    shown(DOWN_KEYS, "↓/j", "next", Action::Down),
    listed(&[KeyCode::PageUp], "PgUp", "page up", Action::PageUp),
    listed(&[KeyCode::PageDown], "PgDn", "page down", Action::PageDown),
    listed(
        &[KeyCode::Char('g'), KeyCode::Home],
        "g",
        "first card",
        Action::First,
    ),
    listed(
        &[KeyCode::Char('G'), KeyCode::End],
        "G",
        "last card",
        Action::Last,
    ),
    shown(&[KeyCode::Char('/')], "/", "search", Action::Search),
    shown(&[KeyCode::Char('n')], "n", "next match", Action::NextMatch),
    listed(
        &[KeyCode::Char('N')],
        "N",
        "previous match",
        Action::PreviousMatch,
    ),
    HELP,
    shown(QUIT_KEYS, "q/Esc", "close", Action::Quit),
];

pub const DECKS: &[Binding] = &[
    listed(UP_KEYS, "↑/k", "previous deck", Action::Up),
    listed(DOWN_KEYS, "↓/j", "next deck", Action::Down),
    shown(&[KeyCode::Enter], "Enter", "review", Action::Open),
    shown(&[KeyCode::Char('p')], "p", "preview", Action::Preview),
    shown(&[KeyCode::Char('s')], "s", "stats", Action::Stats),
    HELP,
    QUIT,
];

pub const STATS: &[Binding] = &[
    shown(UP_KEYS, "↑/k", "previous deck", Action::Up),
    shown(DOWN_KEYS, "↓/j", "next deck", Action::Down),
    shown(&[KeyCode::Char('f')], "f", "forecast", Action::Forecast),
    HELP,
    shown(QUIT_KEYS, "q/Esc", "close", Action::Quit),
];

/// Ctrl-C arrives as a key in raw mode: it quits like `q`.
pub fn is_interrupt(key: &KeyEvent) -> bool {
    key.modifiers.contains(KeyModifiers::CONTROL)
        && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('d'))
}

pub fn lookup(table: &[Binding], key: &KeyEvent) -> Option<Action> {
    if is_interrupt(key) {
        return Some(Action::Quit);
    }
    if key.modifiers.contains(KeyModifiers::ALT) {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    table
        .iter()
        .find(|b| (b.ctrl == ctrl || (ctrl && b.also_ctrl)) && b.codes.contains(&key.code))
        .map(|b| b.action)
}
