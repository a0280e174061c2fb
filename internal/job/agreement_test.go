package job

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertest"

	"concord/internal/agreement"
	"concord/internal/store"
	"concord/internal/store/storetest"
)

// TestAgreementWorker works one agreement job with River's rivertest worker:
// each task's agreement, the project's report and the extra annotator a task
// under the threshold gets are stored.
func TestAgreementWorker(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	pr := newProject(t, s, store.ProjectFields{Title: "agree", MaximumAnnotations: 2, AgreementThreshold: 0.8, MaxExtra: 1}, 3, 2)
	labels := [][2]string{{"pos", "pos"}, {"pos", "neg"}} // task 0 agreed, task 1 not, task 2 unlabeled
	for i, ls := range labels {
		for u, l := range ls {
			pr.annotate(t, u, i, l, false)
		}
	}
	worker := rivertest.NewWorker(t, riverpgxv5.New(s.Pool), &river.Config{}, &AgreementWorker{store: s})
	tx, err := s.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	res, err := worker.Work(ctx, t, tx, AgreementArgs{ProjectID: pr.p.ID}, nil)
	if err != nil || res.EventKind != river.EventKindJobCompleted {
		t.Fatalf("agreement job: %v, %v; want completed", res.EventKind, err)
	}
	for i, want := range []*float64{ptr(1), ptr(0), nil} {
		got, err := s.TaskAgreement(ctx, pr.tasks[i])
		if err != nil {
			t.Fatal(err)
		}
		if (got == nil) != (want == nil) || got != nil && *got != *want {
			t.Errorf("task %d: agreement %v, want %v", i, deref(got), deref(want))
		}
	}
	state, err := s.AgreementReport(ctx, pr.p.ID)
	if err != nil {
		t.Fatal(err)
	}
	var rep agreement.Report
	if err := json.Unmarshal(state.Report, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Control != "label" || rep.Tasks != 2 || rep.Compared != 2 || rep.Project["mean_task_agreement"] != 0.5 || len(rep.Pairs) != 1 || rep.Pairs[0].Tasks != 2 {
		t.Errorf("report %+v", rep)
	}
	// The task under the threshold is open for one more annotator.
	var extra int
	var full bool
	s.Pool.QueryRow(ctx, `SELECT extra_annotators, is_full FROM tasks WHERE id = $1`, pr.tasks[1]).Scan(&extra, &full)
	if extra != 1 || full {
		t.Errorf("the disagreed task: %d extra annotators, full %v; want 1, false", extra, full)
	}

	// A project deleted since the job was queued: the job completes, doing nothing.
	if err := s.DeleteProject(ctx, pr.p.ID); err != nil {
		t.Fatal(err)
	}
	if res, err := worker.Work(ctx, t, tx, AgreementArgs{ProjectID: pr.p.ID}, nil); err != nil || res.EventKind != river.EventKindJobCompleted {
		t.Fatalf("agreement job of a deleted project: %v, %v; want completed", res.EventKind, err)
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func ptr(v float64) *float64 { return &v }
