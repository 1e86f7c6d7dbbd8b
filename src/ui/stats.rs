//! The stats screen: the figures of `stats --json`, cards due over the next
//! 30 days and the ratings of the last 30, as bar charts.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::Line;
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Paragraph};

use super::keys::{self, Action};
use super::theme::Theme;
use super::{Intent, Screen, draw_help, footer_line};
use crate::review::standing::{self, Standing};
use chrono::NaiveDate;

/// One deck's figures and charts.
pub struct StatsPage {
    pub stats: Standing,
    pub due_30_days: Vec<usize>,
    pub ratings_30_days: [usize; 5],
    /// The model's readiness by tag, and how far to trust it.
    pub forecast: Forecast,
}

/// The deck's predicted recall by tag on its exam day (or today).
pub struct Forecast {
    pub on: NaiveDate,
    /// The deck's mean predicted recall that day, unseen cards counting 0.
    pub all: f64,
    /// Weakest first.
    pub by_tag: Vec<crate::review::outlook::TagRecall>,
    pub note: String,
    /// How the model's predictions held up for this student.
    pub calibration: crate::memory::readiness::Calibration,
}

pub struct StatsScreen {
    today: NaiveDate,
    pages: Vec<StatsPage>,
    selected: usize,
    help: bool,
    /// The forecast view (readiness by tag, calibration) instead of the figures.
    forecast: bool,
}

impl StatsScreen {
    /// The screen of these pages (see `intents::open_stats`).
    pub fn new(today: NaiveDate, pages: Vec<StatsPage>) -> StatsScreen {
        StatsScreen {
            today,
            pages,
            selected: 0,
            help: false,
            forecast: false,
        }
    }
}

impl StatsScreen {
    /// The page's figures, each wrapped to `width` so nothing is cut.
    fn figures(&self, page: &StatsPage, theme: Theme, width: usize) -> Vec<Line<'static>> {
        let s = &page.stats.deck;
        let plain = ratatui::style::Style::default();
        let exam = match &page.stats.exam {
            Some(exam) => (standing::exam_line(exam), theme.warn()),
            None => (standing::NO_EXAM.to_string(), theme.dim()),
        };
        let scheduler = standing::scheduler_line(&page.stats).map(|line| (line, theme.dim()));
        [
            Some((standing::cards_line(s), plain)),
            Some((standing::due_line(s), plain)),
            scheduler,
            Some((
                standing::ratings_line(s, Some(&page.ratings_30_days)),
                plain,
            )),
            Some((standing::retention_line(s), plain)),
            Some(exam),
        ]
        .into_iter()
        .flatten()
        .flat_map(|(text, style)| {
            super::wrap::wrap(&text, width)
                .into_iter()
                .map(move |l| Line::styled(l, style))
        })
        .collect()
    }
}

impl Screen for StatsScreen {
    fn handle(&mut self, key: KeyEvent) -> Intent {
        if self.help {
            self.help = false;
            return Intent::Stay;
        }
        match keys::lookup(keys::STATS, &key) {
            Some(Action::Quit) => return Intent::Close,
            Some(Action::Help) => self.help = true,
            Some(Action::Forecast) => self.forecast = !self.forecast,
            Some(Action::Up) => self.selected = self.selected.saturating_sub(1),
            Some(Action::Down) => {
                self.selected = (self.selected + 1).min(self.pages.len().saturating_sub(1));
            }
            _ => {}
        }
        Intent::Stay
    }

    fn draw(&self, frame: &mut Frame<'_>, theme: Theme) {
        if self.forecast {
            self.draw_forecast(frame, theme);
            if self.help {
                draw_help(frame, keys::STATS, theme);
            }
            return;
        }
        let area = frame.area();
        let inner_width = usize::from(area.width.saturating_sub(2)).max(1);
        let figures_lines = match self.pages.get(self.selected) {
            Some(page) => self.figures(page, theme, inner_width),
            None => vec![Line::raw("No decks.")],
        };
        // The figures in full; the due chart gets what is left (6 rows at
        // least), and the ratings chart only where it fits beside them.
        let figures_height = u16::try_from(figures_lines.len() + 2).unwrap_or(u16::MAX);
        let left = area.height.saturating_sub(figures_height + 1);
        let ratings_height = if left >= 6 + 8 { 8 } else { 0 };
        // A screen too short for the figures and the due chart keeps the figures.
        let due_height = if left >= 6 { 6 } else { 0 };
        let [figures, due, ratings, footer] = Layout::vertical([
            Constraint::Length(figures_height),
            Constraint::Min(due_height),
            Constraint::Length(ratings_height),
            Constraint::Length(1),
        ])
        .areas(area);
        let tall = ratings_height > 0;
        frame.render_widget(
            Paragraph::new(footer_line(keys::STATS, theme, footer.width)),
            footer,
        );
        let room = usize::from(area.width.saturating_sub(4));
        let title = match self.pages.get(self.selected) {
            Some(page) => format!(
                " Stats · {} ",
                super::truncate(&page.stats.deck.title, room.saturating_sub(10))
            ),
            None => " Stats ".to_string(),
        };
        let place = format!(
            " study day {} · deck {} of {} ",
            self.today.format("%Y-%m-%d"),
            self.selected + 1,
            self.pages.len()
        );
        frame.render_widget(
            Paragraph::new(figures_lines).block(
                Block::bordered()
                    .title(Line::styled(title, theme.title()))
                    .title_bottom(Line::styled(place, theme.dim()).right_aligned()),
            ),
            figures,
        );
        let Some(page) = self.pages.get(self.selected) else {
            return;
        };
        if due.height >= 4 {
            draw_due_chart(frame, due, &page.due_30_days, theme);
        }
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

impl StatsScreen {
    /// The page's forecast: predicted recall in all and by tag, weakest
    /// first, what it is, then predicted against recalled as a chart.
    fn draw_forecast(&self, frame: &mut Frame<'_>, theme: Theme) {
        let area = frame.area();
        let width = usize::from(area.width.saturating_sub(2)).max(1);
        let Some(page) = self.pages.get(self.selected) else {
            frame.render_widget(Paragraph::new("No decks."), area);
            return;
        };
        let forecast = &page.forecast;
        let mut lines: Vec<Line<'static>> = super::wrap::wrap(&forecast.note, width)
            .into_iter()
            .map(|l| Line::styled(l, theme.dim()))
            .collect();
        let head = format!(
            "Predicted recall on {} if you stop now: {:.0}\u{a0}% in all",
            forecast.on.format("%Y-%m-%d"),
            forecast.all * 100.0
        );
        lines.extend(super::wrap::wrap(&head, width).into_iter().map(Line::raw));
        // The calibration chart keeps 5 rows; the tags get the rest.
        let room = usize::from(area.height.saturating_sub(1 + 5 + 2)).saturating_sub(lines.len());
        let longest = forecast
            .by_tag
            .iter()
            .map(|t| unicode_width::UnicodeWidthStr::width(crate::text::one_line(&t.tag).as_ref()))
            .max()
            .unwrap_or(0);
        let name_width = width.saturating_sub(16).min(longest.max(12)).max(4);
        let shown = if forecast.by_tag.len() > room {
            room.saturating_sub(1)
        } else {
            forecast.by_tag.len()
        };
        for tag in forecast.by_tag.iter().take(shown) {
            lines.push(Line::raw(format!(
                "  {:<name_width$} {:>4.0} % {:>5}",
                super::truncate(&tag.tag, name_width),
                tag.recall * 100.0,
                format!("({})", tag.cards)
            )));
        }
        if shown < forecast.by_tag.len() {
            lines.push(Line::styled(
                format!(
                    "  … {} more tags (fiches readiness --by tag)",
                    forecast.by_tag.len() - shown
                ),
                theme.dim(),
            ));
        }
        let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
        let [top, chart, footer] = Layout::vertical([
            Constraint::Length(height),
            Constraint::Min(5),
            Constraint::Length(1),
        ])
        .areas(area);
        let room = usize::from(area.width.saturating_sub(4));
        frame.render_widget(
            Paragraph::new(lines).block(Block::bordered().title(Line::styled(
                format!(
                    " Forecast by tag · {} ",
                    super::truncate(&page.stats.deck.title, room.saturating_sub(20))
                ),
                theme.title(),
            ))),
            top,
        );
        draw_calibration_chart(frame, chart, &forecast.calibration, theme);
        frame.render_widget(
            Paragraph::new(footer_line(keys::STATS, theme, footer.width)),
            footer,
        );
    }
}

/// Predicted against recalled: for each tenth of predicted recall, the
/// share of those reviews recalled, as a bar, over the mean the model
/// predicted for them (a well-calibrated model's bars reach their labels).
fn draw_calibration_chart(
    frame: &mut Frame<'_>,
    area: ratatui::layout::Rect,
    calibration: &crate::memory::readiness::Calibration,
    theme: Theme,
) {
    let block = Block::bordered().title(" Recalled % (bars) vs predicted % (below) ");
    if calibration.bins.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(
                "No review yet to judge the model by (a card's second review, on a later day, is the first).",
                theme.dim(),
            ))
            .wrap(ratatui::widgets::Wrap { trim: true })
            .block(block),
            area,
        );
        return;
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let bars: Vec<Bar> = calibration
        .bins
        .iter()
        .map(|bin| {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let observed = (bin.observed * 100.0).round().clamp(0.0, 100.0) as u64;
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let predicted = (bin.predicted * 100.0).round().clamp(0.0, 100.0) as u64;
            Bar::default()
                .value(observed)
                .text_value(format!("{observed}"))
                .label(Line::from(format!("{predicted}")))
                .style(theme.gauge())
        })
        .collect();
    let count = u16::try_from(bars.len()).unwrap_or(10).max(1);
    let bar_width = (inner.width / count).saturating_sub(1).clamp(3, 8);
    frame.render_widget(
        BarChart::default()
            .data(BarGroup::default().bars(&bars))
            .bar_width(bar_width)
            .bar_gap(1)
            .max(100),
        inner,
    );
}

/// Cards due over the next 30 days, one bar a day, with an axis of days
/// under it (bar labels would be cut to the bar's width).
fn draw_due_chart(frame: &mut Frame<'_>, area: ratatui::layout::Rect, due: &[usize], theme: Theme) {
    let block = Block::bordered().title(" Cards due, next 30 days (+1: tomorrow) ");
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
        Paragraph::new(Line::styled(axis_text.trim_end().to_string(), theme.dim())),
        axis,
    );
}
