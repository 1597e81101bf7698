//! The Content API: read-only and public — published articles, sections, tags and search. A
//! token with the `read_drafts` scope also sees unpublished items.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use pressroom_domain::{ArticleId, Lang, SectionKey, Slug, Status, TagKey};
use pressroom_search::hit_address;
use pressroom_store::{ArticleQuery, Start};
use serde::Deserialize;
use utoipa::IntoParams;

use super::auth::Caller;
use super::error::{ApiError, ErrorBody};
use super::views::{rfc3339, ArticleDetail, ArticleList, SearchItem, SearchList, SectionItem, TagDetail};
use crate::search::{request, run};
use crate::AppState;

pub const MAX_PER_PAGE: u32 = 100;

/// Filters of the article list; all optional.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ArticleListQuery {
    /// A language code of the site: `ru`, `en`.
    lang: Option<String>,
    /// A section key: `news`, `statements`…
    section: Option<String>,
    /// A tag key.
    #[param(min_length = 1, max_length = 120, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    tag: Option<String>,
    /// Published on or after this day (`YYYY-MM-DD`).
    #[param(format = Date)]
    from: Option<String>,
    /// Published on or before this day (`YYYY-MM-DD`).
    #[param(format = Date)]
    to: Option<String>,
    /// `published` (the default); other statuses need a token with `read_drafts`.
    #[param(schema_with = status_schema)]
    status: Option<String>,
    /// From 1.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 4294967295_i64)]
    page: Option<u32>,
    /// 1 to 100; 20 by default.
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<u32>,
    /// The `next` of the previous answer: the articles after its last one. Reading a long list
    /// this way costs the same on every step, however deep; `page` is then not given.
    #[param(pattern = "^-?[0-9]{1,19}\\.[0-9]{1,19}$", max_length = 40)]
    after: Option<String>,
}

/// The statuses an article may have, as the list's filter takes them.
fn status_schema() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(Status::ALL.map(|s| s.as_str())))
        .build()
}

#[utoipa::path(get, path = "/api/v1/articles", tag = "content", params(ArticleListQuery),
    responses(
        (status = 200, description = "A page of articles, newest first", body = ArticleList),
        (status = 403, description = "Unpublished statuses need a token with `read_drafts`", body = ErrorBody),
        (status = 422, description = "A filter is not valid", body = ErrorBody),
    ),
    security((), ("token" = [])))]
pub async fn list_articles(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<ArticleListQuery>,
) -> Result<Json<ArticleList>, ApiError> {
    let site = state.site.get(&state.store).await?;
    let mut filter = ArticleQuery::default();
    if let Some(lang) = &query.lang {
        filter.lang = Some(site.language(lang).ok_or_else(|| ApiError::invalid("lang", "not a language of this site"))?.code.clone());
    }
    if let Some(section) = &query.section {
        filter.section = Some(site.section(section).ok_or_else(|| ApiError::invalid("section", "not a section of this site"))?.key.clone());
    }
    if let Some(tag) = &query.tag {
        filter.tag = Some(TagKey::parse(tag).map_err(|_| ApiError::invalid("tag", "not a tag key"))?);
    }
    // Days are the site's: "from" is the start of the local day, "to" includes its end.
    let day = |field: &str, value: &Option<String>| -> Result<Option<(i64, i64)>, ApiError> {
        value.as_deref().map(|d| site.zone.day_period(d).map_err(|_| ApiError::invalid(field, "expected YYYY-MM-DD"))).transpose()
    };
    filter.from = day("from", &query.from)?.map(|(start, _)| start);
    filter.to = day("to", &query.to)?.map(|(_, end)| end);
    if let Some(status) = &query.status {
        let status = Status::parse(status).ok_or_else(|| ApiError::invalid("status", "not a status"))?;
        if status != Status::Published && !caller.reads_drafts() {
            return Err(ApiError::forbidden("Listing unpublished articles needs a token with the read_drafts scope."));
        }
        filter.status = Some(status);
    }
    let per_page = query.per_page.unwrap_or(pressroom_domain::PAGE_SIZE);
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(ApiError::invalid("per_page", format!("between 1 and {MAX_PER_PAGE}")));
    }
    let start = match (&query.after, query.page) {
        (Some(_), Some(_)) => return Err(ApiError::invalid("after", "give either page or after, not both")),
        (Some(after), None) => cursor(after).ok_or_else(|| ApiError::invalid("after", "not a cursor from a previous answer's next"))?,
        (None, Some(0)) => return Err(ApiError::invalid("page", "pages are numbered from 1")),
        (None, page) => Start::Page(page.unwrap_or(1)),
    };
    let found = state.store.find_articles(&filter, start, per_page).await?;
    Ok(Json(ArticleList::of(&found, per_page, &state.config.base_url)))
}

/// A cursor (`next` of an answer: the last article's date and id) read back, exactly as the
/// document describes it: `DATE.ID`, each at most 19 digits, the date perhaps negative.
fn cursor(text: &str) -> Option<Start> {
    let (published_at, id) = text.split_once('.')?;
    let digits = |s: &str| (1..=19).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if text.len() > 40 || !digits(published_at.strip_prefix('-').unwrap_or(published_at)) || !digits(id) {
        return None;
    }
    Some(Start::After { published_at: published_at.parse().ok()?, id: id.parse().ok()? })
}

/// One article by id: published ones for everybody, others for a token with `read_drafts`.
#[utoipa::path(get, path = "/api/v1/articles/{id}", tag = "content",
    params(("id" = i64, Path, description = "The article's number")),
    responses(
        (status = 200, description = "The article", body = ArticleDetail),
        (status = 404, description = "No such article, or not published", body = ErrorBody),
    ),
    security((), ("token" = [])))]
pub async fn article_by_id(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> Result<Json<ArticleDetail>, ApiError> {
    let article = state.store.article(ArticleId(id)).await?;
    detail(&state, &caller, article).await
}

/// One article by its public address.
#[utoipa::path(get, path = "/api/v1/articles/{lang}/{section}/{slug}", tag = "content",
    params(
        ("lang" = String, Path, description = "Language code"),
        ("section" = String, Path, description = "Section key"),
        ("slug" = String, Path, description = "The article's slug"),
    ),
    responses(
        (status = 200, description = "The article, with its translations", body = ArticleDetail),
        (status = 404, description = "No such article, or not published", body = ErrorBody),
    ),
    security((), ("token" = [])))]
pub async fn article_by_address(
    State(state): State<AppState>,
    caller: Caller,
    Path((lang, section, slug)): Path<(String, String, String)>,
) -> Result<Json<ArticleDetail>, ApiError> {
    let (Ok(lang), Ok(section), Ok(slug)) = (Lang::parse(&lang), SectionKey::parse(&section), Slug::parse(&slug)) else {
        return Err(ApiError::not_found());
    };
    let article = state.store.article_at(&lang, &section, &slug).await?;
    detail(&state, &caller, article).await
}

async fn detail(state: &AppState, caller: &Caller, article: pressroom_domain::Article) -> Result<Json<ArticleDetail>, ApiError> {
    if article.status != Status::Published && !caller.reads_drafts() {
        return Err(ApiError::not_found());
    }
    let translations = state.store.translations(&article).await?;
    Ok(Json(ArticleDetail::of(&article, &translations, &state.config.base_url)))
}

/// The site's sections, in order.
#[utoipa::path(get, path = "/api/v1/sections", tag = "content",
    responses((status = 200, description = "Every section", body = Vec<SectionItem>)))]
pub async fn sections(State(state): State<AppState>) -> Result<Json<Vec<SectionItem>>, ApiError> {
    let site = state.site.get(&state.store).await?;
    Ok(Json(site.sections.iter().map(SectionItem::of).collect()))
}

/// The register's document types, in order: the `type` of a document.
#[utoipa::path(get, path = "/api/v1/document-types", tag = "content",
    responses((status = 200, description = "Every document type", body = Vec<SectionItem>)))]
pub async fn document_types(State(state): State<AppState>) -> Result<Json<Vec<SectionItem>>, ApiError> {
    let site = state.site.get(&state.store).await?;
    let item = |t: &pressroom_domain::DocumentType| SectionItem { key: t.key.clone(), names: t.names.iter().cloned().collect() };
    Ok(Json(site.document_types.iter().map(item).collect()))
}

/// Every tag, by key.
#[utoipa::path(get, path = "/api/v1/tags", tag = "content",
    responses((status = 200, description = "Every tag", body = Vec<TagDetail>)))]
pub async fn tags(State(state): State<AppState>) -> Result<Json<Vec<TagDetail>>, ApiError> {
    Ok(Json(state.store.all_tags().await?.iter().map(TagDetail::of).collect()))
}

/// Parameters of a search.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words in any grammatical form; `"a phrase"`, `-excluded`.
    q: Option<String>,
    /// Only this language; without it, every language, one result per item.
    lang: Option<String>,
    /// A section key.
    section: Option<String>,
    /// `YYYY-MM-DD`; as on the search page, a date that cannot be read is left out.
    from: Option<String>,
    /// `YYYY-MM-DD`, inclusive; a date that cannot be read is left out.
    to: Option<String>,
    /// From 1; a page number that cannot be read means the first page.
    page: Option<String>,
}

impl SearchQuery {
    /// The parameters as the search page reads them; what is unreadable is dropped there.
    fn into_map(self) -> HashMap<String, String> {
        [("q", self.q), ("lang", self.lang), ("section", self.section), ("from", self.from), ("to", self.to), ("page", self.page)]
            .into_iter()
            .filter_map(|(name, value)| Some((name.to_owned(), value?)))
            .collect()
    }
}

/// Full-text search with Russian and English morphology — the same results as the search page.
#[utoipa::path(get, path = "/api/v1/search", tag = "content", params(SearchQuery),
    responses(
        (status = 200, description = "Results, best first", body = SearchList),
        (status = 422, description = "A language or section this site does not have", body = ErrorBody),
    ))]
pub async fn search(State(state): State<AppState>, Query(query): Query<SearchQuery>) -> Result<Json<SearchList>, ApiError> {
    let query = query.into_map();
    let site = state.site.get(&state.store).await?;
    // A program is told of a filter the site does not know, rather than given unfiltered results.
    if query.get("lang").is_some_and(|l| site.language(l).is_none()) {
        return Err(ApiError::invalid("lang", "not a language of this site"));
    }
    if query.get("section").is_some_and(|s| site.section(s).is_none()) {
        return Err(ApiError::invalid("section", "not a section of this site"));
    }
    let lang = query.get("lang").and_then(|l| site.language(l)).map(|l| l.code.clone());
    let found = run(&state, request(&query, &site.zone, lang.clone(), lang)).await?;
    let base_url = &state.config.base_url;
    let results = found
        .hits
        .iter()
        .filter_map(|hit| {
            let (lang, section, slug) = hit_address(hit)?;
            Some(SearchItem {
                id: hit.id,
                lang: hit.lang.clone(),
                section: hit.section.clone(),
                slug: hit.slug.clone(),
                url: format!("{base_url}{}", pressroom_render::urls::article(&lang, &section, &slug)),
                title: hit.title.clone(),
                snippet_html: hit.snippet_html.clone(),
                excerpt: hit.excerpt.clone(),
                published_at: rfc3339(hit.published_at),
                score: hit.score,
            })
        })
        .collect();
    Ok(Json(SearchList { query: query.get("q").cloned().unwrap_or_default(), total: found.total, page: found.page, results }))
}

/// `GET /api/openapi.json`: the document, with this site's languages and sections.
pub async fn openapi(State(state): State<AppState>, base: std::sync::Arc<serde_json::Value>) -> Result<Response, ApiError> {
    let site = state.site.get(&state.store).await?;
    let document = super::document_for(&base, &site);
    let body = serde_json::to_string_pretty(&document).map_err(|e| ApiError::from(crate::WebError::Internal(e.to_string())))?;
    Ok(([(axum::http::header::CONTENT_TYPE, "application/json")], body).into_response())
}
