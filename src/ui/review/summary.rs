//! The end of a review: what was done, the ratings given, what comes next.

use std::time::Duration;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::ReviewScreen;
use crate::review::{Summary, write_summary};
use crate::sched::Rating;
use crate::ui::theme::Theme;
use crate::ui::{footer_line, wrap};

impl ReviewScreen {
    pub(super) fn draw_summary(&self, frame: &mut Frame<'_>, theme: Theme) {
        let area = frame.area();
        let [body, footer] =
            Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(area);
        // Below 24 rows the ratings take one line and blank lines go.
        let compact = area.height < 24;
        let width = usize::from(body.width.saturating_sub(2)).max(1);
        let mut lines = Vec::new();
        let gap = |lines: &mut Vec<Line<'static>>| {
            if !compact {
                lines.push(Line::raw(""));
            }
        };
        if let Some((summary, spent)) = &self.summary {
            match &summary.store_lost {
                None => lines.push(Line::styled(
                    "Session over: everything is saved.",
                    theme.title(),
                )),
                Some(lost) => {
                    lines.push(Line::styled("Session over, NOT saved:", theme.title()));
                    for l in crate::ui::wrap::wrap(lost, width) {
                        lines.push(Line::styled(l, theme.warn()));
                    }
                }
            }
            // A notice (a deck left out) or what a key did ("Nothing to undo.").
            for said in self.status_lines(body.width.saturating_sub(2)) {
                if !said.is_empty() {
                    lines.push(Line::styled(said, theme.warn()));
                }
            }
            gap(&mut lines);
            lines.push(Line::raw(format!(
                "Cards reviewed: {}   Ratings: {}   Time: {}",
                summary.cards_reviewed,
                summary.total_ratings(),
                format_duration(*spent)
            )));
            gap(&mut lines);
            if compact {
                lines.push(Line::raw(format!(
                    "Ratings given: {}",
                    summary.ratings_text("  ")
                )));
            } else {
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
            }
            gap(&mut lines);
            // Today first, then what the keys below offer, then later days.
            let today = summary.today_text();
            if let Some(covered) = summary.covered_text() {
                for wrapped in wrap::wrap(&covered, width) {
                    lines.push(Line::raw(wrapped));
                }
            }
            lines.push(Line::styled(today, theme.title()));
            for text in day_done_lines(summary) {
                for wrapped in wrap::wrap(&text, width) {
                    lines.push(Line::raw(wrapped));
                }
            }
            gap(&mut lines);
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
            Paragraph::new(footer_line(self.table(), theme, footer.width)),
            footer,
        );
    }
}

/// With nothing left today, what the keys can still give: more new cards,
/// a cram.
fn day_done_lines(summary: &Summary) -> Vec<String> {
    let mut lines = Vec::new();
    if !summary.day_done() {
        return lines;
    }
    if summary.more_new > 0 {
        lines.push(format!(
            "New cards: {} not seen yet; n adds {} more today.",
            summary.unseen, summary.more_new
        ));
    } else if summary.unseen > 0 {
        lines.push(format!("New cards: {} not seen yet.", summary.unseen));
    } else {
        lines.push("New cards: every card has been seen.".to_string());
    }
    if summary.cards > 0 {
        lines.push("c crams every card now (the schedule stays as it is).".to_string());
    }
    lines
}

fn format_duration(d: Duration) -> String {
    let secs = d.as_secs();
    if secs >= 60 {
        format!("{} min {:02} s", secs / 60, secs % 60)
    } else {
        format!("{secs} s")
    }
}

/// The summary left in the terminal once the screen is gone: the same
/// words the plain front end ends with.
pub(super) fn farewell(summary: &Summary) -> String {
    let mut text = Vec::new();
    let _ = write_summary(&mut text, summary);
    String::from_utf8_lossy(&text).trim().to_string()
}
