//! The deck list `fiches` opens on: each deck's title, cards, new and due
//! today; Enter reviews the highlighted deck, `p` previews it, `s` shows its stats.

use std::path::PathBuf;

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::keys::{self, Action};
use super::preview::PreviewScreen;
use super::review::ReviewScreen;
use super::stats::StatsScreen;
use super::theme::Theme;
use super::{Control, Ctx, Screen, draw_help, footer_line};
use crate::clock;
use crate::deck::{self, DeckId};
use crate::review::{DEFAULT_NEW_PER_DAY, Session};
use crate::store::{Store, StoreError};

#[derive(Debug, Clone, PartialEq)]
pub struct DeckRow {
    pub id: DeckId,
    pub title: String,
    pub path: Option<PathBuf>,
    pub cards: usize,
    pub new: usize,
    pub due_today: usize,
}

pub struct DeckList {
    decks: Vec<DeckId>,
    rows: Vec<DeckRow>,
    selected: usize,
    help: bool,
    message: Option<String>,
}

impl DeckList {
    pub fn new(
        store: &Store,
        decks: Vec<DeckId>,
        now: chrono::DateTime<chrono::FixedOffset>,
    ) -> Result<DeckList, StoreError> {
        let mut list = DeckList {
            decks,
            rows: Vec::new(),
            selected: 0,
            help: false,
            message: None,
        };
        list.refresh(store, clock::study_day(now))?;
        Ok(list)
    }

    pub fn rows(&self) -> &[DeckRow] {
        &self.rows
    }

    fn refresh(&mut self, store: &Store, today: chrono::NaiveDate) -> Result<(), StoreError> {
        self.rows = self
            .decks
            .iter()
            .map(|id| {
                let stats = store.deck_stats(id, today)?;
                Ok(DeckRow {
                    id: id.clone(),
                    title: stats.title,
                    path: store.deck_path(id)?,
                    cards: stats.cards,
                    new: stats.new,
                    due_today: stats.due_today,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(())
    }
}

impl Screen for DeckList {
    fn handle(&mut self, key: KeyEvent, ctx: &mut Ctx<'_>) -> Control {
        if self.help {
            self.help = false;
            return Control::Continue;
        }
        let Some(action) = keys::lookup(keys::DECKS, &key) else {
            return Control::Continue;
        };
        self.message = None;
        let Some(row) = self.rows.get(self.selected).cloned() else {
            return if action == Action::Quit {
                Control::Close
            } else {
                Control::Continue
            };
        };
        match action {
            Action::Quit => Control::Close,
            Action::Help => {
                self.help = true;
                Control::Continue
            }
            Action::Up => {
                self.selected = self.selected.saturating_sub(1);
                Control::Continue
            }
            Action::Down => {
                self.selected = (self.selected + 1).min(self.rows.len().saturating_sub(1));
                Control::Continue
            }
            Action::Open => {
                let Some(store) = ctx.store.as_deref() else {
                    return Control::Fail("the review store is not open".into());
                };
                let now = match (ctx.now)() {
                    Ok(now) => now,
                    Err(err) => return Control::Fail(err.to_string()),
                };
                let opened = Session::start(store, vec![row.id], now, DEFAULT_NEW_PER_DAY)
                    .map_err(|e| e.to_string())
                    .and_then(|session| ReviewScreen::new(session, store));
                match opened {
                    Ok(screen) => Control::Open(Box::new(screen)),
                    Err(err) => Control::Fail(err),
                }
            }
            Action::Preview => {
                let Some(path) = row.path.filter(|p| p.is_file()) else {
                    self.message = Some(format!(
                        "The file of deck `{}` is not where it was synced from.",
                        row.id
                    ));
                    return Control::Continue;
                };
                match deck::read_deck(&path) {
                    Ok(loaded) => Control::Open(Box::new(PreviewScreen::new(loaded))),
                    Err(err) => {
                        self.message = Some(format!("Cannot read {}: {err}", path.display()));
                        Control::Continue
                    }
                }
            }
            Action::Stats => {
                let Some(store) = ctx.store.as_deref() else {
                    return Control::Fail("the review store is not open".into());
                };
                let today = match (ctx.now)() {
                    Ok(now) => clock::study_day(now),
                    Err(err) => return Control::Fail(err.to_string()),
                };
                match StatsScreen::load(store, std::slice::from_ref(&row.id), today) {
                    Ok(screen) => Control::Open(Box::new(screen)),
                    Err(err) => Control::Fail(err.to_string()),
                }
            }
            _ => Control::Continue,
        }
    }

    fn resumed(&mut self, ctx: &mut Ctx<'_>) {
        if let (Some(store), Ok(now)) = (ctx.store.as_deref(), (ctx.now)())
            && let Err(err) = self.refresh(store, clock::study_day(now))
        {
            self.message = Some(err.to_string());
        }
    }

    fn draw(&mut self, frame: &mut Frame<'_>, theme: Theme) {
        let [body, status, footer] = Layout::vertical([
            Constraint::Min(3),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(frame.area());
        let width = usize::from(body.width.saturating_sub(4));
        let title_width = width.saturating_sub(24).max(10);
        let mut lines = vec![Line::styled(
            format!(
                "  {:<title_width$} {:>6} {:>6} {:>6}",
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
            ]));
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
            Paragraph::new(Line::styled(
                self.message.clone().unwrap_or_default(),
                theme.warn(),
            )),
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
