//! The archive: years, then each year and month as a paginated list.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use pressroom_render::views::{ArchivePage, PeriodLink, SectionLink};
use pressroom_render::{urls, Catalogue};
use pressroom_store::Listing;

use super::lists::list_view;
use super::{respond_html, PageResult};
use crate::extract::{Equivalents, PageNumber, Reader};
use crate::{AppState, WebError};

pub async fn index(State(state): State<AppState>, reader: Reader) -> PageResult {
    let years = state.store.archive_years(&reader.lang, &reader.site.zone).await?;
    let title = Catalogue::get().text(reader.lang.as_str(), "archive");
    let page = ArchivePage {
        layout: reader.layout(&state, title, "", Some(Equivalents::SamePath), None),
        years: years
            .into_iter()
            .map(|(year, count)| PeriodLink { label: year.to_string(), url: urls::archive_year(&reader.lang, year), count, current: false })
            .collect(),
    };
    Ok(respond_html(&state, StatusCode::OK, &page))
}

pub async fn year(State(state): State<AppState>, reader: Reader, Path((_, year)): Path<(String, String)>, page: PageNumber) -> PageResult {
    let year = parse_year(&year)?;
    period_page(state, reader, year, None, page).await
}

pub async fn month(
    State(state): State<AppState>,
    reader: Reader,
    Path((_, year, month)): Path<(String, String, String)>,
    page: PageNumber,
) -> PageResult {
    let year = parse_year(&year)?;
    // Two digits, as the archive links write them: `/2025/06/`.
    let month = match month.parse::<u8>() {
        Ok(m) if month.len() == 2 && (1..=12).contains(&m) => m,
        _ => return Err(WebError::NotFound),
    };
    period_page(state, reader, year, Some(month), page).await
}

fn parse_year(text: &str) -> Result<i32, WebError> {
    match text.parse::<i32>() {
        Ok(y) if text.len() == 4 && (1000..=9999).contains(&y) => Ok(y),
        _ => Err(WebError::NotFound),
    }
}

/// A year or a month: its items, with links to the months of that year. An empty period is
/// not part of the archive: 404.
async fn period_page(state: AppState, reader: Reader, year: i32, month: Option<u8>, PageNumber(page): PageNumber) -> PageResult {
    let (from, to) = reader.site.zone.archive_period(year, month).ok_or(WebError::NotFound)?;
    let items = state.store.list_published(&reader.lang, Listing::Period { from, to }, page).await?;
    if items.total == 0 {
        return Err(WebError::NotFound);
    }
    let catalogue = Catalogue::get();
    let heading = match month {
        Some(m) => format!("{} {year}", catalogue.month_name(&reader.lang, m)),
        None => format!("{} {year}", catalogue.text(reader.lang.as_str(), "archive")),
    };
    let months = state.store.archive_months(&reader.lang, &reader.site.zone, year).await?;
    let mut view = list_view(&state, &reader, heading, None, items, None)?;
    view.periods = months
        .into_iter()
        .rev()
        .map(|(m, count)| {
            let m = u8::try_from(m).unwrap_or(1);
            PeriodLink {
                label: catalogue.month_name(&reader.lang, m).to_owned(),
                url: urls::archive_month(&reader.lang, year, m),
                count,
                current: month == Some(m),
            }
        })
        .collect();
    view.up = Some(match month {
        Some(_) => SectionLink { name: year.to_string(), url: urls::archive_year(&reader.lang, year) },
        None => SectionLink { name: catalogue.text(reader.lang.as_str(), "archive").to_owned(), url: urls::archive(&reader.lang) },
    });
    Ok(respond_html(&state, StatusCode::OK, &view))
}
