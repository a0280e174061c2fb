package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/go-chi/chi/v5/middleware"

	"concord/internal/auth"
	"concord/internal/store"
	"concord/static"
	"concord/web/problem"
)

// Session keys.
const (
	sessionUserID      = "user_id"
	sessionAuthVersion = "auth_version" // the user's AuthVersion at sign-in
	sessionCSRF        = "csrf"
)

// contentSecurityPolicy allows no inline script and no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		s.log.Info("request",
			"request_id", middleware.GetReqID(r.Context()),
			"method", r.Method,
			"path", r.URL.Path,
			"status", ww.Status(),
			"bytes", ww.BytesWritten(),
			"duration_ms", float64(time.Since(start).Microseconds())/1000,
			"remote", r.RemoteAddr,
		)
	})
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.renderError(w, r, fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), geolocation=(), microphone=()")
		if s.cfg.SecureCookies {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// authenticate puts the caller in the request's context: the owner of the API
// token in `Authorization: Token <key>`, else the session's user. A token that
// is wrong or revoked is refused outright.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), sessionLoaded{}, true)
		r = r.WithContext(ctx)
		if h := r.Header.Get("Authorization"); h != "" {
			key, ok := strings.CutPrefix(h, "Token ")
			if !ok {
				s.renderError(w, r, problem.Unauthorized(`use the header "Authorization: Token <key>"`))
				return
			}
			u, err := s.store.UserByTokenHash(ctx, auth.TokenHash(strings.TrimSpace(key)))
			if errors.Is(err, store.ErrNotFound) {
				s.renderError(w, r, s.wrongToken(r))
				return
			}
			if err != nil {
				s.renderError(w, r, err)
				return
			}
			if u.Kind == store.KindMLBackend && r.Method != http.MethodGet && r.Method != http.MethodHead {
				// An ML backend's token reads its project's tasks and media, nothing more.
				s.renderError(w, r, problem.New(http.StatusForbidden, "an ML backend's token may only read"))
				return
			}
			next.ServeHTTP(w, r.WithContext(auth.WithUser(ctx, u)))
			return
		}
		if id := s.sessions.GetInt64(ctx, sessionUserID); id != 0 {
			u, err := s.store.UserByID(ctx, id)
			switch {
			case err == nil && u.DisabledAt == nil && s.sessions.GetInt(ctx, sessionAuthVersion) == u.AuthVersion:
				ctx = auth.WithUser(ctx, u)
			case err == nil || errors.Is(err, store.ErrNotFound):
				// Disabled, gone, or the password changed since this session began.
				s.sessions.Remove(ctx, sessionUserID)
			default:
				s.renderError(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// csrf refuses state-changing requests that rely on the session cookie unless
// they come from our own pages: same origin (Sec-Fetch-Site / Origin) and
// carrying the session's token in X-CSRF-Token or the csrf_token form field.
// Requests authenticated by an API token carry no ambient credential and pass.
func (s *Server) csrf(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		if r.Header.Get("Authorization") != "" { // authenticate has checked the token
			next.ServeHTTP(w, r)
			return
		}
		if _, signedIn := auth.UserFrom(r.Context()); !signedIn && isAPI(r) {
			next.ServeHTTP(w, r) // no credentials at all: the API answers 401
			return
		}
		if err := s.crossOrigin.Check(r); err != nil {
			s.renderError(w, r, &problem.Error{Status: http.StatusForbidden, Msg: "cross-origin request refused", Err: err})
			return
		}
		want := s.sessions.GetString(r.Context(), sessionCSRF)
		got := r.Header.Get("X-CSRF-Token")
		if got == "" && strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
			// Reading a multipart form here would consume the upload: plain
			// upload forms carry the token in their action URL instead.
			got = r.URL.Query().Get("csrf_token")
		} else if got == "" {
			got = r.PostFormValue("csrf_token")
		}
		if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			s.renderError(w, r, problem.New(http.StatusForbidden, "missing or expired CSRF token: reload the page and try again"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) requirePageUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := auth.UserFrom(r.Context()); !ok {
			s.renderError(w, r, problem.Unauthorized("sign in first"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) requireAPIUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := auth.UserFrom(r.Context()); !ok {
			w.Header().Set("WWW-Authenticate", `Token realm="concord"`)
			s.renderError(w, r, problem.Unauthorized("authentication required: sign in or send Authorization: Token <key>"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// staticFiles serves embedded assets; no directory listings. Under the current
// version prefix (/static/<static.Version>/…) a file never changes, so it is
// cached for a year as immutable. Unversioned URLs, and those of an older
// version, serve the current file and must be revalidated (the ETag is the version).
func staticFiles(fsys fs.FS) http.Handler {
	files := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") || r.URL.Path == "" {
			http.NotFound(w, r)
			return
		}
		cache := "no-cache"
		if first, rest, ok := strings.Cut(r.URL.Path, "/"); ok && staticVersion.MatchString(first) {
			if first == static.Version {
				cache = "public, max-age=31536000, immutable"
			}
			r = r.Clone(r.Context())
			r.URL.Path = rest
			r.URL.RawPath = ""
		}
		w.Header().Set("Cache-Control", cache)
		w.Header().Set("ETag", `"`+static.Version+`"`)
		files.ServeHTTP(w, r)
	})
}

// staticVersion matches a version prefix of a static URL, current or past.
var staticVersion = regexp.MustCompile(`^[0-9a-f]{16}$`)
