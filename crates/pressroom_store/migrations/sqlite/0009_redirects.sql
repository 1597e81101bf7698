-- Old addresses that answer 301: an imported site's links (WordPress permalinks, ?p=ID, a
-- Bitrix /news/detail.php?ELEMENT_ID=123) and any an administrator adds. `old_path` is a path
-- with its query, if any, in the normal form the server compares requests in (percent-decoded,
-- no trailing slash but for "/"). A row points either at an article, and follows it wherever it
-- moves, or at a fixed target: a path on this site or an absolute address.
CREATE TABLE redirects (
    id INTEGER PRIMARY KEY,
    old_path TEXT NOT NULL UNIQUE,
    article_id BIGINT REFERENCES articles (id) ON DELETE CASCADE,
    target TEXT,
    origin TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CHECK ((article_id IS NULL) <> (target IS NULL))
);
CREATE INDEX redirects_article ON redirects (article_id);
CREATE INDEX redirects_target ON redirects (target);

-- An import brings each file into the media library once, finding it again by its digest.
CREATE INDEX media_sha256 ON media (sha256);
