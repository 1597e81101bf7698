//! Searching the index from a request's parameters, for the search page and the search API alike.

use std::collections::HashMap;

use pressroom_domain::{parse_publication_date, Lang, SectionKey};
use pressroom_search::{SearchRequest, SearchResults};

use crate::{AppState, WebError};

/// A search from query parameters; anything unreadable is dropped rather than refused.
pub(crate) fn request(query: &HashMap<String, String>, lang: Option<Lang>, prefer: Option<Lang>) -> SearchRequest {
    let date = |name: &str| query.get(name).and_then(|d| parse_publication_date(d).ok()).map(|d| d.unix_timestamp());
    SearchRequest {
        text: query.get("q").cloned().unwrap_or_default(),
        lang,
        prefer,
        section: query.get("section").and_then(|s| SectionKey::parse(s).ok()),
        from: date("from"),
        // "To" includes the whole day.
        to: date("to").map(|t| t + 24 * 3600),
        page: query.get("page").and_then(|p| p.parse().ok()).filter(|p| *p >= 1).unwrap_or(1),
    }
}

pub(crate) async fn run(state: &AppState, request: SearchRequest) -> Result<SearchResults, WebError> {
    let index = state.search.clone();
    tokio::task::spawn_blocking(move || index.search(&request))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
        .map_err(|e| WebError::Internal(e.to_string()))
}
