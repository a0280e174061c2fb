package app

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"

	"concord/internal/config"
	"concord/internal/export"
	"concord/internal/job"
	"concord/internal/store"
)

// Caps on background exports, so that one user or one project cannot take
// the worker's queue from everyone else.
const (
	QueuedExportsPerUser    = 3
	QueuedExportsPerProject = 5
	// ExportRetryAfter is when to try a refused export again.
	ExportRetryAfter = 30 * time.Second
)

// Exports is the background-export use case, shared by the API and the export
// page; the export job writes the file (export.ToFile) and the prune job
// deletes it after export.Keep.
type Exports struct {
	Store   *store.Store
	DataDir string // the files go in DataDir/exports
	BaseURL string // prefixes media URLs in the files
}

// Queue records a background export of p for caller and enqueues its job in
// one transaction, refusing (Busy) beyond the caps, and records it in the
// audit log with via (the surface it came from: api or page).
func (x *Exports) Queue(ctx context.Context, jobs *job.Client, caller store.User, p store.Project, spec export.Spec, via string) (store.Export, error) {
	opts, err := json.Marshal(spec)
	if err != nil {
		return store.Export{}, err
	}
	var e store.Export
	err = x.Store.Transact(ctx, func(tx *store.Store) error {
		byUser, byProject, err := tx.ActiveExports(ctx, caller.ID, p.ID)
		switch {
		case err != nil:
			return err
		case byUser >= QueuedExportsPerUser:
			return &Error{Kind: Busy, Msg: fmt.Sprintf("you already have %d exports queued or running; wait for one to finish", byUser), RetryAfter: ExportRetryAfter}
		case byProject >= QueuedExportsPerProject:
			return &Error{Kind: Busy, Msg: fmt.Sprintf("this project already has %d exports queued or running; wait for one to finish", byProject), RetryAfter: ExportRetryAfter}
		}
		if e, err = tx.CreateExport(ctx, p.ID, caller.ID, string(spec.Format), opts, ""); err != nil {
			return err
		}
		e.FilePath = filepath.Join(x.DataDir, "exports", fmt.Sprintf("%d-%d%s", p.ID, e.ID, spec.Extension()))
		if err := tx.SetExportPath(ctx, e.ID, e.FilePath); err != nil {
			return err
		}
		return job.Insert(ctx, jobs, tx, job.ExportArgs{ExportID: e.ID, ProjectID: p.ID, BaseURL: x.BaseURL})
	})
	if err != nil {
		return e, err
	}
	return e, x.Store.Audit(ctx, caller.ID, caller.Email, store.AuditExportQueued, p.ID, map[string]any{"via": via, "export": e.ID, "spec": spec})
}

// NewExports is the export use case as configured.
func NewExports(cfg config.Config, st *store.Store) *Exports {
	return &Exports{Store: st, DataDir: cfg.DataDir, BaseURL: cfg.PublicURL()}
}
