-- The in-house classifier: one model per project, retrained after retrain_every
-- new labels; every trained version is kept with its metrics, one is active.
ALTER TABLE projects ADD COLUMN retrain_every integer NOT NULL DEFAULT 50 CHECK (retrain_every BETWEEN 1 AND 100000);

CREATE TABLE model_versions (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id         bigint NOT NULL REFERENCES projects ON DELETE CASCADE,
    version            integer NOT NULL,
    kind               text NOT NULL CHECK (kind IN ('text', 'spans', 'image', 'audio', 'regions')),
    control            text NOT NULL,   -- the control it predicts (from_name)
    object             text NOT NULL,   -- the object it reads (to_name)
    trained_on         integer NOT NULL, -- examples it learned from
    held_out           integer NOT NULL, -- examples its metrics come from
    metrics            jsonb NOT NULL DEFAULT '{}',
    model              bytea NOT NULL,
    last_annotation_id bigint NOT NULL, -- the newest annotation it saw
    train_seconds      double precision NOT NULL,
    active             boolean NOT NULL DEFAULT false,
    created_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (project_id, version)
);
CREATE UNIQUE INDEX model_versions_active_key ON model_versions (project_id) WHERE active;

-- External Label Studio ML backends registered for a project.
CREATE TABLE ml_backends (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id    bigint NOT NULL REFERENCES projects ON DELETE CASCADE,
    url           text NOT NULL,
    title         text NOT NULL DEFAULT '',
    model_version text NOT NULL DEFAULT '',
    state         text NOT NULL DEFAULT 'connected' CHECK (state IN ('connected', 'error')),
    error         text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ml_backends_project_idx ON ml_backends (project_id);
