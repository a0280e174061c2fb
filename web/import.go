package web

import (
	"fmt"
	"net/http"

	"concord/internal/app"
	"concord/internal/auth"
	"concord/internal/store"
	"concord/web/link"
	"concord/web/upload"
	"concord/web/view"
)

func (s *Server) importPage(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.project(r, auth.ManageProject)
	if err != nil {
		return err
	}
	return render(w, r, http.StatusOK, view.Import(s.page(r, "Import into "+p.Title), p, view.ImportOutcome{}))
}

// importFiles takes the import form's files. With JavaScript the page posts
// to the API and shows progress; this is the plain-form path.
func (s *Server) importFiles(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.project(r, auth.ManageProject)
	if err != nil {
		return err
	}
	files, skip, err := upload.Spool(w, r, s.cfg)
	if err != nil {
		return err
	}
	u, _ := auth.UserFrom(r.Context())
	res, err := s.imports.Import(r.Context(), s.jobs, u, p, files, app.ImportOptions{SkipInvalid: skip})
	if ae, ok := app.As(err); ok && ae.Kind == app.Invalid {
		return render(w, r, http.StatusUnprocessableEntity, view.Import(s.page(r, "Import into "+p.Title), p, view.ImportOutcome{Error: ae.Msg}))
	}
	if err != nil {
		return err
	}
	if res.Status == store.ImportQueued {
		s.flash(r, fmt.Sprintf("Import %d is running in the background.", res.ImportID))
		return seeOther(w, r, link.Project(p.ID))
	}
	return render(w, r, http.StatusOK, view.Import(s.page(r, "Import into "+p.Title), p, view.ImportOutcome{Result: &res.Report}))
}
