package web

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"concord/internal/store"
)

// healthz answers while the process is up.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// health answers as Label Studio's /health does, for its clients' check_connection.
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"status": "UP"}` + "\n"))
}

// readyz answers 200 when the database is reachable and fully migrated, else 503.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	status, body := http.StatusOK, map[string]any{"database": "ok"}
	latest, _ := store.Latest()
	if v, dirty, err := s.store.SchemaVersion(ctx); err != nil {
		status, body["database"] = http.StatusServiceUnavailable, "unreachable"
	} else if dirty || v != latest {
		status, body["migrations"] = http.StatusServiceUnavailable, map[string]any{"version": v, "dirty": dirty, "want": latest}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}
