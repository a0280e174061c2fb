package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"concord/internal/store"
)

// TestTaskViewsAndColumns saves, shows, renames and deletes a view from the
// table's forms, keeps each user's columns, serves views in Label Studio's
// shape on /api/dm/views, and lets only the project's managers and admins
// reach any of it.
func TestTaskViewsAndColumns(t *testing.T) {
	t.Parallel()
	e, p, ids, _ := tableProject(t)
	ctx := context.Background()
	outsider := e.user("outsider@x.org", store.RoleManager)
	e.project(outsider, "Other")
	admin := e.user("admin@x.org", store.RoleAdmin)
	table := fmt.Sprintf("/projects/%d/tasks", p.ID)

	mgr := e.browser()
	mgr.signIn("manager@x.org")
	mgr.get(table)
	resp := mgr.post(table+"/views", url.Values{"title": {"Not annotated"}, "view": {"f=tasks:total_annotations&op=equal&v=0&sort=tasks:id&desc=1"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create view: %d", resp.StatusCode)
	}
	vs, err := e.store.TaskViews(ctx, p.ID)
	if err != nil || len(vs) != 1 {
		t.Fatalf("views %v, %v", vs, err)
	}
	v := vs[0]
	tab := resp.Header.Get("Location")
	if !strings.Contains(tab, fmt.Sprintf("tab=%d", v.ID)) || !strings.Contains(tab, "desc=1") {
		t.Fatalf("create view went to %s", tab)
	}
	code, body := mgr.get(tab)
	if code != 200 || !strings.Contains(body, `aria-current="page">Not annotated</a>`) || strings.Count(body, "<tr data-task=") != 4 {
		t.Fatalf("the view's tab: %d, %d rows: %.300s", code, strings.Count(body, "<tr data-task="), body)
	}
	// Columns: on the plain table they are the manager's own; on a tab, the view's.
	show := url.Values{"show": {"tasks:total_annotations", "tasks:agreement"}, "view": {""}}
	if resp := mgr.post(table+"/columns", show); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("columns: %d", resp.StatusCode)
	}
	_, body = mgr.get(table)
	if strings.Contains(body, `data-column="tasks:data"`) || !strings.Contains(body, `data-column="tasks:agreement"`) {
		t.Errorf("after hiding the data column, the table still shows it or lost agreement")
	}
	_, body = mgr.get(tab)
	if !strings.Contains(body, `data-column="tasks:data"`) {
		t.Errorf("the view's tab took the manager's own columns")
	}
	other := e.browser()
	other.signIn(admin.Email)
	if _, body := other.get(table); !strings.Contains(body, `data-column="tasks:data"`) {
		t.Errorf("another user got the manager's columns")
	}
	if resp := mgr.post(table+"/columns", url.Values{"show": {"tasks:nope"}}); resp.StatusCode != 400 {
		t.Errorf("unknown column: %d, want 400", resp.StatusCode)
	}
	if resp := mgr.post(table+"/columns", url.Values{"show": {"tasks:review_state"}, "view": {fmt.Sprintf("tab=%d", v.ID)}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the view's columns: %d", resp.StatusCode)
	}
	if _, body = mgr.get(tab); strings.Contains(body, `data-column="tasks:data"`) || !strings.Contains(body, `data-column="tasks:review_state"`) {
		t.Errorf("the view's columns were not kept")
	}
	// Rename and refilter it, then a bad filter, then delete it.
	if resp := mgr.post(fmt.Sprintf("%s/views/%d", table, v.ID), url.Values{"title": {"Apples"}, "view": {"q=apple"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("update view: %d", resp.StatusCode)
	}
	vs, _ = e.store.TaskViews(ctx, p.ID)
	vd, q, err := store.ParseView(p.ID, vs[0].Data)
	if err != nil || vd.Title != "Apples" || q.Search != "apple" || len(q.Filters) != 0 || len(vd.HiddenColumns.Explore) == 0 {
		t.Fatalf("updated view %s: %v", vs[0].Data, err)
	}
	if resp := mgr.post(fmt.Sprintf("%s/views/%d", table, v.ID), url.Values{"title": {"x"}, "view": {"f=tasks:nope&op=equal&v=1"}}); resp.StatusCode != 400 {
		t.Errorf("view with an unknown column: %d, want 400", resp.StatusCode)
	}
	if code, _ := mgr.get(table + "?tab=999999"); code != 400 {
		t.Errorf("unknown tab: %d, want 400", code)
	}

	// Everyone else is refused every view and column route (anonymous by the
	// CSRF check: it has no session), and changes nothing.
	for _, c := range []struct {
		who  string
		want int
	}{{"", http.StatusForbidden}, {"ann1@x.org", http.StatusForbidden}, {"outsider@x.org", http.StatusNotFound}} {
		br := e.browser()
		if c.who != "" {
			br.signIn(c.who)
		}
		for _, path := range []string{table + "/views", fmt.Sprintf("%s/views/%d", table, v.ID), fmt.Sprintf("%s/views/%d/delete", table, v.ID), table + "/columns"} {
			if resp := br.post(path, url.Values{"title": {"hijacked"}, "view": {""}, "show": {"tasks:data"}}); resp.StatusCode != c.want {
				t.Errorf("%q POST %s: %d, want %d", c.who, path, resp.StatusCode, c.want)
			}
		}
	}
	if vs, _ := e.store.TaskViews(ctx, p.ID); len(vs) != 1 || strings.Contains(string(vs[0].Data), "hijacked") {
		t.Fatalf("refused callers changed the views: %v", vs)
	}

	// The same views through Label Studio's API.
	tok := e.token(admin)
	var list []struct {
		ID      int64 `json:"id"`
		Project int64 `json:"project"`
		Data    struct {
			Title   string `json:"title"`
			Filters struct {
				Items []json.RawMessage `json:"items"`
			} `json:"filters"`
		} `json:"data"`
	}
	if code := e.call(tok, "GET", fmt.Sprintf("/api/dm/views?project=%d", p.ID), nil, &list); code != 200 || len(list) != 1 || list[0].Data.Title != "Apples" || list[0].Project != p.ID {
		t.Fatalf("GET /api/dm/views: %d %+v", code, list)
	}
	newView := map[string]any{"project": p.ID, "data": map[string]any{"title": "Annotated by 1", "type": "list",
		"filters":  map[string]any{"conjunction": "and", "items": []any{map[string]any{"filter": "filter:tasks:total_annotations", "operator": "greater", "type": "Number", "value": 0}}},
		"ordering": []string{"-tasks:id"}, "hiddenColumns": map[string]any{"explore": []string{"tasks:data"}, "labeling": []string{}}}}
	var created struct {
		ID   int64          `json:"id"`
		Data map[string]any `json:"data"`
	}
	if code := e.call(tok, "POST", "/api/dm/views", newView, &created); code != 201 || created.ID == 0 || created.Data["type"] != "list" {
		t.Fatalf("POST /api/dm/views: %d %+v", code, created)
	}
	if _, body := mgr.get(table); !strings.Contains(body, ">Annotated by 1</a>") {
		t.Errorf("the API's view is not a tab of the table")
	}
	bad := map[string]any{"data": map[string]any{"title": "x", "filters": map[string]any{"conjunction": "and",
		"items": []any{map[string]any{"filter": "filter:tasks:nope", "operator": "equal", "type": "Number", "value": 1}}}}}
	var problem map[string]any
	if code := e.call(tok, "PATCH", fmt.Sprintf("/api/dm/views/%d", created.ID), bad, &problem); code != 400 || !strings.Contains(fmt.Sprint(problem["error"]), "tasks:nope") {
		t.Errorf("PATCH with an unknown column: %d %v", code, problem)
	}
	if code := e.call(tok, "PATCH", fmt.Sprintf("/api/dm/views/%d", created.ID), map[string]any{"data": map[string]any{"title": "Renamed"}}, &created); code != 200 || created.Data["title"] != "Renamed" {
		t.Errorf("PATCH: %d %+v", code, created)
	}
	if code := e.call(e.token(outsider), "GET", fmt.Sprintf("/api/dm/views/%d", created.ID), nil, nil); code != 404 {
		t.Errorf("an outsider read a view: %d", code)
	}
	if code := e.call(tok, "DELETE", fmt.Sprintf("/api/dm/views/%d", created.ID), nil, nil); code != 204 {
		t.Errorf("DELETE: %d", code)
	}
	if resp := mgr.post(fmt.Sprintf("%s/views/%d/delete", table, v.ID), nil); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("delete view: %d", resp.StatusCode)
	}
	if vs, _ := e.store.TaskViews(ctx, p.ID); len(vs) != 0 {
		t.Errorf("%d views left", len(vs))
	}

	// The task detail shows the task's drafts and history.
	ann2, err := e.store.UserByEmail(ctx, "ann2@x.org")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.SaveDraft(ctx, ids[0], ann2.ID, json.RawMessage(`[{"value":{"choices":["Half-done"]}}]`)); err != nil {
		t.Fatal(err)
	}
	_, body = mgr.get(fmt.Sprintf("%s/%d", table, ids[0]))
	for _, want := range []string{`id="task-drafts"`, "Half-done", `id="task-history"`, "ann1@x.org</td><td>annotated", "ann2@x.org</td><td>draft saved"} {
		if !strings.Contains(body, want) {
			t.Errorf("task detail lacks %q", want)
		}
	}
}

// TestBulkActionsStayInTheProject posts every bulk action, confirmed, on a
// task of another project through this project's table: nothing of it changes.
func TestBulkActionsStayInTheProject(t *testing.T) {
	t.Parallel()
	e, p, ids, ann2 := tableProject(t)
	ctx := context.Background()
	outsider := e.user("outsider@x.org", store.RoleManager)
	other := e.project(outsider, "Other")
	e.store.SetMember(ctx, other.ID, ann2.ID, store.RoleAnnotator)
	ot, err := e.store.CreateTask(ctx, other.ID, map[string]any{"text": "not yours"})
	if err != nil {
		t.Fatal(err)
	}
	a, _, err := e.store.Submit(ctx, store.Submission{TaskID: ot.ID, UserID: ann2.ID, Result: json.RawMessage(`[]`)}, 1)
	if err != nil {
		t.Fatal(err)
	}
	e.store.SetGroundTruth(ctx, a.ID, true)
	score := 0.3
	e.store.CreatePrediction(ctx, ot.ID, "v1", &score, json.RawMessage(`[]`))
	e.store.Pool.Exec(ctx, `UPDATE tasks SET review_state = 'accepted' WHERE id = $1`, ot.ID)
	state := func() string {
		var s string
		e.store.Pool.QueryRow(ctx, `SELECT format('%s %s %s %s %s', t.review_state, t.done_count,
			(SELECT count(*) FROM annotations WHERE task_id = t.id AND ground_truth), (SELECT count(*) FROM predictions WHERE task_id = t.id),
			(SELECT count(*) FROM task_assignments WHERE task_id = t.id)) FROM tasks t WHERE t.id = $1`, ot.ID).Scan(&s)
		return s
	}
	before := state()
	br := e.browser()
	br.signIn("manager@x.org")
	br.get(fmt.Sprintf("/projects/%d/tasks", p.ID))
	for _, action := range []string{"assign", "unassign", "delete_annotations", "delete_predictions", "review", "gold", "ungold", "train", "delete"} {
		resp := br.post(fmt.Sprintf("/projects/%d/tasks/bulk", p.ID), url.Values{"action": {action}, "task": {fmt.Sprint(ot.ID)},
			"user": {fmt.Sprint(ann2.ID)}, "confirm": {"0"}, "format": {"JSON"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("%s of a foreign task: %d", action, resp.StatusCode)
		}
		if got := state(); got != before {
			t.Fatalf("%s changed the other project's task: %q, was %q", action, got, before)
		}
	}
	if _, err := e.store.TaskByID(ctx, ot.ID); err != nil {
		t.Fatalf("the other project's task went: %v", err)
	}
	// A confirmed export of it is one of this project's: empty.
	resp := br.post(fmt.Sprintf("/projects/%d/tasks/bulk", p.ID), url.Values{"action": {"export"}, "task": {fmt.Sprint(ot.ID)}, "confirm": {"0"}, "format": {"JSON"}})
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, fmt.Sprintf("/api/projects/%d/export?", p.ID)) {
		t.Fatalf("export: %d to %s", resp.StatusCode, loc)
	}
	if code, body := br.get(loc); code != 200 || strings.Join(strings.Fields(body), "") != "[]" {
		t.Errorf("export of a foreign task: %d %.200s", code, body)
	}
	// The checked tasks of this project are exported, and only they.
	resp = br.post(fmt.Sprintf("/projects/%d/tasks/bulk", p.ID), url.Values{"action": {"export"}, "task": {fmt.Sprint(ids[0]), fmt.Sprint(ids[2])}, "confirm": {"2"}, "format": {"JSON"}})
	var tasks []struct {
		ID int64 `json:"id"`
	}
	_, body := br.get(resp.Header.Get("Location"))
	if json.Unmarshal([]byte(body), &tasks); len(tasks) != 2 || tasks[0].ID != ids[0] || tasks[1].ID != ids[2] {
		t.Errorf("export of the selection: %.300s", body)
	}
	var audited int
	e.store.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE project_id = $1 AND action LIKE 'tasks.%'`, p.ID).Scan(&audited)
	if audited != 11 {
		t.Errorf("%d bulk actions audited, want 11", audited)
	}
}
