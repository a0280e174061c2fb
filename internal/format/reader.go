package format

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Reader yields the tasks of one input, one at a time.
//
// Next returns io.EOF after the last task. A malformed record is reported as
// a *RecordError; unless its Fatal field is set, calling Next again continues
// with the following record, so a caller may skip bad records. Which errors
// are recoverable depends on the format: JSONL, CSV, TSV, TXT and CoNLL
// recover from any bad record (line, row or sentence); a JSON array recovers
// from an element that is valid JSON but not a task (not an object, wrong
// field types, invalid UTF-8) but not from a syntax error, after which the
// array cannot be resynchronised. Errors of the underlying io.Reader are
// returned as they are and repeat.
type Reader interface {
	Next() (Task, error)
}

// NewReader returns a streaming Reader of kind over r.
func NewReader(kind Kind, r io.Reader, opts Options) (Reader, error) {
	switch kind {
	case JSON:
		return newJSONReader(r, opts), nil
	case JSONL:
		return newJSONLReader(r, opts), nil
	case CSV:
		return newCSVReader(r, opts)
	case TSV:
		return newTSVReader(r, opts)
	case TXT:
		return newTXTReader(r, opts), nil
	case CoNLL:
		return newCoNLLReader(r, opts), nil
	case JSONMin, COCO, YOLO, VOC, AudioJSONL, AudioCSV:
		return nil, fmt.Errorf("format: %s cannot be imported; read JSON_MIN as JSON and audio tables as JSONL or CSV", kind)
	}
	return nil, fmt.Errorf("format: unknown format %q", kind)
}

// lineReader returns the lines of its input one by one, without their
// terminators ("\n" or "\r\n") and without a leading UTF-8 byte-order mark.
type lineReader struct {
	br    *bufio.Reader
	max   int
	line  int // number of the line last returned
	buf   []byte
	atEOF bool
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, 64<<10), max: max}
}

var bom = []byte("\xef\xbb\xbf")

// next returns the next line; the slice is valid until the following call.
// tooLong reports a line longer than max, whose content is dropped.
func (l *lineReader) next() (b []byte, tooLong bool, err error) {
	if l.atEOF {
		return nil, false, io.EOF
	}
	l.buf = l.buf[:0]
	n := 0
	for {
		chunk, err := l.br.ReadSlice('\n')
		n += len(chunk)
		if n > l.max {
			tooLong = true
		}
		switch {
		case err == nil || (errors.Is(err, io.EOF) && n > 0):
			if errors.Is(err, io.EOF) {
				l.atEOF = true
			}
			l.line++
			if !tooLong && len(l.buf) > 0 {
				l.buf = append(l.buf, chunk...)
				chunk = l.buf
			}
			if tooLong {
				return nil, true, nil
			}
			chunk = bytes.TrimSuffix(chunk, []byte("\n"))
			chunk = bytes.TrimSuffix(chunk, []byte("\r"))
			if l.line == 1 {
				chunk = bytes.TrimPrefix(chunk, bom)
			}
			return chunk, false, nil
		case errors.Is(err, bufio.ErrBufferFull):
			if !tooLong {
				l.buf = append(l.buf, chunk...)
			}
		case errors.Is(err, io.EOF):
			l.atEOF = true
			return nil, false, io.EOF
		default:
			return nil, false, err
		}
	}
}

// isBlank reports whether b holds only ASCII or Unicode white space.
func isBlank(b []byte) bool {
	return len(bytes.TrimSpace(b)) == 0
}
