//! How the program's own types are written in the store: each converts
//! itself at the SQL boundary (ToSql/FromSql), so no query formats, parses
//! or falls back by hand. Days are `YYYY-MM-DD`, as rusqlite's chrono
//! support writes them ([`Day`] reads and writes the days of a rating the
//! same way, faster); a value the store holds that is out of range is an
//! error, never silently replaced.

use chrono::{Datelike, NaiveDate};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

use crate::deck::{CardKind, DeckId};
use crate::sched::{Ease, Rating, Retention, Scheduler, Verdict};

/// A row id of the store as a type of its own: made from and read as its
/// row number, and bound to SQL as that number.
macro_rules! row_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        // In JSON, the bare number.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[derive(serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(i64);

        impl $name {
            pub fn new(row: i64) -> $name {
                $name(row)
            }

            /// Its row number.
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(self.0.into())
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                i64::column_result(value).map($name)
            }
        }
    };
}

row_id!(
    /// A card's row in the store: stable across edits of the deck.
    CardId
);
row_id!(
    /// One entry of the review log.
    ReviewId
);

impl ToSql for DeckId {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for DeckId {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        String::column_result(value).map(DeckId::new)
    }
}

impl ToSql for Rating {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(i64::from(self.value()).into())
    }
}

impl FromSql for Rating {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let n = i64::column_result(value)?;
        u8::try_from(n)
            .ok()
            .and_then(Rating::new)
            .ok_or(FromSqlError::OutOfRange(n))
    }
}

/// As a word: `right`, `partly` or `wrong` (migration 0010's check).
impl ToSql for Verdict {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.word()))
    }
}

impl FromSql for Verdict {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        Verdict::from_word(text).ok_or_else(|| {
            FromSqlError::Other(format!("{text:?} is not a verdict fiches writes").into())
        })
    }
}

/// As its name: `sm2` or `fsrs` (migration 0011's check).
impl ToSql for Scheduler {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.name()))
    }
}

impl FromSql for Scheduler {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        match text {
            "sm2" => Ok(Scheduler::Sm2),
            "fsrs" => Ok(Scheduler::Fsrs),
            _ => Err(FromSqlError::Other(
                format!("{text:?} is not a scheduler fiches writes").into(),
            )),
        }
    }
}

/// In hundredths, 70 to 97.
impl ToSql for Retention {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(i64::from(self.hundredths()).into())
    }
}

impl FromSql for Retention {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let n = i64::column_result(value)?;
        u8::try_from(n)
            .ok()
            .and_then(Retention::from_hundredths)
            .ok_or(FromSqlError::OutOfRange(n))
    }
}

/// In hundredths, as SM-2 computes it.
impl ToSql for Ease {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(i64::from(self.hundredths()).into())
    }
}

impl FromSql for Ease {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let n = i64::column_result(value)?;
        u16::try_from(n)
            .ok()
            .filter(|h| *h >= Ease::MIN.hundredths())
            .map(Ease::from_hundredths)
            .ok_or(FromSqlError::OutOfRange(n))
    }
}

/// A day as rusqlite's chrono support stores it, `YYYY-MM-DD`, without
/// chrono's format machinery: a rating and the card shown next read and
/// write half a dozen days, and parsing them through `%F` was a tenth of
/// their instructions. The same text is written for the same day, and the
/// same text reads as a day (what is not the plain ten-byte form is left
/// to chrono, and so is a year past 9999).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Day(pub NaiveDate);

impl ToSql for Day {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        let day = &self.0;
        let year = match u32::try_from(day.year()) {
            Ok(year) if year <= 9999 => year,
            _ => return day.to_sql(),
        };
        let mut text = String::with_capacity(10);
        for (value, digits) in [(year, 4), (day.month(), 2), (day.day(), 2)] {
            if !text.is_empty() {
                text.push('-');
            }
            for place in (0..digits).rev() {
                let digit = (value / 10u32.pow(place)) % 10;
                text.push(char::from_digit(digit, 10).unwrap_or('0'));
            }
        }
        Ok(ToSqlOutput::from(text))
    }
}

impl FromSql for Day {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        if let ValueRef::Text(text) = value
            && let Some(day) = plain_day(text)
        {
            return Ok(Day(day));
        }
        NaiveDate::column_result(value).map(Day)
    }
}

/// `YYYY-MM-DD` with every digit in place, when it names a day.
fn plain_day(text: &[u8]) -> Option<NaiveDate> {
    let &[y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = text else {
        return None;
    };
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0u32, |n, &b| {
            b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
        })
    };
    let year = i32::try_from(number(&[y0, y1, y2, y3])?).ok()?;
    NaiveDate::from_ymd_opt(year, number(&[m0, m1])?, number(&[d0, d1])?)
}

/// A card's kind as the `cards.kind` column holds it: JSON tagged by
/// `kind`, as migration 0004 defined it (version 1 of the format). The
/// store owns this format apart from the deck's types, so that changing
/// how a deck is read cannot silently change what a store means; a new
/// version comes with its migration.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum StoredKind {
    Basic,
    #[serde(rename = "truefalse")]
    TrueFalse {
        answer: bool,
    },
    Choice {
        choices: Vec<String>,
        correct: Vec<usize>,
        shuffle: bool,
    },
    Cloze {
        blanks: Vec<Vec<String>>,
    },
    Match {
        pairs: Vec<(String, String)>,
    },
}

impl From<&CardKind> for StoredKind {
    fn from(kind: &CardKind) -> Self {
        match kind.clone() {
            CardKind::Basic => StoredKind::Basic,
            CardKind::TrueFalse { answer } => StoredKind::TrueFalse { answer },
            CardKind::Choice {
                choices,
                correct,
                shuffle,
            } => StoredKind::Choice {
                choices,
                correct,
                shuffle,
            },
            CardKind::Cloze { blanks } => StoredKind::Cloze { blanks },
            CardKind::Match { pairs } => StoredKind::Match { pairs },
        }
    }
}

impl From<StoredKind> for CardKind {
    fn from(kind: StoredKind) -> Self {
        match kind {
            StoredKind::Basic => CardKind::Basic,
            StoredKind::TrueFalse { answer } => CardKind::TrueFalse { answer },
            StoredKind::Choice {
                choices,
                correct,
                shuffle,
            } => CardKind::Choice {
                choices,
                correct,
                shuffle,
            },
            StoredKind::Cloze { blanks } => CardKind::Cloze { blanks },
            StoredKind::Match { pairs } => CardKind::Match { pairs },
        }
    }
}

/// A basic card's kind as the store writes it.
const BASIC_KIND: &str = r#"{"kind":"basic"}"#;

/// A card kind as the store writes it.
pub fn kind_text(kind: &CardKind) -> String {
    serde_json::to_string(&StoredKind::from(kind)).unwrap_or_else(|_| BASIC_KIND.into())
}

/// The card kind in column `index`: a kind this version does not know is
/// an error (the store is newer or damaged), never read as a basic card.
pub(super) fn stored_kind(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<CardKind> {
    let text = row.get_ref(index)?.as_str().map_err(|err| {
        rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(err))
    })?;
    // Most cards are basic, stored as exactly this text: no JSON to parse.
    if text == BASIC_KIND {
        return Ok(CardKind::Basic);
    }
    serde_json::from_str::<StoredKind>(text)
        .map(CardKind::from)
        .map_err(|err| {
            rusqlite::Error::FromSqlConversionFailure(
                index,
                rusqlite::types::Type::Text,
                Box::new(err),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use rusqlite::Connection;

    fn round_trip<T: ToSql + FromSql>(value: &T) -> T {
        let conn = Connection::open_in_memory().unwrap();
        conn.query_row("SELECT ?1", [value], |row| row.get(0))
            .unwrap()
    }

    #[test]
    fn each_type_reads_back_what_it_wrote() {
        assert_eq!(round_trip(&CardId(42)), CardId(42));
        assert_eq!(round_trip(&ReviewId(7)), ReviewId(7));
        assert_eq!(round_trip(&DeckId::new("ch1")), DeckId::new("ch1"));
        assert_eq!(
            round_trip(&Rating::new(4).unwrap()),
            Rating::new(4).unwrap()
        );
        assert_eq!(round_trip(&Ease::INITIAL), Ease::INITIAL);
        for verdict in [Verdict::Right, Verdict::PartlyRight, Verdict::Wrong] {
            assert_eq!(round_trip(&verdict), verdict);
        }
        assert_eq!(round_trip(&Scheduler::Fsrs), Scheduler::Fsrs);
        assert_eq!(round_trip(&Scheduler::Sm2), Scheduler::Sm2);
        let retention = Retention::from_hundredths(85).unwrap();
        assert_eq!(round_trip(&retention), retention);
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(round_trip(&day), day);
    }

    /// A day is written as rusqlite's chrono support writes it, and what
    /// reads as a day through chrono reads as the same day (and what
    /// does not, does not).
    #[test]
    fn days_are_written_and_read_as_chrono_does() {
        let conn = Connection::open_in_memory().unwrap();
        // Every day of two years, then a day every 109 years or so.
        let from = |year, step| {
            let mut day = NaiveDate::from_ymd_opt(year, 1, 1);
            std::iter::from_fn(move || {
                let this = day?;
                day = this.checked_add_days(chrono::Days::new(step));
                Some(this)
            })
        };
        let days = from(2026, 1).take(731).chain(from(1, 39_901));
        let edges = [0, 999, 1000, 9999, 10000, -1, 262_000]
            .into_iter()
            .flat_map(|y| {
                [(1, 1), (12, 31), (2, 29)]
                    .into_iter()
                    .filter_map(move |(m, d)| NaiveDate::from_ymd_opt(y, m, d))
            });
        for day in days.chain(edges) {
            let ours: String = conn
                .query_row("SELECT ?1", [Day(day)], |row| row.get(0))
                .unwrap();
            let chrono: String = conn
                .query_row("SELECT ?1", [day], |row| row.get(0))
                .unwrap();
            assert_eq!(ours, chrono);
            assert_eq!(round_trip(&Day(day)), Day(day));
        }
        let read = |sql: &str| {
            (
                conn.query_row(sql, [], |row| row.get::<_, Day>(0))
                    .ok()
                    .map(|d| d.0),
                conn.query_row(sql, [], |row| row.get::<_, NaiveDate>(0))
                    .ok(),
            )
        };
        for text in [
            "'2026-12-02'",
            "'0000-01-01'",
            "'2026-02-29'",
            "'2024-02-29'",
            "'2026-13-01'",
            "'2026-1-05'",
            "'2026-01-5'",
            "' 2026-01-05'",
            "'2026-01-05 '",
            "'2026/01/05'",
            "'+2026-01-05'",
            "'12026-01-05'",
            "'2026-01-0a'",
            "''",
            "20260105",
            "NULL",
            "x'323032362d30312d3035'",
        ] {
            let (ours, chrono) = read(&format!("SELECT {text}"));
            assert_eq!(ours, chrono, "{text}");
        }
    }

    #[test]
    fn card_kinds_are_stored_in_the_format_of_migration_0004() {
        let kind = CardKind::Choice {
            choices: vec!["a".into(), "b".into()],
            correct: vec![1],
            shuffle: true,
        };
        assert_eq!(
            kind_text(&kind),
            r#"{"kind":"choice","choices":["a","b"],"correct":[1],"shuffle":true}"#
        );
        assert_eq!(kind_text(&CardKind::Basic), r#"{"kind":"basic"}"#);
        let conn = Connection::open_in_memory().unwrap();
        let read = |text: &str| conn.query_row("SELECT ?1", [text], |row| stored_kind(row, 0));
        assert_eq!(read(&kind_text(&kind)).unwrap(), kind);
        assert!(
            read(r#"{"kind":"hologram"}"#).is_err(),
            "an unknown kind is an error"
        );
    }

    #[test]
    fn values_out_of_range_are_errors() {
        let conn = Connection::open_in_memory().unwrap();
        let rating = conn.query_row("SELECT 9", [], |row| row.get::<_, Rating>(0));
        assert!(rating.is_err());
        let ease = conn.query_row("SELECT 12", [], |row| row.get::<_, Ease>(0));
        assert!(ease.is_err());
        assert!(
            conn.query_row("SELECT 'anki'", [], |row| row.get::<_, Scheduler>(0))
                .is_err()
        );
        assert!(
            conn.query_row("SELECT 99", [], |row| row.get::<_, Retention>(0))
                .is_err()
        );
        for text in ["'juste'", "'Right'", "3"] {
            let verdict = conn.query_row(&format!("SELECT {text}"), [], |row| {
                row.get::<_, Verdict>(0)
            });
            assert!(verdict.is_err(), "{text} read as a verdict");
        }
        let day = conn.query_row("SELECT 'le 1er'", [], |row| row.get::<_, NaiveDate>(0));
        assert!(day.is_err());
    }
}
