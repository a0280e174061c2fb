// Package api is Concord's JSON REST API. Its core follows Label Studio's paths
// and payloads, so that Label Studio scripts, SDK calls and ML backends work
// against Concord; Concord's own endpoints live beside them under /api.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strconv"

	"github.com/go-chi/chi/v5"

	"concord/internal/app"
	"concord/internal/auth"
	"concord/internal/config"
	"concord/internal/ingest"
	"concord/internal/job"
	"concord/internal/live"
	"concord/internal/store"
	"concord/web/problem"
)

// maxJSONBody bounds the JSON body of ordinary API calls (imports have their own limit).
const maxJSONBody = 1 << 20

// HandlerFunc is an API handler; a returned error is rendered by the server's adapter.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// API holds what the API handlers need.
type API struct {
	cfg       config.Config
	store     *store.Store
	importer  *ingest.Importer
	jobs      *job.Client
	imports   *app.Imports
	exports   *app.Exports
	log       *slog.Logger
	spoolDir  string // streamed exports' temporary files
	openTasks openTaskCache
	configs   app.Configs // parsed label configs, by version
	streamed  exportSlots
}

// New makes the API.
func New(cfg config.Config, st *store.Store, im *ingest.Importer, jobs *job.Client, log *slog.Logger) *API {
	return &API{cfg: cfg, store: st, importer: im, jobs: jobs, imports: app.NewImports(cfg, st, im), exports: app.NewExports(cfg, st), log: log,
		spoolDir: filepath.Join(cfg.DataDir, "spool")}
}

// notify tells every Concord process's live pages about a committed change; a
// failure only costs a live update, so it is logged, not returned.
func (a *API) notify(ctx context.Context, e live.Event) {
	if err := live.Notify(context.WithoutCancel(ctx), a.store.Pool, e); err != nil {
		a.log.Warn("live event not sent", "type", e.Type, "project", e.Project, "err", err)
	}
}

// writeJSON writes v as JSON with a status.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// readJSON decodes a request body of at most maxJSONBody bytes into v.
func readJSON(w http.ResponseWriter, r *http.Request, v any) error {
	return readJSONLimit(w, r, v, maxJSONBody)
}

// readJSONLimit decodes a request body of at most limit bytes into v.
func readJSONLimit(w http.ResponseWriter, r *http.Request, v any, limit int64) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.UseNumber() // task data keeps its numbers exact
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			return problem.New(http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is larger than %d bytes", limit))
		case errors.Is(err, io.EOF):
			return problem.BadRequest("the request body is empty; send a JSON object")
		}
		return problem.BadRequest("invalid JSON: %v", err)
	}
	return nil
}

// caller is the signed-in user; the routes table only lets signed-in callers in.
func caller(r *http.Request) store.User {
	u, _ := auth.UserFrom(r.Context())
	return u
}

// idParam parses a positive integer URL parameter.
func idParam(r *http.Request, name string) (int64, error) {
	return parseID(chi.URLParam(r, name), name)
}

func parseID(s, name string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, problem.BadRequest("%s must be a positive integer, got %q", name, s)
	}
	return id, nil
}

// projectOf loads the project named by the URL's {id} and checks the caller may do act to it.
func (a *API) projectOf(r *http.Request, act auth.Action) (store.Project, error) {
	id, err := idParam(r, "id")
	if err != nil {
		return store.Project{}, err
	}
	return a.project(r, id, act)
}

// project loads a project and checks that the caller may do a to it. A project
// the caller may not see is reported as not found, so ids reveal nothing.
func (a *API) project(r *http.Request, id int64, act auth.Action) (store.Project, error) {
	p, _, err := app.Project(r.Context(), a.store, caller(r), id, act)
	return p, err
}
