// Package ingest turns uploaded files into a project's tasks: Label Studio
// JSON and JSONL (bare data or full tasks with annotations and predictions),
// CSV, TSV, TXT, CoNLL, media files (images, audio) and zip archives of them.
//
// An import streams: records are parsed, checked and copied into PostgreSQL one
// at a time, inside one transaction. A malformed record stops the import with
// the file, line and reason, and nothing is written — unless the caller asked to
// skip invalid records, which are then listed in the report. Exact duplicates
// (same data, which for media means the same bytes) are skipped and counted.
package ingest

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"concord/internal/media"
	"concord/internal/store"
)

// MaxProblems bounds how many skipped records a report lists (all are counted).
const MaxProblems = 1000

// Importer holds what an import needs. Its Store may be a transaction's (see
// In): the import then commits with whatever else that transaction writes.
type Importer struct {
	Store *store.Store
	Blobs media.Blobs
}

// In is the importer writing through tx, a Store in a transaction.
func (im *Importer) In(tx *store.Store) *Importer {
	c := *im
	c.Store = tx
	return &c
}

// File is one uploaded file, already on disk.
type File struct {
	Name string // as the user named it; its extension says what it holds
	Path string // where it is stored
	Size int64
}

// Options are an import's choices.
type Options struct {
	ImportID    int64
	UserID      int64
	SkipInvalid bool
	// ReturnIDs lists the created tasks' ids in the report (Label Studio's
	// return_task_ids); it costs 8 bytes a task.
	ReturnIDs bool
	// Progress, when set, is called now and then with bytes read so far.
	Progress func(done int64)
}

// Report says what an import made and what it skipped.
type Report struct {
	TasksCreated int64      `json:"task_count"`
	Duplicates   int64      `json:"duplicates"`
	Annotations  int64      `json:"annotation_count"`
	Predictions  int64      `json:"prediction_count"`
	SkippedCount int64      `json:"skipped_count"`
	TaskIDs      []int64    `json:"task_ids,omitempty"`
	Skipped      []*Problem `json:"skipped"`
	Duration     float64    `json:"duration"` // seconds
}

// Problem is one refused record: which file (and zip member), which line, what is wrong.
type Problem struct {
	File   string `json:"file"`
	Member string `json:"member,omitempty"`
	Line   int    `json:"line,omitempty"`
	Record int    `json:"record,omitempty"`
	Msg    string `json:"error"`
}

func (p *Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Member != "" {
		b.WriteString(": " + p.Member)
	}
	if p.Line > 0 {
		fmt.Fprintf(&b, " line %d", p.Line)
	} else if p.Record > 0 {
		fmt.Fprintf(&b, " record %d", p.Record)
	}
	b.WriteString(": " + p.Msg)
	return b.String()
}

// countingReader counts the bytes read through it and reports progress.
type countingReader struct {
	r        io.Reader
	n        *int64
	progress func(int64)
	last     time.Time
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += int64(n)
	if c.progress != nil && time.Since(c.last) > 500*time.Millisecond {
		c.last = time.Now()
		c.progress(*c.n)
	}
	return n, err
}

// AsProblem reports whether err is a refused record or file.
func AsProblem(err error) (*Problem, bool) {
	var pr *Problem
	ok := errors.As(err, &pr)
	return pr, ok
}
