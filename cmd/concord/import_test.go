package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"concord/internal/live"
	"concord/internal/store"
	"concord/internal/store/storetest"
)

// TestImportCommandSendsFinished runs `concord import` in-process and checks
// that, like an import through the API or the worker (the one import use
// case, app.Imports), it ends with an import.finished live event: with the
// count of tasks when it succeeds, with the error when it is refused.
func TestImportCommandSendsFinished(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	dbURL := storetest.URLOf(st)
	owner, err := st.CreateUser(ctx, "m@x.org", "", "h", store.RoleManager)
	if err != nil {
		t.Fatal(err)
	}
	p, err := st.CreateProject(ctx, store.ProjectFields{Title: "cli import", MaximumAnnotations: 1, Sampling: "sequential"}, owner.ID)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "LISTEN "+live.Channel); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	getenv := func(k string) string {
		return map[string]string{"CONCORD_DATABASE_URL": dbURL, "CONCORD_DATA_DIR": filepath.Join(dir, "data")}[k]
	}
	importFile := func(name, body string) error {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		return run(ctx, []string{"import", "--project", fmt.Sprint(p.ID), path}, getenv, &stdout, &stderr)
	}
	finished := func() (live.Event, map[string]any) {
		t.Helper()
		wait, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		for {
			n, err := conn.WaitForNotification(wait)
			if err != nil {
				t.Fatalf("no import.finished event: %v", err)
			}
			var e live.Event
			if err := json.Unmarshal([]byte(n.Payload), &e); err != nil {
				t.Fatal(err)
			}
			if e.Type != live.TypeImportFinished {
				continue
			}
			var data map[string]any
			json.Unmarshal(e.Data, &data)
			return e, data
		}
	}

	if err := importFile("ok.jsonl", "{\"text\": \"one\"}\n{\"text\": \"two\"}\n"); err != nil {
		t.Fatal(err)
	}
	e, data := finished()
	if e.Project != p.ID || e.ID <= 0 || data["tasks"] != float64(2) || data["error"] != "" {
		t.Fatalf("after a good import: %+v %v, want project %d, 2 tasks, no error", e, data, p.ID)
	}
	im, err := st.ImportByID(ctx, p.ID, e.ID)
	if err != nil || im.Status != store.ImportDone || im.TasksCreated != 2 {
		t.Fatalf("the import's record: %+v %v", im, err)
	}

	err = importFile("bad.jsonl", "{\"text\": \"fine\"}\n{\"text\": oops}\n")
	if err == nil || !strings.Contains(err.Error(), "bad.jsonl line 2") {
		t.Fatalf("bad import: %v, want an error naming bad.jsonl line 2", err)
	}
	e, data = finished()
	if msg, _ := data["error"].(string); !strings.Contains(msg, "bad.jsonl line 2") {
		t.Fatalf("after a refused import: %+v %v, want its error", e, data)
	}
	if im, err := st.ImportByID(ctx, p.ID, e.ID); err != nil || im.Status != store.ImportFailed {
		t.Fatalf("the refused import's record: %+v %v", im, err)
	}
}
