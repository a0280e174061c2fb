package store

import (
	"context"
	"encoding/json"
	"time"
)

// AuditEntry is one recorded action: who did what to which project, and how.
type AuditEntry struct {
	ID        int64           `db:"id" json:"id"`
	UserID    *int64          `db:"user_id" json:"user_id"`
	Actor     string          `db:"actor" json:"actor"`
	Action    string          `db:"action" json:"action"`
	ProjectID *int64          `db:"project_id" json:"project_id"`
	Details   json.RawMessage `db:"details" json:"details"`
	At        time.Time       `db:"at" json:"at"`
}

// Audit actions.
const (
	AuditExport         = "export"          // a streamed export (API or command line)
	AuditExportQueued   = "export.queued"   // a background export was asked for
	AuditExportDownload = "export.download" // a background export's file was downloaded
	AuditExportDelete   = "export.delete"   // a background export and its file were deleted
)

// Audit records an action by a user (0: the command line, named by actor).
func (s *Store) Audit(ctx context.Context, userID int64, actor, action string, projectID int64, details any) error {
	b, err := json.Marshal(details)
	if err != nil {
		return wrap("audit", err)
	}
	_, err = s.db.Exec(ctx, `
		INSERT INTO audit_log (user_id, actor, action, project_id, details)
		VALUES (NULLIF($1, 0), $2, $3, NULLIF($4, 0), $5)`, userID, actor, action, projectID, b)
	return wrap("audit", err)
}

// AuditQuery selects audit entries: of one project (0: all), before an id (0: newest), at most Limit.
type AuditQuery struct {
	ProjectID int64
	Before    int64
	Limit     int
}

// AuditLog lists audit entries, newest first.
func (s *Store) AuditLog(ctx context.Context, q AuditQuery) ([]AuditEntry, error) {
	es, err := all[AuditEntry](s.db.Query(ctx, `
		SELECT id, user_id, actor, action, project_id, details, at FROM audit_log
		WHERE ($1 = 0 OR project_id = $1) AND ($2 = 0 OR id < $2)
		ORDER BY id DESC LIMIT $3`, q.ProjectID, q.Before, q.Limit))
	return es, wrap("audit log", err)
}
