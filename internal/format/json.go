package format

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// jsonReader reads a Label Studio JSON file: an array of tasks, read element
// by element, or a single task object.
type jsonReader struct {
	lc     *lineCounter
	br     *bufio.Reader
	dec    *json.Decoder
	base   int64 // bytes skipped before the decoder started (a byte-order mark)
	state  int
	record int
	err    error // sticky
}

const (
	jsonStart = iota
	jsonArray
	jsonObject
	jsonDone
)

func newJSONReader(r io.Reader, _ Options) *jsonReader {
	lc := &lineCounter{r: r}
	return &jsonReader{lc: lc, br: bufio.NewReaderSize(lc, 64<<10)}
}

func (j *jsonReader) fail(line int, format string, args ...any) error {
	j.err = &RecordError{Line: line, Record: j.record, Msg: fmt.Sprintf(format, args...), Fatal: true}
	return j.err
}

// decodeErr turns an error of the decoder into a sticky error.
func (j *jsonReader) decodeErr(err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return j.fail(j.lc.lineAt(j.base+se.Offset-1), "%s", se.Error())
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return j.fail(j.lc.lineAt(j.lc.off), "unexpected end of input")
	}
	j.err = err
	return err
}

// Next returns the next task of the array, or the single task.
func (j *jsonReader) Next() (Task, error) {
	if j.err != nil {
		return Task{}, j.err
	}
	switch j.state {
	case jsonStart:
		if b, _ := j.br.Peek(3); bytes.Equal(b, bom) {
			j.br.Discard(3)
			j.base = 3
		}
		c, err := j.peekNonSpace()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return Task{}, j.fail(j.lc.lineAt(j.lc.off), "empty input: expected a JSON array or object")
			}
			j.err = err
			return Task{}, err
		}
		j.dec = json.NewDecoder(j.br)
		switch c {
		case '[':
			if _, err := j.dec.Token(); err != nil {
				return Task{}, j.decodeErr(err)
			}
			j.state = jsonArray
		case '{':
			j.state = jsonObject
		default:
			return Task{}, j.fail(j.lc.lineAt(j.lc.off-int64(j.br.Buffered())), "expected a JSON array or object, found %q", c)
		}
		return j.Next()
	case jsonArray:
		if !j.dec.More() {
			tok, err := j.dec.Token()
			if err != nil {
				return Task{}, j.decodeErr(err)
			}
			if tok != json.Delim(']') {
				return Task{}, j.fail(j.lineAtDecoder(), "expected ']' at the end of the array, found %v", tok)
			}
			return j.end()
		}
		return j.element()
	case jsonObject:
		if j.record > 0 {
			return j.end()
		}
		return j.element()
	}
	return Task{}, io.EOF
}

// element decodes one value and turns it into a task.
func (j *jsonReader) element() (Task, error) {
	j.record++
	var raw json.RawMessage
	if err := j.dec.Decode(&raw); err != nil {
		return Task{}, j.decodeErr(err)
	}
	line := j.lc.lineAt(j.base + j.dec.InputOffset() - int64(len(raw)))
	t, err := decodeTask(raw)
	if err != nil {
		return Task{}, &RecordError{Line: line, Record: j.record, Msg: err.Error()}
	}
	t.Line = line
	return t, nil
}

// end checks that nothing but white space follows the value.
func (j *jsonReader) end() (Task, error) {
	tok, err := j.dec.Token()
	switch {
	case errors.Is(err, io.EOF):
		j.state = jsonDone
		j.err = io.EOF
		return Task{}, io.EOF
	case err != nil:
		return Task{}, j.decodeErr(err)
	}
	return Task{}, j.fail(j.lineAtDecoder(), "unexpected %v after the end of the JSON value", tok)
}

func (j *jsonReader) lineAtDecoder() int {
	return j.lc.lineAt(j.base + j.dec.InputOffset())
}

// peekNonSpace returns the first byte after white space without consuming it.
func (j *jsonReader) peekNonSpace() (byte, error) {
	for {
		b, err := j.br.Peek(1)
		if err != nil {
			return 0, err
		}
		switch b[0] {
		case ' ', '\t', '\r', '\n':
			j.br.Discard(1)
			j.base++
		default:
			return b[0], nil
		}
	}
}

// lineCounter counts the lines of what is read through it. It keeps the
// offsets of the newlines read but not yet passed by lineAt, so its memory is
// bounded by the reader's look-ahead, not the input size.
type lineCounter struct {
	r    io.Reader
	off  int64   // bytes read so far
	nl   []int64 // offsets of newlines not yet counted
	line int     // newlines counted
}

func (c *lineCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i := 0; i < n; {
		k := bytes.IndexByte(p[i:n], '\n')
		if k < 0 {
			break
		}
		c.nl = append(c.nl, c.off+int64(i+k))
		i += k + 1
	}
	c.off += int64(n)
	return n, err
}

// lineAt returns the 1-based line of byte offset pos; pos must not decrease between calls.
func (c *lineCounter) lineAt(pos int64) int {
	k := 0
	for k < len(c.nl) && c.nl[k] < pos {
		k++
	}
	c.line += k
	c.nl = c.nl[k:]
	return c.line + 1
}

// arrayWriter writes a JSON array with one element per line.
type arrayWriter struct {
	sink
	n int
}

// element appends v to the array.
func (a *arrayWriter) element(v any) error {
	b, err := marshalNoEscape(v)
	if err != nil {
		return err
	}
	sep := ",\n"
	if a.n == 0 {
		sep = "[\n"
	}
	a.n++
	a.bw.WriteString(sep)
	_, err = a.bw.Write(b)
	return err
}

// Close ends the array.
func (a *arrayWriter) Close() error {
	if err := a.check(); err != nil {
		return err
	}
	if a.n == 0 {
		a.bw.WriteString("[")
	}
	a.bw.WriteString("\n]\n")
	return a.close()
}

// jsonWriter writes a Label Studio JSON array, one task per line.
type jsonWriter struct{ arrayWriter }

func newJSONWriter(w io.Writer) *jsonWriter { return &jsonWriter{arrayWriter{sink: newSink(w)}} }

// Write appends a task to the array.
func (j *jsonWriter) Write(t Task) error {
	if err := j.check(); err != nil {
		return err
	}
	if err := j.element(t); err != nil {
		return fmt.Errorf("task %d: %w", t.ID, err)
	}
	return nil
}
