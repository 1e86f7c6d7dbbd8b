//! The only place that talks to the YAML library. Everything else sees a small
//! tree of [`Node`]s, each carrying the line and column it came from, so the
//! parser can be swapped without touching the validation rules.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

mod events;

/// A 1-based position in a deck file, counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

impl Pos {
    pub const fn new(line: u32, column: u32) -> Self {
        Pos { line, column }
    }
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A YAML node and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub pos: Pos,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Value {
    /// How a user would name this kind of value in an error message.
    pub fn describe(&self) -> &'static str {
        match self {
            Value::Null => "nothing (null)",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "a number",
            Value::Float(_) => "a number",
            Value::Str(_) => "text",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

/// A document the YAML library rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub pos: Pos,
    pub message: String,
}

/// Limits that keep hostile files (alias bombs, absurd nesting) cheap to reject.
fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        // YAML 1.2: `yes`, `no`, `on`, `y` are text, as a French deck means them.
        strict_booleans: true,
        // `id: 007` is the text 007, not the number 7; `.inf` is text too.
        leading_zero_numbers_as_strings: true,
        non_finite_float_policy: serde_saphyr::NonFiniteFloatPolicy::AsString,
        // We print our own excerpt under each diagnostic.
        with_snippet: false,
        budget: serde_saphyr::budget! {
            max_depth: 64,
            // 200,000 cards of a few fields each fit; much more is refused
            // before it costs gigabytes.
            max_events: 8_000_000,
            max_nodes: 4_000_000,
            // Anchors are rare in decks: a few hundred thousand replayed
            // events are plenty, and an alias bomb stops early.
            max_recorded_anchor_events: 200_000,
            max_recorded_anchor_bytes: 8 * 1024 * 1024,
        },
    }
}

/// Parses one YAML document. `text` must not start with a byte-order mark.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    if let Some(node) = events::parse_common(text) {
        return Ok(node);
    }
    parse_full(text)
}

/// [`parse`] through serde-saphyr's deserializer alone: what
/// [`events::parse_common`] must give whenever it gives anything.
fn parse_full(text: &str) -> Result<Node, SyntaxError> {
    let result: Result<Option<Node>, serde_saphyr::Error> =
        serde_saphyr::from_str_with_options(text, options());
    match result {
        Ok(Some(node)) => Ok(node),
        Ok(None) => Ok(Node {
            pos: Pos::new(1, 1),
            value: Value::Null,
        }),
        Err(err) => Err(syntax_error(text, &err)),
    }
}

/// Parses the cards of `text` (a run of whole card items of a deck, as cut
/// by [`super::outline`]) as if they stood at `first_line` of their file.
/// `None` when they do not parse on their own: the whole file must then be
/// parsed, for exact diagnostics.
pub fn parse_items(text: &str, first_line: u32, expected: usize) -> Option<Vec<Node>> {
    let document = format!("cards:\n{text}");
    let root = parse(&document).ok()?;
    let Value::Map(mut entries) = root.value else {
        return None;
    };
    let (_, cards) = entries.pop().filter(|_| entries.is_empty())?;
    let Value::Seq(mut items) = cards.value else {
        return None;
    };
    if items.len() != expected {
        return None;
    }
    let shift = first_line.checked_sub(2)?;
    for item in &mut items {
        item.shift_lines(shift);
    }
    Some(items)
}

impl Node {
    fn shift_lines(&mut self, by: u32) {
        self.pos.line = self.pos.line.saturating_add(by);
        match &mut self.value {
            Value::Seq(items) => items.iter_mut().for_each(|n| n.shift_lines(by)),
            Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
                k.shift_lines(by);
                v.shift_lines(by);
            }),
            _ => {}
        }
    }
}

/// The YAML library alone, parsing into its generic value type with the
/// same options: the baseline `fiches check` is measured against.
#[doc(hidden)]
pub fn parse_generic(text: &str) -> Result<serde_json::Value, String> {
    serde_saphyr::from_str_with_options(text, options()).map_err(|e| e.to_string())
}

fn syntax_error(text: &str, err: &serde_saphyr::Error) -> SyntaxError {
    let mut pos = err
        .location()
        .map(|loc| Pos::new(clamp(loc.line()), clamp(loc.column())))
        .filter(|pos| pos.line > 0)
        .unwrap_or(Pos::new(1, 1));
    let raw = err.without_snippet().to_string();
    let message = explain(&raw);
    if is_indentation_error(&raw) && !raw.contains("tabs disallowed") {
        let column = first_text_column(text, pos.line).unwrap_or(pos.column);
        pos.column = column;
        let message = format!(
            "wrong indentation: this line starts at column {column} and does not line up with the lines before it; the fields of one card, and the items of one list, start in the same column (indent with the same number of spaces)"
        );
        return SyntaxError { pos, message };
    }
    if raw.contains("tabs disallowed") {
        // Point at the tab itself rather than just after it.
        if let Some(col) = leading_tab_column(text, pos.line) {
            pos.column = col;
        }
    }
    SyntaxError { pos, message }
}

/// Turns the library's wording into advice a deck author can act on.
fn explain(raw: &str) -> String {
    let first = raw.lines().next().unwrap_or_default().trim();
    let first = first.find(" at line ").map_or(first, |at| &first[..at]);
    if first.contains("tabs disallowed") {
        return "tab used for indentation: YAML indents with spaces only; replace the tab with spaces"
            .to_string();
    }
    if let Some(key) = first.strip_prefix("duplicate mapping key: ") {
        let key = key.split(", set ").next().unwrap_or(key);
        return format!(
            "duplicate key `{key}`: a key may appear only once in the same mapping; remove or merge the repeated one"
        );
    }
    if first.starts_with("multiple YAML documents") {
        return "a deck file holds one YAML document: remove this `---` separator or split the file"
            .to_string();
    }
    if first.contains("recursion limit") || first.contains("nesting") || first.contains("depth") {
        return "nested too deeply: a deck needs a few levels (deck, cards, card, answer list), this has dozens"
            .to_string();
    }
    if first.contains("mapping values are not allowed") {
        return "invalid YAML: text with `: ` inside must be quoted, as in q: \"Quelle est la règle : dire oui ?\"".to_string();
    }
    if (first.contains("alias") || first.contains("Anchor") || first.contains("anchor"))
        && (first.contains("limit") || first.contains("budget") || first.contains("Budget"))
    {
        return "anchors and aliases expand to too much data: write the repeated content out"
            .to_string();
    }
    if first.contains("budget") || first.contains("Budget") {
        return format!(
            "deck too large or too deeply nested ({first}): split it into several decks"
        );
    }
    let cut = first
        .split("; use ")
        .next()
        .unwrap_or(first)
        .trim_end_matches([',', ':', ' ']);
    if cut.is_empty() {
        "invalid YAML".to_string()
    } else {
        format!("invalid YAML: {cut}")
    }
}

/// The parser's ways of saying a line is indented out of line with its
/// neighbours.
fn is_indentation_error(raw: &str) -> bool {
    let first = raw.lines().next().unwrap_or_default();
    first.contains("did not find expected key")
        || first.contains("did not find expected '-' indicator")
        || first.contains("bad indentation")
        || first.contains("invalid indentation")
}

/// The column (1-based, in characters) of the first non-space on `line`.
fn first_text_column(text: &str, line: u32) -> Option<u32> {
    let line_text = text
        .lines()
        .nth(usize::try_from(line).ok()?.checked_sub(1)?)?;
    let spaces = line_text.chars().take_while(|c| *c == ' ').count();
    u32::try_from(spaces + 1).ok()
}

fn leading_tab_column(text: &str, line: u32) -> Option<u32> {
    let line_text = text
        .lines()
        .nth(usize::try_from(line).ok()?.checked_sub(1)?)?;
    let indent: String = line_text
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let at = indent.chars().position(|c| c == '\t')?;
    u32::try_from(at + 1).ok()
}

fn clamp(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<Value>::deserialize(deserializer)?;
        Ok(Node {
            pos: Pos::new(
                clamp(spanned.referenced.line()),
                clamp(spanned.referenced.column()),
            ),
            value: spanned.value,
        })
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(node) = seq.next_element::<Node>()? {
            items.push(node);
        }
        Ok(Value::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
        while let Some((key, value)) = map.next_entry::<Node, Node>()? {
            entries.push((key, value));
        }
        Ok(Value::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn str_at(node: &Node) -> (&str, Pos) {
        match &node.value {
            Value::Str(s) => (s.as_str(), node.pos),
            other => panic!("expected text, got {other:?}"),
        }
    }

    #[test]
    fn nodes_carry_their_positions() {
        let root = parse("title: T\ncards:\n  - q: \"Q?\"\n    a: [x, y]\n").unwrap();
        let Value::Map(entries) = &root.value else {
            panic!("root is not a map")
        };
        assert_eq!(str_at(&entries[0].0), ("title", Pos::new(1, 1)));
        assert_eq!(str_at(&entries[0].1), ("T", Pos::new(1, 8)));
        let Value::Seq(cards) = &entries[1].1.value else {
            panic!("cards is not a list")
        };
        let Value::Map(card) = &cards[0].value else {
            panic!("card is not a map")
        };
        assert_eq!(str_at(&card[0].1), ("Q?", Pos::new(3, 8)));
        let Value::Seq(items) = &card[1].1.value else {
            panic!("a is not a list")
        };
        assert_eq!(str_at(&items[1]), ("y", Pos::new(4, 12)));
    }

    #[test]
    fn scalars_keep_their_yaml_types() {
        let root = parse("[3, trois, true, ~, 1.5]").unwrap();
        let Value::Seq(items) = root.value else {
            panic!("not a list")
        };
        let values: Vec<Value> = items.into_iter().map(|n| n.value).collect();
        assert_eq!(
            values,
            vec![
                Value::Int(3),
                Value::Str("trois".into()),
                Value::Bool(true),
                Value::Null,
                Value::Float(1.5)
            ]
        );
    }

    #[test]
    fn duplicate_key_is_reported_at_the_second_key() {
        let err = parse("title: A\ncards: []\ntitle: B\n").unwrap_err();
        assert_eq!(err.pos.line, 3, "{err:?}");
        assert!(err.message.to_lowercase().contains("duplicate"), "{err:?}");
    }

    #[test]
    fn empty_document_is_null() {
        assert_eq!(parse("").unwrap().value, Value::Null);
        assert_eq!(parse("# only a comment\n").unwrap().value, Value::Null);
    }
}
