-- Outgoing webhooks per project, and the log of their deliveries.
CREATE TABLE webhooks (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id bigint NOT NULL REFERENCES projects ON DELETE CASCADE,
    url        text NOT NULL,
    secret     text NOT NULL, -- signs each delivery (HMAC-SHA256); shown to managers of the project
    events     text[] NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_project_idx ON webhooks (project_id);

CREATE TABLE webhook_deliveries (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id  bigint NOT NULL REFERENCES webhooks ON DELETE CASCADE,
    event       text NOT NULL,
    attempt     integer NOT NULL,
    status      integer NOT NULL DEFAULT 0, -- the HTTP status, 0 when none came back
    error       text NOT NULL DEFAULT '',
    duration_ms double precision NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, id);
