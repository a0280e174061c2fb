package store

import (
	"context"
	"strings"
	"time"
)

// Invitation is a link to join a project with a role.
type Invitation struct {
	ID        int64      `db:"id" json:"id"`
	ProjectID int64      `db:"project_id" json:"project"`
	Role      string     `db:"role" json:"role"`
	CreatedBy *int64     `db:"created_by" json:"created_by"`
	CreatedAt time.Time  `db:"created_at" json:"created_at"`
	ExpiresAt time.Time  `db:"expires_at" json:"expires_at"`
	UsedAt    *time.Time `db:"used_at" json:"used_at"`
	RevokedAt *time.Time `db:"revoked_at" json:"revoked_at"`
	Live      bool       `db:"live" json:"live"` // usable now (see liveInvitation)
}

// liveInvitation is the one condition under which an invitation (of table
// alias i) can be used: unused, unexpired, unrevoked, and its maker still an
// enabled admin or an enabled manager of the project. A manager who leaves
// the project, is disabled or demoted takes their open invitations along.
const liveInvitation = `(i.used_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now() AND EXISTS (
	SELECT 1 FROM users mk WHERE mk.id = i.created_by AND mk.disabled_at IS NULL AND (mk.role = 'admin'
		OR mk.role = 'manager' AND EXISTS (SELECT 1 FROM project_members pm
			WHERE pm.project_id = i.project_id AND pm.user_id = mk.id AND pm.role = 'manager'))))`

const invitationColumns = `i.id, i.project_id, i.role, i.created_by, i.created_at, i.expires_at, i.used_at, i.revoked_at, ` + liveInvitation + ` AS live`

// CreateInvitation stores an invitation by its token's hash.
func (s *Store) CreateInvitation(ctx context.Context, projectID, by int64, hash []byte, role string, ttl time.Duration) (Invitation, error) {
	var id int64
	err := s.db.QueryRow(ctx, `
		INSERT INTO invitations (project_id, token_hash, role, created_by, expires_at)
		VALUES ($1, $2, $3, $4, now() + $5::interval) RETURNING id`,
		projectID, hash, role, by, ttl).Scan(&id)
	if err != nil {
		return Invitation{}, wrap("create invitation", err)
	}
	inv, err := one[Invitation](s.db.Query(ctx, `SELECT `+invitationColumns+` FROM invitations i WHERE i.id = $1`, id))
	return inv, wrap("create invitation", err)
}

// InvitationByHash finds a live (unused, unexpired) invitation.
func (s *Store) InvitationByHash(ctx context.Context, hash []byte) (Invitation, error) {
	inv, err := one[Invitation](s.db.Query(ctx, `SELECT `+invitationColumns+` FROM invitations i
		WHERE i.token_hash = $1 AND `+liveInvitation, hash))
	return inv, wrap("invitation", err)
}

// AcceptInvitation uses a live invitation: the user joins its project with its
// role (keeping a higher role they already hold there), once.
func (s *Store) AcceptInvitation(ctx context.Context, hash []byte, userID int64) (Invitation, error) {
	var inv Invitation
	err := s.Transact(ctx, func(tx *Store) error {
		var err error
		inv, err = one[Invitation](tx.db.Query(ctx, `UPDATE invitations i SET used_by = $2, used_at = now()
			WHERE i.token_hash = $1 AND `+liveInvitation+`
			RETURNING `+strings.Replace(invitationColumns, liveInvitation, "true", 1), hash, userID))
		if err != nil {
			return err
		}
		_, err = tx.db.Exec(ctx, `INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, $3)
			ON CONFLICT (project_id, user_id) DO UPDATE SET role = CASE WHEN project_members.role = 'manager' THEN 'manager' ELSE EXCLUDED.role END`,
			inv.ProjectID, userID, inv.Role)
		tx.changed(inv.ProjectID)
		return err
	})
	return inv, wrap("accept invitation", err)
}

// Invitations lists a project's invitations, newest first, live or not.
func (s *Store) Invitations(ctx context.Context, projectID int64) ([]Invitation, error) {
	invs, err := all[Invitation](s.db.Query(ctx, `SELECT `+invitationColumns+` FROM invitations i
		WHERE i.project_id = $1 ORDER BY i.id DESC LIMIT 200`, projectID))
	return invs, wrap("invitations", err)
}

// RevokeInvitation revokes an unused invitation of a project; ErrNotFound when
// there is none.
func (s *Store) RevokeInvitation(ctx context.Context, projectID, id int64) error {
	return wrap("revoke invitation", mustAffect(s.db.Exec(ctx, `UPDATE invitations SET revoked_at = now()
		WHERE id = $1 AND project_id = $2 AND used_at IS NULL AND revoked_at IS NULL`, id, projectID)))
}
