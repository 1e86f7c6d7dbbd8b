//! The common shapes of a deck read from the YAML parser's events straight
//! into [`Node`]s, without serde-saphyr's deserializer between them (which
//! took more than half of a big deck's parse).
//!
//! Only what decks commonly hold is read here: untagged scalars without
//! anchors, block and flow lists and mappings whose keys are plain text,
//! one document. Anything else (a tag, an anchor or alias, a key that is
//! not text, a repeated key, a merge key, a mapping of more keys than
//! decks use, a scalar whose type is not
//! plain to see, deep nesting, a parser error) gives `None`, and the
//! document is parsed again by serde-saphyr, which reports it exactly as
//! before. When a tree is given, it is the one serde-saphyr gives, node
//! for node and position for position (a test compares the two over the
//! bundled decks, the fixtures, the YAML test suite and their mutations).

use std::borrow::Cow;

use granit_parser::{Event, Parser, ScalarStyle, Span};

use super::{Node, Pos, Value};

/// Nesting beyond this is left to the full parse (and its depth budget).
const MAX_DEPTH: usize = 24;

/// Events beyond this are left to the full parse (and its event budget).
const MAX_EVENTS: usize = 1_000_000;

/// Text in scalars beyond this is left to the full parse (and its budget).
const MAX_SCALAR_BYTES: usize = 32 * 1024 * 1024;

/// Keys of one mapping beyond this are left to the full parse: each new
/// key is compared with the earlier ones, which stays cheap only while a
/// mapping is as small as a deck's mappings are (a card has a handful of
/// fields), and a mapping of many thousand keys would make it quadratic.
const MAX_KEYS: usize = 64;

/// A list or mapping being read, with where it starts.
enum Open {
    Seq(Pos, Vec<Node>),
    Map(Pos, Vec<(Node, Node)>, Option<Node>),
}

/// `text` read into nodes when it has only the common shapes; `None` when
/// the full parse must read it.
pub(super) fn parse_common(text: &str) -> Option<Node> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<Node> = None;
    let mut documents = 0usize;
    let mut scalar_bytes = 0usize;
    for (count, event) in parser.by_ref().enumerate() {
        if count > MAX_EVENTS {
            return None;
        }
        let (event, span) = event.ok()?;
        let node = match event {
            Event::StreamStart => continue,
            Event::DocumentStart(_, None) => {
                documents += 1;
                if documents > 1 {
                    return None;
                }
                continue;
            }
            Event::DocumentEnd => continue,
            Event::StreamEnd => break,
            Event::Scalar(value, style, 0, None) => {
                scalar_bytes += value.len();
                if scalar_bytes > MAX_SCALAR_BYTES {
                    return None;
                }
                Node {
                    pos: pos(&span),
                    value: scalar(value, style)?,
                }
            }
            Event::SequenceStart(_, 0, None) => {
                stack.push(Open::Seq(pos(&span), Vec::new()));
                if stack.len() > MAX_DEPTH {
                    return None;
                }
                continue;
            }
            Event::MappingStart(_, 0, None) => {
                stack.push(Open::Map(pos(&span), Vec::new(), None));
                if stack.len() > MAX_DEPTH {
                    return None;
                }
                continue;
            }
            Event::SequenceEnd => match stack.pop()? {
                Open::Seq(pos, items) => Node {
                    pos,
                    value: Value::Seq(items),
                },
                Open::Map(..) => return None,
            },
            Event::MappingEnd => match stack.pop()? {
                Open::Map(pos, entries, None) => Node {
                    pos,
                    value: Value::Map(entries),
                },
                Open::Map(..) | Open::Seq(..) => return None,
            },
            _ => return None,
        };
        match stack.last_mut() {
            None => {
                if root.is_some() {
                    return None;
                }
                root = Some(node);
            }
            Some(Open::Seq(_, items)) => items.push(node),
            Some(Open::Map(_, entries, pending)) => match pending.take() {
                Some(key) => entries.push((key, node)),
                None => {
                    let Value::Str(name) = &node.value else {
                        return None;
                    };
                    if entries.len() >= MAX_KEYS {
                        return None;
                    }
                    let repeated = entries
                        .iter()
                        .any(|(k, _)| matches!(&k.value, Value::Str(n) if n == name));
                    if repeated || name == "<<" {
                        return None;
                    }
                    *pending = Some(node);
                }
            },
        }
    }
    // A key that is a list or mapping closes before it is seen as one:
    // keys are only ever taken from scalars above.
    if !stack.is_empty() || documents != 1 {
        return None;
    }
    // A document that is one scalar (null included, which serde-saphyr
    // places at the start) is no deck's shape.
    root.filter(|node| matches!(node.value, Value::Map(_) | Value::Seq(_)))
}

fn pos(span: &Span) -> Pos {
    let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Pos::new(
        clamp(span.start.line()),
        clamp(span.start.col().saturating_add(1)),
    )
}

/// An untagged scalar's value as serde-saphyr types it with the deck's
/// options (YAML 1.2 booleans, leading zeros kept as text); `None` for a
/// plain scalar whose type takes more than a glance.
fn scalar(value: Cow<'_, str>, style: ScalarStyle) -> Option<Value> {
    if style != ScalarStyle::Plain {
        return Some(Value::Str(value.into_owned()));
    }
    let text: &str = &value;
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    let first = text.chars().next()?;
    if first.is_ascii_digit() {
        let digits = text.bytes().all(|b| b.is_ascii_digit());
        if digits && (text.len() == 1 || !text.starts_with('0')) && text.len() <= 18 {
            return text.parse().ok().map(Value::Int);
        }
        // No number holds a space: text, whatever it starts with.
        if !text.contains(' ') {
            return None;
        }
    } else if matches!(first, '-' | '+' | '.') || could_be_a_float(text) {
        return None;
    }
    Some(Value::Str(value.into_owned()))
}

/// Words a float parse may take for infinity or not-a-number.
fn could_be_a_float(text: &str) -> bool {
    ["inf", "infinity", "nan"]
        .iter()
        .any(|word| text.eq_ignore_ascii_case(word))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::outline;

    /// Whenever the common shapes are read from the events, serde-saphyr
    /// reads the same nodes at the same places: over the corpus of decks,
    /// fixtures, the YAML test suite and their mutations, each whole and
    /// cut into runs of cards under `cards:`, as a big deck is read.
    #[test]
    fn the_common_shapes_read_as_the_full_parse_reads_them() {
        let (mut documents, mut read) = (0usize, 0usize);
        let mut inputs = outline::tests::corpus(10_000);
        // Each kind of scalar the events are read into, spelled every way.
        for value in [
            "NULL",
            "Null",
            "null",
            "~",
            "",
            "TRUE",
            "True",
            "true",
            "FALSE",
            "False",
            "false",
            "0",
            "7",
            "12",
            "123456789012345678",
            "1234567890123456789",
            "3 façons",
            "1 2",
            "'007'",
            "\"x\"",
            "|\n  x\n",
            ">\n  x\n  y\n",
            "Infinity",
            "inf",
            "nan",
            "information",
            "é",
            "x y: z",
            "[a, {b: c}]",
            "{b: c, d: [e]}",
            "a # note",
        ] {
            inputs.push(format!("k: {value}\nl:\n  - {value}\n").into_bytes());
        }
        for bytes in inputs {
            let Ok(text) = std::str::from_utf8(&bytes) else {
                continue;
            };
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            let mut texts = vec![text.to_string()];
            if let Some(cut) = outline::outline(text) {
                for group in cut.chunks.chunks(3) {
                    let (Some(first), Some(last)) = (group.first(), group.last()) else {
                        continue;
                    };
                    let run = &text[first.start..last.start + last.text.len()];
                    texts.push(format!("cards:\n{run}"));
                }
            }
            for document in texts {
                documents += 1;
                if let Some(node) = parse_common(&document) {
                    read += 1;
                    assert_eq!(
                        super::super::parse_full(&document),
                        Ok(node),
                        "{document:?}"
                    );
                }
            }
        }
        assert!(
            read * 3 > documents,
            "only {read} of {documents} documents read from the events"
        );
    }

    #[test]
    fn what_takes_more_than_a_glance_is_left_to_the_full_parse() {
        for text in [
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: 1\na: 2\n",
            "<<: {a: 1}\n",
            "? [a]\n: b\n",
            "a: 1.5\n",
            "a: 007\n",
            "a: -3\n",
            "a: .inf\n",
            "a: NaN\n",
            "a: 1e3\n",
            "--- a\n--- b\n",
            "a: [b\n",
        ] {
            assert_eq!(parse_common(text), None, "{text:?}");
        }
        let node = parse_common("q: \"Q ?\"\na: [x, 2, true, ~, 3 façons, information]\n");
        let Some(Node {
            value: Value::Map(entries),
            ..
        }) = node
        else {
            panic!("not read: {node:?}");
        };
        let Value::Seq(items) = &entries[1].1.value else {
            panic!("not a list");
        };
        let values: Vec<&Value> = items.iter().map(|n| &n.value).collect();
        assert_eq!(
            values,
            [
                &Value::Str("x".into()),
                &Value::Int(2),
                &Value::Bool(true),
                &Value::Null,
                &Value::Str("3 façons".into()),
                &Value::Str("information".into())
            ]
        );
        assert_eq!(items[1].pos, Pos::new(2, 8));
    }

    /// A mapping as wide as decks' mappings are is read from the events; one
    /// key wider, or 100,000 keys wide, is left to the full parse (which
    /// reads it without comparing each key with all the earlier ones).
    #[test]
    fn a_wide_mapping_is_left_to_the_full_parse() {
        let mapping = |keys: usize| {
            let mut text = String::from("cards:\n  - q: Q\n    a:\n");
            for i in 0..keys {
                text.push_str(&format!("      k{i}: v{i}\n"));
            }
            text
        };
        let widest = mapping(MAX_KEYS);
        assert!(parse_common(&widest).is_some());
        assert_eq!(
            parse_common(&widest),
            super::super::parse_full(&widest).ok()
        );
        assert_eq!(parse_common(&mapping(MAX_KEYS + 1)), None);
        let wide = mapping(100_000);
        assert_eq!(parse_common(&wide), None);
        let Ok(Node {
            value: Value::Map(root),
            ..
        }) = super::super::parse(&wide)
        else {
            panic!("the full parse did not read it");
        };
        let Value::Seq(cards) = &root[0].1.value else {
            panic!("no cards");
        };
        let Value::Map(card) = &cards[0].value else {
            panic!("not a card");
        };
        let Value::Map(answer) = &card[1].1.value else {
            panic!("not a mapping");
        };
        assert_eq!(answer.len(), 100_000);
    }
}
