//! The loader's checks, one deck text at a time.

use super::*;
use crate::deck::Severity;

pub(in crate::deck) fn check(yaml: &str) -> LoadedDeck {
    parse_deck(Path::new("t.yaml"), yaml.as_bytes())
}

/// Each problem as "line:column severity: message".
pub(in crate::deck) fn problems(yaml: &str) -> Vec<String> {
    check(yaml)
        .diagnostics
        .iter()
        .map(|d| {
            format!(
                "{}:{} {}: {}",
                d.pos.line,
                d.pos.column,
                d.severity.as_str(),
                d.message
            )
        })
        .collect()
}

const GOOD: &str = "title: \"Chapitre 1\"\ncards:\n  - q: \"Est-ce que le client a toujours raison ?\"\n    points: 2\n    a:\n      - \"Techniquement, non;\"\n      - \"Néanmoins, sa satisfaction est primordiale.\"\n  - id: coprod\n    q: Le client participe-t-il ?\n    a: Oui.\n";

#[test]
fn a_good_deck_loads_every_field() {
    let loaded = check(GOOD);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let deck = loaded.deck.unwrap();
    assert_eq!(deck.id, DeckId("t".into()));
    assert_eq!(deck.title, "Chapitre 1");
    assert_eq!(deck.cards.len(), 2);
    assert_eq!(deck.cards[0].points, Some(2));
    assert_eq!(deck.cards[0].pos, Pos::new(3, 5));
    assert_eq!(
        deck.cards[0].answer.items()[1],
        "Néanmoins, sa satisfaction est primordiale."
    );
    assert_eq!(deck.cards[1].id.as_deref(), Some("coprod"));
    assert_eq!(deck.cards[1].answer, Answer::Text("Oui.".into()));
}

#[test]
fn bom_and_crlf_are_accepted() {
    let windows = format!("\u{feff}{}", GOOD.replace('\n', "\r\n"));
    let loaded = check(&windows);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    assert_eq!(
        loaded.deck.unwrap().cards[1].answer,
        Answer::Text("Oui.".into())
    );
}

#[test]
fn unknown_fields_are_errors_with_a_suggestion() {
    assert_eq!(
        problems("title: T\ncards:\n  - q: Q\n    a: A\n    anwser: B\n"),
        vec!["5:5 error: unknown card field `anwser`: did you mean `a`?"]
    );
    assert_eq!(
        problems("titel: T\ncards: []\n")[0],
        "1:1 error: unknown deck field `titel`: did you mean `title`?"
    );
}

#[test]
fn missing_or_empty_question_and_answer() {
    assert_eq!(
        problems(
            "title: T\ncards:\n  - a: A\n  - q: \"  \"\n    a: A\n  - q: Q\n    a: []\n  - q: Q2\n"
        ),
        vec![
            "3:5 error: card has no `q` (the question): add `q: \"…\"`",
            "4:8 error: `q` is empty",
            "7:8 error: `a` is an empty list: give at least one answer item",
            "8:5 error: card has no `a` (the answer): add `a: \"…\"` or a list of items",
        ]
    );
}

#[test]
fn wrong_types_name_the_field_and_value() {
    assert_eq!(
        problems("title: T\ncards:\n  - q: Q\n    a: A\n    points: trois\n"),
        vec![
            "5:13 error: `points` must be a whole number (how many items the answer holds), found text \"trois\""
        ]
    );
    assert_eq!(
        problems("title: T\ncards:\n  - q: 42\n    a: A\n"),
        vec!["3:8 error: `q` must be text, found a number 42: put it in quotes to make it text"]
    );
}

#[test]
fn missing_title_and_cards() {
    assert_eq!(
        problems("description: d\n"),
        vec![
            "1:1 error: missing `title`: add a line `title: \"…\"` at the top of the deck",
            "1:1 error: missing `cards`: add `cards:` followed by the list of cards",
        ]
    );
}

#[test]
fn duplicate_ids_are_errors_and_duplicate_questions_warnings() {
    let found = problems(
        "title: T\ncards:\n  - id: x\n    q: Qualité perçue ?\n    a: A\n  - id: x\n    q: \"qualite  PERCUE\"\n    a: B\n",
    );
    assert_eq!(
        found,
        vec![
            "6:5 error: duplicate card id `x` (first used by the card at line 3): card ids must be unique",
            "6:5 warning: same question as the card at line 3: merge the two cards or reword one",
        ]
    );
}

#[test]
fn points_mismatch_and_placeholders_are_warnings() {
    assert_eq!(
        problems(
            "title: T\ncards:\n  - q: Q\n    points: 3\n    a: [x, y]\n  - q: R\n    a: \"-\"\n"
        ),
        vec![
            "4:13 warning: `points: 3` but the answer has 2 items: make them agree",
            "7:8 warning: placeholder answer `-`: write the real answer",
        ]
    );
}

#[test]
fn duplicate_keys_point_at_the_second_key() {
    let found = problems("title: T\ncards:\n  - q: Q\n    a: A\n    q: R\n");
    assert_eq!(found.len(), 1);
    assert!(
        found[0].starts_with("5:5 error: duplicate key `q`"),
        "{found:?}"
    );
}

#[test]
fn tabs_latin1_and_nul_are_clear_errors() {
    let tab = problems("title: T\ncards:\n\t- q: Q\n");
    assert!(
        tab[0].starts_with("3:1 error: tab used for indentation"),
        "{tab:?}"
    );

    let latin1 = parse_deck(Path::new("t.yaml"), b"title: T\ncards:\n  - q: caf\xe9\n");
    let d = &latin1.diagnostics[0];
    assert_eq!((d.pos, d.severity), (Pos::new(3, 11), Severity::Error));
    assert!(d.message.contains("not UTF-8"), "{}", d.message);

    let nul = parse_deck(Path::new("t.yaml"), b"title: T\0\n");
    assert_eq!(nul.diagnostics[0].pos, Pos::new(1, 9));
}

#[test]
fn yaml_one_one_booleans_stay_text() {
    let loaded = check("title: T\ncards:\n  - q: Oui ou non ?\n    a: yes\n");
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    assert_eq!(
        loaded.deck.unwrap().cards[0].answer,
        Answer::Text("yes".into())
    );
}

fn big_deck(cards: usize) -> String {
    let mut text = String::from("title: \"Gros\"\ncards:\n");
    for i in 0..cards {
        text.push_str(&format!(
            "  - id: \"c{i}\"\n    q: \"Question {} ?\"\n    points: 2\n    a:\n      - \"Un élément assez long pour remplir le fichier {i}\"\n      - \"deux\"\n\n",
            i % 900
        ));
    }
    text
}

#[test]
fn a_big_deck_parsed_in_parts_gives_what_one_parse_gives() {
    let mut text = big_deck(1_200);
    assert!(super::super::outline::outline(&text).is_some());
    // Warnings far apart: duplicate questions, a points mismatch, a placeholder.
    text = text.replacen("      - \"deux\"\n", "      - \"TODO\"\n", 1);
    text = text.replacen("    points: 2\n", "    points: 3\n", 700);
    let path = Path::new("big.yaml");
    let parts = parse_deck_with(path, text.as_bytes(), 0);
    let whole = parse_deck_with(path, text.as_bytes(), usize::MAX);
    assert_eq!(parts.deck, whole.deck);
    assert_eq!(parts.diagnostics, whole.diagnostics);
    assert!(parts.diagnostics.len() > 700, "{}", parts.diagnostics.len());
    assert_eq!(parts.entries, 1_200);
}

#[test]
fn a_big_deck_with_a_syntax_error_reports_it_exactly() {
    let text = big_deck(1_200).replacen("id: \"c900\"", "id: \"c900\"\n    q: dup", 1);
    let path = Path::new("big.yaml");
    let parts = parse_deck_with(path, text.as_bytes(), 0);
    let whole = parse_deck_with(path, text.as_bytes(), usize::MAX);
    assert_eq!(parts.diagnostics, whole.diagnostics);
    assert_eq!(parts.diagnostics.len(), 1);
    assert!(
        parts.diagnostics[0]
            .message
            .starts_with("duplicate key `q`")
    );
}

#[test]
fn control_characters_are_refused_but_line_breaks_kept() {
    assert_eq!(
        problems("title: T\ncards:\n  - q: \"Q \\e[31m ?\"\n    a: \"un\\ndeux\\tx\"\n"),
        vec!["3:11 error: `q` contains the control character U+001B (\\e): remove it"]
    );
}

#[test]
fn control_and_bidi_characters_are_found_in_every_text_where_they_are() {
    let deck = concat!(
        "title: \"T \\e]0;x\\a\"\n",          // 1
        "description: \"\\u202E d\"\n",       // 2
        "source: \"s \\x9b\"\n",              // 3
        "tags: [ok, \"t\\x7f\"]\n",           // 4
        "cards:\n",                           // 5
        "  - q: |\n",                         // 6
        "      ligne\n",                      // 7
        "      puis \u{1b}[2J ici\n",         // 8
        "    a: [un, \"deux \\r trois\"]\n",  // 9
        "    note: \"n\\u2066\"\n",           // 10
        "    id: \"i\\e\"\n",                 // 11
        "  - kind: choice\n",                 // 12
        "    q: Q\n",                         // 13
        "    choices: [\"x\\u202d\", y]\n",   // 14
        "    correct: 2\n",                   // 15
        "  - kind: cloze\n",                  // 16
        "    q: \"Un ______\"\n",             // 17
        "    blanks: [\"b\\N\"]\n",           // 18
        "  - kind: match\n",                  // 19
        "    q: Q2\n",                        // 20
        "    pairs:\n",                       // 21
        "      - \"g\\e\": d\n",              // 22
        "      - h: \"\\u2069\"\n",           // 23
        "  - q: R  # \u{202e} commentaire\n", // 24
        "    a: S\n",
    );
    let found: Vec<String> = problems(deck)
        .into_iter()
        .map(|p| p.split(" error: ").next().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        found,
        vec![
            "1:11", "1:17", "2:15", "3:12", "4:14", "8:12", "9:19", "10:13", "11:11", "14:17",
            "18:16", "22:11", "23:13", "24:13"
        ]
    );
    let messages = problems(deck);
    assert!(
        messages[0].ends_with("`title` contains the control character U+001B (\\e): remove it")
    );
    assert!(messages[2].contains("`description` contains the bidirectional control U+202E"));
    assert!(messages[11].contains("`pairs`"), "{messages:?}");
    assert!(
        messages[13].contains("U+202E (\\u{202e}) is written here"),
        "{messages:?}"
    );
    // None of these cards is studied.
    assert_eq!(check(deck).deck.unwrap().cards.len(), 1);
}

#[test]
fn a_file_name_used_as_the_deck_id_is_checked_too() {
    let loaded = parse_deck(Path::new("decks/a\u{1b}]0;x.yaml"), GOOD.as_bytes());
    assert_eq!(loaded.diagnostics.len(), 1);
    assert!(loaded.diagnostics[0].message.contains("the file name"));
    let named = parse_deck(
        Path::new("decks/a\u{1b}]0;x.yaml"),
        format!("id: propre\n{GOOD}").as_bytes(),
    );
    assert!(named.diagnostics.is_empty(), "{:?}", named.diagnostics);
}

#[test]
fn a_colon_in_unquoted_text_says_to_quote_it() {
    let found =
        problems("title: T\ncards:\n  - q: Quelle est la règle : dire oui ?\n    a: Oui.\n");
    assert_eq!(found.len(), 1);
    assert!(found[0].contains("must be quoted"), "{found:?}");
}

#[test]
fn numbers_with_leading_zeros_stay_text() {
    let loaded = check("title: T\ncards:\n  - id: 007\n    q: Q\n    a: .inf\n");
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let card = &loaded.deck.unwrap().cards[0];
    assert_eq!(card.id.as_deref(), Some("007"));
    assert_eq!(card.answer, Answer::Text(".inf".into()));
}

#[test]
fn every_bad_item_of_a_list_is_reported() {
    assert_eq!(
        problems("title: T\ncards:\n  - q: Q\n    a: [1, x, 2]\n").len(),
        2
    );
}

#[test]
fn deck_id_defaults_to_file_stem() {
    let loaded = parse_deck(Path::new("decks/ch1-approche.yml"), GOOD.as_bytes());
    assert_eq!(loaded.deck.unwrap().id, DeckId("ch1-approche".into()));
}

/// A deck read from bytes it takes is the deck read from a borrowed copy:
/// text, cards, hashes and every diagnostic (bad UTF-8, a byte-order mark,
/// a NUL byte included), on every input of the corpus.
#[test]
fn bytes_taken_read_as_bytes_lent() {
    let mut inputs = crate::deck::outline::tests::corpus(100);
    inputs.push(b"\xef\xbb\xbftitle: T\ncards:\n  - q: A\n    a: B\n".to_vec());
    inputs.push(b"title: T\ncards:\n  - q: A\xff\n    a: B\n".to_vec());
    inputs.push(b"title: T\ncards:\n  - q: A\0\n    a: B\n".to_vec());
    for bytes in inputs {
        let path = Path::new("t.yaml");
        let lent = parse_deck(path, &bytes);
        let taken = parse_deck_owned(path, bytes.clone());
        assert_eq!(taken.text, lent.text, "{bytes:?}");
        assert_eq!(taken.deck, lent.deck, "{bytes:?}");
        assert_eq!(taken.diagnostics, lent.diagnostics, "{bytes:?}");
        assert_eq!(taken.card_hashes, lent.card_hashes, "{bytes:?}");
        assert_eq!(taken.entries, lent.entries, "{bytes:?}");
    }
}

/// The byte-by-byte look for controls finds what a look at each character
/// finds: every character of the first planes, alone and between others.
#[test]
fn controls_are_found_byte_by_byte_as_char_by_char() {
    let by_char = |text: &str| text.chars().any(|c| c != '\r' && text::is_unsafe(c));
    let mut found = 0;
    for code in (0..0x3000u32).chain(0xfe00..0x1_0100) {
        let Some(c) = char::from_u32(code) else {
            continue;
        };
        for text in [c.to_string(), format!("é{c}"), format!("{c}éx")] {
            assert_eq!(has_written_controls(&text), by_char(&text), "{code:x}");
        }
        found += usize::from(has_written_controls(&c.to_string()));
    }
    assert_eq!(found, 9 + 20 + 1 + 32 + 5 + 4);
}
