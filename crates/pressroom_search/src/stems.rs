//! Snowball stemming that remembers the words it has stemmed. Texts repeat their words, and an
//! institution's news repeat theirs (`коллективной`, `безопасности`): Snowball's suffix tables
//! took a third of the time of indexing, and finding a word among those already seen is a small
//! part of that.

use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// How many words one analyzer remembers. An indexing thread's analyzer lives as long as a
/// segment (tens of thousands of documents); this many words and their stems are a few MB.
const REMEMBERED: usize = 50_000;
/// How many words an analyzer stems before it starts to remember them. One that indexes stems
/// millions; one that reads a search or its snippets stems hundreds, and remembering them would
/// only add to its time.
const UNREMEMBERED: usize = 4_096;

#[derive(Clone, Copy)]
pub(crate) struct RememberingStemmer(pub Algorithm);

impl TokenFilter for RememberingStemmer {
    type Tokenizer<T: Tokenizer> = RememberingStemmerTokenizer<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> RememberingStemmerTokenizer<T> {
        RememberingStemmerTokenizer { inner, algorithm: self.0, stems: FxHashMap::default(), stemmed: 0 }
    }
}

pub(crate) struct RememberingStemmerTokenizer<T> {
    inner: T,
    algorithm: Algorithm,
    stems: FxHashMap<String, String>,
    /// Words stemmed so far.
    stemmed: usize,
}

/// A copy starts with nothing remembered: each indexing thread and each search takes its own
/// copy of an analyzer, and copying what one has seen would cost more than it saves.
impl<T: Clone> Clone for RememberingStemmerTokenizer<T> {
    fn clone(&self) -> Self {
        RememberingStemmerTokenizer { inner: self.inner.clone(), algorithm: self.algorithm, stems: FxHashMap::default(), stemmed: 0 }
    }
}

impl<T: Tokenizer> Tokenizer for RememberingStemmerTokenizer<T> {
    type TokenStream<'a> = RememberingStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        RememberingStemmerStream {
            words: self.inner.token_stream(text),
            stemmer: Stemmer::create(self.algorithm),
            stems: &mut self.stems,
            stemmed: &mut self.stemmed,
        }
    }
}

pub(crate) struct RememberingStemmerStream<'a, S> {
    words: S,
    stemmer: Stemmer,
    stems: &'a mut FxHashMap<String, String>,
    stemmed: &'a mut usize,
}

impl<S: TokenStream> TokenStream for RememberingStemmerStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.words.advance() {
            return false;
        }
        let token = self.words.token_mut();
        *self.stemmed += 1;
        if *self.stemmed <= UNREMEMBERED {
            token.text = self.stemmer.stem(&token.text).into_owned();
            return true;
        }
        if let Some(stem) = self.stems.get(token.text.as_str()) {
            token.text.clear();
            token.text.push_str(stem);
            return true;
        }
        let stem = self.stemmer.stem(&token.text).into_owned();
        if self.stems.len() < REMEMBERED {
            self.stems.insert(std::mem::take(&mut token.text), stem.clone());
        }
        token.text = stem;
        true
    }

    fn token(&self) -> &Token {
        self.words.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.words.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{Language, Stemmer as TantivyStemmer, TextAnalyzer};

    use super::*;
    use crate::words::WordTokenizer;

    fn tokens(mut analyzer: TextAnalyzer, text: &str) -> Vec<Token> {
        let mut stream = analyzer.token_stream(text);
        let mut found = Vec::new();
        while let Some(token) = stream.next() {
            found.push(token.clone());
        }
        found
    }

    #[test]
    fn stems_are_tantivys_whether_a_word_is_new_or_seen_again() {
        let text = "Совет коллективной безопасности провёл заседание. Коллективной безопасности посвящены встречи, \
                    встреча и встречей. The ministers met; a minister meets ministers at meetings, meeting again.";
        for (algorithm, language) in [(Algorithm::Russian, Language::Russian), (Algorithm::English, Language::English)] {
            let remembering = TextAnalyzer::builder(WordTokenizer::default()).filter(RememberingStemmer(algorithm)).build();
            let snowball = TextAnalyzer::builder(WordTokenizer::default()).filter(TantivyStemmer::new(language)).build();
            // Over and over, so that words are stemmed before remembering starts, then remembered,
            // then found among those remembered.
            let again = format!("{text} ").repeat(UNREMEMBERED / 20);
            assert_eq!(tokens(remembering, &again), tokens(snowball, &again));
        }
    }
}
