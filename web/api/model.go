package api

import (
	"net/http"

	"concord/internal/app"
	"concord/internal/auth"
)

func (a *API) listModels(w http.ResponseWriter, r *http.Request) error {
	p, err := a.projectOf(r, auth.ManageProject)
	if err != nil {
		return err
	}
	ms, err := app.Models(r.Context(), a.store, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ms)
}

func (a *API) trainModel(w http.ResponseWriter, r *http.Request) error {
	p, err := a.projectOf(r, auth.ManageProject)
	if err != nil {
		return err
	}
	if err := app.Train(r.Context(), a.store, a.jobs, p); err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, map[string]string{"status": "queued"})
}

func (a *API) activateModel(w http.ResponseWriter, r *http.Request) error {
	p, err := a.projectOf(r, auth.ManageProject)
	if err != nil {
		return err
	}
	vid, err := idParam(r, "version_id")
	if err != nil {
		return err
	}
	if err := app.Activate(r.Context(), a.store, a.jobs, p, vid); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
