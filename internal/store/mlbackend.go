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
	UserID       *int64    `db:"user_id"` // the identity its scoped token acts as
}

const backendColumns = `id, project_id, url, title, model_version, state, error, created_at, user_id`

// CreateMLBackend registers a backend that answered its health check and setup;
// userID is the identity of its token (see BackendIdentity), 0 for none.
func (s *Store) CreateMLBackend(ctx context.Context, projectID int64, url, title, modelVersion string, userID int64) (MLBackend, error) {
	b, err := one[MLBackend](s.db.Query(ctx, `INSERT INTO ml_backends (project_id, url, title, model_version, user_id)
		VALUES ($1, $2, $3, $4, NULLIF($5, 0)) RETURNING `+backendColumns, projectID, url, title, modelVersion, userID))
	s.changed(projectID)
	return b, wrap("create ml backend", err)
}

// BackendIdentity gives an ML backend of a project a token to read that
// project's tasks and media with: a user of kind ml_backend (no sign-in; an
// annotator of that project only) holding one live token with this hash.
// userID 0 creates the identity; otherwise its older tokens are revoked.
func (s *Store) BackendIdentity(ctx context.Context, projectID, userID int64, hash []byte, prefix string) (int64, error) {
	err := s.Transact(ctx, func(tx *Store) error {
		if userID == 0 {
			if err := tx.db.QueryRow(ctx, `
				INSERT INTO users (email, name, password_hash, role, kind, project_id)
				VALUES ('ml-backend-' || $1::bigint || '-' || md5(random()::text) || '@concord.invalid', 'ML backend', '!', 'annotator', 'ml_backend', $1::bigint)
				RETURNING id`, projectID).Scan(&userID); err != nil {
				return err
			}
			if err := tx.addMember(ctx, projectID, userID, RoleAnnotator); err != nil {
				return err
			}
		}
		if _, err := tx.db.Exec(ctx, `UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, userID); err != nil {
			return err
		}
		tx.accessChanged(userID)
		_, err := tx.db.Exec(ctx, `INSERT INTO api_tokens (user_id, hash, prefix) VALUES ($1, $2, $3)`, userID, hash, prefix)
		return err
	})
	return userID, wrap("ml backend identity", err)
}

// UpdateMLBackend changes a backend's URL, title and model version.
func (s *Store) UpdateMLBackend(ctx context.Context, id int64, url, title, modelVersion string) (MLBackend, error) {
	b, err := one[MLBackend](s.db.Query(ctx, `UPDATE ml_backends SET url = $2, title = $3, model_version = $4, state = 'connected', error = ''
		WHERE id = $1 RETURNING `+backendColumns, id, url, title, modelVersion))
	return b, wrap("update ml backend", err)
}

// DeleteMLBackend removes a backend and its identity (and so its token).
func (s *Store) DeleteMLBackend(ctx context.Context, id int64) error {
	return wrap("delete ml backend", s.Transact(ctx, func(tx *Store) error {
		var userID *int64
		var projectID int64
		if err := tx.db.QueryRow(ctx, `DELETE FROM ml_backends WHERE id = $1 RETURNING user_id, project_id`, id).Scan(&userID, &projectID); err != nil {
			return err
		}
		tx.changed(projectID)
		if userID == nil {
			return nil
		}
		_, err := tx.db.Exec(ctx, `DELETE FROM users WHERE id = $1 AND kind = 'ml_backend'`, *userID)
		tx.accessChanged(*userID)
		return err
	}))
}

// DeleteBackendIdentity removes an identity made for a backend that then failed its setup.
func (s *Store) DeleteBackendIdentity(ctx context.Context, userID int64) error {
	_, err := s.db.Exec(ctx, `DELETE FROM users WHERE id = $1 AND kind = 'ml_backend'`, userID)
	s.accessChanged(userID)
	return wrap("delete ml backend identity", err)
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
