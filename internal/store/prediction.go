package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// Prediction is a model's proposed labels for a task.
type Prediction struct {
	ID           int64           `db:"id" json:"id"`
	TaskID       int64           `db:"task_id" json:"task_id"`
	ProjectID    int64           `db:"project_id" json:"project_id"`
	ModelVersion string          `db:"model_version" json:"model_version"`
	Score        *float64        `db:"score" json:"score"`
	Result       json.RawMessage `db:"result" json:"result"`
	CreatedAt    time.Time       `db:"created_at" json:"created_at"`
}

// PredictionsOf lists a task's predictions, newest first.
func (s *Store) PredictionsOf(ctx context.Context, taskID int64) ([]Prediction, error) {
	ps, err := all[Prediction](s.db.Query(ctx, `
		SELECT id, task_id, project_id, model_version, score, result, created_at
		FROM predictions WHERE task_id = $1 ORDER BY id DESC`, taskID))
	return ps, wrap("predictions", err)
}

// MediaByHashes finds the stored files with these hashes.
func (s *Store) MediaByHashes(ctx context.Context, hashes []string) ([]Media, error) {
	ms, err := all[Media](s.db.Query(ctx, `
		SELECT hash, kind, mime, size, width, height, duration, NULL::jsonb AS peaks FROM media WHERE hash = ANY($1)`, hashes))
	return ms, wrap("media by hashes", err)
}

// CreatePrediction stores a prediction and keeps the task's lowest score, by
// which uncertainty sampling orders the queue.
func (s *Store) CreatePrediction(ctx context.Context, taskID int64, modelVersion string, score *float64, result json.RawMessage) (Prediction, error) {
	var p Prediction
	err := s.Transact(ctx, func(tx *Store) error {
		var err error
		p, err = one[Prediction](tx.db.Query(ctx, `
			INSERT INTO predictions (task_id, project_id, model_version, score, result)
			SELECT id, project_id, $2, $3, $4 FROM tasks WHERE id = $1
			RETURNING id, task_id, project_id, model_version, score, result, created_at`, taskID, modelVersion, score, result))
		if err != nil || score == nil {
			return err
		}
		_, err = tx.db.Exec(ctx, `UPDATE tasks SET uncertainty = LEAST(coalesce(uncertainty, $2), $2) WHERE id = $1`, taskID, *score)
		return err
	})
	return p, wrap("create prediction", err)
}

// AddPredictions stores predictions of a project's tasks in one transaction,
// keeping each task's lowest score as CreatePrediction does.
func (s *Store) AddPredictions(ctx context.Context, projectID int64, ps []NewPrediction) error {
	return wrap("add predictions", s.Transact(ctx, func(tx *Store) error {
		b := &pgx.Batch{}
		for _, p := range ps {
			b.Queue(`INSERT INTO predictions (task_id, project_id, model_version, score, result)
				SELECT id, project_id, $2, $3, $4 FROM tasks WHERE id = $1 AND project_id = $5`, p.TaskID, p.ModelVersion, p.Score, p.Result, projectID)
			if p.Score != nil {
				b.Queue(`UPDATE tasks SET uncertainty = LEAST(coalesce(uncertainty, $2), $2) WHERE id = $1`, p.TaskID, *p.Score)
			}
		}
		return tx.tx.SendBatch(ctx, b).Close()
	}))
}

const predictionColumns = `id, task_id, project_id, model_version, score, result, created_at`

// PredictionByID finds a prediction.
func (s *Store) PredictionByID(ctx context.Context, id int64) (Prediction, error) {
	p, err := one[Prediction](s.db.Query(ctx, `SELECT `+predictionColumns+` FROM predictions WHERE id = $1`, id))
	return p, wrap("prediction by id", err)
}

// ProjectPredictions lists a project's predictions, oldest first.
func (s *Store) ProjectPredictions(ctx context.Context, projectID int64) ([]Prediction, error) {
	ps, err := all[Prediction](s.db.Query(ctx, `SELECT `+predictionColumns+` FROM predictions WHERE project_id = $1 ORDER BY id`, projectID))
	return ps, wrap("project predictions", err)
}

// UpdatePrediction replaces a prediction's model version, score and result,
// and recomputes its task's lowest score.
func (s *Store) UpdatePrediction(ctx context.Context, p Prediction) (Prediction, error) {
	var out Prediction
	err := s.Transact(ctx, func(tx *Store) error {
		var err error
		out, err = one[Prediction](tx.db.Query(ctx, `
			UPDATE predictions SET model_version = $2, score = $3, result = $4 WHERE id = $1
			RETURNING `+predictionColumns, p.ID, p.ModelVersion, p.Score, p.Result))
		if err != nil {
			return err
		}
		return tx.rescore(ctx, out.TaskID)
	})
	return out, wrap("update prediction", err)
}

// DeletePrediction removes a prediction and recomputes its task's lowest score.
func (s *Store) DeletePrediction(ctx context.Context, id int64) error {
	return wrap("delete prediction", s.Transact(ctx, func(tx *Store) error {
		var taskID int64
		err := tx.db.QueryRow(ctx, `DELETE FROM predictions WHERE id = $1 RETURNING task_id`, id).Scan(&taskID)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		return tx.rescore(ctx, taskID)
	}))
}

// rescore sets a task's uncertainty to the lowest score of its predictions.
func (s *Store) rescore(ctx context.Context, taskID int64) error {
	_, err := s.db.Exec(ctx, `UPDATE tasks SET uncertainty = (SELECT min(score) FROM predictions WHERE task_id = $1) WHERE id = $1`, taskID)
	return err
}
