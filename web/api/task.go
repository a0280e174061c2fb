package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"concord/internal/auth"
	"concord/internal/job"
	"concord/internal/store"
	"concord/web/problem"
)

// Page sizes of task listings.
const (
	defaultPageSize = 100
	maxPageSize     = 1000
)

// taskJSON is a task as Label Studio's API shows it.
type taskJSON struct {
	ID               int64            `json:"id"`
	Project          int64            `json:"project"`
	Data             json.RawMessage  `json:"data"`
	IsLabeled        bool             `json:"is_labeled"`
	TotalAnnotations int              `json:"total_annotations"`
	Annotations      []annotationJSON `json:"annotations"`
	Predictions      []predictionJSON `json:"predictions"`
	CreatedAt        time.Time        `json:"created_at"`
	UpdatedAt        time.Time        `json:"updated_at"`
}

func toTaskJSON(t store.Task) taskJSON {
	return taskJSON{ID: t.ID, Project: t.ProjectID, Data: t.Data, IsLabeled: t.IsFull, TotalAnnotations: t.DoneCount,
		Annotations: []annotationJSON{}, Predictions: []predictionJSON{}, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
}

// withWork gives tasks their annotations (those the caller may see: all for a
// manager or where the project shows annotators each other's work, else their
// own) and predictions, as Label Studio's task answers carry them.
func (a *API) withWork(r *http.Request, p store.Project, ts []store.Task) ([]taskJSON, error) {
	out := make([]taskJSON, len(ts))
	ids := make([]int64, len(ts))
	at := make(map[int64]*taskJSON, len(ts))
	for i, t := range ts {
		out[i] = toTaskJSON(t)
		ids[i], at[t.ID] = t.ID, &out[i]
	}
	if len(ts) == 0 {
		return out, nil
	}
	anns, err := a.store.AnnotationsOfTasks(r.Context(), ids)
	if err != nil {
		return nil, err
	}
	u := caller(r)
	all := p.ShowOthers || a.mayManage(r, p)
	for _, ann := range anns {
		if all || (ann.CompletedBy != nil && *ann.CompletedBy == u.ID) {
			at[ann.TaskID].Annotations = append(at[ann.TaskID].Annotations, toAnnotationJSON(ann))
		}
	}
	preds, err := a.store.PredictionsOfTasks(r.Context(), ids)
	if err != nil {
		return nil, err
	}
	for _, pr := range preds {
		at[pr.TaskID].Predictions = append(at[pr.TaskID].Predictions, toPredictionJSON(pr))
	}
	return out, nil
}

// mayManage says the caller manages project p.
func (a *API) mayManage(r *http.Request, p store.Project) bool {
	u := caller(r)
	role, _ := a.store.Membership(r.Context(), p.ID, u.ID)
	return auth.Can(u, role, auth.ManageProject)
}

// listTasks answers GET /api/tasks?project=ID, a page at a time: page and
// page_size as in Label Studio, or after=<last id> to walk a large project at
// constant cost per page. query is Label Studio's Data Manager query
// (filters, ordering, selectedItems), run by the store's task query engine.
func (a *API) listTasks(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	pid, err := parseID(q.Get("project"), "project")
	if err != nil {
		return err
	}
	p, err := a.project(r, pid, auth.ViewProject)
	if err != nil {
		return err
	}
	size, err := intParam(q.Get("page_size"), defaultPageSize, 1, maxPageSize, "page_size")
	if err != nil {
		return err
	}
	page, err := intParam(q.Get("page"), 1, 1, 1<<30, "page")
	if err != nil {
		return err
	}
	var after int64
	if s := q.Get("after"); s != "" {
		if after, err = strconv.ParseInt(s, 10, 64); err != nil || after < 0 {
			return problem.BadRequest("after must be a task id")
		}
	}
	tq, err := store.ParseDMQuery(pid, q.Get("query"))
	if err != nil {
		return err
	}
	tq.Offset, tq.Limit = (page-1)*size, size
	if after > 0 {
		if tq.Order != (store.TaskOrder{}) {
			return problem.BadRequest("after pages by id: it cannot be combined with an ordering")
		}
		tq.After = &store.Cursor{ID: after}
	}
	found, err := a.store.FindTasks(r.Context(), tq)
	if err != nil {
		return err
	}
	if len(found) == 0 && page > 1 {
		// Label Studio's clients page until a 404.
		return problem.NotFound("page")
	}
	total := p.TaskCount
	if q.Get("query") != "" {
		n, err := a.store.CountTasks(r.Context(), tq)
		if err != nil {
			return err
		}
		total = n.N
	}
	ts := make([]store.Task, len(found))
	for i, t := range found {
		ts[i] = t.Task
	}
	if q.Get("include") == "id" {
		ids := make([]map[string]int64, len(ts))
		for i, t := range ts {
			ids[i] = map[string]int64{"id": t.ID}
		}
		return writeJSON(w, http.StatusOK, map[string]any{"tasks": ids, "total": total})
	}
	out, err := a.withWork(r, p, ts)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"tasks": out, "total": total})
}

// projectTasks answers GET /api/projects/{id}/tasks as Label Studio does: a
// plain list of a page of tasks with their annotations and predictions.
func (a *API) projectTasks(w http.ResponseWriter, r *http.Request) error {
	p, err := a.projectOf(r, auth.ViewProject)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	size, err := intParam(q.Get("page_size"), defaultPageSize, 1, maxPageSize, "page_size")
	if err != nil {
		return err
	}
	page, err := intParam(q.Get("page"), 1, 1, 1<<30, "page")
	if err != nil {
		return err
	}
	ts, err := a.store.Tasks(r.Context(), store.TaskPage{ProjectID: p.ID, Offset: (page - 1) * size, Limit: size})
	if err != nil {
		return err
	}
	if len(ts) == 0 && page > 1 {
		return problem.NotFound("page")
	}
	out, err := a.withWork(r, p, ts)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

func intParam(s string, def, lo, hi int, name string) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, problem.BadRequest("%s must be an integer from %d to %d", name, lo, hi)
	}
	return n, nil
}

// taskInput is the body of POST /api/tasks, as in Label Studio.
type taskInput struct {
	Project int64          `json:"project"`
	Data    map[string]any `json:"data"`
}

func (a *API) createTask(w http.ResponseWriter, r *http.Request) error {
	var in taskInput
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	if in.Project <= 0 {
		return problem.Invalid("project: give the id of the project", nil)
	}
	if _, err := a.project(r, in.Project, auth.ManageProject); err != nil {
		return err
	}
	if len(in.Data) == 0 {
		return problem.Invalid("data: give a JSON object of the task's fields", nil)
	}
	var t store.Task
	err := a.store.Transact(r.Context(), func(tx *store.Store) error {
		var err error
		if t, err = tx.CreateTask(r.Context(), in.Project, in.Data); err != nil {
			return err
		}
		return job.Notify(r.Context(), a.jobs, tx, in.Project, job.EventTasksCreated, map[string]any{"task": t.ID, "count": 1})
	})
	if errors.Is(err, store.ErrConflict) {
		return problem.Conflict("the project already has a task with exactly this data")
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, toTaskJSON(t))
}

// task loads the task of the URL and its project, checking the caller may do
// act to the project; a task the caller may not see is not found.
func (a *API) task(r *http.Request, act auth.Action) (store.Task, store.Project, error) {
	return inProject(a, r, act, "task", a.store.TaskByID, func(t store.Task) int64 { return t.ProjectID })
}

// inProject loads the thing (what) named by the URL's {id} with byID, and its
// project (projectOf), checking the caller may do act to the project; a thing
// of a project the caller may not see is not found.
func inProject[T any](a *API, r *http.Request, act auth.Action, what string, byID func(context.Context, int64) (T, error), projectOf func(T) int64) (T, store.Project, error) {
	id, err := idParam(r, "id")
	if err != nil {
		var zero T
		return zero, store.Project{}, err
	}
	v, err := byID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return v, store.Project{}, problem.NotFound(what)
	}
	if err != nil {
		return v, store.Project{}, err
	}
	p, err := a.project(r, projectOf(v), act)
	if pe := problem.From(err); err != nil && pe.Status == http.StatusNotFound {
		return v, p, problem.NotFound(what)
	}
	return v, p, err
}

func (a *API) getTask(w http.ResponseWriter, r *http.Request) error {
	t, p, err := a.task(r, auth.ViewProject)
	if err != nil {
		return err
	}
	out, err := a.withWork(r, p, []store.Task{t})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out[0])
}

// updateTask answers PATCH /api/tasks/{id}: {"data": {...}} replaces the
// task's data (project managers only); other fields are refused by name.
func (a *API) updateTask(w http.ResponseWriter, r *http.Request) error {
	t, p, err := a.task(r, auth.ManageProject)
	if err != nil {
		return err
	}
	var in map[string]json.RawMessage
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	var data map[string]any
	for k, v := range in {
		switch k {
		case "data":
			if err := json.Unmarshal(v, &data); err != nil || len(data) == 0 {
				return problem.Invalid("data: give a JSON object of the task's fields", nil)
			}
		case "id", "project":
			// Label Studio's clients echo these back; they cannot change.
		default:
			return problem.Invalid(fmt.Sprintf("%s: changing this field of a task is not supported; only data can change", k), nil)
		}
	}
	if data != nil {
		if t, err = a.store.UpdateTaskData(r.Context(), t.ID, data); errors.Is(err, store.ErrConflict) {
			return problem.Conflict("the project already has a task with exactly this data")
		} else if err != nil {
			return err
		}
	}
	out, err := a.withWork(r, p, []store.Task{t})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out[0])
}

// taskAnnotations answers GET /api/tasks/{id}/annotations: the annotations of
// the task the caller may see.
func (a *API) taskAnnotations(w http.ResponseWriter, r *http.Request) error {
	t, p, err := a.task(r, auth.ViewProject)
	if err != nil {
		return err
	}
	out, err := a.withWork(r, p, []store.Task{t})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out[0].Annotations)
}

func (a *API) deleteTask(w http.ResponseWriter, r *http.Request) error {
	t, p, err := a.task(r, auth.ManageProject)
	if err != nil {
		return err
	}
	err = a.store.Transact(r.Context(), func(tx *store.Store) error {
		if err := tx.DeleteTask(r.Context(), t.ID); err != nil {
			return err
		}
		return job.EnqueueAgreement(r.Context(), a.jobs, tx, p.ID)
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
