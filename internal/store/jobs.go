package store

import (
	"context"
	"encoding/json"
	"github.com/jackc/pgx/v5"
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
	js, err := all[JobRow](s.db.Query(ctx, `
		SELECT id, kind, state::text AS state, attempt, max_attempts, created_at, attempted_at, finalized_at,
			coalesce(to_jsonb(errors), '[]') AS errors
		FROM river_job WHERE args @> jsonb_build_object('project_id', $1::bigint)
		ORDER BY id DESC LIMIT $2`, projectID, limit))
	return js, wrap("project jobs", err)
}

// RunningJobs lists the ids of jobs of these kinds that have been running for
// longer than age.
func (s *Store) RunningJobs(ctx context.Context, kinds []string, age time.Duration) ([]int64, error) {
	rows, err := s.db.Query(ctx, `SELECT id FROM river_job WHERE state = 'running' AND kind = ANY($1)
		AND attempted_at < now() - $2::interval`, kinds, age)
	if err != nil {
		return nil, wrap("running jobs", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	return ids, wrap("running jobs", err)
}

// RequeueJob makes a job whose worker has died available again, as River's own
// rescuer would; the attempt it died in still counts.
func (s *Store) RequeueJob(ctx context.Context, id int64) error {
	_, err := s.db.Exec(ctx, `UPDATE river_job SET state = 'available', scheduled_at = now()
		WHERE id = $1 AND state = 'running'`, id)
	return wrap("requeue job", err)
}
