package store

import (
	"context"
	"encoding/json"
)

// Media is a stored file's facts, recorded at import.
type Media struct {
	Hash     string          `db:"hash"`
	Kind     string          `db:"kind"`
	MIME     string          `db:"mime"`
	Size     int64           `db:"size"`
	Width    *int            `db:"width"`
	Height   *int            `db:"height"`
	Duration *float64        `db:"duration"`
	Peaks    json.RawMessage `db:"peaks"`
}

// MediaFor finds a file the user may see: one used by a project the user is a
// member of (any project, for admins). Anything else is ErrNotFound.
func (s *Store) MediaFor(ctx context.Context, hash string, userID int64, admin bool) (Media, error) {
	m, err := one[Media](s.db.Query(ctx, `
		SELECT m.hash, m.kind, m.mime, m.size, m.width, m.height, m.duration, m.peaks
		FROM media m
		WHERE m.hash = $1 AND EXISTS (
			SELECT 1 FROM project_media pm
			LEFT JOIN project_members pmem ON pmem.project_id = pm.project_id AND pmem.user_id = $2
			WHERE pm.hash = m.hash AND ($3 OR pmem.user_id IS NOT NULL))`, hash, userID, admin))
	return m, wrap("media for user", err)
}
