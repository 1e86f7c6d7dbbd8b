//! From bytes to a [`Deck`], collecting every problem instead of stopping at
//! the first, so an author fixes a whole file in one pass.
//!
//! A long file on purpose: it is the one walk over a deck's YAML, and each
//! field's rule and message sits beside the others' so that they read alike
//! to an author. What is not that walk lives apart: each card kind's fields
//! and checks in `kind.rs`, reading the file in `file.rs`, the rules
//! between decks in `rules.rs`, the tests in `load/tests.rs`.

use std::borrow::Cow;
use std::io;
use std::path::Path;

use super::diag::Diagnostic;
use super::file;
use super::kind::{CARD_FIELDS, KINDS, kind_fields};
use super::yaml::{self, Node, Pos, Value};
use super::{Answer, Card, CardHashes, Deck, DeckId, LoadedDeck};
use crate::hash::FastMap;
use crate::text;

/// The most cards one deck may hold (a course has hundreds; the benchmarks
/// go to 200,000 in two decks). Short cards reach it; cards of the course's
/// size reach [`super::file::MAX_DECK_BYTES`] first, at about 130,000.
pub const MAX_CARDS: usize = 200_000;

const DECK_FIELDS: &[&str] = &[
    "title",
    "id",
    "description",
    "source",
    "tags",
    "exam",
    "order",
    "scheduler",
    "retention",
    "cards",
];
pub(super) const COMMON_CARD_FIELDS: &[&str] = &[
    "q", "a", "id", "points", "ask", "tags", "note", "source", "kind",
];
const PLACEHOLDERS: &[&str] = &["-", "…", "...", "todo", "?", "tbd"];

/// Reads and checks one deck file. I/O failures (and a path that is not a
/// regular file) are the caller's to report.
pub fn read_deck(path: &Path) -> io::Result<LoadedDeck> {
    let read = file::read(path)?;
    Ok(match read.contents {
        file::Contents::Bytes { bytes, .. } => parse_deck_owned(path, bytes),
        too_big => loaded_from(path, &too_big),
    })
}

/// The deck in bytes read by [`file::read`].
pub fn loaded_from(path: &Path, contents: &file::Contents) -> LoadedDeck {
    match contents {
        file::Contents::Bytes { bytes, .. } => parse_deck(path, bytes),
        file::Contents::TooBig => {
            let mut loaded = LoadedDeck::empty(path);
            loaded.diagnostics.push(Diagnostic::error(
                path,
                Pos::new(1, 1),
                file::too_big_message(),
            ));
            loaded
        }
    }
}

/// Checks a deck given as bytes; `path` names it in diagnostics and gives the
/// default deck id.
pub fn parse_deck(path: &Path, bytes: &[u8]) -> LoadedDeck {
    parse_deck_with(path, bytes, PARALLEL_FROM_BYTES)
}

/// [`parse_deck`] of bytes it takes: the deck's text is then those bytes,
/// not a copy of them.
pub fn parse_deck_owned(path: &Path, bytes: Vec<u8>) -> LoadedDeck {
    match file::decode_owned(path, bytes) {
        Ok(text) => parse_text(path, text),
        Err(diagnostic) => {
            let mut loaded = LoadedDeck::empty(path);
            loaded.diagnostics.push(diagnostic);
            loaded
        }
    }
}

/// Checks a deck's text, decoded by [`file::decode_owned`].
pub fn parse_text(path: &Path, text: String) -> LoadedDeck {
    let (mut loaded, keep_text) = parse_decoded(path, &text, PARALLEL_FROM_BYTES);
    if keep_text {
        loaded.text = text;
    }
    loaded
}

/// `parts_from`: the size from which a deck is parsed in parts.
fn parse_deck_with(path: &Path, bytes: &[u8], parts_from: usize) -> LoadedDeck {
    let text = match file::decode(path, bytes) {
        Ok(text) => text,
        Err(diagnostic) => {
            let mut loaded = LoadedDeck::empty(path);
            loaded.diagnostics.push(diagnostic);
            return loaded;
        }
    };
    let (mut loaded, keep_text) = parse_decoded(path, text, parts_from);
    if keep_text {
        loaded.text = text.to_string();
    }
    loaded
}

/// The deck read from its decoded text, and whether the text is to be kept
/// with it (not when the deck is refused before parsing).
fn parse_decoded(path: &Path, text: &str, parts_from: usize) -> (LoadedDeck, bool) {
    let mut loaded = LoadedDeck::empty(path);
    let (written, cleaned) = written_controls(path, text);
    let text: &str = &cleaned;
    // Big decks are cut at their cards once, for all that follows.
    let outline = if text.len() >= parts_from.min(PARALLEL_FROM_BYTES) {
        super::outline::outline(text)
    } else {
        None
    };
    // Counted before parsing: a deck this big is a mistake, and parsing it
    // would take memory out of all proportion.
    if let Some(outline) = &outline
        && outline.chunks.len() > MAX_CARDS
    {
        loaded.entries = outline.chunks.len();
        loaded.diagnostics.push(Diagnostic::error(
            path,
            Pos::new(1, 1),
            format!(
                "deck has {} cards, over the {MAX_CARDS} a deck may hold: split it into several decks",
                outline.chunks.len()
            ),
        ));
        return (loaded, false);
    }
    loaded.card_hashes = outline.as_ref().map(CardHashes::of);
    let parts = match &outline {
        Some(outline) if text.len() >= parts_from => read_in_parts(path, text, outline),
        _ => None,
    };
    let (parsed, cards_read_apart) = match parts {
        Some((root, cards)) => (Ok(root), Some(cards)),
        None => (yaml::parse(text), None),
    };
    match parsed {
        Ok(mut root) => {
            let mut checker = Checker {
                path,
                source: Source::new(text, 1),
                diagnostics: Vec::new(),
                errors: 0,
                entries: 0,
                cards_read_apart,
            };
            loaded.deck = checker.deck(&mut root);
            loaded.entries = checker.entries;
            loaded.diagnostics = checker.diagnostics;
        }
        Err(err) => loaded
            .diagnostics
            .push(Diagnostic::error(path, err.pos, err.message)),
    }
    // A character written as itself is reported once, where it is.
    loaded
        .diagnostics
        .retain(|d| !written.iter().any(|w| w.pos == d.pos));
    loaded.diagnostics.extend(written);
    // In file order; the sort is stable, so each place keeps its order.
    loaded.diagnostics.sort_by_key(|d| d.pos);
    (loaded, true)
}

/// One card's text, cut from its deck by [`super::outline`], read on its
/// own. `None` unless it parses alone into a card without errors: the whole
/// file must then be read, for exact diagnostics.
pub fn card_from_text(path: &Path, text: &str, line: u32) -> Option<Card> {
    let mut items = yaml::parse_items(text, line, 1)?;
    let mut item = items.pop()?;
    let mut checker = Checker {
        path,
        source: Source::new(text, line),
        diagnostics: Vec::new(),
        errors: 0,
        entries: 1,
        cards_read_apart: None,
    };
    let card = checker.card(&mut item)?;
    (checker.errors == 0).then_some(card)
}

/// Big decks are parsed card by card on every core, when the layout allows;
/// below this size one parse is as fast.
const PARALLEL_FROM_BYTES: usize = 1024 * 1024;

/// Cards parsed together within a part: their parse trees are what a
/// part holds at once, beside the cards read.
const PARSE_BATCH: usize = 256;

/// The stack of each thread that parses part of a deck.
const PART_STACK_BYTES: usize = 16 * 1024 * 1024;

/// The document without its cards, and its cards read and checked on every
/// core; `None` whenever that is not certain to give what one parse of the
/// file gives.
fn read_in_parts(
    path: &Path,
    text: &str,
    outline: &super::outline::Outline<'_>,
) -> Option<(Node, CardsRead)> {
    let cores = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(8);
    if cores < 2 {
        return None;
    }
    let root = yaml::parse(outline.header).ok()?;
    let Value::Map(entries) = &root.value else {
        return None;
    };
    let cards_value = entries
        .iter()
        .find(|(k, _)| k.value == Value::Str("cards".into()))
        .map(|(_, v)| &v.value);
    if cards_value != Some(&Value::Null) {
        return None;
    }
    let per_part = outline.chunks.len().div_ceil(cores).max(1);
    let parts: Vec<Option<CardsRead>> = std::thread::scope(|scope| {
        let handles: Vec<_> = outline
            .chunks
            .chunks(per_part)
            .map(|group| {
                // Nesting (up to the parser's limit) recurses deeply: give
                // these threads the main thread's room, not the 2 MiB default.
                std::thread::Builder::new()
                    .stack_size(PART_STACK_BYTES)
                    .spawn_scoped(scope, move || {
                        let mut checker = Checker {
                            path,
                            source: Source::new(text, 1),
                            diagnostics: Vec::new(),
                            errors: 0,
                            entries: 0,
                            cards_read_apart: None,
                        };
                        let mut cards = Vec::with_capacity(group.len());
                        // A few cards' parse trees at a time, not the part's.
                        for batch in group.chunks(PARSE_BATCH) {
                            let (first, last) = (batch.first()?, batch.last()?);
                            let slice = &text[first.start..last.start + last.text.len()];
                            let items = yaml::parse_items(slice, first.line, batch.len())?;
                            checker.entries += items.len();
                            cards.extend(
                                items
                                    .into_iter()
                                    .filter_map(|mut item| checker.card(&mut item)),
                            );
                        }
                        Some(CardsRead {
                            cards,
                            entries: checker.entries,
                            errors: checker.errors,
                            diagnostics: checker.diagnostics,
                        })
                    })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.ok().and_then(|h| h.join().ok().flatten()))
            .collect()
    });
    let mut all = CardsRead {
        cards: Vec::new(),
        entries: 0,
        errors: 0,
        diagnostics: Vec::new(),
    };
    for part in parts {
        let part = part?;
        // The first part's cards grow into all of them (a large block
        // grows in place): the cards are not held twice while gathered.
        if all.cards.is_empty() {
            all.cards = part.cards;
            all.cards
                .reserve_exact(outline.chunks.len().saturating_sub(all.cards.len()));
        } else {
            all.cards.extend(part.cards);
        }
        all.entries += part.entries;
        all.errors += part.errors;
        all.diagnostics.extend(part.diagnostics);
    }
    Some((root, all))
}

/// Whether `text` holds a character [`written_controls`] reports, looked
/// for byte by byte: every such character is an ASCII control or DEL, or
/// starts with the byte 0xC2 (C1 controls) or 0xE2 (bidi controls), which
/// only ever start a character.
fn has_written_controls(text: &str) -> bool {
    text.bytes().enumerate().any(|(at, byte)| match byte {
        b'\t' | b'\n' | b'\r' => false,
        0..=0x1f | 0x7f => true,
        0xc2 | 0xe2 => text
            .get(at..)
            .and_then(|rest| rest.chars().next())
            .is_some_and(text::is_unsafe),
        _ => false,
    })
}

/// The most characters reported one by one in a file.
const MAX_CONTROLS_REPORTED: usize = 100;

/// Control and bidi characters written as themselves anywhere in the file
/// (in a text, a field name, a comment), each reported where it is; and the
/// text with those YAML refuses to read raw made spaces, so that the rest of
/// the file is still checked with exact positions.
fn written_controls<'t>(path: &Path, text: &'t str) -> (Vec<Diagnostic>, Cow<'t, str>) {
    if !has_written_controls(text) {
        return (Vec::new(), Cow::Borrowed(text));
    }
    let mut found = Vec::new();
    let mut more = 0usize;
    let mut cleaned = String::with_capacity(text.len());
    let (mut line, mut column) = (1u32, 1u32);
    for c in text.chars() {
        if c != '\r' && text::is_unsafe(c) {
            if found.len() < MAX_CONTROLS_REPORTED {
                let what = if text::is_bidi_control(c) {
                    "the bidirectional control"
                } else {
                    "the control character"
                };
                found.push(Diagnostic::error(
                    path,
                    Pos::new(line, column),
                    format!(
                        "{what} U+{:04X} ({}) is written here: remove it",
                        u32::from(c),
                        text::one_line(c.encode_utf8(&mut [0; 4]))
                    ),
                ));
            } else {
                more += 1;
            }
            // YAML reads bidi controls, and refuses the others raw.
            if text::is_bidi_control(c) {
                cleaned.push(c);
            } else {
                cleaned.push(' ');
            }
        } else {
            cleaned.push(c);
        }
        if c == '\n' {
            line = line.saturating_add(1);
            column = 1;
        } else {
            column = column.saturating_add(1);
        }
    }
    if more > 0 {
        found.push(Diagnostic::error(
            path,
            Pos::new(line, 1),
            format!("and {more} more control or bidi characters: remove them all"),
        ));
    }
    (found, Cow::Owned(cleaned))
}

pub(super) struct Checker<'a> {
    path: &'a Path,
    /// The text the nodes were read from, to point at characters in it.
    source: Source<'a>,
    diagnostics: Vec<Diagnostic>,
    errors: usize,
    entries: usize,
    /// The cards, when they were read in parts apart from the rest.
    cards_read_apart: Option<CardsRead>,
}

/// A deck's text, and where its lines start (found once, when needed).
struct Source<'a> {
    text: &'a str,
    /// The number of the text's first line in its file.
    first_line: u32,
    line_starts: std::cell::OnceCell<Vec<usize>>,
}

impl<'a> Source<'a> {
    fn new(text: &'a str, first_line: u32) -> Self {
        Source {
            text,
            first_line,
            line_starts: std::cell::OnceCell::new(),
        }
    }

    /// Where `bad` is, at or after `from`: written as itself, or as the
    /// escape of a double-quoted string (`\e`, `\x1b`, `\u202E`…) that
    /// stands for it. `from` when it cannot be found.
    fn find(&self, from: Pos, bad: char) -> Pos {
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        let Some(&start) = from
            .line
            .checked_sub(self.first_line)
            .and_then(|index| starts.get(usize::try_from(index).ok()?))
        else {
            return from;
        };
        let mut line = from.line;
        let mut column = 1;
        let mut chars = self.text[start..].chars().peekable();
        while let Some(c) = chars.next() {
            if line > from.line || column >= from.column {
                let escaped = if c == '\\' {
                    escaped_char(&mut chars)
                } else {
                    None
                };
                if c == bad || escaped.is_some_and(|(e, _)| e == bad) {
                    return Pos::new(line, column);
                }
                if let Some((_, len)) = escaped {
                    column += len;
                }
            }
            if c == '\n' {
                line += 1;
                column = 1;
            } else {
                column += 1;
            }
        }
        from
    }
}

/// The character a YAML double-quoted escape stands for, after its `\`,
/// and how many characters the escape took beyond the `\`.
fn escaped_char(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Option<(char, u32)> {
    let simple = match chars.peek()? {
        '0' => Some('\0'),
        'a' => Some('\u{7}'),
        'b' => Some('\u{8}'),
        't' => Some('\t'),
        'n' => Some('\n'),
        'v' => Some('\u{b}'),
        'f' => Some('\u{c}'),
        'r' => Some('\r'),
        'e' => Some('\u{1b}'),
        'N' => Some('\u{85}'),
        '\\' => Some('\\'),
        _ => None,
    };
    if let Some(c) = simple {
        chars.next();
        return Some((c, 1));
    }
    let digits = match chars.peek()? {
        'x' => 2,
        'u' => 4,
        'U' => 8,
        _ => return None,
    };
    chars.next();
    let hex: String = chars.clone().take(digits).collect();
    let code = u32::from_str_radix(&hex, 16).ok()?;
    for _ in 0..digits {
        chars.next();
    }
    Some((
        char::from_u32(code)?,
        1 + u32::try_from(digits).unwrap_or(0),
    ))
}

/// Cards read and checked one by one, before the rules between cards.
struct CardsRead {
    cards: Vec<Card>,
    entries: usize,
    errors: usize,
    diagnostics: Vec<Diagnostic>,
}

/// The values of a mapping's known fields, in the order of the known list,
/// once unknown and non-text keys have been reported.
pub(super) struct KnownFields<'n, 'k> {
    known: &'k [&'k str],
    values: [Option<&'n mut Node>; 16],
}

impl<'n> KnownFields<'n, '_> {
    /// The field's value; each field is taken once.
    pub(super) fn take(&mut self, key: &str) -> Option<&'n mut Node> {
        let index = self.known.iter().position(|k| *k == key)?;
        self.values[index].take()
    }

    /// Whether the field is there, without taking it.
    fn peek(&self, key: &str) -> Option<&Node> {
        let index = self.known.iter().position(|k| *k == key)?;
        self.values[index].as_deref()
    }
}

impl Checker<'_> {
    pub(super) fn error(&mut self, pos: Pos, message: impl Into<String>) {
        self.errors += 1;
        self.diagnostics
            .push(Diagnostic::error(self.path, pos, message));
    }

    fn warning(&mut self, pos: Pos, message: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::warning(self.path, pos, message));
    }

    fn fields<'n, 'k>(
        &mut self,
        entries: &'n mut [(Node, Node)],
        known: &'k [&'k str],
        suggested: &[&str],
        what: &str,
    ) -> KnownFields<'n, 'k> {
        let mut fields = KnownFields {
            known,
            values: Default::default(),
        };
        for (key, value) in entries {
            let Value::Str(name) = &key.value else {
                self.error(
                    key.pos,
                    format!(
                        "{what} keys are field names, found {}",
                        key.value.describe()
                    ),
                );
                continue;
            };
            match known.iter().position(|k| k == name) {
                Some(index) => fields.values[index] = Some(value),
                None => {
                    let hint = suggestion(name, suggested)
                        .map(|s| format!("did you mean `{s}`?"))
                        .unwrap_or_else(|| format!("known fields: {}", suggested.join(", ")));
                    self.error(key.pos, format!("unknown {what} field `{name}`: {hint}"));
                }
            }
        }
        fields
    }

    fn deck(&mut self, root: &mut Node) -> Option<Deck> {
        let entries = match &mut root.value {
            Value::Map(entries) => entries,
            Value::Null => {
                self.error(
                    root.pos,
                    "empty deck: a deck is a mapping with a `title` and a list of `cards`",
                );
                return None;
            }
            other => {
                self.error(
                    root.pos,
                    format!(
                        "a deck is a mapping with a `title` and a list of `cards`, found {}",
                        other.describe()
                    ),
                );
                return None;
            }
        };
        // The cards' texts are looked at card by card.
        for (key, value) in entries.iter() {
            self.texts(key, "field name");
            match &key.value {
                Value::Str(name) if name == "cards" => {}
                Value::Str(name) => self.texts(value, name),
                _ => self.texts(value, "deck"),
            }
        }
        let mut fields = self.fields(entries, DECK_FIELDS, DECK_FIELDS, "deck");
        let title = match fields.take("title") {
            Some(node) => self.required_text(node, "title"),
            None => {
                self.error(
                    root.pos,
                    "missing `title`: add a line `title: \"…\"` at the top of the deck",
                );
                None
            }
        };
        let id = match fields.take("id") {
            Some(node) => self.identifier(node, "id").map(DeckId),
            None => {
                let id = default_deck_id(self.path);
                if let Some(c) = id.0.chars().find(|c| text::is_unsafe(*c)) {
                    self.error(
                        Pos::new(1, 1),
                        format!(
                            "the file name, used as the deck id, contains the control or bidi character U+{:04X}: rename the file, or give the deck an `id`",
                            u32::from(c)
                        ),
                    );
                }
                Some(id)
            }
        };
        let description = fields
            .take("description")
            .and_then(|n| self.optional_text(n, "description"));
        let source = fields
            .take("source")
            .and_then(|n| self.optional_text(n, "source"));
        let tags = fields
            .take("tags")
            .map(|n| self.tags(n))
            .unwrap_or_default();
        let exam = fields.take("exam").and_then(|n| self.date(n, "exam"));
        let order = fields
            .take("order")
            .and_then(|n| self.whole(n, "order", "the deck's place in the course: 1, 2, 3…"));
        let scheduler = fields.take("scheduler").and_then(|n| self.scheduler(n));
        let retention = fields.take("retention").and_then(|n| self.retention(n));
        let cards = match fields.take("cards") {
            Some(node) => self.cards(node),
            None => {
                self.error(
                    root.pos,
                    "missing `cards`: add `cards:` followed by the list of cards",
                );
                Vec::new()
            }
        };
        Some(Deck {
            id: id.unwrap_or_else(|| default_deck_id(self.path)),
            title: title.unwrap_or_default(),
            description,
            source,
            tags,
            exam,
            order,
            scheduler,
            retention,
            cards,
        })
    }

    fn scheduler(&mut self, node: &mut Node) -> Option<crate::sched::Scheduler> {
        const NAMES: &[&str] = &["sm2", "fsrs"];
        let name = match &node.value {
            Value::Str(text) => text.trim().to_string(),
            Value::Null => return None,
            other => {
                self.error(
                    node.pos,
                    type_message("scheduler", "`sm2` or `fsrs`", other),
                );
                return None;
            }
        };
        crate::sched::Scheduler::parse(&name).or_else(|| {
            let hint = suggestion(&name, NAMES)
                .map(|s| format!("did you mean `{s}`?"))
                .unwrap_or_else(|| "use `sm2` (the default) or `fsrs`".to_string());
            self.error(node.pos, format!("unknown scheduler `{name}`: {hint}"));
            None
        })
    }

    fn retention(&mut self, node: &mut Node) -> Option<crate::sched::Retention> {
        let given = match &node.value {
            Value::Float(v) => v.to_string(),
            Value::Int(n) => n.to_string(),
            Value::Str(text) => text.trim().to_string(),
            Value::Null => return None,
            other => {
                self.error(
                    node.pos,
                    type_message("retention", "a number from 0.70 to 0.97", other),
                );
                return None;
            }
        };
        crate::sched::Retention::parse(&given).or_else(|| {
            self.error(
                node.pos,
                format!(
                    "`retention` must be a number from 0.70 to 0.97 (the recall FSRS schedules at, 0.90 by default), found {given}"
                ),
            );
            None
        })
    }

    fn date(&mut self, node: &mut Node, field: &str) -> Option<chrono::NaiveDate> {
        let text = match &node.value {
            Value::Str(text) => text.trim().to_string(),
            Value::Null => return None,
            other => {
                self.error(node.pos, type_message(field, "a date (YYYY-MM-DD)", other));
                return None;
            }
        };
        match chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
            Ok(day) => Some(day),
            Err(_) => {
                self.error(
                    node.pos,
                    format!("`{field}` must be a date written YYYY-MM-DD, found \"{text}\""),
                );
                None
            }
        }
    }

    fn cards(&mut self, node: &mut Node) -> Vec<Card> {
        if let (Value::Null, Some(read)) = (&node.value, self.cards_read_apart.take()) {
            self.entries = read.entries;
            self.errors += read.errors;
            self.diagnostics.extend(read.diagnostics);
            return self.across_cards(read.cards);
        }
        let items = match &mut node.value {
            Value::Seq(items) => items,
            Value::Null => {
                self.warning(node.pos, "deck has no cards");
                return Vec::new();
            }
            other => {
                self.error(
                    node.pos,
                    format!(
                        "`cards` must be a list of cards (lines starting with `- `), found {}",
                        other.describe()
                    ),
                );
                return Vec::new();
            }
        };
        if items.is_empty() {
            self.warning(node.pos, "deck has no cards");
        }
        self.entries = items.len();
        let cards = items
            .iter_mut()
            .filter_map(|item| self.card(item))
            .collect();
        self.across_cards(cards)
    }

    /// The rules between cards of the deck: unique ids, distinct questions.
    fn across_cards(&mut self, cards: Vec<Card>) -> Vec<Card> {
        let mut ids: FastMap<&str, Pos> =
            FastMap::with_capacity_and_hasher(cards.len(), Default::default());
        let mut questions: FastMap<&str, Pos> =
            FastMap::with_capacity_and_hasher(cards.len(), Default::default());
        let mut problems = Vec::new();
        for card in &cards {
            if let Some(id) = &card.id {
                if let Some(first) = ids.get(id.as_str()) {
                    problems.push(Diagnostic::error(
                        self.path,
                        card.pos,
                        format!(
                            "duplicate card id `{id}` (first used by the card at line {}): card ids must be unique",
                            first.line
                        ),
                    ));
                } else {
                    ids.insert(id, card.pos);
                }
            }
            if let Some(first) = questions.get(card.normalized_question.as_str()) {
                problems.push(Diagnostic::warning(
                    self.path,
                    card.pos,
                    format!(
                        "same question as the card at line {}: merge the two cards or reword one",
                        first.line
                    ),
                ));
            } else {
                questions.insert(&card.normalized_question, card.pos);
            }
        }
        for problem in problems {
            if problem.severity == super::Severity::Error {
                self.errors += 1;
            }
            self.diagnostics.push(problem);
        }
        cards
    }

    fn card(&mut self, node: &mut Node) -> Option<Card> {
        let errors_before = self.error_count();
        self.texts(node, "card");
        let Value::Map(entries) = &mut node.value else {
            self.error(
                node.pos,
                format!(
                    "a card is a mapping with `q` and `a`, found {}",
                    node.value.describe()
                ),
            );
            return None;
        };
        // Suggestions for a misspelt field come from this card's kind.
        let declared = entries
            .iter()
            .find_map(|(k, v)| match (&k.value, &v.value) {
                (Value::Str(key), Value::Str(kind)) if key == "kind" => Some(kind.as_str()),
                _ => None,
            });
        let suggested: Vec<&str> = COMMON_CARD_FIELDS
            .iter()
            .chain(kind_fields(declared.unwrap_or("basic")))
            .copied()
            .collect();
        let mut fields = self.fields(entries, CARD_FIELDS, &suggested, "card");
        let kind_name = match fields.take("kind") {
            Some(kind) => self.kind_name(kind),
            None => Some("basic"),
        };
        // Fields of other kinds are mistakes, not silently ignored.
        for field in KINDS.iter().flat_map(|k| kind_fields(k)) {
            let belongs = kind_name.is_some_and(|k| kind_fields(k).contains(field));
            if let Some(node) = fields.peek(field)
                && !belongs
                && kind_name.is_some()
            {
                let owner = KINDS
                    .iter()
                    .find(|k| kind_fields(k).contains(field))
                    .copied()
                    .unwrap_or("another");
                self.error(
                    node.pos,
                    format!(
                        "`{field}` belongs to `kind: {owner}` cards, and this card is `{}`",
                        kind_name.unwrap_or("basic")
                    ),
                );
            }
        }
        let question = match fields.take("q") {
            Some(q) => self.required_text(q, "q"),
            None => {
                self.error(node.pos, "card has no `q` (the question): add `q: \"…\"`");
                None
            }
        };
        let kind = match kind_name {
            Some(name) => self.kind_data(name, &mut fields, node.pos, question.as_deref()),
            None => None,
        };
        let basic = kind_name == Some("basic");
        let answer = match fields.take("a") {
            Some(a) => self.answer(a),
            None if basic => {
                self.error(
                    node.pos,
                    "card has no `a` (the answer): add `a: \"…\"` or a list of items",
                );
                None
            }
            // Graded kinds carry their answer; `a` is an optional explanation.
            None => Some(Answer::List(Vec::new())),
        };
        let answer = match (&kind, answer) {
            (Some(kind), Some(Answer::List(extra))) if !basic => {
                let mut items = kind.shown_answer();
                items.extend(extra);
                Some(Answer::List(items))
            }
            (Some(kind), Some(Answer::Text(extra))) if !basic => {
                let mut items = kind.shown_answer();
                items.push(extra);
                Some(Answer::List(items))
            }
            (_, answer) => answer,
        };
        let id = fields.take("id").and_then(|n| self.identifier(n, "id"));
        let points_node = fields.take("points");
        let points_pos = points_node.as_ref().map(|n| n.pos);
        let points = points_node.and_then(|n| self.points(n));
        let ask_node = fields.take("ask");
        let ask_pos = ask_node.as_ref().map(|n| n.pos);
        let ask = ask_node.and_then(|n| {
            self.whole(
                n,
                "ask",
                "how many of the answer's items the question asks for",
            )
        });
        let tags = fields
            .take("tags")
            .map(|n| self.tags(n))
            .unwrap_or_default();
        let note = fields
            .take("note")
            .and_then(|n| self.optional_text(n, "note"));
        let source = fields
            .take("source")
            .and_then(|n| self.optional_text(n, "source"));

        if let (Some(pos), false) = (points_pos, basic) {
            self.error(
                pos,
                "`points` is for basic cards: a graded card's answer is graded, not counted",
            );
        }
        if let (Some(pos), Some(ask)) = (ask_pos, ask) {
            let items = answer.as_ref().map_or(0, |a| a.items().len());
            match &answer {
                _ if !basic => self.error(
                    pos,
                    "`ask` is for basic cards whose answer is a list: a graded card is graded, not ticked",
                ),
                Some(Answer::List(_)) if usize::try_from(ask).is_ok_and(|a| a <= items) => {}
                Some(Answer::List(_)) => self.error(
                    pos,
                    format!(
                        "`ask: {ask}` but the answer has only {items} item{}: the question cannot ask for more than the list holds",
                        if items == 1 { "" } else { "s" }
                    ),
                ),
                Some(Answer::Text(_)) => self.error(
                    pos,
                    "`ask` needs an answer that is a list of items: the question asks for some of them",
                ),
                None => {}
            }
        }
        if let (Some(points), Some(answer), Some(points_pos), true) =
            (points, &answer, points_pos, basic)
        {
            let items = answer.items().len();
            if usize::try_from(points).ok() != Some(items) {
                self.warning(
                    points_pos,
                    format!(
                        "`points: {points}` but the answer has {items} item{}: make them agree",
                        if items == 1 { "" } else { "s" }
                    ),
                );
            }
        }
        if self.error_count() > errors_before {
            return None;
        }
        let question = question?;
        Some(Card {
            id,
            normalized_question: text::normalize(&question),
            question,
            answer: answer?,
            points,
            ask,
            tags,
            note,
            source,
            kind: kind?,
            pos: node.pos,
        })
    }

    fn error_count(&self) -> usize {
        self.errors
    }

    pub(super) fn text_list(&mut self, node: &mut Node, field: &str) -> Option<Vec<String>> {
        let pos = node.pos;
        let Value::Seq(items) = &mut node.value else {
            self.error(pos, type_message(field, "a list of text", &node.value));
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for item in items.iter_mut() {
            match self.required_text(item, field) {
                Some(text) => out.push(text),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn answer(&mut self, node: &mut Node) -> Option<Answer> {
        match &mut node.value {
            Value::Seq(items) => {
                if items.is_empty() {
                    self.error(
                        node.pos,
                        "`a` is an empty list: give at least one answer item",
                    );
                    return None;
                }
                let mut texts = Vec::with_capacity(items.len());
                let mut all_good = true;
                for item in items {
                    match self.answer_text(item) {
                        Some(text) => texts.push(text),
                        None => all_good = false,
                    }
                }
                all_good.then_some(Answer::List(texts))
            }
            _ => self.answer_text(node).map(Answer::Text),
        }
    }

    fn answer_text(&mut self, node: &mut Node) -> Option<String> {
        let text = self.required_text(node, "a")?;
        let short = text.trim();
        if short.len() <= 4 && PLACEHOLDERS.contains(&short.to_lowercase().as_str()) {
            self.warning(
                node.pos,
                format!(
                    "placeholder answer `{}`: write the real answer",
                    text.trim()
                ),
            );
        }
        Some(text)
    }

    pub(super) fn required_text(&mut self, node: &mut Node, field: &str) -> Option<String> {
        match &mut node.value {
            Value::Str(text) if text.trim().is_empty() => {
                self.error(node.pos, format!("`{field}` is empty"));
                None
            }
            Value::Str(text) => Some(std::mem::take(text)),
            Value::Null => {
                self.error(node.pos, format!("`{field}` is empty"));
                None
            }
            other => {
                self.error(node.pos, type_message(field, "text", other));
                None
            }
        }
    }

    /// Text shown in a terminal must not carry control characters (escape
    /// sequences could rewrite the screen) nor bidi controls (they reorder
    /// what is shown): every text under `node`, field names included, is
    /// looked at, and each such character reported where it is written.
    fn texts(&mut self, node: &Node, field: &str) {
        match &node.value {
            Value::Str(text) => self.unsafe_characters(node.pos, field, text),
            Value::Seq(items) => {
                for item in items {
                    self.texts(item, field);
                }
            }
            Value::Map(entries) => {
                for (key, value) in entries {
                    let name = match &key.value {
                        Value::Str(name) => name.as_str(),
                        _ => field,
                    };
                    let key_field = if matches!(field, "deck" | "card") {
                        "field name"
                    } else {
                        field
                    };
                    self.texts(key, key_field);
                    // Inside a field, the field names it; at the top, each key.
                    let value_field = if matches!(field, "deck" | "card") {
                        name
                    } else {
                        field
                    };
                    self.texts(value, value_field);
                }
            }
            _ => {}
        }
    }

    fn unsafe_characters(&mut self, pos: Pos, field: &str, text: &str) {
        // The first of each character, so a hostile text gives few lines.
        let mut seen: Vec<char> = Vec::new();
        for c in text.chars().filter(|c| text::is_unsafe(*c)) {
            if seen.contains(&c) {
                continue;
            }
            seen.push(c);
            let at = self.source.find(pos, c);
            let what = if text::is_bidi_control(c) {
                "the bidirectional control"
            } else {
                "the control character"
            };
            let field = match field {
                "field name" => "a field name".to_string(),
                field => format!("`{}`", text::one_line(field)),
            };
            self.error(
                at,
                format!(
                    "{field} contains {what} U+{:04X} ({}): remove it",
                    u32::from(c),
                    text::one_line(c.encode_utf8(&mut [0; 4]))
                ),
            );
        }
    }

    fn optional_text(&mut self, node: &mut Node, field: &str) -> Option<String> {
        match &mut node.value {
            Value::Str(text) => Some(std::mem::take(text)),
            Value::Null => None,
            other => {
                self.error(node.pos, type_message(field, "text", other));
                None
            }
        }
    }

    fn identifier(&mut self, node: &mut Node, field: &str) -> Option<String> {
        let id = match &mut node.value {
            Value::Str(text) => text.trim().to_string(),
            Value::Int(n) => n.to_string(),
            other => {
                self.error(node.pos, type_message(field, "text", other));
                return None;
            }
        };
        if id.is_empty() {
            self.error(node.pos, format!("`{field}` is empty"));
            return None;
        }
        if id.chars().any(text::is_unsafe) {
            // Reported by `texts`.
            return None;
        }
        Some(id)
    }

    fn points(&mut self, node: &mut Node) -> Option<u32> {
        self.whole(node, "points", "how many items the answer holds")
    }

    /// A whole number of 1 or more; `meaning` says what it counts.
    fn whole(&mut self, node: &mut Node, field: &str, meaning: &str) -> Option<u32> {
        match &node.value {
            Value::Int(n) if *n >= 1 => u32::try_from(*n).ok().or_else(|| {
                self.error(node.pos, format!("`{field}` is too large"));
                None
            }),
            Value::Int(n) => {
                self.error(node.pos, format!("`{field}` must be 1 or more, found {n}"));
                None
            }
            other => {
                let message = type_message(field, &format!("a whole number ({meaning})"), other);
                self.error(node.pos, message);
                None
            }
        }
    }

    fn tags(&mut self, node: &mut Node) -> Vec<String> {
        match &mut node.value {
            Value::Seq(items) => items
                .iter_mut()
                .filter_map(|item| match &item.value {
                    Value::Str(tag) if !tag.trim().is_empty() => Some(tag.trim().to_string()),
                    other => {
                        self.error(item.pos, type_message("tags", "non-empty text", other));
                        None
                    }
                })
                .collect(),
            Value::Str(tag) => {
                self.error(
                    node.pos,
                    format!(
                        "`tags` must be a list, found text \"{tag}\": write it as a list, as in tags: [\"{}\"]",
                        tag.trim()
                    ),
                );
                Vec::new()
            }
            Value::Null => Vec::new(),
            other => {
                self.error(node.pos, type_message("tags", "a list of text", other));
                Vec::new()
            }
        }
    }
}

pub(super) fn type_message(field: &str, expected: &str, found: &Value) -> String {
    let shown = match found {
        Value::Str(s) => format!(" \"{s}\""),
        Value::Int(n) => format!(" {n}"),
        Value::Float(x) => format!(" {x}"),
        Value::Bool(b) => format!(" {b}"),
        _ => String::new(),
    };
    let hint = match found {
        Value::Int(_) | Value::Float(_) | Value::Bool(_) if expected.contains("text") => {
            ": put it in quotes to make it text"
        }
        _ => "",
    };
    format!(
        "`{field}` must be {expected}, found {}{shown}{hint}",
        found.describe()
    )
}

fn default_deck_id(path: &Path) -> DeckId {
    DeckId(
        path.file_stem()
            .map(file::name_text)
            .unwrap_or_else(|| "deck".to_string()),
    )
}

/// Longer names people write for the short fields.
const ALIASES: &[(&str, &str)] = &[
    ("question", "q"),
    ("answer", "a"),
    ("reponse", "a"),
    ("réponse", "a"),
    ("notes", "note"),
    ("tag", "tags"),
    ("point", "points"),
];

/// The known name closest to a misspelt one, if it is close enough to be a typo.
pub(super) fn suggestion<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
    let lower = name.to_lowercase();
    let candidates = known.iter().map(|k| (*k, *k)).chain(
        ALIASES
            .iter()
            .filter(|(_, field)| known.contains(field))
            .filter_map(|(alias, field)| known.iter().find(|k| *k == field).map(|k| (*alias, *k))),
    );
    candidates
        .map(|(spelling, field)| (text::edit_distance(&lower, spelling), field, spelling))
        .filter(|(d, _, spelling)| *d <= 2 && *d < spelling.chars().count())
        .min_by_key(|(d, _, _)| *d)
        .map(|(_, field, _)| field)
}

#[cfg(test)]
pub(super) mod tests;
