package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"concord/internal/auth"
	"concord/internal/job"
	"concord/web/link"
	"concord/web/problem"
	"concord/web/view"
)

// webhooksPage lists a project's webhooks and their latest deliveries.
func (s *Server) webhooksPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderWebhooks(w, r, http.StatusOK, "")
}

func (s *Server) renderWebhooks(w http.ResponseWriter, r *http.Request, status int, errMsg string) error {
	p, _, err := s.project(r, auth.ManageProject)
	if err != nil {
		return err
	}
	hooks, err := s.store.Webhooks(r.Context(), p.ID)
	if err != nil {
		return err
	}
	ds, err := s.store.Deliveries(r.Context(), p.ID, 50)
	if err != nil {
		return err
	}
	return render(w, r, status, view.Webhooks(s.page(r, "Webhooks of "+p.Title), p, hooks, ds, job.WebhookEvents, errMsg))
}

func (s *Server) addWebhook(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.project(r, auth.ManageProject)
	if err != nil {
		return err
	}
	r.ParseForm()
	_, err = s.api.AddWebhook(r, p, r.PostFormValue("url"), r.PostForm["events"])
	var pe *problem.Error
	if errors.As(err, &pe) && pe.Status == http.StatusUnprocessableEntity {
		return s.renderWebhooks(w, r, pe.Status, pe.Msg)
	}
	if err != nil {
		return err
	}
	s.flash(r, "Webhook added.")
	return seeOther(w, r, link.Webhooks(p.ID))
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.project(r, auth.ManageProject)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(chi.URLParam(r, "webhook_id"), 10, 64)
	if err != nil {
		return notFound
	}
	if err := s.store.DeleteWebhook(r.Context(), p.ID, id); err != nil {
		return err
	}
	s.flash(r, "Webhook removed.")
	return seeOther(w, r, link.Webhooks(p.ID))
}
