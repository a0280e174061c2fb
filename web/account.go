package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"concord/internal/auth"
	"concord/internal/store"
	"concord/web/link"
	"concord/web/view"
)

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderAccount(w, r, http.StatusOK, view.AccountModel{NewToken: s.sessions.PopString(r.Context(), "new_token")})
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, m view.AccountModel) error {
	u, _ := auth.UserFrom(r.Context())
	ts, err := s.store.Tokens(r.Context(), u.ID)
	if err != nil {
		return err
	}
	m.Tokens = ts
	return render(w, r, status, view.Account(s.page(r, "Your account"), m))
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	u, _ := auth.UserFrom(r.Context())
	key, hash, prefix := auth.NewToken()
	if _, err := s.store.CreateToken(r.Context(), u.ID, hash, prefix); err != nil {
		return err
	}
	// Shown once, on the page the redirect leads to.
	s.sessions.Put(r.Context(), "new_token", key)
	return seeOther(w, r, link.Account())
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	u, _ := auth.UserFrom(r.Context())
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return notFound
	}
	if err := s.store.RevokeToken(r.Context(), u.ID, id); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	s.flash(r, "Token revoked.")
	return seeOther(w, r, link.Account())
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	u, _ := auth.UserFrom(r.Context())
	if !auth.CheckPassword(r.PostFormValue("current"), u.PasswordHash) {
		return s.renderAccount(w, r, http.StatusUnprocessableEntity, view.AccountModel{PasswordErr: "The current password is wrong."})
	}
	hash, err := auth.HashPassword(r.PostFormValue("new"))
	if errors.Is(err, auth.ErrWeakPassword) {
		return s.renderAccount(w, r, http.StatusUnprocessableEntity, view.AccountModel{PasswordErr: "The new password must have at least 8 characters."})
	}
	if err != nil {
		return err
	}
	if err := s.store.SetUserPassword(r.Context(), u.ID, hash); err != nil {
		return err
	}
	// The change moved the account's auth version (a database trigger):
	// every other session is signed out and every API token revoked. This
	// session carries on, under a new token and the new version.
	u, err = s.store.UserByID(r.Context(), u.ID)
	if err != nil {
		return err
	}
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	s.sessions.Put(r.Context(), sessionAuthVersion, u.AuthVersion)
	return s.renderAccount(w, r, http.StatusOK, view.AccountModel{PasswordMsg: "Password changed. Your other sessions are signed out and your API tokens revoked."})
}
