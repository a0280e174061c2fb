package store

import (
	"context"
	"time"
)

// Invitation is a link to join a project with a role.
type Invitation struct {
	ID        int64      `db:"id"`
	ProjectID int64      `db:"project_id"`
	Role      string     `db:"role"`
	ExpiresAt time.Time  `db:"expires_at"`
	UsedAt    *time.Time `db:"used_at"`
}

// CreateInvitation stores an invitation by its token's hash.
func (s *Store) CreateInvitation(ctx context.Context, projectID, by int64, hash []byte, role string, ttl time.Duration) (Invitation, error) {
	inv, err := one[Invitation](s.db.Query(ctx, `
		INSERT INTO invitations (project_id, token_hash, role, created_by, expires_at)
		VALUES ($1, $2, $3, $4, now() + $5::interval) RETURNING id, project_id, role, expires_at, used_at`,
		projectID, hash, role, by, ttl))
	return inv, wrap("create invitation", err)
}

// InvitationByHash finds a live (unused, unexpired) invitation.
func (s *Store) InvitationByHash(ctx context.Context, hash []byte) (Invitation, error) {
	inv, err := one[Invitation](s.db.Query(ctx, `SELECT id, project_id, role, expires_at, used_at FROM invitations
		WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()`, hash))
	return inv, wrap("invitation", err)
}

// AcceptInvitation uses a live invitation: the user joins its project with its
// role (keeping a higher role they already hold there), once.
func (s *Store) AcceptInvitation(ctx context.Context, hash []byte, userID int64) (Invitation, error) {
	var inv Invitation
	err := s.Transact(ctx, func(tx *Store) error {
		var err error
		inv, err = one[Invitation](tx.db.Query(ctx, `UPDATE invitations SET used_by = $2, used_at = now()
			WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
			RETURNING id, project_id, role, expires_at, used_at`, hash, userID))
		if err != nil {
			return err
		}
		_, err = tx.db.Exec(ctx, `INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, $3)
			ON CONFLICT (project_id, user_id) DO UPDATE SET role = CASE WHEN project_members.role = 'manager' THEN 'manager' ELSE EXCLUDED.role END`,
			inv.ProjectID, userID, inv.Role)
		return err
	})
	return inv, wrap("accept invitation", err)
}
