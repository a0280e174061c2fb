package app

import (
	"context"
	"errors"

	"concord/internal/auth"
	"concord/internal/store"
)

// Project loads project id for the caller u and checks, with the one policy
// (auth.Access), that u may do act to it; it returns the project and u's role
// in it. A project the caller may not see is NotFound, so ids reveal nothing.
// A project that the route's audience check already loaded (WithProject) is
// checked again for act, without a query.
func Project(ctx context.Context, st *store.Store, u store.User, id int64, act auth.Action) (store.Project, string, error) {
	if c, ok := ctx.Value(checkedKey{}).(checked); ok && c.p.ID == id {
		return c.p, c.role, Allowed(u, c.role, act)
	}
	p, role, err := st.ProjectForUser(ctx, id, u.ID)
	if errors.Is(err, store.ErrNotFound) {
		return p, "", ErrNotFound("project")
	}
	if err != nil {
		return p, "", err
	}
	if err := Allowed(u, role, act); err != nil {
		return p, role, err
	}
	return p, role, nil
}

// Allowed is auth.Access as a domain error: nil, NotFound("project") or Forbidden.
func Allowed(u store.User, memberRole string, act auth.Action) error {
	switch auth.Access(u, memberRole, act) {
	case nil:
		return nil
	case auth.ErrHidden:
		return ErrNotFound("project")
	}
	return ErrForbidden()
}

// checkedKey keys the project a route's audience check loaded into a request's context.
type checkedKey struct{}

type checked struct {
	p    store.Project
	role string
}

// WithProject records in ctx a project that the route's audience check loaded,
// with the caller's role in it, so that Project need not load it again.
func WithProject(ctx context.Context, p store.Project, role string) context.Context {
	return context.WithValue(ctx, checkedKey{}, checked{p, role})
}
