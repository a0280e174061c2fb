package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/riverqueue/river"

	"concord/internal/app"
	"concord/internal/auth"
	"concord/internal/job"
	"concord/internal/store"
	"concord/web/api"
	"concord/web/link"
	"concord/web/problem"
	"concord/web/view"
)

// bulkInline is the largest selection a bulk action changes within the
// request; a larger one runs as a job whose progress the table shows.
const bulkInline = 1000

// bulkActionNames lists the task table's bulk actions: those job.RunBulk
// runs, and train, prelabel and export, which enqueue their own jobs.
var bulkActionNames = []string{"assign", "unassign", "delete", "delete_annotations", "delete_predictions", "review", "gold", "ungold", "train", "prelabel", "export"}

// bulkSelection is the selection a bulk form names: the checked tasks, or
// all tasks matching the table's view (all=1).
func bulkSelection(projectID int64, form url.Values) (store.TaskQuery, url.Values, error) {
	view0, _ := url.ParseQuery(form.Get("view"))
	if form.Get("all") == "1" {
		q, err := tableQuery(projectID, withParam(view0, "after", ""))
		q.Limit = 0
		return q, view0, err
	}
	q := store.TaskQuery{ProjectID: projectID, Selected: store.Selection{Only: true}}
	for _, v := range form["task"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return q, view0, problem.BadRequest("task: %q is not a task id", v)
		}
		q.Selected.Included = append(q.Selected.Included, id)
	}
	if len(q.Selected.Included) == 0 {
		return q, view0, problem.BadRequest("no task selected: check some tasks, or choose all matching")
	}
	return q, view0, nil
}

// bulkTasks acts on the checked tasks, or on all tasks matching the view
// (all=1): first it answers a confirmation naming the count, then, posted
// again with that count, it acts (in the request for up to bulkInline tasks,
// else as a job with progress), recorded in the audit log. Only tasks of the
// page's project are ever changed.
func (s *Server) bulkTasks(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.project(r, auth.ManageProject)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return problem.BadRequest("unreadable form")
	}
	action := r.PostForm.Get("action")
	if !job.IsBulkAction(action) && action != "train" && action != "prelabel" && action != "export" {
		return problem.BadRequest("unknown bulk action %q (known: %v)", action, bulkActionNames)
	}
	q, view0, err := bulkSelection(p.ID, r.PostForm)
	if err != nil {
		return err
	}
	var params job.BulkParams
	for _, v := range r.PostForm["user"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return problem.BadRequest("user: %q is not a user id", v)
		}
		params.Users = append(params.Users, id)
	}
	if action == "assign" && len(params.Users) == 0 {
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
	u, _ := auth.UserFrom(ctx)
	switch action {
	case "train", "prelabel":
		return s.bulkModel(w, r, p, action, q, back)
	case "export":
		return s.bulkExport(w, r, p, q, count)
	}
	params0, _ := json.Marshal(params)
	b := store.BulkAction{ProjectID: p.ID, CreatedBy: &u.ID, Actor: u.Email, Action: action, Query: json.RawMessage(q.DMQuery()),
		Params: params0, Total: count.N}
	if count.Exact && count.N <= bulkInline {
		if b, err = s.store.CreateBulkAction(ctx, b); err != nil {
			return err
		}
		done, err := job.RunBulk(ctx, s.store, b)
		if err != nil && ctx.Err() != nil { // the client went: no job will finish it
			s.store.FinishBulkAction(context.WithoutCancel(ctx), b.ID, done, "interrupted: the request ended")
		}
		if err != nil {
			return err
		}
		s.flash(r, fmt.Sprintf("%s: %d tasks", action, done))
		return seeOther(w, r, back)
	}
	err = s.store.Transact(ctx, func(tx *store.Store) error {
		if b, err = tx.CreateBulkAction(ctx, b); err != nil {
			return err
		}
		return job.Insert(ctx, s.jobs, tx, job.BulkArgs{BulkID: b.ID, ProjectID: p.ID})
	})
	if err != nil {
		return err
	}
	s.flash(r, fmt.Sprintf("%s of %s tasks is running in the background: its progress is below.", action, count))
	return seeOther(w, r, back)
}

// bulkModel retrains the project's model on the selection's labels, or has
// its active model pre-label the selection.
func (s *Server) bulkModel(w http.ResponseWriter, r *http.Request, p store.Project, action string, q store.TaskQuery, back string) error {
	ctx := r.Context()
	var args river.JobArgs
	if action == "prelabel" {
		ms, err := s.store.ModelVersions(ctx, p.ID)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if m.Active {
				args = job.PrelabelArgs{ProjectID: p.ID, VersionID: m.ID, Query: q.DMQuery()}
			}
		}
		if args == nil {
			return problem.BadRequest("prelabel: the project has no model yet; train one first")
		}
	}
	err := s.store.Transact(ctx, func(tx *store.Store) error {
		var err error
		if action == "train" {
			err = app.TrainOn(ctx, tx, s.jobs, p, q.DMQuery())
		} else {
			err = job.Insert(ctx, s.jobs, tx, args)
		}
		if err != nil {
			return err
		}
		u, _ := auth.UserFrom(ctx)
		return tx.Audit(ctx, u.ID, u.Email, "tasks."+action, p.ID, map[string]any{"query": json.RawMessage(q.DMQuery())})
	})
	if err != nil {
		return err
	}
	s.flash(r, fmt.Sprintf("%s of the selection is queued: see the project's jobs.", action))
	return seeOther(w, r, back)
}

// bulkExport exports the selection in the chosen format with the export
// service: streamed at once when small, else as a background export whose
// progress the export page shows.
func (s *Server) bulkExport(w http.ResponseWriter, r *http.Request, p store.Project, q store.TaskQuery, count store.TaskCount) error {
	form := url.Values{"exportType": {r.PostForm.Get("format")}, "query": {q.DMQuery()}, "download_all_tasks": {"true"}}
	spec, err := api.ExportSpec(form, p)
	if err != nil {
		return err
	}
	u, _ := auth.UserFrom(r.Context())
	if err := s.store.Audit(r.Context(), u.ID, u.Email, "tasks.export", p.ID, map[string]any{"tasks": count.N, "spec": spec}); err != nil {
		return err
	}
	if count.Exact && count.N <= bulkInline {
		return seeOther(w, r, link.APIExport(p.ID)+"?"+form.Encode())
	}
	e, err := s.exports.Queue(r.Context(), s.jobs, u, p, spec, "task table")
	if err != nil {
		return err
	}
	s.flash(r, fmt.Sprintf("Export %d of %s tasks is running in the background.", e.ID, count))
	return seeOther(w, r, link.Export(p.ID))
}
