package job

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"concord/internal/ingest"
	"concord/internal/live"
	"concord/internal/store"
)

// ImportArgs asks for a queued import to run.
type ImportArgs struct {
	ImportID  int64 `json:"import_id"`
	ProjectID int64 `json:"project_id"`
}

// Kind names the job.
func (ImportArgs) Kind() string { return "import" }

// InsertOpts makes the job unique per import and retries it a few times.
func (ImportArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// ImportWorker runs queued imports. An import is one transaction, so a worker
// killed part-way leaves nothing behind, and River's retry starts it afresh.
type ImportWorker struct {
	river.WorkerDefaults[ImportArgs]
	store    *store.Store
	importer *ingest.Importer
}

// Timeout lets a large import run as long as it needs (see guard.go for how a
// dead worker's import is found and retried).
func (w *ImportWorker) Timeout(*river.Job[ImportArgs]) time.Duration { return -1 }

// Work runs the import and records its outcome. A refused file is the user's
// mistake, recorded as a failed import, not retried.
func (w *ImportWorker) Work(ctx context.Context, j *river.Job[ImportArgs]) error {
	release, err := guard(ctx, w.store, j.ID)
	if err != nil {
		return err
	}
	defer release()
	im, err := w.store.ImportByID(ctx, j.Args.ProjectID, j.Args.ImportID)
	if err != nil {
		return err
	}
	if im.Status == store.ImportDone || im.Status == store.ImportFailed {
		return nil // finished by an earlier attempt that was not acknowledged
	}
	var files []ingest.File
	if err := json.Unmarshal(im.Files, &files); err != nil {
		return fmt.Errorf("import %d: files: %w", im.ID, err)
	}
	p, err := w.store.ProjectByID(ctx, im.ProjectID)
	if err != nil {
		return err
	}
	if err := w.store.StartImport(ctx, im.ID); err != nil {
		return err
	}
	progress := func(done int64) {
		ctx := context.WithoutCancel(ctx)
		w.store.ImportProgress(ctx, im.ID, done)
		data, _ := json.Marshal(map[string]int64{"done": done, "total": im.BytesTotal})
		live.Notify(ctx, w.store.Pool, live.Event{Project: im.ProjectID, Type: live.TypeImportProgress, ID: im.ID, Data: data})
	}
	var createdBy int64
	if im.CreatedBy != nil {
		createdBy = *im.CreatedBy
	}
	var rep ingest.Report
	err = w.store.Transact(ctx, func(tx *store.Store) error {
		var err error
		rep, err = w.importer.In(tx).Run(ctx, p, files, ingest.Options{ImportID: im.ID, UserID: createdBy, SkipInvalid: im.SkipInvalid, Progress: progress})
		if err != nil {
			return err
		}
		return Finish(ctx, river.ClientFromContext[pgx.Tx](ctx), tx, im, rep)
	})
	out, failed := Outcome(rep, err)
	if err != nil && !failed {
		return err // the database or the disk: retry
	}
	if failed {
		if err := w.store.FinishImport(ctx, im.ID, out); err != nil {
			return err
		}
	}
	RemoveUpload(files)
	data, _ := json.Marshal(map[string]any{"tasks": out.TasksCreated, "error": out.Error})
	live.Notify(ctx, w.store.Pool, live.Event{Project: im.ProjectID, Type: live.TypeImportFinished, ID: im.ID, Data: data})
	return nil
}

// Finish records the outcome of import im and enqueues the tasks.created event
// and, for annotated tasks, the recomputation of agreement (when jobs is not
// nil) in tx, the import's transaction, so a crash cannot
// keep the tasks and lose their record or event.
func Finish(ctx context.Context, jobs *Client, tx *store.Store, im store.Import, rep ingest.Report) error {
	out, _ := Outcome(rep, nil)
	if err := tx.FinishImport(ctx, im.ID, out); err != nil {
		return err
	}
	if jobs == nil || rep.TasksCreated == 0 {
		return nil
	}
	if rep.Annotations > 0 {
		if err := EnqueueAgreement(ctx, jobs, tx, im.ProjectID); err != nil {
			return err
		}
	}
	return Notify(ctx, jobs, tx, im.ProjectID, EventTasksCreated, map[string]any{"import": im.ID, "count": rep.TasksCreated})
}

// Outcome turns an import's report and error into what is recorded; failed
// says the import was refused (the user's mistake) rather than interrupted
// (the database or the disk: recorded as such, or retried by the worker).
func Outcome(rep ingest.Report, err error) (out store.ImportOutcome, failed bool) {
	if pr, ok := ingest.AsProblem(err); ok {
		return store.ImportOutcome{Skipped: json.RawMessage("[]"), Error: pr.Error()}, true
	}
	if err != nil {
		return store.ImportOutcome{Error: "interrupted: " + err.Error()}, false
	}
	skipped, _ := json.Marshal(rep.Skipped)
	return store.ImportOutcome{TasksCreated: rep.TasksCreated, Duplicates: rep.Duplicates, Annotations: rep.Annotations,
		Predictions: rep.Predictions, Skipped: skipped}, false
}

// RemoveUpload deletes the spooled files of a finished import and their folder.
func RemoveUpload(files []ingest.File) {
	for _, f := range files {
		os.Remove(f.Path)
	}
	if len(files) > 0 {
		os.Remove(filepath.Dir(files[0].Path))
	}
}
