package store_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"concord/internal/store"
	"concord/internal/store/storetest"
)

// TestExportTasks checks the export cursor's filters, its id order and the
// aggregated annotations and predictions, and the audit log.
func TestExportTasks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	ann, _ := s.CreateUser(ctx, "ann@x.org", "", "h", store.RoleAnnotator)
	bob, _ := s.CreateUser(ctx, "bob@x.org", "", "h", store.RoleAnnotator)
	p, err := s.CreateProject(ctx, store.ProjectFields{Title: "p", LabelConfig: "<View/>", MaximumAnnotations: 2, Sampling: "sequential"}, ann.ID)
	if err != nil {
		t.Fatal(err)
	}
	choice := func(v string) json.RawMessage {
		return json.RawMessage(`[{"id":"r","from_name":"c","to_name":"text","type":"choices","value":{"choices":["` + v + `"]}}]`)
	}
	var tasks []int64
	for i, text := range []string{"one", "two", "three"} {
		task, err := s.CreateTask(ctx, p.ID, map[string]any{"text": text})
		if err != nil {
			t.Fatal(err)
		}
		tasks = append(tasks, task.ID)
		if i == 2 {
			continue // unlabeled
		}
		for _, u := range []store.User{ann, bob} {
			label := "pos"
			if u.ID == bob.ID && i == 1 {
				label = "neg"
			}
			if _, _, err := s.Submit(ctx, store.Submission{TaskID: task.ID, UserID: u.ID, Result: choice(label)}, 2); err != nil {
				t.Fatal(err)
			}
		}
	}
	s.Pool.Exec(ctx, `UPDATE annotations SET ground_truth = true WHERE task_id = $1 AND completed_by = $2`, tasks[0], bob.ID)
	s.Pool.Exec(ctx, `UPDATE annotations SET review_state = 'accepted' WHERE task_id = $1 AND completed_by = $2`, tasks[1], bob.ID)
	s.Pool.Exec(ctx, `UPDATE annotations SET created_at = '2020-01-01' WHERE task_id = $1`, tasks[1])
	s.Pool.Exec(ctx, `INSERT INTO predictions (task_id, project_id, model_version, score, result) VALUES ($1, $2, 'v1', 0.5, '[]')`, tasks[2], p.ID)

	type got struct {
		id   int64
		anns int
	}
	read := func(f store.ExportFilter) []got {
		t.Helper()
		var out []got
		err := s.ExportTasks(ctx, p.ID, f, func(et store.ExportTask) error {
			var anns []map[string]any
			if err := json.Unmarshal(et.Annotations, &anns); err != nil {
				t.Fatalf("annotations %s: %v", et.Annotations, err)
			}
			var data map[string]any
			if err := json.Unmarshal(et.Data, &data); err != nil {
				t.Fatalf("data %q: %v", et.Data, err)
			}
			if f.Predictions && et.ID == tasks[2] && !json.Valid(et.Predictions) || len(et.Predictions) < 10 && f.Predictions && et.ID == tasks[2] {
				t.Errorf("predictions of task 3: %s", et.Predictions)
			}
			out = append(out, got{et.ID, len(anns)})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		n, err := s.CountExportTasks(ctx, p.ID, f)
		if err != nil || n != int64(len(out)) {
			t.Errorf("count = %d, %v; the cursor gave %d", n, err, len(out))
		}
		return out
	}
	since := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		f    store.ExportFilter
		want []got
	}{
		{"labeled tasks", store.ExportFilter{}, []got{{tasks[0], 2}, {tasks[1], 2}}},
		{"all tasks", store.ExportFilter{AllTasks: true, Predictions: true}, []got{{tasks[0], 2}, {tasks[1], 2}, {tasks[2], 0}}},
		{"annotator", store.ExportFilter{Annotators: []int64{bob.ID}}, []got{{tasks[0], 1}, {tasks[1], 1}}},
		{"label", store.ExportFilter{Label: "neg"}, []got{{tasks[1], 1}}},
		{"ground truth", store.ExportFilter{GroundTruthOnly: true}, []got{{tasks[0], 1}}},
		{"accepted", store.ExportFilter{ReviewState: "accepted"}, []got{{tasks[1], 1}}},
		{"unreviewed", store.ExportFilter{ReviewState: "unreviewed"}, []got{{tasks[0], 2}, {tasks[1], 1}}},
		{"from", store.ExportFilter{From: &since}, []got{{tasks[0], 2}}},
		{"to", store.ExportFilter{To: &since}, []got{{tasks[1], 2}}},
		{"reviewed tasks", store.ExportFilter{AllTasks: true, Tasks: store.SnapshotTasks{Reviewed: store.TasksOnly}}, []got{{tasks[1], 2}}},
		{"tasks without annotations", store.ExportFilter{AllTasks: true, Tasks: store.SnapshotTasks{Annotated: store.TasksExclude}}, []got{{tasks[2], 0}}},
		{"annotated, unreviewed tasks", store.ExportFilter{Tasks: store.SnapshotTasks{Annotated: store.TasksOnly, Reviewed: store.TasksExclude, Skipped: store.TasksExclude}}, []got{{tasks[0], 2}}},
	} {
		if g := read(c.f); !slices.Equal(g, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, g, c.want)
		}
	}

	if err := s.Audit(ctx, ann.ID, ann.Email, store.AuditExport, p.ID, map[string]any{"format": "JSON"}); err != nil {
		t.Fatal(err)
	}
	log, err := s.AuditLog(ctx, store.AuditQuery{Limit: 10})
	if err != nil || len(log) != 1 || log[0].Action != store.AuditExport || *log[0].ProjectID != p.ID {
		t.Fatalf("audit log = %+v, %v", log, err)
	}
}
