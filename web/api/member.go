package api

import (
	"errors"
	"net/http"
	"strings"

	"concord/internal/auth"
	"concord/internal/store"
	"concord/web/problem"
)

// memberJSON is one member of a project.
type memberJSON struct {
	UserID int64  `json:"user_id"`
	Email  string `json:"email"`
	Name   string `json:"name"`
	Role   string `json:"role"`
}

func (a *API) listMembers(w http.ResponseWriter, r *http.Request) error {
	p, err := a.projectOf(r, auth.ManageProject)
	if err != nil {
		return err
	}
	ms, err := a.store.Members(r.Context(), p.ID)
	if err != nil {
		return err
	}
	out := make([]memberJSON, len(ms))
	for i, m := range ms {
		out[i] = memberJSON{UserID: m.UserID, Email: m.Email, Name: m.Name, Role: m.Role}
	}
	return writeJSON(w, http.StatusOK, out)
}

// memberInput names a user by e-mail or id, and their role in the project.
type memberInput struct {
	Email  string `json:"email"`
	UserID int64  `json:"user_id"`
	Role   string `json:"role"`
}

func (a *API) addMember(w http.ResponseWriter, r *http.Request) error {
	p, err := a.projectOf(r, auth.ManageProject)
	if err != nil {
		return err
	}
	var in memberInput
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	m, err := AddMember(r, a.store, p.ID, in.Email, in.UserID, in.Role)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, memberJSON{UserID: m.UserID, Email: m.Email, Name: m.Name, Role: m.Role})
}

// AddMember gives the user named by e-mail or id a role in a project, checking
// that the user exists and that the account's role allows the project role.
func AddMember(r *http.Request, st *store.Store, projectID int64, email string, userID int64, role string) (store.Member, error) {
	if role == "" {
		role = store.RoleAnnotator
	}
	if !auth.IsMemberRole(role) {
		return store.Member{}, problem.Invalid(`role must be "manager" or "annotator"`, nil)
	}
	var u store.User
	var err error
	switch {
	case userID > 0:
		u, err = st.UserByID(r.Context(), userID)
	case strings.TrimSpace(email) != "":
		u, err = st.UserByEmail(r.Context(), strings.TrimSpace(email))
	default:
		return store.Member{}, problem.Invalid("name the user by email or user_id", nil)
	}
	if errors.Is(err, store.ErrNotFound) {
		return store.Member{}, problem.Invalid("no user has that e-mail or id; an admin creates accounts", nil)
	}
	if err != nil {
		return store.Member{}, err
	}
	if role == store.RoleManager && u.Role == store.RoleAnnotator {
		return store.Member{}, problem.Invalid(u.Email+" has an annotator account and cannot manage a project; an admin can change the account's role", nil)
	}
	if err := st.SetMember(r.Context(), projectID, u.ID, role); err != nil {
		return store.Member{}, err
	}
	return store.Member{ProjectID: projectID, UserID: u.ID, Email: u.Email, Name: u.Name, Role: role}, nil
}

func (a *API) removeMember(w http.ResponseWriter, r *http.Request) error {
	p, err := a.projectOf(r, auth.ManageProject)
	if err != nil {
		return err
	}
	uid, err := idParam(r, "user_id")
	if err != nil {
		return err
	}
	if err := a.store.RemoveMember(r.Context(), p.ID, uid); errors.Is(err, store.ErrNotFound) {
		return problem.NotFound("member")
	} else if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// listInvitations answers GET /api/projects/{id}/invitations: the project's
// invitation links (never their tokens), live or not.
func (a *API) listInvitations(w http.ResponseWriter, r *http.Request) error {
	p, err := a.projectOf(r, auth.ManageProject)
	if err != nil {
		return err
	}
	invs, err := a.store.Invitations(r.Context(), p.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, invs)
}

// revokeInvitation answers DELETE /api/projects/{id}/invitations/{invitation_id}.
func (a *API) revokeInvitation(w http.ResponseWriter, r *http.Request) error {
	p, err := a.projectOf(r, auth.ManageProject)
	if err != nil {
		return err
	}
	id, err := idParam(r, "invitation_id")
	if err != nil {
		return err
	}
	if err := a.store.RevokeInvitation(r.Context(), p.ID, id); errors.Is(err, store.ErrNotFound) {
		return problem.NotFound("unused invitation")
	} else if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
