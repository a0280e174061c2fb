package store

import (
	"context"
	"encoding/json"
	"time"
)

// TaskAnnotations is a task's completed annotations, for agreement.
type TaskAnnotations struct {
	TaskID      int64
	Annotations []AnnotationLabels
}

// AnnotationLabels is one completed annotation's annotator and result.
type AnnotationLabels struct {
	ID          int64           `json:"id"`
	UserID      int64           `json:"completed_by"`
	Result      json.RawMessage `json:"result"`
	GroundTruth bool            `json:"ground_truth"`
	LeadTime    float64         `json:"lead_time"`
}

// AnnotatedTasks calls fn for every task of the project with at least one
// completed annotation that counts, in id order, streaming. Skips and
// annotations a reviewer rejected do not count.
func (s *Store) AnnotatedTasks(ctx context.Context, projectID int64, fn func(TaskAnnotations) error) error {
	rows, err := s.db.Query(ctx, `
		SELECT a.task_id, json_agg(json_build_object('id', a.id, 'completed_by', a.completed_by, 'result', a.result,
			'ground_truth', a.ground_truth, 'lead_time', a.lead_time) ORDER BY a.id)
		FROM annotations a WHERE a.project_id = $1 AND NOT a.was_cancelled AND a.completed_by IS NOT NULL AND a.review_state <> 'rejected'
		GROUP BY a.task_id ORDER BY a.task_id`, projectID)
	if err != nil {
		return wrap("annotated tasks", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ta TaskAnnotations
		var raw []byte
		if err := rows.Scan(&ta.TaskID, &raw); err != nil {
			return wrap("annotated tasks", err)
		}
		if err := json.Unmarshal(raw, &ta.Annotations); err != nil {
			return wrap("annotated tasks", err)
		}
		if err := fn(ta); err != nil {
			return err
		}
	}
	return wrap("annotated tasks", rows.Err())
}

// SaveAgreement stores a project's agreement report and each compared task's
// agreement, clears the agreement of every other task of the project (one that
// dropped below two annotations must not keep a stale value) and the last
// failure, in one transaction.
func (s *Store) SaveAgreement(ctx context.Context, projectID int64, report json.RawMessage, taskIDs []int64, values []float64) error {
	return wrap("save agreement", s.Transact(ctx, func(tx *Store) error {
		if _, err := tx.db.Exec(ctx, `
			INSERT INTO agreement_reports (project_id, report, computed_at) VALUES ($1, $2, now())
			ON CONFLICT (project_id) DO UPDATE SET report = EXCLUDED.report, computed_at = now(), error = '', failed_at = NULL`,
			projectID, report); err != nil {
			return err
		}
		_, err := tx.db.Exec(ctx, `
			UPDATE tasks t SET agreement = v.a
			FROM tasks t2 LEFT JOIN unnest($2::bigint[], $3::float8[]) AS v(id, a) ON v.id = t2.id
			WHERE t.id = t2.id AND t2.project_id = $1 AND t.agreement IS DISTINCT FROM v.a`, projectID, taskIDs, values)
		return err
	}))
}

// RecordAgreementFailure keeps why a project's agreement could not be
// computed, beside its last good report, until the next success.
func (s *Store) RecordAgreementFailure(ctx context.Context, projectID int64, msg string) error {
	_, err := s.db.Exec(ctx, `
		INSERT INTO agreement_reports (project_id, error, failed_at) VALUES ($1, $2, now())
		ON CONFLICT (project_id) DO UPDATE SET error = EXCLUDED.error, failed_at = now()`, projectID, msg)
	return wrap("record agreement failure", err)
}

// AgreementState is a project's stored agreement: the last report (nil before
// the first success) and the last failure since it (empty when none).
type AgreementState struct {
	Report     json.RawMessage
	ComputedAt *time.Time
	Error      string
	FailedAt   *time.Time
}

// AgreementReport reads a project's stored agreement.
func (s *Store) AgreementReport(ctx context.Context, projectID int64) (AgreementState, error) {
	var a AgreementState
	err := s.db.QueryRow(ctx, `SELECT report, computed_at, error, failed_at FROM agreement_reports WHERE project_id = $1`,
		projectID).Scan(&a.Report, &a.ComputedAt, &a.Error, &a.FailedAt)
	return a, wrap("agreement report", noRows(err))
}

// TaskAgreement reads a task's agreement (nil when it has fewer than two annotations).
func (s *Store) TaskAgreement(ctx context.Context, taskID int64) (*float64, error) {
	var a *float64
	err := s.db.QueryRow(ctx, `SELECT agreement FROM tasks WHERE id = $1`, taskID).Scan(&a)
	return a, wrap("task agreement", noRows(err))
}

// SetGroundTruth marks an annotation as ground truth (or not).
func (s *Store) SetGroundTruth(ctx context.Context, id int64, gt bool) error {
	return wrap("set ground truth", mustAffect(s.db.Exec(ctx, `UPDATE annotations SET ground_truth = $2, updated_at = now() WHERE id = $1`, id, gt)))
}

// AddAnnotators gives each full, unreviewed task whose agreement is under
// threshold one more annotator, up to maxExtra more in all; it returns how
// many tasks were reopened.
func (s *Store) AddAnnotators(ctx context.Context, projectID int64, threshold float64, maxExtra int) (int64, error) {
	tag, err := s.db.Exec(ctx, `
		UPDATE tasks SET extra_annotators = extra_annotators + 1, is_full = false
		WHERE project_id = $1 AND is_full AND agreement < $2 AND extra_annotators < $3 AND review_state = ''`,
		projectID, threshold, maxExtra)
	return tag.RowsAffected(), wrap("add annotators", err)
}
