package web

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"concord/internal/auth"
	"concord/internal/store"
	"concord/web/link"
	"concord/web/problem"
	"concord/web/view"
)

// invitationTTL is how long an invitation link works.
const invitationTTL = 7 * 24 * time.Hour

// invite makes a single-use link to join the project with a role; the link is
// shown once, on the members page.
func (s *Server) invite(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.project(r, auth.ManageProject)
	if err != nil {
		return err
	}
	role := r.PostFormValue("role")
	if !auth.IsMemberRole(role) {
		return s.renderMembers(w, r, http.StatusUnprocessableEntity, `Choose the role "annotator" or "manager".`)
	}
	u, _ := auth.UserFrom(r.Context())
	key, hash, _ := auth.NewToken()
	if _, err := s.store.CreateInvitation(r.Context(), p.ID, u.ID, hash, role, invitationTTL); err != nil {
		return err
	}
	invite := s.cfg.PublicURL() + link.Invite(key)
	s.flash(r, fmt.Sprintf("Invitation link (single use, valid 7 days, joins as %s): %s", role, invite))
	return seeOther(w, r, link.Members(p.ID))
}

// invitationPage shows a signed-in user what an invitation link offers.
func (s *Server) invitationPage(w http.ResponseWriter, r *http.Request) error {
	inv, p, err := s.invitation(r)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, view.Invitation(s.page(r, "Join "+p.Title), p, inv.Role, chi.URLParam(r, "token")))
}

// acceptInvitation joins the project.
func (s *Server) acceptInvitation(w http.ResponseWriter, r *http.Request) error {
	inv, p, err := s.invitation(r)
	if err != nil {
		return err
	}
	u, _ := auth.UserFrom(r.Context())
	if inv.Role == store.RoleManager && u.Role == store.RoleAnnotator {
		return problem.New(http.StatusForbidden, "this invitation makes a manager, and your account is an annotator's: ask an admin to change your account's role")
	}
	if _, err := s.store.AcceptInvitation(r.Context(), auth.TokenHash(chi.URLParam(r, "token")), u.ID); err != nil {
		return problem.NotFound("invitation")
	}
	s.flash(r, fmt.Sprintf("You joined %s.", p.Title))
	return seeOther(w, r, link.Project(p.ID))
}

// invitation finds the live invitation of the URL and its project; a used,
// expired or unknown link is not found.
func (s *Server) invitation(r *http.Request) (store.Invitation, store.Project, error) {
	inv, err := s.store.InvitationByHash(r.Context(), auth.TokenHash(chi.URLParam(r, "token")))
	if errors.Is(err, store.ErrNotFound) {
		return inv, store.Project{}, problem.New(http.StatusNotFound, "this invitation link is unknown, used or expired: ask for a new one")
	}
	if err != nil {
		return inv, store.Project{}, err
	}
	p, err := s.store.ProjectByID(r.Context(), inv.ProjectID)
	return inv, p, err
}
