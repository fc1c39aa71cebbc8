-- Schema version 7: saved searches with alerts (landreg.alerts).  A search is saved unconfirmed with a
-- random confirmation token (double opt-in); the sites already announced to it are kept so that no site
-- is announced twice; messages wait in an outbox until delivered (retried with back-off).
CREATE TABLE alert_searches (
    fid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    search_id text NOT NULL UNIQUE,
    criteria jsonb NOT NULL,
    email text,
    webhook_url text,
    webhook_secret text,
    lang text NOT NULL CHECK (lang IN ('nb', 'en')),
    base_url text NOT NULL,
    confirm_token text NOT NULL UNIQUE,
    unsubscribe_token text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    confirmed_at timestamptz,
    unsubscribed_at timestamptz,
    CHECK (email IS NOT NULL OR webhook_url IS NOT NULL)
);
COMMENT ON TABLE alert_searches IS 'Saved searches: site-search criteria, where to announce new sites, opt-in state';

CREATE TABLE alert_sites (
    fid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    search_id text NOT NULL REFERENCES alert_searches (search_id) ON DELETE CASCADE,
    site_id text NOT NULL,
    announced_at timestamptz NOT NULL,
    notified boolean NOT NULL,
    summary jsonb NOT NULL,
    UNIQUE (search_id, site_id)
);
COMMENT ON TABLE alert_sites IS 'Sites known to each saved search (matching when it was confirmed, or announced since)';

CREATE TABLE alert_outbox (
    fid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id text NOT NULL UNIQUE,
    search_id text NOT NULL REFERENCES alert_searches (search_id) ON DELETE CASCADE,
    channel text NOT NULL CHECK (channel IN ('email', 'webhook')),
    kind text NOT NULL CHECK (kind IN ('confirmation', 'sites')),
    payload jsonb NOT NULL,
    created_at timestamptz NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    delivered_at timestamptz,
    failed_at timestamptz,
    last_error text
);
COMMENT ON TABLE alert_outbox IS 'Alert messages waiting for delivery, delivered, or given up after the last retry';
CREATE INDEX alert_outbox_due_idx ON alert_outbox (next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL;
