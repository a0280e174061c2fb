package job

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertest"

	"concord/internal/store"
	"concord/internal/store/storetest"
)

// TestBulkWorker works a large bulk action's job: it deletes the annotations
// of the selection's tasks of its project (not the other project's task the
// selection names), records its progress and end, and is audited.
func TestBulkWorker(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	pr := newProject(t, s, store.ProjectFields{Title: "bulk", MaximumAnnotations: 1}, 3, 1)
	other := newProject(t, s, store.ProjectFields{Title: "other", MaximumAnnotations: 1}, 1, 1)
	for i := range 3 {
		pr.annotate(t, 0, i, "pos", false)
	}
	other.annotate(t, 0, 0, "pos", false)
	sel := store.TaskQuery{ProjectID: pr.p.ID, Selected: store.Selection{Only: true, Included: []int64{pr.tasks[0], pr.tasks[2], other.tasks[0]}}}
	mgr := pr.p.CreatedBy
	b, err := s.CreateBulkAction(ctx, store.BulkAction{ProjectID: pr.p.ID, CreatedBy: mgr, Actor: "m@x.org", Action: "delete_annotations",
		Query: json.RawMessage(sel.DMQuery()), Total: 2})
	if err != nil {
		t.Fatal(err)
	}
	worker := rivertest.NewWorker(t, riverpgxv5.New(s.Pool), &river.Config{}, &BulkWorker{store: s})
	tx, err := s.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	res, err := worker.Work(ctx, t, tx, BulkArgs{BulkID: b.ID, ProjectID: pr.p.ID}, nil)
	if err != nil || res.EventKind != river.EventKindJobCompleted {
		t.Fatalf("bulk job: %v, %v; want completed", res.EventKind, err)
	}
	b, err = s.BulkActionByID(ctx, pr.p.ID, b.ID)
	if err != nil || b.Status != store.BulkDone || b.Done != 2 || b.FinishedAt == nil {
		t.Fatalf("bulk action after the job: %+v, %v", b, err)
	}
	var left []int64
	rows, _ := s.Pool.Query(ctx, `SELECT task_id FROM annotations ORDER BY task_id`)
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		left = append(left, id)
	}
	if len(left) != 2 || left[0] != pr.tasks[1] || left[1] != other.tasks[0] {
		t.Errorf("annotations left on tasks %v, want %d and the other project's %d", left, pr.tasks[1], other.tasks[0])
	}
	var details json.RawMessage
	if err := s.Pool.QueryRow(ctx, `SELECT details FROM audit_log WHERE action = 'tasks.delete_annotations' AND project_id = $1`, pr.p.ID).Scan(&details); err != nil {
		t.Fatalf("no audit entry: %v", err)
	}
	var d struct {
		Tasks   int64   `json:"tasks"`
		TaskIDs []int64 `json:"task_ids"`
	}
	if json.Unmarshal(details, &d); d.Tasks != 2 || len(d.TaskIDs) != 3 {
		t.Errorf("audit details %s", details)
	}
	// A second run of a finished action changes nothing.
	if res, err := worker.Work(ctx, t, tx, BulkArgs{BulkID: b.ID, ProjectID: pr.p.ID}, nil); err != nil || res.EventKind != river.EventKindJobCompleted {
		t.Fatalf("second run: %v, %v", res.EventKind, err)
	}
	var audits int
	s.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'tasks.delete_annotations'`).Scan(&audits)
	if audits != 1 {
		t.Errorf("%d audit entries after a second run, want 1", audits)
	}
}
