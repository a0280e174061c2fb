package job

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"concord/internal/classifier"
	"concord/internal/labeling"
	"concord/internal/live"
	"concord/internal/media"
	"concord/internal/ml"
	"concord/internal/store"
)

// TrainArgs asks for the project's in-house model to be trained on its labels.
type TrainArgs struct {
	ProjectID int64 `json:"project_id"`
	// Query, a Data Manager query, trains on the labels of the tasks it
	// selects only (a task table selection); empty: all the project's labels.
	Query string `json:"query,omitempty"`
}

// Kind names the job.
func (TrainArgs) Kind() string { return "train" }

// InsertOpts makes one training per project at a time: while one waits or
// runs, asking again changes nothing.
func (TrainArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 3, UniqueOpts: oneAtATime}
}

// TrainWorker trains a project's model, stores the version with its metrics,
// makes it active and enqueues its pre-labeling, in one transaction.
type TrainWorker struct {
	river.WorkerDefaults[TrainArgs]
	store *store.Store
	blobs media.Blobs
}

// Timeout bounds a training.
func (w *TrainWorker) Timeout(*river.Job[TrainArgs]) time.Duration { return time.Hour }

// Work runs the job.
func (w *TrainWorker) Work(ctx context.Context, j *river.Job[TrainArgs]) error {
	release, err := guard(ctx, w.store, j.ID)
	if err != nil {
		return err
	}
	defer release()
	p, err := w.store.ProjectByID(ctx, j.Args.ProjectID)
	if errors.Is(err, store.ErrNotFound) {
		return nil // deleted meanwhile
	}
	if err != nil {
		return err
	}
	cfg, err := labeling.ParseConfig(p.LabelConfig)
	if err != nil {
		return nil // not set up: nothing to train
	}
	spec, ok := classifier.For(cfg)
	if !ok {
		return nil // no control the in-house classifier understands
	}
	sel, err := store.ParseDMQuery(p.ID, j.Args.Query)
	if err != nil {
		return fmt.Errorf("train on a selection: %w", err)
	}
	var train, test []classifier.Example
	last, err := w.store.LabeledTasks(ctx, sel, func(lt store.LabeledTask) error {
		ex, ok := spec.Example(ctx, w.blobs, lt.Data, lt.Results, lt.GroundTruth)
		if !ok {
			return ctx.Err()
		}
		if classifier.HeldOut(lt.ID) {
			test = append(test, ex)
		} else {
			train = append(train, ex)
		}
		return ctx.Err()
	})
	if err != nil {
		return err
	}
	if len(train)+len(test) < 20 {
		// Too few to hold any out: learn from all, report no metrics.
		train, test = append(train, test...), nil
	}
	start := time.Now()
	m, err := spec.Train(train)
	if errors.Is(err, ml.ErrNoData) {
		return nil // not enough labels or labels of one kind only: wait for more
	}
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	secs := time.Since(start).Seconds()
	metrics, _ := json.Marshal(spec.Evaluate(m, test))
	b, err := m.MarshalBinary()
	if err != nil {
		return err
	}
	var v store.ModelVersion
	err = w.store.Transact(ctx, func(tx *store.Store) error {
		var err error
		v, err = tx.SaveModelVersion(ctx, store.ModelVersion{
			ProjectID: p.ID, Kind: spec.Kind, Control: spec.Control.Name, Object: spec.Object.Name,
			TrainedOn: len(train), HeldOut: len(test), Metrics: metrics, Model: b, LastAnnotationID: last, TrainSeconds: secs,
		})
		if err != nil {
			return err
		}
		jobs := river.ClientFromContext[pgx.Tx](ctx)
		if err := Insert(ctx, jobs, tx, PrelabelArgs{ProjectID: p.ID, VersionID: v.ID}); err != nil {
			return err
		}
		return Notify(ctx, jobs, tx, p.ID, EventModelTrained, map[string]any{"version": v.Version, "model_version": v.Name(), "metrics": json.RawMessage(metrics)})
	})
	if err != nil {
		return err
	}
	data, _ := json.Marshal(map[string]any{"version": v.Version, "metrics": json.RawMessage(metrics)})
	live.Notify(ctx, w.store.Pool, live.Event{Project: p.ID, Type: live.TypeModelTrained, ID: v.ID, Data: data})
	return nil
}

// TrainIfDue enqueues a training in tx when the project has gathered
// retrain_every new labels since its model last trained (and its config has
// a control the in-house classifier understands).
func TrainIfDue(ctx context.Context, jobs *Client, tx *store.Store, p store.Project) error {
	cfg, err := labeling.ParseConfig(p.LabelConfig)
	if err != nil {
		return nil
	}
	if _, ok := classifier.For(cfg); !ok {
		return nil
	}
	n, err := tx.LabelsSinceTraining(ctx, p.ID, p.RetrainEvery)
	if err != nil || n < p.RetrainEvery {
		return err
	}
	return Insert(ctx, jobs, tx, TrainArgs{ProjectID: p.ID})
}
