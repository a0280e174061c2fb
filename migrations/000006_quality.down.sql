DROP TABLE agreement_reports;
DROP INDEX annotations_ground_truth_idx;
ALTER TABLE annotations DROP COLUMN reviewed_by, DROP COLUMN review_comment, DROP COLUMN review_state;
ALTER TABLE tasks DROP COLUMN extra_annotators;
ALTER TABLE projects DROP COLUMN max_extra_annotators, DROP COLUMN agreement_threshold, DROP COLUMN gold_rate;
DROP INDEX tasks_review_idx;
ALTER TABLE tasks DROP COLUMN review_state, DROP COLUMN agreement;
