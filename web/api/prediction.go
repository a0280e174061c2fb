package api

import (
	"encoding/json"
	"net/http"
	"time"

	"concord/internal/auth"
	"concord/internal/store"
	"concord/web/problem"
)

// predictionJSON is a prediction as Label Studio's API shows it.
type predictionJSON struct {
	ID           int64           `json:"id"`
	Task         int64           `json:"task"`
	ModelVersion string          `json:"model_version"`
	Score        *float64        `json:"score"`
	Result       json.RawMessage `json:"result"`
	CreatedAt    time.Time       `json:"created_at"`
}

func toPredictionJSON(p store.Prediction) predictionJSON {
	return predictionJSON{ID: p.ID, Task: p.TaskID, ModelVersion: p.ModelVersion, Score: p.Score, Result: p.Result, CreatedAt: p.CreatedAt}
}

// createPrediction answers POST /api/predictions, as in Label Studio:
// {"task", "result", "score", "model_version"}; project managers only.
func (a *API) createPrediction(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Task         int64             `json:"task"`
		Result       []json.RawMessage `json:"result"`
		Score        *float64          `json:"score"`
		ModelVersion string            `json:"model_version"`
	}
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	if in.Task <= 0 {
		return problem.Invalid("task: give the id of the task", nil)
	}
	t, err := a.store.TaskByID(r.Context(), in.Task)
	if err != nil {
		return problem.NotFound("task")
	}
	p, err := a.project(r, t.ProjectID, auth.ManageProject)
	if err != nil {
		return err
	}
	result, err := a.checkResult(r, p, t, in.Result, false)
	if err != nil {
		return err
	}
	pr, err := a.store.CreatePrediction(r.Context(), t.ID, in.ModelVersion, in.Score, result)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, toPredictionJSON(pr))
}

// listPredictions answers GET /api/predictions?task={id}.
func (a *API) listPredictions(w http.ResponseWriter, r *http.Request) error {
	tid, err := parseID(r.URL.Query().Get("task"), "task")
	if err != nil {
		return err
	}
	t, err := a.store.TaskByID(r.Context(), tid)
	if err != nil {
		return problem.NotFound("task")
	}
	if _, err := a.project(r, t.ProjectID, auth.ViewProject); err != nil {
		return problem.NotFound("task")
	}
	ps, err := a.store.PredictionsOf(r.Context(), t.ID)
	if err != nil {
		return err
	}
	out := make([]predictionJSON, len(ps))
	for i, p := range ps {
		out[i] = toPredictionJSON(p)
	}
	return writeJSON(w, http.StatusOK, out)
}
