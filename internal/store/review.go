package store

import (
	"context"
	"encoding/json"
	"time"
)

// ReviewItem is a task in the review queue.
type ReviewItem struct {
	TaskID      int64           `db:"task_id" json:"task"`
	Data        json.RawMessage `db:"data" json:"data"`
	Agreement   *float64        `db:"agreement" json:"agreement"`
	Annotations int             `db:"annotations" json:"annotations"`
	ReviewState string          `db:"review_state" json:"review_state"`
	LastAt      time.Time       `db:"last_at" json:"last_annotated_at"`
}

// ReviewFilter narrows the review queue.
type ReviewFilter struct {
	State     string // "", "accepted", "rejected"; "all" for any
	Label     string // a label some annotation of the task gives
	Annotator int64  // a user who annotated the task
	From, To  *time.Time
	Limit     int
	Offset    int
}

// ReviewQueue lists annotated tasks, lowest agreement first (tasks with one
// annotation last), with filters.
func (s *Store) ReviewQueue(ctx context.Context, projectID int64, f ReviewFilter) ([]ReviewItem, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	items, err := all[ReviewItem](s.db.Query(ctx, `
		SELECT t.id AS task_id, t.data, t.agreement, count(a.id)::int AS annotations, t.review_state, max(a.created_at) AS last_at
		FROM tasks t JOIN annotations a ON a.task_id = t.id AND NOT a.was_cancelled
		WHERE t.project_id = $1
		  AND ($2 = 'all' OR t.review_state = $2)
		  AND ($3 = '' OR EXISTS (SELECT 1 FROM annotations l WHERE l.task_id = t.id
		        AND jsonb_path_exists(l.result, '$[*].value.* ? (@ == $label)', jsonb_build_object('label', $3::text))))
		  AND ($4 = 0 OR EXISTS (SELECT 1 FROM annotations m WHERE m.task_id = t.id AND m.completed_by = $4))
		  AND ($5::timestamptz IS NULL OR a.created_at >= $5) AND ($6::timestamptz IS NULL OR a.created_at < $6)
		GROUP BY t.id
		ORDER BY t.agreement ASC NULLS LAST, t.id
		LIMIT $7 OFFSET $8`, projectID, f.State, f.Label, f.Annotator, f.From, f.To, f.Limit, f.Offset))
	return items, wrap("review queue", err)
}

// ReviewedAnnotation is an annotation shown to a reviewer, with its annotator.
type ReviewedAnnotation struct {
	Annotation
	Email string `db:"email" json:"email"`
}

// TaskAnnotationsForReview lists all of a task's annotations, with their annotators.
func (s *Store) TaskAnnotationsForReview(ctx context.Context, taskID int64) ([]ReviewedAnnotation, error) {
	as, err := all[ReviewedAnnotation](s.db.Query(ctx, `
		SELECT a.id, a.task_id, a.project_id, a.completed_by, a.result, a.was_cancelled, a.ground_truth, a.lead_time,
			a.skip_reason, a.review_state, a.review_comment, a.created_at, a.updated_at, coalesce(u.email, '') AS email
		FROM annotations a LEFT JOIN users u ON u.id = a.completed_by
		WHERE a.task_id = $1 ORDER BY a.id`, taskID))
	return as, wrap("task annotations", err)
}

// Review verdicts.
const (
	ReviewAccept = "accept"
	ReviewReject = "reject"
	ReviewFix    = "fix"
)

// Review records a reviewer's verdict on an annotation: accept it; reject it
// with a comment, which gives the task back to its annotator (the annotation
// no longer counts until they resubmit); or fix it — the reviewer's result
// becomes a ground-truth annotation of theirs, accepted, and the annotation is
// accepted when it already says the same (result items compared without their
// ids) and rejected, as above, when it does not.
func (s *Store) Review(ctx context.Context, annotationID, reviewerID int64, verdict, comment string, fixed json.RawMessage, maxAnnotations int) error {
	return wrap("review", s.Transact(ctx, func(tx *Store) error {
		var taskID, projectID int64
		var state string
		var cancelled bool
		err := tx.db.QueryRow(ctx, `SELECT task_id, project_id, review_state, was_cancelled FROM annotations WHERE id = $1 FOR UPDATE`,
			annotationID).Scan(&taskID, &projectID, &state, &cancelled)
		if err != nil {
			return noRows(err)
		}
		switch verdict {
		case ReviewAccept:
			if _, err := tx.db.Exec(ctx, `UPDATE annotations SET review_state = 'accepted', review_comment = $2, reviewed_by = $3, updated_at = now() WHERE id = $1`,
				annotationID, comment, reviewerID); err != nil {
				return err
			}
			if state == "rejected" && !cancelled {
				if err := countDone(ctx, tx, taskID, 1, maxAnnotations); err != nil {
					return err
				}
			}
		case ReviewReject:
			if _, err := tx.db.Exec(ctx, `UPDATE annotations SET review_state = 'rejected', review_comment = $2, reviewed_by = $3, updated_at = now() WHERE id = $1`,
				annotationID, comment, reviewerID); err != nil {
				return err
			}
			if state != "rejected" && !cancelled {
				if err := countDone(ctx, tx, taskID, -1, maxAnnotations); err != nil {
					return err
				}
			}
		case ReviewFix:
			// An annotation that already says what the fix says is right:
			// accepted. Any other is rejected and, like a rejection, stops
			// counting until its annotator resubmits.
			var agrees bool
			if err := tx.db.QueryRow(ctx, `
				SELECT coalesce((SELECT jsonb_agg(e - 'id' ORDER BY (e - 'id')::text) FROM jsonb_array_elements(result) e), '[]')
				     = coalesce((SELECT jsonb_agg(e - 'id' ORDER BY (e - 'id')::text) FROM jsonb_array_elements($2::jsonb) e), '[]')
				FROM annotations WHERE id = $1`, annotationID, fixed).Scan(&agrees); err != nil {
				return err
			}
			verdictState, delta := "rejected", -1
			if agrees {
				verdictState, delta = "accepted", 1
			}
			if _, err := tx.db.Exec(ctx, `UPDATE annotations SET review_state = $4, review_comment = $2, reviewed_by = $3, updated_at = now() WHERE id = $1`,
				annotationID, comment, reviewerID, verdictState); err != nil {
				return err
			}
			if changes := (state == "rejected") == agrees; changes && !cancelled {
				if err := countDone(ctx, tx, taskID, delta, maxAnnotations); err != nil {
					return err
				}
			}
			if _, err := tx.db.Exec(ctx, `
				INSERT INTO annotations (task_id, project_id, completed_by, result, ground_truth, review_state, reviewed_by, imported)
				VALUES ($1, $2, $3, $4, true, 'accepted', $3, true)`, taskID, projectID, reviewerID, fixed); err != nil {
				return err
			}
		}
		st := map[string]string{ReviewAccept: "accepted", ReviewReject: "rejected", ReviewFix: "accepted"}[verdict]
		_, err = tx.db.Exec(ctx, `UPDATE tasks SET review_state = $2, updated_at = now() WHERE id = $1`, taskID, st)
		return err
	}))
}
