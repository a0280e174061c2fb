package job

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"concord/internal/export"
	"concord/internal/labeling"
	"concord/internal/live"
	"concord/internal/media"
	"concord/internal/store"
)

// KeepExports is how long a background export's file is kept for download;
// the prune job deletes it after.
const KeepExports = 24 * time.Hour

// ExportFilter is the store's filter for what spec asks for.
func ExportFilter(spec export.Spec, cfg *labeling.Config) store.ExportFilter {
	f := store.ExportFilter{From: spec.From, To: spec.To, Annotators: spec.Annotators, Label: spec.Label,
		GroundTruthOnly: spec.GroundTruth, ReviewState: spec.ReviewState, Skipped: spec.Skipped, AllTasks: spec.AllTasks, Predictions: spec.Predictions,
		Tasks: store.SnapshotTasks{Annotated: spec.TasksAnnotated, Skipped: spec.TasksSkipped, Finished: spec.TasksFinished, Reviewed: spec.TasksReviewed}}
	if cfg != nil {
		for _, o := range cfg.Objects {
			f.Media = f.Media || o.Type == labeling.ObjectImage || o.Type == labeling.ObjectAudio
		}
	}
	return f
}

// Export writes a project's export as spec asks onto w, reading the tasks from
// the store's cursor: the one path the API, background exports, the command
// line and the benchmark share. baseURL prefixes media URLs (media=url);
// blobs, when not nil, gives the YOLO and VOC zips their images.
func Export(ctx context.Context, st *store.Store, blobs media.Blobs, p store.Project, spec export.Spec, w io.Writer, baseURL string, progress func(int64)) (export.Stats, error) {
	cfg, err := labeling.ParseConfig(p.LabelConfig)
	if err != nil {
		cfg = nil // an old config that no longer parses: export with the formats' defaults
	}
	f := ExportFilter(spec, cfg)
	tasks := func(fn func(export.Stored) error) error {
		return st.ExportTasks(ctx, p.ID, f, func(t store.ExportTask) error {
			return fn(export.Stored{ID: t.ID, Data: t.Data, Annotations: t.Annotations, Predictions: t.Predictions, Media: t.Media})
		})
	}
	opts := export.Options{Format: spec.Format, Config: cfg, Consensus: spec.Consensus,
		Pseudonymise: spec.Pseudonymise, Redact: spec.Redact, RawFormulas: spec.RawFormulas, Media: spec.Media, BaseURL: baseURL, Progress: progress}
	if blobs != nil {
		opts.OpenMedia = func(hash string) ([]byte, error) { return media.ReadBlob(ctx, blobs, hash) }
	}
	return export.Write(w, tasks, opts)
}

// CountExport counts the tasks an export of spec will write.
func CountExport(ctx context.Context, st *store.Store, p store.Project, spec export.Spec) (int64, error) {
	cfg, _ := labeling.ParseConfig(p.LabelConfig)
	return st.CountExportTasks(ctx, p.ID, ExportFilter(spec, cfg))
}

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
	total, err := CountExport(ctx, w.store, p, spec)
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
	stats, size, err := writeExportFile(ctx, w.store, w.blobs, p, spec, e.FilePath, j.Args.BaseURL, progress)
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
		if err := tx.FinishExport(ctx, e.ID, stats.Tasks, size, KeepExports, ""); err != nil {
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

// writeExportFile writes the export to path (through path.part) and returns its size.
func writeExportFile(ctx context.Context, st *store.Store, blobs media.Blobs, p store.Project, spec export.Spec, path, baseURL string, progress func(int64)) (export.Stats, int64, error) {
	if path == "" {
		return export.Stats{}, 0, errors.New("export has no file path")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return export.Stats{}, 0, err
	}
	tmp := path + ".part"
	f, err := os.Create(tmp)
	if err != nil {
		return export.Stats{}, 0, err
	}
	defer os.Remove(tmp) // no-op after the rename
	bw := bufio.NewWriterSize(f, 256<<10)
	stats, err := Export(ctx, st, blobs, p, spec, bw, baseURL, progress)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return stats, 0, err
	}
	fi, err := os.Stat(tmp)
	if err != nil {
		return stats, 0, err
	}
	return stats, fi.Size(), os.Rename(tmp, path)
}

// PruneExports deletes the files of exports whose time is up and marks them expired.
func PruneExports(ctx context.Context, st *store.Store) (int, error) {
	es, err := st.ExpiredExports(ctx)
	if err != nil {
		return 0, err
	}
	for _, e := range es {
		if err := os.Remove(e.FilePath); err != nil && !errors.Is(err, os.ErrNotExist) {
			return 0, fmt.Errorf("prune export %d: %w", e.ID, err)
		}
		if err := st.ExpireExport(ctx, e.ID); err != nil {
			return 0, err
		}
	}
	return len(es), nil
}
