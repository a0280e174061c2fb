package format

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// audioWriter writes the audio regions of each task's first annotation that
// was not cancelled, one row per region: file (the base name of
// Options.AudioKey's value), start and end in seconds, label (a region's
// labels joined with ";") and transcription (the texts of the per-region
// textareas with the region's id, joined with a space). A transcription finds
// its region by id alone, as Concord's workspace writes it; one that carries
// its own start and end but matches no region is a region of its own (Label
// Studio's way). As JSONL each row is
// {"file","start","end","label","transcription"}; as CSV it has that header.
type audioWriter struct {
	sink
	opts Options
	cw   *safeCSV
}

type audioRow struct {
	File          string  `json:"file"`
	Start         float64 `json:"start"`
	End           float64 `json:"end"`
	Label         string  `json:"label"`
	Transcription string  `json:"transcription"`
}

func newAudioWriter(kind Kind, w io.Writer, opts Options) *audioWriter {
	a := &audioWriter{sink: newSink(w), opts: opts}
	if kind == AudioCSV {
		a.cw = newSafeCSV(a.bw, opts.RawFormulas)
		a.cw.Write([]string{"file", "start", "end", "label", "transcription"})
	}
	return a
}

// Write writes the task's regions in the order they first appear.
func (a *audioWriter) Write(t Task) error {
	if err := a.check(); err != nil {
		return err
	}
	ann := chosenAnnotation(t)
	if ann == nil {
		return nil
	}
	items, err := parseResults(ann.Result)
	if err != nil {
		return fmt.Errorf("task %d: %w", t.ID, err)
	}
	src, _ := t.Data[a.opts.audioKey()].(string)
	var rows []audioRow
	index := map[string]int{}
	row := func(it resultItem) *audioRow {
		if i, ok := index[it.ID]; ok && it.ID != "" {
			return &rows[i]
		}
		index[it.ID] = len(rows)
		rows = append(rows, audioRow{File: fileBase(src), Start: *it.Value.Start, End: *it.Value.End})
		return &rows[len(rows)-1]
	}
	// Regions first, then their transcriptions, which may name them by id only.
	for _, it := range items {
		if it.Type == "labels" && it.Value.Start != nil && it.Value.End != nil {
			r := row(it)
			r.Label = joinNonEmpty(r.Label, strings.Join(it.Value.Labels, ";"), ";")
		}
	}
	for _, it := range items {
		if it.Type != "textarea" {
			continue
		}
		var r *audioRow
		if i, ok := index[it.ID]; ok && it.ID != "" {
			r = &rows[i]
		} else if it.Value.Start != nil && it.Value.End != nil {
			r = row(it)
		} else {
			continue // a transcription of the whole task, not of a region
		}
		r.Transcription = joinNonEmpty(r.Transcription, strings.Join(it.texts(), " "), " ")
	}
	for _, r := range rows {
		if a.cw != nil {
			a.cw.Write([]string{r.File, num(r.Start), num(r.End), r.Label, r.Transcription})
			continue
		}
		b, err := marshalNoEscape(r)
		if err != nil {
			return err
		}
		a.bw.Write(b)
		a.bw.WriteByte('\n')
	}
	if a.cw != nil {
		return a.cw.Error()
	}
	return nil
}

func joinNonEmpty(a, b, sep string) string {
	if a == "" || b == "" {
		return a + b
	}
	return a + sep + b
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// Close flushes the output.
func (a *audioWriter) Close() error {
	if err := a.check(); err != nil {
		return err
	}
	if a.cw != nil {
		a.cw.Flush()
		if err := a.cw.Error(); err != nil {
			return err
		}
	}
	return a.close()
}
