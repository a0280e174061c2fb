package web

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"concord/internal/auth"
	"concord/internal/store"
	"concord/web/link"
	"concord/web/view"
)

func (s *Server) signInPage(w http.ResponseWriter, r *http.Request) error {
	if _, ok := auth.UserFrom(r.Context()); ok {
		return seeOther(w, r, link.Projects())
	}
	return render(w, r, http.StatusOK, view.SignIn(s.page(r, "Sign in"), view.SignInForm{Next: localPath(r.URL.Query().Get("next"))}))
}

func (s *Server) signIn(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	email := strings.TrimSpace(r.PostFormValue("email"))
	password := r.PostFormValue("password")
	next := localPath(r.PostFormValue("next"))
	ip := clientIP(r)
	fail := func(status int, msg string) error {
		return render(w, r, status, view.SignIn(s.page(r, "Sign in"), view.SignInForm{Email: email, Next: next, Error: msg}))
	}
	// Failures slow down the address that made them, for that account (and,
	// past a higher bar, for every account): the password is not even checked
	// before the wait is over. Nobody else is slowed.
	now := s.now()
	pair, addr, err := s.store.AuthFailures(ctx, store.FailedPassword, email, ip, now.Add(-failureWindow))
	if err != nil {
		return err
	}
	if wait := max(pairBackoff.wait(pair, now), addrBackoff.wait(addr, now)); wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter(wait)))
		return fail(http.StatusTooManyRequests, fmt.Sprintf("Too many failed sign-ins from your address. Try again in %v.", time.Duration(retryAfter(wait))*time.Second))
	}
	u, err := s.store.UserByEmail(ctx, email)
	switch {
	case errors.Is(err, store.ErrNotFound):
		auth.CheckNoUser(password)
	case err != nil:
		return err
	}
	if err != nil || !auth.CheckPassword(password, u.PasswordHash) || u.DisabledAt != nil {
		if err := s.store.RecordAuthFailure(ctx, store.FailedPassword, email, ip, s.now()); err != nil {
			return err
		}
		return fail(http.StatusUnauthorized, "Wrong e-mail or password.")
	}
	// A new session token on sign-in defeats session fixation.
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, sessionUserID, u.ID)
	s.sessions.Put(ctx, sessionAuthVersion, u.AuthVersion)
	s.sessions.Remove(ctx, sessionCSRF)
	if err := s.store.ClearAuthFailures(ctx, email, ip); err != nil {
		return err
	}
	if err := s.store.TouchLogin(ctx, u.ID); err != nil {
		return err
	}
	if next == "" {
		next = link.Projects()
	}
	return seeOther(w, r, next)
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request) error {
	if err := s.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	if u, ok := auth.UserFrom(r.Context()); ok {
		// This session's websockets are re-checked, and closed.
		if err := s.store.NotifyAccess(r.Context(), u.ID); err != nil {
			s.log.Warn("sign-out not announced to websockets", "user_id", u.ID, "err", err)
		}
	}
	return seeOther(w, r, link.SignIn(""))
}

// localPath keeps a redirect target only if it is a path on this site.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return ""
	}
	return p
}

// clientIP is the peer's address. Forwarded headers are not trusted: anyone
// could set them to dodge throttling.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
