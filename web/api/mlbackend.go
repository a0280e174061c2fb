package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"concord/internal/auth"
	"concord/internal/job"
	"concord/internal/ml/backend"
	"concord/internal/netguard"
	"concord/internal/store"
	"concord/web/problem"
)

// mlBackendJSON is an ML backend as Label Studio's API shows one.
type mlBackendJSON struct {
	ID           int64     `json:"id"`
	Project      int64     `json:"project"`
	URL          string    `json:"url"`
	Title        string    `json:"title"`
	ModelVersion string    `json:"model_version"`
	State        string    `json:"state"`
	Error        string    `json:"error_message,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
}

func toBackendJSON(b store.MLBackend) mlBackendJSON {
	state := "CO"
	if b.State == "error" {
		state = "ER"
	}
	return mlBackendJSON{ID: b.ID, Project: b.ProjectID, URL: b.URL, Title: b.Title, ModelVersion: b.ModelVersion, State: state, Error: b.Error, CreatedAt: b.CreatedAt}
}

// backendClient is a client for a backend URL that reaches no private address
// unless an admin allowed its range.
func (a *API) backendClient(url string) (*backend.Client, error) {
	allow, err := netguard.ParseAllowList(a.cfg.AllowPrivate)
	if err != nil {
		return nil, err
	}
	c, err := backend.New(url, netguard.NewClient(netguard.Options{Allow: allow, Timeout: 2 * time.Minute}), backend.Options{})
	if err != nil {
		return nil, problem.Invalid("url: "+err.Error(), nil)
	}
	return c, nil
}

// listBackends answers GET /api/ml?project={id}.
func (a *API) listBackends(w http.ResponseWriter, r *http.Request) error {
	pid, err := parseID(r.URL.Query().Get("project"), "project")
	if err != nil {
		return err
	}
	if _, err := a.project(r, pid, auth.ManageProject); err != nil {
		return err
	}
	bs, err := a.store.MLBackends(r.Context(), pid)
	if err != nil {
		return err
	}
	out := make([]mlBackendJSON, len(bs))
	for i, b := range bs {
		out[i] = toBackendJSON(b)
	}
	return writeJSON(w, http.StatusOK, out)
}

// createBackend answers POST /api/ml {"project", "url", "title"}: the backend
// must answer /health and /setup; its predictions for the unlabeled tasks are
// then fetched in the background.
func (a *API) createBackend(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Project int64  `json:"project"`
		URL     string `json:"url"`
		Title   string `json:"title"`
	}
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	p, err := a.project(r, in.Project, auth.ManageProject)
	if err != nil {
		return err
	}
	c, err := a.backendClient(strings.TrimSpace(in.URL))
	if err != nil {
		return err
	}
	if _, err := c.Health(r.Context()); err != nil {
		return backendProblem(err)
	}
	setup, userID, err := a.setupBackend(r, c, p, 0)
	if err != nil {
		return err
	}
	var b store.MLBackend
	err = a.store.Transact(r.Context(), func(tx *store.Store) error {
		var err error
		if b, err = tx.CreateMLBackend(r.Context(), p.ID, c.URL(), in.Title, setup.ModelVersion, userID); err != nil {
			return err
		}
		return job.Insert(r.Context(), a.jobs, tx, job.BackendPredictArgs{ProjectID: p.ID, BackendID: b.ID})
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, toBackendJSON(b))
}

// setupBackend calls the backend's /setup with Concord's base URL and a new
// token of the backend's own identity (userID, or a new one when 0), which
// reads only this project.
func (a *API) setupBackend(r *http.Request, c *backend.Client, p store.Project, userID int64) (backend.SetupResponse, int64, error) {
	key, hash, prefix := auth.NewToken()
	id, err := a.store.BackendIdentity(r.Context(), p.ID, userID, hash, prefix)
	if err != nil {
		return backend.SetupResponse{}, 0, err
	}
	setup, err := c.Setup(r.Context(), backend.SetupRequest{Project: backend.ProjectUID(p.ID, p.CreatedAt), Schema: p.LabelConfig,
		Hostname: a.cfg.PublicURL(), AccessToken: key})
	if err != nil {
		if userID == 0 {
			if derr := a.store.DeleteBackendIdentity(context.WithoutCancel(r.Context()), id); derr != nil {
				a.log.Warn("ML backend identity not removed", "user", id, "err", derr)
			}
		}
		return setup, 0, backendProblem(err)
	}
	return setup, id, nil
}

// trainBackend answers POST /api/ml/{id}/train: START_TRAINING to the backend's webhook.
func (a *API) trainBackend(w http.ResponseWriter, r *http.Request) error {
	b, p, err := a.backendOf(r)
	if err != nil {
		return err
	}
	c, err := a.backendClient(b.URL)
	if err != nil {
		return err
	}
	// The backends' examples read the project id of START_TRAINING from
	// annotation.project, as in the ANNOTATION_* events; Concord sends it.
	if err := c.Webhook(r.Context(), backend.EventStartTraining, backend.WebhookPayload{
		Project:    backend.WebhookProject{ID: p.ID, Title: p.Title, LabelConfig: p.LabelConfig},
		Annotation: map[string]any{"project": p.ID},
	}); err != nil {
		return backendProblem(err)
	}
	return writeJSON(w, http.StatusOK, map[string]string{"status": "training started"})
}

// backendProblem reports a backend's failure to the caller: a blocked private
// address is the caller's to fix (422), anything else the backend's (502).
// The message leaves out resolver and dialed addresses; the logged Err keeps them.
func backendProblem(err error) error {
	var blocked *netguard.BlockedError
	if errors.As(err, &blocked) {
		return problem.Invalid(blocked.Error(), nil)
	}
	return &problem.Error{Status: http.StatusBadGateway, Msg: "the ML backend did not answer as expected: " + netguard.Message(err), Err: err}
}

// backendOf loads the backend of the URL's {id}, of a project the caller manages.
func (a *API) backendOf(r *http.Request) (store.MLBackend, store.Project, error) {
	id, err := idParam(r, "id")
	if err != nil {
		return store.MLBackend{}, store.Project{}, err
	}
	b, err := a.store.MLBackendByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return b, store.Project{}, problem.NotFound("ML backend")
	}
	if err != nil {
		return b, store.Project{}, err
	}
	p, err := a.project(r, b.ProjectID, auth.ManageProject)
	if err != nil {
		return b, p, problem.NotFound("ML backend")
	}
	return b, p, nil
}

// getBackend answers GET /api/ml/{id}.
func (a *API) getBackend(w http.ResponseWriter, r *http.Request) error {
	b, _, err := a.backendOf(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toBackendJSON(b))
}

// updateBackend answers PATCH /api/ml/{id} {"url", "title"}: a new URL must
// answer /health and /setup as a new backend must.
func (a *API) updateBackend(w http.ResponseWriter, r *http.Request) error {
	b, p, err := a.backendOf(r)
	if err != nil {
		return err
	}
	var in map[string]json.RawMessage
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	url, title := b.URL, b.Title
	for k, v := range in {
		var s string
		switch k {
		case "url", "title":
			if err := json.Unmarshal(v, &s); err != nil {
				return problem.Invalid(k+": give a string", nil)
			}
		case "project", "id":
		default:
			continue // Label Studio's settings Concord does not have (is_interactive, auth_method…) change nothing
		}
		switch k {
		case "url":
			url = strings.TrimSpace(s)
		case "title":
			title = s
		}
	}
	version := b.ModelVersion
	if url != b.URL {
		c, err := a.backendClient(url)
		if err != nil {
			return err
		}
		var userID int64
		if b.UserID != nil {
			userID = *b.UserID
		}
		setup, _, err := a.setupBackend(r, c, p, userID)
		if err != nil {
			return err
		}
		url, version = c.URL(), setup.ModelVersion
	}
	if b, err = a.store.UpdateMLBackend(r.Context(), b.ID, url, title, version); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toBackendJSON(b))
}

// deleteBackend answers DELETE /api/ml/{id}: the backend and its token go; 204.
func (a *API) deleteBackend(w http.ResponseWriter, r *http.Request) error {
	b, _, err := a.backendOf(r)
	if err != nil {
		return err
	}
	if err := a.store.DeleteMLBackend(r.Context(), b.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// predictBackend answers POST /api/ml/{id}/predict: the backend's predictions
// for the project's unlabeled tasks are fetched again, in the background.
func (a *API) predictBackend(w http.ResponseWriter, r *http.Request) error {
	b, p, err := a.backendOf(r)
	if err != nil {
		return err
	}
	if _, err := a.jobs.Insert(r.Context(), job.BackendPredictArgs{ProjectID: p.ID, BackendID: b.ID, Asked: time.Now().UnixNano()}, nil); err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, map[string]string{"status": "predicting"})
}
