package web

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"concord/internal/app"
	"concord/internal/auth"
	"concord/web/link"
	"concord/web/view"
)

// modelsPage lists the project's model versions with their metrics, and
// offers to train now or to activate (roll back to) a version.
func (s *Server) modelsPage(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.project(r, auth.ManageProject)
	if err != nil {
		return err
	}
	ms, err := app.Models(r.Context(), s.store, p)
	if err != nil {
		return err
	}
	rows := make([]view.ModelLine, len(ms))
	for i, m := range ms {
		rows[i] = view.ModelLine{ID: m.ID, Version: m.Version, Kind: m.Kind, Control: m.Control, TrainedOn: m.TrainedOn,
			HeldOut: m.HeldOut, Metrics: m.Metrics, Seconds: m.TrainSeconds, Active: m.Active, CreatedAt: m.CreatedAt,
			Predicted: m.Predicted, Kept: m.Kept}
	}
	return render(w, r, http.StatusOK, view.Models(s.page(r, "Model of "+p.Title), p, rows))
}

func (s *Server) trainNow(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.project(r, auth.ManageProject)
	if err != nil {
		return err
	}
	if err := app.Train(r.Context(), s.store, s.jobs, p); err != nil {
		if ae, ok := app.As(err); ok && ae.Kind == app.Invalid {
			s.flash(r, "Not trained: "+ae.Msg+".")
			return seeOther(w, r, link.Models(p.ID))
		}
		return err
	}
	s.flash(r, "Training queued: the new version appears here when it is done.")
	return seeOther(w, r, link.Models(p.ID))
}

func (s *Server) activateModel(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.project(r, auth.ManageProject)
	if err != nil {
		return err
	}
	vid, err := strconv.ParseInt(chi.URLParam(r, "version_id"), 10, 64)
	if err != nil {
		return notFound
	}
	if err := app.Activate(r.Context(), s.store, s.jobs, p, vid); err != nil {
		return err
	}
	s.flash(r, "Version activated: its predictions are being written.")
	return seeOther(w, r, link.Models(p.ID))
}
