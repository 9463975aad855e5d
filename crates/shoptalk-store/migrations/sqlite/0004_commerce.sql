-- Commerce: shop settings, integrations, carts, orders, returns, payments, tracked links and
-- the inbound webhook deliveries already processed.
--
-- Carts, orders, returns and payments are read and written whole, so each is one JSON
-- document (`doc`) beside the columns queries need: uniqueness, filters, order, and `version`
-- for optimistic concurrency (a write names the version it replaces). `contact_id` has no
-- foreign key: merging contacts deletes one of them, and its commerce history must stay.

-- The shop's settings (a `ShopSettings` document). `abandon_after_minutes` is copied out for
-- the idle-cart sweep, which joins it for every workspace.
CREATE TABLE shop_settings (
    workspace_id          TEXT PRIMARY KEY NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    doc                   TEXT NOT NULL,
    abandon_after_minutes INTEGER NOT NULL
) STRICT;
CREATE INDEX shop_settings_abandon ON shop_settings (abandon_after_minutes);

-- Connections to Shopify and Stripe (an `Integrations` document, secrets included). A shop
-- can be connected to one workspace only: its webhook deliveries are routed by domain.
CREATE TABLE integrations (
    workspace_id        TEXT PRIMARY KEY NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    doc                 TEXT NOT NULL,
    -- Lower-cased.
    shopify_shop_domain TEXT UNIQUE
) STRICT;

CREATE TABLE carts (
    id           TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    contact_id   TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('active', 'abandoned', 'converted')),
    external_id  TEXT,
    -- Lines in the cart: empty carts are never abandoned.
    line_count   INTEGER NOT NULL,
    version      INTEGER NOT NULL,
    doc          TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    -- The idle clock of abandonment; the sweep leaves it as it was.
    updated_at   INTEGER NOT NULL,
    abandoned_at INTEGER,
    UNIQUE (workspace_id, external_id)
) STRICT;
CREATE INDEX carts_by_updated ON carts (workspace_id, updated_at DESC, id DESC);
CREATE INDEX carts_by_status ON carts (workspace_id, status, updated_at DESC, id DESC);
CREATE INDEX carts_by_contact ON carts (workspace_id, contact_id, updated_at DESC, id DESC);
CREATE INDEX carts_idle ON carts (updated_at) WHERE status = 'active' AND line_count > 0;

CREATE TABLE orders (
    id           TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    contact_id   TEXT NOT NULL,
    number       TEXT NOT NULL,
    external_id  TEXT,
    status       TEXT NOT NULL,
    version      INTEGER NOT NULL,
    doc          TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (workspace_id, id),
    UNIQUE (workspace_id, number),
    UNIQUE (workspace_id, external_id)
) STRICT;
CREATE INDEX orders_by_created ON orders (workspace_id, created_at DESC, id DESC);
CREATE INDEX orders_by_status ON orders (workspace_id, status, created_at DESC, id DESC);
CREATE INDEX orders_by_contact ON orders (workspace_id, contact_id, created_at DESC, id DESC);

-- The last order number handed out per workspace (the first is 1001).
CREATE TABLE order_numbers (
    workspace_id TEXT PRIMARY KEY NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    last_number  INTEGER NOT NULL
) STRICT;

CREATE TABLE returns (
    id           TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    order_id     TEXT NOT NULL,
    contact_id   TEXT NOT NULL,
    status       TEXT NOT NULL,
    version      INTEGER NOT NULL,
    doc          TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    FOREIGN KEY (workspace_id, order_id) REFERENCES orders (workspace_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX returns_by_order ON returns (workspace_id, order_id, created_at, id);

CREATE TABLE payments (
    id           TEXT PRIMARY KEY NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    contact_id   TEXT NOT NULL,
    provider     TEXT NOT NULL,
    -- The provider's id (Stripe Checkout Session), once it has one.
    provider_ref TEXT,
    status       TEXT NOT NULL,
    version      INTEGER NOT NULL,
    doc          TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (workspace_id, provider, provider_ref)
) STRICT;
CREATE INDEX payments_by_contact ON payments (workspace_id, contact_id, created_at DESC);

-- Links sent in messages, rewritten to `/r/{token}`, and one row per click.
CREATE TABLE tracked_links (
    token           TEXT PRIMARY KEY NOT NULL,
    workspace_id    TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    url             TEXT NOT NULL,
    contact_id      TEXT,
    conversation_id TEXT,
    message_id      TEXT,
    source          TEXT,
    created_at      INTEGER NOT NULL
) STRICT;

CREATE TABLE link_clicks (
    token      TEXT NOT NULL REFERENCES tracked_links (token) ON DELETE CASCADE,
    clicked_at INTEGER NOT NULL
) STRICT;
CREATE INDEX link_clicks_by_token ON link_clicks (token, clicked_at);

-- Webhooks received (Shopify, Stripe) that were processed: a redelivery is recognised and
-- skipped.
CREATE TABLE inbound_deliveries (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    source       TEXT NOT NULL,
    delivery_id  TEXT NOT NULL,
    received_at  INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, source, delivery_id)
) STRICT, WITHOUT ROWID;
