package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"concord/internal/app"
	"concord/internal/store"
)

// TestDraftsAreBounded: a draft is a list of result items of the project's
// controls, in a small body; anything bigger or of another shape is refused
// and the stored draft stays as it was.
func TestDraftsAreBounded(t *testing.T) {
	t.Parallel()
	e, p, tok := labelEnv(t, 1, 1, "ann")
	var lt labelingTask
	e.call(tok["ann"], "GET", fmt.Sprintf("/api/projects/%d/next", p.ID), nil, &lt)
	path := fmt.Sprintf("/api/tasks/%d/draft", lt.Task.ID)
	if code := e.call(tok["ann"], "PUT", path, map[string]any{"result": choice("Negative")}, nil); code != 204 {
		t.Fatalf("a good draft: %d", code)
	}
	many := make([]map[string]any, 0, 600)
	for range 600 {
		many = append(many, choice("Positive")[0])
	}
	for name, c := range map[string]struct {
		body any
		want int
	}{
		"a megabyte of anything": {map[string]any{"result": choice("Negative"), "junk": strings.Repeat("x", 1<<20)}, http.StatusRequestEntityTooLarge},
		"not a list":             {map[string]any{"result": map[string]any{"a": 1}}, http.StatusBadRequest},
		"items not results":      {map[string]any{"result": []any{1, "x"}}, http.StatusBadRequest},
		"an unknown control":     {map[string]any{"result": []map[string]any{{"from_name": "nope", "to_name": "text", "type": "choices", "value": map[string]any{"choices": []string{"x"}}}}}, http.StatusUnprocessableEntity},
		"too many items":         {map[string]any{"result": many}, http.StatusUnprocessableEntity},
	} {
		if code := e.call(tok["ann"], "PUT", path, c.body, nil); code != c.want {
			t.Errorf("%s: %d, want %d", name, code, c.want)
		}
	}
	e.call(tok["ann"], "GET", fmt.Sprintf("/api/tasks/%d/labeling", lt.Task.ID), nil, &lt)
	if lt.Draft == nil || len(lt.Draft.Result) != 1 {
		t.Fatalf("the refused drafts changed the stored one: %+v", lt.Draft)
	}
}

// TestQueuedExportsAreCapped: a user and a project have a few background
// exports queued or running at a time; beyond, 429 with Retry-After and
// nothing queued.
func TestQueuedExportsAreCapped(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	m := e.user("m@example.com", store.RoleManager)
	other := e.user("o@example.com", store.RoleManager)
	p, q := e.project(m, "one"), e.project(m, "two")
	if err := e.store.SetMember(ctx, q.ID, other.ID, store.RoleManager); err != nil {
		t.Fatal(err)
	}
	// Exports queued and never worked (no job): m has the user's cap, in another project.
	for range app.QueuedExportsPerUser {
		if _, err := e.store.CreateExport(ctx, q.ID, m.ID, "JSON", nil, ""); err != nil {
			t.Fatal(err)
		}
	}
	post := func(token string, project int64) *http.Response {
		req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/projects/%d/exports?exportType=JSON", e.srv.URL, project), nil)
		req.Header.Set("Authorization", "Token "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	count := func() (n int) {
		e.store.Pool.QueryRow(ctx, `SELECT count(*) FROM exports`).Scan(&n)
		return n
	}
	before := count()
	if resp := post(e.token(m), p.ID); resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("over the user's cap: %d (Retry-After %q), want 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	// Fill q to the project's cap: another manager of q is refused too.
	for range app.QueuedExportsPerProject - app.QueuedExportsPerUser {
		if _, err := e.store.CreateExport(ctx, q.ID, 0, "JSON", nil, ""); err != nil {
			t.Fatal(err)
		}
	}
	before += app.QueuedExportsPerProject - app.QueuedExportsPerUser
	if resp := post(e.token(other), q.ID); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("over the project's cap: %d, want 429", resp.StatusCode)
	}
	if n := count(); n != before {
		t.Fatalf("refused exports were recorded: %d exports, want %d", n, before)
	}
	// Under both caps: accepted.
	if resp := post(e.token(other), p.ID); resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
		t.Fatalf("a non-member's export: %d", resp.StatusCode)
	}
	r := e.project(other, "three")
	if resp := post(e.token(other), r.ID); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("an export under the caps: %d, want 202", resp.StatusCode)
	}
}
