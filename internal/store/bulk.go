package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Bulk writes one import inside a single transaction: everything it wrote is
// committed together, or nothing is.
type Bulk struct {
	tx        *Store
	projectID int64
}

// Bulk runs fn in a transaction (s's own when s is in one) that holds the
// project's import lock, so two imports into one project run one after the
// other and duplicate checks hold. Writes that must commit with the import go
// through the Store of the caller's Transact around Bulk.
func (s *Store) Bulk(ctx context.Context, projectID int64, fn func(*Bulk) error) error {
	return wrap("bulk import", s.Transact(ctx, func(tx *Store) error {
		if _, err := tx.db.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('import'), $1::int)`, projectID); err != nil {
			return err
		}
		return fn(&Bulk{tx: tx, projectID: projectID})
	}))
}

// TaskHashes calls fn with the data hash of every task already in the project.
func (b *Bulk) TaskHashes(ctx context.Context, fn func(hash []byte)) error {
	rows, err := b.tx.db.Query(ctx, `SELECT data_hash FROM tasks WHERE project_id = $1`, b.projectID)
	if err != nil {
		return err
	}
	var h []byte
	_, err = pgx.ForEachRow(rows, []any{&h}, func() error { fn(h); return nil })
	return err
}

// NewTask is a task row for CopyTasks.
type NewTask struct {
	ID       int64
	Data     json.RawMessage
	DataHash []byte
}

// CopyTasks reserves task ids, and copies rows, in batches that start at
// firstBatch and double up to maxBatch: a small import wastes few ids, and a
// large one ends and restarts its COPY (a round trip that stalls the stream)
// only a few dozen times.
const firstBatch, maxBatch = 5000, 160_000

// CopyTasks streams tasks into the project with COPY, pulling each from next
// (given the id the task gets) until it reports false; it returns the number
// of rows copied. Ids are reserved from the sequence between COPY statements,
// on the transaction's own connection: an import never needs a second
// connection, so concurrent imports cannot starve the pool.
func (b *Bulk) CopyTasks(ctx context.Context, importID int64, next func(id int64) (NewTask, bool, error)) (int64, error) {
	src := &taskSource{next: next, projectID: b.projectID, importID: importID}
	var total int64
	for batch := firstBatch; !src.done; batch = min(2*batch, maxBatch) {
		rows, err := b.tx.db.Query(ctx, `SELECT nextval(pg_get_serial_sequence('tasks', 'id')) FROM generate_series(1, $1)`, batch)
		if err != nil {
			return total, fmt.Errorf("reserve task ids: %w", err)
		}
		var id int64
		src.ids = src.ids[:0]
		if _, err := pgx.ForEachRow(rows, []any{&id}, func() error { src.ids = append(src.ids, id); return nil }); err != nil {
			return total, fmt.Errorf("reserve task ids: %w", err)
		}
		n, err := b.tx.db.CopyFrom(ctx, pgx.Identifier{"tasks"}, []string{"id", "project_id", "data", "data_hash", "import_id"}, src)
		total += n
		if err != nil {
			return total, fmt.Errorf("copy tasks: %w", err)
		}
	}
	if _, err := b.tx.db.Exec(ctx, `UPDATE projects SET task_count = task_count + $2 WHERE id = $1`, b.projectID, total); err != nil {
		return total, fmt.Errorf("count tasks: %w", err)
	}
	return total, nil
}

// taskSource feeds one COPY statement: a row per reserved id, while next has tasks.
type taskSource struct {
	next      func(id int64) (NewTask, bool, error)
	projectID int64
	importID  int64
	ids       []int64 // reserved ids this COPY has yet to use
	done      bool    // next has no more tasks
	row       []any
	err       error
}

func (t *taskSource) Next() bool {
	if len(t.ids) == 0 || t.done {
		return false
	}
	task, ok, err := t.next(t.ids[0])
	if err != nil {
		t.err, t.done = err, true
		return false
	}
	if !ok {
		t.done = true
		return false
	}
	t.ids = t.ids[1:]
	t.row = []any{task.ID, t.projectID, task.Data, task.DataHash, t.importID}
	return true
}

func (t *taskSource) Values() ([]any, error) { return t.row, nil }
func (t *taskSource) Err() error             { return t.err }

// NewAnnotation is an imported annotation.
type NewAnnotation struct {
	TaskID       int64
	Annotator    string // its completed_by e-mail: the account with it, else the "imported" account
	Result       json.RawMessage
	WasCancelled bool
	GroundTruth  bool
	LeadTime     float64
}

// CopyAnnotations writes imported annotations with COPY, each by the account
// its Annotator e-mail names, or by the "imported" account.
func (b *Bulk) CopyAnnotations(ctx context.Context, as []NewAnnotation) error {
	if len(as) == 0 {
		return nil
	}
	ids, err := b.annotatorIDs(ctx, as)
	if err != nil {
		return err
	}
	_, err = b.tx.db.CopyFrom(ctx, pgx.Identifier{"annotations"},
		[]string{"task_id", "project_id", "completed_by", "result", "was_cancelled", "ground_truth", "lead_time", "imported"},
		pgx.CopyFromSlice(len(as), func(i int) ([]any, error) {
			a := as[i]
			return []any{a.TaskID, b.projectID, ids[strings.ToLower(a.Annotator)], a.Result, a.WasCancelled, a.GroundTruth, a.LeadTime, true}, nil
		}))
	if err != nil {
		return fmt.Errorf("copy annotations: %w", err)
	}
	return nil
}

// annotatorIDs maps the annotations' lower-cased Annotator e-mails to account
// ids; an e-mail of no account (or none) maps to the "imported" account, which
// cannot sign in and is created on first use.
func (b *Bulk) annotatorIDs(ctx context.Context, as []NewAnnotation) (map[string]int64, error) {
	ids := map[string]int64{}
	var emails []string
	for _, a := range as {
		e := strings.ToLower(a.Annotator)
		if _, ok := ids[e]; !ok {
			ids[e] = 0
			emails = append(emails, e)
		}
	}
	rows, err := b.tx.db.Query(ctx, `SELECT lower(email), id FROM users WHERE lower(email) = ANY($1)`, emails)
	if err != nil {
		return nil, fmt.Errorf("annotators: %w", err)
	}
	var e string
	var id int64
	if _, err := pgx.ForEachRow(rows, []any{&e, &id}, func() error { ids[e] = id; return nil }); err != nil {
		return nil, fmt.Errorf("annotators: %w", err)
	}
	var imported int64
	for e, id := range ids {
		if id != 0 {
			continue
		}
		if imported == 0 {
			// Two statements: when another import created the account meanwhile,
			// the INSERT waits for it to commit and inserts nothing, and only a
			// statement begun after that sees the account.
			err := b.tx.db.QueryRow(ctx, `
				INSERT INTO users (email, name, password_hash, role, disabled_at)
				VALUES ('imported@concord.invalid', 'Imported', '!', 'annotator', now())
				ON CONFLICT ((lower(email))) DO NOTHING RETURNING id`).Scan(&imported)
			if errors.Is(err, pgx.ErrNoRows) {
				err = b.tx.db.QueryRow(ctx, `SELECT id FROM users WHERE lower(email) = 'imported@concord.invalid'`).Scan(&imported)
			}
			if err != nil {
				return nil, fmt.Errorf("the imported account: %w", err)
			}
		}
		ids[e] = imported
	}
	return ids, nil
}

// Recount sets the queue's view of the given tasks from their imported
// annotations and predictions: completed annotations, whether the task is full
// (with maxAnnotations annotators per task), and its lowest prediction score.
func (b *Bulk) Recount(ctx context.Context, taskIDs []int64, maxAnnotations int) error {
	if len(taskIDs) == 0 {
		return nil
	}
	_, err := b.tx.db.Exec(ctx, `
		UPDATE tasks t SET
			done_count = (SELECT count(*) FROM annotations a WHERE a.task_id = t.id AND NOT a.was_cancelled),
			uncertainty = (SELECT min(p.score) FROM predictions p WHERE p.task_id = t.id)
		WHERE t.id = ANY($1)`, taskIDs)
	if err != nil {
		return fmt.Errorf("recount: %w", err)
	}
	_, err = b.tx.db.Exec(ctx, `UPDATE tasks SET is_full = done_count >= $2 + extra_annotators WHERE id = ANY($1)`, taskIDs, maxAnnotations)
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
	_, err := b.tx.db.CopyFrom(ctx, pgx.Identifier{"predictions"},
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
	_, err := b.tx.db.Exec(ctx, `
		INSERT INTO media (hash, kind, mime, size, width, height, duration, peaks)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (hash) DO NOTHING`,
		m.Hash, m.Kind, m.MIME, m.Size, m.Width, m.Height, m.Duration, m.Peaks)
	if err != nil {
		return err
	}
	_, err = b.tx.db.Exec(ctx, `
		INSERT INTO project_media (project_id, hash, filename) VALUES ($1, $2, $3)
		ON CONFLICT (project_id, hash) DO NOTHING`, b.projectID, m.Hash, filename)
	return err
}
