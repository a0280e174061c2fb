package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"concord/internal/auth"
	"concord/internal/labeling"
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

// predictionInput is a prediction as Label Studio's clients send it; result
// may be full items, a control's value object or a bare label.
type predictionInput struct {
	Task         int64           `json:"task"`
	Result       json.RawMessage `json:"result"`
	Score        *float64        `json:"score"`
	ModelVersion string          `json:"model_version"`
}

// checkPrediction expands a prediction's short result from the project's
// config and validates it against the task.
func (a *API) checkPrediction(r *http.Request, p store.Project, t store.Task, in predictionInput) (json.RawMessage, error) {
	cfg, err := labeling.ParseConfig(p.LabelConfig)
	if err != nil {
		return nil, problem.Invalid("the project's label config is not set up: "+err.Error(), nil)
	}
	items, err := cfg.ExpandShortResult(in.Result)
	if err != nil {
		return nil, problem.Invalid(err.Error(), nil)
	}
	return a.checkResult(r, p, t, items, false)
}

// createPrediction answers POST /api/predictions, as in Label Studio:
// {"task", "result", "score", "model_version"}; project managers only.
func (a *API) createPrediction(w http.ResponseWriter, r *http.Request) error {
	var in predictionInput
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
	result, err := a.checkPrediction(r, p, t, in)
	if err != nil {
		return err
	}
	pr, err := a.store.CreatePrediction(r.Context(), t.ID, in.ModelVersion, in.Score, result)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, toPredictionJSON(pr))
}

// importPredictions answers POST /api/projects/{id}/import/predictions, Label
// Studio's bulk form: a list of predictions of the project's tasks, all
// checked before any is stored. It answers {"created": N}.
func (a *API) importPredictions(w http.ResponseWriter, r *http.Request) error {
	p, err := a.projectOf(r, auth.ManageProject)
	if err != nil {
		return err
	}
	var in []predictionInput
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	preds := make([]store.NewPrediction, len(in))
	for i, pi := range in {
		t, err := a.store.TaskByID(r.Context(), pi.Task)
		if err != nil || t.ProjectID != p.ID {
			return problem.Invalid(fmt.Sprintf("prediction %d: task %d is not a task of this project", i+1, pi.Task), nil)
		}
		result, err := a.checkPrediction(r, p, t, pi)
		if err != nil {
			pe := problem.From(err)
			return problem.Invalid(fmt.Sprintf("prediction %d: %s", i+1, pe.Msg), pe.Details)
		}
		preds[i] = store.NewPrediction{TaskID: t.ID, ModelVersion: pi.ModelVersion, Score: pi.Score, Result: result}
	}
	if err := a.store.AddPredictions(r.Context(), p.ID, preds); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]int{"created": len(preds)})
}

// listPredictions answers GET /api/predictions?task={id} or ?project={id}.
func (a *API) listPredictions(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	var ps []store.Prediction
	if q.Get("task") == "" && q.Get("project") != "" {
		pid, err := parseID(q.Get("project"), "project")
		if err != nil {
			return err
		}
		p, err := a.project(r, pid, auth.ViewProject)
		if err != nil {
			return err
		}
		if ps, err = a.store.ProjectPredictions(r.Context(), p.ID); err != nil {
			return err
		}
	} else {
		tid, err := parseID(q.Get("task"), "task")
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
		if ps, err = a.store.PredictionsOf(r.Context(), t.ID); err != nil {
			return err
		}
	}
	out := make([]predictionJSON, len(ps))
	for i, p := range ps {
		out[i] = toPredictionJSON(p)
	}
	return writeJSON(w, http.StatusOK, out)
}

// prediction loads the prediction named by the URL's {id} and its project,
// which the caller may act on so; one of a project the caller cannot see is
// not found.
func (a *API) prediction(r *http.Request, act auth.Action) (store.Prediction, store.Project, error) {
	return inProject(a, r, act, "prediction", a.store.PredictionByID, func(p store.Prediction) int64 { return p.ProjectID })
}

// getPrediction answers GET /api/predictions/{id}.
func (a *API) getPrediction(w http.ResponseWriter, r *http.Request) error {
	pr, _, err := a.prediction(r, auth.ViewProject)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toPredictionJSON(pr))
}

// updatePrediction answers PATCH /api/predictions/{id}: any of result (in
// the forms create takes), score and model_version; the task stays.
func (a *API) updatePrediction(w http.ResponseWriter, r *http.Request) error {
	pr, p, err := a.prediction(r, auth.ManageProject)
	if err != nil {
		return err
	}
	var in struct {
		predictionInput
		Task json.RawMessage `json:"task"`
	}
	in.Score, in.ModelVersion = pr.Score, pr.ModelVersion
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	if len(in.Task) > 0 && string(in.Task) != "null" && string(in.Task) != fmt.Sprint(pr.TaskID) {
		return problem.Invalid("task: a prediction cannot move to another task", nil)
	}
	if len(in.Result) > 0 {
		t, err := a.store.TaskByID(r.Context(), pr.TaskID)
		if err != nil {
			return err
		}
		if pr.Result, err = a.checkPrediction(r, p, t, in.predictionInput); err != nil {
			return err
		}
	}
	pr.Score, pr.ModelVersion = in.Score, in.ModelVersion
	if pr, err = a.store.UpdatePrediction(r.Context(), pr); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toPredictionJSON(pr))
}

// deletePrediction answers DELETE /api/predictions/{id}.
func (a *API) deletePrediction(w http.ResponseWriter, r *http.Request) error {
	pr, _, err := a.prediction(r, auth.ManageProject)
	if err != nil {
		return err
	}
	if err := a.store.DeletePrediction(r.Context(), pr.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
