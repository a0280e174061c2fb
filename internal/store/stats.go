package store

import (
	"context"
)

// AnnotatorCount is one annotator's work in a project.
type AnnotatorCount struct {
	UserID int64  `db:"user_id" json:"user_id"`
	Email  string `db:"email" json:"email"`
	Total  int64  `db:"total" json:"total"`
	Today  int64  `db:"today" json:"today"`
}

// ProjectStats is a project's progress.
type ProjectStats struct {
	Tasks            int64            `json:"tasks"`
	Completed        int64            `json:"completed"` // tasks with all the annotators they need
	Annotations      int64            `json:"annotations"`
	AnnotationsToday int64            `json:"annotations_today"`
	Annotators       []AnnotatorCount `json:"annotators"`
}

// StatsOf counts a project's progress: tasks, completed tasks, annotations
// (all and today) and each annotator's share.
func (s *Store) StatsOf(ctx context.Context, projectID int64) (ProjectStats, error) {
	var st ProjectStats
	err := s.db.QueryRow(ctx, `
		SELECT p.task_count,
			(SELECT count(*) FROM tasks WHERE project_id = $1 AND is_full),
			(SELECT count(*) FROM annotations WHERE project_id = $1 AND NOT was_cancelled),
			(SELECT count(*) FROM annotations WHERE project_id = $1 AND NOT was_cancelled AND created_at >= date_trunc('day', now()))
		FROM projects p WHERE p.id = $1`, projectID).Scan(&st.Tasks, &st.Completed, &st.Annotations, &st.AnnotationsToday)
	if err != nil {
		return st, wrap("project stats", noRows(err))
	}
	st.Annotators, err = all[AnnotatorCount](s.db.Query(ctx, `
		SELECT a.completed_by AS user_id, u.email, count(*) AS total,
			count(*) FILTER (WHERE a.created_at >= date_trunc('day', now())) AS today
		FROM annotations a JOIN users u ON u.id = a.completed_by
		WHERE a.project_id = $1 AND NOT a.was_cancelled
		GROUP BY a.completed_by, u.email ORDER BY total DESC, u.email LIMIT 200`, projectID))
	return st, wrap("project stats", err)
}
