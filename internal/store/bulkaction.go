package store

import (
	"context"
	"encoding/json"
	"time"
)

// BulkAction is a bulk action of the task table on a selection: what, on
// which tasks (a Data Manager query), by whom, and how far it got.
type BulkAction struct {
	ID         int64           `db:"id"`
	ProjectID  int64           `db:"project_id"`
	CreatedBy  *int64          `db:"created_by"`
	Actor      string          `db:"actor"`
	Action     string          `db:"action"`
	Query      json.RawMessage `db:"query"`
	Params     json.RawMessage `db:"params"`
	Status     string          `db:"status"`
	Total      int64           `db:"total"`
	Done       int64           `db:"done"`
	Error      string          `db:"error"`
	CreatedAt  time.Time       `db:"created_at"`
	FinishedAt *time.Time      `db:"finished_at"`
}

// Bulk action statuses.
const (
	BulkQueued  = "queued"
	BulkRunning = "running"
	BulkDone    = "done"
	BulkFailed  = "failed"
)

const bulkColumns = `id, project_id, created_by, actor, action, query, params, status, total, done, error, created_at, finished_at`

// CreateBulkAction records a bulk action about to run on total tasks (call it
// inside Transact to enqueue its job with it).
func (s *Store) CreateBulkAction(ctx context.Context, b BulkAction) (BulkAction, error) {
	if b.Params == nil {
		b.Params = json.RawMessage(`{}`)
	}
	b, err := one[BulkAction](s.db.Query(ctx, `INSERT INTO bulk_actions (project_id, created_by, actor, action, query, params, total)
		VALUES ($1, NULLIF($2, 0), $3, $4, $5, $6, $7) RETURNING `+bulkColumns,
		b.ProjectID, deref(b.CreatedBy), b.Actor, b.Action, b.Query, b.Params, b.Total))
	return b, wrap("create bulk action", err)
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// BulkActionByID finds a bulk action of a project.
func (s *Store) BulkActionByID(ctx context.Context, projectID, id int64) (BulkAction, error) {
	b, err := one[BulkAction](s.db.Query(ctx, `SELECT `+bulkColumns+` FROM bulk_actions WHERE id = $1 AND project_id = $2`, id, projectID))
	return b, wrap("bulk action by id", err)
}

// BulkActions lists a project's recent bulk actions, newest first.
func (s *Store) BulkActions(ctx context.Context, projectID int64, limit int) ([]BulkAction, error) {
	bs, err := all[BulkAction](s.db.Query(ctx, `SELECT `+bulkColumns+` FROM bulk_actions WHERE project_id = $1 ORDER BY id DESC LIMIT $2`, projectID, limit))
	return bs, wrap("bulk actions", err)
}

// BulkProgress records how many tasks a bulk action has changed so far, and that it runs.
func (s *Store) BulkProgress(ctx context.Context, id, done int64) error {
	_, err := s.db.Exec(ctx, `UPDATE bulk_actions SET status = 'running', done = $2 WHERE id = $1`, id, done)
	return wrap("bulk progress", err)
}

// FinishBulkAction records a bulk action's end: done, or failed with why.
func (s *Store) FinishBulkAction(ctx context.Context, id, done int64, failure string) error {
	status := BulkDone
	if failure != "" {
		status = BulkFailed
	}
	_, err := s.db.Exec(ctx, `UPDATE bulk_actions SET status = $2, done = $3, error = $4, finished_at = now() WHERE id = $1`,
		id, status, done, failure)
	return wrap("finish bulk action", err)
}
