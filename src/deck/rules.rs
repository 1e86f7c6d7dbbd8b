//! Rules that look at several decks at once.

use std::collections::HashMap;
use std::path::Path;

use super::diag::Diagnostic;
use super::{DeckId, LoadedDeck, Pos};

/// What the rules between decks look at: a deck's id and its cards' ids,
/// wherever they were read from (a file, or the store for a deck whose file
/// is as last synced).
#[derive(Debug, Clone)]
pub struct DeckIds<'a> {
    pub path: &'a Path,
    pub deck: &'a DeckId,
    /// Each card `id` with where the card starts.
    pub cards: Vec<(&'a str, Pos)>,
}

impl<'a> DeckIds<'a> {
    pub fn of(loaded: &'a LoadedDeck) -> Option<DeckIds<'a>> {
        let deck = loaded.deck.as_ref()?;
        Some(DeckIds {
            path: &loaded.path,
            deck: &deck.id,
            cards: deck
                .cards
                .iter()
                .filter_map(|c| c.id.as_deref().map(|id| (id, c.pos)))
                .collect(),
        })
    }
}

/// Card ids must be unique across every deck checked together, and so must
/// deck ids: the review store keys history on them.
/// Decks also take distinct places in the course (a warning).
pub fn cross_check(decks: &[LoadedDeck]) -> Vec<Diagnostic> {
    let ids: Vec<DeckIds<'_>> = decks.iter().filter_map(DeckIds::of).collect();
    let mut diagnostics = cross_check_ids(&ids);
    let mut orders: HashMap<u32, &LoadedDeck> = HashMap::new();
    for loaded in decks {
        let Some(order) = loaded.deck.as_ref().and_then(|d| d.order) else {
            continue;
        };
        match orders.get(&order) {
            Some(first) => diagnostics.push(Diagnostic::warning(
                &loaded.path,
                Pos::new(1, 1),
                format!(
                    "`order: {order}` is also the place of {} in the course: give each deck its own place",
                    first.path.display()
                ),
            )),
            None => {
                orders.insert(order, loaded);
            }
        }
    }
    diagnostics
}

/// [`cross_check`] on the ids alone; each diagnostic is on the later deck.
pub fn cross_check_ids(decks: &[DeckIds<'_>]) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut deck_ids: HashMap<&DeckId, &Path> = HashMap::new();
    let mut card_ids: HashMap<&str, (&Path, Pos)> = HashMap::new();
    for deck in decks {
        if let Some(first) = deck_ids.get(deck.deck) {
            diagnostics.push(Diagnostic::error(
                deck.path,
                Pos::new(1, 1),
                format!(
                    "deck id `{}` is also the id of {}: give one of them another `id`",
                    deck.deck,
                    first.display()
                ),
            ));
        } else {
            deck_ids.insert(deck.deck, deck.path);
        }
        let mut seen_here: HashMap<&str, ()> = HashMap::new();
        for &(id, pos) in &deck.cards {
            if seen_here.insert(id, ()).is_some() {
                // Reported by the per-deck rules already.
                continue;
            }
            match card_ids.get(id) {
                Some((first, first_pos)) if *first != deck.path => {
                    diagnostics.push(Diagnostic::error(
                        deck.path,
                        pos,
                        format!(
                            "duplicate card id `{id}`: already used in {}:{}: card ids must be unique across decks",
                            first.display(),
                            first_pos.line
                        ),
                    ));
                }
                Some(_) => {}
                None => {
                    card_ids.insert(id, (deck.path, pos));
                }
            }
        }
    }
    diagnostics
}
