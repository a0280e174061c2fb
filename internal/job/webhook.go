package job

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/riverqueue/river"

	"concord/internal/netguard"
	"concord/internal/store"
)

// The events a project's webhooks can subscribe to.
const (
	EventAnnotationCreated = "annotation.created"
	EventAnnotationUpdated = "annotation.updated"
	EventAnnotationDeleted = "annotation.deleted"
	EventTasksCreated      = "tasks.created"
	EventModelTrained      = "model.trained"
	EventExportFinished    = "export.finished"
)

// WebhookEvents lists them, for validation and forms.
var WebhookEvents = []string{EventAnnotationCreated, EventAnnotationUpdated, EventAnnotationDeleted, EventTasksCreated, EventModelTrained, EventExportFinished}

// WebhookArgs asks for one event to be delivered to one webhook.
type WebhookArgs struct {
	WebhookID int64           `json:"webhook_id"`
	ProjectID int64           `json:"project_id"`
	Event     string          `json:"event"`
	Payload   json.RawMessage `json:"payload"`
}

// Kind names the job.
func (WebhookArgs) Kind() string { return "webhook" }

// InsertOpts retries a failing receiver for a day or so (River's backoff grows
// with the attempt to the fourth power).
func (WebhookArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 12} }

// WebhookWorker posts an event, signed, and logs the delivery.
type WebhookWorker struct {
	river.WorkerDefaults[WebhookArgs]
	store *store.Store
	http  *http.Client
}

// Work delivers the event; a non-2xx answer or no answer is retried.
func (w *WebhookWorker) Work(ctx context.Context, j *river.Job[WebhookArgs]) error {
	hook, err := w.store.WebhookByID(ctx, j.Args.WebhookID)
	if errors.Is(err, store.ErrNotFound) {
		return nil // deleted meanwhile
	}
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]any{"event": j.Args.Event, "project": j.Args.ProjectID, "data": j.Args.Payload,
		"delivered_at": time.Now().UTC().Format(time.RFC3339)})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.URL, bytes.NewReader(body))
	if err != nil {
		return w.log(ctx, j, 0, err, 0)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Concord-Webhook")
	req.Header.Set("X-Concord-Event", j.Args.Event)
	req.Header.Set("X-Concord-Delivery", fmt.Sprint(j.ID))
	req.Header.Set("X-Concord-Signature", "sha256="+Sign(hook.Secret, body))
	start := time.Now()
	resp, err := w.http.Do(req)
	ms := float64(time.Since(start).Microseconds()) / 1000
	if err != nil {
		return w.log(ctx, j, 0, err, ms)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return w.log(ctx, j, resp.StatusCode, fmt.Errorf("the receiver answered %s", resp.Status), ms)
	}
	return w.log(ctx, j, resp.StatusCode, nil, ms)
}

// log records the attempt and returns its error: for River to retry, or to
// cancel the job when the guard refused the address.
func (w *WebhookWorker) log(ctx context.Context, j *river.Job[WebhookArgs], status int, err error, ms float64) error {
	d := store.Delivery{WebhookID: j.Args.WebhookID, Event: j.Args.Event, Attempt: j.Attempt, Status: status, DurationMS: ms}
	if err != nil {
		d.Error = netguard.Message(err) // shown to the project's managers; River logs err in full
	}
	if lerr := w.store.LogDelivery(context.WithoutCancel(ctx), d); lerr != nil {
		return errors.Join(err, lerr)
	}
	var blocked *netguard.BlockedError
	if errors.As(err, &blocked) {
		return river.JobCancel(err) // a refused address is not retried for a day
	}
	return err
}

// Sign is the hex HMAC-SHA256 of body with the webhook's secret, sent as
// "X-Concord-Signature: sha256=<hex>" for the receiver to check.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Notify enqueues, in tx, an event for each of the project's webhooks that subscribe to it.
func Notify(ctx context.Context, jobs *Client, tx *store.Store, projectID int64, event string, payload any) error {
	if event == EventTasksCreated {
		if err := predictNewTasks(ctx, jobs, tx, projectID); err != nil {
			return err
		}
	}
	hooks, err := tx.Webhooks(ctx, projectID)
	if err != nil {
		return err
	}
	var raw json.RawMessage
	for _, h := range hooks {
		if !slices.Contains(h.Events, event) {
			continue
		}
		if raw == nil {
			if raw, err = json.Marshal(payload); err != nil {
				return err
			}
		}
		if err := Insert(ctx, jobs, tx, WebhookArgs{WebhookID: h.ID, ProjectID: projectID, Event: event, Payload: raw}); err != nil {
			return err
		}
	}
	return nil
}
