//! Events: the calendar pages, each event's facts and reports, and iCalendar feeds read back by a
//! parser we did not write (the `ical` crate) — on SQLite and, when configured, PostgreSQL. The
//! demo's clock is Moscow's.

mod common;

use common::{attributes, texts, token_for, TestSite};
use pressroom_domain::{Lang, Role, Scope, SectionKey, Slug};
use reqwest::StatusCode;
use serde_json::json;

on_both_engines!(the_calendar_shows_events_by_month_with_their_facts_and_reports, calendars_read_the_feeds_and_follow_a_change,);

const EN_CFM_EVENT: &str = "/en/events/council-of-foreign-ministers-cholpon-ata-2025";

async fn the_calendar_shows_events_by_month_with_their_facts_and_reports(site: TestSite) {
    // The section's page: what is coming (the demo's are in 2027), then the months.
    let index = site.ok("/en/events/").await;
    assert_eq!(
        texts(&index, ".event-list .news-title"),
        [
            "Meeting of the CSTO Committee of Secretaries of Security Councils",
            "Interaction joint exercise of the Collective Rapid Reaction Forces"
        ]
    );
    assert!(texts(&index, ".event-status").contains(&"Postponed".to_owned()));
    assert!(attributes(&index, ".calendar-years a", "href").contains(&"/en/events/2025/06/".to_owned()));

    // A month: a grid Monday first, days with events linking to where they are listed, each
    // event listed once under its first day.
    let june = site.ok("/en/events/2025/06/").await;
    assert_eq!(texts(&june, ".calendar th abbr"), ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]);
    assert_eq!(texts(&june, ".calendar td")[0], "26", "June 2025 starts on a Sunday: the grid opens on Monday 26 May");
    assert_eq!(attributes(&june, ".calendar td.has-events a", "href"), ["#day-24", "#day-24", "#day-24", "#day-30"]);
    assert_eq!(texts(&june, ".calendar-day h2"), ["24 June 2025", "30 June 2025"]);
    assert_eq!(texts(&june, ".calendar-day .event-when time"), ["24 June 2025 – 26 June 2025", "30 June 2025, 10:00–14:00"]);
    let russian = site.ok("/ru/events/2025/06/").await;
    assert_eq!(texts(&russian, ".calendar-day h2"), ["24 июня 2025", "30 июня 2025"]);
    assert!(texts(&russian, "h1")[0].contains("Июнь 2025"));
    assert_eq!(texts(&site.ok("/en/events/2025/05/").await, ".empty"), ["No events this month."]);
    assert!(texts(&june, ".month-nav a").iter().any(|a| a.contains("May 2025")));
    let first = site.ok("/en/events/2025/01/").await;
    assert!(texts(&first, ".month-nav a").iter().all(|a| !a.contains("2024")), "the calendar starts with the first year of events");
    for missing in [
        "/en/events/2024/12/",
        "/en/events/2999/01/",
        "/en/events/2025/13/",
        "/en/events/2025/6/",
        "/en/events/25/06/",
        "/en/news/2025/06/",
    ] {
        assert_eq!(site.page(missing).await.0, StatusCode::NOT_FOUND, "{missing}");
    }

    // The event's page: its facts on the site's clock, its place as tags, the news reporting on it.
    let event = site.ok(EN_CFM_EVENT).await;
    assert_eq!(texts(&event, ".event-facts dd"), ["30 June 2025, 10:00–14:00", "Cholpon-Ata, Kyrgyzstan", "Held"]);
    assert_eq!(attributes(&event, ".event-facts dd a", "href"), ["/en/tags/cholpon-ata", "/en/tags/kyrgyzstan"]);
    assert_eq!(attributes(&event, ".event-facts dd time", "datetime"), ["2025-06-30T10:00:00+03:00"]);
    assert_eq!(texts(&event, ".event-facts .news-title").len(), 2, "both English reports");
    let json_ld: serde_json::Value = serde_json::from_str(&texts(&event, "script[type='application/ld+json']")[0]).unwrap();
    assert_eq!(json_ld["@type"], "Event");
    assert_eq!(json_ld["startDate"], "2025-06-30T10:00:00+03:00");
    assert_eq!(json_ld["eventStatus"], "https://schema.org/EventScheduled");
    assert_eq!(json_ld["location"]["address"]["addressCountry"], "Kyrgyzstan");
    // And back: a report names its event.
    let report = site.ok("/en/news/csto-council-of-foreign-ministers-meets-in-cholpon-ata").await;
    assert_eq!(attributes(&report, ".report-of a", "href"), [EN_CFM_EVENT]);
    // The city is a tag whose page lists the event.
    assert!(texts(&site.ok("/en/tags/cholpon-ata").await, ".news-title")
        .contains(&"Meeting of the CSTO Council of Foreign Ministers".to_owned()));
}

/// The `VEVENT`s of an iCalendar text, as a parser we did not write reads them: each event's
/// properties by name, with the value's type (`VALUE=DATE`) when given.
fn parse_calendar(text: &str) -> Vec<std::collections::HashMap<String, (String, Option<String>)>> {
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "RFC 5545 folds lines at 75 octets: {line:?}");
    }
    assert!(!text.replace("\r\n", "").contains('\n'), "lines end in CRLF");
    let mut calendars = ical::IcalParser::new(text.as_bytes());
    let calendar = calendars.next().expect("one calendar").expect("a valid calendar");
    assert!(calendars.next().is_none());
    let version = calendar.properties.iter().find(|p| p.name == "VERSION").and_then(|p| p.value.clone());
    assert_eq!(version.as_deref(), Some("2.0"));
    calendar
        .events
        .iter()
        .map(|event| {
            event
                .properties
                .iter()
                .map(|p| {
                    let kind = p.params.iter().flatten().find(|(name, _)| name == "VALUE").map(|(_, v)| v.join(","));
                    (p.name.clone(), (p.value.clone().unwrap_or_default(), kind))
                })
                .collect()
        })
        .collect()
}

async fn calendar_of(site: &TestSite, path: &str) -> Vec<std::collections::HashMap<String, (String, Option<String>)>> {
    let response = site.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    assert_eq!(response.headers()["content-type"], "text/calendar; charset=utf-8");
    parse_calendar(&response.text().await.unwrap())
}

fn value<'a>(event: &'a std::collections::HashMap<String, (String, Option<String>)>, name: &str) -> &'a str {
    event.get(name).map_or("", |(v, _)| v.as_str())
}

async fn calendars_read_the_feeds_and_follow_a_change(site: TestSite) {
    let all = calendar_of(&site, "/en/events.ics").await;
    assert_eq!(all.len(), 4, "every English event");
    let cfm = all.iter().find(|e| value(e, "SUMMARY") == "Meeting of the CSTO Council of Foreign Ministers").unwrap();
    // Times in UTC: 10:00 in Moscow.
    assert_eq!(value(cfm, "DTSTART"), "20250630T070000Z");
    assert_eq!(value(cfm, "DTEND"), "20250630T110000Z");
    assert_eq!(value(cfm, "LOCATION"), "Cholpon-Ata\\, Kyrgyzstan");
    assert_eq!(value(cfm, "SEQUENCE"), "0");
    assert_eq!(value(cfm, "STATUS"), "CONFIRMED");
    assert!(value(cfm, "URL").ends_with(EN_CFM_EVENT));
    // Whole days as dates, the end exclusive: 24–26 June ends on the 27th.
    let osce = all.iter().find(|e| value(e, "SUMMARY") == "OSCE Annual Security Review Conference").unwrap();
    assert_eq!(osce["DTSTART"], ("20250624".to_owned(), Some("DATE".to_owned())));
    assert_eq!(osce["DTEND"], ("20250627".to_owned(), Some("DATE".to_owned())));
    let uids: std::collections::HashSet<_> = all.iter().map(|e| value(e, "UID")).collect();
    assert_eq!(uids.len(), 4, "every event has its own UID");

    // A tag's calendar: every meeting of the Council of Foreign Ministers, and only those.
    let council = calendar_of(&site, "/en/tags/council-of-foreign-ministers/events.ics").await;
    assert_eq!(council.iter().map(|e| value(e, "UID")).collect::<Vec<_>>(), [value(cfm, "UID")]);
    // One event's file, to download.
    let response = site.get(&format!("{EN_CFM_EVENT}.ics")).await;
    assert!(response.headers()["content-disposition"].to_str().unwrap().contains("council-of-foreign-ministers-cholpon-ata-2025.ics"));
    let single = parse_calendar(&response.text().await.unwrap());
    assert_eq!(value(&single[0], "UID"), value(cfm, "UID"));
    assert_eq!(site.page("/en/events/no-such-event.ics").await.0, StatusCode::NOT_FOUND);
    assert_eq!(site.page("/en/news/csto-council-of-foreign-ministers-meets-in-cholpon-ata.ics").await.0, StatusCode::NOT_FOUND);

    // An editor moves the meeting by a day through the API: subscribed calendars see a higher
    // SEQUENCE; a new place alone does not change it; a cancellation raises it again.
    let editor = token_for(&site, "editor@example.org", Role::Editor, &[Scope::Write, Scope::Publish]).await;
    let update = |body| update_event(&site, &editor, body);
    let moved = json!({"change_note": "The meeting moved to 1 July.", "event": {"start": "2025-07-01T10:00", "end": "2025-07-01T14:00", "status": "postponed", "city": "Cholpon-Ata", "country": "Kyrgyzstan"}});
    let (status, body) = update(moved).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let detail: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(detail["event"]["start"], "2025-07-01T07:00:00Z", "the local time typed is read on the site's clock");
    let after = calendar_of(&site, "/en/tags/council-of-foreign-ministers/events.ics").await;
    assert_eq!((value(&after[0], "DTSTART"), value(&after[0], "SEQUENCE")), ("20250701T070000Z", "1"));
    // The Russian version moves with it, keeping its own place names.
    let russian = calendar_of(&site, "/ru/tags/council-of-foreign-ministers/events.ics").await;
    assert_eq!((value(&russian[0], "DTSTART"), value(&russian[0], "SEQUENCE")), ("20250701T070000Z", "1"));
    assert_eq!(value(&russian[0], "LOCATION"), "Чолпон-Ата\\, Кыргызстан");
    assert_eq!(texts(&site.ok("/ru/events/2025/07/").await, ".calendar-day h2"), ["1 июля 2025"]);
    let (status, _) = update(json!({"minor": true, "event": {"start": "2025-07-01T10:00", "end": "2025-07-01T14:00", "status": "postponed", "city": "Bishkek", "country": "Kyrgyzstan"}})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        value(
            &calendar_of(&site, "/en/events.ics").await.iter().find(|e| value(e, "UID") == value(cfm, "UID")).unwrap().clone(),
            "SEQUENCE"
        ),
        "1"
    );
    let (status, _) = update(json!({"change_note": "The meeting is cancelled.", "event": {"start": "2025-07-01T10:00", "status": "cancelled", "city": "Bishkek", "country": "Kyrgyzstan"}})).await;
    assert_eq!(status, StatusCode::OK);
    let cancelled = calendar_of(&site, "/en/tags/council-of-foreign-ministers/events.ics").await;
    assert_eq!((value(&cancelled[0], "STATUS"), value(&cancelled[0], "SEQUENCE")), ("CANCELLED", "2"));
    assert_eq!(texts(&site.ok(EN_CFM_EVENT).await, ".event-status"), ["Cancelled"]);
    // The calendar month follows the move: June no longer has the meeting, July has it.
    assert_eq!(texts(&site.ok("/en/events/2025/06/").await, ".calendar-day h2"), ["24 June 2025"]);
    assert_eq!(texts(&site.ok("/en/events/2025/07/").await, ".calendar-day h2"), ["1 July 2025"]);

    // Bad facts are named, and nothing is saved.
    for (bad, field) in [
        (json!({"start": "30.06.2025"}), "event_start"),
        (json!({"start": "2025-07-02", "end": "2025-07-01"}), "event_end"),
        (json!({"start": "2025-07-02", "status": "rumoured"}), "event_status"),
    ] {
        let (status, body) = update(json!({"minor": true, "event": bad})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.contains(field), "{body}");
    }
}

/// Saves the demo's Council meeting through the Admin API with `body` (its revision added).
async fn update_event(site: &TestSite, token: &str, mut body: serde_json::Value) -> (StatusCode, String) {
    let (en, events) = (Lang::parse("en").unwrap(), SectionKey::parse("events").unwrap());
    let slug = Slug::parse("council-of-foreign-ministers-cholpon-ata-2025").unwrap();
    let article = site.store.article_at(&en, &events, &slug).await.unwrap();
    body["revision"] = json!(article.revision);
    let response = reqwest::Client::new()
        .put(format!("{}/api/v1/articles/{}", site.base, article.id.0))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}
