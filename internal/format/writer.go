package format

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// Writer writes tasks in one format as they come.
//
// Close finishes the output (a closing bracket, a zip's directory, a COCO
// file's images and categories) and flushes it; it does not close the
// underlying io.Writer. A Writer must not be used after Close.
type Writer interface {
	Write(Task) error
	Close() error
}

// NewWriter returns a streaming Writer of kind onto w.
func NewWriter(kind Kind, w io.Writer, opts Options) (Writer, error) {
	switch kind {
	case JSON:
		return newJSONWriter(w), nil
	case JSONMin:
		return newJSONMinWriter(w), nil
	case JSONL:
		return newJSONLWriter(w), nil
	case CSV, TSV:
		return newTableWriter(kind, w, opts)
	case CoNLL:
		return newCoNLLWriter(w, opts), nil
	case COCO:
		return newCOCOWriter(w, opts), nil
	case YOLO:
		return newYOLOWriter(w, opts), nil
	case VOC:
		return newVOCWriter(w, opts), nil
	case AudioJSONL, AudioCSV:
		return newAudioWriter(kind, w, opts), nil
	case TXT:
		return nil, errors.New("format: TXT is an import format only; export text as CSV, TSV or JSONL")
	}
	return nil, fmt.Errorf("format: unknown format %q", kind)
}

var errClosed = errors.New("format: write after Close")

// sink is the buffered output every writer shares.
type sink struct {
	bw     *bufio.Writer
	closed bool
}

func newSink(w io.Writer) sink { return sink{bw: bufio.NewWriterSize(w, 64<<10)} }

func (s *sink) check() error {
	if s.closed {
		return errClosed
	}
	return nil
}

func (s *sink) close() error {
	if s.closed {
		return errClosed
	}
	s.closed = true
	return s.bw.Flush()
}
