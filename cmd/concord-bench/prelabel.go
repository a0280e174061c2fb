package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"time"

	"concord/internal/app"
	"concord/internal/ingest"
	"concord/internal/job"
	"concord/internal/media"
	"concord/internal/store"
)

// prelabelTasks is the pre-labeling scenario's full size.
const prelabelTasks = 1_000_000

// benchPrelabel measures the in-house model end to end on a project of a
// million text tasks: 2,000 labeled tasks train a version (the training job),
// which then predicts every unlabeled task (read, predict, write predictions).
func benchPrelabel(ctx context.Context, e *env, scale float64) ([]figure, error) {
	n := max(int(prelabelTasks*scale), 5000)
	owner, err := e.store.CreateUser(ctx, "prelabel@localhost", "", "!", store.RoleAnnotator)
	if err != nil {
		return nil, err
	}
	p, err := e.store.CreateProject(ctx, store.ProjectFields{Title: "prelabel", LabelConfig: labelConfig, MaximumAnnotations: 1, Sampling: "sequential", RetrainEvery: 100000}, owner.ID)
	if err != nil {
		return nil, err
	}
	if err := fillTasks(ctx, e.store, p.ID, n); err != nil {
		return nil, err
	}
	// 2,000 labels: odd tasks Positive, even Negative (the benchmark times the work, not the quality).
	if _, err := e.store.Pool.Exec(ctx, `
		INSERT INTO annotations (task_id, project_id, completed_by, result)
		SELECT id, project_id, $2, jsonb_build_array(jsonb_build_object('from_name', 'sentiment', 'to_name', 'text', 'type', 'choices',
			'value', jsonb_build_object('choices', jsonb_build_array(CASE WHEN id % 2 = 1 THEN 'Positive' ELSE 'Negative' END))))
		FROM tasks WHERE project_id = $1 ORDER BY id LIMIT 2000`, p.ID, owner.ID); err != nil {
		return nil, err
	}
	e.store.Pool.Exec(ctx, `UPDATE tasks SET done_count = 1, is_full = true WHERE id IN (SELECT task_id FROM annotations WHERE project_id = $1)`, p.ID)
	if _, err := e.store.Pool.Exec(ctx, "VACUUM (ANALYZE) tasks"); err != nil {
		return nil, err
	}
	settle(ctx, e)

	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	blobs, err := media.NewDiskStore(filepath.Join(e.dir, "media"))
	if err != nil {
		return nil, err
	}
	im := &ingest.Importer{Store: e.store, Blobs: blobs}
	jobs, err := job.NewClient(e.store.Pool, e.store, im, job.Options{Work: true, Imports: &app.Imports{Store: e.store, Ingest: im}}, log)
	if err != nil {
		return nil, err
	}
	if err := jobs.Start(ctx); err != nil {
		return nil, err
	}
	defer jobs.Stop(context.Background())
	t0 := time.Now()
	if _, err := jobs.Insert(ctx, job.TrainArgs{ProjectID: p.ID}, nil); err != nil {
		return nil, err
	}
	var trained time.Time
	var v store.ModelVersion
	for deadline := time.Now().Add(10 * time.Minute); ; time.Sleep(100 * time.Millisecond) {
		vs, err := e.store.ModelVersions(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		if len(vs) > 0 {
			v, trained = vs[0], time.Now()
			break
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("no model version after 10 minutes")
		}
	}
	want := int64(n - 2000)
	var got int64
	for deadline := time.Now().Add(30 * time.Minute); got < want; time.Sleep(500 * time.Millisecond) {
		if err := e.store.Pool.QueryRow(ctx, `SELECT count(*) FROM predictions WHERE project_id = $1`, p.ID).Scan(&got); err != nil {
			return nil, err
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%d of %d tasks pre-labeled after 30 minutes", got, want)
		}
	}
	done := time.Since(trained).Seconds()
	fmt.Fprintf(e.log, "trained %s on %d labels in %.1fs (job %.1fs); pre-labeled %d tasks in %.1fs\n", v.Name(), v.TrainedOn, v.TrainSeconds, trained.Sub(t0).Seconds(), got, done)
	return []figure{
		{Scenario: "prelabel", Name: "training job, 2,000 labeled texts (queue to stored version)", Value: trained.Sub(t0).Seconds(), Unit: "s"},
		{Scenario: "prelabel", Name: fmt.Sprintf("pre-label %d unlabeled text tasks (read, predict, write)", want), Value: float64(got) / done, Unit: "tasks/s"},
		{Scenario: "prelabel", Name: "pre-label, total time", Value: done, Unit: "s"},
	}, nil
}
