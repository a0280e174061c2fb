package backend

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// SetupRequest is the body of POST /setup, as Label Studio's MLApi.setup sends it.
type SetupRequest struct {
	// Project is the project uid, "<project id>.<created_at unix seconds>" (see ProjectUID).
	Project string `json:"project"`
	// Schema is the project's label config XML.
	Schema string `json:"schema"`
	// Hostname is Concord's public base URL, from which the backend fetches task media.
	Hostname string `json:"hostname"`
	// AccessToken is an API token the backend may use against Concord; leave it empty to send none.
	AccessToken string `json:"access_token"`
	// ModelVersion asks for a particular model version (older Label Studio sent it).
	ModelVersion string `json:"model_version,omitempty"`
	// ExtraParams are backend-specific settings, passed to its set_extra_params.
	ExtraParams map[string]any `json:"extra_params,omitempty"`
}

// SetupResponse is a backend's answer to POST /setup.
type SetupResponse struct {
	// ModelVersion is the backend's current model version; it may be empty.
	ModelVersion string
}

// ProjectUID returns the project identifier Label Studio sends to ML backends: "<id>.<created_at unix seconds>".
func ProjectUID(id int64, createdAt time.Time) string {
	return strconv.FormatInt(id, 10) + "." + strconv.FormatInt(createdAt.Unix(), 10)
}

// Setup tells the backend about a project's label config and returns its model version; it is not retried.
func (c *Client) Setup(ctx context.Context, req SetupRequest) (SetupResponse, error) {
	if req.Project == "" {
		return SetupResponse{}, fmt.Errorf("ml backend setup: no project uid")
	}
	ans, err := c.do(ctx, call{method: http.MethodPost, route: "setup", body: req, timeout: c.opts.SetupTimeout})
	if err != nil {
		return SetupResponse{}, err
	}
	var body struct {
		ModelVersion json.RawMessage `json:"model_version"`
	}
	if err := json.Unmarshal(ans.body, &body); err != nil {
		return SetupResponse{}, c.protocolError("setup", ans, "want an object with \"model_version\": %v", err)
	}
	v, err := decodeVersion(body.ModelVersion)
	if err != nil {
		return SetupResponse{}, c.protocolError("setup", ans, "model_version: %v", err)
	}
	return SetupResponse{ModelVersion: v}, nil
}

// decodeVersion reads a model version given as a string, a number or null.
func decodeVersion(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		return n.String(), nil
	}
	return "", fmt.Errorf("want a string or a number, got %s", excerpt(raw))
}
