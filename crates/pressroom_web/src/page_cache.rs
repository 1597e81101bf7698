//! Rendered public pages kept in memory, each with its `ETag` and its gzip and brotli forms, so
//! a page read a thousand times is rendered and compressed once. Each page is kept with its
//! scope — its language, and the item it shows — and follows the change feed: a change drops
//! the pages it may alter (a published article edited drops the pages of its language, its
//! item's pages in other languages, and the pages in no language such as the sitemap), a change
//! no reader sees (a draft saved) drops none, and a change to the site's sections or settings
//! drops all. Changes made by another server arrive through the same feed. A byte budget bounds
//! the cache, and what leaves first is decided by quick_cache's scan-resistant policy (CLOCK-Pro
//! style: a page must be asked for again to earn its place), so a crawler walking thousands of
//! cold pages once cannot push out the home page and the other pages readers keep asking for.

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::HeaderMap;
use pressroom_store::{Change, ChangeReach, Store};

/// More changes than this since the cache last looked, and it starts afresh rather than read
/// them all (an import).
const MAX_CHANGES_READ: i64 = 1000;

/// What a cached page is found by: the path with its query, and the display mode.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageKey {
    pub path_and_query: String,
    pub contrast: bool,
}

/// A response body in the forms a client may ask for. The compressed forms are made when a
/// client first asks for them, not when the page is rendered: a crawler that accepts neither
/// costs no compression, and a page nobody asks again for is never compressed at all.
#[derive(Debug)]
pub struct StoredBody {
    pub identity: Bytes,
    /// Text worth compressing.
    pub compressible: bool,
    gzip: std::sync::OnceLock<Option<Bytes>>,
    brotli: std::sync::OnceLock<Option<Bytes>>,
}

impl StoredBody {
    pub fn new(identity: Bytes, compressible: bool) -> StoredBody {
        let compressible = compressible && identity.len() >= 512;
        StoredBody { identity, compressible, gzip: Default::default(), brotli: Default::default() }
    }

    /// The gzip form, made on first use.
    pub fn gzip(&self) -> Option<&Bytes> {
        self.gzip
            .get_or_init(|| {
                let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
                self.compressible.then(|| encoder.write_all(&self.identity).and_then(|()| encoder.finish()).ok().map(Bytes::from)).flatten()
            })
            .as_ref()
    }

    /// The brotli form, made on first use.
    pub fn brotli(&self) -> Option<&Bytes> {
        self.brotli
            .get_or_init(|| {
                let mut out = Vec::new();
                let params = brotli::enc::BrotliEncoderParams { quality: 6, lgwin: 20, ..Default::default() };
                self.compressible
                    .then(|| brotli::BrotliCompress(&mut &self.identity[..], &mut out, &params).ok().map(|_| Bytes::from(out)))
                    .flatten()
            })
            .as_ref()
    }

    /// What the body may take in memory with its compressed forms (which are smaller than a
    /// fifth of it for text): fixed when it is stored, as the cache's weights must be.
    fn size(&self) -> usize {
        if self.compressible {
            self.identity.len() + self.identity.len() / 2
        } else {
            self.identity.len()
        }
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

/// What a page shows, as far as changes are concerned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageScope {
    /// The language of the page; `None` for pages in every language (the sitemap, the API).
    pub lang: Option<String>,
    /// The item (translation key) an article page shows.
    pub item: Option<String>,
    /// Content that never changes (the public record's tiles): no change alters it.
    pub immutable: bool,
}

impl PageScope {
    /// Whether a change of this reach may alter a page of this scope (and so drops it).
    pub fn altered_by(&self, reach: &ChangeReach) -> bool {
        if self.immutable {
            return false;
        }
        match reach {
            ChangeReach::Hidden => false,
            ChangeReach::Everything => true,
            ChangeReach::Item { lang, translation_key } => {
                self.lang.as_ref().is_none_or(|own| own == lang) || self.item.as_ref() == Some(translation_key)
            }
        }
    }
}

/// An article page's item, set by its handler as a response extension for the cache to read.
#[derive(Debug, Clone)]
pub struct PageItem(pub String);

/// Marks a response whose content never changes at its address, set by its handler: it is
/// kept through every change and cached by clients for a year.
#[derive(Debug, Clone, Copy)]
pub struct Immutable;

pub struct PageCache {
    budget: usize,
    /// One render at a time per page: when a popular page has just been dropped, the requests
    /// that find it missing wait for the first one's render instead of all rendering it.
    renders: Mutex<HashMap<PageKey, Arc<tokio::sync::Mutex<()>>>>,
    /// The latest change the cache has applied.
    seen: AtomicI64,
    entries: Mutex<Entries>,
    /// One request at a time reads the feed to bring the cache up to date; the others wait.
    catching_up: tokio::sync::Mutex<()>,
    /// Renders of missing pages under way at once. A crawl of cold pages asks for many at a
    /// time; past this number they wait here, out of the way, so that a page served from the
    /// cache (the home page, say) is answered at once instead of queueing behind their work.
    rendering: tokio::sync::Semaphore,
}

/// The pages kept, weighed by their bytes.
type Pages = quick_cache::sync::Cache<PageKey, (PageScope, Arc<CachedPage>), ByBytes>;

#[derive(Clone)]
struct ByBytes;

impl quick_cache::Weighter<PageKey, (PageScope, Arc<CachedPage>)> for ByBytes {
    fn weight(&self, key: &PageKey, (_, page): &(PageScope, Arc<CachedPage>)) -> u64 {
        entry_size(key, page) as u64
    }
}

struct Entries {
    /// The latest change that may have altered some page: a page rendered before it is not kept.
    altered_at: i64,
    pages: Pages,
}

impl Entries {
    fn apply(&mut self, change: &Change) {
        if change.reach == ChangeReach::Hidden {
            return;
        }
        self.altered_at = self.altered_at.max(change.id);
        self.pages.retain(|_, (scope, _)| !scope.altered_by(&change.reach));
    }

    fn clear(&mut self, at: i64) {
        self.altered_at = at;
        self.pages.clear();
    }
}

fn entry_size(key: &PageKey, page: &CachedPage) -> usize {
    page.body.size() + key.path_and_query.len()
}

/// Renders under way at once per core: two, so that a render waiting on the database (over the
/// network, on PostgreSQL) leaves its core to another.
const RENDERS_PER_CORE: usize = 2;

impl PageCache {
    /// A cache of at most `budget` bytes of bodies.
    pub fn new(budget: usize) -> PageCache {
        // The number of pages is only an estimate, for sizing the table: 16 KB a page.
        let pages = Pages::with_weighter((budget / 16_384).max(16), budget as u64, ByBytes);
        PageCache {
            budget,
            renders: Mutex::default(),
            seen: AtomicI64::new(0),
            entries: Mutex::new(Entries { altered_at: 0, pages }),
            catching_up: tokio::sync::Mutex::new(()),
            rendering: tokio::sync::Semaphore::new(RENDERS_PER_CORE * std::thread::available_parallelism().map_or(2, |n| n.get())),
        }
    }

    /// Applies the changes up to `current`, the latest this process knows of: one read of the
    /// feed when it moved, nothing otherwise. When the feed cannot be read the cache starts
    /// afresh, so nothing stale is ever served.
    pub async fn follow(&self, store: &Store, current: i64) {
        if self.seen.load(Ordering::Acquire) >= current {
            return;
        }
        let _turn = self.catching_up.lock().await;
        let from = self.seen.load(Ordering::Acquire);
        if from >= current {
            return;
        }
        let changes = store.changes_since(from, MAX_CHANGES_READ).await;
        let mut entries = self.lock();
        let seen = match changes {
            Ok(changes) if (changes.len() as i64) < MAX_CHANGES_READ => {
                changes.iter().for_each(|change| entries.apply(change));
                changes.last().map_or(current, |change| change.id.max(current))
            }
            Ok(changes) => {
                let seen = changes.last().map_or(current, |change| change.id.max(current));
                entries.clear(seen);
                seen
            }
            Err(_) => {
                entries.clear(current);
                current
            }
        };
        self.seen.store(seen, Ordering::Release);
    }

    /// How many pages are kept, and their bytes: for the metrics.
    pub fn usage(&self) -> (usize, u64) {
        let entries = self.lock();
        (entries.pages.len(), entries.pages.weight())
    }

    /// The page at `key`, if it is kept.
    pub fn get(&self, key: &PageKey) -> Option<Arc<CachedPage>> {
        self.lock().pages.get(key).map(|(_, page)| page)
    }

    /// Keeps a page rendered after the feed's `rendered_at` was seen, unless a change since
    /// then may have altered it.
    pub fn put(&self, key: PageKey, rendered_at: i64, scope: PageScope, page: Arc<CachedPage>) {
        let size = entry_size(&key, &page);
        if size > self.budget / 4 {
            return;
        }
        // Under the lock, so that a change applied meanwhile cannot be missed.
        let entries = self.lock();
        if rendered_at < entries.altered_at {
            return;
        }
        entries.pages.insert(key, (scope, page));
    }

    /// Waits until no other request is rendering the page at `key`; the caller then looks in
    /// the cache again and renders only if the page is still missing.
    pub async fn render_turn(&self, key: &PageKey) -> RenderTurn<'_> {
        let lock = self.renders.lock().expect("the render lock map is never poisoned").entry(key.clone()).or_default().clone();
        RenderTurn { cache: self, key: key.clone(), _guard: lock.lock_owned().await }
    }

    /// A place among the renders under way, waited for when they are as many as allowed.
    pub async fn render_slot(&self) -> tokio::sync::SemaphorePermit<'_> {
        self.rendering.acquire().await.expect("the render semaphore is never closed")
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.entries.lock().expect("the page cache lock is never poisoned")
    }
}

/// A request's turn to render one page; the next waiting request's turn begins when it ends.
pub struct RenderTurn<'a> {
    cache: &'a PageCache,
    key: PageKey,
    _guard: tokio::sync::OwnedMutexGuard<()>,
}

impl Drop for RenderTurn<'_> {
    fn drop(&mut self) {
        let mut renders = self.cache.renders.lock().expect("the render lock map is never poisoned");
        // Held by the map and by this turn only: nobody waits, the entry can go.
        if renders.get(&self.key).is_some_and(|lock| Arc::strong_count(lock) <= 2) {
            renders.remove(&self.key);
        }
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

    fn scope(lang: Option<&str>, item: Option<&str>) -> PageScope {
        PageScope { lang: lang.map(str::to_owned), item: item.map(str::to_owned), immutable: false }
    }

    fn change(id: i64, reach: ChangeReach) -> Change {
        Change { id, article_id: Some(1), reach }
    }

    fn kept(cache: &PageCache) -> Vec<String> {
        let mut paths: Vec<String> = ["/en/", "/en/news/a", "/ru/", "/ru/news/a", "/ru/news/b", "/sitemap.xml"]
            .into_iter()
            .filter(|p| cache.get(&key(p)).is_some())
            .map(str::to_owned)
            .collect();
        paths.sort();
        paths
    }

    #[test]
    fn a_change_drops_exactly_the_pages_it_may_alter() {
        let cache = PageCache::new(1 << 20);
        cache.put(key("/en/"), 1, scope(Some("en"), None), page("home "));
        cache.put(key("/en/news/a"), 1, scope(Some("en"), Some("a")), page("article a "));
        cache.put(key("/ru/"), 1, scope(Some("ru"), None), page("главная "));
        cache.put(key("/ru/news/a"), 1, scope(Some("ru"), Some("a")), page("статья a "));
        cache.put(key("/ru/news/b"), 1, scope(Some("ru"), Some("b")), page("статья b "));
        cache.put(key("/sitemap.xml"), 1, scope(None, None), page("sitemap "));

        cache.lock().apply(&change(2, ChangeReach::Hidden));
        assert_eq!(kept(&cache).len(), 6, "a draft saved drops nothing");

        cache.lock().apply(&change(3, ChangeReach::Item { lang: "en".into(), translation_key: "a".into() }));
        assert_eq!(kept(&cache), ["/ru/", "/ru/news/b"], "the English pages, the item's Russian page and the sitemap go");

        cache.lock().apply(&change(4, ChangeReach::Everything));
        assert!(kept(&cache).is_empty());
    }

    #[test]
    fn a_page_rendered_before_an_altering_change_is_not_kept() {
        let cache = PageCache::new(1 << 20);
        cache.lock().apply(&change(5, ChangeReach::Item { lang: "en".into(), translation_key: "a".into() }));
        cache.put(key("/en/"), 4, scope(Some("en"), None), page("stale "));
        assert!(cache.get(&key("/en/")).is_none());
        cache.put(key("/en/"), 5, scope(Some("en"), None), page("fresh "));
        assert!(cache.get(&key("/en/")).is_some());
        cache.lock().apply(&change(6, ChangeReach::Hidden));
        cache.put(key("/en/about"), 5, scope(Some("en"), None), page("about "));
        assert!(cache.get(&key("/en/about")).is_some(), "a hidden change since does not matter");
    }

    #[tokio::test]
    async fn requests_for_a_missing_page_wait_for_one_render() {
        use std::sync::atomic::AtomicUsize;
        let cache = Arc::new(PageCache::new(1 << 20));
        let renders = Arc::new(AtomicUsize::new(0));
        let requests: Vec<_> = (0..10)
            .map(|_| {
                let (cache, renders) = (cache.clone(), renders.clone());
                tokio::spawn(async move {
                    let _turn = cache.render_turn(&key("/en/")).await;
                    if cache.get(&key("/en/")).is_none() {
                        renders.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                        cache.put(key("/en/"), 0, PageScope::default(), page("home "));
                    }
                })
            })
            .collect();
        for request in requests {
            request.await.unwrap();
        }
        assert_eq!(renders.load(Ordering::SeqCst), 1, "one render served them all");
        assert!(cache.renders.lock().unwrap().is_empty(), "no turn is left behind");
    }

    #[test]
    fn a_crawl_of_cold_pages_does_not_push_out_the_pages_readers_keep_asking_for() {
        let one = page("a page of text ");
        let size = one.body.size() + 12;
        let cache = PageCache::new(size * 40);
        cache.put(key("/en/"), 1, PageScope::default(), page("a page of text "));
        for _ in 0..5 {
            assert!(cache.get(&key("/en/")).is_some(), "the home page is read again and again");
        }
        for n in 0..2_000 {
            let cold = key(&format!("/en/news/item-{n}"));
            cache.put(cold.clone(), 1, PageScope::default(), page("a page of text "));
            if n % 100 == 0 {
                assert!(cache.get(&key("/en/")).is_some(), "still kept after {n} cold pages");
            }
        }
        assert!(cache.get(&key("/en/")).is_some(), "the home page survived the crawl");
        assert!(cache.lock().pages.weight() <= (size * 40) as u64, "the budget holds");
        assert!(one.body.gzip().unwrap().len() < one.body.identity.len() / 5);
        assert!(one.body.brotli().unwrap().len() < one.body.identity.len() / 5);
    }
}
