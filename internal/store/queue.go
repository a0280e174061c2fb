package store

import (
	"context"
	"errors"
	"math/rand/v2"

	"github.com/jackc/pgx/v5"
)

// NextTask serves the next task to an annotator and reserves it for them for
// the project's lock time. A task the annotator already holds comes back first;
// otherwise it is an open task they have not annotated (nor skipped) whose
// remaining slots are not all reserved by others, in the project's sampling
// order. Rows taken by concurrent callers are skipped, never waited on.
// ErrNotFound when nothing is left for this annotator.
// Tasks in exclude are neither returned nor given up: the page asks for the
// task after the one on screen, to have it ready. ErrPaused when the
// annotator is paused on the project for low gold accuracy.
func (s *Store) NextTask(ctx context.Context, p Project, userID int64, exclude []int64) (Task, error) {
	if exclude == nil {
		exclude = []int64{}
	}
	var t Task
	err := s.Transact(ctx, func(tx *Store) error {
		if err := checkPaused(ctx, tx, p.ID, userID); err != nil {
			return err
		}
		id, err := rejectedTask(ctx, tx, p.ID, userID, exclude)
		if errors.Is(err, pgx.ErrNoRows) {
			id, err = heldTask(ctx, tx, p.ID, userID, exclude)
		}
		if errors.Is(err, pgx.ErrNoRows) && p.GoldRate > 0 && rand.Float64() < p.GoldRate {
			id, err = goldTask(ctx, tx, p.ID, userID, exclude)
		}
		if errors.Is(err, pgx.ErrNoRows) {
			id, err = reserve(ctx, tx, p, userID, exclude)
		}
		if err != nil {
			return noRows(err)
		}
		if _, err := tx.db.Exec(ctx, `
			INSERT INTO task_locks (task_id, user_id, expires_at) VALUES ($1, $2, now() + make_interval(mins => $3))
			ON CONFLICT (task_id, user_id) DO UPDATE SET expires_at = EXCLUDED.expires_at`, id, userID, p.LockMinutes); err != nil {
			return err
		}
		t, err = one[Task](tx.db.Query(ctx, `SELECT `+taskColumns+` FROM tasks WHERE id = $1`, id))
		return err
	})
	return t, wrap("next task", err)
}

// rejectedTask finds a task whose annotation by this annotator a reviewer
// rejected: it goes back to them first, with the reviewer's comment.
func rejectedTask(ctx context.Context, tx *Store, projectID, userID int64, exclude []int64) (int64, error) {
	var id int64
	err := tx.db.QueryRow(ctx, `SELECT a.task_id FROM annotations a WHERE a.project_id = $1 AND a.completed_by = $2
		AND a.review_state = 'rejected' AND NOT a.imported AND a.task_id <> ALL($3) ORDER BY a.id LIMIT 1`,
		projectID, userID, exclude).Scan(&id)
	return id, err
}

// goldTask finds a task with another user's ground truth that this annotator
// has not labeled: mixed into the queue, it measures their accuracy.
func goldTask(ctx context.Context, tx *Store, projectID, userID int64, exclude []int64) (int64, error) {
	var id int64
	err := tx.db.QueryRow(ctx, `SELECT g.task_id FROM annotations g WHERE g.project_id = $1 AND g.ground_truth
		AND g.completed_by IS DISTINCT FROM $2 AND g.task_id <> ALL($3)
		AND NOT EXISTS (SELECT 1 FROM annotations a WHERE a.task_id = g.task_id AND a.completed_by = $2 AND NOT a.imported)
		ORDER BY g.task_id LIMIT 1`, projectID, userID, exclude).Scan(&id)
	return id, err
}

// heldTask finds an open task the annotator holds a live lock on and has not annotated.
func heldTask(ctx context.Context, tx *Store, projectID, userID int64, exclude []int64) (int64, error) {
	var id int64
	err := tx.db.QueryRow(ctx, `
		SELECT l.task_id FROM task_locks l JOIN tasks t ON t.id = l.task_id
		WHERE l.user_id = $2 AND l.expires_at > now() AND t.project_id = $1
		  AND NOT EXISTS (SELECT 1 FROM annotations a WHERE a.task_id = t.id AND a.completed_by = $2 AND NOT a.imported
		                  AND a.review_state <> 'rejected')
		  AND l.task_id <> ALL($3)
		ORDER BY l.expires_at, l.task_id LIMIT 1`, projectID, userID, exclude).Scan(&id)
	return id, err
}

// maxPicks bounds how many candidates one call may find taken before giving up.
const maxPicks = 20

// reserve picks a task and re-checks it under its row lock. The pick's
// snapshot may predate a reservation committed by a concurrent caller that
// held the row a moment ago; a fresh statement sees it, so the task is
// re-counted and, if its slots are gone, another is picked.
func reserve(ctx context.Context, tx *Store, p Project, userID int64, exclude []int64) (int64, error) {
	taken := append([]int64{}, exclude...)
	for range maxPicks {
		id, err := pickTask(ctx, tx, p, userID, taken)
		if err != nil {
			return 0, err
		}
		var free bool
		err = tx.db.QueryRow(ctx, `
			SELECT NOT t.is_full AND t.done_count + (SELECT count(*) FROM task_locks l
				WHERE l.task_id = t.id AND l.user_id <> $2 AND l.expires_at > now()) < $3 + t.extra_annotators
			FROM tasks t WHERE t.id = $1`, id, userID, p.MaximumAnnotations).Scan(&free)
		if err != nil || free {
			return id, err
		}
		taken = append(taken, id)
	}
	return 0, pgx.ErrNoRows
}

// openFor is the condition a task must meet to be served to $2 in project $1
// with $3 annotators per task: a task assigned to some annotators (from the
// task table) is served only to them.
const openFor = `t.project_id = $1 AND NOT t.is_full
	AND NOT EXISTS (SELECT 1 FROM annotations a WHERE a.task_id = t.id AND a.completed_by = $2 AND NOT a.imported
	                AND a.review_state <> 'rejected')
	AND t.done_count + (SELECT count(*) FROM task_locks l
		WHERE l.task_id = t.id AND l.user_id <> $2 AND l.expires_at > now()) < $3 + t.extra_annotators
	AND t.id <> ALL($4)
	AND (NOT EXISTS (SELECT 1 FROM task_assignments s WHERE s.task_id = t.id)
	     OR EXISTS (SELECT 1 FROM task_assignments s WHERE s.task_id = t.id AND s.user_id = $2))`

// pickSQL picks an open task and locks its row, in the order of sampling:
// "uncertainty" (least certain first, unscored last), "random" (the first from id $5 on) or
// the project's id order. Each is a range scan of a partial index of open
// tasks (tasks_open_idx, tasks_uncertain_idx), never of every task of the
// project (TestNextTaskPlan).
func pickSQL(sampling string) string {
	switch sampling {
	case "uncertainty":
		return `SELECT t.id FROM tasks t WHERE ` + openFor + `
			ORDER BY coalesce(t.uncertainty, 'Infinity'::double precision), t.id LIMIT 1 FOR UPDATE OF t SKIP LOCKED`
	case "random":
		return `SELECT t.id FROM tasks t WHERE ` + openFor + ` AND t.id >= $5
			ORDER BY t.id LIMIT 1 FOR UPDATE OF t SKIP LOCKED`
	}
	return `SELECT t.id FROM tasks t WHERE ` + openFor + `
		ORDER BY t.id LIMIT 1 FOR UPDATE OF t SKIP LOCKED`
}

// openRangeSQL is the id range of the project's open tasks, where a random pick starts.
const openRangeSQL = `SELECT coalesce(min(id), 0), coalesce(max(id), 0) FROM tasks WHERE project_id = $1 AND NOT is_full`

// pickTask chooses an open task in the project's sampling order and locks its row.
func pickTask(ctx context.Context, tx *Store, p Project, userID int64, taken []int64) (int64, error) {
	var id int64
	switch p.Sampling {
	case "uncertainty":
		err := tx.db.QueryRow(ctx, pickSQL(p.Sampling), p.ID, userID, p.MaximumAnnotations, taken).Scan(&id)
		return id, err
	case "random":
		// From a random point of the project's id range, wrapping around: one
		// index range scan, not a sort of every task.
		var lo, hi int64
		if err := tx.db.QueryRow(ctx, openRangeSQL, p.ID).Scan(&lo, &hi); err != nil {
			return 0, err
		}
		pivot := lo
		if hi > lo {
			pivot = lo + rand.Int64N(hi-lo+1)
		}
		err := tx.db.QueryRow(ctx, pickSQL(p.Sampling), p.ID, userID, p.MaximumAnnotations, taken, pivot).Scan(&id)
		if !errors.Is(err, pgx.ErrNoRows) {
			return id, err
		}
	}
	err := tx.db.QueryRow(ctx, pickSQL("sequential"), p.ID, userID, p.MaximumAnnotations, taken).Scan(&id)
	return id, err
}

// Progress is an annotator's progress in a project.
type Progress struct {
	DoneToday     int64 `json:"done_today"`
	Done          int64 `json:"done"`
	Remaining     int64 `json:"remaining"`
	RemainingMore bool  `json:"remaining_more"` // there are more than Remaining
}

// progressCap bounds the count of open tasks, so it stays cheap on huge
// projects: past it the page says "1000+".
const progressCap = 1000

// OpenTasks counts the project's tasks that still need annotators, up to
// progressCap (more reports that there are more).
func (s *Store) OpenTasks(ctx context.Context, projectID int64) (n int64, more bool, err error) {
	err = s.db.QueryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM tasks WHERE project_id = $1 AND NOT is_full LIMIT $2) o`,
		projectID, progressCap+1).Scan(&n)
	if n > progressCap {
		n, more = progressCap, true
	}
	return n, more, wrap("open tasks", err)
}
