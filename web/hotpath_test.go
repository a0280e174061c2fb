package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"concord/internal/config"
	"concord/internal/ingest"
	"concord/internal/job"
	"concord/internal/live"
	"concord/internal/media"
	"concord/internal/store"
	"concord/internal/store/storetest"
	"concord/web"
)

// TestHotPathStatements counts, with a tracer on the server's pool, what the
// annotator's next + submit pair sends PostgreSQL in the common case (the
// caller's token, the project and their membership already in the process's
// memory): at most 3 round trips for each request and 8 statements per pair
// (issue 16). Each pair is also checked for what it must still do: the
// annotation stored once, the task full, the label counted for the drain, the
// annotation.created live event sent after commit.
func TestHotPathStatements(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	base := storetest.New(t)
	st, count, err := store.OpenCounted(ctx, storetest.URLOf(base))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	// The server as the label benchmark runs it: a River client that only
	// inserts (a worker's polling would be counted too).
	cfg := config.Config{SessionMaxAge: time.Hour, DataDir: t.TempDir(), MaxUploadMB: 64, AsyncImportMB: 16}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	blobs, err := media.NewDiskStore(filepath.Join(cfg.DataDir, "media"))
	if err != nil {
		t.Fatal(err)
	}
	im := &ingest.Importer{Store: st, Blobs: blobs}
	jobs, err := job.NewClient(st.Pool, st, im, job.Options{}, log)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.New(web.Deps{Config: cfg, Store: st, Importer: im, Jobs: jobs, Hub: live.NewHub(log), Log: log}).Handler())
	t.Cleanup(srv.Close)
	e := &env{t: t, store: st, srv: srv}

	mgr := e.user("manager@x.org", "manager")
	p := e.project(mgr, "hot path")
	const pairs = 12
	for i := range pairs + 1 {
		if _, err := st.CreateTask(ctx, p.ID, map[string]any{"text": fmt.Sprintf("tweet %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	ann := e.user("ann@x.org", "annotator")
	if err := st.SetMember(ctx, p.ID, ann.ID, "annotator"); err != nil {
		t.Fatal(err)
	}
	tok := e.token(ann)

	// Live events: a listener of our own on the channel.
	lc, err := pgx.Connect(ctx, storetest.URLOf(base))
	if err != nil {
		t.Fatal(err)
	}
	defer lc.Close(context.Background())
	if _, err := lc.Exec(ctx, "LISTEN "+live.Channel); err != nil {
		t.Fatal(err)
	}

	pair := func(i int) (nextStmts, nextTrips, subStmts, subTrips int64) {
		t.Helper()
		count.Reset()
		var lt labelingTask
		if code := e.call(tok, "GET", fmt.Sprintf("/api/projects/%d/next", p.ID), nil, &lt); code != 200 {
			t.Fatalf("pair %d: next: %d", i, code)
		}
		nextStmts, nextTrips = count.Counts()
		count.Reset()
		code, id := e.submit(tok, lt.Task.ID, fmt.Sprintf("k%d", i), map[string]any{"result": choice("Positive"), "lead_time": 2})
		if code != 201 {
			t.Fatalf("pair %d: submit: %d", i, code)
		}
		subStmts, subTrips = count.Counts()
		var full bool
		var n int
		base.Pool.QueryRow(ctx, `SELECT t.is_full, (SELECT count(*) FROM annotations a WHERE a.task_id = t.id) FROM tasks t WHERE t.id = $1`, lt.Task.ID).Scan(&full, &n)
		if !full || n != 1 {
			t.Fatalf("pair %d: task %d full %v with %d annotations, want full with 1", i, lt.Task.ID, full, n)
		}
		wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		msg, err := lc.WaitForNotification(wctx)
		if err != nil {
			t.Fatalf("pair %d: no live event: %v", i, err)
		}
		var ev live.Event
		json.Unmarshal([]byte(msg.Payload), &ev)
		if ev.Type != live.TypeAnnotationCreated || ev.ID != id || ev.Project != p.ID {
			t.Fatalf("pair %d: live event %+v, want annotation.created of annotation %d", i, ev, id)
		}
		return
	}
	pair(0) // fills the process's memory: token, project and role, parsed config, open tasks
	var stmts int64
	for i := 1; i <= pairs; i++ {
		ns, nt, ss, stt := pair(i)
		if nt > 3 || stt > 3 {
			t.Errorf("pair %d: next took %d round trips, submit %d; want at most 3 each", i, nt, stt)
		}
		stmts += ns + ss
	}
	if per := float64(stmts) / pairs; per > 8 {
		t.Errorf("%.1f statements per next + submit pair, want at most 8", per)
	} else {
		t.Logf("%.2f statements per next + submit pair", per)
	}
	var labels int64
	base.Pool.QueryRow(ctx, `SELECT coalesce(sum(labels), 0) FROM label_counts WHERE project_id = $1`, p.ID).Scan(&labels)
	if labels != pairs+1 {
		t.Errorf("label_counts holds %d labels, want %d", labels, pairs+1)
	}
}
