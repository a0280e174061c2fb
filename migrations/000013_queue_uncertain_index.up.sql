-- Uncertainty sampling's pick orders open tasks by coalesce(uncertainty,
-- 'Infinity') (no score last), a key only this partial index of open tasks
-- holds: tasks_score_idx (project_id, uncertainty, id) of the task table
-- served the same order over every task, full ones included, and the planner
-- took it on a project whose statistics did not yet show full tasks.
DROP INDEX tasks_uncertain_idx;
CREATE INDEX tasks_uncertain_idx ON tasks (project_id, coalesce(uncertainty, 'Infinity'::double precision), id) WHERE NOT is_full;
