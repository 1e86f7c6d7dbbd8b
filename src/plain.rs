//! The plain front end, beside the screens: the session as plain lines,
//! for scripts, screen readers and terminals without a full screen. Reads
//! one line per step; end of input ends the session with everything saved.

use std::io::{self, BufRead, Write};
use std::time::Instant;

use chrono::{DateTime, FixedOffset};

use crate::clock::ClockError;
use crate::deck::Answer;
use crate::review::answer::{self, Answering, Asks, Reply, Unreadable};
use crate::review::grade::{Blank, Verdict};
use crate::review::{Session, SessionError, Summary, UndoError, waiting_for_store, write_summary};
use crate::sched::Rating;
use crate::store::{Store, StoreError};

pub const RATING_PROMPT: &str =
    "How well did you know this? 1 Not at all … 5 Perfectly (u undo, q quit)";

#[derive(Debug, thiserror::Error)]
pub enum PlainError {
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error(transparent)]
    Clock(#[from] ClockError),
    #[error("cannot read or write the terminal: {0}")]
    Io(#[from] io::Error),
    #[error(
        "gave up after {} s waiting for another fiches process writing to the review store {}: the last rating was not saved; every earlier rating is. Close the other fiches (or end the process holding the store), then review again",
        STORE_WAIT.as_secs(),
        path.display()
    )]
    GaveUp { path: std::path::PathBuf },
}

/// How long a rating waits for another process's write to the store before
/// `--plain` gives up (exit status 2): no script hangs forever on a store
/// left locked by a stopped process.
pub const STORE_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

enum Input {
    Line(String),
    End,
}

/// A line of input; bytes that are not UTF-8 are read as U+FFFD rather than
/// ending the session.
fn read(input: &mut impl BufRead) -> io::Result<Input> {
    let mut line = Vec::new();
    if input.read_until(b'\n', &mut line)? == 0 {
        return Ok(Input::End);
    }
    Ok(Input::Line(
        String::from_utf8_lossy(&line).trim().to_string(),
    ))
}

/// Runs the session to its end (no more cards, `q`, or end of input) and
/// returns its summary. `now` is the clock.
pub fn run(
    session: &mut Session,
    store: &mut Store,
    input: &mut impl BufRead,
    out: &mut impl Write,
    now: &dyn Fn() -> Result<DateTime<FixedOffset>, ClockError>,
) -> Result<Summary, PlainError> {
    for notice in session.notices() {
        writeln!(out, "{notice}")?;
    }
    'cards: loop {
        let Some(current) = session.current(store)? else {
            writeln!(out, "No more cards to review today.")?;
            break;
        };
        let card = &current.card;
        let left = current.remaining;
        writeln!(out)?;
        writeln!(
            out,
            "{} · card {} / {} · new {}, relearning {}, due {}",
            card.deck_title, current.position, current.total, left.new, left.relearning, left.due
        )?;
        writeln!(out, "Q: {}", card.question)?;
        if let Some(points) = card.points {
            writeln!(
                out,
                "({points} point{})",
                if points == 1 { "" } else { "s" }
            )?;
        }
        let shown = Instant::now();
        let answering = Answering::new(&card.kind, card.id, session.day());
        let mut verdict = None;
        let proposed = match answering {
            None => {
                writeln!(out, "[Enter: show the answer · u undo · q quit]")?;
                out.flush()?;
                match read(input)? {
                    Input::End => break,
                    Input::Line(line) if line.eq_ignore_ascii_case("q") => break,
                    Input::Line(line) if line.eq_ignore_ascii_case("u") => {
                        undo(session, store, out)?;
                        continue;
                    }
                    Input::Line(_) => None,
                }
            }
            Some(answering) => match ask(answering, input, out)? {
                Asked::Verdict(graded) => {
                    verdict = Some(graded);
                    Some(graded.proposed())
                }
                Asked::End | Asked::Quit => break,
                Asked::Undo => {
                    undo(session, store, out)?;
                    continue;
                }
            },
        };
        match &card.answer {
            Answer::Text(text) => writeln!(out, "A: {text}")?,
            Answer::List(items) => {
                writeln!(out, "A:")?;
                for item in items {
                    writeln!(out, "  • {item}")?;
                }
            }
        }
        loop {
            match proposed {
                Some(rating) => writeln!(
                    out,
                    "How well did you know this? 1 Not at all … 5 Perfectly (Enter: {rating}, u undo, q quit)"
                )?,
                None => writeln!(out, "{RATING_PROMPT}")?,
            }
            out.flush()?;
            let line = match read(input)? {
                Input::End => break 'cards,
                Input::Line(line) if line.is_empty() && proposed.is_some() => {
                    proposed.map(|r| r.to_string()).unwrap_or_default()
                }
                Input::Line(line) => line,
            };
            if line.eq_ignore_ascii_case("q") {
                break 'cards;
            }
            if line.eq_ignore_ascii_case("u") {
                undo(session, store, out)?;
                continue 'cards;
            }
            let Some(rating) = line.parse::<u8>().ok().and_then(Rating::new) else {
                writeln!(out, "Please answer 1 to 5, u to undo or q to quit.")?;
                continue;
            };
            let took = u64::try_from(shown.elapsed().as_millis()).unwrap_or(u64::MAX);
            let rated = match rate_waiting(session, store, rating, verdict, now()?, took, out)? {
                Ok(rated) => rated,
                // Not saved (a full disk): the same card, to rate again or quit.
                Err(SessionError::Store(err)) => {
                    writeln!(out, "{}", crate::review::not_saved(&err))?;
                    writeln!(out, "{RATING_PROMPT}")?;
                    out.flush()?;
                    continue;
                }
                Err(err) => return Err(err.into()),
            };
            if let Some(recorded) = rated {
                let said = crate::review::saved_text(&recorded, session.last_comes_back());
                writeln!(out, "{said}")?;
            }
            continue 'cards;
        }
    }
    let summary = session.summary(store)?;
    write_summary(out, &summary)?;
    out.flush()?;
    Ok(summary)
}

/// Rates the card shown; while another process is writing to the store,
/// says so once and keeps trying for [`STORE_WAIT`] (Ctrl-C gives up
/// sooner: nothing half-saved).
fn rate_waiting(
    session: &mut Session,
    store: &mut Store,
    rating: Rating,
    verdict: Option<Verdict>,
    at: DateTime<FixedOffset>,
    took_ms: u64,
    out: &mut impl Write,
) -> Result<Result<Option<crate::store::Recorded>, SessionError>, PlainError> {
    let mut told = false;
    let started = Instant::now();
    loop {
        match session.rate(store, rating, at, took_ms, None, verdict) {
            Err(SessionError::Store(StoreError::Busy { path })) => {
                if started.elapsed() >= STORE_WAIT {
                    return Err(PlainError::GaveUp { path });
                }
                if !told {
                    writeln!(
                        out,
                        "{} (Ctrl-C gives up; fiches gives up after {} s.)",
                        waiting_for_store(&path),
                        STORE_WAIT.as_secs()
                    )?;
                    out.flush()?;
                    told = true;
                }
            }
            rated => return Ok(rated),
        }
    }
}

fn undo(session: &mut Session, store: &mut Store, out: &mut impl Write) -> Result<(), PlainError> {
    match session.undo(store) {
        Ok(Some(recorded)) => writeln!(out, "Undone: rating {} taken back.", recorded.rating)?,
        Ok(None) => writeln!(out, "Nothing to undo.")?,
        Err(UndoError::RatedElsewhere) => writeln!(out, "{}", UndoError::RatedElsewhere)?,
        // Nothing changed: the student may try again, or go on.
        Err(UndoError::Store(
            err @ (StoreError::Busy { .. }
            | StoreError::DiskFull { .. }
            | StoreError::Deleted { .. }
            | StoreError::Replaced { .. }),
        )) => writeln!(out, "Not undone: {err}.")?,
        Err(UndoError::Store(err)) => return Err(SessionError::Store(err).into()),
    }
    Ok(())
}

enum Asked {
    Verdict(Verdict),
    Undo,
    Quit,
    End,
}

/// Reads a line, handling `u` and `q`; `None` when the session must stop
/// or undo (told by `Asked`). A leading `=` gives the rest as the answer
/// whatever it is: `=q` answers "q", `=u` the choice u.
fn answer_line(input: &mut impl BufRead) -> io::Result<Result<String, Asked>> {
    Ok(match read(input)? {
        Input::End => Err(Asked::End),
        Input::Line(line) if line.starts_with('=') => Ok(line[1..].trim().to_string()),
        Input::Line(line) if line.eq_ignore_ascii_case("q") => Err(Asked::Quit),
        Input::Line(line) if line.eq_ignore_ascii_case("u") => Err(Asked::Undo),
        Input::Line(line) => Ok(line),
    })
}

/// Asks a graded card's question in its own way, grades the answer and says
/// how it went.
fn ask(
    mut answering: Answering,
    input: &mut impl BufRead,
    out: &mut impl Write,
) -> io::Result<Asked> {
    for line in answering.asked_lines() {
        writeln!(out, "{line}")?;
    }
    let verdict = loop {
        let prompt = match answering.asks() {
            Asks::TrueOrFalse => "Vrai ou faux ? [v / f · u undo · q quit]".to_string(),
            Asks::Letters => {
                "Your choice (its letter, or several: a c) [u undo · q quit · =q answers q]"
                    .to_string()
            }
            Asks::Pairs => "Your pairs (e.g. 1b 2a) [u undo · q quit · =q answers q]".to_string(),
            Asks::Blank { asked, of } => {
                format!("Blank {asked} of {of}: [u undo · q quit · =q answers q]")
            }
            Asks::Nothing => String::new(),
        };
        writeln!(out, "{prompt}")?;
        out.flush()?;
        let line = match answer_line(input)? {
            Ok(line) => line,
            Err(asked) => return Ok(asked),
        };
        match answering.answer(&line) {
            Reply::Graded(verdict) => {
                if answering.blank_asked().is_some()
                    && let Some(last) = answering.blanks().last()
                {
                    write_blank(out, last)?;
                }
                break verdict;
            }
            Reply::Blank(blank) => write_blank(out, &blank)?,
            Reply::Unreadable(Unreadable::TrueFalse) => {
                writeln!(out, "Please answer v (vrai) or f (faux).")?;
            }
            Reply::Unreadable(Unreadable::Letters) => writeln!(
                out,
                "Please answer with the letters shown, a to {}.",
                answering.last_letter()
            )?,
            Reply::Unreadable(Unreadable::Pairs) => {
                writeln!(out, "Please pair each number with a letter, like 1b 2a.")?;
            }
        }
    };
    writeln!(out, "{}", answer::verdict_text(verdict))?;
    Ok(Asked::Verdict(verdict))
}

fn write_blank(out: &mut impl Write, blank: &Blank) -> io::Result<()> {
    match blank {
        Blank::Right => writeln!(out, "  right"),
        Blank::NearMiss { expected } => writeln!(out, "  almost: {expected} (counted right)"),
        Blank::Wrong { expected } => writeln!(out, "  expected: {expected}"),
    }
}
