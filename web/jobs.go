package web

import (
	"encoding/json"
	"net/http"

	"concord/internal/auth"
	"concord/web/view"
)

// jobsPage lists a project's recent background jobs with their state, duration
// and last error, so a manager sees why something failed.
func (s *Server) jobsPage(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.project(r, auth.ManageProject)
	if err != nil {
		return err
	}
	rows, err := s.store.ProjectJobs(r.Context(), p.ID, 100)
	if err != nil {
		return err
	}
	jobs := make([]view.JobLine, len(rows))
	for i, j := range rows {
		jobs[i] = view.JobLine{ID: j.ID, Kind: j.Kind, State: j.State, Attempt: j.Attempt, MaxAttempts: j.MaxAttempts, CreatedAt: j.CreatedAt}
		if j.AttemptedAt != nil && j.FinalizedAt != nil {
			jobs[i].Duration = j.FinalizedAt.Sub(*j.AttemptedAt)
		}
		var errs []struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(j.Errors, &errs) == nil && len(errs) > 0 {
			jobs[i].LastError = errs[len(errs)-1].Error
		}
	}
	return render(w, r, http.StatusOK, view.Jobs(s.page(r, "Background jobs of "+p.Title), p, jobs))
}
