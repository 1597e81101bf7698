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
        let remembering = *self.stemmed > UNREMEMBERED;
        if let Some(stem) = remembering.then(|| self.stems.get(token.text.as_str())).flatten() {
            token.text.clear();
            token.text.push_str(stem);
            return true;
        }
        let stem = self.stemmer.stem(&token.text).into_owned();
        if remembering && self.stems.len() < REMEMBERED {
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

/// Stems only the words that begin with one of `initials` and gives the others as they are, for
/// finding a query's stems in a passage. Snowball changes only a word's ending, so a word stems
/// to a query's stem only if it begins with the same letter; stemming every word of every
/// result's passage was a fifth of the time of a search.
#[derive(Clone)]
pub(crate) struct InitialsStemmer {
    pub algorithm: Algorithm,
    pub initials: Vec<char>,
}

impl TokenFilter for InitialsStemmer {
    type Tokenizer<T: Tokenizer> = InitialsStemmerTokenizer<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> InitialsStemmerTokenizer<T> {
        InitialsStemmerTokenizer { inner, filter: self }
    }
}

#[derive(Clone)]
pub(crate) struct InitialsStemmerTokenizer<T> {
    inner: T,
    filter: InitialsStemmer,
}

impl<T: Tokenizer> Tokenizer for InitialsStemmerTokenizer<T> {
    type TokenStream<'a> = InitialsStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        InitialsStemmerStream {
            words: self.inner.token_stream(text),
            stemmer: Stemmer::create(self.filter.algorithm),
            initials: &self.filter.initials,
        }
    }
}

pub(crate) struct InitialsStemmerStream<'a, S> {
    words: S,
    stemmer: Stemmer,
    initials: &'a [char],
}

impl<S: TokenStream> TokenStream for InitialsStemmerStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.words.advance() {
            return false;
        }
        let token = self.words.token_mut();
        if token.text.chars().next().is_some_and(|initial| self.initials.contains(&initial)) {
            token.text = self.stemmer.stem(&token.text).into_owned();
        }
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

    /// What [`InitialsStemmer`] relies on: every word of up to four Latin letters or three
    /// Russian ones, and the words Snowball's English treats as exceptions, keep their first letter.
    #[test]
    fn snowball_keeps_a_words_first_letter() {
        fn words(alphabet: &[char], longest: usize) -> Vec<String> {
            let mut all = vec![String::new()];
            let mut last = vec![String::new()];
            for _ in 0..longest {
                last = last.iter().flat_map(|word| alphabet.iter().map(move |c| format!("{word}{c}"))).collect();
                all.extend(last.iter().cloned());
            }
            all
        }
        let latin: Vec<char> = ('a'..='z').collect();
        let russian: Vec<char> = ('а'..='я').chain(['ё']).collect();
        let exceptions = [
            "skis", "skies", "dying", "lying", "tying", "idly", "gently", "ugly", "early", "only", "singly", "sky", "news", "yes", "youth",
            "yearly",
        ];
        for (algorithm, words) in [
            (Algorithm::English, words(&latin, 4).into_iter().chain(exceptions.map(String::from)).collect::<Vec<_>>()),
            (Algorithm::Russian, words(&russian, 3)),
        ] {
            let stemmer = Stemmer::create(algorithm);
            for word in words.iter().filter(|w| !w.is_empty()) {
                let stem = stemmer.stem(word);
                assert_eq!(stem.chars().next(), word.chars().next(), "{word} stems to {stem}");
            }
        }
    }
}
