//! `check` never panics, whatever it is given.

use std::path::Path;

use fiches::deck::parse_deck;

use crate::support::shared;

/// A small deterministic generator, so a failure can be replayed exactly.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n.max(1) as u64).unwrap()
    }
}

/// Mutations that reach the awkward corners: cut anywhere, insert YAML
/// syntax, swap bytes, duplicate lines.
fn mutate(rng: &mut XorShift, input: &[u8]) -> Vec<u8> {
    const PIECES: &[&[u8]] = &[
        b"\t",
        b": ",
        b"- ",
        b"\n",
        b"&a ",
        b"*a",
        b"[",
        b"]",
        b"{",
        b"}",
        b"\"",
        b"'",
        b"|\n",
        b">-\n",
        b"---\n",
        b"\xef\xbb\xbf",
        b"\r\n",
        b"\xff",
        b"\0",
        b"? ",
        b"!!str ",
        b"<<: *a\n",
        b"points: ",
        b"q: ",
        b"a:\n  - ",
        b"cards:\n",
        b"id: x\n",
        b"kind: choice\n",
        b"#",
        // Hostile text: raw and escaped controls, C1, DEL, bidi, CR.
        b"\x1b]52;c;eA==\x07",
        b"\"\\e[2J\\u202e\\x9b\" ",
        b"\xe2\x80\xae",
        b"\xe2\x81\xa6",
        b"\xc2\x9b",
        b"\x7f",
        b"\r",
    ];
    let mut out = input.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(4) {
            0 => out.truncate(at),
            1 => {
                let piece = PIECES[rng.below(PIECES.len())];
                out.splice(at..at, piece.iter().copied());
            }
            2 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] = u8::try_from(rng.next() & 0xff).unwrap();
            }
            _ => {
                let start = rng.below(out.len() + 1);
                let end = (start + rng.below(40)).min(out.len());
                let copy = out[start..end].to_vec();
                out.splice(at..at, copy);
            }
        }
    }
    out
}

fn check_bytes(bytes: &[u8]) {
    let loaded = parse_deck(Path::new("fuzz.yaml"), bytes);
    for d in &loaded.diagnostics {
        assert!(d.pos.line >= 1 && d.pos.column >= 1, "{d} from {bytes:?}");
        assert!(!d.message.is_empty());
        // What a terminal is given: one line, nothing raw.
        let shown = d.to_string();
        assert!(terminal_safe(&shown) && !shown.contains('\n'), "{shown:?}");
        if let Some(lines) = fiches::deck::diag::excerpt(&loaded.text, d.pos) {
            assert!(terminal_safe(&lines), "{lines:?}");
        }
    }
    // The piped preview, as the command writes it.
    let mut preview = fiches::text::SafeWriter::new(Vec::new());
    fiches::commands::preview::print(&mut preview, &loaded).unwrap();
    let printed = String::from_utf8(preview.into_inner()).unwrap();
    assert!(terminal_safe(&printed), "{printed:?}");
    if let Some(deck) = &loaded.deck {
        assert!(deck.cards.len() <= loaded.entries);
    }
    let _ = fiches::deck::cross_check(std::slice::from_ref(&loaded));
}

/// No C0 control but line feed and tab, no DEL, C1 or bidi control.
fn terminal_safe(text: &str) -> bool {
    !text.chars().any(|c| {
        (c < ' ' && c != '\n' && c != '\t')
            || ('\u{7f}'..='\u{9f}').contains(&c)
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    })
}

#[test]
fn every_yaml_test_suite_input_gets_a_verdict() {
    let Some(shared) = shared() else { return };
    let mut seen = 0;
    for entry in std::fs::read_dir(shared.join("yaml-test-suite")).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let loaded = parse_deck(&path, &bytes);
        // None of these is a deck: each must be refused with a diagnostic, never accepted silently.
        if path.extension().is_some_and(|e| e == "yaml") {
            seen += 1;
            assert!(
                !loaded.diagnostics.is_empty(),
                "{} was accepted as a deck",
                path.display()
            );
        }
    }
    assert!(seen > 300, "only {seen} inputs found");
}

#[test]
fn mutated_decks_and_suite_inputs_never_panic() {
    let mut inputs: Vec<Vec<u8>> =
        vec![std::fs::read(crate::support::fixtures().join("check/good/ch1.yaml")).unwrap()];
    if let Some(shared) = shared() {
        let mut paths: Vec<_> = std::fs::read_dir(shared.join("yaml-test-suite"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        inputs.extend(paths.iter().map(|p| std::fs::read(p).unwrap()));
    }
    let mut rng = XorShift(0x5eed_f1c4e5);
    for round in 0..20_000 {
        let base = &inputs[round % inputs.len()];
        let mutated = mutate(&mut rng, base);
        check_bytes(&mutated);
    }
}

/// Whatever page text `convert` is given, in whichever format, it does not
/// panic and the deck it writes loads without a single error.
#[test]
fn converted_pages_always_load() {
    use fiches::convert::Format;

    let mut pages: Vec<Vec<u8>> = vec![
        b"1\nQ\nQuestion (2) ?\nA\n  \xe2\x80\xa2 un;\n  \xe2\x80\xa2 deux.\n".to_vec(),
        b"Titre Flashcards\nQuestion\n- a - b\n1. c\n** note\n".to_vec(),
        b"Q ?\nQ ?\n- x (correct)\n- y\nV ?\nV ?\nTrue (A)\n".to_vec(),
    ];
    if let Some(shared) = shared() {
        for seed in [
            "000_dd1099e4e307b9fb.txt",
            "001_a8ae3151224db3f8.txt",
            "003_ef964023726cf3ae.txt",
        ] {
            pages.push(std::fs::read(shared.join("seeds").join(seed)).unwrap());
        }
    }
    let formats = [Format::Brainscape, Format::Quizlet, Format::Quizpage];
    let mut rng = XorShift(0xc0_ffee);
    for round in 0..900 {
        let base = &pages[round % pages.len()];
        let mutated = mutate(&mut rng, base);
        let text = String::from_utf8_lossy(&mutated);
        convert_holds(formats[rng.below(formats.len())], &text);
    }
}

/// What the convert fuzz target asserts: the deck written carries nothing
/// raw for a terminal and loads without a single error, every card kept.
fn convert_holds(format: fiches::convert::Format, text: &str) {
    use fiches::convert::{convert, to_yaml};
    use fiches::deck::Severity;

    let conversion = convert(format, text);
    let yaml = to_yaml(&conversion.deck, "T", Some("page.txt"), format);
    assert!(terminal_safe(&yaml), "{yaml:?}");
    let loaded = parse_deck(Path::new("out.yaml"), yaml.as_bytes());
    let errors: Vec<_> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert!(
        errors.is_empty(),
        "{format:?} on {text:?}: {errors:?}\n{yaml}"
    );
    assert_eq!(
        loaded.deck.map(|d| d.cards.len()),
        Some(conversion.deck.cards.len())
    );
}

/// The fuzz targets' corpus, and mutations of it, run here as a plain test
/// (the targets themselves need `cargo fuzz`): the same properties, every
/// time the suite runs.
#[test]
fn the_fuzz_corpus_holds_the_fuzz_properties() {
    use fiches::convert::Format;

    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let files = |dir: &str| {
        let mut paths: Vec<_> = std::fs::read_dir(corpus.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .collect();
        paths.sort();
        assert!(
            paths.len() >= 5,
            "the {dir} corpus has {} files",
            paths.len()
        );
        paths
    };
    let mut rng = XorShift(0xf022_c0de);
    for path in files("check") {
        let bytes = std::fs::read(&path).unwrap();
        check_bytes(&bytes);
        // An alias bomb takes its time to be refused: a few mutations of it.
        let bomb = parse_deck(&path, &bytes)
            .diagnostics
            .iter()
            .any(|d| d.message.contains("expand to too much"));
        for _ in 0..if bomb { 3 } else { 200 } {
            check_bytes(&mutate(&mut rng, &bytes));
        }
    }
    for path in files("convert") {
        let bytes = std::fs::read(&path).unwrap();
        for format in [Format::Brainscape, Format::Quizlet, Format::Quizpage] {
            convert_holds(format, &String::from_utf8_lossy(&bytes));
            for _ in 0..40 {
                convert_holds(format, &String::from_utf8_lossy(&mutate(&mut rng, &bytes)));
            }
        }
    }
}
