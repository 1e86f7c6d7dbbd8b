//! `fiches check`: every deck file, every problem, one summary line.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use crate::cli::{CheckArgs, CheckFormat};
use crate::deck::{self, Diagnostic, LoadedDeck, Severity, diag};
use crate::text;

use super::{Failure, Status};

/// What a check found, for printing and for the exit status.
#[derive(Debug, Default)]
pub struct Report {
    pub decks: Vec<LoadedDeck>,
    pub diagnostics: Vec<Diagnostic>,
    /// Files that could not be read, with the reason.
    pub unreadable: Vec<String>,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    pub fn cards(&self) -> usize {
        self.decks.iter().map(LoadedDeck::card_count).sum()
    }

    pub fn status(&self) -> Status {
        if !self.unreadable.is_empty() {
            Status::Usage
        } else if self.count(Severity::Error) > 0 {
            Status::Problems
        } else {
            Status::Success
        }
    }
}

/// Reads and checks every deck under `paths` (files, directories or deck
/// ids; `decks/` when empty); `strict` makes warnings errors.
pub fn check_paths(paths: &[PathBuf], strict: bool) -> Result<Report, Failure> {
    let found = super::deck_files_found(paths, None)?;
    let files = found.files;
    let mut report = Report::default();
    for file in files {
        match deck::read_deck(&file) {
            Ok(loaded) => report.decks.push(loaded),
            Err(err) => report
                .unreadable
                .push(format!("cannot read {}: {err}", file.display())),
        }
    }
    report.diagnostics = report
        .decks
        .iter()
        .flat_map(|d| d.diagnostics.iter().cloned())
        .chain(deck::cross_check(&report.decks))
        .chain(found.skipped)
        .collect();
    if strict {
        for d in &mut report.diagnostics {
            d.severity = Severity::Error;
        }
    }
    report
        .diagnostics
        .sort_by(|a, b| (&a.path, a.pos).cmp(&(&b.path, b.pos)));
    Ok(report)
}

pub fn run(args: &CheckArgs) -> Result<Status, Failure> {
    let report = match check_paths(&args.paths, args.strict) {
        Ok(report) => report,
        Err(failure) => {
            // Tools reading JSON get the failure as JSON too.
            if args.format == CheckFormat::Json {
                let mut out = io::stdout().lock();
                let _ = json_line(
                    &mut out,
                    &JsonLine::IoError {
                        message: &failure.message,
                    },
                );
            }
            return Err(failure);
        }
    };
    let printed = match args.format {
        CheckFormat::Human => print_human(&report),
        CheckFormat::Json => print_json(&report),
        CheckFormat::Github => print_github(&report),
    };
    super::written(printed, "the report", report.status())
}

fn summary(report: &Report) -> String {
    format!(
        "checked {} deck{}, {} card{}: {} error{}, {} warning{}",
        report.decks.len(),
        plural(report.decks.len()),
        report.cards(),
        plural(report.cards()),
        report.count(Severity::Error),
        plural(report.count(Severity::Error)),
        report.count(Severity::Warning),
        plural(report.count(Severity::Warning)),
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn print_human(report: &Report) -> io::Result<()> {
    let stderr = io::stderr();
    let show_excerpt = stderr.is_terminal();
    let mut out = text::SafeWriter::new(stderr.lock());
    write_diagnostics(&mut out, &report.diagnostics, &report.decks, show_excerpt)?;
    for problem in &report.unreadable {
        writeln!(out, "fiches: error: {problem}")?;
    }
    writeln!(out, "{}", summary(report))
}

/// Each diagnostic on its line, with the source line under it when `excerpt`.
pub fn write_diagnostics(
    out: &mut impl Write,
    diagnostics: &[Diagnostic],
    decks: &[LoadedDeck],
    excerpt: bool,
) -> io::Result<()> {
    for d in diagnostics {
        writeln!(out, "{d}")?;
        if excerpt {
            let text = decks
                .iter()
                .find(|l| l.path == d.path)
                .map(|l| l.text.as_str());
            if let Some(lines) = text.and_then(|t| diag::excerpt(t, d.pos)) {
                writeln!(out, "{lines}")?;
            }
        }
    }
    Ok(())
}

/// One line of `--format json`, its fields in the documented order.
#[derive(serde::Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
enum JsonLine<'a> {
    Diagnostic {
        path: String,
        line: u32,
        column: u32,
        severity: &'a str,
        message: &'a str,
    },
    IoError {
        message: &'a str,
    },
    Summary {
        decks: usize,
        cards: usize,
        errors: usize,
        warnings: usize,
    },
}

fn json_line(out: &mut impl Write, line: &JsonLine<'_>) -> io::Result<()> {
    let json = serde_json::to_string(line).map_err(io::Error::other)?;
    writeln!(out, "{}", text::json_safe(json))
}

fn print_json(report: &Report) -> io::Result<()> {
    let mut out = io::stdout().lock();
    for d in &report.diagnostics {
        json_line(
            &mut out,
            &JsonLine::Diagnostic {
                path: d.path.display().to_string(),
                line: d.pos.line,
                column: d.pos.column,
                severity: d.severity.as_str(),
                message: &d.message,
            },
        )?;
    }
    for problem in &report.unreadable {
        json_line(&mut out, &JsonLine::IoError { message: problem })?;
    }
    json_line(
        &mut out,
        &JsonLine::Summary {
            decks: report.decks.len(),
            cards: report.cards(),
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
        },
    )
}

fn print_github(report: &Report) -> io::Result<()> {
    let mut out = io::stdout().lock();
    for d in &report.diagnostics {
        writeln!(
            out,
            "::{} file={},line={},col={}::{}",
            d.severity.as_str(),
            escape_property(&d.path.display().to_string()),
            d.pos.line,
            d.pos.column,
            escape_data(&d.message)
        )?;
    }
    for problem in &report.unreadable {
        writeln!(out, "::error::{}", escape_data(problem))?;
    }
    writeln!(out, "{}", summary(report))
}

/// GitHub workflow commands reserve `%`, CR and LF in messages; other
/// unsafe characters are shown as everywhere else.
fn escape_data(message: &str) -> String {
    text::shown(message)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Properties also reserve `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_escaping() {
        assert_eq!(escape_data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(escape_property("a,b:c.yaml"), "a%2Cb%3Ac.yaml");
        assert_eq!(
            escape_data("x\r\n::error::y\u{1b}]0;t\u{7}"),
            "x\\r%0A::error::y\\e]0;t\\u{7}"
        );
    }
}
