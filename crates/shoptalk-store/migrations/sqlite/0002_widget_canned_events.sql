-- Widget settings, canned responses and behaviour events.

-- The widget's settings as one JSON document (WidgetSettings): read and written whole. The
-- default is WidgetSettings::default().
ALTER TABLE workspaces ADD COLUMN widget TEXT NOT NULL
    DEFAULT '{"color":"#4f46e5","position":"right","sound":true}';

CREATE TABLE canned_responses (
    id           TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    shortcut     TEXT NOT NULL,
    title        TEXT NOT NULL,
    text         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    -- Also the list's order.
    UNIQUE (workspace_id, shortcut)
) STRICT;

-- What contacts did on the shop's site. `id` is the client's (free-form, unique per
-- workspace: retries are stored once); `uid` is the server's UUIDv7, the unique tie-breaker
-- of the newest-first keyset order.
CREATE TABLE contact_events (
    uid          TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL,
    contact_id   TEXT NOT NULL,
    id           TEXT NOT NULL,
    name         TEXT NOT NULL,
    properties   TEXT,
    occurred_at  INTEGER NOT NULL,
    received_at  INTEGER NOT NULL,
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX contact_events_timeline
    ON contact_events (workspace_id, contact_id, occurred_at DESC, uid DESC);
