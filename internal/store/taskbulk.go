package store

import "context"

// Bulk actions of the task table act on a batch of task ids at a time, and
// only on those of the project named: an id of another project changes nothing.

// BulkBatch is how many tasks one statement of a bulk action changes.
const BulkBatch = 5000

// DeleteTasks deletes the project's tasks among ids (with their annotations,
// predictions, drafts, locks and assignments) and reports how many went.
func (s *Store) DeleteTasks(ctx context.Context, projectID int64, ids []int64) (int64, error) {
	var n int64
	err := s.db.QueryRow(ctx, `
		WITH d AS (DELETE FROM tasks WHERE project_id = $1 AND id = ANY($2) RETURNING 1),
		     c AS (SELECT count(*) AS n FROM d)
		UPDATE projects SET task_count = task_count - c.n FROM c WHERE id = $1 RETURNING c.n`, projectID, ids).Scan(&n)
	s.changed(projectID)
	return n, wrap("delete tasks", noRows(err))
}

// AssignTasks makes users (those of them who are members of the project) the
// only annotators the queue serves the project's tasks among ids to; no users
// lifts the assignment. It reports how many tasks it changed.
func (s *Store) AssignTasks(ctx context.Context, projectID int64, ids, users []int64) (int64, error) {
	var n int64
	err := s.Transact(ctx, func(tx *Store) error {
		if _, err := tx.db.Exec(ctx, `DELETE FROM task_assignments a USING tasks t
			WHERE a.task_id = t.id AND t.project_id = $1 AND t.id = ANY($2)`, projectID, ids); err != nil {
			return err
		}
		if _, err := tx.db.Exec(ctx, `INSERT INTO task_assignments (task_id, user_id)
			SELECT t.id, m.user_id FROM tasks t JOIN project_members m ON m.project_id = t.project_id AND m.user_id = ANY($3)
			WHERE t.project_id = $1 AND t.id = ANY($2)`, projectID, ids, users); err != nil {
			return err
		}
		return tx.db.QueryRow(ctx, `SELECT count(*) FROM tasks WHERE project_id = $1 AND id = ANY($2)`, projectID, ids).Scan(&n)
	})
	return n, wrap("assign tasks", err)
}
