package store

import (
	"context"
	"time"
)

// MLBackend is an external Label Studio ML backend registered for a project.
type MLBackend struct {
	ID           int64     `db:"id"`
	ProjectID    int64     `db:"project_id"`
	URL          string    `db:"url"`
	Title        string    `db:"title"`
	ModelVersion string    `db:"model_version"`
	State        string    `db:"state"`
	Error        string    `db:"error"`
	CreatedAt    time.Time `db:"created_at"`
}

const backendColumns = `id, project_id, url, title, model_version, state, error, created_at`

// CreateMLBackend registers a backend that answered its health check and setup.
func (s *Store) CreateMLBackend(ctx context.Context, projectID int64, url, title, modelVersion string) (MLBackend, error) {
	b, err := one[MLBackend](s.db.Query(ctx, `INSERT INTO ml_backends (project_id, url, title, model_version)
		VALUES ($1, $2, $3, $4) RETURNING `+backendColumns, projectID, url, title, modelVersion))
	return b, wrap("create ml backend", err)
}

// MLBackends lists a project's backends.
func (s *Store) MLBackends(ctx context.Context, projectID int64) ([]MLBackend, error) {
	bs, err := all[MLBackend](s.db.Query(ctx, `SELECT `+backendColumns+` FROM ml_backends WHERE project_id = $1 ORDER BY id`, projectID))
	return bs, wrap("ml backends", err)
}

// MLBackendByID finds a backend.
func (s *Store) MLBackendByID(ctx context.Context, id int64) (MLBackend, error) {
	b, err := one[MLBackend](s.db.Query(ctx, `SELECT `+backendColumns+` FROM ml_backends WHERE id = $1`, id))
	return b, wrap("ml backend", err)
}

// SetMLBackendState records whether a backend answers, and its last error.
func (s *Store) SetMLBackendState(ctx context.Context, id int64, state, errMsg string) error {
	_, err := s.db.Exec(ctx, `UPDATE ml_backends SET state = $2, error = $3 WHERE id = $1`, id, state, errMsg)
	return wrap("set ml backend state", err)
}
