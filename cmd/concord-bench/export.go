package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"concord/internal/export"
	"concord/internal/format"
	"concord/internal/store"
)

// exportAnnotations is the export scenario's full size: one annotation per task.
const exportAnnotations = 1_000_000

// counter counts the bytes written through it and drops them.
type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// benchExport exports a project of a million annotated tasks as JSONL and as
// Label Studio JSON through export.Project (the API's code path: the store's
// cursor, internal/export, the format writers), beside PostgreSQL's own
// COPY (export query) TO STDOUT of the same rows in the same run.
func benchExport(ctx context.Context, e *env, scale float64) ([]figure, error) {
	n := max(int(exportAnnotations*scale), 1000)
	owner, err := e.store.CreateUser(ctx, "export-owner@localhost", "", "!", store.RoleManager)
	if err != nil {
		return nil, err
	}
	p, err := e.store.CreateProject(ctx, store.ProjectFields{Title: "export", LabelConfig: labelConfig, MaximumAnnotations: 1, Sampling: "sequential"}, owner.ID)
	if err != nil {
		return nil, err
	}
	if err := fillTasks(ctx, e.store, p.ID, n); err != nil {
		return nil, err
	}
	_, err = e.store.Pool.Exec(ctx, `
		INSERT INTO annotations (task_id, project_id, completed_by, result, lead_time)
		SELECT id, project_id, $2, jsonb_build_array(jsonb_build_object('id', 'r' || id, 'from_name', 'sentiment',
			'to_name', 'text', 'type', 'choices', 'value', jsonb_build_object('choices',
			jsonb_build_array((ARRAY['Positive', 'Negative', 'Neutral'])[1 + id % 3])))), 3.5
		FROM tasks WHERE project_id = $1`, p.ID, owner.ID)
	if err != nil {
		return nil, err
	}
	if _, err := e.store.Pool.Exec(ctx, "VACUUM (ANALYZE) tasks, annotations"); err != nil {
		return nil, err
	}
	fmt.Fprintf(e.log, "a project of %d tasks, one annotation each\n", n)

	// Baseline: COPY of the export query itself, arguments inlined.
	sql, args := store.ExportQuerySQL(p.ID, export.Filter(export.Spec{Format: format.JSONL}, nil))
	for i := len(args); i >= 1; i-- {
		sql = strings.ReplaceAll(sql, fmt.Sprintf("$%d", i), literal(args[i-1]))
	}
	settle(ctx, e)
	conn, err := e.store.Pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	var raw counter
	t0 := time.Now()
	tag, err := conn.Conn().PgConn().CopyTo(ctx, &raw, "COPY ("+sql+") TO STDOUT")
	conn.Release()
	if err != nil {
		return nil, fmt.Errorf("COPY: %w", err)
	}
	copySecs := time.Since(t0).Seconds()
	if tag.RowsAffected() != int64(n) {
		return nil, fmt.Errorf("COPY wrote %d rows, want %d", tag.RowsAffected(), n)
	}
	copyMBs := float64(raw.n) / 1e6 / copySecs
	fmt.Fprintf(e.log, "COPY: %.1f MB in %.1fs (%.0f MB/s)\n", float64(raw.n)/1e6, copySecs, copyMBs)

	var figs []figure
	for _, kind := range []format.Kind{format.JSONL, format.JSON} {
		p, err := e.store.ProjectByID(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		settle(ctx, e)
		peakRSS(true)
		var out counter
		t0 := time.Now()
		st, err := export.Project(ctx, e.store, nil, p, export.Spec{Format: kind}, &out, "", nil)
		if err != nil {
			return nil, err
		}
		secs := time.Since(t0).Seconds()
		rss := peakRSS(false)
		if st.Annotations != int64(n) {
			return nil, fmt.Errorf("%s: exported %d annotations, want %d", kind, st.Annotations, n)
		}
		mbs := float64(out.n) / 1e6 / secs
		fmt.Fprintf(e.log, "%s: %.1f MB in %.1fs (%.0f MB/s), peak RSS %.0f MiB\n", kind, float64(out.n)/1e6, secs, mbs, rss)
		name := fmt.Sprintf("export %d annotations as %s", n, kind)
		figs = append(figs,
			figure{Scenario: "export", Name: name, Value: mbs, Unit: "MB/s", Baseline: copyMBs, BaseName: "COPY (export query) TO STDOUT, MB/s", Ratio: mbs / copyMBs},
			figure{Scenario: "export", Name: name + ", rows", Value: float64(n) / secs, Unit: "tasks/s", Baseline: float64(n) / copySecs, BaseName: "COPY of the same rows", Ratio: copySecs / secs},
			figure{Scenario: "export", Name: name + ", peak RSS", Value: rss, Unit: "MiB"},
		)
	}
	return figs, nil
}

// literal writes an export query argument as SQL.
func literal(v any) string {
	switch v := v.(type) {
	case int64:
		return fmt.Sprint(v)
	case bool:
		return fmt.Sprint(v)
	case string:
		return "'" + strings.ReplaceAll(v, "'", "''") + "'"
	case []int64:
		return "'{}'::bigint[]"
	case *time.Time:
		return "NULL::timestamptz"
	}
	panic(fmt.Sprintf("literal %T", v))
}
