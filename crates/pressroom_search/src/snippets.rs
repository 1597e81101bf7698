//! Highlighted passages of a result's text: where in the text to look, and which of its words
//! to stem to find the query's.

use std::collections::{BTreeMap, BTreeSet};

use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Score, Searcher, Term};

use crate::words;

/// Finds and highlights the words of one query in texts of one `words` field.
pub(crate) struct Highlighter {
    generator: SnippetGenerator,
    /// The query's stems, to find where a passage is.
    stems: Vec<String>,
}

impl Highlighter {
    /// For the words `query` asks of `field`, read by the analyzer `analyzer` gives for their
    /// initial letters; `None` when the query asks none.
    pub fn new(
        searcher: &Searcher,
        query: &dyn Query,
        field: Field,
        analyzer: impl FnOnce(Vec<char>) -> TextAnalyzer,
    ) -> Option<Highlighter> {
        let mut terms: BTreeSet<Term> = BTreeSet::new();
        query.query_terms(&mut |term, _| {
            if term.field() == field {
                terms.insert(term.clone());
            }
        });
        // Weighted as tantivy's own `SnippetGenerator::create` does: a rarer word counts more.
        let mut weighted: BTreeMap<String, Score> = BTreeMap::new();
        for term in &terms {
            let value = term.value();
            let (Some(text), Ok(found)) = (value.as_str(), searcher.doc_freq(term)) else { continue };
            if found > 0 {
                weighted.insert(text.to_owned(), 1.0 / (1.0 + found as Score));
            }
        }
        if weighted.is_empty() {
            return None;
        }
        let initials: Vec<char> = weighted.keys().filter_map(|stem| stem.chars().next()).collect();
        let stems = weighted.keys().filter(|stem| stem.chars().count() >= 2).cloned().collect();
        let generator = SnippetGenerator::new(weighted, analyzer(initials), field, PASSAGE_BYTES);
        Some(Highlighter { generator, stems })
    }

    /// A passage of `body` with the query's words in `<b>`, escaped for HTML.
    pub fn snippet_html(&self, body: &str) -> Option<String> {
        Some(self.generator.snippet(snippet_window(body, &self.stems)).to_html()).filter(|html| !html.is_empty())
    }
}

/// How long a passage may be, in bytes (tantivy counts bytes, whatever its documentation says).
const PASSAGE_BYTES: usize = 150;

/// The stretch of a body a highlighted passage is looked for in: around the first place where a
/// query word's stem occurs, or the opening when none does. The snippet generator reads every
/// word it is given, so reading a window instead of a whole long body keeps searches fast.
fn snippet_window<'a>(body: &'a str, stems: &[String]) -> &'a str {
    // passages are at most PASSAGE_BYTES long: the window
    // holds one from a little before the first match, and a choice among matches close after.
    const BEFORE: usize = 40;
    const AFTER: usize = 160;
    // Stems are lower case; a word in a text is too, or starts a sentence or a name.
    let found = stems
        .iter()
        .flat_map(|stem| {
            let capitalised: String = stem.chars().take(1).flat_map(char::to_uppercase).chain(stem.chars().skip(1)).collect();
            [body.find(stem.as_str()), body.find(capitalised.as_str())]
        })
        .flatten()
        .min();
    let start = found.map_or(0, |at| at.saturating_sub(BEFORE));
    let end = found.map_or(BEFORE + AFTER, |at| at + AFTER).min(body.len());
    let start = (0..=start).rev().find(|i| body.is_char_boundary(*i)).unwrap_or(0);
    let end = (end..=body.len()).find(|i| body.is_char_boundary(*i)).unwrap_or(body.len());
    // Whole words, as the tokenizer reads them: a window cut inside a word would show a piece of
    // it as a word.
    let start = match body[..start].chars().next_back() {
        Some(before) if words::is_word_char(before) => body[start..end].find(|c| !words::is_word_char(c)).map_or(end, |at| start + at),
        _ => start,
    };
    let end = match body[end..].chars().next() {
        Some(after) if words::is_word_char(after) => body[start..end].rfind(|c| !words::is_word_char(c)).map_or(start, |at| start + at),
        _ => end,
    };
    &body[start..end]
}

#[cfg(test)]
mod tests {
    use tantivy::query::QueryParser;
    use tantivy::{Index, IndexWriter, TantivyDocument};

    use super::*;
    use crate::schema;

    #[test]
    fn passages_are_those_tantivy_finds_stemming_every_word() {
        let texts = [
            ("ru", "Совет коллективной безопасности провёл заседание. Коллективные силы и безопасность границ обсуждались, как и встречи министров, встреча экспертов и встречей завершившийся день."),
            ("en", "The ministers met. A minister meets ministers at meetings, and the meeting of the Council on collective security ended; dying traditions, lying low and early skies."),
            ("fr", "La réunion des ministres de la sécurité collective, réunions et Réunion."),
        ];
        let queries = [
            "коллективной безопасности",
            "\"совет коллективной\"",
            "встреча министр",
            "безопасность -граница",
            "ministers meeting",
            "\"collective security\"",
            "die lie early sky",
            "réunion sécurité",
        ];
        let (schema, fields) = schema::build();
        let index = Index::create_in_ram(schema);
        schema::register_analyzers(&index);
        let mut writer: IndexWriter = index.writer(15_000_000).unwrap();
        for (lang, text) in texts {
            let mut doc = TantivyDocument::default();
            doc.add_text(fields.words_field(lang), text);
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let mut highlighted = 0;
        for (lang, text) in texts {
            let field = fields.words_field(lang);
            for asked in queries {
                let (query, _) = QueryParser::for_index(&index, vec![field]).parse_query_lenient(asked);
                let ours = Highlighter::new(&searcher, &query, field, |initials| fields.highlighting_analyzer(field, initials));
                let tantivys = SnippetGenerator::create(&searcher, &query, field).unwrap();
                let stems = ours.as_ref().map(|h| h.stems.clone()).unwrap_or_default();
                let expected = Some(tantivys.snippet(snippet_window(text, &stems)).to_html()).filter(|html| !html.is_empty());
                highlighted += usize::from(expected.is_some());
                assert_eq!(ours.and_then(|h| h.snippet_html(text)), expected, "{lang}: {asked}");
            }
        }
        assert!(highlighted >= 8, "the queries find words in the texts: {highlighted}");
    }
}
