-- Automatic pause of annotators whose accuracy on gold tasks falls low: the
-- project's window (the last N gold tasks; 0: off) and threshold, each gold
-- answer's score against the ground truth, and each annotator's pause.
ALTER TABLE projects
    ADD COLUMN gold_pause_window int NOT NULL DEFAULT 0 CHECK (gold_pause_window BETWEEN 0 AND 1000),
    ADD COLUMN gold_pause_threshold double precision NOT NULL DEFAULT 0 CHECK (gold_pause_threshold BETWEEN 0 AND 1);

CREATE TABLE gold_answers (
    annotation_id bigint PRIMARY KEY REFERENCES annotations ON DELETE CASCADE,
    project_id    bigint NOT NULL REFERENCES projects ON DELETE CASCADE,
    user_id       bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    task_id       bigint NOT NULL REFERENCES tasks ON DELETE CASCADE,
    score         double precision NOT NULL CHECK (score BETWEEN 0 AND 1),
    answered_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX gold_answers_user_idx ON gold_answers (project_id, user_id, answered_at DESC, annotation_id DESC);

-- One row per annotator ever paused on a project: paused while unpaused_at is
-- NULL; gold answers before unpaused_at no longer count toward a new pause.
CREATE TABLE annotator_pauses (
    project_id  bigint NOT NULL REFERENCES projects ON DELETE CASCADE,
    user_id     bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    paused_at   timestamptz NOT NULL DEFAULT now(),
    accuracy    double precision NOT NULL,
    gold_tasks  int NOT NULL,
    threshold   double precision NOT NULL,
    unpaused_at timestamptz,
    unpaused_by bigint REFERENCES users ON DELETE SET NULL,
    PRIMARY KEY (project_id, user_id)
);
