// Package export turns a project's stored tasks into a dataset file: all
// annotations, or one per task by consensus, with or without predictions,
// annotators pseudonymised and personal data in the text redacted on request,
// media named by their original file names or URLs, written by the streaming
// writers of internal/format.
//
// It knows nothing of the database: tasks come from an iterator function
// (Tasks) that the caller backs with the store's cursor, so memory stays flat
// however large the project is. Dawid–Skene consensus is the one choice that
// reads the tasks twice: once to fit the model, once to write.
package export

import (
	"fmt"
	"io"

	"concord/internal/format"
	"concord/internal/labeling"
)

// Stored is one task as the store keeps it: JSON as it is stored. Annotations
// is an array of {"id", "completed_by", "email", "result", "was_cancelled",
// "ground_truth", "lead_time", "created_at"}, Predictions an array of
// {"model_version", "score", "result"}, Media (optional) an object mapping each
// media hash named in the data to {"filename", "width", "height"}. The slices
// need only be valid during the call that receives them.
type Stored struct {
	ID          int64
	Data        []byte
	Annotations []byte
	Predictions []byte
	Media       []byte
}

// Tasks calls fn with each task to export, in order, and returns fn's first
// error. It may be called more than once (Dawid–Skene reads twice).
type Tasks func(fn func(Stored) error) error

// Consensus methods.
const (
	ConsensusNone       = ""
	ConsensusMajority   = "majority"
	ConsensusDawidSkene = "dawid_skene"
)

// Media modes: how data values /media/<sha256> are written.
const (
	MediaKeep     = "keep"     // as they are
	MediaFilename = "filename" // the file's name at import
	MediaURL      = "url"      // BaseURL + /media/<sha256>
)

// Options are an export's choices.
type Options struct {
	Format format.Kind
	// Config is the project's label config: it names the text, image and
	// audio keys, the label columns and classes, and the classification
	// controls consensus applies to. Nil: defaults of internal/format.
	Config *labeling.Config
	// Consensus replaces each task's annotations with one consensus annotation.
	Consensus string
	// Pseudonymise writes annotators as annotator-1, annotator-2… in order of
	// first appearance (or, with PseudonymKey, as a keyed hash of their id).
	Pseudonymise bool
	PseudonymKey []byte
	// Redact masks e-mail addresses, phone numbers and (Luhn-valid) card
	// numbers in text data and in the texts of results.
	Redact bool
	// RawFormulas writes CSV and TSV cells that look like formulas as they are.
	RawFormulas bool
	// Media says how /media/<sha256> data values are written (default: keep,
	// or filename for COCO, YOLO, VOC and the audio formats); BaseURL prefixes them for MediaURL.
	Media   string
	BaseURL string
	// Progress, when set, is called after every ProgressEvery tasks with the number written.
	Progress func(done int64)
	// OpenMedia, when set, reads a stored media file by its SHA-256: the YOLO and
	// VOC zips then hold each task's image (one imported to Concord) beside its labels.
	OpenMedia func(hash string) ([]byte, error)
	// OnCutSpan is told of spans the CoNLL writer could not export exactly.
	OnCutSpan func(format.CutSpan)
}

// ProgressEvery is how many tasks pass between Progress calls.
const ProgressEvery = 1000

// Stats counts what an export wrote.
type Stats struct {
	Tasks       int64 `json:"tasks"`
	Annotations int64 `json:"annotations"`
	CutSpans    int64 `json:"cut_spans"`
}

// Write writes every task of tasks to w in opts.Format and closes the format's
// writer (not w).
func Write(w io.Writer, tasks Tasks, opts Options) (Stats, error) {
	var st Stats
	if opts.Media == "" {
		opts.Media = MediaKeep
		switch opts.Format {
		case format.COCO, format.YOLO, format.VOC, format.AudioCSV, format.AudioJSONL:
			opts.Media = MediaFilename // rows name the uploaded file, not its hash
		}
	}
	switch opts.Media {
	case MediaKeep, MediaFilename, MediaURL:
	default:
		return st, fmt.Errorf("export: media %q: want keep, filename or url", opts.Media)
	}
	cv := newConverter(opts)
	switch opts.Consensus {
	case ConsensusNone, ConsensusMajority:
	case ConsensusDawidSkene:
		if err := cv.consensus.fit(tasks, cv); err != nil {
			return st, err
		}
	default:
		return st, fmt.Errorf("export: consensus %q: want majority or dawid_skene", opts.Consensus)
	}
	fo := formatOptions(opts, cv)
	fw, err := format.NewWriter(opts.Format, w, fo)
	if err != nil {
		return st, err
	}
	err = tasks(func(s Stored) error {
		t, err := cv.task(s)
		if err != nil {
			return fmt.Errorf("export: task %d: %w", s.ID, err)
		}
		if err := fw.Write(t); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		st.Tasks++
		st.Annotations += int64(len(t.Annotations))
		if opts.Progress != nil && st.Tasks%ProgressEvery == 0 {
			opts.Progress(st.Tasks)
		}
		return nil
	})
	st.CutSpans = cv.cutSpans
	if err != nil {
		return st, err
	}
	if err := fw.Close(); err != nil {
		return st, fmt.Errorf("export: %w", err)
	}
	if opts.Progress != nil {
		opts.Progress(st.Tasks)
	}
	return st, nil
}

// formatOptions derives the writers' options from the project's config.
func formatOptions(opts Options, cv *converter) format.Options {
	fo := format.Options{
		RawFormulas: opts.RawFormulas,
		OnCutSpan: func(c format.CutSpan) {
			cv.cutSpans++
			if opts.OnCutSpan != nil {
				opts.OnCutSpan(c)
			}
		},
		ImageSize: cv.imageSize,
	}
	if opts.OpenMedia != nil {
		fo.OpenImage = func(format.Task) ([]byte, error) {
			if cv.image == nil {
				return nil, nil // an image elsewhere (a URL): labels only
			}
			return opts.OpenMedia(cv.image.hash)
		}
	}
	c := opts.Config
	if c == nil {
		fo.Columns = []string{"text"}
		return fo
	}
	fo.Columns = c.DataKeys()
	for _, ctl := range c.Controls {
		fo.LabelColumns = append(fo.LabelColumns, ctl.Name)
	}
	for _, ctl := range c.Controls {
		obj, ok := c.Object(ctl.ToName)
		if !ok {
			continue
		}
		switch {
		case ctl.Type == labeling.TypeLabels && obj.Type == labeling.ObjectText && fo.FromName == "":
			fo.FromName, fo.ToName, fo.TextKey = ctl.Name, obj.Name, obj.Value
		case ctl.Type == labeling.TypeRectangleLabels && fo.ImageKey == "":
			fo.ImageKey, fo.Categories = obj.Value, ctl.Values()
		case ctl.Type == labeling.TypeLabels && obj.Type == labeling.ObjectAudio && fo.AudioKey == "":
			fo.AudioKey = obj.Value
		}
	}
	for _, o := range c.Objects {
		switch {
		case o.Type == labeling.ObjectImage && fo.ImageKey == "":
			fo.ImageKey = o.Value
		case o.Type == labeling.ObjectAudio && fo.AudioKey == "":
			fo.AudioKey = o.Value
		case o.Type == labeling.ObjectText && fo.TextKey == "":
			fo.TextKey = o.Value
		}
	}
	return fo
}
