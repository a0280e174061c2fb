package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"concord/internal/store"
)

// TestTaskTableAccess checks every task table route against each kind of
// caller: only the project's managers and admins get in; a bulk action names
// its count before it acts, and never reaches another project's tasks.
func TestTaskTableAccess(t *testing.T) {
	t.Parallel()
	e, p, ids, ann2 := tableProject(t)
	ctx := context.Background()
	outsider := e.user("outsider@x.org", store.RoleManager)
	other := e.project(outsider, "Other")
	otherTask, err := e.store.CreateTask(ctx, other.ID, map[string]any{"text": "not yours"})
	if err != nil {
		t.Fatal(err)
	}
	admin := e.user("admin@x.org", store.RoleAdmin)
	table := fmt.Sprintf("/projects/%d/tasks", p.ID)
	detail := fmt.Sprintf("/projects/%d/tasks/%d", p.ID, ids[0])
	for _, c := range []struct {
		who  string
		want int
	}{
		{"", http.StatusSeeOther}, // anonymous: to the sign-in page
		{"ann1@x.org", http.StatusForbidden},
		{"outsider@x.org", http.StatusNotFound},
		{"manager@x.org", http.StatusOK},
		{admin.Email, http.StatusOK},
	} {
		br := e.browser()
		if c.who != "" {
			br.signIn(c.who)
		}
		for _, path := range []string{table, detail, table + "?sort=tasks:agreement&desc=1&f=tasks:annotators&op=contains&v=1&q=apple"} {
			if code, body := br.get(path); code != c.want {
				t.Errorf("%q GET %s: %d, want %d: %.200s", c.who, path, code, c.want, body)
			}
		}
		if c.who == "" {
			continue
		}
		victim := ids[5] // the manager deletes ids[5], the admin ids[4]; others try ids[5]
		if c.who == admin.Email {
			victim = ids[4]
		}
		form := url.Values{"action": {"delete"}, "task": {fmt.Sprint(victim)}, "confirm": {"1"}}
		want := c.want
		if want == http.StatusOK {
			want = http.StatusSeeOther
		}
		if resp := br.post(table+"/bulk", form); resp.StatusCode != want {
			t.Errorf("%q bulk delete: %d, want %d", c.who, resp.StatusCode, want)
		}
	}
	// The manager's delete needs the count confirmed: without it, a confirmation page.
	br := e.browser()
	br.signIn("manager@x.org")
	if code, body := br.get(detail + "?f=tasks:nope&op=equal&v=1"); code != 400 || !strings.Contains(body, "tasks:nope") {
		t.Errorf("unknown column: %d, want 400 naming it", code)
	}
	resp := br.post(table+"/bulk", url.Values{"action": {"assign"}, "all": {"1"}, "view": {"f=tasks:total_annotations&op=equal&v=0"}, "user": {fmt.Sprint(ann2.ID)}})
	if resp.StatusCode != 200 {
		t.Fatalf("bulk without confirm: %d", resp.StatusCode)
	}
	var n int
	e.store.Pool.QueryRow(ctx, `SELECT count(*) FROM task_assignments`).Scan(&n)
	if n != 0 {
		t.Fatalf("an unconfirmed bulk action assigned %d tasks", n)
	}
	// Ids of another project's tasks change nothing, even confirmed.
	resp = br.post(table+"/bulk", url.Values{"action": {"delete"}, "task": {fmt.Sprint(otherTask.ID)}, "confirm": {"0"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("bulk delete of a foreign id: %d", resp.StatusCode)
	}
	if _, err := e.store.TaskByID(ctx, otherTask.ID); err != nil {
		t.Fatalf("another project's task went: %v", err)
	}
	// The manager's and the admin's confirmed deletes went, and were audited.
	for _, id := range ids[4:] {
		if _, err := e.store.TaskByID(ctx, id); err == nil {
			t.Fatalf("confirmed delete of task %d did not delete", id)
		}
	}
	var audited int
	e.store.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'tasks.delete' AND project_id = $1 AND details->>'tasks' = '1'`, p.ID).Scan(&audited)
	if audited != 2 {
		t.Fatalf("%d audit entries of one deleted task, want 2", audited)
	}
	if c, _ := e.store.CountTasks(ctx, store.TaskQuery{ProjectID: p.ID}); c.N != 4 {
		t.Fatalf("%d tasks left, want 4", c.N)
	}
}
