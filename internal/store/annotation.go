package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// Annotation is one annotator's labels for a task.
type Annotation struct {
	ID           int64           `db:"id" json:"id"`
	TaskID       int64           `db:"task_id" json:"task_id"`
	ProjectID    int64           `db:"project_id" json:"project_id"`
	CompletedBy  *int64          `db:"completed_by" json:"completed_by"`
	Result       json.RawMessage `db:"result" json:"result"`
	WasCancelled bool            `db:"was_cancelled" json:"was_cancelled"`
	GroundTruth  bool            `db:"ground_truth" json:"ground_truth"`
	LeadTime     float64         `db:"lead_time" json:"lead_time"`
	SkipReason   string          `db:"skip_reason" json:"skip_reason"`
	ReviewState  string          `db:"review_state" json:"review_state"`
	Comment      string          `db:"review_comment" json:"review_comment"`
	CreatedAt    time.Time       `db:"created_at" json:"created_at"`
	UpdatedAt    time.Time       `db:"updated_at" json:"updated_at"`
}

const annotationColumns = `id, task_id, project_id, completed_by, result, was_cancelled, ground_truth, lead_time,
	skip_reason, review_state, review_comment, created_at, updated_at`

// Submission is an annotator's new annotation of a task.
type Submission struct {
	TaskID         int64
	UserID         int64
	Result         json.RawMessage
	WasCancelled   bool
	SkipReason     string
	LeadTime       float64
	IdempotencyKey string // the same key again returns the first annotation
}

// LabelingState is what an annotator has of a task besides its data: their
// annotation, their draft, the predictions, and their own progress in the
// project (the tasks remaining come from OpenTasks).
type LabelingState struct {
	Mine        *Annotation
	Draft       json.RawMessage
	Predictions []Prediction
	Progress    Progress
}

// LabelingStateOf reads a task's labeling state for an annotator in one query.
func (s *Store) LabelingStateOf(ctx context.Context, projectID, taskID, userID int64) (LabelingState, error) {
	var st LabelingState
	var mine, preds []byte
	err := s.db.QueryRow(ctx, `SELECT `+stateColumns("$1", "$2", "$3"), projectID, taskID, userID).
		Scan(&mine, &st.Draft, &preds, &st.Progress.Done, &st.Progress.DoneToday)
	if err != nil {
		return st, wrap("labeling state", err)
	}
	return st, wrap("labeling state", st.decode(mine, preds))
}

// stateColumns are the columns of a labeling state (annotation, draft,
// predictions, done, done today) of task for user in project, each an SQL
// expression; decode reads the first and the third.
func stateColumns(project, task, user string) string {
	return `(SELECT row_to_json(a) FROM (SELECT ` + annotationColumns + ` FROM annotations
			WHERE task_id = ` + task + ` AND completed_by = ` + user + ` AND NOT imported) a),
		(SELECT result FROM drafts WHERE task_id = ` + task + ` AND user_id = ` + user + `),
		(SELECT coalesce(json_agg(p ORDER BY p.id DESC), '[]') FROM (SELECT id, task_id, project_id, model_version,
			score, result, created_at FROM predictions WHERE task_id = ` + task + `) p),
		(SELECT count(*) FROM annotations WHERE completed_by = ` + user + ` AND project_id = ` + project + ` AND NOT was_cancelled),
		(SELECT count(*) FROM annotations WHERE completed_by = ` + user + ` AND project_id = ` + project + ` AND NOT was_cancelled
			AND created_at >= date_trunc('day', now()))`
}

// decode fills the annotation and predictions of a labeling state from their JSON.
func (st *LabelingState) decode(mine, preds []byte) error {
	if mine != nil {
		st.Mine = new(Annotation)
		if err := json.Unmarshal(mine, st.Mine); err != nil {
			return err
		}
	}
	return json.Unmarshal(preds, &st.Predictions)
}

// ErrAlreadyAnnotated says the annotator has annotated this task before: edit that annotation instead.
var ErrAlreadyAnnotated = errors.New("you have already annotated this task")

// Submit stores an annotation with its consequences in one statement: the
// task's count of completed annotations, its lock and the annotator's draft
// go, and a label (not a skip) is counted in the annotator's row of
// label_counts, which the drain reads (LabelsToDrain). A submission whose
// idempotency key was seen before returns the annotation it made (created
// false). maxAnnotations is the project's annotators per task. Called on a
// transaction's Store, it joins that transaction (to enqueue the jobs a new
// annotation makes due with it). A new annotation by an annotator paused on
// the project for low gold accuracy is refused with ErrPaused.
func (s *Store) Submit(ctx context.Context, sub Submission, maxAnnotations int) (a Annotation, created bool, err error) {
	var key *string
	if sub.IdempotencyKey != "" {
		key = &sub.IdempotencyKey
	}
	a, err = one[Annotation](s.db.Query(ctx, `
		WITH ins AS (
			INSERT INTO annotations (task_id, project_id, completed_by, result, was_cancelled, skip_reason, lead_time, idempotency_key)
			SELECT t.id, t.project_id, $2, $3, $4, $5, $6, $7 FROM tasks t WHERE t.id = $1
				AND NOT EXISTS (SELECT 1 FROM annotator_pauses ap
					WHERE ap.project_id = t.project_id AND ap.user_id = $2 AND ap.unpaused_at IS NULL)
			ON CONFLICT (completed_by, idempotency_key) DO NOTHING
			RETURNING `+annotationColumns+`),
		counted AS (
			UPDATE tasks SET done_count = done_count + 1, is_full = done_count + 1 >= $8 + extra_annotators, updated_at = now()
			WHERE id = $1 AND NOT $4 AND EXISTS (SELECT 1 FROM ins)),
		unlocked AS (
			DELETE FROM task_locks WHERE task_id = $1 AND user_id = $2 AND EXISTS (SELECT 1 FROM ins)),
		undrafted AS (
			DELETE FROM drafts WHERE task_id = $1 AND user_id = $2 AND EXISTS (SELECT 1 FROM ins)),
		labeled AS (
			INSERT INTO label_counts (project_id, user_id, labels) SELECT project_id, $2, 1 FROM ins WHERE NOT $4
			ON CONFLICT (project_id, user_id) DO UPDATE SET labels = label_counts.labels + 1)
		SELECT `+annotationColumns+` FROM ins`,
		sub.TaskID, sub.UserID, sub.Result, sub.WasCancelled, sub.SkipReason, sub.LeadTime, key, maxAnnotations))
	if errors.Is(err, ErrNotFound) && key != nil {
		// A retry: the key is taken; answer with what it made.
		a, err = one[Annotation](s.db.Query(ctx, `SELECT `+annotationColumns+` FROM annotations
			WHERE completed_by = $1 AND idempotency_key = $2`, sub.UserID, sub.IdempotencyKey))
		if err == nil {
			return a, false, nil
		}
	}
	if errors.Is(err, ErrNotFound) {
		// Nothing inserted: no such task, or a paused annotator.
		err = s.pausedOnTask(ctx, sub.TaskID, sub.UserID)
	}
	if errors.Is(wrap("", err), ErrConflict) {
		return a, false, ErrAlreadyAnnotated
	}
	return a, err == nil, wrap("submit", err)
}

// pausedOnTask is ErrPaused when the user is paused on the task's project,
// else ErrNotFound (no such task): why a submission inserted nothing.
func (s *Store) pausedOnTask(ctx context.Context, taskID, userID int64) error {
	var projectID int64
	if err := s.db.QueryRow(ctx, `SELECT project_id FROM tasks WHERE id = $1`, taskID).Scan(&projectID); err != nil {
		return noRows(err)
	}
	if err := checkPaused(ctx, s, projectID, userID); err != nil {
		return err
	}
	return ErrNotFound
}

// countDone adds delta to a task's completed annotations and updates whether it is full.
func countDone(ctx context.Context, tx *Store, taskID int64, delta, maxAnnotations int) error {
	_, err := tx.db.Exec(ctx, `UPDATE tasks SET done_count = done_count + $2, is_full = done_count + $2 >= $3 + extra_annotators,
		updated_at = now() WHERE id = $1`, taskID, delta, maxAnnotations)
	return err
}

// AnnotationByID finds an annotation.
func (s *Store) AnnotationByID(ctx context.Context, id int64) (Annotation, error) {
	a, err := one[Annotation](s.db.Query(ctx, `SELECT `+annotationColumns+` FROM annotations WHERE id = $1`, id))
	return a, wrap("annotation by id", err)
}

// AnnotationEdit changes an annotation's labels; a skipped task becomes
// annotated (or the reverse) when WasCancelled changes.
type AnnotationEdit struct {
	Result       json.RawMessage
	LeadTime     float64 // added to the time spent so far
	WasCancelled bool
}

// EditAnnotation applies an edit and keeps the task's count of completed annotations right.
func (s *Store) EditAnnotation(ctx context.Context, id int64, e AnnotationEdit, maxAnnotations int) (Annotation, error) {
	var a Annotation
	err := s.Transact(ctx, func(tx *Store) error {
		var was bool
		var state string
		if err := tx.db.QueryRow(ctx, `SELECT was_cancelled, review_state FROM annotations WHERE id = $1 FOR UPDATE`, id).Scan(&was, &state); err != nil {
			return noRows(err)
		}
		if state == "rejected" {
			was = true // a rejected annotation does not count; resubmitted, it counts again
		}
		var err error
		a, err = one[Annotation](tx.db.Query(ctx, `
			UPDATE annotations SET result = $2, lead_time = lead_time + $3, was_cancelled = $4, updated_at = now(),
				review_state = CASE WHEN review_state = 'rejected' THEN '' ELSE review_state END
			WHERE id = $1 RETURNING `+annotationColumns, id, e.Result, e.LeadTime, e.WasCancelled))
		if err != nil {
			return err
		}
		switch {
		case was && !e.WasCancelled:
			err = countDone(ctx, tx, a.TaskID, 1, maxAnnotations)
		case !was && e.WasCancelled:
			err = countDone(ctx, tx, a.TaskID, -1, maxAnnotations)
		}
		return err
	})
	return a, wrap("edit annotation", err)
}

// DeleteAnnotation removes an annotation and reopens its task if it was full.
func (s *Store) DeleteAnnotation(ctx context.Context, id int64, maxAnnotations int) error {
	return wrap("delete annotation", s.Transact(ctx, func(tx *Store) error {
		var taskID int64
		var cancelled bool
		err := tx.db.QueryRow(ctx, `DELETE FROM annotations WHERE id = $1 RETURNING task_id, was_cancelled`, id).Scan(&taskID, &cancelled)
		if err != nil {
			return noRows(err)
		}
		if !cancelled {
			err = countDone(ctx, tx, taskID, -1, maxAnnotations)
		}
		return err
	}))
}

// HistoryItem is one of an annotator's past annotations.
type HistoryItem struct {
	ID           int64     `db:"id" json:"id"`
	TaskID       int64     `db:"task_id" json:"task_id"`
	WasCancelled bool      `db:"was_cancelled" json:"was_cancelled"`
	CreatedAt    time.Time `db:"created_at" json:"created_at"`
}

// History lists an annotator's annotations in a project, newest first, before
// the annotation id before (0: from the newest).
func (s *Store) History(ctx context.Context, projectID, userID, before int64, limit int) ([]HistoryItem, error) {
	if before <= 0 {
		before = 1 << 62
	}
	hs, err := all[HistoryItem](s.db.Query(ctx, `
		SELECT id, task_id, was_cancelled, created_at FROM annotations
		WHERE project_id = $1 AND completed_by = $2 AND NOT imported AND id < $3
		ORDER BY id DESC LIMIT $4`, projectID, userID, before, limit))
	return hs, wrap("history", err)
}

// SaveDraft keeps an annotator's work in progress on a task.
func (s *Store) SaveDraft(ctx context.Context, taskID, userID int64, result json.RawMessage) error {
	_, err := s.db.Exec(ctx, `
		INSERT INTO drafts (task_id, user_id, result) VALUES ($1, $2, $3)
		ON CONFLICT (task_id, user_id) DO UPDATE SET result = EXCLUDED.result, updated_at = now()`, taskID, userID, result)
	return wrap("save draft", err)
}
