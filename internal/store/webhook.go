package store

import (
	"context"
	"time"
)

// Webhook is a project's outgoing webhook.
type Webhook struct {
	ID        int64     `db:"id"`
	ProjectID int64     `db:"project_id"`
	URL       string    `db:"url"`
	Secret    string    `db:"secret"`
	Events    []string  `db:"events"`
	CreatedAt time.Time `db:"created_at"`
}

// Delivery is one attempt to deliver a webhook event.
type Delivery struct {
	ID         int64     `db:"id"`
	WebhookID  int64     `db:"webhook_id"`
	Event      string    `db:"event"`
	Attempt    int       `db:"attempt"`
	Status     int       `db:"status"`
	Error      string    `db:"error"`
	DurationMS float64   `db:"duration_ms"`
	CreatedAt  time.Time `db:"created_at"`
}

// CreateWebhook adds a webhook to a project.
func (s *Store) CreateWebhook(ctx context.Context, projectID int64, url, secret string, events []string) (Webhook, error) {
	w, err := one[Webhook](s.db.Query(ctx, `INSERT INTO webhooks (project_id, url, secret, events) VALUES ($1, $2, $3, $4)
		RETURNING id, project_id, url, secret, events, created_at`, projectID, url, secret, events))
	s.changed(projectID)
	return w, wrap("create webhook", err)
}

// Webhooks lists a project's webhooks (inside a transaction, call it on the
// transaction's Store: code that runs inside one must not wait for a second connection).
func (s *Store) Webhooks(ctx context.Context, projectID int64) ([]Webhook, error) {
	ws, err := all[Webhook](s.db.Query(ctx, `SELECT id, project_id, url, secret, events, created_at FROM webhooks
		WHERE project_id = $1 ORDER BY id`, projectID))
	return ws, wrap("webhooks", err)
}

// WebhookByID finds a webhook.
func (s *Store) WebhookByID(ctx context.Context, id int64) (Webhook, error) {
	w, err := one[Webhook](s.db.Query(ctx, `SELECT id, project_id, url, secret, events, created_at FROM webhooks WHERE id = $1`, id))
	return w, wrap("webhook", err)
}

// DeleteWebhook removes a webhook of a project.
func (s *Store) DeleteWebhook(ctx context.Context, projectID, id int64) error {
	err := mustAffect(s.db.Exec(ctx, `DELETE FROM webhooks WHERE id = $1 AND project_id = $2`, id, projectID))
	s.changed(projectID)
	return wrap("delete webhook", err)
}

// LogDelivery records a delivery attempt.
func (s *Store) LogDelivery(ctx context.Context, d Delivery) error {
	_, err := s.db.Exec(ctx, `INSERT INTO webhook_deliveries (webhook_id, event, attempt, status, error, duration_ms)
		VALUES ($1, $2, $3, $4, $5, $6)`, d.WebhookID, d.Event, d.Attempt, d.Status, d.Error, d.DurationMS)
	return wrap("log delivery", err)
}

// Deliveries lists a project's latest webhook deliveries, newest first.
func (s *Store) Deliveries(ctx context.Context, projectID int64, limit int) ([]Delivery, error) {
	ds, err := all[Delivery](s.db.Query(ctx, `SELECT d.id, d.webhook_id, d.event, d.attempt, d.status, d.error, d.duration_ms, d.created_at
		FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE w.project_id = $1
		ORDER BY d.id DESC LIMIT $2`, projectID, limit))
	return ds, wrap("deliveries", err)
}
