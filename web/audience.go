package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"concord/internal/app"
	"concord/internal/auth"
	"concord/web/problem"
)

// allow enforces a route's declared audience before its handler runs: the
// account's part (auth.Admit) on every route, and, on routes whose URL names
// the project (/projects/{id}/…, /api/projects/{id}/…), the caller's
// membership with the one policy (app.Project). The project it loads rides in
// the returned request's context, so the handler's own app.Project call costs
// no query. Routes that reach their project through a task, an annotation or a
// body field check it in the handler with the same app.Project.
func (s *Server) allow(r *http.Request, aud auth.Audience) (*http.Request, error) {
	u, signedIn := auth.UserFrom(r.Context())
	switch auth.Admit(aud, u, signedIn) {
	case nil:
	case auth.ErrSignIn:
		return r, problem.Unauthorized("sign in first")
	default:
		return r, problem.Forbidden()
	}
	act, ok := aud.Action()
	if !ok || !namesProject(r) {
		return r, nil
	}
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		return r, nil // the handler refuses the malformed id its own way
	}
	p, role, err := app.Project(r.Context(), s.store, u, id, act)
	if err != nil {
		return r, err
	}
	return r.WithContext(app.WithProject(r.Context(), p, role)), nil
}

// namesProject reports whether the matched route's {id} is a project's.
func namesProject(r *http.Request) bool {
	rc := chi.RouteContext(r.Context())
	if rc == nil {
		return false
	}
	pattern := strings.TrimPrefix(rc.RoutePattern(), "/api")
	return pattern == "/projects/{id}" || strings.HasPrefix(pattern, "/projects/{id}/")
}
