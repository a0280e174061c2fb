package web

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"

	"github.com/a-h/templ"

	"concord/internal/auth"
	"concord/web/view"
)

// page builds the layout model: the caller and the session's CSRF token,
// created on first use.
func (s *Server) page(r *http.Request, title string) view.Page {
	p := view.Page{Title: title}
	if r.Context().Value(sessionLoaded{}) == nil {
		return p // an error rendered outside the session middleware
	}
	p.CSRF = s.csrfToken(r)
	if u, ok := auth.UserFrom(r.Context()); ok {
		p.User = &u
	}
	p.URL = r.URL.RequestURI()
	if r.Header.Get("HX-Request") == "" { // an htmx refresh of a part leaves the flash to a page
		p.Flash = s.sessions.PopString(r.Context(), "flash")
	}
	return p
}

// sessionLoaded marks a request context that carries the session.
type sessionLoaded struct{}

func (s *Server) csrfToken(r *http.Request) string {
	tok := s.sessions.GetString(r.Context(), sessionCSRF)
	if tok == "" {
		b := make([]byte, 32)
		rand.Read(b)
		tok = hex.EncodeToString(b)
		s.sessions.Put(r.Context(), sessionCSRF, tok)
	}
	return tok
}

// flash leaves a message for the next page the user sees.
func (s *Server) flash(r *http.Request, msg string) { s.sessions.Put(r.Context(), "flash", msg) }

// render writes a page with a status.
func render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) error {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	return c.Render(r.Context(), w)
}

// seeOther redirects after a successful form post.
func seeOther(w http.ResponseWriter, r *http.Request, url string) error {
	http.Redirect(w, r, url, http.StatusSeeOther)
	return nil
}
