package api

import (
	"errors"
	"net/http"

	"concord/internal/app"
	"concord/internal/auth"
	"concord/internal/live"
	"concord/internal/store"
	"concord/web/problem"
)

// paused answers a paused annotator's request for a task or a submission:
// 403 with why they are paused and what happens next.
func (a *API) paused(r *http.Request, p store.Project) error {
	pause, err := a.store.ActivePause(r.Context(), p.ID, caller(r).ID)
	if errors.Is(err, store.ErrNotFound) { // unpaused meanwhile: try again
		return problem.Conflict("you were paused for low accuracy on gold tasks and have just been unpaused: try again")
	}
	if err != nil {
		return err
	}
	return &problem.Error{Status: http.StatusForbidden, Msg: app.PauseMessage(pause), Details: map[string]any{
		"paused": true, "gold_accuracy": pause.Accuracy, "gold_tasks": pause.GoldTasks, "threshold": pause.Threshold, "paused_at": pause.PausedAt}}
}

// listPauses answers GET /api/projects/{id}/pauses: the annotators paused for
// low gold accuracy, with the accuracy, the gold tasks it rests on and the threshold.
func (a *API) listPauses(w http.ResponseWriter, r *http.Request) error {
	p, err := a.projectOf(r, auth.ManageProject)
	if err != nil {
		return err
	}
	ps, err := a.store.Pauses(r.Context(), p.ID)
	if err != nil {
		return err
	}
	if ps == nil {
		ps = []store.Pause{}
	}
	return writeJSON(w, http.StatusOK, ps)
}

// unpause answers DELETE /api/projects/{id}/pauses/{user_id}: the annotator may work again.
func (a *API) unpause(w http.ResponseWriter, r *http.Request) error {
	p, err := a.projectOf(r, auth.ManageProject)
	if err != nil {
		return err
	}
	userID, err := idParam(r, "user_id")
	if err != nil {
		return err
	}
	if err := a.Unpause(r, p, userID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// Unpause lets a paused annotator of the project work again, as the caller
// (recorded in the audit log), and tells the project's pages.
func (a *API) Unpause(r *http.Request, p store.Project, userID int64) error {
	u := caller(r)
	err := a.store.Unpause(r.Context(), p.ID, userID, u.ID, u.Email)
	if errors.Is(err, store.ErrNotFound) {
		return problem.NotFound("pause of this user on this project")
	}
	if err != nil {
		return err
	}
	a.notify(r.Context(), live.Event{Project: p.ID, Type: live.TypeAnnotatorUnpaused, ID: userID})
	return nil
}
