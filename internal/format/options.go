package format

// Options tune readers and writers; the zero value works for the formats that need nothing more.
type Options struct {
	// Columns names the columns of a CSV or TSV file. Reading, it means the
	// input has no header row and every line is data; writing, it lists the
	// data keys written as columns (required for CSV and TSV writers).
	Columns []string

	// LabelColumns lists the from_names written as label columns after
	// Columns by the CSV and TSV writers.
	LabelColumns []string

	// RawFormulas writes CSV and TSV cells as they are. By default a cell a
	// spreadsheet would run as a formula (see NeutraliseFormula) is written
	// with a leading apostrophe, as OWASP advises against CSV injection.
	RawFormulas bool

	// LazyQuotes lets the CSV reader accept bare quotes inside unquoted fields.
	LazyQuotes bool

	// FromName and ToName name the control and object of span results the
	// CoNLL reader creates (defaults "label" and "text"); the CoNLL writer
	// exports only spans of FromName when it is set.
	FromName, ToName string

	// TextKey is the data key holding text for the TXT and CoNLL readers and
	// the CoNLL writer (default "text").
	TextKey string

	// MaxRecordBytes bounds one line of a line-based input (default 64 MiB);
	// a longer line is reported as a RecordError and skipped.
	MaxRecordBytes int

	// ImageKey is the data key holding an image's URL or path for the COCO,
	// YOLO and VOC writers (default "image"); its base name names the files.
	ImageKey string

	// ImageSize returns an image's size in pixels for the COCO and VOC
	// writers; when nil or not ok, original_width/original_height from the
	// task's rectangle results are used.
	ImageSize func(t Task) (width, height int, ok bool)

	// OpenImage, when set, gives the YOLO and VOC writers a task's image bytes
	// to store in the zip next to its labels; nil bytes leave the image out.
	OpenImage func(t Task) ([]byte, error)

	// Categories lists the class names of the COCO, YOLO and VOC writers in
	// order (their ids are the 0-based positions). When empty, classes are
	// numbered in the order they are first seen.
	Categories []string

	// AudioKey is the data key holding the audio file for the audio-region
	// writers (default "audio").
	AudioKey string

	// OnCutSpan is called by the CoNLL writer for each span that does not
	// fall on token boundaries or overlaps another span.
	OnCutSpan func(CutSpan)
}

func (o Options) textKey() string  { return or(o.TextKey, "text") }
func (o Options) fromName() string { return or(o.FromName, "label") }
func (o Options) toName() string   { return or(o.ToName, "text") }
func (o Options) imageKey() string { return or(o.ImageKey, "image") }
func (o Options) audioKey() string { return or(o.AudioKey, "audio") }
func (o Options) maxRecord() int {
	if o.MaxRecordBytes > 0 {
		return o.MaxRecordBytes
	}
	return 64 << 20
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
