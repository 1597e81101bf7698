//! Word pairs: each two neighbouring words of a text as one term (`коллективн безопасн`), so that
//! a quoted phrase of two words is one list of documents to read, as Elasticsearch's
//! `index_phrases` does. Matched as a phrase, its words' positions were compared in every
//! document holding both, and in news of one institution that is nearly every document: a tenth
//! of the searches took over a quarter of the time.

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Turns a stream of words into the stream of its neighbouring pairs, joined by a space (which no
/// word holds). Words with a gap between them (a word too long to index) make no pair.
#[derive(Clone)]
pub(crate) struct PairFilter;

impl TokenFilter for PairFilter {
    type Tokenizer<T: Tokenizer> = PairTokenizer<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> PairTokenizer<T> {
        PairTokenizer { inner, previous: Token::default(), pair: Token::default() }
    }
}

#[derive(Clone)]
pub(crate) struct PairTokenizer<T> {
    inner: T,
    previous: Token,
    pair: Token,
}

impl<T: Tokenizer> Tokenizer for PairTokenizer<T> {
    type TokenStream<'a> = PairStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        self.previous.reset();
        self.pair.reset();
        PairStream { words: self.inner.token_stream(text), has_previous: false, previous: &mut self.previous, pair: &mut self.pair }
    }
}

pub(crate) struct PairStream<'a, S> {
    words: S,
    has_previous: bool,
    previous: &'a mut Token,
    pair: &'a mut Token,
}

impl<S: TokenStream> TokenStream for PairStream<'_, S> {
    fn advance(&mut self) -> bool {
        while self.words.advance() {
            let word = self.words.token();
            let follows = self.has_previous && word.position == self.previous.position + 1;
            if follows {
                self.pair.text.clear();
                self.pair.text.push_str(&self.previous.text);
                self.pair.text.push(' ');
                self.pair.text.push_str(&word.text);
                self.pair.offset_from = self.previous.offset_from;
                self.pair.offset_to = word.offset_to;
                self.pair.position = self.previous.position;
            }
            self.previous.text.clear();
            self.previous.text.push_str(&word.text);
            self.previous.offset_from = word.offset_from;
            self.previous.offset_to = word.offset_to;
            self.previous.position = word.position;
            self.has_previous = true;
            if follows {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.pair
    }

    fn token_mut(&mut self) -> &mut Token {
        self.pair
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{RemoveLongFilter, TextAnalyzer};

    use super::*;
    use crate::words::WordTokenizer;

    fn pairs(text: &str) -> Vec<(String, usize)> {
        let mut analyzer = TextAnalyzer::builder(WordTokenizer::default()).filter(RemoveLongFilter::limit(25)).filter(PairFilter).build();
        let mut stream = analyzer.token_stream(text);
        let mut found = Vec::new();
        while let Some(token) = stream.next() {
            found.push((token.text.clone(), token.position));
        }
        found
    }

    #[test]
    fn neighbouring_words_make_pairs_and_a_gap_breaks_them() {
        assert_eq!(
            pairs("Совет министров, иностранных дел"),
            [("совет министров".to_owned(), 0), ("министров иностранных".to_owned(), 1), ("иностранных дел".to_owned(), 2)]
        );
        // The long word is dropped, leaving a gap no pair crosses.
        assert_eq!(pairs("a averyveryverylongwordindeed b c"), [("b c".to_owned(), 2)]);
        assert!(pairs("one").is_empty());
        assert!(pairs("").is_empty());
    }

    #[test]
    fn a_second_text_starts_without_the_first_ones_last_word() {
        let mut analyzer = TextAnalyzer::builder(WordTokenizer::default()).filter(PairFilter).build();
        let mut first = analyzer.token_stream("alpha beta");
        while first.advance() {}
        drop(first);
        let mut second = analyzer.token_stream("gamma");
        assert!(second.next().is_none());
    }
}
