package web_test

import (
	"fmt"
	"testing"
	"time"

	"concord/internal/store"
	"concord/web/api"
)

// TestAgreementAndReview has three annotators label four tasks with a known
// pattern of agreement; the report, the per-task agreement, the review queue
// order, ground-truth accuracy and a rejection that returns a task to its
// annotator all follow.
func TestAgreementAndReview(t *testing.T) {
	t.Parallel()
	e, p, tok := labelEnv(t, 4, 3, "ann", "bob", "cy")
	// Labels per annotator, by task order: task 0 all agree, 1 two of three,
	// 2 two of three, 3 all agree.
	plan := map[string][]string{
		"ann": {"Positive", "Positive", "Negative", "Negative"},
		"bob": {"Positive", "Positive", "Positive", "Negative"},
		"cy":  {"Positive", "Negative", "Negative", "Negative"},
	}
	order := map[string][]int64{}
	annIDs := map[string]map[int64]int64{}
	for _, who := range []string{"ann", "bob", "cy"} {
		annIDs[who] = map[int64]int64{}
		for i := 0; i < 4; i++ {
			var lt labelingTask
			if code := e.call(tok[who], "GET", fmt.Sprintf("/api/projects/%d/next", p.ID), nil, &lt); code != 200 {
				t.Fatalf("next: %d", code)
			}
			order[who] = append(order[who], lt.Task.ID)
			_, id := e.submit(tok[who], lt.Task.ID, fmt.Sprint(who, i), map[string]any{"result": choice(plan[who][i]), "lead_time": float64(i + 1)})
			annIDs[who][lt.Task.ID] = id
		}
	}
	// Sequential sampling serves every annotator the same order.
	tasks := order["ann"]
	var rep struct {
		Project struct {
			Percent float64 `json:"percent_agreement"`
			Alpha   float64 `json:"krippendorff_alpha"`
		} `json:"project"`
		Annotators []struct {
			UserID       int64    `json:"user_id"`
			GoldAccuracy *float64 `json:"gold_accuracy"`
		} `json:"annotators"`
		Emails map[string]string `json:"emails"`
	}
	waitReport := func(cond func() bool) {
		for deadline := time.Now().Add(40 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
			e.call(tok["manager"], "GET", fmt.Sprintf("/api/projects/%d/agreement", p.ID), nil, &rep)
			if cond() {
				return
			}
		}
		rows, _ := e.store.Pool.Query(t.Context(), `SELECT format('%s %s att=%s sched=%s fin=%s err=%s', id, state, attempt, scheduled_at, finalized_at, errors) FROM river_job WHERE kind = 'agreement'`)
		var jobs []string
		for rows.Next() {
			var s string
			rows.Scan(&s)
			jobs = append(jobs, s)
		}
		t.Fatalf("the agreement report never came right: %+v\njobs: %v", rep, jobs)
	}
	// Pairwise agreement per task: 1, 1/3, 1/3, 1; the project's mean 2/3.
	waitReport(func() bool { return rep.Project.Percent > 0.66 && rep.Project.Percent < 0.67 })

	var queue struct {
		Tasks []struct {
			Task      int64    `json:"task"`
			Agreement *float64 `json:"agreement"`
		} `json:"tasks"`
	}
	e.call(tok["manager"], "GET", fmt.Sprintf("/api/projects/%d/review", p.ID), nil, &queue)
	if len(queue.Tasks) != 4 || *queue.Tasks[0].Agreement > 0.34 || *queue.Tasks[3].Agreement != 1 ||
		(queue.Tasks[0].Task != tasks[1] && queue.Tasks[0].Task != tasks[2]) {
		t.Fatalf("review queue, lowest agreement first: %+v (tasks %v)", queue.Tasks, tasks)
	}
	if code := e.call(tok["ann"], "GET", fmt.Sprintf("/api/projects/%d/review", p.ID), nil, nil); code != 403 {
		t.Fatalf("an annotator opens the review queue: %d, want 403", code)
	}

	// Ground truth: mark cy's label of task 1 as ground truth: ann and bob were wrong there.
	if code := e.call(tok["manager"], "PATCH", fmt.Sprintf("/api/annotations/%d/ground-truth", annIDs["cy"][tasks[1]]), map[string]any{"ground_truth": true}, nil); code != 204 {
		t.Fatalf("ground truth: %d", code)
	}
	waitReport(func() bool {
		for _, a := range rep.Annotators {
			if a.GoldAccuracy != nil && *a.GoldAccuracy == 0 {
				return true
			}
		}
		return false
	})

	// Reject bob's label of task 2: bob gets the task back with the comment.
	if code := e.call(tok["manager"], "POST", fmt.Sprintf("/api/tasks/%d/review", tasks[2]), map[string]any{"annotation": annIDs["bob"][tasks[2]], "action": "reject", "comment": "read it again"}, nil); code != 204 {
		t.Fatalf("reject: %d", code)
	}
	var back struct {
		labelingTask
		Annotation *struct {
			ID      int64  `json:"id"`
			State   string `json:"review_state"`
			Comment string `json:"review_comment"`
		} `json:"annotation"`
	}
	e.call(tok["bob"], "GET", fmt.Sprintf("/api/projects/%d/next", p.ID), nil, &back)
	if back.Task.ID != tasks[2] || back.Annotation == nil || back.Annotation.State != "rejected" || back.Annotation.Comment != "read it again" {
		t.Fatalf("bob's next after the rejection: task %d, %+v", back.Task.ID, back.Annotation)
	}
	if code := e.call(tok["bob"], "PATCH", fmt.Sprintf("/api/annotations/%d", back.Annotation.ID), map[string]any{"result": choice("Negative")}, nil); code != 200 {
		t.Fatalf("bob fixes it: %d", code)
	}
	var full bool
	var done int
	e.store.Pool.QueryRow(t.Context(), `SELECT is_full, done_count FROM tasks WHERE id = $1`, tasks[2]).Scan(&full, &done)
	if !full || done != 3 {
		t.Fatalf("after the fix the task has %d annotations counted (full %v), want 3", done, full)
	}
	// Fix and accept: the reviewer's labels become accepted ground truth.
	if code := e.call(tok["manager"], "POST", fmt.Sprintf("/api/tasks/%d/review", tasks[1]), map[string]any{"annotation": annIDs["ann"][tasks[1]], "action": "fix", "result": choice("Negative")}, nil); code != 204 {
		t.Fatalf("fix: %d", code)
	}
	var gt int
	e.store.Pool.QueryRow(t.Context(), `SELECT count(*) FROM annotations WHERE task_id = $1 AND ground_truth AND review_state = 'accepted'`, tasks[1]).Scan(&gt)
	if gt != 1 {
		t.Fatalf("%d accepted ground-truth annotations after fix, want 1", gt)
	}
}

// TestGoldAndExtraAnnotator mixes gold tasks into the queue and gives a task
// whose annotators disagree one more annotator.
func TestGoldAndExtraAnnotator(t *testing.T) {
	t.Parallel()
	e, p, tok := labelEnv(t, 5, 2, "ann", "bob", "cy")
	ctx := t.Context()
	f := api.FieldsOf(p)
	f.GoldRate, f.AgreementThreshold, f.MaxExtra = 1, 0.9, 1
	p, _ = e.store.UpdateProject(ctx, p.ID, f)
	ts, _ := e.store.Tasks(ctx, store.TaskPage{ProjectID: p.ID, Limit: 10})
	// The manager labels the last task and makes it ground truth.
	gold := ts[4].ID
	_, gid := e.submit(tok["manager"], gold, "gold", map[string]any{"result": choice("Positive")})
	if code := e.call(tok["manager"], "PATCH", fmt.Sprintf("/api/annotations/%d/ground-truth", gid), map[string]any{"ground_truth": true}, nil); code != 204 {
		t.Fatalf("ground truth: %d", code)
	}
	// With a gold rate of 1, ann's first task is the gold one.
	var lt labelingTask
	e.call(tok["ann"], "GET", fmt.Sprintf("/api/projects/%d/next", p.ID), nil, &lt)
	if lt.Task.ID != gold {
		t.Fatalf("ann was served task %d, want the gold task %d", lt.Task.ID, gold)
	}
	e.submit(tok["ann"], gold, "a-gold", map[string]any{"result": choice("Negative")})
	// ann and bob disagree on the first task: it must get a third annotator.
	first := ts[0].ID
	e.submit(tok["ann"], first, "a1", map[string]any{"result": choice("Positive")})
	e.submit(tok["bob"], first, "b1", map[string]any{"result": choice("Negative")})
	var extra int
	var goldAcc *float64
	for deadline := time.Now().Add(40 * time.Second); time.Now().Before(deadline) && (extra == 0 || goldAcc == nil); time.Sleep(200 * time.Millisecond) {
		e.store.Pool.QueryRow(ctx, `SELECT extra_annotators FROM tasks WHERE id = $1`, first).Scan(&extra)
		var rows []struct {
			Email        string   `json:"email"`
			GoldAccuracy *float64 `json:"gold_accuracy"`
		}
		e.call(tok["manager"], "GET", fmt.Sprintf("/api/projects/%d/annotators", p.ID), nil, &rows)
		for _, r := range rows {
			if r.Email == "ann@x.org" {
				goldAcc = r.GoldAccuracy
			}
		}
	}
	if extra != 1 || goldAcc == nil || *goldAcc != 0 {
		t.Fatalf("extra annotators %d, ann's gold accuracy %v; want 1 and 0", extra, goldAcc)
	}
	var c labelingTask
	for i := 0; i < 5; i++ { // cy may first be served the gold task
		e.call(tok["cy"], "GET", fmt.Sprintf("/api/projects/%d/next?exclude=%d", p.ID, gold), nil, &c)
		if c.Task.ID == first {
			return
		}
		e.submit(tok["cy"], c.Task.ID, fmt.Sprint("c", i), map[string]any{"result": choice("Positive")})
	}
	t.Fatalf("the disagreed task %d was never served to a third annotator", first)
}
