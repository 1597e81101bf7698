-- A sitemap part lists the articles of one id range with every version of each. Both steps are
-- answered from an index alone: the table's rows carry the body and are read a page each.
CREATE INDEX articles_keys_by_id ON articles (id, status, translation_key);
CREATE INDEX articles_sitemap ON articles (translation_key, lang, status, section_id, slug, published_at, updated_at);
