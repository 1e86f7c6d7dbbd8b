//! `fiches convert` on the course's real page captures and on bad input.

use std::path::{Path, PathBuf};

use fiches::deck::{Answer, Card, Deck, Severity, parse_deck};

use crate::support::{Run, Scratch, fiches_in, fiches_with, shared};

fn seeds() -> Option<PathBuf> {
    shared().map(|dir| dir.join("seeds"))
}

/// The deck on stdout, which must load without a single error.
fn deck_of(run: &Run) -> Deck {
    let loaded = parse_deck(Path::new("out.yaml"), run.stdout.as_bytes());
    let errors: Vec<_> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}\n{}", run.stdout);
    loaded.deck.unwrap()
}

fn card<'d>(deck: &'d Deck, question: &str) -> &'d Card {
    deck.cards
        .iter()
        .find(|c| c.question == question)
        .unwrap_or_else(|| panic!("no card {question:?}"))
}

fn list(items: &[&str]) -> Answer {
    Answer::List(items.iter().map(|s| (*s).to_string()).collect())
}

/// Writing the deck with -o gives a file `fiches check` accepts.
fn passes_check(seeds: &Path, format: &str, file: &str) {
    let scratch = Scratch::new();
    let out = scratch.path.join("out.yaml");
    let out = out.to_str().unwrap();
    let run = fiches_in(seeds, &["convert", "--from", format, file, "-o", out]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    let check = fiches_in(&scratch.path, &["check", "out.yaml"]);
    assert_eq!(check.status, 0, "{}", check.stderr);
    assert!(check.stderr.contains(": 0 errors, "), "{}", check.stderr);
}

#[test]
fn brainscape_chapter_1() {
    let Some(seeds) = seeds() else { return };
    let file = "000_dd1099e4e307b9fb.txt";
    let run = fiches_in(&seeds, &["convert", "--from", "brainscape", file]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    // Card 28's answer is only "-": skipped, reported at its question's
    // line; what the page leaves to settle is listed as check lists it.
    assert_eq!(
        run.stderr,
        "35 cards written, 0 duplicates merged, 1 item without an answer skipped (line 358)\n\
<stdout>:105:5: warning: same question as the card at line 91: merge the two cards or reword one\n\
<stdout>:120:13: warning: `points: 2` but the answer has 3 items: make them agree\n\
the deck has 2 problems for you to settle: `fiches check --strict` refuses it until then\n"
    );
    let deck = deck_of(&run);
    assert_eq!(deck.cards.len(), 35);
    assert_eq!(
        deck.title,
        "Chapitre 1 - Introduction au service à la clientèle et à l'approche client"
    );
    assert_eq!(deck.source.as_deref(), Some(file));

    let first = &deck.cards[0];
    assert_eq!(first.question, "Est-ce que le client a toujours raison ?");
    assert_eq!(first.points, Some(3));
    assert_eq!(
        first.answer,
        list(&[
            "Techniquement, nous ne donnerons pas raison à tous les clients et dans toutes les circonstances;",
            "Néanmoins, en SAC, il faut garder à l’esprit que la satisfaction du client est primordiale;",
            "Donc, il faut tout faire pour le satisfaire…dans la mesure du possible.",
        ])
    );
    // Blank lines and a second bullet captured as "- ".
    let levels = card(&deck, "Quels sont les 2 niveaux de service ?");
    assert_eq!(levels.answer, list(&["Après-vente;", "À la clientèle."]));
    // "()" gives no points; the parenthesis inside the question stays.
    assert_eq!(
        card(&deck, "Qu’est-ce que la fidélisation de la clientèle ?").points,
        None
    );
    let kinds = card(
        &deck,
        "Quels sont les types de consommateurs (concept lié à la fidélisation de la clientèle) ?",
    );
    assert_eq!(kinds.points, Some(4));
    assert_eq!(
        card(
            &deck,
            "Vrai/Faux ? - Le client est plus guidé par ses émotions que par la raison."
        )
        .answer,
        Answer::Text("Vrai.".into())
    );
    // The last card, with no rating scale after it, is complete.
    let last = deck.cards.last().unwrap();
    assert_eq!(last.question, "Qu’est-ce qu’un client externe ?");
    assert_eq!(last.answer.items().len(), 1);
    // Card 30 holds the answer card 28 lacks.
    assert_eq!(
        card(&deck, "Qu’est-ce que le positionnement ?")
            .answer
            .items()[0],
        "Définition de la position qu’occupe une marque ou un produit donné par rapport aux marques et aux produits concurrents, dans l’esprit du consommateur."
    );

    passes_check(&seeds, "brainscape", file);
}

#[test]
fn quizlet_complaints() {
    let Some(seeds) = seeds() else { return };
    let file = "003_ef964023726cf3ae.txt";
    let run = fiches_in(&seeds, &["convert", "--from", "quizlet", file]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "003_ef964023726cf3ae.txt:26: same card as line 19: merged\n\
         003_ef964023726cf3ae.txt:47: same card as line 42: merged\n\
         14 cards written, 2 duplicates merged, 0 items without an answer skipped\n"
    );
    let deck = deck_of(&run);
    assert_eq!(deck.title, "plainte");
    assert_eq!(deck.cards.len(), 14);

    // "- A - B" on one line is two items; the "**" line is the card's note.
    let first = &deck.cards[0];
    assert_eq!(
        first.question,
        "Quelles sont les possibilités pour un client insatisfait"
    );
    assert_eq!(first.answer.items().len(), 8);
    assert_eq!(first.answer.items()[6], "Bouche à oreille négatif");
    assert_eq!(first.answer.items()[7], "Ne rien faire");
    assert_eq!(
        first.note.as_deref(),
        Some("une ou l’autre ou une combinaison est possibile")
    );
    // A heading in capitals with no item of its own titles the questions under it.
    assert_eq!(
        card(
            &deck,
            "COMMENT GÉRER EFFICACEMENT LES PLAINTES - Identifier les plaintes"
        )
        .answer,
        list(&[
            "conduire des recherches",
            "Surveiller les plaintes",
            "Développer une culture d’opportunité autour des plaintes",
        ])
    );
    // "…GARANTIES-non": the answer's first word was glued to the heading.
    let guarantees = card(
        &deck,
        "EST-IL TOUJOURS PERTINENTS D’INTRODUIRE DES GARANTIES",
    );
    assert_eq!(guarantees.answer.items()[0], "non");
    assert_eq!(guarantees.answer.items().len(), 5);
    // Numbered lines are items, and keep their numbers.
    let expect = card(
        &deck,
        "Une fois que ce sont plaint les clients, ils s’attendent à quoi",
    );
    assert_eq!(expect.answer.items()[3], "3. Justice par le résultat");
    assert_eq!(expect.answer.items()[4], "Réponses des clients");

    passes_check(&seeds, "quizlet", file);
}

#[test]
fn quiz_page_stops_before_the_term_cards() {
    let Some(seeds) = seeds() else { return };
    let file = "001_a8ae3151224db3f8.txt";
    let run = fiches_in(&seeds, &["convert", "--from", "quizpage", file]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let unanswered: Vec<String> = (15..=93).step_by(2).map(|n| n.to_string()).collect();
    assert_eq!(
        run.stderr,
        format!(
            "001_a8ae3151224db3f8.txt:95: stopped at \"Flashcards\": the term flashcards and study notes that follow are not converted\n\
             001_a8ae3151224db3f8.txt: no title in the text: the deck is titled \"001_a8ae3151224db3f8\"; give another with --title\n\
             3 cards written, 0 duplicates merged, 40 items without an answer skipped (lines {})\n",
            unanswered.join(", ")
        )
    );
    let deck = deck_of(&run);
    assert_eq!(deck.cards.len(), 3);
    let gates = &deck.cards[0];
    assert_eq!(
        gates.question,
        "Selon Bill Gates, quelle est la plus grande source d'enseignement pour une entreprise?"
    );
    // Multiple-choice and true/false items become cards of those kinds.
    assert_eq!(
        gates.kind,
        fiches::deck::CardKind::Choice {
            choices: vec![
                "Les employés les plus expérimentés".into(),
                "Les analyses de la concurrence".into(),
                "Les clients les plus mécontents".into(),
                "Les études de marché approfondies".into()
            ],
            correct: vec![2],
            shuffle: true
        }
    );
    assert_eq!(
        gates.answer,
        Answer::List(vec!["Les clients les plus mécontents".into()])
    );
    assert_eq!(
        deck.cards[1].question,
        "Dans un environnement de services, l'objectif est d'éliminer complètement les échecs de service."
    );
    assert_eq!(
        deck.cards[1].kind,
        fiches::deck::CardKind::TrueFalse { answer: false }
    );
    assert_eq!(
        deck.cards[2].answer,
        Answer::Text("Regagner la confiance du client".into())
    );

    let titled = fiches_in(
        &seeds,
        &[
            "convert",
            "--from",
            "quizpage",
            file,
            "--title",
            "L'après-service",
        ],
    );
    assert_eq!(deck_of(&titled).title, "L'après-service");
    assert!(!titled.stderr.contains("no title"), "{}", titled.stderr);

    passes_check(&seeds, "quizpage", file);
}

#[test]
fn stdin_is_read_by_default() {
    let scratch = Scratch::new();
    let page = "plainte Flashcards\nPourquoi les clients se plaignent\n- Libérer leur colère\n- Des raisons altruistes\n";
    let run = fiches_with(
        &scratch.path,
        &["convert", "--from", "quizlet"],
        &[],
        Some(page),
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "# Written by `fiches convert --from quizlet`: read it through before use.\n\
         title: \"plainte\"\n\
         cards:\n  - q: \"Pourquoi les clients se plaignent\"\n    a:\n      - \"Libérer leur colère\"\n      - \"Des raisons altruistes\"\n"
    );
    assert_eq!(
        run.stderr,
        "1 card written, 0 duplicates merged, 0 items without an answer skipped\n"
    );
    let dash = fiches_with(
        &scratch.path,
        &["convert", "--from", "quizlet", "-"],
        &[],
        Some(page),
    );
    assert_eq!(dash.stdout, run.stdout);
}

#[test]
fn input_problems_exit_2() {
    let scratch = Scratch::new();
    let run = fiches_in(
        &scratch.path,
        &["convert", "--from", "brainscape", "nope.txt"],
    );
    assert_eq!(run.status, 2);
    assert_eq!(
        run.stderr,
        "fiches: error: cannot read nope.txt: No such file or directory (os error 2)\n"
    );
    assert_eq!(run.stdout, "");

    scratch.write("latin1.txt", b"Q\n\nqualit\xe9\n");
    let run = fiches_in(
        &scratch.path,
        &["convert", "--from", "quizlet", "latin1.txt"],
    );
    assert_eq!(run.status, 2);
    assert_eq!(
        run.stderr,
        "fiches: error: cannot read latin1.txt: not UTF-8 text (byte 10 is invalid): save the page's text as UTF-8\n"
    );
}

#[test]
fn usage_problems_exit_2() {
    let scratch = Scratch::new();
    let run = fiches_in(&scratch.path, &["convert", "--from", "anki", "x.txt"]);
    assert_eq!(run.status, 2);
    assert!(
        run.stderr.contains("invalid value 'anki'"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("brainscape, quizlet, quizpage"),
        "{}",
        run.stderr
    );

    // Without --from, the text is read first to tell its format.
    let run = fiches_in(&scratch.path, &["convert", "x.txt"]);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("cannot read x.txt"), "{}", run.stderr);
}

#[test]
fn an_existing_output_is_kept_unless_forced() {
    let scratch = Scratch::new();
    scratch.write("page.txt", "Question\n- Réponse\n");
    scratch.write("deck.yaml", "curated by hand\n");
    let args = [
        "convert",
        "--from",
        "quizlet",
        "page.txt",
        "-o",
        "deck.yaml",
    ];
    let run = fiches_in(&scratch.path, &args);
    assert_eq!(run.status, 2);
    assert_eq!(
        run.stderr,
        "fiches: error: deck.yaml already exists: choose another file, or pass --force to replace it\n"
    );
    let kept = std::fs::read_to_string(scratch.path.join("deck.yaml")).unwrap();
    assert_eq!(kept, "curated by hand\n");

    let forced = fiches_in(&scratch.path, &[&args[..], &["--force"]].concat());
    assert_eq!(forced.status, 0, "{}", forced.stderr);
    let written = std::fs::read_to_string(scratch.path.join("deck.yaml")).unwrap();
    assert!(
        written.contains("title: \"page\"\nsource: \"page.txt\"\n"),
        "{written}"
    );
    assert!(
        forced
            .stderr
            .starts_with("page.txt: no title in the text: the deck is titled \"page\""),
        "{}",
        forced.stderr
    );
}

#[test]
fn a_page_with_no_card_writes_nothing_and_exits_1() {
    let scratch = Scratch::new();
    scratch.write("page.txt", "Podcast\nQuestions and Answers\nRien ici.\n");
    let run = fiches_in(
        &scratch.path,
        &[
            "convert",
            "--from",
            "brainscape",
            "page.txt",
            "-o",
            "deck.yaml",
        ],
    );
    assert_eq!(run.status, 1);
    assert!(
        run.stderr.ends_with(
            "0 cards written, 0 duplicates merged, 0 items without an answer skipped\n\
             fiches: error: no card found in page.txt: is it a brainscape page? Nothing written\n"
        ),
        "{}",
        run.stderr
    );
    assert!(!scratch.path.join("deck.yaml").exists());
}
