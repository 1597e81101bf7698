//! Rendered public pages kept in memory, each with its `ETag` and its gzip and brotli forms, so
//! a page read a thousand times is rendered and compressed once. The cache belongs to one change
//! of the feed: when any change is committed (here or on another server) the next request finds
//! the cache older than the feed and empties it, so a page is never served stale and never
//! rebuilt while nothing changed. A byte budget bounds it; the oldest pages leave first.

use std::collections::{HashMap, VecDeque};
use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::HeaderMap;

/// What a cached page is found by: the path with its query, and the display mode.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageKey {
    pub path_and_query: String,
    pub contrast: bool,
}

/// A response body in the forms a client may ask for.
#[derive(Debug)]
pub struct StoredBody {
    pub identity: Bytes,
    pub gzip: Option<Bytes>,
    pub brotli: Option<Bytes>,
}

impl StoredBody {
    /// The body as sent, compressed when it is text worth compressing.
    pub fn new(identity: Bytes, compressible: bool) -> StoredBody {
        if !compressible || identity.len() < 512 {
            return StoredBody { identity, gzip: None, brotli: None };
        }
        let gzip = {
            let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
            encoder.write_all(&identity).and_then(|()| encoder.finish()).ok().map(Bytes::from)
        };
        let brotli = {
            let mut out = Vec::new();
            let params = brotli::enc::BrotliEncoderParams { quality: 6, lgwin: 20, ..Default::default() };
            brotli::BrotliCompress(&mut &identity[..], &mut out, &params).ok().map(|_| Bytes::from(out))
        };
        StoredBody { identity, gzip, brotli }
    }

    fn size(&self) -> usize {
        self.identity.len() + self.gzip.as_ref().map_or(0, Bytes::len) + self.brotli.as_ref().map_or(0, Bytes::len)
    }
}

/// A page ready to send: its headers (type, validators, cache policy) and body.
#[derive(Debug)]
pub struct CachedPage {
    pub headers: HeaderMap,
    pub etag: String,
    pub last_modified: Option<i64>,
    pub body: StoredBody,
}

pub struct PageCache {
    budget: usize,
    entries: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    /// The change of the feed these pages were rendered at or after.
    change: i64,
    pages: HashMap<PageKey, Arc<CachedPage>>,
    order: VecDeque<PageKey>,
    bytes: usize,
}

impl Entries {
    /// Forgets every page when the feed has moved past them.
    fn follow(&mut self, change: i64) {
        if change > self.change {
            self.pages.clear();
            self.order.clear();
            self.bytes = 0;
            self.change = change;
        }
    }
}

impl PageCache {
    /// A cache of at most `budget` bytes of bodies.
    pub fn new(budget: usize) -> PageCache {
        PageCache { budget, entries: Mutex::new(Entries::default()) }
    }

    /// The page at `key`, if it was rendered since the feed's `change`.
    pub fn get(&self, key: &PageKey, change: i64) -> Option<Arc<CachedPage>> {
        let mut entries = self.entries.lock().expect("the page cache lock is never poisoned");
        entries.follow(change);
        entries.pages.get(key).cloned()
    }

    /// Keeps a page rendered after the feed's `change` was seen; a page from before a newer
    /// change is not kept.
    pub fn put(&self, key: PageKey, change: i64, page: Arc<CachedPage>) {
        let size = page.body.size() + key.path_and_query.len();
        if size > self.budget / 4 {
            return;
        }
        let mut entries = self.entries.lock().expect("the page cache lock is never poisoned");
        entries.follow(change);
        if entries.change != change || entries.pages.contains_key(&key) {
            return;
        }
        while entries.bytes + size > self.budget {
            let Some(oldest) = entries.order.pop_front() else { break };
            if let Some(gone) = entries.pages.remove(&oldest) {
                entries.bytes -= gone.body.size() + oldest.path_and_query.len();
            }
        }
        entries.bytes += size;
        entries.order.push_back(key.clone());
        entries.pages.insert(key, page);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(text: &str) -> Arc<CachedPage> {
        let body = StoredBody::new(Bytes::from(text.repeat(100)), true);
        Arc::new(CachedPage { headers: HeaderMap::new(), etag: String::new(), last_modified: None, body })
    }

    fn key(path: &str) -> PageKey {
        PageKey { path_and_query: path.to_owned(), contrast: false }
    }

    #[test]
    fn a_change_empties_the_cache_and_late_pages_are_not_kept() {
        let cache = PageCache::new(1 << 20);
        cache.put(key("/en/"), 5, page("home "));
        assert!(cache.get(&key("/en/"), 5).is_some());
        assert!(cache.get(&key("/en/"), 6).is_none(), "a newer change empties it");
        cache.put(key("/en/"), 5, page("stale "));
        assert!(cache.get(&key("/en/"), 6).is_none(), "a page rendered before the change is not kept");
    }

    #[test]
    fn the_budget_evicts_the_oldest_first_and_bodies_are_compressed() {
        let one = page("a page of text ");
        let size = one.body.size() + 4;
        let cache = PageCache::new(size * 4 + 10);
        for path in ["/a/", "/b/", "/c/", "/d/", "/e/"] {
            cache.put(key(path), 1, page("a page of text "));
        }
        assert!(cache.get(&key("/a/"), 1).is_none());
        assert!(cache.get(&key("/e/"), 1).is_some());
        assert!(one.body.gzip.as_ref().unwrap().len() < one.body.identity.len() / 5);
        assert!(one.body.brotli.as_ref().unwrap().len() < one.body.identity.len() / 5);
    }
}
