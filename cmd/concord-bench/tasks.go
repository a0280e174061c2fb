package main

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"

	"concord/internal/job"
	"concord/internal/store"
)

// The task table scenario's full size.
const (
	tableTasks      = 1_000_000
	tableAnnotators = 20
	tableBulk       = 100_000
	tablePage       = 50 // rows per page of the task table
	tableRuns       = 20 // runs of each query; the figure is their p95
)

// benchTasks measures the task table's store calls (the data manager) on a
// project of a million SMS-text tasks, 60% annotated, 10% skipped, 80% with a
// prediction: first pages without and with each single filter, full-text
// search, sorts, deep keyset pages, filtered counts, and bulk assign and
// delete of 100,000 tasks.
func benchTasks(ctx context.Context, e *env, scale float64) ([]figure, error) {
	n := max(int(tableTasks*scale), 10_000)
	sms, _, err := readSMS(filepath.Join("..", "shared", "data", "text", "sms_spam.tsv"))
	if err != nil {
		return nil, fmt.Errorf("the SMS texts of ../shared/data are needed (run from the repository root): %w", err)
	}
	owner, err := e.store.CreateUser(ctx, "table-owner@localhost", "", "!", store.RoleManager)
	if err != nil {
		return nil, err
	}
	p, err := e.store.CreateProject(ctx, store.ProjectFields{Title: "task table", LabelConfig: labelConfig, MaximumAnnotations: 1, Sampling: "sequential"}, owner.ID)
	if err != nil {
		return nil, err
	}
	var users []int64
	for i := range tableAnnotators {
		u, err := e.store.CreateUser(ctx, fmt.Sprintf("table-annotator%d@localhost", i), "", "!", store.RoleAnnotator)
		if err != nil {
			return nil, err
		}
		if err := e.store.SetMember(ctx, p.ID, u.ID, store.RoleAnnotator); err != nil {
			return nil, err
		}
		users = append(users, u.ID)
	}
	t0 := time.Now()
	i := 0
	start := time.Now().Add(-time.Duration(n) * time.Second) // a task a second, so dates differ
	_, err = e.store.Pool.CopyFrom(ctx, pgx.Identifier{"tasks"}, []string{"project_id", "data", "data_hash", "created_at", "updated_at"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if i == n {
				return nil, nil
			}
			i++
			data, _ := json.Marshal(map[string]any{"text": fmt.Sprintf("%s #%d", sms[i%len(sms)].Text, i), "n": i % 100})
			h := sha256.Sum256(data)
			at := start.Add(time.Duration(i) * time.Second)
			return []any{p.ID, json.RawMessage(data), h[:], at, at}, nil
		}))
	if err != nil {
		return nil, err
	}
	// 60% annotated (one annotator each, ham or spam), 10% skipped, 2% of the
	// annotated are ground truth, 5% reviewed; 80% carry a prediction of one
	// of three model versions.
	setup := []string{
		`UPDATE projects SET task_count = (SELECT count(*) FROM tasks WHERE project_id = $1) WHERE id = $1`,
		`INSERT INTO annotations (task_id, project_id, completed_by, result, was_cancelled, ground_truth, review_state, lead_time)
		 SELECT id, project_id, ($2::bigint[])[1 + id % 20],
		   CASE WHEN id % 10 < 6 THEN jsonb_build_array(jsonb_build_object('from_name', 'sentiment', 'to_name', 'text', 'type', 'choices',
		     'value', jsonb_build_object('choices', jsonb_build_array((ARRAY['Positive', 'Negative'])[1 + id / 10 % 2])))) ELSE '[]' END,
		   id % 10 = 6, id % 50 = 0, CASE id % 40 WHEN 0 THEN 'accepted' WHEN 1 THEN 'rejected' ELSE '' END, 4.2
		 FROM tasks WHERE project_id = $1 AND id % 10 <= 6`,
		`UPDATE tasks SET done_count = 1, is_full = true, review_state = CASE id % 40 WHEN 0 THEN 'accepted' WHEN 1 THEN 'rejected' ELSE '' END,
		   agreement = CASE WHEN id % 10 < 3 THEN (id * 7919 % 1000) / 1000.0 END
		 WHERE project_id = $1 AND id % 10 < 6`,
		`INSERT INTO predictions (task_id, project_id, model_version, score, result)
		 SELECT id, project_id, 'v' || (id % 3), (id * 2654435761 % 1000) / 1000.0,
		   jsonb_build_array(jsonb_build_object('from_name', 'sentiment', 'to_name', 'text', 'type', 'choices',
		     'value', jsonb_build_object('choices', jsonb_build_array((ARRAY['Positive', 'Negative'])[1 + id / 7 % 2]))))
		 FROM tasks WHERE project_id = $1 AND id % 5 < 4`,
		`UPDATE tasks SET uncertainty = (id * 2654435761 % 1000) / 1000.0 WHERE project_id = $1 AND id % 5 < 4`,
	}
	for k, sql := range setup {
		args := []any{p.ID}
		if k == 1 {
			args = append(args, users)
		}
		if _, err := e.store.Pool.Exec(ctx, sql, args...); err != nil {
			return nil, fmt.Errorf("setup: %w", err)
		}
	}
	if _, err := e.store.Pool.Exec(ctx, "VACUUM (ANALYZE) tasks, annotations, predictions"); err != nil {
		return nil, err
	}
	fmt.Fprintf(e.log, "a project of %d tasks (60%% annotated, 10%% skipped, 80%% predicted) in %.0fs\n", n, time.Since(t0).Seconds())
	settle(ctx, e)

	var figs []figure
	lastName := fmt.Sprint(n - 7) // the suffix of one task's text: a rare search term
	var createdMid time.Time
	e.store.Pool.QueryRow(ctx, `SELECT created_at FROM tasks WHERE project_id = $1 ORDER BY id OFFSET $2 LIMIT 1`, p.ID, n/2).Scan(&createdMid)
	f := func(col, op, typ string, v any) []store.TaskFilter {
		b, _ := json.Marshal(v)
		return []store.TaskFilter{{Column: col, Operator: op, Type: typ, Value: b}}
	}
	queries := []struct {
		name string
		q    store.TaskQuery
	}{
		{"no filter", store.TaskQuery{}},
		{"not annotated", store.TaskQuery{Filters: f("tasks:total_annotations", "equal", "Number", 0)}},
		{"completed", store.TaskQuery{Filters: f("tasks:completed_at", "empty", "Datetime", false)}},
		{"skipped", store.TaskQuery{Filters: f("tasks:cancelled_annotations", "greater", "Number", 0)}},
		{"annotator", store.TaskQuery{Filters: f("tasks:annotators", "contains", "List", users[3])}},
		{"label", store.TaskQuery{Filters: f("tasks:annotations_labels", "contains", "List", "Negative")}},
		{"prediction label", store.TaskQuery{Filters: f("tasks:predictions_labels", "contains", "List", "Negative")}},
		{"prediction score 0.40-0.41", store.TaskQuery{Filters: f("tasks:predictions_score", "in", "Number", map[string]float64{"min": 0.4, "max": 0.41})}},
		{"model version", store.TaskQuery{Filters: f("tasks:predictions_model_versions", "contains", "List", "v1")}},
		{"agreement 0.99-1", store.TaskQuery{Filters: f("tasks:agreement", "in", "Number", map[string]float64{"min": 0.99, "max": 1})}},
		{"review rejected", store.TaskQuery{Filters: f("tasks:review_state", "equal", "String", "rejected")}},
		{"ground truth", store.TaskQuery{Filters: f("tasks:ground_truth", "equal", "Boolean", true)}},
		{"created after the middle", store.TaskQuery{Filters: f("tasks:created_at", "greater", "Datetime", createdMid)}},
		{"data field contains", store.TaskQuery{Filters: f("tasks:data.text", "contains", "String", "prize")}},
		{"search common word", store.TaskQuery{Search: "call"}},
		{"search rare word", store.TaskQuery{Search: "#" + lastName}},
		{"search absent word", store.TaskQuery{Search: "zyxwvutq"}},
		{"sort by agreement desc", store.TaskQuery{Order: store.TaskOrder{Column: "tasks:agreement", Desc: true}}},
		{"sort by prediction score", store.TaskQuery{Order: store.TaskOrder{Column: "tasks:predictions_score"}}},
		{"sort by updated", store.TaskQuery{Order: store.TaskOrder{Column: "tasks:updated_at", Desc: true}}},
		{"sort by annotations", store.TaskQuery{Order: store.TaskOrder{Column: "tasks:total_annotations"}}},
	}
	for _, qc := range queries {
		q := qc.q
		q.ProjectID, q.Limit = p.ID, tablePage
		lat, rows, err := timeFind(ctx, e.store, q)
		if refused(err) {
			fmt.Fprintf(e.log, "first page, %s: refused: %v\n", qc.name, err)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", qc.name, err)
		}
		figs = append(figs, figure{Scenario: "tasks", Name: fmt.Sprintf("first page, %s (%d rows), %d tasks, p95", qc.name, rows, n), Value: lat, Unit: "ms"})
		fmt.Fprintf(e.log, "first page, %s: p95 %.1f ms, %d rows\n", qc.name, lat, rows)

		// Half-way through the result by keyset: fetch a cursor there, then time the page after it.
		if deep, ok := deepCursor(ctx, e.store, q); ok {
			q.After = &deep
			switch lat, rows, err := timeFind(ctx, e.store, q); {
			case refused(err):
				fmt.Fprintf(e.log, "deep keyset page, %s: refused: %v\n", qc.name, err)
			case err != nil:
				return nil, fmt.Errorf("%s, deep page: %w", qc.name, err)
			default:
				figs = append(figs, figure{Scenario: "tasks", Name: fmt.Sprintf("deep keyset page, %s (%d rows), p95", qc.name, rows), Value: lat, Unit: "ms"})
				fmt.Fprintf(e.log, "deep keyset page, %s: p95 %.1f ms\n", qc.name, lat)
			}
			q.After = nil
		}
		t0 := time.Now()
		c, err := e.store.CountTasks(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("%s, count: %w", qc.name, err)
		}
		ms := float64(time.Since(t0).Microseconds()) / 1000
		figs = append(figs, figure{Scenario: "tasks", Name: fmt.Sprintf("count, %s (%s)", qc.name, c), Value: ms, Unit: "ms"})
		fmt.Fprintf(e.log, "count, %s: %s in %.0f ms\n", qc.name, c, ms)
	}

	// Bulk assign, then delete, "all matching" the first tableBulk tasks by
	// id, as the table's job runs them (job.RunBulk: batches, progress, audit).
	bulk := max(int(tableBulk*scale), 1000)
	var last int64
	e.store.Pool.QueryRow(ctx, `SELECT id FROM tasks WHERE project_id = $1 ORDER BY id OFFSET $2 LIMIT 1`, p.ID, bulk-1).Scan(&last)
	sel := store.TaskQuery{ProjectID: p.ID, Filters: f("tasks:id", "less_or_equal", "Number", last)}
	params, _ := json.Marshal(job.BulkParams{Users: users[:2]})
	for _, action := range []string{"assign", "delete"} {
		b, err := e.store.CreateBulkAction(ctx, store.BulkAction{ProjectID: p.ID, CreatedBy: &owner.ID, Actor: owner.Email, Action: action,
			Query: json.RawMessage(sel.DMQuery()), Params: params, Total: int64(bulk)})
		if err != nil {
			return nil, err
		}
		settle(ctx, e)
		peakRSS(true)
		t0 := time.Now()
		done, err := job.RunBulk(ctx, e.store, b)
		if err != nil {
			return nil, fmt.Errorf("bulk %s: %w", action, err)
		}
		secs := time.Since(t0).Seconds()
		rss := peakRSS(false)
		if done != int64(bulk) {
			return nil, fmt.Errorf("bulk %s changed %d tasks, want %d", action, done, bulk)
		}
		fmt.Fprintf(e.log, "bulk %s of %d tasks: %.1fs (%.0f tasks/s), peak RSS %.0f MiB\n", action, bulk, secs, float64(bulk)/secs, rss)
		figs = append(figs,
			figure{Scenario: "tasks", Name: fmt.Sprintf("bulk %s of %d tasks", action, bulk), Value: float64(bulk) / secs, Unit: "tasks/s"},
			figure{Scenario: "tasks", Name: fmt.Sprintf("bulk %s of %d tasks, peak RSS", action, bulk), Value: rss, Unit: "MiB"})
	}
	return figs, nil
}

// refused reports whether the store refused a query as too slow for its timeout
// (the answer the table gives then): a figure of the run, not its failure.
func refused(err error) bool {
	var qe *store.QueryError
	return errors.As(err, &qe)
}

// timeFind runs q tableRuns times and returns the p95 latency in ms and the rows of a page.
func timeFind(ctx context.Context, st *store.Store, q store.TaskQuery) (float64, int, error) {
	var lat []float64
	var rows int
	for range tableRuns {
		t0 := time.Now()
		rs, err := st.FindTasks(ctx, q)
		if err != nil {
			return 0, 0, err
		}
		lat = append(lat, float64(time.Since(t0).Microseconds())/1000)
		rows = len(rs)
	}
	return pct(lat, 95), rows, nil
}

// deepCursor is a keyset cursor half-way through q's result (setup, not measured).
func deepCursor(ctx context.Context, st *store.Store, q store.TaskQuery) (store.Cursor, bool) {
	c, err := st.CountTasks(ctx, q)
	if err != nil || !c.Exact || c.N < 2*tablePage {
		return store.Cursor{}, false
	}
	q.Offset, q.Limit = int(c.N/2), 1
	rs, err := st.FindTasks(ctx, q)
	if err != nil || len(rs) == 0 {
		return store.Cursor{}, false
	}
	return rs[0].Cursor(), true
}
