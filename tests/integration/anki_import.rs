//! `fiches import`: packages Anki's own backend writes, in each layout, its
//! text export, a round trip through Anki, and files that are not what
//! they claim to be.

use std::io::Write;
use std::path::Path;

use fiches::deck::{Answer, CardKind, Deck};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::anki::{DECK, anki, anki_python};
use crate::support::{Run, Scratch, assert_contains, fiches_in, fiches_with};

fn import(dir: &Path, file: &Path, out: &str) -> Run {
    fiches_in(dir, &["import", file.to_str().unwrap(), "-o", out])
}

/// The deck written, as `fiches check --strict` sees it: no diagnostic.
fn strict_deck(dir: &Path, name: &str) -> Deck {
    let check = fiches_in(dir, &["check", "--strict", name]);
    assert_eq!(check.status, 0, "{}\n{}", check.stdout, check.stderr);
    let loaded = fiches::deck::read_deck(&dir.join(name)).unwrap();
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    loaded.deck.unwrap()
}

fn items(answer: &Answer) -> Vec<String> {
    match answer {
        Answer::Text(text) => vec![text.clone()],
        Answer::List(items) => items.clone(),
    }
}

#[test]
fn packages_anki_writes_in_every_layout_and_its_text_export_are_imported() {
    let Some(python) = anki_python() else { return };
    let scratch = Scratch::new();
    let written = anki(&python, &["write", scratch.path.to_str().unwrap()]);
    assert_eq!(
        written["written"],
        serde_json::json!(["anki2.apkg", "latest.apkg", "legacy.apkg", "notes.txt"])
    );
    for (file, layout) in [
        ("latest.apkg", "collection.anki21b (current layout, zstd)"),
        ("legacy.apkg", "collection.anki21 (legacy layout)"),
        ("anki2.apkg", "collection.anki2 (oldest layout)"),
        ("notes.txt", "Anki's text export"),
    ] {
        let out = format!("{file}.yaml");
        let run = import(&scratch.path, &scratch.path.join(file), &out);
        assert_eq!(run.status, 0, "{file}: {}", run.stderr);
        assert!(run.stderr.contains(layout), "{file}: {}", run.stderr);
        assert!(
            run.stderr.contains(
                "3 notes read (note types: Basic 1, Basic (and reversed card) 1, Cloze 1), 3 cards written"
            ),
            "{file}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains("2 media references on 2 cards"),
            "{file}: {}",
            run.stderr
        );
        let deck = strict_deck(&scratch.path, &out);
        assert_eq!(deck.title, "Cours::Chapitre 1", "{file}");
        assert_eq!(deck.cards.len(), 3, "{file}");
        let basic = &deck.cards[0];
        assert_eq!(
            basic.id.as_deref(),
            Some(written_guid(&scratch, 0).as_str())
        );
        assert_eq!(basic.question, "Qui & quoi ?");
        assert_eq!(
            items(&basic.answer),
            vec!["Première ligne", "deuxième", "un", "deux"]
        );
        assert_eq!(basic.tags, vec!["chapitre-1", "sac"]);
        assert_eq!(
            basic.note.as_deref(),
            Some("Refers to Anki media not imported: schema.png")
        );
        let cloze = &deck.cards[1];
        assert_eq!(cloze.question, "La ______ du client est ______ (adjectif).");
        match &cloze.kind {
            CardKind::Cloze { blanks } => assert_eq!(
                blanks,
                &vec![
                    vec!["satisfaction".to_string()],
                    vec!["primordiale".to_string()]
                ]
            ),
            other => panic!("{file}: {other:?}"),
        }
        assert_eq!(
            cloze.note.as_deref(),
            Some("Refers to Anki media not imported: explication.mp3")
        );
        let reversed = &deck.cards[2];
        assert_eq!(reversed.question, "SAC");
        assert_eq!(items(&reversed.answer), vec!["Service à la clientèle"]);
        assert!(reversed.tags.is_empty());
    }
}

/// The GUIDs Anki gave the notes, in the order they were added, from its
/// text export (which quotes a GUID holding a quote or a backtick).
fn written_guid(scratch: &Scratch, index: usize) -> String {
    let text = std::fs::read_to_string(scratch.path.join("notes.txt")).unwrap();
    let read = fiches::anki::text::read(&text).unwrap();
    read.notes[index].guid.clone().unwrap()
}

/// Basic and cloze cards come back exactly; the other graded kinds come
/// back as the basic cards Anki shows, with their ids.
const ROUND_TRIP_DECK: &str = r#"title: "Aller-retour"
cards:
  - id: "premiere"
    q: "Première ?"
    a: "Une & <deux>."
  - q: "Sans identifiant, vraiment ?"
    a: ["a", "b \"c\""]
  - id: "blancs"
    kind: cloze
    q: "Entre ______ et ______ du préjudice."
    blanks: ["70 %", "80 %"]
  - id: "lignes"
    q: "Ligne 1\nLigne 2"
    a: ["x", "y", "z"]
    tags: ["chapitre 1", "liste"]
"#;

fn compare_round_trip(original: &Deck, imported: &Deck, what: &str) {
    assert_eq!(imported.cards.len(), original.cards.len(), "{what}");
    for (a, b) in original.cards.iter().zip(&imported.cards) {
        let derived = fiches::anki::export::guid(&original.id, a);
        assert_eq!(b.id.as_deref(), Some(derived.as_str()), "{what}");
        assert_eq!(b.question, a.question, "{what}");
        assert_eq!(b.kind, a.kind, "{what}");
        assert_eq!(b.answer.items(), a.answer.items(), "{what}");
        let tags: Vec<String> = a
            .tags
            .iter()
            .map(|t| fiches::anki::export::tag(t))
            .collect();
        let mut sorted = tags.clone();
        sorted.sort();
        assert!(b.tags == tags || b.tags == sorted, "{what}: {:?}", b.tags);
    }
}

#[test]
fn fiches_to_apkg_to_fiches_keeps_every_card_text_and_id() {
    let scratch = Scratch::new();
    scratch.write("decks/aller.yaml", ROUND_TRIP_DECK);
    let original = strict_deck(&scratch.path, "decks/aller.yaml");
    for (format, file) in [("apkg", "aller.apkg"), ("anki-text", "aller.txt")] {
        let run = fiches_in(
            &scratch.path,
            &["export", "decks", "--format", format, "-o", file],
        );
        assert_eq!(run.status, 0, "{}", run.stderr);
        let out = format!("{file}.yaml");
        let run = import(&scratch.path, &scratch.path.join(file), &out);
        assert_eq!(run.status, 0, "{}", run.stderr);
        let imported = strict_deck(&scratch.path, &out);
        assert_eq!(imported.title, "Aller-retour");
        compare_round_trip(&original, &imported, file);
    }
}

#[test]
fn a_deck_exported_to_anki_and_exported_again_by_anki_comes_back() {
    let Some(python) = anki_python() else { return };
    let scratch = Scratch::new();
    scratch.write("decks/aller.yaml", ROUND_TRIP_DECK);
    scratch.write("decks/essai.yaml", DECK);
    let run = fiches_in(&scratch.path, &["export", "decks", "-o", "cours.apkg"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    std::fs::create_dir(scratch.path.join("anki")).unwrap();
    let again = anki(
        &python,
        &[
            "reexport",
            scratch.path.join("cours.apkg").to_str().unwrap(),
            scratch.path.join("anki").to_str().unwrap(),
        ],
    );
    assert_eq!(again["imported"]["new"], 10, "{again}");
    let aller = strict_deck(&scratch.path, "decks/aller.yaml");
    let essai = strict_deck(&scratch.path, "decks/essai.yaml");
    for file in ["latest.apkg", "legacy.apkg", "notes.txt"] {
        let out = format!("{file}.yaml");
        let run = import(&scratch.path, &scratch.path.join("anki").join(file), &out);
        assert_eq!(run.status, 0, "{file}: {}", run.stderr);
        assert!(
            run.stderr.contains("10 notes read"),
            "{file}: {}",
            run.stderr
        );
        let imported = strict_deck(&scratch.path, &out);
        // Two Anki decks: each card says which it came from.
        assert_eq!(imported.cards.len(), 10, "{file}");
        let from_aller: Vec<_> = imported
            .cards
            .iter()
            .filter(|c| c.source.as_deref() == Some("Anki deck Aller-retour"))
            .cloned()
            .collect();
        let mut sorted = aller.clone();
        sorted
            .cards
            .sort_by_key(|c| fiches::anki::export::guid(&aller.id, c));
        let mut from_aller_sorted = from_aller;
        from_aller_sorted.sort_by_key(|c| c.id.clone());
        let imported_aller = Deck {
            cards: from_aller_sorted,
            ..imported.clone()
        };
        compare_round_trip(&sorted, &imported_aller, file);
        // The graded kinds come back as the front and back Anki shows, with their ids.
        for card in &essai.cards {
            let id = fiches::anki::export::guid(&essai.id, card);
            let found = imported
                .cards
                .iter()
                .find(|c| c.id.as_deref() == Some(id.as_str()))
                .unwrap_or_else(|| panic!("{file}: no card {id}"));
            assert!(
                found
                    .question
                    .starts_with(card.question.split("___").next().unwrap()),
                "{file}: {} / {}",
                found.question,
                card.question
            );
        }
    }
}

fn zip_file(entries: &[(&str, &[u8], CompressionMethod)]) -> Vec<u8> {
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes, method) in entries {
        zip.start_file(
            *name,
            SimpleFileOptions::default().compression_method(*method),
        )
        .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn leftovers(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp") || n.ends_with(".yaml") || n == "evil")
        .collect();
    names.sort();
    names
}

#[test]
fn what_is_not_an_anki_file_is_refused_and_nothing_is_written() {
    let scratch = Scratch::new();
    let stored = CompressionMethod::Stored;
    let deflated = CompressionMethod::Deflated;
    let zeros = vec![0u8; 4 * 1024 * 1024];
    let zstd_bomb = ruzstd::encoding::compress_to_vec(
        &vec![0u8; 8 * 1024 * 1024][..],
        ruzstd::encoding::CompressionLevel::Fastest,
    );
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "notes.apkg",
            b"not a zip at all".to_vec(),
            "neither an Anki package",
        ),
        ("empty.apkg", Vec::new(), "neither an Anki package"),
        (
            "foreign.apkg",
            zip_file(&[("readme.txt", b"hello", deflated)]),
            "not an Anki package: it holds no collection",
        ),
        (
            "newer.apkg",
            zip_file(&[
                ("meta", &[0x08, 0x04], stored),
                ("collection.anki21b", b"x", stored),
            ]),
            "written by a newer Anki (package version 4",
        ),
        (
            "bomb.apkg",
            zip_file(&[("collection.anki21", &zeros, deflated)]),
            "a zip bomb",
        ),
        (
            "zstd-bomb.apkg",
            zip_file(&[
                ("meta", &[0x08, 0x03], stored),
                ("collection.anki21b", &zstd_bomb, stored),
            ]),
            "a zip bomb",
        ),
        (
            "damaged.apkg",
            zip_file(&[(
                "collection.anki21",
                b"SQLite format 3\0 but then nothing",
                deflated,
            )]),
            "the collection is damaged or is not an Anki collection",
        ),
        (
            "notzstd.apkg",
            zip_file(&[
                ("meta", &[0x08, 0x03], stored),
                ("collection.anki21b", b"plain", stored),
            ]),
            "not zstd data",
        ),
        (
            "slip.apkg",
            zip_file(&[
                ("../evil", b"outside", deflated),
                ("collection.anki21", b"garbage", deflated),
            ]),
            "damaged",
        ),
        (
            "latin1.txt",
            b"#separator:tab\nq\t\xe9t\xe9\n".to_vec(),
            "not UTF-8",
        ),
        (
            "plain.txt",
            b"just some text\n".to_vec(),
            "neither an Anki package",
        ),
    ];
    for (name, bytes, expected) in &cases {
        let file = scratch.write(name, bytes);
        let run = import(&scratch.path, &file, "out.yaml");
        assert_eq!(run.status, 2, "{name}: {}", run.stderr);
        assert!(run.stderr.contains(expected), "{name}: {}", run.stderr);
        assert!(
            run.stderr.contains("nothing written"),
            "{name}: {}",
            run.stderr
        );
        assert!(
            leftovers(&scratch.path).is_empty(),
            "{name}: {:?}",
            leftovers(&scratch.path)
        );
        assert!(!scratch.path.parent().unwrap().join("evil").exists());
    }
    let missing = import(
        &scratch.path,
        &scratch.path.join("missing.apkg"),
        "out.yaml",
    );
    assert_eq!(missing.status, 2, "{}", missing.stderr);

    // A text export with nothing to study: exit 1, nothing written.
    let file = scratch.write("empty.txt", "#separator:tab\n#html:true\n\t\n");
    let run = import(&scratch.path, &file, "out.yaml");
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(leftovers(&scratch.path).is_empty());
}

#[test]
fn what_a_text_export_holds_never_reaches_the_terminal_raw_and_a_deck_is_not_replaced() {
    let scratch = Scratch::new();
    let file = scratch.write(
        "hostile.txt",
        "#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n\
         g\u{1b}]0;pwned\u{7}1\tBasic\u{1b}[2J\tQ1 ?\tR1\n\
         g2\tWeird\u{202e}type\t\t\n",
    );
    let run = import(&scratch.path, &file, "out.yaml");
    assert_eq!(run.status, 0, "{}", run.stderr);
    for raw in ['\u{1b}', '\u{7}', '\u{202e}'] {
        assert!(!run.stderr.contains(raw), "{:?}", run.stderr);
    }
    assert_contains(&run.stderr, "written without an id");
    assert_contains(&run.stderr, "line 6: left out");
    let deck = strict_deck(&scratch.path, "out.yaml");
    assert_eq!(deck.cards.len(), 1);
    assert_eq!(deck.cards[0].id, None);

    let before = std::fs::read(scratch.path.join("out.yaml")).unwrap();
    let run = import(&scratch.path, &file, "out.yaml");
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert_contains(&run.stderr, "already exists");
    assert_eq!(
        std::fs::read(scratch.path.join("out.yaml")).unwrap(),
        before
    );
    let run = fiches_with(
        &scratch.path,
        &[
            "import",
            file.to_str().unwrap(),
            "-o",
            "out.yaml",
            "--force",
            "--title",
            "Repris",
        ],
        &[],
        None,
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(strict_deck(&scratch.path, "out.yaml").title, "Repris");
}

fn cards_json(dir: &Path, db: &str, now: &str, deck: &str) -> Vec<serde_json::Value> {
    let run = fiches_with(
        dir,
        &["cards", "--json", deck],
        &[("FICHES_DB", db), ("FICHES_NOW", now)],
        None,
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

fn count(db: &Path, sql: &str) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

#[test]
fn with_history_the_states_and_logs_of_a_package_come_into_the_store() {
    let scratch = Scratch::new();
    scratch.write("decks/essai.yaml", crate::anki::BASIC_DECK);
    let dir = &scratch.path;
    let first = dir.join("first.db");
    let first = first.to_str().unwrap();
    // Three days ago: the first card rated 5, the second 2 then 4.
    let before = (chrono::Local::now() - chrono::Duration::days(3)).to_rfc3339();
    let run = fiches_with(
        dir,
        &["review", "--plain", "--new", "2", "decks"],
        &[("FICHES_DB", first), ("FICHES_NOW", &before)],
        Some("\n5\n\n2\n\n4\n"),
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    let now = chrono::Local::now().to_rfc3339();
    let env = [("FICHES_DB", first), ("FICHES_NOW", now.as_str())];
    let run = fiches_with(
        dir,
        &["export", "decks", "--with-scheduling", "-o", "cours.apkg"],
        &env,
        None,
    );
    assert_eq!(run.status, 0, "{}", run.stderr);

    // Another store, as on another machine.
    let second = dir.join("second.db");
    let env2 = [
        ("FICHES_DB", second.to_str().unwrap()),
        ("FICHES_NOW", now.as_str()),
    ];
    let import = |extra: &[&str]| {
        let mut args = vec![
            "import",
            "cours.apkg",
            "-o",
            "repris.yaml",
            "--with-history",
        ];
        args.extend_from_slice(extra);
        fiches_with(dir, &args, &env2, None)
    };
    let run = import(&[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("history brought into")
            && run.stderr.contains("2 cards with 3 ratings"),
        "{}",
        run.stderr
    );
    let original = cards_json(dir, first, &now, "decks");
    let imported = cards_json(dir, second.to_str().unwrap(), &now, "repris.yaml");
    assert_eq!(original.len(), imported.len());
    for card in &original {
        let found = imported
            .iter()
            .find(|c| c["question"] == card["question"])
            .unwrap_or_else(|| panic!("{card} not imported: {imported:?}"));
        for field in ["due", "ef", "reps", "lapses", "last_rating"] {
            let expected = match (field, &card[field]) {
                // Anki has four buttons: a 2 comes back a 1, both lapses.
                ("last_rating", serde_json::Value::Number(n)) if n.as_u64() == Some(2) => {
                    serde_json::json!(1)
                }
                (_, value) => value.clone(),
            };
            assert_eq!(found[field], expected, "{field}: {card} / {found}");
        }
        if card["due"].is_string() {
            assert_eq!(found["interval"], card["interval"], "{card} / {found}");
        }
    }
    assert_eq!(count(&second, "SELECT count(*) FROM reviews"), 3);
    assert_eq!(
        count(&second, "SELECT count(*) FROM reviews WHERE rating = 1"),
        count(
            Path::new(first),
            "SELECT count(*) FROM reviews WHERE rating <= 2"
        )
    );

    // Imported again: the cards' history here is kept, nothing doubled.
    let run = import(&["--force"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_contains(&run.stderr, "2 cards already had a history here");
    assert_eq!(count(&second, "SELECT count(*) FROM reviews"), 3);
}

#[test]
fn with_history_a_package_anki_wrote_brings_its_review_log() {
    let Some(python) = anki_python() else { return };
    let scratch = Scratch::new();
    anki(&python, &["write", scratch.path.to_str().unwrap()]);
    let db = scratch.path.join("store.db");
    let now = chrono::Local::now().to_rfc3339();
    let run = fiches_with(
        &scratch.path,
        &[
            "import",
            "latest.apkg",
            "-o",
            "cours.yaml",
            "--with-history",
        ],
        &[("FICHES_DB", db.to_str().unwrap()), ("FICHES_NOW", &now)],
        None,
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_contains(&run.stderr, "1 card with 1 rating");
    let cards = cards_json(&scratch.path, db.to_str().unwrap(), &now, "cours.yaml");
    // The basic note was answered Good once: learning, due today.
    let reviewed: Vec<_> = cards.iter().filter(|c| c["due"].is_string()).collect();
    assert_eq!(reviewed.len(), 1, "{cards:?}");
    assert_eq!(reviewed[0]["question"], "Qui & quoi ?");
    assert_eq!(reviewed[0]["last_rating"], 4);
    assert_eq!(
        count(&db, "SELECT count(*) FROM reviews WHERE rating = 4"),
        1
    );
}

#[test]
fn an_output_folder_that_does_not_exist_is_named_not_the_input() {
    let scratch = Scratch::new();
    scratch.write("notes.txt", "Question ?\tRéponse.\n");
    let run = fiches_with(
        &scratch.path,
        &["import", "notes.txt", "-o", "absent/deck.yaml"],
        &[],
        None,
    );
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert_contains(
        &run.stderr,
        "the folder absent for the deck absent/deck.yaml does not exist",
    );
    assert_contains(&run.stderr, "mkdir -p absent");
    assert!(
        !run.stderr.contains("cannot import notes.txt"),
        "{}",
        run.stderr
    );
}

/// What the import fuzz target asserts, for one input: never a panic; a
/// clear error, or a deck without a raw control that `check --strict`
/// accepts; the inflated collection never left behind.
fn import_property(bytes: &[u8], dir: &Path) {
    use fiches::anki::import::{Options, import};
    let scratch = dir.join("collection.tmp");
    let out = dir.join("out.yaml");
    let read = fiches::anki::source::read_bytes(bytes, &scratch);
    assert!(!scratch.exists());
    let Ok(read) = read else { return };
    let imported = import(
        read.notes,
        &Options {
            title: None,
            fallback_title: "fuzz",
            source: "fuzz.apkg",
            path: &out,
        },
    );
    assert!(
        !imported.yaml.chars().any(fiches::text::is_unsafe),
        "{:?}",
        imported.yaml
    );
    for line in imported.report.details("fuzz") {
        let _ = fiches::text::one_line(&line);
    }
    if !imported.cards.is_empty() && imported.problems.is_empty() {
        let loaded = fiches::deck::parse_deck(&out, imported.yaml.as_bytes());
        assert!(
            loaded.diagnostics.is_empty(),
            "{:?}\n{}",
            loaded.diagnostics,
            imported.yaml
        );
        assert_eq!(loaded.deck.unwrap().cards.len(), imported.cards.len());
    }
}

/// Notes of every shape the reader meets: basic and cloze, HTML, tags,
/// media, a schedule with a log.
fn seed_notes() -> Vec<fiches::anki::Note> {
    use fiches::anki::{LoggedRating, Note, NoteKind, Schedule};
    let schedule = Schedule {
        due: chrono::NaiveDate::from_ymd_opt(2026, 12, 5),
        interval: 3,
        ease: 236,
        reps: 2,
        lapses: 1,
        reviews: vec![LoggedRating {
            at_ms: 1_796_000_000_000,
            rating: fiches::sched::Rating::new(2).unwrap(),
            took_ms: 4_000,
            interval_before: 0,
            interval_after: 1,
            ease_after: 236,
            first: true,
        }],
    };
    vec![
        Note {
            guid: "un".into(),
            kind: NoteKind::Basic,
            fields: vec![
                "Qui &amp; <b>quoi</b> ?".into(),
                "<ul><li>a</li><li>b</li></ul><img src=\"x.png\">".into(),
            ],
            tags: vec!["sac".into()],
            deck: "Cours::Un".into(),
            schedule: Some(schedule),
        },
        Note {
            guid: "deux".into(),
            kind: NoteKind::Cloze,
            fields: vec![
                "La {{c1::satisfaction}} est {{c2::primordiale::adj}}.".into(),
                "[sound:a.mp3]".into(),
            ],
            tags: Vec::new(),
            deck: "Cours::Deux".into(),
            schedule: None,
        },
    ]
}

/// A deterministic stream of numbers (a linear congruential generator).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

fn mutants(seed: &[u8], count: usize, lcg: &mut Lcg) -> Vec<Vec<u8>> {
    (0..count)
        .map(|i| {
            let mut bytes = seed.to_vec();
            match i % 3 {
                0 => bytes.truncate(lcg.below(seed.len())),
                1 => {
                    for _ in 0..1 + lcg.below(8) {
                        let at = lcg.below(bytes.len());
                        bytes[at] ^= 1 << lcg.below(8);
                    }
                }
                _ => {
                    let at = lcg.below(bytes.len());
                    let end = (at + 16).min(bytes.len());
                    for b in &mut bytes[at..end] {
                        *b = 0xff;
                    }
                }
            }
            bytes
        })
        .collect()
}

#[test]
fn the_import_fuzz_property_holds_on_the_corpus_and_its_mutants() {
    let scratch = Scratch::new();
    let dir = &scratch.path;
    let collection = dir.join("seed.anki2");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
    fiches::anki::collection::write_legacy(&collection, &seed_notes(), today, 1_796_200_000_000)
        .unwrap();
    let sqlite = std::fs::read(&collection).unwrap();
    let stored = CompressionMethod::Stored;
    let legacy = zip_file(&[
        ("collection.anki21", &sqlite, CompressionMethod::Deflated),
        ("media", b"{\"0\": \"x.png\"}", stored),
    ]);
    // The current layout's framing around a legacy collection: the reader
    // tells the schema from the collection itself.
    let zstd =
        ruzstd::encoding::compress_to_vec(&sqlite[..], ruzstd::encoding::CompressionLevel::Fastest);
    let current = zip_file(&[
        ("meta", &[0x08, 0x03], stored),
        ("collection.anki21b", &zstd, stored),
    ]);
    let text = fiches::anki::text::write_anki_text(&seed_notes());

    let mut corpus: Vec<Vec<u8>> = Vec::new();
    let corpus_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/import");
    for entry in std::fs::read_dir(&corpus_dir).unwrap() {
        corpus.push(std::fs::read(entry.unwrap().path()).unwrap());
    }
    assert!(corpus.len() >= 2, "fuzz/corpus/import holds the seeds");
    for seed in [&legacy, &current, &text.as_bytes().to_vec()] {
        corpus.push(seed.clone());
    }
    // The seeds themselves import whole.
    for seed in &corpus {
        let read = fiches::anki::source::read_bytes(seed, &dir.join("c.tmp")).unwrap();
        assert!(!read.notes.is_empty());
    }
    let mut lcg = Lcg(14);
    let mut inputs = corpus.clone();
    for seed in &corpus {
        inputs.extend(mutants(seed, 60, &mut lcg));
    }
    // The collection damaged inside a sound zip: SQLite's reading is tried.
    for bytes in mutants(&sqlite, 90, &mut lcg) {
        inputs.push(zip_file(&[("collection.anki21", &bytes, stored)]));
    }
    for input in &inputs {
        import_property(input, dir);
    }
}

/// A package of `seed_notes`: two Anki decks, one card with a history.
fn seed_package(dir: &Path, name: &str) {
    let collection = dir.join("seed.anki2");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
    fiches::anki::collection::write_legacy(&collection, &seed_notes(), today, 1_796_200_000_000)
        .unwrap();
    let sqlite = std::fs::read(&collection).unwrap();
    std::fs::remove_file(&collection).unwrap();
    let package = zip_file(&[("collection.anki21", &sqlite, CompressionMethod::Deflated)]);
    std::fs::write(dir.join(name), package).unwrap();
}

#[test]
fn a_folder_for_output_gets_a_deck_file_for_each_anki_deck() {
    let scratch = Scratch::new();
    let dir = &scratch.path;
    seed_package(dir, "cours.apkg");
    std::fs::create_dir(dir.join("decks")).unwrap();
    let now = [("FICHES_NOW", "2026-12-02T09:00:00-05:00")];
    let run = fiches_with(dir, &["import", "cours.apkg", "-o", "decks"], &now, None);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let mut files = std::fs::read_dir(dir.join("decks"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect::<Vec<_>>();
    files.sort();
    // Nothing left beside them: the collection's copy is gone.
    assert_eq!(files, ["cours-deux.yaml", "cours-un.yaml"]);
    for (file, title, question) in [
        ("decks/cours-un.yaml", "Cours::Un", "Qui & quoi ?"),
        (
            "decks/cours-deux.yaml",
            "Cours::Deux",
            "La ______ est ______ (adj).",
        ),
    ] {
        let deck = strict_deck(dir, file);
        assert_eq!(deck.title, title);
        assert_eq!(deck.cards.len(), 1, "{file}");
        assert_eq!(deck.cards[0].question, question);
        // One deck a file: no card names its Anki deck.
        let yaml = std::fs::read_to_string(dir.join(file)).unwrap();
        assert!(!yaml.contains("Anki deck"), "{yaml}");
        assert_contains(&run.stderr, &format!("1 card written to {file}"));
    }

    // Again: each file there is kept, and said, unless --force.
    let before = std::fs::read(dir.join("decks/cours-un.yaml")).unwrap();
    let run = fiches_with(dir, &["import", "cours.apkg", "-o", "decks"], &now, None);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("already exists") && run.stderr.contains("--force"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read(dir.join("decks/cours-un.yaml")).unwrap(),
        before
    );
    // A title names one deck: refused with a folder.
    let run = fiches_with(
        dir,
        &[
            "import",
            "cours.apkg",
            "-o",
            "decks",
            "--title",
            "X",
            "--force",
        ],
        &now,
        None,
    );
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert_contains(&run.stderr, "--title names one deck");
    // A folder named with a slash that is not there: said, nothing written.
    let run = fiches_with(dir, &["import", "cours.apkg", "-o", "absent/"], &now, None);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert_contains(
        &run.stderr,
        "the folder absent/ for the deck absent/ does not exist",
    );
    assert!(!dir.join("absent").exists());
}

#[test]
fn when_the_history_cannot_be_brought_the_decks_written_and_the_way_on_are_said() {
    let scratch = Scratch::new();
    let dir = &scratch.path;
    seed_package(dir, "cours.apkg");
    std::fs::create_dir(dir.join("decks")).unwrap();
    scratch.write("notes.db", "not a store");
    let now = ("FICHES_NOW", "2026-12-02T09:00:00-05:00");
    let import = |out: &str, db: &str, force: bool| {
        let mut args = vec!["import", "cours.apkg", "-o", out, "--with-history"];
        if force {
            args.push("--force");
        }
        fiches_with(dir, &args, &[now, ("FICHES_DB", db)], None)
    };
    for (out, written) in [
        ("one.yaml", "the deck one.yaml was written".to_string()),
        (
            "decks",
            "the decks decks/cours-un.yaml, decks/cours-deux.yaml were written".to_string(),
        ),
    ] {
        let run = import(out, "notes.db", false);
        assert_eq!(run.status, 2, "{}", run.stderr);
        let said = format!(
            "fiches: error: {written}, but the history was not brought in: notes.db is not a fiches review store"
        );
        assert_contains(&run.stderr, &said);
        assert_contains(
            &run.stderr,
            "run the same import again with --force (the file there is refused without it)",
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("notes.db")).unwrap(),
            "not a store"
        );
        // What it says to do brings the history (into a store of its
        // own: the two imports share their cards' ids).
        let store = format!("{out}.db");
        let run = import(out, &store, true);
        assert_eq!(run.status, 0, "{}", run.stderr);
        assert_contains(
            &run.stderr,
            &format!("history brought into {store}: 1 card with 1 rating"),
        );
    }
}

/// A package exported from this store, imported back into it with its
/// history: the store refuses the second deck (its card ids are the first
/// one's), and the import says what it wrote and why the history is left out.
#[test]
fn a_history_the_store_refuses_says_what_was_written_and_why() {
    let scratch = Scratch::new();
    let dir = &scratch.path;
    scratch.write("decks/essai.yaml", crate::anki::BASIC_DECK);
    let env = |db: &'static str| {
        [
            ("FICHES_DB", db),
            ("FICHES_NOW", "2026-12-02T09:00:00-05:00"),
        ]
    };
    let sync = fiches_with(dir, &["sync", "decks"], &env("s.db"), None);
    assert_eq!(sync.status, 0, "{}", sync.stderr);
    let export = fiches_with(
        dir,
        &["export", "decks", "-o", "c.apkg"],
        &env("s.db"),
        None,
    );
    assert_eq!(export.status, 0, "{}", export.stderr);
    let import = |db: &'static str, force: bool| {
        let mut args = vec!["import", "c.apkg", "-o", "b.yaml", "--with-history"];
        if force {
            args.push("--force");
        }
        fiches_with(dir, &args, &env(db), None)
    };
    let run = import("s.db", false);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert_contains(
        &run.stderr,
        "fiches: error: the deck b.yaml was written (3 cards), but the review store refused to sync it, so its history was not brought in: duplicate card id `un`",
    );
    assert_contains(&run.stderr, "(2 errors, said above)");
    assert!(
        !run.stderr.contains("history brought into"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("0 cards"), "{}", run.stderr);
    assert!(strict_deck(dir, "b.yaml").cards.len() == 3);
    // What it says to do: into another store, with --force, the history comes.
    let run = import("other.db", true);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_contains(
        &run.stderr,
        "history brought into other.db: 0 cards with 0 ratings",
    );
}
