package store

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
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
	b.tx.changed(b.projectID)
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
	Annotator    string // its completed_by e-mail, if the file gives one
	AnnotatorID  int64  // its completed_by id in the system it came from, if the file gives one
	Result       json.RawMessage
	WasCancelled bool
	GroundTruth  bool
	LeadTime     float64
}

// annotatorKey names an imported annotation's annotator within one file: the
// e-mail when given, else the foreign id, else "" (nobody named).
func (a NewAnnotation) annotatorKey() string {
	switch {
	case a.Annotator != "":
		return strings.ToLower(a.Annotator)
	case a.AnnotatorID != 0:
		return "#" + strconv.FormatInt(a.AnnotatorID, 10)
	}
	return ""
}

// CopyAnnotations writes imported annotations with COPY. Each is credited to
// the project member with its annotator's e-mail, else to the project's
// external annotator of that name (created on first use): a named person who
// is not an account, so that annotators stay distinct and no other account is
// credited with their work.
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
			return []any{a.TaskID, b.projectID, ids[a.annotatorKey()], a.Result, a.WasCancelled, a.GroundTruth, a.LeadTime, true}, nil
		}))
	if err != nil {
		return fmt.Errorf("copy annotations: %w", err)
	}
	return nil
}

// annotatorIDs maps the annotations' annotator keys to user ids: project
// members by e-mail, else external annotators of the project.
func (b *Bulk) annotatorIDs(ctx context.Context, as []NewAnnotation) (map[string]int64, error) {
	ids := map[string]int64{}
	var emails []string
	for _, a := range as {
		k := a.annotatorKey()
		if _, ok := ids[k]; !ok {
			ids[k] = 0
			if a.Annotator != "" {
				emails = append(emails, k)
			}
		}
	}
	rows, err := b.tx.db.Query(ctx, `
		SELECT lower(u.email), u.id FROM users u JOIN project_members m ON m.user_id = u.id AND m.project_id = $2
		WHERE lower(u.email) = ANY($1) AND u.kind = 'account'`, emails, b.projectID)
	if err != nil {
		return nil, fmt.Errorf("annotators: %w", err)
	}
	var e string
	var id int64
	if _, err := pgx.ForEachRow(rows, []any{&e, &id}, func() error { ids[e] = id; return nil }); err != nil {
		return nil, fmt.Errorf("annotators: %w", err)
	}
	for k, id := range ids {
		if id != 0 {
			continue
		}
		if ids[k], err = b.externalAnnotator(ctx, k); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// externalAnnotator finds or creates the project's external annotator for an
// annotator key: a user of kind external that cannot sign in, named by the
// e-mail or the foreign id it stands for.
func (b *Bulk) externalAnnotator(ctx context.Context, key string) (int64, error) {
	name := key
	switch {
	case key == "":
		name = "Imported (no annotator named)"
	case strings.HasPrefix(key, "#"):
		name = "Imported annotator " + key
	}
	h := sha256.Sum256([]byte(key))
	email := fmt.Sprintf("external-%d-%x@concord.invalid", b.projectID, h[:8])
	// Two statements: when another import created the annotator meanwhile,
	// the INSERT waits for it to commit and inserts nothing, and only a
	// statement begun after that sees it.
	var id int64
	err := b.tx.db.QueryRow(ctx, `
		INSERT INTO users (email, name, password_hash, role, disabled_at, kind, project_id)
		VALUES ($1, $2, '!', 'annotator', now(), 'external', $3)
		ON CONFLICT ((lower(email))) DO NOTHING RETURNING id`, email, name, b.projectID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		err = b.tx.db.QueryRow(ctx, `SELECT id FROM users WHERE lower(email) = $1`, email).Scan(&id)
	}
	if err != nil {
		return 0, fmt.Errorf("external annotator %q: %w", name, err)
	}
	return id, nil
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
