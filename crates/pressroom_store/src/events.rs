//! The calendar: published events by their dates, for the events pages and iCalendar feeds, and
//! the links between an event and the news items that report on it. Every query walks
//! `event_dates` by language and start, so its cost follows the period shown, not the archive.

use pressroom_domain::{ArticleSummary, EventFacts, Lang, SiteZone, Slug, TagKey, EVENTS_SECTION};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::articles::{summary_from_row, SUMMARY_COLUMNS};
use crate::site::put_setting;
use crate::write::event_span;
use crate::{now, to_time, Result, Store, StoreError};

/// An event as the calendar shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct EventListing {
    pub summary: ArticleSummary,
    pub facts: EventFacts,
    /// How many times its time or status changed (iCalendar's `SEQUENCE`).
    pub sequence: i64,
    pub updated_at: time::OffsetDateTime,
}

/// The longest event the calendar finds by overlap: one starting a year before a month still
/// shows in it. Longer ones show in the month they start.
const LONGEST_EVENT: i64 = 366 * 86_400;

/// The most events a feed carries, newest first.
pub const FEED_EVENTS: u32 = 500;

fn listing_sql(filter: &str, order: &str, limit: u32) -> String {
    format!(
        "SELECT {SUMMARY_COLUMNS}, a.event, d.sequence, a.updated_at FROM event_dates d \
         JOIN articles a ON a.id = d.article_id JOIN sections s ON s.id = a.section_id \
         WHERE d.lang = $1 AND a.status = 'published'{filter} ORDER BY d.starts_at {order}, a.id LIMIT {limit}"
    )
}

/// Events overlapping `[$2, $3)`: started before its end, no earlier than the longest event
/// before its start, and not over before it.
pub(crate) fn events_between_sql(limit: u32) -> String {
    listing_sql(" AND d.starts_at < $3 AND d.starts_at >= $4 AND d.ends_at > $2", "ASC", limit)
}

pub(crate) fn event_feed_sql(by_tag: bool) -> String {
    let filter = if by_tag {
        " AND d.article_id IN (SELECT x.article_id FROM article_tags x JOIN tags t ON t.id = x.tag_id WHERE t.key = $2)"
    } else {
        ""
    };
    listing_sql(filter, "DESC", FEED_EVENTS)
}

/// One event by its address: found through the articles' unique (language, section, slug).
pub(crate) fn published_event_sql() -> String {
    listing_sql(
        &format!(" AND a.lang = $1 AND a.section_id = (SELECT id FROM sections WHERE key = '{EVENTS_SECTION}') AND a.slug = $2"),
        "ASC",
        1,
    )
}

pub(crate) const REPORTS_SQL: &str = "SELECT a.id, a.lang, s.key, a.slug, a.title, a.lead, a.cover, a.published_at \
     FROM articles a JOIN sections s ON s.id = a.section_id \
     WHERE a.report_of = $1 AND a.lang = $2 AND a.status = 'published' ORDER BY a.published_at DESC, a.id DESC LIMIT 50";

pub(crate) const EVENT_BY_KEY_SQL: &str = "SELECT a.id, a.lang, s.key, a.slug, a.title, a.lead, a.cover, a.published_at \
     FROM articles a JOIN sections s ON s.id = a.section_id \
     WHERE a.translation_key = $1 AND a.lang = $2 AND a.status = 'published' AND a.event IS NOT NULL";

fn listing_from_row(row: &AnyRow) -> Result<EventListing> {
    let json: String = row.try_get(8)?;
    Ok(EventListing {
        summary: summary_from_row(row)?,
        facts: EventFacts::from_json(&json).map_err(StoreError::Invalid)?,
        sequence: row.try_get(9)?,
        updated_at: to_time(row.try_get(10)?),
    })
}

impl Store {
    /// Published events in `lang` that overlap `[from, to)` (Unix seconds), earliest first.
    pub async fn events_between(&self, lang: &Lang, from: i64, to: i64, limit: u32) -> Result<Vec<EventListing>> {
        let rows = sqlx::query(&events_between_sql(limit))
            .bind(lang.as_str())
            .bind(from)
            .bind(to)
            .bind(from.saturating_sub(LONGEST_EVENT))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(listing_from_row).collect()
    }

    /// Published events in `lang` not yet over, earliest first.
    pub async fn upcoming_events(&self, lang: &Lang, limit: u32) -> Result<Vec<EventListing>> {
        let now = now();
        self.events_between(lang, now, i64::MAX, limit).await
    }

    /// The latest published events in `lang`, of one tag or all, newest first: what an
    /// iCalendar feed carries.
    pub async fn event_feed(&self, lang: &Lang, tag: Option<&TagKey>) -> Result<Vec<EventListing>> {
        let sql = event_feed_sql(tag.is_some());
        let mut query = sqlx::query(&sql).bind(lang.as_str());
        if let Some(tag) = tag {
            query = query.bind(tag.as_str());
        }
        query.fetch_all(&self.pool).await?.iter().map(listing_from_row).collect()
    }

    /// The first and last year with a published event in `lang`, on the site's clock.
    pub async fn event_years(&self, lang: &Lang, zone: &SiteZone) -> Result<Option<(i32, i32)>> {
        let (first, last): (Option<i64>, Option<i64>) =
            sqlx::query_as("SELECT MIN(starts_at), MAX(starts_at) FROM event_dates WHERE lang = $1")
                .bind(lang.as_str())
                .fetch_one(&self.pool)
                .await?;
        Ok(first.zip(last).map(|(first, last)| (zone.local(to_time(first)).year(), zone.local(to_time(last)).year())))
    }

    /// The published news items in `lang` that report on the event with `event_key`.
    pub async fn reports_of(&self, event_key: &str, lang: &Lang) -> Result<Vec<ArticleSummary>> {
        let rows = sqlx::query(REPORTS_SQL).bind(event_key).bind(lang.as_str()).fetch_all(&self.pool).await?;
        rows.iter().map(|row| summary_from_row(row)).collect()
    }

    /// The published event in `lang` with translation key `key`, if there is one.
    pub async fn event_by_key(&self, key: &str, lang: &Lang) -> Result<Option<ArticleSummary>> {
        let row = sqlx::query(EVENT_BY_KEY_SQL).bind(key).bind(lang.as_str()).fetch_optional(&self.pool).await?;
        row.as_ref().map(|row| summary_from_row(row)).transpose()
    }

    /// The published event in `lang` at `slug` of the events section, as the calendar lists it.
    pub async fn published_event(&self, lang: &Lang, slug: &Slug) -> Result<Option<EventListing>> {
        let row = sqlx::query(&published_event_sql()).bind(lang.as_str()).bind(slug.as_str()).fetch_optional(&self.pool).await?;
        row.as_ref().map(listing_from_row).transpose()
    }

    /// Moves the site to another time zone: the setting, and every event's days re-read on
    /// the new clock, in one transaction.
    pub async fn set_time_zone(&self, zone: &SiteZone, actor: &crate::Actor) -> Result<()> {
        let mut w = self.begin_write().await?;
        put_setting(&mut w.tx, crate::TIME_ZONE_SETTING, zone.name()).await?;
        let events: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, event FROM articles WHERE event IS NOT NULL").fetch_all(&mut *w.tx).await?;
        for (id, json) in events {
            let (starts, ends) = event_span(&EventFacts::from_json(&json).map_err(StoreError::Invalid)?, zone);
            sqlx::query("UPDATE event_dates SET starts_at = $1, ends_at = $2 WHERE article_id = $3")
                .bind(starts)
                .bind(ends)
                .bind(id)
                .execute(&mut *w.tx)
                .await?;
        }
        w.record_site_change("site", true).await?;
        crate::audit(&mut w.tx, actor, "settings", crate::TIME_ZONE_SETTING, zone.name()).await?;
        w.commit().await?;
        Ok(())
    }
}
