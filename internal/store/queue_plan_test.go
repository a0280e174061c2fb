package store_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"concord/internal/store"
	"concord/internal/store/storetest"
)

// TestNextTaskPlan checks that choosing an open task is a range scan of the
// partial index of open tasks, never of every task of the project, both on a
// fresh project and after most of its tasks are full, with generic and custom
// plans, beside another project of the same size. Plans, not timings: the
// index the plan names is the assertion.
func TestNextTaskPlan(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	u, _ := s.CreateUser(ctx, "ann@x.org", "", "h", store.RoleAnnotator)
	const n = 100_000
	var projects []store.Project
	for _, title := range []string{"other", "queue"} {
		p, err := s.CreateProject(ctx, store.ProjectFields{Title: title, LabelConfig: "<View/>", MaximumAnnotations: 1, Sampling: "sequential"}, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Pool.Exec(ctx, `INSERT INTO tasks (project_id, data, data_hash)
			SELECT $1, jsonb_build_object('text', 't' || g), sha256(('t' || g)::bytea) FROM generate_series(1, $2) g`, p.ID, n); err != nil {
			t.Fatal(err)
		}
		projects = append(projects, p)
	}
	p := projects[1]
	// explain names the indexes (or "seq scan") through which sql reads tasks.
	explain := func(planMode, sql string, args ...any) string {
		var plan []byte
		err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, "SET LOCAL plan_cache_mode = "+planMode); err != nil {
				return err
			}
			return tx.QueryRow(ctx, "EXPLAIN (FORMAT JSON) "+sql, args...).Scan(&plan)
		})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		var walk func(v any)
		walk = func(v any) {
			switch v := v.(type) {
			case map[string]any:
				// The pick's look-up of a candidate's row version in the
				// snapshot (alias f, by primary key) reads one row per candidate.
				if v["Relation Name"] == "tasks" && !(v["Alias"] == "f" && v["Index Name"] == "tasks_pkey") {
					if name, ok := v["Index Name"].(string); ok {
						names = append(names, name)
					} else {
						names = append(names, v["Node Type"].(string))
					}
				}
				for _, c := range v {
					walk(c)
				}
			case []any:
				for _, c := range v {
					walk(c)
				}
			}
		}
		var doc any
		json.Unmarshal(plan, &doc)
		walk(doc)
		return strings.Join(names, ",")
	}
	check := func(state string) {
		for _, c := range []struct {
			what, sql, index string
			args             []any
		}{
			{"sequential", store.PickSQL("sequential"), "tasks_open_idx", []any{p.ID, u.ID, 1, []int64{}}},
			{"random", store.PickSQL("random"), "tasks_open_idx", []any{p.ID, u.ID, 1, []int64{}}},
			{"random's range", store.OpenRangeSQL, "tasks_open_idx", []any{p.ID}},
			{"uncertainty", store.PickSQL("uncertainty"), "tasks_uncertain_idx", []any{p.ID, u.ID, 1, []int64{}}},
		} {
			for _, mode := range []string{"force_generic_plan", "force_custom_plan"} {
				got := explain(mode, c.sql, c.args...)
				for _, name := range strings.Split(got, ",") {
					if name != c.index {
						t.Errorf("%s, %s, %s: the plan reads tasks through %q, want %s only", state, c.what, mode, got, c.index)
						break
					}
				}
			}
		}
	}
	if _, err := s.Pool.Exec(ctx, "VACUUM (ANALYZE) tasks"); err != nil {
		t.Fatal(err)
	}
	check("fresh")
	// Most tasks labeled: full, and the statistics know it.
	if _, err := s.Pool.Exec(ctx, `UPDATE tasks SET done_count = 1, is_full = true WHERE project_id = $1 AND id % 10 <> 0`, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pool.Exec(ctx, "VACUUM (ANALYZE) tasks"); err != nil {
		t.Fatal(err)
	}
	check("90% full")
}
