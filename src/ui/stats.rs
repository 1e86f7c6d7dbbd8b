//! The stats screen: the figures of `stats --json`, cards due over the next
//! 30 days and the ratings of the last 30, as bar charts.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::Line;
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Paragraph};

use super::keys::{self, Action};
use super::theme::Theme;
use super::{Control, Ctx, Screen, draw_help, footer_line};
use crate::deck::DeckId;
use crate::store::{DeckStats, Store, StoreError};
use chrono::NaiveDate;

/// One deck's figures and charts.
pub struct StatsPage {
    pub stats: DeckStats,
    pub due_30_days: Vec<usize>,
    pub ratings_30_days: [usize; 5],
}

pub struct StatsScreen {
    today: NaiveDate,
    pages: Vec<StatsPage>,
    selected: usize,
    help: bool,
}

impl StatsScreen {
    pub fn load(
        store: &Store,
        decks: &[DeckId],
        today: NaiveDate,
    ) -> Result<StatsScreen, StoreError> {
        let mut pages = Vec::with_capacity(decks.len());
        for deck in decks {
            let one = std::slice::from_ref(deck);
            pages.push(StatsPage {
                stats: store.deck_stats(deck, today)?,
                due_30_days: store.due_per_day(one, today, 30)?,
                ratings_30_days: store.ratings_since(one, today, 30)?,
            });
        }
        Ok(StatsScreen {
            today,
            pages,
            selected: 0,
            help: false,
        })
    }
}

impl Screen for StatsScreen {
    fn handle(&mut self, key: KeyEvent, _ctx: &mut Ctx<'_>) -> Control {
        if self.help {
            self.help = false;
            return Control::Continue;
        }
        match keys::lookup(keys::STATS, &key) {
            Some(Action::Quit) => return Control::Close,
            Some(Action::Help) => self.help = true,
            Some(Action::Up) => self.selected = self.selected.saturating_sub(1),
            Some(Action::Down) => {
                self.selected = (self.selected + 1).min(self.pages.len().saturating_sub(1));
            }
            _ => {}
        }
        Control::Continue
    }

    fn draw(&mut self, frame: &mut Frame<'_>, theme: Theme) {
        let [figures, due, ratings, footer] = Layout::vertical([
            Constraint::Length(7),
            Constraint::Min(6),
            Constraint::Length(8),
            Constraint::Length(1),
        ])
        .areas(frame.area());
        frame.render_widget(Paragraph::new(footer_line(keys::STATS, theme)), footer);
        let Some(page) = self.pages.get(self.selected) else {
            frame.render_widget(
                Paragraph::new("No decks.").block(Block::bordered()),
                figures,
            );
            return;
        };
        let s = &page.stats;
        let retention = match s.retention_30_days {
            Some(share) => format!(
                "{:.0} % of {} review ratings were 3 or more",
                share * 100.0,
                s.review_ratings_30_days
            ),
            None => "no review ratings yet".into(),
        };
        let week: Vec<String> = s.due_next_7_days.iter().map(usize::to_string).collect();
        let lines = vec![
            Line::raw(format!(
                "cards {}: new {}, learning {}, review {}; retired {}",
                s.cards, s.new, s.learning, s.review, s.retired
            )),
            Line::raw(format!(
                "due today {}; next 7 days: {}",
                s.due_today,
                week.join(" ")
            )),
            Line::raw(format!("reviews today {}", s.reviews_today)),
            Line::raw(format!("last 30 days: {retention}")),
            Line::styled(
                format!(
                    "study day {} · deck {} of {}",
                    self.today.format("%Y-%m-%d"),
                    self.selected + 1,
                    self.pages.len()
                ),
                theme.dim(),
            ),
        ];
        frame.render_widget(
            Paragraph::new(lines).block(Block::bordered().title(Line::styled(
                format!(" Stats · {} ", s.title),
                theme.title(),
            ))),
            figures,
        );

        // Each bar carries its number as text, so the chart reads without colour.
        let bar_width = (due.width.saturating_sub(2) / 30).clamp(1, 3);
        let due_bars: Vec<Bar> = page
            .due_30_days
            .iter()
            .enumerate()
            .map(|(i, n)| {
                Bar::default()
                    .value(u64::try_from(*n).unwrap_or(u64::MAX))
                    .label(Line::from(if i % 5 == 0 {
                        format!("+{}", i + 1)
                    } else {
                        String::new()
                    }))
                    .style(theme.gauge())
            })
            .collect();
        frame.render_widget(
            BarChart::default()
                .block(Block::bordered().title(" Cards due, next 30 days (+1 is tomorrow) "))
                .data(BarGroup::default().bars(&due_bars))
                .bar_width(bar_width)
                .bar_gap(if bar_width > 1 { 1 } else { 0 }),
            due,
        );
        let rating_bars: Vec<Bar> = page
            .ratings_30_days
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let label = match i {
                    0 => "1 Not at all".to_string(),
                    4 => "5 Perfectly".to_string(),
                    _ => (i + 1).to_string(),
                };
                Bar::default()
                    .value(u64::try_from(*n).unwrap_or(u64::MAX))
                    .label(Line::from(label))
                    .style(theme.key())
            })
            .collect();
        frame.render_widget(
            BarChart::default()
                .block(Block::bordered().title(" Ratings, last 30 days "))
                .data(BarGroup::default().bars(&rating_bars))
                .bar_width(12)
                .bar_gap(2),
            ratings,
        );
        if self.help {
            draw_help(frame, keys::STATS, theme);
        }
    }
}
