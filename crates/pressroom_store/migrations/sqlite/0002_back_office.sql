-- Failed sign-ins, counted per account and per address to slow down guessing.
CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL,
    email TEXT NOT NULL,
    ip TEXT NOT NULL
);
CREATE INDEX login_failures_by_email ON login_failures (email, at);
CREATE INDEX login_failures_by_ip ON login_failures (ip, at);

-- A save that arrived after its session expired, kept until its author signs in again.
CREATE TABLE pending_saves (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    form TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
