-- Label quality: agreement kept per task and per project, ground truth and gold
-- tasks, and the review workflow.
ALTER TABLE tasks ADD COLUMN agreement double precision; -- mean pairwise agreement of its annotators; NULL with fewer than two
ALTER TABLE tasks ADD COLUMN review_state text NOT NULL DEFAULT '' CHECK (review_state IN ('', 'accepted', 'rejected'));
CREATE INDEX tasks_review_idx ON tasks (project_id, agreement NULLS LAST, id) WHERE review_state = '';

ALTER TABLE projects ADD COLUMN gold_rate double precision NOT NULL DEFAULT 0 CHECK (gold_rate BETWEEN 0 AND 1);

ALTER TABLE annotations ADD COLUMN review_state text NOT NULL DEFAULT '' CHECK (review_state IN ('', 'accepted', 'rejected'));
ALTER TABLE annotations ADD COLUMN review_comment text NOT NULL DEFAULT '';
ALTER TABLE annotations ADD COLUMN reviewed_by bigint REFERENCES users ON DELETE SET NULL;
CREATE INDEX annotations_ground_truth_idx ON annotations (project_id, task_id) WHERE ground_truth;

-- The latest agreement report of each project.
CREATE TABLE agreement_reports (
    project_id  bigint PRIMARY KEY REFERENCES projects ON DELETE CASCADE,
    report      jsonb NOT NULL,
    computed_at timestamptz NOT NULL DEFAULT now()
);
