-- Schema version 2: API tokens (only the SHA-256 of each secret is stored).
CREATE TABLE landreg_tokens (
    fid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_id text NOT NULL UNIQUE,
    name text NOT NULL,
    role text NOT NULL CHECK (role IN ('viewer', 'planner', 'admin')),
    municipalities jsonb NOT NULL,
    secret_sha256 text NOT NULL,
    created_at timestamptz NOT NULL,
    revoked_at timestamptz
);
COMMENT ON TABLE landreg_tokens IS 'API tokens (hashed)';
