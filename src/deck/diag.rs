//! Diagnostics about deck files: what is wrong, where, and how bad.

use std::fmt;
use std::path::{Path, PathBuf};

use super::yaml::Pos;
use crate::text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub path: PathBuf,
    pub pos: Pos,
    pub severity: Severity,
    pub message: String,
}

impl Diagnostic {
    pub fn error(path: &Path, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.to_path_buf(),
            pos,
            severity: Severity::Error,
            message: message.into(),
        }
    }

    pub fn warning(path: &Path, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.to_path_buf(),
            pos,
            severity: Severity::Warning,
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // One line whatever the path or message hold: nothing forges another.
        write!(
            f,
            "{}:{}:{}: {}: {}",
            text::one_line(&self.path.display().to_string()),
            self.pos.line,
            self.pos.column,
            self.severity.as_str(),
            text::one_line(&self.message)
        )
    }
}

/// The source line a diagnostic points at, with a caret under the column,
/// for people reading in a terminal.
pub fn excerpt(source: &str, pos: Pos) -> Option<String> {
    let index = usize::try_from(pos.line).ok()?.checked_sub(1)?;
    let line = source.lines().nth(index)?.trim_end_matches('\r');
    let number = pos.line.to_string();
    let pad = " ".repeat(number.len());
    // The line as shown (escapes take several columns), the caret under it.
    let mut before = String::new();
    for c in line
        .chars()
        .take(usize::try_from(pos.column.saturating_sub(1)).unwrap_or(0))
    {
        match c {
            '\t' => before.push('\t'),
            c => {
                let width = text::one_line(c.encode_utf8(&mut [0; 4])).chars().count();
                before.push_str(&" ".repeat(width));
            }
        }
    }
    let line = text::one_line(line);
    Some(format!("{pad} |\n{number} | {line}\n{pad} | {before}^"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_path_line_column_severity_message() {
        let d = Diagnostic::error(Path::new("decks/a.yaml"), Pos::new(3, 5), "unknown field");
        assert_eq!(d.to_string(), "decks/a.yaml:3:5: error: unknown field");
    }

    #[test]
    fn excerpt_puts_a_caret_under_the_column() {
        let src = "title: x\ncards:\n  - anwser: b\n";
        assert_eq!(
            excerpt(src, Pos::new(3, 5)).unwrap(),
            "  |\n3 |   - anwser: b\n  |     ^"
        );
        assert_eq!(excerpt(src, Pos::new(9, 1)), None);
    }
}
