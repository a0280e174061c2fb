package job

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"concord/internal/store"
)

// BulkParams are a bulk action's parameters beyond its selection.
type BulkParams struct {
	Users []int64 `json:"users,omitempty"` // assign: the annotators
}

// bulkActions are the task table's bulk actions that change the selected
// tasks a batch at a time; each changes only tasks of the project it is
// given and reports how many it changed. (Retraining, pre-labeling and
// exporting a selection enqueue their own jobs instead.)
var bulkActions = map[string]func(ctx context.Context, st *store.Store, projectID int64, ids []int64, p BulkParams) (int64, error){
	"delete": func(ctx context.Context, st *store.Store, pid int64, ids []int64, _ BulkParams) (int64, error) {
		return st.DeleteTasks(ctx, pid, ids)
	},
	"assign": func(ctx context.Context, st *store.Store, pid int64, ids []int64, p BulkParams) (int64, error) {
		return st.AssignTasks(ctx, pid, ids, p.Users)
	},
	"unassign": func(ctx context.Context, st *store.Store, pid int64, ids []int64, _ BulkParams) (int64, error) {
		return st.AssignTasks(ctx, pid, ids, nil)
	},
	"delete_annotations": func(ctx context.Context, st *store.Store, pid int64, ids []int64, _ BulkParams) (int64, error) {
		return st.DeleteTaskAnnotations(ctx, pid, ids)
	},
	"delete_predictions": func(ctx context.Context, st *store.Store, pid int64, ids []int64, _ BulkParams) (int64, error) {
		return st.DeleteTaskPredictions(ctx, pid, ids)
	},
	"review": func(ctx context.Context, st *store.Store, pid int64, ids []int64, _ BulkParams) (int64, error) {
		return st.SendToReview(ctx, pid, ids)
	},
	"gold": func(ctx context.Context, st *store.Store, pid int64, ids []int64, _ BulkParams) (int64, error) {
		return st.MarkGold(ctx, pid, ids)
	},
	"ungold": func(ctx context.Context, st *store.Store, pid int64, ids []int64, _ BulkParams) (int64, error) {
		return st.UnmarkGold(ctx, pid, ids)
	},
}

// IsBulkAction reports whether RunBulk knows the action.
func IsBulkAction(action string) bool { _, ok := bulkActions[action]; return ok }

// AuditedTaskIDs is how many task ids a bulk action's audit entry lists (a
// checked selection up to this size), so that each task's history shows it.
const AuditedTaskIDs = 1000

// RunBulk applies a recorded bulk action to every task of its selection,
// store.BulkBatch tasks per statement, keeping its progress at most twice a
// second, then records its end and its audit entry ("tasks.<action>") in one
// transaction. It returns how many tasks the action changed.
func RunBulk(ctx context.Context, st *store.Store, b store.BulkAction) (int64, error) {
	act, ok := bulkActions[b.Action]
	if !ok {
		return 0, fmt.Errorf("bulk action %d: unknown action %q", b.ID, b.Action)
	}
	q, err := store.ParseDMQuery(b.ProjectID, string(b.Query))
	if err != nil {
		return 0, fmt.Errorf("bulk action %d: %w", b.ID, err)
	}
	var p BulkParams
	if err := json.Unmarshal(b.Params, &p); err != nil {
		return 0, fmt.Errorf("bulk action %d: params: %w", b.ID, err)
	}
	var done int64
	last := time.Now()
	err = st.TaskIDs(ctx, q, store.BulkBatch, func(ids []int64) error {
		n, err := act(ctx, st, b.ProjectID, ids, p)
		done += n
		if err == nil && time.Since(last) > 500*time.Millisecond {
			last = time.Now()
			err = st.BulkProgress(ctx, b.ID, done)
		}
		return err
	})
	if err != nil && ctx.Err() != nil {
		return done, err // shutting down: a worker retries
	}
	failure := ""
	if err != nil {
		failure = err.Error()
		var qe *store.QueryError
		if !errors.As(err, &qe) {
			failure = "the action stopped on an error; see the server log"
		}
	}
	details := map[string]any{"tasks": done, "bulk": b.ID, "query": json.RawMessage(b.Query)}
	if len(p.Users) > 0 {
		details["users"] = p.Users
	}
	if q.Selected.Only && len(q.Selected.Included) <= AuditedTaskIDs {
		details["task_ids"] = q.Selected.Included
	}
	if failure != "" {
		details["error"] = failure
	}
	bg := context.WithoutCancel(ctx) // what was done is recorded, even as the request or worker ends
	ferr := st.Transact(bg, func(tx *store.Store) error {
		if err := tx.FinishBulkAction(bg, b.ID, done, failure); err != nil {
			return err
		}
		return tx.Audit(bg, idOr0(b.CreatedBy), b.Actor, "tasks."+b.Action, b.ProjectID, details)
	})
	return done, errors.Join(err, ferr)
}

func idOr0(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// BulkArgs asks for a large bulk action of the task table to run.
type BulkArgs struct {
	BulkID    int64 `json:"bulk_id"`
	ProjectID int64 `json:"project_id"`
}

// Kind names the job.
func (BulkArgs) Kind() string { return "bulk" }

// InsertOpts makes the job unique per bulk action and retries it a few times.
func (BulkArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// BulkWorker runs large bulk actions, with progress.
type BulkWorker struct {
	river.WorkerDefaults[BulkArgs]
	store *store.Store
}

// Timeout lets a bulk action on a million tasks take its time (see guard.go).
func (w *BulkWorker) Timeout(*river.Job[BulkArgs]) time.Duration { return -1 }

// Work runs the bulk action, unless an earlier attempt finished it.
func (w *BulkWorker) Work(ctx context.Context, j *river.Job[BulkArgs]) error {
	release, err := guard(ctx, w.store, j.ID)
	if err != nil {
		return err
	}
	defer release()
	b, err := w.store.BulkActionByID(ctx, j.Args.ProjectID, j.Args.BulkID)
	if errors.Is(err, store.ErrNotFound) {
		return nil // its project was deleted
	}
	if err != nil {
		return err
	}
	if b.Status == store.BulkDone || b.Status == store.BulkFailed {
		return nil
	}
	_, err = RunBulk(ctx, w.store, b)
	if ctx.Err() != nil {
		return err
	}
	return nil // a failure is recorded on the bulk action; retrying would not help
}
