package store

import (
	"context"
	"encoding/json"
	"time"
)

// JobRow is a background job of a project, as River stores it.
type JobRow struct {
	ID          int64           `db:"id"`
	Kind        string          `db:"kind"`
	State       string          `db:"state"`
	Attempt     int             `db:"attempt"`
	MaxAttempts int             `db:"max_attempts"`
	CreatedAt   time.Time       `db:"created_at"`
	AttemptedAt *time.Time      `db:"attempted_at"`
	FinalizedAt *time.Time      `db:"finalized_at"`
	Errors      json.RawMessage `db:"errors"`
}

// ProjectJobs lists a project's recent background jobs (those whose args name
// the project), newest first.
func (s *Store) ProjectJobs(ctx context.Context, projectID int64, limit int) ([]JobRow, error) {
	js, err := all[JobRow](s.Pool.Query(ctx, `
		SELECT id, kind, state::text AS state, attempt, max_attempts, created_at, attempted_at, finalized_at,
			coalesce(to_jsonb(errors), '[]') AS errors
		FROM river_job WHERE args @> jsonb_build_object('project_id', $1::bigint)
		ORDER BY id DESC LIMIT $2`, projectID, limit))
	return js, wrap("project jobs", err)
}
