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
	"concord/web/api"
	"concord/web/link"
	"concord/web/problem"
	"concord/web/view"
)

func (s *Server) membersPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderMembers(w, r, http.StatusOK, "")
}

func (s *Server) renderMembers(w http.ResponseWriter, r *http.Request, status int, errMsg string) error {
	p, _, err := s.project(r, auth.ManageProject)
	if err != nil {
		return err
	}
	ms, err := s.store.Members(r.Context(), p.ID)
	if err != nil {
		return err
	}
	return render(w, r, status, view.Members(s.page(r, "Members of "+p.Title), p, ms, errMsg))
}

func (s *Server) addMember(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.project(r, auth.ManageProject)
	if err != nil {
		return err
	}
	m, err := api.AddMember(r, s.store, p.ID, r.PostFormValue("email"), 0, r.PostFormValue("role"))
	var pe *problem.Error
	if errors.As(err, &pe) && pe.Status == http.StatusUnprocessableEntity {
		return s.renderMembers(w, r, pe.Status, pe.Msg)
	}
	if err != nil {
		return err
	}
	s.flash(r, fmt.Sprintf("%s is now %s %s of this project.", m.Email, article(m.Role), m.Role))
	return seeOther(w, r, link.Members(p.ID))
}

func (s *Server) removeMember(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.project(r, auth.ManageProject)
	if err != nil {
		return err
	}
	uid, err := strconv.ParseInt(chi.URLParam(r, "user_id"), 10, 64)
	if err != nil {
		return notFound
	}
	if err := s.store.RemoveMember(r.Context(), p.ID, uid); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	s.flash(r, "Member removed.")
	return seeOther(w, r, link.Members(p.ID))
}

// article is "an" before a vowel, else "a".
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiouAEIOU", rune(word[0])) {
		return "an"
	}
	return "a"
}
