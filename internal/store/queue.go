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
	t, _, err := s.NextForLabeling(ctx, p, userID, exclude)
	return t, err
}

// NextForLabeling is NextTask with the served task's labeling state for the
// annotator (see LabelingStateOf), all in one statement: the choice, the
// reservation and the reads are one round trip and one implicit transaction.
func (s *Store) NextForLabeling(ctx context.Context, p Project, userID int64, exclude []int64) (Task, LabelingState, error) {
	if exclude == nil {
		exclude = []int64{}
	}
	gold := p.GoldRate > 0 && rand.Float64() < p.GoldRate
	var t Task
	var st LabelingState
	var mine, preds []byte
	err := s.db.QueryRow(ctx, nextSQL(p.Sampling), p.ID, userID, p.MaximumAnnotations, exclude, gold, p.LockMinutes).Scan(
		&t.ID, &t.ProjectID, &t.Data, &t.DoneCount, &t.IsFull, &t.CreatedAt, &t.UpdatedAt,
		&mine, &st.Draft, &preds, &st.Progress.Done, &st.Progress.DoneToday)
	if errors.Is(err, pgx.ErrNoRows) {
		// Nothing served: nothing left, or a paused annotator.
		if err = checkPaused(ctx, s, p.ID, userID); err == nil {
			err = ErrNotFound
		}
	}
	if err != nil {
		return t, st, wrap("next task", err)
	}
	err = st.decode(mine, preds)
	return t, st, wrap("next task", err)
}

// nextSQL serves a task with $1 project, $2 user, $3 annotators per task, $4
// the ids not to serve, $5 whether to try a gold task first, $6 the lock's
// minutes. Nothing for an annotator paused on the project. In order: a task of the annotator's that a reviewer rejected; one
// they hold a live lock on; (with $5) one with another user's ground truth;
// else a pick in the sampling order. Each later choice runs only when the
// earlier found nothing. The chosen task is locked for the annotator, and its
// row is written (reserved_at), so that a concurrent pick whose snapshot
// predates this reservation finds the row changed under its lock and passes it
// over (see openFor). The row returned is the task and its labeling state.
func nextSQL(sampling string) string {
	picks := pickSQL(sampling, `NOT EXISTS (SELECT 1 FROM paused) AND NOT EXISTS (SELECT 1 FROM earlier)`)
	union := `SELECT id FROM earlier UNION ALL SELECT id FROM pick`
	if sampling == "random" {
		// Nothing from the random point on: from the start of the range.
		picks += `), wrapped AS (` + pickSQL("sequential", `NOT EXISTS (SELECT 1 FROM paused) AND NOT EXISTS (SELECT 1 FROM earlier) AND NOT EXISTS (SELECT 1 FROM pick)`)
		union += ` UNION ALL SELECT id FROM wrapped`
	}
	return `
	WITH paused AS (
		SELECT 1 FROM annotator_pauses WHERE project_id = $1 AND user_id = $2 AND unpaused_at IS NULL),
	rejected AS (
		SELECT a.task_id AS id FROM annotations a WHERE NOT EXISTS (SELECT 1 FROM paused)
			AND a.project_id = $1 AND a.completed_by = $2
			AND a.review_state = 'rejected' AND NOT a.imported AND a.task_id <> ALL($4) ORDER BY a.id LIMIT 1),
	held AS (
		SELECT l.task_id AS id FROM task_locks l JOIN tasks t ON t.id = l.task_id
		WHERE NOT EXISTS (SELECT 1 FROM paused) AND NOT EXISTS (SELECT 1 FROM rejected)
		  AND l.user_id = $2 AND l.expires_at > now() AND t.project_id = $1
		  AND NOT EXISTS (SELECT 1 FROM annotations a WHERE a.task_id = t.id AND a.completed_by = $2 AND NOT a.imported
		                  AND a.review_state <> 'rejected')
		  AND l.task_id <> ALL($4)
		ORDER BY l.expires_at, l.task_id LIMIT 1),
	gold AS (
		SELECT g.task_id AS id FROM annotations g
		WHERE $5 AND NOT EXISTS (SELECT 1 FROM paused) AND NOT EXISTS (SELECT 1 FROM rejected) AND NOT EXISTS (SELECT 1 FROM held)
		  AND g.project_id = $1 AND g.ground_truth AND g.completed_by IS DISTINCT FROM $2 AND g.task_id <> ALL($4)
		  AND NOT EXISTS (SELECT 1 FROM annotations a WHERE a.task_id = g.task_id AND a.completed_by = $2 AND NOT a.imported)
		ORDER BY g.task_id LIMIT 1),
	earlier AS (
		SELECT id FROM rejected UNION ALL SELECT id FROM held UNION ALL SELECT id FROM gold LIMIT 1),
	pick AS (` + picks + `),
	chosen AS (` + union + ` LIMIT 1),
	locked AS (
		INSERT INTO task_locks (task_id, user_id, expires_at) SELECT id, $2, now() + make_interval(mins => $6) FROM chosen
		ON CONFLICT (task_id, user_id) DO UPDATE SET expires_at = EXCLUDED.expires_at),
	reserved AS (
		UPDATE tasks SET reserved_at = now() WHERE id = (SELECT id FROM chosen))
	SELECT t.id, t.project_id, t.data, t.done_count, t.is_full, t.created_at, t.updated_at, ` + stateColumns("$1", "t.id", "$2") + `
	FROM tasks t WHERE t.id = (SELECT id FROM chosen)`
}

// openFor is the condition a task must meet to be served to $2 in project $1
// with $3 annotators per task: a task assigned to some annotators (from the
// task table) is served only to them. Its last line passes over a row that
// changed after the statement's snapshot: a pick that finds a row it wants
// locked waits, and then PostgreSQL re-checks the condition on the row's new
// version, but the reservations counted here come from the snapshot, which
// may predate one just committed; the row's ctid in the snapshot then differs
// from the locked version's (serving and submitting both write the row).
const openFor = `t.project_id = $1 AND NOT t.is_full
	AND NOT EXISTS (SELECT 1 FROM annotations a WHERE a.task_id = t.id AND a.completed_by = $2 AND NOT a.imported
	                AND a.review_state <> 'rejected')
	AND t.done_count + (SELECT count(*) FROM task_locks l
		WHERE l.task_id = t.id AND l.user_id <> $2 AND l.expires_at > now()) < $3 + t.extra_annotators
	AND t.id <> ALL($4)
	AND (NOT EXISTS (SELECT 1 FROM task_assignments s WHERE s.task_id = t.id)
	     OR EXISTS (SELECT 1 FROM task_assignments s WHERE s.task_id = t.id AND s.user_id = $2))
	AND t.ctid = (SELECT f.ctid FROM tasks f WHERE f.id = t.id)`

// pickSQL picks an open task that meets gate and locks its row, in the order
// of sampling: "uncertainty" (least certain first, unscored last), "random"
// (the first from a random point of the open tasks' id range) or the
// project's id order. Each is a range scan of a partial index of open tasks
// (tasks_open_idx, tasks_uncertain_idx), never of every task of the project
// (TestNextTaskPlan).
func pickSQL(sampling, gate string) string {
	switch sampling {
	case "uncertainty":
		return `SELECT t.id FROM tasks t WHERE ` + gate + ` AND ` + openFor + `
			ORDER BY coalesce(t.uncertainty, 'Infinity'::double precision), t.id LIMIT 1 FOR UPDATE OF t SKIP LOCKED`
	case "random":
		return `SELECT t.id FROM tasks t WHERE ` + gate + ` AND ` + openFor + `
			AND t.id >= (SELECT lo + floor(random() * (hi - lo + 1))::bigint FROM (` + openRangeSQL + `) r (lo, hi))
			ORDER BY t.id LIMIT 1 FOR UPDATE OF t SKIP LOCKED`
	}
	return `SELECT t.id FROM tasks t WHERE ` + gate + ` AND ` + openFor + `
		ORDER BY t.id LIMIT 1 FOR UPDATE OF t SKIP LOCKED`
}

// openRangeSQL is the id range of the project's open tasks, where a random pick starts.
const openRangeSQL = `SELECT coalesce(min(id), 0), coalesce(max(id), 0) FROM tasks WHERE project_id = $1 AND NOT is_full`

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
