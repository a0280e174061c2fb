DROP INDEX tasks_uncertain_idx;
CREATE INDEX tasks_uncertain_idx ON tasks (project_id, uncertainty, id) WHERE NOT is_full;
