-- Every list a reader or a crawler can reach reads a short range of one index, whatever the
-- size of the archive. A tag's articles are listed from article_tags itself, which therefore
-- carries what such a list filters and sorts by: the article's language, status and date
-- (kept equal to the article's by every write that changes them).
ALTER TABLE article_tags ADD COLUMN lang TEXT NOT NULL DEFAULT '';
ALTER TABLE article_tags ADD COLUMN status TEXT NOT NULL DEFAULT '';
ALTER TABLE article_tags ADD COLUMN published_at BIGINT NOT NULL DEFAULT 0;
UPDATE article_tags SET
    lang = (SELECT a.lang FROM articles a WHERE a.id = article_tags.article_id),
    status = (SELECT a.status FROM articles a WHERE a.id = article_tags.article_id),
    published_at = (SELECT a.published_at FROM articles a WHERE a.id = article_tags.article_id);
CREATE INDEX article_tags_by_language ON article_tags (tag_id, lang, status, published_at DESC, article_id DESC);
CREATE INDEX article_tags_by_status ON article_tags (tag_id, status, published_at DESC, article_id DESC);
-- Featured items on the home page, however few among however many.
CREATE INDEX articles_featured ON articles (lang, status, featured, published_at DESC, id DESC);
-- Lists in every language (the API without `lang`), and the scheduler's due items.
CREATE INDEX articles_by_status ON articles (status, published_at DESC, id DESC);
CREATE INDEX articles_by_status_and_section ON articles (status, section_id, published_at DESC, id DESC);
