package store

import (
	"context"
	"strings"
)

// TaskExtra is what the task table shows of a task beyond its row: who
// annotated it, their latest labels, its newest prediction, ground truth
// and skips.
type TaskExtra struct {
	TaskID       int64    `db:"task_id"`
	Annotators   []string `db:"annotators"`
	Labels       []string `db:"labels"`
	Skipped      int64    `db:"skipped"`
	GroundTruth  bool     `db:"ground_truth"`
	Predicted    []string `db:"predicted"`
	Score        *float64 `db:"score"`
	ModelVersion *string  `db:"model_version"`
	Assignees    []string `db:"assignees"`
}

// labelPaths pick the labels out of a result: choices, span and box labels.
var labelPaths = []string{`'$[*].value.choices[*]'`, `'$[*].value.labels[*]'`, `'$[*].value.rectanglelabels[*]'`}

// TaskExtras reads the extras of a page of the project's tasks (ids of other projects are ignored).
func (s *Store) TaskExtras(ctx context.Context, projectID int64, ids []int64) (map[int64]TaskExtra, error) {
	labels := func(alias string) string {
		var parts []string
		for _, p := range labelPaths {
			parts = append(parts, `SELECT jsonb_path_query(`+alias+`.result, `+p+`) #>> '{}' AS l`)
		}
		return strings.Join(parts, " UNION ALL ")
	}
	es, err := all[TaskExtra](s.Pool.Query(ctx, `
		SELECT t.id AS task_id,
			coalesce((SELECT array_agg(DISTINCT coalesce(u.email, '(deleted user)') ORDER BY coalesce(u.email, '(deleted user)'))
				FROM annotations a LEFT JOIN users u ON u.id = a.completed_by WHERE a.task_id = t.id), '{}') AS annotators,
			coalesce((SELECT array_agg(DISTINCT x.l ORDER BY x.l) FROM annotations a, LATERAL (`+labels("a")+`) x
				WHERE a.task_id = t.id AND NOT a.was_cancelled), '{}') AS labels,
			(SELECT count(*) FROM annotations a WHERE a.task_id = t.id AND a.was_cancelled) AS skipped,
			EXISTS (SELECT 1 FROM annotations a WHERE a.task_id = t.id AND a.ground_truth) AS ground_truth,
			coalesce((SELECT array_agg(DISTINCT x.l ORDER BY x.l) FROM (SELECT * FROM predictions p WHERE p.task_id = t.id ORDER BY p.id DESC LIMIT 1) p,
				LATERAL (`+labels("p")+`) x), '{}') AS predicted,
			(SELECT p.score FROM predictions p WHERE p.task_id = t.id ORDER BY p.id DESC LIMIT 1) AS score,
			(SELECT p.model_version FROM predictions p WHERE p.task_id = t.id ORDER BY p.id DESC LIMIT 1) AS model_version,
			coalesce((SELECT array_agg(u.email ORDER BY u.email) FROM task_assignments s JOIN users u ON u.id = s.user_id
				WHERE s.task_id = t.id), '{}') AS assignees
		FROM tasks t WHERE t.project_id = $1 AND t.id = ANY($2)`, projectID, ids))
	if err != nil {
		return nil, wrap("task extras", err)
	}
	out := make(map[int64]TaskExtra, len(es))
	for _, e := range es {
		out[e.TaskID] = e
	}
	return out, nil
}
