-- Shoptalk schema, SQLite backend.
--
-- Conventions: ids are UUID strings (TEXT), times are INTEGER milliseconds since the Unix
-- epoch, JSON documents (content, attributes, tags, labels, origins, events, payloads) are TEXT.
-- Tables are STRICT so a wrongly typed write fails loudly instead of being coerced.
--
-- Tenant isolation is also enforced by the schema where rows point at tenant-owned rows:
-- composite foreign keys (workspace_id, x_id) make it impossible to attach, say, a
-- conversation to another workspace's contact or agent.

CREATE TABLE workspaces (
    id                TEXT PRIMARY KEY NOT NULL,
    name              TEXT NOT NULL,
    widget_key        TEXT NOT NULL UNIQUE,
    identity_required INTEGER NOT NULL DEFAULT 0,
    allowed_origins   TEXT NOT NULL DEFAULT '[]',
    identity_secret   TEXT NOT NULL,
    created_at        INTEGER NOT NULL
) STRICT;

CREATE TABLE agents (
    id            TEXT PRIMARY KEY NOT NULL,
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    email         TEXT NOT NULL,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('agent', 'admin', 'owner')),
    active        INTEGER NOT NULL DEFAULT 1,
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    UNIQUE (workspace_id, id)
) STRICT;
-- One account per email and workspace; login looks an email up across workspaces.
CREATE UNIQUE INDEX agents_workspace_email ON agents (workspace_id, email COLLATE NOCASE);
CREATE INDEX agents_email ON agents (email COLLATE NOCASE);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL,
    agent_id     TEXT NOT NULL,
    expires_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    created_at   INTEGER NOT NULL,
    FOREIGN KEY (workspace_id, agent_id) REFERENCES agents (workspace_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX sessions_agent ON sessions (workspace_id, agent_id);

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    scope        TEXT NOT NULL CHECK (scope IN ('read', 'write', 'admin')),
    key_hash     TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER
) STRICT;
CREATE INDEX api_keys_workspace ON api_keys (workspace_id, created_at);

CREATE TABLE contacts (
    id           TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    external_id  TEXT,
    name         TEXT,
    email        TEXT,
    phone        TEXT,
    locale       TEXT,
    timezone     TEXT,
    attributes   TEXT NOT NULL DEFAULT '{}',
    tags         TEXT NOT NULL DEFAULT '[]',
    anonymous    INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (workspace_id, id)
) STRICT;
-- NULL external ids (anonymous visitors) may repeat: SQLite treats NULLs as distinct.
CREATE UNIQUE INDEX contacts_external_id ON contacts (workspace_id, external_id);
CREATE INDEX contacts_email ON contacts (workspace_id, email COLLATE NOCASE);
CREATE INDEX contacts_created ON contacts (workspace_id, created_at DESC, id DESC);

CREATE TABLE visitor_sessions (
    token_hash   TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL,
    contact_id   TEXT NOT NULL,
    expires_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    created_at   INTEGER NOT NULL,
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX visitor_sessions_contact ON visitor_sessions (workspace_id, contact_id);

CREATE TABLE conversations (
    id                    TEXT PRIMARY KEY NOT NULL,
    workspace_id          TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    contact_id            TEXT NOT NULL,
    channel               TEXT NOT NULL,
    status                TEXT NOT NULL CHECK (status IN ('open', 'pending', 'snoozed', 'resolved')),
    snoozed_until         INTEGER,
    assignee_id           TEXT,
    labels                TEXT NOT NULL DEFAULT '[]',
    last_seq              INTEGER NOT NULL DEFAULT 0,
    last_message_preview  TEXT,
    last_message_at       INTEGER,
    unread_by_agent       INTEGER NOT NULL DEFAULT 0,
    unread_by_contact     INTEGER NOT NULL DEFAULT 0,
    contact_delivered_seq INTEGER NOT NULL DEFAULT 0,
    contact_read_seq      INTEGER NOT NULL DEFAULT 0,
    agent_read_seq        INTEGER NOT NULL DEFAULT 0,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL,
    -- The inbox sort key: newest message, else creation.
    last_activity_at      INTEGER GENERATED ALWAYS AS (coalesce(last_message_at, created_at)) VIRTUAL,
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id),
    FOREIGN KEY (workspace_id, assignee_id) REFERENCES agents (workspace_id, id)
) STRICT;
CREATE INDEX conversations_activity
    ON conversations (workspace_id, last_activity_at DESC, id DESC);
CREATE INDEX conversations_status
    ON conversations (workspace_id, status, last_activity_at DESC, id DESC);
CREATE INDEX conversations_assignee
    ON conversations (workspace_id, assignee_id, last_activity_at DESC, id DESC);
-- A contact has few conversations: no sort key here, so that a new message (which moves the
-- conversation in every index holding last_activity_at) has one index fewer to update.
CREATE INDEX conversations_contact ON conversations (workspace_id, contact_id);
CREATE INDEX conversations_snoozed ON conversations (snoozed_until) WHERE status = 'snoozed';

-- The message log. `pk` aliases the rowid so VACUUM cannot renumber it: the full-text index
-- below refers to messages by that number.
CREATE TABLE messages (
    pk              INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    seq             INTEGER NOT NULL,
    sender_type     TEXT NOT NULL CHECK (sender_type IN ('contact', 'agent', 'bot', 'system')),
    sender_id       TEXT,
    content         TEXT NOT NULL,
    private         INTEGER NOT NULL DEFAULT 0,
    client_msg_id   TEXT,
    created_at      INTEGER NOT NULL,
    UNIQUE (conversation_id, seq),
    -- Idempotent sends; NULL client_msg_id may repeat.
    UNIQUE (conversation_id, client_msg_id)
) STRICT;

-- Plain text of non-private messages, for conversation search. Contentless: the text is not
-- stored twice; rowid = messages.pk.
CREATE VIRTUAL TABLE messages_fts USING fts5 (
    body,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE media (
    id           TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL,
    url          TEXT NOT NULL,
    storage_name TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL
) STRICT;

CREATE TABLE webhooks (
    id           TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    url          TEXT NOT NULL,
    events       TEXT NOT NULL,
    active       INTEGER NOT NULL DEFAULT 1,
    secret       TEXT NOT NULL,
    created_at   INTEGER NOT NULL
) STRICT;
-- Every write that emits events probes this index once.
CREATE INDEX webhooks_active ON webhooks (workspace_id) WHERE active = 1;

CREATE TABLE webhook_deliveries (
    id              TEXT PRIMARY KEY NOT NULL,
    workspace_id    TEXT NOT NULL,
    webhook_id      TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id        TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    -- The event JSON exactly as it will be sent (and signed).
    payload         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    response_status INTEGER,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX webhook_deliveries_list ON webhook_deliveries (webhook_id, created_at DESC, id DESC);

-- The durable job queue. Completed and cancelled jobs are deleted; dead ones stay for
-- inspection.
CREATE TABLE jobs (
    id           TEXT PRIMARY KEY NOT NULL,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('queued', 'running', 'dead')),
    run_at       INTEGER NOT NULL,
    lease_until  INTEGER,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    unique_key   TEXT,
    last_error   TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX jobs_due ON jobs (status, run_at);
CREATE INDEX jobs_lease ON jobs (status, lease_until);
-- At most one live job per key; finished, dead or cancelled jobs free the key.
CREATE UNIQUE INDEX jobs_unique_key ON jobs (unique_key) WHERE status IN ('queued', 'running');
