package backend

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// PredictRequest is the body of POST /predict, as Label Studio's MLApi.make_predictions sends it.
type PredictRequest struct {
	// Tasks are Label Studio task objects ({"id", "data", ...}), e.g. json.RawMessage values.
	Tasks []any `json:"tasks"`
	// Project is the project uid (see ProjectUID).
	Project string `json:"project"`
	// LabelConfig is the project's label config XML.
	LabelConfig string `json:"label_config"`
	// ModelVersion is the version the caller expects (older Label Studio sent it).
	ModelVersion string `json:"model_version,omitempty"`
	// Params are passed to the backend's predict as keyword arguments
	// (Label Studio sends "login", "password" and "context"); nil sends {}.
	Params map[string]any `json:"params"`
}

// Prediction is one prediction for one task.
type Prediction struct {
	// Task is the index of the task in PredictRequest.Tasks.
	Task int
	// Result is the prediction's Label Studio result array, not yet validated against the config.
	Result json.RawMessage
	// Score is the prediction's confidence, when the backend gave one.
	Score *float64
	// ModelVersion is the version that made it, falling back to the answer's top-level model_version.
	ModelVersion string
}

// Predict asks the backend for predictions on req.Tasks, retrying on transient failures.
//
// A task's entry in the answer may hold one prediction, several or none, so a
// task may get zero or more Predictions. An empty list means no predictions; an answer with another number of
// entries than tasks is an error wrapping ErrResultCount.
func (c *Client) Predict(ctx context.Context, req PredictRequest) ([]Prediction, error) {
	if len(req.Tasks) == 0 {
		return nil, nil
	}
	if req.Params == nil {
		req.Params = map[string]any{} // the backend calls params.pop, which fails on null
	}
	ans, err := c.do(ctx, call{method: http.MethodPost, route: "predict", body: req, timeout: c.opts.PredictTimeout, retry: true})
	if err != nil {
		return nil, err
	}
	return c.parsePredictions(ans, len(req.Tasks))
}

// parsePredictions reads {"results": [...], "model_version"?} or, from older backends, a bare list.
func (c *Client) parsePredictions(ans answer, tasks int) ([]Prediction, error) {
	raw := ans.body
	var (
		results []json.RawMessage
		version string
	)
	switch firstByte(raw) {
	case '[':
		if err := json.Unmarshal(raw, &results); err != nil {
			return nil, c.protocolError("predict", ans, "%v", err)
		}
	case '{':
		var body struct {
			Results      *[]json.RawMessage `json:"results"`
			ModelVersion json.RawMessage    `json:"model_version"`
		}
		if err := json.Unmarshal(raw, &body); err != nil {
			return nil, c.protocolError("predict", ans, "\"results\" must be a list: %v", err)
		}
		if body.Results == nil {
			return nil, c.protocolError("predict", ans, "no \"results\" list")
		}
		results = *body.Results
		v, err := decodeVersion(body.ModelVersion)
		if err != nil {
			return nil, c.protocolError("predict", ans, "model_version: %v", err)
		}
		version = v
	default:
		return nil, c.protocolError("predict", ans, "want an object with \"results\" or a list")
	}
	if len(results) == 0 {
		return nil, nil // no predictions, as Label Studio takes an empty list: not an error
	}
	if len(results) != tasks {
		return nil, &Error{URL: c.endpoint("predict"), Status: ans.status, Body: excerpt(raw),
			Err: fmt.Errorf("%w: %d results for %d tasks", ErrResultCount, len(results), tasks)}
	}

	var out []Prediction
	for i, entry := range results {
		var items []json.RawMessage
		switch firstByte(entry) {
		case 'n': // null: no prediction for this task
		case '[':
			if err := json.Unmarshal(entry, &items); err != nil {
				return nil, c.protocolError("predict", ans, "results[%d]: %v", i, err)
			}
		default:
			items = []json.RawMessage{entry}
		}
		for j, item := range items {
			p, err := parsePrediction(item, version)
			if err != nil {
				return nil, c.protocolError("predict", ans, "results[%d][%d]: %v", i, j, err)
			}
			p.Task = i
			out = append(out, p)
		}
	}
	return out, nil
}

// parsePrediction reads one {"result": [...], "score"?, "model_version"?} object.
func parsePrediction(raw json.RawMessage, fallbackVersion string) (Prediction, error) {
	var item struct {
		Result       json.RawMessage `json:"result"`
		Score        json.RawMessage `json:"score"`
		ModelVersion json.RawMessage `json:"model_version"`
	}
	if firstByte(raw) != '{' {
		return Prediction{}, fmt.Errorf("a prediction must be an object")
	}
	if err := json.Unmarshal(raw, &item); err != nil {
		return Prediction{}, err
	}
	if firstByte(item.Result) != '[' {
		return Prediction{}, fmt.Errorf("\"result\" must be a list")
	}
	p := Prediction{Result: item.Result}
	score, err := decodeScore(item.Score)
	if err != nil {
		return Prediction{}, fmt.Errorf("score: %w", err)
	}
	p.Score = score
	if p.ModelVersion, err = decodeVersion(item.ModelVersion); err != nil {
		return Prediction{}, fmt.Errorf("model_version: %w", err)
	}
	if p.ModelVersion == "" {
		p.ModelVersion = fallbackVersion
	}
	return p, nil
}

// decodeScore reads a score given as a number, a numeric string (Label Studio's safe_float accepts both) or null.
func decodeScore(raw json.RawMessage) (*float64, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err == nil {
		return &f, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return &f, nil
		}
	}
	return nil, fmt.Errorf("want a number, got %s", excerpt(raw))
}

// firstByte returns the first non-space byte of a JSON value, or 0.
func firstByte(raw []byte) byte {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	if len(raw) == 0 {
		return 0
	}
	return raw[0]
}
