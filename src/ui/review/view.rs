//! Drawing a card of the review screen: the header, the question, what a
//! graded card asks, the answer with its ticks, the rating prompt.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph};

use super::{Phase, ReviewScreen};
use crate::deck::Answer;
use crate::review::answer::{self, Answering, Asks};
use crate::review::grade::{Blank, Verdict};
use crate::review::{Current, SlotKind};
use crate::sched::Rating;
use crate::ui::theme::Theme;
use crate::ui::{draw_help, footer_line, text_gauge, wrap};

/// A card's lines, and where the cursor's item and the verdict are.
struct Body {
    lines: Vec<Line<'static>>,
    cursor_line: usize,
    verdict_line: Option<usize>,
}

impl ReviewScreen {
    /// The header, the card, the rating prompt, the status line and the footer.
    fn areas(&self, area: Rect) -> [Rect; 5] {
        // Short terminals get a header and a rating prompt without frames.
        let compact = area.height < 22;
        let rating_height = match (self.phase, compact) {
            (Phase::Answer, false) => 4,
            (Phase::Answer, true) => 2,
            _ => 0,
        };
        let status_height = u16::try_from(self.status_lines(area.width).len()).unwrap_or(1);
        Layout::vertical([
            Constraint::Length(if compact { 2 } else { 4 }),
            Constraint::Min(3),
            Constraint::Length(rating_height),
            Constraint::Length(status_height),
            Constraint::Length(1),
        ])
        .areas(area)
    }

    /// The status line's message, wrapped: up to three lines, so that a
    /// notice (a deck left out, a rating not saved) reads whole.
    pub(super) fn status_lines(&self, width: u16) -> Vec<String> {
        let message = self.message.as_deref().unwrap_or_default();
        let mut lines = wrap::wrap(message, usize::from(width).max(1));
        lines.truncate(3);
        if lines.is_empty() {
            lines.push(String::new());
        }
        lines
    }

    /// The card's lines at `width`: the question, what a graded card asks,
    /// the answer; with the lines of the cursor's item and of the verdict.
    fn body(&self, current: &Current, width: usize, theme: Theme) -> Body {
        let mut lines: Vec<Line> = Vec::new();
        let mut cursor_line = 0;
        lines.push(Line::styled("Question", theme.dim()));
        for l in wrap::wrap(&current.card.question, width) {
            lines.push(Line::from(l));
        }
        // Graded kinds show what is asked: the choices, the two columns.
        let answering = self.answering.as_ref();
        for l in answering.map(Answering::asked_lines).unwrap_or_default() {
            for wrapped in wrap::wrap(&l, width) {
                lines.push(Line::styled(wrapped, theme.key()));
            }
        }
        lines.push(Line::raw(""));
        if self.phase == Phase::Question
            && let Some(answering) = answering
        {
            let prompt = match answering.asks() {
                Asks::TrueOrFalse => "Press v (vrai) or f (faux)".to_string(),
                Asks::Letters => "Your choice (letters, e.g. b or a c), then Enter:".to_string(),
                Asks::Blank { asked, of } => format!("Blank {asked} of {of}: type it, then Enter:"),
                Asks::Pairs => "Your pairs (e.g. 1b 2a), then Enter:".to_string(),
                Asks::Nothing => String::new(),
            };
            lines.push(Line::styled(prompt, theme.dim()));
            if answering.typed() {
                lines.push(Line::from(vec![
                    Span::raw("> "),
                    Span::styled(self.typed.clone(), theme.title()),
                    Span::raw("▏"),
                ]));
            }
            for (i, done) in answering.blanks().iter().enumerate() {
                lines.push(Line::raw(blank_line(i, done)));
            }
        }
        let mut verdict_line = None;
        if self.phase == Phase::Answer
            && let Some(answering) = answering
            && let Some(verdict) = answering.verdict()
        {
            let style = match verdict {
                Verdict::Right => theme.good(),
                Verdict::PartlyRight | Verdict::Wrong => theme.warn(),
            };
            verdict_line = Some(lines.len());
            if !answering.given().is_empty() {
                lines.push(Line::raw(format!(
                    "Your answer: {}",
                    answering.given().join(" / ")
                )));
            }
            lines.push(Line::styled(answer::verdict_text(verdict), style));
            for (i, done) in answering.blanks().iter().enumerate() {
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
        Body {
            lines,
            cursor_line,
            verdict_line,
        }
    }

    /// Scrolls the card for a frame of `area`: the item under the cursor in
    /// view, the verdict once graded, never past the end.
    pub(super) fn fit_card(&mut self, area: Rect) {
        let Some(current) = &self.current else {
            return;
        };
        if self.phase == Phase::Over {
            return;
        }
        let [_, body, ..] = self.areas(area);
        let width = usize::from(body.width.saturating_sub(4)).max(1);
        let Body {
            lines,
            cursor_line,
            verdict_line,
        } = self.body(current, width, Theme { color: false });
        let visible = body.height.saturating_sub(2);
        let max_scroll = max_scroll(&lines, visible);
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
    }

    /// A card, its answer and the rating prompt.
    pub(super) fn draw_card(&self, frame: &mut Frame<'_>, theme: Theme) {
        let area = frame.area();
        let Some(current) = &self.current else {
            return;
        };
        let compact = area.height < 22;
        let [header, body, rating, status, footer] = self.areas(area);

        // Header: deck, place in the session, what is left, progress.
        let left = current.remaining;
        let place = format!(" {} / {} ", current.position, current.total);
        let room = usize::from(header.width).saturating_sub(place.chars().count() + 6);
        let title = format!(" {} ", crate::ui::truncate(&current.card.deck_title, room));
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

        // Body: the question, then the answer, scrolled as `fit_card` said.
        let width = usize::from(body.width.saturating_sub(4)).max(1);
        let lines = self.body(current, width, theme).lines;
        let visible = body.height.saturating_sub(2);
        let more = if self.scroll < max_scroll(&lines, visible) {
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
                Some(r) if self.verdict().is_some() => {
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
        let message: Vec<Line> = self
            .status_lines(status.width)
            .into_iter()
            .map(|l| Line::styled(l, theme.good()))
            .collect();
        frame.render_widget(Paragraph::new(message), status);
        frame.render_widget(
            Paragraph::new(footer_line(self.table(), theme, footer.width)),
            footer,
        );
        if self.help {
            draw_help(frame, self.table(), theme);
        }
    }
}

fn max_scroll(lines: &[Line<'_>], visible: u16) -> u16 {
    u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_sub(visible)
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
