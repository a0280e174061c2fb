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
