//! Events: an item of the events section also has a start and an end, a place and a status, so
//! that readers get a calendar and their calendar programs a feed. The facts are the same in
//! every language version of an item; names (city, country) are in the version's language and
//! are also its tags, so that a country's page lists the meetings held there.

use time::macros::format_description;
use time::{Date, OffsetDateTime};

use crate::article::optional_name;
use crate::{FieldError, SiteZone};

/// The section whose items are events.
pub const EVENTS_SECTION: &str = "events";

/// Where an event is in its life, as readers are told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventStatus {
    /// Announced, still to come.
    Planned,
    Held,
    /// Moved: the dates are the new ones.
    Postponed,
    Cancelled,
}

impl EventStatus {
    pub const ALL: [EventStatus; 4] = [EventStatus::Planned, EventStatus::Held, EventStatus::Postponed, EventStatus::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            EventStatus::Planned => "planned",
            EventStatus::Held => "held",
            EventStatus::Postponed => "postponed",
            EventStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<EventStatus> {
        EventStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// When an event starts or ends: a whole day of the site's calendar, or a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventTime {
    Day(Date),
    At(OffsetDateTime),
}

impl EventTime {
    /// A day (`YYYY-MM-DD`) or a local time (`YYYY-MM-DDTHH:MM`, RFC 3339), as every way in
    /// sends it.
    pub fn parse(text: &str, zone: &SiteZone) -> Result<EventTime, String> {
        let text = text.trim();
        match Date::parse(text, format_description!("[year]-[month]-[day]")) {
            Ok(date) => Ok(EventTime::Day(date)),
            Err(_) => zone.parse_date(text).map(EventTime::At),
        }
    }

    /// The form [`EventTime::parse`] reads back in the same zone.
    pub fn format(&self, zone: &SiteZone) -> String {
        match self {
            EventTime::Day(date) => date.to_string(),
            EventTime::At(at) => zone.format_date(*at),
        }
    }

    /// The stored form, independent of any zone: a day, or a UTC time.
    pub fn stored(&self) -> String {
        self.format(&SiteZone::default())
    }

    /// The moment it begins: a day's start on the site's clock.
    pub fn instant(&self, zone: &SiteZone) -> OffsetDateTime {
        match self {
            EventTime::Day(date) => zone.midnight(*date),
            EventTime::At(at) => *at,
        }
    }

    /// The local day it falls on.
    pub fn day(&self, zone: &SiteZone) -> Date {
        match self {
            EventTime::Day(date) => *date,
            EventTime::At(at) => zone.local(*at).date(),
        }
    }
}

/// What an event has besides its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFacts {
    pub start: EventTime,
    /// The last day, or the end time; none for an event of one day or one moment.
    pub end: Option<EventTime>,
    pub status: EventStatus,
    /// Tag names in the version's language.
    pub city: Option<String>,
    pub country: Option<String>,
}

/// The facts as a form, the API or a content folder gives them, as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventInput {
    pub start: String,
    pub end: String,
    pub status: String,
    pub city: String,
    pub country: String,
}

const PLACE_MAX: usize = 100;

impl EventInput {
    /// The facts this input gives, on the site's clock; every problem named with its field.
    pub fn resolve(&self, zone: &SiteZone) -> Result<EventFacts, Vec<FieldError>> {
        let mut errors = Vec::new();
        let time = |field: &'static str, text: &str| {
            EventTime::parse(text, zone).map_err(|e| FieldError::new(field, "error_event_time").detail(format!("{field}: {e}")))
        };
        let start = match self.start.trim() {
            "" => Err(FieldError::new("event_start", "error_event_start_missing").detail("an event needs its start")),
            text => time("event_start", text),
        }
        .map_err(|e| errors.push(e))
        .ok();
        let end = match self.end.trim() {
            "" => None,
            text => time("event_end", text).map_err(|e| errors.push(e)).ok(),
        };
        let status = match self.status.trim() {
            "" => Some(EventStatus::Planned),
            text => EventStatus::parse(text)
                .ok_or_else(|| {
                    errors.push(
                        FieldError::new("event_status", "error_event_status")
                            .detail(format!("unknown event status {text:?} (planned, held, postponed, cancelled)")),
                    )
                })
                .ok(),
        };
        let mut place = |field: &'static str, text: &str| {
            optional_name(field, "error_event_place", text, PLACE_MAX).unwrap_or_else(|e| {
                errors.push(e);
                None
            })
        };
        let city = place("event_city", &self.city);
        let country = place("event_country", &self.country);
        if let (Some(start), Some(end)) = (start, end) {
            let ends_before = match (start, end) {
                (EventTime::At(s), EventTime::At(e)) => e < s,
                _ => end.day(zone) < start.day(zone),
            };
            if ends_before {
                errors.push(FieldError::new("event_end", "error_event_end_before_start").detail("the event ends before it starts"));
            }
        }
        match (start, status) {
            (Some(start), Some(status)) if errors.is_empty() => Ok(EventFacts { start, end, status, city, country }),
            _ => Err(errors),
        }
    }

    /// The input that gives `facts` back, in `zone`.
    pub fn of(facts: &EventFacts, zone: &SiteZone) -> EventInput {
        EventInput {
            start: facts.start.format(zone),
            end: facts.end.map(|e| e.format(zone)).unwrap_or_default(),
            status: facts.status.as_str().to_owned(),
            city: facts.city.clone().unwrap_or_default(),
            country: facts.country.clone().unwrap_or_default(),
        }
    }
}

impl EventFacts {
    /// The city and the country, those given.
    pub fn places(&self) -> impl Iterator<Item = &str> {
        [&self.city, &self.country].into_iter().flatten().map(String::as_str)
    }

    /// `Cholpon-Ata, Kyrgyzstan`.
    pub fn place(&self) -> String {
        self.places().collect::<Vec<_>>().join(", ")
    }

    /// Whether a calendar that subscribed must be told: the time or the status changed.
    pub fn reschedules(&self, before: &EventFacts) -> bool {
        self.start != before.start || self.end != before.end || self.status != before.status
    }

    /// The stored form (JSON), independent of any zone.
    pub fn to_json(&self) -> String {
        serde_json::json!({
            "start": self.start.stored(),
            "end": self.end.map(|e| e.stored()),
            "status": self.status.as_str(),
            "city": self.city,
            "country": self.country,
        })
        .to_string()
    }

    /// Reads the stored form back.
    pub fn from_json(text: &str) -> Result<EventFacts, String> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("stored event: {e}"))?;
        let text_of = |key: &str| value.get(key).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
        let input = EventInput {
            start: text_of("start"),
            end: text_of("end"),
            status: text_of("status"),
            city: text_of("city"),
            country: text_of("country"),
        };
        input.resolve(&SiteZone::default()).map_err(|errors| format!("stored event: {errors:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moscow() -> SiteZone {
        SiteZone::parse("Europe/Moscow").unwrap()
    }

    fn input(start: &str, end: &str) -> EventInput {
        EventInput {
            start: start.into(),
            end: end.into(),
            status: "held".into(),
            city: " Cholpon-Ata ".into(),
            country: "Kyrgyzstan".into(),
        }
    }

    #[test]
    fn days_and_times_are_read_on_the_sites_clock_and_stored_without_it() {
        let facts = input("2025-06-30", "2025-07-01").resolve(&moscow()).unwrap();
        assert_eq!(facts.start, EventTime::Day(time::macros::date!(2025 - 06 - 30)));
        assert_eq!(facts.city.as_deref(), Some("Cholpon-Ata"));
        assert_eq!(facts.start.instant(&moscow()).unix_timestamp(), 1_751_230_800, "Moscow's midnight, 21:00 UTC the day before");
        assert_eq!(EventFacts::from_json(&facts.to_json()).unwrap(), facts);
        let timed = input("2025-06-30T10:00", "2025-06-30T13:30").resolve(&moscow()).unwrap();
        assert_eq!(timed.start.stored(), "2025-06-30T07:00:00Z");
        assert_eq!(timed.start.format(&moscow()), "2025-06-30T10:00:00+03:00");
        assert_eq!(EventFacts::from_json(&timed.to_json()).unwrap(), timed);
        assert_eq!(EventInput::of(&timed, &moscow()).resolve(&moscow()).unwrap(), timed);
    }

    #[test]
    fn every_problem_is_named() {
        let fields = |i: EventInput| i.resolve(&moscow()).unwrap_err().iter().map(|e| e.field).collect::<Vec<_>>();
        assert_eq!(fields(input("", "")), ["event_start"]);
        assert_eq!(fields(input("30.06.2025", "2025-13-01")), ["event_start", "event_end"]);
        assert_eq!(fields(input("2025-07-02", "2025-07-01")), ["event_end"]);
        assert_eq!(fields(EventInput { status: "rumoured".into(), ..input("2025-07-01", "") }), ["event_status"]);
        assert_eq!(fields(EventInput { city: "x".repeat(101), ..input("2025-07-01", "") }), ["event_city"]);
    }

    #[test]
    fn a_new_date_or_status_reschedules_and_a_new_place_does_not() {
        let held = input("2025-06-30", "").resolve(&moscow()).unwrap();
        let moved = EventFacts { start: EventTime::Day(time::macros::date!(2025 - 07 - 30)), ..held.clone() };
        assert!(moved.reschedules(&held));
        assert!(EventFacts { status: EventStatus::Cancelled, ..held.clone() }.reschedules(&held));
        assert!(!EventFacts { city: Some("Bishkek".into()), ..held.clone() }.reschedules(&held));
    }
}
