package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"concord/internal/store"
)

// labelEnv is a project of n text tasks with annotators as members.
func labelEnv(t *testing.T, n, maxAnn int, annotators ...string) (*env, store.Project, map[string]string) {
	e := newEnv(t)
	mgr := e.user("manager@x.org", store.RoleManager)
	p := e.project(mgr, "queue")
	ctx := context.Background()
	f := store.ProjectFields{Title: p.Title, LabelConfig: textConfig, MaximumAnnotations: maxAnn, Sampling: "sequential", LockMinutes: 30}
	p, _ = e.store.UpdateProject(ctx, p.ID, f)
	for i := 0; i < n; i++ {
		if _, err := e.store.CreateTask(ctx, p.ID, map[string]any{"text": fmt.Sprintf("tweet %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	tokens := map[string]string{"manager": e.token(mgr)}
	for _, name := range annotators {
		u := e.user(name+"@x.org", store.RoleAnnotator)
		e.store.SetMember(ctx, p.ID, u.ID, store.RoleAnnotator)
		tokens[name] = e.token(u)
	}
	return e, p, tokens
}

type labelingTask struct {
	Task struct {
		ID   int64          `json:"id"`
		Data map[string]any `json:"data"`
	} `json:"task"`
	Annotation *struct {
		ID     int64 `json:"id"`
		Result []any `json:"result"`
	} `json:"annotation"`
	Draft *struct {
		Result []any `json:"result"`
	} `json:"draft"`
	Progress struct {
		Done      int `json:"done"`
		Remaining int `json:"remaining"`
	} `json:"progress"`
}

func choice(v string) []map[string]any {
	return []map[string]any{{"from_name": "sentiment", "to_name": "text", "type": "choices", "value": map[string]any{"choices": []string{v}}}}
}

// submit posts an annotation with an idempotency key and returns status and id.
func (e *env) submit(token string, taskID int64, key string, body map[string]any) (int, int64) {
	e.t.Helper()
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/tasks/%d/annotations", e.srv.URL, taskID), strings.NewReader(mustJSON(body)))
	req.Header.Set("Authorization", "Token "+token)
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		ID int64 `json:"id"`
	}
	decodeJSON(resp.Body, &out)
	return resp.StatusCode, out.ID
}

// TestQueueOverlap labels a project with two annotators per task and three
// annotators: every task ends with exactly two distinct annotators.
func TestQueueOverlap(t *testing.T) {
	t.Parallel()
	e, p, tok := labelEnv(t, 6, 2, "ann", "bob", "cy")
	seen := map[int64]map[string]bool{}
	for round := 0; round < 10; round++ {
		for _, who := range []string{"ann", "bob", "cy"} {
			var lt labelingTask
			code := e.call(tok[who], "GET", fmt.Sprintf("/api/projects/%d/next", p.ID), nil, &lt)
			if code == 204 {
				continue
			}
			if code != 200 {
				t.Fatalf("next for %s: %d", who, code)
			}
			if seen[lt.Task.ID] == nil {
				seen[lt.Task.ID] = map[string]bool{}
			}
			if seen[lt.Task.ID][who] {
				t.Fatalf("task %d served to %s twice", lt.Task.ID, who)
			}
			seen[lt.Task.ID][who] = true
			if code, _ := e.submit(tok[who], lt.Task.ID, fmt.Sprint(who, lt.Task.ID), map[string]any{"result": choice("Positive"), "lead_time": 1.5}); code != 201 {
				t.Fatalf("submit: %d", code)
			}
		}
	}
	if len(seen) != 6 {
		t.Fatalf("%d tasks labeled, want 6", len(seen))
	}
	for id, who := range seen {
		if len(who) != 2 {
			t.Errorf("task %d has annotators %v, want exactly 2", id, who)
		}
	}
	var full int
	e.store.Pool.QueryRow(context.Background(), `SELECT count(*) FROM tasks WHERE project_id = $1 AND is_full AND done_count = 2`, p.ID).Scan(&full)
	if full != 6 {
		t.Errorf("%d tasks full, want 6", full)
	}
}

// TestQueueLocksAndSkips checks a served task is reserved, a skip is stored and
// not served again to its annotator, and concurrent annotators never share a task.
func TestQueueLocksAndSkips(t *testing.T) {
	t.Parallel()
	e, p, tok := labelEnv(t, 40, 1, "ann", "bob")
	var a1, a2, b1 labelingTask
	e.call(tok["ann"], "GET", fmt.Sprintf("/api/projects/%d/next", p.ID), nil, &a1)
	e.call(tok["bob"], "GET", fmt.Sprintf("/api/projects/%d/next", p.ID), nil, &b1)
	e.call(tok["ann"], "GET", fmt.Sprintf("/api/projects/%d/next", p.ID), nil, &a2)
	if a1.Task.ID == b1.Task.ID {
		t.Fatalf("ann and bob both got task %d", a1.Task.ID)
	}
	if a2.Task.ID != a1.Task.ID {
		t.Fatalf("asking again gave ann task %d, not the one she holds (%d)", a2.Task.ID, a1.Task.ID)
	}
	// Prefetch: asking with the task on screen excluded reserves another; a
	// plain ask still gives the one on screen first.
	var pre, again labelingTask
	e.call(tok["ann"], "GET", fmt.Sprintf("/api/projects/%d/next?exclude=%d", p.ID, a1.Task.ID), nil, &pre)
	e.call(tok["ann"], "GET", fmt.Sprintf("/api/projects/%d/next", p.ID), nil, &again)
	if pre.Task.ID == a1.Task.ID || pre.Task.ID == b1.Task.ID || again.Task.ID != a1.Task.ID {
		t.Fatalf("prefetch gave %d, then next gave %d; want a new task, then %d again", pre.Task.ID, again.Task.ID, a1.Task.ID)
	}
	// Skip: stored as cancelled with its reason; ann moves on, the task stays open.
	if code, _ := e.submit(tok["ann"], a1.Task.ID, "skip-1", map[string]any{"result": []any{}, "was_cancelled": true, "skip_reason": "unreadable"}); code != 201 {
		t.Fatalf("skip: %d", code)
	}
	var next labelingTask
	e.call(tok["ann"], "GET", fmt.Sprintf("/api/projects/%d/next", p.ID), nil, &next)
	if next.Task.ID == a1.Task.ID {
		t.Fatal("a skipped task was served again to the annotator who skipped it")
	}
	var reason string
	var full bool
	e.store.Pool.QueryRow(context.Background(), `SELECT a.skip_reason, t.is_full FROM annotations a JOIN tasks t ON t.id = a.task_id WHERE a.task_id = $1`, a1.Task.ID).Scan(&reason, &full)
	if reason != "unreadable" || full {
		t.Fatalf("skip stored with reason %q, task full %v", reason, full)
	}

	// 20 concurrent requests from distinct annotators get 20 distinct tasks.
	ctx := context.Background()
	var toks []string
	for i := 0; i < 20; i++ {
		u := e.user(fmt.Sprintf("crowd%d@x.org", i), store.RoleAnnotator)
		e.store.SetMember(ctx, p.ID, u.ID, store.RoleAnnotator)
		toks = append(toks, e.token(u))
	}
	var mu sync.Mutex
	got := map[int64]int{}
	var wg sync.WaitGroup
	for _, tk := range toks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lt labelingTask
			if code := e.call(tk, "GET", fmt.Sprintf("/api/projects/%d/next", p.ID), nil, &lt); code == 200 {
				mu.Lock()
				got[lt.Task.ID]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(got) != 20 {
		t.Fatalf("20 concurrent annotators got %d distinct tasks: %v", len(got), got)
	}
}

// TestSubmit checks idempotency, validation, editing my own annotation, going
// back, drafts and who may read an annotation.
func TestSubmit(t *testing.T) {
	t.Parallel()
	e, p, tok := labelEnv(t, 3, 1, "ann", "bob")
	var lt labelingTask
	e.call(tok["ann"], "GET", fmt.Sprintf("/api/projects/%d/next", p.ID), nil, &lt)
	id := lt.Task.ID

	// A draft comes back with the task.
	if code := e.call(tok["ann"], "PUT", fmt.Sprintf("/api/tasks/%d/draft", id), map[string]any{"result": choice("Negative")}, nil); code != 204 {
		t.Fatalf("draft: %d", code)
	}
	e.call(tok["ann"], "GET", fmt.Sprintf("/api/tasks/%d/labeling", id), nil, &lt)
	if lt.Draft == nil || len(lt.Draft.Result) != 1 {
		t.Fatalf("draft not returned: %+v", lt.Draft)
	}

	var bad map[string]any
	code := e.call(tok["ann"], "POST", fmt.Sprintf("/api/tasks/%d/annotations", id), map[string]any{"result": choice("Meh")}, &bad)
	if code != 422 || !strings.Contains(fmt.Sprint(bad["details"]), "sentiment") {
		t.Fatalf("unknown choice: %d %v, want 422 with details naming the control", code, bad)
	}
	c1, a1 := e.submit(tok["ann"], id, "key-1", map[string]any{"result": choice("Positive"), "lead_time": 4})
	c2, a2 := e.submit(tok["ann"], id, "key-1", map[string]any{"result": choice("Positive"), "lead_time": 4})
	if c1 != 201 || c2 != 200 || a1 != a2 {
		t.Fatalf("same key twice: %d/%d ids %d/%d, want 201 then 200 with the same id", c1, c2, a1, a2)
	}
	if c3, _ := e.submit(tok["ann"], id, "key-2", map[string]any{"result": choice("Negative")}); c3 != 409 {
		t.Fatalf("second annotation of a task: %d, want 409", c3)
	}
	var n int
	e.store.Pool.QueryRow(context.Background(), `SELECT count(*) FROM annotations WHERE task_id = $1`, id).Scan(&n)
	if n != 1 {
		t.Fatalf("%d annotations stored, want 1", n)
	}
	var dr int
	e.store.Pool.QueryRow(context.Background(), `SELECT count(*) FROM drafts WHERE task_id = $1`, id).Scan(&dr)
	if dr != 0 {
		t.Fatal("the draft survived the submission")
	}

	// Back: my history, the task with my annotation, and an edit.
	var hist struct {
		Annotations []struct {
			ID     int64 `json:"id"`
			TaskID int64 `json:"task_id"`
		} `json:"annotations"`
	}
	e.call(tok["ann"], "GET", fmt.Sprintf("/api/projects/%d/history", p.ID), nil, &hist)
	if len(hist.Annotations) != 1 || hist.Annotations[0].TaskID != id {
		t.Fatalf("history %+v", hist)
	}
	e.call(tok["ann"], "GET", fmt.Sprintf("/api/tasks/%d/labeling", id), nil, &lt)
	if lt.Annotation == nil || lt.Annotation.ID != a1 {
		t.Fatalf("going back: annotation %+v, want %d", lt.Annotation, a1)
	}
	if code := e.call(tok["ann"], "PATCH", fmt.Sprintf("/api/annotations/%d", a1), map[string]any{"result": choice("Negative"), "lead_time": 2}, nil); code != 200 {
		t.Fatalf("edit my annotation: %d", code)
	}
	var res string
	var lead float64
	e.store.Pool.QueryRow(context.Background(), `SELECT result::text, lead_time FROM annotations WHERE id = $1`, a1).Scan(&res, &lead)
	if !strings.Contains(res, "Negative") || lead != 6 {
		t.Fatalf("after the edit: %s, lead time %v", res, lead)
	}

	// Bob may neither read nor change ann's annotation; the manager may read it.
	if code := e.call(tok["bob"], "GET", fmt.Sprintf("/api/annotations/%d", a1), nil, nil); code != 404 {
		t.Errorf("another annotator reads it: %d, want 404", code)
	}
	if code := e.call(tok["bob"], "PATCH", fmt.Sprintf("/api/annotations/%d", a1), map[string]any{"result": choice("Positive")}, nil); code != 404 {
		t.Errorf("another annotator edits it: %d, want 404", code)
	}
	if code := e.call(tok["manager"], "GET", fmt.Sprintf("/api/annotations/%d", a1), nil, nil); code != 200 {
		t.Errorf("the manager reads it: %d", code)
	}
}

// TestUncertaintySampling serves the task whose prediction is least sure first.
func TestUncertaintySampling(t *testing.T) {
	t.Parallel()
	e, p, tok := labelEnv(t, 3, 1, "ann")
	ctx := context.Background()
	f := store.ProjectFields{Title: p.Title, LabelConfig: p.LabelConfig, MaximumAnnotations: 1, Sampling: "uncertainty", LockMinutes: 30}
	p, _ = e.store.UpdateProject(ctx, p.ID, f)
	ts, _ := e.store.Tasks(ctx, store.TaskPage{ProjectID: p.ID, Limit: 10})
	for i, score := range []float64{0.9, 0.55, 0.7} {
		if code := e.call(tok["manager"], "POST", "/api/predictions", map[string]any{"task": ts[i].ID, "result": choice("Positive"), "score": score, "model_version": "v1"}, nil); code != 201 {
			t.Fatalf("prediction: %d", code)
		}
	}
	var lt struct {
		labelingTask
		Predictions []struct {
			Score float64 `json:"score"`
		} `json:"predictions"`
	}
	e.call(tok["ann"], "GET", fmt.Sprintf("/api/projects/%d/next", p.ID), nil, &lt)
	if lt.Task.ID != ts[1].ID || len(lt.Predictions) != 1 || lt.Predictions[0].Score != 0.55 {
		t.Fatalf("uncertainty sampling served task %d with %+v, want task %d (score 0.55)", lt.Task.ID, lt.Predictions, ts[1].ID)
	}
}

// TestConcurrentSubmissions has more annotators submit at once than the pool
// has connections: a submission's transaction must never wait for a second
// connection (a deadlock the labeling benchmark once found).
func TestConcurrentSubmissions(t *testing.T) {
	t.Parallel()
	const n = 48 // more than the pool's 20 connections
	e, p, tok := labelEnv(t, n, 1)
	ctx := context.Background()
	var toks []string
	for i := 0; i < n; i++ {
		u := e.user(fmt.Sprintf("crowd%d@x.org", i), store.RoleAnnotator)
		e.store.SetMember(ctx, p.ID, u.ID, store.RoleAnnotator)
		toks = append(toks, e.token(u))
	}
	// A webhook and a retrain threshold make every submission read more in its transaction.
	e.call(tok["manager"], "POST", "/api/webhooks", map[string]any{"project": p.ID, "url": "https://example.invalid/hook"}, nil)
	tasks, _ := e.store.Tasks(ctx, store.TaskPage{ProjectID: p.ID, Limit: n})
	done := make(chan int, n)
	for i, tk := range toks {
		go func() {
			code, _ := e.submit(tk, tasks[i].ID, fmt.Sprint("c", i), map[string]any{"result": choice("Positive")})
			done <- code
		}()
	}
	for i := 0; i < n; i++ {
		select {
		case code := <-done:
			if code != 201 {
				t.Fatalf("a concurrent submission answered %d", code)
			}
		case <-time.After(60 * time.Second):
			t.Fatalf("only %d of %d concurrent submissions finished: the pool is starved", i, n)
		}
	}
}
