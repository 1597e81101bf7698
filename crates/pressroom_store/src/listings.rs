//! Lists of articles — sections, tags, archive periods, the API's queries — and related items,
//! each read from a short range of one index whatever the size of the archive.
//!
//! A list's total and the positions of its deep pages come from its "page marks": one walk
//! along the list's index, remembering the key of every `STRIDE`-th article, kept until the
//! next change. Page N then seeks to the nearest mark and steps at most `STRIDE` entries, so
//! a crawl of deep pages costs what the first pages cost; the walk itself happens once per list
//! per change, not once per request.

use std::collections::HashMap;
use std::sync::Arc;

use pressroom_domain::{Article, ArticleSummary, Lang, Page, SectionKey, Status, TagKey, PAGE_SIZE};

use crate::articles::{summary_from_row, SUMMARY_COLUMNS};
use crate::reads::{Param, ReadConn};
use crate::{Result, Store};

/// Articles between two page marks: a deep page steps over at most this many.
const STRIDE: u64 = 200;
/// Lists whose marks are kept at once; past this the cache starts again empty.
const MAX_LISTS: usize = 10_000;

/// Candidates for related items: the newest this many published articles of each of the
/// article's tags. Ranking within them (most shared tags, then newest) keeps the cost of an
/// article page bounded however common its tags are.
const RELATED_CANDIDATES: u32 = 50;

/// One tag's candidates for related items, newest first: `(date, id)` of its newest published
/// articles in a language (one index range). `$1` is the language, `$2` the tag's key.
pub(crate) fn related_candidates_sql() -> String {
    format!(
        "SELECT x.published_at, x.article_id FROM article_tags x \
         WHERE x.tag_id = (SELECT id FROM tags WHERE key = $2) AND x.lang = $1 AND x.status = 'published' \
         ORDER BY x.published_at DESC, x.article_id DESC LIMIT {RELATED_CANDIDATES}"
    )
}

/// The summaries of the published articles among `count` ids, `$1…`, in no order.
pub(crate) fn summaries_by_id_sql(count: usize) -> String {
    format!(
        "SELECT {SUMMARY_COLUMNS} FROM articles a JOIN sections s ON s.id = a.section_id \
         WHERE a.id IN ({}) AND a.status = 'published'",
        crate::record::placeholders(1, count)
    )
}

/// One tag's candidates: `(date, id)`, newest first.
type Candidates = Arc<[(i64, i64)]>;

/// The ids of the `limit` candidates found in most of `lists` (the article's tags), newest
/// first among equals, leaving out `own`, the article itself.
fn rank_related(lists: &[Candidates], own: i64, limit: u32) -> Vec<i64> {
    let mut shared: HashMap<i64, (u32, i64)> = HashMap::new();
    for &(date, id) in lists.iter().flat_map(|list| list.iter()).filter(|(_, id)| *id != own) {
        let entry = shared.entry(id).or_insert((0, date));
        entry.0 += 1;
        entry.1 = entry.1.max(date);
    }
    let mut ranked: Vec<(u32, i64, i64)> = shared.into_iter().map(|(id, (count, date))| (count, date, id)).collect();
    ranked.sort_unstable_by(|a, b| b.cmp(a));
    ranked.into_iter().take(limit as usize).map(|(_, _, id)| id).collect()
}

/// Which published articles of one language a list shows.
#[derive(Debug, Clone, Copy)]
pub enum Listing<'a> {
    All,
    Section(&'a SectionKey),
    Tag(&'a TagKey),
    /// Published in `[from, to)`, as Unix seconds.
    Period {
        from: i64,
        to: i64,
    },
}

/// Which articles an API list shows; every part is optional. Only published ones unless
/// `status` says otherwise (the caller checks that the client may see drafts).
#[derive(Debug, Clone, Default)]
pub struct ArticleQuery {
    pub lang: Option<Lang>,
    pub section: Option<SectionKey>,
    pub tag: Option<TagKey>,
    /// Published at or after, Unix seconds.
    pub from: Option<i64>,
    /// Published before, Unix seconds.
    pub to: Option<i64>,
    pub status: Option<Status>,
}

/// Where a list starts: a page number, or (for programs) just after a given article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    Page(u32),
    /// After the article with this date (Unix seconds) and id, in the list's order.
    After {
        published_at: i64,
        id: i64,
    },
}

/// A list's length and the key of every `STRIDE`-th article in it.
#[derive(Debug)]
struct Marks {
    total: u64,
    /// `keys[k]` is the (date, id) of the article at position `(k + 1) * STRIDE - 1`.
    keys: Vec<(i64, i64)>,
}

/// Page marks and period counts, valid as long as no change has been made since.
#[derive(Default)]
pub(crate) struct ListCache {
    change: i64,
    marks: HashMap<String, Arc<Marks>>,
    periods: HashMap<String, Arc<Vec<(i32, u64)>>>,
    /// Related items' candidates by (language, tag).
    candidates: HashMap<(String, String), Candidates>,
}

impl ListCache {
    /// The cache as of change `latest`: emptied when a change came since it was filled.
    fn current(&mut self, latest: i64) -> &mut ListCache {
        if self.change != latest || self.marks.len() + self.periods.len() + self.candidates.len() > MAX_LISTS {
            *self = ListCache { change: latest, ..ListCache::default() };
        }
        self
    }
}

/// The SQL of one list: what drives it, its filter with its parameters, and its order.
pub(crate) struct ListSql {
    /// `FROM … WHERE …` with the joins a page's summaries need.
    from: String,
    /// The same rows without those joins: what the walk for page marks reads, from the list's
    /// index alone (a join would read each article's row).
    keys_from: String,
    pub(crate) params: Vec<Param>,
    date: &'static str,
    id: &'static str,
}

impl ListSql {
    pub(crate) fn of(query: &ArticleQuery) -> ListSql {
        let status = query.status.unwrap_or(Status::Published);
        let mut params = vec![Param::Text(status.as_str().to_owned())];
        // A tag's list is read from the tag's links, which carry the article's language,
        // status and date; any other list from the articles.
        let (table, articles, mut conditions, t, date, id) = match &query.tag {
            Some(tag) => {
                params.push(Param::Text(tag.as_str().to_owned()));
                (
                    "FROM article_tags x",
                    " JOIN articles a ON a.id = x.article_id",
                    "x.status = $1 AND x.tag_id = (SELECT id FROM tags WHERE key = $2)".to_owned(),
                    "x",
                    "x.published_at",
                    "x.article_id",
                )
            }
            None => ("FROM articles a", "", "a.status = $1".to_owned(), "a", "a.published_at", "a.id"),
        };
        let mut add = |condition: String, param: Param| {
            params.push(param);
            conditions.push_str(&condition.replace('?', &format!("${}", params.len())));
        };
        if let Some(lang) = &query.lang {
            add(format!(" AND {t}.lang = ?"), Param::Text(lang.as_str().to_owned()));
        }
        if let Some(section) = &query.section {
            add(" AND a.section_id = (SELECT id FROM sections WHERE key = ?)".to_owned(), Param::Text(section.as_str().to_owned()));
        }
        if let Some(from) = query.from {
            add(format!(" AND {date} >= ?"), Param::Int(from));
        }
        if let Some(to) = query.to {
            add(format!(" AND {date} < ?"), Param::Int(to));
        }
        let keys_articles = if query.section.is_some() { articles } else { "" };
        ListSql {
            from: format!("{table}{articles} JOIN sections s ON s.id = a.section_id WHERE {conditions}"),
            keys_from: format!("{table}{keys_articles} WHERE {conditions}"),
            params,
            date,
            id,
        }
    }

    /// One page: `per_page` articles after `seek` (when given) and `skip` more.
    pub(crate) fn page(&mut self, seek: Option<(i64, i64)>, per_page: u32, skip: u64) -> String {
        let seek = seek.map(|(date, id)| self.after(date, id)).unwrap_or_default();
        format!(
            "SELECT {SUMMARY_COLUMNS} {}{seek} ORDER BY {date} DESC, {id} DESC LIMIT {per_page} OFFSET {skip}",
            self.from,
            date = self.date,
            id = self.id
        )
    }

    /// The walk that makes the page marks: every key of the list, in order.
    pub(crate) fn walk(&self) -> String {
        format!("SELECT {date}, {id} {} ORDER BY {date} DESC, {id} DESC", self.keys_from, date = self.date, id = self.id)
    }

    fn cache_key(&self) -> String {
        let params: Vec<String> = self
            .params
            .iter()
            .map(|p| match p {
                Param::Text(s) => format!("t:{s}"),
                Param::Int(i) => format!("i:{i}"),
            })
            .collect();
        format!("{}|{}", self.from, params.join("|"))
    }

    /// The condition "after (date, id)" in this list's order, written so that the date index
    /// serves it as a range.
    fn after(&mut self, published_at: i64, id: i64) -> String {
        self.params.push(Param::Int(published_at));
        let d = self.params.len();
        self.params.push(Param::Int(id));
        let i = self.params.len();
        format!(" AND {date} <= ${d} AND ({date} < ${d} OR {id} < ${i})", date = self.date, id = self.id)
    }
}

impl Store {
    /// One page (1-based) of published articles in `lang`, newest first.
    pub async fn list_published(&self, lang: &Lang, listing: Listing<'_>, page: u32) -> Result<Page<ArticleSummary>> {
        let mut query = ArticleQuery { lang: Some(lang.clone()), ..ArticleQuery::default() };
        match listing {
            Listing::All => {}
            Listing::Section(key) => query.section = Some(key.clone()),
            Listing::Tag(key) => query.tag = Some(key.clone()),
            Listing::Period { from, to } => (query.from, query.to) = (Some(from), Some(to)),
        }
        self.find_articles(&query, Start::Page(page), PAGE_SIZE).await
    }

    /// The latest `limit` published articles in `lang`: the home page, which shows no count.
    pub async fn latest_published(&self, lang: &Lang, limit: u32) -> Result<Vec<ArticleSummary>> {
        let sql = ListSql::of(&ArticleQuery { lang: Some(lang.clone()), ..ArticleQuery::default() });
        let list = format!("SELECT {SUMMARY_COLUMNS} {} ORDER BY a.published_at DESC, a.id DESC LIMIT {limit}", sql.from);
        self.read_conn().await?.rows(&list, &sql.params, summary_from_row).await
    }

    /// `per_page` articles that `query` selects, newest first, from `start`. The page number
    /// of a list started after an article is 0.
    pub async fn find_articles(&self, query: &ArticleQuery, start: Start, per_page: u32) -> Result<Page<ArticleSummary>> {
        let mut sql = ListSql::of(query);
        let marks = self.marks(&sql).await?;
        let (page, seek, skip) = match start {
            Start::Page(page) => {
                let offset = u64::from(page.saturating_sub(1)) * u64::from(per_page);
                if offset >= marks.total {
                    return Ok(Page { items: Vec::new(), page, total: marks.total });
                }
                let mark = (offset / STRIDE) as usize;
                match mark.checked_sub(1).and_then(|k| marks.keys.get(k)) {
                    Some(&(date, id)) => (page, Some((date, id)), offset - mark as u64 * STRIDE),
                    None => (page, None, offset),
                }
            }
            Start::After { published_at, id } => (0, Some((published_at, id)), 0),
        };
        let list = sql.page(seek, per_page, skip);
        let items = self.read_conn().await?.rows(&list, &sql.params, summary_from_row).await?;
        Ok(Page { items, page, total: marks.total })
    }

    /// A list's page marks: from the cache, or by one walk along its index.
    async fn marks(&self, sql: &ListSql) -> Result<Arc<Marks>> {
        let key = sql.cache_key();
        let latest = *self.changes.borrow();
        if let Some(marks) = self.lists.lock().expect("the list cache is never poisoned").current(latest).marks.get(&key) {
            return Ok(marks.clone());
        }
        let walk =
            self.read_conn().await?.fold_apart(sql.walk(), sql.params.clone(), Marks { total: 0, keys: Vec::new() }, |marks, row| {
                marks.total += 1;
                if marks.total % STRIDE == 0 {
                    marks.keys.push((row.int(0)?, row.int(1)?));
                }
                Ok(())
            });
        let marks = Arc::new(walk.await?);
        self.lists.lock().expect("the list cache is never poisoned").current(latest).marks.insert(key, marks.clone());
        Ok(marks)
    }

    /// Counts by year or month, kept until the next change like page marks.
    pub(crate) async fn cached_counts(
        &self,
        key: String,
        count: impl std::future::Future<Output = Result<Vec<(i32, u64)>>>,
    ) -> Result<Arc<Vec<(i32, u64)>>> {
        let latest = *self.changes.borrow();
        if let Some(counts) = self.lists.lock().expect("the list cache is never poisoned").current(latest).periods.get(&key) {
            return Ok(counts.clone());
        }
        let counts = Arc::new(count.await?);
        self.lists.lock().expect("the list cache is never poisoned").current(latest).periods.insert(key, counts.clone());
        Ok(counts)
    }

    /// Published items of the same language that share the most tags with `article`, newest
    /// first among equals; the latest of its section when it shares none. The candidates are
    /// the newest 50 articles with each of its tags, so the cost is bounded by
    /// its number of tags, never by how many articles a tag has: recent items are what readers
    /// of news want related anyway, and a newly published item is a candidate at once.
    pub async fn related(&self, article: &Article, limit: u32) -> Result<Vec<ArticleSummary>> {
        match self.related_on(&mut self.read_conn().await?, article, limit).await? {
            Some(related) => Ok(related),
            None => self.latest_beside(article, limit).await,
        }
    }

    /// [`Store::related`] read on `conn`, or `None` when no article shares a tag. Each tag's
    /// candidates are kept until the next change, like page marks: a crawl of article pages
    /// then reads only the few summaries it shows.
    pub(crate) async fn related_on(&self, conn: &mut ReadConn, article: &Article, limit: u32) -> Result<Option<Vec<ArticleSummary>>> {
        let latest = *self.changes.borrow();
        let lang = article.lang.as_str();
        let mut lists = Vec::with_capacity(article.tags.len());
        for tag in &article.tags {
            let key = (lang.to_owned(), tag.key.as_str().to_owned());
            let cached = self.lists.lock().expect("the list cache is never poisoned").current(latest).candidates.get(&key).cloned();
            let list = match cached {
                Some(list) => list,
                None => {
                    let params = [Param::Text(key.0.clone()), Param::Text(key.1.clone())];
                    let read = conn.rows(&related_candidates_sql(), &params, |row| Ok((row.int(0)?, row.int(1)?))).await?;
                    let list: Candidates = read.into();
                    self.lists.lock().expect("the list cache is never poisoned").current(latest).candidates.insert(key, list.clone());
                    list
                }
            };
            lists.push(list);
        }
        let ranked = rank_related(&lists, article.id.0, limit);
        if ranked.is_empty() {
            return Ok(None);
        }
        let params: Vec<Param> = ranked.iter().map(|id| Param::Int(*id)).collect();
        let mut found = conn.rows(&summaries_by_id_sql(ranked.len()), &params, summary_from_row).await?;
        found.sort_by_key(|summary| ranked.iter().position(|id| *id == summary.id.0));
        Ok((!found.is_empty()).then_some(found))
    }

    /// The newest published articles of an article's language and section, without it: what
    /// stands in for related items when its tags share none.
    pub(crate) async fn latest_beside(&self, article: &Article, limit: u32) -> Result<Vec<ArticleSummary>> {
        let query = ArticleQuery { lang: Some(article.lang.clone()), section: Some(article.section.clone()), ..ArticleQuery::default() };
        let latest = self.find_articles(&query, Start::Page(1), limit + 1).await?;
        Ok(latest.items.into_iter().filter(|a| a.id != article.id).take(limit as usize).collect())
    }
}
