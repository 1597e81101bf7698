//! The events section: upcoming events first and a calendar by month, each event's `.ics` file,
//! and iCalendar feeds of all events or of one tag's (every meeting of a council) that calendar
//! programs subscribe to.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use icalendar::{Calendar, Component, EventLike, Property};
use pressroom_domain::{EventStatus, EventTime, Lang, SectionKey, SiteZone, Slug, TagKey, EVENTS_SECTION};
use pressroom_render::event_views::{CalendarYear, EventItem, EventMonthPage, EventsPage, MonthLink};
use pressroom_render::{urls, Catalogue};
use pressroom_store::EventListing;
use time::{Date, Month, OffsetDateTime};

use super::{respond_html, PageResult};
use crate::extract::{Equivalents, Reader};
use crate::{AppState, WebError};

/// Events listed as upcoming on the section's page.
const UPCOMING: u32 = 50;
/// Events a month's page shows at most.
const MONTH_EVENTS: u32 = 500;

fn events_key() -> SectionKey {
    SectionKey::parse(EVENTS_SECTION).expect("a constant section key is valid")
}

/// `/{lang}/events/`: what is coming, then every month of every year with events.
pub async fn index(state: &AppState, reader: &Reader) -> PageResult {
    let section = reader.site.section(EVENTS_SECTION).ok_or(WebError::NotFound)?;
    let zone = &reader.site.zone;
    let upcoming = state.store.upcoming_events(&reader.lang, UPCOMING).await?;
    let today = zone.local(OffsetDateTime::now_utc()).date();
    let years = match state.store.event_years(&reader.lang, zone).await? {
        Some((first, last)) => {
            (first.min(today.year())..=last.max(today.year())).rev().map(|y| CalendarYear::new(&reader.lang, y)).collect()
        }
        None => Vec::new(),
    };
    let heading = section.name(&reader.lang).to_owned();
    let page = EventsPage {
        layout: reader.layout(state, &heading, "", Some(Equivalents::SamePath), Some(EVENTS_SECTION)),
        heading,
        upcoming: upcoming.iter().map(|e| EventItem::new(&e.summary, &e.facts, zone)).collect(),
        this_month: month_link(&reader.lang, today.year(), today.month()),
        years,
        feed_url: urls::events_feed(&reader.lang, None),
    };
    Ok(respond_html(state, StatusCode::OK, &page))
}

/// The years the calendar has pages for: those with events in the reader's language, and this one.
async fn calendar_span(state: &AppState, reader: &Reader, this_year: i32) -> Result<std::ops::RangeInclusive<i32>, WebError> {
    Ok(match state.store.event_years(&reader.lang, &reader.site.zone).await? {
        Some((first, last)) => first.min(this_year)..=last.max(this_year),
        None => this_year..=this_year,
    })
}

fn month_link(lang: &Lang, year: i32, month: Month) -> MonthLink {
    let label = format!("{} {year}", Catalogue::get().month_name(lang, u8::from(month)));
    MonthLink { label, url: urls::events_month(lang, year, u8::from(month)) }
}

/// `/{lang}/events/{yyyy}/{mm}/`: the month's grid and its events, day by day.
pub async fn month(
    State(state): State<AppState>,
    reader: Reader,
    Path((_, section, year, month)): Path<(String, String, String, String)>,
) -> PageResult {
    let events_section = reader.site.section(EVENTS_SECTION).filter(|_| section == EVENTS_SECTION).ok_or(WebError::NotFound)?;
    let year = match year.parse::<i32>() {
        Ok(y) if year.len() == 4 && (1000..=9999).contains(&y) => y,
        _ => return Err(WebError::NotFound),
    };
    let month = match month.parse::<u8>().ok().and_then(|m| Month::try_from(m).ok()) {
        Some(m) if month.len() == 2 => m,
        _ => return Err(WebError::NotFound),
    };
    let zone = &reader.site.zone;
    // The calendar spans the years with events and the current one: a month outside has no
    // page, so that following "next month" ends (a crawler's walk included).
    let today = zone.local(OffsetDateTime::now_utc()).date();
    let span = calendar_span(&state, &reader, today.year()).await?;
    if !span.contains(&year) {
        return Err(WebError::NotFound);
    }
    let (from, to) = zone.archive_period(year, Some(u8::from(month))).ok_or(WebError::NotFound)?;
    let listed = state.store.events_between(&reader.lang, from, to, MONTH_EVENTS).await?;
    let events: Vec<_> = listed.into_iter().map(|e| (e.summary, e.facts)).collect();
    let (weeks, days) = EventMonthPage::grid(&reader.lang, zone, year, month, &events, today);
    let first = Date::from_calendar_date(year, month, 1).map_err(|_| WebError::NotFound)?;
    let previous = first.previous_day().ok_or(WebError::NotFound)?;
    let next = first.replace_day(28).ok().and_then(|d| d.checked_add(time::Duration::days(4))).ok_or(WebError::NotFound)?;
    let heading = format!("{} — {}", events_section.name(&reader.lang), month_link(&reader.lang, year, month).label);
    let page = EventMonthPage {
        layout: reader.layout(&state, &heading, "", Some(Equivalents::SamePath), Some(EVENTS_SECTION)),
        heading,
        weekdays: EventMonthPage::weekdays(&reader.lang),
        weeks,
        days,
        previous: Some(previous).filter(|d| span.contains(&d.year())).map(|d| month_link(&reader.lang, d.year(), d.month())),
        next: Some(next).filter(|d| span.contains(&d.year())).map(|d| month_link(&reader.lang, d.year(), d.month())),
        events_url: urls::section(&reader.lang, &events_key()),
        feed_url: urls::events_feed(&reader.lang, None),
    };
    Ok(respond_html(&state, StatusCode::OK, &page))
}

/// `/{lang}/events.ics`: every event in the language.
pub async fn feed(State(state): State<AppState>, reader: Reader) -> Result<Response, WebError> {
    let events = state.store.event_feed(&reader.lang, None).await?;
    let name = Catalogue::get().text(reader.lang.as_str(), "event_calendar_name").to_owned();
    Ok(ics_response(&calendar(&state, &reader, &name, &events), None))
}

/// `/{lang}/tags/{tag}/events.ics`: the events of one tag (a body, a country, a city).
pub async fn tag_feed(State(state): State<AppState>, reader: Reader, Path((_, tag)): Path<(String, String)>) -> Result<Response, WebError> {
    let key = TagKey::parse(&tag).map_err(|_| WebError::NotFound)?;
    let tag = state.store.tag(&key).await?;
    let events = state.store.event_feed(&reader.lang, Some(&key)).await?;
    let name = format!("{} — {}", Catalogue::get().text(reader.lang.as_str(), "event_calendar_name"), tag.name(&reader.lang));
    Ok(ics_response(&calendar(&state, &reader, &name, &events), None))
}

/// `/{lang}/events/{slug}.ics`: one event, to add to a calendar.
pub async fn event_file(state: &AppState, reader: &Reader, slug: &str) -> Result<Response, WebError> {
    let slug = Slug::parse(slug).map_err(|_| WebError::NotFound)?;
    let listing = state.store.published_event(&reader.lang, &slug).await?.ok_or(WebError::NotFound)?;
    Ok(ics_response(&calendar(state, reader, &listing.summary.title, std::slice::from_ref(&listing)), Some(&slug)))
}

fn ics_response(body: &str, download: Option<&Slug>) -> Response {
    let mut response = body.to_owned().into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/calendar; charset=utf-8"));
    if let Some(slug) = download {
        if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{slug}.ics\"")) {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
    }
    response
}

/// An RFC 5545 calendar of `events`. Times are written in UTC and days as dates, so that no
/// time zone definition is needed and every program shows them on its reader's clock; the
/// site's zone is named for the programs that use it as the calendar's default.
fn calendar(state: &AppState, reader: &Reader, name: &str, events: &[EventListing]) -> String {
    let base = &state.config.base_url;
    let host = url::Url::parse(base).ok().and_then(|u| u.host_str().map(str::to_owned)).unwrap_or_else(|| "pressroom".into());
    let zone = &reader.site.zone;
    let mut calendar = Calendar::empty();
    for (key, value) in [
        ("VERSION", "2.0"),
        ("PRODID", "-//Pressroom//Events//EN"),
        ("CALSCALE", "GREGORIAN"),
        ("METHOD", "PUBLISH"),
        ("X-WR-CALNAME", name),
        ("NAME", name),
        ("X-WR-TIMEZONE", zone.name()),
    ] {
        calendar.append_property(Property::new(key, value));
    }
    for listing in events {
        calendar.push(event_component(listing, zone, base, &host));
    }
    calendar.done().to_string()
}

fn event_component(listing: &EventListing, zone: &SiteZone, base: &str, host: &str) -> icalendar::Event {
    let summary = &listing.summary;
    let url = format!("{base}{}", urls::article(&summary.lang, &summary.section, &summary.slug));
    let mut event = icalendar::Event::new();
    event
        .uid(&format!("event-{}@{host}", summary.id.0))
        .timestamp(utc(listing.updated_at))
        .sequence(u32::try_from(listing.sequence).unwrap_or(0))
        .summary(&summary.title)
        .description(&format!("{}\n\n{url}", summary.lead))
        .url(&url)
        .status(match listing.facts.status {
            EventStatus::Cancelled => icalendar::EventStatus::Cancelled,
            _ => icalendar::EventStatus::Confirmed,
        });
    let facts = &listing.facts;
    let place = facts.place();
    if !place.is_empty() {
        event.location(&place);
    }
    match facts.start {
        EventTime::Day(day) => {
            // A day's DTEND is the day after the last one (RFC 5545: exclusive).
            let last = facts.end.map_or(day, |end| end.day(zone));
            event.starts(naive(day));
            event.ends(naive(last.next_day().unwrap_or(last)));
        }
        EventTime::At(at) => {
            event.starts(utc(at));
            match facts.end {
                Some(EventTime::At(end)) => event.ends(utc(end)),
                Some(EventTime::Day(last)) => event.ends(utc(zone.midnight(last.next_day().unwrap_or(last)))),
                None => &mut event,
            };
        }
    }
    event.done()
}

fn utc(at: OffsetDateTime) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(at.unix_timestamp(), 0).unwrap_or_default()
}

fn naive(day: Date) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(day.year(), u32::from(u8::from(day.month())), u32::from(day.day())).unwrap_or_default()
}
