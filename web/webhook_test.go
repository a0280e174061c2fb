package web_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"concord/internal/config"
)

// TestWebhooks registers a webhook; an annotation's events (created, updated,
// deleted) arrive signed with its secret, a failing receiver is retried, and
// every attempt is logged.
func TestWebhooks(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var bodies []string
	var sigs []string
	calls := 0
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		calls++
		if calls == 1 {
			w.WriteHeader(http.StatusServiceUnavailable) // the first delivery fails
			return
		}
		bodies, sigs = append(bodies, string(b)), append(sigs, r.Header.Get("X-Concord-Signature"))
	}))
	defer recv.Close()

	e, p, tok := labelEnv(t, 2, 1, "ann")
	// e's workers may not reach loopback; e2's may (CONCORD_ALLOW_PRIVATE_NETWORKS).
	e2 := newEnv(t, func(c *config.Config) { c.AllowPrivate = "127.0.0.0/8" })
	mgr := e2.user("m@x.org", "manager")
	mtok := e2.token(mgr)
	proj := e2.project(mgr, "hooks")
	var hook struct {
		ID     int64  `json:"id"`
		Secret string `json:"secret"`
	}
	if code := e2.call(mtok, "POST", "/api/webhooks", map[string]any{"project": proj.ID, "url": recv.URL, "events": []string{"annotation.created", "annotation.updated", "annotation.deleted"}}, &hook); code != 201 || hook.Secret == "" {
		t.Fatalf("add webhook: %d %+v", code, hook)
	}
	var task struct{ ID int64 }
	e2.call(mtok, "POST", "/api/tasks", map[string]any{"project": proj.ID, "data": map[string]any{"text": "hello"}}, &task)
	_, annID := e2.submit(mtok, task.ID, "wh", map[string]any{"result": choice("Positive")})
	waitBodies := func(n int) {
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			mu.Lock()
			got := len(bodies)
			mu.Unlock()
			if got >= n {
				return
			}
		}
	}
	waitBodies(1)
	mu.Lock()
	if len(bodies) != 1 || calls != 2 {
		t.Fatalf("deliveries: %d bodies after %d calls; want the retry to succeed", len(bodies), calls)
	}
	m := hmac.New(sha256.New, []byte(hook.Secret))
	m.Write([]byte(bodies[0]))
	if sigs[0] != "sha256="+hex.EncodeToString(m.Sum(nil)) || !strings.Contains(bodies[0], `"event":"annotation.created"`) {
		t.Fatalf("delivery %s with signature %s", bodies[0], sigs[0])
	}
	mu.Unlock()
	// The edit and the deletion send their events too (enqueued in their transactions).
	if code := e2.call(mtok, "PATCH", fmt.Sprintf("/api/annotations/%d", annID), map[string]any{"result": choice("Negative")}, nil); code != 200 {
		t.Fatalf("edit: %d", code)
	}
	waitBodies(2)
	if code := e2.call(mtok, "DELETE", fmt.Sprintf("/api/annotations/%d", annID), nil, nil); code != 204 {
		t.Fatalf("delete: %d", code)
	}
	waitBodies(3)
	mu.Lock()
	if len(bodies) != 3 || !strings.Contains(bodies[1], `"event":"annotation.updated"`) || !strings.Contains(bodies[1], "Negative") || !strings.Contains(bodies[2], `"event":"annotation.deleted"`) {
		t.Fatalf("events after the edit and the deletion: %q", bodies)
	}
	mu.Unlock()
	br := e2.browser()
	br.signIn("m@x.org")
	_, page := br.get(fmt.Sprintf("/projects/%d/webhooks", proj.ID))
	if !strings.Contains(page, ">503<") || !strings.Contains(page, ">200<") {
		t.Fatalf("the delivery log should show the failed and the successful attempt:\n%s", page)
	}
	// Without the allowance, a loopback receiver is refused when it is added,
	// in whatever spelling; a name that resolves to loopback too.
	port := recv.URL[strings.LastIndex(recv.URL, ":")+1:]
	for _, u := range []string{recv.URL, "http://localhost:" + port + "/", "http://[::ffff:7f00:1]:" + port + "/",
		"http://[::ffff:127.0.0.1]:" + port, "http://[64:ff9b::7f00:1]/", "http://[2002:7f00:1::1]/",
		"http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", "http://169.254.169.254/latest/meta-data/", "http://[::a9fe:a9fe]/",
		"http://[fd00:ec2::254]/", "http://10.0.0.5/hook"} {
		var out map[string]any
		code := e.call(tok["manager"], "POST", "/api/webhooks", map[string]any{"project": p.ID, "url": u}, &out)
		if msg := fmt.Sprint(out["error"]); code != 422 || !strings.Contains(msg, "CONCORD_ALLOW_PRIVATE_NETWORKS") || !strings.HasPrefix(msg, "url: ") {
			t.Fatalf("add webhook %s without the allowance: %d %v, want 422 naming the setting", u, code, out)
		}
	}
	if hs, _ := e.store.Webhooks(t.Context(), p.ID); len(hs) != 0 {
		t.Fatalf("refused webhooks were stored: %+v", hs)
	}
	// A webhook saved while its host resolved elsewhere (DNS can change) is
	// still refused when delivered: once, logged, and not retried.
	if _, err := e.store.CreateWebhook(t.Context(), p.ID, recv.URL, "s", []string{"annotation.created"}); err != nil {
		t.Fatal(err)
	}
	var lt labelingTask
	e.call(tok["ann"], "GET", fmt.Sprintf("/api/projects/%d/next", p.ID), nil, &lt)
	e.submit(tok["ann"], lt.Task.ID, "blocked", map[string]any{"result": choice("Positive")})
	var refused string
	for deadline := time.Now().Add(30 * time.Second); refused == "" && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		e.store.Pool.QueryRow(t.Context(), `SELECT error FROM webhook_deliveries LIMIT 1`).Scan(&refused)
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(refused, "private") || calls != 4 {
		t.Fatalf("a loopback receiver without the allowance: logged %q, receiver called %d times (want 4, all from e2)", refused, calls)
	}
	var state string
	for deadline := time.Now().Add(30 * time.Second); state != "cancelled" && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		e.store.Pool.QueryRow(t.Context(), `SELECT state FROM river_job WHERE kind = 'webhook'`).Scan(&state)
	}
	var attempts int
	e.store.Pool.QueryRow(t.Context(), `SELECT count(*) FROM webhook_deliveries`).Scan(&attempts)
	if state != "cancelled" || attempts != 1 {
		t.Fatalf("a refused delivery: job %s after %d attempts, want cancelled after 1", state, attempts)
	}
}

// TestWebhookTaskAndExportEvents checks the events enqueued in the
// transactions of a created task, an import (run at once and in the
// background) and a background export all arrive.
func TestWebhookTaskAndExportEvents(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var events []string
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev struct{ Event string }
		json.NewDecoder(r.Body).Decode(&ev)
		mu.Lock()
		events = append(events, ev.Event)
		mu.Unlock()
	}))
	defer recv.Close()
	e := newEnv(t, func(c *config.Config) { c.AllowPrivate = "127.0.0.0/8" })
	mgr := e.user("m@x.org", "manager")
	tok := e.token(mgr)
	p := e.project(mgr, "events")
	if code := e.call(tok, "POST", "/api/webhooks", map[string]any{"project": p.ID, "url": recv.URL, "events": []string{"tasks.created", "export.finished"}}, nil); code != 201 {
		t.Fatalf("add webhook: %d", code)
	}
	e.call(tok, "POST", "/api/tasks", map[string]any{"project": p.ID, "data": map[string]any{"text": "one"}}, nil)
	e.call(tok, "POST", fmt.Sprintf("/api/projects/%d/import", p.ID), []map[string]any{{"text": "two"}, {"text": "three"}}, nil)
	var b strings.Builder // over the 1 MiB the test server imports at once
	for i := range 20000 {
		fmt.Fprintf(&b, "{\"text\": \"background task %d, padded to look like a sentence\"}\n", i)
	}
	mb, ct := multipartBody(t, map[string][]byte{"big.jsonl": []byte(b.String())}, nil)
	if code, body := e.upload(tok, fmt.Sprintf("/api/projects/%d/import", p.ID), mb, ct); code != 202 {
		t.Fatalf("background import: %d %s", code, body)
	}
	if code := e.call(tok, "POST", fmt.Sprintf("/api/projects/%d/exports", p.ID), map[string]any{"exportType": "JSON", "download_all_tasks": true}, nil); code != 202 {
		t.Fatalf("export: %d", code)
	}
	want := map[string]int{"tasks.created": 3, "export.finished": 1}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		mu.Lock()
		got := map[string]int{}
		for _, ev := range events {
			got[ev]++
		}
		mu.Unlock()
		if maps.Equal(got, want) {
			break
		}
		if time.Now().After(deadline) {
			var imports []string
			rows, _ := e.store.Pool.Query(t.Context(), `SELECT format('%s %s %s %s', id, status, tasks_created, error) FROM imports`)
			for rows.Next() {
				var s string
				rows.Scan(&s)
				imports = append(imports, s)
			}
			t.Fatalf("events %v, want %v; imports %v", got, want, imports)
		}
	}
}
