package format

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// conllReader reads CoNLL-2003 style token-per-line files: each line holds
// a token, optional middle columns and a tag in the last column, separated by
// tabs (when the line has one) or else by spaces. "-DOCSTART-" lines are
// ignored and any blank line ends a sentence. Each sentence becomes a task
// whose text is its tokens joined by single spaces and whose one annotation
// holds a span ("labels") result per entity, with UTF-16 offsets.
//
// Tags may follow IOB2 (B- starts every entity), IOB1 (I- starts an entity
// unless it continues one of the same type), BIOES/BILOU (E-/L- end, S-/U-
// are single tokens) or plain IO (a tag without prefix is treated as I-).
// A bad line spoils its sentence: Next reports it and goes on with the next
// sentence.
type conllReader struct {
	lr        *lineReader
	opts      Options
	record    int
	err       error
	tokens    []string
	tags      []string
	size      int // bytes held for the current sentence
	first     int // line of the current sentence's first token
	bad       *RecordError
	inRecord  bool
	fieldsBuf []string
}

func newCoNLLReader(r io.Reader, opts Options) *conllReader {
	return &conllReader{lr: newLineReader(r, opts.maxRecord()), opts: opts}
}

// Next returns the task of the next sentence.
func (c *conllReader) Next() (Task, error) {
	if c.err != nil {
		return Task{}, c.err
	}
	for {
		line, tooLong, err := c.lr.next()
		if err == io.EOF || (err == nil && !tooLong && isBlank(line)) {
			if t, ok, err := c.endSentence(); ok {
				return t, err
			}
			if err == io.EOF {
				c.err = io.EOF
				return Task{}, io.EOF
			}
			continue
		}
		if err != nil {
			c.err = err
			return Task{}, err
		}
		if !c.inRecord {
			c.inRecord = true
			c.record++
		}
		if c.bad != nil {
			continue
		}
		if tooLong {
			c.spoil("line longer than %d bytes", c.lr.max)
			continue
		}
		if !utf8.Valid(line) {
			c.spoil("invalid UTF-8")
			continue
		}
		f := c.split(line)
		if f[0] == "-DOCSTART-" {
			if len(c.tokens) == 0 {
				c.inRecord = false
				c.record--
			}
			continue
		}
		if len(f) < 2 {
			c.spoil("one column %q: want a token and a tag separated by a tab or spaces", f[0])
			continue
		}
		tag := f[len(f)-1]
		if err := checkTag(tag); err != nil {
			c.spoil("%v", err)
			continue
		}
		c.size += len(f[0]) + len(tag)
		if c.size > c.opts.maxRecord() {
			c.spoil("sentence longer than %d bytes", c.opts.maxRecord())
			continue
		}
		if len(c.tokens) == 0 {
			c.first = c.lr.line
		}
		c.tokens = append(c.tokens, f[0])
		c.tags = append(c.tags, tag)
	}
}

func (c *conllReader) spoil(format string, args ...any) {
	c.bad = &RecordError{Line: c.lr.line, Record: c.record, Msg: fmt.Sprintf(format, args...)}
}

// endSentence returns the finished sentence's task or error, if any.
func (c *conllReader) endSentence() (Task, bool, error) {
	defer func() {
		c.tokens, c.tags, c.bad, c.size, c.first, c.inRecord = c.tokens[:0], c.tags[:0], nil, 0, 0, false
	}()
	if c.bad != nil {
		return Task{}, true, c.bad
	}
	if len(c.tokens) == 0 {
		return Task{}, false, nil
	}
	t := sentenceTask(c.tokens, c.tags, c.record, c.opts)
	t.Line = c.first
	return t, true, nil
}

// split splits a line at tabs if it has any, else at runs of spaces.
func (c *conllReader) split(line []byte) []string {
	f := c.fieldsBuf[:0]
	s := string(line)
	if strings.IndexByte(s, '\t') >= 0 {
		for _, p := range strings.Split(s, "\t") {
			if p = strings.Trim(p, " \r\v\f"); p != "" {
				f = append(f, p)
			}
		}
	} else {
		f = append(f, strings.FieldsFunc(s, func(r rune) bool {
			return r == ' ' || r == '\r' || r == '\v' || r == '\f'
		})...)
	}
	c.fieldsBuf = f
	return f
}

func checkTag(tag string) error {
	if tag == "O" {
		return nil
	}
	if len(tag) >= 2 && tag[1] == '-' {
		if !strings.ContainsRune("BIESLU", rune(tag[0])) {
			return fmt.Errorf("tag %q: prefix must be one of B- I- E- S- L- U-", tag)
		}
		if len(tag) == 2 {
			return fmt.Errorf("tag %q has no entity type", tag)
		}
	}
	return nil
}

// splitTag returns a tag's scheme letter ('O', 'B', 'I', 'E', 'S', 'L', 'U')
// and entity type; a tag without prefix is read as I-.
func splitTag(tag string) (byte, string) {
	if tag == "O" {
		return 'O', ""
	}
	if len(tag) > 2 && tag[1] == '-' {
		return tag[0], tag[2:]
	}
	return 'I', tag
}

type span struct {
	first, last int // token indexes, inclusive
	label       string
}

// tagSpans groups tagged tokens into entity spans.
func tagSpans(tags []string) []span {
	var spans []span
	open := false
	for i, tag := range tags {
		p, typ := splitTag(tag)
		switch p {
		case 'O':
			open = false
			continue
		case 'B', 'S', 'U':
			spans = append(spans, span{i, i, typ})
			open = true
		default: // I, E, L
			if open && spans[len(spans)-1].label == typ {
				spans[len(spans)-1].last = i
			} else {
				spans = append(spans, span{i, i, typ})
				open = true
			}
		}
		if p == 'E' || p == 'L' || p == 'S' || p == 'U' {
			open = false
		}
	}
	return spans
}

// spanResult is a Label Studio span result on text.
type spanResult struct {
	ID       string    `json:"id"`
	FromName string    `json:"from_name"`
	ToName   string    `json:"to_name"`
	Type     string    `json:"type"`
	Value    spanValue `json:"value"`
}

type spanValue struct {
	Start  int      `json:"start"`
	End    int      `json:"end"`
	Text   string   `json:"text"`
	Labels []string `json:"labels"`
}

// sentenceTask makes the task of one sentence.
func sentenceTask(tokens, tags []string, record int, opts Options) Task {
	starts := make([]int, len(tokens)+1) // UTF-16 offset of each token, and of the end
	var text strings.Builder
	u := 0
	for i, tok := range tokens {
		if i > 0 {
			text.WriteByte(' ')
			u++
		}
		starts[i] = u
		text.WriteString(tok)
		u += utf16Len(tok)
	}
	starts[len(tokens)] = u
	result := make([]json.RawMessage, 0, 2)
	for n, s := range tagSpans(tags) {
		r := spanResult{
			ID:       strconv.Itoa(record) + "-" + strconv.Itoa(n+1),
			FromName: opts.fromName(),
			ToName:   opts.toName(),
			Type:     "labels",
			Value: spanValue{
				Start:  starts[s.first],
				End:    starts[s.last] + utf16Len(tokens[s.last]),
				Text:   strings.Join(tokens[s.first:s.last+1], " "),
				Labels: []string{s.label},
			},
		}
		b, err := marshalNoEscape(r)
		if err != nil {
			panic(err) // a struct of strings and ints always marshals
		}
		result = append(result, b)
	}
	return Task{
		Data:        map[string]any{opts.textKey(): text.String()},
		Annotations: []Annotation{{Result: result}},
	}
}

// marshalNoEscape is json.Marshal without HTML escaping and without the trailing newline.
func marshalNoEscape(v any) ([]byte, error) {
	var buf bytes.Buffer
	e := json.NewEncoder(&buf)
	e.SetEscapeHTML(false)
	if err := e.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// CutSpan describes a span the CoNLL writer could not export exactly.
type CutSpan struct {
	TaskID     int64
	Start, End int    // the span's UTF-16 offsets
	Label      string // its first label
	Reason     string // "cuts a token" or "overlaps another span"
}

// conllWriter writes CoNLL-2003 with IOB2 tags: "-DOCSTART- -X- -X- O", then
// per task one line "token -X- _ TAG" per token and a blank line.
//
// Tokens are the runs of non-space characters of the task's text
// (Options.TextKey), split at Unicode white space, so one task is one
// sentence and the reader gives back the tokens joined by single spaces.
// Spans come from the first annotation that was not cancelled (type
// "labels" with start and end; only those of Options.FromName when set).
// A token is labelled by the span that covers its first character. A span
// that starts or ends inside a token, or that finds a token already
// labelled by an earlier span, is reported to Options.OnCutSpan and
// counted; its first label is used when it has several.
type conllWriter struct {
	sink
	opts    Options
	started bool
	cuts    int
	tags    []string
	toks    []token
}

type token struct {
	text       string
	start, end int
} // UTF-16 offsets

func newCoNLLWriter(w io.Writer, opts Options) *conllWriter {
	return &conllWriter{sink: newSink(w), opts: opts}
}

// Cuts returns how many spans could not be exported exactly so far.
func (c *conllWriter) Cuts() int { return c.cuts }

// tokenize splits text at white space, with UTF-16 offsets.
func tokenize(text string, toks []token) []token {
	toks = toks[:0]
	u, start, startU := 0, -1, 0
	for i, r := range text {
		if unicode.IsSpace(r) {
			if start >= 0 {
				toks = append(toks, token{text[start:i], startU, u})
				start = -1
			}
		} else if start < 0 {
			start, startU = i, u
		}
		if r >= 0x10000 {
			u += 2
		} else {
			u++
		}
	}
	if start >= 0 {
		toks = append(toks, token{text[start:], startU, u})
	}
	return toks
}

// Write writes the task's sentence.
func (c *conllWriter) Write(t Task) error {
	if err := c.check(); err != nil {
		return err
	}
	if !c.started {
		c.started = true
		c.bw.WriteString("-DOCSTART- -X- -X- O\n\n")
	}
	text, _ := t.Data[c.opts.textKey()].(string)
	c.toks = tokenize(text, c.toks)
	if len(c.toks) == 0 {
		return nil
	}
	c.tags = c.tags[:0]
	for range c.toks {
		c.tags = append(c.tags, "O")
	}
	if a := chosenAnnotation(t); a != nil {
		items, err := parseResults(a.Result)
		if err != nil {
			return fmt.Errorf("task %d: %w", t.ID, err)
		}
		var spans []resultItem
		for _, it := range items {
			if it.Type == "labels" && it.Value.Start != nil && it.Value.End != nil && len(it.Value.Labels) > 0 &&
				(c.opts.FromName == "" || it.FromName == c.opts.FromName) {
				spans = append(spans, it)
			}
		}
		slices.SortStableFunc(spans, func(a, b resultItem) int { return cmp.Compare(*a.Value.Start, *b.Value.Start) })
		for _, sp := range spans {
			c.tagSpan(t.ID, sp)
		}
	}
	for i, tok := range c.toks {
		c.bw.WriteString(tok.text)
		c.bw.WriteString(" -X- _ ")
		c.bw.WriteString(c.tags[i])
		c.bw.WriteByte('\n')
	}
	return c.bw.WriteByte('\n')
}

// tagSpan tags the tokens whose first character the span covers.
func (c *conllWriter) tagSpan(id int64, sp resultItem) {
	start, end := int(*sp.Value.Start), int(*sp.Value.End)
	label := sp.Value.Labels[0]
	reason := ""
	first := true
	for i, tok := range c.toks {
		if (tok.start < start && start < tok.end) || (tok.start < end && end < tok.end) {
			reason = "cuts a token"
		}
		if tok.start < start || tok.start >= end {
			continue
		}
		if c.tags[i] != "O" {
			if reason == "" {
				reason = "overlaps another span"
			}
			first = true // the next free token begins a new entity
			continue
		}
		if first {
			c.tags[i] = "B-" + label
			first = false
		} else {
			c.tags[i] = "I-" + label
		}
	}
	if reason != "" {
		c.cuts++
		if c.opts.OnCutSpan != nil {
			c.opts.OnCutSpan(CutSpan{TaskID: id, Start: start, End: end, Label: label, Reason: reason})
		}
	}
}

// Close flushes the output.
func (c *conllWriter) Close() error { return c.close() }
