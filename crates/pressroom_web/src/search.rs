//! Searching the index from a request's parameters, for the search page and the search API alike.

use std::collections::HashMap;

use pressroom_domain::{Lang, SectionKey, SiteZone};
use pressroom_search::{SearchRequest, SearchResults};

use crate::{AppState, WebError};

/// A search from query parameters; anything unreadable is dropped rather than refused.
pub(crate) fn request(query: &HashMap<String, String>, zone: &SiteZone, lang: Option<Lang>, prefer: Option<Lang>) -> SearchRequest {
    // Days are the site's: "from" is the start of the local day, "to" includes its end.
    let day = |name: &str| query.get(name).and_then(|d| zone.day_period(d).ok());
    SearchRequest {
        text: query.get("q").cloned().unwrap_or_default(),
        lang,
        prefer,
        section: query.get("section").and_then(|s| SectionKey::parse(s).ok()),
        from: day("from").map(|(start, _)| start),
        to: day("to").map(|(_, end)| end),
        page: query.get("page").and_then(|p| p.parse().ok()).filter(|p| *p >= 1).unwrap_or(1),
    }
}

pub(crate) async fn run(state: &AppState, request: SearchRequest) -> Result<SearchResults, WebError> {
    let index = state.search.clone();
    let started = std::time::Instant::now();
    let results = tokio::task::spawn_blocking(move || index.search(&request)).await;
    crate::observe::timed("pressroom_search_seconds", started);
    results.map_err(|e| WebError::Internal(e.to_string()))?.map_err(|e| WebError::Internal(e.to_string()))
}
