package api

import (
	"net/http"

	"concord/internal/auth"
)

// listViews answers GET /api/dm/views?project={id}: the project's saved Data
// Manager views. Concord has no saved views yet, so the list is empty.
func (a *API) listViews(w http.ResponseWriter, r *http.Request) error {
	pid, err := parseID(r.URL.Query().Get("project"), "project")
	if err != nil {
		return err
	}
	if _, err := a.project(r, pid, auth.ViewProject); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, []any{})
}
