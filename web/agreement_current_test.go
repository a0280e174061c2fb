package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestAgreementStaysCurrent changes a project's annotations in every way a
// manager or annotator can — create, edit, delete, import of annotated tasks,
// ground truth, review, task deletion — and after each one waits for the
// worker to bring the stored agreement up to date; a task left with one
// annotation loses its agreement and leaves the top of the review queue; a
// computation that fails is shown on the quality page and in the API, and the
// next success clears it.
func TestAgreementStaysCurrent(t *testing.T) {
	t.Parallel()
	e, p, tok := labelEnv(t, 2, 2, "ann", "bob")
	ctx := t.Context()
	ids := e.taskIDs(p.ID)
	t0, t1 := ids[0], ids[1]
	agreementOf := func(task int64) *float64 { return e.taskAgreement(tok["manager"], task) }
	type report struct {
		Tasks   int            `json:"tasks"`
		Project map[string]any `json:"project"`
		Failure *struct {
			Error string `json:"error"`
		} `json:"failure"`
		Annotators []struct {
			UserID       int64    `json:"user_id"`
			GoldAccuracy *float64 `json:"gold_accuracy"`
			GoldTasks    int      `json:"gold_tasks"`
		} `json:"annotators"`
	}
	var rep report
	wait := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(40 * time.Second); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
			rep = report{}
			e.call(tok["manager"], "GET", fmt.Sprintf("/api/projects/%d/agreement", p.ID), nil, &rep)
			if cond() {
				return
			}
		}
		t.Fatalf("%s: never came; report %+v, task agreements %v %v", what, rep, agreementOf(t0), agreementOf(t1))
	}
	is := func(v *float64, want float64) bool { return v != nil && *v == want }

	// Create: ann and bob disagree on t0 and agree on t1.
	_, a0 := e.submit(tok["ann"], t0, "a0", map[string]any{"result": choice("Positive")})
	_, b0 := e.submit(tok["bob"], t0, "b0", map[string]any{"result": choice("Negative")})
	e.submit(tok["ann"], t1, "a1", map[string]any{"result": choice("Positive")})
	e.submit(tok["bob"], t1, "b1", map[string]any{"result": choice("Positive")})
	wait("agreement after the first submissions", func() bool { return is(agreementOf(t0), 0) && is(agreementOf(t1), 1) })

	// Edit: bob corrects his label of t0; the task agrees now.
	if code := e.call(tok["bob"], "PATCH", fmt.Sprintf("/api/annotations/%d", b0), map[string]any{"result": choice("Positive")}, nil); code != 200 {
		t.Fatalf("edit: %d", code)
	}
	wait("agreement after an edit", func() bool { return is(agreementOf(t0), 1) })

	// Delete: bob's annotation of t0 goes; t0 has one annotation left and no agreement.
	if code := e.call(tok["bob"], "PATCH", fmt.Sprintf("/api/annotations/%d", b0), map[string]any{"result": choice("Negative")}, nil); code != 200 {
		t.Fatalf("edit: %d", code)
	}
	wait("agreement after a second edit", func() bool { return is(agreementOf(t0), 0) })
	if code := e.call(tok["bob"], "DELETE", fmt.Sprintf("/api/annotations/%d", b0), nil, nil); code != 204 {
		t.Fatalf("delete: %d", code)
	}
	wait("stale agreement cleared after a delete", func() bool { return agreementOf(t0) == nil })
	var queue struct {
		Tasks []struct {
			Task      int64    `json:"task"`
			Agreement *float64 `json:"agreement"`
		} `json:"tasks"`
	}
	e.call(tok["manager"], "GET", fmt.Sprintf("/api/projects/%d/review", p.ID), nil, &queue)
	if len(queue.Tasks) != 2 || queue.Tasks[0].Task != t1 || queue.Tasks[1].Agreement != nil {
		t.Fatalf("review queue after the delete: %+v; want t1 (%d) first and t0 without agreement last", queue.Tasks, t1)
	}

	// Import: a task with two annotators' disagreeing labels gets its agreement.
	imported := []map[string]any{{"data": map[string]any{"text": "imported tweet"}, "annotations": []map[string]any{
		{"completed_by": "ann@x.org", "result": choice("Positive")},
		{"completed_by": "bob@x.org", "result": choice("Negative")},
	}}}
	if code := e.call(tok["manager"], "POST", fmt.Sprintf("/api/projects/%d/import", p.ID), imported, nil); code != 201 && code != 200 {
		t.Fatalf("import: %d", code)
	}
	var t2 int64
	e.store.Pool.QueryRow(ctx, `SELECT id FROM tasks WHERE project_id = $1 AND data->>'text' = 'imported tweet'`, p.ID).Scan(&t2)
	wait("agreement of an imported annotated task", func() bool { return is(agreementOf(t2), 0) })

	// Ground truth: ann's label of t2 becomes the reference: bob's gold accuracy is 0,
	// and t2 is scored as bob against it: 0.
	var annOfT2 int64
	e.store.Pool.QueryRow(ctx, `SELECT a.id FROM annotations a JOIN users u ON u.id = a.completed_by WHERE a.task_id = $1 AND u.email = 'ann@x.org'`, t2).Scan(&annOfT2)
	if code := e.call(tok["manager"], "PATCH", fmt.Sprintf("/api/annotations/%d/ground-truth", annOfT2), map[string]any{"ground_truth": true}, nil); code != 204 {
		t.Fatalf("ground truth: %d", code)
	}
	wait("gold accuracy after ground truth", func() bool {
		for _, a := range rep.Annotators {
			if a.GoldTasks == 1 && is(a.GoldAccuracy, 0) {
				return is(agreementOf(t2), 0)
			}
		}
		return false
	})

	// Review: the manager fixes t1 (the fix is ground truth) — bob and ann now have gold tasks 2.
	var annOfT1 int64
	e.store.Pool.QueryRow(ctx, `SELECT id FROM annotations WHERE task_id = $1 ORDER BY id LIMIT 1`, t1).Scan(&annOfT1)
	if code := e.call(tok["manager"], "POST", fmt.Sprintf("/api/tasks/%d/review", t1), map[string]any{"annotation": annOfT1, "action": "fix", "result": choice("Negative")}, nil); code != 204 {
		t.Fatalf("fix: %d", code)
	}
	wait("gold tasks after a review fix", func() bool {
		for _, a := range rep.Annotators {
			if a.GoldTasks == 2 {
				return true
			}
		}
		return false
	})

	// Task deletion: the report counts one annotated task fewer.
	before := rep.Tasks
	if code := e.call(tok["manager"], "DELETE", fmt.Sprintf("/api/tasks/%d", t2), nil, nil); code != 204 {
		t.Fatalf("delete task: %d", code)
	}
	wait("report after a task deletion", func() bool { return rep.Tasks == before-1 })

	// A failure: an annotation whose result is not a list (written by hand in
	// the database) stops the computation; the page and the API say which.
	if _, err := e.store.Pool.Exec(ctx, `UPDATE annotations SET result = '{"oops": 1}' WHERE id = $1`, a0); err != nil {
		t.Fatal(err)
	}
	e.submit(tok["bob"], t0, "b0-again", map[string]any{"result": choice("Positive")})
	wait("failure reported", func() bool {
		return rep.Failure != nil && strings.Contains(rep.Failure.Error, fmt.Sprintf("annotation %d of task %d", a0, t0))
	})
	b := e.browser()
	b.signIn("manager@x.org")
	code, html := b.get(fmt.Sprintf("/projects/%d/quality", p.ID))
	if code != 200 || !strings.Contains(html, `id="agreement-failure"`) || !strings.Contains(html, fmt.Sprintf("annotation %d of task %d", a0, t0)) {
		t.Fatalf("quality page %d does not show the failure:\n%s", code, html)
	}
	if code := e.call(tok["ann"], "DELETE", fmt.Sprintf("/api/annotations/%d", a0), nil, nil); code != 204 {
		t.Fatalf("delete the broken annotation: %d", code)
	}
	wait("failure cleared by the next success", func() bool { return rep.Failure == nil && rep.Tasks > 0 })
}
