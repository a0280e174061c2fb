package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"concord/internal/app"
	"concord/internal/auth"
	"concord/internal/store"
	"concord/web/api"
	"concord/web/link"
	"concord/web/problem"
	"concord/web/view"
)

func (s *Server) projectsPage(w http.ResponseWriter, r *http.Request) error {
	u, _ := auth.UserFrom(r.Context())
	var ps []store.Project
	var err error
	if auth.CanSeeAllProjects(u) {
		ps, err = s.store.Projects(r.Context())
	} else {
		ps, err = s.store.ProjectsOf(r.Context(), u.ID)
	}
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, view.Projects(s.page(r, "Projects"), ps, auth.CanCreateProject(u)))
}

func (s *Server) newProjectPage(w http.ResponseWriter, r *http.Request) error {
	if u, _ := auth.UserFrom(r.Context()); !auth.CanCreateProject(u) {
		return problem.Forbidden()
	}
	f := view.ProjectForm{Fields: store.ProjectFields{MaximumAnnotations: 1, Sampling: "sequential", LockMinutes: store.DefaultLockMinutes, RetrainEvery: store.DefaultRetrainEvery}}
	return render(w, r, http.StatusOK, view.ProjectEdit(s.page(r, "New project"), f))
}

// projectForm reads the project form's fields.
func projectForm(r *http.Request) store.ProjectFields {
	n, err := strconv.Atoi(r.PostFormValue("maximum_annotations"))
	if err != nil {
		n = 0 // reported by CheckProject
	}
	retrain := 0 // the default
	if v := r.PostFormValue("retrain_every"); v != "" {
		if retrain, err = strconv.Atoi(v); err != nil {
			retrain = -1 // reported by CheckProject
		}
	}
	num := func(name string) float64 {
		v, err := strconv.ParseFloat(r.PostFormValue(name), 64)
		if err != nil && r.PostFormValue(name) != "" {
			return -1 // reported by CheckProject
		}
		return v
	}
	lock := 0 // the default
	if v := r.PostFormValue("lock_minutes"); v != "" {
		if lock, err = strconv.Atoi(v); err != nil {
			lock = -1 // reported by CheckProject
		}
	}
	return store.ProjectFields{
		Title:              r.PostFormValue("title"),
		Description:        r.PostFormValue("description"),
		LabelConfig:        r.PostFormValue("label_config"),
		ExpertInstruction:  r.PostFormValue("expert_instruction"),
		MaximumAnnotations: n,
		Sampling:           r.PostFormValue("sampling"),
		LockMinutes:        lock,
		ShowOthers:         r.PostFormValue("show_others") == "true",
		RetrainEvery:       retrain,
		GoldRate:           num("gold_rate"),
		AgreementThreshold: num("agreement_threshold"),
		MaxExtra:           int(num("max_extra_annotators")),
		GoldPauseWindow:    int(num("gold_pause_window")),
		GoldPauseThreshold: num("gold_pause_threshold"),
	}
}

func (s *Server) createProject(w http.ResponseWriter, r *http.Request) error {
	u, _ := auth.UserFrom(r.Context())
	if !auth.CanCreateProject(u) {
		return problem.Forbidden()
	}
	f := projectForm(r)
	if errs := api.CheckProject(&f); len(errs) > 0 {
		return render(w, r, http.StatusUnprocessableEntity, view.ProjectEdit(s.page(r, "New project"), view.ProjectForm{Fields: f, Errors: errs}))
	}
	p, err := s.store.CreateProject(r.Context(), f, u.ID)
	if err != nil {
		return err
	}
	s.flash(r, "Project created.")
	return seeOther(w, r, link.Project(p.ID))
}

// project loads the project of the URL and checks the caller may do act to it
// (app.Project: a project the caller may not see is not found).
func (s *Server) project(r *http.Request, act auth.Action) (store.Project, string, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		return store.Project{}, "", notFound
	}
	u, _ := auth.UserFrom(r.Context())
	return app.Project(r.Context(), s.store, u, id, act)
}

func (s *Server) projectPage(w http.ResponseWriter, r *http.Request) error {
	p, role, err := s.project(r, auth.ViewProject)
	if err != nil {
		return err
	}
	u, _ := auth.UserFrom(r.Context())
	canManage := auth.Can(u, role, auth.ManageProject)
	var stats *store.ProjectStats
	if canManage {
		st, err := s.store.StatsOf(r.Context(), p.ID)
		if err != nil {
			return err
		}
		stats = &st
	}
	return render(w, r, http.StatusOK, view.ProjectView(s.page(r, p.Title), p, canManage, stats))
}

func (s *Server) projectSettingsPage(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.project(r, auth.ManageProject)
	if err != nil {
		return err
	}
	f := view.ProjectForm{ID: p.ID, Fields: api.FieldsOf(p)}
	return render(w, r, http.StatusOK, view.ProjectEdit(s.page(r, "Settings of "+p.Title), f))
}

func (s *Server) updateProject(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.project(r, auth.ManageProject)
	if err != nil {
		return err
	}
	f := projectForm(r)
	if errs := api.CheckProject(&f); len(errs) > 0 {
		return render(w, r, http.StatusUnprocessableEntity, view.ProjectEdit(s.page(r, "Settings of "+p.Title), view.ProjectForm{ID: p.ID, Fields: f, Errors: errs}))
	}
	if _, err := s.store.UpdateProject(r.Context(), p.ID, f); err != nil {
		return err
	}
	s.flash(r, "Settings saved.")
	return seeOther(w, r, link.Project(p.ID))
}

func (s *Server) deleteProject(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.project(r, auth.ManageProject)
	if err != nil {
		return err
	}
	if err := s.store.DeleteProject(r.Context(), p.ID); err != nil {
		return err
	}
	s.flash(r, fmt.Sprintf("Project %q deleted.", p.Title))
	return seeOther(w, r, link.Projects())
}
