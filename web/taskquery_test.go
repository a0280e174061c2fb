package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"concord/internal/store"
)

// TestTasksQueryParameter drives /api/tasks with the Data Manager query that
// label-studio-sdk 0.0.34 sends (get_labeled_tasks, get_unlabeled_tasks,
// ordering, selected items), and checks that a malformed one is a 400 naming the fault.
func TestTasksQueryParameter(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	mgr := e.user("m@x.org", store.RoleManager)
	ann := e.user("a@x.org", store.RoleAnnotator)
	tok := e.token(mgr)
	p := e.project(mgr, "Q")
	var ids []int64
	for i := range 3 {
		tk, err := e.store.CreateTask(ctx, p.ID, map[string]any{"text": fmt.Sprint("tweet ", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, tk.ID)
	}
	if _, _, err := e.store.Submit(ctx, store.Submission{TaskID: ids[1], UserID: ann.ID,
		Result: json.RawMessage(`[{"from_name":"sentiment","to_name":"text","type":"choices","value":{"choices":["Positive"]}}]`)}, 1); err != nil {
		t.Fatal(err)
	}
	list := func(query string) (int, []int64, int, string) {
		t.Helper()
		var page struct {
			Tasks []struct {
				ID int64 `json:"id"`
			} `json:"tasks"`
			Total int    `json:"total"`
			Error string `json:"error"`
		}
		code := e.call(tok, "GET", fmt.Sprintf("/api/tasks?project=%d&page=1&page_size=100&fields=all&query=%s", p.ID, url.QueryEscape(query)), nil, &page)
		var got []int64
		for _, tk := range page.Tasks {
			got = append(got, tk.ID)
		}
		return code, got, page.Total, page.Error
	}
	completed := func(empty bool) string {
		return fmt.Sprintf(`{"filters": {"conjunction": "and", "items": [{"filter": "filter:tasks:completed_at", "operator": "empty", "value": %v, "type": "Datetime"}]}, "ordering": [], "selectedItems": {"all": true, "excluded": []}}`, empty)
	}
	if code, got, total, _ := list(completed(false)); code != 200 || fmt.Sprint(got) != fmt.Sprint(ids[1:2]) || total != 1 {
		t.Errorf("labeled tasks: %d %v total %d, want %v total 1", code, got, total, ids[1:2])
	}
	if code, got, total, _ := list(completed(true)); code != 200 || fmt.Sprint(got) != fmt.Sprint([]int64{ids[0], ids[2]}) || total != 2 {
		t.Errorf("unlabeled tasks: %d %v total %d", code, got, total)
	}
	q := fmt.Sprintf(`{"filters": null, "ordering": ["-tasks:id"], "selectedItems": {"all": false, "included": [%d, %d]}}`, ids[0], ids[2])
	if code, got, _, _ := list(q); code != 200 || fmt.Sprint(got) != fmt.Sprint([]int64{ids[2], ids[0]}) {
		t.Errorf("selected, newest first: %d %v", code, got)
	}
	for query, names := range map[string]string{
		`{"filters": {"conjunction": "and", "items": [{"filter": "filter:tasks:frobs", "operator": "equal", "type": "Number", "value": 1}]}}`:    "tasks:frobs",
		`{"filters": {"conjunction": "and", "items": [{"filter": "filter:tasks:id", "operator": "sounds_like", "type": "Number", "value": 1}]}}`: "sounds_like",
		`{"ordering": ["tasks:colour"]}`: "tasks:colour",
	} {
		code, _, _, msg := list(query)
		if code != 400 || !strings.Contains(msg, names) {
			t.Errorf("query %s: %d %q, want 400 naming %s", query, code, msg, names)
		}
	}
}
