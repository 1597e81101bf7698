//! What readers see of events: their dates, place and status on the event's page and in lists,
//! the events section's page (upcoming first, then the months) and a month's calendar.

use pressroom_domain::{ArticleSummary, EventFacts, EventStatus, EventTime, Lang, SiteZone, TagRef};
use serde::Serialize;
use time::{Date, Month, Weekday};

use crate::views::{Layout, ListItem, PageView, TagLink};
use crate::{urls, Catalogue};

/// An event's dates as a sentence: `30 June 2025, 10:00–14:00`, `24 June 2025 – 26 June 2025`.
pub fn when_text(facts: &EventFacts, lang: &Lang, zone: &SiteZone) -> String {
    let catalogue = Catalogue::get();
    let day = |time: &EventTime| catalogue.date_long(lang, zone, time.instant(zone)).replace(' ', "\u{a0}");
    let clock = |time: &EventTime| match time {
        EventTime::Day(_) => None,
        EventTime::At(at) => {
            let local = zone.local(*at);
            Some(format!("{:02}:{:02}", local.hour(), local.minute()))
        }
    };
    let start = match clock(&facts.start) {
        Some(hour) => format!("{}, {hour}", day(&facts.start)),
        None => day(&facts.start),
    };
    match &facts.end {
        None => start,
        Some(end) if end.day(zone) == facts.start.day(zone) => match clock(end) {
            Some(hour) => format!("{start}–{hour}"),
            None => start,
        },
        Some(end) => match clock(end) {
            Some(hour) => format!("{start} – {}, {hour}", day(end)),
            None => format!("{start} – {}", day(end)),
        },
    }
}

/// An event's or a document's status as readers are told it, with a class for its style.
#[derive(Debug, Clone, Serialize)]
pub struct StatusView {
    pub key: &'static str,
    pub label: String,
}

impl StatusView {
    pub fn new(status: EventStatus, lang: &Lang) -> StatusView {
        StatusView::labelled(status.as_str(), "event_status_", lang)
    }

    /// `key`, labelled by the message `prefix` + `key` (a document's status too).
    pub fn labelled(key: &'static str, prefix: &str, lang: &Lang) -> StatusView {
        StatusView { key, label: Catalogue::get().text(lang.as_str(), &format!("{prefix}{key}")).to_owned() }
    }
}

/// `Cholpon-Ata, Kyrgyzstan`, each name linked to its tag's page when the item has that tag.
pub(crate) fn tag_name_links<'a>(names: impl Iterator<Item = &'a str>, lang: &Lang, tags: &[TagRef]) -> Vec<TagLink> {
    names
        .map(|name| TagLink {
            name: name.to_owned(),
            url: tags.iter().find(|t| t.name.eq_ignore_ascii_case(name)).map(|t| urls::tag(lang, &t.key)).unwrap_or_default(),
        })
        .collect()
}

/// An event on its own page: the facts, its calendar file and the news that report on it.
#[derive(Debug, Clone, Serialize)]
pub struct EventBlock {
    pub when: String,
    pub start_iso: String,
    pub status: StatusView,
    pub place: Vec<TagLink>,
    pub ics_url: String,
    pub reports: Vec<ListItem>,
}

impl EventBlock {
    pub fn new(article: &pressroom_domain::Article, facts: &EventFacts, reports: Vec<ListItem>, zone: &SiteZone) -> EventBlock {
        let lang = &article.lang;
        EventBlock {
            when: when_text(facts, lang, zone),
            start_iso: facts.start.format(zone),
            status: StatusView::new(facts.status, lang),
            place: tag_name_links(facts.places(), lang, &article.tags),
            ics_url: urls::event_ics(lang, &article.slug),
            reports,
        }
    }
}

/// schema.org `Event`, for search engines and calendar assistants.
pub fn event_json(
    article: &pressroom_domain::Article,
    facts: &EventFacts,
    canonical: &str,
    organizer: &str,
    zone: &SiteZone,
    base_url: &str,
) -> serde_json::Value {
    let status = match facts.status {
        EventStatus::Planned | EventStatus::Held => "EventScheduled",
        EventStatus::Postponed => "EventRescheduled",
        EventStatus::Cancelled => "EventCancelled",
    };
    let place = facts.place();
    let mut json = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Event",
        "name": article.title,
        "description": article.lead,
        "inLanguage": article.lang.as_str(),
        "url": canonical,
        "startDate": facts.start.format(zone),
        "eventStatus": format!("https://schema.org/{status}"),
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "organizer": { "@type": "Organization", "name": organizer, "url": format!("{base_url}/") },
    });
    if let Some(end) = facts.end {
        json["endDate"] = serde_json::Value::String(end.format(zone));
    }
    if !place.is_empty() {
        json["location"] = serde_json::json!({
            "@type": "Place",
            "name": place,
            "address": { "@type": "PostalAddress", "addressLocality": facts.city, "addressCountry": facts.country },
        });
    }
    json
}

/// One event in a list or a calendar day.
#[derive(Debug, Clone, Serialize)]
pub struct EventItem {
    pub url: String,
    pub title: String,
    pub lead: String,
    pub when: String,
    pub start_iso: String,
    pub status: StatusView,
    pub place: String,
}

impl EventItem {
    pub fn new(summary: &ArticleSummary, facts: &EventFacts, zone: &SiteZone) -> EventItem {
        let lang = &summary.lang;
        EventItem {
            url: urls::article(lang, &summary.section, &summary.slug),
            title: summary.title.clone(),
            lead: summary.lead.clone(),
            when: when_text(facts, lang, zone),
            start_iso: facts.start.format(zone),
            status: StatusView::new(facts.status, lang),
            place: facts.place(),
        }
    }
}

/// A year of the calendar, with a link to each of its months.
#[derive(Debug, Clone, Serialize)]
pub struct CalendarYear {
    pub year: i32,
    pub months: Vec<MonthLink>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MonthLink {
    pub label: String,
    pub url: String,
}

impl CalendarYear {
    /// Every month of `year`, named in `lang`.
    pub fn new(lang: &Lang, year: i32) -> CalendarYear {
        let catalogue = Catalogue::get();
        let months = (1..=12u8)
            .map(|m| MonthLink { label: catalogue.month_name(lang, m).to_owned(), url: urls::events_month(lang, year, m) })
            .collect();
        CalendarYear { year, months }
    }
}

/// The events section's page: what is coming, then every month with events.
#[derive(Debug, Serialize)]
pub struct EventsPage {
    #[serde(flatten)]
    pub layout: Layout,
    pub heading: String,
    pub upcoming: Vec<EventItem>,
    pub this_month: MonthLink,
    pub years: Vec<CalendarYear>,
    pub feed_url: String,
}

impl PageView for EventsPage {
    const TEMPLATE: &'static str = "events.html";
}

/// One day of a month's grid; `events` is how many events fall on it, `anchor` where they are
/// listed on the page.
#[derive(Debug, Clone, Serialize)]
pub struct DayCell {
    pub day: u8,
    pub in_month: bool,
    pub today: bool,
    pub events: usize,
    pub anchor: String,
    pub label: String,
}

/// The events of one day of the month, under the grid.
#[derive(Debug, Clone, Serialize)]
pub struct CalendarDay {
    pub anchor: String,
    pub heading: String,
    pub events: Vec<EventItem>,
}

/// A month of the events calendar: a grid that needs no script, and the days' events listed.
#[derive(Debug, Serialize)]
pub struct EventMonthPage {
    #[serde(flatten)]
    pub layout: Layout,
    pub heading: String,
    pub weekdays: Vec<(String, String)>,
    pub weeks: Vec<Vec<DayCell>>,
    pub days: Vec<CalendarDay>,
    /// The neighbouring months, within the years the calendar spans.
    pub previous: Option<MonthLink>,
    pub next: Option<MonthLink>,
    pub events_url: String,
    pub feed_url: String,
}

impl PageView for EventMonthPage {
    const TEMPLATE: &'static str = "events_month.html";
}

impl EventMonthPage {
    /// The grid of `year`/`month` (Monday first) with `events` placed on every day they cover.
    pub fn grid(
        lang: &Lang,
        zone: &SiteZone,
        year: i32,
        month: Month,
        events: &[(ArticleSummary, EventFacts)],
        today: Date,
    ) -> (Vec<Vec<DayCell>>, Vec<CalendarDay>) {
        let catalogue = Catalogue::get();
        let first = Date::from_calendar_date(year, month, 1).unwrap_or(Date::MIN);
        let mut day = first;
        while day.weekday() != Weekday::Monday {
            day = day.previous_day().unwrap_or(day);
        }
        // Each event is listed once, under the first of its days in this month; every day it
        // covers links there.
        let listed_on = |facts: &EventFacts| facts.start.day(zone).max(first);
        let mut days: Vec<CalendarDay> = Vec::new();
        let mut weeks = Vec::new();
        loop {
            let mut week = Vec::with_capacity(7);
            for _ in 0..7 {
                let covering: Vec<&(ArticleSummary, EventFacts)> = events
                    .iter()
                    .filter(|(_, facts)| facts.start.day(zone) <= day && facts.end.unwrap_or(facts.start).day(zone) >= day)
                    .collect();
                let in_month = day.month() == month;
                let label = catalogue.date_long(lang, zone, zone.midnight(day));
                let starting: Vec<EventItem> = covering
                    .iter()
                    .filter(|(_, facts)| listed_on(facts) == day)
                    .map(|(summary, facts)| EventItem::new(summary, facts, zone))
                    .collect();
                if in_month && !starting.is_empty() {
                    days.push(CalendarDay { anchor: format!("day-{}", day.day()), heading: label.clone(), events: starting });
                }
                let anchor = covering.first().map(|(_, facts)| format!("day-{}", listed_on(facts).day())).unwrap_or_default();
                week.push(DayCell { day: day.day(), in_month, today: day == today, events: covering.len(), anchor, label });
                day = day.next_day().unwrap_or(day);
            }
            weeks.push(week);
            if day.month() != month || day.year() != year {
                break;
            }
        }
        (weeks, days)
    }

    /// Monday to Sunday: the short name for the grid's head, the full one for screen readers.
    pub fn weekdays(lang: &Lang) -> Vec<(String, String)> {
        let catalogue = Catalogue::get();
        (1..=7)
            .map(|d| {
                (
                    catalogue.text(lang.as_str(), &format!("weekday_short_{d}")).to_owned(),
                    catalogue.text(lang.as_str(), &format!("weekday_{d}")).to_owned(),
                )
            })
            .collect()
    }
}
