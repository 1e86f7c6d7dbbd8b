//! The review screen: the question, the answer on a key, ticks for the
//! items recalled, and the 1–5 rating, committed before the next card is drawn.

use std::time::{Duration, Instant};

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph};

use super::keys::{self, Action};
use super::theme::Theme;
use super::{Control, Ctx, Screen, draw_help, footer_line, text_gauge, wrap};
use crate::deck::{Answer, CardKind};
use crate::review::grade::{self, Blank, Verdict};
use crate::review::plain::write_summary;
use crate::review::{Current, Session, SlotKind, Summary, UndoError};
use crate::sched::Rating;
use crate::store::Store;

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
    /// A graded card: the order its choices or right column are shown in.
    order: Vec<usize>,
    /// A graded card: the answer being typed.
    typed: String,
    /// A cloze card: how the blanks answered so far went.
    blanks: Vec<Blank>,
    /// A graded card, once answered: how it went, and what was answered.
    verdict: Option<Verdict>,
    given: Vec<String>,
    /// The next frame scrolls to the verdict, below the fold otherwise.
    show_verdict: bool,
    shown_at: Instant,
    started: Instant,
    summary: Option<(Summary, Duration)>,
}

impl ReviewScreen {
    pub fn new(session: Session, store: &Store) -> Result<ReviewScreen, String> {
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
            order: Vec::new(),
            typed: String::new(),
            blanks: Vec::new(),
            verdict: None,
            given: Vec::new(),
            show_verdict: false,
            shown_at: Instant::now(),
            started: Instant::now(),
            summary: None,
        };
        screen.load(store)?;
        Ok(screen)
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
    fn load(&mut self, store: &Store) -> Result<(), String> {
        self.current = self.session.current(store).map_err(|e| e.to_string())?;
        self.cursor = 0;
        self.scroll = 0;
        self.tick_number = None;
        self.ticked_any = false;
        self.shown_at = Instant::now();
        self.typed.clear();
        self.blanks.clear();
        self.verdict = None;
        self.given.clear();
        match &self.current {
            Some(current) => {
                self.ticks = vec![false; current.card.answer.items().len()];
                self.phase = Phase::Question;
                // Shuffled the same way all day for a card, so a test (or a
                // student coming back to it) sees one order.
                let seed = grade::shuffle_seed(self.session.day(), current.card.id.0);
                self.order = match &current.card.kind {
                    CardKind::Choice {
                        choices,
                        shuffle: true,
                        ..
                    } => grade::shuffled(choices.len(), seed),
                    CardKind::Choice { choices, .. } => (0..choices.len()).collect(),
                    CardKind::Match { pairs } => grade::shuffled(pairs.len(), seed),
                    _ => Vec::new(),
                };
            }
            None => self.finish(store)?,
        }
        Ok(())
    }

    fn finish(&mut self, store: &Store) -> Result<(), String> {
        let summary = self.session.summary(store).map_err(|e| e.to_string())?;
        self.summary = Some((summary, self.started.elapsed()));
        self.phase = Phase::Over;
        Ok(())
    }

    /// Several answer items the student can tick (basic cards only: a
    /// graded card is graded from the answer typed).
    fn is_list(&self) -> bool {
        self.ticks.len() > 1 && self.graded().is_none()
    }

    /// The rating the ticks suggest: all → 5, none → 1, evenly between
    /// (halves round up). Only for answers of several items, once the
    /// student has ticked (or unticked) one.
    pub fn proposed(&self) -> Option<Rating> {
        if let Some(verdict) = self.verdict {
            return Some(verdict.proposed());
        }
        if !self.is_list() || !self.ticked_any {
            return None;
        }
        // A question that asks for some of the items is answered in full
        // with that many.
        let asked = self
            .current
            .as_ref()
            .and_then(|c| c.card.ask)
            .and_then(|a| usize::try_from(a).ok())
            .unwrap_or(self.ticks.len());
        let recalled = self.ticks.iter().filter(|t| **t).count();
        Some(Rating::from_recalled(recalled, asked))
    }

    pub fn verdict(&self) -> Option<Verdict> {
        self.verdict
    }

    fn graded(&self) -> Option<&CardKind> {
        self.current
            .as_ref()
            .map(|c| &c.card.kind)
            .filter(|k| **k != CardKind::Basic)
    }

    fn table(&self) -> &'static [keys::Binding] {
        match self.phase {
            Phase::Question => match self.graded() {
                Some(CardKind::TrueFalse { .. }) => keys::REVIEW_TRUE_FALSE,
                Some(_) => keys::REVIEW_GRADED,
                None => keys::REVIEW_QUESTION,
            },
            Phase::Answer if self.graded().is_some() => keys::REVIEW_GRADED_ANSWER,
            Phase::Answer => keys::REVIEW_ANSWER,
            Phase::Over => keys::SUMMARY,
        }
    }

    fn rate(&mut self, rating: Rating, ctx: &mut Ctx<'_>) -> Control {
        let Some(store) = ctx.store.as_deref_mut() else {
            return Control::Fail("the review store is not open".into());
        };
        let now = match (ctx.now)() {
            Ok(now) => now,
            Err(err) => return Control::Fail(err.to_string()),
        };
        let ticked: Vec<usize> = self
            .ticks
            .iter()
            .enumerate()
            .filter(|(_, t)| **t)
            .map(|(i, _)| i + 1)
            .collect();
        let ticks = self.is_list().then_some(ticked.as_slice());
        let took = u64::try_from(self.shown_at.elapsed().as_millis()).unwrap_or(u64::MAX);
        // Committed here, before the next card is loaded and drawn.
        if let Err(err) = self.session.rate(store, rating, now, took, ticks) {
            return Control::Fail(err.to_string());
        }
        self.message = Some(if rating.needs_relearning() {
            format!("Saved {rating}: this card comes back later in the session.")
        } else {
            format!("Saved {rating}.")
        });
        match self.load(store) {
            Ok(()) => Control::Continue,
            Err(err) => Control::Fail(err),
        }
    }

    fn undo(&mut self, ctx: &mut Ctx<'_>) -> Control {
        let Some(store) = ctx.store.as_deref_mut() else {
            return Control::Fail("the review store is not open".into());
        };
        match self.session.undo(store) {
            Ok(Some(recorded)) => {
                self.message = Some(format!("Undone: rating {} taken back.", recorded.rating));
                match self.load(store) {
                    Ok(()) => Control::Continue,
                    Err(err) => Control::Fail(err),
                }
            }
            Ok(None) => {
                self.message = Some("Nothing to undo.".into());
                Control::Continue
            }
            Err(UndoError::RatedElsewhere) => {
                self.message = Some(UndoError::RatedElsewhere.to_string());
                Control::Continue
            }
            Err(UndoError::Store(err)) => Control::Fail(err.to_string()),
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
    /// see the answer without grading. `None`: not an answer key (Esc, `?`…).
    fn answer_key(&mut self, key: KeyEvent, ctx: &mut Ctx<'_>) -> Option<Control> {
        if keys::is_interrupt(&key) || key.code == KeyCode::Esc {
            return None;
        }
        // Letters are answers here: undo is Ctrl-U.
        if key.modifiers.contains(KeyModifiers::CONTROL) {
            return match key.code {
                KeyCode::Char('u') => Some(self.undo(ctx)),
                _ => Some(Control::Continue),
            };
        }
        let kind = self.graded()?.clone();
        match (&kind, key.code) {
            (_, KeyCode::PageUp | KeyCode::Up) => {
                self.scroll =
                    self.scroll
                        .saturating_sub(if key.code == KeyCode::Up { 1 } else { 5 });
                Some(Control::Continue)
            }
            (_, KeyCode::PageDown | KeyCode::Down) => {
                self.scroll =
                    self.scroll
                        .saturating_add(if key.code == KeyCode::Down { 1 } else { 5 });
                Some(Control::Continue)
            }
            (_, KeyCode::Char('?')) if self.typed.is_empty() => None,
            (_, KeyCode::Tab) => {
                self.phase = Phase::Answer;
                Some(Control::Continue)
            }
            (CardKind::TrueFalse { .. }, KeyCode::Char(c)) => {
                match grade::parse_true_false(&c.to_string()) {
                    Some(given) => {
                        self.given = vec![if given { "vrai" } else { "faux" }.to_string()];
                        self.graded_answer(grade::true_false(&kind, given));
                    }
                    None => self.message = Some("v (vrai) or f (faux)".into()),
                }
                Some(Control::Continue)
            }
            (CardKind::TrueFalse { .. }, _) => Some(Control::Continue),
            (_, KeyCode::Char(c)) => {
                self.typed.push(c);
                Some(Control::Continue)
            }
            (_, KeyCode::Backspace) => {
                self.typed.pop();
                Some(Control::Continue)
            }
            (_, KeyCode::Enter) if self.typed.trim().is_empty() => {
                // An empty Enter is not an answer (two Enters never grade).
                self.message = Some("Type your answer, or Tab to see it.".into());
                Some(Control::Continue)
            }
            (_, KeyCode::Enter) => {
                let typed = std::mem::take(&mut self.typed);
                self.given.push(typed.clone());
                match &kind {
                    CardKind::Choice { .. } => match grade::parse_letters(&typed, &self.order) {
                        Some(picked) => self.graded_answer(grade::choice(&kind, &picked)),
                        None => {
                            self.message = Some("Answer with the letters shown.".into());
                            self.given.pop();
                            self.typed = typed;
                        }
                    },
                    CardKind::Match { .. } => match grade::parse_pairs(&typed, &self.order) {
                        Some(given) => self.graded_answer(grade::matching(&kind, &given)),
                        None => {
                            self.message =
                                Some("Pair each number with a letter, like 1b 2a.".into());
                            self.typed = typed;
                        }
                    },
                    CardKind::Cloze { blanks } => {
                        if let Some(variants) = blanks.get(self.blanks.len()) {
                            self.blanks.push(grade::blank(variants, &typed));
                        }
                        if self.blanks.len() == blanks.len() {
                            self.graded_answer(grade::cloze(&self.blanks));
                        }
                    }
                    CardKind::Basic | CardKind::TrueFalse { .. } => {}
                }
                let _ = ctx;
                Some(Control::Continue)
            }
            _ => Some(Control::Continue),
        }
    }

    fn graded_answer(&mut self, verdict: Verdict) {
        self.verdict = Some(verdict);
        self.phase = Phase::Answer;
        self.message = None;
        self.show_verdict = true;
    }

    /// Digits after `t` pick an item; the number is taken as soon as no
    /// further digit could make a valid item number.
    fn type_tick_digit(&mut self, digit: char) {
        let mut typed = self.tick_number.take().unwrap_or_default();
        typed.push(digit);
        let Ok(number) = typed.parse::<usize>() else {
            return;
        };
        if number * 10 <= self.ticks.len() {
            self.tick_number = Some(typed);
        } else if (1..=self.ticks.len()).contains(&number) {
            self.toggle(number - 1);
        } else {
            self.message = Some(format!(
                "No item {number}: items go from 1 to {}.",
                self.ticks.len()
            ));
        }
    }
}

impl Screen for ReviewScreen {
    fn handle(&mut self, key: KeyEvent, ctx: &mut Ctx<'_>) -> Control {
        if self.help {
            self.help = false;
            if !keys::is_interrupt(&key) {
                return Control::Continue;
            }
        }
        if self.phase == Phase::Question
            && self.graded().is_some()
            && let Some(control) = self.answer_key(key, ctx)
        {
            return control;
        }
        if let (Some(_), KeyCode::Char(c)) = (&self.tick_number, key.code)
            && c.is_ascii_digit()
        {
            self.type_tick_digit(c);
            return Control::Continue;
        }
        if let Some(typed) = self.tick_number.take() {
            // Enter after `t 1` on a card of ten items or more ticks item 1.
            if key.code == KeyCode::Enter {
                if let Ok(n) = typed.parse::<usize>()
                    && (1..=self.ticks.len()).contains(&n)
                {
                    self.toggle(n - 1);
                }
                return Control::Continue;
            }
        }
        let Some(action) = keys::lookup(self.table(), &key) else {
            return Control::Continue;
        };
        if !matches!(action, Action::Rate | Action::Confirm) {
            self.message = None;
        }
        match (self.phase, action) {
            (Phase::Over, _) => Control::Close,
            (_, Action::Quit) => {
                let Some(store) = ctx.store.as_deref() else {
                    return Control::Close;
                };
                match self.finish(store) {
                    Ok(()) => Control::Continue,
                    Err(err) => Control::Fail(err),
                }
            }
            (_, Action::Help) => {
                self.help = true;
                Control::Continue
            }
            (_, Action::Undo) => self.undo(ctx),
            (_, Action::PageUp) => {
                self.scroll = self.scroll.saturating_sub(5);
                Control::Continue
            }
            (_, Action::PageDown) => {
                self.scroll = self.scroll.saturating_add(5);
                Control::Continue
            }
            (Phase::Question, Action::Reveal) => {
                self.phase = Phase::Answer;
                Control::Continue
            }
            (Phase::Answer, Action::Rate) => {
                let KeyCode::Char(c) = key.code else {
                    return Control::Continue;
                };
                let value = c.to_digit(10).and_then(|d| u8::try_from(d).ok());
                match value.and_then(Rating::new) {
                    Some(rating) => self.rate(rating, ctx),
                    None => Control::Continue,
                }
            }
            (Phase::Answer, Action::Confirm) => match self.proposed() {
                Some(rating) => self.rate(rating, ctx),
                None => {
                    self.message = Some(if self.is_list() {
                        "Tick what you recalled (x), then Enter; or press 1 to 5.".into()
                    } else {
                        "Press 1 to 5: how well did you know this?".into()
                    });
                    Control::Continue
                }
            },
            (Phase::Answer, Action::Up) => {
                self.cursor = self.cursor.saturating_sub(1);
                Control::Continue
            }
            (Phase::Answer, Action::Down) => {
                if self.cursor + 1 < self.ticks.len() {
                    self.cursor += 1;
                }
                Control::Continue
            }
            (Phase::Answer, Action::Tick) => {
                if self.is_list() {
                    self.toggle(self.cursor);
                }
                Control::Continue
            }
            (Phase::Answer, Action::TickNumber) => {
                if self.is_list() {
                    self.tick_number = Some(String::new());
                    self.message = Some(format!("Tick which item? (1 to {})", self.ticks.len()));
                }
                Control::Continue
            }
            _ => Control::Continue,
        }
    }

    fn draw(&mut self, frame: &mut Frame<'_>, theme: Theme) {
        let area = frame.area();
        if self.phase == Phase::Over {
            self.draw_summary(frame, theme);
            return;
        }
        let Some(current) = &self.current else {
            return;
        };
        // Short terminals get a header and a rating prompt without frames.
        let compact = area.height < 22;
        let rating_height = match (self.phase, compact) {
            (Phase::Answer, false) => 4,
            (Phase::Answer, true) => 2,
            _ => 0,
        };
        let [header, body, rating, status, footer] = Layout::vertical([
            Constraint::Length(if compact { 2 } else { 4 }),
            Constraint::Min(3),
            Constraint::Length(rating_height),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);

        // Header: deck, place in the session, what is left, progress.
        let left = current.remaining;
        let place = format!(" {} / {} ", current.position, current.total);
        let room = usize::from(header.width).saturating_sub(place.chars().count() + 6);
        let title = format!(" {} ", super::truncate(&current.card.deck_title, room));
        let kind = match current.kind {
            SlotKind::New => "new card",
            SlotKind::Due => "due card",
            SlotKind::FinalPass => "final pass before the exam",
            SlotKind::Relearning => "again, to relearn",
        };
        let inner_width = usize::from(header.width.saturating_sub(if compact { 0 } else { 2 }));
        let mut header_lines = vec![
            Line::from(vec![
                Span::raw(format!(
                    "new {} · relearning {} · due {}",
                    left.new, left.relearning, left.due
                )),
                Span::styled(format!("   ({kind})"), theme.dim()),
            ]),
            Line::styled(
                text_gauge(
                    current.position - 1,
                    current.total,
                    inner_width.saturating_sub(7),
                ),
                theme.gauge(),
            ),
        ];
        if compact {
            let room = inner_width.saturating_sub(place.chars().count());
            header_lines.insert(
                0,
                Line::from(vec![
                    Span::styled(format!("{:<room$}", title.trim()), theme.title()),
                    Span::raw(place.trim().to_string()),
                ]),
            );
            // Counts and gauge share the second line.
            let counts = header_lines.remove(1);
            let gauge_width = inner_width.saturating_sub(counts.width() + 9);
            header_lines[1] = Line::from(
                counts
                    .spans
                    .into_iter()
                    .chain([Span::styled(
                        format!(
                            "  {}",
                            text_gauge(current.position - 1, current.total, gauge_width)
                        ),
                        theme.gauge(),
                    )])
                    .collect::<Vec<_>>(),
            );
            frame.render_widget(Paragraph::new(header_lines), header);
        } else {
            frame.render_widget(
                Paragraph::new(header_lines).block(
                    Block::bordered()
                        .title(Line::styled(title, theme.title()))
                        .title(Line::from(place).right_aligned()),
                ),
                header,
            );
        }

        // Body: the question, then the answer.
        let width = usize::from(body.width.saturating_sub(4)).max(1);
        let mut lines: Vec<Line> = Vec::new();
        let mut cursor_line = 0;
        lines.push(Line::styled("Question", theme.dim()));
        for l in wrap::wrap(&current.card.question, width) {
            lines.push(Line::from(l));
        }
        // Graded kinds show what is asked: the choices, the two columns.
        for l in asked_lines(&current.card.kind, &self.order) {
            for wrapped in wrap::wrap(&l, width) {
                lines.push(Line::styled(wrapped, theme.key()));
            }
        }
        lines.push(Line::raw(""));
        if self.phase == Phase::Question && current.card.kind != CardKind::Basic {
            let prompt = match &current.card.kind {
                CardKind::TrueFalse { .. } => "Press v (vrai) or f (faux)".to_string(),
                CardKind::Choice { .. } => {
                    "Your choice (letters, e.g. b or a c), then Enter:".to_string()
                }
                CardKind::Cloze { blanks } => format!(
                    "Blank {} of {}: type it, then Enter:",
                    (self.blanks.len() + 1).min(blanks.len()),
                    blanks.len()
                ),
                CardKind::Match { .. } => "Your pairs (e.g. 1b 2a), then Enter:".to_string(),
                CardKind::Basic => String::new(),
            };
            lines.push(Line::styled(prompt, theme.dim()));
            if !matches!(current.card.kind, CardKind::TrueFalse { .. }) {
                lines.push(Line::from(vec![
                    Span::raw("> "),
                    Span::styled(self.typed.clone(), theme.title()),
                    Span::raw("▏"),
                ]));
            }
            for (i, done) in self.blanks.iter().enumerate() {
                lines.push(Line::raw(blank_line(i, done)));
            }
        }
        let mut verdict_line = None;
        if self.phase == Phase::Answer
            && let Some(verdict) = self.verdict
        {
            let (text, style) = match verdict {
                Verdict::Right => ("Right.", theme.good()),
                Verdict::PartlyRight => ("Partly right.", theme.warn()),
                Verdict::Wrong => ("Wrong.", theme.warn()),
            };
            verdict_line = Some(lines.len());
            if !self.given.is_empty() {
                lines.push(Line::raw(format!(
                    "Your answer: {}",
                    self.given.join(" / ")
                )));
            }
            lines.push(Line::styled(text, style));
            for (i, done) in self.blanks.iter().enumerate() {
                lines.push(Line::raw(blank_line(i, done)));
            }
        }
        if self.phase == Phase::Answer {
            let points = current
                .card
                .points
                .map(|p| format!(" · {p} point{}", if p == 1 { "" } else { "s" }))
                .unwrap_or_default();
            let asked = match current.card.ask {
                Some(ask) => format!(
                    " · the question asks for {ask} of the {}",
                    current.card.answer.items().len()
                ),
                None => String::new(),
            };
            lines.push(Line::styled(format!("Answer{points}{asked}"), theme.dim()));
            match &current.card.answer {
                Answer::Text(text) if !self.is_list() => {
                    for l in wrap::wrap(text, width) {
                        lines.push(Line::from(l));
                    }
                }
                answer if !self.is_list() => {
                    for item in answer.items() {
                        for (j, l) in wrap::wrap(item, width.saturating_sub(2).max(1))
                            .into_iter()
                            .enumerate()
                        {
                            lines.push(Line::from(format!(
                                "{}{l}",
                                if j == 0 { "• " } else { "  " }
                            )));
                        }
                    }
                }
                answer => {
                    let items = answer.items();
                    let number_width = items.len().to_string().len();
                    for (i, item) in items.iter().enumerate() {
                        let here = i == self.cursor;
                        if here {
                            cursor_line = lines.len();
                        }
                        let mark = if self.ticks.get(i).copied().unwrap_or(false) {
                            "[x]"
                        } else {
                            "[ ]"
                        };
                        let prefix = format!(
                            "{} {mark} {:>number_width$}. ",
                            if here { "▶" } else { " " },
                            i + 1
                        );
                        let indent = " ".repeat(prefix.chars().count());
                        let wrapped =
                            wrap::wrap(item, width.saturating_sub(prefix.chars().count()).max(1));
                        for (j, l) in wrapped.into_iter().enumerate() {
                            let lead = if j == 0 {
                                prefix.clone()
                            } else {
                                indent.clone()
                            };
                            let style = if here {
                                theme.selected()
                            } else {
                                ratatui::style::Style::default()
                            };
                            lines.push(Line::from(vec![
                                Span::styled(lead, style),
                                Span::styled(l, style),
                            ]));
                        }
                    }
                }
            }
        }
        let visible = body.height.saturating_sub(2);
        let total = u16::try_from(lines.len()).unwrap_or(u16::MAX);
        let max_scroll = total.saturating_sub(visible);
        let cursor_line = u16::try_from(cursor_line).unwrap_or(0);
        if self.phase == Phase::Answer && self.is_list() {
            // Keep the item under the cursor in view.
            if cursor_line < self.scroll {
                self.scroll = cursor_line;
            } else if cursor_line >= self.scroll + visible {
                self.scroll = cursor_line + 1 - visible;
            }
        }
        if self.show_verdict {
            // Once graded, the verdict and the answer come into view.
            if let Some(line) = verdict_line.and_then(|l| u16::try_from(l).ok())
                && line + 4 > self.scroll + visible
            {
                self.scroll = (line + 4).saturating_sub(visible);
            }
            self.show_verdict = false;
        }
        self.scroll = self.scroll.min(max_scroll);
        let more = if self.scroll < max_scroll {
            " ↓ more (PgDn) "
        } else {
            ""
        };
        frame.render_widget(
            Paragraph::new(lines).scroll((self.scroll, 0)).block(
                Block::bordered()
                    .padding(Padding::horizontal(1))
                    .title_bottom(Line::from(more).right_aligned()),
            ),
            body,
        );

        if self.phase == Phase::Answer {
            let proposed = self.proposed();
            let mut options = vec![Span::raw(" ")];
            for r in Rating::ALL {
                let label = if r.label().is_empty() {
                    r.to_string()
                } else {
                    format!("{r} {}", r.label())
                };
                if Some(r) == proposed {
                    options.push(Span::styled(format!("[{label}]"), theme.selected()));
                } else {
                    options.push(Span::styled(format!(" {label} "), theme.key()));
                }
                options.push(Span::raw("  "));
            }
            let hint = match proposed {
                Some(r) if self.verdict.is_some() => {
                    format!(" Proposed from your answer: {r} (Enter confirms, or press 1-5)")
                }
                Some(r) => {
                    format!(" Proposed from the items ticked: {r} (Enter confirms, or press 1-5)")
                }
                None if self.is_list() => {
                    " Tick what you recalled (x, or t and a number), then rate".to_string()
                }
                None => " Press 1 to 5".to_string(),
            };
            if compact {
                let prompt = Paragraph::new(vec![
                    Line::from(vec![
                        Span::styled("How well did you know this?", theme.title()),
                        Span::styled(hint, theme.dim()),
                    ]),
                    Line::from(options),
                ]);
                frame.render_widget(prompt, rating);
            } else {
                frame.render_widget(
                    Paragraph::new(vec![Line::from(options), Line::styled(hint, theme.dim())])
                        .block(Block::bordered().title(" How well did you know this? ")),
                    rating,
                );
            }
        }
        let message = self.message.clone().unwrap_or_default();
        frame.render_widget(Paragraph::new(Line::styled(message, theme.good())), status);
        frame.render_widget(
            Paragraph::new(footer_line(self.table(), theme, footer.width)),
            footer,
        );
        if self.help {
            draw_help(frame, self.table(), theme);
        }
    }

    fn farewell(&self) -> Option<String> {
        let (summary, _) = self.summary.as_ref()?;
        let mut text = Vec::new();
        write_summary(&mut text, summary).ok()?;
        String::from_utf8(text).ok().map(|s| s.trim().to_string())
    }
}

impl ReviewScreen {
    fn draw_summary(&self, frame: &mut Frame<'_>, theme: Theme) {
        let area = frame.area();
        let [body, footer] =
            Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(area);
        let mut lines = Vec::new();
        if let Some((summary, spent)) = &self.summary {
            lines.push(Line::styled(
                "Session over: everything is saved.",
                theme.title(),
            ));
            lines.push(Line::raw(""));
            lines.push(Line::raw(format!(
                "Cards reviewed: {}   Ratings: {}   Time: {}",
                summary.cards_reviewed,
                summary.total_ratings(),
                format_duration(*spent)
            )));
            lines.push(Line::raw(""));
            let most = summary.ratings.iter().copied().max().unwrap_or(0).max(1);
            let bar_width = usize::from(body.width.saturating_sub(24)).max(1);
            for (i, n) in summary.ratings.iter().enumerate() {
                let label = Rating::new(u8::try_from(i + 1).unwrap_or(1))
                    .map(|r| {
                        if r.label().is_empty() {
                            r.to_string()
                        } else {
                            format!("{r} {}", r.label())
                        }
                    })
                    .unwrap_or_default();
                lines.push(Line::from(vec![
                    Span::raw(format!("{label:<12} {n:>4} ")),
                    Span::styled("█".repeat(n * bar_width / most), theme.gauge()),
                ]));
            }
            lines.push(Line::raw(""));
            if summary.upcoming.is_empty() {
                lines.push(Line::raw("Nothing else is scheduled yet."));
            } else {
                lines.push(Line::raw("Next due:"));
                for (day, n) in &summary.upcoming {
                    lines.push(Line::raw(format!(
                        "  {}  {n} card{}",
                        day.format("%Y-%m-%d"),
                        if *n == 1 { "" } else { "s" }
                    )));
                }
            }
        }
        frame.render_widget(
            Paragraph::new(lines)
                .block(Block::bordered().title(Line::styled(" fiches ", theme.title()))),
            body,
        );
        frame.render_widget(
            Paragraph::new(footer_line(keys::SUMMARY, theme, footer.width)),
            footer,
        );
    }
}

fn format_duration(d: Duration) -> String {
    let secs = d.as_secs();
    if secs >= 60 {
        format!("{} min {:02} s", secs / 60, secs % 60)
    } else {
        format!("{secs} s")
    }
}

/// What a graded card asks beyond its question, as lines; `order` is the
/// order choices (or the right column) are shown in.
fn asked_lines(kind: &CardKind, order: &[usize]) -> Vec<String> {
    let letter = grade::letter;
    match kind {
        CardKind::Basic | CardKind::Cloze { .. } | CardKind::TrueFalse { .. } => Vec::new(),
        CardKind::Choice { choices, .. } => order
            .iter()
            .enumerate()
            .filter_map(|(shown, i)| choices.get(*i).map(|c| format!("  {}) {c}", letter(shown))))
            .collect(),
        CardKind::Match { pairs } => {
            let mut lines: Vec<String> = pairs
                .iter()
                .enumerate()
                .map(|(i, (left, _))| format!("  {}. {left}", i + 1))
                .collect();
            lines.extend(order.iter().enumerate().filter_map(|(shown, i)| {
                pairs
                    .get(*i)
                    .map(|p| format!("  {}) {}", letter(shown), p.1))
            }));
            lines
        }
    }
}

fn blank_line(i: usize, done: &Blank) -> String {
    match done {
        Blank::Right => format!("  blank {}: right", i + 1),
        Blank::NearMiss { expected } => {
            format!("  blank {}: almost, {expected} (counted right)", i + 1)
        }
        Blank::Wrong { expected } => format!("  blank {}: expected {expected}", i + 1),
    }
}
