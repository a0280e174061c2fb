package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"concord/internal/store"
)

// TestTaskHistoryAndDrafts lists what happened to a task, who did it and
// when, from its annotations, reviews, predictions, drafts and the audit log;
// another project's name finds nothing.
func TestTaskHistoryAndDrafts(t *testing.T) {
	t.Parallel()
	fx := newTaskFixture(t)
	ctx := context.Background()
	s := fx.s
	if err := s.SaveDraft(ctx, fx.t1, fx.u2, choice("maybe")); err != nil {
		t.Fatal(err)
	}
	if err := s.Audit(ctx, fx.u1, "a1@x.org", "tasks.assign", fx.p.ID, map[string]any{"task_ids": []int64{fx.t3, fx.t1}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Audit(ctx, fx.u1, "a1@x.org", "tasks.delete", fx.p.ID, map[string]any{"task_ids": []int64{fx.t2}}); err != nil {
		t.Fatal(err)
	}
	es, err := s.TaskHistory(ctx, fx.p.ID, fx.t1)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range es {
		lines = append(lines, e.Who+": "+e.What)
	}
	for _, want := range []string{": created", "a1@x.org: annotated", "a2@x.org: annotated", ": ground truth: annotation", "v1: predicted (score 0.900)",
		"a2@x.org: draft saved", "a1@x.org: tasks.assign"} {
		if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, want) }) {
			t.Errorf("history of t1 lacks %q:\n%s", want, strings.Join(lines, "\n"))
		}
	}
	if slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, "tasks.delete") }) {
		t.Errorf("history of t1 shows another task's audit entry:\n%s", strings.Join(lines, "\n"))
	}
	if !es[0].At.Equal(slices.MinFunc(es, func(a, b store.TaskEvent) int { return a.At.Compare(b.At) }).At) {
		t.Errorf("history not oldest first: %v", es)
	}
	if es, _ := s.TaskHistory(ctx, fx.p.ID+1, fx.t1); len(es) != 0 {
		t.Errorf("history through another project: %v", es)
	}
	ds, err := s.TaskDrafts(ctx, fx.p.ID, fx.t1)
	if err != nil || len(ds) != 1 || ds[0].Email != "a2@x.org" || !strings.Contains(string(ds[0].Result), "maybe") {
		t.Errorf("drafts %+v, %v", ds, err)
	}
	if ds, _ := s.TaskDrafts(ctx, fx.p.ID+1, fx.t1); len(ds) != 0 {
		t.Errorf("drafts through another project: %v", ds)
	}
}

// TestExportAndTrainingOfASelection exports, counts and reads for training
// only the tasks a Data Manager query selects.
func TestExportAndTrainingOfASelection(t *testing.T) {
	t.Parallel()
	fx := newTaskFixture(t)
	ctx := context.Background()
	sel := store.TaskQuery{ProjectID: fx.p.ID, Search: "fox"}.DMQuery() // t1 and t4
	f := store.ExportFilter{AllTasks: true, Query: sel}
	var got []int64
	err := fx.s.ExportTasks(ctx, fx.p.ID, f, func(et store.ExportTask) error {
		got = append(got, et.ID)
		return nil
	})
	if err != nil || !slices.Equal(got, []int64{fx.t1, fx.t4}) {
		t.Errorf("exported %v, %v; want t1, t4", got, err)
	}
	if n, err := fx.s.CountExportTasks(ctx, fx.p.ID, f); err != nil || n != 2 {
		t.Errorf("count %d, %v; want 2", n, err)
	}
	f.AllTasks = false // annotated only: t1
	if n, err := fx.s.CountExportTasks(ctx, fx.p.ID, f); err != nil || n != 1 {
		t.Errorf("count of annotated %d, %v; want 1", n, err)
	}
	f.Query = `{"filters": {"conjunction": "and", "items": [{"filter": "filter:tasks:nope", "operator": "equal", "type": "Number", "value": 1}]}}`
	var qe *store.QueryError
	if err := fx.s.ExportTasks(ctx, fx.p.ID, f, func(store.ExportTask) error { return nil }); !errors.As(err, &qe) {
		t.Errorf("bad selection: %v, want a QueryError", err)
	}
	var labeled []int64
	q, _ := store.ParseDMQuery(fx.p.ID, sel)
	if _, err := fx.s.LabeledTasks(ctx, q, func(lt store.LabeledTask) error {
		labeled = append(labeled, lt.ID)
		return nil
	}); err != nil || !slices.Equal(labeled, []int64{fx.t1}) {
		t.Errorf("labeled tasks of the selection %v, %v; want t1", labeled, err)
	}
}
