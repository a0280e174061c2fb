package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
	// Label Studio's settings that Concord does not have, at the values that
	// say what Concord does (see backendDefaults).
	Description   string `json:"description"`
	IsInteractive bool   `json:"is_interactive"`
	AuthMethod    string `json:"auth_method"`
	AutoUpdate    bool   `json:"auto_update"`
}

func toBackendJSON(b store.MLBackend) mlBackendJSON {
	state := "CO"
	if b.State == "error" {
		state = "ER"
	}
	return mlBackendJSON{ID: b.ID, Project: b.ProjectID, URL: b.URL, Title: b.Title, ModelVersion: b.ModelVersion, State: state, Error: b.Error, CreatedAt: b.CreatedAt,
		AuthMethod: "NONE", AutoUpdate: true}
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

// backendDefaults are the settings of Label Studio's ML backends that Concord
// does not have, with the values that mean what Concord does: a PATCH may send
// these (its clients echo them), any other value is refused as not supported.
var backendDefaults = map[string]func(v any) bool{
	"description":     func(v any) bool { return v == nil || v == "" },
	"is_interactive":  func(v any) bool { return v == nil || v == false },
	"auth_method":     func(v any) bool { return v == nil || v == "NONE" },
	"basic_auth_user": func(v any) bool { return v == nil || v == "" },
	"basic_auth_pass": func(v any) bool { return v == nil || v == "" },
	"extra_params": func(v any) bool {
		m, isMap := v.(map[string]any)
		return v == nil || v == "" || (isMap && len(m) == 0)
	},
	"timeout":     func(v any) bool { return v == nil },
	"auto_update": func(v any) bool { return v == nil || v == true },
}

// backendReadOnly are the fields of Label Studio's ML backend that a client
// may send back and that Label Studio, too, ignores on a write.
var backendReadOnly = map[string]bool{"id": true, "state": true, "readable_state": true, "error_message": true,
	"created_at": true, "updated_at": true, "basic_auth_pass_is_set": true}

// updateBackend answers PATCH /api/ml/{id} with Label Studio's fields: url
// and title change (a new URL must answer /health and /setup as a new backend
// must); project and model_version may only be sent as they are; the
// settings Concord does not have only with their defaults (422 otherwise); an
// unknown field is 400, by name.
func (a *API) updateBackend(w http.ResponseWriter, r *http.Request) error {
	b, p, err := a.backendOf(r)
	if err != nil {
		return err
	}
	var in map[string]any
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	url, title := b.URL, b.Title
	for k, v := range in {
		switch {
		case k == "url" || k == "title":
			s, ok := v.(string)
			if !ok {
				return problem.Invalid(k+": give a string", nil)
			}
			if k == "url" {
				url = strings.TrimSpace(s)
			} else {
				title = s
			}
		case k == "project":
			if n, ok := v.(json.Number); !ok || n.String() != fmt.Sprint(p.ID) {
				return problem.Invalid(fmt.Sprintf("project: an ML backend stays in its project (%d)", p.ID), nil)
			}
		case k == "model_version":
			if v != nil && v != "" && v != b.ModelVersion {
				return problem.Invalid(fmt.Sprintf("model_version: Concord uses the version the backend reports (%q); choosing another is not supported", b.ModelVersion), nil)
			}
		case backendReadOnly[k]:
		case backendDefaults[k] != nil:
			if !backendDefaults[k](v) {
				return problem.Invalid(fmt.Sprintf("%s: %v is not supported: Concord's ML backends have no such setting (only its default is accepted)", k, v), nil)
			}
		default:
			return problem.BadRequest("%s: not a field of an ML backend; Label Studio's are url, title, project, description, model_version, is_interactive, auth_method, basic_auth_user, basic_auth_pass, extra_params, timeout, auto_update", k)
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
