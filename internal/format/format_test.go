package format

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// golden compares got with testdata/golden/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := lineDiff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs from the golden file (-want +got; go test -update rewrites it):\n%s", name, diff)
	}
}

// outcome renders one Next result: a task as JSON, or an error.
func outcome(t Task, err error) string {
	if err != nil {
		var re *RecordError
		if errors.As(err, &re) {
			s := "error: " + re.Error()
			if re.Fatal {
				s += " (fatal)"
			}
			return s
		}
		return "error: " + err.Error()
	}
	b, err := marshalNoEscape(t)
	if err != nil {
		return "marshal: " + err.Error()
	}
	return string(b)
}

// readAll reads r to the end, rendering every outcome; it stops at io.EOF,
// at a fatal error, or after max outcomes.
func readAll(r Reader, max int) []string {
	var out []string
	for len(out) < max {
		t, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		out = append(out, outcome(t, err))
		var re *RecordError
		if err != nil && (!errors.As(err, &re) || re.Fatal) {
			break
		}
	}
	return out
}

// readTasks reads every task of r, failing the test on any error.
func readTasks(t testing.TB, r Reader) []Task {
	t.Helper()
	var tasks []Task
	for {
		task, err := r.Next()
		if errors.Is(err, io.EOF) {
			return tasks
		}
		if err != nil {
			t.Fatalf("task %d: %v", len(tasks)+1, err)
		}
		tasks = append(tasks, task)
	}
}

func mustReader(t testing.TB, kind Kind, in string, opts Options) Reader {
	t.Helper()
	r, err := NewReader(kind, strings.NewReader(in), opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func renderTasks(tasks []Task) []byte {
	var b bytes.Buffer
	for _, t := range tasks {
		fmt.Fprintln(&b, outcome(t, nil))
	}
	return b.Bytes()
}
