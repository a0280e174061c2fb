package app_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"concord/internal/app"
	"concord/internal/export"
	"concord/internal/format"
	"concord/internal/ingest"
	"concord/internal/job"
	"concord/internal/labeling"
	"concord/internal/store"
	"concord/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// fixture is a project of config on a fresh database, its manager, and an
// insert-only River client.
func fixture(t *testing.T, config string) (*store.Store, *job.Client, store.User, store.Project) {
	t.Helper()
	ctx := context.Background()
	s := storetest.New(t)
	jobs, err := job.NewClient(s.Pool, s, &ingest.Importer{Store: s}, job.Options{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	mgr, err := s.CreateUser(ctx, "m@x.org", "", "h", store.RoleManager)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.CreateProject(ctx, store.ProjectFields{Title: "p", LabelConfig: config, MaximumAnnotations: 1, Sampling: "sequential"}, mgr.ID)
	if err != nil {
		t.Fatal(err)
	}
	return s, jobs, mgr, p
}

func jobsOfKind(t *testing.T, s *store.Store, kind string) int {
	t.Helper()
	var n int
	if err := s.Pool.QueryRow(context.Background(), `SELECT count(*) FROM river_job WHERE kind = $1`, kind).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestTrain: a project the in-house model learns gets a training job; one it
// cannot learn (boxes) is refused as Invalid, saying why, and gets none.
func TestTrain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, c := range []struct {
		preset string
		ok     bool
	}{{"sentiment", true}, {"object-boxes", false}} {
		pr, _ := labeling.PresetByName(c.preset)
		s, jobs, _, p := fixture(t, pr.Config)
		err := app.Train(ctx, s, jobs, p)
		ae, refused := app.As(err)
		switch {
		case c.ok && (err != nil || jobsOfKind(t, s, "train") != 1):
			t.Errorf("%s: Train = %v with %d jobs, want one training", c.preset, err, jobsOfKind(t, s, "train"))
		case !c.ok && (!refused || ae.Kind != app.Invalid || jobsOfKind(t, s, "train") != 0):
			t.Errorf("%s: Train = %v, want Invalid and no job", c.preset, err)
		}
	}
}

// TestQueueExport: a user's background exports are capped (Busy, with a
// Retry-After), each queued one has its job and its audit line.
func TestQueueExport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, jobs, mgr, p := fixture(t, `<View><Text name="text" value="$text"/><Choices name="c" toName="text"><Choice value="a"/></Choices></View>`)
	x := &app.Exports{Store: s, DataDir: t.TempDir(), BaseURL: "https://concord.example"}
	spec := export.Spec{Format: format.JSON}
	for i := range app.QueuedExportsPerUser {
		if _, err := x.Queue(ctx, jobs, mgr, p, spec, "api"); err != nil {
			t.Fatalf("export %d: %v", i, err)
		}
	}
	_, err := x.Queue(ctx, jobs, mgr, p, spec, "page")
	if ae, ok := app.As(err); !ok || ae.Kind != app.Busy || ae.RetryAfter != app.ExportRetryAfter {
		t.Fatalf("export past the cap: %v, want Busy with a Retry-After", err)
	}
	if n := jobsOfKind(t, s, "export"); n != app.QueuedExportsPerUser {
		t.Errorf("%d export jobs, want %d", n, app.QueuedExportsPerUser)
	}
	var audited int
	s.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = $1 AND project_id = $2`, store.AuditExportQueued, p.ID).Scan(&audited)
	if audited != app.QueuedExportsPerUser {
		t.Errorf("%d audit lines, want %d", audited, app.QueuedExportsPerUser)
	}
}
