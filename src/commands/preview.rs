//! `fiches preview DECK`: every card, for instructors. Never opens the store.

use std::io::{self, Write};

use crate::cli::PreviewArgs;
use crate::deck::{self, Answer, LoadedDeck};
use crate::ui::preview::PreviewScreen;

use super::{Failure, Status};

pub fn run(args: &PreviewArgs) -> Result<Status, Failure> {
    let named: Vec<_> = args.deck.iter().cloned().collect();
    let files = super::deck_files(&named, None)?;
    let mut decks = Vec::with_capacity(files.len());
    let mut status = Status::Success;
    for file in &files {
        let loaded = deck::read_deck(file)
            .map_err(|err| Failure::usage(format!("cannot read {}: {err}", file.display())))?;
        // A deck with errors is still shown (what could be read of it), but
        // the errors are said and the exit status is 1.
        if loaded.has_errors() {
            report_errors(&loaded);
            status = Status::Problems;
        }
        decks.push(loaded);
    }
    if super::interactive() {
        let screen = Box::new(PreviewScreen::of_decks(decks));
        return super::run_screens(screen, None, Default::default()).map(|s| s.or(status));
    }
    let mut out = crate::text::SafeWriter::new(io::stdout().lock());
    let printed = decks.iter().enumerate().try_for_each(|(i, loaded)| {
        if i > 0 {
            writeln!(out)?;
        }
        print(&mut out, loaded)
    });
    super::written(printed, "the preview", status)
}

fn report_errors(loaded: &LoadedDeck) {
    let errors = super::report_deck_errors(std::slice::from_ref(loaded));
    super::say_deck_errors(loaded, errors, "the cards with errors are not shown");
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
        writeln!(out, "Q: {}", indent(&card.question, "   "))?;
        for line in card.kind.preview_lines() {
            writeln!(out, "{line}")?;
        }
        match &card.answer {
            Answer::Text(text) => writeln!(out, "A: {}", indent(text, "   "))?,
            Answer::List(items) => {
                writeln!(out, "A:")?;
                for item in items {
                    writeln!(out, "  • {}", indent(item, "    "))?;
                }
            }
        }
        if let Some(note) = &card.note {
            writeln!(out, "note: {}", indent(note, "      "))?;
        }
        if let Some(source) = &card.source {
            writeln!(out, "source: {}", indent(source, "        "))?;
        }
    }
    Ok(())
}

/// Lines after the first start under the first line's text.
fn indent(text: &str, by: &str) -> String {
    text.trim_end_matches('\n')
        .replace('\n', &format!("\n{by}"))
}
