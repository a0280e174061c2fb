package job

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"concord/internal/store"
)

// drainEvery is how often submitted labels are turned into the jobs they make
// due. Agreement is then at most drainEvery + agreementDelay behind a submission.
const drainEvery = 2 * time.Second

// DrainArgs asks for the labels counted since the last drain to be acted on.
type DrainArgs struct{}

// Kind names the job.
func (DrainArgs) Kind() string { return "drain_labels" }

// InsertOpts: one drain at a time.
func (DrainArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 1, UniqueOpts: oneAtATime}
}

// DrainWorker enqueues, for each project whose count of labels moved since the
// last drain (store.LabelsToDrain), a recomputation of its agreement and, when
// retrain_every labels have gathered, a training; and records the count, in
// one transaction per project. Submissions count their labels in rows of their
// own (store.Submit) and enqueue nothing of this themselves: none waits on a
// row another writes, and a burst of submissions makes one enqueue per
// project and drain.
type DrainWorker struct {
	river.WorkerDefaults[DrainArgs]
	store *store.Store
}

// Work runs the job.
func (w *DrainWorker) Work(ctx context.Context, j *river.Job[DrainArgs]) error {
	return Drain(ctx, river.ClientFromContext[pgx.Tx](ctx), w.store)
}

// Drain enqueues what the labels counted since the last drain make due (see
// DrainWorker), one transaction per project (on st's, when st is in one).
func Drain(ctx context.Context, jobs *Client, st *store.Store) error {
	counts, err := st.LabelsToDrain(ctx)
	if err != nil {
		return err
	}
	for _, c := range counts {
		p, err := st.ProjectByID(ctx, c.ProjectID)
		if errors.Is(err, store.ErrNotFound) {
			continue // deleted meanwhile (its counts go with it)
		}
		if err != nil {
			return err
		}
		err = st.Transact(ctx, func(tx *store.Store) error {
			if err := EnqueueAgreement(ctx, jobs, tx, p.ID); err != nil {
				return err
			}
			if err := TrainIfDue(ctx, jobs, tx, p); err != nil {
				return err
			}
			return tx.MarkDrained(ctx, p.ID, c.Labels)
		})
		if err != nil {
			return err
		}
	}
	return nil
}
