DROP TABLE annotator_pauses;
DROP TABLE gold_answers;
ALTER TABLE projects DROP COLUMN gold_pause_threshold, DROP COLUMN gold_pause_window;
