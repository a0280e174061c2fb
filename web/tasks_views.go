package web

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"concord/internal/auth"
	"concord/internal/store"
	"concord/web/link"
	"concord/web/problem"
	"concord/web/view"
)

// tableForm is the task table's URL query that shows q: the inverse of tableQuery.
func tableForm(q store.TaskQuery) url.Values {
	form := url.Values{}
	if q.Search != "" {
		form.Set("q", q.Search)
	}
	if q.Conjunction != "" && q.Conjunction != "and" {
		form.Set("conj", q.Conjunction)
	}
	for _, f := range q.Filters {
		form.Add("f", f.Column)
		form.Add("op", f.Operator)
		form.Add("v", filterText(f.Value))
	}
	if q.Order.Column != "" {
		form.Set("sort", q.Order.Column)
	}
	if q.Order.Desc {
		form.Set("sort", cmp.Or(q.Order.Column, "tasks:id"))
		form.Set("desc", "1")
	}
	return form
}

// filterText writes a filter's JSON value as the table's form types it:
// "a..b" for a range, commas for a list, else the value itself.
func filterText(raw json.RawMessage) string {
	scalar := func(r json.RawMessage) string {
		var s string
		if json.Unmarshal(r, &s) == nil {
			return s
		}
		return string(r)
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil {
		var parts []string
		for _, x := range list {
			parts = append(parts, scalar(x))
		}
		return strings.Join(parts, ",")
	}
	var rng struct{ Min, Max json.RawMessage }
	if json.Unmarshal(raw, &rng) == nil && rng.Min != nil && rng.Max != nil {
		return scalar(rng.Min) + ".." + scalar(rng.Max)
	}
	return scalar(raw)
}

// hideable are the columns the table can hide (all but the task's own).
func hideable() []string {
	var keys []string
	for _, c := range view.TableColumns[1:] {
		keys = append(keys, c.Key)
	}
	return keys
}

// tableViews fills in the table's tabs (the project's saved views), the one
// shown (URL parameter tab), and the hidden columns: the shown view's, else
// the user's own for the project.
func (s *Server) tableViews(r *http.Request, projectID int64, form url.Values, d *view.TaskTableData) error {
	ctx := r.Context()
	vs, err := s.store.TaskViews(ctx, projectID)
	if err != nil {
		return err
	}
	tab := form.Get("tab")
	var hidden []string
	found := tab == ""
	for _, v := range vs {
		t, vd := viewTab(projectID, v)
		d.Tabs = append(d.Tabs, t)
		if tab == strconv.FormatInt(v.ID, 10) {
			d.Tab, hidden, found = t, vd.HiddenColumns.Explore, true
		}
	}
	if !found {
		return problem.BadRequest("tab: this project has no saved view %q", tab)
	}
	if d.Tab.ID == 0 {
		u, _ := auth.UserFrom(ctx)
		if hidden, err = s.store.HiddenTaskColumns(ctx, u.ID, projectID); err != nil {
			return err
		}
	}
	d.Hidden = map[string]bool{}
	for _, k := range hidden {
		d.Hidden[k] = true
	}
	return nil
}

// viewTab is a saved view as a tab: its link shows its filters and sort. A
// view whose filters Concord cannot read (saved by another client) shows unfiltered.
func viewTab(projectID int64, v store.TaskView) (view.ViewTab, store.ViewData) {
	vd, q, err := store.ParseView(projectID, v.Data)
	form := url.Values{}
	title := vd.Title
	if err == nil {
		form = tableForm(q)
	} else {
		title = fmt.Sprintf("%s (unreadable: %v)", cmp.Or(title, "untitled"), err)
	}
	form.Set("tab", strconv.FormatInt(v.ID, 10))
	return view.ViewTab{ID: v.ID, Title: title, URL: link.Tasks(projectID) + "?" + form.Encode()}, vd
}

// viewForm reads a view form: its title and the table's view (a URL query) it saves.
func viewForm(r *http.Request, projectID int64) (string, store.TaskQuery, error) {
	if err := r.ParseForm(); err != nil {
		return "", store.TaskQuery{}, problem.BadRequest("unreadable form")
	}
	v, _ := url.ParseQuery(r.PostForm.Get("view"))
	q, err := tableQuery(projectID, withParam(v, "after", ""))
	return r.PostForm.Get("title"), q, err
}

// saveView answers a view form: the view's data checked, then back to its tab.
func (s *Server) saveView(w http.ResponseWriter, r *http.Request, projectID int64, write func(data json.RawMessage) (store.TaskView, error), earlier json.RawMessage, hidden []string) error {
	title, q, err := viewForm(r, projectID)
	if err != nil {
		return err
	}
	data, err := store.ViewDataOf(earlier, title, q, hidden)
	if err != nil {
		return err
	}
	if _, _, err := store.ParseView(projectID, data); err != nil {
		return err
	}
	v, err := write(data)
	if err != nil {
		return err
	}
	t, _ := viewTab(projectID, v)
	s.flash(r, "View saved: "+t.Title)
	return seeOther(w, r, t.URL)
}

// createView saves the table's current filters, sort and columns as a new
// view of the project, shared with its managers.
func (s *Server) createView(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.project(r, auth.ManageProject)
	if err != nil {
		return err
	}
	u, _ := auth.UserFrom(r.Context())
	hidden, err := s.store.HiddenTaskColumns(r.Context(), u.ID, p.ID)
	if err != nil {
		return err
	}
	return s.saveView(w, r, p.ID, func(data json.RawMessage) (store.TaskView, error) {
		return s.store.CreateTaskView(r.Context(), p.ID, u.ID, data)
	}, nil, append([]string{}, hidden...))
}

// taskView finds the saved view of the URL among the project's.
func (s *Server) taskView(r *http.Request, projectID int64) (store.TaskView, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "view_id"), 10, 64)
	if err != nil {
		return store.TaskView{}, problem.NotFound("view")
	}
	v, err := s.store.TaskViewByID(r.Context(), projectID, id)
	if errors.Is(err, store.ErrNotFound) {
		return v, problem.NotFound("view")
	}
	return v, err
}

// updateView renames a saved view and saves the table's current filters and sort into it.
func (s *Server) updateView(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.project(r, auth.ManageProject)
	if err != nil {
		return err
	}
	v, err := s.taskView(r, p.ID)
	if err != nil {
		return err
	}
	return s.saveView(w, r, p.ID, func(data json.RawMessage) (store.TaskView, error) {
		return s.store.UpdateTaskView(r.Context(), p.ID, v.ID, data)
	}, v.Data, nil)
}

// deleteView deletes a saved view.
func (s *Server) deleteView(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.project(r, auth.ManageProject)
	if err != nil {
		return err
	}
	v, err := s.taskView(r, p.ID)
	if err != nil {
		return err
	}
	if err := s.store.DeleteTaskView(r.Context(), p.ID, v.ID); err != nil {
		return err
	}
	s.flash(r, "View deleted.")
	return seeOther(w, r, link.Tasks(p.ID))
}

// saveColumns keeps which columns the table shows: the shown view's (tab),
// else the user's own for the project.
func (s *Server) saveColumns(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.project(r, auth.ManageProject)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return problem.BadRequest("unreadable form")
	}
	keys := hideable()
	for _, k := range r.PostForm["show"] {
		if !slices.Contains(keys, k) {
			return problem.BadRequest("show: unknown column %q (known: %v)", k, keys)
		}
	}
	hidden := []string{}
	for _, k := range keys {
		if !slices.Contains(r.PostForm["show"], k) {
			hidden = append(hidden, k)
		}
	}
	back, _ := url.ParseQuery(r.PostForm.Get("view"))
	ctx := r.Context()
	if tab := back.Get("tab"); tab != "" {
		id, err := strconv.ParseInt(tab, 10, 64)
		if err != nil {
			return problem.BadRequest("tab: %q is not a view id", tab)
		}
		v, err := s.store.TaskViewByID(ctx, p.ID, id)
		if errors.Is(err, store.ErrNotFound) {
			return problem.NotFound("view")
		}
		if err != nil {
			return err
		}
		vd, q, err := store.ParseView(p.ID, v.Data)
		if err != nil {
			return err
		}
		data, err := store.ViewDataOf(v.Data, vd.Title, q, hidden)
		if err != nil {
			return err
		}
		if _, err := s.store.UpdateTaskView(ctx, p.ID, v.ID, data); err != nil {
			return err
		}
	} else {
		u, _ := auth.UserFrom(ctx)
		if err := s.store.SetHiddenTaskColumns(ctx, u.ID, p.ID, hidden); err != nil {
			return err
		}
	}
	return seeOther(w, r, link.Tasks(p.ID)+"?"+back.Encode())
}
