package store_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"

	"concord/internal/store"
)

func TestAssignTasks(t *testing.T) {
	t.Parallel()
	fx := newTaskFixture(t)
	ctx := context.Background()
	s := fx.s
	for _, u := range []int64{fx.u1, fx.u2} {
		if err := s.SetMember(ctx, fx.p.ID, u, store.RoleAnnotator); err != nil {
			t.Fatal(err)
		}
	}
	outsider, _ := s.CreateUser(ctx, "o@x.org", "", "h", store.RoleAnnotator)
	// t3 and t4 are open; give both to u2 (and the outsider, who is no member: ignored).
	n, err := s.AssignTasks(ctx, fx.p.ID, []int64{fx.t3, fx.t4}, []int64{fx.u2, outsider.ID})
	if err != nil || n != 2 {
		t.Fatalf("AssignTasks = %d, %v; want 2", n, err)
	}
	got := fx.ids(t, store.TaskQuery{Filters: []store.TaskFilter{item("tasks:assignees", "contains", "List", itoa(fx.u2))}})
	if !slices.Equal(got, []int64{fx.t3, fx.t4}) {
		t.Errorf("assigned to u2: %v", got)
	}
	if got := fx.ids(t, store.TaskQuery{Filters: []store.TaskFilter{item("tasks:assignees", "contains", "List", itoa(outsider.ID))}}); got != nil {
		t.Errorf("a non-member was assigned: %v", got)
	}
	p, _ := s.ProjectByID(ctx, fx.p.ID)
	// (The fixture's rejection of u1's t2 would send it back to u1 first.)
	if _, err := s.Pool.Exec(ctx, `UPDATE annotations SET review_state = '' WHERE task_id = $1`, fx.t2); err != nil {
		t.Fatal(err)
	}
	// u1 has annotated t1 and t2 and may not have t3/t4: nothing for them.
	if tk, err := s.NextTask(ctx, p, fx.u1, nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("u1 was served task %d of u2's assignment (err %v)", tk.ID, err)
	}
	// u2 skipped t3; t2 (open, unassigned) is left aside here: their assigned t4 comes.
	if tk, err := s.NextTask(ctx, p, fx.u2, []int64{fx.t2}); err != nil || tk.ID != fx.t4 {
		t.Errorf("u2 got %d, %v; want their task %d", tk.ID, err, fx.t4)
	}
	// No users lifts the assignment.
	if _, err := s.AssignTasks(ctx, fx.p.ID, []int64{fx.t4}, nil); err != nil {
		t.Fatal(err)
	}
	if tk, err := s.NextTask(ctx, p, fx.u1, nil); err != nil || tk.ID != fx.t4 {
		t.Errorf("after unassigning t4, u1 got %d, %v; want %d", tk.ID, err, fx.t4)
	}
}

func TestDeleteTasksStaysInItsProject(t *testing.T) {
	t.Parallel()
	fx := newTaskFixture(t)
	ctx := context.Background()
	other, err := fx.s.CreateProject(ctx, store.ProjectFields{Title: "O", LabelConfig: "<View/>", MaximumAnnotations: 1, Sampling: "sequential"}, fx.u1)
	if err != nil {
		t.Fatal(err)
	}
	// Deleting the first project's tasks through the other project's name changes nothing.
	if n, err := fx.s.DeleteTasks(ctx, other.ID, []int64{fx.t1, fx.t2}); err != nil || n != 0 {
		t.Fatalf("DeleteTasks via another project = %d, %v", n, err)
	}
	if n, err := fx.s.AssignTasks(ctx, other.ID, []int64{fx.t1}, []int64{fx.u1}); err != nil || n != 0 {
		t.Fatalf("AssignTasks via another project = %d, %v", n, err)
	}
	if n, err := fx.s.DeleteTasks(ctx, fx.p.ID, []int64{fx.t1, fx.t2}); err != nil || n != 2 {
		t.Fatalf("DeleteTasks = %d, %v; want 2", n, err)
	}
	if got := fx.ids(t, store.TaskQuery{}); !slices.Equal(got, []int64{fx.t3, fx.t4}) {
		t.Errorf("left: %v", got)
	}
	c, _ := fx.s.CountTasks(ctx, store.TaskQuery{ProjectID: fx.p.ID})
	var anns int
	fx.s.Pool.QueryRow(ctx, `SELECT count(*) FROM annotations WHERE task_id = ANY($1)`, []int64{fx.t1, fx.t2}).Scan(&anns)
	if c.N != 2 || anns != 0 {
		t.Errorf("after delete: task_count %d, annotations of deleted tasks %d", c.N, anns)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestBulkTaskChanges runs each bulk change of the task table on a selection
// that also names another project's task: only the project's tasks change,
// with their counters, and through the other project's name nothing does.
func TestBulkTaskChanges(t *testing.T) {
	t.Parallel()
	fx := newTaskFixture(t)
	ctx := context.Background()
	s := fx.s
	var otherP, otherT int64
	if err := s.Pool.QueryRow(ctx, `SELECT project_id, id FROM tasks WHERE project_id <> $1`, fx.p.ID).Scan(&otherP, &otherT); err != nil {
		t.Fatal(err)
	}
	oa, _, err := s.Submit(ctx, store.Submission{TaskID: otherT, UserID: fx.u1, Result: choice("pos")}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetGroundTruth(ctx, oa.ID, true); err != nil {
		t.Fatal(err)
	}
	score := 0.5
	if _, err := s.CreatePrediction(ctx, otherT, "v1", &score, choice("pos")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Submit(ctx, store.Submission{TaskID: fx.t4, UserID: fx.u1, Result: choice("neg")}, 2); err != nil {
		t.Fatal(err)
	}
	all := []int64{fx.t1, fx.t2, fx.t3, fx.t4, otherT}
	filter := func(col, op, typ, v string) []int64 {
		return fx.ids(t, store.TaskQuery{Filters: []store.TaskFilter{item(col, op, typ, v)}})
	}
	other := func(what string) {
		t.Helper()
		var anns, preds, gt int
		s.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM annotations WHERE task_id = $1), (SELECT count(*) FROM predictions WHERE task_id = $1),
			(SELECT count(*) FROM annotations WHERE task_id = $1 AND ground_truth)`, otherT).Scan(&anns, &preds, &gt)
		if anns != 1 || preds != 1 || gt != 1 {
			t.Fatalf("after %s the other project's task has %d annotations, %d predictions, %d ground truths", what, anns, preds, gt)
		}
	}
	type change func(context.Context, int64, []int64) (int64, error)
	for _, c := range []struct {
		name string
		fn   change
		want int64
		then func()
	}{
		{"mark gold", s.MarkGold, 1, func() { // t1 has ground truth, t2's is rejected, t3 skipped: t4
			if got := filter("tasks:ground_truth", "equal", "Boolean", "true"); !slices.Equal(got, []int64{fx.t1, fx.t4}) {
				t.Errorf("gold after marking: %v", got)
			}
		}},
		{"unmark gold", s.UnmarkGold, 2, func() {
			if got := filter("tasks:ground_truth", "equal", "Boolean", "true"); got != nil {
				t.Errorf("gold after unmarking: %v", got)
			}
		}},
		{"send to review", s.SendToReview, 2, func() {
			if got := filter("tasks:reviewed", "equal", "Boolean", "true"); got != nil {
				t.Errorf("reviewed after sending to review: %v", got)
			}
		}},
		{"delete predictions", s.DeleteTaskPredictions, 2, func() {
			if got := filter("tasks:total_predictions", "greater", "Number", "0"); got != nil {
				t.Errorf("with predictions after deleting them: %v", got)
			}
			if got := filter("tasks:predictions_score", "empty", "Number", "false"); got != nil {
				t.Errorf("with a score after deleting predictions: %v", got)
			}
		}},
		{"delete annotations", s.DeleteTaskAnnotations, 4, func() {
			if got := filter("tasks:total_annotations", "equal", "Number", "0"); !slices.Equal(got, []int64{fx.t1, fx.t2, fx.t3, fx.t4}) {
				t.Errorf("without annotations after deleting them: %v", got)
			}
			if got := filter("tasks:agreement", "empty", "Number", "false"); got != nil {
				t.Errorf("with agreement after deleting annotations: %v", got)
			}
		}},
	} {
		if n, err := c.fn(ctx, otherP, []int64{fx.t1, fx.t2, fx.t4}); err != nil || n != 0 {
			t.Errorf("%s through the other project: %d, %v", c.name, n, err)
		}
		n, err := c.fn(ctx, fx.p.ID, all)
		if err != nil || n != c.want {
			t.Errorf("%s: %d, %v; want %d", c.name, n, err, c.want)
		}
		c.then()
		other(c.name)
	}
}

// TestTaskIDsBatches reads a selection's ids a batch at a time, in order.
func TestTaskIDsBatches(t *testing.T) {
	t.Parallel()
	fx := newTaskFixture(t)
	var got [][]int64
	q := store.TaskQuery{ProjectID: fx.p.ID, Order: store.TaskOrder{Column: "tasks:agreement", Desc: true},
		Selected: store.Selection{Excluded: []int64{fx.t2}}}
	err := fx.s.TaskIDs(context.Background(), q, 2, func(ids []int64) error {
		got = append(got, slices.Clone(ids))
		return nil
	})
	if err != nil || len(got) != 2 || !slices.Equal(got[0], []int64{fx.t1, fx.t3}) || !slices.Equal(got[1], []int64{fx.t4}) {
		t.Errorf("batches %v, %v", got, err)
	}
}
