package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"concord/internal/auth"
	"concord/internal/job"
	"concord/internal/store"
	"concord/web/problem"
)

// ModelInfo is a version of a project's in-house model, as the API and the models page show it.
type ModelInfo struct {
	ID           int64           `json:"id"`
	Version      int             `json:"version"`
	Name         string          `json:"model_version"`
	Kind         string          `json:"kind"`
	Control      string          `json:"control"`
	TrainedOn    int             `json:"trained_on"`
	HeldOut      int             `json:"held_out"`
	Metrics      json.RawMessage `json:"metrics"`
	TrainSeconds float64         `json:"train_seconds"`
	Active       bool            `json:"active"`
	CreatedAt    time.Time       `json:"created_at"`
	Predicted    int64           `json:"annotated_after_prediction"` // annotations made on tasks it had predicted
	Kept         int64           `json:"kept_unchanged"`             // of those, how many kept its labels
}

// Models lists a project's model versions with how often annotators kept
// each one's predictions.
func (a *API) Models(r *http.Request, p store.Project) ([]ModelInfo, error) {
	vs, err := a.store.ModelVersions(r.Context(), p.ID)
	if err != nil {
		return nil, err
	}
	kept, err := a.store.KeptPredictions(r.Context(), p.ID)
	if err != nil {
		return nil, err
	}
	out := make([]ModelInfo, len(vs))
	for i, v := range vs {
		k := kept[v.Name()]
		out[i] = ModelInfo{ID: v.ID, Version: v.Version, Name: v.Name(), Kind: v.Kind, Control: v.Control, TrainedOn: v.TrainedOn,
			HeldOut: v.HeldOut, Metrics: v.Metrics, TrainSeconds: v.TrainSeconds, Active: v.Active, CreatedAt: v.CreatedAt,
			Predicted: k[0], Kept: k[1]}
	}
	return out, nil
}

func (a *API) listModels(w http.ResponseWriter, r *http.Request) error {
	p, err := a.projectOf(r, auth.ManageProject)
	if err != nil {
		return err
	}
	ms, err := a.Models(r, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ms)
}

// Train enqueues a training of the project's model now ("Train now").
func (a *API) Train(r *http.Request, p store.Project) error {
	return job.Insert(r.Context(), a.jobs, a.store, job.TrainArgs{ProjectID: p.ID})
}

func (a *API) trainModel(w http.ResponseWriter, r *http.Request) error {
	p, err := a.projectOf(r, auth.ManageProject)
	if err != nil {
		return err
	}
	if err := a.Train(r, p); err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, map[string]string{"status": "queued"})
}

// Activate makes a version the active one and enqueues its pre-labeling.
func (a *API) Activate(r *http.Request, p store.Project, versionID int64) error {
	err := a.store.Transact(r.Context(), func(tx *store.Store) error {
		if err := tx.ActivateModelVersion(r.Context(), p.ID, versionID); err != nil {
			return err
		}
		return job.Insert(r.Context(), a.jobs, tx, job.PrelabelArgs{ProjectID: p.ID, VersionID: versionID})
	})
	if errors.Is(err, store.ErrNotFound) {
		return problem.NotFound("model version")
	}
	return err
}

func (a *API) activateModel(w http.ResponseWriter, r *http.Request) error {
	p, err := a.projectOf(r, auth.ManageProject)
	if err != nil {
		return err
	}
	vid, err := idParam(r, "version_id")
	if err != nil {
		return err
	}
	if err := a.Activate(r, p, vid); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
