-- Invitation links to join a project: single use, expiring; only the token's hash is stored.
CREATE TABLE invitations (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id bigint NOT NULL REFERENCES projects ON DELETE CASCADE,
    token_hash bytea NOT NULL UNIQUE,
    role       text NOT NULL CHECK (role IN ('manager', 'annotator')),
    created_by bigint REFERENCES users ON DELETE SET NULL,
    expires_at timestamptz NOT NULL,
    used_by    bigint REFERENCES users ON DELETE SET NULL,
    used_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
