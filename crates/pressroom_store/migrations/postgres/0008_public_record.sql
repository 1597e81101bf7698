-- The public record. Change notes of published items' updates, oldest first (JSON: at, note).
ALTER TABLE articles ADD COLUMN change_notes TEXT NOT NULL DEFAULT '[]';

-- The transparency log: one row per entry, in order. The entry's canonical text is what the
-- tree hashes; the other columns repeat its fields for the pages that list an item's history.
-- article_id is not a foreign key: entries outlive their articles.
CREATE TABLE log_entries (
    seq BIGINT PRIMARY KEY,
    article_id BIGINT,
    event TEXT NOT NULL,
    address TEXT NOT NULL,
    revision BIGINT NOT NULL,
    logged_at BIGINT NOT NULL,
    content_hash TEXT NOT NULL,
    note TEXT NOT NULL,
    entry TEXT NOT NULL
);
CREATE INDEX log_entries_by_article ON log_entries (article_id, seq);

-- Every complete subtree's hash, by level and index at that level (as Go's sumdb/tlog stores
-- them), in hex: tiles are ranges of one level, appends read the right edge.
CREATE TABLE log_hashes (
    level BIGINT NOT NULL,
    n BIGINT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (level, n)
);

-- The log's size, and the size of its latest signed checkpoint. Appending takes this row's
-- lock, so that writers on several servers number their entries one after another.
CREATE TABLE log_state (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    size BIGINT NOT NULL,
    signed_size BIGINT NOT NULL
);
INSERT INTO log_state (id, size, signed_size) VALUES (1, 0, 0);

CREATE TABLE log_checkpoints (
    size BIGINT PRIMARY KEY,
    note TEXT NOT NULL,
    signed_at BIGINT NOT NULL
);

-- Entries and hashes are never changed or removed, whatever happens to the article.
CREATE FUNCTION public_record_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the public record is append-only';
END;
$$;
CREATE TRIGGER log_entries_append_only BEFORE UPDATE OR DELETE ON log_entries FOR EACH ROW EXECUTE FUNCTION public_record_append_only();
CREATE TRIGGER log_hashes_append_only BEFORE UPDATE OR DELETE ON log_hashes FOR EACH ROW EXECUTE FUNCTION public_record_append_only();
