package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5/middleware"

	"concord/internal/auth"
	"concord/web/api"
	"concord/web/link"
	"concord/web/problem"
	"concord/web/view"
)

var (
	notFound         = problem.NotFound("page")
	methodNotAllowed = problem.New(http.StatusMethodNotAllowed, "this path does not take this method")
)

// adapt turns a handler that returns an error into an http.HandlerFunc that
// first enforces the route's audience (allow); the error is logged once and
// rendered as a page or, under /api, as JSON.
func (s *Server) adapt(aud auth.Audience, h func(http.ResponseWriter, *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r, err := s.allow(r, aud)
		if err == nil {
			err = h(w, r)
		}
		if err != nil {
			s.renderError(w, r, err)
		}
	}
}

// adaptAPI is adapt for the API's routes table.
func (s *Server) adaptAPI(aud auth.Audience, h api.HandlerFunc) http.HandlerFunc {
	return s.adapt(aud, h)
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	pe := problem.From(err)
	reqID := middleware.GetReqID(r.Context())
	if pe.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((pe.RetryAfter+time.Second-1)/time.Second)))
	}
	switch {
	case pe.Status == http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", "5")
		s.log.Warn("request deferred", "request_id", reqID, "method", r.Method, "path", r.URL.Path, "status", pe.Status, "err", err)
	case pe.Status >= 500:
		s.log.Error("request failed", "request_id", reqID, "method", r.Method, "path", r.URL.Path, "status", pe.Status, "err", err)
	case pe.Err != nil:
		s.log.Debug("request refused", "request_id", reqID, "path", r.URL.Path, "status", pe.Status, "err", err)
	}
	if isAPI(r) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(pe.Status)
		json.NewEncoder(w).Encode(map[string]any{"error": pe.Msg, "details": pe.Details, "request_id": reqID})
		return
	}
	if pe.Status == http.StatusUnauthorized {
		http.Redirect(w, r, link.SignIn(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(pe.Status)
	p := s.page(r, http.StatusText(pe.Status))
	view.ErrorPage(p, pe.Status, pe.Msg).Render(r.Context(), w)
}

// isAPI says the caller is a program (the API, the websocket), answered in JSON.
func isAPI(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/api" || r.URL.Path == "/ws"
}
