//! The full-screen front end (ratatui on crossterm): screens that draw and
//! turn keys into actions, and one small loop that does the terminal I/O.

pub mod decks;
pub mod intents;
pub mod keys;
pub mod preview;
pub mod review;
pub mod stats;
pub mod theme;
pub mod wrap;

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use ratatui::backend::Backend;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, EnableBracketedPaste, Event, KeyEvent, KeyEventKind,
};
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::{Frame, Terminal};

use crate::clock::ClockError;
use crate::review::{Session, SessionError};
use crate::store::{Store, StoreError};
pub use intents::{Intent, News};
use keys::Binding;
use theme::Theme;

/// Ctrl-C's signal, for a run it ends.
const SIGINT: i32 = 2;

/// The smallest terminal the screens are laid out for.
pub const MIN_WIDTH: u16 = 50;
pub const MIN_HEIGHT: u16 = 16;

/// What the loop runs intents with: the store, the clock, and how to draw.
/// Screens never see it: they return [`Intent`]s and are told what came of them.
pub struct Ctx<'a> {
    pub store: Option<&'a mut Store>,
    /// The scheduler asked for over the decks' own.
    pub scheduling: crate::review::scheduler::Scheduling,
    pub now: &'a dyn Fn() -> Result<DateTime<FixedOffset>, ClockError>,
    pub theme: Theme,
}

/// What a screen's key asks the loop to do to the stack of screens.
pub enum Control {
    Continue,
    /// Close this screen (the last one closed ends the program).
    Close,
    /// Open another screen on top of this one.
    Open(Box<dyn Screen>),
    /// Something failed that the screen cannot recover from.
    Fail(UiError),
    /// Another process is writing to the store: say so, try the intent
    /// again until it goes through, or until Esc gives up.
    Wait(Box<Waiting>),
}

/// An intent waiting for the store.
pub struct Waiting {
    pub intent: Intent,
    /// The store, to name it.
    pub store: std::path::PathBuf,
}

/// How often a waiting intent is tried again (each try itself waits a
/// moment for the store).
const WAIT_TICK: Duration = Duration::from_millis(100);

/// What can end the screens with an error.
#[derive(Debug, thiserror::Error)]
pub enum UiError {
    #[error("the review store is not open")]
    NoStore,
    #[error(transparent)]
    Clock(#[from] ClockError),
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot draw on the terminal: {0}")]
    Draw(io::Error),
    #[error("cannot set up the terminal: {0}")]
    Setup(io::Error),
    #[error("cannot watch for signals: {0}")]
    Signals(io::Error),
}

/// A screen: it draws its state, turns keys into [`Intent`]s, and is told
/// ([`News`]) what the loop did with them. It never does I/O itself.
pub trait Screen {
    /// Layout-dependent state (scrolling) for a frame of `area`, before `draw`.
    fn fit(&mut self, _area: Rect) {}
    fn draw(&self, frame: &mut Frame<'_>, theme: Theme);
    fn handle(&mut self, key: KeyEvent) -> Intent;
    /// Text pasted into the terminal (bracketed paste): it types into an
    /// answer field where there is one; it is never keys, so it never rates.
    fn paste(&mut self, _text: &str) {}
    /// What came of the screen's last intent.
    fn show(&mut self, _news: News) {}
    /// The review session the screen shows, for the loop to run intents on.
    fn session(&mut self) -> Option<&mut Session> {
        None
    }
    /// The screen on top of this one closed: what to do now.
    fn resumed(&mut self) -> Intent {
        Intent::Stay
    }
    /// Words to leave in the terminal once the screen is gone.
    fn farewell(&self) -> Option<String> {
        None
    }
    /// Whether what the screen did is not where fiches will read it (the
    /// store deleted or replaced meanwhile): fiches then ends with status 2.
    fn store_lost(&self) -> bool {
        false
    }
}

/// One key handled: the screen's intent, run.
pub fn step(top: &mut dyn Screen, key: KeyEvent, ctx: &mut Ctx<'_>) -> Control {
    let intent = top.handle(key);
    intents::run(top, intent, ctx)
}

/// What the loop reads: keys, resizes, and the terminal going away.
pub enum Input {
    Key(KeyEvent),
    /// Text pasted (bracketed paste), as one piece.
    Paste(String),
    Redraw,
    /// SIGHUP, SIGTERM or SIGINT: leave now, everything is saved.
    Signal(i32),
}

pub trait Inputs {
    fn next(&mut self) -> io::Result<Input>;
    /// The next input if one comes within `wait`.
    fn next_within(&mut self, _wait: Duration) -> io::Result<Option<Input>> {
        self.next().map(Some)
    }
}

/// Keys from crossterm, with signals noticed within a tick even when the
/// terminal is gone and crossterm's reads misbehave.
pub struct TerminalInputs {
    signal: Arc<AtomicI32>,
}

impl Inputs for TerminalInputs {
    fn next(&mut self) -> io::Result<Input> {
        loop {
            if let Some(input) = self.next_within(Duration::from_millis(100))? {
                return Ok(input);
            }
        }
    }

    fn next_within(&mut self, wait: Duration) -> io::Result<Option<Input>> {
        let deadline = std::time::Instant::now() + wait;
        loop {
            let signal = self.signal.load(Ordering::SeqCst);
            if signal != 0 {
                return Ok(Some(Input::Signal(signal)));
            }
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if event::poll(left.min(Duration::from_millis(100)))? {
                match event::read()? {
                    Event::Key(key) if key.kind != KeyEventKind::Release => {
                        return Ok(Some(Input::Key(key)));
                    }
                    Event::Resize(..) => return Ok(Some(Input::Redraw)),
                    Event::Paste(text) => return Ok(Some(Input::Paste(text))),
                    _ => {}
                }
            } else if left.is_zero() {
                return Ok(None);
            }
        }
    }
}

/// How a run of the screens ended.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Ended {
    /// What the screens leave behind in the terminal.
    pub farewells: Vec<String>,
    /// The signal that ended the run, if one did.
    pub signal: Option<i32>,
    /// The store the student stopped waiting for (Esc), if that ended it.
    pub gave_up_on: Option<std::path::PathBuf>,
    /// A closed screen's session was not saved where fiches reads it (the
    /// store deleted or replaced meanwhile).
    pub store_lost: bool,
}

/// Runs screens until the last one closes or a signal comes; returns how it
/// ended, or what failed.
pub fn run_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    first: Box<dyn Screen>,
    ctx: &mut Ctx<'_>,
    inputs: &mut dyn Inputs,
) -> Result<Ended, UiError> {
    let mut stack = vec![first];
    let mut farewells = Vec::new();
    let mut store_lost = false;
    loop {
        let Some(top) = stack.last_mut() else {
            return Ok(Ended {
                farewells,
                store_lost,
                ..Ended::default()
            });
        };
        let fits = draw_screen(terminal, top.as_mut(), ctx.theme).map_err(UiError::Draw)?;
        let key = match inputs.next() {
            // Too small to show the card: no key acts on what cannot be
            // seen. Ctrl-C leaves at once (everything rated is saved).
            Ok(Input::Key(key)) if !fits => {
                if keys::is_interrupt(&key) {
                    return Ok(Ended {
                        farewells,
                        signal: Some(SIGINT),
                        ..Ended::default()
                    });
                }
                continue;
            }
            Ok(Input::Paste(_)) if !fits => continue,
            Ok(Input::Key(key)) => key,
            Ok(Input::Paste(text)) => {
                top.paste(&text);
                continue;
            }
            Ok(Input::Redraw) => continue,
            Ok(Input::Signal(signal)) => {
                // Told to stop: ratings are already committed.
                return Ok(Ended {
                    farewells,
                    signal: Some(signal),
                    ..Ended::default()
                });
            }
            // The terminal is gone or broken: nothing left to show.
            Err(_) => {
                return Ok(Ended {
                    farewells,
                    signal: Some(1),
                    ..Ended::default()
                });
            }
        };
        let mut control = step(top.as_mut(), key, ctx);
        loop {
            match control {
                Control::Continue => {}
                Control::Close => {
                    if let Some(closed) = stack.pop() {
                        farewells.extend(closed.farewell());
                        store_lost |= closed.store_lost();
                    }
                    if let Some(below) = stack.last_mut() {
                        let intent = below.resumed();
                        control = intents::run(below.as_mut(), intent, ctx);
                        continue;
                    }
                }
                Control::Open(screen) => stack.push(screen),
                Control::Fail(err) => return Err(err),
                Control::Wait(waiting) => {
                    let Some(top) = stack.last_mut() else { break };
                    match wait_for_store(terminal, top.as_mut(), ctx, inputs, *waiting)? {
                        Waited::Done(next) => {
                            control = next;
                            continue;
                        }
                        Waited::Ended(signal, gave_up_on) => {
                            return Ok(Ended {
                                farewells,
                                signal,
                                gave_up_on,
                                store_lost,
                            });
                        }
                    }
                }
            }
            break;
        }
    }
}

enum Waited {
    /// The intent went through (or failed otherwise): what came of it.
    Done(Control),
    /// A signal, or Esc (the store given up on).
    Ended(Option<i32>, Option<std::path::PathBuf>),
}

/// Shows that the store is busy over `top` and tries the intent again
/// every tick, until it goes through, Esc gives up or a signal comes.
/// Other keys are ignored meanwhile: they must not rate the next card.
fn wait_for_store<B: Backend>(
    terminal: &mut Terminal<B>,
    top: &mut dyn Screen,
    ctx: &mut Ctx<'_>,
    inputs: &mut dyn Inputs,
    waiting: Waiting,
) -> Result<Waited, UiError> {
    let mut waiting = waiting;
    loop {
        let message = crate::review::waiting_for_store(&waiting.store);
        terminal
            .draw(|frame| {
                let area = frame.area();
                if area.width >= MIN_WIDTH && area.height >= MIN_HEIGHT {
                    top.fit(area);
                    top.draw(frame, ctx.theme);
                }
                draw_waiting(frame, &message, ctx.theme);
                keep_cells_safe(frame.buffer_mut());
            })
            .map_err(|err| UiError::Draw(io::Error::other(err.to_string())))?;
        match inputs.next_within(WAIT_TICK) {
            Ok(Some(Input::Key(key))) if key.code == event::KeyCode::Esc => {
                return Ok(Waited::Ended(None, Some(waiting.store)));
            }
            Ok(Some(Input::Signal(signal))) => return Ok(Waited::Ended(Some(signal), None)),
            // Ctrl-C leaves at once, as everywhere: what was saved stays.
            Ok(Some(Input::Key(key))) if keys::is_interrupt(&key) => {
                return Ok(Waited::Ended(Some(SIGINT), None));
            }
            Err(_) => return Ok(Waited::Ended(Some(1), None)),
            Ok(Some(_)) => continue,
            Ok(None) => {}
        }
        match intents::run(top, waiting.intent.clone(), ctx) {
            Control::Wait(again) => waiting = *again,
            done => return Ok(Waited::Done(done)),
        }
    }
}

/// The box saying what the screen waits for, and how to stop.
fn draw_waiting(frame: &mut Frame<'_>, message: &str, theme: Theme) {
    let width = frame.area().width.saturating_sub(4).clamp(10, 70);
    let mut lines: Vec<Line> = wrap::wrap(message, usize::from(width.saturating_sub(2)))
        .into_iter()
        .map(Line::from)
        .collect();
    lines.push(Line::from(""));
    lines.push(Line::from(vec![
        Span::styled("Esc", theme.key()),
        Span::raw(" gives up and ends fiches"),
    ]));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let area = centered(frame.area(), width, height);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" Waiting for the store ")),
        area,
    );
}

/// Sets the terminal up, runs the screens, and puts the terminal back
/// however the run ends: quit, error, panic (ratatui's hook), Ctrl-C (a key
/// in raw mode), SIGTERM or SIGHUP.
pub fn run(first: Box<dyn Screen>, ctx: &mut Ctx<'_>) -> Result<Ended, UiError> {
    let signal = watch_signals().map_err(UiError::Signals)?;
    let mut terminal = ratatui::try_init().map_err(UiError::Setup)?;
    // A paste arrives as one piece of text, not as keys that would rate.
    let _ = ratatui::crossterm::execute!(io::stdout(), EnableBracketedPaste);
    let mut inputs = TerminalInputs { signal };
    let result = run_loop(&mut terminal, first, ctx, &mut inputs);
    let _ = terminal.show_cursor();
    // Keys typed ahead are for this screen, not for the shell that follows.
    drain_pending_input();
    // The terminal may already be gone (SIGHUP): nothing more to do then.
    let _ = ratatui::crossterm::execute!(io::stdout(), DisableBracketedPaste);
    let _ = ratatui::try_restore();
    result
}

/// Notes SIGHUP, SIGTERM and SIGINT for the loop. If the loop has not left
/// within two seconds (a read stuck on a closed terminal), the process
/// restores what it can and exits: every rating is committed already.
fn watch_signals() -> io::Result<Arc<AtomicI32>> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let flag = Arc::new(AtomicI32::new(0));
    let mut signals = signal_hook::iterator::Signals::new([SIGHUP, SIGTERM, SIGINT])?;
    let seen = Arc::clone(&flag);
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                seen.store(signal, Ordering::SeqCst);
                std::thread::sleep(Duration::from_secs(2));
                let _ = ratatui::crossterm::execute!(io::stdout(), DisableBracketedPaste);
                let _ = ratatui::try_restore();
                std::process::exit(128 + signal);
            }
        })?;
    Ok(flag)
}

/// The last guard before the terminal: a cell holding a control or bidi
/// character (text drawn without [`wrap::wrap`] or [`truncate`], which show
/// them as `\e`…) gets a visible stand-in of the same width instead.
pub fn keep_cells_safe(buffer: &mut ratatui::buffer::Buffer) {
    for cell in &mut buffer.content {
        if !cell.symbol().chars().any(crate::text::is_unsafe) {
            continue;
        }
        let safe: String = cell
            .symbol()
            .chars()
            .map(|c| match u32::from(c) {
                // The Unicode pictures of C0 controls and of DEL: ␛, ␡.
                code @ 0..=0x1f => char::from_u32(0x2400 + code).unwrap_or('\u{fffd}'),
                0x7f => '\u{2421}',
                _ if crate::text::is_unsafe(c) => '\u{fffd}',
                _ => c,
            })
            .collect();
        cell.set_symbol(&safe);
    }
}

/// One frame of the screen: fitted to the terminal's size, then drawn.
/// False when the terminal is too small and the screen was not drawn.
pub fn draw_screen<B: Backend>(
    terminal: &mut Terminal<B>,
    screen: &mut dyn Screen,
    theme: Theme,
) -> io::Result<bool> {
    let mut fits = true;
    terminal
        .draw(|frame| {
            let area = frame.area();
            if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
                fits = false;
                draw_too_small(frame);
            } else {
                screen.fit(area);
                screen.draw(frame, theme);
            }
            keep_cells_safe(frame.buffer_mut());
        })
        .map_err(|err| io::Error::other(err.to_string()))?;
    Ok(fits)
}

/// Reads and drops whatever input is waiting (bounded, for a terminal that
/// keeps sending).
fn drain_pending_input() {
    for _ in 0..10_000 {
        match event::poll(Duration::ZERO) {
            Ok(true) => {
                if event::read().is_err() {
                    break;
                }
            }
            _ => break,
        }
    }
}

fn draw_too_small(frame: &mut Frame<'_>) {
    let area = frame.area();
    let text = format!(
        "Enlarge the window: fiches needs {MIN_WIDTH}×{MIN_HEIGHT}, this one is {}×{}. Keys wait until it fits (Ctrl-C quits); or run with --plain.",
        area.width, area.height
    );
    let lines: Vec<Line> = wrap::wrap(&text, usize::from(area.width))
        .into_iter()
        .map(Line::from)
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

/// The footer: each key and what it does, in `width` columns. When they
/// do not all fit, bindings from the middle give way: the first (the
/// screen's main key) and the last two (`?` keys, quit) always show.
pub fn footer_line(table: &[Binding], theme: Theme, width: u16) -> Line<'static> {
    let mut shown: Vec<&Binding> = table.iter().filter(|b| b.footer).collect();
    let size = |items: &[&Binding]| {
        items
            .iter()
            .map(|b| b.keys.chars().count() + b.help.chars().count() + 1)
            .sum::<usize>()
            + 3 * items.len().saturating_sub(1)
    };
    // Undo stays too: a rating given by mistake is taken back at once.
    while size(&shown) > usize::from(width) {
        let middle = 1..shown.len().saturating_sub(2);
        let Some(gone) = middle
            .rev()
            .find(|&i| shown[i].action != keys::Action::Undo)
        else {
            break;
        };
        shown.remove(gone);
    }
    let mut spans = Vec::new();
    for (i, (keys, help)) in shown.into_iter().map(|b| (b.keys, b.help)).enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", theme.dim()));
        }
        spans.push(Span::styled(keys, theme.key()));
        spans.push(Span::raw(format!(" {help}")));
    }
    Line::from(spans)
}

/// A box over the screen listing every key of the table.
pub fn draw_help(frame: &mut Frame<'_>, table: &[Binding], theme: Theme) {
    let width = table
        .iter()
        .map(|b| b.help.chars().count() + b.help_keys().chars().count().max(11) + 5)
        .max()
        .unwrap_or(20)
        .max(24)
        .min(usize::from(frame.area().width.saturating_sub(2)));
    let height = table.len() + 3;
    let area = centered(
        frame.area(),
        u16::try_from(width).unwrap_or(u16::MAX),
        u16::try_from(height).unwrap_or(u16::MAX),
    );
    let mut lines: Vec<Line> = table
        .iter()
        .map(|b| {
            Line::from(vec![
                Span::styled(format!("{:>11}", b.help_keys()), theme.key()),
                Span::raw(format!("  {}", b.help)),
            ])
        })
        .collect();
    lines.push(Line::styled("? or Esc closes this", theme.dim()));
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" Keys ")),
        area,
    );
}

pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    cell
}

/// A progress bar drawn with characters, so it shows without colour.
pub fn text_gauge(done: usize, total: usize, width: usize) -> String {
    let width = width.max(4);
    let filled = (done * width)
        .checked_div(total)
        .unwrap_or(width)
        .min(width);
    let percent = (done * 100).checked_div(total).unwrap_or(100);
    format!(
        "{}{} {percent:>3} %",
        "█".repeat(filled),
        "░".repeat(width - filled)
    )
}

/// Cuts text to `width` display columns, marking a cut with `…`.
pub fn truncate(text: &str, width: usize) -> String {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    let text = crate::text::one_line(text);
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod day_tests;
#[cfg(test)]
mod key_tests;
#[cfg(test)]
mod snapshot_tests;
#[cfg(test)]
mod tests;
