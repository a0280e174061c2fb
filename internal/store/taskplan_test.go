package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"concord/internal/store"
	"concord/internal/store/storetest"
)

// planNode is the part of EXPLAIN (FORMAT JSON) the plan test reads.
type planNode struct {
	Type     string     `json:"Node Type"`
	Relation string     `json:"Relation Name"`
	Index    string     `json:"Index Name"`
	Plans    []planNode `json:"Plans"`
}

func (n planNode) walk(fn func(planNode)) {
	fn(n)
	for _, c := range n.Plans {
		c.walk(fn)
	}
}

// TestTaskQueryPlans checks the shape of the task table's query plans, so
// that a lost or unusable index fails here rather than on a million tasks:
// with sequential scans priced out, no query may scan a whole table, every
// sort the table offers must come out of an index (no Sort node), and search
// must use its index. (Shapes, never timings.)
func TestTaskQueryPlans(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	mgr, _ := s.CreateUser(ctx, "m@x.org", "", "h", store.RoleManager)
	p, err := s.CreateProject(ctx, store.ProjectFields{Title: "P", LabelConfig: "<View/>", MaximumAnnotations: 1, Sampling: "sequential"}, mgr.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{
		`INSERT INTO tasks (project_id, data, data_hash) SELECT $1, jsonb_build_object('text', 'task number ' || g || ' ' || md5(g::text)), sha256(g::text::bytea)
		 FROM generate_series(1, 20000) g`,
		`INSERT INTO annotations (task_id, project_id, completed_by, result) SELECT id, project_id, ` + fmt.Sprint(mgr.ID) + `, '[]' FROM tasks WHERE id % 3 = 0`,
		`INSERT INTO predictions (task_id, project_id, model_version, score) SELECT id, project_id, 'v1', 0.5 FROM tasks WHERE id % 2 = 0`,
		`ANALYZE tasks, annotations, predictions`,
	} {
		if _, err := s.Pool.Exec(ctx, sql, pickArgs(sql, p.ID)...); err != nil {
			t.Fatal(err)
		}
	}
	f := func(col, op, typ, v string) []store.TaskFilter {
		return []store.TaskFilter{{Column: col, Operator: op, Type: typ, Value: json.RawMessage(v)}}
	}
	sorted := func(col string, desc bool) store.TaskOrder { return store.TaskOrder{Column: col, Desc: desc} }
	cases := []struct {
		name  string
		q     store.TaskQuery
		index string // an index the plan must use ("": any, as long as nothing scans a whole table)
		order bool   // the order must come from an index: no Sort node
		// bitmap prices out plain index scans too: on the test's small table an
		// id-order scan wins, on a large one the search index does.
		bitmap bool
	}{
		{"first page", store.TaskQuery{}, "", true, false},
		{"deep keyset page", store.TaskQuery{After: &store.Cursor{ID: 1000}}, "", true, false},
		{"sort by created", store.TaskQuery{Order: sorted("tasks:created_at", false)}, "tasks_created_idx", true, false},
		{"sort by updated desc", store.TaskQuery{Order: sorted("tasks:updated_at", true)}, "tasks_updated_idx", true, false},
		{"sort by annotations", store.TaskQuery{Order: sorted("tasks:total_annotations", false)}, "tasks_done_idx", true, false},
		{"sort by agreement desc", store.TaskQuery{Order: sorted("tasks:agreement", true)}, "tasks_agreement_idx", true, false},
		{"sort by prediction score", store.TaskQuery{Order: sorted("tasks:predictions_score", false)}, "tasks_score_idx", true, false},
		{"sort by review state", store.TaskQuery{Order: sorted("tasks:review_state", false)}, "tasks_reviewed_idx", true, false},
		{"deep keyset by agreement", store.TaskQuery{Order: sorted("tasks:agreement", false), After: &store.Cursor{Value: ptr("0.5"), ID: 10}}, "tasks_agreement_idx", true, false},
		{"agreement range sorted by agreement", store.TaskQuery{Order: sorted("tasks:agreement", false),
			Filters: f("tasks:agreement", "in", "Number", `{"min": 0.1, "max": 0.2}`)}, "tasks_agreement_idx", true, false},
		{"completed", store.TaskQuery{Filters: f("tasks:completed_at", "empty", "Datetime", `false`)}, "", true, false},
		{"not completed", store.TaskQuery{Filters: f("tasks:completed_at", "empty", "Datetime", `true`)}, "", true, false},
		{"annotator", store.TaskQuery{Filters: f("tasks:annotators", "contains", "List", fmt.Sprint(mgr.ID))}, "annotations_task_id_idx", true, false},
		// Set filters may be planned as a semi-join whose matches are sorted: only their index is checked.
		{"label", store.TaskQuery{Filters: f("tasks:annotations_labels", "contains", "List", `"x"`)}, "annotations_", false, false},
		{"ground truth", store.TaskQuery{Filters: f("tasks:ground_truth", "equal", "Boolean", `true`)}, "", true, false},
		{"skipped", store.TaskQuery{Filters: f("tasks:cancelled_annotations", "greater", "Number", `0`)}, "annotations_task_id_idx", true, false},
		{"prediction label", store.TaskQuery{Filters: f("tasks:predictions_labels", "contains", "List", `"x"`)}, "predictions_", false, false},
		{"model version", store.TaskQuery{Filters: f("tasks:predictions_model_versions", "contains", "List", `"v1"`)}, "", true, false},
		{"assignee", store.TaskQuery{Filters: f("tasks:assignees", "contains", "List", fmt.Sprint(mgr.ID))}, "task_assignments_", false, false},
		{"search", store.TaskQuery{Search: "zyxwvu"}, searchIndex, false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.q.ProjectID, c.q.Limit = p.ID, 50
			sql, args, err := c.q.SelectSQL()
			if err != nil {
				t.Fatal(err)
			}
			plan := explain(t, s, sql, args, c.bitmap)
			var indexes []string
			var shape []string
			plan.walk(func(n planNode) {
				shape = append(shape, strings.TrimSpace(n.Type+" "+n.Relation+" "+n.Index))
				if n.Index != "" {
					indexes = append(indexes, n.Index)
				}
				if n.Type == "Seq Scan" {
					t.Errorf("scans all of %s", n.Relation)
				}
				if c.order && (n.Type == "Sort" || n.Type == "Incremental Sort") {
					t.Errorf("sorts instead of reading an index in order")
				}
			})
			if c.index != "" && !strings.Contains(strings.Join(indexes, " "), c.index) {
				t.Errorf("does not use %s", c.index)
			}
			if t.Failed() {
				t.Logf("plan: %s", strings.Join(shape, " → "))
			}
		})
	}
}

// searchIndex is the index full-text search must use.
const searchIndex = "tasks_data_trgm_idx"

func ptr[T any](v T) *T { return &v }

func pickArgs(sql string, projectID int64) []any {
	if strings.Contains(sql, "$1") {
		return []any{projectID}
	}
	return nil
}

// explain plans sql with sequential scans priced out, as on a large project.
func explain(t *testing.T, s *store.Store, sql string, args []any, bitmap bool) planNode {
	t.Helper()
	ctx := context.Background()
	conn, err := s.Pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	if bitmap {
		if _, err := tx.Exec(ctx, `SET LOCAL enable_indexscan = off`); err != nil {
			t.Fatal(err)
		}
	}
	var out []struct {
		Plan planNode `json:"Plan"`
	}
	var raw []byte
	if err := tx.QueryRow(ctx, `EXPLAIN (FORMAT JSON) `+sql, args...).Scan(&raw); err != nil {
		t.Fatalf("explain: %v\n%s", err, sql)
	}
	if err := json.Unmarshal(raw, &out); err != nil || len(out) != 1 {
		t.Fatalf("explain output: %v: %s", err, raw)
	}
	return out[0].Plan
}
