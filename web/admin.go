package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"concord/internal/auth"
	"concord/internal/store"
	"concord/web/link"
	"concord/web/problem"
	"concord/web/view"
)

// requireAdmin refuses everyone but admins.
func requireAdmin(r *http.Request) (store.User, error) {
	u, _ := auth.UserFrom(r.Context())
	if !auth.CanManageUsers(u) {
		return u, problem.Forbidden()
	}
	return u, nil
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderUsers(w, r, http.StatusOK, view.UsersModel{NewToken: s.sessions.PopString(r.Context(), "admin_token")})
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, status int, m view.UsersModel) error {
	if _, err := requireAdmin(r); err != nil {
		return err
	}
	us, err := s.store.Users(r.Context())
	if err != nil {
		return err
	}
	m.Users = us
	return render(w, r, status, view.Users(s.page(r, "Users"), m))
}

// createUser adds an account with a password the admin hands over.
func (s *Server) createUser(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireAdmin(r); err != nil {
		return err
	}
	email, role := strings.TrimSpace(r.PostFormValue("email")), r.PostFormValue("role")
	fail := func(msg string) error {
		return s.renderUsers(w, r, http.StatusUnprocessableEntity, view.UsersModel{Error: msg})
	}
	if email == "" || !strings.Contains(email, "@") {
		return fail("Give the new user's e-mail address.")
	}
	if !auth.IsRole(role) {
		return fail("Choose a role: admin, manager or annotator.")
	}
	hash, err := auth.HashPassword(r.PostFormValue("password"))
	if errors.Is(err, auth.ErrWeakPassword) {
		return fail("The password must have at least 8 characters.")
	}
	if err != nil {
		return err
	}
	if _, err := s.store.CreateUser(r.Context(), email, strings.TrimSpace(r.PostFormValue("name")), hash, role); errors.Is(err, store.ErrConflict) {
		return fail(email + " already has an account.")
	} else if err != nil {
		return err
	}
	s.flash(r, fmt.Sprintf("Account %s created.", email))
	return seeOther(w, r, link.Users())
}

// userAction disables, enables, changes the role of, resets the password of,
// or issues a token for one account.
func (s *Server) userAction(w http.ResponseWriter, r *http.Request) error {
	admin, err := requireAdmin(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(chi.URLParam(r, "user_id"), 10, 64)
	if err != nil {
		return notFound
	}
	target, err := s.store.UserByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return notFound
	}
	if err != nil {
		return err
	}
	ctx := r.Context()
	switch action := chi.URLParam(r, "action"); action {
	case "disable", "enable":
		if target.ID == admin.ID {
			return s.renderUsers(w, r, http.StatusUnprocessableEntity, view.UsersModel{Error: "You cannot disable your own account."})
		}
		err = s.store.SetUserDisabled(ctx, id, action == "disable")
		s.flash(r, fmt.Sprintf("%s %sd.", target.Email, action))
	case "role":
		role := r.PostFormValue("role")
		if !auth.IsRole(role) || target.ID == admin.ID {
			return s.renderUsers(w, r, http.StatusUnprocessableEntity, view.UsersModel{Error: "Choose a role for another account than yours."})
		}
		err = s.store.SetUserRole(ctx, id, role)
		s.flash(r, fmt.Sprintf("%s is now %s.", target.Email, role))
	case "password":
		hash, herr := auth.HashPassword(r.PostFormValue("password"))
		if errors.Is(herr, auth.ErrWeakPassword) {
			return s.renderUsers(w, r, http.StatusUnprocessableEntity, view.UsersModel{Error: "The new password must have at least 8 characters."})
		}
		if herr != nil {
			return herr
		}
		err = s.store.SetUserPassword(ctx, id, hash)
		s.flash(r, fmt.Sprintf("%s's password was reset.", target.Email))
	case "token":
		key, hash, prefix := auth.NewToken()
		_, err = s.store.CreateToken(ctx, id, hash, prefix)
		s.sessions.Put(ctx, "admin_token", target.Email+": "+key)
	default:
		return notFound
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, link.Users())
}
