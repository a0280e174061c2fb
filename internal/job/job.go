// Package job holds Concord's background jobs on River: one file per job (its
// Args and Worker), all registered here, in one place.
package job

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"concord/internal/ingest"
	"concord/internal/netguard"
	"concord/internal/store"
)

// Client is River's client on our pool.
type Client = river.Client[pgx.Tx]

// oneAtATime makes a job unique by its args while one is waiting or running,
// and allows a new one once it has finished (River's default also counts
// completed jobs, which would allow one such job ever).
var oneAtATime = river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
	rivertype.JobStateRetryable, rivertype.JobStateScheduled,
}}

// maxWorkers bounds concurrent jobs per process on the default queue.
const maxWorkers = 4

// workers registers every job kind.
func workers(st *store.Store, im *ingest.Importer, imports ImportRunner, hc *http.Client, log *slog.Logger) *river.Workers {
	w := river.NewWorkers()
	river.AddWorker(w, &PruneWorker{store: st})
	river.AddWorker(w, &ImportWorker{store: st, imports: imports})
	river.AddWorker(w, &ExportWorker{store: st, blobs: im.Blobs})
	river.AddWorker(w, &BulkWorker{store: st})
	river.AddWorker(w, &ReapWorker{store: st})
	river.AddWorker(w, &DrainWorker{store: st})
	river.AddWorker(w, &TrainWorker{store: st, blobs: im.Blobs})
	river.AddWorker(w, &PrelabelWorker{store: st, blobs: im.Blobs})
	river.AddWorker(w, &AgreementWorker{store: st, log: log})
	river.AddWorker(w, &WebhookWorker{store: st, http: hc})
	river.AddWorker(w, &BackendPredictWorker{store: st, http: hc})
	river.AddWorker(w, &BackendWebhookWorker{store: st, http: hc})
	return w
}

// periodic lists the jobs that run on a schedule.
func periodic() []*river.PeriodicJob {
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
			func() (river.JobArgs, *river.InsertOpts) { return PruneArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true}),
		river.NewPeriodicJob(river.PeriodicInterval(15*time.Second),
			func() (river.JobArgs, *river.InsertOpts) { return ReapArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true}),
		river.NewPeriodicJob(river.PeriodicInterval(drainEvery),
			func() (river.JobArgs, *river.InsertOpts) { return DrainArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true}),
	}
}

// Options tune the River client.
type Options struct {
	// Work makes the client work jobs (call Start); without, it only inserts them.
	Work bool
	// Allow lists the private network ranges an admin allowed ML backends in.
	Allow []netip.Prefix
	// Imports runs queued imports (app.Imports); needed with Work.
	Imports ImportRunner
}

// NewClient makes a River client.
func NewClient(pool *pgxpool.Pool, st *store.Store, im *ingest.Importer, opts Options, log *slog.Logger) (*Client, error) {
	// River reports routine progress at info level every few seconds: keep its warnings only.
	if opts.Work && opts.Imports == nil {
		return nil, fmt.Errorf("job: a working client needs Options.Imports")
	}
	cfg := &river.Config{Workers: workers(st, im, opts.Imports, netguard.NewClient(netguard.Options{Allow: opts.Allow, Timeout: 2 * time.Minute}), log), Logger: slog.New(minLevel{log.Handler(), slog.LevelWarn})}
	if opts.Work {
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: maxWorkers}}
		cfg.PeriodicJobs = periodic()
	}
	c, err := river.NewClient(riverpgxv5.New(pool), cfg)
	if err != nil {
		return nil, fmt.Errorf("job: %w", err)
	}
	return c, nil
}

// Insert enqueues a job in tx's transaction (tx is the Store that
// store.Transact handed its closure), so that it commits with the change that
// needs it; on the pool's Store, in a transaction of its own.
func Insert(ctx context.Context, jobs *Client, tx *store.Store, args river.JobArgs) error {
	return tx.Transact(ctx, func(tx *store.Store) error {
		_, err := jobs.InsertTx(ctx, tx.Tx(), args, nil)
		return err
	})
}

// minLevel drops records below a level.
type minLevel struct {
	slog.Handler
	min slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h minLevel) WithAttrs(as []slog.Attr) slog.Handler {
	return minLevel{h.Handler.WithAttrs(as), h.min}
}

func (h minLevel) WithGroup(name string) slog.Handler {
	return minLevel{h.Handler.WithGroup(name), h.min}
}
