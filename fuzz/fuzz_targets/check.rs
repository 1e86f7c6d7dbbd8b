//! Any bytes as a deck: `fiches check` must answer, never panic, every
//! diagnostic must point inside the file, and nothing it or the piped preview
//! writes may carry a control or bidi character raw.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let loaded = fiches::deck::parse_deck(Path::new("fuzz.yaml"), data);
    for d in &loaded.diagnostics {
        assert!(d.pos.line >= 1 && d.pos.column >= 1, "{d}");
        assert!(!d.message.is_empty());
        // What a terminal is given: one line, nothing raw.
        let shown = d.to_string();
        assert!(!shown.chars().any(fiches::text::is_unsafe), "{shown:?}");
        assert!(!shown.contains('\n'), "{shown:?}");
        if let Some(lines) = fiches::deck::diag::excerpt(&loaded.text, d.pos) {
            assert!(!lines.chars().any(fiches::text::is_unsafe), "{lines:?}");
        }
    }
    let mut preview = fiches::text::SafeWriter::new(Vec::new());
    fiches::commands::preview::print(&mut preview, &loaded).unwrap();
    let printed = String::from_utf8(preview.into_inner()).unwrap();
    assert!(!printed.chars().any(fiches::text::is_unsafe), "{printed:?}");
    if let Some(deck) = &loaded.deck {
        assert!(deck.cards.len() <= loaded.entries);
    }
    let _ = fiches::deck::cross_check(std::slice::from_ref(&loaded));
});
