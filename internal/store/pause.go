package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrPaused says the annotator is paused on the project for low accuracy on
// gold tasks: no task is served to them and no new annotation is taken until
// a manager unpauses them.
var ErrPaused = errors.New("paused for low accuracy on gold tasks")

// AuditUnpause is the audit action of a manager unpausing an annotator;
// AuditPause that of the automatic pause.
const (
	AuditPause   = "annotator.paused"
	AuditUnpause = "annotator.unpaused"
)

// Pause is an annotator's pause on a project: when, and the gold accuracy
// over how many gold tasks that fell under which threshold.
type Pause struct {
	ProjectID int64     `db:"project_id" json:"project_id"`
	UserID    int64     `db:"user_id" json:"user_id"`
	Email     string    `db:"email" json:"email"`
	PausedAt  time.Time `db:"paused_at" json:"paused_at"`
	Accuracy  float64   `db:"accuracy" json:"accuracy"`
	GoldTasks int       `db:"gold_tasks" json:"gold_tasks"`
	Threshold float64   `db:"threshold" json:"threshold"`
}

const pauseColumns = `ap.project_id, ap.user_id, coalesce(u.email, '') AS email, ap.paused_at, ap.accuracy, ap.gold_tasks, ap.threshold`

// checkPaused returns ErrPaused when the user is paused on the project.
func checkPaused(ctx context.Context, tx *Store, projectID, userID int64) error {
	var paused bool
	if err := tx.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM annotator_pauses
		WHERE project_id = $1 AND user_id = $2 AND unpaused_at IS NULL)`, projectID, userID).Scan(&paused); err != nil {
		return err
	}
	if paused {
		return ErrPaused
	}
	return nil
}

// ActivePause returns the user's pause on the project, ErrNotFound when they are not paused.
func (s *Store) ActivePause(ctx context.Context, projectID, userID int64) (Pause, error) {
	p, err := one[Pause](s.db.Query(ctx, `SELECT `+pauseColumns+` FROM annotator_pauses ap
		LEFT JOIN users u ON u.id = ap.user_id
		WHERE ap.project_id = $1 AND ap.user_id = $2 AND ap.unpaused_at IS NULL`, projectID, userID))
	return p, wrap("active pause", err)
}

// Pauses lists the project's paused annotators, longest paused first.
func (s *Store) Pauses(ctx context.Context, projectID int64) ([]Pause, error) {
	ps, err := all[Pause](s.db.Query(ctx, `SELECT `+pauseColumns+` FROM annotator_pauses ap
		LEFT JOIN users u ON u.id = ap.user_id
		WHERE ap.project_id = $1 AND ap.unpaused_at IS NULL ORDER BY ap.paused_at, ap.user_id`, projectID))
	return ps, wrap("pauses", err)
}

// GroundTruthResult returns the result of the task's ground truth by a user
// other than userID (the latest, when several), ErrNotFound when it has none:
// the task is gold for userID.
func (s *Store) GroundTruthResult(ctx context.Context, taskID, userID int64) (json.RawMessage, error) {
	var res json.RawMessage
	err := s.db.QueryRow(ctx, `SELECT result FROM annotations WHERE task_id = $1 AND ground_truth
		AND NOT was_cancelled AND completed_by IS DISTINCT FROM $2 ORDER BY id DESC LIMIT 1`, taskID, userID).Scan(&res)
	return res, wrap("ground truth result", noRows(err))
}

// RecordGoldAnswer stores the score (0 to 1) of an annotation of a gold task
// against its ground truth and, when the project pauses annotators (a window
// of N > 0), pauses the annotator if the mean score of their last N gold
// answers since they were last unpaused is under the project's threshold.
// It returns the new pause, or nil. The pause is audited in the same
// transaction.
func (s *Store) RecordGoldAnswer(ctx context.Context, p Project, userID, taskID, annotationID int64, score float64) (*Pause, error) {
	var pause *Pause
	err := s.Transact(ctx, func(tx *Store) error {
		if _, err := tx.db.Exec(ctx, `INSERT INTO gold_answers (annotation_id, project_id, user_id, task_id, score)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (annotation_id) DO UPDATE SET score = EXCLUDED.score`,
			annotationID, p.ID, userID, taskID, score); err != nil {
			return err
		}
		if p.GoldPauseWindow <= 0 {
			return nil
		}
		var n int
		var mean float64
		if err := tx.db.QueryRow(ctx, `
			SELECT count(*), coalesce(avg(score), 0) FROM (
				SELECT g.score FROM gold_answers g
				WHERE g.project_id = $1 AND g.user_id = $2 AND g.answered_at > coalesce(
					(SELECT unpaused_at FROM annotator_pauses WHERE project_id = $1 AND user_id = $2), '-infinity')
				ORDER BY g.answered_at DESC, g.annotation_id DESC LIMIT $3) last`,
			p.ID, userID, p.GoldPauseWindow).Scan(&n, &mean); err != nil {
			return err
		}
		if n < p.GoldPauseWindow || mean >= p.GoldPauseThreshold {
			return nil
		}
		ps, err := all[Pause](tx.db.Query(ctx, `
			WITH ap AS (
				INSERT INTO annotator_pauses AS x (project_id, user_id, accuracy, gold_tasks, threshold) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (project_id, user_id) DO UPDATE SET paused_at = now(), accuracy = EXCLUDED.accuracy,
					gold_tasks = EXCLUDED.gold_tasks, threshold = EXCLUDED.threshold, unpaused_at = NULL, unpaused_by = NULL
				WHERE x.unpaused_at IS NOT NULL
				RETURNING *)
			SELECT `+pauseColumns+` FROM ap LEFT JOIN users u ON u.id = ap.user_id`,
			p.ID, userID, mean, n, p.GoldPauseThreshold))
		if err != nil || len(ps) == 0 {
			return err // already paused: nothing new
		}
		pause = &ps[0]
		return tx.Audit(ctx, 0, "concord", AuditPause, p.ID, map[string]any{"user_id": userID, "email": pause.Email,
			"gold_accuracy": mean, "gold_tasks": n, "threshold": p.GoldPauseThreshold})
	})
	return pause, wrap("record gold answer", err)
}

// Unpause lets a paused annotator work again and records who did it in the
// audit log; their gold answers so far no longer count toward a new pause.
// ErrNotFound when they are not paused.
func (s *Store) Unpause(ctx context.Context, projectID, userID, byID int64, byEmail string) error {
	return wrap("unpause", s.Transact(ctx, func(tx *Store) error {
		var email string
		err := tx.db.QueryRow(ctx, `UPDATE annotator_pauses ap SET unpaused_at = now(), unpaused_by = $3
			FROM users u WHERE u.id = ap.user_id AND ap.project_id = $1 AND ap.user_id = $2 AND ap.unpaused_at IS NULL
			RETURNING u.email`, projectID, userID, byID).Scan(&email)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		return tx.Audit(ctx, byID, byEmail, AuditUnpause, projectID, map[string]any{"user_id": userID, "email": email})
	}))
}
