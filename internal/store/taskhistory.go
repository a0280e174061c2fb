package store

import (
	"context"
	"encoding/json"
	"time"
)

// TaskEvent is one thing that happened to a task: when, who (an e-mail, or
// a model version), and what.
type TaskEvent struct {
	At   time.Time `db:"at"`
	Who  string    `db:"who"`
	What string    `db:"what"`
}

// TaskHistory lists what happened to a project's task, oldest first: its
// creation, each annotation (and skip), review, ground truth, prediction and
// draft, and the audit log's entries that name the task.
func (s *Store) TaskHistory(ctx context.Context, projectID, taskID int64) ([]TaskEvent, error) {
	es, err := all[TaskEvent](s.db.Query(ctx, `
		SELECT t.created_at AS at, '' AS who, 'created' AS what FROM tasks t WHERE t.id = $2 AND t.project_id = $1
		UNION ALL
		SELECT a.created_at, coalesce(u.email, '(deleted user)'),
			CASE WHEN a.was_cancelled THEN 'skipped' WHEN a.imported THEN 'annotation imported' ELSE 'annotated' END || ' (#' || a.id || ')'
		FROM annotations a LEFT JOIN users u ON u.id = a.completed_by WHERE a.task_id = $2 AND a.project_id = $1
		UNION ALL
		SELECT a.updated_at, coalesce(r.email, '(deleted user)'), 'review: ' || a.review_state || ' annotation #' || a.id
			|| CASE WHEN a.review_comment <> '' THEN ' (' || a.review_comment || ')' ELSE '' END
		FROM annotations a LEFT JOIN users r ON r.id = a.reviewed_by WHERE a.task_id = $2 AND a.project_id = $1 AND a.review_state <> ''
		UNION ALL
		SELECT a.updated_at, '', 'ground truth: annotation #' || a.id FROM annotations a WHERE a.task_id = $2 AND a.project_id = $1 AND a.ground_truth
		UNION ALL
		SELECT p.created_at, coalesce(nullif(p.model_version, ''), '(no model version)'),
			'predicted' || coalesce(' (score ' || round(p.score::numeric, 3) || ')', '')
		FROM predictions p WHERE p.task_id = $2 AND p.project_id = $1
		UNION ALL
		SELECT d.updated_at, u.email, 'draft saved' FROM drafts d JOIN users u ON u.id = d.user_id JOIN tasks t ON t.id = d.task_id
		WHERE d.task_id = $2 AND t.project_id = $1
		UNION ALL
		SELECT l.at, l.actor, l.action FROM audit_log l
		WHERE l.project_id = $1 AND (l.details @> jsonb_build_object('task', $2::bigint) OR l.details->'task_ids' @> to_jsonb($2::bigint))
		ORDER BY 1, 3`, projectID, taskID))
	return es, wrap("task history", err)
}

// TaskDraft is an annotator's unsubmitted work on a task.
type TaskDraft struct {
	Email     string          `db:"email"`
	Result    json.RawMessage `db:"result"`
	UpdatedAt time.Time       `db:"updated_at"`
}

// TaskDrafts lists the drafts of a project's task, newest first.
func (s *Store) TaskDrafts(ctx context.Context, projectID, taskID int64) ([]TaskDraft, error) {
	ds, err := all[TaskDraft](s.db.Query(ctx, `
		SELECT u.email, d.result, d.updated_at FROM drafts d JOIN users u ON u.id = d.user_id JOIN tasks t ON t.id = d.task_id
		WHERE d.task_id = $2 AND t.project_id = $1 ORDER BY d.updated_at DESC`, projectID, taskID))
	return ds, wrap("task drafts", err)
}
