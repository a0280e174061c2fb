// Package format reads and writes the interchange formats Concord imports and
// exports: Label Studio JSON and JSON_MIN, JSONL, CSV, TSV, TXT, CoNLL-2003
// (BIO), COCO, YOLO, Pascal VOC and audio-region tables.
//
// Every reader and writer streams: a reader holds one record (a JSON element,
// a line, a row, a sentence) in memory at a time and a writer emits each task
// as it is written, so memory stays flat however large the input or output is.
// The package is pure: it knows nothing of HTTP or SQL, and its inputs and
// outputs are plain Go values, io.Readers and io.Writers.
//
// Span offsets are UTF-16 code units, as Label Studio and browsers count them.
package format

import (
	"fmt"
	"path"
	"strings"
)

// Kind names an interchange format; its values are Label Studio's exportType names.
type Kind string

// The formats this package knows.
const (
	JSON       Kind = "JSON"        // Label Studio JSON: an array of tasks (read and write)
	JSONMin    Kind = "JSON_MIN"    // Label Studio JSON_MIN: flat records, one per annotation (write)
	JSONL      Kind = "JSONL"       // one task per line (read and write)
	CSV        Kind = "CSV"         // comma-separated with a header (read and write)
	TSV        Kind = "TSV"         // tab-separated without quoting (read and write)
	TXT        Kind = "TXT"         // one text task per non-blank line (read)
	CoNLL      Kind = "CONLL2003"   // CoNLL-2003 / BIO token-per-line (read and write)
	COCO       Kind = "COCO"        // COCO object detection JSON (write)
	YOLO       Kind = "YOLO"        // zip of classes.txt and one label file per image (write)
	VOC        Kind = "VOC"         // zip of Pascal VOC XML files, one per image (write)
	AudioJSONL Kind = "AUDIO_JSONL" // audio regions, one per line (write)
	AudioCSV   Kind = "AUDIO_CSV"   // audio regions as CSV rows (write)
)

var kinds = []Kind{JSON, JSONMin, JSONL, CSV, TSV, TXT, CoNLL, COCO, YOLO, VOC, AudioJSONL, AudioCSV}

// ExportKinds lists the formats that can be written.
func ExportKinds() []Kind {
	var out []Kind
	for _, k := range kinds {
		if k != TXT {
			out = append(out, k)
		}
	}
	return out
}

// ParseKind returns the Kind named s (case-insensitive, e.g. an exportType value).
func ParseKind(s string) (Kind, error) {
	for _, k := range kinds {
		if strings.EqualFold(s, string(k)) {
			return k, nil
		}
	}
	if strings.EqualFold(s, "CONLL") {
		return CoNLL, nil
	}
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	return "", fmt.Errorf("format: unknown format %q (known: %s)", s, strings.Join(names, ", "))
}

// KindFromName returns the readable Kind a file name's extension stands for.
func KindFromName(filename string) (Kind, error) {
	switch ext := strings.ToLower(path.Ext(filename)); ext {
	case ".json":
		return JSON, nil
	case ".jsonl", ".ndjson":
		return JSONL, nil
	case ".csv":
		return CSV, nil
	case ".tsv":
		return TSV, nil
	case ".txt":
		return TXT, nil
	case ".conll", ".conll2003", ".bio":
		return CoNLL, nil
	case "":
		return "", fmt.Errorf("format: %q has no extension; expected one of .json .jsonl .ndjson .csv .tsv .txt .conll .conll2003 .bio", filename)
	default:
		return "", fmt.Errorf("format: unsupported file type %q of %q; expected one of .json .jsonl .ndjson .csv .tsv .txt .conll .conll2003 .bio", ext, filename)
	}
}

// RecordError reports a malformed record; the caller adds the file name.
type RecordError struct {
	Line   int    // 1-based line where the record starts (for a JSON array, where the element starts); 0 if unknown
	Record int    // 1-based index of the record (element, line, row or sentence; a header is not a record)
	Msg    string // what is wrong
	// Fatal is true when the reader cannot go on past this error: Next
	// returns it again. Otherwise Next continues with the following record.
	Fatal bool
}

// Error formats the error as "line L, record R: msg".
func (e *RecordError) Error() string {
	switch {
	case e.Line > 0 && e.Record > 0:
		return fmt.Sprintf("line %d, record %d: %s", e.Line, e.Record, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	case e.Record > 0:
		return fmt.Sprintf("record %d: %s", e.Record, e.Msg)
	}
	return e.Msg
}
