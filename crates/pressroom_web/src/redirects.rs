//! Old addresses answered with `301` from memory, before any page is looked for. The table is
//! read whole, in the background, when the server starts and again after a change to it in any
//! process; when articles it leads to change, only their addresses are read again.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, RwLock};

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use pressroom_domain::OldPath;
use pressroom_render::urls;
use pressroom_store::{RedirectTarget, Store};

use crate::AppState;

/// Changes read at once when catching up; a longer gap reads the whole table again.
const MAX_CHANGES_READ: i64 = 1_000;

/// How long browsers and shared caches may keep a redirect: an administrator may still change it.
const REDIRECT_CACHE: &str = "public, max-age=3600";

/// How long a request waits for the table to be read again after a change.
const RELOAD_WAIT: std::time::Duration = std::time::Duration::from_millis(100);

#[derive(Default)]
pub struct Redirects {
    /// The latest change of the feed the table reflects.
    seen: AtomicI64,
    table: RwLock<Arc<Table>>,
    /// Whether a reading of the table is under way, and its end announced.
    reloading: AtomicBool,
    loaded: tokio::sync::Notify,
}

#[derive(Default)]
struct Table {
    /// Shared between a table and the next when only articles' addresses changed.
    by_old: Arc<HashMap<OldPath, Leads>>,
    /// The current address of every article an old address leads to (`None` while it is not
    /// published).
    articles: HashMap<i64, Option<String>>,
}

enum Leads {
    Fixed(Box<str>),
    Article(i64),
}

impl Redirects {
    /// Where a request for `path?query` is sent, if anywhere: the whole address first, then the
    /// path with each single pair of the query (so `?p=12&utm_source=mail` finds `/?p=12`),
    /// then the path alone, in which case the request's query is passed on.
    pub fn lookup(&self, path: &str, query: Option<&str>) -> Option<String> {
        let table = self.table.read().expect("the redirect table lock is never poisoned").clone();
        if table.by_old.is_empty() {
            return None;
        }
        let request = OldPath::of_request(path, query);
        let found = table.resolve(&request).or_else(|| {
            if !request.has_query() {
                return None;
            }
            let by_pair = request.query_pairs().find_map(|pair| table.resolve(&request.with_only(pair)));
            by_pair.or_else(|| {
                let target = table.resolve(&OldPath::of_request(path, None))?;
                Some(match query {
                    Some(query) if !target.contains('?') => format!("{target}?{query}"),
                    _ => target,
                })
            })
        })?;
        // An article whose new address is its old one is served, not sent round in a circle.
        let (to_path, to_query) = found.split_once('?').map_or((found.as_str(), None), |(p, q)| (p, Some(q)));
        (OldPath::of_request(to_path, to_query) != request).then_some(found)
    }

    /// Brings the table up to change `current` of the feed. The reading runs in the background:
    /// a request waits for it [`RELOAD_WAIT`] at most, then is answered from the table as it was,
    /// so that a large table (150,000 rows take seconds to read) never stalls the site.
    pub async fn follow(self: &Arc<Self>, store: &Store, current: i64) {
        if self.seen.load(Ordering::Acquire) >= current {
            return;
        }
        let loaded = self.loaded.notified();
        tokio::pin!(loaded);
        loaded.as_mut().enable();
        if !self.reloading.swap(true, Ordering::AcqRel) {
            let (redirects, store) = (self.clone(), store.clone());
            tokio::spawn(async move {
                redirects.catch_up(&store, current).await;
                redirects.reloading.store(false, Ordering::Release);
                redirects.loaded.notify_waiters();
            });
        }
        if self.seen.load(Ordering::Acquire) < current {
            let _ = tokio::time::timeout(RELOAD_WAIT, loaded).await;
        }
    }

    async fn catch_up(&self, store: &Store, current: i64) {
        let from = self.seen.load(Ordering::Acquire);
        if from >= current {
            return;
        }
        // Nothing read yet: the whole table, without reading the feed first.
        let changes = if from == 0 { Ok(Vec::new()) } else { store.changes_since(from, MAX_CHANGES_READ).await };
        let reloaded = match changes {
            Ok(changes) if from > 0 && (changes.len() as i64) < MAX_CHANGES_READ && changes.iter().all(|c| c.article_id.is_some()) => {
                let table = self.table.read().expect("the redirect table lock is never poisoned").clone();
                let moved: HashSet<i64> =
                    changes.iter().filter_map(|c| c.article_id).filter(|id| table.articles.contains_key(id)).collect();
                if moved.is_empty() {
                    Ok(None)
                } else {
                    self.with_articles_read_again(store, &table, &moved).await.map(Some)
                }
            }
            _ => read_table(store).await.map(Some),
        };
        match reloaded {
            Ok(table) => {
                if let Some(table) = table {
                    *self.table.write().expect("the redirect table lock is never poisoned") = Arc::new(table);
                }
                self.seen.store(current, Ordering::Release);
            }
            // The previous table stays in use; the next request tries again.
            Err(err) => tracing::warn!(error = %err, "could not read the redirects"),
        }
    }

    async fn with_articles_read_again(
        &self,
        store: &Store,
        table: &Table,
        ids: &HashSet<i64>,
    ) -> Result<Table, pressroom_store::StoreError> {
        let ids: Vec<i64> = ids.iter().copied().collect();
        let mut articles = table.articles.clone();
        for id in &ids {
            articles.insert(*id, None);
        }
        for (id, target) in store.article_redirect_targets(&ids).await? {
            articles.insert(id.0, address(&target));
        }
        Ok(Table { by_old: table.by_old.clone(), articles })
    }
}

impl Table {
    fn resolve(&self, old: &OldPath) -> Option<String> {
        match self.by_old.get(old)? {
            Leads::Fixed(to) => Some(to.to_string()),
            Leads::Article(id) => self.articles.get(id)?.clone(),
        }
    }
}

async fn read_table(store: &Store) -> Result<Table, pressroom_store::StoreError> {
    let (mut by_old, mut articles) = (HashMap::new(), HashMap::new());
    for (old, target) in store.all_redirects().await? {
        let leads = match &target {
            RedirectTarget::Fixed(to) => Leads::Fixed(to.as_str().into()),
            RedirectTarget::Article { id, .. } => {
                articles.insert(id.0, address(&target));
                Leads::Article(id.0)
            }
        };
        by_old.insert(old, leads);
    }
    Ok(Table { by_old: Arc::new(by_old), articles })
}

fn address(target: &RedirectTarget) -> Option<String> {
    match target {
        RedirectTarget::Fixed(to) => Some(to.clone()),
        RedirectTarget::Article { address, .. } => address.as_ref().map(|(lang, section, slug)| urls::article(lang, section, slug)),
    }
}

/// The middleware: a `301` for an old address, the site otherwise.
pub async fn answer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        state.redirects.follow(&state.store, state.site.current_change()).await;
        if let Some(to) = state.redirects.lookup(request.uri().path(), request.uri().query()) {
            // Non-ASCII in a target (a Cyrillic path) is percent-encoded, as a header must be.
            let to = percent_encoding::utf8_percent_encode(&to, percent_encoding::CONTROLS).to_string();
            if let Ok(location) = HeaderValue::from_str(&to) {
                let headers = [(header::LOCATION, location), (header::CACHE_CONTROL, HeaderValue::from_static(REDIRECT_CACHE))];
                return (StatusCode::MOVED_PERMANENTLY, headers).into_response();
            }
        }
    }
    next.run(request).await
}
