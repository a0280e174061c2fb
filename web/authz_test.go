package web_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"concord/internal/auth"
	"concord/internal/store"
	"concord/web"
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
	view, err := e.store.CreateTaskView(ctx, p.ID, owner.ID, json.RawMessage(`{"title":"saved"}`))
	if err != nil {
		t.Fatal(err)
	}

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
		case strings.HasPrefix(path, "/dm/views/{id}"):
			id = view.ID
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
	if vs, _ := e.store.TaskViews(ctx, p.ID); len(vs) != 1 || string(vs[0].Data) != `{"title": "saved"}` {
		t.Fatalf("the saved views changed: %+v", vs)
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

// TestPageAuthorizationMatrix does for the browser pages what
// TestAuthorizationMatrix does for the API: every page of the pages table is
// tried as anonymous (sent to sign in), as a manager of another project, as an annotator
// of the project and as its manager and an admin, and each caller must be
// refused exactly where the page's declared audience leaves them out. The
// matrix comes from the table, so a new page cannot be forgotten.
func TestPageAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	owner := e.user("owner@x.org", store.RoleManager)
	ann := e.user("ann@x.org", store.RoleAnnotator)
	outsider := e.user("outsider@x.org", store.RoleManager)
	admin := e.user("admin@x.org", store.RoleAdmin)
	p := e.project(owner, "target")
	e.project(outsider, "outsider's own")
	e.store.SetMember(ctx, p.ID, ann.ID, store.RoleAnnotator)
	task, _ := e.store.CreateTask(ctx, p.ID, map[string]any{"text": "secret"})
	mv, err := e.store.SaveModelVersion(ctx, store.ModelVersion{ProjectID: p.ID, Kind: "text", Control: "sentiment", Object: "text",
		Metrics: json.RawMessage(`{}`), Model: []byte("x")})
	if err != nil {
		t.Fatal(err)
	}
	hook, _ := e.store.CreateWebhook(ctx, p.ID, "http://127.0.0.1:1", "s", []string{"tasks.created"})
	view, err := e.store.CreateTaskView(ctx, p.ID, owner.ID, json.RawMessage(`{"title":"saved"}`))
	if err != nil {
		t.Fatal(err)
	}
	fill := strings.NewReplacer("{id}", fmt.Sprint(p.ID), "{task_id}", fmt.Sprint(task.ID), "{user_id}", fmt.Sprint(ann.ID), "{view_id}", fmt.Sprint(view.ID),
		"{version_id}", fmt.Sprint(mv.ID), "{webhook_id}", fmt.Sprint(hook.ID), "{token}", "no-such-invitation",
		"{hash}", strings.Repeat("0", 64), "{action}", "no-such-action")
	pages := (&web.Server{}).Pages()
	if len(pages) < 30 {
		t.Fatalf("only %d pages in the table", len(pages))
	}
	// Destructive pages come last, so that the project and its members are
	// there for every other call.
	slices.SortStableFunc(pages, func(a, b web.Page) int {
		return cmp.Compare(strings.Count(a.Path, "delete"), strings.Count(b.Path, "delete"))
	})
	callers := []struct {
		name    string
		b       *browser
		allowed map[auth.Audience]bool
	}{
		{"anonymous", e.browser(), map[auth.Audience]bool{}},
		{"manager of another project", e.browser(), map[auth.Audience]bool{auth.SignedIn: true, auth.Creator: true}},
		{"annotator of the project", e.browser(), map[auth.Audience]bool{auth.SignedIn: true, auth.ProjectMember: true}},
		{"manager of the project", e.browser(), map[auth.Audience]bool{auth.SignedIn: true, auth.Creator: true, auth.ProjectMember: true, auth.ProjectManager: true}},
		{"admin", e.browser(), map[auth.Audience]bool{auth.SignedIn: true, auth.Creator: true, auth.ProjectMember: true, auth.ProjectManager: true, auth.Admin: true}},
	}
	callers[1].b.signIn(outsider.Email)
	callers[2].b.signIn(ann.Email)
	callers[3].b.signIn(owner.Email)
	callers[4].b.signIn(admin.Email)
	callers[0].b.get("/signin") // a CSRF token: anonymous writes are refused for the sign-in, not the token
	for _, c := range callers {
		for _, pg := range pages {
			path := fill.Replace(pg.Path)
			resp := c.b.do(pg.Method, path, nil, nil)
			if pg.Method == http.MethodPost {
				resp = c.b.post(path, url.Values{"title": {"x"}})
			}
			code := resp.StatusCode
			refused := code == 401 || code == 403 || code == 404
			switch {
			case c.name == "anonymous":
				if code != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/signin") {
					t.Errorf("%s: %s %s answered %d (%s), want to be sent to sign in", c.name, pg.Method, path, code, resp.Header.Get("Location"))
				}
			case !c.allowed[pg.Who] && !refused:
				t.Errorf("%s: %s %s (for %s) answered %d, want a refusal", c.name, pg.Method, path, pg.Who, code)
			case c.allowed[pg.Who] && (code == 401 || code == 403):
				t.Errorf("%s: %s %s (for %s) answered %d, want to get in", c.name, pg.Method, path, pg.Who, code)
			}
		}
		if c.name == "annotator of the project" || c.name == "manager of another project" {
			// Nothing the refused calls tried changed the target.
			if pr, err := e.store.ProjectByID(ctx, p.ID); err != nil || pr.Title != "target" || pr.TaskCount != 1 {
				t.Fatalf("after the %s's calls the target project changed: %+v %v", c.name, pr, err)
			}
			if role, _ := e.store.Membership(ctx, p.ID, ann.ID); role != store.RoleAnnotator {
				t.Fatalf("after the %s's calls the annotator is %q of the project", c.name, role)
			}
			if v, err := e.store.TaskViewByID(ctx, p.ID, view.ID); err != nil || string(v.Data) != `{"title": "saved"}` {
				t.Fatalf("after the %s's calls the saved view is %s, %v", c.name, v.Data, err)
			}
		}
	}
}
