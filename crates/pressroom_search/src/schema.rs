//! The index's fields and analyzers. Each language with a stemmer gets its own title and body
//! fields, analysed with that language's stemmer; other languages share plain, case-folded
//! fields.

use pressroom_domain::{Article, Lang};
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, FAST, INDEXED, STORED, STRING};
use tantivy::tokenizer::{Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer};
use tantivy::TantivyDocument;
use time::OffsetDateTime;

use crate::{normalise, stored_text, SearchHit};

/// Languages with a stemmer, and the analyzer name of each.
const STEMMED: &[(&str, Language)] = &[("ru", Language::Russian), ("en", Language::English)];

pub(crate) struct Fields {
    pub id: Field,
    pub lang: Field,
    pub section: Field,
    pub slug: Field,
    pub translation: Field,
    pub published_at: Field,
    pub title_stored: Field,
    /// A document's number as readers look it up (`12`, `12/2025`), lower-cased, whole.
    pub number: Field,
    /// (language code or "other", title field, body field)
    by_lang: Vec<(String, Field, Field)>,
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
    let mut by_lang = Vec::new();
    for name in STEMMED.iter().map(|(code, _)| *code).chain(["other"]) {
        let analyzer = if name == "other" { "plain" } else { name };
        let title = builder.add_text_field(&format!("title_{name}"), text(analyzer, false));
        // The body is stored in its language's field, so that snippets find the passage by the
        // same stemmed words the query matched.
        let body = builder.add_text_field(&format!("body_{name}"), text(analyzer, true));
        by_lang.push((name.to_owned(), title, body));
    }
    let fields = Fields { id, lang, section, slug, translation, published_at, title_stored, number, by_lang };
    (builder.build(), fields)
}

fn text(analyzer: &str, stored: bool) -> TextOptions {
    let options = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer(analyzer).set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    if stored {
        options.set_stored()
    } else {
        options
    }
}

pub(crate) fn register_analyzers(index: &tantivy::Index) {
    let base = || TextAnalyzer::builder(SimpleTokenizer::default()).filter(RemoveLongFilter::limit(40)).filter(LowerCaser);
    index.tokenizers().register("plain", base().build());
    for (name, language) in STEMMED {
        index.tokenizers().register(name, base().filter(Stemmer::new(*language)).build());
    }
}

impl Fields {
    fn of_lang(&self, lang: &str) -> &(String, Field, Field) {
        self.by_lang
            .iter()
            .find(|(name, _, _)| name == lang)
            .unwrap_or_else(|| self.by_lang.last().expect("the schema has an `other` language"))
    }

    /// The fields a query searches: the language's own, or every language's.
    pub fn text_fields(&self, lang: Option<&Lang>) -> Vec<Field> {
        match lang {
            Some(lang) => {
                let (_, title, body) = self.of_lang(lang.as_str());
                vec![*title, *body]
            }
            None => self.by_lang.iter().flat_map(|(_, title, body)| [*title, *body]).collect(),
        }
    }

    /// The field holding the body of a document in `lang`.
    pub fn body_field(&self, lang: &str) -> Field {
        self.of_lang(lang).2
    }

    pub fn title_fields(&self) -> Vec<Field> {
        self.by_lang.iter().map(|(_, title, _)| *title).collect()
    }

    /// The index's document for `article`, with `attached`, the text of its files.
    pub fn document(&self, article: &Article, attached: &str) -> TantivyDocument {
        let (_, title, body) = self.of_lang(article.lang.as_str());
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
        doc.add_text(*title, normalise(&article.title));
        doc.add_text(*body, &text);
        for number in article.document.iter().flat_map(|d| d.number_forms()) {
            doc.add_text(self.number, number);
        }
        doc
    }

    pub fn text_of(&self, doc: &TantivyDocument, field: Field) -> String {
        stored_text(doc, field)
    }

    pub fn hit(&self, doc: &TantivyDocument, score: f32, snippet_html: Option<String>) -> SearchHit {
        let published = doc.get_first(self.published_at).and_then(|v| v.as_i64()).unwrap_or(0);
        let lang = stored_text(doc, self.lang);
        let body = stored_text(doc, self.body_field(&lang));
        SearchHit {
            id: doc.get_first(self.id).and_then(|v| v.as_u64()).unwrap_or(0) as i64,
            lang,
            section: stored_text(doc, self.section),
            slug: stored_text(doc, self.slug),
            title: stored_text(doc, self.title_stored),
            snippet_html,
            excerpt: body.chars().take(200).collect(),
            published_at: OffsetDateTime::from_unix_timestamp(published).unwrap_or(OffsetDateTime::UNIX_EPOCH),
            score,
        }
    }
}
