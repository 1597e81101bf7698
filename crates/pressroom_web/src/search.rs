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

/// Searches run on the blocking pool, one more at a time than there are cores (the extra one
/// keeps the cores busy while another search's page is written): more at once only share the
/// cores, so each takes longer and the slowest wait longest, and a burst of searches would take
/// every core from the other pages. Measured with `bench/search` on 2 cores: unbounded, 1,320
/// searches/s with p99 29 ms; three at a time, 1,230/s with p99 16 ms.
fn searching() -> &'static tokio::sync::Semaphore {
    static SEARCHING: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    SEARCHING.get_or_init(|| tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()) + 1))
}

pub(crate) async fn run(state: &AppState, request: SearchRequest) -> Result<SearchResults, WebError> {
    let index = state.search.clone();
    let started = std::time::Instant::now();
    let _turn = searching().acquire().await.map_err(|e| WebError::Internal(e.to_string()))?;
    let results = tokio::task::spawn_blocking(move || index.search(&request)).await;
    crate::observe::timed("pressroom_search_seconds", started);
    results.map_err(|e| WebError::Internal(e.to_string()))?.map_err(|e| WebError::Internal(e.to_string()))
}
