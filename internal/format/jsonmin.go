package format

import (
	"fmt"
	"io"
	"maps"
	"time"
)

// jsonMinWriter writes Label Studio's JSON_MIN: an array of flat records, one
// per annotation that was not cancelled (one per task without annotations),
// holding the data fields, one key per from_name with its labels (see
// minValues), and id, annotator, annotation_id, created_at and lead_time.
// These keys win over data fields of the same name.
type jsonMinWriter struct{ arrayWriter }

func newJSONMinWriter(w io.Writer) *jsonMinWriter {
	return &jsonMinWriter{arrayWriter{sink: newSink(w)}}
}

// Write appends the task's records.
func (j *jsonMinWriter) Write(t Task) error {
	if err := j.check(); err != nil {
		return err
	}
	wrote := false
	for _, a := range t.Annotations {
		if a.WasCancelled {
			continue
		}
		rec := maps.Clone(t.Data)
		if rec == nil {
			rec = map[string]any{}
		}
		items, err := parseResults(a.Result)
		if err != nil {
			return fmt.Errorf("task %d: %w", t.ID, err)
		}
		labels, err := minValues(items)
		if err != nil {
			return fmt.Errorf("task %d: %w", t.ID, err)
		}
		maps.Copy(rec, labels)
		rec["id"] = t.ID
		rec["annotator"] = a.CompletedBy.String()
		rec["annotation_id"] = a.ID
		if a.CreatedAt != nil {
			rec["created_at"] = a.CreatedAt.UTC().Format(time.RFC3339Nano)
		}
		rec["lead_time"] = a.LeadTime
		if err := j.element(rec); err != nil {
			return fmt.Errorf("task %d: %w", t.ID, err)
		}
		wrote = true
	}
	if !wrote {
		rec := maps.Clone(t.Data)
		if rec == nil {
			rec = map[string]any{}
		}
		rec["id"] = t.ID
		return j.element(rec)
	}
	return nil
}
