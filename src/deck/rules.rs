//! Rules that look at several decks at once.

use std::collections::HashMap;

use super::diag::Diagnostic;
use super::{DeckId, LoadedDeck, Pos};

/// Card ids must be unique across every deck checked together, and so must
/// deck ids: the review store keys history on them.
pub fn cross_check(decks: &[LoadedDeck]) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut deck_ids: HashMap<&DeckId, &LoadedDeck> = HashMap::new();
    let mut card_ids: HashMap<&str, (&LoadedDeck, Pos)> = HashMap::new();
    let mut orders: HashMap<u32, &LoadedDeck> = HashMap::new();
    for loaded in decks {
        let Some(deck) = &loaded.deck else { continue };
        if let Some(order) = deck.order {
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
        if let Some(first) = deck_ids.get(&deck.id) {
            diagnostics.push(Diagnostic::error(
                &loaded.path,
                Pos::new(1, 1),
                format!(
                    "deck id `{}` is also the id of {}: give one of them another `id`",
                    deck.id,
                    first.path.display()
                ),
            ));
        } else {
            deck_ids.insert(&deck.id, loaded);
        }
        let mut seen_here: HashMap<&str, ()> = HashMap::new();
        for card in &deck.cards {
            let Some(id) = card.id.as_deref() else {
                continue;
            };
            if seen_here.insert(id, ()).is_some() {
                // Reported by the per-deck rules already.
                continue;
            }
            match card_ids.get(id) {
                Some((first, pos)) if first.path != loaded.path => {
                    diagnostics.push(Diagnostic::error(
                        &loaded.path,
                        card.pos,
                        format!(
                            "duplicate card id `{id}`: already used in {}:{}: card ids must be unique across decks",
                            first.path.display(),
                            pos.line
                        ),
                    ));
                }
                Some(_) => {}
                None => {
                    card_ids.insert(id, (loaded, card.pos));
                }
            }
        }
    }
    diagnostics
}
