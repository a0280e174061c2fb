package store

import "context"

// JobCount is how many River jobs of a kind are in a state.
type JobCount struct {
	Kind  string `db:"kind"`
	State string `db:"state"`
	N     int64  `db:"n"`
}

// JobCounts counts River's jobs by kind and state.
func (s *Store) JobCounts(ctx context.Context) ([]JobCount, error) {
	cs, err := all[JobCount](s.db.Query(ctx, `SELECT kind, state::text AS state, count(*) AS n FROM river_job GROUP BY kind, state`))
	return cs, wrap("job counts", err)
}

// JobDuration is how long a kind of job took, over the last hour's completed ones.
type JobDuration struct {
	Kind   string  `db:"kind"`
	N      int64   `db:"n"`
	Median float64 `db:"median"`
	P99    float64 `db:"p99"`
}

// JobDurations summarises the run time of the jobs completed in the last hour, by kind.
func (s *Store) JobDurations(ctx context.Context) ([]JobDuration, error) {
	ds, err := all[JobDuration](s.db.Query(ctx, `
		SELECT kind, count(*) AS n,
			percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finalized_at - attempted_at)) AS median,
			percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM finalized_at - attempted_at)) AS p99
		FROM river_job WHERE state = 'completed' AND finalized_at > now() - interval '1 hour' AND attempted_at IS NOT NULL
		GROUP BY kind`))
	return ds, wrap("job durations", err)
}

// CountAnnotations counts the completed annotations submitted in the app (imports excluded).
func (s *Store) CountAnnotations(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.QueryRow(ctx, `SELECT count(*) FROM annotations WHERE NOT imported AND NOT was_cancelled`).Scan(&n)
	return n, wrap("count annotations", err)
}
