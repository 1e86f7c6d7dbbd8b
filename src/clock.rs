//! The one place the clock is read. `FICHES_NOW` (RFC 3339) sets it, so tests
//! and students can simulate days.

use chrono::{DateTime, Datelike, FixedOffset, Local, NaiveDate, TimeDelta};
use thiserror::Error;

pub const NOW_VARIABLE: &str = "FICHES_NOW";

/// A study day starts at 04:00 local time: late-night study counts for the
/// evening it belongs to.
pub const DAY_STARTS_AT_HOUR: i64 = 4;

/// The years the clock may be in: days are stored as YYYY-MM-DD and cards
/// scheduled years ahead, so both ends stay well inside what that holds.
pub const FIRST_YEAR: i32 = 1970;
pub const LAST_YEAR: i32 = 9000;

#[derive(Debug, Error)]
pub enum ClockError {
    #[error(
        "{NOW_VARIABLE}={value:?} is not an RFC 3339 time such as 2026-12-01T09:00:00-05:00: {reason}"
    )]
    Unreadable {
        value: String,
        reason: chrono::ParseError,
    },
    #[error(
        "{NOW_VARIABLE}={value:?} is in the year {year}: the clock must be in the years {FIRST_YEAR} to {LAST_YEAR}"
    )]
    OutOfRange { value: String, year: i32 },
}

/// Now, in local time, or the time `FICHES_NOW` gives.
pub fn now() -> Result<DateTime<FixedOffset>, ClockError> {
    let (value, now) = match std::env::var(NOW_VARIABLE) {
        Ok(value) if !value.trim().is_empty() => {
            let now = DateTime::parse_from_rfc3339(value.trim()).map_err(|reason| {
                ClockError::Unreadable {
                    value: value.clone(),
                    reason,
                }
            })?;
            (value, now)
        }
        _ => {
            let now = Local::now().fixed_offset();
            (now.to_rfc3339(), now)
        }
    };
    let year = now.year();
    if (FIRST_YEAR..=LAST_YEAR).contains(&year) {
        Ok(now)
    } else {
        Err(ClockError::OutOfRange { value, year })
    }
}

/// The study day an instant belongs to, in the instant's own offset.
pub fn study_day(instant: DateTime<FixedOffset>) -> NaiveDate {
    (instant - TimeDelta::hours(DAY_STARTS_AT_HOUR)).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn the_day_turns_at_four_in_the_morning_local_time() {
        let day = |s| study_day(at(s)).to_string();
        assert_eq!(day("2026-12-01T09:00:00-05:00"), "2026-12-01");
        assert_eq!(day("2026-12-02T03:59:59-05:00"), "2026-12-01");
        assert_eq!(day("2026-12-02T04:00:00-05:00"), "2026-12-02");
        // 02:30 in Montréal is still the evening of the first, though UTC says the second.
        assert_eq!(day("2026-12-02T02:30:00-05:00"), "2026-12-01");
    }
}
