package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"concord/internal/export"
	"concord/internal/format"
	"concord/internal/labeling"
	"concord/internal/store"
)

// The export scenario's full size: a million annotations, one per task; and
// an image project of 10,000 tasks beside others that hold 100,000 media rows.
const (
	exportAnnotations = 1_000_000
	exportImages      = 10_000
	otherMedia        = 100_000
)

const imageConfig = `<View><Image name="image" value="$image"/><Choices name="kind" toName="image">
<Choice value="cat"/><Choice value="dog"/></Choices></View>`

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

	copySecs, copyBytes, err := copyExport(ctx, e, p, n)
	if err != nil {
		return nil, err
	}
	copyMBs := float64(copyBytes) / 1e6 / copySecs

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
	img, err := benchExportImages(ctx, e, owner, scale)
	return append(figs, img...), err
}

// benchExportImages exports an image project (Label Studio JSON, each task
// with its file's facts from project_media and media) while other projects
// hold ten times as many media rows, beside COPY of the export query's rows.
func benchExportImages(ctx context.Context, e *env, owner store.User, scale float64) ([]figure, error) {
	n := max(int(exportImages*scale), 1000)
	others := 10 * n
	var p store.Project
	for _, c := range []struct {
		title string
		n     int
	}{{"other images", others}, {"exported images", n}} {
		var err error
		p, err = e.store.CreateProject(ctx, store.ProjectFields{Title: c.title, LabelConfig: imageConfig, MaximumAnnotations: 1, Sampling: "sequential"}, owner.ID)
		if err != nil {
			return nil, err
		}
		_, err = e.store.Pool.Exec(ctx, `
			WITH h AS (SELECT g, encode(sha256(($1 || g)::bytea), 'hex') AS hash FROM generate_series(1, $2) g),
			m AS (INSERT INTO media (hash, kind, mime, size, width, height) SELECT hash, 'image', 'image/jpeg', 40000, 640, 480 FROM h),
			pm AS (INSERT INTO project_media (project_id, hash, filename) SELECT $3, hash, 'img' || g || '.jpg' FROM h),
			t AS (INSERT INTO tasks (project_id, data, data_hash)
				SELECT $3, jsonb_build_object('image', '/media/' || hash), sha256(hash::bytea) FROM h RETURNING id, project_id)
			INSERT INTO annotations (task_id, project_id, completed_by, result, lead_time)
			SELECT id, project_id, $4, jsonb_build_array(jsonb_build_object('id', 'r' || id, 'from_name', 'kind',
				'to_name', 'image', 'type', 'choices', 'value', jsonb_build_object('choices',
				jsonb_build_array((ARRAY['cat', 'dog'])[1 + id % 2])))), 2.5 FROM t`, c.title, c.n, p.ID, owner.ID)
		if err != nil {
			return nil, err
		}
	}
	if _, err := e.store.Pool.Exec(ctx, "VACUUM (ANALYZE) media, project_media, tasks, annotations"); err != nil {
		return nil, err
	}
	fmt.Fprintf(e.log, "an image project of %d annotated tasks; other projects hold %d media rows\n", n, others)
	copySecs, _, err := copyExport(ctx, e, p, n)
	if err != nil {
		return nil, err
	}
	settle(ctx, e)
	var out counter
	t0 := time.Now()
	st, err := export.Project(ctx, e.store, nil, p, export.Spec{Format: format.JSON}, &out, "", nil)
	if err != nil {
		return nil, err
	}
	secs := time.Since(t0).Seconds()
	if st.Annotations != int64(n) {
		return nil, fmt.Errorf("images: exported %d annotations, want %d", st.Annotations, n)
	}
	fmt.Fprintf(e.log, "images as JSON: %d tasks in %.2fs (%.0f tasks/s)\n", n, secs, float64(n)/secs)
	name := fmt.Sprintf("export %d image tasks as JSON beside %d other media rows, rows", n, others)
	return []figure{{Scenario: "export", Name: name, Value: float64(n) / secs, Unit: "tasks/s",
		Baseline: float64(n) / copySecs, BaseName: "COPY of the same rows", Ratio: copySecs / secs}}, nil
}

// copyExport times PostgreSQL's own COPY (export query) TO STDOUT of the
// export of p, with its arguments inlined: the baseline. It checks the n rows.
func copyExport(ctx context.Context, e *env, p store.Project, n int) (secs float64, bytes int64, err error) {
	cfg, err := labeling.ParseConfig(p.LabelConfig)
	if err != nil {
		return 0, 0, err
	}
	sql, args, err := store.ExportQuerySQL(p.ID, export.Filter(export.Spec{Format: format.JSONL}, cfg))
	if err != nil {
		return 0, 0, err
	}
	for i := len(args); i >= 1; i-- {
		sql = strings.ReplaceAll(sql, fmt.Sprintf("$%d", i), literal(args[i-1]))
	}
	settle(ctx, e)
	conn, err := e.store.Pool.Acquire(ctx)
	if err != nil {
		return 0, 0, err
	}
	defer conn.Release()
	var raw counter
	t0 := time.Now()
	tag, err := conn.Conn().PgConn().CopyTo(ctx, &raw, "COPY ("+sql+") TO STDOUT")
	if err != nil {
		return 0, 0, fmt.Errorf("COPY: %w", err)
	}
	secs = time.Since(t0).Seconds()
	if tag.RowsAffected() != int64(n) {
		return 0, 0, fmt.Errorf("COPY wrote %d rows, want %d", tag.RowsAffected(), n)
	}
	fmt.Fprintf(e.log, "COPY: %.1f MB in %.2fs (%.0f MB/s)\n", float64(raw.n)/1e6, secs, float64(raw.n)/1e6/secs)
	return secs, raw.n, nil
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
