package format

import (
	"fmt"
	"io"
	"unicode/utf8"
)

// txtReader makes one task per non-blank line, its text in Options.TextKey;
// lines holding only white space are skipped, other lines are kept as they
// are (without their line terminator).
type txtReader struct {
	lr     *lineReader
	key    string
	record int
	err    error
}

func newTXTReader(r io.Reader, opts Options) *txtReader {
	return &txtReader{lr: newLineReader(r, opts.maxRecord()), key: opts.textKey()}
}

// Next returns the task of the next non-blank line.
func (t *txtReader) Next() (Task, error) {
	if t.err != nil {
		return Task{}, t.err
	}
	for {
		line, tooLong, err := t.lr.next()
		if err != nil {
			t.err = err
			return Task{}, err
		}
		if tooLong {
			t.record++
			return Task{}, &RecordError{Line: t.lr.line, Record: t.record, Msg: fmt.Sprintf("line longer than %d bytes", t.lr.max)}
		}
		if isBlank(line) {
			continue
		}
		t.record++
		if !utf8.Valid(line) {
			return Task{}, &RecordError{Line: t.lr.line, Record: t.record, Msg: "invalid UTF-8"}
		}
		return Task{Data: map[string]any{t.key: string(line)}, Line: t.lr.line}, nil
	}
}
