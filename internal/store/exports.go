package store

import (
	"context"
	"encoding/json"
	"time"
)

// Export is one background export: what was asked, how far it got, and its file.
type Export struct {
	ID        int64  `db:"id"`
	ProjectID int64  `db:"project_id"`
	CreatedBy *int64 `db:"created_by"`
	// CreatorEmail and CreatorName name the user who asked for it ("" when gone).
	CreatorEmail string          `db:"creator_email"`
	CreatorName  string          `db:"creator_name"`
	Format       string          `db:"format"`
	Options      json.RawMessage `db:"options"`
	Status       string          `db:"status"`
	RowsDone     int64           `db:"rows_done"`
	RowsTotal    int64           `db:"rows_total"`
	FilePath     string          `db:"file_path"`
	Size         int64           `db:"size"`
	Error        string          `db:"error"`
	CreatedAt    time.Time       `db:"created_at"`
	FinishedAt   *time.Time      `db:"finished_at"`
	ExpiresAt    *time.Time      `db:"expires_at"`
}

const exportColumns = `id, project_id, created_by, format, options, status, rows_done, rows_total, file_path, size,
	error, created_at, finished_at, expires_at,
	coalesce((SELECT u.email FROM users u WHERE u.id = exports.created_by), '') AS creator_email,
	coalesce((SELECT u.name FROM users u WHERE u.id = exports.created_by), '') AS creator_name`

// Export statuses.
const (
	ExportQueued  = "queued"
	ExportRunning = "running"
	ExportDone    = "done"
	ExportFailed  = "failed"
	ExportExpired = "expired" // done, and its file deleted
)

// CreateExport records a new background export by a user (call it inside
// Transact to enqueue its job with it). The file is written at filePath.
func (s *Store) CreateExport(ctx context.Context, projectID, userID int64, format string, options json.RawMessage, filePath string) (Export, error) {
	e, err := one[Export](s.db.Query(ctx, `
		INSERT INTO exports (project_id, created_by, format, options, file_path)
		VALUES ($1, NULLIF($2, 0), $3, COALESCE($4::jsonb, '{}'), $5) RETURNING `+exportColumns,
		projectID, userID, format, options, filePath))
	return e, wrap("create export", err)
}

// SetExportPath names the file of an export (known once its id is).
func (s *Store) SetExportPath(ctx context.Context, id int64, path string) error {
	return wrap("set export path", mustAffect(s.db.Exec(ctx, `UPDATE exports SET file_path = $2 WHERE id = $1`, id, path)))
}

// ExportByID finds an export of a project.
func (s *Store) ExportByID(ctx context.Context, projectID, id int64) (Export, error) {
	e, err := one[Export](s.db.Query(ctx, `SELECT `+exportColumns+` FROM exports WHERE id = $1 AND project_id = $2`, id, projectID))
	return e, wrap("export by id", err)
}

// DeleteExport removes an export's record (its file is the caller's to remove).
func (s *Store) DeleteExport(ctx context.Context, projectID, id int64) error {
	return wrap("delete export", mustAffect(s.db.Exec(ctx, `DELETE FROM exports WHERE id = $1 AND project_id = $2`, id, projectID)))
}

// Exports lists a project's recent exports, newest first.
func (s *Store) Exports(ctx context.Context, projectID int64, limit int) ([]Export, error) {
	es, err := all[Export](s.db.Query(ctx, `SELECT `+exportColumns+` FROM exports WHERE project_id = $1 ORDER BY id DESC LIMIT $2`, projectID, limit))
	return es, wrap("exports", err)
}

// StartExport marks an export running (again, when a worker retries it) with the rows it will write.
func (s *Store) StartExport(ctx context.Context, id, rowsTotal int64) error {
	return wrap("start export", mustAffect(s.db.Exec(ctx, `
		UPDATE exports SET status = 'running', rows_done = 0, rows_total = $2, error = '' WHERE id = $1`, id, rowsTotal)))
}

// ExportProgress records how many rows an export has written.
func (s *Store) ExportProgress(ctx context.Context, id, rowsDone int64) error {
	_, err := s.db.Exec(ctx, `UPDATE exports SET rows_done = $2 WHERE id = $1`, id, rowsDone)
	return wrap("export progress", err)
}

// FinishExport records an export's outcome: done with its file's size, kept
// until keep has passed, or failed with its error.
func (s *Store) FinishExport(ctx context.Context, id, rowsDone, size int64, keep time.Duration, errMsg string) error {
	status := ExportDone
	if errMsg != "" {
		status = ExportFailed
	}
	return wrap("finish export", mustAffect(s.db.Exec(ctx, `
		UPDATE exports SET status = $2, rows_done = $3, size = $4, error = $5, finished_at = now(),
			expires_at = CASE WHEN $2 = 'done' THEN now() + $6::interval END
		WHERE id = $1`, id, status, rowsDone, size, errMsg, keep)))
}

// ExpiredExports lists finished exports whose time is up and whose file is still there.
func (s *Store) ExpiredExports(ctx context.Context) ([]Export, error) {
	es, err := all[Export](s.db.Query(ctx, `SELECT `+exportColumns+` FROM exports
		WHERE status = 'done' AND expires_at < now() ORDER BY id`))
	return es, wrap("expired exports", err)
}

// ExpireExport marks an export whose file was deleted.
func (s *Store) ExpireExport(ctx context.Context, id int64) error {
	_, err := s.db.Exec(ctx, `UPDATE exports SET status = 'expired' WHERE id = $1`, id)
	return wrap("expire export", err)
}

// ActiveExports counts the queued and running exports that userID asked for
// (in any project) and those of projectID, inside the store's transaction
// (call it on the store Transact gives); it first
// takes a transaction lock on the user, so that two requests of one user
// cannot both pass a cap on the count.
func (s *Store) ActiveExports(ctx context.Context, userID, projectID int64) (byUser, byProject int, err error) {
	if _, err := s.db.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('concord.exports'), $1::int)`, int32(userID)); err != nil {
		return 0, 0, wrap("active exports", err)
	}
	err = s.db.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE created_by = $1), count(*) FILTER (WHERE project_id = $2)
		FROM exports WHERE status IN ('queued', 'running') AND (created_by = $1 OR project_id = $2)`,
		userID, projectID).Scan(&byUser, &byProject)
	return byUser, byProject, wrap("active exports", err)
}
