//! The kinds of card, in one place: what each holds, the fields a deck
//! writes it with and how they are checked, and how its answer is shown.
//! A new kind starts here; the compiler then points at every `match` on
//! [`CardKind`] that must learn it (the graded answering in
//! `review/answer.rs` and `review/grade.rs`, the store's `StoredKind` in
//! `store/types.rs`, the screens and the Anki export).

use super::Pos;
use super::load::{Checker, KnownFields, suggestion, type_message};
use super::yaml::{Node, Value};
use crate::text;

/// The kinds of card the format knows. Basic cards are rated by the
/// student; the others are answered and graded, then rated.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum CardKind {
    #[default]
    Basic,
    /// A statement, true or false.
    #[serde(rename = "truefalse")]
    TrueFalse { answer: bool },
    /// One or several right choices among `choices` (indices from 0).
    Choice {
        choices: Vec<String>,
        correct: Vec<usize>,
        shuffle: bool,
    },
    /// A text with `______` blanks; each blank with its accepted answers.
    Cloze { blanks: Vec<Vec<String>> },
    /// Left items to associate with right ones.
    Match { pairs: Vec<(String, String)> },
}

impl CardKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            CardKind::Basic => "basic",
            CardKind::TrueFalse { .. } => "truefalse",
            CardKind::Choice { .. } => "choice",
            CardKind::Cloze { .. } => "cloze",
            CardKind::Match { .. } => "match",
        }
    }

    /// The answer to show for this kind (after any explanation of `a`).
    pub fn shown_answer(&self) -> Vec<String> {
        match self {
            CardKind::Basic => Vec::new(),
            CardKind::TrueFalse { answer } => {
                vec![if *answer { "Vrai." } else { "Faux." }.to_string()]
            }
            CardKind::Choice {
                choices, correct, ..
            } => correct
                .iter()
                .filter_map(|i| choices.get(*i).cloned())
                .collect(),
            CardKind::Cloze { blanks } => blanks
                .iter()
                .enumerate()
                .map(|(i, variants)| format!("{}. {}", i + 1, variants.join(" / ")))
                .collect(),
            CardKind::Match { pairs } => pairs
                .iter()
                .map(|(left, right)| format!("{left} → {right}"))
                .collect(),
        }
    }
}

impl CardKind {
    /// The kind, and for a choice card every choice with the right ones
    /// marked: what an instructor checks in a preview beyond the answer.
    pub fn preview_lines(&self) -> Vec<String> {
        match self {
            CardKind::Basic => Vec::new(),
            CardKind::Choice {
                choices,
                correct,
                shuffle,
            } => {
                let mut lines = vec![format!(
                    "kind: choice{}",
                    if *shuffle { "" } else { " (not shuffled)" }
                )];
                lines.extend(choices.iter().enumerate().map(|(i, c)| {
                    let mark = if correct.contains(&i) { "✓" } else { " " };
                    format!("  {mark} {}) {c}", choice_letter(i))
                }));
                lines
            }
            other => vec![format!("kind: {}", other.as_str())],
        }
    }
}

/// The letter a choice is shown with (`a` first).
pub fn choice_letter(index: usize) -> char {
    char::from(b'a' + u8::try_from(index % 26).unwrap_or(0))
}

/// How a blank is written in a cloze card's text: three underscores or more.
pub fn count_blanks(text: &str) -> usize {
    let mut count = 0;
    let mut run = 0;
    for c in text.chars().chain(std::iter::once(' ')) {
        if c == '_' {
            run += 1;
        } else {
            if run >= 3 {
                count += 1;
            }
            run = 0;
        }
    }
    count
}

/// The kinds by the name a deck gives in `kind:`.
pub(super) const KINDS: &[&str] = &["basic", "truefalse", "choice", "cloze", "match"];

/// The fields each kind of card takes beyond the common ones.
pub(super) fn kind_fields(kind: &str) -> &'static [&'static str] {
    match kind {
        "truefalse" => &["answer"],
        "choice" => &["choices", "correct", "shuffle"],
        "cloze" => &["blanks"],
        "match" => &["pairs"],
        _ => &[],
    }
}

/// Every field a card may have: the common ones, then each kind's.
pub(super) const CARD_FIELDS: &[&str] = &[
    "q", "a", "id", "points", "ask", "tags", "note", "source", "kind", "answer", "choices",
    "correct", "shuffle", "blanks", "pairs",
];

impl Checker<'_> {
    pub(super) fn kind_name(&mut self, node: &mut Node) -> Option<&'static str> {
        let Value::Str(name) = &node.value else {
            self.error(
                node.pos,
                format!(
                    "`kind` must be text such as `basic`, found {}",
                    node.value.describe()
                ),
            );
            return None;
        };
        match KINDS.iter().find(|k| **k == name.as_str()) {
            Some(kind) => Some(kind),
            None => {
                let hint = suggestion(name, KINDS)
                    .map(|s| format!("did you mean `{s}`?"))
                    .unwrap_or_else(|| format!("the kinds are {}", KINDS.join(", ")));
                self.error(node.pos, format!("unknown card kind `{name}`: {hint}"));
                None
            }
        }
    }

    /// The data of a graded kind, checked: answer, choices, blanks, pairs.
    pub(super) fn kind_data(
        &mut self,
        name: &str,
        fields: &mut KnownFields<'_, '_>,
        card_pos: Pos,
        question: Option<&str>,
    ) -> Option<CardKind> {
        let mut required = |checker: &mut Self, field: &str, what: &str| {
            let node = fields.take(field);
            if node.is_none() {
                checker.error(card_pos, format!("a `{name}` card needs `{field}`: {what}"));
            }
            node
        };
        match name {
            "basic" => Some(CardKind::Basic),
            "truefalse" => {
                let node = required(self, "answer", "`answer: true` or `answer: false`")?;
                match node.value {
                    Value::Bool(answer) => Some(CardKind::TrueFalse { answer }),
                    ref other => {
                        self.error(node.pos, type_message("answer", "true or false", other));
                        None
                    }
                }
            }
            "choice" => {
                let choices_node = required(self, "choices", "the list of choices")?;
                let correct_node = required(
                    self,
                    "correct",
                    "the right choice (its number, from 1, or its text)",
                );
                let choices = self.text_list(choices_node, "choices")?;
                if choices.len() < 2 || choices.len() > 26 {
                    self.error(
                        choices_node.pos,
                        format!(
                            "`choices` needs 2 to 26 choices (one letter each), found {}",
                            choices.len()
                        ),
                    );
                    return None;
                }
                if let Some(twice) = choices.iter().enumerate().find_map(|(i, c)| {
                    choices[..i]
                        .iter()
                        .any(|earlier| text::normalize(earlier) == text::normalize(c))
                        .then_some(c)
                }) {
                    self.error(
                        choices_node.pos,
                        format!("the choice \"{twice}\" is there twice: each choice must differ"),
                    );
                    return None;
                }
                let correct = self.correct(correct_node?, &choices)?;
                let shuffle = match fields.take("shuffle") {
                    None => true,
                    Some(node) => match node.value {
                        Value::Bool(b) => b,
                        ref other => {
                            self.error(node.pos, type_message("shuffle", "true or false", other));
                            return None;
                        }
                    },
                };
                Some(CardKind::Choice {
                    choices,
                    correct,
                    shuffle,
                })
            }
            "cloze" => {
                let node = required(self, "blanks", "the answer of each ______ blank")?;
                let pos = node.pos;
                let Value::Seq(items) = &mut node.value else {
                    self.error(
                        pos,
                        type_message("blanks", "a list (one answer per blank)", &node.value),
                    );
                    return None;
                };
                let mut blanks = Vec::with_capacity(items.len());
                for item in items.iter_mut() {
                    let item_pos = item.pos;
                    let variants = match &item.value {
                        Value::Seq(_) => self.text_list(item, "blanks")?,
                        _ => vec![self.required_text(item, "blanks")?],
                    };
                    // An answer must be something a student can type.
                    if variants.is_empty() || variants.iter().any(|v| text::normalize(v).is_empty())
                    {
                        self.error(
                            item_pos,
                            "each blank needs an answer with letters or digits (punctuation alone cannot be typed and graded)",
                        );
                        return None;
                    }
                    blanks.push(variants);
                }
                let in_text = question.map_or(0, count_blanks);
                if in_text == 0 {
                    self.error(card_pos, "a `cloze` card's `q` needs blanks written ______");
                    return None;
                }
                if in_text != blanks.len() {
                    self.error(
                        pos,
                        format!(
                            "the text has {in_text} blank{} (______) but `blanks` gives {} answer{}",
                            if in_text == 1 { "" } else { "s" },
                            blanks.len(),
                            if blanks.len() == 1 { "" } else { "s" }
                        ),
                    );
                    return None;
                }
                Some(CardKind::Cloze { blanks })
            }
            "match" => {
                let node = required(self, "pairs", "a list of `left: right` pairs")?;
                let pos = node.pos;
                let Value::Seq(items) = &mut node.value else {
                    self.error(
                        pos,
                        type_message("pairs", "a list of `left: right` pairs", &node.value),
                    );
                    return None;
                };
                let mut pairs: Vec<(String, String)> = Vec::new();
                let mut ok = true;
                for item in items.iter_mut() {
                    let item_pos = item.pos;
                    let pair = match &mut item.value {
                        Value::Map(entries) if entries.len() == 1 => {
                            let (left, right) = &mut entries[0];
                            match (&left.value, &right.value) {
                                (Value::Str(l), Value::Str(r))
                                    if !l.trim().is_empty() && !r.trim().is_empty() =>
                                {
                                    Some((l.clone(), r.clone()))
                                }
                                _ => None,
                            }
                        }
                        _ => None,
                    };
                    let Some((left, right)) = pair else {
                        self.error(
                            item_pos,
                            "each pair is one line `- \"left\": \"right\"`, both text",
                        );
                        ok = false;
                        continue;
                    };
                    if pairs
                        .iter()
                        .any(|(l, _)| text::normalize(l) == text::normalize(&left))
                    {
                        self.error(
                            item_pos,
                            format!(
                                "`{left}` is on the left of two pairs: each side must be unique"
                            ),
                        );
                        ok = false;
                    } else if pairs
                        .iter()
                        .any(|(_, r)| text::normalize(r) == text::normalize(&right))
                    {
                        self.error(
                            item_pos,
                            format!(
                                "`{right}` is on the right of two pairs: each side must be unique"
                            ),
                        );
                        ok = false;
                    } else {
                        pairs.push((left, right));
                    }
                }
                if ok && pairs.len() < 2 {
                    self.error(pos, "`pairs` needs at least two pairs");
                    return None;
                }
                ok.then_some(CardKind::Match { pairs })
            }
            _ => None,
        }
    }

    /// `correct`: a choice's number (from 1) or text, or a list of them.
    fn correct(&mut self, node: &mut Node, choices: &[String]) -> Option<Vec<usize>> {
        let pos = node.pos;
        let items: Vec<Node> = match &node.value {
            Value::Seq(items) => items.clone(),
            _ => vec![node.clone()],
        };
        if items.is_empty() {
            self.error(pos, "`correct` names no choice");
            return None;
        }
        let mut correct = Vec::new();
        for item in items {
            let index = match &item.value {
                Value::Int(n) => match usize::try_from(*n)
                    .ok()
                    .filter(|n| (1..=choices.len()).contains(n))
                {
                    Some(n) => n - 1,
                    None => {
                        self.error(
                            item.pos,
                            format!(
                                "`correct: {n}` but the choices go from 1 to {}",
                                choices.len()
                            ),
                        );
                        return None;
                    }
                },
                Value::Str(text) => match choices
                    .iter()
                    .position(|c| text::normalize(c) == text::normalize(text))
                {
                    Some(i) => i,
                    None => {
                        self.error(
                            item.pos,
                            format!("`correct: \"{text}\"` is not one of the choices"),
                        );
                        return None;
                    }
                },
                other => {
                    self.error(
                        item.pos,
                        type_message("correct", "a choice's number or text", other),
                    );
                    return None;
                }
            };
            if !correct.contains(&index) {
                correct.push(index);
            }
        }
        correct.sort_unstable();
        Some(correct)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::Answer;
    use crate::deck::load::tests::{check, problems};

    const KINDS_DECK: &str = r#"title: "Sortes"
cards:
  - kind: truefalse
    q: "L'échec de service est évitable."
    answer: false
    a: "Le zéro défaut n'existe pas."
  - kind: choice
    q: "Plus grande source d'enseignement ?"
    choices: ["Les employés", "Les clients les plus mécontents", "Les études"]
    correct: 2
  - kind: cloze
    q: "Réagir rapidement et ______ ; le client ______."
    blanks: [["efficacement", "efficacement."], "revient"]
  - kind: match
    q: "Associez."
    pairs:
      - "Justice procédurale": "les règles"
      - "Justice interactive": "le traitement"
"#;

    #[test]
    fn every_kind_of_card_loads() {
        let loaded = check(KINDS_DECK);
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        let cards = loaded.deck.unwrap().cards;
        assert_eq!(cards[0].kind, CardKind::TrueFalse { answer: false });
        assert_eq!(
            cards[0].answer,
            Answer::List(vec!["Faux.".into(), "Le zéro défaut n'existe pas.".into()])
        );
        assert_eq!(
            cards[1].kind,
            CardKind::Choice {
                choices: vec![
                    "Les employés".into(),
                    "Les clients les plus mécontents".into(),
                    "Les études".into()
                ],
                correct: vec![1],
                shuffle: true
            }
        );
        assert_eq!(
            cards[2].kind,
            CardKind::Cloze {
                blanks: vec![
                    vec!["efficacement".into(), "efficacement.".into()],
                    vec!["revient".into()]
                ]
            }
        );
        assert_eq!(
            cards[3].answer,
            Answer::List(vec![
                "Justice procédurale → les règles".into(),
                "Justice interactive → le traitement".into()
            ])
        );
    }

    #[test]
    fn each_kind_is_checked() {
        let broken = KINDS_DECK
            .replace("answer: false", "answer: peut-être")
            .replace("correct: 2", "correct: 5")
            .replace("\"revient\"]", "\"revient\", \"trop\"]")
            .replace("\"le traitement\"", "\"les règles\"");
        assert_eq!(
            problems(&broken),
            vec![
                "5:13 error: `answer` must be true or false, found text \"peut-être\"",
                "10:14 error: `correct: 5` but the choices go from 1 to 3",
                "13:13 error: the text has 2 blanks (______) but `blanks` gives 3 answers",
                "18:9 error: `les règles` is on the right of two pairs: each side must be unique",
            ]
        );
        assert_eq!(
            problems(
                "title: T\ncards:\n  - q: Q\n    a: A\n    choices: [x, y]\n  - kind: flip\n    q: Q\n    a: A\n"
            ),
            vec![
                "5:14 error: `choices` belongs to `kind: choice` cards, and this card is `basic`",
                "6:11 error: unknown card kind `flip`: the kinds are basic, truefalse, choice, cloze, match",
            ]
        );
        assert_eq!(
            problems(
                "title: T\ncards:\n  - kind: choice\n    q: Q\n    choices: [x, y]\n    correct: z\n"
            ),
            vec!["6:14 error: `correct: \"z\"` is not one of the choices"]
        );
        assert_eq!(
            problems(
                "title: T\ncards:\n  - kind: choice\n    q: Q\n    choices: [Oui, oui, Non]\n    correct: 1\n"
            ),
            vec!["5:14 error: the choice \"oui\" is there twice: each choice must differ"]
        );
        assert_eq!(
            problems(
                "title: T\ncards:\n  - kind: cloze\n    q: \"Un ______ ici\"\n    blanks: [\"…\"]\n"
            ),
            vec![
                "5:14 error: each blank needs an answer with letters or digits (punctuation alone cannot be typed and graded)"
            ]
        );
        assert_eq!(
            problems(
                "title: T\ncards:\n  - kind: truefalse\n    q: Q\n    answer: true\n    points: 2\n"
            ),
            vec![
                "6:13 error: `points` is for basic cards: a graded card's answer is graded, not counted"
            ]
        );
    }

    #[test]
    fn every_kind_field_is_a_card_field() {
        let mut expected: Vec<&str> = super::super::load::COMMON_CARD_FIELDS.to_vec();
        expected.extend(KINDS.iter().flat_map(|k| kind_fields(k)));
        assert_eq!(CARD_FIELDS, expected.as_slice());
    }
}
