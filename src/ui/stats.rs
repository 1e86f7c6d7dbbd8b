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
        StatsScreen::load_with_exam(store, decks, today, None)
    }

    /// With `exam`, or the decks' own exam day, each page shows the plan.
    pub fn load_with_exam(
        store: &Store,
        decks: &[DeckId],
        today: NaiveDate,
        exam: Option<NaiveDate>,
    ) -> Result<StatsScreen, StoreError> {
        let mut pages = Vec::with_capacity(decks.len());
        for deck in decks {
            let one = std::slice::from_ref(deck);
            let mut stats = store.deck_stats(deck, today)?;
            if let Some(exam) = exam
                .map_or_else(|| store.exam_day(one), |d| Ok(Some(d)))?
                .filter(|exam| *exam > today)
            {
                stats.exam = Some(store.exam_stats(one, today, exam)?);
            }
            pages.push(StatsPage {
                stats,
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
        // The ratings chart needs room; its figures are in the text anyway.
        let tall = frame.area().height >= 24;
        let [figures, due, ratings, footer] = Layout::vertical([
            Constraint::Length(9),
            Constraint::Min(6),
            Constraint::Length(if tall { 8 } else { 0 }),
            Constraint::Length(1),
        ])
        .areas(frame.area());
        frame.render_widget(
            Paragraph::new(footer_line(keys::STATS, theme, footer.width)),
            footer,
        );
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
        let given: Vec<String> = page
            .ratings_30_days
            .iter()
            .enumerate()
            .map(|(i, n)| format!("{}: {n}", i + 1))
            .collect();
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
            Line::raw(format!("ratings, last 30 days: {}", given.join(", "))),
            match &s.exam {
                Some(exam) => Line::styled(
                    format!(
                        "exam {}: {} day(s) left, {} unseen ({} new a day), {} known",
                        exam.date, exam.days_left, exam.unseen, exam.new_per_day, exam.known
                    ),
                    theme.warn(),
                ),
                None => Line::styled("no exam date (review --exam YYYY-MM-DD)", theme.dim()),
            },
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
        draw_due_chart(frame, due, &page.due_30_days, theme);
        if tall {
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
            let bar_width = (ratings.width.saturating_sub(2) / 5)
                .saturating_sub(2)
                .clamp(1, 12);
            frame.render_widget(
                BarChart::default()
                    .block(Block::bordered().title(" Ratings, last 30 days "))
                    .data(BarGroup::default().bars(&rating_bars))
                    .bar_width(bar_width)
                    .bar_gap(2),
                ratings,
            );
        }
        if self.help {
            draw_help(frame, keys::STATS, theme);
        }
    }
}

/// Cards due over the next 30 days, one bar a day, with an axis of days
/// under it (bar labels would be cut to the bar's width).
fn draw_due_chart(frame: &mut Frame<'_>, area: ratatui::layout::Rect, due: &[usize], theme: Theme) {
    let block = Block::bordered().title(" Cards due, next 30 days ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [chart, axis] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    let days = u16::try_from(due.len()).unwrap_or(30).max(1);
    let (bar_width, gap) = if inner.width >= days * 3 {
        (2, 1)
    } else {
        ((inner.width / days).max(1), 0)
    };
    let bars: Vec<Bar> = due
        .iter()
        .map(|n| {
            Bar::default()
                .value(u64::try_from(*n).unwrap_or(u64::MAX))
                .style(theme.gauge())
        })
        .collect();
    frame.render_widget(
        BarChart::default()
            .data(BarGroup::default().bars(&bars))
            .bar_width(bar_width)
            .bar_gap(gap),
        chart,
    );
    let step = usize::from(bar_width + gap);
    let mut line = vec![' '; usize::from(inner.width)];
    for day in [1usize, 10, 20, 30] {
        let at = (day - 1) * step;
        let label = format!("+{day}");
        if at + label.len() <= line.len() {
            for (i, c) in label.chars().enumerate() {
                line[at + i] = c;
            }
        }
    }
    let axis_text: String = line.into_iter().collect();
    frame.render_widget(
        Paragraph::new(Line::styled(
            format!("{}  (+1 is tomorrow)", axis_text.trim_end()),
            theme.dim(),
        )),
        axis,
    );
}
