package job

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"concord/internal/store"
)

// Long jobs (imports, trainings, exports) may run for longer than any fixed
// timeout, so River's time-based rescue cannot tell a slow job from a dead one.
// Instead each holds a database lock while it runs: a lock outlives neither its
// worker's process nor its connection, so the reaper knows for certain which
// "running" jobs lost their worker, and requeues just those.

// lockName names the advisory locks long jobs hold.
const lockName = "river-job"

// longKinds are the job kinds that run under guard.
var longKinds = []string{ImportArgs{}.Kind(), TrainArgs{}.Kind(), PrelabelArgs{}.Kind(), BackendPredictArgs{}.Kind(), ExportArgs{}.Kind(), BulkArgs{}.Kind()}

// guard takes the job's lock; a job whose lock is held (a second copy) snoozes.
func guard(ctx context.Context, st *store.Store, jobID int64) (release func(), err error) {
	release, ok, err := st.TryLock(ctx, lockName, jobID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, river.JobSnooze(30 * time.Second)
	}
	return release, nil
}

// orphanAge is how long a long job must have run before the reaper looks at it.
const orphanAge = 10 * time.Second

// ReapArgs asks for long jobs whose worker died to be requeued.
type ReapArgs struct{}

// Kind names the job.
func (ReapArgs) Kind() string { return "reap_orphans" }

// InsertOpts keeps one reap per quarter minute, however many processes schedule it.
func (ReapArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: 15 * time.Second}}
}

// ReapWorker requeues running long jobs whose lock nobody holds.
type ReapWorker struct {
	river.WorkerDefaults[ReapArgs]
	store *store.Store
}

// Work runs the job.
func (w *ReapWorker) Work(ctx context.Context, _ *river.Job[ReapArgs]) error {
	ids, err := w.store.RunningJobs(ctx, longKinds, orphanAge)
	if err != nil {
		return err
	}
	for _, id := range ids {
		release, ok, err := w.store.TryLock(ctx, lockName, id)
		if err != nil {
			return err
		}
		if !ok {
			continue // its worker is alive
		}
		release()
		if err := w.store.RequeueJob(ctx, id); err != nil {
			return err
		}
	}
	return nil
}
