package job

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

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

// ImportRunner runs a queued import: the import use case (app.Imports), given
// to the worker where everything is wired, since the use case enqueues jobs itself.
type ImportRunner interface {
	RunQueued(ctx context.Context, jobs *Client, importID, projectID int64) error
}

// ImportWorker runs queued imports. An import is one transaction, so a worker
// killed part-way leaves nothing behind, and River's retry starts it afresh.
type ImportWorker struct {
	river.WorkerDefaults[ImportArgs]
	store   *store.Store
	imports ImportRunner
}

// Timeout lets a large import run as long as it needs (see guard.go for how a
// dead worker's import is found and retried).
func (w *ImportWorker) Timeout(*river.Job[ImportArgs]) time.Duration { return -1 }

// Work runs the import; a refused file is the user's mistake, recorded as a
// failed import, not retried.
func (w *ImportWorker) Work(ctx context.Context, j *river.Job[ImportArgs]) error {
	release, err := guard(ctx, w.store, j.ID)
	if err != nil {
		return err
	}
	defer release()
	return w.imports.RunQueued(ctx, river.ClientFromContext[pgx.Tx](ctx), j.Args.ImportID, j.Args.ProjectID)
}
