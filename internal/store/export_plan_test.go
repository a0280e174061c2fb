package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"concord/internal/store"
	"concord/internal/store/storetest"
)

// TestExportPlanReadsOnlyItsMedia checks the export query's shape where other
// projects hold many media rows: media and project_media are only reached by
// index look-ups (never a sequential scan, a bitmap scan or a hash of either
// table), so an export never reads other projects' media. The rows are checked
// too: each task gets its own file's facts.
func TestExportPlanReadsOnlyItsMedia(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	u, _ := s.CreateUser(ctx, "m@x.org", "", "h", store.RoleManager)
	mk := func(title string, n int) store.Project {
		p, err := s.CreateProject(ctx, store.ProjectFields{Title: title, LabelConfig: "<View/>", MaximumAnnotations: 1, Sampling: "sequential"}, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Pool.Exec(ctx, `
			WITH h AS (SELECT g, encode(sha256(($1 || g)::bytea), 'hex') AS hash FROM generate_series(1, $2) g),
			m AS (INSERT INTO media (hash, kind, mime, size, width, height) SELECT hash, 'image', 'image/png', 1, g, g + 1 FROM h),
			pm AS (INSERT INTO project_media (project_id, hash, filename) SELECT $3, hash, g || '.png' FROM h)
			INSERT INTO tasks (project_id, data, data_hash)
			SELECT $3, jsonb_build_object('image', '/media/' || hash), sha256(hash::bytea) FROM h`, title, n, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	mk("other", 30_000)
	p := mk("exported", 200)
	if _, err := s.Pool.Exec(ctx, "VACUUM (ANALYZE) media, project_media, tasks"); err != nil {
		t.Fatal(err)
	}
	f := store.ExportFilter{AllTasks: true, Media: true}
	sql, args, err := store.ExportQuerySQL(p.ID, f)
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"force_generic_plan", "force_custom_plan"} {
		var plan []byte
		err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, "SET LOCAL plan_cache_mode = "+mode); err != nil {
				return err
			}
			return tx.QueryRow(ctx, "EXPLAIN (FORMAT JSON) "+sql, args...).Scan(&plan)
		})
		if err != nil {
			t.Fatal(err)
		}
		checkExportPlan(t, mode, plan)
	}
	n := 0
	err = s.ExportTasks(ctx, p.ID, f, func(et store.ExportTask) error {
		var data struct{ Image string }
		var media map[string]struct{ Filename string }
		json.Unmarshal(et.Data, &data)
		if err := json.Unmarshal(et.Media, &media); err != nil || len(media) != 1 || media[data.Image[len("/media/"):]].Filename == "" {
			t.Errorf("task %d: media %s for %s", et.ID, et.Media, data.Image)
		}
		n++
		return nil
	})
	if err != nil || n != 200 {
		t.Fatalf("exported %d tasks, %v", n, err)
	}
}

// checkExportPlan fails t unless plan reaches media and project_media by hash look-ups only.
func checkExportPlan(t *testing.T, mode string, plan []byte) {
	t.Helper()
	var doc any
	json.Unmarshal(plan, &doc)
	var scans []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if rel := v["Relation Name"]; rel == "media" || rel == "project_media" {
				scans = append(scans, fmt.Sprint(v["Node Type"], " on ", rel))
				cond := fmt.Sprint(v["Index Cond"])
				if nt := v["Node Type"]; (nt != "Index Scan" && nt != "Index Only Scan") || !strings.Contains(cond, "hash") {
					t.Errorf("%s: %s on %s (%s): want look-ups by hash only", mode, nt, rel, cond)
				}
			}
			if v["Node Type"] == "Hash" {
				t.Errorf("%s: the export builds a hash: %v", mode, v)
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
	walk(doc)
	if len(scans) == 0 {
		t.Fatalf("%s: the plan reads no media: %s", mode, plan)
	}
}
