package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"concord/internal/auth"
	"concord/internal/store"
	"concord/web/link"
	"concord/web/problem"
	"concord/web/view"
)

// bulkActions are what the task table can do to a selection, with the audit action of each.
var bulkActions = map[string]string{
	"delete":   "tasks.delete",
	"assign":   "tasks.assign",
	"unassign": "tasks.unassign",
}

// bulkTasks acts on the checked tasks, or on all tasks matching the view
// (all=1): first it answers a confirmation naming the count, then, posted
// again with that count, it acts batch by batch and records it in the audit log.
func (s *Server) bulkTasks(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.project(r, auth.ManageProject)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return problem.BadRequest("unreadable form")
	}
	action := r.PostForm.Get("action")
	audit, ok := bulkActions[action]
	if !ok {
		return problem.BadRequest("unknown bulk action %q (known: delete, assign, unassign)", action)
	}
	view0, _ := url.ParseQuery(r.PostForm.Get("view"))
	var q store.TaskQuery
	if r.PostForm.Get("all") == "1" {
		if q, err = tableQuery(p.ID, withParam(view0, "after", "")); err != nil {
			return err
		}
	} else {
		q = store.TaskQuery{ProjectID: p.ID, Selected: store.Selection{Only: true}}
		for _, v := range r.PostForm["task"] {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return problem.BadRequest("task: %q is not a task id", v)
			}
			q.Selected.Included = append(q.Selected.Included, id)
		}
		if len(q.Selected.Included) == 0 {
			return problem.BadRequest("no task selected: check some tasks, or choose all matching")
		}
	}
	var users []int64
	for _, v := range r.PostForm["user"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return problem.BadRequest("user: %q is not a user id", v)
		}
		users = append(users, id)
	}
	if action == "assign" && len(users) == 0 {
		return problem.BadRequest("assign: choose at least one annotator")
	}
	ctx := r.Context()
	count, err := s.store.CountTasks(ctx, q)
	if err != nil {
		return err
	}
	back := link.Tasks(p.ID) + "?" + view0.Encode()
	if r.PostForm.Get("confirm") != count.String() {
		d := view.BulkConfirmData{Project: p, Action: action, Count: count.String(), Form: r.PostForm, BackURL: back}
		return render(w, r, http.StatusOK, view.BulkConfirm(s.page(r, "Confirm"), d))
	}
	var done int64
	err = s.store.TaskIDs(ctx, q, store.BulkBatch, func(ids []int64) error {
		var n int64
		var err error
		switch action {
		case "delete":
			n, err = s.store.DeleteTasks(ctx, p.ID, ids)
		case "assign":
			n, err = s.store.AssignTasks(ctx, p.ID, ids, users)
		default:
			n, err = s.store.AssignTasks(ctx, p.ID, ids, nil)
		}
		done += n
		return err
	})
	if err != nil {
		return err
	}
	u, _ := auth.UserFrom(ctx)
	if err := s.store.Audit(ctx, u.ID, u.Email, audit, p.ID, map[string]any{"tasks": done, "users": users, "view": view0.Encode()}); err != nil {
		return err
	}
	s.flash(r, fmt.Sprintf("%s: %d tasks", action, done))
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}
