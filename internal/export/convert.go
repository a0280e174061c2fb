package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"concord/internal/format"
)

// storedAnnotation is one element of Stored.Annotations.
type storedAnnotation struct {
	ID           int64             `json:"id"`
	CompletedBy  *int64            `json:"completed_by"`
	Email        string            `json:"email"`
	Result       []json.RawMessage `json:"result"`
	WasCancelled bool              `json:"was_cancelled"`
	GroundTruth  bool              `json:"ground_truth"`
	LeadTime     float64           `json:"lead_time"`
	CreatedAt    *time.Time        `json:"created_at"`
	ReviewState  string            `json:"review_state"`
}

// counts reports whether an annotation takes part in consensus: neither a
// skip nor rejected by a reviewer.
func (a storedAnnotation) counts() bool { return !a.WasCancelled && a.ReviewState != "rejected" }

// mediaInfo is one element of Stored.Media.
type mediaInfo struct {
	Filename string `json:"filename"`
	Width    *int   `json:"width"`
	Height   *int   `json:"height"`
	hash     string // its SHA-256, from the data value
}

// converter turns stored tasks into format.Tasks, one at a time.
type converter struct {
	opts      Options
	pseudo    pseudonyms
	consensus *consensus
	imageKey  string
	// image is the current task's image facts, for the writers' ImageSize.
	image    *mediaInfo
	cutSpans int64
}

func newConverter(opts Options) *converter {
	cv := &converter{opts: opts, pseudo: pseudonyms{key: opts.PseudonymKey}, imageKey: "image"}
	if opts.Consensus != ConsensusNone {
		cv.consensus = newConsensus(opts.Consensus, opts.Config)
	}
	if c := opts.Config; c != nil {
		for _, o := range c.Objects {
			if o.Type == "image" {
				cv.imageKey = o.Value
				break
			}
		}
	}
	return cv
}

// mediaPath matches a stored media file's path in task data.
var mediaPath = regexp.MustCompile(`^/media/([0-9a-f]{64})$`)

// task converts one stored task.
func (cv *converter) task(s Stored) (format.Task, error) {
	data, err := decodeObject(s.Data)
	if err != nil {
		return format.Task{}, fmt.Errorf("data: %w", err)
	}
	if err := cv.media(data, s.Media); err != nil {
		return format.Task{}, err
	}
	if cv.opts.Redact {
		redactValue(data)
	}
	var anns []storedAnnotation
	if len(s.Annotations) > 0 {
		if err := json.Unmarshal(s.Annotations, &anns); err != nil {
			return format.Task{}, fmt.Errorf("annotations: %w", err)
		}
	}
	t := format.Task{ID: s.ID, Data: data}
	if cv.consensus != nil {
		a, err := cv.consensus.annotation(s.ID, anns)
		if err != nil {
			return t, err
		}
		if a != nil {
			t.Annotations = []format.Annotation{*a}
		}
	} else {
		t.Annotations = make([]format.Annotation, 0, len(anns))
		for _, a := range anns {
			t.Annotations = append(t.Annotations, format.Annotation{
				ID: a.ID, CompletedBy: cv.user(a), Result: a.Result, WasCancelled: a.WasCancelled,
				GroundTruth: a.GroundTruth, LeadTime: a.LeadTime, CreatedAt: a.CreatedAt,
			})
		}
	}
	if len(s.Predictions) > 2 { // not "[]"
		if err := json.Unmarshal(s.Predictions, &t.Predictions); err != nil {
			return t, fmt.Errorf("predictions: %w", err)
		}
	}
	if cv.opts.Redact {
		for i := range t.Annotations {
			if err := redactResults(t.Annotations[i].Result); err != nil {
				return t, err
			}
		}
		for i := range t.Predictions {
			if err := redactResults(t.Predictions[i].Result); err != nil {
				return t, err
			}
		}
	}
	return t, nil
}

// user is who made an annotation, as the export shows them.
func (cv *converter) user(a storedAnnotation) *format.User {
	if a.CompletedBy == nil {
		return nil
	}
	if cv.opts.Pseudonymise {
		return &format.User{Email: cv.pseudo.name(*a.CompletedBy)}
	}
	return &format.User{ID: *a.CompletedBy, Email: a.Email}
}

// media rewrites /media/<sha256> data values as the options say and notes
// the task's image size.
func (cv *converter) media(data map[string]any, raw []byte) error {
	cv.image = nil
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil
	}
	var infos map[string]mediaInfo
	if err := json.Unmarshal(raw, &infos); err != nil {
		return fmt.Errorf("media: %w", err)
	}
	for k, v := range data {
		s, ok := v.(string)
		if !ok {
			continue
		}
		m := mediaPath.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		info, ok := infos[m[1]]
		if !ok {
			continue
		}
		if k == cv.imageKey {
			info.hash = m[1]
			cv.image = &info
		}
		switch cv.opts.Media {
		case MediaFilename:
			data[k] = info.Filename
		case MediaURL:
			data[k] = strings.TrimSuffix(cv.opts.BaseURL, "/") + s
		}
	}
	return nil
}

// imageSize gives the writers the current task's image size, from the media table.
func (cv *converter) imageSize(format.Task) (int, int, bool) {
	if cv.image == nil || cv.image.Width == nil || cv.image.Height == nil {
		return 0, 0, false
	}
	return *cv.image.Width, *cv.image.Height, true
}

// decodeObject decodes a JSON object keeping numbers exact.
func decodeObject(b []byte) (map[string]any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		m = map[string]any{}
	}
	return m, nil
}
