//! The query plans of the SQL behind every public page, feed, sitemap part and API list, for
//! the test that refuses a full scan of the articles or their tag links: such a query's cost
//! would grow with the archive. The SQL is the store's own (the same builders and constants).

use pressroom_domain::{SectionKey, Status, TagKey};
use sqlx::Row;

use crate::articles::{
    article_at_sql, featured_sql, latest_articles_sql, tags_of_sql, ARCHIVE_COUNT_SQL, ARCHIVE_SPAN_SQL, ARTICLE_TAGS_SQL,
    MOVED_ARTICLE_SQL, SITEMAP_PART_SQL, TRANSLATIONS_SQL,
};
use crate::documents::{register_sql, DOCUMENTS_BEARING_ON_SQL, DOCUMENT_BY_KEY_SQL, REGISTER_BODIES_SQL, REGISTER_SPAN_SQL};
use crate::events::{event_feed_sql, events_between_sql, published_event_sql, EVENT_BY_KEY_SQL, REPORTS_SQL};
use crate::listings::{related_candidates_sql, summaries_by_id_sql, ListSql};
use crate::reads::{bind_params, Param};
use crate::{ArticleQuery, Engine, RegisterQuery, RegisterSort, Result, Store};

/// What the test of query plans looks at.
#[derive(Debug)]
pub struct QueryPlan {
    pub name: String,
    /// The index the query must be served by (on SQLite).
    pub index: Option<&'static str>,
    /// Whether it is a list, read in the order of that index rather than sorted.
    pub ordered: bool,
    pub plan: String,
}

impl Store {
    /// Each public query's name, the index meant to serve it (where one must), and its plan as
    /// the engine reports it (SQLite's `EXPLAIN QUERY
    /// PLAN`; PostgreSQL's `EXPLAIN` with sequential scans disabled, so that one shows only
    /// where no index can serve).
    pub async fn public_query_plans(&self) -> Result<Vec<QueryPlan>> {
        let text = |s: &str| Param::Text(s.to_owned());
        let lang = || Some(pressroom_domain::Lang::parse("en").expect("a constant language is valid"));
        let section = || Some(SectionKey::parse("news").expect("a constant section is valid"));
        let tag = || Some(TagKey::parse("kyrgyzstan").expect("a constant tag is valid"));
        // A list is read in the order of the index named: no sort of everything it matches.
        let lists = [
            ("news list", "articles_by_date", ArticleQuery { lang: lang(), ..ArticleQuery::default() }),
            ("section list", "articles_by_section", ArticleQuery { lang: lang(), section: section(), ..ArticleQuery::default() }),
            ("tag list", "article_tags_by_language", ArticleQuery { lang: lang(), tag: tag(), ..ArticleQuery::default() }),
            (
                "archive month",
                "articles_by_date",
                ArticleQuery { lang: lang(), from: Some(0), to: Some(1 << 40), ..ArticleQuery::default() },
            ),
            ("API list", "articles_by_status", ArticleQuery::default()),
            ("API list by section", "articles_by_status_and_section", ArticleQuery { section: section(), ..ArticleQuery::default() }),
            ("API list by tag", "article_tags_by_status", ArticleQuery { tag: tag(), ..ArticleQuery::default() }),
            ("API list of drafts", "articles_by_status", ArticleQuery { status: Some(Status::Draft), ..ArticleQuery::default() }),
        ];
        let mut cases: Vec<(String, Option<&'static str>, bool, String, Vec<Param>)> = Vec::new();
        for (name, index, query) in lists {
            let mut first = ListSql::of(&query);
            cases.push((format!("{name}, page 1"), Some(index), true, first.page(None, 20, 0), first.params));
            // A deep page seeks to its page mark, as reading on from an API cursor does.
            let mut deep = ListSql::of(&query);
            cases.push((format!("{name}, deep page"), Some(index), true, deep.page(Some((1_700_000_000, 500)), 20, 980), deep.params));
            let walk = ListSql::of(&query);
            cases.push((format!("{name}, page marks"), Some(index), true, walk.walk(), walk.params));
        }
        // Lists (read in their index's order) and lookups (a few rows, sorted as they like).
        let list = |name: &str, index: &'static str, sql: String, params: Vec<Param>| (name.to_owned(), Some(index), true, sql, params);
        let case = |name: &str, index: Option<&'static str>, sql: String, params: Vec<Param>| (name.to_owned(), index, false, sql, params);
        cases.extend([
            case("article", Some("sqlite_autoindex_articles_1"), article_at_sql(), vec![text("en"), text("news"), text("some-slug")]),
            case("former address", None, MOVED_ARTICLE_SQL.to_owned(), vec![text("en"), text("news"), text("some-slug")]),
            case("translations", Some("articles_sitemap"), TRANSLATIONS_SQL.to_owned(), vec![text("2025-key"), text("en")]),
            list("related items' candidates", "article_tags_by_language", related_candidates_sql(), vec![text("en"), text("kyrgyzstan")]),
            case("related items", None, summaries_by_id_sql(3), vec![Param::Int(1), Param::Int(2), Param::Int(3)]),
            case("tags of a page", None, tags_of_sql(3), vec![text("en"), Param::Int(1), Param::Int(2), Param::Int(3)]),
            case("tags of an article", None, ARTICLE_TAGS_SQL.to_owned(), vec![text("en"), Param::Int(1)]),
            list("feed", "articles_by_date", latest_articles_sql(false, 50), vec![text("en")]),
            list("section feed", "articles_by_section", latest_articles_sql(true, 50), vec![text("en"), text("news")]),
            list("featured", "articles_featured", featured_sql(4), vec![text("en"), Param::Int(1)]),
            case("sitemap part", Some("articles_sitemap"), SITEMAP_PART_SQL.to_owned(), vec![Param::Int(1), Param::Int(40_000)]),
            case("archive period", None, ARCHIVE_COUNT_SQL.to_owned(), vec![text("en"), Param::Int(0), Param::Int(1 << 40)]),
            case("archive span", None, ARCHIVE_SPAN_SQL.to_owned(), vec![text("en")]),
            list(
                "events of a month",
                "event_dates_by_start",
                events_between_sql(500),
                vec![text("en"), Param::Int(1 << 30), Param::Int(1 << 31), Param::Int(1 << 29)],
            ),
            list("events feed", "event_dates_by_start", event_feed_sql(false), vec![text("en")]),
            list("events feed of a tag", "event_dates_by_start", event_feed_sql(true), vec![text("en"), text("kyrgyzstan")]),
            case(
                "an event's calendar file",
                Some("sqlite_autoindex_articles_1"),
                published_event_sql(),
                vec![text("en"), text("some-slug")],
            ),
            case("reports of an event", Some("articles_by_report"), REPORTS_SQL.to_owned(), vec![text("2025-key"), text("en")]),
            case("event of a report", None, EVENT_BY_KEY_SQL.to_owned(), vec![text("2025-key"), text("en")]),
            case(
                "documents bearing on a document",
                Some("document_links_by_target"),
                DOCUMENTS_BEARING_ON_SQL.to_owned(),
                vec![text("2025-key"), text("en")],
            ),
            case("document of a relation", None, DOCUMENT_BY_KEY_SQL.to_owned(), vec![text("2025-key"), text("en")]),
            case("register's years", Some("document_register_by_date"), REGISTER_SPAN_SQL.to_owned(), vec![text("en")]),
            case("register's bodies", Some("document_register_by_body"), REGISTER_BODIES_SQL.to_owned(), vec![text("en")]),
        ]);
        // The register, unfiltered and by each filter, read in the order of its index.
        let registers = [
            ("register", "document_register_by_date", RegisterQuery::default()),
            ("register of a year", "document_register_by_date", RegisterQuery { year: Some(2025), ..RegisterQuery::default() }),
            ("register by type", "document_register_by_kind", RegisterQuery { kind: Some("decision".into()), ..RegisterQuery::default() }),
            ("register by body", "document_register_by_body", RegisterQuery { body: Some("Council".into()), ..RegisterQuery::default() }),
            (
                "register by status",
                "document_register_by_status",
                RegisterQuery { status: Some(pressroom_domain::DocumentStatus::InForce), ..RegisterQuery::default() },
            ),
            ("register by number", "document_register_by_number", RegisterQuery { sort: RegisterSort::Number, ..RegisterQuery::default() }),
        ];
        for (name, index, query) in registers {
            let (sql, params) = register_sql(&query);
            cases.push((name.to_owned(), Some(index), true, sql, std::iter::once(text("en")).chain(params).collect()));
        }
        let mut connection = self.pool.acquire().await?;
        if self.engine == Engine::Postgres {
            sqlx::query("SET enable_seqscan = off").execute(&mut *connection).await?;
        }
        let mut plans = Vec::new();
        for (name, index, ordered, sql, params) in cases {
            let explain = match self.engine {
                Engine::Sqlite => format!("EXPLAIN QUERY PLAN {sql}"),
                Engine::Postgres => format!("EXPLAIN {sql}"),
            };
            let rows = bind_params(sqlx::query(&explain), &params).fetch_all(&mut *connection).await?;
            let column = if self.engine == Engine::Sqlite { 3 } else { 0 };
            let lines = rows.iter().map(|row| row.try_get::<String, _>(column)).collect::<std::result::Result<Vec<_>, _>>()?;
            plans.push(QueryPlan { name, index, ordered, plan: lines.join("\n") });
        }
        if self.engine == Engine::Postgres {
            sqlx::query("RESET enable_seqscan").execute(&mut *connection).await?;
        }
        Ok(plans)
    }
}
