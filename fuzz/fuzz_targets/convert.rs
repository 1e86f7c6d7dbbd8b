//! Any text as a pasted page, in every format: `fiches convert` must give a
//! deck that `fiches check` accepts, with no control or bidi character raw
//! in it, never panic.
#![no_main]

use std::path::Path;

use fiches::convert::{self, Format};
use fiches::deck::{Severity, parse_deck};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for format in [Format::Brainscape, Format::Quizlet, Format::Quizpage] {
        let conversion = convert::convert(format, text);
        let yaml = convert::to_yaml(&conversion.deck, "Fuzz", None, format);
        // The deck written to stdout carries nothing raw for a terminal.
        assert!(!yaml.chars().any(fiches::text::is_unsafe), "{yaml:?}");
        let loaded = parse_deck(Path::new("out.yaml"), yaml.as_bytes());
        assert!(
            loaded.diagnostics.iter().all(|d| d.severity != Severity::Error),
            "{:?}\n{yaml}",
            loaded.diagnostics
        );
    }
});
