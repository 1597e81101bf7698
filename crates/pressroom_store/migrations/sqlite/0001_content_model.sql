-- The whole content model of a Pressroom site. Times are UTC Unix seconds.

CREATE TABLE site_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE languages (
    code TEXT PRIMARY KEY,
    position BIGINT NOT NULL,
    native_name TEXT NOT NULL,
    site_name TEXT NOT NULL
);

CREATE TABLE sections (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    position BIGINT NOT NULL
);

CREATE TABLE section_names (
    section_id BIGINT NOT NULL REFERENCES sections (id) ON DELETE CASCADE,
    lang TEXT NOT NULL REFERENCES languages (code) ON DELETE CASCADE,
    name TEXT NOT NULL,
    PRIMARY KEY (section_id, lang)
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('author', 'editor', 'admin')),
    password_hash TEXT NOT NULL,
    totp_secret TEXT,
    created_at BIGINT NOT NULL,
    disabled_at BIGINT
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    ip TEXT
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
);

CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    translation_key TEXT NOT NULL,
    lang TEXT NOT NULL REFERENCES languages (code),
    section_id BIGINT NOT NULL REFERENCES sections (id),
    slug TEXT NOT NULL,
    title TEXT NOT NULL,
    lead TEXT NOT NULL,
    body TEXT NOT NULL,
    cover TEXT,
    featured BIGINT NOT NULL DEFAULT 0 CHECK (featured IN (0, 1)),
    status TEXT NOT NULL CHECK (status IN ('draft', 'review', 'scheduled', 'published', 'archived')),
    published_at BIGINT NOT NULL,
    author_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    revision BIGINT NOT NULL,
    UNIQUE (lang, section_id, slug),
    UNIQUE (translation_key, lang)
);
CREATE INDEX articles_by_date ON articles (lang, status, published_at DESC, id DESC);
CREATE INDEX articles_by_section ON articles (lang, section_id, status, published_at DESC, id DESC);

CREATE TABLE tags (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('person', 'country', 'body', 'topic'))
);

CREATE TABLE tag_names (
    tag_id BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    lang TEXT NOT NULL REFERENCES languages (code) ON DELETE CASCADE,
    name TEXT NOT NULL,
    PRIMARY KEY (tag_id, lang)
);
CREATE UNIQUE INDEX tag_names_by_name ON tag_names (lang, name);

CREATE TABLE article_tags (
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    tag_id BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    PRIMARY KEY (article_id, tag_id)
);
CREATE INDEX article_tags_by_tag ON article_tags (tag_id, article_id);

CREATE TABLE media (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('image', 'file')),
    storage_key TEXT NOT NULL UNIQUE,
    original_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    byte_size BIGINT NOT NULL,
    width BIGINT,
    height BIGINT,
    sha256 TEXT NOT NULL,
    uploaded_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE media_alt (
    media_id BIGINT NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    lang TEXT NOT NULL REFERENCES languages (code) ON DELETE CASCADE,
    alt TEXT NOT NULL,
    PRIMARY KEY (media_id, lang)
);

CREATE TABLE article_media (
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    media_id BIGINT NOT NULL REFERENCES media (id) ON DELETE RESTRICT,
    role TEXT NOT NULL CHECK (role IN ('gallery', 'attachment')),
    position BIGINT NOT NULL,
    PRIMARY KEY (article_id, media_id, role)
);

-- Every save of an article, as a JSON snapshot of its editable fields.
CREATE TABLE revisions (
    id INTEGER PRIMARY KEY,
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    number BIGINT NOT NULL,
    snapshot TEXT NOT NULL,
    author_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (article_id, number)
);

-- Who did what to which item; `actor` keeps the name even after the user is removed.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL,
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL,
    ip TEXT
);
CREATE INDEX audit_log_by_time ON audit_log (at DESC);

-- The change feed: one row per content change, written in the same transaction as the change.
-- Caches, the search index and other server processes follow it by id.
CREATE TABLE changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    article_id BIGINT
);
