//! The index's fields and analyzers. Each language with a stemmer gets its own `words` field,
//! analysed with that language's stemmer; other languages share a plain, case-folded one. It
//! holds the title as well as the text, so that each word of a query is one list of documents to
//! read (asked of a title field and a body field, each word was a union of two). Beside it, a
//! `pairs` field holds the same words as neighbouring pairs, for quoted two-word phrases (see
//! [`crate::pairs`]).

use pressroom_domain::{Article, Lang};
use rust_stemmers::Algorithm;
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, FAST, INDEXED, STORED, STRING};
use tantivy::tokenizer::{RemoveLongFilter, TextAnalyzer, TextAnalyzerBuilder, Tokenizer};
use tantivy::TantivyDocument;
use time::OffsetDateTime;

use crate::pairs::PairFilter;
use crate::stems::{InitialsStemmer, RememberingStemmer};
use crate::words::WordTokenizer;
use crate::{normalise, stored_text, SearchHit};

/// Languages with a stemmer, and the analyzer name of each.
const STEMMED: &[(&str, Algorithm)] = &[("ru", Algorithm::Russian), ("en", Algorithm::English)];

/// How many times a title's words count.
const TITLE_WEIGHT: usize = 3;

pub(crate) struct Fields {
    pub id: Field,
    pub lang: Field,
    pub section: Field,
    pub slug: Field,
    pub translation: Field,
    pub published_at: Field,
    pub title_stored: Field,
    /// The text a snippet is taken from: lead, body and the text of attached files.
    pub body: Field,
    /// A document's number as readers look it up (`12`, `12/2025`), lower-cased, whole.
    pub number: Field,
    by_lang: Vec<LangFields>,
}

/// The fields of one language (a code, or "other").
struct LangFields {
    code: &'static str,
    words: Field,
    pairs: Field,
}

pub(crate) fn build() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let id = builder.add_u64_field("id", INDEXED | STORED | FAST);
    let lang = builder.add_text_field("lang", STRING | STORED);
    let section = builder.add_text_field("section", STRING | STORED);
    let slug = builder.add_text_field("slug", STORED);
    let translation = builder.add_text_field("translation", STRING | STORED);
    let published_at = builder.add_i64_field("published_at", INDEXED | STORED | FAST);
    let title_stored = builder.add_text_field("title", STORED);
    let number = builder.add_text_field("number", STRING);
    let body = builder.add_text_field("body", STORED);
    let mut by_lang = Vec::new();
    for name in STEMMED.iter().map(|(code, _)| *code).chain(["other"]) {
        let analyzer = if name == "other" { "plain" } else { name };
        let words = builder.add_text_field(&format!("words_{name}"), text(analyzer, IndexRecordOption::WithFreqsAndPositions));
        // A pair is matched whole, so it needs no positions.
        let pairs = builder.add_text_field(&pairs_name(name), text(&format!("{analyzer}_pairs"), IndexRecordOption::WithFreqs));
        by_lang.push(LangFields { code: name, words, pairs });
    }
    let fields = Fields { id, lang, section, slug, translation, published_at, title_stored, body, number, by_lang };
    (builder.build(), fields)
}

fn pairs_name(code: &str) -> String {
    format!("pairs_{code}")
}

fn text(analyzer: &str, record: IndexRecordOption) -> TextOptions {
    TextOptions::default().set_indexing_options(TextFieldIndexing::default().set_tokenizer(analyzer).set_index_option(record))
}

/// Words in lower case, without those too long to be words.
fn base() -> TextAnalyzerBuilder<impl Tokenizer> {
    TextAnalyzer::builder(WordTokenizer::default()).filter(RemoveLongFilter::limit(40))
}

pub(crate) fn register_analyzers(index: &tantivy::Index) {
    index.tokenizers().register("plain", base().build());
    index.tokenizers().register("plain_pairs", base().filter(PairFilter).build());
    for (name, language) in STEMMED {
        index.tokenizers().register(name, base().filter(RememberingStemmer(*language)).build());
        index.tokenizers().register(&format!("{name}_pairs"), base().filter(RememberingStemmer(*language)).filter(PairFilter).build());
    }
}

impl Fields {
    fn of_lang(&self, lang: &str) -> &LangFields {
        self.by_lang
            .iter()
            .find(|fields| fields.code == lang)
            .unwrap_or_else(|| self.by_lang.last().expect("the schema has an `other` language"))
    }

    fn searched(&self, lang: Option<&Lang>) -> impl Iterator<Item = &LangFields> {
        let one = lang.map(|lang| self.of_lang(lang.as_str()));
        self.by_lang.iter().filter(move |fields| one.is_none_or(|one| one.code == fields.code))
    }

    /// The fields a query searches: the language's own, or every language's.
    pub fn words_fields(&self, lang: Option<&Lang>) -> Vec<Field> {
        self.searched(lang).map(|fields| fields.words).collect()
    }

    /// The names of the fields a two-word phrase is looked up in, as [`Fields::words_fields`].
    pub fn pairs_field_names(&self, lang: Option<&Lang>) -> Vec<String> {
        self.searched(lang).map(|fields| pairs_name(fields.code)).collect()
    }

    /// How highlighting reads a text of `words`: as the field's analyzer does, except that only
    /// words beginning with one of `initials` are stemmed (see [`InitialsStemmer`]).
    pub fn highlighting_analyzer(&self, words: Field, initials: Vec<char>) -> TextAnalyzer {
        let code = self.by_lang.iter().find(|fields| fields.words == words).map_or("other", |fields| fields.code);
        match STEMMED.iter().find(|(name, _)| *name == code) {
            Some((_, algorithm)) => base().filter(InitialsStemmer { algorithm: *algorithm, initials }).build(),
            None => base().build(),
        }
    }

    /// The field with the words of a document in `lang`, analysed as that language.
    pub fn words_field(&self, lang: &str) -> Field {
        self.of_lang(lang).words
    }

    /// The index's document for `article`, with `attached`, the text of its files.
    pub fn document(&self, article: &Article, attached: &str) -> TantivyDocument {
        let LangFields { words, pairs, .. } = *self.of_lang(article.lang.as_str());
        let mut text = normalise(&format!("{}\n\n{}", article.lead, article.body));
        if !attached.is_empty() {
            text.push_str("\n\n");
            text.push_str(&normalise(attached));
        }
        let mut doc = TantivyDocument::default();
        doc.add_u64(self.id, article.id.0 as u64);
        doc.add_text(self.lang, article.lang.as_str());
        doc.add_text(self.section, article.section.as_str());
        doc.add_text(self.slug, article.slug.as_str());
        doc.add_text(self.translation, &article.translation_key);
        doc.add_i64(self.published_at, article.published_at.unix_timestamp());
        doc.add_text(self.title_stored, &article.title);
        // The title goes in TITLE_WEIGHT times, so that relevance ranks a title match first. Each
        // copy is a value of its own: tantivy leaves a gap in the positions between values, so a
        // phrase never runs from the text into a title.
        doc.add_text(words, &text);
        doc.add_text(pairs, &text);
        let title = normalise(&article.title);
        for _ in 0..TITLE_WEIGHT {
            doc.add_text(words, &title);
            doc.add_text(pairs, &title);
        }
        doc.add_text(self.body, text);
        for number in article.document.iter().flat_map(|d| d.number_forms()) {
            doc.add_text(self.number, number);
        }
        doc
    }

    pub fn hit(&self, doc: &TantivyDocument, score: f32, snippet_html: Option<String>) -> SearchHit {
        let published = doc.get_first(self.published_at).and_then(|v| v.as_i64()).unwrap_or(0);
        let lang = stored_text(doc, self.lang).to_owned();
        let body = stored_text(doc, self.body);
        SearchHit {
            id: doc.get_first(self.id).and_then(|v| v.as_u64()).unwrap_or(0) as i64,
            lang,
            section: stored_text(doc, self.section).to_owned(),
            slug: stored_text(doc, self.slug).to_owned(),
            title: stored_text(doc, self.title_stored).to_owned(),
            snippet_html,
            excerpt: body.chars().take(200).collect(),
            published_at: OffsetDateTime::from_unix_timestamp(published).unwrap_or(OffsetDateTime::UNIX_EPOCH),
            score,
        }
    }
}
