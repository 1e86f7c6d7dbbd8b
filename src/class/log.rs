//! The review log an instructor gathers from students: one line per
//! rating, under the store's pseudonymous student key, as JSON lines or
//! CSV, and read back from either for `fiches report`.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::sched::{Rating, Verdict};
use crate::store::ReviewId;

/// One rating, as a log line holds it. Nothing in it names the student:
/// `student` is a random key made once per store, and `file` is the deck
/// file's name without its directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    pub student: String,
    /// The rating's number in the student's store: a log given twice is
    /// counted once.
    pub review: ReviewId,
    pub deck: String,
    pub file: String,
    pub line: u32,
    /// The card's `id`, or the key derived from its deck and question.
    pub card: String,
    pub question: String,
    pub tags: Vec<String>,
    /// How many items the answer holds.
    pub items: u32,
    /// The study day, YYYY-MM-DD.
    pub day: String,
    /// 1–5, as a number.
    pub rating: Rating,
    pub took_ms: i64,
    /// `false` for a second rating the same day, which left the schedule alone.
    pub scheduled: bool,
    /// The answer items ticked as recalled (from 0), when the student ticked.
    pub ticks: Option<Vec<usize>>,
    /// A graded card's grade (`right`, `partly`, `wrong`); `null` for a
    /// card that is not graded, or a log written before verdicts were kept.
    #[serde(default)]
    pub verdict: Option<Verdict>,
}

const CSV_HEADER: &str = "student,review,deck,file,line,card,question,tags,items,day,rating,took_ms,scheduled,ticks,verdict";

/// The header's fields before the verdict was logged: such logs still read.
const CSV_FIELDS_WITHOUT_VERDICT: usize = 14;

/// The lines as JSON lines.
pub fn to_jsonl(lines: &[LogLine]) -> String {
    let mut out = String::new();
    for line in lines {
        let json = serde_json::to_string(line).unwrap_or_default();
        out.push_str(&crate::text::json_safe(json));
        out.push('\n');
    }
    out
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// The lines as CSV with a header row; tags and ticks as JSON lists.
pub fn to_csv(lines: &[LogLine]) -> String {
    let mut out = format!("{CSV_HEADER}\r\n");
    for l in lines {
        let tags = serde_json::to_string(&l.tags).unwrap_or_default();
        let ticks = l
            .ticks
            .as_ref()
            .map(|t| serde_json::to_string(t).unwrap_or_default())
            .unwrap_or_default();
        let fields = [
            csv_field(&l.student),
            l.review.get().to_string(),
            csv_field(&l.deck),
            csv_field(&l.file),
            l.line.to_string(),
            csv_field(&l.card),
            csv_field(&l.question),
            csv_field(&tags),
            l.items.to_string(),
            csv_field(&l.day),
            l.rating.to_string(),
            l.took_ms.to_string(),
            l.scheduled.to_string(),
            csv_field(&ticks),
            l.verdict.map(Verdict::word).unwrap_or_default().to_string(),
        ];
        let _ = write!(out, "{}\r\n", fields.join(","));
    }
    out
}

#[derive(Debug, Error, PartialEq)]
#[error("line {line}: {reason}")]
pub struct LogError {
    pub line: usize,
    pub reason: String,
}

/// Reads a log written by [`to_jsonl`] or [`to_csv`] (told apart by the
/// CSV header).
pub fn read(text: &str) -> Result<Vec<LogLine>, LogError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.starts_with("student,") {
        return read_csv(text);
    }
    let mut lines = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let parsed: LogLine = serde_json::from_str(line).map_err(|e| LogError {
            line: index + 1,
            reason: format!("not a line of `fiches export --log`: {e}"),
        })?;
        check(&parsed, index + 1)?;
        lines.push(parsed);
    }
    Ok(lines)
}

fn check(line: &LogLine, number: usize) -> Result<(), LogError> {
    let bad = |reason: &str| {
        Err(LogError {
            line: number,
            reason: reason.to_string(),
        })
    };
    if line.student.is_empty() || line.card.is_empty() {
        return bad("no student key or no card");
    }
    Ok(())
}

fn read_csv(text: &str) -> Result<Vec<LogLine>, LogError> {
    let rows = csv_rows(text);
    let fields = rows.first().map_or(0, |(_, header)| header.len());
    if fields != CSV_FIELDS_WITHOUT_VERDICT && fields != CSV_FIELDS_WITHOUT_VERDICT + 1 {
        return Err(LogError {
            line: 1,
            reason: format!(
                "a header of {fields} fields: not the header of `fiches export --log` ({CSV_HEADER})"
            ),
        });
    }
    let mut out = Vec::new();
    for (number, row) in rows.into_iter().skip(1) {
        if row.iter().all(|f| f.is_empty()) {
            continue;
        }
        let bad = |reason: String| LogError {
            line: number,
            reason,
        };
        if row.len() != fields {
            return Err(bad(format!(
                "{} fields, where the header has {fields}",
                row.len()
            )));
        }
        let number_of = |i: usize, what: &str| {
            row[i]
                .parse::<i64>()
                .map_err(|_| bad(format!("`{what}` is not a number")))
        };
        let list = |i: usize, what: &str| -> Result<Option<serde_json::Value>, LogError> {
            if row[i].is_empty() {
                return Ok(None);
            }
            serde_json::from_str(&row[i])
                .map(Some)
                .map_err(|_| bad(format!("`{what}` is not a JSON list")))
        };
        let tags: Vec<String> = list(7, "tags")?
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default();
        let ticks: Option<Vec<usize>> =
            list(13, "ticks")?.and_then(|v| serde_json::from_value(v).ok());
        let line = LogLine {
            student: row[0].clone(),
            review: ReviewId::new(number_of(1, "review")?),
            deck: row[2].clone(),
            file: row[3].clone(),
            line: u32::try_from(number_of(4, "line")?).unwrap_or(0),
            card: row[5].clone(),
            question: row[6].clone(),
            tags,
            items: u32::try_from(number_of(8, "items")?).unwrap_or(0),
            day: row[9].clone(),
            rating: u8::try_from(number_of(10, "rating")?)
                .ok()
                .and_then(Rating::new)
                .ok_or_else(|| bad("the rating is not between 1 and 5".to_string()))?,
            took_ms: number_of(11, "took_ms")?,
            scheduled: row[12] == "true",
            ticks,
            verdict: match row.get(14).map(String::as_str) {
                None | Some("") => None,
                Some(word) => Some(Verdict::from_word(word).ok_or_else(|| {
                    bad(format!("`verdict` is {word:?}, not right, partly or wrong"))
                })?),
            },
        };
        check(&line, number)?;
        out.push(line);
    }
    Ok(out)
}

/// CSV rows with the line each starts on; quotes honoured.
fn csv_rows(text: &str) -> Vec<(usize, Vec<String>)> {
    let mut rows = Vec::new();
    let (mut row, mut field) = (Vec::new(), String::new());
    let (mut quoted, mut line, mut start) = (false, 1, 1);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push((start, std::mem::take(&mut row)));
                line += 1;
                start = line;
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push((start, row));
    }
    rows
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn line(student: &str, review: i64, card: &str, rating: u8) -> LogLine {
        let rating = Rating::new(rating).expect("a rating from 1 to 5");
        LogLine {
            student: student.into(),
            review: ReviewId::new(review),
            deck: "plaintes".into(),
            file: "plaintes.yaml".into(),
            line: 7,
            card: card.into(),
            question: "Qui, \"quoi\" ?\nEt\u{1b}[31m".into(),
            tags: vec!["sac".into(), "a, b".into()],
            items: 3,
            day: "2026-12-01".into(),
            rating,
            took_ms: 4200,
            scheduled: true,
            ticks: Some(vec![0, 2]),
            verdict: None,
        }
    }

    #[test]
    fn both_formats_read_back_what_they_wrote() {
        let lines = vec![
            line("k1", 1, "c1", 4),
            LogLine {
                ticks: None,
                verdict: Some(Verdict::Wrong),
                ..line("k1", 2, "c2", 1)
            },
            LogLine {
                ticks: None,
                verdict: Some(Verdict::PartlyRight),
                ..line("k1", 3, "c3", 3)
            },
        ];
        let jsonl = to_jsonl(&lines);
        assert!(!jsonl.contains('\u{1b}'));
        assert_eq!(read(&jsonl).unwrap(), lines);
        assert!(jsonl.contains(r#""verdict":"partly""#), "{jsonl}");
        let csv = to_csv(&lines);
        assert!(csv.starts_with(CSV_HEADER));
        assert!(csv.contains(",wrong\r\n"), "{csv}");
        assert_eq!(read(&csv).unwrap(), lines);
    }

    #[test]
    fn a_log_from_before_verdicts_still_reads() {
        let line = LogLine {
            question: "Qui ?".into(),
            ..line("k1", 1, "c1", 4)
        };
        let mut json: serde_json::Value = serde_json::to_value(&line).unwrap();
        json.as_object_mut().unwrap().remove("verdict");
        assert_eq!(read(&format!("{json}\n")).unwrap(), vec![line.clone()]);
        let csv = to_csv(std::slice::from_ref(&line));
        let old: String = csv
            .lines()
            .map(|l| l.rsplit_once(',').unwrap().0.to_string() + "\r\n")
            .collect();
        assert_eq!(read(&old).unwrap(), vec![line]);
        let bad = csv.replace(",\r\n", ",juste\r\n");
        assert!(read(&bad).unwrap_err().reason.contains("juste"), "{bad}");
    }

    #[test]
    fn a_bad_line_is_named() {
        let good = to_jsonl(&[line("k1", 1, "c1", 4)]);
        let err = read(&format!("{good}{{\"student\": 3}}\n")).unwrap_err();
        assert_eq!(err.line, 2);
        let bad_rating =
            to_jsonl(&[line("k1", 1, "c1", 4)]).replace(r#""rating":4"#, r#""rating":9"#);
        let err = read(&bad_rating).unwrap_err();
        assert_eq!(err.line, 1);
        assert!(
            err.reason.contains("the rating 9 is not between 1 and 5"),
            "{err}"
        );
        let csv = to_csv(&[line("k1", 1, "c1", 4)]).replace(",4,4200,", ",0,4200,");
        let err = read(&csv).unwrap_err();
        assert_eq!(
            (err.line, err.reason.as_str()),
            (2, "the rating is not between 1 and 5")
        );
        let csv = format!("{CSV_HEADER}\r\nk,1,d\r\n");
        assert!(read(&csv).unwrap_err().reason.contains("3 fields"));
    }
}
