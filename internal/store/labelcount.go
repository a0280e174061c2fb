package store

import "context"

// LabelCount is a project's labels as submissions counted them (Submit), and
// how many of them the drain last acted on.
type LabelCount struct {
	ProjectID int64 `db:"project_id"`
	Labels    int64 `db:"labels"`
	Drained   int64 `db:"drained"`
}

// LabelsToDrain lists the projects whose count of labels moved since
// MarkDrained last recorded it: their agreement, and perhaps their model, are
// due for an update. One read of a row per (project, annotator); no
// submission waits on it.
func (s *Store) LabelsToDrain(ctx context.Context) ([]LabelCount, error) {
	cs, err := all[LabelCount](s.db.Query(ctx, `
		SELECT c.project_id, c.labels, coalesce(d.labels, 0) AS drained
		FROM (SELECT project_id, sum(labels)::bigint AS labels FROM label_counts GROUP BY project_id) c
		LEFT JOIN label_drains d ON d.project_id = c.project_id
		WHERE d.labels IS DISTINCT FROM c.labels
		ORDER BY c.project_id`))
	return cs, wrap("labels to drain", err)
}

// MarkDrained records that what a project's count of labels makes due was
// enqueued up to labels (call it in the transaction that enqueues it).
func (s *Store) MarkDrained(ctx context.Context, projectID, labels int64) error {
	_, err := s.db.Exec(ctx, `
		INSERT INTO label_drains (project_id, labels) VALUES ($1, $2)
		ON CONFLICT (project_id) DO UPDATE SET labels = EXCLUDED.labels`, projectID, labels)
	return wrap("mark drained", err)
}
