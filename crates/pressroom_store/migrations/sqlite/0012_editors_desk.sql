-- The editors' desk: preview links for fact-checkers, the editor's draft copy saved as one
-- types, who has an item open, each user's back-office language, and where a translation
-- came from (so that a change to its source marks it outdated).
CREATE TABLE preview_links (
    id INTEGER PRIMARY KEY,
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    -- The link's secret is in the address only; the database keeps its hash.
    token_hash TEXT NOT NULL UNIQUE,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX preview_links_by_article ON preview_links (article_id, created_at);

-- One copy per user and item (article_id 0: a new item not yet saved), overwritten as they type.
CREATE TABLE draft_copies (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    article_id BIGINT NOT NULL,
    -- The article's revision the copy was typed over.
    revision BIGINT NOT NULL,
    fields TEXT NOT NULL,
    saved_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, article_id)
);

CREATE TABLE editing_presence (
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    seen_at BIGINT NOT NULL,
    PRIMARY KEY (article_id, user_id)
);

ALTER TABLE users ADD COLUMN lang TEXT;

ALTER TABLE articles ADD COLUMN source_id BIGINT REFERENCES articles (id) ON DELETE SET NULL;
ALTER TABLE articles ADD COLUMN source_revision BIGINT;
