package job

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"concord/internal/export"
	"concord/internal/store"
)

// keepAuthFailures is how long failed sign-ins are kept (longer than any throttle window).
const keepAuthFailures = 24 * time.Hour

// PruneArgs asks for expired sessions and old sign-in failures to be deleted.
type PruneArgs struct{}

// Kind names the job.
func (PruneArgs) Kind() string { return "prune_expired" }

// InsertOpts makes the job unique per hour, however many processes schedule it.
func (PruneArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: time.Hour}}
}

// PruneWorker deletes expired sessions, old sign-in failures and the files of
// expired exports.
type PruneWorker struct {
	river.WorkerDefaults[PruneArgs]
	store *store.Store
}

// Work runs the job.
func (w *PruneWorker) Work(ctx context.Context, j *river.Job[PruneArgs]) error {
	if _, err := w.store.PruneExpired(ctx, keepAuthFailures); err != nil {
		return err
	}
	_, err := export.Prune(ctx, w.store)
	return err
}
