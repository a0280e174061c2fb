package store

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// ModelVersion is one trained version of a project's in-house model.
type ModelVersion struct {
	ID               int64           `db:"id"`
	ProjectID        int64           `db:"project_id"`
	Version          int             `db:"version"`
	Kind             string          `db:"kind"`
	Control          string          `db:"control"`
	Object           string          `db:"object"`
	TrainedOn        int             `db:"trained_on"`
	HeldOut          int             `db:"held_out"`
	Metrics          json.RawMessage `db:"metrics"`
	Model            []byte          `db:"model"`
	LastAnnotationID int64           `db:"last_annotation_id"`
	TrainSeconds     float64         `db:"train_seconds"`
	Active           bool            `db:"active"`
	CreatedAt        time.Time       `db:"created_at"`
}

// Name is how predictions name the version (their model_version).
func (m ModelVersion) Name() string { return ModelVersionName(m.Version) }

// ModelVersionName names version n of the in-house model.
func ModelVersionName(n int) string { return "concord-v" + strconv.Itoa(n) }

const modelColumns = `id, project_id, version, kind, control, object, trained_on, held_out, metrics,
	last_annotation_id, train_seconds, active, created_at`

// LabelsSinceTraining counts the project's completed annotations newer than
// the newest one its latest model saw, up to limit.
func (s *Store) LabelsSinceTraining(ctx context.Context, projectID int64, limit int) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `
		SELECT count(*) FROM (SELECT 1 FROM annotations WHERE project_id = $1 AND NOT was_cancelled
			AND id > (SELECT coalesce(max(last_annotation_id), 0) FROM model_versions WHERE project_id = $1)
			LIMIT $2) s`, projectID, limit).Scan(&n)
	return n, wrap("labels since training", err)
}

// LabeledTask is a task with its completed annotations, best first: ground
// truth, then the newest.
type LabeledTask struct {
	ID          int64
	Data        json.RawMessage
	Results     []json.RawMessage // one result list per annotation
	GroundTruth bool              // the first result list is ground truth
}

// LabeledTasks calls fn for every task q selects (TaskQuery{ProjectID: id}:
// all of the project's) with completed annotations, in id order, and returns
// the newest annotation id it saw.
func (s *Store) LabeledTasks(ctx context.Context, q TaskQuery, fn func(LabeledTask) error) (int64, error) {
	q.Order, q.After, q.Offset = TaskOrder{}, nil, 0
	a := &sqlArgs{}
	where, _, err := q.build(a)
	if err != nil {
		return 0, err
	}
	rows, err := s.db.Query(ctx, `
		SELECT t.id, t.data, json_agg(a.result ORDER BY a.ground_truth DESC, a.id DESC), bool_or(a.ground_truth), max(a.id)
		FROM tasks t JOIN annotations a ON a.task_id = t.id AND NOT a.was_cancelled
		WHERE `+where+` GROUP BY t.id ORDER BY t.id`, a.args...)
	if err != nil {
		return 0, wrap("labeled tasks", err)
	}
	defer rows.Close()
	var last int64
	for rows.Next() {
		var lt LabeledTask
		var results []byte
		var maxID int64
		if err := rows.Scan(&lt.ID, &lt.Data, &results, &lt.GroundTruth, &maxID); err != nil {
			return 0, wrap("labeled tasks", err)
		}
		if err := json.Unmarshal(results, &lt.Results); err != nil {
			return 0, wrap("labeled tasks", err)
		}
		last = max(last, maxID)
		if err := fn(lt); err != nil {
			return 0, err
		}
	}
	return last, wrap("labeled tasks", rows.Err())
}

// SaveModelVersion stores a trained version as the project's active one.
func (s *Store) SaveModelVersion(ctx context.Context, m ModelVersion) (ModelVersion, error) {
	var saved ModelVersion
	err := s.Transact(ctx, func(tx *Store) error {
		if _, err := tx.db.Exec(ctx, `UPDATE model_versions SET active = false WHERE project_id = $1 AND active`, m.ProjectID); err != nil {
			return err
		}
		var err error
		saved, err = one[ModelVersion](tx.db.Query(ctx, `
			INSERT INTO model_versions (project_id, version, kind, control, object, trained_on, held_out, metrics, model,
				last_annotation_id, train_seconds, active)
			SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9, $10, true
			FROM model_versions WHERE project_id = $1
			RETURNING `+modelColumns+`, model`,
			m.ProjectID, m.Kind, m.Control, m.Object, m.TrainedOn, m.HeldOut, m.Metrics, m.Model, m.LastAnnotationID, m.TrainSeconds))
		return err
	})
	return saved, wrap("save model version", err)
}

// ModelVersions lists a project's versions, newest first, without their bytes.
func (s *Store) ModelVersions(ctx context.Context, projectID int64) ([]ModelVersion, error) {
	ms, err := all[ModelVersion](s.db.Query(ctx, `SELECT `+modelColumns+`, NULL::bytea AS model
		FROM model_versions WHERE project_id = $1 ORDER BY version DESC`, projectID))
	return ms, wrap("model versions", err)
}

// ModelVersionByID finds a version, with its bytes.
func (s *Store) ModelVersionByID(ctx context.Context, projectID, id int64) (ModelVersion, error) {
	m, err := one[ModelVersion](s.db.Query(ctx, `SELECT `+modelColumns+`, model FROM model_versions
		WHERE id = $1 AND project_id = $2`, id, projectID))
	return m, wrap("model version", err)
}

// ActivateModelVersion makes a version the active one (a roll back or forward).
func (s *Store) ActivateModelVersion(ctx context.Context, projectID, id int64) error {
	return wrap("activate model version", s.Transact(ctx, func(tx *Store) error {
		if _, err := tx.db.Exec(ctx, `UPDATE model_versions SET active = false WHERE project_id = $1 AND active`, projectID); err != nil {
			return err
		}
		return mustAffect(tx.db.Exec(ctx, `UPDATE model_versions SET active = true WHERE id = $1 AND project_id = $2`, id, projectID))
	}))
}

// IsActiveModel reports whether a version is still the active one.
func (s *Store) IsActiveModel(ctx context.Context, id int64) (bool, error) {
	var active bool
	err := s.db.QueryRow(ctx, `SELECT active FROM model_versions WHERE id = $1`, id).Scan(&active)
	return active, wrap("is active model", noRows(err))
}

// UnlabeledTasks lists a page of the project's tasks without completed
// annotations, after the id after.
func (s *Store) UnlabeledTasks(ctx context.Context, projectID, after int64, limit int) ([]Task, error) {
	ts, err := all[Task](s.db.Query(ctx, `SELECT `+taskColumns+` FROM tasks
		WHERE project_id = $1 AND done_count = 0 AND id > $2 ORDER BY id LIMIT $3`, projectID, after, limit))
	return ts, wrap("unlabeled tasks", err)
}

// ReplacePredictions stores a batch of a model's predictions, replacing the
// earlier predictions of those tasks whose model_version matches the LIKE
// pattern same (one model's versions), and sets each task's lowest score for
// uncertainty sampling.
func (s *Store) ReplacePredictions(ctx context.Context, projectID int64, same string, ps []NewPrediction) error {
	ids := make([]int64, len(ps))
	for i, p := range ps {
		ids[i] = p.TaskID
	}
	return wrap("replace predictions", s.Transact(ctx, func(tx *Store) error {
		if _, err := tx.db.Exec(ctx, `DELETE FROM predictions WHERE task_id = ANY($1) AND model_version LIKE $2`, ids, same); err != nil {
			return err
		}
		_, err := tx.db.CopyFrom(ctx, pgx.Identifier{"predictions"}, []string{"task_id", "project_id", "model_version", "score", "result"},
			pgx.CopyFromSlice(len(ps), func(i int) ([]any, error) {
				p := ps[i]
				return []any{p.TaskID, projectID, p.ModelVersion, p.Score, p.Result}, nil
			}))
		if err != nil {
			return err
		}
		_, err = tx.db.Exec(ctx, `UPDATE tasks t SET uncertainty = (SELECT min(score) FROM predictions p WHERE p.task_id = t.id)
			WHERE t.id = ANY($1)`, ids)
		return err
	}))
}

// KeptPredictions counts, per model version name, the annotations made on
// tasks that had that version's prediction, and how many of them kept the
// prediction's labels unchanged.
func (s *Store) KeptPredictions(ctx context.Context, projectID int64) (map[string][2]int64, error) {
	rows, err := s.db.Query(ctx, `
		SELECT p.model_version, count(*),
			count(*) FILTER (WHERE jsonb_path_query_array(a.result, '$[*].value') @> jsonb_path_query_array(p.result, '$[*].value')
				AND jsonb_path_query_array(p.result, '$[*].value') @> jsonb_path_query_array(a.result, '$[*].value'))
		FROM predictions p JOIN annotations a ON a.task_id = p.task_id AND NOT a.was_cancelled AND NOT a.imported
			AND a.created_at >= p.created_at
		WHERE p.project_id = $1 AND p.model_version LIKE 'concord-v%'
		GROUP BY p.model_version`, projectID)
	if err != nil {
		return nil, wrap("kept predictions", err)
	}
	out := map[string][2]int64{}
	var name string
	var n, kept int64
	_, err = pgx.ForEachRow(rows, []any{&name, &n, &kept}, func() error { out[name] = [2]int64{n, kept}; return nil })
	return out, wrap("kept predictions", err)
}
