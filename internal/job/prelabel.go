package job

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"

	"concord/internal/classifier"
	"concord/internal/labeling"
	"concord/internal/media"
	"concord/internal/store"
)

// prelabelBatch is how many tasks are predicted and written at a time.
const prelabelBatch = 500

// PrelabelArgs asks for a model version to predict every unlabeled task of its project.
type PrelabelArgs struct {
	ProjectID int64 `json:"project_id"`
	VersionID int64 `json:"version_id"`
}

// Kind names the job.
func (PrelabelArgs) Kind() string { return "prelabel" }

// InsertOpts makes the job unique per version.
func (PrelabelArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, UniqueOpts: oneAtATime}
}

// PrelabelWorker writes a version's predictions for the unlabeled tasks, in
// batches, stopping when another version becomes active.
type PrelabelWorker struct {
	river.WorkerDefaults[PrelabelArgs]
	store *store.Store
	blobs media.Blobs
}

// Timeout lets pre-labeling a large project take its time (a dead worker's job is requeued; see guard.go).
func (w *PrelabelWorker) Timeout(*river.Job[PrelabelArgs]) time.Duration { return -1 }

// Work runs the job.
func (w *PrelabelWorker) Work(ctx context.Context, j *river.Job[PrelabelArgs]) error {
	release, err := guard(ctx, w.store, j.ID)
	if err != nil {
		return err
	}
	defer release()
	v, err := w.store.ModelVersionByID(ctx, j.Args.ProjectID, j.Args.VersionID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	p, err := w.store.ProjectByID(ctx, v.ProjectID)
	if err != nil {
		return err
	}
	cfg, err := labeling.ParseConfig(p.LabelConfig)
	if err != nil {
		return nil
	}
	spec, ok := classifier.For(cfg)
	if !ok || spec.Kind != v.Kind || spec.Control.Name != v.Control {
		return nil // the config changed since the training
	}
	m, err := spec.Load(v.Model)
	if err != nil {
		return err
	}
	var after int64
	for {
		if active, err := w.store.IsActiveModel(ctx, v.ID); err != nil || !active {
			return err // superseded: the newer version pre-labels
		}
		tasks, err := w.store.UnlabeledTasks(ctx, p.ID, after, prelabelBatch)
		if err != nil || len(tasks) == 0 {
			return err
		}
		var batch []store.NewPrediction
		for _, t := range tasks {
			res, score, err := spec.Predict(ctx, w.blobs, m, t.Data)
			if err != nil {
				continue // an unreadable file gets no prediction
			}
			batch = append(batch, store.NewPrediction{TaskID: t.ID, ModelVersion: v.Name(), Score: &score, Result: res})
		}
		if err := w.store.ReplacePredictions(ctx, p.ID, "concord-v%", batch); err != nil {
			return err
		}
		after = tasks[len(tasks)-1].ID
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}
