package backend

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// Health is a backend's answer to GET /health.
type Health struct {
	// Status is "UP" for a working backend.
	Status string `json:"status"`
	// ModelClass names the backend's model class (newer backends).
	ModelClass string `json:"model_class,omitempty"`
	// ModelDir is where the backend keeps its models (older backends).
	ModelDir string `json:"model_dir,omitempty"`
}

// Health asks the backend whether it is up, retrying on transient failures; an answer other than status "UP" is an error wrapping ErrUnhealthy.
func (c *Client) Health(ctx context.Context) (Health, error) {
	ans, err := c.do(ctx, call{method: http.MethodGet, route: "health", timeout: c.opts.HealthTimeout, retry: true})
	if err != nil {
		return Health{}, err
	}
	var h Health
	if err := json.Unmarshal(ans.body, &h); err != nil {
		return Health{}, c.protocolError("health", ans, "want an object with \"status\": %v", err)
	}
	if !strings.EqualFold(h.Status, "UP") {
		return h, &Error{URL: c.endpoint("health"), Status: ans.status, Body: excerpt(ans.body),
			Err: fmt.Errorf("%w (status %q)", ErrUnhealthy, h.Status)}
	}
	return h, nil
}
