-- Former addresses of published articles. When an editor changes the slug or the section of a
-- published article, its old address is kept here and answers 301 to the current one, so that
-- links from other sites, search engines and citations keep working.
CREATE TABLE former_addresses (
    lang TEXT NOT NULL,
    section_id BIGINT NOT NULL REFERENCES sections (id),
    slug TEXT NOT NULL,
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    retired_at BIGINT NOT NULL,
    PRIMARY KEY (lang, section_id, slug)
);
CREATE INDEX former_addresses_article ON former_addresses (article_id);
