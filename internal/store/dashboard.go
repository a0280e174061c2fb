package store

import (
	"context"
	"time"
)

// DayCount is how many annotations a project received on one day.
type DayCount struct {
	Day   time.Time `db:"day"`
	Count int64     `db:"count"`
}

// AnnotationsPerDay counts a project's submitted (not skipped) annotations per
// day over the last days days, today included, oldest first; days without any
// are there with zero.
func (s *Store) AnnotationsPerDay(ctx context.Context, projectID int64, days int) ([]DayCount, error) {
	if days < 1 {
		days = 1
	}
	out, err := all[DayCount](s.db.Query(ctx, `
		WITH span AS (SELECT date_trunc('day', now()) - ($2::int - 1) * interval '1 day' AS first),
		c AS (
			SELECT date_trunc('day', a.created_at) AS day, count(*) AS n
			FROM annotations a, span
			WHERE a.project_id = $1 AND NOT a.was_cancelled AND a.created_at >= span.first
			GROUP BY 1)
		SELECT d AS day, coalesce(c.n, 0) AS count
		FROM span, generate_series(span.first, date_trunc('day', now()), interval '1 day') AS d
		LEFT JOIN c ON c.day = d
		ORDER BY d`, projectID, days))
	return out, wrap("annotations per day", err)
}
