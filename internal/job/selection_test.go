package job

import (
	"context"
	"testing"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertest"

	"concord/internal/store"
	"concord/internal/store/storetest"
)

// TestTrainAndPrelabelASelection trains the model on the labels of a task
// table selection only, then pre-labels another selection, and nothing else.
func TestTrainAndPrelabelASelection(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	pr := newProject(t, s, store.ProjectFields{Title: "sel", MaximumAnnotations: 1}, 12, 1)
	for i := range 8 {
		pr.annotate(t, 0, i, map[bool]string{true: "pos", false: "neg"}[i%2 == 0], false)
	}
	only := func(is ...int) string {
		q := store.TaskQuery{ProjectID: pr.p.ID, Selected: store.Selection{Only: true}}
		for _, i := range is {
			q.Selected.Included = append(q.Selected.Included, pr.tasks[i])
		}
		return q.DMQuery()
	}
	driver := riverpgxv5.New(s.Pool)
	tx, err := s.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	train := rivertest.NewWorker(t, driver, &river.Config{}, &TrainWorker{store: s})
	if res, err := train.Work(ctx, t, tx, TrainArgs{ProjectID: pr.p.ID, Query: only(0, 1, 2, 3, 10)}, nil); err != nil || res.EventKind != river.EventKindJobCompleted {
		t.Fatalf("train on a selection: %v, %v", res.EventKind, err)
	}
	vs, err := s.ModelVersions(ctx, pr.p.ID)
	if err != nil || len(vs) != 1 || vs[0].TrainedOn+vs[0].HeldOut != 4 {
		t.Fatalf("versions %+v, %v; want one trained on the selection's 4 labeled tasks", vs, err)
	}
	prelabel := rivertest.NewWorker(t, driver, &river.Config{}, &PrelabelWorker{store: s})
	if res, err := prelabel.Work(ctx, t, tx, PrelabelArgs{ProjectID: pr.p.ID, VersionID: vs[0].ID, Query: only(1, 9, 11)}, nil); err != nil || res.EventKind != river.EventKindJobCompleted {
		t.Fatalf("pre-label a selection: %v, %v", res.EventKind, err)
	}
	ps, err := s.PredictionsOfTasks(ctx, pr.tasks)
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, p := range ps {
		got = append(got, p.TaskID)
	}
	if len(got) != 3 || got[0] != pr.tasks[1] || got[1] != pr.tasks[9] || got[2] != pr.tasks[11] {
		t.Errorf("predictions of tasks %v, want exactly tasks 1, 9 and 11 (%v)", got, pr.tasks)
	}
}
