//! The session as plain lines: for scripts, screen readers and terminals
//! without a full screen. Reads one line per step; end of input ends the
//! session with everything saved.

use std::io::{self, BufRead, Write};
use std::time::Instant;

use chrono::{DateTime, FixedOffset};

use super::{Session, SessionError, Summary, UndoError, write_summary};
use crate::clock::ClockError;
use crate::deck::{Answer, CardKind};
use crate::review::grade::{self, Blank, Verdict};
use crate::sched::Rating;
use crate::store::Store;

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
}

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
        let proposed = if card.kind == CardKind::Basic {
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
        } else {
            let seed = u64::try_from(now()?.timestamp()).unwrap_or(0)
                ^ u64::try_from(card.id.0)
                    .unwrap_or(0)
                    .wrapping_mul(0x9e37_79b9_7f4a_7c15);
            match ask(&card.kind, seed, input, out)? {
                Asked::Verdict(verdict) => Some(verdict.proposed()),
                Asked::End | Asked::Quit => break,
                Asked::Undo => {
                    undo(session, store, out)?;
                    continue;
                }
            }
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
            if let Some(recorded) = session.rate(store, rating, now()?, took, None)? {
                let next = recorded
                    .after
                    .due
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default();
                if rating.needs_relearning() {
                    writeln!(
                        out,
                        "Saved {rating}: the card comes back in this session (next review {next})."
                    )?;
                } else {
                    writeln!(out, "Saved {rating}: next review {next}.")?;
                }
            }
            continue 'cards;
        }
    }
    let summary = session.summary(store)?;
    write_summary(out, &summary)?;
    out.flush()?;
    Ok(summary)
}

fn undo(session: &mut Session, store: &mut Store, out: &mut impl Write) -> Result<(), PlainError> {
    match session.undo(store) {
        Ok(Some(recorded)) => writeln!(out, "Undone: rating {} taken back.", recorded.rating)?,
        Ok(None) => writeln!(out, "Nothing to undo.")?,
        Err(UndoError::RatedElsewhere) => writeln!(out, "{}", UndoError::RatedElsewhere)?,
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
    kind: &CardKind,
    seed: u64,
    input: &mut impl BufRead,
    out: &mut impl Write,
) -> io::Result<Asked> {
    let verdict = match kind {
        CardKind::Basic => return Ok(Asked::Verdict(Verdict::Right)),
        CardKind::TrueFalse { .. } => loop {
            writeln!(out, "Vrai ou faux ? [v / f · u undo · q quit]")?;
            out.flush()?;
            let line = match answer_line(input)? {
                Ok(line) => line,
                Err(asked) => return Ok(asked),
            };
            match grade::parse_true_false(&line) {
                Some(given) => break grade::true_false(kind, given),
                None => writeln!(out, "Please answer v (vrai) or f (faux).")?,
            }
        },
        CardKind::Choice {
            choices, shuffle, ..
        } => {
            let order = if *shuffle {
                grade::shuffled(choices.len(), seed)
            } else {
                (0..choices.len()).collect()
            };
            for (shown, index) in order.iter().enumerate() {
                writeln!(out, "  {}) {}", grade::letter(shown), choices[*index])?;
            }
            loop {
                writeln!(
                    out,
                    "Your choice (its letter, or several: a c) [u undo · q quit · =q answers q]"
                )?;
                out.flush()?;
                let line = match answer_line(input)? {
                    Ok(line) => line,
                    Err(asked) => return Ok(asked),
                };
                match grade::parse_letters(&line, &order) {
                    Some(picked) => break grade::choice(kind, &picked),
                    None => writeln!(
                        out,
                        "Please answer with the letters shown, a to {}.",
                        grade::letter(order.len() - 1)
                    )?,
                }
            }
        }
        CardKind::Cloze { blanks } => {
            let mut graded = Vec::with_capacity(blanks.len());
            for (i, variants) in blanks.iter().enumerate() {
                writeln!(
                    out,
                    "Blank {} of {}: [u undo · q quit · =q answers q]",
                    i + 1,
                    blanks.len()
                )?;
                out.flush()?;
                let line = match answer_line(input)? {
                    Ok(line) => line,
                    Err(asked) => return Ok(asked),
                };
                let result = grade::blank(variants, &line);
                match &result {
                    Blank::Right => writeln!(out, "  right")?,
                    Blank::NearMiss { expected } => {
                        writeln!(out, "  almost: {expected} (counted right)")?
                    }
                    Blank::Wrong { expected } => writeln!(out, "  expected: {expected}")?,
                }
                graded.push(result);
            }
            grade::cloze(&graded)
        }
        CardKind::Match { pairs } => {
            let order = grade::shuffled(pairs.len(), seed);
            for (i, (left, _)) in pairs.iter().enumerate() {
                writeln!(out, "  {}. {left}", i + 1)?;
            }
            for (shown, index) in order.iter().enumerate() {
                writeln!(out, "  {}) {}", grade::letter(shown), pairs[*index].1)?;
            }
            loop {
                writeln!(
                    out,
                    "Your pairs (e.g. 1b 2a) [u undo · q quit · =q answers q]"
                )?;
                out.flush()?;
                let line = match answer_line(input)? {
                    Ok(line) => line,
                    Err(asked) => return Ok(asked),
                };
                match grade::parse_pairs(&line, &order) {
                    Some(given) => break grade::matching(kind, &given),
                    None => writeln!(out, "Please pair each number with a letter, like 1b 2a.")?,
                }
            }
        }
    };
    writeln!(
        out,
        "{}",
        match verdict {
            Verdict::Right => "Right.",
            Verdict::PartlyRight => "Partly right.",
            Verdict::Wrong => "Wrong.",
        }
    )?;
    Ok(Asked::Verdict(verdict))
}
