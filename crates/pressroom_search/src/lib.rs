//! Full-text search over published articles: a tantivy index in the data directory, with
//! Russian and English stemming (`встреча` finds `встречи`, `meeting` finds `meetings`), case
//! folding and `ё` read as `е`, BM25 relevance with title matches weighted up and newer items
//! preferred at equal relevance, phrases in quotes, `-word` exclusion, and highlighted snippets.
//!
//! The index is derived data: it can always be rebuilt from the database, and is kept current
//! from the change feed by whoever owns it (see the web layer).

mod pairs;
mod pdf;
mod schema;
mod snippets;
mod stems;
mod words;

use std::ops::Bound;
use std::path::Path;
use std::sync::Mutex;

use pressroom_domain::{number_query, Article, Lang, SectionKey, Slug, Status};
use tantivy::collector::{Count, TopDocs};
use tantivy::indexer::{LogMergePolicy, NoMergePolicy};
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, Occur, Query, QueryParser, RangeQuery, TermQuery};
use tantivy::query_grammar::{UserInputAst, UserInputLeaf, UserInputLiteral};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::tokenizer::TokenStream;
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Score, TantivyDocument, Term};
use time::OffsetDateTime;

pub use pdf::{pdf_text, text_pdf};
use schema::Fields;
use snippets::Highlighter;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index folder: {0}")]
    Io(#[from] std::io::Error),
    #[error("search index: {0}")]
    OpenDirectory(#[from] tantivy::directory::error::OpenDirectoryError),
}

pub type Result<T, E = SearchError> = std::result::Result<T, E>;

/// Results on one page.
pub const RESULTS_PER_PAGE: usize = 20;
/// How many matches are grouped by item when searching all languages.
const GROUPING_WINDOW: usize = 1000;
/// How many of the most relevant matches recency may reorder, at least.
const RERANK_POOL: usize = 100;
/// How much recency adds to relevance: at most this share, for an item published today.
const RECENCY_WEIGHT: f32 = 0.15;
/// A document whose number a query names comes before any that merely mentions it.
const NUMBER_BOOST: f32 = 20.0;
const MAX_QUERY_CHARS: usize = 500;

/// A search as a reader asks it.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub text: String,
    /// Only this language; `None` searches every language, one result per item.
    pub lang: Option<Lang>,
    /// The language whose version of an item is preferred when grouping.
    pub prefer: Option<Lang>,
    pub section: Option<SectionKey>,
    /// Published on or after, as Unix seconds.
    pub from: Option<i64>,
    /// Published before, as Unix seconds.
    pub to: Option<i64>,
    pub page: usize,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SearchHit {
    pub id: i64,
    pub lang: String,
    pub section: String,
    pub slug: String,
    pub title: String,
    /// A passage of the text with the matched words in `<b>`, escaped for HTML by tantivy;
    /// `None` when the match was in the title only.
    pub snippet_html: Option<String>,
    /// The opening words of the text, plain (the template escapes them), shown when there is
    /// no highlighted passage.
    pub excerpt: String,
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: OffsetDateTime,
    pub score: f32,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
    pub total: usize,
    pub page: usize,
}

/// The search index of one process.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it when missing; `Err` when it cannot be read (the
    /// caller rebuilds it).
    pub fn open(dir: &Path) -> Result<SearchIndex> {
        std::fs::create_dir_all(dir)?;
        let (schema, fields) = schema::build();
        let directory = tantivy::directory::MmapDirectory::open(dir)?;
        let index = Index::builder().schema(schema).settings(settings()).open_or_create(directory)?;
        SearchIndex::with_index(index, fields)
    }

    /// Deletes whatever is in `dir` and starts an empty index there.
    pub fn recreate(dir: &Path) -> Result<SearchIndex> {
        if dir.exists() {
            std::fs::remove_dir_all(dir)?;
        }
        SearchIndex::open(dir)
    }

    /// An index in memory, for tests.
    pub fn in_memory() -> Result<SearchIndex> {
        let (schema, fields) = schema::build();
        SearchIndex::with_index(Index::builder().schema(schema).settings(settings()).create_in_ram()?, fields)
    }

    fn with_index(index: Index, fields: Fields) -> Result<SearchIndex> {
        schema::register_analyzers(&index);
        let writer = index.writer(50_000_000)?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(SearchIndex { index, reader, writer: Mutex::new(writer), fields })
    }

    /// How many articles the index holds.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Puts an article into the index with `attached`, the text of its files, or takes it out
    /// when it is not published. Changes are seen by searches after [`SearchIndex::commit`].
    pub fn update(&self, article: &Article, attached: &str) -> Result<()> {
        let writer = self.writer.lock().expect("the index writer lock is never poisoned");
        writer.delete_term(Term::from_field_u64(self.fields.id, article.id.0 as u64));
        if article.status == Status::Published {
            writer.add_document(self.fields.document(article, attached))?;
        }
        Ok(())
    }

    /// Takes an article out of the index (it was deleted).
    pub fn remove(&self, id: i64) {
        let writer = self.writer.lock().expect("the index writer lock is never poisoned");
        writer.delete_term(Term::from_field_u64(self.fields.id, id as u64));
    }

    /// Empties the index before a rebuild, and merges no segments in the background until
    /// [`SearchIndex::merge_segments`] merges them all: a background merge that took segments the
    /// final merge also asked for made it fail ("could not be found in the SegmentManager").
    pub fn clear(&self) -> Result<()> {
        let writer = self.writer.lock().expect("the index writer lock is never poisoned");
        writer.set_merge_policy(Box::new(NoMergePolicy));
        writer.delete_all_documents()?;
        Ok(())
    }

    /// Makes every change since the last commit durable and visible to searches.
    pub fn commit(&self) -> Result<()> {
        self.writer.lock().expect("the index writer lock is never poisoned").commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Merges the index into one segment, after a rebuild: every segment costs every query a
    /// lookup of each of its words (a rebuild of 100,000 articles leaves eight, and merged they
    /// are searched in a twentieth less time).
    pub fn merge_segments(&self) -> Result<()> {
        let mut writer = self.writer.lock().expect("the index writer lock is never poisoned");
        let segments = self.index.searchable_segment_ids()?;
        if segments.len() > 1 {
            writer.merge(&segments).wait()?;
        }
        writer.set_merge_policy(Box::new(LogMergePolicy::default()));
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    /// Runs a search. Any text is accepted: what the query syntax cannot read is taken as plain
    /// words, so a reader never gets an error for what they typed.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        let searcher = self.reader.searcher();
        let text = normalise(&request.text.chars().take(MAX_QUERY_CHARS).collect::<String>());
        let mut parser = QueryParser::for_index(&self.index, self.fields.words_fields(request.lang.as_ref()));
        parser.set_conjunction_by_default();
        let (asked, _unread) = tantivy::query_grammar::parse_query_lenient(&text);
        let (text_query, _) = parser.build_query_from_user_input_ast_lenient(self.with_pairs(asked.clone(), request.lang.as_ref()));
        // Snippets highlight a phrase's words, which its pair does not name.
        let (highlighted, _) = parser.build_query_from_user_input_ast_lenient(asked);
        let exact = |field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic))
        };
        // `№ 12` or `12/2025` also finds the document of that number, first.
        let number = number_query(&text);
        let text_query: Box<dyn Query> = match &number {
            Some(number) => Box::new(BooleanQuery::new(vec![
                (Occur::Should, text_query),
                (Occur::Should, Box::new(BoostQuery::new(exact(self.fields.number, number), NUMBER_BOOST))),
            ])),
            None => text_query,
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text_query)];
        // A language's words are looked for in its own fields, which only its documents have, so
        // it needs no clause of its own (intersecting with one cost a fifth of the time) unless
        // the query names fields itself (`words_ru:…`) or asks for a number, which every language's
        // version has.
        if let Some(lang) = request.lang.as_ref().filter(|_| text.contains(':') || number.is_some()) {
            clauses.push((Occur::Must, exact(self.fields.lang, lang.as_str())));
        }
        if let Some(section) = &request.section {
            clauses.push((Occur::Must, exact(self.fields.section, section.as_str())));
        }
        if request.from.is_some() || request.to.is_some() {
            let bound = |value: Option<i64>, included: bool| match value {
                None => Bound::Unbounded,
                Some(v) if included => Bound::Included(Term::from_field_i64(self.fields.published_at, v)),
                Some(v) => Bound::Excluded(Term::from_field_i64(self.fields.published_at, v)),
            };
            clauses.push((Occur::Must, Box::new(RangeQuery::new(bound(request.from, true), bound(request.to, false)))));
        }
        // A query of nothing but exclusions still needs something to exclude from.
        if text.split_whitespace().all(|w| w.starts_with('-')) && !text.trim().is_empty() {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        let query = BooleanQuery::new(clauses);
        let page = request.page.max(1);
        // Relevance picks a bounded pool of the best matches; recency re-ranks only that pool
        // (blending it into every match's score read a date per match: a sixth of the time).
        let (total, found): (usize, Vec<(Score, DocAddress)>) = if request.lang.is_some() {
            let offset = (page - 1) * RESULTS_PER_PAGE;
            let (total, pool) = searcher.search(&query, &(Count, TopDocs::with_limit((offset + RESULTS_PER_PAGE).max(RERANK_POOL))))?;
            (total, blend_recency(&searcher, pool).into_iter().skip(offset).take(RESULTS_PER_PAGE).collect())
        } else {
            // One result per item: the best-ranked version, or the preferred language's.
            let all = searcher.search(&query, &TopDocs::with_limit(GROUPING_WINDOW))?;
            let grouped = self.group_by_item(&searcher, blend_recency(&searcher, all), request.prefer.as_ref())?;
            let total = grouped.len();
            (total, grouped.into_iter().skip((page - 1) * RESULTS_PER_PAGE).take(RESULTS_PER_PAGE).collect())
        };
        // One highlighter per language's words field in the results, made when first needed.
        let mut highlighters: Vec<(tantivy::schema::Field, Option<Highlighter>)> = Vec::new();
        let mut hits = Vec::with_capacity(found.len());
        for (score, address) in found {
            let doc: TantivyDocument = searcher.doc(address)?;
            let words = self.fields.words_field(stored_text(&doc, self.fields.lang));
            if !highlighters.iter().any(|(field, _)| *field == words) {
                let highlighter =
                    Highlighter::new(&searcher, &highlighted, words, |initials| self.fields.highlighting_analyzer(words, initials));
                highlighters.push((words, highlighter));
            }
            let (_, highlighter) = highlighters.iter().find(|(field, _)| *field == words).expect("pushed above");
            let snippet_html = highlighter.as_ref().and_then(|h| h.snippet_html(stored_text(&doc, self.fields.body)));
            hits.push(self.fields.hit(&doc, score, snippet_html));
        }
        Ok(SearchResults { hits, total, page })
    }

    /// `asked` with each phrase of two words (`"коллективной безопасности"`, or `COVID-19`,
    /// which the parser reads as a phrase too) looked up as one pair (see [`pairs`]) in the
    /// fields searched. A phrase named in a field of its own, with slop (`"a b"~2`) or as a
    /// prefix (`"a b"*`) stays a phrase.
    fn with_pairs(&self, asked: UserInputAst, lang: Option<&Lang>) -> UserInputAst {
        match asked {
            UserInputAst::Clause(clauses) => {
                UserInputAst::Clause(clauses.into_iter().map(|(occur, ast)| (occur, self.with_pairs(ast, lang))).collect())
            }
            UserInputAst::Boost(ast, boost) => UserInputAst::Boost(Box::new(self.with_pairs(*ast, lang)), boost),
            UserInputAst::Leaf(leaf) => match *leaf {
                UserInputLeaf::Literal(literal)
                    if literal.field_name.is_none() && literal.slop == 0 && !literal.prefix && self.is_word_pair(&literal.phrase) =>
                {
                    let mut pairs: Vec<_> = self
                        .fields
                        .pairs_field_names(lang)
                        .into_iter()
                        .map(|field| {
                            let literal = UserInputLiteral { field_name: Some(field), ..literal.clone() };
                            (Some(Occur::Should), UserInputAst::Leaf(Box::new(UserInputLeaf::Literal(literal))))
                        })
                        .collect();
                    if pairs.len() == 1 {
                        pairs.remove(0).1
                    } else {
                        UserInputAst::Clause(pairs)
                    }
                }
                leaf => UserInputAst::Leaf(Box::new(leaf)),
            },
        }
    }

    /// Whether `phrase` is two words next to each other, as every analyzer reads it.
    fn is_word_pair(&self, phrase: &str) -> bool {
        let Some(mut plain) = self.index.tokenizers().get("plain") else { return false };
        let mut stream = plain.token_stream(phrase);
        let mut positions = Vec::new();
        while let Some(token) = stream.next() {
            positions.push(token.position);
        }
        matches!(positions[..], [first, second] if second == first + 1)
    }

    fn group_by_item(
        &self,
        searcher: &tantivy::Searcher,
        ranked: Vec<(Score, DocAddress)>,
        prefer: Option<&Lang>,
    ) -> Result<Vec<(Score, DocAddress)>> {
        let mut order: Vec<String> = Vec::new();
        let mut best: std::collections::HashMap<String, (Score, DocAddress, bool)> = std::collections::HashMap::new();
        for (score, address) in ranked {
            let doc: TantivyDocument = searcher.doc(address)?;
            let key = stored_text(&doc, self.fields.translation).to_owned();
            let preferred = prefer.is_some_and(|p| stored_text(&doc, self.fields.lang) == p.as_str());
            match best.get_mut(&key) {
                None => {
                    order.push(key.clone());
                    best.insert(key, (score, address, preferred));
                }
                // Keep the item's rank, but show it in the reader's language when it has one.
                Some(entry) if preferred && !entry.2 => *entry = (entry.0, address, true),
                Some(_) => {}
            }
        }
        Ok(order.into_iter().filter_map(|key| best.remove(&key)).map(|(score, address, _)| (score, address)).collect())
    }
}

/// A new index's settings: stored documents compressed in blocks of 4 KiB rather than 16, as
/// each result's document is read whole with its block (a tenth less time per search, for a
/// half larger store).
fn settings() -> tantivy::IndexSettings {
    tantivy::IndexSettings { docstore_blocksize: 4096, ..tantivy::IndexSettings::default() }
}

/// Matches re-ranked by relevance blended with recency.
fn blend_recency(searcher: &tantivy::Searcher, mut found: Vec<(Score, DocAddress)>) -> Vec<(Score, DocAddress)> {
    let now = OffsetDateTime::now_utc().unix_timestamp();
    // Each segment's date column, opened once whatever the number of matches in it.
    let dates: Vec<_> = searcher
        .segment_readers()
        .iter()
        .map(|segment| segment.fast_fields().i64("published_at").ok().map(|c| c.first_or_default_col(0)))
        .collect();
    for (score, address) in &mut found {
        let at = dates.get(address.segment_ord as usize).and_then(Option::as_ref).map_or(0, |c| c.get_val(address.doc_id));
        *score *= 1.0 + RECENCY_WEIGHT * recency(now, at);
    }
    found.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    found
}

/// 1 for today, halving about every two years.
fn recency(now: i64, published: i64) -> f32 {
    let years = ((now - published).max(0) as f32) / (365.0 * 24.0 * 3600.0);
    1.0 / (1.0 + years / 2.0)
}

/// Reads `ё` as `е` (Russian texts use both for the same word), drops control characters and
/// writes every other space (no-break, ideographic, line separator, form feed…) as a plain one:
/// tantivy's query grammar knows only ASCII spaces, and one of the others after `IN [` made its
/// parser loop, taking gigabytes (found by the `search_query` fuzz target).
pub fn normalise(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || c.is_whitespace())
        .map(|c| match c {
            'ё' => 'е',
            'Ё' => 'Е',
            ' ' | '\t' | '\n' | '\r' => c,
            c if c.is_whitespace() => ' ',
            c => c,
        })
        .collect()
}

/// What a hit needs to become a link.
pub fn hit_address(hit: &SearchHit) -> Option<(Lang, SectionKey, Slug)> {
    Some((Lang::parse(&hit.lang).ok()?, SectionKey::parse(&hit.section).ok()?, Slug::parse(&hit.slug).ok()?))
}

/// Used by fields to read stored values.
pub(crate) fn stored_text(doc: &TantivyDocument, field: tantivy::schema::Field) -> &str {
    doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_pairs(text: &str) -> String {
        let index = SearchIndex::in_memory().expect("an index in memory");
        let (asked, _) = tantivy::query_grammar::parse_query_lenient(text);
        format!("{:?}", index.with_pairs(asked, Some(&Lang::parse("ru").expect("a language"))))
    }

    #[test]
    fn two_word_phrases_are_looked_up_as_pairs_and_other_phrases_stay_phrases() {
        for pair in ["\"коллективной безопасности\"", "Чолпон-Ата", "-\"коллективной безопасности\" совет"]
        {
            assert!(with_pairs(pair).contains("\"pairs_ru\":"), "{pair}: {}", with_pairs(pair));
        }
        for phrase in [
            "\"совет коллективной безопасности\"",
            "\"коллективной безопасности\"~1",
            "\"коллективной безопасности\"*",
            "words_ru:\"коллективной безопасности\"",
            "\"безопасности\"",
            "коллективной безопасности",
        ] {
            assert!(!with_pairs(phrase).contains("pairs_"), "{phrase}: {}", with_pairs(phrase));
        }
    }
}
