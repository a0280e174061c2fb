package web

import (
	"fmt"
	"net/http"

	"concord/internal/auth"
	"concord/internal/export"
	"concord/internal/format"
	"concord/internal/labeling"
	"concord/internal/store"
	"concord/web/api"
	"concord/web/link"
	"concord/web/problem"
	"concord/web/view"
)

// exportPage shows the export form and the project's recent background exports.
func (s *Server) exportPage(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.project(r, auth.ManageProject)
	if err != nil {
		return err
	}
	es, err := s.store.Exports(r.Context(), p.ID, 20)
	if err != nil {
		return err
	}
	cfg, _ := labeling.ParseConfig(p.LabelConfig)
	formats := make([]view.ExportChoice, len(view.ExportFormats))
	for i, f := range view.ExportFormats {
		formats[i] = view.ExportChoice{Kind: f[0], Text: f[1]}
		if err := export.Fits(format.Kind(f[0]), cfg); err != nil {
			formats[i].Unfit = err.Error()
		}
	}
	return render(w, r, http.StatusOK, view.Export(s.page(r, "Export "+p.Title), p, formats, es))
}

// queueExport takes the export form: a background export, then back to the page.
func (s *Server) queueExport(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.project(r, auth.ManageProject)
	if err != nil {
		return err
	}
	var id int64
	if err := r.ParseForm(); err != nil {
		return problem.BadRequest("%v", err)
	}
	spec, err := api.ExportSpec(r.PostForm, p)
	if err == nil {
		u, _ := auth.UserFrom(r.Context())
		var e store.Export
		e, err = s.exports.Queue(r.Context(), s.jobs, u, p, spec, "page")
		id = e.ID
	}
	if pe := problem.From(err); err != nil && pe.Status < 500 {
		s.flash(r, "Not exported: "+pe.Msg)
		return seeOther(w, r, link.Export(p.ID))
	}
	if err != nil {
		return err
	}
	s.flash(r, fmt.Sprintf("Export %d is running in the background.", id))
	return seeOther(w, r, link.Export(p.ID))
}
