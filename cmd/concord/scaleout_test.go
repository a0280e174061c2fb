package main

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"concord/internal/auth"
	"concord/internal/store/storetest"
)

// TestScaleOut runs two servers and one worker on one database, as real
// processes: an annotation submitted through server A reaches a websocket client
// of server B; an import job survives its worker being killed mid-way and
// completes exactly once; events of another project never reach the client.
func TestScaleOut(t *testing.T) {
	if testing.Short() {
		t.Skip("starts several processes")
	}
	ctx := context.Background()
	st := storetest.New(t)
	dbURL := storetest.URLOf(st)
	dir := t.TempDir()
	env := append(cleanEnv(), "CONCORD_DATABASE_URL="+dbURL, "CONCORD_DATA_DIR="+filepath.Join(dir, "data"),
		"CONCORD_ADDR=127.0.0.1:0", "CONCORD_ASYNC_IMPORT_MB=1", "CONCORD_ADMIN_EMAIL=admin@x.org", "CONCORD_ADMIN_PASSWORD=long enough pw")
	a := start(t, append(env, "CONCORD_WORKER=false"), "serve")
	b := start(t, append(env, "CONCORD_WORKER=false"), "serve")
	worker := start(t, env, "work")

	admin, err := st.UserByEmail(ctx, "admin@x.org")
	if err != nil {
		t.Fatal(err)
	}
	key, hash, prefix := auth.NewToken()
	st.CreateToken(ctx, admin.ID, hash, prefix)
	ca, cb := newClient(a.base, key), newClient(b.base, key)
	config := `<View><Text name="text" value="$text"/><Choices name="c" toName="text"><Choice value="x"/><Choice value="y"/></Choices></View>`
	var p, q struct{ ID int64 }
	ca.call(t, "POST", "/api/projects", strings.NewReader(mustJSON(map[string]any{"title": "shared", "label_config": config})), "application/json", &p)
	ca.call(t, "POST", "/api/projects", strings.NewReader(mustJSON(map[string]any{"title": "other", "label_config": config})), "application/json", &q)
	if p.ID == 0 || q.ID == 0 {
		t.Fatal("projects not created")
	}

	// A websocket client of server B, subscribed to project p.
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(b.base, "http")+"/ws", http.Header{"Authorization": {"Token " + key}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ws.WriteJSON(map[string]int64{"subscribe": p.ID})
	expect := func(want string, d time.Duration) map[string]any {
		t.Helper()
		deadline := time.Now().Add(d)
		for {
			ws.SetReadDeadline(deadline)
			var m map[string]any
			if err := ws.ReadJSON(&m); err != nil {
				t.Fatalf("waiting for %s: %v", want, err)
			}
			if m["project"] != nil && m["project"] != float64(p.ID) {
				t.Fatalf("event of another project: %v", m)
			}
			if m["type"] == want {
				return m
			}
		}
	}
	expect("subscribed", 10*time.Second)

	// A big import into p through server A, worked by `concord work`, which is
	// killed once it is running and started again.
	var jsonl bytes.Buffer
	const n = 150_000
	for i := 0; i < n; i++ {
		fmt.Fprintf(&jsonl, `{"text": "scale-out task %d, padded to look like a real sentence of moderate length"}`+"\n", i)
	}
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	fw, _ := mw.CreateFormFile("files", "big.jsonl")
	fw.Write(jsonl.Bytes())
	mw.Close()
	var queued struct {
		ImportID int64 `json:"import_id"`
	}
	if code := ca.call(t, "POST", fmt.Sprintf("/api/projects/%d/import", p.ID), &mp, mw.FormDataContentType(), &queued); code != 202 {
		t.Fatalf("import: %d", code)
	}
	status := func() map[string]any {
		var s map[string]any
		cb.call(t, "GET", fmt.Sprintf("/api/projects/%d/imports/%d", p.ID, queued.ImportID), nil, "", &s)
		return s
	}
	deadline := time.Now().Add(60 * time.Second)
	for status()["status"] != "running" {
		if time.Now().After(deadline) {
			t.Fatalf("the import never ran: %v\n%s", status(), worker.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	worker.kill()
	if s := status(); s["status"] == "done" {
		t.Fatalf("the import finished before the worker was killed; make it bigger: %v", s)
	}
	worker2 := start(t, env, "work")
	// River retries the job once the dead worker's claim is rescued; the
	// transaction it was in rolled back, so the retry starts afresh.
	for deadline := time.Now().Add(90 * time.Second); status()["status"] != "done"; time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			var jobs []string
			rows, _ := st.Pool.Query(ctx, `SELECT format('%s %s attempt=%s attempted_at=%s errors=%s', id, state, attempt, attempted_at, errors) FROM river_job`)
			for rows.Next() {
				var s string
				rows.Scan(&s)
				jobs = append(jobs, s)
			}
			t.Fatalf("the import did not finish after the restart: %v\njobs: %v\nworker: %s", status(), jobs, worker2.stderr)
		}
	}
	var count int64
	st.Pool.QueryRow(ctx, `SELECT count(*) FROM tasks WHERE project_id = $1`, p.ID).Scan(&count)
	if count != n {
		t.Fatalf("%d tasks after the killed and retried import, want exactly %d", count, n)
	}

	// An event in q (via A) must not reach the client; an annotation in p via A must.
	ca.call(t, "POST", "/api/tasks", strings.NewReader(mustJSON(map[string]any{"project": q.ID, "data": map[string]any{"text": "q"}})), "application/json", nil)
	var qt struct{ ID int64 }
	ca.call(t, "POST", "/api/tasks", strings.NewReader(mustJSON(map[string]any{"project": q.ID, "data": map[string]any{"text": "q2"}})), "application/json", &qt)
	ca.call(t, "POST", fmt.Sprintf("/api/tasks/%d/annotations", qt.ID), strings.NewReader(`{"result":[{"from_name":"c","to_name":"text","type":"choices","value":{"choices":["x"]}}]}`), "application/json", nil)
	var lt struct {
		Task struct{ ID int64 } `json:"task"`
	}
	ca.call(t, "GET", fmt.Sprintf("/api/projects/%d/next", p.ID), nil, "", &lt)
	var ann struct{ ID int64 }
	ca.call(t, "POST", fmt.Sprintf("/api/tasks/%d/annotations", lt.Task.ID), strings.NewReader(`{"result":[{"from_name":"c","to_name":"text","type":"choices","value":{"choices":["y"]}}]}`), "application/json", &ann)
	m := expect("annotation.created", 20*time.Second)
	if m["id"] != float64(ann.ID) {
		t.Fatalf("event %v, want annotation %d", m, ann.ID)
	}
	os.Stdout.Sync()
}
