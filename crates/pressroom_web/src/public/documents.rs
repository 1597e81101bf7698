//! The documents section: the register of the institution's documents, filtered by type,
//! adopting body, year and status and sorted as the reader asks, with the filters in the
//! address so that a filtered register can be bookmarked and shared.

use std::collections::HashMap;

use axum::http::StatusCode;
use pressroom_domain::{DocumentStatus, Lang, DOCUMENTS_SECTION};
use pressroom_render::admin_views::Choice;
use pressroom_render::document_views::{RegisterFilter, RegisterItem, RegisterPage};
use pressroom_render::{urls, Catalogue};
use pressroom_store::{RegisterQuery, RegisterSort};

use super::{respond_html, PageResult};
use crate::extract::{Equivalents, Reader};
use crate::{AppState, WebError};

/// The longest adopting body's name a filter accepts (the names' own limit).
const BODY_MAX: usize = 200;

/// The register's query as the address gives it; a value it cannot read is a 400 that says so.
fn register_query(params: &HashMap<String, String>, page: u32) -> Result<RegisterQuery, WebError> {
    let given = |name: &str| params.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    let year = match given("year") {
        None => None,
        Some(text) => match text.parse::<i32>() {
            Ok(year) if text.len() == 4 && (1000..=9999).contains(&year) => Some(year),
            _ => return Err(WebError::BadRequest("error_register_filter")),
        },
    };
    let status = given("status").map(|s| DocumentStatus::parse(s).ok_or(WebError::BadRequest("error_register_filter"))).transpose()?;
    let sort = given("sort").map(|s| RegisterSort::parse(s).ok_or(WebError::BadRequest("error_register_filter"))).transpose()?;
    let body = given("body").map(str::to_owned);
    if body.as_ref().is_some_and(|b| b.chars().count() > BODY_MAX) {
        return Err(WebError::BadRequest("error_register_filter"));
    }
    Ok(RegisterQuery { kind: given("type").map(str::to_owned), body, year, status, sort: sort.unwrap_or_default(), page })
}

/// The register's address for `query`: only what differs from the plain register.
fn register_url(lang: &Lang, query: &RegisterQuery) -> String {
    let mut pairs = url::form_urlencoded::Serializer::new(String::new());
    if let Some(kind) = &query.kind {
        pairs.append_pair("type", kind);
    }
    if let Some(body) = &query.body {
        pairs.append_pair("body", body);
    }
    if let Some(year) = query.year {
        pairs.append_pair("year", &year.to_string());
    }
    if let Some(status) = query.status {
        pairs.append_pair("status", status.as_str());
    }
    if query.sort != RegisterSort::default() {
        pairs.append_pair("sort", query.sort.as_str());
    }
    if query.page > 1 {
        pairs.append_pair("page", &query.page.to_string());
    }
    let section = pressroom_domain::SectionKey::parse(DOCUMENTS_SECTION).expect("a constant section key is valid");
    let pairs = pairs.finish();
    match pairs.is_empty() {
        true => urls::section(lang, &section),
        false => format!("{}?{pairs}", urls::section(lang, &section)),
    }
}

/// `/{lang}/documents/`: the register.
pub async fn register(state: &AppState, reader: &Reader, params: &HashMap<String, String>, page: u32) -> PageResult {
    let section = reader.site.section(DOCUMENTS_SECTION).ok_or(WebError::NotFound)?;
    let query = register_query(params, page)?;
    if query.kind.as_ref().is_some_and(|k| reader.site.document_type(k).is_none()) {
        return Err(WebError::BadRequest("error_register_filter"));
    }
    let found = state.store.register(&reader.lang, &query).await?;
    if found.documents.is_empty() && query.page > 1 {
        return Err(WebError::NotFound);
    }
    let (years, bodies) = state.store.register_choices(&reader.lang).await?;
    let catalogue = Catalogue::get();
    let lang = reader.lang.as_str();
    let text = |key: &str| catalogue.text(lang, key).to_owned();
    let choice = |value: String, label: String, selected: bool| Choice { value, label, selected };
    let any = Some(text("register_any"));
    let filters = vec![
        RegisterFilter {
            name: "type",
            label: text("document_type"),
            any: any.clone(),
            choices: reader
                .site
                .document_types
                .iter()
                .map(|t| choice(t.key.clone(), t.name(&reader.lang).to_owned(), query.kind.as_deref() == Some(t.key.as_str())))
                .collect(),
        },
        RegisterFilter {
            name: "body",
            label: text("document_body"),
            any: any.clone(),
            choices: bodies.iter().map(|b| choice(b.clone(), b.clone(), query.body.as_deref() == Some(b.as_str()))).collect(),
        },
        RegisterFilter {
            name: "year",
            label: text("register_year"),
            any: any.clone(),
            choices: years
                .map(|(first, last)| (first..=last).rev().map(|y| choice(y.to_string(), y.to_string(), query.year == Some(y))).collect())
                .unwrap_or_default(),
        },
        RegisterFilter {
            name: "status",
            label: text("document_status"),
            any,
            choices: DocumentStatus::ALL
                .iter()
                .map(|s| choice(s.as_str().to_owned(), text(&format!("document_status_{}", s.as_str())), query.status == Some(*s)))
                .collect(),
        },
        RegisterFilter {
            name: "sort",
            label: text("register_sort"),
            any: None,
            choices: RegisterSort::ALL
                .iter()
                .map(|s| choice(s.as_str().to_owned(), text(&format!("register_sort_{}", s.as_str())), query.sort == *s))
                .collect(),
        },
    ];
    let heading = section.name(&reader.lang).to_owned();
    let filtered = query.kind.is_some() || query.body.is_some() || query.year.is_some() || query.status.is_some();
    let mut layout = reader.layout(state, &heading, "", Some(Equivalents::SamePath), Some(DOCUMENTS_SECTION));
    // A filtered register is a page of its own, canonical at its own address.
    layout.canonical = format!("{}{}", state.config.base_url, register_url(&reader.lang, &query));
    let page_url = |page: u32| register_url(&reader.lang, &RegisterQuery { page, ..query.clone() });
    let page = RegisterPage {
        layout,
        heading,
        filters,
        filtered,
        clear_url: register_url(&reader.lang, &RegisterQuery::default()),
        documents: found.documents.iter().map(|d| RegisterItem::new(&d.summary, &d.facts, &reader.site)).collect(),
        previous: (query.page > 1).then(|| page_url(query.page - 1)),
        next: found.more.then(|| page_url(query.page + 1)),
    };
    Ok(respond_html(state, StatusCode::OK, &page))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn the_address_carries_the_filters_and_reads_back() {
        let lang = Lang::parse("en").unwrap();
        let query = register_query(
            &params(&[("type", "decision"), ("body", "Council of Foreign Ministers"), ("year", "2025"), ("sort", "number")]),
            2,
        )
        .unwrap();
        let url = register_url(&lang, &query);
        assert_eq!(url, "/en/documents/?type=decision&body=Council+of+Foreign+Ministers&year=2025&sort=number&page=2");
        let read: HashMap<String, String> = url::form_urlencoded::parse(url.split_once('?').unwrap().1.as_bytes()).into_owned().collect();
        assert_eq!(register_query(&read, 2).unwrap(), query);
        assert_eq!(register_url(&lang, &register_query(&params(&[("type", "")]), 1).unwrap()), "/en/documents/");
    }

    #[test]
    fn an_unreadable_filter_is_a_bad_request() {
        for bad in [("year", "25"), ("year", "twenty"), ("status", "repealed"), ("sort", "random")] {
            assert!(matches!(register_query(&params(&[bad]), 1), Err(WebError::BadRequest("error_register_filter"))), "{bad:?}");
        }
    }
}
