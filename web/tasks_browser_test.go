package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"concord/internal/store"
)

// tableProject is a project of six fruit tasks, two of them annotated by ann1.
func tableProject(t *testing.T) (*env, store.Project, []int64, store.User) {
	t.Helper()
	e := newEnv(t)
	ctx := context.Background()
	mgr := e.user("manager@x.org", store.RoleManager)
	ann1 := e.user("ann1@x.org", store.RoleAnnotator)
	ann2 := e.user("ann2@x.org", store.RoleAnnotator)
	p := e.project(mgr, "Fruit")
	for _, u := range []store.User{ann1, ann2} {
		if err := e.store.SetMember(ctx, p.ID, u.ID, store.RoleAnnotator); err != nil {
			t.Fatal(err)
		}
	}
	var ids []int64
	for _, text := range []string{"apple pie", "banana bread", "cherry tart", "apple juice", "plum jam", "pear cider"} {
		tk, err := e.store.CreateTask(ctx, p.ID, map[string]any{"text": text})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, tk.ID)
	}
	for _, id := range ids[:2] {
		if _, _, err := e.store.Submit(ctx, store.Submission{TaskID: id, UserID: ann1.ID,
			Result: json.RawMessage(`[{"from_name":"sentiment","to_name":"text","type":"choices","value":{"choices":["Positive"]}}]`)}, 1); err != nil {
			t.Fatal(err)
		}
	}
	return e, p, ids, ann2
}

// TestBrowserTaskTable filters, sorts, searches, moves with the keyboard,
// opens a task and walks to the next one of the view, then assigns "all
// matching" tasks to an annotator after confirming their count.
func TestBrowserTaskTable(t *testing.T) {
	t.Parallel()
	e, p, ids, ann2 := tableProject(t)
	ctx := chrome(t)
	step := within(ctx, 4*time.Minute) // the whole walk; the machine may be busy
	rowIDs := func() string {
		t.Helper()
		s, err := chromedp.Run(step, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("#task-table tbody tr")).map(r => r.dataset.task).join(",")`))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	join := func(xs ...int64) string {
		var s []string
		for _, x := range xs {
			s = append(s, fmt.Sprint(x))
		}
		return strings.Join(s, ",")
	}
	err := chromedp.Do(step,
		chromedp.Navigate(e.srv.URL+"/signin"),
		chromedp.SendKeys(`#email`, "manager@x.org"),
		chromedp.SendKeys(`#password`, testPassword),
		chromedp.Submit(`#password`),
		chromedp.WaitVisible(`//h1[text()="Projects"]`),
		chromedp.Navigate(fmt.Sprintf("%s/projects/%d", e.srv.URL, p.ID)),
		chromedp.Click(fmt.Sprintf(`a[href="/projects/%d/tasks"]`, p.ID)),
		chromedp.WaitVisible(`#task-table`),
	)
	if err != nil {
		t.Fatalf("open the table: %v", err)
	}
	if got := rowIDs(); got != join(ids...) {
		t.Fatalf("rows %s, want %s", got, join(ids...))
	}
	// Filter: not annotated.
	err = chromedp.Do(step,
		chromedp.SetValue(`#f-col-0`, "tasks:total_annotations"),
		chromedp.SetValue(`#f-op-0`, "equal"),
		chromedp.SendKeys(`#f-v-0`, "0"),
		chromedp.Submit(`#f-v-0`),
		chromedp.WaitVisible(`#f-col-1`),
	)
	if err != nil {
		t.Fatalf("filter: %v", err)
	}
	if got, count := rowIDs(), text(t, step, `#task-count`); got != join(ids[2:]...) || count != "4 matching" {
		t.Fatalf("not annotated: rows %s (%s), want %s", got, count, join(ids[2:]...))
	}
	// Sort by id: ascending on the first click, descending on the second.
	for range 2 {
		if err := chromedp.Do(step, chromedp.Click(`//a[contains(@class,"sort") and starts-with(text(),"Task")]`), chromedp.WaitVisible(`#task-table`)); err != nil {
			t.Fatalf("sort: %v", err)
		}
	}
	if got := rowIDs(); got != join(ids[5], ids[4], ids[3], ids[2]) {
		t.Fatalf("sorted by id descending: %s", got)
	}
	// Search from the keyboard: "/" focuses the box.
	if err := chromedp.Do(step, chromedp.KeyEvent("/")); err != nil {
		t.Fatal(err)
	}
	if focused, _ := chromedp.Run(step, chromedp.Evaluate[string](`document.activeElement.id`)); focused != "task-search" {
		t.Fatalf("/ focused %q, want the search box", focused)
	}
	// (DevTools' key events type the "/" too; a person's keystroke does not get there.)
	err = chromedp.Do(step,
		chromedp.SetValue(`#task-search`, "apple"),
		chromedp.Submit(`#task-search`),
		chromedp.WaitVisible(`#task-table`),
		chromedp.WaitVisible(`//span[@id="task-count" and text()="1 matching"]`),
	)
	if err != nil {
		url, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + " | " + document.getElementById("task-search").value + " | " + (document.activeElement && document.activeElement.id)`))
		t.Fatalf("search: %v (at %s)", err, url)
	}
	if got := rowIDs(); got != join(ids[3]) {
		t.Fatalf("search apple among the not annotated: %s", got)
	}
	// j selects the first row, x checks it.
	if err := chromedp.Do(step, chromedp.KeyEvent("j"), chromedp.KeyEvent("x")); err != nil {
		t.Fatal(err)
	}
	checked, err := chromedp.Run(step, chromedp.Evaluate[bool](`document.querySelector("#task-table tbody tr input[type=checkbox]").checked`))
	if err != nil || !checked {
		t.Fatalf("j then x: checked %v, %v", checked, err)
	}
	// Open a task of the unfiltered table, sorted by id descending, and walk to the next one.
	err = chromedp.Do(step,
		chromedp.Navigate(fmt.Sprintf("%s/projects/%d/tasks?sort=tasks:id&desc=1", e.srv.URL, p.ID)),
		chromedp.WaitVisible(`#task-table`),
		chromedp.Click(fmt.Sprintf(`tr[data-task="%d"] a.open`, ids[3])),
		chromedp.WaitVisible(`#next-task`),
		chromedp.Click(`#next-task`),
		chromedp.WaitVisible(fmt.Sprintf(`//h1[starts-with(text(),"Task #%d")]`, ids[2])),
		chromedp.Click(`#prev-task`),
		chromedp.WaitVisible(fmt.Sprintf(`//h1[starts-with(text(),"Task #%d")]`, ids[3])),
	)
	if err != nil {
		url, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`))
		t.Fatalf("task detail navigation: %v (at %s)", err, url)
	}
	// Select all matching "not annotated", assign them to ann2, confirm the count.
	err = chromedp.Do(step,
		chromedp.Navigate(fmt.Sprintf("%s/projects/%d/tasks?f=tasks:total_annotations&op=equal&v=0", e.srv.URL, p.ID)),
		chromedp.WaitVisible(`#task-table`),
		chromedp.Click(`#select-all-matching`),
		chromedp.SetValue(`#bulk-action`, "assign"),
		chromedp.SetValue(`#bulk-users`, fmt.Sprint(ann2.ID)),
		chromedp.Click(`#bulk-go`),
		chromedp.WaitVisible(`#bulk-yes`),
	)
	if err != nil {
		t.Fatalf("bulk assign: %v", err)
	}
	if q := text(t, step, `#bulk-question`); q != "assign 4 tasks of Fruit?" {
		t.Fatalf("confirmation: %q", q)
	}
	if err := chromedp.Do(step, chromedp.Click(`#bulk-yes`), chromedp.WaitVisible(`.flash`)); err != nil {
		t.Fatalf("confirm: %v", err)
	}
	if f := text(t, step, `.flash`); f != "assign: 4 tasks" {
		t.Fatalf("flash %q", f)
	}
	var n int
	e.store.Pool.QueryRow(context.Background(), `SELECT count(*) FROM task_assignments WHERE user_id = $1 AND task_id = ANY($2)`, ann2.ID, ids[2:]).Scan(&n)
	if n != 4 {
		t.Fatalf("%d tasks assigned to ann2, want 4", n)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(sel))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// TestBrowserSavedViewAndBulkJob saves the filtered table as a view, leaves
// it and comes back through its tab, then assigns all of its 1,204 tasks:
// more than a request does, so a job runs it and the page shows its progress
// until it is done, without a reload.
func TestBrowserSavedViewAndBulkJob(t *testing.T) {
	t.Parallel()
	e, p, _, ann2 := tableProject(t)
	bg := context.Background()
	if _, err := e.store.Pool.Exec(bg, `
		WITH n AS (INSERT INTO tasks (project_id, data, data_hash)
			SELECT $1, jsonb_build_object('text', 'extra ' || g), sha256(('extra ' || g)::bytea) FROM generate_series(1, 1200) g RETURNING 1)
		UPDATE projects SET task_count = task_count + (SELECT count(*) FROM n) WHERE id = $1`, p.ID); err != nil {
		t.Fatal(err)
	}
	ctx := chrome(t)
	step := within(ctx, 4*time.Minute)
	err := chromedp.Do(step,
		chromedp.Navigate(e.srv.URL+"/signin"),
		chromedp.SendKeys(`#email`, "manager@x.org"),
		chromedp.SendKeys(`#password`, testPassword),
		chromedp.Submit(`#password`),
		chromedp.WaitVisible(`//h1[text()="Projects"]`),
		chromedp.Navigate(fmt.Sprintf("%s/projects/%d/tasks?f=tasks:total_annotations&op=equal&v=0", e.srv.URL, p.ID)),
		chromedp.WaitVisible(`#task-table`),
		chromedp.Click(`details.views summary`),
		chromedp.SendKeys(`#new-view-title`, "To do"),
		chromedp.Click(`#view-new`),
		chromedp.WaitVisible(`//nav[@id="view-tabs"]/a[@aria-current="page" and text()="To do"]`),
	)
	if err != nil {
		t.Fatalf("save the view: %v", err)
	}
	if c := text(t, step, `#task-count`); c != "1204 matching" {
		t.Fatalf("the view's tab shows %q", c)
	}
	err = chromedp.Do(step,
		chromedp.Click(`//nav[@id="view-tabs"]/a[text()="All tasks"]`),
		chromedp.WaitVisible(`//span[@id="task-count" and text()="1206 matching"]`),
		chromedp.Click(`//nav[@id="view-tabs"]/a[text()="To do"]`),
		chromedp.WaitVisible(`//span[@id="task-count" and text()="1204 matching"]`),
		chromedp.Click(`#select-all-matching`),
		chromedp.SetValue(`#bulk-action`, "assign"),
		chromedp.SetValue(`#bulk-users`, fmt.Sprint(ann2.ID)),
		chromedp.Click(`#bulk-go`),
		chromedp.WaitVisible(`#bulk-yes`),
	)
	if err != nil {
		t.Fatalf("back to the view and bulk assign: %v", err)
	}
	if q := text(t, step, `#bulk-question`); q != "assign 1204 tasks of Fruit?" {
		t.Fatalf("confirmation: %q", q)
	}
	err = chromedp.Do(step,
		chromedp.Click(`#bulk-yes`),
		chromedp.WaitVisible(`.flash`),
		chromedp.WaitVisible(`#bulk-actions progress`),
	)
	if err != nil {
		t.Fatalf("confirm: %v", err)
	}
	if f := text(t, step, `.flash`); !strings.Contains(f, "running in the background") {
		t.Fatalf("flash %q", f)
	}
	// The page is not reloaded: the progress row refreshes itself until done.
	if _, err := chromedp.Run(step, chromedp.Evaluate[bool](`window.notReloaded = true`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(step, chromedp.WaitVisible(`#bulk-actions tr[data-status="done"]`)); err != nil {
		t.Fatalf("the bulk job's progress never reached done: %v", err)
	}
	if done := text(t, step, `#bulk-actions tr[data-status="done"] .bulk-done`); done != "1204 of 1204 tasks" {
		t.Fatalf("progress %q", done)
	}
	if same, _ := chromedp.Run(step, chromedp.Evaluate[bool](`window.notReloaded === true`)); !same {
		t.Fatal("the page was reloaded to show the progress")
	}
	var n int
	e.store.Pool.QueryRow(bg, `SELECT count(*) FROM task_assignments WHERE user_id = $1`, ann2.ID).Scan(&n)
	if n != 1204 {
		t.Fatalf("%d tasks assigned to ann2, want 1204", n)
	}
}
