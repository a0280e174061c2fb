package format

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Task is one task in Label Studio's interchange form.
//
// Data values decoded by the JSON and JSONL readers keep numbers as
// json.Number, so that ids and large integers survive a round trip exactly;
// the CSV, TSV, TXT and CoNLL readers produce string values only.
type Task struct {
	ID          int64          `json:"id,omitempty"`
	Data        map[string]any `json:"data"`
	Annotations []Annotation   `json:"annotations,omitempty"`
	Predictions []Prediction   `json:"predictions,omitempty"`
	// Line is the 1-based line of the input where the record starts; 0 when unknown (writers ignore it).
	Line int `json:"-"`
}

// Annotation is one annotator's labels for a task.
type Annotation struct {
	ID int64 `json:"id,omitempty"`
	// CompletedBy is who made it; Label Studio writes an int id, an object
	// with id and email, or (in some exports) an e-mail string.
	CompletedBy  *User             `json:"completed_by,omitempty"`
	Result       []json.RawMessage `json:"result"`
	WasCancelled bool              `json:"was_cancelled,omitempty"`
	GroundTruth  bool              `json:"ground_truth,omitempty"`
	LeadTime     float64           `json:"lead_time,omitempty"`
	CreatedAt    *time.Time        `json:"created_at,omitempty"`
}

// Prediction is one model's proposed labels for a task.
type Prediction struct {
	ModelVersion string            `json:"model_version,omitempty"`
	Score        *float64          `json:"score,omitempty"`
	Result       []json.RawMessage `json:"result"`
}

// User identifies an annotator by Label Studio id, e-mail, or both.
type User struct {
	ID    int64
	Email string
}

// UnmarshalJSON accepts an int id, a numeric string, an e-mail string or an object with "id" and/or "email".
func (u *User) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*u = User{}
	switch {
	case len(b) == 0 || string(b) == "null":
		return nil
	case b[0] == '{':
		var o struct {
			ID    json.Number `json:"id"`
			Email string      `json:"email"`
		}
		if err := json.Unmarshal(b, &o); err != nil {
			return fmt.Errorf("completed_by: %w", err)
		}
		if o.ID != "" {
			id, err := strconv.ParseInt(o.ID.String(), 10, 64)
			if err != nil {
				return fmt.Errorf("completed_by: id %s is not an integer", o.ID)
			}
			u.ID = id
		}
		u.Email = o.Email
		return nil
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("completed_by: %w", err)
		}
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			u.ID = id
			return nil
		}
		if !strings.Contains(s, "@") {
			return fmt.Errorf("completed_by: %q is neither an id nor an e-mail", s)
		}
		u.Email = s
		return nil
	default:
		id, err := strconv.ParseInt(string(b), 10, 64)
		if err != nil {
			return fmt.Errorf("completed_by: %s is not an integer id", b)
		}
		u.ID = id
		return nil
	}
}

// MarshalJSON writes the bare id when there is no e-mail, as Label Studio does, else an object.
func (u User) MarshalJSON() ([]byte, error) {
	if u.Email == "" {
		return strconv.AppendInt(nil, u.ID, 10), nil
	}
	o := struct {
		ID    int64  `json:"id,omitempty"`
		Email string `json:"email"`
	}{u.ID, u.Email}
	return json.Marshal(o)
}

// String returns the e-mail if known, else the id.
func (u *User) String() string {
	if u == nil {
		return ""
	}
	if u.Email != "" {
		return u.Email
	}
	return strconv.FormatInt(u.ID, 10)
}
