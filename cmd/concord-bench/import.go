package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/jackc/pgx/v5"

	"concord/internal/ingest"
	"concord/internal/media"
	"concord/internal/store"
)

// importTasks is the import scenario's full size.
const importTasks = 1_000_000

var words = []string{"label", "the", "quick", "brown", "fox", "annotation", "crowd", "agreement", "review", "model",
	"dataset", "export", "café", "naïve", "日本語", "👍", "jumps", "over", "lazy", "dog", "quality", "task"}

// benchImport generates a JSONL file of text tasks, COPYs its rows raw into the
// tasks table (the baseline), then imports the same file with Concord.
func benchImport(ctx context.Context, e *env, scale float64) ([]figure, error) {
	n := max(int(importTasks*scale), 1000)
	path := filepath.Join(e.dir, "tasks.jsonl")
	size, err := writeTasks(path, n)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(e.log, "generated %d tasks, %.1f MB\n", n, float64(size)/1e6)
	owner, err := e.store.CreateUser(ctx, "bench@localhost", "", "!", store.RoleManager)
	if err != nil {
		return nil, err
	}
	newProject := func(title string) (store.Project, error) {
		return e.store.CreateProject(ctx, store.ProjectFields{Title: title, LabelConfig: `<View><Text name="text" value="$text"/><Choices name="c" toName="text"><Choice value="a"/><Choice value="b"/></Choices></View>`, MaximumAnnotations: 1, Sampling: "sequential"}, owner.ID)
	}

	// Baseline: read each line, hash it, COPY it — no parsing, no checks.
	raw, err := newProject("raw COPY")
	if err != nil {
		return nil, err
	}
	settle(ctx, e)
	t0 := time.Now()
	copied, err := rawCopy(ctx, e.store, raw.ID, path)
	if err != nil {
		return nil, err
	}
	rawSecs := time.Since(t0).Seconds()
	fmt.Fprintf(e.log, "raw COPY: %d rows in %.1fs\n", copied, rawSecs)

	p, err := newProject("concord import")
	if err != nil {
		return nil, err
	}
	blobs, err := media.NewDiskStore(filepath.Join(e.dir, "media"))
	if err != nil {
		return nil, err
	}
	settle(ctx, e)
	peakRSS(true)
	t0 = time.Now()
	rep, err := (&ingest.Importer{Store: e.store, Blobs: blobs}).Run(ctx, p, []ingest.File{{Name: "tasks.jsonl", Path: path, Size: size}}, ingest.Options{})
	if err != nil {
		return nil, err
	}
	secs := time.Since(t0).Seconds()
	rss := peakRSS(false)
	fmt.Fprintf(e.log, "concord import: %d tasks in %.1fs, peak RSS %.0f MiB\n", rep.TasksCreated, secs, rss)
	if rep.TasksCreated != copied {
		return nil, fmt.Errorf("imported %d tasks, raw COPY wrote %d", rep.TasksCreated, copied)
	}
	rate, rawRate := float64(n)/secs, float64(n)/rawSecs
	return []figure{
		{Scenario: "import", Name: fmt.Sprintf("import %d JSONL tasks", n), Value: rate, Unit: "tasks/s", Baseline: rawRate, BaseName: "raw pgx COPY", Ratio: rate / rawRate},
		{Scenario: "import", Name: "import peak RSS", Value: rss, Unit: "MiB"},
		{Scenario: "import", Name: "import throughput", Value: float64(size) / 1e6 / secs, Unit: "MB/s", Baseline: float64(size) / 1e6 / rawSecs, BaseName: "raw pgx COPY", Ratio: rawSecs / secs},
	}, nil
}

// settle checkpoints and collects garbage so each phase starts alike.
func settle(ctx context.Context, e *env) {
	e.store.Pool.Exec(ctx, "CHECKPOINT")
	runtime.GC()
	debug.FreeOSMemory()
}

// writeTasks writes n distinct text tasks of about 200 bytes as JSONL.
func writeTasks(path string, n int) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	var size int64
	for i := 0; i < n; i++ {
		text := fmt.Sprintf("task %d:", i)
		for len(text) < 170 {
			text += " " + words[rng.IntN(len(words))]
		}
		b, _ := json.Marshal(map[string]any{"text": text, "source": "bench"})
		b = append(b, '\n')
		w.Write(b)
		size += int64(len(b))
	}
	return size, w.Flush()
}

// rawCopy COPYs each line of the file as a task, with its hash: what the
// database itself costs for these rows.
func rawCopy(ctx context.Context, st *store.Store, projectID int64, path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var id int64
	if err := st.Pool.QueryRow(ctx, `SELECT coalesce(max(id), 0) + 10000000 FROM tasks`).Scan(&id); err != nil {
		return 0, err
	}
	row := make([]any, 4)
	return st.Pool.CopyFrom(ctx, pgx.Identifier{"tasks"}, []string{"id", "project_id", "data", "data_hash"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if !sc.Scan() {
				return nil, sc.Err()
			}
			line := sc.Bytes()
			h := sha256.Sum256(line)
			id++
			row[0], row[1], row[2], row[3] = id, projectID, json.RawMessage(line), h[:]
			return row, nil
		}))
}
