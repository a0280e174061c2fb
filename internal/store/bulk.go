package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Bulk writes one import inside a single transaction: everything it wrote is
// committed together, or nothing is.
type Bulk struct {
	s         *Store
	tx        pgx.Tx
	projectID int64
}

// Bulk runs fn in a transaction that holds the project's import lock, so two
// imports into one project run one after the other and duplicate checks hold.
func (s *Store) Bulk(ctx context.Context, projectID int64, fn func(*Bulk) error) error {
	return wrap("bulk import", s.InTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('import'), $1::int)`, projectID); err != nil {
			return err
		}
		return fn(&Bulk{s: s, tx: tx, projectID: projectID})
	}))
}

// TaskHashes calls fn with the data hash of every task already in the project.
func (b *Bulk) TaskHashes(ctx context.Context, fn func(hash []byte)) error {
	rows, err := b.tx.Query(ctx, `SELECT data_hash FROM tasks WHERE project_id = $1`, b.projectID)
	if err != nil {
		return err
	}
	var h []byte
	_, err = pgx.ForEachRow(rows, []any{&h}, func() error { fn(h); return nil })
	return err
}

// ReserveTaskIDs takes n task ids from the sequence (outside the transaction:
// sequences are not transactional, and the transaction's connection may be busy
// copying).
func (b *Bulk) ReserveTaskIDs(ctx context.Context, n int) ([]int64, error) {
	ids := make([]int64, 0, n)
	rows, err := b.s.Pool.Query(ctx, `SELECT nextval(pg_get_serial_sequence('tasks', 'id')) FROM generate_series(1, $1)`, n)
	if err != nil {
		return nil, err
	}
	var id int64
	_, err = pgx.ForEachRow(rows, []any{&id}, func() error { ids = append(ids, id); return nil })
	return ids, err
}

// NewTask is a task row for CopyTasks.
type NewTask struct {
	ID       int64
	Data     json.RawMessage
	DataHash []byte
}

// CopyTasks streams tasks into the project with COPY, pulling each from next
// until it reports false; it returns the number of rows copied.
func (b *Bulk) CopyTasks(ctx context.Context, importID int64, next func() (NewTask, bool, error)) (int64, error) {
	src := &taskSource{next: next, projectID: b.projectID, importID: importID}
	n, err := b.tx.CopyFrom(ctx, pgx.Identifier{"tasks"}, []string{"id", "project_id", "data", "data_hash", "import_id"}, src)
	if err != nil {
		return n, fmt.Errorf("copy tasks: %w", err)
	}
	if _, err := b.tx.Exec(ctx, `UPDATE projects SET task_count = task_count + $2 WHERE id = $1`, b.projectID, n); err != nil {
		return n, fmt.Errorf("count tasks: %w", err)
	}
	return n, nil
}

type taskSource struct {
	next      func() (NewTask, bool, error)
	projectID int64
	importID  int64
	row       []any
	err       error
}

func (t *taskSource) Next() bool {
	task, ok, err := t.next()
	if err != nil {
		t.err = err
		return false
	}
	if !ok {
		return false
	}
	t.row = []any{task.ID, t.projectID, task.Data, task.DataHash, t.importID}
	return true
}

func (t *taskSource) Values() ([]any, error) { return t.row, nil }
func (t *taskSource) Err() error             { return t.err }

// NewAnnotation is an imported annotation.
type NewAnnotation struct {
	TaskID       int64
	CompletedBy  int64
	Result       json.RawMessage
	WasCancelled bool
	GroundTruth  bool
	LeadTime     float64
}

// CopyAnnotations writes imported annotations with COPY.
func (b *Bulk) CopyAnnotations(ctx context.Context, as []NewAnnotation) error {
	_, err := b.tx.CopyFrom(ctx, pgx.Identifier{"annotations"},
		[]string{"task_id", "project_id", "completed_by", "result", "was_cancelled", "ground_truth", "lead_time", "imported"},
		pgx.CopyFromSlice(len(as), func(i int) ([]any, error) {
			a := as[i]
			return []any{a.TaskID, b.projectID, a.CompletedBy, a.Result, a.WasCancelled, a.GroundTruth, a.LeadTime, true}, nil
		}))
	if err != nil {
		return fmt.Errorf("copy annotations: %w", err)
	}
	return nil
}

// Recount sets the queue's view of the given tasks from their imported
// annotations and predictions: completed annotations, whether the task is full
// (with maxAnnotations annotators per task), and its lowest prediction score.
func (b *Bulk) Recount(ctx context.Context, taskIDs []int64, maxAnnotations int) error {
	if len(taskIDs) == 0 {
		return nil
	}
	_, err := b.tx.Exec(ctx, `
		UPDATE tasks t SET
			done_count = (SELECT count(*) FROM annotations a WHERE a.task_id = t.id AND NOT a.was_cancelled),
			uncertainty = (SELECT min(p.score) FROM predictions p WHERE p.task_id = t.id)
		WHERE t.id = ANY($1)`, taskIDs)
	if err != nil {
		return fmt.Errorf("recount: %w", err)
	}
	_, err = b.tx.Exec(ctx, `UPDATE tasks SET is_full = done_count >= $2 + extra_annotators WHERE id = ANY($1)`, taskIDs, maxAnnotations)
	return err
}

// NewPrediction is an imported prediction.
type NewPrediction struct {
	TaskID       int64
	ModelVersion string
	Score        *float64
	Result       json.RawMessage
}

// CopyPredictions writes imported predictions with COPY.
func (b *Bulk) CopyPredictions(ctx context.Context, ps []NewPrediction) error {
	_, err := b.tx.CopyFrom(ctx, pgx.Identifier{"predictions"},
		[]string{"task_id", "project_id", "model_version", "score", "result"},
		pgx.CopyFromSlice(len(ps), func(i int) ([]any, error) {
			p := ps[i]
			return []any{p.TaskID, b.projectID, p.ModelVersion, p.Score, p.Result}, nil
		}))
	if err != nil {
		return fmt.Errorf("copy predictions: %w", err)
	}
	return nil
}

// AddMedia records a stored file and that this project uses it.
func (b *Bulk) AddMedia(ctx context.Context, m Media, filename string) error {
	_, err := b.tx.Exec(ctx, `
		INSERT INTO media (hash, kind, mime, size, width, height, duration, peaks)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (hash) DO NOTHING`,
		m.Hash, m.Kind, m.MIME, m.Size, m.Width, m.Height, m.Duration, m.Peaks)
	if err != nil {
		return err
	}
	_, err = b.tx.Exec(ctx, `
		INSERT INTO project_media (project_id, hash, filename) VALUES ($1, $2, $3)
		ON CONFLICT (project_id, hash) DO NOTHING`, b.projectID, m.Hash, filename)
	return err
}
