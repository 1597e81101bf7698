//! Search: the page `/{lang}/search`; its JSON twin `/api/v1/search` is in `api::content`.
//! Whatever a reader types gets a normal answer — the words are passed to the engine's lenient
//! parser, and the query is shown back escaped like any other text.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;

use pressroom_render::views::{Pagination, SearchPage, SearchResultView};
use pressroom_render::{urls, Catalogue};
use pressroom_search::{hit_address, SearchResults};

use super::{respond_html, PageResult};
use crate::extract::{Equivalents, Reader};
use crate::search::{request, run};
use crate::AppState;

pub async fn page(State(state): State<AppState>, reader: Reader, Query(query): Query<HashMap<String, String>>) -> PageResult {
    let all = query.get("all").is_some_and(|v| v == "1");
    let text = query.get("q").cloned().unwrap_or_default();
    let searched = !text.trim().is_empty();
    let lang = (!all).then(|| reader.lang.clone());
    let search = request(&query, &reader.site.zone, lang, Some(reader.lang.clone()));
    let results = if searched { run(&state, search.clone()).await? } else { SearchResults { hits: Vec::new(), total: 0, page: 1 } };
    let catalogue = Catalogue::get();
    let title = catalogue.text(reader.lang.as_str(), "search");
    let mut layout = reader.layout(&state, title, "", Some(Equivalents::SamePath), None);
    layout.query = text.clone();
    let encode = |v: &str| percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC).to_string();
    let kept: String = ["q", "section", "from", "to", "all"]
        .iter()
        .filter_map(|k| query.get(*k).filter(|v| !v.is_empty()).map(|v| format!("{k}={}", encode(v))))
        .collect::<Vec<_>>()
        .join("&");
    let base = format!("{}?{kept}", urls::search(&reader.lang));
    let pages = pressroom_domain::Page { items: Vec::<()>::new(), page: results.page as u32, total: results.total as u64 };
    let view = SearchPage {
        searched,
        total: results.total,
        results: results
            .hits
            .iter()
            .filter_map(|hit| {
                let (lang, section, slug) = hit_address(hit)?;
                Some(SearchResultView {
                    url: urls::article(&lang, &section, &slug),
                    title: hit.title.clone(),
                    lang: hit.lang.clone(),
                    date_short: catalogue.date_short(&reader.site.zone, hit.published_at),
                    section_name: reader
                        .site
                        .section(section.as_str())
                        .map_or_else(|| section.to_string(), |s| s.name(&reader.lang).to_owned()),
                    snippet_html: hit.snippet_html.clone(),
                    excerpt: hit.excerpt.clone(),
                })
            })
            .collect(),
        pagination: Pagination::new(&pages, &base),
        sections: reader
            .site
            .sections
            .iter()
            .map(|s| (s.key.to_string(), s.name(&reader.lang).to_owned(), search.section.as_ref() == Some(&s.key)))
            .collect(),
        from: query.get("from").cloned().unwrap_or_default(),
        to: query.get("to").cloned().unwrap_or_default(),
        all_languages: all,
        filtered: all || search.section.is_some() || search.from.is_some() || search.to.is_some(),
        layout,
    };
    Ok(respond_html(&state, StatusCode::OK, &view))
}
