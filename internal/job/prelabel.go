package job

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"concord/internal/classifier"
	"concord/internal/labeling"
	"concord/internal/media"
	"concord/internal/store"
)

// prelabelBatch is how many tasks are predicted and written at a time.
const prelabelBatch = 500

// PrelabelArgs asks for a model version to predict every unlabeled task of
// its project, or every task a Data Manager query selects.
type PrelabelArgs struct {
	ProjectID int64  `json:"project_id"`
	VersionID int64  `json:"version_id"`
	Query     string `json:"query,omitempty"` // a task table selection; empty: the unlabeled tasks
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
	sel, err := store.ParseDMQuery(p.ID, j.Args.Query)
	if err != nil {
		return fmt.Errorf("pre-label a selection: %w", err)
	}
	var after int64
	for {
		if active, err := w.store.IsActiveModel(ctx, v.ID); err != nil || !active {
			return err // superseded: the newer version pre-labels
		}
		tasks, err := w.prelabelBatch(ctx, p.ID, j.Args.Query != "", sel, after)
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

// prelabelBatch is the next batch of tasks to predict after the id after:
// the unlabeled ones, or those of the selection sel.
func (w *PrelabelWorker) prelabelBatch(ctx context.Context, projectID int64, selected bool, sel store.TaskQuery, after int64) ([]store.Task, error) {
	if !selected {
		return w.store.UnlabeledTasks(ctx, projectID, after, prelabelBatch)
	}
	sel.Order, sel.After, sel.Offset, sel.Limit = store.TaskOrder{}, &store.Cursor{ID: after}, 0, prelabelBatch
	rows, err := w.store.FindTasks(ctx, sel)
	tasks := make([]store.Task, len(rows))
	for i, r := range rows {
		tasks[i] = r.Task
	}
	return tasks, err
}
