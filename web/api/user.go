package api

import (
	"net/http"
	"time"

	"concord/internal/auth"
	"concord/internal/store"
	"concord/web/problem"
)

// userJSON is a user as Label Studio's API shows one, plus Concord's role.
type userJSON struct {
	ID          int64      `json:"id"`
	Email       string     `json:"email"`
	Username    string     `json:"username"`
	FirstName   string     `json:"first_name"`
	LastName    string     `json:"last_name"`
	Role        string     `json:"role"`
	Active      bool       `json:"is_active"`
	LastLoginAt *time.Time `json:"last_activity"`
}

func toUserJSON(u store.User) userJSON {
	return userJSON{ID: u.ID, Email: u.Email, Username: u.Email, FirstName: u.Name, Role: u.Role,
		Active: u.DisabledAt == nil, LastLoginAt: u.LastLoginAt}
}

// userSimpleJSON is a user as Label Studio names one inside another object
// (a project's or an export's created_by): its UserSimple.
type userSimpleJSON struct {
	ID        int64   `json:"id"`
	Email     string  `json:"email"`
	Username  string  `json:"username"`
	FirstName string  `json:"first_name"`
	LastName  string  `json:"last_name"`
	Avatar    *string `json:"avatar"`
}

// userSimple names a creator; nil (JSON null) when there is none.
func userSimple(id *int64, email, name string) *userSimpleJSON {
	if id == nil {
		return nil
	}
	return &userSimpleJSON{ID: *id, Email: email, Username: email, FirstName: name}
}

func (a *API) whoami(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, toUserJSON(caller(r)))
}

func (a *API) listUsers(w http.ResponseWriter, r *http.Request) error {
	if !auth.CanManageUsers(caller(r)) {
		return problem.Forbidden()
	}
	us, err := a.store.Users(r.Context())
	if err != nil {
		return err
	}
	out := make([]userJSON, len(us))
	for i, u := range us {
		out[i] = toUserJSON(u)
	}
	return writeJSON(w, http.StatusOK, out)
}
