package api

import (
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
	setup, err := c.Setup(r.Context(), backend.SetupRequest{Project: backend.ProjectUID(p.ID, p.CreatedAt), Schema: p.LabelConfig})
	if err != nil {
		return backendProblem(err)
	}
	var b store.MLBackend
	err = a.store.Transact(r.Context(), func(tx *store.Store) error {
		var err error
		if b, err = tx.CreateMLBackend(r.Context(), p.ID, c.URL(), in.Title, setup.ModelVersion); err != nil {
			return err
		}
		return job.Insert(r.Context(), a.jobs, tx, job.BackendPredictArgs{ProjectID: p.ID, BackendID: b.ID})
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, toBackendJSON(b))
}

// trainBackend answers POST /api/ml/{id}/train: START_TRAINING to the backend's webhook.
func (a *API) trainBackend(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	b, err := a.store.MLBackendByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return problem.NotFound("ML backend")
	}
	if err != nil {
		return err
	}
	p, err := a.project(r, b.ProjectID, auth.ManageProject)
	if err != nil {
		return problem.NotFound("ML backend")
	}
	c, err := a.backendClient(b.URL)
	if err != nil {
		return err
	}
	if err := c.Webhook(r.Context(), backend.EventStartTraining, backend.WebhookPayload{
		Project: backend.WebhookProject{ID: p.ID, Title: p.Title, LabelConfig: p.LabelConfig},
	}); err != nil {
		return backendProblem(err)
	}
	return writeJSON(w, http.StatusOK, map[string]string{"status": "training started"})
}

// backendProblem reports a backend's failure to the caller: a blocked private
// address is the caller's to fix (422), anything else the backend's (502).
func backendProblem(err error) error {
	var blocked *netguard.BlockedError
	if errors.As(err, &blocked) {
		return problem.Invalid(blocked.Error(), nil)
	}
	return &problem.Error{Status: http.StatusBadGateway, Msg: "the ML backend did not answer as expected: " + err.Error(), Err: err}
}
