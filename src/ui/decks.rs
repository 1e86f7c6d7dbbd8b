//! The deck list `fiches` opens on: each deck's title, cards, new and due
//! today; Enter reviews the highlighted deck, `p` previews it, `s` shows its stats.

use std::path::PathBuf;

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::keys::{self, Action};
use super::theme::Theme;
use super::{Intent, News, Screen, draw_help, footer_line};
use crate::deck::DeckId;

#[derive(Debug, Clone, PartialEq)]
pub struct DeckRow {
    pub id: DeckId,
    pub title: String,
    pub path: Option<PathBuf>,
    pub cards: usize,
    pub new: usize,
    pub due_today: usize,
    /// The deck's exam to come, with the model's forecast for it.
    pub exam: Option<crate::review::outlook::ExamOutlook>,
}

/// The deck list's rows, and what its exam figures are, when a deck has one.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DeckRows {
    pub rows: Vec<DeckRow>,
    pub note: Option<String>,
}

pub struct DeckList {
    decks: Vec<DeckId>,
    /// The minutes a day the exam forecast is made with (FICHES_MINUTES).
    minutes: Option<u32>,
    rows: Vec<DeckRow>,
    note: Option<String>,
    selected: usize,
    help: bool,
    message: Option<String>,
}

impl DeckList {
    /// The list of `decks`, with their figures (see `intents::open_decks`).
    pub fn new(decks: Vec<DeckId>, rows: DeckRows, minutes: Option<u32>) -> DeckList {
        DeckList {
            decks,
            minutes,
            rows: rows.rows,
            note: rows.note,
            selected: 0,
            help: false,
            message: None,
        }
    }

    /// Something to say on the first screen (a deck left out).
    pub fn notice(&mut self, notice: String) {
        self.message = Some(notice);
    }

    pub fn rows(&self) -> &[DeckRow] {
        &self.rows
    }

    /// What the exam column holds and how far to trust it, when a deck has an exam.
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }
}

impl Screen for DeckList {
    fn handle(&mut self, key: KeyEvent) -> Intent {
        if self.help {
            self.help = false;
            return Intent::Stay;
        }
        let Some(action) = keys::lookup(keys::DECKS, &key) else {
            return Intent::Stay;
        };
        self.message = None;
        let Some(row) = self.rows.get(self.selected).cloned() else {
            return if action == Action::Quit {
                Intent::Close
            } else {
                Intent::Stay
            };
        };
        match action {
            Action::Quit => return Intent::Close,
            Action::Help => self.help = true,
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => {
                self.selected = (self.selected + 1).min(self.rows.len().saturating_sub(1));
            }
            Action::Open => {
                return Intent::OpenReview {
                    deck: row.id,
                    minutes: self.minutes,
                };
            }
            Action::Preview => {
                return Intent::OpenPreview {
                    deck: row.id,
                    path: row.path,
                };
            }
            Action::Stats => return Intent::OpenStats(row.id),
            _ => {}
        }
        Intent::Stay
    }

    fn show(&mut self, news: News) {
        match news {
            News::Decks(rows) => {
                self.rows = rows.rows;
                self.note = rows.note;
            }
            News::Message(message) => self.message = Some(message),
            _ => {}
        }
    }

    fn resumed(&mut self) -> Intent {
        Intent::RefreshDecks {
            decks: self.decks.clone(),
            minutes: self.minutes,
        }
    }

    fn draw(&self, frame: &mut Frame<'_>, theme: Theme) {
        // A notice (a deck left out for its errors) reads whole: up to three lines.
        let mut said = super::wrap::wrap(
            self.message.as_deref().unwrap_or_default(),
            usize::from(frame.area().width),
        );
        said.truncate(3);
        let [body, status, footer] = Layout::vertical([
            Constraint::Min(3),
            Constraint::Length(u16::try_from(said.len()).unwrap_or(1).max(1)),
            Constraint::Length(1),
        ])
        .areas(frame.area());
        let width = usize::from(body.width.saturating_sub(4));
        // The exam column only when a deck has an exam: days left, recall.
        let exam_width = if self.rows.iter().any(|r| r.exam.is_some()) {
            self.rows
                .iter()
                .filter_map(|r| r.exam.map(|e| e.cell().chars().count()))
                .max()
                .unwrap_or(0)
                .max(4)
                + 1
        } else {
            0
        };
        let title_width = width.saturating_sub(24 + exam_width).max(10);
        let exam_header = if exam_width > 0 { " exam" } else { "" };
        let mut lines = vec![Line::styled(
            format!(
                "  {:<title_width$} {:>6} {:>6} {:>6}{exam_header:>exam_width$}",
                "deck", "cards", "new", "due"
            ),
            theme.dim(),
        )];
        for (i, row) in self.rows.iter().enumerate() {
            let here = i == self.selected;
            let title = super::truncate(&row.title, title_width);
            let style = if here {
                theme.selected()
            } else {
                ratatui::style::Style::default()
            };
            lines.push(Line::from(vec![
                Span::styled(if here { "▶ " } else { "  " }, style),
                Span::styled(
                    format!(
                        "{title:<title_width$} {:>6} {:>6} {:>6}",
                        row.cards, row.new, row.due_today
                    ),
                    style,
                ),
                Span::styled(
                    match row.exam {
                        Some(exam) if exam_width > 0 => {
                            format!("{:>exam_width$}", exam.cell())
                        }
                        _ => " ".repeat(exam_width),
                    },
                    if here { style } else { theme.warn() },
                ),
            ]));
        }
        if let Some(note) = self.note.as_deref().filter(|_| exam_width > 0) {
            lines.extend(
                super::wrap::wrap(note, width + 2)
                    .into_iter()
                    .map(|l| Line::styled(l, theme.dim())),
            );
        }
        if self.rows.is_empty() {
            lines.push(Line::raw(
                "No decks yet: put deck files in decks/ or run `fiches sync DECK`.",
            ));
        }
        frame.render_widget(
            Paragraph::new(lines)
                .block(Block::bordered().title(Line::styled(" fiches · decks ", theme.title()))),
            body,
        );
        frame.render_widget(
            Paragraph::new(
                said.into_iter()
                    .map(|l| Line::styled(l, theme.warn()))
                    .collect::<Vec<_>>(),
            ),
            status,
        );
        frame.render_widget(
            Paragraph::new(footer_line(keys::DECKS, theme, footer.width)),
            footer,
        );
        if self.help {
            draw_help(frame, keys::DECKS, theme);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The review it opens holds its minutes (FICHES_MINUTES), and back
    /// from it the list reads its figures again with the minutes a day its
    /// exam forecast was made with.
    #[test]
    fn the_list_reviews_and_refreshes_its_forecast_at_its_minutes() {
        use ratatui::crossterm::event::{KeyCode, KeyModifiers};
        let decks = vec![DeckId::new("a")];
        let rows = DeckRows {
            rows: vec![DeckRow {
                id: DeckId::new("a"),
                title: "A".into(),
                path: None,
                cards: 1,
                new: 1,
                due_today: 0,
                exam: None,
            }],
            note: None,
        };
        for minutes in [None, Some(7)] {
            let mut list = DeckList::new(decks.clone(), rows.clone(), minutes);
            assert_eq!(
                list.handle(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
                Intent::OpenReview {
                    deck: DeckId::new("a"),
                    minutes
                }
            );
            assert_eq!(
                list.resumed(),
                Intent::RefreshDecks {
                    decks: decks.clone(),
                    minutes
                }
            );
        }
    }
}
