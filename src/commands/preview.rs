//! `fiches preview DECK`: every card, for instructors. Never opens the store.

use std::io::{self, Write};

use crate::cli::PreviewArgs;
use crate::deck::{self, Answer, LoadedDeck};
use crate::ui::preview::PreviewScreen;

use super::{Failure, Status};

pub fn run(args: &PreviewArgs) -> Result<Status, Failure> {
    let loaded = deck::read_deck(&args.deck)
        .map_err(|err| Failure::usage(format!("cannot read {}: {err}", args.deck.display())))?;
    if super::interactive() {
        return super::run_screens(Box::new(PreviewScreen::new(loaded)), None);
    }
    print(&mut io::stdout().lock(), &loaded)
        .map_err(|err| Failure::usage(format!("cannot write the preview: {err}")))?;
    Ok(Status::Success)
}

/// The preview as text, when the output is not a terminal.
pub fn print(out: &mut impl Write, loaded: &LoadedDeck) -> io::Result<()> {
    let Some(deck) = &loaded.deck else {
        writeln!(
            out,
            "{}: no deck could be read (run `fiches check`)",
            loaded.path.display()
        )?;
        return Ok(());
    };
    writeln!(
        out,
        "{} ({}, {} cards)",
        deck.title,
        loaded.path.display(),
        deck.cards.len()
    )?;
    for (i, card) in deck.cards.iter().enumerate() {
        writeln!(out)?;
        let mut head = format!("#{} · line {}", i + 1, card.pos.line);
        if let Some(id) = &card.id {
            head.push_str(&format!(" · id {id}"));
        }
        if let Some(points) = card.points {
            head.push_str(&format!(" · {points} points"));
        }
        if !card.tags.is_empty() {
            head.push_str(&format!(" · tags: {}", card.tags.join(", ")));
        }
        writeln!(out, "{head}")?;
        writeln!(out, "Q: {}", card.question)?;
        match &card.answer {
            Answer::Text(text) => writeln!(out, "A: {text}")?,
            Answer::List(items) => {
                writeln!(out, "A:")?;
                for item in items {
                    writeln!(out, "  • {item}")?;
                }
            }
        }
        if let Some(note) = &card.note {
            writeln!(out, "note: {note}")?;
        }
        if let Some(source) = &card.source {
            writeln!(out, "source: {source}")?;
        }
    }
    Ok(())
}
