package app

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"concord/internal/classifier"
	"concord/internal/job"
	"concord/internal/labeling"
	"concord/internal/store"
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

// Models lists p's model versions with how often annotators kept each one's predictions.
func Models(ctx context.Context, st *store.Store, p store.Project) ([]ModelInfo, error) {
	vs, err := st.ModelVersions(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	kept, err := st.KeptPredictions(ctx, p.ID)
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

// Train enqueues a training of p's model now ("Train now"); a project whose
// config has nothing the in-house classifier learns is refused, saying so.
func Train(ctx context.Context, st *store.Store, jobs *job.Client, p store.Project) error {
	return TrainOn(ctx, st, jobs, p, "")
}

// TrainOn is Train on the labels of the tasks a Data Manager query selects
// only (a task table selection; "": all of them).
func TrainOn(ctx context.Context, st *store.Store, jobs *job.Client, p store.Project, query string) error {
	cfg, err := labeling.ParseConfig(p.LabelConfig)
	if err != nil {
		return ErrInvalid("the project's label config is not set up: "+err.Error(), nil)
	}
	if _, ok := classifier.For(cfg); !ok {
		return ErrInvalid("the in-house model learns choices and labels on text, images and audio, and this project's label config has none of them; connect an ML backend to pre-label it", nil)
	}
	return job.Insert(ctx, jobs, st, job.TrainArgs{ProjectID: p.ID, Query: query})
}

// Activate makes a version of p's model the active one and enqueues its pre-labeling.
func Activate(ctx context.Context, st *store.Store, jobs *job.Client, p store.Project, versionID int64) error {
	err := st.Transact(ctx, func(tx *store.Store) error {
		if err := tx.ActivateModelVersion(ctx, p.ID, versionID); err != nil {
			return err
		}
		return job.Insert(ctx, jobs, tx, job.PrelabelArgs{ProjectID: p.ID, VersionID: versionID})
	})
	if errors.Is(err, store.ErrNotFound) {
		return ErrNotFound("model version")
	}
	return err
}
