-- The annotator's hot path (issue 16).
--
-- A submission counts its label in its annotator's own row of label_counts,
-- in the statement that records it: no two annotators ever write the same
-- row. A periodic job (job.DrainWorker) compares each project's sum with what
-- it last acted on (label_drains) and enqueues the agreement recomputation and,
-- when due, a training: one enqueue per project and period, never one per
-- submission.
CREATE TABLE label_counts (
    project_id bigint NOT NULL REFERENCES projects ON DELETE CASCADE,
    user_id    bigint NOT NULL,
    labels     bigint NOT NULL,
    PRIMARY KEY (project_id, user_id)
);
CREATE TABLE label_drains (
    project_id bigint PRIMARY KEY REFERENCES projects ON DELETE CASCADE,
    labels     bigint NOT NULL
);

-- Serving a task writes its row (store.NextTask), so that a concurrent pick
-- whose snapshot predates the reservation sees the row changed under its
-- lock and passes it over instead of overfilling the task.
ALTER TABLE tasks ADD COLUMN reserved_at timestamptz;

-- Every change of what the hot path caches per process (a project, its
-- members, its webhooks and ML backends) is announced on concord_projects with
-- the project's id, whatever code made it; each process then forgets that
-- project (store.ForgetProject).
CREATE FUNCTION concord_project_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('concord_projects', OLD.id::text);
    RETURN NULL;
END $$;
CREATE TRIGGER projects_changed AFTER UPDATE OR DELETE ON projects
    FOR EACH ROW EXECUTE FUNCTION concord_project_changed();

CREATE FUNCTION concord_project_part_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM pg_notify('concord_projects', OLD.project_id::text);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM pg_notify('concord_projects', NEW.project_id::text);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER project_members_changed AFTER INSERT OR UPDATE OR DELETE ON project_members
    FOR EACH ROW EXECUTE FUNCTION concord_project_part_changed();
CREATE TRIGGER webhooks_changed AFTER INSERT OR UPDATE OR DELETE ON webhooks
    FOR EACH ROW EXECUTE FUNCTION concord_project_part_changed();
CREATE TRIGGER ml_backends_changed AFTER INSERT OR DELETE ON ml_backends
    FOR EACH ROW EXECUTE FUNCTION concord_project_part_changed();
