-- Background exports: what was asked, how far it got, the file and when it goes.
CREATE TABLE exports (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  bigint NOT NULL REFERENCES projects ON DELETE CASCADE,
    created_by  bigint REFERENCES users ON DELETE SET NULL,
    format      text NOT NULL,
    options     jsonb NOT NULL DEFAULT '{}',
    status      text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed', 'expired')),
    rows_done   bigint NOT NULL DEFAULT 0,
    rows_total  bigint NOT NULL DEFAULT 0,
    file_path   text NOT NULL DEFAULT '',
    size        bigint NOT NULL DEFAULT 0,
    error       text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    expires_at  timestamptz
);
CREATE INDEX exports_project_id_idx ON exports (project_id, id);
CREATE INDEX exports_expires_at_idx ON exports (expires_at) WHERE status = 'done';

-- Who did what to which project: every export is recorded here. Rows outlive
-- the project and the account (actor keeps the e-mail as it was).
CREATE TABLE audit_log (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint REFERENCES users ON DELETE SET NULL,
    actor      text NOT NULL DEFAULT '',
    action     text NOT NULL,
    project_id bigint REFERENCES projects ON DELETE SET NULL,
    details    jsonb NOT NULL DEFAULT '{}',
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_project_idx ON audit_log (project_id, id);
