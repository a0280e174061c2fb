package backend

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// Webhook actions that label-studio-ml-backend trains on; it answers other actions with {"status": "Unknown event"}.
const (
	EventAnnotationCreated = "ANNOTATION_CREATED"
	EventAnnotationUpdated = "ANNOTATION_UPDATED"
	EventAnnotationDeleted = "ANNOTATION_DELETED"
	EventStartTraining     = "START_TRAINING"
)

// WebhookProject is the part of Label Studio's project JSON a backend reads from a webhook.
type WebhookProject struct {
	ID          int64  `json:"id"`
	Title       string `json:"title,omitempty"`
	LabelConfig string `json:"label_config"`
}

// WebhookPayload is a ready-made webhook body: the backend requires project.id and project.label_config.
type WebhookPayload struct {
	Project    WebhookProject `json:"project"`
	Task       any            `json:"task,omitempty"`
	Annotation any            `json:"annotation,omitempty"`
}

// Webhook posts event to the backend's /webhook with payload's fields and "action": event; it is not retried.
//
// payload must encode to a JSON object (a WebhookPayload, a map, or raw JSON);
// an answer with "status": "error" is reported as an error.
func (c *Client) Webhook(ctx context.Context, event string, payload any) error {
	if event == "" {
		return fmt.Errorf("ml backend webhook: no event")
	}
	body := map[string]json.RawMessage{}
	if payload != nil {
		b, err := json.Marshal(payload)
		if err != nil {
			return fmt.Errorf("ml backend webhook %s: encoding the payload: %w", event, err)
		}
		if firstByte(b) != '{' {
			return fmt.Errorf("ml backend webhook %s: the payload must encode to a JSON object", event)
		}
		if err := json.Unmarshal(b, &body); err != nil {
			return fmt.Errorf("ml backend webhook %s: %w", event, err)
		}
	}
	action, _ := json.Marshal(event)
	body["action"] = action

	ans, err := c.do(ctx, call{method: http.MethodPost, route: "webhook", body: body, timeout: c.opts.WebhookTimeout})
	if err != nil {
		return err
	}
	var reply struct {
		Status string `json:"status"`
	}
	if firstByte(ans.body) == '{' && json.Unmarshal(ans.body, &reply) == nil && reply.Status == "error" {
		return &Error{URL: c.endpoint("webhook"), Status: ans.status, Body: excerpt(ans.body),
			Err: fmt.Errorf("the backend reported an error handling %s", event)}
	}
	return nil
}
