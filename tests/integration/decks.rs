//! The bundled decks: each keeps its cards, so none disappears silently.

use std::path::Path;

use fiches::deck::{CardKind, Severity, read_deck};

/// Every file in decks/ and its number of cards, as in decks/README.md.
const BUNDLED: &[(&str, usize)] = &[
    ("accueil-relations-clients.yaml", 39),
    ("apres-service.yaml", 61),
    ("ch1-approche-client.yaml", 39),
    ("organisation-du-cours.yaml", 6),
    ("plaintes.yaml", 13),
    ("qualite-grc.yaml", 49),
];

fn decks_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("decks")
}

#[test]
fn every_bundled_deck_keeps_its_cards() {
    for (file, expected) in BUNDLED {
        let loaded = read_deck(&decks_dir().join(file)).unwrap();
        let errors: Vec<String> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(ToString::to_string)
            .collect();
        assert!(errors.is_empty(), "{file}: {errors:?}");
        let cards = loaded.deck.as_ref().map_or(0, |deck| deck.cards.len());
        assert_eq!(cards, *expected, "{file}: card count changed");
        assert_eq!(loaded.card_count(), *expected, "{file}");
    }
}

#[test]
fn the_list_names_every_deck_file() {
    let mut files: Vec<String> = std::fs::read_dir(decks_dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".yaml") || name.ends_with(".yml"))
        .collect();
    files.sort();
    let listed: Vec<&str> = BUNDLED.iter().map(|(file, _)| *file).collect();
    assert_eq!(
        files, listed,
        "add the new deck and its card count to BUNDLED"
    );
}

/// What a student reads as the card, and types into blanks: one apostrophe
/// style (the straight one) throughout, as grading treats both alike anyway.
#[test]
fn questions_and_answers_use_straight_apostrophes() {
    for (file, _) in BUNDLED {
        let loaded = read_deck(&decks_dir().join(file)).unwrap();
        let Some(deck) = loaded.deck else {
            panic!("{file}: not read");
        };
        for card in &deck.cards {
            let mut texts: Vec<&str> = vec![card.question.as_str()];
            texts.extend(card.answer.items().iter().map(String::as_str));
            match &card.kind {
                CardKind::Choice { choices, .. } => {
                    texts.extend(choices.iter().map(String::as_str))
                }
                CardKind::Cloze { blanks } => {
                    texts.extend(blanks.iter().flatten().map(String::as_str));
                }
                CardKind::Match { pairs } => {
                    for (left, right) in pairs {
                        texts.push(left);
                        texts.push(right);
                    }
                }
                CardKind::Basic | CardKind::TrueFalse { .. } => {}
            }
            for text in texts {
                assert!(
                    !text.contains('\u{2019}'),
                    "{file}:{}: curly apostrophe in {text:?}",
                    card.pos.line
                );
            }
        }
    }
}

/// The Study Notes' "Seulement 5 à 10 %" blank takes the range however a
/// student writes it.
#[test]
fn the_five_to_ten_percent_blank_takes_any_usual_range() {
    use fiches::review::grade::{Blank, blank};
    let loaded = read_deck(&decks_dir().join("apres-service.yaml")).unwrap();
    let deck = loaded.deck.unwrap();
    let card = deck
        .cards
        .iter()
        .find(|c| c.id.as_deref() == Some("aps-pourcentage-plaignants"))
        .expect("the 5 to 10 % card");
    let CardKind::Cloze { blanks } = &card.kind else {
        panic!("a fill-in-the-blank card");
    };
    for typed in ["5 à 10", "5-10", "5 et 10", "entre 5 et 10", "5 à 10 %"] {
        assert_eq!(blank(&blanks[0], typed), Blank::Right, "{typed}");
    }
    assert!(matches!(blank(&blanks[0], "26"), Blank::Wrong { .. }));
}
