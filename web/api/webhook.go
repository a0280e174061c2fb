package api

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"time"

	"concord/internal/auth"
	"concord/internal/job"
	"concord/internal/netguard"
	"concord/internal/store"
	"concord/web/problem"
)

// webhookJSON is a project's webhook; its secret is shown to the project's managers.
type webhookJSON struct {
	ID        int64     `json:"id"`
	Project   int64     `json:"project"`
	URL       string    `json:"url"`
	Secret    string    `json:"secret"`
	Events    []string  `json:"events"`
	CreatedAt time.Time `json:"created_at"`
}

func toWebhookJSON(w store.Webhook) webhookJSON {
	return webhookJSON{ID: w.ID, Project: w.ProjectID, URL: w.URL, Secret: w.Secret, Events: w.Events, CreatedAt: w.CreatedAt}
}

// AddWebhook checks and stores a webhook with a new secret. A URL whose host
// resolves to an address the outbound guard refuses is refused here (422);
// each delivery is checked again when it is sent.
func (a *API) AddWebhook(r *http.Request, p store.Project, rawURL string, events []string) (store.Webhook, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return store.Webhook{}, problem.Invalid("url: give an http or https URL without credentials", nil)
	}
	allow, err := netguard.ParseAllowList(a.cfg.AllowPrivate)
	if err != nil {
		return store.Webhook{}, err
	}
	if err := netguard.CheckHost(r.Context(), u.Hostname(), allow); err != nil {
		return store.Webhook{}, problem.Invalid("url: "+err.Error(), nil)
	}
	if len(events) == 0 {
		events = job.WebhookEvents
	}
	for _, e := range events {
		if !slices.Contains(job.WebhookEvents, e) {
			return store.Webhook{}, problem.Invalid("events: unknown event "+e, map[string]any{"known": job.WebhookEvents})
		}
	}
	b := make([]byte, 24)
	rand.Read(b)
	return a.store.CreateWebhook(r.Context(), p.ID, u.String(), hex.EncodeToString(b), events)
}

// listWebhooks answers GET /api/webhooks?project={id}.
func (a *API) listWebhooks(w http.ResponseWriter, r *http.Request) error {
	pid, err := parseID(r.URL.Query().Get("project"), "project")
	if err != nil {
		return err
	}
	if _, err := a.project(r, pid, auth.ManageProject); err != nil {
		return err
	}
	hs, err := a.store.Webhooks(r.Context(), pid)
	if err != nil {
		return err
	}
	out := make([]webhookJSON, len(hs))
	for i, h := range hs {
		out[i] = toWebhookJSON(h)
	}
	return writeJSON(w, http.StatusOK, out)
}

// createWebhook answers POST /api/webhooks {"project", "url", "events"}.
func (a *API) createWebhook(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Project int64    `json:"project"`
		URL     string   `json:"url"`
		Events  []string `json:"events"`
	}
	if err := readJSON(w, r, &in); err != nil {
		return err
	}
	p, err := a.project(r, in.Project, auth.ManageProject)
	if err != nil {
		return err
	}
	h, err := a.AddWebhook(r, p, in.URL, in.Events)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, toWebhookJSON(h))
}

// deleteWebhook answers DELETE /api/webhooks/{id}.
func (a *API) deleteWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "id")
	if err != nil {
		return err
	}
	h, err := a.store.WebhookByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return problem.NotFound("webhook")
	}
	if err != nil {
		return err
	}
	if _, err := a.project(r, h.ProjectID, auth.ManageProject); err != nil {
		return problem.NotFound("webhook")
	}
	if err := a.store.DeleteWebhook(r.Context(), h.ProjectID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
