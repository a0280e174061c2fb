-- Label quality: agreement kept per task and per project, ground truth and gold
-- tasks, and the review workflow.
ALTER TABLE tasks ADD COLUMN agreement double precision; -- mean pairwise agreement of its annotators; NULL with fewer than two
ALTER TABLE tasks ADD COLUMN review_state text NOT NULL DEFAULT '' CHECK (review_state IN ('', 'accepted', 'rejected'));
CREATE INDEX tasks_review_idx ON tasks (project_id, agreement NULLS LAST, id) WHERE review_state = '';

-- Gold tasks (with ground truth) are mixed into annotators' queues at gold_rate.
ALTER TABLE projects ADD COLUMN gold_rate double precision NOT NULL DEFAULT 0 CHECK (gold_rate BETWEEN 0 AND 1);
-- A task whose agreement stays under agreement_threshold gets one more annotator, up to max_extra_annotators.
ALTER TABLE projects ADD COLUMN agreement_threshold double precision NOT NULL DEFAULT 0 CHECK (agreement_threshold BETWEEN 0 AND 1);
ALTER TABLE projects ADD COLUMN max_extra_annotators integer NOT NULL DEFAULT 0 CHECK (max_extra_annotators BETWEEN 0 AND 10);
ALTER TABLE tasks ADD COLUMN extra_annotators integer NOT NULL DEFAULT 0;

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
