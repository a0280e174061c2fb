package web_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"concord/internal/store"
	"concord/web/api"
)

// TestAuthorizationMatrix tries every API route of the routes table as
// anonymous, as a manager of another project, and as an annotator of the
// project, and checks each is refused where the route's documented audience
// (the OpenAPI document's "who") leaves the caller out; then as the project's
// manager and as an admin, who must get in wherever the audience includes them. The matrix comes from
// the routes table, so a new route cannot be forgotten: one without a
// documented audience fails here.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	owner := e.user("owner@x.org", store.RoleManager)
	ann := e.user("ann@x.org", store.RoleAnnotator)
	outsider := e.user("outsider@x.org", store.RoleManager)
	p := e.project(owner, "target")
	e.project(outsider, "outsider's own")
	e.store.SetMember(ctx, p.ID, ann.ID, store.RoleAnnotator)
	task, _ := e.store.CreateTask(ctx, p.ID, map[string]any{"text": "secret"})
	a, _, err := e.store.Submit(ctx, store.Submission{TaskID: task.ID, UserID: owner.ID, Result: json.RawMessage(`[]`)}, 1)
	if err != nil {
		t.Fatal(err)
	}
	im, _ := e.store.CreateImport(ctx, p.ID, owner.ID, nil, 1, false)
	ex, err := e.store.CreateExport(ctx, p.ID, owner.ID, "JSON", json.RawMessage(`{}`), "")
	if err != nil {
		t.Fatal(err)
	}
	mv, err := e.store.SaveModelVersion(ctx, store.ModelVersion{ProjectID: p.ID, Kind: "text", Control: "sentiment", Object: "text",
		Metrics: json.RawMessage(`{}`), Model: []byte("x")})
	if err != nil {
		t.Fatal(err)
	}
	ml, _ := e.store.CreateMLBackend(ctx, p.ID, "http://127.0.0.1:1", "", "", 0)
	pred, err := e.store.CreatePrediction(ctx, task.ID, "m", nil, json.RawMessage(`[]`))
	if err != nil {
		t.Fatal(err)
	}
	hook, _ := e.store.CreateWebhook(ctx, p.ID, "http://127.0.0.1:1", "s", []string{"tasks.created"})

	// fill puts the target project's ids into a route's path and query, and
	// gives writes a body naming the target.
	fill := func(route string) (method, path string, body any) {
		method, path, _ = strings.Cut(route, " ")
		id := p.ID
		switch {
		case strings.HasPrefix(path, "/tasks/{id}"):
			id = task.ID
		case strings.HasPrefix(path, "/annotations/{id}"):
			id = a.ID
		case strings.HasPrefix(path, "/ml/{id}"):
			id = ml.ID
		case strings.HasPrefix(path, "/webhooks/{id}"):
			id = hook.ID
		case strings.HasPrefix(path, "/predictions/{id}"):
			id = pred.ID
		}
		r := strings.NewReplacer("{id}", fmt.Sprint(id), "{user_id}", fmt.Sprint(ann.ID), "{import_id}", fmt.Sprint(im.ID),
			"{eid}", fmt.Sprint(ex.ID), "{version_id}", fmt.Sprint(mv.ID))
		path = "/api" + r.Replace(path) + fmt.Sprintf("?project=%d&task=%d", p.ID, task.ID)
		body = map[string]any{"project": p.ID, "task": task.ID, "url": "http://127.0.0.1:1", "title": "x",
			"data": map[string]any{"text": "new"}, "result": []any{}, "annotation": a.ID, "action": "accept",
			"email": "outsider@x.org", "role": "manager", "ground_truth": true}
		return method, path, body
	}
	callers := []struct {
		name    string
		token   string
		allowed func(who string) bool
	}{
		{"anonymous", "", func(string) bool { return false }},
		{"manager of another project", e.token(outsider), func(who string) bool { return who == "anyone signed in" || who == "admins and managers" }},
		{"annotator of the project", e.token(ann), func(who string) bool {
			return who == "anyone signed in" || who == "members" || strings.HasPrefix(who, "its annotator")
		}},
	}
	routes := (&api.API{}).RouteList()
	if len(routes) < 40 {
		t.Fatalf("only %d routes found", len(routes))
	}
	for _, c := range callers {
		for _, route := range routes {
			who := api.Who(route)
			if who == "" {
				t.Errorf("%s has no documented audience", route)
				continue
			}
			if c.allowed(who) {
				continue
			}
			method, path, body := fill(route)
			var out map[string]any
			code := e.call(c.token, method, path, body, &out)
			switch {
			case c.token == "" && code != 401:
				t.Errorf("%s: %s %s answered %d, want 401", c.name, method, path, code)
			case code/100 == 2:
				t.Errorf("%s: %s %s (for %s) answered %d", c.name, method, path, who, code)
			}
		}
	}
	// Nothing the refused calls tried changed the target.
	if pr, err := e.store.ProjectByID(ctx, p.ID); err != nil || pr.Title != "target" || pr.TaskCount != 1 {
		t.Fatalf("the target project changed: %+v %v", pr, err)
	}
	if role, _ := e.store.Membership(ctx, p.ID, outsider.ID); role != "" {
		t.Fatalf("the outsider became %q of the project", role)
	}
	if hs, _ := e.store.Webhooks(ctx, p.ID); len(hs) != 1 {
		t.Fatalf("%d webhooks, want 1", len(hs))
	}

	// The audience itself gets in: the project's manager and an admin reach
	// every route meant for them (a write may be refused for its body, never as
	// unauthorized or forbidden; deletions come last).
	admin := e.user("admin@x.org", store.RoleAdmin)
	deletion := func(route string) int {
		if strings.HasPrefix(route, "DELETE") {
			return 1
		}
		return 0
	}
	slices.SortStableFunc(routes, func(a, b string) int { return cmp.Compare(deletion(a), deletion(b)) })
	members := []struct {
		name  string
		token string
		admin bool
	}{{"manager of the project", e.token(owner), false}, {"admin", e.token(admin), true}}
	for _, route := range routes {
		for _, c := range members {
			who := api.Who(route)
			if who == "admins" && !c.admin {
				continue
			}
			method, path, body := fill(route)
			code := e.call(c.token, method, path, body, nil)
			if code == 401 || code == 403 || (method == "GET" && code == 404) {
				t.Errorf("%s: %s %s (for %s) answered %d", c.name, method, path, who, code)
			}
		}
	}
}
