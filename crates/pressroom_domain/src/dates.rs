//! Dates and the site's time zone. The publication date shown to readers is editable (old news
//! is imported with its real date) and kept in UTC; a date given without a time means the start
//! of that day in the site's zone, and is written back the same way so that import and export
//! round-trip.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

pub type PublicationDate = OffsetDateTime;

/// [`SiteZone::parse_date`] in UTC, for stored forms that are UTC by definition.
pub fn parse_publication_date(text: &str) -> Result<PublicationDate, String> {
    SiteZone::default().parse_date(text)
}

/// [`SiteZone::format_date`] in UTC.
pub fn format_publication_date(date: PublicationDate) -> String {
    SiteZone::default().format_date(date)
}

/// The institution's time zone (an IANA name such as `Europe/Moscow`): every date readers and
/// editors see, every archive month and every time an editor types is in it. Stored times stay
/// UTC; only the edges convert.
#[derive(Debug, Clone)]
pub struct SiteZone {
    name: String,
    zone: jiff::tz::TimeZone,
}

impl PartialEq for SiteZone {
    fn eq(&self, other: &SiteZone) -> bool {
        self.name == other.name
    }
}

impl serde::Serialize for SiteZone {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.name)
    }
}

impl Default for SiteZone {
    fn default() -> SiteZone {
        SiteZone { name: "UTC".into(), zone: jiff::tz::TimeZone::UTC }
    }
}

impl SiteZone {
    /// The zone named `name` in the bundled IANA database.
    pub fn parse(name: &str) -> Result<SiteZone, String> {
        let name = name.trim();
        let known = !name.is_empty() && name.len() <= 64 && !name.contains(['.', '\\']);
        match jiff::tz::TimeZone::get(name) {
            Ok(zone) if known => Ok(SiteZone { name: zone.iana_name().unwrap_or(name).to_owned(), zone }),
            _ => Err(format!("{name:?} is not a time zone: use an IANA name such as Europe/Moscow, Asia/Almaty or UTC")),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Every zone name the bundled database knows, sorted, for a form's suggestions.
    pub fn known_names() -> Vec<String> {
        let mut names: Vec<String> = jiff::tz::db().available().map(|n| n.as_str().to_owned()).collect();
        names.sort_unstable();
        names
    }

    /// The offset from UTC in effect at `at`.
    pub fn offset_at(&self, at: OffsetDateTime) -> UtcOffset {
        let seconds = jiff::Timestamp::from_second(at.unix_timestamp()).map_or(0, |t| self.zone.to_offset(t).seconds());
        UtcOffset::from_whole_seconds(seconds).unwrap_or(UtcOffset::UTC)
    }

    /// The same instant as a reader of the site reads it: its date and time are local.
    pub fn local(&self, at: OffsetDateTime) -> OffsetDateTime {
        at.to_offset(self.offset_at(at))
    }

    /// The instant a local date and time names. A time that a change to summer time skips is
    /// read as the hour after it, and one that the change back repeats as its first occurrence.
    pub fn from_local(&self, local: PrimitiveDateTime) -> OffsetDateTime {
        let civil = jiff::civil::DateTime::new(
            local.year() as i16,
            u8::from(local.month()) as i8,
            local.day() as i8,
            local.hour() as i8,
            local.minute() as i8,
            local.second() as i8,
            0,
        );
        let seconds = civil.ok().and_then(|c| self.zone.to_ambiguous_timestamp(c).compatible().ok()).map(|t| t.as_second());
        seconds.and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok()).unwrap_or_else(|| local.assume_utc())
    }

    /// The start of `date` in this zone.
    pub fn midnight(&self, date: Date) -> OffsetDateTime {
        self.from_local(PrimitiveDateTime::new(date, Time::MIDNIGHT))
    }

    /// Parses a date as any way in sends it: `YYYY-MM-DD` (the local day's start),
    /// `YYYY-MM-DDTHH:MM[:SS]` (a back-office `datetime-local`: local time) or RFC 3339.
    pub fn parse_date(&self, text: &str) -> Result<PublicationDate, String> {
        let text = text.trim();
        if let Ok(date) = Date::parse(text, format_description!("[year]-[month]-[day]")) {
            return Ok(self.midnight(date));
        }
        for form in [
            format_description!("[year]-[month]-[day]T[hour]:[minute]"),
            format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
        ] {
            if let Ok(local) = PrimitiveDateTime::parse(text, form) {
                return Ok(self.from_local(local));
            }
        }
        OffsetDateTime::parse(text, &Rfc3339)
            .map(|t| t.to_offset(UtcOffset::UTC))
            .map_err(|_| format!("{text:?} is not a date: use YYYY-MM-DD or an RFC 3339 time such as 2025-06-30T14:00:00+03:00"))
    }

    /// The inverse of [`SiteZone::parse_date`]: a bare date for the start of a local day,
    /// RFC 3339 with the local offset otherwise.
    pub fn format_date(&self, at: PublicationDate) -> String {
        let local = self.local(at);
        if local.time() == Time::MIDNIGHT {
            local.date().format(format_description!("[year]-[month]-[day]")).expect("a date always formats")
        } else {
            local.format(&Rfc3339).expect("a time always formats")
        }
    }

    /// The local day `YYYY-MM-DD` as `[from, to)` Unix seconds (23 or 25 hours long on the days
    /// the clocks change), for "from" and "to" filters that include the whole day.
    pub fn day_period(&self, text: &str) -> Result<(i64, i64), String> {
        let date = Date::parse(text.trim(), format_description!("[year]-[month]-[day]"))
            .map_err(|_| format!("{text:?} is not a date: use YYYY-MM-DD"))?;
        let next = date.next_day().ok_or_else(|| format!("{text:?} is past the end of the calendar"))?;
        Ok((self.midnight(date).unix_timestamp(), self.midnight(next).unix_timestamp()))
    }

    /// The archive period of a year, or of one month of it, as `[from, to)` Unix seconds from
    /// local midnight to local midnight; `None` for a month outside 1–12 or a year the calendar
    /// cannot hold.
    pub fn archive_period(&self, year: i32, month: Option<u8>) -> Option<(i64, i64)> {
        let start = |y: i32, m: u8| -> Option<i64> {
            let month = time::Month::try_from(m).ok()?;
            Some(self.midnight(Date::from_calendar_date(y, month, 1).ok()?).unix_timestamp())
        };
        match month {
            None => Some((start(year, 1)?, start(year.checked_add(1)?, 1)?)),
            Some(12) => Some((start(year, 12)?, start(year.checked_add(1)?, 1)?)),
            Some(m) => Some((start(year, m)?, start(year, m.checked_add(1)?)?)),
        }
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
    fn local_dates_cross_midnight_where_the_zone_does() {
        let moscow = SiteZone::parse("Europe/Moscow").unwrap();
        // 22:30 UTC on 30 June is already 1 July in Moscow.
        let late = parse_publication_date("2025-06-30T22:30:00Z").unwrap();
        assert_eq!(moscow.local(late).date().to_string(), "2025-07-01");
        assert_eq!(moscow.local(late).offset().whole_hours(), 3);
        assert_eq!(moscow.format_date(late), "2025-07-01T01:30:00+03:00");
        let day = moscow.parse_date("2025-07-01").unwrap();
        assert_eq!(day, parse_publication_date("2025-06-30T21:00:00Z").unwrap());
        assert_eq!(moscow.format_date(day), "2025-07-01");
        assert_eq!(moscow.parse_date("2025-07-01T01:30").unwrap(), late);
        let (from, to) = moscow.archive_period(2025, Some(7)).unwrap();
        assert!(from <= late.unix_timestamp() && late.unix_timestamp() < to);
        assert_eq!(
            SiteZone::default().archive_period(2025, Some(7)).unwrap().0,
            parse_publication_date("2025-07-01").unwrap().unix_timestamp()
        );
    }

    #[test]
    fn a_change_to_summer_time_moves_the_offset_and_skips_an_hour() {
        let berlin = SiteZone::parse("Europe/Berlin").unwrap();
        // Clocks went forward at 02:00 on 30 March 2025: 01:59 is +01:00, 03:00 is +02:00.
        assert_eq!(berlin.parse_date("2025-03-30T01:59").unwrap(), parse_publication_date("2025-03-30T00:59:00Z").unwrap());
        assert_eq!(berlin.parse_date("2025-03-30T03:00").unwrap(), parse_publication_date("2025-03-30T01:00:00Z").unwrap());
        // 02:30 does not exist that night; it is read as the hour after.
        assert_eq!(berlin.parse_date("2025-03-30T02:30").unwrap(), parse_publication_date("2025-03-30T01:30:00Z").unwrap());
        // March has an hour less: its archive period is 31 days minus one hour long.
        let (from, to) = berlin.archive_period(2025, Some(3)).unwrap();
        assert_eq!(to - from, 31 * 86_400 - 3_600);
        assert_eq!(berlin.format_date(berlin.parse_date("2025-10-26T02:30").unwrap()), "2025-10-26T02:30:00+02:00");
        let (from, to) = berlin.day_period("2025-10-26").unwrap();
        assert_eq!(to - from, 25 * 3_600, "the day the clocks go back has 25 hours");
        assert!(berlin.day_period("26.10.2025").unwrap_err().contains("YYYY-MM-DD"));
        assert!(SiteZone::parse("Mars/Olympus").unwrap_err().contains("IANA"));
        assert!(SiteZone::parse("../etc/passwd").is_err());
        assert_eq!(SiteZone::parse(" Asia/Almaty ").unwrap().name(), "Asia/Almaty");
    }

    #[test]
    fn bad_dates_are_refused_with_the_expected_form() {
        for bad in ["30.06.2025", "2025-13-01", "2025-02-30", "yesterday", ""] {
            let err = parse_publication_date(bad).unwrap_err();
            assert!(err.contains("YYYY-MM-DD"), "{err}");
        }
    }
}
