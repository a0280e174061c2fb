package store

import "context"

// projectKey is a project and a user asking for it.
type projectKey struct{ project, user int64 }

// projectRole is a project and a user's role in it.
type projectRole struct {
	p    Project
	role string
}

// ForgetProject drops what this process remembers of a project (0: of every
// project); live.Listen calls it for each concord_projects notification, and
// with 0 after reconnecting, when notifications may have been missed.
func (s *Store) ForgetProject(id int64) {
	if s.projects != nil {
		s.projects.forget(func(k projectKey, _ projectRole) bool { return id == 0 || k.project == id })
	}
}

// changed makes this process forget a project once the change being written
// to it (its settings, members, task count, webhooks or ML backends) commits.
func (s *Store) changed(id int64) {
	s.afterCommit(func() { s.ForgetProject(id) })
}

// ProjectForUser finds a project and the user's role in it ("" when not a
// member), with whether hooks hear of its new annotations, in one query; on
// the pool, from this process's memory when it holds them (memoTTL): the
// annotator's hot path then reads neither projects nor project_members.
func (s *Store) ProjectForUser(ctx context.Context, id, userID int64) (Project, string, error) {
	if s.tx != nil || s.projects == nil {
		return s.projectForUser(ctx, id, userID)
	}
	pr, err := s.projects.load(ctx, projectKey{id, userID}, func(ctx context.Context) (projectRole, error) {
		p, role, err := s.projectForUser(ctx, id, userID)
		return projectRole{p, role}, err
	})
	return pr.p, pr.role, err
}

func (s *Store) projectForUser(ctx context.Context, id, userID int64) (Project, string, error) {
	type row struct {
		Project
		MemberRole string `db:"member_role"`
		Hooks      bool   `db:"hooks"`
	}
	r, err := one[row](s.db.Query(ctx, `SELECT `+projectColumns+`, coalesce(m.role, '') AS member_role,
			EXISTS (SELECT 1 FROM webhooks w WHERE w.project_id = p.id AND 'annotation.created' = ANY (w.events))
			OR EXISTS (SELECT 1 FROM ml_backends b WHERE b.project_id = p.id) AS hooks
		`+projectFrom+` LEFT JOIN project_members m ON m.project_id = p.id AND m.user_id = $2
		WHERE p.id = $1`, id, userID))
	r.Project.AnnotationHooks = r.Hooks
	return r.Project, r.MemberRole, wrap("project for user", err)
}
