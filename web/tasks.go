package web

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"concord/internal/auth"
	"concord/internal/store"
	"concord/web/link"
	"concord/web/problem"
	"concord/web/view"
)

// tablePageSize is how many tasks one page of the task table shows.
const tablePageSize = 50

// tableQuery reads the task table's URL query into a store task query: q
// (search), conj (and/or), f/op/v (one filter each, in Label Studio's column
// and operator names), sort and desc, after (a keyset cursor).
func tableQuery(projectID int64, form url.Values) (store.TaskQuery, error) {
	q := store.TaskQuery{ProjectID: projectID, Conjunction: form.Get("conj"), Search: form.Get("q"), Limit: tablePageSize}
	cols, ops, vals := form["f"], form["op"], form["v"]
	for i, col := range cols {
		if col == "" {
			continue
		}
		op, val := "", ""
		if i < len(ops) {
			op = ops[i]
		}
		if i < len(vals) {
			val = vals[i]
		}
		f, err := tableFilter(col, op, val)
		if err != nil {
			return q, err
		}
		q.Filters = append(q.Filters, f)
	}
	q.Order = store.TaskOrder{Column: form.Get("sort"), Desc: form.Get("desc") == "1"}
	if a := form.Get("after"); a != "" {
		var c store.Cursor
		b, err := base64.RawURLEncoding.DecodeString(a)
		if err != nil || json.Unmarshal(b, &c) != nil {
			return q, problem.BadRequest("after: not a page cursor of this table")
		}
		q.After = &c
	}
	return q, q.Validate()
}

// tableFilter turns a form's filter (a value typed as text) into the JSON
// value Label Studio's filter language takes: "a..b" for in/not_in, commas
// for in_list/not_in_list, true/false for empty (blank: true).
func tableFilter(col, op, val string) (store.TaskFilter, error) {
	typ, member, err := store.ColumnType(col)
	if err != nil {
		return store.TaskFilter{}, &store.QueryError{Msg: "filter: " + err.Error()}
	}
	elem := typ
	if typ == "List" {
		elem = member
	}
	scalar := func(s string) any {
		s = strings.TrimSpace(s)
		if elem == "Number" {
			if n, err := strconv.ParseFloat(s, 64); err == nil {
				return n
			}
		}
		if elem == "Boolean" && (s == "true" || s == "false") {
			return s == "true"
		}
		return s
	}
	var v any
	switch op {
	case "empty":
		v = strings.TrimSpace(val) != "false"
	case "in", "not_in":
		lo, hi, _ := strings.Cut(val, "..")
		v = map[string]any{"min": scalar(lo), "max": scalar(hi)}
	case "in_list", "not_in_list":
		var list []any
		for _, s := range strings.Split(val, ",") {
			list = append(list, scalar(s))
		}
		v = list
	default:
		v = scalar(val)
	}
	b, _ := json.Marshal(v)
	return store.TaskFilter{Column: col, Operator: op, Type: typ, Value: b}, nil
}

func encodeCursor(c store.Cursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// withParam is the URL query form with key set to value ("" removes it).
func withParam(form url.Values, key, value string) url.Values {
	q := url.Values{}
	for k, v := range form {
		q[k] = v
	}
	if value == "" {
		q.Del(key)
	} else {
		q.Set(key, value)
	}
	return q
}

// tasksPage is the task table: a project's tasks, filtered, searched, sorted
// and paged by keyset, for its managers and admins.
func (s *Server) tasksPage(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.project(r, auth.ManageProject)
	if err != nil {
		return err
	}
	form := r.URL.Query()
	q, err := tableQuery(p.ID, form)
	if err != nil {
		return err
	}
	ctx := r.Context()
	q.Limit = tablePageSize + 1 // one more tells whether there is a next page
	rows, err := s.store.FindTasks(ctx, q)
	if err != nil {
		return err
	}
	count, err := s.store.CountTasks(ctx, q)
	if err != nil {
		return err
	}
	d := view.TaskTableData{Project: p, Search: q.Search, Conj: q.Conjunction, Sort: q.Order.Column, Desc: q.Order.Desc,
		Count: count.String(), Columns: store.ColumnNames(), View: withParam(form, "after", "").Encode()}
	if err := s.tableViews(r, p.ID, form, &d); err != nil {
		return err
	}
	for i, f := range q.Filters {
		d.Filters = append(d.Filters, view.TableFilter{Column: f.Column, Op: f.Operator, Value: form["v"][i]})
	}
	if len(rows) > tablePageSize {
		rows = rows[:tablePageSize]
		d.NextURL = r.URL.Path + "?" + withParam(form, "after", encodeCursor(rows[len(rows)-1].Cursor())).Encode()
	}
	if q.After != nil {
		d.FirstURL = r.URL.Path + "?" + withParam(form, "after", "").Encode()
	}
	ids := make([]int64, len(rows))
	for i, t := range rows {
		ids[i] = t.ID
	}
	extras, err := s.store.TaskExtras(ctx, p.ID, ids)
	if err != nil {
		return err
	}
	for _, t := range rows {
		d.Rows = append(d.Rows, tableRow(t, extras[t.ID]))
	}
	ms, err := s.store.Members(ctx, p.ID)
	if err != nil {
		return err
	}
	for _, m := range ms {
		d.Annotators = append(d.Annotators, view.Person{ID: m.UserID, Email: m.Email})
	}
	if d.Bulk, err = s.store.BulkActions(ctx, p.ID, 5); err != nil {
		return err
	}
	return render(w, r, http.StatusOK, view.TaskTable(s.page(r, "Tasks of "+p.Title), d))
}

func tableRow(t store.TaskRow, x store.TaskExtra) view.TaskRow {
	row := view.TaskRow{ID: t.ID, Preview: preview(t.Data), Annotations: t.DoneCount, Annotators: strings.Join(x.Annotators, ", "),
		Labels: strings.Join(x.Labels, ", "), Predicted: strings.Join(x.Predicted, ", "), Review: stateOrDash(t.ReviewState),
		GroundTruth: x.GroundTruth, Skipped: x.Skipped, Assignees: strings.Join(x.Assignees, ", "),
		Created: t.CreatedAt.UTC().Format(time.DateTime), Updated: t.UpdatedAt.UTC().Format(time.DateTime), Agreement: "—", Score: "—"}
	if t.Agreement != nil {
		row.Agreement = fmt.Sprintf("%.3f", *t.Agreement)
	}
	if x.Score != nil {
		row.Score = fmt.Sprintf("%.3f", *x.Score)
	}
	if x.ModelVersion != nil {
		row.Model = *x.ModelVersion
	}
	return row
}

func stateOrDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// taskDetailPage shows one task of the table with its annotations side by
// side (the review page's view) and links to the previous and next task of
// the same filtered, sorted view.
func (s *Server) taskDetailPage(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.project(r, auth.ManageProject)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(chi.URLParam(r, "task_id"), 10, 64)
	if err != nil {
		return problem.NotFound("task")
	}
	ctx := r.Context()
	t, err := s.store.TaskByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && t.ProjectID != p.ID) {
		return problem.NotFound("task")
	}
	if err != nil {
		return err
	}
	form := r.URL.Query()
	q, err := tableQuery(p.ID, withParam(form, "after", ""))
	if err != nil {
		return err
	}
	// The task's own cursor places it in the view; one row each way is its neighbour.
	here, err := s.store.FindTasks(ctx, withSelection(q, id))
	if err != nil {
		return err
	}
	d := view.TaskDetailData{Project: p, TaskID: id, Preview: string(t.Data), BackURL: link.Tasks(p.ID) + "?" + form.Encode(),
		ReviewURL: link.ReviewTask(p.ID, id)}
	if len(here) == 1 {
		c := here[0].Cursor()
		for _, dir := range []bool{false, true} {
			nq := q
			nq.Limit, nq.After = 1, &c
			if dir {
				nq.Order.Desc = !nq.Order.Desc
			}
			n, err := s.store.FindTasks(ctx, nq)
			if err != nil {
				return err
			}
			if len(n) == 1 {
				u := link.Task(p.ID, n[0].ID) + "?" + form.Encode()
				if dir {
					d.PrevURL = u
				} else {
					d.NextURL = u
				}
			}
		}
	}
	if len(here) == 0 { // not in the view: show it all the same, without neighbours
		if here, err = s.store.FindTasks(ctx, withSelection(store.TaskQuery{ProjectID: p.ID}, id)); err != nil {
			return err
		}
	}
	extras, err := s.store.TaskExtras(ctx, p.ID, []int64{id})
	if err != nil {
		return err
	}
	if len(here) == 1 {
		d.Row = tableRow(here[0], extras[id])
	}
	if d.Drafts, err = s.store.TaskDrafts(ctx, p.ID, id); err != nil {
		return err
	}
	if d.History, err = s.store.TaskHistory(ctx, p.ID, id); err != nil {
		return err
	}
	return render(w, r, http.StatusOK, view.TaskDetail(s.page(r, fmt.Sprintf("Task #%d", id)), d))
}

// withSelection narrows q to one task.
func withSelection(q store.TaskQuery, id int64) store.TaskQuery {
	q.Selected = store.Selection{Only: true, Included: []int64{id}}
	q.Limit = 1
	return q
}
