package job

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"concord/internal/export"
	"concord/internal/live"
	"concord/internal/media"
	"concord/internal/store"
)

// ExportArgs asks for a queued export to run.
type ExportArgs struct {
	ExportID  int64  `json:"export_id"`
	ProjectID int64  `json:"project_id"`
	BaseURL   string `json:"base_url,omitempty"`
}

// Kind names the job.
func (ExportArgs) Kind() string { return "export" }

// InsertOpts makes the job unique per export and retries it a few times.
func (ExportArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// ExportWorker writes queued exports to their files, with progress.
type ExportWorker struct {
	river.WorkerDefaults[ExportArgs]
	store *store.Store
	blobs media.Blobs
}

// Timeout lets a large export run as long as it needs (see guard.go).
func (w *ExportWorker) Timeout(*river.Job[ExportArgs]) time.Duration { return -1 }

// Work runs the export into a temporary file next to its final name and
// renames it into place when complete, so a download never sees half a file.
func (w *ExportWorker) Work(ctx context.Context, j *river.Job[ExportArgs]) error {
	release, err := guard(ctx, w.store, j.ID)
	if err != nil {
		return err
	}
	defer release()
	e, err := w.store.ExportByID(ctx, j.Args.ProjectID, j.Args.ExportID)
	if err != nil {
		return err
	}
	if e.Status != store.ExportQueued && e.Status != store.ExportRunning {
		return nil // finished by an earlier attempt that was not acknowledged
	}
	var spec export.Spec
	if err := json.Unmarshal(e.Options, &spec); err != nil {
		return fmt.Errorf("export %d: options: %w", e.ID, err)
	}
	p, err := w.store.ProjectByID(ctx, e.ProjectID)
	if err != nil {
		return err
	}
	total, err := export.Count(ctx, w.store, p, spec)
	if err != nil {
		return err
	}
	if err := w.store.StartExport(ctx, e.ID, total); err != nil {
		return err
	}
	notify := func(typ string, data map[string]any) {
		b, _ := json.Marshal(data)
		live.Notify(context.WithoutCancel(ctx), w.store.Pool, live.Event{Project: e.ProjectID, Type: typ, ID: e.ID, Data: b})
	}
	var last time.Time
	progress := func(done int64) {
		if time.Since(last) < 500*time.Millisecond {
			return
		}
		last = time.Now()
		w.store.ExportProgress(context.WithoutCancel(ctx), e.ID, done)
		notify(live.TypeExportProgress, map[string]any{"done": done, "total": total})
	}
	stats, size, err := export.ToFile(ctx, w.store, w.blobs, p, spec, e.FilePath, j.Args.BaseURL, progress)
	if err != nil {
		if ctx.Err() != nil {
			return err // shutting down: River retries
		}
		w.store.FinishExport(context.WithoutCancel(ctx), e.ID, 0, 0, 0, err.Error())
		notify(live.TypeExportFinished, map[string]any{"error": err.Error()})
		return nil
	}
	// The export's record and its webhook event commit together: a worker
	// killed in between leaves the export to be redone, never done without its event.
	err = w.store.Transact(ctx, func(tx *store.Store) error {
		if err := tx.FinishExport(ctx, e.ID, stats.Tasks, size, export.Keep, ""); err != nil {
			return err
		}
		return Notify(ctx, river.ClientFromContext[pgx.Tx](ctx), tx, e.ProjectID, EventExportFinished, map[string]any{"export": e.ID, "tasks": stats.Tasks, "size": size})
	})
	if err != nil {
		return err
	}
	notify(live.TypeExportFinished, map[string]any{"done": stats.Tasks, "size": size})
	return nil
}
