package format

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
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
	return t, nil
}
