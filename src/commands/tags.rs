//! `--tag`: the cards of the selected decks carrying the tags asked for,
//! and `stats --tag`.

use std::collections::HashSet;
use std::io::{self, Write};

use chrono::{Days, NaiveDate};

use crate::deck::DeckId;
use crate::review::tags::{self, TagStats};
use crate::store::{CardId, Store};

use super::{Failure, Status};

/// The cards carrying any of `asked` (a tag of theirs or of their deck); an
/// unknown tag is a usage error listing the known ones.
pub fn tagged_cards(
    store: &Store,
    decks: &[DeckId],
    asked: &[String],
) -> Result<HashSet<CardId>, Failure> {
    let deck_tags = store.deck_tags(decks)?;
    let mut cards = store.card_tags(decks)?;
    tags::merge_deck_tags(&mut cards, &deck_tags);
    tags::select(asked, &cards, &deck_tags, "these decks")
        .map_err(|e| Failure::usage(e.to_string()))
}

/// `--tag` given: the cards it selects; none given: `None` (every card).
pub fn only_tagged(
    store: &Store,
    decks: &[DeckId],
    asked: &[String],
) -> Result<Option<HashSet<CardId>>, Failure> {
    if asked.is_empty() {
        return Ok(None);
    }
    tagged_cards(store, decks, asked).map(Some)
}

/// `stats --tag`: each tag's figures, in text or JSON.
pub fn stats(
    store: &Store,
    decks: &[DeckId],
    asked: &[String],
    today: NaiveDate,
    json: bool,
    (status, scheduling): (Status, crate::review::scheduler::Scheduling),
) -> Result<Status, Failure> {
    let (rows, ratings, fsrs_day) = store.read_consistently(|store| {
        Ok::<_, crate::store::StoreError>((
            store.card_rows(decks)?,
            store.ratings_after(
                decks,
                today.checked_sub_days(Days::new(31)).unwrap_or(today),
            )?,
            crate::review::scheduler::fsrs_days(store, decks, today, scheduling)?,
        ))
    })?;
    let mut figures: Vec<TagStats> = Vec::new();
    for tag in asked {
        let members = tagged_cards(store, decks, std::slice::from_ref(tag))?;
        figures.push(tags::tag_stats(
            tag, &members, &rows, &ratings, today, &fsrs_day,
        ));
    }
    let today_text = today.format("%Y-%m-%d").to_string();
    let mut out = crate::text::SafeWriter::new(io::stdout().lock());
    let written = if json {
        #[derive(serde::Serialize)]
        struct Document<'a> {
            today: &'a str,
            tags: &'a [TagStats],
        }
        super::write_json(
            &mut out,
            &Document {
                today: &today_text,
                tags: &figures,
            },
        )
    } else {
        print_tags(&mut out, &figures, &today_text)
    };
    super::written(written, "the stats", status)
}

fn print_tags(out: &mut impl Write, figures: &[TagStats], today: &str) -> io::Result<()> {
    use crate::review::standing;
    writeln!(out, "Study day {today}")?;
    for tag in figures {
        let s = tag.as_deck_stats();
        writeln!(out)?;
        writeln!(out, "{}", crate::text::one_line(&s.title))?;
        writeln!(out, "  {}", standing::cards_line(&s))?;
        writeln!(out, "  {}", standing::due_line(&s))?;
        writeln!(out, "  {}", standing::ratings_line(&s, None))?;
        writeln!(out, "  {}", standing::retention_line(&s))?;
    }
    Ok(())
}
