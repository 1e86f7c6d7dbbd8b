//! Any bytes as a file to import (a package in any layout, or a text
//! export): `fiches import` must refuse it clearly or make a deck that
//! `fiches check --strict` accepts, with nothing raw for a terminal in it,
//! and never leave the inflated collection behind, never panic.
#![no_main]

use std::path::Path;

use fiches::anki::import::{Options, import};
use fiches::anki::source;
use fiches::deck::parse_deck;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let scratch = std::env::temp_dir().join(format!("fiches-fuzz-import-{}.tmp", std::process::id()));
    let read = source::read_bytes(data, &scratch);
    assert!(!scratch.exists());
    let Ok(read) = read else { return };
    let out = Path::new("out.yaml");
    let imported = import(
        read.notes,
        &Options {
            title: None,
            fallback_title: "fuzz",
            source: "fuzz.apkg",
            path: out,
        },
    );
    assert!(!imported.yaml.chars().any(fiches::text::is_unsafe), "{:?}", imported.yaml);
    if !imported.cards.is_empty() && imported.problems.is_empty() {
        let loaded = parse_deck(out, imported.yaml.as_bytes());
        assert!(loaded.diagnostics.is_empty(), "{:?}\n{}", loaded.diagnostics, imported.yaml);
    }
});
