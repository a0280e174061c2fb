-- Users that are not accounts: the annotators named in imported Label Studio
-- exports (one per project and Label Studio identity), and the identity an
-- ML backend's scoped token acts as. Neither can sign in.
ALTER TABLE users ADD COLUMN kind text NOT NULL DEFAULT 'account' CHECK (kind IN ('account', 'external', 'ml_backend'));
ALTER TABLE users ADD COLUMN project_id bigint REFERENCES projects ON DELETE CASCADE;
ALTER TABLE users ADD CONSTRAINT users_kind_project_check CHECK ((kind = 'account') = (project_id IS NULL));
CREATE INDEX users_project_id_idx ON users (project_id) WHERE project_id IS NOT NULL;

-- The identity an ML backend's token acts as.
ALTER TABLE ml_backends ADD COLUMN user_id bigint REFERENCES users ON DELETE SET NULL;
