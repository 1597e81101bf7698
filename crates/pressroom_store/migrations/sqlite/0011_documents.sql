-- Documents: an item of the documents section keeps its facts (type, number, adoption, status,
-- relations) as JSON in its row; `document_register` indexes them for the register's filters
-- and sorting, and `document_links` keeps each version's relations by the other document's
-- translation key, so that a document finds what amends or supersedes it.
ALTER TABLE articles ADD COLUMN document TEXT;

CREATE TABLE document_register (
    article_id BIGINT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    kind TEXT NOT NULL,
    -- The adopting body's name in the version's language; '' when none was given.
    body TEXT NOT NULL,
    -- YYYY-MM-DD, which sorts as the day does.
    adopted_on TEXT NOT NULL,
    doc_status TEXT NOT NULL,
    -- The number with its leading digits padded, so that 9 sorts before 10.
    number_key TEXT NOT NULL
);
CREATE INDEX document_register_by_date ON document_register (lang, adopted_on, article_id);
CREATE INDEX document_register_by_kind ON document_register (lang, kind, adopted_on, article_id);
CREATE INDEX document_register_by_body ON document_register (lang, body, adopted_on, article_id);
CREATE INDEX document_register_by_status ON document_register (lang, doc_status, adopted_on, article_id);
CREATE INDEX document_register_by_number ON document_register (lang, number_key, adopted_on, article_id);

CREATE TABLE document_links (
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    relation TEXT NOT NULL,
    target_key TEXT NOT NULL,
    PRIMARY KEY (article_id, relation, target_key)
);
CREATE INDEX document_links_by_target ON document_links (target_key);

-- The text of an uploaded PDF, for the search index.
ALTER TABLE media ADD COLUMN text TEXT;
