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
	"concord/internal/netguard"
	"concord/internal/store"
)

// backendBatch is how many tasks one /predict call carries.
const backendBatch = 20

// BackendPredictArgs asks an external ML backend for predictions on the
// project's unlabeled tasks.
type BackendPredictArgs struct {
	ProjectID int64 `json:"project_id"`
	BackendID int64 `json:"backend_id"`
	// Asked, when set, is when new tasks or a user asked again: such a job is
	// not merged into one already running, which may have passed those tasks.
	Asked int64 `json:"asked,omitempty"`
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
			w.store.SetMLBackendState(ctx, b.ID, "error", netguard.Message(err))
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

// predictNewTasks asks each ML backend of the project, in tx, for predictions
// on its unlabeled tasks, as Label Studio does for tasks imported after a
// backend was connected.
func predictNewTasks(ctx context.Context, jobs *Client, tx *store.Store, projectID int64) error {
	bs, err := tx.MLBackends(ctx, projectID)
	if err != nil {
		return err
	}
	for _, b := range bs {
		if err := Insert(ctx, jobs, tx, BackendPredictArgs{ProjectID: projectID, BackendID: b.ID, Asked: time.Now().UnixNano()}); err != nil {
			return err
		}
	}
	return nil
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

// BackendWebhookArgs tells a backend an annotation was created, updated or
// deleted (Label Studio's ANNOTATION_* actions), so it can learn from it.
type BackendWebhookArgs struct {
	ProjectID    int64  `json:"project_id"`
	BackendID    int64  `json:"backend_id"`
	AnnotationID int64  `json:"annotation_id"`
	Action       string `json:"action,omitempty"` // empty: ANNOTATION_CREATED (jobs enqueued before actions existed)
	// Deleted carries a deleted annotation and its task, which are gone when the job runs.
	Deleted *deletedAnnotation `json:"deleted,omitempty"`
}

// deletedAnnotation is what an ANNOTATION_DELETED webhook says of the annotation.
type deletedAnnotation struct {
	Annotation store.Annotation `json:"annotation"`
	Task       json.RawMessage  `json:"task_data"`
}

// Kind names the job.
func (BackendWebhookArgs) Kind() string { return "ml_backend_webhook" }

// ToBackends enqueues, in tx, an ANNOTATION_* webhook (backend.EventAnnotation…)
// about a to every ML backend of project p; for a deletion, data is the
// task's data, kept in the job since the annotation will be gone.
func ToBackends(ctx context.Context, jobs *Client, tx *store.Store, p store.Project, action string, a store.Annotation, data json.RawMessage) error {
	bs, err := tx.MLBackends(ctx, p.ID)
	if err != nil {
		return err
	}
	for _, b := range bs {
		args := BackendWebhookArgs{ProjectID: p.ID, BackendID: b.ID, AnnotationID: a.ID, Action: action}
		if action == backend.EventAnnotationDeleted {
			args.Deleted = &deletedAnnotation{Annotation: a, Task: data}
		}
		if err := Insert(ctx, jobs, tx, args); err != nil {
			return err
		}
	}
	return nil
}

// BackendWebhookWorker posts an annotation's ANNOTATION_* action to a backend's /webhook.
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
	action := cmpOr(j.Args.Action, backend.EventAnnotationCreated)
	var a store.Annotation
	var data json.RawMessage
	if d := j.Args.Deleted; d != nil {
		a, data = d.Annotation, d.Task
	} else {
		if a, err = w.store.AnnotationByID(ctx, j.Args.AnnotationID); errors.Is(err, store.ErrNotFound) {
			return nil // deleted since: its own ANNOTATION_DELETED follows
		} else if err != nil {
			return err
		}
		t, err := w.store.TaskByID(ctx, a.TaskID)
		if err != nil {
			return err
		}
		data = t.Data
	}
	p, err := w.store.ProjectByID(ctx, b.ProjectID)
	if err != nil {
		return err
	}
	c, err := backend.New(b.URL, w.http, backend.Options{})
	if err != nil {
		return err
	}
	return c.Webhook(ctx, action, backend.WebhookPayload{
		Project:    backend.WebhookProject{ID: p.ID, Title: p.Title, LabelConfig: p.LabelConfig},
		Task:       map[string]any{"id": a.TaskID, "data": data},
		Annotation: map[string]any{"id": a.ID, "task": a.TaskID, "project": p.ID, "result": a.Result, "completed_by": a.CompletedBy, "lead_time": a.LeadTime, "was_cancelled": a.WasCancelled},
	})
}
