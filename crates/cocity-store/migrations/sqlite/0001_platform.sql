-- The platform foundation: municipalities, accounts, roles, sessions, login throttling,
-- the audit log, and the actor registry. Instants are INTEGER unix microseconds.
-- Kept in lockstep with ../postgres/0001_platform.sql (the parity test checks it).

CREATE TABLE municipalities (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    -- lower-cased by the domain, so UNIQUE is case-insensitive
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    language TEXT NOT NULL,
    is_installation_admin BOOLEAN NOT NULL DEFAULT FALSE,
    created_at INTEGER NOT NULL
);

CREATE TABLE actors (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    name TEXT NOT NULL,
    -- lower-cased name (by the store, Unicode-aware), unique per municipality
    name_key TEXT NOT NULL,
    -- lower-cased name and description, for the portable free-text filter (LIKE)
    search_text TEXT NOT NULL,
    sector TEXT NOT NULL,
    level TEXT NOT NULL,
    kind TEXT NOT NULL,
    description TEXT NOT NULL,
    website TEXT,
    contact TEXT,
    -- JSON array of {"scheme", "value"}
    identifiers TEXT NOT NULL,
    lat REAL,
    lon REAL,
    archived_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (municipality_id, name_key)
);
CREATE INDEX actors_list ON actors (municipality_id, archived_at, name_key);

CREATE TABLE relations (
    -- AUTOINCREMENT: rows are deleted, and audit rows must never see an id reused
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    from_actor_id INTEGER NOT NULL REFERENCES actors (id),
    to_actor_id INTEGER NOT NULL REFERENCES actors (id),
    kind TEXT NOT NULL,
    -- YYYY-MM-DD
    start_date TEXT,
    end_date TEXT,
    created_at INTEGER NOT NULL,
    UNIQUE (from_actor_id, to_actor_id, kind)
);
CREATE INDEX relations_to ON relations (to_actor_id);
CREATE INDEX relations_municipality ON relations (municipality_id);

CREATE TABLE roles (
    -- AUTOINCREMENT: rows are deleted, and audit rows must never see an id reused
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id),
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    role TEXT NOT NULL,
    actor_id INTEGER REFERENCES actors (id),
    granted_at INTEGER NOT NULL,
    UNIQUE (user_id, municipality_id, role)
);
CREATE INDEX roles_municipality ON roles (municipality_id);

CREATE TABLE sessions (
    -- hex SHA-256 of the token; the token itself is only in the cookie
    token_hash TEXT NOT NULL PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    csrf_secret TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    ip TEXT,
    at INTEGER NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email, at);
CREATE INDEX login_failures_ip ON login_failures (ip, at);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    -- NULL: the system (CLI, demo loader)
    user_id INTEGER REFERENCES users (id),
    -- NULL: an installation-level change
    municipality_id INTEGER REFERENCES municipalities (id),
    action TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id INTEGER,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_log_municipality ON audit_log (municipality_id, at);
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id);
