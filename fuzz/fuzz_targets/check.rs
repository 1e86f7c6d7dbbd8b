//! Any bytes as a deck: `fiches check` must answer, never panic, and every
//! diagnostic must point inside the file.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let loaded = fiches::deck::parse_deck(Path::new("fuzz.yaml"), data);
    for d in &loaded.diagnostics {
        assert!(d.pos.line >= 1 && d.pos.column >= 1, "{d}");
        assert!(!d.message.is_empty());
    }
    if let Some(deck) = &loaded.deck {
        assert!(deck.cards.len() <= loaded.entries);
    }
    let _ = fiches::deck::cross_check(std::slice::from_ref(&loaded));
});
