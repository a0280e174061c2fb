package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"concord/internal/config"
	"concord/internal/ingest"
	"concord/internal/job"
	"concord/internal/live"
	"concord/internal/store"
)

// Imports is the one import use case, shared by the API and the pages (Import),
// the worker (RunQueued) and the command line (Run): each import is recorded,
// runs all or nothing in one transaction that also records its outcome and
// enqueues the tasks.created webhooks, and ends with an import.finished live event.
type Imports struct {
	Store  *store.Store
	Ingest *ingest.Importer
	// AsyncBytes: uploads larger than this run as a background job.
	AsyncBytes int64
}

// NewImports is the import use case as configured: uploads larger than
// CONCORD_ASYNC_IMPORT_MB run as background jobs.
func NewImports(cfg config.Config, st *store.Store, im *ingest.Importer) *Imports {
	return &Imports{Store: st, Ingest: im, AsyncBytes: cfg.AsyncImportMB << 20}
}

// ImportOptions are an import's choices.
type ImportOptions struct {
	SkipInvalid bool // skip and list bad records instead of refusing the import
	ReturnIDs   bool // report the created tasks' ids (imports that run at once)
}

// ImportResult is an import's outcome: its counts when it ran at once, or its
// id and status when it was queued.
type ImportResult struct {
	ImportID int64  `json:"import_id"`
	Status   string `json:"status"`
	ingest.Report
}

// Import imports spooled files into p for caller: at once when they are small,
// else as a background job enqueued in the same transaction as the import's
// record. A refused import is an Invalid error naming the file, line and reason.
func (x *Imports) Import(ctx context.Context, jobs *job.Client, caller store.User, p store.Project, files []ingest.File, o ImportOptions) (ImportResult, error) {
	var total int64
	for _, f := range files {
		total += f.Size
	}
	list, _ := json.Marshal(files)
	if total > x.AsyncBytes {
		var im store.Import
		err := x.Store.Transact(ctx, func(tx *store.Store) error {
			var err error
			if im, err = tx.CreateImport(ctx, p.ID, caller.ID, list, total, o.SkipInvalid); err != nil {
				return err
			}
			return job.Insert(ctx, jobs, tx, job.ImportArgs{ImportID: im.ID, ProjectID: p.ID})
		})
		if err != nil {
			RemoveUpload(files)
			return ImportResult{}, err
		}
		return ImportResult{ImportID: im.ID, Status: store.ImportQueued}, nil
	}
	defer RemoveUpload(files)
	im, err := x.Store.CreateImport(ctx, p.ID, caller.ID, list, total, o.SkipInvalid)
	if err != nil {
		return ImportResult{}, err
	}
	rep, err := x.Run(ctx, jobs, p, im, files, ingest.Options{ImportID: im.ID, UserID: caller.ID, SkipInvalid: o.SkipInvalid, ReturnIDs: o.ReturnIDs}, false)
	if pr, ok := ingest.AsProblem(err); ok {
		return ImportResult{}, &Error{Kind: Invalid, Msg: pr.Error() + " (nothing was imported; fix the record, or import with skip_invalid=true to skip bad records)", Details: pr, Err: err}
	}
	if err != nil {
		return ImportResult{}, err
	}
	return ImportResult{ImportID: im.ID, Status: store.ImportDone, Report: rep}, nil
}

// Run runs recorded import im of files into p, all or nothing, in one
// transaction with its outcome's record, its tasks.created webhooks and, for
// annotated tasks, the recomputation of agreement (when jobs is not nil), then
// sends import.finished. A refused import (an
// ingest.Problem, returned) is recorded as failed and finished; an interrupted
// one (the database or the disk) is recorded too, unless retry says the caller
// (the worker) will run it again, and sends no event.
func (x *Imports) Run(ctx context.Context, jobs *job.Client, p store.Project, im store.Import, files []ingest.File, opts ingest.Options, retry bool) (ingest.Report, error) {
	var rep ingest.Report
	err := x.Store.Transact(ctx, func(tx *store.Store) error {
		var err error
		rep, err = x.Ingest.In(tx).Run(ctx, p, files, opts)
		if err != nil {
			return err
		}
		out, _ := Outcome(rep, nil)
		if err := tx.FinishImport(ctx, im.ID, out); err != nil {
			return err
		}
		if jobs == nil || rep.TasksCreated == 0 {
			return nil
		}
		if rep.Annotations > 0 {
			if err := job.EnqueueAgreement(ctx, jobs, tx, im.ProjectID); err != nil {
				return err
			}
		}
		return job.Notify(ctx, jobs, tx, im.ProjectID, job.EventTasksCreated, map[string]any{"import": im.ID, "count": rep.TasksCreated})
	})
	out, refused := Outcome(rep, err)
	if err != nil && !refused && retry {
		return rep, err
	}
	if err != nil {
		if ferr := x.Store.FinishImport(context.WithoutCancel(ctx), im.ID, out); ferr != nil || !refused {
			return rep, errors.Join(err, ferr)
		}
	}
	data, _ := json.Marshal(map[string]any{"tasks": out.TasksCreated, "error": out.Error})
	// A lost live event only costs a page its refresh: not the import's error.
	live.Notify(context.WithoutCancel(ctx), x.Store.Pool, live.Event{Project: im.ProjectID, Type: live.TypeImportFinished, ID: im.ID, Data: data})
	return rep, err
}

// RunQueued runs a queued import (the worker's part): it skips an import that
// an earlier, unacknowledged attempt finished, reports progress, and removes
// the spooled files once the import is finished. An error means: retry.
func (x *Imports) RunQueued(ctx context.Context, jobs *job.Client, importID, projectID int64) error {
	im, err := x.Store.ImportByID(ctx, projectID, importID)
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
	p, err := x.Store.ProjectByID(ctx, im.ProjectID)
	if err != nil {
		return err
	}
	if err := x.Store.StartImport(ctx, im.ID); err != nil {
		return err
	}
	progress := func(done int64) {
		ctx := context.WithoutCancel(ctx)
		x.Store.ImportProgress(ctx, im.ID, done)
		data, _ := json.Marshal(map[string]int64{"done": done, "total": im.BytesTotal})
		live.Notify(ctx, x.Store.Pool, live.Event{Project: im.ProjectID, Type: live.TypeImportProgress, ID: im.ID, Data: data})
	}
	var createdBy int64
	if im.CreatedBy != nil {
		createdBy = *im.CreatedBy
	}
	_, err = x.Run(ctx, jobs, p, im, files, ingest.Options{ImportID: im.ID, UserID: createdBy, SkipInvalid: im.SkipInvalid, Progress: progress}, true)
	if _, refused := ingest.AsProblem(err); err != nil && !refused {
		return err // the database or the disk: retry
	}
	RemoveUpload(files)
	return nil
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
