package store

import (
	"context"
	"encoding/json"
	"time"
)

// Import is one import's request, progress and outcome.
type Import struct {
	ID           int64           `db:"id"`
	ProjectID    int64           `db:"project_id"`
	CreatedBy    *int64          `db:"created_by"`
	Status       string          `db:"status"`
	Files        json.RawMessage `db:"files"`
	SkipInvalid  bool            `db:"skip_invalid"`
	BytesTotal   int64           `db:"bytes_total"`
	BytesDone    int64           `db:"bytes_done"`
	TasksCreated int64           `db:"tasks_created"`
	Duplicates   int64           `db:"duplicates"`
	Annotations  int64           `db:"annotations"`
	Predictions  int64           `db:"predictions"`
	Skipped      json.RawMessage `db:"skipped"`
	Error        string          `db:"error"`
	CreatedAt    time.Time       `db:"created_at"`
	StartedAt    *time.Time      `db:"started_at"`
	FinishedAt   *time.Time      `db:"finished_at"`
}

const importColumns = `id, project_id, created_by, status, files, skip_invalid, bytes_total, bytes_done,
	tasks_created, duplicates, annotations, predictions, skipped, error, created_at, started_at, finished_at`

// Import statuses.
const (
	ImportQueued  = "queued"
	ImportRunning = "running"
	ImportDone    = "done"
	ImportFailed  = "failed"
)

// ImportOutcome is what a finished import made or refused.
type ImportOutcome struct {
	TasksCreated, Duplicates, Annotations, Predictions int64
	Skipped                                            json.RawMessage
	Error                                              string
}

// CreateImport records a new import of files (their names and sizes, as JSON)
// by a user (0: from the command line).
func (s *Store) CreateImport(ctx context.Context, projectID, userID int64, files json.RawMessage, bytesTotal int64, skipInvalid bool) (Import, error) {
	im, err := one[Import](s.db.Query(ctx, `
		INSERT INTO imports (project_id, created_by, files, bytes_total, skip_invalid)
		VALUES ($1, NULLIF($2, 0), COALESCE($3::jsonb, '[]'), $4, $5) RETURNING `+importColumns, projectID, userID, files, bytesTotal, skipInvalid))
	return im, wrap("create import", err)
}

// ImportByID finds an import of a project.
func (s *Store) ImportByID(ctx context.Context, projectID, id int64) (Import, error) {
	im, err := one[Import](s.db.Query(ctx, `SELECT `+importColumns+` FROM imports WHERE id = $1 AND project_id = $2`, id, projectID))
	return im, wrap("import by id", err)
}

// StartImport marks an import running (again, when a worker retries it).
func (s *Store) StartImport(ctx context.Context, id int64) error {
	return wrap("start import", mustAffect(s.db.Exec(ctx, `
		UPDATE imports SET status = 'running', started_at = now(), bytes_done = 0 WHERE id = $1`, id)))
}

// ImportProgress records how many bytes an import has read.
func (s *Store) ImportProgress(ctx context.Context, id, bytesDone int64) error {
	_, err := s.db.Exec(ctx, `UPDATE imports SET bytes_done = $2 WHERE id = $1`, id, bytesDone)
	return wrap("import progress", err)
}

// FinishImport records an import's outcome: done, or failed with its error.
func (s *Store) FinishImport(ctx context.Context, id int64, o ImportOutcome) error {
	status := ImportDone
	if o.Error != "" {
		status = ImportFailed
	}
	if o.Skipped == nil {
		o.Skipped = json.RawMessage("[]")
	}
	return wrap("finish import", mustAffect(s.db.Exec(ctx, `
		UPDATE imports SET status = $2, tasks_created = $3, duplicates = $4, annotations = $5, predictions = $6,
			skipped = $7, error = $8, finished_at = now(),
			bytes_done = CASE WHEN $2 = 'done' THEN bytes_total ELSE bytes_done END
		WHERE id = $1`, id, status, o.TasksCreated, o.Duplicates, o.Annotations, o.Predictions, o.Skipped, o.Error)))
}
