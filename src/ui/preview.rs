//! The instructor's preview: every card of a deck with its answer and
//! metadata, browsable and searchable. It never touches the review store.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::keys::{self, Action};
use super::theme::Theme;
use super::{Intent, Screen, draw_help, footer_line, wrap};
use crate::deck::{Answer, Card, LoadedDeck, Severity};
use crate::text;

pub struct PreviewScreen {
    title: String,
    /// The files shown, and the file of each card.
    paths: Vec<String>,
    origin: Vec<usize>,
    cards: Vec<Card>,
    /// Folded text of each card, built on the first search.
    haystacks: Option<Vec<String>>,
    selected: usize,
    /// The first card drawn.
    top: usize,
    /// Cards that fit on the last frame drawn, for paging.
    page: usize,
    /// Lines of the selected card scrolled past, when it is taller than the view.
    inner_scroll: usize,
    /// Lines of the selected card that did not fit on the last frame.
    overflow: usize,
    /// The search being typed after `/`.
    typing: Option<String>,
    query: Option<String>,
    help: bool,
    message: Option<String>,
}

impl PreviewScreen {
    pub fn new(loaded: LoadedDeck) -> PreviewScreen {
        PreviewScreen::of_decks(vec![loaded])
    }

    /// Several decks (a directory) browsed as one list, each card with its file.
    pub fn of_decks(decks: Vec<LoadedDeck>) -> PreviewScreen {
        let errors: usize = decks
            .iter()
            .flat_map(|d| &d.diagnostics)
            .filter(|d| d.severity == Severity::Error)
            .count();
        let message = (errors > 0).then(|| {
            let what = if decks.len() == 1 { "This deck has" } else { "These decks have" };
            format!("{what} {errors} error(s): cards with errors are not shown; `fiches check` lists them.")
        });
        let mut title = String::new();
        let mut paths = Vec::with_capacity(decks.len());
        let mut origin = Vec::new();
        let mut cards = Vec::new();
        let count = decks.len();
        for (i, loaded) in decks.into_iter().enumerate() {
            paths.push(loaded.path.display().to_string());
            if let Some(deck) = loaded.deck {
                if count == 1 {
                    title = deck.title;
                }
                origin.extend(std::iter::repeat_n(i, deck.cards.len()));
                cards.extend(deck.cards);
            }
        }
        if count > 1 {
            title = format!("{count} decks");
        }
        PreviewScreen {
            title,
            paths,
            origin,
            cards,
            haystacks: None,
            selected: 0,
            top: 0,
            page: 1,
            inner_scroll: 0,
            overflow: 0,
            typing: None,
            query: None,
            help: false,
            message,
        }
    }

    pub fn selected(&self) -> usize {
        self.selected
    }

    /// The file of the selected card.
    fn shown_path(&self) -> &str {
        let deck = self.origin.get(self.selected).copied().unwrap_or(0);
        self.paths.get(deck).map_or("", String::as_str)
    }

    fn haystacks(&mut self) -> &[String] {
        self.haystacks.get_or_insert_with(|| {
            self.cards
                .iter()
                .map(|card| {
                    let mut all = text::fold(&card.question);
                    for item in card.answer.items() {
                        all.push('\n');
                        all.push_str(&text::fold(item));
                    }
                    all
                })
                .collect()
        })
    }

    /// Moves to the next (or previous) card matching the query, wrapping around.
    fn find(&mut self, forward: bool, include_current: bool) {
        let Some(query) = self.query.clone() else {
            self.message = Some("No search yet: press / to search.".into());
            return;
        };
        let needle = text::fold(&query);
        let count = self.cards.len();
        if count == 0 {
            return;
        }
        let start = self.selected;
        let found = {
            let haystacks = self.haystacks();
            (0..count)
                .map(|step| {
                    let offset = if include_current { step } else { step + 1 };
                    if forward {
                        (start + offset) % count
                    } else {
                        (start + count * 2 - offset) % count
                    }
                })
                .find(|&i| haystacks[i].contains(&needle))
        };
        match found {
            Some(i) => {
                self.selected = i;
                self.message = Some(format!("«{query}»: card {} of {count}", i + 1));
            }
            None => self.message = Some(format!("No card matches «{query}».")),
        }
    }

    fn card_lines(&self, index: usize, width: usize, theme: Theme) -> Vec<Line<'static>> {
        let card = &self.cards[index];
        let here = index == self.selected;
        let marker = format!(
            "{} {}/{}",
            if here { "▶" } else { " " },
            index + 1,
            self.cards.len()
        );
        let mut about = vec![format!("line {}", card.pos.line)];
        if self.paths.len() > 1
            && let Some(path) = self.origin.get(index).and_then(|&i| self.paths.get(i))
        {
            let name = std::path::Path::new(path)
                .file_name()
                .map_or_else(|| path.clone(), |n| n.to_string_lossy().into_owned());
            about[0].push_str(&format!(" of {name}"));
        }
        if let Some(id) = &card.id {
            about.push(format!("id {id}"));
        }
        if let Some(points) = card.points {
            about.push(format!(
                "{points} point{}",
                if points == 1 { "" } else { "s" }
            ));
        }
        // The header wraps under itself rather than being cut.
        let lead = marker.chars().count() + 2;
        let mut lines: Vec<Line<'static>> = Vec::new();
        let about = wrap::wrap(&about.join(" · "), width.saturating_sub(lead).max(1));
        for (i, part) in about.into_iter().enumerate() {
            let first = if i == 0 {
                Span::styled(
                    marker.clone(),
                    if here {
                        theme.selected()
                    } else {
                        theme.title()
                    },
                )
            } else {
                Span::raw(" ".repeat(lead - 2))
            };
            lines.push(Line::from(vec![first, Span::raw(format!("  {part}"))]));
        }
        let block = |label: &str, text: &str, style: Style, lines: &mut Vec<Line<'static>>| {
            let lead = format!("  {label:<7}");
            let indent = " ".repeat(lead.chars().count());
            for (i, l) in wrap::wrap(text, width.saturating_sub(lead.chars().count()).max(1))
                .into_iter()
                .enumerate()
            {
                let first = if i == 0 { lead.clone() } else { indent.clone() };
                lines.push(Line::from(vec![
                    Span::styled(first, theme.dim()),
                    Span::styled(l, style),
                ]));
            }
        };
        // Tags on their own wrapped line: a long list is never cut.
        if !card.tags.is_empty() {
            block("tags", &card.tags.join(", "), theme.dim(), &mut lines);
        }
        block("Q", &card.question, Style::default(), &mut lines);
        for line in card.kind.preview_lines() {
            lines.push(Line::styled(format!("         {line}"), theme.key()));
        }
        match &card.answer {
            Answer::Text(answer) => block("A", answer, Style::default(), &mut lines),
            Answer::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    block(
                        if i == 0 { "A" } else { "" },
                        &format!("• {item}"),
                        Style::default(),
                        &mut lines,
                    );
                }
            }
        }
        if let Some(note) = &card.note {
            block("note", note, theme.warn(), &mut lines);
        }
        if let Some(source) = &card.source {
            block("source", source, theme.dim(), &mut lines);
        }
        lines.push(Line::raw(""));
        lines
    }
}

impl Screen for PreviewScreen {
    fn handle(&mut self, key: KeyEvent) -> Intent {
        if self.help {
            self.help = false;
            return Intent::Stay;
        }
        if let Some(typed) = &mut self.typing {
            match key.code {
                KeyCode::Esc => self.typing = None,
                KeyCode::Enter => {
                    let query = std::mem::take(typed);
                    self.typing = None;
                    if !query.trim().is_empty() {
                        self.query = Some(query.trim().to_string());
                        self.find(true, true);
                    }
                }
                KeyCode::Backspace => {
                    typed.pop();
                }
                KeyCode::Char(c) if !keys::is_interrupt(&key) => typed.push(c),
                _ if keys::is_interrupt(&key) => return Intent::Close,
                _ => {}
            }
            return Intent::Stay;
        }
        let Some(action) = keys::lookup(keys::PREVIEW, &key) else {
            return Intent::Stay;
        };
        self.message = None;
        let last = self.cards.len().saturating_sub(1);
        // A card taller than the window scrolls line by line before the
        // selection moves on.
        match action {
            Action::Down if self.inner_scroll < self.overflow => {
                self.inner_scroll += 1;
                return Intent::Stay;
            }
            Action::Up if self.inner_scroll > 0 => {
                self.inner_scroll -= 1;
                return Intent::Stay;
            }
            _ => self.inner_scroll = 0,
        }
        match action {
            Action::Quit => return Intent::Close,
            Action::Help => self.help = true,
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(last),
            Action::PageUp => self.selected = self.selected.saturating_sub(self.page.max(1)),
            Action::PageDown => self.selected = (self.selected + self.page.max(1)).min(last),
            Action::First => self.selected = 0,
            Action::Last => self.selected = last,
            Action::Search => self.typing = Some(String::new()),
            Action::NextMatch => self.find(true, false),
            Action::PreviousMatch => self.find(false, false),
            _ => {}
        }
        Intent::Stay
    }

    fn fit(&mut self, area: Rect) {
        let [body, _, _] = areas(area);
        let width = usize::from(body.width.saturating_sub(2)).max(1);
        let height = usize::from(body.height.saturating_sub(2));
        if self.cards.is_empty() {
            return;
        }
        // Only the number of lines matters here, not their colours.
        let theme = Theme { color: false };
        // Scroll so the selected card is in view.
        if self.selected < self.top {
            self.top = self.selected;
        }
        // Walk back from the selected card: the top stays where it is
        // unless the selected card would fall off the bottom.
        let mut used = 0;
        let mut i = self.selected;
        loop {
            used += self.card_lines(i, width, theme).len();
            if used > height && i < self.selected {
                self.top = self.top.max(i + 1);
                break;
            }
            if i <= self.top {
                break;
            }
            i -= 1;
        }
        self.overflow = self
            .card_lines(self.selected, width, theme)
            .len()
            .saturating_sub(height);
        let mut shown = 0;
        let mut lines = 0;
        if self.overflow > 0 {
            self.top = self.selected;
            self.inner_scroll = self.inner_scroll.min(self.overflow);
            lines = height;
            shown = 1;
        }
        for i in (self.top + shown)..self.cards.len() {
            if lines >= height {
                break;
            }
            lines += self.card_lines(i, width, theme).len();
            shown += 1;
        }
        self.page = shown.saturating_sub(1).max(1);
    }

    fn draw(&self, frame: &mut Frame<'_>, theme: Theme) {
        let [body, status, footer] = areas(frame.area());
        let width = usize::from(body.width.saturating_sub(2)).max(1);
        let height = usize::from(body.height.saturating_sub(2));
        if self.cards.is_empty() {
            frame.render_widget(
                Paragraph::new("This deck has no cards to show.").block(Block::bordered()),
                body,
            );
        } else {
            // What `fit` scrolled to, drawing only what fits.
            let mut lines = Vec::new();
            let mut shown: usize = 0;
            if self.overflow > 0 {
                let selected_lines = self.card_lines(self.selected, width, theme);
                lines.extend(selected_lines.into_iter().skip(self.inner_scroll));
                shown = 1;
            }
            for i in (self.top + shown)..self.cards.len() {
                if lines.len() >= height {
                    break;
                }
                lines.extend(self.card_lines(i, width, theme));
            }
            let title = format!(
                " Preview · {} · {} cards ",
                text::one_line(&self.title),
                self.cards.len()
            );
            frame.render_widget(
                Paragraph::new(lines).block(
                    Block::bordered()
                        .title(Line::styled(title, theme.title()))
                        .title_bottom(
                            Line::from(format!(" {} ", text::one_line(self.shown_path())))
                                .right_aligned(),
                        ),
                ),
                body,
            );
        }
        let status_line = match &self.typing {
            Some(typed) => Line::from(vec![
                Span::styled("/", theme.key()),
                Span::raw(typed.clone()),
                Span::styled("▏ (Enter search, Esc cancel)", theme.dim()),
            ]),
            None => Line::styled(self.message.clone().unwrap_or_default(), theme.warn()),
        };
        frame.render_widget(Paragraph::new(status_line), status);
        frame.render_widget(
            Paragraph::new(footer_line(keys::PREVIEW, theme, footer.width)),
            footer,
        );
        if self.help {
            draw_help(frame, keys::PREVIEW, theme);
        }
    }
}

/// The body, the status line and the footer.
fn areas(area: Rect) -> [Rect; 3] {
    Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area)
}
