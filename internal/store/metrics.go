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
	cs, err := all[JobCount](s.Pool.Query(ctx, `SELECT kind, state::text AS state, count(*) AS n FROM river_job GROUP BY kind, state`))
	return cs, wrap("job counts", err)
}
