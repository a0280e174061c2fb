package job

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"concord/internal/labeling"
	"concord/internal/ml/backend"
	"concord/internal/store"
)

// backendBatch is how many tasks one /predict call carries.
const backendBatch = 20

// BackendPredictArgs asks an external ML backend for predictions on the
// project's unlabeled tasks.
type BackendPredictArgs struct {
	ProjectID int64 `json:"project_id"`
	BackendID int64 `json:"backend_id"`
}

// Kind names the job.
func (BackendPredictArgs) Kind() string { return "ml_backend_predict" }

// InsertOpts makes one such job per backend at a time.
func (BackendPredictArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, UniqueOpts: oneAtATime}
}

// BackendPredictWorker stores a backend's predictions, checked against the config.
type BackendPredictWorker struct {
	river.WorkerDefaults[BackendPredictArgs]
	store *store.Store
	http  *http.Client
}

// Timeout lets a large project take its time (a dead worker's job is requeued; see guard.go).
func (w *BackendPredictWorker) Timeout(*river.Job[BackendPredictArgs]) time.Duration { return -1 }

// Work runs the job.
func (w *BackendPredictWorker) Work(ctx context.Context, j *river.Job[BackendPredictArgs]) error {
	release, err := guard(ctx, w.store, j.ID)
	if err != nil {
		return err
	}
	defer release()
	b, err := w.store.MLBackendByID(ctx, j.Args.BackendID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	p, err := w.store.ProjectByID(ctx, b.ProjectID)
	if err != nil {
		return err
	}
	cfg, err := labeling.ParseConfig(p.LabelConfig)
	if err != nil {
		return nil
	}
	c, err := backend.New(b.URL, w.http, backend.Options{})
	if err != nil {
		return err
	}
	var after int64
	for {
		tasks, err := w.store.UnlabeledTasks(ctx, p.ID, after, backendBatch)
		if err != nil || len(tasks) == 0 {
			return err
		}
		req := backend.PredictRequest{Project: backend.ProjectUID(p.ID, p.CreatedAt), LabelConfig: p.LabelConfig, ModelVersion: b.ModelVersion}
		for _, t := range tasks {
			req.Tasks = append(req.Tasks, map[string]any{"id": t.ID, "data": t.Data})
		}
		preds, err := c.Predict(ctx, req)
		if err != nil {
			w.store.SetMLBackendState(ctx, b.ID, "error", err.Error())
			return err
		}
		var batch []store.NewPrediction
		version := b.ModelVersion
		for _, pr := range preds {
			t := tasks[pr.Task]
			if ok := validPrediction(cfg, t, pr.Result); !ok {
				continue // a result the config does not allow is not shown to annotators
			}
			v := cmpOr(pr.ModelVersion, b.ModelVersion, fmt.Sprintf("ml-backend-%d", b.ID))
			version = v
			batch = append(batch, store.NewPrediction{TaskID: t.ID, ModelVersion: v, Score: pr.Score, Result: pr.Result})
		}
		if err := w.store.ReplacePredictions(ctx, p.ID, likeExact(version), batch); err != nil {
			return err
		}
		w.store.SetMLBackendState(ctx, b.ID, "connected", "")
		after = tasks[len(tasks)-1].ID
	}
}

// validPrediction checks a backend's result against the config and the task.
func validPrediction(cfg *labeling.Config, t store.Task, raw json.RawMessage) bool {
	var results []labeling.Result
	var data map[string]any
	if json.Unmarshal(raw, &results) != nil || json.Unmarshal(t.Data, &data) != nil {
		return false
	}
	return cfg.Validate(results, labeling.Task{Data: data}) == nil
}

func cmpOr(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// likeExact escapes a string for use as a LIKE pattern matching only itself.
func likeExact(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// BackendWebhookArgs tells a backend an annotation was created, so it can learn from it.
type BackendWebhookArgs struct {
	ProjectID    int64 `json:"project_id"`
	BackendID    int64 `json:"backend_id"`
	AnnotationID int64 `json:"annotation_id"`
}

// Kind names the job.
func (BackendWebhookArgs) Kind() string { return "ml_backend_webhook" }

// BackendWebhookWorker posts ANNOTATION_CREATED to a backend's /webhook.
type BackendWebhookWorker struct {
	river.WorkerDefaults[BackendWebhookArgs]
	store *store.Store
	http  *http.Client
}

// Work runs the job.
func (w *BackendWebhookWorker) Work(ctx context.Context, j *river.Job[BackendWebhookArgs]) error {
	b, err := w.store.MLBackendByID(ctx, j.Args.BackendID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	a, err := w.store.AnnotationByID(ctx, j.Args.AnnotationID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	t, err := w.store.TaskByID(ctx, a.TaskID)
	if err != nil {
		return err
	}
	p, err := w.store.ProjectByID(ctx, b.ProjectID)
	if err != nil {
		return err
	}
	c, err := backend.New(b.URL, w.http, backend.Options{})
	if err != nil {
		return err
	}
	return c.Webhook(ctx, backend.EventAnnotationCreated, backend.WebhookPayload{
		Project:    backend.WebhookProject{ID: p.ID, Title: p.Title, LabelConfig: p.LabelConfig},
		Task:       map[string]any{"id": t.ID, "data": t.Data},
		Annotation: map[string]any{"id": a.ID, "task": a.TaskID, "result": a.Result, "completed_by": a.CompletedBy, "lead_time": a.LeadTime},
	})
}
