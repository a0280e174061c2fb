package format

import (
	"fmt"
	"io"
)

// jsonlReader reads one task per line; blank lines are skipped.
type jsonlReader struct {
	lr     *lineReader
	record int
	err    error
}

func newJSONLReader(r io.Reader, opts Options) *jsonlReader {
	return &jsonlReader{lr: newLineReader(r, opts.maxRecord())}
}

// Next returns the task on the next non-blank line.
func (j *jsonlReader) Next() (Task, error) {
	if j.err != nil {
		return Task{}, j.err
	}
	for {
		line, tooLong, err := j.lr.next()
		if err != nil {
			j.err = err
			return Task{}, err
		}
		if tooLong {
			j.record++
			return Task{}, &RecordError{Line: j.lr.line, Record: j.record, Msg: fmt.Sprintf("line longer than %d bytes", j.lr.max)}
		}
		if isBlank(line) {
			continue
		}
		j.record++
		t, err := decodeTask(line)
		if err != nil {
			return Task{}, &RecordError{Line: j.lr.line, Record: j.record, Msg: err.Error()}
		}
		t.Line = j.lr.line
		return t, nil
	}
}

// jsonlWriter writes one full task per line.
type jsonlWriter struct{ sink }

func newJSONLWriter(w io.Writer) *jsonlWriter { return &jsonlWriter{newSink(w)} }

// Write writes a task and a newline.
func (j *jsonlWriter) Write(t Task) error {
	if err := j.check(); err != nil {
		return err
	}
	b, err := marshalNoEscape(t)
	if err != nil {
		return fmt.Errorf("task %d: %w", t.ID, err)
	}
	j.bw.Write(b)
	return j.bw.WriteByte('\n')
}

// Close flushes the output.
func (j *jsonlWriter) Close() error { return j.close() }
