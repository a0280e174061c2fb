package format

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
)

// csvReader reads comma-separated values with encoding/csv: the header (or
// Options.Columns) names the data keys, and every value is a string.
type csvReader struct {
	cr     *csv.Reader
	cols   []string
	record int
	err    error
}

func newCSVReader(r io.Reader, opts Options) (*csvReader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if b, _ := br.Peek(3); bytes.Equal(b, bom) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // rowTask checks the width, so that a bad row can be skipped
	cr.ReuseRecord = true
	cr.LazyQuotes = opts.LazyQuotes
	c := &csvReader{cr: cr}
	if opts.Columns != nil {
		if err := checkColumns(opts.Columns); err != nil {
			return nil, err
		}
		c.cols = slices.Clone(opts.Columns)
	}
	return c, nil
}

// Next returns the task of the next row.
func (c *csvReader) Next() (Task, error) {
	if c.err != nil {
		return Task{}, c.err
	}
	if c.cols == nil {
		head, err := c.cr.Read()
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				err = &RecordError{Line: pe.StartLine, Msg: "header: " + pe.Err.Error(), Fatal: true}
			}
			c.err = err
			return Task{}, err
		}
		line, _ := c.cr.FieldPos(0)
		if err := checkColumns(head); err != nil {
			c.err = &RecordError{Line: line, Msg: "header: " + err.Error(), Fatal: true}
			return Task{}, c.err
		}
		c.cols = slices.Clone(head)
	}
	fields, err := c.cr.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			c.record++
			return Task{}, &RecordError{Line: pe.StartLine, Record: c.record, Msg: pe.Err.Error()}
		}
		c.err = err
		return Task{}, err
	}
	c.record++
	line, _ := c.cr.FieldPos(0)
	t, msg := rowTask(c.cols, fields)
	if msg != "" {
		return Task{}, &RecordError{Line: line, Record: c.record, Msg: msg}
	}
	t.Line = line
	return t, nil
}

// tableWriter writes one row per task: the data columns of Options.Columns,
// then one column per from_name of Options.LabelColumns holding the labels of
// the task's first annotation that was not cancelled, in JSON_MIN style (a
// single choice as its name, anything else as JSON). CSV quotes as RFC 4180
// requires; TSV has no quoting, so tabs and line breaks inside values become
// spaces.
type tableWriter struct {
	sink
	cw     *safeCSV // CSV only
	cols   []string
	labels []string
	row    []string
	raw    bool // formulas written as they are
}

func newTableWriter(kind Kind, w io.Writer, opts Options) (*tableWriter, error) {
	if len(opts.Columns)+len(opts.LabelColumns) == 0 {
		return nil, fmt.Errorf("format: the %s writer needs Options.Columns and/or Options.LabelColumns for its header", kind)
	}
	head := append(slices.Clone(opts.Columns), opts.LabelColumns...)
	if err := checkColumns(head); err != nil {
		return nil, fmt.Errorf("format: %s header: %w", kind, err)
	}
	t := &tableWriter{sink: newSink(w), cols: opts.Columns, labels: opts.LabelColumns}
	if kind == CSV {
		t.cw = newSafeCSV(t.bw, opts.RawFormulas)
	}
	t.raw = opts.RawFormulas
	return t, t.writeRow(head)
}

func (t *tableWriter) writeRow(row []string) error {
	if t.cw != nil {
		return t.cw.Write(row)
	}
	for i, f := range row {
		if i > 0 {
			t.bw.WriteByte('\t')
		}
		if !t.raw {
			f = NeutraliseFormula(f)
		}
		t.bw.WriteString(tsvClean(f))
	}
	return t.bw.WriteByte('\n')
}

// Write writes the task's row.
func (t *tableWriter) Write(task Task) error {
	if err := t.check(); err != nil {
		return err
	}
	t.row = t.row[:0]
	for _, c := range t.cols {
		s, err := cell(task.Data[c])
		if err != nil {
			return fmt.Errorf("task %d: column %q: %w", task.ID, c, err)
		}
		t.row = append(t.row, s)
	}
	var labels map[string]any
	if a := chosenAnnotation(task); a != nil && len(t.labels) > 0 {
		items, err := parseResults(a.Result)
		if err != nil {
			return fmt.Errorf("task %d: %w", task.ID, err)
		}
		if labels, err = minValues(items); err != nil {
			return fmt.Errorf("task %d: %w", task.ID, err)
		}
	}
	for _, name := range t.labels {
		s, err := cell(labels[name])
		if err != nil {
			return fmt.Errorf("task %d: column %q: %w", task.ID, name, err)
		}
		t.row = append(t.row, s)
	}
	return t.writeRow(t.row)
}

// Close flushes the output.
func (t *tableWriter) Close() error {
	if err := t.check(); err != nil {
		return err
	}
	if t.cw != nil {
		t.cw.Flush()
		if err := t.cw.Error(); err != nil {
			return err
		}
	}
	return t.close()
}
