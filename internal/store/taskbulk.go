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

// DeleteTaskAnnotations deletes the annotations of the project's tasks among
// ids, leaving the tasks open and unreviewed, and reports how many tasks lost some.
func (s *Store) DeleteTaskAnnotations(ctx context.Context, projectID int64, ids []int64) (int64, error) {
	tag, err := s.db.Exec(ctx, `
		WITH d AS (DELETE FROM annotations WHERE project_id = $1 AND task_id = ANY($2) RETURNING task_id)
		UPDATE tasks SET done_count = 0, is_full = false, agreement = NULL, review_state = '', updated_at = now()
		WHERE project_id = $1 AND id IN (SELECT task_id FROM d)`, projectID, ids)
	return tag.RowsAffected(), wrap("delete task annotations", err)
}

// DeleteTaskPredictions deletes the predictions of the project's tasks among
// ids and reports how many tasks lost some.
func (s *Store) DeleteTaskPredictions(ctx context.Context, projectID int64, ids []int64) (int64, error) {
	tag, err := s.db.Exec(ctx, `
		WITH d AS (DELETE FROM predictions WHERE project_id = $1 AND task_id = ANY($2) RETURNING task_id)
		UPDATE tasks SET uncertainty = NULL WHERE project_id = $1 AND id IN (SELECT task_id FROM d)`, projectID, ids)
	return tag.RowsAffected(), wrap("delete task predictions", err)
}

// SendToReview puts the project's reviewed tasks among ids back in the review
// queue (unreviewed) and reports how many it moved.
func (s *Store) SendToReview(ctx context.Context, projectID int64, ids []int64) (int64, error) {
	tag, err := s.db.Exec(ctx, `UPDATE tasks SET review_state = '', updated_at = now()
		WHERE project_id = $1 AND id = ANY($2) AND review_state <> ''`, projectID, ids)
	return tag.RowsAffected(), wrap("send to review", err)
}

// MarkGold makes the project's labeled tasks among ids gold: each one without
// ground truth gets it on its accepted (else newest) completed, not rejected
// annotation. It reports how many tasks became gold.
func (s *Store) MarkGold(ctx context.Context, projectID int64, ids []int64) (int64, error) {
	tag, err := s.db.Exec(ctx, `
		UPDATE annotations a SET ground_truth = true, updated_at = now()
		FROM (SELECT DISTINCT ON (x.task_id) x.id FROM annotations x
			WHERE x.project_id = $1 AND x.task_id = ANY($2) AND NOT x.was_cancelled AND x.review_state <> 'rejected'
			  AND NOT EXISTS (SELECT 1 FROM annotations g WHERE g.task_id = x.task_id AND g.ground_truth)
			ORDER BY x.task_id, x.review_state = 'accepted' DESC, x.id DESC) c
		WHERE a.id = c.id`, projectID, ids)
	return tag.RowsAffected(), wrap("mark gold", err)
}

// UnmarkGold takes the ground truth off the project's tasks among ids and
// reports how many tasks had some.
func (s *Store) UnmarkGold(ctx context.Context, projectID int64, ids []int64) (int64, error) {
	var n int64
	err := s.db.QueryRow(ctx, `
		WITH u AS (UPDATE annotations SET ground_truth = false, updated_at = now()
			WHERE project_id = $1 AND task_id = ANY($2) AND ground_truth RETURNING task_id)
		SELECT count(DISTINCT task_id) FROM u`, projectID, ids).Scan(&n)
	return n, wrap("unmark gold", err)
}
