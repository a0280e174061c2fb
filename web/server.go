// Package web is Concord's HTTP server: the browser pages, the JSON API under
// /api, the middleware around them, and the one adapter that renders errors.
package web

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"

	"concord/internal/app"
	"concord/internal/config"
	"concord/internal/ingest"
	"concord/internal/job"
	"concord/internal/live"
	"concord/internal/media"
	"concord/internal/store"
	"concord/web/api"
)

// Deps are what the server is built from.
type Deps struct {
	Config   config.Config
	Store    *store.Store
	Importer *ingest.Importer
	Jobs     *job.Client // inserts jobs; works them too when the worker runs in-process
	Hub      *live.Hub   // this process's websocket clients
	Log      *slog.Logger
	Now      func() time.Time // the clock of sign-in and token throttling; nil: time.Now
}

// Server holds the dependencies of every handler.
type Server struct {
	cfg         config.Config
	store       *store.Store
	log         *slog.Logger
	sessions    *scs.SessionManager
	api         *api.API
	imports     *app.Imports
	exports     *app.Exports
	jobs        *job.Client
	blobs       media.Blobs
	hub         *live.Hub
	metrics     *metrics
	now         func() time.Time // the clock of throttling
	crossOrigin *http.CrossOriginProtection
}

// New makes the server. Sessions live in PostgreSQL; expired ones are pruned by
// a background job, not by a goroutine of every server process.
func New(d Deps) *Server {
	cfg, st, log := d.Config, d.Store, d.Log
	sm := scs.New()
	sm.Store = pgxstore.NewWithCleanupInterval(st.Pool, 0)
	sm.Lifetime = cfg.SessionMaxAge
	sm.IdleTimeout = cfg.SessionMaxAge
	sm.Cookie.Name = "concord_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = cfg.SecureCookies
	sm.Cookie.Persist = true
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		log.Error("session store", "err", err, "path", r.URL.Path)
		http.Error(w, "the session store is unavailable; try again", http.StatusServiceUnavailable)
	}
	s := &Server{
		cfg:         cfg,
		store:       st,
		log:         log,
		sessions:    sm,
		api:         api.New(cfg, st, d.Importer, d.Jobs, log),
		imports:     app.NewImports(cfg, st, d.Importer),
		exports:     app.NewExports(cfg, st),
		jobs:        d.Jobs,
		blobs:       d.Importer.Blobs,
		hub:         d.Hub,
		crossOrigin: http.NewCrossOriginProtection(),
		now:         d.Now,
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.metrics = newMetrics(s)
	return s
}

// HTTPServer wraps the handler in an http.Server with the timeouts of
// deadline.go. There is no overall write timeout: exports stream for as long
// as the client keeps reading, each write bounded by the configured write timeout.
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s.Handler(),
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		IdleTimeout:       IdleTimeout,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}
