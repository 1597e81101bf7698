//! The publication date shown to readers. It is editable (old news is imported with its real
//! date) and kept in UTC; a date given without a time means midnight UTC of that day, and is
//! written back the same way so that import and export round-trip.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

pub type PublicationDate = OffsetDateTime;

/// Parses `YYYY-MM-DD` or an RFC 3339 timestamp; the result is in UTC.
pub fn parse_publication_date(text: &str) -> Result<PublicationDate, String> {
    let text = text.trim();
    if let Ok(date) = Date::parse(text, format_description!("[year]-[month]-[day]")) {
        return Ok(PrimitiveDateTime::new(date, Time::MIDNIGHT).assume_utc());
    }
    OffsetDateTime::parse(text, &Rfc3339)
        .map(|t| t.to_offset(UtcOffset::UTC))
        .map_err(|_| format!("{text:?} is not a date: use YYYY-MM-DD or an RFC 3339 time such as 2025-06-30T14:00:00+03:00"))
}

/// The inverse of [`parse_publication_date`]: a bare date at midnight UTC, RFC 3339 otherwise.
pub fn format_publication_date(date: PublicationDate) -> String {
    let date = date.to_offset(UtcOffset::UTC);
    if date.time() == Time::MIDNIGHT {
        date.date().format(format_description!("[year]-[month]-[day]")).expect("a date always formats")
    } else {
        date.format(&Rfc3339).expect("a UTC time always formats")
    }
}

/// The archive period of a year, or of one month of it, as `[from, to)` Unix seconds (UTC);
/// `None` for a month outside 1–12 or a year the calendar cannot hold.
pub fn archive_period(year: i32, month: Option<u8>) -> Option<(i64, i64)> {
    let start = |y: i32, m: u8| -> Option<i64> {
        let month = time::Month::try_from(m).ok()?;
        Some(Date::from_calendar_date(y, month, 1).ok()?.midnight().assume_utc().unix_timestamp())
    };
    match month {
        None => Some((start(year, 1)?, start(year.checked_add(1)?, 1)?)),
        Some(12) => Some((start(year, 12)?, start(year.checked_add(1)?, 1)?)),
        Some(m) => Some((start(year, m)?, start(year, m.checked_add(1)?)?)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        for text in ["2025-06-30", "2025-06-30T14:05:00Z"] {
            assert_eq!(format_publication_date(parse_publication_date(text).unwrap()), text);
        }
        let moscow = parse_publication_date("2025-06-30T14:05:00+03:00").unwrap();
        assert_eq!(format_publication_date(moscow), "2025-06-30T11:05:00Z");
    }

    #[test]
    fn bad_dates_are_refused_with_the_expected_form() {
        for bad in ["30.06.2025", "2025-13-01", "2025-02-30", "yesterday", ""] {
            let err = parse_publication_date(bad).unwrap_err();
            assert!(err.contains("YYYY-MM-DD"), "{err}");
        }
    }
}
