package store

import (
	"context"
	"time"
)

// Member is a user's membership of a project, with their role in it.
type Member struct {
	ProjectID int64     `db:"project_id"`
	UserID    int64     `db:"user_id"`
	Email     string    `db:"email"`
	Name      string    `db:"name"`
	Role      string    `db:"role"`
	CreatedAt time.Time `db:"created_at"`
}

// Membership finds a user's role in a project; ErrNotFound when not a member.
func (s *Store) Membership(ctx context.Context, projectID, userID int64) (string, error) {
	var role string
	err := s.db.QueryRow(ctx, `SELECT role FROM project_members WHERE project_id = $1 AND user_id = $2`, projectID, userID).Scan(&role)
	return role, wrap("membership", noRows(err))
}

// Members lists a project's members (accounts; not its ML backends'
// identities) by e-mail.
func (s *Store) Members(ctx context.Context, projectID int64) ([]Member, error) {
	ms, err := all[Member](s.db.Query(ctx, `
		SELECT m.project_id, m.user_id, u.email, u.name, m.role, m.created_at
		FROM project_members m JOIN users u ON u.id = m.user_id
		WHERE m.project_id = $1 AND u.kind = 'account' ORDER BY lower(u.email)`, projectID))
	return ms, wrap("members", err)
}

// SetMember adds a user to a project or changes their role in it.
func (s *Store) SetMember(ctx context.Context, projectID, userID int64, role string) error {
	return wrap("set member", s.addMember(ctx, projectID, userID, role))
}

func (s *Store) addMember(ctx context.Context, projectID, userID int64, role string) error {
	_, err := s.db.Exec(ctx, `
		INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, $3)
		ON CONFLICT (project_id, user_id) DO UPDATE SET role = EXCLUDED.role`, projectID, userID, role)
	s.changed(projectID)
	return err
}

// RemoveMember takes a user out of a project.
func (s *Store) RemoveMember(ctx context.Context, projectID, userID int64) error {
	err := mustAffect(s.db.Exec(ctx, `DELETE FROM project_members WHERE project_id = $1 AND user_id = $2`, projectID, userID))
	s.changed(projectID)
	return wrap("remove member", err)
}
