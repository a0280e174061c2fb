-- Accounts, sessions, API tokens, projects, members and tasks.

CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         text NOT NULL CHECK (email <> ''),
    name          text NOT NULL DEFAULT '',
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('admin', 'manager', 'annotator')),
    disabled_at   timestamptz,
    last_login_at timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- Browser sessions, in the layout of alexedwards/scs pgxstore.
CREATE TABLE sessions (
    token  text PRIMARY KEY,
    data   bytea NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- API tokens are stored as SHA-256 hashes; the key itself is shown once.
CREATE TABLE api_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    hash         bytea NOT NULL UNIQUE,
    prefix       text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX api_tokens_user_id_idx ON api_tokens (user_id);

-- Failed sign-ins, for throttling by e-mail and by client address.
CREATE TABLE auth_failures (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email      text NOT NULL,
    ip         text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX auth_failures_email_idx ON auth_failures (lower(email), created_at);
CREATE INDEX auth_failures_ip_idx ON auth_failures (ip, created_at);

CREATE TABLE projects (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title               text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    description         text NOT NULL DEFAULT '',
    label_config        text NOT NULL,
    expert_instruction  text NOT NULL DEFAULT '',
    maximum_annotations integer NOT NULL DEFAULT 1 CHECK (maximum_annotations BETWEEN 1 AND 100),
    sampling            text NOT NULL DEFAULT 'sequential' CHECK (sampling IN ('sequential', 'random', 'uncertainty')),
    created_by          bigint REFERENCES users ON DELETE SET NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE project_members (
    project_id bigint NOT NULL REFERENCES projects ON DELETE CASCADE,
    user_id    bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    role       text NOT NULL CHECK (role IN ('manager', 'annotator')),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, user_id)
);
CREATE INDEX project_members_user_id_idx ON project_members (user_id);

CREATE TABLE tasks (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id bigint NOT NULL REFERENCES projects ON DELETE CASCADE,
    data       jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tasks_project_id_idx ON tasks (project_id, id);
