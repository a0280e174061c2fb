package format

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// tsvReader reads tab-separated values without any quote handling: a field
// is everything between two tabs, so bare quotes in text are kept as they
// are. Blank lines are skipped.
type tsvReader struct {
	lr     *lineReader
	cols   []string
	fields []string
	record int
	err    error
}

func newTSVReader(r io.Reader, opts Options) (*tsvReader, error) {
	t := &tsvReader{lr: newLineReader(r, opts.maxRecord())}
	if opts.Columns != nil {
		if err := checkColumns(opts.Columns); err != nil {
			return nil, err
		}
		t.cols = slices.Clone(opts.Columns)
	}
	return t, nil
}

// Next returns the task of the next non-blank line.
func (t *tsvReader) Next() (Task, error) {
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
			if t.cols == nil {
				t.err = &RecordError{Line: t.lr.line, Msg: fmt.Sprintf("header longer than %d bytes", t.lr.max), Fatal: true}
				return Task{}, t.err
			}
			t.record++
			return Task{}, &RecordError{Line: t.lr.line, Record: t.record, Msg: fmt.Sprintf("line longer than %d bytes", t.lr.max)}
		}
		if isBlank(line) {
			continue
		}
		t.fields = t.fields[:0]
		for s := string(line); ; {
			i := strings.IndexByte(s, '\t')
			if i < 0 {
				t.fields = append(t.fields, s)
				break
			}
			t.fields = append(t.fields, s[:i])
			s = s[i+1:]
		}
		if t.cols == nil {
			if err := checkColumns(t.fields); err != nil {
				t.err = &RecordError{Line: t.lr.line, Msg: "header: " + err.Error(), Fatal: true}
				return Task{}, t.err
			}
			t.cols = slices.Clone(t.fields)
			continue
		}
		t.record++
		task, msg := rowTask(t.cols, t.fields)
		if msg != "" {
			return Task{}, &RecordError{Line: t.lr.line, Record: t.record, Msg: msg}
		}
		task.Line = t.lr.line
		return task, nil
	}
}

// tsvClean replaces the characters a quote-less TSV cannot hold with spaces.
func tsvClean(s string) string {
	if !strings.ContainsAny(s, "\t\r\n") {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\r' || r == '\n' {
			return ' '
		}
		return r
	}, s)
}
