//! The review screen: the question, the answer on a key, ticks for the
//! items recalled, and the 1–5 rating, committed (by the loop) before the
//! next card is drawn. This file is the screen's state and its keys;
//! `view.rs` draws a card, `summary.rs` the end of the session.

mod summary;
mod view;

use std::time::{Duration, Instant};

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

use super::intents::Next;
use super::keys::{self, Action};
use super::theme::Theme;
use super::{Intent, News, Screen};
use crate::review::answer::{self, Answering, Reply, Unreadable};

/// The longest answer that can be typed or pasted.
const MAX_TYPED: usize = 2_000;
use crate::review::grade::Verdict;
use crate::review::{Current, Session, Summary};
use crate::sched::Rating;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Question,
    Answer,
    Over,
}

pub struct ReviewScreen {
    session: Session,
    current: Option<Current>,
    phase: Phase,
    /// The answer item the cursor is on.
    cursor: usize,
    /// Answer items the student recalled.
    ticks: Vec<bool>,
    /// After `t`: the item number being typed.
    tick_number: Option<String>,
    /// The student has ticked or unticked something on this card: only
    /// then does Enter confirm a proposal (two Enters never rate a card 1).
    ticked_any: bool,
    scroll: u16,
    help: bool,
    message: Option<String>,
    /// A graded card: its answering (order shown, blanks, verdict).
    answering: Option<Answering>,
    /// A graded card: the answer being typed.
    typed: String,
    /// The next frame scrolls to the verdict, below the fold otherwise.
    show_verdict: bool,
    shown_at: Instant,
    started: Instant,
    summary: Option<(Summary, Duration)>,
}

impl ReviewScreen {
    /// The screen of a session, showing `first` (see `intents::open_review`).
    pub fn new(session: Session, first: Next) -> ReviewScreen {
        // What the plan has to say (minutes that cannot cover the course) is
        // on the first card's screen.
        let notice = (!session.notices().is_empty()).then(|| session.notices().join(" "));
        let mut screen = ReviewScreen {
            session,
            current: None,
            phase: Phase::Question,
            cursor: 0,
            ticks: Vec::new(),
            tick_number: None,
            ticked_any: false,
            scroll: 0,
            help: false,
            message: notice,
            answering: None,
            typed: String::new(),
            show_verdict: false,
            shown_at: Instant::now(),
            started: Instant::now(),
            summary: None,
        };
        screen.load(first);
        screen
    }

    /// Something to say on the first card's screen, beside what the plan
    /// says (a deck left out for its errors).
    pub fn notice(&mut self, notice: String) {
        self.message = Some(match self.message.take() {
            Some(said) => format!("{notice} {said}"),
            None => notice,
        });
    }

    pub fn phase(&self) -> Phase {
        self.phase
    }

    pub fn current(&self) -> Option<&Current> {
        self.current.as_ref()
    }

    pub fn ticks(&self) -> &[bool] {
        &self.ticks
    }

    pub fn summary(&self) -> Option<&Summary> {
        self.summary.as_ref().map(|(s, _)| s)
    }

    /// Shows the next card, or the summary when there is none.
    fn load(&mut self, next: Next) {
        self.cursor = 0;
        self.scroll = 0;
        self.tick_number = None;
        self.ticked_any = false;
        self.shown_at = Instant::now();
        self.typed.clear();
        self.answering = None;
        match next {
            Next::Card(current) => {
                self.ticks = vec![false; current.card.answer.items().len()];
                self.phase = Phase::Question;
                self.answering =
                    Answering::new(&current.card.kind, current.card.id, self.session.day());
                self.current = Some(*current);
            }
            Next::Over(summary) => {
                self.current = None;
                self.finish(summary);
            }
        }
    }

    fn finish(&mut self, summary: Summary) {
        self.summary = Some((summary, self.started.elapsed()));
        self.phase = Phase::Over;
    }

    /// Several answer items the student can tick (basic cards only: a
    /// graded card is graded from the answer typed).
    fn is_list(&self) -> bool {
        self.ticks.len() > 1 && self.answering.is_none()
    }

    /// The rating proposed: from a graded card's verdict, or from the items
    /// ticked once the student has ticked (or unticked) one.
    pub fn proposed(&self) -> Option<Rating> {
        if let Some(rating) = self.answering.as_ref().and_then(Answering::proposed) {
            return Some(rating);
        }
        if !self.is_list() || !self.ticked_any {
            return None;
        }
        // A question that asks for some of the items is answered in full
        // with that many.
        let asked = self.current.as_ref().and_then(|c| c.card.ask);
        answer::proposed_from_ticks(&self.ticks, asked)
    }

    pub fn verdict(&self) -> Option<Verdict> {
        self.answering.as_ref().and_then(Answering::verdict)
    }

    fn table(&self) -> &'static [keys::Binding] {
        let answering = self.answering.as_ref();
        match self.phase {
            Phase::Question => match answering.map(Answering::typed) {
                Some(false) => keys::REVIEW_TRUE_FALSE,
                Some(true) => keys::REVIEW_GRADED,
                None => keys::REVIEW_QUESTION,
            },
            Phase::Answer if answering.is_some() => keys::REVIEW_GRADED_ANSWER,
            Phase::Answer if self.is_list() => keys::REVIEW_ANSWER,
            Phase::Answer => keys::REVIEW_ANSWER_TEXT,
            Phase::Over => match &self.summary {
                Some((summary, _)) if summary.day_done() && summary.more_new > 0 => {
                    keys::SUMMARY_DAY_DONE
                }
                Some((summary, _)) if summary.day_done() && summary.cards > 0 => keys::SUMMARY_CRAM,
                _ => keys::SUMMARY,
            },
        }
    }

    fn rate(&self, rating: Rating) -> Intent {
        let ticked: Vec<usize> = self
            .ticks
            .iter()
            .enumerate()
            .filter(|(_, t)| **t)
            .map(|(i, _)| i + 1)
            .collect();
        Intent::Rate {
            rating,
            ticks: self.is_list().then_some(ticked),
            verdict: self.verdict(),
            took_ms: u64::try_from(self.shown_at.elapsed().as_millis()).unwrap_or(u64::MAX),
        }
    }

    fn toggle(&mut self, item: usize) {
        if let Some(tick) = self.ticks.get_mut(item) {
            *tick = !*tick;
            self.cursor = item;
            self.ticked_any = true;
        }
    }

    /// Keys while a graded card is answered: typing, Enter to submit, Tab to
    /// see the answer without grading. `None`: a key for the screen as a
    /// whole (help, quit).
    fn answer_key(&mut self, key: KeyEvent) -> Option<Intent> {
        if keys::is_interrupt(&key) {
            return None;
        }
        let true_false = !self.answering.as_ref()?.typed();
        let action = keys::lookup(self.table(), &key);
        let plain = !key.modifiers.contains(KeyModifiers::CONTROL);
        // Letters are the answer: even `?` once something is typed.
        if let KeyCode::Char(c) = key.code
            && plain
            && !true_false
            && (action.is_none() || !self.typed.is_empty())
        {
            self.typed.push(c);
            return Some(Intent::Stay);
        }
        match action {
            None => {
                if let (KeyCode::Char(_), true) = (key.code, plain && true_false) {
                    self.message = Some("v (vrai) or f (faux)".into());
                }
            }
            Some(Action::Answer) => {
                if let KeyCode::Char(c) = key.code {
                    self.submit(&c.to_string());
                }
            }
            Some(Action::Confirm) if self.typed.trim().is_empty() => {
                // An empty Enter is not an answer (two Enters never grade).
                self.message = Some("Type your answer, or Tab to see it.".into());
            }
            Some(Action::Confirm) => {
                let typed = std::mem::take(&mut self.typed);
                if !self.submit(&typed) {
                    self.typed = typed;
                }
            }
            Some(Action::Erase) => {
                self.typed.pop();
            }
            // Esc clears an answer being typed; only on an empty one does it
            // end the session.
            Some(Action::Quit) if key.code == KeyCode::Esc && !self.typed.is_empty() => {
                self.typed.clear();
                self.message = Some("Answer cleared (Esc again ends the session).".into());
            }
            Some(Action::LineUp) => self.scroll = self.scroll.saturating_sub(1),
            Some(Action::LineDown) => self.scroll = self.scroll.saturating_add(1),
            Some(Action::PageUp) => self.scroll = self.scroll.saturating_sub(5),
            Some(Action::PageDown) => self.scroll = self.scroll.saturating_add(5),
            Some(Action::Reveal) => self.phase = Phase::Answer,
            Some(Action::Undo) => return Some(Intent::Undo),
            Some(_) => return None,
        }
        Some(Intent::Stay)
    }

    /// Grades an answer; false when it could not be read.
    fn submit(&mut self, given: &str) -> bool {
        let Some(answering) = self.answering.as_mut() else {
            return false;
        };
        match answering.answer(given) {
            Reply::Graded(_) => {
                self.phase = Phase::Answer;
                self.message = None;
                self.show_verdict = true;
            }
            Reply::Blank(_) => {}
            Reply::Unreadable(unreadable) => {
                self.message = Some(
                    match unreadable {
                        Unreadable::TrueFalse => "v (vrai) or f (faux)",
                        Unreadable::Letters => "Answer with the letters shown.",
                        Unreadable::Pairs => "Pair each number with a letter, like 1b 2a.",
                    }
                    .into(),
                );
                return false;
            }
        }
        true
    }

    /// The prompt after `t`, with the digits typed so far.
    fn tick_prompt(&mut self) {
        let typed = self.tick_number.clone().unwrap_or_default();
        self.message = Some(format!(
            "Tick which item? (1 to {}, Esc cancels) {typed}▏",
            self.ticks.len()
        ));
    }

    /// Digits after `t` pick an item; the number is taken as soon as no
    /// further digit could make a valid item number.
    fn type_tick_digit(&mut self, digit: char) {
        let mut typed = self.tick_number.take().unwrap_or_default();
        typed.push(digit);
        let Ok(number) = typed.parse::<usize>() else {
            return;
        };
        if number * 10 <= self.ticks.len() && number > 0 {
            self.tick_number = Some(typed);
            self.tick_prompt();
        } else {
            self.take_tick_number(number);
        }
    }

    /// The prompt is done: item `number` toggled, said on the status line.
    fn take_tick_number(&mut self, number: usize) {
        self.tick_number = None;
        if (1..=self.ticks.len()).contains(&number) {
            self.toggle(number - 1);
            let state = if self.ticks[number - 1] {
                "ticked"
            } else {
                "unticked"
            };
            self.message = Some(format!("Item {number} {state}."));
        } else {
            self.message = Some(format!(
                "No item {number}: items go from 1 to {}.",
                self.ticks.len()
            ));
        }
    }

    /// Keys while the tick prompt is open: it takes its digits until done
    /// (a complete number, or Enter) or cancelled (Esc); other keys wait.
    fn tick_prompt_key(&mut self, key: KeyEvent) -> Intent {
        match key.code {
            KeyCode::Char(c) if c.is_ascii_digit() => self.type_tick_digit(c),
            KeyCode::Enter => match self.tick_number.as_deref().map(str::parse::<usize>) {
                Some(Ok(number)) => self.take_tick_number(number),
                _ => {
                    self.tick_number = None;
                    self.message = Some("No item ticked.".into());
                }
            },
            KeyCode::Esc => {
                self.tick_number = None;
                self.message = Some("No item ticked.".into());
            }
            KeyCode::Backspace => {
                if let Some(typed) = self.tick_number.as_mut() {
                    typed.pop();
                }
                self.tick_prompt();
            }
            _ => {}
        }
        Intent::Stay
    }
}

impl Screen for ReviewScreen {
    fn paste(&mut self, text: &str) {
        let typing = self.answering.as_ref().is_some_and(Answering::typed);
        if !typing {
            return;
        }
        // One line of visible text, of a length an answer can have.
        let room = MAX_TYPED.saturating_sub(self.typed.chars().count());
        let pasted = text
            .chars()
            .map(|c| if c.is_whitespace() { ' ' } else { c })
            .filter(|c| !c.is_control() && !crate::text::is_unsafe(*c))
            .take(room);
        self.typed.extend(pasted);
    }

    fn handle(&mut self, key: KeyEvent) -> Intent {
        if self.help {
            self.help = false;
            if !keys::is_interrupt(&key) {
                return Intent::Stay;
            }
        }
        if self.phase == Phase::Question
            && self.answering.is_some()
            && let Some(intent) = self.answer_key(key)
        {
            return intent;
        }
        if self.tick_number.is_some() && !keys::is_interrupt(&key) {
            return self.tick_prompt_key(key);
        }
        let Some(action) = keys::lookup(self.table(), &key) else {
            return Intent::Stay;
        };
        if !matches!(action, Action::Rate | Action::Confirm) {
            self.message = None;
        }
        match (self.phase, action) {
            (Phase::Over, Action::Undo) => return Intent::Undo,
            (Phase::Over, Action::MoreNew) => return Intent::MoreNew,
            (Phase::Over, Action::Cram) => return Intent::Cram,
            (Phase::Over, _) => return Intent::Close,
            (_, Action::Quit) => return Intent::Finish,
            (_, Action::Help) => self.help = true,
            (_, Action::Undo) => return Intent::Undo,
            (_, Action::PageUp) => self.scroll = self.scroll.saturating_sub(5),
            (_, Action::PageDown) => self.scroll = self.scroll.saturating_add(5),
            (Phase::Question, Action::Reveal) => self.phase = Phase::Answer,
            (Phase::Answer, Action::Rate) => {
                let value = match key.code {
                    KeyCode::Char(c) => c.to_digit(10).and_then(|d| u8::try_from(d).ok()),
                    _ => None,
                };
                if let Some(rating) = value.and_then(Rating::new) {
                    return self.rate(rating);
                }
            }
            (Phase::Answer, Action::Confirm) => match self.proposed() {
                Some(rating) => return self.rate(rating),
                None => {
                    self.message = Some(if self.is_list() {
                        "Nothing ticked yet: tick what you recalled (x), then Enter; or press 1 to 5."
                            .into()
                    } else {
                        "Press 1 to 5: how well did you know this?".into()
                    });
                }
            },
            (Phase::Answer, Action::Up) => self.cursor = self.cursor.saturating_sub(1),
            (Phase::Answer, Action::Down) if self.cursor + 1 < self.ticks.len() => {
                self.cursor += 1;
            }
            (Phase::Answer, Action::Tick) if self.is_list() => self.toggle(self.cursor),
            (Phase::Answer, Action::TickNumber) if self.is_list() => {
                self.tick_number = Some(String::new());
                self.tick_prompt();
            }
            _ => {}
        }
        Intent::Stay
    }

    fn show(&mut self, news: News) {
        match news {
            News::Rated {
                recorded,
                requeued,
                next,
            } => {
                self.message = Some(crate::review::saved_text(&recorded, requeued));
                self.load(next);
            }
            News::Undone { recorded, next } => {
                self.message = Some(format!("Undone: rating {} taken back.", recorded.rating));
                self.load(next);
            }
            News::Over(summary) => self.finish(summary),
            News::Replanned(next) => {
                self.message = None;
                self.load(next);
            }
            News::Message(message) => self.message = Some(message),
            News::Decks(_) => {}
        }
    }

    fn session(&mut self) -> Option<&mut Session> {
        Some(&mut self.session)
    }

    fn fit(&mut self, area: Rect) {
        self.fit_card(area);
    }

    fn draw(&self, frame: &mut Frame<'_>, theme: Theme) {
        if self.phase == Phase::Over {
            self.draw_summary(frame, theme);
        } else {
            self.draw_card(frame, theme);
        }
    }

    fn farewell(&self) -> Option<String> {
        let (summary, _) = self.summary.as_ref()?;
        Some(summary::farewell(summary))
    }

    fn store_lost(&self) -> bool {
        self.summary
            .as_ref()
            .is_some_and(|(summary, _)| summary.store_lost.is_some())
    }
}
