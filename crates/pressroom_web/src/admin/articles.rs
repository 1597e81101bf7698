//! The back office's article list: one row per item with the state of each language version
//! (published, draft, …, missing, outdated); filters, text search, sorting, pages.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use pressroom_domain::{Lang, SectionKey, Status, UserId};
use pressroom_render::admin_views::{ArticleRowView, ArticlesPage, Choice, LanguageCell};
use pressroom_render::views::Pagination;
use pressroom_render::Catalogue;
use pressroom_store::{ArticleFilter, ArticleRow, Sort};

use super::session::Staff;
use super::{notice_from, page_number, respond, Desk};
use crate::{AppState, WebError};

pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    desk: Desk,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let get = |name: &str| query.get(name).map(String::as_str).filter(|v| !v.is_empty());
    let page = page_number(&query)?;
    let filter = ArticleFilter {
        status: get("status").and_then(Status::parse),
        section: get("section").and_then(|s| SectionKey::parse(s).ok()),
        lang: get("lang").and_then(|l| Lang::parse(l).ok()),
        author: get("author").and_then(|a| a.parse().ok()).map(UserId),
        text: get("q").map(str::to_owned),
        missing_in: get("missing").and_then(|l| Lang::parse(l).ok()),
        outdated_in: get("outdated").and_then(|l| Lang::parse(l).ok()),
        sort: match get("sort") {
            Some("date") => Sort::Date,
            Some("title") => Sort::Title,
            _ => Sort::Updated,
        },
    };
    let items = state.store.list_articles(&filter, page).await?;
    if items.page > items.last_page() {
        return Err(WebError::NotFound);
    }
    let catalogue = Catalogue::get();
    let lang = desk.lang.as_str();
    let users = state.store.users().await?;
    let rows = items
        .items
        .iter()
        .map(|row| ArticleRowView {
            edit_url: format!("/admin/articles/{}", row.id),
            title: row.title.clone(),
            section: desk.site.section(&row.section).map_or_else(|| row.section.clone(), |s| s.name(&desk.lang).to_owned()),
            author: row.author.clone().unwrap_or_default(),
            date: catalogue.date_short(&desk.site.zone, row.published_at),
            updated: desk.format_time(row.updated_at),
            languages: desk.site.languages.iter().map(|l| language_cell(&desk, row, &l.code)).collect(),
        })
        .collect();
    let choice =
        |value: &str, label: String, current: Option<&str>| Choice { value: value.to_owned(), label, selected: current == Some(value) };
    let languages: Vec<Choice> = desk.site.languages.iter().map(|l| choice(l.code.as_str(), l.native_name.clone(), get("lang"))).collect();
    let query_string: String = query
        .iter()
        .filter(|(k, v)| k.as_str() != "page" && !v.is_empty())
        .map(|(k, v)| format!("{k}={}", super::encode_query(v)))
        .collect::<Vec<_>>()
        .join("&");
    let base = if query_string.is_empty() { "/admin/articles".to_owned() } else { format!("/admin/articles?{query_string}") };
    let page_view = ArticlesPage {
        layout: desk.layout(&state, Some(&staff), &desk.text("articles"), "/admin/articles", notice_from(&query)),
        rows,
        total: items.total,
        pagination: Pagination::new(&items, &base),
        statuses: Status::ALL
            .iter()
            .map(|s| choice(s.as_str(), catalogue.text(lang, &format!("status_{}", s.as_str())).to_owned(), get("status")))
            .collect(),
        sections: desk.site.sections.iter().map(|s| choice(s.key.as_str(), s.name(&desk.lang).to_owned(), get("section"))).collect(),
        missing: desk.site.languages.iter().map(|l| choice(l.code.as_str(), l.native_name.clone(), get("missing"))).collect(),
        outdated: desk.site.languages.iter().map(|l| choice(l.code.as_str(), l.native_name.clone(), get("outdated"))).collect(),
        language_codes: desk.site.languages.iter().map(|l| l.code.to_string()).collect(),
        languages,
        authors: users.iter().map(|u| choice(&u.id.0.to_string(), u.name.clone(), get("author"))).collect(),
        sorts: ["updated", "date", "title"]
            .iter()
            .map(|s| choice(s, desk.text(&format!("sort_{s}")), Some(get("sort").unwrap_or("updated"))))
            .collect(),
        text: get("q").unwrap_or_default().to_owned(),
    };
    Ok(respond(&state, StatusCode::OK, &page_view))
}

/// The item's version in `lang`, or the link that starts its translation from the row's version.
fn language_cell(desk: &Desk, row: &ArticleRow, lang: &Lang) -> LanguageCell {
    match row.versions.iter().find(|v| v.lang == lang.as_str()) {
        Some(version) => LanguageCell {
            lang: lang.to_string(),
            state: version.status.as_str().to_owned(),
            label: desk.text(&format!("status_{}", version.status.as_str())),
            url: format!("/admin/articles/{}", version.id),
            outdated: version.outdated,
        },
        None => LanguageCell {
            lang: lang.to_string(),
            state: "missing".to_owned(),
            label: desk.text("translation_missing"),
            url: format!("/admin/articles/new?translation_of={}&lang={lang}", row.id),
            outdated: false,
        },
    }
}
