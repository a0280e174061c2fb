package export

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"concord/internal/format"
	"concord/internal/labeling"
)

// Spec is what a user asks an export for: the format, which annotations, and
// how to write them. It is kept (as JSON) with background exports and in the
// audit log.
type Spec struct {
	Format       format.Kind `json:"format"`
	From         *time.Time  `json:"from,omitempty"`
	To           *time.Time  `json:"to,omitempty"`
	Annotators   []int64     `json:"annotators,omitempty"`
	Label        string      `json:"label,omitempty"`
	GroundTruth  bool        `json:"ground_truth,omitempty"`
	ReviewState  string      `json:"review_state,omitempty"`
	Consensus    string      `json:"consensus,omitempty"`
	Predictions  bool        `json:"predictions,omitempty"`
	AllTasks     bool        `json:"download_all_tasks,omitempty"`
	Skipped      bool        `json:"skipped,omitempty"`
	Pseudonymise bool        `json:"pseudonymise,omitempty"`
	Redact       bool        `json:"redact,omitempty"`
	RawFormulas  bool        `json:"raw_formulas,omitempty"` // CSV/TSV cells as they are (see format.NeutraliseFormula)
	Media        string      `json:"media,omitempty"`
	// Which tasks, by their annotations: "", "only" or "exclude" (Label
	// Studio's snapshot task_filter_options annotated, skipped, finished, reviewed).
	TasksAnnotated string `json:"tasks_annotated,omitempty"`
	TasksSkipped   string `json:"tasks_skipped,omitempty"`
	TasksFinished  string `json:"tasks_finished,omitempty"`
	TasksReviewed  string `json:"tasks_reviewed,omitempty"`
	Query          string `json:"query,omitempty"` // only the tasks this Data Manager query selects (the task table's selection)
}

// ParseSpec reads a Spec from query parameters (names in the README's Export
// section): exportType (or export_type), from, to, annotator, label, ground_truth, review_state, consensus,
// predictions, download_all_tasks, skipped, pseudonymise, redact, media,
// tasks_annotated, tasks_skipped, tasks_finished, tasks_reviewed, query.
// An error is the user's mistake, fit to show them.
func ParseSpec(q url.Values) (Spec, error) {
	var s Spec
	kind := q.Get("exportType")
	if kind == "" {
		kind = q.Get("export_type") // Label Studio's current SDK spells it so
	}
	if kind == "" {
		kind = q.Get("format")
	}
	if kind == "" {
		kind = string(format.JSON)
	}
	k, err := format.ParseKind(kind)
	if err != nil {
		return s, fmt.Errorf("exportType: %s", strings.TrimPrefix(err.Error(), "format: "))
	}
	if k == format.TXT {
		return s, fmt.Errorf("exportType: TXT is an import format only; export text as CSV, TSV or JSONL")
	}
	s.Format = k
	if s.From, err = parseTime(q.Get("from"), false); err != nil {
		return s, fmt.Errorf("from: %v", err)
	}
	if s.To, err = parseTime(q.Get("to"), true); err != nil {
		return s, fmt.Errorf("to: %v", err)
	}
	for _, v := range q["annotator"] {
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f == "" {
				continue
			}
			id, err := strconv.ParseInt(f, 10, 64)
			if err != nil || id <= 0 {
				return s, fmt.Errorf("annotator: %q is not a user id", f)
			}
			s.Annotators = append(s.Annotators, id)
		}
	}
	s.Label = q.Get("label")
	switch s.ReviewState = q.Get("review_state"); s.ReviewState {
	case "", "accepted", "rejected", "unreviewed":
	default:
		return s, fmt.Errorf("review_state: %q: want accepted, rejected or unreviewed", s.ReviewState)
	}
	flags := []struct {
		dst   *bool
		names []string
	}{
		{&s.GroundTruth, []string{"ground_truth"}},
		{&s.Predictions, []string{"predictions"}},
		{&s.AllTasks, []string{"download_all_tasks"}},
		{&s.Skipped, []string{"skipped"}},
		{&s.Pseudonymise, []string{"pseudonymise", "pseudonymize"}},
		{&s.Redact, []string{"redact"}},
		{&s.RawFormulas, []string{"raw_formulas"}},
	}
	for _, f := range flags {
		for _, name := range f.names {
			v := q.Get(name)
			if v == "" {
				continue
			}
			b, err := strconv.ParseBool(v)
			if err != nil {
				return s, fmt.Errorf("%s: %q is not true or false", name, v)
			}
			*f.dst = b
		}
	}
	switch s.Consensus = q.Get("consensus"); s.Consensus {
	case ConsensusNone, ConsensusMajority, ConsensusDawidSkene:
	default:
		return s, fmt.Errorf("consensus: %q: want majority or dawid_skene", s.Consensus)
	}
	if s.Consensus != ConsensusNone && s.GroundTruth {
		return s, fmt.Errorf("consensus and ground_truth exclude each other: ground truth is one annotation already")
	}
	s.Query = q.Get("query")
	for _, f := range []struct {
		dst  *string
		name string
	}{{&s.TasksAnnotated, "tasks_annotated"}, {&s.TasksSkipped, "tasks_skipped"}, {&s.TasksFinished, "tasks_finished"}, {&s.TasksReviewed, "tasks_reviewed"}} {
		switch *f.dst = q.Get(f.name); *f.dst {
		case "", "only", "exclude":
		default:
			return s, fmt.Errorf("%s: %q: want only or exclude", f.name, *f.dst)
		}
	}
	switch s.Media = q.Get("media"); s.Media {
	case "", MediaKeep, MediaFilename, MediaURL:
	default:
		return s, fmt.Errorf("media: %q: want keep, filename or url", s.Media)
	}
	return s, nil
}

// parseTime reads RFC 3339 or a date; a date as an upper bound means the end of that day.
func parseTime(v string, end bool) (*time.Time, error) {
	if v == "" {
		return nil, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return &t, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return nil, fmt.Errorf("%q: want a date (2006-01-02) or an RFC 3339 time", v)
	}
	if end {
		t = t.AddDate(0, 0, 1)
	}
	return &t, nil
}

// Extension returns the file extension of the format, with its dot.
func (s Spec) Extension() string {
	switch s.Format {
	case format.JSONL, format.AudioJSONL:
		return ".jsonl"
	case format.CSV, format.AudioCSV:
		return ".csv"
	case format.TSV:
		return ".tsv"
	case format.CoNLL:
		return ".conll"
	case format.YOLO, format.VOC:
		return ".zip"
	}
	return ".json"
}

// ContentType returns the media type of the format.
func (s Spec) ContentType() string {
	switch s.Extension() {
	case ".jsonl":
		return "application/x-ndjson"
	case ".csv":
		return "text/csv; charset=utf-8"
	case ".tsv":
		return "text/tab-separated-values; charset=utf-8"
	case ".conll":
		return "text/plain; charset=utf-8"
	case ".zip":
		return "application/zip"
	}
	return "application/json"
}

// FileName names the download of a project's export, like Label Studio's
// project-<id>-at-<time>.<ext>.
func (s Spec) FileName(projectID int64, at time.Time) string {
	return fmt.Sprintf("project-%d-at-%s%s", projectID, at.UTC().Format("2006-01-02-15-04"), s.Extension())
}

// Fits says whether a format can hold what a project's config labels: CoNLL
// needs spans on a text, COCO, YOLO and VOC boxes on an image, the audio
// formats regions on an audio. The other formats fit every project.
func Fits(k format.Kind, c *labeling.Config) error {
	var need, what string
	switch k {
	case format.CoNLL:
		need, what = labeling.TypeLabels+"/"+string(labeling.ObjectText), "<Labels> on a <Text>"
	case format.COCO, format.YOLO, format.VOC:
		need, what = labeling.TypeRectangleLabels+"/"+string(labeling.ObjectImage), "<RectangleLabels> on an <Image>"
	case format.AudioJSONL, format.AudioCSV:
		need, what = labeling.TypeLabels+"/"+string(labeling.ObjectAudio), "<Labels> on an <Audio>"
	default:
		return nil
	}
	if c != nil {
		for _, ctl := range c.Controls {
			if o, ok := c.Object(ctl.ToName); ok && ctl.Type+"/"+string(o.Type) == need {
				return nil
			}
		}
	}
	return fmt.Errorf("%s exports need a project whose config has %s", k, what)
}
