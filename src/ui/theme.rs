//! Colours are an aid, never the only signal: every selection also has a
//! text marker, and `NO_COLOR` turns colours (and bold/reverse, which
//! crossterm drops with it) off.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    /// Colour unless `NO_COLOR` is set to anything non-empty (no-color.org).
    pub fn from_env() -> Theme {
        Theme {
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    fn styled(self, style: Style) -> Style {
        if self.color { style } else { Style::default() }
    }

    pub fn title(self) -> Style {
        self.styled(
            Style::default()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
        )
    }

    pub fn dim(self) -> Style {
        self.styled(Style::default().fg(Color::DarkGray))
    }

    pub fn selected(self) -> Style {
        self.styled(Style::default().fg(Color::Black).bg(Color::Yellow))
    }

    pub fn good(self) -> Style {
        self.styled(Style::default().fg(Color::Green))
    }

    pub fn warn(self) -> Style {
        self.styled(Style::default().fg(Color::Yellow))
    }

    pub fn key(self) -> Style {
        self.styled(Style::default().fg(Color::Cyan))
    }

    pub fn gauge(self) -> Style {
        self.styled(Style::default().fg(Color::Green))
    }
}
