package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"concord/internal/auth"
	"concord/internal/store"
	"concord/web/problem"
)

// viewJSON is a saved view of the task table as Label Studio's /api/dm/views
// shows it: its data holds the title, "filters" {conjunction, items},
// "ordering", "hiddenColumns" and whatever else its clients keep there.
type viewJSON struct {
	ID        int64           `json:"id"`
	Project   int64           `json:"project"`
	User      *int64          `json:"user"`
	Data      json.RawMessage `json:"data"`
	CreatedAt time.Time       `json:"created_at"`
	UpdatedAt time.Time       `json:"updated_at"`
}

func toViewJSON(v store.TaskView) viewJSON {
	return viewJSON{ID: v.ID, Project: v.ProjectID, User: v.CreatedBy, Data: v.Data, CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt}
}

// viewBody is what POST and PATCH take: Label Studio's {project, data}.
type viewBody struct {
	Project int64           `json:"project"`
	Data    json.RawMessage `json:"data"`
}

// checkView validates a view's data for a project: 400 naming the bad title,
// filter, operator or ordering column.
func checkView(projectID int64, data json.RawMessage) error {
	if len(data) == 0 {
		return problem.BadRequest("data: a view needs data: {\"title\", \"filters\", \"ordering\", \"hiddenColumns\"}")
	}
	if _, _, err := store.ParseView(projectID, data); err != nil {
		return problem.BadRequest("%v", err)
	}
	return nil
}

// listViews answers GET /api/dm/views?project={id}: the project's saved views.
func (a *API) listViews(w http.ResponseWriter, r *http.Request) error {
	pid, err := parseID(r.URL.Query().Get("project"), "project")
	if err != nil {
		return err
	}
	if _, err := a.project(r, pid, auth.ManageProject); err != nil {
		return err
	}
	vs, err := a.store.TaskViews(r.Context(), pid)
	if err != nil {
		return err
	}
	out := make([]viewJSON, len(vs))
	for i, v := range vs {
		out[i] = toViewJSON(v)
	}
	return writeJSON(w, http.StatusOK, out)
}

// createView answers POST /api/dm/views: a new view of the project, shared
// with its managers.
func (a *API) createView(w http.ResponseWriter, r *http.Request) error {
	var b viewBody
	if err := readJSON(w, r, &b); err != nil {
		return err
	}
	if b.Project <= 0 {
		return problem.BadRequest("project: name the view's project by its id")
	}
	p, err := a.project(r, b.Project, auth.ManageProject)
	if err != nil {
		return err
	}
	if err := checkView(p.ID, b.Data); err != nil {
		return err
	}
	v, err := a.store.CreateTaskView(r.Context(), p.ID, caller(r).ID, b.Data)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, toViewJSON(v))
}

// view loads the view of the URL, if the caller manages its project.
func (a *API) view(r *http.Request) (store.TaskView, error) {
	id, err := idParam(r, "id")
	if err != nil {
		return store.TaskView{}, err
	}
	v, err := a.store.TaskViewByID(r.Context(), 0, id)
	if errors.Is(err, store.ErrNotFound) {
		return v, problem.NotFound("view")
	}
	if err != nil {
		return v, err
	}
	_, err = a.project(r, v.ProjectID, auth.ManageProject)
	return v, err
}

// getView answers GET /api/dm/views/{id}.
func (a *API) getView(w http.ResponseWriter, r *http.Request) error {
	v, err := a.view(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toViewJSON(v))
}

// updateView answers PATCH /api/dm/views/{id}: its data replaced (a view
// stays in its project).
func (a *API) updateView(w http.ResponseWriter, r *http.Request) error {
	v, err := a.view(r)
	if err != nil {
		return err
	}
	var b viewBody
	if err := readJSON(w, r, &b); err != nil {
		return err
	}
	if b.Project != 0 && b.Project != v.ProjectID {
		return problem.BadRequest("project: a view cannot move to another project")
	}
	if err := checkView(v.ProjectID, b.Data); err != nil {
		return err
	}
	if v, err = a.store.UpdateTaskView(r.Context(), v.ProjectID, v.ID, b.Data); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toViewJSON(v))
}

// deleteView answers DELETE /api/dm/views/{id}.
func (a *API) deleteView(w http.ResponseWriter, r *http.Request) error {
	v, err := a.view(r)
	if err != nil {
		return err
	}
	if err := a.store.DeleteTaskView(r.Context(), v.ProjectID, v.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
